/*
 * chtun: change fields of a manual tunnel (aix-reference.md 5).  Only
 * the given fields change; a new algorithm given without its key gets a
 * random key; the tunnel's auto-generated rules are rewritten where they
 * stand.  The database only: ipsecd sees the change at the next mktun.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "tundb.h"
#include "tunfield.h"
#include "tunrule.h"

#define SYNOPSIS "chtun -v 4|6 -t tid [-s src] [-d dst] " \
	"[-m tunnel|transport] [-f fw] [-x mask] [-p pol] [-P pol] " \
	"[-a algo] [-A algo] [-e algo] [-E algo] [-b algo] [-B algo] " \
	"[-h key] [-H key] [-k key] [-K key] [-c key] [-C key] [-u spi] " \
	"[-U spi] [-n spi] [-N spi] [-l minutes] [-y Y|N] [-q Y|N] [-z Y] " \
	"[-T none|udp]"

static void	chtun_spi(const struct ttable *, const struct tun *,
		    const struct cmd_flags *, int);

/*
 * The inbound SPIs must stay unique at the local address, whether the
 * SPI or the address (-s) changed.
 */
static void
chtun_spi(const struct ttable *tt, const struct tun *t,
    const struct cmd_flags *cf, int proto)
{
	uint32_t	spi, user;
	int		flag = proto == TUN_PROTO_ESP ? 'N' : 'U';

	spi = proto == TUN_PROTO_ESP ? t->t_espspi[TUN_DST] :
	    t->t_ahspi[TUN_DST];
	if ((user = ttable_spi_user(tt, t, proto, spi)) == 0)
		return;
	if (cf->cf_val[flag] != NULL)
		cmd_fail("-%c %s: SPI already used by tunnel %u", flag,
		    cf->cf_val[flag], user);
	cmd_fail("-s %s: tunnel %u already receives with %s SPI %u there",
	    cf->cf_val['s'], user, proto == TUN_PROTO_ESP ? "ESP" : "AH", spi);
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct ttable		 tt;
	struct ftable		 ft;
	struct tun		*t, old;
	char			 err[1024], opts[128];
	const char		*fl;
	uint32_t		 tid;
	size_t			 given = 0;
	int			 ver, lockfd, rv;

	cmd_init("chtun", SYNOPSIS);
	snprintf(opts, sizeof(opts), "v:t:%s", tunfield_optstring);
	cmd_getopt(argc, argv, opts, &cf);
	ver = cmd_version(&cf, 1);
	if (cf.cf_val['t'] == NULL)
		cmd_usage("-t is required");
	for (fl = tunfield_optstring; *fl != '\0'; fl++)
		if (*fl != ':' && cf.cf_val[(unsigned char)*fl] != NULL)
			given++;
	if (given == 0)
		cmd_usage("nothing to change");
	if (parse_uint(cf.cf_val['t'], UINT32_MAX, &tid) == -1 || tid == 0)
		cmd_fail("-t %s: not a tunnel id", cf.cf_val['t']);

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	if (ttable_read(ver, &tt, err, sizeof(err)) == -1 ||
	    ftable_read(ver, &ft, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	if ((t = ttable_find(&tt, tid)) == NULL)
		cmd_fail("tunnel %u does not exist for IPv%d", tid, ver);
	old = *t;
	if (tunfield_apply(t, &cf, 0, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	chtun_spi(&tt, t, &cf, TUN_PROTO_ESP);
	chtun_spi(&tt, t, &cf, TUN_PROTO_AH);
	if ((rv = tunrule_rewrite(&ft, &old, t)) == -1)
		cmd_fail("the IPv%d filter table is full (%d rules)", ver,
		    IPF_MAXRULES);
	db_begin(&txn);
	if (ttable_stage(&tt, &txn, err, sizeof(err)) == -1 ||
	    (rv > 0 && ftable_stage(&ft, &txn, err, sizeof(err)) == -1) ||
	    db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);

	printf("Tunnel %u for IPv%d has been changed successfully.\n", tid,
	    ver);
	if (old.t_active)
		printf("Tunnel %u for IPv%d is active; the change takes effect "
		    "when it is activated again.\n", tid, ver);
	explicit_bzero(&old, sizeof(old));
	ttable_free(&tt);
	ftable_free(&ft);
	return (0);
}
