// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration file: read with libconfig, then every setting
 * checked against lbhealthd.conf(5).  Checking never stops at the first
 * problem: each one is reported as "FILE:LINE: KEY: message" and the walk
 * goes on, so that `lbhealthd -t` shows everything wrong in one run.  What
 * the kernel would reject (table size not a prime in its range, a port on a
 * backend of an all-ports service, a timeout of the other protocol...) is
 * rejected here first, so that a file that passes can be applied.
 */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <libconfig.h>

#include "config.h"

/* The module's Maglev table rule (kmod/validate.h). */
#define HC_TABLE_MIN		251U
#define HC_TABLE_MAX		131071U
#define HC_TABLE_DEFAULT	65537U

/* Check timing bounds, in milliseconds. */
#define HC_INTERVAL_MIN		100
#define HC_INTERVAL_MAX		3600000
#define HC_INTERVAL_DEFAULT	2000
#define HC_TIMEOUT_MIN		10
#define HC_TIMEOUT_DEFAULT	1000
#define HC_RISE_DEFAULT		2
#define HC_FALL_DEFAULT		3
#define HC_COUNT_MAX		100

#define HC_NAME_MAX		64
#define HC_KEY_MAX		128

/* A file read for the integer-literal check (included files too). */
struct hc_src {
	struct hc_src *next;
	char *file;			/* as libconfig names it */
	char *shown;			/* in messages: with the directory */
	bool read;
	char *text;			/* NULL: could not be read */
};

/* An error held back to be reported in the order of the file. */
struct hc_msg {
	char *text;
	const char *file;		/* libconfig's, or the path */
	unsigned int file_rank;		/* order of the file's first error */
	unsigned int line;
	unsigned int seq;		/* order of discovery */
};

struct hc_ctx {
	const char *path;
	hc_errfn err;
	void *data;
	int n_err;
	size_t n_msgs, cap_msgs;
	struct hc_msg *msgs;
	const char *text;		/* the main file */
	const char *dir;		/* its directory, NULL: "." */
	struct hc_src *srcs;		/* included files */
};

static const char *shown_name(struct hc_ctx *c, const char *file);

static void report(struct hc_ctx *c, const config_setting_t *s,
		   const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct hc_ctx *c, const config_setting_t *s,
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
	file = shown_name(c, file);
	c->n_err++;
	if (c->n_msgs == c->cap_msgs) {
		size_t cap = c->cap_msgs ? 2 * c->cap_msgs : 16;

		m = realloc(c->msgs, cap * sizeof(*m));
		if (!m)
			goto now;
		c->msgs = m;
		c->cap_msgs = cap;
	}
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
static void flush_msgs(struct hc_ctx *c)
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
static const char *kpath(char *buf, const char *base, const char *name)
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

static const char *type_name(int type)
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

static void wrong_type(struct hc_ctx *c, const config_setting_t *s,
		       const char *key, const char *want)
{
	report(c, s, key, "expected %s, not %s", want,
	       type_name(config_setting_type(s)));
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

static void unknown_key(struct hc_ctx *c, const config_setting_t *s,
			const char *key, const char *const *known)
{
	const char *near = suggest(config_setting_name(s), known);

	if (near)
		report(c, s, key, "unknown key (did you mean \"%s\"?)", near);
	else
		report(c, s, key, "unknown key");
}

/* Report every member of group G that is not in KNOWN. */
static void check_keys(struct hc_ctx *c, const config_setting_t *g,
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
			unknown_key(c, m, kpath(key, base,
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
static const char *shown_name(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;

	if (!file)
		return c->path;
	src = source(c, file);
	return src ? src->shown : file;
}

/*
 * The text of FILE (NULL: the main file), for the literal check below;
 * NULL if it cannot be read.
 */
static const char *source_text(struct hc_ctx *c, const char *file)
{
	struct hc_src *src;
	size_t len = 0;
	FILE *f;

	if (!file)
		return c->text;
	src = source(c, file);
	if (!src)
		return NULL;
	if (!src->read) {
		src->read = true;
		f = fopen(src->shown, "r");
		if (f) {
			if (getdelim(&src->text, &len, '\0', f) < 0) {
				free(src->text);
				src->text = NULL;
			}
			fclose(f);
		}
	}
	return src->text;
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '*';
}

/*
 * libconfig 1.5 keeps an integer literal without an L suffix in 32 bits
 * and silently wraps a larger one ("port = 4294967376;" reads as 80).
 * Catch that: find the literals assigned to S's name on S's line and
 * accept S if one of them is the value read.  When no literal can be found
 * (a value on the next line, say) the value is taken as read.
 */
static bool int_literal_ok(struct hc_ctx *c, const config_setting_t *s)
{
	const char *name = config_setting_name(s), *text, *p, *end, *q;
	long long stored = config_setting_get_int64(s);
	bool is64 = config_setting_type(s) == CONFIG_TYPE_INT64;
	bool found = false, neg, hex;
	unsigned long long v;
	size_t nlen;
	unsigned int line;
	char *num_end;

	if (!name)
		return true;
	text = source_text(c, config_setting_source_file(s));
	if (!text)
		return true;
	for (p = text, line = 1; *p && line < config_setting_source_line(s);
	     p++)
		if (*p == '\n')
			line++;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	nlen = strlen(name);
	for (; (p = memmem(p, end - p, name, nlen)); p += nlen) {
		if ((p > text && is_name_char(p[-1])) || is_name_char(p[nlen]))
			continue;
		q = p + nlen;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q++;
		q += strspn(q, " \t");
		neg = *q == '-';
		if (*q == '-' || *q == '+')
			q++;
		hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
		if (!(q[0] >= '0' && q[0] <= '9'))
			continue;
		found = true;
		errno = 0;
		v = strtoull(q, &num_end, hex ? 16 : 10);
		if (errno)
			continue;
		if (hex) {
			/* The bits, as libconfig stores them. */
			if (is64 ? v == (unsigned long long)stored :
			    v <= INT_MAX && (long long)v == stored)
				return true;
		} else if (neg) {
			if (v <= (unsigned long long)LLONG_MAX + 1 &&
			    (is64 || v <= (unsigned long long)INT_MAX + 1) &&
			    -(long long)(v - 1) - 1 == stored)
				return true;
		} else if (v <= (is64 ? LLONG_MAX : INT_MAX) &&
			   (long long)v == stored) {
			return true;
		}
	}
	return !found;
}

/* An integer in [MIN, MAX].  0, or -1 (reported). */
static int get_int(struct hc_ctx *c, const config_setting_t *s,
		   const char *key, long long min, long long max,
		   long long *v)
{
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		wrong_type(c, s, key, "an integer");
		return -1;
	}
	if (!int_literal_ok(c, s)) {
		report(c, s, key,
		       "integer too large (out of range %lld-%lld)", min, max);
		return -1;
	}
	*v = config_setting_get_int64(s);
	if (*v < min || *v > max) {
		report(c, s, key, "%lld is out of range (%lld-%lld)", *v, min,
		       max);
		return -1;
	}
	return 0;
}

static int get_bool(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, bool *v)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		wrong_type(c, s, key, "true or false");
		return -1;
	}
	*v = config_setting_get_bool(s);
	return 0;
}

static const char *get_string(struct hc_ctx *c, const config_setting_t *s,
			      const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		wrong_type(c, s, key, "a string");
		return NULL;
	}
	return config_setting_get_string(s);
}

/* A string with no control character (and no blank if !BLANKS). */
static const char *get_text(struct hc_ctx *c, const config_setting_t *s,
			    const char *key, bool blanks)
{
	const char *v = get_string(c, s, key);
	const unsigned char *p;

	if (!v)
		return NULL;
	if (!*v) {
		report(c, s, key, "empty");
		return NULL;
	}
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (!blanks && *p == ' ')) {
			report(c, s, key, "\"%s\" contains %s", v,
			       *p == ' ' ? "a blank" : "a control character");
			return NULL;
		}
	}
	return v;
}

