// SPDX-License-Identifier: GPL-2.0
/*
 * Configurations as data (see conf.h): the model behind lbadm save and
 * restore, the restore file's parser and checker, and the request plan.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "conf.h"

/* Configurations */

void lbadm_conf_init(struct lbadm_conf *c)
{
	memset(c, 0, sizeof(*c));
}

void lbadm_conf_free(struct lbadm_conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		nflb_service_free(&c->svcs[i]);
	free(c->svcs);
	free(c->live);
	free(c->index);
	memset(c, 0, sizeof(*c));
}

static bool same_key(const struct nflb_service *a,
		     const struct nflb_service *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       a->port == b->port &&
	       memcmp(&a->addr, &b->addr, nflb_addr_len(a->family)) == 0;
}

static uint64_t key_hash(const struct nflb_service *s)
{
	uint64_t h = NFLB_FNV1A64_INIT;

	h = nflb_fnv1a64(h, &s->family, sizeof(s->family));
	h = nflb_fnv1a64(h, &s->proto, sizeof(s->proto));
	h = nflb_fnv1a64(h, &s->addr, nflb_addr_len(s->family));
	return nflb_fnv1a64(h, &s->port, sizeof(s->port));
}

/* The index slot of KEY: where it is, or the empty slot ending the probe. */
static size_t index_slot(const struct lbadm_conf *c,
			 const struct nflb_service *key)
{
	size_t mask = c->index_cap - 1;
	size_t i = key_hash(key) & mask;

	while (c->index[i] && !same_key(&c->svcs[c->index[i] - 1], key))
		i = (i + 1) & mask;
	return i;
}

static int index_grow(struct lbadm_conf *c)
{
	size_t *old = c->index, old_cap = c->index_cap, i;

	c->index_cap = old_cap ? 2 * old_cap : 64;
	c->index = calloc(c->index_cap, sizeof(*c->index));
	if (!c->index) {
		c->index = old;
		c->index_cap = old_cap;
		return -1;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i])
			c->index[index_slot(c, &c->svcs[old[i] - 1])] = old[i];
	free(old);
	return 0;
}

struct nflb_service *lbadm_conf_find(const struct lbadm_conf *c,
				     const struct nflb_service *key)
{
	size_t i;

	if (!c->index_cap)
		return NULL;
	i = index_slot(c, key);
	if (!c->index[i] || !c->live[c->index[i] - 1])
		return NULL;
	return &c->svcs[c->index[i] - 1];
}

/*
 * Backends as the kernel names them: port always set (a backend without
 * one takes the service's port).
 */
static void be_normalize(const struct nflb_service *svc,
			 struct nflb_backend *be)
{
	if (!NFLB_HAS(be, NFLB_BE_A_PORT))
		be->port = svc->port;
	NFLB_SET(be, NFLB_BE_A_PORT);
}

int lbadm_conf_add(struct lbadm_conf *c, const struct nflb_service *svc)
{
	struct nflb_backend *bes = NULL;
	struct nflb_service *s;
	size_t i, slot, cap;
	void *p;

	if (c->index_cap == 0 || 2 * (c->n + 1) > c->index_cap) {
		if (index_grow(c) < 0)
			return -1;
	}
	slot = index_slot(c, svc);
	if (svc->n_backends) {
		/* A power of two at least: check_backend() grows it so. */
		for (cap = 4; cap < svc->n_backends; cap *= 2)
			;
		bes = malloc(cap * sizeof(*bes));
		if (!bes)
			return -1;
		memcpy(bes, svc->backends, svc->n_backends * sizeof(*bes));
		for (i = 0; i < svc->n_backends; i++)
			be_normalize(svc, &bes[i]);
	}
	if (c->index[slot]) {
		/* A deleted service of that key: its slot is reused. */
		s = &c->svcs[c->index[slot] - 1];
		nflb_service_free(s);
		c->live[c->index[slot] - 1] = true;
	} else {
		if (c->n == c->cap) {
			cap = c->cap ? 2 * c->cap : 16;
			p = realloc(c->svcs, cap * sizeof(*c->svcs));
			if (!p)
				goto err;
			c->svcs = p;
			p = realloc(c->live, cap * sizeof(*c->live));
			if (!p)
				goto err;
			c->live = p;
			c->cap = cap;
		}
		s = &c->svcs[c->n];
		c->live[c->n] = true;
		c->index[slot] = ++c->n;
	}
	*s = *svc;
	s->backends = bes;
	return 0;
err:
	free(bes);
	return -1;
}

