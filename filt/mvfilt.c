/*
 * mvfilt: move a filter rule (aix-reference.md 3): rule p_fid becomes
 * rule n_fid, the rules between shift by one.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"

#define SYNOPSIS "mvfilt -v 4|6 -p p_fid -n n_fid"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft;
	struct frule		 r;
	char			 err[1024];
	uint32_t		 p, n;
	size_t			 pidx, first;
	int			 ver, lockfd;

	cmd_init("mvfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:p:n:", &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['p'] == NULL)
		cmd_usage("-p is required");
	if (cf.cf_val['n'] == NULL)
		cmd_usage("-n is required");
	if (parse_uint(cf.cf_val['p'], UINT32_MAX, &p) == -1)
		cmd_fail("-p %s: not a rule id", cf.cf_val['p']);
	if (parse_uint(cf.cf_val['n'], UINT32_MAX, &n) == -1)
		cmd_fail("-n %s: not a rule id", cf.cf_val['n']);

	if (ftable_lock_read(ver, &ft, &lockfd, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (ftable_index(&ft, p, &pidx) == -1)
		cmd_fail("rule %u does not exist for IPv%d", p, ver);
	if (p == 0)
		cmd_fail("-p 0: the default rule cannot be moved");
	/* IPv4 rule 1 is fixed at position 1 (2.1). */
	if (ver == 4 && p == 1)
		cmd_fail("-p 1: rule 1 for IPv4 is predefined and cannot be "
		    "moved");
	first = ver == 4 ? 2 : 1;
	if (n < first || n > ftable_nuser(&ft)) {
		if (first == ftable_nuser(&ft))	/* one place it can go */
			cmd_fail("-n %u: must be %zu for IPv%d", n, first,
			    ver);
		cmd_fail("-n %u: must be %zu-%zu for IPv%d", n, first,
		    ftable_nuser(&ft), ver);
	}
	r = ft.ft_rules[pidx];
	ftable_remove(&ft, pidx);
	if (ftable_insert(&ft, n - 1, &r) == -1)
		cmd_fail("IPv%d filter table: cannot move the rule", ver);
	if (ftable_write(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);
	printf("Filter rule %u for IPv%d has been moved to %u successfully.\n",
	    p, ver, n);
	ftable_free(&ft);
	return (0);
}
