/*
 * queue.c: the NFQUEUE listener, ipsecd's pfil(9).  Each queued packet
 * goes through the engine once: arriving (raw PREROUTING) through
 * ipf_input(), leaving (raw OUTPUT) and routed (mangle FORWARD) through
 * ipf_output().  A drop or a replacement (with the engine's packet) is
 * answered at once; accepts are batched: one verdict covers every
 * packet up to an id that is still queued (NFQA_VERDICT_BATCH), sent
 * when the socket runs dry, so the common case costs one message per
 * burst instead of one per packet.  A batch never passes a packet the
 * engine did not see: the kernel queues a packet only once its message
 * reached our socket, and drops it when that fails (ENOBUFS).
 */
#include <sys/socket.h>

/* glibc's netinet/in.h first, so the kernel headers defer to it. */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipsecd.h"

#define QUEUE_MAXLEN	8192		/* packets the kernel may hold */
#define QUEUE_RCVBUF	(8 << 20)
#define QUEUE_BUDGET	256		/* messages per wakeup */
#define QUEUE_PKTMAX	65535		/* IP's own limit */
/* A super-packet cut in segments: 64 KB and each carrier's overhead. */
#define QUEUE_OUTMAX	(2 * QUEUE_PKTMAX)

struct queue {
	struct ipsecd		*q_d;
	struct nfq_handle	*q_h;
	struct nfq_q_handle	*q_qh;
	int			 q_fd;
	int			 q_pending;	/* accepts not yet sent */
	uint32_t		 q_last;	/* their highest id */
	char			 q_ifname[IPF_IFNAMSIZ];
	uint8_t			 q_rx[QUEUE_PKTMAX + 4096];
	uint8_t			 q_out[QUEUE_OUTMAX];	/* res_buf */
};

static int	queue_packet(struct nfq_q_handle *, struct nfgenmsg *,
		    struct nfq_data *, void *);
static int	queue_local(const struct queue *, const uint8_t *, size_t);
static void	queue_meta(struct queue *, struct nfqnl_msg_packet_hdr *,
		    struct nfq_data *, const uint8_t *, size_t,
		    struct ipf_meta *);
static int	queue_replace(struct queue *, uint32_t, uint32_t,
		    const struct ipf_result *);
static int	queue_drop(struct queue *, uint32_t, const uint8_t *, size_t,
		    const struct ipf_meta *, const struct ipf_result *);
static void	queue_flush(struct queue *);

struct queue *
queue_open(struct ipsecd *d)
{
	struct queue	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (NULL);
	q->q_d = d;
	if ((q->q_h = nfq_open()) == NULL) {
		log_warn("nfq_open");
		goto bad;
	}
	/* Ours alone: another listener on the same number would steal. */
	if ((q->q_qh = nfq_create_queue(q->q_h, d->d_queue, queue_packet,
	    q)) == NULL) {
		log_warn("NFQUEUE %u", d->d_queue);
		goto bad;
	}
	if (nfq_set_mode(q->q_qh, NFQNL_COPY_PACKET, QUEUE_PKTMAX) == -1) {
		log_warn("nfq_set_mode");
		goto bad;
	}
	nfq_set_queue_maxlen(q->q_qh, QUEUE_MAXLEN);
	/*
	 * Take GSO super-packets whole (up to 64 KB) instead of having the
	 * kernel segment them first: filtering judges the headers, which
	 * all segments share, and one queue round trip per super-packet
	 * instead of per segment is what lifts large TCP transfers
	 * (architecture.md 4).
	 */
	if (nfq_set_queue_flags(q->q_qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) == -1)
		log_warn("NFQUEUE: no GSO flag; packets arrive segmented");
	q->q_fd = nfq_fd(q->q_h);
	nfnl_rcvbufsiz(nfq_nfnlh(q->q_h), QUEUE_RCVBUF);
	return (q);
bad:
	queue_close(q);
	return (NULL);
}

void
queue_close(struct queue *q)
{
	if (q == NULL)
		return;
	if (q->q_qh != NULL)
		nfq_destroy_queue(q->q_qh);
	if (q->q_h != NULL)
		nfq_close(q->q_h);
	free(q);
}

int
queue_fd(const struct queue *q)
{
	return (q->q_fd);
}

/*
 * Read what is queued, up to a budget so the control socket is served
 * under load.  ENOBUFS means the kernel dropped messages for us (the
 * packets themselves are dropped: fail closed); count and go on.
 */
void
queue_dispatch(struct queue *q)
{
	ssize_t	n;
	int	i;

	for (i = 0; i < QUEUE_BUDGET; i++) {
		n = recv(q->q_fd, q->q_rx, sizeof(q->q_rx), MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				q->q_d->d_enobufs++;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("NFQUEUE recv");
			break;
		}
		nfq_handle_packet(q->q_h, (char *)q->q_rx, (int)n);
	}
	queue_flush(q);
}

static void
queue_flush(struct queue *q)
{
	if (!q->q_pending)
		return;
	q->q_pending = 0;
	if (nfq_set_verdict_batch(q->q_qh, q->q_last, NF_ACCEPT) == -1)
		log_warn("NFQUEUE verdict");
}

/* An arriving packet is local when its destination is ours. */
static int
queue_local(const struct queue *q, const uint8_t *pkt, size_t len)
{
	union ipf_addr	dst;

	memset(&dst, 0, sizeof(dst));
	if (len >= 20 && pkt[0] >> 4 == 4) {
		memcpy(&dst.v4, pkt + 16, 4);
		return (ifaddr_islocal(q->q_d->d_ifa, 4, &dst));
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		memcpy(&dst.v6, pkt + 24, 16);
		return (ifaddr_islocal(q->q_d->d_ifa, 6, &dst));
	}
	return (1);
}

