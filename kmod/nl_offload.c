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

/* The reply's one attribute, under the lock the device list is kept by. */
static int nflb_fill_offload(struct sk_buff *msg, void *arg)
{
	struct nflb_net *nn = arg;
	int ret;

	mutex_lock(&nn->lock);
	ret = nflb_put_offload(msg, nn);
	mutex_unlock(&nn->lock);
	return ret;
}

int nflb_nl_offload_get(struct sk_buff *skb, struct genl_info *info)
{
	return nflb_nl_reply(info, NFLB_CMD_OFFLOAD_GET, nflb_fill_offload,
			     nflb_net(genl_info_net(info)));
}
