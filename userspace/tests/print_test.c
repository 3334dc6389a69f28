// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of lbadm's output: the print path of "service show",
 * "service show -s", "service table" and "version" driven with synthetic
 * services and tables, text compared with the exact format the commands
 * have always printed (selftests parse it), JSON parsed back with jansson
 * and compared field by field.  lbadm's sources are compiled in (as
 * parse_test does), with its netlink opening stubbed out.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "ktap.h"
#include "../lbadm/print.c"
#include "../lbadm/parse.c"
#include "../lbadm/service.c"
#include "../lbadm/table.c"
#include "../lbadm/version.c"
#include "../lbadm/ctindex.c"

/* What util.c provides to the command files. */
bool lbadm_stats;

void lbadm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("    # lbadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* No kernel here: every command fails to open its channel. */
/* Flow counts come from conntrack (ctflows.c): none here. */
struct lbadm_flowcount *lbadm_flowcount_load(void)
{
	return NULL;
}

struct nflb_nl *lbadm_open(void)
{
	return NULL;
}

void lbadm_nl_err(struct nflb_nl *nl, const char *what)
{
	lbadm_err("%s: %s", what, nflb_nl_error(nl)->msg);
}

/* Capture stdout in memory. */
static FILE *saved_stdout;
static char *cap_buf;
static size_t cap_len;

/* Start a capture with fresh output settings. */
static void cap_start(bool json, bool pretty, bool stats)
{
	lbadm_json = json;
	lbadm_pretty = pretty;
	lbadm_stats = stats;
	pr_streaming = false;
	pr_flushed = false;
	fflush(stdout);
	saved_stdout = stdout;
	free(cap_buf);
	cap_buf = NULL;
	stdout = open_memstream(&cap_buf, &cap_len);
	if (!stdout) {
		stdout = saved_stdout;
		printf("    # open_memstream failed\n");
		exit(EXIT_FAILURE);
	}
}

static const char *cap_end(void)
{
	fclose(stdout);
	stdout = saved_stdout;
	return cap_buf;
}

static bool same(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return true;
	printf("    # got:\n%s    # want:\n%s", got, want);
	return false;
}

/* Parse captured JSON; NULL (with the reason) if it is not valid. */
static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);

	if (!v)
		printf("    # invalid JSON (%s) in: %s\n", err.text, text);
	return v;
}

static void set_stats(struct nflb_stats *st, uint64_t base)
{
	st->present = NFLB_BIT(NFLB_STATS_A_CONNS) |
		      NFLB_BIT(NFLB_STATS_A_PKTS_IN) |
		      NFLB_BIT(NFLB_STATS_A_PKTS_OUT) |
		      NFLB_BIT(NFLB_STATS_A_BYTES_IN) |
		      NFLB_BIT(NFLB_STATS_A_BYTES_OUT) |
		      NFLB_BIT(NFLB_STATS_A_DROPS);
	st->conns = base;
	st->pkts_in = base + 1;
	st->pkts_out = base + 2;
	st->bytes_in = base + 3;
	st->bytes_out = base + 4;
	st->drops = base + 5;
}

static void set_backend(struct nflb_backend *be, const char *addr,
			uint16_t port, uint32_t weight, uint8_t state,
			uint32_t slots, uint64_t base)
{
	memset(be, 0, sizeof(*be));
	be->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(be->family, addr, &be->addr);
	be->present = NFLB_BIT(NFLB_BE_A_WEIGHT) | NFLB_BIT(NFLB_BE_A_STATE) |
		      NFLB_BIT(NFLB_BE_A_SLOTS) | NFLB_BIT(NFLB_BE_A_STATS);
	if (port)
		NFLB_SET(be, NFLB_BE_A_PORT);
	be->port = port;
	be->weight = weight;
	be->state = state;
	be->slots = slots;
	set_stats(&be->stats, base);
}

static struct nflb_backend backends[3];

