/*
 * rule_fuzz.c: libFuzzer target for the filter rule's field table
 * (lib/rule.c): the database and lsfilt -O record scanner that
 * ftable_read() and impfilt use, and the genfilt/chfilt flag parser.
 *
 * Input: one control byte, then a record or a command line
 * (fuzz_flags.h).  Control bits: 0x01 IPv6, 0x02 flags rather than a
 * record, 0x04 a database record (scan) or chfilt rather than genfilt
 * (flags).
 *
 * Whatever is accepted must survive the database: written as a record
 * and read back it gives the same record, in both record formats, and
 * lsfilt can list it.  Whatever is refused gets a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_flags.h"
#include "rule.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	roundtrip(const struct frule *, int, int);
static void	refused(const char *);

static void
refused(const char *err)
{
	if (err[0] == '\0' || memchr(err, '\n', strlen(err)) != NULL) {
		fprintf(stderr, "rule_fuzz: refusal without a one-line "
		    "message: \"%s\"\n", err);
		abort();
	}
}

/* Format r as db (or -O) record, scan it back, format again: equal. */
static void
roundtrip(const struct frule *r, int ver, int db)
{
	struct frule	back;
	char		line[RULE_LINEMAX], scan[RULE_LINEMAX];
	char		again[RULE_LINEMAX], err[256];
	int		n;

	n = rule_fmt_line(r, db, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "rule_fuzz: record of %d bytes\n", n);
		abort();
	}
	memcpy(scan, line, (size_t)n + 1);
	err[0] = '\0';
	if (rule_scan(&back, ver, scan, db, err, sizeof(err)) == -1) {
		fprintf(stderr, "rule_fuzz: own record refused: %s\n"
		    "record: %s\n", err, line);
		abort();
	}
	rule_fmt_line(&back, db, again, sizeof(again));
	if (strcmp(line, again) != 0) {
		fprintf(stderr, "rule_fuzz: record changed on reading\n"
		    "wrote: %s\nread:  %s\n", line, again);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_flags	 cf;
	struct frule		 r;
	char			 buf[RULE_LINEMAX], blk[RULE_BLOCKMAX];
	char			 err[256];
	int			 ver, rv;

	if (size < 1 || size > sizeof(buf) || memchr(data + 1, '\0',
	    size - 1) != NULL)
		return (0);
	ver = (data[0] & 0x01) ? 6 : 4;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	err[0] = '\0';
	/* A record is a line of its file; a value, one argument. */
	if (!(data[0] & 0x02) && strchr(buf, '\n') != NULL)
		return (0);
	if (data[0] & 0x02) {
		if (fuzz_flags(buf, rule_optstring, &cf) == -1)
			return (0);
		rule_init(&r, ver);
		rv = rule_apply(&r, &cf, !(data[0] & 0x04), err, sizeof(err));
	} else
		rv = rule_scan(&r, ver, buf, data[0] & 0x04, err,
		    sizeof(err));
	if (rv == -1) {
		refused(err);
		return (0);
	}
	roundtrip(&r, ver, 1);
	roundtrip(&r, ver, 0);
	rule_fmt_block(&r, blk, sizeof(blk));
	return (0);
}
