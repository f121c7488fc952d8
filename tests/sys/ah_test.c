/*
 * ah_test.c: sys/ah.c.  Exact bytes against scapy's vectors in both
 * directions; round trips for every MAC, mode and family; every bit of a
 * packet flipped: fields routers may change (RFC 4302 3.3.3.1) must not
 * matter, every other bit must be refused with the right code.
 */
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "ah.h"
#include "crypto.h"
#include "ipsec_wire.h"
#include "replay.h"
#include "sa.h"
#include "xform.h"
#include "xform_vec.h"

static struct vec	vecs[VEC_MAX];

ATF_TC_WITHOUT_HEAD(vectors_output);
ATF_TC_BODY(vectors_output, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 out[VEC_MAXPKT];
	size_t		 n, i, outlen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	n = vec_load(tc, "ah.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];

		sa = vec_sa(cr, v, 0);
		ATF_CHECK_EQ_MSG(ah_output(sa, v->plain, v->plainlen, out,
		    sizeof(out), &outlen), XF_OK, "%s", v->name);
		ATF_CHECK_MSG(outlen == v->protlen &&
		    memcmp(out, v->prot, outlen) == 0, "%s: bytes differ",
		    v->name);
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
	n = vec_load(tc, "ah.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];

		sa = vec_sa(cr, v, 1);
		want = vec_nxt(v, &hl);
		ATF_CHECK_EQ_MSG(ah_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_OK, "%s", v->name);
		ATF_CHECK_MSG(outlen == v->plainlen &&
		    memcmp(out, v->plain, outlen) == 0, "%s: bytes differ",
		    v->name);
		ATF_CHECK_EQ_MSG(nxt, want, "%s", v->name);
		ATF_CHECK_EQ_MSG(ah_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_REPLAY, "%s", v->name);
		sa_free(sa);
	}
	crypto_free(cr);
}

/*
 * Is byte at of the vector's packet one a router may change, so that AH
 * leaves it out?  IPv4: TOS, flags/offset, TTL, checksum, and the
 * timestamp option of the options vector.  IPv6: traffic class, flow
 * label, hop limit, and the data of the 0x3e option (its type has the
 * may-change bit) in the extension header vector.  A changed option
 * length may also make the header malformed: -1.
 */
static int
mutable(const struct vec *v, size_t at, size_t bit)
{
	if (v->prot[0] >> 4 == 4) {
		if (at == 1 || at == 6 || at == 7 || at == 8 || at == 10 ||
		    at == 11)
			return (1);
		if (strstr(v->name, "options") == NULL || at < 24 || at >= 36)
			return (0);
		return (at == 25 ? -1 : 1);	/* -1: its length byte */
	}
	if (at == 0)
		return (bit < 4);	/* traffic class, not the version */
	if (at <= 3 || at == 7)
		return (1);
	return (strstr(v->name, "exthdrs") != NULL && (at == 52 || at == 53));
}

ATF_TC_WITHOUT_HEAD(tamper);
ATF_TC_BODY(tamper, tc)
{
	struct crypto	*cr;
	struct sa	*sa;
	uint8_t		 pkt[VEC_MAXPKT], out[VEC_MAXPKT], nxt;
	size_t		 n, i, b, outlen, len;
	enum xform_err	 e;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	n = vec_load(tc, "ah.vec", vecs, VEC_MAX);
	for (i = 0; i < n; i++) {
		const struct vec	*v = &vecs[i];
		struct replay		 before;

		sa = vec_sa(cr, v, 1);
		before = sa->sa_replay;
		memcpy(pkt, v->prot, v->protlen);
		for (b = 0; b < v->protlen * 8; b++) {
			size_t	at = b / 8;

			pkt[at] ^= 1 << (b % 8);
			e = ah_input(sa, pkt, v->protlen, v->off, out,
			    sizeof(out), &outlen, &nxt);
			pkt[at] ^= 1 << (b % 8);
			if (mutable(v, at, b % 8) != 0) {
				ATF_CHECK_MSG(e == XF_OK || (e == XF_MALFORMED
				    && mutable(v, at, b % 8) == -1), "%s "
				    "mutable byte %zu bit %zu: %d", v->name,
				    at, b % 8, e);
				sa->sa_replay = before;
			} else if (at >= v->off + 4 && at < v->off + 8)
				ATF_CHECK_EQ_MSG(e, XF_SPI, "%s byte %zu",
				    v->name, at);
			else if (at >= v->off + 8 && at < v->off + 12)
				ATF_CHECK_MSG(e == XF_ICV || e == XF_REPLAY,
				    "%s byte %zu: %d", v->name, at, e);
			else
				ATF_CHECK_MSG(e == XF_ICV || e == XF_MALFORMED,
				    "%s byte %zu bit %zu: %d", v->name, at,
				    b % 8, e);
		}
		/* Truncated anywhere: the IP length no longer fits. */
		for (len = 0; len < v->protlen; len++)
			ATF_CHECK_EQ_MSG(ah_input(sa, pkt, len, v->off, out,
			    sizeof(out), &outlen, &nxt), XF_MALFORMED,
			    "%s truncated to %zu", v->name, len);
		ATF_CHECK_MSG(memcmp(&before, &sa->sa_replay,
		    sizeof(before)) == 0, "%s: window moved", v->name);
		ATF_CHECK_EQ_MSG(ah_input(sa, v->prot, v->protlen, v->off,
		    out, sizeof(out), &outlen, &nxt), XF_OK, "%s", v->name);
		sa_free(sa);
	}
	crypto_free(cr);
}

/* A UDP packet with n payload bytes, IPv4 or IPv6. */
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
	xform_put16(p + hl + 4, (uint16_t)(8 + n));
	for (i = 0; i < n; i++)
		p[hl + 8 + i] = (uint8_t)(i * 11 + 3);
	xform_setlen(p, hl + 8 + n);
	return (hl + 8 + n);
}

