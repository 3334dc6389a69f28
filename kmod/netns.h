/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_NETNS_H
#define _NFLB_NETNS_H

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

/* Per network namespace state; see nflb_net(). */
struct nflb_net {
	struct net *net;
	/* Serialises every configuration change in this netns. */
	struct mutex lock;
	/* Services by key, read under RCU by the packet path. */
	struct rhashtable services;
	/* The same services, in creation order, for dumps (under lock). */
	struct list_head service_list;
	/* Hooks registered, per family (IPv4, IPv6): see hooks.c. */
	bool hooked[2];
	/* Bumped on every change; lets a dump notice it was interrupted. */
	u64 generation;
	/* Rate estimator: runs while service_list is not empty. */
	struct delayed_work est_work;
};

struct nflb_net *nflb_net(const struct net *net);
int nflb_netns_init(void);
void nflb_netns_uninit(void);

#endif /* _NFLB_NETNS_H */
