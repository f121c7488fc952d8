/*
 * lstun: list the manual tunnels (aix-reference.md 4.4, 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "parse.h"
#include "tunctl.h"
#include "tundb.h"
#include "tunfield.h"

#define SYNOPSIS "lstun [-v 4|6] [-t tid_list] [-p manual | -a] [-O]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ttable		 tt[2];
	struct tun		*t;
	char			 err[1024], buf[TUNF_BLOCKMAX];
	const char		*p;
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, j;
	int			 v, nv = 0, oflag;

	cmd_init("lstun", SYNOPSIS);
	cmd_getopt(argc, argv, "v:t:p:aO", &cf);
	v = cmd_version(&cf, 0);
	cmd_exclusive(&cf, 'p', 'a');
	oflag = cf.cf_val['O'] != NULL;
	if ((p = cf.cf_val['p']) != NULL && strcasecmp(p, "manual") != 0)
		cmd_fail("-p %s: %s", p, strcasecmp(p, "ibm") == 0 ?
		    "IBM tunnels are not supported" : "must be manual");
	if (cf.cf_val['t'] != NULL && parse_idlist(cf.cf_val['t'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-t %s: %s", cf.cf_val['t'], err);
	/* The active tunnels live in ipsecd only. */
	if (cf.cf_val['a'] != NULL) {
		tunctl_check(err, sizeof(err));
		cmd_fail("%s", err);
	}

	/* Read everything first: an error prints nothing else. */
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

	if (oflag) {
		tunfield_fmt_header(buf, sizeof(buf));
		printf("%s\n", buf);
	}
	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < tt[i].tt_n; j++) {
			t = &tt[i].tt_tuns[j];
			if (!ttable_wanted(ids, nids, t->t_id))
				continue;
			if (oflag) {
				tunfield_fmt_line(t, TUNF_LIST, buf,
				    sizeof(buf));
				printf("%s\n", buf);
				continue;
			}
			/*
			 * Status is the engine's view, and no ipsecd
			 * holds manual tunnels yet (tunctl.h).
			 */
			t->t_active = 0;
			tunfield_fmt_block(t, buf, sizeof(buf));
			fputs(buf, stdout);
		}
		ttable_free(&tt[i]);
	}
	explicit_bzero(buf, sizeof(buf));
	free(ids);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
