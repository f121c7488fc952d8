/*
 * gro.c: carriers that came off the queue, through the engine, and the
 * decapsulated packets on their way into the TUN device, TCP coalesced
 * as a NIC's GRO would have done it.  A batch of carriers
 * (carrier.c) often holds consecutive segments of one TCP stream; one
 * super-packet written with a virtio_net_hdr (tundev.c) costs the kernel
 * one trip up the stack instead of one per segment.
 *
 * A segment joins the newest super-packet of its flow when it continues
 * it exactly: same addresses, ports, IP and TCP header fields (TTL,
 * TOS, DF, ack, window, options), sequence number where the last one
 * ended, a payload no bigger than the first's, only ACK (and PSH, which
 * ends the super-packet) set, and the result under 64 KB.  Anything else
 * is written as it came, after what came before it of its flow, so no
 * flow is ever reordered.  The inner packets' integrity was proven by
 * ESP's ICV, so they go in marked as checked (VIRTIO_NET_HDR_F_DATA_VALID).
 */
#include <linux/virtio_net.h>

#include <stdlib.h>
#include <string.h>

#include "ipsecd.h"

#define GRO_MAX		64		/* packets waiting for a flush */
#define GRO_PKTMAX	65535
#define GRO_TCP_ACK	0x10
#define GRO_TCP_PSH	0x08

/* What makes two packets one flow, whose order must be kept. */
struct gro_key {
	uint8_t		gk_ver;
	uint8_t		gk_proto;
	uint16_t	gk_sport;	/* TCP and UDP, else 0 */
	uint16_t	gk_dport;
	uint8_t		gk_addr[32];	/* source, destination */
};

struct gro_ent {
	struct gro_key	ge_key;
	size_t		ge_len;		/* bytes in ge_buf */
	size_t		ge_hlen;	/* IP + TCP headers; 0: not TCP */
	size_t		ge_seg;		/* payload of the first segment */
	size_t		ge_nseg;
	uint32_t	ge_next;	/* sequence number after the last */
	int		ge_open;	/* may take more segments */
	uint8_t		ge_buf[GRO_PKTMAX];
};

struct gro {
	struct tundev	*g_td;
	struct ipsecd	*g_d;
	char		 g_ifname[IPF_IFNAMSIZ];
	size_t		 g_n;		/* entries in use */
	struct gro_ent	 g_ent[GRO_MAX];
};

static void	gro_add(struct gro *, size_t);
static void	gro_key(const uint8_t *, size_t, struct gro_key *);
static size_t	gro_tcp(const uint8_t *, size_t, uint32_t *);
static int	gro_same(const struct gro_ent *, const uint8_t *, size_t);
static int	gro_merge(struct gro_ent *, const uint8_t *, size_t, size_t,
		    uint32_t);
static void	gro_write(struct gro *, struct gro_ent *);
static uint16_t	gro_get16(const uint8_t *);
static uint32_t	gro_get32(const uint8_t *);
static void	gro_put16(uint8_t *, uint16_t);

struct gro *
gro_open(struct ipsecd *d, struct tundev *td)
{
	struct gro	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return (NULL);
	g->g_td = td;
	g->g_d = d;
	return (g);
}

void
gro_close(struct gro *g)
{
	free(g);
}

static uint16_t
gro_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
gro_get32(const uint8_t *p)
{
	return ((uint32_t)gro_get16(p) << 16 | gro_get16(p + 2));
}

static void
gro_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * A carrier for this host that came off the queue (carrier.c, natt.c):
 * the engine filters it, opens it and filters what was inside, exactly
 * as on the queue, writing the inner packet where gro_add() takes it.
 */
