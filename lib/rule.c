/*
 * rule.c: the filter rule field table (aix-reference.md 2.3, 2.5, 2.6).
 *
 * Each row is one column of the lsfilt -O format: the genfilt flag that
 * sets it, its lsfilt label, one parser for both the flag form ("-a P")
 * and the listing form ("permit"), and one printer for the listing form.
 * The rows are in lsfilt's human order; Auto-Generated (database only,
 * column 23) sits between Interface and Expiration Time there.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "parse.h"
#include "rule.h"

#define RF_DBONLY	0x01		/* not an lsfilt -O column */
#define RF_SELECTOR	0x02		/* ELSE/ENDIF must leave it default */
#define RF_IFSET	0x04		/* human line only when set */
#define RF_PORTS	0x08		/* human line: "%-3s %u" op and port */

struct rfield {
	int		  rf_flag;	/* genfilt flag, 0 if none */
	int		  rf_flag2;	/* a second flag for the field */
	const char	 *rf_name;	/* -O field name, for record errors */
	const char	 *rf_label;	/* lsfilt label, NULL: no line */
	const char	 *rf_icmplabel;	/* label for ICMP rules */
	int		  rf_col;	/* 1-based -O column (23: database) */
	int		  rf_flags;	/* RF_* */
	int		(*rf_parse)(struct frule *, int, const char *, char *,
			    size_t);
	void		(*rf_print)(const struct frule *, char *, size_t);
};

static int	fld_id(struct frule *, int, const char *, char *, size_t);
static void	fld_id_str(const struct frule *, char *, size_t);
static int	fld_action(struct frule *, int, const char *, char *, size_t);
static void	fld_action_str(const struct frule *, char *, size_t);
static int	fld_addr(struct frule *, int, const char *, char *, size_t);
static void	fld_addr_str(const struct frule *, char *, size_t);
static int	fld_mask(struct frule *, int, const char *, char *, size_t);
static void	fld_mask_str(const struct frule *, char *, size_t);
static void	fld_daddr_str(const struct frule *, char *, size_t);
static void	fld_dmask_str(const struct frule *, char *, size_t);
static int	fld_yesno(struct frule *, int, const char *, char *, size_t);
static void	fld_srcroute_str(const struct frule *, char *, size_t);
static int	fld_proto(struct frule *, int, const char *, char *, size_t);
static void	fld_proto_str(const struct frule *, char *, size_t);
static int	fld_op(struct frule *, int, const char *, char *, size_t);
static void	fld_sop_str(const struct frule *, char *, size_t);
static void	fld_dop_str(const struct frule *, char *, size_t);
static int	fld_port(struct frule *, int, const char *, char *, size_t);
static void	fld_sport_str(const struct frule *, char *, size_t);
static void	fld_dport_str(const struct frule *, char *, size_t);
static int	fld_scope(struct frule *, int, const char *, char *, size_t);
static void	fld_scope_str(const struct frule *, char *, size_t);
static int	fld_dir(struct frule *, int, const char *, char *, size_t);
static void	fld_dir_str(const struct frule *, char *, size_t);
static void	fld_log_str(const struct frule *, char *, size_t);
static int	fld_frag(struct frule *, int, const char *, char *, size_t);
static void	fld_frag_str(const struct frule *, char *, size_t);
static int	fld_tunnel(struct frule *, int, const char *, char *, size_t);
static void	fld_tunnel_str(const struct frule *, char *, size_t);
static int	fld_iface(struct frule *, int, const char *, char *, size_t);
static void	fld_iface_str(const struct frule *, char *, size_t);
static void	fld_autogen_str(const struct frule *, char *, size_t);
static int	fld_expire(struct frule *, int, const char *, char *, size_t);
static void	fld_expire_str(const struct frule *, char *, size_t);
static int	fld_pattype(struct frule *, int, const char *, char *,
		    size_t);
static void	fld_pattype_str(const struct frule *, char *, size_t);
static int	fld_pattern(struct frule *, int, const char *, char *,
		    size_t);
static void	fld_pattern_str(const struct frule *, char *, size_t);
static int	fld_desc(struct frule *, int, const char *, char *, size_t);
static void	fld_desc_str(const struct frule *, char *, size_t);

static int	rule_hasports(unsigned int);
static int	rule_isicmp(const struct frule *);
static int	rule_err(char *, size_t, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));

