/*
 * ipf.c: the engine's entry points.  ipf_input() and ipf_output() are the
 * packet path, one call per stage (architecture.md 3); the rest loads
 * tables all or nothing and reads counters.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "filt.h"
#include "ipf_var.h"
#include "ipsec.h"
#include "ipsec_wire.h"
#include "pkt.h"
#include "sa.h"
#include "sad.h"
#include "shun.h"

/* One packet on its way through the engine. */
struct ipf_pass {
	struct pkt_info		 ps_pkt;
	struct filt_key		 ps_key;
	struct ipf_meta		 ps_inmeta;	/* the inner packet's */
	struct ipf_vtab		*ps_vt;		/* NULL: version not loaded */
	struct filt_ent		*ps_ent;	/* the rule that decided */
	struct filt_ent		*ps_carrier;	/* the rule that let it in */
	uint32_t		 ps_rule;	/* its id, or IPF_RULE_NONE */
	uint32_t		 ps_tunnel;	/* tunnel named in the log */
	uint8_t			 ps_log;
	struct ipf_result	*ps_res;
};

const char *const ipf_reason_names[IPF_R_MAX] = {
	[IPF_R_PERMIT]		= "permit",
	[IPF_R_ENCAP]		= "encap",
	[IPF_R_DECAP]		= "decap",
	[IPF_R_DENY]		= "deny",
	[IPF_R_POLICY]		= "policy",
	[IPF_R_NOSA]		= "no-sa",
	[IPF_R_REPLAY]		= "replay",
	[IPF_R_ICV]		= "icv",
	[IPF_R_PADDING]		= "padding",
	[IPF_R_MALFORMED]	= "malformed",
	[IPF_R_TOOBIG]		= "too-big",
};

const char *const ipf_perr_names[IPF_PE_MAX] = {
	[IPF_PE_SHORT]		= "truncated header",
	[IPF_PE_VERSION]	= "bad IP version",
	[IPF_PE_HDRLEN]		= "bad IPv4 header length",
	[IPF_PE_TOTLEN]		= "bad IP length",
	[IPF_PE_OPTION]		= "bad option",
	[IPF_PE_EXTHDR]		= "bad IPv6 extension header chain",
	[IPF_PE_FRAG]		= "bad fragment",
	[IPF_PE_L4]		= "bad transport header",
};

const char *const ipf_terr_names[IPF_TE_MAX] = {
	[IPF_TE_OK]		= "no error",
	[IPF_TE_FIELD]		= "field out of range",
	[IPF_TE_EXISTS]		= "tunnel already active",
	[IPF_TE_SPI]		= "inbound SPI already in use",
	[IPF_TE_ALG]		= "algorithm not usable here",
	[IPF_TE_KEYLEN]		= "key of the wrong length",
	[IPF_TE_LEGACY]		= ("DES needs the OpenSSL legacy provider, "
				    "which is not available"),
	[IPF_TE_CRYPTO]		= "OpenSSL failed",
	[IPF_TE_NOMEM]		= "out of memory",
};

const char *const ipf_cerr_names[IPF_CE_MAX] = {
	[IPF_CE_OK]		= "no error",
	[IPF_CE_ELSE_NO_IF]	= "ELSE without IF",
	[IPF_CE_ENDIF_NO_IF]	= "ENDIF without IF",
	[IPF_CE_IF_NO_ENDIF]	= "IF without ENDIF",
	[IPF_CE_PLACEMENT_IN_IF] =
	    "dynamic filter placement rule inside an IF block",
	[IPF_CE_NO_DEFAULT]	= "the last rule is not the default rule",
	[IPF_CE_BAD_FIELD]	= "field out of range",
	[IPF_CE_NOMEM]		= "out of memory",
};

static void	ipf_begin(struct ipf *, struct ipf_pass *, const uint8_t *,
		    size_t, uint8_t, const struct ipf_meta *,
		    struct ipf_result *);
static enum ipf_reason ipf_unfiltered(struct ipf_pass *, const uint8_t *,
		    size_t);
static int	ipf_shunned(struct ipf_pass *);
static enum ipf_reason ipf_filter(struct ipf_pass *);
static int	ipf_onlink(const struct pkt_info *);
static enum ipf_reason ipf_unwrap(struct ipf *, struct ipf_pass *,
		    uint32_t *);
