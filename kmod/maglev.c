// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted Maglev consistent hashing, after D. E. Eisenbud et al., "Maglev:
 * A Fast and Reliable Software Network Load Balancer", NSDI 2016, section
 * 3.4.  Each backend has its own permutation of the table's slots, (offset +
 * j * skip) % size; the backends take turns, and in its turn a backend takes
 * the first slot of its permutation that is still empty.
 *
 * What we add to the paper:
 *  - the backends are sorted by key first, so that the table depends on the
 *    set of backends and not on the order they were configured in;
 *  - weights, by credit: in every pass over the backends, backend i earns
 *    weight[i] and takes a turn for each max_weight it has saved up;
 *  - when that loop would spend most of its passes on idle backends, the
 *    same turns are replayed from a heap.
 */

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/gcd.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "kunit.h"
#include "maglev.h"
#include "validate.h"

/* The seed fills key[0]; these ASCII words ("nflb-off" ...) fill key[1]. */
#define NFLB_MH_OFFSET_KEY	0x6e666c622d6f6666ULL
#define NFLB_MH_SKIP_KEY	0x6e666c622d736b70ULL
#define NFLB_MH_FLOW_KEY	0x6e666c622d666c77ULL

/* Backend indices stop at NFLB_MAGLEV_MAX_BACKENDS - 1: U16_MAX is free. */
#define NFLB_MH_EMPTY		U16_MAX
static_assert(NFLB_MAGLEV_MAX_BACKENDS <= NFLB_MH_EMPTY);

/*
 * Slots filled between two cond_resched(): a build of 131071 slots takes
 * milliseconds natively, far longer under emulation or a debug kernel.
 * Builds run in process context (nflb_maglev_build() says might_sleep()).
 */
#define NFLB_MH_RESCHED		4096

/* A backend's progress through the fill. */
struct nflb_mh_turn {
	u64 credit;	/* pass by pass: weight earned, less wmax per turn */
	u64 due;	/* by heap: the pass of its next turn */
	u32 pos;	/* its next preferred slot */
	u32 skip;
	u32 weight;	/* divided by the gcd of all weights */
	u32 taken;	/* slots taken so far */
};

void nflb_maglev_key(u8 key[NFLB_MAGLEV_KEY_LEN], u8 family,
		     const void *addr, unsigned int addr_len, __be16 port)
{
	if (WARN_ON_ONCE(addr_len > NFLB_MAGLEV_KEY_LEN - 4))
		addr_len = NFLB_MAGLEV_KEY_LEN - 4;
	memset(key, 0, NFLB_MAGLEV_KEY_LEN);
	key[0] = family;
	memcpy(key + 2, &port, sizeof(port));
	memcpy(key + 4, addr, addr_len);
}
NFLB_EXPORT_FOR_KUNIT(nflb_maglev_key);

/* u64 % u32 that also links on 32-bit architectures. */
static u32 nflb_mh_mod(u64 x, u32 m)
{
	u32 rem;

	div_u64_rem(x, m, &rem);
	return rem;
}

static int nflb_mh_cmp(const void *a, const void *b)
{
	const struct nflb_maglev_backend *x = a, *y = b;

	return memcmp(x->key, y->key, NFLB_MAGLEV_KEY_LEN);
}

/*
 * A weight-w backend's k-th turn comes in pass ceil(k * wmax / w): the first
 * pass in which its credit, p * w minus wmax for each earlier turn, reaches
 * wmax.  Both factors are below 2^32, so the sum stays below 2^64.
 */
static u64 nflb_mh_due(u64 k, u32 wmax, u32 w)
{
	return div_u64(k * wmax + w - 1, w);
}

/* Turns go by pass, and within a pass by index, as in the credit loop. */
static bool nflb_mh_before(const struct nflb_mh_turn *t, u32 a, u32 b)
{
	return t[a].due < t[b].due || (t[a].due == t[b].due && a < b);
}

