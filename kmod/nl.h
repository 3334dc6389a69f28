/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_NL_H
#define _NFLB_NL_H

/*
 * Private to the netlink layer: netlink.c (family, policies, op table) and
 * the nl_*.c files it is split into.  The handlers take nflb_net::lock;
 * what they call with a service or backend runs under it.
 */

#include <net/genetlink.h>
#include <uapi/linux/nflb.h>

#include "netns.h"
#include "service.h"

extern struct genl_family nflb_genl_family;
extern const struct nla_policy nflb_svc_policy[NFLB_SVC_A_MAX + 1];
extern const struct nla_policy nflb_be_policy[NFLB_BE_A_MAX + 1];

/* Multicast groups, by index in the family's mcgrps[]. */
enum nflb_mcgrp_index {
	NFLB_MCGRP_EVENTS_INDEX,
};

/* nl_parse.c: requests; only nflb_req_svc() needs the lock. */
int nflb_parse_svc(struct genl_info *info, struct nlattr **tb,
		   struct nflb_svc_key *key);
int nflb_parse_svc_snat(struct nlattr **tb, const struct nflb_svc_key *key,
			struct nflb_svc_opts *opts,
			struct netlink_ext_ack *extack);
int nflb_parse_svc_opts(struct nlattr **tb, u8 proto,
			struct nflb_svc_opts *opts,
			struct netlink_ext_ack *extack);
int nflb_parse_svc_backends(const struct nlattr *list,
			    const struct nflb_svc_key *key,
			    struct nflb_be_spec **specs,
			    struct netlink_ext_ack *extack);
int nflb_parse_be_nest(const struct nlattr *nest,
		       const struct nflb_svc_key *key,
		       struct nlattr **tb, struct nflb_be_spec *spec,
		       struct netlink_ext_ack *extack);
int nflb_parse_be(struct genl_info *info, struct nflb_service *svc,
		  struct nlattr **tb, union nf_inet_addr *addr,
		  __be16 *port);
int nflb_check_dsr_port(const struct nflb_svc_key *key, u8 forward,
			__be16 port, const struct nlattr *attr,
			struct netlink_ext_ack *extack);
struct nflb_service *nflb_req_svc(struct nflb_net *nn,
				  struct genl_info *info,
				  struct nlattr **tb, int *err);

/* nl_put.c: attributes of replies and events. */

/*
 * The reply to INFO: a CMD message filled by FILL(msg, ARG), which takes
 * whatever lock its attributes need (no lock held here; GFP_KERNEL).
 */
int nflb_nl_reply(struct genl_info *info, u8 cmd,
		  int (*fill)(struct sk_buff *msg, void *arg), void *arg);

/* What nflb_put_backend() puts besides the backend's identity. */
enum nflb_be_put {
	NFLB_BE_PUT_KEY,	/* identity only */
	NFLB_BE_PUT_OPTS,	/* and options (events) */
	NFLB_BE_PUT_FULL,	/* and options, slots, counters (replies) */
};

int nflb_put_stats(struct sk_buff *msg, int type,
		   struct nflb_stats __percpu *pcpu,
		   const struct nflb_stats_est *est);
int nflb_put_backend(struct sk_buff *msg, const struct nflb_service *svc,
		     const struct nflb_backend *be, u32 slots,
		     enum nflb_be_put what);
int nflb_put_svc_key(struct sk_buff *msg, const struct nflb_svc_key *key);
int nflb_put_svc_opts(struct sk_buff *msg, const struct nflb_service *svc);
/* NFLB_A_OFFLOAD: the devices and counts; under nflb_net::lock. */
int nflb_put_offload(struct sk_buff *msg, struct nflb_net *nn);

/* nl_event.c: change events. */
void nflb_notify_service(struct nflb_net *nn, u8 cmd,
			 const struct nflb_svc_key *key,
			 const struct nflb_service *svc);
void nflb_notify_service_new(struct nflb_net *nn,
			     const struct nflb_service *svc);
void nflb_notify_backend(struct nflb_net *nn, u8 cmd,
			 const struct nflb_service *svc,
			 const struct nflb_backend *be);
void nflb_notify_flush(struct nflb_net *nn);

/* Handlers of the op table; they take nflb_net::lock themselves. */
int nflb_nl_service_new(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_service_set(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_service_del(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_service_get(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_service_dump(struct sk_buff *skb, struct netlink_callback *cb);
int nflb_nl_backend_new(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_backend_set(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_backend_del(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_table_dump(struct sk_buff *skb, struct netlink_callback *cb);
int nflb_nl_get_info(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_flush(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_stats_zero(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_flow_get(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int nflb_nl_flow_flush(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_offload_set(struct sk_buff *skb, struct genl_info *info);
int nflb_nl_offload_get(struct sk_buff *skb, struct genl_info *info);

#endif /* _NFLB_NL_H */
