/*
 * ipf.h: the public interface of the ipsecfilt packet engine (libipf.a).
 *
 * Hosts (ipsecd, pcapfilt) and commands include only this header.  The
 * engine does no I/O: the host hands it a packet, the time and where the
 * packet came from, and gets back a verdict, a reason and a description
 * of the packet as filtered.  Log records go to the host's sink callback.
 */
#ifndef IPF_H
#define IPF_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct ipf;				/* opaque: one engine context */

#define IPF_RULE_NONE	UINT32_MAX	/* no rule decided (log "#:-") */
#define IPF_DYN_BASE	7001		/* first id of the dynamic table */
#define IPF_IFNAMSIZ	16		/* interface name, NUL included */
#define IPF_MAXRULES	65535		/* static rules per table */

union ipf_addr {
	struct in_addr	v4;
	struct in6_addr	v6;
	uint8_t		b[16];
	uint32_t	w[4];		/* network order */
};

enum ipf_action {
	IPF_ACT_PERMIT,
	IPF_ACT_DENY,
	IPF_ACT_IF,
	IPF_ACT_ELSE,
	IPF_ACT_ENDIF,
	IPF_ACT_SHUN_HOST,
	IPF_ACT_SHUN_PORT,
	IPF_ACT_PLACEMENT,		/* the dynamic filter placement rule */
	IPF_ACT_MAX
};

enum ipf_op {				/* port and ICMP type/code operators */
	IPF_OP_ANY,
	IPF_OP_EQ,
	IPF_OP_NEQ,
	IPF_OP_LT,
	IPF_OP_LE,
	IPF_OP_GT,
	IPF_OP_GE,
	IPF_OP_MAX
};

enum ipf_frag {				/* genfilt -f */
	IPF_FRAG_ALL,			/* Y: all packets */
	IPF_FRAG_NONE,			/* N: unfragmented packets only */
	IPF_FRAG_ONLY,			/* O: fragments and fragment headers */
	IPF_FRAG_HDR,			/* H: first fragments and unfragmented */
	IPF_FRAG_MAX
};

#define IPF_SCOPE_LOCAL	0x01		/* to or from this host */
#define IPF_SCOPE_ROUTE	0x02		/* forwarded */
#define IPF_SCOPE_BOTH	0x03

#define IPF_DIR_IN	0x01
#define IPF_DIR_OUT	0x02
#define IPF_DIR_BOTH	0x03

#define IPF_PROTO_ALL	0		/* genfilt -c all */
#define IPF_PROTO_TCPACK 256		/* genfilt -c tcp/ack: TCP with ACK */

struct ipf_pattern {			/* one payload pattern, bytes */
	const uint8_t	*pat_data;
	size_t		 pat_len;
};

/*
 * One filter rule as the host loads it: the 19 engine-relevant fields of
 * the lsfilt -O format.  Descriptions and pattern file names stay with the
 * host; patterns arrive as bytes and the engine copies them.
 */
struct ipf_rule {
	uint32_t		 r_id;		/* position; 0 = default rule */
	uint8_t			 r_ver;		/* 4 or 6 */
	uint8_t			 r_action;	/* enum ipf_action */
	uint8_t			 r_srcroute;	/* 1: source-routed may match */
	uint8_t			 r_log;		/* 1: log matches */
	uint16_t		 r_proto;	/* 0 all, 1-255, TCPACK */
	uint8_t			 r_sop;		/* enum ipf_op */
	uint8_t			 r_dop;
	uint16_t		 r_sport;	/* port, or ICMP type */
	uint16_t		 r_dport;	/* port, or ICMP code */
	uint8_t			 r_scope;	/* IPF_SCOPE_* */
	uint8_t			 r_dir;		/* IPF_DIR_* */
	uint8_t			 r_frag;	/* enum ipf_frag */
	uint32_t		 r_tunnel;	/* 0: none */
	char			 r_ifname[IPF_IFNAMSIZ]; /* "" = all */
	uint32_t		 r_expire;	/* seconds after load, 0 never */
	union ipf_addr		 r_src, r_smask;
	union ipf_addr		 r_dst, r_dmask;
	const struct ipf_pattern *r_pats;	/* payload patterns, or NULL */
	size_t			 r_npats;
};

enum ipf_verdict {
	IPF_PASS,			/* send the packet as it is */
	IPF_DROP,			/* drop it; res_reason says why */
	IPF_REPLACE			/* send res_buf[0..res_len) instead */
};

/*
 * Why the engine decided.  The names are pcapfilt -d's and ipsecstat's
 * "Drop reasons" (aix-reference.md 3, pcapfilt).
 */
