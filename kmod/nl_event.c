// SPDX-License-Identifier: GPL-2.0
/*
 * Change events on the "events" multicast group.
 */

#include "nl.h"

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
void nflb_notify_service(struct nflb_net *nn, u8 cmd,
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
void nflb_notify_backend(struct nflb_net *nn, u8 cmd,
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
void nflb_notify_service_new(struct nflb_net *nn,
			     const struct nflb_service *svc)
{
	const struct nflb_backend *be;

	lockdep_assert_held(&nn->lock);
	nflb_notify_service(nn, NFLB_CMD_SERVICE_NEW, &svc->key, svc);
	list_for_each_entry(be, &svc->backends, node)
		nflb_notify_backend(nn, NFLB_CMD_BACKEND_NEW, svc, be);
}

void nflb_notify_flush(struct nflb_net *nn)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nflb_event_new(nn, NFLB_CMD_FLUSH, &hdr);
	if (msg)
		nflb_event_send(nn, msg, hdr, 0);
}
