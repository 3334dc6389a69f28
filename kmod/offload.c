// SPDX-License-Identifier: GPL-2.0
/*
 * The flowtable fast path: established NAT flows of nflb's services leave
 * the netfilter hooks for the kernel's nf_flow_table, as nftables "flow add
 * @ft" makes them.  The operator names the devices (lbadm offload dev A dev
 * B): nflb owns one nf_flowtable per netns, hooks NF_NETDEV_INGRESS on each
 * device with the flowtable's own lookup, and a FORWARD hook offloads a
 * flow of a service once it is established (TCP ESTABLISHED, UDP answered),
 * when it enters and leaves through listed devices.  The flowtable hands
 * TCP FIN and RST back to conntrack itself, tears a flow down when its
 * conntrack entry dies (a deleted backend's flush) and expires idle ones.
 *
 * Counting.  Offloaded packets skip nflb_count(); the flowtable counts
 * them in conntrack's accounting instead (NF_FLOWTABLE_COUNTER), which the
 * fast path adds to every new flow of a service while it is on.  A flow,
 * once offloaded, is counted from that accounting alone until its
 * conntrack entry dies: a record (struct nflb_offload_rec) keeps what was
 * already folded into the service's and backend's counters, nflb_count()
 * skips the flow, and the fold adds the difference every second and
 * before counters are reported.  Records hold a conntrack reference, one
 * per entry, so they are bounded by nf_conntrack_max.
 */

#include <linux/netdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rhashtable.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_flow_table.h>
#include <net/xfrm.h>
#include <uapi/linux/nflb.h>

#include "netns.h"
#include "offload.h"
#include "service.h"

/* The devices of the fast path; replaced whole under nflb_net::lock. */
struct nflb_offload_devs {
	struct rcu_head rcu;
	unsigned int n;
	u32 ifindex[NFLB_OFFLOAD_DEV_MAX];
};

/* A flow counted from conntrack's accounting, by its entry. */
struct nflb_offload_rec {
	struct rhash_head node;
	struct nf_conn *ct;		/* key; a reference held */
	u64 pkts[IP_CT_DIR_MAX];	/* folded so far */
	u64 bytes[IP_CT_DIR_MAX];
	struct rcu_head rcu;
};

struct nflb_offload {
	struct net *net;
	/* Under nflb_net::lock: the table lives while devices are listed. */
	struct nf_flowtable ft;
	bool ft_live;
	struct nflb_offload_devs __rcu *devs;
	/* The ingress hooks of devs, in ops[cur]; ops[!cur] for the next. */
	struct nf_hook_ops ops[2][NFLB_OFFLOAD_DEV_MAX];
	unsigned int cur;
	/* Records, added by the packet path, folded under fold_lock. */
	struct rhashtable recs;
	atomic_t n_recs;
	struct mutex fold_lock;
	struct delayed_work fold_work;
};

static const struct rhashtable_params nflb_rec_params = {
	.head_offset = offsetof(struct nflb_offload_rec, node),
	.key_offset = offsetof(struct nflb_offload_rec, ct),
	.key_len = sizeof(struct nf_conn *),
	.automatic_shrinking = true,
};

static unsigned int nflb_offload_ingress(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return nf_flow_offload_ip_hook(priv, skb, state);
	case htons(ETH_P_IPV6):
		return nf_flow_offload_ipv6_hook(priv, skb, state);
	}
	return NF_ACCEPT;
}

static struct nf_flowtable_type nflb_flowtable_type = {
	.family = NFPROTO_INET,
	.hook = nflb_offload_ingress,
	.owner = THIS_MODULE,
};

static bool nflb_offload_dev_listed(const struct nflb_offload_devs *devs,
				    const struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < devs->n; i++)
		if (devs->ifindex[i] == dev->ifindex)
			return true;
	return false;
}

/* What nft_flow_offload_eval() also asks of a flow. */
static bool nflb_offload_ready(const struct sk_buff *skb,
			       const struct nf_conn *ct)
{
	if (!nf_ct_is_confirmed(ct) ||
	    ct->status & (IPS_SEQ_ADJUST | IPS_NAT_CLASH) ||
	    nf_ct_ext_exist(ct, NF_CT_EXT_HELPER) || skb_sec_path(skb))
		return false;
	if (nf_ct_l3num(ct) == NFPROTO_IPV4 && IPCB(skb)->opt.optlen)
		return false;
	switch (nf_ct_protonum(ct)) {
	case IPPROTO_TCP:
		/* A FIN or RST has already moved the entry out of it. */
		return nf_conntrack_tcp_established(ct);
	case IPPROTO_UDP:
		return test_bit(IPS_SEEN_REPLY_BIT, &ct->status);
	}
	return false;
}

