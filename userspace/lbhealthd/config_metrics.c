// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: "metrics", the address /metrics is served on
 * (metrics.c).  A literal address and a port, never a host name: what the
 * daemon binds must not depend on a resolver at start.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

int hc_listen_parse(const char *text, struct hc_listen *l, const char **why)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l->sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&l->sa;
	char addr[INET6_ADDRSTRLEN + 1];
	const char *colon, *p;
	unsigned long port;
	size_t n;
	char *end;

	if (text[0] == '[') {
		colon = strchr(text, ']');
		if (!colon || colon[1] != ':') {
			*why = "expected \"[IPV6]:PORT\"";
			return -1;
		}
		n = colon - text - 1;
		p = text + 1;
		colon++;
	} else {
		colon = strrchr(text, ':');
		if (!colon || strchr(text, ':') != colon) {
			*why = strchr(text, ':') && colon ?
			       "an IPv6 address goes in brackets: \"[ADDR]:PORT\"" :
			       "expected \"ADDR:PORT\" (\"127.0.0.1:9469\", \"[::1]:9469\")";
			return -1;
		}
		n = colon - text;
		p = text;
	}
	if (!colon[1] || colon[1] < '0' || colon[1] > '9') {
		*why = "missing port after ':'";
		return -1;
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535) {
		*why = "port is not 1-65535";
		return -1;
	}
	if (n >= sizeof(addr)) {
		*why = "not an IP address";
		return -1;
	}
	memcpy(addr, p, n);
	addr[n] = '\0';
	memset(&l->sa, 0, sizeof(l->sa));
	if (text[0] != '[' && inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		l->sa_len = sizeof(*s4);
		return 0;
	}
	if (text[0] == '[' && inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		l->sa_len = sizeof(*s6);
		return 0;
	}
	*why = text[0] == '[' ? "not an IPv6 address" :
	       "not an IPv4 address (a literal one: no host names)";
	return -1;
}

bool hc_listen_equal(const struct hc_listen *a, const struct hc_listen *b)
{
	if (!a->text || !b->text)
		return !a->text && !b->text;
	return a->sa_len == b->sa_len && !memcmp(&a->sa, &b->sa, a->sa_len);
}

void cfg_parse_metrics(struct hc_ctx *c, const config_setting_t *s,
		       struct hc_config *cfg)
{
	struct hc_listen l = { 0 };
	const char *v, *why;

	v = cfg_get_text(c, s, "metrics", false);
	if (!v)
		return;
	if (hc_listen_parse(v, &l, &why) < 0) {
		cfg_report(c, s, "metrics", "\"%s\": %s", v, why);
		return;
	}
	if (cfg_dup_str(c, s, "metrics", &l.text, v) == 0)
		cfg->metrics = l;
}
