/*
 * exptun: export manual tunnels for the partner's imptun
 * (aix-reference.md 5).  The file is the exporter's view; imptun does
 * the mirroring.  It holds the keys, so it is made 0600 in a directory
 * made 0700, written like a database (temp file, fsync, rename).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"
#include "tundb.h"
#include "tunfield.h"

#define SYNOPSIS "exptun [-v 4|6] -f directory [-t tid_list] [-r]"
#define EXP_TUNFILE	"ipsec_tun_manu.exp"
#define EXP_RULEFILE	"ipsec_fltr_rule.exp"

struct expbuf {
	char	*eb_buf;
	size_t	 eb_len, eb_cap;
};

static void	exp_line(struct expbuf *, const char *);
static void	exp_save(const char *, const char *, struct expbuf *);
static void	exp_rules(const struct ttable *, int, const uint32_t *,
		    size_t, struct expbuf *);

static void
exp_line(struct expbuf *eb, const char *line)
{
	size_t	n = strlen(line), ncap;
	char	*nb;

	if (eb->eb_cap - eb->eb_len < n + 2) {
		ncap = eb->eb_cap == 0 ? 4096 : eb->eb_cap;
		while (ncap - eb->eb_len < n + 2)
			ncap *= 2;
		/* Not realloc: the old buffer holds keys to wipe. */
		if ((nb = malloc(ncap)) == NULL)
			cmd_fail("out of memory");
		if (eb->eb_len > 0)
			memcpy(nb, eb->eb_buf, eb->eb_len);
		if (eb->eb_buf != NULL)
			explicit_bzero(eb->eb_buf, eb->eb_cap);
		free(eb->eb_buf);
		eb->eb_buf = nb;
		eb->eb_cap = ncap;
	}
	memcpy(eb->eb_buf + eb->eb_len, line, n);
	eb->eb_len += n;
	eb->eb_buf[eb->eb_len++] = '\n';
}

static void
exp_save(const char *dir, const char *name, struct expbuf *eb)
{
	char	path[PATH_MAX], err[1024];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		cmd_fail("-f %s: name too long", dir);
	if (db_save(path, eb->eb_buf, eb->eb_len, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	explicit_bzero(eb->eb_buf, eb->eb_cap);
	free(eb->eb_buf);
	memset(eb, 0, sizeof(*eb));
}

/*
 * -r: the manual rules naming the exported tunnels, as expfilt writes
 * them ("v|" + the 22 fields, no description, as AIX), inbound and
 * outbound swapped: what leaves here arrives there.
 */
static void
exp_rules(const struct ttable *tt, int nv, const uint32_t *ids,
    size_t nids, struct expbuf *eb)
{
	struct ftable	 ft;
	struct frule	 r;
	char		 err[1024], line[RULE_LINEMAX + 4];
	size_t		 i, j;
	int		 vi;

	exp_line(eb, "# ipsecfilt filtexp v1");
	for (vi = 0; vi < nv; vi++) {
		if (ftable_read(tt[vi].tt_ver, &ft, err, sizeof(err)) == -1)
			cmd_fail("%s", err);
		for (j = 0; j < ft.ft_n; j++) {
			r = ft.ft_rules[j];
			if (ftable_kind(&ft, j) != FR_MANUAL ||
			    r.fr_rule.r_tunnel == 0 ||
			    ttable_find(&tt[vi], r.fr_rule.r_tunnel) == NULL ||
			    !ttable_wanted(ids, nids, r.fr_rule.r_tunnel))
				continue;
			if (r.fr_rule.r_dir != IPF_DIR_BOTH)
				r.fr_rule.r_dir ^= IPF_DIR_BOTH;
			r.fr_desc[0] = '\0';
			i = (size_t)snprintf(line, sizeof(line), "%d|",
			    tt[vi].tt_ver);
			rule_fmt_line(&r, 0, line + i, sizeof(line) - i);
			exp_line(eb, line);
		}
		ftable_free(&ft);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ttable		 tt[2];
	struct expbuf		 eb;
	struct tun		*t;
	char			 err[1024], line[TUNF_LINEMAX];
	const char		*dir;
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, j, n = 0;
	int			 v, nv = 0;

	cmd_init("exptun", SYNOPSIS);
	cmd_getopt(argc, argv, "v:f:t:r", &cf);
	v = cmd_version(&cf, 0);
	cmd_settle();
	if ((dir = cf.cf_val['f']) == NULL)
		cmd_usage("-f is required");
	if (*dir == '\0')
		cmd_fail("-f: empty directory name");
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

	memset(&eb, 0, sizeof(eb));
	exp_line(&eb, "# ipsecfilt tunexp v1");
	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < tt[i].tt_n; j++) {
			t = &tt[i].tt_tuns[j];
			if (!ttable_wanted(ids, nids, t->t_id))
				continue;
			tunfield_fmt_line(t, TUNF_EXP, line, sizeof(line));
			exp_line(&eb, line);
			n++;
		}
	}
	explicit_bzero(line, sizeof(line));
	if (n == 0)
		cmd_fail("no tunnels to export");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		cmd_fail("-f %s: %s", dir, strerror(errno));
	exp_save(dir, EXP_TUNFILE, &eb);
	if (cf.cf_val['r'] != NULL) {
		exp_rules(tt, nv, ids, nids, &eb);
		exp_save(dir, EXP_RULEFILE, &eb);
	}

	for (i = 0; i < (size_t)nv; i++) {
		for (j = 0; j < tt[i].tt_n; j++)
			if (ttable_wanted(ids, nids, tt[i].tt_tuns[j].t_id))
				printf("Tunnel %u for IPv%d has been exported "
				    "successfully.\n", tt[i].tt_tuns[j].t_id,
				    tt[i].tt_ver);
		ttable_free(&tt[i]);
	}
	free(ids);
	return (0);
}
