// SPDX-License-Identifier: GPL-2.0
/*
 * The "nflb" generic netlink family: one handler per command, each with its
 * own strict policy; every rejection carries an extack message.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <uapi/linux/nflb.h>

#include "maglev.h"
#include "netlink.h"
#include "netns.h"
#include "service.h"
#include "validate.h"
#include "version.h"

static struct genl_family nflb_genl_family;

/* Multicast groups, by index in nflb_mcgrps[]. */
enum nflb_mcgrp_index {
	NFLB_MCGRP_EVENTS_INDEX,
};

static void nflb_notify_service(struct nflb_net *nn, u8 cmd,
				const struct nflb_svc_key *key,
				const struct nflb_service *svc);
static void nflb_notify_service_new(struct nflb_net *nn,
				    const struct nflb_service *svc);
static void nflb_notify_backend(struct nflb_net *nn, u8 cmd,
				const struct nflb_service *svc,
				const struct nflb_backend *be);
static void nflb_notify_flush(struct nflb_net *nn);

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


/* Policy ranges are s16 unless given by pointer. */
static struct netlink_range_validation nflb_weight_range = {
	.max = U16_MAX,
};

static struct netlink_range_validation nflb_timeout_range = {
	.max = NFLB_TIMEOUT_MAX,
};

/* Requests: what each command may carry; replies only are rejected. */
static const struct nla_policy nflb_be_policy[NFLB_BE_A_MAX + 1] = {
	[NFLB_BE_A_FAMILY] = { .type = NLA_U16 },
	[NFLB_BE_A_ADDR] = NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[NFLB_BE_A_PORT] = { .type = NLA_U16 },
	[NFLB_BE_A_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32, &nflb_weight_range),
	[NFLB_BE_A_STATE] = NLA_POLICY_MAX(NLA_U8, NFLB_BACKEND_STATE_MAX),
	[NFLB_BE_A_SLOTS] = { .type = NLA_REJECT },
	[NFLB_BE_A_STATS] = { .type = NLA_REJECT },
};

static const struct nla_policy nflb_svc_policy[NFLB_SVC_A_MAX + 1] = {
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
		NLA_POLICY_FULL_RANGE(NLA_U32, &nflb_timeout_range),
	[NFLB_SVC_A_TIMEOUT_TCP_FIN] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &nflb_timeout_range),
	[NFLB_SVC_A_TIMEOUT_UDP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &nflb_timeout_range),
	[NFLB_SVC_A_CONT] = { .type = NLA_REJECT },
};

static const struct nla_policy nflb_svc_req_policy[NFLB_A_SERVICE + 1] = {
	[NFLB_A_SERVICE] = NLA_POLICY_NESTED(nflb_svc_policy),
};

static const struct nla_policy nflb_be_req_policy[NFLB_A_FLUSH + 1] = {
	[NFLB_A_SERVICE] = NLA_POLICY_NESTED(nflb_svc_policy),
	[NFLB_A_BACKEND] = NLA_POLICY_NESTED(nflb_be_policy),
	[NFLB_A_FLUSH] = { .type = NLA_FLAG },
};

