// SPDX-License-Identifier: GPL-2.0
/*
 * SERVICE_NEW, SERVICE_SET, SERVICE_DEL and SERVICE_GET (one service, or
 * the dump of all).
 */

#include <linux/mm.h>
#include <net/sock.h>

#include "dsr.h"
#include "hooks.h"
#include "netns.h"
#include "nl.h"
#include "offload.h"
#include "synproxy.h"
#include "validate.h"

/*
 * One SERVICE_GET message for SVC, holding its backends from *POS on (in
 * configuration order) as long as they fit; *POS advances past those sent.
 * *POS 0: the head of the service (key, options, counters); otherwise a
 * continuation (key and NFLB_SVC_A_CONT) from the backend *NEXT, which the
 * previous part left there (a cursor, so that a service of n backends
 * goes out in O(n), not O(n^2)); the caller makes sure it still exists.
 * Returns 0 when the last backend went out, 1 when some are left for a
 * continuation, or -EMSGSIZE with nothing added: when the message cannot
 * make progress, or when WHOLE and the service does not fit.
 */
static int nflb_fill_service(struct sk_buff *msg, struct nflb_net *nn,
			     struct nflb_service *svc, u32 portid, u32 seq,
			     int flags, u32 *pos, struct nflb_backend **next,
			     bool whole)
{
	const struct nflb_table *t;
	struct nlattr *nest, *list;
	struct nflb_backend *be;
	u32 sent = 0;
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
	be = *pos ? *next : list_first_entry(&svc->backends,
					      struct nflb_backend, node);
	list_for_each_entry_from(be, &svc->backends, node) {
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
	*next = be;		/* the first not sent, if MORE */
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
 * A request that makes a service one-arm: the masquerade notifiers first
 * (once per module lifetime), without nflb_net::lock (see hooks.c).
 */
static int nflb_snat_prepare(bool snat, struct netlink_ext_ack *extack)
{
	int ret;

	if (!snat)
		return 0;
	ret = nflb_masq_get();
	if (ret)
		NL_SET_ERR_MSG(extack, "cannot register the masquerade notifiers");
	return ret;
}

int nflb_nl_service_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nflb_svc_opts opts = { .table_size = NFLB_TABLE_DEFAULT };
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_be_spec *specs = NULL;
	struct nflb_svc_key key;
	int ret, n = 0, i;

	ret = nflb_parse_svc(info, tb, &key);
	if (ret)
		return ret;
	ret = nflb_parse_svc_opts(tb, key.proto, &opts, info->extack);
	if (!ret)
		ret = nflb_parse_svc_snat(tb, &key, &opts, info->extack);
	if (ret)
		return ret;
	ret = nflb_snat_prepare(opts.snat && !opts.snat_fixed, info->extack);
	if (ret)
		return ret;
	if (tb[NFLB_SVC_A_BACKENDS]) {
		n = nflb_parse_svc_backends(tb[NFLB_SVC_A_BACKENDS], &key,
					    &specs, info->extack);
		if (n < 0)
			return n;
	}
	for (i = 0; i < n; i++) {
		ret = nflb_check_dsr_port(&key, opts.forward, specs[i].port,
					  specs[i].attr, info->extack);
		if (ret) {
			kvfree(specs);
			return ret;
		}
	}
	mutex_lock(&nn->lock);
	ret = nflb_net_service_add(nn, &key, &opts, specs, n, info->extack);
	if (!ret)
		nflb_notify_service_new(nn, nflb_service_find(nn, &key));
	mutex_unlock(&nn->lock);
	kvfree(specs);
	/* Flows that started before the service would stay on the VIP. */
	if (!ret)
		nflb_flush_unbound_flows(nn);
	return ret;
}

/*
 * A service becoming DSR: its backends must have its port, and the netns
 * needs the DSR table and hook (kept if the set fails later).  A service
 * becoming NAT: the netns needs the NAT hooks (kept likewise).
 */
static int nflb_svc_forward_prepare(struct nflb_net *nn,
				    struct nflb_service *svc,
				    const struct nflb_svc_opts *opts,
				    struct nlattr **tb,
				    struct netlink_ext_ack *extack)
{
	struct nflb_backend *be;
	int ret;

	lockdep_assert_held(&nn->lock);
	if (opts->forward == NFLB_FORWARD_NAT) {
		ret = nflb_net_hook(nn, svc->key.family, extack);
		return ret < 0 ? ret : 0;
	}
	list_for_each_entry(be, &svc->backends, node) {
		ret = nflb_check_dsr_port(&svc->key, opts->forward, be->port,
					  tb[NFLB_SVC_A_FORWARD], extack);
		if (ret)
			return ret;
	}
	return nflb_dsr_prepare(nn, svc->key.family, extack);
}

int nflb_nl_service_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_svc_opts opts;
	struct nflb_svc_key key;
	bool was_dsr = false;
	struct nlattr *snat;
	int ret;

	/* Validated by the policy with the rest of NFLB_A_SERVICE. */
	snat = info->attrs[NFLB_A_SERVICE] ?
	       nla_find_nested(info->attrs[NFLB_A_SERVICE], NFLB_SVC_A_SNAT) :
	       NULL;
	ret = nflb_snat_prepare(snat && nla_get_u8(snat), info->extack);
	if (ret)
		return ret;
	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, tb, &ret);
	if (!svc)
		goto out;
	nflb_svc_opts_get(svc, &opts);
	was_dsr = svc->forward != NFLB_FORWARD_NAT;
	ret = nflb_parse_svc_opts(tb, svc->key.proto, &opts, info->extack);
	if (!ret)
		ret = nflb_parse_svc_snat(tb, &svc->key, &opts, info->extack);
	if (!ret)
		ret = nflb_svc_forward_prepare(nn, svc, &opts, tb, info->extack);
	/* The synproxy hooks, once made, stay (as the DSR ones). */
	if (!ret && opts.synproxy)
		ret = nflb_synproxy_prepare(nn, svc->key.family, info->extack);
	if (!ret)
		ret = nflb_service_set(nn, svc, &opts, info->extack);
	if (!ret) {
		nflb_notify_service(nn, NFLB_CMD_SERVICE_SET, &svc->key, svc);
		key = svc->key;
	}
