/*
 * ipsecstat: the IPsec devices, algorithms and statistics
 * (aix-reference.md 7).  The algorithms are the table of
 * aix-reference.md 4.2 and need no engine; a device is Available when
 * ipsecd has that version loaded, Defined otherwise (also when no ipsecd
 * runs); the statistics are ipsecd's counters.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "tunalg.h"
#include "tunctl.h"

#define SYNOPSIS "ipsecstat [-c | -d | -A | -E]"

/* One statistics line: AIX's label and the counter behind it. */
struct statline {
	const char	*sl_label;
	size_t		 sl_off;	/* in struct ipf_stats */
};

#define SL(label, member)	{ label, offsetof(struct ipf_stats, member) }
static const struct statline	stat_lines[] = {
	SL("Total incoming packets", st_in),
	SL("Incoming AH packets", st_in_ah),
	SL("Incoming ESP packets", st_in_esp),
	SL("Srcrte packets allowed", st_srcrte),
	SL("Total outgoing packets", st_out),
	SL("Outgoing AH packets", st_out_ah),
	SL("Outgoing ESP packets", st_out_esp),
	SL("Total incoming packets dropped", st_in_drop),
	SL("  Filter denies on input", st_in_deny),
	SL("  AH did not compute", st_ah_icv),
	SL("  ESP did not compute", st_esp_icv),
	SL("  AH replay violation", st_ah_replay),
	SL("  ESP replay violation", st_esp_replay),
	SL("Total outgoing packets dropped", st_out_drop),
	SL("  Filter denies on output", st_out_deny),
	SL("Tunnel cache entries added", st_sa_added),
	SL("Tunnel cache entries expired", st_sa_expired),
	SL("Tunnel cache entries deleted", st_sa_deleted),
	SL("Log records lost", st_log_lost),	/* ipsec_logd's (decision) */
};
#undef SL

static int	ipsecstat_get(int, int, struct ctl_stats *);
static void	ipsecstat_devices(const struct ctl_stats *);
static void	ipsecstat_algs(int);
static void	ipsecstat_counters(const struct ctl_stats *);
static void	ipsecstat_sas(const struct tun_active *, size_t);
static struct tun_active *ipsecstat_tunnels(size_t *);

/*
 * ipsecd's counters (clear: then zeroed, in the same request).  Returns
 * 0, or -1 when no ipsecd runs and optional is set; any other failure
 * is fatal.
 */
static int
ipsecstat_get(int clear, int optional, struct ctl_stats *cs)
{
	union ctl_msg	m;
	char		err[CTL_ERRMAX + 64];
	int		fd, rv;

	if ((fd = ctl_connect(err, sizeof(err))) == -1) {
		if (optional && (errno == ENOENT || errno == ECONNREFUSED))
			return (-1);
		cmd_fail("%s", err);
	}
	rv = ctl_call(fd, clear ? CTL_STATS_CLEAR : CTL_STATS, 0, 0, &m, err,
	    sizeof(err));
	close(fd);
	if (rv == CTL_R_ERR)
		cmd_fail("IPsec engine: %s", err);
	if (rv == -1)
		cmd_fail("%s", err);
	if (rv != CTL_R_STATS)
		cmd_fail("IPsec engine: unexpected reply %d", rv);
	*cs = m.m_stats;
	return (0);
}

static void
ipsecstat_devices(const struct ctl_stats *cs)
{
	printf("IP Security Devices:\n");
	printf("ipsec_v4 %s\n", cs != NULL && cs->cs_loaded4 ? "Available" :
	    "Defined");
	printf("ipsec_v6 %s\n", cs != NULL && cs->cs_loaded6 ? "Available" :
	    "Defined");
}

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

