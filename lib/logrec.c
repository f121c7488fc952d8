/*
 * logrec.c: the log record datagrams between ipsecd and ipsec_logd
 * (logrec.h has the layout), and the sender's end that never blocks.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confdir.h"
#include "logrec.h"

const char *const logrec_err_names[LOGREC_E_MAX] = {
	[LOGREC_E_OK]		= "ok",
	[LOGREC_E_SHORT]	= "shorter than a record header",
	[LOGREC_E_VERSION]	= "unknown record version",
	[LOGREC_E_TYPE]		= "unknown record type",
	[LOGREC_E_LENGTH]	= "wrong length for its type",
	[LOGREC_E_FIELD]	= "field out of range",
};

static void	put16(uint8_t *, uint16_t);
static void	put32(uint8_t *, uint32_t);
static void	put64(uint8_t *, uint64_t);
static uint16_t	get16(const uint8_t *);
static uint32_t	get32(const uint8_t *);
static uint64_t	get64(const uint8_t *);
static void	putaddr(uint8_t *, uint8_t, const union ipf_addr *);
static int	getaddr(const uint8_t *, uint8_t, union ipf_addr *);
static void	encode_pkt(uint8_t *, const struct ipf_pktrec *);
static void	encode_tun(uint8_t *, const struct logrec_tun *);
static int	decode_pkt(const uint8_t *, struct ipf_pktrec *);
static int	decode_tun(const uint8_t *, struct logrec_tun *);
static int	rundir_path(const char *, char *, size_t, char *, size_t);
static int	logrec_tunev(struct logrec_tun *, const struct ipf_tunev *);

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)get16(p) << 16 | get16(p + 2));
}

static uint64_t
get64(const uint8_t *p)
{
	return ((uint64_t)get32(p) << 32 | get32(p + 4));
}

/* Addresses are already in network order; IPv4 leaves 12 bytes zero. */
static void
putaddr(uint8_t *p, uint8_t ver, const union ipf_addr *a)
{
	memset(p, 0, sizeof(a->b));
	if (ver == 4)
		memcpy(p, &a->v4, sizeof(a->v4));
	else if (ver == 6)
		memcpy(p, &a->v6, sizeof(a->v6));
}

/* The inverse of putaddr(): bytes an IPv4 or no address cannot have fail. */
static int
getaddr(const uint8_t *p, uint8_t ver, union ipf_addr *a)
{
	static const uint8_t	zero[16];
	size_t			n = ver == 6 ? 16 : ver == 4 ? 4 : 0;

	memset(a, 0, sizeof(*a));
	if (memcmp(p + n, zero, sizeof(zero) - n) != 0)
		return (-1);
	memcpy(a->b, p, n);
	return (0);
}

static void
encode_pkt(uint8_t *p, const struct ipf_pktrec *pr)
{
	uint8_t	flags = 0;
	size_t	n;

	if (pr->pr_tcpack)
		flags |= LOGREC_F_TCPACK;
	if (pr->pr_icmp)
		flags |= LOGREC_F_ICMP;
	if (pr->pr_frag)
		flags |= LOGREC_F_FRAG;
	if (pr->pr_routed)
		flags |= LOGREC_F_ROUTED;
	put32(p + 16, pr->pr_rule);
	p[20] = pr->pr_permit != 0;
	p[21] = pr->pr_dir == IPF_DIR_OUT ? IPF_DIR_OUT : IPF_DIR_IN;
	p[22] = pr->pr_ver == 4 || pr->pr_ver == 6 ? pr->pr_ver : 0;
	p[23] = pr->pr_proto;
	p[24] = flags;
	put16(p + 26, pr->pr_sport);
	put16(p + 28, pr->pr_dport);
	put32(p + 32, pr->pr_tunnel);
	put32(p + 36, pr->pr_len);
	putaddr(p + 40, p[22], &pr->pr_local);
	putaddr(p + 56, p[22], &pr->pr_src);
	putaddr(p + 72, p[22], &pr->pr_dst);
	/* The name need not be terminated in pr_ifname; it is on the wire. */
	n = strnlen(pr->pr_ifname, IPF_IFNAMSIZ - 1);
	memcpy(p + 88, pr->pr_ifname, n);
}

