/*
 * fuzz_ipf.h: the engine pair the ipf_input and ipf_output fuzz targets
 * drive (FUZZING.md).  "host" is the engine under test: a fixed table of
 * rules of every kind (IF blocks, ports, ICMP, fragments, patterns, shun,
 * interfaces, expiry, source routes, tunnel rules, a dynamic table) and a
 * fixed set of manual tunnels, every policy and mode, both families.
 * "peer" holds the mirror of each tunnel, so that what one side
 * encapsulates the other can decapsulate.
 */
#ifndef FUZZ_IPF_H
#define FUZZ_IPF_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

#define FUZZ_BUFSZ	140000		/* room for any replacement, cut or not */

/*
 * The first bytes of every input say where the packet is; the rest is
 * the packet.  Control byte bits:
 */
#define FZ_LOCAL	0x01		/* m_local */
#define FZ_IF1		0x02		/* arrives on eth1, not eth0 */
#define FZ_NOIF		0x04		/* m_ifname "" */
#define FZ_TWICE	0x08		/* the same packet twice (replay, shun) */
#define FZ_NORES	0x10		/* res NULL: no room to replace */
#define FZ_SMALL	0x20		/* res_cap of 64 bytes */
#define FZ_WRAP		0x40		/* input: the peer encapsulates first */
#define FZ_IFADDR	0x80		/* m_ifaddr set */
#define FZ_HDRLEN	2		/* control byte, then seconds after load */
/*
 * The seconds byte's top bit: an offloading host, m_mtu 1280 and
 * IPF_MF_CSUM (TCP cut in segments, checksums filled in); the seconds
 * are the other seven bits.
 */
#define FZ_OFFLOAD	0x80
#define FZ_MTU		1280

struct fuzz_env;

struct fuzz_side {
	struct ipf		*fs_ipf;
	struct fuzz_env		*fs_env;	/* to note what needs a reset */
	struct ipf_meta		 fs_meta;
	struct ipf_result	 fs_res;
};

struct fuzz_env {
	struct fuzz_side	 fe_host;
	struct fuzz_side	 fe_peer;
	uint64_t		 fe_events;	/* log records the sink took */
	int			 fe_dirty[2];	/* v4, v6: shun list not empty */
	uint64_t		 fe_saused;	/* sa_used() after the reset */
	int			 fe_trace;	/* $FUZZ_TRACE: print outcomes */
};

/*
 * Build both engines, once per process; aborts if the fixed
 * configuration is refused.  fuzz_env_reset() before each input.
 */
void	fuzz_env_init(struct fuzz_env *);
void	fuzz_env_reset(struct fuzz_env *);
void	fuzz_env_deliver(struct fuzz_side *, struct fuzz_side *,
	    const uint8_t *, size_t, int);
/* 1 if the host's tunnel tid of that version has an anti-replay window. */
int	fuzz_env_replay(int, uint32_t);
/* Set a side's meta and result from an input's header. */
void	fuzz_env_meta(struct fuzz_side *, const uint8_t *);
/*
 * Feed one packet to a side.  Checks what must hold of any outcome and
 * aborts if it does not (verdict, reason and result agree).
 */
enum ipf_verdict fuzz_env_run(struct fuzz_side *, int, const uint8_t *,
	    size_t);

#endif /* FUZZ_IPF_H */
