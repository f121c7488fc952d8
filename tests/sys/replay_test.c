/*
 * replay_test.c: sys/replay.c driven by tables of packets, in the manner
 * of WireGuard's counter selftest.  Each step either only checks a number
 * ('c', must not change the window), or accepts it ('a': check and, if
 * new, update, as after a good ICV).
 */
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "lsan.h"

#include "replay.h"

struct step {
	char		 op;		/* 'c' check only, 'a' accept */
	uint32_t	 seql;		/* low 32 bits, as on the wire */
	enum replay_res	 want;
	uint64_t	 wantseq;	/* inferred number; 0: don't care */
};

#define W	REPLAY_WINDOW
#define E32	0x100000000ULL

static void
run(const char *name, int esn, int check, const struct step *st, size_t n)
{
	struct replay	rp;
	uint64_t	seq;
	size_t		i;

	replay_init(&rp, esn, check);
	for (i = 0; i < n; i++) {
		struct replay	before = rp;
		enum replay_res	r;

		seq = 0;
		r = replay_check(&rp, st[i].seql, &seq);
		ATF_CHECK_MSG(memcmp(&before, &rp, sizeof(rp)) == 0,
		    "%s step %zu: check changed the window", name, i);
		ATF_CHECK_MSG(r == st[i].want, "%s step %zu (%c %#x): got %d, "
		    "want %d", name, i, st[i].op, st[i].seql, r, st[i].want);
		if (st[i].wantseq != 0)
			ATF_CHECK_MSG(seq == st[i].wantseq, "%s step %zu: seq "
			    "%#llx, want %#llx", name, i,
			    (unsigned long long)seq,
			    (unsigned long long)st[i].wantseq);
		if (st[i].op == 'a' && r == REPLAY_OK)
			replay_update(&rp, seq);
	}
}

#define RUN(esn, check, t)	run(#t, esn, check, t, sizeof(t) / sizeof(t[0]))

ATF_TC_WITHOUT_HEAD(window);
ATF_TC_BODY(window, tc)
{
	static const struct step basic[] = {
		{ 'a', 0, REPLAY_OLD, 0 },	/* 0 is never sent */
		{ 'a', 1, REPLAY_OK, 1 },
		{ 'a', 1, REPLAY_DUP, 0 },
		{ 'a', 2, REPLAY_OK, 2 },
		{ 'a', W, REPLAY_OK, W },
		{ 'a', 1, REPLAY_DUP, 0 },	/* W - 1 behind: inside */
		{ 'a', 3, REPLAY_OK, 3 },	/* inside, not seen */
		{ 'a', W + 1, REPLAY_OK, 0 },
		{ 'a', 1, REPLAY_OLD, 0 },	/* W behind: outside */
		{ 'a', 2, REPLAY_DUP, 0 },
		{ 'a', 4, REPLAY_OK, 0 },
		{ 'a', 4, REPLAY_DUP, 0 },
	};
	static const struct step edges[] = {
		{ 'a', 100, REPLAY_OK, 0 },
		{ 'a', 100 - (W - 1), REPLAY_OK, 0 },	/* left edge */
		{ 'a', 100 - W, REPLAY_OLD, 0 },	/* one past it */
		{ 'a', 100 - (W - 1), REPLAY_DUP, 0 },
		{ 'a', 99, REPLAY_OK, 0 },
		{ 'a', 101, REPLAY_OK, 0 },		/* edge moves by one */
		{ 'a', 100 - (W - 1), REPLAY_OLD, 0 },
		{ 'a', 100 - (W - 2), REPLAY_OK, 0 },
	};
	static const struct step jumps[] = {
		{ 'a', 5, REPLAY_OK, 0 },
		{ 'a', 1000000, REPLAY_OK, 0 },
		{ 'a', 5, REPLAY_OLD, 0 },
		{ 'a', 1000000 - W, REPLAY_OLD, 0 },
		{ 'a', 1000000 - W + 1, REPLAY_OK, 0 },
		{ 'a', 1000000, REPLAY_DUP, 0 },
		{ 'a', 999999, REPLAY_OK, 0 },
		/* Words of the ring reused after a jump start empty. */
		{ 'a', 1000000 + 2 * W, REPLAY_OK, 0 },
		{ 'a', 1000000 + W + 1, REPLAY_OK, 0 },
		{ 'a', 1000000 + W, REPLAY_OLD, 0 },
		{ 'a', 1000000 + 2 * W - 1, REPLAY_OK, 0 },
		{ 'a', 0xffffffff, REPLAY_OK, 0 },
		{ 'a', 0xffffffff, REPLAY_DUP, 0 },
		{ 'a', 1, REPLAY_OLD, 0 },		/* no ESN: no wrap */
	};
	static const struct step readonly[] = {
		{ 'c', 10, REPLAY_OK, 10 },
		{ 'c', 10, REPLAY_OK, 10 },	/* not recorded by a check */
		{ 'c', 11, REPLAY_OK, 11 },
		{ 'a', 10, REPLAY_OK, 10 },
		{ 'c', 10, REPLAY_DUP, 0 },
		{ 'c', 11, REPLAY_OK, 11 },	/* still not recorded */
	};

	RUN(0, 1, basic);
	RUN(0, 1, edges);
	RUN(0, 1, jumps);
	RUN(0, 1, readonly);
}

