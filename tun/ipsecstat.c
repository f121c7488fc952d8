/*
 * ipsecstat: the IPsec devices, algorithms and statistics
 * (aix-reference.md 7).  -d, -A and -E need no engine: the devices are
 * only Defined until ipsecd loads a version, and the algorithms are the
 * table of aix-reference.md 4.2.
 */
#include <stdio.h>

#include "cmd.h"
#include "tunalg.h"

#define SYNOPSIS "ipsecstat [-c | -d | -A | -E]"

static void	ipsecstat_algs(int);

/* auth: the integrity algorithms, else the ciphers; never NONE. */
static void
ipsecstat_algs(int auth)
{
	const struct tunalg	*a;
	int			 i;

	printf("%s Algorithm:\n", auth ? "Authentication" : "Encryption");
	for (i = 0; i < TUNALG_MAX; i++) {
		a = &tunalg_table[i];
		if (a->ta_kind == TUNALG_K_NONE ||
		    (a->ta_kind == TUNALG_K_MAC) != auth)
			continue;
		printf("%s -- %s\n", a->ta_name, a->ta_desc);
	}
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	cf;
	const char		flags[] = "cdAE";
	int			i, j;

	cmd_init("ipsecstat", SYNOPSIS);
	cmd_getopt(argc, argv, flags, &cf);
	for (i = 0; flags[i] != '\0'; i++)
		for (j = i + 1; flags[j] != '\0'; j++)
			cmd_exclusive(&cf, flags[i], flags[j]);
	if (cf.cf_val['d'] != NULL) {
		/* TODO: Available for a version loaded in ipsecd. */
		printf("IP Security Devices:\nipsec_v4 Defined\n"
		    "ipsec_v6 Defined\n");
	} else if (cf.cf_val['A'] != NULL)
		ipsecstat_algs(1);
	else if (cf.cf_val['E'] != NULL)
		ipsecstat_algs(0);
	else {
		/* TODO: the counters, over ipsecd.sock once it exists. */
		cmd_fail("IPsec engine is not running");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
