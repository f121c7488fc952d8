/*
 * pkt_test.c: the parser on hand-built IPv4 and IPv6 packets: the fields
 * it reads, and every kind of malformed packet it must refuse with its
 * reason (and, through ipf_input(), count) without reading out of bounds.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "ipf.h"
#include "pkt.h"

#define TOP	1500

struct pb {				/* a packet being built */
	uint8_t	b[TOP];
	size_t	len;
};

static void	put(struct pb *, const void *, size_t);
static void	put16(uint8_t *, uint16_t);
static void	ip4(struct pb *, uint8_t, const uint8_t *, size_t, uint16_t);
static void	ip4_done(struct pb *);
static void	ip6(struct pb *, uint8_t);
static void	ip6_done(struct pb *);
static void	ext(struct pb *, uint8_t, size_t);
static void	frag6(struct pb *, uint8_t, uint16_t, int);
static void	tcp(struct pb *, uint16_t, uint16_t, uint8_t, uint8_t);
static void	udp(struct pb *, uint16_t, uint16_t, size_t);
static void	icmp(struct pb *, uint8_t, uint8_t, size_t);
static int	parse(const struct pb *, size_t, struct pkt_info *,
		    enum ipf_perr *);
static void	bad(const struct pb *, enum ipf_perr, const char *);

