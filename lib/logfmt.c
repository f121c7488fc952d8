/*
 * logfmt.c: the AIX traffic log line (aix-reference.md 8.2), shared by
 * pcapfilt and ipsec_logd so both print exactly the same text.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "ipf.h"
#include "logfmt.h"

/* Room for the longest inet_ntop() result, IPv4-mapped IPv6 included. */
#define LOGFMT_ADDRSTRLEN	INET6_ADDRSTRLEN

static const char	*logfmt_addr(char *, size_t, uint8_t,
			    const union ipf_addr *);
static const char	*logfmt_proto(char *, size_t,
			    const struct ipf_pktrec *);

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
