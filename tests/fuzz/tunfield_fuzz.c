/*
 * tunfield_fuzz.c: libFuzzer target for the manual tunnel's field table
 * (lib/tunfield.c): the record scanner of tun4.db/tun6.db, lstun -O and
 * imptun's export files, and the gentun/chtun flag parser.
 *
 * Input: one control byte, then a record or a command line
 * (fuzz_flags.h).  Control bits: 0x01 IPv6, 0x02 flags rather than a
 * record, 0x04 chtun rather than gentun (flags); bits 0x0c pick the
 * record format (scan): 0 lstun -O, 1 database, 2 export.
 *
 * An accepted tunnel written as a database record and read back gives
 * the same record, and lstun can list it; a refusal has a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_flags.h"
#include "tunfield.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	roundtrip(const struct tun *, int);
static void	refused(const char *);
static void	base(struct tun *, int);

/* The tunnel chtun starts from: gentun -s A -d B. */
static void
base(struct tun *t, int ver)
{
	struct cmd_flags	cf;
	char			err[256];

	memset(&cf, 0, sizeof(cf));
	cf.cf_val['s'] = ver == 4 ? "192.0.2.1" : "2001:db8::1";
	cf.cf_val['d'] = ver == 4 ? "192.0.2.2" : "2001:db8::2";
	if (tunfield_apply(t, &cf, 1, err, sizeof(err)) == -1) {
		fprintf(stderr, "tunfield_fuzz: base tunnel: %s\n", err);
		abort();
	}
	t->t_id = 1;
}

static void
refused(const char *err)
{
	if (err[0] == '\0' || memchr(err, '\n', strlen(err)) != NULL) {
		fprintf(stderr, "tunfield_fuzz: refusal without a one-line "
		    "message: \"%s\"\n", err);
		abort();
	}
}

static void
roundtrip(const struct tun *t, int ver)
{
	struct tun	back;
	char		line[TUNF_LINEMAX], scan[TUNF_LINEMAX];
	char		again[TUNF_LINEMAX], err[256];
	int		n;

	n = tunfield_fmt_line(t, TUNF_DB, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "tunfield_fuzz: record of %d bytes\n", n);
		abort();
	}
	memcpy(scan, line, (size_t)n + 1);
	err[0] = '\0';
	if (tunfield_scan(&back, ver, scan, TUNF_DB, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "tunfield_fuzz: own record refused: %s\n"
		    "record: %s\n", err, line);
		abort();
	}
	tunfield_fmt_line(&back, TUNF_DB, again, sizeof(again));
	if (strcmp(line, again) != 0) {
		fprintf(stderr, "tunfield_fuzz: record changed on reading\n"
		    "wrote: %s\nread:  %s\n", line, again);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tunf_fmt fmts[4] = { TUNF_LIST, TUNF_DB, TUNF_EXP,
	    TUNF_DB };
	struct cmd_flags	 cf;
	struct tun		 t;
	char			 buf[TUNF_LINEMAX], blk[TUNF_BLOCKMAX];
	char			 err[256];
	int			 ver, rv, i;

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
		if (fuzz_flags(buf, tunfield_optstring, &cf) == -1)
			return (0);
		tun_init(&t, ver);
		if (data[0] & 0x04)
			base(&t, ver);		/* chtun changes a tunnel */
		else if (cf.cf_val['s'] == NULL || cf.cf_val['d'] == NULL)
			return (0);		/* gentun's usage error */
		rv = tunfield_apply(&t, &cf, !(data[0] & 0x04), err,
		    sizeof(err));
	} else
		rv = tunfield_scan(&t, ver, buf, fmts[(data[0] >> 2) & 3],
		    err, sizeof(err));
	if (rv == -1) {
		refused(err);
		return (0);
	}
	/* gentun: ttable_add() numbers it, ttable_spi_fill() the SPIs. */
	if (t.t_id == 0)
		t.t_id = 1;
	for (i = 0; i < 2; i++) {
		if (t.t_ahspi[i] == 0)
			t.t_ahspi[i] = TUN_SPIMIN;
		if (t.t_espspi[i] == 0)
			t.t_espspi[i] = TUN_SPIMIN + 1;
	}
	roundtrip(&t, t.t_ver);
	tunfield_fmt_block(&t, blk, sizeof(blk));
	return (0);
}