/* One of NAMES (NULL-terminated); its index, or -1 (reported). */
static int get_enum(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, const char *const *names,
		    const char *choices)
{
	const char *v = get_string(c, s, key);
	int i;

	if (!v)
		return -1;
	for (i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	report(c, s, key, "invalid value \"%s\" (%s)", v, choices);
	return -1;
}

/* Seconds as an integer or a float, in milliseconds within [MIN, MAX]. */
static int get_seconds(struct hc_ctx *c, const config_setting_t *s,
		       const char *key, uint32_t min, uint32_t max,
		       uint32_t *ms)
{
	int type = config_setting_type(s);
	double v;

	if (type == CONFIG_TYPE_FLOAT) {
		v = config_setting_get_float(s);
	} else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (!int_literal_ok(c, s)) {
			report(c, s, key, "integer too large (%g-%g seconds)",
			       min / 1000.0, max / 1000.0);
			return -1;
		}
		v = config_setting_get_int64(s);
	} else {
		wrong_type(c, s, key, "a number of seconds");
		return -1;
	}
	if (!isfinite(v) || v * 1000 < min - 0.5 || v * 1000 > max + 0.5) {
		report(c, s, key, "%g is out of range (%g-%g seconds)", v,
		       min / 1000.0, max / 1000.0);
		return -1;
	}
	*ms = (uint32_t)(v * 1000 + 0.5);
	return 0;
}

/*
 * The seed: an integer (a negative one only in hexadecimal, as the bits
 * of a 64-bit literal such as 0xffffffffffffffffL) or a string holding a
 * decimal or 0x hexadecimal number up to 2^64 - 1.
 */
static int get_seed(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, uint64_t *seed)
{
	int type = config_setting_type(s);
	unsigned long long v;
	const char *str;
	char *end;
	int base;

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (!int_literal_ok(c, s)) {
			report(c, s, key,
			       "integer too large for a plain literal (add an L suffix, or give it as a string)");
			return -1;
		}
		if (config_setting_get_int64(s) < 0 &&
		    config_setting_get_format(s) != CONFIG_FORMAT_HEX) {
			report(c, s, key, "%lld is negative (0-18446744073709551615)",
			       config_setting_get_int64(s));
			return -1;
		}
		*seed = (uint64_t)config_setting_get_int64(s);
		return 0;
	}
	if (type != CONFIG_TYPE_STRING) {
		wrong_type(c, s, key, "an integer or a string");
		return -1;
	}
	str = config_setting_get_string(s);
	base = str[0] == '0' && (str[1] == 'x' || str[1] == 'X') ? 16 : 10;
	errno = 0;
	v = strtoull(str, &end, base);
	if (!(str[0] >= '0' && str[0] <= '9') ||
	    (base == 16 && !str[2]) || *end || errno) {
		report(c, s, key,
		       "invalid seed \"%s\" (0-18446744073709551615, decimal or 0x hex)",
		       str);
		return -1;
	}
	*seed = v;
	return 0;
}

/* An IPv4 or IPv6 unicast address.  0, or -1 (reported). */
static int get_addr(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, uint16_t *family,
		    union nflb_inaddr *addr)
{
	const char *v = get_string(c, s, key);

