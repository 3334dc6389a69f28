// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm's output: one code path for text and JSON (see lbadm.h).
 *
 * Text: every object is one line of space-separated words, "key value"
 * pairs after its leading words.  An object begun while another one's line
 * is still open ends that line first (so a service's backends, a list in
 * the service object, print on lines of their own after it); an object
 * whose line was ended that way adds nothing when it ends.
 *
 * JSON: a stack of open containers (objects, nests, lists) built with
 * jansson; key order is the order of the calls.  A value given while a
 * list is the innermost open container (no object begun in it) is appended
 * to the list as a bare value, its key ignored: "slots": [0, 1, 0, ...].
 * Unsigned numbers are JSON integers; jansson's integers are signed 64-bit,
 * so a value above INT64_MAX (in practice only a seed can be) is written as
 * a string of its decimal digits rather than rounded or wrapped.  Flags are
 * true or false.  The document is compact, or indented by 2 with -p, and
 * ends with a newline; streamed objects are compact lines even with -p.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <jansson.h>

#include "print.h"
#include "util.h"

bool lbadm_json;
bool lbadm_pretty;

/* Text state. */
static bool pr_line_open;	/* an object's line awaits its newline */
static bool pr_first;		/* no word on the line yet */

/* JSON state. */
#define PR_DEPTH 16
static json_t *pr_stack[PR_DEPTH];	/* open containers, innermost last */
static bool pr_owned[PR_DEPTH];		/* streamed: write and free on end */
static int pr_depth;
static int pr_lost;		/* containers not pushed: stack full, no memory */
static json_t *pr_doc;		/* the array of top-level objects */
static bool pr_streaming;
static int pr_errno;		/* first error: no memory, a write error */
static bool pr_flushed;		/* the document was written */

/* Record the first error, for pr_flush() to report. */
static void pr_fail(int err)
{
	if (!pr_errno)
		pr_errno = err;
}

/*
 * Text: record a write error of stdout while errno still says what it
 * was (a later call, a socket's, say, would overwrite it and leave
 * pr_flush() only stdout's error flag: "Input/output error").
 */
static void pr_check(void)
{
	if (!pr_errno && ferror(stdout))
		pr_fail(errno ? errno : EIO);
}

/* Write one JSON value and a newline; 0 or -1. */
static int pr_dump(json_t *v, size_t flags)
{
	errno = 0;
	if (json_dumpf(v, stdout, flags) < 0 ||
	    putchar('\n') == EOF || fflush(stdout) == EOF)
		return -1;
	return 0;
}

static json_t *pr_top(void)
{
	return pr_depth ? pr_stack[pr_depth - 1] : NULL;
}

/*
 * Add V under KEY to the innermost container (appended if it is a list).
 * Takes V's reference.  Values with no container open are dropped: the
 * callers only give fields inside objects.
 */
static void pr_add(const char *key, json_t *v)
{
	json_t *top = pr_top();
	int err;

	if (!v) {
		pr_fail(ENOMEM);
		return;
	}
	if (!top || pr_lost) {
		json_decref(v);
		return;
	}
	if (json_is_array(top))
		err = json_array_append_new(top, v);
	else
		err = json_object_set_new(top, key ? key : "", v);
	if (err)
		pr_fail(ENOMEM);
}

/*
 * Open container C (taking its reference): added under KEY to the
 * innermost container, or, with no container or an object innermost, a
 * top-level object of the document.  Streamed top-level objects are held
 * by the stack until written.
 */
