// SPDX-License-Identifier: GPL-2.0
/*
 * Services and backends: NFLB_CMD_SERVICE_{NEW,SET,DEL,GET},
 * NFLB_CMD_BACKEND_{NEW,SET,DEL}, NFLB_CMD_FLUSH.  Requests are built by
 * nflb_service_msg()/nflb_backend_msg() on any buffer; replies are parsed
 * by nflb_service_parse(), which skips attributes it does not know.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <sys/socket.h>

#include "nflbnl.h"
#include "internal.h"

/* Requests */

static void put_service_key(struct nlmsghdr *nlh,
			    const struct nflb_service *svc)
{
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, svc->family);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, svc->proto);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, nflb_addr_len(svc->family),
		     &svc->addr);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, svc->port);
}

static void put_service_opts(struct nlmsghdr *nlh,
			     const struct nflb_service *svc)
{
	if (NFLB_HAS(svc, NFLB_SVC_A_TABLE_SIZE))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TABLE_SIZE, svc->table_size);
	if (NFLB_HAS(svc, NFLB_SVC_A_HASH))
		mnl_attr_put_u8(nlh, NFLB_SVC_A_HASH, svc->hash);
	if (NFLB_HAS(svc, NFLB_SVC_A_SEED))
		mnl_attr_put_u64(nlh, NFLB_SVC_A_SEED, svc->seed);
	if (NFLB_HAS(svc, NFLB_SVC_A_SNAT))
		mnl_attr_put_u8(nlh, NFLB_SVC_A_SNAT, svc->snat);
	if (NFLB_HAS(svc, NFLB_SVC_A_FORWARD))
		mnl_attr_put_u8(nlh, NFLB_SVC_A_FORWARD, svc->forward);
	if (NFLB_HAS(svc, NFLB_SVC_A_SYNPROXY))
		mnl_attr_put_u8(nlh, NFLB_SVC_A_SYNPROXY, svc->synproxy);
	if (NFLB_HAS(svc, NFLB_SVC_A_SNAT_ADDR))
		mnl_attr_put(nlh, NFLB_SVC_A_SNAT_ADDR,
			     nflb_addr_len(svc->family), &svc->snat_addr);
	if (NFLB_HAS(svc, NFLB_SVC_A_TIMEOUT_TCP))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP, svc->timeout_tcp);
	if (NFLB_HAS(svc, NFLB_SVC_A_TIMEOUT_TCP_FIN))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP_FIN,
				 svc->timeout_tcp_fin);
	if (NFLB_HAS(svc, NFLB_SVC_A_TIMEOUT_UDP))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_UDP, svc->timeout_udp);
	if (NFLB_HAS(svc, NFLB_SVC_A_RATE))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_RATE, svc->rate);
	if (NFLB_HAS(svc, NFLB_SVC_A_BURST))
		mnl_attr_put_u32(nlh, NFLB_SVC_A_BURST, svc->burst);
}

static void put_backend(struct nlmsghdr *nlh, uint8_t cmd,
			const struct nflb_backend *be)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);

	mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, be->family);
	mnl_attr_put(nlh, NFLB_BE_A_ADDR, nflb_addr_len(be->family),
		     &be->addr);
	if (NFLB_HAS(be, NFLB_BE_A_PORT))
		mnl_attr_put_u16(nlh, NFLB_BE_A_PORT, be->port);
	if (cmd == NFLB_CMD_BACKEND_NEW || cmd == NFLB_CMD_BACKEND_SET ||
	    cmd == NFLB_CMD_SERVICE_NEW) {
		if (NFLB_HAS(be, NFLB_BE_A_WEIGHT))
			mnl_attr_put_u32(nlh, NFLB_BE_A_WEIGHT, be->weight);
		if (NFLB_HAS(be, NFLB_BE_A_STATE))
			mnl_attr_put_u8(nlh, NFLB_BE_A_STATE, be->state);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_service(struct nlmsghdr *nlh, uint8_t cmd,
			const struct nflb_service *svc, bool opts)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	struct nlattr *list;
	size_t i;

	put_service_key(nlh, svc);
	if (opts)
		put_service_opts(nlh, svc);
	/* Backends created with the service, its table built once. */
	if (cmd == NFLB_CMD_SERVICE_NEW && svc->n_backends) {
		list = mnl_attr_nest_start(nlh, NFLB_SVC_A_BACKENDS);
		for (i = 0; i < svc->n_backends; i++)
			put_backend(nlh, cmd, &svc->backends[i]);
		mnl_attr_nest_end(nlh, list);
	}
	mnl_attr_nest_end(nlh, nest);
}

