/*
 * control.c: ipsecd.sock, the commands' way into the live engine
 * (architecture.md 4, lib/ctl.h).  A SOCK_SEQPACKET socket made under a
 * umask so it is 0600 from birth, in a 0700 directory, and every peer
 * checked with SO_PEERCRED: uid 0 only, whatever the file modes say.
 * Requests are served whole, in order, on the daemon's one thread.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confdir.h"
#include "ctl.h"
#include "db.h"
#include "ipsecd.h"
#include "logrec.h"
#include "tundb.h"
#include "tunload.h"

#define CONTROL_SNDTIMEO	2	/* seconds a slow reader may stall us */
#define CONTROL_MAXTUN		1024	/* manual tunnels installed at once */
#define CONTROL_SEQFILE		"tunseq"
/*
 * Nonce safety for manual keys (sys/ipf.h, RFC 4106 8.1, RFC 3686 2.1):
 * a manual tunnel keeps its keys across rmtun and mktun, so its outbound
 * counter must never count from the same number twice.  tunseq in
 * IPSEC_CONFDIR keeps, per (version, tid, outbound ESP and AH SPI), a
 * reserved high-water mark.  An activation starts the counters at the
 * saved mark and, before the tunnel is installed, saves mark + BLOCK
 * (fsync'd by db_save()); the daemon loop extends the saved mark by
 * another BLOCK once the tunnel's counter comes within BLOCK/2 of it.
 * A crash then loses at most the unused rest of a block, never reuses a
 * number.  New SPIs (gentun, chtun with new keys) start from 0.
 */
#define CONTROL_SEQBLOCK	((uint64_t)1 << 20)

struct control_tun {
	struct tun_active ct_info;	/* lstun -a: the tunnel as installed */
	uint32_t	ct_espspi;	/* outbound SPIs: the key's identity */
	uint32_t	ct_ahspi;
	uint64_t	ct_mark;	/* reserved on disk, exclusive */
};

struct control {
	struct ipsecd	*c_d;
	int		 c_fd;		/* listening, or -1 */
	char		 c_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 c_clients[IPSECD_MAXCLIENTS];
	uint8_t		 c_refused[IPSECD_MAXCLIENTS];
	union ctl_msg	 c_drain;
	struct control_tun c_tuns[CONTROL_MAXTUN];
	size_t		 c_ntuns;
};

static void	control_accept(struct control *);
static int	control_slot(struct control *, int, int);
static int	control_request(struct control *, int);
static int	control_send(int, union ctl_msg *);
static int	control_reply(int, int);
static int	control_error(int, int, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static int	control_load(struct control *, int, int);
static int	control_unload(struct control *, int, int);
static int	control_rules(struct control *, int, int);
static int	control_stats(struct control *, int, int);
static int	control_ver(int);
static int	control_tunnel(struct control *, int, int, uint32_t);
static int	control_tunnel_del(struct control *, int, int, uint32_t);
static int	control_seq_get(const struct control_tun *, uint64_t *,
		    char *, size_t);
static int	control_seq_put(const struct control_tun *, char *, size_t);
static void	control_tick(struct control *);
static struct control_tun *control_find(struct control *, int, uint32_t);
static int	control_tunnels(struct control *, int, int);
static void	control_event(struct control *, int, const struct tun_active *);

struct control *
control_open(struct ipsecd *d, const char *path)
{
	struct control		*c;
	struct sockaddr_un	 sun;
	mode_t			 old;
	size_t			 i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->c_d = d;
	for (i = 0; i < IPSECD_MAXCLIENTS; i++)
		c->c_clients[i] = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    path) >= sizeof(sun.sun_path)) {
		log_warnx("%s: path too long", path);
		free(c);
		return (NULL);
	}
	memcpy(c->c_path, sun.sun_path, sizeof(c->c_path));
	if ((c->c_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		free(c);
		return (NULL);
	}
	/* The caller holds the pid file lock: a socket here is stale. */
	unlink(path);
	old = umask(0177);
	if (bind(c->c_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", path);
		umask(old);
		close(c->c_fd);
		free(c);
		return (NULL);
	}
	umask(old);
	/* And 0600 even if the umask was not honoured (as iked does). */
	if (chmod(path, 0600) == -1 || listen(c->c_fd, 8) == -1) {
		log_warn("%s", path);
		control_close(c);
		return (NULL);
	}
	return (c);
}

void
control_close(struct control *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < IPSECD_MAXCLIENTS; i++)
		if (c->c_clients[i] != -1)
			close(c->c_clients[i]);
	control_unlisten(c);
	free(c);
}