static int addr_cmp(uint16_t family, const union nflb_inaddr *a,
		    const union nflb_inaddr *b)
{
	return memcmp(a, b, nflb_addr_len(family));
}

static int svc_cmp(const void *x, const void *y)
{
	const struct nflb_service *a = *(struct nflb_service *const *)x;
	const struct nflb_service *b = *(struct nflb_service *const *)y;
	int d;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	d = addr_cmp(a->family, &a->addr, &b->addr);
	if (d)
		return d;
	return (int)a->port - (int)b->port;
}

static int be_cmp(const void *x, const void *y)
{
	const struct nflb_backend *a = x, *b = y;
	int d;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	d = addr_cmp(a->family, &a->addr, &b->addr);
	if (d)
		return d;
	return (int)a->port - (int)b->port;
}

size_t lbadm_conf_sorted(struct lbadm_conf *c, struct nflb_service ***out)
{
	struct nflb_service **v;
	size_t i, n = 0;

	v = malloc((c->n ? c->n : 1) * sizeof(*v));
	if (!v) {
		*out = NULL;
		return (size_t)-1;
	}
	for (i = 0; i < c->n; i++) {
		if (!c->live[i])
			continue;
		if (c->svcs[i].n_backends)
			qsort(c->svcs[i].backends, c->svcs[i].n_backends,
			      sizeof(*c->svcs[i].backends), be_cmp);
		v[n++] = &c->svcs[i];
	}
	qsort(v, n, sizeof(*v), svc_cmp);
	*out = v;
	return n;
}

/* Save */

static const char *name_or_num(const char *name, unsigned int v, char *buf,
			       size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%u", v);
	return buf;
}

int lbadm_save_write(FILE *f, struct lbadm_conf *c)
{
	char vip[NFLB_ADDRSTRLEN], addr[NFLB_ADDRSTRLEN], num[16];
	struct nflb_service **v, *s;
	const struct nflb_backend *be;
	const char *proto;
	size_t n, i, j;

	n = lbadm_conf_sorted(c, &v);
	if (n == (size_t)-1)
		return -1;
	for (i = 0; i < n; i++) {
		s = v[i];
		proto = name_or_num(nflb_proto_name(s->proto), s->proto, num,
				    sizeof(num));
		nflb_addr_format(s->family, &s->addr, true, s->port, vip,
				 sizeof(vip));
		fprintf(f, "service add %s %s", proto, vip);
		/* Every option, so that another node builds the same table. */
		if (NFLB_HAS(s, NFLB_SVC_A_TABLE_SIZE))
			fprintf(f, " table-size %u", s->table_size);
		if (NFLB_HAS(s, NFLB_SVC_A_HASH))
			fprintf(f, " hash %s",
				name_or_num(nflb_hash_name(s->hash), s->hash,
					    num, sizeof(num)));
		if (NFLB_HAS(s, NFLB_SVC_A_SEED))
			fprintf(f, " seed %llu", (unsigned long long)s->seed);
		if (NFLB_HAS(s, NFLB_SVC_A_SNAT) && s->snat)
			fputs(" snat", f);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP))
			fprintf(f, " timeout-tcp %u", s->timeout_tcp);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP_FIN))
			fprintf(f, " timeout-tcp-fin %u", s->timeout_tcp_fin);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_UDP))
			fprintf(f, " timeout-udp %u", s->timeout_udp);
		fputc('\n', f);
		proto = name_or_num(nflb_proto_name(s->proto), s->proto, num,
				    sizeof(num));
		for (j = 0; j < s->n_backends; j++) {
			be = &s->backends[j];
			/* An all-ports service's backends take no port. */
			nflb_addr_format(be->family, &be->addr, s->port != 0,
					 be->port, addr, sizeof(addr));
			fprintf(f, "backend add %s %s %s", proto, vip, addr);
			if (NFLB_HAS(be, NFLB_BE_A_WEIGHT))
				fprintf(f, " weight %u", be->weight);
			if (NFLB_HAS(be, NFLB_BE_A_STATE))
				fprintf(f, " state %s",
					name_or_num(nflb_state_name(be->state),
						    be->state, num,
						    sizeof(num)));
			fputc('\n', f);
		}
	}
	free(v);
	return ferror(f) ? -1 : 0;
}

