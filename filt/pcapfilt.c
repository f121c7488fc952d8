/*
 * pcapfilt: run the packets of a capture file through the ipsecfilt engine
 * with the rules mkfilt -u would load, print one traffic log line per
 * packet and write what leaves the engine to another capture file
 * (aix-reference.md 3 "pcapfilt", architecture.md 8).
 *
 * This is the offline host: where ipsecd learns a packet's direction,
 * interface and time from netfilter, pcapfilt takes them from its flags
 * and from the capture.  Everything else is the same engine.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "filtdb.h"
#include "ipf.h"
#include "logfmt.h"
#include "parse.h"
#include "tundb.h"
#include "tunload.h"

#define PCF_IFDEFAULT	"pcap0"		/* -i default (decision) */
#define PCF_SNAPLEN	262144		/* libpcap's MAXIMUM_SNAPLEN */
#define PCF_RESCAP	65535		/* largest IP packet the engine makes */
#define PCF_LINEMAX	256

/* Ethernet types (IEEE 802.3, 802.1Q, 802.1ad). */
#define ETYPE_IPV4	0x0800
#define ETYPE_IPV6	0x86dd
#define ETYPE_VLAN	0x8100
#define ETYPE_QINQ	0x88a8
#define ETYPE_QINQ_OLD	0x9100
#define ETHER_HDRLEN	14
#define VLAN_TAGLEN	4
#define SLL_HDRLEN	16		/* DLT_LINUX_SLL, protocol at 14 */
#define SLL2_HDRLEN	20		/* DLT_LINUX_SLL2, protocol at 0 */
#define NULL_HDRLEN	4		/* DLT_NULL, DLT_LOOP: address family */

struct pcf_addr {
	int		 la_ver;
	union ipf_addr	 la_addr;
};

struct pcf_conf {
	int		 c_ver;		/* -v: 4, 6, or 0 for both */
	const char	*c_in;		/* -r */
	const char	*c_out;		/* -w, or NULL */
	int		 c_dir;		/* -D: IPF_DIR_IN/OUT, 0 by -L */
	struct pcf_addr	*c_local;	/* -L, NULL: every address local */
	size_t		 c_nlocal;
	const char	*c_ifname;	/* -i */
	int		 c_reasons;	/* -d */
};

struct pcf_count {
	uint64_t	 n_all, n_pass, n_encap, n_decap, n_drop, n_skip;
};

static void	 conf_parse(struct pcf_conf *, int, char **);
static int	 local_parse(struct pcf_conf *, const char *, char *, size_t);
static int	 link_ip(int, const uint8_t *, size_t, size_t *, int *);
static int	 af_ver(uint32_t);
static int	 rules_load(struct ipf *, int, uint64_t);
static int	 tunnels_load(struct ipf *, int, uint64_t);
static int	 is_local(const struct pcf_conf *, int, const uint8_t *);
static int	 pcf_islocal(void *, int, const union ipf_addr *);
static void	 pkt_where(const struct pcf_conf *, const uint8_t *, size_t,
		    int, struct ipf_meta *, int *);
static void	 pkt_run(const struct pcf_conf *, struct ipf *,
		    const struct pcap_pkthdr *, const uint8_t *, int,
		    pcap_dumper_t *, struct ipf_result *, struct pcf_count *);
static void	 sink_none(void *, const struct ipf_event *);

static const char pcf_synopsis[] =
    "pcapfilt [-v 4|6] -r in.pcap [-w out.pcap] [-D inbound|outbound] "
    "[-L local_addrs] [-i ifname] [-d]";

/*
 * Flags, each at most once (aix-reference.md 1.2).  Bad values exit 1
 * naming the flag; missing or repeated flags are usage errors.
 */
