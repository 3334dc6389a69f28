// SPDX-License-Identifier: GPL-2.0
/*
 * NFLB_CMD_FLOW_GET and NFLB_CMD_FLOW_FLUSH: the DSR flow table (flows
 * that conntrack does not hold).
 */

#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"

struct flow_ctx {
	struct nflb_flow flow;
	unsigned int seen;		/* NFLB_BIT(NFLB_FLOW_A_*) */
	const char *why;
	nflb_flow_cb cb;
	void *data;
	int cb_ret;
};

static int flow_addr(const struct nlattr *attr, union nflb_inaddr *addr)
{
	size_t len = mnl_attr_get_payload_len(attr);

	if (len != 4 && len != 16)
		return -1;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, mnl_attr_get_payload(attr), len);
	return 0;
}

static int flow_attr_cb(const struct nlattr *attr, void *data)
{
	struct flow_ctx *ctx = data;
	struct nflb_flow *f = &ctx->flow;
	uint16_t type = mnl_attr_get_type(attr);
	int bad = 0;

	switch (type) {
	case NFLB_FLOW_A_FAMILY:
		bad = mnl_attr_validate(attr, MNL_TYPE_U16);
		if (!bad)
			f->family = mnl_attr_get_u16(attr);
		break;
	case NFLB_FLOW_A_PROTO:
		bad = mnl_attr_validate(attr, MNL_TYPE_U8);
		if (!bad)
			f->proto = mnl_attr_get_u8(attr);
		break;
	case NFLB_FLOW_A_STATE:
		bad = mnl_attr_validate(attr, MNL_TYPE_U8);
		if (!bad)
			f->state = mnl_attr_get_u8(attr);
		break;
	case NFLB_FLOW_A_SADDR:
		bad = flow_addr(attr, &f->client);
		break;
	case NFLB_FLOW_A_DADDR:
		bad = flow_addr(attr, &f->vip);
		break;
	case NFLB_FLOW_A_BACKEND:
		bad = flow_addr(attr, &f->backend);
		break;
	case NFLB_FLOW_A_SPORT:
		bad = mnl_attr_validate(attr, MNL_TYPE_U16);
		if (!bad)
			f->client_port = mnl_attr_get_u16(attr);
		break;
	case NFLB_FLOW_A_DPORT:
		bad = mnl_attr_validate(attr, MNL_TYPE_U16);
		if (!bad)
			f->vip_port = mnl_attr_get_u16(attr);
		break;
	case NFLB_FLOW_A_TIMEOUT:
		bad = mnl_attr_validate(attr, MNL_TYPE_U32);
		if (!bad)
			f->timeout = mnl_attr_get_u32(attr);
		break;
	default:
		return MNL_CB_OK;	/* newer kernel */
	}
	if (bad) {
		ctx->why = "bad flow attribute";
		return MNL_CB_ERROR;
	}
	ctx->seen |= NFLB_BIT(type);
	return MNL_CB_OK;
}

#define FLOW_NEEDED (NFLB_BIT(NFLB_FLOW_A_FAMILY) | NFLB_BIT(NFLB_FLOW_A_PROTO) | \
		     NFLB_BIT(NFLB_FLOW_A_SADDR) | NFLB_BIT(NFLB_FLOW_A_DADDR) | \
		     NFLB_BIT(NFLB_FLOW_A_BACKEND))

static int flow_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flow_ctx *ctx = data;
	const struct nlattr *nest = nflb_msg_find(nlh, NFLB_A_FLOW);

	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0) {
		ctx->why = "flow message without a flow";
		return MNL_CB_ERROR;
	}
	memset(&ctx->flow, 0, sizeof(ctx->flow));
	ctx->seen = 0;
	if (mnl_attr_parse_nested(nest, flow_attr_cb, ctx) < 0)
		return MNL_CB_ERROR;
	if ((ctx->seen & FLOW_NEEDED) != FLOW_NEEDED) {
		ctx->why = "flow without its key";
		return MNL_CB_ERROR;
	}
	ctx->cb_ret = ctx->cb(&ctx->flow, ctx->data);
	return ctx->cb_ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static void put_key(struct nlmsghdr *nlh, const struct nflb_service *key,
		    const struct nflb_backend *be)
{
	struct nlattr *nest;

	if (!key)
		return;
	nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, key->family);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, key->proto);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, nflb_addr_len(key->family),
		     &key->addr);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, key->port);
	mnl_attr_nest_end(nlh, nest);
	if (!be)
		return;
	nest = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);
	mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, be->family);
	mnl_attr_put(nlh, NFLB_BE_A_ADDR, nflb_addr_len(be->family),
		     &be->addr);
	mnl_attr_nest_end(nlh, nest);
}

