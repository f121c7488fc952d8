/*
 * db.c: the database files.  A writer holds an exclusive flock on
 * $IPSEC_CONFDIR/.lock from its read to its rename, so concurrent
 * writers serialize and none is lost; the lock is on a file of its own
 * because a lock on the database itself would be lost with the rename.
 * Readers do not lock: rename is atomic, so they see the old or the new
 * file whole.  A crash at any point leaves the old or the new file,
 * never a mix (architecture.md 6).  A command that changes several files
 * writes every temp file before the first rename (struct db_txn), so an
 * error such as a full disk changes none of them, and names its renames
 * in DB_INTENT before making them, so that a crash between two renames
 * is finished by the next writer (db_recover()) instead of leaving one
 * file new and the next old.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confdir.h"
#include "db.h"

#define DB_MAXSIZE	(64 * 1024 * 1024)	/* far above 65535 rules */
#define DB_INTENT	".commit"	/* renames of a change under way */
#define DB_INTENTMAX	(DB_TXNMAX * (2 * NAME_MAX + 2) + 8)

/* This process holds the lock (db_settle() must not wait for itself). */
static int	db_held;

static int	db_recover(const char *, char *, size_t);
static int	db_replay(int, char *);
static int	db_istemp(const char *, const char *);
static int	db_intent(const struct db_txn *, const char *, char *, size_t);
static int	db_write(int, const char *, size_t);
static int	db_journal(const struct db_txn *, char *, size_t);
static const char *db_base(const char *);
static void	db_sweep(const char *);
static int	db_secure(int, const char *, char *, size_t);
static int	db_syncdir(const char *, char *, size_t);
static int	db_samedir(const char *, const char *);

int
db_lock(char *err, size_t errlen)
{
	char	dir[PATH_MAX], path[PATH_MAX];
	int	fd;

	if (confdir_get(dir, sizeof(dir), err, errlen) == -1)
		return (-1);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (confdir_path(".lock", path, sizeof(path), err, errlen) == -1)
		return (-1);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	/* Finish a dead writer's change before its temp files are swept. */
	if (db_recover(dir, err, errlen) == -1) {
		close(fd);
		return (-1);
	}
	db_sweep(dir);
	db_held = 1;
	return (fd);
}

/*
 * Readers do not lock, but a change that a dead writer left half made
 * must not be what they read, nor what mkfilt -u loads at boot: with a
 * DB_INTENT present, take the lock, which finishes it (or waits the
 * milliseconds a live writer needs for its renames).  Not in ipsecd: its
 * loop must never wait on a command.
 */
int
db_settle(char *err, size_t errlen)
{
	char	path[PATH_MAX];
	int	fd;

	if (db_held)			/* db_lock() has done it */
		return (0);
	if (confdir_path(DB_INTENT, path, sizeof(path), err, errlen) == -1)
		return (-1);
	if (access(path, F_OK) == -1)
		return (0);
	if ((fd = db_lock(err, errlen)) == -1)
		return (-1);
	db_unlock(fd);
	return (0);
}

/*
 * A DB_INTENT left in dir is a writer's that died after writing it: if it
 * is whole (it ends with "end"), every temp file it names was written and
 * fsync'd, and some may already be renamed; rename the others.  If it is
 * not whole, the writer died before its first rename and the sweep takes
 * its temp files.  A change that cannot be finished stops every write:
 * one made anyway could later be overwritten by the stale temp files.
 */