static void
conf_parse(struct pcf_conf *c, int argc, char **argv)
{
	struct cmd_flags	 cf;
	const char		*d, *i;
	char			 e[PCF_LINEMAX];

	memset(c, 0, sizeof(*c));
	cmd_getopt(argc, argv, "v:r:w:D:L:i:d", &cf);
	if ((c->c_in = cf.cf_val['r']) == NULL)
		cmd_usage("-r is required");
	if (cf.cf_val['D'] == NULL && cf.cf_val['L'] == NULL)
		cmd_usage("-D or -L is required");
	c->c_ver = cmd_version(&cf, 0);
	cmd_settle();
	c->c_out = cf.cf_val['w'];
	c->c_reasons = cf.cf_val['d'] != NULL;
	if ((d = cf.cf_val['D']) != NULL) {
		if (strcasecmp(d, "inbound") == 0)
			c->c_dir = IPF_DIR_IN;
		else if (strcasecmp(d, "outbound") == 0)
			c->c_dir = IPF_DIR_OUT;
		else
			cmd_fail("-D %s: must be inbound or outbound", d);
	}
	if ((i = cf.cf_val['i']) == NULL)
		i = PCF_IFDEFAULT;
	else if (*i == '\0')
		cmd_fail("-i: empty interface name");
	else if (parse_text(i, PARSE_IFMAX, e, sizeof(e)) == -1)
		cmd_fail("-i %s: %s", i, e);
	c->c_ifname = i;
	if (cf.cf_val['L'] != NULL && local_parse(c, cf.cf_val['L'], e,
	    sizeof(e)) == -1) {
		free(c->c_local);
		cmd_fail("-L %s", e);
	}
}

/* -L: comma-separated IPv4 and IPv6 addresses, no host names. */
static int
local_parse(struct pcf_conf *c, const char *list, char *e, size_t elen)
{
	char		 word[INET6_ADDRSTRLEN + 1];
	const char	*p, *end;
	size_t		 n, len;

	for (n = 1, p = list; *p != '\0'; p++)
		if (*p == ',')
			n++;
	if ((c->c_local = calloc(n, sizeof(*c->c_local))) == NULL)
		err(1, NULL);
	for (p = list; ; p = end + 1) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || len >= sizeof(word)) {
			(void)snprintf(e, elen, "%s: not a list of IP "
			    "addresses", list);
			return (-1);
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (inet_pton(AF_INET, word,
		    &c->c_local[c->c_nlocal].la_addr.v4) == 1)
			c->c_local[c->c_nlocal].la_ver = 4;
		else if (inet_pton(AF_INET6, word,
		    &c->c_local[c->c_nlocal].la_addr.v6) == 1)
			c->c_local[c->c_nlocal].la_ver = 6;
		else {
			(void)snprintf(e, elen, "%s: not an IP address", word);
			return (-1);
		}
		c->c_nlocal++;
		if (*end == '\0')
			break;
	}
	return (0);
}

/* DLT_NULL/DLT_LOOP address families: AF_INET6 differs by system. */
static int
af_ver(uint32_t af)
{
	switch (af) {
	case 2:				/* AF_INET everywhere */
		return (4);
	case 10:			/* Linux */
	case 24:			/* NetBSD, OpenBSD, BSD/OS */
	case 28:			/* FreeBSD, DragonFly */
	case 30:			/* Darwin */
		return (6);
	}
	return (-1);
}

/*
 * Find the IP packet in a captured frame.  Returns 0 with its offset and
 * the version the link layer announces (0 if it does not say), or -1 for
 * a frame that carries no IP packet (skipped, not filtered).
 */
