/*
 * filt.c: filter rule tables (aix-reference.md 2.1, 2.4).
 *
 * A table is checked whole, copied, compiled and only then handed back, so
 * the caller can swap it in with one pointer store (all or nothing).  A
 * lookup walks the static table in order; at the placement rule it walks
 * the dynamic table; the default rule, last, matches everything.  IF rules
 * steer the walk: a matching IF enters its block, a failing one resumes
 * after its ELSE (or ENDIF), and reaching an ELSE from inside the IF part
 * resumes after the ENDIF.  All jumps go forward, so a walk visits each
 * rule at most once.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "filt.h"
#include "filt_cls.h"
#include "pkt.h"

#define FILT_NOPLACE	SIZE_MAX
#define FILT_SCANMAX	16		/* rules a plain scan is quicker for */

enum filt_how {				/* how filt_walk() finds the rule */
	FILT_BEST,			/* by table size */
	FILT_CLS,			/* the classifier */
	FILT_LINEAR			/* a scan */
};

struct filt_blk {			/* an open IF block while checking */
	size_t	b_if;
	size_t	b_else;			/* FILT_NOPLACE until seen */
};

static int	filt_fields_ok(const struct ipf_rule *, int);
static int	filt_mask_ok(const union ipf_addr *, int);
static int	filt_pats_ok(const struct ipf_rule *);
static int	filt_copy(struct filt_table *, const struct ipf_rule *,
		    uint64_t);
static int	filt_jumps(struct filt_table *);
static struct filt_ent *filt_walk(struct filt_table *, struct filt_table *,
		    const struct filt_key *, int);
static int	filt_addr(const union ipf_addr *, const union ipf_addr *,
		    const union ipf_addr *, int);
static int	filt_proto(const struct ipf_rule *, const struct pkt_info *);
static int	filt_ports(const struct ipf_rule *, const struct pkt_info *);
static int	filt_op(uint8_t, uint16_t, uint16_t);
static int	filt_frag(uint8_t, const struct pkt_info *);
static int	filt_ifname(const struct ipf_rule *, const struct ipf_meta *);
static int	filt_pats(const struct ipf_rule *, const struct pkt_info *);

enum ipf_cerr
filt_check(const struct ipf_rule *rules, size_t n, int ver, int dynamic,
    size_t *bad)
{
	const struct ipf_rule	*r;
	struct filt_blk		*stk;
	enum ipf_cerr		 e = IPF_CE_OK;
	size_t			 i, depth = 0, nplace = 0;

	*bad = 0;
	if (n == 0)
		return (dynamic ? IPF_CE_OK : IPF_CE_NO_DEFAULT);
	if (n > (size_t)IPF_MAXRULES + 1) {
		*bad = (size_t)IPF_MAXRULES + 1;
		return (IPF_CE_BAD_FIELD);
	}
	if (ver == 0)
		ver = rules[0].r_ver;
	if ((stk = calloc(n, sizeof(*stk))) == NULL)
		return (IPF_CE_NOMEM);
	for (i = 0; i < n && e == IPF_CE_OK; i++) {
		r = &rules[i];
		*bad = i;
		if (!filt_fields_ok(r, ver)) {
			e = IPF_CE_BAD_FIELD;
			break;
		}
		switch (r->r_action) {
		case IPF_ACT_IF:
			stk[depth].b_if = i;
			stk[depth++].b_else = FILT_NOPLACE;
			break;
		case IPF_ACT_ELSE:
			if (depth == 0 || stk[depth - 1].b_else != FILT_NOPLACE)
				e = IPF_CE_ELSE_NO_IF;
			else
				stk[depth - 1].b_else = i;
			break;
		case IPF_ACT_ENDIF:
			if (depth == 0)
				e = IPF_CE_ENDIF_NO_IF;
			else
				depth--;
			break;
		case IPF_ACT_PLACEMENT:
			if (depth > 0)
				e = IPF_CE_PLACEMENT_IN_IF;
			else if (dynamic || nplace++ > 0)
				e = IPF_CE_BAD_FIELD;
			break;
		}
		if (e == IPF_CE_OK && !dynamic && i == n - 1 &&
		    (r->r_id != 0 || (r->r_action != IPF_ACT_PERMIT &&
		    r->r_action != IPF_ACT_DENY)))
			e = IPF_CE_NO_DEFAULT;
	}
	if (e == IPF_CE_OK && depth > 0) {
		*bad = stk[0].b_if;
		e = IPF_CE_IF_NO_ENDIF;
	}
	free(stk);
	return (e);
}

