/*
 * ah.c: RFC 4302 Authentication Header.
 *
 *   [IP hdr (+ IPv6 hop headers)][nxt len rsv][SPI][seq][ICV pad][payload]
 *   |<- authenticated, mutable fields as zero ------------------------->|
 *
 * The ICV covers the IP header as the receiver will see it, so the fields
 * routers may change are zeroed in a scratch copy of the header chain
 * first (RFC 4302 3.3.3.1); the packet itself is never modified for it.
 */
#include <stddef.h>
#include <string.h>

#include "ah.h"
#include "crypto.h"
#include "ipsec_wire.h"
#include "replay.h"
#include "sa.h"

static size_t		ah_len(const struct sa *, int);
static int		ah_mutable4(uint8_t *, size_t, int);
static int		ah_mutable6(uint8_t *, size_t, int);
static int		ah_options6(uint8_t *, size_t);
static int		ah_routing6(uint8_t *, uint8_t *, size_t, int);
static enum xform_err	ah_icv(struct sa *, const uint8_t *, size_t, size_t,
			    uint64_t, uint8_t *, const uint8_t *);

/* RFC 4302 2.2, 3.3.3.2.1: padded to 32 bits (IPv4) or 64 bits (IPv6). */
static size_t
ah_len(const struct sa *sa, int ver)
{
	size_t	n = IPW_AH_HDRLEN + crypto_sa_icvlen(sa->sa_crypto);
	size_t	align = ver == 4 ? 4 : 8;

	return ((n + align - 1) / align * align);
}

enum xform_err
ah_output(struct sa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
    size_t cap, size_t *outlen)
{
	const uint8_t	*payload;
	size_t		 hdrlen, nxtoff = 0, plen, ahlen, total;
	uint64_t	 seq;
	enum xform_err	 e;
	uint8_t		 nxt;
	int		 ver, outer;

	if ((ver = xform_ipcheck(pkt, len)) == -1)
		return (XF_MALFORMED);
	if (sa->sa_mode == SA_TUNNEL) {
		hdrlen = xform_outer_len(sa);
		payload = pkt;
		plen = len;
		nxt = ver == 4 ? IPW_PROTO_IPIP : IPW_PROTO_IPV6;
		outer = sa->sa_af;
	} else {
		if (ver != sa->sa_af ||
		    xform_split(pkt, len, &hdrlen, &nxtoff) == -1)
			return (XF_MALFORMED);
		payload = pkt + hdrlen;
		plen = len - hdrlen;
		nxt = pkt[nxtoff];
		outer = ver;
	}
	if (hdrlen > IPW_AH_IPHDRMAX)
		return (XF_MALFORMED);
	ahlen = ah_len(sa, outer);
	total = hdrlen + ahlen + plen;
	if (total > cap || total - (outer == 6 ? IPW_IP6_HDRLEN : 0) >
	    IPW_MAXPKT)
		return (XF_TOOBIG);
	if (replay_next(&sa->sa_replay, &seq) == -1)
		return (XF_SEQ);

	if (sa->sa_mode == SA_TUNNEL)
		xform_outer(sa, pkt, total, IPW_PROTO_AH, seq, out);
	else {
		memcpy(out, pkt, hdrlen);
		out[nxtoff] = IPW_PROTO_AH;
		xform_setlen(out, total);
	}
	memset(out + hdrlen, 0, ahlen);
	out[hdrlen] = nxt;
	out[hdrlen + 1] = (uint8_t)(ahlen / 4 - 2);
	xform_put32(out + hdrlen + 4, sa->sa_spi);
	xform_put32(out + hdrlen + 8, (uint32_t)seq);
	memcpy(out + hdrlen + ahlen, payload, plen);
	if ((e = ah_icv(sa, out, total, hdrlen, seq,
	    out + hdrlen + IPW_AH_HDRLEN, NULL)) != XF_OK)
		return (e);
	sa->sa_packets++;
	sa->sa_bytes += len;
	*outlen = total;
	return (XF_OK);
}

size_t
ah_fit(const struct sa *sa, size_t hdrlen, size_t maxout)
{
	size_t	over = ah_len(sa, sa->sa_af);

	(void)hdrlen;			/* AH's size does not depend on it */
	if (sa->sa_mode == SA_TUNNEL)
		over += xform_outer_len(sa);
	return (maxout > over ? maxout - over : 0);
}

