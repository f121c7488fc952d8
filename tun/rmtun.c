/*
 * rmtun: deactivate manual tunnels and, with -d, delete them and their
 * auto-generated filter rules (aix-reference.md 5).  The filter file is
 * written first (aix-reference.md 1.1): a crash between the two writes
 * leaves a tunnel without rules, never rules naming a missing tunnel.
 * The SAs leave ipsecd before the database changes, so a tunnel is never
 * recorded inactive while it still carries traffic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "tunctl.h"
#include "tundb.h"
#include "tunrule.h"

#define SYNOPSIS "rmtun -v 4|6 -t tid_list|all [-d]"

static int	rmtun_off(struct ttable *, const uint32_t *, size_t, int,
		    uint8_t *);

/*
 * Remove the named tunnels (all if all) from ipsecd; off[i] is 1 for one
 * it held.  Returns the open control socket, -1 when no ipsecd runs (so
 * none is active).  A failure exits.
 */
static int
rmtun_off(struct ttable *tt, const uint32_t *ids, size_t nids, int all,
    uint8_t *off)
{
	char	err[1024];
	size_t	i;
	int	fd, r;

	if ((fd = tunctl_open(0, err, sizeof(err))) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			return (-1);
		cmd_fail("%s", err);
	}
	for (i = 0; i < tt->tt_n; i++) {
		if (!all && !ttable_wanted(ids, nids, tt->tt_tuns[i].t_id))
			continue;
		if ((r = tunctl_set(fd, tt->tt_ver, tt->tt_tuns[i].t_id, 0,
		    err, sizeof(err))) == -1)
			cmd_fail("%s", err);
		off[i] = (uint8_t)r;
	}
	return (fd);
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct ttable		 tt;
	struct ftable		 ft;
	struct tun		*t;
	char			 err[1024];
	uint32_t		*ids = NULL, *gone;
	uint8_t			*off;
	size_t			 nids = 0, i, j, nrm = 0, ngone = 0;
	int			 ver, lockfd, all, fd, changed = 0;

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
	if ((off = calloc(tt.tt_n + 1, 1)) == NULL)
		cmd_fail("out of memory");
	fd = rmtun_off(&tt, ids, nids, all, off);
	for (i = 0; i < tt.tt_n; i++)		/* out of the engine: log it */
		if (off[i])
			tunctl_note("rmtun", &tt.tt_tuns[i], 0);
	if (cf.cf_val['d'] == NULL) {
		for (i = 0; i < tt.tt_n; i++) {
			t = &tt.tt_tuns[i];
			if (!all && !ttable_wanted(ids, nids, t->t_id))
				continue;
			if (t->t_active)
				changed = 1;
			t->t_active = 0;
		}
		if (changed && ttable_write(&tt, err, sizeof(err)) == -1)
			cmd_fail("%s", err);
		db_unlock(lockfd);
		for (i = 0; i < tt.tt_n; i++) {
			t = &tt.tt_tuns[i];
			if (all || ttable_wanted(ids, nids, t->t_id))
				printf("Tunnel %u for IPv%d %s.\n", t->t_id,
				    ver, off[i] ? "has been deactivated "
				    "successfully" : "is not active");
		}
		if (fd != -1)
			close(fd);
		free(off);
		ttable_free(&tt);
		free(ids);
		return (0);
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
	for (i = 0; i < ngone; i++)
		ttable_remove(&tt, gone[i]);
	db_begin(&txn);
	if ((nrm > 0 && ftable_stage(&ft, &txn, err, sizeof(err)) == -1) ||
	    (ngone > 0 && ttable_stage(&tt, &txn, err, sizeof(err)) == -1) ||
	    db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	/* Only an active table: rmtun does not start filtering. */
	if (fd != -1 && nrm > 0 && tunctl_load(fd, ver, 0, err,
	    sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (fd != -1)
		close(fd);
	free(off);
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