static void
mkpair(struct crypto *cr, enum crypto_algid auth, int mode, int af,
    int flags, struct sa **o, struct sa **i)
{
	struct sa_params	sp;
	uint8_t			ak[CRYPTO_KEYMAX];

	memset(ak, 0x3c, sizeof(ak));
	memset(&sp, 0, sizeof(sp));
	sp.sp_spi = 0x2000;
	sp.sp_proto = IPW_PROTO_AH;
	sp.sp_mode = (uint8_t)mode;
	sp.sp_af = (uint8_t)af;
	sp.sp_flags = (uint8_t)flags;
	sp.sp_enc = CRYPTO_NULL;
	sp.sp_auth = auth;
	sp.sp_akey = ak;
	sp.sp_akeylen = crypto_algs[auth].ca_keylen;
	ATF_REQUIRE_EQ(sa_new(cr, &sp, o), CRYPTO_E_OK);
	sp.sp_flags |= SA_F_REPLAY;
	ATF_REQUIRE_EQ(sa_new(cr, &sp, i), CRYPTO_E_OK);
}

ATF_TC_WITHOUT_HEAD(roundtrip_all);
ATF_TC_BODY(roundtrip_all, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen, sz, off;
	int		 auth, mode, af, iaf, esn;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (auth = CRYPTO_HMAC_MD5; auth <= CRYPTO_HMAC_SHA512; auth++)
	for (mode = SA_TRANSPORT; mode <= SA_TUNNEL; mode++)
	for (af = 4; af <= 6; af += 2)
	for (iaf = 4; iaf <= 6; iaf += 2)
	for (esn = 0; esn <= SA_F_ESN; esn += SA_F_ESN) {
		if (mode == SA_TRANSPORT && iaf != af)
			continue;
		mkpair(cr, auth, mode, af, esn, &o, &in);
		for (sz = 0; sz < 12; sz += 5) {
			len = mkpkt(iaf, sz, pkt);
			ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot,
			    sizeof(prot), &plen), XF_OK);
			off = af == 4 ? IPW_IP4_HDRLEN : IPW_IP6_HDRLEN;
			/* RFC 4302 2.2: 32- or 64-bit aligned. */
			ATF_CHECK_EQ((plen - len - (mode == SA_TUNNEL ? off :
			    0)) % (af == 4 ? 4 : 8), 0);
			ATF_CHECK_EQ(ah_input(in, prot, plen, off, back,
			    sizeof(back), &blen, &nxt), XF_OK);
			ATF_CHECK_MSG(blen == len &&
			    memcmp(back, pkt, len) == 0, "%s mode %d v%d "
			    "in v%d esn %d", crypto_algs[auth].ca_name, mode,
			    iaf, af, esn);
		}
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
}

