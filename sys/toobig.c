/*
 * toobig.c: the report a host sends when the engine refused a packet as
 * too big for its tunnel (IPF_R_TOOBIG, RFC 4301 8.2.1): ICMP
 * "fragmentation needed" with the next-hop MTU (RFC 1191 4) or ICMPv6
 * "packet too big" (RFC 4443 3.2), quoting as much of the packet as the
 * message may hold (RFC 1812 4.3.2.3: 576 bytes; RFC 4443 2.4(c): 1280).
 */
#include <string.h>

#include "cksum.h"
#include "ipf.h"
#include "ipsec_wire.h"
#include "xform.h"

#define TOOBIG_MAX4	576

static size_t	toobig4(const uint8_t *, size_t, uint32_t,
		    const union ipf_addr *, uint8_t *);
static size_t	toobig6(const uint8_t *, size_t, uint32_t,
		    const union ipf_addr *, uint8_t *);

size_t
ipf_toobig(const uint8_t *pkt, size_t len, uint32_t mtu,
    const union ipf_addr *src, uint8_t *out)
{
	if (len >= IPW_IP4_HDRLEN && pkt[0] >> 4 == 4)
		return (toobig4(pkt, len, mtu, src, out));
	if (len >= IPW_IP6_HDRLEN && pkt[0] >> 4 == 6)
		return (toobig6(pkt, len, mtu, src, out));
	return (0);
}

static size_t
toobig4(const uint8_t *pkt, size_t len, uint32_t mtu,
    const union ipf_addr *src, uint8_t *out)
{
	size_t	hl = IPW_IP4_HDRLEN + 8;
	size_t	n = len < TOOBIG_MAX4 - hl ? len : TOOBIG_MAX4 - hl;

	memset(out, 0, hl);
	out[0] = 0x45;
	out[8] = IPW_TTL;
	out[9] = IPW_PROTO_ICMP;
	/* From the interface's address, or as the packet's destination. */
	memcpy(out + 12, src->w[0] != 0 ? src->b : pkt + 16, 4);
	memcpy(out + 16, pkt + 12, 4);
	xform_setlen(out, hl + n);
	out[20] = 3;				/* destination unreachable */
	out[21] = 4;				/* fragmentation needed */
	xform_put16(out + 26, (uint16_t)(mtu > 0xffff ? 0xffff : mtu));
	memcpy(out + hl, pkt, n);
	xform_put16(out + 22, cksum_fold(cksum_add(0, out + 20, 8 + n)));
	return (hl + n);
}

static size_t
toobig6(const uint8_t *pkt, size_t len, uint32_t mtu,
    const union ipf_addr *src, uint8_t *out)
{
	size_t	hl = IPW_IP6_HDRLEN + 8;
	size_t	n = len < IPF_TOOBIG_MAX - hl ? len : IPF_TOOBIG_MAX - hl;

	/* RFC 8201 4: no path need go below the IPv6 minimum MTU. */
	if (mtu < IPF_TOOBIG_MAX)
		mtu = IPF_TOOBIG_MAX;
	memset(out, 0, hl);
	out[0] = 0x60;
	out[6] = IPW_PROTO_ICMPV6;
	out[7] = IPW_TTL;
	memcpy(out + 8, !IN6_IS_ADDR_UNSPECIFIED(&src->v6) ? src->b :
	    pkt + 24, 16);
	memcpy(out + 24, pkt + 8, 16);
	xform_setlen(out, hl + n);
	out[40] = 2;				/* packet too big */
	xform_put32(out + 44, mtu);
	memcpy(out + hl, pkt, n);
	xform_put16(out + 42, cksum_fold(cksum_add(cksum_pseudo(out,
	    IPW_PROTO_ICMPV6, 8 + n), out + 40, 8 + n)));
	return (hl + n);
}
