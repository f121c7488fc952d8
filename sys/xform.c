/*
 * xform.c: IP header work shared by the ESP and AH transforms.
 */
#include <string.h>

#include "cksum.h"
#include "ipsec_wire.h"
#include "sa.h"
#include "xform.h"

const char *const xform_err_names[XF_MAX] = {
	[XF_OK]		= "ok",
	[XF_MALFORMED]	= "malformed",
	[XF_SPI]	= "no SA for the SPI",
	[XF_REPLAY]	= "replayed sequence number",
	[XF_ICV]	= "ICV mismatch",
	[XF_PADDING]	= "bad ESP padding",
	[XF_DUMMY]	= "dummy packet",
	[XF_TOOBIG]	= "result too big",
	[XF_SEQ]	= "sequence numbers exhausted",
	[XF_ECN]	= "congestion mark on a non-ECN packet",
	[XF_CRYPTO]	= "crypto failure",
};

int
xform_ipcheck(const uint8_t *pkt, size_t len)
{
	size_t	hl;

	if (len < 1)
		return (-1);
	switch (pkt[0] >> 4) {
	case 4:
		if (len < IPW_IP4_HDRLEN)
			return (-1);
		hl = (size_t)(pkt[0] & 0x0f) * 4;
		if (hl < IPW_IP4_HDRLEN || hl > len ||
		    xform_get16(pkt + 2) != len)
			return (-1);
		return (4);
	case 6:
		if (len < IPW_IP6_HDRLEN ||
		    (size_t)xform_get16(pkt + 4) + IPW_IP6_HDRLEN != len)
			return (-1);
		return (6);
	}
	return (-1);
}

int
xform_split(const uint8_t *pkt, size_t len, size_t *hdrlen, size_t *nxtoff)
{
	size_t	off, nxo, hl;
	uint8_t	nxt;
	int	rthdr = 0;

	/*
	 * RFC 4303 3.3.4, RFC 4302 3.3.4: transport mode protects whole
	 * datagrams only; a fragment would reach its receiver as pieces of
	 * an ESP/AH packet that never was.
	 */
	if (pkt[0] >> 4 == 4) {
		if (xform_get16(pkt + offsetof(struct ipw_ip4, ip4_off)) &
		    (IPW_IP4_MF | IPW_IP4_OFFMASK))
			return (-1);
		*hdrlen = (size_t)(pkt[0] & 0x0f) * 4;
		*nxtoff = offsetof(struct ipw_ip4, ip4_p);
		return (0);
	}
	/*
	 * RFC 4303 3.1.1, RFC 4302 3.1.1: after hop-by-hop and routing
	 * headers; destination options may go either way.  Like Linux (and
	 * scapy), keep those in front of a routing header in front and
	 * protect those after it, which are for the final destination.
	 */
	off = IPW_IP6_HDRLEN;
	nxo = offsetof(struct ipw_ip6, ip6_nxt);
	for (;;) {
		nxt = pkt[nxo];
		if (nxt != IPW_PROTO_HOPOPTS && nxt != IPW_PROTO_ROUTING &&
		    nxt != IPW_PROTO_DSTOPTS)
			break;
		if (nxt == IPW_PROTO_DSTOPTS && rthdr)
			break;
		if (nxt == IPW_PROTO_ROUTING)
			rthdr = 1;
		if (len - off < sizeof(struct ipw_ip6ext))
			return (-1);
		hl = ((size_t)pkt[off + 1] + 1) * 8;
		if (len - off < hl)
			return (-1);
		nxo = off;
		off += hl;
	}
	if (nxt == IPW_PROTO_FRAG)
		return (-1);
	*hdrlen = off;
	*nxtoff = nxo;
	return (0);
}

int
xform_nxtoff(const uint8_t *pkt, size_t off, size_t *nxtoff)
{
	size_t	at, nxo, hl;

	if (pkt[0] >> 4 == 4) {
		if ((size_t)(pkt[0] & 0x0f) * 4 != off)
			return (-1);
		*nxtoff = offsetof(struct ipw_ip4, ip4_p);
		return (0);
	}
	at = IPW_IP6_HDRLEN;
	nxo = offsetof(struct ipw_ip6, ip6_nxt);
	while (at < off) {
		if (off - at < sizeof(struct ipw_ip6ext))
			return (-1);
		hl = ((size_t)pkt[at + 1] + 1) * 8;
		if (pkt[nxo] == IPW_PROTO_FRAG)
			hl = 8;			/* RFC 8200 4.5: fixed */
		nxo = at;
		at += hl;
	}
	if (at != off)
		return (-1);
	*nxtoff = nxo;
	return (0);
}

void
xform_setlen(uint8_t *pkt, size_t len)
{
	size_t	hl;

	if (pkt[0] >> 4 == 4) {
		hl = (size_t)(pkt[0] & 0x0f) * 4;
		xform_put16(pkt + offsetof(struct ipw_ip4, ip4_len),
		    (uint16_t)len);
		xform_put16(pkt + offsetof(struct ipw_ip4, ip4_sum), 0);
		xform_put16(pkt + offsetof(struct ipw_ip4, ip4_sum),
		    cksum_fold(cksum_add(0, pkt, hl)));
	} else
		xform_put16(pkt + offsetof(struct ipw_ip6, ip6_plen),
		    (uint16_t)(len - IPW_IP6_HDRLEN));
}