	if (!v)
		return -1;
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, v, &addr->v4) == 1) {
		*family = AF_INET;
	} else if (inet_pton(AF_INET6, v, &addr->v6) == 1) {
		*family = AF_INET6;
	} else {
		report(c, s, key,
		       "invalid address \"%s\" (an IPv4 or IPv6 address, no port)",
		       v);
		return -1;
	}
	if (!nflb_addr_is_unicast(*family, addr)) {
		report(c, s, key, "\"%s\" is not a unicast address", v);
		return -1;
	}
	return 0;
}

static const char *family_name(uint16_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static int get_table_size(struct hc_ctx *c, const config_setting_t *s,
			  const char *key, uint32_t *size)
{
	uint32_t lo, hi;
	long long v;

	if (get_int(c, s, key, HC_TABLE_MIN, HC_TABLE_MAX, &v) < 0)
		return -1;
	if (!nflb_is_prime(v)) {
		for (lo = v - 1; !nflb_is_prime(lo); lo--)
			;
		for (hi = v + 1; !nflb_is_prime(hi); hi++)
			;
		if (lo < HC_TABLE_MIN)
			report(c, s, key, "%lld is not a prime (nearest: %u)",
			       v, hi);
		else if (hi > HC_TABLE_MAX)
			report(c, s, key, "%lld is not a prime (nearest: %u)",
			       v, lo);
		else
			report(c, s, key,
			       "%lld is not a prime (nearest: %u or %u)", v,
			       lo, hi);
		return -1;
	}
	*size = v;
	return 0;
}

/* "200-299,301": codes and inclusive ranges within 100..599. */
static int parse_status(struct hc_ctx *c, const config_setting_t *s,
			const char *key, struct hc_check *chk)
{
	const char *v, *p, *item;
	unsigned long lo, hi;
	size_t len;
	char *end;

	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long code;

		if (get_int(c, s, key, 100, 599, &code) < 0)
			return -1;
		chk->status[0].lo = chk->status[0].hi = code;
		chk->n_status = 1;
		return 0;
	}
	v = get_string(c, s, key);
	if (!v)
		return -1;
	chk->n_status = 0;
	for (p = v;; p++) {
		p += strspn(p, " \t");
		item = p;
		len = strcspn(p, ",");
		if (!(*p >= '0' && *p <= '9'))
			goto bad;
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (!(*p >= '0' && *p <= '9'))
				goto bad;
			hi = strtoul(p, &end, 10);
			p = end;
		}
		p += strspn(p, " \t");
		if (*p && *p != ',')
			goto bad;
		if (lo < 100 || hi > 599) {
			report(c, s, key,
			       "\"%.*s\" is out of range (HTTP codes 100-599)",
			       (int)len, item);
			return -1;
		}
		if (lo > hi) {
			report(c, s, key, "range \"%.*s\" is reversed",
			       (int)len, item);
			return -1;
		}
		if (chk->n_status == HC_MAX_STATUS_RANGES) {
			report(c, s, key, "more than %d codes or ranges",
			       HC_MAX_STATUS_RANGES);
			return -1;
		}
		chk->status[chk->n_status].lo = lo;
		chk->status[chk->n_status].hi = hi;
		chk->n_status++;
		if (!*p)
			return 0;
	}
bad:
	report(c, s, key,
	       "invalid \"%s\" (comma-separated codes and ranges such as \"200-299,301\")",
	       v);
	return -1;
}

/*
 * Bytes, at most HC_MAX_PAYLOAD: a string (libconfig escapes such as
 * "\n" and "\x7f"; no NUL byte), or an array of byte values [0x12, 0]
 * for binary payloads.
 */
static int get_bytes(struct hc_ctx *c, const config_setting_t *s,
		     const char *key, uint8_t *buf, size_t *len)
{
	const config_setting_t *e;
	const char *v;
	long long b;
	int i, n;

	if (config_setting_type(s) == CONFIG_TYPE_ARRAY) {
		n = config_setting_length(s);
		if (n > HC_MAX_PAYLOAD) {
			report(c, s, key, "too long (%d bytes, at most %d)", n,
			       HC_MAX_PAYLOAD);
			return -1;
		}
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(s, i);
			if (config_setting_type(e) != CONFIG_TYPE_INT &&
			    config_setting_type(e) != CONFIG_TYPE_INT64) {
				report(c, s, key,
				       "byte [%d]: expected an integer (0-255), not %s",
				       i, type_name(config_setting_type(e)));
				return -1;
			}
			b = config_setting_get_int64(e);
			if (b < 0 || b > 255) {
				report(c, s, key,
				       "byte [%d]: %lld is out of range (0-255)",
				       i, b);
				return -1;
			}
			buf[i] = b;
		}
		*len = n;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		wrong_type(c, s, key, "a string or an array of bytes");
		return -1;
	}
	v = config_setting_get_string(s);
	*len = strlen(v);
	if (*len > HC_MAX_PAYLOAD) {
		report(c, s, key, "too long (%zu bytes, at most %d)", *len,
		       HC_MAX_PAYLOAD);
		return -1;
	}
	memcpy(buf, v, *len);
	return 0;
}

/* The check: keys valid for each type as a bit mask of types. */
#define T(type)		(1U << (type))
#define T_ALL		(T(HC_CHECK_TCP) | T(HC_CHECK_HTTP) | T(HC_CHECK_HTTPS) | \
			 T(HC_CHECK_UDP) | T(HC_CHECK_EXEC))
#define T_NET		(T_ALL & ~T(HC_CHECK_EXEC))
#define T_WEB		(T(HC_CHECK_HTTP) | T(HC_CHECK_HTTPS))

