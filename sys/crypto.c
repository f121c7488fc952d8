/*
 * crypto.c: the IPsec algorithm table and per-SA keyed OpenSSL 3 EVP
 * contexts.  Every SA keys its cipher and MAC contexts once; a packet only
 * sets the IV (EVP_CipherInit_ex2 with no key keeps the key schedule; CBC
 * does not even do that, see cbc_run()) or re-initializes the HMAC from its
 * keyed state, so no packet allocates.
 * A crypto_sa is not safe for concurrent use: the caller serializes the
 * packets of one SA, as its sequence numbers and replay window need anyway.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "crypto.h"

struct crypto {
	OSSL_LIB_CTX		*cr_libctx;	/* private: no global state */
	OSSL_PROVIDER		*cr_default;
	OSSL_PROVIDER		*cr_legacy;	/* NULL: no DES */
	EVP_CIPHER		*cr_ciphers[CRYPTO_ALG_MAX];
	EVP_MAC			*cr_hmac;
	crypto_rand_fn		 cr_rand;	/* NULL: the libctx DRBG */
	void			*cr_randarg;
	struct crypto_pool	*cr_pool;	/* DRBG output not yet used */
};

/*
 * One RAND_bytes_ex() call on a private library context costs about
 * 11 us whatever its size (locking, fork check, reseed test), more than
 * encrypting a 1400-byte packet.  CBC IVs (RFC 3602 2.4) are drawn from
 * a pool refilled a few kilobytes at a time: each IV is still fresh
 * DRBG output, used once, and public the moment it is sent.  As with
 * the keyed contexts, one process uses the context (no fork after it).
 */
#define CRYPTO_POOLSIZE	4096

struct crypto_pool {
	size_t		cp_left;		/* unused bytes at the end */
	uint8_t		cp_buf[CRYPTO_POOLSIZE];
};

struct crypto_sa {
	const struct crypto	*cs_cr;
	const struct crypto_alg	*cs_enc;
	const struct crypto_alg	*cs_auth;
	EVP_CIPHER_CTX		*cs_ectx;	/* keyed for encryption */
	EVP_CIPHER_CTX		*cs_dctx;	/* keyed for decryption */
	EVP_MAC_CTX		*cs_mac;	/* keyed HMAC */
	uint8_t			 cs_salt[CRYPTO_SALTLEN];
	/* CBC: the block each context chains from next (cbc_run()). */
	uint8_t			 cs_echain[CRYPTO_IVMAX];
	uint8_t			 cs_dchain[CRYPTO_IVMAX];
};

static enum crypto_err	cipher_key(const struct crypto *, struct crypto_sa *,
			    const uint8_t *, size_t);
static enum crypto_err	mac_key(const struct crypto *, struct crypto_sa *,
			    const uint8_t *, size_t);
static enum crypto_err	cipher_run(struct crypto_sa *, int, const uint8_t *,
			    const uint8_t *, uint8_t *, size_t);
static enum crypto_err	cbc_run(EVP_CIPHER_CTX *, uint8_t *, size_t, int,
			    const uint8_t *, const uint8_t *, uint8_t *, size_t);
static enum crypto_err	ctr_run(EVP_CIPHER_CTX *, const struct crypto_sa *,
			    const uint8_t *, const uint8_t *, uint8_t *, size_t);
static void		aead_nonce(const struct crypto_sa *, const uint8_t *,
			    uint8_t *);

