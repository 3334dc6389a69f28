/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_NETNS_H
#define _NFLB_NETNS_H

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

struct netlink_ext_ack;
struct nflb_dsr;
struct nflb_offload;
struct nflb_be_spec;
struct nflb_svc_key;
struct nflb_svc_opts;

/* Per network namespace state; see nflb_net(). */
struct nflb_net {
	struct net *net;
	/* Serialises every configuration change in this netns. */
	struct mutex lock;
	/* Services by key, read under RCU by the packet path. */
	struct rhashtable services;
	/*
	 * The same services by creation number (nflb_service::id, never
	 * reused), so in creation order, for the walks that drop the lock
	 * part-way (dumps, the estimator): a walk resumes after the last id
	 * it saw, in O(log n), whether or not that service still exists.
	 * Changed under lock.
	 */
	struct xarray service_ids;
	unsigned long next_id;
	/* Hooks registered, per family (IPv4, IPv6), under lock: netns.c. */
	bool hooked[2];
	/*
	 * DSR flow table and hooks (dsr.c): set under lock with the first
	 * DSR service, read by the packet path under RCU, freed at exit.
	 */
	struct nflb_dsr __rcu *dsr;
	/*
	 * SYN proxy hooks registered, per family, under lock (synproxy.c):
	 * from the first synproxy service of the family until the netns goes.
	 */
	bool synproxy_hooked[2];
	/*
	 * Flowtable fast path (offload.c): made under lock with the first
	 * OFFLOAD_SET that lists a device, read by the packet path with
	 * READ_ONCE, freed at exit.
	 */
	struct nflb_offload *offload;
	/* Bumped on every change; lets a dump notice it was interrupted. */
	u64 generation;
	/* What the netns holds, under lock, against limits.h's limits. */
	u32 n_services;
	u32 n_backends;
	u64 n_slots;			/* sum of the services' table sizes */
	/* Maglev slot arrays by input, shared by services (slots.c). */
	struct rhltable slots;
	/* Rate estimator: runs while service_ids is not empty. */
	struct delayed_work est_work;
	/*
	 * Expiry of flows older than their service (see service.c): one
	 * conntrack walk, after a grace period, for any number of new
	 * services; unbound_again asks for one more walk.
	 */
	struct rcu_work unbound_work;
	bool unbound_again;
};

extern unsigned int nflb_net_id;

static inline struct nflb_net *nflb_net(const struct net *net)
{
	return net_generic(net, nflb_net_id);
}

int nflb_net_hook(struct nflb_net *nn, u8 family,
		  struct netlink_ext_ack *extack);
int nflb_net_service_add(struct nflb_net *nn, const struct nflb_svc_key *key,
			 const struct nflb_svc_opts *opts,
			 const struct nflb_be_spec *bes, unsigned int n_bes,
			 struct netlink_ext_ack *extack);

int nflb_netns_init(void);
void nflb_netns_uninit(void);

#endif /* _NFLB_NETNS_H */