/* tcp 192.0.2.10:80, snat, 3 backends (one drained). */
static void make_service(struct nflb_service *svc)
{
	memset(svc, 0, sizeof(*svc));
	svc->family = AF_INET;
	svc->proto = IPPROTO_TCP;
	inet_pton(AF_INET, "192.0.2.10", &svc->addr);
	svc->port = 80;
	svc->present = NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
		       NFLB_BIT(NFLB_SVC_A_HASH) | NFLB_BIT(NFLB_SVC_A_SEED) |
		       NFLB_BIT(NFLB_SVC_A_SNAT) | NFLB_BIT(NFLB_SVC_A_STATS);
	svc->table_size = 65537;
	svc->hash = NFLB_HASH_5TUPLE;
	svc->seed = 0;
	svc->snat = 1;
	set_stats(&svc->stats, 300);
	set_backend(&backends[0], "10.0.1.1", 80, 1, NFLB_BACKEND_UP,
		    21846, 100);
	set_backend(&backends[1], "10.0.1.2", 8080, 2, NFLB_BACKEND_UP,
		    43691, 200);
	set_backend(&backends[2], "10.0.1.3", 80, 1, NFLB_BACKEND_DRAIN,
		    0, 0);
	svc->backends = backends;
	svc->n_backends = 3;
}

/* udp [2001:db8::53]:53, hash source, a big seed, no backend. */
static void make_service6(struct nflb_service *svc)
{
	memset(svc, 0, sizeof(*svc));
	svc->family = AF_INET6;
	svc->proto = IPPROTO_UDP;
	inet_pton(AF_INET6, "2001:db8::53", &svc->addr);
	svc->port = 53;
	svc->present = NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
		       NFLB_BIT(NFLB_SVC_A_HASH) | NFLB_BIT(NFLB_SVC_A_SEED) |
		       NFLB_BIT(NFLB_SVC_A_STATS);
	svc->table_size = 251;
	svc->hash = NFLB_HASH_SOURCE;
	svc->seed = UINT64_MAX;
	set_stats(&svc->stats, 7);
}

static const char show_text[] =
	"tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 snat conns 300\n"
	"  backend 10.0.1.1:80 weight 1 state up slots 21846 conns 100\n"
	"  backend 10.0.1.2:8080 weight 2 state up slots 43691 conns 200\n"
	"  backend 10.0.1.3:80 weight 1 state drain slots 0 conns 0\n"
	"udp [2001:db8::53]:53 table-size 251 hash source seed 18446744073709551615 conns 7\n";

static const char show_stats_text[] =
	"tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 snat conns 300 pkts-in 301 pkts-out 302 bytes-in 303 bytes-out 304 drops 305\n"
	"  backend 10.0.1.1:80 weight 1 state up slots 21846 conns 100 pkts-in 101 pkts-out 102 bytes-in 103 bytes-out 104 drops 105\n"
	"  backend 10.0.1.2:8080 weight 2 state up slots 43691 conns 200 pkts-in 201 pkts-out 202 bytes-in 203 bytes-out 204 drops 205\n"
	"  backend 10.0.1.3:80 weight 1 state drain slots 0 conns 0 pkts-in 1 pkts-out 2 bytes-in 3 bytes-out 4 drops 5\n"
	"udp [2001:db8::53]:53 table-size 251 hash source seed 18446744073709551615 conns 7 pkts-in 8 pkts-out 9 bytes-in 10 bytes-out 11 drops 12\n";

static void show_both(void)
{
	struct nflb_service svc;

	make_service(&svc);
	print_service(&svc, NULL);
	make_service6(&svc);
	print_service(&svc, NULL);
	pr_flush();
}

static void text_show(void)
{
	cap_start(false, false, false);
	show_both();
	KTAP_EXPECT(same(cap_end(), show_text));
}

static void text_show_stats(void)
{
	cap_start(false, false, true);
	show_both();
	KTAP_EXPECT(same(cap_end(), show_stats_text));
}

/* Unknown enum values print as numbers; absent fields are left out. */
static void text_show_sparse(void)
{
	struct nflb_service svc;
	struct nflb_backend be;

	make_service6(&svc);
	svc.present = 0;
	svc.stats.present = 0;
	svc.proto = 132;
	set_backend(&be, "2001:db8::1", 0, 0, 9, 0, 0);
	be.present = NFLB_BIT(NFLB_BE_A_STATE);
	be.stats.present = 0;
	svc.backends = &be;
	svc.n_backends = 1;
	cap_start(false, false, true);
	print_service(&svc, NULL);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "132 [2001:db8::53]:53\n"
				    "  backend 2001:db8::1 state 9\n"));
}

