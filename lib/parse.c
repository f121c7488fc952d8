/*
 * parse.c: addresses, masks, numbers, keywords, texts and id lists as
 * aix-reference.md 1.2 defines them.  Strict: no leading blanks, signs
 * or trailing garbage, so what a command accepts is what it lists.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

#define PARSE_MAXIDS	(IPF_MAXRULES + 1)

static int	addr_numeric(const char *, int);
static int	idlist_add(uint32_t **, size_t *, size_t *, uint32_t);
static int	idlist_cmp(const void *, const void *);

/* Keywords are case-insensitive; either the flag or the listing form. */
int
parse_keyword(const char *s, const struct keyword *kw, int *v)
{
	for (; kw->kw_name != NULL; kw++) {
		if ((kw->kw_flag != NULL && strcasecmp(s, kw->kw_flag) == 0) ||
		    strcasecmp(s, kw->kw_name) == 0) {
			*v = kw->kw_val;
			return (0);
		}
	}
	return (-1);
}

const char *
parse_kwname(const struct keyword *kw, int v)
{
	for (; kw->kw_name != NULL; kw++)
		if (kw->kw_val == v)
			return (kw->kw_name);
	return ("?");
}

/* The flag form of value v ("ea"), for listings that use it. */
const char *
parse_kwflag(const struct keyword *kw, int v)
{
	for (; kw->kw_name != NULL; kw++)
		if (kw->kw_val == v && kw->kw_flag != NULL)
			return (kw->kw_flag);
	return ("?");
}

/* Decimal, 0..max. */
int
parse_uint(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long	n = 0;

	if (*s == '\0' || strlen(s) > 10)
		return (-1);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (-1);
		n = n * 10 + (unsigned)(*s - '0');
	}
	if (n > max)
		return (-1);
	*v = (uint32_t)n;
	return (0);
}

/*
 * A string that can only have meant a literal address is never looked
 * up as a host name: "10.0.0.300" is a typo, not a name, and asking DNS
 * would only make the error slow.
 */
static int
addr_numeric(const char *s, int ver)
{
	(void)ver;
	return (strchr(s, ':') != NULL ||
	    strspn(s, "0123456789.") == strlen(s));
}

/*
 * A literal address only: database and export records hold what our own
 * listings printed, so a name there is damage, and resolving it would
 * let a file make DNS queries.
 */
int
parse_addr_literal(const char *s, int ver)
{
	union ipf_addr	a;

	return (strcmp(s, "0") == 0 || *s == '\0' ||
	    inet_pton(ver == 4 ? AF_INET : AF_INET6, s, &a) == 1 ? 0 : -1);
}

/* Dotted quad, IPv6 without zone, "0" for any, or a host name. */
int
parse_addr(const char *s, int ver, union ipf_addr *a, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res;
	int		 af = ver == 4 ? AF_INET : AF_INET6;

	memset(a, 0, sizeof(*a));
	if (strcmp(s, "0") == 0)
		return (0);
	if (inet_pton(af, s, a) == 1)
		return (0);
	if (*s == '\0' || addr_numeric(s, ver))
		goto bad;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(s, NULL, &hints, &res) != 0 || res == NULL)
		goto bad;
	/* The first address, as aix-reference.md 1.2 says. */
	if (ver == 4)
		a->v4 = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
	else
		a->v6 = ((struct sockaddr_in6 *)(void *)res->ai_addr)->
		    sin6_addr;
	freeaddrinfo(res);
	return (0);
bad:
	snprintf(err, errlen, "not an IPv%d address%s", ver,
	    addr_numeric(s, ver) ? "" : " or host name");
	return (-1);
}

/* IPv4: contiguous dotted quad or 0; IPv6: prefix length 0-128. */
int
parse_mask(const char *s, int ver, union ipf_addr *m, char *err,
    size_t errlen)
{
	uint32_t	plen;

	memset(m, 0, sizeof(*m));
	if (ver == 6) {
		if (parse_uint(s, 128, &plen) == -1) {
			snprintf(err, errlen, "not an IPv6 prefix length "
			    "(0-128)");
			return (-1);
		}
		mask_from_prefix(6, plen, m);
		return (0);
	}
	if (strcmp(s, "0") == 0)
		return (0);
	if (inet_pton(AF_INET, s, &m->v4) != 1) {
		snprintf(err, errlen, "not an IPv4 mask");
		return (-1);
	}
	if (mask_prefix(4, m) == -1) {
		snprintf(err, errlen, "not a contiguous mask");
		return (-1);
	}
	return (0);
}

/*
 * Free text: no '|' (the database's separator) and no control
 * characters, at most max bytes.
 */
