/*
 * cls_bench.c: filter lookup cost of the compiled classifier and of a plain
 * linear scan at 10, 100, 1,000 and 10,000 rules, measured in one run and
 * printed as ratios to the 10-rule classifier (architecture.md 5: 10,000
 * rules should cost at most 2x what 10 rules cost).
 *
 * The tables look like firewall tables: host and /24 addresses spread over
 * the IPv4 space (the source may be any, the destination never is), mostly
 * TCP/UDP with a destination port, a placement rule halfway, a default
 * deny.  Half of the packets are aimed at a random rule
 * (they match it or an earlier one), half are random (most fall through
 * to the default rule, the linear scan's worst case).  A second set of
 * tables puts every address in one /16, so the address lookup cannot lean
 * on the top-16-bit index.
 *
 * "cls_bench -g rules [-c]" builds one spread (-c: clustered) table and
 * runs the classifier over the mix GPASSES times and nothing else, for a
 * cache simulator's counts per lookup (BENCHMARKS.md gives the command).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filt.h"
#include "filt_cls.h"
#include "pkt.h"

#define NPKT	4096
#define NSIZES	4
#define ROUNDS	7
#define BUDGET	20e6			/* ns of CPU per figure and round */
#define GPASSES	16			/* passes over the mix under -g */

struct rng {
	uint64_t	s;
};

static uint32_t	rnd(struct rng *, uint32_t);
static uint32_t	rnd_addr(struct rng *, int);
static void	mk_rules(struct rng *, struct ipf_rule *, size_t, int);
static void	mk_pkts(struct rng *, const struct ipf_rule *, size_t, int,
		    struct pkt_info *);
static double	now_ns(void);
static double	measure(struct filt_table *, const struct filt_key *, int,
		    double);
static struct filt_table *setup(struct rng *, size_t, int,
		    struct pkt_info **, struct filt_key **, double *);
static void	run(const char *, int);
static void	run_fixed(size_t, int);
static void	usage(void);

static uint32_t
rnd(struct rng *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (n == 0 ? 0 : (uint32_t)(r->s % n));
}

/* Host order; clustered: all in 10.20.0.0/16. */
static uint32_t
rnd_addr(struct rng *r, int clustered)
{
	if (clustered)
		return (0x0a140000u | rnd(r, 65536));
	return ((1 + rnd(r, 223)) << 24 | rnd(r, 1u << 24));
}

static void
mk_rules(struct rng *r, struct ipf_rule *t, size_t n, int clustered)
{
	static const uint16_t	protos[] = { 6, 6, 6, 6, 6, 17, 17, 17, 1,
	    IPF_PROTO_ALL };
	uint32_t		a, m, x;
	size_t			i;

	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].r_ver = 4;
		t[i].r_id = i + 1 == n ? 0 : (uint32_t)i + 1;
		t[i].r_scope = IPF_SCOPE_BOTH;
		t[i].r_dir = IPF_DIR_BOTH;
		t[i].r_srcroute = 1;
		if (i + 1 == n) {
			t[i].r_action = IPF_ACT_DENY;
			continue;
		}
		if (i == n / 2) {
			t[i].r_action = IPF_ACT_PLACEMENT;
			continue;
		}
		t[i].r_action = rnd(r, 10) < 6 ? IPF_ACT_PERMIT : IPF_ACT_DENY;
		x = rnd(r, 10);
		m = x < 3 ? 0 : x < 7 ? 0xffffff00u : 0xffffffffu;
		a = rnd_addr(r, clustered) & m;
		t[i].r_src.w[0] = htonl(a);
		t[i].r_smask.w[0] = htonl(m);
		/* No catch-alls: a destination is always named. */
		m = rnd(r, 10) < 3 ? 0xffffff00u : 0xffffffffu;
		a = rnd_addr(r, clustered) & m;
		t[i].r_dst.w[0] = htonl(a);
		t[i].r_dmask.w[0] = htonl(m);
		t[i].r_proto = protos[rnd(r, 10)];
		if (t[i].r_proto == IPF_PROTO_ALL) {	/* host to host only */
			t[i].r_smask.w[0] = t[i].r_dmask.w[0] = 0xffffffffu;
			t[i].r_src.w[0] = htonl(rnd_addr(r, clustered));
			t[i].r_dst.w[0] = htonl(rnd_addr(r, clustered));
		}
		if (t[i].r_proto == 6 || t[i].r_proto == 17) {
			x = rnd(r, 10);
			t[i].r_dop = x < 7 ? IPF_OP_EQ : x < 8 ? IPF_OP_GE :
			    IPF_OP_ANY;
			t[i].r_dport = x < 7 ? (uint16_t)(1 + rnd(r, 65535)) :
			    1024;
		}
	}
}

