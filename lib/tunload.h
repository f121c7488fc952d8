/*
 * tunload.h: manual tunnels from the databases (lib/tundb.h) into the
 * engine (ipf_tunnel_add()), as mktun does it and pcapfilt simulates it.
 */
#ifndef TUNLOAD_H
#define TUNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"
#include "tundb.h"

/*
 * The engine's view of record t: this host sends with the source side's
 * SAs and receives with the destination side's, to and from the
 * firewall if the tunnel has one.  The keys stay t's; t must outlive
 * *it.  seq is where the outbound counters start (ipf.h, nonces).
 */
void	tunload_make(const struct tun *, uint64_t, struct ipf_tunnel *);

/* What lstun -a shows of record t, but for ta_remaining. */
void	tunload_active(const struct tun *, struct tun_active *);

/*
 * Install every tunnel of tt (only those whose state is active if
 * active_only) with lifetimes (0: ignored, as pcapfilt does) and counters
 * from seq.  All or nothing: on error the tunnels installed so far are
 * removed again, err gets "tunnel N for IPv4: <problem>" and -1 returns.
 */
int	tunload_all(struct ipf *, const struct ttable *, int, int, uint64_t,
	    uint64_t, char *, size_t);

#endif /* TUNLOAD_H */
