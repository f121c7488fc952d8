/*
 * fcheck.c: load validation without loading.  The block walk finds every
 * structural problem (ckfilt lists them all, and needs the depths for
 * its indented listing); the engine's ipf_rules_check() stays the
 * authority on what a load accepts, so a table that passes here loads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcheck.h"
#include "ipf.h"

#define FCHECK_NOELSE	((size_t)-1)

static void	fcheck_add(struct fcheck_prob *, size_t, size_t *, uint32_t,
		    const char *);

static void
fcheck_add(struct fcheck_prob *p, size_t max, size_t *n, uint32_t id,
    const char *what)
{
	if (*n < max) {
		p[*n].fp_id = id;
		p[*n].fp_what = what;
	}
	(*n)++;
}

size_t
fcheck_blocks(const struct ftable *ft, int *depth, struct fcheck_prob *p,
    size_t max)
{
	size_t	*ifs, *elses, nopen = 0, nprob = 0, i;
	uint32_t id;

	ifs = calloc(ft->ft_n + 1, sizeof(*ifs));
	elses = calloc(ft->ft_n + 1, sizeof(*elses));
	if (ifs == NULL || elses == NULL) {
		free(ifs);
		free(elses);
		fcheck_add(p, max, &nprob, 0, ipf_cerr_names[IPF_CE_NOMEM]);
		return (nprob);
	}
	for (i = 0; i < ft->ft_n; i++) {
		id = ft->ft_rules[i].fr_rule.r_id;
		depth[i] = (int)nopen;
		switch (ft->ft_rules[i].fr_rule.r_action) {
		case IPF_ACT_IF:
			ifs[nopen] = i;
			elses[nopen++] = FCHECK_NOELSE;
			break;
		case IPF_ACT_ELSE:
			/* A second ELSE has no IF of its own either. */
			if (nopen == 0 || elses[nopen - 1] != FCHECK_NOELSE)
				fcheck_add(p, max, &nprob, id,
				    ipf_cerr_names[IPF_CE_ELSE_NO_IF]);
			else {
				elses[nopen - 1] = i;
				depth[i] = (int)nopen - 1;
			}
			break;
		case IPF_ACT_ENDIF:
			if (nopen == 0)
				fcheck_add(p, max, &nprob, id,
				    ipf_cerr_names[IPF_CE_ENDIF_NO_IF]);
			else
				depth[i] = (int)--nopen;
			break;
		case IPF_ACT_PLACEMENT:
			if (nopen > 0)
				fcheck_add(p, max, &nprob, id,
				    ipf_cerr_names[IPF_CE_PLACEMENT_IN_IF]);
			break;
		}
	}
	for (i = 0; i < nopen; i++)
		fcheck_add(p, max, &nprob, ft->ft_rules[ifs[i]].fr_rule.r_id,
		    ipf_cerr_names[IPF_CE_IF_NO_ENDIF]);
	free(ifs);
	free(elses);
	return (nprob);
}

int
fcheck_table(const struct ftable *ft, char *err, size_t errlen)
{
	struct fload	fl;
	enum ipf_cerr	e;
	size_t		bad;

	if (fload_make(ft, &fl, err, errlen) == -1)
		return (-1);
	e = ipf_rules_check(fl.fl_rules, fl.fl_n, &bad);
	if (e != IPF_CE_OK) {
		snprintf(err, errlen, "rule %u: %s", bad < fl.fl_n ?
		    fl.fl_rules[bad].r_id : 0, e < IPF_CE_MAX ?
		    ipf_cerr_names[e] : "invalid table");
		fload_free(&fl);
		return (-1);
	}
	fload_free(&fl);
	return (0);
}
