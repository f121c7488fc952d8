/*
 * filt_test.c: rule tables through ipf_input() and ipf_output(), as a host
 * drives the engine: each field and operator, IF/ELSE/ENDIF, the dynamic
 * table at the placement rule, the default rule, expiry, shuns, payload
 * patterns, tunnel rules, counters, logging, and all-or-nothing loads
 * (aix-reference.md 2.4).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "ipf.h"

#define MAXR	16

/* A packet to build: IPv4 or IPv6, TCP/UDP/ICMP/other. */
struct spec {
	int		 ver;
	uint8_t		 proto;
	const char	*src;
	const char	*dst;
	uint16_t	 sp;		/* or ICMP type */
	uint16_t	 dp;		/* or ICMP code */
	uint8_t		 tcpflags;
	uint16_t	 fragoff;	/* bytes */
	int		 mf;
	int		 srcrt;
	const char	*payload;
};

struct env {
	struct ipf		*ipf;
	struct ipf_meta		 m;
	struct ipf_result	 res;
	struct ipf_event	 ev[8];
	size_t			 nev;
	uint8_t			 buf[256];
	size_t			 len;
};

static void		 sink(void *, const struct ipf_event *);
static void		 env_init(struct env *);
static struct ipf_rule	 rule(int, uint8_t);
static void		 addr(int, const char *, union ipf_addr *);
static void		 mask(int, unsigned int, union ipf_addr *);
static void		 load(struct env *, int, struct ipf_rule *, size_t);
static size_t		 build(const struct spec *, uint8_t *);
static uint32_t		 in(struct env *, const struct spec *);
static uint32_t		 out(struct env *, const struct spec *);

static const struct spec tcp4 = { 4, 6, "10.0.0.1", "10.0.0.2", 1024, 80,
    0x02, 0, 0, 0, NULL };
static const struct spec udp4 = { 4, 17, "10.0.0.1", "10.0.0.2", 5353, 53,
    0, 0, 0, 0, NULL };
static const struct spec icmp4 = { 4, 1, "10.0.0.1", "10.0.0.2", 8, 0,
    0, 0, 0, 0, NULL };
static const struct spec tcp6 = { 6, 6, "2001:db8::1", "2001:db8:1::2",
    1024, 22, 0x10, 0, 0, 0, NULL };

static void
sink(void *arg, const struct ipf_event *ev)
{
	struct env	*e = arg;

	if (e->nev < 8)
		e->ev[e->nev] = *ev;
	e->nev++;
}

static void
env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	ATF_REQUIRE((e->ipf = ipf_create(sink, e)) != NULL);
	e->m.m_ifname = "eth0";
	e->m.m_local = 1;
	e->m.m_now = 1000;
}

/* genfilt's defaults: permit, all, any ports, both, both, -g Y. */
static struct ipf_rule
rule(int ver, uint8_t action)
{
	struct ipf_rule	r;

	memset(&r, 0, sizeof(r));
	r.r_ver = (uint8_t)ver;
	r.r_action = action;
	r.r_srcroute = 1;
	r.r_scope = IPF_SCOPE_BOTH;
	r.r_dir = IPF_DIR_BOTH;
	return (r);
}

static void
addr(int ver, const char *s, union ipf_addr *a)
{
	memset(a, 0, sizeof(*a));
	ATF_REQUIRE(inet_pton(ver == 4 ? AF_INET : AF_INET6, s, a) == 1);
}

