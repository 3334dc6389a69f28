// SPDX-License-Identifier: GPL-2.0
/*
 * The "nflb" generic netlink family: its policies, operations and
 * multicast group.  One handler per command, each with its own strict
 * policy; every rejection carries an extack message.  The handlers live
 * with their object: nl_service.c, nl_backend.c, nl_table.c, nl_info.c;
 * request parsing is in nl_parse.c, attribute writers in nl_put.c, change
 * events in nl_event.c, all declared in nl.h.
 */

#include <net/genetlink.h>
#include <uapi/linux/nflb.h>

#include "netlink.h"
#include "nl.h"

/*
 * Policy ranges are s16 unless given by pointer.  Ours are const: 6.1's
 * struct nla_policy points to them without const (later kernels added it)
 * but only ever reads them.
 */
static const struct netlink_range_validation nflb_weight_range = {
	.max = U16_MAX,
};

static const struct netlink_range_validation nflb_timeout_range = {
	.max = NFLB_TIMEOUT_MAX,
};

static const struct netlink_range_validation nflb_rate_range = {
	.max = NFLB_SVC_RATE_MAX,
};

static const struct netlink_range_validation nflb_burst_range = {
	.min = 1,
	.max = NFLB_SVC_RATE_MAX,
};

#define NFLB_POLICY_U32_RANGE(range) \
	NLA_POLICY_FULL_RANGE(NLA_U32, (struct netlink_range_validation *)(range))

/* Requests: what each command may carry; replies only are rejected. */
const struct nla_policy nflb_be_policy[NFLB_BE_A_MAX + 1] = {
	[NFLB_BE_A_FAMILY] = { .type = NLA_U16 },
	[NFLB_BE_A_ADDR] = NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[NFLB_BE_A_PORT] = { .type = NLA_U16 },
	[NFLB_BE_A_WEIGHT] = NFLB_POLICY_U32_RANGE(&nflb_weight_range),
	[NFLB_BE_A_STATE] = NLA_POLICY_MAX(NLA_U8, NFLB_BACKEND_STATE_MAX),
	[NFLB_BE_A_SLOTS] = { .type = NLA_REJECT },
	[NFLB_BE_A_STATS] = { .type = NLA_REJECT },
};

