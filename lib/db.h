/*
 * db.h: reading and writing the database files in IPSEC_CONFDIR
 * (architecture.md 6, aix-reference.md 1.1).  The one place that opens
 * them.
 */
#ifndef DB_H
#define DB_H

#include <limits.h>
#include <stddef.h>

/*
 * Exclusive lock on $IPSEC_CONFDIR/.lock (the directory is created 0700
 * if missing), held by a writer from its read to its rename.  Returns the
 * lock's descriptor, or -1.
 */
int	db_lock(char *, size_t);
void	db_unlock(int);

/*
 * For commands that only read: if a writer died in the middle of a change
 * of several files, finish it under the lock first.  Returns 0, or -1.
 */
int	db_settle(char *, size_t);

/*
 * Read a whole file into a NUL-terminated buffer the caller frees.
 * Returns 0, 1 if the file does not exist (*buf NULL), -1 on error
 * (insecure permissions included).
 */
int	db_load(const char *, char **, size_t *, char *, size_t);

/*
 * Replace path with buf atomically: temp file 0600 in the same
 * directory, write, fsync, rename, fsync the directory.
 */
int	db_save(const char *, const char *, size_t, char *, size_t);

/*
 * Several files changed by one command (gentun: the tunnel and the filter
 * table) are all staged first, each in its temp file, and renamed only
 * once every one is written.  A failure while staging (a full disk)
 * removes every temp file and leaves every database as it was.  Before
 * the first rename the renames are written down ($IPSEC_CONFDIR/.commit);
 * a crash between two of them is finished by the next db_lock(), so a
 * change is never left half made past the next writer.
 */
#define DB_TXNMAX	4		/* imptun: tun4, tun6, filt4, filt6 */

struct db_txn {
	size_t	dt_n;
	char	dt_path[DB_TXNMAX][PATH_MAX];
	char	dt_tmp[DB_TXNMAX][PATH_MAX];
};

void	db_begin(struct db_txn *);
/* Write and fsync path's temp file; on error the whole txn is aborted. */
int	db_stage(struct db_txn *, const char *, const char *, size_t, char *,
	    size_t);
/* Rename the staged files into place in order, fsync their directory. */
int	db_commit(struct db_txn *, char *, size_t);
/* Remove the temp files staged so far. */
void	db_abort(struct db_txn *);

#endif /* DB_H */
