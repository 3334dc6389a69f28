/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_SLOTS_H
#define _NFLB_SLOTS_H

#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include "maglev.h"
#include "netns.h"

/*
 * A Maglev slot array shared by the tables built from the same input
 * (slots.c).  Immutable once built; users and the index under
 * nflb_net::lock.
 */
struct nflb_slots_key {
	u64 seed;
	u64 digest;		/* of the sorted keys and weights */
	u32 size;
	u32 n;
};

struct nflb_slots {
	struct rhlist_head node;	/* in nflb_net::slots */
	struct nflb_slots_key key;
	unsigned int users;		/* tables holding it */
	bool indexed;			/* in nflb_net::slots */
	struct rcu_head rcu;
	u32 *held;			/* n: slots per backend */
	u16 *slots;			/* size: indices into the sorted input */
	u8 id[];			/* n: each backend's key and weight */
};

int nflb_slots_init(struct nflb_net *nn);
void nflb_slots_destroy(struct nflb_net *nn);
void *nflb_zalloc_big(size_t bytes);
struct nflb_slots *nflb_slots_get(struct nflb_net *nn,
				  struct nflb_maglev_backend *in, u32 n,
				  u32 size, u64 seed);
void nflb_slots_put(struct nflb_net *nn, struct nflb_slots *s);

#endif /* _NFLB_SLOTS_H */
