/* logfmt.h: the AIX log line formats (aix-reference.md 8.2, 8.3). */
#ifndef LOGFMT_H
#define LOGFMT_H

#include <stddef.h>
#include <time.h>

#include "ipf.h"
#include "logrec.h"

/* The "level V" of the status lines: the ipsecfilt release. */
#define LOGFMT_LEVEL	"1.0"

/*
 * "#:N R:p O:LOCAL S:SRC D:DST P:PROTO SP:SPORT DP:DPORT R:l I:IFACE F:n
 * T:TID L:LEN" without ident or newline; returns snprintf's count.
 */
int	logfmt_pkt(char *, size_t, const struct ipf_pktrec *);

/*
 * The event lines of aix-reference.md 8.3, each ending "at T on D" with
 * T = HH:MM:SS and D = MM/DD/YY of the given time in local time.  Like
 * logfmt_pkt(), without ident or newline; each returns snprintf's count.
 */
/* "TC_LOG4: Tunnel ..." for a tunnel event record. */
int	logfmt_tunnel(char *, size_t, const struct logrec_tun *, time_t);
/* ipsec_logd's "Filter logging daemon ..." start (1) or stop (0) line. */
int	logfmt_logd(char *, size_t, int, time_t);
/* mkfilt's "Status of packet logging set to Start|Stop ..." line. */
int	logfmt_logging(char *, size_t, int, time_t);
/*
 * mktun's and rmtun's "Manual tunnel N, SRC, DST activated." (on 1) or
 * "... deactivated." (0); the one line of 8.3 without a time.
 */
int	logfmt_manual(char *, size_t, uint32_t, int, const union ipf_addr *,
	    const union ipf_addr *, int);

#endif /* LOGFMT_H */