static int	ipf_inner(struct ipf_pass *, uint32_t);
static void	ipf_sastat(const struct sa *, uint8_t, struct ipf_sastat *);
static void	ipf_expired(void *, const struct sad_tun *, uint64_t);
static void	ipf_policy(struct ipf *, const struct ipf_pass *);
static enum ipf_verdict ipf_done(struct ipf *, struct ipf_pass *,
		    enum ipf_reason, size_t);
static void	ipf_count(struct ipf *, const struct ipf_pass *,
		    enum ipf_reason, enum ipf_verdict);
static void	ipf_record(const struct ipf_pass *, enum ipf_verdict, size_t);
static struct ipf_vtab *ipf_vtab(struct ipf *, int);

static const struct ipf_meta ipf_nometa;

struct ipf *
ipf_create(ipf_sink_fn sink, void *arg)
{
	struct ipf	*ipf;

	if ((ipf = calloc(1, sizeof(*ipf))) == NULL)
		return (NULL);
	ipf->ipf_sink = sink;
	ipf->ipf_sinkarg = arg;
	return (ipf);
}

void
ipf_free(struct ipf *ipf)
{
	size_t	i;

	if (ipf == NULL)
		return;
	for (i = 0; i < 2; i++) {
		filt_free(ipf->ipf_vt[i].vt_static);
		filt_free(ipf->ipf_vt[i].vt_dynamic);
		shun_free(ipf->ipf_vt[i].vt_shun);
	}
	sad_free(ipf->ipf_sad);
	crypto_free(ipf->ipf_crypto);
	free(ipf->ipf_buf);
	free(ipf);
}

/*
 * Inbound: parse, deny shunned sources, filter the packet.  A permitted
 * carrier of one of our SAs is unwrapped and its inner packet filtered
 * again from the top, where only a rule naming its tunnel lets it pass.
 */
enum ipf_verdict
ipf_input(struct ipf *ipf, const uint8_t *buf, size_t len,
    const struct ipf_meta *m, struct ipf_result *res)
{
	struct ipf_pass		ps;
	struct ipf_result	scratch;
	enum ipf_reason		why;
	uint32_t		tid;

	memset(&scratch, 0, sizeof(scratch));		/* no room: too-big */
	ipf_begin(ipf, &ps, buf, len, IPF_DIR_IN, m,
	    res != NULL ? res : &scratch);
	if (ps.ps_vt == NULL)				/* not loaded */
		return (ipf_done(ipf, &ps, ipf_unfiltered(&ps, buf, len), len));
	if (pkt_parse(&ps.ps_pkt, buf, len, &ps.ps_res->res_perr) == -1)
		return (ipf_done(ipf, &ps, IPF_R_MALFORMED, len));
	if (ipf_shunned(&ps))				/* before the table */
		return (ipf_done(ipf, &ps, IPF_R_DENY, len));
	if ((why = ipf_filter(&ps)) != IPF_R_PERMIT ||	/* outer rules */
	    !ipsec_carrier(&ps.ps_pkt, ps.ps_key.k_meta))
		return (ipf_done(ipf, &ps, why, len));
	if ((why = ipf_unwrap(ipf, &ps, &tid)) != IPF_R_DECAP)	/* ESP, AH */
		return (ipf_done(ipf, &ps, why, len));
	if (ipf_inner(&ps, tid) == -1)			/* inner packet */
		return (ipf_done(ipf, &ps, IPF_R_MALFORMED, len));
	if ((why = ipf_filter(&ps)) != IPF_R_PERMIT)	/* inner rules */
		return (ipf_done(ipf, &ps, why, len));
	return (ipf_done(ipf, &ps, IPF_R_DECAP, len));
}

/*
 * Outbound: parse and filter.  A permit rule with a tunnel hands the
 * packet to ipsec_output(); without the tunnel's SAs that is a drop
 * (no-sa), never a cleartext send (aix-reference.md 2.4).  Encapsulated
 * output is not filtered again.
 */
