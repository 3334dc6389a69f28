// SPDX-License-Identifier: GPL-2.0
/*
 * SYN proxy for NAT services with NFLB_SVC_A_SYNPROXY, on the kernel's
 * nf_synproxy_core (what nft "synproxy" and iptables SYNPROXY use).
 *
 * A client's SYN to such a service is answered here with a SYN cookie,
 * ahead of conntrack: it makes no conntrack entry, picks no backend and
 * reaches no backend.  The client's ACK that returns the cookie is the
 * first packet conntrack sees of the flow; it finds no entry for it (or
 * picks it up mid-stream, unconfirmed), and the hook after conntrack
 * checks the cookie.  A good cookie makes nf_synproxy_core send the SYN of
 * the connection to the backend itself, from the client's address to the
 * VIP, through ip_local_out() with its conntrack template (which gives the
 * new entry the seqadj and synproxy extensions): nflb's NAT lookup at
 * LOCAL_OUT then schedules it and sets up its DNAT binding, as for any new
 * flow.  nf_synproxy_core's own hooks (LOCAL_IN, POST_ROUTING, taken with
 * nf_synproxy_ipv4_init() and ipv6, refcounted per netns) answer the
 * backend's SYN/ACK with the ACK that completes its handshake, open the
 * client's window, and from then on translate sequence numbers (the
 * backend's ISN is not the cookie) and timestamps of the flow.
 *
 * What the cookie keeps: the client's MSS (as one of the four values of
 * the kernel's cookie table, rounded down), and with timestamps the
 * client's window scale, SACK permission and ECN; a client without
 * timestamps loses window scaling and SACK.  The SYN/ACK advertises the
 * client's own MSS and a window scale of NFLB_SYNPROXY_WSCALE, which the
 * backend's must equal (the window is not rescaled): 7 is Linux's with
 * its default tcp_rmem.  Any data on the client's ACK is dropped with it
 * (the client sends it again).
 *
 * The SYN to the backend (from the client to the VIP until NAT rewrites
 * it) and the synproxy's ACKs are routed before nflb's DNAT applies: the
 * load balancer needs a route to the VIP (a default route is one), see
 * docs/synproxy.md.
 */

#include <linux/netfilter/nf_synproxy.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include <net/netfilter/nf_synproxy.h>
#include <uapi/linux/nflb.h>

#include "netns.h"
#include "service.h"
#include "synproxy.h"

#define NFLB_SYNPROXY_WSCALE	7

/* What the cookie may carry and the SYN/ACK offers. */
static const struct nf_synproxy_info nflb_synproxy_info = {
	.options = NF_SYNPROXY_OPT_MSS | NF_SYNPROXY_OPT_WSCALE |
		   NF_SYNPROXY_OPT_SACK_PERM | NF_SYNPROXY_OPT_TIMESTAMP |
		   NF_SYNPROXY_OPT_ECN,
	.wscale = NFLB_SYNPROXY_WSCALE,
};

/* The TCP header of a packet, and where it is. */
struct nflb_syn_pkt {
	union nf_inet_addr daddr;
	unsigned int thoff;
	const struct tcphdr *th;
	struct tcphdr buf;
};

static bool nflb_syn_parse(struct sk_buff *skb, u8 pf, struct nflb_syn_pkt *p)
{
	memset(&p->daddr, 0, sizeof(p->daddr));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return false;
		p->daddr.ip = iph->daddr;
		p->thoff = ip_hdrlen(skb);
	} else {
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;
		int thoff;

		thoff = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
					 &frag_off);
		if (thoff < 0 || nexthdr != IPPROTO_TCP ||
		    (frag_off & htons(~0x7)))
			return false;
		p->daddr.in6 = ipv6_hdr(skb)->daddr;
		p->thoff = thoff;
	}
	p->th = skb_header_pointer(skb, p->thoff, sizeof(p->buf), &p->buf);
	return p->th;
}

/* The service of a packet, if it is a synproxy service. */
static struct nflb_service *nflb_syn_svc(const struct nf_hook_state *state,
					 const struct nflb_syn_pkt *p)
{
	struct nflb_service *svc;

	svc = nflb_service_lookup_rcu(nflb_net(state->net),
				      state->pf == NFPROTO_IPV4 ? AF_INET :
								  AF_INET6,
				      IPPROTO_TCP, &p->daddr, p->th->dest);
	return svc && READ_ONCE(svc->synproxy) ? svc : NULL;
}

