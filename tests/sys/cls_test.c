/*
 * cls_test.c: the compiled classifier against a plain linear scan, on
 * random rule sets and random packets drawn from small pools so that
 * rules overlap and packets match (architecture.md 5).  Fixed seeds: a
 * failure names the seed, rule set and packet, and reproduces.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "filt.h"
#include "filt_cls.h"
#include "pkt.h"

#define NSETS		60
#define NPKTS		2000		/* per set: 120,000 in all */
#define LOADTIME	1000

struct rng {
	uint64_t	s;
};

static uint32_t	rnd(struct rng *, uint32_t);
static void	rnd_addr(struct rng *, int, union ipf_addr *);
static void	rnd_mask(struct rng *, int, union ipf_addr *);
static void	rnd_sel(struct rng *, int, struct ipf_rule *);
static size_t	rnd_table(struct rng *, int, size_t, int, struct ipf_rule *);
static void	rnd_pkt(struct rng *, int, struct pkt_info *, uint8_t *,
		    struct ipf_meta *, uint8_t *);
static void	run_set(uint64_t, size_t, int, size_t *, size_t *);

static const uint8_t	 payload_pats[][5] = { "evil", "GET " };
static const struct ipf_pattern pats[] = {
	{ payload_pats[0], 4 },
	{ payload_pats[1], 4 },
};
static const char *const ifnames[] = { "", "eth0", "eth1" };
static const uint16_t	 ports[] = { 0, 22, 23, 53, 80, 443, 1024, 4500,
    65535 };

static uint32_t
rnd(struct rng *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (n == 0 ? 0 : (uint32_t)(r->s % n));
}

/* A small pool of addresses so that rules and packets meet. */
static void
rnd_addr(struct rng *r, int ver, union ipf_addr *a)
{
	static const uint8_t	pool4[][4] = {
		{ 10, 0, 0, 1 }, { 10, 0, 0, 2 }, { 10, 0, 1, 1 },
		{ 10, 1, 0, 1 }, { 192, 168, 1, 1 }, { 192, 168, 1, 200 },
		{ 172, 16, 5, 5 }, { 8, 8, 8, 8 }, { 0, 0, 0, 0 },
		{ 255, 255, 255, 255 },
	};
	size_t			i = rnd(r, sizeof(pool4) / sizeof(pool4[0]));

	memset(a, 0, sizeof(*a));
	if (ver == 4) {
		memcpy(a->b, pool4[i], 4);
		if (rnd(r, 4) == 0)
			a->b[3] = (uint8_t)rnd(r, 256);
		return;
	}
	a->b[0] = 0x20;
	a->b[1] = 0x01;
	a->b[2] = 0x0d;
	a->b[3] = 0xb8;
	a->b[5] = (uint8_t)rnd(r, 3);
	a->b[7] = (uint8_t)rnd(r, 3);
	a->b[15] = (uint8_t)rnd(r, 4);
	if (rnd(r, 8) == 0)
		a->b[0] = 0xfe;
	if (rnd(r, 4) == 0)
		a->b[15] = (uint8_t)rnd(r, 256);
	if (rnd(r, 16) == 0)
		memset(a->b, 0xff, 16);
}

