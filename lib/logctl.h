/*
 * logctl.h: starting and stopping ipsec_logd for mkfilt -g
 * (aix-reference.md 3 and 8.1), and mkfilt's own status line.
 */
#ifndef LOGCTL_H
#define LOGCTL_H

#include <sys/types.h>

/*
 * Start ipsec_logd (the binary next to the running command) unless one
 * runs for this IPSEC_RUNDIR.  Returns 1 started, 0 already running,
 * -1 with err words; *pid is the daemon's.  Returns once its socket is
 * bound.
 */
int	logctl_start(pid_t *, char *, size_t);
/*
 * Stop the running ipsec_logd (SIGTERM) and wait until it is gone.
 * Returns 1 stopped, 0 none was running, -1 with err words.
 */
int	logctl_stop(pid_t *, char *, size_t);
/* Whether one runs: 1 yes (*pid), 0 no, -1 with err words. */
int	logctl_running(pid_t *, char *, size_t);
/* What logctl_set() did, for the command to word. */
enum logctl_did {
	LOGCTL_STARTED,			/* on; ipsec_logd started */
	LOGCTL_WAS_RUNNING,		/* on; ipsec_logd was running */
	LOGCTL_STOPPED,			/* off; ipsec_logd stopped */
	LOGCTL_NOT_RUNNING		/* off; no ipsec_logd was running */
};

/*
 * mkfilt -g start (1) or stop (0): ipsec_logd and ipsecd's logging flag
 * move together, and the status line goes to syslog.  Starting needs
 * ipsecd and starts the daemon before the flag, so no record is sent
 * before someone listens; if ipsecd refuses, a daemon we started is
 * stopped again.  Stopping clears the flag first (if ipsecd runs), so
 * none is sent after.  Idempotent.  Returns enum logctl_did, or -1 with
 * err words.
 */
int	logctl_set(int, char *, size_t);
/*
 * "Status of packet logging set to Start|Stop at T on D" to syslog,
 * ident mkfilt, local4, debug (aix-reference.md 8.3).
 */
void	logctl_syslog(int);
/* A command's own event line to syslog as ident, local4, debug. */
void	logctl_note(const char *, const char *);

#endif /* LOGCTL_H */