enum ipf_verdict
ipf_output(struct ipf *ipf, const uint8_t *buf, size_t len,
    const struct ipf_meta *m, struct ipf_result *res)
{
	struct ipf_pass		ps;
	struct ipf_result	scratch;
	enum ipf_reason		why;

	memset(&scratch, 0, sizeof(scratch));		/* no room: too-big */
	ipf_begin(ipf, &ps, buf, len, IPF_DIR_OUT, m,
	    res != NULL ? res : &scratch);
	if (ps.ps_vt == NULL)				/* not loaded */
		return (ipf_done(ipf, &ps, ipf_unfiltered(&ps, buf, len), len));
	if (pkt_parse(&ps.ps_pkt, buf, len, &ps.ps_res->res_perr) == -1)
		return (ipf_done(ipf, &ps, IPF_R_MALFORMED, len));
	if ((why = ipf_filter(&ps)) != IPF_R_ENCAP)	/* rules */
		return (ipf_done(ipf, &ps, why, len));
	why = ipsec_output(ipf, &ps.ps_pkt, ps.ps_tunnel,	/* ESP, AH */
	    ps.ps_key.k_meta, ps.ps_res);
	return (ipf_done(ipf, &ps, why, len));
}

static void
ipf_begin(struct ipf *ipf, struct ipf_pass *ps, const uint8_t *buf,
    size_t len, uint8_t dir, const struct ipf_meta *m,
    struct ipf_result *res)
{
	memset(ps, 0, sizeof(*ps));
	ps->ps_res = res;
	ps->ps_rule = IPF_RULE_NONE;
	ps->ps_key.k_pkt = &ps->ps_pkt;
	ps->ps_key.k_meta = m != NULL ? m : &ipf_nometa;
	ps->ps_key.k_dir = dir;
	ps->ps_vt = len > 0 && buf != NULL ? ipf_vtab(ipf, buf[0] >> 4) : NULL;
	if (ps->ps_vt != NULL && ps->ps_vt->vt_static == NULL)
		ps->ps_vt = NULL;
	res->res_len = 0;
	res->res_npkts = 0;
	res->res_mtu = 0;
	res->res_perr = IPF_PE_SHORT;
}

/*
 * A version that is not loaded passes untouched, as without ipsecfilt;
 * the parse only describes the packet.  What is neither IPv4 nor IPv6
 * belongs to no table and is dropped.
 */
static enum ipf_reason
ipf_unfiltered(struct ipf_pass *ps, const uint8_t *buf, size_t len)
{
	if (pkt_parse(&ps->ps_pkt, buf, len, &ps->ps_res->res_perr) == -1 &&
	    ps->ps_pkt.p_ver == 0)
		return (IPF_R_MALFORMED);
	return (IPF_R_PERMIT);
}

static int
ipf_shunned(struct ipf_pass *ps)
{
	struct shun_hit	hit;

	if (!shun_check(ps->ps_vt->vt_shun, &ps->ps_pkt,
	    ps->ps_key.k_meta->m_now, &hit))
		return (0);
	ps->ps_rule = hit.sh_rule;
	ps->ps_log = hit.sh_log;
	return (1);
}

/*
 * IPv6 neighbor discovery and multicast listener messages (ICMPv6 130-137
 * and 143) exist only on their link: RFC 4861 7.1.1 and RFC 3810 5 have
 * the receiver check that they come with hop limit 255 (or 1) from the
 * interface they name, which a tunnelled copy does not.  A tunnel's rule
 * permits them as they are, both ways (decision): sealing them would
 * leave the two endpoints unable to find each other's link address.
 */
static int
ipf_onlink(const struct pkt_info *p)
{
	return (p->p_ver == 6 && p->p_proto == IPPROTO_ICMPV6 &&
	    (p->p_flags & PKT_F_ICMP) && ((p->p_sport >= 130 &&
	    p->p_sport <= 137) || p->p_sport == 143));
}

/* The table's verdict for the packet (aix-reference.md 2.4). */
static enum ipf_reason
ipf_filter(struct ipf_pass *ps)
{
	struct filt_ent		*e;
	const struct ipf_rule	*r;
	struct ipf_vtab		*vt = ps->ps_vt;

	e = filt_match(vt->vt_static, vt->vt_dynamic, &ps->ps_key);
	if (e == NULL)			/* cannot happen: the default rule */
		return (IPF_R_DENY);
	r = &e->fe_r;
	ps->ps_ent = e;
	ps->ps_rule = r->r_id;
	ps->ps_log = (uint8_t)filt_logs(vt->vt_static, e);
	switch (r->r_action) {
	case IPF_ACT_PERMIT:
		if (r->r_tunnel == 0 || ipf_onlink(&ps->ps_pkt))
			return (IPF_R_PERMIT);
		ps->ps_tunnel = r->r_tunnel;
		if (ps->ps_key.k_dir == IPF_DIR_OUT)
			return (IPF_R_ENCAP);	/* by ipsec_output() */
		/*
		 * Only what came out of tunnel T, or T's own carrier (which
		 * ipsec_input() checks is T's), may pass T's rule.
		 */
		if (ps->ps_pkt.p_tunnel == r->r_tunnel ||
		    ipsec_carrier(&ps->ps_pkt, ps->ps_key.k_meta))
			return (IPF_R_PERMIT);
		return (IPF_R_POLICY);
	case IPF_ACT_SHUN_HOST:
	case IPF_ACT_SHUN_PORT:
		shun_add(&vt->vt_shun, e, &ps->ps_pkt,
		    ps->ps_key.k_meta->m_now);
		return (IPF_R_DENY);
	default:
		return (IPF_R_DENY);
	}
}

