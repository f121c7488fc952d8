/*
 * filt_cls.c: the compiled classifier of one rule table.
 *
 * Each of six packet dimensions maps the packet to the set of rules whose
 * selector in that dimension admits it: source address, destination
 * address (elementary intervals of the rules' prefixes, found by a bucket
 * index on the top 16 bits and a short binary search), protocol (direct
 * index, TCP with ACK apart), source and destination port or ICMP
 * type/code (a direct class table over every port, every ICMP value and
 * "none"), and the rest (direction, scope, fragment state, source route,
 * tunnelled: 48 combinations).  A rule can match only if it is in all six
 * sets, so their intersection is a superset of the matching rules;
 * filt.c verifies each candidate in order with the exact predicate.
 * Rules that steer the walk (IF, ELSE, placement) and the default rule
 * are in every set; ENDIF is in none (reaching it changes nothing).
 *
 * A set is a bitmap of the table's rules cut into blocks of 512 (one
 * cache line).  Identical blocks are stored once, so a set costs a block
 * index per block plus the blocks in which it differs from every other
 * set.  A set of at most CLS_SPARSE rules also lists them: a lookup then
 * walks the smallest list, merged with the next smallest, and tests each
 * survivor's bit in the other sets.  When no set is that small, a lookup
 * ANDs the sets' summaries (which blocks are non-zero) and then the blocks
 * every dimension has candidates in.  Either way the work follows the
 * number of candidates, not the number of rules.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "filt.h"
#include "filt_cls.h"
#include "pkt.h"

#define CLS_BLKW	FILT_CLS_BLKW
#define CLS_BLKBITS	FILT_CLS_BLKBITS
#define CLS_NPROTO	257		/* 0-255, then TCP with ACK */
#define CLS_PROTO_ACK	256
#define CLS_ICMP	65536		/* port keys: ports, ICMP, none */
#define CLS_NOPORT	(CLS_ICMP + 256)
#define CLS_NPORT	(CLS_NOPORT + 1)
#define CLS_NMISC	48
#define CLS_BKTBITS	16
#define CLS_BKTMIN	16		/* fewer intervals: no bucket index */
#define CLS_SPARSE	48		/* sets this small list their rules */
#define CLS_DENSE	UINT32_MAX
#define CLS_LEAF	8		/* more in a bucket: a node below it */
#define CLS_MAXBITS	64		/* index at most this deep */

enum { CLS_SRC, CLS_DST, CLS_PROTO, CLS_SPORT, CLS_DPORT, CLS_MISC };

struct cls_k128 {			/* an address as a 128-bit number */
	uint64_t	k_hi;
	uint64_t	k_lo;
};

/*
 * One slot of the address index (a top-16-bit bucket or a node's byte):
 * the intervals that can hold its addresses, [sl_lo, sl_hi], for a binary
 * search.  When that is one interval, sl_lo is CLS_DIRECT and sl_hi is
 * its set, so the lookup ends at the slot; when it is more than CLS_LEAF,
 * sl_lo is CLS_NODE and sl_hi a node on the next byte.  Eight bytes, so
 * a slot is one cache line wherever it falls, and each level of the
 * index costs one line.
 */
struct cls_slot {
	uint32_t	sl_lo;
	uint32_t	sl_hi;
};

#define CLS_DIRECT	UINT32_MAX
#define CLS_NODE	(UINT32_MAX - 1)

/*
 * A node of the address index below a crowded slot: the next 8 bits of
 * the address narrow the interval range, until at most CLS_LEAF remain
 * for the binary search.
 */
struct cls_node {
	struct cls_slot	nd_sl[256];
};

/*
 * An address dimension: elementary intervals, sorted by start.  IPv4
 * starts are kept as 32-bit numbers (ad_k32), so the binary search over
 * CLS_LEAF of them reads one cache line; the sets are apart (ad_set), so
 * the search reads no set but the one it finds.
 */
struct cls_adim {
	struct cls_k128	*ad_k;		/* IPv6 starts, or NULL */
	uint32_t	*ad_k32;	/* IPv4 starts, or NULL */
	uint32_t	*ad_set;
	struct cls_slot	*ad_bkt;	/* top-16-bit index, or NULL */
	struct cls_node	*ad_nodes;
	size_t		 ad_nnodes;
	size_t		 ad_capnodes;
	size_t		 ad_n;
	size_t		 ad_bits;	/* 32 or 128 */
};

/* A direct-indexed dimension; a single set when all keys agree. */
struct cls_ddim {
	uint32_t	*dd_set;	/* NULL: dd_one for every key */
	uint32_t	 dd_one;
};

struct filt_cls {
	size_t		 c_n;		/* rules */
	size_t		 c_nb;		/* blocks */
	size_t		 c_nsw;		/* summary words */
	size_t		 c_reclen;	/* uint32s per set record, sans list */
	struct cls_adim	 c_addr[2];	/* source, destination */
	struct cls_ddim	 c_dim[4];	/* proto, sport, dport, misc */
	uint64_t	*c_blk;		/* block pool; block 0 is all zero */
	size_t		 c_nblk;
	uint32_t	*c_rec;		/* set records */
	size_t		 c_nrec;	/* uint32s used */
};

/* A rule's selector in one dimension: a key range [rg_lo, rg_hi). */
struct cls_range {
	uint32_t	rg_rule;
	uint32_t	rg_lo;
	uint32_t	rg_hi;
};

struct cls_ranges {
	struct cls_range *rs_v;
	size_t		  rs_n;
	size_t		  rs_cap;
};

/* Build state: the pools' dedup hash tables and the sweep's bitmap. */
struct cls_build {
	struct filt_cls	*b_c;
	size_t		 b_blkcap;
	uint32_t	*b_blkht;	/* block id + 1, 0 empty */
	size_t		 b_blkhtcap;
	size_t		 b_reccap;
	uint32_t	*b_recht;	/* record offset + 1 */
	size_t		 b_nrecs;
	size_t		 b_rechtcap;
	uint64_t	*b_cur;		/* the sweep's current set */
	uint32_t	*b_refs;	/* its blocks' ids */
	uint8_t		*b_dirty;
	size_t		*b_dlist;
	size_t		 b_ndirty;
	uint32_t	*b_tmp;		/* a record being interned */
};

