// SPDX-License-Identifier: GPL-2.0
/*
 * NFLB_CMD_TABLE_GET: a service's Maglev table, dumped in several messages.
 * The first carries the size; the backends (in index order) come in one or
 * more parts, concatenated; then runs of slots from an offset.  Runs must come in order, without
 * gaps, and every index must name a backend.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A bound on what we allocate for a reply, far above the kernel's. */
#define TABLE_SIZE_LIMIT	(1U << 24)

/*
 * One message: NFLB_A_TABLE holding SIZE (the first only), a part of
 * BACKENDS, and OFFSET with one or more SLOTS attributes, whose runs follow
 * each other from OFFSET on; any of these may be absent.
 */
struct table_ctx {
	const struct nlattr *size, *backends, *offset;
	bool slots;
};

static int table_attr_cb(const struct nlattr *attr, void *data)
{
	struct table_ctx *ctx = data;

	switch (mnl_attr_get_type(attr)) {
	case NFLB_TABLE_A_SIZE:
		ctx->size = attr;
		break;
	case NFLB_TABLE_A_BACKENDS:
		ctx->backends = attr;
		break;
	case NFLB_TABLE_A_OFFSET:
		ctx->offset = attr;
		break;
	case NFLB_TABLE_A_SLOTS:
		ctx->slots = true;
		break;
	}
	return MNL_CB_OK;
}

static int fail(const char **why, const char *what)
{
	*why = what;
	errno = EPROTO;
	return -1;
}

static int table_head(struct table_ctx *ctx, struct nflb_table *t,
		      const char **why)
{
	uint32_t size;

	if (t->has_size)
		return fail(why, "table size sent twice");
	if (mnl_attr_validate(ctx->size, MNL_TYPE_U32) < 0)
		return fail(why, "bad table size");
	size = mnl_attr_get_u32(ctx->size);
	if (size > TABLE_SIZE_LIMIT)
		return fail(why, "table size too large");
	if (size) {
		t->slots = calloc(size, sizeof(*t->slots));
		if (!t->slots) {
			*why = NULL;
			errno = ENOMEM;
			return -1;
		}
	}
	t->size = size;
	t->has_size = true;
	return 0;
}

/* One run of slots, at t->filled. */
static int table_run(const struct nlattr *attr, struct nflb_table *t,
		     const char **why)
{
	const uint16_t *src = mnl_attr_get_payload(attr);
	uint32_t n = mnl_attr_get_payload_len(attr), i;
	uint16_t idx;

	if (n % sizeof(uint16_t))
		return fail(why, "odd length of table slots");
	n /= sizeof(uint16_t);
	if (n > t->size - t->filled)
		return fail(why, "more table slots than the table size");
	for (i = 0; i < n; i++) {
		memcpy(&idx, &src[i], sizeof(idx));	/* alignment safe */
		if (idx >= t->n_backends)
			return fail(why, "table slot names no backend");
		t->slots[t->filled + i] = idx;
	}
	t->filled += n;
	return 0;
}

int nflb_table_parse(const struct nlmsghdr *nlh, struct nflb_table *t,
		     const char **why)
{
	const struct nlattr *attr = nflb_msg_find(nlh, NFLB_A_TABLE);
	struct table_ctx ctx = { 0 };
	const struct nlattr *a;

	*why = NULL;
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(attr, table_attr_cb, &ctx) < 0)
		return fail(why, "bad table nest");
	if (ctx.size && table_head(&ctx, t, why) < 0)
		return -1;
	if (ctx.backends) {
		/* Backends may be split over messages: concatenate them. */
		if (!t->has_size)
			return fail(why, "table backends before the table size");
		if (t->filled)
			return fail(why, "table backends after its slots");
		if (nflb_backend_list_append(ctx.backends, &t->backends,
					     &t->n_backends, why) < 0)
			return -1;
	}
	if (!ctx.slots)
		return 0;
	if (!t->has_size)
		return fail(why, "table slots before the table size");
	if (!ctx.offset || mnl_attr_validate(ctx.offset, MNL_TYPE_U32) < 0)
		return fail(why, "table slots without a valid offset");
	if (mnl_attr_get_u32(ctx.offset) != t->filled)
		return fail(why, "table slots out of order");
	mnl_attr_for_each_nested(a, attr)
		if (mnl_attr_get_type(a) == NFLB_TABLE_A_SLOTS &&
		    table_run(a, t, why) < 0)
			return -1;
	return 0;
}

int nflb_table_complete(const struct nflb_table *t, const char **why)
{
	if (!t->has_size)
		return fail(why, "no table size in the reply");
	if (t->filled != t->size)
		return fail(why, "table incomplete");
	return 0;
}

void nflb_table_free(struct nflb_table *t)
{
	free(t->backends);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

struct table_get_ctx {
	struct nflb_table *t;
	const char *why;
};

static int table_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct table_get_ctx *ctx = data;

	if (nflb_table_parse(nlh, ctx->t, &ctx->why) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int table_get_once(struct nflb_nl *nl, const struct nflb_service *key,
			  struct nflb_table *t)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_TABLE_GET, NLM_F_DUMP);
	struct table_get_ctx ctx = { .t = t };

	memset(t, 0, sizeof(*t));
	nflb_service_msg(nlh, NFLB_CMD_TABLE_GET, key);
	if (nflb_nl_talk(nl, nlh, table_reply_cb, &ctx) < 0) {
		nflb_table_free(t);
		return nflb_reply_error(nl, ctx.why);
	}
	if (nflb_table_complete(t, &ctx.why) < 0) {
		nflb_table_free(t);
		nflb_nl_set_error(nl, EPROTO, NULL);
		return nflb_reply_error(nl, ctx.why);
	}
	return 0;
}

/* A table rebuilt during the dump ends it with EAGAIN: try again. */
#define TABLE_GET_TRIES	3

int nflb_table_get(struct nflb_nl *nl, const struct nflb_service *key,
		   struct nflb_table *t)
{
	int i, ret = -1;

	for (i = 0; i < TABLE_GET_TRIES; i++) {
		ret = table_get_once(nl, key, t);
		if (ret == 0 || nflb_nl_error(nl)->error != EAGAIN)
			break;
	}
	return ret;
}

nflb_backend_name_t *nflb_table_names(const struct nflb_table *t)
{
	nflb_backend_name_t *names;
	uint32_t i;

	/* One more than needed: a table without backends still gets an array. */
	names = calloc(t->n_backends + 1, sizeof(*names));
	if (!names) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < t->n_backends; i++)
		nflb_addr_format(t->backends[i].family, &t->backends[i].addr,
				 NFLB_HAS(&t->backends[i], NFLB_BE_A_PORT),
				 t->backends[i].port, names[i],
				 sizeof(names[i]));
	return names;
}

int nflb_table_digest(const struct nflb_table *t, uint64_t *digest)
{
	char line[32 + NFLB_ADDRSTRLEN];
	nflb_backend_name_t *names;
	uint64_t hash = NFLB_FNV1A64_INIT;
	uint32_t i;
	int len;

	names = nflb_table_names(t);
	if (!names)
		return -1;
	for (i = 0; i < t->size; i++) {
		/* Indices were checked against n_backends when parsed. */
		len = snprintf(line, sizeof(line), "%u %s\n", i,
			       names[t->slots[i]]);
		hash = nflb_fnv1a64(hash, line, len);
	}
	free(names);
	*digest = hash;
	return 0;
}
