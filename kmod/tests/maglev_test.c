// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the Maglev table (kmod/maglev.c).  Balance, weights, determinism
 * under permutation, disruption, validation, and a literal credit-loop
 * reference that the build must match slot for slot.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "maglev.h"

#define NFLB_MT_SIZE	65537U
#define NFLB_MT_EMPTY	U16_MAX

/* Test-managed kvmalloc_array(): the big tables outgrow kmalloc easily. */
struct nflb_mt_alloc {
	size_t n, size;
};

static int nflb_mt_alloc_init(struct kunit_resource *res, void *context)
{
	struct nflb_mt_alloc *a = context;

	res->data = kvmalloc_array(a->n, a->size, GFP_KERNEL | __GFP_ZERO);
	return res->data ? 0 : -ENOMEM;
}

static void nflb_mt_alloc_free(struct kunit_resource *res)
{
	kvfree(res->data);
}

static void *nflb_mt_alloc(struct kunit *test, size_t n, size_t size)
{
	struct nflb_mt_alloc a = { .n = n, .size = size };
	void *p;

	p = kunit_alloc_resource(test, nflb_mt_alloc_init, nflb_mt_alloc_free,
				 GFP_KERNEL, &a);
	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* Where a and b first differ, len if nowhere. */
static size_t nflb_mt_diff(const void *a, const void *b, size_t len)
{
	const u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			break;
	return i;
}

/* KUNIT_EXPECT_MEMEQ() arrived in 6.2; this one names the first difference. */
#define NFLB_MT_EXPECT_MEMEQ(test, a, b, len, fmt, ...)			\
	KUNIT_EXPECT_EQ_MSG(test, nflb_mt_diff(a, b, len), (size_t)(len),	\
			    fmt, ##__VA_ARGS__)

/*
 * Backend id: 10.0.id/256.id%256, port 80.  priv carries the id, which
 * stands for the key when tables are compared by backend identity.
 */
static void nflb_mt_backend(struct nflb_maglev_backend *be, u32 id, u32 weight)
{
	u8 addr[4] = { 10, 0, id >> 8, id & 0xff };

	nflb_maglev_key(be->key, AF_INET, addr, sizeof(addr), htons(80));
	be->weight = weight;
	be->priv = (void *)(uintptr_t)id;
}

static u32 nflb_mt_id(const struct nflb_maglev_backend *be)
{
	return (uintptr_t)be->priv;
}

static struct nflb_maglev_backend *nflb_mt_backends(struct kunit *test, u32 n)
{
	struct nflb_maglev_backend *be;
	u32 i;

	be = nflb_mt_alloc(test, n, sizeof(*be));
	for (i = 0; i < n; i++)
		nflb_mt_backend(&be[i], i, 1);
	return be;
}

/* Build, check that every slot names a backend, count each one's slots. */
static void nflb_mt_build(struct kunit *test, u16 *slots, u32 size,
			  struct nflb_maglev_backend *be, u32 n, u64 seed,
			  u32 *count)
{
	u32 s, bad = 0;

	KUNIT_ASSERT_EQ(test, nflb_maglev_build(slots, size, be, n, seed), 0);
	if (count)
		memset(count, 0, n * sizeof(*count));
	for (s = 0; s < size; s++) {
		if (slots[s] >= n)
			bad++;
		else if (count)
			count[slots[s]]++;
	}
	KUNIT_ASSERT_EQ_MSG(test, bad, 0U, "slots naming no backend");
}

/* Replace each slot's index by the owner's id, for order-free comparison. */
static void nflb_mt_ids(u32 *ids, const u16 *slots, u32 size,
			const struct nflb_maglev_backend *be)
{
	u32 s;

	for (s = 0; s < size; s++)
		ids[s] = nflb_mt_id(&be[slots[s]]);
}

static void nflb_mt_key_layout(struct kunit *test)
{
	static const u8 v4[4] = { 192, 0, 2, 7 };
	static const u8 v6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};
	static const u8 want4[NFLB_MAGLEV_KEY_LEN] = {
		AF_INET, 0, 0x1f, 0x90, 192, 0, 2, 7,
	};
	static const u8 want6[NFLB_MAGLEV_KEY_LEN] = {
		AF_INET6, 0, 0x01, 0xbb, 0x20, 0x01, 0x0d, 0xb8,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};
	u8 key[NFLB_MAGLEV_KEY_LEN];

	memset(key, 0xa5, sizeof(key));
	nflb_maglev_key(key, AF_INET, v4, sizeof(v4), htons(8080));
	NFLB_MT_EXPECT_MEMEQ(test, key, want4, sizeof(want4), "IPv4");
	memset(key, 0xa5, sizeof(key));
	nflb_maglev_key(key, AF_INET6, v6, sizeof(v6), htons(443));
	NFLB_MT_EXPECT_MEMEQ(test, key, want6, sizeof(want6), "IPv6");
}

static const u32 nflb_mt_balance_n[] = { 3, 100, 1000 };

static void nflb_mt_n_desc(const u32 *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "N=%u", *n);
}

