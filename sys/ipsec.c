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
#include "cksum.h"
#include "esp.h"
#include "ipf_var.h"
#include "ipsec.h"
#include "ipsec_wire.h"
#include "pkt.h"
#include "sa.h"
#include "sad.h"
#include "tcpseg.h"

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
static size_t		 ipsec_fit(const struct sad_tun *,
			    const struct pkt_info *, size_t);
static enum ipf_reason	 ipsec_seal(struct ipf *, struct sad_tun *,
			    const uint8_t *, size_t, uint8_t *, size_t, size_t *);
static enum ipf_reason	 ipsec_segments(struct ipf *, struct sad_tun *,
			    const struct pkt_info *, size_t, struct ipf_result *);
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
	const uint8_t	*u = p->p_buf + p->p_l4off;
	size_t		 ulen = xform_get16(u + 4);

	if (p->p_ver == 4 && xform_get16(u + 6) == 0)
		return (0);
	if (ulen > p->p_len - p->p_l4off)
		return (-1);
	return (cksum_fold(cksum_add(cksum_pseudo(p->p_buf, IPW_PROTO_UDP,
	    ulen), u, ulen)) == 0 ? 0 : -1);
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

/*
 * How long a packet p may be for tunnel tu's carrier to fit mtu bytes:
 * each SA's fit, from the outermost in.  A transport-mode SA keeps in
 * front what the SA before it left there: p's own headers, or the outer
 * header of a tunnel-mode SA.
 */
static size_t
ipsec_fit(const struct sad_tun *tu, const struct pkt_info *p, size_t mtu)
{
	const struct sa	*sa;
	size_t		 front[SAD_BUNDLE], h, nxo, i;

	if (xform_split(p->p_buf, p->p_len, &h, &nxo) == -1)
		h = 0;			/* a fragment: transport refuses it */
	for (i = 0; i < tu->tu_nout; i++) {
		front[i] = h;
		if (tu->tu_out[i]->sa_mode == SA_TUNNEL)
			h = xform_outer_len(tu->tu_out[i]);
	}
	for (i = tu->tu_nout; i-- > 0;) {
		sa = tu->tu_out[i];
		mtu = sa->sa_proto == IPW_PROTO_ESP ?
		    esp_fit(sa, front[i], mtu) : ah_fit(sa, front[i], mtu);
	}
	return (mtu);
}

/* Apply tu's outbound bundle to pkt[0..len), the last SA writing to out. */
static enum ipf_reason
ipsec_seal(struct ipf *ipf, struct sad_tun *tu, const uint8_t *pkt,
    size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	struct ipf_stats	*st = &ipf->ipf_stats;
	struct sa		*sa;
	enum xform_err		 e;
	uint8_t			*to;
	size_t			 i, tocap;

	for (i = 0; i < tu->tu_nout; i++) {
		/* The last transform writes the result, earlier ones aside. */
		if (i + 1 == tu->tu_nout) {
			to = out;
			tocap = cap;
		} else {
			to = ipf->ipf_buf;
			tocap = IPSEC_BUFLEN;
		}
		sa = tu->tu_out[i];
		if (sa->sa_proto == IPW_PROTO_ESP) {
			e = esp_output(sa, pkt, len, to, tocap, &len);
			st->st_out_esp++;
		} else {
			e = ah_output(sa, pkt, len, to, tocap, &len);
			st->st_out_ah++;
		}
		if (e != XF_OK)
			return (ipsec_reason(e));
		pkt = to;
	}
	*outlen = len;
	return (IPF_R_ENCAP);
}

/* Cut the TCP super-packet p into segments of at most fit bytes, each sealed. */
static enum ipf_reason
ipsec_segments(struct ipf *ipf, struct sad_tun *tu, const struct pkt_info *p,
    size_t fit, struct ipf_result *res)
{
	enum ipf_reason	why;
	size_t		mss, n, i, len, outlen, used = 0;

	if ((mss = tcpseg_mss(p, fit)) == 0 || res->res_buf == NULL) {
		res->res_mtu = (uint32_t)fit;
		return (IPF_R_TOOBIG);
	}
	n = tcpseg_count(p, mss);
	for (i = 0; i < n; i++) {
		len = tcpseg_make(p, mss, i, ipf->ipf_in);
		if ((why = ipsec_seal(ipf, tu, ipf->ipf_in, len,
		    res->res_buf + used, res->res_cap - used, &outlen)) !=
		    IPF_R_ENCAP)
			return (why);
		used += outlen;
	}
	res->res_len = used;
	res->res_npkts = n;
	return (IPF_R_ENCAP);
}

enum ipf_reason
ipsec_output(struct ipf *ipf, const struct pkt_info *p, uint32_t tid,
    const struct ipf_meta *m, struct ipf_result *res)
{
	struct sad_tun	*tu;
	const uint8_t	*pkt = p->p_buf;
	enum ipf_reason	 why;
	size_t		 fit;
	int		 nodf;

	/* aix-reference.md 2.4: no SA is a drop, never a cleartext send. */
	if (ipf->ipf_sad == NULL ||
	    (tu = sad_tunnel(ipf->ipf_sad, p->p_ver, tid, m->m_now)) == NULL)
		return (IPF_R_NOSA);
	/*
	 * RFC 4301 8.2.1: a carrier too big for the path.  TCP is cut to
	 * fit.  This host's own packets, and IPv4 without DF, go whole, in
	 * a carrier the host may fragment.  A router refuses the rest with
	 * the size that fits, which the host reports to the sender: telling
	 * this host's stack instead would lower the path MTU that its own
	 * carriers to the same peer need.
	 */
	nodf = 0;
	if (m->m_mtu != 0 && (fit = ipsec_fit(tu, p, m->m_mtu)) < p->p_len) {
		if (tcpseg_able(p))
			return (ipsec_segments(ipf, tu, p, fit, res));
		if (!m->m_local && (p->p_ver == 6 ||
		    (xform_get16(pkt + offsetof(struct ipw_ip4, ip4_off)) &
		    IPW_IP4_DF))) {
			res->res_mtu = (uint32_t)fit;
			return (IPF_R_TOOBIG);
		}
		nodf = 1;
	}
	/* The checksum the host's offload would have filled in, under ESP. */
	if ((m->m_flags & IPF_MF_CSUM) && !(p->p_flags & PKT_F_FRAG)) {
		memcpy(ipf->ipf_in, pkt, p->p_len);
		cksum_l4(ipf->ipf_in, p->p_len, p->p_l4off, p->p_proto);
		pkt = ipf->ipf_in;
	}
	res->res_npkts = 1;
	if ((why = ipsec_seal(ipf, tu, pkt, p->p_len, res->res_buf,
	    res->res_buf != NULL ? res->res_cap : 0, &res->res_len)) ==
	    IPF_R_ENCAP && nodf)
		xform_nodf(res->res_buf);	/* AH and ESP do not cover it */
	return (why);
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
	res->res_npkts = 1;
	*tid = tu->tu_id;
	return (IPF_R_DECAP);
}
