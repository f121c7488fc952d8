/*
 * crypto.h: the IPsec algorithms (aix-reference.md 4.2) and per-SA keyed
 * transforms on byte buffers.  crypto.c is the only file of the engine that
 * includes OpenSSL; everything here is OpenSSL 3 EVP underneath.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* In aix-reference.md 4.2 order, which is ipsecstat's listing order. */
enum crypto_algid {
	CRYPTO_DES_CBC_8,
	CRYPTO_3DES_CBC,
	CRYPTO_AES_CBC_128,
	CRYPTO_AES_CBC_192,
	CRYPTO_AES_CBC_256,
	CRYPTO_AES_CTR_128,
	CRYPTO_AES_CTR_192,
	CRYPTO_AES_CTR_256,
	CRYPTO_AES_GCM_16_128,
	CRYPTO_AES_GCM_16_256,
	CRYPTO_CHACHA20_POLY1305,
	CRYPTO_NULL,
	CRYPTO_HMAC_MD5,
	CRYPTO_HMAC_SHA,
	CRYPTO_HMAC_SHA256,
	CRYPTO_HMAC_SHA384,
	CRYPTO_HMAC_SHA512,
	CRYPTO_NONE,
	CRYPTO_ALG_MAX
};

enum crypto_kind {
	CRYPTO_K_CIPHER,		/* confidentiality: CBC, CTR, NULL */
	CRYPTO_K_AEAD,			/* combined: GCM, ChaCha20-Poly1305 */
	CRYPTO_K_MAC,			/* integrity: HMAC */
	CRYPTO_K_NONE			/* no separate integrity (AEAD) */
};

#define CRYPTO_KEYMAX	64		/* longest key: HMAC_SHA512 */
#define CRYPTO_IVMAX	16		/* longest wire IV: AES-CBC */
#define CRYPTO_ICVMAX	32		/* longest ICV: HMAC-SHA-512-256 */
#define CRYPTO_SALTLEN	4		/* RFC 3686 nonce, RFC 4106/7634 salt */

struct crypto_alg {
	const char	*ca_name;	/* gentun -e/-b/-a value, canonical */
	const char	*ca_desc;	/* ipsecstat "NAME -- DESCRIPTION" */
	const char	*ca_ossl;	/* OpenSSL fetch name; NULL: none */
	enum crypto_kind ca_kind;
	size_t		 ca_keylen;	/* key bytes, salt included */
	size_t		 ca_saltlen;	/* salt/nonce bytes ending the key */
	size_t		 ca_ivlen;	/* IV bytes on the wire */
	size_t		 ca_align;	/* ESP padding alignment, at least 4 */
	size_t		 ca_icvlen;	/* AEAD tag or truncated MAC bytes */
	int		 ca_legacy;	/* needs OpenSSL's legacy provider */
};

/* The table, indexed by enum crypto_algid. */
extern const struct crypto_alg crypto_algs[CRYPTO_ALG_MAX];

/* Error codes; 0 is success. */
enum crypto_err {
	CRYPTO_E_OK,
	CRYPTO_E_ALG,			/* unknown algorithm or wrong kind */
	CRYPTO_E_KEYLEN,		/* key of the wrong length */
	CRYPTO_E_LEGACY,		/* DES without the legacy provider */
	CRYPTO_E_ICV,			/* integrity check failed */
	CRYPTO_E_LENGTH,		/* not a multiple of the block size */
	CRYPTO_E_NOMEM,
	CRYPTO_E_LIB			/* OpenSSL failed */
};

/* One contiguous piece of MAC input; a MAC covers a list of them. */
struct crypto_iov {
	const uint8_t	*ci_base;
	size_t		 ci_len;
};

struct crypto;				/* providers, fetched algorithms */
struct crypto_sa;			/* one SA's keyed contexts */

/* Fills buf with n random bytes; returns 0, or -1 on failure. */
typedef int	(*crypto_rand_fn)(void *, uint8_t *, size_t);

const struct crypto_alg	*crypto_alg_byname(const char *);

/*
 * A crypto context owns a private OSSL_LIB_CTX with the default provider
 * and, if it can be loaded, the legacy one (for DES).  There is no global
 * state; every engine context makes its own.  Returns NULL on failure.
 */
struct crypto	*crypto_create(void);
void		 crypto_free(struct crypto *);
int		 crypto_has_legacy(const struct crypto *);

/*
 * Replace the random source used for CBC IVs (default: the OS-seeded
 * DRBG of the context's OSSL_LIB_CTX).  Known-answer tests use this to fix
 * an IV; nothing else should.
 */
void		 crypto_set_rand(struct crypto *, crypto_rand_fn, void *);
int		 crypto_rand(const struct crypto *, uint8_t *, size_t);

/*
 * Key an SA: cipher enc (CIPHER or AEAD kind) with ekey, integrity auth
 * (MAC kind, or CRYPTO_NONE exactly when enc is AEAD) with akey.  For AH
 * pass CRYPTO_NULL as enc with no key.  Keys are copied; the copies are
 * wiped on crypto_sa_free().  Returns CRYPTO_E_OK and *out, or an error.
 */
enum crypto_err	 crypto_sa_new(struct crypto *, enum crypto_algid,
		    const uint8_t *, size_t, enum crypto_algid,
		    const uint8_t *, size_t, struct crypto_sa **);
void		 crypto_sa_free(struct crypto_sa *);
const struct crypto	*crypto_sa_cr(const struct crypto_sa *);
const struct crypto_alg	*crypto_sa_enc(const struct crypto_sa *);
const struct crypto_alg	*crypto_sa_auth(const struct crypto_sa *);
/* Bytes of ICV the SA puts on the wire: the AEAD tag or the MAC's. */
size_t		 crypto_sa_icvlen(const struct crypto_sa *);

/*
 * Confidentiality-only ciphers.  iv is the wire IV (ca_ivlen bytes); for
 * AES-CTR the counter block is built from the key's nonce (RFC 3686 4).
 * in and out may be the same buffer; len must be a multiple of the
 * cipher's block size (CBC).  NULL copies.
 */
enum crypto_err	 crypto_encrypt(struct crypto_sa *, const uint8_t *,
		    const uint8_t *, uint8_t *, size_t);
enum crypto_err	 crypto_decrypt(struct crypto_sa *, const uint8_t *,
		    const uint8_t *, uint8_t *, size_t);

/*
 * AEAD (RFC 4106, RFC 7634): nonce = salt || iv (8 bytes).  seal writes the
 * tag (ca_icvlen bytes) to tag; open checks it in constant time and
 * returns CRYPTO_E_ICV on mismatch, leaving out unspecified.
 */
enum crypto_err	 crypto_seal(struct crypto_sa *, const uint8_t *,
		    const uint8_t *, size_t, const uint8_t *, uint8_t *, size_t,
		    uint8_t *);
enum crypto_err	 crypto_open(struct crypto_sa *, const uint8_t *,
		    const uint8_t *, size_t, const uint8_t *, uint8_t *, size_t,
		    const uint8_t *);

/*
 * The SA's MAC over the concatenation of iov[0..n), truncated to the
 * algorithm's ICV length (RFC 2404, RFC 4868).  verify compares with
 * CRYPTO_memcmp and returns CRYPTO_E_ICV on mismatch.
 */
enum crypto_err	 crypto_mac(struct crypto_sa *, const struct crypto_iov *,
		    size_t, uint8_t *);
enum crypto_err	 crypto_mac_verify(struct crypto_sa *,
		    const struct crypto_iov *, size_t, const uint8_t *);

#endif /* CRYPTO_H */
