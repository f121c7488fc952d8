/*
 * ipsec_bench.c: the engine's ESP path against OpenSSL's own speed.
 *
 * For AES-GCM-128, AES-CBC-128 + HMAC-SHA1-96 and ChaCha20-Poly1305, and
 * inner packets of 64, 512 and 1400 bytes, time ipf_output() (parse,
 * filter, SA lookup, ESP, tunnel mode) and ipf_input() (parse, filter,
 * SA lookup, replay, ESP, parse and filter the inner packet) through two
 * engines, and run `openssl speed -evp` for the same cipher and size in
 * the same run (CBC + HMAC: the cipher and `-hmac sha1` added up, as ESP
 * does both passes).  OpenSSL is given the bytes ESP really processes for
 * that inner size (payload, padding and trailer; for the HMAC also the ESP
 * header and IV), so the ratio is packets per second against operations
 * per second.  Prints MB/s of inner packets (OpenSSL: operations times the
 * inner size) and the ratio, each figure the best of three interleaved
 * rounds (seconds: each openssl run; the engine gets half of it per
 * direction and round).  OpenSSL 3.0's `speed -aead -evp` times only
 * EncryptUpdate for ChaCha20-Poly1305, with no nonce, AAD or tag, so each
 * AEAD also gets a "bare EVP" line: exactly the EVP calls one ESP packet
 * needs, on the same bytes (BENCHMARKS.md, "ESP through the engine").
 * Then installs 50,000 tunnels (100,000 SAs) and prints the bytes per SA
 * of the database itself and of the heap as a whole (EVP contexts too).
 *
 *	obj/bench/ipsec_bench [seconds [cipher]]
 *
 * With a cipher name (as printed), only that cipher runs, for profiling.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ipf.h"

#define BUFSZ		70000
#define NTUN		50000
#define ROUNDS		3	/* each figure: the best of these */

struct cipher {
	const char	*c_name;
	uint8_t		 c_enc, c_auth;
	size_t		 c_ekey, c_akey;
	const char	*c_ossl;	/* openssl speed -evp name */
	const char	*c_hmac;	/* and -hmac, or NULL */
	size_t		 c_align;	/* ESP padding block (RFC 4303 2.4) */
	size_t		 c_ivlen;	/* IV bytes on the wire */
};

static const struct cipher ciphers[] = {
	{ "AES-GCM-128", IPF_ALG_AES_GCM_16_128, IPF_ALG_NONE, 20, 0,
	    "aes-128-gcm", NULL, 4, 8 },
	{ "AES-CBC-128+HMAC-SHA1", IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 16,
	    20, "aes-128-cbc", "sha1", 16, 16 },
	{ "ChaCha20-Poly1305", IPF_ALG_CHACHA20_POLY1305, IPF_ALG_NONE, 36, 0,
	    "chacha20-poly1305", NULL, 4, 8 },
};
static const size_t sizes[] = { 64, 512, 1400 };

/* ipf_output() or ipf_input(). */
typedef enum ipf_verdict (*pass_fn)(struct ipf *, const uint8_t *, size_t,
    const struct ipf_meta *, struct ipf_result *);

static double	 now(void);
static double	 ossl(const char *, const char *, int, size_t, int);
static double	 evp(const char *, int, size_t, double);
static struct ipf *mkengine(const struct cipher *, int);
static double	 rate(pass_fn, struct ipf *, const uint8_t *, size_t, size_t,
		    const struct ipf_meta *, struct ipf_result *, double);
static double	 best(double, double);
static void	 engine(struct ipf *, int, const struct cipher *, uint32_t);
static size_t	 mkpkt(uint8_t *, size_t);
static void	 memory(void);