void
gro_input(struct gro *g, const uint8_t *pkt, size_t len, uint32_t ifindex)
{
	struct ipsecd		*d = g->g_d;
	struct ipf_meta		 m;
	struct ipf_result	 res;

	if (g->g_n == GRO_MAX)
		gro_flush(g);
	memset(&m, 0, sizeof(m));
	m.m_now = ipsecd_now();
	m.m_local = 1;			/* the hook let only local ones by */
	m.m_islocal = ifaddr_islocal_cb;
	m.m_arg = d->d_ifa;
	ifaddr_name(d->d_ifa, ifindex, g->g_ifname);
	m.m_ifname = g->g_ifname;
	ifaddr_addr(d->d_ifa, g->g_ifname, len > 0 ? pkt[0] >> 4 : 0,
	    &m.m_ifaddr);
	memset(&res, 0, sizeof(res));
	res.res_buf = g->g_ent[g->g_n].ge_buf;
	res.res_cap = sizeof(g->g_ent[g->g_n].ge_buf);
	if (ipf_input(d->d_ipf, pkt, len, &m, &res) == IPF_REPLACE)
		gro_add(g, res.res_len);
}

static void
gro_key(const uint8_t *p, size_t len, struct gro_key *k)
{
	size_t	ih;

	memset(k, 0, sizeof(*k));
	if (len >= 20 && p[0] >> 4 == 4) {
		k->gk_ver = 4;
		k->gk_proto = p[9];
		memcpy(k->gk_addr, p + 12, 8);
		ih = (size_t)(p[0] & 0x0f) * 4;
		if (gro_get16(p + 6) & 0x1fff)		/* no ports here */
			return;
	} else if (len >= 40 && p[0] >> 4 == 6) {
		k->gk_ver = 6;
		k->gk_proto = p[6];
		memcpy(k->gk_addr, p + 8, 32);
		ih = 40;
	} else
		return;
	if ((k->gk_proto == 6 || k->gk_proto == 17) && len >= ih + 4) {
		k->gk_sport = gro_get16(p + ih);
		k->gk_dport = gro_get16(p + ih + 2);
	}
}

/*
 * The header length of a TCP segment that may be coalesced, with its
 * sequence number: IPv4 without options or IPv6 without extension
 * headers, not a fragment, ACK and at most PSH set, some payload.  0
 * for anything else.
 */
static size_t
gro_tcp(const uint8_t *p, size_t len, uint32_t *seq)
{
	size_t	ih, th;

	if (len >= 20 && p[0] == 0x45) {
		if (p[9] != 6 || (gro_get16(p + 6) & 0x3fff) != 0 ||
		    !(gro_get16(p + 6) & 0x4000))	/* DF, no fragment */
			return (0);
		ih = 20;
	} else if (len >= 40 && p[0] >> 4 == 6) {
		if (p[6] != 6)
			return (0);
		ih = 40;
	} else
		return (0);
	if (len < ih + 20)
		return (0);
	th = (size_t)(p[ih + 12] >> 4) * 4;
	if (th < 20 || ih + th >= len ||
	    (p[ih + 13] & ~GRO_TCP_PSH) != GRO_TCP_ACK)
		return (0);
	*seq = gro_get32(p + ih + 4);
	return (ih + th);
}

/*
 * Whether segment p (headers hlen) belongs to e's flow and matches its
 * headers in everything GRO requires to be equal: the IP header but for
 * its length, ID and checksum; the TCP header but for the sequence
 * number, PSH and the checksum.
 */
static int
gro_same(const struct gro_ent *e, const uint8_t *p, size_t hlen)
{
	const uint8_t	*h = e->ge_buf;
	size_t		 ih = p[0] >> 4 == 4 ? 20 : 40;

	if (e->ge_hlen != hlen || h[0] != p[0])
		return (0);
	if (ih == 20) {
		if (h[1] != p[1] || memcmp(h + 6, p + 6, 4) != 0 ||
		    memcmp(h + 12, p + 12, 8) != 0)
			return (0);
	} else if (memcmp(h, p, 4) != 0 || memcmp(h + 6, p + 6, 34) != 0)
		return (0);
	return (memcmp(h + ih, p + ih, 4) == 0 &&		/* ports */
	    memcmp(h + ih + 8, p + ih + 8, 5) == 0 &&		/* ack, off */
	    memcmp(h + ih + 14, p + ih + 14, 2) == 0 &&		/* window */
	    memcmp(h + ih + 18, p + ih + 18, hlen - ih - 18) == 0);
}

