/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_MAGLEV_H
#define _NFLB_MAGLEV_H

#include <linux/types.h>

/*
 * Weighted Maglev consistent hashing (Eisenbud et al., NSDI 2016).
 *
 * The table depends only on (seed, size, the set of backends with their
 * weights): never on the order the caller lists them in, on pointers or on
 * time, so that independent nodes given the same configuration agree.
 */

#define NFLB_MAGLEV_KEY_LEN	20
#define NFLB_MAGLEV_MAX_BACKENDS 65535U

struct nflb_maglev_backend {
	/*
	 * The backend's identity, hashed to place it: family (1 byte), 0,
	 * port (2 bytes, network order), address (16 bytes, IPv4 in the
	 * first 4, rest zero).  See nflb_maglev_key().
	 */
	u8 key[NFLB_MAGLEV_KEY_LEN];
	u32 weight;		/* 0: takes no slot */
	void *priv;		/* the caller's, carried along by the sort */
};

void nflb_maglev_key(u8 key[NFLB_MAGLEV_KEY_LEN], u8 family,
		     const void *addr, unsigned int addr_len, __be16 port);

/*
 * Sort be[0..n) by key (in place), then fill slots[0..size) with indices
 * into the sorted be[].  Process context (may sleep, allocates scratch).
 * Returns 0; -EINVAL if size is not a prime, n is 0 or above
 * NFLB_MAGLEV_MAX_BACKENDS, or every weight is 0; -ENOMEM.
 * Also -EINVAL if two backends share a key (be[] is then already sorted).
 * On any error slots[] is left untouched.  With W the sum of the weights,
 * backend i gets more than size * w_i / W - 2 slots and fewer than
 * (size + n) * w_i / W + 1: within 1% and 2 slots when size >= 100 * n.
 * With equal weights the counts differ by at most 1.
 */
int nflb_maglev_build(u16 *slots, u32 size, struct nflb_maglev_backend *be,
		      u32 n, u64 seed);

/*
 * Keyed hash of a flow's lookup key; the slot is hash % size.  Every byte of
 * data[0..len) is hashed: initialise all of it, padding included, or equal
 * flows hash apart.
 */
u32 nflb_maglev_flow_hash(const void *data, size_t len, u64 seed);

#endif /* _NFLB_MAGLEV_H */
