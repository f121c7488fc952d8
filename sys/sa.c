/*
 * sa.c: make and free security associations.
 */
#include <stdlib.h>

#include "ipsec_wire.h"
#include "sa.h"

enum crypto_err
sa_new(struct crypto *cr, const struct sa_params *sp, struct sa **out)
{
	struct sa	*sa;
	enum crypto_err	 e;

	*out = NULL;
	if ((sp->sp_proto != IPW_PROTO_ESP && sp->sp_proto != IPW_PROTO_AH) ||
	    (sp->sp_mode != SA_TRANSPORT && sp->sp_mode != SA_TUNNEL) ||
	    (sp->sp_af != 4 && sp->sp_af != 6))
		return (CRYPTO_E_ALG);
	/* RFC 4302 has no cipher; RFC 3948 encapsulates ESP only. */
	if (sp->sp_proto == IPW_PROTO_AH && (sp->sp_enc != CRYPTO_NULL ||
	    (sp->sp_flags & SA_F_UDPENCAP)))
		return (CRYPTO_E_ALG);
	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return (CRYPTO_E_NOMEM);
	if ((e = crypto_sa_new(cr, sp->sp_enc, sp->sp_ekey, sp->sp_ekeylen,
	    sp->sp_auth, sp->sp_akey, sp->sp_akeylen, &sa->sa_crypto)) !=
	    CRYPTO_E_OK) {
		free(sa);
		return (e);
	}
	sa->sa_spi = sp->sp_spi;
	sa->sa_proto = sp->sp_proto;
	sa->sa_mode = sp->sp_mode;
	sa->sa_af = sp->sp_af;
	sa->sa_flags = sp->sp_flags;
	sa->sa_src = sp->sp_src;
	sa->sa_dst = sp->sp_dst;
	sa->sa_sport = IPW_NATT_PORT;
	sa->sa_dport = IPW_NATT_PORT;
	replay_init(&sa->sa_replay, sp->sp_flags & SA_F_ESN,
	    sp->sp_flags & SA_F_REPLAY);
	*out = sa;
	return (CRYPTO_E_OK);
}

void
sa_free(struct sa *sa)
{
	if (sa == NULL)
		return;
	crypto_sa_free(sa->sa_crypto);		/* wipes the keys */
	free(sa);
}
