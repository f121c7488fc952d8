/*
 * ckfilt: check the filter rules as a load would, without loading, and
 * show the IF/ELSE/ENDIF structure (aix-reference.md 3).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "fcheck.h"
#include "filtdb.h"
#include "rule.h"

#define SYNOPSIS	"ckfilt [-v 4|6] [-O]"
#define CKFILT_MAXPROB	64

static int	ckfilt_version(int, int);

/* Returns the number of problems reported. */
static int
ckfilt_version(int ver, int oflag)
{
	struct ftable		 ft;
	struct fcheck_prob	 prob[CKFILT_MAXPROB];
	const struct frule	*r;
	const char		*kind;
	char			 err[1024], line[RULE_LINEMAX];
	int			*depth;
	size_t			 nprob, i;

	if (ftable_read(ver, &ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if ((depth = calloc(ft.ft_n, sizeof(*depth))) == NULL)
		cmd_fail("out of memory");
	nprob = fcheck_blocks(&ft, depth, prob, CKFILT_MAXPROB);

	printf("Beginning of IPv%d filter rules.\n", ver);
	for (i = 0; i < ft.ft_n; i++) {
		r = &ft.ft_rules[i];
		if (oflag) {
			rule_fmt_line(r, 0, line, sizeof(line));
			printf("%*s%s\n", 3 * depth[i], "", line);
			continue;
		}
		switch (r->fr_rule.r_action) {
		case IPF_ACT_IF:
			kind = "IF ";
			break;
		case IPF_ACT_ELSE:
			kind = "ELSE ";
			break;
		case IPF_ACT_ENDIF:
			kind = "ENDIF ";
			break;
		default:
			kind = "";
			break;
		}
		printf("%*s%sRule %u\n", 3 * depth[i], "", kind,
		    r->fr_rule.r_id);
	}
	printf("End of IPv%d filter rules.\n", ver);
	fflush(stdout);

	for (i = 0; i < nprob && i < CKFILT_MAXPROB; i++)
		fprintf(stderr, "%s: rule %u: %s\n", cmd_name(),
		    prob[i].fp_id, prob[i].fp_what);
	/* What the walk does not see: patterns, fields the engine refuses. */
	if (nprob == 0 && fcheck_table(&ft, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", cmd_name(), err);
		nprob = 1;
	}
	free(depth);
	ftable_free(&ft);
	return (nprob > 0);
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	cf;
	int			v, bad = 0;

	cmd_init("ckfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:O", &cf);
	v = cmd_version(&cf, 0);
	cmd_settle();
	if (v == 0 || v == 4)
		bad |= ckfilt_version(4, cf.cf_val['O'] != NULL);
	if (v == 0 || v == 6)
		bad |= ckfilt_version(6, cf.cf_val['O'] != NULL);
	return (bad ? 1 : 0);
}
