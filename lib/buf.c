/* buf.c: building a listing line by line into a caller's buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"

int
buf_append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf + (*off < len ? *off : len),
	    *off < len ? len - *off : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return (-1);
	*off += (size_t)n;
	return (0);
}
