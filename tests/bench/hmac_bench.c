/*
 * hmac_bench.c: why crypto.c restarts a keyed HMAC context per packet
 * (EVP_MAC_init with no key) instead of duplicating a keyed template
 * (EVP_MAC_CTX_dup) as is often done.  Times both in the same run, for
 * HMAC-SHA-256 over 64 and 1400 bytes, and prints the ratio dup/restart.
 *
 *	obj/bench/hmac_bench [packets]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

static double	now(void);
static double	mac_restart(EVP_MAC_CTX *, const uint8_t *, size_t, size_t);
static double	mac_dup(EVP_MAC_CTX *, const uint8_t *, size_t, size_t);

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static double
mac_restart(EVP_MAC_CTX *c, const uint8_t *buf, size_t len, size_t n)
{
	uint8_t	md[EVP_MAX_MD_SIZE];
	size_t	i, l;
	double	t0 = now();

	for (i = 0; i < n; i++)
		if (EVP_MAC_init(c, NULL, 0, NULL) != 1 ||
		    EVP_MAC_update(c, buf, len) != 1 ||
		    EVP_MAC_final(c, md, &l, sizeof(md)) != 1)
			exit(1);
	return ((now() - t0) / (double)n * 1e9);
}

static double
mac_dup(EVP_MAC_CTX *c, const uint8_t *buf, size_t len, size_t n)
{
	EVP_MAC_CTX	*d;
	uint8_t		 md[EVP_MAX_MD_SIZE];
	size_t		 i, l;
	double		 t0 = now();

	for (i = 0; i < n; i++) {
		if ((d = EVP_MAC_CTX_dup(c)) == NULL ||
		    EVP_MAC_update(d, buf, len) != 1 ||
		    EVP_MAC_final(d, md, &l, sizeof(md)) != 1)
			exit(1);
		EVP_MAC_CTX_free(d);
	}
	return ((now() - t0) / (double)n * 1e9);
}

int
main(int argc, char *argv[])
{
	static const size_t	 lens[] = { 64, 1400 };
	static uint8_t		 buf[1400], key[32];
	EVP_MAC			*mac;
	EVP_MAC_CTX		*c;
	OSSL_PARAM		 params[2];
	size_t			 n = 200000, i;
	double			 r, d;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	if ((mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL ||
	    (c = EVP_MAC_CTX_new(mac)) == NULL)
		return (1);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA2-256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(c, key, sizeof(key), params) != 1)
		return (1);
	printf("%6s %14s %10s %7s\n", "bytes", "restart ns", "dup ns",
	    "dup/restart");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		r = mac_restart(c, buf, lens[i], n);
		d = mac_dup(c, buf, lens[i], n);
		printf("%6zu %14.0f %10.0f %7.2f\n", lens[i], r, d, d / r);
	}
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return (0);
}