static int
db_recover(const char *dir, char *err, size_t errlen)
{
	char	buf[DB_INTENTMAX + 1];
	size_t	len = 0;
	ssize_t	n;
	int	dfd, fd, rv = -1;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if ((fd = openat(dfd, DB_INTENT, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		rv = errno == ENOENT ? 0 : -1;
		goto done;
	}
	while (len < DB_INTENTMAX && (n = read(fd, buf + len,
	    DB_INTENTMAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			goto done;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (len >= 4 && strcmp(buf + len - 4, "end\n") == 0 &&
	    db_replay(dfd, buf) == -1)
		goto done;
	if (unlinkat(dfd, DB_INTENT, 0) == -1 || fsync(dfd) == -1)
		goto done;
	rv = 0;
done:
	if (rv == -1)
		snprintf(err, errlen, "%s/%s: an interrupted change cannot be "
		    "finished: %s", dir, DB_INTENT, strerror(errno));
	close(dfd);
	return (rv);
}

/* The renames of a whole intent, "TEMP NAME" a line, those not yet done. */
static int
db_replay(int dfd, char *buf)
{
	char	*line, *tmp, *name, *last;

	for (line = strtok_r(buf, "\n", &last); line != NULL &&
	    strcmp(line, "end") != 0; line = strtok_r(NULL, "\n", &last)) {
		tmp = line;
		if ((name = strchr(line, ' ')) == NULL)
			goto bad;
		*name++ = '\0';
		if (!db_istemp(tmp, name))
			goto bad;
		if (renameat(dfd, tmp, dfd, name) == -1 && errno != ENOENT)
			return (-1);
	}
	return (0);
bad:
	errno = EINVAL;
	return (-1);
}

/* tmp is a temp file of name, both plain names in the directory. */
static int
db_istemp(const char *tmp, const char *name)
{
	size_t	n = strlen(name), i;

	if (n == 0 || strchr(name, '/') != NULL || name[0] == '.' ||
	    strncmp(tmp, name, n) != 0 || tmp[n] != '.' ||
	    strlen(tmp + n + 1) != 6)
		return (0);
	for (i = n + 1; tmp[i] != '\0'; i++)
		if (!isalnum((unsigned char)tmp[i]))
			return (0);
	return (1);
}

/*
 * The temp files of writers killed before their rename (db_stage()).
 * Every writer of the databases holds the lock from mkstemp to rename,
 * so with the lock held any "NAME.db.XXXXXX" here is a dead writer's.
 * Left alone they would not break a later write (mkstemp picks a fresh
 * name), but they would pile up, and those of tun4.db and tun6.db
 * hold keys.
 * Best effort: in a read-only directory they stay.
 */
static void
db_sweep(const char *dir)
{
	static const char	 sfx[] = ".db.XXXXXX";
	struct dirent		*de;
	DIR			*d;
	const char		*s;
	size_t			 n, i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((n = strlen(de->d_name)) < sizeof(sfx))
			continue;
		s = de->d_name + n - (sizeof(sfx) - 1);
		if (strncmp(s, ".db.", 4) != 0)
			continue;
		for (i = 4; i < sizeof(sfx) - 1; i++)
			if (!isalnum((unsigned char)s[i]))
				break;
		if (i == sizeof(sfx) - 1)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

void
db_unlock(int fd)
{
	if (fd == -1)
		return;
	close(fd);			/* releases the flock */
	db_held = 0;
}

/*
 * Databases hold keys and the host's policy: only the owner (the uid
 * running the command, root in production) may read or write them
 * (STYLE.md 10).  Checked on the open descriptor, so there is no
 * window between check and use.
 */
static int
db_secure(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return (-1);
	}
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: insecure permissions (need mode "
		    "0600, owner uid %u)", path, (unsigned)geteuid());
		errno = EPERM;
		return (-1);
	}
	if (st.st_size > DB_MAXSIZE) {
		snprintf(err, errlen, "%s: file too large", path);
		errno = EFBIG;
		return (-1);
	}
	return (0);
}

int
db_load(const char *path, char **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd;

	*bufp = NULL;
	*lenp = 0;
	/* O_NONBLOCK: a FIFO in its place must not hang us before the check. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (1);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (db_secure(fd, path, err, errlen) == -1)
		goto fail;
	for (;;) {
		if (cap - len < 4096) {
			if (cap > DB_MAXSIZE) {
				snprintf(err, errlen, "%s: file too large",
				    path);
				goto fail;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				snprintf(err, errlen, "%s: %s", path,
				    strerror(errno));
				goto fail;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return (0);
fail:
	close(fd);
	free(buf);
	return (-1);
}

static int
db_syncdir(const char *path, char *err, size_t errlen)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	int		 fd;

	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		snprintf(dir, sizeof(dir), "%s", slash == path ? "/" : ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

void
db_begin(struct db_txn *txn)
{
	txn->dt_n = 0;
}

void
db_abort(struct db_txn *txn)
{
	size_t	i;

	for (i = 0; i < txn->dt_n; i++)
		unlink(txn->dt_tmp[i]);
	txn->dt_n = 0;
}

/* All of buf to fd, then fsync: 0, or -1 with errno. */
static int
db_write(int fd, const char *buf, size_t len)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		off += (size_t)n;
	}
	return (fsync(fd));
}

int
db_stage(struct db_txn *txn, const char *path, const char *buf, size_t len,
    char *err, size_t errlen)
{
	char	*tmp;
	int	 fd, serrno;

	if (txn->dt_n == DB_TXNMAX) {
		snprintf(err, errlen, "%s: too many files in one change", path);
		errno = E2BIG;
		goto fail;
	}
	tmp = txn->dt_tmp[txn->dt_n];
	if ((size_t)snprintf(txn->dt_path[txn->dt_n], PATH_MAX, "%s",
	    path) >= PATH_MAX || (size_t)snprintf(tmp, PATH_MAX,
	    "%s.XXXXXX", path) >= PATH_MAX) {
		snprintf(err, errlen, "%s: name too long", path);
		errno = ENAMETOOLONG;
		goto fail;
	}
	/*
	 * mkstemp creates the file 0600 whatever the umask.  The error
	 * names the database: the template names no file that exists.
	 */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	txn->dt_n++;			/* db_abort() removes it from now on */
	if (db_write(fd, buf, len) == -1)
		goto fail_fd;
	if (close(fd) == -1)
		goto fail_io;
	return (0);
fail_fd:
	serrno = errno;
	close(fd);
	errno = serrno;
fail_io:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
fail:
	serrno = errno;
	db_abort(txn);
	errno = serrno;
	return (-1);
}

static int
db_samedir(const char *a, const char *b)
{
	const char	*sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t		 la = sa == NULL ? 0 : (size_t)(sa - a);
	size_t		 lb = sb == NULL ? 0 : (size_t)(sb - b);

	return (la == lb && strncmp(a, b, la) == 0);
}

/*
 * Before the first of several renames: DB_INTENT, in the files' directory,
 * names each temp file and its database, "end" last, fsync'd with the
 * directory entries of the temp files.
 */
static int
db_intent(const struct db_txn *txn, const char *path, char *err,
    size_t errlen)
{
	char	buf[DB_INTENTMAX];
	size_t	len = 0, i;
	int	fd, n;

	for (i = 0; i < txn->dt_n; i++) {
		n = snprintf(buf + len, sizeof(buf) - len, "%s %s\n",
		    db_base(txn->dt_tmp[i]), db_base(txn->dt_path[i]));
		if (n < 0 || (size_t)n >= sizeof(buf) - len - 4) {
			snprintf(err, errlen, "%s: name too long",
			    txn->dt_path[i]);
			return (-1);
		}
		len += (size_t)n;
	}
	memcpy(buf + len, "end\n", 4);
	len += 4;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || db_write(fd, buf, len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	close(fd);
	return (db_syncdir(path, err, errlen));
}

/*
 * Whether txn's renames need DB_INTENT, and its path: only several files
 * do (one rename alone is atomic), and only in one directory, which is
 * where db_recover() looks.
 */
static int
db_journal(const struct db_txn *txn, char *intent, size_t len)
{
	const char	*first = txn->dt_path[0];
	size_t		 i;
	int		 n;

	if (txn->dt_n < 2)
		return (0);
	for (i = 1; i < txn->dt_n; i++)
		if (!db_samedir(first, txn->dt_path[i]))
			return (0);
	n = snprintf(intent, len, "%.*s%s", (int)(db_base(first) - first),
	    first, DB_INTENT);
	return (n > 0 && (size_t)n < len);
}

static const char *
db_base(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return (slash == NULL ? path : slash + 1);
}

int
db_commit(struct db_txn *txn, char *err, size_t errlen)
{
	char	intent[PATH_MAX];
	size_t	i, j;
	int	journal;

	journal = db_journal(txn, intent, sizeof(intent));
	if (journal && db_intent(txn, intent, err, errlen) == -1) {
		db_abort(txn);
		unlink(intent);
		return (-1);
	}
	for (i = 0; i < txn->dt_n; i++) {
		if (rename(txn->dt_tmp[i], txn->dt_path[i]) == -1) {
			/* Said, and not to be finished by a later writer. */
			snprintf(err, errlen, "%s: %s", txn->dt_path[i],
			    strerror(errno));
			for (j = i; j < txn->dt_n; j++)
				unlink(txn->dt_tmp[j]);
			if (journal)
				unlink(intent);
			txn->dt_n = 0;
			return (-1);
		}
	}
	/* Once per directory: the files of one change share theirs. */
	for (i = 0; i < txn->dt_n; i++) {
		if (i > 0 && db_samedir(txn->dt_path[i - 1], txn->dt_path[i]))
			continue;
		if (db_syncdir(txn->dt_path[i], err, errlen) == -1) {
			txn->dt_n = 0;
			return (-1);
		}
	}
	/* Every rename is durable: the intent has done its work. */
	if (journal)
		(void)unlink(intent);
	txn->dt_n = 0;
	return (0);
}

int
db_save(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct db_txn	txn;

	db_begin(&txn);
	if (db_stage(&txn, path, buf, len, err, errlen) == -1)
		return (-1);
	return (db_commit(&txn, err, errlen));
}
