/*
 * ctl.c: the control protocol's message checks and the commands' client
 * for $IPSEC_RUNDIR/ipsecd.sock (ctl.h, architecture.md 4).
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confdir.h"
#include "ctl.h"

#define CTL_TIMEOUT	60		/* seconds a reply may take */
#define CTL_START_WAIT	100		/* tries, 50 ms apart */

static int	ctl_daemon_path(char *, size_t, char *, size_t);
static int	ctl_spawn(const char *, char *, size_t);
static int	ctl_ping(int, char *, size_t);
static int	ctl_locked(void);

size_t
ctl_msg_size(int type)
{
	switch (type) {
	case CTL_PING:
	case CTL_LOAD:
	case CTL_UNLOAD:
	case CTL_RULES:
	case CTL_DYNAMIC:
	case CTL_STATS:
	case CTL_STATS_CLEAR:
	case CTL_LOGGING:
	case CTL_STOP:
	case CTL_TUNNEL:
	case CTL_TUNNEL_DEL:
	case CTL_TUNNELS:
		return (sizeof(struct ctl_req));
	case CTL_R_OK:
	case CTL_R_END:
	case CTL_R_INACTIVE:
		return (sizeof(struct ctl_hdr));
	case CTL_R_ERR:
		return (sizeof(struct ctl_err));
	case CTL_R_RULE:
		return (sizeof(struct ctl_rule));
	case CTL_R_STATS:
		return (sizeof(struct ctl_stats));
	case CTL_R_TUNNEL:
		return (sizeof(struct ctl_tunnel));
	default:
		return (0);
	}
}

void
ctl_msg_init(union ctl_msg *m, int type)
{
	memset(m, 0, sizeof(*m));
	m->m_hdr.ch_version = CTL_VERSION;
	m->m_hdr.ch_type = (uint16_t)type;
	m->m_hdr.ch_len = (uint32_t)ctl_msg_size(type);
}

int
ctl_msg_check(const union ctl_msg *m, size_t len)
{
	size_t	want;

	if (len < sizeof(m->m_hdr) || m->m_hdr.ch_version != CTL_VERSION)
		return (-1);
	want = ctl_msg_size(m->m_hdr.ch_type);
	if (want == 0 || len != want || m->m_hdr.ch_len != want)
		return (-1);
	if (m->m_hdr.ch_type == CTL_R_ERR &&
	    memchr(m->m_err.ce_msg, '\0', sizeof(m->m_err.ce_msg)) == NULL)
		return (-1);
	return (m->m_hdr.ch_type);
}

