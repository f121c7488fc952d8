/*
 * wire.h: the on-the-wire layouts the engine reads, and every limit the
 * parser enforces, in one place.  Fields are in network order; pkt.c
 * memcpy()s them into aligned locals and converts them once.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdint.h>

/* IPv4 header, RFC 791 3.1. */
struct wire_ip4 {
	uint8_t		ip4_vhl;	/* version << 4 | IHL (32-bit words) */
	uint8_t		ip4_tos;
	uint16_t	ip4_len;	/* total length, header included */
	uint16_t	ip4_id;
	uint16_t	ip4_off;	/* flags << 13 | offset (8 bytes) */
	uint8_t		ip4_ttl;
	uint8_t		ip4_p;
	uint16_t	ip4_sum;
	uint32_t	ip4_src;
	uint32_t	ip4_dst;
};
#define WIRE_IP4_LEN	20
#define WIRE_IP4_MAXHL	60
#define WIRE_IP4_MF	0x2000
#define WIRE_IP4_OFFMASK 0x1fff

/* IPv4 options, RFC 791 3.1: the ones the parser must tell apart. */
#define WIRE_IPOPT_EOL	0
#define WIRE_IPOPT_NOP	1
#define WIRE_IPOPT_LSRR	131
#define WIRE_IPOPT_SSRR	137
#define WIRE_IPOPT_SRMIN 3		/* type, length, pointer */

/* IPv6 header, RFC 8200 3. */
struct wire_ip6 {
	uint32_t	ip6_flow;	/* version, traffic class, flow label */
	uint16_t	ip6_plen;	/* extension headers + payload */
	uint8_t		ip6_nxt;
	uint8_t		ip6_hlim;
	uint8_t		ip6_src[16];
	uint8_t		ip6_dst[16];
};
#define WIRE_IP6_LEN	40

/* The two bytes every extension header but the fragment header starts with. */
struct wire_ip6ext {
	uint8_t		ext_nxt;
	uint8_t		ext_len;	/* 8-byte units beyond the first 8 */
};
#define WIRE_IP6EXT_UNIT 8

/* Routing header, RFC 8200 4.4. */
struct wire_ip6rt {
	uint8_t		rt_nxt;
	uint8_t		rt_len;
	uint8_t		rt_type;
	uint8_t		rt_segleft;
};

/* Fragment header, RFC 8200 4.5: fixed 8 bytes. */
struct wire_ip6frag {
	uint8_t		fr_nxt;
	uint8_t		fr_rsv;
	uint16_t	fr_off;		/* offset << 3 | res << 1 | M */
	uint32_t	fr_id;
};
#define WIRE_IP6FRAG_LEN 8
#define WIRE_IP6FRAG_OFFMASK 0xfff8
#define WIRE_IP6FRAG_M	0x0001

/* Option TLVs of hop-by-hop and destination options, RFC 8200 4.2. */
#define WIRE_IP6OPT_PAD1 0

/*
 * The extension headers the parser walks past.  A longer chain than this is
 * malformed: no sane packet carries more, and the bound keeps a crafted
 * chain from costing more than a constant.
 */
#define WIRE_IP6_MAXEXT	16

/* TCP header, RFC 9293 3.1: only the part the filter reads. */
struct wire_tcp {
	uint16_t	th_sport;
	uint16_t	th_dport;
	uint32_t	th_seq;
	uint32_t	th_ack;
	uint8_t		th_off;		/* data offset << 4 */
	uint8_t		th_flags;
	uint16_t	th_win;
	uint16_t	th_sum;
	uint16_t	th_urp;
};
#define WIRE_TCP_LEN	20
#define WIRE_TCP_ACK	0x10

/* UDP header, RFC 768. */
struct wire_udp {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_len;		/* header included */
	uint16_t	uh_sum;
};
#define WIRE_UDP_LEN	8

/* ICMP (RFC 792) and ICMPv6 (RFC 4443 2.1) share the first four bytes. */
struct wire_icmp {
	uint8_t		ic_type;
	uint8_t		ic_code;
	uint16_t	ic_sum;
};
#define WIRE_ICMP_LEN	8		/* RFC 792: every message has 8 */
#define WIRE_ICMP6_LEN	4		/* RFC 4443 2.1: type, code, sum */

#define WIRE_IP_MAXLEN	65535

#endif /* WIRE_H */
