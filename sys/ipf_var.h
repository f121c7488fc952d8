/*
 * ipf_var.h: the engine context behind the opaque struct ipf.  Everything
 * that changes while packets flow hangs off it; sys/ keeps no globals.
 * One context is driven by one thread at a time.
 */
#ifndef IPF_VAR_H
#define IPF_VAR_H

#include "ipf.h"

struct crypto;
struct filt_table;
struct sad;
struct shun;

/* One IP version's state. */
struct ipf_vtab {
	struct filt_table	*vt_static;	/* NULL: version not loaded */
	struct filt_table	*vt_dynamic;	/* NULL: empty */
	struct shun		*vt_shun;	/* NULL: nobody shunned */
};

struct ipf {
	struct ipf_vtab		 ipf_vt[2];	/* IPv4, IPv6 */
	ipf_sink_fn		 ipf_sink;	/* the host's log callback */
	void			*ipf_sinkarg;
	int			 ipf_logging;	/* mkfilt -g start */
	struct ipf_stats	 ipf_stats;
	/* Made with the first tunnel: filter-only hosts never pay. */
	struct crypto		*ipf_crypto;	/* OpenSSL library context */
	struct sad		*ipf_sad;	/* the SAs */
	uint8_t			*ipf_buf;	/* between two transforms */
	uint8_t			*ipf_in;	/* a segment, a checksummed copy */
};

/* Hand an event to the host's sink, if logging is on. */
void	ipf_emit(struct ipf *, const struct ipf_event *);

#endif /* IPF_VAR_H */