/*
 * Unwrap a permitted carrier into res_buf.  A carrier that fails (no SA,
 * replay, ICV) is dropped by IPsec, not by the rule that admitted it:
 * its line shows no rule (aix-reference.md 3, pcapfilt "#:-").
 */
static enum ipf_reason
ipf_unwrap(struct ipf *ipf, struct ipf_pass *ps, uint32_t *tid)
{
	enum ipf_reason	why;

	why = ipsec_input(ipf, &ps->ps_pkt, ps->ps_tunnel,
	    ps->ps_key.k_meta->m_now, ps->ps_res, tid);
	if (why != IPF_R_DECAP) {
		ps->ps_rule = IPF_RULE_NONE;
		ps->ps_log = 0;
	}
	return (why);
}

/*
 * The carrier was permitted and unwrapped into res_buf: count its rule,
 * then make the inner packet the one being filtered, marked with the
 * tunnel it came through.  A rule that admits the inner packet too (a
 * tunnel rule wide enough for both) counts the packet once, not twice.
 */
static int
ipf_inner(struct ipf_pass *ps, uint32_t tid)
{
	struct ipf_result	*res = ps->ps_res;
	struct ipf_meta		 m;
	union ipf_addr		 dst;
	uint8_t			 ov;

	if (ps->ps_ent != NULL) {
		ps->ps_ent->fe_packets++;
		ps->ps_ent->fe_bytes += ps->ps_pkt.p_len;
		ps->ps_carrier = ps->ps_ent;
		ps->ps_ent = NULL;
	}
	ps->ps_rule = IPF_RULE_NONE;
	ps->ps_tunnel = 0;
	ps->ps_log = 0;
	dst = ps->ps_pkt.p_dst;
	ov = ps->ps_pkt.p_ver;
	if (pkt_parse(&ps->ps_pkt, res->res_buf, res->res_len,
	    &res->res_perr) == -1)
		return (-1);
	ps->ps_pkt.p_tunnel = tid;
	/* Its own scope: local, or routed on by a gateway (2.4). */
	m = ps->ps_inmeta = *ps->ps_key.k_meta;
	if (m.m_islocal != NULL)
		ps->ps_inmeta.m_local = m.m_islocal(m.m_arg,
		    ps->ps_pkt.p_ver, &ps->ps_pkt.p_dst) != 0;
	else
		ps->ps_inmeta.m_local = ov == ps->ps_pkt.p_ver &&
		    memcmp(&dst, &ps->ps_pkt.p_dst, ov == 4 ? 4 : 16) == 0;
	ps->ps_key.k_meta = &ps->ps_inmeta;
	return (0);
}

/* Verdict, counters, the packet record and its log event. */
static enum ipf_verdict
ipf_done(struct ipf *ipf, struct ipf_pass *ps, enum ipf_reason why,
    size_t len)
{
	struct ipf_event	ev;
	enum ipf_verdict	v;

	switch (why) {
	case IPF_R_PERMIT:
		v = IPF_PASS;
		break;
	case IPF_R_ENCAP:
	case IPF_R_DECAP:
		v = IPF_REPLACE;
		break;
	default:
		v = IPF_DROP;
		break;
	}
	ps->ps_res->res_reason = why;
	ipf_record(ps, v, len);
	ipf_count(ipf, ps, why, v);
	if (why == IPF_R_POLICY)
		ipf_policy(ipf, ps);
	if (ps->ps_log) {
		memset(&ev, 0, sizeof(ev));
		ev.ev_type = IPF_EV_PACKET;
		ev.ev_time = ps->ps_key.k_meta->m_now;
		ev.ev_pkt = ps->ps_res->res_pkt;
		ipf_emit(ipf, &ev);
	}
	return (v);
}

