/*
 * filt.h: rule tables as the engine evaluates them (aix-reference.md 2.1,
 * 2.4): the static table with the placement rule among its rules and the
 * default rule last, and the dynamic table spliced in at the placement
 * rule.  First match wins.
 */
#ifndef FILT_H
#define FILT_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

struct pkt_info;
struct filt_cls;

/* One rule of a loaded table. */
struct filt_ent {
	struct ipf_rule	 fe_r;		/* addresses pre-masked; own patterns */
	uint32_t	 fe_jump;	/* IF: index after its ELSE/ENDIF; ELSE:
					   index after its ENDIF */
	uint64_t	 fe_expire;	/* m_now from which it stops; 0 never */
	uint8_t		 fe_always;	/* the default rule: matches all */
	uint8_t		 fe_dynamic;	/* lives in the dynamic table */
	uint64_t	 fe_packets;	/* decided by this rule */
	uint64_t	 fe_bytes;
};

struct filt_table {
	int			 ft_ver;
	int			 ft_dynamic;
	struct filt_ent		*ft_ents;
	size_t			 ft_n;
	size_t			 ft_place;	/* placement rule or SIZE_MAX */
	struct ipf_pattern	*ft_pats;	/* every rule's patterns */
	uint8_t			*ft_bytes;	/* and their bytes */
	struct filt_cls		*ft_cls;	/* the compiled classifier */
};

/* The packet being filtered, as the predicate sees it. */
struct filt_key {
	const struct pkt_info	*k_pkt;
	const struct ipf_meta	*k_meta;
	uint8_t			 k_dir;		/* IPF_DIR_IN or IPF_DIR_OUT */
};

/*
 * Check rules[0..n) of version ver (0: the first rule's) as a static table
 * (dynamic 0) or a dynamic one; *bad gets the offending index.
 */
enum ipf_cerr	 filt_check(const struct ipf_rule *, size_t, int, int,
		    size_t *);
/* Check, copy and compile; NULL with *err and *bad set on failure. */
struct filt_table *filt_build(const struct ipf_rule *, size_t, int, int,
		    uint64_t, enum ipf_cerr *, size_t *);
void		 filt_free(struct filt_table *);

/*
 * The rule that decides the packet: the static table st with the dynamic
 * table dt (may be NULL) at its placement rule.  filt_match_cls() uses
 * the classifiers, filt_match_linear() scans, filt_match() does for each
 * table what is faster at its size; all three return the same rule.
 */
struct filt_ent	*filt_match(struct filt_table *, struct filt_table *,
		    const struct filt_key *);
struct filt_ent	*filt_match_cls(struct filt_table *, struct filt_table *,
		    const struct filt_key *);
struct filt_ent	*filt_match_linear(struct filt_table *, struct filt_table *,
		    const struct filt_key *);
/* The exact predicate: does this one rule match? */
int		 filt_ent_match(const struct filt_ent *,
		    const struct filt_key *);
/* Would a packet decided by e be logged? */
int		 filt_logs(const struct filt_table *, const struct filt_ent *);
size_t		 filt_rulestats(const struct filt_table *,
		    struct ipf_rulestat *, size_t, uint64_t);

#endif /* FILT_H */