/* An address attribute of FAMILY; unicast only. */
static int nflb_parse_addr(const struct nlattr *attr, u16 family,
			   union nf_inet_addr *addr,
			   struct netlink_ext_ack *extack)
{
	memset(addr, 0, sizeof(*addr));
	if (nla_len(attr) != nflb_addr_len(family)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the address family");
		return -EINVAL;
	}
	nla_memcpy(addr, attr, sizeof(*addr));
	if (family == AF_INET ?
	    (ipv4_is_zeronet(addr->ip) || ipv4_is_multicast(addr->ip) ||
	     ipv4_is_lbcast(addr->ip)) :
	    (ipv6_addr_any(&addr->in6) || ipv6_addr_is_multicast(&addr->in6))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int nflb_parse_family(const struct nlattr *attr, u16 *family,
			     struct netlink_ext_ack *extack)
{
	*family = nla_get_u16(attr);
	if (*family != AF_INET && *family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	return 0;
}

/* The service named by a request's NFLB_A_SERVICE: key, options in TB. */
static int nflb_parse_svc(struct genl_info *info, struct nlattr **tb,
			  struct nflb_svc_key *key)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[NFLB_A_SERVICE];
	u16 family;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NFLB_A_SERVICE)) {
		NL_SET_ERR_MSG(extack, "service missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, NFLB_SVC_A_MAX, nest, nflb_svc_policy,
			       extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_SVC_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_SVC_A_PROTO) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_SVC_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_SVC_A_PORT)) {
		NL_SET_ERR_MSG(extack,
			       "service needs family, protocol, address and port");
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	ret = nflb_parse_family(tb[NFLB_SVC_A_FAMILY], &family, extack);
	if (ret)
		return ret;
	key->family = family;
	key->proto = nla_get_u8(tb[NFLB_SVC_A_PROTO]);
	if (key->proto != IPPROTO_TCP && key->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFLB_SVC_A_PROTO],
				    "protocol must be TCP or UDP");
		return -EPROTONOSUPPORT;
	}
	key->port = htons(nla_get_u16(tb[NFLB_SVC_A_PORT]));
	return nflb_parse_addr(tb[NFLB_SVC_A_ADDR], family, &key->addr, extack);
}

/* Timeouts in TB over OPTS; each only for its protocol. */
static int nflb_parse_svc_timeouts(struct nlattr **tb, u8 proto,
				   struct nflb_svc_opts *opts,
				   struct netlink_ext_ack *extack)
{
	const struct {
		int type;
		u8 proto;
		const char *wrong;
		u32 *val;
	} to[] = {
		{ NFLB_SVC_A_TIMEOUT_TCP, IPPROTO_TCP,
		  "TCP timeout on a UDP service", &opts->timeout_tcp },
		{ NFLB_SVC_A_TIMEOUT_TCP_FIN, IPPROTO_TCP,
		  "TCP FIN timeout on a UDP service", &opts->timeout_tcp_fin },
		{ NFLB_SVC_A_TIMEOUT_UDP, IPPROTO_UDP,
		  "UDP timeout on a TCP service", &opts->timeout_udp },
	};
	struct nlattr *attr;
	int i;

	for (i = 0; i < ARRAY_SIZE(to); i++) {
		attr = tb[to[i].type];
		if (!attr)
			continue;
		if (proto != to[i].proto) {
			NL_SET_BAD_ATTR(extack, attr);
			if (extack)
				extack->_msg = to[i].wrong;
			return -EINVAL;
		}
		if (!IS_ENABLED(CONFIG_NF_CONNTRACK_TIMEOUT)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "timeouts need a kernel with CONFIG_NF_CONNTRACK_TIMEOUT");
			return -EOPNOTSUPP;
		}
		*to[i].val = nla_get_u32(attr);
	}
	return 0;
}

/* Options present in TB over OPTS, for a service of protocol PROTO. */
static int nflb_parse_svc_opts(struct nlattr **tb, u8 proto,
			       struct nflb_svc_opts *opts,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[NFLB_SVC_A_TABLE_SIZE];
	const char *why;
	int ret;

	if (attr) {
		ret = nflb_table_size_check(nla_get_u32(attr), &why);
		if (ret) {
			NL_SET_BAD_ATTR(extack, attr);
			if (extack)
				extack->_msg = why;
			return ret;
		}
		opts->table_size = nla_get_u32(attr);
	}
	if (tb[NFLB_SVC_A_HASH])
		opts->hash = nla_get_u8(tb[NFLB_SVC_A_HASH]);
	if (tb[NFLB_SVC_A_SEED])
		opts->seed = nla_get_u64(tb[NFLB_SVC_A_SEED]);
	if (tb[NFLB_SVC_A_SNAT])
		opts->snat = nla_get_u8(tb[NFLB_SVC_A_SNAT]);
	return nflb_parse_svc_timeouts(tb, proto, opts, extack);
}