static const uint8_t	keys[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Bytes per second `openssl speed` reports for one algorithm and size. */
static double
ossl(const char *kind, const char *alg, int decrypt, size_t size, int secs)
{
	char	 cmd[256], line[256];
	FILE	*f;
	double	 bps = 0;
	char	*p;

	(void)snprintf(cmd, sizeof(cmd), "openssl speed %s %s %s -bytes %zu "
	    "-seconds %d -mr 2>/dev/null", kind, alg, decrypt ? "-decrypt" :
	    "", size, secs);
	if ((f = popen(cmd, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "+F:", 3) == 0 &&
		    (p = strrchr(line, ':')) != NULL)
			bps = strtod(p + 1, NULL);
	pclose(f);
	return (bps);
}

/*
 * Operations per second of the EVP sequence one AEAD ESP packet needs and
 * nothing else: a fresh 12-byte nonce (salt || counter), 8 bytes of AAD,
 * len bytes, the 16-byte tag (RFC 4106, RFC 7634).  This is the floor of
 * any ESP on OpenSSL's EVP; 3.0's `openssl speed -aead` for ChaCha20 only
 * times EncryptUpdate.  The key is set once, as crypto.c does.
 */
static double
evp(const char *alg, int decrypt, size_t len, double secs)
{
	static uint8_t	 buf[BUFSZ], out[BUFSZ];
	EVP_CIPHER_CTX	*ctx;
	EVP_CIPHER	*c;
	uint8_t		 nonce[12] = { 0 }, aad[8] = { 0 }, tag[16];
	double		 t0, t = 0;
	size_t		 n;
	int		 l;

	if ((c = EVP_CIPHER_fetch(NULL, alg, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex2(ctx, c, keys, nonce, NULL) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &l, aad, sizeof(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, buf, &l, buf, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + l, &l) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1 ||
	    (decrypt && EVP_DecryptInit_ex2(ctx, c, keys, NULL, NULL) != 1))
		exit(1);
	t0 = now();
	for (n = 0; (n & 1023) != 0 || (t = now()) - t0 < secs; n++) {
		if (decrypt) {
			/* The packet sealed above, its tag checked each time. */
			if (EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce,
			    NULL) != 1 ||
			    EVP_DecryptUpdate(ctx, NULL, &l, aad,
			    sizeof(aad)) != 1 ||
			    EVP_DecryptUpdate(ctx, out, &l, buf,
			    (int)len) != 1 ||
			    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
			    16, tag) != 1 ||
			    EVP_DecryptFinal_ex(ctx, out + l, &l) != 1)
				exit(1);
			continue;
		}
		nonce[11] = (uint8_t)n;
		if (EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1 ||
		    EVP_EncryptUpdate(ctx, NULL, &l, aad, sizeof(aad)) != 1 ||
		    EVP_EncryptUpdate(ctx, buf, &l, buf, (int)len) != 1 ||
		    EVP_EncryptFinal_ex(ctx, buf + l, &l) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16,
		    tag) != 1)
			exit(1);
	}
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ((double)n / (t - t0));
}

/* A UDP datagram of len bytes from 10.0.0.1 to 10.0.0.2. */
static size_t
mkpkt(uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	memset(p, 0x5a, len);
	p[0] = 0x45;
	p[1] = 0;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	memset(p + 4, 0, 8);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\12\0\0\1\12\0\0\2", 8);
	p[20] = 0x9c;
	p[21] = 0x40;
	p[22] = 0;
	p[23] = 9;
	p[24] = (uint8_t)((len - 20) >> 8);
	p[25] = (uint8_t)(len - 20);
	p[26] = p[27] = 0;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
	return (len);
}

/* Rule 1: everything through tunnel 1; default deny. */
static struct ipf *
mkengine(const struct cipher *c, int side)
{
	struct ipf_rule		r[2];
	struct ipf_tunnel	t;
	struct ipf_sadir	*d;
	struct ipf		*ipf;
	size_t			 bad, i;

	if ((ipf = ipf_create(NULL, NULL)) == NULL)
		exit(1);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		r[i].r_ver = 4;
		r[i].r_srcroute = 1;
		r[i].r_scope = IPF_SCOPE_BOTH;
		r[i].r_dir = IPF_DIR_BOTH;
		r[i].r_action = i == 0 ? IPF_ACT_PERMIT : IPF_ACT_DENY;
	}
	r[0].r_id = 1;
	r[0].r_tunnel = 1;
	if (ipf_load(ipf, 4, r, 2, 0, &bad) != IPF_CE_OK)
		exit(1);
	memset(&t, 0, sizeof(t));
	t.tn_id = 1;
	t.tn_ver = 4;
	t.tn_mode = IPF_TM_TUNNEL;
	inet_pton(AF_INET, side ? "192.0.2.2" : "192.0.2.1", &t.tn_local);
	inet_pton(AF_INET, side ? "192.0.2.1" : "192.0.2.2", &t.tn_peer);
	for (i = 0; i < 2; i++) {
		d = i == 0 ? &t.tn_out : &t.tn_in;
		d->sd_policy = IPF_TP_E;
		d->sd_enc = c->c_enc;
		d->sd_espauth = c->c_auth;
		d->sd_ahauth = IPF_ALG_HMAC_SHA;
		d->sd_espspi = 1000 + (uint32_t)(i ^ side);
		d->sd_ahspi = 2000;
		d->sd_enckey = keys;
		d->sd_enckeylen = c->c_ekey;
		d->sd_espkey = keys + 32;
		d->sd_espkeylen = c->c_akey;
		d->sd_ahkey = keys;
		d->sd_ahkeylen = 20;
	}
	if (ipf_tunnel_add(ipf, &t, 0) != IPF_TE_OK)
		exit(1);
	return (ipf);
}