void nflb_service_msg(struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nflb_service *svc)
{
	put_service(nlh, cmd, svc, cmd == NFLB_CMD_SERVICE_NEW ||
				   cmd == NFLB_CMD_SERVICE_SET);
}

void nflb_backend_msg(struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nflb_service *svc,
		      const struct nflb_backend *be, bool flush)
{
	put_service(nlh, cmd, svc, false);
	put_backend(nlh, cmd, be);
	if ((cmd == NFLB_CMD_BACKEND_DEL || cmd == NFLB_CMD_BACKEND_SET) && flush)
		mnl_attr_put(nlh, NFLB_A_FLUSH, 0, NULL);
}

/* Replies */

/* Validate ATTR as TYPE, or fail the parse saying which attribute. */
#define CHECK(ctx, attr, type, what)					\
	do {								\
		if (mnl_attr_validate(attr, type) < 0) {		\
			(ctx)->why = what;				\
			return MNL_CB_ERROR;				\
		}							\
	} while (0)

struct stats_ctx {
	struct nflb_stats *st;
	const char *why;
};

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct stats_ctx *ctx = data;
	struct nflb_stats *st = ctx->st;
	uint16_t type = mnl_attr_get_type(attr);
	uint64_t *v;

	switch (type) {
	case NFLB_STATS_A_CONNS:
		v = &st->conns;
		break;
	case NFLB_STATS_A_PKTS_IN:
		v = &st->pkts_in;
		break;
	case NFLB_STATS_A_PKTS_OUT:
		v = &st->pkts_out;
		break;
	case NFLB_STATS_A_BYTES_IN:
		v = &st->bytes_in;
		break;
	case NFLB_STATS_A_BYTES_OUT:
		v = &st->bytes_out;
		break;
	case NFLB_STATS_A_DROPS:
		v = &st->drops;
		break;
	case NFLB_STATS_A_RATE_DROPS:
		v = &st->rate_drops;
		break;
	case NFLB_STATS_A_TOO_BIG_DROPS:
		v = &st->too_big_drops;
		break;
	case NFLB_STATS_A_ENCAP_DROPS:
		v = &st->encap_drops;
		break;
	case NFLB_STATS_A_UNPINNED:
		v = &st->unpinned;
		break;
	case NFLB_STATS_A_RATE_CONNS:
		v = &st->rate_conns;
		break;
	case NFLB_STATS_A_RATE_PKTS_IN:
		v = &st->rate_pkts_in;
		break;
	case NFLB_STATS_A_RATE_PKTS_OUT:
		v = &st->rate_pkts_out;
		break;
	case NFLB_STATS_A_RATE_BYTES_IN:
		v = &st->rate_bytes_in;
		break;
	case NFLB_STATS_A_RATE_BYTES_OUT:
		v = &st->rate_bytes_out;
		break;
	default:
		return MNL_CB_OK;	/* padding, or newer kernel */
	}
	CHECK(ctx, attr, MNL_TYPE_U64, "bad statistics counter");
	*v = mnl_attr_get_u64(attr);	/* memcpy: alignment safe */
	st->present |= NFLB_BIT(type);
	return MNL_CB_OK;
}

static int parse_stats(const struct nlattr *attr, struct nflb_stats *st,
		       const char **why)
{
	struct stats_ctx ctx = { .st = st };

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) {
		*why = "bad statistics nest";
		return -1;
	}
	if (mnl_attr_parse_nested(attr, stats_attr_cb, &ctx) < 0) {
		*why = ctx.why ? ctx.why : "bad statistics nest";
		return -1;
	}
	return 0;
}

struct be_ctx {
	struct nflb_backend *be;
	size_t addr_len;
	const char *why;
};

