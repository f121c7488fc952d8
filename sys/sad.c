/*
 * sad.c: the security association database.
 *
 * Two chained hash tables: inbound SAs by (destination, SPI, protocol),
 * which is how RFC 4301 4.1 says a receiver finds an SA, and tunnels by
 * (version, tid), which is how a permit rule names its outbound bundle.
 * The SAs themselves hang off their tunnel, so a tunnel is installed,
 * removed and expired as one unit and never half present.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "ipsec_wire.h"
#include "sa.h"
#include "sad.h"

#define SAD_MINBUCKETS	64

struct sad {
	struct sad_in		**sd_in;	/* inbound hash */
	size_t			  sd_inmask;
	size_t			  sd_nin;	/* inbound SAs */
	struct sad_tun		**sd_tun;	/* tunnel hash */
	size_t			  sd_tunmask;
	size_t			  sd_ntun;
	size_t			  sd_nsa;	/* all SAs, both ways */
	struct ipf_stats	 *sd_st;
	sad_expired_fn		  sd_expired;
	void			 *sd_arg;
};

_Static_assert((int)IPF_ALG_MAX == (int)CRYPTO_ALG_MAX &&
    (int)IPF_ALG_NULL == (int)CRYPTO_NULL &&
    (int)IPF_ALG_CHACHA20_POLY1305 == (int)CRYPTO_CHACHA20_POLY1305 &&
    (int)IPF_ALG_HMAC_SHA512 == (int)CRYPTO_HMAC_SHA512 &&
    (int)IPF_ALG_NONE == (int)CRYPTO_NONE,
    "enum ipf_alg and enum crypto_algid must agree");

static uint32_t		 sad_mix(uint32_t);
static size_t		 sad_hash_in(int, const union ipf_addr *, uint32_t,
			    uint8_t);
static size_t		 sad_hash_tun(int, uint32_t);
static int		 sad_grow(size_t, size_t, size_t, void **);
static struct sad_tun	*sad_find(const struct sad *, int, uint32_t);
static void		 sad_rehash_in(struct sad *, struct sad_in **,
			    size_t);
static void		 sad_rehash_tun(struct sad *, struct sad_tun **,
			    size_t);
static enum ipf_terr	 sad_bundle(struct crypto *, const struct ipf_tunnel *,
			    int, struct sa **, uint8_t *);
static enum ipf_terr	 sad_sa(struct crypto *, const struct ipf_tunnel *,
			    int, uint8_t, int, struct sa **);
static enum ipf_terr	 sad_cerr(enum crypto_err);
static void		 sad_unlink(struct sad *, struct sad_tun *);
static void		 sad_tun_free(struct sad_tun *);

/*
 * A 32-bit finalizer (MurmurHash3's): SPIs are random or small counters,
 * both of which must spread over the buckets.  Only installed SAs sit in
 * the chains, so a peer choosing SPIs cannot lengthen them.
 */
static uint32_t
sad_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return (h);
}

static size_t
sad_hash_in(int ver, const union ipf_addr *dst, uint32_t spi, uint8_t proto)
{
	uint32_t	h = spi ^ (uint32_t)proto << 24;

	h = sad_mix(h ^ dst->w[0]);
	if (ver == 6)
		h = sad_mix(h ^ dst->w[1] ^ sad_mix(dst->w[2] ^ dst->w[3]));
	return (h);
}

static size_t
sad_hash_tun(int ver, uint32_t tid)
{
	return (sad_mix(tid ^ (uint32_t)ver << 28));
}

struct sad *
sad_create(struct ipf_stats *st, sad_expired_fn fn, void *arg)
{
	struct sad	*sd;

	if ((sd = calloc(1, sizeof(*sd))) == NULL)
		return (NULL);
	sd->sd_st = st;
	sd->sd_expired = fn;
	sd->sd_arg = arg;
	if ((sd->sd_in = calloc(SAD_MINBUCKETS, sizeof(*sd->sd_in))) == NULL ||
	    (sd->sd_tun = calloc(SAD_MINBUCKETS,
	    sizeof(*sd->sd_tun))) == NULL) {
		free(sd->sd_in);
		free(sd);
		return (NULL);
	}
	sd->sd_inmask = sd->sd_tunmask = SAD_MINBUCKETS - 1;
	return (sd);
}

