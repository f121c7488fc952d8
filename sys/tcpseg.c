/*
 * tcpseg.c: software segmentation, as a NIC does TSO.  A host that hands
 * the engine its TCP super-packets (Linux GSO, up to 64 KB) expects them
 * cut into wire-sized segments after the hook; once ESP hides the TCP
 * header nobody can, so the engine cuts them before sealing, each to fit
 * the tunnel's path MTU.  Every segment has the super-packet's headers
 * with the sequence number advanced past the bytes before it, FIN and
 * PSH on the last segment only, CWR on the first only (RFC 3168 6.1.2),
 * its own IP length, IPv4 ID and checksums.
 */
#include <string.h>

#include "cksum.h"
#include "ipsec_wire.h"
#include "pkt.h"
#include "tcpseg.h"
#include "xform.h"

#define TCPSEG_SEQOFF	4		/* RFC 793 3.1 */
#define TCPSEG_FLAGOFF	13
#define TCPSEG_FIN	0x01
#define TCPSEG_PSH	0x08
#define TCPSEG_URG	0x20
#define TCPSEG_CWR	0x80
#define TCPSEG_IDOFF	4		/* RFC 791: identification */

int
tcpseg_able(const struct pkt_info *p)
{
	return (p->p_proto == IPW_PROTO_TCP &&
	    !(p->p_flags & (PKT_F_FRAG | PKT_F_SRCRT)) &&
	    !(p->p_buf[p->p_l4off + TCPSEG_FLAGOFF] & TCPSEG_URG));
}

size_t
tcpseg_mss(const struct pkt_info *p, size_t maxlen)
{
	return (maxlen > p->p_payoff ? maxlen - p->p_payoff : 0);
}

size_t
tcpseg_count(const struct pkt_info *p, size_t mss)
{
	if (p->p_paylen == 0)
		return (1);
	return ((p->p_paylen + mss - 1) / mss);
}

size_t
tcpseg_make(const struct pkt_info *p, size_t mss, size_t i, uint8_t *out)
{
	const uint8_t	*b = p->p_buf;
	size_t		 hl = p->p_payoff, th = p->p_l4off;
	size_t		 off = i * mss, n, len;
	uint8_t		 flags;

	n = p->p_paylen - off < mss ? p->p_paylen - off : mss;
	len = hl + n;
	memcpy(out, b, hl);
	memcpy(out + hl, b + hl + off, n);
	xform_put32(out + th + TCPSEG_SEQOFF,
	    xform_get32(b + th + TCPSEG_SEQOFF) + (uint32_t)off);
	flags = out[th + TCPSEG_FLAGOFF];
	if (off + n < p->p_paylen)
		flags &= ~(TCPSEG_FIN | TCPSEG_PSH);
	if (i > 0)
		flags &= ~TCPSEG_CWR;
	out[th + TCPSEG_FLAGOFF] = flags;
	if (p->p_ver == 4)
		xform_put16(out + TCPSEG_IDOFF,
		    (uint16_t)(xform_get16(b + TCPSEG_IDOFF) + i));
	xform_setlen(out, len);			/* and the IPv4 checksum */
	cksum_l4(out, len, th, IPW_PROTO_TCP);
	return (len);
}
