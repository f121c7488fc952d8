/*
 * logfmt.c: the AIX traffic log line (aix-reference.md 8.2), shared by
 * pcapfilt and ipsec_logd so both print exactly the same text, and the
 * status and tunnel event lines of 8.3.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <time.h>

#include "ipf.h"
#include "logfmt.h"
#include "logrec.h"

/* Room for the longest inet_ntop() result, IPv4-mapped IPv6 included. */
#define LOGFMT_ADDRSTRLEN	INET6_ADDRSTRLEN

static const char	*logfmt_addr(char *, size_t, uint8_t,
			    const union ipf_addr *);
static const char	*logfmt_proto(char *, size_t,
			    const struct ipf_pktrec *);
static const char	*logfmt_when(char *, size_t, time_t);

/*
 * A record whose IP version could not even be parsed carries no
 * addresses; "-" says so instead of inventing 0.0.0.0.
 */
static const char *
logfmt_addr(char *buf, size_t len, uint8_t ver, const union ipf_addr *a)
{
	const char	*s = NULL;

	if (ver == 4)
		s = inet_ntop(AF_INET, &a->v4, buf, len);
	else if (ver == 6)
		s = inet_ntop(AF_INET6, &a->v6, buf, len);
	return (s != NULL ? s : "-");
}

/* The names genfilt -c accepts; any other protocol prints as its number. */
static const char *
logfmt_proto(char *buf, size_t len, const struct ipf_pktrec *pr)
{
	if (pr->pr_ver != 4 && pr->pr_ver != 6)
		return ("-");
	switch (pr->pr_proto) {
	case IPPROTO_TCP:
		return (pr->pr_tcpack ? "tcp/ack" : "tcp");
	case IPPROTO_UDP:
		return ("udp");
	case IPPROTO_ICMP:
		return ("icmp");
	case IPPROTO_ICMPV6:
		return ("icmpv6");
	case IPPROTO_ESP:
		return ("esp");
	case IPPROTO_AH:
		return ("ah");
	case IPPROTO_IPIP:
		return ("ipip");
	case 89:			/* OSPF, RFC 2328; no libc constant */
		return ("ospf");
	}
	(void)snprintf(buf, len, "%u", (unsigned int)pr->pr_proto);
	return (buf);
}

int
logfmt_pkt(char *buf, size_t len, const struct ipf_pktrec *pr)
{
	char	 rule[16], proto[8], ports[32];
	char	 local[LOGFMT_ADDRSTRLEN], src[LOGFMT_ADDRSTRLEN];
	char	 dst[LOGFMT_ADDRSTRLEN];

	if (pr->pr_rule == IPF_RULE_NONE)
		(void)snprintf(rule, sizeof(rule), "-");
	else
		(void)snprintf(rule, sizeof(rule), "%u",
		    (unsigned int)pr->pr_rule);

	/* ICMP puts type and code where the ports go (8.2 decision). */
	(void)snprintf(ports, sizeof(ports), pr->pr_icmp ?
	    "T:%u C:%u" : "SP:%u DP:%u", (unsigned int)pr->pr_sport,
	    (unsigned int)pr->pr_dport);

	/* pr_ifname is bounded by its size, NUL or not. */
	return (snprintf(buf, len,
	    "#:%s R:%c %c:%s S:%s D:%s P:%s %s R:%c I:%.*s F:%c T:%u L:%u",
	    rule, pr->pr_permit ? 'p' : 'd',
	    pr->pr_dir == IPF_DIR_OUT ? 'O' : 'I',
	    logfmt_addr(local, sizeof(local), pr->pr_ver, &pr->pr_local),
	    logfmt_addr(src, sizeof(src), pr->pr_ver, &pr->pr_src),
	    logfmt_addr(dst, sizeof(dst), pr->pr_ver, &pr->pr_dst),
	    logfmt_proto(proto, sizeof(proto), pr), ports,
	    pr->pr_routed ? 'r' : 'l', IPF_IFNAMSIZ - 1, pr->pr_ifname,
	    pr->pr_frag ? 'y' : 'n', (unsigned int)pr->pr_tunnel,
	    (unsigned int)pr->pr_len));
}

/* "at HH:MM:SS on MM/DD/YY", the T and D of every 8.3 line. */
static const char *
logfmt_when(char *buf, size_t len, time_t t)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "at %H:%M:%S on %m/%d/%y", &tm) == 0)
		(void)snprintf(buf, len, "at ?");
	return (buf);
}