/* Half aimed at a rule's selectors, half random. */
static void
mk_pkts(struct rng *r, const struct ipf_rule *t, size_t n, int clustered,
    struct pkt_info *p)
{
	const struct ipf_rule	*ru;
	size_t			 i;

	for (i = 0; i < NPKT; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].p_ver = 4;
		p[i].p_len = 60;
		p[i].p_src.w[0] = htonl(rnd_addr(r, clustered));
		p[i].p_dst.w[0] = htonl(rnd_addr(r, clustered));
		p[i].p_proto = rnd(r, 4) ? 6 : 17;
		p[i].p_flags = PKT_F_PORTS;
		p[i].p_sport = (uint16_t)(1024 + rnd(r, 60000));
		p[i].p_dport = (uint16_t)rnd(r, 65536);
		if (i % 2 == 0 || n < 3)
			continue;
		ru = &t[rnd(r, (uint32_t)(n - 1))];
		if (ru->r_action == IPF_ACT_PLACEMENT)
			continue;
		p[i].p_src.w[0] = ru->r_src.w[0] |
		    (p[i].p_src.w[0] & ~ru->r_smask.w[0]);
		p[i].p_dst.w[0] = ru->r_dst.w[0] |
		    (p[i].p_dst.w[0] & ~ru->r_dmask.w[0]);
		if (ru->r_proto == 1) {
			p[i].p_proto = 1;
			p[i].p_flags = PKT_F_ICMP;
			p[i].p_sport = 8;
			p[i].p_dport = 0;
		} else if (ru->r_proto != IPF_PROTO_ALL)
			p[i].p_proto = (uint8_t)ru->r_proto;
		if (ru->r_dop == IPF_OP_EQ)
			p[i].p_dport = ru->r_dport;
	}
}

static double
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

/* CPU ns per lookup: whole passes over the packet mix, for >= budget ns. */
static double
measure(struct filt_table *t, const struct filt_key *k, int linear,
    double budget)
{
	volatile uintptr_t	sink = 0;
	double			t0, el;
	size_t			i, reps = 0;

	t0 = now_ns();
	do {
		for (i = 0; i < NPKT; i++)
			sink += (uintptr_t)(linear ?
			    filt_match_linear(t, NULL, &k[i]) :
			    filt_match_cls(t, NULL, &k[i]));
		reps++;
	} while ((el = now_ns() - t0) < budget);
	(void)sink;
	return (el / (double)(reps * NPKT));
}

/*
 * A table of n rules (built in *ms milliseconds) and its packet mix,
 * checked against the linear scan.
 */
static struct filt_table *
setup(struct rng *r, size_t n, int clustered, struct pkt_info **pp,
    struct filt_key **kp, double *ms)
{
	static struct ipf_meta	m = { .m_ifname = "eth0", .m_local = 1 };
	struct ipf_rule		*rules;
	struct filt_table	*t;
	struct pkt_info		*p;
	struct filt_key		*k;
	enum ipf_cerr		 err;
	double			 t0;
	size_t			 i, bad;

	if ((rules = calloc(n, sizeof(*rules))) == NULL ||
	    (p = calloc(NPKT, sizeof(*p))) == NULL ||
	    (k = calloc(NPKT, sizeof(*k))) == NULL)
		abort();
	mk_rules(r, rules, n, clustered);
	t0 = now_ns();
	t = filt_build(rules, n, 4, 0, 0, &err, &bad);
	*ms = (now_ns() - t0) / 1e6;
	if (t == NULL) {
		fprintf(stderr, "cls_bench: %s at %zu\n", ipf_cerr_names[err],
		    bad);
		exit(1);
	}
	mk_pkts(r, rules, n, clustered, p);
	free(rules);
	for (i = 0; i < NPKT; i++) {
		k[i].k_pkt = &p[i];
		k[i].k_meta = &m;
		k[i].k_dir = i % 3 ? IPF_DIR_IN : IPF_DIR_OUT;
		if (filt_match_cls(t, NULL, &k[i]) !=
		    filt_match_linear(t, NULL, &k[i])) {
			fprintf(stderr, "cls_bench: classifier and linear "
			    "scan disagree\n");
			exit(1);
		}
	}
	*pp = p;
	*kp = k;
	return (t);
}

