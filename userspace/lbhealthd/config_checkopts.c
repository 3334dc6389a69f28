// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: the check keys modelled on keepalived's
 * checkers (HTTP method, request headers, a body regex, the TLS server
 * name, the dns check's query, retry and delay-before-retry), read into a
 * struct hc_check.  config_check.c lists them among the keys of a check;
 * what each does at run time is the probes' (probe_http.c, probe_dns.c,
 * probe.c for the retries).  And a backend's own check, which replaces
 * its service's for it (keepalived's checkers are per real_server).
 */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* The methods an http check may send (HAProxy's http-check send meth). */
static const struct nflb_name methods[] = {
	{ 0, "GET" }, { 1, "HEAD" }, { 2, "POST" }, { 3, "PUT" },
	{ 4, "DELETE" }, { 5, "OPTIONS" }, { 6, "PATCH" }, { 0, NULL },
};

void cfg_parse_method(struct hc_ctx *c, const config_setting_t *m,
		      const char *key, struct hc_check *chk)
{
	unsigned int v;

	if (cfg_get_enum(c, m, key, methods, &v) == 0)
		cfg_dup_str(c, m, key, &chk->method, methods[v].name);
}

/* RFC 9110's token characters, those of a header field's name. */
static bool is_token(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", s[i])))
			return false;
	return true;
}

/* "Name: value" (the value may be empty): 0, or -1 (reported). */
static int check_header(struct hc_ctx *c, const config_setting_t *e,
			const char *key, const char *h)
{
	size_t name = strcspn(h, ":");

	if (!h[name] || !is_token(h, name)) {
		cfg_report(c, e, key,
			   "invalid header \"%s\" (\"Name: value\", the name a token)",
			   h);
		return -1;
	}
	if (name == 4 && strncasecmp(h, "Host", 4) == 0) {
		cfg_report(c, e, key,
			   "\"Host\" is set with the check's \"host\"");
		return -1;
	}
	return 0;
}

void cfg_parse_headers(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const config_setting_t *e;
	char ekey[HC_KEY_MAX];
	const char *h;
	int i, n;

	if (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(m) != CONFIG_TYPE_LIST) {
		cfg_wrong_type(c, m, key,
			       "an array of strings [ \"Name: value\", ... ]");
		return;
	}
	n = config_setting_length(m);
	if (n > HC_MAX_HEADERS) {
		cfg_report(c, m, key, "%d headers, more than %d", n,
			   HC_MAX_HEADERS);
		return;
	}
	chk->headers = calloc(n ? n : 1, sizeof(*chk->headers));
	if (!chk->headers) {
		cfg_report(c, m, key, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(m, i);
		snprintf(ekey, sizeof(ekey), "%s.[%d]", key, i);
		h = cfg_get_text(c, e, ekey, true);
		if (!h || check_header(c, e, ekey, h) < 0)
			continue;
		if (cfg_dup_str(c, e, ekey, &chk->headers[chk->n_headers],
				h) == 0)
			chk->n_headers++;
	}
}

void cfg_parse_body_regex(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_string(c, m, key);
	char why[128];
	int r;

	if (!v)
		return;
	if (!*v) {
		cfg_report(c, m, key,
			   "empty (leave it out to accept any body)");
		return;
	}
	r = regcomp(&chk->body_re, v, REG_EXTENDED | REG_NOSUB);
	if (r) {
		regerror(r, &chk->body_re, why, sizeof(why));
		cfg_report(c, m, key, "invalid regular expression \"%s\": %s",
			   v, why);
		return;
	}
	chk->has_body_re = true;
	cfg_dup_str(c, m, key, &chk->body_regex, v);
}

/* A DNS host name: labels of letters, digits, '-' and '_', dots between. */
static bool is_host_name(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (!len || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_') || ++label > 63)
			return false;
	}
	return true;
}

void cfg_parse_tls_sni(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, false);
	struct in6_addr a;

	if (!v)
		return;
	/* RFC 6066: a host name, never an address. */
	if (inet_pton(AF_INET, v, &a) == 1 || inet_pton(AF_INET6, v, &a) == 1)
		cfg_report(c, m, key,
			   "\"%s\" is an address: a server name is a host name",
			   v);
	else if (!is_host_name(v))
		cfg_report(c, m, key, "\"%s\" is not a host name", v);
	else
		cfg_dup_str(c, m, key, &chk->tls_sni, v);
}

void cfg_parse_query(struct hc_ctx *c, const config_setting_t *m,
		     const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, false);
	size_t len;

	if (!v)
		return;
	/* "example.com." and "example.com" are the same name. */
	len = strlen(v);
	if (len > 1 && v[len - 1] == '.')
		len--;
	if (strcmp(v, ".") != 0) {
		char name[256];

		snprintf(name, sizeof(name), "%.*s", (int)len, v);
		if (len > 253 || !is_host_name(name)) {
			cfg_report(c, m, key, "\"%s\" is not a domain name",
				   v);
			return;
		}
	}
	cfg_dup_str(c, m, key, &chk->query, v);
}

