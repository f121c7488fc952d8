/*
 * rule.h: the filter rule's fields, defined once (STYLE.md 9).  One row
 * per lsfilt -O column: genfilt and chfilt parse their flags through it,
 * lsfilt prints both listing formats through it, and the databases and
 * expfilt/impfilt read and write their records through it.
 */
#ifndef RULE_H
#define RULE_H

#include <stddef.h>

#include "cmd.h"
#include "filtdb.h"

#define RULE_PLACEMENT	"*** Dynamic filter placement rule for IKE tunnels ***"
#define RULE_NCOLS	22		/* lsfilt -O fields */
#define RULE_DBCOLS	23		/* + Auto-Generated */
#define RULE_LINEMAX	2048		/* one -O or database line */
#define RULE_BLOCKMAX	4096		/* one lsfilt block */

/* The flags of genfilt that set rule fields ("a:s:m:..."). */
extern const char	rule_optstring[];

void	rule_init(struct frule *, int);
int	rule_apply(struct frule *, const struct cmd_flags *, int, char *,
	    size_t);
int	rule_check(const struct frule *, char *, size_t);

int	rule_fmt_line(const struct frule *, int, char *, size_t);
int	rule_fmt_block(const struct frule *, char *, size_t);
int	rule_scan(struct frule *, int, char *, int, char *, size_t);

#endif /* RULE_H */