void
sad_free(struct sad *sd)
{
	struct sad_tun	*tu, *next;
	size_t		 i;

	if (sd == NULL)
		return;
	for (i = 0; i <= sd->sd_tunmask; i++)
		for (tu = sd->sd_tun[i]; tu != NULL; tu = next) {
			next = tu->tu_next;
			sad_tun_free(tu);
		}
	free(sd->sd_in);
	free(sd->sd_tun);
	free(sd);
}

static void
sad_tun_free(struct sad_tun *tu)
{
	size_t	i;

	for (i = 0; i < SAD_BUNDLE; i++) {
		sa_free(tu->tu_out[i]);		/* wipes the keys */
		sa_free(tu->tu_in[i]);
	}
	free(tu);
}

/*
 * A bucket array of twice the size (mask + 1 buckets of size bytes now)
 * once n entries would load it past one: 1 and *nt, 0 if not needed.
 */
static int
sad_grow(size_t mask, size_t n, size_t size, void **nt)
{
	if (n <= mask + 1)
		return (0);
	if ((*nt = calloc((mask + 1) * 2, size)) == NULL)
		return (-1);
	return (1);
}

static void
sad_rehash_in(struct sad *sd, struct sad_in **nt, size_t nmask)
{
	struct sad_in	*si, *next;
	size_t		 i, h;

	for (i = 0; i <= sd->sd_inmask; i++)
		for (si = sd->sd_in[i]; si != NULL; si = next) {
			next = si->si_next;
			h = sad_hash_in(si->si_tun->tu_ver, &si->si_sa->sa_dst,
			    si->si_sa->sa_spi, si->si_sa->sa_proto) & nmask;
			si->si_next = nt[h];
			nt[h] = si;
		}
	free(sd->sd_in);
	sd->sd_in = nt;
	sd->sd_inmask = nmask;
}

static void
sad_rehash_tun(struct sad *sd, struct sad_tun **nt, size_t nmask)
{
	struct sad_tun	*tu, *next;
	size_t		 i, h;

	for (i = 0; i <= sd->sd_tunmask; i++)
		for (tu = sd->sd_tun[i]; tu != NULL; tu = next) {
			next = tu->tu_next;
			h = sad_hash_tun(tu->tu_ver, tu->tu_id) & nmask;
			tu->tu_next = nt[h];
			nt[h] = tu;
		}
	free(sd->sd_tun);
	sd->sd_tun = nt;
	sd->sd_tunmask = nmask;
}

static enum ipf_terr
sad_cerr(enum crypto_err e)
{
	switch (e) {
	case CRYPTO_E_OK:
		return (IPF_TE_OK);
	case CRYPTO_E_KEYLEN:
		return (IPF_TE_KEYLEN);
	case CRYPTO_E_LEGACY:
		return (IPF_TE_LEGACY);
	case CRYPTO_E_NOMEM:
		return (IPF_TE_NOMEM);
	case CRYPTO_E_LIB:
		return (IPF_TE_CRYPTO);
	default:
		return (IPF_TE_ALG);
	}
}

/*
 * One SA of tunnel t: direction out (1) or in (0), protocol proto, in
 * the tunnel's mode if it is the innermost of its bundle.
 */
