/*
 * mktun: activate manual tunnels in ipsecd (aix-reference.md 5).  The
 * arguments and the databases are checked first, so a mistake is
 * reported as such and not as a missing engine.  ipsecd installs each
 * tunnel from the database, then the version's filter table is loaded
 * (as mkfilt -u does) so the tunnel's rules find its SAs, and last the
 * state field says active.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "parse.h"
#include "tunctl.h"
#include "tundb.h"

#define SYNOPSIS "mktun [-v 4|6] [-t tid_list] [-i] [-I]"

static int	mktun_version(int, struct ttable *, const uint32_t *, size_t,
		    int, uint8_t *, char *, size_t);
static void	mktun_undo(int, const struct ttable *, const uint8_t *);

/*
 * Install the wanted tunnels of tt, then load its table.  done[i] is 1
 * for a tunnel this run installed, 2 for one already active.  -1 with
 * err on the first failure.
 */
static int
mktun_version(int fd, struct ttable *tt, const uint32_t *ids, size_t nids,
    int active_only, uint8_t *done, char *err, size_t errlen)
{
	struct tun	*t;
	size_t		 i;
	int		 r;

	for (i = 0; i < tt->tt_n; i++) {
		t = &tt->tt_tuns[i];
		if (nids > 0 && !ttable_wanted(ids, nids, t->t_id))
			continue;
		if (active_only && !t->t_active)
			continue;
		if ((r = tunctl_set(fd, tt->tt_ver, t->t_id, 1, err,
		    errlen)) == -1)
			return (-1);
		done[i] = r == 1 ? 1 : 2;
	}
	return (tunctl_load(fd, tt->tt_ver, 1, err, errlen));
}

/* All or nothing: remove what this run installed. */
static void
mktun_undo(int fd, const struct ttable *tt, const uint8_t *done)
{
	char	err[1024];
	size_t	i;

	for (i = 0; i < tt->tt_n; i++)
		if (done[i] == 1)
			(void)tunctl_set(fd, tt->tt_ver, tt->tt_tuns[i].t_id,
			    0, err, sizeof(err));
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct ttable		 tt[2];
	char			 err[1024];
	uint32_t		*ids = NULL;
	uint8_t			*done[2] = { NULL, NULL };
	size_t			 nids = 0, i, j;
	int			 v, nv = 0, lockfd, fd, changed[2] = { 0, 0 };

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
	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	for (i = 0; i < (size_t)nv; i++)
		if (ttable_read(tt[i].tt_ver, &tt[i], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	if (ttable_checkids(tt, (size_t)nv, ids, nids, err, sizeof(err)) ==
	    -1)
		cmd_fail("%s", err);
	for (i = 0; i < (size_t)nv; i++)
		if ((done[i] = calloc(tt[i].tt_n + 1, 1)) == NULL)
			cmd_fail("out of memory");
	if ((fd = tunctl_open(1, err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	for (i = 0; i < (size_t)nv; i++)
		if (mktun_version(fd, &tt[i], ids, nids,
		    cf.cf_val['i'] != NULL, done[i], err, sizeof(err)) == -1) {
			for (j = 0; j <= i; j++)
				mktun_undo(fd, &tt[j], done[j]);
			cmd_fail("%s", err);
		}
	db_begin(&txn);
	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < tt[i].tt_n; j++) {
			if (done[i][j] == 1 && !tt[i].tt_tuns[j].t_active)
				changed[i] = 1;
			if (done[i][j] != 0)
				tt[i].tt_tuns[j].t_active = 1;
		}
		if (changed[i] && ttable_stage(&tt[i], &txn, err,
		    sizeof(err)) == -1)
			cmd_fail("%s", err);
	}
	if (db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	close(fd);
	db_unlock(lockfd);
	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < tt[i].tt_n; j++) {
			if (done[i][j] == 0)
				continue;
			printf("Tunnel %u for IPv%d %s.\n",
			    tt[i].tt_tuns[j].t_id, tt[i].tt_ver,
			    done[i][j] == 1 ? "has been activated successfully" :
			    "is already active");
			if (done[i][j] == 1)
				tunctl_note("mktun", &tt[i].tt_tuns[j], 1);
		}
		ttable_free(&tt[i]);
		free(done[i]);
	}
	free(ids);
	return (0);
}