/* Both directions' routes: this packet's and the way back to its sender. */
static int nflb_offload_route(const struct nf_hook_state *state,
			      struct sk_buff *skb, const struct nf_conn *ct,
			      enum ip_conntrack_dir dir,
			      struct nf_flow_route *route)
{
	struct dst_entry *this_dst = skb_dst(skb);
	struct dst_entry *back = NULL;
	struct flowi fl = {};

	if (nf_ct_l3num(ct) == NFPROTO_IPV4) {
		fl.u.ip4.daddr = ct->tuplehash[dir].tuple.src.u3.ip;
		fl.u.ip4.saddr = ct->tuplehash[!dir].tuple.src.u3.ip;
		fl.u.ip4.flowi4_oif = state->in->ifindex;
		fl.u.ip4.flowi4_iif = this_dst->dev->ifindex;
		fl.u.ip4.flowi4_tos = RT_TOS(ip_hdr(skb)->tos);
		fl.u.ip4.flowi4_mark = skb->mark;
		fl.u.ip4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	} else {
		fl.u.ip6.daddr = ct->tuplehash[dir].tuple.src.u3.in6;
		fl.u.ip6.saddr = ct->tuplehash[!dir].tuple.src.u3.in6;
		fl.u.ip6.flowi6_oif = state->in->ifindex;
		fl.u.ip6.flowi6_iif = this_dst->dev->ifindex;
		fl.u.ip6.flowlabel = ip6_flowinfo(ipv6_hdr(skb));
		fl.u.ip6.flowi6_mark = skb->mark;
		fl.u.ip6.flowi6_flags = FLOWI_FLAG_ANYSRC;
	}
	if (!dst_hold_safe(this_dst))
		return -ENOENT;
	nf_route(state->net, &back, &fl, false, nf_ct_l3num(ct));
	if (!back) {
		dst_release(this_dst);
		return -ENOENT;
	}
	route->tuple[dir].dst = this_dst;
	route->tuple[dir].xmit_type = FLOW_OFFLOAD_XMIT_NEIGH;
	route->tuple[!dir].in.ifindex = this_dst->dev->ifindex;
	route->tuple[!dir].dst = back;
	route->tuple[!dir].xmit_type = FLOW_OFFLOAD_XMIT_NEIGH;
	route->tuple[dir].in.ifindex = back->dev->ifindex;
	return 0;
}

/*
 * The record of CT, made as its first packet goes on to be offloaded: what
 * conntrack counted so far, less this very packet (which nflb_count() will
 * skip), is what the hooks have counted.  Bounded: one per entry.
 */
static struct nflb_offload_rec *
nflb_offload_rec_get(struct nflb_offload *off, struct nf_conn *ct,
		     enum ip_conntrack_dir dir, unsigned int len)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	struct nflb_offload_rec *rec;
	int d;

	rec = rhashtable_lookup(&off->recs, &ct, nflb_rec_params);
	if (rec)
		return rec;
	if (!acct || atomic_inc_return(&off->n_recs) > nf_conntrack_max)
		goto err_count;
	rec = kzalloc(sizeof(*rec), GFP_ATOMIC);
	if (!rec)
		goto err_count;
	rec->ct = ct;
	for (d = 0; d < IP_CT_DIR_MAX; d++) {
		rec->pkts[d] = atomic64_read(&acct->counter[d].packets);
		rec->bytes[d] = atomic64_read(&acct->counter[d].bytes);
	}
	rec->pkts[dir] -= 1;
	rec->bytes[dir] -= len;
	nf_conntrack_get(&ct->ct_general);
	if (rhashtable_lookup_insert_fast(&off->recs, &rec->node,
					  nflb_rec_params)) {
		nf_conntrack_put(&ct->ct_general);
		kfree(rec);
		goto err_count;
	}
	return rec;

err_count:
	if (acct)
		atomic_dec(&off->n_recs);
	return NULL;
}