static void
put(struct pb *p, const void *v, size_t n)
{
	ATF_REQUIRE(p->len + n <= TOP);
	if (n == 0)
		return;
	memcpy(p->b + p->len, v, n);
	p->len += n;
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* IPv4 10.0.0.1 -> 10.0.0.2; the total length is set by ip4_done(). */
static void
ip4(struct pb *p, uint8_t proto, const uint8_t *opt, size_t optlen,
    uint16_t off)
{
	uint8_t	h[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 0, 0, 0,
	    10, 0, 0, 1, 10, 0, 0, 2 };

	memset(p, 0, sizeof(*p));
	h[0] = (uint8_t)(0x40 | (20 + optlen) / 4);
	h[9] = proto;
	put16(h + 6, off);
	put(p, h, sizeof(h));
	put(p, opt, optlen);
}

static void
ip4_done(struct pb *p)
{
	put16(p->b + 2, (uint16_t)p->len);
}

/* IPv6 2001:db8::1 -> 2001:db8::2; ip6_done() sets the payload length. */
static void
ip6(struct pb *p, uint8_t nxt)
{
	uint8_t	h[40] = { 0x60, 0, 0, 0, 0, 0, 0, 64 };

	memset(p, 0, sizeof(*p));
	h[6] = nxt;
	h[8] = 0x20;
	h[9] = 0x01;
	h[10] = 0x0d;
	h[11] = 0xb8;
	memcpy(h + 24, h + 8, 16);
	h[23] = 1;
	h[39] = 2;
	put(p, h, sizeof(h));
}

static void
ip6_done(struct pb *p)
{
	put16(p->b + 4, (uint16_t)(p->len - 40));
}

/* An options or routing header of n bytes (multiple of 8), padded. */
static void
ext(struct pb *p, uint8_t nxt, size_t n)
{
	uint8_t	h[256];

	memset(h, 0, sizeof(h));
	h[0] = nxt;
	h[1] = (uint8_t)(n / 8 - 1);
	if (n > 2) {			/* PadN over the rest */
		h[2] = 1;
		h[3] = (uint8_t)(n - 4);
	}
	put(p, h, n);
}

static void
frag6(struct pb *p, uint8_t nxt, uint16_t off, int more)
{
	uint8_t	h[8] = { 0, 0, 0, 0, 0, 0, 0, 7 };

	h[0] = nxt;
	put16(h + 2, (uint16_t)(off | (more ? 1 : 0)));
	put(p, h, sizeof(h));
}

static void
tcp(struct pb *p, uint16_t sp, uint16_t dp, uint8_t flags, uint8_t doff)
{
	uint8_t	h[20] = { 0 };

	put16(h, sp);
	put16(h + 2, dp);
	h[12] = (uint8_t)(doff << 4);
	h[13] = flags;
	put(p, h, sizeof(h));
}

static void
udp(struct pb *p, uint16_t sp, uint16_t dp, size_t ulen)
{
	uint8_t	h[8] = { 0 };

	put16(h, sp);
	put16(h + 2, dp);
	put16(h + 4, (uint16_t)ulen);
	put(p, h, sizeof(h));
}

static void
icmp(struct pb *p, uint8_t type, uint8_t code, size_t n)
{
	uint8_t	h[8] = { 0 };

	h[0] = type;
	h[1] = code;
	put(p, h, n);
}

/* Parse the first n bytes from a copy of exactly n bytes (ASan sees it). */
static int
parse(const struct pb *p, size_t n, struct pkt_info *pi, enum ipf_perr *pe)
{
	uint8_t	*b;
	int	 rc;

	ATF_REQUIRE((b = malloc(n + 1)) != NULL);
	memcpy(b, p->b, n);
	rc = pkt_parse(pi, b, n, pe);
	if (rc == 0)
		ATF_CHECK(pi->p_payoff + pi->p_paylen <= n);
	free(b);
	return (rc);
}

static void
bad(const struct pb *p, enum ipf_perr want, const char *what)
{
	struct pkt_info	pi;
	enum ipf_perr	pe = IPF_PE_MAX;

	ATF_CHECK_EQ_MSG(parse(p, p->len, &pi, &pe), -1, "%s: parsed", what);
	ATF_CHECK_EQ_MSG(pe, want, "%s: %s, want %s", what,
	    pe < IPF_PE_MAX ? ipf_perr_names[pe] : "none",
	    ipf_perr_names[want]);
}

ATF_TC_WITHOUT_HEAD(ip4_fields);
ATF_TC_BODY(ip4_fields, tc)
{
	struct pb	p;
	struct pkt_info	pi;
	enum ipf_perr	pe;

	ip4(&p, 6, NULL, 0, 0);
	tcp(&p, 12345, 23, 0x10, 5);
	put(&p, "hello", 5);
	ip4_done(&p);
	put(&p, "\0\0\0", 3);			/* link padding: ignored */
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_ver, 4);
	ATF_CHECK_EQ(pi.p_proto, 6);
	ATF_CHECK_EQ(pi.p_len, 45);
	ATF_CHECK_EQ(pi.p_sport, 12345);
	ATF_CHECK_EQ(pi.p_dport, 23);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_PORTS | PKT_F_TCPACK);
	ATF_CHECK_EQ(pi.p_src.w[0], htonl(0x0a000001));
	ATF_CHECK_EQ(pi.p_dst.w[0], htonl(0x0a000002));
	ATF_CHECK_EQ(pi.p_payoff, 40);
	ATF_CHECK_EQ(pi.p_paylen, 5);

	ip4(&p, 17, NULL, 0, 0);
	udp(&p, 53, 4500, 12);
	put(&p, "abcd", 4);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_sport, 53);
	ATF_CHECK_EQ(pi.p_dport, 4500);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_PORTS);
	ATF_CHECK_EQ(pi.p_paylen, 4);

	ip4(&p, 1, NULL, 0, 0);
	icmp(&p, 8, 0, 8);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_ICMP);
	ATF_CHECK_EQ(pi.p_sport, 8);
	ATF_CHECK_EQ(pi.p_dport, 0);

	ip4(&p, 50, NULL, 0, 0);		/* ESP: no ports */
	put(&p, "\0\0\1\0\0\0\0\1", 8);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_proto, 50);
	ATF_CHECK_EQ(pi.p_flags, 0);
}

