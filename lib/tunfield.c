/*
 * tunfield.c: the manual tunnel field table (aix-reference.md 4.1, 4.4).
 *
 * The rows are in lstun's human order; tf_col is the field's 0-based
 * column in the lstun -O line (27-29: the database's esn, encap, state).
 * Lowercase flags set side TUN_SRC, uppercase ones side TUN_DST.  Keys
 * have no label: they never appear in the human listing, and no message
 * repeats a key's value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "parse.h"
#include "tunfield.h"

#define TF_NOCOL	-1
#define TF_SECRET	0x01		/* a key: never echoed in a message */

enum tf_which {
	TF_ID, TF_VER, TF_SRC, TF_DST, TF_POLICY, TF_MODE, TF_FW, TF_MASK,
	TF_ENCAP, TF_AHALG, TF_ENCALG, TF_ESPAUTH, TF_AHSPI, TF_ESPSPI,
	TF_LIFE, TF_REPLAY, TF_ESN, TF_HEADER, TF_STATE, TF_AHKEY,
	TF_ENCKEY, TF_ESPKEY
};

struct tfield;
typedef int	(*tf_parse_fn)(struct tun *, const struct tfield *,
		    const char *, char *, size_t);
typedef void	(*tf_print_fn)(const struct tun *, const struct tfield *,
		    char *, size_t);

struct tfield {
	int		 tf_flag;	/* gentun flag, 0 if none */
	enum tf_which	 tf_which;
	int		 tf_side;	/* TUN_SRC or TUN_DST */
	const char	*tf_name;	/* -O header name */
	const char	*tf_label;	/* lstun label, NULL: not listed */
	int		 tf_col;	/* -O / database column, or TF_NOCOL */
	int		 tf_flags;	/* TF_SECRET */
	tf_parse_fn	 tf_parse;
	tf_print_fn	 tf_print;
	tf_print_fn	 tf_hprint;	/* human form, NULL: as tf_print */
};