/*
 * What only the kernel knows about a queued packet: the interface, its
 * address and MTU, and whether the checksum is still the offload's.
 */
static void
queue_meta(struct queue *q, struct nfqnl_msg_packet_hdr *ph,
    struct nfq_data *nfa, const uint8_t *pkt, size_t len, struct ipf_meta *m)
{
	struct ipsecd	*d = q->q_d;
	uint32_t	 dev;
	int		 ver = len > 0 ? pkt[0] >> 4 : 0;

	memset(m, 0, sizeof(*m));
	m->m_now = ipsecd_now();
	m->m_islocal = ifaddr_islocal_cb;
	m->m_arg = d->d_ifa;
	dev = ph->hook == NF_INET_PRE_ROUTING ? nfq_get_indev(nfa) :
	    nfq_get_outdev(nfa);
	ifaddr_name(d->d_ifa, dev, q->q_ifname);
	m->m_ifname = q->q_ifname;
	ifaddr_addr(d->d_ifa, q->q_ifname, ver, &m->m_ifaddr);
	if (ph->hook == NF_INET_PRE_ROUTING)
		m->m_local = (uint8_t)queue_local(q, pkt, len);
	else {
		m->m_local = ph->hook == NF_INET_LOCAL_OUT;
		m->m_mtu = ifaddr_mtu(d->d_ifa, q->q_ifname);
	}
	/* NFQA_CFG_F_GSO: offloaded checksums arrive unfinished. */
	if (nfq_get_skbinfo(nfa) & NFQA_SKB_CSUMNOTREADY)
		m->m_flags |= IPF_MF_CSUM;
}

/*
 * The engine's packets instead of the queued one.  One packet replaces
 * it in the verdict; a super-packet (which the kernel would segment as
 * the TCP it no longer is) or several packets go out on a raw socket
 * while the queued one is dropped.
 */
static int
queue_replace(struct queue *q, uint32_t id, uint32_t info,
    const struct ipf_result *res)
{
	if (res->res_npkts == 1 && !(info & NFQA_SKB_GSO))
		return (nfq_set_verdict(q->q_qh, id, NF_ACCEPT,
		    (uint32_t)res->res_len, res->res_buf));
	/* ESP in UDP: one GSO send, cut by the kernel at the device. */
	if (q->q_d->d_natt != NULL && natt_send(q->q_d->d_natt, res->res_buf,
	    res->res_len, res->res_npkts) == 0)
		return (nfq_set_verdict(q->q_qh, id, NF_DROP, 0, NULL));
	if (inject_batch(q->q_d->d_inj, res->res_buf, res->res_len,
	    res->res_npkts) == -1)
		q->q_d->d_unsent++;
	return (nfq_set_verdict(q->q_qh, id, NF_DROP, 0, NULL));
}

/* A drop; one too big for its tunnel is reported to its sender. */
static int
queue_drop(struct queue *q, uint32_t id, const uint8_t *pkt, size_t len,
    const struct ipf_meta *m, const struct ipf_result *res)
{
	if (res->res_reason == IPF_R_TOOBIG && res->res_mtu != 0 &&
	    inject_toobig(q->q_d->d_inj, pkt, len, res->res_mtu,
	    &m->m_ifaddr, m->m_now) == -1)
		q->q_d->d_unsent++;
	return (nfq_set_verdict(q->q_qh, id, NF_DROP, 0, NULL));
}

static int
queue_packet(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
    struct nfq_data *nfa, void *arg)
{
	struct queue			*q = arg;
	struct ipsecd			*d = q->q_d;
	struct nfqnl_msg_packet_hdr	*ph;
	struct ipf_meta			 meta;
	struct ipf_result		 res;
	enum ipf_verdict		 v;
	unsigned char			*pkt;
	uint32_t			 id;
	int				 len;

	(void)nfmsg;
	if ((ph = nfq_get_msg_packet_hdr(nfa)) == NULL)
		return (0);		/* no id: nothing to answer */
	id = ntohl(ph->packet_id);
	if ((len = nfq_get_payload(nfa, &pkt)) < 0) {
		d->d_bad++;
		return (nfq_set_verdict(qh, id, NF_DROP, 0, NULL));
	}
	queue_meta(q, ph, nfa, pkt, (size_t)len, &meta);
	memset(&res, 0, sizeof(res));
	res.res_buf = q->q_out;
	res.res_cap = sizeof(q->q_out);

	switch (ph->hook) {
	case NF_INET_PRE_ROUTING:
		v = ipf_input(d->d_ipf, pkt, (size_t)len, &meta, &res);
		break;
	case NF_INET_LOCAL_OUT:
	case NF_INET_FORWARD:
		v = ipf_output(d->d_ipf, pkt, (size_t)len, &meta, &res);
		break;
	default:
		/* Only our own rules queue; anything else is not ours. */
		d->d_bad++;
		return (nfq_set_verdict(qh, id, NF_DROP, 0, NULL));
	}

	switch (v) {
	case IPF_PASS:
		q->q_pending = 1;
		q->q_last = id;		/* ids grow: this covers the rest */
		return (0);
	case IPF_REPLACE:
		return (queue_replace(q, id, nfq_get_skbinfo(nfa), &res));
	case IPF_DROP:
	default:
		return (queue_drop(q, id, pkt, (size_t)len, &meta, &res));
	}
}