ATF_TC_WITHOUT_HEAD(ip4_options);
ATF_TC_BODY(ip4_options, tc)
{
	/* NOP, LSRR with one hop, EOL. */
	static const uint8_t	lsrr[8] = { 1, 131, 7, 4, 10, 0, 0, 9 };
	static const uint8_t	ssrr[8] = { 137, 7, 4, 10, 0, 0, 9, 0 };
	static const uint8_t	rr[8] = { 7, 7, 4, 0, 0, 0, 0, 0 };
	static const uint8_t	zero[4] = { 68, 0, 0, 0 };
	static const uint8_t	over[4] = { 68, 5, 0, 0 };
	static const uint8_t	cut[4] = { 1, 1, 1, 68 };
	static const uint8_t	short_sr[4] = { 131, 2, 0, 0 };
	struct pb		p;
	struct pkt_info		pi;
	enum ipf_perr		pe;

	ip4(&p, 6, lsrr, 8, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK(pi.p_flags & PKT_F_SRCRT);
	ATF_CHECK_EQ(pi.p_dport, 2);

	ip4(&p, 6, ssrr, 8, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK(pi.p_flags & PKT_F_SRCRT);

	ip4(&p, 6, rr, 8, 0);			/* record route: not routing */
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_flags & PKT_F_SRCRT, 0);

	ip4(&p, 6, zero, 4, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	bad(&p, IPF_PE_OPTION, "option length 0");
	ip4(&p, 6, over, 4, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	bad(&p, IPF_PE_OPTION, "option past the header");
	ip4(&p, 6, cut, 4, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	bad(&p, IPF_PE_OPTION, "option without its length byte");
	ip4(&p, 6, short_sr, 4, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	bad(&p, IPF_PE_OPTION, "LSRR without a pointer");
}

ATF_TC_WITHOUT_HEAD(ip4_lengths);
ATF_TC_BODY(ip4_lengths, tc)
{
	struct pb	p;

	ip4(&p, 6, NULL, 0, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	p.b[0] = 0x44;
	bad(&p, IPF_PE_HDRLEN, "IHL 4");
	p.b[0] = 0x4f;
	bad(&p, IPF_PE_HDRLEN, "IHL past the packet");
	p.b[0] = 0x45;
	put16(p.b + 2, 19);
	bad(&p, IPF_PE_TOTLEN, "total length below the header");
	put16(p.b + 2, 41);
	bad(&p, IPF_PE_TOTLEN, "total length past the capture");
	put16(p.b + 2, 30);
	bad(&p, IPF_PE_SHORT, "TCP header cut by the total length");
	p.b[0] = 0x55;
	bad(&p, IPF_PE_VERSION, "version 5");

	ip4(&p, 6, NULL, 0, 0);
	tcp(&p, 1, 2, 0, 4);
	ip4_done(&p);
	bad(&p, IPF_PE_L4, "TCP data offset 4");
	ip4(&p, 6, NULL, 0, 0);
	tcp(&p, 1, 2, 0, 6);
	ip4_done(&p);
	bad(&p, IPF_PE_L4, "TCP data offset past the packet");
	ip4(&p, 17, NULL, 0, 0);
	udp(&p, 1, 2, 7);
	ip4_done(&p);
	bad(&p, IPF_PE_L4, "UDP length 7");
	ip4(&p, 17, NULL, 0, 0);
	udp(&p, 1, 2, 9);
	ip4_done(&p);
	bad(&p, IPF_PE_L4, "UDP length past the packet");
	ip4(&p, 1, NULL, 0, 0);
	icmp(&p, 8, 0, 4);
	ip4_done(&p);
	bad(&p, IPF_PE_SHORT, "ICMP header of 4 bytes");
}

/* Every prefix of a valid packet is refused, for what its length lacks. */
ATF_TC_WITHOUT_HEAD(ip4_truncations);
ATF_TC_BODY(ip4_truncations, tc)
{
	static const uint8_t	opt[4] = { 1, 1, 1, 0 };
	struct pb		p;
	struct pkt_info		pi;
	enum ipf_perr		pe, want;
	size_t			n;

	ip4(&p, 6, opt, 4, 0);
	tcp(&p, 1, 2, 0x10, 5);
	put(&p, "data", 4);
	ip4_done(&p);
	for (n = 0; n < p.len; n++) {
		want = n < 20 ? IPF_PE_SHORT : n < 24 ? IPF_PE_HDRLEN :
		    IPF_PE_TOTLEN;
		ATF_REQUIRE_EQ_MSG(parse(&p, n, &pi, &pe), -1, "%zu bytes", n);
		ATF_CHECK_EQ_MSG(pe, want, "%zu bytes: %s", n,
		    ipf_perr_names[pe]);
	}
	ATF_CHECK_EQ(parse(&p, n, &pi, &pe), 0);
}

ATF_TC_WITHOUT_HEAD(ip4_fragments);
ATF_TC_BODY(ip4_fragments, tc)
{
	struct pb	p;
	struct pkt_info	pi;
	enum ipf_perr	pe;

	ip4(&p, 6, NULL, 0, 0x2000);		/* first fragment */
	tcp(&p, 1000, 80, 0x02, 5);
	put(&p, "abcd", 4);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_FRAG | PKT_F_PORTS);
	ATF_CHECK_EQ(pi.p_dport, 80);

	ip4(&p, 6, NULL, 0, 3);			/* last, at 24 bytes */
	put(&p, "12345678", 8);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_FRAG | PKT_F_LATER);
	ATF_CHECK_EQ(pi.p_sport, 0);
	ATF_CHECK_EQ(pi.p_dport, 0);
	ATF_CHECK_EQ(pi.p_payoff, 20);

	ip4(&p, 17, NULL, 0, 0x2000);		/* UDP: length is the whole */
	udp(&p, 53, 53, 400);
	ip4_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_dport, 53);

	/* RFC 1858 3.1: ports and flags must be in the first fragment. */
	ip4(&p, 6, NULL, 0, 0x2000);
	put(&p, "\0\1\0\2\0\0\0\0", 8);
	ip4_done(&p);
	bad(&p, IPF_PE_FRAG, "tiny first TCP fragment");
	ip4(&p, 17, NULL, 0, 0x2000);
	ip4_done(&p);
	bad(&p, IPF_PE_FRAG, "empty first fragment");
	/* RFC 1858 3.2: TCP at offset 8 rewrites the flags. */
	ip4(&p, 6, NULL, 0, 1);
	put(&p, "12345678", 8);
	ip4_done(&p);
	bad(&p, IPF_PE_FRAG, "TCP fragment at offset 8");
	ip4(&p, 17, NULL, 0, 1);		/* UDP there is fine */
	put(&p, "12345678", 8);
	ip4_done(&p);
	ATF_CHECK_EQ(parse(&p, p.len, &pi, &pe), 0);
	ip4(&p, 17, NULL, 0, 0x2000 | 2);
	put(&p, "123456789", 9);
	ip4_done(&p);
	bad(&p, IPF_PE_FRAG, "more fragments, 9 bytes");
	ip4(&p, 17, NULL, 0, 0x1fff);
	put(&p, "123456789", 9);
	ip4_done(&p);
	bad(&p, IPF_PE_FRAG, "fragment ending past 65535");
}

ATF_TC_WITHOUT_HEAD(ip6_fields);
ATF_TC_BODY(ip6_fields, tc)
{
	struct pb	p;
	struct pkt_info	pi;
	enum ipf_perr	pe;

	ip6(&p, 6);
	tcp(&p, 40000, 443, 0x12, 5);
	put(&p, "xyz", 3);
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_ver, 6);
	ATF_CHECK_EQ(pi.p_len, 63);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_PORTS | PKT_F_TCPACK);
	ATF_CHECK_EQ(pi.p_dport, 443);
	ATF_CHECK_EQ(pi.p_src.b[15], 1);
	ATF_CHECK_EQ(pi.p_dst.b[15], 2);
	ATF_CHECK_EQ(pi.p_paylen, 3);

	/* Hop-by-hop, destination options, routing (done), fragment. */
	ip6(&p, 0);
	ext(&p, 60, 8);
	ext(&p, 43, 16);
	ext(&p, 44, 8);
	p.b[p.len - 8 + 3] = 0;			/* segments left 0 */
	frag6(&p, 17, 0, 1);
	udp(&p, 500, 500, 64);
	put(&p, "12345678", 8);
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_proto, 17);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_FRAG | PKT_F_PORTS);
	ATF_CHECK_EQ(pi.p_sport, 500);

	ip6(&p, 43);				/* routing, 1 segment left */
	ext(&p, 58, 24);
	p.b[40 + 3] = 1;
	icmp(&p, 128, 0, 8);
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_SRCRT | PKT_F_ICMP);
	ATF_CHECK_EQ(pi.p_sport, 128);

	ip6(&p, 44);				/* later fragment */
	frag6(&p, 6, 1480, 0);
	put(&p, "abc", 3);
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_proto, 6);
	ATF_CHECK_EQ(pi.p_flags, PKT_F_FRAG | PKT_F_LATER);
	ATF_CHECK_EQ(pi.p_dport, 0);

	ip6(&p, 60);				/* ESP after options: stop */
	ext(&p, 50, 8);
	put(&p, "\0\0\1\0\0\0\0\1", 8);
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_proto, 50);
	ATF_CHECK_EQ(pi.p_payoff, 48);

	ip6(&p, 59);				/* no next header */
	ip6_done(&p);
	ATF_REQUIRE_EQ(parse(&p, p.len, &pi, &pe), 0);
	ATF_CHECK_EQ(pi.p_proto, 59);
}

