/*
 * shun.c: the shunned sources of one IP version.
 *
 * The sources are attacker-chosen, so the table is bounded twice: a fixed
 * number of slots, and a fixed number of probes per lookup.  When a shun
 * finds no slot it is not recorded, which costs nothing in safety: the
 * shun rule itself still denies every packet it matches.
 */
#include <stdlib.h>
#include <string.h>

#include "filt.h"
#include "pkt.h"
#include "shun.h"

#define SHUN_SLOTS	8192		/* power of two */
#define SHUN_PROBES	32

struct shun_ent {
	union ipf_addr	se_addr;
	uint64_t	se_until;	/* denied while m_now < se_until */
	uint32_t	se_rule;
	uint16_t	se_port;	/* SHUN_PORT: destination port */
	uint8_t		se_proto;	/* SHUN_PORT: protocol; host: 0 */
	uint8_t		se_kind;	/* 0 empty, else the rule's action */
	uint8_t		se_log;
};

struct shun {
	struct shun_ent	sh_ents[SHUN_SLOTS];
	size_t		sh_n;		/* slots ever used */
};

static size_t	shun_hash(const union ipf_addr *, uint8_t, uint16_t,
		    uint8_t);
static int	shun_same(const struct shun_ent *, const union ipf_addr *,
		    uint8_t, uint16_t, uint8_t);
static const struct shun_ent *shun_find(const struct shun *,
		    const union ipf_addr *, uint8_t, uint16_t, uint8_t,
		    uint64_t);

void
shun_add(struct shun **sp, const struct filt_ent *e,
    const struct pkt_info *p, uint64_t now)
{
	struct shun_ent	*se, *slot = NULL;
	uint8_t		 kind = e->fe_r.r_action, proto = 0;
	uint16_t	 port = 0;
	size_t		 h, i;

	if (*sp == NULL && (*sp = calloc(1, sizeof(**sp))) == NULL)
		return;
	if (kind == IPF_ACT_SHUN_PORT) {
		proto = p->p_proto;
		port = (p->p_flags & PKT_F_PORTS) ? p->p_dport : 0;
	}
	h = shun_hash(&p->p_src, proto, port, kind);
	for (i = 0; i < SHUN_PROBES; i++) {
		se = &(*sp)->sh_ents[(h + i) & (SHUN_SLOTS - 1)];
		if (se->se_kind != 0 && shun_same(se, &p->p_src, proto, port,
		    kind)) {
			slot = se;
			break;
		}
		if (slot == NULL && (se->se_kind == 0 || se->se_until <= now))
			slot = se;
	}
	if (slot == NULL)
		return;
	if (slot->se_kind == 0)
		(*sp)->sh_n++;
	slot->se_addr = p->p_src;
	slot->se_proto = proto;
	slot->se_port = port;
	slot->se_kind = kind;
	slot->se_rule = e->fe_r.r_id;
	slot->se_log = e->fe_r.r_log;
	/* -e 0 shuns until the next load, which frees the table. */
	slot->se_until = e->fe_r.r_expire != 0 ? now + e->fe_r.r_expire :
	    UINT64_MAX;
}

int
shun_check(const struct shun *s, const struct pkt_info *p, uint64_t now,
    struct shun_hit *hit)
{
	const struct shun_ent	*se;
	uint16_t		 port;

	if (s == NULL || s->sh_n == 0)
		return (0);
	port = (p->p_flags & PKT_F_PORTS) ? p->p_dport : 0;
	if ((se = shun_find(s, &p->p_src, 0, 0, IPF_ACT_SHUN_HOST,
	    now)) == NULL && (se = shun_find(s, &p->p_src, p->p_proto, port,
	    IPF_ACT_SHUN_PORT, now)) == NULL)
		return (0);
	hit->sh_rule = se->se_rule;
	hit->sh_log = se->se_log;
	return (1);
}

void
shun_free(struct shun *s)
{
	free(s);
}

static const struct shun_ent *
shun_find(const struct shun *s, const union ipf_addr *a, uint8_t proto,
    uint16_t port, uint8_t kind, uint64_t now)
{
	const struct shun_ent	*se;
	size_t			 h, i;

	h = shun_hash(a, proto, port, kind);
	for (i = 0; i < SHUN_PROBES; i++) {
		se = &s->sh_ents[(h + i) & (SHUN_SLOTS - 1)];
		if (se->se_kind == 0)
			return (NULL);
		if (se->se_until > now && shun_same(se, a, proto, port, kind))
			return (se);
	}
	return (NULL);
}

static int
shun_same(const struct shun_ent *se, const union ipf_addr *a, uint8_t proto,
    uint16_t port, uint8_t kind)
{
	return (se->se_kind == kind && se->se_proto == proto &&
	    se->se_port == port && memcmp(&se->se_addr, a, sizeof(*a)) == 0);
}

/* Not keyed: the probe bound, not the hash, limits what a flood costs. */
static size_t
shun_hash(const union ipf_addr *a, uint8_t proto, uint16_t port,
    uint8_t kind)
{
	uint64_t	h;
	size_t		i;

	h = ((uint64_t)kind << 24 | (uint64_t)proto << 16 | port) *
	    0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 4; i++)
		h = (h ^ a->w[i]) * 0x9e3779b97f4a7c15ULL;
	return ((size_t)(h >> 32));
}
