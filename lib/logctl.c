/*
 * logctl.c: ipsec_logd's life as mkfilt -g sees it (logctl.h).
 *
 * Whether a daemon runs is what its pid file's lock says, not what the
 * file holds: a daemon that died leaves no lock behind, and a stale pid
 * is never signalled.
 */
#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "logctl.h"
#include "logfmt.h"
#include "logrec.h"

#define LOGCTL_WAIT	200		/* tries, 50 ms apart */

static int	logctl_open(int *, pid_t *, char *, size_t);
static int	logctl_path(char *, size_t, char *, size_t);
static void	logctl_nap(void);

static void
logctl_nap(void)
{
	struct timespec	ts = { 0, 50 * 1000 * 1000 };

	(void)nanosleep(&ts, NULL);
}

/*
 * 1 and *fdp open on the pid file when a daemon holds its lock (with
 * *pid from it), 0 when none does, -1 on error.
 */
static int
logctl_open(int *fdp, pid_t *pid, char *err, size_t errlen)
{
	char	path[PATH_MAX], buf[32];
	ssize_t	n;
	int	fd;

	*fdp = -1;
	*pid = 0;
	if (logrec_pidpath(path, sizeof(path), err, errlen) == -1)
		return (-1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd);
		return (0);
	}
	if (errno != EWOULDBLOCK) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		*pid = (pid_t)strtol(buf, NULL, 10);
	}
	*fdp = fd;
	return (1);
}

int
logctl_running(pid_t *pid, char *err, size_t errlen)
{
	int	fd, rv;

	if ((rv = logctl_open(&fd, pid, err, errlen)) == 1)
		close(fd);
	return (rv);
}

/* The daemon next to this command, as ctl.c finds ipsecd. */
static int
logctl_path(char *buf, size_t len, char *err, size_t errlen)
{
	char	self[PATH_MAX], *slash;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1) {
		snprintf(err, errlen, "/proc/self/exe: %s", strerror(errno));
		return (-1);
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", self, LOGREC_DAEMON) >= len) {
		snprintf(err, errlen, "%s: path too long", self);
		return (-1);
	}
	return (0);
}

/*
 * ipsec_logd detaches only once its socket is bound and its pid file
 * written, so its first process's exit status is the whole answer.
 */
int
logctl_start(pid_t *pid, char *err, size_t errlen)
{
	char	path[PATH_MAX];
	pid_t	child;
	int	rv, status;

	if ((rv = logctl_running(pid, err, errlen)) != 0)
		return (rv == 1 ? 0 : -1);
	if (logctl_path(path, sizeof(path), err, errlen) == -1)
		return (-1);
	if ((child = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return (-1);
	}
	if (child == 0) {
		execl(path, LOGREC_DAEMON, (char *)NULL);
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return (-1);
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s failed to start", LOGREC_DAEMON);
		return (-1);
	}
	if ((rv = logctl_running(pid, err, errlen)) != 1) {
		if (rv == 0)
			snprintf(err, errlen, "%s exited at once",
			    LOGREC_DAEMON);
		return (-1);
	}
	return (1);
}

int
logctl_stop(pid_t *pid, char *err, size_t errlen)
{
	int	fd, rv, i;

	if ((rv = logctl_open(&fd, pid, err, errlen)) != 1)
		return (rv);
	if (*pid <= 1 || kill(*pid, SIGTERM) == -1) {
		snprintf(err, errlen, "%s (pid %ld): %s", LOGREC_DAEMON,
		    (long)*pid, *pid <= 1 ? "bad pid file" :
		    strerror(errno));
		close(fd);
		return (-1);
	}
	/* Gone when its lock is free: it logs what it had queued first. */
	for (i = 0; i < LOGCTL_WAIT; i++) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
			close(fd);
			return (1);
		}
		logctl_nap();
	}
	close(fd);
	snprintf(err, errlen, "%s (pid %ld) did not stop", LOGREC_DAEMON,
	    (long)*pid);
	return (-1);
}

int
logctl_set(int on, char *err, size_t errlen)
{
	union ctl_msg	m;
	char		why[CTL_ERRMAX], scratch[64];
	pid_t		pid;
	int		fd, rv, started = 0;

	if ((fd = ctl_connect(err, errlen)) == -1) {
		/* No ipsecd: nothing to turn off, but the daemon goes. */
		if (on || (errno != ENOENT && errno != ECONNREFUSED))
			return (-1);
	} else if (on && (started = logctl_start(&pid, err, errlen)) == -1) {
		close(fd);
		return (-1);
	}
	if (fd != -1) {
		rv = ctl_call(fd, CTL_LOGGING, 0, on, &m, why, sizeof(why));
		close(fd);
		if (rv != CTL_R_OK) {
			if (rv == CTL_R_ERR)
				snprintf(err, errlen, "IPsec engine: %s", why);
			else if (rv == -1)
				snprintf(err, errlen, "%s", why);
			else
				snprintf(err, errlen, "IPsec engine: "
				    "unexpected reply %d", rv);
			if (started == 1)
				(void)logctl_stop(&pid, scratch,
				    sizeof(scratch));
			return (-1);
		}
	}
	logctl_syslog(on);
	if (on)
		return (started ? LOGCTL_STARTED : LOGCTL_WAS_RUNNING);
	if ((rv = logctl_stop(&pid, err, errlen)) == -1)
		return (-1);
	return (rv ? LOGCTL_STOPPED : LOGCTL_NOT_RUNNING);
}

void
logctl_syslog(int on)
{
	char	line[128];

	(void)logfmt_logging(line, sizeof(line), on, time(NULL));
	logctl_note("mkfilt", line);
}

void
logctl_note(const char *ident, const char *line)
{
	openlog(ident, 0, LOG_LOCAL4);
	syslog(LOG_DEBUG, "%s", line);
	closelog();
}
