/*
 * xform_vec.h: reading tests/sys/vectors/{esp,ah}.vec (made by
 * vectors/gen_vectors.py with scapy) into SAs and packets, for esp_test
 * and ah_test.  Header-only: the Makefile builds one .c per test program.
 */
#ifndef XFORM_VEC_H
#define XFORM_VEC_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "crypto.h"
#include "ipsec_wire.h"
#include "replay.h"
#include "sa.h"
#include "xform.h"

#define VEC_MAXPKT	2048
#define VEC_MAX		128

struct vec {
	char		name[96];
	int		proto;		/* IPW_PROTO_ESP or _AH */
	int		mode;		/* enum sa_mode */
	int		af;
	int		esn, natt;
	enum crypto_algid enc, auth;
	uint8_t		ekey[CRYPTO_KEYMAX], akey[CRYPTO_KEYMAX];
	size_t		ekeylen, akeylen;
	uint32_t	spi;
	uint64_t	seq;
	uint8_t		iv[CRYPTO_IVMAX];
	size_t		ivlen;
	size_t		off;
	uint8_t		plain[VEC_MAXPKT], prot[VEC_MAXPKT];
	size_t		plainlen, protlen;
};

static size_t
vec_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		n, i;
	unsigned int	v;

	if (strcmp(s, "-") == 0)
		return (0);
	n = strlen(s) / 2;
	ATF_REQUIRE_MSG(strlen(s) % 2 == 0 && n <= max, "bad hex %.20s", s);
	for (i = 0; i < n; i++) {
		ATF_REQUIRE(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
	return (n);
}

static enum crypto_algid
vec_alg(const char *name)
{
	const struct crypto_alg	*ca = crypto_alg_byname(name);

	ATF_REQUIRE_MSG(ca != NULL, "unknown algorithm %s", name);
	return ((enum crypto_algid)(ca - crypto_algs));
}

/* Read every vector of srcdir/vectors/file into v[]; returns how many. */
static size_t
vec_load(const atf_tc_t *tc, const char *file, struct vec *v, size_t max)
{
	char		 path[1024], *line = NULL, *f[15], *p;
	size_t		 cap = 0, n = 0, i;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/vectors/%s",
	    atf_tc_get_config_var(tc, "srcdir"), file);
	ATF_REQUIRE_MSG((fp = fopen(path, "r")) != NULL, "%s", path);
	while (getline(&line, &cap, fp) != -1) {
		ATF_REQUIRE(n < max);
		p = line;
		for (i = 0; i < 15; i++)
			ATF_REQUIRE((f[i] = strsep(&p, " \n")) != NULL);
		memset(&v[n], 0, sizeof(v[n]));
		snprintf(v[n].name, sizeof(v[n].name), "%s", f[0]);
		v[n].proto = strcmp(f[1], "esp") == 0 ? IPW_PROTO_ESP :
		    IPW_PROTO_AH;
		v[n].mode = strcmp(f[2], "tunnel") == 0 ? SA_TUNNEL :
		    SA_TRANSPORT;
		v[n].af = atoi(f[3]);
		v[n].esn = strchr(f[4], 'e') != NULL;
		v[n].natt = strchr(f[4], 'u') != NULL;
		v[n].enc = vec_alg(f[5]);
		v[n].ekeylen = vec_unhex(f[6], v[n].ekey, CRYPTO_KEYMAX);
		v[n].auth = vec_alg(f[7]);
		v[n].akeylen = vec_unhex(f[8], v[n].akey, CRYPTO_KEYMAX);
		v[n].spi = (uint32_t)strtoul(f[9], NULL, 10);
		v[n].seq = strtoull(f[10], NULL, 10);
		v[n].ivlen = vec_unhex(f[11], v[n].iv, CRYPTO_IVMAX);
		v[n].off = strtoul(f[12], NULL, 10);
		v[n].plainlen = vec_unhex(f[13], v[n].plain, VEC_MAXPKT);
		v[n].protlen = vec_unhex(f[14], v[n].prot, VEC_MAXPKT);
		n++;
	}
	free(line);
	fclose(fp);
	ATF_REQUIRE(n > 0);
	return (n);
}

/* The SA a vector was made with; inbound SAs check replays. */
static struct sa *
vec_sa(struct crypto *cr, const struct vec *v, int inbound)
{
	struct sa_params	 sp;
	struct sa		*sa;

	memset(&sp, 0, sizeof(sp));
	sp.sp_spi = v->spi;
	sp.sp_proto = (uint8_t)v->proto;
	sp.sp_mode = (uint8_t)v->mode;
	sp.sp_af = (uint8_t)v->af;
	sp.sp_flags = (v->esn ? SA_F_ESN : 0) | (v->natt ? SA_F_UDPENCAP : 0) |
	    (inbound ? SA_F_REPLAY : 0);
	if (v->af == 4) {
		inet_pton(AF_INET, "192.0.2.1", &sp.sp_src.v4);
		inet_pton(AF_INET, "192.0.2.2", &sp.sp_dst.v4);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", &sp.sp_src.v6);
		inet_pton(AF_INET6, "2001:db8::2", &sp.sp_dst.v6);
	}
	sp.sp_enc = v->enc;
	sp.sp_ekey = v->ekey;
	sp.sp_ekeylen = v->ekeylen;
	sp.sp_auth = v->auth;
	sp.sp_akey = v->akey;
	sp.sp_akeylen = v->akeylen;
	ATF_REQUIRE_EQ_MSG(sa_new(cr, &sp, &sa), CRYPTO_E_OK, "%s", v->name);
	/* Where the sender was: the next number it uses is v->seq. */
	sa->sa_replay.rp_sent = v->seq - 1;
	if (inbound && v->seq > 1)
		replay_update(&sa->sa_replay, v->seq - 1);
	return (sa);
}

/* The protocol the vector's plain packet carries after its headers. */
static uint8_t
vec_nxt(const struct vec *v, size_t *hdrlen)
{
	size_t	nxtoff;

	if (v->mode == SA_TUNNEL) {
		*hdrlen = 0;
		return (v->plain[0] >> 4 == 4 ? IPW_PROTO_IPIP :
		    IPW_PROTO_IPV6);
	}
	ATF_REQUIRE(xform_split(v->plain, v->plainlen, hdrlen, &nxtoff) == 0);
	return (v->plain[nxtoff]);
}

#endif /* XFORM_VEC_H */