static int	cls_always(const struct filt_ent *);
static int	cls_addr_dim(struct cls_build *, const struct filt_table *,
		    int);
static int	cls_direct_dim(struct cls_build *, const struct filt_table *,
		    int, size_t, struct cls_ddim *);
static int	cls_rule_ranges(const struct filt_table *, size_t, int,
		    struct cls_ranges *);
static int	cls_port_ranges(const struct filt_ent *, uint32_t, int,
		    struct cls_ranges *);
static int	cls_misc_member(const struct filt_ent *, unsigned int);
static int	cls_add(struct cls_ranges *, uint32_t, uint32_t, uint32_t);
static int	cls_sweep(struct cls_build *, const struct cls_range *,
		    size_t, size_t, uint32_t *);
static int	cls_blk_intern(struct cls_build *, const uint64_t *,
		    uint32_t *);
static int	cls_rec_intern(struct cls_build *, uint32_t *);
static int	cls_grow_ht(uint32_t **, size_t *, size_t);
static uint64_t	cls_mix(uint64_t, uint64_t);
static void	cls_key(const union ipf_addr *, int, struct cls_k128 *);
static void	cls_key_end(const union ipf_addr *, const union ipf_addr *,
		    int, struct cls_k128 *);
static int	cls_kcmp(const struct cls_k128 *, const struct cls_k128 *);
static int	cls_kcmp_q(const void *, const void *);
static size_t	cls_afind(const struct cls_adim *, const struct cls_k128 *);
static uint32_t	cls_aset(const struct cls_adim *,
		    const struct cls_k128 *);
static void	cls_aslot(const struct cls_adim *, uint32_t, uint32_t,
		    struct cls_slot *);
static int	cls_kle(const struct cls_adim *, size_t,
		    const struct cls_k128 *);
static size_t	cls_asearch(const struct cls_adim *, const struct cls_k128 *,
		    size_t, size_t);
static int	cls_aindex(struct cls_adim *);
static int	cls_anode(struct cls_adim *, const struct cls_k128 *,
		    unsigned int, uint32_t, uint32_t, uint32_t *);
static unsigned int cls_byte(const struct cls_k128 *, unsigned int);
static void	cls_setbyte(struct cls_k128 *, unsigned int, unsigned int);
static unsigned int cls_misc_key(const struct filt_key *);
static void	cls_build_free(struct cls_build *);
static void	cls_prefetch_rec(const struct filt_cls *, uint32_t);
static size_t	cls_next_listed(struct filt_cls_cur *, size_t);

struct filt_cls *
filt_cls_build(const struct filt_table *t)
{
	struct cls_build	 b;
	struct filt_cls		*c;
	size_t			 d, nw;

	memset(&b, 0, sizeof(b));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	b.b_c = c;
	c->c_n = t->ft_n;
	c->c_nb = (t->ft_n + CLS_BLKBITS - 1) / CLS_BLKBITS;
	if (c->c_nb == 0)
		c->c_nb = 1;
	c->c_nsw = (c->c_nb + 63) / 64;
	c->c_reclen = 1 + 2 * c->c_nsw + c->c_nb;
	nw = c->c_nb * CLS_BLKW;
	b.b_blkcap = 64;
	b.b_reccap = 64 * c->c_reclen;
	if ((c->c_blk = calloc(b.b_blkcap, CLS_BLKW * sizeof(uint64_t))) ==
	    NULL || (c->c_rec = calloc(b.b_reccap, sizeof(uint32_t))) ==
	    NULL || (b.b_cur = calloc(nw, sizeof(uint64_t))) == NULL ||
	    (b.b_refs = calloc(c->c_nb, sizeof(uint32_t))) == NULL ||
	    (b.b_dirty = calloc(c->c_nb, 1)) == NULL ||
	    (b.b_dlist = calloc(c->c_nb, sizeof(size_t))) == NULL ||
	    (b.b_tmp = calloc(c->c_reclen + CLS_SPARSE,
	    sizeof(uint32_t))) == NULL ||
	    cls_grow_ht(&b.b_blkht, &b.b_blkhtcap, 128) == -1 ||
	    cls_grow_ht(&b.b_recht, &b.b_rechtcap, 128) == -1)
		goto fail;
	c->c_nblk = 1;			/* the zero block, id 0 */
	if (cls_addr_dim(&b, t, CLS_SRC) == -1 ||
	    cls_addr_dim(&b, t, CLS_DST) == -1)
		goto fail;
	for (d = CLS_PROTO; d <= CLS_MISC; d++)
		if (cls_direct_dim(&b, t, (int)d, d == CLS_PROTO ? CLS_NPROTO :
		    d == CLS_MISC ? CLS_NMISC : CLS_NPORT,
		    &c->c_dim[d - CLS_PROTO]) == -1)
			goto fail;
	cls_build_free(&b);
	return (c);
fail:
	cls_build_free(&b);
	filt_cls_free(c);
	return (NULL);
}

void
filt_cls_free(struct filt_cls *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(c->c_addr[i].ad_k);
		free(c->c_addr[i].ad_k32);
		free(c->c_addr[i].ad_set);
		free(c->c_addr[i].ad_bkt);
		free(c->c_addr[i].ad_nodes);
	}
	for (i = 0; i < 4; i++)
		free(c->c_dim[i].dd_set);
	free(c->c_blk);
	free(c->c_rec);
	free(c);
}

size_t
filt_cls_memsize(const struct filt_cls *c)
{
	size_t	i, n = sizeof(*c);

	for (i = 0; i < 2; i++) {
		n += c->c_addr[i].ad_n * (sizeof(uint32_t) +
		    (c->c_addr[i].ad_k != NULL ? sizeof(struct cls_k128) :
		    sizeof(uint32_t)));
		if (c->c_addr[i].ad_bkt != NULL)
			n += (1 << CLS_BKTBITS) * sizeof(struct cls_slot);
		n += c->c_addr[i].ad_capnodes * sizeof(struct cls_node);
	}
	n += c->c_dim[CLS_PROTO - CLS_PROTO].dd_set ? CLS_NPROTO * 4 : 0;
	n += c->c_dim[CLS_SPORT - CLS_PROTO].dd_set ? CLS_NPORT * 4 : 0;
	n += c->c_dim[CLS_DPORT - CLS_PROTO].dd_set ? CLS_NPORT * 4 : 0;
	n += c->c_dim[CLS_MISC - CLS_PROTO].dd_set ? CLS_NMISC * 4 : 0;
	n += c->c_nblk * CLS_BLKW * sizeof(uint64_t);
	n += c->c_nrec * sizeof(uint32_t);
	return (n);
}

