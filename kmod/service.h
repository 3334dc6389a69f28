/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_SERVICE_H
#define _NFLB_SERVICE_H

#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "netns.h"
#include "ratelimit.h"
#include "stats.h"

struct nf_ct_timeout;

/*
 * Services and backends of one netns.
 *
 * Locking: every change happens in process context under nflb_net::lock.
 * The packet path only reads, under RCU: the service hash, and a service's
 * table, which is immutable once published and replaced whole.
 */

/* Identity of a service; fully initialised, no padding (compared as words). */
struct nflb_svc_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 proto;
	u8 family;		/* AF_INET or AF_INET6 */
};
static_assert(sizeof(struct nflb_svc_key) == 20);

struct nflb_backend {
	struct list_head node;		/* in nflb_service::backends */
	union nf_inet_addr addr;
	__be16 port;			/* 0 only for an all-ports service */
	u16 weight;
	u8 state;			/* enum nflb_backend_state */
	/* Its own, or in its service's block (nflb_service_create()). */
	bool own_stats;
	struct nflb_stats __percpu *stats;
	struct nflb_stats_est est;	/* under nflb_net::lock */
	struct rcu_head rcu;
};

/*
 * What the packet path reads; built whole, replaced with RCU.  The slots
 * and their per-backend counts belong to a shared array (slots.c) while
 * any backend is up; the table holds one of its users until it is
 * unpublished (nflb_table_publish(), nflb_service_del()).
 */
struct nflb_table {
	struct rcu_head rcu;
	u64 seed;
	u8 hash;			/* enum nflb_hash */
	u32 size;			/* 0: no backend takes new flows */
	u32 n;				/* backends in be[], sorted */
	struct nflb_backend **be;
	u32 *slots_held;		/* per backend */
	u16 *slots;			/* size entries, indices into be[] */
	struct nflb_slots *shared;	/* NULL while size is 0 */
	u64 generation;
};

/* The fixed source of a one-arm service (NFLB_SVC_A_SNAT_ADDR). */
struct nflb_snat {
	union nf_inet_addr addr;
	struct rcu_head rcu;
};

struct nflb_service {
	struct rhash_head rhnode;	/* in nflb_net::services */
	unsigned long id;		/* in nflb_net::service_ids */
	struct nflb_svc_key key;
	u32 table_size;
	u64 seed;
	u8 hash;
	bool snat;
	u8 forward;			/* enum nflb_forward; READ_ONCE */
	bool synproxy;			/* SYN cookies first; READ_ONCE */
	/* With snat: NULL masquerades, else SNAT to it; replaced whole. */
	struct nflb_snat __rcu *snat_addr;
	u32 timeout_tcp;		/* seconds; 0: conntrack's default */
	u32 timeout_tcp_fin;
	u32 timeout_udp;
	/*
	 * Conntrack timeout policy of the service's flows, NULL while every
	 * timeout is 0.  The service holds one reference, each flow carrying
	 * the policy another (dropped by conntrack when the flow ends), so
	 * it outlives the service; its values change in place.
	 */
	struct nf_ct_timeout __rcu *ct_timeout;
	/* New flows a second << 32 | burst, 0: none; READ_ONCE. */
	u64 limit;
	struct nflb_bucket bucket;
	struct list_head backends;
	unsigned int n_backends;
	struct nflb_table __rcu *table;
	struct nflb_stats __percpu *stats;
	struct nflb_stats_est est;	/* under nflb_net::lock */
	struct rcu_head rcu;
};

/* A backend to create: key and options, checked by the netlink layer. */
struct nflb_be_spec {
	union nf_inet_addr addr;
	__be16 port;
	u16 weight;
	u8 state;
	const struct nlattr *attr;	/* of the request, for messages */
};

struct nflb_svc_opts {
	u32 table_size;
	u64 seed;
	u8 hash;
	bool snat;
	u8 forward;
	bool synproxy;
	bool snat_fixed;		/* snat to snat_addr */
	union nf_inet_addr snat_addr;
	u32 timeout_tcp;
	u32 timeout_tcp_fin;
	u32 timeout_udp;
	u32 rate;			/* 0: no limit */
	u32 burst;			/* with a rate, at least 1 */
};