static int backend_attr_cb(const struct nlattr *attr, void *data)
{
	struct be_ctx *ctx = data;
	struct nflb_backend *be = ctx->be;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case NFLB_BE_A_FAMILY:
		CHECK(ctx, attr, MNL_TYPE_U16, "bad backend family");
		be->family = mnl_attr_get_u16(attr);
		break;
	case NFLB_BE_A_ADDR:
		ctx->addr_len = mnl_attr_get_payload_len(attr);
		if (ctx->addr_len != 4 && ctx->addr_len != 16) {
			ctx->why = "bad backend address";
			return MNL_CB_ERROR;
		}
		memcpy(&be->addr, mnl_attr_get_payload(attr), ctx->addr_len);
		break;
	case NFLB_BE_A_PORT:
		CHECK(ctx, attr, MNL_TYPE_U16, "bad backend port");
		be->port = mnl_attr_get_u16(attr);
		break;
	case NFLB_BE_A_WEIGHT:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad backend weight");
		be->weight = mnl_attr_get_u32(attr);
		break;
	case NFLB_BE_A_STATE:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad backend state");
		be->state = mnl_attr_get_u8(attr);
		break;
	case NFLB_BE_A_SLOTS:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad backend slot count");
		be->slots = mnl_attr_get_u32(attr);
		break;
	case NFLB_BE_A_STATS:
		if (parse_stats(attr, &be->stats, &ctx->why) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	be->present |= NFLB_BIT(type);
	return MNL_CB_OK;
}

int nflb_backend_parse(const struct nlattr *attr, struct nflb_backend *be,
		       const char **why)
{
	struct be_ctx ctx = { .be = be };

	memset(be, 0, sizeof(*be));
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(attr, backend_attr_cb, &ctx) < 0) {
		*why = ctx.why ? ctx.why : "bad backend nest";
		return -1;
	}
	if (!NFLB_HAS(be, NFLB_BE_A_FAMILY) || !NFLB_HAS(be, NFLB_BE_A_ADDR)) {
		*why = "backend without family or address";
		return -1;
	}
	if (nflb_addr_len(be->family) != ctx.addr_len) {
		*why = "backend address does not match its family";
		return -1;
	}
	return 0;
}

/* Parse LIST's backends after the *N already in *BES. */
static int backend_list_add(const struct nlattr *list,
			    struct nflb_backend **bes, size_t *n,
			    const char **why)
{
	const struct nlattr *attr;
	size_t cnt = *n, cap = *n;

	if (mnl_attr_validate(list, MNL_TYPE_NESTED) < 0) {
		*why = "bad backend list";
		errno = EPROTO;
		return -1;
	}
	mnl_attr_for_each_nested(attr, list) {
		if (mnl_attr_get_type(attr) != NFLB_A_BACKEND)
			continue;
		if (NFLB_ARRAY_RESERVE(*bes, cap, cnt + 1) < 0) {
			*why = NULL;
			goto err;
		}
		if (nflb_backend_parse(attr, &(*bes)[cnt], why) < 0) {
			errno = EPROTO;
			goto err;
		}
		cnt++;
	}
	*n = cnt;
	return 0;
err:
	/* *BES keeps its first *N entries. */
	return -1;
}

int nflb_backend_list_parse(const struct nlattr *list,
			    struct nflb_backend **bes, size_t *n,
			    const char **why)
{
	struct nflb_backend *v = NULL;
	size_t cnt = 0;

	if (backend_list_add(list, &v, &cnt, why) < 0) {
		free(v);
		return -1;
	}
	free(*bes);
	*bes = v;
	*n = cnt;
	return 0;
}

int nflb_backend_list_append(const struct nlattr *list,
			     struct nflb_backend **bes, size_t *n,
			     const char **why)
{
	return backend_list_add(list, bes, n, why);
}

struct svc_ctx {
	struct nflb_service *svc;
	size_t addr_len;
	size_t snat_len;
	const char *why;
	int error;
};

