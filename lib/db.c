/*
 * db.c: the database files.  A writer holds an exclusive flock on
 * $IPSEC_CONFDIR/.lock from its read to its rename, so concurrent
 * writers serialize and none is lost; the lock is on a file of its own
 * because a lock on the database itself would be lost with the rename.
 * Readers do not lock: rename is atomic, so they see the old or the new
 * file whole.  A crash at any point leaves the old or the new file,
 * never a mix (architecture.md 6).  A command that changes several files
 * writes every temp file before the first rename (struct db_txn), so an
 * error such as a full disk changes none of them.
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
	db_sweep(dir);
	return (fd);
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
	if (fd != -1)
		close(fd);		/* releases the flock */
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

int
db_stage(struct db_txn *txn, const char *path, const char *buf, size_t len,
    char *err, size_t errlen)
{
	char	*tmp;
	size_t	 off = 0;
	ssize_t	 n;
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
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail_fd;
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
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

int
db_commit(struct db_txn *txn, char *err, size_t errlen)
{
	size_t	i, j;

	for (i = 0; i < txn->dt_n; i++) {
		if (rename(txn->dt_tmp[i], txn->dt_path[i]) == -1) {
			snprintf(err, errlen, "%s: %s", txn->dt_path[i],
			    strerror(errno));
			for (j = i; j < txn->dt_n; j++)
				unlink(txn->dt_tmp[j]);
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