/*
 * Rules that are candidates for every packet: those that steer the walk
 * and the default rule.  ENDIF is nobody's candidate.
 */
static int
cls_always(const struct filt_ent *e)
{
	switch (e->fe_r.r_action) {
	case IPF_ACT_IF:
	case IPF_ACT_ELSE:
	case IPF_ACT_PLACEMENT:
		return (1);
	default:
		return (e->fe_always);
	}
}

/*
 * An address dimension: each rule's prefix is the range [net, net|~mask];
 * the range ends cut the address space into elementary intervals, and
 * every address in one interval is in the same rules' ranges.
 */
static int
cls_addr_dim(struct cls_build *b, const struct filt_table *t, int d)
{
	struct cls_adim		*ad = &b->b_c->c_addr[d];
	struct cls_k128		*bnd = NULL, *lo = NULL, *hi = NULL;
	struct cls_ranges	 rs = { NULL, 0, 0 };
	const struct ipf_rule	*r;
	uint8_t			*hiok = NULL;
	uint32_t		*sets = NULL;
	size_t			 i, j, n = 0, nb = 0;
	int			 rc = -1, ver = t->ft_ver;

	if ((lo = calloc(t->ft_n + 1, sizeof(*lo))) == NULL ||
	    (hi = calloc(t->ft_n + 1, sizeof(*hi))) == NULL ||
	    (hiok = calloc(t->ft_n + 1, 1)) == NULL ||
	    (bnd = calloc(2 * t->ft_n + 1, sizeof(*bnd))) == NULL)
		goto out;
	bnd[nb++] = (struct cls_k128){ 0, 0 };
	for (i = 0; i < t->ft_n; i++) {
		r = &t->ft_ents[i].fe_r;
		if (r->r_action == IPF_ACT_ENDIF)
			continue;
		if (cls_always(&t->ft_ents[i])) {
			lo[i] = (struct cls_k128){ 0, 0 };
			continue;
		}
		cls_key(d == CLS_SRC ? &r->r_src : &r->r_dst, ver, &lo[i]);
		cls_key_end(d == CLS_SRC ? &r->r_src : &r->r_dst,
		    d == CLS_SRC ? &r->r_smask : &r->r_dmask, ver, &hi[i]);
		bnd[nb++] = lo[i];
		/* One past the end, unless the range reaches the top. */
		if (++hi[i].k_lo == 0 && ++hi[i].k_hi == 0)
			continue;
		hiok[i] = 1;
		bnd[nb++] = hi[i];
	}
	qsort(bnd, nb, sizeof(*bnd), cls_kcmp_q);
	for (i = 0; i < nb; i++)
		if (n == 0 || cls_kcmp(&bnd[n - 1], &bnd[i]) != 0)
			bnd[n++] = bnd[i];
	ad->ad_n = n;
	ad->ad_bits = ver == 4 ? 32 : 128;
	if (ver == 4) {
		if ((ad->ad_k32 = calloc(n, sizeof(*ad->ad_k32))) == NULL)
			goto out;
		for (i = 0; i < n; i++)
			ad->ad_k32[i] = (uint32_t)(bnd[i].k_hi >> 32);
	} else {
		if ((ad->ad_k = calloc(n, sizeof(*ad->ad_k))) == NULL)
			goto out;
		for (i = 0; i < n; i++)
			ad->ad_k[i] = bnd[i];
	}
	if ((ad->ad_set = calloc(n, sizeof(*ad->ad_set))) == NULL)
		goto out;
	sets = ad->ad_set;
	for (i = 0; i < t->ft_n; i++) {
		if (t->ft_ents[i].fe_r.r_action == IPF_ACT_ENDIF)
			continue;
		j = cls_afind(ad, &lo[i]);
		if (cls_add(&rs, (uint32_t)i, (uint32_t)j, hiok[i] ?
		    (uint32_t)cls_afind(ad, &hi[i]) : (uint32_t)n) == -1)
			goto out;
	}
	if (cls_sweep(b, rs.rs_v, rs.rs_n, n, sets) == -1)
		goto out;
	if (n >= CLS_BKTMIN && cls_aindex(ad) == -1)
		goto out;
	rc = 0;
out:
	free(lo);
	free(hi);
	free(hiok);
	free(bnd);
	free(rs.rs_v);
	return (rc);
}

/* A dimension indexed directly by a small key (protocol, port, misc). */
static int
cls_direct_dim(struct cls_build *b, const struct filt_table *t, int d,
    size_t nkeys, struct cls_ddim *dd)
{
	struct cls_ranges	rs = { NULL, 0, 0 };
	size_t			i;
	int			rc = -1;

	if ((dd->dd_set = calloc(nkeys, sizeof(uint32_t))) == NULL)
		return (-1);
	for (i = 0; i < t->ft_n; i++)
		if (cls_rule_ranges(t, i, d, &rs) == -1)
			goto out;
	if (cls_sweep(b, rs.rs_v, rs.rs_n, nkeys, dd->dd_set) == -1)
		goto out;
	for (i = 1; i < nkeys && dd->dd_set[i] == dd->dd_set[0]; i++)
		;
	if (i == nkeys) {		/* no rule tells keys apart */
		dd->dd_one = dd->dd_set[0];
		free(dd->dd_set);
		dd->dd_set = NULL;
	}
	rc = 0;
out:
	free(rs.rs_v);
	return (rc);
}

/* The keys rule i admits in direct dimension d, as ranges. */
static int
cls_rule_ranges(const struct filt_table *t, size_t i, int d,
    struct cls_ranges *rs)
{
	const struct filt_ent	*e = &t->ft_ents[i];
	const struct ipf_rule	*r = &e->fe_r;
	uint32_t		 ri = (uint32_t)i;
	unsigned int		 k, start;