KUNIT_ARRAY_PARAM(nflb_mt_balance, nflb_mt_balance_n, nflb_mt_n_desc);

/*
 * Equal weights: every pass gives each backend exactly one slot, so the
 * counts differ by at most 1, hence max/mean <= ceil(M/N) / (M/N): 1.00002
 * for N=3, 1.001 for N=100, 1.0071 for N=1000.  We assert that, and the
 * design's max/mean <= 1.01.
 */
static void nflb_mt_balance(struct kunit *test)
{
	const u32 n = *(const u32 *)test->param_value, size = NFLB_MT_SIZE;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 *count = nflb_mt_alloc(test, n, sizeof(*count));
	u32 i, lo = U32_MAX, hi = 0;

	nflb_mt_build(test, slots, size, be, n, 0, count);
	for (i = 0; i < n; i++) {
		lo = min(lo, count[i]);
		hi = max(hi, count[i]);
	}
	kunit_info(test, "N=%u M=%u: slots per backend %u..%u, max/mean %u ppm\n",
		   n, size, lo, hi, (u32)div_u64((u64)hi * n * 1000000, size));
	KUNIT_EXPECT_GT(test, lo, 0U);
	KUNIT_EXPECT_LE(test, hi - lo, 1U);
	/* max / mean <= 1.01, with mean = size / n */
	KUNIT_EXPECT_LE(test, (u64)hi * n * 100, (u64)size * 101);
}

struct nflb_mt_weights {
	const char *name;
	u32 n;
	u32 w[8];
};

static const struct nflb_mt_weights nflb_mt_weight_cases[] = {
	{ "1:2:3", 3, { 1, 2, 3 } },
	{ "1:100", 2, { 1, 100 } },
	/* The API's extremes: weight 0 and 65535, with small ones beside. */
	{ "3:0:65535:1:250:0", 6, { 3, 0, 65535, 1, 250, 0 } },
};

static void nflb_mt_weights_desc(const struct nflb_mt_weights *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(nflb_mt_weights, nflb_mt_weight_cases, nflb_mt_weights_desc);

/*
 * With W the sum of the weights, backend i should get M * w_i / W slots.
 * After p whole passes it holds floor(p * w_i / max), and the fill stops
 * inside a pass, which keeps the count strictly between M * w_i / W - 2 and
 * (M + n) * w_i / W + 1 (n * w_i / W: the others' shortfall, at most one
 * turn each, that it may take over).
 */
static void nflb_mt_check_share(struct kunit *test, u32 count, u32 w, u64 sum,
				u32 n, u32 size)
{
	s64 got = (u64)count * sum, want = (u64)size * w;

	if (!w) {
		KUNIT_EXPECT_EQ(test, count, 0U);
		return;
	}
	KUNIT_EXPECT_GT_MSG(test, got, want - 2 * (s64)sum, "weight %u", w);
	KUNIT_EXPECT_LT_MSG(test, got, want + (s64)n * w + sum, "weight %u", w);
}

/* The design's bound: within 1% of the table (655 slots) of M * w_i / W. */
static void nflb_mt_weights(struct kunit *test)
{
	const struct nflb_mt_weights *c = test->param_value;
	const u32 size = NFLB_MT_SIZE, tol = size / 100;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, c->n);
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 *count = nflb_mt_alloc(test, c->n, sizeof(*count));
	u64 sum = 0;
	u32 i;

	for (i = 0; i < c->n; i++) {
		be[i].weight = c->w[i];
		sum += c->w[i];
	}
	nflb_mt_build(test, slots, size, be, c->n, 42, count);
	for (i = 0; i < c->n; i++) {
		u32 w = be[i].weight;
		s64 got = (u64)count[i] * sum, want = (u64)size * w;

		kunit_info(test, "weight %u: %u slots, ideal %llu\n", w,
			   count[i], div64_u64(want + sum / 2, sum));
		KUNIT_EXPECT_LE_MSG(test, abs(got - want), (s64)tol * sum,
				    "weight %u", w);
		nflb_mt_check_share(test, count[i], w, sum, c->n, size);
	}
}