/* The flowtable sees one packet in a hundred: no TCP window tracking. */
static void nflb_offload_tcp_liberal(struct nf_conn *ct)
{
	spin_lock_bh(&ct->lock);
	ct->proto.tcp.seen[0].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	ct->proto.tcp.seen[1].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	spin_unlock_bh(&ct->lock);
}

/*
 * Into the flowtable.  Once the record exists the flow stays counted
 * from conntrack's accounting, offloaded or not: a flow that cannot be
 * offloaded now is tried again on its next packet.
 */
static void nflb_offload_flow(struct nflb_offload *off, struct sk_buff *skb,
			      const struct nf_hook_state *state,
			      struct nf_conn *ct, enum ip_conntrack_dir dir)
{
	struct nf_flow_route route = {};
	struct flow_offload *flow;

	if (test_and_set_bit(IPS_OFFLOAD_BIT, &ct->status))
		return;
	if (!nflb_offload_rec_get(off, ct, dir, skb->len))
		goto err_rec;
	if (nflb_offload_route(state, skb, ct, dir, &route))
		goto err_rec;
	flow = flow_offload_alloc(ct);
	if (!flow)
		goto err_route;
	flow_offload_route_init(flow, &route);
	if (nf_ct_protonum(ct) == IPPROTO_TCP)
		nflb_offload_tcp_liberal(ct);
	if (flow_offload_add(&off->ft, flow) < 0)
		goto err_flow;
	return;

err_flow:
	/* flow_offload_free() releases the routes with the flow. */
	flow_offload_free(flow);
	goto err_rec;
err_route:
	dst_release(route.tuple[dir].dst);
	dst_release(route.tuple[!dir].dst);
err_rec:
	clear_bit(IPS_OFFLOAD_BIT, &ct->status);
}

/* FORWARD, last: the flows of our services that may leave the hooks. */
static unsigned int nflb_offload_forward(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	struct nflb_net *nn = nflb_net(state->net);
	struct nflb_offload *off = READ_ONCE(nn->offload);
	const struct nf_conntrack_tuple *o;
	const struct nflb_offload_devs *devs;
	enum ip_conntrack_info ctinfo;
	struct nflb_service *svc;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !off || !(ct->status & IPS_DST_NAT) ||
	    test_bit(IPS_OFFLOAD_BIT, &ct->status))
		return NF_ACCEPT;
	devs = rcu_dereference(off->devs);
	if (!devs || !nflb_offload_dev_listed(devs, state->in) ||
	    !nflb_offload_dev_listed(devs, state->out) ||
	    !nflb_offload_ready(skb, ct))
		return NF_ACCEPT;
	o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	svc = __nflb_service_lookup_rcu(nn, nf_ct_l3num(ct), o->dst.protonum,
					&o->dst.u3, o->dst.u.all);
	if (!svc || READ_ONCE(svc->forward) != NFLB_FORWARD_NAT)
		return NF_ACCEPT;
	nflb_offload_flow(off, skb, state, ct, CTINFO2DIR(ctinfo));
	return NF_ACCEPT;
}

static const struct nf_hook_ops nflb_offload_fwd_ops[] = {
	{
		.hook = nflb_offload_forward,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = nflb_offload_forward,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_LAST,
	},
};

void nflb_offload_new_flow(struct nflb_net *nn, struct nf_conn *ct,
			   unsigned int len)
{
	const struct nflb_offload *off = READ_ONCE(nn->offload);
	struct nf_conn_acct *acct;

	if (!off || !rcu_access_pointer(off->devs) || nf_ct_is_confirmed(ct) ||
	    nf_conn_acct_find(ct))
		return;
	/* Without memory the flow is simply never offloaded. */
	acct = nf_ct_ext_add(ct, NF_CT_EXT_ACCT, GFP_ATOMIC);
	if (!acct)
		return;
	/* Conntrack counted this first packet before the extension was. */
	atomic64_set(&acct->counter[IP_CT_DIR_ORIGINAL].packets, 1);
	atomic64_set(&acct->counter[IP_CT_DIR_ORIGINAL].bytes, len);
}

bool nflb_offload_counted(struct nflb_net *nn, const struct nf_conn *ct)
{
	struct nflb_offload *off = READ_ONCE(nn->offload);

	return off && rhashtable_lookup(&off->recs, &ct, nflb_rec_params);
}

