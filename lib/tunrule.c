/*
 * tunrule.c: the filter rules generated for a manual tunnel
 * (aix-reference.md 4.3).  Rules 1-2 carry the tunnel's id; rules 3-4
 * (firewall tunnels) permit the carrier between the host and the
 * firewall and carry tunnel 0, so a tunnel's rules are found by content:
 * an auto-generated rule equal to one gentun would make for it.  Any
 * chfilt change makes a rule manual, so an auto-generated rule never
 * drifts from what was generated.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "rule.h"
#include "tunrule.h"

#define NAT_T_PORT	4500		/* RFC 3948 */

static uint16_t	tunrule_outer(int);
static void	tunrule_one(struct frule *, const struct tun *, int, int);
static int	tunrule_same(const struct frule *, const struct frule *);
static size_t	tunrule_find(const struct ftable *, const struct tun *,
		    ssize_t *);
static size_t	tunrule_placement(const struct ftable *);

/* The outermost header of a policy: what the carrier's protocol is. */
static uint16_t
tunrule_outer(int policy)
{
	return (policy == TUN_POL_E || policy == TUN_POL_AE ? IPPROTO_ESP :
	    IPPROTO_AH);
}

/*
 * Rule k (0-3) of aix-reference.md 4.3: 0 tunnel outbound, 1 tunnel
 * inbound, 2 carrier to the firewall, 3 carrier from it.
 */
static void
tunrule_one(struct frule *r, const struct tun *t, int k, int ver)
{
	struct ipf_rule	*ir = &r->fr_rule;
	union ipf_addr	 host, m;

	rule_init(r, ver);
	r->fr_autogen = 1;
	ir->r_srcroute = 0;
	mask_host(ver, &host);
	m = t->t_hasfw ? t->t_mask : host;
	switch (k) {
	case 0:
	case 1:
		ir->r_tunnel = t->t_id;
		ir->r_dir = k == 0 ? IPF_DIR_OUT : IPF_DIR_IN;
		ir->r_src = k == 0 ? t->t_src : t->t_dst;
		ir->r_smask = k == 0 ? host : m;
		ir->r_dst = k == 0 ? t->t_dst : t->t_src;
		ir->r_dmask = k == 0 ? m : host;
		break;
	default:
		ir->r_scope = IPF_SCOPE_LOCAL;
		ir->r_dir = k == 2 ? IPF_DIR_OUT : IPF_DIR_IN;
		ir->r_src = k == 2 ? t->t_src : t->t_fw;
		ir->r_dst = k == 2 ? t->t_fw : t->t_src;
		ir->r_smask = ir->r_dmask = host;
		ir->r_proto = tunrule_outer(t->t_policy[k == 2 ? TUN_SRC :
		    TUN_DST]);
		if (t->t_encap == TUN_ENCAP_UDP) {
			ir->r_proto = IPPROTO_UDP;
			ir->r_sop = ir->r_dop = IPF_OP_EQ;
			ir->r_sport = ir->r_dport = NAT_T_PORT;
		}
		break;
	}
}

/* The rules for t, in order; returns how many (2, or 4 with -f). */
size_t
tunrule_make(const struct tun *t, struct frule *out)
{
	size_t	n = t->t_hasfw ? 4 : 2, k;

	for (k = 0; k < n; k++)
		tunrule_one(&out[k], t, (int)k, t->t_ver);
	return (n);
}

/* Equal but for the id: compared as database records. */
static int
tunrule_same(const struct frule *a, const struct frule *b)
{
	struct frule	x = *a, y = *b;
	char		la[RULE_LINEMAX], lb[RULE_LINEMAX];

	x.fr_rule.r_id = y.fr_rule.r_id = 0;
	rule_fmt_line(&x, 1, la, sizeof(la));
	rule_fmt_line(&y, 1, lb, sizeof(lb));
	return (strcmp(la, lb) == 0);
}

/*
 * Where t's rules are: idx[k] for rule k, -1 if it is gone (removed with
 * rmfilt -f or made manual).  Two firewall tunnels can have identical
 * carrier rules; each claims its own copy, preferring the one right
 * after its rule 2, where gentun put it.  Returns how many t has.
 */
