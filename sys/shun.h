/*
 * shun.h: sources shunned by SHUN_HOST and SHUN_PORT rules
 * (aix-reference.md 2.4), checked before the table on input.
 */
#ifndef SHUN_H
#define SHUN_H

#include <stdint.h>

struct pkt_info;
struct filt_ent;
struct shun;

/* The shun rule's id and log flag for a banned inbound packet. */
struct shun_hit {
	uint32_t	sh_rule;
	uint8_t		sh_log;
};

/* Shun p's source as rule e says, from now on; allocates *s on first use. */
void	shun_add(struct shun **, const struct filt_ent *,
	    const struct pkt_info *, uint64_t);
/* 1 and *hit filled if p comes from a shunned source. */
int	shun_check(const struct shun *, const struct pkt_info *, uint64_t,
	    struct shun_hit *);
void	shun_free(struct shun *);

#endif /* SHUN_H */
