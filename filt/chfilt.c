/*
 * chfilt: change fields of a filter rule (aix-reference.md 3).  Only the
 * given fields change; the result must pass genfilt's checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"
#include "tunids.h"

#define SYNOPSIS "chfilt -v 4|6 -n fid [-a D|P|I|L|E|H|S] [-s s_addr] " \
	"[-m s_mask] [-d d_addr] [-M d_mask] [-g Y|N] [-c protocol] " \
	"[-o s_opr] [-p s_port] [-O d_opr] [-P d_port] [-r R|L|B] " \
	"[-w I|O|B] [-l Y|N] [-f Y|N|O|H] [-t tid] [-i interface] " \
	"[-D description] [-e expiration] [-x pattern | -X pattern_file]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft;
	struct frule		*r, nr;
	char			 err[1024], opts[128];
	const char		*fl;
	uint32_t		 n, oldtun;
	size_t			 idx, given = 0;
	int			 ver, lockfd, rv;

	cmd_init("chfilt", SYNOPSIS);
	snprintf(opts, sizeof(opts), "v:n:C:%s", rule_optstring);
	cmd_getopt(argc, argv, opts, &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['n'] == NULL)
		cmd_usage("-n is required");
	cmd_exclusive(&cf, 'x', 'X');
	for (fl = rule_optstring; *fl != '\0'; fl++)
		if (*fl != ':' && cf.cf_val[(unsigned char)*fl] != NULL)
			given++;
	if (cf.cf_val['C'] != NULL)
		cmd_fail("-C: ClamAV virus databases are not supported");
	if (given == 0)
		cmd_usage("nothing to change");
	if (parse_uint(cf.cf_val['n'], UINT32_MAX, &n) == -1)
		cmd_fail("-n %s: not a rule id", cf.cf_val['n']);

	if (ftable_lock_read(ver, &ft, &lockfd, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (ftable_index(&ft, n, &idx) == -1)
		cmd_fail("rule %u does not exist for IPv%d", n, ver);
	r = &ft.ft_rules[idx];
	nr = *r;
	if (ftable_kind(&ft, idx) == FR_PREDEF) {
		/* Only logging; the default action is mkfilt -z's (2.1). */
		if (given != 1 || cf.cf_val['l'] == NULL)
			cmd_fail("rule %u for IPv%d is predefined; only -l can "
			    "be changed", n, ver);
		if (nr.fr_rule.r_action == IPF_ACT_PLACEMENT) {
			if (strcasecmp(cf.cf_val['l'], "Y") == 0 ||
			    strcasecmp(cf.cf_val['l'], "yes") == 0)
				nr.fr_rule.r_log = 1;
			else if (strcasecmp(cf.cf_val['l'], "N") == 0 ||
			    strcasecmp(cf.cf_val['l'], "no") == 0)
				nr.fr_rule.r_log = 0;
			else
				cmd_fail("-l %s: must be Y or N",
				    cf.cf_val['l']);
		} else if (rule_apply(&nr, &cf, 0, err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	} else {
		oldtun = nr.fr_rule.r_tunnel;
		if (rule_apply(&nr, &cf, 0, err, sizeof(err)) == -1)
			cmd_fail("%s", err);
		if (cf.cf_val['t'] != NULL && nr.fr_rule.r_tunnel != 0 &&
		    nr.fr_rule.r_tunnel != oldtun) {
			rv = tunids_exists(ver, nr.fr_rule.r_tunnel, err,
			    sizeof(err));
			if (rv == -1)
				cmd_fail("%s", err);
			if (rv == 0)
				cmd_fail("-t %u: tunnel %u does not exist for "
				    "IPv%d", nr.fr_rule.r_tunnel,
				    nr.fr_rule.r_tunnel, ver);
		}
		/* A hand-changed tunnel rule is the administrator's now. */
		nr.fr_autogen = 0;
	}
	*r = nr;
	if (ftable_write(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);
	printf("Filter rule %u for IPv%d has been changed successfully.\n", n,
	    ver);
	ftable_free(&ft);
	return (0);
}
