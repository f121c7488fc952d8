/*
 * tunctl.c: manual tunnels in ipsecd.  The control protocol reserves
 * CTL_TUNNEL but ipsecd does not serve it yet, so this only tells the
 * tunnel commands the truth about the engine: not running, unreachable,
 * or running without manual tunnel support.
 */
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"
#include "tunctl.h"

int
tunctl_check(char *err, size_t errlen)
{
	int	fd;

	if ((fd = ctl_connect(err, errlen)) == -1)
		return (-1);
	close(fd);
	/* TODO: CTL_TUNNEL requests once ipsecd installs tunnel SAs. */
	snprintf(err, errlen, "IPsec engine: manual tunnels are not "
	    "supported by this ipsecd");
	return (-1);
}
