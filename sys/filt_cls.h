/*
 * filt_cls.h: the compiled classifier of one rule table (architecture.md
 * 5).  For a packet it yields, in table order, a superset of the rules
 * that can match: every rule it skips provably does not match.  filt.c
 * walks those candidates with the exact predicate, so the result is the
 * linear scan's by construction.
 */
#ifndef FILT_CLS_H
#define FILT_CLS_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

struct filt_table;
struct filt_key;
struct filt_cls;

#define FILT_CLS_NDIM	6		/* src dst proto sport dport misc */
#define FILT_CLS_BLKW	8		/* 64-bit words per block: 512 rules */
#define FILT_CLS_BLKBITS 512
/* Summary words: one bit per block, for IPF_MAXRULES + 1 rules. */
#define FILT_CLS_SUMW	((IPF_MAXRULES + 1 + FILT_CLS_BLKBITS * 64 - 1) / \
			    (FILT_CLS_BLKBITS * 64))

/* One lookup in progress: lives on the caller's stack. */
struct filt_cls_cur {
	const struct filt_cls	*cc_cls;
	const uint32_t		*cc_sets[FILT_CLS_NDIM];
	uint64_t		 cc_sum[FILT_CLS_SUMW];	/* blocks to look at */
	size_t			 cc_blk;		/* block in cc_w */
	uint64_t		 cc_w[FILT_CLS_BLKW];	/* its candidates */
	const uint32_t		*cc_list;	/* or: smallest set's rules */
	size_t			 cc_nlist;
	size_t			 cc_pos;	/* next entry to look at */
	size_t			 cc_ldim;	/* the list's dimension */
	const uint32_t		*cc_list2;	/* the next smallest, or NULL */
	size_t			 cc_nlist2;
	size_t			 cc_pos2;
	size_t			 cc_ldim2;
};

struct filt_cls	*filt_cls_build(const struct filt_table *);
void		 filt_cls_free(struct filt_cls *);
/* Bytes the classifier holds. */
size_t		 filt_cls_memsize(const struct filt_cls *);

void		 filt_cls_begin(struct filt_cls_cur *, const struct filt_cls *,
		    const struct filt_key *);
/* The first candidate at index >= i, or the table size if none. */
size_t		 filt_cls_next(struct filt_cls_cur *, size_t);

#endif /* FILT_CLS_H */
