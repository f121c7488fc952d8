/*
 * tunctl.c: manual tunnels in ipsecd (lib/ctl.h CTL_TUNNEL and
 * CTL_TUNNEL_DEL).  ipsecd reads the tunnel from the database itself, as
 * it does the filter rules, so no key ever crosses the socket.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"
#include "tunctl.h"

int
tunctl_open(int start, char *err, size_t errlen)
{
	if (start)
		return (ctl_start(err, errlen));
	return (ctl_connect(err, errlen));
}

int
tunctl_set(int fd, int ver, uint32_t id, int on, char *err, size_t errlen)
{
	union ctl_msg	m;
	char		msg[CTL_ERRMAX + 64];

	switch (ctl_call(fd, on ? CTL_TUNNEL : CTL_TUNNEL_DEL, ver,
	    (int)id, &m, msg, sizeof(msg))) {
	case CTL_R_OK:
		return (1);
	case CTL_R_INACTIVE:
		return (on ? -1 : 0);
	case CTL_R_ERR:
		if (on && m.m_err.ce_errno == EEXIST)
			return (0);
		snprintf(err, errlen, "IPsec engine: %s", msg);
		return (-1);
	case -1:
		snprintf(err, errlen, "%s", msg);
		return (-1);
	default:
		snprintf(err, errlen, "IPsec engine: unexpected reply");
		return (-1);
	}
}

int
tunctl_load(int fd, int ver, int always, char *err, size_t errlen)
{
	union ctl_msg	m;
	char		msg[CTL_ERRMAX + 64];
	int		loaded;

	if (always)
		goto load;
	if (ctl_call(fd, CTL_STATS, 0, 0, &m, msg, sizeof(msg)) !=
	    CTL_R_STATS) {
		snprintf(err, errlen, "IPsec engine: %s", msg);
		return (-1);
	}
	loaded = ver == 4 ? m.m_stats.cs_loaded4 : m.m_stats.cs_loaded6;
	if (!loaded)
		return (0);
load:
	if (ctl_call(fd, CTL_LOAD, ver, 0, &m, msg, sizeof(msg)) !=
	    CTL_R_OK) {
		snprintf(err, errlen, "%s; IPv%d filter rules not loaded",
		    msg, ver);
		return (-1);
	}
	return (0);
}

int
tunctl_check(char *err, size_t errlen)
{
	int	fd;

	if ((fd = ctl_connect(err, errlen)) == -1)
		return (-1);
	close(fd);
	/* TODO: a listing request for lstun -a. */
	snprintf(err, errlen, "IPsec engine: listing manual tunnels is not "
	    "supported by this ipsecd");
	return (-1);
}