enum xform_err
ah_input(struct sa *sa, const uint8_t *pkt, size_t len, size_t off,
    uint8_t *out, size_t cap, size_t *outlen, uint8_t *nxtp)
{
	size_t		 ahlen, nxtoff = 0, plen;
	uint64_t	 seq;
	enum xform_err	 e;
	uint8_t		 nxt;
	int		 ver;

	if ((ver = xform_ipcheck(pkt, len)) == -1 || off > len ||
	    len - off < IPW_AH_HDRLEN || off > IPW_AH_IPHDRMAX ||
	    xform_nxtoff(pkt, off, &nxtoff) == -1)
		return (XF_MALFORMED);
	/* Exactly the length this SA's ICV and padding make. */
	ahlen = ((size_t)pkt[off + 1] + 2) * 4;
	if (ahlen != ah_len(sa, ver) || len - off < ahlen)
		return (XF_MALFORMED);
	nxt = pkt[off];
	plen = len - off - ahlen;
	if ((sa->sa_mode == SA_TUNNEL ? plen : off + plen) > cap)
		return (XF_TOOBIG);
	if (xform_get32(pkt + off + 4) != sa->sa_spi)
		return (XF_SPI);

	/* RFC 4302 3.4.3: replays cost no crypto. */
	if (replay_check(&sa->sa_replay, xform_get32(pkt + off + 8), &seq) !=
	    REPLAY_OK)
		return (XF_REPLAY);
	if ((e = ah_icv(sa, pkt, len, off, seq, NULL,
	    pkt + off + IPW_AH_HDRLEN)) != XF_OK)
		return (e);
	replay_update(&sa->sa_replay, seq);

	if (sa->sa_mode == SA_TUNNEL) {
		if (xform_ipcheck(pkt + off + ahlen, plen) !=
		    (nxt == IPW_PROTO_IPIP ? 4 : nxt == IPW_PROTO_IPV6 ? 6 : 0))
			return (XF_MALFORMED);
		memcpy(out, pkt + off + ahlen, plen);
		if (xform_ecn_decap(pkt, out, plen) == -1)
			return (XF_ECN);
		*outlen = plen;
	} else {
		memcpy(out, pkt, off);
		out[nxtoff] = nxt;
		memcpy(out + off, pkt + off + ahlen, plen);
		*outlen = off + plen;
		xform_setlen(out, *outlen);
	}
	sa->sa_packets++;
	sa->sa_bytes += *outlen;	/* what it protected, as on output */
	*nxtp = nxt;
	return (XF_OK);
}

/*
 * The ICV of p[0..len) with AH at off: the header chain with mutable
 * fields zeroed, AH with a zero ICV (its padding as sent), the payload,
 * then the ESN high half (RFC 4302 3.3.3.1, 2.5.1).  Sending, it goes to
 * icv; receiving, it is compared with want in constant time.
 */
static enum xform_err
ah_icv(struct sa *sa, const uint8_t *p, size_t len, size_t off, uint64_t seq,
    uint8_t *icv, const uint8_t *want)
{
	static const uint8_t	zero[CRYPTO_ICVMAX];
	uint8_t			hdr[IPW_AH_IPHDRMAX], hi[4];
	struct crypto_iov	iov[6];
	size_t			icvlen = crypto_sa_icvlen(sa->sa_crypto);
	size_t			n = 0;
	enum crypto_err		ce;
	int			r;

	memcpy(hdr, p, off);
	if (p[0] >> 4 == 4)
		r = ah_mutable4(hdr, off, icv != NULL);
	else
		r = ah_mutable6(hdr, off, icv != NULL);
	if (r == -1)
		return (XF_MALFORMED);
	iov[n].ci_base = hdr;
	iov[n++].ci_len = off;
	iov[n].ci_base = p + off;
	iov[n++].ci_len = IPW_AH_HDRLEN;
	iov[n].ci_base = zero;
	iov[n++].ci_len = icvlen;
	iov[n].ci_base = p + off + IPW_AH_HDRLEN + icvlen;
	iov[n++].ci_len = len - off - IPW_AH_HDRLEN - icvlen;
	if (sa->sa_flags & SA_F_ESN) {
		xform_put32(hi, (uint32_t)(seq >> 32));
		iov[n].ci_base = hi;
		iov[n++].ci_len = sizeof(hi);
	}
	if (icv != NULL)
		ce = crypto_mac(sa->sa_crypto, iov, n, icv);
	else
		ce = crypto_mac_verify(sa->sa_crypto, iov, n, want);
	if (ce == CRYPTO_E_ICV)
		return (XF_ICV);
	return (ce == CRYPTO_E_OK ? XF_OK : XF_CRYPTO);
}