enum ipf_reason {
	IPF_R_PERMIT,			/* passed by a permit rule */
	IPF_R_ENCAP,			/* encapsulated into a tunnel */
	IPF_R_DECAP,			/* decapsulated and permitted */
	IPF_R_DENY,			/* deny rule, shun or IF-block end */
	IPF_R_POLICY,			/* tunnel rule, packet not from it */
	IPF_R_NOSA,			/* no SA, or the rule's tunnel is gone */
	IPF_R_REPLAY,			/* replayed or too old sequence number */
	IPF_R_ICV,			/* integrity check failed */
	IPF_R_PADDING,			/* bad ESP padding */
	IPF_R_MALFORMED,		/* unparseable packet */
	IPF_R_TOOBIG,			/* result would exceed 65535 or res_cap */
	IPF_R_MAX
};
extern const char *const ipf_reason_names[IPF_R_MAX];

/* What the engine found wrong in a malformed packet (counted apart). */
enum ipf_perr {
	IPF_PE_SHORT,			/* shorter than a header it announces */
	IPF_PE_VERSION,			/* IP version neither 4 nor 6 */
	IPF_PE_HDRLEN,			/* IPv4 IHL < 5 or beyond the packet */
	IPF_PE_TOTLEN,			/* IP length beyond the captured bytes */
	IPF_PE_OPTION,			/* bad IPv4 option or IPv6 TLV */
	IPF_PE_EXTHDR,			/* IPv6 header chain overruns or loops */
	IPF_PE_FRAG,			/* impossible fragment offset/length */
	IPF_PE_L4,			/* TCP data offset, UDP length */
	IPF_PE_MAX
};
extern const char *const ipf_perr_names[IPF_PE_MAX];

/* The packet as filtered: what a traffic log line (aix-ref 8.2) says. */
struct ipf_pktrec {
	uint32_t	pr_rule;	/* rule id, IPF_RULE_NONE if none */
	uint8_t		pr_permit;	/* 1 p, 0 d */
	uint8_t		pr_dir;		/* IPF_DIR_IN or IPF_DIR_OUT */
	uint8_t		pr_ver;		/* 4 or 6; 0 if not even that parsed */
	uint8_t		pr_proto;	/* IP protocol number */
	uint8_t		pr_tcpack;	/* TCP with ACK set */
	uint8_t		pr_icmp;	/* ports are ICMP type and code */
	uint8_t		pr_frag;	/* a fragment (first or later) */
	uint8_t		pr_routed;	/* forwarded, not local */
	uint16_t	pr_sport;	/* or ICMP type */
	uint16_t	pr_dport;	/* or ICMP code */
	uint32_t	pr_tunnel;
	uint32_t	pr_len;		/* IP length as filtered */
	union ipf_addr	pr_local;	/* I:/O: value */
	union ipf_addr	pr_src;
	union ipf_addr	pr_dst;
	char		pr_ifname[IPF_IFNAMSIZ];
};

enum ipf_evtype {
	IPF_EV_PACKET,			/* a logged rule matched */
	IPF_EV_TUNNEL			/* tunnel event: ev_tun */
};

enum ipf_tevent {			/* aix-reference.md 8.3 */
	IPF_TEV_EXPIRED,		/* lifetime over, the SAs removed */
	IPF_TEV_REPLAY,			/* replayed or too old sequence number */
	IPF_TEV_ICV,			/* integrity check failed */
	IPF_TEV_POLICY,			/* matched a tunnel rule, not from it */
	IPF_TEV_MAX
};

/* What an IPF_EV_TUNNEL event is about. */
struct ipf_tunev {
	uint8_t		te_event;	/* enum ipf_tevent */
	uint8_t		te_ver;		/* 4 or 6 */
	uint8_t		te_proto;	/* IPPROTO_ESP or _AH; 0: EXPIRED */
	uint32_t	te_tunnel;	/* POLICY: the rule's, maybe 0 */
	uint32_t	te_spi;		/* the inbound SA's; EXPIRED: the
					   outbound ESP SA's, 0 if none */
	uint32_t	te_ahspi;	/* EXPIRED: the outbound AH SA's */
	uint32_t	te_seq;		/* REPLAY: the number on the wire */
	union ipf_addr	te_src;		/* the carrier's (POLICY: packet's) */
	union ipf_addr	te_dst;		/* POLICY: the packet's destination */
};

struct ipf_event {
	enum ipf_evtype		ev_type;
	uint64_t		ev_time;	/* meta's m_now */
	struct ipf_pktrec	ev_pkt;		/* IPF_EV_PACKET */
	struct ipf_tunev	ev_tun;		/* IPF_EV_TUNNEL */
};

