/*
 * logrec.h: the log records ipsecd sends to ipsec_logd over the
 * SOCK_DGRAM socket $IPSEC_RUNDIR/logd.sock (architecture.md 7,
 * aix-reference.md 8).
 *
 * A datagram carries one or more records back to back, at most
 * LOGREC_BATCH: the sender gathers the records of a burst of packets
 * and sends them with one system call, because a send per packet would
 * cost the data path as much as the packet itself.  Each record says
 * its own length, which must be exactly its type's.
 *
 * The datagram layout is fixed here byte by byte, in network byte order,
 * so that the receiver never depends on the sender's struct padding and
 * a test can build records in another language.  Every record starts
 * with the same 16-byte header:
 *
 *	0	u8	version		LOGREC_VERSION
 *	1	u8	type		enum logrec_type
 *	2	u16	length		the whole datagram, exactly
 *	4	u32	zero
 *	8	u64	time		seconds since the Epoch, when it happened
 *
 * A LOGREC_PKT (104 bytes) then carries struct ipf_pktrec:
 *
 *	16	u32	rule		IPF_RULE_NONE for "#:-"
 *	20	u8	permit		0 or 1
 *	21	u8	direction	IPF_DIR_IN or IPF_DIR_OUT
 *	22	u8	IP version	0, 4 or 6
 *	23	u8	protocol
 *	24	u8	flags		LOGREC_F_*
 *	25	u8	zero
 *	26	u16	source port or ICMP type
 *	28	u16	destination port or ICMP code
 *	30	u16	zero
 *	32	u32	tunnel
 *	36	u32	IP length
 *	40	16	local address	IPv4 in the first 4 bytes, rest zero
 *	56	16	source address
 *	72	16	destination address
 *	88	16	interface	NUL-terminated, NUL-padded
 *
 * A LOGREC_TUNNEL (72 bytes) carries struct logrec_tun:
 *
 *	16	u8	event		enum logrec_tev
 *	17	u8	IP version	4 or 6
 *	18	u8	protocol	IPPROTO_ESP or IPPROTO_AH, or 0
 *	19	u8	zero
 *	20	u32	tunnel
 *	24	u32	ESP SPI
 *	28	u32	AH SPI
 *	32	u64	sequence number
 *	40	16	source address
 *	56	16	destination address
 *
 * A receiver takes a record only if its size is exactly the one its
 * type announces and every field is in range (logrec_decode()); the
 * sender's and receiver's versions must be equal.  At the first record
 * it refuses, the rest of the datagram is dropped: its framing can no
 * longer be trusted.  Bump LOGREC_VERSION on any change of layout or
 * meaning.
 */
#ifndef LOGREC_H
#define LOGREC_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

#define LOGREC_VERSION	1
#define LOGREC_SOCKNAME	"logd.sock"		/* in IPSEC_RUNDIR */
#define LOGREC_PIDNAME	"ipsec_logd.pid"
#define LOGREC_DAEMON	"ipsec_logd"		/* next to the commands */

#define LOGREC_HDRLEN	16
#define LOGREC_PKTLEN	104
#define LOGREC_TUNLEN	72
#define LOGREC_MAXLEN	LOGREC_PKTLEN
#define LOGREC_BATCH	256			/* records per datagram */
#define LOGREC_DGRAMMAX	(LOGREC_BATCH * LOGREC_MAXLEN)

#define LOGREC_F_TCPACK	0x01
#define LOGREC_F_ICMP	0x02
#define LOGREC_F_FRAG	0x04
#define LOGREC_F_ROUTED	0x08
#define LOGREC_F_ALL	0x0f

enum logrec_type {
	LOGREC_PKT = 1,			/* traffic line, aix-reference 8.2 */
	LOGREC_TUNNEL			/* TC_LOG line, aix-reference 8.3 */
};

/*
 * Tunnel events (aix-reference.md 8.3): the engine's (struct ipf_tunev:
 * expiry, replay, ICV failure) and the host's own (cache cleared,
 * activation, deactivation, which the host sends with logrec_send()).
 */
