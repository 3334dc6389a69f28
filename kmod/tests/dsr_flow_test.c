// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the DSR flow table (dsr_flow.c): what a full bucket does, which
 * entries a new flow may take, expiry and flushes.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"

#define NFLB_T_FLOWS	1024

struct nflb_dsr_t {
	struct nflb_dsr *dsr;
	/* Flows that all hash to bucket 0, and their hashes. */
	struct nflb_dsr_key k[3 * NFLB_DSR_WAYS];
	u32 h[3 * NFLB_DSR_WAYS];
};

static int nflb_dsr_t_init(struct kunit *test)
{
	struct nflb_dsr_t *t;
	u32 port, n = 0;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->dsr = nflb_dsr_alloc(NFLB_T_FLOWS);
	KUNIT_ASSERT_NOT_NULL(test, t->dsr);
	for (port = 1; port < 65536 && n < ARRAY_SIZE(t->k); port++) {
		struct nflb_dsr_key k = {
			.family = AF_INET,
			.proto = IPPROTO_TCP,
			.sport = htons(port),
			.dport = htons(80),
		};
		u32 h;

		k.saddr.ip = htonl(0xc0000201);
		k.daddr.ip = htonl(0xcb00710a);
		h = nflb_dsr_hash(t->dsr, &k);
		if (h & (t->dsr->n_buckets - 1))
			continue;
		t->k[n] = k;
		t->h[n++] = h;
	}
	KUNIT_ASSERT_EQ(test, n, (u32)ARRAY_SIZE(t->k));
	test->priv = t;
	return 0;
}

static void nflb_dsr_t_exit(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;

	nflb_dsr_table_free(t->dsr);
}

static const union nf_inet_addr nflb_t_be1 = { .ip = htonl(0xc6336401) };
static const union nf_inet_addr nflb_t_be2 = { .ip = htonl(0xc6336402) };

/* Size: a power of 2 at least what was asked, 64 bytes an entry. */
static void nflb_dsr_size(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;

	KUNIT_EXPECT_EQ(test, t->dsr->n_buckets * NFLB_DSR_WAYS,
			(u32)NFLB_T_FLOWS);
	KUNIT_EXPECT_EQ(test, sizeof(struct nflb_dsr_flow), (size_t)64);
}

/* A bucket of established flows stays theirs: a new flow gets none. */
static void nflb_dsr_full_keeps_established(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;
	u32 exp = nflb_dsr_now() + 100;
	struct nflb_dsr_hit hit;
	int i;

	for (i = 0; i < NFLB_DSR_WAYS; i++)
		KUNIT_ASSERT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      &nflb_t_be1,
						      NFLB_FLOW_ESTABLISHED,
						      exp, false, &hit), 1);
	for (i = NFLB_DSR_WAYS; i < 2 * NFLB_DSR_WAYS; i++) {
		KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      &nflb_t_be2, NFLB_FLOW_NEW,
						      exp, false, &hit), -1);
		/* The caller still learns where to send it. */
		KUNIT_EXPECT_EQ(test, hit.backend.ip, nflb_t_be2.ip);
	}
	for (i = 0; i < NFLB_DSR_WAYS; i++) {
		KUNIT_EXPECT_TRUE(test, nflb_dsr_lookup(t->dsr, &t->k[i],
							t->h[i], &hit));
		KUNIT_EXPECT_EQ(test, hit.backend.ip, nflb_t_be1.ip);
	}
}

/* New flows take NEW entries, the one closest to expiry first. */
static void nflb_dsr_full_evicts_new(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;
	u32 now = nflb_dsr_now();
	struct nflb_dsr_hit hit;
	int i;

	for (i = 0; i < NFLB_DSR_WAYS; i++)
		KUNIT_ASSERT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      &nflb_t_be1,
						      i == 3 ? NFLB_FLOW_NEW :
						      NFLB_FLOW_ESTABLISHED,
						      now + 100, false, &hit), 1);
	KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[8], t->h[8],
					      &nflb_t_be2, NFLB_FLOW_NEW,
					      now + 100, false, &hit), 1);
	KUNIT_EXPECT_FALSE(test, nflb_dsr_lookup(t->dsr, &t->k[3], t->h[3],
						 &hit));
	KUNIT_EXPECT_TRUE(test, nflb_dsr_lookup(t->dsr, &t->k[8], t->h[8],
						&hit));
	/* The entry it took was NEW: the next new flow finds none. */
	KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[9], t->h[9],
					      &nflb_t_be2, NFLB_FLOW_ESTABLISHED,
					      now + 100, false, &hit), 1);
	KUNIT_EXPECT_FALSE(test, nflb_dsr_lookup(t->dsr, &t->k[8], t->h[8],
						 &hit));
	KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[10], t->h[10],
					      &nflb_t_be2, NFLB_FLOW_NEW,
					      now + 100, false, &hit), -1);
}