/* aix-reference.md 2.3, 2.4: what a rule may hold. */
static int
filt_fields_ok(const struct ipf_rule *r, int ver)
{
	int	icmp, ports;

	if (r->r_ver != ver || (ver != 4 && ver != 6) ||
	    r->r_action >= IPF_ACT_MAX)
		return (0);
	/* ELSE, ENDIF and the placement rule select nothing. */
	if (r->r_action == IPF_ACT_ELSE || r->r_action == IPF_ACT_ENDIF ||
	    r->r_action == IPF_ACT_PLACEMENT)
		return (1);
	if (r->r_proto > IPF_PROTO_TCPACK || r->r_sop >= IPF_OP_MAX ||
	    r->r_dop >= IPF_OP_MAX || r->r_frag >= IPF_FRAG_MAX)
		return (0);
	if (r->r_scope == 0 || (r->r_scope & ~IPF_SCOPE_BOTH) ||
	    r->r_dir == 0 || (r->r_dir & ~IPF_DIR_BOTH))
		return (0);
	if (memchr(r->r_ifname, '\0', sizeof(r->r_ifname)) == NULL)
		return (0);
	if (r->r_expire > INT32_MAX)
		return (0);
	if (r->r_tunnel != 0 && r->r_action != IPF_ACT_PERMIT)
		return (0);
	/* Shunning and payload patterns act on inbound packets only. */
	if ((r->r_action == IPF_ACT_SHUN_HOST ||
	    r->r_action == IPF_ACT_SHUN_PORT || r->r_npats > 0) &&
	    r->r_dir == IPF_DIR_OUT)
		return (0);
	if (!filt_pats_ok(r))
		return (0);
	/* The classifier's address intervals need prefix masks. */
	if (!filt_mask_ok(&r->r_smask, ver) || !filt_mask_ok(&r->r_dmask, ver))
		return (0);
	/* Ports for TCP and UDP (and all), type/code for ICMP: 2.4. */
	if (r->r_sop == IPF_OP_ANY && r->r_dop == IPF_OP_ANY)
		return (1);
	icmp = (ver == 4 && r->r_proto == IPPROTO_ICMP) ||
	    (ver == 6 && r->r_proto == IPPROTO_ICMPV6);
	ports = r->r_proto == IPF_PROTO_ALL || r->r_proto == IPPROTO_TCP ||
	    r->r_proto == IPPROTO_UDP || r->r_proto == IPF_PROTO_TCPACK;
	if (!icmp && !ports)
		return (0);
	if (icmp && ((r->r_sop != IPF_OP_ANY && r->r_sport > 255) ||
	    (r->r_dop != IPF_OP_ANY && r->r_dport > 255)))
		return (0);
	return (1);
}

static int
filt_mask_ok(const union ipf_addr *m, int ver)
{
	size_t	i, nb = ver == 4 ? 4 : 16;
	uint8_t	b, tail = 0;

	for (i = 0; i < nb; i++) {
		b = m->b[i];
		if (tail && b != 0)
			return (0);
		if (b != 0xff) {
			/* 1..10..0: complement + 1 is a power of 2. */
			if ((uint8_t)(~b & (uint8_t)(~b + 1)) != 0)
				return (0);
			tail = 1;
		}
	}
	return (1);
}

static int
filt_pats_ok(const struct ipf_rule *r)
{
	size_t	i;

	if (r->r_npats == 0)
		return (1);
	if (r->r_pats == NULL)
		return (0);
	for (i = 0; i < r->r_npats; i++)
		if (r->r_pats[i].pat_data == NULL ||
		    r->r_pats[i].pat_len == 0)
			return (0);
	return (1);
}