/*
 * May SVC take a new flow (NAT: a new conntrack entry; DSR: a flow without
 * an entry)?  Lock-free; a refusal is counted.
 */
static inline bool nflb_service_admit(struct nflb_service *svc)
{
	u64 limit = READ_ONCE(svc->limit);

	if (!limit || nflb_bucket_take(&svc->bucket, limit >> 32, (u32)limit,
				       ktime_get_ns()))
		return true;
	nflb_stats_event(svc->stats, NFLB_STAT_RATE_DROP);
	return false;
}

/*
 * The service hash.  Every packet of a translated flow looks its service
 * up (nflb_count()), so the lookup is inlined there and the key's hash is
 * a few multiplications instead of jhash2's rounds over five words: the
 * keys are the administrator's, not a sender's, and the per-table random
 * seed still varies the layout.  A multiply carries entropy only upwards,
 * hence the final folds: rhashtable takes a bucket from the low bits.
 */
static inline u32 nflb_svc_hash(const void *data, u32 len, u32 seed)
{
	const u32 *w = data;
	u64 h;

	BUILD_BUG_ON(sizeof(struct nflb_svc_key) != 5 * sizeof(u32));
	h = (((u64)w[0] << 32 | w[1]) ^ seed) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ ((u64)w[2] << 32 | w[3])) * 0xc2b2ae3d27d4eb4fULL;
	h = (h ^ w[4]) * 0x165667b19e3779f9ULL;
	h ^= h >> 32;
	h *= 0x85ebca77c2b2ae63ULL;
	return (u32)(h ^ (h >> 29));
}

/* Keys compared as words: memcmp() goes byte by byte. */
static inline int nflb_svc_cmp(struct rhashtable_compare_arg *arg,
			       const void *obj)
{
	const u32 *a = arg->key;
	const u32 *b = obj + offsetof(struct nflb_service, key);
	unsigned int i;

	for (i = 0; i < sizeof(struct nflb_svc_key) / sizeof(u32); i++)
		if (a[i] != b[i])
			return 1;
	return 0;
}

static const struct rhashtable_params nflb_svc_params = {
	.key_len = sizeof(struct nflb_svc_key),
	.key_offset = offsetof(struct nflb_service, key),
	.head_offset = offsetof(struct nflb_service, rhnode),
	.hashfn = nflb_svc_hash,
	.obj_cmpfn = nflb_svc_cmp,
	.automatic_shrinking = true,
};

/*
 * The service of a packet to ADDR, PORT: the port's, else the VIP's
 * all-ports one.  Under RCU; inline for the packet path, out of line as
 * nflb_service_lookup_rcu().
 */
static inline struct nflb_service *
__nflb_service_lookup_rcu(struct nflb_net *nn, u8 family, u8 proto,
			  const union nf_inet_addr *addr, __be16 port)
{
	struct nflb_svc_key key = {
		.port = port,
		.proto = proto,
		.family = family,
	};
	struct nflb_service *svc;

	if (family == AF_INET)
		key.addr.ip = addr->ip;
	else
		key.addr.in6 = addr->in6;
	svc = rhashtable_lookup(&nn->services, &key, nflb_svc_params);
	if (svc || !port)
		return svc;
	key.port = 0;
	return rhashtable_lookup(&nn->services, &key, nflb_svc_params);
}

unsigned int nflb_addr_len(u16 family);
unsigned int nflb_timeout_jiffies(u32 secs, unsigned int hz);
void nflb_svc_opts_get(const struct nflb_service *svc,
		       struct nflb_svc_opts *opts);
int nflb_service_table_init(struct nflb_net *nn);
void nflb_service_table_destroy(struct nflb_net *nn);
struct nflb_service *nflb_service_lookup_rcu(struct nflb_net *nn, u8 family,
					     u8 proto,
					     const union nf_inet_addr *addr,
					     __be16 port);
struct nflb_service *nflb_service_find(struct nflb_net *nn,
				       const struct nflb_svc_key *key);
/*
 * Adding a service takes two steps, so that netns.c can hook the family in
 * between (nflb_net_service_add()): create (everything that can fail but
 * publication), then insert, or destroy what was created.
 */