/* Stop taking connections; the clients stay until their replies. */
void
control_unlisten(struct control *c)
{
	if (c->c_fd == -1)
		return;
	close(c->c_fd);
	unlink(c->c_path);
	c->c_fd = -1;
}

/* pfd[0] is the listening socket, then one slot per client. */
int
control_pollfds(const struct control *c, struct pollfd *pfd, size_t max)
{
	size_t	i;

	if (max < IPSECD_MAXCLIENTS + 1)
		return (-1);
	pfd[0].fd = c->c_fd;
	pfd[0].events = POLLIN;
	for (i = 0; i < IPSECD_MAXCLIENTS; i++) {
		pfd[i + 1].fd = c->c_clients[i];
		pfd[i + 1].events = POLLIN;
	}
	return (IPSECD_MAXCLIENTS + 1);
}

void
control_dispatch(struct control *c, const struct pollfd *pfd, size_t n)
{
	size_t	i;

	for (i = 1; i < n && i <= IPSECD_MAXCLIENTS; i++) {
		if (pfd[i].fd == -1 || pfd[i].revents == 0)
			continue;
		if (c->c_refused[i - 1] ||
		    control_request(c, pfd[i].fd) == -1) {
			/* Read first: unread data would reset the peer. */
			recv(pfd[i].fd, &c->c_drain, sizeof(c->c_drain),
			    MSG_DONTWAIT);
			close(pfd[i].fd);
			c->c_clients[i - 1] = -1;
			c->c_refused[i - 1] = 0;
		}
		if (c->c_d->d_quit)
			return;
	}
	if (pfd[0].fd != -1 && (pfd[0].revents & POLLIN))
		control_accept(c);
	control_tick(c);
}

