/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_RATELIMIT_H
#define _NFLB_RATELIMIT_H

#include <linux/atomic.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include <linux/types.h>

/*
 * A token bucket without a lock, as the generic cell rate algorithm keeps
 * it: its whole state is one time, TAT, in nanoseconds: when the bucket
 * would be full again.  Each flow taken moves TAT one interval (10^9 /
 * RATE ns) later; a flow is refused when that would put TAT more than
 * BURST intervals ahead of now.  TAT moves by compare-and-exchange, so
 * concurrent CPUs never take the same token: exact to the flow, but for
 * the interval's rounding down to the nanosecond.  No per-CPU split: one
 * cache line written per new flow of the bucket, never per packet of an
 * established flow.
 */
struct nflb_bucket {
	atomic64_t tat;
};

static inline void nflb_bucket_refill(struct nflb_bucket *b)
{
	atomic64_set(&b->tat, 0);
}

/* Take a token at NOW (ktime_get_ns()): false when the bucket is empty. */
static inline bool nflb_bucket_take(struct nflb_bucket *b, u32 rate,
				    u32 burst, u64 now)
{
	u64 t, limit;
	s64 tat, next;

	if (!rate)
		return true;
	t = div_u64(NSEC_PER_SEC, rate);
	limit = t * max(burst, 1U);
	tat = atomic64_read(&b->tat);
	do {
		next = max_t(u64, tat, now) + t;
		if ((u64)next - now > limit)
			return false;
	} while (!atomic64_try_cmpxchg(&b->tat, &tat, next));
	return true;
}

#endif /* _NFLB_RATELIMIT_H */
