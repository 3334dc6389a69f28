// SPDX-License-Identifier: GPL-2.0
/*
 * Request parsing shared by the command handlers: service and backend
 * keys, options and backend lists, checked beyond what the policies can
 * say, with an extack message on every rejection.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <net/ipv6.h>

#include "kunit.h"
#include "maglev.h"
#include "nl.h"
#include "validate.h"

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
int nflb_parse_svc(struct genl_info *info, struct nlattr **tb,
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
NFLB_EXPORT_FOR_KUNIT(nflb_parse_svc);

/* A timeout attribute, present and of the service's protocol, into VAL. */
static int nflb_parse_timeout(const struct nlattr *attr, u32 *val,
			      struct netlink_ext_ack *extack)
{
	if (!IS_ENABLED(CONFIG_NF_CONNTRACK_TIMEOUT)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "timeouts need a kernel with CONFIG_NF_CONNTRACK_TIMEOUT");
		return -EOPNOTSUPP;
	}
	*val = nla_get_u32(attr);
	return 0;
}

/* Timeouts in TB over OPTS; each only for its protocol, checked in turn. */
static int nflb_parse_svc_timeouts(struct nlattr **tb, u8 proto,
				   struct nflb_svc_opts *opts,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *attr;
	int ret;

	attr = tb[NFLB_SVC_A_TIMEOUT_TCP];
	if (attr) {
		if (proto != IPPROTO_TCP) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "TCP timeout on a UDP service");
			return -EINVAL;
		}
		ret = nflb_parse_timeout(attr, &opts->timeout_tcp, extack);
		if (ret)
			return ret;
	}
	attr = tb[NFLB_SVC_A_TIMEOUT_TCP_FIN];
	if (attr) {
		if (proto != IPPROTO_TCP) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "TCP FIN timeout on a UDP service");
			return -EINVAL;
		}
		ret = nflb_parse_timeout(attr, &opts->timeout_tcp_fin, extack);
		if (ret)
			return ret;
	}
	attr = tb[NFLB_SVC_A_TIMEOUT_UDP];
	if (attr) {
		if (proto != IPPROTO_UDP) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "UDP timeout on a TCP service");
			return -EINVAL;
		}
		return nflb_parse_timeout(attr, &opts->timeout_udp, extack);
	}
	return 0;
}

/*
 * The rate limit in TB over OPTS: a rate alone takes a burst of one
 * second's worth, a burst alone changes the burst of the rate in force,
 * a rate of 0 removes the limit (a burst with it is an error).
 */
static int nflb_parse_svc_rate(struct nlattr **tb, struct nflb_svc_opts *opts,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *rate = tb[NFLB_SVC_A_RATE];
	struct nlattr *burst = tb[NFLB_SVC_A_BURST];

	if (rate) {
		opts->rate = nla_get_u32(rate);
		opts->burst = opts->rate;
	}
	if (burst) {
		if (!opts->rate) {
			NL_SET_ERR_MSG_ATTR(extack, burst,
					    "burst without a rate");
			return -EINVAL;
		}
		opts->burst = nla_get_u32(burst);
	}
	return 0;
}

