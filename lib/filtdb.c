/*
 * filtdb.c: the filter databases filt4.db and filt6.db (aix-reference.md
 * 1.1, 2.2; architecture.md 6), and the engine's form of a table.
 *
 * A database is "# ipsecfilt filtV v1" and then one record per rule in
 * table order: the lsfilt -O line plus "|yes" or "|no" (Auto-Generated),
 * the placement rule as its 3-field line, the default rule (id 0) last.
 * A rule's id is its position, so the reader checks that they agree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confdir.h"
#include "db.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"

#define FLOAD_FILEMAX	(1024 * 1024)	/* one pattern file */

struct patbuf {				/* fload_make's growing output */
	uint8_t		*pb_bytes;
	size_t		 pb_len, pb_cap;
	size_t		*pb_off;	/* each pattern's offset, length */
	size_t		*pb_plen;
	size_t		 pb_n, pb_ncap;
};

static int	ftable_parse(int, const char *, char *, struct ftable *, char *,
		    size_t);
static void	ftable_renumber(struct ftable *);
static int	patbuf_reserve(struct patbuf *, size_t);
static int	patbuf_pattern(struct patbuf *, const char *);
static int	patbuf_file(struct patbuf *, const char *, char *, size_t);

/* aix-reference.md 2.2, kept as the records a database would hold. */
static const char *const ftable_init4[] = {
	"1|permit|0.0.0.0|0.0.0.0|0.0.0.0|0.0.0.0|no|udp|eq|4001|eq|4001|"
	    "both|both|no|all packets|0|all|0|||Default Rule|yes",
	"2|" RULE_PLACEMENT "|no",
	"0|permit|0.0.0.0|0.0.0.0|0.0.0.0|0.0.0.0|yes|all|any|0|any|0|"
	    "both|both|no|all packets|0|all|0|||Default Rule|no",
};
static const char *const ftable_init6[] = {
	"1|" RULE_PLACEMENT "|no",
	"0|permit|::|0|::|0|yes|all|any|0|any|0|"
	    "both|both|no|all packets|0|all|0|||Default Rule|no",
};

int
ftable_path(int ver, char *buf, size_t len, char *err, size_t errlen)
{
	char	name[16];

	snprintf(name, sizeof(name), "filt%d.db", ver);
	return (confdir_path(name, buf, len, err, errlen));
}

