/*
 * carrier.c: arriving ESP, off the queue (architecture.md 4).
 * NFQUEUE costs a kernel round trip per packet, and arriving ESP is
 * never coalesced, so ESP addressed to this host skips the hook (hook.c)
 * and is read from a raw socket, many packets to a recvmmsg(2).  The
 * engine filters each carrier, opens it and filters its inner packet
 * exactly as on the queue; what it lets in re-enters the stack through
 * the TUN device (tundev.c), TCP coalesced (gro.c).  What it drops is
 * gone: the kernel itself has nothing to give ESP to.
 *
 * The raw socket sees ESP after the kernel reassembled it (RFC 4303
 * 3.4.1).  An IPv6 raw socket gives no IPv6 header, so one is rebuilt
 * from what the socket tells (addresses, hop limit, traffic class), and
 * only IPv6 ESP with no extension header in front skips the hook; the
 * rest, AH and ESP-in-UDP stay on the queue.
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

#define CARRIER_IP6HDR	40		/* the header IPv6 raw sockets omit */

struct carrier {
	struct ipsecd	*cr_d;
	struct gro	*cr_gro;
	int		 cr_ver;	/* 4 or 6 */
	int		 cr_fd;
	struct mmsghdr	 cr_msg[CARRIER_BATCH];
	struct iovec	 cr_iov[CARRIER_BATCH];
	struct sockaddr_in6 cr_from[CARRIER_BATCH];
	union {
		struct cmsghdr	c;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    2 * CMSG_SPACE(sizeof(int)) +
				    CMSG_SPACE(sizeof(uint32_t))];
	}		 cr_cmsg[CARRIER_BATCH];
	uint8_t		*cr_buf;	/* CARRIER_BATCH packets */
	uint32_t	 cr_ovfl;	/* the socket's drops, SO_RXQ_OVFL */
};

static int	carrier_sock(struct carrier *);
static void	carrier_packet(struct carrier *, uint8_t *, size_t,
		    const struct msghdr *);
static uint32_t	carrier_ifindex4(const struct msghdr *);
static uint32_t	carrier_header6(uint8_t *, size_t, const struct msghdr *);
static void	carrier_ovfl(struct carrier *, const struct msghdr *);

/* The raw ESP socket of cr's version, with what it must tell. */
static int
carrier_sock(struct carrier *cr)
{
	int	on = 1, rcvbuf = CARRIER_RCVBUF;

	if ((cr->cr_fd = socket(cr->cr_ver == 4 ? AF_INET : AF_INET6,
	    SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP)) == -1)
		return (-1);
	if (cr->cr_ver == 4 && setsockopt(cr->cr_fd, IPPROTO_IP, IP_PKTINFO,
	    &on, sizeof(on)) == -1)
		return (-1);
	if (cr->cr_ver == 6 && (setsockopt(cr->cr_fd, IPPROTO_IPV6,
	    IPV6_RECVPKTINFO, &on, sizeof(on)) == -1 ||
	    setsockopt(cr->cr_fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1 || setsockopt(cr->cr_fd, IPPROTO_IPV6,
	    IPV6_RECVTCLASS, &on, sizeof(on)) == -1))
		return (-1);
	/* As root the limit of net.core.rmem_max does not apply. */
	if (setsockopt(cr->cr_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		log_warn("ESP socket: SO_RCVBUFFORCE");
	/* What it still cannot hold is counted (ipsecstat). */
	if (setsockopt(cr->cr_fd, SOL_SOCKET, SO_RXQ_OVFL, &on,
	    sizeof(on)) == -1)
		log_warn("ESP socket: SO_RXQ_OVFL");
	return (0);
}

struct carrier *
carrier_open(struct ipsecd *d, struct gro *gro, int ver)
{
	struct carrier	*cr;
	size_t		 i, front = ver == 6 ? CARRIER_IP6HDR : 0;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return (NULL);
	cr->cr_d = d;
	cr->cr_gro = gro;
	cr->cr_ver = ver;
	cr->cr_fd = -1;
	if ((cr->cr_buf = malloc((size_t)CARRIER_BATCH * CARRIER_PKTMAX)) ==
	    NULL || carrier_sock(cr) == -1)
		goto bad;
	/* IPv6: room in front of each for the header the socket omits. */
	for (i = 0; i < CARRIER_BATCH; i++) {
		cr->cr_iov[i].iov_base = cr->cr_buf + i * CARRIER_PKTMAX +
		    front;
		cr->cr_iov[i].iov_len = CARRIER_PKTMAX - front;
	}
	return (cr);
bad:
	log_warn("IPv%d ESP socket", ver);
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
			mh->msg_name = &cr->cr_from[i];
			mh->msg_namelen = sizeof(cr->cr_from[i]);
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
			carrier_packet(cr, cr->cr_buf + (size_t)i *
			    CARRIER_PKTMAX, cr->cr_msg[i].msg_len,
			    &cr->cr_msg[i].msg_hdr);
		if (n > 0)
			carrier_ovfl(cr, &cr->cr_msg[n - 1].msg_hdr);
		gro_flush(cr->cr_gro);
		if (n < CARRIER_BATCH)
			break;
	}
}

/* The socket's overruns since the last look, from its running count. */
static void
carrier_ovfl(struct carrier *cr, const struct msghdr *mh)
{
	struct cmsghdr	*c;
	uint32_t	 n;

	for (c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)(uintptr_t)mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&n, CMSG_DATA(c), sizeof(n));
			cr->cr_d->d_enobufs += (uint32_t)(n - cr->cr_ovfl);
			cr->cr_ovfl = n;
		}
}