/* The record types a dns check may ask for. */
const struct nflb_name hc_query_type_names[] = {
	{ ns_t_a, "A" }, { ns_t_aaaa, "AAAA" }, { ns_t_cname, "CNAME" },
	{ ns_t_mx, "MX" }, { ns_t_ns, "NS" }, { ns_t_ptr, "PTR" },
	{ ns_t_soa, "SOA" }, { ns_t_srv, "SRV" }, { ns_t_txt, "TXT" },
	{ 0, NULL },
};

void cfg_parse_query_type(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	unsigned int v;

	if (cfg_get_enum(c, m, key, hc_query_type_names, &v) == 0)
		chk->query_type = v;
}

void cfg_parse_retry(struct hc_ctx *c, const config_setting_t *m,
		     const char *key, struct hc_check *chk)
{
	long long n;

	if (cfg_get_int(c, m, key, 0, HC_RETRY_MAX, &n) == 0)
		chk->retry = n;
}

void cfg_parse_retry_delay(struct hc_ctx *c, const config_setting_t *m,
			   const char *key, struct hc_check *chk)
{
	cfg_get_seconds(c, m, key, HC_RETRY_DELAY_MIN, HC_RETRY_DELAY_MAX,
			&chk->retry_delay_ms);
}

void cfg_checkopts_defaults(struct hc_check *chk)
{
	chk->retry = 0;
	chk->retry_delay_ms = HC_RETRY_DELAY_DEFAULT;
	chk->query_type = ns_t_a;
}

void cfg_checkopts_finish(struct hc_ctx *c, const config_setting_t *s,
			  const char *base, bool has_type,
			  struct hc_check *chk)
{
	char key[HC_KEY_MAX];
	uint64_t run;

	if (has_type && chk->type == HC_CHECK_DNS && !chk->query &&
	    !config_setting_get_member(s, "query"))
		cfg_report(c, s, base,
			   "missing \"query\" (required for dns checks)");
	/* A run and its retries end before the next run is due. */
	run = (uint64_t)chk->timeout_ms +
	      (uint64_t)chk->retry * (chk->retry_delay_ms + chk->timeout_ms);
	if (chk->retry && run >= chk->interval_ms)
		cfg_report(c, config_setting_get_member(s, "retry"),
			   cfg_kpath(key, base, "retry"),
			   "%u retries take up to %g s (timeout %g s, delay-before-retry %g s each), not less than the interval (%g s)",
			   chk->retry, run / 1000.0, chk->timeout_ms / 1000.0,
			   chk->retry_delay_ms / 1000.0,
			   chk->interval_ms / 1000.0);
}

