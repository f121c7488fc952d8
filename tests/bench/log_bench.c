/*
 * log_bench.c: what logging every packet costs the permit path
 * (architecture.md 7: ipsecd must never be slowed noticeably by the log).
 *
 * One engine, one table whose first rule permits everything with -l Y,
 * and ipsecd's log sink (logrec_sink: encode, one non-blocking send to
 * logd.sock).  A child process drains the socket as ipsec_logd would,
 * without syslog.  The same packets go through ipf_output() with
 * logging off and on, in alternating rounds of the same run; the figure
 * is the throughput with logging on as a ratio of the throughput with
 * it off, for the engine alone and for the engine in a host.  ipsecd
 * makes at least one system call per packet (the NFQUEUE recv; the
 * verdicts are batched), so the host figure adds one recv(2) per packet
 * on an empty socket, the cheapest system call of that kind: a floor
 * under the real host cost, which makes the host ratio conservative.
 * Under load ipsecd reads up to 256 packets per wakeup and flushes the
 * log after each, so the sender leaves a datagram whenever LOGREC_BATCH
 * records have gathered, as here.  Target: >= 0.8.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipf.h"
#include "logrec.h"

#define NPKT		200000		/* packets per round */
#define ROUNDS		11
#define BATCH		64

static pid_t	drain_start(const char *);
static void	drain(int);
static void	build(uint8_t *, size_t);
static double	now_ns(void);
static double	measure(struct ipf *, struct logrec_sender *, int,
		    const uint8_t *, size_t);

/* Read and discard, in batches, as ipsec_logd does. */
static void
drain(int fd)
{
	static uint8_t	buf[BATCH][LOGREC_MAXLEN + 1];
	struct mmsghdr	msg[BATCH];
	struct iovec	iov[BATCH];
	int		i;

	for (;;) {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		if (recvmmsg(fd, msg, BATCH, MSG_WAITFORONE, NULL) == -1)
			_exit(1);
	}
}

static pid_t
drain_start(const char *path)
{
	struct sockaddr_un	sun;
	pid_t			pid;
	int			fd, sz = 8 << 20;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("log_bench: drain socket");
		exit(1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	if ((pid = fork()) == -1) {
		perror("log_bench: fork");
		exit(1);
	}
	if (pid == 0)
		drain(fd);
	close(fd);
	return (pid);
}

/* A 64-byte IPv4 UDP packet, 10.0.0.1:5353 -> 10.0.0.2:53. */
static void
build(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	inet_pton(AF_INET, "10.0.0.1", p + 12);
	inet_pton(AF_INET, "10.0.0.2", p + 16);
	p[20] = 5353 >> 8;
	p[21] = 5353 & 0xff;
	p[22] = 0;
	p[23] = 53;
	p[24] = (uint8_t)((len - 20) >> 8);
	p[25] = (uint8_t)(len - 20);
}

static double
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e9 + ts.tv_nsec);
}

/*
 * ns per packet through ipf_output(), permitted; with hostfd != -1, one
 * recv(2) on it per packet as well.
 */
static double
measure(struct ipf *ipf, struct logrec_sender *ls, int hostfd,
    const uint8_t *pkt, size_t len)
{
	struct ipf_meta		m;
	struct ipf_result	res;
	uint8_t			out[128];
	double			t;
	int			i;

	memset(&m, 0, sizeof(m));
	m.m_ifname = "eth0";
	m.m_local = 1;
	m.m_now = 1000;
	memset(&res, 0, sizeof(res));
	res.res_buf = out;
	res.res_cap = sizeof(out);
	t = now_ns();
	for (i = 0; i < NPKT; i++) {
		if (hostfd != -1)
			(void)recv(hostfd, out, sizeof(out), MSG_DONTWAIT);
		if (ipf_output(ipf, pkt, len, &m, &res) != IPF_PASS) {
			fprintf(stderr, "log_bench: packet not passed\n");
			exit(1);
		}
	}
	(void)logrec_flush(ls);
	return ((now_ns() - t) / NPKT);
}

int
main(void)
{
	struct logrec_sender	ls;
	struct ipf_rule		r[3];
	struct ipf		*ipf;
	char			dir[] = "/tmp/log_bench.XXXXXX", path[64];
	char			err[256];
	uint8_t			pkt[64];
	double			best[4], t;
	size_t			bad;
	pid_t			pid;
	int			i, k, status, sp[2];

	if (mkdtemp(dir) == NULL || setenv("IPSEC_RUNDIR", dir, 1) == -1) {
		perror("log_bench: mkdtemp");
		return (1);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, LOGREC_SOCKNAME);
	pid = drain_start(path);
	if (logrec_sender_init(&ls, err, sizeof(err)) == -1) {
		fprintf(stderr, "log_bench: %s\n", err);
		return (1);
	}
	if ((ipf = ipf_create(logrec_sink, &ls)) == NULL)
		return (1);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		r[i].r_ver = 4;
		r[i].r_srcroute = 1;
		r[i].r_scope = IPF_SCOPE_BOTH;
		r[i].r_dir = IPF_DIR_BOTH;
		r[i].r_id = i == 2 ? 0 : (uint32_t)i + 1;
	}
	r[0].r_action = IPF_ACT_PERMIT;
	r[0].r_log = 1;
	r[1].r_action = IPF_ACT_PLACEMENT;
	r[2].r_action = IPF_ACT_PERMIT;
	if (ipf_load(ipf, 4, r, 3, 1000, &bad) != IPF_CE_OK) {
		fprintf(stderr, "log_bench: table refused at %zu\n", bad);
		return (1);
	}
	build(pkt, sizeof(pkt));
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) == -1) {
		perror("log_bench: socketpair");
		return (1);
	}

	/*
	 * Best of the rounds; the four figures interleaved so that each
	 * round sees the same machine.  k: bit 0 logging, bit 1 host.
	 */
	for (k = 0; k < 4; k++)
		best[k] = 1e30;
	for (i = 0; i < ROUNDS; i++)
		for (k = 0; k < 4; k++) {
			ipf_set_logging(ipf, k & 1);
			t = measure(ipf, &ls, k & 2 ? sp[0] : -1, pkt,
			    sizeof(pkt));
			if (t < best[k])
				best[k] = t;
		}

	printf("log_bench: permit path, 64-byte UDP, best of %d x %d "
	    "packets\n", ROUNDS, NPKT);
	printf("  engine,             logging off %7.1f ns/packet, "
	    "on %7.1f: ratio %.3f\n", best[0], best[1], best[0] / best[1]);
	printf("  engine + 1 syscall, logging off %7.1f ns/packet, "
	    "on %7.1f: ratio %.3f (target >= 0.8)\n", best[2], best[3],
	    best[2] / best[3]);
	printf("  records sent %llu, lost to a full socket %llu\n",
	    (unsigned long long)ls.ls_sent, (unsigned long long)ls.ls_lost);
	close(sp[0]);
	close(sp[1]);

	logrec_sender_close(&ls);
	ipf_free(ipf);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	unlink(path);
	rmdir(dir);
	return (0);
}
