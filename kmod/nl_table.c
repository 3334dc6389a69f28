// SPDX-License-Identifier: GPL-2.0
/*
 * TABLE_GET: the dump of a service's Maglev table.
 */

#include <net/sock.h>

#include "nl.h"

#define NFLB_TABLE_CHUNK 2048	/* slots per NFLB_TABLE_A_SLOTS */

/*
 * cb->args[0]: next slot to send, cb->args[1]: first message sent,
 * cb->args[2]: table generation (a rebuilt table ends the dump as
 * interrupted rather than mixing two tables), cb->args[3]: next backend
 * to send.  The backends go first, over as many messages as they need,
 * then the slots.
 */
int nflb_nl_table_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