enum logrec_tev {
	LOGREC_TEV_CLEARED,		/* tunnel cache cleared (ipsecd start) */
	LOGREC_TEV_ACTIVATED,		/* lt_espspi, lt_ahspi: outbound SPIs */
	LOGREC_TEV_DEACTIVATED,
	LOGREC_TEV_EXPIRED,
	LOGREC_TEV_REPLAY,		/* lt_proto, its SPI, lt_src, lt_seq */
	LOGREC_TEV_ICV,			/* lt_proto, its SPI, lt_src */
	LOGREC_TEV_POLICY,		/* lt_src, lt_dst: not from the tunnel */
	LOGREC_TEV_MAX
};

struct logrec_tun {
	uint8_t		lt_event;	/* enum logrec_tev */
	uint8_t		lt_ver;		/* 4 or 6 */
	uint8_t		lt_proto;	/* IPPROTO_ESP or IPPROTO_AH, or 0 */
	uint32_t	lt_tunnel;
	uint32_t	lt_espspi;	/* 0 if unused */
	uint32_t	lt_ahspi;
	uint64_t	lt_seq;		/* REPLAY: the replayed number */
	union ipf_addr	lt_src;
	union ipf_addr	lt_dst;
};

/* A record in host form. */
struct logrec {
	uint8_t		lr_type;	/* enum logrec_type */
	uint64_t	lr_time;	/* seconds since the Epoch */
	union {				/* by lr_type */
		struct ipf_pktrec	lr_pkt;
		struct logrec_tun	lr_tun;
	};
};

/* Why logrec_decode() refused a datagram. */
enum logrec_err {
	LOGREC_E_OK,
	LOGREC_E_SHORT,			/* shorter than the header */
	LOGREC_E_VERSION,		/* another version */
	LOGREC_E_TYPE,			/* unknown type */
	LOGREC_E_LENGTH,		/* size is not the type's */
	LOGREC_E_FIELD,			/* a field out of range */
	LOGREC_E_MAX
};
extern const char *const logrec_err_names[LOGREC_E_MAX];

/*
 * Encode r into buf; returns the datagram's length, or 0 (errno
 * EMSGSIZE or EINVAL) when it does not fit or r's type is unknown.
 */
size_t		logrec_encode(uint8_t *, size_t, const struct logrec *);
/* Decode exactly len bytes into r; LOGREC_E_OK or why not. */
enum logrec_err	logrec_decode(const uint8_t *, size_t, struct logrec *);
/*
 * Decode the record at the start of the len bytes left in a datagram;
 * *used is its length.  LOGREC_E_LENGTH if its length field is not its
 * type's or runs past the datagram.
 */
enum logrec_err	logrec_next(const uint8_t *, size_t, size_t *,
		    struct logrec *);

/*
 * The sender's end, for ipsecd: records gather in ls_buf and leave in
 * one datagram at logrec_flush() (after each burst of packets) or when
 * LOGREC_BATCH have gathered.  The socket is non-blocking and never
 * waits: records that cannot be sent (no daemon, a full socket) are
 * counted in ls_lost and dropped.  After a failure the socket is
 * reconnected at the next flush, so a restarted ipsec_logd is found
 * again.
 */
struct logrec_sender {
	int		ls_fd;
	char		ls_path[108];	/* sizeof(sun_path) */
	uint64_t	ls_sent;	/* records */
	uint64_t	ls_lost;
	size_t		ls_len;		/* bytes in ls_buf */
	size_t		ls_nrec;	/* records in ls_buf */
	uint8_t		ls_buf[LOGREC_DGRAMMAX];
};

/* Set up a sender for $IPSEC_RUNDIR/logd.sock; -1 with err words. */
int	logrec_sender_init(struct logrec_sender *, char *, size_t);
/* Queue one record; a full batch is flushed first. */
void	logrec_send(struct logrec_sender *, const struct logrec *);
/* Send what is queued, without blocking: 0 sent, -1 counted as lost. */
int	logrec_flush(struct logrec_sender *);
/*
 * The engine's sink (ipf_sink_fn) for a host: queues each packet and
 * tunnel event with the wall-clock time; the argument is the struct
 * logrec_sender.
 */
void	logrec_sink(void *, const struct ipf_event *);
/* Flushes, then closes. */
void	logrec_sender_close(struct logrec_sender *);

int	logrec_sockpath(char *, size_t, char *, size_t);
int	logrec_pidpath(char *, size_t, char *, size_t);

#endif /* LOGREC_H */
