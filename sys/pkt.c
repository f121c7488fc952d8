/*
 * pkt.c: parse an IPv4 or IPv6 packet once into struct pkt_info.
 *
 * Every offset is checked against the bytes the IP header says the packet
 * has before anything is read, headers are memcpy()d into aligned locals,
 * and anything that does not add up is a malformed packet with a reason,
 * never a read past the buffer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "pkt.h"
#include "wire.h"

static int	pkt_ip4(struct pkt_info *, const uint8_t *, size_t,
		    enum ipf_perr *);
static int	pkt_ip4opts(struct pkt_info *, const uint8_t *, size_t);
static int	pkt_ip4frag(struct pkt_info *, uint16_t, size_t, size_t);
static int	pkt_ip6(struct pkt_info *, const uint8_t *, size_t,
		    enum ipf_perr *);
static int	pkt_ip6opts(const uint8_t *, size_t);
static int	pkt_ip6frag(struct pkt_info *, const uint8_t *, size_t,
		    size_t, uint8_t *, enum ipf_perr *);
static int	pkt_l4(struct pkt_info *, size_t, size_t, enum ipf_perr *);
static void	pkt_rest(struct pkt_info *, size_t, size_t);
static int	pkt_err(enum ipf_perr *, enum ipf_perr);

int
pkt_parse(struct pkt_info *p, const uint8_t *buf, size_t len,
    enum ipf_perr *perr)
{
	memset(p, 0, sizeof(*p));
	p->p_buf = buf;
	if (buf == NULL || len < 1)
		return (pkt_err(perr, IPF_PE_SHORT));
	switch (buf[0] >> 4) {
	case 4:
		return (pkt_ip4(p, buf, len, perr));
	case 6:
		return (pkt_ip6(p, buf, len, perr));
	default:
		return (pkt_err(perr, IPF_PE_VERSION));
	}
}

static int
pkt_ip4(struct pkt_info *p, const uint8_t *buf, size_t len,
    enum ipf_perr *perr)
{
	struct wire_ip4	ip;
	size_t		hl, tot;

	p->p_ver = 4;
	if (len < WIRE_IP4_LEN)
		return (pkt_err(perr, IPF_PE_SHORT));
	memcpy(&ip, buf, sizeof(ip));
	p->p_src.v4.s_addr = ip.ip4_src;
	p->p_dst.v4.s_addr = ip.ip4_dst;
	p->p_proto = ip.ip4_p;
	hl = (size_t)(ip.ip4_vhl & 0x0f) * 4;
	if (hl < WIRE_IP4_LEN || hl > len)
		return (pkt_err(perr, IPF_PE_HDRLEN));
	/*
	 * Captured bytes beyond the total length (link padding) are not
	 * part of the packet; fewer than it announces is a truncation.
	 */
	tot = ntohs(ip.ip4_len);
	if (tot < hl || tot > len)
		return (pkt_err(perr, IPF_PE_TOTLEN));
	p->p_len = (uint32_t)tot;
	if (pkt_ip4opts(p, buf + WIRE_IP4_LEN, hl - WIRE_IP4_LEN) == -1)
		return (pkt_err(perr, IPF_PE_OPTION));
	if (pkt_ip4frag(p, ntohs(ip.ip4_off), hl, tot) == -1)
		return (pkt_err(perr, IPF_PE_FRAG));
	if (p->p_flags & PKT_F_LATER) {
		pkt_rest(p, hl, tot);
		return (0);
	}
	return (pkt_l4(p, hl, tot, perr));
}

/*
 * RFC 791 3.1: EOL ends the list, NOP is one byte, every other option has
 * a length byte counting itself and the type.  Loose and strict source
 * routes (RFC 791 3.1, type 131 and 137) mark the packet source-routed.
 */
static int
pkt_ip4opts(struct pkt_info *p, const uint8_t *o, size_t n)
{
	size_t	i, ol;

	for (i = 0; i < n; i += ol) {
		if (o[i] == WIRE_IPOPT_EOL)
			break;
		if (o[i] == WIRE_IPOPT_NOP) {
			ol = 1;
			continue;
		}
		if (n - i < 2)
			return (-1);
		ol = o[i + 1];
		if (ol < 2 || ol > n - i)
			return (-1);
		if (o[i] == WIRE_IPOPT_LSRR || o[i] == WIRE_IPOPT_SSRR) {
			if (ol < WIRE_IPOPT_SRMIN)
				return (-1);
			p->p_flags |= PKT_F_SRCRT;
		}
	}
	return (0);
}

/*
 * Fragment checks, RFC 791 and RFC 1858.  A fragment may not end beyond
 * 65535 bytes, and every fragment but the last carries a non-empty
 * multiple of 8 bytes.  RFC 1858 3.2: a TCP fragment at offset 8 bytes can
 * only be meant to overwrite the first fragment's flags, so it is refused.
 */