/*
 * Packets per second of ipf_output() or ipf_input() on one packet, for
 * secs; each must replace it with want bytes.
 */
static double
rate(pass_fn pass, struct ipf *ipf, const uint8_t *buf, size_t len,
    size_t want, const struct ipf_meta *m, struct ipf_result *res,
    double secs)
{
	double	t0, t = 0;
	size_t	n;

	t0 = now();
	for (n = 0; (n & 1023) != 0 || (t = now()) - t0 < secs; n++)
		if (pass(ipf, buf, len, m, res) != IPF_REPLACE ||
		    res->res_len != want)
			exit(1);
	return ((double)n / (t - t0));
}

static double
best(double a, double b)
{
	return (a > b ? a : b);
}

/*
 * Output and input of one cipher at one size, against openssl speed.
 * Every figure is the best of ROUNDS, and the rounds interleave the
 * engine with its baselines, so a slow spell on a shared machine lowers
 * one round of each rather than one side of a ratio.
 */
static void
engine(struct ipf *a, int secs, const struct cipher *c, uint32_t size)
{
	static uint8_t		 pkt[BUFSZ], wire[BUFSZ], out[BUFSZ];
	struct ipf_meta		 m;
	struct ipf_result	 res;
	struct ipf		*b;
	const char		*kind;
	double			 obps = 0, ibps = 0, oe = 0, od = 0;
	double			 e, d, h, ee = 0, ed = 0;
	size_t			 len, wlen, ctlen, maclen;
	int			 r;

	b = mkengine(c, 1);
	memset(&m, 0, sizeof(m));
	m.m_ifname = "eth0";
	m.m_local = 1;
	memset(&res, 0, sizeof(res));
	res.res_buf = out;
	res.res_cap = sizeof(out);
	len = mkpkt(pkt, size);
	if (ipf_output(a, pkt, len, &m, &res) != IPF_REPLACE)
		exit(1);
	wlen = res.res_len;
	memcpy(wire, out, wlen);

	/*
	 * Like with like: OpenSSL works on the bytes ESP encrypts (RFC 4303
	 * 2.4: inner packet, padding, pad length, next header, to the
	 * cipher's block) and, for the HMAC, also on the SPI, sequence number
	 * and IV it authenticates; its rates are turned into operations per
	 * second.
	 */
	ctlen = (size + 2 + c->c_align - 1) / c->c_align * c->c_align;
	maclen = 8 + c->c_ivlen + ctlen;
	kind = c->c_hmac == NULL ? "-aead -evp" : "-evp";
	for (r = 0; r < ROUNDS; r++) {
		obps = best(obps, rate(ipf_output, a, pkt, len, wlen, &m, &res,
		    secs / 2.0));
		ibps = best(ibps, rate(ipf_input, b, wire, wlen, len, &m, &res,
		    secs / 2.0));
		e = ossl(kind, c->c_ossl, 0, ctlen, secs) / (double)ctlen;
		d = ossl(kind, c->c_ossl, 1, ctlen, secs) / (double)ctlen;
		if (c->c_hmac != NULL) {
			h = ossl("-hmac", c->c_hmac, 0, maclen, secs) /
			    (double)maclen;
			e = 1 / (1 / e + 1 / h);
			d = 1 / (1 / d + 1 / h);
		} else {
			ee = best(ee, evp(c->c_ossl, 0, ctlen, secs / 2.0));
			ed = best(ed, evp(c->c_ossl, 1, ctlen, secs / 2.0));
		}
		oe = best(oe, e);
		od = best(od, d);
	}
	ipf_free(b);
	printf("%-22s %5u  out %8.1f MB/s  openssl %8.1f  ratio %.2f   "
	    "in %8.1f MB/s  openssl %8.1f  ratio %.2f\n", c->c_name, size,
	    obps * size / 1e6, oe * size / 1e6, obps / oe, ibps * size / 1e6,
	    od * size / 1e6, ibps / od);
	if (c->c_hmac != NULL)
		return;
	printf("%-22s %5s  bare EVP seal %8.1f  ratio %.2f   "
	    "bare EVP open %8.1f  ratio %.2f\n", "", "", ee * size / 1e6,
	    obps / ee, ed * size / 1e6, ibps / ed);
}

