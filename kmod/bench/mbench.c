// SPDX-License-Identifier: GPL-2.0
/*
 * nflb_mbench.ko: times nflb's Maglev table build and lookup and prints the
 * results on the kernel log, one line each, then stays loaded doing
 * nothing (scripts/bench removes it).  Not a test: nothing is asserted.
 *
 *   nflb_mbench: build size=M backends=N runs=R min_us=A median_us=B max_us=C
 *   nflb_mbench: lookup size=M backends=N lookups=L ns_per_lookup=X
 *
 * A lookup is what the packet path does for a new flow: the keyed hash of
 * the flow's 40-byte key (IPv4 5-tuple, as hooks.c lays it out) and one
 * read of the table.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/in.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/types.h>

#include "maglev.h"

static unsigned int runs = 5;
module_param(runs, uint, 0444);
MODULE_PARM_DESC(runs, "builds timed per (size, backends) (1..50)");

static unsigned int lookups = 1000000;
module_param(lookups, uint, 0444);
MODULE_PARM_DESC(lookups, "lookups timed per (size, backends)");

/* The same layout as hooks.c's struct nflb_flow_key. */
struct nflb_mb_key {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 family;
	u8 pad[2];
};

static const u32 nflb_mb_sizes[] = { 4093, 65537 };
static const u32 nflb_mb_counts[] = { 10, 100, 1000 };

static int nflb_mb_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* n backends 10.I/256.I%256.1:80 (I = 1..n), weight 1. */
static void nflb_mb_backends(struct nflb_maglev_backend *be, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u8 addr[4] = { 10, (i + 1) >> 8, (i + 1) & 0xff, 1 };

		nflb_maglev_key(be[i].key, AF_INET, addr, sizeof(addr),
				htons(80));
		be[i].weight = 1;
		be[i].priv = NULL;
	}
}

static int nflb_mb_build(u16 *slots, u32 size, struct nflb_maglev_backend *be,
			 u32 n)
{
	u64 t[50], t0;
	u32 r;
	int ret;

	for (r = 0; r < runs; r++) {
		nflb_mb_backends(be, n);
		t0 = ktime_get_ns();
		ret = nflb_maglev_build(slots, size, be, n, 0);
		t[r] = ktime_get_ns() - t0;
		if (ret)
			return ret;
		cond_resched();
	}
	sort(t, runs, sizeof(t[0]), nflb_mb_cmp, NULL);
	pr_info("build size=%u backends=%u runs=%u min_us=%llu median_us=%llu max_us=%llu\n",
		size, n, runs, div_u64(t[0], 1000),
		div_u64(t[runs / 2], 1000), div_u64(t[runs - 1], 1000));
	return 0;
}

static void nflb_mb_lookup(const u16 *slots, u32 size, u32 n)
{
	struct nflb_mb_key k = { .proto = IPPROTO_TCP, .family = AF_INET };
	u64 t0, t, sum = 0;
	u32 i;

	k.saddr[0] = htonl(0x64400001);
	k.daddr[0] = htonl(0x0a000001);
	k.dport = htons(80);
	t0 = ktime_get_ns();
	for (i = 0; i < lookups; i++) {
		k.sport = htons(1024 + (i & 0x7fff));
		k.saddr[0] = htonl(0x64400001 + (i >> 15));
		sum += slots[nflb_maglev_flow_hash(&k, sizeof(k), 0) % size];
	}
	t = ktime_get_ns() - t0;
	pr_info("lookup size=%u backends=%u lookups=%u ns_per_lookup=%llu.%02llu (checksum %llu)\n",
		size, n, lookups, div_u64(t, lookups),
		div_u64(t * 100, lookups) % 100, sum);
}

static int __init nflb_mb_init(void)
{
	struct nflb_maglev_backend *be;
	u32 s, c, max_n = 1000;
	int ret = 0;
	u16 *slots;

	if (!runs || runs > 50 || !lookups)
		return -EINVAL;
	be = kvmalloc_array(max_n, sizeof(*be), GFP_KERNEL);
	slots = kvmalloc_array(65537, sizeof(*slots), GFP_KERNEL);
	if (!be || !slots) {
		ret = -ENOMEM;
		goto out;
	}
	for (s = 0; s < ARRAY_SIZE(nflb_mb_sizes); s++) {
		for (c = 0; c < ARRAY_SIZE(nflb_mb_counts); c++) {
			ret = nflb_mb_build(slots, nflb_mb_sizes[s], be,
					    nflb_mb_counts[c]);
			if (ret)
				goto out;
			nflb_mb_lookup(slots, nflb_mb_sizes[s],
				       nflb_mb_counts[c]);
		}
	}
	pr_info("done\n");
out:
	kvfree(slots);
	kvfree(be);
	return ret;
}

static void __exit nflb_mb_exit(void)
{
}

module_init(nflb_mb_init);
module_exit(nflb_mb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nflb Maglev micro-benchmark");
