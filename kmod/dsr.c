// SPDX-License-Identifier: GPL-2.0
/*
 * Direct server return: the packet path of services with forward gre or
 * ipip, and its per-netns setup.
 *
 * A PRE_ROUTING hook between defragmentation and conntrack takes the
 * client's packets to a DSR service: conntrack, which would see one
 * direction only (and judge an ACK in SYN_SENT invalid), never sees them.
 * Each packet finds its flow in the flow table (dsr_flow.c) or, without
 * an entry, whatever its TCP flags, is scheduled by the service's Maglev
 * table, with the same key NAT mode hashes (mid-flow pickup: a node that
 * did not see the handshake sends the flow where the node that did sent
 * it).  Then it is encapsulated to the backend (dsr_xmit.c) and stolen.
 *
 * The state of a flow follows what the client sends, as IPVS's input-only
 * TCP states do: NEW after the first packet, ESTABLISHED (or UDP) with a
 * second, FIN and CLOSE (RST) when the client closes; a SYN on a closed
 * flow is a new connection and is scheduled again.  Only NEW entries give
 * way to other new flows (see dsr_flow.c).
 *
 * ICMP errors sent to a VIP (a router on the way back to the client saw
 * a backend's reply: fragmentation needed, unreachable) are about a DSR
 * flow: they go to that flow's backend, which sent the packet.
 *
 * Nothing here allocates, and the hook takes no lock but a bucket's, for
 * the first packets of a flow and its state changes.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"
#include "maglev.h"
#include "service.h"

/* What NAT mode hashes (hooks.c), so that both pick the same backend. */
struct nflb_dsr_mkey {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 family;
	u8 pad[2];
};

#define NFLB_DSR_RESCHEDULE	0xff

/* The flow table, once allocated, lives as long as the netns. */
static struct nflb_dsr *nflb_dsr_of(struct nflb_net *nn)
{
	return rcu_dereference_check(nn->dsr, 1);
}

static struct nflb_backend *nflb_dsr_pick(const struct nflb_table *t,
					  const struct nflb_dsr_key *k)
{
	struct nflb_dsr_mkey mk = {};

	mk.family = k->family;
	mk.saddr = k->saddr;
	if (t->hash == NFLB_HASH_5TUPLE) {
		mk.daddr = k->daddr;
		mk.sport = k->sport;
		mk.dport = k->dport;
		mk.proto = k->proto;
	}
	return t->be[t->slots[nflb_maglev_flow_hash(&mk, sizeof(mk), t->seed) %
			      t->size]];
}

static u32 nflb_dsr_timeout(const struct nflb_service *svc, u8 state)
{
	u32 t;

	switch (state) {
	case NFLB_FLOW_NEW:
		t = svc->key.proto == IPPROTO_TCP ? READ_ONCE(svc->timeout_tcp) :
						    READ_ONCE(svc->timeout_udp);
		return t ? min_t(u32, t, NFLB_DSR_TIMEOUT_NEW) :
			   NFLB_DSR_TIMEOUT_NEW;
	case NFLB_FLOW_ESTABLISHED:
		t = READ_ONCE(svc->timeout_tcp);
		return t ?: NFLB_DSR_TIMEOUT_TCP;
	case NFLB_FLOW_FIN:
		t = READ_ONCE(svc->timeout_tcp_fin);
		return t ?: NFLB_DSR_TIMEOUT_FIN;
	case NFLB_FLOW_CLOSE:
		return NFLB_DSR_TIMEOUT_CLOSE;
	default:
		t = READ_ONCE(svc->timeout_udp);
		return t ?: NFLB_DSR_TIMEOUT_UDP;
	}
}

