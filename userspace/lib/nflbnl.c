// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for the "nflb" family on top of libmnl: family
 * resolution, request/reply with extended ACK, dumps.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nflbnl.h"
#include "internal.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static void set_err(struct nflb_nl_err *err, int error, const char *msg)
{
	err->error = error;
	err->bad_attr_off = 0;
	snprintf(err->msg, sizeof(err->msg), "%s", msg ? msg : strerror(error));
}

static int parse_error_attr(const struct nlattr *attr, void *data)
{
	struct nflb_nl_err *err = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(err->msg, sizeof(err->msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			err->bad_attr_off = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

int nflb_nl_parse_error(const struct nlmsghdr *nlh, struct nflb_nl_err *err)
{
	const struct nlmsgerr *e;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		set_err(err, EBADMSG, "truncated netlink error message");
		return -1;
	}
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0) {
		set_err(err, 0, "");
		return 0;
	}
	set_err(err, e->error < 0 ? -e->error : e->error, NULL);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* The TLVs follow the echoed request, or only its header if capped. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (mnl_nlmsg_size(off) > nlh->nlmsg_len)
		return 0;
	mnl_attr_parse(nlh, off, parse_error_attr, err);
	return 0;
}

struct talk_ctx {
	struct nflb_nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int ctl_error(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	nflb_nl_parse_error(nlh, &ctx->nl->err);
	return ctx->nl->err.error ? MNL_CB_ERROR : MNL_CB_STOP;
}

int nflb_nl_parse_done(const struct nlmsghdr *nlh, struct nflb_nl_err *err)
{
	int error = 0;

	set_err(err, 0, "");
	/*
	 * A dump that failed reports its error in NLMSG_DONE, followed by
	 * the extack message if there is one.
	 */
	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error >= 0)
		return 0;
	set_err(err, -error, NULL);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, sizeof(error), parse_error_attr, err);
	return 0;
}

static int ctl_done(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	nflb_nl_parse_done(nlh, &ctx->nl->err);
	return ctx->nl->err.error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int ctl_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int talk(struct nflb_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = ctl_noop,
		[NLMSG_ERROR] = ctl_error,
		[NLMSG_DONE] = ctl_done,
		[NLMSG_OVERRUN] = ctl_noop,
	};
	struct talk_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	uint32_t seq = ++nl->seq;
	ssize_t len;
	int ret;

	/* A dump ends with NLMSG_DONE; anything else with an ACK. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	/* NLH may live in nl->buf, which the replies overwrite: keep SEQ. */
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		set_err(&nl->err, errno, NULL);
		return -1;
	}
	for (;;) {
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0) {
			set_err(&nl->err, errno, NULL);
			return -1;
		}
		nl->err.error = 0;
		errno = 0;
		ret = mnl_cb_run2(nl->buf, len, seq, nl->portid,
				  data_cb, &ctx, ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR) {
			if (!nl->err.error)
				set_err(&nl->err, errno ? errno : EPROTO, NULL);
			return -1;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int nflb_nl_talk(struct nflb_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data)
{
	return talk(nl, nlh, cb, data);
}

const struct nflb_nl_err *nflb_nl_error(const struct nflb_nl *nl)
{
	return &nl->err;
}

void nflb_nl_set_error(struct nflb_nl *nl, int error, const char *msg)
{
	set_err(&nl->err, error, msg);
}

static struct nlmsghdr *put_genl_header(char *buf, uint16_t type,
					uint8_t cmd, uint8_t version,
					uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *nflb_msg_put_header(void *buf, uint16_t family_id,
				     uint8_t cmd, uint16_t flags)
{
	return put_genl_header(buf, family_id, cmd, NFLB_GENL_VERSION, flags);
}

struct nlmsghdr *nflb_nl_msg(struct nflb_nl *nl, uint8_t cmd, uint16_t flags)
{
	return put_genl_header(nl->buf, nl->family_id, cmd, NFLB_GENL_VERSION,
			       flags);
}

struct family_reply {
	uint16_t id;
	unsigned int version;
	uint32_t events_group;
};

/* One CTRL_ATTR_MCAST_GRP_* nest: the events group's id, if it is. */
struct mcgrp {
	const char *name;
	uint32_t id;
};

static int mcgrp_attr_cb(const struct nlattr *attr, void *data)
{
	struct mcgrp *g = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			g->name = mnl_attr_get_str(attr);
		break;
	case CTRL_ATTR_MCAST_GRP_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			g->id = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static void parse_mcast_groups(const struct nlattr *list,
			       struct family_reply *fr)
{
	const struct nlattr *grp;

	if (mnl_attr_validate(list, MNL_TYPE_NESTED) < 0)
		return;
	mnl_attr_for_each_nested(grp, list) {
		struct mcgrp g = { 0 };

		if (mnl_attr_validate(grp, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(grp, mcgrp_attr_cb, &g) < 0)
			continue;
		if (g.name && g.id && strcmp(g.name, NFLB_MCGRP_EVENTS) == 0)
			fr->events_group = g.id;
	}
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_reply *fr = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			fr->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			fr->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		parse_mcast_groups(attr, fr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

struct nflb_nl *nflb_nl_open(struct nflb_nl_err *err)
{
	struct family_reply fr = { 0 };
	struct nlmsghdr *nlh;
	struct nflb_nl *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		set_err(err, ENOMEM, NULL);
		return NULL;
	}
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		set_err(err, errno, NULL);
		goto err_free;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		set_err(err, errno, NULL);
		goto err_close;
	}
	/* Best effort: older kernels just lose the error strings. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);

	nlh = put_genl_header(nl->buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFLB_GENL_NAME);
	if (talk(nl, nlh, family_cb, &fr) < 0) {
		if (nl->err.error == ENOENT)
			set_err(err, ENOENT,
				"generic netlink family \"" NFLB_GENL_NAME
				"\" not found: is the nflb module loaded? (modprobe nflb)");
		else
			*err = nl->err;
		goto err_close;
	}
	if (!fr.id) {
		set_err(err, EPROTO, "no family id in the controller's reply");
		goto err_close;
	}
	nl->family_id = fr.id;
	nl->family_version = fr.version;
	nl->events_group = fr.events_group;
	return nl;

err_close:
	mnl_socket_close(nl->sock);
err_free:
	free(nl);
	return NULL;
}

void nflb_nl_close(struct nflb_nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

unsigned int nflb_nl_family_version(const struct nflb_nl *nl)
{
	return nl->family_version;
}

uint32_t nflb_nl_events_group(const struct nflb_nl *nl)
{
	return nl->events_group;
}

struct mnl_socket *nflb_nl_socket(const struct nflb_nl *nl)
{
	return nl->sock;
}

uint16_t nflb_nl_family_id(const struct nflb_nl *nl)
{
	return nl->family_id;
}

char *nflb_nl_buf(struct nflb_nl *nl, size_t *len)
{
	*len = sizeof(nl->buf);
	return nl->buf;
}

void nflb_version_format(uint32_t code, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", (code >> 16) & 0xff, (code >> 8) & 0xff,
		 code & 0xff);
}