/* RCU held: what conntrack counted since the last fold, into the counters. */
static void nflb_offload_fold_one(struct nflb_net *nn,
				  struct nflb_offload_rec *rec)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(rec->ct);
	const struct nf_conntrack_tuple *o, *r;
	u64 pkts[IP_CT_DIR_MAX], bytes[IP_CT_DIR_MAX];
	struct nflb_stats __percpu *be_stats = NULL;
	const struct nflb_table *t;
	struct nflb_service *svc;
	bool bh;
	int d, i;

	for (d = 0; d < IP_CT_DIR_MAX; d++) {
		u64 p = atomic64_read(&acct->counter[d].packets);
		u64 b = atomic64_read(&acct->counter[d].bytes);

		pkts[d] = p - rec->pkts[d];
		bytes[d] = b - rec->bytes[d];
		rec->pkts[d] = p;
		rec->bytes[d] = b;
	}
	if (!pkts[0] && !pkts[1])
		return;
	o = &rec->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	r = &rec->ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	svc = __nflb_service_lookup_rcu(nn, nf_ct_l3num(rec->ct),
					o->dst.protonum, &o->dst.u3,
					o->dst.u.all);
	if (!svc)
		return;
	t = rcu_dereference(svc->table);
	i = __nflb_table_index(t, svc->key.family, &r->src.u3,
			       svc->key.port ? r->src.u.all : 0);
	if (i >= 0)
		be_stats = t->be[i]->stats;
	bh = nflb_stats_bh_off();
	for (d = 0; d < IP_CT_DIR_MAX; d++) {
		__nflb_stats_add(svc->stats, d == IP_CT_DIR_REPLY, pkts[d],
				 bytes[d]);
		if (be_stats)
			__nflb_stats_add(be_stats, d == IP_CT_DIR_REPLY,
					 pkts[d], bytes[d]);
	}
	nflb_stats_bh_on(bh);
}

static void nflb_offload_rec_free(void *ptr, void *arg)
{
	struct nflb_offload_rec *rec = ptr;

	nf_ct_put(rec->ct);
	kfree(rec);
}

/*
 * Every record: fold, and forget those whose entry died (checked before
 * the fold: a dying entry counts no more packets).
 */
void nflb_offload_fold(struct nflb_net *nn)
{
	struct nflb_offload *off = READ_ONCE(nn->offload);
	struct nflb_offload_rec *rec;
	struct rhashtable_iter it;
	bool dying;

	if (!off || !atomic_read(&off->n_recs))
		return;
	mutex_lock(&off->fold_lock);
	rhashtable_walk_enter(&off->recs, &it);
	rhashtable_walk_start(&it);
	while ((rec = rhashtable_walk_next(&it))) {
		if (IS_ERR(rec)) {
			if (PTR_ERR(rec) == -EAGAIN)
				continue;
			break;
		}
		dying = nf_ct_is_dying(rec->ct);
		nflb_offload_fold_one(nn, rec);
		if (!dying)
			continue;
		if (rhashtable_remove_fast(&off->recs, &rec->node,
					   nflb_rec_params))
			continue;
		atomic_dec(&off->n_recs);
		nf_ct_put(rec->ct);
		kfree_rcu(rec, rcu);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	mutex_unlock(&off->fold_lock);
}

static void nflb_offload_fold_work(struct work_struct *work)
{
	struct nflb_offload *off = container_of(to_delayed_work(work),
						struct nflb_offload, fold_work);

	nflb_offload_fold(nflb_net(off->net));
	if (atomic_read(&off->n_recs) || rcu_access_pointer(off->devs))
		queue_delayed_work(system_power_efficient_wq, &off->fold_work,
				   HZ);
}

static struct nflb_offload *nflb_offload_create(struct nflb_net *nn)
{
	struct nflb_offload *off;

	off = kzalloc(sizeof(*off), GFP_KERNEL_ACCOUNT);
	if (!off)
		return NULL;
	if (rhashtable_init(&off->recs, &nflb_rec_params)) {
		kfree(off);
		return NULL;
	}
	off->net = nn->net;
	off->ft.type = &nflb_flowtable_type;
	off->ft.flags = NF_FLOWTABLE_COUNTER;
	write_pnet(&off->ft.net, nn->net);
	mutex_init(&off->fold_lock);
	INIT_DELAYED_WORK(&off->fold_work, nflb_offload_fold_work);
	return off;
}

/* The flowtable and the FORWARD hooks, from the first device on. */
static int nflb_offload_start(struct nflb_offload *off)
{
	int ret;

	if (off->ft_live)
		return 0;
	ret = nf_flow_table_init(&off->ft);
	if (ret)
		return ret;
	ret = nf_ct_netns_get(off->net, NFPROTO_INET);
	if (ret)
		goto err_ft;
	ret = nf_register_net_hooks(off->net, nflb_offload_fwd_ops,
				    ARRAY_SIZE(nflb_offload_fwd_ops));
	if (ret)
		goto err_ct;
	off->ft_live = true;
	return 0;

err_ct:
	nf_ct_netns_put(off->net, NFPROTO_INET);
err_ft:
	nf_flow_table_free(&off->ft);
	return ret;
}

/*
 * Unhooked, then, once no packet can be in a hook, the flowtable freed:
 * its flows are torn down and their packets go through conntrack again.
 */
static void nflb_offload_stop(struct nflb_offload *off, bool free)
{
	if (!off->ft_live)
		return;
	nf_unregister_net_hooks(off->net, nflb_offload_fwd_ops,
				ARRAY_SIZE(nflb_offload_fwd_ops));
	nf_ct_netns_put(off->net, NFPROTO_INET);
	if (!free)
		return;
	synchronize_rcu();
	nf_flow_table_free(&off->ft);
	off->ft_live = false;
}

static void nflb_offload_unhook_devs(struct nflb_offload *off,
				     unsigned int set, unsigned int n)
{
	while (n--)
		nf_unregister_net_hook(off->net, &off->ops[set][n]);
}

static int nflb_offload_check(struct net *net, const u32 *ifindex,
			      unsigned int n, struct netlink_ext_ack *extack)
{
	const struct net_device *dev;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		dev = __dev_get_by_index(net, ifindex[i]);
		if (!dev) {
			NL_SET_ERR_MSG(extack, "no such device in this netns");
			return -ENODEV;
		}
		if (dev->type != ARPHRD_ETHER || dev->flags & IFF_LOOPBACK) {
			NL_SET_ERR_MSG(extack,
				       "offload devices must be Ethernet devices");
			return -EOPNOTSUPP;
		}
		for (j = 0; j < i; j++) {
			if (ifindex[j] == ifindex[i]) {
				NL_SET_ERR_MSG(extack,
					       "a device is listed twice");
				return -EINVAL;
			}
		}
	}
	return 0;
}

