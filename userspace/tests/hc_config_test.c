// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration file: good files read into the structures the
 * daemon uses (defaults filled, present bits set), every kind of bad file
 * reported with its exact location, all errors of a file at once, and the
 * comparison helpers (status codes, keys, checks).
 */

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <regex.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktap.h"
#include "config.h"

/* The example shipped beside the man page (tests run from the top). */
#define EXAMPLE_PATH	"userspace/lbhealthd/lbhealthd.conf.example"
#define MAN_PATH	"userspace/lbhealthd/lbhealthd.conf.5"

static char dir[] = "/tmp/hc_config_test.XXXXXX";
static char path[256];
static int n_files;

#define MAX_ERRS 64
struct errs {
	size_t n;
	char *v[MAX_ERRS];
};

static void collect(const char *msg, void *data)
{
	struct errs *e = data;

	if (e->n < MAX_ERRS)
		e->v[e->n] = strdup(msg);
	e->n++;
}

static void errs_free(struct errs *e)
{
	size_t i;

	for (i = 0; i < e->n && i < MAX_ERRS; i++)
		free(e->v[i]);
	e->n = 0;
}

static void errs_print(const struct errs *e)
{
	size_t i;

	for (i = 0; i < e->n && i < MAX_ERRS; i++)
		printf("    # error: %s\n", e->v[i]);
}

/* Write TEXT to a new file of the test directory (its name in PATH). */
static void write_conf(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/t%d.conf", dir, ++n_files);
	f = fopen(path, "w");
	if (!f) {
		printf("    # cannot create %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* Load TEXT; the number of errors, collected in E. */
static int load(const char *text, struct hc_config *cfg, struct errs *e)
{
	int n;

	memset(e, 0, sizeof(*e));
	write_conf(text);
	n = hc_config_load(path, cfg, collect, e);
	if (n != (int)e->n)
		printf("    # returned %d, reported %zu\n", n, e->n);
	return n;
}

/* Is "PATH:REST" among the errors, exactly? */
static bool has(const struct errs *e, const char *rest)
{
	char want[1024];
	size_t i;

	snprintf(want, sizeof(want), "%s:%s", path, rest);
	for (i = 0; i < e->n && i < MAX_ERRS; i++)
		if (strcmp(e->v[i], want) == 0)
			return true;
	printf("    # missing: %s\n", want);
	errs_print(e);
	return false;
}

/* An error "PATH:AT..." holding TEXT. */
static bool has_err(const struct errs *e, const char *at, const char *text)
{
	char want[1024];
	size_t i;

	snprintf(want, sizeof(want), "%s:%s", path, at);
	for (i = 0; i < e->n && i < MAX_ERRS; i++)
		if (!strncmp(e->v[i], want, strlen(want)) &&
		    strstr(e->v[i], text))
			return true;
	printf("    # missing: %s...%s...\n", want, text);
	errs_print(e);
	return false;
}

/* Exactly one error, REST; the configuration left empty. */
static bool only(const char *text, const char *rest)
{
	struct hc_config cfg;
	struct errs e;
	bool ok;

	ok = load(text, &cfg, &e) == 1 && e.n == 1 && has(&e, rest) &&
	     cfg.n_services == 0 && !cfg.services && !cfg.path;
	if (!ok && e.n != 1)
		errs_print(&e);
	errs_free(&e);
	return ok;
}

/* A service around the keys and check given. */
#define SVC(keys, check, backends)					\
	"services = (\n"						\
	"  {\n"								\
	"    protocol = \"tcp\";\n"					\
	"    address = \"10.0.0.100\";\n"				\
	"    port = 80;\n"						\
	"    " keys "\n"						\
	"    check = { " check " };\n"					\
	"    backends = ( " backends " );\n"				\
	"  }\n"								\
	");\n"

#define BE1	"{ address = \"10.0.1.1\"; }"

static bool addr_is(uint16_t family, const union nflb_inaddr *a,
		    const char *s)
{
	union nflb_inaddr x;

	memset(&x, 0, sizeof(x));
	return inet_pton(family, s, &x) == 1 &&
	       memcmp(&x, a, sizeof(x)) == 0;
}

static unsigned int all_svc_bits(uint8_t proto)
{
	unsigned int b = NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
			 NFLB_BIT(NFLB_SVC_A_HASH) | NFLB_BIT(NFLB_SVC_A_SEED) |
			 NFLB_BIT(NFLB_SVC_A_SNAT) | NFLB_BIT(NFLB_SVC_A_FORWARD) |
			 NFLB_BIT(NFLB_SVC_A_RATE) | NFLB_BIT(NFLB_SVC_A_SYNPROXY);

	if (proto == IPPROTO_TCP)
		return b | NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP) |
		       NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP_FIN);
	return b | NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP);
}

#define BE_BITS	(NFLB_BIT(NFLB_BE_A_PORT) | NFLB_BIT(NFLB_BE_A_WEIGHT) | \
		 NFLB_BIT(NFLB_BE_A_STATE))