/*
 * A backend nest NEST of service KEY: its key in SPEC, its attributes in TB
 * (options are the caller's).  The same rules for BACKEND_* requests and
 * the backends of SERVICE_NEW.
 */
static int nflb_parse_be_nest(const struct nlattr *nest,
			      const struct nflb_svc_key *key,
			      struct nlattr **tb, struct nflb_be_spec *spec,
			      struct netlink_ext_ack *extack)
{
	u16 family;
	int ret;

	ret = nla_parse_nested(tb, NFLB_BE_A_MAX, nest, nflb_be_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_BE_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NFLB_BE_A_ADDR)) {
		NL_SET_ERR_MSG(extack, "backend needs a family and an address");
		return -EINVAL;
	}
	ret = nflb_parse_family(tb[NFLB_BE_A_FAMILY], &family, extack);
	if (ret)
		return ret;
	if (family != key->family) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFLB_BE_A_FAMILY],
				    "backend address family differs from the service's");
		return -EAFNOSUPPORT;
	}
	ret = nflb_parse_addr(tb[NFLB_BE_A_ADDR], family, &spec->addr, extack);
	if (ret)
		return ret;
	spec->port = key->port;
	if (tb[NFLB_BE_A_PORT]) {
		spec->port = htons(nla_get_u16(tb[NFLB_BE_A_PORT]));
		if (!key->port && spec->port) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFLB_BE_A_PORT],
					    "backends of an all-ports service take no port");
			return -EINVAL;
		}
		if (key->port && !spec->port) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFLB_BE_A_PORT],
					    "backend port 0 is only for all-ports services");
			return -EINVAL;
		}
	}
	return 0;
}

/* Common to backend commands: service, backend key, options. */
static int nflb_parse_be(struct genl_info *info, struct nflb_service *svc,
			 struct nlattr **tb, union nf_inet_addr *addr,
			 __be16 *port)
{
	struct nflb_be_spec spec;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NFLB_A_BACKEND)) {
		NL_SET_ERR_MSG(info->extack, "backend missing");
		return -EINVAL;
	}
	ret = nflb_parse_be_nest(info->attrs[NFLB_A_BACKEND], &svc->key, tb,
				 &spec, info->extack);
	if (ret)
		return ret;
	*addr = spec.addr;
	*port = spec.port;
	return 0;
}

/* The service of the request, which must exist. */
static struct nflb_service *nflb_req_svc(struct nflb_net *nn,
					 struct genl_info *info,
					 struct nlattr **tb, int *err)
{
	struct nflb_service *svc;
	struct nflb_svc_key key;

	*err = nflb_parse_svc(info, tb, &key);
	if (*err)
		return NULL;
	if (tb[NFLB_SVC_A_BACKENDS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NFLB_SVC_A_BACKENDS],
				    "backends are only given when adding a service");
		*err = -EINVAL;
		return NULL;
	}
	svc = nflb_service_find(nn, &key);
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFLB_A_SERVICE],
				    "no such service");
		*err = -ENOENT;
	}
	return svc;
}

/* Sort order of backend specs: identity (address, port). */
static int nflb_be_spec_cmp(const void *a, const void *b)
{
	const struct nflb_be_spec *x = a, *y = b;
	int d = memcmp(&x->addr, &y->addr, sizeof(x->addr));

	if (d)
		return d;
	return (int)ntohs(x->port) - (int)ntohs(y->port);
}

/*
 * The backends of a SERVICE_NEW (NFLB_SVC_A_BACKENDS): each checked as
 * BACKEND_NEW checks one, duplicates rejected.  Returns the number of
 * backends with *SPECS (kvfree it) set, or a negative error.
 */