/* The ESN high half is in the ICV: a receiver in another epoch fails. */
ATF_TC_WITHOUT_HEAD(esn_epoch);
ATF_TC_BODY(esn_epoch, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_HMAC_SHA256, SA_TUNNEL, 4, SA_F_ESN, &o, &in);
	len = mkpkt(4, 8, pkt);
	o->sa_replay.rp_sent = (3ULL << 32) + 10;
	ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	replay_update(&in->sa_replay, (2ULL << 32) + 10);
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_ICV);
	replay_update(&in->sa_replay, (3ULL << 32) + 5);
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	ATF_CHECK_EQ(in->sa_replay.rp_top, (3ULL << 32) + 11);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/*
 * RFC 4302 3.3.3.1.2.2: a sender computes the ICV over a type 0 routing
 * header as it will arrive.  Send with one segment left, deliver it as
 * the network would (final destination in the header, segments left 0,
 * hop limit lower), and the receiver accepts it.
 */
ATF_TC_WITHOUT_HEAD(routing_header);
ATF_TC_BODY(routing_header, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[256], prot[256], back[256], hop[16], nxt;
	size_t		 len, plen, blen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_HMAC_SHA, SA_TRANSPORT, 6, 0, &o, &in);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[6] = IPW_PROTO_ROUTING;
	pkt[7] = 64;
	pkt[8] = 0x20, pkt[9] = 0x01, pkt[23] = 1;	/* source */
	pkt[24] = 0x20, pkt[25] = 0x01, pkt[39] = 7;	/* first hop */
	pkt[40] = IPW_PROTO_UDP;			/* routing, type 0 */
	pkt[41] = 2;
	pkt[42] = 0;
	pkt[43] = 1;					/* segments left */
	pkt[48] = 0x20, pkt[49] = 0x01, pkt[63] = 2;	/* final */
	xform_put16(pkt + 68, 8 + 4);			/* UDP length */
	len = 40 + 24 + 8 + 4;
	xform_setlen(pkt, len);
	ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(prot[40], IPW_PROTO_AH);		/* after routing */
	/* In flight the packet is still unchanged. */
	ATF_CHECK_EQ(ah_input(in, prot, plen, 64, back, sizeof(back), &blen,
	    &nxt), XF_ICV);
	/* The first hop swaps addresses (RFC 2460 type 0). */
	memcpy(hop, prot + 24, 16);
	memcpy(prot + 24, prot + 48, 16);
	memcpy(prot + 48, hop, 16);
	prot[43] = 0;
	prot[7] = 63;
	ATF_CHECK_EQ(ah_input(in, prot, plen, 64, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	ATF_CHECK_EQ(nxt, IPW_PROTO_UDP);
	/* Types whose layout is not type 0's: refused with segments left. */
	pkt[42] = 4;
	ATF_CHECK_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

/*
 * RFC 4302 A.1: with loose source routing the sender authenticates the
 * destination the packet will arrive with, the route's last address.
 */
ATF_TC_WITHOUT_HEAD(source_route4);
ATF_TC_BODY(source_route4, tc)
{
	static const uint8_t	final[4] = { 10, 0, 0, 9 };
	struct crypto		*cr;
	struct sa		*o, *in;
	uint8_t			 pkt[128], prot[256], back[256], nxt;
	size_t			 len, plen, blen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_HMAC_SHA256, SA_TRANSPORT, 4, 0, &o, &in);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x47;				/* 8 bytes of options */
	pkt[8] = 64;
	pkt[9] = IPW_PROTO_UDP;
	pkt[12] = 10, pkt[15] = 1;		/* source */
	pkt[16] = 10, pkt[19] = 5;		/* first hop */
	pkt[20] = IPW_IPOPT_LSRR;
	pkt[21] = 7;
	pkt[22] = 4;				/* next address: the first */
	memcpy(pkt + 23, final, 4);
	pkt[27] = IPW_IPOPT_NOP;
	xform_put16(pkt + 32, 8 + 4);		/* UDP length */
	len = 28 + 8 + 4;
	xform_setlen(pkt, len);
	ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK(memcmp(prot + 16, pkt + 16, 4) == 0);	/* sent as is */
	/* Not there yet: the destination is not the authenticated one. */
	ATF_CHECK_EQ(ah_input(in, prot, plen, 28, back, sizeof(back), &blen,
	    &nxt), XF_ICV);
	/* The hop at 10.0.0.5 forwards it (RFC 791 3.1, LSRR). */
	memcpy(prot + 16, final, 4);
	prot[23] = 10, prot[24] = 0, prot[25] = 0, prot[26] = 6;
	prot[22] = 8;				/* route done */
	prot[8]--;
	xform_setlen(prot, plen);
	ATF_CHECK_EQ(ah_input(in, prot, plen, 28, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	ATF_CHECK_EQ(nxt, IPW_PROTO_UDP);
	sa_free(o);
	sa_free(in);
	crypto_free(cr);
}

ATF_TC_WITHOUT_HEAD(limits);
ATF_TC_BODY(limits, tc)
{
	struct crypto		*cr;
	struct sa		*o, *in;
	struct sa_params	 sp;
	uint8_t			 pkt[128], prot[256], back[256], nxt;
	size_t			 len, plen, blen;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	mkpair(cr, CRYPTO_HMAC_SHA512, SA_TRANSPORT, 4, 0, &o, &in);
	len = mkpkt(4, 8, pkt);
	ATF_CHECK_EQ(ah_output(o, pkt, len, prot, len + 40, &plen),
	    XF_TOOBIG);
	ATF_CHECK_EQ(ah_output(o, pkt, len - 1, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, 10, &blen, &nxt),
	    XF_TOOBIG);
	in->sa_spi ^= 1;
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_SPI);
	in->sa_spi ^= 1;
	/* AH length that is not this SA's: exact sizes only. */
	prot[21]--;
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_MALFORMED);
	prot[21]++;
	ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back), &blen,
	    &nxt), XF_OK);
	o->sa_replay.rp_sent = UINT32_MAX;
	ATF_CHECK_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_SEQ);
	sa_free(o);
	sa_free(in);

	/* Whole datagrams only (RFC 4302 3.3.4): no IPv6 fragment. */
	mkpair(cr, CRYPTO_HMAC_SHA, SA_TRANSPORT, 6, 0, &o, &in);
	len = mkpkt(6, 8, pkt);
	ATF_CHECK_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_OK);
	pkt[6] = IPW_PROTO_FRAG;
	ATF_CHECK_EQ(ah_output(o, pkt, len, prot, sizeof(prot), &plen),
	    XF_MALFORMED);
	sa_free(o);
	sa_free(in);

	/* AH has no cipher and no UDP encapsulation (RFC 3948 2). */
	memset(&sp, 0, sizeof(sp));
	sp.sp_proto = IPW_PROTO_AH;
	sp.sp_af = 4;
	sp.sp_enc = CRYPTO_NULL;
	sp.sp_auth = CRYPTO_HMAC_SHA;
	sp.sp_akey = pkt;
	sp.sp_akeylen = 20;
	sp.sp_flags = SA_F_UDPENCAP;
	ATF_CHECK_EQ(sa_new(cr, &sp, &o), CRYPTO_E_ALG);
	sp.sp_flags = 0;
	sp.sp_enc = CRYPTO_AES_CBC_128;
	sp.sp_ekey = pkt;
	sp.sp_ekeylen = 16;
	ATF_CHECK_EQ(sa_new(cr, &sp, &o), CRYPTO_E_ALG);
	crypto_free(cr);
}