static const struct rfield rule_fields[] = {
	/* flag	flag2	name		label			ICMP label
	   col	flags		parse		print */
	{ 'n',	0,	"id",		NULL,			NULL,
	  1,	0,		fld_id,		fld_id_str },
	{ 'a',	0,	"action",	"Rule action",		NULL,
	  2,	0,		fld_action,	fld_action_str },
	{ 's',	0,	"saddr",	"Source Address",	NULL,
	  3,	RF_SELECTOR,	fld_addr,	fld_addr_str },
	{ 'm',	0,	"smask",	"Source Mask",		NULL,
	  4,	RF_SELECTOR,	fld_mask,	fld_mask_str },
	{ 'd',	0,	"daddr",	"Destination Address",	NULL,
	  5,	RF_SELECTOR,	fld_addr,	fld_daddr_str },
	{ 'M',	0,	"dmask",	"Destination Mask",	NULL,
	  6,	RF_SELECTOR,	fld_mask,	fld_dmask_str },
	{ 'g',	0,	"srcroute",	"Source Routing",	NULL,
	  7,	RF_SELECTOR,	fld_yesno,	fld_srcroute_str },
	{ 'c',	0,	"proto",	"Protocol",		NULL,
	  8,	RF_SELECTOR,	fld_proto,	fld_proto_str },
	{ 'o',	0,	"sop",		"Source Port",		"ICMP type",
	  9,	RF_SELECTOR | RF_PORTS, fld_op, fld_sop_str },
	{ 'p',	0,	"sport",	NULL,			NULL,
	  10,	RF_SELECTOR,	fld_port,	fld_sport_str },
	{ 'O',	0,	"dop",		"Destination Port",	"ICMP code",
	  11,	RF_SELECTOR | RF_PORTS, fld_op, fld_dop_str },
	{ 'P',	0,	"dport",	NULL,			NULL,
	  12,	RF_SELECTOR,	fld_port,	fld_dport_str },
	{ 'r',	0,	"scope",	"Scope",		NULL,
	  13,	RF_SELECTOR,	fld_scope,	fld_scope_str },
	{ 'w',	0,	"direction",	"Direction",		NULL,
	  14,	RF_SELECTOR,	fld_dir,	fld_dir_str },
	{ 'l',	0,	"log",		"Logging control",	NULL,
	  15,	0,		fld_yesno,	fld_log_str },
	{ 'f',	0,	"frag",		"Fragment control",	NULL,
	  16,	RF_SELECTOR,	fld_frag,	fld_frag_str },
	{ 't',	0,	"tunnel",	"Tunnel ID number",	NULL,
	  17,	0,		fld_tunnel,	fld_tunnel_str },
	{ 'i',	0,	"iface",	"Interface",		NULL,
	  18,	RF_SELECTOR,	fld_iface,	fld_iface_str },
	{ 0,	0,	"autogen",	"Auto-Generated",	NULL,
	  23,	RF_DBONLY,	fld_yesno,	fld_autogen_str },
	{ 'e',	0,	"expire",	"Expiration Time",	NULL,
	  19,	0,		fld_expire,	fld_expire_str },
	{ 0,	0,	"pattype",	"Pattern Type",		NULL,
	  20,	RF_IFSET,	fld_pattype,	fld_pattype_str },
	{ 'x',	'X',	"pattern",	"Pattern",		NULL,
	  21,	RF_IFSET,	fld_pattern,	fld_pattern_str },
	{ 'D',	0,	"description",	"Description",		NULL,
	  22,	0,		fld_desc,	fld_desc_str },
};
#define RULE_NFIELDS	(sizeof(rule_fields) / sizeof(rule_fields[0]))

/* Every flag above but -n, which says which rule, not what it is. */
const char	rule_optstring[] =
    "a:s:m:d:M:g:c:o:p:O:P:r:w:l:f:t:i:e:x:X:D:";

