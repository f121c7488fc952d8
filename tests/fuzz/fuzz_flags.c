/*
 * fuzz_flags.c: a command line from fuzz input (fuzz_flags.h).
 */
#include <string.h>

#include "fuzz_flags.h"

int
fuzz_flags(char *buf, const char *optstring, struct cmd_flags *cf)
{
	char		*line, *next;
	unsigned char	 fl;

	memset(cf, 0, sizeof(*cf));
	for (line = buf; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fl = (unsigned char)line[0];
		if (fl == '\0' || fl == ':' || fl >= CMD_NFLAGS ||
		    strchr(optstring, fl) == NULL || cf->cf_val[fl] != NULL)
			return (-1);
		cf->cf_val[fl] = line + 1;
	}
	return (0);
}
