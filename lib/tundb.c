/*
 * tundb.c: the manual-tunnel databases tun4.db and tun6.db
 * (aix-reference.md 1.1, 4; architecture.md 6).
 *
 * A database is "# ipsecfilt tunV v1" and then one record per tunnel in
 * ascending tid: the lstun -O line plus "|esn|encap|state".  The files
 * hold keys, so db.c's rules apply: 0600, owner only, atomic replace.
 * Every buffer that held a record is wiped before it is freed.
 */
#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confdir.h"
#include "db.h"
#include "parse.h"
#include "tundb.h"
#include "tunfield.h"

static int	ttable_parse(int, const char *, char *, struct ttable *, char *,
		    size_t);
static uint32_t	*tun_spi(struct tun *, int, int);

/* The defaults of aix-reference.md 4.1 before any flag. */
void
tun_init(struct tun *t, int ver)
{
	memset(t, 0, sizeof(*t));
	t->t_ver = (uint8_t)ver;
	t->t_mode = TUN_MODE_TUNNEL;
	t->t_life = 480;
	t->t_policy[TUN_SRC] = t->t_policy[TUN_DST] = TUN_POL_E;
	t->t_ahalg[TUN_SRC] = t->t_ahalg[TUN_DST] = TUNALG_HMAC_SHA256;
	t->t_encalg[TUN_SRC] = t->t_encalg[TUN_DST] = TUNALG_AES_CBC_128;
	t->t_espauth[TUN_SRC] = t->t_espauth[TUN_DST] = TUNALG_HMAC_SHA256;
	t->t_header = 1;
	t->t_encap = TUN_ENCAP_NONE;
}

/*
 * The partner's view of a tunnel (imptun, aix-reference.md 5): the
 * endpoints and every source/destination pair swap, so what one side
 * sends with is what the other receives with.  A firewall tunnel
 * becomes a host-to-host tunnel from the firewall to the exporter.
 */
void
tun_mirror(struct tun *t)
{
	union ipf_addr	a;
	struct tun_key	k;
	uint32_t	u;
	uint8_t		b;

#define SWAP(x, y, tmp)	do { tmp = x; x = y; y = tmp; } while (0)
	if (t->t_hasfw) {
		t->t_dst = t->t_src;
		t->t_src = t->t_fw;
		t->t_hasfw = 0;
		memset(&t->t_fw, 0, sizeof(t->t_fw));
		memset(&t->t_mask, 0, sizeof(t->t_mask));
	} else
		SWAP(t->t_src, t->t_dst, a);
	SWAP(t->t_policy[0], t->t_policy[1], b);
	SWAP(t->t_ahspi[0], t->t_ahspi[1], u);
	SWAP(t->t_ahalg[0], t->t_ahalg[1], b);
	SWAP(t->t_ahkey[0], t->t_ahkey[1], k);
	SWAP(t->t_espspi[0], t->t_espspi[1], u);
	SWAP(t->t_encalg[0], t->t_encalg[1], b);
	SWAP(t->t_enckey[0], t->t_enckey[1], k);
	SWAP(t->t_espauth[0], t->t_espauth[1], b);
	SWAP(t->t_espkey[0], t->t_espkey[1], k);
#undef SWAP
	explicit_bzero(&k, sizeof(k));
}