static int
pkt_ip4frag(struct pkt_info *p, uint16_t off, size_t hl, size_t tot)
{
	size_t	foff, dlen;

	foff = (size_t)(off & WIRE_IP4_OFFMASK) * 8;
	if ((off & WIRE_IP4_MF) == 0 && foff == 0)
		return (0);
	p->p_flags |= PKT_F_FRAG;
	if (foff != 0)
		p->p_flags |= PKT_F_LATER;
	dlen = tot - hl;
	if (foff + dlen > WIRE_IP_MAXLEN)
		return (-1);
	if ((off & WIRE_IP4_MF) && (dlen == 0 || dlen % 8 != 0))
		return (-1);
	if (foff == 8 && p->p_proto == IPPROTO_TCP)
		return (-1);
	return (0);
}

static int
pkt_ip6(struct pkt_info *p, const uint8_t *buf, size_t len,
    enum ipf_perr *perr)
{
	struct wire_ip6		ip;
	struct wire_ip6ext	ext;
	struct wire_ip6rt	rt;
	size_t			off, end, elen;
	enum ipf_perr		overrun;
	uint8_t			nxt;
	int			n;

	p->p_ver = 6;
	if (len < WIRE_IP6_LEN)
		return (pkt_err(perr, IPF_PE_SHORT));
	memcpy(&ip, buf, sizeof(ip));
	memcpy(&p->p_src.v6, ip.ip6_src, sizeof(ip.ip6_src));
	memcpy(&p->p_dst.v6, ip.ip6_dst, sizeof(ip.ip6_dst));
	end = WIRE_IP6_LEN + (size_t)ntohs(ip.ip6_plen);
	if (end > len)
		return (pkt_err(perr, IPF_PE_TOTLEN));
	p->p_len = (uint32_t)end;
	nxt = ip.ip6_nxt;
	p->p_proto = nxt;
	off = WIRE_IP6_LEN;

	/*
	 * Walk the extension headers (RFC 8200 4) up to the upper layer,
	 * AH or ESP.  The chain is bounded, and a header that does not fit
	 * is malformed: in a first fragment it is a tiny fragment (RFC 7112
	 * 5: the whole chain must be in the first fragment).
	 */
	for (n = 0;; n++) {
		if (nxt != IPPROTO_HOPOPTS && nxt != IPPROTO_DSTOPTS &&
		    nxt != IPPROTO_ROUTING && nxt != IPPROTO_FRAGMENT)
			break;
		overrun = (p->p_flags & PKT_F_FRAG) ? IPF_PE_FRAG :
		    IPF_PE_EXTHDR;
		if (n == WIRE_IP6_MAXEXT)
			return (pkt_err(perr, IPF_PE_EXTHDR));
		/* RFC 8200 4.1: hop-by-hop only right after the header. */
		if (nxt == IPPROTO_HOPOPTS && n != 0)
			return (pkt_err(perr, IPF_PE_EXTHDR));
		if (nxt == IPPROTO_FRAGMENT) {
			if (pkt_ip6frag(p, buf, off, end, &nxt, perr) == -1)
				return (-1);
			off += WIRE_IP6FRAG_LEN;
			p->p_proto = nxt;
			if (p->p_flags & PKT_F_LATER) {
				pkt_rest(p, off, end);
				return (0);
			}
			continue;
		}
		if (end - off < sizeof(ext))
			return (pkt_err(perr, overrun));
		memcpy(&ext, buf + off, sizeof(ext));
		elen = ((size_t)ext.ext_len + 1) * WIRE_IP6EXT_UNIT;
		if (elen > end - off)
			return (pkt_err(perr, overrun));
		if (nxt == IPPROTO_ROUTING) {
			/* RFC 8200 4.4: segments left > 0 routes it on. */
			memcpy(&rt, buf + off, sizeof(rt));
			if (rt.rt_segleft > 0)
				p->p_flags |= PKT_F_SRCRT;
		} else if (pkt_ip6opts(buf + off + sizeof(ext),
		    elen - sizeof(ext)) == -1)
			return (pkt_err(perr, IPF_PE_OPTION));
		nxt = ext.ext_nxt;
		p->p_proto = nxt;
		off += elen;
	}
	if (nxt == IPPROTO_AH || nxt == IPPROTO_ESP || nxt == IPPROTO_NONE) {
		pkt_rest(p, off, end);
		return (0);
	}
	return (pkt_l4(p, off, end, perr));
}

/* RFC 8200 4.2: Pad1 is one byte, every other option is type, length, data. */
static int
pkt_ip6opts(const uint8_t *o, size_t n)
{
	size_t	i;

	for (i = 0; i < n;) {
		if (o[i] == WIRE_IP6OPT_PAD1) {
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] > n - i - 2)
			return (-1);
		i += 2 + (size_t)o[i + 1];
	}
	return (0);
}

