/*
 * fuzz_ipf.c: the fixed engine pair of the ipf fuzz targets.
 *
 * Addresses (documentation ranges, RFC 5737 and RFC 3849):
 *
 *   host 192.0.2.100 / 2001:db8::100   tunnels 1-6 (v4), 1-3 (v6) to
 *   peers 192.0.2.101-106 / 2001:db8::101-103
 *   host's site 172.16.N.0/24 / 2001:db8:a:N::/64 (tunnel mode)
 *   peer's site  10.N.0.0/16  / 2001:db8:b:N::/64
 *
 * The filter rules ahead of the tunnel rules name the addresses of the
 * pcapfilt captures (10.0.0.1, 192.0.2.1, 2001:db8::1 ...) so that the
 * seeds reach them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ipf.h"

/* One rule, compactly: zero means "any" or the rule_init() default. */
struct rspec {
	uint8_t		 rs_act;
	uint16_t	 rs_proto;
	const char	*rs_src;	/* "addr/len", NULL any */
	const char	*rs_dst;
	uint8_t		 rs_sop, rs_dop;
	uint16_t	 rs_sport, rs_dport;
	uint8_t		 rs_dir, rs_scope, rs_frag;
	uint8_t		 rs_log, rs_nosrcrt;
	const char	*rs_ifname;
	uint32_t	 rs_tunnel, rs_expire;
	uint8_t		 rs_pats;	/* 1: the two test patterns */
};

struct tspec {
	uint32_t	 ts_id;
	uint8_t		 ts_mode;
	uint8_t		 ts_flags;
	uint8_t		 ts_policy;
	uint8_t		 ts_enc, ts_espauth, ts_ahauth;
	const char	*ts_peer;
};

static void	fail(const char *);
static void	addr(int, const char *, union ipf_addr *,
		    union ipf_addr *);
static void	rules_make(int, const struct rspec *, size_t,
		    struct ipf_rule *, int);
static void	load(struct ipf *, int, const struct rspec *, size_t, int,
		    int);
static void	tunnels(struct fuzz_env *, int, const struct tspec *, size_t);
static void	tunnel_rules(int, const struct tspec *, size_t, int,
		    struct rspec *, size_t *, char [][64]);
static void	sadir(struct ipf_sadir *, const struct tspec *, uint32_t,
		    const uint8_t *);
static void	side_init(struct fuzz_side *, struct fuzz_env *);
static void	sink(void *, const struct ipf_event *);
static int	shun_rule(int, uint32_t);
static size_t	iplen(const uint8_t *, size_t);
static void	hexdump(const char *, const uint8_t *, size_t);
static int	same(const uint8_t *, size_t, const uint8_t *, size_t, int);
static void	check_packets(const struct fuzz_side *,
		    const struct ipf_result *);
static size_t	tcp_hlen(const uint8_t *, size_t);
static int	srcrouted(const uint8_t *, size_t);
static void	deliver_segments(struct fuzz_side *, struct fuzz_side *,
		    const uint8_t *, size_t);
static uint64_t	sa_used(const struct fuzz_env *);

static const struct ipf_pattern	fuzz_pats[2] = {
	{ (const uint8_t *)"GET /evil", 9 },
	{ (const uint8_t *)"\x00\xff\x00\xff", 4 },
};

/*
 * IPv4 filter rules: every action, operator, fragment setting, scope and
 * direction, nested IF blocks, both shuns, patterns, an interface, an
 * expiring rule and a source-route restriction.
 */