static void
mask(int ver, unsigned int plen, union ipf_addr *m)
{
	unsigned int	i;

	(void)ver;
	memset(m, 0, sizeof(*m));
	for (i = 0; i < plen; i++)
		m->b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* rules[0..n) get ids 1..n-1 and a default rule (the last) id 0. */
static void
load(struct env *e, int ver, struct ipf_rule *r, size_t n)
{
	size_t		i, bad;
	enum ipf_cerr	ce;

	for (i = 0; i < n; i++)
		r[i].r_id = i + 1 == n ? 0 : (uint32_t)i + 1;
	ce = ipf_load(e->ipf, ver, r, n, 1000, &bad);
	ATF_REQUIRE_MSG(ce == IPF_CE_OK, "load: %s at %zu",
	    ipf_cerr_names[ce], bad);
}

static size_t
build(const struct spec *s, uint8_t *b)
{
	size_t	hl, l4, n = 0, plen = 0;
	uint8_t	*t;

	memset(b, 0, 256);
	if (s->payload != NULL)
		plen = strlen(s->payload);
	if (s->ver == 4) {
		hl = s->srcrt ? 28 : 20;
		b[0] = (uint8_t)(0x40 | hl / 4);
		b[6] = (uint8_t)((s->mf ? 0x20 : 0) | (s->fragoff / 8) >> 8);
		b[7] = (uint8_t)(s->fragoff / 8);
		b[8] = 64;
		b[9] = s->proto;
		ATF_REQUIRE(inet_pton(AF_INET, s->src, b + 12) == 1);
		ATF_REQUIRE(inet_pton(AF_INET, s->dst, b + 16) == 1);
		if (s->srcrt)		/* NOP, LSRR with one hop */
			memcpy(b + 20, "\1\203\7\4\12\0\0\11", 8);
	} else {
		b[0] = 0x60;
		b[7] = 64;
		ATF_REQUIRE(inet_pton(AF_INET6, s->src, b + 8) == 1);
		ATF_REQUIRE(inet_pton(AF_INET6, s->dst, b + 24) == 1);
		hl = 40;
		t = b + 6;
		if (s->srcrt) {		/* routing header, 1 segment left */
			*t = 43;
			t = b + hl;
			b[hl + 1] = 0;
			b[hl + 3] = 1;
			hl += 8;
		}
		if (s->mf || s->fragoff) {
			*t = 44;
			t = b + hl;
			b[hl + 2] = (uint8_t)(s->fragoff >> 8);
			b[hl + 3] = (uint8_t)((s->fragoff & 0xf8) |
			    (s->mf ? 1 : 0));
			hl += 8;
		}
		*t = s->proto;
	}
	n = hl;
	if (s->fragoff == 0 && (s->proto == 6 || s->proto == 17)) {
		b[n] = (uint8_t)(s->sp >> 8);
		b[n + 1] = (uint8_t)s->sp;
		b[n + 2] = (uint8_t)(s->dp >> 8);
		b[n + 3] = (uint8_t)s->dp;
		if (s->proto == 6) {
			b[n + 12] = 5 << 4;
			b[n + 13] = s->tcpflags;
			l4 = 20;
		} else {
			b[n + 5] = (uint8_t)(8 + plen);
			l4 = 8;
		}
		n += l4;
	} else if (s->fragoff == 0 && (s->proto == 1 || s->proto == 58)) {
		b[n] = (uint8_t)s->sp;
		b[n + 1] = (uint8_t)s->dp;
		n += 8;
	} else
		n += 8;			/* an 8-byte fragment or payload */
	if (plen > 0)
		memcpy(b + n, s->payload, plen);
	n += plen;
	if (s->mf && (n - hl) % 8 != 0)
		n += 8 - (n - hl) % 8;
	if (s->ver == 4) {
		b[2] = (uint8_t)(n >> 8);
		b[3] = (uint8_t)n;
	} else {
		b[4] = (uint8_t)((n - 40) >> 8);
		b[5] = (uint8_t)(n - 40);
	}
	return (n);
}

/* Send a packet in (or out); the deciding rule's id, or IPF_RULE_NONE. */
static uint32_t
in(struct env *e, const struct spec *s)
{
	e->len = build(s, e->buf);
	ipf_input(e->ipf, e->buf, e->len, &e->m, &e->res);
	return (e->res.res_pkt.pr_rule);
}

static uint32_t
out(struct env *e, const struct spec *s)
{
	e->len = build(s, e->buf);
	ipf_output(e->ipf, e->buf, e->len, &e->m, &e->res);
	return (e->res.res_pkt.pr_rule);
}

ATF_TC_WITHOUT_HEAD(addresses);
ATF_TC_BODY(addresses, tc)
{
	struct env	e;
	struct ipf_rule	r[3];
	struct spec	s = tcp4;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	addr(4, "10.0.0.0", &r[0].r_src);
	mask(4, 24, &r[0].r_smask);
	addr(4, "10.0.0.2", &r[0].r_dst);
	mask(4, 32, &r[0].r_dmask);
	r[1] = rule(4, IPF_ACT_DENY);
	addr(4, "192.168.0.0", &r[1].r_dst);
	mask(4, 16, &r[1].r_dmask);
	r[2] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 3);
	ATF_CHECK_EQ(in(&e, &s), 1);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_DENY);
	s.src = "10.0.1.1";
	ATF_CHECK_EQ(in(&e, &s), 0);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
	s.dst = "192.168.200.1";
	ATF_CHECK_EQ(in(&e, &s), 2);
	s.dst = "192.169.0.1";
	ATF_CHECK_EQ(in(&e, &s), 0);

	r[0] = rule(6, IPF_ACT_DENY);
	addr(6, "2001:db8:1::", &r[0].r_dst);
	mask(6, 48, &r[0].r_dmask);
	r[1] = rule(6, IPF_ACT_PERMIT);
	load(&e, 6, r, 2);
	s = tcp6;
	ATF_CHECK_EQ(in(&e, &s), 1);
	s.dst = "2001:db8:2::2";
	ATF_CHECK_EQ(in(&e, &s), 0);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(protocols);
ATF_TC_BODY(protocols, tc)
{
	struct env	e;
	struct ipf_rule	r[5];
	struct spec	s;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_proto = IPF_PROTO_TCPACK;
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_proto = 17;
	r[2] = rule(4, IPF_ACT_DENY);
	r[2].r_proto = 50;
	r[3] = rule(4, IPF_ACT_DENY);
	r[3].r_proto = 6;
	r[4] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 5);
	s = tcp4;
	ATF_CHECK_EQ(in(&e, &s), 4);		/* SYN: tcp, not tcp/ack */
	s.tcpflags = 0x10;
	ATF_CHECK_EQ(in(&e, &s), 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_tcpack, 1);
	ATF_CHECK_EQ(in(&e, &udp4), 2);
	s = udp4;
	s.proto = 50;
	ATF_CHECK_EQ(in(&e, &s), 3);
	ATF_CHECK_EQ(in(&e, &icmp4), 0);
	ipf_free(e.ipf);
}