static void
encode_tun(uint8_t *p, const struct logrec_tun *lt)
{
	p[16] = lt->lt_event;
	p[17] = lt->lt_ver;
	p[18] = lt->lt_proto;
	put32(p + 20, lt->lt_tunnel);
	put32(p + 24, lt->lt_espspi);
	put32(p + 28, lt->lt_ahspi);
	put64(p + 32, lt->lt_seq);
	putaddr(p + 40, lt->lt_ver, &lt->lt_src);
	putaddr(p + 56, lt->lt_ver, &lt->lt_dst);
}

size_t
logrec_encode(uint8_t *buf, size_t len, const struct logrec *r)
{
	size_t	n;

	switch (r->lr_type) {
	case LOGREC_PKT:
		n = LOGREC_PKTLEN;
		break;
	case LOGREC_TUNNEL:
		n = LOGREC_TUNLEN;
		break;
	default:
		errno = EINVAL;
		return (0);
	}
	if (len < n) {
		errno = EMSGSIZE;
		return (0);
	}
	memset(buf, 0, n);
	buf[0] = LOGREC_VERSION;
	buf[1] = r->lr_type;
	put16(buf + 2, (uint16_t)n);
	put64(buf + 8, r->lr_time);
	if (r->lr_type == LOGREC_PKT)
		encode_pkt(buf, &r->lr_pkt);
	else
		encode_tun(buf, &r->lr_tun);
	return (n);
}

/*
 * Every byte is checked: a record that passes prints exactly what the
 * sender meant, and the interface name can put no control character
 * into the syslog line.
 */
static int
decode_pkt(const uint8_t *p, struct ipf_pktrec *pr)
{
	const uint8_t	*ifn = p + 88, *nul;
	size_t		 i;

	memset(pr, 0, sizeof(*pr));
	if (p[20] > 1 || (p[21] != IPF_DIR_IN && p[21] != IPF_DIR_OUT) ||
	    (p[22] != 0 && p[22] != 4 && p[22] != 6) ||
	    (p[24] & ~LOGREC_F_ALL) != 0 || p[25] != 0 || get16(p + 30) != 0)
		return (-1);
	pr->pr_rule = get32(p + 16);
	pr->pr_permit = p[20];
	pr->pr_dir = p[21];
	pr->pr_ver = p[22];
	pr->pr_proto = p[23];
	pr->pr_tcpack = (p[24] & LOGREC_F_TCPACK) != 0;
	pr->pr_icmp = (p[24] & LOGREC_F_ICMP) != 0;
	pr->pr_frag = (p[24] & LOGREC_F_FRAG) != 0;
	pr->pr_routed = (p[24] & LOGREC_F_ROUTED) != 0;
	pr->pr_sport = get16(p + 26);
	pr->pr_dport = get16(p + 28);
	pr->pr_tunnel = get32(p + 32);
	pr->pr_len = get32(p + 36);
	if (getaddr(p + 40, pr->pr_ver, &pr->pr_local) == -1 ||
	    getaddr(p + 56, pr->pr_ver, &pr->pr_src) == -1 ||
	    getaddr(p + 72, pr->pr_ver, &pr->pr_dst) == -1)
		return (-1);
	if ((nul = memchr(ifn, '\0', IPF_IFNAMSIZ)) == NULL)
		return (-1);
	for (i = 0; ifn + i < nul; i++)
		if (ifn[i] <= ' ' || ifn[i] >= 0x7f)
			return (-1);
	for (i = (size_t)(nul - ifn); i < IPF_IFNAMSIZ; i++)
		if (ifn[i] != '\0')
			return (-1);
	memcpy(pr->pr_ifname, ifn, IPF_IFNAMSIZ);
	return (0);
}

