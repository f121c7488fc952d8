/*
 * ipsec_logd: the filter logging daemon (aix-reference.md 8,
 * architecture.md 7, ipsec_logd(8)).
 *
 * ipsecd sends one datagram per log record (lib/logrec.h) to
 * $IPSEC_RUNDIR/logd.sock; we format each in its AIX line and write it
 * with syslog(3), facility local4, priority debug.  The sender never
 * waits for us, so whatever we do not read in time is lost (and counted
 * by ipsecd): we read in batches, and a record we cannot use is counted
 * and skipped, never fatal.
 */
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "confdir.h"
#include "log.h"
#include "logfmt.h"
#include "logrec.h"

#define SYNOPSIS	"ipsec_logd [-d]"
#define LOGD_BATCH	16		/* datagrams per recvmmsg(2) */
#define LOGD_ROUNDS	16		/* batches before looking at signals */
#define LOGD_RCVBUF	(8 << 20)	/* bytes queued for us at most */
#define LOGD_LINEMAX	256		/* the longest line is ~200 bytes */

struct logd {
	int		l_debug;
	int		l_sock;
	int		l_pidfd;
	char		l_sockpath[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char		l_pidpath[PATH_MAX];
	uint64_t	l_records;	/* lines written */
	uint64_t	l_bad;		/* datagrams ignored */
};

/* One batch of datagrams with their senders' credentials. */
struct logd_batch {
	struct mmsghdr	b_msg[LOGD_BATCH];
	struct iovec	b_iov[LOGD_BATCH];
	/* One more byte than any datagram, so an oversized one shows. */
	uint8_t		b_buf[LOGD_BATCH][LOGREC_DGRAMMAX + 1];
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct ucred))];
	}		b_cmsg[LOGD_BATCH];
};

static int	logd_pidfile(struct logd *);
static int	logd_bind(struct logd *);
static void	logd_detach(const struct logd *);
static void	logd_writepid(const struct logd *, pid_t);
static int	logd_signals(void);
static void	logd_line(const struct logd *, const char *);
static void	logd_status(const struct logd *, int);
static void	logd_bad(struct logd *, size_t, const char *);
static void	logd_record(struct logd *, const struct logrec *);
static void	logd_dgram(struct logd *, struct mmsghdr *);
static int	logd_drain(struct logd *, struct logd_batch *);
static void	logd_loop(struct logd *, int, struct logd_batch *);

/* 0 locked and ours; -1 with errno EWOULDBLOCK when another holds it. */
static int
logd_pidfile(struct logd *l)
{
	int	fd;

	if ((fd = open(l->l_pidpath, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return (-1);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return (-1);
	}
	l->l_pidfd = fd;
	return (0);
}

/*
 * The socket is made under a umask, so it is 0600 from the moment it
 * exists, and chmod'ed again in case the umask was not honoured, as
 * iked's control socket.  We hold the pid file lock, so a socket file
 * already there is a dead daemon's.
 */
static int
logd_bind(struct logd *l)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd, on = 1, sz = LOGD_RCVBUF;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, l->l_sockpath, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (-1);
	(void)unlink(l->l_sockpath);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(l->l_sockpath, 0600) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1) {
		close(fd);
		(void)unlink(l->l_sockpath);
		return (-1);
	}
	/* Room for a burst; root may exceed rmem_max, others get that. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	l->l_sock = fd;
	return (0);
}

static void
logd_writepid(const struct logd *l, pid_t pid)
{
	if (ftruncate(l->l_pidfd, 0) == -1 ||
	    dprintf(l->l_pidfd, "%ld\n", (long)pid) < 0)
		log_warn("%s", l->l_pidpath);
}

/*
 * The parent writes the child's pid before it exits, so whoever waits
 * for it (mkfilt -g start, systemd's Type=forking) finds the socket
 * bound and the pid file filled in.  Both share the locked descriptor.
 */
static void
logd_detach(const struct logd *l)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0) {
		logd_writepid(l, pid);
		_exit(0);
	}
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	/* Never hold the starter's stdout: its caller waits for EOF. */
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		fatal("/dev/null");
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static int
logd_signals(void)
{
	sigset_t	set;
	int		fd;

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	return (fd);
}

/* One log line: to syslog, and under -d as AIX shows it, to stderr. */
static void
logd_line(const struct logd *l, const char *line)
{
	syslog(LOG_DEBUG, "%s", line);
	if (l->l_debug) {
		fprintf(stderr, "ipsec_logd: %s\n", line);
		fflush(stderr);
	}
}

static void
logd_status(const struct logd *l, int start)
{
	char	line[LOGD_LINEMAX];

	(void)logfmt_logd(line, sizeof(line), start, time(NULL));
	logd_line(l, line);
}

/*
 * The first bad datagram is worth a line; after that only the count,
 * so a sender gone wrong cannot flood the log with our complaints.
 */
static void
logd_bad(struct logd *l, size_t len, const char *why)
{
	if (l->l_bad++ == 0)
		log_warnx("ignoring a %zu-byte datagram: %s (further ones are "
		    "only counted)", len, why);
	else
		log_debug("ignoring a %zu-byte datagram: %s", len, why);
}

static void
logd_record(struct logd *l, const struct logrec *r)
{
	char	line[LOGD_LINEMAX];

	if (r->lr_type == LOGREC_PKT)
		(void)logfmt_pkt(line, sizeof(line), &r->lr_pkt);
	else
		(void)logfmt_tunnel(line, sizeof(line), &r->lr_tun,
		    (time_t)r->lr_time);
	logd_line(l, line);
	l->l_records++;
}