static int service_attr_cb(const struct nlattr *attr, void *data)
{
	struct svc_ctx *ctx = data;
	struct nflb_service *svc = ctx->svc;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case NFLB_SVC_A_FAMILY:
		CHECK(ctx, attr, MNL_TYPE_U16, "bad service family");
		svc->family = mnl_attr_get_u16(attr);
		break;
	case NFLB_SVC_A_PROTO:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad service protocol");
		svc->proto = mnl_attr_get_u8(attr);
		break;
	case NFLB_SVC_A_ADDR:
		ctx->addr_len = mnl_attr_get_payload_len(attr);
		if (ctx->addr_len != 4 && ctx->addr_len != 16) {
			ctx->why = "bad service address";
			return MNL_CB_ERROR;
		}
		memcpy(&svc->addr, mnl_attr_get_payload(attr), ctx->addr_len);
		break;
	case NFLB_SVC_A_PORT:
		CHECK(ctx, attr, MNL_TYPE_U16, "bad service port");
		svc->port = mnl_attr_get_u16(attr);
		break;
	case NFLB_SVC_A_TABLE_SIZE:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service table size");
		svc->table_size = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_HASH:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad service hash");
		svc->hash = mnl_attr_get_u8(attr);
		break;
	case NFLB_SVC_A_SEED:
		CHECK(ctx, attr, MNL_TYPE_U64, "bad service seed");
		svc->seed = mnl_attr_get_u64(attr);
		break;
	case NFLB_SVC_A_SNAT:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad service snat flag");
		svc->snat = mnl_attr_get_u8(attr);
		break;
	case NFLB_SVC_A_FORWARD:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad service forwarding method");
		svc->forward = mnl_attr_get_u8(attr);
		break;
	case NFLB_SVC_A_SYNPROXY:
		CHECK(ctx, attr, MNL_TYPE_U8, "bad service synproxy flag");
		svc->synproxy = mnl_attr_get_u8(attr);
		break;
	case NFLB_SVC_A_SNAT_ADDR:
		ctx->snat_len = mnl_attr_get_payload_len(attr);
		if (ctx->snat_len != 4 && ctx->snat_len != 16) {
			ctx->why = "bad service snat address";
			return MNL_CB_ERROR;
		}
		memcpy(&svc->snat_addr, mnl_attr_get_payload(attr),
		       ctx->snat_len);
		break;
	case NFLB_SVC_A_TIMEOUT_TCP:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service TCP timeout");
		svc->timeout_tcp = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_TIMEOUT_TCP_FIN:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service TCP FIN timeout");
		svc->timeout_tcp_fin = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_TIMEOUT_UDP:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service UDP timeout");
		svc->timeout_udp = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_RATE:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service rate");
		svc->rate = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_BURST:
		CHECK(ctx, attr, MNL_TYPE_U32, "bad service burst");
		svc->burst = mnl_attr_get_u32(attr);
		break;
	case NFLB_SVC_A_CONT:
		CHECK(ctx, attr, MNL_TYPE_FLAG, "bad service continuation flag");
		break;
	case NFLB_SVC_A_STATS:
		if (parse_stats(attr, &svc->stats, &ctx->why) < 0)
			return MNL_CB_ERROR;
		break;
	case NFLB_SVC_A_BACKENDS:
		if (nflb_backend_list_parse(attr, &svc->backends,
					    &svc->n_backends, &ctx->why) < 0) {
			ctx->error = errno;
			return MNL_CB_ERROR;
		}
		break;
	default:
		return MNL_CB_OK;	/* padding, or newer kernel */
	}
	svc->present |= NFLB_BIT(type);
	return MNL_CB_OK;
}

struct top_ctx {
	uint16_t type;
	const struct nlattr *attr;
};

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	struct top_ctx *ctx = data;

	if (mnl_attr_get_type(attr) == ctx->type && !ctx->attr)
		ctx->attr = attr;
	return MNL_CB_OK;
}

const struct nlattr *nflb_msg_find(const struct nlmsghdr *nlh, uint16_t type)
{
	struct top_ctx ctx = { .type = type };

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return NULL;
	mnl_attr_parse(nlh, GENL_HDRLEN, top_attr_cb, &ctx);
	return ctx.attr;
}