	if (r->r_action == IPF_ACT_ENDIF)
		return (0);
	if (cls_always(e))
		return (cls_add(rs, ri, 0, d == CLS_PROTO ? CLS_NPROTO :
		    d == CLS_MISC ? CLS_NMISC : CLS_NPORT));
	switch (d) {
	case CLS_PROTO:
		if (r->r_proto == IPF_PROTO_ALL)
			return (cls_add(rs, ri, 0, CLS_NPROTO));
		if (r->r_proto == IPF_PROTO_TCPACK)
			return (cls_add(rs, ri, CLS_PROTO_ACK,
			    CLS_PROTO_ACK + 1));
		if (r->r_proto == IPPROTO_TCP &&
		    cls_add(rs, ri, CLS_PROTO_ACK, CLS_PROTO_ACK + 1) == -1)
			return (-1);
		return (cls_add(rs, ri, r->r_proto, r->r_proto + 1u));
	case CLS_SPORT:
		return (cls_port_ranges(e, ri, 0, rs));
	case CLS_DPORT:
		return (cls_port_ranges(e, ri, 1, rs));
	default:
		for (k = 0; k < CLS_NMISC; k = start) {
			for (start = k; k < CLS_NMISC &&
			    cls_misc_member(e, k); k++)
				;
			if (k > start && cls_add(rs, ri, start, k) == -1)
				return (-1);
			start = k + 1;
		}
		return (0);
	}
}

/*
 * Port keys: 0-65535 a TCP/UDP port, CLS_ICMP + v an ICMP type or code,
 * CLS_NOPORT a packet with neither.  filt_ports() is the reference.
 */
static int
cls_port_ranges(const struct filt_ent *e, uint32_t ri, int dst,
    struct cls_ranges *rs)
{
	const struct ipf_rule	*r = &e->fe_r;
	uint32_t		 base, top, v;
	uint8_t			 op = dst ? r->r_dop : r->r_sop;

	if (r->r_sop == IPF_OP_ANY && r->r_dop == IPF_OP_ANY)
		return (cls_add(rs, ri, 0, CLS_NPORT));
	if (op == IPF_OP_ANY) {
		/* The other port's test already excludes CLS_NOPORT. */
		return (cls_add(rs, ri, 0, CLS_NOPORT));
	}
	v = dst ? r->r_dport : r->r_sport;
	if (r->r_proto == IPPROTO_ICMP || r->r_proto == IPPROTO_ICMPV6) {
		base = CLS_ICMP;
		top = CLS_ICMP + 256;
	} else {
		base = 0;
		top = CLS_ICMP;
	}
	v += base;
	switch (op) {
	case IPF_OP_EQ:
		return (cls_add(rs, ri, v, v + 1));
	case IPF_OP_NEQ:
		if (cls_add(rs, ri, base, v) == -1)
			return (-1);
		return (cls_add(rs, ri, v + 1, top));
	case IPF_OP_LT:
		return (cls_add(rs, ri, base, v));
	case IPF_OP_LE:
		return (cls_add(rs, ri, base, v + 1));
	case IPF_OP_GT:
		return (cls_add(rs, ri, v + 1, top));
	default:			/* IPF_OP_GE */
		return (cls_add(rs, ri, v, top));
	}
}

/*
 * Misc keys: bit 0 inbound, bit 1 local, then the fragment state (0
 * whole, 1 first, 2 later) times 4, + 12 source-routed, + 24 tunnelled.
 */
static int
cls_misc_member(const struct filt_ent *e, unsigned int k)
{
	const struct ipf_rule	*r = &e->fe_r;
	unsigned int		 in = k & 1, local = (k >> 1) & 1;
	unsigned int		 frag = (k % 12) / 4, srcrt = (k / 12) & 1;
	unsigned int		 tun = k / 24;

	if ((r->r_dir & (in ? IPF_DIR_IN : IPF_DIR_OUT)) == 0 ||
	    (r->r_scope & (local ? IPF_SCOPE_LOCAL : IPF_SCOPE_ROUTE)) == 0)
		return (0);
	if ((r->r_frag == IPF_FRAG_NONE && frag != 0) ||
	    (r->r_frag == IPF_FRAG_ONLY && frag == 0) ||
	    (r->r_frag == IPF_FRAG_HDR && frag == 2))
		return (0);
	if (srcrt && r->r_action == IPF_ACT_PERMIT && !r->r_srcroute)
		return (0);
	if (tun && r->r_tunnel == 0)
		return (0);
	if ((r->r_action == IPF_ACT_SHUN_HOST ||
	    r->r_action == IPF_ACT_SHUN_PORT || r->r_npats > 0) && !in)
		return (0);
	return (1);
}

static unsigned int
cls_misc_key(const struct filt_key *k)
{
	const struct pkt_info	*p = k->k_pkt;
	unsigned int		 key, frag;

	frag = (p->p_flags & PKT_F_LATER) ? 2 :
	    (p->p_flags & PKT_F_FRAG) ? 1 : 0;
	key = (k->k_dir == IPF_DIR_IN) | (k->k_meta->m_local ? 2 : 0);
	key += frag * 4;
	key += (p->p_flags & PKT_F_SRCRT) ? 12 : 0;
	key += p->p_tunnel != 0 ? 24 : 0;
	return (key);
}

static int
cls_add(struct cls_ranges *rs, uint32_t rule, uint32_t lo, uint32_t hi)
{
	struct cls_range	*nv;
	size_t			 ncap;

	if (lo >= hi)
		return (0);
	if (rs->rs_n == rs->rs_cap) {
		ncap = rs->rs_cap ? 2 * rs->rs_cap : 64;
		if ((nv = reallocarray(rs->rs_v, ncap, sizeof(*nv))) == NULL)
			return (-1);
		rs->rs_v = nv;
		rs->rs_cap = ncap;
	}
	rs->rs_v[rs->rs_n++] = (struct cls_range){ rule, lo, hi };
	return (0);
}

/*
 * Walk the keys 0..nkeys in order, adding a rule's bit where its range
 * starts and removing it where it ends, and intern the current set at
 * each key; keys with no change share the previous key's set, and only
 * the blocks that changed are interned again.
 */