static const struct keyword kw_action[] = {
	{ "P",	"permit",	IPF_ACT_PERMIT },
	{ "D",	"deny",		IPF_ACT_DENY },
	{ "I",	"if",		IPF_ACT_IF },
	{ "L",	"else",		IPF_ACT_ELSE },
	{ "E",	"endif",	IPF_ACT_ENDIF },
	{ "H",	"shun_host",	IPF_ACT_SHUN_HOST },
	{ "S",	"shun_port",	IPF_ACT_SHUN_PORT },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_yesno[] = {
	{ "Y",	"yes",		1 },
	{ "N",	"no",		0 },
	{ NULL,	NULL,		0 }
};

/* Protocol numbers with a name are stored by name (2.3). */
static const struct keyword kw_proto[] = {
	{ NULL,	"all",		IPF_PROTO_ALL },
	{ NULL,	"icmp",		1 },
	{ NULL,	"ipip",		4 },
	{ NULL,	"tcp",		6 },
	{ NULL,	"tcp/ack",	IPF_PROTO_TCPACK },
	{ NULL,	"udp",		17 },
	{ NULL,	"esp",		50 },
	{ NULL,	"ah",		51 },
	{ NULL,	"icmpv6",	58 },
	{ NULL,	"ospf",		89 },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_op[] = {
	{ NULL,	"any",		IPF_OP_ANY },
	{ NULL,	"eq",		IPF_OP_EQ },
	{ NULL,	"neq",		IPF_OP_NEQ },
	{ NULL,	"lt",		IPF_OP_LT },
	{ NULL,	"le",		IPF_OP_LE },
	{ NULL,	"gt",		IPF_OP_GT },
	{ NULL,	"ge",		IPF_OP_GE },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_scope[] = {
	{ "R",	"route",	IPF_SCOPE_ROUTE },
	{ "L",	"local",	IPF_SCOPE_LOCAL },
	{ "B",	"both",		IPF_SCOPE_BOTH },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_dir[] = {
	{ "I",	"inbound",	IPF_DIR_IN },
	{ "O",	"outbound",	IPF_DIR_OUT },
	{ "B",	"both",		IPF_DIR_BOTH },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_frag[] = {
	{ "Y",	"all packets",	IPF_FRAG_ALL },
	{ "N",	"unfragmented packets only", IPF_FRAG_NONE },
	{ "O",	"fragments and fragment headers only", IPF_FRAG_ONLY },
	{ "H",	"fragment headers and unfragmented packets only",
		IPF_FRAG_HDR },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_pattype[] = {
	{ NULL,	"",		FR_PAT_NONE },
	{ NULL,	"Pattern",	FR_PAT_TEXT },
	{ NULL,	"Pattern File",	FR_PAT_FILE },
	{ NULL,	NULL,		0 }
};

static int
rule_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return (-1);
}

/* Field parsers: flag is the genfilt flag, 0 for a listing field. */

static int
fld_id(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	uint32_t	v;

	(void)flag;
	if (parse_uint(s, IPF_MAXRULES, &v) == -1)
		return (rule_err(err, errlen, "not a rule id"));
	r->fr_rule.r_id = v;
	return (0);
}

static void
fld_id_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u", r->fr_rule.r_id);
}

static int
fld_action(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	int	v;

	(void)flag;
	if (parse_keyword(s, kw_action, &v) == -1)
		return (rule_err(err, errlen, "not an action (P, D, I, L, E, "
		    "H or S)"));
	r->fr_rule.r_action = (uint8_t)v;
	return (0);
}

static void
fld_action_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_action,
	    r->fr_rule.r_action));
}

/* Which of the two addresses: the flag, or the column's name. */
static int
fld_addr(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	union ipf_addr	*a;

	a = flag == 's' ? &r->fr_rule.r_src : &r->fr_rule.r_dst;
	return (parse_addr(s, r->fr_rule.r_ver, a, err, errlen));
}

static void
fld_addr_str(const struct frule *r, char *buf, size_t len)
{
	addr_str(r->fr_rule.r_ver, &r->fr_rule.r_src, buf, len);
}

static void
fld_daddr_str(const struct frule *r, char *buf, size_t len)
{
	addr_str(r->fr_rule.r_ver, &r->fr_rule.r_dst, buf, len);
}

static int
fld_mask(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	union ipf_addr	*m;

	m = flag == 'm' ? &r->fr_rule.r_smask : &r->fr_rule.r_dmask;
	return (parse_mask(s, r->fr_rule.r_ver, m, err, errlen));
}

/* IPv6 masks list as prefix lengths (2.6). */
static void
fld_mask_str(const struct frule *r, char *buf, size_t len)
{
	if (r->fr_rule.r_ver == 6)
		snprintf(buf, len, "%d", mask_prefix(6, &r->fr_rule.r_smask));
	else
		addr_str(4, &r->fr_rule.r_smask, buf, len);
}

static void
fld_dmask_str(const struct frule *r, char *buf, size_t len)
{
	if (r->fr_rule.r_ver == 6)
		snprintf(buf, len, "%d", mask_prefix(6, &r->fr_rule.r_dmask));
	else
		addr_str(4, &r->fr_rule.r_dmask, buf, len);
}

/* -g, -l and the database's Auto-Generated column. */
static int
fld_yesno(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_yesno, &v) == -1)
		return (rule_err(err, errlen, "must be Y or N"));
	if (flag == 'g')
		r->fr_rule.r_srcroute = (uint8_t)v;
	else if (flag == 'l')
		r->fr_rule.r_log = (uint8_t)v;
	else
		r->fr_autogen = (uint8_t)v;
	return (0);
}

