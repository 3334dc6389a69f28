// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: backends given as host names
 * (address = "web.example.internal";), and the top-level "dns" group that
 * says how they are resolved:
 *
 *   dns = { servers = ( "192.0.2.53", "[2001:db8::53]:5353" );
 *           ttl-min = 5; ttl-max = 300; timeout = 2; };
 *
 * A name backend keeps its port, weight and maintenance for every address
 * it resolves to (dns.c).  An address that is not an IP address and has
 * the form of a host name (letters, digits, '-', '_', dots; at least one
 * letter; labels of 1-63 bytes; at most 253) is a name: "10.0.1.300" is
 * still an error, not a name.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define DNS_SERVERS_MAX		8

bool cfg_is_dns_name(const config_setting_t *s)
{
	const char *v = config_setting_get_string(s), *p;
	size_t label = 0;
	bool letter = false;

	if (!v || !*v || strlen(v) > 253 || v[0] == '.')
		return false;
	for (p = v; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
		letter |= isalpha((unsigned char)*p) != 0;
		if (++label > 63)
			return false;
	}
	return letter;
}

bool cfg_has_dns(const struct hc_service_conf *sc)
{
	size_t i;

	if (sc->n_dns)
		return true;
	for (i = 0; i < sc->n_backends; i++)
		if (sc->backends[i].dns_name)
			return true;
	return false;
}

void cfg_dns_split(struct hc_ctx *c, const config_setting_t *s,
		   const char *base, struct hc_service_conf *sc)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < sc->n_backends; i++)
		n += sc->backends[i].dns_name != NULL;
	sc->n_file_backends = sc->n_backends;
	if (!n)
		return;
	sc->dns = calloc(n, sizeof(*sc->dns));
	if (!sc->dns) {
		cfg_report(c, s, base, "out of memory");
		return;
	}
	for (i = 0; i < sc->n_backends; i++) {
		if (sc->backends[i].dns_name)
			sc->dns[sc->n_dns++] = sc->backends[i];
		else
			sc->backends[k++] = sc->backends[i];
	}
	sc->n_backends = sc->n_file_backends = k;
}

void cfg_dns_free(struct hc_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->n_services; i++) {
		struct hc_service_conf *sc = &cfg->services[i];

		for (j = 0; j < sc->n_dns; j++)
			free(sc->dns[j].dns_name);
		free(sc->dns);
		sc->dns = NULL;
		sc->n_dns = 0;
	}
	free(cfg->dns.servers);
	cfg->dns.servers = NULL;
}

/*
 * One server: "ADDR" (port 53), "IPV4:PORT" or "[IPV6]:PORT", appended
 * to CSV as c-ares takes it.
 */
static int add_server(struct hc_ctx *c, const config_setting_t *s,
		      const char *key, char *csv, size_t len)
{
	const char *v = cfg_get_text(c, s, key, false), *why, *colon;
	struct hc_listen l;
	char buf[64];

	if (!v)
		return -1;
	colon = strchr(v, ':');
	if (v[0] == '[' || (colon && colon == strrchr(v, ':')))
		snprintf(buf, sizeof(buf), "%s", v);
	else if (colon)
		snprintf(buf, sizeof(buf), "[%s]:53", v);
	else
		snprintf(buf, sizeof(buf), "%s:53", v);
	if (strlen(v) > INET6_ADDRSTRLEN + 8 ||
	    hc_listen_parse(buf, &l, &why) < 0) {
		cfg_report(c, s, key,
			   "\"%s\": not an IP address, \"IPV4:PORT\" or \"[IPV6]:PORT\"",
			   v);
		return -1;
	}
	snprintf(csv + strlen(csv), len - strlen(csv), "%s%s",
		 *csv ? "," : "", buf);
	return 0;
}

static void parse_servers(struct hc_ctx *c, const config_setting_t *m,
			  struct hc_config *cfg)
{
	char csv[DNS_SERVERS_MAX * 64] = "", key[HC_KEY_MAX];
	int i, n = config_setting_length(m), bad = 0;

	if (config_setting_type(m) != CONFIG_TYPE_LIST &&
	    config_setting_type(m) != CONFIG_TYPE_ARRAY) {
		cfg_wrong_type(c, m, "dns.servers",
			       "a list ( \"ADDR[:PORT]\", ... )");
		return;
	}
	if (n < 1 || n > DNS_SERVERS_MAX) {
		cfg_report(c, m, "dns.servers", "%d servers, not 1-%d", n,
			   DNS_SERVERS_MAX);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "dns.servers.[%d]", i);
		bad |= add_server(c, config_setting_get_elem(m, i), key, csv,
				  sizeof(csv));
	}
	if (!bad)
		cfg_dup_str(c, m, "dns.servers", &cfg->dns.servers, csv);
}

void cfg_parse_dns(struct hc_ctx *c, const config_setting_t *s,
		   struct hc_config *cfg)
{
	static const char *const known[] = { "servers", "ttl-min", "ttl-max",
					     "timeout", NULL };
	const config_setting_t *m, *max = NULL;
	struct hc_dns_conf *dc = &cfg->dns;

	dc->ttl_min_ms = HC_DNS_TTL_MIN_MS;
	dc->ttl_max_ms = HC_DNS_TTL_MAX_MS;
	dc->timeout_ms = 2000;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_wrong_type(c, s, "dns", "a group { servers = ...; }");
		return;
	}
	cfg_check_keys(c, s, "dns", known);
	m = config_setting_get_member(s, "servers");
	if (m)
		parse_servers(c, m, cfg);
	m = config_setting_get_member(s, "ttl-min");
	if (m)
		cfg_get_seconds(c, m, "dns.ttl-min", 100, 86400000,
				&dc->ttl_min_ms);
	m = config_setting_get_member(s, "ttl-max");
	if (m && cfg_get_seconds(c, m, "dns.ttl-max", 100, 86400000,
				 &dc->ttl_max_ms) == 0)
		max = m;
	m = config_setting_get_member(s, "timeout");
	if (m)
		cfg_get_seconds(c, m, "dns.timeout", 100, 60000,
				&dc->timeout_ms);
	if (dc->ttl_max_ms < dc->ttl_min_ms)
		cfg_report(c, max ? max : s, max ? "dns.ttl-max" : "dns",
			   "ttl-max (%.1f s) is below ttl-min (%.1f s)",
			   dc->ttl_max_ms / 1000.0, dc->ttl_min_ms / 1000.0);
}
