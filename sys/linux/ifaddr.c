/*
 * ifaddr.c: which addresses are this host's (m_local of an arriving
 * packet), the interface names behind netfilter's device indexes, and
 * each interface's first address (m_ifaddr, the log's I:/O: value)
 * and MTU.  A packet must not cost a system call, so all come from a cache
 * built with getifaddrs(3).  An rtnetlink socket subscribed to link and
 * address changes marks the cache stale and the next lookup rebuilds
 * it; a lookup that misses rebuilds it at most once a second, in case a
 * change raced its announcement.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

/* linux/if.h: glibc's net/if.h has a struct ifaddr of its own. */
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <ifaddrs.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

struct ifa_addr {
	int		a_ver;
	union ipf_addr	a_addr;
};

struct ifa_if {
	uint32_t	i_index;
	char		i_name[IPF_IFNAMSIZ];
	union ipf_addr	i_addr4;	/* first address, or zero */
	union ipf_addr	i_addr6;
	uint32_t	i_mtu;		/* 0 if unknown */
};

struct ifaddr {
	int		 ifa_fd;	/* rtnetlink, or -1 */
	int		 ifa_stale;
	uint64_t	 ifa_built;	/* ipsecd_now() of the last build */
	struct ifa_addr	*ifa_addrs;
	size_t		 ifa_naddrs;
	struct ifa_if	*ifa_ifs;
	size_t		 ifa_nifs;
};

static void		 ifaddr_build(struct ifaddr *);
static struct ifa_if	*ifaddr_if(struct ifaddr *, uint32_t, const char *);
static void		 ifaddr_fresh(struct ifaddr *);
static void		 ifaddr_miss(struct ifaddr *);
static void		 ifaddr_mtus(struct ifaddr *);

struct ifaddr *
ifaddr_open(void)
{
	struct ifaddr		*ifa;
	struct sockaddr_nl	 snl;

	if ((ifa = calloc(1, sizeof(*ifa))) == NULL)
		return (NULL);
	ifa->ifa_stale = 1;
	ifa->ifa_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, NETLINK_ROUTE);
	if (ifa->ifa_fd == -1) {
		free(ifa);
		return (NULL);
	}
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	snl.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (bind(ifa->ifa_fd, (struct sockaddr *)&snl, sizeof(snl)) == -1) {
		close(ifa->ifa_fd);
		free(ifa);
		return (NULL);
	}
	ifaddr_build(ifa);
	return (ifa);
}

void
ifaddr_close(struct ifaddr *ifa)
{
	if (ifa == NULL)
		return;
	close(ifa->ifa_fd);
	free(ifa->ifa_addrs);
	free(ifa->ifa_ifs);
	free(ifa);
}

int
ifaddr_fd(const struct ifaddr *ifa)
{
	return (ifa->ifa_fd);
}

/* Whatever the kernel says changed, the next lookup rebuilds. */
void
ifaddr_event(struct ifaddr *ifa)
{
	char	buf[8192];
	ssize_t	n;

	for (;;) {
		n = recv(ifa->ifa_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			ifa->ifa_stale = 1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* ENOBUFS: announcements were lost; rebuild anyway. */
		if (n == -1 && errno == ENOBUFS) {
			ifa->ifa_stale = 1;
			continue;
		}
		break;
	}
}

static struct ifa_if *
ifaddr_if(struct ifaddr *ifa, uint32_t index, const char *name)
{
	size_t	i;

	for (i = 0; i < ifa->ifa_nifs; i++)
		if ((name != NULL && strcmp(ifa->ifa_ifs[i].i_name,
		    name) == 0) || (name == NULL &&
		    ifa->ifa_ifs[i].i_index == index))
			return (&ifa->ifa_ifs[i]);
	return (NULL);
}

static void
ifaddr_build(struct ifaddr *ifa)
{
	struct ifaddrs	*all, *p;
	struct ifa_if	*ifp;
	struct ifa_addr	*na;
	struct ifa_if	*ni;
	union ipf_addr	 a;
	size_t		 n = 0;
	int		 ver;

	ifa->ifa_stale = 0;
	ifa->ifa_built = ipsecd_now();
	if (getifaddrs(&all) == -1) {
		log_warn("getifaddrs");
		return;
	}
	for (p = all; p != NULL; p = p->ifa_next)
		n++;
	na = calloc(n + 1, sizeof(*na));
	ni = calloc(n + 1, sizeof(*ni));
	if (na == NULL || ni == NULL) {
		log_warn("local address cache");
		free(na);
		free(ni);
		freeifaddrs(all);
		return;
	}
	free(ifa->ifa_addrs);
	free(ifa->ifa_ifs);
	ifa->ifa_addrs = na;
	ifa->ifa_ifs = ni;
	ifa->ifa_naddrs = ifa->ifa_nifs = 0;
	for (p = all; p != NULL; p = p->ifa_next) {
		if ((ifp = ifaddr_if(ifa, 0, p->ifa_name)) == NULL) {
			ifp = &ifa->ifa_ifs[ifa->ifa_nifs++];
			strncpy(ifp->i_name, p->ifa_name,
			    sizeof(ifp->i_name) - 1);
		}
		if (p->ifa_addr == NULL)
			continue;
		/* Each interface has one AF_PACKET entry: its index. */
		if (p->ifa_addr->sa_family == AF_PACKET) {
			ifp->i_index = (uint32_t)((const struct sockaddr_ll *)
			    (const void *)p->ifa_addr)->sll_ifindex;
			continue;
		}
		memset(&a, 0, sizeof(a));
		if (p->ifa_addr->sa_family == AF_INET) {
			ver = 4;
			memcpy(&a.v4, &((const struct sockaddr_in *)(const
			    void *)p->ifa_addr)->sin_addr, sizeof(a.v4));
			if (ifp->i_addr4.w[0] == 0)
				ifp->i_addr4 = a;
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			ver = 6;
			memcpy(&a.v6, &((const struct sockaddr_in6 *)(const
			    void *)p->ifa_addr)->sin6_addr, sizeof(a.v6));
			if (IN6_IS_ADDR_UNSPECIFIED(&ifp->i_addr6.v6))
				ifp->i_addr6 = a;
		} else
			continue;
		ifa->ifa_addrs[ifa->ifa_naddrs].a_ver = ver;
		ifa->ifa_addrs[ifa->ifa_naddrs++].a_addr = a;
	}
	freeifaddrs(all);
	ifaddr_mtus(ifa);
}

/* getifaddrs(3) has no MTU: one SIOCGIFMTU per interface, per rebuild. */
static void
ifaddr_mtus(struct ifaddr *ifa)
{
	struct ifreq	ifr;
	size_t		i;
	int		fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	for (i = 0; i < ifa->ifa_nifs; i++) {
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, ifa->ifa_ifs[i].i_name, IPF_IFNAMSIZ);
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			ifa->ifa_ifs[i].i_mtu = (uint32_t)ifr.ifr_mtu;
	}
	close(fd);
}