static const struct {
	const char *name;
	unsigned int types;
	const char *which;		/* for "not valid for a X check" */
} check_keys_tab[] = {
	{ "type", T_ALL, NULL },
	{ "interval", T_ALL, NULL },
	{ "timeout", T_ALL, NULL },
	{ "rise", T_ALL, NULL },
	{ "fall", T_ALL, NULL },
	{ "initial", T_ALL, NULL },
	{ "port", T_NET, "tcp, http, https and udp checks" },
	{ "path", T_WEB, "http and https checks" },
	{ "host", T_WEB, "http and https checks" },
	{ "expect-status", T_WEB, "http and https checks" },
	{ "expect-body", T_WEB, "http and https checks" },
	{ "tls-verify", T(HC_CHECK_HTTPS), "https checks" },
	{ "payload", T(HC_CHECK_UDP), "udp checks" },
	{ "expect", T(HC_CHECK_UDP), "udp checks" },
	{ "command", T(HC_CHECK_EXEC), "exec checks" },
};

#define N_CHECK_KEYS	(sizeof(check_keys_tab) / sizeof(check_keys_tab[0]))

static const char *const check_type_names[] = {
	[HC_CHECK_TCP] = "tcp",
	[HC_CHECK_HTTP] = "http",
	[HC_CHECK_HTTPS] = "https",
	[HC_CHECK_UDP] = "udp",
	[HC_CHECK_EXEC] = "exec",
	NULL,
};

const char *hc_check_type_name(enum hc_check_type type)
{
	if ((unsigned int)type >= sizeof(check_type_names) /
	    sizeof(check_type_names[0]) - 1)
		return NULL;
	return check_type_names[type];
}