static void
rnd_mask(struct rng *r, int ver, union ipf_addr *m)
{
	static const unsigned int	plen4[] = { 0, 0, 0, 0, 0, 8, 16, 24,
	    31, 32 };
	static const unsigned int	plen6[] = { 0, 0, 0, 0, 0, 16, 48, 64,
	    120, 128 };
	unsigned int			plen, i;

	memset(m, 0, sizeof(*m));
	plen = ver == 4 ? plen4[rnd(r, 10)] : plen6[rnd(r, 10)];
	for (i = 0; i < plen; i++)
		m->b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* Selectors of a permit, deny, shun or IF rule. */
static void
rnd_sel(struct rng *r, int ver, struct ipf_rule *ru)
{
	static const uint16_t	protos[] = { IPF_PROTO_ALL, IPF_PROTO_ALL,
	    6, 6, 17, 17, IPF_PROTO_TCPACK, 1, 50, 89 };
	int			icmp;

	rnd_addr(r, ver, &ru->r_src);
	rnd_mask(r, ver, &ru->r_smask);
	rnd_addr(r, ver, &ru->r_dst);
	rnd_mask(r, ver, &ru->r_dmask);
	ru->r_proto = protos[rnd(r, 10)];
	if (ru->r_proto == 1 && ver == 6)
		ru->r_proto = IPPROTO_ICMPV6;
	icmp = ru->r_proto == 1 || ru->r_proto == IPPROTO_ICMPV6;
	if (ru->r_proto == IPF_PROTO_ALL || ru->r_proto == 6 ||
	    ru->r_proto == 17 || ru->r_proto == IPF_PROTO_TCPACK || icmp) {
		ru->r_sop = (uint8_t)(rnd(r, 2) ? IPF_OP_ANY :
		    rnd(r, IPF_OP_MAX));
		ru->r_dop = (uint8_t)(rnd(r, 3) == 0 ? IPF_OP_ANY :
		    rnd(r, IPF_OP_MAX));
		ru->r_sport = icmp ? (uint16_t)rnd(r, 12) : ports[rnd(r, 9)];
		ru->r_dport = icmp ? (uint16_t)rnd(r, 4) : ports[rnd(r, 9)];
	}
	ru->r_scope = (uint8_t)(rnd(r, 2) ? IPF_SCOPE_BOTH : 1 + rnd(r, 3));
	ru->r_dir = (uint8_t)(rnd(r, 2) ? IPF_DIR_BOTH : 1 + rnd(r, 3));
	ru->r_frag = (uint8_t)(rnd(r, 2) ? IPF_FRAG_ALL : rnd(r, IPF_FRAG_MAX));
	ru->r_srcroute = (uint8_t)rnd(r, 2);
	ru->r_log = (uint8_t)rnd(r, 2);
	strcpy(ru->r_ifname, ifnames[rnd(r, 6) < 4 ? 0 : rnd(r, 3)]);
	if (rnd(r, 8) == 0)
		ru->r_expire = 1 + rnd(r, 200);
}

/*
 * n rules of a static table (default rule last, placement rule at top
 * level) or a dynamic one, with IF/ELSE/ENDIF blocks nested up to 3 deep.
 */
static size_t
rnd_table(struct rng *r, int ver, size_t n, int dynamic, struct ipf_rule *t)
{
	size_t		i, depth = 0, place;
	uint8_t		haselse[4] = { 0 };
	uint32_t	a;

	place = dynamic ? SIZE_MAX : rnd(r, (uint32_t)n);
	for (i = 0; i + 1 < n || (dynamic && i < n); i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].r_ver = (uint8_t)ver;
		t[i].r_id = dynamic ? IPF_DYN_BASE + (uint32_t)i :
		    (uint32_t)i + 1;
		a = rnd(r, 40);
		/* Close blocks in time for the placement rule and the end. */
		if (depth > 0 && (i >= place || n - i <= depth + 2 ||
		    a < 3)) {
			t[i].r_action = IPF_ACT_ENDIF;
			depth--;
		} else if (depth > 0 && !haselse[depth] && a < 6) {
			t[i].r_action = IPF_ACT_ELSE;
			haselse[depth] = 1;
		} else if (i == place) {
			t[i].r_action = IPF_ACT_PLACEMENT;
			t[i].r_log = (uint8_t)rnd(r, 2);
			place = SIZE_MAX;
		} else if (depth < 3 && a < 9 && n - i > 8 && i < place) {
			t[i].r_action = IPF_ACT_IF;
			haselse[++depth] = 0;
			rnd_sel(r, ver, &t[i]);
			t[i].r_expire = rnd(r, 4) == 0 ? t[i].r_expire : 0;
		} else {
			t[i].r_action = a < 22 ? IPF_ACT_PERMIT :
			    a < 37 ? IPF_ACT_DENY : a < 39 ?
			    IPF_ACT_SHUN_HOST : IPF_ACT_SHUN_PORT;
			rnd_sel(r, ver, &t[i]);
			if (t[i].r_action == IPF_ACT_PERMIT && rnd(r, 10) == 0)
				t[i].r_tunnel = 1 + rnd(r, 2);
			if (t[i].r_action >= IPF_ACT_SHUN_HOST &&
			    t[i].r_dir == IPF_DIR_OUT)
				t[i].r_dir = IPF_DIR_BOTH;
			if (rnd(r, 12) == 0 && t[i].r_dir != IPF_DIR_OUT) {
				t[i].r_pats = &pats[rnd(r, 2)];
				t[i].r_npats = 1;
			}
		}
	}
	while (depth > 0 && i > 0) {	/* tables this small: close up */
		t[i - 1].r_action = IPF_ACT_ENDIF;
		depth--;
		i--;
	}
	if (!dynamic) {
		memset(&t[n - 1], 0, sizeof(t[n - 1]));
		t[n - 1].r_ver = (uint8_t)ver;
		t[n - 1].r_action = (uint8_t)(rnd(r, 2) ? IPF_ACT_PERMIT :
		    IPF_ACT_DENY);
		t[n - 1].r_scope = IPF_SCOPE_BOTH;
		t[n - 1].r_dir = IPF_DIR_BOTH;
		t[n - 1].r_srcroute = 1;
	}
	return (n);
}