/* Restore the min-heap below heap[i]; len <= 65535 keeps 2 * i + 2 small. */
static void nflb_mh_sift_down(u32 *heap, u32 len,
			      const struct nflb_mh_turn *t, u32 i)
{
	u32 top = heap[i], c;

	while ((c = 2 * i + 1) < len) {
		if (c + 1 < len && nflb_mh_before(t, heap[c + 1], heap[c]))
			c++;
		if (!nflb_mh_before(t, heap[c], top))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = top;
}

/* The next preference, (offset + j * skip) % size, one step at a time. */
static void nflb_mh_advance(struct nflb_mh_turn *t, u32 size)
{
	u64 pos = (u64)t->pos + t->skip;

	t->pos = pos >= size ? pos - size : pos;
}

/* Backend b's turn: it takes its first preferred slot still empty. */
static void nflb_mh_take(u16 *slots, u32 size, struct nflb_mh_turn *t, u32 b)
{
	/*
	 * Terminates: skip is coprime with the prime size, so the permutation
	 * visits every slot, and the slots already passed over stay taken;
	 * an empty one lies ahead.
	 */
	while (slots[t->pos] != NFLB_MH_EMPTY)
		nflb_mh_advance(t, size);
	slots[t->pos] = b;
	nflb_mh_advance(t, size);
}

/* The credit loop, pass after pass over every backend. */
static void nflb_mh_fill_passes(u16 *slots, u32 size,
				struct nflb_mh_turn *turn, const u32 *active,
				u32 len, u32 wmax)
{
	u32 filled = 0, i;

	for (;;) {
		for (i = 0; i < len; i++) {
			struct nflb_mh_turn *t = &turn[active[i]];

			/* Below wmax before, weight <= wmax: one turn at most. */
			t->credit += t->weight;
			if (t->credit < wmax)
				continue;
			t->credit -= wmax;
			nflb_mh_take(slots, size, t, active[i]);
			if (++filled == size)
				return;
			if (!(filled % NFLB_MH_RESCHED))
				cond_resched();
		}
	}
}

/* The same turns in the same order, from a min-heap on (pass, index). */
static void nflb_mh_fill_heap(u16 *slots, u32 size, struct nflb_mh_turn *turn,
			      u32 *heap, u32 len, u32 wmax)
{
	u32 filled, i;

	for (i = 0; i < len; i++)
		turn[heap[i]].due = nflb_mh_due(1, wmax, turn[heap[i]].weight);
	for (i = len / 2; i--; )
		nflb_mh_sift_down(heap, len, turn, i);

	for (filled = 0; filled < size; filled++) {
		u32 b = heap[0];
		struct nflb_mh_turn *t = &turn[b];

		nflb_mh_take(slots, size, t, b);
		t->taken++;
		t->due = nflb_mh_due((u64)t->taken + 1, wmax, t->weight);
		nflb_mh_sift_down(heap, len, turn, 0);
		if (!((filled + 1) % NFLB_MH_RESCHED))
			cond_resched();
	}
}

/*
 * The credit loop costs about len * wmax / sum steps per slot (size * wmax
 * / sum passes of len steps): 1 with equal weights, 1.98 for 1:100, but
 * 32767 for one weight 65535 among 65534 of weight 1.  Above 8 we replay
 * its turns from a heap instead, at O(log len) each.
 */
int nflb_maglev_build(u16 *slots, u32 size, struct nflb_maglev_backend *be,
		      u32 n, u64 seed)
{
	const siphash_key_t koff = { { seed, NFLB_MH_OFFSET_KEY } };
	const siphash_key_t kskip = { { seed, NFLB_MH_SKIP_KEY } };
	struct nflb_mh_turn *turn;
	u32 i, len = 0, wmax = 0;
	unsigned long g = 0;
	u64 sum = 0;
	u32 *active;

	might_sleep();
	if (!nflb_is_prime(size) || !n || n > NFLB_MAGLEV_MAX_BACKENDS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		g = gcd(g, be[i].weight);	/* gcd(0, w) = w */
		wmax = max(wmax, be[i].weight);
	}
	if (!wmax)
		return -EINVAL;

	sort(be, n, sizeof(*be), nflb_mh_cmp, NULL);
	for (i = 1; i < n; i++)
		if (!nflb_mh_cmp(&be[i - 1], &be[i]))
			return -EINVAL;

	turn = kvcalloc(n, sizeof(*turn), GFP_KERNEL_ACCOUNT);
	active = kvmalloc_array(n, sizeof(*active), GFP_KERNEL_ACCOUNT);
	if (!turn || !active) {
		kvfree(active);
		kvfree(turn);
		return -ENOMEM;
	}

	/*
	 * Scaling every weight by one factor changes no turn (the credit
	 * scales with it); dividing by the gcd only keeps the numbers small.
	 */
	wmax /= g;
	for (i = 0; i < n; i++) {
		struct nflb_mh_turn *t = &turn[i];

		if (!be[i].weight)
			continue;	/* never takes a turn */
		t->weight = be[i].weight / g;
		sum += t->weight;
		t->pos = nflb_mh_mod(siphash(be[i].key, NFLB_MAGLEV_KEY_LEN,
					     &koff), size);
		/* In [1, size - 1]: coprime with the prime size. */
		t->skip = nflb_mh_mod(siphash(be[i].key, NFLB_MAGLEV_KEY_LEN,
					      &kskip), size - 1) + 1;
		active[len++] = i;
	}

	memset(slots, 0xff, size * sizeof(*slots));
	/* len * wmax < 2^48: no overflow. */
	if ((u64)len * wmax <= 8 * sum)
		nflb_mh_fill_passes(slots, size, turn, active, len, wmax);
	else
		nflb_mh_fill_heap(slots, size, turn, active, len, wmax);
	kvfree(active);
	kvfree(turn);
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_maglev_build);

u32 nflb_maglev_flow_hash(const void *data, size_t len, u64 seed)
{
	const siphash_key_t key = { { seed, NFLB_MH_FLOW_KEY } };

	return (u32)siphash(data, len, &key);
}
NFLB_EXPORT_FOR_KUNIT(nflb_maglev_flow_hash);
