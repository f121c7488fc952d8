/*
 * cksum.c: the Internet checksum, RFC 1071.
 */
#include <stddef.h>
#include <string.h>

#include "cksum.h"
#include "ipsec_wire.h"

#define CKSUM_TCPOFF	16		/* RFC 793: checksum in the header */
#define CKSUM_UDPOFF	6		/* RFC 768 */

/*
 * RFC 1071 2(B), 2(C): the sum is the same whatever the word size, and
 * summing in the host's byte order gives the byte-swapped sum.  So add
 * 8 bytes at a time as two 32-bit halves into 64 bits (no carry is lost
 * below 2^31 words), fold, and turn the 16-bit result into network
 * order once.  On the path of every segment the engine cuts.
 */
uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t	acc = 0, w;
	uint16_t	h;
	uint8_t		b[2] = { 0, 0 };
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		acc += (w & 0xffffffff) + (w >> 32);
	}
	for (; i + 2 <= len; i += 2) {
		memcpy(&h, p + i, sizeof(h));
		acc += h;
	}
	if (i < len) {			/* the odd byte, zero after it */
		b[0] = p[i];
		memcpy(&h, b, sizeof(h));
		acc += h;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	h = (uint16_t)acc;
	memcpy(b, &h, sizeof(h));	/* host order to network order */
	return (sum + (uint32_t)(b[0] << 8 | b[1]));
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