/* Each operator on both ports, at, below and above the rule's port. */
ATF_TC_WITHOUT_HEAD(port_operators);
ATF_TC_BODY(port_operators, tc)
{
	static const struct {
		uint8_t	op;
		int	hit[3];		/* packet port 79, 80, 81 */
	} ops[] = {
		{ IPF_OP_ANY, { 1, 1, 1 } },
		{ IPF_OP_EQ, { 0, 1, 0 } },
		{ IPF_OP_NEQ, { 1, 0, 1 } },
		{ IPF_OP_LT, { 1, 0, 0 } },
		{ IPF_OP_LE, { 1, 1, 0 } },
		{ IPF_OP_GT, { 0, 0, 1 } },
		{ IPF_OP_GE, { 0, 1, 1 } },
	};
	struct env	e;
	struct ipf_rule	r[2];
	struct spec	s = tcp4;
	size_t		i, j, d;

	env_init(&e);
	for (d = 0; d < 2; d++)
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			r[0] = rule(4, IPF_ACT_DENY);
			r[0].r_proto = 6;
			if (d == 0) {
				r[0].r_sop = ops[i].op;
				r[0].r_sport = 80;
			} else {
				r[0].r_dop = ops[i].op;
				r[0].r_dport = 80;
			}
			r[1] = rule(4, IPF_ACT_PERMIT);
			load(&e, 4, r, 2);
			for (j = 0; j < 3; j++) {
				s.sp = d == 0 ? (uint16_t)(79 + j) : 1024;
				s.dp = d == 1 ? (uint16_t)(79 + j) : 1024;
				ATF_CHECK_EQ_MSG(in(&e, &s) == 1,
				    ops[i].hit[j], "%s op %d port %zu",
				    d ? "dst" : "src", ops[i].op, 79 + j);
			}
		}
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(icmp_type_code);
ATF_TC_BODY(icmp_type_code, tc)
{
	struct env	e;
	struct ipf_rule	r[3];
	struct spec	s = icmp4;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);		/* echo request */
	r[0].r_proto = 1;
	r[0].r_sop = IPF_OP_EQ;
	r[0].r_sport = 8;
	r[0].r_dop = IPF_OP_EQ;
	r[0].r_dport = 0;
	r[1] = rule(4, IPF_ACT_DENY);		/* "all" with a port test */
	r[1].r_dop = IPF_OP_LT;
	r[1].r_dport = 1000;
	r[2] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 3);
	ATF_CHECK_EQ(in(&e, &s), 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_icmp, 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_sport, 8);
	s.sp = 0;				/* echo reply: type 0 */
	ATF_CHECK_EQ(in(&e, &s), 0);		/* and all+port: TCP/UDP only */
	ATF_CHECK_EQ(in(&e, &udp4), 2);
	ipf_free(e.ipf);
}

