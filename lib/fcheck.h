/*
 * fcheck.h: the load validation that ckfilt runs and mkfilt -u runs
 * before loading (aix-reference.md 3, ckfilt; 2.4 IF/ELSE/ENDIF).
 */
#ifndef FCHECK_H
#define FCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "filtdb.h"

struct fcheck_prob {
	uint32_t	 fp_id;		/* the rule */
	const char	*fp_what;	/* "ELSE without IF" */
};

/*
 * The IF/ELSE/ENDIF structure: each rule's block depth into depth[]
 * (ft_n entries) and every problem found, at most max of them.  Returns
 * the number of problems.
 */
size_t	fcheck_blocks(const struct ftable *, int *, struct fcheck_prob *,
	    size_t);

/*
 * Everything a load checks: patterns read (fload_make) and the engine's
 * own ipf_rules_check().  On error -1 and "rule N: <problem>" in err.
 */
int	fcheck_table(const struct ftable *, char *, size_t);

#endif /* FCHECK_H */