static int nflb_parse_svc_backends(const struct nlattr *list,
				   const struct nflb_svc_key *key,
				   struct nflb_be_spec **specs,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	const struct nlattr *attr;
	struct nflb_be_spec *v;
	int rem, n = 0, i, ret;

	nla_for_each_nested(attr, list, rem)
		n++;
	if (n > NFLB_MAGLEV_MAX_BACKENDS) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "too many backends for one service");
		return -ENOSPC;
	}
	*specs = NULL;
	if (!n)
		return 0;
	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	i = 0;
	nla_for_each_nested(attr, list, rem) {
		if (nla_type(attr) != NFLB_A_BACKEND) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "backend list holds something else than a backend");
			ret = -EINVAL;
			goto err;
		}
		memset(&v[i], 0, sizeof(v[i]));
		ret = nflb_parse_be_nest(attr, key, tb, &v[i], extack);
		if (ret)
			goto err;
		v[i].weight = tb[NFLB_BE_A_WEIGHT] ?
			      nla_get_u32(tb[NFLB_BE_A_WEIGHT]) : 1;
		v[i].state = tb[NFLB_BE_A_STATE] ?
			     nla_get_u8(tb[NFLB_BE_A_STATE]) : NFLB_BACKEND_UP;
		v[i].attr = attr;
		i++;
	}
	sort(v, n, sizeof(*v), nflb_be_spec_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (nflb_be_spec_cmp(&v[i - 1], &v[i]))
			continue;
		/* Name the later one of the request. */
		attr = v[i].attr > v[i - 1].attr ? v[i].attr : v[i - 1].attr;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "backend given twice in the service's backend list");
		ret = -EEXIST;
		goto err;
	}
	*specs = v;
	return n;
err:
	kvfree(v);
	return ret;
}

static int nflb_nl_service_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nflb_svc_opts opts = { .table_size = NFLB_TABLE_DEFAULT };
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_be_spec *specs = NULL;
	struct nflb_svc_key key;
	int ret, n = 0;

	ret = nflb_parse_svc(info, tb, &key);
	if (ret)
		return ret;
	ret = nflb_parse_svc_opts(tb, key.proto, &opts, info->extack);
	if (ret)
		return ret;
	if (tb[NFLB_SVC_A_BACKENDS]) {
		n = nflb_parse_svc_backends(tb[NFLB_SVC_A_BACKENDS], &key,
					    &specs, info->extack);
		if (n < 0)
			return n;
	}
	mutex_lock(&nn->lock);
	ret = nflb_service_add(nn, &key, &opts, specs, n, info->extack);
	if (!ret)
		nflb_notify_service_new(nn, nflb_service_find(nn, &key));
	mutex_unlock(&nn->lock);
	kvfree(specs);
	return ret;
}

static int nflb_nl_service_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_svc_opts opts;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, tb, &ret);
	if (!svc)
		goto out;
	nflb_svc_opts_get(svc, &opts);
	ret = nflb_parse_svc_opts(tb, svc->key.proto, &opts, info->extack);
	if (!ret)
		ret = nflb_service_set(nn, svc, &opts, info->extack);
	if (!ret)
		nflb_notify_service(nn, NFLB_CMD_SERVICE_SET, &svc->key, svc);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int nflb_nl_service_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_svc_key key;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, tb, &ret);
	if (svc) {
		key = svc->key;		/* SVC is freed after a grace period */
		nflb_service_del(nn, svc);
		nflb_notify_service(nn, NFLB_CMD_SERVICE_DEL, &key, NULL);
	}
	mutex_unlock(&nn->lock);
	return ret;
}

static int nflb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));

	mutex_lock(&nn->lock);
	nflb_service_flush(nn);
	nflb_notify_flush(nn);
	mutex_unlock(&nn->lock);
	return 0;
}

static int nflb_nl_stats_zero(struct sk_buff *skb, struct genl_info *info)
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
		list_for_each_entry(svc, &nn->service_list, node)
			nflb_service_stats_zero(nn, svc);
	}
	mutex_unlock(&nn->lock);
	return ret;
}

