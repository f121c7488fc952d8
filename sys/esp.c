/*
 * esp.c: RFC 4303 Encapsulating Security Payload.
 *
 *   [IP hdr][UDP (RFC 3948)][SPI][seq][IV][payload][pad][padlen][nxt][ICV]
 *                           |<- authenticated ------------------------>|
 *                                     |<- encrypted -------------->|
 *
 * Input is a chain of checks, each with its own result code: exact sizes,
 * SPI, replay (before any crypto), ICV, then padding.
 */
#include <stddef.h>
#include <string.h>

#include "crypto.h"
#include "esp.h"
#include "ipsec_wire.h"
#include "replay.h"
#include "sa.h"

static enum xform_err	esp_iv(const struct sa *, uint64_t, uint8_t *);
static size_t		esp_aad(const struct sa *, uint64_t, uint8_t *);
static enum xform_err	esp_seal(struct sa *, uint8_t *, size_t, uint64_t);
static enum xform_err	esp_open(struct sa *, const uint8_t *, size_t,
			    uint64_t, uint8_t *);
static enum xform_err	esp_trailer(const uint8_t *, size_t, size_t *,
			    uint8_t *);

enum xform_err
esp_output(struct sa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
    size_t cap, size_t *outlen)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	const uint8_t		*payload;
	size_t			 hdrlen, nxtoff = 0, plen, padded, padlen;
	size_t			 udplen, espoff, ctoff, total, i;
	uint64_t		 seq;
	enum xform_err		 e;
	uint8_t			 nxt, proto;
	int			 ver, outer;

	if ((ver = xform_ipcheck(pkt, len)) == -1)
		return (XF_MALFORMED);
	if (sa->sa_mode == SA_TUNNEL) {
		hdrlen = xform_outer_len(sa);
		payload = pkt;
		plen = len;
		nxt = ver == 4 ? IPW_PROTO_IPIP : IPW_PROTO_IPV6;
		outer = sa->sa_af;
	} else {
		if (ver != sa->sa_af ||
		    xform_split(pkt, len, &hdrlen, &nxtoff) == -1)
			return (XF_MALFORMED);
		payload = pkt + hdrlen;
		plen = len - hdrlen;
		nxt = pkt[nxtoff];
		outer = ver;
	}

	/* RFC 4303 2.4: the trailer ends on the cipher's block, at least 4. */
	padded = (plen + IPW_ESP_TRLLEN + enc->ca_align - 1) / enc->ca_align *
	    enc->ca_align;
	padlen = padded - plen - IPW_ESP_TRLLEN;
	udplen = (sa->sa_flags & SA_F_UDPENCAP) ? IPW_UDP_HDRLEN : 0;
	espoff = hdrlen + udplen;
	ctoff = espoff + IPW_ESP_HDRLEN + enc->ca_ivlen;
	total = ctoff + padded + crypto_sa_icvlen(sa->sa_crypto);
	if (total > cap || total - (outer == 6 ? IPW_IP6_HDRLEN : 0) >
	    IPW_MAXPKT)
		return (XF_TOOBIG);
	if (replay_next(&sa->sa_replay, &seq) == -1)
		return (XF_SEQ);

	proto = udplen ? IPW_PROTO_UDP : IPW_PROTO_ESP;
	if (sa->sa_mode == SA_TUNNEL)
		xform_outer(sa, pkt, total, proto, seq, out);
	else {
		memcpy(out, pkt, hdrlen);
		out[nxtoff] = proto;
		xform_setlen(out, total);
	}
	xform_put32(out + espoff, sa->sa_spi);
	xform_put32(out + espoff + 4, (uint32_t)seq);
	if ((e = esp_iv(sa, seq, out + espoff + IPW_ESP_HDRLEN)) != XF_OK)
		return (e);
	memcpy(out + ctoff, payload, plen);
	/* RFC 4303 2.4: padding bytes are 1, 2, 3, ... */
	for (i = 0; i < padlen; i++)
		out[ctoff + plen + i] = (uint8_t)(i + 1);
	out[ctoff + padded - 2] = (uint8_t)padlen;
	out[ctoff + padded - 1] = nxt;
	if ((e = esp_seal(sa, out + espoff, padded, seq)) != XF_OK)
		return (e);
	if (udplen)
		xform_udp(sa, out, hdrlen, total);	/* after the ICV */
	sa->sa_packets++;
	sa->sa_bytes += len;
	*outlen = total;
	return (XF_OK);
}