int
parse_text(const char *s, size_t max, char *err, size_t errlen)
{
	const unsigned char	*p;

	if (strlen(s) > max) {
		snprintf(err, errlen, "longer than %zu bytes", max);
		return (-1);
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '|' || *p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "must not contain '|' or "
			    "control characters");
			return (-1);
		}
	}
	return (0);
}

/* "0x" + an even number of hex digits, at least one byte. */
int
parse_hex(const char *s, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t	n, i;
	int	hi, lo;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return (-1);
	s += 2;
	n = strlen(s);
	if (n == 0 || n % 2 != 0 || n / 2 > cap)
		return (-1);
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return (-1);
		hi = isdigit((unsigned char)s[2 * i]) ? s[2 * i] - '0' :
		    tolower((unsigned char)s[2 * i]) - 'a' + 10;
		lo = isdigit((unsigned char)s[2 * i + 1]) ?
		    s[2 * i + 1] - '0' :
		    tolower((unsigned char)s[2 * i + 1]) - 'a' + 10;
		if (out != NULL)
			out[i] = (uint8_t)(hi << 4 | lo);
	}
	*lenp = n / 2;
	return (0);
}

static int
idlist_add(uint32_t **ids, size_t *n, size_t *cap, uint32_t id)
{
	uint32_t	*nids;

	if (*n >= PARSE_MAXIDS)
		return (-1);
	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		if ((nids = reallocarray(*ids, *cap, sizeof(**ids))) == NULL)
			return (-1);
		*ids = nids;
	}
	(*ids)[(*n)++] = id;
	return (0);
}

static int
idlist_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * "1,3,5-7" or "1 3 5-7" (aix-reference.md 1.2).  Ids come back sorted,
 * each once, ranges expanded, for idlist_has(); the caller frees *ids.
 */
int
parse_idlist(const char *s, uint32_t **ids, size_t *np, char *err,
    size_t errlen)
{
	char		*copy, *tok, *save, *dash;
	uint32_t	 lo, hi, id;
	size_t		 cap = 0, i, k;

	*ids = NULL;
	*np = 0;
	if ((copy = strdup(s)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (-1);
	}
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		if (parse_uint(tok, UINT32_MAX, &lo) == -1 ||
		    (dash != NULL && parse_uint(dash, UINT32_MAX, &hi) == -1))
			goto bad;
		if (dash == NULL)
			hi = lo;
		if (hi < lo || hi - lo >= PARSE_MAXIDS)
			goto bad;
		for (id = lo;; id++) {
			if (idlist_add(ids, np, &cap, id) == -1) {
				snprintf(err, errlen, "too many ids");
				goto fail;
			}
			if (id == hi)
				break;
		}
	}
	if (*np == 0)
		goto bad;
	qsort(*ids, *np, sizeof(**ids), idlist_cmp);
	for (i = k = 1; i < *np; i++)
		if ((*ids)[i] != (*ids)[k - 1])
			(*ids)[k++] = (*ids)[i];
	*np = k;
	free(copy);
	return (0);
bad:
	snprintf(err, errlen, "not an id list");
fail:
	free(copy);
	free(*ids);
	*ids = NULL;
	*np = 0;
	return (-1);
}

/* Is id in a list from parse_idlist()? */
int
idlist_has(const uint32_t *ids, size_t n, uint32_t id)
{
	return (ids != NULL &&
	    bsearch(&id, ids, n, sizeof(*ids), idlist_cmp) != NULL);
}

void
mask_host(int ver, union ipf_addr *m)
{
	mask_from_prefix(ver, ver == 4 ? 32 : 128, m);
}

void
mask_from_prefix(int ver, unsigned int plen, union ipf_addr *m)
{
	unsigned int	i;

	memset(m, 0, sizeof(*m));
	if (ver == 4 && plen > 32)
		plen = 32;
	if (plen > 128)
		plen = 128;
	for (i = 0; i < plen / 8; i++)
		m->b[i] = 0xff;
	if (plen % 8 != 0)
		m->b[i] = (uint8_t)(0xff << (8 - plen % 8));
}

/* The prefix length of a contiguous mask, -1 if it is not contiguous. */
int
mask_prefix(int ver, const union ipf_addr *m)
{
	unsigned int	len = ver == 4 ? 4 : 16, i, bits = 0;
	int		seen_zero = 0, b;

	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (m->b[i] & (1 << b)) {
				if (seen_zero)
					return (-1);
				bits++;
			} else
				seen_zero = 1;
		}
	}
	return ((int)bits);
}

int
addr_isany(int ver, const union ipf_addr *a)
{
	static const union ipf_addr	zero;

	return (memcmp(a, &zero, ver == 4 ? 4 : 16) == 0);
}

const char *
addr_str(int ver, const union ipf_addr *a, char *buf, size_t len)
{
	if (inet_ntop(ver == 4 ? AF_INET : AF_INET6, a, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return (buf);
}
