// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.  nflb plugs into nf_nat as a NAT "lookup" function, as
 * the iptables and nftables NAT tables do: nf_nat calls it for the first
 * packet of each new conntrack entry only, and it answers by setting up
 * the DNAT binding to the backend Maglev picked (and, for one-arm services,
 * a masquerading SNAT binding on the way out).  Every later packet and
 * every reply is translated by conntrack and NAT themselves.
 *
 * A second pair of plain hooks counts packets and bytes of our flows
 * (those offloaded to the flowtable are counted by offload.c), and times
 * those that came without the service's timeout policy.
 * Nothing here allocates or takes a lock: the service hash and the tables
 * are read under RCU (netfilter hooks run inside rcu_read_lock()).  This
 * file reads services and knows nothing of how they are configured;
 * netns.c registers and unregisters the hooks.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_timeout.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>
#include <uapi/linux/nflb.h>

#include "hooks.h"
#include "maglev.h"
#include "offload.h"
#include "service.h"

/* The fields of a flow that pick its backend; fully initialised. */
struct nflb_flow_key {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 family;
	u8 pad[2];
};

static __always_inline struct nflb_service *
nflb_ct_service(const struct nf_hook_state *state, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	if (o->dst.protonum != IPPROTO_TCP && o->dst.protonum != IPPROTO_UDP)
		return NULL;
	return __nflb_service_lookup_rcu(nflb_net(state->net), nf_ct_l3num(ct),
					 o->dst.protonum, &o->dst.u3,
					 o->dst.u.all);
}