static int
cls_sweep(struct cls_build *b, const struct cls_range *rg, size_t nrg,
    size_t nkeys, uint32_t *out)
{
	struct filt_cls	*c = b->b_c;
	uint32_t	*start = NULL, *ev = NULL, rule;
	size_t		 i, j, k, blk;
	int		 rc = -1, changed;

	/* Events by key: adds (even) and removes (odd), counting-sorted. */
	if ((start = calloc(nkeys + 2, sizeof(*start))) == NULL ||
	    (ev = calloc(2 * nrg + 1, sizeof(*ev))) == NULL)
		goto out;
	for (i = 0; i < nrg; i++) {
		start[rg[i].rg_lo + 1]++;
		if (rg[i].rg_hi < nkeys)
			start[rg[i].rg_hi + 1]++;
	}
	for (k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (i = 0; i < nrg; i++) {
		ev[start[rg[i].rg_lo]++] = rg[i].rg_rule << 1;
		if (rg[i].rg_hi < nkeys)
			ev[start[rg[i].rg_hi]++] = rg[i].rg_rule << 1 | 1;
	}
	/* start[k] is now the end of key k's events. */
	memset(b->b_cur, 0, c->c_nb * CLS_BLKW * sizeof(uint64_t));
	memset(b->b_refs, 0, c->c_nb * sizeof(uint32_t));
	for (k = 0, j = 0; k < nkeys; k++) {
		changed = k == 0;
		/* Removes before adds: a rule's ranges may touch. */
		for (i = j; i < start[k]; i++)
			if (ev[i] & 1) {
				rule = ev[i] >> 1;
				b->b_cur[rule / 64] &= ~(1ULL << (rule % 64));
			}
		for (i = j; i < start[k]; i++) {
			rule = ev[i] >> 1;
			if (!(ev[i] & 1))
				b->b_cur[rule / 64] |= 1ULL << (rule % 64);
			blk = rule / CLS_BLKBITS;
			if (!b->b_dirty[blk]) {
				b->b_dirty[blk] = 1;
				b->b_dlist[b->b_ndirty++] = blk;
			}
			changed = 1;
		}
		j = start[k];
		if (!changed) {
			out[k] = out[k - 1];
			continue;
		}
		for (i = 0; i < b->b_ndirty; i++) {
			blk = b->b_dlist[i];
			b->b_dirty[blk] = 0;
			if (cls_blk_intern(b, b->b_cur + blk * CLS_BLKW,
			    &b->b_refs[blk]) == -1)
				goto out;
		}
		b->b_ndirty = 0;
		if (cls_rec_intern(b, &out[k]) == -1)
			goto out;
	}
	rc = 0;
out:
	free(start);
	free(ev);
	return (rc);
}

static int
cls_blk_intern(struct cls_build *b, const uint64_t *w, uint32_t *id)
{
	struct filt_cls	*c = b->b_c;
	uint64_t	*nblk, h = 0;
	size_t		 i, slot, mask;
	uint32_t	 v;

	for (i = 0; i < CLS_BLKW && w[i] == 0; i++)
		;
	if (i == CLS_BLKW) {		/* the zero block is id 0, unhashed */
		*id = 0;
		return (0);
	}
	for (i = 0; i < CLS_BLKW; i++)
		h = cls_mix(h, w[i]);
	mask = b->b_blkhtcap - 1;
	for (slot = h & mask; (v = b->b_blkht[slot]) != 0;
	    slot = (slot + 1) & mask)
		if (memcmp(c->c_blk + (v - 1) * CLS_BLKW, w,
		    CLS_BLKW * sizeof(*w)) == 0) {
			*id = v - 1;
			return (0);
		}
	if (c->c_nblk == b->b_blkcap) {
		if ((nblk = reallocarray(c->c_blk, 2 * b->b_blkcap,
		    CLS_BLKW * sizeof(uint64_t))) == NULL)
			return (-1);
		c->c_blk = nblk;
		b->b_blkcap *= 2;
	}
	memcpy(c->c_blk + c->c_nblk * CLS_BLKW, w, CLS_BLKW * sizeof(*w));
	*id = (uint32_t)c->c_nblk++;
	b->b_blkht[slot] = *id + 1;
	if (2 * c->c_nblk > b->b_blkhtcap) {
		if (cls_grow_ht(&b->b_blkht, &b->b_blkhtcap,
		    2 * b->b_blkhtcap) == -1)
			return (-1);
		for (v = 1; v < c->c_nblk; v++) {
			for (i = 0, h = 0; i < CLS_BLKW; i++)
				h = cls_mix(h, c->c_blk[v * CLS_BLKW + i]);
			for (slot = h & (b->b_blkhtcap - 1);
			    b->b_blkht[slot] != 0;
			    slot = (slot + 1) & (b->b_blkhtcap - 1))
				;
			b->b_blkht[slot] = v + 1;
		}
	}
	return (0);
}

/*
 * Intern the current set (b_cur, b_refs) as a record: its size (CLS_DENSE
 * above CLS_SPARSE), for a small set its rules in order (in the size's
 * cache line), the summary (bit i: block i is not all zero) as pairs of
 * uint32, and the block ids.
 */
static int
cls_rec_intern(struct cls_build *b, uint32_t *off)
{
	struct filt_cls	*c = b->b_c;
	uint32_t	*rec = b->b_tmp, *nrec, v, *list, *sums;
	uint64_t	 h = 0, sum, x;
	size_t		 i, w, slot, mask, len, npop = 0, nl;

	list = rec + 1;
	for (i = 0; i < c->c_nb && npop <= CLS_SPARSE; i++) {
		if (b->b_refs[i] == 0)
			continue;
		for (w = i * CLS_BLKW; w < (i + 1) * CLS_BLKW; w++)
			for (x = b->b_cur[w]; x != 0 && npop <= CLS_SPARSE;
			    x &= x - 1, npop++)
				if (npop < CLS_SPARSE)
					list[npop] = (uint32_t)(w * 64 +
					    (size_t)__builtin_ctzll(x));
	}
	rec[0] = npop <= CLS_SPARSE ? (uint32_t)npop : CLS_DENSE;
	nl = rec[0] != CLS_DENSE ? npop : 0;
	sums = rec + 1 + nl;
	for (w = 0; w < c->c_nsw; w++) {
		sum = 0;
		for (i = w * 64; i < c->c_nb && i < (w + 1) * 64; i++)
			if (b->b_refs[i] != 0)
				sum |= 1ULL << (i % 64);
		sums[2 * w] = (uint32_t)sum;
		sums[2 * w + 1] = (uint32_t)(sum >> 32);
	}
	memcpy(sums + 2 * c->c_nsw, b->b_refs, c->c_nb * sizeof(uint32_t));
	len = c->c_reclen + nl;
	for (i = 0; i < len; i++)
		h = cls_mix(h, rec[i]);
	mask = b->b_rechtcap - 1;
	for (slot = h & mask; (v = b->b_recht[slot]) != 0;
	    slot = (slot + 1) & mask)
		if (c->c_rec[v - 1] == rec[0] &&
		    memcmp(c->c_rec + (v - 1), rec, len * sizeof(*rec)) == 0) {
			*off = v - 1;
			return (0);
		}
	while (c->c_nrec + len > b->b_reccap) {
		if ((nrec = reallocarray(c->c_rec, 2 * b->b_reccap,
		    sizeof(uint32_t))) == NULL)
			return (-1);
		c->c_rec = nrec;
		b->b_reccap *= 2;
	}
	memcpy(c->c_rec + c->c_nrec, rec, len * sizeof(*rec));
	*off = (uint32_t)c->c_nrec;
	c->c_nrec += len;
	b->b_recht[slot] = *off + 1;
	if (2 * ++b->b_nrecs > b->b_rechtcap) {
		if (cls_grow_ht(&b->b_recht, &b->b_rechtcap,
		    2 * b->b_rechtcap) == -1)
			return (-1);
		for (v = 0; v < c->c_nrec; v += (uint32_t)len) {
			len = c->c_reclen + (c->c_rec[v] != CLS_DENSE ?
			    c->c_rec[v] : 0);
			for (i = 0, h = 0; i < len; i++)
				h = cls_mix(h, c->c_rec[v + i]);
			for (slot = h & (b->b_rechtcap - 1);
			    b->b_recht[slot] != 0;
			    slot = (slot + 1) & (b->b_rechtcap - 1))
				;
			b->b_recht[slot] = v + 1;
		}
	}
	return (0);
}

static int
cls_grow_ht(uint32_t **ht, size_t *cap, size_t ncap)
{
	uint32_t	*n;

	if ((n = calloc(ncap, sizeof(*n))) == NULL)
		return (-1);
	free(*ht);
	*ht = n;
	*cap = ncap;
	return (0);
}

static uint64_t
cls_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return (h * 0xff51afd7ed558ccdULL);
}

