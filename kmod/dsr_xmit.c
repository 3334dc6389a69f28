// SPDX-License-Identifier: GPL-2.0
/*
 * Encapsulation of a client's packet to its DSR backend: IPIP or GRE
 * (version 0, no key, checksum or sequence: what the fallback devices
 * tunl0 and gre0 take), IPv6-in-IPv6 or ip6gre for IPv6 services
 * (ip6tnl0, ip6gre0).
 *
 * Per packet: a route lookup to the backend (its preferred source is the
 * outer source; the kernel's route caches make it allocation-free), the
 * MTU check, headroom (the only allocation, and only when the device
 * needs more than the packet has), then the outer header: DSCP copied,
 * ECN copied as RFC 6040's normal mode does (CE becomes ECT(0) outside),
 * TTL / hop limit from the route, DF copied from the inner IPv4 header.
 * GSO packets stay GSO (the tunnel GSO types), so the output device or
 * the stack segments them after encapsulation.  IPv6 outer headers carry
 * the flow's hash as flow label: the backend's receive queue can spread
 * flows by it (an IPv4 outer header has no such field without another
 * source address per flow).  The outer packet is marked untracked, so that
 * conntrack keeps no entry for it either.
 *
 * PMTU: a packet that does not fit the route's MTU minus the
 * encapsulation is dropped and answered, as a router would, with ICMP
 * fragmentation needed (IPv4 with DF) or packet too big (IPv6) giving the
 * MTU that fits; IPv4 without DF is encapsulated and the outer packet
 * fragmented.  IPVS's ip_vs_xmit.c does the same for its tunnels.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/gre.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"

#define NFLB_GRE_HLEN	4	/* flags and protocol, nothing else */

static bool nflb_dsr_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu;
}

/* Route the error back to the client, as nf_reject does before routing. */
static void nflb_dsr_too_big4(struct net *net, struct sk_buff *skb, u32 mtu)
{
	struct flowi4 fl4 = { .daddr = ip_hdr(skb)->saddr };
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

/* What every outer packet gets before it leaves. */
static void nflb_dsr_scrub(struct sk_buff *skb, struct dst_entry *dst)
{
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb->ignore_df = 0;
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
}

/* Headroom and offloads for an outer header of HLEN after the inner one. */
static int nflb_dsr_prepare_skb(struct sk_buff *skb, struct dst_entry *dst,
				unsigned int hlen, int gso_type, u8 inner_proto)
{
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + hlen))
		return -ENOMEM;
	if (iptunnel_handle_offloads(skb, gso_type))
		return -ENOMEM;
	skb->transport_header = skb->network_header;
	skb_set_inner_ipproto(skb, inner_proto);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));
	return 0;
}

static enum nflb_dsr_sent nflb_dsr_xmit4(struct nflb_dsr *dsr,
					  struct net *net, struct sk_buff *skb,
					  u8 method, __be32 daddr)
{
	enum nflb_dsr_sent ret = NFLB_DSR_ENCAP_FAILED;
	bool gre = method == NFLB_FORWARD_GRE;
	unsigned int hlen = sizeof(struct iphdr) + (gre ? NFLB_GRE_HLEN : 0);
	const struct iphdr *old = ip_hdr(skb);
	u8 dsfield = ipv4_get_dsfield(old);
	__be16 df = old->frag_off & htons(IP_DF);
	struct flowi4 fl4 = {
		.daddr = daddr,
		.flowi4_proto = gre ? IPPROTO_GRE : IPPROTO_IPIP,
		.flowi4_tos = RT_TOS(dsfield),
		.flowi4_mark = skb->mark,
	};
	struct rtable *rt;
	struct iphdr *iph;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		nflb_dsr_count(dsr, NFLB_DSR_STAT_NO_ROUTE);
		goto drop;
	}
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_NO_ROUTE);
		goto drop;
	}
	if (df && !nflb_dsr_fits(skb, dst_mtu(&rt->dst) - hlen)) {
		u32 mtu = dst_mtu(&rt->dst) - hlen;

		ip_rt_put(rt);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_TOO_BIG);
		nflb_dsr_too_big4(net, skb, mtu);
		ret = NFLB_DSR_TOO_BIG;
		goto drop;
	}
	if (nflb_dsr_prepare_skb(skb, &rt->dst, hlen,
				 gre ? SKB_GSO_GRE : SKB_GSO_IPXIP4,
				 IPPROTO_IPIP)) {
		ip_rt_put(rt);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_ERRORS);
		goto drop;
	}
	if (gre)
		gre_build_header(skb, NFLB_GRE_HLEN, 0, htons(ETH_P_IP), 0, 0);
	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	nflb_dsr_scrub(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);

	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = INET_ECN_encapsulate(dsfield, dsfield);
	iph->frag_off = df;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = gre ? IPPROTO_GRE : IPPROTO_IPIP;
	iph->saddr = fl4.saddr;
	iph->daddr = daddr;
	ip_select_ident(net, skb, NULL);
	/* tot_len and the checksum: __ip_local_out(). */
	ip_local_out(net, NULL, skb);
	return NFLB_DSR_SENT;