static const struct rspec	rules4[] = {
	{ .rs_act = IPF_ACT_IF, .rs_proto = 6, .rs_src = "192.0.2.0/24" },
	{ .rs_act = IPF_ACT_SHUN_HOST, .rs_proto = 6, .rs_dop = IPF_OP_EQ,
	    .rs_dport = 6666, .rs_dir = IPF_DIR_IN, .rs_log = 1 },
	{ .rs_act = IPF_ACT_DENY, .rs_proto = 6, .rs_dop = IPF_OP_EQ,
	    .rs_dport = 23, .rs_log = 1 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_proto = IPF_PROTO_TCPACK,
	    .rs_sop = IPF_OP_EQ, .rs_sport = 80, .rs_dir = IPF_DIR_IN,
	    .rs_ifname = "eth1" },
	{ .rs_act = IPF_ACT_ELSE },
	{ .rs_act = IPF_ACT_IF, .rs_proto = 17 },
	{ .rs_act = IPF_ACT_DENY, .rs_sop = IPF_OP_GE, .rs_sport = 1000,
	    .rs_dop = IPF_OP_LE, .rs_dport = 2000, .rs_proto = 17 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_frag = IPF_FRAG_ONLY, .rs_log = 1 },
	{ .rs_act = IPF_ACT_ENDIF },
	{ .rs_act = IPF_ACT_ENDIF },
	{ .rs_act = IPF_ACT_SHUN_PORT, .rs_proto = 17, .rs_dop = IPF_OP_EQ,
	    .rs_dport = 31337, .rs_dir = IPF_DIR_IN },
	{ .rs_act = IPF_ACT_DENY, .rs_proto = 1, .rs_sop = IPF_OP_EQ,
	    .rs_sport = 8, .rs_dop = IPF_OP_EQ, .rs_dport = 0, .rs_log = 1 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_proto = 1, .rs_sop = IPF_OP_LT,
	    .rs_sport = 5 },
	{ .rs_act = IPF_ACT_DENY, .rs_dir = IPF_DIR_IN, .rs_pats = 1,
	    .rs_log = 1 },
	{ .rs_act = IPF_ACT_DENY, .rs_src = "203.0.113.0/24",
	    .rs_frag = IPF_FRAG_HDR },
	{ .rs_act = IPF_ACT_PERMIT, .rs_src = "203.0.113.0/24",
	    .rs_frag = IPF_FRAG_NONE, .rs_scope = IPF_SCOPE_ROUTE,
	    .rs_nosrcrt = 1 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_proto = 6, .rs_sop = IPF_OP_NEQ,
	    .rs_sport = 0, .rs_dop = IPF_OP_GT, .rs_dport = 1023,
	    .rs_scope = IPF_SCOPE_LOCAL, .rs_dir = IPF_DIR_OUT,
	    .rs_expire = 30, .rs_log = 1 },
	{ .rs_act = IPF_ACT_DENY, .rs_proto = 17, .rs_ifname = "eth1",
	    .rs_dir = IPF_DIR_IN },
	{ .rs_act = IPF_ACT_PERMIT, .rs_dst = "10.0.0.0/24",
	    .rs_proto = 132 },
	{ .rs_act = IPF_ACT_PLACEMENT, .rs_log = 1 },
};

static const struct rspec	rules6[] = {
	{ .rs_act = IPF_ACT_IF, .rs_src = "2001:db8:0:1::/64" },
	{ .rs_act = IPF_ACT_SHUN_HOST, .rs_proto = 6, .rs_dop = IPF_OP_EQ,
	    .rs_dport = 6666, .rs_dir = IPF_DIR_IN },
	{ .rs_act = IPF_ACT_DENY, .rs_proto = 58, .rs_sop = IPF_OP_EQ,
	    .rs_sport = 128, .rs_log = 1 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_frag = IPF_FRAG_ONLY },
	{ .rs_act = IPF_ACT_ELSE },
	{ .rs_act = IPF_ACT_DENY, .rs_proto = 17, .rs_dop = IPF_OP_NEQ,
	    .rs_dport = 53, .rs_frag = IPF_FRAG_HDR },
	{ .rs_act = IPF_ACT_ENDIF },
	{ .rs_act = IPF_ACT_SHUN_PORT, .rs_proto = 17, .rs_sop = IPF_OP_GT,
	    .rs_sport = 60000, .rs_dir = IPF_DIR_IN, .rs_log = 1,
	    .rs_expire = 10 },
	{ .rs_act = IPF_ACT_DENY, .rs_dir = IPF_DIR_IN, .rs_pats = 1 },
	{ .rs_act = IPF_ACT_PERMIT, .rs_proto = IPF_PROTO_TCPACK,
	    .rs_ifname = "eth0", .rs_nosrcrt = 1, .rs_expire = 60 },
	{ .rs_act = IPF_ACT_PLACEMENT },
};

/* The host's tunnels; the peer installs the mirror of each. */
static const struct tspec	tuns4[] = {
	{ 1, IPF_TM_TUNNEL, IPF_TF_REPLAY, IPF_TP_E, IPF_ALG_AES_CBC_128,
	    IPF_ALG_HMAC_SHA, IPF_ALG_HMAC_SHA, "192.0.2.101" },
	{ 2, IPF_TM_TRANSPORT, IPF_TF_REPLAY, IPF_TP_A,
	    IPF_ALG_NULL, IPF_ALG_HMAC_MD5, IPF_ALG_HMAC_SHA256,
	    "192.0.2.102" },
	{ 3, IPF_TM_TUNNEL, IPF_TF_REPLAY, IPF_TP_EA, IPF_ALG_AES_GCM_16_128,
	    IPF_ALG_NONE, IPF_ALG_HMAC_SHA, "192.0.2.103" },
	{ 4, IPF_TM_TUNNEL, IPF_TF_REPLAY | IPF_TF_UDP, IPF_TP_E,
	    IPF_ALG_CHACHA20_POLY1305, IPF_ALG_NONE, IPF_ALG_HMAC_SHA,
	    "192.0.2.104" },
	{ 5, IPF_TM_TUNNEL, IPF_TF_ESN | IPF_TF_REPLAY, IPF_TP_AE, IPF_ALG_AES_CTR_256,
	    IPF_ALG_HMAC_SHA512, IPF_ALG_HMAC_SHA384, "192.0.2.105" },
	{ 6, IPF_TM_TRANSPORT, IPF_TF_REPLAY, IPF_TP_E, IPF_ALG_NULL,
	    IPF_ALG_HMAC_SHA256, IPF_ALG_HMAC_SHA, "192.0.2.106" },
};