/* Weights 100:200:300 give the very table of 1:2:3. */
static void nflb_mt_weights_scale(struct kunit *test)
{
	const u32 size = NFLB_MT_SIZE, n = 3;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *a = nflb_mt_alloc(test, size, sizeof(*a));
	u16 *b = nflb_mt_alloc(test, size, sizeof(*b));
	u32 i;

	for (i = 0; i < n; i++)
		be[i].weight = i + 1;
	nflb_mt_build(test, a, size, be, n, 7, NULL);
	for (i = 0; i < n; i++)
		be[i].weight *= 100;
	nflb_mt_build(test, b, size, be, n, 7, NULL);
	NFLB_MT_EXPECT_MEMEQ(test, a, b, size * sizeof(*a), "x100");
}

/*
 * The credit loop exactly as the design states it, one backend after the
 * other in every pass: the build, whether it runs that loop or replays it
 * from a heap, must produce the same table.  Its hash keys are written out here on
 * purpose: changing them changes every table, and nodes running different
 * versions would then disagree.
 */
static void nflb_mt_reference(struct kunit *test, u16 *slots, u32 size,
			      const struct nflb_maglev_backend *be, u32 n,
			      u64 seed)
{
	const siphash_key_t koff = { { seed, 0x6e666c622d6f6666ULL } };
	const siphash_key_t kskip = { { seed, 0x6e666c622d736b70ULL } };
	u64 *offset = nflb_mt_alloc(test, n, sizeof(u64));
	u64 *skip = nflb_mt_alloc(test, n, sizeof(u64));
	u64 *next = nflb_mt_alloc(test, n, sizeof(u64));
	u64 *credit = nflb_mt_alloc(test, n, sizeof(u64));
	u32 i, wmax = 0, filled = 0;

	for (i = 0; i < n; i++) {
		offset[i] = siphash(be[i].key, NFLB_MAGLEV_KEY_LEN, &koff) % size;
		skip[i] = siphash(be[i].key, NFLB_MAGLEV_KEY_LEN, &kskip) %
			  (size - 1) + 1;
		wmax = max(wmax, be[i].weight);
	}
	memset(slots, 0xff, size * sizeof(*slots));
	while (filled < size) {
		for (i = 0; i < n && filled < size; i++) {
			credit[i] += be[i].weight;
			while (credit[i] >= wmax && filled < size) {
				u64 c;

				credit[i] -= wmax;
				do {
					c = (offset[i] + next[i] * skip[i]) % size;
					next[i]++;
				} while (slots[c] != NFLB_MT_EMPTY);
				slots[c] = i;
				filled++;
			}
		}
	}
}

struct nflb_mt_ref_case {
	const char *name;
	u32 size, n;
	u32 mul, mod, add;	/* backend i: weight (i * mul) % mod + add */
	u32 heavy;		/* if not 0, backend 0's weight */
};

/* The build loops pass by pass while n * wmax <= 8 * sum, else by heap. */
static const struct nflb_mt_ref_case nflb_mt_ref_cases[] = {
	{ "N=7 equal, M=251, passes", 251, 7, 0, 1, 1 },
	{ "N=1000 equal, M=65537, passes", NFLB_MT_SIZE, 1000, 0, 1, 1 },
	{ "N=3 1:2:3, M=65537, passes", NFLB_MT_SIZE, 3, 1, 3, 1 },
	{ "N=50 0..12, M=4099, passes", 4099, 50, 7919, 13, 0 },
	{ "N=40 0..65535, M=65537, passes", NFLB_MT_SIZE, 40, 40503, 65536, 0 },
	{ "N=50 65535 1.., M=65537, heap", NFLB_MT_SIZE, 50, 0, 1, 1, 65535 },
	{ "N=60 65535 1..997, M=65537, heap", NFLB_MT_SIZE, 60, 7919, 997, 1,
	  65535 },
	{ "N=1000 100 1..3, M=65537, heap", NFLB_MT_SIZE, 1000, 1, 3, 1, 100 },
};