struct filt_table *
filt_build(const struct ipf_rule *rules, size_t n, int ver, int dynamic,
    uint64_t now, enum ipf_cerr *err, size_t *bad)
{
	struct filt_table	*t;

	if ((*err = filt_check(rules, n, ver, dynamic, bad)) != IPF_CE_OK)
		return (NULL);
	*err = IPF_CE_NOMEM;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	t->ft_ver = ver != 0 ? ver : (n > 0 ? rules[0].r_ver : 4);
	t->ft_dynamic = dynamic;
	t->ft_n = n;
	if (filt_copy(t, rules, now) == -1 || filt_jumps(t) == -1 ||
	    (t->ft_cls = filt_cls_build(t)) == NULL) {
		filt_free(t);
		return (NULL);
	}
	*err = IPF_CE_OK;
	return (t);
}

/* Copy the rules and their patterns; mask the addresses once. */
static int
filt_copy(struct filt_table *t, const struct ipf_rule *rules, uint64_t now)
{
	struct filt_ent		*e;
	struct ipf_rule		*r;
	size_t			 i, j, k, np = 0, nb = 0, pi = 0, bi = 0;

	t->ft_place = FILT_NOPLACE;
	for (i = 0; i < t->ft_n; i++)
		for (j = 0, np += rules[i].r_npats; j < rules[i].r_npats; j++)
			nb += rules[i].r_pats[j].pat_len;
	if ((t->ft_ents = calloc(t->ft_n + 1, sizeof(*t->ft_ents))) == NULL ||
	    (t->ft_pats = calloc(np + 1, sizeof(*t->ft_pats))) == NULL ||
	    (t->ft_bytes = malloc(nb + 1)) == NULL)
		return (-1);
	for (i = 0; i < t->ft_n; i++) {
		e = &t->ft_ents[i];
		r = &e->fe_r;
		*r = rules[i];
		for (k = 0; k < 4; k++) {
			if (t->ft_ver == 4 && k > 0) {
				r->r_smask.w[k] = r->r_dmask.w[k] = 0;
			}
			r->r_src.w[k] &= r->r_smask.w[k];
			r->r_dst.w[k] &= r->r_dmask.w[k];
		}
		r->r_pats = r->r_npats > 0 ? &t->ft_pats[pi] : NULL;
		for (j = 0; j < r->r_npats; j++, pi++) {
			memcpy(t->ft_bytes + bi, rules[i].r_pats[j].pat_data,
			    rules[i].r_pats[j].pat_len);
			t->ft_pats[pi].pat_data = t->ft_bytes + bi;
			t->ft_pats[pi].pat_len = rules[i].r_pats[j].pat_len;
			bi += rules[i].r_pats[j].pat_len;
		}
		/* 2.4: permit, deny, IF rules expire; shuns time shuns. */
		if (r->r_expire != 0 && (r->r_action == IPF_ACT_PERMIT ||
		    r->r_action == IPF_ACT_DENY || r->r_action == IPF_ACT_IF))
			e->fe_expire = now + r->r_expire;
		e->fe_always = !t->ft_dynamic && i == t->ft_n - 1;
		if (r->r_action == IPF_ACT_PLACEMENT)
			t->ft_place = i;
		e->fe_dynamic = (uint8_t)t->ft_dynamic;
	}
	return (0);
}

/* Resolve each IF's and ELSE's forward jump (the table is checked). */
static int
filt_jumps(struct filt_table *t)
{
	struct filt_blk	*stk;
	struct filt_blk	*b;
	size_t		 i, depth = 0;

	if ((stk = calloc(t->ft_n + 1, sizeof(*stk))) == NULL)
		return (-1);
	for (i = 0; i < t->ft_n; i++) {
		switch (t->ft_ents[i].fe_r.r_action) {
		case IPF_ACT_IF:
			stk[depth].b_if = i;
			stk[depth++].b_else = FILT_NOPLACE;
			break;
		case IPF_ACT_ELSE:
			stk[depth - 1].b_else = i;
			break;
		case IPF_ACT_ENDIF:
			b = &stk[--depth];
			t->ft_ents[b->b_if].fe_jump = (uint32_t)(i + 1);
			if (b->b_else != FILT_NOPLACE) {
				t->ft_ents[b->b_if].fe_jump =
				    (uint32_t)(b->b_else + 1);
				t->ft_ents[b->b_else].fe_jump =
				    (uint32_t)(i + 1);
			}
			break;
		}
	}
	free(stk);
	return (0);
}

void
filt_free(struct filt_table *t)
{
	if (t == NULL)
		return;
	filt_cls_free(t->ft_cls);
	free(t->ft_ents);
	free(t->ft_pats);
	free(t->ft_bytes);
	free(t);
}

