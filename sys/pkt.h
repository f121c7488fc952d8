/*
 * pkt.h: an IPv4 or IPv6 packet parsed once, bounds-checked, into host
 * order.  Every later stage reads struct pkt_info, never the wire bytes
 * (except the payload-pattern search, which gets an offset and a length
 * that pkt_parse() has already checked).
 */
#ifndef PKT_H
#define PKT_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

#define PKT_F_FRAG	0x01		/* a fragment, first or later */
#define PKT_F_LATER	0x02		/* a fragment other than the first */
#define PKT_F_PORTS	0x04		/* p_sport/p_dport hold ports */
#define PKT_F_ICMP	0x08		/* p_sport/p_dport hold type/code */
#define PKT_F_TCPACK	0x10		/* TCP with ACK set */
#define PKT_F_SRCRT	0x20		/* LSRR/SSRR, or IPv6 routing hdr */

struct pkt_info {
	uint8_t		 p_ver;		/* 4 or 6; 0 until known */
	uint8_t		 p_proto;	/* upper-layer protocol (or AH/ESP) */
	uint8_t		 p_flags;	/* PKT_F_* */
	uint16_t	 p_sport;	/* port or ICMP type, host order */
	uint16_t	 p_dport;	/* port or ICMP code */
	uint32_t	 p_len;		/* IP length (header + payload) */
	uint32_t	 p_tunnel;	/* came out of tunnel T (IPsec stage) */
	union ipf_addr	 p_src;		/* network order */
	union ipf_addr	 p_dst;
	const uint8_t	*p_buf;		/* the packet, p_len bytes valid */
	size_t		 p_l4off;	/* offset of the transport header */
	size_t		 p_payoff;	/* offset of the payload after it */
	size_t		 p_paylen;	/* and its length */
};

/*
 * Parse len bytes at buf.  Returns 0, or -1 with *perr set; either way
 * *p holds whatever was parsed (p_ver 0 if not even the version was).
 */
int	pkt_parse(struct pkt_info *, const uint8_t *, size_t,
	    enum ipf_perr *);

#endif /* PKT_H */
