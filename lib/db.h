/*
 * db.h: reading and writing the database files in IPSEC_CONFDIR
 * (architecture.md 6, aix-reference.md 1.1).  The one place that opens
 * them.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>

/*
 * Exclusive lock on $IPSEC_CONFDIR/.lock (the directory is created 0700
 * if missing), held by a writer from its read to its rename.  Returns the
 * lock's descriptor, or -1.
 */
int	db_lock(char *, size_t);
void	db_unlock(int);

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

#endif /* DB_H */