int nflb_service_parse(const struct nlmsghdr *nlh, struct nflb_service *svc,
		       const char **why)
{
	const struct nlattr *attr = nflb_msg_find(nlh, NFLB_A_SERVICE);
	struct svc_ctx ctx = { .svc = svc };

	memset(svc, 0, sizeof(*svc));
	*why = NULL;
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(attr, service_attr_cb, &ctx) < 0) {
		*why = ctx.why ? ctx.why : "bad service nest";
		errno = ctx.error ? ctx.error : EPROTO;
		goto err;
	}
	if (!NFLB_HAS(svc, NFLB_SVC_A_FAMILY) ||
	    !NFLB_HAS(svc, NFLB_SVC_A_PROTO) ||
	    !NFLB_HAS(svc, NFLB_SVC_A_ADDR) ||
	    !NFLB_HAS(svc, NFLB_SVC_A_PORT)) {
		*why = "service without family, protocol, address or port";
		errno = EPROTO;
		goto err;
	}
	if (nflb_addr_len(svc->family) != ctx.addr_len ||
	    (NFLB_HAS(svc, NFLB_SVC_A_SNAT_ADDR) &&
	     nflb_addr_len(svc->family) != ctx.snat_len)) {
		*why = "service address does not match its family";
		errno = EPROTO;
		goto err;
	}
	return 1;
err:
	nflb_service_free(svc);
	return -1;
}

void nflb_service_free(struct nflb_service *svc)
{
	free(svc->backends);
	svc->backends = NULL;
	svc->n_backends = 0;
}

/* Talking to the kernel */

/*
 * After a failed request: a reply we could not parse is reported as such
 * (EPROTO and what was wrong) rather than as a bare errno.
 */
int nflb_reply_error(struct nflb_nl *nl, const char *why)
{
	char msg[128];

	if (why && nflb_nl_error(nl)->error == EPROTO) {
		snprintf(msg, sizeof(msg), "malformed reply from the kernel: %s",
			 why);
		nflb_nl_set_error(nl, EPROTO, msg);
	}
	return -1;
}

static int simple(struct nflb_nl *nl, struct nlmsghdr *nlh)
{
	return nflb_nl_talk(nl, nlh, NULL, NULL);
}

int nflb_service_add(struct nflb_nl *nl, const struct nflb_service *svc)
{
	struct nlmsghdr *nlh;

	/* The request is built in nl->buf: it must fit. */
	if (svc->n_backends >
	    (sizeof(nl->buf) - NFLB_SVC_MSG_BASE) / NFLB_BE_NEST_MAX) {
		nflb_nl_set_error(nl, EMSGSIZE,
				  "too many backends for one request: add the rest one by one");
		return -1;
	}
	nlh = nflb_nl_msg(nl, NFLB_CMD_SERVICE_NEW, 0);

	nflb_service_msg(nlh, NFLB_CMD_SERVICE_NEW, svc);
	return simple(nl, nlh);
}

int nflb_service_set(struct nflb_nl *nl, const struct nflb_service *svc)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_SERVICE_SET, 0);

	nflb_service_msg(nlh, NFLB_CMD_SERVICE_SET, svc);
	return simple(nl, nlh);
}

int nflb_service_del(struct nflb_nl *nl, const struct nflb_service *svc)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_SERVICE_DEL, 0);

	nflb_service_msg(nlh, NFLB_CMD_SERVICE_DEL, svc);
	return simple(nl, nlh);
}

/* Dumps: continuations merged into whole services */

