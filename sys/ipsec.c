/*
 * ipsec.c: the IPsec stage.  Outbound, a permit rule naming tunnel T hands
 * the packet here and T's bundle is applied in its policy order.  Inbound,
 * a permitted carrier addressed to this host comes here: the SA is found
 * by (destination, SPI, protocol) (RFC 4301 4.1), the transform checks
 * replay before any crypto and moves the window only after the ICV, and a
 * nested SA of the same bundle is removed the same way.  What is left is
 * the inner packet, which ipf.c filters again from the top.
 */
#include <string.h>

#include "ah.h"
#include "esp.h"
#include "ipf_var.h"
#include "ipsec.h"
#include "ipsec_wire.h"
#include "pkt.h"
#include "sa.h"
#include "sad.h"

/* Where the IPsec header of a carrier starts, and what it is. */
struct ipsec_hdr {
	size_t		ih_off;		/* ESP or AH header */
	uint32_t	ih_spi;
	uint8_t		ih_proto;	/* IPW_PROTO_ESP or _AH */
	uint8_t		ih_udp;		/* ESP-in-UDP */
};

static int		 ipsec_hdr(const struct pkt_info *, struct ipsec_hdr *);
static int		 ipsec_udpsum(const struct pkt_info *);
static enum ipf_reason	 ipsec_reason(enum xform_err);
static enum ipf_reason	 ipsec_unwrap(struct ipf *, const struct sad_in *,
			    const struct pkt_info *, const struct ipsec_hdr *,
			    uint64_t, uint8_t *, size_t, size_t *, uint8_t *);
static void		 ipsec_event(struct ipf *, const struct sad_in *,
			    const struct pkt_info *, const struct ipsec_hdr *,
			    uint64_t, uint8_t);

/*
 * The IPsec header of p, if it has one: 0; 1 for a carrier too short for
 * its SPI or ESP-in-UDP with a bad UDP checksum (malformed); -1 if p is
 * no carrier.  Later fragments carry no header to find (the engine does
 * not reassemble).
 */
static int
ipsec_hdr(const struct pkt_info *p, struct ipsec_hdr *h)
{
	const uint8_t	*b = p->p_buf;
	size_t		 off = p->p_payoff;

	memset(h, 0, sizeof(*h));
	if (p->p_flags & PKT_F_LATER)
		return (-1);
	switch (p->p_proto) {
	case IPW_PROTO_ESP:
		if (p->p_len - off < IPW_ESP_HDRLEN)
			return (1);
		h->ih_spi = xform_get32(b + off);
		break;
	case IPW_PROTO_AH:
		if (p->p_len - off < IPW_AH_HDRLEN)
			return (1);
		h->ih_spi = xform_get32(b + off + 4);
		break;
	case IPW_PROTO_UDP:
		/*
		 * RFC 3948 2.2: a zero marker is IKE, a single 0xff byte a
		 * keepalive; both are packets for the filter, not carriers.
		 */
		if (p->p_dport != IPW_NATT_PORT || p->p_paylen < 4 ||
		    xform_get32(b + off) == 0)
			return (-1);
		h->ih_spi = xform_get32(b + off);
		h->ih_udp = 1;
		h->ih_off = off;
		h->ih_proto = IPW_PROTO_ESP;
		return (ipsec_udpsum(p) == 0 ? 0 : 1);
	default:
		return (-1);
	}
	h->ih_off = off;
	h->ih_proto = p->p_proto;
	return (0);
}

/*
 * RFC 768 / RFC 8200 8.1: the UDP checksum over the pseudo-header and
 * the datagram.  RFC 3948 2.1 lets an IPv4 sender leave it zero; IPv6
 * has no such zero.  A bit flipped in the UDP header is the one change
 * to a carrier that ESP's ICV cannot see.  0 if it holds, else -1.
 */