static int dup_str(struct hc_ctx *c, const config_setting_t *s,
		   const char *key, char **dst, const char *v)
{
	*dst = strdup(v);
	if (!*dst) {
		report(c, s, key, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Parse the check group S of a service (KEY "services.[i].check") into
 * CHK, defaults first.
 */
static void parse_check(struct hc_ctx *c, const config_setting_t *s,
			const char *base, struct hc_check *chk)
{
	const char *known[N_CHECK_KEYS + 1], *v;
	const config_setting_t *m, *timeout = NULL;
	char key[HC_KEY_MAX];
	bool has_type = false;
	long long n;
	size_t i;
	int t, j;

	chk->interval_ms = HC_INTERVAL_DEFAULT;
	chk->rise = HC_RISE_DEFAULT;
	chk->fall = HC_FALL_DEFAULT;
	chk->n_status = 1;
	chk->status[0].lo = 200;
	chk->status[0].hi = 299;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		wrong_type(c, s, base, "a group { type = ...; }");
		return;
	}
	for (i = 0; i < N_CHECK_KEYS; i++)
		known[i] = check_keys_tab[i].name;
	known[i] = NULL;

	m = config_setting_get_member(s, "type");
	if (!m) {
		report(c, s, base,
		       "missing \"type\" (tcp, http, https, udp or exec)");
	} else {
		t = get_enum(c, m, kpath(key, base, "type"), check_type_names,
			     "tcp, http, https, udp or exec");
		if (t >= 0) {
			chk->type = t;
			has_type = true;
		}
	}

	for (j = 0; (m = config_setting_get_elem(s, j)); j++) {
		const char *name = config_setting_name(m);

		kpath(key, base, name);
		for (i = 0; i < N_CHECK_KEYS; i++)
			if (strcmp(check_keys_tab[i].name, name) == 0)
				break;
		if (i == N_CHECK_KEYS) {
			unknown_key(c, m, key, known);
			continue;
		}
		if (has_type && !(check_keys_tab[i].types & T(chk->type))) {
			report(c, m, key, "not valid for %s %s check (only for %s)",
			       chk->type == HC_CHECK_TCP ||
			       chk->type == HC_CHECK_UDP ? "a" : "an",
			       check_type_names[chk->type],
			       check_keys_tab[i].which);
			continue;
		}
		if (strcmp(name, "type") == 0) {
			continue;
		} else if (strcmp(name, "interval") == 0) {
			get_seconds(c, m, key, HC_INTERVAL_MIN,
				    HC_INTERVAL_MAX, &chk->interval_ms);
		} else if (strcmp(name, "timeout") == 0) {
			if (get_seconds(c, m, key, HC_TIMEOUT_MIN,
					HC_INTERVAL_MAX, &chk->timeout_ms) == 0)
				timeout = m;
		} else if (strcmp(name, "rise") == 0) {
			if (get_int(c, m, key, 1, HC_COUNT_MAX, &n) == 0)
				chk->rise = n;
		} else if (strcmp(name, "fall") == 0) {
			if (get_int(c, m, key, 1, HC_COUNT_MAX, &n) == 0)
				chk->fall = n;
		} else if (strcmp(name, "initial") == 0) {
			static const char *const states[] = { "down", "up",
							      NULL };

			t = get_enum(c, m, key, states, "up or down");
			if (t >= 0)
				chk->initial_up = t == 1;
		} else if (strcmp(name, "port") == 0) {
			if (get_int(c, m, key, 1, 65535, &n) == 0)
				chk->port = n;
		} else if (strcmp(name, "path") == 0) {
			v = get_text(c, m, key, false);
			if (v && v[0] != '/')
				report(c, m, key,
				       "\"%s\" does not start with \"/\"", v);
			else if (v)
				dup_str(c, m, key, &chk->path, v);
		} else if (strcmp(name, "host") == 0) {
			v = get_text(c, m, key, false);
			if (v)
				dup_str(c, m, key, &chk->host, v);
		} else if (strcmp(name, "expect-status") == 0) {
			parse_status(c, m, key, chk);
		} else if (strcmp(name, "expect-body") == 0) {
			v = get_string(c, m, key);
			if (v && !*v)
				report(c, m, key,
				       "empty (leave it out to accept any body)");
			else if (v)
				dup_str(c, m, key, &chk->expect_body, v);
		} else if (strcmp(name, "tls-verify") == 0) {
			get_bool(c, m, key, &chk->tls_verify);
		} else if (strcmp(name, "payload") == 0) {
			get_bytes(c, m, key, chk->payload, &chk->payload_len);
		} else if (strcmp(name, "expect") == 0) {
			if (get_bytes(c, m, key, chk->expect,
				      &chk->expect_len) < 0)
				continue;
			if (!chk->expect_len)
				report(c, m, key,
				       "empty (leave it out to accept any reply)");
			else
				chk->has_expect = true;
		} else if (strcmp(name, "command") == 0) {
			v = get_string(c, m, key);
			if (v && !v[strspn(v, " \t")])
				report(c, m, key, "empty");
			else if (v)
				dup_str(c, m, key, &chk->command, v);
		}
	}

	/* The default timeout fits short intervals: at most half of one. */
	if (!timeout)
		chk->timeout_ms = chk->interval_ms / 2 < HC_TIMEOUT_DEFAULT ?
				  chk->interval_ms / 2 : HC_TIMEOUT_DEFAULT;
	else if (chk->timeout_ms >= chk->interval_ms)
		report(c, timeout, kpath(key, base, "timeout"),
		       "%g s is not less than the interval (%g s)",
		       chk->timeout_ms / 1000.0, chk->interval_ms / 1000.0);
	if (has_type && (chk->type == HC_CHECK_HTTP ||
			 chk->type == HC_CHECK_HTTPS) && !chk->path &&
	    dup_str(c, s, base, &chk->path, "/") < 0)
		return;
	if (has_type && chk->type == HC_CHECK_EXEC && !chk->command &&
	    !config_setting_get_member(s, "command"))
		report(c, s, base, "missing \"command\" (required for exec checks)");
}

/*
 * A backend or the sorry backend: group S with keys KNOWN ("address",
 * "port", "weight").  The service's family and port (SVC_FAMILY 0: the
 * service's address was wrong, SVC_PORT -1: its port) decide the rules.
 */
static int parse_backend(struct hc_ctx *c, const config_setting_t *s,
			 const char *base, uint16_t svc_family, int svc_port,
			 struct nflb_backend *be)
{
	static const char *const known[] = { "address", "port", "weight",
					     NULL };
	const config_setting_t *m;
	char key[HC_KEY_MAX];
	int ret = 0;
	long long n;

	memset(be, 0, sizeof(*be));
	be->weight = 1;
	be->state = NFLB_BACKEND_UP;
	NFLB_SET(be, NFLB_BE_A_PORT);
	NFLB_SET(be, NFLB_BE_A_WEIGHT);
	NFLB_SET(be, NFLB_BE_A_STATE);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		wrong_type(c, s, base, "a group { address = ...; }");
		return -1;
	}
	check_keys(c, s, base, known);

	m = config_setting_get_member(s, "address");
	if (!m) {
		report(c, s, base, "missing \"address\"");
		ret = -1;
	} else if (get_addr(c, m, kpath(key, base, "address"), &be->family,
			    &be->addr) < 0) {
		ret = -1;
	} else if (svc_family && be->family != svc_family) {
		report(c, m, key, "%s address in an %s service",
		       family_name(be->family), family_name(svc_family));
		ret = -1;
	}

	if (svc_port > 0)
		be->port = svc_port;
	m = config_setting_get_member(s, "port");
	if (m && get_int(c, m, kpath(key, base, "port"), 0, 65535, &n) == 0) {
		if (svc_port == 0 && n) {
			report(c, m, key,
			       "a backend of an all-ports service (port 0) takes no port: it keeps the client's destination port");
			ret = -1;
		} else if (svc_port > 0 && !n) {
			report(c, m, key,
			       "port 0 is only for backends of an all-ports service (1-65535)");
			ret = -1;
		} else {
			be->port = n;
		}
	} else if (m) {
		ret = -1;
	}

	m = config_setting_get_member(s, "weight");
	if (m && get_int(c, m, kpath(key, base, "weight"), 0, 65535, &n) == 0)
		be->weight = n;
	else if (m)
		ret = -1;
	return ret;
}

static const char *const service_keys[] = {
	"name", "protocol", "address", "port", "table-size", "hash", "seed",
	"snat", "timeout-tcp", "timeout-tcp-fin", "timeout-udp", "quorum",
	"sorry", "on-failure", "check", "backends", NULL,
};

/* Per service, while checking: what parsed well enough to compare. */
struct svc_state {
	bool key_ok;			/* protocol, address and port */
	bool name_set;
	const config_setting_t *setting;
	bool *be_ok;			/* per backend: address and port */
};

/*
 * A timeout option NAME for FOR_PROTO services: present (default 0) in a
 * service of that protocol, an error in one of the other (PROTO 0: the
 * service's protocol is wrong, only the value is checked).
 */
static void parse_timeout_opt(struct hc_ctx *c, const config_setting_t *g,
			      const char *base, const char *name,
			      uint8_t proto, uint8_t for_proto,
			      struct nflb_service *svc, int attr,
			      uint32_t *field)
{
	const config_setting_t *m = config_setting_get_member(g, name);
	char key[HC_KEY_MAX];
	long long n;

	if (proto == for_proto)
		NFLB_SET(svc, attr);
	if (!m)
		return;
	kpath(key, base, name);
	if (proto && proto != for_proto) {
		report(c, m, key, "only for a %s service",
		       nflb_proto_name(for_proto));
		return;
	}
	if (get_int(c, m, key, 0, NFLB_TIMEOUT_MAX, &n) == 0)
		*field = n;
}

static void parse_service(struct hc_ctx *c, const config_setting_t *s,
			  const char *base, struct hc_service_conf *sc,
			  struct svc_state *st)
{
	static const char *const protos[] = { "tcp", "udp", NULL };
	static const char *const hashes[] = {
		[NFLB_HASH_5TUPLE] = "5tuple", [NFLB_HASH_SOURCE] = "source",
		NULL,
	};
	static const char *const failures[] = {
		[HC_FAIL_DOWN] = "down", [HC_FAIL_DRAIN] = "drain", NULL,
	};
	struct nflb_service *svc = &sc->svc;
	const config_setting_t *m, *quorum = NULL;
	char key[HC_KEY_MAX], ekey[HC_KEY_MAX];
	bool addr_ok = false, port_ok = false, proto_ok = false;
	const char *v;
	long long n;
	size_t i, j;
	int t;

	sc->line = config_setting_source_line(s);
	sc->quorum = 1;
	sc->on_failure = HC_FAIL_DOWN;
	svc->table_size = HC_TABLE_DEFAULT;
	svc->hash = NFLB_HASH_5TUPLE;
	NFLB_SET(svc, NFLB_SVC_A_TABLE_SIZE);
	NFLB_SET(svc, NFLB_SVC_A_HASH);
	NFLB_SET(svc, NFLB_SVC_A_SEED);
	NFLB_SET(svc, NFLB_SVC_A_SNAT);
	st->setting = s;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		wrong_type(c, s, base, "a group { protocol = ...; }");
		return;
	}
	check_keys(c, s, base, service_keys);

	m = config_setting_get_member(s, "protocol");
	if (!m) {
		report(c, s, base, "missing \"protocol\" (tcp or udp)");
	} else {
		t = get_enum(c, m, kpath(key, base, "protocol"), protos,
			     "tcp or udp");
		if (t >= 0) {
			svc->proto = t == 0 ? IPPROTO_TCP : IPPROTO_UDP;
			proto_ok = true;
		}
	}
	m = config_setting_get_member(s, "address");
	if (!m)
		report(c, s, base, "missing \"address\" (the VIP)");
	else
		addr_ok = get_addr(c, m, kpath(key, base, "address"),
				   &svc->family, &svc->addr) == 0;
	m = config_setting_get_member(s, "port");
	if (!m) {
		report(c, s, base, "missing \"port\" (0-65535, 0: every port)");
	} else if (get_int(c, m, kpath(key, base, "port"), 0, 65535,
			   &n) == 0) {
		svc->port = n;
		port_ok = true;
	}
	st->key_ok = proto_ok && addr_ok && port_ok;

	m = config_setting_get_member(s, "name");
	if (m) {
		v = get_text(c, m, kpath(key, base, "name"), true);
		if (v && strlen(v) > HC_NAME_MAX)
			report(c, m, key, "longer than %d bytes", HC_NAME_MAX);
		else if (v && dup_str(c, m, key, &sc->name, v) == 0)
			st->name_set = true;
	}
	if (!sc->name && st->key_ok) {
		char addr[NFLB_ADDRSTRLEN], name[HC_NAME_MAX + 16];

		nflb_addr_format(svc->family, &svc->addr, true, svc->port,
				 addr, sizeof(addr));
		snprintf(name, sizeof(name), "%s %s",
			 nflb_proto_name(svc->proto), addr);
		dup_str(c, s, base, &sc->name, name);
	}

	m = config_setting_get_member(s, "table-size");
	if (m)
		get_table_size(c, m, kpath(key, base, "table-size"),
			       &svc->table_size);
	m = config_setting_get_member(s, "hash");
	if (m) {
		t = get_enum(c, m, kpath(key, base, "hash"), hashes,
			     "5tuple or source");
		if (t >= 0)
			svc->hash = t;
	}
	m = config_setting_get_member(s, "seed");
	if (m)
		get_seed(c, m, kpath(key, base, "seed"), &svc->seed);
	m = config_setting_get_member(s, "snat");
	if (m) {
		bool snat = false;

		get_bool(c, m, kpath(key, base, "snat"), &snat);
		svc->snat = snat;
	}
	/* The kernel takes each timeout for its own protocol only. */
	parse_timeout_opt(c, s, base, "timeout-tcp", proto_ok ? svc->proto : 0,
			  IPPROTO_TCP, svc, NFLB_SVC_A_TIMEOUT_TCP,
			  &svc->timeout_tcp);
	parse_timeout_opt(c, s, base, "timeout-tcp-fin",
			  proto_ok ? svc->proto : 0, IPPROTO_TCP, svc,
			  NFLB_SVC_A_TIMEOUT_TCP_FIN, &svc->timeout_tcp_fin);
	parse_timeout_opt(c, s, base, "timeout-udp", proto_ok ? svc->proto : 0,
			  IPPROTO_UDP, svc, NFLB_SVC_A_TIMEOUT_UDP,
			  &svc->timeout_udp);

	m = config_setting_get_member(s, "on-failure");
	if (m) {
		t = get_enum(c, m, kpath(key, base, "on-failure"), failures,
			     "down or drain");
		if (t >= 0)
			sc->on_failure = t;
	}
	m = config_setting_get_member(s, "quorum");
	if (m && get_int(c, m, kpath(key, base, "quorum"), 0, 65535,
			 &n) == 0) {
		sc->quorum = n;
		quorum = m;
	}

	m = config_setting_get_member(s, "check");
	if (!m)
		report(c, s, base, "missing \"check\" (every service has one)");
	else
		parse_check(c, m, kpath(key, base, "check"), &sc->check);

	m = config_setting_get_member(s, "backends");
	if (m && config_setting_type(m) != CONFIG_TYPE_LIST) {
		wrong_type(c, m, kpath(key, base, "backends"),
			   "a list ( { address = ...; }, ... )");
	} else if (m && config_setting_length(m) > 0) {
		sc->backends = calloc(config_setting_length(m),
				      sizeof(*sc->backends));
		st->be_ok = calloc(config_setting_length(m), sizeof(bool));
		if (!sc->backends || !st->be_ok) {
			report(c, m, kpath(key, base, "backends"),
			       "out of memory");
			return;
		}
		for (i = 0; i < (size_t)config_setting_length(m); i++) {
			const config_setting_t *b = config_setting_get_elem(m, i);
			struct hc_backend_conf *bc = &sc->backends[i];

			if (snprintf(ekey, sizeof(ekey), "%s.backends.[%zu]",
				     base, i) >= (int)sizeof(ekey))
				continue;	/* base is short: cannot be */
			bc->line = config_setting_source_line(b);
			st->be_ok[i] = parse_backend(c, b, ekey,
						     addr_ok ? svc->family : 0,
						     port_ok ? svc->port : -1,
						     &bc->be) == 0;
			sc->n_backends++;
			if (!st->be_ok[i])
				continue;
			for (j = 0; j < i; j++) {
				if (st->be_ok[j] &&
				    hc_backend_same_key(&sc->backends[j].be,
							&bc->be)) {
					char a[NFLB_ADDRSTRLEN];

					report(c, b, ekey,
					       "duplicate backend %s (as backends.[%zu], line %u)",
					       nflb_addr_format(bc->be.family,
								&bc->be.addr,
								true,
								bc->be.port, a,
								sizeof(a)),
					       j, sc->backends[j].line);
					break;
				}
			}
		}
	}

	m = config_setting_get_member(s, "sorry");
	if (m && parse_backend(c, m, kpath(key, base, "sorry"),
			       addr_ok ? svc->family : 0,
			       port_ok ? svc->port : -1, &sc->sorry) == 0) {
		sc->has_sorry = true;
		for (i = 0; i < sc->n_backends; i++) {
			if (st->be_ok[i] &&
			    hc_backend_same_key(&sc->backends[i].be,
						&sc->sorry)) {
				report(c, m, key,
				       "the sorry backend is also backends.[%zu] (line %u)",
				       i, sc->backends[i].line);
				break;
			}
		}
	}

	if (quorum && sc->quorum > sc->n_backends)
		report(c, quorum, kpath(key, base, "quorum"),
		       "%u exceeds the number of backends (%zu)", sc->quorum,
		       sc->n_backends);

	/*
	 * The backends of an all-ports service have no port of their own:
	 * a network check needs to be told which one to probe.
	 */
	m = config_setting_get_member(s, "check");
	if (port_ok && svc->port == 0 && sc->n_backends && m &&
	    config_setting_type(m) == CONFIG_TYPE_GROUP &&
	    config_setting_get_member(m, "type") &&
	    sc->check.type != HC_CHECK_EXEC && !sc->check.port &&
	    !config_setting_get_member(m, "port"))
		report(c, m, kpath(key, base, "check"),
		       "missing \"port\": the service takes every port (port 0), so its backends have none to probe");
}