static int
decode_tun(const uint8_t *p, struct logrec_tun *lt)
{
	memset(lt, 0, sizeof(*lt));
	if (p[16] >= LOGREC_TEV_MAX || (p[17] != 4 && p[17] != 6) ||
	    p[19] != 0)
		return (-1);
	lt->lt_event = p[16];
	lt->lt_ver = p[17];
	lt->lt_proto = p[18];
	/* Replay and ICV lines name the header (8.3). */
	if ((lt->lt_event == LOGREC_TEV_REPLAY ||
	    lt->lt_event == LOGREC_TEV_ICV) &&
	    lt->lt_proto != IPPROTO_ESP && lt->lt_proto != IPPROTO_AH)
		return (-1);
	lt->lt_tunnel = get32(p + 20);
	lt->lt_espspi = get32(p + 24);
	lt->lt_ahspi = get32(p + 28);
	lt->lt_seq = get64(p + 32);
	if (getaddr(p + 40, lt->lt_ver, &lt->lt_src) == -1 ||
	    getaddr(p + 56, lt->lt_ver, &lt->lt_dst) == -1)
		return (-1);
	return (0);
}

enum logrec_err
logrec_decode(const uint8_t *buf, size_t len, struct logrec *r)
{
	size_t	want;

	memset(r, 0, sizeof(*r));
	if (len < LOGREC_HDRLEN)
		return (LOGREC_E_SHORT);
	if (buf[0] != LOGREC_VERSION)
		return (LOGREC_E_VERSION);
	switch (buf[1]) {
	case LOGREC_PKT:
		want = LOGREC_PKTLEN;
		break;
	case LOGREC_TUNNEL:
		want = LOGREC_TUNLEN;
		break;
	default:
		return (LOGREC_E_TYPE);
	}
	if (len != want || get16(buf + 2) != want)
		return (LOGREC_E_LENGTH);
	if (get32(buf + 4) != 0)
		return (LOGREC_E_FIELD);
	r->lr_type = buf[1];
	r->lr_time = get64(buf + 8);
	if (r->lr_type == LOGREC_PKT ? decode_pkt(buf, &r->lr_pkt) :
	    decode_tun(buf, &r->lr_tun)) {
		memset(r, 0, sizeof(*r));
		return (LOGREC_E_FIELD);
	}
	return (LOGREC_E_OK);
}

enum logrec_err
logrec_next(const uint8_t *buf, size_t len, size_t *used, struct logrec *r)
{
	size_t	n;

	*used = 0;
	if (len < LOGREC_HDRLEN)
		return (LOGREC_E_SHORT);
	if ((n = get16(buf + 2)) < LOGREC_HDRLEN || n > len)
		return (LOGREC_E_LENGTH);
	*used = n;
	return (logrec_decode(buf, n, r));
}

