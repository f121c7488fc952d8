/*
 * sa.h: one IPsec security association as the transforms use it (RFC 4301
 * 4.4.2): SPI, protocol, mode, endpoints, keyed crypto, sequence state and
 * counters.  An SA is unidirectional; esp.c and ah.c take one for output
 * or one for input.  sad.c indexes them; nothing here searches.
 */
#ifndef SA_H
#define SA_H

#include <stdint.h>

#include "crypto.h"
#include "ipf.h"
#include "replay.h"

enum sa_mode {
	SA_TRANSPORT,
	SA_TUNNEL
};

#define SA_F_ESN	0x01		/* 64-bit sequence numbers (-q Y) */
#define SA_F_REPLAY	0x02		/* anti-replay check (-y Y) */
#define SA_F_UDPENCAP	0x04		/* ESP-in-UDP, RFC 3948 (-T udp) */

struct sa {
	uint32_t		 sa_spi;	/* host order */
	uint8_t			 sa_proto;	/* IPW_PROTO_ESP or _AH */
	uint8_t			 sa_mode;	/* enum sa_mode */
	uint8_t			 sa_af;		/* 4 or 6: outer header */
	uint8_t			 sa_flags;	/* SA_F_* */
	union ipf_addr		 sa_src;	/* tunnel mode outer source */
	union ipf_addr		 sa_dst;	/* ... and destination */
	uint16_t		 sa_sport;	/* UDP encapsulation ports */
	uint16_t		 sa_dport;
	struct crypto_sa	*sa_crypto;
	struct replay		 sa_replay;	/* window in, counter out */
	uint64_t		 sa_packets;	/* processed successfully */
	uint64_t		 sa_bytes;	/* ... their IP lengths */
};

/* What sa_new() needs; keys are copied. */
struct sa_params {
	uint32_t		 sp_spi;
	uint8_t			 sp_proto;
	uint8_t			 sp_mode;
	uint8_t			 sp_af;
	uint8_t			 sp_flags;
	union ipf_addr		 sp_src;
	union ipf_addr		 sp_dst;
	enum crypto_algid	 sp_enc;	/* AH: CRYPTO_NULL */
	const uint8_t		*sp_ekey;
	size_t			 sp_ekeylen;
	enum crypto_algid	 sp_auth;	/* AEAD: CRYPTO_NONE */
	const uint8_t		*sp_akey;
	size_t			 sp_akeylen;
};

/*
 * Make an SA keyed in cr's library context.  Returns CRYPTO_E_OK and
 * *out, or why not (CRYPTO_E_ALG also for a bad protocol, mode, family or
 * an AH SA asking for a cipher or UDP encapsulation).
 */
enum crypto_err	 sa_new(struct crypto *, const struct sa_params *,
		    struct sa **);
/* Frees the SA; its keys are wiped.  Accepts NULL. */
void		 sa_free(struct sa *);

#endif /* SA_H */