static int	fld_id(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_id_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static void	fld_ver_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static int	fld_addr(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_addr_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static void	fld_addr_hstr(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_mask(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_mask_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static void	fld_mask_hstr(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_policy(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_policy_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_mode(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_mode_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_life(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_life_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_spi(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_spi_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static int	fld_alg(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_alg_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static int	fld_key(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_key_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static int	fld_yesno(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_yesno_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static void	fld_esn_str(const struct tun *, const struct tfield *, char *,
		    size_t);
static int	fld_encap(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_encap_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static int	fld_state(struct tun *, const struct tfield *, const char *,
		    char *, size_t);
static void	fld_state_str(const struct tun *, const struct tfield *,
		    char *, size_t);
static void	fld_state_hstr(const struct tun *, const struct tfield *,
		    char *, size_t);

static const struct tfield *tf_find(enum tf_which, int);
static const char *tf_ref(enum tf_which, int, int, char *, size_t);
static const uint8_t *tf_cbyte(const struct tun *, const struct tfield *);
static uint8_t	*tf_byte(struct tun *, const struct tfield *);
static const struct tun_key *tf_ckey(const struct tun *, enum tf_which,
		    int);
static struct tun_key *tf_key(struct tun *, enum tf_which, int);
static int	tf_keyalg(const struct tun *, enum tf_which, int);
static int	tf_err(char *, size_t, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static void	tf_defaults(struct tun *, const struct cmd_flags *, int,
		    const struct tun *);

static const struct tfield tun_fields[] = {
	/* flag	which		side	name		label
	   col	flags		parse		print		human */
	{ 0,	TF_ID,		0,	"tunnel",	"Tunnel ID",
	  0,	0,		fld_id,		fld_id_str,	NULL },
	{ 0,	TF_VER,		0,	NULL,		"IP Version",
	  TF_NOCOL, 0,		NULL,		fld_ver_str,	NULL },
	{ 's',	TF_SRC,		0,	"source",	"Source",
	  1,	0,		fld_addr,	fld_addr_str,	NULL },
	{ 'd',	TF_DST,		0,	"dest",		"Destination",
	  2,	0,		fld_addr,	fld_addr_str,	NULL },
	{ 'p',	TF_POLICY,	TUN_SRC, "policy",	"Policy",
	  3,	0,		fld_policy,	fld_policy_str,	NULL },
	{ 'P',	TF_POLICY,	TUN_DST, "dpolicy",	"Destination Policy",
	  4,	0,		fld_policy,	fld_policy_str,	NULL },
	{ 'm',	TF_MODE,	0,	"emode",	"Tunnel Mode",
	  7,	0,		fld_mode,	fld_mode_str,	NULL },
	{ 'f',	TF_FW,		0,	"fw",		"Firewall",
	  6,	0,		fld_addr,	fld_addr_str,	fld_addr_hstr },
	{ 'x',	TF_MASK,	0,	"mask",		"Firewall Mask",
	  5,	0,		fld_mask,	fld_mask_str,	fld_mask_hstr },
	{ 'T',	TF_ENCAP,	0,	"encap",	"Encapsulation",
	  28,	0,		fld_encap,	fld_encap_str,	NULL },
	{ 'a',	TF_AHALG,	TUN_SRC, "aalgo",	"Send AH Algo",
	  11,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'e',	TF_ENCALG,	TUN_SRC, "ealgo",	"Send ESP Algo",
	  17,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'b',	TF_ESPAUTH,	TUN_SRC, "eaalgo",	"Send ENC-MAC Algo",
	  21,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'A',	TF_AHALG,	TUN_DST, "daalgo",	"Receive AH Algo",
	  12,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'E',	TF_ENCALG,	TUN_DST, "dealgo",	"Receive ESP Algo",
	  18,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'B',	TF_ESPAUTH,	TUN_DST, "deaalgo",	"Receive ENC-MAC Algo",
	  22,	0,		fld_alg,	fld_alg_str,	NULL },
	{ 'u',	TF_AHSPI,	TUN_SRC, "sspia",	"Source AH SPI",
	  9,	0,		fld_spi,	fld_spi_str,	NULL },
	{ 'n',	TF_ESPSPI,	TUN_SRC, "sspie",	"Source ESP SPI",
	  15,	0,		fld_spi,	fld_spi_str,	NULL },
	{ 'U',	TF_AHSPI,	TUN_DST, "dspia",	"Dest AH SPI",
	  10,	0,		fld_spi,	fld_spi_str,	NULL },
	{ 'N',	TF_ESPSPI,	TUN_DST, "dspie",	"Dest ESP SPI",
	  16,	0,		fld_spi,	fld_spi_str,	NULL },
	{ 'l',	TF_LIFE,	0,	"tunlife",	"Tunnel Life Time",
	  8,	0,		fld_life,	fld_life_str,	NULL },
	{ 'y',	TF_REPLAY,	0,	"replay",	"Replay",
	  25,	0,		fld_yesno,	fld_yesno_str,	NULL },
	{ 'q',	TF_ESN,		0,	"esn",		"Extended Seq Num",
	  27,	0,		fld_yesno,	fld_esn_str,	fld_yesno_str },
	{ 'z',	TF_HEADER,	0,	"header",	"New Header",
	  26,	0,		fld_yesno,	fld_yesno_str,	NULL },
	{ 0,	TF_STATE,	0,	"state",	"Status",
	  29,	0,		fld_state,	fld_state_str, fld_state_hstr },
	{ 'h',	TF_AHKEY,	TUN_SRC, "sakey",	NULL,
	  13,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
	{ 'H',	TF_AHKEY,	TUN_DST, "dakey",	NULL,
	  14,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
	{ 'k',	TF_ENCKEY,	TUN_SRC, "sekey",	NULL,
	  19,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
	{ 'K',	TF_ENCKEY,	TUN_DST, "dekey",	NULL,
	  20,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
	{ 'c',	TF_ESPKEY,	TUN_SRC, "seakey",	NULL,
	  23,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
	{ 'C',	TF_ESPKEY,	TUN_DST, "deakey",	NULL,
	  24,	TF_SECRET,	fld_key,	fld_key_str,	NULL },
};
#define TUNF_NFIELDS	(sizeof(tun_fields) / sizeof(tun_fields[0]))
#define TUNF_DBCOLS	30
#define TUNF_EXPCOLS	29

/* Every flag above, for gentun's and chtun's getopt strings. */
const char	tunfield_optstring[] =
    "s:d:p:P:m:f:x:T:a:e:b:A:E:B:u:n:U:N:l:y:q:z:h:H:k:K:c:C:";

static const struct keyword kw_policy[] = {
	{ "e",	"encr only",	TUN_POL_E },
	{ "a",	"auth only",	TUN_POL_A },
	{ "ea",	"encr/auth",	TUN_POL_EA },
	{ "ae",	"auth/encr",	TUN_POL_AE },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_mode[] = {
	{ NULL,	"Tunnel",	TUN_MODE_TUNNEL },
	{ NULL,	"Transport",	TUN_MODE_TRANSPORT },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_yesno[] = {
	{ "Y",	"Yes",		1 },
	{ "N",	"No",		0 },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_encap[] = {
	{ NULL,	"none",		TUN_ENCAP_NONE },
	{ NULL,	"udp",		TUN_ENCAP_UDP },
	{ NULL,	NULL,		0 }
};

static const struct keyword kw_state[] = {
	{ NULL,	"inactive",	0 },
	{ NULL,	"active",	1 },
	{ NULL,	NULL,		0 }
};

static int
tf_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return (-1);
}

static const struct tfield *
tf_find(enum tf_which which, int side)
{
	size_t	i;

	for (i = 0; i < TUNF_NFIELDS; i++)
		if (tun_fields[i].tf_which == which &&
		    tun_fields[i].tf_side == side)
			return (&tun_fields[i]);
	return (NULL);
}

/*
 * How a message names a field: "-k" for a command line, "sekey" for a
 * database or export record.
 */
static const char *
tf_ref(enum tf_which which, int side, int byflag, char *buf, size_t len)
{
	const struct tfield	*f = tf_find(which, side);

	if (f == NULL)
		snprintf(buf, len, "?");
	else if (byflag && f->tf_flag != 0)
		snprintf(buf, len, "-%c", f->tf_flag);
	else
		snprintf(buf, len, "%s", f->tf_name);
	return (buf);
}

/* The one-byte members the keyword parsers set and the printers read. */
static const uint8_t *
tf_cbyte(const struct tun *t, const struct tfield *f)
{
	switch (f->tf_which) {
	case TF_POLICY:
		return (&t->t_policy[f->tf_side]);
	case TF_MODE:
		return (&t->t_mode);
	case TF_AHALG:
		return (&t->t_ahalg[f->tf_side]);
	case TF_ENCALG:
		return (&t->t_encalg[f->tf_side]);
	case TF_ESPAUTH:
		return (&t->t_espauth[f->tf_side]);
	case TF_REPLAY:
		return (&t->t_replay);
	case TF_ESN:
		return (&t->t_esn);
	case TF_HEADER:
		return (&t->t_header);
	case TF_ENCAP:
		return (&t->t_encap);
	case TF_STATE:
		return (&t->t_active);
	default:
		return (NULL);
	}
}

/* Writable views of the members, as strchr(3) does it: one cast each. */
static uint8_t *
tf_byte(struct tun *t, const struct tfield *f)
{
	return ((uint8_t *)(uintptr_t)tf_cbyte(t, f));
}

static struct tun_key *
tf_key(struct tun *t, enum tf_which which, int side)
{
	return ((struct tun_key *)(uintptr_t)tf_ckey(t, which, side));
}

static const struct tun_key *
tf_ckey(const struct tun *t, enum tf_which which, int side)
{
	if (which == TF_AHKEY)
		return (&t->t_ahkey[side]);
	if (which == TF_ENCKEY)
		return (&t->t_enckey[side]);
	return (&t->t_espkey[side]);
}

/* The algorithm a key belongs to. */
static int
tf_keyalg(const struct tun *t, enum tf_which which, int side)
{
	if (which == TF_AHKEY)
		return (t->t_ahalg[side]);
	if (which == TF_ENCKEY)
		return (t->t_encalg[side]);
	return (t->t_espauth[side]);
}

static int
fld_id(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	uint32_t	v;

	(void)f;
	if (parse_uint(s, UINT32_MAX, &v) == -1 || v == 0)
		return (tf_err(err, errlen, "not a tunnel id"));
	t->t_id = v;
	return (0);
}

static void
fld_id_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%u", t->t_id);
}

static void
fld_ver_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "IP Version %u", t->t_ver);
}

/*
 * Endpoints and the firewall.  An empty firewall is none: that is how
 * the listing shows it, and how chtun -f '' turns a firewall tunnel back
 * into a host-to-host one (decision).
 */
static int
fld_addr(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	union ipf_addr	*a;

	if (f->tf_which == TF_FW && *s == '\0') {
		t->t_hasfw = 0;
		memset(&t->t_fw, 0, sizeof(t->t_fw));
		memset(&t->t_mask, 0, sizeof(t->t_mask));
		return (0);
	}
	a = f->tf_which == TF_SRC ? &t->t_src : f->tf_which == TF_DST ?
	    &t->t_dst : &t->t_fw;
	if (parse_addr(s, t->t_ver, a, err, errlen) == -1)
		return (-1);
	/* A tunnel endpoint is one host, never "any". */
	if (addr_isany(t->t_ver, a))
		return (tf_err(err, errlen, "not a host address"));
	if (f->tf_which == TF_FW)
		t->t_hasfw = 1;
	return (0);
}

static void
fld_addr_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	if (f->tf_which == TF_FW && !t->t_hasfw)
		snprintf(buf, len, "%s", "");
	else
		addr_str(t->t_ver, f->tf_which == TF_SRC ? &t->t_src :
		    f->tf_which == TF_DST ? &t->t_dst : &t->t_fw, buf, len);
}

static void
fld_addr_hstr(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	fld_addr_str(t, f, buf, len);
	if (*buf == '\0')
		snprintf(buf, len, "-");
}

static int
fld_mask(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	(void)f;
	if (*s == '\0') {
		memset(&t->t_mask, 0, sizeof(t->t_mask));
		return (0);
	}
	return (parse_mask(s, t->t_ver, &t->t_mask, err, errlen));
}

/* Empty without a firewall; IPv6 masks as prefix lengths, as lsfilt. */
static void
fld_mask_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	if (!t->t_hasfw)
		snprintf(buf, len, "%s", "");
	else if (t->t_ver == 6)
		snprintf(buf, len, "%d", mask_prefix(6, &t->t_mask));
	else
		addr_str(4, &t->t_mask, buf, len);
}

static void
fld_mask_hstr(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	fld_mask_str(t, f, buf, len);
	if (*buf == '\0')
		snprintf(buf, len, "-");
}

static int
fld_policy(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_policy, &v) == -1)
		return (tf_err(err, errlen, "not a policy (e, a, ea or ae)"));
	*tf_byte(t, f) = (uint8_t)v;
	return (0);
}

static void
fld_policy_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_policy,
	    t->t_policy[f->tf_side]));
}

static int
fld_mode(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_mode, &v) == -1)
		return (tf_err(err, errlen, "must be tunnel or transport"));
	*tf_byte(t, f) = (uint8_t)v;
	return (0);
}

static void
fld_mode_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%s", parse_kwname(kw_mode, t->t_mode));
}

static int
fld_life(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	(void)f;
	if (parse_uint(s, TUN_LIFEMAX, &t->t_life) == -1)
		return (tf_err(err, errlen, "not a number of minutes "
		    "(0-%d)", TUN_LIFEMAX));
	return (0);
}

static void
fld_life_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%u", t->t_life);
}

/* Decimal or 0x hex, 256-4294967295 (aix-reference.md 1.2). */
static int
fld_spi(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	uint8_t		b[4];
	uint32_t	v = 0;
	size_t		n, i;
	char		pad[16];

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* Up to 8 digits; parse_hex wants an even count. */
		n = strlen(s + 2);
		if (n == 0 || n > 8)
			goto bad;
		snprintf(pad, sizeof(pad), "0x%s%s", n % 2 ? "0" : "", s + 2);
		if (parse_hex(pad, b, sizeof(b), &n) == -1)
			goto bad;
		for (i = 0; i < n; i++)
			v = v << 8 | b[i];
	} else if (parse_uint(s, UINT32_MAX, &v) == -1)
		goto bad;
	if (v < TUN_SPIMIN)
		goto bad;
	if (f->tf_which == TF_AHSPI)
		t->t_ahspi[f->tf_side] = v;
	else
		t->t_espspi[f->tf_side] = v;
	return (0);
bad:
	return (tf_err(err, errlen, "not an SPI (256-4294967295)"));
}

static void
fld_spi_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	snprintf(buf, len, "%u", f->tf_which == TF_AHSPI ?
	    t->t_ahspi[f->tf_side] : t->t_espspi[f->tf_side]);
}

/* Each algorithm field takes one kind (aix-reference.md 4.2). */
static int
fld_alg(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	enum tunalg_kind	k;
	int			id, rv;

	if ((rv = tunalg_byname(s, &id)) == -2)
		return (tf_err(err, errlen, "algorithm not supported"));
	if (rv == -1)
		return (tf_err(err, errlen, "unknown algorithm"));
	k = tunalg_table[id].ta_kind;
	if (f->tf_which == TF_AHALG && k != TUNALG_K_MAC)
		return (tf_err(err, errlen, "not an authentication algorithm"));
	if (f->tf_which == TF_ENCALG && k != TUNALG_K_CIPHER &&
	    k != TUNALG_K_AEAD)
		return (tf_err(err, errlen, "not an encryption algorithm"));
	if (f->tf_which == TF_ESPAUTH && k != TUNALG_K_MAC &&
	    k != TUNALG_K_NONE)
		return (tf_err(err, errlen, "not an authentication algorithm "
		    "or NONE"));
	*tf_byte(t, f) = (uint8_t)id;
	return (0);
}

static void
fld_alg_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	uint8_t	id = *tf_cbyte(t, f);

	snprintf(buf, len, "%s", tunalg_table[id].ta_name);
}

/* "0x" + hex; the length is checked against the algorithm later. */
static int
fld_key(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	struct tun_key	*k = tf_key(t, f->tf_which, f->tf_side);

	if (*s == '\0') {
		explicit_bzero(k, sizeof(*k));
		return (0);
	}
	if (parse_hex(s, k->tk_buf, sizeof(k->tk_buf), &k->tk_len) == -1) {
		explicit_bzero(k, sizeof(*k));
		return (tf_err(err, errlen, "not a key (0x and up to %d hex "
		    "digits)", 2 * TUNALG_KEYMAX));
	}
	return (0);
}

static void
fld_key_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	const struct tun_key	*k;
	size_t			 i, off;

	k = tf_ckey(t, f->tf_which, f->tf_side);
	if (len > 0)
		buf[0] = '\0';
	if (k->tk_len == 0 || len < 2 * k->tk_len + 3)
		return;
	memcpy(buf, "0x", 2);
	for (i = 0, off = 2; i < k->tk_len; i++, off += 2)
		snprintf(buf + off, len - off, "%02x", k->tk_buf[i]);
}

/* -y, -q, -z: Y or N on the command line, Yes or No when listed. */
static int
fld_yesno(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_yesno, &v) == -1)
		return (tf_err(err, errlen, "must be Y or N"));
	if (f->tf_which == TF_HEADER && v == 0)
		return (tf_err(err, errlen, "only the new header format is "
		    "supported"));
	*tf_byte(t, f) = (uint8_t)v;
	return (0);
}

static void
fld_yesno_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s", parse_kwname(kw_yesno, *tf_cbyte(t, f)));
}

