/*
 * xform.h: what ESP (esp.c) and AH (ah.c) share: their result codes and
 * the IP header work both do (transport-mode split, tunnel-mode outer
 * header, length and checksum fixes).  Byte order is converted here and
 * in the transforms' parsers only.
 */
#ifndef XFORM_H
#define XFORM_H

#include <stddef.h>
#include <stdint.h>

struct sa;

/* Outcome of one transform; ipsec.c maps them to enum ipf_reason. */
enum xform_err {
	XF_OK,
	XF_MALFORMED,			/* lengths or headers inconsistent */
	XF_SPI,				/* not this SA's SPI: no SA */
	XF_REPLAY,			/* replayed or too old */
	XF_ICV,				/* integrity check failed */
	XF_PADDING,			/* authentic, but ESP padding wrong */
	XF_DUMMY,			/* TFC dummy packet (next header 59) */
	XF_TOOBIG,			/* over 65535 or the output buffer */
	XF_SEQ,				/* sequence numbers used up */
	XF_ECN,				/* CE outside, inner not ECN-capable */
	XF_CRYPTO,			/* OpenSSL failed */
	XF_MAX
};
extern const char *const xform_err_names[XF_MAX];

static inline uint16_t
xform_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline void
xform_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline uint32_t
xform_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline void
xform_put32(uint8_t *p, uint32_t v)
{
	xform_put16(p, v >> 16);
	xform_put16(p + 2, v & 0xffff);
}

/* The IP version of pkt if its header and exact length check out, or -1. */
int		xform_ipcheck(const uint8_t *, size_t);

/*
 * Transport mode output: how many bytes of pkt stay in front of the new
 * ESP/AH header (the IPv4 header; for IPv6 the header and the hop-by-hop,
 * routing and destination options headers in front of the routing
 * header), and the offset of the byte naming what follows them.  -1 for
 * a fragment or a header chain that overruns the packet.
 */
int		xform_split(const uint8_t *, size_t, size_t *, size_t *);

/*
 * Input: the offset of the byte that names the header at off (IPv4: the
 * protocol field; IPv6: the last extension header before off), or -1.
 */
int		xform_nxtoff(const uint8_t *, size_t, size_t *);

/* Set the IP length (and IPv4 checksum) of the packet pkt[0..len). */
void		xform_setlen(uint8_t *, size_t);
/* Let an IPv4 packet be fragmented: clear DF, fix the checksum. */
void		xform_nodf(uint8_t *);

/* Tunnel mode: the outer header's length for this SA. */
size_t		xform_outer_len(const struct sa *);

/*
 * Write the SA's outer header for inner (total length len, outer protocol
 * proto) to out; the IPv4 ID is the low half of seq, unique per SA for
 * far longer than fragments live.  Returns the header length.
 */
size_t		xform_outer(const struct sa *, const uint8_t *, size_t,
		    uint8_t, uint64_t, uint8_t *);

/*
 * Tunnel mode input: carry a congestion mark of the outer header into the
 * inner packet inner[0..len) (RFC 6040 4.2).  Returns -1 when the packet
 * must be dropped: CE outside, inner packet not ECN-capable.
 */
int		xform_ecn_decap(const uint8_t *, uint8_t *, size_t);

/* Write the RFC 3948 UDP header at pkt + off for a packet of len bytes. */
void		xform_udp(const struct sa *, uint8_t *, size_t, size_t);

#endif /* XFORM_H */
