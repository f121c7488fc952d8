/*
 * crypto_test.c: sys/crypto.c against published known-answer vectors
 * (RFC 2202, RFC 4868, RFC 3602, RFC 3686, the GCM specification's test
 * cases used by RFC 4106, RFC 7539, NIST SP 800-67, FIPS 81), wrong ICVs,
 * key checks and the legacy provider's absence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "crypto.h"

struct mac_kat {
	enum crypto_algid	 alg;
	const char		*key;
	const char		*data;	/* hex */
	const char		*mac;	/* full HMAC output, hex */
};

struct cipher_kat {
	enum crypto_algid	 alg;
	const char		*key;	/* salt/nonce appended where needed */
	const char		*iv;
	const char		*pt;
	const char		*ct;
};

struct aead_kat {
	enum crypto_algid	 alg;
	const char		*key;	/* key || 4-byte salt */
	const char		*iv;	/* the 8 bytes after the salt */
	const char		*aad;
	const char		*pt;
	const char		*ct;
	const char		*tag;
};

#define HI_THERE	"4869205468657265"	/* "Hi There" */
#define DD50 \
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
	"dddddddddddddddddddddddddddddddd"

static const struct mac_kat mac_kats[] = {
	/* RFC 2202 2, test cases 1 and 3 */
	{ CRYPTO_HMAC_MD5, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", HI_THERE,
	    "9294727a3638bb1c13f48ef8158bfc9d" },
	{ CRYPTO_HMAC_MD5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DD50,
	    "56be34521d144c88dbb8c733f0e8b3f6" },
	/* RFC 2202 3, test cases 1 and 3 */
	{ CRYPTO_HMAC_SHA, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    HI_THERE, "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ CRYPTO_HMAC_SHA, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DD50,
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	/*
	 * RFC 4868 2.7.2.1-3, test case 1: RFC 4231's "Hi There" case
	 * with keys of the exact lengths that RFC 4868 (and this engine)
	 * require; RFC 4231's own keys are 4 to 131 bytes.
	 */
	{ CRYPTO_HMAC_SHA256,
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    HI_THERE,
	    "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7" },
	{ CRYPTO_HMAC_SHA384,
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    HI_THERE,
	    "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc"
	    "4c5df61d5b3297b4fb68dab9f1b582c2" },
	{ CRYPTO_HMAC_SHA512,
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    HI_THERE,
	    "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"
	    "ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b" },
};

static const struct cipher_kat cipher_kats[] = {
	/* RFC 3602 4, cases 1 and 2 */
	{ CRYPTO_AES_CBC_128, "06a9214036b8a15b512e03d534120006",
	    "3dafba429d9eb430b422da802c9fac41",
	    "53696e676c6520626c6f636b206d7367",
	    "e353779c1079aeb82708942dbe77181a" },
	{ CRYPTO_AES_CBC_128, "c286696d887c9aa0611bbb3e2025a45a",
	    "562e17996d093d28ddb3ba695a2e6f58",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	/* RFC 3686 6, test vectors 1 and 2 (key || nonce) */
	{ CRYPTO_AES_CTR_128, "ae6852f8121067cc4bf7a5765577f39e00000030",
	    "0000000000000000",
	    "53696e676c6520626c6f636b206d7367",
	    "e4095d4fb7a7b3792d6175a3261311b8" },
	{ CRYPTO_AES_CTR_128, "7e24067817fae0d743d6ce1f32539163006cb6db",
	    "c0543b59da48d90b",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28" },
	/*
	 * NIST SP 800-67 Rev. 1 B.1: the first block of its TDEA example
	 * ("The qufc"); with a zero IV CBC's first block is ECB's.
	 */
	{ CRYPTO_3DES_CBC,
	    "0123456789abcdef23456789abcdef01456789abcdef0123",
	    "0000000000000000", "5468652071756663", "a826fd8ce53b855f" },
	/* FIPS 81 table C1: "Now is the time for all " in CBC mode. */
	{ CRYPTO_DES_CBC_8, "0123456789abcdef", "1234567890abcdef",
	    "4e6f77206973207468652074696d6520666f7220616c6c20",
	    "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6" },
};

static const struct aead_kat aead_kats[] = {
	/* GCM specification (McGrew, Viega) test case 4, as RFC 4106 keys. */
	{ CRYPTO_AES_GCM_16_128, "feffe9928665731c6d6a8f9467308308cafebabe",
	    "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	    "5bc94fbc3221a5db94fae95ae7121a47" },
	/* ... test case 16, AES-256 */
	{ CRYPTO_AES_GCM_16_256,
	    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
	    "cafebabe",
	    "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	    "76fc6ece0f4e1768cddf8853bb2d551b" },
	/* RFC 7539 2.8.2: constant 07000000 is the salt. */
	{ CRYPTO_CHACHA20_POLY1305,
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "07000000",
	    "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
	    "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	    "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	    "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	    "637265656e20776f756c642062652069742e",
	    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	    "3ff4def08e4b7a9de576d26586cec64b6116",
	    "1ae10b594f09e26a7e902ecbd0600691" },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		n = strlen(s) / 2, i;
	unsigned int	v;

	ATF_REQUIRE(strlen(s) % 2 == 0 && n <= max);
	for (i = 0; i < n; i++) {
		ATF_REQUIRE(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
	return (n);
}

static struct crypto *
make_crypto(void)
{
	struct crypto	*cr;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	return (cr);
}

static struct crypto_sa *
make_sa(struct crypto *cr, enum crypto_algid enc, const char *ekey,
    enum crypto_algid auth, const char *akey)
{
	uint8_t			 ek[CRYPTO_KEYMAX], ak[CRYPTO_KEYMAX];
	size_t			 ekl = 0, akl = 0;
	struct crypto_sa	*cs;

	if (ekey != NULL)
		ekl = unhex(ekey, ek, sizeof(ek));
	if (akey != NULL)
		akl = unhex(akey, ak, sizeof(ak));
	ATF_REQUIRE_EQ(crypto_sa_new(cr, enc, ek, ekl, auth, ak, akl, &cs),
	    CRYPTO_E_OK);
	return (cs);
}

ATF_TC_WITHOUT_HEAD(hmac_vectors);
ATF_TC_BODY(hmac_vectors, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	struct crypto_iov	 iov[2];
	uint8_t			 data[128], want[64], icv[CRYPTO_ICVMAX];
	size_t			 i, n, icvlen;

	for (i = 0; i < NITEMS(mac_kats); i++) {
		const struct mac_kat	*k = &mac_kats[i];

		cs = make_sa(cr, CRYPTO_NULL, NULL, k->alg, k->key);
		n = unhex(k->data, data, sizeof(data));
		unhex(k->mac, want, sizeof(want));
		icvlen = crypto_algs[k->alg].ca_icvlen;
		ATF_REQUIRE_EQ(crypto_sa_icvlen(cs), icvlen);
		/* Split input: the MAC covers the concatenation. */
		iov[0].ci_base = data;
		iov[0].ci_len = n / 3;
		iov[1].ci_base = data + n / 3;
		iov[1].ci_len = n - n / 3;
		/* Twice: the second run starts from the keyed state. */
		ATF_REQUIRE_EQ(crypto_mac(cs, iov, 2, icv), CRYPTO_E_OK);
		ATF_REQUIRE_EQ(crypto_mac(cs, iov, 2, icv), CRYPTO_E_OK);
		ATF_CHECK_MSG(memcmp(icv, want, icvlen) == 0, "%s case %zu",
		    crypto_algs[k->alg].ca_name, i);
		ATF_CHECK_EQ(crypto_mac_verify(cs, iov, 2, want), CRYPTO_E_OK);
		crypto_sa_free(cs);
	}
	crypto_free(cr);
}

/* Every bit of every MAC's ICV matters, and so does the data. */
ATF_TC_WITHOUT_HEAD(hmac_wrong_icv);
ATF_TC_BODY(hmac_wrong_icv, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	struct crypto_iov	 iov;
	uint8_t			 key[CRYPTO_KEYMAX], data[64];
	uint8_t			 icv[CRYPTO_ICVMAX];
	size_t			 bit, icvlen;
	int			 alg;

	memset(key, 0x0b, sizeof(key));
	memset(data, 0x5a, sizeof(data));
	iov.ci_base = data;
	iov.ci_len = sizeof(data);
	for (alg = CRYPTO_HMAC_MD5; alg <= CRYPTO_HMAC_SHA512; alg++) {
		icvlen = crypto_algs[alg].ca_icvlen;
		ATF_REQUIRE_EQ(crypto_sa_new(cr, CRYPTO_NULL, NULL, 0, alg,
		    key, crypto_algs[alg].ca_keylen, &cs), CRYPTO_E_OK);
		ATF_REQUIRE_EQ(crypto_mac(cs, &iov, 1, icv), CRYPTO_E_OK);
		ATF_REQUIRE_EQ(crypto_mac_verify(cs, &iov, 1, icv),
		    CRYPTO_E_OK);
		for (bit = 0; bit < icvlen * 8; bit++) {
			icv[bit / 8] ^= 1 << (bit % 8);
			ATF_CHECK_EQ(crypto_mac_verify(cs, &iov, 1, icv),
			    CRYPTO_E_ICV);
			icv[bit / 8] ^= 1 << (bit % 8);
		}
		data[17] ^= 0x80;
		ATF_CHECK_EQ(crypto_mac_verify(cs, &iov, 1, icv), CRYPTO_E_ICV);
		data[17] ^= 0x80;
		crypto_sa_free(cs);
	}
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(cipher_vectors);
ATF_TC_BODY(cipher_vectors, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	uint8_t			 iv[CRYPTO_IVMAX], pt[64], ct[64], buf[64];
	size_t			 i, n;

	ATF_REQUIRE_MSG(crypto_has_legacy(cr), "legacy provider missing");
	for (i = 0; i < NITEMS(cipher_kats); i++) {
		const struct cipher_kat	*k = &cipher_kats[i];

		cs = make_sa(cr, k->alg, k->key, CRYPTO_HMAC_SHA,
		    "0000000000000000000000000000000000000000");
		ATF_REQUIRE_EQ(unhex(k->iv, iv, sizeof(iv)),
		    crypto_algs[k->alg].ca_ivlen);
		n = unhex(k->pt, pt, sizeof(pt));
		ATF_REQUIRE_EQ(unhex(k->ct, ct, sizeof(ct)), n);
		ATF_REQUIRE_EQ(crypto_encrypt(cs, iv, pt, buf, n), CRYPTO_E_OK);
		ATF_CHECK_MSG(memcmp(buf, ct, n) == 0, "%s encrypt case %zu",
		    crypto_algs[k->alg].ca_name, i);
		/* In place, and again: the IV is per call, the key kept. */
		ATF_REQUIRE_EQ(crypto_decrypt(cs, iv, buf, buf, n),
		    CRYPTO_E_OK);
		ATF_CHECK_MSG(memcmp(buf, pt, n) == 0, "%s decrypt case %zu",
		    crypto_algs[k->alg].ca_name, i);
		crypto_sa_free(cs);
	}
	crypto_free(cr);
}

/* CBC refuses partial blocks rather than padding behind ESP's back. */
/*
 * A packet's bytes depend on its key, IV and data alone, never on the
 * packets before it on the same SA, in either direction, in or out of
 * place (crypto.c keeps its CBC contexts chained across packets).
 */
ATF_TC_WITHOUT_HEAD(cipher_no_history);
ATF_TC_BODY(cipher_no_history, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	uint8_t			 iv[CRYPTO_IVMAX], pt[64], ct[64], buf[64];
	uint8_t			 junk[48], jiv[CRYPTO_IVMAX];
	size_t			 i, n, r;

	ATF_REQUIRE_MSG(crypto_has_legacy(cr), "legacy provider missing");
	for (i = 0; i < NITEMS(cipher_kats); i++) {
		const struct cipher_kat	*k = &cipher_kats[i];
		const char		*name = crypto_algs[k->alg].ca_name;

		cs = make_sa(cr, k->alg, k->key, CRYPTO_HMAC_SHA,
		    "0000000000000000000000000000000000000000");
		(void)unhex(k->iv, iv, sizeof(iv));
		n = unhex(k->pt, pt, sizeof(pt));
		(void)unhex(k->ct, ct, sizeof(ct));
		for (r = 0; r < 3; r++) {
			memset(junk, 0xa5 + (int)r, sizeof(junk));
			memset(jiv, 0x5a + (int)r, sizeof(jiv));
			ATF_REQUIRE_EQ(crypto_encrypt(cs, jiv, junk, junk,
			    sizeof(junk)), CRYPTO_E_OK);
			ATF_REQUIRE_EQ(crypto_decrypt(cs, iv, junk, buf,
			    sizeof(junk) - 16), CRYPTO_E_OK);
			ATF_REQUIRE_EQ(crypto_encrypt(cs, iv, pt, buf, n),
			    CRYPTO_E_OK);
			ATF_CHECK_MSG(memcmp(buf, ct, n) == 0,
			    "%s case %zu: encrypt round %zu", name, i, r);
			ATF_REQUIRE_EQ(crypto_decrypt(cs, iv, ct, buf, n),
			    CRYPTO_E_OK);
			ATF_CHECK_MSG(memcmp(buf, pt, n) == 0,
			    "%s case %zu: decrypt round %zu", name, i, r);
			ATF_REQUIRE_EQ(crypto_decrypt(cs, iv, ct, buf, n),
			    CRYPTO_E_OK);
			ATF_CHECK_MSG(memcmp(buf, pt, n) == 0,
			    "%s case %zu: decrypt again round %zu", name, i,
			    r);
		}
		crypto_sa_free(cs);
	}
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(cipher_partial_block);
ATF_TC_BODY(cipher_partial_block, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	uint8_t			 iv[16] = { 0 }, buf[32] = { 0 };

	cs = make_sa(cr, CRYPTO_AES_CBC_128,
	    "000102030405060708090a0b0c0d0e0f", CRYPTO_HMAC_SHA,
	    "0000000000000000000000000000000000000000");
	ATF_CHECK_EQ(crypto_encrypt(cs, iv, buf, buf, 20), CRYPTO_E_LENGTH);
	ATF_CHECK_EQ(crypto_decrypt(cs, iv, buf, buf, 8), CRYPTO_E_LENGTH);
	ATF_CHECK_EQ(crypto_encrypt(cs, iv, buf, buf, 32), CRYPTO_E_OK);
	crypto_sa_free(cs);
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(aead_vectors);
ATF_TC_BODY(aead_vectors, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	uint8_t			 iv[8], aad[32], pt[128], ct[128], buf[128];
	uint8_t			 tag[16], t[16];
	size_t			 i, n, an;

	for (i = 0; i < NITEMS(aead_kats); i++) {
		const struct aead_kat	*k = &aead_kats[i];

		cs = make_sa(cr, k->alg, k->key, CRYPTO_NONE, NULL);
		ATF_REQUIRE_EQ(crypto_sa_icvlen(cs), 16);
		unhex(k->iv, iv, sizeof(iv));
		an = unhex(k->aad, aad, sizeof(aad));
		n = unhex(k->pt, pt, sizeof(pt));
		ATF_REQUIRE_EQ(unhex(k->ct, ct, sizeof(ct)), n);
		unhex(k->tag, tag, sizeof(tag));
		ATF_REQUIRE_EQ(crypto_seal(cs, iv, aad, an, pt, buf, n, t),
		    CRYPTO_E_OK);
		ATF_CHECK_MSG(memcmp(buf, ct, n) == 0, "%s ciphertext",
		    crypto_algs[k->alg].ca_name);
		ATF_CHECK_MSG(memcmp(t, tag, 16) == 0, "%s tag",
		    crypto_algs[k->alg].ca_name);
		ATF_REQUIRE_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_OK);
		ATF_CHECK(memcmp(buf, pt, n) == 0);

		/* A flipped bit in tag, ciphertext, AAD or IV: rejected. */
		tag[15] ^= 1;
		ATF_CHECK_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_ICV);
		tag[15] ^= 1;
		ct[0] ^= 0x80;
		ATF_CHECK_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_ICV);
		ct[0] ^= 0x80;
		aad[an - 1] ^= 1;
		ATF_CHECK_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_ICV);
		aad[an - 1] ^= 1;
		iv[7] ^= 1;
		ATF_CHECK_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_ICV);
		iv[7] ^= 1;
		ATF_CHECK_EQ(crypto_open(cs, iv, aad, an, ct, buf, n, tag),
		    CRYPTO_E_OK);
		crypto_sa_free(cs);
	}
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(sa_key_checks);
ATF_TC_BODY(sa_key_checks, tc)
{
	struct crypto		*cr = make_crypto();
	struct crypto_sa	*cs;
	uint8_t			 k[CRYPTO_KEYMAX] = { 0 };

	/* AES_CTR_128 is 16 bytes of key plus the 4-byte nonce. */
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_AES_CTR_128, k, 16,
	    CRYPTO_HMAC_SHA, k, 20, &cs), CRYPTO_E_KEYLEN);
	ATF_CHECK(cs == NULL);
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_AES_CBC_128, k, 16,
	    CRYPTO_HMAC_SHA256, k, 20, &cs), CRYPTO_E_KEYLEN);
	/* Integrity is mandatory without AEAD, forbidden with it. */
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_AES_CBC_128, k, 16,
	    CRYPTO_NONE, NULL, 0, &cs), CRYPTO_E_ALG);
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_AES_GCM_16_128, k, 20,
	    CRYPTO_HMAC_SHA, k, 20, &cs), CRYPTO_E_ALG);
	/* Kinds in the wrong place. */
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_HMAC_SHA, k, 20,
	    CRYPTO_HMAC_SHA, k, 20, &cs), CRYPTO_E_ALG);
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_NULL, NULL, 0,
	    CRYPTO_AES_CBC_128, k, 16, &cs), CRYPTO_E_ALG);
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_ALG_MAX, NULL, 0,
	    CRYPTO_NONE, NULL, 0, &cs), CRYPTO_E_ALG);
	/* The wrong entry point for the kind. */
	ATF_REQUIRE_EQ(crypto_sa_new(cr, CRYPTO_AES_GCM_16_128, k, 20,
	    CRYPTO_NONE, NULL, 0, &cs), CRYPTO_E_OK);
	ATF_CHECK_EQ(crypto_encrypt(cs, k, k, k, 16), CRYPTO_E_ALG);
	ATF_CHECK_EQ(crypto_mac(cs, NULL, 0, k), CRYPTO_E_ALG);
	crypto_sa_free(cs);
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(alg_table);
ATF_TC_BODY(alg_table, tc)
{
	const struct crypto_alg	*ca;

	ATF_REQUIRE((ca = crypto_alg_byname("aes_gcm_16_128")) != NULL);
	ATF_CHECK_STREQ(ca->ca_name, "AES_GCM_16_128");
	ATF_CHECK_STREQ(ca->ca_desc, "AES GCM 128 Combined Mode Module");
	ATF_CHECK_STREQ(crypto_algs[CRYPTO_HMAC_MD5].ca_desc,
	    "Hashed MAC MD5 Authentication Module");
	ATF_CHECK_STREQ(crypto_algs[CRYPTO_3DES_CBC].ca_desc,
	    "Triple DES CBC Encryption Module");
	ATF_CHECK_STREQ(crypto_algs[CRYPTO_AES_CTR_192].ca_desc,
	    "AES CTR 192 Encryption Module");
	ATF_CHECK(crypto_alg_byname("KEYED_MD5") == NULL);
	ATF_CHECK(crypto_alg_byname("CDMF") == NULL);
	/* aix-reference.md 4.2 key bytes. */
	ATF_CHECK_EQ(crypto_alg_byname("AES_CTR_256")->ca_keylen, 36);
	ATF_CHECK_EQ(crypto_alg_byname("chacha20_poly1305")->ca_keylen, 36);
	ATF_CHECK_EQ(crypto_alg_byname("HMAC_SHA384")->ca_icvlen, 24);
	ATF_CHECK_EQ(crypto_alg_byname("HMAC_SHA")->ca_icvlen, 12);
}