/* The database's esn column is Y or N (aix-reference.md 1.1). */
static void
fld_esn_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%s", t->t_esn ? "Y" : "N");
}

static int
fld_encap(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_encap, &v) == -1)
		return (tf_err(err, errlen, "must be none or udp"));
	*tf_byte(t, f) = (uint8_t)v;
	return (0);
}

static void
fld_encap_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%s", parse_kwname(kw_encap, t->t_encap));
}

static int
fld_state(struct tun *t, const struct tfield *f, const char *s, char *err,
    size_t errlen)
{
	int	v;

	if (parse_keyword(s, kw_state, &v) == -1)
		return (tf_err(err, errlen, "must be active or inactive"));
	*tf_byte(t, f) = (uint8_t)v;
	return (0);
}

static void
fld_state_str(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%s", parse_kwname(kw_state, t->t_active));
}

static void
fld_state_hstr(const struct tun *t, const struct tfield *f, char *buf,
    size_t len)
{
	(void)f;
	snprintf(buf, len, "%s", t->t_active ? "Active" : "Inactive");
}

/*
 * gentun's defaults that depend on other flags (aix-reference.md 4.1):
 * -P = -p, -A = -a, -E = -e, -B = -b; an omitted -b is NONE for an AEAD
 * cipher and HMAC_SHA256 otherwise; a firewall without -x guards one
 * host.  chtun (old != NULL) keeps what it is not told, but a new
 * firewall still gets the host mask.
 */