const struct crypto_alg crypto_algs[CRYPTO_ALG_MAX] = {
	/* name, description, OpenSSL name, kind, key, salt, iv, align, icv */
	[CRYPTO_DES_CBC_8] = { "DES_CBC_8", "DES CBC 8 Encryption Module",
	    "DES-CBC", CRYPTO_K_CIPHER, 8, 0, 8, 8, 0, 1 },
	[CRYPTO_3DES_CBC] = { "3DES_CBC", "Triple DES CBC Encryption Module",
	    "DES-EDE3-CBC", CRYPTO_K_CIPHER, 24, 0, 8, 8, 0, 0 },
	[CRYPTO_AES_CBC_128] = { "AES_CBC_128", "AES CBC 128 Encryption Module",
	    "AES-128-CBC", CRYPTO_K_CIPHER, 16, 0, 16, 16, 0, 0 },
	[CRYPTO_AES_CBC_192] = { "AES_CBC_192", "AES CBC 192 Encryption Module",
	    "AES-192-CBC", CRYPTO_K_CIPHER, 24, 0, 16, 16, 0, 0 },
	[CRYPTO_AES_CBC_256] = { "AES_CBC_256", "AES CBC 256 Encryption Module",
	    "AES-256-CBC", CRYPTO_K_CIPHER, 32, 0, 16, 16, 0, 0 },
	/* RFC 3686 5: ESP pads CTR payloads to 4 bytes only. */
	[CRYPTO_AES_CTR_128] = { "AES_CTR_128", "AES CTR 128 Encryption Module",
	    "AES-128-CTR", CRYPTO_K_CIPHER, 20, 4, 8, 4, 0, 0 },
	[CRYPTO_AES_CTR_192] = { "AES_CTR_192", "AES CTR 192 Encryption Module",
	    "AES-192-CTR", CRYPTO_K_CIPHER, 28, 4, 8, 4, 0, 0 },
	[CRYPTO_AES_CTR_256] = { "AES_CTR_256", "AES CTR 256 Encryption Module",
	    "AES-256-CTR", CRYPTO_K_CIPHER, 36, 4, 8, 4, 0, 0 },
	[CRYPTO_AES_GCM_16_128] = { "AES_GCM_16_128",
	    "AES GCM 128 Combined Mode Module",
	    "AES-128-GCM", CRYPTO_K_AEAD, 20, 4, 8, 4, 16, 0 },
	[CRYPTO_AES_GCM_16_256] = { "AES_GCM_16_256",
	    "AES GCM 256 Combined Mode Module",
	    "AES-256-GCM", CRYPTO_K_AEAD, 36, 4, 8, 4, 16, 0 },
	[CRYPTO_CHACHA20_POLY1305] = { "CHACHA20_POLY1305",
	    "ChaCha20 Poly1305 Combined Mode Module",
	    "ChaCha20-Poly1305", CRYPTO_K_AEAD, 36, 4, 8, 4, 16, 0 },
	[CRYPTO_NULL] = { "NULL", "NULL Encryption Module",
	    NULL, CRYPTO_K_CIPHER, 0, 0, 0, 4, 0, 0 },
	/* RFC 2403, RFC 2404: 96-bit truncation. */
	[CRYPTO_HMAC_MD5] = { "HMAC_MD5",
	    "Hashed MAC MD5 Authentication Module", "MD5", CRYPTO_K_MAC, 16, 0, 0, 0, 12, 0 },
	[CRYPTO_HMAC_SHA] = { "HMAC_SHA",
	    "Hashed MAC SHA Authentication Module", "SHA1", CRYPTO_K_MAC, 20, 0, 0, 0, 12, 0 },
	/* RFC 4868 2.1: key = output length, ICV = half of it. */
	[CRYPTO_HMAC_SHA256] = { "HMAC_SHA256",
	    "Hashed MAC SHA256 Authentication Module",
	    "SHA2-256", CRYPTO_K_MAC, 32, 0, 0, 0, 16, 0 },
	[CRYPTO_HMAC_SHA384] = { "HMAC_SHA384",
	    "Hashed MAC SHA384 Authentication Module",
	    "SHA2-384", CRYPTO_K_MAC, 48, 0, 0, 0, 24, 0 },
	[CRYPTO_HMAC_SHA512] = { "HMAC_SHA512",
	    "Hashed MAC SHA512 Authentication Module",
	    "SHA2-512", CRYPTO_K_MAC, 64, 0, 0, 0, 32, 0 },
	[CRYPTO_NONE] = { "NONE", "No Authentication",
	    NULL, CRYPTO_K_NONE, 0, 0, 0, 0, 0, 0 },
};

const struct crypto_alg *
crypto_alg_byname(const char *name)
{
	size_t	i;

	for (i = 0; i < CRYPTO_ALG_MAX; i++)
		if (strcasecmp(crypto_algs[i].ca_name, name) == 0)
			return (&crypto_algs[i]);
	return (NULL);
}

