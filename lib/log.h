/*
 * log.h: the daemons' log API, after OpenBSD iked's log.c: messages go
 * to standard error in the foreground (-d) and to syslog(3) otherwise.
 * log_warn() and fatal() append strerror(errno); all keep errno.
 */
#ifndef LOG_H
#define LOG_H

/*
 * Foreground or not, the ident (also the stderr prefix) and the syslog
 * facility.  openlog(3) is called either way, so a daemon may still
 * write its own syslog lines in the foreground.
 */
void	log_init(int, const char *, int);
void	log_warn(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
/* Only in the foreground, as iked -d. */
void	log_debug(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

#endif /* LOG_H */