/* Fragment control Y/N/O/H, and port tests on later fragments. */
ATF_TC_WITHOUT_HEAD(fragments);
ATF_TC_BODY(fragments, tc)
{
	static const int	hit[IPF_FRAG_MAX][3] = {
		/* whole, first, later */
		[IPF_FRAG_ALL] = { 1, 1, 1 },
		[IPF_FRAG_NONE] = { 1, 0, 0 },
		[IPF_FRAG_ONLY] = { 0, 1, 1 },
		[IPF_FRAG_HDR] = { 1, 1, 0 },
	};
	struct env	e;
	struct ipf_rule	r[2];
	struct spec	s[3];
	size_t		f, j, v;

	env_init(&e);
	for (v = 0; v < 2; v++) {
		s[0] = v == 0 ? udp4 : tcp6;
		s[1] = s[0];
		s[1].mf = 1;
		s[2] = s[0];
		s[2].fragoff = 64;
		for (f = 0; f < IPF_FRAG_MAX; f++) {
			r[0] = rule(s[0].ver, IPF_ACT_DENY);
			r[0].r_frag = (uint8_t)f;
			r[1] = rule(s[0].ver, IPF_ACT_PERMIT);
			load(&e, s[0].ver, r, 2);
			for (j = 0; j < 3; j++) {
				ATF_CHECK_EQ_MSG(in(&e, &s[j]) == 1, hit[f][j],
				    "v%d -f %zu packet %zu", s[0].ver, f, j);
				ATF_CHECK_EQ(e.res.res_pkt.pr_frag, j > 0);
			}
		}
		/* A later fragment has no ports: any port test fails. */
		r[0] = rule(s[0].ver, IPF_ACT_DENY);
		r[0].r_dop = IPF_OP_NEQ;
		r[0].r_dport = 1;
		r[1] = rule(s[0].ver, IPF_ACT_PERMIT);
		load(&e, s[0].ver, r, 2);
		ATF_CHECK_EQ(in(&e, &s[1]), 1);
		ATF_CHECK_EQ(in(&e, &s[2]), 0);
		ATF_CHECK_EQ(e.res.res_pkt.pr_dport, 0);
	}
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(scope_direction_interface);
ATF_TC_BODY(scope_direction_interface, tc)
{
	struct env	e;
	struct ipf_rule	r[4];

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_scope = IPF_SCOPE_ROUTE;
	r[0].r_dir = IPF_DIR_IN;
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_scope = IPF_SCOPE_LOCAL;
	r[1].r_dir = IPF_DIR_OUT;
	r[2] = rule(4, IPF_ACT_DENY);
	strcpy(r[2].r_ifname, "eth1");
	r[3] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 4);
	ATF_CHECK_EQ(in(&e, &tcp4), 0);		/* local, in, eth0 */
	ATF_CHECK_EQ(out(&e, &tcp4), 2);
	ATF_CHECK_EQ(e.res.res_pkt.pr_dir, IPF_DIR_OUT);
	e.m.m_local = 0;
	addr(4, "10.9.9.9", &e.m.m_ifaddr);
	ATF_CHECK_EQ(in(&e, &tcp4), 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_routed, 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_local.w[0], htonl(0x0a090909));
	ATF_CHECK_EQ(out(&e, &tcp4), 0);
	e.m.m_local = 1;
	e.m.m_ifname = "eth1";
	ATF_CHECK_EQ(in(&e, &tcp4), 3);
	ATF_CHECK_STREQ(e.res.res_pkt.pr_ifname, "eth1");
	e.m.m_ifname = "eth10";
	ATF_CHECK_EQ(in(&e, &tcp4), 0);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(source_routing);
ATF_TC_BODY(source_routing, tc)
{
	struct env		e;
	struct ipf_rule		r[3];
	struct ipf_stats	st;
	struct spec		s;
	size_t			v;

	env_init(&e);
	for (v = 4; v <= 6; v += 2) {
		s = v == 4 ? tcp4 : tcp6;
		r[0] = rule((int)v, IPF_ACT_PERMIT);
		r[0].r_srcroute = 0;
		r[0].r_proto = 6;
		r[1] = rule((int)v, IPF_ACT_PERMIT);	/* -g Y */
		r[1].r_proto = 17;
		r[2] = rule((int)v, IPF_ACT_DENY);
		load(&e, (int)v, r, 3);
		ATF_CHECK_EQ(in(&e, &s), 1);
		s.srcrt = 1;
		ATF_CHECK_EQ(in(&e, &s), 0);
		ATF_CHECK_EQ(e.res.res_reason, IPF_R_DENY);
		s.proto = 17;
		ATF_CHECK_EQ(in(&e, &s), 2);
		ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
		/* A deny rule with -g N still denies a source route. */
		r[0].r_action = IPF_ACT_DENY;
		r[2].r_action = IPF_ACT_PERMIT;
		load(&e, (int)v, r, 3);
		s.proto = 6;
		ATF_CHECK_EQ(in(&e, &s), 1);
	}
	ipf_stats_get(e.ipf, &st);
	ATF_CHECK_EQ(st.st_srcrte, 2);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(tunnel_rules);
ATF_TC_BODY(tunnel_rules, tc)
{
	struct env	e;
	struct ipf_rule	r[3];

	env_init(&e);
	r[0] = rule(4, IPF_ACT_PERMIT);
	r[0].r_tunnel = 3;
	addr(4, "10.0.0.2", &r[0].r_dst);
	mask(4, 32, &r[0].r_dmask);
	r[1] = rule(4, IPF_ACT_PERMIT);
	r[1].r_tunnel = 3;
	addr(4, "10.0.0.2", &r[1].r_src);
	mask(4, 32, &r[1].r_smask);
	r[2] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 3);
	/* Outbound into tunnel 3, which has no SA: dropped, never clear. */
	e.len = build(&tcp4, e.buf);
	ATF_CHECK_EQ(ipf_output(e.ipf, e.buf, e.len, &e.m, &e.res), IPF_DROP);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_NOSA);
	ATF_CHECK_EQ(e.res.res_pkt.pr_rule, 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_tunnel, 3);
	/* Inbound cleartext matching a tunnel rule: policy violation. */
	ATF_CHECK_EQ(ipf_input(e.ipf, e.buf, e.len, &e.m, &e.res), IPF_DROP);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_POLICY);
	ATF_CHECK_EQ(e.res.res_pkt.pr_rule, 1);
	ATF_CHECK_EQ(in(&e, &udp4), 1);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_POLICY);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(expiration);
ATF_TC_BODY(expiration, tc)
{
	struct env		e;
	struct ipf_rule		r[3];
	struct ipf_rulestat	rs[4];

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_expire = 10;
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_proto = 17;
	r[2] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 3);			/* at 1000 */
	e.m.m_now = 1009;
	ATF_CHECK_EQ(in(&e, &tcp4), 1);
	e.m.m_now = 1010;
	ATF_CHECK_EQ(in(&e, &tcp4), 0);
	ATF_CHECK_EQ(in(&e, &udp4), 2);
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 0, rs, 4, 1003), 3);
	ATF_CHECK_EQ(rs[0].rs_id, 1);
	ATF_CHECK_EQ(rs[0].rs_remaining, 7);
	ATF_CHECK_EQ(rs[0].rs_packets, 1);
	ATF_CHECK_EQ(rs[1].rs_remaining, -1);
	/* Expired rules are left out. */
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 0, rs, 4, 1010), 2);
	ATF_CHECK_EQ(rs[0].rs_id, 2);
	ATF_CHECK_EQ(rs[0].rs_packets, 1);
	ATF_CHECK_EQ(rs[1].rs_id, 0);
	ATF_CHECK_EQ(rs[1].rs_packets, 1);
	ipf_free(e.ipf);
}

/*
 * 1 IF 10.0.0.0/24            6 IF tcp
 * 2   deny tcp dport 23       7   IF dport 22
 * 3 ELSE                      8     permit
 * 4   deny udp                9   ENDIF
 * 5 ENDIF                    10   deny
 *                            11 ENDIF   0 default permit
 */
