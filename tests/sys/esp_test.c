/*
 * esp_test.c: sys/esp.c.  Exact bytes against scapy's vectors in both
 * directions; round trips for every algorithm pair, mode and family; and
 * every way a packet can be wrong (flipped bits, truncations, wrong SPI,
 * replays, bad padding, dummy packets, oversized results, spent sequence
 * numbers), each rejected with its own code and without moving the
 * replay window.
 */
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "crypto.h"
#include "esp.h"
#include "ipsec_wire.h"
#include "replay.h"
#include "sa.h"
#include "xform.h"
#include "xform_vec.h"

static struct vec	vecs[VEC_MAX];

/* Hands out the vector's IV, so CBC output is known in advance. */
static int
vec_rand(void *arg, uint8_t *buf, size_t n)
{
	const struct vec	*v = arg;

	if (n != v->ivlen)
		return (-1);
	memcpy(buf, v->iv, n);
	return (0);
}

ATF_TC_WITHOUT_HEAD(vectors_output);
ATF_TC_BODY(vectors_output, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 out[VEC_MAXPKT];
	size_t		 n, i, outlen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	n = vec_load(tc, "esp.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];

		crypto_set_rand(cr, vec_rand, &vecs[i]);
		sa = vec_sa(cr, v, 0);
		ATF_CHECK_EQ_MSG(esp_output(sa, v->plain, v->plainlen, out,
		    sizeof(out), &outlen), XF_OK, "%s", v->name);
		ATF_CHECK_EQ_MSG(outlen, v->protlen, "%s", v->name);
		ATF_CHECK_MSG(outlen == v->protlen &&
		    memcmp(out, v->prot, outlen) == 0, "%s: bytes differ",
		    v->name);
		ATF_CHECK_EQ(sa->sa_packets, 1);
		sa_free(sa);
	}
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(vectors_input);
ATF_TC_BODY(vectors_input, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 out[VEC_MAXPKT], nxt, want;
	size_t		 n, i, outlen, hl;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	n = vec_load(tc, "esp.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];

		sa = vec_sa(cr, v, 1);
		want = vec_nxt(v, &hl);
		ATF_CHECK_EQ_MSG(esp_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_OK, "%s", v->name);
		ATF_CHECK_MSG(outlen == v->plainlen &&
		    memcmp(out, v->plain, outlen) == 0, "%s: bytes differ",
		    v->name);
		ATF_CHECK_EQ_MSG(nxt, want, "%s", v->name);
		ATF_CHECK_EQ(sa->sa_replay.rp_top, v->seq);
		/* The same packet again is a replay. */
		ATF_CHECK_EQ_MSG(esp_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_REPLAY, "%s", v->name);
		sa_free(sa);
	}
	crypto_free(cr);
}

/*
 * One flipped bit anywhere in SPI..ICV: SPI bits say no SA, sequence
 * bits a replay or an ICV failure, the rest an ICV failure; never a
 * moved window.  Then every truncation and an extension.
 */
ATF_TC_WITHOUT_HEAD(tamper);
ATF_TC_BODY(tamper, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 pkt[VEC_MAXPKT], out[VEC_MAXPKT], nxt;
	size_t		 n, i, b, outlen, len;
	enum xform_err	 e;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	n = vec_load(tc, "esp.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];
		struct replay		 before;

		sa = vec_sa(cr, v, 1);
		before = sa->sa_replay;
		memcpy(pkt, v->prot, v->protlen);
		for (b = v->off * 8; b < v->protlen * 8; b++) {
			pkt[b / 8] ^= 1 << (b % 8);
			e = esp_input(sa, pkt, v->protlen, v->off, out,
			    sizeof(out), &outlen, &nxt);
			pkt[b / 8] ^= 1 << (b % 8);
			if (b / 8 < v->off + 4)
				ATF_CHECK_EQ_MSG(e, XF_SPI, "%s bit %zu",
				    v->name, b);
			else if (b / 8 < v->off + 8)
				ATF_CHECK_MSG(e == XF_ICV || e == XF_REPLAY,
				    "%s bit %zu: %d", v->name, b, e);
			else
				ATF_CHECK_EQ_MSG(e, XF_ICV, "%s bit %zu",
				    v->name, b);
		}
		for (len = 0; len < v->protlen; len++) {
			e = esp_input(sa, pkt, len, v->off, out, sizeof(out),
			    &outlen, &nxt);
			ATF_CHECK_MSG(e == XF_MALFORMED || e == XF_ICV,
			    "%s truncated to %zu: %d", v->name, len, e);
		}
		memset(pkt + v->protlen, 0, 16);
		e = esp_input(sa, pkt, v->protlen + 16, v->off, out,
		    sizeof(out), &outlen, &nxt);
		ATF_CHECK_MSG(e == XF_MALFORMED || e == XF_ICV,
		    "%s extended: %d", v->name, e);
		ATF_CHECK_MSG(memcmp(&before, &sa->sa_replay,
		    sizeof(before)) == 0, "%s: window moved", v->name);
		/* The genuine packet still goes through. */
		ATF_CHECK_EQ_MSG(esp_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_OK, "%s", v->name);
		sa_free(sa);
	}
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(wrong_spi);
ATF_TC_BODY(wrong_spi, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 out[VEC_MAXPKT], nxt;
	size_t		 outlen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	vec_load(tc, "esp.vec", vecs, VEC_MAX);
	sa = vec_sa(cr, &vecs[0], 1);
	sa->sa_spi++;
	ATF_CHECK_EQ(esp_input(sa, vecs[0].prot, vecs[0].protlen,
	    vecs[0].off, out, sizeof(out), &outlen, &nxt), XF_SPI);
	ATF_CHECK_EQ(sa->sa_packets, 0);
	sa_free(sa);
	crypto_free(cr);
}

/* A test packet of n payload bytes, IPv4 or IPv6, UDP. */
static size_t
mkpkt(int af, size_t n, uint8_t *p)
{
	size_t	hl = af == 4 ? IPW_IP4_HDRLEN : IPW_IP6_HDRLEN, i;

	memset(p, 0, hl + 8);
	if (af == 4) {
		p[0] = 0x45;
		p[8] = 64;
		p[9] = IPW_PROTO_UDP;
		p[12] = 10, p[15] = 1;
		p[16] = 10, p[19] = 2;
	} else {
		p[0] = 0x60;
		p[6] = IPW_PROTO_UDP;
		p[7] = 64;
		p[8] = 0xfe, p[9] = 0x80, p[23] = 1;
		p[24] = 0xfe, p[25] = 0x80, p[39] = 2;
	}
	xform_put16(p + hl, 1000);
	xform_put16(p + hl + 2, 2000);
	xform_put16(p + hl + 4, (uint16_t)(8 + n));
	for (i = 0; i < n; i++)
		p[hl + 8 + i] = (uint8_t)(i * 13 + 1);
	xform_setlen(p, hl + 8 + n);
	return (hl + 8 + n);
}

/* An SA pair (out, in) for the given algorithms and shape. */
static void
mkpair(struct crypto *cr, enum crypto_algid enc, enum crypto_algid auth,
    int mode, int af, int flags, struct sa **o, struct sa **i)
{
	struct sa_params	sp;
	uint8_t			ek[CRYPTO_KEYMAX], ak[CRYPTO_KEYMAX];
	size_t			k;

	for (k = 0; k < CRYPTO_KEYMAX; k++) {
		ek[k] = (uint8_t)(k * 3 + 1);
		ak[k] = (uint8_t)(k * 5 + 2);
	}
	memset(&sp, 0, sizeof(sp));
	sp.sp_spi = 0x12345678;
	sp.sp_proto = IPW_PROTO_ESP;
	sp.sp_mode = (uint8_t)mode;
	sp.sp_af = (uint8_t)af;
	sp.sp_flags = (uint8_t)flags;
	sp.sp_src.b[0] = 1;
	sp.sp_dst.b[0] = 2;
	sp.sp_enc = enc;
	sp.sp_ekey = ek;
	sp.sp_ekeylen = crypto_algs[enc].ca_keylen;
	sp.sp_auth = auth;
	sp.sp_akey = ak;
	sp.sp_akeylen = crypto_algs[auth].ca_keylen;
	ATF_REQUIRE_EQ(sa_new(cr, &sp, o), CRYPTO_E_OK);
	sp.sp_flags |= SA_F_REPLAY;
	ATF_REQUIRE_EQ(sa_new(cr, &sp, i), CRYPTO_E_OK);
}

/* ESP's offset in a packet esp_output made (what pkt.c finds). */
static size_t
espoff(const uint8_t *p, int flags)
{
	size_t	off = p[0] >> 4 == 4 ? (size_t)(p[0] & 15) * 4 :
	    IPW_IP6_HDRLEN;

	return (off + ((flags & SA_F_UDPENCAP) ? IPW_UDP_HDRLEN : 0));
}

ATF_TC_WITHOUT_HEAD(roundtrip_all);
ATF_TC_BODY(roundtrip_all, tc)
{
	static const int	 flagsets[] = { 0, SA_F_ESN, SA_F_UDPENCAP };
	struct crypto		*cr;
	struct sa		*o, *in;
	uint8_t			 pkt[256], prot[512], back[512], nxt;
	size_t			 len, plen, blen, sz;
	int			 enc, auth, mode, af, iaf, f, count = 0;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (enc = CRYPTO_DES_CBC_8; enc <= CRYPTO_NULL; enc++)
	for (auth = CRYPTO_HMAC_MD5; auth <= CRYPTO_NONE; auth++) {
		if ((crypto_algs[enc].ca_kind == CRYPTO_K_AEAD) !=
		    (auth == CRYPTO_NONE))
			continue;
		for (mode = SA_TRANSPORT; mode <= SA_TUNNEL; mode++)
		for (af = 4; af <= 6; af += 2)
		for (iaf = 4; iaf <= 6; iaf += 2)
		for (f = 0; f < 3; f++) {
			if (mode == SA_TRANSPORT && iaf != af)
				continue;
			mkpair(cr, enc, auth, mode, af, flagsets[f], &o, &in);
			for (sz = 0; sz < 20; sz += 3) {
				len = mkpkt(iaf, sz + (size_t)count % 7, pkt);
				ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot,
				    sizeof(prot), &plen), XF_OK);
				ATF_REQUIRE_EQ(esp_input(in, prot, plen,
				    espoff(prot, flagsets[f]), back,
				    sizeof(back), &blen, &nxt), XF_OK);
				ATF_CHECK_MSG(blen == len &&
				    memcmp(back, pkt, len) == 0,
				    "%s/%s mode %d v%d in v%d flags %d",
				    crypto_algs[enc].ca_name,
				    crypto_algs[auth].ca_name, mode, iaf, af,
				    flagsets[f]);
				ATF_CHECK_EQ(nxt, mode == SA_TUNNEL ?
				    (iaf == 4 ? IPW_PROTO_IPIP :
				    IPW_PROTO_IPV6) : IPW_PROTO_UDP);
			}
			ATF_CHECK_EQ(in->sa_packets, o->sa_packets);
			sa_free(o);
			sa_free(in);
			count++;
		}
	}
	/* 45 cipher/MAC pairs + 3 AEAD, 6 shapes, 3 flag sets. */
	ATF_CHECK_EQ(count, 48 * 6 * 3);
	crypto_free(cr);
}