/* The host's log sink; called synchronously, must not block. */
typedef void	(*ipf_sink_fn)(void *, const struct ipf_event *);

/*
 * Where a packet is, as only the host knows it.
 *
 * m_mtu: the largest packet the host can send where an outbound packet
 * goes (0: no limit).  A packet whose carrier would be bigger is, if it
 * is a TCP segment, cut into segments that fit, as TSO or GSO would
 * have cut it after the hook: IPF_REPLACE with res_npkts packets.  The
 * host's own packets and IPv4 packets without DF are encapsulated whole
 * in a carrier without DF, for the host to fragment.  A forwarded packet
 * drops with IPF_R_TOOBIG and res_mtu, for the host to report to the
 * sender (RFC 4301 8.2.1, RFC 1191, RFC 8201: ipf_toobig()).
 */
struct ipf_meta {
	const char	*m_ifname;	/* interface it arrives on / leaves by */
	uint64_t	 m_now;		/* seconds; monotonic or capture time */
	uint8_t		 m_local;	/* 1: to (in) or from (out) this host */
	uint8_t		 m_flags;	/* IPF_MF_* */
	uint32_t	 m_mtu;		/* outbound path MTU; 0 none */
	union ipf_addr	 m_ifaddr;	/* the interface's address, or zero */
	/*
	 * Whether an address (of version 4 or 6) is this host's: the inner
	 * packet of a carrier to this host is local or routed by its own
	 * destination (a gateway's tunnel carries routed traffic).  NULL:
	 * local exactly when it goes where the carrier went.
	 */
	int		(*m_islocal)(void *, int, const union ipf_addr *);
	void		*m_arg;
};

/*
 * The TCP or UDP checksum is the host's offload's to fill in (Linux
 * CHECKSUM_PARTIAL): the engine computes it for what it encapsulates.
 */
#define IPF_MF_CSUM	0x01

/*
 * The outcome of one packet.  The caller sets res_buf and res_cap (room
 * for a replacement packet); the engine fills in the rest.
 */
struct ipf_result {
	uint8_t			*res_buf;
	size_t			 res_cap;
	size_t			 res_len;	/* IPF_REPLACE: bytes in res_buf */
	size_t			 res_npkts;	/* ... that many packets, each
						   as long as its IP header
						   says, back to back */
	uint32_t		 res_mtu;	/* IPF_R_TOOBIG: what fits */
	enum ipf_reason		 res_reason;
	enum ipf_perr		 res_perr;	/* IPF_R_MALFORMED: what */
	struct ipf_pktrec	 res_pkt;
};

/* Counters, for ipsecstat. */
struct ipf_stats {
	uint64_t	st_in, st_in_ah, st_in_esp, st_srcrte;
	uint64_t	st_out, st_out_ah, st_out_esp;
	uint64_t	st_in_drop, st_in_deny, st_ah_icv, st_esp_icv;
	uint64_t	st_ah_replay, st_esp_replay;
	uint64_t	st_out_drop, st_out_deny;
	uint64_t	st_sa_added, st_sa_expired, st_sa_deleted;
	uint64_t	st_log_lost;	/* records the sink could not take */
	uint64_t	st_reason[IPF_R_MAX];
	uint64_t	st_perr[IPF_PE_MAX];
};

/* Per-rule counters of the active table, for lsfilt -a. */
struct ipf_rulestat {
	uint32_t	rs_id;
	uint64_t	rs_packets;
	uint64_t	rs_bytes;
	int64_t		rs_remaining;	/* seconds; -1 never expires */
};

/*
 * Why ipf_rules_check() or ipf_load() refused a table.  ckfilt and mkfilt
 * print these with the rule's id (aix-reference.md 3, ckfilt).
 */
enum ipf_cerr {
	IPF_CE_OK,
	IPF_CE_ELSE_NO_IF,		/* ELSE without IF */
	IPF_CE_ENDIF_NO_IF,		/* ENDIF without IF */
	IPF_CE_IF_NO_ENDIF,		/* IF without ENDIF */
	IPF_CE_PLACEMENT_IN_IF,		/* placement rule inside an IF block */
	IPF_CE_NO_DEFAULT,		/* last rule is not the default rule */
	IPF_CE_BAD_FIELD,		/* a field out of range */
	IPF_CE_NOMEM,
	IPF_CE_MAX
};
extern const char *const ipf_cerr_names[IPF_CE_MAX];

struct ipf	*ipf_create(ipf_sink_fn, void *);
void		 ipf_free(struct ipf *);