static enum ipf_terr
sad_sa(struct crypto *cr, const struct ipf_tunnel *t, int out, uint8_t proto,
    int inner, struct sa **sap)
{
	const struct ipf_sadir	*d = out ? &t->tn_out : &t->tn_in;
	struct sa_params	 sp;
	enum crypto_err		 e;

	memset(&sp, 0, sizeof(sp));
	sp.sp_proto = proto;
	sp.sp_af = t->tn_ver;
	sp.sp_mode = inner && t->tn_mode == IPF_TM_TUNNEL ? SA_TUNNEL :
	    SA_TRANSPORT;
	sp.sp_src = out ? t->tn_local : t->tn_peer;
	sp.sp_dst = out ? t->tn_peer : t->tn_local;
	if (t->tn_flags & IPF_TF_ESN)
		sp.sp_flags |= SA_F_ESN;
	if (t->tn_flags & IPF_TF_REPLAY)
		sp.sp_flags |= SA_F_REPLAY;
	if (proto == IPW_PROTO_ESP) {
		if (t->tn_flags & IPF_TF_UDP)
			sp.sp_flags |= SA_F_UDPENCAP;
		sp.sp_spi = d->sd_espspi;
		sp.sp_enc = (enum crypto_algid)d->sd_enc;
		sp.sp_ekey = d->sd_enckey;
		sp.sp_ekeylen = d->sd_enckeylen;
		sp.sp_auth = (enum crypto_algid)d->sd_espauth;
		sp.sp_akey = d->sd_espkey;
		sp.sp_akeylen = d->sd_espkeylen;
	} else {
		sp.sp_spi = d->sd_ahspi;
		sp.sp_enc = CRYPTO_NULL;
		sp.sp_auth = (enum crypto_algid)d->sd_ahauth;
		sp.sp_akey = d->sd_ahkey;
		sp.sp_akeylen = d->sd_ahkeylen;
	}
	/* RFC 4303 2.1: SPIs 1-255 are reserved, 0 means none. */
	if (sp.sp_spi < 256)
		return (IPF_TE_FIELD);
	if (d->sd_enc >= IPF_ALG_MAX || d->sd_espauth >= IPF_ALG_MAX ||
	    d->sd_ahauth >= IPF_ALG_MAX)
		return (IPF_TE_ALG);
	/* AH has no cipher: its integrity algorithm must be a MAC. */
	if (proto == IPW_PROTO_AH &&
	    crypto_algs[sp.sp_auth].ca_kind != CRYPTO_K_MAC)
		return (IPF_TE_ALG);
	if ((e = sa_new(cr, &sp, sap)) != CRYPTO_E_OK)
		return (sad_cerr(e));
	/* Never count from a number already used under these keys. */
	if (out)
		(*sap)->sa_replay.rp_sent = t->tn_seq;
	return (IPF_TE_OK);
}

/* A direction's SAs in the order they are applied on output. */
static enum ipf_terr
sad_bundle(struct crypto *cr, const struct ipf_tunnel *t, int out,
    struct sa **sas, uint8_t *n)
{
	static const uint8_t	 order[4][SAD_BUNDLE] = {
		[IPF_TP_E]	= { IPW_PROTO_ESP, 0 },
		[IPF_TP_A]	= { IPW_PROTO_AH, 0 },
		[IPF_TP_EA]	= { IPW_PROTO_ESP, IPW_PROTO_AH },
		[IPF_TP_AE]	= { IPW_PROTO_AH, IPW_PROTO_ESP },
	};
	const struct ipf_sadir	*d = out ? &t->tn_out : &t->tn_in;
	enum ipf_terr		 e;
	size_t			 i;

	if (d->sd_policy > IPF_TP_AE)
		return (IPF_TE_FIELD);
	/* RFC 3948 encapsulates ESP alone (aix-reference.md 4.1, -T). */
	if ((t->tn_flags & IPF_TF_UDP) && d->sd_policy != IPF_TP_E)
		return (IPF_TE_FIELD);
	for (i = 0, *n = 0; i < SAD_BUNDLE && order[d->sd_policy][i] != 0;
	    i++) {
		if ((e = sad_sa(cr, t, out, order[d->sd_policy][i], i == 0,
		    &sas[i])) != IPF_TE_OK)
			return (e);
		(*n)++;
	}
	return (IPF_TE_OK);
}

