/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_OFFLOAD_H
#define _NFLB_OFFLOAD_H

#include <linux/types.h>

struct net_device;
struct netlink_ext_ack;
struct nf_conn;
struct nflb_net;
struct nflb_offload;
struct sk_buff;

/*
 * The flowtable fast path of a netns (offload.c): opt-in, by naming the
 * devices whose forwarded NAT flows skip the netfilter hooks once
 * established.  Configured under rtnl and then nflb_net::lock, in that
 * order (the device notifier runs under rtnl and takes the lock).
 */

/* Replace the device list (N ifindexes, 0: off).  All or nothing. */
int nflb_offload_set(struct nflb_net *nn, const u32 *ifindex, unsigned int n,
		     struct netlink_ext_ack *extack);

/* What OFFLOAD_GET reports; under nflb_net::lock. */
unsigned int nflb_offload_devs(struct nflb_net *nn, u32 *ifindex);
void nflb_offload_counts(struct nflb_net *nn, u32 *flows, u32 *counted);

/*
 * Fold the packets conntrack counted for offloaded flows into the
 * services' and backends' counters: before counters are read, so that
 * they are exact when read.  Process context, no lock held.
 */
void nflb_offload_fold(struct nflb_net *nn);

/*
 * Packet path, under RCU.  nflb_offload_new_flow(): a new NAT flow of a
 * service (unconfirmed CT, its first packet LEN bytes) gets conntrack's
 * accounting while the fast path is on.  nflb_offload_counted(): is CT counted by the fold rather
 * than by the hooks?
 */
void nflb_offload_new_flow(struct nflb_net *nn, struct nf_conn *ct,
			   unsigned int len);
bool nflb_offload_counted(struct nflb_net *nn, const struct nf_conn *ct);

/* netns.c: unhook in .pre_exit, free in .exit. */
void nflb_offload_unhook(struct nflb_net *nn);
void nflb_offload_free(struct nflb_net *nn);

/* main.c: the device notifier. */
int nflb_offload_init(void);
void nflb_offload_uninit(void);

#endif /* _NFLB_OFFLOAD_H */