static const struct tspec	tuns6[] = {
	{ 1, IPF_TM_TUNNEL, IPF_TF_REPLAY, IPF_TP_E, IPF_ALG_AES_GCM_16_256,
	    IPF_ALG_NONE, IPF_ALG_HMAC_SHA, "2001:db8::101" },
	{ 2, IPF_TM_TRANSPORT, IPF_TF_REPLAY, IPF_TP_A, IPF_ALG_NULL,
	    IPF_ALG_HMAC_SHA, IPF_ALG_HMAC_SHA384, "2001:db8::102" },
	{ 3, IPF_TM_TUNNEL, IPF_TF_REPLAY | IPF_TF_ESN, IPF_TP_EA,
	    IPF_ALG_AES_CBC_256, IPF_ALG_HMAC_SHA256, IPF_ALG_HMAC_MD5,
	    "2001:db8::103" },
};

#define NRULES4		(sizeof(rules4) / sizeof(rules4[0]))
#define NRULES6		(sizeof(rules6) / sizeof(rules6[0]))
#define HOST4		"192.0.2.100"
#define HOST6		"2001:db8::100"
#define NTUNRULES	3		/* per tunnel and side */
#define MAXRULES	64

static const size_t	fuzz_klen[IPF_ALG_MAX] = {
	8, 24, 16, 24, 32, 20, 28, 36, 20, 36, 36, 0,
	16, 20, 32, 48, 64, 0
};

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_ipf: %s\n", what);
	abort();
}

/* "addr" or "addr/len" into an address and its mask. */
static void
addr(int ver, const char *s, union ipf_addr *a, union ipf_addr *m)
{
	char		 buf[64];
	char		*slash;
	unsigned int	 len = ver == 4 ? 32 : 128, i;

	memset(a, 0, sizeof(*a));
	if (m != NULL)
		memset(m, 0, sizeof(*m));
	if (s == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		len = (unsigned int)atoi(slash + 1);
	}
	if (inet_pton(ver == 4 ? AF_INET : AF_INET6, buf, a) != 1)
		fail(s);
	if (m == NULL)
		return;
	for (i = 0; i < len; i++)
		m->b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (i = 0; i < 16; i++)
		a->b[i] &= m->b[i];
}

/* Rules 1..n in order, then the default rule (id 0): deny or permit. */
static void
rules_make(int ver, const struct rspec *rs, size_t n, struct ipf_rule *r,
    int dflt)
{
	size_t	i;

	memset(r, 0, (n + 1) * sizeof(*r));
	for (i = 0; i <= n; i++) {
		r[i].r_id = i == n ? 0 : (uint32_t)(i + 1);
		r[i].r_ver = (uint8_t)ver;
		r[i].r_srcroute = 1;
		r[i].r_scope = IPF_SCOPE_BOTH;
		r[i].r_dir = IPF_DIR_BOTH;
		if (i == n) {
			r[i].r_action = (uint8_t)dflt;
			break;
		}
		r[i].r_action = rs[i].rs_act;
		r[i].r_proto = rs[i].rs_proto;
		addr(ver, rs[i].rs_src, &r[i].r_src, &r[i].r_smask);
		addr(ver, rs[i].rs_dst, &r[i].r_dst, &r[i].r_dmask);
		r[i].r_sop = rs[i].rs_sop;
		r[i].r_dop = rs[i].rs_dop;
		r[i].r_sport = rs[i].rs_sport;
		r[i].r_dport = rs[i].rs_dport;
		if (rs[i].rs_dir != 0)
			r[i].r_dir = rs[i].rs_dir;
		if (rs[i].rs_scope != 0)
			r[i].r_scope = rs[i].rs_scope;
		r[i].r_frag = rs[i].rs_frag;
		r[i].r_log = rs[i].rs_log;
		r[i].r_srcroute = !rs[i].rs_nosrcrt;
		if (rs[i].rs_ifname != NULL)
			snprintf(r[i].r_ifname, sizeof(r[i].r_ifname), "%s",
			    rs[i].rs_ifname);
		r[i].r_tunnel = rs[i].rs_tunnel;
		r[i].r_expire = rs[i].rs_expire;
		if (rs[i].rs_pats) {
			r[i].r_pats = fuzz_pats;
			r[i].r_npats = 2;
		}
	}
}

