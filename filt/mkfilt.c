/*
 * mkfilt: the database side of activating filter rules (aix-reference.md
 * 3): -z sets the default rule's action in the database; -u validates
 * the tables exactly as a load would, then ipsecd (started if need be)
 * loads them; -d deactivates a version in ipsecd, which removes its hook
 * and exits when none is left; -g sets ipsecd's logging flag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "db.h"
#include "fcheck.h"
#include "filtdb.h"
#include "logctl.h"
#include "tunids.h"

#define SYNOPSIS "mkfilt [-v 4|6] [-u | -d] [-z P|D] [-g start|stop] [-i]"

static void	mkfilt_default(const int *, int, int);
static void	mkfilt_check(int);
static void	mkfilt_request(int, int, int, int);
static void	mkfilt_deactivate(const int *, int);
static void	mkfilt_logging(int);

/* -z: both versions under one lock, both written or neither. */
static void
mkfilt_default(const int *vers, int nv, int action)
{
	struct db_txn	txn;
	struct ftable	ft;
	char		err[1024];
	int		lockfd, i;

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	db_begin(&txn);
	for (i = 0; i < nv; i++) {
		if (ftable_read(vers[i], &ft, err, sizeof(err)) == -1) {
			db_abort(&txn);
			cmd_fail("%s", err);
		}
		ft.ft_rules[ft.ft_n - 1].fr_rule.r_action = (uint8_t)action;
		if (ftable_stage(&ft, &txn, err, sizeof(err)) == -1)
			cmd_fail("%s", err);
		ftable_free(&ft);
	}
	if (db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);
	for (i = 0; i < nv; i++)
		printf("Default rule for IPv%d has been changed.\n"
		    "Successfully set default action to %s\n", vers[i],
		    action == IPF_ACT_PERMIT ? "PERMIT" : "DENY");
}

/* -u's first step: the ckfilt checks and the pattern files (3). */
static void
mkfilt_check(int ver)
{
	struct ftable	ft;
	char		err[1024];
	size_t		i;
	uint32_t	tid;
	int		rv;

	if (ftable_read(ver, &ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (fcheck_table(&ft, err, sizeof(err)) == -1)
		cmd_fail("%s; IPv%d filter rules not loaded", err, ver);
	/* Such a rule loads and drops what it matches (3, mkfilt). */
	for (i = 0; i < ft.ft_n; i++) {
		if ((tid = ft.ft_rules[i].fr_rule.r_tunnel) == 0)
			continue;
		if ((rv = tunids_exists(ver, tid, err, sizeof(err))) == -1)
			cmd_fail("%s; IPv%d filter rules not loaded", err,
			    ver);
		if (rv == 0)
			cmd_warn("rule %u for IPv%d names tunnel %u, which "
			    "does not exist", ft.ft_rules[i].fr_rule.r_id, ver,
			    tid);
	}
	ftable_free(&ft);
}

/* One request that ipsecd answers with CTL_R_OK. */
static void
mkfilt_request(int fd, int type, int ver, int arg)
{
	union ctl_msg	m;
	char		err[CTL_ERRMAX + 64];

	switch (ctl_call(fd, type, ver, arg, &m, err, sizeof(err))) {
	case CTL_R_OK:
		return;
	case CTL_R_ERR:
		if (type == CTL_LOAD)
			cmd_fail("%s; IPv%d filter rules not loaded", err, ver);
		cmd_fail("IPsec engine: %s", err);
	case -1:
		cmd_fail("%s", err);
	default:
		cmd_fail("IPsec engine: unexpected reply");
	}
}

/*
 * -d.  With no ipsecd answering, a killed one may have left its hook,
 * which drops everything (fail closed): deactivating means removing it
 * (decision: that is success, not "not running").
 */
static void
mkfilt_deactivate(const int *vers, int nv)
{
	char	err[CTL_ERRMAX + 64];
	int	fd;

	if ((fd = ctl_connect(err, sizeof(err))) == -1) {
		if (errno != ENOENT && errno != ECONNREFUSED)
			cmd_fail("%s", err);
		if (ctl_unhook(err, sizeof(err)) == -1)
			cmd_fail("%s", err);
		return;
	}
	mkfilt_request(fd, CTL_UNLOAD, nv == 2 ? 0 : vers[0], 0);
	close(fd);
}

/*
 * -g: ipsec_logd and ipsecd's logging flag move together (logctl.h);
 * one line says what happened (decision: AIX prints nothing).
 */
static void
mkfilt_logging(int on)
{
	char	err[CTL_ERRMAX + 64];

	switch (logctl_set(on, err, sizeof(err))) {
	case LOGCTL_STARTED:
		printf("ipsec_logd started; packet logging is on.\n");
		break;
	case LOGCTL_WAS_RUNNING:
		printf("ipsec_logd is already running; packet logging is "
		    "on.\n");
		break;
	case LOGCTL_STOPPED:
		printf("Packet logging is off; ipsec_logd stopped.\n");
		break;
	case LOGCTL_NOT_RUNNING:
		printf("Packet logging is off; ipsec_logd was not "
		    "running.\n");
		break;
	default:
		cmd_fail("%s", err);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	const char		*z, *g;
	char			 err[CTL_ERRMAX + 64];
	int			 vers[2], nv = 0, v, action = 0, i, fd;

	cmd_init("mkfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:udz:g:i", &cf);
	v = cmd_version(&cf, 0);
	cmd_exclusive(&cf, 'u', 'd');
	z = cf.cf_val['z'];
	g = cf.cf_val['g'];
	if (cf.cf_val['u'] == NULL && cf.cf_val['d'] == NULL && z == NULL &&
	    g == NULL)
		cmd_usage("one of -u, -d, -z or -g is required");
	if (z != NULL) {
		if (strcasecmp(z, "P") == 0 || strcasecmp(z, "permit") == 0)
			action = IPF_ACT_PERMIT;
		else if (strcasecmp(z, "D") == 0 ||
		    strcasecmp(z, "deny") == 0)
			action = IPF_ACT_DENY;
		else
			cmd_fail("-z %s: must be P or D", z);
	}
	if (g != NULL && strcasecmp(g, "start") != 0 &&
	    strcasecmp(g, "stop") != 0)
		cmd_fail("-g %s: must be start or stop", g);
	if (v == 0 || v == 4)
		vers[nv++] = 4;
	if (v == 0 || v == 6)
		vers[nv++] = 6;

	if (z != NULL)
		mkfilt_default(vers, nv, action);
	if (cf.cf_val['u'] != NULL) {
		/* Every version checked before any is loaded. */
		cmd_settle();
		for (i = 0; i < nv; i++)
			mkfilt_check(vers[i]);
		if ((fd = ctl_start(err, sizeof(err))) == -1)
			cmd_fail("%s", err);
		for (i = 0; i < nv; i++)
			mkfilt_request(fd, CTL_LOAD, vers[i], 0);
		close(fd);
	}
	/* Logging before -d, which may stop ipsecd. */
	if (g != NULL)
		mkfilt_logging(strcasecmp(g, "start") == 0);
	if (cf.cf_val['d'] != NULL)
		mkfilt_deactivate(vers, nv);
	return (0);
}