static void nflb_mt_ref_desc(const struct nflb_mt_ref_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(nflb_mt_ref, nflb_mt_ref_cases, nflb_mt_ref_desc);

static void nflb_mt_matches_reference(struct kunit *test)
{
	const struct nflb_mt_ref_case *c = test->param_value;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, c->n);
	u16 *got = nflb_mt_alloc(test, c->size, sizeof(*got));
	u16 *want = nflb_mt_alloc(test, c->size, sizeof(*want));
	u32 i;

	for (i = 0; i < c->n; i++)
		be[i].weight = (i * c->mul) % c->mod + c->add;
	if (c->heavy)
		be[0].weight = c->heavy;
	nflb_mt_build(test, got, c->size, be, c->n, 0x5eed, NULL);
	nflb_mt_reference(test, want, c->size, be, c->n, 0x5eed);
	NFLB_MT_EXPECT_MEMEQ(test, got, want, c->size * sizeof(*got),
			     "table");
}

/*
 * Pinned output: equal inputs must give equal tables on every node, across
 * versions and architectures (siphash reads its input little-endian).  A
 * change here is a protocol change, to make on purpose only.  The values
 * come from an independent model (SipHash-2-4 and the credit loop, in
 * Python), not from this code.
 */
static void nflb_mt_golden(struct kunit *test)
{
	static const u16 want[16] = {
		3, 1, 3, 0, 3, 2, 1, 3, 0, 2, 3, 1, 3, 1, 3, 3,
	};
	static const u8 flow[13] = { 192, 0, 2, 1, 198, 51, 100, 7, 0x30, 0x39,
				     0, 80, 6 };
	const u32 size = 251, n = 4;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 count[4];

	be[3].weight = 2;
	nflb_mt_build(test, slots, size, be, n, 1, count);
	NFLB_MT_EXPECT_MEMEQ(test, slots, want, sizeof(want), "table");
	KUNIT_EXPECT_EQ(test, count[0], 50U);
	KUNIT_EXPECT_EQ(test, count[1], 50U);
	KUNIT_EXPECT_EQ(test, count[2], 50U);
	KUNIT_EXPECT_EQ(test, count[3], 101U);
	KUNIT_EXPECT_EQ(test, nflb_maglev_flow_hash(flow, sizeof(flow), 1),
			0x700249c3U);
}

static const u32 nflb_mt_perm_sizes[] = { 251, NFLB_MT_SIZE };

static void nflb_mt_size_desc(const u32 *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "M=%u", *size);
}

KUNIT_ARRAY_PARAM(nflb_mt_perm, nflb_mt_perm_sizes, nflb_mt_size_desc);

/* Every order of the same five backends gives one and the same table. */
static void nflb_mt_permutations(struct kunit *test)
{
	const u32 size = *(const u32 *)test->param_value, n = 5;
	struct nflb_maglev_backend *base = nflb_mt_backends(test, n);
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *ref = nflb_mt_alloc(test, size, sizeof(*ref));
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 *ref_ids = nflb_mt_alloc(test, size, sizeof(*ref_ids));
	u32 *ids = nflb_mt_alloc(test, size, sizeof(*ids));
	unsigned long *seen = nflb_mt_alloc(test, BITS_TO_LONGS(5 * 5 * 5 * 5 * 5),
					    sizeof(long));
	u32 p, i;

	/* Unequal weights, so that the order of turns matters too. */
	for (i = 0; i < n; i++)
		base[i].weight = i % 3 + 1;
	memcpy(be, base, n * sizeof(*be));
	nflb_mt_build(test, ref, size, be, n, 3, NULL);
	nflb_mt_ids(ref_ids, ref, size, be);
	memcpy(base, be, n * sizeof(*be));	/* now sorted */

	for (p = 0; p < 120; p++) {
		u32 pool[5] = { 0, 1, 2, 3, 4 }, r = p, code = 0;

		/* p, read in the factorial base, picks the p-th permutation. */
		for (i = 0; i < n; i++) {
			u32 left = n - i, k = r % left;

			r /= left;
			be[i] = base[pool[k]];
			code = code * n + pool[k];
			memmove(&pool[k], &pool[k + 1],
				(left - k - 1) * sizeof(pool[0]));
		}
		KUNIT_EXPECT_FALSE(test, __test_and_set_bit(code, seen));
		nflb_mt_build(test, slots, size, be, n, 3, NULL);
		nflb_mt_ids(ids, slots, size, be);
		NFLB_MT_EXPECT_MEMEQ(test, ids, ref_ids, size * sizeof(*ids),
				       "permutation %u, by identity", p);
		NFLB_MT_EXPECT_MEMEQ(test, slots, ref, size * sizeof(*slots),
				       "permutation %u, by index", p);
		NFLB_MT_EXPECT_MEMEQ(test, be, base, n * sizeof(*be),
				       "permutation %u, sorted backends", p);
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, 5 * 5 * 5 * 5 * 5), 120U);
}