static size_t
tunrule_find(const struct ftable *ft, const struct tun *t, ssize_t *idx)
{
	struct frule	want[TUNRULE_MAX];
	size_t		n, k, i, j, c, start;

	n = tunrule_make(t, want);
	for (k = 0; k < n; k++) {
		idx[k] = -1;
		start = k > 0 && idx[k - 1] >= 0 ? (size_t)idx[k - 1] + 1 : 0;
		for (j = 0; j < ft->ft_n && idx[k] == -1; j++) {
			i = (start + j) % ft->ft_n;
			if (!ft->ft_rules[i].fr_autogen ||
			    !tunrule_same(&ft->ft_rules[i], &want[k]))
				continue;
			idx[k] = (ssize_t)i;
			for (c = 0; c < k; c++)
				if (idx[c] == (ssize_t)i)
					idx[k] = -1;	/* claimed */
		}
	}
	return (n);
}

static size_t
tunrule_placement(const struct ftable *ft)
{
	size_t	i;

	for (i = 0; i < ft->ft_n; i++)
		if (ft->ft_rules[i].fr_rule.r_action == IPF_ACT_PLACEMENT)
			return (i);
	return (ft->ft_n - 1);		/* cannot happen: ftable_read checks */
}

/* Just before the placement rule (aix-reference.md 4.3). */
int
tunrule_add(struct ftable *ft, const struct tun *t, size_t *first,
    size_t *np)
{
	struct frule	r[TUNRULE_MAX];
	size_t		n, k, at;

	n = tunrule_make(t, r);
	at = tunrule_placement(ft);
	if (ftable_nuser(ft) + n > IPF_MAXRULES) {
		errno = ENOSPC;
		return (-1);
	}
	for (k = 0; k < n; k++)
		if (ftable_insert(ft, at + k, &r[k]) == -1)
			return (-1);
	*first = at;
	*np = n;
	return (0);
}

/*
 * chtun: the rules of old become those of t where they stand.  A
 * firewall added brings rules 3-4 right after the others; one removed
 * takes them away.  A tunnel that has none (gentun -g Y) gets none.
 * Returns how many of old's rules were found (0: the table is as it
 * was), or -1.
 */
int
tunrule_rewrite(struct ftable *ft, const struct tun *old,
    const struct tun *t)
{
	struct frule	r[TUNRULE_MAX];
	ssize_t		idx[TUNRULE_MAX];
	size_t		n, m, k, at = 0, found = 0;

	n = tunrule_find(ft, old, idx);
	m = tunrule_make(t, r);
	for (k = 0; k < n; k++) {
		if (idx[k] < 0)
			continue;
		found++;
		if ((size_t)idx[k] + 1 > at)
			at = (size_t)idx[k] + 1;
		if (k < m) {
			r[k].fr_rule.r_id = ft->ft_rules[idx[k]].fr_rule.r_id;
			ft->ft_rules[idx[k]] = r[k];
		}
	}
	if (found == 0)
		return (0);
	/* Removals from the highest index down keep the others valid. */
	for (;;) {
		ssize_t	hi = -1;

		for (k = m; k < n; k++)
			if (idx[k] > hi)
				hi = idx[k];
		if (hi < 0)
			break;
		for (k = m; k < n; k++)
			if (idx[k] == hi)
				idx[k] = -1;
		ftable_remove(ft, (size_t)hi);
		if ((size_t)hi < at)
			at--;
	}
	for (k = n; k < m; k++, at++)
		if (ftable_insert(ft, at, &r[k]) == -1)
			return (-1);
	return ((int)found);
}

/* rmtun -d: returns how many rules went. */
size_t
tunrule_remove(struct ftable *ft, const struct tun *t)
{
	ssize_t	idx[TUNRULE_MAX], hi;
	size_t	n, k, gone = 0;

	n = tunrule_find(ft, t, idx);
	for (;;) {
		hi = -1;
		for (k = 0; k < n; k++)
			if (idx[k] > hi)
				hi = idx[k];
		if (hi < 0)
			break;
		for (k = 0; k < n; k++)
			if (idx[k] == hi)
				idx[k] = -1;
		ftable_remove(ft, (size_t)hi);
		gone++;
	}
	return (gone);
}
