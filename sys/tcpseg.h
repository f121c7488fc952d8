/*
 * tcpseg.h: cut a TCP super-packet into segments that fit a tunnel.
 */
#ifndef TCPSEG_H
#define TCPSEG_H

#include <stddef.h>
#include <stdint.h>

struct pkt_info;

/*
 * Whether p may be cut: TCP, not a fragment, no urgent data (its pointer
 * would need moving) and no source route (its checksum covers the final
 * destination).
 */
int	tcpseg_able(const struct pkt_info *);
/* Payload bytes per segment so that each is at most maxlen; 0: none. */
size_t	tcpseg_mss(const struct pkt_info *, size_t);
/* How many segments of mss payload bytes p becomes. */
size_t	tcpseg_count(const struct pkt_info *, size_t);
/* Write segment i of p into out (room for p's headers + mss); its length. */
size_t	tcpseg_make(const struct pkt_info *, size_t, size_t, uint8_t *);

#endif /* TCPSEG_H */