static void test_example(void)
{
	static const uint8_t dns_query[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03,
		'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
	};
	const struct hc_service_conf *web, *dns, *db;
	struct hc_config cfg;
	struct errs e = { 0 };

	KTAP_EXPECT(hc_config_load(EXAMPLE_PATH, &cfg, collect, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 4);
	if (cfg.n_services != 4)
		return;
	KTAP_EXPECT(strcmp(cfg.path, EXAMPLE_PATH) == 0);
	KTAP_EXPECT(strcmp(cfg.socket_path, "/run/nflb/lbhealthd.sock") == 0);
	KTAP_EXPECT(!cfg.withdraw_on_exit);

	web = &cfg.services[0];
	KTAP_EXPECT(strcmp(web->name, "web") == 0);
	KTAP_EXPECT(web->svc.family == AF_INET && web->svc.proto == IPPROTO_TCP &&
		    web->svc.port == 80 &&
		    addr_is(AF_INET, &web->svc.addr, "192.0.2.10"));
	KTAP_EXPECT(web->svc.present == all_svc_bits(IPPROTO_TCP));
	KTAP_EXPECT(web->svc.table_size == 65537 && web->svc.seed == 0x5eed &&
		    web->svc.hash == NFLB_HASH_5TUPLE && web->svc.snat == 0 &&
		    web->svc.timeout_tcp == 900 && web->svc.timeout_tcp_fin == 0);
	KTAP_EXPECT(web->svc.n_backends == 0 && !web->svc.backends);
	KTAP_EXPECT(web->quorum == 2 && web->on_failure == HC_FAIL_DOWN &&
		    !web->flush_on_down);
	KTAP_EXPECT(web->has_sorry && web->sorry.port == 8080 &&
		    web->sorry.weight == 1 &&
		    addr_is(AF_INET, &web->sorry.addr, "10.0.9.1"));
	KTAP_EXPECT(web->check.type == HC_CHECK_HTTP &&
		    web->check.interval_ms == 2000 &&
		    web->check.timeout_ms == 1000 && web->check.rise == 2 &&
		    web->check.fall == 3 && !web->check.initial_up &&
		    web->check.port == 0);
	KTAP_EXPECT(strcmp(web->check.path, "/health") == 0 &&
		    strcmp(web->check.host, "www.example.com") == 0 &&
		    strcmp(web->check.expect_body, "OK") == 0 &&
		    !web->check.tls_verify);
	KTAP_EXPECT(web->check.n_headers == 1 &&
		    !strcmp(web->check.headers[0], "X-Health-Check: lbhealthd") &&
		    web->check.has_body_re &&
		    !strcmp(web->check.body_regex, "^OK( [0-9]+)?$") &&
		    !web->check.method && web->check.retry == 0);
	KTAP_EXPECT(web->check.n_status == 2 &&
		    web->check.status[0].lo == 200 &&
		    web->check.status[0].hi == 299 &&
		    web->check.status[1].lo == 301 &&
		    web->check.status[1].hi == 301);
	KTAP_EXPECT(web->n_backends == 3);
	if (web->n_backends == 3) {
		KTAP_EXPECT(web->backends[0].be.port == 80 &&
			    web->backends[0].be.weight == 1 &&
			    web->backends[0].be.state == NFLB_BACKEND_UP &&
			    web->backends[0].be.present == BE_BITS &&
			    web->backends[0].be.family == AF_INET);
		KTAP_EXPECT(web->backends[1].be.weight == 2 &&
			    addr_is(AF_INET, &web->backends[1].be.addr,
				    "10.0.1.2"));
		KTAP_EXPECT(web->backends[2].be.port == 8080);
		KTAP_EXPECT(web->backends[0].line < web->backends[1].line &&
			    web->backends[1].line < web->backends[2].line &&
			    web->line < web->backends[0].line);
	}

	dns = &cfg.services[1];
	KTAP_EXPECT(strcmp(dns->name, "dns") == 0 &&
		    dns->svc.proto == IPPROTO_UDP && dns->svc.port == 53);
	KTAP_EXPECT(dns->svc.present == all_svc_bits(IPPROTO_UDP));
	KTAP_EXPECT(dns->svc.hash == NFLB_HASH_SOURCE &&
		    dns->svc.timeout_udp == 30 && dns->flush_on_down);
	KTAP_EXPECT(dns->check.type == HC_CHECK_UDP &&
		    dns->check.interval_ms == 5000 &&
		    dns->check.timeout_ms == 500);
	KTAP_EXPECT(dns->check.payload_len == sizeof(dns_query) &&
		    memcmp(dns->check.payload, dns_query,
			   sizeof(dns_query)) == 0);
	KTAP_EXPECT(dns->check.has_expect && dns->check.expect_len == 2 &&
		    dns->check.expect[0] == 0x12 &&
		    dns->check.expect[1] == 0x34);
	KTAP_EXPECT(dns->n_backends == 2 && !dns->has_sorry &&
		    dns->quorum == 1);

	db = &cfg.services[2];
	KTAP_EXPECT(db->svc.family == AF_INET6 &&
		    addr_is(AF_INET6, &db->svc.addr, "2001:db8::5432"));
	KTAP_EXPECT(db->on_failure == HC_FAIL_DRAIN && !db->flush_on_down);
	KTAP_EXPECT(db->check.type == HC_CHECK_EXEC && db->check.initial_up &&
		    db->check.interval_ms == 10000 &&
		    db->check.timeout_ms == 5000);
	KTAP_EXPECT(db->check.command &&
		    strncmp(db->check.command, "/usr/local/bin/check-db ",
			    24) == 0 &&
		    strstr(db->check.command, "\"$NFLB_BACKEND_ADDR\""));
	KTAP_EXPECT(db->n_backends == 2 &&
		    db->backends[1].be.family == AF_INET6 &&
		    db->backends[1].be.port == 5432);

	dns = &cfg.services[3];
	KTAP_EXPECT(!strcmp(dns->name, "resolver") &&
		    dns->check.type == HC_CHECK_DNS &&
		    !strcmp(dns->check.query, "www.example.com") &&
		    dns->check.query_type == 1 && dns->check.retry == 1 &&
		    dns->check.retry_delay_ms == 500 &&
		    dns->check.timeout_ms == 1000 &&
		    dns->check.interval_ms == 3000 && dns->n_backends == 2);

	hc_config_free(&cfg);
	KTAP_EXPECT(cfg.n_services == 0 && !cfg.services && !cfg.path);
}

static char *slurp(const char *file)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* The man page's EXAMPLE is the example file, verbatim. */
static void test_man_example(void)
{
	char *man = slurp(MAN_PATH), *example = slurp(EXAMPLE_PATH);
	char *start, *end, *out, *p;

	KTAP_EXPECT(man && example);
	if (!man || !example)
		goto out;
	start = strstr(man, "\n.EX\n");
	end = start ? strstr(start, "\n.EE\n") : NULL;
	KTAP_EXPECT(start && end);
	if (!start || !end)
		goto out;
	/* Undo the roff escapes: \- is "-", \e is a backslash. */
	start += strlen("\n.EX\n");
	end[1] = '\0';
	for (p = out = start; *p; p++) {
		if (p[0] == '\\' && (p[1] == '-' || p[1] == 'e'))
			*out++ = *++p == '-' ? '-' : '\\';
		else
			*out++ = *p;
	}
	*out = '\0';
	KTAP_EXPECT(strcmp(start, example) == 0);
out:
	free(man);
	free(example);
}

static void test_minimal_defaults(void)
{
	const struct hc_service_conf *s;
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load(SVC("", "type = \"tcp\";", BE1), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1);
	if (cfg.n_services != 1)
		return;
	KTAP_EXPECT(strcmp(cfg.path, path) == 0);
	KTAP_EXPECT(strcmp(cfg.socket_path, HC_DEFAULT_SOCKET) == 0);
	KTAP_EXPECT(!cfg.withdraw_on_exit);
	s = &cfg.services[0];
	KTAP_EXPECT(strcmp(s->name, "tcp 10.0.0.100:80") == 0);
	KTAP_EXPECT(s->line == 2);
	/* Every option present, with the kernel's defaults. */
	KTAP_EXPECT(s->svc.present == all_svc_bits(IPPROTO_TCP));
	KTAP_EXPECT(s->svc.table_size == 4093 &&
		    s->svc.hash == NFLB_HASH_5TUPLE && s->svc.seed == 0 &&
		    s->svc.snat == 0 && s->svc.timeout_tcp == 0 &&
		    s->svc.timeout_tcp_fin == 0 && s->svc.timeout_udp == 0);
	KTAP_EXPECT(s->quorum == 1 && s->on_failure == HC_FAIL_DOWN &&
		    !s->has_sorry);
	/* The check's defaults. */
	KTAP_EXPECT(s->check.type == HC_CHECK_TCP &&
		    s->check.interval_ms == 2000 &&
		    s->check.timeout_ms == 1000 && s->check.rise == 2 &&
		    s->check.fall == 3 && !s->check.initial_up &&
		    s->check.port == 0 && !s->check.path && !s->check.host &&
		    !s->check.command && s->check.payload_len == 0 &&
		    !s->check.has_expect);
	KTAP_EXPECT(s->check.n_status == 1 && s->check.status[0].lo == 200 &&
		    s->check.status[0].hi == 299);
	/* The backend: the service's port, weight 1, up, all present. */
	KTAP_EXPECT(s->n_backends == 1 && s->backends[0].line == 8);
	KTAP_EXPECT(s->backends[0].be.family == AF_INET &&
		    addr_is(AF_INET, &s->backends[0].be.addr, "10.0.1.1") &&
		    s->backends[0].be.port == 80 &&
		    s->backends[0].be.weight == 1 &&
		    s->backends[0].be.state == NFLB_BACKEND_UP &&
		    s->backends[0].be.present == BE_BITS);
	hc_config_free(&cfg);

	/* http: path "/" by default; the timeout fits a short interval. */
	KTAP_EXPECT(load(SVC("", "type = \"http\"; interval = 1;", BE1), &cfg,
			 &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].check.path &&
		    strcmp(cfg.services[0].check.path, "/") == 0 &&
		    cfg.services[0].check.interval_ms == 1000 &&
		    cfg.services[0].check.timeout_ms == 500);
	hc_config_free(&cfg);

	/* snat ADDRESS: one-arm mode with that source. */
	KTAP_EXPECT(load(SVC("snat = \"203.0.113.1\";", "type = \"tcp\";", BE1),
			 &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].svc.snat == 1 &&
		    NFLB_HAS(&cfg.services[0].svc, NFLB_SVC_A_SNAT_ADDR) &&
		    cfg.services[0].svc.snat_addr.v4.s_addr == htonl(0xcb007101));
	hc_config_free(&cfg);

	/* synproxy = true: SYN cookies first. */
	KTAP_EXPECT(load(SVC("synproxy = true;", "type = \"tcp\";", BE1),
			 &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].svc.synproxy == 1 &&
		    NFLB_HAS(&cfg.services[0].svc, NFLB_SVC_A_SYNPROXY));
	hc_config_free(&cfg);

	/* Globals, a udp payload with escapes, a string seed. */
	KTAP_EXPECT(load("status-socket = \"/tmp/x.sock\";\n"
			 "withdraw-on-exit = true;\n"
			 SVC("seed = \"0x1234abcd\"; snat = true;",
			     "type = \"udp\"; port = 7; payload = \"ping\\n\"; "
			     "expect = \"pong\"; interval = 0.25; "
			     "timeout = 0.1;",
			     BE1 ", { address = \"10.0.1.2\"; port = 81; "
			     "weight = 0; }"),
			 &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 1);
	if (cfg.n_services == 1) {
		s = &cfg.services[0];
		KTAP_EXPECT(strcmp(cfg.socket_path, "/tmp/x.sock") == 0 &&
			    cfg.withdraw_on_exit);
		KTAP_EXPECT(s->svc.seed == 0x1234abcd && s->svc.snat == 1);
		KTAP_EXPECT(NFLB_HAS(&s->svc, NFLB_SVC_A_FORWARD) &&
			    s->svc.forward == NFLB_FORWARD_NAT);
		KTAP_EXPECT(s->check.port == 7 && s->check.payload_len == 5 &&
			    memcmp(s->check.payload, "ping\n", 5) == 0 &&
			    s->check.has_expect && s->check.expect_len == 4 &&
			    s->check.interval_ms == 250 &&
			    s->check.timeout_ms == 100);
		KTAP_EXPECT(s->n_backends == 2 && s->backends[1].be.port == 81 &&
			    s->backends[1].be.weight == 0);
	}
	hc_config_free(&cfg);

	/* 64-bit seeds: an L literal and all bits in hexadecimal. */
	KTAP_EXPECT(load(SVC("seed = 12345678901234L;", "type = \"tcp\";",
			     BE1), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].svc.seed == 12345678901234ULL);
	hc_config_free(&cfg);
	KTAP_EXPECT(load(SVC("seed = 0xffffffffffffffffL;", "type = \"tcp\";",
			     BE1), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].svc.seed == UINT64_MAX);
	hc_config_free(&cfg);
}

static void test_empty(void)
{
	struct hc_config cfg;
	struct errs e;

	/* No services, an empty list, an empty file: nothing owned. */
	KTAP_EXPECT(load("withdraw-on-exit = false;\n", &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 0 && cfg.path && cfg.socket_path);
	hc_config_free(&cfg);
	KTAP_EXPECT(load("services = ();\n", &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 0);
	hc_config_free(&cfg);
	KTAP_EXPECT(load("", &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 0 && cfg.path);
	hc_config_free(&cfg);
	/* A service without backends is fine too. */
	KTAP_EXPECT(load(SVC("", "type = \"tcp\";", ""), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].n_backends == 0);
	hc_config_free(&cfg);
}

static void test_ipv6(void)
{
	const struct hc_service_conf *s;
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"2001:db8::1\";\n"
			 "  port = 443;\n"
			 "  check = { type = \"https\"; tls-verify = true;\n"
			 "            tls-ca = \"/etc/ssl/internal-ca.pem\"; };\n"
			 "  sorry = { address = \"2001:db8:9::1\"; };\n"
			 "  backends = ( { address = \"2001:db8:1::1\"; },\n"
			 "               { address = \"2001:db8:1::2\"; port = 8443; } );\n"
			 "} );\n", &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 1);
	if (cfg.n_services != 1)
		return;
	s = &cfg.services[0];
	KTAP_EXPECT(strcmp(s->name, "tcp [2001:db8::1]:443") == 0);
	KTAP_EXPECT(s->svc.family == AF_INET6 &&
		    addr_is(AF_INET6, &s->svc.addr, "2001:db8::1"));
	KTAP_EXPECT(s->check.type == HC_CHECK_HTTPS && s->check.tls_verify);
	KTAP_EXPECT(s->check.tls_ca &&
		    strcmp(s->check.tls_ca, "/etc/ssl/internal-ca.pem") == 0);
	KTAP_EXPECT(s->has_sorry && s->sorry.family == AF_INET6 &&
		    s->sorry.port == 443);
	KTAP_EXPECT(s->n_backends == 2 &&
		    s->backends[0].be.family == AF_INET6 &&
		    s->backends[0].be.port == 443 &&
		    s->backends[1].be.port == 8443 &&
		    addr_is(AF_INET6, &s->backends[1].be.addr,
			    "2001:db8:1::2"));
	hc_config_free(&cfg);
}

static void test_all_ports(void)
{
	struct hc_config cfg;
	struct errs e;

	/* Port 0: backends take no port, the check names the one to probe. */
	KTAP_EXPECT(load("services = ( {\n"
			 "  protocol = \"udp\"; address = \"10.0.0.1\"; port = 0;\n"
			 "  check = { type = \"tcp\"; port = 8080; };\n"
			 "  backends = ( { address = \"10.0.1.1\"; },\n"
			 "               { address = \"10.0.1.2\"; port = 0; } );\n"
			 "} );\n", &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].svc.port == 0 &&
		    cfg.services[0].check.port == 8080 &&
		    cfg.services[0].n_backends == 2 &&
		    cfg.services[0].backends[0].be.port == 0 &&
		    cfg.services[0].backends[1].be.port == 0 &&
		    strcmp(cfg.services[0].name, "udp 10.0.0.1:0") == 0);
	hc_config_free(&cfg);
	/* An exec check needs no port. */
	KTAP_EXPECT(load("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 0;\n"
			 "  check = { type = \"exec\"; command = \"true\"; };\n"
			 "  backends = ( { address = \"10.0.1.1\"; } );\n"
			 "} );\n", &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1);
	hc_config_free(&cfg);
	/* A network check without a port: nothing to probe. */
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 0;\n"
			 "  check = { type = \"http\"; };\n"
			 "  backends = ( { address = \"10.0.1.1\"; } );\n"
			 "} );\n",
			 "3: services.[0].check: missing \"port\": the service takes every port (port 0), so its backends have none to probe"));
	/* Backends of an all-ports service take no port, as the kernel says. */
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 0;\n"
			 "  check = { type = \"tcp\"; port = 22; };\n"
			 "  backends = ( { address = \"10.0.1.1\";\n"
			 "                 port = 22; } );\n"
			 "} );\n",
			 "5: services.[0].backends.[0].port: a backend of an all-ports service (port 0) takes no port: it keeps the client's destination port"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; port = 0; }"),
			 "8: services.[0].backends.[0].port: port 0 is only for backends of an all-ports service (1-65535)"));
}

