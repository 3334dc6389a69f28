// SPDX-License-Identifier: GPL-2.0
/*
 * The "nflb" generic netlink family: one handler per command, each with its
 * own strict policy; every rejection carries an extack message.
 */

#include <net/genetlink.h>
#include <uapi/linux/nflb.h>

#include "netlink.h"
#include "netns.h"
#include "validate.h"
#include "version.h"

static struct genl_family nflb_genl_family;

static int nflb_fill_info(struct sk_buff *msg, struct nflb_net *nn)
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

static int nflb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nflb_genl_family, 0,
				NFLB_CMD_GET_INFO);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = nflb_fill_info(msg, nn);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_ops nflb_genl_ops[] = {
	{
		.cmd = NFLB_CMD_GET_INFO,
		.doit = nflb_nl_get_info,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family nflb_genl_family __ro_after_init = {
	.name = NFLB_GENL_NAME,
	.version = NFLB_GENL_VERSION,
	.maxattr = NFLB_A_MAX,
	.netnsok = true,
	.resv_start_op = 0,
	.ops = nflb_genl_ops,
	.n_ops = ARRAY_SIZE(nflb_genl_ops),
	.module = THIS_MODULE,
};

int __init nflb_genl_init(void)
{
	return genl_register_family(&nflb_genl_family);
}

void nflb_genl_uninit(void)
{
	genl_unregister_family(&nflb_genl_family);
}