/* Another seed, another table: compared slot by slot, most must differ. */
static void nflb_mt_seed_changes_table(struct kunit *test)
{
	const u32 size = NFLB_MT_SIZE, n = 5;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *a = nflb_mt_alloc(test, size, sizeof(*a));
	u16 *b = nflb_mt_alloc(test, size, sizeof(*b));
	u32 s, same = 0;

	nflb_mt_build(test, a, size, be, n, 0, NULL);
	nflb_mt_build(test, b, size, be, n, 1, NULL);
	for (s = 0; s < size; s++)
		same += a[s] == b[s];
	kunit_info(test, "seeds 0 and 1: %u of %u slots agree\n", same, size);
	/* Unrelated tables agree on about 1/n of the slots; allow 1.5/n. */
	KUNIT_EXPECT_LT(test, same * n * 2, size * 3);
}

/*
 * Remove 1 of 1000 backends: the slots it held must go to others, and few
 * others may move.  The paper's and the design's bound is 0.8% of the
 * table, averaged over the seeds; slots moving between two surviving
 * backends must stay within it too.  Adding the backend back (in another
 * position) gives the original table again, bit for bit.
 */
static void nflb_mt_disruption(struct kunit *test)
{
	static const u64 seeds[] = { 0, 1, 0x0123456789abcdefULL };
	const u32 size = NFLB_MT_SIZE, n = 1000;
	struct nflb_maglev_backend *base = nflb_mt_backends(test, n);
	struct nflb_maglev_backend *be = nflb_mt_backends(test, n);
	u16 *orig = nflb_mt_alloc(test, size, sizeof(*orig));
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 *before = nflb_mt_alloc(test, size, sizeof(*before));
	u32 *after = nflb_mt_alloc(test, size, sizeof(*after));
	u64 moved = 0, between = 0;
	u32 k, s;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		const u32 gone = 137 + 311 * k;	/* any id in 0..n-1 */
		u32 held = 0, m = 0, b = 0, stale = 0;

		memcpy(be, base, n * sizeof(*be));
		nflb_mt_build(test, orig, size, be, n, seeds[k], NULL);
		nflb_mt_ids(before, orig, size, be);

		/* The same backends without `gone', in the original order. */
		memcpy(be, base, gone * sizeof(*be));
		memcpy(be + gone, base + gone + 1,
		       (n - gone - 1) * sizeof(*be));
		nflb_mt_build(test, slots, size, be, n - 1, seeds[k], NULL);
		nflb_mt_ids(after, slots, size, be);
		for (s = 0; s < size; s++) {
			held += before[s] == gone;
			stale += after[s] == gone;
			m += before[s] != after[s];
			b += before[s] != gone && before[s] != after[s];
		}
		kunit_info(test, "seed %llx: removed id %u held %u slots; %u slots moved, %u between survivors\n",
			   seeds[k], gone, held, m, b);
		KUNIT_EXPECT_GT(test, held, 0U);
		KUNIT_EXPECT_EQ(test, stale, 0U);
		moved += m;
		between += b;

		/* Back in, now last in the input: the original table. */
		be[n - 1] = base[gone];
		nflb_mt_build(test, slots, size, be, n, seeds[k], NULL);
		NFLB_MT_EXPECT_MEMEQ(test, slots, orig, size * sizeof(*slots),
				       "seed %llx", seeds[k]);
	}
	/* moved / (seeds * size) <= 0.8% */
	KUNIT_EXPECT_LE(test, moved * 1000, 8ULL * ARRAY_SIZE(seeds) * size);
	KUNIT_EXPECT_LE(test, between * 1000, 8ULL * ARRAY_SIZE(seeds) * size);
}