static void test_syntax_error(void)
{
	struct hc_config cfg;
	struct errs e;

	/* A syntax error stops parsing: it is the only error. */
	KTAP_EXPECT(load("services = (\n  { protocol = \"tcp\"; frob = ; }\n);\n",
			 &cfg, &e) == 1);
	KTAP_EXPECT(e.n == 1 && has(&e, "2: syntax error"));
	KTAP_EXPECT(cfg.n_services == 0 && !cfg.services);
	errs_free(&e);
	KTAP_EXPECT(only("a = 1;\na = 2;\n", "2: duplicate setting name"));
	KTAP_EXPECT(only("services = (\n", "2: syntax error"));

	/* An unreadable file: line 0. */
	memset(&e, 0, sizeof(e));
	snprintf(path, sizeof(path), "%s/no-such-file.conf", dir);
	KTAP_EXPECT(hc_config_load(path, &cfg, collect, &e) == 1);
	KTAP_EXPECT(e.n == 1 &&
		    has(&e, "0: cannot read: No such file or directory"));
	errs_free(&e);
}

static void test_unknown_keys(void)
{
	KTAP_EXPECT(only("withdraw = true;\n",
			 "1: withdraw: unknown key"));
	KTAP_EXPECT(only("status-sockets = \"/run/x\";\n",
			 "1: status-sockets: unknown key (did you mean \"status-socket\"?)"));
	KTAP_EXPECT(only(SVC("heash = \"source\";", "type = \"tcp\";", BE1),
			 "6: services.[0].heash: unknown key (did you mean \"hash\"?)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; intervall = 2;", BE1),
			 "7: services.[0].check.intervall: unknown key (did you mean \"interval\"?)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; wieght = 2; }"),
			 "8: services.[0].backends.[0].wieght: unknown key (did you mean \"weight\"?)"));
	KTAP_EXPECT(only(SVC("sorry = { address = \"10.0.9.1\"; state = \"up\"; };",
			     "type = \"tcp\";", BE1),
			 "6: services.[0].sorry.state: unknown key"));
}

static void test_wrong_types(void)
{
	KTAP_EXPECT(only("services = { };\n",
			 "1: services: expected a list ( { protocol = ...; }, ... ), not a group { ... }"));
	KTAP_EXPECT(only("withdraw-on-exit = 1;\n",
			 "1: withdraw-on-exit: expected true or false, not an integer"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\";\n"
			 "  port = \"80\";\n"
			 "  check = { type = \"tcp\"; };\n"
			 "} );\n",
			 "3: services.[0].port: expected an integer, not a string"));
	KTAP_EXPECT(only(SVC("snat = \"yes\";", "type = \"tcp\";", BE1),
			 "6: services.[0].snat: invalid address \"yes\" (an IPv4 or IPv6 address, no port)"));
	KTAP_EXPECT(only(SVC("forward = \"vxlan\";", "type = \"tcp\";", BE1),
			 "6: services.[0].forward: invalid value \"vxlan\" (nat, gre or ipip)"));
	KTAP_EXPECT(only(SVC("snat = true; forward = \"gre\";", "type = \"tcp\";", BE1),
			 "6: services.[0].forward: snat is only valid with forward \"nat\", not \"gre\""));
	KTAP_EXPECT(only(SVC("snat = \"192.0.2.99\"; forward = \"ipip\";", "type = \"tcp\";", BE1),
			 "6: services.[0].forward: snat is only valid with forward \"nat\", not \"ipip\""));
	KTAP_EXPECT(only(SVC("synproxy = true; forward = \"gre\";", "type = \"tcp\";", BE1),
			 "6: services.[0].synproxy: synproxy is only valid with forward \"nat\", not \"gre\""));
	KTAP_EXPECT(only(SVC("synproxy = 1;", "type = \"tcp\";", BE1),
			 "6: services.[0].synproxy: expected true or false, not an integer"));
	KTAP_EXPECT(only("services = ( { protocol = \"udp\"; address = \"10.0.0.100\";\n"
			 "port = 53; synproxy = true;\n"
			 "check = { type = \"udp\"; payload = \"x\"; };\n"
			 "backends = ( " BE1 " ); } );\n",
			 "2: services.[0].synproxy: synproxy is only valid for tcp services"));
	KTAP_EXPECT(only(SVC("snat = 1;", "type = \"tcp\";", BE1),
			 "6: services.[0].snat: expected true, false or an address, not an integer"));
	KTAP_EXPECT(only(SVC("snat = \"2001:db8::1\";", "type = \"tcp\";", BE1),
			 "6: services.[0].snat: snat address is IPv6, the VIP IPv4"));
	KTAP_EXPECT(only(SVC("snat = \"224.0.0.1\";", "type = \"tcp\";", BE1),
			 "6: services.[0].snat: \"224.0.0.1\" is not a unicast address"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; interval = \"2s\";", BE1),
			 "7: services.[0].check.interval: expected a number of seconds, not a string"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; path = 5;", BE1),
			 "7: services.[0].check.path: expected a string, not an integer"));
	KTAP_EXPECT(only(SVC("seed = 1.5;", "type = \"tcp\";", BE1),
			 "6: services.[0].seed: expected an integer or a string, not a float"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 1;\n"
			 "  check = \"tcp\";\n"
			 "} );\n",
			 "3: services.[0].check: expected a group { type = ...; }, not a string"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 1;\n"
			 "  check = { type = \"tcp\"; };\n"
			 "  backends = { address = \"10.0.1.1\"; };\n"
			 "} );\n",
			 "4: services.[0].backends: expected a list ( { address = ...; }, ... ), not a group { ... }"));
	KTAP_EXPECT(only(SVC("", "type = \"udp\"; payload = [ \"a\" ];", BE1),
			 "7: services.[0].check.payload: byte [0]: expected an integer (0-255), not a string"));
	KTAP_EXPECT(only("services = ( \"web\" );\n",
			 "1: services.[0]: expected a group { protocol = ...; }, not a string"));
}

static void test_out_of_range(void)
{
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; weight = 70000; }"),
			 "8: services.[0].backends.[0].weight: 70000 is out of range (0-65535)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; rise = 0;", BE1),
			 "7: services.[0].check.rise: 0 is out of range (1-100)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; fall = 101;", BE1),
			 "7: services.[0].check.fall: 101 is out of range (1-100)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; interval = 0.05;", BE1),
			 "7: services.[0].check.interval: 0.05 is out of range (0.1-3600 seconds)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; port = 65536;", BE1),
			 "7: services.[0].check.port: 65536 is out of range (1-65535)"));
	KTAP_EXPECT(only(SVC("timeout-tcp = 4000001;", "type = \"tcp\";", BE1),
			 "6: services.[0].timeout-tcp: 4000001 is out of range (0-4000000)"));
	KTAP_EXPECT(only(SVC("quorum = -1;", "type = \"tcp\";", BE1),
			 "6: services.[0].quorum: -1 is out of range (0-65535)"));
	/* libconfig wraps a plain literal past 32 bits: caught, not read as 80. */
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\";\n"
			 "  port = 4294967376;\n"
			 "  check = { type = \"tcp\"; };\n"
			 "} );\n",
			 "3: services.[0].port: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("seed = 12345678901234;", "type = \"tcp\";", BE1),
			 "6: services.[0].seed: integer too large for a plain literal (add an L suffix, or give it as a string)"));
	KTAP_EXPECT(only(SVC("seed = -1;", "type = \"tcp\";", BE1),
			 "6: services.[0].seed: -1 is negative (0-18446744073709551615)"));
	KTAP_EXPECT(only(SVC("seed = \"12x\";", "type = \"tcp\";", BE1),
			 "6: services.[0].seed: invalid seed \"12x\" (0-18446744073709551615, decimal or 0x hex)"));
	KTAP_EXPECT(only(SVC("quorum = 2;", "type = \"tcp\";", BE1),
			 "6: services.[0].quorum: 2 exceeds the number of backends (1)"));
	KTAP_EXPECT(only(SVC("", "type = \"udp\"; expect = \"\";", BE1),
			 "7: services.[0].check.expect: empty (leave it out to accept any reply)"));
}

