/*
 * tunids.c: the tunnel ids of $IPSEC_CONFDIR/tunV.db (aix-reference.md
 * 1.1, 4.4): the first column of every record after the header line.
 * No file means no tunnels.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confdir.h"
#include "db.h"
#include "parse.h"
#include "tunids.h"

int
tunids_exists(int ver, uint32_t tid, char *err, size_t errlen)
{
	char		 name[16], path[PATH_MAX], *buf, *line, *next, *bar;
	size_t		 len, lineno = 0;
	uint32_t	 id;
	int		 rv, found = 0;

	snprintf(name, sizeof(name), "tun%d.db", ver);
	if (confdir_path(name, path, sizeof(path), err, errlen) == -1)
		return (-1);
	if ((rv = db_load(path, &buf, &len, err, errlen)) != 0)
		return (rv == 1 ? 0 : -1);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (lineno == 1 || line[0] == '#')
			continue;
		if ((bar = strchr(line, '|')) != NULL)
			*bar = '\0';
		if (parse_uint(line, UINT32_MAX, &id) == -1) {
			snprintf(err, errlen, "%s:%zu: tunnel %s: not a tunnel "
			    "id", path, lineno, line);
			free(buf);
			return (-1);
		}
		if (id == tid)
			found = 1;
	}
	free(buf);
	return (found);
}