static int nflb_put_stats(struct sk_buff *msg, int type,
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

/* What nflb_put_backend() puts besides the backend's identity. */
enum nflb_be_put {
	NFLB_BE_PUT_KEY,	/* identity only */
	NFLB_BE_PUT_OPTS,	/* and options (events) */
	NFLB_BE_PUT_FULL,	/* and options, slots, counters (replies) */
};

static int nflb_put_backend(struct sk_buff *msg, const struct nflb_service *svc,
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

static int nflb_put_svc_key(struct sk_buff *msg, const struct nflb_svc_key *key)
{
	if (nla_put_u16(msg, NFLB_SVC_A_FAMILY, key->family) ||
	    nla_put_u8(msg, NFLB_SVC_A_PROTO, key->proto) ||
	    nla_put(msg, NFLB_SVC_A_ADDR, nflb_addr_len(key->family),
		    &key->addr) ||
	    nla_put_u16(msg, NFLB_SVC_A_PORT, ntohs(key->port)))
		return -EMSGSIZE;
	return 0;
}

static int nflb_put_svc_opts(struct sk_buff *msg,
			     const struct nflb_service *svc)
{
	if (nla_put_u32(msg, NFLB_SVC_A_TABLE_SIZE, svc->table_size) ||
	    nla_put_u8(msg, NFLB_SVC_A_HASH, svc->hash) ||
	    nla_put_u64_64bit(msg, NFLB_SVC_A_SEED, svc->seed, NFLB_SVC_A_PAD) ||
	    nla_put_u8(msg, NFLB_SVC_A_SNAT, svc->snat))
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
	return 0;
}

/*
 * One SERVICE_GET message for SVC, holding its backends from *POS on (in
 * configuration order) as long as they fit; *POS advances past those sent.
 * *POS 0: the head of the service (key, options, counters); otherwise a
 * continuation (key and NFLB_SVC_A_CONT).  Returns 0 when the last backend
 * went out, 1 when some are left for a continuation, or -EMSGSIZE with
 * nothing added: when the message cannot make progress, or when WHOLE and
 * the service does not fit.
 */
static int nflb_fill_service(struct sk_buff *msg, struct nflb_net *nn,
			     struct nflb_service *svc, u32 portid, u32 seq,
			     int flags, u32 *pos, bool whole)
{
	const struct nflb_table *t;
	struct nlattr *nest, *list;
	struct nflb_backend *be;
	u32 idx = 0, sent = 0;
	bool more = false;
	void *hdr;
	int i;

	lockdep_assert_held(&nn->lock);
	hdr = genlmsg_put(msg, portid, seq, &nflb_genl_family, flags,
			  NFLB_CMD_SERVICE_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, NFLB_A_SERVICE);
	if (!nest || nflb_put_svc_key(msg, &svc->key))
		goto err;
	if (!*pos) {
		if (nflb_put_svc_opts(msg, svc) ||
		    nflb_put_stats(msg, NFLB_SVC_A_STATS, svc->stats,
				   &svc->est))
			goto err;
	} else if (nla_put_flag(msg, NFLB_SVC_A_CONT)) {
		goto err;
	}
	list = nla_nest_start(msg, NFLB_SVC_A_BACKENDS);
	if (!list)
		goto err;
	t = rcu_dereference_protected(svc->table, lockdep_is_held(&nn->lock));
	/* In configuration order; the slots held come from the table. */
	list_for_each_entry(be, &svc->backends, node) {
		if (idx++ < *pos)
			continue;
		i = nflb_table_index(t, svc->key.family, &be->addr, be->port);
		if (nflb_put_backend(msg, svc, be, i < 0 ? 0 : t->slots_held[i],
				     NFLB_BE_PUT_FULL)) {
			more = true;
			break;
		}
		sent++;
	}
	if (more && (whole || !sent))
		goto err;
	nla_nest_end(msg, list);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	*pos += sent;
	return more;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/*
 * A doit reply is one message of at most what a dump message holds
 * (netlink_dump() allocates up to 32 KiB); larger services: the dump.
 */
#define NFLB_REPLY_MAX	(SKB_WITH_OVERHEAD(32768) - NLMSG_HDRLEN - GENL_HDRLEN)

/*
 * Events.  Sent from the request's process context under nn->lock, so
 * that listeners see them in the order of the changes.  A failed event
 * does not fail the change: listeners are told that they lost events
 * (their sockets report ENOBUFS), as with a full receive buffer.
 */
static struct sk_buff *nflb_event_new(struct nflb_net *nn, u8 cmd,
				      void **hdr)
{
	struct sk_buff *msg;

	lockdep_assert_held(&nn->lock);
	if (!genl_has_listeners(&nflb_genl_family, nn->net,
				NFLB_MCGRP_EVENTS_INDEX))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto lost;
	*hdr = genlmsg_put(msg, 0, 0, &nflb_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		goto lost;
	}
	return msg;
lost:
	genl_set_err(&nflb_genl_family, nn->net, 0, NFLB_MCGRP_EVENTS_INDEX,
		     -ENOBUFS);
	return NULL;
}

static void nflb_event_send(struct nflb_net *nn, struct sk_buff *msg,
			    void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		genl_set_err(&nflb_genl_family, nn->net, 0,
			     NFLB_MCGRP_EVENTS_INDEX, -ENOBUFS);
		return;
	}
	genlmsg_end(msg, hdr);
	/* Delivery failures are reported on the listeners' sockets. */
	genlmsg_multicast_netns(&nflb_genl_family, nn->net, msg, 0,
				NFLB_MCGRP_EVENTS_INDEX, GFP_KERNEL);
}

/* NFLB_A_SERVICE: KEY, and the options of SVC if not NULL. */
static int nflb_put_svc_event(struct sk_buff *msg,
			      const struct nflb_svc_key *key,
			      const struct nflb_service *svc)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFLB_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nflb_put_svc_key(msg, key) ||
	    (svc && nflb_put_svc_opts(msg, svc))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * SERVICE_NEW, SERVICE_SET (key and options of SVC) or SERVICE_DEL (KEY
 * alone: SVC may be freed by now).
 */
static void nflb_notify_service(struct nflb_net *nn, u8 cmd,
				const struct nflb_svc_key *key,
				const struct nflb_service *svc)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nflb_event_new(nn, cmd, &hdr);
	if (msg)
		nflb_event_send(nn, msg, hdr,
				nflb_put_svc_event(msg, key,
						   cmd == NFLB_CMD_SERVICE_DEL ?
						   NULL : svc));
}

/*
 * BACKEND_NEW, BACKEND_SET (key and options) or BACKEND_DEL (key; BE is a
 * copy of the deleted backend).
 */
static void nflb_notify_backend(struct nflb_net *nn, u8 cmd,
				const struct nflb_service *svc,
				const struct nflb_backend *be)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nflb_event_new(nn, cmd, &hdr);
	if (!msg)
		return;
	err = nflb_put_svc_event(msg, &svc->key, NULL);
	if (!err)
		err = nflb_put_backend(msg, svc, be, 0,
				       cmd == NFLB_CMD_BACKEND_DEL ?
				       NFLB_BE_PUT_KEY : NFLB_BE_PUT_OPTS);
	nflb_event_send(nn, msg, hdr, err);
}

