/*
 * ipsec_engine_test.c: the IPsec stage of the engine as a host drives it.
 * Two engines, "a" and "b", hold mirrored manual tunnels: what a's
 * ipf_output() encapsulates, b's ipf_input() must verify, decrypt and
 * give back byte for byte, for every policy (e, a, ea, ae), mode, family,
 * UDP encapsulation and with and without ESN.  Then every drop with its
 * reason and counter: replay, ICV, wrong SPI, truncation, policy, removed
 * and expired tunnels; the SA database's all-or-nothing install and its
 * SPI index.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "ipf.h"

#define BUFSZ	70000

struct env {
	struct ipf		*ipf;
	struct ipf_meta		 m;
	struct ipf_result	 res;
	size_t			 ev[IPF_TEV_MAX];	/* tunnel events by kind */
	struct ipf_tunev	 last;		/* the latest one */
};

struct keys {
	uint8_t		enc[36], esp[64], ah[64];
};

static void	sink(void *, const struct ipf_event *);
static void	env_init(struct env *, int, uint32_t);
static void	env_free(struct env *);
static void	env_rules(struct env *, int, uint32_t, int);
static void	tunnel(struct ipf_tunnel *, int, uint8_t, uint8_t, uint8_t,
		    int, const struct keys *);
static void	sadir(struct ipf_sadir *, uint8_t, uint8_t, uint8_t,
		    uint32_t, uint32_t, const struct keys *);
static size_t	udp_pkt(int, uint8_t *, size_t);
static void	pair(struct env *, struct env *, int, uint8_t, uint8_t,
		    uint8_t, int);
static void	roundtrip(struct env *, struct env *, const uint8_t *,
		    size_t, uint8_t);

static const char *const a4 = "192.0.2.1", *const b4 = "192.0.2.2";
static const char *const a6 = "2001:db8::1", *const b6 = "2001:db8::2";

static void
addr(int ver, const char *s, union ipf_addr *a)
{
	memset(a, 0, sizeof(*a));
	ATF_REQUIRE(inet_pton(ver == 4 ? AF_INET : AF_INET6, s, a) == 1);
}

static void
sink(void *arg, const struct ipf_event *ev)
{
	struct env	*e = arg;

	if (ev->ev_type != IPF_EV_TUNNEL)
		return;
	ATF_REQUIRE(ev->ev_tun.te_event < IPF_TEV_MAX);
	e->ev[ev->ev_tun.te_event]++;
	e->last = ev->ev_tun;
}

static void
env_init(struct env *e, int ver, uint32_t tid)
{
	memset(e, 0, sizeof(*e));
	ATF_REQUIRE((e->ipf = ipf_create(sink, e)) != NULL);
	ipf_set_logging(e->ipf, 1);
	ATF_REQUIRE((e->res.res_buf = malloc(BUFSZ)) != NULL);
	e->res.res_cap = BUFSZ;
	e->m.m_ifname = "eth0";
	e->m.m_local = 1;
	e->m.m_now = 1000;
	env_rules(e, ver, tid, 0);
}

static void
env_free(struct env *e)
{
	ipf_free(e->ipf);
	free(e->res.res_buf);
}

/*
 * Rule 1 sends and admits everything through tunnel tid, as gentun's
 * rules 1-2 do for its endpoints; rule 2 (with clear) permits tunnel-0
 * traffic; the default rule denies.
 */
static void
env_rules(struct env *e, int ver, uint32_t tid, int clear)
{
	struct ipf_rule	r[3];
	size_t		i, n = 0, bad;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		r[i].r_ver = (uint8_t)ver;
		r[i].r_srcroute = 1;
		r[i].r_scope = IPF_SCOPE_BOTH;
		r[i].r_dir = IPF_DIR_BOTH;
		r[i].r_action = IPF_ACT_PERMIT;
	}
	r[n].r_id = 1;
	r[n++].r_tunnel = tid;
	if (clear) {
		r[n].r_id = 2;
		n++;
	}
	r[n].r_id = 0;
	r[n++].r_action = IPF_ACT_DENY;
	ATF_REQUIRE(ipf_load(e->ipf, ver, r, n, 1000, &bad) == IPF_CE_OK);
}

static void
sadir(struct ipf_sadir *d, uint8_t pol, uint8_t enc, uint8_t auth,
    uint32_t espspi, uint32_t ahspi, const struct keys *k)
{
	static const size_t	 klen[IPF_ALG_MAX] = {
		8, 24, 16, 24, 32, 20, 28, 36, 20, 36, 36, 0,
		16, 20, 32, 48, 64, 0 };

	memset(d, 0, sizeof(*d));
	d->sd_policy = pol;
	d->sd_enc = enc;
	d->sd_espauth = auth;
	d->sd_ahauth = IPF_ALG_HMAC_SHA256;
	d->sd_espspi = espspi;
	d->sd_ahspi = ahspi;
	d->sd_enckey = k->enc;
	d->sd_enckeylen = klen[enc];
	d->sd_espkey = k->esp;
	d->sd_espkeylen = klen[auth];
	d->sd_ahkey = k->ah;
	d->sd_ahkeylen = klen[IPF_ALG_HMAC_SHA256];
}

/* Side 0 (a) sends with SPIs 1000/2000, side 1 (b) with 3000/4000. */
static void
tunnel(struct ipf_tunnel *t, int ver, uint8_t pol, uint8_t enc, uint8_t auth,
    int side, const struct keys *k)
{
	memset(t, 0, sizeof(*t));
	t->tn_id = 1;
	t->tn_ver = (uint8_t)ver;
	t->tn_mode = IPF_TM_TUNNEL;
	t->tn_flags = IPF_TF_REPLAY;
	addr(ver, ver == 4 ? (side ? b4 : a4) : (side ? b6 : a6),
	    &t->tn_local);
	addr(ver, ver == 4 ? (side ? a4 : b4) : (side ? a6 : b6),
	    &t->tn_peer);
	sadir(&t->tn_out, pol, enc, auth, side ? 3000 : 1000,
	    side ? 4000 : 2000, &k[side]);
	sadir(&t->tn_in, pol, enc, auth, side ? 1000 : 3000,
	    side ? 2000 : 4000, &k[!side]);
}

static const struct keys test_keys[2] = {
	{ { 0x11, 0x12, 0x13 }, { 0x21, 0x22 }, { 0x31, 0x32 } },
	{ { 0x41, 0x42, 0x43 }, { 0x51, 0x52 }, { 0x61, 0x62 } },
};