static void
fld_srcroute_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_rule.r_srcroute ? "yes" : "no");
}

static void
fld_log_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_rule.r_log ? "yes" : "no");
}

static void
fld_autogen_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_autogen ? "yes" : "no");
}

static int
fld_proto(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	uint32_t	v;
	int		kv;

	(void)flag;
	if (parse_keyword(s, kw_proto, &kv) == 0)
		v = (uint32_t)kv;
	else if (parse_uint(s, 255, &v) == -1 || v == 0)
		return (rule_err(err, errlen, "not a protocol (a name or "
		    "1-255)"));
	r->fr_rule.r_proto = (uint16_t)v;
	return (0);
}

static void
fld_proto_str(const struct frule *r, char *buf, size_t len)
{
	const char	*name = parse_kwname(kw_proto, r->fr_rule.r_proto);

	if (strcmp(name, "?") == 0)
		snprintf(buf, len, "%u", r->fr_rule.r_proto);
	else
		snprintf(buf, len, "%s", name);
}

static int
fld_op(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_op, &v) == -1)
		return (rule_err(err, errlen, "not an operator (lt, le, gt, "
		    "ge, eq, neq or any)"));
	if (flag == 'o')
		r->fr_rule.r_sop = (uint8_t)v;
	else
		r->fr_rule.r_dop = (uint8_t)v;
	return (0);
}

static void
fld_sop_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_op, r->fr_rule.r_sop));
}

static void
fld_dop_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_op, r->fr_rule.r_dop));
}

static int
fld_port(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	uint32_t	v;

	if (parse_uint(s, 65535, &v) == -1)
		return (rule_err(err, errlen, "not a port (0-65535)"));
	if (flag == 'p')
		r->fr_rule.r_sport = (uint16_t)v;
	else
		r->fr_rule.r_dport = (uint16_t)v;
	return (0);
}

static void
fld_sport_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u", r->fr_rule.r_sport);
}

static void
fld_dport_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u", r->fr_rule.r_dport);
}

static int
fld_scope(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	int	v;

	(void)flag;
	if (parse_keyword(s, kw_scope, &v) == -1)
		return (rule_err(err, errlen, "must be R, L or B"));
	r->fr_rule.r_scope = (uint8_t)v;
	return (0);
}

static void
fld_scope_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_scope, r->fr_rule.r_scope));
}

static int
fld_dir(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	int	v;

	(void)flag;
	if (parse_keyword(s, kw_dir, &v) == -1)
		return (rule_err(err, errlen, "must be I, O or B"));
	r->fr_rule.r_dir = (uint8_t)v;
	return (0);
}

static void
fld_dir_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_dir, r->fr_rule.r_dir));
}

static int
fld_frag(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	int	v;

	(void)flag;
	if (parse_keyword(s, kw_frag, &v) == -1)
		return (rule_err(err, errlen, "must be Y, N, O or H"));
	r->fr_rule.r_frag = (uint8_t)v;
	return (0);
}

static void
fld_frag_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_frag, r->fr_rule.r_frag));
}

static int
fld_tunnel(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	uint32_t	v;

	(void)flag;
	if (parse_uint(s, UINT32_MAX, &v) == -1)
		return (rule_err(err, errlen, "not a tunnel id"));
	r->fr_rule.r_tunnel = v;
	return (0);
}

static void
fld_tunnel_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u", r->fr_rule.r_tunnel);
}

/* "all" is the engine's empty name. */
static int
fld_iface(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	(void)flag;
	if (strcasecmp(s, "all") == 0) {
		r->fr_rule.r_ifname[0] = '\0';
		return (0);
	}
	if (*s == '\0' || strlen(s) > PARSE_IFMAX ||
	    strpbrk(s, "/ \t|") != NULL ||
	    parse_text(s, PARSE_IFMAX, err, errlen) == -1)
		return (rule_err(err, errlen, "not an interface name (at "
		    "most %d bytes, or all)", PARSE_IFMAX));
	snprintf(r->fr_rule.r_ifname, sizeof(r->fr_rule.r_ifname), "%s", s);
	return (0);
}