/* AIX's lines with one space, then every engine reason (decision). */
static void
ipsecstat_counters(const struct ctl_stats *cs)
{
	const uint8_t	*base = (const uint8_t *)&cs->cs_stats;
	uint64_t	 v;
	size_t		 i;

	printf("IP Security Statistics -\n");
	for (i = 0; i < sizeof(stat_lines) / sizeof(stat_lines[0]); i++) {
		memcpy(&v, base + stat_lines[i].sl_off, sizeof(v));
		printf("%s: %llu\n", stat_lines[i].sl_label,
		    (unsigned long long)v);
	}
	/* ipsecd's own (decision): not in any engine counter above. */
	printf("Host packets lost: %llu\n",
	    (unsigned long long)cs->cs_hostlost);
	printf("Drop reasons:\n");
	for (i = 0; i < IPF_R_MAX; i++)
		printf("  %s: %llu\n", ipf_reason_names[i],
		    (unsigned long long)cs->cs_stats.st_reason[i]);
}

/*
 * Each installed tunnel's SAs (decision): in the order the engine applies
 * them, outbound first; packets and bytes since the last -c, and the last
 * sequence number sent or the highest received.  Nothing if none.
 */
static void
ipsecstat_sas(const struct tun_active *l, size_t n)
{
	const struct ipf_sastat	*ss;
	size_t			 i, j;

	if (n == 0)
		return;
	printf("Security Associations:\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < l[i].ta_nsa && j < IPF_SAMAX; j++) {
			ss = &l[i].ta_sa[j];
			printf("  Tunnel %u for IPv%u %s %s SPI %u: %llu "
			    "packets, %llu bytes, sequence %llu\n",
			    l[i].ta_id, l[i].ta_ver, ss->ss_dir == IPF_DIR_OUT ?
			    "outbound" : "inbound", ss->ss_proto == IPPROTO_AH ?
			    "AH" : "ESP", ss->ss_spi,
			    (unsigned long long)ss->ss_packets,
			    (unsigned long long)ss->ss_bytes,
			    (unsigned long long)ss->ss_seq);
		}
}

/* The tunnels with their SAs' counters, before a -c clears them. */
static struct tun_active *
ipsecstat_tunnels(size_t *n)
{
	struct tun_active	*l;
	char			 err[CTL_ERRMAX + 64];

	if (tunctl_list(0, &l, n, err, sizeof(err)) == -1)
		cmd_fail("%s", err);
	return (l);
}

int
main(int argc, char *argv[])
{
	struct cmd_flags	 cf;
	struct ctl_stats	 cs;
	struct tun_active	*tl = NULL;
	const char		 flags[] = "cdAE";
	size_t			 ntl = 0;
	int			 i, j;

	cmd_init("ipsecstat", SYNOPSIS);
	cmd_getopt(argc, argv, flags, &cf);
	for (i = 0; flags[i] != '\0'; i++)
		for (j = i + 1; flags[j] != '\0'; j++)
			cmd_exclusive(&cf, flags[i], flags[j]);
	if (cf.cf_val['d'] != NULL)
		ipsecstat_devices(ipsecstat_get(0, 1, &cs) == 0 ? &cs : NULL);
	else if (cf.cf_val['A'] != NULL)
		ipsecstat_algs(1);
	else if (cf.cf_val['E'] != NULL)
		ipsecstat_algs(0);
	else if (cf.cf_val['c'] != NULL) {
		ipsecstat_get(0, 0, &cs);	/* not running: that error */
		tl = ipsecstat_tunnels(&ntl);
		ipsecstat_get(1, 0, &cs);
		ipsecstat_counters(&cs);
		ipsecstat_sas(tl, ntl);
	} else {
		/* Ask first: without the engine, print nothing. */
		ipsecstat_get(0, 0, &cs);
		tl = ipsecstat_tunnels(&ntl);
		ipsecstat_devices(&cs);
		printf("\n");
		ipsecstat_algs(1);
		printf("\n");
		ipsecstat_algs(0);
		printf("\n");
		ipsecstat_counters(&cs);
		ipsecstat_sas(tl, ntl);
	}
	free(tl);
	if (fflush(stdout) == EOF || ferror(stdout))
		cmd_fail("standard output: write error");
	return (0);
}
