/*
 * gentun: define a manual tunnel (aix-reference.md 4, 5).
 *
 * The tunnel and its auto-generated filter rules are one change: both
 * files are written under the one lock, the tunnel file first
 * (aix-reference.md 1.1), and every check runs before either is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "tundb.h"
#include "tunfield.h"
#include "tunrule.h"

#define SYNOPSIS "gentun -v 4|6 -s src -d dst [-t manual] " \
	"[-m tunnel|transport] [-f fw [-x mask]] [-p pol] [-P pol] " \
	"[-a algo] [-A algo] [-e algo] [-E algo] [-b algo] [-B algo] " \
	"[-h key] [-H key] [-k key] [-K key] [-c key] [-C key] [-u spi] " \
	"[-U spi] [-n spi] [-N spi] [-l minutes] [-y Y|N] [-q Y|N] [-z Y] " \
	"[-T none|udp] [-g Y|N]"

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct ttable		 tt;
	struct ftable		 ft;
	struct tun		 t;
	char			 err[1024], opts[128];
	const char		*v;
	uint32_t		 tid, user;
	size_t			 first = 0, nrules = 0, k;
	int			 ver, lockfd, norules = 0;

	cmd_init("gentun", SYNOPSIS);
	snprintf(opts, sizeof(opts), "v:t:g:r:i:%s", tunfield_optstring);
	cmd_getopt(argc, argv, opts, &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['s'] == NULL)
		cmd_usage("-s is required");
	if (cf.cf_val['d'] == NULL)
		cmd_usage("-d is required");
	if (cf.cf_val['x'] != NULL && cf.cf_val['f'] == NULL)
		cmd_usage("-x needs -f");
	if (cf.cf_val['f'] != NULL && (v = cf.cf_val['m']) != NULL &&
	    strcasecmp(v, "transport") == 0)
		cmd_usage("-m transport and -f cannot be used together");
	/* AIX's IBM tunnels (-t IBM and their -r, -i) are gone (9.17). */
	if ((v = cf.cf_val['t']) != NULL && strcasecmp(v, "manual") != 0)
		cmd_fail("-t %s: %s", v, strcasecmp(v, "IBM") == 0 ?
		    "IBM tunnels are not supported" : "must be manual");
	if ((v = cf.cf_val['r']) != NULL || (v = cf.cf_val['i']) != NULL)
		cmd_fail("-%c %s: IBM tunnels are not supported",
		    cf.cf_val['r'] != NULL ? 'r' : 'i', v);
	if ((v = cf.cf_val['g']) != NULL &&
	    tunfield_yesno(v, &norules) == -1)
		cmd_fail("-g %s: must be Y or N", v);

	tun_init(&t, ver);
	if (tunfield_apply(&t, &cf, 1, err, sizeof(err)) == -1)
		cmd_fail("%s", err);

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	if (ttable_read(ver, &tt, err, sizeof(err)) == -1 ||
	    ftable_read(ver, &ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if (t.t_espspi[TUN_DST] != 0 && (user = ttable_spi_user(&tt, &t,
	    TUN_PROTO_ESP, t.t_espspi[TUN_DST])) != 0)
		cmd_fail("-N %s: SPI already used by tunnel %u",
		    cf.cf_val['N'], user);
	if (t.t_ahspi[TUN_DST] != 0 && (user = ttable_spi_user(&tt, &t,
	    TUN_PROTO_AH, t.t_ahspi[TUN_DST])) != 0)
		cmd_fail("-U %s: SPI already used by tunnel %u",
		    cf.cf_val['U'], user);
	if (ttable_spi_fill(&tt, &t) == -1)
		cmd_fail("random SPI: cannot read the random source");
	if (ttable_add(&tt, &t, &tid) == -1)
		cmd_fail("IPv%d tunnel table: cannot add a tunnel", ver);
	t.t_id = tid;
	if (!norules && tunrule_add(&ft, &t, &first, &nrules) == -1)
		cmd_fail("the IPv%d filter table is full (%d rules)", ver,
		    IPF_MAXRULES);
	db_begin(&txn);
	if (ttable_stage(&tt, &txn, err, sizeof(err)) == -1 ||
	    (nrules > 0 && ftable_stage(&ft, &txn, err, sizeof(err)) == -1) ||
	    db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);

	printf("Tunnel %u for IPv%d has been added successfully.\n", tid,
	    ver);
	for (k = 0; k < nrules; k++)
		printf("Filter rule %zu for IPv%d has been added "
		    "successfully.\n", first + k + 1, ver);
	explicit_bzero(&t, sizeof(t));
	ttable_free(&tt);
	ftable_free(&ft);
	return (0);
}