struct crypto *
crypto_create(void)
{
	struct crypto	*cr;
	size_t		 i;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return (NULL);
	if ((cr->cr_pool = calloc(1, sizeof(*cr->cr_pool))) == NULL ||
	    (cr->cr_libctx = OSSL_LIB_CTX_new()) == NULL)
		goto bad;
	if ((cr->cr_default = OSSL_PROVIDER_load(cr->cr_libctx,
	    "default")) == NULL)
		goto bad;
	/*
	 * DES lives only in the legacy provider.  Its absence is not an
	 * error here: only SAs that ask for DES fail, with CRYPTO_E_LEGACY.
	 */
	cr->cr_legacy = OSSL_PROVIDER_load(cr->cr_libctx, "legacy");
	ERR_clear_error();
	for (i = 0; i < CRYPTO_ALG_MAX; i++) {
		const struct crypto_alg	*ca = &crypto_algs[i];

		if (ca->ca_ossl == NULL || ca->ca_kind == CRYPTO_K_MAC)
			continue;
		if (ca->ca_legacy && cr->cr_legacy == NULL)
			continue;
		if ((cr->cr_ciphers[i] = EVP_CIPHER_fetch(cr->cr_libctx,
		    ca->ca_ossl, NULL)) == NULL)
			goto bad;
	}
	if ((cr->cr_hmac = EVP_MAC_fetch(cr->cr_libctx, OSSL_MAC_NAME_HMAC,
	    NULL)) == NULL)
		goto bad;
	return (cr);
 bad:
	ERR_clear_error();
	crypto_free(cr);
	return (NULL);
}

void
crypto_free(struct crypto *cr)
{
	size_t	i;

	if (cr == NULL)
		return;
	for (i = 0; i < CRYPTO_ALG_MAX; i++)
		EVP_CIPHER_free(cr->cr_ciphers[i]);
	EVP_MAC_free(cr->cr_hmac);
	if (cr->cr_legacy != NULL)
		OSSL_PROVIDER_unload(cr->cr_legacy);
	if (cr->cr_default != NULL)
		OSSL_PROVIDER_unload(cr->cr_default);
	OSSL_LIB_CTX_free(cr->cr_libctx);
	if (cr->cr_pool != NULL)
		OPENSSL_cleanse(cr->cr_pool, sizeof(*cr->cr_pool));
	free(cr->cr_pool);
	free(cr);
}

int
crypto_has_legacy(const struct crypto *cr)
{
	return (cr->cr_legacy != NULL);
}

void
crypto_set_rand(struct crypto *cr, crypto_rand_fn fn, void *arg)
{
	cr->cr_rand = fn;
	cr->cr_randarg = arg;
}

int
crypto_rand(const struct crypto *cr, uint8_t *buf, size_t n)
{
	struct crypto_pool	*cp = cr->cr_pool;

	if (cr->cr_rand != NULL)
		return (cr->cr_rand(cr->cr_randarg, buf, n));
	if (n > sizeof(cp->cp_buf)) {
		if (RAND_bytes_ex(cr->cr_libctx, buf, n, 0) != 1) {
			ERR_clear_error();
			return (-1);
		}
		return (0);
	}
	if (cp->cp_left < n) {
		if (RAND_bytes_ex(cr->cr_libctx, cp->cp_buf,
		    sizeof(cp->cp_buf), 0) != 1) {
			ERR_clear_error();
			return (-1);
		}
		cp->cp_left = sizeof(cp->cp_buf);
	}
	cp->cp_left -= n;
	memcpy(buf, cp->cp_buf + cp->cp_left, n);
	OPENSSL_cleanse(cp->cp_buf + cp->cp_left, n);	/* used once */
	return (0);
}