static void parse_services(struct hc_ctx *c, const config_setting_t *list,
			   struct hc_config *cfg)
{
	struct svc_state *st;
	char base[HC_KEY_MAX], a[NFLB_ADDRSTRLEN];
	size_t i, j, n;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		wrong_type(c, list, "services",
			   "a list ( { protocol = ...; }, ... )");
		return;
	}
	n = config_setting_length(list);
	if (!n)
		return;
	cfg->services = calloc(n, sizeof(*cfg->services));
	st = calloc(n, sizeof(*st));
	if (!cfg->services || !st) {
		report(c, list, "services", "out of memory");
		free(st);
		return;
	}
	for (i = 0; i < n; i++) {
		struct hc_service_conf *sc = &cfg->services[i];

		snprintf(base, sizeof(base), "services.[%zu]", i);
		parse_service(c, config_setting_get_elem(list, i), base, sc,
			      &st[i]);
		cfg->n_services++;
		for (j = 0; j < i; j++) {
			if (st[i].key_ok && st[j].key_ok &&
			    hc_service_same_key(&cfg->services[j].svc,
						&sc->svc)) {
				report(c, st[i].setting, base,
				       "duplicate service %s %s (as services.[%zu], line %u)",
				       nflb_proto_name(sc->svc.proto),
				       nflb_addr_format(sc->svc.family,
							&sc->svc.addr, true,
							sc->svc.port, a,
							sizeof(a)),
				       j, cfg->services[j].line);
				break;
			}
			if (st[i].name_set && st[j].name_set &&
			    strcmp(sc->name, cfg->services[j].name) == 0) {
				report(c, st[i].setting, base,
				       "duplicate name \"%s\" (as services.[%zu], line %u)",
				       sc->name, j, cfg->services[j].line);
				break;
			}
		}
	}
	for (i = 0; i < n; i++)
		free(st[i].be_ok);
	free(st);
}

