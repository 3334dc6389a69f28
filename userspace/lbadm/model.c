// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration model (model.h): a sorted array of services, each
 * allocated on its own (an insertion moves pointers, not services), found
 * by binary search in libnflbnl's one order of services.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* A service of a model and the room of its backends array. */
struct conf_svc {
	struct nflb_service svc;	/* first: the model hands out &svc */
	size_t be_cap;
};

static struct conf_svc *conf_svc(struct nflb_service *svc)
{
	return (struct conf_svc *)svc;
}

static void svc_free(struct nflb_service *svc)
{
	nflb_service_free(svc);
	free(conf_svc(svc));
}

void lbadm_conf_init(struct lbadm_conf *c)
{
	memset(c, 0, sizeof(*c));
}

bool lbadm_offload_same(const struct lbadm_offload *a,
			const struct lbadm_offload *b)
{
	size_t i, j;

	if (a->n != b->n)
		return false;
	/* No device twice in either: the same count and each in the other. */
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++)
			if (a->ifindex[i] == b->ifindex[j])
				break;
		if (j == b->n)
			return false;
	}
	return true;
}

void lbadm_conf_clear(struct lbadm_conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		svc_free(c->v[i]);
	c->n = 0;
}

void lbadm_conf_free(struct lbadm_conf *c)
{
	lbadm_conf_clear(c);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* The index of KEY's service in C, or where it goes; *FOUND says which. */
static size_t conf_pos(const struct lbadm_conf *c,
		       const struct nflb_service *key, bool *found)
{
	size_t lo = 0, hi = c->n, mid;
	int d;

	*found = false;
	/* In order (a dump of a restored file, a saved file): at the end. */
	if (c->n && nflb_service_cmp(c->v[c->n - 1], key) < 0)
		return c->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = nflb_service_cmp(c->v[mid], key);
		if (d == 0) {
			*found = true;
			return mid;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct nflb_service *lbadm_conf_find(const struct lbadm_conf *c,
				     const struct nflb_service *key)
{
	bool found;
	size_t i = conf_pos(c, key, &found);

	return found ? c->v[i] : NULL;
}

/* BE as the kernel names it: the port always set (else SVC's). */
static void be_normalize(const struct nflb_service *svc,
			 struct nflb_backend *be)
{
	if (!NFLB_HAS(be, NFLB_BE_A_PORT))
		be->port = svc->port;
	NFLB_SET(be, NFLB_BE_A_PORT);
}

int lbadm_conf_add(struct lbadm_conf *c, const struct nflb_service *svc)
{
	struct conf_svc *e;
	bool found;
	size_t i = conf_pos(c, svc, &found), j;

	e = malloc(sizeof(*e));
	if (!e)
		return -1;
	if (nflb_service_copy(&e->svc, svc) < 0) {
		free(e);
		return -1;
	}
	e->be_cap = e->svc.n_backends;
	for (j = 0; j < e->svc.n_backends; j++)
		be_normalize(&e->svc, &e->svc.backends[j]);
	if (found) {
		svc_free(c->v[i]);
		c->v[i] = &e->svc;
		return 0;
	}
	if (NFLB_ARRAY_RESERVE(c->v, c->cap, c->n + 1) < 0) {
		svc_free(&e->svc);
		return -1;
	}
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(*c->v));
	c->v[i] = &e->svc;
	c->n++;
	return 0;
}

int lbadm_conf_copy(struct lbadm_conf *dst, const struct lbadm_conf *src)
{
	size_t i;

	lbadm_conf_init(dst);
	dst->offload = src->offload;
	for (i = 0; i < src->n; i++)
		if (lbadm_conf_add(dst, src->v[i]) < 0)
			return -1;
	return 0;
}

void lbadm_conf_del(struct lbadm_conf *c, struct nflb_service *svc)
{
	bool found;
	size_t i = conf_pos(c, svc, &found);

	if (!found || c->v[i] != svc)
		return;
	svc_free(svc);
	c->n--;
	memmove(&c->v[i], &c->v[i + 1], (c->n - i) * sizeof(*c->v));
}

struct nflb_backend *lbadm_conf_backend(struct nflb_service *svc,
					const struct nflb_backend *be)
{
	struct nflb_backend key = *be;
	size_t i;

	be_normalize(svc, &key);
	for (i = 0; i < svc->n_backends; i++)
		if (nflb_backend_same_key(&svc->backends[i], &key))
			return &svc->backends[i];
	return NULL;
}

int lbadm_conf_add_backend(struct nflb_service *svc,
			   const struct nflb_backend *be)
{
	if (NFLB_ARRAY_RESERVE(svc->backends, conf_svc(svc)->be_cap,
			       svc->n_backends + 1) < 0)
		return -1;
	svc->backends[svc->n_backends] = *be;
	be_normalize(svc, &svc->backends[svc->n_backends++]);
	return 0;
}

void lbadm_conf_del_backend(struct nflb_service *svc,
			    struct nflb_backend *be)
{
	*be = svc->backends[--svc->n_backends];
}

void lbadm_conf_sort_backends(struct lbadm_conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		nflb_backends_sort(c->v[i]->backends, c->v[i]->n_backends);
}

void lbadm_conf_fill_defaults(struct lbadm_conf *c, uint32_t table_default)
{
	struct nflb_service *s;
	struct nflb_backend *be;
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		s = c->v[i];
		if (!NFLB_HAS(s, NFLB_SVC_A_TABLE_SIZE))
			s->table_size = table_default;
		if (!NFLB_HAS(s, NFLB_SVC_A_HASH))
			s->hash = NFLB_HASH_5TUPLE;
		if (!NFLB_HAS(s, NFLB_SVC_A_SEED))
			s->seed = 0;
		if (!NFLB_HAS(s, NFLB_SVC_A_SNAT))
			s->snat = 0;
		if (!NFLB_HAS(s, NFLB_SVC_A_SYNPROXY))
			s->synproxy = 0;
		if (!NFLB_HAS(s, NFLB_SVC_A_FORWARD))
			s->forward = NFLB_FORWARD_NAT;
		if (!NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP))
			s->timeout_tcp = 0;
		if (!NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP_FIN))
			s->timeout_tcp_fin = 0;
		if (!NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_UDP))
			s->timeout_udp = 0;
		/* As the kernel: no rate, no burst; a rate alone, its own. */
		if (!NFLB_HAS(s, NFLB_SVC_A_RATE))
			s->rate = 0;
		if (!s->rate || !NFLB_HAS(s, NFLB_SVC_A_BURST))
			s->burst = s->rate;
		s->present |= LBADM_SVC_OPTS;
		for (j = 0; j < s->n_backends; j++) {
			be = &s->backends[j];
			if (!NFLB_HAS(be, NFLB_BE_A_WEIGHT))
				be->weight = 1;
			if (!NFLB_HAS(be, NFLB_BE_A_STATE))
				be->state = NFLB_BACKEND_UP;
			NFLB_SET(be, NFLB_BE_A_WEIGHT);
			NFLB_SET(be, NFLB_BE_A_STATE);
		}
	}
}