/*
 * A side's rules for its tunnels, as gentun makes them: the carrier from
 * the other endpoint, then the traffic to the other site.  For the
 * host, its own site is 172.16.N/24 and the peer's 10.N/16; for the
 * peer the other way round.  Transport tunnels protect the endpoints.
 */
static void
tunnel_rules(int ver, const struct tspec *ts, size_t nt, int peer,
    struct rspec *rs, size_t *n, char str[][64])
{
	size_t	i;
	int	k;
	char	*me, *them, *mine, *theirs;

	for (i = 0; i < nt; i++) {
		k = (int)ts[i].ts_id;
		me = str[*n * 4];
		them = str[*n * 4 + 1];
		mine = str[*n * 4 + 2];
		theirs = str[*n * 4 + 3];
		snprintf(me, 64, "%s", peer ? ts[i].ts_peer :
		    ver == 4 ? HOST4 : HOST6);
		snprintf(them, 64, "%s", peer ? (ver == 4 ? HOST4 : HOST6) :
		    ts[i].ts_peer);
		if (ts[i].ts_mode == IPF_TM_TRANSPORT) {
			snprintf(mine, 64, "%s", me);
			snprintf(theirs, 64, "%s", them);
		} else if (ver == 4) {
			snprintf(mine, 64, peer ? "10.%d.0.0/16" :
			    "172.16.%d.0/24", k);
			snprintf(theirs, 64, peer ? "172.16.%d.0/24" :
			    "10.%d.0.0/16", k);
		} else {
			snprintf(mine, 64, "2001:db8:%s:%d::/64",
			    peer ? "b" : "a", k);
			snprintf(theirs, 64, "2001:db8:%s:%d::/64",
			    peer ? "a" : "b", k);
		}
		memset(&rs[*n], 0, NTUNRULES * sizeof(*rs));
		rs[*n] = (struct rspec){ .rs_act = IPF_ACT_PERMIT,
		    .rs_src = them, .rs_dst = me, .rs_dir = IPF_DIR_IN,
		    .rs_tunnel = (uint32_t)k };
		rs[*n + 1] = (struct rspec){ .rs_act = IPF_ACT_PERMIT,
		    .rs_dst = theirs, .rs_dir = IPF_DIR_OUT,
		    .rs_tunnel = (uint32_t)k, .rs_log = 1 };
		/* Transport: the carrier's rule, lest it shadow the rest. */
		rs[*n + 2] = (struct rspec){ .rs_act = IPF_ACT_PERMIT,
		    .rs_src = ts[i].ts_mode == IPF_TM_TRANSPORT ? them : NULL,
		    .rs_dst = mine, .rs_dir = IPF_DIR_IN,
		    .rs_tunnel = (uint32_t)k };
		*n += NTUNRULES;
	}
}

static void
load(struct ipf *ipf, int ver, const struct rspec *filt, size_t nf,
    int peer, int dynamic)
{
	static const struct rspec	 dyn[2] = {
		{ .rs_act = IPF_ACT_DENY, .rs_proto = 6, .rs_dop = IPF_OP_EQ,
		    .rs_dport = 25, .rs_log = 1 },
		{ .rs_act = IPF_ACT_PERMIT, .rs_proto = 17, .rs_sop = IPF_OP_EQ,
		    .rs_sport = 500, .rs_dop = IPF_OP_EQ, .rs_dport = 500 },
	};
	struct rspec	 rs[MAXRULES];
	struct ipf_rule	 r[MAXRULES + 1];
	char		 str[MAXRULES * 4][64];
	size_t		 n = 0, bad, i;

	for (i = 0; i < nf; i++)
		rs[n++] = filt[i];
	if (ver == 4)
		tunnel_rules(4, tuns4, sizeof(tuns4) / sizeof(tuns4[0]), peer,
		    rs, &n, str);
	else
		tunnel_rules(6, tuns6, sizeof(tuns6) / sizeof(tuns6[0]), peer,
		    rs, &n, str);
	rules_make(ver, rs, n, r, ver == 4 ? IPF_ACT_DENY : IPF_ACT_PERMIT);
	if (ipf_load(ipf, ver, r, n + 1, 1000, &bad) != IPF_CE_OK)
		fail("static table refused");
	if (!dynamic)
		return;
	rules_make(ver, dyn, 2, r, IPF_ACT_DENY);
	for (i = 0; i < 2; i++)
		r[i].r_id = IPF_DYN_BASE + (uint32_t)i;
	if (ipf_load_dynamic(ipf, ver, r, 2, 1000, &bad) != IPF_CE_OK)
		fail("dynamic table refused");
}

