// SPDX-License-Identifier: GPL-2.0
/*
 * Request plans (plan.h): what a checked restore file sends, in order and
 * coalesced, and the rollback that re-creates a configuration.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

void lbadm_plan_free(struct lbadm_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		nflb_service_free(&p->rops[i].svc);
		free(p->rops[i].offload);
	}
	free(p->rops);
	memset(p, 0, sizeof(*p));
}

static struct lbadm_rop *plan_push(struct lbadm_plan *p, uint8_t cmd,
				   unsigned int lineno)
{
	struct lbadm_rop *r = NFLB_ARRAY_PUSH(p->rops, p->n, p->cap);

	if (!r)
		return NULL;
	r->cmd = cmd;
	r->lineno = lineno;
	return r;
}

/* OFFLOAD_SET of OFF's devices. */
static int plan_offload(struct lbadm_plan *p, const struct lbadm_offload *off,
			unsigned int lineno)
{
	struct lbadm_rop *r = plan_push(p, NFLB_CMD_OFFLOAD_SET, lineno);

	if (!r)
		return -1;
	r->offload = malloc(sizeof(*r->offload));
	if (!r->offload)
		return -1;
	*r->offload = *off;
	return 0;
}

/* A backend line that can join service SVC's SERVICE_NEW. */
static bool joins(const struct lbadm_line *l, const struct nflb_service *svc)
{
	return l->kind == LBADM_LINE_BACKEND && l->req.op == LBADM_OP_ADD &&
	       nflb_service_same_key(&l->req.svc, svc);
}

/*
 * SERVICE_NEW of SVC with BES[0..N) (up to MAX in it; the rest as
 * BACKEND_NEW, tagged with LINENOS or LINENO).
 */
static int plan_service(struct lbadm_plan *p, const struct nflb_service *svc,
			unsigned int lineno, const struct nflb_backend *bes,
			const unsigned int *linenos, size_t n, size_t max)
{
	size_t in = n < max ? n : max, i;
	struct lbadm_rop *r;

	r = plan_push(p, NFLB_CMD_SERVICE_NEW, lineno);
	if (!r)
		return -1;
	r->svc = *svc;
	r->svc.backends = NULL;
	r->svc.n_backends = 0;
	if (in) {
		r->svc.backends = malloc(in * sizeof(*bes));
		if (!r->svc.backends)
			return -1;
		memcpy(r->svc.backends, bes, in * sizeof(*bes));
		r->svc.n_backends = in;
	}
	for (i = in; i < n; i++) {
		r = plan_push(p, NFLB_CMD_BACKEND_NEW,
			      linenos ? linenos[i] : lineno);
		if (!r)
			return -1;
		r->svc = *svc;
		r->svc.backends = NULL;
		r->svc.n_backends = 0;
		r->be = bes[i];
	}
	return 0;
}

static const uint8_t svc_cmds[] = {
	[LBADM_OP_ADD] = NFLB_CMD_SERVICE_NEW,
	[LBADM_OP_SET] = NFLB_CMD_SERVICE_SET,
	[LBADM_OP_DEL] = NFLB_CMD_SERVICE_DEL,
};

static const uint8_t be_cmds[] = {
	[LBADM_OP_ADD] = NFLB_CMD_BACKEND_NEW,
	[LBADM_OP_SET] = NFLB_CMD_BACKEND_SET,
	[LBADM_OP_DEL] = NFLB_CMD_BACKEND_DEL,
};

int lbadm_plan_script(const struct lbadm_script *s, size_t max_per_msg,
		      struct lbadm_plan *p)
{
	struct nflb_backend *bes = NULL;
	unsigned int *linenos = NULL;
	const struct lbadm_line *l;
	struct lbadm_rop *r;
	size_t i, j, k, n;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < s->n; i = j) {
		l = &s->lines[i];
		j = i + 1;
		if (l->kind == LBADM_LINE_FLUSH) {
			if (!plan_push(p, NFLB_CMD_FLUSH, l->lineno))
				goto out;
			continue;
		}
		if (l->kind == LBADM_LINE_OFFLOAD) {
			if (plan_offload(p, l->offload, l->lineno) < 0)
				goto out;
			continue;
		}
		if (l->kind == LBADM_LINE_SERVICE &&
		    l->req.op == LBADM_OP_ADD) {
			while (j < s->n && joins(&s->lines[j], &l->req.svc))
				j++;
			n = j - i - 1;
			free(bes);
			free(linenos);
			bes = malloc((n ? n : 1) * sizeof(*bes));
			linenos = malloc((n ? n : 1) * sizeof(*linenos));
			if (!bes || !linenos)
				goto out;
			for (k = 0; k < n; k++) {
				bes[k] = s->lines[i + 1 + k].req.be;
				linenos[k] = s->lines[i + 1 + k].lineno;
			}
			if (plan_service(p, &l->req.svc, l->lineno, bes,
					 linenos, n, max_per_msg) < 0)
				goto out;
			continue;
		}
		r = plan_push(p, l->kind == LBADM_LINE_SERVICE ?
				 svc_cmds[l->req.op] : be_cmds[l->req.op],
			      l->lineno);
		if (!r)
			goto out;
		r->svc = l->req.svc;
		r->be = l->req.be;
		r->flush = l->req.flush;
	}
	ret = 0;
