/*
 * tundev.c: the TUN device that decapsulated packets from the carrier
 * sockets (carrier.c) re-enter the stack by, as if they had arrived on
 * an interface of their own.  The hook lets them pass untouched (hook.c):
 * the engine has filtered them already.  With IFF_VNET_HDR one write can
 * carry a TCP super-packet (gro.c), which the kernel takes as GRO would
 * have made it, instead of one write per segment.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* linux/if.h, not net/if.h: ifaddr.c's reason, and ifreq is here too. */
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

struct tundev {
	int	td_fd;
	char	td_name[IPF_IFNAMSIZ];
};

static int	tundev_up(const char *);
static void	tundev_rpfilter(const char *);

/* Bring the device up: it has no address, only packets to deliver. */
static int
tundev_up(const char *name)
{
	struct ifreq	ifr;
	int		fd, rv = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rv = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return (rv);
}

/*
 * The inner packets come from the far side of the tunnel, whose route is
 * another interface: strict reverse-path filtering would drop them.
 */
static void
tundev_rpfilter(const char *name)
{
	char	path[128];
	int	fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
	    name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return;
	if (write(fd, "0", 1) != 1)
		log_warn("%s", path);
	close(fd);
}

struct tundev *
tundev_open(const char *name)
{
	struct tundev	*td;
	struct ifreq	 ifr;

	if ((td = calloc(1, sizeof(*td))) == NULL)
		return (NULL);
	td->td_fd = -1;
	if ((td->td_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1)
		goto bad;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(td->td_fd, TUNSETIFF, &ifr) == -1)
		goto bad;
	memcpy(td->td_name, ifr.ifr_name, sizeof(td->td_name) - 1);
	tundev_rpfilter(td->td_name);
	if (tundev_up(td->td_name) == -1)
		goto bad;
	return (td);
bad:
	log_warn("TUN device %s", name);
	tundev_close(td);
	return (NULL);
}

void
tundev_close(struct tundev *td)
{
	if (td == NULL)
		return;
	if (td->td_fd != -1)
		close(td->td_fd);
	free(td);
}

const char *
tundev_name(const struct tundev *td)
{
	return (td->td_name);
}

int
tundev_write(struct tundev *td, const struct virtio_net_hdr *vh,
    const uint8_t *pkt, size_t len)
{
	struct iovec	iov[2];
	ssize_t		n;

	iov[0].iov_base = (void *)(uintptr_t)vh;
	iov[0].iov_len = sizeof(*vh);
	iov[1].iov_base = (void *)(uintptr_t)pkt;
	iov[1].iov_len = len;
	do
		n = writev(td->td_fd, iov, 2);
	while (n == -1 && errno == EINTR);
	return (n == (ssize_t)(sizeof(*vh) + len) ? 0 : -1);
}