/*
 * Validate a static table without loading it: rules[0..n) in order, the
 * placement rule among them, the default rule (id 0) last.  Returns
 * IPF_CE_OK or the first problem, with *bad set to its index.
 */
enum ipf_cerr	 ipf_rules_check(const struct ipf_rule *, size_t, size_t *);

/*
 * Replace a version's static table, all or nothing: the new table is
 * built and checked aside and swapped in only when complete.  Expiration
 * times count from now.  The rules are copied.
 */
enum ipf_cerr	 ipf_load(struct ipf *, int, const struct ipf_rule *, size_t,
		    uint64_t, size_t *);
/* Replace a version's dynamic table (ids IPF_DYN_BASE...), all or nothing. */
enum ipf_cerr	 ipf_load_dynamic(struct ipf *, int, const struct ipf_rule *,
		    size_t, uint64_t, size_t *);
/* Deactivate a version: its packets pass untouched, counted as permit. */
void		 ipf_unload(struct ipf *, int);
int		 ipf_loaded(const struct ipf *, int);

enum ipf_verdict ipf_input(struct ipf *, const uint8_t *, size_t,
		    const struct ipf_meta *, struct ipf_result *);
enum ipf_verdict ipf_output(struct ipf *, const uint8_t *, size_t,
		    const struct ipf_meta *, struct ipf_result *);

/*
 * The report to the sender of pkt[0..len), which the engine refused as
 * too big with res_mtu mtu: ICMP "fragmentation needed" or ICMPv6
 * "packet too big", from src (zero: the packet's destination), written
 * to out (IPF_TOOBIG_MAX bytes).  Its length, 0 if pkt is not IP.
 */
#define IPF_TOOBIG_MAX	1280
size_t		 ipf_toobig(const uint8_t *, size_t, uint32_t,
		    const union ipf_addr *, uint8_t *);

void		 ipf_stats_get(const struct ipf *, struct ipf_stats *);
/* Zero the counters, and each SA's packets and bytes (ipsecstat -c). */
void		 ipf_stats_clear(struct ipf *);
/*
 * Counters of the active static table (dynamic: 1) of a version, in table
 * order, expired rules omitted.  Fills at most max entries; returns how
 * many there are.
 */
size_t		 ipf_rulestats(const struct ipf *, int, int,
		    struct ipf_rulestat *, size_t, uint64_t);
void		 ipf_set_logging(struct ipf *, int);

/*
 * Manual tunnels (aix-reference.md 4).  Algorithms are numbered in the
 * aix-reference.md 4.2 order, the same order as lib/tunalg.h.
 */
enum ipf_alg {
	IPF_ALG_DES_CBC_8,
	IPF_ALG_3DES_CBC,
	IPF_ALG_AES_CBC_128,
	IPF_ALG_AES_CBC_192,
	IPF_ALG_AES_CBC_256,
	IPF_ALG_AES_CTR_128,
	IPF_ALG_AES_CTR_192,
	IPF_ALG_AES_CTR_256,
	IPF_ALG_AES_GCM_16_128,
	IPF_ALG_AES_GCM_16_256,
	IPF_ALG_CHACHA20_POLY1305,
	IPF_ALG_NULL,
	IPF_ALG_HMAC_MD5,
	IPF_ALG_HMAC_SHA,
	IPF_ALG_HMAC_SHA256,
	IPF_ALG_HMAC_SHA384,
	IPF_ALG_HMAC_SHA512,
	IPF_ALG_NONE,
	IPF_ALG_MAX
};

enum ipf_tpolicy {			/* the headers, gentun -p */
	IPF_TP_E,			/* ESP */
	IPF_TP_A,			/* AH */
	IPF_TP_EA,			/* ESP, then AH around it */
	IPF_TP_AE			/* AH, then ESP around it */
};

enum ipf_tmode {
	IPF_TM_TUNNEL,
	IPF_TM_TRANSPORT
};

#define IPF_TF_REPLAY	0x01		/* anti-replay window (-y Y) */
#define IPF_TF_ESN	0x02		/* 64-bit sequence numbers (-q Y) */
#define IPF_TF_UDP	0x04		/* ESP-in-UDP, RFC 3948 (-T udp) */

/* One direction's SAs: what it protects with and the keys. */
struct ipf_sadir {
	uint8_t		 sd_policy;	/* enum ipf_tpolicy */
	uint8_t		 sd_enc;	/* enum ipf_alg: ESP cipher */
	uint8_t		 sd_espauth;	/* ESP integrity; NONE with AEAD */
	uint8_t		 sd_ahauth;	/* AH integrity */
	uint32_t	 sd_espspi;
	uint32_t	 sd_ahspi;
	const uint8_t	*sd_enckey;	/* salt or nonce included */
	size_t		 sd_enckeylen;
	const uint8_t	*sd_espkey;
	size_t		 sd_espkeylen;
	const uint8_t	*sd_ahkey;
	size_t		 sd_ahkeylen;
};