size_t
esp_fit(const struct sa *sa, size_t hdrlen, size_t maxout)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	size_t			 fixed, padded;

	if (sa->sa_mode == SA_TUNNEL)
		hdrlen = xform_outer_len(sa);
	fixed = hdrlen + ((sa->sa_flags & SA_F_UDPENCAP) ? IPW_UDP_HDRLEN :
	    0) + IPW_ESP_HDRLEN + enc->ca_ivlen +
	    crypto_sa_icvlen(sa->sa_crypto);
	/* The inverse of esp_output()'s padding: a whole number of blocks. */
	if (maxout < fixed + enc->ca_align)
		return (0);
	padded = (maxout - fixed) / enc->ca_align * enc->ca_align;
	return ((sa->sa_mode == SA_TUNNEL ? 0 : hdrlen) + padded -
	    IPW_ESP_TRLLEN);
}

/*
 * CBC needs an unpredictable IV (RFC 3602 2.4): the OS-seeded DRBG.  The
 * counter modes need a unique one (RFC 3686 2.1, RFC 4106 3.1, RFC 7634
 * 2): the 64-bit sequence number, which never repeats under one key.
 */
static enum xform_err
esp_iv(const struct sa *sa, uint64_t seq, uint8_t *iv)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);

	if (enc->ca_ivlen == 0)
		return (XF_OK);
	if (enc->ca_saltlen == 0) {
		if (crypto_rand(crypto_sa_cr(sa->sa_crypto), iv,
		    enc->ca_ivlen) == -1)
			return (XF_CRYPTO);
		return (XF_OK);
	}
	xform_put32(iv, (uint32_t)(seq >> 32));
	xform_put32(iv + 4, (uint32_t)seq);
	return (XF_OK);
}

/* RFC 4106 5, RFC 7634 2.1: SPI || [seq high] || seq low. */
static size_t
esp_aad(const struct sa *sa, uint64_t seq, uint8_t *aad)
{
	xform_put32(aad, sa->sa_spi);
	if (!(sa->sa_flags & SA_F_ESN)) {
		xform_put32(aad + 4, (uint32_t)seq);
		return (8);
	}
	xform_put32(aad + 4, (uint32_t)(seq >> 32));
	xform_put32(aad + 8, (uint32_t)seq);
	return (12);
}

/* Encrypt and authenticate in place: esp is the ESP header. */
static enum xform_err
esp_seal(struct sa *sa, uint8_t *esp, size_t ctlen, uint64_t seq)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	uint8_t			*iv = esp + IPW_ESP_HDRLEN;
	uint8_t			*ct = iv + enc->ca_ivlen;
	uint8_t			 aad[12], hi[4];
	struct crypto_iov	 iov[2];
	size_t			 n;

	if (enc->ca_kind == CRYPTO_K_AEAD) {
		n = esp_aad(sa, seq, aad);
		if (crypto_seal(sa->sa_crypto, iv, aad, n, ct, ct, ctlen,
		    ct + ctlen) != CRYPTO_E_OK)
			return (XF_CRYPTO);
		return (XF_OK);
	}
	if (crypto_encrypt(sa->sa_crypto, iv, ct, ct, ctlen) != CRYPTO_E_OK)
		return (XF_CRYPTO);
	/* RFC 4303 3.3.2.1: with ESN the high half follows, unsent. */
	iov[0].ci_base = esp;
	iov[0].ci_len = (size_t)(ct + ctlen - esp);
	xform_put32(hi, (uint32_t)(seq >> 32));
	iov[1].ci_base = hi;
	iov[1].ci_len = sizeof(hi);
	n = (sa->sa_flags & SA_F_ESN) ? 2 : 1;
	if (crypto_mac(sa->sa_crypto, iov, n, ct + ctlen) != CRYPTO_E_OK)
		return (XF_CRYPTO);
	return (XF_OK);
}

