// SPDX-License-Identifier: GPL-2.0
/*
 * Restore files (script.h): parsed line by line with lbadm's own argument
 * parsers, then checked against a model of the configuration, with every
 * error reported by line.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"

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
	struct lbadm_error *m;
	char buf[512];
	size_t len;
	va_list ap;

	len = snprintf(buf, sizeof(buf), "%s:%u: ", file, line);
	va_start(ap, fmt);
	vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	/* Out of memory: the count of errors still says it failed. */
	m = NFLB_ARRAY_PUSH(e->v, e->n, e->cap);
	if (!m)
		return;
	m->line = line;
	m->msg = strdup(buf);
	if (!m->msg)
		e->n--;
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

/* Parsing */

void lbadm_script_free(struct lbadm_script *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->lines[i].offload);
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
	struct lbadm_line *p = NFLB_ARRAY_PUSH(s->lines, s->n, s->cap);

	if (!p)
		return -1;
	*p = *l;
	return 0;
}

/* "offload dev A dev B" or "offload off". */
static int parse_offload(int argc, char **argv, struct lbadm_line *l,
			 struct lbadm_perr *e)
{
	struct lbadm_offload_req req;
	size_t i;

	if (lbadm_parse_offload_args(argc - 1, argv + 1, &req, e) < 0)
		return -1;
	if (req.show) {
		snprintf(e->msg, sizeof(e->msg),
			 "\"offload%s\" does not change the configuration: only \"offload dev NAME...\" and \"offload off\" in a restore file",
			 argc > 1 ? " show" : "");
		return -1;
	}
	l->kind = LBADM_LINE_OFFLOAD;
	l->offload = calloc(1, sizeof(*l->offload));
	if (!l->offload) {
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		return -1;
	}
	l->offload->n = req.n;
	for (i = 0; i < req.n; i++)
		memcpy(l->offload->name[i], req.dev[i], IF_NAMESIZE);
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
	if (strcmp(argv[0], "offload") == 0)
		return parse_offload(argc, argv, l, e);
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
			 "unknown command \"%s\" (service, backend, offload or flush)",
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
			free(l.offload);
			free(line);
			return -1;
		}
		/* The request keeps no pointer into the words. */
		free(line);
	}
	return nerr;
}

/* Checking a script against a model */

static void apply_opts(struct nflb_service *dst,
		       const struct nflb_service *src)
{
	static const unsigned int opts[] = {
		NFLB_SVC_A_TABLE_SIZE, NFLB_SVC_A_HASH, NFLB_SVC_A_SEED,
		NFLB_SVC_A_SNAT, NFLB_SVC_A_TIMEOUT_TCP,
		NFLB_SVC_A_TIMEOUT_TCP_FIN, NFLB_SVC_A_TIMEOUT_UDP,
		NFLB_SVC_A_FORWARD, NFLB_SVC_A_RATE, NFLB_SVC_A_BURST,
		NFLB_SVC_A_SYNPROXY,
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
	/* As the kernel: snat alone masquerades, snat ADDRESS binds it. */
	if (NFLB_HAS(src, NFLB_SVC_A_SNAT)) {
		dst->snat = src->snat;
		dst->present &= ~NFLB_BIT(NFLB_SVC_A_SNAT_ADDR);
	}
	if (NFLB_HAS(src, NFLB_SVC_A_SNAT_ADDR)) {
		dst->snat_addr = src->snat_addr;
		NFLB_SET(dst, NFLB_SVC_A_SNAT_ADDR);
	}
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_TCP))
		dst->timeout_tcp = src->timeout_tcp;
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_TCP_FIN))
		dst->timeout_tcp_fin = src->timeout_tcp_fin;
	if (NFLB_HAS(src, NFLB_SVC_A_TIMEOUT_UDP))
		dst->timeout_udp = src->timeout_udp;
	if (NFLB_HAS(src, NFLB_SVC_A_FORWARD))
		dst->forward = src->forward;
	/* As the kernel: a rate alone takes a burst of its own value. */
	if (NFLB_HAS(src, NFLB_SVC_A_RATE)) {
		dst->rate = src->rate;
		dst->burst = src->rate;
	}
	if (NFLB_HAS(src, NFLB_SVC_A_BURST))
		dst->burst = src->burst;
	if (!dst->rate) {
		dst->burst = 0;
		dst->present &= ~(NFLB_BIT(NFLB_SVC_A_RATE) |
				  NFLB_BIT(NFLB_SVC_A_BURST));
	}
	if (NFLB_HAS(src, NFLB_SVC_A_SYNPROXY))
		dst->synproxy = src->synproxy;
}

/*
 * The request's description, for its error messages only: formatting it
 * for every line was lbadm's largest cost in a profile of a 110,000-line
 * restore (snprintf and inet_ntop, 4% of the VM's samples).
 */
#define WHAT(r, buf) lbadm_describe(r, buf, sizeof(buf))

static int check_service(const char *file, const struct lbadm_line *l,
			 struct lbadm_conf *model,
			 const struct lbadm_limits *lim,
			 struct lbadm_errors *err)
{
	const struct lbadm_req *r = &l->req;
	char what[256];
	struct nflb_service *svc = lbadm_conf_find(model, &r->svc);
	struct nflb_service ns;