static void
fld_iface_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_rule.r_ifname[0] != '\0' ?
	    r->fr_rule.r_ifname : "all");
}

static int
fld_expire(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	uint32_t	v;

	(void)flag;
	if (parse_uint(s, INT32_MAX, &v) == -1)
		return (rule_err(err, errlen, "not a number of seconds "
		    "(0-2147483647)"));
	r->fr_rule.r_expire = v;
	return (0);
}

static void
fld_expire_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u", r->fr_rule.r_expire);
}

static int
fld_pattype(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	int	v;

	(void)flag;
	if (parse_keyword(s, kw_pattype, &v) == -1)
		return (rule_err(err, errlen, "must be Pattern, Pattern File "
		    "or empty"));
	r->fr_pattype = (uint8_t)v;
	return (0);
}

static void
fld_pattype_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_pattype, r->fr_pattype));
}

/*
 * -x text or 0x hex, -X a file of patterns read at load (2.4); a
 * relative file name is made absolute so a later load from elsewhere
 * finds the same file.  -x '' clears the pattern (decision).  From a
 * listing, the Pattern Type column (parsed first) says which.
 */
static int
fld_pattern(struct frule *r, int flag, const char *s, char *err,
    size_t errlen)
{
	char	cwd[PATH_MAX], path[PATH_MAX + FR_TEXTMAX];
	size_t	n;

	if (flag == 'x')
		r->fr_pattype = *s == '\0' ? FR_PAT_NONE : FR_PAT_TEXT;
	else if (flag == 'X')
		r->fr_pattype = FR_PAT_FILE;
	if (r->fr_pattype == FR_PAT_NONE) {
		if (*s != '\0')
			return (rule_err(err, errlen, "a pattern needs a "
			    "pattern type"));
		r->fr_pattern[0] = '\0';
		return (0);
	}
	if (*s == '\0')
		return (rule_err(err, errlen, "empty pattern"));
	if (r->fr_pattype == FR_PAT_TEXT && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') &&
	    parse_hex(s, NULL, FR_TEXTMAX, &n) == -1)
		return (rule_err(err, errlen, "bad hex pattern"));
	if (r->fr_pattype == FR_PAT_FILE && s[0] != '/') {
		if (flag != 'X')
			return (rule_err(err, errlen, "not an absolute file "
			    "name"));
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return (rule_err(err, errlen, "%s", strerror(errno)));
		snprintf(path, sizeof(path), "%s/%s", cwd, s);
		s = path;
	}
	if (parse_text(s, PARSE_TEXTMAX, err, errlen) == -1)
		return (-1);
	memcpy(r->fr_pattern, s, strlen(s) + 1);	/* fits: checked */
	return (0);
}

static void
fld_pattern_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_pattern);
}

static int
fld_desc(struct frule *r, int flag, const char *s, char *err, size_t errlen)
{
	(void)flag;
	if (parse_text(s, PARSE_TEXTMAX, err, errlen) == -1)
		return (-1);
	snprintf(r->fr_desc, sizeof(r->fr_desc), "%s", s);
	return (0);
}

static void
fld_desc_str(const struct frule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", r->fr_desc);
}

/* A genfilt rule before any flag: the defaults of 2.3. */
void
rule_init(struct frule *r, int ver)
{
	memset(r, 0, sizeof(*r));
	r->fr_rule.r_ver = (uint8_t)ver;
	r->fr_rule.r_action = IPF_ACT_PERMIT;
	r->fr_rule.r_srcroute = 1;
	r->fr_rule.r_proto = IPF_PROTO_ALL;
	r->fr_rule.r_sop = IPF_OP_ANY;
	r->fr_rule.r_dop = IPF_OP_ANY;
	r->fr_rule.r_scope = IPF_SCOPE_BOTH;
	r->fr_rule.r_dir = IPF_DIR_BOTH;
	r->fr_rule.r_frag = IPF_FRAG_ALL;
	r->fr_pattype = FR_PAT_NONE;
}