/* The state after a packet with TCP flags TH (NULL: UDP) in STATE. */
static u8 nflb_dsr_next(u8 state, const struct tcphdr *th)
{
	if (!th)
		return NFLB_FLOW_UDP;
	if (th->rst)
		return NFLB_FLOW_CLOSE;
	if (th->syn && !th->ack)
		return state == NFLB_FLOW_FIN || state == NFLB_FLOW_CLOSE ?
		       NFLB_DSR_RESCHEDULE : state;
	if (th->fin)
		return NFLB_FLOW_FIN;
	if (state == NFLB_FLOW_NEW)
		return NFLB_FLOW_ESTABLISHED;
	return state;
}

static void nflb_dsr_reject(struct sk_buff *skb,
			    const struct nf_hook_state *state, u8 family,
			    u8 proto)
{
	if (family == AF_INET) {
		if (proto == IPPROTO_TCP)
			nf_send_reset(state->net, NULL, skb, state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	} else {
		if (proto == IPPROTO_TCP)
			nf_send_reset6(state->net, NULL, skb, state->hook);
		else
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
	}
}

static void nflb_dsr_count_packet(struct nflb_service *svc,
				  const struct nflb_table *t,
				  const union nf_inet_addr *backend,
				  unsigned int len, bool conn)
{
	int i = nflb_table_index(t, svc->key.family, backend, svc->key.port);
	struct nflb_stats __percpu *be = i >= 0 ? t->be[i]->stats : NULL;

	nflb_stats_packet(svc->stats, be, false, len);
	if (!conn)
		return;
	nflb_stats_event(svc->stats, NFLB_STAT_CONN);
	if (be)
		nflb_stats_event(be, NFLB_STAT_CONN);
}

/* SKB to BACKEND, its drops counted by reason in SVC's counters. */
static void nflb_dsr_send(struct nflb_dsr *dsr, struct net *net,
			  struct nflb_service *svc, struct sk_buff *skb,
			  u8 family, u8 method,
			  const union nf_inet_addr *backend, u32 hash)
{
	switch (nflb_dsr_xmit(dsr, net, skb, family, method, backend, hash)) {
	case NFLB_DSR_TOO_BIG:
		nflb_stats_event(svc->stats, NFLB_STAT_TOO_BIG);
		break;
	case NFLB_DSR_ENCAP_FAILED:
		nflb_stats_event(svc->stats, NFLB_STAT_ENCAP_DROP);
		break;
	case NFLB_DSR_SENT:
		break;
	}
}

/*
 * The DSR service of flow K (addresses and protocol set) whose ports are
 * at THOFF, K's ports set from them, its method in *METHOD; REVERSE: the
 * ports are the other way round (an ICMP error's quoted packet, sent by
 * the backend).  NULL: not a DSR service's, the packet is not ours.
 */
static struct nflb_service *nflb_dsr_service(struct nflb_net *nn,
					     const struct sk_buff *skb,
					     struct nflb_dsr_key *k,
					     unsigned int thoff, bool reverse,
					     u8 *method)
{
	struct nflb_service *svc;
	__be16 _ports[2];
	const __be16 *ports;

	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports)
		return NULL;
	k->sport = ports[reverse];
	k->dport = ports[!reverse];
	svc = nflb_service_lookup_rcu(nn, k->family, k->proto, &k->daddr,
				      k->dport);
	if (!svc)
		return NULL;
	*method = READ_ONCE(svc->forward);
	return *method == NFLB_FORWARD_NAT ? NULL : svc;
}

/*
 * May the netns's flow table take one more entry?  Above
 * net.nflb.dsr_flow_rate a second (burst: one second's worth) it takes
 * none: a flood of new flows is forwarded by the Maglev table alone, and
 * costs neither a bucket lock nor an entry (counted as guard).
 */
static bool nflb_dsr_guard(struct nflb_dsr *dsr)
{
	u32 rate = READ_ONCE(nflb_dsr_flow_rate);

	if (nflb_bucket_take(&dsr->guard, rate, rate, ktime_get_ns()))
		return true;
	nflb_dsr_count(dsr, NFLB_DSR_STAT_GUARD);
	return false;
}