static int
link_ip(int dlt, const uint8_t *f, size_t len, size_t *off, int *ver)
{
	uint32_t	 af;
	uint16_t	 et;
	size_t		 o;

	*off = 0;
	*ver = 0;
	switch (dlt) {
	case DLT_RAW:
		return (0);
	case DLT_IPV4:
		*ver = 4;
		return (0);
	case DLT_IPV6:
		*ver = 6;
		return (0);
	case DLT_NULL:
	case DLT_LOOP:
		if (len < NULL_HDRLEN)
			return (-1);
		af = (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 |
		    (uint32_t)f[2] << 8 | f[3];
		/*
		 * DLT_LOOP is in network order; DLT_NULL in the byte order
		 * of the capturing host, which tcpdump guesses the same way:
		 * a family never needs the upper 16 bits.
		 */
		if (dlt == DLT_NULL && (af & 0xffff0000) != 0)
			af = __builtin_bswap32(af);
		*off = NULL_HDRLEN;
		*ver = af_ver(af);
		return (*ver == -1 ? -1 : 0);
	case DLT_EN10MB:
		if (len < ETHER_HDRLEN)
			return (-1);
		o = ETHER_HDRLEN;
		et = (uint16_t)(f[12] << 8 | f[13]);
		/* 802.1Q and 802.1ad tags, stacked as deep as they go. */
		while (et == ETYPE_VLAN || et == ETYPE_QINQ ||
		    et == ETYPE_QINQ_OLD) {
			if (len - o < VLAN_TAGLEN)
				return (-1);
			et = (uint16_t)(f[o + 2] << 8 | f[o + 3]);
			o += VLAN_TAGLEN;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < SLL_HDRLEN)
			return (-1);
		o = SLL_HDRLEN;
		et = (uint16_t)(f[14] << 8 | f[15]);
		break;
	case DLT_LINUX_SLL2:
		if (len < SLL2_HDRLEN)
			return (-1);
		o = SLL2_HDRLEN;
		et = (uint16_t)(f[0] << 8 | f[1]);
		break;
	default:
		return (-1);
	}
	if (et == ETYPE_IPV4)
		*ver = 4;
	else if (et == ETYPE_IPV6)
		*ver = 6;
	else
		return (-1);
	*off = o;
	return (0);
}

/*
 * Load the static tables as mkfilt -u would: ckfilt's checks, pattern
 * files read, all or nothing; expiration counts from now.
 */
static int
rules_load(struct ipf *ipf, int only, uint64_t now)
{
	struct ftable	 ft;
	struct fload	 fl;
	char		 e[PCF_LINEMAX];
	enum ipf_cerr	 ce;
	size_t		 bad;
	int		 v, rv = 0;

	for (v = 4; v <= 6 && rv == 0; v += 2) {
		if (only != 0 && only != v)
			continue;
		if (ftable_read(v, &ft, e, sizeof(e)) == -1) {
			warnx("%s", e);
			return (-1);
		}
		if (fload_make(&ft, &fl, e, sizeof(e)) == -1) {
			warnx("%s; IPv%d filter rules not loaded", e, v);
			ftable_free(&ft);
			return (-1);
		}
		bad = 0;
		ce = ipf_load(ipf, v, fl.fl_rules, fl.fl_n, now, &bad);
		if (ce != IPF_CE_OK) {
			warnx("rule %u: %s; IPv%d filter rules not loaded",
			    bad < fl.fl_n ? fl.fl_rules[bad].r_id : 0,
			    ipf_cerr_names[ce], v);
			rv = -1;
		}
		fload_free(&fl);
		ftable_free(&ft);
	}
	return (rv);
}

/*
 * Every manual tunnel of the databases, active or not, as mktun would
 * install it (aix-reference.md 3, pcapfilt): fresh sequence numbers and
 * replay windows, lifetimes ignored.  Fresh counters are safe only
 * because nothing pcapfilt writes is ever sent (pcapfilt.8).
 */
static int
tunnels_load(struct ipf *ipf, int only, uint64_t now)
{
	struct ttable	 tt;
	char		 e[PCF_LINEMAX];
	int		 v, rv;

	for (v = 4; v <= 6; v += 2) {
		if (only != 0 && only != v)
			continue;
		if (ttable_read(v, &tt, e, sizeof(e)) == -1) {
			warnx("%s", e);
			return (-1);
		}
		rv = tunload_all(ipf, &tt, 0, 0, now, 0, e, sizeof(e));
		ttable_free(&tt);
		if (rv == -1) {
			warnx("%s", e);
			return (-1);
		}
	}
	return (0);
}

static int
is_local(const struct pcf_conf *c, int ver, const uint8_t *a)
{
	size_t	 i;

	for (i = 0; i < c->c_nlocal; i++)
		if (c->c_local[i].la_ver == ver &&
		    memcmp(c->c_local[i].la_addr.b, a, ver == 4 ? 4 : 16) == 0)
			return (1);
	return (0);
}

/* m_islocal: a decapsulated packet's own scope, by -L (all, without). */
static int
pcf_islocal(void *arg, int ver, const union ipf_addr *a)
{
	const struct pcf_conf	*c = arg;

	return (c->c_local == NULL || is_local(c, ver, a->b));
}

/*
 * Direction and scope (aix-reference.md 3, -D and -L): -D fixes the
 * direction; -L lists this host's addresses, a packet from one of them
 * goes out, any other comes in, and it is local if its local end (the
 * inbound destination, the outbound source) is listed.  Without -L every
 * packet is local.  A packet too short to show its addresses counts as
 * arriving; the engine will call it malformed.
 */
static void
pkt_where(const struct pcf_conf *c, const uint8_t *p, size_t len, int ver,
    struct ipf_meta *m, int *dir)
{
	const uint8_t	*src = NULL, *dst = NULL;

	if (ver == 4 && len >= 20) {
		src = p + 12;
		dst = p + 16;
	} else if (ver == 6 && len >= 40) {
		src = p + 8;
		dst = p + 24;
	}

	m->m_islocal = pcf_islocal;
	m->m_arg = (void *)(uintptr_t)c;
	*dir = c->c_dir;
	if (*dir == 0)
		*dir = src != NULL && is_local(c, ver, src) ?
		    IPF_DIR_OUT : IPF_DIR_IN;
	if (c->c_local == NULL)
		m->m_local = 1;
	else if (*dir == IPF_DIR_OUT)
		m->m_local = src != NULL && is_local(c, ver, src);
	else
		m->m_local = dst != NULL && is_local(c, ver, dst);
}

/* One captured frame: find the IP packet, filter it, print, write. */
static void
pkt_run(const struct pcf_conf *c, struct ipf *ipf,
    const struct pcap_pkthdr *h, const uint8_t *f, int dlt,
    pcap_dumper_t *out, struct ipf_result *res, struct pcf_count *n)
{
	struct ipf_meta		 m;
	struct pcap_pkthdr	 oh;
	enum ipf_verdict	 v;
	const uint8_t		*p, *wp = NULL;
	char			 line[PCF_LINEMAX];
	size_t			 off, len, wlen = 0;
	int			 ver, dir;

	n->n_all++;
	if (link_ip(dlt, f, h->caplen, &off, &ver) == -1) {
		n->n_skip++;
		return;
	}
	p = f + off;
	len = h->caplen - off;
	/*
	 * The packet's own version wins over what the link layer says; with
	 * -v, a packet of neither version is not "this version" and skipped.
	 */
	if (len > 0 && (p[0] >> 4 == 4 || p[0] >> 4 == 6))
		ver = p[0] >> 4;
	if (c->c_ver != 0 && ver != c->c_ver) {
		n->n_skip++;
		return;
	}

	memset(&m, 0, sizeof(m));
	m.m_ifname = c->c_ifname;
	m.m_now = h->ts.tv_sec < 0 ? 0 : (uint64_t)h->ts.tv_sec;
	pkt_where(c, p, len, ver, &m, &dir);

	/* Nothing of the previous packet may show in this one's line. */
	res->res_len = 0;
	memset(&res->res_pkt, 0, sizeof(res->res_pkt));
	if (dir == IPF_DIR_OUT)
		v = ipf_output(ipf, p, len, &m, res);
	else
		v = ipf_input(ipf, p, len, &m, res);

	switch (v) {
	case IPF_PASS:
		n->n_pass++;
		wp = p;
		wlen = len;
		/*
		 * The frame may be longer than the packet (Ethernet pads to
		 * 60 bytes); raw IP output carries the packet alone.
		 */
		if (res->res_pkt.pr_len > 0 && res->res_pkt.pr_len < len)
			wlen = res->res_pkt.pr_len;
		break;
	case IPF_REPLACE:
		if (res->res_reason == IPF_R_ENCAP)
			n->n_encap++;
		else if (res->res_reason == IPF_R_DECAP)
			n->n_decap++;
		else
			n->n_pass++;
		wp = res->res_buf;
		wlen = res->res_len;
		break;
	case IPF_DROP:
		n->n_drop++;
		break;
	}

	(void)logfmt_pkt(line, sizeof(line), &res->res_pkt);
	if (c->c_reasons && res->res_reason < IPF_R_MAX)
		printf("%s X:%s\n", line, ipf_reason_names[res->res_reason]);
	else
		printf("%s\n", line);

	if (out != NULL && wp != NULL) {
		memset(&oh, 0, sizeof(oh));
		oh.ts = h->ts;
		oh.caplen = oh.len = (bpf_u_int32)wlen;
		pcap_dump((u_char *)out, &oh, wp);
	}
}

/* Every packet gets its line from the result; log records add nothing. */
static void
sink_none(void *arg, const struct ipf_event *ev)
{
	(void)arg;
	(void)ev;
}

int
main(int argc, char *argv[])
{
	struct pcf_conf		 c;
	struct pcf_count	 n;
	struct ipf_result	 res;
	struct pcap_pkthdr	*h;
	const u_char		*f;
	char			 ebuf[PCAP_ERRBUF_SIZE];
	pcap_t			*in = NULL, *dead = NULL;
	pcap_dumper_t		*out = NULL;
	FILE			*wf;
	struct ipf		*ipf = NULL;
	uint64_t		 now;
	int			 dlt, rc, ex = 1;

	cmd_init("pcapfilt", pcf_synopsis);
	conf_parse(&c, argc, argv);
	memset(&n, 0, sizeof(n));
	memset(&res, 0, sizeof(res));

	if ((in = pcap_open_offline(c.c_in, ebuf)) == NULL) {
		warnx("-r %s: %s", c.c_in, ebuf);
		goto done;
	}
	dlt = pcap_datalink(in);
	switch (dlt) {
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6: case DLT_EN10MB:
	case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_NULL: case DLT_LOOP:
		break;
	default:
		warnx("-r %s: link type %d is not supported", c.c_in, dlt);
		goto done;
	}
	if ((ipf = ipf_create(sink_none, NULL)) == NULL ||
	    (res.res_buf = malloc(PCF_RESCAP)) == NULL) {
		warn("engine");
		goto done;
	}
	res.res_cap = PCF_RESCAP;

	/* Rules load at the capture's first moment (mkfilt -u). */
	rc = pcap_next_ex(in, &h, &f);
	now = rc == 1 && h->ts.tv_sec > 0 ? (uint64_t)h->ts.tv_sec : 0;
	if (rules_load(ipf, c.c_ver, now) == -1 ||
	    tunnels_load(ipf, c.c_ver, now) == -1)
		goto done;

	if (c.c_out != NULL) {
		if ((dead = pcap_open_dead(DLT_RAW, PCF_SNAPLEN)) == NULL) {
			warnx("-w %s: cannot create", c.c_out);
			goto done;
		}
		if ((wf = fopen(c.c_out, "wb")) == NULL) {
			warn("-w %s", c.c_out);
			goto done;
		}
		if ((out = pcap_dump_fopen(dead, wf)) == NULL) {
			warnx("-w %s: %s", c.c_out, pcap_geterr(dead));
			fclose(wf);
			goto done;
		}
	}

	for (; rc == 1; rc = pcap_next_ex(in, &h, &f))
		pkt_run(&c, ipf, h, f, dlt, out, &res, &n);
	if (rc == PCAP_ERROR) {
		warnx("-r %s: %s", c.c_in, pcap_geterr(in));
		goto done;
	}
	if (fflush(stdout) == EOF) {
		warn("stdout");
		goto done;
	}
	if (out != NULL && pcap_dump_flush(out) == -1) {
		warnx("-w %s: write failed", c.c_out);
		goto done;
	}
	fprintf(stderr, "pcapfilt: %ju packets: %ju passed, %ju encapsulated, "
	    "%ju decapsulated, %ju dropped, %ju skipped\n",
	    (uintmax_t)n.n_all, (uintmax_t)n.n_pass, (uintmax_t)n.n_encap,
	    (uintmax_t)n.n_decap, (uintmax_t)n.n_drop, (uintmax_t)n.n_skip);
	ex = 0;
done:
	if (out != NULL)
		pcap_dump_close(out);
	if (dead != NULL)
		pcap_close(dead);
	if (in != NULL)
		pcap_close(in);
	ipf_free(ipf);
	free(res.res_buf);
	free(c.c_local);
	return (ex);
}