static void
tf_defaults(struct tun *t, const struct cmd_flags *cf, int isnew,
    const struct tun *old)
{
	int	s;

	if (isnew) {
		if (cf->cf_val['P'] == NULL)
			t->t_policy[TUN_DST] = t->t_policy[TUN_SRC];
		if (cf->cf_val['A'] == NULL)
			t->t_ahalg[TUN_DST] = t->t_ahalg[TUN_SRC];
		if (cf->cf_val['E'] == NULL)
			t->t_encalg[TUN_DST] = t->t_encalg[TUN_SRC];
		for (s = TUN_SRC; s <= TUN_DST; s++) {
			if (cf->cf_val[s == TUN_SRC ? 'b' : 'B'] != NULL)
				continue;
			if (s == TUN_DST && cf->cf_val['b'] != NULL)
				t->t_espauth[s] = t->t_espauth[TUN_SRC];
			else
				t->t_espauth[s] = tunalg_table[
				    t->t_encalg[s]].ta_kind == TUNALG_K_AEAD ?
				    TUNALG_NONE : TUNALG_HMAC_SHA256;
		}
	}
	if (t->t_hasfw && cf->cf_val['x'] == NULL &&
	    (isnew || old == NULL || !old->t_hasfw))
		mask_host(t->t_ver, &t->t_mask);
}

