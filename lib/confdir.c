/*
 * confdir.c: IPSEC_CONFDIR and IPSEC_RUNDIR.  Both must be absolute so
 * that a command run from another directory (or by a daemon that chdir'd
 * to /) names the same files (aix-reference.md 1.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confdir.h"

static int	confdir_env(const char *, const char *, char *, size_t, char *,
		    size_t);

static int
confdir_env(const char *var, const char *def, char *buf, size_t len,
    char *err, size_t errlen)
{
	const char	*v = getenv(var);

	if (v == NULL || *v == '\0')
		v = def;
	if (v[0] != '/') {
		snprintf(err, errlen, "%s must be an absolute path", var);
		errno = EINVAL;
		return (-1);
	}
	if ((size_t)snprintf(buf, len, "%s", v) >= len) {
		snprintf(err, errlen, "%s is too long", var);
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

int
confdir_get(char *buf, size_t len, char *err, size_t errlen)
{
	return (confdir_env("IPSEC_CONFDIR", CONFDIR_DEFAULT, buf, len, err,
	    errlen));
}

int
confdir_rundir(char *buf, size_t len, char *err, size_t errlen)
{
	return (confdir_env("IPSEC_RUNDIR", RUNDIR_DEFAULT, buf, len, err,
	    errlen));
}

/* $IPSEC_CONFDIR/name */
int
confdir_path(const char *name, char *buf, size_t len, char *err,
    size_t errlen)
{
	char	dir[4096];

	if (confdir_get(dir, sizeof(dir), err, errlen) == -1)
		return (-1);
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		snprintf(err, errlen, "IPSEC_CONFDIR is too long");
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}
