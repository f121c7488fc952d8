/*
 * tunctl.h: the tunnel commands' view of ipsecd (mktun, rmtun, lstun -a).
 */
#ifndef TUNCTL_H
#define TUNCTL_H

#include <stddef.h>

/*
 * Whether ipsecd can install and list manual tunnels.  Until the
 * control protocol has CTL_TUNNEL, always -1 with the reason in err:
 * "IPsec engine is not running" when none runs, else why not.
 */
int	tunctl_check(char *, size_t);

#endif /* TUNCTL_H */
