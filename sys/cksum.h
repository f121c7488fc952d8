/*
 * cksum.h: the Internet checksum (RFC 1071) for the headers the engine
 * writes: IPv4 headers, the UDP of ESP-in-UDP, and the TCP and UDP
 * checksums it completes or recomputes (ipsec.c, tcpseg.c).
 */
#ifndef CKSUM_H
#define CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes at p, as 16-bit big-endian words, to a running sum. */
uint32_t	cksum_add(uint32_t, const uint8_t *, size_t);
/* The folded, complemented sum: what goes into a checksum field. */
uint16_t	cksum_fold(uint32_t);
/*
 * The pseudo-header sum (RFC 793 3.1, RFC 768, RFC 8200 8.1) of the IPv4
 * or IPv6 packet pkt for an upper-layer segment of l4len bytes.
 */
uint32_t	cksum_pseudo(const uint8_t *, uint8_t, size_t);
/*
 * Write the TCP or UDP checksum of the IPv4 or IPv6 packet pkt, whose
 * transport header is at l4off and runs to len.  UDP's zero becomes 0xffff (RFC 768).  Other protocols are
 * left alone.
 */
void		cksum_l4(uint8_t *, size_t, size_t, uint8_t);

#endif /* CKSUM_H */