/*
 * Build every size first, then measure them in turn, ROUNDS times, and
 * keep each one's best: on a shared machine the load comes and goes, and
 * round-robin exposes every size to the same load.
 */
static void
run(const char *what, int clustered)
{
	static const size_t	sizes[NSIZES] = { 10, 100, 1000, 10000 };
	struct pkt_info		*p[NSIZES];
	struct filt_key		*k[NSIZES];
	struct filt_table	*t[NSIZES];
	struct rng		 r = { 0x2545f4914f6cdd1dULL };
	double			 cls[NSIZES], lin[NSIZES], build[NSIZES];
	double			 x;
	size_t			 s, round;

	for (s = 0; s < NSIZES; s++) {
		t[s] = setup(&r, sizes[s], clustered, &p[s], &k[s], &build[s]);
		cls[s] = lin[s] = 1e18;
	}
	for (round = 0; round < ROUNDS; round++)
		for (s = 0; s < NSIZES; s++) {
			if ((x = measure(t[s], k[s], 0, BUDGET)) < cls[s])
				cls[s] = x;
			if ((x = measure(t[s], k[s], 1, BUDGET)) < lin[s])
				lin[s] = x;
		}
	printf("%s\n", what);
	printf("%7s %10s %10s %9s %9s %10s %9s\n", "rules", "cls ns",
	    "linear ns", "cls/cls10", "lin/cls10", "cls bytes", "build ms");
	for (s = 0; s < NSIZES; s++) {
		printf("%7zu %10.1f %10.1f %9.2f %9.2f %10zu %9.1f\n",
		    sizes[s], cls[s], lin[s], cls[s] / cls[0], lin[s] / cls[0],
		    filt_cls_memsize(t[s]->ft_cls), build[s]);
		filt_free(t[s]);
		free(p[s]);
		free(k[s]);
	}
	printf("\n");
}

/*
 * Only the classifier, a fixed number of lookups: under callgrind with
 * --toggle-collect=filt_match_cls the counts are the lookups' alone.
 */
static void
run_fixed(size_t n, int clustered)
{
	struct rng		 r = { 0x2545f4914f6cdd1dULL };
	struct pkt_info		*p;
	struct filt_key		*k;
	struct filt_table	*t;
	volatile uintptr_t	 sink = 0;
	double			 ms;
	size_t			 i, pass;

	t = setup(&r, n, clustered, &p, &k, &ms);
	for (pass = 0; pass < GPASSES; pass++)
		for (i = 0; i < NPKT; i++)
			sink += (uintptr_t)filt_match_cls(t, NULL, &k[i]);
	(void)sink;
	printf("%zu rules, %s: %d lookups, %zu classifier bytes\n", n,
	    clustered ? "clustered" : "spread", GPASSES * NPKT,
	    filt_cls_memsize(t->ft_cls));
	filt_free(t);
	free(p);
	free(k);
}

static void
usage(void)
{
	fprintf(stderr, "usage: cls_bench [-g rules [-c]]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char	*end;
	long	 n = 0;
	int	 ch, clustered = 0;

	while ((ch = getopt(argc, argv, "cg:")) != -1) {
		switch (ch) {
		case 'c':
			clustered = 1;
			break;
		case 'g':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 2 || n > IPF_MAXRULES) {
				fprintf(stderr, "cls_bench: -g: bad rule "
				    "count: %s\n", optarg);
				exit(1);
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (clustered && n == 0))
		usage();
	if (n != 0) {
		run_fixed((size_t)n, clustered);
		return (0);
	}
	printf("Filter lookup (filt_match_cls vs filt_match_linear), %d-packet "
	    "mix, IPv4,\nCPU time, best of %d rounds\n\n", NPKT, ROUNDS);
	run("Addresses spread over the IPv4 space:", 0);
	run("Addresses clustered in one /16:", 1);
	return (0);
}