ATF_TC_WITHOUT_HEAD(if_else_endif);
ATF_TC_BODY(if_else_endif, tc)
{
	struct env	e;
	struct ipf_rule	r[12];
	struct spec	s;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_IF);
	addr(4, "10.0.0.0", &r[0].r_src);
	mask(4, 24, &r[0].r_smask);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_proto = 6;
	r[1].r_dop = IPF_OP_EQ;
	r[1].r_dport = 23;
	r[2] = rule(4, IPF_ACT_ELSE);
	r[3] = rule(4, IPF_ACT_DENY);
	r[3].r_proto = 17;
	r[4] = rule(4, IPF_ACT_ENDIF);
	r[5] = rule(4, IPF_ACT_IF);
	r[5].r_proto = 6;
	r[6] = rule(4, IPF_ACT_IF);
	r[6].r_proto = 6;
	r[6].r_dop = IPF_OP_EQ;
	r[6].r_dport = 22;
	r[7] = rule(4, IPF_ACT_PERMIT);
	r[8] = rule(4, IPF_ACT_ENDIF);
	r[9] = rule(4, IPF_ACT_DENY);
	r[10] = rule(4, IPF_ACT_ENDIF);
	r[11] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 12);
	s = tcp4;
	s.dp = 23;
	ATF_CHECK_EQ(in(&e, &s), 2);		/* IF part */
	ATF_CHECK_EQ(in(&e, &udp4), 0);		/* IF part ends: after ENDIF */
	s.src = "10.0.1.1";
	ATF_CHECK_EQ(in(&e, &s), 10);		/* ELSE part, then block 2 */
	s.dp = 22;
	ATF_CHECK_EQ(in(&e, &s), 8);		/* nested IF */
	s = udp4;
	s.src = "10.0.1.1";
	ATF_CHECK_EQ(in(&e, &s), 4);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(dynamic_table);
ATF_TC_BODY(dynamic_table, tc)
{
	struct env		e;
	struct ipf_rule		r[4], d[2];
	struct ipf_rulestat	rs[4];
	struct spec		s = tcp4;
	size_t			bad;

	env_init(&e);
	ipf_set_logging(e.ipf, 1);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_proto = 17;
	r[1] = rule(4, IPF_ACT_PLACEMENT);
	r[1].r_log = 1;
	r[2] = rule(4, IPF_ACT_DENY);
	r[2].r_proto = 6;
	r[3] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 4);
	d[0] = rule(4, IPF_ACT_PERMIT);
	d[0].r_id = IPF_DYN_BASE;
	d[0].r_proto = 6;
	d[0].r_dop = IPF_OP_EQ;
	d[0].r_dport = 22;
	d[1] = rule(4, IPF_ACT_DENY);
	d[1].r_id = IPF_DYN_BASE + 1;
	d[1].r_proto = 17;
	ATF_REQUIRE_EQ(ipf_load_dynamic(e.ipf, 4, d, 2, 1000, &bad),
	    IPF_CE_OK);
	s.dp = 22;
	ATF_CHECK_EQ(in(&e, &s), IPF_DYN_BASE);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
	ATF_CHECK_EQ(e.nev, 1);			/* the placement rule logs */
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_rule, IPF_DYN_BASE);
	s.dp = 23;
	ATF_CHECK_EQ(in(&e, &s), 3);
	ATF_CHECK_EQ(in(&e, &udp4), 1);		/* before the placement */
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 1, rs, 4, 1000), 2);
	ATF_CHECK_EQ(rs[0].rs_id, IPF_DYN_BASE);
	ATF_CHECK_EQ(rs[0].rs_packets, 1);
	ATF_CHECK_EQ(rs[0].rs_bytes, 40);
	/* Reloading the static table keeps the dynamic one. */
	load(&e, 4, r, 4);
	s.dp = 22;
	ATF_CHECK_EQ(in(&e, &s), IPF_DYN_BASE);
	ATF_REQUIRE_EQ(ipf_load_dynamic(e.ipf, 4, NULL, 0, 1000, &bad),
	    IPF_CE_OK);
	ATF_CHECK_EQ(in(&e, &s), 3);
	/* Neither placement nor default rules in a dynamic table. */
	d[1] = rule(4, IPF_ACT_PLACEMENT);
	ATF_CHECK_EQ(ipf_load_dynamic(e.ipf, 4, d, 2, 1000, &bad),
	    IPF_CE_BAD_FIELD);
	ATF_CHECK_EQ(bad, 1);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(default_rule);
ATF_TC_BODY(default_rule, tc)
{
	struct env	e;
	struct ipf_rule	r[2];
	struct spec	s = tcp4;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_PERMIT);
	r[0].r_proto = 17;
	r[1] = rule(4, IPF_ACT_DENY);
	load(&e, 4, r, 2);
	ATF_CHECK_EQ(in(&e, &s), 0);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_DENY);
	ATF_CHECK_EQ(e.res.res_pkt.pr_permit, 0);
	/* The default rule takes what came out of a tunnel, too. */
	s.srcrt = 1;
	ATF_CHECK_EQ(in(&e, &s), 0);
	ATF_CHECK_EQ(in(&e, &udp4), 1);
	ATF_CHECK_EQ(e.res.res_pkt.pr_permit, 1);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(shun);