/* A new service, then one BACKEND_NEW per backend it was created with. */
static void nflb_notify_service_new(struct nflb_net *nn,
				    const struct nflb_service *svc)
{
	const struct nflb_backend *be;

	lockdep_assert_held(&nn->lock);
	nflb_notify_service(nn, NFLB_CMD_SERVICE_NEW, &svc->key, svc);
	list_for_each_entry(be, &svc->backends, node)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_NEW, svc, be);
}

static void nflb_notify_flush(struct nflb_net *nn)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nflb_event_new(nn, NFLB_CMD_FLUSH, &hdr);
	if (msg)
		nflb_event_send(nn, msg, hdr, 0);
}

static int nflb_nl_service_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	struct sk_buff *msg;
	u32 pos = 0;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, tb, &ret);
	if (!svc)
		goto out;
	msg = genlmsg_new(NFLB_REPLY_MAX, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nflb_fill_service(msg, nn, svc, info->snd_portid, info->snd_seq,
				0, &pos, true);
	if (ret) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFLB_A_SERVICE],
				    "service too large for one message: use the dump (NLM_F_DUMP)");
		goto out;
	}
	mutex_unlock(&nn->lock);
	return genlmsg_reply(msg, info);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

/*
 * Where a SERVICE_GET dump stands, over netlink_callback::ctx.  Between
 * two calls services may come and go: a continuation is only sent when
 * nothing changed in the netns since the previous part (same generation)
 * and the service at IDX is still the one being sent; otherwise the
 * service at IDX starts over whole, and nl_dump_check_consistent() marks
 * the dump interrupted (NLM_F_DUMP_INTR).
 */