/* 50,000 tunnels of policy e: 100,000 SAs. */
static void
memory(void)
{
	struct ipf_tunnel	t;
	struct mallinfo2	m0, m1;
	struct ipf		*ipf;
	uint32_t		i;

	memset(&t, 0, sizeof(t));
	t.tn_ver = 4;
	t.tn_mode = IPF_TM_TUNNEL;
	t.tn_flags = IPF_TF_REPLAY;
	t.tn_out.sd_policy = t.tn_in.sd_policy = IPF_TP_E;
	t.tn_out.sd_enc = t.tn_in.sd_enc = IPF_ALG_AES_GCM_16_128;
	t.tn_out.sd_espauth = t.tn_in.sd_espauth = IPF_ALG_NONE;
	t.tn_out.sd_enckey = t.tn_in.sd_enckey = keys;
	t.tn_out.sd_enckeylen = t.tn_in.sd_enckeylen = 20;
	if ((ipf = ipf_create(NULL, NULL)) == NULL)
		exit(1);
	/* The library context and the bundle buffer are per engine. */
	t.tn_id = NTUN + 1;
	t.tn_out.sd_espspi = t.tn_in.sd_espspi = 999;
	if (ipf_tunnel_add(ipf, &t, 0) != IPF_TE_OK)
		exit(1);
	m0 = mallinfo2();
	for (i = 1; i <= NTUN; i++) {
		t.tn_id = i;
		t.tn_local.w[0] = htonl(0x0a000000 + i);
		t.tn_peer.w[0] = htonl(0x0b000000 + i);
		t.tn_out.sd_espspi = 1000 + i;
		t.tn_in.sd_espspi = 1000 + i;
		if (ipf_tunnel_add(ipf, &t, 0) != IPF_TE_OK)
			exit(1);
	}
	m1 = mallinfo2();
	printf("memory at %d SAs (AES-GCM-128): database %zu bytes/SA, "
	    "heap with EVP contexts %zu bytes/SA\n", 2 * NTUN,
	    ipf_sad_bytes(ipf) / (2 * NTUN),
	    (m1.uordblks - m0.uordblks) / (2 * NTUN));
	ipf_free(ipf);
}

int
main(int argc, char *argv[])
{
	struct ipf	*a;
	size_t		 c, s;
	int		 secs = 1;

	if (argc > 1)
		secs = atoi(argv[1]);
	if (secs < 1)
		secs = 1;
	printf("ESP through the engine, tunnel mode, one core; inner packet "
	    "bytes per second\n");
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		if (argc > 2 && strcmp(argv[2], ciphers[c].c_name) != 0)
			continue;
		a = mkengine(&ciphers[c], 0);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			engine(a, secs, &ciphers[c], (uint32_t)sizes[s]);
		ipf_free(a);
	}
	if (argc <= 2)
		memory();
	return (0);
}
