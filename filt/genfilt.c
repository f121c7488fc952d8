/*
 * genfilt: add a filter rule to the database (aix-reference.md 3).
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

#define SYNOPSIS "genfilt -v 4|6 [-n fid] [-a D|P|I|L|E|H|S] -s s_addr " \
	"[-m s_mask] [-d d_addr] [-M d_mask] [-g Y|N] [-c protocol] " \
	"[-o s_opr] [-p s_port] [-O d_opr] [-P d_port] [-r R|L|B] " \
	"[-w I|O|B] [-l Y|N] [-f Y|N|O|H] [-t tid] [-i interface] " \
	"[-D description] [-e expiration] [-x pattern | -X pattern_file]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft;
	struct frule		 r;
	char			 err[1024], opts[128];
	const char		*a;
	uint32_t		 n = 0;
	size_t			 idx, first;
	int			 ver, lockfd, rv;

	cmd_init("genfilt", SYNOPSIS);
	snprintf(opts, sizeof(opts), "v:n:C:%s", rule_optstring);
	cmd_getopt(argc, argv, opts, &cf);
	ver = cmd_version(&cf, 1);
	cmd_exclusive(&cf, 'x', 'X');
	a = cf.cf_val['a'];
	/* ELSE and ENDIF take no selectors, so no -s either (2.4). */
	if (cf.cf_val['s'] == NULL && (a == NULL ||
	    (strcasecmp(a, "L") != 0 && strcasecmp(a, "else") != 0 &&
	    strcasecmp(a, "E") != 0 && strcasecmp(a, "endif") != 0)))
		cmd_usage("-s is required");
	if (cf.cf_val['C'] != NULL)
		cmd_fail("-C: ClamAV virus databases are not supported");
	if (cf.cf_val['n'] != NULL &&
	    parse_uint(cf.cf_val['n'], UINT32_MAX, &n) == -1)
		cmd_fail("-n %s: not a rule id", cf.cf_val['n']);

	rule_init(&r, ver);
	if (rule_apply(&r, &cf, 1, err, sizeof(err)) == -1)
		cmd_fail("%s", err);

	if (ftable_lock_read(ver, &ft, &lockfd, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (r.fr_rule.r_tunnel != 0) {
		rv = tunids_exists(ver, r.fr_rule.r_tunnel, err, sizeof(err));
		if (rv == -1)
			cmd_fail("%s", err);
		if (rv == 0)
			cmd_fail("-t %u: tunnel %u does not exist for IPv%d",
			    r.fr_rule.r_tunnel, r.fr_rule.r_tunnel, ver);
	}
	if (ftable_nuser(&ft) >= IPF_MAXRULES)
		cmd_fail("the IPv%d filter table is full (%d rules)", ver,
		    IPF_MAXRULES);
	/* -n 0 or none: after the last rule; IPv4 rule 1 stays first. */
	first = ver == 4 ? 2 : 1;
	if (n == 0)
		idx = ft.ft_n - 1;
	else if (n >= first && n <= ftable_nuser(&ft) + 1)
		idx = n - 1;
	else
		cmd_fail("-n %u: must be %zu-%zu for IPv%d (or 0 to append)",
		    n, first, ftable_nuser(&ft) + 1, ver);
	if (ftable_insert(&ft, idx, &r) == -1)
		cmd_fail("IPv%d filter table: cannot add a rule", ver);
	if (ftable_write(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);
	printf("Filter rule %zu for IPv%d has been added successfully.\n",
	    idx + 1, ver);
	ftable_free(&ft);
	return (0);
}
