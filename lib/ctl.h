/*
 * ctl.h: the control protocol between the commands and ipsecd over
 * $IPSEC_RUNDIR/ipsecd.sock (architecture.md 4), and the client side
 * the commands use.
 *
 * The socket is SOCK_SEQPACKET, so one send is one message and a
 * message is never split or merged.  Every message is one of the
 * fixed-size structs below, starting with struct ctl_hdr; a receiver
 * refuses a message whose version, type or size is not exactly right
 * (ctl_msg_check()).  Both ends are the same build on the same host,
 * so the structs travel in host byte order.  A request gets either one
 * reply, or for the table listings one CTL_R_RULE per rule and then
 * CTL_R_END.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

#include "filtdb.h"
#include "ipf.h"
#include "tundb.h"

#define CTL_VERSION	2		/* bump on any layout change */
#define CTL_SOCKNAME	"ipsecd.sock"
#define CTL_PIDNAME	"ipsecd.pid"
#define CTL_DAEMON	"ipsecd"	/* next to the commands' binary */
#define CTL_ERRMAX	512		/* error text, NUL included */

enum ctl_type {
	/* Requests: struct ctl_req. */
	CTL_PING = 1,			/* CTL_R_OK */
	CTL_LOAD,			/* load cq_ver's static table */
	CTL_UNLOAD,			/* deactivate cq_ver, 0 both */
	CTL_RULES,			/* active table: CTL_R_RULE..., END */
	CTL_DYNAMIC,			/* dynamic table: CTL_R_RULE..., END */
	CTL_STATS,			/* CTL_R_STATS */
	CTL_STATS_CLEAR,		/* CTL_R_STATS, then zeroed */
	CTL_LOGGING,			/* cq_arg 1 on, 0 off */
	CTL_STOP,			/* remove the hook and exit */
	CTL_TUNNEL,			/* install tunnel cq_arg of cq_ver */
	CTL_TUNNEL_DEL,			/* remove it: OK, or INACTIVE */
	CTL_TUNNELS,			/* active tunnels of cq_ver (0 both):
					   CTL_R_TUNNEL..., END */
	CTL_REQ_MAX,

	/* Replies. */
	CTL_R_OK = 64,			/* struct ctl_hdr */
	CTL_R_ERR,			/* struct ctl_err */
	CTL_R_RULE,			/* struct ctl_rule */
	CTL_R_END,			/* struct ctl_hdr */
	CTL_R_INACTIVE,			/* the version is not loaded */
	CTL_R_STATS,			/* struct ctl_stats */
	CTL_R_TUNNEL,			/* struct ctl_tunnel */
	CTL_R_MAX
};

struct ctl_hdr {
	uint16_t	ch_version;	/* CTL_VERSION */
	uint16_t	ch_type;	/* enum ctl_type */
	uint32_t	ch_len;		/* the whole message */
};

struct ctl_req {
	struct ctl_hdr	cq_hdr;
	int32_t		cq_ver;		/* 4 or 6, where it matters */
	int32_t		cq_arg;
};

struct ctl_err {
	struct ctl_hdr	ce_hdr;
	int32_t		ce_errno;
	char		ce_msg[CTL_ERRMAX];	/* "rule 5: ...", no prefix */
};

/* One rule of the active table: the record as loaded and its counters. */
struct ctl_rule {
	struct ctl_hdr		cr_hdr;
	struct frule		cr_rule;	/* as loaded, no description */
	struct ipf_rulestat	cr_stat;
};

struct ctl_stats {
	struct ctl_hdr		cs_hdr;
	struct ipf_stats	cs_stats;
	uint8_t			cs_loaded4;	/* ipsec_v4 Available */
	uint8_t			cs_loaded6;
	uint8_t			cs_logging;
	uint64_t		cs_hostlost;	/* lost outside the engine */
};

/* One tunnel as ipsecd installed it (lstun -a). */
struct ctl_tunnel {
	struct ctl_hdr		ct_hdr;
	struct tun_active	ct_tun;
};

union ctl_msg {
	struct ctl_hdr		m_hdr;
	struct ctl_req		m_req;
	struct ctl_err		m_err;
	struct ctl_rule		m_rule;
	struct ctl_stats	m_stats;
	struct ctl_tunnel	m_tunnel;
};

/* The exact size of a message of this type, 0 for an unknown type. */
size_t	ctl_msg_size(int);
void	ctl_msg_init(union ctl_msg *, int);
/* The message's type if version, type and both lengths agree, else -1. */
int	ctl_msg_check(const union ctl_msg *, size_t);

int	ctl_sockpath(char *, size_t, char *, size_t);

/*
 * Client.  ctl_connect() returns a connected descriptor, or -1 with
 * errno ENOENT or ECONNREFUSED when no ipsecd listens ("IPsec engine is
 * not running" in err) and other errors described in err.
 * ctl_start() connects, starting ipsecd first if none is running.
 */
int	ctl_connect(char *, size_t);
int	ctl_start(char *, size_t);
/* Remove a dead ipsecd's hook (ipsecd -u); fails if one is running. */
int	ctl_unhook(char *, size_t);
int	ctl_send(int, int, int, int);
/*
 * The next message's type, or -1 with err set when the exchange failed.
 * For CTL_R_ERR err holds ipsecd's text, which the caller words.
 */
int	ctl_recv(int, union ctl_msg *, char *, size_t);
/* ctl_send() + ctl_recv(). */
int	ctl_call(int, int, int, int, union ctl_msg *, char *, size_t);

#endif /* CTL_H */