/*
 * nf_synproxy_core's IPv4 senders route their packet again from the dst of
 * the packet they answer (for its device), which a packet has none of
 * before routing: give it the route back to the client.
 */
static bool nflb_syn_route(const struct nf_hook_state *state,
			   struct sk_buff *skb)
{
	struct flowi4 fl4 = {
		.daddr = ip_hdr(skb)->saddr,
		.flowi4_proto = IPPROTO_TCP,
	};
	struct rtable *rt;

	if (state->pf != NFPROTO_IPV4)
		return true;
	rt = ip_route_output_key(state->net, &fl4);
	if (IS_ERR(rt))
		return false;
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	return true;
}

static bool nflb_syn_csum_opts(struct sk_buff *skb,
			       const struct nf_hook_state *state,
			       const struct nflb_syn_pkt *p,
			       struct synproxy_options *opts)
{
	return !nf_checksum(skb, state->hook, p->thoff, IPPROTO_TCP,
			    state->pf) &&
	       synproxy_parse_options(skb, p->thoff, p->th, opts);
}

/*
 * PRE_ROUTING, before conntrack: a SYN to a synproxy service is answered
 * with a cookie and goes no further.
 */
static unsigned int nflb_synproxy_syn(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct synproxy_net *snet = synproxy_pernet(state->net);
	const struct nf_synproxy_info *info = &nflb_synproxy_info;
	struct synproxy_options opts = {};
	enum ip_conntrack_info ctinfo;
	struct nflb_service *svc;
	struct nflb_syn_pkt p;
	struct nf_conn *ct;

	/* Left alone: untracked by a rule, or a packet with an entry. */
	ct = nf_ct_get(skb, &ctinfo);
	if (ct ? !nf_ct_is_template(ct) : ctinfo == IP_CT_UNTRACKED)
		return NF_ACCEPT;
	if (!nflb_syn_parse(skb, state->pf, &p))
		return NF_ACCEPT;
	if (!p.th->syn || p.th->ack || p.th->rst || p.th->fin)
		return NF_ACCEPT;
	svc = nflb_syn_svc(state, &p);
	if (!svc)
		return NF_ACCEPT;
	if (!nflb_syn_csum_opts(skb, state, &p, &opts) ||
	    !nflb_syn_route(state, skb)) {
		nflb_stats_event(svc->stats, NFLB_STAT_DROP);
		return NF_DROP;
	}
	this_cpu_inc(snet->stats->syn_received);
	if (p.th->ece && p.th->cwr)
		opts.options |= NF_SYNPROXY_OPT_ECN;
	opts.options &= info->options;
	/* The client's MSS goes into the cookie, and back to it. */
	opts.mss_encode = opts.mss_option;
	if (opts.options & NF_SYNPROXY_OPT_TIMESTAMP)
		synproxy_init_timestamp_cookie(info, &opts);
	else
		opts.options &= ~(NF_SYNPROXY_OPT_WSCALE |
				  NF_SYNPROXY_OPT_SACK_PERM |
				  NF_SYNPROXY_OPT_ECN);
	if (state->pf == NFPROTO_IPV4)
		synproxy_send_client_synack(state->net, skb, p.th, &opts);
	else
		synproxy_send_client_synack_ipv6(state->net, skb, p.th, &opts);
	consume_skb(skb);
	return NF_STOLEN;
}

/*
 * PRE_ROUTING, after conntrack, before NAT: a packet to a synproxy service
 * that conntrack has no confirmed entry for (invalid, or a TCP pickup not
 * yet confirmed) must be the ACK returning a cookie.  A good cookie has
 * nf_synproxy_core open the connection to the backend; anything else is
 * dropped, and no backend is picked.
 */