/* Install the tunnel both ways: a to b and b to a. */
static void
pair(struct env *a, struct env *b, int ver, uint8_t pol, uint8_t mode,
    uint8_t flags, int cipher)
{
	struct ipf_tunnel	t;
	enum ipf_terr		e;
	uint8_t			enc = (uint8_t)cipher, auth;

	auth = enc >= IPF_ALG_AES_GCM_16_128 &&
	    enc <= IPF_ALG_CHACHA20_POLY1305 ? IPF_ALG_NONE : IPF_ALG_HMAC_SHA;
	tunnel(&t, ver, pol, enc, auth, 0, test_keys);
	t.tn_mode = mode;
	t.tn_flags |= flags;
	e = ipf_tunnel_add(a->ipf, &t, 1000);
	ATF_REQUIRE_MSG(e == IPF_TE_OK, "a: %s", ipf_terr_names[e]);
	tunnel(&t, ver, pol, enc, auth, 1, test_keys);
	t.tn_mode = mode;
	t.tn_flags |= flags;
	e = ipf_tunnel_add(b->ipf, &t, 1000);
	ATF_REQUIRE_MSG(e == IPF_TE_OK, "b: %s", ipf_terr_names[e]);
}

/* A UDP datagram from a to b (port 7 to 9) with n payload bytes. */
static size_t
udp_pkt(int ver, uint8_t *b, size_t n)
{
	size_t		hl = ver == 4 ? 20 : 40, i, len = hl + 8 + n;
	uint32_t	sum = 0;

	memset(b, 0, len);
	if (ver == 4) {
		b[0] = 0x45;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		b[8] = 64;
		b[9] = 17;
		ATF_REQUIRE(inet_pton(AF_INET, a4, b + 12) == 1);
		ATF_REQUIRE(inet_pton(AF_INET, b4, b + 16) == 1);
		for (i = 0; i < 20; i += 2)
			sum += (uint32_t)(b[i] << 8 | b[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		b[10] = (uint8_t)(~sum >> 8);
		b[11] = (uint8_t)~sum;
	} else {
		b[0] = 0x60;
		b[4] = (uint8_t)((len - 40) >> 8);
		b[5] = (uint8_t)(len - 40);
		b[6] = 17;
		b[7] = 64;
		ATF_REQUIRE(inet_pton(AF_INET6, a6, b + 8) == 1);
		ATF_REQUIRE(inet_pton(AF_INET6, b6, b + 24) == 1);
	}
	b[hl + 1] = 7;
	b[hl + 3] = 9;
	b[hl + 4] = (uint8_t)((8 + n) >> 8);
	b[hl + 5] = (uint8_t)(8 + n);
	for (i = 0; i < n; i++)
		b[hl + 8 + i] = (uint8_t)(i * 7 + 1);
	return (len);
}

/*
 * a encapsulates pkt; its outer protocol must be proto; b decapsulates
 * and gets pkt back, byte for byte, tagged with tunnel 1.
 */
static void
roundtrip(struct env *a, struct env *b, const uint8_t *pkt, size_t len,
    uint8_t proto)
{
	uint8_t		*wire;
	size_t		 wlen;
	int		 ver = pkt[0] >> 4;

	ATF_REQUIRE_EQ(ipf_output(a->ipf, pkt, len, &a->m, &a->res),
	    IPF_REPLACE);
	ATF_REQUIRE_EQ(a->res.res_reason, IPF_R_ENCAP);
	wire = a->res.res_buf;
	wlen = a->res.res_len;
	ATF_REQUIRE(wlen > len);
	ATF_REQUIRE_EQ(wire[ver == 4 ? 9 : 6], proto);
	ATF_REQUIRE_EQ(ipf_input(b->ipf, wire, wlen, &b->m, &b->res),
	    IPF_REPLACE);
	ATF_REQUIRE_EQ_MSG(b->res.res_reason, IPF_R_DECAP, "reason %s",
	    ipf_reason_names[b->res.res_reason]);
	ATF_REQUIRE_EQ(b->res.res_len, len);
	ATF_REQUIRE_MSG(memcmp(b->res.res_buf, pkt, len) == 0,
	    "v%d proto %u len %zu: inner differs", ver, proto, len);
	ATF_REQUIRE_EQ(b->res.res_npkts, 1);
	ATF_REQUIRE_EQ(b->res.res_pkt.pr_tunnel, 1);
	ATF_REQUIRE_EQ(b->res.res_pkt.pr_rule, 1);
}

ATF_TC_WITHOUT_HEAD(matrix);
ATF_TC_BODY(matrix, tc)
{
	static const uint8_t	pols[] = { IPF_TP_E, IPF_TP_A, IPF_TP_EA,
	    IPF_TP_AE };
	static const uint8_t	outer[] = { 50, 51, 51, 50 };
	static const int	ciphers[] = { IPF_ALG_AES_CBC_128,
	    IPF_ALG_AES_GCM_16_128, IPF_ALG_CHACHA20_POLY1305,
	    IPF_ALG_AES_CTR_256, IPF_ALG_NULL };
	static const size_t	sizes[] = { 0, 1, 100, 1400 };
	struct env		a, b;
	struct ipf_stats	st;
	struct ipf_sastat	ss[4];
	struct ipf_rulestat	rs[2];
	uint8_t			pkt[1500];
	size_t			len, c, p, s, k;
	int			ver, mode, udp, cases = 0;

	for (ver = 4; ver <= 6; ver += 2)
	for (mode = 0; mode < 2; mode++)
	for (p = 0; p < sizeof(pols); p++)
	for (udp = 0; udp < 2; udp++)
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		if (udp && pols[p] != IPF_TP_E)
			continue;
		if (pols[p] == IPF_TP_A && c > 0)
			continue;
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		/* Every other cipher with 64-bit sequence numbers. */
		pair(&a, &b, ver, pols[p], (uint8_t)mode,
		    (uint8_t)((udp ? IPF_TF_UDP : 0) |
		    (c % 2 ? IPF_TF_ESN : 0)), ciphers[c]);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (k = 0; k < 3; k++) {
				len = udp_pkt(ver, pkt, sizes[s] + k);
				roundtrip(&a, &b, pkt, len,
				    udp ? 17 : outer[p]);
			}
		ipf_stats_get(b.ipf, &st);
		k = (pols[p] == IPF_TP_E || pols[p] == IPF_TP_A) ? 1 : 2;
		ATF_REQUIRE_EQ(st.st_in_esp + st.st_in_ah, 12 * k);
		ATF_REQUIRE_EQ(st.st_reason[IPF_R_DECAP], 12);
		ATF_REQUIRE_EQ(st.st_sa_added, 2 * k);
		/* Rule 1 admits carrier and inner packet: one hit each. */
		ATF_REQUIRE_EQ(ipf_rulestats(b.ipf, ver, 0, rs, 2, 1000), 2);
		ATF_REQUIRE_EQ(rs[0].rs_id, 1);
		ATF_REQUIRE_EQ(rs[0].rs_packets, 12);
		/* Per SA: every SA of the bundle saw all 12, both ways. */
		ATF_REQUIRE_EQ(ipf_tunnel_sastats(b.ipf, ver, 1, ss, 4),
		    (int)(2 * k));
		for (s = 0; s < 2 * k; s++) {
			ATF_REQUIRE_EQ(ss[s].ss_packets, s < k ? 0 : 12);
			ATF_REQUIRE_EQ(ss[s].ss_dir, s < k ? IPF_DIR_OUT :
			    IPF_DIR_IN);
		}
		ATF_REQUIRE_EQ(ss[2 * k - 1].ss_seq, 12);
		ATF_REQUIRE_EQ(ipf_tunnel_sastats(a.ipf, ver, 1, ss, 4),
		    (int)(2 * k));
		ATF_REQUIRE_EQ(ss[0].ss_packets, 12);
		ATF_REQUIRE_EQ(ss[0].ss_seq, 12);
		ATF_REQUIRE_EQ(ipf_tunnel_sastats(a.ipf, ver, 2, ss, 4), -1);
		ipf_stats_get(a.ipf, &st);
		ATF_REQUIRE_EQ(st.st_out_esp + st.st_out_ah, 12 * k);
		ATF_REQUIRE_EQ(st.st_reason[IPF_R_ENCAP], 12);
		env_free(&a);
		env_free(&b);
		cases++;
	}
	ATF_REQUIRE_EQ(cases, 2 * 2 * (5 + 1 + 5 + 5 + 5));
}

/* One carrier from a; b sees it altered in the ways a network can. */
ATF_TC_WITHOUT_HEAD(drops);
ATF_TC_BODY(drops, tc)
{
	struct env		a, b;
	struct ipf_stats	st;
	uint8_t			pkt[200], wire[400], bad[400];
	size_t			len, wlen, i, seq0;
	int			ver;

	for (ver = 4; ver <= 6; ver += 2) {
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		pair(&a, &b, ver, IPF_TP_E, IPF_TM_TUNNEL, 0,
		    IPF_ALG_AES_CBC_128);
		len = udp_pkt(ver, pkt, 50);
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		wlen = a.res.res_len;
		memcpy(wire, a.res.res_buf, wlen);

		/*
		 * Every bit after the IP header but the SPI: an ICV failure,
		 * except the one that turns sequence number 1 into 0, which
		 * no sender uses (RFC 4303 3.3.3): a replay, before crypto.
		 */
		seq0 = ((ver == 4 ? 20 : 40) + 7) * 8;
		for (i = (ver == 4 ? 20 : 40) * 8 + 32; i < wlen * 8; i++) {
			memcpy(bad, wire, wlen);
			bad[i / 8] ^= (uint8_t)(1 << (i % 8));
			ATF_REQUIRE_EQ(ipf_input(b.ipf, bad, wlen, &b.m,
			    &b.res), IPF_DROP);
			ATF_REQUIRE_EQ_MSG(b.res.res_reason, i == seq0 ?
			    IPF_R_REPLAY : IPF_R_ICV,
			    "bit %zu: %s", i,
			    ipf_reason_names[b.res.res_reason]);
		}
		/* The SPI: no SA. */
		memcpy(bad, wire, wlen);
		bad[ver == 4 ? 23 : 43] ^= 1;
		ATF_REQUIRE_EQ(ipf_input(b.ipf, bad, wlen, &b.m, &b.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_NOSA);
		/* Truncated (IP length fixed up): malformed. */
		memcpy(bad, wire, wlen);
		if (ver == 4)
			bad[3] = (uint8_t)(bad[3] - 1);
		else
			bad[5] = (uint8_t)(bad[5] - 1);
		ATF_REQUIRE_EQ(ipf_input(b.ipf, bad, wlen - 1, &b.m, &b.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_MALFORMED);
		/* Intact: once through, the second time a replay. */
		ATF_REQUIRE_EQ(ipf_input(b.ipf, wire, wlen, &b.m, &b.res),
		    IPF_REPLACE);
		ATF_REQUIRE_EQ(ipf_input(b.ipf, wire, wlen, &b.m, &b.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_REPLAY);
		ipf_stats_get(b.ipf, &st);
		ATF_REQUIRE_EQ(st.st_esp_icv, (wlen - (ver == 4 ? 20 : 40)) *
		    8 - 32 - 1);
		ATF_REQUIRE_EQ(st.st_esp_replay, 2);
		/* Each ICV failure and replay is a tunnel event too. */
		ATF_REQUIRE_EQ(b.ev[IPF_TEV_ICV], st.st_esp_icv);
		ATF_REQUIRE_EQ(b.ev[IPF_TEV_REPLAY], 2);
		ATF_REQUIRE_EQ(b.last.te_event, IPF_TEV_REPLAY);
		ATF_REQUIRE_EQ(b.last.te_proto, 50);
		ATF_REQUIRE_EQ(b.last.te_spi, 1000);
		ATF_REQUIRE_EQ(b.last.te_seq, 1);
		ATF_REQUIRE_EQ(b.last.te_tunnel, 1);
		ATF_REQUIRE_EQ(b.last.te_ver, ver);
		ATF_REQUIRE_EQ(st.st_reason[IPF_R_NOSA], 1);
		ATF_REQUIRE_EQ(st.st_reason[IPF_R_MALFORMED], 1);
		ATF_REQUIRE_EQ(st.st_reason[IPF_R_DECAP], 1);

		/* Cleartext that matches the tunnel rule: policy. */
		ATF_REQUIRE_EQ(ipf_input(b.ipf, pkt, len, &b.m, &b.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_POLICY);
		ATF_REQUIRE_EQ(b.ev[IPF_TEV_POLICY], 1);
		ATF_REQUIRE_EQ(b.last.te_event, IPF_TEV_POLICY);
		ATF_REQUIRE_EQ(b.last.te_tunnel, 1);
		ATF_REQUIRE(memcmp(&b.last.te_src, pkt + (ver == 4 ? 12 : 8),
		    ver == 4 ? 4 : 16) == 0);
		ATF_REQUIRE(memcmp(&b.last.te_dst, pkt + (ver == 4 ? 16 : 24),
		    ver == 4 ? 4 : 16) == 0);
		/* Routed ESP (not for this host) is filtered, not opened. */
		b.m.m_local = 0;
		ATF_REQUIRE_EQ(ipf_input(b.ipf, wire, wlen, &b.m, &b.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_POLICY);
		b.m.m_local = 1;

		/* Removed tunnel: output drops, never cleartext. */
		ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, ver, 1), 0);
		ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, ver, 1), -1);
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_NOSA);
		ipf_stats_get(a.ipf, &st);
		ATF_REQUIRE_EQ(st.st_sa_deleted, 2);
		env_free(&a);
		env_free(&b);
	}
}

/* A carrier admitted by a tunnel-0 rule is still opened; its inner
 * packet must then match the tunnel's rule, not the clear one. */
ATF_TC_WITHOUT_HEAD(inner_policy);
ATF_TC_BODY(inner_policy, tc)
{
	struct env	a, b;
	uint8_t		pkt[200], wire[400];
	size_t		len, wlen;

	env_init(&a, 4, 1);
	env_init(&b, 4, 1);
	pair(&a, &b, 4, IPF_TP_E, IPF_TM_TUNNEL, 0, IPF_ALG_AES_GCM_16_128);
	len = udp_pkt(4, pkt, 10);
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
	    IPF_REPLACE);
	wlen = a.res.res_len;
	memcpy(wire, a.res.res_buf, wlen);
	/* b's rule 1 now names tunnel 2; rule 2 permits clear traffic. */
	env_rules(&b, 4, 2, 1);
	ATF_REQUIRE_EQ(ipf_input(b.ipf, wire, wlen, &b.m, &b.res), IPF_DROP);
	ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_POLICY);
	/* The tunnel's own rule back: the next carrier passes. */
	env_rules(&b, 4, 1, 1);
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
	    IPF_REPLACE);
	ATF_REQUIRE_EQ(ipf_input(b.ipf, a.res.res_buf, a.res.res_len, &b.m,
	    &b.res), IPF_REPLACE);
	env_free(&a);
	env_free(&b);
}