int
ftable_initial(int ver, struct ftable *ft)
{
	const char *const	*init = ver == 4 ? ftable_init4 : ftable_init6;
	size_t			 n = ver == 4 ? 3 : 2, i;
	char			 line[RULE_LINEMAX], err[256];

	ft->ft_ver = ver;
	ft->ft_n = 0;
	if ((ft->ft_rules = calloc(n, sizeof(*ft->ft_rules))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s", init[i]);
		if (rule_scan(&ft->ft_rules[i], ver, line, 1, err,
		    sizeof(err)) == -1) {
			ftable_free(ft);
			return (-1);	/* cannot happen: a fixed table */
		}
	}
	ft->ft_n = n;
	return (0);
}

/*
 * Whole-file checks as well as per-record ones: an administrator's edit
 * that breaks the numbering or loses the default rule is caught here,
 * not at load time.
 */
static int
ftable_parse(int ver, const char *path, char *buf, struct ftable *ft,
    char *err, size_t errlen)
{
	char		 hdr[32], why[256], *line, *next, *nl;
	struct frule	*nr;
	size_t		 lineno = 1, cap = 0, nplace = 0;

	ft->ft_ver = ver;
	ft->ft_rules = NULL;
	ft->ft_n = 0;
	snprintf(hdr, sizeof(hdr), FTABLE_HEADER, ver);
	for (line = buf; line != NULL && *line != '\0'; line = next,
	    lineno++) {
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			next = nl + 1;
		} else
			next = NULL;
		if (lineno == 1) {
			if (strcmp(line, hdr) != 0) {
				snprintf(err, errlen, "%s:1: expected \"%s\"",
				    path, hdr);
				goto fail;
			}
			continue;
		}
		if (ft->ft_n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			nr = reallocarray(ft->ft_rules, cap, sizeof(*nr));
			if (nr == NULL) {
				snprintf(err, errlen, "%s", strerror(errno));
				goto fail;
			}
			ft->ft_rules = nr;
		}
		nr = &ft->ft_rules[ft->ft_n];
		if (rule_scan(nr, ver, line, 1, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			goto fail;
		}
		if (ft->ft_n >= IPF_MAXRULES + 1) {
			snprintf(err, errlen, "%s:%zu: more than %d rules",
			    path, lineno, IPF_MAXRULES);
			goto fail;
		}
		ft->ft_n++;
		if (nr->fr_rule.r_action == IPF_ACT_PLACEMENT &&
		    ++nplace > 1) {
			snprintf(err, errlen, "%s:%zu: a second dynamic filter "
			    "placement rule", path, lineno);
			goto fail;
		}
		/* Ids are positions; only the last record may be 0. */
		if (nr->fr_rule.r_id != 0 && nr->fr_rule.r_id != ft->ft_n) {
			snprintf(err, errlen, "%s:%zu: rule id %u, expected "
			    "%zu", path, lineno, nr->fr_rule.r_id, ft->ft_n);
			goto fail;
		}
		if (nr->fr_rule.r_id == 0 && next != NULL && *next != '\0') {
			snprintf(err, errlen, "%s:%zu: the default rule (id 0) "
			    "must be the last", path, lineno);
			goto fail;
		}
	}
	if (lineno == 1) {
		snprintf(err, errlen, "%s:1: expected \"%s\"", path, hdr);
		goto fail;
	}
	if (ft->ft_n == 0 || ft->ft_rules[ft->ft_n - 1].fr_rule.r_id != 0 ||
	    (ft->ft_rules[ft->ft_n - 1].fr_rule.r_action != IPF_ACT_PERMIT &&
	    ft->ft_rules[ft->ft_n - 1].fr_rule.r_action != IPF_ACT_DENY)) {
		snprintf(err, errlen, "%s: no default rule (id 0, permit or "
		    "deny) at the end", path);
		goto fail;
	}
	if (nplace == 0) {
		snprintf(err, errlen, "%s: no dynamic filter placement rule",
		    path);
		goto fail;
	}
	return (0);
fail:
	ftable_free(ft);
	return (-1);
}

int
ftable_read(int ver, struct ftable *ft, char *err, size_t errlen)
{
	char	path[PATH_MAX], *buf;
	size_t	len;
	int	rv;

	memset(ft, 0, sizeof(*ft));
	if (ver != 4 && ver != 6) {
		snprintf(err, errlen, "bad IP version %d", ver);
		errno = EINVAL;
		return (-1);
	}
	if (ftable_path(ver, path, sizeof(path), err, errlen) == -1)
		return (-1);
	if ((rv = db_load(path, &buf, &len, err, errlen)) == -1)
		return (-1);
	if (rv == 1) {			/* no file: the initial table */
		if (ftable_initial(ver, ft) == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			return (-1);
		}
		return (0);
	}
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return (-1);
	}
	rv = ftable_parse(ver, path, buf, ft, err, errlen);
	free(buf);
	return (rv);
}

/* Lock, then read: the start of every edit.  *lockfd for db_unlock(). */
int
ftable_lock_read(int ver, struct ftable *ft, int *lockfd, char *err,
    size_t errlen)
{
	if ((*lockfd = db_lock(err, errlen)) == -1)
		return (-1);
	if (ftable_read(ver, ft, err, errlen) == -1) {
		db_unlock(*lockfd);
		*lockfd = -1;
		return (-1);
	}
	return (0);
}

void
ftable_free(struct ftable *ft)
{
	if (ft == NULL)
		return;
	free(ft->ft_rules);
	ft->ft_rules = NULL;
	ft->ft_n = 0;
}