/* Protocols whose rules may test ports or ICMP type and code (2.4). */
static int
rule_hasports(unsigned int proto)
{
	return (proto == IPF_PROTO_ALL || proto == 6 || proto == 17 ||
	    proto == IPF_PROTO_TCPACK || proto == 1 || proto == 58);
}

static int
rule_isicmp(const struct frule *r)
{
	return (r->fr_rule.r_proto == 1 || r->fr_rule.r_proto == 58);
}

/*
 * Apply the rule flags of a genfilt (isnew) or chfilt command line, then
 * the defaults that depend on which flags were given (2.3), then check
 * the result as a whole.  Messages name the flag and its value.
 */
int
rule_apply(struct frule *r, const struct cmd_flags *cf, int isnew,
    char *err, size_t errlen)
{
	const struct rfield	*f;
	const char		*v;
	char			 why[256];
	uint8_t			 oldsop = r->fr_rule.r_sop;
	uint8_t			 olddop = r->fr_rule.r_dop;
	int			 fl, k;
	size_t			 i;

	for (i = 0; i < RULE_NFIELDS; i++) {
		f = &rule_fields[i];
		if (f->rf_flag == 'n')
			continue;
		for (k = 0; k < 2; k++) {
			fl = k == 0 ? f->rf_flag : f->rf_flag2;
			if (fl == 0 || (v = cf->cf_val[fl]) == NULL)
				continue;
			if (f->rf_parse(r, fl, v, why, sizeof(why)) == -1)
				return (rule_err(err, errlen, "-%c %s: %s",
				    fl, v, why));
		}
	}
	/* An omitted mask is the host mask, or 0 for the any address. */
	if (isnew && cf->cf_val['s'] != NULL && cf->cf_val['m'] == NULL &&
	    !addr_isany(r->fr_rule.r_ver, &r->fr_rule.r_src))
		mask_host(r->fr_rule.r_ver, &r->fr_rule.r_smask);
	if (isnew && cf->cf_val['d'] != NULL && cf->cf_val['M'] == NULL &&
	    !addr_isany(r->fr_rule.r_ver, &r->fr_rule.r_dst))
		mask_host(r->fr_rule.r_ver, &r->fr_rule.r_dmask);

	/* A port alone means eq; an operator other than any needs one. */
	if (cf->cf_val['p'] != NULL && cf->cf_val['o'] == NULL &&
	    r->fr_rule.r_sop == IPF_OP_ANY)
		r->fr_rule.r_sop = IPF_OP_EQ;
	if (cf->cf_val['P'] != NULL && cf->cf_val['O'] == NULL &&
	    r->fr_rule.r_dop == IPF_OP_ANY)
		r->fr_rule.r_dop = IPF_OP_EQ;
	if (cf->cf_val['o'] != NULL && cf->cf_val['p'] == NULL) {
		if (r->fr_rule.r_sop == IPF_OP_ANY)
			r->fr_rule.r_sport = 0;
		else if (isnew || oldsop == IPF_OP_ANY)
			return (rule_err(err, errlen, "-o %s: needs a port "
			    "(-p)", cf->cf_val['o']));
	}
	if (cf->cf_val['O'] != NULL && cf->cf_val['P'] == NULL) {
		if (r->fr_rule.r_dop == IPF_OP_ANY)
			r->fr_rule.r_dport = 0;
		else if (isnew || olddop == IPF_OP_ANY)
			return (rule_err(err, errlen, "-O %s: needs a port "
			    "(-P)", cf->cf_val['O']));
	}
	return (rule_check(r, err, errlen));
}

/*
 * What a rule must satisfy whatever its origin (genfilt, chfilt, a
 * database or export file): the cross-field rules of 2.3 and 2.4.
 */