/* Out of order inside the window is fine; twice is not; -y N allows. */
ATF_TC_WITHOUT_HEAD(replay_order);
ATF_TC_BODY(replay_order, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[3][256], back[256], nxt;
	size_t		 len, plen[3], blen, k;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, 4, 0, &o,
	    &in);
	len = mkpkt(4, 10, pkt);
	for (k = 0; k < 3; k++)
		ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot[k],
		    sizeof(prot[k]), &plen[k]), XF_OK);
	ATF_CHECK_EQ(esp_input(in, prot[2], plen[2], 20, back, sizeof(back),
	    &blen, &nxt), XF_OK);
	ATF_CHECK_EQ(esp_input(in, prot[0], plen[0], 20, back, sizeof(back),
	    &blen, &nxt), XF_OK);
	ATF_CHECK_EQ(esp_input(in, prot[0], plen[0], 20, back, sizeof(back),
	    &blen, &nxt), XF_REPLAY);
	ATF_CHECK_EQ(esp_input(in, prot[1], plen[1], 20, back, sizeof(back),
	    &blen, &nxt), XF_OK);
	ATF_CHECK_EQ(esp_input(in, prot[2], plen[2], 20, back, sizeof(back),
	    &blen, &nxt), XF_REPLAY);
	ATF_CHECK_EQ(in->sa_packets, 3);
	in->sa_replay.rp_check = 0;
	ATF_CHECK_EQ(esp_input(in, prot[2], plen[2], 20, back, sizeof(back),
	    &blen, &nxt), XF_OK);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/* RFC 4303 3.3.3: no wrap, so a GCM nonce never repeats. */