static void parse_root(struct hc_ctx *c, const config_setting_t *root,
		       struct hc_config *cfg)
{
	static const char *const known[] = { "status-socket",
					     "withdraw-on-exit", "services",
					     NULL };
	const config_setting_t *m;
	const char *v;

	check_keys(c, root, "", known);
	m = config_setting_get_member(root, "status-socket");
	if (m) {
		v = get_text(c, m, "status-socket", true);
		if (v && v[0] != '/')
			report(c, m, "status-socket",
			       "\"%s\" is not an absolute path", v);
		else if (v && strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			report(c, m, "status-socket",
			       "longer than %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		else if (v)
			dup_str(c, m, "status-socket", &cfg->socket_path, v);
	}
	m = config_setting_get_member(root, "withdraw-on-exit");
	if (m)
		get_bool(c, m, "withdraw-on-exit", &cfg->withdraw_on_exit);
	m = config_setting_get_member(root, "services");
	if (m)
		parse_services(c, m, cfg);
}

/* The whole file in memory (libconfig reads it from there). */
static char *read_file(const char *path, int *error)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		*error = errno;
		return NULL;
	}
	/* Up to the first NUL byte, which a text file does not have. */
	n = getdelim(&text, &len, '\0', f);
	if (n < 0 && ferror(f)) {
		*error = errno;
	} else if (n < 0) {
		/* An empty file: an empty configuration. */
		free(text);
		text = strdup("");
		if (!text)
			*error = ENOMEM;
		fclose(f);
		return text;
	} else if (memchr(text, '\0', n)) {
		*error = EILSEQ;
	} else {
		fclose(f);
		return text;
	}
	free(text);
	fclose(f);
	return NULL;
}