void
ipf_emit(struct ipf *ipf, const struct ipf_event *ev)
{
	if (!ipf->ipf_logging)
		return;
	if (ipf->ipf_sink == NULL)
		ipf->ipf_stats.st_log_lost++;
	else
		ipf->ipf_sink(ipf->ipf_sinkarg, ev);
}

/* The SA database's report of an expired tunnel, with its outbound SPIs. */
static void
ipf_expired(void *arg, const struct sad_tun *tu, uint64_t now)
{
	struct ipf_event	ev;
	size_t			i;

	memset(&ev, 0, sizeof(ev));
	ev.ev_type = IPF_EV_TUNNEL;
	ev.ev_time = now;
	ev.ev_tun.te_event = IPF_TEV_EXPIRED;
	ev.ev_tun.te_ver = tu->tu_ver;
	ev.ev_tun.te_tunnel = tu->tu_id;
	for (i = 0; i < tu->tu_nout; i++) {
		if (tu->tu_out[i]->sa_proto == IPW_PROTO_AH)
			ev.ev_tun.te_ahspi = tu->tu_out[i]->sa_spi;
		else
			ev.ev_tun.te_spi = tu->tu_out[i]->sa_spi;
	}
	ipf_emit(arg, &ev);
}

/*
 * A packet that matched a tunnel's rule without coming through the
 * tunnel (aix-reference.md 2.4), for the log: a sign of an attack or of
 * a peer that does not protect what it should.
 */
static void
ipf_policy(struct ipf *ipf, const struct ipf_pass *ps)
{
	struct ipf_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_type = IPF_EV_TUNNEL;
	ev.ev_time = ps->ps_key.k_meta->m_now;
	ev.ev_tun.te_event = IPF_TEV_POLICY;
	ev.ev_tun.te_ver = ps->ps_pkt.p_ver;
	ev.ev_tun.te_tunnel = ps->ps_tunnel;
	ev.ev_tun.te_src = ps->ps_pkt.p_src;
	ev.ev_tun.te_dst = ps->ps_pkt.p_dst;
	ipf_emit(ipf, &ev);
}

static void
ipf_count(struct ipf *ipf, const struct ipf_pass *ps, enum ipf_reason why,
    enum ipf_verdict v)
{
	struct ipf_stats	*st = &ipf->ipf_stats;
	int			 in = ps->ps_key.k_dir == IPF_DIR_IN;

	st->st_reason[why]++;
	if (why == IPF_R_MALFORMED)
		st->st_perr[ps->ps_res->res_perr]++;
	if (in)
		st->st_in++;
	else
		st->st_out++;
	if (v == IPF_DROP) {
		if (in)
			st->st_in_drop++;
		else
			st->st_out_drop++;
		if (why == IPF_R_DENY && in)
			st->st_in_deny++;
		else if (why == IPF_R_DENY)
			st->st_out_deny++;
	} else if ((ps->ps_pkt.p_flags & PKT_F_SRCRT) && ps->ps_vt != NULL)
		st->st_srcrte++;
	if (ps->ps_ent != NULL && ps->ps_ent != ps->ps_carrier) {
		ps->ps_ent->fe_packets++;
		ps->ps_ent->fe_bytes += ps->ps_pkt.p_len;
	}
}

