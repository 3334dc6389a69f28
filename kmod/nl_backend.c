// SPDX-License-Identifier: GPL-2.0
/*
 * BACKEND_NEW, BACKEND_SET and BACKEND_DEL.
 */

#include "nl.h"

int nflb_nl_backend_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *stb[NFLB_SVC_A_MAX + 1];
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	union nf_inet_addr addr;
	struct nflb_service *svc;
	u8 state = NFLB_BACKEND_UP;
	u16 weight = 1;
	__be16 port;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, stb, &ret);
	if (!svc)
		goto out;
	ret = nflb_parse_be(info, svc, tb, &addr, &port);
	if (!ret)
		ret = nflb_check_dsr_port(&svc->key, svc->forward, port,
					  info->attrs[NFLB_A_BACKEND],
					  info->extack);
	if (ret)
		goto out;
	if (tb[NFLB_BE_A_WEIGHT])
		weight = nla_get_u32(tb[NFLB_BE_A_WEIGHT]);
	if (tb[NFLB_BE_A_STATE])
		state = nla_get_u8(tb[NFLB_BE_A_STATE]);
	ret = nflb_backend_add(nn, svc, &addr, port, weight, state,
			       info->extack);
	if (!ret)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_NEW, svc,
				    nflb_backend_find(svc, &addr, port));
out:
	mutex_unlock(&nn->lock);
	return ret;
}

/* The existing backend a SET or DEL request names. */
static struct nflb_backend *nflb_req_be(struct nflb_net *nn,
					struct genl_info *info,
					struct nflb_service **svcp,
					struct nlattr **tb, int *err)
{
	struct nlattr *stb[NFLB_SVC_A_MAX + 1];
	union nf_inet_addr addr;
	struct nflb_backend *be;
	__be16 port;

	*svcp = nflb_req_svc(nn, info, stb, err);
	if (!*svcp)
		return NULL;
	*err = nflb_parse_be(info, *svcp, tb, &addr, &port);
	if (*err)
		return NULL;
	be = nflb_backend_find(*svcp, &addr, port);
	if (!be) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFLB_A_BACKEND],
				    "no such backend");
		*err = -ENOENT;
	}
	return be;
}

int nflb_nl_backend_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_backend *be;
	struct nflb_svc_key key;
	struct nflb_backend gone;
	u16 weight;
	u8 state;
	int ret;

	mutex_lock(&nn->lock);
	be = nflb_req_be(nn, info, &svc, tb, &ret);
	if (!be)
		goto out;
	weight = tb[NFLB_BE_A_WEIGHT] ? nla_get_u32(tb[NFLB_BE_A_WEIGHT]) :
					be->weight;
	state = tb[NFLB_BE_A_STATE] ? nla_get_u8(tb[NFLB_BE_A_STATE]) :
				      be->state;
	ret = nflb_backend_set(nn, svc, be, weight, state, info->extack);
	if (!ret) {
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_SET, svc, be);
		key = svc->key;
		gone = *be;
	}
out:
	mutex_unlock(&nn->lock);
	if (!ret && nla_get_flag(info->attrs[NFLB_A_FLUSH]))
		nflb_flush_backend_flows(nn, &key, &gone.addr, gone.port);
	return ret;
}

int nflb_nl_backend_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_backend *be, gone;
	struct nflb_service *svc;
	struct nflb_svc_key key;
	int ret;

	mutex_lock(&nn->lock);
	be = nflb_req_be(nn, info, &svc, tb, &ret);
	if (!be)
		goto out;
	gone = *be;		/* BE is freed after a grace period */
	key = svc->key;
	ret = nflb_backend_del(nn, svc, be, info->extack);
	if (!ret)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_DEL, svc, &gone);
out:
	mutex_unlock(&nn->lock);
	/* Its table published: no new flow picks the backend. */
	if (!ret && nla_get_flag(info->attrs[NFLB_A_FLUSH]))
		nflb_flush_backend_flows(nn, &key, &gone.addr, gone.port);
	return ret;
}