static void pr_push(const char *key, json_t *c)
{
	json_t *top = pr_top();
	bool owned = false;
	int err = 0;

	if (!c || pr_lost || pr_depth == PR_DEPTH) {
		if (!c)
			pr_fail(ENOMEM);
		json_decref(c);
		pr_lost++;
		return;
	}
	if (top && json_is_array(top)) {
		err = json_array_append(top, c);
	} else if (top && key) {
		err = json_object_set(top, key, c);
	} else if (pr_streaming) {
		owned = true;
	} else {
		if (!pr_doc)
			pr_doc = json_array();
		err = !pr_doc || json_array_append(pr_doc, c);
	}
	if (err) {
		pr_fail(ENOMEM);
		json_decref(c);
		pr_lost++;
		return;
	}
	if (!owned)
		json_decref(c);	/* its parent holds it */
	pr_owned[pr_depth] = owned;
	pr_stack[pr_depth++] = c;
}

static void pr_pop(void)
{
	json_t *c;

	if (pr_lost) {
		pr_lost--;
		return;
	}
	if (!pr_depth)
		return;
	c = pr_stack[--pr_depth];
	if (!pr_owned[pr_depth])
		return;
	/* JSON lines: one object a line, even with -p. */
	if (pr_dump(c, JSON_COMPACT) < 0)
		pr_fail(errno ? errno : EIO);
	json_decref(c);
}

void pr_stream(void)
{
	pr_streaming = true;
}

void pr_begin(int indent)
{
	if (lbadm_json) {
		/* In a list: one of its elements; else a top-level object. */
		pr_push(NULL, json_object());
		pr_flushed = false;	/* a new document */
		return;
	}
	if (pr_line_open)
		putchar('\n');
	printf("%*s", indent, "");
	pr_line_open = true;
	pr_first = true;
}

void pr_end(void)
{
	if (lbadm_json) {
		pr_pop();
		return;
	}
	if (pr_line_open)
		putchar('\n');
	pr_line_open = false;
	/* Streamed (monitor): each line as soon as it is complete. */
	if (pr_streaming && fflush(stdout) == EOF)
		pr_fail(errno ? errno : EIO);
	pr_check();
}

void pr_sync(void)
{
	if (fflush(stdout) == EOF)
		pr_fail(errno ? errno : EIO);
}

void pr_nest_begin(const char *key)
{
	if (lbadm_json)
		pr_push(key, json_object());
}

void pr_nest_end(void)
{
	if (lbadm_json)
		pr_pop();
}

void pr_list_begin(const char *key)
{
	if (lbadm_json)
		pr_push(key, json_array());
}

void pr_list_end(void)
{
	if (lbadm_json)
		pr_pop();
}

/* Text: the separator before a word. */
static void sep(void)
{
	if (!pr_first)
		putchar(' ');
	pr_first = false;
}

void pr_label(const char *text)
{
	if (lbadm_json)
		return;
	sep();
	fputs(text, stdout);
}

void pr_value(const char *key, const char *val)
{
	if (lbadm_json) {
		pr_add(key, json_string(val));
		return;
	}
	sep();
	fputs(val, stdout);
}

void pr_str(const char *key, const char *val)
{
	if (lbadm_json) {
		pr_add(key, json_string(val));
		return;
	}
	sep();
	printf("%s %s", key, val);
}

void pr_u64(const char *key, uint64_t val)
{
	char num[24];

	if (lbadm_json) {
		if (val <= INT64_MAX) {
			pr_add(key, json_integer((json_int_t)val));
		} else {
			snprintf(num, sizeof(num), "%" PRIu64, val);
			pr_add(key, json_string(num));
		}
		return;
	}
	sep();
	printf("%s %" PRIu64, key, val);
}

void pr_flag(const char *key, bool on)
{
	if (lbadm_json) {
		pr_add(key, json_boolean(on));
		return;
	}
	if (!on)
		return;
	sep();
	fputs(key, stdout);
}

void pr_endpoint(const char *addr_key, const char *port_key,
		 uint16_t family, const union nflb_inaddr *addr,
		 bool has_port, uint16_t port)
{
	char buf[NFLB_ADDRSTRLEN];

	if (lbadm_json) {
		nflb_addr_format(family, addr, false, 0, buf, sizeof(buf));
		pr_add(addr_key, json_string(buf));
		if (has_port)
			pr_add(port_key, json_integer(port));
		return;
	}
	sep();
	fputs(nflb_addr_format(family, addr, has_port, port, buf, sizeof(buf)),
	      stdout);
}