/* The interface an IPv4 packet arrived on, from IP_PKTINFO; 0 if none. */
static uint32_t
carrier_ifindex4(const struct msghdr *mh)
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

/*
 * The IPv6 header in front of the len bytes of ESP at p: version, the
 * traffic class (ECN matters to tunnel mode, RFC 6040), flow label 0
 * (ESP covers none of it), payload length, next header ESP, the hop
 * limit, the source from the socket address and the destination from
 * IPV6_PKTINFO.  Returns the arrival interface, 0 if the socket did not
 * tell all of it (then the packet is not ESP to us).
 */
static uint32_t
carrier_header6(uint8_t *p, size_t len, const struct msghdr *mh)
{
	const struct sockaddr_in6	*from = mh->msg_name;
	struct in6_pktinfo		 pi;
	struct cmsghdr			*c;
	uint32_t			 ifindex = 0;
	int				 v, hlim = -1, tclass = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)(uintptr_t)mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(p + 24, &pi.ipi6_addr, 16);
			ifindex = (uint32_t)pi.ipi6_ifindex;
		} else if (c->cmsg_type == IPV6_HOPLIMIT ||
		    c->cmsg_type == IPV6_TCLASS) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if (c->cmsg_type == IPV6_HOPLIMIT)
				hlim = v;
			else
				tclass = v;
		}
	}
	if (ifindex == 0 || hlim < 0 || mh->msg_namelen < sizeof(*from))
		return (0);
	p[0] = (uint8_t)(0x60 | (tclass & 0xff) >> 4);
	p[1] = (uint8_t)((tclass & 0x0f) << 4);
	p[2] = p[3] = 0;
	p[4] = (uint8_t)(len >> 8);
	p[5] = (uint8_t)len;
	p[6] = IPPROTO_ESP;
	p[7] = (uint8_t)hlim;
	memcpy(p + 8, &from->sin6_addr, 16);
	return (ifindex);
}

static void
carrier_packet(struct carrier *cr, uint8_t *pkt, size_t len,
    const struct msghdr *mh)
{
	uint32_t	ifindex;

	if (mh->msg_flags & MSG_TRUNC) {
		cr->cr_d->d_bad++;
		return;
	}
	if (cr->cr_ver == 6) {
		if (len > 65535 || (ifindex = carrier_header6(pkt, len,
		    mh)) == 0) {
			cr->cr_d->d_bad++;
			return;
		}
		len += CARRIER_IP6HDR;
	} else
		ifindex = carrier_ifindex4(mh);
	gro_input(cr->cr_gro, pkt, len, ifindex);
}