int
ctl_sockpath(char *buf, size_t len, char *err, size_t errlen)
{
	char	dir[PATH_MAX];

	if (confdir_rundir(dir, sizeof(dir), err, errlen) == -1)
		return (-1);
	if ((size_t)snprintf(buf, len, "%s/%s", dir, CTL_SOCKNAME) >= len) {
		snprintf(err, errlen, "IPSEC_RUNDIR is too long");
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

int
ctl_connect(char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	struct ucred		cred;
	struct timeval		tv = { CTL_TIMEOUT, 0 };
	socklen_t		clen = sizeof(cred);
	int			fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ctl_sockpath(sun.sun_path, sizeof(sun.sun_path), err,
	    errlen) == -1)
		return (-1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "IPsec engine: socket: %s",
		    strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		if (saved == ENOENT || saved == ECONNREFUSED)
			snprintf(err, errlen, "IPsec engine is not running");
		else
			snprintf(err, errlen, "IPsec engine: %s: %s",
			    sun.sun_path, strerror(saved));
		close(fd);
		errno = saved;
		return (-1);
	}
	/* Only root's ipsecd may hear what we load (STYLE.md 10). */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == -1 ||
	    cred.uid != 0) {
		snprintf(err, errlen, "IPsec engine: %s is not root's",
		    sun.sun_path);
		close(fd);
		errno = EPERM;
		return (-1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return (fd);
}

int
ctl_send(int fd, int type, int ver, int arg)
{
	union ctl_msg	m;

	ctl_msg_init(&m, type);
	m.m_req.cq_ver = ver;
	m.m_req.cq_arg = arg;
	if (send(fd, &m, m.m_hdr.ch_len, MSG_NOSIGNAL) !=
	    (ssize_t)m.m_hdr.ch_len)
		return (-1);
	return (0);
}

int
ctl_recv(int fd, union ctl_msg *m, char *err, size_t errlen)
{
	ssize_t	n;
	int	type;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		snprintf(err, errlen, "IPsec engine: %s", strerror(errno));
		return (-1);
	}
	if (n == 0) {
		snprintf(err, errlen, "IPsec engine: connection closed");
		errno = ECONNRESET;
		return (-1);
	}
	if ((type = ctl_msg_check(m, (size_t)n)) == -1) {
		snprintf(err, errlen, "IPsec engine: bad reply (version %u, "
		    "type %u, %zd bytes)", m->m_hdr.ch_version,
		    m->m_hdr.ch_type, n);
		errno = EPROTO;
		return (-1);
	}
	if (type == CTL_R_ERR) {
		snprintf(err, errlen, "%s", m->m_err.ce_msg);
		errno = m->m_err.ce_errno;
	}
	return (type);
}

int
ctl_call(int fd, int type, int ver, int arg, union ctl_msg *reply,
    char *err, size_t errlen)
{
	int	saved, rv;

	if (ctl_send(fd, type, ver, arg) == -1) {
		/* A refusal is sent before the close: report that. */
		saved = errno;
		if ((rv = ctl_recv(fd, reply, err, errlen)) == CTL_R_ERR)
			return (rv);
		snprintf(err, errlen, "IPsec engine: %s", strerror(saved));
		return (-1);
	}
	return (ctl_recv(fd, reply, err, errlen));
}

static int
ctl_ping(int fd, char *err, size_t errlen)
{
	union ctl_msg	m;
	int		type;

	if ((type = ctl_call(fd, CTL_PING, 0, 0, &m, err, errlen)) == -1)
		return (-1);
	if (type != CTL_R_OK) {
		if (type != CTL_R_ERR)
			snprintf(err, errlen, "IPsec engine: bad reply to "
			    "ping");
		else
			snprintf(err, errlen, "IPsec engine: %s",
			    m.m_err.ce_msg);
		return (-1);
	}
	return (0);
}

/* 1 if an ipsecd holds the pid file's lock (running or starting). */
static int
ctl_locked(void)
{
	char	dir[PATH_MAX], path[PATH_MAX + sizeof(CTL_PIDNAME) + 1];
	char	err[CTL_ERRMAX];
	int	fd, locked;

	if (confdir_rundir(dir, sizeof(dir), err, sizeof(err)) == -1)
		return (0);
	snprintf(path, sizeof(path), "%s/%s", dir, CTL_PIDNAME);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (0);
	locked = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	return (locked);
}

/* The ipsecd next to this command: commands and daemon install together. */
static int
ctl_daemon_path(char *buf, size_t len, char *err, size_t errlen)
{
	char	self[PATH_MAX], *slash;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1) {
		snprintf(err, errlen, "IPsec engine: /proc/self/exe: %s",
		    strerror(errno));
		return (-1);
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", self, CTL_DAEMON) >= len) {
		snprintf(err, errlen, "IPsec engine: path too long");
		return (-1);
	}
	return (0);
}

/*
 * Run ipsecd (with one flag, or none) and wait for it.  ipsecd binds its
 * socket and hooks the queue before it detaches, so once the process we
 * ran has exited 0 the socket answers.
 */
static int
ctl_spawn(const char *flag, char *err, size_t errlen)
{
	char	path[PATH_MAX];
	char	*argv[] = { (char *)(uintptr_t)CTL_DAEMON,
		    (char *)(uintptr_t)flag, NULL };
	pid_t	pid;
	int	st;

	if (ctl_daemon_path(path, sizeof(path), err, errlen) == -1)
		return (-1);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "IPsec engine: fork: %s",
		    strerror(errno));
		return (-1);
	}
	if (pid == 0) {
		execv(path, argv);
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "IPsec engine: waitpid: %s",
			    strerror(errno));
			return (-1);
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "IPsec engine: %s failed to start",
		    CTL_DAEMON);
		return (-1);
	}
	return (0);
}

int
ctl_start(char *err, size_t errlen)
{
	struct timespec	ts = { 0, 50 * 1000 * 1000 };
	char		why[CTL_ERRMAX];
	int		fd, i, spawned;

	if ((fd = ctl_connect(err, errlen)) != -1 ||
	    (errno != ENOENT && errno != ECONNREFUSED))
		return (fd);
	/*
	 * Another ipsecd may be starting at the same time (a second
	 * command, or systemd's ipsecd -d before its ExecStartPost); then
	 * ours exits at once, the pid file being locked, and theirs
	 * answers soon.  So wait for an answer while the lock is held.
	 */
	if ((spawned = ctl_spawn(NULL, why, sizeof(why))) == -1 &&
	    !ctl_locked()) {
		snprintf(err, errlen, "%s", why);
		return (-1);
	}
	for (i = 0; i < CTL_START_WAIT; i++) {
		if ((fd = ctl_connect(err, errlen)) != -1) {
			if (ctl_ping(fd, err, errlen) == 0)
				return (fd);
			close(fd);
			return (-1);
		}
		if (errno != ENOENT && errno != ECONNREFUSED)
			return (-1);
		nanosleep(&ts, NULL);
	}
	if (spawned == -1)
		snprintf(err, errlen, "%s", why);
	return (-1);
}

/*
 * mkfilt -d with no ipsecd answering: a killed ipsecd left its hook,
 * which drops everything (fail closed); "ipsecd -u" takes it away.
 */
int
ctl_unhook(char *err, size_t errlen)
{
	return (ctl_spawn("-u", err, errlen));
}