/*
 * RFC 8200 4.5: one fragment header per packet, fixed 8 bytes; all but the
 * last fragment carry a non-empty multiple of 8 bytes, and the reassembled
 * packet may not pass 65535 bytes of fragmentable part.
 */
static int
pkt_ip6frag(struct pkt_info *p, const uint8_t *buf, size_t off, size_t end,
    uint8_t *nxt, enum ipf_perr *perr)
{
	struct wire_ip6frag	fh;
	size_t			foff, dlen;
	uint16_t		fo;

	if (p->p_flags & PKT_F_FRAG)
		return (pkt_err(perr, IPF_PE_EXTHDR));
	if (end - off < sizeof(fh))
		return (pkt_err(perr, IPF_PE_FRAG));
	memcpy(&fh, buf + off, sizeof(fh));
	fo = ntohs(fh.fr_off);
	foff = fo & WIRE_IP6FRAG_OFFMASK;
	dlen = end - off - sizeof(fh);
	p->p_flags |= PKT_F_FRAG;
	if (foff != 0)
		p->p_flags |= PKT_F_LATER;
	if (foff + dlen > WIRE_IP_MAXLEN)
		return (pkt_err(perr, IPF_PE_FRAG));
	if ((fo & WIRE_IP6FRAG_M) && (dlen == 0 || dlen % 8 != 0))
		return (pkt_err(perr, IPF_PE_FRAG));
	*nxt = fh.fr_nxt;
	return (0);
}

/*
 * The transport header, at off, with the packet ending at end.  In a first
 * fragment a header that does not fit is a tiny fragment (RFC 1858 3.1):
 * it would hide the ports and flags from the filter.
 */
static int
pkt_l4(struct pkt_info *p, size_t off, size_t end, enum ipf_perr *perr)
{
	struct wire_tcp		th;
	struct wire_udp		uh;
	struct wire_icmp	ic;
	enum ipf_perr		shrt;
	size_t			avail, hl, ulen;
	int			icmp;

	avail = end - off;
	shrt = (p->p_flags & PKT_F_FRAG) ? IPF_PE_FRAG : IPF_PE_SHORT;
	p->p_l4off = off;
	icmp = (p->p_ver == 4 && p->p_proto == IPPROTO_ICMP) ||
	    (p->p_ver == 6 && p->p_proto == IPPROTO_ICMPV6);
	if (p->p_proto == IPPROTO_TCP) {
		if (avail < WIRE_TCP_LEN)
			return (pkt_err(perr, shrt));
		memcpy(&th, p->p_buf + off, sizeof(th));
		hl = (size_t)(th.th_off >> 4) * 4;
		if (hl < WIRE_TCP_LEN || hl > avail)
			return (pkt_err(perr, IPF_PE_L4));
		p->p_sport = ntohs(th.th_sport);
		p->p_dport = ntohs(th.th_dport);
		p->p_flags |= PKT_F_PORTS;
		if (th.th_flags & WIRE_TCP_ACK)
			p->p_flags |= PKT_F_TCPACK;
		pkt_rest(p, off + hl, end);
	} else if (p->p_proto == IPPROTO_UDP) {
		if (avail < WIRE_UDP_LEN)
			return (pkt_err(perr, shrt));
		memcpy(&uh, p->p_buf + off, sizeof(uh));
		ulen = ntohs(uh.uh_len);
		/* A first fragment holds only part of the datagram. */
		if (ulen < WIRE_UDP_LEN ||
		    (ulen > avail && !(p->p_flags & PKT_F_FRAG)))
			return (pkt_err(perr, IPF_PE_L4));
		p->p_sport = ntohs(uh.uh_sport);
		p->p_dport = ntohs(uh.uh_dport);
		p->p_flags |= PKT_F_PORTS;
		pkt_rest(p, off + WIRE_UDP_LEN,
		    off + (ulen < avail ? ulen : avail));
	} else if (icmp) {
		hl = p->p_ver == 4 ? WIRE_ICMP_LEN : WIRE_ICMP6_LEN;
		if (avail < hl)
			return (pkt_err(perr, shrt));
		memcpy(&ic, p->p_buf + off, sizeof(ic));
		p->p_sport = ic.ic_type;
		p->p_dport = ic.ic_code;
		p->p_flags |= PKT_F_ICMP;
		pkt_rest(p, off + hl, end);
	} else
		pkt_rest(p, off, end);
	return (0);
}

/* What payload patterns search: the bytes after the transport header. */
static void
pkt_rest(struct pkt_info *p, size_t off, size_t end)
{
	p->p_payoff = off;
	p->p_paylen = end - off;
}

static int
pkt_err(enum ipf_perr *perr, enum ipf_perr e)
{
	*perr = e;
	return (-1);
}