enum crypto_err
crypto_sa_new(struct crypto *cr, enum crypto_algid enc, const uint8_t *ekey,
    size_t ekeylen, enum crypto_algid auth, const uint8_t *akey,
    size_t akeylen, struct crypto_sa **out)
{
	struct crypto_sa	*cs;
	enum crypto_err		 e;

	*out = NULL;
	if ((unsigned)enc >= CRYPTO_ALG_MAX || (unsigned)auth >= CRYPTO_ALG_MAX)
		return (CRYPTO_E_ALG);
	if (crypto_algs[enc].ca_kind != CRYPTO_K_CIPHER &&
	    crypto_algs[enc].ca_kind != CRYPTO_K_AEAD)
		return (CRYPTO_E_ALG);
	/* aix-reference.md 9.20: integrity is mandatory unless AEAD. */
	if ((crypto_algs[enc].ca_kind == CRYPTO_K_AEAD) !=
	    (crypto_algs[auth].ca_kind == CRYPTO_K_NONE))
		return (CRYPTO_E_ALG);
	if (auth != CRYPTO_NONE && crypto_algs[auth].ca_kind != CRYPTO_K_MAC)
		return (CRYPTO_E_ALG);
	if (ekeylen != crypto_algs[enc].ca_keylen ||
	    akeylen != crypto_algs[auth].ca_keylen)
		return (CRYPTO_E_KEYLEN);
	if (crypto_algs[enc].ca_legacy && cr->cr_legacy == NULL)
		return (CRYPTO_E_LEGACY);

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return (CRYPTO_E_NOMEM);
	cs->cs_cr = cr;
	cs->cs_enc = &crypto_algs[enc];
	cs->cs_auth = &crypto_algs[auth];
	if ((e = cipher_key(cr, cs, ekey, ekeylen)) != CRYPTO_E_OK ||
	    (e = mac_key(cr, cs, akey, akeylen)) != CRYPTO_E_OK) {
		crypto_sa_free(cs);
		ERR_clear_error();
		return (e);
	}
	*out = cs;
	return (CRYPTO_E_OK);
}

static enum crypto_err
cipher_key(const struct crypto *cr, struct crypto_sa *cs, const uint8_t *key,
    size_t keylen)
{
	const struct crypto_alg	*ca = cs->cs_enc;
	EVP_CIPHER		*c = cr->cr_ciphers[ca - crypto_algs];
	const uint8_t		*iv = NULL;

	if (c == NULL)			/* NULL encryption: nothing to key */
		return (CRYPTO_E_OK);
	memcpy(cs->cs_salt, key + keylen - ca->ca_saltlen, ca->ca_saltlen);
	if ((cs->cs_ectx = EVP_CIPHER_CTX_new()) == NULL ||
	    (cs->cs_dctx = EVP_CIPHER_CTX_new()) == NULL)
		return (CRYPTO_E_NOMEM);
	if (ca->ca_kind == CRYPTO_K_CIPHER)
		iv = cs->cs_echain;	/* all zero, as is cs_dchain */
	if (EVP_EncryptInit_ex2(cs->cs_ectx, c, key, iv, NULL) != 1 ||
	    EVP_DecryptInit_ex2(cs->cs_dctx, c, key, iv, NULL) != 1)
		return (CRYPTO_E_LIB);
	/*
	 * ESP does its own padding (RFC 4303 2.4), but only the block
	 * ciphers need telling: OpenSSL 3.0 replays a cleared padding flag
	 * to the provider as a parameter on every later IV-only init, which
	 * for ChaCha20-Poly1305 costs a parameter search per packet, and the
	 * AEADs here are stream modes that never pad anyway.
	 */
	if (ca->ca_kind == CRYPTO_K_CIPHER) {
		EVP_CIPHER_CTX_set_padding(cs->cs_ectx, 0);
		EVP_CIPHER_CTX_set_padding(cs->cs_dctx, 0);
	}
	return (CRYPTO_E_OK);
}

static enum crypto_err
mac_key(const struct crypto *cr, struct crypto_sa *cs, const uint8_t *key,
    size_t keylen)
{
	OSSL_PARAM	params[2];

	if (cs->cs_auth->ca_kind != CRYPTO_K_MAC)
		return (CRYPTO_E_OK);
	if ((cs->cs_mac = EVP_MAC_CTX_new(cr->cr_hmac)) == NULL)
		return (CRYPTO_E_NOMEM);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)cs->cs_auth->ca_ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(cs->cs_mac, key, keylen, params) != 1)
		return (CRYPTO_E_LIB);
	return (CRYPTO_E_OK);
}

void
crypto_sa_free(struct crypto_sa *cs)
{
	if (cs == NULL)
		return;
	/* The _free functions cleanse the key schedules they hold. */
	EVP_CIPHER_CTX_free(cs->cs_ectx);
	EVP_CIPHER_CTX_free(cs->cs_dctx);
	EVP_MAC_CTX_free(cs->cs_mac);
	OPENSSL_cleanse(cs, sizeof(*cs));
	free(cs);
}

const struct crypto *
crypto_sa_cr(const struct crypto_sa *cs)
{
	return (cs->cs_cr);
}