/*
 * Apply gentun's (isnew) or chtun's field flags to t, fill in the
 * defaults, give every key whose algorithm was set without it a random
 * one, and check the result.  SPIs not given stay as they were (0 for a
 * new tunnel: ttable_spi_fill() picks them, as only it sees the other
 * tunnels).  Messages name the flag; a key's value is never repeated.
 */
int
tunfield_apply(struct tun *t, const struct cmd_flags *cf, int isnew,
    char *err, size_t errlen)
{
	const struct tfield	*f, *alg;
	struct tun		 old = *t;
	struct tun_key		*k;
	const char		*v;
	char			 why[256];
	size_t			 i;
	int			 regen, rv = -1;

	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (f->tf_flag == 0 || (v = cf->cf_val[f->tf_flag]) == NULL)
			continue;
		if (f->tf_parse(t, f, v, why, sizeof(why)) == 0)
			continue;
		if (f->tf_flags & TF_SECRET)
			tf_err(err, errlen, "-%c: %s", f->tf_flag, why);
		else
			tf_err(err, errlen, "-%c %s: %s", f->tf_flag, v, why);
		goto done;
	}
	tf_defaults(t, cf, isnew, &old);
	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (!(f->tf_flags & TF_SECRET) ||
		    cf->cf_val[f->tf_flag] != NULL)
			continue;
		alg = tf_find(f->tf_which == TF_AHKEY ? TF_AHALG :
		    f->tf_which == TF_ENCKEY ? TF_ENCALG : TF_ESPAUTH,
		    f->tf_side);
		regen = isnew || cf->cf_val[alg->tf_flag] != NULL;
		if (!regen)
			continue;
		k = tf_key(t, f->tf_which, f->tf_side);
		explicit_bzero(k, sizeof(*k));
		k->tk_len = tunalg_table[tf_keyalg(t, f->tf_which,
		    f->tf_side)].ta_keylen;
		if (k->tk_len > 0 && tun_random(k->tk_buf, k->tk_len) == -1) {
			tf_err(err, errlen, "random key: %s", strerror(errno));
			goto done;
		}
	}
	rv = tunfield_check(t, 1, err, errlen);