	if (NFLB_HAS(&r->svc, NFLB_SVC_A_TABLE_SIZE) &&
	    (r->svc.table_size < lim->table_min ||
	     r->svc.table_size > lim->table_max ||
	     !nflb_is_prime(r->svc.table_size))) {
		lbadm_errors_add(err, file, l->lineno,
				 "%s: table-size %u is not a prime in %u..%u",
				 WHAT(r, what), r->svc.table_size, lim->table_min,
				 lim->table_max);
		return 1;
	}
	switch (r->op) {
	case LBADM_OP_ADD:
		if (svc) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: service already exists",
					 WHAT(r, what));
			return 1;
		}
		ns = r->svc;
		ns.n_backends = 0;
		ns.backends = NULL;
		ns.present = 0;
		apply_opts(&ns, &r->svc);
		ns.present |= r->svc.present & ~(NFLB_BIT(NFLB_SVC_A_RATE) |
						 NFLB_BIT(NFLB_SVC_A_BURST));
		return lbadm_conf_add(model, &ns) < 0 ? -1 : 0;
	case LBADM_OP_SET:
		if (!svc)
			break;
		if (NFLB_HAS(&r->svc, NFLB_SVC_A_BURST) &&
		    !NFLB_HAS(&r->svc, NFLB_SVC_A_RATE) && !svc->rate) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: burst without a rate",
					 WHAT(r, what));
			return 1;
		}
		apply_opts(svc, &r->svc);
		return 0;
	default:
		if (!svc)
			break;
		lbadm_conf_del(model, svc);
		return 0;
	}
	lbadm_errors_add(err, file, l->lineno, "%s: no such service",
			 WHAT(r, what));
	return 1;
}

static int check_backend(const char *file, const struct lbadm_line *l,
			 struct lbadm_conf *model, struct lbadm_errors *err)
{
	const struct lbadm_req *r = &l->req;
	struct nflb_service *svc = lbadm_conf_find(model, &r->svc);
	const struct nflb_backend *key = &r->be;
	struct nflb_backend *be;
	char what[256];

	if (!svc) {
		lbadm_errors_add(err, file, l->lineno, "%s: no such service",
				 WHAT(r, what));
		return 1;
	}
	be = lbadm_conf_backend(svc, key);
	switch (r->op) {
	case LBADM_OP_ADD:
		if (be) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: backend already exists",
					 WHAT(r, what));
			return 1;
		}
		if (svc->n_backends >= 65535) {
			lbadm_errors_add(err, file, l->lineno,
					 "%s: too many backends for one service",
					 WHAT(r, what));
			return 1;
		}
		return lbadm_conf_add_backend(svc, key) < 0 ? -1 : 0;
	case LBADM_OP_SET:
		if (!be)
			break;
		if (NFLB_HAS(key, NFLB_BE_A_WEIGHT)) {
			be->weight = key->weight;
			NFLB_SET(be, NFLB_BE_A_WEIGHT);
		}
		if (NFLB_HAS(key, NFLB_BE_A_STATE)) {
			be->state = key->state;
			NFLB_SET(be, NFLB_BE_A_STATE);
		}
		return 0;
	default:
		if (!be)
			break;
		lbadm_conf_del_backend(svc, be);
		return 0;
	}
	lbadm_errors_add(err, file, l->lineno, "%s: no such backend",
			 WHAT(r, what));
	return 1;
}

/*
 * An offload line: its devices resolved (into the line, for the plan) and
 * checked as the kernel will, then the model's devices.
 */
static int check_offload(const char *file, const struct lbadm_line *l,
			 struct lbadm_conf *model,
			 const struct lbadm_limits *lim,
			 struct lbadm_errors *err)
{
	struct lbadm_offload *off = l->offload;
	char msg[256];
	size_t i, j;
	int ret = 0;

	for (i = 0; i < off->n; i++) {
		if ((lim->dev ? lim->dev : nflb_offload_dev)(off->name[i],
				&off->ifindex[i], msg, sizeof(msg)) < 0) {
			lbadm_errors_add(err, file, l->lineno, "offload: %s",
					 msg);
			ret = 1;
			continue;
		}
		/* Two names of one device (an altname): the kernel says no. */
		for (j = 0; j < i; j++) {
			if (off->ifindex[j] == off->ifindex[i]) {
				lbadm_errors_add(err, file, l->lineno,
						 "offload: \"%s\" and \"%s\" are the same device",
						 off->name[j], off->name[i]);
				ret = 1;
			}
		}
	}
	if (!ret)
		model->offload = *off;
	return ret;
}

int lbadm_script_check(const char *file, const struct lbadm_script *s,
		       struct lbadm_conf *model,
		       const struct lbadm_limits *lim,
		       struct lbadm_errors *err)
{
	const struct lbadm_line *l;
	int nerr = 0, ret;
	size_t i;

	for (i = 0; i < s->n; i++) {
		l = &s->lines[i];
		switch (l->kind) {
		case LBADM_LINE_FLUSH:
			lbadm_conf_clear(model);
			ret = 0;
			break;
		case LBADM_LINE_OFFLOAD:
			ret = check_offload(file, l, model, lim, err);
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
