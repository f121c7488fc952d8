/*
 * lsfilt: list the filter rules (aix-reference.md 2.5, 2.6, 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"

#define SYNOPSIS "lsfilt [-v 4|6] [-n fid_list] [-a | -d] [-O]"

static void	lsfilt_rule(const struct frule *, int);
static void
lsfilt_rule(const struct frule *r, int oflag)
{
	char	buf[RULE_BLOCKMAX];

	if (oflag) {
		rule_fmt_line(r, 0, buf, sizeof(buf));
		printf("%s\n", buf);
	} else {
		rule_fmt_block(r, buf, sizeof(buf));
		fputs(buf, stdout);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft[2];
	char			 err[1024];
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, j, idx;
	int			 vers[2], nv = 0, v, found, oflag;

	cmd_init("lsfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:n:adO", &cf);
	v = cmd_version(&cf, 0);
	cmd_exclusive(&cf, 'a', 'd');
	cmd_exclusive(&cf, 'n', 'a');
	cmd_exclusive(&cf, 'n', 'd');
	oflag = cf.cf_val['O'] != NULL;
	if (v == 0 || v == 4)
		vers[nv++] = 4;
	if (v == 0 || v == 6)
		vers[nv++] = 6;
	if (cf.cf_val['n'] != NULL && parse_idlist(cf.cf_val['n'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-n %s: %s", cf.cf_val['n'], err);
	/* The active and dynamic tables live in ipsecd only. */
	if (cf.cf_val['a'] != NULL || cf.cf_val['d'] != NULL)
		cmd_fail("IPsec engine is not running");

	/* Read everything first: an error prints nothing else. */
	for (i = 0; i < (size_t)nv; i++)
		if (ftable_read(vers[i], &ft[i], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	for (j = 0; j < nids; j++) {
		for (found = 0, i = 0; i < (size_t)nv; i++)
			if (ftable_index(&ft[i], ids[j], &idx) == 0)
				found = 1;
		if (!found)
			cmd_fail("rule %u does not exist for IPv%s", ids[j],
			    nv == 2 ? "4 or IPv6" : vers[0] == 4 ? "4" : "6");
	}

	for (i = 0; i < (size_t)nv; i++) {
		if (ids == NULL && !oflag)
			printf("Beginning of IPv%d filter rules.\n", vers[i]);
		for (j = 0; j < ft[i].ft_n; j++)
			if (ids == NULL || idlist_has(ids, nids,
			    ft[i].ft_rules[j].fr_rule.r_id))
				lsfilt_rule(&ft[i].ft_rules[j], oflag);
		if (ids == NULL && !oflag)
			printf("End of IPv%d filter rules.\n", vers[i]);
		ftable_free(&ft[i]);
	}
	free(ids);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