struct filt_ent *
filt_match(struct filt_table *st, struct filt_table *dt,
    const struct filt_key *k)
{
	return (filt_walk(st, dt, k, FILT_BEST));
}

struct filt_ent *
filt_match_cls(struct filt_table *st, struct filt_table *dt,
    const struct filt_key *k)
{
	return (filt_walk(st, dt, k, FILT_CLS));
}

struct filt_ent *
filt_match_linear(struct filt_table *st, struct filt_table *dt,
    const struct filt_key *k)
{
	return (filt_walk(st, dt, k, FILT_LINEAR));
}

/*
 * The first-match walk.  With the classifier, rules it rules out are
 * skipped; it always yields IF, ELSE and the placement rule, which steer
 * the walk, so both walks take the same path through the table.  FILT_BEST
 * scans a table of up to FILT_SCANMAX rules, where a scan costs less than
 * the classifier's first look at its six dimensions (BENCHMARKS.md: 31-37
 * ns against 58-73 at 10 rules, 228 against 72 at 100).
 */
static struct filt_ent *
filt_walk(struct filt_table *t, struct filt_table *dyn,
    const struct filt_key *k, int how)
{
	struct filt_cls_cur	 cur;
	struct filt_ent		*e, *d;
	size_t			 i = 0;
	int			 linear;

	linear = how == FILT_LINEAR || (how == FILT_BEST &&
	    t->ft_n <= FILT_SCANMAX);
	if (!linear)
		filt_cls_begin(&cur, t->ft_cls, k);
	while ((i = linear ? i : filt_cls_next(&cur, i)) < t->ft_n) {
		e = &t->ft_ents[i];
		switch (e->fe_r.r_action) {
		case IPF_ACT_IF:
			i = filt_ent_match(e, k) ? i + 1 : e->fe_jump;
			break;
		case IPF_ACT_ELSE:		/* end of the IF part */
			i = e->fe_jump;
			break;
		case IPF_ACT_ENDIF:
			i++;
			break;
		case IPF_ACT_PLACEMENT:
			if (dyn != NULL &&
			    (d = filt_walk(dyn, NULL, k, how)) != NULL)
				return (d);
			i++;
			break;
		default:
			if (filt_ent_match(e, k))
				return (e);
			i++;
			break;
		}
	}
	return (NULL);
}

/* aix-reference.md 2.4: every field of the rule must agree. */
int
filt_ent_match(const struct filt_ent *e, const struct filt_key *k)
{
	const struct ipf_rule	*r = &e->fe_r;
	const struct pkt_info	*p = k->k_pkt;
	const struct ipf_meta	*m = k->k_meta;

	if (e->fe_always)
		return (1);
	if ((r->r_dir & k->k_dir) == 0 ||
	    (r->r_scope & (m->m_local ? IPF_SCOPE_LOCAL : IPF_SCOPE_ROUTE)) ==
	    0)
		return (0);
	if (e->fe_expire != 0 && m->m_now >= e->fe_expire)
		return (0);
	if (!filt_addr(&p->p_src, &r->r_src, &r->r_smask, p->p_ver) ||
	    !filt_addr(&p->p_dst, &r->r_dst, &r->r_dmask, p->p_ver))
		return (0);
	if (!filt_proto(r, p) || !filt_ports(r, p) || !filt_frag(r->r_frag, p))
		return (0);
	/* A source route may not sneak past a permit rule with -g N. */
	if ((p->p_flags & PKT_F_SRCRT) && r->r_action == IPF_ACT_PERMIT &&
	    !r->r_srcroute)
		return (0);
	/* Cleartext rules never admit what came out of a tunnel. */
	if (r->r_tunnel == 0 && p->p_tunnel != 0)
		return (0);
	if ((r->r_action == IPF_ACT_SHUN_HOST ||
	    r->r_action == IPF_ACT_SHUN_PORT) && k->k_dir != IPF_DIR_IN)
		return (0);
	if (!filt_ifname(r, m))
		return (0);
	if (r->r_npats > 0 && (k->k_dir != IPF_DIR_IN || !filt_pats(r, p)))
		return (0);
	return (1);
}