static void
ifaddr_fresh(struct ifaddr *ifa)
{
	if (ifa->ifa_stale)
		ifaddr_build(ifa);
}

static void
ifaddr_miss(struct ifaddr *ifa)
{
	if (ipsecd_now() != ifa->ifa_built)
		ifaddr_build(ifa);
}

/*
 * Broadcast and multicast are delivered here too, so they count as
 * local, as do the whole loopback networks (RFC 1122 3.2.1.3).
 */
int
ifaddr_islocal(struct ifaddr *ifa, int ver, const union ipf_addr *a)
{
	size_t	i;
	int	pass;
	uint8_t	b0 = a->b[0];

	if (ver == 4 && (b0 == 127 || (b0 & 0xf0) == 0xe0 ||
	    a->w[0] == 0xffffffffu))
		return (1);
	if (ver == 6 && (b0 == 0xff || IN6_IS_ADDR_LOOPBACK(&a->v6)))
		return (1);
	ifaddr_fresh(ifa);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ifa->ifa_naddrs; i++)
			if (ifa->ifa_addrs[i].a_ver == ver &&
			    memcmp(&ifa->ifa_addrs[i].a_addr, a,
			    ver == 4 ? 4 : 16) == 0)
				return (1);
		if (pass == 0)
			ifaddr_miss(ifa);
	}
	return (0);
}

/* ifaddr_islocal() as ipf_meta's m_islocal wants it. */
int
ifaddr_islocal_cb(void *arg, int ver, const union ipf_addr *a)
{
	return (ifaddr_islocal(arg, ver, a));
}

/* name: IPF_IFNAMSIZ bytes; "" for no device. */
int
ifaddr_name(struct ifaddr *ifa, uint32_t index, char *name)
{
	struct ifa_if	*ifp;

	name[0] = '\0';
	if (index == 0)
		return (-1);
	ifaddr_fresh(ifa);
	if ((ifp = ifaddr_if(ifa, index, NULL)) == NULL) {
		ifaddr_miss(ifa);
		if ((ifp = ifaddr_if(ifa, index, NULL)) == NULL)
			return (-1);
	}
	memcpy(name, ifp->i_name, IPF_IFNAMSIZ);
	return (0);
}

void
ifaddr_addr(struct ifaddr *ifa, const char *name, int ver,
    union ipf_addr *a)
{
	struct ifa_if	*ifp;

	memset(a, 0, sizeof(*a));
	if ((ifp = ifaddr_if(ifa, 0, name)) != NULL)
		*a = ver == 4 ? ifp->i_addr4 : ifp->i_addr6;
}

uint32_t
ifaddr_mtu(struct ifaddr *ifa, const char *name)
{
	struct ifa_if	*ifp;

	if ((ifp = ifaddr_if(ifa, 0, name)) == NULL)
		return (0);
	return (ifp->i_mtu);
}
