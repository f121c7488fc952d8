/*
 * carrier.c: arriving IPv4 ESP, off the queue (architecture.md 4).
 * NFQUEUE costs a kernel round trip per packet, and arriving ESP is
 * never coalesced, so ESP addressed to this host skips the hook (hook.c)
 * and is read from a raw socket, many packets to a recvmmsg(2).  The
 * engine filters each carrier, opens it and filters its inner packet
 * exactly as on the queue; what it lets in re-enters the stack through
 * the TUN device (tundev.c), TCP coalesced (gro.c).  What it drops is
 * gone: the kernel itself has nothing to give ESP to.
 *
 * The raw socket sees ESP after the kernel reassembled it (RFC 4303
 * 3.4.1).  IPv6, AH and ESP-in-UDP stay on the queue: an IPv6 raw socket
 * hides the header and extension headers that AH authenticates.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

#define CARRIER_BATCH	64		/* packets per recvmmsg(2) */
#define CARRIER_PKTMAX	65535
/*
 * A sender's TCP window arrives in bursts faster than one core opens
 * them; what the socket cannot hold is lost and costs a retransmission.
 */
#define CARRIER_RCVBUF	(8 << 20)

struct carrier {
	struct ipsecd	*cr_d;
	struct gro	*cr_gro;
	int		 cr_fd;
	struct mmsghdr	 cr_msg[CARRIER_BATCH];
	struct iovec	 cr_iov[CARRIER_BATCH];
	union {
		struct cmsghdr	c;
		uint8_t		b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	}		 cr_cmsg[CARRIER_BATCH];
	uint8_t		*cr_buf;	/* CARRIER_BATCH packets */
	char		 cr_ifname[IPF_IFNAMSIZ];
};

static void	carrier_packet(struct carrier *, const uint8_t *, size_t,
		    const struct msghdr *);
static uint32_t	carrier_ifindex(const struct msghdr *);

struct carrier *
carrier_open(struct ipsecd *d, struct gro *gro)
{
	struct carrier	*cr;
	size_t		 i;
	int		 on = 1, rcvbuf = CARRIER_RCVBUF;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return (NULL);
	cr->cr_d = d;
	cr->cr_gro = gro;
	cr->cr_fd = -1;
	if ((cr->cr_buf = malloc((size_t)CARRIER_BATCH * CARRIER_PKTMAX)) ==
	    NULL)
		goto bad;
	if ((cr->cr_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_ESP)) == -1)
		goto bad;
	if (setsockopt(cr->cr_fd, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1)
		goto bad;
	/* As root the limit of net.core.rmem_max does not apply. */
	if (setsockopt(cr->cr_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		log_warn("ESP socket: SO_RCVBUFFORCE");
	for (i = 0; i < CARRIER_BATCH; i++) {
		cr->cr_iov[i].iov_base = cr->cr_buf + i * CARRIER_PKTMAX;
		cr->cr_iov[i].iov_len = CARRIER_PKTMAX;
	}
	return (cr);
bad:
	log_warn("ESP socket");
	carrier_close(cr);
	return (NULL);
}

void
carrier_close(struct carrier *cr)
{
	if (cr == NULL)
		return;
	if (cr->cr_fd != -1)
		close(cr->cr_fd);
	free(cr->cr_buf);
	free(cr);
}

int
carrier_fd(const struct carrier *cr)
{
	return (cr->cr_fd);
}

/* Read what has arrived, a batch at a time, up to a budget. */
void
carrier_dispatch(struct carrier *cr)
{
	struct msghdr	*mh;
	int		 i, n, round;

	for (round = 0; round < 4; round++) {
		for (i = 0; i < CARRIER_BATCH; i++) {
			mh = &cr->cr_msg[i].msg_hdr;
			memset(mh, 0, sizeof(*mh));
			mh->msg_iov = &cr->cr_iov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = cr->cr_cmsg[i].b;
			mh->msg_controllen = sizeof(cr->cr_cmsg[i].b);
		}
		n = recvmmsg(cr->cr_fd, cr->cr_msg, CARRIER_BATCH,
		    MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("ESP socket");
			break;
		}
		for (i = 0; i < n; i++)
			carrier_packet(cr, cr->cr_iov[i].iov_base,
			    cr->cr_msg[i].msg_len, &cr->cr_msg[i].msg_hdr);
		gro_flush(cr->cr_gro);
		if (n < CARRIER_BATCH)
			break;
	}
}

/* The interface the packet arrived on, from IP_PKTINFO; 0 if none. */
static uint32_t
carrier_ifindex(const struct msghdr *mh)
{
	struct in_pktinfo	 pi;
	struct cmsghdr		*c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)(uintptr_t)mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return ((uint32_t)pi.ipi_ifindex);
		}
	return (0);
}

static void
carrier_packet(struct carrier *cr, const uint8_t *pkt, size_t len,
    const struct msghdr *mh)
{
	struct ipsecd		*d = cr->cr_d;
	struct ipf_meta		 m;
	struct ipf_result	 res;

	if (mh->msg_flags & MSG_TRUNC) {
		d->d_bad++;
		return;
	}
	memset(&m, 0, sizeof(m));
	m.m_now = ipsecd_now();
	m.m_local = 1;			/* the hook let only local ESP by */
	ifaddr_name(d->d_ifa, carrier_ifindex(mh), cr->cr_ifname);
	m.m_ifname = cr->cr_ifname;
	ifaddr_addr(d->d_ifa, cr->cr_ifname, 4, &m.m_ifaddr);
	memset(&res, 0, sizeof(res));
	gro_room(cr->cr_gro, &res.res_buf, &res.res_cap);
	if (ipf_input(d->d_ipf, pkt, len, &m, &res) == IPF_REPLACE)
		gro_add(cr->cr_gro, res.res_len);
}
