/*
 * imptun: import the tunnels a partner exported with exptun
 * (aix-reference.md 5).  Each is mirrored (the partner's sending SAs are
 * our receiving ones), gets the next tid of its version and, unless -g Y,
 * the rules of aix-reference.md 4.3; -r also imports the partner's
 * manual rules for them, renumbered to the new tids.  All of it is one
 * change under the lock: every tunnel file, then every filter file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"
#include "tundb.h"
#include "tunfield.h"
#include "tunrule.h"

#define SYNOPSIS "imptun -f directory [-t tid_list] [-v 4|6] [-r] " \
	"[-g Y|N] [-l manual]"
#define IMP_TUNFILE	"ipsec_tun_manu.exp"
#define IMP_RULEFILE	"ipsec_fltr_rule.exp"

/* One imported tunnel: where it came from, what it became. */
struct impmap {
	int		im_ver;
	uint32_t	im_old;		/* the exporter's tid */
	uint32_t	im_new;
	size_t		im_first;	/* its auto-generated rules */
	size_t		im_nrules;
};

struct impstate {
	struct ttable	 is_tt[2];	/* index: version 4, 6 */
	struct ftable	 is_ft[2];
	struct impmap	*is_map;
	size_t		 is_n;
	int		 is_norules;
	int		 is_ttdirty[2], is_ftdirty[2];
};

static char	*imp_load(const char *, const char *, const char *,
		    char *, size_t);
static void	imp_tunnels(struct impstate *, const char *, int,
		    const uint32_t *, size_t);
static void	imp_rules(struct impstate *, const char *, FILE *);
static int	imp_vi(int);

static int
imp_vi(int ver)
{
	return (ver == 4 ? 0 : 1);
}

/*
 * An export file, held to the databases' rules: it carries keys, so
 * one another user could have written or read is refused (db_load).
 */