ATF_TC_WITHOUT_HEAD(seq_exhausted);
ATF_TC_BODY(seq_exhausted, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256];
	size_t		 len, plen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, 4, 0, &o,
	    &in);
	len = mkpkt(4, 10, pkt);
	o->sa_replay.rp_sent = UINT32_MAX - 1;
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(xform_get32(prot + 24), UINT32_MAX);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_SEQ);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_SEQ);
	ATF_CHECK_EQ(o->sa_packets, 1);
	sa_free(o);
	sa_free(in);
	/* With ESN the counter goes on into the high half. */
	mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, 4, SA_F_ESN,
	    &o, &in);
	o->sa_replay.rp_sent = UINT32_MAX;
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(xform_get32(prot + 24), 0);	/* low half on wire */
	ATF_CHECK_EQ(xform_get32(prot + 28), 1);	/* IV = 64-bit seq */
	ATF_CHECK_EQ(xform_get32(prot + 32), 0);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(too_big);
ATF_TC_BODY(too_big, tc)
{
	static uint8_t	 big[IPW_MAXPKT + 64], prot[IPW_MAXPKT + 256];
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], back[256], nxt;
	size_t		 len, plen, blen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_AES_CBC_128, CRYPTO_HMAC_SHA256, SA_TUNNEL, 4, 0,
	    &o, &in);
	len = mkpkt(4, 10, pkt);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, len + 20, &plen),
	    XF_TOOBIG);
	ATF_CHECK_EQ(o->sa_replay.rp_sent, 0);	/* no number used */
	/* A full-size IPv4 packet cannot grow past 65535. */
	len = mkpkt(4, IPW_MAXPKT - 28, big);
	ATF_CHECK_EQ(esp_output(o, big, len, prot, sizeof(prot), &plen),
	    XF_TOOBIG);
	/* Room for the result is checked before decrypting. */
	len = mkpkt(4, 10, pkt);
	ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(esp_input(in, prot, plen, 20, back, 16, &blen, &nxt),
	    XF_TOOBIG);
	ATF_CHECK_EQ(esp_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	/* Input that is not an IP packet of the stated length. */
	ATF_CHECK_EQ(esp_output(o, pkt, len - 1, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	pkt[0] = 0x55;
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	sa_free(o);
	sa_free(in);
	/* Transport mode takes whole datagrams only (RFC 4303 3.3.4). */
	mkpair(cr, CRYPTO_AES_CBC_128, CRYPTO_HMAC_SHA256, SA_TRANSPORT, 4,
	    0, &o, &in);
	len = mkpkt(4, 10, pkt);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	pkt[6] = 0x20;				/* more fragments */
	xform_setlen(pkt, len);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	pkt[6] = 0;
	pkt[7] = 1;				/* offset 8 */
	xform_setlen(pkt, len);
	ATF_CHECK_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	ATF_CHECK_EQ(esp_output(o, pkt, 0, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/*
 * Authentic packets with a bad trailer: decrypt a good packet, edit the
 * plaintext, encrypt and authenticate it again with the SA's keys.
 */
typedef void	(*edit_fn)(uint8_t *, size_t);

static void
reseal(struct sa *sa, uint8_t *p, size_t len, size_t off, edit_fn edit)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	size_t			 icv = crypto_sa_icvlen(sa->sa_crypto);
	uint8_t			*iv = p + off + IPW_ESP_HDRLEN;
	uint8_t			*ct = iv + enc->ca_ivlen;
	size_t			 ctlen = len - (size_t)(ct - p) - icv;
	uint8_t			 aad[8];
	struct crypto_iov	 iov;

	memcpy(aad, p + off, 8);
	if (enc->ca_kind == CRYPTO_K_AEAD) {
		ATF_REQUIRE_EQ(crypto_open(sa->sa_crypto, iv, aad, 8, ct, ct,
		    ctlen, ct + ctlen), CRYPTO_E_OK);
		edit(ct, ctlen);
		ATF_REQUIRE_EQ(crypto_seal(sa->sa_crypto, iv, aad, 8, ct, ct,
		    ctlen, ct + ctlen), CRYPTO_E_OK);
		return;
	}
	ATF_REQUIRE_EQ(crypto_decrypt(sa->sa_crypto, iv, ct, ct, ctlen),
	    CRYPTO_E_OK);
	edit(ct, ctlen);
	ATF_REQUIRE_EQ(crypto_encrypt(sa->sa_crypto, iv, ct, ct, ctlen),
	    CRYPTO_E_OK);
	iov.ci_base = p + off;
	iov.ci_len = (size_t)(ct + ctlen - (p + off));
	ATF_REQUIRE_EQ(crypto_mac(sa->sa_crypto, &iov, 1, ct + ctlen),
	    CRYPTO_E_OK);
}

static void
edit_padbyte(uint8_t *pt, size_t n)
{
	ATF_REQUIRE(pt[n - 2] >= 1);
	pt[n - 3] ^= 0x40;		/* last padding byte */
}

static void
edit_padlen(uint8_t *pt, size_t n)
{
	pt[n - 2] = (uint8_t)(n - 1);	/* more padding than payload */
}

static void
edit_dummy(uint8_t *pt, size_t n)
{
	pt[n - 1] = IPW_PROTO_NONE;
}

static void
edit_inner(uint8_t *pt, size_t n)
{
	(void)n;
	pt[3] ^= 1;			/* inner IPv4 length wrong */
}

static void
edit_nxt(uint8_t *pt, size_t n)
{
	pt[n - 1] = IPW_PROTO_UDP;	/* tunnel mode carrying UDP */
}

ATF_TC_WITHOUT_HEAD(trailer);
ATF_TC_BODY(trailer, tc)
{
	static const struct {
		edit_fn		edit;
		enum xform_err	want;
	} cases[] = {
		{ edit_padbyte, XF_PADDING },
		{ edit_padlen, XF_PADDING },
		{ edit_dummy, XF_DUMMY },
		{ edit_inner, XF_MALFORMED },
		{ edit_nxt, XF_MALFORMED },
	};
	static const enum crypto_algid algs[][2] = {
		{ CRYPTO_AES_CBC_128, CRYPTO_HMAC_SHA },
		{ CRYPTO_AES_GCM_16_256, CRYPTO_NONE },
		{ CRYPTO_CHACHA20_POLY1305, CRYPTO_NONE },
		{ CRYPTO_NULL, CRYPTO_HMAC_SHA256 },
	};
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen, a, c;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (a = 0; a < sizeof(algs) / sizeof(algs[0]); a++)
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		mkpair(cr, algs[a][0], algs[a][1], SA_TUNNEL, 4, 0, &o, &in);
		len = mkpkt(4, 5, pkt);		/* 33 bytes: padding */
		ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot, sizeof(prot),
		    &plen), XF_OK);
		reseal(in, prot, plen, 20, cases[c].edit);
		ATF_CHECK_EQ_MSG(esp_input(in, prot, plen, 20, back,
		    sizeof(back), &blen, &nxt), cases[c].want, "%s case %zu",
		    crypto_algs[algs[a][0]].ca_name, c);
		/* Authentic, so the window moved: a resend is a replay. */
		ATF_CHECK_EQ(esp_input(in, prot, plen, 20, back, sizeof(back),
		    &blen, &nxt), XF_REPLAY);
		ATF_CHECK_EQ(in->sa_packets, 0);
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
}

/* RFC 3948: UDP length exact, IPv4 checksum 0, IPv6 checksum valid. */
ATF_TC_WITHOUT_HEAD(udp_encap);
ATF_TC_BODY(udp_encap, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen;
	uint32_t	 sum = 0;
	size_t		 i;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, 4,
	    SA_F_UDPENCAP, &o, &in);
	len = mkpkt(4, 7, pkt);
	ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(prot[9], IPW_PROTO_UDP);
	ATF_CHECK_EQ(xform_get16(prot + 20), 4500);
	ATF_CHECK_EQ(xform_get16(prot + 22), 4500);
	ATF_CHECK_EQ(xform_get16(prot + 24), plen - 20);
	ATF_CHECK_EQ(xform_get16(prot + 26), 0);
	xform_put16(prot + 24, (uint16_t)(plen - 21));
	ATF_CHECK_EQ(esp_input(in, prot, plen, 28, back, sizeof(back), &blen,
	    &nxt), XF_MALFORMED);
	xform_put16(prot + 24, (uint16_t)(plen - 20));
	ATF_CHECK_EQ(esp_input(in, prot, plen, 28, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	sa_free(o);
	sa_free(in);

	mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, 6,
	    SA_F_UDPENCAP, &o, &in);
	ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(prot[6], IPW_PROTO_UDP);
	ATF_CHECK(xform_get16(prot + 46) != 0);
	/* The one's complement sum over pseudo-header and datagram is 0. */
	for (i = 8; i < 40; i += 2)
		sum += xform_get16(prot + i);
	sum += (uint32_t)(plen - 40) + IPW_PROTO_UDP;
	for (i = 40; i + 1 < plen; i += 2)
		sum += xform_get16(prot + i);
	if (plen & 1)
		sum += (uint32_t)prot[plen - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ATF_CHECK_EQ(sum, 0xffff);
	ATF_CHECK_EQ(esp_input(in, prot, plen, 48, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/* CBC IVs come from the random source: two packets, two IVs. */
ATF_TC_WITHOUT_HEAD(cbc_iv_fresh);
ATF_TC_BODY(cbc_iv_fresh, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], p1[256], p2[256];
	size_t		 len, l1, l2;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_AES_CBC_256, CRYPTO_HMAC_SHA256, SA_TUNNEL, 4, 0,
	    &o, &in);
	len = mkpkt(4, 10, pkt);
	ATF_REQUIRE_EQ(esp_output(o, pkt, len, p1, sizeof(p1), &l1), XF_OK);
	ATF_REQUIRE_EQ(esp_output(o, pkt, len, p2, sizeof(p2), &l2), XF_OK);
	ATF_CHECK(memcmp(p1 + 28, p2 + 28, 16) != 0);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/* Set the ECN field of the IP header at p (IPv4 checksum too). */
static void
set_ecn(uint8_t *p, size_t len, int ecn)
{
	if (p[0] >> 4 == 4) {
		p[1] = (uint8_t)((p[1] & ~3) | ecn);
		xform_setlen(p, len);
	} else
		p[1] = (uint8_t)((p[1] & ~0x30) | ecn << 4);
}

/*
 * RFC 6040 4.2 on decapsulation: a congestion mark set on the outer
 * header in flight reaches the inner packet, and a marked packet whose
 * inner header cannot carry it is dropped.
 */
ATF_TC_WITHOUT_HEAD(ecn);
ATF_TC_BODY(ecn, tc)
{
	static const struct {
		int	inner, outer, want;	/* want -1: XF_ECN */
	} t[] = {
		{ IPW_ECN_NOTECT, IPW_ECN_CE, -1 },
		{ IPW_ECN_ECT0, IPW_ECN_CE, IPW_ECN_CE },
		{ IPW_ECN_ECT1, IPW_ECN_CE, IPW_ECN_CE },
		{ IPW_ECN_CE, IPW_ECN_CE, IPW_ECN_CE },
		{ IPW_ECN_ECT0, IPW_ECN_ECT1, IPW_ECN_ECT1 },
		{ IPW_ECN_ECT1, IPW_ECN_ECT0, IPW_ECN_ECT1 },
		{ IPW_ECN_NOTECT, IPW_ECN_ECT0, IPW_ECN_NOTECT },
		{ IPW_ECN_NOTECT, IPW_ECN_NOTECT, IPW_ECN_NOTECT },
		{ IPW_ECN_ECT0, IPW_ECN_NOTECT, IPW_ECN_ECT0 },
		{ IPW_ECN_CE, IPW_ECN_NOTECT, IPW_ECN_CE },
	};
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], want[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen, i;
	int		 af, iaf;
	enum xform_err	 e;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (af = 4; af <= 6; af += 2)
	for (iaf = 4; iaf <= 6; iaf += 2)
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mkpair(cr, CRYPTO_AES_GCM_16_128, CRYPTO_NONE, SA_TUNNEL, af,
		    0, &o, &in);
		len = mkpkt(iaf, 9, pkt);
		set_ecn(pkt, len, t[i].inner);
		ATF_REQUIRE_EQ(esp_output(o, pkt, len, prot, sizeof(prot),
		    &plen), XF_OK);
		/* Normal mode (RFC 6040 4.1): the outer copies the inner. */
		ATF_CHECK_EQ(af == 4 ? prot[1] & 3 : (prot[1] >> 4) & 3,
		    t[i].inner);
		set_ecn(prot, plen, t[i].outer);
		e = esp_input(in, prot, plen, af == 4 ? 20 : 40, back,
		    sizeof(back), &blen, &nxt);
		if (t[i].want == -1) {
			ATF_CHECK_EQ_MSG(e, XF_ECN, "v%d in v%d case %zu",
			    iaf, af, i);
		} else {
			memcpy(want, pkt, len);
			set_ecn(want, len, t[i].want);
			ATF_CHECK_EQ_MSG(e, XF_OK, "v%d in v%d case %zu",
			    iaf, af, i);
			ATF_CHECK_MSG(blen == len &&
			    memcmp(back, want, len) == 0,
			    "v%d in v%d case %zu: bytes", iaf, af, i);
		}
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
}

/* xorshift64: reproducible noise for the garbage tests. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/*
 * Random bytes, sometimes behind a plausible IP header, SPI and sequence
 * number, at every offset: never accepted, never out of bounds (run
 * under SANITIZE=1), and output of random packets never crashes.
 */
ATF_TC_WITHOUT_HEAD(garbage);
ATF_TC_BODY(garbage, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[320], out[512], nxt;
	uint64_t	 seed = 0x9e3779b97f4a7c15ULL;
	size_t		 len, off, outlen, i, k;
	int		 f;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (f = 0; f < 4; f++) {
		mkpair(cr, f & 1 ? CRYPTO_AES_GCM_16_128 : CRYPTO_AES_CBC_128,
		    f & 1 ? CRYPTO_NONE : CRYPTO_HMAC_SHA, f & 2 ? SA_TUNNEL :
		    SA_TRANSPORT, f & 2 ? 6 : 4, f & 2 ? SA_F_UDPENCAP : 0,
		    &o, &in);
		for (i = 0; i < 50000; i++) {
			len = rnd(&seed) % 300;
			for (k = 0; k < len; k++)
				pkt[k] = (uint8_t)rnd(&seed);
			if (len >= 40 && (i & 1)) {
				pkt[0] = (i & 2) ? 0x45 : 0x60;
				if (pkt[0] == 0x45)
					xform_put16(pkt + 2, (uint16_t)len);
				else
					xform_put16(pkt + 4,
					    (uint16_t)(len - 40));
			}
			off = rnd(&seed) % (len + 8);
			if (off + 8 <= len && (i & 4)) {
				xform_put32(pkt + off, in->sa_spi);
				xform_put32(pkt + off + 4, (uint32_t)i + 1);
			}
			ATF_CHECK(esp_input(in, pkt, len, off, out,
			    sizeof(out), &outlen, &nxt) != XF_OK);
			(void)esp_output(o, pkt, len, out, sizeof(out),
			    &outlen);
		}
		ATF_CHECK_EQ(in->sa_packets, 0);
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, vectors_output);
	ATF_TP_ADD_TC(tp, vectors_input);
	ATF_TP_ADD_TC(tp, tamper);
	ATF_TP_ADD_TC(tp, wrong_spi);
	ATF_TP_ADD_TC(tp, roundtrip_all);
	ATF_TP_ADD_TC(tp, replay_order);
	ATF_TP_ADD_TC(tp, seq_exhausted);
	ATF_TP_ADD_TC(tp, too_big);
	ATF_TP_ADD_TC(tp, trailer);
	ATF_TP_ADD_TC(tp, udp_encap);
	ATF_TP_ADD_TC(tp, cbc_iv_fresh);
	ATF_TP_ADD_TC(tp, ecn);
	ATF_TP_ADD_TC(tp, garbage);
	return (0);
}