ATF_TC_WITHOUT_HEAD(esn);
ATF_TC_BODY(esn, tc)
{
	static const struct step wrap[] = {
		/* Far ahead in epoch 0 is ahead, not from epoch -1. */
		{ 'a', 0xfffffff0, REPLAY_OK, 0xfffffff0 },
		{ 'a', 0xffffffff, REPLAY_OK, 0xffffffff },
		/* Wraps into epoch 1: the high bits are inferred. */
		{ 'a', 1, REPLAY_OK, E32 + 1 },
		/* The window now spans two epochs (A2.2 second case). */
		{ 'a', 0xfffffffe, REPLAY_OK, 0xfffffffe },
		{ 'a', 0xffffffff, REPLAY_DUP, 0 },
		{ 'a', 1, REPLAY_DUP, 0 },
		{ 'c', (uint32_t)(E32 + 1 - (W - 1)), REPLAY_OK,
		    E32 + 1 - (W - 1) },
		/* Below the window's bottom: taken as the next epoch. */
		{ 'c', (uint32_t)(E32 + 1 - W), REPLAY_OK,
		    E32 + (uint32_t)(E32 + 1 - W) },
		{ 'a', 2, REPLAY_OK, E32 + 2 },
		{ 'a', 0, REPLAY_OK, E32 },	/* 0 is valid past epoch 0 */
		{ 'a', 0, REPLAY_DUP, 0 },
		/* Window inside one epoch again (A2.2 first case). */
		{ 'a', 1000, REPLAY_OK, E32 + 1000 },
		{ 'c', 1000 - W, REPLAY_OK, 2 * E32 + 1000 - W },
		{ 'c', 1000 - W + 1, REPLAY_OK, E32 + 1000 - W + 1 },
		{ 'c', 999, REPLAY_OK, E32 + 999 },
		{ 'c', 0xffffffff, REPLAY_OK, 0xffffffff + E32 },
	};

	RUN(1, 1, wrap);
}

/* -y N: nothing is refused, but ESN still infers the high bits. */
ATF_TC_WITHOUT_HEAD(check_off);
ATF_TC_BODY(check_off, tc)
{
	static const struct step off[] = {
		{ 'a', 5, REPLAY_OK, 5 },
		{ 'a', 5, REPLAY_OK, 5 },
		{ 'a', 1, REPLAY_OK, 1 },
		{ 'a', 0, REPLAY_OK, 0 },
	};
	static const struct step offesn[] = {
		{ 'a', 0xffffffff, REPLAY_OK, 0xffffffff },
		{ 'a', 3, REPLAY_OK, E32 + 3 },
		{ 'a', 3, REPLAY_OK, E32 + 3 },
	};

	RUN(0, 0, off);
	RUN(1, 0, offesn);
}

/* The top of the ESN space: nothing past 2^64 - 1. */
ATF_TC_WITHOUT_HEAD(esn_end);
ATF_TC_BODY(esn_end, tc)
{
	struct replay	rp;
	uint64_t	seq;

	replay_init(&rp, 1, 1);
	replay_update(&rp, UINT64_MAX - 1);
	ATF_CHECK_EQ(replay_check(&rp, 0xffffffff, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT64_MAX);
	ATF_CHECK_EQ(replay_check(&rp, 0xfffffffe, &seq), REPLAY_DUP);
	ATF_CHECK_EQ(replay_check(&rp, 5, &seq), REPLAY_OLD);
}

ATF_TC_WITHOUT_HEAD(outbound);
ATF_TC_BODY(outbound, tc)
{
	struct replay	rp;
	uint64_t	seq;

	replay_init(&rp, 0, 0);
	ATF_REQUIRE_EQ(replay_next(&rp, &seq), 0);
	ATF_CHECK_EQ(seq, 1);			/* RFC 4303 3.3.3 */
	ATF_REQUIRE_EQ(replay_next(&rp, &seq), 0);
	ATF_CHECK_EQ(seq, 2);

	rp.rp_sent = UINT32_MAX - 1;
	ATF_REQUIRE_EQ(replay_next(&rp, &seq), 0);
	ATF_CHECK_EQ(seq, UINT32_MAX);
	seq = 7;
	ATF_CHECK_EQ(replay_next(&rp, &seq), -1);	/* spent, no wrap */
	ATF_CHECK_EQ(replay_next(&rp, &seq), -1);
	ATF_CHECK_EQ(seq, 7);

	replay_init(&rp, 1, 1);
	rp.rp_sent = UINT32_MAX;
	ATF_REQUIRE_EQ(replay_next(&rp, &seq), 0);
	ATF_CHECK_EQ(seq, E32);
	rp.rp_sent = UINT64_MAX - 1;
	ATF_REQUIRE_EQ(replay_next(&rp, &seq), 0);
	ATF_CHECK_EQ(seq, UINT64_MAX);
	ATF_CHECK_EQ(replay_next(&rp, &seq), -1);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, window);
	ATF_TP_ADD_TC(tp, esn);
	ATF_TP_ADD_TC(tp, check_off);
	ATF_TP_ADD_TC(tp, esn_end);
	ATF_TP_ADD_TC(tp, outbound);
	return (0);
}