/* ea on b's side, only the ESP of it from a: nothing gets through. */
ATF_TC_WITHOUT_HEAD(bundle_enforced);
ATF_TC_BODY(bundle_enforced, tc)
{
	struct env		a, b;
	struct ipf_tunnel	t;
	uint8_t			pkt[200];
	size_t			len;

	env_init(&a, 4, 1);
	env_init(&b, 4, 1);
	tunnel(&t, 4, IPF_TP_E, IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 0,
	    test_keys);
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	tunnel(&t, 4, IPF_TP_EA, IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 1,
	    test_keys);
	ATF_REQUIRE_EQ(ipf_tunnel_add(b.ipf, &t, 1000), IPF_TE_OK);
	len = udp_pkt(4, pkt, 10);
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
	    IPF_REPLACE);
	ATF_REQUIRE_EQ(ipf_input(b.ipf, a.res.res_buf, a.res.res_len, &b.m,
	    &b.res), IPF_DROP);
	ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_POLICY);
	env_free(&a);
	env_free(&b);
}

/* Lifetime in minutes from install, against m_now. */
ATF_TC_WITHOUT_HEAD(lifetime);
ATF_TC_BODY(lifetime, tc)
{
	struct env		a;
	struct ipf_tunnel	t;
	struct ipf_stats	st;
	uint8_t			pkt[200];
	uint64_t		exp;
	size_t			len;

	env_init(&a, 4, 1);
	tunnel(&t, 4, IPF_TP_AE, IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 0,
	    test_keys);
	t.tn_life = 2;
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	len = udp_pkt(4, pkt, 10);
	a.m.m_now = 1000 + 119;
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
	    IPF_REPLACE);
	a.m.m_now = 1000 + 120;
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res), IPF_DROP);
	ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_NOSA);
	ipf_stats_get(a.ipf, &st);
	ATF_REQUIRE_EQ(st.st_sa_added, 4);
	ATF_REQUIRE_EQ(st.st_sa_expired, 4);
	ATF_REQUIRE_EQ(a.ev[IPF_TEV_EXPIRED], 1);
	ATF_REQUIRE_EQ(a.last.te_tunnel, 1);
	/* The outbound SPIs, AH inside ESP for ae. */
	ATF_REQUIRE_EQ(a.last.te_spi, 1000);
	ATF_REQUIRE_EQ(a.last.te_ahspi, 2000);
	ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, 4, 1), -1);
	/* The tid is free again. */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 2000), IPF_TE_OK);
	/* ipf_expire() needs no packet to find it; nor ipf_tunnel_expire(). */
	ATF_REQUIRE_EQ(ipf_tunnel_expire(a.ipf, 4, 1, 2000 + 119, &exp), 0);
	ATF_REQUIRE_EQ(exp, 2000 + 120);
	ipf_expire(a.ipf, 2000 + 119);
	ATF_REQUIRE_EQ(a.ev[IPF_TEV_EXPIRED], 1);
	ATF_REQUIRE_EQ(ipf_tunnel_expire(a.ipf, 4, 1, 2000 + 120, &exp), -1);
	ipf_expire(a.ipf, 2000 + 120);
	ATF_REQUIRE_EQ(a.ev[IPF_TEV_EXPIRED], 2);
	ipf_stats_get(a.ipf, &st);
	ATF_REQUIRE_EQ(st.st_sa_expired, 8);
	ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, 4, 1), -1);
	env_free(&a);
}