static void
sadir(struct ipf_sadir *d, const struct tspec *ts, uint32_t spi,
    const uint8_t *key)
{
	memset(d, 0, sizeof(*d));
	d->sd_policy = ts->ts_policy;
	d->sd_enc = ts->ts_enc;
	d->sd_espauth = ts->ts_espauth;
	d->sd_ahauth = ts->ts_ahauth;
	d->sd_espspi = spi;
	d->sd_ahspi = spi + 1;
	d->sd_enckey = key;
	d->sd_enckeylen = fuzz_klen[ts->ts_enc];
	d->sd_espkey = key + 64;
	d->sd_espkeylen = fuzz_klen[ts->ts_espauth];
	d->sd_ahkey = key + 128;
	d->sd_ahkeylen = fuzz_klen[ts->ts_ahauth];
}

/*
 * Keys: byte i of the host's outbound keys is i, of the peer's 0x80 + i
 * (tests/fuzz/mkseeds.py builds its ESP and AH seeds with the same).
 * SPIs: host sends on 0x1000 + 16 N (AH: + 1), peer on 0x2000 + 16 N.
 */
static void
tunnels(struct fuzz_env *fe, int ver, const struct tspec *ts, size_t nt)
{
	struct ipf_tunnel	t;
	uint8_t			hk[192], pk[192];
	size_t			i;
	int			side;

	for (i = 0; i < sizeof(hk); i++) {
		hk[i] = (uint8_t)i;
		pk[i] = (uint8_t)(0x80 + i);
	}
	for (i = 0; i < nt; i++)
		for (side = 0; side < 2; side++) {
			(void)ipf_tunnel_remove(side ? fe->fe_peer.fs_ipf :
			    fe->fe_host.fs_ipf, ver, ts[i].ts_id);
			memset(&t, 0, sizeof(t));
			t.tn_id = ts[i].ts_id;
			t.tn_ver = (uint8_t)ver;
			t.tn_mode = ts[i].ts_mode;
			t.tn_flags = ts[i].ts_flags;
			addr(ver, side ? ts[i].ts_peer : ver == 4 ? HOST4 :
			    HOST6, &t.tn_local, NULL);
			addr(ver, side ? (ver == 4 ? HOST4 : HOST6) :
			    ts[i].ts_peer, &t.tn_peer, NULL);
			sadir(&t.tn_out, &ts[i], (side ? 0x2000 : 0x1000) +
			    16 * ts[i].ts_id, side ? pk : hk);
			sadir(&t.tn_in, &ts[i], (side ? 0x1000 : 0x2000) +
			    16 * ts[i].ts_id, side ? hk : pk);
			if (ipf_tunnel_add(side ? fe->fe_peer.fs_ipf :
			    fe->fe_host.fs_ipf, &t, 1000) != IPF_TE_OK)
				fail("tunnel refused");
		}
}

/* Packets the SAs of both engines have seen. */
static uint64_t
sa_used(const struct fuzz_env *fe)
{
	struct ipf_stats	h, p;

	ipf_stats_get(fe->fe_host.fs_ipf, &h);
	ipf_stats_get(fe->fe_peer.fs_ipf, &p);
	return (h.st_in_esp + h.st_in_ah + h.st_out_esp + h.st_out_ah +
	    p.st_in_esp + p.st_in_ah + p.st_out_esp + p.st_out_ah);
}

/* A host rule that shuns: the shun list may hold something now. */
static int
shun_rule(int ver, uint32_t id)
{
	const struct rspec	*rs = ver == 4 ? rules4 : rules6;
	size_t			 n = ver == 4 ? NRULES4 : NRULES6;

	if (ver != 4 && ver != 6)
		return (0);
	return (id >= 1 && id <= n &&
	    (rs[id - 1].rs_act == IPF_ACT_SHUN_HOST ||
	    rs[id - 1].rs_act == IPF_ACT_SHUN_PORT));
}

static void
sink(void *arg, const struct ipf_event *ev)
{
	struct fuzz_env	*fe = arg;

	if (ev->ev_pkt.pr_ver != 0 && ev->ev_pkt.pr_ver != 4 &&
	    ev->ev_pkt.pr_ver != 6)
		fail("log record: bad version");
	if (memchr(ev->ev_pkt.pr_ifname, '\0', IPF_IFNAMSIZ) == NULL)
		fail("log record: interface name not terminated");
	fe->fe_events++;
}