/* Keys and SPIs come from the kernel's CSPRNG (aix-reference.md 4.1). */
int
tun_random(void *buf, size_t len)
{
	uint8_t	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

int
ttable_path(int ver, char *buf, size_t len, char *err, size_t errlen)
{
	char	name[16];

	snprintf(name, sizeof(name), "tun%d.db", ver);
	return (confdir_path(name, buf, len, err, errlen));
}

static int
ttable_parse(int ver, const char *path, char *buf, struct ttable *tt,
    char *err, size_t errlen)
{
	char		 hdr[32], why[256], *line, *next, *nl;
	struct tun	*nt;
	size_t		 lineno = 1, cap = 0;
	uint32_t	 user;

	snprintf(hdr, sizeof(hdr), TUN_HEADER, ver);
	for (line = buf; line != NULL && *line != '\0'; line = next,
	    lineno++) {
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			next = nl + 1;
		} else
			next = NULL;
		if (lineno == 1) {
			if (strcmp(line, hdr) != 0)
				goto badhdr;
			continue;
		}
		if (tt->tt_n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			/* Not realloc: the old copy holds keys to wipe. */
			if ((nt = calloc(cap, sizeof(*nt))) == NULL) {
				snprintf(err, errlen, "%s", strerror(errno));
				return (-1);
			}
			if (tt->tt_n > 0) {
				memcpy(nt, tt->tt_tuns,
				    tt->tt_n * sizeof(*nt));
				explicit_bzero(tt->tt_tuns,
				    tt->tt_n * sizeof(*nt));
			}
			free(tt->tt_tuns);
			tt->tt_tuns = nt;
		}
		nt = &tt->tt_tuns[tt->tt_n];
		if (tunfield_scan(nt, ver, line, TUNF_DB, why,
		    sizeof(why)) == -1) {
			explicit_bzero(nt, sizeof(*nt));
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			return (-1);
		}
		tt->tt_n++;
		if (tt->tt_n > 1 && nt->t_id <= nt[-1].t_id) {
			snprintf(err, errlen, "%s:%zu: tunnel %u after tunnel "
			    "%u: ids must ascend", path, lineno, nt->t_id,
			    nt[-1].t_id);
			return (-1);
		}
		/* A hand edit must not make two tunnels share an SA. */
		if ((user = ttable_spi_user(tt, nt, TUN_PROTO_ESP,
		    nt->t_espspi[TUN_DST])) != 0 ||
		    (user = ttable_spi_user(tt, nt, TUN_PROTO_AH,
		    nt->t_ahspi[TUN_DST])) != 0) {
			snprintf(err, errlen, "%s:%zu: tunnel %u receives with "
			    "an SPI of tunnel %u", path, lineno, nt->t_id,
			    user);
			return (-1);
		}
	}
	if (lineno > 1)
		return (0);
badhdr:
	snprintf(err, errlen, "%s:1: expected \"%s\"", path, hdr);
	return (-1);
}

int
ttable_read(int ver, struct ttable *tt, char *err, size_t errlen)
{
	char	path[PATH_MAX], *buf;
	size_t	len;
	int	rv;

	memset(tt, 0, sizeof(*tt));
	tt->tt_ver = ver;
	if (ttable_path(ver, path, sizeof(path), err, errlen) == -1)
		return (-1);
	if ((rv = db_load(path, &buf, &len, err, errlen)) != 0)
		return (rv == 1 ? 0 : -1);
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		rv = -1;
	} else
		rv = ttable_parse(ver, path, buf, tt, err, errlen);
	explicit_bzero(buf, len);
	free(buf);
	if (rv == -1)
		ttable_free(tt);
	return (rv);
}

