/*
 * natt.c: IPv4 ESP in UDP (RFC 3948), off the queue both ways, on one
 * UDP socket bound to port 4500.  The kernel then does for ESP in UDP
 * what it cannot do for ESP: a TCP super-packet's carriers leave in one
 * sendmsg(2) as one UDP GSO packet (UDP_SEGMENT), which crosses the
 * stack once and is cut at the device, and arriving carriers of one flow
 * come up coalesced (UDP_GRO), many to a read.
 *
 * Arriving: the hook lets UDP to port 4500 of this host by (hook.c); each
 * datagram gets back the IPv4 and UDP headers the socket took off (from
 * its address, IP_PKTINFO, IP_TOS and IP_TTL) and goes through the
 * engine as on the queue (gro_input()).  A datagram the engine permits
 * without opening it (IKE's zero marker, a keepalive) has nowhere to go
 * while there is no IKE daemon and is dropped.
 *
 * Leaving: the engine's carriers for a cut super-packet go out here when
 * they are what UDP_SEGMENT can carry (same addresses, ports 4500, same
 * TOS, all but the last of one size); anything else by inject.c.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

#define NATT_PORT	4500
#define NATT_BATCH	16		/* reads per recvmmsg(2), each up to */
#define NATT_BUFLEN	65536		/* 64 KB of coalesced datagrams */
#define NATT_RCVBUF	(8 << 20)
#define NATT_HDRS	28		/* IPv4 and UDP */
#define NATT_GSOMAX	(65535 - NATT_HDRS)	/* one GSO send's payload */

struct natt {
	struct ipsecd	*nt_d;
	struct gro	*nt_gro;
	int		 nt_fd;
	uint32_t	 nt_ovfl;	/* the socket's drops, SO_RXQ_OVFL */
	struct mmsghdr	 nt_msg[NATT_BATCH];
	struct iovec	 nt_iov[NATT_BATCH];
	struct sockaddr_in nt_from[NATT_BATCH];
	union {
		struct cmsghdr	c;
		uint8_t		b[CMSG_SPACE(sizeof(struct in_pktinfo)) +
				    3 * CMSG_SPACE(sizeof(int))];
	}		 nt_cmsg[NATT_BATCH];
	uint8_t		*nt_buf;	/* NATT_BATCH reads */
	uint8_t		 nt_pkt[NATT_HDRS + NATT_BUFLEN];  /* one carrier */
	uint8_t		 nt_out[NATT_BUFLEN];	/* payloads to send */
};

static int	natt_sock(struct natt *);
static void	natt_read(struct natt *, const uint8_t *, size_t,
		    const struct msghdr *);
static int	natt_fit(const uint8_t *, size_t, size_t, size_t *,
		    size_t *);
static int	natt_gso(struct natt *, size_t, size_t, const uint8_t *,
		    const uint8_t *, int);