/* The packet as a traffic log line describes it (aix-reference.md 8.2). */
static void
ipf_record(const struct ipf_pass *ps, enum ipf_verdict v, size_t len)
{
	struct ipf_pktrec	*pr = &ps->ps_res->res_pkt;
	const struct pkt_info	*p = &ps->ps_pkt;
	const struct ipf_meta	*m = ps->ps_key.k_meta;
	size_t			 n;

	memset(pr, 0, sizeof(*pr));
	pr->pr_rule = ps->ps_rule;
	pr->pr_permit = v != IPF_DROP;
	pr->pr_dir = ps->ps_key.k_dir;
	pr->pr_ver = p->p_ver;
	pr->pr_proto = p->p_proto;
	pr->pr_tcpack = (p->p_flags & PKT_F_TCPACK) != 0;
	pr->pr_icmp = (p->p_flags & PKT_F_ICMP) != 0 ||
	    (p->p_ver == 4 && p->p_proto == IPPROTO_ICMP) ||
	    (p->p_ver == 6 && p->p_proto == IPPROTO_ICMPV6);
	pr->pr_frag = (p->p_flags & PKT_F_FRAG) != 0;
	pr->pr_routed = !m->m_local;
	if (p->p_flags & (PKT_F_PORTS | PKT_F_ICMP)) {
		pr->pr_sport = p->p_sport;
		pr->pr_dport = p->p_dport;
	}
	pr->pr_tunnel = ps->ps_tunnel != 0 ? ps->ps_tunnel : p->p_tunnel;
	pr->pr_len = p->p_len != 0 ? p->p_len :
	    (uint32_t)(len < UINT32_MAX ? len : UINT32_MAX);
	pr->pr_src = p->p_src;
	pr->pr_dst = p->p_dst;
	if (!m->m_local)
		pr->pr_local = m->m_ifaddr;
	else
		pr->pr_local = pr->pr_dir == IPF_DIR_IN ? p->p_dst : p->p_src;
	if (m->m_ifname != NULL) {
		n = strnlen(m->m_ifname, sizeof(pr->pr_ifname) - 1);
		memcpy(pr->pr_ifname, m->m_ifname, n);
	}
}

static struct ipf_vtab *
ipf_vtab(struct ipf *ipf, int ver)
{
	if (ver == 4)
		return (&ipf->ipf_vt[0]);
	if (ver == 6)
		return (&ipf->ipf_vt[1]);
	return (NULL);
}

enum ipf_cerr
ipf_rules_check(const struct ipf_rule *rules, size_t n, size_t *bad)
{
	return (filt_check(rules, n, 0, 0, bad));
}

/* Build aside, then one pointer store: the old table serves until then. */
enum ipf_cerr
ipf_load(struct ipf *ipf, int ver, const struct ipf_rule *rules, size_t n,
    uint64_t now, size_t *bad)
{
	struct ipf_vtab		*vt;
	struct filt_table	*t;
	enum ipf_cerr		 e;

	*bad = 0;
	if ((vt = ipf_vtab(ipf, ver)) == NULL)
		return (IPF_CE_BAD_FIELD);
	if ((t = filt_build(rules, n, ver, 0, now, &e, bad)) == NULL)
		return (e);
	filt_free(vt->vt_static);
	vt->vt_static = t;
	/* -e 0 shuns last until the next load (aix-reference.md 2.4). */
	shun_free(vt->vt_shun);
	vt->vt_shun = NULL;
	return (IPF_CE_OK);
}

enum ipf_cerr
ipf_load_dynamic(struct ipf *ipf, int ver, const struct ipf_rule *rules,
    size_t n, uint64_t now, size_t *bad)
{
	struct ipf_vtab		*vt;
	struct filt_table	*t = NULL;
	enum ipf_cerr		 e;

	*bad = 0;
	if ((vt = ipf_vtab(ipf, ver)) == NULL)
		return (IPF_CE_BAD_FIELD);
	if (n > 0 && (t = filt_build(rules, n, ver, 1, now, &e, bad)) == NULL)
		return (e);
	filt_free(vt->vt_dynamic);
	vt->vt_dynamic = t;
	return (IPF_CE_OK);
}

/* The dynamic table stays: it is iked's, and mkfilt -u keeps it too. */
void
ipf_unload(struct ipf *ipf, int ver)
{
	struct ipf_vtab	*vt;

	if ((vt = ipf_vtab(ipf, ver)) == NULL)
		return;
	filt_free(vt->vt_static);
	vt->vt_static = NULL;
	shun_free(vt->vt_shun);
	vt->vt_shun = NULL;
}

int
ipf_loaded(const struct ipf *ipf, int ver)
{
	if (ver != 4 && ver != 6)
		return (0);
	return (ipf->ipf_vt[ver == 4 ? 0 : 1].vt_static != NULL);
}

void
ipf_stats_get(const struct ipf *ipf, struct ipf_stats *st)
{
	*st = ipf->ipf_stats;
}

void
ipf_stats_clear(struct ipf *ipf)
{
	memset(&ipf->ipf_stats, 0, sizeof(ipf->ipf_stats));
	if (ipf->ipf_sad != NULL)
		sad_clear(ipf->ipf_sad);
}

size_t
ipf_rulestats(const struct ipf *ipf, int ver, int dynamic,
    struct ipf_rulestat *rs, size_t max, uint64_t now)
{
	const struct ipf_vtab	*vt;

