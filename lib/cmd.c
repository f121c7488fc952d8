/*
 * cmd.c: what every command does the same way (aix-reference.md 1.2,
 * 1.3): single-letter flags given at most once, no operands, usage
 * problems exit 2 with the synopsis, other errors exit 1 with one line
 * prefixed by the command's name.  This is the one lib file that prints:
 * it is the commands' edge.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"

static void	cmd_vmsg(const char *, const char *, va_list)
		    __attribute__((__format__(__printf__, 2, 0)));

/* Set once by main() before anything else; read-only afterwards. */
static const char	*cmd_progname = "ipsecfilt";
static const char	*cmd_synopsis = "";

void
cmd_init(const char *name, const char *synopsis)
{
	cmd_progname = name;
	cmd_synopsis = synopsis;
}

const char *
cmd_name(void)
{
	return (cmd_progname);
}

static void
cmd_vmsg(const char *pfx, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", cmd_progname, pfx);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cmd_usage(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s\n", cmd_synopsis);
	exit(2);
}

void
cmd_fail(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_vmsg("", fmt, ap);
	va_end(ap);
	exit(1);
}

void
cmd_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/*
 * getopt(3) with our own messages.  The leading '+' stops GNU getopt
 * from permuting, so "genfilt -v 4 foo -s 1.2.3.4" reports foo as an
 * operand instead of quietly accepting it.
 */
void
cmd_getopt(int argc, char *argv[], const char *flags, struct cmd_flags *cf)
{
	char	optstr[CMD_NFLAGS * 2 + 3];
	int	c;

	memset(cf, 0, sizeof(*cf));
	snprintf(optstr, sizeof(optstr), "+:%s", flags);
	opterr = 0;
	while ((c = getopt(argc, argv, optstr)) != -1) {
		if (c == ':')
			cmd_usage("-%c needs a value", optopt);
		if (c == '?' || c <= 0 || c >= CMD_NFLAGS) {
			if (optopt > ' ' && optopt < 127)
				cmd_usage("unknown flag -%c", optopt);
			cmd_usage("unknown flag");
		}
		if (cf->cf_val[c] != NULL)
			cmd_usage("-%c given more than once", c);
		cf->cf_val[c] = optarg != NULL ? optarg : "";
	}
	if (optind < argc)
		cmd_usage("unexpected operand %s", argv[optind]);
}

/*
 * -v 4|6.  A bad version is a bad value, not a usage problem (1.3):
 * the flag and its value were both there.
 */
int
cmd_version(const struct cmd_flags *cf, int required)
{
	const char	*v = cf->cf_val['v'];

	if (v == NULL) {
		if (required)
			cmd_usage("-v is required");
		return (0);
	}
	if (strcmp(v, "4") == 0)
		return (4);
	if (strcmp(v, "6") == 0)
		return (6);
	cmd_fail("-v %s: must be 4 or 6", v);
}

void
cmd_exclusive(const struct cmd_flags *cf, int a, int b)
{
	if (cf->cf_val[a] != NULL && cf->cf_val[b] != NULL)
		cmd_usage("-%c and -%c cannot be used together", a, b);
}

/*
 * For the commands that read the databases without the lock: a change a
 * dead writer left half made is finished before they read (db_settle()).
 */
void
cmd_settle(void)
{
	char	err[1024];

	if (db_settle(err, sizeof(err)) == -1)
		cmd_fail("%s", err);
}
