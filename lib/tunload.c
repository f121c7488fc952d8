/*
 * tunload.c: database tunnel records into engine tunnels.
 */
#include <stdio.h>
#include <string.h>

#include "tunload.h"

_Static_assert((int)TUNALG_MAX == (int)IPF_ALG_MAX &&
    (int)TUNALG_NULL == (int)IPF_ALG_NULL &&
    (int)TUNALG_AES_GCM_16_128 == (int)IPF_ALG_AES_GCM_16_128 &&
    (int)TUNALG_HMAC_SHA == (int)IPF_ALG_HMAC_SHA &&
    (int)TUNALG_NONE == (int)IPF_ALG_NONE,
    "lib/tunalg.h and sys/ipf.h number the algorithms alike");
_Static_assert((int)TUN_POL_E == (int)IPF_TP_E &&
    (int)TUN_POL_A == (int)IPF_TP_A && (int)TUN_POL_EA == (int)IPF_TP_EA &&
    (int)TUN_POL_AE == (int)IPF_TP_AE, "policies numbered alike");

static void	tunload_dir(const struct tun *, int, struct ipf_sadir *);

/* Side TUN_SRC or TUN_DST of t as one direction's SAs. */
static void
tunload_dir(const struct tun *t, int side, struct ipf_sadir *d)
{
	memset(d, 0, sizeof(*d));
	d->sd_policy = t->t_policy[side];
	d->sd_enc = t->t_encalg[side];
	d->sd_espauth = t->t_espauth[side];
	d->sd_ahauth = t->t_ahalg[side];
	d->sd_espspi = t->t_espspi[side];
	d->sd_ahspi = t->t_ahspi[side];
	d->sd_enckey = t->t_enckey[side].tk_buf;
	d->sd_enckeylen = t->t_enckey[side].tk_len;
	d->sd_espkey = t->t_espkey[side].tk_buf;
	d->sd_espkeylen = t->t_espkey[side].tk_len;
	d->sd_ahkey = t->t_ahkey[side].tk_buf;
	d->sd_ahkeylen = t->t_ahkey[side].tk_len;
}

void
tunload_make(const struct tun *t, uint64_t seq, struct ipf_tunnel *it)
{
	memset(it, 0, sizeof(*it));
	it->tn_id = t->t_id;
	it->tn_ver = t->t_ver;
	/* aix-reference.md 4.1: -f makes the firewall the endpoint. */
	it->tn_mode = t->t_mode == TUN_MODE_TRANSPORT && !t->t_hasfw ?
	    IPF_TM_TRANSPORT : IPF_TM_TUNNEL;
	if (t->t_replay)
		it->tn_flags |= IPF_TF_REPLAY;
	if (t->t_esn)
		it->tn_flags |= IPF_TF_ESN;
	if (t->t_encap == TUN_ENCAP_UDP)
		it->tn_flags |= IPF_TF_UDP;
	it->tn_local = t->t_src;
	it->tn_peer = t->t_hasfw ? t->t_fw : t->t_dst;
	it->tn_life = t->t_life;
	it->tn_seq = seq;
	tunload_dir(t, TUN_SRC, &it->tn_out);
	tunload_dir(t, TUN_DST, &it->tn_in);
}

int
tunload_all(struct ipf *ipf, const struct ttable *tt, int active_only,
    int lifetimes, uint64_t now, uint64_t seq, char *err, size_t errlen)
{
	struct ipf_tunnel	it;
	enum ipf_terr		e;
	size_t			i, j;

	for (i = 0; i < tt->tt_n; i++) {
		if (active_only && !tt->tt_tuns[i].t_active)
			continue;
		tunload_make(&tt->tt_tuns[i], seq, &it);
		if (!lifetimes)
			it.tn_life = 0;
		if ((e = ipf_tunnel_add(ipf, &it, now)) == IPF_TE_OK)
			continue;
		(void)snprintf(err, errlen, "tunnel %u for IPv%d: %s",
		    tt->tt_tuns[i].t_id, tt->tt_ver, ipf_terr_names[e]);
		for (j = 0; j < i; j++)
			if (!active_only || tt->tt_tuns[j].t_active)
				(void)ipf_tunnel_remove(ipf, tt->tt_ver,
				    tt->tt_tuns[j].t_id);
		return (-1);
	}
	return (0);
}

void
tunload_active(const struct tun *t, struct tun_active *ta)
{
	size_t	i;

	memset(ta, 0, sizeof(*ta));
	ta->ta_id = t->t_id;
	ta->ta_ver = t->t_ver;
	ta->ta_mode = t->t_mode;
	ta->ta_encap = t->t_encap;
	ta->ta_src = t->t_src;
	ta->ta_dst = t->t_dst;
	ta->ta_remaining = -1;
	for (i = 0; i < 2; i++) {
		ta->ta_policy[i] = t->t_policy[i];
		if (t->t_policy[i] != TUN_POL_A)
			ta->ta_espspi[i] = t->t_espspi[i];
		if (t->t_policy[i] != TUN_POL_E)
			ta->ta_ahspi[i] = t->t_ahspi[i];
	}
}
