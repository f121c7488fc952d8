/*
 * expfilt: export filter rules for a partner host (aix-reference.md 3).
 * Manual rules only (with -p the predefined ones too); auto-generated
 * rules belong to their tunnels, which exptun moves.
 */
#include <sys/stat.h>

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

#define SYNOPSIS "expfilt [-v 4|6] -f directory [-l fid_list] [-p] [-q] [-r]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft[2];
	char			 err[1024], path[PATH_MAX], line[RULE_LINEMAX];
	char			*buf = NULL;
	FILE			*fp;
	uint32_t		*ids = NULL, id;
	size_t			 nids = 0, len = 0, i, j, idx;
	int			 vers[2], nv = 0, v, kind, found;
	int			 pflag, qflag, swap;
	struct {
		int		 ex_ver;
		uint32_t	 ex_id;
	}			*done = NULL;
	size_t			 ndone = 0;

	cmd_init("expfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:f:l:pqr", &cf);
	v = cmd_version(&cf, 0);
	cmd_settle();
	if (cf.cf_val['f'] == NULL)
		cmd_usage("-f is required");
	pflag = cf.cf_val['p'] != NULL;
	qflag = cf.cf_val['q'] != NULL;
	swap = cf.cf_val['r'] == NULL;
	if (cf.cf_val['l'] != NULL && parse_idlist(cf.cf_val['l'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-l %s: %s", cf.cf_val['l'], err);
	if (*cf.cf_val['f'] == '\0')
		cmd_fail("-f: empty directory name");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cf.cf_val['f'],
	    FILTEXP_NAME) >= sizeof(path))
		cmd_fail("-f %s: name too long", cf.cf_val['f']);
	if (v == 0 || v == 4)
		vers[nv++] = 4;
	if (v == 0 || v == 6)
		vers[nv++] = 6;
	for (i = 0; i < (size_t)nv; i++)
		if (ftable_read(vers[i], &ft[i], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	if ((done = calloc(ft[0].ft_n + (nv == 2 ? ft[1].ft_n : 0),
	    sizeof(*done))) == NULL)
		cmd_fail("out of memory");
	for (j = 0; j < nids; j++) {
		for (found = 0, i = 0; i < (size_t)nv; i++)
			if (ftable_index(&ft[i], ids[j], &idx) == 0)
				found = 1;
		if (!found)
			cmd_fail("-l %u: rule %u does not exist for IPv%s",
			    ids[j], ids[j], nv == 2 ? "4 or IPv6" :
			    vers[0] == 4 ? "4" : "6");
	}

	/* The whole file in memory first: a bad request writes nothing. */
	if ((fp = open_memstream(&buf, &len)) == NULL)
		cmd_fail("out of memory");
	fprintf(fp, "%s\n", FILTEXP_HEADER);
	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < ft[i].ft_n; j++) {
			id = ft[i].ft_rules[j].fr_rule.r_id;
			kind = ftable_kind(&ft[i], j);
			if (kind == FR_AUTO || (kind == FR_PREDEF && !pflag))
				continue;
			if (ids != NULL && !idlist_has(ids, nids, id))
				continue;
			filtexp_fmt(&ft[i].ft_rules[j], swap, line,
			    sizeof(line));
			fprintf(fp, "%s\n", line);
			done[ndone].ex_ver = vers[i];
			done[ndone++].ex_id = id;
		}
	}
	if (fclose(fp) == EOF)
		cmd_fail("out of memory");
	if (mkdir(cf.cf_val['f'], 0700) == -1 && errno != EEXIST)
		cmd_fail("-f %s: %s", cf.cf_val['f'], strerror(errno));
	if (db_save(path, buf, len, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	for (i = 0; !qflag && i < ndone; i++)
		printf("Filter rule %u for IPv%d has been exported "
		    "successfully.\n", done[i].ex_id, done[i].ex_ver);
	for (i = 0; i < (size_t)nv; i++)
		ftable_free(&ft[i]);
	free(buf);
	free(done);
	free(ids);
	return (0);
}