/* The host's sequence number: counters start after it (nonce rule). */
ATF_TC_WITHOUT_HEAD(seq_start);
ATF_TC_BODY(seq_start, tc)
{
	struct env		a;
	struct ipf_tunnel	t;
	uint8_t			pkt[200];
	uint64_t		seq;
	size_t			len;

	env_init(&a, 4, 1);
	tunnel(&t, 4, IPF_TP_E, IPF_ALG_AES_GCM_16_128, IPF_ALG_NONE, 0,
	    test_keys);
	t.tn_seq = 0x12345;
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	len = udp_pkt(4, pkt, 10);
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
	    IPF_REPLACE);
	/* ESP header after the outer IPv4 header: SPI, then seq. */
	ATF_REQUIRE_EQ(a.res.res_buf[20 + 3], 1000 & 0xff);
	ATF_REQUIRE_EQ(a.res.res_buf[20 + 6], 0x23);
	ATF_REQUIRE_EQ(a.res.res_buf[20 + 7], 0x46);
	ATF_REQUIRE_EQ(ipf_tunnel_seq(a.ipf, 4, 1, &seq), 0);
	ATF_REQUIRE_EQ(seq, 0x12346);
	ATF_REQUIRE_EQ(ipf_tunnel_seq(a.ipf, 4, 2, &seq), -1);
	/* Without ESN a counter at 2^32 - 1 is spent: drop, no-sa. */
	ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, 4, 1), 0);
	t.tn_seq = UINT32_MAX;
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res), IPF_DROP);
	ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_NOSA);
	env_free(&a);
}