/*
 * Without the legacy provider DES fails with its own code and everything
 * else still works.  OPENSSL_MODULES is read when the private library
 * context loads a provider; atf runs each case in its own process.
 */
ATF_TC_WITHOUT_HEAD(legacy_absent);
ATF_TC_BODY(legacy_absent, tc)
{
	struct crypto		*cr;
	struct crypto_sa	*cs;
	uint8_t			 k[24] = { 0 };

	ATF_REQUIRE(setenv("OPENSSL_MODULES", "/nonexistent", 1) == 0);
	cr = make_crypto();
	ATF_CHECK(!crypto_has_legacy(cr));
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_DES_CBC_8, k, 8,
	    CRYPTO_HMAC_SHA, k, 20, &cs), CRYPTO_E_LEGACY);
	ATF_CHECK_EQ(crypto_sa_new(cr, CRYPTO_3DES_CBC, k, 24,
	    CRYPTO_HMAC_SHA, k, 20, &cs), CRYPTO_E_OK);
	crypto_sa_free(cs);
	crypto_free(cr);
}

/* The random source used for CBC IVs: the DRBG, or the caller's. */
static int
fixed_rand(void *arg, uint8_t *buf, size_t n)
{
	memset(buf, *(const int *)arg, n);
	return (0);
}