int nflb_offload_set(struct nflb_net *nn, const u32 *ifindex, unsigned int n,
		     struct netlink_ext_ack *extack)
{
	struct nflb_offload *off = nn->offload;
	struct nflb_offload_devs *devs = NULL, *old;
	unsigned int next, i;
	struct nf_hook_ops *ops;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&nn->lock);
	ret = nflb_offload_check(nn->net, ifindex, n, extack);
	if (ret)
		return ret;
	if (!n && !off)
		return 0;
	if (!off) {
		off = nflb_offload_create(nn);
		if (!off)
			return -ENOMEM;
		WRITE_ONCE(nn->offload, off);
	}
	if (n) {
		devs = kzalloc(sizeof(*devs), GFP_KERNEL_ACCOUNT);
		if (!devs)
			return -ENOMEM;
		devs->n = n;
		memcpy(devs->ifindex, ifindex, n * sizeof(*ifindex));
		ret = nflb_offload_start(off);
		if (ret)
			goto err_devs;
	}
	next = !off->cur;
	for (i = 0; i < n; i++) {
		ops = &off->ops[next][i];
		*ops = (struct nf_hook_ops) {
			.hook = nflb_offload_ingress,
			.priv = &off->ft,
			.pf = NFPROTO_NETDEV,
			.hooknum = NF_NETDEV_INGRESS,
			.priority = 0,
			.dev = __dev_get_by_index(nn->net, ifindex[i]),
		};
		ret = nf_register_net_hook(nn->net, ops);
		if (ret)
			goto err_hooks;
	}
	old = rcu_replace_pointer(off->devs, devs,
				  lockdep_is_held(&nn->lock));
	if (old) {
		nflb_offload_unhook_devs(off, off->cur, old->n);
		/* A device no longer listed takes no flow of ours. */
		for (i = 0; i < old->n; i++) {
			if (devs && nflb_offload_dev_listed(devs,
							    off->ops[off->cur][i].dev))
				continue;
			nf_flow_table_cleanup(off->ops[off->cur][i].dev);
		}
		kfree_rcu(old, rcu);
	}
	off->cur = next;
	if (!n)
		nflb_offload_stop(off, true);
	else
		mod_delayed_work(system_power_efficient_wq, &off->fold_work,
				 HZ);
	return 0;

