/*
 * hook.c: the netfilter rules that hand packets to ipsecd's queue
 * (architecture.md 4).  nft has no queue on this kernel, so the rules
 * go in with iptables-legacy and ip6tables-legacy:
 *
 *	raw PREROUTING	-> IPSECFILT_IN	(arriving: ipf_input)
 *	raw OUTPUT	-> IPSECFILT	(locally sent: ipf_output)
 *	mangle FORWARD	-> IPSECFILT	(routed: ipf_output, not local)
 *	IPSECFILT_IN: -i TUNDEV -j RETURN	(carrier.c: engine's already)
 *		      -p esp -m addrtype --dst-type LOCAL -j RETURN
 *		      (IPv6: -m ipv6header --header esp, no extension header)
 *		      -p udp --dport 4500 -m addrtype --dst-type LOCAL
 *		      -j RETURN (IPv4, natt.c)
 *		      -j IPSECFILT
 *	IPSECFILT: -m mark --mark IPSECD_MARK -j RETURN
 *		   -j NFQUEUE --queue-num N
 *
 * The two IPSECFILT_IN returns exist only when ipsecd reads arriving ESP
 * itself (carrier.c) and has the TUN device for what it lets in; they
 * leak nothing if ipsecd dies, since ESP is opened by nobody else and
 * the device goes with the process.
 *
 * raw runs before conntrack, so the engine sees every packet as it is
 * on the wire, but after defragmentation once that is on in the
 * namespace: a carrier fragmented on the way must be whole before ESP
 * or AH can open it (RFC 4303 3.4.1, RFC 4302 3.4.1).  The kernel turns
 * it on (nf_defrag_ipv4/6, priority -400) for a namespace when a rule
 * needs it, so an unreferenced chain holds one such rule:
 *
 *	raw IPSECFILT_DEFRAG: -m socket -j RETURN	(never evaluated)
 *  There is deliberately no --queue-bypass: with no
 * listener the kernel drops what it would have queued, so a dead ipsecd
 * fails closed and only hook_remove() (mkfilt -d) opens the path.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipsecd.h"

#define HOOK_CHAIN	"IPSECFILT"
#define HOOK_IN		"IPSECFILT_IN"
#define HOOK_DEFRAG	"IPSECFILT_DEFRAG"
#define HOOK_MAXJUMPS	64		/* leftovers removed at most */

struct hook_point {
	const char	*hp_table;
	const char	*hp_chain;
	const char	*hp_target;
};

static const struct hook_point hook_points[] = {
	{ "raw",	"PREROUTING",	HOOK_IN },
	{ "raw",	"OUTPUT",	HOOK_CHAIN },
	{ "mangle",	"FORWARD",	HOOK_CHAIN },
};
#define HOOK_NPOINTS	(sizeof(hook_points) / sizeof(hook_points[0]))

static const char *const hook_cmds[] = {
	"/usr/sbin/iptables-legacy",
	"/usr/sbin/ip6tables-legacy",
};
#define HOOK_NCMDS	(sizeof(hook_cmds) / sizeof(hook_cmds[0]))

static int	hook_run(const char *, int, const char *, ...);
static void	hook_unjump(const char *);
static int	hook_family(const char *, uint16_t, const char *, int, int);
static int	hook_in(const char *, const char *, int, int);

/*
 * Run "cmd -w -t table args..." and return 0 if it exited 0.  quiet:
 * expected failures (a rule that is not there) stay off stderr.
 */