static bool has_int(json_t *obj, const char *key, json_int_t want)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v) && json_integer_value(v) == want)
		return true;
	printf("    # \"%s\" is not %lld\n", key, (long long)want);
	return false;
}

static bool has_str(json_t *obj, const char *key, const char *want)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
		return true;
	printf("    # \"%s\" is not \"%s\"\n", key, want);
	return false;
}

/* The counters of set_stats(BASE), every one, in a "stats" object. */
static bool has_stats(json_t *obj, json_int_t base)
{
	json_t *st = json_object_get(obj, "stats");

	return json_is_object(st) && json_object_size(st) == 6 &&
	       has_int(st, "conns", base) && has_int(st, "pkts-in", base + 1) &&
	       has_int(st, "pkts-out", base + 2) &&
	       has_int(st, "bytes-in", base + 3) &&
	       has_int(st, "bytes-out", base + 4) &&
	       has_int(st, "drops", base + 5);
}

static void json_show(void)
{
	json_t *doc, *s, *bes, *be;

	cap_start(true, false, false);	/* every counter even without -s */
	show_both();
	doc = parse(cap_end());
	KTAP_EXPECT(doc && json_is_array(doc) && json_array_size(doc) == 2);
	if (!doc)
		return;
	s = json_array_get(doc, 0);
	KTAP_EXPECT(has_str(s, "proto", "tcp"));
	KTAP_EXPECT(has_str(s, "vip", "192.0.2.10"));
	KTAP_EXPECT(has_int(s, "port", 80));
	KTAP_EXPECT(has_int(s, "table-size", 65537));
	KTAP_EXPECT(has_str(s, "hash", "5tuple"));
	KTAP_EXPECT(has_int(s, "seed", 0));
	KTAP_EXPECT(json_is_true(json_object_get(s, "snat")));
	KTAP_EXPECT(has_stats(s, 300));
	bes = json_object_get(s, "backends");
	KTAP_EXPECT(json_is_array(bes) && json_array_size(bes) == 3);
	be = json_array_get(bes, 1);
	KTAP_EXPECT(json_object_size(be) == 6);
	KTAP_EXPECT(has_str(be, "addr", "10.0.1.2"));
	KTAP_EXPECT(has_int(be, "port", 8080));
	KTAP_EXPECT(has_int(be, "weight", 2));
	KTAP_EXPECT(has_str(be, "state", "up"));
	KTAP_EXPECT(has_int(be, "slots", 43691));
	KTAP_EXPECT(has_stats(be, 200));
	be = json_array_get(bes, 2);
	KTAP_EXPECT(has_str(be, "state", "drain") && has_stats(be, 0));

	s = json_array_get(doc, 1);
	KTAP_EXPECT(has_str(s, "proto", "udp"));
	KTAP_EXPECT(has_str(s, "vip", "2001:db8::53"));
	KTAP_EXPECT(has_int(s, "port", 53));
	KTAP_EXPECT(has_str(s, "hash", "source"));
	/* Above INT64_MAX: the exact digits, as a string. */
	KTAP_EXPECT(has_str(s, "seed", "18446744073709551615"));
	KTAP_EXPECT(json_is_false(json_object_get(s, "snat")));
	KTAP_EXPECT(has_stats(s, 7));
	bes = json_object_get(s, "backends");
	KTAP_EXPECT(json_is_array(bes) && json_array_size(bes) == 0);
	json_decref(doc);
}