static unsigned int nflb_synproxy_ack(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct synproxy_options opts = {};
	enum ip_conntrack_info ctinfo;
	struct nflb_service *svc;
	struct nflb_syn_pkt p;
	struct nf_conn *ct;
	bool ok;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct ? nf_ct_is_confirmed(ct) || nfct_synproxy(ct) :
		 ctinfo == IP_CT_UNTRACKED)
		return NF_ACCEPT;
	if (!nflb_syn_parse(skb, state->pf, &p))
		return NF_ACCEPT;
	svc = nflb_syn_svc(state, &p);
	if (!svc)
		return NF_ACCEPT;
	if (!p.th->ack || p.th->syn || p.th->rst || p.th->fin ||
	    !nflb_syn_csum_opts(skb, state, &p, &opts) ||
	    !nflb_syn_route(state, skb))
		goto drop;
	if (state->pf == NFPROTO_IPV4)
		ok = synproxy_recv_client_ack(state->net, skb, p.th, &opts,
					      ntohl(p.th->seq));
	else
		ok = synproxy_recv_client_ack_ipv6(state->net, skb, p.th,
						   &opts, ntohl(p.th->seq));
	if (!ok)
		goto drop;
	consume_skb(skb);
	return NF_STOLEN;
drop:
	nflb_stats_event(svc->stats, NFLB_STAT_DROP);
	return NF_DROP;
}

#define NFLB_SYN_OPS(fn_, pf_, prio_) \
	{ .hook = fn_, .pf = pf_, .hooknum = NF_INET_PRE_ROUTING, .priority = prio_ }

static const struct nf_hook_ops nflb_synproxy_ops[2][2] = {
	{
		NFLB_SYN_OPS(nflb_synproxy_syn, NFPROTO_IPV4,
			     NF_IP_PRI_CONNTRACK - 1),
		NFLB_SYN_OPS(nflb_synproxy_ack, NFPROTO_IPV4,
			     NF_IP_PRI_CONNTRACK + 1),
	},
	{
		NFLB_SYN_OPS(nflb_synproxy_syn, NFPROTO_IPV6,
			     NF_IP6_PRI_CONNTRACK - 1),
		NFLB_SYN_OPS(nflb_synproxy_ack, NFPROTO_IPV6,
			     NF_IP6_PRI_CONNTRACK + 1),
	},
};

static int nflb_synproxy_core_get(struct net *net, int i)
{
	struct synproxy_net *snet = synproxy_pernet(net);

	return i ? nf_synproxy_ipv6_init(snet, net) :
		   nf_synproxy_ipv4_init(snet, net);
}

static void nflb_synproxy_core_put(struct net *net, int i)
{
	struct synproxy_net *snet = synproxy_pernet(net);

	if (i)
		nf_synproxy_ipv6_fini(snet, net);
	else
		nf_synproxy_ipv4_fini(snet, net);
}

/*
 * A service of FAMILY becoming a synproxy one: the family's hooks, ours
 * and nf_synproxy_core's, unless the netns has them.  The family's NAT
 * hooks (and conntrack) are registered already (netns.c).
 */
int nflb_synproxy_prepare(struct nflb_net *nn, u8 family,
			  struct netlink_ext_ack *extack)
{
	int i = family == AF_INET ? 0 : 1;
	int ret;

	lockdep_assert_held(&nn->lock);
	if (nn->synproxy_hooked[i])
		return 0;
	ret = nflb_synproxy_core_get(nn->net, i);
	if (ret)
		goto err;
	ret = nf_register_net_hooks(nn->net, nflb_synproxy_ops[i],
				    ARRAY_SIZE(nflb_synproxy_ops[i]));
	if (ret) {
		nflb_synproxy_core_put(nn->net, i);
		goto err;
	}
	nn->synproxy_hooked[i] = true;
	return 0;
err:
	NL_SET_ERR_MSG(extack, "cannot register the synproxy hooks");
	return ret;
}

/* Netns exit (pre_exit), before the NAT hooks go. */
void nflb_synproxy_unhook(struct nflb_net *nn)
{
	int i;

	lockdep_assert_held(&nn->lock);
	for (i = 0; i < ARRAY_SIZE(nflb_synproxy_ops); i++) {
		if (!nn->synproxy_hooked[i])
			continue;
		nf_unregister_net_hooks(nn->net, nflb_synproxy_ops[i],
					ARRAY_SIZE(nflb_synproxy_ops[i]));
		nflb_synproxy_core_put(nn->net, i);
		nn->synproxy_hooked[i] = false;
	}
}