done:
	explicit_bzero(&old, sizeof(old));
	return (rv);
}

/*
 * What a tunnel must satisfy whatever its origin (aix-reference.md 4.1,
 * 4.2): byflag names fields by gentun flag, else by -O column.
 */
int
tunfield_check(const struct tun *t, int byflag, char *err, size_t errlen)
{
	const struct tunalg	*enc, *auth, *a;
	const struct tfield	*f;
	const struct tun_key	*k;
	char			 n1[16], n2[16], v[64];
	size_t			 i;
	int			 s;

	if (memcmp(&t->t_src, &t->t_dst, sizeof(t->t_src)) == 0)
		return (tf_err(err, errlen, "%s %s: the same address as %s",
		    tf_ref(TF_DST, 0, byflag, n1, sizeof(n1)),
		    addr_str(t->t_ver, &t->t_dst, v, sizeof(v)),
		    tf_ref(TF_SRC, 0, byflag, n2, sizeof(n2))));
	if (t->t_hasfw && t->t_mode == TUN_MODE_TRANSPORT)
		return (tf_err(err, errlen, "%s transport: a firewall tunnel "
		    "is always in tunnel mode", tf_ref(TF_MODE, 0, byflag, n1,
		    sizeof(n1))));
	if (!t->t_hasfw && !addr_isany(t->t_ver, &t->t_mask))
		return (tf_err(err, errlen, "%s: only with a firewall (%s)",
		    tf_ref(TF_MASK, 0, byflag, n1, sizeof(n1)),
		    tf_ref(TF_FW, 0, byflag, n2, sizeof(n2))));
	for (s = TUN_SRC; s <= TUN_DST; s++) {
		enc = &tunalg_table[t->t_encalg[s]];
		auth = &tunalg_table[t->t_espauth[s]];
		tf_ref(TF_ESPAUTH, s, byflag, n1, sizeof(n1));
		/* RFC 4106 / RFC 7634: the AEAD's tag is the ICV. */
		if (enc->ta_kind == TUNALG_K_AEAD &&
		    auth->ta_kind != TUNALG_K_NONE)
			return (tf_err(err, errlen, "%s %s: %s is an AEAD "
			    "cipher; use %s NONE", n1, auth->ta_name,
			    enc->ta_name, n1));
		/* ESP without integrity is refused (aix-reference.md 9.20). */
		if (enc->ta_kind != TUNALG_K_AEAD &&
		    auth->ta_kind == TUNALG_K_NONE)
			return (tf_err(err, errlen, "%s NONE: %s needs an "
			    "authentication algorithm", n1, enc->ta_name));
	}
	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (!(f->tf_flags & TF_SECRET))
			continue;
		k = tf_ckey(t, f->tf_which, f->tf_side);
		a = &tunalg_table[tf_keyalg(t, f->tf_which, f->tf_side)];
		tf_ref(f->tf_which, f->tf_side, byflag, n1, sizeof(n1));
		if (a->ta_keylen == 0 && k->tk_len != 0)
			return (tf_err(err, errlen, "%s: %s takes no key", n1,
			    a->ta_name));
		if (a->ta_keylen != k->tk_len)
			return (tf_err(err, errlen, "%s: %s needs a %zu-byte "
			    "key (%zu hex digits)", n1, a->ta_name,
			    a->ta_keylen, 2 * a->ta_keylen));
	}
	/* RFC 3948 encapsulates ESP only; AH covers the outer header. */
	if (t->t_encap == TUN_ENCAP_UDP && (t->t_policy[TUN_SRC] !=
	    TUN_POL_E || t->t_policy[TUN_DST] != TUN_POL_E))
		return (tf_err(err, errlen, "%s udp: only with policy e on "
		    "both sides (%s e %s e)", tf_ref(TF_ENCAP, 0, byflag, n1,
		    sizeof(n1)), byflag ? "-p" : "policy", byflag ? "-P" :
		    "dpolicy"));
	/* RFC 4303 2.2.1: ESN is a property of the anti-replay service. */
	if (t->t_esn && !t->t_replay)
		return (tf_err(err, errlen, "%s Y: needs %s Y",
		    tf_ref(TF_ESN, 0, byflag, n1, sizeof(n1)),
		    tf_ref(TF_REPLAY, 0, byflag, n2, sizeof(n2))));
	if (!t->t_header)
		return (tf_err(err, errlen, "%s N: only the new header format "
		    "is supported", tf_ref(TF_HEADER, 0, byflag, n1,
		    sizeof(n1))));
	return (0);
}