/* Compact: keys in the order printed, no blanks, one line. */
static void json_compact(void)
{
	struct nflb_service svc;

	make_service6(&svc);
	svc.seed = INT64_MAX;
	set_stats(&svc.stats, 0);
	cap_start(true, false, false);
	print_service(&svc, NULL);
	pr_flush();
	KTAP_EXPECT(same(cap_end(),
			 "[{\"proto\":\"udp\",\"vip\":\"2001:db8::53\",\"port\":53,"
			 "\"table-size\":251,\"hash\":\"source\","
			 "\"seed\":9223372036854775807,\"snat\":false,"
			 "\"synproxy\":false,"
			 "\"stats\":{\"conns\":0,\"pkts-in\":1,\"pkts-out\":2,"
			 "\"bytes-in\":3,\"bytes-out\":4,\"drops\":5},"
			 "\"backends\":[]}]\n"));
}

static void json_pretty(void)
{
	json_t *doc, *compact;
	const char *out;

	cap_start(true, false, false);
	show_both();
	compact = parse(cap_end());
	cap_start(true, true, false);
	show_both();
	out = cap_end();
	doc = parse(out);
	KTAP_EXPECT(doc && compact && json_equal(doc, compact));
	KTAP_EXPECT(strncmp(out, "[\n  {\n    \"proto\": \"tcp\",\n", 26) == 0);
	KTAP_EXPECT(out[strlen(out) - 1] == '\n');
	json_decref(doc);
	json_decref(compact);
}

/* Nothing shown (no services, or a failure first): an empty array. */
static void json_empty(void)
{
	cap_start(true, false, false);
	KTAP_EXPECT(pr_flush() == 0);
	KTAP_EXPECT(same(cap_end(), "[]\n"));
	/* Once per document: a second flush adds nothing. */
	cap_start(true, false, false);
	pr_flush();
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "[]\n"));
	cap_start(false, false, false);
	KTAP_EXPECT(pr_flush() == 0);
	KTAP_EXPECT(same(cap_end(), ""));
}

/* Objects left open by a failure part way are still written, valid. */
static void json_open_at_failure(void)
{
	json_t *doc;

	cap_start(true, false, false);
	pr_begin(0);
	pr_str("proto", "tcp");
	pr_list_begin("backends");
	pr_begin(2);
	pr_u64("weight", 3);
	pr_flush();
	doc = parse(cap_end());
	KTAP_EXPECT(doc && json_array_size(doc) == 1);
	KTAP_EXPECT(has_int(json_array_get(json_object_get(
		json_array_get(doc, 0), "backends"), 0), "weight", 3));
	json_decref(doc);
}

/* Streamed (monitor): one compact object per line as each ends. */
static void json_stream(void)
{
	const char *out;

	cap_start(true, false, false);
	pr_stream();
	pr_begin(0);
	pr_str("event", "flush");
	pr_end();
	pr_begin(0);
	pr_str("event", "backend-add");
	pr_nest_begin("backend");
	pr_flag("up", true);
	pr_nest_end();
	pr_end();
	pr_flush();
	out = cap_end();
	KTAP_EXPECT(same(out, "{\"event\":\"flush\"}\n"
			      "{\"event\":\"backend-add\",\"backend\":{\"up\":true}}\n"));
}

/* Text only: labels and whole lines; a line always ends. */
static void text_lines(void)
{
	cap_start(false, false, false);
	pr_text("# a header %d", 1);
	pr_text("with its newline\n");
	pr_begin(4);
	pr_label("x");
	pr_flag("off", false);
	pr_flag("on", true);
	pr_text("after an open line");
	pr_begin(0);
	pr_u64("n", 1);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "# a header 1\nwith its newline\n"
				    "    x on\nafter an open line\nn 1\n"));
	cap_start(true, false, false);
	pr_text("nothing in JSON");
	pr_begin(0);
	pr_label("nothing either");
	pr_end();
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "[{}]\n"));
}

/* Backends 10.0.0.1:80 and 10.0.0.2:80 over 7 slots. */
static uint16_t slots7[] = { 0, 1, 1, 0, 1, 0, 0 };

static void make_table(struct nflb_table *t)
{
	memset(t, 0, sizeof(*t));
	set_backend(&backends[0], "10.0.0.1", 80, 1, 0, 0, 0);
	set_backend(&backends[1], "10.0.0.2", 80, 1, 0, 0, 0);
	t->size = 7;
	t->n_backends = 2;
	t->backends = backends;
	t->slots = slots7;
	t->filled = 7;
	t->has_size = true;
}