int
ftable_stage(const struct ftable *ft, struct db_txn *txn, char *err,
    size_t errlen)
{
	char	 path[PATH_MAX], line[RULE_LINEMAX], *buf = NULL;
	size_t	 len = 0, i;
	FILE	*fp;
	int	 rv;

	if (ftable_path(ft->ft_ver, path, sizeof(path), err, errlen) == -1)
		goto fail;
	if ((fp = open_memstream(&buf, &len)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	fprintf(fp, FTABLE_HEADER "\n", ft->ft_ver);
	for (i = 0; i < ft->ft_n; i++) {
		rule_fmt_line(&ft->ft_rules[i], 1, line, sizeof(line));
		fprintf(fp, "%s\n", line);
	}
	if (fclose(fp) == EOF) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(buf);
		goto fail;
	}
	rv = db_stage(txn, path, buf, len, err, errlen);
	free(buf);
	return (rv);
fail:
	db_abort(txn);
	return (-1);
}

int
ftable_write(const struct ftable *ft, char *err, size_t errlen)
{
	struct db_txn	txn;

	db_begin(&txn);
	if (ftable_stage(ft, &txn, err, errlen) == -1)
		return (-1);
	return (db_commit(&txn, err, errlen));
}

static void
ftable_renumber(struct ftable *ft)
{
	size_t	i;

	for (i = 0; i < ft->ft_n; i++)
		ft->ft_rules[i].fr_rule.r_id = i + 1 == ft->ft_n ? 0 :
		    (uint32_t)(i + 1);
}

/* Rule id to index: 1..N are positions, 0 the default rule. */
int
ftable_index(const struct ftable *ft, uint32_t id, size_t *idx)
{
	if (ft->ft_n == 0)
		return (-1);
	if (id == 0) {
		*idx = ft->ft_n - 1;
		return (0);
	}
	if (id >= ft->ft_n)
		return (-1);
	*idx = id - 1;
	return (0);
}

/* Insert before index idx (at most the default rule's index). */
int
ftable_insert(struct ftable *ft, size_t idx, const struct frule *r)
{
	struct frule	*nr;

	if (idx >= ft->ft_n || ft->ft_n > IPF_MAXRULES) {
		errno = ENOSPC;
		return (-1);
	}
	if ((nr = reallocarray(ft->ft_rules, ft->ft_n + 1,
	    sizeof(*nr))) == NULL)
		return (-1);
	ft->ft_rules = nr;
	memmove(&nr[idx + 1], &nr[idx], (ft->ft_n - idx) * sizeof(*nr));
	nr[idx] = *r;
	ft->ft_n++;
	ftable_renumber(ft);
	return (0);
}

void
ftable_remove(struct ftable *ft, size_t idx)
{
	if (idx >= ft->ft_n)
		return;
	memmove(&ft->ft_rules[idx], &ft->ft_rules[idx + 1],
	    (ft->ft_n - idx - 1) * sizeof(*ft->ft_rules));
	ft->ft_n--;
	ftable_renumber(ft);
}

/*
 * Predefined rules (2.1): the default rule, the placement rule and, for
 * IPv4, rule 1, which nothing may displace from position 1.
 */
int
ftable_kind(const struct ftable *ft, size_t idx)
{
	const struct frule	*r = &ft->ft_rules[idx];

	if (idx + 1 == ft->ft_n || r->fr_rule.r_action == IPF_ACT_PLACEMENT ||
	    (ft->ft_ver == 4 && idx == 0))
		return (FR_PREDEF);
	return (r->fr_autogen ? FR_AUTO : FR_MANUAL);
}

/* N, the highest rule id: every rule but the default rule. */
size_t
ftable_nuser(const struct ftable *ft)
{
	return (ft->ft_n > 0 ? ft->ft_n - 1 : 0);
}

/* Room for len more bytes and one more pattern. */
static int
patbuf_reserve(struct patbuf *pb, size_t len)
{
	uint8_t	*nb;
	size_t	*no, *nl, ncap;

	if (pb->pb_n == pb->pb_ncap) {
		ncap = pb->pb_ncap == 0 ? 16 : pb->pb_ncap * 2;
		if ((no = reallocarray(pb->pb_off, ncap, sizeof(*no))) ==
		    NULL)
			return (-1);
		pb->pb_off = no;
		if ((nl = reallocarray(pb->pb_plen, ncap, sizeof(*nl))) ==
		    NULL)
			return (-1);
		pb->pb_plen = nl;
		pb->pb_ncap = ncap;
	}
	if (pb->pb_cap - pb->pb_len < len) {
		ncap = pb->pb_cap == 0 ? 4096 : pb->pb_cap;
		while (ncap - pb->pb_len < len)
			ncap *= 2;
		if ((nb = realloc(pb->pb_bytes, ncap)) == NULL)
			return (-1);
		pb->pb_bytes = nb;
		pb->pb_cap = ncap;
	}
	return (0);
}

/* Text, or "0x" and hex digits (2.4); -1 with EINVAL for bad hex. */
static int
patbuf_pattern(struct patbuf *pb, const char *s)
{
	size_t	n = strlen(s);

	if (patbuf_reserve(pb, n) == -1)
		return (-1);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (parse_hex(s, pb->pb_bytes + pb->pb_len, n, &n) == -1) {
			errno = EINVAL;
			return (-1);
		}
	} else
		memcpy(pb->pb_bytes + pb->pb_len, s, n);
	pb->pb_off[pb->pb_n] = pb->pb_len;
	pb->pb_plen[pb->pb_n] = n;
	pb->pb_len += n;
	pb->pb_n++;
	return (0);
}