/* Expired entries are gone for lookups and free for new flows. */
static void nflb_dsr_expiry(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;
	u32 now = nflb_dsr_now();
	struct nflb_dsr_hit hit;
	int i;

	for (i = 0; i < NFLB_DSR_WAYS; i++)
		KUNIT_ASSERT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      &nflb_t_be1,
						      NFLB_FLOW_ESTABLISHED,
						      now - 1, false, &hit), 1);
	KUNIT_EXPECT_FALSE(test, nflb_dsr_lookup(t->dsr, &t->k[0], t->h[0],
						 &hit));
	KUNIT_EXPECT_EQ(test, nflb_dsr_used(t->dsr), 0U);
	for (i = NFLB_DSR_WAYS; i < 2 * NFLB_DSR_WAYS; i++)
		KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      &nflb_t_be2,
						      NFLB_FLOW_ESTABLISHED,
						      now + 100, false, &hit), 1);
	KUNIT_EXPECT_EQ(test, nflb_dsr_used(t->dsr), (u32)NFLB_DSR_WAYS);
}

/* A live entry wins over a second insert, unless replaced (new SYN). */
static void nflb_dsr_insert_twice(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;
	u32 exp = nflb_dsr_now() + 100;
	struct nflb_dsr_hit hit;

	KUNIT_ASSERT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[0], t->h[0],
					      &nflb_t_be1, NFLB_FLOW_FIN, exp,
					      false, &hit), 1);
	KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[0], t->h[0],
					      &nflb_t_be2, NFLB_FLOW_NEW, exp,
					      false, &hit), 0);
	KUNIT_EXPECT_EQ(test, hit.backend.ip, nflb_t_be1.ip);
	KUNIT_EXPECT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[0], t->h[0],
					      &nflb_t_be2, NFLB_FLOW_NEW, exp,
					      true, &hit), 1);
	KUNIT_ASSERT_TRUE(test, nflb_dsr_lookup(t->dsr, &t->k[0], t->h[0],
						&hit));
	KUNIT_EXPECT_EQ(test, hit.backend.ip, nflb_t_be2.ip);
	KUNIT_EXPECT_EQ(test, nflb_dsr_used(t->dsr), 1U);
}

/* Flushes by backend, then everything. */
static void nflb_dsr_flush_filters(struct kunit *test)
{
	struct nflb_dsr_t *t = test->priv;
	struct nflb_dsr_filter f = { .backend = &nflb_t_be1 };
	u32 exp = nflb_dsr_now() + 100;
	struct nflb_dsr_hit hit;
	int i;

	for (i = 0; i < NFLB_DSR_WAYS; i++)
		KUNIT_ASSERT_EQ(test, nflb_dsr_insert(t->dsr, &t->k[i], t->h[i],
						      i & 1 ? &nflb_t_be1 :
						      &nflb_t_be2,
						      NFLB_FLOW_ESTABLISHED,
						      exp, false, &hit), 1);
	KUNIT_EXPECT_EQ(test, nflb_dsr_flush(t->dsr, &f),
			(unsigned int)NFLB_DSR_WAYS / 2);
	KUNIT_EXPECT_FALSE(test, nflb_dsr_lookup(t->dsr, &t->k[1], t->h[1],
						 &hit));
	KUNIT_EXPECT_TRUE(test, nflb_dsr_lookup(t->dsr, &t->k[0], t->h[0],
						&hit));
	f.backend = NULL;
	KUNIT_EXPECT_EQ(test, nflb_dsr_flush(t->dsr, &f),
			(unsigned int)NFLB_DSR_WAYS / 2);
	KUNIT_EXPECT_EQ(test, nflb_dsr_used(t->dsr), 0U);
}

static struct kunit_case nflb_dsr_flow_cases[] = {
	KUNIT_CASE(nflb_dsr_size),
	KUNIT_CASE(nflb_dsr_full_keeps_established),
	KUNIT_CASE(nflb_dsr_full_evicts_new),
	KUNIT_CASE(nflb_dsr_expiry),
	KUNIT_CASE(nflb_dsr_insert_twice),
	KUNIT_CASE(nflb_dsr_flush_filters),
	{}
};

static struct kunit_suite nflb_dsr_flow_suite = {
	.name = "nflb_dsr_flow",
	.init = nflb_dsr_t_init,
	.exit = nflb_dsr_t_exit,
	.test_cases = nflb_dsr_flow_cases,
};

kunit_test_suite(nflb_dsr_flow_suite);
