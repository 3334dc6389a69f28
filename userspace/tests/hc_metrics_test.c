// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's metrics: the "metrics" key of the file (good addresses read,
 * bad ones reported at their line with what is wrong), and the pure parts
 * of the exposition (label escaping, outcomes, histogram buckets).  The
 * server itself and promtool's verdict on a live scrape: hc_metrics.sh.
 */

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "config.h"
#include "daemon.h"

static char dir[] = "/tmp/hc_metrics_test.XXXXXX";
static char path[300];
static char last_err[512];
static int n_err;

static void collect(const char *msg, void *data)
{
	(void)data;
	snprintf(last_err, sizeof(last_err), "%s", msg);
	n_err++;
}

/* Load a file whose first line is "metrics = VALUE;". */
static int load(const char *value, struct hc_config *cfg)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "metrics = %s;\nservices = ();\n", value);
	fclose(f);
	n_err = 0;
	last_err[0] = '\0';
	return hc_config_load(path, cfg, collect, NULL);
}

/* VALUE is rejected with the message REST (after "FILE:"). */
static bool rejected(const char *value, const char *rest)
{
	struct hc_config cfg;
	size_t n = strlen(path);

	if (load(value, &cfg) != 1) {
		printf("    # %s: %d errors\n", value, n_err);
		hc_config_free(&cfg);
		return false;
	}
	if (strncmp(last_err, path, n) || last_err[n] != ':' ||
	    strcmp(last_err + n + 1, rest)) {
		printf("    # %s: got \"%s\"\n", value, last_err);
		return false;
	}
	return cfg.metrics.text == NULL;
}

static void test_default_off(void)
{
	struct hc_config cfg;
	FILE *f = fopen(path, "w");

	KTAP_EXPECT(f);
	if (!f)
		return;
	fputs("services = ();\n", f);
	fclose(f);
	KTAP_EXPECT(hc_config_load(path, &cfg, collect, NULL) == 0);
	KTAP_EXPECT(cfg.metrics.text == NULL);
	hc_config_free(&cfg);
}