/*
 * A TCP or UDP packet of flow K (addresses and protocol set), its
 * transport header at THOFF.  Returns the verdict.
 */
static unsigned int nflb_dsr_packet(struct nflb_net *nn, struct nflb_dsr *dsr,
				    struct sk_buff *skb,
				    const struct nf_hook_state *state,
				    struct nflb_dsr_key *k, unsigned int thoff)
{
	struct tcphdr _th;
	const struct tcphdr *th = NULL;
	const struct nflb_table *t;
	struct nflb_service *svc;
	struct nflb_backend *be;
	struct nflb_dsr_hit hit;
	bool conn = false;
	bool replace = false;
	u32 hash, now;
	u8 method, next;
	int ret;

	svc = nflb_dsr_service(nn, skb, k, thoff, false, &method);
	if (!svc)
		return NF_ACCEPT;
	if (k->proto == IPPROTO_TCP) {
		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th)
			return NF_DROP;
	}
	t = rcu_dereference(svc->table);
	hash = nflb_dsr_hash(dsr, k);
	now = nflb_dsr_now();
	next = NFLB_FLOW_NEW;
	if (nflb_dsr_lookup(dsr, k, hash, &hit)) {
		u32 expires;

		next = nflb_dsr_next(hit.state, th);
		if (next != NFLB_DSR_RESCHEDULE) {
			expires = now + nflb_dsr_timeout(svc, next);
			if (next != hit.state)
				nflb_dsr_update(dsr, k, hash, &hit, next,
						expires);
			else if (expires != hit.expires)
				WRITE_ONCE(hit.flow->expires, expires);
			goto send;
		}
		next = NFLB_FLOW_NEW;
		replace = true;
	}
	if (!t->size) {
		nflb_stats_event(svc->stats, NFLB_STAT_DROP);
		nflb_dsr_reject(skb, state, k->family, k->proto);
		return NF_DROP;
	}
	/*
	 * The service's rate limit takes new flows only: for TCP a SYN, not
	 * a packet of an established flow without an entry (flushed, or
	 * never inserted: a full bucket, the guard).
	 */
	if ((!th || (th->syn && !th->ack)) && !nflb_service_admit(svc))
		return NF_DROP;
	be = nflb_dsr_pick(t, k);
	hit.backend = be->addr;
	/* A RST without an entry goes where the flow went: no entry. */
	if (th && th->rst)
		goto send;
	if (nflb_dsr_guard(dsr)) {
		ret = nflb_dsr_insert(dsr, k, hash, &be->addr, next,
				      now + nflb_dsr_timeout(svc, next), replace,
				      &hit);
		conn = ret != 0;
		/* The bucket had no entry to give. */
		if (ret < 0)
			nflb_stats_event(svc->stats, NFLB_STAT_UNPINNED);
	} else {
		conn = true;
		nflb_stats_event(svc->stats, NFLB_STAT_UNPINNED);
	}
send:
	nflb_dsr_count_packet(svc, t, &hit.backend, skb->len, conn);
	nflb_dsr_send(dsr, state->net, svc, skb, k->family, method,
		      &hit.backend, hash);
	return NF_STOLEN;
}

/*
 * An ICMP error whose quoted packet went from a DSR service's VIP and port
 * (K: the flow the other way round) goes to the flow's backend.
 */
static unsigned int nflb_dsr_icmp(struct nflb_net *nn, struct nflb_dsr *dsr,
				  struct sk_buff *skb, struct nflb_dsr_key *k,
				  unsigned int thoff)
{
	const struct nflb_table *t;
	struct nflb_service *svc;
	struct nflb_dsr_hit hit;
	u8 method;
	u32 hash;

	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP)
		return NF_ACCEPT;
	svc = nflb_dsr_service(nn, skb, k, thoff, true, &method);
	if (!svc)
		return NF_ACCEPT;
	hash = nflb_dsr_hash(dsr, k);
	if (!nflb_dsr_lookup(dsr, k, hash, &hit)) {
		t = rcu_dereference(svc->table);
		if (!t->size)
			return NF_ACCEPT;
		hit.backend = nflb_dsr_pick(t, k)->addr;
	}
	nflb_dsr_count(dsr, NFLB_DSR_STAT_ICMP);
	nflb_dsr_send(dsr, nn->net, svc, skb, k->family, method, &hit.backend,
		      hash);
	return NF_STOLEN;
}