out:
	free(bes);
	free(linenos);
	if (ret < 0)
		lbadm_plan_free(p);
	return ret;
}

int lbadm_plan_conf(struct lbadm_conf *c, size_t max_per_msg,
		    struct lbadm_plan *p)
{
	struct nflb_service *s;
	size_t i;

	memset(p, 0, sizeof(*p));
	lbadm_conf_sort_backends(c);
	if (!plan_push(p, NFLB_CMD_FLUSH, 0))
		goto err;
	for (i = 0; i < c->n; i++) {
		s = c->v[i];
		if (plan_service(p, s, 0, s->backends, NULL, s->n_backends,
				 max_per_msg) < 0)
			goto err;
	}
	if (plan_offload(p, &c->offload, 0) < 0)
		goto err;
	return 0;
err:
	lbadm_plan_free(p);
	return -1;
}

/* The options of A and B (both complete) that differ, as PRESENT bits. */
static unsigned int options_differ(const struct nflb_service *a,
				   const struct nflb_service *b)
{
	unsigned int m = 0;

	if (a->table_size != b->table_size)
		m |= NFLB_BIT(NFLB_SVC_A_TABLE_SIZE);
	if (a->hash != b->hash)
		m |= NFLB_BIT(NFLB_SVC_A_HASH);
	if (a->seed != b->seed)
		m |= NFLB_BIT(NFLB_SVC_A_SEED);
	if (a->snat != b->snat)
		m |= NFLB_BIT(NFLB_SVC_A_SNAT);
	if (a->synproxy != b->synproxy)
		m |= NFLB_BIT(NFLB_SVC_A_SYNPROXY);
	/*
	 * The method: B's snat and synproxy (off for a DSR method) go in the
	 * same request, which the kernel checks as a whole.
	 */
	if (a->forward != b->forward)
		m |= NFLB_BIT(NFLB_SVC_A_FORWARD);
	if (a->timeout_tcp != b->timeout_tcp)
		m |= NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP);
	if (a->timeout_tcp_fin != b->timeout_tcp_fin)
		m |= NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP_FIN);
	if (a->timeout_udp != b->timeout_udp)
		m |= NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP);
	/* B's rate and burst, whole: a burst only with a rate. */
	if (a->rate != b->rate || a->burst != b->burst) {
		m |= NFLB_BIT(NFLB_SVC_A_RATE);
		if (b->rate)
			m |= NFLB_BIT(NFLB_SVC_A_BURST);
	}
	return m;
}

/*
 * The options a new service S is created with: all but the timeouts at 0,
 * which are the kernel's default already (and a timeout of the other
 * protocol, even 0, is an error).
 */
static unsigned int new_options(const struct nflb_service *s)
{
	unsigned int m = LBADM_SVC_OPTS;

	if (!s->timeout_tcp)
		m &= ~NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP);
	if (!s->timeout_tcp_fin)
		m &= ~NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP_FIN);
	if (!s->timeout_udp)
		m &= ~NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP);
	if (!s->rate)
		m &= ~(NFLB_BIT(NFLB_SVC_A_RATE) | NFLB_BIT(NFLB_SVC_A_BURST));
	return m;
}

/* A request about SVC (its key and options, no backends) and maybe BE. */
static int sync_push(struct lbadm_plan *p, uint8_t cmd,
		     const struct nflb_service *svc, unsigned int opts,
		     const struct nflb_backend *be)
{
	struct lbadm_rop *r = plan_push(p, cmd, p->n + 1);

	if (!r)
		return -1;
	r->svc = *svc;
	r->svc.backends = NULL;
	r->svc.n_backends = 0;
	r->svc.present = opts;
	memset(&r->svc.stats, 0, sizeof(r->svc.stats));
	if (be) {
		r->be = *be;
		r->be.present &= NFLB_BIT(NFLB_BE_A_PORT) |
				 NFLB_BIT(NFLB_BE_A_WEIGHT) |
				 NFLB_BIT(NFLB_BE_A_STATE);
		memset(&r->be.stats, 0, sizeof(r->be.stats));
	}
	return 0;
}

/* The backends of HAVE and WANT, one service's, both sorted: merged. */
static int sync_backends(struct lbadm_plan *p, const struct nflb_service *have,
			 const struct nflb_service *want)
{
	const struct nflb_backend *h, *w;
	size_t i, j;
	int d;

	/* Deletions first: a table never holds both the old and new set. */
	for (i = 0, j = 0; i < have->n_backends; i++) {
		h = &have->backends[i];
		while (j < want->n_backends &&
		       nflb_backend_cmp(&want->backends[j], h) < 0)
			j++;
		if (j < want->n_backends &&
		    nflb_backend_cmp(&want->backends[j], h) == 0)
			continue;
		if (sync_push(p, NFLB_CMD_BACKEND_DEL, want, 0, h) < 0)
			return -1;
	}
	for (i = 0, j = 0; j < want->n_backends; j++) {
		w = &want->backends[j];
		d = 1;
		while (i < have->n_backends) {
			d = nflb_backend_cmp(&have->backends[i], w);
			if (d >= 0)
				break;
			i++;
		}
		if (d == 0) {
			h = &have->backends[i];
			if (h->weight == w->weight && h->state == w->state)
				continue;
			if (sync_push(p, NFLB_CMD_BACKEND_SET, want, 0, w) < 0)
				return -1;
			continue;
		}
		if (sync_push(p, NFLB_CMD_BACKEND_NEW, want, 0, w) < 0)
			return -1;
	}
	return 0;
}

