/*
 * rmfilt: remove filter rules (aix-reference.md 3).  The ids are
 * positions before the removal, and all of them go at once, so
 * "rmfilt -n 3,4" removes the rules lsfilt showed as 3 and 4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"

#define SYNOPSIS "rmfilt -v 4|6 -n fid_list|all [-f]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft;
	char			 err[1024];
	uint8_t			*gone;
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, idx, n0;
	int			 ver, lockfd, all, force, kind;

	cmd_init("rmfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:n:f", &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['n'] == NULL)
		cmd_usage("-n is required");
	force = cf.cf_val['f'] != NULL;
	all = strcasecmp(cf.cf_val['n'], "all") == 0;
	if (!all && parse_idlist(cf.cf_val['n'], &ids, &nids, err,
	    sizeof(err)) == -1)
		cmd_fail("-n %s: %s", cf.cf_val['n'], err);

	if (ftable_lock_read(ver, &ft, &lockfd, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	n0 = ft.ft_n;
	if ((gone = calloc(n0, 1)) == NULL)
		cmd_fail("out of memory");
	if (all) {
		for (i = 0; i < ft.ft_n; i++) {
			kind = ftable_kind(&ft, i);
			gone[i] = kind == FR_MANUAL ||
			    (kind == FR_AUTO && force);
		}
	}
	/* Check every id before removing any: all or nothing. */
	for (i = 0; i < nids; i++) {
		if (ftable_index(&ft, ids[i], &idx) == -1)
			cmd_fail("rule %u does not exist for IPv%d", ids[i],
			    ver);
		kind = ftable_kind(&ft, idx);
		if (kind == FR_PREDEF)
			cmd_fail("rule %u for IPv%d is predefined and cannot "
			    "be removed", ids[i], ver);
		if (kind == FR_AUTO && !force)
			cmd_fail("rule %u for IPv%d was generated for tunnel "
			    "%u; use -f or rmtun -d", ids[i], ver,
			    ft.ft_rules[idx].fr_rule.r_tunnel);
		gone[idx] = 1;
	}
	for (i = ft.ft_n; i-- > 0;)
		if (gone[i])
			ftable_remove(&ft, i);
	if (ftable_write(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);

	if (all)
		printf("All user-defined%s filter rules for IPv%d have been "
		    "removed successfully.\n", force ? " and auto-generated" :
		    "", ver);
	else {
		/* Ascending, each once, by its id before the removal. */
		for (idx = 0; idx < n0; idx++)
			if (gone[idx])
				printf("Filter rule %zu for IPv%d has been "
				    "removed successfully.\n", idx + 1, ver);
	}
	free(gone);
	free(ids);
	ftable_free(&ft);
	return (0);
}