static int
natt_sock(struct natt *nt)
{
	struct sockaddr_in	sin;
	uint32_t		mark = IPSECD_MARKVAL;
	int			on = 1, rcvbuf = NATT_RCVBUF;
	int			probe = IP_PMTUDISC_PROBE;

	if ((nt->nt_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(NATT_PORT);
	/*
	 * The mark takes what we send past the hook; DF as on the
	 * segments, which the engine cut to fit the device's MTU; the
	 * cmsgs give back what the headers said.
	 */
	if (bind(nt->nt_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    setsockopt(nt->nt_fd, SOL_SOCKET, SO_MARK, &mark,
	    sizeof(mark)) == -1 ||
	    setsockopt(nt->nt_fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe,
	    sizeof(probe)) == -1 ||
	    setsockopt(nt->nt_fd, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(nt->nt_fd, IPPROTO_IP, IP_RECVTOS, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(nt->nt_fd, IPPROTO_IP, IP_RECVTTL, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(nt->nt_fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == -1)
		return (-1);
	if (setsockopt(nt->nt_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1 || setsockopt(nt->nt_fd, SOL_SOCKET,
	    SO_RXQ_OVFL, &on, sizeof(on)) == -1)
		log_warn("UDP 4500 socket");
	return (0);
}

struct natt *
natt_open(struct ipsecd *d, struct gro *gro)
{
	struct natt	*nt;
	size_t		 i;

	if ((nt = calloc(1, sizeof(*nt))) == NULL)
		return (NULL);
	nt->nt_d = d;
	nt->nt_gro = gro;
	nt->nt_fd = -1;
	if ((nt->nt_buf = malloc((size_t)NATT_BATCH * NATT_BUFLEN)) == NULL ||
	    natt_sock(nt) == -1) {
		log_warn("UDP port 4500");
		natt_close(nt);
		return (NULL);
	}
	for (i = 0; i < NATT_BATCH; i++) {
		nt->nt_iov[i].iov_base = nt->nt_buf + i * NATT_BUFLEN;
		nt->nt_iov[i].iov_len = NATT_BUFLEN;
	}
	return (nt);
}

void
natt_close(struct natt *nt)
{
	if (nt == NULL)
		return;
	if (nt->nt_fd != -1)
		close(nt->nt_fd);
	free(nt->nt_buf);
	free(nt);
}

int
natt_fd(const struct natt *nt)
{
	return (nt->nt_fd);
}

void
natt_dispatch(struct natt *nt)
{
	struct msghdr	*mh;
	int		 i, n, round;

	for (round = 0; round < 4; round++) {
		for (i = 0; i < NATT_BATCH; i++) {
			mh = &nt->nt_msg[i].msg_hdr;
			memset(mh, 0, sizeof(*mh));
			mh->msg_name = &nt->nt_from[i];
			mh->msg_namelen = sizeof(nt->nt_from[i]);
			mh->msg_iov = &nt->nt_iov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = nt->nt_cmsg[i].b;
			mh->msg_controllen = sizeof(nt->nt_cmsg[i].b);
		}
		n = recvmmsg(nt->nt_fd, nt->nt_msg, NATT_BATCH, MSG_DONTWAIT,
		    NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("UDP 4500 socket");
			break;
		}
		for (i = 0; i < n; i++)
			natt_read(nt, nt->nt_iov[i].iov_base,
			    nt->nt_msg[i].msg_len, &nt->nt_msg[i].msg_hdr);
		gro_flush(nt->nt_gro);
		if (n < NATT_BATCH)
			break;
	}
}

/*
 * One read: one datagram, or (UDP_GRO) several of one flow back to back,
 * each of the segment size but the last.  Each becomes the IPv4 packet
 * it arrived as: TOS (its ECN for RFC 6040), TTL, addresses and ports as
 * the socket tells them; no ID or flags (the kernel reassembled it); the
 * UDP checksum 0, which RFC 3948 2.1 allows and the kernel has checked.
 */
static void
natt_read(struct natt *nt, const uint8_t *buf, size_t len,
    const struct msghdr *mh)
{
	const struct sockaddr_in	*from = mh->msg_name;
	struct in_pktinfo		 pi;
	struct cmsghdr			*c;
	uint8_t				*p = nt->nt_pkt;
	size_t				 seg = len, off, n;
	uint32_t			 ifindex = 0, ovfl;
	int				 v, tos = 0, ttl = 64;

	memset(p, 0, NATT_HDRS);
	for (c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)(uintptr_t)mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(p + 16, &pi.ipi_addr, 4);
			ifindex = (uint32_t)pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_TOS)
			tos = *(const uint8_t *)CMSG_DATA(c);
		else if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_TTL) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			ttl = v;
		} else if (c->cmsg_level == SOL_UDP &&
		    c->cmsg_type == UDP_GRO) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if (v > 0)
				seg = (size_t)v;
		} else if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&ovfl, CMSG_DATA(c), sizeof(ovfl));
			nt->nt_d->d_enobufs += (uint32_t)(ovfl - nt->nt_ovfl);
			nt->nt_ovfl = ovfl;
		}
	}
	if ((mh->msg_flags & MSG_TRUNC) || ifindex == 0 ||
	    mh->msg_namelen < sizeof(*from)) {
		nt->nt_d->d_bad++;
		return;
	}
	p[0] = 0x45;
	p[1] = (uint8_t)tos;
	p[8] = (uint8_t)ttl;
	p[9] = IPPROTO_UDP;
	memcpy(p + 12, &from->sin_addr, 4);
	memcpy(p + 20, &from->sin_port, 2);
	p[22] = NATT_PORT >> 8;
	p[23] = NATT_PORT & 0xff;
	for (off = 0; off < len; off += n) {
		n = len - off < seg ? len - off : seg;
		memcpy(p + NATT_HDRS, buf + off, n);
		p[2] = (uint8_t)((NATT_HDRS + n) >> 8);
		p[3] = (uint8_t)(NATT_HDRS + n);
		p[24] = (uint8_t)((8 + n) >> 8);
		p[25] = (uint8_t)(8 + n);
		gro_input(nt->nt_gro, p, NATT_HDRS + n, ifindex);
	}
}

/*
 * Whether the n packets in buf[0..len) are what one UDP_SEGMENT send
 * carries: IPv4 without options, UDP 4500 to 4500 between the same two
 * addresses with the same TOS, all payloads of the first one's size but
 * the last, which may be shorter.  *seg is that size, *total the
 * payloads' sum.
 */
static int
natt_fit(const uint8_t *buf, size_t len, size_t n, size_t *seg,
    size_t *total)
{
	const uint8_t	*p, *f = buf;
	size_t		 off, i, plen;

	*total = 0;
	for (i = 0, off = 0; i < n; i++, off += plen + NATT_HDRS) {
		p = buf + off;
		if (len - off < NATT_HDRS || p[0] != 0x45 || p[9] !=
		    IPPROTO_UDP || p[20] != NATT_PORT >> 8 || p[21] !=
		    (NATT_PORT & 0xff) || p[22] != p[20] || p[23] != p[21] ||
		    p[1] != f[1] || memcmp(p + 12, f + 12, 8) != 0)
			return (0);
		plen = (size_t)(p[2] << 8 | p[3]);
		if (plen < NATT_HDRS || plen > len - off)
			return (0);
		plen -= NATT_HDRS;
		if (i == 0)
			*seg = plen;
		else if (plen > *seg || (plen < *seg && i + 1 < n))
			return (0);
		*total += plen;
	}
	return (off == len && *seg > 0);
}

/*
 * Send payloads out[0..total), seg bytes each but the last, as one UDP
 * GSO packet from src to dst with TOS tos.
 */
static int
natt_gso(struct natt *nt, size_t total, size_t seg, const uint8_t *src,
    const uint8_t *dst, int tos)
{
	struct sockaddr_in	 to;
	struct in_pktinfo	 pi;
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*c;
	union {
		struct cmsghdr	c;
		uint8_t		b[CMSG_SPACE(sizeof(uint16_t)) +
				    CMSG_SPACE(sizeof(pi)) +
				    CMSG_SPACE(sizeof(int))];
	}			 cm;
	uint16_t		 gso = (uint16_t)seg;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(NATT_PORT);
	memcpy(&to.sin_addr, dst, 4);
	memset(&pi, 0, sizeof(pi));
	memcpy(&pi.ipi_spec_dst, src, 4);	/* the tunnel's own end */
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = nt->nt_out;
	iov.iov_len = total;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &to;
	mh.msg_namelen = sizeof(to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(gso));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_TOS;
	c->cmsg_len = CMSG_LEN(sizeof(tos));
	memcpy(CMSG_DATA(c), &tos, sizeof(tos));
	while (sendmsg(nt->nt_fd, &mh, 0) == -1)
		if (errno != EINTR)
			return (-1);
	return (0);
}

int
natt_send(struct natt *nt, const uint8_t *buf, size_t len, size_t n)
{
	size_t	seg = 0, total, off, i, plen;

	if (n < 2 || !natt_fit(buf, len, n, &seg, &total))
		return (-1);
	/* As many segments to a send as one IP packet's length allows. */
	for (i = 0, off = 0, total = 0; i < n; i++, off += plen +
	    NATT_HDRS) {
		plen = (size_t)(buf[off + 2] << 8 | buf[off + 3]) - NATT_HDRS;
		if (total + plen > NATT_GSOMAX) {
			if (natt_gso(nt, total, seg, buf + 12, buf + 16,
			    buf[1]) == -1)
				return (-1);
			total = 0;
		}
		memcpy(nt->nt_out + total, buf + off + NATT_HDRS, plen);
		total += plen;
	}
	return (natt_gso(nt, total, seg, buf + 12, buf + 16, buf[1]));
}
