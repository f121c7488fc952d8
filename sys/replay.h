/*
 * replay.h: ESP/AH sequence numbers.  Inbound, the anti-replay window of
 * RFC 4303 3.4.3 with 64-bit extended sequence numbers (appendix A2);
 * outbound, a counter that never wraps (RFC 4303 3.3.3).
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stdint.h>

#define REPLAY_WINDOW	64		/* aix-reference.md 4.1, -y Y */
/* One spare word so sliding never shifts bits (RFC 6479 3). */
#define REPLAY_WORDS	(REPLAY_WINDOW / 64 + 1)

struct replay {
	uint64_t	rp_top;		/* highest authenticated number */
	uint64_t	rp_bitmap[REPLAY_WORDS]; /* bit n % bits: n seen */
	uint64_t	rp_sent;	/* outbound: last number used */
	uint8_t		rp_esn;		/* 64-bit sequence numbers */
	uint8_t		rp_check;	/* reject replays (-y Y) */
};

enum replay_res {
	REPLAY_OK,			/* new: go on to verify the ICV */
	REPLAY_DUP,			/* inside the window, already seen */
	REPLAY_OLD			/* left of the window, or impossible */
};

void		replay_init(struct replay *, int, int);

/*
 * Read-only, before any crypto: infer the full sequence number from its
 * low 32 bits (ESN) into *seq, and say whether it may be new.  With the
 * check off every number passes, but *seq is still inferred.
 */
enum replay_res	replay_check(const struct replay *, uint32_t, uint64_t *);

/* After the ICV verified: record seq (from replay_check) as seen. */
void		replay_update(struct replay *, uint64_t);

/*
 * The next outbound sequence number into *seq, or -1 once 2^32-1 (2^64-1
 * with ESN) has been used: the SA is then spent and must be replaced.
 */
int		replay_next(struct replay *, uint64_t *);

#endif /* REPLAY_H */