/* Errors */

void lbadm_errors_free(struct lbadm_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].msg);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

void lbadm_errors_add(struct lbadm_errors *e, const char *file,
		      unsigned int line, const char *fmt, ...)
{
	char buf[512];
	size_t len;
	va_list ap;
	void *p;

	len = snprintf(buf, sizeof(buf), "%s:%u: ", file, line);
	va_start(ap, fmt);
	vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (e->n == e->cap) {
		p = realloc(e->v, (e->cap ? 2 * e->cap : 16) * sizeof(*e->v));
		if (!p)
			return;	/* the count of errors still says it failed */
		e->v = p;
		e->cap = e->cap ? 2 * e->cap : 16;
	}
	e->v[e->n].line = line;
	e->v[e->n].msg = strdup(buf);
	if (e->v[e->n].msg)
		e->n++;
}

void lbadm_errors_sort(struct lbadm_errors *e)
{
	struct lbadm_error t;
	size_t i, j;

	/* Insertion sort: stable, and the input is two sorted runs. */
	for (i = 1; i < e->n; i++) {
		t = e->v[i];
		for (j = i; j > 0 && e->v[j - 1].line > t.line; j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = t;
	}
}

/* Scripts */

void lbadm_script_free(struct lbadm_script *s)
{
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

#define MAX_WORDS 64

/*
 * Split LINE (changed in place) on blanks into WORDS; a word starting with
 * '#' starts a comment.  Returns the number of words, -1 if too many.
 */
static int split_words(char *line, char **words)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int script_push(struct lbadm_script *s, const struct lbadm_line *l)
{
	void *p;

	if (s->n == s->cap) {
		p = realloc(s->lines, (s->cap ? 2 * s->cap : 64) *
				      sizeof(*s->lines));
		if (!p)
			return -1;
		s->lines = p;
		s->cap = s->cap ? 2 * s->cap : 64;
	}
	s->lines[s->n++] = *l;
	return 0;
}

/* Parse one line's words; an error message in E. */
static int parse_line(int argc, char **argv, struct lbadm_line *l,
		      struct lbadm_perr *e)
{
	if (strcmp(argv[0], "flush") == 0) {
		if (argc > 1) {
			snprintf(e->msg, sizeof(e->msg),
				 "flush: unexpected argument \"%s\"", argv[1]);
			return -1;
		}
		l->kind = LBADM_LINE_FLUSH;
		return 0;
	}
	if (strcmp(argv[0], "service") == 0) {
		l->kind = LBADM_LINE_SERVICE;
		if (lbadm_parse_service_args(argc - 1, argv + 1, &l->req,
					     e) < 0)
			return -1;
	} else if (strcmp(argv[0], "backend") == 0) {
		l->kind = LBADM_LINE_BACKEND;
		if (lbadm_parse_backend_args(argc - 1, argv + 1, &l->req,
					     e) < 0)
			return -1;
	} else {
		snprintf(e->msg, sizeof(e->msg),
			 "unknown command \"%s\" (service, backend or flush)",
			 argv[0]);
		return -1;
	}
	if (l->req.op != LBADM_OP_ADD && l->req.op != LBADM_OP_SET &&
	    l->req.op != LBADM_OP_DEL) {
		snprintf(e->msg, sizeof(e->msg),
			 "\"%s %s\" does not change the configuration: only add, set and del in a restore file",
			 argv[0], argv[1]);
		return -1;
	}
	return 0;
}

int lbadm_script_parse(const char *file, const char *text,
		       struct lbadm_script *s, struct lbadm_errors *err)
{
	char *words[MAX_WORDS];
	unsigned int lineno = 0;
	const char *p = text, *eol;
	struct lbadm_perr e;
	struct lbadm_line l;
	int nerr = 0, argc;
	char *line;
	size_t len;

	memset(s, 0, sizeof(*s));
	while (*p) {
		eol = strchrnul(p, '\n');
		len = eol - p;
		lineno++;
		line = strndup(p, len);
		if (!line)
			return -1;
		p = *eol ? eol + 1 : eol;
		argc = split_words(line, words);
		if (argc == 0) {
			free(line);
			continue;
		}
		memset(&l, 0, sizeof(l));
		l.lineno = lineno;
		if (argc < 0) {
			lbadm_errors_add(err, file, lineno,
					 "too many words (at most %d)",
					 MAX_WORDS);
			nerr++;
		} else if (parse_line(argc, words, &l, &e) < 0) {
			lbadm_errors_add(err, file, lineno, "%s", e.msg);
			nerr++;
		} else if (script_push(s, &l) < 0) {
			free(line);
			return -1;
		}
		/* The request keeps no pointer into the words. */
		free(line);
	}
	return nerr;
}

/* Checking a script against a model */

static struct nflb_backend *be_find(struct nflb_service *svc,
				    const struct nflb_backend *key)
{
	size_t i;

	for (i = 0; i < svc->n_backends; i++)
		if (svc->backends[i].port == key->port &&
		    !addr_cmp(svc->family, &svc->backends[i].addr,
			      &key->addr))
			return &svc->backends[i];
	return NULL;
}

static void apply_opts(struct nflb_service *dst,
		       const struct nflb_service *src)
{
	static const unsigned int opts[] = {
		NFLB_SVC_A_TABLE_SIZE, NFLB_SVC_A_HASH, NFLB_SVC_A_SEED,
		NFLB_SVC_A_SNAT, NFLB_SVC_A_TIMEOUT_TCP,
		NFLB_SVC_A_TIMEOUT_TCP_FIN, NFLB_SVC_A_TIMEOUT_UDP,
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (NFLB_HAS(src, opts[i]))
			NFLB_SET(dst, opts[i]);
	if (NFLB_HAS(src, NFLB_SVC_A_TABLE_SIZE))
		dst->table_size = src->table_size;
	if (NFLB_HAS(src, NFLB_SVC_A_HASH))
		dst->hash = src->hash;
	if (NFLB_HAS(src, NFLB_SVC_A_SEED))
		dst->seed = src->seed;
	if (NFLB_HAS(src, NFLB_SVC_A_SNAT))
		dst->snat = src->snat;
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_TCP))
		dst->timeout_tcp = src->timeout_tcp;
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_TCP_FIN))
		dst->timeout_tcp_fin = src->timeout_tcp_fin;
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_UDP))
		dst->timeout_udp = src->timeout_udp;
}

