/*
 * lsfilt: list the filter rules (aix-reference.md 2.5, 2.6, 3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "filtdb.h"
#include "parse.h"
#include "rule.h"

#define SYNOPSIS "lsfilt [-v 4|6] [-n fid_list] [-a | -d] [-O]"

/* The engine's tables (-a, -d), one version's table at a time. */
struct lsfilt_table {
	int		 lt_active;	/* the version is loaded */
	struct ctl_rule	*lt_rules;
	size_t		 lt_n;
};

static void	lsfilt_rule(const struct frule *, int);
static int	lsfilt_fetch(int, int, int, struct ctl_rule **, size_t *);
static void	lsfilt_active(const struct ctl_rule *, int);
static void	lsfilt_engine(const int *, int, int, int);

static void
lsfilt_rule(const struct frule *r, int oflag)
{
	char	buf[RULE_BLOCKMAX];

	if (oflag) {
		rule_fmt_line(r, 0, buf, sizeof(buf));
		printf("%s\n", buf);
	} else {
		rule_fmt_block(r, buf, sizeof(buf));
		fputs(buf, stdout);
	}
}

/*
 * Read one table from ipsecd: CTL_R_RULE per rule, then CTL_R_END, or
 * CTL_R_INACTIVE.  Returns 1 if the version is loaded, 0 if not.
 */
static int
lsfilt_fetch(int fd, int type, int ver, struct ctl_rule **rules, size_t *n)
{
	union ctl_msg	 m;
	struct ctl_rule	*nr;
	char		 err[CTL_ERRMAX + 64];
	size_t		 cap = 0;

	*rules = NULL;
	*n = 0;
	if (ctl_send(fd, type, ver, 0) == -1)
		cmd_fail("IPsec engine: %s", strerror(errno));
	for (;;) {
		switch (ctl_recv(fd, &m, err, sizeof(err))) {
		case CTL_R_RULE:
			if (*n == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				if ((nr = reallocarray(*rules, cap,
				    sizeof(*nr))) == NULL)
					cmd_fail("out of memory");
				*rules = nr;
			}
			(*rules)[(*n)++] = m.m_rule;
			break;
		case CTL_R_END:
			return (1);
		case CTL_R_INACTIVE:
			return (0);
		case CTL_R_ERR:
			cmd_fail("IPsec engine: %s", err);
		case -1:
			cmd_fail("%s", err);
		default:
			cmd_fail("IPsec engine: unexpected reply");
		}
	}
}

/*
 * A rule of the active table: the database formats plus the engine's
 * counters, after Expiration Time in the block (aix-reference.md 2.5)
 * and as three more columns with -O (2.6).
 */
static void
lsfilt_active(const struct ctl_rule *cr, int oflag)
{
	const struct ipf_rulestat	*rs = &cr->cr_stat;
	char				 buf[RULE_BLOCKMAX], rem[32];
	char				*exp, *eol;

	rem[0] = '\0';
	if (rs->rs_remaining >= 0)
		snprintf(rem, sizeof(rem), "%lld",
		    (long long)rs->rs_remaining);
	if (oflag) {
		rule_fmt_line(&cr->cr_rule, 0, buf, sizeof(buf));
		if (cr->cr_rule.fr_rule.r_action == IPF_ACT_PLACEMENT)
			printf("%s\n", buf);
		else
			printf("%s|%llu|%llu|%s\n", buf,
			    (unsigned long long)rs->rs_packets,
			    (unsigned long long)rs->rs_bytes, rem);
		return;
	}
	rule_fmt_block(&cr->cr_rule, buf, sizeof(buf));
	/* The placement rule has no Expiration Time and no counters. */
	if ((exp = strstr(buf, "\nExpiration Time")) == NULL ||
	    (eol = strchr(exp + 1, '\n')) == NULL) {
		fputs(buf, stdout);
		return;
	}
	fwrite(buf, 1, (size_t)(eol + 1 - buf), stdout);
	printf("%-20s: %llu\n%-20s: %llu\n", "Packets Matched",
	    (unsigned long long)rs->rs_packets, "Bytes Matched",
	    (unsigned long long)rs->rs_bytes);
	if (rem[0] != '\0')
		printf("%-20s: %s\n", "Time Remaining", rem);
	fputs(eol + 1, stdout);
}

