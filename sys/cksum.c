/*
 * cksum.c: the Internet checksum, RFC 1071.
 */
#include <stddef.h>

#include "cksum.h"
#include "ipsec_wire.h"

#define CKSUM_TCPOFF	16		/* RFC 793: checksum in the header */
#define CKSUM_UDPOFF	6		/* RFC 768 */

/*
 * RFC 1071 2(B): the sum is the same whatever the word size, so add
 * 32-bit words into 64 bits (no carry is lost for any IP packet) and
 * fold once at the end.
 */
uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t	acc = sum;
	size_t		i;

	for (i = 0; i + 4 <= len; i += 4)
		acc += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
		    (uint32_t)p[i + 2] << 8 | p[i + 3];
	if (len - i >= 2) {
		acc += (uint32_t)p[i] << 8 | p[i + 1];
		i += 2;
	}
	if (i < len)
		acc += (uint32_t)p[i] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return ((uint32_t)acc);
}

uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

uint32_t
cksum_pseudo(const uint8_t *pkt, uint8_t proto, size_t l4len)
{
	uint32_t	sum;

	if (pkt[0] >> 4 == 4)
		sum = cksum_add(0, pkt + 12, 8);	/* source, destination */
	else
		sum = cksum_add(0, pkt + 8, 32);
	return (sum + proto + (uint32_t)l4len);
}

void
cksum_l4(uint8_t *pkt, size_t len, size_t l4off, uint8_t proto)
{
	size_t		at;
	uint32_t	sum;
	uint16_t	cks;

	if (proto == IPW_PROTO_TCP)
		at = l4off + CKSUM_TCPOFF;
	else if (proto == IPW_PROTO_UDP)
		at = l4off + CKSUM_UDPOFF;
	else
		return;
	if (at + 2 > len)
		return;
	pkt[at] = pkt[at + 1] = 0;
	sum = cksum_pseudo(pkt, proto, len - l4off);
	cks = cksum_fold(cksum_add(sum, pkt + l4off, len - l4off));
	if (cks == 0 && proto == IPW_PROTO_UDP)
		cks = 0xffff;
	pkt[at] = (uint8_t)(cks >> 8);
	pkt[at + 1] = (uint8_t)cks;
}
