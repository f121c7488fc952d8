/*
 * nfq_accept.c: the NFQUEUE baseline of net_bench.sh.  It listens on a
 * queue set up as ipsecd's is (sys/linux/queue.c): whole packets up to
 * 64 KB, GSO super-packets whole (NFQA_CFG_F_GSO), the same queue length
 * and receive buffer, read up to a budget per wakeup with one batched
 * accept per burst (NFQA_VERDICT_BATCH).  It accepts everything without
 * looking, so ipsecd with a permit-all table measured against it is what
 * ipsecd's own work per packet costs, not what the queue costs.
 *
 *	nfq_accept [-q queue]
 *
 * Runs until SIGTERM or SIGINT, then prints to stderr how many packets
 * it saw and how many of them were larger than one 1500-byte frame
 * (super-packets, which the GSO flag lets through unsegmented).
 */
#include <sys/socket.h>

/* glibc's netinet/in.h first, so the kernel headers defer to it. */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ipsecd's figures (sys/linux/queue.c), so both queues behave alike. */
#define QUEUE_MAXLEN	8192
#define QUEUE_RCVBUF	(8 << 20)
#define QUEUE_BUDGET	256
#define QUEUE_PKTMAX	65535
#define FRAME_MAX	1500		/* above this, a super-packet */

struct acc {
	struct nfq_q_handle	*a_qh;
	int			 a_pending;	/* accepts not yet sent */
	uint32_t		 a_last;	/* their highest id */
	unsigned long long	 a_pkts;
	unsigned long long	 a_big;
	unsigned long long	 a_enobufs;
};

static volatile sig_atomic_t	quit;

static __attribute__((__noreturn__)) void usage(void);
static void	on_signal(int);
static int	acc_packet(struct nfq_q_handle *, struct nfgenmsg *,
		    struct nfq_data *, void *);
static void	acc_flush(struct acc *);

static void
usage(void)
{
	fprintf(stderr, "usage: nfq_accept [-q queue]\n");
	exit(2);
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* Accept without looking; the id covers every earlier packet too. */
static int
acc_packet(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
    struct nfq_data *nfa, void *arg)
{
	struct acc			*a = arg;
	struct nfqnl_msg_packet_hdr	*ph;
	unsigned char			*pkt;

	(void)qh;
	(void)nfmsg;
	if ((ph = nfq_get_msg_packet_hdr(nfa)) == NULL)
		return (0);
	a->a_pkts++;
	if (nfq_get_payload(nfa, &pkt) > FRAME_MAX)
		a->a_big++;
	a->a_pending = 1;
	a->a_last = ntohl(ph->packet_id);
	return (0);
}

static void
acc_flush(struct acc *a)
{
	if (!a->a_pending)
		return;
	a->a_pending = 0;
	if (nfq_set_verdict_batch(a->a_qh, a->a_last, NF_ACCEPT) == -1)
		perror("nfq_accept: verdict");
}

int
main(int argc, char *argv[])
{
	static uint8_t		 rx[QUEUE_PKTMAX + 4096];
	struct nfq_handle	*h;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	struct acc		 a;
	char			*end;
	ssize_t			 n;
	long			 l;
	uint16_t		 queue = 0;
	int			 ch, i;

	while ((ch = getopt(argc, argv, "q:")) != -1) {
		switch (ch) {
		case 'q':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || l < 0 ||
			    l > 65535 || errno != 0) {
				fprintf(stderr, "nfq_accept: -q %s: must be "
				    "0-65535\n", optarg);
				exit(1);
			}
			queue = (uint16_t)l;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* No SA_RESTART: a signal must end the poll(2). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	memset(&a, 0, sizeof(a));
	if ((h = nfq_open()) == NULL) {
		perror("nfq_accept: nfq_open");
		return (1);
	}
	if ((a.a_qh = nfq_create_queue(h, queue, acc_packet, &a)) == NULL) {
		fprintf(stderr, "nfq_accept: NFQUEUE %u: %s\n", queue,
		    strerror(errno));
		return (1);
	}
	if (nfq_set_mode(a.a_qh, NFQNL_COPY_PACKET, QUEUE_PKTMAX) == -1) {
		perror("nfq_accept: nfq_set_mode");
		return (1);
	}
	nfq_set_queue_maxlen(a.a_qh, QUEUE_MAXLEN);
	/* Without it the kernel segments first: no longer ipsecd's queue. */
	if (nfq_set_queue_flags(a.a_qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) ==
	    -1) {
		perror("nfq_accept: NFQA_CFG_F_GSO");
		return (1);
	}
	nfnl_rcvbufsiz(nfq_nfnlh(h), QUEUE_RCVBUF);
	pfd.fd = nfq_fd(h);
	pfd.events = POLLIN;

	/* ipsecd's loop: wake on the queue, drain a burst, one verdict. */
	while (!quit) {
		if (poll(&pfd, 1, 1000) == -1) {
			if (errno == EINTR)
				continue;
			perror("nfq_accept: poll");
			break;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		for (i = 0; i < QUEUE_BUDGET; i++) {
			n = recv(pfd.fd, rx, sizeof(rx), MSG_DONTWAIT);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				/* The kernel dropped the packets: count. */
				if (errno == ENOBUFS) {
					a.a_enobufs++;
					continue;
				}
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					perror("nfq_accept: recv");
				break;
			}
			nfq_handle_packet(h, (char *)rx, (int)n);
		}
		acc_flush(&a);
	}
	acc_flush(&a);
	fprintf(stderr, "nfq_accept: %llu packets, %llu above %d bytes, "
	    "%llu ENOBUFS\n", a.a_pkts, a.a_big, FRAME_MAX, a.a_enobufs);
	nfq_destroy_queue(a.a_qh);
	nfq_close(h);
	return (0);
}
