// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's backends given as host names, as the file is read: a name
 * is told from a bad address, kept apart from the literal backends with
 * its port, weight and maintenance; the "dns" group (servers, TTL bounds)
 * and every bad form of it, reported at its line.  Resolving them against
 * a real DNS server: hc_dns.sh (dnsmasq).
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "config.h"

static char dir[] = "/tmp/hc_dns_test.XXXXXX";
static char path[300];
static char errs[8][512];
static int n_err;

static void collect(const char *msg, void *data)
{
	(void)data;
	if (n_err < 8)
		snprintf(errs[n_err], sizeof(errs[0]), "%s", msg);
	n_err++;
}

/* TOP at the top level, then one tcp service with BACKENDS and EXTRA. */
static int load(const char *top, const char *backends, const char *extra,
		struct hc_config *cfg)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "%s\nservices = ({\n name = \"web\"; protocol = \"tcp\";\n"
		" address = \"192.0.2.10\"; port = 80; %s\n"
		" check = { type = \"tcp\"; };\n backends = ( %s );\n});\n",
		top, extra, backends);
	fclose(f);
	n_err = 0;
	return hc_config_load(path, cfg, collect, NULL);
}

/* The only error is REST (after "FILE:"). */
static bool only(const char *top, const char *backends, const char *extra,
		 const char *rest)
{
	struct hc_config cfg;
	size_t n = strlen(path);
	int i;

	if (load(top, backends, extra, &cfg) == 1 &&
	    !strncmp(errs[0], path, n) && errs[0][n] == ':' &&
	    !strcmp(errs[0] + n + 1, rest))
		return true;
	for (i = 0; i < n_err && i < 8; i++)
		printf("    # got: %s\n", errs[i]);
	if (!n_err)
		hc_config_free(&cfg);
	return false;
}

static void test_names_split(void)
{
	struct hc_config cfg;
	struct hc_service_conf *sc;

	if (load("", "{ address = \"10.0.1.1\"; },"
		 " { address = \"web.example.internal\"; port = 8080; weight = 3; maintenance = true; },"
		 " { address = \"10.0.1.2\"; }, { address = \"b-2_x.internal\"; }",
		 "", &cfg) != 0) {
		printf("    # got: %s\n", errs[0]);
		ktap_case_failed = 1;
		return;
	}
	sc = &cfg.services[0];
	KTAP_EXPECT(sc->n_backends == 2 && sc->n_file_backends == 2);
	KTAP_EXPECT(!sc->backends[0].dns_name && !sc->backends[1].dns_name);
	KTAP_EXPECT(sc->n_dns == 2);
	if (sc->n_dns == 2) {
		KTAP_EXPECT(!strcmp(sc->dns[0].dns_name,
				    "web.example.internal"));
		KTAP_EXPECT(sc->dns[0].be.port == 8080);
		KTAP_EXPECT(sc->dns[0].be.weight == 3);
		KTAP_EXPECT(sc->dns[0].maintenance);
		KTAP_EXPECT(sc->dns[0].be.family == AF_INET);
		KTAP_EXPECT(sc->dns[1].be.port == 80);
		KTAP_EXPECT(sc->dns[1].be.weight == 1);
		KTAP_EXPECT(!strcmp(sc->dns[1].dns_name, "b-2_x.internal"));
	}
	/* Defaults without "dns". */
	KTAP_EXPECT(!cfg.dns.servers);
	KTAP_EXPECT(cfg.dns.ttl_min_ms == HC_DNS_TTL_MIN_MS);
	KTAP_EXPECT(cfg.dns.ttl_max_ms == HC_DNS_TTL_MAX_MS);
	hc_config_free(&cfg);
}

