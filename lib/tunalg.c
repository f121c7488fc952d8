/*
 * tunalg.c: the algorithm table of aix-reference.md 4.2.  Key lengths
 * are what the administrator types: AES-CTR keys carry the RFC 3686
 * 4-byte nonce and the AEAD keys the RFC 4106 / RFC 7634 4-byte salt.
 */
#include <strings.h>

#include "tunalg.h"

const struct tunalg	tunalg_table[TUNALG_MAX] = {
	[TUNALG_DES_CBC_8] = { "DES_CBC_8", "DES CBC 8 Encryption Module",
	    TUNALG_K_CIPHER, 8 },
	[TUNALG_3DES_CBC] = { "3DES_CBC", "Triple DES CBC Encryption Module",
	    TUNALG_K_CIPHER, 24 },
	[TUNALG_AES_CBC_128] = { "AES_CBC_128",
	    "AES CBC 128 Encryption Module", TUNALG_K_CIPHER, 16 },
	[TUNALG_AES_CBC_192] = { "AES_CBC_192",
	    "AES CBC 192 Encryption Module", TUNALG_K_CIPHER, 24 },
	[TUNALG_AES_CBC_256] = { "AES_CBC_256",
	    "AES CBC 256 Encryption Module", TUNALG_K_CIPHER, 32 },
	[TUNALG_AES_CTR_128] = { "AES_CTR_128",
	    "AES CTR 128 Encryption Module", TUNALG_K_CIPHER, 20 },
	[TUNALG_AES_CTR_192] = { "AES_CTR_192",
	    "AES CTR 192 Encryption Module", TUNALG_K_CIPHER, 28 },
	[TUNALG_AES_CTR_256] = { "AES_CTR_256",
	    "AES CTR 256 Encryption Module", TUNALG_K_CIPHER, 36 },
	[TUNALG_AES_GCM_16_128] = { "AES_GCM_16_128",
	    "AES GCM 128 Combined Mode Module", TUNALG_K_AEAD, 20 },
	[TUNALG_AES_GCM_16_256] = { "AES_GCM_16_256",
	    "AES GCM 256 Combined Mode Module", TUNALG_K_AEAD, 36 },
	[TUNALG_CHACHA20_POLY1305] = { "CHACHA20_POLY1305",
	    "ChaCha20 Poly1305 Combined Mode Module", TUNALG_K_AEAD, 36 },
	[TUNALG_NULL] = { "NULL", "NULL Encryption Module",
	    TUNALG_K_CIPHER, 0 },
	[TUNALG_HMAC_MD5] = { "HMAC_MD5",
	    "Hashed MAC MD5 Authentication Module", TUNALG_K_MAC, 16 },
	[TUNALG_HMAC_SHA] = { "HMAC_SHA",
	    "Hashed MAC SHA Authentication Module", TUNALG_K_MAC, 20 },
	[TUNALG_HMAC_SHA256] = { "HMAC_SHA256",
	    "Hashed MAC SHA256 Authentication Module", TUNALG_K_MAC, 32 },
	[TUNALG_HMAC_SHA384] = { "HMAC_SHA384",
	    "Hashed MAC SHA384 Authentication Module", TUNALG_K_MAC, 48 },
	[TUNALG_HMAC_SHA512] = { "HMAC_SHA512",
	    "Hashed MAC SHA512 Authentication Module", TUNALG_K_MAC, 64 },
	[TUNALG_NONE] = { "NONE", "No Authentication", TUNALG_K_NONE, 0 },
};

/*
 * AIX's CDMF, DES_CBC_4 and KEYED_MD5 are refused by name rather than
 * reported unknown, so a script carried over from AIX gets told why.
 */
static const char *const tunalg_refused[] = {
	"CDMF", "DES_CBC_4", "KEYED_MD5", NULL
};

int
tunalg_byname(const char *s, int *id)
{
	int	i;

	for (i = 0; i < TUNALG_MAX; i++) {
		if (strcasecmp(s, tunalg_table[i].ta_name) == 0) {
			*id = i;
			return (0);
		}
	}
	for (i = 0; tunalg_refused[i] != NULL; i++)
		if (strcasecmp(s, tunalg_refused[i]) == 0)
			return (-2);
	return (-1);
}