/*
 * RFC 4302 3.3.3.1.1: TOS, flags and fragment offset, TTL and checksum
 * are zeroed, and every option not listed as immutable in appendix A.1
 * is zeroed whole, type and length included.  With loose or strict
 * source routing the destination is mutable but predictable (A.1): a
 * sender uses the route's last address, where the packet will arrive.
 */
static int
ah_mutable4(uint8_t *h, size_t hl, int sending)
{
	size_t	at, olen;
	uint8_t	t;

	h[offsetof(struct ipw_ip4, ip4_tos)] = 0;
	memset(h + offsetof(struct ipw_ip4, ip4_off), 0, 2);
	h[offsetof(struct ipw_ip4, ip4_ttl)] = 0;
	memset(h + offsetof(struct ipw_ip4, ip4_sum), 0, 2);
	for (at = IPW_IP4_HDRLEN; at < hl; at += olen) {
		t = h[at];
		if (t == IPW_IPOPT_EOL)
			break;
		if (t == IPW_IPOPT_NOP) {
			olen = 1;
			continue;
		}
		if (hl - at < 2 || (olen = h[at + 1]) < 2 || olen > hl - at)
			return (-1);
		if ((t == IPW_IPOPT_LSRR || t == IPW_IPOPT_SSRR) && sending &&
		    olen >= 3 + 4 && h[at + 2] <= olen)
			memcpy(h + offsetof(struct ipw_ip4, ip4_dst),
			    h + at + olen - 4, 4);
		switch (t) {
		case 130:	/* Security */
		case 133:	/* Extended Security */
		case 134:	/* Commercial Security */
		case 148:	/* Router Alert */
		case 149:	/* Sender Directed Multi-Destination Delivery */
			break;
		default:
			memset(h + at, 0, olen);
		}
	}
	return (0);
}

/*
 * RFC 4302 3.3.3.1.2: traffic class, flow label and hop limit are
 * zeroed; so is the data of every hop-by-hop and destination option
 * whose type says it may change (RFC 8200 4.2), and a routing header is
 * taken as it will arrive.
 */
static int
ah_mutable6(uint8_t *h, size_t hl, int sending)
{
	size_t	at, elen;
	uint8_t	nxt;

	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	h[offsetof(struct ipw_ip6, ip6_hlim)] = 0;
	nxt = h[offsetof(struct ipw_ip6, ip6_nxt)];
	for (at = IPW_IP6_HDRLEN; at < hl; at += elen) {
		if (hl - at < sizeof(struct ipw_ip6ext))
			return (-1);
		elen = ((size_t)h[at + 1] + 1) * 8;
		if (elen > hl - at)
			return (-1);
		switch (nxt) {
		case IPW_PROTO_HOPOPTS:
		case IPW_PROTO_DSTOPTS:
			if (ah_options6(h + at, elen) == -1)
				return (-1);
			break;
		case IPW_PROTO_ROUTING:
			if (ah_routing6(h, h + at, elen, sending) == -1)
				return (-1);
			break;
		default:
			return (-1);	/* AH goes before anything else */
		}
		nxt = h[at];
	}
	return (0);
}

static int
ah_options6(uint8_t *e, size_t elen)
{
	size_t	at, olen;

	for (at = 2; at < elen; at += olen) {
		if (e[at] == IPW_IP6OPT_PAD1) {
			olen = 1;
			continue;
		}
		if (elen - at < 2 || (olen = (size_t)e[at + 1] + 2) >
		    elen - at)
			return (-1);
		if (e[at] & IPW_IP6OPT_MUTABLE)
			memset(e + at + 2, 0, olen - 2);
	}
	return (0);
}

/*
 * RFC 4302 3.3.3.1.2.2: a sender orders a type 0 or 2 routing header as
 * the final destination will see it (segments left 0, the final address
 * in the IPv6 header, the first hop first in the list).  A receiver has
 * it that way already.  Other types with segments left are refused.
 */
static int
ah_routing6(uint8_t *h, uint8_t *e, size_t elen, int sending)
{
	uint8_t	final[16];
	size_t	n = (elen - 8) / 16;

	if (!sending || e[3] == 0)
		return (0);
	if ((e[2] != 0 && e[2] != 2) || n == 0)
		return (-1);
	memcpy(final, e + 8 + (n - 1) * 16, 16);
	memmove(e + 8 + 16, e + 8, (n - 1) * 16);
	memcpy(e + 8, h + offsetof(struct ipw_ip6, ip6_dst), 16);
	memcpy(h + offsetof(struct ipw_ip6, ip6_dst), final, 16);
	e[3] = 0;
	return (0);
}