void pr_service_table(const struct nflb_service *svc)
{
	char num[16];

	if (NFLB_HAS(svc, NFLB_SVC_A_TABLE_SIZE))
		pr_u64("table-size", svc->table_size);
	if (NFLB_HAS(svc, NFLB_SVC_A_HASH))
		pr_str("hash", nflb_enum_name_or_num(nflb_hash_names, svc->hash,
						     num, sizeof(num)));
	if (NFLB_HAS(svc, NFLB_SVC_A_SEED))
		pr_u64("seed", svc->seed);
}

void pr_service_snat_addr(const struct nflb_service *svc)
{
	char buf[NFLB_ADDRSTRLEN];

	if (svc->snat && NFLB_HAS(svc, NFLB_SVC_A_SNAT_ADDR))
		pr_value("snat-addr", nflb_addr_format(svc->family,
						       &svc->snat_addr, false,
						       0, buf, sizeof(buf)));
}

void pr_service_timeouts(const struct nflb_service *svc, bool zeros)
{
	bool tcp = zeros && svc->proto == IPPROTO_TCP;
	bool udp = zeros && svc->proto == IPPROTO_UDP;

	if (tcp || svc->timeout_tcp)
		pr_u64("timeout-tcp", svc->timeout_tcp);
	if (tcp || svc->timeout_tcp_fin)
		pr_u64("timeout-tcp-fin", svc->timeout_tcp_fin);
	if (udp || svc->timeout_udp)
		pr_u64("timeout-udp", svc->timeout_udp);
}

/* rate N burst M when set; ZEROS: "no-rate" when not (a set's event). */
void pr_service_rate(const struct nflb_service *svc, bool zeros)
{
	if (svc->rate) {
		pr_u64("rate", svc->rate);
		pr_u64("burst", svc->burst);
	} else if (zeros) {
		pr_label("no-rate");
	}
}

void pr_backend_opts(const struct nflb_backend *be)
{
	char num[16];

	if (NFLB_HAS(be, NFLB_BE_A_WEIGHT))
		pr_u64("weight", be->weight);
	if (NFLB_HAS(be, NFLB_BE_A_STATE))
		pr_str("state", nflb_enum_name_or_num(nflb_state_names,
						      be->state, num,
						      sizeof(num)));
}

/* The text is printed as given, with a newline added if it lacks one. */
void pr_text(const char *fmt, ...)
{
	va_list ap;
	char *text;
	int len;

	if (lbadm_json)
		return;
	if (pr_line_open) {
		putchar('\n');
		pr_line_open = false;
	}
	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0) {
		pr_fail(ENOMEM);
		return;
	}
	fputs(text, stdout);
	if (!len || text[len - 1] != '\n')
		putchar('\n');
	free(text);
	pr_check();
}

int pr_flush(void)
{
	int err;

	if (!lbadm_json) {
		if (pr_line_open)
			pr_end();
	} else {
		/* Objects left open by a failure are complete enough. */
		while (pr_depth || pr_lost)
			pr_pop();
		if (!pr_streaming && !pr_flushed) {
			if (!pr_doc)
				pr_doc = json_array();
			if (!pr_doc)
				pr_fail(ENOMEM);
			else if (pr_dump(pr_doc, lbadm_pretty ? JSON_INDENT(2) :
						       JSON_COMPACT) < 0)
				pr_fail(errno ? errno : EIO);
		}
		json_decref(pr_doc);
		pr_doc = NULL;
	}
	pr_flushed = true;
	if (fflush(stdout) == EOF || ferror(stdout))
		pr_fail(errno ? errno : EIO);
	err = pr_errno;
	pr_errno = 0;
	if (err) {
		lbadm_err("cannot write the output: %s", strerror(err));
		return -1;
	}
	return 0;
}
