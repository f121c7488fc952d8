/*
 * tunrule.h: a manual tunnel's auto-generated filter rules
 * (aix-reference.md 4.3), which gentun and imptun add, chtun rewrites
 * and rmtun -d removes.
 */
#ifndef TUNRULE_H
#define TUNRULE_H

#include <stddef.h>
#include <stdint.h>

#include "filtdb.h"
#include "tundb.h"

#define TUNRULE_MAX	4		/* 2, or 4 with a firewall */

size_t	tunrule_make(const struct tun *, struct frule *);
/* Insert before the placement rule; *first is the first one's index. */
int	tunrule_add(struct ftable *, const struct tun *, size_t *, size_t *);
/*
 * chtun: the rules of the old tunnel (first) become the new one's.
 * Returns how many were found (0: table unchanged), or -1.
 */
int	tunrule_rewrite(struct ftable *, const struct tun *,
	    const struct tun *);
size_t	tunrule_remove(struct ftable *, const struct tun *);

#endif /* TUNRULE_H */