static void text_table(void)
{
	struct nflb_table t;

	make_table(&t);
	cap_start(false, false, false);
	KTAP_EXPECT(print_table(&t, false) == 0);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "# table-size 7 backends 2\n"
				    "0 10.0.0.1:80\n1 10.0.0.2:80\n"
				    "2 10.0.0.2:80\n3 10.0.0.1:80\n"
				    "4 10.0.0.2:80\n5 10.0.0.1:80\n"
				    "6 10.0.0.1:80\n"));
	/* FNV-1a 64 of the seven slot lines, computed independently. */
	cap_start(false, false, false);
	print_table(&t, true);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "table-size 7 digest f8e53625b40141bb\n"));
	/* An empty table: the header alone; the digest of nothing. */
	t.size = 0;
	cap_start(false, false, false);
	print_table(&t, false);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "# table-size 0 backends 2\n"));
	cap_start(false, false, false);
	print_table(&t, true);
	pr_flush();
	KTAP_EXPECT(same(cap_end(), "table-size 0 digest cbf29ce484222325\n"));
}

static void json_table(void)
{
	struct nflb_table t;
	json_t *doc, *obj, *bes, *sl;
	size_t i;

	make_table(&t);
	cap_start(true, false, false);
	print_table(&t, false);
	pr_flush();
	doc = parse(cap_end());
	KTAP_EXPECT(doc && json_array_size(doc) == 1);
	obj = json_array_get(doc, 0);
	KTAP_EXPECT(has_int(obj, "table-size", 7));
	bes = json_object_get(obj, "backends");
	KTAP_EXPECT(json_array_size(bes) == 2);
	KTAP_EXPECT(has_int(json_array_get(bes, 1), "index", 1));
	KTAP_EXPECT(has_str(json_array_get(bes, 1), "addr", "10.0.0.2"));
	KTAP_EXPECT(has_int(json_array_get(bes, 1), "port", 80));
	sl = json_object_get(obj, "slots");
	KTAP_EXPECT(json_is_array(sl) && json_array_size(sl) == 7);
	for (i = 0; i < 7; i++)
		KTAP_EXPECT(json_integer_value(json_array_get(sl, i)) ==
			    slots7[i]);
	json_decref(doc);

	cap_start(true, false, false);
	print_table(&t, true);
	pr_flush();
	KTAP_EXPECT(same(cap_end(),
			 "[{\"table-size\":7,\"digest\":\"f8e53625b40141bb\"}]\n"));
}

/* Commands that fail (no kernel here) still print valid JSON. */
static void json_failures(void)
{
	char *show[] = { "service", "show", NULL };
	char *table[] = { "service", "table", "tcp", "192.0.2.10:80", NULL };
	char *version[] = { "version", NULL };

	cap_start(true, false, false);
	KTAP_EXPECT(cmd_service(2, show) == 1);
	KTAP_EXPECT(same(cap_end(), "[]\n"));
	cap_start(true, false, false);
	KTAP_EXPECT(cmd_service(4, table) == 1);
	KTAP_EXPECT(same(cap_end(), "[]\n"));
	cap_start(true, false, false);
	KTAP_EXPECT(cmd_version(1, version) == 1);
	KTAP_EXPECT(same(cap_end(), "[{\"lbadm\":\"" LBADM_VERSION "\"}]\n"));
	cap_start(false, false, false);
	KTAP_EXPECT(cmd_version(1, version) == 1);
	KTAP_EXPECT(same(cap_end(), "lbadm " LBADM_VERSION "\n"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(text_show),
	KTAP_CASE(text_show_stats),
	KTAP_CASE(text_show_sparse),
	KTAP_CASE(json_show),
	KTAP_CASE(json_compact),
	KTAP_CASE(json_pretty),
	KTAP_CASE(json_empty),
	KTAP_CASE(json_open_at_failure),
	KTAP_CASE(json_stream),
	KTAP_CASE(text_lines),
	KTAP_CASE(text_table),
	KTAP_CASE(json_table),
	KTAP_CASE(json_failures),
};

KTAP_MAIN("lbadm_print", cases)