struct nflb_service *nflb_service_create(struct nflb_net *nn,
					 const struct nflb_svc_key *key,
					 const struct nflb_svc_opts *opts,
					 const struct nflb_be_spec *bes,
					 unsigned int n_bes,
					 struct netlink_ext_ack *extack);
int nflb_service_insert(struct nflb_net *nn, struct nflb_service *svc,
			struct netlink_ext_ack *extack);
void nflb_service_destroy(struct nflb_net *nn, struct nflb_service *svc);
int nflb_service_set(struct nflb_net *nn, struct nflb_service *svc,
		     const struct nflb_svc_opts *opts,
		     struct netlink_ext_ack *extack);
void nflb_service_del(struct nflb_net *nn, struct nflb_service *svc);
void nflb_service_flush(struct nflb_net *nn);

struct nflb_backend *nflb_backend_find(struct nflb_service *svc,
				       const union nf_inet_addr *addr,
				       __be16 port);
int nflb_backend_add(struct nflb_net *nn, struct nflb_service *svc,
		     const union nf_inet_addr *addr, __be16 port, u16 weight,
		     u8 state, struct netlink_ext_ack *extack);
int nflb_backend_set(struct nflb_net *nn, struct nflb_service *svc,
		     struct nflb_backend *be, u16 weight, u8 state,
		     struct netlink_ext_ack *extack);
int nflb_backend_del(struct nflb_net *nn, struct nflb_service *svc,
		     struct nflb_backend *be, struct netlink_ext_ack *extack);

/*
 * Expire conntrack entries, after a grace period: the flows of the service
 * KEY translated to the backend ADDR, PORT; or those to KEY's VIP and port
 * that carry no DNAT binding (started before the service existed).  Long:
 * called without nflb_net::lock.
 */
void nflb_flush_backend_flows(struct nflb_net *nn,
			      const struct nflb_svc_key *key,
			      const union nf_inet_addr *addr, __be16 port);
void nflb_unbound_init(struct nflb_net *nn);
void nflb_flush_unbound_flows(struct nflb_net *nn);
void nflb_unbound_stop(struct nflb_net *nn);

/*
 * snat.c: the fixed source of one-arm services.  Prepare (may fail, for a
 * service not yet changed), then commit (cannot fail) or drop.
 */
int nflb_snat_prepare_addr(struct nflb_net *nn,
			   const struct nflb_service *svc,
			   const struct nflb_svc_opts *opts,
			   struct nflb_snat **new);
void nflb_snat_commit(struct nflb_net *nn, struct nflb_service *svc,
		      const struct nflb_svc_opts *opts, struct nflb_snat *new);
void nflb_snat_free(struct nflb_service *svc);

/* Zero the counters of SVC and its backends. */
void nflb_service_stats_zero(struct nflb_net *nn, struct nflb_service *svc);

/*
 * The rate estimator of a netns: a delayed work every NFLB_RATE_INTERVAL
 * seconds while the netns has services.  nflb_est_stop() before the
 * services are freed.
 */
void nflb_est_init(struct nflb_net *nn);
void nflb_est_stop(struct nflb_net *nn);

/*
 * The order of nflb_maglev_key() (port, then address, both in network
 * order, compared as numbers), without building keys: this runs for every
 * packet of every flow we translated (nflb_count()).
 */
static inline int nflb_be_cmp(const struct nflb_backend *be, u8 family,
			      const union nf_inet_addr *addr, __be16 port)
{
	unsigned int i, words = family == AF_INET ? 1 : 4;
	u32 a, b;

	if (port != be->port)
		return ntohs(port) < ntohs(be->port) ? -1 : 1;
	for (i = 0; i < words; i++) {
		a = ntohl(addr->all[i]);
		b = ntohl(be->addr.all[i]);
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

/* nflb_table_index(), inline for the packet path. */
static inline int __nflb_table_index(const struct nflb_table *t, u8 family,
				     const union nf_inet_addr *addr,
				     __be16 port)
{
	u32 lo = 0, hi = t->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = nflb_be_cmp(t->be[mid], family, addr, port);
		if (!c)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Index in t->be[] (sorted by identity) of a backend, or -1. */
int nflb_table_index(const struct nflb_table *t, u8 family,
		     const union nf_inet_addr *addr, __be16 port);

#endif /* _NFLB_SERVICE_H */