ATF_TC_BODY(shun, tc)
{
	struct env		e;
	struct ipf_rule		r[3];
	struct ipf_stats	st;
	struct spec		s = tcp4;

	env_init(&e);
	ipf_set_logging(e.ipf, 1);
	r[0] = rule(4, IPF_ACT_SHUN_HOST);	/* telnet: shun for 60 s */
	r[0].r_proto = 6;
	r[0].r_dop = IPF_OP_EQ;
	r[0].r_dport = 23;
	r[0].r_expire = 60;
	r[0].r_log = 1;
	r[1] = rule(4, IPF_ACT_SHUN_PORT);	/* port 25: that port only */
	r[1].r_proto = 6;
	r[1].r_dop = IPF_OP_EQ;
	r[1].r_dport = 25;
	r[2] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 3);
	ATF_CHECK_EQ(in(&e, &udp4), 0);		/* baseline */
	s.dp = 23;
	ATF_CHECK_EQ(in(&e, &s), 1);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_DENY);
	ATF_CHECK_EQ(in(&e, &udp4), 1);		/* shunned: the shun rule */
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_DENY);
	ATF_CHECK_EQ(e.nev, 2);
	ATF_CHECK_EQ(e.ev[1].ev_pkt.pr_rule, 1);
	ATF_CHECK_EQ(out(&e, &udp4), 0);	/* inbound only */
	s = udp4;
	s.src = "10.0.0.7";
	ATF_CHECK_EQ(in(&e, &s), 0);		/* other sources pass */
	e.m.m_now = 1059;
	ATF_CHECK_EQ(in(&e, &udp4), 1);
	e.m.m_now = 1060;
	ATF_CHECK_EQ(in(&e, &udp4), 0);		/* shun over */

	s = tcp4;
	s.src = "10.0.0.8";
	s.dp = 25;
	ATF_CHECK_EQ(in(&e, &s), 2);
	s.dp = 80;
	ATF_CHECK_EQ(in(&e, &s), 0);
	s.dp = 25;
	s.tcpflags = 0x10;			/* tcp/ack, still port 25 */
	ATF_CHECK_EQ(in(&e, &s), 2);
	/* -e 0: until the next load. */
	load(&e, 4, r, 3);
	s.dp = 80;
	ATF_CHECK_EQ(in(&e, &s), 0);
	ipf_stats_get(e.ipf, &st);
	ATF_CHECK_EQ(st.st_in_deny, 5);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(patterns);
ATF_TC_BODY(patterns, tc)
{
	static const struct ipf_pattern	pats[2] = {
		{ (const uint8_t *)"evil", 4 },
		{ (const uint8_t *)"\0\1\2", 3 },
	};
	struct env	e;
	struct ipf_rule	r[2];
	struct spec	s = udp4;
	uint8_t		copy[4] = "evil";

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_pats = pats;
	r[0].r_npats = 2;
	r[1] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 2);
	memset(copy, 'x', sizeof(copy));	/* the engine keeps its own */
	s.payload = "an evil payload";
	ATF_CHECK_EQ(in(&e, &s), 1);
	ATF_CHECK_EQ(out(&e, &s), 0);		/* inspects inbound only */
	s.payload = "a good payload";
	ATF_CHECK_EQ(in(&e, &s), 0);
	s = tcp4;
	s.payload = "evi";			/* not across the header */
	ATF_CHECK_EQ(in(&e, &s), 0);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(logging);
ATF_TC_BODY(logging, tc)
{
	struct env		e;
	struct ipf_rule		r[2];
	struct ipf_stats	st;
	char			a[INET_ADDRSTRLEN];

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_proto = 6;
	r[0].r_log = 1;
	r[1] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 2);
	in(&e, &tcp4);
	ATF_CHECK_EQ(e.nev, 0);			/* logging off */
	ipf_set_logging(e.ipf, 1);
	in(&e, &tcp4);
	in(&e, &udp4);				/* default rule: no log */
	ATF_REQUIRE_EQ(e.nev, 1);
	ATF_CHECK_EQ(e.ev[0].ev_type, IPF_EV_PACKET);
	ATF_CHECK_EQ(e.ev[0].ev_time, 1000);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_rule, 1);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_permit, 0);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_dir, IPF_DIR_IN);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_proto, 6);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_sport, 1024);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_dport, 80);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_len, 40);
	ATF_CHECK_EQ(e.ev[0].ev_pkt.pr_routed, 0);
	inet_ntop(AF_INET, &e.ev[0].ev_pkt.pr_local, a, sizeof(a));
	ATF_CHECK_STREQ(a, "10.0.0.2");		/* inbound: the destination */
	ATF_CHECK_STREQ(e.ev[0].ev_pkt.pr_ifname, "eth0");
	out(&e, &tcp4);
	ATF_REQUIRE_EQ(e.nev, 2);
	inet_ntop(AF_INET, &e.ev[1].ev_pkt.pr_local, a, sizeof(a));
	ATF_CHECK_STREQ(a, "10.0.0.1");		/* outbound: the source */
	ipf_set_logging(e.ipf, 0);
	in(&e, &tcp4);
	ATF_CHECK_EQ(e.nev, 2);
	ipf_free(e.ipf);

	/* No sink: the record is counted as lost. */
	ATF_REQUIRE((e.ipf = ipf_create(NULL, NULL)) != NULL);
	load(&e, 4, r, 2);
	ipf_set_logging(e.ipf, 1);
	in(&e, &tcp4);
	ipf_stats_get(e.ipf, &st);
	ATF_CHECK_EQ(st.st_log_lost, 1);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(counters);