ATF_TC_WITHOUT_HEAD(ip6_chains);
ATF_TC_BODY(ip6_chains, tc)
{
	struct pb	p;
	struct pkt_info	pi;
	enum ipf_perr	pe;
	size_t		i;

	ip6(&p, 60);				/* 16 headers: the limit */
	for (i = 0; i < 16; i++)
		ext(&p, i == 15 ? 17 : 60, 8);
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	ATF_CHECK_EQ(parse(&p, p.len, &pi, &pe), 0);

	ip6(&p, 60);				/* 17: too long */
	for (i = 0; i < 17; i++)
		ext(&p, i == 16 ? 17 : 60, 8);
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	bad(&p, IPF_PE_EXTHDR, "17 extension headers");

	ip6(&p, 60);				/* a chain that never ends */
	for (i = 0; i < 150; i++)
		ext(&p, 60, 8);
	ip6_done(&p);
	bad(&p, IPF_PE_EXTHDR, "150 extension headers");

	ip6(&p, 60);
	ext(&p, 0, 8);
	ext(&p, 17, 8);
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	bad(&p, IPF_PE_EXTHDR, "hop-by-hop not first");

	ip6(&p, 60);
	ext(&p, 17, 16);
	p.len -= 8;				/* claims 16, has 8 */
	ip6_done(&p);
	bad(&p, IPF_PE_EXTHDR, "header past the payload");

	ip6(&p, 60);
	ext(&p, 17, 8);
	p.b[43] = 9;			/* PadN longer than the header */
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	bad(&p, IPF_PE_OPTION, "option TLV past its header");

	ip6(&p, 44);
	frag6(&p, 44, 0, 1);
	frag6(&p, 17, 0, 1);
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	bad(&p, IPF_PE_EXTHDR, "two fragment headers");

	/* RFC 7112: the whole chain must be in the first fragment. */
	ip6(&p, 44);
	frag6(&p, 60, 0, 1);
	ext(&p, 17, 16);
	p.len -= 8;
	ip6_done(&p);
	bad(&p, IPF_PE_FRAG, "chain cut by the first fragment");
	ip6(&p, 44);
	frag6(&p, 6, 0, 1);
	put(&p, "\0\1\0\2\0\0\0\0", 8);
	ip6_done(&p);
	bad(&p, IPF_PE_FRAG, "tiny first TCP fragment");
	ip6(&p, 44);
	frag6(&p, 17, 0, 1);
	put(&p, "\0\1\0\2\0\x20\0\0\1", 9);
	ip6_done(&p);
	bad(&p, IPF_PE_FRAG, "more fragments, 9 bytes");

	ip6(&p, 17);
	udp(&p, 1, 2, 8);
	ip6_done(&p);
	put16(p.b + 4, 9);
	bad(&p, IPF_PE_TOTLEN, "payload length past the capture");
}

