/*
 * tunctl.c: manual tunnels in ipsecd (lib/ctl.h CTL_TUNNEL,
 * CTL_TUNNEL_DEL, CTL_TUNNELS).  ipsecd reads the tunnel from the database itself, as
 * it does the filter rules, so no key ever crosses the socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "logctl.h"
#include "logfmt.h"
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

/* Ascending version, then tid, as the listings go. */
static int
tunctl_cmp(const void *a, const void *b)
{
	const struct tun_active	*x = a, *y = b;

	if (x->ta_ver != y->ta_ver)
		return (x->ta_ver < y->ta_ver ? -1 : 1);
	return (x->ta_id < y->ta_id ? -1 : x->ta_id > y->ta_id);
}

int
tunctl_list(int ver, struct tun_active **list, size_t *n, char *err,
    size_t errlen)
{
	union ctl_msg		 m;
	struct tun_active	*l = NULL, *nl;
	size_t			 cnt = 0;
	char			 msg[CTL_ERRMAX + 64];
	int			 fd, type, saved;

	*list = NULL;
	*n = 0;
	if ((fd = ctl_connect(err, errlen)) == -1)
		return (-1);
	if (ctl_send(fd, CTL_TUNNELS, ver, 0) == -1) {
		saved = errno;
		snprintf(err, errlen, "IPsec engine: %s", strerror(saved));
		goto fail;
	}
	while ((type = ctl_recv(fd, &m, msg, sizeof(msg))) == CTL_R_TUNNEL) {
		if ((nl = reallocarray(l, cnt + 1, sizeof(*l))) == NULL) {
			saved = ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		l = nl;
		l[cnt++] = m.m_tunnel.ct_tun;
	}
	if (type != CTL_R_END) {
		saved = EPROTO;
		if (type == -1)
			snprintf(err, errlen, "%s", msg);
		else
			snprintf(err, errlen, "IPsec engine: %s",
			    type == CTL_R_ERR ? msg : "unexpected reply");
		goto fail;
	}
	close(fd);
	if (cnt > 1)
		qsort(l, cnt, sizeof(*l), tunctl_cmp);
	*list = l;
	*n = cnt;
	return (0);
fail:
	close(fd);
	free(l);
	errno = saved;
	return (-1);
}

void
tunctl_note(const char *ident, const struct tun *t, int on)
{
	char	line[160];

	(void)logfmt_manual(line, sizeof(line), t->t_id, t->t_ver, &t->t_src,
	    &t->t_dst, on);
	logctl_note(ident, line);
}
