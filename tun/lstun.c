/*
 * lstun: list the manual tunnels (aix-reference.md 4.4, 5): the
 * database, each with the Status ipsecd gives it, or (-a) what ipsecd
 * has installed.
 */
#include <errno.h>
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

static const struct tun_active *lstun_find(const struct tun_active *,
		    size_t, int, uint32_t);
static void	lstun_active(const struct tun_active *, size_t,
		    const uint32_t *, size_t);

static const struct tun_active *
lstun_find(const struct tun_active *l, size_t n, int ver, uint32_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (l[i].ta_ver == ver && l[i].ta_id == id)
			return (&l[i]);
	return (NULL);
}

/* -a: the installed tunnels of the versions asked for, ids wanted. */
static void
lstun_active(const struct tun_active *l, size_t n, const uint32_t *ids,
    size_t nids)
{
	char	buf[TUNF_LINEMAX];
	size_t	i;

	printf("%s\n", tunfield_active_header);
	for (i = 0; i < n; i++) {
		if (!ttable_wanted(ids, nids, l[i].ta_id))
			continue;
		if (tunfield_fmt_active(&l[i], buf, sizeof(buf)) == 0)
			printf("%s\n", buf);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ttable		 tt[2];
	struct tun		*t;
	struct tun_active	*act = NULL;
	char			 err[1024], buf[TUNF_BLOCKMAX];
	const char		*p;
	uint32_t		*ids = NULL;
	size_t			 nids = 0, nact = 0, i, j;
	int			 v, nv = 0, oflag;

	cmd_init("lstun", SYNOPSIS);
	cmd_getopt(argc, argv, "v:t:p:aO", &cf);
	v = cmd_version(&cf, 0);
	cmd_settle();
	cmd_exclusive(&cf, 'p', 'a');
	oflag = cf.cf_val['O'] != NULL;
	if ((p = cf.cf_val['p']) != NULL && strcasecmp(p, "manual") != 0)
		cmd_fail("-p %s: %s", p, strcasecmp(p, "ibm") == 0 ?
		    "IBM tunnels are not supported" : "must be manual");
	if (cf.cf_val['t'] != NULL && parse_idlist(cf.cf_val['t'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-t %s: %s", cf.cf_val['t'], err);
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
	/*
	 * What ipsecd holds: all of -a, and each Status.  With no ipsecd
	 * running no tunnel is active, which only -a needs to be told.
	 */
	if ((cf.cf_val['a'] != NULL || !oflag) &&
	    tunctl_list(v, &act, &nact, err, sizeof(err)) == -1 &&
	    (cf.cf_val['a'] != NULL || (errno != ENOENT &&
	    errno != ECONNREFUSED)))
		cmd_fail("%s", err);
	if (cf.cf_val['a'] != NULL) {
		lstun_active(act, nact, ids, nids);
		goto done;
	}

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
			/* Status is the engine's view, not the state field. */
			t->t_active = lstun_find(act, nact, t->t_ver,
			    t->t_id) != NULL;
			tunfield_fmt_block(t, buf, sizeof(buf));
			fputs(buf, stdout);
		}
	}
done:
	for (i = 0; i < (size_t)nv; i++)
		ttable_free(&tt[i]);
	explicit_bzero(buf, sizeof(buf));
	free(act);
	free(ids);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