static void test_not_names(void)
{
	KTAP_EXPECT(only("", "{ address = \"10.0.1.300\"; }", "",
			 "6: services.[0].backends.[0].address: invalid address \"10.0.1.300\" (an IPv4 or IPv6 address, no port)"));
	KTAP_EXPECT(only("", "{ address = \"web..internal\"; }", "",
			 "6: services.[0].backends.[0].address: invalid address \"web..internal\" (an IPv4 or IPv6 address, no port)"));
	KTAP_EXPECT(only("", "{ address = \"web.internal:80\"; }", "",
			 "6: services.[0].backends.[0].address: invalid address \"web.internal:80\" (an IPv4 or IPv6 address, no port)"));
	/* The sorry backend is one address, known when the file is read. */
	KTAP_EXPECT(only("", "{ address = \"10.0.1.1\"; }",
			 "sorry = { address = \"sorry.internal\"; };",
			 "4: services.[0].sorry.address: invalid address \"sorry.internal\" (an IPv4 or IPv6 address, no port)"));
}

/* A name may stand for many backends: a quorum above the count is fine. */
static void test_quorum(void)
{
	struct hc_config cfg;

	KTAP_EXPECT(load("", "{ address = \"web.internal\"; }", "quorum = 3;",
			 &cfg) == 0);
	hc_config_free(&cfg);
	KTAP_EXPECT(only("", "{ address = \"10.0.1.1\"; }", "quorum = 3;",
			 "4: services.[0].quorum: 3 exceeds the number of backends (1)"));
}

static void test_dns_group(void)
{
	struct hc_config cfg;

	KTAP_EXPECT(load("dns = { servers = ( \"127.0.0.1\", \"192.0.2.53:5353\", \"::1\", \"[2001:db8::53]:53\" );"
			 " ttl-min = 1; ttl-max = 60.5; timeout = 0.5; };",
			 "{ address = \"web.internal\"; }", "", &cfg) == 0);
	KTAP_EXPECT(cfg.dns.servers && !strcmp(cfg.dns.servers,
		    "127.0.0.1:53,192.0.2.53:5353,[::1]:53,[2001:db8::53]:53"));
	KTAP_EXPECT(cfg.dns.ttl_min_ms == 1000);
	KTAP_EXPECT(cfg.dns.ttl_max_ms == 60500);
	KTAP_EXPECT(cfg.dns.timeout_ms == 500);
	hc_config_free(&cfg);
}

static void test_dns_bad(void)
{
	const char *b = "{ address = \"10.0.1.1\"; }";

	KTAP_EXPECT(only("dns = 1;", b, "",
			 "1: dns: expected a group { servers = ...; }, not an integer"));
	KTAP_EXPECT(only("dns = { server = ( \"127.0.0.1\" ); };", b, "",
			 "1: dns.server: unknown key (did you mean \"servers\"?)"));
	KTAP_EXPECT(only("dns = { servers = \"127.0.0.1\"; };", b, "",
			 "1: dns.servers: expected a list ( \"ADDR[:PORT]\", ... ), not a string"));
	KTAP_EXPECT(only("dns = { servers = ( ); };", b, "",
			 "1: dns.servers: 0 servers, not 1-8"));
	KTAP_EXPECT(only("dns = { servers = ( \"ns.internal\" ); };", b, "",
			 "1: dns.servers.[0]: \"ns.internal\": not an IP address, \"IPV4:PORT\" or \"[IPV6]:PORT\""));
	KTAP_EXPECT(only("dns = { servers = ( \"127.0.0.1:0\" ); };", b, "",
			 "1: dns.servers.[0]: \"127.0.0.1:0\": not an IP address, \"IPV4:PORT\" or \"[IPV6]:PORT\""));
	KTAP_EXPECT(only("dns = { ttl-min = 10; ttl-max = 5; };", b, "",
			 "1: dns.ttl-max: ttl-max (5.0 s) is below ttl-min (10.0 s)"));
	KTAP_EXPECT(only("dns = { ttl-min = 0; };", b, "",
			 "1: dns.ttl-min: 0 is out of range (0.1-86400 seconds)"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_names_split),
	KTAP_CASE(test_not_names),
	KTAP_CASE(test_quorum),
	KTAP_CASE(test_dns_group),
	KTAP_CASE(test_dns_bad),
};

KTAP_MAIN_IN_DIR("hc_dns", cases, dir, path, "lbhealthd.conf")
