// SPDX-License-Identifier: GPL-2.0
/*
 * FLOW_GET (the DSR flow table: its flows as a dump, its size and
 * counters as a doit) and FLOW_FLUSH.  The table is read without
 * nflb_net::lock: its entries are read as the packet path reads them, and
 * it lives as long as the netns, which the request's socket holds.
 */

#include <net/sock.h>

#include "dsr.h"
#include "nl.h"

/* The netns's table, or NULL before its first DSR service. */
static struct nflb_dsr *nflb_nl_dsr(struct nflb_net *nn)
{
	return rcu_dereference_check(nn->dsr, 1);
}

/*
 * The optional service key and backend of a FLOW_* request into F (KEY,
 * ADDR hold them).  A service need not exist: its flows may outlive it.
 */
static int nflb_flow_filter(struct nflb_net *nn, struct genl_info *info,
			    struct nflb_svc_key *key, union nf_inet_addr *addr,
			    struct nflb_dsr_filter *f)
{
	struct nlattr *stb[NFLB_SVC_A_MAX + 1];
	struct nlattr *btb[NFLB_BE_A_MAX + 1];
	struct nflb_be_spec spec;
	int ret;

	memset(f, 0, sizeof(*f));
	f->nn = nn;
	if (info->attrs[NFLB_A_BACKEND] && !info->attrs[NFLB_A_SERVICE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFLB_A_BACKEND],
				    "a backend is only given with its service");
		return -EINVAL;
	}
	if (!info->attrs[NFLB_A_SERVICE])
		return 0;
	ret = nflb_parse_svc(info, stb, key);
	if (ret)
		return ret;
	f->svc = key;
	if (!info->attrs[NFLB_A_BACKEND])
		return 0;
	ret = nflb_parse_be_nest(info->attrs[NFLB_A_BACKEND], key, btb, &spec,
				 info->extack);
	if (ret)
		return ret;
	*addr = spec.addr;
	f->backend = addr;
	return 0;
}

static int nflb_put_flow(struct sk_buff *msg, const struct nflb_dsr_flow *e,
			 u32 now)
{
	unsigned int alen = nflb_addr_len(e->family);
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFLB_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, NFLB_FLOW_A_FAMILY, e->family) ||
	    nla_put_u8(msg, NFLB_FLOW_A_PROTO, e->proto) ||
	    nla_put(msg, NFLB_FLOW_A_SADDR, alen, &e->saddr) ||
	    nla_put_u16(msg, NFLB_FLOW_A_SPORT, ntohs(e->sport)) ||
	    nla_put(msg, NFLB_FLOW_A_DADDR, alen, &e->daddr) ||
	    nla_put_u16(msg, NFLB_FLOW_A_DPORT, ntohs(e->dport)) ||
	    nla_put(msg, NFLB_FLOW_A_BACKEND, alen, &e->backend) ||
	    nla_put_u8(msg, NFLB_FLOW_A_STATE, e->state) ||
	    nla_put_u32(msg, NFLB_FLOW_A_TIMEOUT, e->expires - now)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Where a FLOW_GET dump stands: the next entry to look at. */
struct nflb_flow_dump {
	u64 pos;
};

static_assert(sizeof(struct nflb_flow_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

int nflb_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *dinfo = genl_dumpit_info(cb);
	struct nflb_flow_dump *d = (struct nflb_flow_dump *)cb->ctx;
	struct nflb_net *nn = nflb_net(sock_net(skb->sk));
	struct nflb_dsr *dsr = nflb_nl_dsr(nn);
	struct genl_info info = {
		.attrs = dinfo->attrs,
		.extack = cb->extack,
	};
	struct nflb_dsr_filter f;
	struct nflb_dsr_flow e;
	union nf_inet_addr addr;
	struct nflb_svc_key key;
	u32 now = nflb_dsr_now();
	u64 total;
	void *hdr;
	int ret;

	ret = nflb_flow_filter(nn, &info, &key, &addr, &f);
	if (ret)
		return ret;
	if (!dsr)
		return 0;
	total = (u64)dsr->n_buckets * NFLB_DSR_WAYS;
	for (; d->pos < total; d->pos++) {
		if (!nflb_dsr_read(&dsr->flows[d->pos], &e) ||
		    (s32)(now - e.expires) >= 0)
			continue;
		rcu_read_lock();
		ret = nflb_dsr_filter_match(&f, &e);
		rcu_read_unlock();
		if (!ret)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nflb_genl_family,
				  NLM_F_MULTI, NFLB_CMD_FLOW_GET);
		if (!hdr)
			break;
		if (nflb_put_flow(skb, &e, now)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		if (!(d->pos % 4096))
			cond_resched();
	}
	return skb->len;
}

/* FLOW_GET doit: the table's size, occupancy and counters. */
int nflb_nl_flow_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nflb_dsr *dsr = nflb_nl_dsr(nn);
	static const u8 attr[NFLB_DSR_STAT_N] = {
		[NFLB_DSR_STAT_INSERTS] = NFLB_FLOWTABLE_A_INSERTS,
		[NFLB_DSR_STAT_EVICTS] = NFLB_FLOWTABLE_A_EVICTS,
		[NFLB_DSR_STAT_FULL] = NFLB_FLOWTABLE_A_FULL,
		[NFLB_DSR_STAT_TOO_BIG] = NFLB_FLOWTABLE_A_TOO_BIG,
		[NFLB_DSR_STAT_NO_ROUTE] = NFLB_FLOWTABLE_A_NO_ROUTE,
		[NFLB_DSR_STAT_ERRORS] = NFLB_FLOWTABLE_A_ERRORS,
		[NFLB_DSR_STAT_ICMP] = NFLB_FLOWTABLE_A_ICMP,
		[NFLB_DSR_STAT_GUARD] = NFLB_FLOWTABLE_A_GUARD,
	};
	u64 v[NFLB_DSR_STAT_N] = {};
	u32 size = 0, used = 0;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	if (dsr) {
		size = dsr->n_buckets * NFLB_DSR_WAYS;
		used = nflb_dsr_used(dsr);
		nflb_dsr_stats_read(dsr, v);
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nflb_genl_family, 0,
				NFLB_CMD_FLOW_GET);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, NFLB_A_FLOWTABLE);
	if (!nest ||
	    nla_put_u32(msg, NFLB_FLOWTABLE_A_SIZE, size) ||
	    nla_put_u32(msg, NFLB_FLOWTABLE_A_USED, used) ||
	    nla_put_u32(msg, NFLB_FLOWTABLE_A_RATE,
			READ_ONCE(nflb_dsr_flow_rate)))
		goto err;
	for (i = 0; i < NFLB_DSR_STAT_N; i++)
		if (nla_put_u64_64bit(msg, attr[i], v[i], NFLB_FLOWTABLE_A_PAD))
			goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int nflb_nl_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nflb_dsr *dsr = nflb_nl_dsr(nn);
	struct nflb_dsr_filter f;
	union nf_inet_addr addr;
	struct nflb_svc_key key;
	int ret;

	ret = nflb_flow_filter(nn, info, &key, &addr, &f);
	if (ret || !dsr)
		return ret;
	nflb_dsr_flush(dsr, &f);
	return 0;
}
