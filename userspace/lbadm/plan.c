// SPDX-License-Identifier: GPL-2.0
/*
 * Request plans (plan.h): what a checked restore file sends, in order and
 * coalesced, and the rollback that re-creates a configuration.
 */

#include <stdlib.h>
#include <string.h>

#include "plan.h"

void lbadm_plan_free(struct lbadm_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		nflb_service_free(&p->rops[i].svc);
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
	return 0;
err:
	lbadm_plan_free(p);
	return -1;
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
	default:
		break;	/* FLUSH: no attribute */
	}
}