static int
rundir_path(const char *name, char *buf, size_t len, char *err,
    size_t errlen)
{
	char	dir[PATH_MAX];

	if (confdir_rundir(dir, sizeof(dir), err, errlen) == -1)
		return (-1);
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		snprintf(err, errlen, "IPSEC_RUNDIR is too long");
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

int
logrec_sockpath(char *buf, size_t len, char *err, size_t errlen)
{
	struct sockaddr_un	sun;

	/* sun_path, not PATH_MAX, is the limit that counts for a socket. */
	if (len > sizeof(sun.sun_path))
		len = sizeof(sun.sun_path);
	return (rundir_path(LOGREC_SOCKNAME, buf, len, err, errlen));
}

int
logrec_pidpath(char *buf, size_t len, char *err, size_t errlen)
{
	return (rundir_path(LOGREC_PIDNAME, buf, len, err, errlen));
}

int
logrec_sender_init(struct logrec_sender *ls, char *err, size_t errlen)
{
	memset(ls, 0, sizeof(*ls));
	ls->ls_fd = -1;
	if (logrec_sockpath(ls->ls_path, sizeof(ls->ls_path), err,
	    errlen) == -1)
		return (-1);
	if ((ls->ls_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "log socket: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

void
logrec_send(struct logrec_sender *ls, const struct logrec *r)
{
	size_t	n;

	if (sizeof(ls->ls_buf) - ls->ls_len < LOGREC_MAXLEN)
		(void)logrec_flush(ls);
	if ((n = logrec_encode(ls->ls_buf + ls->ls_len,
	    sizeof(ls->ls_buf) - ls->ls_len, r)) == 0) {
		ls->ls_lost++;
		return;
	}
	ls->ls_len += n;
	ls->ls_nrec++;
}

/*
 * The socket stays connected to the daemon's; if that daemon went away
 * (ECONNREFUSED) or was never there (ENOENT), the flush tries to connect
 * again, so records flow as soon as a new ipsec_logd is bound.  A full
 * receive queue (EAGAIN) or a short kernel (ENOBUFS) loses only this
 * batch: the data path never waits for the log.
 */
int
logrec_flush(struct logrec_sender *ls)
{
	struct sockaddr_un	sun;
	ssize_t			n;

	if (ls->ls_nrec == 0)
		return (0);
	if (ls->ls_fd == -1)
		goto lost;
	n = send(ls->ls_fd, ls->ls_buf, ls->ls_len, MSG_DONTWAIT |
	    MSG_NOSIGNAL);
	if (n == -1 && (errno == ENOTCONN || errno == ECONNREFUSED ||
	    errno == ENOENT || errno == ECONNRESET)) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, ls->ls_path, sizeof(sun.sun_path));
		if (connect(ls->ls_fd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1)
			goto lost;
		n = send(ls->ls_fd, ls->ls_buf, ls->ls_len, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
	}
	if (n != (ssize_t)ls->ls_len)
		goto lost;
	ls->ls_sent += ls->ls_nrec;
	ls->ls_len = ls->ls_nrec = 0;
	return (0);
 lost:
	ls->ls_lost += ls->ls_nrec;
	ls->ls_len = ls->ls_nrec = 0;
	return (-1);
}

/*
 * The engine's tunnel events (struct ipf_tunev) as records.  The engine
 * knows only the inbound SA's SPI; an expiry names no SPI (0, as for an
 * unused header).  Activation and deactivation are the host's doing, and
 * it sends those itself with logrec_send().
 */
static int
logrec_tunev(struct logrec_tun *lt, const struct ipf_tunev *te)
{
	memset(lt, 0, sizeof(*lt));
	switch (te->te_event) {
	case IPF_TEV_EXPIRED:
		lt->lt_event = LOGREC_TEV_EXPIRED;
		lt->lt_espspi = te->te_spi;	/* the outbound SAs' */
		lt->lt_ahspi = te->te_ahspi;
		break;
	case IPF_TEV_REPLAY:
		lt->lt_event = LOGREC_TEV_REPLAY;
		break;
	case IPF_TEV_ICV:
		lt->lt_event = LOGREC_TEV_ICV;
		break;
	case IPF_TEV_POLICY:
		lt->lt_event = LOGREC_TEV_POLICY;
		break;
	default:
		return (-1);
	}
	lt->lt_ver = te->te_ver;
	lt->lt_proto = te->te_proto;
	lt->lt_tunnel = te->te_tunnel;
	if (te->te_event == IPF_TEV_REPLAY || te->te_event == IPF_TEV_ICV) {
		if (te->te_proto == IPPROTO_AH)
			lt->lt_ahspi = te->te_spi;
		else
			lt->lt_espspi = te->te_spi;
	}
	lt->lt_seq = te->te_seq;
	lt->lt_src = te->te_src;
	lt->lt_dst = te->te_dst;
	return (0);
}

void
logrec_sink(void *arg, const struct ipf_event *ev)
{
	struct logrec_sender	*ls = arg;
	struct logrec		 r;

	r.lr_time = (uint64_t)time(NULL);
	if (ev->ev_type == IPF_EV_PACKET) {
		r.lr_type = LOGREC_PKT;
		r.lr_pkt = ev->ev_pkt;
	} else if (ev->ev_type == IPF_EV_TUNNEL &&
	    logrec_tunev(&r.lr_tun, &ev->ev_tun) == 0)
		r.lr_type = LOGREC_TUNNEL;
	else {
		ls->ls_lost++;		/* none vanishes unseen */
		return;
	}
	logrec_send(ls, &r);
}

void
logrec_sender_close(struct logrec_sender *ls)
{
	(void)logrec_flush(ls);
	if (ls->ls_fd != -1)
		close(ls->ls_fd);
	ls->ls_fd = -1;
}