out:
	mutex_unlock(&nn->lock);
	/* Its DSR flows would wait for the method to come back. */
	if (!ret && was_dsr && opts.forward == NFLB_FORWARD_NAT)
		nflb_dsr_forget(nn, &key, NULL);
	return ret;
}

int nflb_nl_service_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_service *svc;
	struct nflb_svc_key key;
	bool dsr = false;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_req_svc(nn, info, tb, &ret);
	if (svc) {
		key = svc->key;		/* SVC is freed after a grace period */
		dsr = svc->forward != NFLB_FORWARD_NAT;
		nflb_service_del(nn, svc);
		nflb_notify_service(nn, NFLB_CMD_SERVICE_DEL, &key, NULL);
	}
	mutex_unlock(&nn->lock);
	if (dsr)
		nflb_dsr_forget(nn, &key, NULL);
	return ret;
}

int nflb_nl_service_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nflb_net *nn = nflb_net(genl_info_net(info));
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct nflb_backend *next;
	struct nflb_service *svc;
	struct sk_buff *msg;
	u32 pos = 0;
	int ret;

	/* Counters are read exact: offloaded flows' packets first. */
	nflb_offload_fold(nn);
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
				0, &pos, &next, true);
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
 * Where a SERVICE_GET dump stands, over netlink_callback::ctx.  Each call
 * resumes at the creation number ID (nflb_net::service_ids) in O(log n),
 * not by skipping the services already sent: a dump is linear in
 * services.  Between two calls services may come and go: deleted ones are
 * not found, new ones come at the end, none is skipped or sent twice.  A
 * continuation (backends from POS on) is only sent when nothing changed
 * in the netns since the previous part (same generation) and the service
 * at ID is still there; otherwise that service starts over whole.  The
 * same generation also means that no backend went, so BE, where the
 * continuation starts, is still in the service.  Either
 * way nl_dump_check_consistent() marks a dump that saw a change
 * interrupted (NLM_F_DUMP_INTR).
 */
struct nflb_svc_dump {
	u64 gen;			/* nn->generation of the last part */
	unsigned long id;		/* the service to send next */
	struct nflb_backend *be;	/* the next to send, when POS */
	u32 pos;			/* backends of service ID sent */
	bool done;			/* the one service asked for went */
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

	if (d->pos && (d->gen != nn->generation || d->id != svc->id))
		d->pos = 0;	/* start it over */
	d->id = svc->id;
	/* Only a service opening a message is split over messages. */
	ret = nflb_fill_service(skb, nn, svc, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI, &d->pos,
				&d->be, !first && !d->pos);
	if (ret < 0)
		return first ? ret : 1;
	nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	if (ret) {
		d->gen = nn->generation;
		return 1;
	}
	d->pos = 0;
	d->id = svc->id + 1;
	return 0;
}

/* Every service, or only the one an NFLB_A_SERVICE key names. */
int nflb_nl_service_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
	unsigned long id;
	int ret = 0;

	nflb_offload_fold(nn);
	mutex_lock(&nn->lock);
	cb->seq = nn->generation;
	if (dinfo->attrs[NFLB_A_SERVICE]) {
		svc = nflb_req_svc(nn, &info, tb, &ret);
		if (svc && !d->done) {
			ret = nflb_dump_one(skb, cb, nn, svc);
			d->done = !ret;
		}
		goto out;
	}
	xa_for_each_start(&nn->service_ids, id, svc, d->id) {
		ret = nflb_dump_one(skb, cb, nn, svc);
		if (ret)
			break;
	}
out:
	mutex_unlock(&nn->lock);
	return ret < 0 ? ret : skb->len;
}
