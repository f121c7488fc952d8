/*
 * impfilt: import filter rules exported by expfilt on a partner host
 * (aix-reference.md 3).  Every rule is checked as genfilt would check it
 * before any is added; one bad line fails them all.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "filtexp.h"
#include "parse.h"
#include "rule.h"
#include "tunids.h"

#define SYNOPSIS "impfilt [-v 4|6] -f directory [-l fid_list]"

struct imp {
	struct frule	im_rule;
	size_t		im_line;
};

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct ftable		 ft[2];
	struct imp		*imps = NULL, *nimps;
	struct frule		 r;
	FILE			*fp;
	char			 err[1024], path[PATH_MAX], *line = NULL;
	uint32_t		*ids = NULL;
	uint8_t			*seen;
	size_t			 nids = 0, cap = 0, nimp = 0, lineno = 0, i, j;
	size_t			 added[2] = { 0, 0 };
	ssize_t			 n;
	int			 v, lockfd, rv, vi;

	cmd_init("impfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:f:l:", &cf);
	v = cmd_version(&cf, 0);
	if (cf.cf_val['f'] == NULL)
		cmd_usage("-f is required");
	if (cf.cf_val['l'] != NULL && parse_idlist(cf.cf_val['l'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-l %s: %s", cf.cf_val['l'], err);
	if ((seen = calloc(nids + 1, 1)) == NULL)
		cmd_fail("out of memory");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cf.cf_val['f'],
	    FILTEXP_NAME) >= sizeof(path))
		cmd_fail("-f %s: name too long", cf.cf_val['f']);
	if ((fp = fopen(path, "re")) == NULL)
		cmd_fail("%s: %s", path, strerror(errno));

	/* Parse and check the whole file before touching a database. */
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			if (strcmp(line, FILTEXP_HEADER) != 0)
				cmd_fail("%s:1: expected \"%s\"", path,
				    FILTEXP_HEADER);
			continue;
		}
		if (strlen(line) != (size_t)n)
			cmd_fail("%s:%zu: NUL byte", path, lineno);
		if (filtexp_scan(line, &r, err, sizeof(err)) == -1)
			cmd_fail("%s:%zu: %s", path, lineno, err);
		for (j = 0; j < nids; j++)
			if (ids[j] == r.fr_rule.r_id)
				seen[j] = 1;
		/* Predefined rules are the partner's own; skip them. */
		if (r.fr_rule.r_action == IPF_ACT_PLACEMENT ||
		    r.fr_rule.r_id == 0 ||
		    (r.fr_rule.r_ver == 4 && r.fr_rule.r_id == 1))
			continue;
		if (v != 0 && r.fr_rule.r_ver != v)
			continue;
		if (ids != NULL && !idlist_has(ids, nids, r.fr_rule.r_id))
			continue;
		/* As genfilt -t: the tunnel must exist here. */
		if (r.fr_rule.r_tunnel != 0) {
			rv = tunids_exists(r.fr_rule.r_ver, r.fr_rule.r_tunnel,
			    err, sizeof(err));
			if (rv == -1)
				cmd_fail("%s", err);
			if (rv == 0)
				cmd_fail("%s:%zu: -t %u: tunnel %u does not "
				    "exist for IPv%d", path, lineno,
				    r.fr_rule.r_tunnel, r.fr_rule.r_tunnel,
				    r.fr_rule.r_ver);
		}
		if ((nimps = reallocarray(imps, nimp + 1, sizeof(*imps))) ==
		    NULL)
			cmd_fail("out of memory");
		imps = nimps;
		imps[nimp].im_rule = r;
		imps[nimp].im_rule.fr_autogen = 0;
		imps[nimp++].im_line = lineno;
	}
	if (ferror(fp))
		cmd_fail("%s: %s", path, strerror(errno));
	if (lineno == 0)
		cmd_fail("%s:1: expected \"%s\"", path, FILTEXP_HEADER);
	fclose(fp);
	free(line);
	for (j = 0; j < nids; j++)
		if (!seen[j])
			cmd_fail("-l %u: rule %u is not in %s", ids[j], ids[j],
			    path);

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	for (vi = 0; vi < 2; vi++)
		if (ftable_read(vi == 0 ? 4 : 6, &ft[vi], err,
		    sizeof(err)) == -1)
			cmd_fail("%s", err);
	for (i = 0; i < nimp; i++) {
		vi = imps[i].im_rule.fr_rule.r_ver == 4 ? 0 : 1;
		if (ftable_nuser(&ft[vi]) >= IPF_MAXRULES ||
		    ftable_insert(&ft[vi], ft[vi].ft_n - 1,
		    &imps[i].im_rule) == -1)
			cmd_fail("%s:%zu: the IPv%d filter table is full", path,
			    imps[i].im_line, vi == 0 ? 4 : 6);
		imps[i].im_rule.fr_rule.r_id =
		    (uint32_t)ftable_nuser(&ft[vi]);
		added[vi]++;
	}
	db_begin(&txn);
	for (vi = 0; vi < 2; vi++)
		if (added[vi] > 0 && ftable_stage(&ft[vi], &txn, err,
		    sizeof(err)) == -1)
			cmd_fail("%s", err);
	if (db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);
	for (i = 0; i < nimp; i++)
		printf("Filter rule %u for IPv%d has been added "
		    "successfully.\n", imps[i].im_rule.fr_rule.r_id,
		    imps[i].im_rule.fr_rule.r_ver);
	for (vi = 0; vi < 2; vi++)
		ftable_free(&ft[vi]);
	free(imps);
	free(ids);
	free(seen);
	return (0);
}