/* Hand the held service to the callback. */
static int collect_flush(struct nflb_service_collector *c)
{
	int ret;

	if (!c->holding)
		return 0;
	c->holding = false;
	c->n++;
	ret = c->cb ? c->cb(&c->held, c->data) : 0;
	nflb_service_free(&c->held);
	if (ret < 0) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

int nflb_service_collect(struct nflb_service_collector *c,
			 const struct nlmsghdr *nlh)
{
	struct nflb_service svc;
	int ret;

	c->why = NULL;
	ret = nflb_service_parse(nlh, &svc, &c->why);
	if (ret <= 0)
		return ret;	/* errno set on error */
	if (NFLB_HAS(&svc, NFLB_SVC_A_CONT)) {
		if (!c->holding || !nflb_service_same_key(&c->held, &svc)) {
			nflb_service_free(&svc);
			c->why = "continuation of a service not being received";
			errno = EPROTO;
			return -1;
		}
		if (svc.n_backends) {
			/* At least that many are allocated. */
			size_t cap = c->held.n_backends;

			if (NFLB_ARRAY_RESERVE(c->held.backends, cap,
					       cap + svc.n_backends) < 0) {
				nflb_service_free(&svc);
				return -1;
			}
			memcpy(c->held.backends + c->held.n_backends,
			       svc.backends,
			       svc.n_backends * sizeof(*svc.backends));
			c->held.n_backends += svc.n_backends;
		}
		nflb_service_free(&svc);
		return 0;
	}
	if (c->holding && nflb_service_same_key(&c->held, &svc)) {
		/* The kernel started the service over: drop the old part. */
		nflb_service_free(&c->held);
		c->holding = false;
	}
	if (collect_flush(c) < 0) {
		nflb_service_free(&svc);
		return -1;
	}
	c->held = svc;
	c->holding = true;
	return 0;
}

int nflb_service_collect_end(struct nflb_service_collector *c)
{
	return collect_flush(c);
}

void nflb_service_collect_free(struct nflb_service_collector *c)
{
	if (c->holding)
		nflb_service_free(&c->held);
	c->holding = false;
}

static int service_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return nflb_service_collect(data, nlh) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* A SERVICE_GET dump of every service, or of KEY's only. */
static int service_dump(struct nflb_nl *nl, const struct nflb_service *key,
			nflb_service_cb cb, void *data)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_SERVICE_GET,
					   NLM_F_DUMP);
	struct nflb_service_collector c = { .cb = cb, .data = data };
	int ret;

	if (key)
		nflb_service_msg(nlh, NFLB_CMD_SERVICE_GET, key);
	ret = nflb_nl_talk(nl, nlh, service_reply_cb, &c);
	if (ret == 0 && nflb_service_collect_end(&c) < 0) {
		nflb_nl_set_error(nl, errno, NULL);
		ret = -1;
	}
	nflb_service_collect_free(&c);
	if (ret < 0 && nflb_nl_error(nl)->error == EINTR)
		nflb_nl_set_error(nl, EINTR,
				  "services changed during the dump: try again");
	if (ret < 0)
		return nflb_reply_error(nl, c.why);
	if (key && !c.n) {
		nflb_nl_set_error(nl, EPROTO,
				  "malformed reply from the kernel: no service");
		return -1;
	}
	return 0;
}

int nflb_service_get(struct nflb_nl *nl, const struct nflb_service *key,
		     nflb_service_cb cb, void *data)
{
	return service_dump(nl, key, cb, data);
}

int nflb_service_dump(struct nflb_nl *nl, nflb_service_cb cb, void *data)
{
	return service_dump(nl, NULL, cb, data);
}

static int backend_req(struct nflb_nl *nl, uint8_t cmd,
		       const struct nflb_service *svc,
		       const struct nflb_backend *be, bool flush)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, cmd, 0);

	nflb_backend_msg(nlh, cmd, svc, be, flush);
	return simple(nl, nlh);
}

int nflb_backend_add(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be)
{
	return backend_req(nl, NFLB_CMD_BACKEND_NEW, svc, be, false);
}

int nflb_backend_set(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be)
{
	return backend_req(nl, NFLB_CMD_BACKEND_SET, svc, be, false);
}

int nflb_backend_set_flush(struct nflb_nl *nl, const struct nflb_service *svc,
			   const struct nflb_backend *be, bool flush)
{
	return backend_req(nl, NFLB_CMD_BACKEND_SET, svc, be, flush);
}

int nflb_backend_del(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be, bool flush)
{
	return backend_req(nl, NFLB_CMD_BACKEND_DEL, svc, be, flush);
}

int nflb_flush(struct nflb_nl *nl)
{
	return simple(nl, nflb_nl_msg(nl, NFLB_CMD_FLUSH, 0));
}

int nflb_stats_zero(struct nflb_nl *nl, const struct nflb_service *key)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_STATS_ZERO, 0);

	if (key)
		nflb_service_msg(nlh, NFLB_CMD_STATS_ZERO, key);
	return simple(nl, nlh);
}