int
rule_check(const struct frule *fr, char *err, size_t errlen)
{
	const struct ipf_rule	*r = &fr->fr_rule;
	const struct rfield	*f;
	struct frule		 def;
	char			 a[FR_TEXTMAX + 16], b[FR_TEXTMAX + 16];
	size_t			 i;
	int			 blk;

	if (r->r_action == IPF_ACT_PLACEMENT)
		return (0);
	if (r->r_proto == 1 && r->r_ver == 6)
		return (rule_err(err, errlen, "-c icmp: not an IPv6 protocol; "
		    "use icmpv6"));
	if (r->r_proto == 58 && r->r_ver == 4)
		return (rule_err(err, errlen, "-c icmpv6: not an IPv4 "
		    "protocol; use icmp"));
	if (r->r_sop == IPF_OP_ANY && r->r_sport != 0)
		return (rule_err(err, errlen, "-p %u: operator any takes no "
		    "port", r->r_sport));
	if (r->r_dop == IPF_OP_ANY && r->r_dport != 0)
		return (rule_err(err, errlen, "-P %u: operator any takes no "
		    "port", r->r_dport));
	if (!rule_hasports(r->r_proto)) {
		fld_proto_str(fr, a, sizeof(a));
		if (r->r_sop != IPF_OP_ANY)
			return (rule_err(err, errlen, "-p %u: protocol %s has "
			    "no ports", r->r_sport, a));
		if (r->r_dop != IPF_OP_ANY)
			return (rule_err(err, errlen, "-P %u: protocol %s has "
			    "no ports", r->r_dport, a));
	}
	if (rule_isicmp(fr) && r->r_sport > 255)
		return (rule_err(err, errlen, "-p %u: ICMP type must be "
		    "0-255", r->r_sport));
	if (rule_isicmp(fr) && r->r_dport > 255)
		return (rule_err(err, errlen, "-P %u: ICMP code must be "
		    "0-255", r->r_dport));
	if (r->r_tunnel != 0 && r->r_action != IPF_ACT_PERMIT)
		return (rule_err(err, errlen, "-t %u: only permit rules (-a P) "
		    "can name a tunnel", r->r_tunnel));

	/* SHUN and pattern rules inspect what arrives (2.4). */
	if ((r->r_action == IPF_ACT_SHUN_HOST ||
	    r->r_action == IPF_ACT_SHUN_PORT) && r->r_dir == IPF_DIR_OUT)
		return (rule_err(err, errlen, "-w outbound: shun rules are "
		    "inbound only"));
	if (fr->fr_pattype != FR_PAT_NONE && r->r_dir == IPF_DIR_OUT)
		return (rule_err(err, errlen, "-w outbound: pattern rules are "
		    "inbound only"));

	blk = r->r_action == IPF_ACT_IF || r->r_action == IPF_ACT_ELSE ||
	    r->r_action == IPF_ACT_ENDIF;
	if (!blk)
		return (0);
	fld_action_str(fr, b, sizeof(b));
	if (r->r_tunnel != 0)
		return (rule_err(err, errlen, "-t %u: %s rules take no tunnel",
		    r->r_tunnel, b));
	if (r->r_expire != 0)
		return (rule_err(err, errlen, "-e %u: %s rules do not expire",
		    r->r_expire, b));
	if (fr->fr_pattype != FR_PAT_NONE)
		return (rule_err(err, errlen, "-%c: %s rules take no pattern",
		    fr->fr_pattype == FR_PAT_TEXT ? 'x' : 'X', b));
	if (r->r_log)
		return (rule_err(err, errlen, "-l Y: %s rules do not log", b));
	if (r->r_action == IPF_ACT_IF)
		return (0);

	/* ELSE and ENDIF: every selector as genfilt leaves it. */
	rule_init(&def, r->r_ver);
	for (i = 0; i < RULE_NFIELDS; i++) {
		f = &rule_fields[i];
		if (!(f->rf_flags & RF_SELECTOR))
			continue;
		f->rf_print(fr, a, sizeof(a));
		f->rf_print(&def, b, sizeof(b));
		if (strcmp(a, b) != 0)
			return (rule_err(err, errlen, "-%c %s: %s rules take "
			    "no selectors", f->rf_flag, a,
			    parse_kwname(kw_action, r->r_action)));
	}
	return (0);
}

/*
 * The lsfilt -O line (2.6), or with db the database record (+ the
 * Auto-Generated column), without newline.  Returns the length it
 * needed, as snprintf does.
 */
int
rule_fmt_line(const struct frule *r, int db, char *buf, size_t len)
{
	const char	*cols[RULE_DBCOLS];
	char		 vals[RULE_DBCOLS][FR_TEXTMAX + 16];
	const struct rfield *f;
	size_t		 off = 0, i;
	int		 c;

	if (len > 0)
		buf[0] = '\0';
	if (r->fr_rule.r_action == IPF_ACT_PLACEMENT) {
		buf_append(buf, len, &off, "%u|%s|%s", r->fr_rule.r_id,
		    RULE_PLACEMENT, r->fr_rule.r_log ? "yes" : "no");
		return ((int)off);
	}
	for (i = 0; i < RULE_NFIELDS; i++) {
		f = &rule_fields[i];
		f->rf_print(r, vals[f->rf_col - 1], sizeof(vals[0]));
		cols[f->rf_col - 1] = vals[f->rf_col - 1];
	}
	for (c = 0; c < (db ? RULE_DBCOLS : RULE_NCOLS); c++)
		buf_append(buf, len, &off, "%s%s", c == 0 ? "" : "|",
		    cols[c]);
	return ((int)off);
}

