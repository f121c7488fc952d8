/*
 * filtexp.c: one line of the export file.  Descriptions stay home (as on
 * AIX), and unless told otherwise the direction is turned around for the
 * partner: what leaves here arrives there.
 */
#include <stdio.h>
#include <string.h>

#include "filtexp.h"
#include "rule.h"

/*
 * swap: exchange inbound and outbound.  Shun and pattern rules keep
 * theirs (decision): they inspect what arrives, so they are inbound
 * rules on every host, and an outbound one would not even load.
 */
int
filtexp_fmt(const struct frule *r, int swap, char *buf, size_t len)
{
	struct frule	x = *r;
	char		line[RULE_LINEMAX];

	x.fr_desc[0] = '\0';
	if (x.fr_pattype != FR_PAT_NONE ||
	    x.fr_rule.r_action == IPF_ACT_SHUN_HOST ||
	    x.fr_rule.r_action == IPF_ACT_SHUN_PORT)
		swap = 0;
	if (swap && x.fr_rule.r_dir == IPF_DIR_IN)
		x.fr_rule.r_dir = IPF_DIR_OUT;
	else if (swap && x.fr_rule.r_dir == IPF_DIR_OUT)
		x.fr_rule.r_dir = IPF_DIR_IN;
	rule_fmt_line(&x, 0, line, sizeof(line));
	return (snprintf(buf, len, "%d|%s", x.fr_rule.r_ver, line));
}

/* A line without its newline, parsed in place. */
int
filtexp_scan(char *line, struct frule *r, char *err, size_t errlen)
{
	int	ver;

	if (strncmp(line, "4|", 2) == 0)
		ver = 4;
	else if (strncmp(line, "6|", 2) == 0)
		ver = 6;
	else {
		snprintf(err, errlen, "expected the IP version (4| or 6|)");
		return (-1);
	}
	return (rule_scan(r, ver, line + 2, 0, err, errlen));
}
