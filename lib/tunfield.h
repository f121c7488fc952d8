/*
 * tunfield.h: the manual tunnel's fields, defined once (STYLE.md 9).
 * One row per field: the gentun flag that sets it, its lstun -O column,
 * its lstun label, one parser for the flag and the listing forms, and
 * one printer.  gentun and chtun parse their flags through it, lstun
 * prints both formats through it, and the database and exptun/imptun
 * read and write their records through it.
 */
#ifndef TUNFIELD_H
#define TUNFIELD_H

#include <stddef.h>

#include "cmd.h"
#include "tundb.h"

#define TUNF_NCOLS	27		/* lstun -O fields */
#define TUNF_LINEMAX	1024		/* one -O, database or export line */
#define TUNF_BLOCKMAX	2048		/* one lstun block */

enum tunf_fmt {
	TUNF_LIST,			/* lstun -O: the 27 fields */
	TUNF_DB,			/* database: + esn|encap|state */
	TUNF_EXP			/* export: v| + 27 fields + esn|encap */
};

/* The gentun flags that set fields ("s:d:p:..."). */
extern const char	tunfield_optstring[];

int	tunfield_apply(struct tun *, const struct cmd_flags *, int, char *,
	    size_t);
int	tunfield_check(const struct tun *, int, char *, size_t);
int	tunfield_fmt_line(const struct tun *, enum tunf_fmt, char *, size_t);
int	tunfield_fmt_block(const struct tun *, char *, size_t);
int	tunfield_fmt_header(char *, size_t);
int	tunfield_scan(struct tun *, int, char *, enum tunf_fmt, char *,
	    size_t);
/* lstun -a: the header line and one installed tunnel. */
extern const char	tunfield_active_header[];
int	tunfield_fmt_active(const struct tun_active *, char *, size_t);

/* Y or N, any case (gentun and imptun -g). */
int	tunfield_yesno(const char *, int *);

#endif /* TUNFIELD_H */