ATF_TC_WITHOUT_HEAD(rand_source);
ATF_TC_BODY(rand_source, tc)
{
	struct crypto	*cr = make_crypto();
	uint8_t		 a[16], b[16];
	int		 v = 0x42;

	ATF_REQUIRE_EQ(crypto_rand(cr, a, sizeof(a)), 0);
	ATF_REQUIRE_EQ(crypto_rand(cr, b, sizeof(b)), 0);
	ATF_CHECK(memcmp(a, b, sizeof(a)) != 0);
	crypto_set_rand(cr, fixed_rand, &v);
	ATF_REQUIRE_EQ(crypto_rand(cr, a, sizeof(a)), 0);
	ATF_CHECK(a[0] == 0x42 && a[15] == 0x42);
	crypto_free(cr);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, hmac_vectors);
	ATF_TP_ADD_TC(tp, hmac_wrong_icv);
	ATF_TP_ADD_TC(tp, cipher_vectors);
	ATF_TP_ADD_TC(tp, cipher_no_history);
	ATF_TP_ADD_TC(tp, cipher_partial_block);
	ATF_TP_ADD_TC(tp, aead_vectors);
	ATF_TP_ADD_TC(tp, sa_key_checks);
	ATF_TP_ADD_TC(tp, alg_table);
	ATF_TP_ADD_TC(tp, legacy_absent);
	ATF_TP_ADD_TC(tp, rand_source);
	return (0);
}