static void nflb_reject(struct sk_buff *skb, const struct nf_hook_state *state,
			u8 family, u8 proto)
{
	if (family == AF_INET) {
		if (proto == IPPROTO_TCP)
			nf_send_reset(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	} else {
		if (proto == IPPROTO_TCP)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
	}
}

/*
 * A new flow of a service with timeouts: attach the service's conntrack
 * timeout policy (the extension is conntrack's own allocation, as nft "ct
 * timeout" makes it) and apply it to this first packet, which conntrack
 * already timed with its defaults.  Without memory the flow simply keeps
 * the defaults.
 */
static void nflb_ct_timeout_attach(struct nf_conn *ct, struct sk_buff *skb,
				   const struct nflb_service *svc)
{
	struct nf_ct_timeout *policy = rcu_dereference(svc->ct_timeout);
	struct nf_conn_timeout *ext;
	const unsigned int *v;
	unsigned int state;

	if (!policy || nf_ct_is_confirmed(ct) || nf_ct_timeout_find(ct))
		return;
	ext = nf_ct_timeout_ext_add(ct, policy, GFP_ATOMIC);
	if (!ext)
		return;
	v = nf_ct_timeout_data(ext);
	if (!v)
		return;
	/* Unconfirmed: the timeout is relative, no lock needed. */
	state = svc->key.proto == IPPROTO_TCP ? ct->proto.tcp.state :
						UDP_CT_UNREPLIED;
	nf_ct_refresh(ct, skb, READ_ONCE(v[state]));
}

/*
 * A flow of a service with timeouts that carries no policy: above all one
 * that conntrackd injected on this node (ctnetlink carries no timeout
 * policy, and no extension can be added to a confirmed entry), or one that
 * began before the service had timeouts.  Conntrack has just timed this
 * packet with its defaults; time it with the service's values instead, in
 * the states the service overrides, as the policy would have.  No lock:
 * conntrack itself refreshes timeouts this way.
 */
static void nflb_ct_timeout_adopt(struct nf_conn *ct, struct sk_buff *skb,
				  const struct nflb_service *svc)
{
	const struct nf_ct_timeout *policy = rcu_dereference(svc->ct_timeout);
	const unsigned int *v;
	unsigned int state;

	if (!policy || nf_ct_timeout_find(ct))
		return;
	v = (const unsigned int *)policy->data;
	if (svc->key.proto == IPPROTO_UDP) {
		state = test_bit(IPS_SEEN_REPLY_BIT, &ct->status) ?
			UDP_CT_REPLIED : UDP_CT_UNREPLIED;
	} else {
		state = READ_ONCE(ct->proto.tcp.state);
		switch (state) {
		case TCP_CONNTRACK_ESTABLISHED:
			if (!READ_ONCE(svc->timeout_tcp))
				return;
			break;
		case TCP_CONNTRACK_FIN_WAIT:
		case TCP_CONNTRACK_CLOSE_WAIT:
		case TCP_CONNTRACK_LAST_ACK:
		case TCP_CONNTRACK_TIME_WAIT:
			if (!READ_ONCE(svc->timeout_tcp_fin))
				return;
			break;
		default:
			return;
		}
	}
	nf_ct_refresh(ct, skb, READ_ONCE(v[state]));
}

/* PRE_ROUTING and LOCAL_OUT, NAT_DST: pick a backend for a new flow. */
static unsigned int nflb_nat_dst(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *o;
	struct nf_nat_range2 range = {};
	enum ip_conntrack_info ctinfo;
	struct nflb_flow_key fk = {};
	const struct nflb_table *t;
	struct nflb_service *svc;
	struct nflb_backend *be;
	unsigned int ret;
	struct nf_conn *ct;
	u32 hash;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	svc = nflb_ct_service(state, ct);
	if (!svc || READ_ONCE(svc->forward) != NFLB_FORWARD_NAT)
		return NF_ACCEPT;
	o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	t = rcu_dereference(svc->table);
	if (!t->size) {
		nflb_stats_event(svc->stats, NFLB_STAT_DROP);
		nflb_reject(skb, state, svc->key.family, svc->key.proto);
		return NF_DROP;
	}
	/*
	 * Over the service's rate: dropped unanswered, as nft "limit" does.
	 * A TCP flow picked up mid-stream (loose tracking: an HA takeover) is
	 * an established connection, never limited.
	 */
	if ((svc->key.proto != IPPROTO_TCP ||
	     ct->proto.tcp.state == TCP_CONNTRACK_SYN_SENT) &&
	    !nflb_service_admit(svc))
		return NF_DROP;

	fk.family = svc->key.family;
	fk.saddr = o->src.u3;
	if (t->hash == NFLB_HASH_5TUPLE) {
		fk.daddr = o->dst.u3;
		fk.sport = o->src.u.all;
		fk.dport = o->dst.u.all;
		fk.proto = o->dst.protonum;
	}
	hash = nflb_maglev_flow_hash(&fk, sizeof(fk), t->seed);
	be = t->be[t->slots[hash % t->size]];

	range.flags = NF_NAT_RANGE_MAP_IPS;
	range.min_addr = be->addr;
	range.max_addr = be->addr;
	if (be->port) {
		range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		range.min_proto.all = be->port;
		range.max_proto.all = be->port;
	}
	ret = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
	if (ret == NF_ACCEPT) {
		nflb_ct_timeout_attach(ct, skb, svc);
		nflb_offload_new_flow(nflb_net(state->net), ct, skb->len);
		nflb_stats_event(svc->stats, NFLB_STAT_CONN);
		nflb_stats_event(be->stats, NFLB_STAT_CONN);
	} else {
		nflb_stats_event(svc->stats, NFLB_STAT_DROP);
	}
	return ret;
}

/*
 * POST_ROUTING, NAT_SRC: one-arm services also take a source address of
 * ours: the fixed one as a plain SNAT binding (which, unlike masquerade,
 * outlives the address leaving the node: an HA pair's floating address),
 * or the outgoing interface's.
 */
static unsigned int nflb_nat_src(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nf_nat_range2 range = {};
	enum ip_conntrack_info ctinfo;
	const struct nflb_snat *snat;
	struct nflb_service *svc;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	svc = nflb_ct_service(state, ct);
	if (!svc || !READ_ONCE(svc->snat))
		return NF_ACCEPT;
	snat = rcu_dereference(svc->snat_addr);
	if (snat) {
		range.flags = NF_NAT_RANGE_MAP_IPS;
		range.min_addr = snat->addr;
		range.max_addr = snat->addr;
		return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
	}
	if (svc->key.family == AF_INET)
		return nf_nat_masquerade_ipv4(skb, state->hook, &range,
					      state->out);
	return nf_nat_masquerade_ipv6(skb, &range, state->out);
}

/*
 * POST_ROUTING and LOCAL_IN, last: count the packets of our flows, each
 * once (forwarded and local traffic leave through POST_ROUTING; replies to
 * a local client arrive through LOCAL_IN).
 */
static unsigned int nflb_count(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *r;
	enum ip_conntrack_info ctinfo;
	const struct nflb_table *t;
	struct nflb_service *svc;
	struct nf_conn *ct;
	bool reply;
	int i;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	reply = CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY;
	if (state->hook == NF_INET_LOCAL_IN && !reply)
		return NF_ACCEPT;
	svc = nflb_ct_service(state, ct);
	if (!svc)
		return NF_ACCEPT;
	nflb_ct_timeout_adopt(ct, skb, svc);
	/* Once offloaded, a flow is counted from conntrack's accounting. */
	if (nflb_offload_counted(nflb_net(state->net), ct))
		return NF_ACCEPT;
	r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	t = rcu_dereference(svc->table);
	i = __nflb_table_index(t, svc->key.family, &r->src.u3,
			       svc->key.port ? r->src.u.all : 0);
	nflb_stats_packet(svc->stats, i >= 0 ? t->be[i]->stats : NULL, reply,
			  skb->len);
	return NF_ACCEPT;
}

#define NFLB_OPS(fn_, pf_, hooknum_, prio_) \
	{ .hook = fn_, .pf = pf_, .hooknum = hooknum_, .priority = prio_ }

static const struct nf_hook_ops nflb_nat_ops4[] = {
	NFLB_OPS(nflb_nat_dst, NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST),
	NFLB_OPS(nflb_nat_dst, NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST),
	NFLB_OPS(nflb_nat_src, NFPROTO_IPV4, NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC),
};

static const struct nf_hook_ops nflb_nat_ops6[] = {
	NFLB_OPS(nflb_nat_dst, NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_NAT_DST),
	NFLB_OPS(nflb_nat_dst, NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_NAT_DST),
	NFLB_OPS(nflb_nat_src, NFPROTO_IPV6, NF_INET_POST_ROUTING, NF_IP6_PRI_NAT_SRC),
};

static const struct nf_hook_ops nflb_count_ops4[] = {
	NFLB_OPS(nflb_count, NFPROTO_IPV4, NF_INET_POST_ROUTING, NF_IP_PRI_LAST),
	NFLB_OPS(nflb_count, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_LAST),
};

static const struct nf_hook_ops nflb_count_ops6[] = {
	NFLB_OPS(nflb_count, NFPROTO_IPV6, NF_INET_POST_ROUTING, NF_IP6_PRI_LAST),
	NFLB_OPS(nflb_count, NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_LAST),
};

#define NFLB_NAT_OPS	ARRAY_SIZE(nflb_nat_ops4)
#define NFLB_COUNT_OPS	ARRAY_SIZE(nflb_count_ops4)
static_assert(ARRAY_SIZE(nflb_nat_ops6) == NFLB_NAT_OPS);
static_assert(ARRAY_SIZE(nflb_count_ops6) == NFLB_COUNT_OPS);

/* What a family registers. */
struct nflb_af {
	u8 pf;
	const struct nf_hook_ops *nat;		/* NFLB_NAT_OPS */
	const struct nf_hook_ops *count;	/* NFLB_COUNT_OPS */
	int (*nat_register)(struct net *net, const struct nf_hook_ops *ops);
	void (*nat_unregister)(struct net *net, const struct nf_hook_ops *ops);
};

static const struct nflb_af nflb_afs[] = {
	{
		.pf = NFPROTO_IPV4,
		.nat = nflb_nat_ops4,
		.count = nflb_count_ops4,
		.nat_register = nf_nat_ipv4_register_fn,
		.nat_unregister = nf_nat_ipv4_unregister_fn,
	},
	{
		.pf = NFPROTO_IPV6,
		.nat = nflb_nat_ops6,
		.count = nflb_count_ops6,
		.nat_register = nf_nat_ipv6_register_fn,
		.nat_unregister = nf_nat_ipv6_unregister_fn,
	},
};

static const struct nflb_af *nflb_af(u8 family)
{
	return &nflb_afs[family == AF_INET ? 0 : 1];
}

/*
 * The masquerade notifiers (what the MASQUERADE target and nft masq take):
 * nflb_nat_src() masquerades one-arm flows, and only these notifiers
 * expire such a flow when the address it took goes away or its device
 * goes down.  They are global, refcounted by nf_nat, and taken once, by
 * the first request for a one-arm service, until the module is unloaded.
 * Not with the hooks: unregistering a netdevice notifier takes
 * pernet_ops_rwsem, which the netns teardown that unhooks already holds,
 * and registering it under nflb_net::lock would order that lock before
 * pernet_ops_rwsem, the reverse of the teardown's order.
 */
static DEFINE_MUTEX(nflb_masq_mutex);
static bool nflb_masq_registered;

int nflb_masq_get(void)
{
	int ret = 0;

	if (READ_ONCE(nflb_masq_registered))
		return 0;
	mutex_lock(&nflb_masq_mutex);
	if (!nflb_masq_registered) {
		ret = nf_nat_masquerade_inet_register_notifiers();
		if (!ret)
			WRITE_ONCE(nflb_masq_registered, true);
	}
	mutex_unlock(&nflb_masq_mutex);
	return ret;
}

/* At module exit, once no request can run (the family is gone). */
void nflb_masq_put(void)
{
	if (nflb_masq_registered)
		nf_nat_masquerade_inet_unregister_notifiers();
	nflb_masq_registered = false;
}

int nflb_hooks_register(struct net *net, u8 family)
{
	const struct nflb_af *af = nflb_af(family);
	int i, ret;

	ret = nf_ct_netns_get(net, af->pf);
	if (ret)
		return ret;
	for (i = 0; i < NFLB_NAT_OPS; i++) {
		ret = af->nat_register(net, &af->nat[i]);
		if (ret)
			goto err_nat;
	}
	ret = nf_register_net_hooks(net, af->count, NFLB_COUNT_OPS);
	if (ret)
		goto err_nat;
	return 0;

err_nat:
	while (i--)
		af->nat_unregister(net, &af->nat[i]);
	nf_ct_netns_put(net, af->pf);
	return ret;
}

void nflb_hooks_unregister(struct net *net, u8 family)
{
	const struct nflb_af *af = nflb_af(family);
	int i;

	nf_unregister_net_hooks(net, af->count, NFLB_COUNT_OPS);
	for (i = 0; i < NFLB_NAT_OPS; i++)
		af->nat_unregister(net, &af->nat[i]);
	nf_ct_netns_put(net, af->pf);
}
