/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A configuration as data, for lbadm save and restore: pure functions (no
 * netlink I/O) so that the host unit tests cover them.
 *
 *   - struct lbadm_conf: services with their backends, as dumped from the
 *     kernel, and the model a restore file is checked against.
 *   - lbadm_save_write(): the configuration as lbadm commands, sorted.
 *   - lbadm_script_parse(): a restore file's lines, parsed with lbadm's own
 *     argument parsers; lbadm_script_check(): applies them, in order, to a
 *     model of the configuration, reporting every line that would fail.
 *   - lbadm_plan_*(): the requests that carry out a script or re-create a
 *     configuration (SERVICE_NEW with its backends, coalesced).
 */
#ifndef LBADM_CONF_H
#define LBADM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nflbnl.h"
#include "parse.h"

/* Services (each owning its backends array); an index finds them by key. */
struct lbadm_conf {
	struct nflb_service *svcs;
	bool *live;		/* false: deleted (the slot is reused) */
	size_t n, cap;
	size_t *index;		/* open addressing, slot + 1, 0 = empty */
	size_t index_cap;
};

void lbadm_conf_init(struct lbadm_conf *c);
void lbadm_conf_free(struct lbadm_conf *c);
/* Add a copy of SVC and of its backends (a dump's service).  0 or -1. */
int lbadm_conf_add(struct lbadm_conf *c, const struct nflb_service *svc);
/* The live service with SVC's key, or NULL. */
struct nflb_service *lbadm_conf_find(const struct lbadm_conf *c,
				     const struct nflb_service *key);
/* Live services, sorted (family, proto, address, port), backends too. */
size_t lbadm_conf_sorted(struct lbadm_conf *c, struct nflb_service ***out);

/*
 * The kernel's configuration into C (initialised here; free it after).
 * 0, or -1 with the error in nflb_nl_error().  In save.c (netlink).
 */
int lbadm_conf_dump(struct nflb_nl *nl, struct lbadm_conf *c);

/* The configuration as lbadm commands, one a line.  0, or -1 (errno). */
int lbadm_save_write(FILE *f, struct lbadm_conf *c);

/* Error messages of a file, "FILE:LINE: message" each. */
struct lbadm_error {
	unsigned int line;
	char *msg;
};

struct lbadm_errors {
	struct lbadm_error *v;
	size_t n, cap;
};

void lbadm_errors_free(struct lbadm_errors *e);
/* In line order (stable: a line's errors in the order they came). */
void lbadm_errors_sort(struct lbadm_errors *e);
void lbadm_errors_add(struct lbadm_errors *e, const char *file,
		      unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum lbadm_line_kind {
	LBADM_LINE_SERVICE,
	LBADM_LINE_BACKEND,
	LBADM_LINE_FLUSH,
};

struct lbadm_line {
	unsigned int lineno;
	enum lbadm_line_kind kind;
	struct lbadm_req req;		/* service and backend lines */
};

struct lbadm_script {
	struct lbadm_line *lines;
	size_t n, cap;
};

void lbadm_script_free(struct lbadm_script *s);

/*
 * Parse TEXT (a whole restore file, NUL-terminated) named FILE into S.
 * Every bad line adds an error.  Returns the number of errors, or -1 on
 * allocation failure.
 */
int lbadm_script_parse(const char *file, const char *text,
		       struct lbadm_script *s, struct lbadm_errors *err);

/* What the model checks without asking the kernel: table size bounds. */
struct lbadm_limits {
	uint32_t table_min, table_max;
};

/*
 * Apply S to MODEL (changed in place: it ends as the configuration the
 * script leaves), reporting every line that would fail.  Returns the
 * number of errors, or -1 on allocation failure.
 */
int lbadm_script_check(const char *file, const struct lbadm_script *s,
		       struct lbadm_conf *model,
		       const struct lbadm_limits *lim,
		       struct lbadm_errors *err);

/* A request: what a line (or several, coalesced) sends. */
struct lbadm_rop {
	uint8_t cmd;			/* NFLB_CMD_* */
	unsigned int lineno;		/* tag: the line it comes from */
	struct nflb_service svc;	/* SERVICE_NEW: backends owned */
	struct nflb_backend be;
	bool flush;			/* BACKEND_DEL ... flush */
};

struct lbadm_plan {
	struct lbadm_rop *rops;
	size_t n, cap;
};

void lbadm_plan_free(struct lbadm_plan *p);
/*
 * The requests of S, in order: a "service add" and the "backend add" lines
 * of that service right after it become one SERVICE_NEW (up to
 * MAX_PER_MSG backends, the rest BACKEND_NEW).  0 or -1.
 */
int lbadm_plan_script(const struct lbadm_script *s, size_t max_per_msg,
		      struct lbadm_plan *p);
/* FLUSH, then the requests re-creating C (rollback).  0 or -1. */
int lbadm_plan_conf(struct lbadm_conf *c, size_t max_per_msg,
		    struct lbadm_plan *p);
/* Add ROP's attributes to NLH (started for ROP->cmd). */
void lbadm_rop_put(struct nlmsghdr *nlh, const struct lbadm_rop *rop);

#endif /* LBADM_CONF_H */