int lbadm_plan_sync(struct lbadm_conf *have, struct lbadm_conf *want,
		    size_t max_per_msg, struct lbadm_plan *p)
{
	const struct nflb_service *h, *w;
	struct nflb_service svc;
	unsigned int opts;
	size_t i;

	memset(p, 0, sizeof(*p));
	lbadm_conf_sort_backends(have);
	lbadm_conf_sort_backends(want);
	if (!lbadm_offload_same(&have->offload, &want->offload) &&
	    plan_offload(p, &want->offload, 0) < 0)
		goto err;
	for (i = 0; i < have->n; i++) {
		h = have->v[i];
		if (!lbadm_conf_find(want, h) &&
		    sync_push(p, NFLB_CMD_SERVICE_DEL, h, 0, NULL) < 0)
			goto err;
	}
	for (i = 0; i < want->n; i++) {
		w = want->v[i];
		h = lbadm_conf_find(have, w);
		if (!h)
			continue;
		opts = options_differ(h, w);
		if (opts &&
		    sync_push(p, NFLB_CMD_SERVICE_SET, w, opts, NULL) < 0)
			goto err;
		if (sync_backends(p, h, w) < 0)
			goto err;
	}
	for (i = 0; i < want->n; i++) {
		w = want->v[i];
		if (lbadm_conf_find(have, w))
			continue;
		svc = *w;
		svc.present = new_options(w);
		memset(&svc.stats, 0, sizeof(svc.stats));
		if (plan_service(p, &svc, 0, w->backends, NULL,
				 w->n_backends, max_per_msg) < 0)
			goto err;
	}
	/* Tags: the index of each request, plus one. */
	for (i = 0; i < p->n; i++)
		p->rops[i].lineno = i + 1;
	return 0;
err:
	lbadm_plan_free(p);
	return -1;
}

char *lbadm_rop_describe(const struct lbadm_rop *rop, char *buf, size_t len)
{
	static const struct {
		const char *group, *op;
	} names[] = {
		[NFLB_CMD_SERVICE_NEW] = { "service", "add" },
		[NFLB_CMD_SERVICE_SET] = { "service", "set" },
		[NFLB_CMD_SERVICE_DEL] = { "service", "del" },
		[NFLB_CMD_BACKEND_NEW] = { "backend", "add" },
		[NFLB_CMD_BACKEND_SET] = { "backend", "set" },
		[NFLB_CMD_BACKEND_DEL] = { "backend", "del" },
		[NFLB_CMD_FLUSH] = { "flush", NULL },
	};
	struct lbadm_req req;
	size_t i, at;

	if (rop->cmd == NFLB_CMD_OFFLOAD_SET && rop->offload) {
		at = snprintf(buf, len, "offload%s",
			      rop->offload->n ? "" : " off");
		for (i = 0; i < rop->offload->n && at < len; i++)
			at += snprintf(buf + at, len - at, " dev %s",
				       rop->offload->name[i]);
		return buf;
	}
	memset(&req, 0, sizeof(req));
	if (rop->cmd >= sizeof(names) / sizeof(names[0]) ||
	    !names[rop->cmd].group) {
		snprintf(buf, len, "request %u", rop->cmd);
		return buf;
	}
	if (!names[rop->cmd].op) {
		snprintf(buf, len, "%s", names[rop->cmd].group);
		return buf;
	}
	req.group = names[rop->cmd].group;
	req.op_name = names[rop->cmd].op;
	req.has_key = true;
	req.svc = rop->svc;
	req.be = rop->be;
	return lbadm_describe(&req, buf, len);
}

void lbadm_rop_put(struct nlmsghdr *nlh, const struct lbadm_rop *rop)
{
	switch (rop->cmd) {
	case NFLB_CMD_SERVICE_NEW:
	case NFLB_CMD_SERVICE_SET:
	case NFLB_CMD_SERVICE_DEL:
		nflb_service_msg(nlh, rop->cmd, &rop->svc);
		break;
	case NFLB_CMD_BACKEND_NEW:
	case NFLB_CMD_BACKEND_SET:
	case NFLB_CMD_BACKEND_DEL:
		nflb_backend_msg(nlh, rop->cmd, &rop->svc, &rop->be,
				 rop->flush);
		break;
	case NFLB_CMD_OFFLOAD_SET:
		nflb_offload_msg(nlh, rop->offload->ifindex, rop->offload->n);
		break;
	default:
		break;	/* FLUSH: no attribute */
	}
}
