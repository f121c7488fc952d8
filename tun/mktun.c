/*
 * mktun: activate manual tunnels in ipsecd (aix-reference.md 5).  The
 * arguments and the databases are checked first, so a mistake is
 * reported as such and not as a missing engine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "parse.h"
#include "tunctl.h"
#include "tundb.h"

#define SYNOPSIS "mktun [-v 4|6] [-t tid_list] [-i] [-I]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ttable		 tt[2];
	char			 err[1024];
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i;
	int			 v, nv = 0;

	cmd_init("mktun", SYNOPSIS);
	cmd_getopt(argc, argv, "v:t:iI", &cf);
	v = cmd_version(&cf, 0);
	if (cf.cf_val['t'] != NULL && parse_idlist(cf.cf_val['t'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-t %s: %s", cf.cf_val['t'], err);
	if (v == 0 || v == 4)
		tt[nv++].tt_ver = 4;
	if (v == 0 || v == 6)
		tt[nv++].tt_ver = 6;
	for (i = 0; i < (size_t)nv; i++)
		if (ttable_read(tt[i].tt_ver, &tt[i], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	if (ttable_checkids(tt, (size_t)nv, ids, nids, err, sizeof(err)) ==
	    -1)
		cmd_fail("%s", err);
	for (i = 0; i < (size_t)nv; i++)
		ttable_free(&tt[i]);
	free(ids);
	/*
	 * TODO: install the SAs and load the filter table through
	 * ipsecd.sock (starting ipsecd), then set state to active.
	 */
	tunctl_check(err, sizeof(err));
	cmd_fail("%s", err);
}
