/*
 * replay.c: the anti-replay window (RFC 4303 3.4.3, appendix A2) and the
 * outbound sequence counter (RFC 4303 3.3.3).
 *
 * The window is a ring of 64-bit words, one more than the window needs:
 * moving the right edge clears whole words instead of shifting the
 * bitmap (RFC 6479 3).  Whether a number is inside the window is decided
 * by rp_top - seq < REPLAY_WINDOW alone, so the spare bits never widen it.
 */
#include <string.h>

#include "replay.h"

static int	infer_esn(const struct replay *, uint32_t, uint64_t *);

void
replay_init(struct replay *rp, int esn, int check)
{
	memset(rp, 0, sizeof(*rp));
	rp->rp_esn = esn != 0;
	rp->rp_check = check != 0;
}

/*
 * RFC 4303 A2.2: the high half is the window's, or one more when the
 * low half is below the window's bottom and the window does not span two
 * 2^32 subspaces, or one less when it does and the number lies in the
 * older subspace.  Returns -1 when that would pass 2^64-1.
 */
static int
infer_esn(const struct replay *rp, uint32_t seql, uint64_t *seq)
{
	uint32_t	tl = (uint32_t)rp->rp_top;
	uint32_t	th = (uint32_t)(rp->rp_top >> 32);
	uint32_t	bottom = tl - (REPLAY_WINDOW - 1);	/* mod 2^32 */

	if (tl >= REPLAY_WINDOW - 1) {
		if (seql < bottom) {
			if (th == UINT32_MAX)
				return (-1);
			th++;
		}
	} else if (seql >= bottom && th > 0)
		th--;			/* in epoch 0 it is simply ahead */
	*seq = (uint64_t)th << 32 | seql;
	return (0);
}

enum replay_res
replay_check(const struct replay *rp, uint32_t seql, uint64_t *seq)
{
	uint64_t	s = seql;

	if (rp->rp_esn && infer_esn(rp, seql, &s) == -1)
		return (REPLAY_OLD);
	*seq = s;
	if (!rp->rp_check)
		return (REPLAY_OK);
	if (s == 0)			/* RFC 4303 3.3.3: senders start at 1 */
		return (REPLAY_OLD);
	if (s > rp->rp_top)
		return (REPLAY_OK);
	if (rp->rp_top - s >= REPLAY_WINDOW)
		return (REPLAY_OLD);
	if (rp->rp_bitmap[(s / 64) % REPLAY_WORDS] & (1ULL << (s % 64)))
		return (REPLAY_DUP);
	return (REPLAY_OK);
}

void
replay_update(struct replay *rp, uint64_t seq)
{
	uint64_t	w, top = rp->rp_top / 64, new = seq / 64;

	if (seq <= rp->rp_top && rp->rp_top - seq >= REPLAY_WINDOW)
		return;			/* left of the window */
	if (seq > rp->rp_top) {
		/* Clear the words the right edge moves over, at most all. */
		if (new - top >= REPLAY_WORDS)
			memset(rp->rp_bitmap, 0, sizeof(rp->rp_bitmap));
		else
			for (w = top + 1; w <= new; w++)
				rp->rp_bitmap[w % REPLAY_WORDS] = 0;
		rp->rp_top = seq;
	}
	rp->rp_bitmap[new % REPLAY_WORDS] |= 1ULL << (seq % 64);
}

int
replay_next(struct replay *rp, uint64_t *seq)
{
	uint64_t	last = rp->rp_esn ? UINT64_MAX : UINT32_MAX;

	/* RFC 4303 3.3.3: the counter must not cycle; the SA is spent. */
	if (rp->rp_sent == last)
		return (-1);
	*seq = ++rp->rp_sent;
	return (0);
}
