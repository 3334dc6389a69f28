// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the lock-free token bucket (ratelimit.h) of the per-service rate
 * limit and the DSR flow table's guard, on a clock the test sets.
 */

#include <kunit/test.h>
#include <linux/time64.h>

#include "ratelimit.h"

#define T0	(1000 * NSEC_PER_SEC)

/* A full bucket gives BURST flows at once, then none. */
static void nflb_bucket_burst(struct kunit *test)
{
	struct nflb_bucket b;
	int i;

	nflb_bucket_refill(&b);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, nflb_bucket_take(&b, 1, 5, T0));
	KUNIT_EXPECT_FALSE(test, nflb_bucket_take(&b, 1, 5, T0));
	KUNIT_EXPECT_FALSE(test, nflb_bucket_take(&b, 1, 5,
						  T0 + NSEC_PER_SEC - 1));
}

/* One token per interval (10^9 / RATE ns) after that, exactly. */
static void nflb_bucket_rate(struct kunit *test)
{
	u64 t = NSEC_PER_SEC / 100, now = T0;
	struct nflb_bucket b;
	int i, n = 0;

	nflb_bucket_refill(&b);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, nflb_bucket_take(&b, 100, 10, now));
	KUNIT_EXPECT_FALSE(test, nflb_bucket_take(&b, 100, 10, now));
	/* One second later: 100 more, tried every millisecond. */
	for (i = 1; i <= 1000; i++)
		n += nflb_bucket_take(&b, 100, 10, now + i * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, n, 100);
	now += NSEC_PER_SEC;
	KUNIT_EXPECT_FALSE(test, nflb_bucket_take(&b, 100, 10, now));
	KUNIT_EXPECT_TRUE(test, nflb_bucket_take(&b, 100, 10, now + t));
}

/* Idle time refills up to BURST, no more. */
static void nflb_bucket_idle(struct kunit *test)
{
	struct nflb_bucket b;
	int i, n = 0;

	nflb_bucket_refill(&b);
	KUNIT_EXPECT_TRUE(test, nflb_bucket_take(&b, 10, 3, T0));
	for (i = 0; i < 10; i++)
		n += nflb_bucket_take(&b, 10, 3, T0 + 60 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, n, 3);
}

/* Rate 0: no limit. */
static void nflb_bucket_unlimited(struct kunit *test)
{
	struct nflb_bucket b;
	int i, n = 0;

	nflb_bucket_refill(&b);
	for (i = 0; i < 1000; i++)
		n += nflb_bucket_take(&b, 0, 0, T0);
	KUNIT_EXPECT_EQ(test, n, 1000);
}

static struct kunit_case nflb_ratelimit_cases[] = {
	KUNIT_CASE(nflb_bucket_burst),
	KUNIT_CASE(nflb_bucket_rate),
	KUNIT_CASE(nflb_bucket_idle),
	KUNIT_CASE(nflb_bucket_unlimited),
	{}
};

static struct kunit_suite nflb_ratelimit_suite = {
	.name = "nflb_ratelimit",
	.test_cases = nflb_ratelimit_cases,
};

kunit_test_suite(nflb_ratelimit_suite);
