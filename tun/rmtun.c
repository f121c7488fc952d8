/*
 * rmtun: deactivate manual tunnels and, with -d, delete them and their
 * auto-generated filter rules (aix-reference.md 5).  The filter file is
 * written first (aix-reference.md 1.1): a crash between the two writes
 * leaves a tunnel without rules, never rules naming a missing tunnel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "tunctl.h"
#include "tundb.h"
#include "tunrule.h"

#define SYNOPSIS "rmtun -v 4|6 -t tid_list|all [-d]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ttable		 tt;
	struct ftable		 ft;
	struct tun		*t;
	char			 err[1024];
	uint32_t		*ids = NULL, *gone;
	size_t			 nids = 0, i, j, nrm = 0, ngone = 0;
	int			 ver, lockfd, all;

	cmd_init("rmtun", SYNOPSIS);
	cmd_getopt(argc, argv, "v:t:d", &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['t'] == NULL)
		cmd_usage("-t is required");
	all = strcasecmp(cf.cf_val['t'], "all") == 0;
	if (!all && parse_idlist(cf.cf_val['t'], &ids, &nids, err,
	    sizeof(err)) == -1)
		cmd_fail("-t %s: %s", cf.cf_val['t'], err);

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	if (ttable_read(ver, &tt, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (ttable_checkids(&tt, 1, ids, nids, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	/* Deactivation removes the SAs from ipsecd. */
	if (cf.cf_val['d'] == NULL) {
		tunctl_check(err, sizeof(err));
		cmd_fail("%s", err);
	}

	if (ftable_read(ver, &ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if ((gone = calloc(tt.tt_n + 1, sizeof(*gone))) == NULL)
		cmd_fail("out of memory");
	for (i = 0; i < tt.tt_n; i++) {
		t = &tt.tt_tuns[i];
		if (!all && !ttable_wanted(ids, nids, t->t_id))
			continue;
		gone[ngone++] = t->t_id;
		nrm += tunrule_remove(&ft, t);
	}
	if (nrm > 0 && ftable_write(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	for (i = 0; i < ngone; i++)
		ttable_remove(&tt, gone[i]);
	if (ngone > 0 && ttable_write(&tt, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);

	for (i = 0; i < ngone; i++)
		printf("Tunnel %u for IPv%d has been removed successfully.\n",
		    gone[i], ver);
	/* Manual rules stay; without their tunnel they drop (2.4). */
	for (j = 0; j < ft.ft_n; j++)
		for (i = 0; i < ngone; i++)
			if (ft.ft_rules[j].fr_rule.r_tunnel == gone[i])
				cmd_warn("filter rule %u for IPv%d still names "
				    "tunnel %u", ft.ft_rules[j].fr_rule.r_id,
				    ver, gone[i]);
	free(gone);
	ttable_free(&tt);
	ftable_free(&ft);
	free(ids);
	return (0);
}