ATF_TC_BODY(counters, tc)
{
	struct env		e;
	struct ipf_rule		r[2];
	struct ipf_rulestat	rs[2];
	struct ipf_stats	st;

	env_init(&e);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_proto = 17;
	r[1] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 2);
	in(&e, &udp4);
	out(&e, &udp4);
	in(&e, &tcp4);
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 0, rs, 1, 1000), 2);
	ATF_CHECK_EQ(rs[0].rs_packets, 2);
	ATF_CHECK_EQ(rs[0].rs_bytes, 56);
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 0, rs, 2, 1000), 2);
	ATF_CHECK_EQ(rs[1].rs_id, 0);
	ATF_CHECK_EQ(rs[1].rs_packets, 1);
	ATF_CHECK_EQ(rs[1].rs_bytes, 40);
	ipf_stats_get(e.ipf, &st);
	ATF_CHECK_EQ(st.st_in, 2);
	ATF_CHECK_EQ(st.st_out, 1);
	ATF_CHECK_EQ(st.st_in_deny, 1);
	ATF_CHECK_EQ(st.st_out_deny, 1);
	ATF_CHECK_EQ(st.st_in_drop, 1);
	ATF_CHECK_EQ(st.st_reason[IPF_R_DENY], 2);
	ATF_CHECK_EQ(st.st_reason[IPF_R_PERMIT], 1);
	ipf_stats_clear(e.ipf);
	ipf_stats_get(e.ipf, &st);
	ATF_CHECK_EQ(st.st_in + st.st_out + st.st_reason[IPF_R_DENY], 0);
	/* A new table starts from zero. */
	load(&e, 4, r, 2);
	ATF_CHECK_EQ(ipf_rulestats(e.ipf, 4, 0, rs, 2, 1000), 2);
	ATF_CHECK_EQ(rs[0].rs_packets + rs[1].rs_packets, 0);
	ipf_free(e.ipf);
}

ATF_TC_WITHOUT_HEAD(two_contexts);
ATF_TC_BODY(two_contexts, tc)
{
	struct env		a, b;
	struct ipf_rule		r[2];
	struct ipf_stats	st;

	env_init(&a);
	env_init(&b);
	r[0] = rule(4, IPF_ACT_DENY);
	r[0].r_proto = 6;
	r[1] = rule(4, IPF_ACT_PERMIT);
	load(&a, 4, r, 2);
	r[0].r_proto = 17;
	load(&b, 4, r, 2);
	ATF_CHECK_EQ(in(&a, &tcp4), 1);
	ATF_CHECK_EQ(in(&b, &tcp4), 0);
	ATF_CHECK_EQ(in(&a, &udp4), 0);
	ATF_CHECK_EQ(in(&b, &udp4), 1);
	ipf_stats_get(a.ipf, &st);
	ATF_CHECK_EQ(st.st_in, 2);
	ipf_free(a.ipf);
	ATF_CHECK_EQ(in(&b, &udp4), 1);
	ipf_free(b.ipf);
}

ATF_TC_WITHOUT_HEAD(unloaded);
ATF_TC_BODY(unloaded, tc)
{
	struct env	e;
	struct ipf_rule	r[1];

	env_init(&e);
	ATF_CHECK(!ipf_loaded(e.ipf, 4));
	ATF_CHECK_EQ(ipf_input(e.ipf, e.buf, build(&tcp4, e.buf), &e.m,
	    &e.res), IPF_PASS);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
	ATF_CHECK_EQ(e.res.res_pkt.pr_rule, IPF_RULE_NONE);
	ATF_CHECK_EQ(e.res.res_pkt.pr_dport, 80);
	r[0] = rule(4, IPF_ACT_DENY);
	load(&e, 4, r, 1);
	ATF_CHECK(ipf_loaded(e.ipf, 4));
	ATF_CHECK(!ipf_loaded(e.ipf, 6));
	ATF_CHECK_EQ(in(&e, &tcp4), 0);
	ATF_CHECK_EQ(in(&e, &tcp6), IPF_RULE_NONE);	/* v6 not loaded */
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
	ipf_unload(e.ipf, 4);
	ATF_CHECK_EQ(in(&e, &tcp4), IPF_RULE_NONE);
	ATF_CHECK_EQ(e.res.res_reason, IPF_R_PERMIT);
	ipf_free(e.ipf);
}