int nflb_flow_dump(struct nflb_nl *nl, const struct nflb_service *key,
		   nflb_flow_cb cb, void *data)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_FLOW_GET, NLM_F_DUMP);
	struct flow_ctx ctx = { .cb = cb, .data = data };
	int ret;

	put_key(nlh, key, NULL);
	ret = nflb_nl_talk(nl, nlh, flow_msg_cb, &ctx);
	if (ret < 0 && ctx.cb_ret < 0) {
		nflb_nl_set_error(nl, ECANCELED, NULL);
		return -1;
	}
	return ret < 0 ? nflb_reply_error(nl, ctx.why) : 0;
}

int nflb_flow_flush(struct nflb_nl *nl, const struct nflb_service *key,
		    const struct nflb_backend *be)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_FLOW_FLUSH, 0);

	put_key(nlh, key, be);
	return nflb_nl_talk(nl, nlh, NULL, NULL);
}

struct ft_ctx {
	struct nflb_flowtable *ft;
	const char *why;
};

static int ft_attr_cb(const struct nlattr *attr, void *data)
{
	struct ft_ctx *ctx = data;
	struct nflb_flowtable *ft = ctx->ft;
	uint64_t *u64 = NULL;
	uint32_t *u32 = NULL;

	switch (mnl_attr_get_type(attr)) {
	case NFLB_FLOWTABLE_A_SIZE:
		u32 = &ft->size;
		break;
	case NFLB_FLOWTABLE_A_USED:
		u32 = &ft->used;
		break;
	case NFLB_FLOWTABLE_A_INSERTS:
		u64 = &ft->inserts;
		break;
	case NFLB_FLOWTABLE_A_EVICTS:
		u64 = &ft->evicts;
		break;
	case NFLB_FLOWTABLE_A_FULL:
		u64 = &ft->full;
		break;
	case NFLB_FLOWTABLE_A_TOO_BIG:
		u64 = &ft->too_big;
		break;
	case NFLB_FLOWTABLE_A_NO_ROUTE:
		u64 = &ft->no_route;
		break;
	case NFLB_FLOWTABLE_A_ERRORS:
		u64 = &ft->errors;
		break;
	case NFLB_FLOWTABLE_A_ICMP:
		u64 = &ft->icmp;
		break;
	case NFLB_FLOWTABLE_A_GUARD:
		u64 = &ft->guard;
		break;
	case NFLB_FLOWTABLE_A_RATE:
		u32 = &ft->rate;
		break;
	default:
		return MNL_CB_OK;
	}
	if (u32) {
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			goto bad;
		*u32 = mnl_attr_get_u32(attr);
	} else {
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			goto bad;
		*u64 = mnl_attr_get_u64(attr);
	}
	return MNL_CB_OK;
bad:
	ctx->why = "bad flow table attribute";
	return MNL_CB_ERROR;
}

static int ft_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ft_ctx *ctx = data;
	const struct nlattr *nest = nflb_msg_find(nlh, NFLB_A_FLOWTABLE);

	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0) {
		ctx->why = "no flow table in the reply";
		return MNL_CB_ERROR;
	}
	return mnl_attr_parse_nested(nest, ft_attr_cb, ctx);
}

int nflb_flowtable_get(struct nflb_nl *nl, struct nflb_flowtable *ft)
{
	struct ft_ctx ctx = { .ft = ft };
	int ret;

	memset(ft, 0, sizeof(*ft));
	ret = nflb_nl_talk(nl, nflb_nl_msg(nl, NFLB_CMD_FLOW_GET, 0),
			   ft_msg_cb, &ctx);
	return ret < 0 ? nflb_reply_error(nl, ctx.why) : 0;
}