/* -a (dynamic 0) or -d (dynamic 1). */
static void
lsfilt_engine(const int *vers, int nv, int dynamic, int oflag)
{
	struct lsfilt_table	 t[2];
	const char		*kind = dynamic ? "dynamic" : "active";
	char			 err[CTL_ERRMAX + 64];
	size_t			 j;
	int			 fd, i;

	/* Read everything first: an error prints nothing else. */
	if ((fd = ctl_connect(err, sizeof(err))) == -1)
		cmd_fail("%s", err);
	for (i = 0; i < nv; i++)
		t[i].lt_active = lsfilt_fetch(fd, dynamic ? CTL_DYNAMIC :
		    CTL_RULES, vers[i], &t[i].lt_rules, &t[i].lt_n);
	close(fd);

	for (i = 0; i < nv; i++) {
		if (!t[i].lt_active) {
			printf("IPv%d filter rules are not active.\n",
			    vers[i]);
			continue;
		}
		if (!oflag)
			printf("Beginning of IPv%d %s filter rules.\n",
			    vers[i], kind);
		for (j = 0; j < t[i].lt_n; j++)
			lsfilt_active(&t[i].lt_rules[j], oflag);
		if (!oflag)
			printf("End of IPv%d %s filter rules.\n", vers[i],
			    kind);
		free(t[i].lt_rules);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ftable		 ft[2];
	char			 err[1024];
	uint32_t		*ids = NULL;
	size_t			 nids = 0, i, j, idx;
	int			 vers[2], nv = 0, v, found, oflag;

	cmd_init("lsfilt", SYNOPSIS);
	cmd_getopt(argc, argv, "v:n:adO", &cf);
	v = cmd_version(&cf, 0);
	cmd_settle();
	cmd_exclusive(&cf, 'a', 'd');
	cmd_exclusive(&cf, 'n', 'a');
	cmd_exclusive(&cf, 'n', 'd');
	oflag = cf.cf_val['O'] != NULL;
	if (v == 0 || v == 4)
		vers[nv++] = 4;
	if (v == 0 || v == 6)
		vers[nv++] = 6;
	if (cf.cf_val['n'] != NULL && parse_idlist(cf.cf_val['n'], &ids,
	    &nids, err, sizeof(err)) == -1)
		cmd_fail("-n %s: %s", cf.cf_val['n'], err);
	/* The active and dynamic tables live in ipsecd only. */
	if (cf.cf_val['a'] != NULL || cf.cf_val['d'] != NULL) {
		lsfilt_engine(vers, nv, cf.cf_val['d'] != NULL, oflag);
		free(ids);
		if (fflush(stdout) == EOF || ferror(stdout))
			cmd_fail("standard output: write error");
		return (0);
	}

	/* Read everything first: an error prints nothing else. */
	for (i = 0; i < (size_t)nv; i++)
		if (ftable_read(vers[i], &ft[i], err, sizeof(err)) == -1)
			cmd_fail("%s", err);
	for (j = 0; j < nids; j++) {
		for (found = 0, i = 0; i < (size_t)nv; i++)
			if (ftable_index(&ft[i], ids[j], &idx) == 0)
				found = 1;
		if (!found)
			cmd_fail("rule %u does not exist for IPv%s", ids[j],
			    nv == 2 ? "4 or IPv6" : vers[0] == 4 ? "4" : "6");
	}

	for (i = 0; i < (size_t)nv; i++) {
		if (ids == NULL && !oflag)
			printf("Beginning of IPv%d filter rules.\n", vers[i]);
		for (j = 0; j < ft[i].ft_n; j++)
			if (ids == NULL || idlist_has(ids, nids,
			    ft[i].ft_rules[j].fr_rule.r_id))
				lsfilt_rule(&ft[i].ft_rules[j], oflag);
		if (ids == NULL && !oflag)
			printf("End of IPv%d filter rules.\n", vers[i]);
		ftable_free(&ft[i]);
	}
	free(ids);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
