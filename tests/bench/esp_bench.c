/*
 * esp_bench.c: what ESP framing costs on top of its crypto.  For each
 * cipher (with HMAC_SHA256 where it needs a MAC), protect and unprotect
 * N packets of 1400 bytes in tunnel mode, and in the same run time the
 * bare crypto calls on the same bytes (crypto_seal, or crypto_encrypt
 * plus crypto_mac).  Prints ns per packet for both and their ratio.
 *
 *	obj/bench/esp_bench [packets]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "esp.h"
#include "ipsec_wire.h"
#include "sa.h"
#include "xform.h"

#define PKTLEN	1400

static double	now(void);
static size_t	mkpkt(uint8_t *);

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static size_t
mkpkt(uint8_t *p)
{
	memset(p, 0x5a, PKTLEN);
	p[0] = 0x45;
	p[9] = IPW_PROTO_UDP;
	xform_setlen(p, PKTLEN);
	return (PKTLEN);
}

int
main(int argc, char *argv[])
{
	static uint8_t		 pkt[PKTLEN], prot[PKTLEN + 128];
	static uint8_t		 back[PKTLEN + 128], key[CRYPTO_KEYMAX];
	struct crypto		*cr;
	struct sa_params	 sp;
	struct sa		*o, *in;
	struct crypto_iov	 iov;
	uint8_t			 nxt, iv[CRYPTO_IVMAX] = { 0 };
	uint8_t			 aad[8] = { 0 }, icv[CRYPTO_ICVMAX];
	size_t			 len, plen, blen, i, n = 100000;
	double			 t0, xf, raw;
	int			 enc;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	if ((cr = crypto_create()) == NULL)
		return (1);
	len = mkpkt(pkt);
	printf("%-18s %12s %12s %7s\n", "cipher", "esp ns/pkt", "raw ns/pkt",
	    "ratio");
	for (enc = CRYPTO_3DES_CBC; enc <= CRYPTO_NULL; enc++) {
		const struct crypto_alg	*ca = &crypto_algs[enc];

		memset(&sp, 0, sizeof(sp));
		sp.sp_spi = 0x1000;
		sp.sp_proto = IPW_PROTO_ESP;
		sp.sp_mode = SA_TUNNEL;
		sp.sp_af = 4;
		sp.sp_enc = (enum crypto_algid)enc;
		sp.sp_ekey = key;
		sp.sp_ekeylen = ca->ca_keylen;
		sp.sp_auth = ca->ca_kind == CRYPTO_K_AEAD ? CRYPTO_NONE :
		    CRYPTO_HMAC_SHA256;
		sp.sp_akey = key;
		sp.sp_akeylen = crypto_algs[sp.sp_auth].ca_keylen;
		if (sa_new(cr, &sp, &o) != CRYPTO_E_OK ||
		    sa_new(cr, &sp, &in) != CRYPTO_E_OK)
			return (1);

		t0 = now();
		for (i = 0; i < n; i++)
			if (esp_output(o, pkt, len, prot, sizeof(prot),
			    &plen) != XF_OK || esp_input(in, prot, plen, 20,
			    back, sizeof(back), &blen, &nxt) != XF_OK)
				return (1);
		xf = now() - t0;

		/* The same crypto work on the same bytes, nothing else. */
		t0 = now();
		for (i = 0; i < 2 * n; i++) {
			if (ca->ca_kind == CRYPTO_K_AEAD) {
				crypto_seal(o->sa_crypto, iv, aad, 8, back,
				    back, 1424, icv);
				continue;
			}
			crypto_encrypt(o->sa_crypto, iv, back, back, 1424);
			iov.ci_base = back;
			iov.ci_len = 1424 + 8 + ca->ca_ivlen;
			crypto_mac(o->sa_crypto, &iov, 1, icv);
		}
		raw = now() - t0;
		printf("%-18s %12.0f %12.0f %7.2f\n", ca->ca_name,
		    xf / (double)n * 1e9, raw / (double)n * 1e9, xf / raw);
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
	return (0);
}