static char *
imp_load(const char *dir, const char *name, const char *hdr, char *path,
    size_t pathlen)
{
	char	err[1024], *buf, *nl;
	size_t	len;
	int	rv;

	if ((size_t)snprintf(path, pathlen, "%s/%s", dir, name) >= pathlen)
		cmd_fail("-f %s: name too long", dir);
	if ((rv = db_load(path, &buf, &len, err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	if (rv == 1)
		cmd_fail("%s: no such file", path);
	if (strlen(buf) != len)
		cmd_fail("%s: contains a NUL byte", path);
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (strcmp(buf, hdr) != 0)
		cmd_fail("%s:1: expected \"%s\"", path, hdr);
	if (nl != NULL)
		*nl = '\n';
	return (buf);
}

static void
imp_tunnels(struct impstate *is, const char *dir, int ver,
    const uint32_t *ids, size_t nids)
{
	struct tun	*tuns, *t;
	struct ttable	*tt;
	struct impmap	*m;
	char		 path[PATH_MAX], err[512], *buf, *line, *next, *nl;
	size_t		 lineno = 1, i, j, len, n = 0;
	uint32_t	 user, spi;
	int		 proto, seen;

	buf = imp_load(dir, IMP_TUNFILE, "# ipsecfilt tunexp v1", path,
	    sizeof(path));
	len = strlen(buf);
	/* Each record is far longer than 2 bytes: enough room. */
	if ((tuns = calloc(len / 2 + 1, sizeof(*tuns))) == NULL ||
	    (is->is_map = calloc(len / 2 + 1, sizeof(*is->is_map))) == NULL)
		cmd_fail("out of memory");
	/* Every record is checked before anything is imported. */
	line = strchr(buf, '\n');
	for (line = line != NULL ? line + 1 : NULL; line != NULL &&
	    *line != '\0'; line = next) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			next = nl + 1;
		} else
			next = NULL;
		t = &tuns[n];
		if (tunfield_scan(t, 0, line, TUNF_EXP, err,
		    sizeof(err)) == -1)
			cmd_fail("%s:%zu: %s", path, lineno, err);
		if ((ver != 0 && t->t_ver != ver) ||
		    !ttable_wanted(ids, nids, t->t_id))
			continue;
		is->is_map[n].im_old = (uint32_t)lineno;	/* for now */
		n++;
	}
	explicit_bzero(buf, len);
	free(buf);
	for (i = 0; i < nids; i++) {
		for (seen = 0, j = 0; j < n; j++)
			if (tuns[j].t_id == ids[i])
				seen = 1;
		if (!seen)
			cmd_fail("-t %u: tunnel %u is not in %s", ids[i],
			    ids[i], path);
	}
	if (n == 0)
		cmd_fail("%s: no tunnels to import", path);

	for (i = 0; i < n; i++) {
		t = &tuns[i];
		m = &is->is_map[is->is_n++];
		lineno = m->im_old;
		m->im_ver = t->t_ver;
		m->im_old = t->t_id;
		tun_mirror(t);
		t->t_id = 0;
		t->t_active = 0;
		tt = &is->is_tt[imp_vi(t->t_ver)];
		for (proto = TUN_PROTO_AH; proto <= TUN_PROTO_ESP; proto++) {
			spi = proto == TUN_PROTO_AH ? t->t_ahspi[TUN_DST] :
			    t->t_espspi[TUN_DST];
			if ((user = ttable_spi_user(tt, t, proto, spi)) != 0)
				cmd_fail("%s:%zu: %s SPI %u: already used by "
				    "tunnel %u", path, lineno, proto ==
				    TUN_PROTO_AH ? "AH" : "ESP", spi, user);
		}
		if (ttable_add(tt, t, &m->im_new) == -1)
			cmd_fail("IPv%d tunnel table: cannot add a tunnel",
			    t->t_ver);
		t->t_id = m->im_new;
		if (!is->is_norules && tunrule_add(&is->is_ft[imp_vi(
		    t->t_ver)], t, &m->im_first, &m->im_nrules) == -1)
			cmd_fail("the IPv%d filter table is full (%d rules)",
			    t->t_ver, IPF_MAXRULES);
	}
	explicit_bzero(tuns, (len / 2 + 1) * sizeof(*tuns));
	free(tuns);
}

/*
 * -r: the partner's manual rules for the imported tunnels, appended as
 * manual rules after the last rule (as impfilt does), each validated
 * like genfilt's.  Rules for tunnels not imported are skipped.
 */
static void
imp_rules(struct impstate *is, const char *dir, FILE *msgs)
{
	struct frule	 r;
	struct ftable	*ft;
	char		 path[PATH_MAX], err[512], *buf, *line, *next, *nl;
	size_t		 lineno = 1, i;
	int		 ver;

	buf = imp_load(dir, IMP_RULEFILE, "# ipsecfilt filtexp v1", path,
	    sizeof(path));
	line = strchr(buf, '\n');
	for (line = line != NULL ? line + 1 : NULL; line != NULL &&
	    *line != '\0'; line = next) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			next = nl + 1;
		} else
			next = NULL;
		if ((line[0] != '4' && line[0] != '6') || line[1] != '|')
			cmd_fail("%s:%zu: expected 4| or 6| first", path,
			    lineno);
		ver = line[0] - '0';
		if (rule_scan(&r, ver, line + 2, 0, err, sizeof(err)) == -1)
			cmd_fail("%s:%zu: %s", path, lineno, err);
		for (i = 0; i < is->is_n; i++)
			if (is->is_map[i].im_ver == ver &&
			    is->is_map[i].im_old == r.fr_rule.r_tunnel)
				break;
		if (i == is->is_n || r.fr_rule.r_tunnel == 0)
			continue;
		r.fr_rule.r_tunnel = is->is_map[i].im_new;
		r.fr_autogen = 0;
		ft = &is->is_ft[imp_vi(ver)];
		if (ftable_insert(ft, ft->ft_n - 1, &r) == -1)
			cmd_fail("the IPv%d filter table is full (%d rules)",
			    ver, IPF_MAXRULES);
		is->is_ftdirty[imp_vi(ver)] = 1;
		fprintf(msgs, "Filter rule %zu for IPv%d has been added "
		    "successfully.\n", ft->ft_n - 1, ver);
	}
	free(buf);
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct db_txn		 txn;
	struct impstate		 is;
	struct impmap		*m;
	char			 err[1024], *msgs = NULL;
	const char		*v, *dir;
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, k, msglen = 0;
	int			 ver, lockfd, vi;
	FILE			*fp;

	cmd_init("imptun", SYNOPSIS);
	cmd_getopt(argc, argv, "f:t:v:rg:l:n", &cf);
	ver = cmd_version(&cf, 0);
	if ((dir = cf.cf_val['f']) == NULL)
		cmd_usage("-f is required");
	if (cf.cf_val['n'] != NULL)
		cmd_fail("-n: IBM tunnels are not supported");
	if ((v = cf.cf_val['l']) != NULL && strcasecmp(v, "manual") != 0)
		cmd_fail("-l %s: %s", v, strcasecmp(v, "ibm") == 0 ?
		    "IBM tunnels are not supported" : "must be manual");
	memset(&is, 0, sizeof(is));
	if ((v = cf.cf_val['g']) != NULL &&
	    tunfield_yesno(v, &is.is_norules) == -1)
		cmd_fail("-g %s: must be Y or N", v);
	if (cf.cf_val['t'] != NULL && parse_idlist(cf.cf_val['t'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-t %s: %s", cf.cf_val['t'], err);

	if ((lockfd = db_lock(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	for (vi = 0; vi < 2; vi++)
		if (ttable_read(vi == 0 ? 4 : 6, &is.is_tt[vi], err,
		    sizeof(err)) == -1 || ftable_read(vi == 0 ? 4 : 6,
		    &is.is_ft[vi], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	/* Messages wait until everything is written: none on failure. */
	if ((fp = open_memstream(&msgs, &msglen)) == NULL)
		cmd_fail("out of memory");
	imp_tunnels(&is, dir, ver, ids, nids);
	for (i = 0; i < is.is_n; i++) {
		m = &is.is_map[i];
		is.is_ttdirty[imp_vi(m->im_ver)] = 1;
		if (m->im_nrules > 0)
			is.is_ftdirty[imp_vi(m->im_ver)] = 1;
		fprintf(fp, "Tunnel %u for IPv%d has been added "
		    "successfully.\n", m->im_new, m->im_ver);
		for (k = 0; k < m->im_nrules; k++)
			fprintf(fp, "Filter rule %zu for IPv%d has been added "
			    "successfully.\n", m->im_first + k + 1, m->im_ver);
	}
	if (cf.cf_val['r'] != NULL)
		imp_rules(&is, dir, fp);
	db_begin(&txn);
	for (vi = 0; vi < 2; vi++)
		if (is.is_ttdirty[vi] && ttable_stage(&is.is_tt[vi], &txn,
		    err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	for (vi = 0; vi < 2; vi++)
		if (is.is_ftdirty[vi] && ftable_stage(&is.is_ft[vi], &txn,
		    err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	if (db_commit(&txn, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	db_unlock(lockfd);

	if (fclose(fp) == EOF)
		cmd_fail("out of memory");
	fputs(msgs, stdout);
	free(msgs);
	for (vi = 0; vi < 2; vi++) {
		ttable_free(&is.is_tt[vi]);
		ftable_free(&is.is_ft[vi]);
	}
	free(is.is_map);
	free(ids);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
