/*
 * tunids.h: which manual tunnels exist, for the filter commands' -t
 * (aix-reference.md 2.3).  Only the tunnel ids of tun4.db/tun6.db are
 * read; the tunnel commands own the rest of those files.
 */
#ifndef TUNIDS_H
#define TUNIDS_H

#include <stddef.h>
#include <stdint.h>

/* 1 if tunnel tid exists for the version, 0 if not, -1 on error. */
int	tunids_exists(int, uint32_t, char *, size_t);

#endif /* TUNIDS_H */