/* A bad table is refused whole, with the index, and the old one stays. */
ATF_TC_WITHOUT_HEAD(checks_and_loads);
ATF_TC_BODY(checks_and_loads, tc)
{
	struct env	e;
	struct ipf_rule	r[5];
	size_t		bad;

	env_init(&e);
#define CHECK(n, want, idx) do {					\
	ATF_CHECK_EQ_MSG(ipf_rules_check(r, n, &bad), want, "%s",	\
	    ipf_cerr_names[want]);					\
	ATF_CHECK_EQ_MSG(bad, idx, "%s: index %zu", ipf_cerr_names[want], \
	    bad);							\
	ATF_CHECK_EQ(ipf_load(e.ipf, 4, r, n, 1000, &bad), want);	\
	ATF_CHECK_EQ(bad, idx);						\
	ATF_CHECK_EQ(in(&e, &tcp4), 1);					\
} while (0)

	r[0] = rule(4, IPF_ACT_DENY);
	r[1] = rule(4, IPF_ACT_PERMIT);
	load(&e, 4, r, 2);
	ATF_CHECK_EQ(in(&e, &tcp4), 1);

	r[0] = rule(4, IPF_ACT_ELSE);
	CHECK(2, IPF_CE_ELSE_NO_IF, 0);
	r[0] = rule(4, IPF_ACT_IF);
	r[1] = rule(4, IPF_ACT_ELSE);
	r[2] = rule(4, IPF_ACT_ELSE);
	r[3] = rule(4, IPF_ACT_ENDIF);
	r[4] = rule(4, IPF_ACT_PERMIT);
	CHECK(5, IPF_CE_ELSE_NO_IF, 2);
	r[0] = rule(4, IPF_ACT_ENDIF);
	CHECK(2, IPF_CE_ENDIF_NO_IF, 0);
	r[0] = rule(4, IPF_ACT_DENY);
	r[1] = rule(4, IPF_ACT_IF);
	r[2] = rule(4, IPF_ACT_DENY);
	r[3] = rule(4, IPF_ACT_PERMIT);
	CHECK(4, IPF_CE_IF_NO_ENDIF, 1);
	r[2] = rule(4, IPF_ACT_PLACEMENT);
	r[3] = rule(4, IPF_ACT_ENDIF);
	r[4] = rule(4, IPF_ACT_PERMIT);
	CHECK(5, IPF_CE_PLACEMENT_IN_IF, 2);
	r[0] = rule(4, IPF_ACT_DENY);
	r[1] = rule(4, IPF_ACT_PERMIT);
	r[1].r_id = 5;
	ATF_CHECK_EQ(ipf_rules_check(r, 2, &bad), IPF_CE_NO_DEFAULT);
	ATF_CHECK_EQ(bad, 1);
	ATF_CHECK_EQ(ipf_rules_check(r, 0, &bad), IPF_CE_NO_DEFAULT);
	r[1] = rule(4, IPF_ACT_PLACEMENT);
	ATF_CHECK_EQ(ipf_rules_check(r, 2, &bad), IPF_CE_NO_DEFAULT);

	/* Fields out of range, each in turn at index 1. */
	r[0] = rule(4, IPF_ACT_PERMIT);
	r[2] = rule(4, IPF_ACT_PERMIT);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_tunnel = 1;			/* -t needs -a P */
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_SHUN_HOST);
	r[1].r_dir = IPF_DIR_OUT;		/* shun is inbound only */
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_smask.b[0] = 0xf0;		/* not a prefix */
	r[1].r_smask.b[1] = 0xff;
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_proto = 50;			/* ports on ESP */
	r[1].r_dop = IPF_OP_EQ;
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_proto = 1;			/* ICMP type 256 */
	r[1].r_sop = IPF_OP_EQ;
	r[1].r_sport = 256;
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(6, IPF_ACT_DENY);		/* the wrong version */
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_dir = 0;
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	r[1].r_npats = 1;			/* patterns without bytes */
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_DENY);
	memset(r[1].r_ifname, 'x', sizeof(r[1].r_ifname));
	CHECK(3, IPF_CE_BAD_FIELD, 1);
	r[1] = rule(4, IPF_ACT_PLACEMENT);
	r[2] = rule(4, IPF_ACT_PLACEMENT);
	r[3] = rule(4, IPF_ACT_PERMIT);
	CHECK(4, IPF_CE_BAD_FIELD, 2);		/* two placement rules */
	ATF_CHECK_EQ(ipf_load(e.ipf, 5, r, 4, 1000, &bad), IPF_CE_BAD_FIELD);
	ipf_free(e.ipf);
#undef CHECK
}

ATF_TC_WITHOUT_HEAD(names);
ATF_TC_BODY(names, tc)
{
	static const char *const want[IPF_R_MAX] = { "permit", "encap",
	    "decap", "deny", "policy", "no-sa", "replay", "icv", "padding",
	    "malformed", "too-big" };
	size_t	i;

	for (i = 0; i < IPF_R_MAX; i++)
		ATF_CHECK_STREQ(ipf_reason_names[i], want[i]);
	for (i = 0; i < IPF_PE_MAX; i++)
		ATF_CHECK(ipf_perr_names[i] != NULL);
	ATF_CHECK_STREQ(ipf_cerr_names[IPF_CE_ELSE_NO_IF], "ELSE without IF");
	ATF_CHECK_STREQ(ipf_cerr_names[IPF_CE_ENDIF_NO_IF],
	    "ENDIF without IF");
	ATF_CHECK_STREQ(ipf_cerr_names[IPF_CE_IF_NO_ENDIF],
	    "IF without ENDIF");
	ATF_CHECK_STREQ(ipf_cerr_names[IPF_CE_PLACEMENT_IN_IF],
	    "dynamic filter placement rule inside an IF block");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, addresses);
	ATF_TP_ADD_TC(tp, protocols);
	ATF_TP_ADD_TC(tp, port_operators);
	ATF_TP_ADD_TC(tp, icmp_type_code);
	ATF_TP_ADD_TC(tp, fragments);
	ATF_TP_ADD_TC(tp, scope_direction_interface);
	ATF_TP_ADD_TC(tp, source_routing);
	ATF_TP_ADD_TC(tp, tunnel_rules);
	ATF_TP_ADD_TC(tp, expiration);
	ATF_TP_ADD_TC(tp, if_else_endif);
	ATF_TP_ADD_TC(tp, dynamic_table);
	ATF_TP_ADD_TC(tp, default_rule);
	ATF_TP_ADD_TC(tp, shun);
	ATF_TP_ADD_TC(tp, patterns);
	ATF_TP_ADD_TC(tp, logging);
	ATF_TP_ADD_TC(tp, counters);
	ATF_TP_ADD_TC(tp, two_contexts);
	ATF_TP_ADD_TC(tp, unloaded);
	ATF_TP_ADD_TC(tp, checks_and_loads);
	ATF_TP_ADD_TC(tp, names);
	return (atf_no_error());
}
