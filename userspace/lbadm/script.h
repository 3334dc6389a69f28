/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A restore file (script.c): its lines parsed with lbadm's own argument
 * parsers (lbadm_script_parse()), then applied in order to a model of the
 * configuration (lbadm_script_check()), every line that would fail
 * reported as "FILE:LINE: message".  Pure functions: no netlink I/O.
 */
#ifndef LBADM_SCRIPT_H
#define LBADM_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "parse.h"

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
	LBADM_LINE_OFFLOAD,
};

struct lbadm_line {
	unsigned int lineno;
	enum lbadm_line_kind kind;
	struct lbadm_req req;		/* service and backend lines */
	/*
	 * Offload lines ("offload dev A dev B", "offload off"): the names,
	 * their ifindexes filled in by lbadm_script_check().
	 */
	struct lbadm_offload *offload;
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

/*
 * What the model checks without asking the kernel: table size bounds, and
 * offload devices by DEV (NULL: nflb_offload_dev(), this netns' devices).
 */
struct lbadm_limits {
	uint32_t table_min, table_max;
	int (*dev)(const char *name, uint32_t *ifindex, char *msg,
		   size_t len);
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

#endif /* LBADM_SCRIPT_H */