enum ipf_terr
sad_add(struct sad *sd, struct crypto *cr, const struct ipf_tunnel *t,
    uint64_t now)
{
	struct sad_tun	*tu;
	struct sa	*sa;
	void		*nin = NULL, *ntun = NULL;
	enum ipf_terr	 e;
	size_t		 i, h;
	int		 gi, gt;

	if ((t->tn_ver != 4 && t->tn_ver != 6) || t->tn_id == 0 ||
	    t->tn_mode > IPF_TM_TRANSPORT ||
	    (t->tn_flags & ~(IPF_TF_REPLAY | IPF_TF_ESN | IPF_TF_UDP)))
		return (IPF_TE_FIELD);
	if (sad_tunnel(sd, t->tn_ver, t->tn_id, now) != NULL)
		return (IPF_TE_EXISTS);
	if ((tu = calloc(1, sizeof(*tu))) == NULL)
		return (IPF_TE_NOMEM);
	tu->tu_id = t->tn_id;
	tu->tu_ver = t->tn_ver;
	if (t->tn_life != 0)
		tu->tu_expire = now + (uint64_t)t->tn_life * 60;
	if ((e = sad_bundle(cr, t, 1, tu->tu_out, &tu->tu_nout)) != IPF_TE_OK ||
	    (e = sad_bundle(cr, t, 0, tu->tu_in, &tu->tu_nin)) != IPF_TE_OK)
		goto fail;
	for (i = 0; i < tu->tu_nin; i++) {
		sa = tu->tu_in[i];
		if (sad_lookup(sd, t->tn_ver, &sa->sa_dst, sa->sa_spi,
		    sa->sa_proto, now) != NULL) {
			e = IPF_TE_SPI;
			goto fail;
		}
	}
	/* Every allocation before the first visible change. */
	e = IPF_TE_NOMEM;
	if ((gi = sad_grow(sd->sd_inmask, sd->sd_nin + tu->tu_nin,
	    sizeof(*sd->sd_in), &nin)) == -1 ||
	    (gt = sad_grow(sd->sd_tunmask, sd->sd_ntun + 1,
	    sizeof(*sd->sd_tun), &ntun)) == -1) {
		free(nin);
		goto fail;
	}
	if (gi)
		sad_rehash_in(sd, nin, sd->sd_inmask * 2 + 1);
	if (gt)
		sad_rehash_tun(sd, ntun, sd->sd_tunmask * 2 + 1);

	for (i = 0; i < tu->tu_nin; i++) {
		tu->tu_inl[i].si_sa = tu->tu_in[i];
		tu->tu_inl[i].si_tun = tu;
		h = sad_hash_in(tu->tu_ver, &tu->tu_in[i]->sa_dst,
		    tu->tu_in[i]->sa_spi, tu->tu_in[i]->sa_proto) &
		    sd->sd_inmask;
		tu->tu_inl[i].si_next = sd->sd_in[h];
		sd->sd_in[h] = &tu->tu_inl[i];
	}
	h = sad_hash_tun(tu->tu_ver, tu->tu_id) & sd->sd_tunmask;
	tu->tu_next = sd->sd_tun[h];
	sd->sd_tun[h] = tu;
	sd->sd_nin += tu->tu_nin;
	sd->sd_ntun++;
	sd->sd_nsa += (size_t)tu->tu_nin + tu->tu_nout;
	sd->sd_st->st_sa_added += (uint64_t)tu->tu_nin + tu->tu_nout;
	return (IPF_TE_OK);
fail:
	sad_tun_free(tu);
	return (e);
}

/* Take a tunnel out of both tables; the caller frees it. */
static void
sad_unlink(struct sad *sd, struct sad_tun *tu)
{
	struct sad_in	**sp;
	struct sad_tun	**tp;
	size_t		  i;

	for (i = 0; i < tu->tu_nin; i++) {
		sp = &sd->sd_in[sad_hash_in(tu->tu_ver, &tu->tu_in[i]->sa_dst,
		    tu->tu_in[i]->sa_spi, tu->tu_in[i]->sa_proto) &
		    sd->sd_inmask];
		while (*sp != &tu->tu_inl[i])
			sp = &(*sp)->si_next;
		*sp = tu->tu_inl[i].si_next;
	}
	tp = &sd->sd_tun[sad_hash_tun(tu->tu_ver, tu->tu_id) & sd->sd_tunmask];
	while (*tp != tu)
		tp = &(*tp)->tu_next;
	*tp = tu->tu_next;
	sd->sd_nin -= tu->tu_nin;
	sd->sd_ntun--;
	sd->sd_nsa -= (size_t)tu->tu_nin + tu->tu_nout;
}

