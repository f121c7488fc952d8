/* buf.h: building a listing line by line into a caller's buffer. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

/*
 * Append to buf[0..len) at *off, advancing *off by what was needed even
 * past len, so the caller learns the size it takes, as with snprintf.
 */
int	buf_append(char *, size_t, size_t *, const char *, ...)
	    __attribute__((__format__(__printf__, 4, 5)));

#endif /* BUF_H */