static int
filt_addr(const union ipf_addr *a, const union ipf_addr *net,
    const union ipf_addr *mask, int ver)
{
	size_t	i;

	if ((a->w[0] & mask->w[0]) != net->w[0])
		return (0);
	if (ver == 4)
		return (1);
	for (i = 1; i < 4; i++)
		if ((a->w[i] & mask->w[i]) != net->w[i])
			return (0);
	return (1);
}

static int
filt_proto(const struct ipf_rule *r, const struct pkt_info *p)
{
	if (r->r_proto == IPF_PROTO_ALL)
		return (1);
	if (r->r_proto == IPF_PROTO_TCPACK)
		return (p->p_proto == IPPROTO_TCP &&
		    (p->p_flags & PKT_F_TCPACK));
	return (p->p_proto == r->r_proto);
}

/*
 * Ports test TCP and UDP, and ICMP type/code for ICMP rules.  A packet
 * without them (another protocol, a later fragment) fails any test.
 */
static int
filt_ports(const struct ipf_rule *r, const struct pkt_info *p)
{
	int	icmp;

	if (r->r_sop == IPF_OP_ANY && r->r_dop == IPF_OP_ANY)
		return (1);
	icmp = r->r_proto == IPPROTO_ICMP || r->r_proto == IPPROTO_ICMPV6;
	if ((p->p_flags & (icmp ? PKT_F_ICMP : PKT_F_PORTS)) == 0)
		return (0);
	return (filt_op(r->r_sop, p->p_sport, r->r_sport) &&
	    filt_op(r->r_dop, p->p_dport, r->r_dport));
}

static int
filt_op(uint8_t op, uint16_t v, uint16_t rv)
{
	switch (op) {
	case IPF_OP_EQ:
		return (v == rv);
	case IPF_OP_NEQ:
		return (v != rv);
	case IPF_OP_LT:
		return (v < rv);
	case IPF_OP_LE:
		return (v <= rv);
	case IPF_OP_GT:
		return (v > rv);
	case IPF_OP_GE:
		return (v >= rv);
	default:
		return (1);
	}
}

static int
filt_frag(uint8_t fc, const struct pkt_info *p)
{
	switch (fc) {
	case IPF_FRAG_NONE:
		return ((p->p_flags & PKT_F_FRAG) == 0);
	case IPF_FRAG_ONLY:
		return ((p->p_flags & PKT_F_FRAG) != 0);
	case IPF_FRAG_HDR:
		return ((p->p_flags & PKT_F_LATER) == 0);
	default:
		return (1);
	}
}

static int
filt_ifname(const struct ipf_rule *r, const struct ipf_meta *m)
{
	if (r->r_ifname[0] == '\0')
		return (1);
	return (m->m_ifname != NULL && strcmp(r->r_ifname, m->m_ifname) == 0);
}

static int
filt_pats(const struct ipf_rule *r, const struct pkt_info *p)
{
	size_t	i;

	for (i = 0; i < r->r_npats; i++)
		if (memmem(p->p_buf + p->p_payoff, p->p_paylen,
		    r->r_pats[i].pat_data, r->r_pats[i].pat_len) != NULL)
			return (1);
	return (0);
}

/* aix-reference.md 8.1: the placement rule's flag covers the dynamic table. */
int
filt_logs(const struct filt_table *st, const struct filt_ent *e)
{
	if (e->fe_r.r_log)
		return (1);
	if (!e->fe_dynamic || st == NULL || st->ft_place == FILT_NOPLACE)
		return (0);
	return (st->ft_ents[st->ft_place].fe_r.r_log);
}

size_t
filt_rulestats(const struct filt_table *t, struct ipf_rulestat *rs,
    size_t max, uint64_t now)
{
	const struct filt_ent	*e;
	size_t			 i, n = 0;

	for (i = 0; t != NULL && i < t->ft_n; i++) {
		e = &t->ft_ents[i];
		if (e->fe_expire != 0 && now >= e->fe_expire)
			continue;
		if (n < max) {
			rs[n].rs_id = e->fe_r.r_id;
			rs[n].rs_packets = e->fe_packets;
			rs[n].rs_bytes = e->fe_bytes;
			rs[n].rs_remaining = e->fe_expire != 0 ?
			    (int64_t)(e->fe_expire - now) : -1;
		}
		n++;
	}
	return (n);
}