void
xform_nodf(uint8_t *pkt)
{
	uint8_t	*off = pkt + offsetof(struct ipw_ip4, ip4_off);

	if (pkt[0] >> 4 != 4 || !(xform_get16(off) & IPW_IP4_DF))
		return;
	xform_put16(off, xform_get16(off) & ~IPW_IP4_DF);
	xform_setlen(pkt, xform_get16(pkt + offsetof(struct ipw_ip4,
	    ip4_len)));
}

size_t
xform_outer_len(const struct sa *sa)
{
	return (sa->sa_af == 4 ? IPW_IP4_HDRLEN : IPW_IP6_HDRLEN);
}

size_t
xform_outer(const struct sa *sa, const uint8_t *inner, size_t len,
    uint8_t proto, uint64_t seq, uint8_t *out)
{
	struct ipw_ip4	ip4;
	struct ipw_ip6	ip6;
	uint8_t		tos;
	uint16_t	off = 0;

	/*
	 * RFC 4301 5.1.2.1: DSCP copied from the inner header; RFC 6040
	 * 4.1 (normal mode): so is ECN.  DF copied from an inner IPv4.
	 */
	if (inner[0] >> 4 == 4) {
		tos = inner[1];
		off = xform_get16(inner + 6) & IPW_IP4_DF;
	} else
		tos = (uint8_t)((inner[0] & 0x0f) << 4 | inner[1] >> 4);
	if (sa->sa_af == 4) {
		memset(&ip4, 0, sizeof(ip4));
		ip4.ip4_vhl = 0x45;
		ip4.ip4_tos = tos;
		ip4.ip4_ttl = IPW_TTL;
		ip4.ip4_p = proto;
		memcpy(ip4.ip4_src, &sa->sa_src.v4, 4);
		memcpy(ip4.ip4_dst, &sa->sa_dst.v4, 4);
		memcpy(out, &ip4, sizeof(ip4));
		xform_put16(out + offsetof(struct ipw_ip4, ip4_id),
		    (uint16_t)seq);
		xform_put16(out + offsetof(struct ipw_ip4, ip4_off), off);
		xform_setlen(out, len);
		return (IPW_IP4_HDRLEN);
	}
	memset(&ip6, 0, sizeof(ip6));
	ip6.ip6_nxt = proto;
	ip6.ip6_hlim = IPW_TTL;
	memcpy(ip6.ip6_src, &sa->sa_src.v6, 16);
	memcpy(ip6.ip6_dst, &sa->sa_dst.v6, 16);
	memcpy(out, &ip6, sizeof(ip6));
	/* Flow label 0: RFC 6437 allows it, and it leaks nothing. */
	xform_put32(out, 6U << 28 | (uint32_t)tos << 20);
	xform_setlen(out, len);
	return (IPW_IP6_HDRLEN);
}

int
xform_ecn_decap(const uint8_t *outer, uint8_t *inner, size_t len)
{
	uint8_t	out, in, tos;

	out = outer[0] >> 4 == 4 ? outer[1] & 3 : (outer[1] >> 4) & 3;
	tos = inner[0] >> 4 == 4 ? inner[1] :
	    (uint8_t)((inner[0] & 0x0f) << 4 | inner[1] >> 4);
	in = tos & 3;
	/* RFC 6040 4.2: the table, rows that change the inner field. */
	if (out == IPW_ECN_CE && in == IPW_ECN_NOTECT)
		return (-1);
	if (out == IPW_ECN_CE || (out == IPW_ECN_ECT1 && in == IPW_ECN_ECT0))
		tos = (tos & ~3) | out;
	else
		return (0);
	if (inner[0] >> 4 == 4) {
		inner[1] = tos;
		xform_setlen(inner, len);	/* new checksum */
	} else {
		inner[0] = (inner[0] & 0xf0) | tos >> 4;
		inner[1] = (uint8_t)((inner[1] & 0x0f) | (tos & 0x0f) << 4);
	}
	return (0);
}

void
xform_udp(const struct sa *sa, uint8_t *pkt, size_t off, size_t len)
{
	struct ipw_udp	uh;

	memset(&uh, 0, sizeof(uh));
	memcpy(pkt + off, &uh, sizeof(uh));
	xform_put16(pkt + off, sa->sa_sport);
	xform_put16(pkt + off + 2, sa->sa_dport);
	xform_put16(pkt + off + 4, (uint16_t)(len - off));
	/* RFC 3948 2.1: an IPv4 sender sets the checksum to zero. */
	if (pkt[0] >> 4 == 4)
		return;
	/* IPv6 needs one (RFC 8200 8.1): pseudo-header, then datagram. */
	cksum_l4(pkt, len, off, IPW_PROTO_UDP);
}
