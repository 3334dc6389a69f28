// SPDX-License-Identifier: GPL-2.0
/*
 * Expiring a service's flows in conntrack: a deleted or flushed backend's
 * (backend del/set ... flush), and those that started before their
 * service existed (after every SERVICE_NEW, deferred).  Split from
 * service.c, which owns the services these walks match against.
 */

#include <linux/workqueue.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_tuple.h>

#include "dsr.h"
#include "kunit.h"
#include "service.h"

/*
 * Expiring flows.  A conntrack walk over the whole table and a grace period
 * first: long work, done without nflb_net::lock (and so without blocking
 * the netns's other requests), from a copy of what it matches.
 */
struct nflb_flush_ctx {
	struct nflb_svc_key key;
	union nf_inet_addr addr;	/* the backend's, for nflb_ct_of_backend */
	__be16 port;
};

/* Is CT a flow to the service's VIP and port (NATed or not)? */
static bool nflb_ct_of_service(const struct nf_conn *ct,
			       const struct nflb_svc_key *key)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	return nf_ct_l3num(ct) == key->family &&
	       o->dst.protonum == key->proto &&
	       nf_inet_addr_cmp(&o->dst.u3, &key->addr) &&
	       (!key->port || o->dst.u.all == key->port);
}

/* Is CT a flow of the service, translated to the backend? */
static int nflb_ct_of_backend(struct nf_conn *ct, void *data)
{
	const struct nf_conntrack_tuple *r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	const struct nflb_flush_ctx *ctx = data;

	if (!(ct->status & IPS_DST_NAT) || !nflb_ct_of_service(ct, &ctx->key))
		return 0;
	return nf_inet_addr_cmp(&r->src.u3, &ctx->addr) &&
	       (!ctx->port || r->src.u.all == ctx->port);
}

static void nflb_flush(struct nflb_net *nn, int (*match)(struct nf_conn *, void *),
		       struct nflb_flush_ctx *ctx)
{
	struct nf_ct_iter_data iter = { .net = nn->net, .data = ctx };

	lockdep_assert_not_held(&nn->lock);
	/*
	 * Once the packets that saw the previous state are through, no new
	 * flow can be made that matches but escapes the walk.
	 */
	synchronize_rcu();
	nf_ct_iterate_cleanup_net(match, &iter);
}

void nflb_flush_backend_flows(struct nflb_net *nn,
			      const struct nflb_svc_key *key,
			      const union nf_inet_addr *addr, __be16 port)
{
	struct nflb_flush_ctx ctx = { .key = *key, .addr = *addr, .port = port };

	nflb_flush(nn, nflb_ct_of_backend, &ctx);
	nflb_dsr_forget(nn, key, addr);
}
NFLB_EXPORT_FOR_KUNIT(nflb_flush_backend_flows);

/*
 * Is CT a flow to one of the netns's services that nflb did not translate?
 * It started before its service existed: conntrack gave it a null binding,
 * and every later packet of it would stay on the VIP.
 */
static int nflb_ct_unbound(struct nf_conn *ct, void *data)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct nflb_net *nn = data;
	bool found;

	if (ct->status & IPS_DST_NAT)
		return 0;
	if (o->dst.protonum != IPPROTO_TCP && o->dst.protonum != IPPROTO_UDP)
		return 0;
	rcu_read_lock();
	found = nflb_service_lookup_rcu(nn, nf_ct_l3num(ct), o->dst.protonum,
					&o->dst.u3, o->dst.u.all);
	rcu_read_unlock();
	return found;
}

/*
 * Queued as an rcu_work: it runs after a grace period, so every packet
 * that looked for a service before it was published is through and its
 * flow is in the table.  One walk serves all the services added before
 * the grace period began; a service added while the work was already
 * queued (its grace period perhaps begun earlier) asks for one more.
 */
static void nflb_unbound_work(struct work_struct *work)
{
	struct nflb_net *nn = container_of(to_rcu_work(work), struct nflb_net,
					   unbound_work);
	struct nf_ct_iter_data iter = { .net = nn->net, .data = nn };
	/* Taken before the walk: set later, it asks for a later walk. */
	bool again = xchg(&nn->unbound_again, false);

	nf_ct_iterate_cleanup_net(nflb_ct_unbound, &iter);
	if (again)
		queue_rcu_work(system_wq, &nn->unbound_work);
}

void nflb_unbound_init(struct nflb_net *nn)
{
	INIT_RCU_WORK(&nn->unbound_work, nflb_unbound_work);
}

/*
 * After a service was published: expire the flows to it that started
 * before it, without waiting for them (SERVICE_NEW stays cheap, and a
 * restore of many services costs a few walks, not one each).  The flag
 * first: whether the work was idle, queued or already running, a walk
 * whose grace period begins after this call is then still to come.
 */
void nflb_flush_unbound_flows(struct nflb_net *nn)
{
	WRITE_ONCE(nn->unbound_again, true);
	queue_rcu_work(system_wq, &nn->unbound_work);
}
NFLB_EXPORT_FOR_KUNIT(nflb_flush_unbound_flows);

/* At netns exit, when no request can queue it any more. */
void nflb_unbound_stop(struct nflb_net *nn)
{
	/* Twice: a run may have queued one more. */
	flush_rcu_work(&nn->unbound_work);
	flush_rcu_work(&nn->unbound_work);
}