/* The lsfilt block (2.5): "Rule N:", the field lines, a blank line. */
int
rule_fmt_block(const struct frule *r, char *buf, size_t len)
{
	const struct rfield	*f, *port;
	const char		*label;
	char			 v[FR_TEXTMAX + 16], p[16];
	size_t			 off = 0, i;

	if (len > 0)
		buf[0] = '\0';
	buf_append(buf, len, &off, "Rule %u:\n", r->fr_rule.r_id);
	if (r->fr_rule.r_action == IPF_ACT_PLACEMENT) {
		buf_append(buf, len, &off, "%s\n%-20s: %s\n\n",
		    RULE_PLACEMENT, "Logging control",
		    r->fr_rule.r_log ? "yes" : "no");
		return ((int)off);
	}
	for (i = 0; i < RULE_NFIELDS; i++) {
		f = &rule_fields[i];
		if (f->rf_label == NULL)
			continue;
		if ((f->rf_flags & RF_IFSET) && r->fr_pattype == FR_PAT_NONE)
			continue;
		f->rf_print(r, v, sizeof(v));
		label = f->rf_label;
		if (f->rf_flags & RF_PORTS) {
			/* The port is the next row, its own -O column. */
			port = &rule_fields[i + 1];
			port->rf_print(r, p, sizeof(p));
			if (rule_isicmp(r))
				label = f->rf_icmplabel;
			buf_append(buf, len, &off, "%-20s: %-3s %s\n", label,
			    v, p);
			continue;
		}
		buf_append(buf, len, &off, "%-20s: %s\n", label, v);
	}
	buf_append(buf, len, &off, "\n");
	return ((int)off);
}

/*
 * Parse an lsfilt -O line (db: a database record, with Auto-Generated)
 * of an IPv4 or IPv6 table, in place.  The placement rule is its 3-field
 * line.  Messages name the column: "saddr 10.0.0.300: not an IPv4
 * address", "expected 23 fields, found 21".
 */
int
rule_scan(struct frule *r, int ver, char *line, int db, char *err,
    size_t errlen)
{
	char			*cols[RULE_DBCOLS + 1], *p;
	char			 why[256];
	const struct rfield	*f;
	size_t			 n = 0, i, want = db ? RULE_DBCOLS : RULE_NCOLS;

	rule_init(r, ver);
	for (p = line;; p++) {
		if (n <= RULE_DBCOLS)
			cols[n] = p;
		n++;
		if ((p = strchr(p, '|')) == NULL)
			break;
		*p = '\0';
	}
	if (n == 3 && strcmp(cols[1], RULE_PLACEMENT) == 0) {
		r->fr_rule.r_action = IPF_ACT_PLACEMENT;
		if (fld_id(r, 0, cols[0], why, sizeof(why)) == -1)
			return (rule_err(err, errlen, "id %s: %s", cols[0],
			    why));
		if (fld_yesno(r, 'l', cols[2], why, sizeof(why)) == -1)
			return (rule_err(err, errlen, "log %s: %s", cols[2],
			    why));
		return (0);
	}
	if (n != want)
		return (rule_err(err, errlen, "expected %zu fields, found %zu",
		    want, n));
	for (i = 0; i < RULE_NFIELDS; i++) {
		f = &rule_fields[i];
		if ((f->rf_flags & RF_DBONLY) && !db)
			continue;
		if (f->rf_parse == fld_addr &&
		    parse_addr_literal(cols[f->rf_col - 1], ver) == -1)
			return (rule_err(err, errlen, "%s %s: not an IPv%d "
			    "address", f->rf_name, cols[f->rf_col - 1], ver));
		/* The flag tells the shared parsers which field this is. */
		if (f->rf_parse(r, f->rf_flag == 'x' ? 0 : f->rf_flag,
		    cols[f->rf_col - 1], why, sizeof(why)) == -1)
			return (rule_err(err, errlen, "%s %s: %s", f->rf_name,
			    cols[f->rf_col - 1], why));
	}
	return (rule_check(r, err, errlen));
}
