// SPDX-License-Identifier: GPL-2.0
/*
 * OFFLOAD_SET and OFFLOAD_GET: the devices of the flowtable fast path
 * (offload.c).  rtnl first, then nflb_net::lock, as the device notifier
 * takes them.
 */

#include <linux/rtnetlink.h>

#include "nl.h"
#include "offload.h"

int nflb_nl_offload_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *nest = info->attrs[NFLB_A_OFFLOAD];
	u32 ifindex[NFLB_OFFLOAD_DEV_MAX];
	unsigned int n = 0;
	struct nlattr *a;
	int rem, ret;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "NFLB_A_OFFLOAD is missing");
		return -EINVAL;
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != NFLB_OFFLOAD_A_DEV)
			continue;
		if (n == NFLB_OFFLOAD_DEV_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many offload devices");
			return -E2BIG;
		}
		ifindex[n++] = nla_get_u32(a);
	}
	rtnl_lock();
	mutex_lock(&nn->lock);
	ret = nflb_offload_set(nn, ifindex, n, info->extack);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
	return ret;
}

static int nflb_fill_offload(struct sk_buff *msg, struct nflb_net *nn)
{
	u32 ifindex[NFLB_OFFLOAD_DEV_MAX];
	u32 flows, counted;
	struct nlattr *nest;
	unsigned int i, n;

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

int nflb_nl_offload_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nflb_genl_family, 0,
				NFLB_CMD_OFFLOAD_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	mutex_lock(&nn->lock);
	ret = nflb_fill_offload(msg, nn);
	mutex_unlock(&nn->lock);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}