/*
 * Every integer literal past its type's range is an error wherever it is
 * written: on the line after its key, beside a valid one of the same key,
 * in an array, under a key nobody reads.  (libconfig 1.5 wraps a plain
 * literal to 32 bits and clamps an L one to 64: 4294967376 reads as 80.)
 */
static void test_wrapped_ints(void)
{
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; address = \"10.0.0.1\";\n"
			 "  port =\n"
			 "    4294967376;\n"
			 "  check = { type = \"tcp\"; };\n"
			 "} );\n",
			 "3: services.[0].port: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; port = 80; }, "
			     "{ address = \"10.0.1.2\"; port = 4294967376; }"),
			 "8: services.[0].backends.[1].port: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; weight = 4294967297; port = 80; }"),
			 "8: services.[0].backends.[0].weight: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; interval =\n 4294967298;", BE1),
			 "7: services.[0].check.interval: integer too large (0.1-3600 seconds)"));
	KTAP_EXPECT(only(SVC("quorum = 0x100000001;", "type = \"tcp\";", BE1),
			 "6: services.[0].quorum: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("quorum = -4294967295;", "type = \"tcp\";", BE1),
			 "6: services.[0].quorum: integer too large (out of range 0-65535)"));
	KTAP_EXPECT(only(SVC("seed = 99999999999999999999L;", "type = \"tcp\";",
			     BE1),
			 "6: services.[0].seed: integer too large for a plain literal (add an L suffix, or give it as a string)"));
	KTAP_EXPECT(only(SVC("", "type = \"udp\"; payload = [ 1,\n 4294967297 ];",
			     BE1),
			 "7: services.[0].check.payload: byte [1]: integer too large (0-255)"));
	/* Under a key nobody reads, it is still reported. */
	KTAP_EXPECT(load("x = { y = 4294967376; };\n", &cfg, &e) == 2);
	KTAP_EXPECT(has(&e, "1: x: unknown key"));
	KTAP_EXPECT(has(&e, "1: x.y: integer too large"));
	errs_free(&e);
	/* Strings, comments and floats hold no integer literal. */
	KTAP_EXPECT(load(SVC("name = \"4294967376 # 99999999999\"; "
			     "/* port = 4294967376; */ // 4294967376",
			     "type = \"tcp\"; interval = 1.5e3; "
			     "timeout = 0.5;", BE1), &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	hc_config_free(&cfg);
	/* The same values, in range, are read. */
	KTAP_EXPECT(load(SVC("seed = 0xffffffffffffffffL; quorum =\n 1;",
			     "type = \"tcp\"; port =\n 8080;",
			     "{ address = \"10.0.1.1\"; port = 80; }, "
			     "{ address = \"10.0.1.2\"; port = 81; }"),
			 &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].check.port == 8080 &&
		    cfg.services[0].svc.seed == UINT64_MAX &&
		    cfg.services[0].n_backends == 2 &&
		    cfg.services[0].backends[1].be.port == 81);
	hc_config_free(&cfg);
}

/*
 * A large file is checked in time linear in its size: 20,000 backends,
 * one of them with a wrapped port and one a duplicate.
 */
#define MANY_BACKENDS	20000

static char *many_backends(size_t bad, size_t dup)
{
	size_t i, len = 0, cap = 256 + MANY_BACKENDS * 64;
	char *text = malloc(cap);

	len += snprintf(text + len, cap - len,
			"services = ( {\n"
			"  protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
			"  check = { type = \"tcp\"; };\n"
			"  backends = (\n");
	for (i = 0; i < MANY_BACKENDS; i++)
		len += snprintf(text + len, cap - len,
				"    { address = \"10.%zu.%zu.%zu\"; port = %s; }%s\n",
				1 + (i == dup ? 0 : i) / 65536,
				(i == dup ? 0 : i) / 256 % 256,
				(i == dup ? 0 : i) % 256,
				i == bad ? "4294967376" : "80",
				i + 1 < MANY_BACKENDS ? "," : "");
	snprintf(text + len, cap - len, "  );\n} );\n");
	return text;
}

static void test_many_backends(void)
{
	struct hc_config cfg;
	struct errs e;
	char *text, want[160];

	text = many_backends(SIZE_MAX, SIZE_MAX);
	KTAP_EXPECT(load(text, &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	free(text);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].n_backends == MANY_BACKENDS &&
		    cfg.services[0].backends[MANY_BACKENDS - 1].line ==
		    MANY_BACKENDS + 4 &&
		    addr_is(AF_INET,
			    &cfg.services[0].backends[MANY_BACKENDS - 1].be.addr,
			    "10.1.78.31"));
	hc_config_free(&cfg);

	text = many_backends(15000, 17000);
	KTAP_EXPECT(load(text, &cfg, &e) == 2);
	free(text);
	KTAP_EXPECT(has(&e, "15005: services.[0].backends.[15000].port: integer too large (out of range 0-65535)"));
	snprintf(want, sizeof(want),
		 "17005: services.[0].backends.[17000]: duplicate backend 10.1.0.0:80 (as backends.[0], line 5)");
	KTAP_EXPECT(has(&e, want));
	errs_free(&e);
}

static void test_prime_rule(void)
{
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(only(SVC("table-size = 65536;", "type = \"tcp\";", BE1),
			 "6: services.[0].table-size: 65536 is not a prime (nearest: 65521 or 65537)"));
	KTAP_EXPECT(only(SVC("table-size = 250;", "type = \"tcp\";", BE1),
			 "6: services.[0].table-size: 250 is out of range (251-131071)"));
	KTAP_EXPECT(only(SVC("table-size = 131072;", "type = \"tcp\";", BE1),
			 "6: services.[0].table-size: 131072 is out of range (251-131071)"));
	KTAP_EXPECT(only(SVC("table-size = 255;", "type = \"tcp\";", BE1),
			 "6: services.[0].table-size: 255 is not a prime (nearest: 251 or 257)"));
	/* The bounds themselves are primes, and taken. */
	KTAP_EXPECT(load(SVC("table-size = 251;", "type = \"tcp\";", BE1),
			 &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].svc.table_size == 251);
	hc_config_free(&cfg);
	KTAP_EXPECT(load(SVC("table-size = 131071;", "type = \"tcp\";", BE1),
			 &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].svc.table_size == 131071);
	hc_config_free(&cfg);
}

static void test_bad_addresses(void)
{
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";", "{ address = \"10.0.0.256\"; }"),
			 "8: services.[0].backends.[0].address: invalid address \"10.0.0.256\" (an IPv4 or IPv6 address, no port)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";", "{ address = \"10.0.1.1:80\"; }"),
			 "8: services.[0].backends.[0].address: invalid address \"10.0.1.1:80\" (an IPv4 or IPv6 address, no port)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";", "{ address = \"224.0.0.1\"; }"),
			 "8: services.[0].backends.[0].address: \"224.0.0.1\" is not a unicast address"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; port = 1;\n"
			 "  address = \"::\";\n"
			 "  check = { type = \"tcp\"; };\n"
			 "} );\n",
			 "3: services.[0].address: \"::\" is not a unicast address"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"sctp\"; port = 1; address = \"10.0.0.1\";\n"
			 "  check = { type = \"tcp\"; };\n"
			 "} );\n",
			 "2: services.[0].protocol: invalid value \"sctp\" (tcp or udp)"));
}

static void test_family_mismatch(void)
{
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";", "{ address = \"2001:db8::1\"; }"),
			 "8: services.[0].backends.[0].address: IPv6 address in an IPv4 service"));
	KTAP_EXPECT(only(SVC("sorry = { address = \"2001:db8::9\"; };",
			     "type = \"tcp\";", BE1),
			 "6: services.[0].sorry.address: IPv6 address in an IPv4 service"));
	KTAP_EXPECT(only("services = ( {\n"
			 "  protocol = \"tcp\"; port = 1; address = \"2001:db8::1\";\n"
			 "  check = { type = \"tcp\"; };\n"
			 "  backends = ( { address = \"10.0.1.1\"; } );\n"
			 "} );\n",
			 "4: services.[0].backends.[0].address: IPv4 address in an IPv6 service"));
}

static void test_duplicates(void)
{
	/* Same protocol, VIP and port. */
	KTAP_EXPECT(only("services = (\n"
			 "  { protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
			 "    check = { type = \"tcp\"; }; },\n"
			 "  { protocol = \"udp\"; address = \"10.0.0.1\"; port = 80;\n"
			 "    check = { type = \"udp\"; }; },\n"
			 "  { protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
			 "    check = { type = \"tcp\"; }; }\n"
			 ");\n",
			 "6: services.[2]: duplicate service tcp 10.0.0.1:80 (as services.[0], line 2)"));
	/* The same backend, once by default port, once explicitly. */
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; }, { address = \"10.0.1.2\"; },\n"
			     "{ address = \"10.0.1.1\"; port = 80; }"),
			 "9: services.[0].backends.[2]: duplicate backend 10.0.1.1:80 (as backends.[0], line 8)"));
	/* The sorry backend cannot be one of the backends. */
	KTAP_EXPECT(only(SVC("sorry = { address = \"10.0.1.1\"; };",
			     "type = \"tcp\";", BE1),
			 "6: services.[0].sorry: the sorry backend is also backends.[0] (line 8)"));
	KTAP_EXPECT(only("services = (\n"
			 "  { name = \"a\"; protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
			 "    check = { type = \"tcp\"; }; },\n"
			 "  { name = \"a\"; protocol = \"tcp\"; address = \"10.0.0.2\"; port = 80;\n"
			 "    check = { type = \"tcp\"; }; }\n"
			 ");\n",
			 "4: services.[1]: duplicate name \"a\" (as services.[0], line 2)"));
}

