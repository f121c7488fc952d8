/*
 * inject.c: packets ipsecd sends itself, on raw sockets that carry
 * IPSECD_MARK past the hook.  Two kinds: the carriers of a packet the
 * engine cut into several (a GSO super-packet, which the queue's verdict
 * cannot replace by more than one packet), sent in one sendmmsg(2)
 * batch; and the reports the engine writes (ipf_toobig()) to a sender
 * whose packet was too big for its tunnel, rate-limited as RFC 1812
 * 4.3.2.8 and RFC 4443 2.4(f) ask.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

#define INJECT_BATCH	64		/* packets per sendmmsg(2) */
#define INJECT_ICMPMAX	100		/* reports per second */

struct inject {
	int		ij_fd[2];	/* raw IPv4, IPv6 */
	uint64_t	ij_sec;		/* the second ij_nicmp counts */
	unsigned int	ij_nicmp;
	uint8_t		ij_icmp[IPF_TOOBIG_MAX];
};

union inject_sa {
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

static int	inject_sock(int, uint32_t);
static int	inject_dst(const uint8_t *, union inject_sa *, socklen_t *);

static int
inject_sock(int af, uint32_t mark)
{
	int	fd;

	/* IPPROTO_RAW: we write the IP header ourselves (raw(7), ipv6(7)). */
	if ((fd = socket(af, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_RAW)) == -1)
		return (-1);
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

struct inject *
inject_open(uint32_t mark)
{
	struct inject	*ij;

	if ((ij = calloc(1, sizeof(*ij))) == NULL)
		return (NULL);
	ij->ij_fd[0] = inject_sock(AF_INET, mark);
	ij->ij_fd[1] = inject_sock(AF_INET6, mark);
	if (ij->ij_fd[0] == -1 || ij->ij_fd[1] == -1) {
		inject_close(ij);
		return (NULL);
	}
	return (ij);
}

void
inject_close(struct inject *ij)
{
	if (ij == NULL)
		return;
	if (ij->ij_fd[0] != -1)
		close(ij->ij_fd[0]);
	if (ij->ij_fd[1] != -1)
		close(ij->ij_fd[1]);
	free(ij);
}

/* The destination of the IP packet p, as sendto(2) wants it. */
static int
inject_dst(const uint8_t *p, union inject_sa *sa, socklen_t *salen)
{
	memset(sa, 0, sizeof(*sa));
	if (p[0] >> 4 == 4) {
		sa->sin.sin_family = AF_INET;
		memcpy(&sa->sin.sin_addr, p + 16, 4);
		*salen = sizeof(sa->sin);
		return (0);
	}
	sa->sin6.sin6_family = AF_INET6;
	memcpy(&sa->sin6.sin6_addr, p + 24, 16);
	*salen = sizeof(sa->sin6);
	return (1);
}

int
inject_batch(struct inject *ij, const uint8_t *buf, size_t len, size_t n)
{
	struct mmsghdr		msg[INJECT_BATCH];
	struct iovec		iov[INJECT_BATCH];
	union inject_sa		sa[INJECT_BATCH];
	size_t			off = 0, plen, i, k;
	int			fam, r;

	while (n > 0) {
		/* One family a call: a tunnel's carriers are all one. */
		fam = buf[off] >> 4 == 4 ? 0 : 1;
		for (k = 0; k < n && k < INJECT_BATCH && off < len; k++) {
			if ((buf[off] >> 4 == 4 ? 0 : 1) != fam)
				break;
			plen = fam == 0 ? (size_t)(buf[off + 2] << 8 |
			    buf[off + 3]) : 40 + (size_t)(buf[off + 4] << 8 |
			    buf[off + 5]);
			if (plen > len - off)
				return (-1);
			memset(&msg[k], 0, sizeof(msg[k]));
			iov[k].iov_base = (void *)(uintptr_t)(buf + off);
			iov[k].iov_len = plen;
			(void)inject_dst(buf + off, &sa[k],
			    &msg[k].msg_hdr.msg_namelen);
			msg[k].msg_hdr.msg_name = &sa[k];
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
			off += plen;
		}
		if (k == 0)
			return (-1);
		for (i = 0; i < k; i += (size_t)r) {
			r = sendmmsg(ij->ij_fd[fam], msg + i,
			    (unsigned int)(k - i), 0);
			if (r == -1 && errno == EINTR)
				r = 0;
			else if (r <= 0)
				return (-1);
		}
		n -= k;
	}
	return (0);
}

int
inject_toobig(struct inject *ij, const uint8_t *p, size_t len, uint32_t mtu,
    const union ipf_addr *src, uint64_t now)
{
	union inject_sa	sa;
	socklen_t	salen;
	size_t		n;
	int		fam;

	if (now != ij->ij_sec) {
		ij->ij_sec = now;
		ij->ij_nicmp = 0;
	}
	if (ij->ij_nicmp >= INJECT_ICMPMAX)
		return (-1);
	ij->ij_nicmp++;
	if ((n = ipf_toobig(p, len, mtu, src, ij->ij_icmp)) == 0)
		return (-1);
	fam = inject_dst(ij->ij_icmp, &sa, &salen);
	if (sendto(ij->ij_fd[fam], ij->ij_icmp, n, 0, (struct sockaddr *)&sa,
	    salen) == -1)
		return (-1);
	return (0);
}