int
ttable_stage(const struct ttable *tt, struct db_txn *txn, char *err,
    size_t errlen)
{
	char	path[PATH_MAX], *buf;
	size_t	len, cap, i;
	int	rv, n;

	if (ttable_path(tt->tt_ver, path, sizeof(path), err, errlen) == -1) {
		db_abort(txn);
		return (-1);
	}
	cap = (tt->tt_n + 1) * (TUNF_LINEMAX + 1);
	if ((buf = malloc(cap)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		db_abort(txn);
		return (-1);
	}
	len = (size_t)snprintf(buf, cap, TUN_HEADER "\n", tt->tt_ver);
	for (i = 0; i < tt->tt_n; i++) {
		n = tunfield_fmt_line(&tt->tt_tuns[i], TUNF_DB, buf + len,
		    TUNF_LINEMAX);
		if (n < 0 || n >= TUNF_LINEMAX) {	/* cannot happen */
			snprintf(err, errlen, "%s: record too long", path);
			db_abort(txn);
			rv = -1;
			goto done;
		}
		len += (size_t)n;
		buf[len++] = '\n';
	}
	rv = db_stage(txn, path, buf, len, err, errlen);
done:
	explicit_bzero(buf, cap);
	free(buf);
	return (rv);
}

int
ttable_write(const struct ttable *tt, char *err, size_t errlen)
{
	struct db_txn	txn;

	db_begin(&txn);
	if (ttable_stage(tt, &txn, err, errlen) == -1)
		return (-1);
	return (db_commit(&txn, err, errlen));
}

void
ttable_free(struct ttable *tt)
{
	if (tt == NULL)
		return;
	if (tt->tt_tuns != NULL)
		explicit_bzero(tt->tt_tuns, tt->tt_n * sizeof(*tt->tt_tuns));
	free(tt->tt_tuns);
	tt->tt_tuns = NULL;
	tt->tt_n = 0;
}

struct tun *
ttable_find(const struct ttable *tt, uint32_t tid)
{
	size_t	i;

	for (i = 0; i < tt->tt_n; i++)
		if (tt->tt_tuns[i].t_id == tid)
			return (&tt->tt_tuns[i]);
	return (NULL);
}

/* Append a copy as the highest tid + 1 (aix-reference.md 4.1, col 0). */
int
ttable_add(struct ttable *tt, const struct tun *t, uint32_t *tid)
{
	struct tun	*nt;
	uint32_t	 id;

	id = tt->tt_n == 0 ? 1 : tt->tt_tuns[tt->tt_n - 1].t_id + 1;
	if (id == 0) {
		errno = ENOSPC;
		return (-1);
	}
	if ((nt = calloc(tt->tt_n + 1, sizeof(*nt))) == NULL)
		return (-1);
	if (tt->tt_n > 0) {
		memcpy(nt, tt->tt_tuns, tt->tt_n * sizeof(*nt));
		explicit_bzero(tt->tt_tuns, tt->tt_n * sizeof(*nt));
	}
	free(tt->tt_tuns);
	tt->tt_tuns = nt;
	nt[tt->tt_n] = *t;
	nt[tt->tt_n].t_id = id;
	nt[tt->tt_n].t_ver = (uint8_t)tt->tt_ver;
	tt->tt_n++;
	*tid = id;
	return (0);
}

void
ttable_remove(struct ttable *tt, uint32_t tid)
{
	struct tun	*t;
	size_t		 idx;

	if ((t = ttable_find(tt, tid)) == NULL)
		return;
	idx = (size_t)(t - tt->tt_tuns);
	memmove(t, t + 1, (tt->tt_n - idx - 1) * sizeof(*t));
	tt->tt_n--;
	explicit_bzero(&tt->tt_tuns[tt->tt_n], sizeof(*t));
}

static uint32_t *
tun_spi(struct tun *t, int proto, int side)
{
	return (proto == TUN_PROTO_AH ? &t->t_ahspi[side] :
	    &t->t_espspi[side]);
}

uint32_t
ttable_spi_user(const struct ttable *tt, const struct tun *t, int proto,
    uint32_t spi)
{
	struct tun	*u;
	size_t		 i, alen = t->t_ver == 4 ? 4 : 16;

	for (i = 0; i < tt->tt_n; i++) {
		u = &tt->tt_tuns[i];
		if (u->t_id == t->t_id ||
		    memcmp(&u->t_src, &t->t_src, alen) != 0)
			continue;
		if (*tun_spi(u, proto, TUN_DST) == spi)
			return (u->t_id);
	}
	return (0);
}

int
ttable_spi_fill(const struct ttable *tt, struct tun *t)
{
	uint32_t	*spi;
	int		 proto, side;

	for (proto = TUN_PROTO_AH; proto <= TUN_PROTO_ESP; proto++) {
		for (side = TUN_SRC; side <= TUN_DST; side++) {
			spi = tun_spi(t, proto, side);
			while (*spi == 0) {
				if (tun_random(spi, sizeof(*spi)) == -1)
					return (-1);
				if (*spi < TUN_SPIMIN || (side == TUN_DST &&
				    ttable_spi_user(tt, t, proto, *spi) != 0))
					*spi = 0;
			}
		}
	}
	return (0);
}

int
ttable_wanted(const uint32_t *ids, size_t nids, uint32_t tid)
{
	size_t	i;

	if (ids == NULL)
		return (1);
	for (i = 0; i < nids; i++)
		if (ids[i] == tid)
			return (1);
	return (0);
}

int
ttable_checkids(const struct ttable *tt, size_t ntt, const uint32_t *ids,
    size_t nids, char *err, size_t errlen)
{
	size_t	i, j;
	int	found;

	for (i = 0; i < nids; i++) {
		for (found = 0, j = 0; j < ntt; j++)
			if (ttable_find(&tt[j], ids[i]) != NULL)
				found = 1;
		if (found)
			continue;
		snprintf(err, errlen, "tunnel %u does not exist for IPv%s",
		    ids[i], ntt == 2 ? "4 or IPv6" : tt[0].tt_ver == 4 ? "4" :
		    "6");
		return (-1);
	}
	return (0);
}