static void
side_init(struct fuzz_side *s, struct fuzz_env *fe)
{
	memset(s, 0, sizeof(*s));
	if ((s->fs_ipf = ipf_create(sink, fe)) == NULL ||
	    (s->fs_res.res_buf = malloc(FUZZ_BUFSZ)) == NULL)
		fail("out of memory");
	ipf_set_logging(s->fs_ipf, 1);
}

void
fuzz_env_init(struct fuzz_env *fe)
{
	memset(fe, 0, sizeof(*fe));
	fe->fe_trace = getenv("FUZZ_TRACE") != NULL;
	side_init(&fe->fe_host, fe);
	side_init(&fe->fe_peer, fe);
	fe->fe_host.fs_env = fe;
	fe->fe_peer.fs_env = fe;
	load(fe->fe_host.fs_ipf, 4, rules4, NRULES4, 0, 1);
	load(fe->fe_host.fs_ipf, 6, rules6, NRULES6, 0, 1);
	load(fe->fe_peer.fs_ipf, 4, NULL, 0, 1, 1);
	load(fe->fe_peer.fs_ipf, 6, NULL, 0, 1, 1);
	tunnels(fe, 4, tuns4, sizeof(tuns4) / sizeof(tuns4[0]));
	tunnels(fe, 6, tuns6, sizeof(tuns6) / sizeof(tuns6[0]));
	fe->fe_saused = sa_used(fe);
	fuzz_env_reset(fe);
}

/*
 * Back to the state right after configuration, so that an input's
 * outcome is its own: reinstalled SAs start with fresh counters and
 * replay windows, and a load clears the shun list.  Building a table's
 * classifier is slow (milliseconds under ASan), so a version's static
 * table is loaded again only when the last input went through one of
 * its shun rules (fuzz_env_run() notes it; the dynamic table keeps no
 * state), and the SAs are installed again only when a packet reached
 * one (the engines' ESP and AH counters moved).
 */
void
fuzz_env_reset(struct fuzz_env *fe)
{
	if (fe->fe_dirty[0])
		load(fe->fe_host.fs_ipf, 4, rules4, NRULES4, 0, 0);
	if (fe->fe_dirty[1])
		load(fe->fe_host.fs_ipf, 6, rules6, NRULES6, 0, 0);
	if (sa_used(fe) != fe->fe_saused) {
		tunnels(fe, 4, tuns4, sizeof(tuns4) / sizeof(tuns4[0]));
		tunnels(fe, 6, tuns6, sizeof(tuns6) / sizeof(tuns6[0]));
		fe->fe_saused = sa_used(fe);
	}
	fe->fe_dirty[0] = fe->fe_dirty[1] = 0;
	fuzz_env_meta(&fe->fe_host, (const uint8_t *)"\x01\x00");
	fuzz_env_meta(&fe->fe_peer, (const uint8_t *)"\x01\x00");
}

/*
 * got is sent as far as its IP length goes.  Transport mode rebuilds the
 * IPv4 header, checksum included, so a sender's bad checksum comes out
 * corrected: the engine does not verify it (the host's IP stack has).
 */
/*
 * Whether got is sent (up to its IP length), but for the IPv4 checksum
 * and, if offload, one 16-bit word (the TCP or UDP checksum the engine
 * filled in).
 */
static int
same(const uint8_t *sent, size_t len, const uint8_t *got, size_t glen,
    int offload)
{
	size_t	n = iplen(sent, len), i, diff = 0;

	if (glen != n)
		return (0);
	for (i = 0; i + 1 < n; i += 2) {
		if (n >= 20 && sent[0] >> 4 == 4 && i == 10)
			continue;
		if (sent[i] != got[i] || sent[i + 1] != got[i + 1])
			diff++;
	}
	if (n & 1 && sent[n - 1] != got[n - 1])
		diff += 2;
	return (diff <= (offload ? 1 : 0));
}

/*
 * A replacement: res_npkts IP packets back to back, each as long as its
 * header says, filling res_len; several only when cut to fit m_mtu.
 */
static void
check_packets(const struct fuzz_side *s, const struct ipf_result *res)
{
	const uint8_t	*b = res->res_buf;
	size_t		 off = 0, n, i;

	if (res->res_len > res->res_cap || res->res_npkts == 0)
		fail("replacement of impossible length");
	for (i = 0; i < res->res_npkts; i++, off += n) {
		if (res->res_len - off < 20 || (b[off] >> 4 != 4 &&
		    b[off] >> 4 != 6))
			fail("replacement is not an IP packet");
		n = iplen(b + off, res->res_len - off);
		if (n < 20 || n > 65535 || n > res->res_len - off)
			fail("replacement of impossible length");
		if (res->res_npkts > 1 && n > s->fs_meta.m_mtu)
			fail("a segment's carrier is over the MTU");
	}
	if (off != res->res_len)
		fail("replacement's packets do not fill it");
}