static void test_check_rules(void)
{
	/* Keys of another check type. */
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";\n path = \"/x\";", BE1),
			 "8: services.[0].check.path: not valid for a tcp check (only for http and https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\";\n tls-verify = true;", BE1),
			 "8: services.[0].check.tls-verify: not valid for an http check (only for https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\";\n tls-ca = \"/ca.pem\";", BE1),
			 "8: services.[0].check.tls-ca: not valid for an http check (only for https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"https\"; tls-ca = \"ca.pem\";", BE1),
			 "7: services.[0].check.tls-ca: \"ca.pem\" is not an absolute path"));
	KTAP_EXPECT(only(SVC("", "type = \"http\";\n command = \"true\";", BE1),
			 "8: services.[0].check.command: not valid for an http check (only for exec checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";\n payload = \"x\";", BE1),
			 "8: services.[0].check.payload: not valid for a tcp check (only for udp checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"exec\"; command = \"true\";\n port = 80;", BE1),
			 "8: services.[0].check.port: not valid for an exec check (only for tcp, http, https, udp and dns checks)"));
	/* The timeout must be shorter than the interval. */
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; interval = 1;\n timeout = 1.0;", BE1),
			 "8: services.[0].check.timeout: 1 s is not less than the interval (1 s)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";\n timeout = 3;", BE1),
			 "8: services.[0].check.timeout: 3 s is not less than the interval (2 s)"));
	/* Check values. */
	KTAP_EXPECT(only(SVC("", "type = \"ping\";", BE1),
			 "7: services.[0].check.type: invalid value \"ping\" (tcp, http, https, udp, exec or dns)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; path = \"health\";", BE1),
			 "7: services.[0].check.path: \"health\" does not start with \"/\""));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; initial = \"maybe\";", BE1),
			 "7: services.[0].check.initial: invalid value \"maybe\" (up or down)"));
	KTAP_EXPECT(only(SVC("on-failure = \"weight0\";", "type = \"tcp\";", BE1),
			 "6: services.[0].on-failure: invalid value \"weight0\" (down or drain)"));
	KTAP_EXPECT(only(SVC("timeout-udp = 30;", "type = \"tcp\";", BE1),
			 "6: services.[0].timeout-udp: only for a udp service"));
}

/* keepalived's checker options: method, headers, regex, SNI, dns, retry. */
static void test_keepalived_checks(void)
{
	const struct hc_check *k;
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load(SVC("",
			     "type = \"https\"; method = \"HEAD\";\n"
			     " headers = [ \"X-Probe: lbhealthd\", \"Accept:\" ];\n"
			     " expect-body-regex = \"^OK( [0-9]+)?$\";\n"
			     " tls-sni = \"web.example.com\"; host = \"other.example.com\";\n"
			     " interval = 5; timeout = 1; retry = 2; delay-before-retry = 0.5;",
			     BE1), &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1);
	if (cfg.n_services == 1) {
		k = &cfg.services[0].check;
		KTAP_EXPECT(k->method && !strcmp(k->method, "HEAD"));
		KTAP_EXPECT(k->n_headers == 2 &&
			    !strcmp(k->headers[0], "X-Probe: lbhealthd") &&
			    !strcmp(k->headers[1], "Accept:"));
		KTAP_EXPECT(k->has_body_re &&
			    regexec(&k->body_re, "OK 42", 0, NULL, 0) == 0 &&
			    regexec(&k->body_re, "NOT OK", 0, NULL, 0) != 0);
		KTAP_EXPECT(k->tls_sni && !strcmp(k->tls_sni, "web.example.com"));
		KTAP_EXPECT(k->retry == 2 && k->retry_delay_ms == 500);
	}
	hc_config_free(&cfg);
	/* dns: the query; A by default; the backend's port unless told. */
	KTAP_EXPECT(load(SVC("", "type = \"dns\"; query = \"www.example.com.\";",
			     BE1), &cfg, &e) == 0);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].check.type == HC_CHECK_DNS &&
		    !strcmp(cfg.services[0].check.query, "www.example.com.") &&
		    cfg.services[0].check.query_type == 1 &&
		    cfg.services[0].check.retry == 0 &&
		    cfg.services[0].check.retry_delay_ms == 1000);
	hc_config_free(&cfg);
	KTAP_EXPECT(load(SVC("", "type = \"dns\"; query = \"example.com\"; query-type = \"AAAA\"; port = 5353;",
			     BE1), &cfg, &e) == 0);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].check.query_type == 28 &&
		    cfg.services[0].check.port == 5353);
	hc_config_free(&cfg);

	/* Errors, each naming the key. */
	KTAP_EXPECT(only(SVC("", "type = \"http\"; method = \"FETCH\";", BE1),
			 "7: services.[0].check.method: invalid value \"FETCH\" (GET, HEAD, POST, PUT, DELETE, OPTIONS or PATCH)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";\n method = \"GET\";", BE1),
			 "8: services.[0].check.method: not valid for a tcp check (only for http and https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; headers = [ \"X Probe: 1\" ];", BE1),
			 "7: services.[0].check.headers.[0]: invalid header \"X Probe: 1\" (\"Name: value\", the name a token)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; headers = [ \"Host: a\" ];", BE1),
			 "7: services.[0].check.headers.[0]: \"Host\" is set with the check's \"host\""));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; headers = \"X: 1\";", BE1),
			 "7: services.[0].check.headers: expected an array of strings [ \"Name: value\", ... ], not a string"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-body-regex = \"(OK\";", BE1),
			 "7: services.[0].check.expect-body-regex: invalid regular expression \"(OK\": Unmatched ( or \\("));
	KTAP_EXPECT(only(SVC("", "type = \"https\"; tls-sni = \"192.0.2.1\";", BE1),
			 "7: services.[0].check.tls-sni: \"192.0.2.1\" is an address: a server name is a host name"));
	KTAP_EXPECT(only(SVC("", "type = \"https\"; tls-sni = \"web..test\";", BE1),
			 "7: services.[0].check.tls-sni: \"web..test\" is not a host name"));
	KTAP_EXPECT(only(SVC("", "type = \"http\";\n tls-sni = \"web.test\";", BE1),
			 "8: services.[0].check.tls-sni: not valid for an http check (only for https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"dns\";", BE1),
			 "7: services.[0].check: missing \"query\" (required for dns checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"dns\"; query = \"a b\";", BE1),
			 "7: services.[0].check.query: \"a b\" contains a blank"));
	KTAP_EXPECT(only(SVC("", "type = \"dns\"; query = \"x\"; query-type = \"ANY\";", BE1),
			 "7: services.[0].check.query-type: invalid value \"ANY\" (A, AAAA, CNAME, MX, NS, PTR, SOA, SRV or TXT)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";\n query = \"x\";", BE1),
			 "8: services.[0].check.query: not valid for a tcp check (only for dns checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; retry = 101;", BE1),
			 "7: services.[0].check.retry: 101 is out of range (0-100)"));
	/* A run and its retries end before the next run. */
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; interval = 2; timeout = 0.5;\n retry = 2;", BE1),
			 "8: services.[0].check.retry: 2 retries take up to 3.5 s (timeout 0.5 s, delay-before-retry 1 s each), not less than the interval (2 s)"));
}

/* A backend's own check, replacing its service's for it. */
static void test_backend_check(void)
{
	const struct hc_service_conf *sc;
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load(SVC("", "type = \"http\"; path = \"/h\";",
			     BE1 ", { address = \"10.0.1.2\";\n"
			     " check = { type = \"dns\"; query = \"example.com\"; port = 53; }; }"),
			 &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].n_backends == 2);
	if (cfg.n_services == 1 && cfg.services[0].n_backends == 2) {
		sc = &cfg.services[0];
		KTAP_EXPECT(!sc->backends[0].check &&
			    hc_backend_check(sc, &sc->backends[0]) == &sc->check);
		KTAP_EXPECT(sc->backends[1].check &&
			    hc_backend_check(sc, &sc->backends[1]) ==
			    sc->backends[1].check &&
			    sc->backends[1].check->type == HC_CHECK_DNS &&
			    sc->backends[1].check->port == 53 &&
			    sc->backends[1].check->interval_ms == 2000);
	}
	hc_config_free(&cfg);
	/* Its errors, under its own key. */
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.2\";\n check = { type = \"tcp\"; path = \"/\"; }; }"),
			 "9: services.[0].backends.[0].check.path: not valid for a tcp check (only for http and https checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.2\";\n check = { interval = 1; }; }"),
			 "9: services.[0].backends.[0].check: missing \"type\" (tcp, http, https, udp, exec or dns)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.2\";\n check = \"tcp\"; }"),
			 "9: services.[0].backends.[0].check: expected a group { type = ...; }, not a string"));
	/* An all-ports service's backend: its check needs a port too. */
	KTAP_EXPECT(only("services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 0;\n"
			 "  check = { type = \"tcp\"; port = 22; };\n"
			 "  backends = ( { address = \"10.0.1.1\";\n"
			 "    check = { type = \"http\"; }; } ); });\n",
			 "4: services.[0].backends.[0].check: missing \"port\": the service takes every port (port 0), so its backends have none to probe"));
}

