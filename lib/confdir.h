/*
 * confdir.h: where the databases (IPSEC_CONFDIR) and the sockets and pid
 * files (IPSEC_RUNDIR) live (aix-reference.md 1.1).
 */
#ifndef CONFDIR_H
#define CONFDIR_H

#include <stddef.h>

#define CONFDIR_DEFAULT	"/etc/ipsec"
#define RUNDIR_DEFAULT	"/run/ipsec"

int	confdir_get(char *, size_t, char *, size_t);
int	confdir_rundir(char *, size_t, char *, size_t);
int	confdir_path(const char *, char *, size_t, char *, size_t);

#endif /* CONFDIR_H */
