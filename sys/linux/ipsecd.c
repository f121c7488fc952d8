/*
 * ipsecd: the live host of the ipsecfilt engine on Linux
 * (architecture.md 2, 4; ipsecd(8)).
 *
 * Start-up order matters: the pid file lock makes us the only ipsecd
 * of this IPSEC_RUNDIR, the queue is bound before the hook sends it
 * anything, and the control socket listens before we detach, so the
 * command that started us (mkfilt -u) finds it answering as soon as
 * the process it ran has exited.
 */
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <syslog.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confdir.h"
#include "ctl.h"
#include "ipsecd.h"
#include "logctl.h"
#include "logrec.h"

#define SYNOPSIS	"ipsecd [-d] [-q queue] | -u"
#define IPSECD_NPOLL	(6 + IPSECD_MAXCLIENTS + 1)

static __attribute__((__noreturn__)) void usage(void);
static int	ipsecd_pidfile(struct ipsecd *, const char *);
static void	ipsecd_detach(void);
static int	ipsecd_signals(void);
static void	ipsecd_loop(struct ipsecd *, int);
static void	ipsecd_logging(struct ipsecd *);
static void	ipsecd_carrier(struct ipsecd *);

static void
usage(void)
{
	fprintf(stderr, "usage: %s\n", SYNOPSIS);
	exit(2);
}

/* The engine's clock: whole seconds that never go back (m_now). */
uint64_t
ipsecd_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec);
}

/* 0 locked and ours; -1 with errno EWOULDBLOCK when another holds it. */
static int
ipsecd_pidfile(struct ipsecd *d, const char *rundir)
{
	int	fd;

	if ((size_t)snprintf(d->d_pidpath, sizeof(d->d_pidpath), "%s/%s",
	    rundir, CTL_PIDNAME) >= sizeof(d->d_pidpath)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = open(d->d_pidpath, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return (-1);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return (-1);
	}
	d->d_pidfd = fd;
	return (0);
}

static void
ipsecd_detach(void)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0)
		_exit(0);		/* the starter may now connect */
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
ipsecd_signals(void)
{
	sigset_t	set;
	int		fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	return (fd);
}

/*
 * Undo everything the outside world can see, hook first so no packet
 * is queued to a listener that is going away.  Safe to call twice.
 */
void
ipsecd_shutdown(struct ipsecd *d)
{
	if (d->d_q != NULL) {
		hook_remove();
		queue_close(d->d_q);
		d->d_q = NULL;
	}
	if (d->d_ctl != NULL)
		control_unlisten(d->d_ctl);
	if (d->d_pidfd != -1) {
		unlink(d->d_pidpath);
		close(d->d_pidfd);
		d->d_pidfd = -1;
	}
	d->d_quit = 1;
}

/*
 * Arriving ESP off the queue (carrier.c), if this host lets us make the
 * TUN device for what it lets in; without, it all goes by the queue.
 */
static void
ipsecd_carrier(struct ipsecd *d)
{
	if ((d->d_tun = tundev_open(TUNDEV_NAME)) == NULL ||
	    (d->d_gro = gro_open(d, d->d_tun)) == NULL ||
	    (d->d_car[0] = carrier_open(d, d->d_gro, 4)) == NULL ||
	    (d->d_car[1] = carrier_open(d, d->d_gro, 6)) == NULL) {
		log_warnx("arriving ESP goes by the queue");
		carrier_close(d->d_car[0]);
		carrier_close(d->d_car[1]);
		gro_close(d->d_gro);
		tundev_close(d->d_tun);
		d->d_car[0] = d->d_car[1] = NULL;
		d->d_gro = NULL;
		d->d_tun = NULL;
		return;
	}
	/* Port 4500 may be another's: then ESP in UDP takes the queue. */
	d->d_natt = natt_open(d, d->d_gro);
}

/*
 * Logging is on while ipsec_logd runs (mkfilt -g start|stop is global,
 * aix-reference.md 3): a restarted ipsecd finds it so, and its first
 * lines say that both tunnel caches start empty (aix-reference.md 8.3).
 */
static void
ipsecd_logging(struct ipsecd *d)
{
	struct logrec	r;
	char		err[1024];
	pid_t		pid;
	int		ver;

	if (logctl_running(&pid, err, sizeof(err)) != 1)
		return;
	d->d_logging = 1;
	ipf_set_logging(d->d_ipf, 1);
	for (ver = 4; ver <= 6; ver += 2) {
		memset(&r, 0, sizeof(r));
		r.lr_type = LOGREC_TUNNEL;
		r.lr_time = (uint64_t)time(NULL);
		r.lr_tun.lt_event = LOGREC_TEV_CLEARED;
		r.lr_tun.lt_ver = (uint8_t)ver;
		logrec_send(d->d_log, &r);
	}
	(void)logrec_flush(d->d_log);
}