/* RFC 1071, written out again here so the test does not trust cksum.c. */
static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

/* Whether the TCP checksum of the IP packet b (no extension headers) holds. */
static int
tcp_sum_ok(const uint8_t *b, size_t len)
{
	size_t		hl = b[0] >> 4 == 4 ? (size_t)(b[0] & 0x0f) * 4 : 40;
	uint32_t	ps;

	ps = b[0] >> 4 == 4 ? sum16(b + 12, 8, 0) : sum16(b + 8, 32, 0);
	ps += 6 + (uint32_t)(len - hl);
	return (sum16(b + hl, len - hl, ps) == 0xffff);
}

/* Set or clear an IPv4 packet's DF bit, fixing its header checksum. */
static void
df4(uint8_t *b, int df)
{
	uint16_t	cks;

	b[6] = df ? 0x40 : 0;
	b[10] = b[11] = 0;
	cks = (uint16_t)~sum16(b, 20, 0);
	b[10] = (uint8_t)(cks >> 8);
	b[11] = (uint8_t)cks;
}

/*
 * A TCP segment from a to b with a 12-byte option block (timestamps)
 * and n payload bytes, seq 1000, flags as given, checksum right unless
 * partial, where it holds only the pseudo-header sum as an offloading
 * stack leaves it (Linux CHECKSUM_PARTIAL).
 */
static size_t
tcp_pkt(int ver, uint8_t *b, size_t n, uint8_t flags, int df, int partial)
{
	size_t		hl = ver == 4 ? 20 : 40, th = hl, len = hl + 32 + n, i;
	uint16_t	cks;

	memset(b, 0, hl + 32);
	if (ver == 4) {
		b[0] = 0x45;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		b[4] = 0x12;			/* id 0x1234 */
		b[5] = 0x34;
		b[8] = 64;
		b[9] = 6;
		ATF_REQUIRE(inet_pton(AF_INET, a4, b + 12) == 1);
		ATF_REQUIRE(inet_pton(AF_INET, b4, b + 16) == 1);
		df4(b, df);
	} else {
		b[0] = 0x60;
		b[4] = (uint8_t)((len - 40) >> 8);
		b[5] = (uint8_t)(len - 40);
		b[6] = 6;
		b[7] = 64;
		ATF_REQUIRE(inet_pton(AF_INET6, a6, b + 8) == 1);
		ATF_REQUIRE(inet_pton(AF_INET6, b6, b + 24) == 1);
	}
	b[th + 1] = 80;
	b[th + 3] = 99;
	b[th + 4] = 0; b[th + 5] = 0; b[th + 6] = 0x03; b[th + 7] = 0xe8;
	b[th + 12] = 8 << 4;			/* 32-byte header */
	b[th + 13] = flags;
	b[th + 15] = 0xff;			/* window */
	b[th + 20] = 1; b[th + 21] = 1; b[th + 22] = 8; b[th + 23] = 10;
	for (i = 0; i < n; i++)
		b[th + 32 + i] = (uint8_t)(i * 13 + i / 251);
	/* The pseudo-header sum, not complemented: what offload finishes. */
	cks = ver == 4 ? sum16(b + 12, 8, 0) : sum16(b + 8, 32, 0);
	cks = sum16(NULL, 0, (uint32_t)cks + 6 + (uint32_t)(len - hl));
	if (!partial)
		cks = (uint16_t)~sum16(b + th, len - th, cks);
	b[th + 16] = (uint8_t)(cks >> 8);
	b[th + 17] = (uint8_t)cks;
	return (len);
}

/* Each IP packet of a multi-packet result, in turn: its length. */
static size_t
next_pkt(const uint8_t *b)
{
	return (b[0] >> 4 == 4 ? (size_t)(b[2] << 8 | b[3]) :
	    40 + (size_t)(b[4] << 8 | b[5]));
}

/*
 * m_mtu: what fits goes as one carrier of at most m_mtu bytes.  One byte
 * more, forwarded, is too big and res_mtu says exactly what fits, for
 * every policy, mode, family, encapsulation and cipher block; this
 * host's own packet and IPv4 without DF go whole in a carrier the host
 * may fragment.
 */
ATF_TC_WITHOUT_HEAD(mtu_fit);
ATF_TC_BODY(mtu_fit, tc)
{
	static const uint8_t	pols[] = { IPF_TP_E, IPF_TP_A, IPF_TP_EA,
	    IPF_TP_AE };
	static const int	ciphers[] = { IPF_ALG_AES_CBC_128,
	    IPF_ALG_AES_GCM_16_128, IPF_ALG_3DES_CBC, IPF_ALG_NULL };
	static const uint32_t	mtus[] = { 1500, 1497, 1280 };
	struct env		a, b;
	uint8_t			pkt[1600];
	size_t			len, fit, c, p, u;
	int			ver, mode, udp, proto;

	for (ver = 4; ver <= 6; ver += 2)
	for (mode = 0; mode < 2; mode++)
	for (p = 0; p < sizeof(pols); p++)
	for (udp = 0; udp < 2; udp++)
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
	for (u = 0; u < sizeof(mtus) / sizeof(mtus[0]); u++) {
		if ((udp && pols[p] != IPF_TP_E) ||
		    (pols[p] == IPF_TP_A && c > 0))
			continue;
		proto = udp ? 17 : (pols[p] == IPF_TP_E ||
		    pols[p] == IPF_TP_AE) ? 50 : 51;
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		pair(&a, &b, ver, pols[p], (uint8_t)mode,
		    udp ? IPF_TF_UDP : 0, ciphers[c]);
		a.m.m_mtu = mtus[u];
		a.m.m_local = 0;		/* a router: it reports */
		/* Too big (IPv6, or IPv4 with DF): the size that fits. */
		len = udp_pkt(ver, pkt, 1500);
		if (ver == 4)
			df4(pkt, 1);
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_TOOBIG);
		fit = a.res.res_mtu;
		ATF_REQUIRE(fit > 1000 && fit < mtus[u]);
		/* Exactly fit bytes: one carrier, within the MTU. */
		len = udp_pkt(ver, pkt, fit - (ver == 4 ? 28 : 48));
		ATF_REQUIRE_EQ(len, fit);
		if (ver == 4)
			df4(pkt, 1);
		roundtrip(&a, &b, pkt, len, (uint8_t)proto);
		ATF_REQUIRE_MSG(a.res.res_len <= mtus[u], "%zu > %u",
		    a.res.res_len, mtus[u]);
		ATF_REQUIRE_EQ(a.res.res_npkts, 1);
		/* One byte more: too big, the same fit again. */
		len = udp_pkt(ver, pkt, fit + 1 - (ver == 4 ? 28 : 48));
		if (ver == 4)
			df4(pkt, 1);
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_TOOBIG);
		ATF_REQUIRE_EQ(a.res.res_mtu, fit);
		/* This host's own: whole, the carrier without DF. */
		a.m.m_local = 1;
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		ATF_REQUIRE(a.res.res_len > mtus[u]);
		if (ver == 4) {
			ATF_REQUIRE_EQ(a.res.res_buf[6] & 0x40, 0);
			ATF_REQUIRE_EQ(sum16(a.res.res_buf, 20, 0), 0xffff);
		}
		ATF_REQUIRE_EQ(ipf_input(b.ipf, a.res.res_buf, a.res.res_len,
		    &b.m, &b.res), IPF_REPLACE);
		ATF_REQUIRE_EQ(b.res.res_len, len);
		/* Forwarded IPv4 without DF: whole too. */
		if (ver == 4) {
			a.m.m_local = 0;
			df4(pkt, 0);
			roundtrip(&a, &b, pkt, len, (uint8_t)proto);
			ATF_REQUIRE(a.res.res_len > mtus[u]);
		}
		env_free(&a);
		env_free(&b);
	}
}