/* Append segment p to e if it continues e exactly; 1 if it did. */
static int
gro_merge(struct gro_ent *e, const uint8_t *p, size_t len, size_t hlen,
    uint32_t seq)
{
	size_t	plen = len - hlen, fl = (p[0] >> 4 == 4 ? 20 : 40) + 13;

	if (!e->ge_open || seq != e->ge_next || plen > e->ge_seg ||
	    e->ge_len + plen > GRO_PKTMAX || !gro_same(e, p, hlen))
		return (0);
	memcpy(e->ge_buf + e->ge_len, p + hlen, plen);
	e->ge_len += plen;
	e->ge_nseg++;
	e->ge_next += (uint32_t)plen;
	/* A short segment or PSH ends it, as GRO ends a burst there. */
	if (plen < e->ge_seg || (p[fl] & GRO_TCP_PSH)) {
		e->ge_open = 0;
		e->ge_buf[fl] |= p[fl] & GRO_TCP_PSH;
	}
	return (1);
}

static void
gro_add(struct gro *g, size_t len)
{
	struct gro_ent	*e = &g->g_ent[g->g_n];
	const uint8_t	*p = e->ge_buf;
	size_t		 hlen, i;
	uint32_t	 seq = 0;

	gro_key(p, len, &e->ge_key);
	hlen = gro_tcp(p, len, &seq);
	/* Only the newest entry of the same flow may take it. */
	for (i = g->g_n; i-- > 0;)
		if (memcmp(&g->g_ent[i].ge_key, &e->ge_key,
		    sizeof(e->ge_key)) == 0) {
			if (hlen != 0 && g->g_ent[i].ge_hlen != 0 &&
			    gro_merge(&g->g_ent[i], p, len, hlen, seq))
				return;
			break;
		}
	e->ge_len = len;
	e->ge_hlen = hlen;
	e->ge_seg = len - hlen;
	e->ge_nseg = 1;
	e->ge_next = seq + (uint32_t)(len - hlen);
	e->ge_open = hlen != 0 &&
	    !(p[(p[0] >> 4 == 4 ? 20 : 40) + 13] & GRO_TCP_PSH);
	g->g_n++;
}

/*
 * One entry to the TUN device: as it came, or as one super-packet with
 * its lengths set and the TCP checksum left to the kernel, which also
 * cuts it again should it have to forward it.
 */
static void
gro_write(struct gro *g, struct gro_ent *e)
{
	struct virtio_net_hdr	vh;
	uint8_t			*p = e->ge_buf;
	size_t			 ih = p[0] >> 4 == 4 ? 20 : 40;
	uint32_t		 sum;
	size_t			 i;

	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	if (e->ge_nseg > 1) {
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.gso_type = ih == 20 ? VIRTIO_NET_HDR_GSO_TCPV4 :
		    VIRTIO_NET_HDR_GSO_TCPV6;
		vh.hdr_len = (uint16_t)e->ge_hlen;
		vh.gso_size = (uint16_t)e->ge_seg;
		vh.csum_start = (uint16_t)ih;
		vh.csum_offset = 16;
		if (ih == 20) {
			gro_put16(p + 2, (uint16_t)e->ge_len);
			gro_put16(p + 10, 0);
			for (i = 0, sum = 0; i < 20; i += 2)
				sum += gro_get16(p + i);
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			gro_put16(p + 10, (uint16_t)~sum);
		} else
			gro_put16(p + 4, (uint16_t)(e->ge_len - 40));
		/* NEEDS_CSUM: the field holds the pseudo-header's sum. */
		for (i = ih == 20 ? 12 : 8, sum = 0; i < ih; i += 2)
			sum += gro_get16(p + i);
		sum += 6 + (uint32_t)(e->ge_len - ih);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		gro_put16(p + ih + 16, (uint16_t)sum);
	}
	if (tundev_write(g->g_td, &vh, p, e->ge_len) == -1)
		g->g_d->d_unsent++;
}

void
gro_flush(struct gro *g)
{
	size_t	i;

	for (i = 0; i < g->g_n; i++)
		gro_write(g, &g->g_ent[i]);
	g->g_n = 0;
}