/*
 * One line without newline: lstun -O, a database record or an export
 * record.  Returns the length it needed, as snprintf does.
 */
int
tunfield_fmt_line(const struct tun *t, enum tunf_fmt fmt, char *buf,
    size_t len)
{
	char			 vals[TUNF_DBCOLS][TUNALG_KEYMAX * 2 + 8];
	const struct tfield	*f;
	size_t			 off = 0, i;
	int			 c, ncols;

	ncols = fmt == TUNF_DB ? TUNF_DBCOLS : fmt == TUNF_EXP ?
	    TUNF_EXPCOLS : TUNF_NCOLS;
	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (f->tf_col != TF_NOCOL)
			f->tf_print(t, f, vals[f->tf_col], sizeof(vals[0]));
	}
	if (fmt == TUNF_EXP)
		buf_append(buf, len, &off, "%u|", t->t_ver);
	for (c = 0; c < ncols; c++)
		buf_append(buf, len, &off, "%s%s", c == 0 ? "" : "|", vals[c]);
	explicit_bzero(vals, sizeof(vals));
	return ((int)off);
}

/* lstun -O's first line: "#" and the 27 field names. */
int
tunfield_fmt_header(char *buf, size_t len)
{
	const char	*names[TUNF_NCOLS];
	size_t		 off = 0, i;
	int		 c;

	for (i = 0; i < TUNF_NFIELDS; i++)
		if (tun_fields[i].tf_col >= 0 &&
		    tun_fields[i].tf_col < TUNF_NCOLS)
			names[tun_fields[i].tf_col] = tun_fields[i].tf_name;
	if (len > 0)
		buf[0] = '\0';
	for (c = 0; c < TUNF_NCOLS; c++)
		buf_append(buf, len, &off, "%s%s", c == 0 ? "#" : "|",
		    names[c]);
	return ((int)off);
}

/* The lstun block (aix-reference.md 4.4): no keys, a blank line after. */
int
tunfield_fmt_block(const struct tun *t, char *buf, size_t len)
{
	const struct tfield	*f;
	char			 v[128];
	size_t			 off = 0, i;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (f->tf_label == NULL)
			continue;
		(f->tf_hprint != NULL ? f->tf_hprint : f->tf_print)(t, f, v,
		    sizeof(v));
		buf_append(buf, len, &off, "%-20s: %s\n", f->tf_label, v);
	}
	buf_append(buf, len, &off, "\n");
	return ((int)off);
}

