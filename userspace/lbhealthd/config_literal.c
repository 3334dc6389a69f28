// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: integer literals that libconfig cannot hold.
 *
 * libconfig 1.5 keeps a literal without an L suffix in 32 bits and wraps
 * a larger one ("port = 4294967376;" reads as 80, "0xffffffff" as -1); an
 * L literal past 64 bits is clamped.  What it hands over then looks valid,
 * so the text is read again: each file (the main one and every included
 * one) is scanned once for its values (numbers, strings, booleans) in
 * order, and the scalar settings of the tree, in the same order, are
 * paired with them.  A setting whose literal does not fit is marked (its
 * hook); the value readers report it with their own range, and what no
 * one reported (a key nobody reads) is reported at the end.  One pass over
 * the text and one over the tree: linear in the size of the file.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"

/* A setting's hook: its literal did not fit, and was it reported. */
static char mark_bad, mark_reported;

enum lit_kind { LIT_NUMBER, LIT_STRING, LIT_BOOL };

struct lit {
	uint8_t kind;		/* enum lit_kind */
	bool bad;		/* an integer its type cannot hold */
};

struct hc_lits {
	size_t n, cap, next;
	struct lit *v;
	bool broken;		/* text and tree disagree: not checked */
};

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_name_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '*';
}

static bool is_name_char(char ch)
{
	return is_name_start(ch) || is_digit(ch) || ch == '-' || ch == '_';
}

static bool is_hex(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* After a string's opening quote: past its closing one. */
static const char *skip_string(const char *p)
{
	for (; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/*
 * A number at P (a sign, digits, or a dot and a digit): past its end, and
 * whether it is an integer libconfig cannot hold.
 */
static const char *scan_number(const char *p, bool *bad)
{
	const char *start = p;
	unsigned long long u;
	bool suffix;
	long long v;

	*bad = false;
	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_hex(p[2])) {
		errno = 0;
		u = strtoull(p + 2, (char **)&p, 16);
		suffix = *p == 'L';
		*bad = errno == ERANGE || (!suffix && u > INT_MAX);
	} else {
		while (is_digit(*p))
			p++;
		if (*p == '.' || *p == 'e' || *p == 'E') {
			/* A float: its digits, dot and exponent. */
			if (*p == '.')
				for (p++; is_digit(*p); p++)
					;
			if ((*p == 'e' || *p == 'E') &&
			    (is_digit(p[1]) ||
			     ((p[1] == '-' || p[1] == '+') && is_digit(p[2]))))
				for (p += 2; is_digit(*p); p++)
					;
			return p;
		}
		errno = 0;
		v = strtoll(start, NULL, 10);
		suffix = *p == 'L';
		*bad = errno == ERANGE ||
		       (!suffix && (v < INT_MIN || v > INT_MAX));
	}
	if (*p == 'L')
		p += p[1] == 'L' ? 2 : 1;
	return p;
}

static int lits_add(struct hc_lits *l, enum lit_kind kind, bool bad)
{
	struct lit *x = NFLB_ARRAY_PUSH(l->v, l->n, l->cap);

	if (!x)
		return -1;
	x->kind = kind;
	x->bad = bad;
	return 0;
}

/* The values of TEXT, in order (adjacent strings are one value). */
static int lits_scan(struct hc_lits *l, const char *text)
{
	const char *p = text, *q;
	bool after_string = false, bad;
	int r = 0;

	while (*p && r == 0) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			q = strstr(p + 2, "*/");
			p = q ? q + 2 : p + strlen(p);
		} else if (*p == '"') {
			p = skip_string(p + 1);
			if (!after_string)
				r = lits_add(l, LIT_STRING, false);
			after_string = true;
		} else if (*p == '@') {
			/* @include "FILE": a directive, not a value. */
			for (p++; is_name_char(*p); p++)
				;
			p += strspn(p, " \t");
			if (*p == '"')
				p = skip_string(p + 1);
			after_string = false;
		} else if (is_name_start(*p)) {
			for (q = p; is_name_char(*q); q++)
				;
			if ((q - p == 4 && !strncasecmp(p, "true", 4)) ||
			    (q - p == 5 && !strncasecmp(p, "false", 5)))
				r = lits_add(l, LIT_BOOL, false);
			p = q;
			after_string = false;
		} else if (is_digit(*p) ||
			   ((*p == '-' || *p == '+' || *p == '.') &&
			    (is_digit(p[1]) ||
			     (p[1] == '.' && is_digit(p[2]))))) {
			p = scan_number(p, &bad);
			r = lits_add(l, LIT_NUMBER, bad);
			after_string = false;
		} else {
			p++;
			after_string = false;
		}
	}
	return r;
}

