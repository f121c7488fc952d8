/*
 * sad.h: the security association database (RFC 4301 4.4.2).  Inbound SAs
 * are found by (destination, SPI, protocol), outbound bundles by tunnel id
 * per IP version.  A tunnel's SAs are made, keyed and indexed together
 * and leave together: removed, or expired at the end of their lifetime.
 */
#ifndef SAD_H
#define SAD_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

struct crypto;
struct sa;

#define SAD_BUNDLE	2		/* SAs per direction: ESP, AH, both */

/* One inbound SA in the (dst, SPI, proto) hash. */
struct sad_in {
	struct sad_in		*si_next;
	struct sa		*si_sa;
	struct sad_tun		*si_tun;
};

/*
 * One installed tunnel.  tu_out[0] is applied first and tu_out[1] around
 * it; inbound, tu_in[tu_nin - 1] is the outermost header and comes off
 * first.  Only the innermost SA uses the tunnel's mode: an outer one
 * protects the packet the inner one made, in transport mode (RFC 4301
 * 4.5, transport adjacency).
 */
struct sad_tun {
	struct sad_tun		*tu_next;	/* tid hash chain */
	uint32_t		 tu_id;
	uint8_t			 tu_ver;
	uint8_t			 tu_nout;
	uint8_t			 tu_nin;
	uint64_t		 tu_expire;	/* m_now seconds; 0 never */
	struct sa		*tu_out[SAD_BUNDLE];
	struct sa		*tu_in[SAD_BUNDLE];
	struct sad_in		 tu_inl[SAD_BUNDLE];
};

struct sad;

/* Told when a tunnel's lifetime ended, just before it is freed. */
typedef void	(*sad_expired_fn)(void *, const struct sad_tun *, uint64_t);

/*
 * The database counts installed, expired, deleted SAs into st and tells
 * fn (with arg) of each expired tunnel.
 */
struct sad	*sad_create(struct ipf_stats *, sad_expired_fn, void *);
void		 sad_free(struct sad *);

/* Make and key every SA of t, then index them; all or nothing. */
enum ipf_terr	 sad_add(struct sad *, struct crypto *,
		    const struct ipf_tunnel *, uint64_t);
/* -1 if the tunnel is not installed. */
int		 sad_remove(struct sad *, int, uint32_t);

/*
 * A tunnel by version and tid, or NULL.  A tunnel whose lifetime ended
 * by now is removed first (counted as expired) and not found.
 */
struct sad_tun	*sad_tunnel(struct sad *, int, uint32_t, uint64_t);
const struct sad_tun *sad_tunnel_const(const struct sad *, int, uint32_t);
/* Zero every SA's packet and byte counters (not its sequence numbers). */
void		 sad_clear(struct sad *);
/* Remove every tunnel whose lifetime ended by now, as sad_tunnel() does. */
void		 sad_expire(struct sad *, uint64_t);

/* The inbound SA for (dst of version ver, spi, proto) at now, or NULL. */
const struct sad_in *sad_lookup(struct sad *, int, const union ipf_addr *,
		    uint32_t, uint8_t, uint64_t);

/* Bytes the database itself holds (tables, tunnels, SAs; not EVP). */
size_t		 sad_bytes(const struct sad *);

#endif /* SAD_H */