int
logfmt_tunnel(char *buf, size_t len, const struct logrec_tun *lt, time_t t)
{
	char		 when[40], src[LOGFMT_ADDRSTRLEN];
	char		 dst[LOGFMT_ADDRSTRLEN];
	const char	*proto = lt->lt_proto == IPPROTO_AH ? "AH" : "ESP";
	unsigned int	 ver = lt->lt_ver, tid = lt->lt_tunnel;
	unsigned int	 spi;

	spi = lt->lt_proto == IPPROTO_AH ? lt->lt_ahspi : lt->lt_espspi;
	(void)logfmt_when(when, sizeof(when), t);
	(void)logfmt_addr(src, sizeof(src), lt->lt_ver, &lt->lt_src);
	(void)logfmt_addr(dst, sizeof(dst), lt->lt_ver, &lt->lt_dst);
	switch (lt->lt_event) {
	case LOGREC_TEV_CLEARED:
		return (snprintf(buf, len, "TC_LOG%u: Tunnel cache for IPv%u "
		    "was cleared %s", ver, ver, when));
	case LOGREC_TEV_ACTIVATED:
	case LOGREC_TEV_DEACTIVATED:
	case LOGREC_TEV_EXPIRED:
		/* The outbound SPIs, 0 for a header the policy does not use. */
		return (snprintf(buf, len, "TC_LOG%u: Tunnel %u with ESP SPI "
		    "%u and AH SPI %u for IPv%u was %s %s", ver, tid,
		    (unsigned int)lt->lt_espspi, (unsigned int)lt->lt_ahspi,
		    ver, lt->lt_event == LOGREC_TEV_ACTIVATED ? "activated" :
		    lt->lt_event == LOGREC_TEV_DEACTIVATED ? "deactivated" :
		    "expired", when));
	case LOGREC_TEV_REPLAY:
		return (snprintf(buf, len, "TC_LOG%u: Tunnel %u for IPv%u: %s "
		    "replay violation from %s (SPI %u, sequence %llu) %s",
		    ver, tid, ver, proto, src, spi,
		    (unsigned long long)lt->lt_seq, when));
	case LOGREC_TEV_ICV:
		return (snprintf(buf, len, "TC_LOG%u: Tunnel %u for IPv%u: %s "
		    "authentication failure from %s (SPI %u) %s", ver, tid,
		    ver, proto, src, spi, when));
	case LOGREC_TEV_POLICY:
		/*
		 * 8.3 has no line for it (decision): a packet that matched
		 * the tunnel's rule without having come through the tunnel.
		 */
		return (snprintf(buf, len, "TC_LOG%u: Tunnel %u for IPv%u: "
		    "policy violation from %s to %s %s", ver, tid, ver, src,
		    dst, when));
	}
	return (snprintf(buf, len, "TC_LOG%u: Tunnel %u for IPv%u: event %u "
	    "%s", ver, tid, ver, (unsigned int)lt->lt_event, when));
}

int
logfmt_logd(char *buf, size_t len, int start, time_t t)
{
	char	when[40];

	(void)logfmt_when(when, sizeof(when), t);
	if (start)
		return (snprintf(buf, len, "Filter logging daemon ipsec_logd "
		    "(level %s) initialized %s", LOGFMT_LEVEL, when));
	return (snprintf(buf, len, "Filter logging daemon terminating %s",
	    when));
}

int
logfmt_logging(char *buf, size_t len, int on, time_t t)
{
	char	when[40];

	(void)logfmt_when(when, sizeof(when), t);
	return (snprintf(buf, len, "Status of packet logging set to %s %s",
	    on ? "Start" : "Stop", when));
}

int
logfmt_manual(char *buf, size_t len, uint32_t tid, int ver,
    const union ipf_addr *src, const union ipf_addr *dst, int on)
{
	char	s[LOGFMT_ADDRSTRLEN], d[LOGFMT_ADDRSTRLEN];

	(void)logfmt_addr(s, sizeof(s), (uint8_t)ver, src);
	(void)logfmt_addr(d, sizeof(d), (uint8_t)ver, dst);
	return (snprintf(buf, len, "Manual tunnel %u, %s, %s %s.",
	    (unsigned int)tid, s, d, on ? "activated" : "deactivated"));
}
