/*
 * tunalg.h: the manual-tunnel algorithms as the commands see them
 * (aix-reference.md 4.2, 7): names, kinds, configured key lengths and
 * ipsecstat's descriptions.  The engine's own table (sys/crypto.h) keys
 * the SAs; this one only validates and lists, and keeps the same order
 * so the two can be unified.
 */
#ifndef TUNALG_H
#define TUNALG_H

#include <stddef.h>

/* In aix-reference.md 4.2 order, which is ipsecstat's listing order. */
enum tunalg_id {
	TUNALG_DES_CBC_8,
	TUNALG_3DES_CBC,
	TUNALG_AES_CBC_128,
	TUNALG_AES_CBC_192,
	TUNALG_AES_CBC_256,
	TUNALG_AES_CTR_128,
	TUNALG_AES_CTR_192,
	TUNALG_AES_CTR_256,
	TUNALG_AES_GCM_16_128,
	TUNALG_AES_GCM_16_256,
	TUNALG_CHACHA20_POLY1305,
	TUNALG_NULL,
	TUNALG_HMAC_MD5,
	TUNALG_HMAC_SHA,
	TUNALG_HMAC_SHA256,
	TUNALG_HMAC_SHA384,
	TUNALG_HMAC_SHA512,
	TUNALG_NONE,
	TUNALG_MAX
};

enum tunalg_kind {
	TUNALG_K_CIPHER,		/* confidentiality only; also NULL */
	TUNALG_K_AEAD,			/* combined mode: integrity NONE */
	TUNALG_K_MAC,			/* integrity (AH, ESP with a cipher) */
	TUNALG_K_NONE			/* no separate integrity: AEAD only */
};

#define TUNALG_KEYMAX	64		/* HMAC_SHA512 */

struct tunalg {
	const char	*ta_name;	/* canonical, as listed */
	const char	*ta_desc;	/* ipsecstat "NAME -- DESCRIPTION" */
	enum tunalg_kind ta_kind;
	size_t		 ta_keylen;	/* bytes, salt or nonce included */
};

extern const struct tunalg	tunalg_table[TUNALG_MAX];

/*
 * Case-insensitive name to id.  Returns 0, -1 for an unknown name, -2
 * for an AIX algorithm that ipsecfilt refuses (aix-reference.md 9.18).
 */
int	tunalg_byname(const char *, int *);

#endif /* TUNALG_H */