	if (ver != 4 && ver != 6)
		return (0);
	vt = &ipf->ipf_vt[ver == 4 ? 0 : 1];
	return (filt_rulestats(dynamic ? vt->vt_dynamic : vt->vt_static, rs,
	    max, now));
}

void
ipf_set_logging(struct ipf *ipf, int on)
{
	ipf->ipf_logging = on != 0;
}

/*
 * The first tunnel brings the crypto library context, the SA database
 * and the IPsec stage's buffers; all three stay until ipf_free().
 */
enum ipf_terr
ipf_tunnel_add(struct ipf *ipf, const struct ipf_tunnel *t, uint64_t now)
{
	if (ipf->ipf_crypto == NULL &&
	    (ipf->ipf_crypto = crypto_create()) == NULL)
		return (IPF_TE_CRYPTO);
	if (ipf->ipf_sad == NULL &&
	    (ipf->ipf_sad = sad_create(&ipf->ipf_stats, ipf_expired,
	    ipf)) == NULL)
		return (IPF_TE_NOMEM);
	if (ipf->ipf_buf == NULL) {
		if ((ipf->ipf_buf = malloc(2 * IPSEC_BUFLEN)) == NULL)
			return (IPF_TE_NOMEM);
		ipf->ipf_in = ipf->ipf_buf + IPSEC_BUFLEN;
	}
	return (sad_add(ipf->ipf_sad, ipf->ipf_crypto, t, now));
}

void
ipf_expire(struct ipf *ipf, uint64_t now)
{
	if (ipf->ipf_sad != NULL)
		sad_expire(ipf->ipf_sad, now);
}

int
ipf_tunnel_remove(struct ipf *ipf, int ver, uint32_t tid)
{
	if (ipf->ipf_sad == NULL)
		return (-1);
	return (sad_remove(ipf->ipf_sad, ver, tid));
}

int
ipf_tunnel_expire(const struct ipf *ipf, int ver, uint32_t tid, uint64_t now,
    uint64_t *expire)
{
	const struct sad_tun	*tu;

	if (ipf->ipf_sad == NULL ||
	    (tu = sad_tunnel_const(ipf->ipf_sad, ver, tid)) == NULL ||
	    (tu->tu_expire != 0 && now >= tu->tu_expire))
		return (-1);
	*expire = tu->tu_expire;
	return (0);
}

int
ipf_tunnel_seq(const struct ipf *ipf, int ver, uint32_t tid, uint64_t *seq)
{
	const struct sad_tun	*tu;
	size_t			 i;

	if (ipf->ipf_sad == NULL ||
	    (tu = sad_tunnel_const(ipf->ipf_sad, ver, tid)) == NULL)
		return (-1);
	*seq = 0;
	for (i = 0; i < tu->tu_nout; i++)
		if (tu->tu_out[i]->sa_replay.rp_sent > *seq)
			*seq = tu->tu_out[i]->sa_replay.rp_sent;
	return (0);
}

static void
ipf_sastat(const struct sa *sa, uint8_t dir, struct ipf_sastat *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_spi = sa->sa_spi;
	ss->ss_proto = sa->sa_proto;
	ss->ss_dir = dir;
	ss->ss_packets = sa->sa_packets;
	ss->ss_bytes = sa->sa_bytes;
	ss->ss_seq = dir == IPF_DIR_OUT ? sa->sa_replay.rp_sent :
	    sa->sa_replay.rp_top;
}

int
ipf_tunnel_sastats(const struct ipf *ipf, int ver, uint32_t tid,
    struct ipf_sastat *ss, size_t max)
{
	const struct sad_tun	*tu;
	size_t			 i, n = 0;

	if (ipf->ipf_sad == NULL ||
	    (tu = sad_tunnel_const(ipf->ipf_sad, ver, tid)) == NULL)
		return (-1);
	for (i = 0; i < tu->tu_nout; i++, n++)
		if (n < max)
			ipf_sastat(tu->tu_out[i], IPF_DIR_OUT, &ss[n]);
	for (i = 0; i < tu->tu_nin; i++, n++)
		if (n < max)
			ipf_sastat(tu->tu_in[i], IPF_DIR_IN, &ss[n]);
	return ((int)n);
}

size_t
ipf_sad_bytes(const struct ipf *ipf)
{
	return (ipf->ipf_sad != NULL ? sad_bytes(ipf->ipf_sad) : 0);
}