enum xform_err
esp_input(struct sa *sa, const uint8_t *pkt, size_t len, size_t off,
    uint8_t *out, size_t cap, size_t *outlen, uint8_t *nxtp)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	size_t			 fixed, ctlen, iphl, nxtoff = 0, plen, room;
	uint64_t		 seq;
	enum xform_err		 e;
	uint8_t			*pt;
	uint8_t			 nxt;

	/* Exact sizes first (RFC 4303 2.4: 4-byte and block alignment). */
	fixed = IPW_ESP_HDRLEN + enc->ca_ivlen +
	    crypto_sa_icvlen(sa->sa_crypto);
	if (xform_ipcheck(pkt, len) == -1 || off > len ||
	    len - off < fixed + IPW_ESP_TRLLEN)
		return (XF_MALFORMED);
	ctlen = len - off - fixed;
	if (ctlen % enc->ca_align != 0)
		return (XF_MALFORMED);
	iphl = off;
	if (sa->sa_flags & SA_F_UDPENCAP) {
		if (off < IPW_UDP_HDRLEN || xform_get16(pkt + off - 4) !=
		    len - off + IPW_UDP_HDRLEN)
			return (XF_MALFORMED);
		iphl = off - IPW_UDP_HDRLEN;
	}
	room = ctlen;
	if (sa->sa_mode == SA_TRANSPORT) {
		if (xform_nxtoff(pkt, iphl, &nxtoff) == -1)
			return (XF_MALFORMED);
		room += iphl;
	}
	if (room > cap)
		return (XF_TOOBIG);
	if (xform_get32(pkt + off) != sa->sa_spi)
		return (XF_SPI);

	/* RFC 4303 3.4.3: replays cost no crypto. */
	if (replay_check(&sa->sa_replay, xform_get32(pkt + off + 4), &seq) !=
	    REPLAY_OK)
		return (XF_REPLAY);
	pt = out + (sa->sa_mode == SA_TRANSPORT ? iphl : 0);
	if ((e = esp_open(sa, pkt + off, ctlen, seq, pt)) != XF_OK)
		return (e);
	/* Authentic: only now may the window move (RFC 4303 3.4.4). */
	replay_update(&sa->sa_replay, seq);

	if ((e = esp_trailer(pt, ctlen, &plen, &nxt)) != XF_OK)
		return (e);
	/* RFC 4303 2.6: a TFC dummy packet; drop it, it is no attack. */
	if (nxt == IPW_PROTO_NONE)
		return (XF_DUMMY);
	if (sa->sa_mode == SA_TUNNEL) {
		if (xform_ipcheck(pt, plen) != (nxt == IPW_PROTO_IPIP ? 4 :
		    nxt == IPW_PROTO_IPV6 ? 6 : 0))
			return (XF_MALFORMED);
		if (xform_ecn_decap(pkt, pt, plen) == -1)
			return (XF_ECN);
		*outlen = plen;
	} else {
		memcpy(out, pkt, iphl);
		out[nxtoff] = nxt;
		*outlen = iphl + plen;
		xform_setlen(out, *outlen);
	}
	sa->sa_packets++;
	sa->sa_bytes += *outlen;	/* what it protected, as on output */
	*nxtp = nxt;
	return (XF_OK);
}

/* Verify and decrypt: esp is the ESP header, pt gets ctlen bytes. */
static enum xform_err
esp_open(struct sa *sa, const uint8_t *esp, size_t ctlen, uint64_t seq,
    uint8_t *pt)
{
	const struct crypto_alg	*enc = crypto_sa_enc(sa->sa_crypto);
	const uint8_t		*iv = esp + IPW_ESP_HDRLEN;
	const uint8_t		*ct = iv + enc->ca_ivlen;
	uint8_t			 aad[12], hi[4];
	struct crypto_iov	 iov[2];
	enum crypto_err		 ce;
	size_t			 n;

	if (enc->ca_kind == CRYPTO_K_AEAD) {
		n = esp_aad(sa, seq, aad);
		ce = crypto_open(sa->sa_crypto, iv, aad, n, ct, pt, ctlen,
		    ct + ctlen);
	} else {
		iov[0].ci_base = esp;
		iov[0].ci_len = (size_t)(ct + ctlen - esp);
		xform_put32(hi, (uint32_t)(seq >> 32));
		iov[1].ci_base = hi;
		iov[1].ci_len = sizeof(hi);
		n = (sa->sa_flags & SA_F_ESN) ? 2 : 1;
		ce = crypto_mac_verify(sa->sa_crypto, iov, n, ct + ctlen);
		if (ce == CRYPTO_E_OK)
			ce = crypto_decrypt(sa->sa_crypto, iv, ct, pt, ctlen);
	}
	if (ce == CRYPTO_E_ICV)
		return (XF_ICV);
	return (ce == CRYPTO_E_OK ? XF_OK : XF_CRYPTO);
}

/* RFC 4303 2.4: padding must be 1, 2, 3, ... and fit the payload. */
static enum xform_err
esp_trailer(const uint8_t *pt, size_t ctlen, size_t *plen, uint8_t *nxt)
{
	size_t	padlen = pt[ctlen - 2], i;

	if (padlen + IPW_ESP_TRLLEN > ctlen)
		return (XF_PADDING);
	*plen = ctlen - IPW_ESP_TRLLEN - padlen;
	for (i = 0; i < padlen; i++)
		if (pt[*plen + i] != i + 1)
			return (XF_PADDING);
	*nxt = pt[ctlen - 1];
	return (XF_OK);
}