/* Options present in TB over OPTS, for a service of protocol PROTO. */
int nflb_parse_svc_opts(struct nlattr **tb, u8 proto,
			struct nflb_svc_opts *opts,
			struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[NFLB_SVC_A_TABLE_SIZE];
	int ret;

	if (attr) {
		ret = nflb_table_size_check(nla_get_u32(attr), NULL);
		if (ret == -ERANGE)
			NL_SET_ERR_MSG_ATTR(extack, attr, NFLB_TABLE_SIZE_RANGE_MSG);
		else if (ret)
			NL_SET_ERR_MSG_ATTR(extack, attr, NFLB_TABLE_SIZE_PRIME_MSG);
		if (ret)
			return ret;
		opts->table_size = nla_get_u32(attr);
	}
	if (tb[NFLB_SVC_A_HASH])
		opts->hash = nla_get_u8(tb[NFLB_SVC_A_HASH]);
	if (tb[NFLB_SVC_A_SEED])
		opts->seed = nla_get_u64(tb[NFLB_SVC_A_SEED]);
	if (tb[NFLB_SVC_A_SNAT])
		opts->snat = nla_get_u8(tb[NFLB_SVC_A_SNAT]);
	if (tb[NFLB_SVC_A_FORWARD])
		opts->forward = nla_get_u8(tb[NFLB_SVC_A_FORWARD]);
	if (opts->snat && opts->forward != NFLB_FORWARD_NAT) {
		/* One of the two is in the request: it made them clash. */
		attr = tb[NFLB_SVC_A_FORWARD] ?: tb[NFLB_SVC_A_SNAT];
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "snat is only valid with forward nat");
		return -EINVAL;
	}
	ret = nflb_parse_svc_rate(tb, opts, extack);
	if (ret)
		return ret;
	if (tb[NFLB_SVC_A_SYNPROXY])
		opts->synproxy = nla_get_u8(tb[NFLB_SVC_A_SYNPROXY]);
	if (opts->synproxy && proto != IPPROTO_TCP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFLB_SVC_A_SYNPROXY],
				    "synproxy is only valid for TCP services");
		return -EINVAL;
	}
	if (opts->synproxy && opts->forward != NFLB_FORWARD_NAT) {
		attr = tb[NFLB_SVC_A_FORWARD] ?: tb[NFLB_SVC_A_SYNPROXY];
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "synproxy is only valid with forward nat");
		return -EINVAL;
	}
	return nflb_parse_svc_timeouts(tb, proto, opts, extack);
}
NFLB_EXPORT_FOR_KUNIT(nflb_parse_svc_opts);

/*
 * One-arm mode of service KEY in TB over OPTS: NFLB_SVC_A_SNAT_ADDR, an
 * address of the service's family, selects SNAT to it (and implies SNAT
 * 1); SNAT alone selects masquerade (1) or nothing (0).  A forwarding
 * mode without NAT (replies not through us) must reject both on the
 * options merged over the service's, after this.
 */
int nflb_parse_svc_snat(struct nlattr **tb, const struct nflb_svc_key *key,
			struct nflb_svc_opts *opts,
			struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[NFLB_SVC_A_SNAT_ADDR];
	union nf_inet_addr addr;
	int ret;

	if (!attr) {
		if (tb[NFLB_SVC_A_SNAT])
			opts->snat_fixed = false;
		return 0;
	}
	if (tb[NFLB_SVC_A_SNAT] && !nla_get_u8(tb[NFLB_SVC_A_SNAT])) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "snat address given with snat off");
		return -EINVAL;
	}
	/* After nflb_parse_svc_opts(): opts->forward is the request's. */
	if (opts->forward != NFLB_FORWARD_NAT) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "snat is only valid with forward nat");
		return -EINVAL;
	}
	if (nla_len(attr) != nflb_addr_len(key->family)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "snat address family differs from the service's");
		return -EAFNOSUPPORT;
	}
	ret = nflb_parse_addr(attr, key->family, &addr, extack);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "snat address must be a unicast address");
		return ret;
	}
	opts->snat_addr = addr;
	opts->snat = true;
	opts->snat_fixed = true;
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_parse_svc_snat);

/*
 * A backend nest NEST of service KEY: its key in SPEC, its attributes in TB
 * (options are the caller's).  The same rules for BACKEND_* requests and
 * the backends of SERVICE_NEW.
 */
int nflb_parse_be_nest(const struct nlattr *nest,
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
NFLB_EXPORT_FOR_KUNIT(nflb_parse_be_nest);

/*
 * DSR sends the client's packet as it is: a backend of a DSR service
 * must listen on the service's port.
 */
int nflb_check_dsr_port(const struct nflb_svc_key *key, u8 forward,
			__be16 port, const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	if (forward == NFLB_FORWARD_NAT || port == key->port)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "a backend of a gre or ipip service takes the service's port");
	return -EINVAL;
}

/* Common to backend commands: service, backend key, options. */
int nflb_parse_be(struct genl_info *info, struct nflb_service *svc,
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
struct nflb_service *nflb_req_svc(struct nflb_net *nn,
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
int nflb_parse_svc_backends(const struct nlattr *list,
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
	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL_ACCOUNT);
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
NFLB_EXPORT_FOR_KUNIT(nflb_parse_svc_backends);