/* A pattern file: one pattern per line, empty lines skipped. */
static int
patbuf_file(struct patbuf *pb, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0, lineno = 0, before = pb->pb_n;
	ssize_t	 n;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "pattern file %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((size_t)n > FLOAD_FILEMAX - 1 ||
		    patbuf_pattern(pb, line) == -1) {
			snprintf(err, errlen, "pattern file %s:%zu: %s", path,
			    lineno, errno == EINVAL || (size_t)n >
			    FLOAD_FILEMAX - 1 ? "bad pattern" :
			    strerror(errno));
			goto fail;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "pattern file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (pb->pb_n == before) {
		snprintf(err, errlen, "pattern file %s: no patterns", path);
		goto fail;
	}
	free(line);
	fclose(fp);
	return (0);
fail:
	free(line);
	fclose(fp);
	return (-1);
}

/*
 * The table as the engine loads it: the rules with their patterns as
 * bytes, pattern files read now (2.4: "read at load").
 */
int
fload_make(const struct ftable *ft, struct fload *fl, char *err,
    size_t errlen)
{
	struct patbuf	 pb;
	size_t		*first = NULL, i, j;
	char		 why[512];

	memset(fl, 0, sizeof(*fl));
	memset(&pb, 0, sizeof(pb));
	if (ft->ft_n == 0) {
		snprintf(err, errlen, "empty table");
		return (-1);
	}
	if ((fl->fl_rules = calloc(ft->ft_n, sizeof(*fl->fl_rules))) ==
	    NULL || (first = calloc(ft->ft_n + 1, sizeof(*first))) == NULL)
		goto nomem;
	for (i = 0; i < ft->ft_n; i++) {
		const struct frule	*r = &ft->ft_rules[i];

		fl->fl_rules[i] = r->fr_rule;
		fl->fl_rules[i].r_pats = NULL;
		fl->fl_rules[i].r_npats = 0;
		first[i] = pb.pb_n;
		if (r->fr_pattype == FR_PAT_TEXT &&
		    patbuf_pattern(&pb, r->fr_pattern) == -1) {
			snprintf(err, errlen, "rule %u: %s", r->fr_rule.r_id,
			    errno == EINVAL ? "bad hex pattern" :
			    strerror(errno));
			goto fail;
		}
		if (r->fr_pattype == FR_PAT_FILE &&
		    patbuf_file(&pb, r->fr_pattern, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "rule %u: %s", r->fr_rule.r_id,
			    why);
			goto fail;
		}
	}
	first[ft->ft_n] = pb.pb_n;
	fl->fl_n = ft->ft_n;
	if (pb.pb_n > 0) {
		if ((fl->fl_pats = calloc(pb.pb_n, sizeof(*fl->fl_pats))) ==
		    NULL)
			goto nomem;
		/* Pointers only now: pb_bytes no longer moves. */
		fl->fl_bytes = pb.pb_bytes;
		pb.pb_bytes = NULL;
		for (j = 0; j < pb.pb_n; j++) {
			fl->fl_pats[j].pat_data = fl->fl_bytes + pb.pb_off[j];
			fl->fl_pats[j].pat_len = pb.pb_plen[j];
		}
		for (i = 0; i < ft->ft_n; i++) {
			if (first[i + 1] == first[i])
				continue;
			fl->fl_rules[i].r_pats = &fl->fl_pats[first[i]];
			fl->fl_rules[i].r_npats = first[i + 1] - first[i];
		}
	}
	free(pb.pb_bytes);
	free(pb.pb_off);
	free(pb.pb_plen);
	free(first);
	return (0);
nomem:
	snprintf(err, errlen, "%s", strerror(errno));
fail:
	free(pb.pb_bytes);
	free(pb.pb_off);
	free(pb.pb_plen);
	free(first);
	fload_free(fl);
	return (-1);
}

void
fload_free(struct fload *fl)
{
	if (fl == NULL)
		return;
	free(fl->fl_rules);
	free(fl->fl_pats);
	free(fl->fl_bytes);
	memset(fl, 0, sizeof(*fl));
}