/* Several checks per backend, and how many must pass. */
static void test_several_checks(void)
{
	const struct hc_service_conf *sc;
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load("services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
			 "  check = ( { type = \"tcp\"; }, { type = \"http\"; path = \"/h\"; },\n"
			 "            { type = \"dns\"; query = \"x.test\"; } );\n"
			 "  checks-required = 2;\n"
			 "  backends = ( { address = \"10.0.1.1\"; },\n"
			 "    { address = \"10.0.1.2\";\n"
			 "      check = ( { type = \"tcp\"; port = 22; }, { type = \"udp\"; } ); } ); });\n",
			 &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].n_backends == 2);
	if (cfg.n_services == 1 && cfg.services[0].n_backends == 2) {
		sc = &cfg.services[0];
		KTAP_EXPECT(hc_backend_n_checks(sc, &sc->backends[0]) == 3 &&
			    hc_backend_required(sc, &sc->backends[0]) == 2);
		KTAP_EXPECT(hc_backend_check_i(sc, &sc->backends[0], 0)->type == HC_CHECK_TCP &&
			    hc_backend_check_i(sc, &sc->backends[0], 1)->type == HC_CHECK_HTTP &&
			    hc_backend_check_i(sc, &sc->backends[0], 2)->type == HC_CHECK_DNS);
		/* Its own two checks, all required (the default). */
		KTAP_EXPECT(hc_backend_n_checks(sc, &sc->backends[1]) == 2 &&
			    hc_backend_required(sc, &sc->backends[1]) == 2 &&
			    hc_backend_check_i(sc, &sc->backends[1], 0)->port == 22 &&
			    hc_backend_check_i(sc, &sc->backends[1], 1)->type == HC_CHECK_UDP);
	}
	hc_config_free(&cfg);
	/* One check: required 1. */
	KTAP_EXPECT(load(SVC("", "type = \"tcp\";", BE1), &cfg, &e) == 0);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 1 &&
		    hc_backend_n_checks(&cfg.services[0], &cfg.services[0].backends[0]) == 1 &&
		    hc_backend_required(&cfg.services[0], &cfg.services[0].backends[0]) == 1);
	hc_config_free(&cfg);
	/* Errors, each under its key. */
	KTAP_EXPECT(only("services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
			 "  check = ( { type = \"tcp\"; }, { type = \"http\"; port = 0; } );\n"
			 "  backends = ( { address = \"10.0.1.1\"; } ); });\n",
			 "2: services.[0].check.[1].port: 0 is out of range (1-65535)"));
	KTAP_EXPECT(only("services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
			 "  check = ( );\n"
			 "  backends = ( { address = \"10.0.1.1\"; } ); });\n",
			 "2: services.[0].check: an empty list (at least one check)"));
	KTAP_EXPECT(only("services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
			 "  check = ( { type = \"tcp\"; }, { type = \"tcp\"; port = 22; } );\n"
			 "  checks-required = 3;\n"
			 "  backends = ( { address = \"10.0.1.1\"; } ); });\n",
			 "3: services.[0].checks-required: 3 is more than the 2 checks"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.2\";\n checks-required = 1; }"),
			 "9: services.[0].backends.[0].checks-required: only with the backend's own \"check\""));
}

static void test_expect_status(void)
{
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-status = \"200-\";", BE1),
			 "7: services.[0].check.expect-status: invalid \"200-\" (comma-separated codes and ranges such as \"200-299,301\")"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-status = \"299-200\";", BE1),
			 "7: services.[0].check.expect-status: range \"299-200\" is reversed"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-status = \"200,99\";", BE1),
			 "7: services.[0].check.expect-status: \"99\" is out of range (HTTP codes 100-599)"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-status = \"ok\";", BE1),
			 "7: services.[0].check.expect-status: invalid \"ok\" (comma-separated codes and ranges such as \"200-299,301\")"));
	KTAP_EXPECT(only(SVC("", "type = \"http\"; expect-status = \"\";", BE1),
			 "7: services.[0].check.expect-status: invalid \"\" (comma-separated codes and ranges such as \"200-299,301\")"));
	KTAP_EXPECT(only(SVC("", "type = \"https\"; expect-status = "
			     "\"200,201,202,203,204,205,206,207,208,209,210,"
			     "211,212,213,214,215,216\";", BE1),
			 "7: services.[0].check.expect-status: more than 16 codes or ranges"));
	/* Blanks after commas, and a bare integer, are fine. */
	KTAP_EXPECT(load(SVC("", "type = \"http\"; expect-status = \"200, 301-302\";",
			     BE1), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].check.n_status == 2 &&
		    cfg.services[0].check.status[1].lo == 301 &&
		    cfg.services[0].check.status[1].hi == 302);
	hc_config_free(&cfg);
	KTAP_EXPECT(load(SVC("", "type = \"http\"; expect-status = 204;", BE1),
			 &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].check.n_status == 1 &&
		    cfg.services[0].check.status[0].lo == 204 &&
		    cfg.services[0].check.status[0].hi == 204);
	hc_config_free(&cfg);
}

static void test_missing(void)
{
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load("services = (\n  {\n    name = \"x\";\n  }\n);\n",
			 &cfg, &e) == 4);
	KTAP_EXPECT(has(&e, "2: services.[0]: missing \"protocol\" (tcp or udp)"));
	KTAP_EXPECT(has(&e, "2: services.[0]: missing \"address\" (the VIP)"));
	KTAP_EXPECT(has(&e, "2: services.[0]: missing \"port\" (0-65535, 0: every port)"));
	KTAP_EXPECT(has(&e, "2: services.[0]: missing \"check\" (every service has one)"));
	errs_free(&e);
	KTAP_EXPECT(only(SVC("", "interval = 3;", BE1),
			 "7: services.[0].check: missing \"type\" (tcp, http, https, udp, exec or dns)"));
	KTAP_EXPECT(only(SVC("", "type = \"exec\";", BE1),
			 "7: services.[0].check: missing \"command\" (required for exec checks)"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";", "{ weight = 2; }"),
			 "8: services.[0].backends.[0]: missing \"address\""));
	KTAP_EXPECT(only(SVC("sorry = { port = 80; };", "type = \"tcp\";", BE1),
			 "6: services.[0].sorry: missing \"address\""));
	KTAP_EXPECT(only("status-socket = \"run/x.sock\";\n",
			 "1: status-socket: \"run/x.sock\" is not an absolute path"));
}

/*
 * Every error of a file, in line order (not in the order found: unknown
 * keys of a group are found first), the configuration left empty.
 */
static void test_many_errors(void)
{
	struct hc_config cfg;
	struct errs e;
	const char *text =
		"withdraw = true;\n"					/* 1 */
		"services = (\n"					/* 2 */
		"  {\n"							/* 3 */
		"    protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
		"    table-size = 1000;\n"				/* 5 */
		"    check = { type = \"tcp\"; path = \"/\"; };\n"	/* 6 */
		"    backends = ( { address = \"10.0.1.1\"; },\n"	/* 7 */
		"                 { address = \"10.0.1.1\"; } );\n"	/* 8 */
		"    frob = 1;\n"					/* 9 */
		"  },\n"						/* 10 */
		"  {\n"							/* 11 */
		"    protocol = \"udp\"; address = \"10.0.0.1\"; port = 53;\n"
		"    check = { type = \"udp\"; timeout = 5; };\n"	/* 13 */
		"    backends = ( { address = \"fe80::1\"; } );\n"	/* 14 */
		"  }\n"							/* 15 */
		");\n";
	static const char *const want[] = {
		"1: withdraw: unknown key",
		"5: services.[0].table-size: 1000 is not a prime (nearest: 997 or 1009)",
		"6: services.[0].check.path: not valid for a tcp check (only for http and https checks)",
		"8: services.[0].backends.[1]: duplicate backend 10.0.1.1:80 (as backends.[0], line 7)",
		"9: services.[0].frob: unknown key",
		"13: services.[1].check.timeout: 5 s is not less than the interval (2 s)",
		"14: services.[1].backends.[0].address: IPv6 address in an IPv4 service",
	};
	char full[1024];
	size_t i;

	KTAP_EXPECT(load(text, &cfg, &e) == 7);
	KTAP_EXPECT(e.n == 7);
	for (i = 0; i < 7 && i < e.n; i++) {
		snprintf(full, sizeof(full), "%s:%s", path, want[i]);
		if (strcmp(e.v[i], full) != 0) {
			printf("    # [%zu] want %s\n", i, full);
			errs_print(&e);
			KTAP_EXPECT(strcmp(e.v[i], full) == 0);
		}
	}
	KTAP_EXPECT(cfg.n_services == 0 && !cfg.services && !cfg.path &&
		    !cfg.socket_path);
	errs_free(&e);
}

/* Errors in an @include'd file name that file. */
static void test_include(void)
{
	char main_path[sizeof(path)], inc[sizeof(path)];
	struct hc_config cfg;
	struct errs e;

	write_conf("{ protocol = \"tcp\"; address = \"10.0.0.1\";\n"
		   "  port = 70000; check = { type = \"tcp\"; }; }\n");
	strcpy(inc, path);
	write_conf("services = (\n");
	strcpy(main_path, path);
	{
		FILE *f = fopen(main_path, "a");

		fprintf(f, "@include \"%s\"\n);\n", strrchr(inc, '/') + 1);
		fclose(f);
	}
	memset(&e, 0, sizeof(e));
	KTAP_EXPECT(hc_config_load(main_path, &cfg, collect, &e) == 1);
	strcpy(path, inc);
	KTAP_EXPECT(has(&e, "2: services.[0].port: 70000 is out of range (0-65535)"));
	errs_free(&e);

	/* A missing include is named, with the reason. */
	KTAP_EXPECT(load("services = (\n@include \"nope.conf\"\n);\n", &cfg,
			 &e) == 1);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "2: cannot open include file \"%s/nope.conf\": No such file or directory",
			 dir);
		KTAP_EXPECT(has(&e, want));
	}
	errs_free(&e);

	/* A wrapped integer in an included file, after one in the main. */
	write_conf("{ protocol = \"tcp\"; address = \"10.0.0.2\";\n"
		   "  port = 80; check = { type = \"tcp\"; rise = 4294967298; }; }\n");
	strcpy(inc, path);
	write_conf("");
	strcpy(main_path, path);
	{
		FILE *f = fopen(main_path, "a");

		fprintf(f, "services = ( { protocol = \"tcp\"; address = \"10.0.0.1\";\n"
			"  port = 80; check = { type = \"tcp\"; fall = 4294967299; }; },\n"
			"@include \"%s\"\n);\n", strrchr(inc, '/') + 1);
		fclose(f);
	}
	memset(&e, 0, sizeof(e));
	KTAP_EXPECT(hc_config_load(main_path, &cfg, collect, &e) == 2);
	strcpy(path, main_path);
	KTAP_EXPECT(has(&e, "2: services.[0].check.fall: integer too large (out of range 1-100)"));
	strcpy(path, inc);
	KTAP_EXPECT(has(&e, "2: services.[1].check.rise: integer too large (out of range 1-100)"));
	errs_free(&e);
}