/*
 * A manual tunnel as the host installs it.  Only the SAs the policies
 * name are made; the other fields of a direction are ignored.
 *
 * Nonces: with AES-CTR, AES-GCM and ChaCha20-Poly1305 the IV is the
 * 64-bit sequence number (RFC 3686, 4106, 7634), so an outbound SA must
 * never count from the same number twice under one key.  Manual keys
 * outlive a deactivation, so the host passes in tn_seq the last number
 * the tunnel's outbound SAs may have used (0 for fresh keys), reads it
 * back with ipf_tunnel_seq() and keeps a high-water mark on stable
 * storage ahead of it.  A host that cannot do that must install new keys.
 */
struct ipf_tunnel {
	uint32_t	 tn_id;		/* tid, per IP version */
	uint8_t		 tn_ver;	/* 4 or 6: the endpoints and rules */
	uint8_t		 tn_mode;	/* enum ipf_tmode */
	uint8_t		 tn_flags;	/* IPF_TF_* */
	union ipf_addr	 tn_local;	/* this host's endpoint */
	union ipf_addr	 tn_peer;	/* the partner's (or firewall's) */
	uint32_t	 tn_life;	/* minutes from install; 0 never */
	uint64_t	 tn_seq;	/* outbound counters start after it */
	struct ipf_sadir tn_out;	/* SAs this host sends with */
	struct ipf_sadir tn_in;		/* ... and receives with */
};

/* Why ipf_tunnel_add() refused a tunnel. */
enum ipf_terr {
	IPF_TE_OK,
	IPF_TE_FIELD,			/* version, mode, policy, flags */
	IPF_TE_EXISTS,			/* the tid is installed already */
	IPF_TE_SPI,			/* an inbound SPI is in use */
	IPF_TE_ALG,			/* algorithm or combination */
	IPF_TE_KEYLEN,			/* key of the wrong length */
	IPF_TE_LEGACY,			/* DES without the legacy provider */
	IPF_TE_CRYPTO,			/* OpenSSL failed */
	IPF_TE_NOMEM,
	IPF_TE_MAX
};
extern const char *const ipf_terr_names[IPF_TE_MAX];

/*
 * Install a tunnel's SAs, all or nothing: every SA is made and keyed
 * before any becomes visible.  now (seconds, the clock of m_now) starts
 * the lifetime; an expired tunnel's SAs are removed and counted, and its
 * packets then drop with no-sa.
 */
enum ipf_terr	 ipf_tunnel_add(struct ipf *, const struct ipf_tunnel *,
		    uint64_t);
/*
 * Remove the tunnels whose lifetime ended by now, each with its
 * IPF_TEV_EXPIRED event, without waiting for a packet to find them.
 */
void		 ipf_expire(struct ipf *, uint64_t);
/* Remove a tunnel's SAs; its rules then drop (no-sa).  -1: not there. */
int		 ipf_tunnel_remove(struct ipf *, int, uint32_t);
/* The highest outbound sequence number the tunnel used.  -1: not there. */
int		 ipf_tunnel_seq(const struct ipf *, int, uint32_t, uint64_t *);
/*
 * When the tunnel's lifetime ends (m_now seconds; 0 never).  -1: not
 * there, or expired at now.
 */
int		 ipf_tunnel_expire(const struct ipf *, int, uint32_t, uint64_t,
		    uint64_t *);
/* One SA's counters (ipsecstat): packets that passed its transform. */
struct ipf_sastat {
	uint32_t	ss_spi;
	uint8_t		ss_proto;	/* IPPROTO_ESP or IPPROTO_AH */
	uint8_t		ss_dir;		/* IPF_DIR_IN or IPF_DIR_OUT */
	uint64_t	ss_packets;
	uint64_t	ss_bytes;	/* IP lengths of what they protected */
	uint64_t	ss_seq;		/* out: last number sent; in: highest */
};
/*
 * The SAs of a tunnel, outbound then inbound, each in the order it is
 * applied; fills at most max and returns how many there are, or -1 if
 * the tunnel is not installed.  At most IPF_SAMAX.
 */
#define IPF_SAMAX	4
int		 ipf_tunnel_sastats(const struct ipf *, int, uint32_t,
		    struct ipf_sastat *, size_t);
/* Memory the SA database holds, EVP contexts aside (benchmarks). */
size_t		 ipf_sad_bytes(const struct ipf *);

#endif /* IPF_H */
