// SPDX-License-Identifier: GPL-2.0
/*
 * Commands about the whole netns: GET_INFO, FLUSH and STATS_ZERO.
 */

#include "dsr.h"
#include "nl.h"
#include "validate.h"
#include "version.h"

static int nflb_fill_info(struct sk_buff *msg, void *arg)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFLB_A_INFO);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, NFLB_INFO_A_VERSION, NFLB_VERSION) ||
	    nla_put_u32(msg, NFLB_INFO_A_VERSION_CODE, nflb_version_code()) ||
	    nla_put_u32(msg, NFLB_INFO_A_TABLE_MIN, NFLB_TABLE_MIN) ||
	    nla_put_u32(msg, NFLB_INFO_A_TABLE_MAX, NFLB_TABLE_MAX) ||
	    nla_put_u32(msg, NFLB_INFO_A_TABLE_DEFAULT, NFLB_TABLE_DEFAULT)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int nflb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return nflb_nl_reply(info, NFLB_CMD_GET_INFO, nflb_fill_info, NULL);
}

int nflb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));

	mutex_lock(&nn->lock);
	nflb_service_flush(nn);
	nflb_notify_flush(nn);
	mutex_unlock(&nn->lock);
	nflb_dsr_forget(nn, NULL, NULL);
	return 0;
}

int nflb_nl_stats_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	int ret = 0;

	mutex_lock(&nn->lock);
	if (info->attrs[NFLB_A_SERVICE]) {
		svc = nflb_req_svc(nn, info, tb, &ret);
		if (svc)
			nflb_service_stats_zero(nn, svc);
	} else {
		unsigned long id;

		xa_for_each(&nn->service_ids, id, svc) {
			nflb_service_stats_zero(nn, svc);
			cond_resched();
		}
	}
	mutex_unlock(&nn->lock);
	return ret;
}