static void test_status_match(void)
{
	struct hc_check c;

	memset(&c, 0, sizeof(c));
	c.n_status = 2;
	c.status[0].lo = 200;
	c.status[0].hi = 299;
	c.status[1].lo = 301;
	c.status[1].hi = 301;
	KTAP_EXPECT(hc_status_match(&c, 200));
	KTAP_EXPECT(hc_status_match(&c, 250));
	KTAP_EXPECT(hc_status_match(&c, 299));
	KTAP_EXPECT(hc_status_match(&c, 301));
	KTAP_EXPECT(!hc_status_match(&c, 199));
	KTAP_EXPECT(!hc_status_match(&c, 300));
	KTAP_EXPECT(!hc_status_match(&c, 302));
	KTAP_EXPECT(!hc_status_match(&c, 503));
	KTAP_EXPECT(!hc_status_match(&c, 0));
	KTAP_EXPECT(!hc_status_match(&c, -200));
	KTAP_EXPECT(!hc_status_match(&c, 65536 + 200));
	c.n_status = 0;
	KTAP_EXPECT(!hc_status_match(&c, 200));
}

/* Service and backend keys are libnflbnl's (key_test); the names here. */
static void test_names(void)
{
	char buf[64];

	KTAP_EXPECT(strcmp(nflb_enum_name(hc_check_type_names, HC_CHECK_TCP),
			   "tcp") == 0);
	KTAP_EXPECT(strcmp(nflb_enum_name(hc_check_type_names, HC_CHECK_HTTP),
			   "http") == 0);
	KTAP_EXPECT(strcmp(nflb_enum_name(hc_check_type_names,
					  HC_CHECK_HTTPS), "https") == 0);
	KTAP_EXPECT(strcmp(nflb_enum_name(hc_check_type_names, HC_CHECK_UDP),
			   "udp") == 0);
	KTAP_EXPECT(strcmp(nflb_enum_name(hc_check_type_names, HC_CHECK_EXEC),
			   "exec") == 0);
	KTAP_EXPECT(nflb_enum_name(hc_check_type_names, 99) == NULL);
	KTAP_EXPECT(strcmp(nflb_enum_choices(hc_check_type_names, buf,
					     sizeof(buf)),
			   "tcp, http, https, udp, exec or dns") == 0);
}

static void test_check_equal(void)
{
	struct hc_config c1, c2;
	struct hc_check a, b;
	struct errs e;
	const char *text = SVC("", "type = \"http\"; path = \"/h\"; host = \"x\";"
			       " expect-body = \"OK\"; port = 81;", BE1);
	char s1[] = "/h", s2[] = "/other", cmd1[] = "true", cmd2[] = "false";

	KTAP_EXPECT(load(text, &c1, &e) == 0 && load(text, &c2, &e) == 0);
	if (c1.n_services != 1 || c2.n_services != 1)
		return;
	/* Different pointers, same strings. */
	KTAP_EXPECT(c1.services[0].check.path != c2.services[0].check.path);
	KTAP_EXPECT(hc_check_equal(&c1.services[0].check,
				   &c2.services[0].check));
	a = c1.services[0].check;

#define CHANGED(stmt)							\
	do {								\
		b = a;							\
		stmt;							\
		KTAP_EXPECT(!hc_check_equal(&a, &b));			\
		KTAP_EXPECT(!hc_check_equal(&b, &a));			\
	} while (0)

	CHANGED(b.type = HC_CHECK_HTTPS);
	CHANGED(b.interval_ms++);
	CHANGED(b.timeout_ms++);
	CHANGED(b.rise++);
	CHANGED(b.fall++);
	CHANGED(b.initial_up = true);
	CHANGED(b.port = 82);
	CHANGED(b.path = s2);
	CHANGED(b.path = NULL);
	CHANGED(b.host = NULL);
	CHANGED(b.expect_body = NULL);
	CHANGED(b.status[0].hi = 204);
	CHANGED(b.n_status = 2; b.status[1].lo = b.status[1].hi = 301);
	CHANGED(b.tls_verify = true);
	CHANGED(b.tls_ca = s1);
	CHANGED(b.payload_len = 1; b.payload[0] = 'x');
	CHANGED(b.has_expect = true; b.expect_len = 1; b.expect[0] = 'y');
	CHANGED(b.command = cmd1);
	/* keepalived's options (config_checkopts.c) */
	CHANGED(b.retry = 1);
	CHANGED(b.retry_delay_ms++);
	CHANGED(b.method = s1);
	CHANGED(b.n_headers = 1; b.headers = (char *[]){ s1 });
	CHANGED(b.body_regex = s1);
	CHANGED(b.tls_sni = s1);
	CHANGED(b.query = s1);
	CHANGED(b.query_type++);
	b = a;
	b.path = s1;			/* another copy of "/h" */
	KTAP_EXPECT(hc_check_equal(&a, &b));
	/* Payload bytes and commands compare by content. */
	a.payload_len = b.payload_len = 2;
	memcpy(a.payload, "ab", 2);
	memcpy(b.payload, "ab", 2);
	a.command = cmd1;
	b.command = strdup("true");
	KTAP_EXPECT(hc_check_equal(&a, &b));
	free(b.command);
	b.command = cmd2;
	KTAP_EXPECT(!hc_check_equal(&a, &b));
	b.command = cmd1;
	b.payload[1] = 'c';
	KTAP_EXPECT(!hc_check_equal(&a, &b));
#undef CHANGED
	hc_config_free(&c1);
	hc_config_free(&c2);
}

/*
 * getpwnam() as the configuration reader sees it: the system's, but for
 * "nobody" while HIDE_NOBODY is set (a system without that user).
 */
static bool hide_nobody;

struct passwd *getpwnam(const char *name)
{
	struct passwd *(*real)(const char *) =
		(struct passwd *(*)(const char *))dlsym(RTLD_NEXT, "getpwnam");

	if (hide_nobody && !strcmp(name, "nobody")) {
		errno = 0;
		return NULL;
	}
	return real ? real(name) : NULL;
}

/* A backend in maintenance: "maintenance = true;", not for sorry. */
static void test_maintenance(void)
{
	struct hc_config cfg;
	struct errs e;

	KTAP_EXPECT(load(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; maintenance = true; },"
			     " { address = \"10.0.1.2\"; maintenance = false; },"
			     " { address = \"10.0.1.3\"; }"), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].n_backends == 3 &&
		    cfg.services[0].backends[0].maintenance &&
		    !cfg.services[0].backends[1].maintenance &&
		    !cfg.services[0].backends[2].maintenance);
	/* Its state in the kernel is the daemon's: the file's stays up. */
	KTAP_EXPECT(cfg.n_services == 1 &&
		    cfg.services[0].backends[0].be.state == NFLB_BACKEND_UP);
	hc_config_free(&cfg);
	KTAP_EXPECT(only(SVC("", "type = \"tcp\";",
			     "{ address = \"10.0.1.1\"; maintenance = 1; }"),
			 "8: services.[0].backends.[0].maintenance: expected true or false, not an integer"));
	KTAP_EXPECT(only(SVC("sorry = { address = \"10.0.9.9\"; maintenance = true; };",
			     "type = \"tcp\";", BE1),
			 "6: services.[0].sorry.maintenance: unknown key"));
}

/* Two services, tcp and udp, after the top-level settings TOP. */
#define TWO_SVCS(top, tcp_keys, udp_keys)				\
	top "\n"							\
	"services = (\n"						\
	"  { protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n" \
	"    " tcp_keys "\n"						\
	"    check = { type = \"tcp\"; }; backends = ( " BE1 " ); },\n"	\
	"  { protocol = \"udp\"; address = \"10.0.0.100\"; port = 53;\n" \
	"    " udp_keys "\n"						\
	"    check = { type = \"exec\"; command = \"true\"; };\n"	\
	"    backends = ( " BE1 " ); }\n"				\
	");\n"

/* flush-on-down: udp yes and tcp no, unless the file or service says. */
static void test_flush_on_down(void)
{
	static const struct {
		const char *text;
		bool tcp, udp;
	} cases[] = {
		{ TWO_SVCS("", "", ""), false, true },
		{ TWO_SVCS("flush-on-down = true;", "", ""), true, true },
		{ TWO_SVCS("flush-on-down = false;", "", ""), false, false },
		{ TWO_SVCS("", "flush-on-down = true;",
			   "flush-on-down = false;"), true, false },
		/* The service's own setting wins over the file's. */
		{ TWO_SVCS("flush-on-down = false;", "",
			   "flush-on-down = true;"), false, true },
	};
	struct hc_config cfg;
	struct errs e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		KTAP_EXPECT(load(cases[i].text, &cfg, &e) == 0);
		errs_print(&e);
		errs_free(&e);
		if (cfg.n_services != 2) {
			KTAP_EXPECT(cfg.n_services == 2);
			continue;
		}
		KTAP_EXPECT(cfg.services[0].flush_on_down == cases[i].tcp);
		KTAP_EXPECT(cfg.services[1].flush_on_down == cases[i].udp);
		hc_config_free(&cfg);
	}
	KTAP_EXPECT(only(SVC("flush-on-down = 1;", "type = \"tcp\";", BE1),
			 "6: services.[0].flush-on-down: expected true or false, not an integer"));
	KTAP_EXPECT(only("flush-on-down = \"yes\";\n",
			 "1: flush-on-down: expected true or false, not a string"));
}

/*
 * announce: the file's default, a service's own; announce-table and
 * announce-grace; a NAT service refused unless announce-nat says so.
 */