/* Errors change nothing: the table keeps what it held. */
static void nflb_mt_expect_einval(struct kunit *test, u16 *slots, u32 size,
				  struct nflb_maglev_backend *be, u32 n,
				  const char *what)
{
	u32 s, touched = 0;

	memset(slots, 0x5a, NFLB_MT_SIZE * sizeof(*slots));
	KUNIT_EXPECT_EQ_MSG(test, nflb_maglev_build(slots, size, be, n, 0),
			    -EINVAL, "%s", what);
	for (s = 0; s < NFLB_MT_SIZE; s++)
		touched += slots[s] != 0x5a5a;
	KUNIT_EXPECT_EQ_MSG(test, touched, 0U, "%s", what);
}

static void nflb_mt_invalid(struct kunit *test)
{
	static const u32 sizes[] = { 0, 1, 4, 251 * 257, 65535, 65536 };
	struct nflb_maglev_backend *be = nflb_mt_backends(test, 3);
	/* Room for any size tried, so that a wrong accept cannot overrun. */
	u16 *slots = nflb_mt_alloc(test, NFLB_MT_SIZE, sizeof(*slots));
	u32 i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		nflb_mt_expect_einval(test, slots, sizes[i], be, 3,
				      "not a prime");
	nflb_mt_expect_einval(test, slots, 251, be, 0, "no backend");
	/* Rejected on n alone, before be[] is read. */
	nflb_mt_expect_einval(test, slots, 251, be,
			      NFLB_MAGLEV_MAX_BACKENDS + 1, "too many");
	for (i = 0; i < 3; i++)
		be[i].weight = 0;
	nflb_mt_expect_einval(test, slots, 251, be, 3, "all weights 0");
	for (i = 0; i < 3; i++)
		nflb_mt_backend(&be[i], i == 2 ? 0 : i, i + 1);
	nflb_mt_expect_einval(test, slots, 251, be, 3, "duplicate key");
}

static void nflb_mt_small(struct kunit *test)
{
	struct nflb_maglev_backend *be = nflb_mt_backends(test, 5);
	u16 *slots = nflb_mt_alloc(test, 251, sizeof(*slots));
	u32 count[5], s;

	/* One backend takes every slot. */
	nflb_mt_build(test, slots, 251, be, 1, 0, count);
	KUNIT_EXPECT_EQ(test, count[0], 251U);
	for (s = 0; s < 251; s++)
		KUNIT_EXPECT_EQ(test, slots[s], 0);

	/* The smallest primes work; equal weights split them evenly. */
	nflb_mt_build(test, slots, 2, be, 2, 0, count);
	KUNIT_EXPECT_EQ(test, count[0], 1U);
	KUNIT_EXPECT_EQ(test, count[1], 1U);
	nflb_mt_build(test, slots, 3, be, 3, 0, count);
	KUNIT_EXPECT_EQ(test, count[0] + count[1] + count[2], 3U);
	KUNIT_EXPECT_EQ(test, count[0] * count[1] * count[2], 1U);

	/* Only the backend with a weight gets slots. */
	for (s = 0; s < 5; s++)
		be[s].weight = s == 3 ? 9 : 0;
	nflb_mt_build(test, slots, 251, be, 5, 0, count);
	for (s = 0; s < 5; s++)
		KUNIT_EXPECT_EQ(test, count[s], nflb_mt_id(&be[s]) == 3 ? 251U : 0U);
}

static void nflb_mt_flow_hash(struct kunit *test)
{
	u8 data[37];
	u32 i, j, h;

	for (i = 0; i < 8; i++) {
		for (j = 0; j < sizeof(data); j++)
			data[j] = i * 31 + j * 7;
		h = nflb_maglev_flow_hash(data, sizeof(data), 11);
		KUNIT_EXPECT_EQ(test, nflb_maglev_flow_hash(data, sizeof(data),
							    11), h);
		KUNIT_EXPECT_NE(test, nflb_maglev_flow_hash(data, sizeof(data),
							    12), h);
		data[i] ^= 1;
		KUNIT_EXPECT_NE(test, nflb_maglev_flow_hash(data, sizeof(data),
							    11), h);
	}
}

