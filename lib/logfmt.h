/* logfmt.h: the AIX log line formats (aix-reference.md 8.2, 8.3). */
#ifndef LOGFMT_H
#define LOGFMT_H

#include <stddef.h>

#include "ipf.h"

/*
 * "#:N R:p O:LOCAL S:SRC D:DST P:PROTO SP:SPORT DP:DPORT R:l I:IFACE F:n
 * T:TID L:LEN" without ident or newline; returns snprintf's count.
 */
int	logfmt_pkt(char *, size_t, const struct ipf_pktrec *);

#endif /* LOGFMT_H */