/*
 * A TCP super-packet too big for the MTU is cut into segments that fit,
 * each its own carrier: the peer gets segments with consecutive sequence
 * numbers, right checksums and lengths, FIN and PSH on the last only,
 * whose payloads make the original one; one rule hit, one packet.
 */
ATF_TC_WITHOUT_HEAD(tcp_segments);
ATF_TC_BODY(tcp_segments, tc)
{
	static uint8_t		pkt[65535], got[65535];
	struct env		a, b;
	struct ipf_rulestat	rs[3];
	struct ipf_stats	st;
	const uint8_t		*w;
	size_t			len, n, i, off, wl, hl, plen, want;
	uint32_t		seq;
	int			ver, mode, partial;

	for (ver = 4; ver <= 6; ver += 2)
	for (mode = 0; mode < 2; mode++)
	for (partial = 0; partial < 2; partial++) {
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		pair(&a, &b, ver, IPF_TP_E, (uint8_t)mode, 0,
		    IPF_ALG_AES_GCM_16_128);
		a.m.m_mtu = 1500;
		a.m.m_flags = partial ? IPF_MF_CSUM : 0;
		hl = ver == 4 ? 20 : 40;
		plen = 60000 - hl;
		len = tcp_pkt(ver, pkt, plen, 0x19, 1, partial);  /* FIN PSH ACK */
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_ENCAP);
		n = a.res.res_npkts;
		ATF_REQUIRE(n > 40 && n < 50);
		w = a.res.res_buf;
		seq = 1000;
		want = 0;
		for (i = 0, off = 0; i < n; i++, off += wl) {
			wl = next_pkt(w + off);
			ATF_REQUIRE(off + wl <= a.res.res_len);
			ATF_REQUIRE_MSG(wl <= 1500, "carrier %zu: %zu", i, wl);
			ATF_REQUIRE_EQ(ipf_input(b.ipf, w + off, wl, &b.m,
			    &b.res), IPF_REPLACE);
			ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_DECAP);
			ATF_REQUIRE_EQ(b.res.res_len,
			    next_pkt(b.res.res_buf));
			ATF_REQUIRE_MSG(tcp_sum_ok(b.res.res_buf,
			    b.res.res_len), "segment %zu checksum", i);
			ATF_REQUIRE_EQ((uint32_t)b.res.res_buf[hl + 4] << 24 |
			    (uint32_t)b.res.res_buf[hl + 5] << 16 |
			    (uint32_t)b.res.res_buf[hl + 6] << 8 |
			    b.res.res_buf[hl + 7], seq);
			ATF_REQUIRE_EQ(b.res.res_buf[hl + 13],
			    i + 1 == n ? 0x19 : 0x10);
			if (ver == 4) {
				ATF_REQUIRE_EQ(sum16(b.res.res_buf, 20, 0),
				    0xffff);
				ATF_REQUIRE_EQ(b.res.res_buf[4] << 8 |
				    b.res.res_buf[5], 0x1234 + (int)i);
			}
			/* Headers as sent but for length, seq, flags, sums. */
			ATF_REQUIRE(memcmp(b.res.res_buf + hl + 18,
			    pkt + hl + 18, 14) == 0);
			memcpy(got + want, b.res.res_buf + hl + 32,
			    b.res.res_len - hl - 32);
			want += b.res.res_len - hl - 32;
			seq += (uint32_t)(b.res.res_len - hl - 32);
		}
		ATF_REQUIRE_EQ(off, a.res.res_len);
		ATF_REQUIRE_EQ(want, plen);
		ATF_REQUIRE(memcmp(got, pkt + hl + 32, plen) == 0);
		/* The rule saw one packet of len bytes; the SA n of them. */
		ATF_REQUIRE(ipf_rulestats(a.ipf, ver, 0, rs, 3, 1000) >= 1);
		ATF_REQUIRE_EQ(rs[0].rs_packets, 1);
		ATF_REQUIRE_EQ(rs[0].rs_bytes, len);
		ipf_stats_get(a.ipf, &st);
		ATF_REQUIRE_EQ(st.st_out, 1);
		ATF_REQUIRE_EQ(st.st_out_esp, n);
		/* Without room for all of them: too big, nothing half sent. */
		a.res.res_cap = 3000;
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_DROP);
		ATF_REQUIRE_EQ(a.res.res_reason, IPF_R_TOOBIG);
		env_free(&a);
		env_free(&b);
	}
}

/*
 * IPF_MF_CSUM: the checksum an offloading stack left unfinished is
 * finished before sealing; without the flag the bytes go as they are.
 */