int hc_config_load(const char *path, struct hc_config *cfg, hc_errfn err,
		   void *data)
{
	struct hc_ctx c = { .path = path, .err = err, .data = data };
	char *text, *dir, *slash, line[1024];
	struct hc_src *src;
	config_t lc;
	int error = 0;

	memset(cfg, 0, sizeof(*cfg));
	text = read_file(path, &error);
	if (!text) {
		snprintf(line, sizeof(line), "%s:0: cannot read: %s",
			 path, error == EILSEQ ? "not a text file (NUL byte)" :
			 strerror(error));
		if (err)
			err(line, data);
		return 1;
	}
	c.text = text;

	config_init(&lc);
	/* @include "FILE" is relative to the including file's directory. */
	dir = strdup(path);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash) {
		if (slash == dir)
			slash++;	/* "/FILE": the root directory */
		*slash = '\0';
		config_set_include_dir(&lc, dir);
		c.dir = dir;
	}
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		snprintf(line, sizeof(line), "%s:%d: %s",
			 shown_name(&c, config_error_file(&lc)),
			 config_error_line(&lc), config_error_text(&lc));
		if (err)
			err(line, data);
		c.n_err = 1;
		goto out;
	}

	parse_root(&c, config_root_setting(&lc), cfg);
	if (!c.n_err && !(cfg->path = strdup(path)))
		report(&c, NULL, "path", "out of memory");
	if (!c.n_err && !cfg->socket_path &&
	    !(cfg->socket_path = strdup(HC_DEFAULT_SOCKET)))
		report(&c, NULL, "status-socket", "out of memory");
out:
	flush_msgs(&c);
	config_destroy(&lc);
	free(dir);
	free(text);
	while ((src = c.srcs)) {
		c.srcs = src->next;
		free(src->file);
		free(src->shown);
		free(src->text);
		free(src);
	}
	if (c.n_err)
		hc_config_free(cfg);
	return c.n_err;
}

static void check_free(struct hc_check *chk)
{
	free(chk->path);
	free(chk->host);
	free(chk->expect_body);
	free(chk->command);
}

void hc_config_free(struct hc_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_services; i++) {
		free(cfg->services[i].name);
		check_free(&cfg->services[i].check);
		free(cfg->services[i].backends);
	}
	free(cfg->services);
	free(cfg->path);
	free(cfg->socket_path);
	memset(cfg, 0, sizeof(*cfg));
}

bool hc_status_match(const struct hc_check *check, long code)
{
	size_t i;

	for (i = 0; i < check->n_status; i++)
		if (code >= check->status[i].lo && code <= check->status[i].hi)
			return true;
	return false;
}

bool hc_service_same_key(const struct nflb_service *a,
			 const struct nflb_service *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       a->port == b->port &&
	       memcmp(&a->addr, &b->addr, nflb_addr_len(a->family)) == 0;
}

bool hc_backend_same_key(const struct nflb_backend *a,
			 const struct nflb_backend *b)
{
	return a->family == b->family && a->port == b->port &&
	       memcmp(&a->addr, &b->addr, nflb_addr_len(a->family)) == 0;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool hc_check_equal(const struct hc_check *a, const struct hc_check *b)
{
	return a->type == b->type && a->interval_ms == b->interval_ms &&
	       a->timeout_ms == b->timeout_ms && a->rise == b->rise &&
	       a->fall == b->fall && a->initial_up == b->initial_up &&
	       a->port == b->port && str_equal(a->path, b->path) &&
	       str_equal(a->host, b->host) && a->n_status == b->n_status &&
	       memcmp(a->status, b->status,
		      a->n_status * sizeof(a->status[0])) == 0 &&
	       str_equal(a->expect_body, b->expect_body) &&
	       a->tls_verify == b->tls_verify &&
	       a->payload_len == b->payload_len &&
	       memcmp(a->payload, b->payload, a->payload_len) == 0 &&
	       a->has_expect == b->has_expect &&
	       a->expect_len == b->expect_len &&
	       memcmp(a->expect, b->expect, a->expect_len) == 0 &&
	       str_equal(a->command, b->command);
}