struct nflb_svc_dump {
	u64 gen;			/* nn->generation of the last part */
	long idx;			/* services sent whole */
	u32 pos;			/* backends of service IDX sent */
	struct nflb_svc_key key;	/* service IDX, when POS */
};

static_assert(sizeof(struct nflb_svc_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

/* Service SVC at the dump's position: < 0, 0 (done) or 1 (skb full). */
static int nflb_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 struct nflb_net *nn, struct nflb_service *svc)
{
	struct nflb_svc_dump *d = (struct nflb_svc_dump *)cb->ctx;
	bool first = !skb->len;
	int ret;

	if (d->pos && (d->gen != nn->generation ||
		       memcmp(&d->key, &svc->key, sizeof(d->key))))
		d->pos = 0;	/* start it over */
	/* Only a service opening a message is split over messages. */
	ret = nflb_fill_service(skb, nn, svc, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI, &d->pos,
				!first && !d->pos);
	if (ret < 0)
		return first ? ret : 1;
	nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	if (ret) {
		d->gen = nn->generation;
		d->key = svc->key;
		return 1;
	}
	d->pos = 0;
	d->idx++;
	return 0;
}

/* Every service, or only the one an NFLB_A_SERVICE key names. */
static int nflb_nl_service_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *dinfo = genl_dumpit_info(cb);
	struct nflb_svc_dump *d = (struct nflb_svc_dump *)cb->ctx;
	struct nflb_net *nn = nflb_net(sock_net(skb->sk));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct genl_info info = {
		.attrs = dinfo->attrs,
		.extack = cb->extack,
	};
	struct nflb_service *svc;
	long idx = 0;
	int ret = 0;

	mutex_lock(&nn->lock);
	cb->seq = nn->generation;
	if (dinfo->attrs[NFLB_A_SERVICE]) {
		svc = nflb_req_svc(nn, &info, tb, &ret);
		if (svc && !d->idx)
			ret = nflb_dump_one(skb, cb, nn, svc);
		goto out;
	}
	list_for_each_entry(svc, &nn->service_list, node) {
		if (idx++ < d->idx)
			continue;
		ret = nflb_dump_one(skb, cb, nn, svc);
		if (ret)
			break;
	}
out:
	mutex_unlock(&nn->lock);
	return ret < 0 ? ret : skb->len;
}

static int nflb_nl_backend_new(struct sk_buff *skb, struct genl_info *info)
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

static int nflb_nl_backend_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_backend *be;
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
	if (!ret)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_SET, svc, be);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int nflb_nl_backend_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_backend *be, gone;
	struct nflb_service *svc;
	int ret;

	mutex_lock(&nn->lock);
	be = nflb_req_be(nn, info, &svc, tb, &ret);
	if (!be)
		goto out;
	gone = *be;		/* BE is freed after a grace period */
	ret = nflb_backend_del(nn, svc, be,
			       nla_get_flag(info->attrs[NFLB_A_FLUSH]),
			       info->extack);
	if (!ret)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_DEL, svc, &gone);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

#define NFLB_TABLE_CHUNK 2048	/* slots per NFLB_TABLE_A_SLOTS */