/*
 * A datagram is taken whole or not at all: a bad record anywhere means
 * the sender and we disagree about the framing, so none of it is
 * trusted.  The first pass checks, the second logs.
 */
static void
logd_dgram(struct logd *l, struct mmsghdr *mm)
{
	struct msghdr	*mh = &mm->msg_hdr;
	struct cmsghdr	*cm;
	const uint8_t	*p;
	struct ucred	 cred;
	struct logrec	 r;
	enum logrec_err	 e;
	size_t		 left, used;
	int		 pass, trusted = 0;

	/*
	 * The socket is 0600, and the credentials say so again: only root
	 * (or our own user, for a daemon run unprivileged) may log.
	 */
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
			trusted = cred.uid == 0 || cred.uid == geteuid();
		}
	}
	if (!trusted) {
		logd_bad(l, mm->msg_len, "sender is not root");
		return;
	}
	if (mh->msg_flags & MSG_TRUNC) {
		logd_bad(l, mm->msg_len, logrec_err_names[LOGREC_E_LENGTH]);
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		p = mh->msg_iov->iov_base;
		left = mm->msg_len;
		do {
			if ((e = logrec_next(p, left, &used, &r)) !=
			    LOGREC_E_OK) {
				logd_bad(l, mm->msg_len, logrec_err_names[e]);
				return;
			}
			if (pass == 1)
				logd_record(l, &r);
			p += used;
			left -= used;
		} while (left > 0);
	}
}

/*
 * Read what is queued, a batch per system call, until the socket is
 * empty or LOGD_ROUNDS batches have gone by.  Returns 1 if more may be
 * waiting.
 */
static int
logd_drain(struct logd *l, struct logd_batch *b)
{
	int	i, n, round;

	for (round = 0; round < LOGD_ROUNDS; round++) {
		for (i = 0; i < LOGD_BATCH; i++) {
			b->b_iov[i].iov_base = b->b_buf[i];
			b->b_iov[i].iov_len = sizeof(b->b_buf[i]);
			memset(&b->b_msg[i], 0, sizeof(b->b_msg[i]));
			b->b_msg[i].msg_hdr.msg_iov = &b->b_iov[i];
			b->b_msg[i].msg_hdr.msg_iovlen = 1;
			b->b_msg[i].msg_hdr.msg_control = b->b_cmsg[i].buf;
			b->b_msg[i].msg_hdr.msg_controllen =
			    sizeof(b->b_cmsg[i].buf);
		}
		n = recvmmsg(l->l_sock, b->b_msg, LOGD_BATCH, MSG_DONTWAIT,
		    NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("recvmmsg");
			return (0);
		}
		for (i = 0; i < n; i++)
			logd_dgram(l, &b->b_msg[i]);
		if (n < LOGD_BATCH)
			return (0);
	}
	return (1);
}

static void
logd_loop(struct logd *l, int sigfd, struct logd_batch *b)
{
	struct pollfd			pfd[2];
	struct signalfd_siginfo		si;
	int				more = 0;

	for (;;) {
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = l->l_sock;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, more ? 0 : -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if ((pfd[0].revents & POLLIN) &&
		    read(sigfd, &si, sizeof(si)) == sizeof(si))
			break;
		more = 0;
		if (pfd[1].revents & POLLIN)
			more = logd_drain(l, b);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct logd		 l;
	struct logd_batch	*b;
	char			 rundir[PATH_MAX], err[1024];
	int			 sigfd;

	memset(&l, 0, sizeof(l));
	l.l_sock = l.l_pidfd = -1;
	cmd_init("ipsec_logd", SYNOPSIS);
	cmd_getopt(argc, argv, "d", &cf);
	l.l_debug = cf.cf_val['d'] != NULL;
	log_init(1, "ipsec_logd", LOG_LOCAL4);

	if (confdir_rundir(rundir, sizeof(rundir), err, sizeof(err)) == -1 ||
	    logrec_sockpath(l.l_sockpath, sizeof(l.l_sockpath), err,
	    sizeof(err)) == -1 ||
	    logrec_pidpath(l.l_pidpath, sizeof(l.l_pidpath), err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	if (mkdir(rundir, 0700) == -1 && errno != EEXIST)
		fatal("%s", rundir);
	if (logd_pidfile(&l) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("already running (%s is locked)", l.l_pidpath);
		fatal("%s", l.l_pidpath);
	}
	if (logd_bind(&l) == -1) {
		(void)unlink(l.l_pidpath);
		fatal("%s", l.l_sockpath);
	}
	/* Blocked before the fork: no window where SIGTERM kills us dead. */
	sigfd = logd_signals();
	if ((b = malloc(sizeof(*b))) == NULL)
		fatal("malloc");
	/*
	 * The start line goes out before the starter (mkfilt -g start)
	 * returns, so it precedes whatever the starter logs next.
	 */
	logd_status(&l, 1);
	if (l.l_debug)
		logd_writepid(&l, getpid());
	else
		logd_detach(&l);
	log_init(l.l_debug, "ipsec_logd", LOG_LOCAL4);

	logd_loop(&l, sigfd, b);

	/* Records queued at the signal were sent before it: log them. */
	(void)logd_drain(&l, b);
	free(b);
	logd_status(&l, 0);
	if (l.l_bad != 0)
		log_warnx("%llu malformed datagrams ignored",
		    (unsigned long long)l.l_bad);
	(void)unlink(l.l_sockpath);
	(void)unlink(l.l_pidpath);
	close(l.l_sock);
	close(l.l_pidfd);
	close(sigfd);
	closelog();
	return (0);
}
