/*
 * ipsec.h: the IPsec stage of the packet path (architecture.md 3): find
 * the SA, dispatch to esp.c or ah.c, map their result to a drop reason.
 */
#ifndef IPSEC_H
#define IPSEC_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

struct pkt_info;

/* Room for one packet between two transforms of a bundle. */
#define IPSEC_BUFLEN	(65535 + 40 + 64)

/*
 * Is p a carrier the engine must unwrap: ESP, AH, or ESP-in-UDP to port
 * 4500 (RFC 3948 2.2: a non-zero SPI where IKE has its zero marker),
 * addressed to this host and not yet out of a tunnel?
 */
int		 ipsec_carrier(const struct pkt_info *,
		    const struct ipf_meta *);

/*
 * Protect the parsed packet p with the outbound bundle of tunnel tid into
 * res->res_buf, cut into res_npkts packets if it is a TCP segment too big
 * for m's MTU (ipf.h).  IPF_R_ENCAP, or why it was dropped.
 */
enum ipf_reason	 ipsec_output(struct ipf *, const struct pkt_info *,
		    uint32_t, const struct ipf_meta *, struct ipf_result *);

/*
 * Unwrap the carrier p, and a nested SA of the same tunnel under it,
 * into res->res_buf.  rtid is the tunnel the outer packet's rule names
 * (0: none); the SAs must all be one tunnel's, exactly its inbound
 * bundle.  IPF_R_DECAP with the tunnel in *tid, or why it was dropped.
 */
enum ipf_reason	 ipsec_input(struct ipf *, const struct pkt_info *, uint32_t,
		    uint64_t, struct ipf_result *, uint32_t *);

#endif /* IPSEC_H */