err_hooks:
	nflb_offload_unhook_devs(off, next, i);
	if (!rcu_access_pointer(off->devs))
		nflb_offload_stop(off, true);
err_devs:
	kfree(devs);
	NL_SET_ERR_MSG(extack, "cannot hook the offload devices");
	return ret;
}

unsigned int nflb_offload_devs(struct nflb_net *nn, u32 *ifindex)
{
	const struct nflb_offload_devs *devs;

	lockdep_assert_held(&nn->lock);
	if (!nn->offload)
		return 0;
	devs = rcu_dereference_protected(nn->offload->devs,
					 lockdep_is_held(&nn->lock));
	if (!devs)
		return 0;
	memcpy(ifindex, devs->ifindex, devs->n * sizeof(*ifindex));
	return devs->n;
}

void nflb_offload_counts(struct nflb_net *nn, u32 *flows, u32 *counted)
{
	struct nflb_offload *off = nn->offload;

	lockdep_assert_held(&nn->lock);
	*flows = 0;
	*counted = 0;
	if (!off)
		return;
	/* Each flow is in the table twice, once per direction. */
	if (off->ft_live)
		*flows = atomic_read(&off->ft.rhashtable.nelems) / 2;
	*counted = atomic_read(&off->n_recs);
}

/* A listed device going away (or to another netns) leaves the list. */
static void nflb_offload_dev_gone(struct nflb_net *nn,
				  const struct net_device *dev)
{
	const struct nflb_offload_devs *devs;
	u32 keep[NFLB_OFFLOAD_DEV_MAX];
	unsigned int i, n = 0;

	lockdep_assert_held(&nn->lock);
	devs = rcu_dereference_protected(nn->offload->devs,
					 lockdep_is_held(&nn->lock));
	if (!devs || !nflb_offload_dev_listed(devs, dev))
		return;
	for (i = 0; i < devs->n; i++)
		if (devs->ifindex[i] != dev->ifindex)
			keep[n++] = devs->ifindex[i];
	/* Fewer devices, none new: only a failed allocation can fail. */
	if (nflb_offload_set(nn, keep, n, NULL))
		nflb_offload_set(nn, NULL, 0, NULL);
}

static int nflb_offload_netdev_event(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net *net = dev_net(dev);
	struct nflb_net *nn;

	/* A netns on its way out was unhooked by nflb_offload_unhook(). */
	if (event != NETDEV_UNREGISTER || !check_net(net))
		return NOTIFY_DONE;
	nn = nflb_net(net);
	if (!READ_ONCE(nn->offload))
		return NOTIFY_DONE;
	mutex_lock(&nn->lock);
	nflb_offload_dev_gone(nn, dev);
	mutex_unlock(&nn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block nflb_offload_notifier = {
	.notifier_call = nflb_offload_netdev_event,
};

/* netns .pre_exit, under nflb_net::lock: the devices are still there. */
void nflb_offload_unhook(struct nflb_net *nn)
{
	struct nflb_offload *off = nn->offload;
	struct nflb_offload_devs *devs;

	lockdep_assert_held(&nn->lock);
	if (!off)
		return;
	devs = rcu_replace_pointer(off->devs, NULL,
				   lockdep_is_held(&nn->lock));
	if (devs) {
		nflb_offload_unhook_devs(off, off->cur, devs->n);
		kfree_rcu(devs, rcu);
	}
	nflb_offload_stop(off, false);
}

/* netns .exit: no packet is in a hook any more. */
void nflb_offload_free(struct nflb_net *nn)
{
	struct nflb_offload *off = nn->offload;

	if (!off)
		return;
	cancel_delayed_work_sync(&off->fold_work);
	if (off->ft_live)
		nf_flow_table_free(&off->ft);
	rhashtable_free_and_destroy(&off->recs, nflb_offload_rec_free, NULL);
	mutex_destroy(&off->fold_lock);
	nn->offload = NULL;
	kfree(off);
}

int __init nflb_offload_init(void)
{
	return register_netdevice_notifier(&nflb_offload_notifier);
}

void nflb_offload_uninit(void)
{
	unregister_netdevice_notifier(&nflb_offload_notifier);
}