static unsigned int nflb_dsr_icmp4(struct nflb_net *nn, struct nflb_dsr *dsr,
				   struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb);
	struct nflb_dsr_key k = { .family = AF_INET };
	const struct icmphdr *ih;
	const struct iphdr *in;
	struct icmphdr _ih;
	struct iphdr _in;

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || (ih->type != ICMP_DEST_UNREACH &&
		    ih->type != ICMP_TIME_EXCEEDED &&
		    ih->type != ICMP_PARAMETERPROB))
		return NF_ACCEPT;
	off += sizeof(_ih);
	in = skb_header_pointer(skb, off, sizeof(_in), &_in);
	if (!in || in->ihl < 5 || (in->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	k.proto = in->protocol;
	k.saddr.ip = in->daddr;
	k.daddr.ip = in->saddr;
	return nflb_dsr_icmp(nn, dsr, skb, &k, off + in->ihl * 4);
}

static unsigned int nflb_dsr_in4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nflb_net *nn = nflb_net(state->net);
	struct nflb_dsr *dsr = rcu_dereference(nn->dsr);
	struct nflb_dsr_key k = { .family = AF_INET };
	const struct iphdr *iph = ip_hdr(skb);

	if (!dsr || ip_is_fragment(iph))
		return NF_ACCEPT;
	if (iph->protocol == IPPROTO_ICMP)
		return nflb_dsr_icmp4(nn, dsr, skb);
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	k.proto = iph->protocol;
	k.saddr.ip = iph->saddr;
	k.daddr.ip = iph->daddr;
	return nflb_dsr_packet(nn, dsr, skb, state, &k, ip_hdrlen(skb));
}

static unsigned int nflb_dsr_icmp6(struct nflb_net *nn, struct nflb_dsr *dsr,
				   struct sk_buff *skb, unsigned int off)
{
	struct nflb_dsr_key k = { .family = AF_INET6 };
	const struct icmp6hdr *ih;
	const struct ipv6hdr *in;
	struct icmp6hdr _ih;
	struct ipv6hdr _in;

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	/* Errors are types 0 to 127. */
	if (!ih || (ih->icmp6_type & ICMPV6_INFOMSG_MASK))
		return NF_ACCEPT;
	off += sizeof(_ih);
	in = skb_header_pointer(skb, off, sizeof(_in), &_in);
	if (!in)
		return NF_ACCEPT;
	k.proto = in->nexthdr;
	k.saddr.in6 = in->daddr;
	k.daddr.in6 = in->saddr;
	return nflb_dsr_icmp(nn, dsr, skb, &k, off + sizeof(_in));
}

static unsigned int nflb_dsr_in6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nflb_net *nn = nflb_net(state->net);
	struct nflb_dsr *dsr = rcu_dereference(nn->dsr);
	struct nflb_dsr_key k = { .family = AF_INET6 };
	unsigned short fragoff = 0;
	unsigned int thoff = 0;
	int proto;

	if (!dsr)
		return NF_ACCEPT;
	proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL);
	if (proto < 0 || fragoff)
		return NF_ACCEPT;
	if (proto == IPPROTO_ICMPV6)
		return nflb_dsr_icmp6(nn, dsr, skb, thoff);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return NF_ACCEPT;
	k.proto = proto;
	k.saddr.in6 = ipv6_hdr(skb)->saddr;
	k.daddr.in6 = ipv6_hdr(skb)->daddr;
	return nflb_dsr_packet(nn, dsr, skb, state, &k, thoff);
}