ATF_TC_WITHOUT_HEAD(ip6_truncations);
ATF_TC_BODY(ip6_truncations, tc)
{
	struct pb	p;
	struct pkt_info	pi;
	enum ipf_perr	pe;
	size_t		n;

	ip6(&p, 0);
	ext(&p, 6, 8);
	tcp(&p, 1, 2, 0, 5);
	ip6_done(&p);
	for (n = 0; n < p.len; n++) {
		ATF_REQUIRE_EQ_MSG(parse(&p, n, &pi, &pe), -1, "%zu bytes", n);
		ATF_CHECK_EQ_MSG(pe, n < 40 ? IPF_PE_SHORT : IPF_PE_TOTLEN,
		    "%zu bytes: %s", n, ipf_perr_names[pe]);
	}
	/* The payload length agreeing with each cut: the headers run out. */
	for (n = 40; n < p.len; n++) {
		put16(p.b + 4, (uint16_t)(n - 40));
		ATF_REQUIRE_EQ_MSG(parse(&p, n, &pi, &pe), -1, "%zu bytes", n);
		ATF_CHECK_EQ_MSG(pe, n < 48 ? IPF_PE_EXTHDR : IPF_PE_SHORT,
		    "%zu bytes: %s", n, ipf_perr_names[pe]);
	}
}