static void
rnd_pkt(struct rng *r, int ver, struct pkt_info *p, uint8_t *buf,
    struct ipf_meta *m, uint8_t *dir)
{
	static const uint8_t	protos[] = { 6, 6, 6, 17, 17, 1, 58, 50, 89,
	    47 };
	uint32_t		f;

	memset(p, 0, sizeof(*p));
	memset(m, 0, sizeof(*m));
	p->p_ver = (uint8_t)ver;
	rnd_addr(r, ver, &p->p_src);
	rnd_addr(r, ver, &p->p_dst);
	p->p_proto = protos[rnd(r, 10)];
	if (ver == 4 && p->p_proto == 58)
		p->p_proto = 1;
	if (ver == 6 && p->p_proto == 1)
		p->p_proto = 58;
	f = rnd(r, 8);
	if (f == 0)
		p->p_flags |= PKT_F_FRAG;
	else if (f == 1)
		p->p_flags |= PKT_F_FRAG | PKT_F_LATER;
	if (!(p->p_flags & PKT_F_LATER)) {
		if (p->p_proto == 6 || p->p_proto == 17) {
			p->p_flags |= PKT_F_PORTS;
			p->p_sport = rnd(r, 2) ? ports[rnd(r, 9)] :
			    (uint16_t)rnd(r, 65536);
			p->p_dport = rnd(r, 2) ? ports[rnd(r, 9)] :
			    (uint16_t)rnd(r, 65536);
			if (p->p_proto == 6 && rnd(r, 2))
				p->p_flags |= PKT_F_TCPACK;
		} else if (p->p_proto == 1 || p->p_proto == 58) {
			p->p_flags |= PKT_F_ICMP;
			p->p_sport = (uint16_t)rnd(r, 14);
			p->p_dport = (uint16_t)rnd(r, 5);
		}
	}
	if (rnd(r, 10) == 0)
		p->p_flags |= PKT_F_SRCRT;
	if (rnd(r, 6) == 0)
		p->p_tunnel = 1 + rnd(r, 2);
	p->p_len = 100;
	memcpy(buf, rnd(r, 3) == 0 ? "xxevilxx" : rnd(r, 3) == 0 ?
	    "GET /xxx" : "harmless", 8);
	p->p_buf = buf;
	p->p_payoff = 0;
	p->p_paylen = 8;
	m->m_ifname = ifnames[1 + rnd(r, 2)];
	m->m_local = (uint8_t)rnd(r, 2);
	m->m_now = LOADTIME + rnd(r, 250);
	*dir = rnd(r, 2) ? IPF_DIR_IN : IPF_DIR_OUT;
}

/*
 * One rule set: the classifier's rule for every packet must be the linear
 * scan's, and (small tables) every rule the predicate accepts must be
 * among the classifier's candidates.
 */