static void
cls_key(const union ipf_addr *a, int ver, struct cls_k128 *k)
{
	size_t	i;

	if (ver == 4) {
		k->k_hi = (uint64_t)ntohl(a->w[0]) << 32;
		k->k_lo = 0;
		return;
	}
	k->k_hi = k->k_lo = 0;
	for (i = 0; i < 8; i++) {
		k->k_hi = k->k_hi << 8 | a->b[i];
		k->k_lo = k->k_lo << 8 | a->b[i + 8];
	}
}

/* The last key of the prefix net/mask (an IPv4 address spans 2^96 keys). */
static void
cls_key_end(const union ipf_addr *net, const union ipf_addr *mask, int ver,
    struct cls_k128 *k)
{
	struct cls_k128	m;

	cls_key(net, ver, k);
	cls_key(mask, ver, &m);
	k->k_hi |= ~m.k_hi;
	k->k_lo |= ~m.k_lo;
	if (ver == 4) {
		k->k_hi |= 0xffffffffULL;
		k->k_lo = UINT64_MAX;
	}
}

static int
cls_kcmp(const struct cls_k128 *a, const struct cls_k128 *b)
{
	if (a->k_hi != b->k_hi)
		return (a->k_hi < b->k_hi ? -1 : 1);
	if (a->k_lo != b->k_lo)
		return (a->k_lo < b->k_lo ? -1 : 1);
	return (0);
}

static int
cls_kcmp_q(const void *a, const void *b)
{
	return (cls_kcmp(a, b));
}

/*
 * The index over an address dimension's intervals: a bucket per value of
 * the top 16 bits holds the range of intervals that can contain its
 * addresses, and a crowded bucket gets nodes on the following bytes, so
 * that clustered addresses (one site's /16) cost what spread ones do.
 */
static int
cls_aindex(struct cls_adim *ad)
{
	struct cls_k128	x;
	size_t		v, j, nv = (size_t)1 << CLS_BKTBITS;
	uint32_t	id, *first;

	if ((ad->ad_bkt = calloc(nv, sizeof(*ad->ad_bkt))) == NULL ||
	    (first = calloc(nv + 1, sizeof(*first))) == NULL)
		return (-1);
	for (v = 0, j = 0; v < nv; v++) {
		x.k_hi = (uint64_t)v << (64 - CLS_BKTBITS);
		x.k_lo = 0;
		while (j + 1 < ad->ad_n && cls_kle(ad, j + 1, &x))
			j++;
		first[v] = (uint32_t)j;
	}
	first[v] = (uint32_t)(ad->ad_n - 1);
	for (v = 0; v < nv; v++)
		cls_aslot(ad, first[v], first[v + 1], &ad->ad_bkt[v]);
	free(first);
	for (v = 0; v < nv; v++) {
		if (ad->ad_bkt[v].sl_lo == CLS_DIRECT ||
		    ad->ad_bkt[v].sl_hi - ad->ad_bkt[v].sl_lo <= CLS_LEAF)
			continue;
		x.k_hi = (uint64_t)v << (64 - CLS_BKTBITS);
		x.k_lo = 0;
		if (cls_anode(ad, &x, CLS_BKTBITS, ad->ad_bkt[v].sl_lo,
		    ad->ad_bkt[v].sl_hi, &id) == -1)
			return (-1);
		if (id != 0)
			ad->ad_bkt[v] = (struct cls_slot){ CLS_NODE, id - 1 };
	}
	return (0);
}

/* The slot for intervals [lo, hi]: the set itself when they are one. */
static void
cls_aslot(const struct cls_adim *ad, uint32_t lo, uint32_t hi,
    struct cls_slot *sl)
{
	if (lo == hi) {
		sl->sl_lo = CLS_DIRECT;
		sl->sl_hi = ad->ad_set[lo];
	} else {
		sl->sl_lo = lo;
		sl->sl_hi = hi;
	}
}