/*
 * Malformed packets through the engine: dropped as malformed, counted by
 * reason, no rule named.
 */
ATF_TC_WITHOUT_HEAD(counted_drops);
ATF_TC_BODY(counted_drops, tc)
{
	struct ipf_rule		def;
	struct ipf_meta		m = { .m_ifname = "eth0", .m_local = 1 };
	struct ipf_result	res;
	struct ipf_stats	st;
	struct ipf		*ipf;
	struct pb		p;
	size_t			bad_idx;

	memset(&def, 0, sizeof(def));
	def.r_ver = 4;
	def.r_action = IPF_ACT_PERMIT;
	def.r_scope = IPF_SCOPE_BOTH;
	def.r_dir = IPF_DIR_BOTH;
	ATF_REQUIRE((ipf = ipf_create(NULL, NULL)) != NULL);
	ATF_REQUIRE_EQ(ipf_load(ipf, 4, &def, 1, 0, &bad_idx), IPF_CE_OK);
	ip4(&p, 6, NULL, 0, 0);
	tcp(&p, 1, 2, 0, 5);
	ip4_done(&p);
	ATF_CHECK_EQ(ipf_input(ipf, p.b, 30, &m, &res), IPF_DROP);
	ATF_CHECK_EQ(res.res_reason, IPF_R_MALFORMED);
	ATF_CHECK_EQ(res.res_perr, IPF_PE_TOTLEN);
	ATF_CHECK_EQ(res.res_pkt.pr_rule, IPF_RULE_NONE);
	ATF_CHECK_EQ(res.res_pkt.pr_permit, 0);
	ATF_CHECK_EQ(ipf_output(ipf, p.b, 10, &m, &res), IPF_DROP);
	ATF_CHECK_EQ(res.res_perr, IPF_PE_SHORT);
	ATF_CHECK_EQ(ipf_input(ipf, NULL, 0, &m, &res), IPF_DROP);
	ATF_CHECK_EQ(res.res_reason, IPF_R_MALFORMED);
	ATF_CHECK_EQ(res.res_perr, IPF_PE_SHORT);
	ATF_CHECK_EQ(ipf_output(ipf, NULL, 40, &m, &res), IPF_DROP);
	ATF_CHECK_EQ(res.res_perr, IPF_PE_SHORT);
	ATF_CHECK_EQ(ipf_input(ipf, p.b, p.len, NULL, NULL), IPF_PASS);
	p.b[0] = 0x55;
	ATF_CHECK_EQ(ipf_input(ipf, p.b, p.len, &m, &res), IPF_DROP);
	ATF_CHECK_EQ(res.res_perr, IPF_PE_VERSION);
	ipf_stats_get(ipf, &st);
	ATF_CHECK_EQ(st.st_perr[IPF_PE_TOTLEN], 1);
	ATF_CHECK_EQ(st.st_perr[IPF_PE_SHORT], 3);
	ATF_CHECK_EQ(st.st_perr[IPF_PE_VERSION], 1);
	ATF_CHECK_EQ(st.st_reason[IPF_R_MALFORMED], 5);
	ATF_CHECK_EQ(st.st_reason[IPF_R_PERMIT], 1);
	ATF_CHECK_EQ(st.st_in_drop, 3);
	ATF_CHECK_EQ(st.st_out_drop, 2);
	ipf_free(ipf);
}