drop:
	kfree_skb(skb);
	return ret;
}

static enum nflb_dsr_sent nflb_dsr_xmit6(struct nflb_dsr *dsr,
					  struct net *net, struct sk_buff *skb,
					  u8 method,
					  const struct in6_addr *daddr,
					  u32 hash)
{
	enum nflb_dsr_sent ret = NFLB_DSR_ENCAP_FAILED;
	bool gre = method == NFLB_FORWARD_GRE;
	unsigned int hlen = sizeof(struct ipv6hdr) + (gre ? NFLB_GRE_HLEN : 0);
	u8 dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	struct flowi6 fl6 = {
		.daddr = *daddr,
		.flowi6_proto = gre ? IPPROTO_GRE : IPPROTO_IPV6,
		.flowi6_mark = skb->mark,
	};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	unsigned int mtu;

	if (ip6_dst_lookup(net, NULL, &dst, &fl6)) {
		nflb_dsr_count(dsr, NFLB_DSR_STAT_NO_ROUTE);
		goto drop;
	}
	mtu = max_t(int, dst_mtu(dst) - hlen, IPV6_MIN_MTU);
	if (!nflb_dsr_fits(skb, mtu)) {
		dst_release(dst);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_TOO_BIG);
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		ret = NFLB_DSR_TOO_BIG;
		goto drop;
	}
	if (nflb_dsr_prepare_skb(skb, dst, hlen,
				 gre ? SKB_GSO_GRE : SKB_GSO_IPXIP6,
				 IPPROTO_IPV6)) {
		dst_release(dst);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_ERRORS);
		goto drop;
	}
	if (gre)
		gre_build_header(skb, NFLB_GRE_HLEN, 0, htons(ETH_P_IPV6), 0,
				 0);
	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	nflb_dsr_scrub(skb, dst);
	skb->protocol = htons(ETH_P_IPV6);
	/* An IPv6 minimum-MTU route may need the outer packet fragmented. */
	skb->ignore_df = 1;

	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, INET_ECN_encapsulate(dsfield, dsfield),
		     htonl(hash & 0xfffff));
	ip6h->nexthdr = gre ? IPPROTO_GRE : IPPROTO_IPV6;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = *daddr;
	/* payload_len: __ip6_local_out(). */
	ip6_local_out(net, NULL, skb);
	return NFLB_DSR_SENT;
drop:
	kfree_skb(skb);
	return ret;
}

enum nflb_dsr_sent nflb_dsr_xmit(struct nflb_dsr *dsr, struct net *net,
				 struct sk_buff *skb, u8 family, u8 method,
				 const union nf_inet_addr *backend, u32 hash)
{
	if (family == AF_INET)
		return nflb_dsr_xmit4(dsr, net, skb, method, backend->ip);
	return nflb_dsr_xmit6(dsr, net, skb, method, &backend->in6, hash);
}