/* A node for the addresses starting with the first bits of pfx. */
static int
cls_anode(struct cls_adim *ad, const struct cls_k128 *pfx, unsigned int bits,
    uint32_t lo, uint32_t hi, uint32_t *id)
{
	struct cls_node	*nn;
	struct cls_k128	 x;
	size_t		 me;
	uint32_t	 child, first[257];
	unsigned int	 j;

	*id = 0;
	if (hi - lo <= CLS_LEAF || bits >= ad->ad_bits || bits >= CLS_MAXBITS)
		return (0);
	if (ad->ad_nnodes == ad->ad_capnodes) {
		if ((nn = reallocarray(ad->ad_nodes, 2 * ad->ad_capnodes + 1,
		    sizeof(*nn))) == NULL)
			return (-1);
		ad->ad_nodes = nn;
		ad->ad_capnodes = 2 * ad->ad_capnodes + 1;
	}
	me = ad->ad_nnodes++;
	for (j = 0; j < 256; j++) {
		x = *pfx;
		cls_setbyte(&x, bits, j);
		first[j] = (uint32_t)cls_asearch(ad, &x, lo, hi);
	}
	first[256] = hi;
	for (j = 0; j < 256; j++)
		cls_aslot(ad, first[j], first[j + 1],
		    &ad->ad_nodes[me].nd_sl[j]);
	for (j = 0; j < 256; j++) {
		x = *pfx;
		cls_setbyte(&x, bits, j);
		/* The pool may move while the children are built. */
		if (cls_anode(ad, &x, bits + 8, first[j], first[j + 1],
		    &child) == -1)
			return (-1);
		if (child != 0)
			ad->ad_nodes[me].nd_sl[j] = (struct cls_slot){
			    CLS_NODE, child - 1 };
	}
	*id = (uint32_t)me + 1;
	return (0);
}

/* Byte (bits / 8) of the key, counting from the most significant. */
static unsigned int
cls_byte(const struct cls_k128 *x, unsigned int bits)
{
	if (bits < 64)
		return ((unsigned int)(x->k_hi >> (56 - bits)) & 0xff);
	return ((unsigned int)(x->k_lo >> (120 - bits)) & 0xff);
}

static void
cls_setbyte(struct cls_k128 *x, unsigned int bits, unsigned int v)
{
	if (bits < 64)
		x->k_hi |= (uint64_t)v << (56 - bits);
	else
		x->k_lo |= (uint64_t)v << (120 - bits);
}

/* While building: the interval holding x, the last starting at or below. */
static size_t
cls_afind(const struct cls_adim *ad, const struct cls_k128 *x)
{
	return (cls_asearch(ad, x, 0, ad->ad_n - 1));
}

/* The set of the interval holding x, through the index. */
static uint32_t
cls_aset(const struct cls_adim *ad, const struct cls_k128 *x)
{
	const struct cls_slot	*sl;
	unsigned int		 bits;

	if (ad->ad_bkt == NULL)
		return (ad->ad_set[cls_afind(ad, x)]);
	sl = &ad->ad_bkt[x->k_hi >> (64 - CLS_BKTBITS)];
	for (bits = CLS_BKTBITS; sl->sl_lo == CLS_NODE; bits += 8)
		sl = &ad->ad_nodes[sl->sl_hi].nd_sl[cls_byte(x, bits)];
	if (sl->sl_lo == CLS_DIRECT)
		return (sl->sl_hi);
	return (ad->ad_set[cls_asearch(ad, x, sl->sl_lo, sl->sl_hi)]);
}

/* Does interval i start at or below x? */
static int
cls_kle(const struct cls_adim *ad, size_t i, const struct cls_k128 *x)
{
	if (ad->ad_k32 != NULL)
		return (ad->ad_k32[i] <= (uint32_t)(x->k_hi >> 32));
	return (cls_kcmp(&ad->ad_k[i], x) <= 0);
}

/* Binary search within [lo, hi], which holds the answer. */
static size_t
cls_asearch(const struct cls_adim *ad, const struct cls_k128 *x, size_t lo,
    size_t hi)
{
	size_t	mid;

	while (lo < hi) {		/* start[lo] <= x < start[hi + 1] */
		mid = lo + (hi - lo + 1) / 2;
		if (cls_kle(ad, mid, x))
			lo = mid;
		else
			hi = mid - 1;
	}
	return (lo);
}

static void
cls_build_free(struct cls_build *b)
{
	free(b->b_blkht);
	free(b->b_recht);
	free(b->b_cur);
	free(b->b_refs);
	free(b->b_dirty);
	free(b->b_dlist);
	free(b->b_tmp);
}

/*
 * The lines of a set record a lookup reads first: the size and the list,
 * or the summary and the first block ids.
 */
static void
cls_prefetch_rec(const struct filt_cls *c, uint32_t off)
{
	const uint32_t	*rec = c->c_rec + off;

	__builtin_prefetch(rec);
	__builtin_prefetch(rec + 64 / sizeof(*rec));
}