/*
 * cb->args[0]: next slot to send, cb->args[1]: first message sent,
 * cb->args[2]: table generation (a rebuilt table ends the dump as
 * interrupted rather than mixing two tables), cb->args[3]: next backend
 * to send.  The backends go first, over as many messages as they need,
 * then the slots.
 */
static int nflb_nl_table_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *dinfo = genl_dumpit_info(cb);
	struct nflb_net *nn = nflb_net(sock_net(skb->sk));
	struct nlattr *stb[NFLB_SVC_A_MAX + 1];
	struct nlattr *nest, *list;
	const struct nflb_table *t;
	struct genl_info info = {
		.attrs = dinfo->attrs,
		.extack = cb->extack,
	};
	struct nflb_service *svc;
	unsigned char *mark;
	bool slots = false;
	int ret;
	u32 i;
	void *hdr;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, &info, stb, &ret);
	if (!svc)
		goto out_err;
	t = rcu_dereference_protected(svc->table, lockdep_is_held(&nn->lock));
	if (!cb->args[1]) {
		cb->args[2] = t->generation;
	} else if (cb->args[2] != t->generation) {
		NL_SET_ERR_MSG(cb->extack, "table changed during the dump");
		ret = -EAGAIN;
		goto out_err;
	}
	if (cb->args[1] && cb->args[3] >= t->n && cb->args[0] >= t->size)
		goto out_done;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &nflb_genl_family, NLM_F_MULTI, NFLB_CMD_TABLE_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out_err;
	}
	nest = nla_nest_start(skb, NFLB_A_TABLE);
	if (!nest)
		goto out_cancel;
	if (!cb->args[1] && nla_put_u32(skb, NFLB_TABLE_A_SIZE, t->size))
		goto out_cancel;
	if (cb->args[3] < t->n) {
		list = nla_nest_start(skb, NFLB_TABLE_A_BACKENDS);
		if (!list)
			goto out_cancel;
		for (i = cb->args[3]; i < t->n; i++)
			if (nflb_put_backend(skb, svc, t->be[i], 0,
					     NFLB_BE_PUT_KEY))
				break;	/* the rest goes in the next message */
		if (i == cb->args[3])
			goto out_cancel;
		nla_nest_end(skb, list);
		cb->args[3] = i;
	}
	if (cb->args[3] >= t->n && cb->args[0] < t->size) {
		mark = skb_tail_pointer(skb);
		if (nla_put_u32(skb, NFLB_TABLE_A_OFFSET, cb->args[0]))
			goto out_end;
		/* As many chunks as fit, the last cut to the room left. */
		while (cb->args[0] < t->size) {
			int room = skb_tailroom(skb) - NLA_HDRLEN;
			u32 n = min_t(u32, NFLB_TABLE_CHUNK,
				      t->size - cb->args[0]);

			if (room < 4)
				break;	/* the rest goes in the next message */
			n = min_t(u32, n, (room & ~3) / sizeof(u16));
			if (nla_put(skb, NFLB_TABLE_A_SLOTS, n * sizeof(u16),
				    t->slots + cb->args[0]))
				break;
			cb->args[0] += n;
			slots = true;
		}
		if (!slots)	/* an offset alone says nothing */
			nlmsg_trim(skb, mark);
	}
out_end:
	cb->args[1] = 1;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	mutex_unlock(&nn->lock);
	return skb->len;

out_cancel:
	genlmsg_cancel(skb, hdr);
	ret = -EMSGSIZE;
out_err:
	mutex_unlock(&nn->lock);
	return ret;
out_done:
	mutex_unlock(&nn->lock);
	return 0;
}

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
		.maxattr = NFLB_A_BACKEND,
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
};

/* Events tell the configuration: for CAP_NET_ADMIN, as requests are. */
static const struct genl_multicast_group nflb_mcgrps[] = {
	[NFLB_MCGRP_EVENTS_INDEX] = {
		.name = NFLB_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
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