static int check_service(const char *file, const struct lbadm_line *l,
			 struct lbadm_conf *model,
			 const struct lbadm_limits *lim,
			 struct lbadm_errors *err)
{
	const struct lbadm_req *r = &l->req;
	char what[256];
	struct nflb_service *svc = lbadm_conf_find(model, &r->svc);
	struct nflb_service ns;

	lbadm_describe(r, what, sizeof(what));
	if (NFLB_HAS(&r->svc, NFLB_SVC_A_TABLE_SIZE) &&
	    (r->svc.table_size < lim->table_min ||
	     r->svc.table_size > lim->table_max ||
	     !nflb_is_prime(r->svc.table_size))) {
		lbadm_errors_add(err, file, l->lineno,
				 "%s: table-size %u is not a prime in %u..%u",
				 what, r->svc.table_size, lim->table_min,
				 lim->table_max);
		return 1;
	}
	switch (r->op) {
	case LBADM_OP_ADD:
		if (svc) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: service already exists", what);
			return 1;
		}
		ns = r->svc;
		ns.n_backends = 0;
		ns.backends = NULL;
		return lbadm_conf_add(model, &ns) < 0 ? -1 : 0;
	case LBADM_OP_SET:
		if (!svc)
			break;
		apply_opts(svc, &r->svc);
		return 0;
	default:
		if (!svc)
			break;
		model->live[svc - model->svcs] = false;
		nflb_service_free(svc);
		return 0;
	}
	lbadm_errors_add(err, file, l->lineno, "%s: no such service", what);
	return 1;
}