/*
 * RFC 6040 4.2 with AH: TOS is mutable, so a congestion mark set in
 * flight leaves the ICV intact and reaches the inner packet; on an inner
 * packet that is not ECN-capable the packet is dropped.
 */
ATF_TC_WITHOUT_HEAD(ecn);
ATF_TC_BODY(ecn, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[128], prot[256], back[256], nxt;
	size_t		 len, plen, blen;
	int		 ect;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (ect = 0; ect <= 1; ect++) {
		mkpair(cr, CRYPTO_HMAC_SHA, SA_TUNNEL, 4, 0, &o, &in);
		len = mkpkt(4, 9, pkt);
		pkt[1] = ect ? IPW_ECN_ECT0 : IPW_ECN_NOTECT;
		xform_setlen(pkt, len);
		ATF_REQUIRE_EQ(ah_output(o, pkt, len, prot, sizeof(prot),
		    &plen), XF_OK);
		prot[1] |= IPW_ECN_CE;
		ATF_CHECK_EQ(ah_input(in, prot, plen, 20, back, sizeof(back),
		    &blen, &nxt), ect ? XF_OK : XF_ECN);
		if (ect) {
			pkt[1] = IPW_ECN_CE;
			xform_setlen(pkt, len);
			ATF_CHECK(blen == len && memcmp(back, pkt, len) == 0);
		}
		sa_free(o);
		sa_free(in);
	}
	crypto_free(cr);
}

