// SPDX-License-Identifier: GPL-2.0
/*
 * Change events: the multicast group NFLB_MCGRP_EVENTS, whose id the family
 * resolution recorded.  Each event is a message of the command that made
 * the change, parsed with the reply parsers of service.c.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "nflbnl.h"
#include "internal.h"

int nflb_events_subscribe(struct nflb_nl *nl)
{
	uint32_t group = nflb_nl_events_group(nl);
	char msg[128];

	if (!group) {
		nflb_nl_set_error(nl, EOPNOTSUPP,
				  "the nflb module has no \"" NFLB_MCGRP_EVENTS
				  "\" multicast group (an older module?)");
		return -1;
	}
	if (mnl_socket_setsockopt(nflb_nl_socket(nl), NETLINK_ADD_MEMBERSHIP,
				  &group, sizeof(group)) < 0) {
		snprintf(msg, sizeof(msg), "cannot join the events group: %s",
			 strerror(errno));
		nflb_nl_set_error(nl, errno, msg);
		return -1;
	}
	return 0;
}

/* A service event: the service, and the backend for BACKEND_* events. */
static int dispatch_object(const struct nlmsghdr *nlh, uint8_t cmd,
			   nflb_event_cb cb, void *data, const char **why)
{
	const struct nlattr *attr;
	struct nflb_service svc;
	struct nflb_backend be;
	bool backend = cmd == NFLB_CMD_BACKEND_NEW ||
		       cmd == NFLB_CMD_BACKEND_SET ||
		       cmd == NFLB_CMD_BACKEND_DEL;
	int ret;

	ret = nflb_service_parse(nlh, &svc, why);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		*why = "event without a service";
		errno = EPROTO;
		return -1;
	}
	if (backend) {
		attr = nflb_msg_find(nlh, NFLB_A_BACKEND);
		if (!attr) {
			*why = "backend event without a backend";
			goto err;
		}
		if (nflb_backend_parse(attr, &be, why) < 0)
			goto err;
		if (be.family != svc.family) {
			*why = "backend event: backend and service families differ";
			goto err;
		}
	}
	ret = cb(cmd, &svc, backend ? &be : NULL, data);
	nflb_service_free(&svc);
	return ret;
err:
	nflb_service_free(&svc);
	errno = EPROTO;
	return -1;
}

int nflb_event_dispatch(const struct nlmsghdr *nlh, nflb_event_cb cb,
			void *data, const char **why)
{
	const struct genlmsghdr *genl;

	*why = NULL;
	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN)) {
		*why = "truncated event";
		errno = EPROTO;
		return -1;
	}
	genl = mnl_nlmsg_get_payload(nlh);
	switch (genl->cmd) {
	case NFLB_CMD_SERVICE_NEW:
	case NFLB_CMD_SERVICE_SET:
	case NFLB_CMD_SERVICE_DEL:
	case NFLB_CMD_BACKEND_NEW:
	case NFLB_CMD_BACKEND_SET:
	case NFLB_CMD_BACKEND_DEL:
		return dispatch_object(nlh, genl->cmd, cb, data, why);
	case NFLB_CMD_FLUSH:
		return cb(genl->cmd, NULL, NULL, data);
	default:
		return 0;	/* an event of a newer kernel */
	}
}

struct listen_ctx {
	uint16_t family_id;
	nflb_event_cb cb;
	void *data;
	int ret;		/* the callback's non-zero value */
	const char *why;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listen_ctx *ctx = data;
	int ret;

	if (nlh->nlmsg_type != ctx->family_id)
		return MNL_CB_OK;
	ret = nflb_event_dispatch(nlh, ctx->cb, ctx->data, &ctx->why);
	if (ret < 0 && ctx->why)
		return MNL_CB_ERROR;
	if (ret != 0) {
		ctx->ret = ret;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

int nflb_events_listen(struct nflb_nl *nl, nflb_event_cb cb, void *data)
{
	struct listen_ctx ctx = {
		.family_id = nflb_nl_family_id(nl),
		.cb = cb,
		.data = data,
	};
	char msg[128];
	size_t size;
	char *buf = nflb_nl_buf(nl, &size);
	ssize_t len;
	int ret;

	for (;;) {
		len = mnl_socket_recvfrom(nflb_nl_socket(nl), buf, size);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				nflb_nl_set_error(nl, ENOBUFS, "events lost");
				return -1;
			}
			nflb_nl_set_error(nl, errno, NULL);
			return -1;
		}
		/* Multicast messages carry sequence number and portid 0. */
		ret = mnl_cb_run(buf, len, 0, 0, event_cb, &ctx);
		if (ret == MNL_CB_ERROR) {
			if (ctx.why) {
				snprintf(msg, sizeof(msg),
					 "malformed event from the kernel: %s",
					 ctx.why);
				nflb_nl_set_error(nl, EPROTO, msg);
			} else {
				nflb_nl_set_error(nl, errno ? errno : EPROTO,
						  NULL);
			}
			return -1;
		}
		if (ret == MNL_CB_STOP && ctx.ret)
			return ctx.ret;
	}
}
