/*
 * ipsecd.h: the live Linux host of the engine (architecture.md 4).  One
 * process, one thread: a poll loop over the NFQUEUE socket (queue.c), the
 * control socket (control.c) and the address events (ifaddr.c).
 */
#ifndef IPSECD_H
#define IPSECD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "filtdb.h"
#include "ipf.h"
#include "log.h"

#define IPSECD_QUEUE	0		/* default NFQUEUE number (-q) */
/*
 * Packets ipsecd sends itself carry this mark and skip the hook, so
 * what the engine produced is not filtered twice.
 */
#define IPSECD_MARK	"0x19ec0000/0xffff0000"
#define IPSECD_MARKVAL	0x19ec0000u	/* what inject.c's sockets set */
#define IPSECD_MAXCLIENTS 16

struct carrier;
struct gro;
struct natt;
struct inject;
struct logrec_sender;
struct tundev;
struct virtio_net_hdr;
struct queue;
struct control;
struct ifaddr;
struct pollfd;

struct ipsecd {
	struct ipf	*d_ipf;
	struct ftable	 d_table[2];	/* as loaded: [0] IPv4, [1] IPv6 */
	int		 d_logging;
	int		 d_quit;	/* leave the loop */
	int		 d_pidfd;	/* locked pid file, or -1 */
	char		 d_pidpath[4096];
	uint16_t	 d_queue;	/* NFQUEUE number */
	uint64_t	 d_enobufs;	/* queue and ESP socket overruns */
	uint64_t	 d_bad;		/* queued packets without payload */
	uint64_t	 d_unsent;	/* packets inject.c could not send */
	struct queue	*d_q;
	struct control	*d_ctl;
	struct ifaddr	*d_ifa;
	struct inject	*d_inj;
	struct tundev	*d_tun;		/* NULL: ESP stays on the queue */
	struct gro	*d_gro;
	struct carrier	*d_car[2];	/* IPv4, IPv6 */
	struct natt	*d_natt;	/* NULL: ESP in UDP by the queue */
	struct logrec_sender *d_log;	/* records to ipsec_logd */
};

/*
 * hook.c: the iptables rules that feed the queue; with a TUN device's
 * name, arriving ESP for this host and what comes in by that device
 * skip it (carrier.c), and with natt IPv4 UDP to port 4500 (natt.c).
 */
int	hook_install(uint16_t, const char *, int);
void	hook_remove(void);

/* carrier.c: arriving ESP of a version, read from a raw socket in batches. */
struct carrier	*carrier_open(struct ipsecd *, struct gro *, int);
int		 carrier_fd(const struct carrier *);
void		 carrier_dispatch(struct carrier *);
void		 carrier_close(struct carrier *);

/*
 * natt.c: IPv4 ESP in UDP on port 4500, read in batches, coalesced by
 * the kernel; natt_send() sends n carriers of a cut super-packet as one
 * UDP GSO packet, or returns -1 if they are not all alike (then
 * inject_batch()).
 */
struct natt	*natt_open(struct ipsecd *, struct gro *);
int		 natt_fd(const struct natt *);
void		 natt_dispatch(struct natt *);
int		 natt_send(struct natt *, const uint8_t *, size_t, size_t);
void		 natt_close(struct natt *);

/*
 * gro.c: gro_input() runs a carrier that arrived on interface ifindex
 * through the engine and keeps what comes out, joined to the TCP
 * super-packet it continues; gro_flush() writes all to the TUN device.
 */
struct gro	*gro_open(struct ipsecd *, struct tundev *);
void		 gro_input(struct gro *, const uint8_t *, size_t, uint32_t);
void		 gro_flush(struct gro *);
void		 gro_close(struct gro *);

/* tundev.c: the TUN device packets re-enter the stack by. */
#define TUNDEV_NAME	"ipsecfilt0"
struct tundev	*tundev_open(const char *);
const char	*tundev_name(const struct tundev *);
int		 tundev_write(struct tundev *, const struct virtio_net_hdr *,
		    const uint8_t *, size_t);
void		 tundev_close(struct tundev *);

/* queue.c: the NFQUEUE listener. */
struct queue	*queue_open(struct ipsecd *);
int		 queue_fd(const struct queue *);
void		 queue_dispatch(struct queue *);
void		 queue_close(struct queue *);

/*
 * ifaddr.c: the local addresses and interface names, refreshed when the
 * kernel announces a change (rtnetlink) and read from getifaddrs(3).
 */
struct ifaddr	*ifaddr_open(void);
int		 ifaddr_fd(const struct ifaddr *);
void		 ifaddr_event(struct ifaddr *);
int		 ifaddr_islocal(struct ifaddr *, int, const union ipf_addr *);
int		 ifaddr_islocal_cb(void *, int, const union ipf_addr *);
int		 ifaddr_name(struct ifaddr *, uint32_t, char *);
void		 ifaddr_addr(struct ifaddr *, const char *, int,
		    union ipf_addr *);
uint32_t	 ifaddr_mtu(struct ifaddr *, const char *);
void		 ifaddr_close(struct ifaddr *);

/*
 * inject.c: packets ipsecd sends itself, marked to skip the hook:
 * n IP packets back to back in buf[0..len) in one batch, and the
 * engine's too-big report for a refused packet (at most 100 a second).
 * 0, or -1 if not (all) sent.
 */
struct inject	*inject_open(uint32_t);
int		 inject_batch(struct inject *, const uint8_t *, size_t,
		    size_t);
int		 inject_toobig(struct inject *, const uint8_t *, size_t,
		    uint32_t, const union ipf_addr *, uint64_t);
void		 inject_close(struct inject *);

/* control.c: ipsecd.sock. */
struct control	*control_open(struct ipsecd *, const char *);
int		 control_pollfds(const struct control *, struct pollfd *,
		    size_t);
void		 control_dispatch(struct control *, const struct pollfd *,
		    size_t);
void		 control_unlisten(struct control *);
void		 control_close(struct control *);

/* ipsecd.c */
uint64_t	ipsecd_now(void);
void		ipsecd_shutdown(struct ipsecd *);

#endif /* IPSECD_H */