/*
 * Parse a record in place: a database record of a tunV.db (ver), or an
 * export record, whose first column gives the version (ver 0).  Messages
 * name the column: "source 10.0.0.300: not an IPv4 address", "expected
 * 30 fields, found 28"; a key's value is never repeated.
 */
int
tunfield_scan(struct tun *t, int ver, char *line, enum tunf_fmt fmt,
    char *err, size_t errlen)
{
	char			*cols[TUNF_DBCOLS + 2], *p;
	char			 why[256];
	const struct tfield	*f;
	size_t			 n = 0, i, want;

	want = fmt == TUNF_DB ? TUNF_DBCOLS : fmt == TUNF_EXP ?
	    TUNF_EXPCOLS + 1 : TUNF_NCOLS;
	for (p = line;; p++) {
		if (n < sizeof(cols) / sizeof(cols[0]))
			cols[n] = p;
		n++;
		if ((p = strchr(p, '|')) == NULL)
			break;
		*p = '\0';
	}
	if (n != want)
		return (tf_err(err, errlen, "expected %zu fields, found %zu",
		    want, n));
	if (fmt == TUNF_EXP) {
		if (strcmp(cols[0], "4") == 0)
			ver = 4;
		else if (strcmp(cols[0], "6") == 0)
			ver = 6;
		else
			return (tf_err(err, errlen, "version %s: must be 4 or "
			    "6", cols[0]));
		memmove(cols, cols + 1, (n - 1) * sizeof(cols[0]));
		n--;
	}
	tun_init(t, ver);
	for (i = 0; i < TUNF_NFIELDS; i++) {
		f = &tun_fields[i];
		if (f->tf_col == TF_NOCOL || (size_t)f->tf_col >= n)
			continue;
		/* Records hold literal addresses: never resolve a name. */
		if (f->tf_parse == fld_addr &&
		    parse_addr_literal(cols[f->tf_col], ver) == -1)
			return (tf_err(err, errlen, "%s %s: not an IPv%d address",
			    f->tf_name, cols[f->tf_col], ver));
		if (f->tf_parse(t, f, cols[f->tf_col], why, sizeof(why)) == 0)
			continue;
		if (f->tf_flags & TF_SECRET)
			return (tf_err(err, errlen, "%s: %s", f->tf_name, why));
		return (tf_err(err, errlen, "%s %s: %s", f->tf_name,
		    cols[f->tf_col], why));
	}
	/* A record without a firewall must not carry a mask either. */
	if (*cols[6] == '\0' && *cols[5] != '\0')
		return (tf_err(err, errlen, "mask %s: only with a firewall "
		    "(fw)", cols[5]));
	return (tunfield_check(t, 0, err, errlen));
}

int
tunfield_yesno(const char *s, int *v)
{
	return (parse_keyword(s, kw_yesno, v));
}

/*
 * lstun -a (aix-reference.md 4.4): "v tid source destination mode
 * policy dpolicy esp_out esp_in ah_out ah_in encap remaining", the tid
 * second as AIX scripts expect.
 */
const char	tunfield_active_header[] = "# v tid source destination mode "
    "policy dpolicy esp_out esp_in ah_out ah_in encap remaining";

int
tunfield_fmt_active(const struct tun_active *ta, char *buf, size_t len)
{
	char	src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], rem[24];
	int	n;

	if (ta->ta_remaining < 0)
		snprintf(rem, sizeof(rem), "never");
	else
		snprintf(rem, sizeof(rem), "%lld",
		    (long long)ta->ta_remaining);
	n = snprintf(buf, len, "%u %u %s %s %s %s %s %u %u %u %u %s %s",
	    ta->ta_ver, ta->ta_id, addr_str(ta->ta_ver, &ta->ta_src, src,
	    sizeof(src)), addr_str(ta->ta_ver, &ta->ta_dst, dst, sizeof(dst)),
	    ta->ta_mode == TUN_MODE_TUNNEL ? "tunnel" : "transport",
	    parse_kwflag(kw_policy, ta->ta_policy[TUN_SRC]),
	    parse_kwflag(kw_policy, ta->ta_policy[TUN_DST]),
	    ta->ta_espspi[TUN_SRC], ta->ta_espspi[TUN_DST],
	    ta->ta_ahspi[TUN_SRC], ta->ta_ahspi[TUN_DST],
	    parse_kwname(kw_encap, ta->ta_encap), rem);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}