void cfg_checkopts_free(struct hc_check *chk)
{
	size_t i;

	free(chk->method);
	for (i = 0; i < chk->n_headers; i++)
		free(chk->headers[i]);
	free(chk->headers);
	free(chk->body_regex);
	if (chk->has_body_re)
		regfree(&chk->body_re);
	free(chk->tls_sni);
	free(chk->query);
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool cfg_checkopts_equal(const struct hc_check *a, const struct hc_check *b)
{
	size_t i;

	if (a->n_headers != b->n_headers)
		return false;
	for (i = 0; i < a->n_headers; i++)
		if (strcmp(a->headers[i], b->headers[i]) != 0)
			return false;
	return a->retry == b->retry &&
	       a->retry_delay_ms == b->retry_delay_ms &&
	       str_equal(a->method, b->method) &&
	       str_equal(a->body_regex, b->body_regex) &&
	       str_equal(a->tls_sni, b->tls_sni) &&
	       str_equal(a->query, b->query) &&
	       a->query_type == b->query_type;
}

/* A check of an all-ports service with no port to probe: reported. */
static void all_ports_rule(struct hc_ctx *c, const config_setting_t *m,
			   const char *key, const struct hc_check *chk)
{
	if (config_setting_type(m) == CONFIG_TYPE_GROUP &&
	    config_setting_get_member(m, "type") &&
	    chk->type != HC_CHECK_EXEC && !chk->port &&
	    !config_setting_get_member(m, "port"))
		cfg_report(c, m, key,
			   "missing \"port\": the service takes every port (port 0), so its backends have none to probe");
}

void cfg_parse_checks(struct hc_ctx *c, const config_setting_t *m,
		      const char *key, bool all_ports, struct hc_check *first,
		      struct hc_check **more, size_t *n_more)
{
	const config_setting_t *e;
	char ekey[HC_KEY_MAX];
	int i, n;

	if (config_setting_type(m) != CONFIG_TYPE_LIST) {
		cfg_parse_check(c, m, key, first);
		return;
	}
	/* Several checks: ( { type = ...; }, { type = ...; } ). */
	n = config_setting_length(m);
	if (n == 0) {
		cfg_report(c, m, key, "an empty list (at least one check)");
		return;
	}
	*more = calloc(n, sizeof(**more));
	if (!*more) {
		cfg_report(c, m, key, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		struct hc_check *chk = i ? &(*more)[i - 1] : first;

		e = config_setting_get_elem(m, i);
		snprintf(ekey, sizeof(ekey), "%s.[%d]", key, i);
		cfg_parse_check(c, e, ekey, chk);
		if (i)
			(*n_more)++;
		if (all_ports)
			all_ports_rule(c, e, ekey, chk);
	}
}

void cfg_parse_required(struct hc_ctx *c, const config_setting_t *g,
			const char *base, size_t n_checks,
			uint32_t *required)
{
	const config_setting_t *m = config_setting_get_member(g,
							      "checks-required");
	char key[HC_KEY_MAX];
	long long n;

	if (!m)
		return;
	cfg_kpath(key, base, "checks-required");
	if (cfg_get_int(c, m, key, 1, HC_MAX_CHECKS, &n) < 0)
		return;
	if ((size_t)n > n_checks) {
		cfg_report(c, m, key, "%lld is more than the %zu check%s",
			   n, n_checks, n_checks == 1 ? "" : "s");
		return;
	}
	*required = n;
}

void cfg_checks_free(struct hc_check *more, size_t n_more)
{
	size_t i;

	for (i = 0; i < n_more; i++)
		cfg_check_free(&more[i]);
	free(more);
}

void cfg_parse_backend_check(struct hc_ctx *c, const config_setting_t *m,
			     const char *key, bool all_ports,
			     struct hc_backend_conf *bc)
{
	char ckey[HC_KEY_MAX];

	if (!m)
		return;
	cfg_kpath(ckey, key, "check");
	bc->check = calloc(1, sizeof(*bc->check));
	if (!bc->check) {
		cfg_report(c, m, ckey, "out of memory");
		return;
	}
	cfg_parse_checks(c, m, ckey, all_ports, bc->check, &bc->more,
			 &bc->n_more);
	/* As for a service's check: a backend without a port. */
	if (all_ports && config_setting_type(m) == CONFIG_TYPE_GROUP)
		all_ports_rule(c, m, ckey, bc->check);
}

void cfg_backend_check_free(struct hc_backend_conf *bc)
{
	cfg_checks_free(bc->more, bc->n_more);
	bc->more = NULL;
	bc->n_more = 0;
	if (!bc->check)
		return;
	cfg_check_free(bc->check);
	free(bc->check);
	bc->check = NULL;
}

const struct hc_check *hc_backend_check(const struct hc_service_conf *sc,
					const struct hc_backend_conf *bc)
{
	return bc->check ? bc->check : &sc->check;
}

size_t hc_backend_n_checks(const struct hc_service_conf *sc,
			   const struct hc_backend_conf *bc)
{
	return 1 + (bc->check ? bc->n_more : sc->n_more);
}

const struct hc_check *hc_backend_check_i(const struct hc_service_conf *sc,
					  const struct hc_backend_conf *bc,
					  size_t i)
{
	if (!i)
		return hc_backend_check(sc, bc);
	return bc->check ? &bc->more[i - 1] : &sc->more[i - 1];
}

uint32_t hc_backend_required(const struct hc_service_conf *sc,
			     const struct hc_backend_conf *bc)
{
	uint32_t r = bc->check ? bc->checks_required : sc->checks_required;

	return r ? r : hc_backend_n_checks(sc, bc);
}