/* After defragmentation (-400), before conntrack (-200). */
static const struct nf_hook_ops nflb_dsr_ops[] = {
	{
		.hook = nflb_dsr_in4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK - 10,
	},
	{
		.hook = nflb_dsr_in6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK - 10,
	},
};

/*
 * Defragmentation in the netns, which the hook comes after: a DSR-only
 * netns has no conntrack to ask for it (netns.c).  Refcounted by nf_defrag.
 */
static int nflb_dsr_defrag_get(struct net *net, int i)
{
	return i ? nf_defrag_ipv6_enable(net) : nf_defrag_ipv4_enable(net);
}

static void nflb_dsr_defrag_put(struct net *net, int i)
{
	if (i)
		nf_defrag_ipv6_disable(net);
	else
		nf_defrag_ipv4_disable(net);
}

/*
 * Before the first DSR service of FAMILY in NN: the netns's flow table
 * (once) and the family's defragmentation and hook (once), kept until the
 * netns goes.  All or nothing.
 */
int nflb_dsr_prepare(struct nflb_net *nn, u8 family,
		     struct netlink_ext_ack *extack)
{
	struct nflb_dsr *dsr, *fresh = NULL;
	int i = family == AF_INET ? 0 : 1;
	int ret;

	lockdep_assert_held(&nn->lock);
	dsr = rcu_dereference_protected(nn->dsr, lockdep_is_held(&nn->lock));
	if (dsr && dsr->hooked[i])
		return 0;
	if (!dsr) {
		fresh = nflb_dsr_alloc(READ_ONCE(nflb_dsr_flows));
		if (!fresh) {
			NL_SET_ERR_MSG(extack,
				       "no memory for the DSR flow table (net.nflb.dsr_flows)");
			return -ENOMEM;
		}
		dsr = fresh;
	}
	ret = nflb_dsr_defrag_get(nn->net, i);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot enable defragmentation");
		goto err_free;
	}
	ret = nf_register_net_hook(nn->net, &nflb_dsr_ops[i]);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot register the DSR hook");
		goto err_defrag;
	}
	dsr->hooked[i] = true;
	if (fresh)
		rcu_assign_pointer(nn->dsr, fresh);
	return 0;

err_defrag:
	nflb_dsr_defrag_put(nn->net, i);
err_free:
	nflb_dsr_table_free(fresh);
	return ret;
}

/* Netns pre_exit: no packet enters the hooks after the grace period. */
void nflb_dsr_unhook(struct nflb_net *nn)
{
	struct nflb_dsr *dsr;
	int i;

	lockdep_assert_held(&nn->lock);
	dsr = rcu_dereference_protected(nn->dsr, lockdep_is_held(&nn->lock));
	if (!dsr)
		return;
	for (i = 0; i < ARRAY_SIZE(nflb_dsr_ops); i++) {
		if (!dsr->hooked[i])
			continue;
		nf_unregister_net_hook(nn->net, &nflb_dsr_ops[i]);
		nflb_dsr_defrag_put(nn->net, i);
		dsr->hooked[i] = false;
	}
}

/* Netns exit, after the grace period that followed nflb_dsr_unhook(). */
void nflb_dsr_free(struct nflb_net *nn)
{
	nflb_dsr_table_free(rcu_dereference_protected(nn->dsr, 1));
	RCU_INIT_POINTER(nn->dsr, NULL);
}

void nflb_dsr_forget(struct nflb_net *nn, const struct nflb_svc_key *key,
		     const union nf_inet_addr *backend)
{
	struct nflb_dsr_filter f = {
		.svc = key,
		.backend = backend,
		.nn = nn,
	};
	struct nflb_dsr *dsr = nflb_dsr_of(nn);

	if (dsr)
		nflb_dsr_flush(dsr, &f);
}