/*
 * Random corruption of valid packets: whatever the parser decides, it
 * stays inside the buffer (ASan in make check SANITIZE=1) and what it
 * reports lies inside the packet.
 */
ATF_TC_WITHOUT_HEAD(mutations);
ATF_TC_BODY(mutations, tc)
{
	struct pb	t[4], p;
	struct pkt_info	pi;
	enum ipf_perr	pe;
	uint64_t	s = 88172645463325252ULL;
	size_t		i, j, n, ok = 0;

	ip4(&t[0], 6, (const uint8_t *)"\203\7\4\12\0\0\11\0", 8, 0x2000);
	tcp(&t[0], 1, 2, 0x10, 5);
	ip4_done(&t[0]);
	ip6(&t[1], 0);
	ext(&t[1], 43, 8);
	ext(&t[1], 44, 16);
	frag6(&t[1], 17, 0, 0);
	udp(&t[1], 1, 2, 8);
	ip6_done(&t[1]);
	ip6(&t[2], 60);
	ext(&t[2], 58, 8);
	icmp(&t[2], 1, 4, 8);
	ip6_done(&t[2]);
	ip4(&t[3], 1, NULL, 0, 0);
	icmp(&t[3], 3, 3, 8);
	ip4_done(&t[3]);
	for (i = 0; i < 40000; i++) {
		p = t[i % 4];
		for (j = 0; j < 1 + i % 3; j++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			p.b[s % p.len] = (uint8_t)(s >> 32);
		}
		n = p.len - (size_t)(s >> 40) % 3;
		if (parse(&p, n, &pi, &pe) == 0) {
			ok++;
			ATF_REQUIRE(pi.p_len <= n);
			ATF_REQUIRE(pi.p_payoff <= pi.p_len);
		} else
			ATF_REQUIRE(pe < IPF_PE_MAX);
	}
	ATF_CHECK(ok > 0 && ok < 40000);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ip4_fields);
	ATF_TP_ADD_TC(tp, ip4_options);
	ATF_TP_ADD_TC(tp, ip4_lengths);
	ATF_TP_ADD_TC(tp, ip4_truncations);
	ATF_TP_ADD_TC(tp, ip4_fragments);
	ATF_TP_ADD_TC(tp, ip6_fields);
	ATF_TP_ADD_TC(tp, ip6_chains);
	ATF_TP_ADD_TC(tp, ip6_truncations);
	ATF_TP_ADD_TC(tp, counted_drops);
	ATF_TP_ADD_TC(tp, mutations);
	return (atf_no_error());
}