void
filt_cls_begin(struct filt_cls_cur *cc, const struct filt_cls *c,
    const struct filt_key *k)
{
	const struct pkt_info	*p = k->k_pkt;
	const struct cls_ddim	*dd;
	struct cls_k128		 x[2];
	uint32_t		 off[FILT_CLS_NDIM], key[4];
	const uint32_t		*rec, *sums[FILT_CLS_NDIM];
	uint64_t		 s;
	size_t			 d, w, nl;

	cls_key(&p->p_src, p->p_ver, &x[0]);
	cls_key(&p->p_dst, p->p_ver, &x[1]);
	key[0] = p->p_proto == IPPROTO_TCP && (p->p_flags & PKT_F_TCPACK) ?
	    CLS_PROTO_ACK : p->p_proto;
	if (p->p_flags & PKT_F_PORTS) {
		key[1] = p->p_sport;
		key[2] = p->p_dport;
	} else if (p->p_flags & PKT_F_ICMP) {
		key[1] = CLS_ICMP + (p->p_sport & 0xff);
		key[2] = CLS_ICMP + (p->p_dport & 0xff);
	} else
		key[1] = key[2] = CLS_NOPORT;
	key[3] = cls_misc_key(k);
	/*
	 * A large table's rows are cache misses, and independent ones:
	 * start every first-level load before waiting for any, then every
	 * set record, so that the misses overlap instead of adding up.
	 */
	for (d = 0; d < 2; d++)
		if (c->c_addr[d].ad_bkt != NULL)
			__builtin_prefetch(&c->c_addr[d].ad_bkt[x[d].k_hi >>
			    (64 - CLS_BKTBITS)]);
	for (d = 0; d < 4; d++)
		if (c->c_dim[d].dd_set != NULL)
			__builtin_prefetch(&c->c_dim[d].dd_set[key[d]]);
	for (d = 0; d < 4; d++) {
		dd = &c->c_dim[d];
		off[CLS_PROTO + d] = dd->dd_set ? dd->dd_set[key[d]] :
		    dd->dd_one;
		cls_prefetch_rec(c, off[CLS_PROTO + d]);
	}
	for (d = 0; d < 2; d++) {
		off[d] = cls_aset(&c->c_addr[d], &x[d]);
		cls_prefetch_rec(c, off[d]);
	}
	cc->cc_cls = c;
	cc->cc_blk = SIZE_MAX;
	cc->cc_list = cc->cc_list2 = NULL;
	cc->cc_nlist = cc->cc_nlist2 = 0;
	cc->cc_ldim = cc->cc_ldim2 = 0;
	for (d = 0; d < FILT_CLS_NDIM; d++) {
		rec = c->c_rec + off[d];
		nl = rec[0] != CLS_DENSE ? rec[0] : 0;
		sums[d] = rec + 1 + nl;
		cc->cc_sets[d] = sums[d] + 2 * c->c_nsw;
		/* The two smallest sets that list their rules lead. */
		if (rec[0] == CLS_DENSE)
			continue;
		if (cc->cc_list == NULL || rec[0] < cc->cc_nlist) {
			cc->cc_list2 = cc->cc_list;
			cc->cc_nlist2 = cc->cc_nlist;
			cc->cc_ldim2 = cc->cc_ldim;
			cc->cc_list = rec + 1;
			cc->cc_nlist = rec[0];
			cc->cc_ldim = d;
		} else if (cc->cc_list2 == NULL || rec[0] < cc->cc_nlist2) {
			cc->cc_list2 = rec + 1;
			cc->cc_nlist2 = rec[0];
			cc->cc_ldim2 = d;
		}
	}
	cc->cc_pos = cc->cc_pos2 = 0;
	if (cc->cc_list2 == NULL)
		cc->cc_ldim2 = cc->cc_ldim;
	if (cc->cc_list != NULL)
		return;
	for (w = 0; w < c->c_nsw; w++) {
		s = UINT64_MAX;
		for (d = 0; d < FILT_CLS_NDIM; d++)
			s &= (uint64_t)sums[d][2 * w] |
			    (uint64_t)sums[d][2 * w + 1] << 32;
		cc->cc_sum[w] = s;
	}
}

size_t
filt_cls_next(struct filt_cls_cur *cc, size_t i)
{
	const struct filt_cls	*c = cc->cc_cls;
	const uint64_t		*bw[FILT_CLS_NDIM];
	uint64_t		 x, s;
	size_t			 b, w, d;

	if (cc->cc_list != NULL)
		return (cls_next_listed(cc, i));
	while (i < c->c_n) {
		b = i / CLS_BLKBITS;
		if (b != cc->cc_blk) {
			/* The next block every dimension has bits in. */
			w = b / 64;
			s = cc->cc_sum[w] & (UINT64_MAX << (b % 64));
			while (s == 0) {
				if (++w >= c->c_nsw)
					return (c->c_n);
				s = cc->cc_sum[w];
			}
			b = w * 64 + (size_t)__builtin_ctzll(s);
			if (b >= c->c_nb)
				return (c->c_n);
			if (b * CLS_BLKBITS > i)
				i = b * CLS_BLKBITS;
			for (d = 0; d < FILT_CLS_NDIM; d++)
				bw[d] = c->c_blk + (size_t)cc->cc_sets[d][b] *
				    CLS_BLKW;
			for (w = 0; w < CLS_BLKW; w++)
				cc->cc_w[w] = bw[0][w] & bw[1][w] & bw[2][w] &
				    bw[3][w] & bw[4][w] & bw[5][w];
			cc->cc_blk = b;
		}
		w = (i % CLS_BLKBITS) / 64;
		x = cc->cc_w[w] & (UINT64_MAX << (i % 64));
		while (x == 0 && ++w < CLS_BLKW)
			x = cc->cc_w[w];
		if (x != 0)
			return (b * CLS_BLKBITS + w * 64 +
			    (size_t)__builtin_ctzll(x));
		i = (b + 1) * CLS_BLKBITS;
	}
	return (c->c_n);
}

/*
 * The leading set lists its rules: take them in order, keep those the
 * second listed set has too (a merge of two sorted lists), then those
 * every other dimension has.  The other sets are mostly large and shared,
 * so their blocks stay in the cache.
 */
static size_t
cls_next_listed(struct filt_cls_cur *cc, size_t i)
{
	const struct filt_cls	*c = cc->cc_cls;
	size_t			 j, d;
	uint64_t		 w;

	for (; cc->cc_pos < cc->cc_nlist; cc->cc_pos++) {
		j = cc->cc_list[cc->cc_pos];
		if (j < i)
			continue;
		if (cc->cc_list2 != NULL) {
			while (cc->cc_pos2 < cc->cc_nlist2 &&
			    cc->cc_list2[cc->cc_pos2] < j)
				cc->cc_pos2++;
			if (cc->cc_pos2 == cc->cc_nlist2)
				break;
			if (cc->cc_list2[cc->cc_pos2] != j)
				continue;
		}
		for (d = 0; d < FILT_CLS_NDIM; d++) {
			if (d == cc->cc_ldim || d == cc->cc_ldim2)
				continue;
			w = c->c_blk[(size_t)cc->cc_sets[d][j / CLS_BLKBITS] *
			    CLS_BLKW + (j % CLS_BLKBITS) / 64];
			if ((w & (1ULL << (j % 64))) == 0)
				break;
		}
		if (d == FILT_CLS_NDIM)
			return (j);
	}
	return (c->c_n);
}
