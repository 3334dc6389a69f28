// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev slot arrays, built once per distinct input and shared.
 *
 * A table's slots depend only on (seed, size, the backends' keys in sorted
 * order with their effective weights): maglev.h.  Services given the same
 * input get the same array: a TCP and a UDP service to the same backends,
 * one pool behind several VIPs or ports, a restore of thousands of such
 * services.  They share one array, built once, with its per-backend slot
 * counts: one build instead of one per service, and one copy of the
 * memory.  A slot holds an index into the service's own be[], which is
 * sorted by the same keys, so the same index names each service's own
 * backend object (and so its own counters).
 *
 * Arrays are found by a digest of the input and confirmed by comparing the
 * whole input, so a digest collision only costs a second build.
 *
 * Locking: the index and every users count change under nflb_net::lock.
 * The packet path reads an array through a published table, under RCU; the
 * last user frees it after a grace period.
 */

#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kunit.h"
#include "maglev.h"
#include "service.h"
#include "slots.h"

/*
 * The identity of one backend: the leading key and weight of its
 * nflb_maglev_backend, no padding between or after them.
 */
#define NFLB_SLOTS_ID_LEN	(NFLB_MAGLEV_KEY_LEN + sizeof(u32))
static_assert(offsetofend(struct nflb_maglev_backend, weight) ==
	      NFLB_SLOTS_ID_LEN);

/* "nflb-slt": a fixed key; the digest only spreads the index. */
static const siphash_key_t nflb_slots_dkey = {
	{ 0x6e666c622d736c74ULL, 0x6e666c622d736c74ULL }
};

static const struct rhashtable_params nflb_slots_params = {
	.key_len = sizeof(struct nflb_slots_key),
	.key_offset = offsetof(struct nflb_slots, key),
	.head_offset = offsetof(struct nflb_slots, node),
	.automatic_shrinking = true,
};

int nflb_slots_init(struct nflb_net *nn)
{
	return rhltable_init(&nn->slots, &nflb_slots_params);
}

/* Every service is gone, and with it every array. */
void nflb_slots_destroy(struct nflb_net *nn)
{
	rhltable_destroy(&nn->slots);
}

/*
 * Zeroed memory of BYTES, charged to the requester, freed with kvfree().
 * Up to a page from the slab.  Above, kmalloc (and so kvmalloc, which
 * tries it first) takes whole power-of-two blocks from the page allocator:
 * 65537 slots (131,074 bytes) took 256 KiB, half of it wasted, 4093 slots
 * 16 KiB for 8.2.  vmalloc maps just the pages needed: 132 KiB and 12 KiB.
 *
 * The cost is the TLB: a vmalloc area is mapped with 4 KiB pages, where
 * the slab's memory sits in the direct map's large pages.  Only a new flow
 * reads one slot, on any of the array's pages: at most one more TLB miss
 * per new flow, next to the conntrack entry it allocates anyway.
 */
void *nflb_zalloc_big(size_t bytes)
{
	if (bytes <= PAGE_SIZE)
		return kzalloc(bytes, GFP_KERNEL_ACCOUNT);
	return __vmalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

static u64 nflb_slots_digest(const struct nflb_maglev_backend *in, u32 n)
{
	u64 d = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		const siphash_key_t k = { { d, nflb_slots_dkey.key[1] } };

		d = siphash(&in[i], NFLB_SLOTS_ID_LEN, &k);
	}
	return d;
}

static bool nflb_slots_match(const struct nflb_slots *s,
			     const struct nflb_maglev_backend *in)
{
	u32 i;

	for (i = 0; i < s->key.n; i++)
		if (memcmp(s->id + i * NFLB_SLOTS_ID_LEN, &in[i],
			   NFLB_SLOTS_ID_LEN))
			return false;
	return true;
}

static struct nflb_slots *nflb_slots_find(struct nflb_net *nn,
					  const struct nflb_slots_key *key,
					  const struct nflb_maglev_backend *in)
{
	struct nflb_slots *s, *found = NULL;
	struct rhlist_head *list, *pos;

	lockdep_assert_held(&nn->lock);
	/* For the walk's rcu_dereference(); the lock keeps S alive. */
	rcu_read_lock();
	list = rhltable_lookup(&nn->slots, key, nflb_slots_params);
	rhl_for_each_entry_rcu(s, pos, list, node) {
		if (nflb_slots_match(s, in)) {
			found = s;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * The slots of a table of SIZE over in[0..N), sorted by key (weights 0 for
 * backends that take none, at least one not 0): an array already built
 * for the same input, with one more user, or a new one.  ERR_PTR on error
 * (nflb_maglev_build()'s).
 */
struct nflb_slots *nflb_slots_get(struct nflb_net *nn,
				  struct nflb_maglev_backend *in, u32 n,
				  u32 size, u64 seed)
{
	struct nflb_slots_key key = {
		.seed = seed,
		.digest = nflb_slots_digest(in, n),
		.size = size,
		.n = n,
	};
	struct nflb_slots *s;
	size_t held_off, slots_off;
	u32 i;
	int ret;

	lockdep_assert_held(&nn->lock);
	s = nflb_slots_find(nn, &key, in);
	if (s) {
		s->users++;
		return s;
	}
	/* The slots last: a 2-byte array after 4-byte ones stays aligned. */
	held_off = sizeof(*s) + ALIGN(n * NFLB_SLOTS_ID_LEN, sizeof(u32));
	slots_off = held_off + n * sizeof(u32);
	s = nflb_zalloc_big(slots_off + size * sizeof(u16));
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->held = (u32 *)((u8 *)s + held_off);
	s->slots = (u16 *)((u8 *)s + slots_off);
	ret = nflb_maglev_build(s->slots, size, in, n, seed);
	if (ret) {
		kvfree(s);
		return ERR_PTR(ret);
	}
	for (i = 0; i < n; i++)
		memcpy(s->id + i * NFLB_SLOTS_ID_LEN, &in[i], NFLB_SLOTS_ID_LEN);
	for (i = 0; i < size; i++)
		s->held[s->slots[i]]++;
	s->key = key;
	s->users = 1;
	/* Unindexed (no memory for the index): used, never shared. */
	s->indexed = !rhltable_insert(&nn->slots, &s->node, nflb_slots_params);
	return s;
}
NFLB_EXPORT_FOR_KUNIT(nflb_slots_get);

/* A table that held S is unpublished (or never was); NULL: none. */
void nflb_slots_put(struct nflb_net *nn, struct nflb_slots *s)
{
	lockdep_assert_held(&nn->lock);
	if (!s || --s->users)
		return;
	if (s->indexed)
		rhltable_remove(&nn->slots, &s->node, nflb_slots_params);
	/* Tables published until now may still be read. */
	kvfree_rcu(s, rcu);
}
NFLB_EXPORT_FOR_KUNIT(nflb_slots_put);