ATF_TC_WITHOUT_HEAD(csum_offload);
ATF_TC_BODY(csum_offload, tc)
{
	struct env	a, b;
	uint8_t		pkt[400];
	size_t		len;
	int		ver;

	for (ver = 4; ver <= 6; ver += 2) {
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		pair(&a, &b, ver, IPF_TP_E, IPF_TM_TRANSPORT, 0,
		    IPF_ALG_AES_CBC_128);
		len = tcp_pkt(ver, pkt, 100, 0x18, 1, 1);
		ATF_REQUIRE(!tcp_sum_ok(pkt, len));
		roundtrip(&a, &b, pkt, len, 50);	/* as it was */
		ATF_REQUIRE(!tcp_sum_ok(b.res.res_buf, b.res.res_len));
		a.m.m_flags = IPF_MF_CSUM;
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		ATF_REQUIRE_EQ(ipf_input(b.ipf, a.res.res_buf, a.res.res_len,
		    &b.m, &b.res), IPF_REPLACE);
		ATF_REQUIRE(tcp_sum_ok(b.res.res_buf, b.res.res_len));
		/* Only the checksum differs from what was handed in. */
		ATF_REQUIRE(memcmp(b.res.res_buf, pkt, (ver == 4 ? 20 : 40) +
		    16) == 0);
		ATF_REQUIRE(memcmp(b.res.res_buf + (ver == 4 ? 20 : 40) + 18,
		    pkt + (ver == 4 ? 20 : 40) + 18, len - (ver == 4 ? 20 :
		    40) - 18) == 0);
		env_free(&a);
		env_free(&b);
	}
}

/*
 * IPv6 neighbor discovery between the endpoints is never sealed, and in
 * clear it is no policy violation: it only works from the link itself
 * (RFC 4861 7.1.1).  An echo request is sealed as ever.
 */
ATF_TC_WITHOUT_HEAD(onlink6);
ATF_TC_BODY(onlink6, tc)
{
	static const uint8_t	types[] = { 133, 134, 135, 136, 137, 143,
	    130, 128 };
	struct env		a, b;
	uint8_t			pkt[64];
	size_t			i, len = 40 + 24;

	env_init(&a, 6, 1);
	env_init(&b, 6, 1);
	pair(&a, &b, 6, IPF_TP_E, IPF_TM_TRANSPORT, 0, IPF_ALG_AES_GCM_16_128);
	for (i = 0; i < sizeof(types); i++) {
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = 0x60;
		pkt[5] = 24;
		pkt[6] = 58;
		pkt[7] = 255;
		ATF_REQUIRE(inet_pton(AF_INET6, a6, pkt + 8) == 1);
		ATF_REQUIRE(inet_pton(AF_INET6, b6, pkt + 24) == 1);
		pkt[40] = types[i];
		if (types[i] == 128) {
			roundtrip(&a, &b, pkt, len, 50);
			ATF_REQUIRE_EQ(ipf_input(b.ipf, pkt, len, &b.m,
			    &b.res), IPF_DROP);
			ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_POLICY);
			continue;
		}
		ATF_REQUIRE_EQ_MSG(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_PASS, "type %u sealed", types[i]);
		ATF_REQUIRE_EQ(a.res.res_pkt.pr_rule, 1);
		ATF_REQUIRE_EQ_MSG(ipf_input(b.ipf, pkt, len, &b.m, &b.res),
		    IPF_PASS, "type %u refused", types[i]);
	}
	env_free(&a);
	env_free(&b);
}

static int
islocal_b4(void *arg, int ver, const union ipf_addr *a)
{
	union ipf_addr	b;

	(void)arg;
	addr(ver, b4, &b);
	return (ver == 4 && a->w[0] == b.w[0]);
}

/*
 * A gateway's tunnel: the inner packet is local or routed by its own
 * destination (m_islocal), not by the carrier's, which is always local.
 * b's rule 1 admits tunnel 1 for local traffic (the carrier), rule 2 for
 * routed traffic; the default denies.
 */
ATF_TC_WITHOUT_HEAD(inner_scope);
ATF_TC_BODY(inner_scope, tc)
{
	struct env	a, b;
	struct ipf_rule	r[3];
	uint8_t		pkt[200], wire[400];
	size_t		len, wlen, i, bad;
	int		cb;

	env_init(&a, 4, 1);
	env_init(&b, 4, 1);
	pair(&a, &b, 4, IPF_TP_E, IPF_TM_TUNNEL, 0, IPF_ALG_AES_GCM_16_128);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		r[i].r_ver = 4;
		r[i].r_srcroute = 1;
		r[i].r_dir = IPF_DIR_BOTH;
		r[i].r_action = IPF_ACT_PERMIT;
		r[i].r_tunnel = 1;
	}
	r[0].r_id = 1;
	r[0].r_scope = IPF_SCOPE_LOCAL;
	r[1].r_id = 2;
	r[1].r_scope = IPF_SCOPE_ROUTE;
	r[2].r_id = 0;
	r[2].r_action = IPF_ACT_DENY;
	r[2].r_tunnel = 0;
	r[2].r_scope = IPF_SCOPE_BOTH;
	ATF_REQUIRE(ipf_load(b.ipf, 4, r, 3, 1000, &bad) == IPF_CE_OK);
	for (cb = 0; cb < 2; cb++) {
		b.m.m_islocal = cb ? islocal_b4 : NULL;
		/* To b itself, then to 198.51.100.7 behind b. */
		for (i = 0; i < 2; i++) {
			len = udp_pkt(4, pkt, 20);
			if (i == 1) {
				ATF_REQUIRE(inet_pton(AF_INET, "198.51.100.7",
				    pkt + 16) == 1);
				pkt[10] = pkt[11] = 0;
				df4(pkt, 0);
			}
			ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m,
			    &a.res), IPF_REPLACE);
			wlen = a.res.res_len;
			memcpy(wire, a.res.res_buf, wlen);
			ATF_REQUIRE_EQ(ipf_input(b.ipf, wire, wlen, &b.m,
			    &b.res), IPF_REPLACE);
			ATF_REQUIRE_EQ(b.res.res_reason, IPF_R_DECAP);
			ATF_REQUIRE_EQ_MSG(b.res.res_pkt.pr_rule, i == 0 ? 1 : 2,
			    "cb %d packet %zu: rule %u", cb, i,
			    b.res.res_pkt.pr_rule);
			ATF_REQUIRE_EQ(b.res.res_pkt.pr_routed, i);
		}
	}
	env_free(&a);
	env_free(&b);
}

/*
 * Damaged carriers of every policy, mode and encapsulation: random bytes
 * changed, the packet cut anywhere.  Each is dropped with a reason,
 * decapsulated intact if a change left it authentic, or passed if it is
 * no longer of the loaded IP version; none crashes or reads past its end
 * (ASan).
 */
