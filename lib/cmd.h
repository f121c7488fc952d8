/*
 * cmd.h: the plumbing every administration command shares: flag parsing
 * with "each flag at most once", and the message and exit-status rules
 * of aix-reference.md 1.3.
 */
#ifndef CMD_H
#define CMD_H

#define CMD_NFLAGS	128		/* one slot per ASCII flag letter */

/* optarg of each flag given, or NULL; a flag without a value gets "". */
struct cmd_flags {
	const char	*cf_val[CMD_NFLAGS];
};

void	cmd_init(const char *, const char *);
const char *cmd_name(void);
void	cmd_getopt(int, char *[], const char *, struct cmd_flags *);
int	cmd_version(const struct cmd_flags *, int);
void	cmd_exclusive(const struct cmd_flags *, int, int);

/* Message, usage line, exit 2. */
void	cmd_usage(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
/* "<cmd>: message", exit 1. */
void	cmd_fail(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
/* "<cmd>: warning: message". */
void	cmd_warn(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));

/* Readers call this before reading the databases; exits 1 on failure. */
void	cmd_settle(void);

#endif /* CMD_H */