static int collect(const struct nflb_service *svc, void *data)
{
	return lbadm_conf_add(data, svc);
}

/* The offload devices into C, named as this netns names them. */
static int dump_offload(struct nflb_nl *nl, struct lbadm_conf *c)
{
	struct nflb_offload off;
	size_t i;

	if (nflb_offload_get(nl, &off) < 0)
		return -1;
	c->offload.n = off.n_devs;
	for (i = 0; i < off.n_devs; i++) {
		c->offload.ifindex[i] = off.ifindex[i];
		/* Gone since: its number, which no restore will take. */
		if (!if_indextoname(off.ifindex[i], c->offload.name[i]))
			snprintf(c->offload.name[i], IF_NAMESIZE, "%u",
				 off.ifindex[i]);
	}
	return 0;
}

int lbadm_conf_dump(struct nflb_nl *nl, struct lbadm_conf *c)
{
	lbadm_conf_init(c);
	if (dump_offload(nl, c) < 0)
		return -1;
	if (nflb_service_dump(nl, collect, c) == 0)
		return 0;
	lbadm_conf_free(c);
	/* collect() failed: the dump was cancelled for want of memory. */
	if (nflb_nl_error(nl)->error != ECANCELED)
		return -1;
	nflb_nl_set_error(nl, ENOMEM, NULL);
	return -ENOMEM;
}
