/*
 * filtdb.h: the filter rule databases filt4.db and filt6.db
 * (aix-reference.md 1.1, 2; ipsecfilt.db(5)).
 */
#ifndef FILTDB_H
#define FILTDB_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

struct db_txn;

#define FR_TEXTMAX	256		/* description, pattern: 255 + NUL */

enum fr_pattype {
	FR_PAT_NONE,
	FR_PAT_TEXT,			/* -x: text or 0x hex; "Pattern" */
	FR_PAT_FILE			/* -X: absolute file; "Pattern File" */
};

/* One record of a filter database: the 22 lsfilt -O fields + Auto-Generated. */
struct frule {
	struct ipf_rule	fr_rule;	/* r_pats unused here */
	char		fr_desc[FR_TEXTMAX];
	uint8_t		fr_pattype;	/* enum fr_pattype */
	char		fr_pattern[FR_TEXTMAX];
	uint8_t		fr_autogen;
};

/* A whole static table: placement rule among the rules, default rule last. */
struct ftable {
	int		 ft_ver;	/* 4 or 6 */
	struct frule	*ft_rules;
	size_t		 ft_n;
};

/*
 * Read $IPSEC_CONFDIR/filtV.db (the initial table when there is none).
 * On error returns -1 with a one-line message in err (no command prefix).
 */
int	ftable_read(int, struct ftable *, char *, size_t);
void	ftable_free(struct ftable *);

/*
 * Editing (genfilt, chfilt, ...): take db_lock() before ftable_read()
 * and hold it until ftable_write() has returned.  Ids are positions: an
 * insertion or removal renumbers the rules after it.
 */
#define FTABLE_HEADER	"# ipsecfilt filt%d v1"
enum fr_kind {
	FR_MANUAL,			/* genfilt, impfilt */
	FR_AUTO,			/* generated for a tunnel */
	FR_PREDEF			/* IPv4 rule 1, placement, default */
};
int	ftable_initial(int, struct ftable *);
int	ftable_lock_read(int, struct ftable *, int *, char *, size_t);
int	ftable_write(const struct ftable *, char *, size_t);
/*
 * Stage the file in a db_txn (db.h) for a change of several files;
 * on error the whole txn is aborted.
 */
int	ftable_stage(const struct ftable *, struct db_txn *, char *, size_t);
int	ftable_index(const struct ftable *, uint32_t, size_t *);
int	ftable_insert(struct ftable *, size_t, const struct frule *);
void	ftable_remove(struct ftable *, size_t);
int	ftable_kind(const struct ftable *, size_t);
size_t	ftable_nuser(const struct ftable *);
int	ftable_path(int, char *, size_t, char *, size_t);

/* A table in the engine's form, patterns read (pattern files too). */
struct fload {
	struct ipf_rule		*fl_rules;
	size_t			 fl_n;
	struct ipf_pattern	*fl_pats;	/* every rule's patterns */
	uint8_t			*fl_bytes;	/* the patterns' bytes */
};
/* On error -1 and "rule N: <problem>" in err. */
int	fload_make(const struct ftable *, struct fload *, char *, size_t);
void	fload_free(struct fload *);

#endif /* FILTDB_H */