/* xorshift64: reproducible noise for the garbage test. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/*
 * Random bytes behind plausible IP and AH headers, at every offset:
 * never accepted, never out of bounds (run under SANITIZE=1); random
 * IPv6 extension header chains on output never crash either.
 */
ATF_TC_WITHOUT_HEAD(garbage);
ATF_TC_BODY(garbage, tc)
{
	struct crypto	*cr;
	struct sa	*o, *in;
	uint8_t		 pkt[320], out[512], nxt;
	uint64_t	 seed = 0x2545f4914f6cdd1dULL;
	size_t		 len, off, outlen, i, k;
	int		 af;

	ATF_REQUIRE((cr = crypto_create()) != NULL);
	for (af = 4; af <= 6; af += 2) {
		mkpair(cr, CRYPTO_HMAC_SHA256, SA_TRANSPORT, af, 0, &o, &in);
		for (i = 0; i < 100000; i++) {
			len = rnd(&seed) % 300;
			for (k = 0; k < len; k++)
				pkt[k] = (uint8_t)rnd(&seed);
			if (len >= 40) {
				pkt[0] = af == 4 ? 0x45 : 0x60;
				if (af == 4)
					xform_put16(pkt + 2, (uint16_t)len);
				else {
					xform_put16(pkt + 4,
					    (uint16_t)(len - 40));
					/* mostly extension headers */
					pkt[6] = (i & 1) ? 0 : 60;
				}
			}
			off = rnd(&seed) % (len + 8);
			if (off + 12 <= len && (i & 2)) {
				pkt[off + 1] = af == 4 ? 5 : 6;
				xform_put32(pkt + off + 4, in->sa_spi);
				xform_put32(pkt + off + 8, (uint32_t)i + 1);
			}
			ATF_CHECK(ah_input(in, pkt, len, off, out,
			    sizeof(out), &outlen, &nxt) != XF_OK);
			(void)ah_output(o, pkt, len, out, sizeof(out),
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
	ATF_TP_ADD_TC(tp, roundtrip_all);
	ATF_TP_ADD_TC(tp, esn_epoch);
	ATF_TP_ADD_TC(tp, routing_header);
	ATF_TP_ADD_TC(tp, source_route4);
	ATF_TP_ADD_TC(tp, limits);
	ATF_TP_ADD_TC(tp, ecn);
	ATF_TP_ADD_TC(tp, garbage);
	return (0);
}
