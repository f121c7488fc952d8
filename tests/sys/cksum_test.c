/*
 * cksum_test.c: sys/cksum.c against RFC 1071 written out plainly, 16 bits
 * at a time, for every length from 0 to 300 at every alignment, a whole
 * 64 KB packet, the all-ones bytes whose carries pile up, and RFC 1071's
 * own example; then cksum_l4() on a UDP datagram, and on one whose
 * checksum computes to zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "cksum.h"

static uint16_t
plain(const uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

ATF_TC_WITHOUT_HEAD(against_plain);
ATF_TC_BODY(against_plain, tc)
{
	static uint8_t	buf[65536 + 8];
	size_t		i, len, off;
	uint32_t	seed = 12345;

	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (uint8_t)(seed >> 16);
	}
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 300; len++)
			ATF_REQUIRE_EQ_MSG(cksum_fold(cksum_add(0, buf + off,
			    len)), plain(buf + off, len), "off %zu len %zu",
			    off, len);
	ATF_REQUIRE_EQ(cksum_fold(cksum_add(0, buf + 1, 65535)),
	    plain(buf + 1, 65535));
	memset(buf, 0xff, 65536);
	ATF_REQUIRE_EQ(cksum_fold(cksum_add(0, buf, 65536)),
	    plain(buf, 65536));
	/* A running sum goes on where it was. */
	ATF_REQUIRE_EQ(cksum_fold(cksum_add(cksum_add(0, buf, 1000),
	    buf + 1000, 3001)), plain(buf, 4001));
}

/* RFC 1071 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
ATF_TC_WITHOUT_HEAD(rfc1071);
ATF_TC_BODY(rfc1071, tc)
{
	static const uint8_t	ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	ATF_REQUIRE_EQ(cksum_fold(cksum_add(0, ex, sizeof(ex))),
	    (uint16_t)~0xddf2);
}

/* UDP's zero goes out as 0xffff (RFC 768); TCP's stays 0. */
ATF_TC_WITHOUT_HEAD(l4_zero);
ATF_TC_BODY(l4_zero, tc)
{
	uint8_t		p[28];
	uint16_t	sum;

	/* IPv4, 10.0.0.1 to 10.0.0.2, UDP 0 -> 0, eight bytes. */
	memset(p, 0, sizeof(p));
	p[0] = 0x45;
	p[3] = 28;
	p[9] = 17;
	p[12] = 10, p[15] = 1, p[16] = 10, p[19] = 2;
	p[25] = 8;
	cksum_l4(p, sizeof(p), 20, 17);
	sum = (uint16_t)(p[26] << 8 | p[27]);
	ATF_REQUIRE(sum != 0);
	/* Verifying: pseudo-header plus datagram sums to all ones. */
	ATF_REQUIRE_EQ(cksum_fold(cksum_add(cksum_pseudo(p, 17, 8), p + 20,
	    8)), 0);
	/*
	 * A destination port that cancels the rest of the sum: computed,
	 * the checksum is 0, which UDP sends as 0xffff.
	 */
	p[26] = p[27] = 0;
	sum = cksum_fold(cksum_add(cksum_pseudo(p, 17, 8), p + 20, 8));
	p[22] = (uint8_t)(sum >> 8);
	p[23] = (uint8_t)sum;
	cksum_l4(p, sizeof(p), 20, 17);
	ATF_REQUIRE_EQ(p[26] << 8 | p[27], 0xffff);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, against_plain);
	ATF_TP_ADD_TC(tp, rfc1071);
	ATF_TP_ADD_TC(tp, l4_zero);
	return (atf_no_error());
}