const struct crypto_alg *
crypto_sa_enc(const struct crypto_sa *cs)
{
	return (cs->cs_enc);
}

const struct crypto_alg *
crypto_sa_auth(const struct crypto_sa *cs)
{
	return (cs->cs_auth);
}

size_t
crypto_sa_icvlen(const struct crypto_sa *cs)
{
	if (cs->cs_enc->ca_kind == CRYPTO_K_AEAD)
		return (cs->cs_enc->ca_icvlen);
	return (cs->cs_auth->ca_icvlen);
}

static enum crypto_err
cipher_run(struct crypto_sa *cs, int enc, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t len)
{
	const struct crypto_alg	*ca = cs->cs_enc;
	EVP_CIPHER_CTX		*ctx = enc ? cs->cs_ectx : cs->cs_dctx;

	if (ca->ca_kind != CRYPTO_K_CIPHER)
		return (CRYPTO_E_ALG);
	if (len > INT_MAX || len % ca->ca_align != 0)
		return (CRYPTO_E_LENGTH);
	if (ctx == NULL) {		/* RFC 2410: NULL encryption */
		memmove(out, in, len);
		return (CRYPTO_E_OK);
	}
	if (ca->ca_saltlen != 0)
		return (ctr_run(ctx, cs, iv, in, out, len));
	if (len == 0)
		return (CRYPTO_E_OK);
	return (cbc_run(ctx, enc ? cs->cs_echain : cs->cs_dchain,
	    ca->ca_ivlen, enc, iv, in, out, len));
}

/*
 * CBC without a per-packet IV init: in OpenSSL 3.0 an IV-only
 * EVP_CipherInit_ex2() and its EVP_CipherFinal_ex() cost more than
 * decrypting 1400 bytes (parameter replay and lookups).  A CBC context
 * chains: after each update it encrypts the next first block against the
 * last ciphertext block it produced or consumed, which we keep in chain.
 * The first block of a packet must be E(P1 ^ iv) and decrypts to
 * D(C1) ^ iv (RFC 3602 2), so iv ^ chain is folded into the plaintext
 * before encrypting and into the output after decrypting: the bytes are
 * those of a fresh init with iv, and the context is never re-keyed.
 */
static enum crypto_err
cbc_run(EVP_CIPHER_CTX *ctx, uint8_t *chain, size_t bs, int enc,
    const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t	last[CRYPTO_IVMAX];
	size_t	i;
	int	n;

	if (enc) {
		if (out != in)
			memmove(out, in, len);
		for (i = 0; i < bs; i++)
			out[i] ^= iv[i] ^ chain[i];
		in = out;
	} else
		memcpy(last, in + len - bs, bs);	/* in may be out */
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    (size_t)n != len) {
		/* Where the context stands is unknown: start it over. */
		ERR_clear_error();
		memset(chain, 0, bs);
		(void)EVP_CipherInit_ex2(ctx, NULL, NULL, chain, -1, NULL);
		return (CRYPTO_E_LIB);
	}
	if (enc) {
		memcpy(chain, out + len - bs, bs);
		return (CRYPTO_E_OK);
	}
	for (i = 0; i < bs; i++)
		out[i] ^= iv[i] ^ chain[i];
	memcpy(chain, last, bs);
	return (CRYPTO_E_OK);
}

/* RFC 3686 4: the counter block is nonce || IV || 32-bit counter from 1. */
static enum crypto_err
ctr_run(EVP_CIPHER_CTX *ctx, const struct crypto_sa *cs, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t	ctrblk[16];
	int	n, fin;

	memcpy(ctrblk, cs->cs_salt, CRYPTO_SALTLEN);
	memcpy(ctrblk + CRYPTO_SALTLEN, iv, cs->cs_enc->ca_ivlen);
	memset(ctrblk + 12, 0, 3);
	ctrblk[15] = 1;
	if (EVP_CipherInit_ex2(ctx, NULL, NULL, ctrblk, -1, NULL) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len) {
		ERR_clear_error();
		return (CRYPTO_E_LIB);
	}
	return (CRYPTO_E_OK);
}

enum crypto_err
crypto_encrypt(struct crypto_sa *cs, const uint8_t *iv, const uint8_t *in,
    uint8_t *out, size_t len)
{
	return (cipher_run(cs, 1, iv, in, out, len));
}