static int
hook_run(const char *cmd, int quiet, const char *table, ...)
{
	const char	*argv[24];
	va_list		 ap;
	sigset_t	 none;
	pid_t		 pid;
	size_t		 n = 0;
	int		 st, fd;

	argv[n++] = cmd;
	argv[n++] = "-w";
	argv[n++] = "-t";
	argv[n++] = table;
	va_start(ap, table);
	while (n < sizeof(argv) / sizeof(argv[0]) - 1 &&
	    (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return (-1);
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			if (quiet)
				dup2(fd, STDERR_FILENO);
		}
		execv(cmd, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return (-1);
	return (WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1);
}

/* Every jump to our chains, including a killed predecessor's. */
static void
hook_unjump(const char *cmd)
{
	static const char *const targets[] = { HOOK_IN, HOOK_CHAIN };
	size_t	i, j, t;

	for (i = 0; i < HOOK_NPOINTS; i++)
		for (t = 0; t < 2; t++)
			for (j = 0; j < HOOK_MAXJUMPS; j++)
				if (hook_run(cmd, 1, hook_points[i].hp_table,
				    "-D", hook_points[i].hp_chain, "-j",
				    targets[t], (char *)NULL) == -1)
					break;
}

/* The arriving side's chain (see the top of the file). */
static int
hook_in(const char *cmd, const char *tun, int v4, int natt)
{
	hook_run(cmd, 1, "raw", "-N", HOOK_IN, (char *)NULL);
	if (hook_run(cmd, 0, "raw", "-F", HOOK_IN, (char *)NULL) == -1)
		return (-1);
	if (tun != NULL && hook_run(cmd, 0, "raw", "-A", HOOK_IN, "-i", tun,
	    "-j", "RETURN", (char *)NULL) == -1)
		return (-1);
	if (tun != NULL && v4 && hook_run(cmd, 0, "raw", "-A", HOOK_IN, "-p",
	    "esp", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "RETURN",
	    (char *)NULL) == -1)
		return (-1);
	if (tun != NULL && v4 && natt && hook_run(cmd, 0, "raw", "-A",
	    HOOK_IN, "-p", "udp", "--dport", "4500", "-m", "addrtype",
	    "--dst-type", "LOCAL", "-j", "RETURN", (char *)NULL) == -1)
		return (-1);
	/* carrier.c rebuilds a plain IPv6 header: only ESP right after it. */
	if (tun != NULL && !v4 && hook_run(cmd, 0, "raw", "-A", HOOK_IN, "-m",
	    "ipv6header", "--header", "esp", "-m", "addrtype", "--dst-type",
	    "LOCAL", "-j", "RETURN", (char *)NULL) == -1)
		return (-1);
	return (hook_run(cmd, 0, "raw", "-A", HOOK_IN, "-j", HOOK_CHAIN,
	    (char *)NULL));
}

static int
hook_family(const char *cmd, uint16_t queue, const char *tun, int v4,
    int natt)
{
	char	qnum[8];
	size_t	i;

	snprintf(qnum, sizeof(qnum), "%u", queue);
	hook_unjump(cmd);
	/* Fill the chains first, then jump to them: no half state. */
	for (i = 0; i < HOOK_NPOINTS; i++) {
		if (i > 0 && strcmp(hook_points[i].hp_table,
		    hook_points[i - 1].hp_table) == 0)
			continue;
		hook_run(cmd, 1, hook_points[i].hp_table, "-N", HOOK_CHAIN,
		    (char *)NULL);
		if (hook_run(cmd, 0, hook_points[i].hp_table, "-F",
		    HOOK_CHAIN, (char *)NULL) == -1 ||
		    hook_run(cmd, 0, hook_points[i].hp_table, "-A",
		    HOOK_CHAIN, "-m", "mark", "--mark", IPSECD_MARK, "-j",
		    "RETURN", (char *)NULL) == -1 ||
		    hook_run(cmd, 0, hook_points[i].hp_table, "-A",
		    HOOK_CHAIN, "-j", "NFQUEUE", "--queue-num", qnum,
		    (char *)NULL) == -1) {
			log_warnx("%s: cannot fill chain %s in table %s", cmd,
			    HOOK_CHAIN, hook_points[i].hp_table);
			return (-1);
		}
	}
	if (hook_in(cmd, tun, v4, natt) == -1) {
		log_warnx("%s: cannot fill chain %s", cmd, HOOK_IN);
		return (-1);
	}
	hook_run(cmd, 1, "raw", "-N", HOOK_DEFRAG, (char *)NULL);
	if (hook_run(cmd, 0, "raw", "-F", HOOK_DEFRAG, (char *)NULL) == -1 ||
	    hook_run(cmd, 0, "raw", "-A", HOOK_DEFRAG, "-m", "socket", "-j",
	    "RETURN", (char *)NULL) == -1) {
		log_warnx("%s: cannot turn on defragmentation", cmd);
		return (-1);
	}
	for (i = 0; i < HOOK_NPOINTS; i++)
		if (hook_run(cmd, 0, hook_points[i].hp_table, "-I",
		    hook_points[i].hp_chain, "1", "-j",
		    hook_points[i].hp_target, (char *)NULL) == -1) {
			log_warnx("%s: cannot hook %s %s", cmd,
			    hook_points[i].hp_table, hook_points[i].hp_chain);
			return (-1);
		}
	return (0);
}

/* Both families or neither: half a hook would leak IPv6 in the clear. */
int
hook_install(uint16_t queue, const char *tun, int natt)
{
	size_t	i;

	for (i = 0; i < HOOK_NCMDS; i++)
		if (hook_family(hook_cmds[i], queue, tun, i == 0, natt) == -1) {
			hook_remove();
			return (-1);
		}
	return (0);
}

void
hook_remove(void)
{
	size_t	i, j;

	for (i = 0; i < HOOK_NCMDS; i++) {
		hook_unjump(hook_cmds[i]);
		/* The arriving chain first: it jumps to the other. */
		hook_run(hook_cmds[i], 1, "raw", "-F", HOOK_IN, (char *)NULL);
		hook_run(hook_cmds[i], 1, "raw", "-X", HOOK_IN, (char *)NULL);
		for (j = 0; j < HOOK_NPOINTS; j++) {
			hook_run(hook_cmds[i], 1, hook_points[j].hp_table,
			    "-F", HOOK_CHAIN, (char *)NULL);
			hook_run(hook_cmds[i], 1, hook_points[j].hp_table,
			    "-X", HOOK_CHAIN, (char *)NULL);
		}
		hook_run(hook_cmds[i], 1, "raw", "-F", HOOK_DEFRAG,
		    (char *)NULL);
		hook_run(hook_cmds[i], 1, "raw", "-X", HOOK_DEFRAG,
		    (char *)NULL);
	}
}