static int check_backend(const char *file, const struct lbadm_line *l,
			 struct lbadm_conf *model, struct lbadm_errors *err)
{
	const struct lbadm_req *r = &l->req;
	struct nflb_service *svc = lbadm_conf_find(model, &r->svc);
	struct nflb_backend key = r->be, *be;
	char what[256];
	void *p;

	lbadm_describe(r, what, sizeof(what));
	if (!svc) {
		lbadm_errors_add(err, file, l->lineno, "%s: no such service",
				 what);
		return 1;
	}
	be_normalize(svc, &key);
	be = be_find(svc, &key);
	switch (r->op) {
	case LBADM_OP_ADD:
		if (be) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: backend already exists", what);
			return 1;
		}
		if (svc->n_backends >= 65535) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: too many backends for one service",
					 what);
			return 1;
		}
		/*
		 * The array holds the next power of two (at least 4) of
		 * n_backends: full when n_backends is a power of two.
		 */
		if ((svc->n_backends & (svc->n_backends - 1)) == 0) {
			p = realloc(svc->backends,
				    (svc->n_backends ? 2 * svc->n_backends : 4) *
				    sizeof(*svc->backends));
			if (!p)
				return -1;
			svc->backends = p;
		}
		svc->backends[svc->n_backends++] = key;
		return 0;
	case LBADM_OP_SET:
		if (!be)
			break;
		if (NFLB_HAS(&key, NFLB_BE_A_WEIGHT)) {
			be->weight = key.weight;
			NFLB_SET(be, NFLB_BE_A_WEIGHT);
		}
		if (NFLB_HAS(&key, NFLB_BE_A_STATE)) {
			be->state = key.state;
			NFLB_SET(be, NFLB_BE_A_STATE);
		}
		return 0;
	default:
		if (!be)
			break;
		*be = svc->backends[--svc->n_backends];
		return 0;
	}
	lbadm_errors_add(err, file, l->lineno, "%s: no such backend", what);
	return 1;
}

int lbadm_script_check(const char *file, const struct lbadm_script *s,
		       struct lbadm_conf *model,
		       const struct lbadm_limits *lim,
		       struct lbadm_errors *err)
{
	const struct lbadm_line *l;
	int nerr = 0, ret;
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		l = &s->lines[i];
		switch (l->kind) {
		case LBADM_LINE_FLUSH:
			for (j = 0; j < model->n; j++) {
				if (!model->live[j])
					continue;
				model->live[j] = false;
				nflb_service_free(&model->svcs[j]);
			}
			ret = 0;
			break;
		case LBADM_LINE_SERVICE:
			ret = check_service(file, l, model, lim, err);
			break;
		default:
			ret = check_backend(file, l, model, err);
			break;
		}
		if (ret < 0)
			return -1;
		nerr += ret;
	}
	return nerr;
}

/* Plans */

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
	struct lbadm_rop *r;
	void *v;

	if (p->n == p->cap) {
		v = realloc(p->rops, (p->cap ? 2 * p->cap : 64) *
				     sizeof(*p->rops));
		if (!v)
			return NULL;
		p->rops = v;
		p->cap = p->cap ? 2 * p->cap : 64;
	}
	r = &p->rops[p->n++];
	memset(r, 0, sizeof(*r));
	r->cmd = cmd;
	r->lineno = lineno;
	return r;
}

/* A backend line that can join service SVC's SERVICE_NEW. */
static bool joins(const struct lbadm_line *l, const struct nflb_service *svc)
{
	return l->kind == LBADM_LINE_BACKEND && l->req.op == LBADM_OP_ADD &&
	       same_key(&l->req.svc, svc);
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
	struct nflb_service **v;
	size_t n, i;

	memset(p, 0, sizeof(*p));
	n = lbadm_conf_sorted(c, &v);
	if (n == (size_t)-1)
		return -1;
	if (!plan_push(p, NFLB_CMD_FLUSH, 0))
		goto err;
	for (i = 0; i < n; i++)
		if (plan_service(p, v[i], 0, v[i]->backends, NULL,
				 v[i]->n_backends, max_per_msg) < 0)
			goto err;
	free(v);
	return 0;
err:
	free(v);
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
