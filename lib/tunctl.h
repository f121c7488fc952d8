/*
 * tunctl.h: the tunnel commands' view of ipsecd (mktun, rmtun, lstun -a).
 */
#ifndef TUNCTL_H
#define TUNCTL_H

#include <stddef.h>
#include <stdint.h>

#include "tundb.h"

/*
 * A connection to ipsecd, started first if start and none runs.  -1 with
 * the reason in err; without start, errno ENOENT or ECONNREFUSED means
 * none runs ("IPsec engine is not running").
 */
int	tunctl_open(int, char *, size_t);

/*
 * Install (on) or remove tunnel id of version ver in ipsecd, which reads
 * it from IPSEC_CONFDIR itself.  1: done, 0: it already was (active for
 * on, not active for off), -1: err says why, worded for the user.
 */
int	tunctl_set(int, int, uint32_t, int, char *, size_t);

/*
 * Load version ver's filter table (always, or only if ipsecd has it
 * loaded already).  0, or -1 with err.
 */
int	tunctl_load(int, int, int, char *, size_t);

/*
 * The tunnels ipsecd holds, of version ver (0 both), in *list (*n of
 * them, by version then tid; the caller frees *list).  0, or -1 with err; errno ENOENT or
 * ECONNREFUSED means no ipsecd runs ("IPsec engine is not running").
 */
int	tunctl_list(int, struct tun_active **, size_t *, char *, size_t);

/*
 * "Manual tunnel N, SRC, DST activated." (on) or "deactivated." to
 * syslog as ident (mktun, rmtun), local4, debug (aix-reference.md 8.3).
 */
void	tunctl_note(const char *, const struct tun *, int);

#endif /* TUNCTL_H */
