/*
 * ipsec_wire.h: wire layouts and limits of the headers the IPsec
 * transforms read and write.  Fields are network order on the wire; the
 * transforms memcpy them into locals and convert with the xform.h
 * helpers, never casting a packet buffer to these structs.
 */
#ifndef IPSEC_WIRE_H
#define IPSEC_WIRE_H

#include <stdint.h>

#define IPW_MAXPKT	65535		/* IPv4 total length, IPv6 payload */

#define IPW_PROTO_HOPOPTS 0		/* IPv6 hop-by-hop options */
#define IPW_PROTO_ICMP	1
#define IPW_PROTO_IPIP	4		/* IPv4 in IP: tunnel mode */
#define IPW_PROTO_TCP	6
#define IPW_PROTO_UDP	17
#define IPW_PROTO_IPV6	41		/* IPv6 in IP: tunnel mode */
#define IPW_PROTO_ROUTING 43
#define IPW_PROTO_FRAG	44
#define IPW_PROTO_ESP	50
#define IPW_PROTO_AH	51
#define IPW_PROTO_NONE	59		/* RFC 4303 2.6: TFC dummy packet */
#define IPW_PROTO_ICMPV6 58
#define IPW_PROTO_DSTOPTS 60

#define IPW_TTL		64		/* outer TTL / hop limit */

/* RFC 3168 5: the ECN field, the low two bits of TOS / traffic class. */
#define IPW_ECN_NOTECT	0
#define IPW_ECN_ECT1	1
#define IPW_ECN_ECT0	2
#define IPW_ECN_CE	3

/* RFC 791 */
struct ipw_ip4 {
	uint8_t		ip4_vhl;	/* version 4, header length / 4 */
	uint8_t		ip4_tos;
	uint16_t	ip4_len;
	uint16_t	ip4_id;
	uint16_t	ip4_off;	/* flags, fragment offset */
	uint8_t		ip4_ttl;
	uint8_t		ip4_p;
	uint16_t	ip4_sum;
	uint8_t		ip4_src[4];
	uint8_t		ip4_dst[4];
};
#define IPW_IP4_HDRLEN	20
#define IPW_IP4_DF	0x4000
#define IPW_IP4_MF	0x2000
#define IPW_IP4_OFFMASK	0x1fff

/* RFC 8200 */
struct ipw_ip6 {
	uint32_t	ip6_flow;	/* version 6, traffic class, label */
	uint16_t	ip6_plen;
	uint8_t		ip6_nxt;
	uint8_t		ip6_hlim;
	uint8_t		ip6_src[16];
	uint8_t		ip6_dst[16];
};
#define IPW_IP6_HDRLEN	40

/* RFC 8200 4.3-4.6: options and routing headers start alike. */
struct ipw_ip6ext {
	uint8_t		ie_nxt;
	uint8_t		ie_len;		/* in 8 bytes, not counting the first */
};

/* RFC 768; RFC 3948 2.1: ESP-in-UDP on port 4500 both ways. */
struct ipw_udp {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_len;
	uint16_t	uh_sum;
};
#define IPW_UDP_HDRLEN	8
#define IPW_NATT_PORT	4500

/* RFC 4303 2: SPI and sequence number; IV, payload, trailer, ICV follow. */
struct ipw_esp {
	uint32_t	esp_spi;
	uint32_t	esp_seq;
};
#define IPW_ESP_HDRLEN	8
#define IPW_ESP_TRLLEN	2		/* pad length, next header */

/* RFC 4302 2: the ICV follows, padded to 4 (IPv4) or 8 (IPv6) bytes. */
struct ipw_ah {
	uint8_t		ah_nxt;
	uint8_t		ah_len;		/* in 4 bytes, minus 2 */
	uint16_t	ah_rsv;
	uint32_t	ah_spi;
	uint32_t	ah_seq;
};
#define IPW_AH_HDRLEN	12
/* Longest IP header chain in front of AH that it authenticates. */
#define IPW_AH_IPHDRMAX	512

/* RFC 791 3.1 option types; RFC 4302 A.1: which AH may cover as sent. */
#define IPW_IPOPT_EOL	0
#define IPW_IPOPT_NOP	1
#define IPW_IPOPT_LSRR	131
#define IPW_IPOPT_SSRR	137
/* RFC 8200 4.2: option types whose data may change en route. */
#define IPW_IP6OPT_PAD1	0
#define IPW_IP6OPT_MUTABLE 0x20

#endif /* IPSEC_WIRE_H */