static void test_announce(void)
{
	static const char *const nat_msg =
		"a NAT service cannot be announced to a cluster";
	struct hc_config cfg;
	struct errs e;

	/* Nothing said: nothing announced, the defaults. */
	KTAP_EXPECT(load(TWO_SVCS("", "forward = \"ipip\";",
				  "forward = \"gre\";"), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_announced == 0 && !cfg.services[0].announce &&
		    cfg.announce_table == 4242 &&
		    cfg.announce_grace_ms == 5000);
	hc_config_free(&cfg);
	/* The file's default, one service out. */
	KTAP_EXPECT(load(TWO_SVCS("announce = true; announce-table = 100000;\n"
				  "announce-grace = 0.5;",
				  "forward = \"ipip\";",
				  "forward = \"gre\"; announce = false;"),
			 &cfg, &e) == 0);
	errs_print(&e);
	KTAP_EXPECT(cfg.n_announced == 1 && cfg.services[0].announce &&
		    !cfg.services[1].announce &&
		    cfg.announce_table == 100000 &&
		    cfg.announce_grace_ms == 500);
	hc_config_free(&cfg);
	/* A service's own, without the file's. */
	KTAP_EXPECT(load(TWO_SVCS("", "", "forward = \"gre\"; announce = true;"),
			 &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_announced == 1 && cfg.services[1].announce);
	hc_config_free(&cfg);
	/* NAT: refused where it is announced, unless announce-nat. */
	KTAP_EXPECT(load(TWO_SVCS("announce = true;", "",
				  "forward = \"nat\"; announce-nat = true;"),
			 &cfg, &e) == 1);
	KTAP_EXPECT(has_err(&e, "3: services.[0].announce: ", nat_msg));
	errs_free(&e);
	KTAP_EXPECT(load(TWO_SVCS("", "announce = true;",
				  "forward = \"nat\"; announce = true;"),
			 &cfg, &e) == 2);
	KTAP_EXPECT(has_err(&e, "4: services.[0].announce: ", nat_msg));
	KTAP_EXPECT(has_err(&e, "7: services.[1].announce: ", nat_msg));
	errs_free(&e);
	KTAP_EXPECT(load(TWO_SVCS("announce = true;", "announce-nat = true;",
				  "announce-nat = true;"), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_announced == 2);
	hc_config_free(&cfg);
	/* Values. */
	KTAP_EXPECT(only("announce-table = 254;\n",
			 "1: announce-table: table 254 is the kernel's (253 default, 254 main, 255 local): give one of lbhealthd's own"));
	KTAP_EXPECT(only("announce-table = 0;\n",
			 "1: announce-table: 0 is out of range (1-4294967295)"));
	KTAP_EXPECT(only("announce-grace = 3601;\n",
			 "1: announce-grace: 3601 is out of range (0-3600 seconds)"));
	KTAP_EXPECT(only("announce = 1;\n",
			 "1: announce: expected true or false, not an integer"));
	KTAP_EXPECT(only(SVC("announce-nat = \"yes\";", "type = \"tcp\";", BE1),
			 "6: services.[0].announce-nat: expected true or false, not a string"));
}

/* The table size from the backends, when the file sets none. */
static void test_table_size_for(void)
{
	static const struct {
		size_t n;
		uint32_t size;
	} cases[] = {
		{ 0, 4093 }, { 1, 4093 }, { 40, 4093 }, { 41, 4111 },
		{ 100, 10007 }, { 1000, 100003 }, { 1310, 131009 },
		{ 1311, 131071 }, { 65535, 131071 },
	};
	char text[8192], *p = text;
	struct hc_config cfg;
	struct errs e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		KTAP_EXPECT(hc_table_size_for(cases[i].n) == cases[i].size);
	/* 50 backends and a sorry one: 5100 slots at least, 5101. */
	p += sprintf(p, "services = ({ protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
		     "  check = { type = \"tcp\"; }; sorry = { address = \"10.0.9.9\"; };\n"
		     "  backends = (");
	for (i = 1; i <= 50; i++)
		p += sprintf(p, "%s{ address = \"10.0.1.%zu\"; }", i > 1 ? ", " : "",
			     i);
	p += sprintf(p, "); },\n"
		     " { protocol = \"tcp\"; address = \"10.0.0.100\"; port = 81; table-size = 251;\n"
		     "  check = { type = \"tcp\"; }; backends = ( " BE1 " ); });\n");
	KTAP_EXPECT(load(text, &cfg, &e) == 0);
	errs_print(&e);
	errs_free(&e);
	KTAP_EXPECT(cfg.n_services == 2);
	if (cfg.n_services != 2)
		return;
	KTAP_EXPECT(cfg.services[0].svc.table_size == 5101 &&
		    !cfg.services[0].table_size_set);
	KTAP_EXPECT(cfg.services[1].svc.table_size == 251 &&
		    cfg.services[1].table_size_set);
	hc_config_free(&cfg);
}

/* Exec checks run as a user: "user", else "exec-user", else nobody. */
static void test_exec_user(void)
{
	struct passwd *pw = getpwnam("nobody");
	uid_t nobody = pw ? pw->pw_uid : 0;
	struct hc_config cfg;
	struct errs e;
	size_t i;
	bool in;

	KTAP_EXPECT(pw);
	/* The default: nobody, with its groups and home. */
	KTAP_EXPECT(load(SVC("", "type = \"exec\"; command = \"true\";", BE1),
			 &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && cfg.services[0].check.user.name &&
		    !strcmp(cfg.services[0].check.user.name, "nobody") &&
		    cfg.services[0].check.user.uid == nobody &&
		    cfg.services[0].check.user.home &&
		    cfg.services[0].check.user.n_groups >= 1);
	for (i = 0, in = false; cfg.n_services &&
	     i < cfg.services[0].check.user.n_groups; i++)
		in |= cfg.services[0].check.user.groups[i] ==
		      cfg.services[0].check.user.gid;
	KTAP_EXPECT(in);
	hc_config_free(&cfg);
	/* Not for other checks. */
	KTAP_EXPECT(load(SVC("", "type = \"tcp\";", BE1), &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 1 && !cfg.services[0].check.user.name);
	hc_config_free(&cfg);
	/* exec-user for every exec check, a check's user over it. */
	KTAP_EXPECT(load("exec-user = \"root\";\n"
			 "services = (\n"
			 "  { protocol = \"tcp\"; address = \"10.0.0.1\"; port = 80;\n"
			 "    check = { type = \"exec\"; command = \"true\"; };\n"
			 "    backends = ( { address = \"10.0.1.1\"; } ); },\n"
			 "  { protocol = \"tcp\"; address = \"10.0.0.2\"; port = 80;\n"
			 "    check = { type = \"exec\"; command = \"true\"; user = \"nobody\"; };\n"
			 "    backends = ( { address = \"10.0.1.1\"; } ); }\n"
			 ");\n", &cfg, &e) == 0);
	KTAP_EXPECT(cfg.n_services == 2 && cfg.exec_user &&
		    !strcmp(cfg.exec_user, "root") &&
		    !strcmp(cfg.services[0].check.user.name, "root") &&
		    cfg.services[0].check.user.uid == 0 &&
		    !strcmp(cfg.services[1].check.user.name, "nobody") &&
		    cfg.services[1].check.user.uid == nobody);
	/* Another user is another check (a reload restarts it). */
	if (cfg.n_services == 2) {
		struct hc_check a = cfg.services[0].check;

		a.command = cfg.services[1].check.command;
		KTAP_EXPECT(!hc_check_equal(&a, &cfg.services[1].check));
		a.user = cfg.services[1].check.user;
		KTAP_EXPECT(hc_check_equal(&a, &cfg.services[1].check));
	}
	hc_config_free(&cfg);
	/* Unknown users, located. */
	KTAP_EXPECT(only(SVC("", "type = \"exec\"; command = \"true\";\n"
			     " user = \"no-such-user-hc\";", BE1),
			 "8: services.[0].check.user: unknown user \"no-such-user-hc\""));
	KTAP_EXPECT(only("exec-user = \"no-such-user-hc\";\n"
			 SVC("", "type = \"exec\"; command = \"true\";", BE1),
			 "1: exec-user: unknown user \"no-such-user-hc\""));
	KTAP_EXPECT(only(SVC("", "type = \"exec\"; command = \"true\";\n"
			     " user = \"\";", BE1),
			 "8: services.[0].check.user: empty"));
	KTAP_EXPECT(only(SVC("", "type = \"tcp\"; user = \"nobody\";", BE1),
			 "7: services.[0].check.user: not valid for a tcp check (only for exec checks)"));
	/* No nobody on this system: said, unless a user is set. */
	hide_nobody = true;
	KTAP_EXPECT(only(SVC("", "type = \"exec\"; command = \"true\";", BE1),
			 "7: services.[0].check: no user \"nobody\" to run the command as: set \"user\" (or \"exec-user\")"));
	KTAP_EXPECT(load(SVC("", "type = \"exec\"; command = \"true\"; user = \"root\";", BE1),
			 &cfg, &e) == 0);
	hc_config_free(&cfg);
	KTAP_EXPECT(load(SVC("", "type = \"tcp\";", BE1), &cfg, &e) == 0);
	hc_config_free(&cfg);
	hide_nobody = false;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_example),
	KTAP_CASE(test_man_example),
	KTAP_CASE(test_minimal_defaults),
	KTAP_CASE(test_empty),
	KTAP_CASE(test_ipv6),
	KTAP_CASE(test_all_ports),
	KTAP_CASE(test_syntax_error),
	KTAP_CASE(test_unknown_keys),
	KTAP_CASE(test_wrong_types),
	KTAP_CASE(test_out_of_range),
	KTAP_CASE(test_wrapped_ints),
	KTAP_CASE(test_many_backends),
	KTAP_CASE(test_prime_rule),
	KTAP_CASE(test_bad_addresses),
	KTAP_CASE(test_family_mismatch),
	KTAP_CASE(test_duplicates),
	KTAP_CASE(test_check_rules),
	KTAP_CASE(test_expect_status),
	KTAP_CASE(test_missing),
	KTAP_CASE(test_many_errors),
	KTAP_CASE(test_include),
	KTAP_CASE(test_status_match),
	KTAP_CASE(test_names),
	KTAP_CASE(test_check_equal),
	KTAP_CASE(test_exec_user),
	KTAP_CASE(test_maintenance),
	KTAP_CASE(test_flush_on_down),
	KTAP_CASE(test_announce),
	KTAP_CASE(test_table_size_for),
	KTAP_CASE(test_keepalived_checks),
	KTAP_CASE(test_backend_check),
	KTAP_CASE(test_several_checks),
};

int main(void)
{
	int ret, i;

	if (!mkdtemp(dir)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	ret = ktap_run("hc_config", cases, sizeof(cases) / sizeof(cases[0]));
	for (i = 1; i <= n_files; i++) {
		snprintf(path, sizeof(path), "%s/t%d.conf", dir, i);
		unlink(path);
	}
	if (rmdir(dir) < 0)
		printf("# rmdir %s: %s\n", dir, strerror(errno));
	return ret;
}
