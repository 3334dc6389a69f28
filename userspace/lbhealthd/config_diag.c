// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: its diagnostics.  Errors are held and passed
 * on sorted by file and line as "FILE:LINE: KEY: message" (FILE as the
 * user can open it, an included one with its directory); an unknown key
 * gets a "did you mean" when a known one is within two edits of it.
 */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

void cfg_report(struct hc_ctx *c, const config_setting_t *s,
		const char *key, const char *fmt, ...)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned int line = s ? config_setting_source_line(s) : 0;
	struct hc_msg *m;
	char msg[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s)
		cfg_int_reported(s);
	file = cfg_shown_name(c, file);
	c->n_err++;
	if (NFLB_ARRAY_RESERVE(c->msgs, c->cap_msgs, c->n_msgs + 1) < 0)
		goto now;
	m = &c->msgs[c->n_msgs];
	if (asprintf(&m->text, "%s:%u: %s: %s", file, line, key, msg) < 0)
		goto now;
	m->file = file;
	m->file_rank = c->n_msgs;
	for (i = 0; i < c->n_msgs; i++) {
		if (strcmp(c->msgs[i].file, file) == 0) {
			m->file_rank = c->msgs[i].file_rank;
			break;
		}
	}
	m->line = line;
	m->seq = c->n_msgs++;
	return;
now:
	/* Out of memory: report it at once rather than lose it. */
	if (c->err) {
		char text[1024];

		snprintf(text, sizeof(text), "%s:%u: %s: %s", file, line, key,
			 msg);
		c->err(text, c->data);
	}
}

static int msg_cmp(const void *a, const void *b)
{
	const struct hc_msg *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Pass the errors held, by file and line, and forget them. */
void cfg_flush_msgs(struct hc_ctx *c)
{
	size_t i;

	if (c->n_msgs)
		qsort(c->msgs, c->n_msgs, sizeof(*c->msgs), msg_cmp);
	for (i = 0; i < c->n_msgs; i++) {
		if (c->err)
			c->err(c->msgs[i].text, c->data);
		free(c->msgs[i].text);
	}
	free(c->msgs);
	c->msgs = NULL;
	c->n_msgs = c->cap_msgs = 0;
}

/* "BASE.NAME", or NAME at the top (a very long unknown key is cut). */
const char *cfg_kpath(char *buf, const char *base, const char *name)
{
	int n;

	if (*base)
		n = snprintf(buf, HC_KEY_MAX, "%s.%s", base, name);
	else
		n = snprintf(buf, HC_KEY_MAX, "%s", name);
	if (n >= HC_KEY_MAX)
		strcpy(buf + HC_KEY_MAX - 4, "...");
	return buf;
}

const char *cfg_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	}
	return "nothing";
}

void cfg_wrong_type(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, const char *want)
{
	cfg_report(c, s, key, "expected %s, not %s", want,
		   cfg_type_name(config_setting_type(s)));
}

/* Unknown keys: suggest a known one within two edits of a typo. */
static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[HC_KEY_MAX + 1], diag, up;

	if (la > HC_KEY_MAX || lb > HC_KEY_MAX)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

static const char *suggest(const char *name, const char *const *known)
{
	const char *best = NULL;
	unsigned int d, best_d = 3;

	for (; *known; known++) {
		d = edit_distance(name, *known);
		if (d < best_d) {
			best_d = d;
			best = *known;
		}
	}
	return best;
}

void cfg_unknown_key(struct hc_ctx *c, const config_setting_t *s,
		     const char *key, const char *const *known)
{
	const char *near = suggest(config_setting_name(s), known);

	if (near)
		cfg_report(c, s, key, "unknown key (did you mean \"%s\"?)",
			   near);
	else
		cfg_report(c, s, key, "unknown key");
}

/* Report every member of group G that is not in KNOWN. */
void cfg_check_keys(struct hc_ctx *c, const config_setting_t *g,
		    const char *base, const char *const *known)
{
	const config_setting_t *m;
	const char *const *k;
	char key[HC_KEY_MAX];
	int i;

	for (i = 0; (m = config_setting_get_elem(g, i)); i++) {
		for (k = known; *k; k++)
			if (strcmp(*k, config_setting_name(m)) == 0)
				break;
		if (!*k)
			cfg_unknown_key(c, m, cfg_kpath(key, base,
							config_setting_name(m)),
					known);
	}
}

/*
 * An included file, FILE as libconfig names it (relative to the include
 * directory, the main file's); NULL when out of memory.
 */
static struct hc_src *source(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;

	for (src = c->srcs; src; src = src->next)
		if (strcmp(src->file, file) == 0)
			return src;
	src = calloc(1, sizeof(*src));
	if (!src)
		return NULL;
	src->file = strdup(file);
	if (file[0] == '/' || !c->dir)
		src->shown = strdup(file);
	else if (asprintf(&src->shown, "%s%s%s", c->dir,
			  c->dir[strlen(c->dir) - 1] == '/' ? "" : "/",
			  file) < 0)
		src->shown = NULL;
	if (!src->file || !src->shown) {
		free(src->file);
		free(src->shown);
		free(src);
		return NULL;
	}
	src->next = c->srcs;
	c->srcs = src;
	return src;
}

/* FILE (NULL: the main file) as messages name it. */
const char *cfg_shown_name(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;

	if (!file)
		return c->path;
	src = source(c, file);
	return src ? src->shown : file;
}

/*
 * The text of FILE (NULL: the main file), for the integer-literal check;
 * NULL if it cannot be read.
 */
const char *cfg_source_text(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;
	size_t len;

	if (!file)
		return c->text;
	src = source(c, file);
	if (!src)
		return NULL;
	if (!src->read) {
		src->read = true;
		nflb_read_file(src->shown, &src->text, &len);
	}
	return src->text;
}

struct hc_lits **cfg_source_lits(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;

	if (!file)
		return &c->lits;
	src = source(c, file);
	return src ? &src->lits : NULL;
}

void cfg_srcs_free(struct hc_ctx *c)
{
	struct hc_src *src;

	cfg_lits_free(c->lits);
	c->lits = NULL;
	while ((src = c->srcs)) {
		c->srcs = src->next;
		cfg_lits_free(src->lits);
		free(src->file);
		free(src->shown);
		free(src->text);
		free(src);
	}
}