static int
ipsec_udpsum(const struct pkt_info *p)
{
	const uint8_t	*b = p->p_buf, *u = b + p->p_l4off;
	size_t		 ulen = xform_get16(u + 4), alen, i;
	uint32_t	 sum = 0;

	if (p->p_ver == 4 && xform_get16(u + 6) == 0)
		return (0);
	if (ulen > p->p_len - p->p_l4off)
		return (-1);
	alen = p->p_ver == 4 ? 4 : 16;
	for (i = 0; i < 2 * alen; i += 2)	/* source, destination */
		sum += xform_get16((p->p_ver == 4 ? b + 12 : b + 8) + i);
	sum += IPW_PROTO_UDP + (uint32_t)ulen;
	for (i = 0; i + 1 < ulen; i += 2)
		sum += xform_get16(u + i);
	if (ulen & 1)
		sum += (uint32_t)u[ulen - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (sum == 0xffff ? 0 : -1);
}

int
ipsec_carrier(const struct pkt_info *p, const struct ipf_meta *m)
{
	struct ipsec_hdr	h;

	return (m->m_local && p->p_tunnel == 0 && ipsec_hdr(p, &h) != -1);
}

/* The drop reason a transform's result stands for. */
static enum ipf_reason
ipsec_reason(enum xform_err e)
{
	switch (e) {
	case XF_OK:
		return (IPF_R_DECAP);
	case XF_SPI:
	case XF_SEQ:			/* the SA is spent: as if gone */
		return (IPF_R_NOSA);
	case XF_REPLAY:
		return (IPF_R_REPLAY);
	case XF_ICV:
		return (IPF_R_ICV);
	case XF_PADDING:
		return (IPF_R_PADDING);
	case XF_TOOBIG:
		return (IPF_R_TOOBIG);
	case XF_DUMMY:			/* RFC 4303 2.6: authentic, empty */
		return (IPF_R_DENY);
	default:			/* lengths, ECN (RFC 6040), OpenSSL */
		return (IPF_R_MALFORMED);
	}
}

enum ipf_reason
ipsec_output(struct ipf *ipf, int ver, uint32_t tid, const uint8_t *pkt,
    size_t len, uint64_t now, struct ipf_result *res)
{
	struct ipf_stats	*st = &ipf->ipf_stats;
	struct sad_tun		*tu;
	struct sa		*sa;
	enum xform_err		 e;
	uint8_t			*out;
	size_t			 i, cap, outlen;

	/* aix-reference.md 2.4: no SA is a drop, never a cleartext send. */
	if (ipf->ipf_sad == NULL ||
	    (tu = sad_tunnel(ipf->ipf_sad, ver, tid, now)) == NULL)
		return (IPF_R_NOSA);
	for (i = 0; i < tu->tu_nout; i++) {
		/* The last transform writes the result, earlier ones aside. */
		if (i + 1 == tu->tu_nout) {
			out = res->res_buf;
			cap = res->res_buf != NULL ? res->res_cap : 0;
		} else {
			out = ipf->ipf_buf;
			cap = IPSEC_BUFLEN;
		}
		sa = tu->tu_out[i];
		if (sa->sa_proto == IPW_PROTO_ESP) {
			e = esp_output(sa, pkt, len, out, cap, &outlen);
			st->st_out_esp++;
		} else {
			e = ah_output(sa, pkt, len, out, cap, &outlen);
			st->st_out_ah++;
		}
		if (e != XF_OK)
			return (ipsec_reason(e));
		pkt = out;
		len = outlen;
	}
	res->res_len = len;
	return (IPF_R_ENCAP);
}

/* A replay or an ICV failure, for the log (aix-reference.md 8.3). */
static void
ipsec_event(struct ipf *ipf, const struct sad_in *si,
    const struct pkt_info *p, const struct ipsec_hdr *h, uint64_t now,
    uint8_t what)
{
	struct ipf_event	ev;
	size_t			seqoff;

	memset(&ev, 0, sizeof(ev));
	ev.ev_type = IPF_EV_TUNNEL;
	ev.ev_time = now;
	ev.ev_tun.te_event = what;
	ev.ev_tun.te_ver = p->p_ver;
	ev.ev_tun.te_proto = h->ih_proto;
	ev.ev_tun.te_tunnel = si->si_tun->tu_id;
	ev.ev_tun.te_spi = h->ih_spi;
	ev.ev_tun.te_src = p->p_src;
	/* The transform checked the header's length before replay. */
	seqoff = h->ih_off + (h->ih_proto == IPW_PROTO_AH ? 8 : 4);
	if (what == IPF_TEV_REPLAY && seqoff + 4 <= p->p_len)
		ev.ev_tun.te_seq = xform_get32(p->p_buf + seqoff);
	ipf_emit(ipf, &ev);
}

/* One SA off: the transform, its counters, its reason. */
static enum ipf_reason
ipsec_unwrap(struct ipf *ipf, const struct sad_in *si,
    const struct pkt_info *p, const struct ipsec_hdr *h, uint64_t now,
    uint8_t *out, size_t cap, size_t *outlen, uint8_t *nxt)
{
	struct ipf_stats	*st = &ipf->ipf_stats;
	struct sa		*sa = si->si_sa;
	const uint8_t		*pkt = p->p_buf;
	size_t			 len = p->p_len;
	enum xform_err		 e;

	/* ESP-in-UDP only where the tunnel asked for it, and vice versa. */
	if (h->ih_udp != ((sa->sa_flags & SA_F_UDPENCAP) != 0))
		return (IPF_R_NOSA);
	if (sa->sa_proto == IPW_PROTO_ESP) {
		st->st_in_esp++;
		e = esp_input(sa, pkt, len, h->ih_off, out, cap, outlen,
		    nxt);
		if (e == XF_ICV)
			st->st_esp_icv++;
		else if (e == XF_REPLAY)
			st->st_esp_replay++;
	} else {
		st->st_in_ah++;
		e = ah_input(sa, pkt, len, h->ih_off, out, cap, outlen,
		    nxt);
		if (e == XF_ICV)
			st->st_ah_icv++;
		else if (e == XF_REPLAY)
			st->st_ah_replay++;
	}
	if (e == XF_ICV || e == XF_REPLAY)
		ipsec_event(ipf, si, p, h, now, e == XF_ICV ? IPF_TEV_ICV :
		    IPF_TEV_REPLAY);
	return (ipsec_reason(e));
}

enum ipf_reason
ipsec_input(struct ipf *ipf, const struct pkt_info *p, uint32_t rtid,
    uint64_t now, struct ipf_result *res, uint32_t *tid)
{
	const struct sad_in	*si;
	const struct sad_tun	*tu = NULL;
	const struct pkt_info	*cur = p;
	struct pkt_info		 q;
	struct ipsec_hdr	 h;
	enum ipf_reason		 why;
	enum ipf_perr		 perr;
	uint8_t			*out;
	size_t			 n, cap, outlen;
	uint8_t			 nxt;

	switch (ipsec_hdr(p, &h)) {
	case -1:
		return (IPF_R_NOSA);
	case 1:
		return (IPF_R_MALFORMED);
	}
	if (ipf->ipf_sad == NULL)
		return (IPF_R_NOSA);
	for (n = 0;; n++) {
		si = sad_lookup(ipf->ipf_sad, p->p_ver, &p->p_dst, h.ih_spi,
		    h.ih_proto, now);
		if (si == NULL)
			return (IPF_R_NOSA);
		/*
		 * RFC 4301 5.2: the packet must come through exactly the SAs
		 * its tunnel receives with, outermost first, and that tunnel
		 * must be the one the carrier's rule names (aix-reference.md
		 * 2.4).  A peer sending less (an outer AH stripped on the
		 * way) or another tunnel's SA gets nothing through.
		 */
		if (tu == NULL)
			tu = si->si_tun;
		if (si->si_tun != tu || (rtid != 0 && tu->tu_id != rtid) ||
		    si->si_sa != tu->tu_in[tu->tu_nin - 1 - n])
			return (IPF_R_POLICY);
		/* The last SA of the bundle writes the result. */
		if (n + 1 == tu->tu_nin) {
			if ((out = res->res_buf) == NULL)
				return (IPF_R_TOOBIG);
			cap = res->res_cap;
		} else {
			out = ipf->ipf_buf;
			cap = IPSEC_BUFLEN;
		}
		if ((why = ipsec_unwrap(ipf, si, cur, &h, now, out, cap,
		    &outlen, &nxt)) != IPF_R_DECAP)
			return (why);
		if (n + 1 == tu->tu_nin)
			break;
		/* The next header of the bundle, behind the same IP header. */
		if ((nxt != IPW_PROTO_ESP && nxt != IPW_PROTO_AH) ||
		    pkt_parse(&q, out, outlen, &perr) == -1 ||
		    ipsec_hdr(&q, &h) != 0 || h.ih_udp)
			return (IPF_R_POLICY);
		cur = &q;
	}
	res->res_len = outlen;
	*tid = tu->tu_id;
	return (IPF_R_DECAP);
}
