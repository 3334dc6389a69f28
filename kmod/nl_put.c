// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute writers shared by replies and events: service key and
 * options, backends, counters, the offload devices; and the reply of a
 * GET request with one such attribute.
 */

#include "nl.h"
#include "offload.h"

int nflb_nl_reply(struct genl_info *info, u8 cmd,
		  int (*fill)(struct sk_buff *msg, void *arg), void *arg)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nflb_genl_family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = fill(msg, arg);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

int nflb_put_stats(struct sk_buff *msg, int type,
		   struct nflb_stats __percpu *pcpu,
		   const struct nflb_stats_est *est)
{
	struct nflb_stats_sum sum;
	u64 rate[NFLB_RATE_N];
	struct nlattr *nest;

	nflb_stats_get(est, pcpu, &sum, rate);
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, NFLB_STATS_A_CONNS, sum.conns, NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_PKTS_IN, sum.pkts_in, NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_PKTS_OUT, sum.pkts_out, NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_BYTES_IN, sum.bytes_in, NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_BYTES_OUT, sum.bytes_out, NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_DROPS, sum.drops, NFLB_STATS_A_PAD) ||
	    /* A service's rate limit: a backend's would always read 0. */
	    (type == NFLB_SVC_A_STATS &&
	     nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_DROPS, sum.rate_drops,
			       NFLB_STATS_A_PAD)) ||
	    /* DSR's, by reason: a service's too. */
	    (type == NFLB_SVC_A_STATS &&
	     (nla_put_u64_64bit(msg, NFLB_STATS_A_TOO_BIG_DROPS, sum.too_big,
				NFLB_STATS_A_PAD) ||
	      nla_put_u64_64bit(msg, NFLB_STATS_A_ENCAP_DROPS,
				sum.encap_drops, NFLB_STATS_A_PAD) ||
	      nla_put_u64_64bit(msg, NFLB_STATS_A_UNPINNED, sum.unpinned,
				NFLB_STATS_A_PAD))) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_CONNS,
			      rate[NFLB_RATE_CONNS], NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_PKTS_IN,
			      rate[NFLB_RATE_PKTS_IN], NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_PKTS_OUT,
			      rate[NFLB_RATE_PKTS_OUT], NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_BYTES_IN,
			      rate[NFLB_RATE_BYTES_IN], NFLB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, NFLB_STATS_A_RATE_BYTES_OUT,
			      rate[NFLB_RATE_BYTES_OUT], NFLB_STATS_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int nflb_put_backend(struct sk_buff *msg, const struct nflb_service *svc,
		     const struct nflb_backend *be, u32 slots,
		     enum nflb_be_put what)
{
	u16 family = svc->key.family;
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFLB_A_BACKEND);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, NFLB_BE_A_FAMILY, family) ||
	    nla_put(msg, NFLB_BE_A_ADDR, nflb_addr_len(family), &be->addr) ||
	    nla_put_u16(msg, NFLB_BE_A_PORT, ntohs(be->port)))
		goto err;
	if (what >= NFLB_BE_PUT_OPTS &&
	    (nla_put_u32(msg, NFLB_BE_A_WEIGHT, be->weight) ||
	     nla_put_u8(msg, NFLB_BE_A_STATE, be->state)))
		goto err;
	if (what == NFLB_BE_PUT_FULL &&
	    (nla_put_u32(msg, NFLB_BE_A_SLOTS, slots) ||
	     nflb_put_stats(msg, NFLB_BE_A_STATS, be->stats, &be->est)))
		goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

int nflb_put_svc_key(struct sk_buff *msg, const struct nflb_svc_key *key)
{
	if (nla_put_u16(msg, NFLB_SVC_A_FAMILY, key->family) ||
	    nla_put_u8(msg, NFLB_SVC_A_PROTO, key->proto) ||
	    nla_put(msg, NFLB_SVC_A_ADDR, nflb_addr_len(key->family),
		    &key->addr) ||
	    nla_put_u16(msg, NFLB_SVC_A_PORT, ntohs(key->port)))
		return -EMSGSIZE;
	return 0;
}

/* Under nflb_net::lock, as every reply and event is made. */
int nflb_put_svc_opts(struct sk_buff *msg,
		      const struct nflb_service *svc)
{
	const struct nflb_snat *snat = rcu_dereference_protected(svc->snat_addr,
								 true);

	if (snat && nla_put(msg, NFLB_SVC_A_SNAT_ADDR,
			    nflb_addr_len(svc->key.family), &snat->addr))
		return -EMSGSIZE;
	if (nla_put_u32(msg, NFLB_SVC_A_TABLE_SIZE, svc->table_size) ||
	    nla_put_u8(msg, NFLB_SVC_A_HASH, svc->hash) ||
	    nla_put_u64_64bit(msg, NFLB_SVC_A_SEED, svc->seed, NFLB_SVC_A_PAD) ||
	    nla_put_u8(msg, NFLB_SVC_A_SNAT, svc->snat) ||
	    nla_put_u8(msg, NFLB_SVC_A_FORWARD, svc->forward) ||
	    nla_put_u8(msg, NFLB_SVC_A_SYNPROXY, svc->synproxy))
		return -EMSGSIZE;
	/* Timeouts only when set: 0 is conntrack's default. */
	if ((svc->timeout_tcp &&
	     nla_put_u32(msg, NFLB_SVC_A_TIMEOUT_TCP, svc->timeout_tcp)) ||
	    (svc->timeout_tcp_fin &&
	     nla_put_u32(msg, NFLB_SVC_A_TIMEOUT_TCP_FIN,
			 svc->timeout_tcp_fin)) ||
	    (svc->timeout_udp &&
	     nla_put_u32(msg, NFLB_SVC_A_TIMEOUT_UDP, svc->timeout_udp)))
		return -EMSGSIZE;
	/* The rate limit only when set. */
	if (svc->limit &&
	    (nla_put_u32(msg, NFLB_SVC_A_RATE, svc->limit >> 32) ||
	     nla_put_u32(msg, NFLB_SVC_A_BURST, (u32)svc->limit)))
		return -EMSGSIZE;
	return 0;
}

int nflb_put_offload(struct sk_buff *msg, struct nflb_net *nn)
{
	u32 ifindex[NFLB_OFFLOAD_DEV_MAX];
	u32 flows, counted;
	struct nlattr *nest;
	unsigned int i, n;

	lockdep_assert_held(&nn->lock);
	nest = nla_nest_start(msg, NFLB_A_OFFLOAD);
	if (!nest)
		return -EMSGSIZE;
	n = nflb_offload_devs(nn, ifindex);
	nflb_offload_counts(nn, &flows, &counted);
	for (i = 0; i < n; i++)
		if (nla_put_u32(msg, NFLB_OFFLOAD_A_DEV, ifindex[i]))
			goto err;
	if (nla_put_u32(msg, NFLB_OFFLOAD_A_FLOWS, flows) ||
	    nla_put_u32(msg, NFLB_OFFLOAD_A_COUNTED, counted))
		goto err;
	nla_nest_end(msg, nest);
	return 0;

err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}