/*
 * Whether a packet carries a source route still to be followed: IPv4
 * LSRR or SSRR, an IPv6 routing header with segments left.  AH
 * authenticates the final destination (RFC 4302 3.3.3.1.1.2), which the
 * routers on the route would have put in the header; delivered straight
 * to the peer, the header still names the first hop, so the ICV cannot
 * hold and the harness does not ask it to.
 */
static int
srcrouted(const uint8_t *p, size_t len)
{
	size_t	hl, at, olen;
	uint8_t	nxt;

	if (len >= 40 && p[0] >> 4 == 6) {
		for (nxt = p[6], at = 40; at + 8 <= len;) {
			if (nxt == 43)
				return (p[at + 3] > 0);
			if (nxt != 0 && nxt != 60)
				break;
			nxt = p[at];
			at += ((size_t)p[at + 1] + 1) * 8;
		}
		return (0);
	}
	if (len < 20 || p[0] >> 4 != 4 || (hl = (size_t)(p[0] & 0x0f) * 4) >
	    len)
		return (0);
	for (at = 20; at < hl; at += olen) {
		if (p[at] == 0)
			break;
		if (p[at] == 1) {
			olen = 1;
			continue;
		}
		if (hl - at < 2 || (olen = p[at + 1]) < 2 || olen > hl - at)
			return (0);
		if (p[at] == 131 || p[at] == 137)
			return (1);
	}
	return (0);
}

/* IP + TCP header length of a TCP packet without IPv6 extensions; 0. */
static size_t
tcp_hlen(const uint8_t *p, size_t len)
{
	size_t	h;

	if (len >= 20 && p[0] >> 4 == 4 && p[9] == 6)
		h = (size_t)(p[0] & 0x0f) * 4;
	else if (len >= 40 && p[0] >> 4 == 6 && p[6] == 6)
		h = 40;
	else
		return (0);
	if (len < h + 20)
		return (0);
	return (h + (size_t)(p[h + 12] >> 4) * 4);
}

static void
hexdump(const char *what, const uint8_t *b, size_t n)
{
	size_t	i;

	fprintf(stderr, "%s:", what);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %02x", b[i]);
	fprintf(stderr, "\n");
}

/* The packet's own idea of its length: what the engine sends on. */
static size_t
iplen(const uint8_t *pkt, size_t len)
{
	size_t	n;

	if (len < 1)
		return (0);
	if (pkt[0] >> 4 == 4)
		n = len < 4 ? 0 : (size_t)(pkt[2] << 8 | pkt[3]);
	else
		n = len < 6 ? 0 : 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	return (n < len ? n : len);
}

/*
 * from encapsulated pkt into its result; hand that to to, which holds
 * the mirror SAs.  Whatever to's filter rules say, the SAs must accept
 * the packet, and a decapsulated packet is the original byte for byte
 * (up to its IP length: bytes captured beyond it are not sent on).
 * A second delivery of the same bytes is a replay.
 */
/*
 * A TCP packet cut into several carriers: each must open, and the
 * segments' payloads, in order, are the original's.
 */
static void
deliver_segments(struct fuzz_side *from, struct fuzz_side *to,
    const uint8_t *pkt, size_t len)
{
	static uint8_t		 wire[FUZZ_BUFSZ];
	struct ipf_result	*res = &to->fs_res;
	size_t			 wlen = from->fs_res.res_len, off, n, i;
	size_t			 h = tcp_hlen(pkt, iplen(pkt, len)), got = 0, sh;

	memcpy(wire, from->fs_res.res_buf, wlen);
	for (i = 0, off = 0; i < from->fs_res.res_npkts; i++, off += n) {
		n = iplen(wire + off, wlen - off);
		fuzz_env_run(to, 0, wire + off, n);
		if (res->res_reason == IPF_R_ICV ||
		    res->res_reason == IPF_R_PADDING ||
		    res->res_reason == IPF_R_NOSA ||
		    res->res_reason == IPF_R_MALFORMED ||
		    res->res_reason == IPF_R_REPLAY)
			fail("a peer's segment refused");
		if (res->res_reason != IPF_R_DECAP || h == 0)
			continue;
		sh = tcp_hlen(res->res_buf, res->res_len);
		if (sh != h || got + res->res_len - sh > iplen(pkt, len) - h ||
		    memcmp(res->res_buf + sh, pkt + h + got,
		    res->res_len - sh) != 0)
			fail("a segment's payload is not the original's");
		got += res->res_len - sh;
	}
}

