// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: version reporting and request validation helpers.
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "validate.h"
#include "version.h"

static void nflb_version_string_matches_code(struct kunit *test)
{
	u32 code = nflb_version_code();
	char buf[16];

	snprintf(buf, sizeof(buf), "%u.%u.%u", code >> 16, (code >> 8) & 0xff,
		 code & 0xff);
	KUNIT_EXPECT_STREQ(test, buf, NFLB_VERSION);
	KUNIT_EXPECT_EQ(test, code >> 24, 0U);
}

static const u32 nflb_small_primes[] = {
	2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61,
	67, 71, 73, 79, 83, 89, 97,
};

/* Agree with a sieve over the first few thousand integers. */
static void nflb_is_prime_agrees_with_sieve(struct kunit *test)
{
	const u32 n = 5000;
	unsigned long *composite;
	u32 i, j, primes = 0;

	composite = kunit_kzalloc(test, BITS_TO_LONGS(n) * sizeof(long),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, composite);
	for (i = 2; i < n; i++) {
		if (test_bit(i, composite))
			continue;
		for (j = i * 2; j < n; j += i)
			__set_bit(j, composite);
	}
	for (i = 0; i < n; i++) {
		bool expect = i >= 2 && !test_bit(i, composite);

		KUNIT_EXPECT_EQ_MSG(test, nflb_is_prime(i), expect, "n=%u", i);
		primes += expect;
	}
	/* pi(5000) = 669 */
	KUNIT_EXPECT_EQ(test, primes, 669U);
	for (i = 0; i < ARRAY_SIZE(nflb_small_primes); i++)
		KUNIT_EXPECT_TRUE(test, nflb_is_prime(nflb_small_primes[i]));
}

static void nflb_is_prime_large(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, nflb_is_prime(65537));
	KUNIT_EXPECT_TRUE(test, nflb_is_prime(131071));
	KUNIT_EXPECT_TRUE(test, nflb_is_prime(4294967291U));	/* 2^32 - 5 */
	KUNIT_EXPECT_FALSE(test, nflb_is_prime(65535));
	KUNIT_EXPECT_FALSE(test, nflb_is_prime(4294967295U));
	KUNIT_EXPECT_FALSE(test, nflb_is_prime(65521U * 65519U));
}

struct nflb_size_case {
	u32 size;
	int err;
};

static const struct nflb_size_case nflb_size_cases[] = {
	{ 0, -ERANGE },
	{ 2, -ERANGE },
	{ 241, -ERANGE },	/* prime, below the minimum */
	{ 251, 0 },
	{ 253, -EINVAL },	/* 11 * 23 */
	{ 257, 0 },
	{ 65536, -EINVAL },
	{ 65537, 0 },
	{ 131071, 0 },
	{ 131073, -ERANGE },
	{ 4294967291U, -ERANGE },
};

static void nflb_size_case_desc(const struct nflb_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %u", c->size);
}

KUNIT_ARRAY_PARAM(nflb_size, nflb_size_cases, nflb_size_case_desc);

static void nflb_table_size_check_cases(struct kunit *test)
{
	const struct nflb_size_case *c = test->param_value;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, nflb_table_size_check(c->size, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_NULL(test, why);
}

static void nflb_table_default_valid(struct kunit *test)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, nflb_table_size_check(NFLB_TABLE_DEFAULT, &why), 0);
	KUNIT_EXPECT_EQ(test, nflb_table_size_check(NFLB_TABLE_MIN, &why), 0);
	KUNIT_EXPECT_EQ(test, nflb_table_size_check(NFLB_TABLE_MAX, &why), 0);
}

static struct kunit_case nflb_validate_cases[] = {
	KUNIT_CASE(nflb_version_string_matches_code),
	KUNIT_CASE(nflb_is_prime_agrees_with_sieve),
	KUNIT_CASE(nflb_is_prime_large),
	KUNIT_CASE_PARAM(nflb_table_size_check_cases, nflb_size_gen_params),
	KUNIT_CASE(nflb_table_default_valid),
	{}
};

static struct kunit_suite nflb_validate_suite = {
	.name = "nflb_validate",
	.test_cases = nflb_validate_cases,
};

kunit_test_suite(nflb_validate_suite);
