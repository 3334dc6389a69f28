/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_DSR_H
#define _NFLB_DSR_H

#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>

#include "ratelimit.h"

struct netlink_ext_ack;
struct nflb_net;
struct nflb_service;
struct nflb_svc_key;
struct sk_buff;

/*
 * Direct server return: services with forward gre or ipip.  dsr.c holds the
 * packet path (a PRE_ROUTING hook ahead of conntrack) and the per-netns
 * setup, dsr_flow.c the flow table, dsr_xmit.c the encapsulation.
 *
 * The flow table: a fixed array of 64-byte entries, NFLB_DSR_WAYS to a
 * bucket, allocated whole (memcg-accounted) with the first DSR service of
 * the netns, so that no packet ever waits on or fails an allocation.
 * Readers are lockless: each entry carries a sequence count, odd while a
 * writer changes it.  Writers (a new flow, a state change, a flush) hold
 * the bucket's lock, one of NFLB_DSR_LOCKS, with BHs off.
 */

#define NFLB_DSR_WAYS		8
#define NFLB_DSR_LOCKS		256
#define NFLB_DSR_FLOWS_MIN	1024U
#define NFLB_DSR_FLOWS_MAX	(1U << 24)
#define NFLB_DSR_FLOWS_DEFAULT	65536U

/* Idle timeouts (seconds) the service does not set. */
#define NFLB_DSR_TIMEOUT_NEW	30
#define NFLB_DSR_TIMEOUT_CLOSE	10
#define NFLB_DSR_TIMEOUT_TCP	900
#define NFLB_DSR_TIMEOUT_FIN	120
#define NFLB_DSR_TIMEOUT_UDP	300

/* Entries the flow table of a new netns gets: net.nflb.dsr_flows. */
extern unsigned int nflb_dsr_flows;
/* New entries a second per netns, 0: no limit: net.nflb.dsr_flow_rate. */
#define NFLB_DSR_FLOW_RATE_DEFAULT	100000U
extern unsigned int nflb_dsr_flow_rate;

struct nflb_dsr_flow {
	u32 seq;			/* odd while a writer changes it */
	u32 expires;			/* ktime_get_seconds(), truncated */
	union nf_inet_addr saddr;	/* client */
	union nf_inet_addr daddr;	/* VIP */
	union nf_inet_addr backend;
	__be16 sport;
	__be16 dport;
	u8 family;			/* 0: a free entry */
	u8 proto;
	u8 state;			/* enum nflb_flow_state */
	u8 pad;
};

/* What identifies a flow; fully initialised (part of the hash input). */
struct nflb_dsr_key {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;
	u8 proto;
	u8 pad[2];
};

enum nflb_dsr_stat {
	NFLB_DSR_STAT_INSERTS,
	NFLB_DSR_STAT_EVICTS,
	NFLB_DSR_STAT_FULL,
	NFLB_DSR_STAT_TOO_BIG,
	NFLB_DSR_STAT_NO_ROUTE,
	NFLB_DSR_STAT_ERRORS,
	NFLB_DSR_STAT_ICMP,
	NFLB_DSR_STAT_GUARD,
	NFLB_DSR_STAT_N,
};

struct nflb_dsr_stats {
	u64_stats_t v[NFLB_DSR_STAT_N];
	struct u64_stats_sync syncp;
};

struct nflb_dsr {
	struct nflb_dsr_flow *flows;	/* n_buckets * NFLB_DSR_WAYS */
	u32 n_buckets;			/* a power of 2 */
	u32 seed;
	struct nflb_dsr_stats __percpu *stats;
	struct nflb_bucket guard;	/* new entries: nflb_dsr_flow_rate */
	bool hooked[2];			/* IPv4, IPv6; under nflb_net::lock */
	spinlock_t locks[NFLB_DSR_LOCKS];
};

/* What a lookup or an insertion found. */
struct nflb_dsr_hit {
	union nf_inet_addr backend;
	u8 state;
	u32 expires;
	struct nflb_dsr_flow *flow;
	u32 seq;
};

/* Which flows a flush or a dump takes; NULL members match any. */
struct nflb_dsr_filter {
	const struct nflb_svc_key *svc;
	const union nf_inet_addr *backend;
	/* An all-ports service does not take flows of this netns's services. */
	struct nflb_net *nn;
};

/* dsr.c */
int nflb_dsr_prepare(struct nflb_net *nn, u8 family,
		     struct netlink_ext_ack *extack);
void nflb_dsr_unhook(struct nflb_net *nn);
void nflb_dsr_free(struct nflb_net *nn);

/* dsr_flow.c */
struct nflb_dsr *nflb_dsr_alloc(unsigned int flows);
void nflb_dsr_table_free(struct nflb_dsr *dsr);
u32 nflb_dsr_now(void);
bool nflb_dsr_lookup(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		     u32 hash, struct nflb_dsr_hit *hit);
int nflb_dsr_insert(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		    u32 hash, const union nf_inet_addr *backend, u8 state,
		    u32 expires, bool replace, struct nflb_dsr_hit *hit);
void nflb_dsr_update(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		     u32 hash, const struct nflb_dsr_hit *hit, u8 state,
		     u32 expires);
u32 nflb_dsr_hash(const struct nflb_dsr *dsr, const struct nflb_dsr_key *k);
bool nflb_dsr_filter_match(const struct nflb_dsr_filter *f,
			   const struct nflb_dsr_flow *e);
bool nflb_dsr_read(const struct nflb_dsr_flow *e, struct nflb_dsr_flow *copy);
unsigned int nflb_dsr_flush(struct nflb_dsr *dsr,
			    const struct nflb_dsr_filter *f);
u32 nflb_dsr_used(struct nflb_dsr *dsr);
void nflb_dsr_stats_read(struct nflb_dsr *dsr, u64 *v);

static inline void nflb_dsr_count(struct nflb_dsr *dsr, enum nflb_dsr_stat s)
{
	struct nflb_dsr_stats *st;

	local_bh_disable();
	st = this_cpu_ptr(dsr->stats);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->v[s]);
	u64_stats_update_end(&st->syncp);
	local_bh_enable();
}

/* What nflb_dsr_xmit() did with a packet. */
enum nflb_dsr_sent {
	NFLB_DSR_SENT,
	NFLB_DSR_TOO_BIG,		/* dropped, answered with ICMP */
	NFLB_DSR_ENCAP_FAILED,		/* dropped: no route, no headroom */
};

/* dsr_xmit.c: consumes SKB; drops are counted in DSR's stats too. */
enum nflb_dsr_sent nflb_dsr_xmit(struct nflb_dsr *dsr, struct net *net,
				 struct sk_buff *skb, u8 family, u8 method,
				 const union nf_inet_addr *backend, u32 hash);

/* Forget the DSR flows of a service or a backend (process context). */
void nflb_dsr_forget(struct nflb_net *nn, const struct nflb_svc_key *key,
		     const union nf_inet_addr *backend);

#endif /* _NFLB_DSR_H */