void
fuzz_env_deliver(struct fuzz_side *from, struct fuzz_side *to,
    const uint8_t *pkt, size_t len, int twice)
{
	static uint8_t		 wire[FUZZ_BUFSZ];
	struct ipf_result	*res = &to->fs_res;
	size_t			 wlen;
	int			 i, ver;
	uint32_t		 tid;

	if (from->fs_res.res_reason != IPF_R_ENCAP || srcrouted(pkt, len))
		return;
	if (from->fs_res.res_npkts > 1) {
		deliver_segments(from, to, pkt, len);
		return;
	}
	wlen = from->fs_res.res_len;
	memcpy(wire, from->fs_res.res_buf, wlen);
	ver = wire[0] >> 4;
	tid = from->fs_res.res_pkt.pr_tunnel;
	for (i = 0; i < (twice ? 2 : 1); i++) {
		fuzz_env_run(to, 0, wire, wlen);
		switch (res->res_reason) {
		case IPF_R_ICV:
		case IPF_R_PADDING:
		case IPF_R_NOSA:
		case IPF_R_MALFORMED:
			fprintf(stderr, "tunnel %u v%d: %s\n", tid, ver,
			    ipf_reason_names[res->res_reason]);
			fail("a peer's packet refused");
			break;
		case IPF_R_REPLAY:
			if (i == 0)
				fail("first delivery is a replay");
			break;
		case IPF_R_DECAP:
			if (i == 1 && fuzz_env_replay(ver, tid))
				fail("replay accepted");
			if (!same(pkt, len, res->res_buf, res->res_len,
			    (from->fs_meta.m_flags & IPF_MF_CSUM) != 0)) {
				hexdump("sent", pkt, iplen(pkt, len));
				hexdump("got ", res->res_buf, res->res_len);
				fail("decapsulated packet differs");
			}
			break;
		default:
			break;
		}
	}
}

int
fuzz_env_replay(int ver, uint32_t tid)
{
	const struct tspec	*ts = ver == 4 ? tuns4 : tuns6;
	size_t			 i, n = ver == 4 ?
	    sizeof(tuns4) / sizeof(tuns4[0]) : sizeof(tuns6) / sizeof(tuns6[0]);

	for (i = 0; i < n; i++)
		if (ts[i].ts_id == tid)
			return ((ts[i].ts_flags & IPF_TF_REPLAY) != 0);
	return (0);
}

void
fuzz_env_meta(struct fuzz_side *s, const uint8_t *h)
{
	struct ipf_meta	*m = &s->fs_meta;

	memset(m, 0, sizeof(*m));
	m->m_ifname = (h[0] & FZ_NOIF) ? "" : (h[0] & FZ_IF1) ? "eth1" :
	    "eth0";
	m->m_local = h[0] & FZ_LOCAL;
	m->m_now = 1000 + (h[1] & ~FZ_OFFLOAD);
	if (h[1] & FZ_OFFLOAD) {
		m->m_mtu = FZ_MTU;
		m->m_flags = IPF_MF_CSUM;
	}
	if (h[0] & FZ_IFADDR)
		addr(4, HOST4, &m->m_ifaddr, NULL);
	s->fs_res.res_cap = (h[0] & FZ_SMALL) ? 64 : FUZZ_BUFSZ;
}

enum ipf_verdict
fuzz_env_run(struct fuzz_side *s, int out, const uint8_t *pkt, size_t len)
{
	struct ipf_result	*res = &s->fs_res;
	enum ipf_verdict	 v;

	res->res_len = 0;
	res->res_reason = IPF_R_MAX;
	v = out ? ipf_output(s->fs_ipf, pkt, len, &s->fs_meta, res) :
	    ipf_input(s->fs_ipf, pkt, len, &s->fs_meta, res);
	if (res->res_reason >= IPF_R_MAX)
		fail("no reason");
	if (res->res_reason == IPF_R_MALFORMED && res->res_perr >= IPF_PE_MAX)
		fail("malformed without a parse error");
	if (v == IPF_REPLACE)
		check_packets(s, res);
	if (res->res_pkt.pr_ver != 0 && res->res_pkt.pr_ver != 4 &&
	    res->res_pkt.pr_ver != 6)
		fail("record: bad version");
	if (s->fs_env->fe_trace)
		fprintf(stderr, "%s %s: %s, rule %u, tunnel %u\n",
		    s == &s->fs_env->fe_host ? "host" : "peer",
		    out ? "out" : "in", ipf_reason_names[res->res_reason],
		    res->res_pkt.pr_rule, res->res_pkt.pr_tunnel);
	if (shun_rule(res->res_pkt.pr_ver, res->res_pkt.pr_rule) &&
	    s == &s->fs_env->fe_host)
		s->fs_env->fe_dirty[res->res_pkt.pr_ver == 6] = 1;

	return (v);
}