int
sad_remove(struct sad *sd, int ver, uint32_t tid)
{
	struct sad_tun	*tu;

	if ((tu = sad_find(sd, ver, tid)) == NULL)
		return (-1);
	sad_unlink(sd, tu);
	sd->sd_st->st_sa_deleted += (uint64_t)tu->tu_nin + tu->tu_nout;
	sad_tun_free(tu);
	return (0);
}

static struct sad_tun *
sad_find(const struct sad *sd, int ver, uint32_t tid)
{
	struct sad_tun	*tu;

	for (tu = sd->sd_tun[sad_hash_tun(ver, tid) & sd->sd_tunmask];
	    tu != NULL; tu = tu->tu_next)
		if (tu->tu_id == tid && tu->tu_ver == ver)
			return (tu);
	return (NULL);
}

struct sad_tun *
sad_tunnel(struct sad *sd, int ver, uint32_t tid, uint64_t now)
{
	struct sad_tun	*tu;

	if ((tu = sad_find(sd, ver, tid)) == NULL)
		return (NULL);
	if (tu->tu_expire != 0 && now >= tu->tu_expire) {
		sad_unlink(sd, tu);
		sd->sd_st->st_sa_expired += (uint64_t)tu->tu_nin + tu->tu_nout;
		if (sd->sd_expired != NULL)
			sd->sd_expired(sd->sd_arg, tu, now);
		sad_tun_free(tu);
		return (NULL);
	}
	return (tu);
}

void
sad_clear(struct sad *sd)
{
	struct sad_tun	*tu;
	size_t		 i, j;

	for (i = 0; i <= sd->sd_tunmask; i++)
		for (tu = sd->sd_tun[i]; tu != NULL; tu = tu->tu_next) {
			for (j = 0; j < tu->tu_nout; j++)
				tu->tu_out[j]->sa_packets =
				    tu->tu_out[j]->sa_bytes = 0;
			for (j = 0; j < tu->tu_nin; j++)
				tu->tu_in[j]->sa_packets =
				    tu->tu_in[j]->sa_bytes = 0;
		}
}

void
sad_expire(struct sad *sd, uint64_t now)
{
	struct sad_tun	*tu, *next;
	size_t		 i;

	for (i = 0; i <= sd->sd_tunmask; i++)
		for (tu = sd->sd_tun[i]; tu != NULL; tu = next) {
			next = tu->tu_next;
			if (tu->tu_expire != 0 && now >= tu->tu_expire)
				(void)sad_tunnel(sd, tu->tu_ver, tu->tu_id,
				    now);
		}
}

const struct sad_in *
sad_lookup(struct sad *sd, int ver, const union ipf_addr *dst, uint32_t spi,
    uint8_t proto, uint64_t now)
{
	const struct sad_in	*si;
	size_t			 alen = ver == 4 ? 4 : 16;

	for (si = sd->sd_in[sad_hash_in(ver, dst, spi, proto) &
	    sd->sd_inmask]; si != NULL; si = si->si_next)
		if (si->si_sa->sa_spi == spi && si->si_sa->sa_proto == proto &&
		    si->si_tun->tu_ver == ver &&
		    memcmp(si->si_sa->sa_dst.b, dst->b, alen) == 0)
			break;
	if (si == NULL)
		return (NULL);
	/* An expired tunnel goes now, and its SA with it. */
	if (sad_tunnel(sd, ver, si->si_tun->tu_id, now) == NULL)
		return (NULL);
	return (si);
}

const struct sad_tun *
sad_tunnel_const(const struct sad *sd, int ver, uint32_t tid)
{
	return (sad_find(sd, ver, tid));
}

size_t
sad_bytes(const struct sad *sd)
{
	return (sizeof(*sd) +
	    (sd->sd_inmask + 1) * sizeof(*sd->sd_in) +
	    (sd->sd_tunmask + 1) * sizeof(*sd->sd_tun) +
	    sd->sd_ntun * sizeof(struct sad_tun) +
	    sd->sd_nsa * sizeof(struct sa));
}