/*
 * Mean build time in microseconds.  The test kernel's clock may tick in
 * jiffies (4 ms under emulation): repeat for at least 25 of them.
 */
static u64 nflb_mt_time_build(struct kunit *test, u16 *slots, u32 size,
			      struct nflb_maglev_backend *be, u32 n)
{
	u64 t0 = ktime_get_ns(), dt;
	u32 reps = 0;

	do {
		KUNIT_EXPECT_EQ(test, nflb_maglev_build(slots, size, be, n,
							reps), 0);
		reps++;
		dt = ktime_get_ns() - t0;
	} while (dt < 100 * NSEC_PER_MSEC || reps < 3);
	return div_u64(dt, reps * 1000);
}

/*
 * Build times, for information (software emulation makes them meaningless
 * as bounds).  The skewed case, one weight 65535 among 9999 of weight 1,
 * would take some 5 * 10^8 steps with the plain credit loop.  It is far
 * outside the sizing rule (M >= 100 n): each light backend's share is 0.87
 * slot, and the one heavy backend gets what they cannot take.
 */
static void nflb_mt_build_time(struct kunit *test)
{
	static const u32 ns[] = { 10, 100, 1000 };
	const u32 size = NFLB_MT_SIZE, big = 10000;
	struct nflb_maglev_backend *be = nflb_mt_backends(test, big);
	u16 *slots = nflb_mt_alloc(test, size, sizeof(*slots));
	u32 *count = nflb_mt_alloc(test, big, sizeof(*count));
	u64 us[ARRAY_SIZE(ns)], skewed, sum = 0;
	u32 i, heavy = 0, light = 0;

	for (i = 0; i < ARRAY_SIZE(ns); i++)
		us[i] = nflb_mt_time_build(test, slots, size, be, ns[i]);
	kunit_info(test, "build M=%u, equal weights: N=10 %llu us, N=100 %llu us, N=1000 %llu us\n",
		   size, us[0], us[1], us[2]);

	for (i = 0; i < big; i++) {
		be[i].weight = nflb_mt_id(&be[i]) ? 1 : 65535;
		sum += be[i].weight;
	}
	skewed = nflb_mt_time_build(test, slots, size, be, big);
	nflb_mt_build(test, slots, size, be, big, 0, count);
	for (i = 0; i < big; i++) {
		if (be[i].weight == 1)
			light += count[i];
		else
			heavy = count[i];
		nflb_mt_check_share(test, count[i], be[i].weight, sum, big,
				    size);
	}
	kunit_info(test, "build M=%u, N=%u, one weight 65535: %llu us, %u slots to it, %u to the others\n",
		   size, big, skewed, heavy, light);
}

static struct kunit_case nflb_maglev_cases[] = {
	KUNIT_CASE(nflb_mt_key_layout),
	KUNIT_CASE_PARAM(nflb_mt_balance, nflb_mt_balance_gen_params),
	KUNIT_CASE_PARAM(nflb_mt_weights, nflb_mt_weights_gen_params),
	KUNIT_CASE(nflb_mt_weights_scale),
	KUNIT_CASE_PARAM(nflb_mt_matches_reference, nflb_mt_ref_gen_params),
	KUNIT_CASE(nflb_mt_golden),
	KUNIT_CASE_PARAM(nflb_mt_permutations, nflb_mt_perm_gen_params),
	KUNIT_CASE(nflb_mt_seed_changes_table),
	KUNIT_CASE(nflb_mt_disruption),
	KUNIT_CASE(nflb_mt_invalid),
	KUNIT_CASE(nflb_mt_small),
	KUNIT_CASE(nflb_mt_flow_hash),
	KUNIT_CASE(nflb_mt_build_time),
	{}
};

static struct kunit_suite nflb_maglev_suite = {
	.name = "nflb_maglev",
	.test_cases = nflb_maglev_cases,
};

kunit_test_suite(nflb_maglev_suite);