static void test_ipv4(void)
{
	struct sockaddr_in *s4;
	struct hc_config cfg;

	KTAP_EXPECT(load("\"127.0.0.1:9469\"", &cfg) == 0);
	s4 = (struct sockaddr_in *)&cfg.metrics.sa;
	KTAP_EXPECT(cfg.metrics.text &&
		    !strcmp(cfg.metrics.text, "127.0.0.1:9469"));
	KTAP_EXPECT(s4->sin_family == AF_INET);
	KTAP_EXPECT(ntohs(s4->sin_port) == 9469);
	KTAP_EXPECT(s4->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	KTAP_EXPECT(cfg.metrics.sa_len == sizeof(*s4));
	hc_config_free(&cfg);
	KTAP_EXPECT(load("\"0.0.0.0:1\"", &cfg) == 0);
	hc_config_free(&cfg);
}

static void test_ipv6(void)
{
	struct sockaddr_in6 *s6;
	struct hc_config cfg;

	KTAP_EXPECT(load("\"[::1]:9469\"", &cfg) == 0);
	s6 = (struct sockaddr_in6 *)&cfg.metrics.sa;
	KTAP_EXPECT(s6->sin6_family == AF_INET6);
	KTAP_EXPECT(ntohs(s6->sin6_port) == 9469);
	KTAP_EXPECT(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	KTAP_EXPECT(cfg.metrics.sa_len == sizeof(*s6));
	hc_config_free(&cfg);
	KTAP_EXPECT(load("\"[2001:db8::1]:65535\"", &cfg) == 0);
	hc_config_free(&cfg);
}

static void test_bad(void)
{
	KTAP_EXPECT(rejected("9469",
			     "1: metrics: expected a string, not an integer"));
	KTAP_EXPECT(rejected("\"\"", "1: metrics: empty"));
	KTAP_EXPECT(rejected("\"127.0.0.1\"",
			     "1: metrics: \"127.0.0.1\": expected \"ADDR:PORT\" (\"127.0.0.1:9469\", \"[::1]:9469\")"));
	KTAP_EXPECT(rejected("\"127.0.0.1:\"",
			     "1: metrics: \"127.0.0.1:\": missing port after ':'"));
	KTAP_EXPECT(rejected("\"127.0.0.1:0\"",
			     "1: metrics: \"127.0.0.1:0\": port is not 1-65535"));
	KTAP_EXPECT(rejected("\"127.0.0.1:65536\"",
			     "1: metrics: \"127.0.0.1:65536\": port is not 1-65535"));
	KTAP_EXPECT(rejected("\"127.0.0.1:94x\"",
			     "1: metrics: \"127.0.0.1:94x\": port is not 1-65535"));
	KTAP_EXPECT(rejected("\"localhost:9469\"",
			     "1: metrics: \"localhost:9469\": not an IPv4 address (a literal one: no host names)"));
	KTAP_EXPECT(rejected("\"::1:9469\"",
			     "1: metrics: \"::1:9469\": an IPv6 address goes in brackets: \"[ADDR]:PORT\""));
	KTAP_EXPECT(rejected("\"[::1]\"",
			     "1: metrics: \"[::1]\": expected \"[IPV6]:PORT\""));
	KTAP_EXPECT(rejected("\"[127.0.0.1]:80\"",
			     "1: metrics: \"[127.0.0.1]:80\": not an IPv6 address"));
}

static void test_listen_equal(void)
{
	struct hc_listen a = { .text = "a" }, b = { .text = "b" }, none = { 0 };
	const char *why;

	KTAP_EXPECT(hc_listen_parse("127.0.0.1:80", &a, &why) == 0);
	KTAP_EXPECT(hc_listen_parse("127.0.0.1:80", &b, &why) == 0);
	KTAP_EXPECT(hc_listen_equal(&a, &b));
	KTAP_EXPECT(hc_listen_parse("127.0.0.1:81", &b, &why) == 0);
	KTAP_EXPECT(!hc_listen_equal(&a, &b));
	KTAP_EXPECT(hc_listen_parse("[::1]:80", &b, &why) == 0);
	KTAP_EXPECT(!hc_listen_equal(&a, &b));
	KTAP_EXPECT(!hc_listen_equal(&a, &none));
	KTAP_EXPECT(hc_listen_equal(&none, &none));
}

static void test_label_escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	KTAP_EXPECT(f);
	if (!f)
		return;
	hc_metrics_label(f, "a\"b\\c\nd e");
	fclose(f);
	KTAP_EXPECT(!strcmp(buf, "a\\\"b\\\\c\\nd e"));
	free(buf);
}

static void test_outcome(void)
{
	struct hc_result ok = { .ok = true, .duration_ms = 5000 };
	struct hc_result bad = { .ok = false, .duration_ms = 10 };
	struct hc_result late = { .ok = false, .duration_ms = 1000 };

	KTAP_EXPECT(hc_outcome_of(&ok, 1000) == HC_OUTCOME_SUCCESS);
	KTAP_EXPECT(hc_outcome_of(&bad, 1000) == HC_OUTCOME_FAILURE);
	KTAP_EXPECT(hc_outcome_of(&late, 1000) == HC_OUTCOME_TIMEOUT);
}

/* Results land in the first bucket whose bound they do not exceed. */
static void test_histogram(void)
{
	struct hc_service_conf sc = { .check = { .timeout_ms = 1000 } };
	struct hc_svc s = { .conf = &sc };
	struct hc_backend be = { .svc = &s };
	static const uint32_t ms[] = { 0, 5, 6, 30000, 30001 };
	size_t i;

	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct hc_result r = { .ok = true, .duration_ms = ms[i] };

		hc_metrics_result(&be, &r);
	}
	KTAP_EXPECT(s.latency.bucket[0] == 2);		/* <= 5 ms */
	KTAP_EXPECT(s.latency.bucket[1] == 1);		/* <= 10 ms */
	KTAP_EXPECT(s.latency.bucket[HC_LATENCY_BUCKETS - 1] == 1);
	KTAP_EXPECT(s.latency.count == 5);		/* +Inf: 30001 */
	KTAP_EXPECT(s.latency.sum_ms == 60012);
	KTAP_EXPECT(be.ctr.results[HC_OUTCOME_SUCCESS] == 5);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_default_off),
	KTAP_CASE(test_ipv4),
	KTAP_CASE(test_ipv6),
	KTAP_CASE(test_bad),
	KTAP_CASE(test_listen_equal),
	KTAP_CASE(test_label_escape),
	KTAP_CASE(test_outcome),
	KTAP_CASE(test_histogram),
};

KTAP_MAIN_IN_DIR("hc_metrics", cases, dir, path, "lbhealthd.conf")