static void
ipsecd_loop(struct ipsecd *d, int sigfd)
{
	struct pollfd			pfd[IPSECD_NPOLL];
	struct signalfd_siginfo		si;
	int				nctl, i;

	while (!d->d_quit) {
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = d->d_q != NULL ? queue_fd(d->d_q) : -1;
		pfd[1].events = POLLIN;
		pfd[2].fd = ifaddr_fd(d->d_ifa);
		pfd[2].events = POLLIN;
		for (i = 0; i < 2; i++) {
			pfd[3 + i].fd = d->d_car[i] != NULL ?
			    carrier_fd(d->d_car[i]) : -1;
			pfd[3 + i].events = POLLIN;
		}
		pfd[5].fd = d->d_natt != NULL ? natt_fd(d->d_natt) : -1;
		pfd[5].events = POLLIN;
		nctl = control_pollfds(d->d_ctl, pfd + 6, IPSECD_NPOLL - 6);
		/* Wake once a second for the tunnels' counter marks. */
		if (poll(pfd, (nfds_t)(6 + nctl), 1000) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & POLLIN) {
			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				log_info("signal %u: exiting", si.ssi_signo);
				break;
			}
		}
		if (pfd[2].revents & POLLIN)
			ifaddr_event(d->d_ifa);
		if (d->d_q != NULL && (pfd[1].revents & POLLIN))
			queue_dispatch(d->d_q);
		for (i = 0; i < 2; i++)
			if (d->d_car[i] != NULL && (pfd[3 + i].revents &
			    POLLIN))
				carrier_dispatch(d->d_car[i]);
		if (d->d_natt != NULL && (pfd[5].revents & POLLIN))
			natt_dispatch(d->d_natt);
		/* One datagram per burst, never one per packet. */
		if (d->d_log->ls_nrec > 0)
			(void)logrec_flush(d->d_log);
		control_dispatch(d->d_ctl, pfd + 6, (size_t)nctl);
	}
}

int
main(int argc, char *argv[])
{
	struct ipsecd	 d;
	char		 rundir[PATH_MAX], path[PATH_MAX], err[1024];
	char		*end;
	long		 l;
	int		 ch, debug = 0, unhook = 0, sigfd;

	memset(&d, 0, sizeof(d));
	d.d_pidfd = -1;
	d.d_queue = IPSECD_QUEUE;
	while ((ch = getopt(argc, argv, "dq:u")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'q':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || l < 0 ||
			    l > 65535 || errno != 0) {
				fprintf(stderr, "ipsecd: -q %s: must be "
				    "0-65535\n", optarg);
				exit(1);
			}
			d.d_queue = (uint16_t)l;
			break;
		case 'u':
			unhook = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (unhook && debug))
		usage();
	log_init(1, "ipsecd", LOG_DAEMON);

	if (geteuid() != 0)
		fatalx("must be run as root");
	if (confdir_rundir(rundir, sizeof(rundir), err, sizeof(err)) == -1 ||
	    confdir_get(path, sizeof(path), err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (mkdir(rundir, 0700) == -1 && errno != EEXIST)
		fatal("%s", rundir);
	if (ipsecd_pidfile(&d, rundir) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("already running (%s is locked)", d.d_pidpath);
		fatal("%s", d.d_pidpath);
	}
	/*
	 * -u: what mkfilt -d does when no ipsecd answers, e.g. after a
	 * kill -9: take away the hook a dead ipsecd left, which until now
	 * has been dropping everything (fail closed).
	 */
	if (unhook) {
		/*
		 * The queue is bound while any ipsecd of this network
		 * namespace lives, whatever its IPSEC_RUNDIR: then the
		 * hook is not a leftover.
		 */
		if ((d.d_q = queue_open(&d)) == NULL)
			fatalx("NFQUEUE %u is in use: an ipsecd is running",
			    d.d_queue);
		queue_close(d.d_q);
		hook_remove();
		if (snprintf(path, sizeof(path), "%s/%s", rundir,
		    CTL_SOCKNAME) < (int)sizeof(path))
			unlink(path);	/* stale: nobody listens */
		unlink(d.d_pidpath);
		return (0);
	}

	/* Records of logged rules go to ipsec_logd (architecture.md 7). */
	if ((d.d_log = calloc(1, sizeof(*d.d_log))) == NULL)
		fatal("log sender");
	if (logrec_sender_init(d.d_log, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((d.d_ipf = ipf_create(logrec_sink, d.d_log)) == NULL)
		fatal("engine");
	if ((d.d_ifa = ifaddr_open()) == NULL)
		fatal("rtnetlink");
	if ((d.d_inj = inject_open(IPSECD_MARKVAL)) == NULL)
		fatal("raw sockets");
	if (snprintf(path, sizeof(path), "%s/%s", rundir, CTL_SOCKNAME) >=
	    (int)sizeof(path))
		fatalx("IPSEC_RUNDIR is too long");
	if ((d.d_ctl = control_open(&d, path)) == NULL)
		fatalx("cannot open the control socket %s", path);
	if ((d.d_q = queue_open(&d)) == NULL)
		fatalx("cannot listen on NFQUEUE %u", d.d_queue);
	ipsecd_carrier(&d);
	if (hook_install(d.d_queue, d.d_tun != NULL ? tundev_name(d.d_tun) :
	    NULL, d.d_natt != NULL) == -1) {
		queue_close(d.d_q);
		control_close(d.d_ctl);
		unlink(d.d_pidpath);
		fatalx("cannot install the netfilter hook");
	}

	if (!debug)
		ipsecd_detach();
	log_init(debug, "ipsecd", LOG_DAEMON);
	if (ftruncate(d.d_pidfd, 0) == -1 ||
	    dprintf(d.d_pidfd, "%ld\n", (long)getpid()) < 0)
		log_warn("%s", d.d_pidpath);
	sigfd = ipsecd_signals();
	log_info("started: NFQUEUE %u, control %s", d.d_queue, path);
	ipsecd_logging(&d);

	ipsecd_loop(&d, sigfd);

	ipsecd_shutdown(&d);
	control_close(d.d_ctl);
	ifaddr_close(d.d_ifa);
	inject_close(d.d_inj);
	carrier_close(d.d_car[0]);
	carrier_close(d.d_car[1]);
	natt_close(d.d_natt);
	gro_close(d.d_gro);
	tundev_close(d.d_tun);
	ftable_free(&d.d_table[0]);
	ftable_free(&d.d_table[1]);
	ipf_free(d.d_ipf);
	logrec_sender_close(d.d_log);
	free(d.d_log);
	close(sigfd);
	log_info("exiting");
	return (0);
}