const struct nla_policy nflb_svc_policy[NFLB_SVC_A_MAX + 1] = {
	[NFLB_SVC_A_FAMILY] = { .type = NLA_U16 },
	[NFLB_SVC_A_PROTO] = { .type = NLA_U8 },
	[NFLB_SVC_A_ADDR] = NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[NFLB_SVC_A_PORT] = { .type = NLA_U16 },
	/* Range and primality: nflb_table_size_check(), one message. */
	[NFLB_SVC_A_TABLE_SIZE] = { .type = NLA_U32 },
	[NFLB_SVC_A_HASH] = NLA_POLICY_MAX(NLA_U8, NFLB_HASH_MAX),
	[NFLB_SVC_A_SEED] = { .type = NLA_U64 },
	[NFLB_SVC_A_SNAT] = NLA_POLICY_MAX(NLA_U8, 1),
	[NFLB_SVC_A_STATS] = { .type = NLA_REJECT },
	/* SERVICE_NEW only (nflb_parse_svc() rejects it elsewhere). */
	[NFLB_SVC_A_BACKENDS] = NLA_POLICY_NESTED_ARRAY(nflb_be_policy),
	[NFLB_SVC_A_PAD] = { .type = NLA_REJECT },
	[NFLB_SVC_A_TIMEOUT_TCP] =
		NFLB_POLICY_U32_RANGE(&nflb_timeout_range),
	[NFLB_SVC_A_TIMEOUT_TCP_FIN] =
		NFLB_POLICY_U32_RANGE(&nflb_timeout_range),
	[NFLB_SVC_A_TIMEOUT_UDP] =
		NFLB_POLICY_U32_RANGE(&nflb_timeout_range),
	[NFLB_SVC_A_CONT] = { .type = NLA_REJECT },
	[NFLB_SVC_A_FORWARD] = NLA_POLICY_MAX(NLA_U8, NFLB_FORWARD_MAX),
	/* Length and family: nflb_parse_svc_snat(), one message. */
	[NFLB_SVC_A_SNAT_ADDR] = NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[NFLB_SVC_A_RATE] = NFLB_POLICY_U32_RANGE(&nflb_rate_range),
	[NFLB_SVC_A_BURST] = NFLB_POLICY_U32_RANGE(&nflb_burst_range),
	[NFLB_SVC_A_SYNPROXY] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy nflb_svc_req_policy[NFLB_A_SERVICE + 1] = {
	[NFLB_A_SERVICE] = NLA_POLICY_NESTED(nflb_svc_policy),
};

static const struct nla_policy nflb_be_req_policy[NFLB_A_FLUSH + 1] = {
	[NFLB_A_SERVICE] = NLA_POLICY_NESTED(nflb_svc_policy),
	[NFLB_A_BACKEND] = NLA_POLICY_NESTED(nflb_be_policy),
	[NFLB_A_FLUSH] = { .type = NLA_FLAG },
};

static const struct nla_policy nflb_flow_req_policy[NFLB_A_BACKEND + 1] = {
	[NFLB_A_SERVICE] = NLA_POLICY_NESTED(nflb_svc_policy),
	[NFLB_A_BACKEND] = NLA_POLICY_NESTED(nflb_be_policy),
};

static const struct nla_policy nflb_offload_policy[NFLB_OFFLOAD_A_MAX + 1] = {
	[NFLB_OFFLOAD_A_DEV] = { .type = NLA_U32 },
	[NFLB_OFFLOAD_A_FLOWS] = { .type = NLA_REJECT },
	[NFLB_OFFLOAD_A_COUNTED] = { .type = NLA_REJECT },
};

static const struct nla_policy nflb_offload_req_policy[NFLB_A_OFFLOAD + 1] = {
	[NFLB_A_OFFLOAD] = NLA_POLICY_NESTED(nflb_offload_policy),
};

static const struct genl_ops nflb_genl_ops[] = {
	{
		.cmd = NFLB_CMD_GET_INFO,
		.doit = nflb_nl_get_info,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_SERVICE_NEW,
		.doit = nflb_nl_service_new,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_SERVICE_SET,
		.doit = nflb_nl_service_set,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_SERVICE_DEL,
		.doit = nflb_nl_service_del,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_SERVICE_GET,
		.doit = nflb_nl_service_get,
		.dumpit = nflb_nl_service_dump,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_BACKEND_NEW,
		.doit = nflb_nl_backend_new,
		.policy = nflb_be_req_policy,
		.maxattr = NFLB_A_BACKEND,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_BACKEND_SET,
		.doit = nflb_nl_backend_set,
		.policy = nflb_be_req_policy,
		.maxattr = NFLB_A_FLUSH,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_BACKEND_DEL,
		.doit = nflb_nl_backend_del,
		.policy = nflb_be_req_policy,
		.maxattr = NFLB_A_FLUSH,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_FLUSH,
		.doit = nflb_nl_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_TABLE_GET,
		.dumpit = nflb_nl_table_dump,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_STATS_ZERO,
		.doit = nflb_nl_stats_zero,
		.policy = nflb_svc_req_policy,
		.maxattr = NFLB_A_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_FLOW_GET,
		.doit = nflb_nl_flow_get,
		.dumpit = nflb_nl_flow_dump,
		.policy = nflb_flow_req_policy,
		.maxattr = NFLB_A_BACKEND,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_FLOW_FLUSH,
		.doit = nflb_nl_flow_flush,
		.policy = nflb_flow_req_policy,
		.maxattr = NFLB_A_BACKEND,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_OFFLOAD_SET,
		.doit = nflb_nl_offload_set,
		.policy = nflb_offload_req_policy,
		.maxattr = NFLB_A_OFFLOAD,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NFLB_CMD_OFFLOAD_GET,
		.doit = nflb_nl_offload_get,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Events tell the configuration: for CAP_NET_ADMIN, as requests are.
 * Since 5.12, genl_bind() checks the group's flags; 6.1.176 (stable
 * backport of "genetlink: Use internal flags for multicast groups") renamed
 * the flag it reads from GENL_UNS_ADMIN_PERM to GENL_MCAST_CAP_NET_ADMIN.
 * Either way the check is the same: ns_capable(CAP_NET_ADMIN) at bind.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define NFLB_MCGRP_NET_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define NFLB_MCGRP_NET_ADMIN	GENL_UNS_ADMIN_PERM
#endif

static const struct genl_multicast_group nflb_mcgrps[] = {
	[NFLB_MCGRP_EVENTS_INDEX] = {
		.name = NFLB_MCGRP_EVENTS,
		.flags = NFLB_MCGRP_NET_ADMIN,
	},
};

/*
 * parallel_ops: requests do not take genl_mutex, which every generic
 * netlink family without parallel_ops shares (nl80211, wireguard, ...): a
 * long table build or conntrack walk here would stall them all.  Each
 * handler and each dump call serialises on its netns's nflb_net::lock
 * instead, and walks conntrack after releasing it.  A dump keeps its
 * position in netlink_callback (per dump) and checks it against the
 * generation under the lock on every call; no dump has a start or done.
 * GET_INFO reads constants only.
 */
struct genl_family nflb_genl_family __ro_after_init = {
	.name = NFLB_GENL_NAME,
	.version = NFLB_GENL_VERSION,
	.maxattr = NFLB_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.ops = nflb_genl_ops,
	.n_ops = ARRAY_SIZE(nflb_genl_ops),
	.mcgrps = nflb_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nflb_mcgrps),
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