ATF_TC_WITHOUT_HEAD(garbage);
ATF_TC_BODY(garbage, tc)
{
	static const uint8_t	pols[] = { IPF_TP_E, IPF_TP_A, IPF_TP_EA,
	    IPF_TP_AE };
	struct env		a, b;
	struct ipf_stats	st;
	uint8_t			pkt[300], wire[400], *bad;
	size_t			len, wlen, n, i, k, cut;
	unsigned int		seed = 4303;
	int			ver, mode, udp, p;
	enum ipf_verdict	v;

	for (ver = 4; ver <= 6; ver += 2)
	for (mode = 0; mode < 2; mode++)
	for (p = 0; p < 4; p++)
	for (udp = 0; udp < 2; udp++) {
		if (udp && pols[p] != IPF_TP_E)
			continue;
		env_init(&a, ver, 1);
		env_init(&b, ver, 1);
		pair(&a, &b, ver, pols[p], (uint8_t)mode,
		    udp ? IPF_TF_UDP : 0, IPF_ALG_AES_CBC_128);
		len = udp_pkt(ver, pkt, 40);
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		wlen = a.res.res_len;
		memcpy(wire, a.res.res_buf, wlen);
		for (n = 0; n < 300; n++) {
			cut = wlen - rand_r(&seed) % (n % 3 == 0 ? wlen : 1);
			/* An exact-size copy: ASan sees any overread. */
			ATF_REQUIRE((bad = malloc(cut + 1)) != NULL);
			memcpy(bad, wire, cut);
			for (k = rand_r(&seed) % 4; k > 0; k--) {
				i = (size_t)rand_r(&seed) % cut;
				bad[i] = (uint8_t)rand_r(&seed);
			}
			v = ipf_input(b.ipf, bad, cut, &b.m, &b.res);
			/* A new version nibble: no table, passed as is. */
			ATF_REQUIRE(v == IPF_DROP || (v == IPF_REPLACE &&
			    b.res.res_len == len &&
			    memcmp(b.res.res_buf, pkt, len) == 0) ||
			    (v == IPF_PASS && bad[0] >> 4 != ver));
			free(bad);
		}
		ipf_stats_get(b.ipf, &st);
		ATF_REQUIRE_EQ(st.st_in, 300);
		env_free(&a);
		env_free(&b);
	}
}

/*
 * CBC IVs are unpredictable and never repeat (RFC 3602 2.4): 600 packets,
 * more than two refills of the random pool, 600 different IVs.
 */
ATF_TC_WITHOUT_HEAD(cbc_iv);
ATF_TC_BODY(cbc_iv, tc)
{
	static uint8_t		ivs[600][16];
	struct env		a;
	struct ipf_tunnel	t;
	uint8_t			pkt[200];
	size_t			len, i, j;

	env_init(&a, 4, 1);
	tunnel(&t, 4, IPF_TP_E, IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 0,
	    test_keys);
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	len = udp_pkt(4, pkt, 10);
	for (i = 0; i < 600; i++) {
		ATF_REQUIRE_EQ(ipf_output(a.ipf, pkt, len, &a.m, &a.res),
		    IPF_REPLACE);
		memcpy(ivs[i], a.res.res_buf + 20 + 8, 16);
		for (j = 0; j < i; j++)
			ATF_REQUIRE(memcmp(ivs[i], ivs[j], 16) != 0);
	}
	env_free(&a);
}

/* Install is all or nothing; inbound SPIs are unique per address. */
ATF_TC_WITHOUT_HEAD(install);
ATF_TC_BODY(install, tc)
{
	struct env		a;
	struct ipf_tunnel	t;
	struct ipf_stats	st;
	uint32_t		i;

	env_init(&a, 4, 1);
	tunnel(&t, 4, IPF_TP_AE, IPF_ALG_AES_CBC_128, IPF_ALG_HMAC_SHA, 0,
	    test_keys);
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_EXISTS);
	t.tn_id = 2;
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_SPI);
	t.tn_in.sd_espspi = 5000;	/* the AH SPI still collides */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_SPI);
	t.tn_in.sd_ahspi = 5001;
	t.tn_in.sd_enckeylen = 15;
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_KEYLEN);
	t.tn_in.sd_enckeylen = 16;
	t.tn_in.sd_espauth = IPF_ALG_NONE;	/* CBC needs integrity */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_ALG);
	t.tn_in.sd_espauth = IPF_ALG_HMAC_SHA;
	t.tn_in.sd_ahauth = IPF_ALG_AES_CBC_128;	/* AH needs a MAC */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_ALG);
	t.tn_in.sd_ahauth = IPF_ALG_HMAC_SHA256;
	t.tn_flags |= IPF_TF_UDP;		/* UDP needs policy e */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_FIELD);
	t.tn_flags &= (uint8_t)~IPF_TF_UDP;
	t.tn_in.sd_espspi = 255;		/* RFC 4303 2.1: reserved */
	ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_FIELD);
	ipf_stats_get(a.ipf, &st);
	ATF_REQUIRE_EQ(st.st_sa_added, 4);	/* the failures added none */

	/* Many tunnels: the tables grow, every tunnel stays findable. */
	for (i = 2; i <= 3000; i++) {
		t.tn_id = i;
		t.tn_in.sd_espspi = 10000 + i;
		t.tn_in.sd_ahspi = 20000 + i;
		ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000), IPF_TE_OK);
	}
	for (i = 2; i <= 3000; i += 2)
		ATF_REQUIRE_EQ(ipf_tunnel_remove(a.ipf, 4, i), 0);
	for (i = 2; i <= 3000; i++) {
		t.tn_id = i;
		t.tn_in.sd_espspi = 10000 + i;
		t.tn_in.sd_ahspi = 20000 + i;
		ATF_REQUIRE_EQ(ipf_tunnel_add(a.ipf, &t, 1000),
		    i % 2 ? IPF_TE_EXISTS : IPF_TE_OK);
	}
	ipf_stats_get(a.ipf, &st);
	ATF_REQUIRE_EQ(st.st_sa_added, 4 * (1 + 2999 + 1500));
	ATF_REQUIRE_EQ(st.st_sa_deleted, 4 * 1500);
	ATF_REQUIRE(ipf_sad_bytes(a.ipf) > 0);
	env_free(&a);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, matrix);
	ATF_TP_ADD_TC(tp, drops);
	ATF_TP_ADD_TC(tp, inner_policy);
	ATF_TP_ADD_TC(tp, bundle_enforced);
	ATF_TP_ADD_TC(tp, lifetime);
	ATF_TP_ADD_TC(tp, seq_start);
	ATF_TP_ADD_TC(tp, garbage);
	ATF_TP_ADD_TC(tp, cbc_iv);
	ATF_TP_ADD_TC(tp, install);
	ATF_TP_ADD_TC(tp, mtu_fit);
	ATF_TP_ADD_TC(tp, tcp_segments);
	ATF_TP_ADD_TC(tp, csum_offload);
	ATF_TP_ADD_TC(tp, onlink6);
	ATF_TP_ADD_TC(tp, inner_scope);
	return (atf_no_error());
}