enum crypto_err
crypto_decrypt(struct crypto_sa *cs, const uint8_t *iv, const uint8_t *in,
    uint8_t *out, size_t len)
{
	return (cipher_run(cs, 0, iv, in, out, len));
}

/* RFC 4106 4, RFC 7634 2: the 12-byte nonce is salt || explicit IV. */
static void
aead_nonce(const struct crypto_sa *cs, const uint8_t *iv, uint8_t *nonce)
{
	memcpy(nonce, cs->cs_salt, CRYPTO_SALTLEN);
	memcpy(nonce + CRYPTO_SALTLEN, iv, cs->cs_enc->ca_ivlen);
}

enum crypto_err
crypto_seal(struct crypto_sa *cs, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX	*ctx = cs->cs_ectx;
	uint8_t		 nonce[12];
	int		 n, fin;

	if (cs->cs_enc->ca_kind != CRYPTO_K_AEAD)
		return (CRYPTO_E_ALG);
	if (len > INT_MAX || aadlen > INT_MAX)
		return (CRYPTO_E_LENGTH);
	aead_nonce(cs, iv, nonce);
	if (EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
	    (int)cs->cs_enc->ca_icvlen, tag) != 1) {
		ERR_clear_error();
		return (CRYPTO_E_LIB);
	}
	return (CRYPTO_E_OK);
}

enum crypto_err
crypto_open(struct crypto_sa *cs, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, uint8_t *out, size_t len,
    const uint8_t *tag)
{
	EVP_CIPHER_CTX	*ctx = cs->cs_dctx;
	uint8_t		 nonce[12], t[CRYPTO_ICVMAX];
	int		 n, fin;

	if (cs->cs_enc->ca_kind != CRYPTO_K_AEAD)
		return (CRYPTO_E_ALG);
	if (len > INT_MAX || aadlen > INT_MAX)
		return (CRYPTO_E_LENGTH);
	aead_nonce(cs, iv, nonce);
	memcpy(t, tag, cs->cs_enc->ca_icvlen);	/* ctrl wants non-const */
	if (EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_DecryptUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
	    (int)cs->cs_enc->ca_icvlen, t) != 1) {
		ERR_clear_error();
		return (CRYPTO_E_LIB);
	}
	/* The provider compares the tag in constant time. */
	if (EVP_DecryptFinal_ex(ctx, out + n, &fin) != 1) {
		ERR_clear_error();
		return (CRYPTO_E_ICV);
	}
	return (CRYPTO_E_OK);
}

enum crypto_err
crypto_mac(struct crypto_sa *cs, const struct crypto_iov *iov, size_t n,
    uint8_t *icv)
{
	uint8_t	md[EVP_MAX_MD_SIZE];
	size_t	i, mdlen;

	if (cs->cs_mac == NULL)
		return (CRYPTO_E_ALG);
	/* No key: restart from the keyed state (RFC 2104 inner/outer pads). */
	if (EVP_MAC_init(cs->cs_mac, NULL, 0, NULL) != 1)
		goto bad;
	for (i = 0; i < n; i++)
		if (EVP_MAC_update(cs->cs_mac, iov[i].ci_base,
		    iov[i].ci_len) != 1)
			goto bad;
	if (EVP_MAC_final(cs->cs_mac, md, &mdlen, sizeof(md)) != 1 ||
	    mdlen < cs->cs_auth->ca_icvlen)
		goto bad;
	memcpy(icv, md, cs->cs_auth->ca_icvlen);
	OPENSSL_cleanse(md, sizeof(md));
	return (CRYPTO_E_OK);
 bad:
	ERR_clear_error();
	return (CRYPTO_E_LIB);
}

enum crypto_err
crypto_mac_verify(struct crypto_sa *cs, const struct crypto_iov *iov,
    size_t n, const uint8_t *want)
{
	uint8_t		icv[CRYPTO_ICVMAX];
	enum crypto_err	e;

	if ((e = crypto_mac(cs, iov, n, icv)) != CRYPTO_E_OK)
		return (e);
	if (CRYPTO_memcmp(icv, want, cs->cs_auth->ca_icvlen) != 0)
		return (CRYPTO_E_ICV);
	return (CRYPTO_E_OK);
}