static void
control_accept(struct control *c)
{
	struct ucred	cred;
	struct timeval	tv = { CONTROL_SNDTIMEO, 0 };
	socklen_t	len = sizeof(cred);
	int		fd;

	if ((fd = accept4(c->c_fd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("SO_PEERCRED");
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/*
	 * STYLE.md 10: the engine answers to root alone.  Others get one
	 * refusal and, once their request is read, the close.
	 */
	if (cred.uid != 0) {
		log_warnx("control: refused uid %u pid %d", cred.uid,
		    cred.pid);
		control_error(fd, EPERM, "permission denied: uid %u is not "
		    "root", cred.uid);
		shutdown(fd, SHUT_WR);
		if (control_slot(c, fd, 1) == -1)
			close(fd);
		return;
	}
	if (control_slot(c, fd, 0) == -1) {
		control_error(fd, EBUSY, "too many clients");
		close(fd);
	}
}

static int
control_slot(struct control *c, int fd, int refused)
{
	size_t	i;

	for (i = 0; i < IPSECD_MAXCLIENTS; i++)
		if (c->c_clients[i] == -1) {
			c->c_clients[i] = fd;
			c->c_refused[i] = (uint8_t)refused;
			return (0);
		}
	return (-1);
}

static int
control_send(int fd, union ctl_msg *m)
{
	ssize_t	n;

	n = send(fd, m, m->m_hdr.ch_len, MSG_NOSIGNAL);
	if (n != (ssize_t)m->m_hdr.ch_len) {
		log_debug("control: reply lost: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

static int
control_reply(int fd, int type)
{
	union ctl_msg	m;

	ctl_msg_init(&m, type);
	return (control_send(fd, &m));
}

static int
control_error(int fd, int errnum, const char *fmt, ...)
{
	union ctl_msg	m;
	va_list		ap;

	ctl_msg_init(&m, CTL_R_ERR);
	m.m_err.ce_errno = errnum;
	va_start(ap, fmt);
	vsnprintf(m.m_err.ce_msg, sizeof(m.m_err.ce_msg), fmt, ap);
	va_end(ap);
	return (control_send(fd, &m));
}

/* The table slot of a version, or -1. */
static int
control_ver(int ver)
{
	if (ver == 4)
		return (0);
	if (ver == 6)
		return (1);
	return (-1);
}

/* -1: drop the client. */
static int
control_request(struct control *c, int fd)
{
	struct ipsecd	*d = c->c_d;
	union ctl_msg	 m;
	ssize_t		 n;
	int		 type, ver;

	n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
	if (n == -1)
		return (errno == EAGAIN || errno == EINTR ? 0 : -1);
	if (n == 0)
		return (-1);
	type = ctl_msg_check(&m, (size_t)n);
	if (type == -1 || type >= CTL_REQ_MAX) {
		control_error(fd, EPROTO, "bad request");
		return (-1);
	}
	ver = m.m_req.cq_ver;
	switch (type) {
	case CTL_PING:
		return (control_reply(fd, CTL_R_OK));
	case CTL_LOAD:
		return (control_load(c, fd, ver));
	case CTL_UNLOAD:
		return (control_unload(c, fd, ver));
	case CTL_RULES:
		return (control_rules(c, fd, ver));
	case CTL_DYNAMIC:
		/* TODO: IKE's rules, once iked feeds the dynamic table. */
		if (control_ver(ver) == -1)
			return (control_error(fd, EINVAL,
			    "bad IP version %d", ver));
		return (control_reply(fd, ipf_loaded(d->d_ipf, ver) ?
		    CTL_R_END : CTL_R_INACTIVE));
	case CTL_STATS:
	case CTL_STATS_CLEAR:
		return (control_stats(c, fd, type == CTL_STATS_CLEAR));
	case CTL_LOGGING:
		d->d_logging = m.m_req.cq_arg != 0;
		ipf_set_logging(d->d_ipf, d->d_logging);
		log_info("logging %s", d->d_logging ? "started" : "stopped");
		return (control_reply(fd, CTL_R_OK));
	case CTL_STOP:
		log_info("stopped by request");
		ipsecd_shutdown(d);
		return (control_reply(fd, CTL_R_OK));
	case CTL_TUNNEL:
		return (control_tunnel(c, fd, ver, (uint32_t)m.m_req.cq_arg));
	case CTL_TUNNEL_DEL:
		return (control_tunnel_del(c, fd, ver,
		    (uint32_t)m.m_req.cq_arg));
	case CTL_TUNNELS:
		return (control_tunnels(c, fd, ver));
	default:
		return (control_error(fd, ENOTSUP, "request %d not supported",
		    type));
	}
}

/*
 * All or nothing (STYLE.md 5): the database is read and the engine's
 * table built aside by ipf_load(); the old table stays on any error.
 */
static int
control_load(struct control *c, int fd, int ver)
{
	struct ipsecd	*d = c->c_d;
	struct ftable	 ft;
	struct fload	 fl;
	enum ipf_cerr	 ce;
	char		 err[CTL_ERRMAX];
	size_t		 bad = 0;
	int		 slot;

	if ((slot = control_ver(ver)) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	if (ftable_read(ver, &ft, err, sizeof(err)) == -1)
		return (control_error(fd, errno, "%s", err));
	if (fload_make(&ft, &fl, err, sizeof(err)) == -1) {
		ftable_free(&ft);
		return (control_error(fd, EINVAL, "%s", err));
	}
	ce = ipf_load(d->d_ipf, ver, fl.fl_rules, fl.fl_n, ipsecd_now(),
	    &bad);
	fload_free(&fl);
	if (ce != IPF_CE_OK) {
		snprintf(err, sizeof(err), "rule %u: %s", bad < ft.ft_n ?
		    ft.ft_rules[bad].fr_rule.r_id : 0, ipf_cerr_names[ce]);
		ftable_free(&ft);
		return (control_error(fd, ce == IPF_CE_NOMEM ? ENOMEM :
		    EINVAL, "%s", err));
	}
	ftable_free(&d->d_table[slot]);
	d->d_table[slot] = ft;
	log_info("IPv%d filter rules loaded: %zu rules", ver, ft.ft_n);
	return (control_reply(fd, CTL_R_OK));
}

/*
 * mkfilt -d (version 0: both, in one request, since the first of two
 * could already leave nothing loaded).  With no version left there is
 * nothing to hook for.
 */
static int
control_unload(struct control *c, int fd, int ver)
{
	struct ipsecd	*d = c->c_d;
	int		 v;

	if (ver != 0 && control_ver(ver) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	for (v = 4; v <= 6; v += 2) {
		if (ver != 0 && ver != v)
			continue;
		ipf_unload(d->d_ipf, v);
		ftable_free(&d->d_table[control_ver(v)]);
		log_info("IPv%d filter rules deactivated", v);
	}
	if (!ipf_loaded(d->d_ipf, 4) && !ipf_loaded(d->d_ipf, 6)) {
		/* Before the reply, so a new ipsecd may start at once. */
		ipsecd_shutdown(d);
	}
	return (control_reply(fd, CTL_R_OK));
}

/*
 * lsfilt -a: one CTL_R_RULE per rule the engine still holds (expired
 * rules are omitted), the record as loaded without its description
 * (aix-reference.md 2.5), then CTL_R_END.
 */
static int
control_rules(struct control *c, int fd, int ver)
{
	struct ipsecd		*d = c->c_d;
	struct ipf_rulestat	*rs;
	struct ftable		*ft;
	union ctl_msg		 m;
	size_t			 n, i, idx;
	uint64_t		 now = ipsecd_now();
	int			 slot;

	if ((slot = control_ver(ver)) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	if (!ipf_loaded(d->d_ipf, ver))
		return (control_reply(fd, CTL_R_INACTIVE));
	ft = &d->d_table[slot];
	n = ipf_rulestats(d->d_ipf, ver, 0, NULL, 0, now);
	if ((rs = calloc(n + 1, sizeof(*rs))) == NULL)
		return (control_error(fd, ENOMEM, "out of memory"));
	n = ipf_rulestats(d->d_ipf, ver, 0, rs, n, now);
	for (i = 0; i < n; i++) {
		if (ftable_index(ft, rs[i].rs_id, &idx) == -1)
			continue;
		ctl_msg_init(&m, CTL_R_RULE);
		m.m_rule.cr_rule = ft->ft_rules[idx];
		m.m_rule.cr_rule.fr_rule.r_pats = NULL;
		m.m_rule.cr_rule.fr_rule.r_npats = 0;
		memset(m.m_rule.cr_rule.fr_desc, 0,
		    sizeof(m.m_rule.cr_rule.fr_desc));
		m.m_rule.cr_stat = rs[i];
		if (control_send(fd, &m) == -1) {
			free(rs);
			return (-1);
		}
	}
	free(rs);
	return (control_reply(fd, CTL_R_END));
}

static int
control_stats(struct control *c, int fd, int clear)
{
	struct ipsecd	*d = c->c_d;
	union ctl_msg	 m;

	ctl_msg_init(&m, CTL_R_STATS);
	ipf_stats_get(d->d_ipf, &m.m_stats.cs_stats);
	/* Lost in the engine's sink, or on the way to ipsec_logd. */
	m.m_stats.cs_stats.st_log_lost += d->d_log->ls_lost;
	m.m_stats.cs_loaded4 = (uint8_t)ipf_loaded(d->d_ipf, 4);
	m.m_stats.cs_loaded6 = (uint8_t)ipf_loaded(d->d_ipf, 6);
	m.m_stats.cs_logging = (uint8_t)d->d_logging;
	/* Queue and socket overruns, malformed messages, failed sends. */
	m.m_stats.cs_hostlost = d->d_enobufs + d->d_bad + d->d_unsent;
	if (clear) {
		ipf_stats_clear(d->d_ipf);
		d->d_log->ls_lost = 0;
		d->d_enobufs = d->d_bad = d->d_unsent = 0;
	}
	return (control_send(fd, &m));
}

/*
 * The installed tunnel (ver, id), or NULL.  One the engine no longer
 * holds (its lifetime ended) is forgotten here too.
 */
static struct control_tun *
control_find(struct control *c, int ver, uint32_t id)
{
	struct control_tun	*ct;
	uint64_t		 expire;
	size_t			 i;

	for (i = 0; i < c->c_ntuns; i++) {
		ct = &c->c_tuns[i];
		if (ct->ct_info.ta_ver != ver || ct->ct_info.ta_id != id)
			continue;
		if (ipf_tunnel_expire(c->c_d->d_ipf, ver, id, ipsecd_now(),
		    &expire) == 0)
			return (ct);
		*ct = c->c_tuns[--c->c_ntuns];
		return (NULL);
	}
	return (NULL);
}

/*
 * Activation and deactivation, for the log (aix-reference.md 8.3): the
 * tunnel's outbound SPIs, 0 for a header its policy does not use.
 */
static void
control_event(struct control *c, int what, const struct tun_active *ta)
{
	struct logrec	r;

	if (!c->c_d->d_logging)
		return;
	memset(&r, 0, sizeof(r));
	r.lr_type = LOGREC_TUNNEL;
	r.lr_time = (uint64_t)time(NULL);
	r.lr_tun.lt_event = (uint8_t)what;
	r.lr_tun.lt_ver = ta->ta_ver;
	r.lr_tun.lt_tunnel = ta->ta_id;
	r.lr_tun.lt_espspi = ta->ta_espspi[TUN_SRC];
	r.lr_tun.lt_ahspi = ta->ta_ahspi[TUN_SRC];
	r.lr_tun.lt_src = ta->ta_src;
	r.lr_tun.lt_dst = ta->ta_dst;
	logrec_send(c->c_d->d_log, &r);
}

/*
 * mktun: install tunnel id of version ver from IPSEC_CONFDIR, all or
 * nothing, its outbound counters starting at the reserved mark.
 */
static int
control_tunnel(struct control *c, int fd, int ver, uint32_t id)
{
	struct ipsecd		*d = c->c_d;
	struct ttable		 tt;
	struct ipf_tunnel	 it;
	struct control_tun	 ct;
	const struct tun	*t = NULL;
	enum ipf_terr		 e;
	char			 err[CTL_ERRMAX];
	uint64_t		 seq;
	size_t			 i;

	if (control_ver(ver) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	if (control_find(c, ver, id) != NULL)
		return (control_error(fd, EEXIST, "tunnel %u for IPv%d: %s",
		    id, ver, ipf_terr_names[IPF_TE_EXISTS]));
	if (c->c_ntuns == CONTROL_MAXTUN)
		return (control_error(fd, ENOSPC, "too many tunnels"));
	if (ttable_read(ver, &tt, err, sizeof(err)) == -1)
		return (control_error(fd, errno, "%s", err));
	for (i = 0; i < tt.tt_n; i++)
		if (tt.tt_tuns[i].t_id == id)
			t = &tt.tt_tuns[i];
	if (t == NULL) {
		ttable_free(&tt);
		return (control_error(fd, ENOENT, "tunnel %u for IPv%d: "
		    "no such tunnel", id, ver));
	}
	memset(&ct, 0, sizeof(ct));
	tunload_active(t, &ct.ct_info);
	ct.ct_espspi = t->t_espspi[TUN_SRC];
	ct.ct_ahspi = t->t_ahspi[TUN_SRC];
	if (control_seq_get(&ct, &seq, err, sizeof(err)) == -1)
		goto fail;
	/* Reserve on disk first: a crash after it wastes, never reuses. */
	ct.ct_mark = seq + CONTROL_SEQBLOCK;
	if (control_seq_put(&ct, err, sizeof(err)) == -1)
		goto fail;
	tunload_make(t, seq, &it);
	if ((e = ipf_tunnel_add(d->d_ipf, &it, ipsecd_now())) != IPF_TE_OK) {
		snprintf(err, sizeof(err), "tunnel %u for IPv%d: %s", id, ver,
		    ipf_terr_names[e]);
		goto fail;
	}
	ttable_free(&tt);
	c->c_tuns[c->c_ntuns++] = ct;
	control_event(c, LOGREC_TEV_ACTIVATED, &ct.ct_info);
	log_info("tunnel %u for IPv%d activated, sequence from %llu", id,
	    ver, (unsigned long long)seq);
	return (control_reply(fd, CTL_R_OK));
fail:
	ttable_free(&tt);
	return (control_error(fd, EINVAL, "%s", err));
}

/* rmtun: the counter's mark is saved before the SAs go. */
static int
control_tunnel_del(struct control *c, int fd, int ver, uint32_t id)
{
	struct control_tun	*ct;

	if (control_ver(ver) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	control_tick(c);
	if ((ct = control_find(c, ver, id)) == NULL)
		return (control_reply(fd, CTL_R_INACTIVE));
	(void)ipf_tunnel_remove(c->c_d->d_ipf, ver, id);
	control_event(c, LOGREC_TEV_DEACTIVATED, &ct->ct_info);
	*ct = c->c_tuns[--c->c_ntuns];
	log_info("tunnel %u for IPv%d deactivated", id, ver);
	return (control_reply(fd, CTL_R_OK));
}

/* lstun -a: one CTL_R_TUNNEL per installed tunnel of ver (0 both). */
static int
control_tunnels(struct control *c, int fd, int ver)
{
	struct control_tun	*ct;
	union ctl_msg		 m;
	uint64_t		 expire, now = ipsecd_now();
	size_t			 i;
	int			 n;

	if (ver != 0 && control_ver(ver) == -1)
		return (control_error(fd, EINVAL, "bad IP version %d", ver));
	control_tick(c);
	for (i = 0; i < c->c_ntuns; i++) {
		ct = &c->c_tuns[i];
		if ((ver != 0 && ct->ct_info.ta_ver != ver) ||
		    ipf_tunnel_expire(c->c_d->d_ipf, ct->ct_info.ta_ver,
		    ct->ct_info.ta_id, now, &expire) == -1)
			continue;
		ctl_msg_init(&m, CTL_R_TUNNEL);
		m.m_tunnel.ct_tun = ct->ct_info;
		m.m_tunnel.ct_tun.ta_remaining = expire == 0 ? -1 :
		    (int64_t)(expire - now);
		n = ipf_tunnel_sastats(c->c_d->d_ipf, ct->ct_info.ta_ver,
		    ct->ct_info.ta_id, m.m_tunnel.ct_tun.ta_sa, IPF_SAMAX);
		m.m_tunnel.ct_tun.ta_nsa = n > 0 ? (uint32_t)n : 0;
		if (control_send(fd, &m) == -1)
			return (-1);
	}
	return (control_reply(fd, CTL_R_END));
}

/*
 * Once a second and before each tunnel request: let the engine expire
 * what is due (its SA expired events), forget what it no longer holds,
 * and extend each tunnel's reserved mark once its counter comes within
 * half a block of it.  If that write fails the tunnel is removed:
 * sending past the mark could repeat a nonce after a crash.
 */
static void
control_tick(struct control *c)
{
	struct ipf		*ipf = c->c_d->d_ipf;
	struct control_tun	*ct;
	char			 err[CTL_ERRMAX];
	uint64_t		 used, old;
	size_t			 i;

	ipf_expire(ipf, ipsecd_now());
	for (i = 0; i < c->c_ntuns; i++) {
		ct = &c->c_tuns[i];
		if (ipf_tunnel_seq(ipf, ct->ct_info.ta_ver, ct->ct_info.ta_id,
		    &used) == -1) {
			c->c_tuns[i--] = c->c_tuns[--c->c_ntuns];
			continue;
		}
		if (used + CONTROL_SEQBLOCK / 2 < ct->ct_mark)
			continue;
		old = ct->ct_mark;
		ct->ct_mark = used + CONTROL_SEQBLOCK;
		if (control_seq_put(ct, err, sizeof(err)) == 0)
			continue;
		log_warnx("%s: tunnel %u for IPv%d removed", err,
		    ct->ct_info.ta_id, ct->ct_info.ta_ver);
		ct->ct_mark = old;
		(void)ipf_tunnel_remove(ipf, ct->ct_info.ta_ver,
		    ct->ct_info.ta_id);
		c->c_tuns[i--] = c->c_tuns[--c->c_ntuns];
	}
}

/* The saved mark of ct's key, 0 when none is saved. */
static int
control_seq_get(const struct control_tun *ct, uint64_t *mark, char *err,
    size_t errlen)
{
	char			 path[4096], *buf, *line, *save;
	unsigned long long	 m;
	unsigned int		 id, esp, ah;
	size_t			 len;
	int			 ver, r;

	*mark = 0;
	if (confdir_path(CONTROL_SEQFILE, path, sizeof(path), err,
	    errlen) == -1)
		return (-1);
	if ((r = db_load(path, &buf, &len, err, errlen)) != 0)
		return (r == 1 ? 0 : -1);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%d %u %u %u %llu", &ver, &id, &esp, &ah,
		    &m) != 5)
			continue;
		if (ver == ct->ct_info.ta_ver && id == ct->ct_info.ta_id &&
		    esp == ct->ct_espspi && ah == ct->ct_ahspi)
			*mark = m;
	}
	free(buf);
	return (0);
}

/* Replace ct's line of tunseq with its mark; other lines stay. */
static int
control_seq_put(const struct control_tun *ct, char *err, size_t errlen)
{
	char			 path[4096], *buf, *out, *line, *save;
	unsigned long long	 m;
	unsigned int		 id, esp, ah;
	size_t			 len = 0, olen = 0, cap;
	int			 ver, r, n;

	if (confdir_path(CONTROL_SEQFILE, path, sizeof(path), err,
	    errlen) == -1)
		return (-1);
	if ((r = db_load(path, &buf, &len, err, errlen)) == -1)
		return (-1);
	cap = len + 128;
	if ((out = malloc(cap)) == NULL) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	for (line = buf == NULL ? NULL : strtok_r(buf, "\n", &save);
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%d %u %u %u %llu", &ver, &id, &esp, &ah,
		    &m) != 5)
			continue;
		/* One line per tunnel: the old key's mark is moot. */
		if (ver == ct->ct_info.ta_ver && id == ct->ct_info.ta_id)
			continue;
		n = snprintf(out + olen, cap - olen, "%s\n", line);
		if (n > 0 && (size_t)n < cap - olen)
			olen += (size_t)n;
	}
	n = snprintf(out + olen, cap - olen, "%d %u %u %u %llu\n",
	    ct->ct_info.ta_ver, ct->ct_info.ta_id, ct->ct_espspi, ct->ct_ahspi,
	    (unsigned long long)ct->ct_mark);
	if (n > 0 && (size_t)n < cap - olen)
		olen += (size_t)n;
	free(buf);
	r = db_save(path, out, olen, err, errlen);
	free(out);
	return (r);
}