static void
run_set(uint64_t seed, size_t n, int ver, size_t *npkts, size_t *nhits)
{
	struct rng		 r = { seed };
	struct ipf_rule		*rules, *dyn;
	struct filt_table	*st, *dt = NULL;
	struct filt_ent		*a, *b;
	struct filt_cls_cur	 cur;
	struct filt_key		 k;
	struct pkt_info		 p;
	struct ipf_meta		 m;
	enum ipf_cerr		 err;
	uint8_t			 buf[8], dir;
	size_t			 i, j, c, bad, nd;

	ATF_REQUIRE((rules = calloc(n, sizeof(*rules))) != NULL);
	ATF_REQUIRE((dyn = calloc(64, sizeof(*dyn))) != NULL);
	rnd_table(&r, ver, n, 0, rules);
	st = filt_build(rules, n, ver, 0, LOADTIME, &err, &bad);
	ATF_REQUIRE_MSG(st != NULL, "seed %llu: static table: %s at %zu",
	    (unsigned long long)seed, ipf_cerr_names[err], bad);
	nd = rnd(&r, 3) == 0 ? 0 : 1 + rnd(&r, 60);
	if (nd > 0) {
		rnd_table(&r, ver, nd, 1, dyn);
		dt = filt_build(dyn, nd, ver, 1, LOADTIME, &err, &bad);
		ATF_REQUIRE_MSG(dt != NULL, "seed %llu: dynamic table: %s "
		    "at %zu", (unsigned long long)seed, ipf_cerr_names[err],
		    bad);
	}
	k.k_pkt = &p;
	k.k_meta = &m;
	for (i = 0; i < NPKTS; i++) {
		rnd_pkt(&r, ver, &p, buf, &m, &dir);
		k.k_dir = dir;
		a = filt_match_cls(st, dt, &k);
		b = filt_match_linear(st, dt, &k);
		ATF_REQUIRE(b != NULL);
		/* And what the engine uses, whichever way it goes. */
		ATF_REQUIRE(filt_match(st, dt, &k) == b);
		if (a != b)
			atf_tc_fail("seed %llu (%zu rules, v%d) packet %zu: "
			    "classifier rule %ld, linear scan rule %ld",
			    (unsigned long long)seed, n, ver, i,
			    a == NULL ? -1L : (long)a->fe_r.r_id,
			    (long)b->fe_r.r_id);
		if (b->fe_r.r_id != 0)
			(*nhits)++;
		(*npkts)++;
		if (n > 400)
			continue;
		/* Superset: no matching rule may be skipped. */
		filt_cls_begin(&cur, st->ft_cls, &k);
		for (j = 0, c = 0; j < st->ft_n; j++) {
			if (st->ft_ents[j].fe_r.r_action == IPF_ACT_ENDIF ||
			    !filt_ent_match(&st->ft_ents[j], &k))
				continue;
			c = filt_cls_next(&cur, j);
			ATF_REQUIRE_MSG(c == j, "seed %llu packet %zu: rule "
			    "index %zu matches, next candidate %zu",
			    (unsigned long long)seed, i, j, c);
		}
	}
	filt_free(st);
	filt_free(dt);
	free(rules);
	free(dyn);
}

ATF_TC_WITHOUT_HEAD(random_sets);
ATF_TC_BODY(random_sets, tc)
{
	static const size_t	sizes[] = { 2, 3, 5, 8, 13, 30, 60, 120, 250,
	    400, 700, 1200, 2000 };
	size_t			i, npkts = 0, nhits = 0;

	for (i = 0; i < NSETS; i++)
		run_set(0x9e3779b97f4a7c15ULL * (i + 1),
		    sizes[i % (sizeof(sizes) / sizeof(sizes[0]))],
		    i % 3 == 2 ? 6 : 4, &npkts, &nhits);
	ATF_CHECK(npkts >= 100000);
	/* The pools make many packets hit a rule before the default. */
	ATF_CHECK_MSG(nhits > npkts / 3, "%zu of %zu packets hit a rule",
	    nhits, npkts);
	printf("%zu packets, %zu decided before the default rule\n", npkts,
	    nhits);
}

/* A table as large as the engine takes, and as deep as IF blocks go. */
ATF_TC_WITHOUT_HEAD(big_and_deep);
ATF_TC_BODY(big_and_deep, tc)
{
	size_t	npkts = 0, nhits = 0;

	run_set(42, 20000, 4, &npkts, &nhits);
	run_set(43, 5000, 6, &npkts, &nhits);
	ATF_CHECK_EQ(npkts, 2 * NPKTS);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, random_sets);
	ATF_TP_ADD_TC(tp, big_and_deep);
	return (atf_no_error());
}