/* The values of FILE (NULL: the main file), scanned on first use. */
static struct hc_lits *lits_of(struct hc_ctx *c, const char *file)
{
	struct hc_lits **lp = cfg_source_lits(c, file);
	const char *text;

	if (!lp)
		return NULL;
	if (!*lp) {
		*lp = calloc(1, sizeof(**lp));
		if (!*lp)
			return NULL;
		text = cfg_source_text(c, file);
		if (!text || lits_scan(*lp, text) < 0)
			(*lp)->broken = true;
	}
	return *lp;
}

void cfg_lits_free(struct hc_lits *l)
{
	if (l)
		free(l->v);
	free(l);
}

/* Pair the scalar settings under S with their files' values. */
static int mark_walk(struct hc_ctx *c, config_setting_t *s)
{
	config_setting_t *e;
	struct hc_lits *l;
	enum lit_kind want;
	struct lit *x;
	int i;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
	case CONFIG_TYPE_LIST:
	case CONFIG_TYPE_ARRAY:
		for (i = 0; (e = config_setting_get_elem(s, i)); i++)
			if (mark_walk(c, e) < 0)
				return -1;
		return 0;
	case CONFIG_TYPE_STRING:
		want = LIT_STRING;
		break;
	case CONFIG_TYPE_BOOL:
		want = LIT_BOOL;
		break;
	default:
		want = LIT_NUMBER;
		break;
	}
	l = lits_of(c, config_setting_source_file(s));
	if (!l)
		return -1;
	if (l->broken || !l->n)
		return 0;
	/* A file included twice has its values twice. */
	if (l->next == l->n)
		l->next = 0;
	x = &l->v[l->next++];
	if (x->kind != want) {
		l->broken = true;
		return 0;
	}
	if (x->bad) {
		config_setting_set_hook(s, &mark_bad);
		if (!NFLB_ARRAY_PUSH(c->bad, c->n_bad, c->cap_bad))
			return -1;
		c->bad[c->n_bad - 1] = s;
	}
	return 0;
}

void cfg_mark_bad_ints(struct hc_ctx *c, config_setting_t *root)
{
	if (mark_walk(c, root) < 0)
		cfg_report(c, NULL, "services", "out of memory");
}

bool cfg_int_bad(const config_setting_t *s)
{
	void *hook = config_setting_get_hook(s);

	return hook == &mark_bad || hook == &mark_reported;
}

void cfg_int_reported(const config_setting_t *s)
{
	if (config_setting_get_hook(s) == &mark_bad)
		config_setting_set_hook((config_setting_t *)s,
					&mark_reported);
}

/* The path of S: "services.[0].backends.[1].port". */
static void setting_key(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *parent = config_setting_parent(s);
	size_t n;

	if (!parent || !config_setting_parent(parent)) {
		snprintf(buf, len, "%s", config_setting_name(s) ?
			 config_setting_name(s) : "");
		return;
	}
	setting_key(parent, buf, len);
	n = strlen(buf);
	if (config_setting_name(s))
		snprintf(buf + n, len - n, ".%s", config_setting_name(s));
	else
		snprintf(buf + n, len - n, ".[%d]", config_setting_index(s));
}

void cfg_report_bad_ints(struct hc_ctx *c)
{
	char key[HC_KEY_MAX];
	size_t i;

	for (i = 0; i < c->n_bad; i++) {
		if (config_setting_get_hook(c->bad[i]) != &mark_bad)
			continue;
		setting_key(c->bad[i], key, sizeof(key));
		cfg_report(c, c->bad[i], key, "integer too large");
	}
	free(c->bad);
	c->bad = NULL;
	c->n_bad = c->cap_bad = 0;
}
