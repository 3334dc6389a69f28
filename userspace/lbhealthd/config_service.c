// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: the services, their options and backends
 * (the sorry backend too), checked as the kernel would check them, and
 * no two services or backends of a service with the same key.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "config_int.h"

static const char *const service_keys[] = {
	"name", "protocol", "address", "port", "table-size", "hash", "seed",
	"snat", "forward", "synproxy", "timeout-tcp", "timeout-tcp-fin",
	"timeout-udp", "rate", "burst",
	"quorum", "sorry", "on-failure", "flush-on-down", "check",
	"checks-required", "backends", "notify-up", "notify-down",
	"notify-quorum-up", "notify-quorum-down", "announce", "announce-nat",
	NULL,
};

/* Per service, while checking: what parsed well enough to go on with. */
struct svc_state {
	const config_setting_t *setting;
	/* The parts of the key that are right (else 0, 0 and -1). */
	uint8_t proto;
	uint16_t family;
	int port;
	bool key_ok;			/* protocol, address and port */
	bool name_set;
	const config_setting_t *quorum;	/* if set and valid */
	bool *be_ok;			/* per backend: address and port */
};

/* A backend's port, by the rules of the service's (ST->port). */
static int parse_backend_port(struct hc_ctx *c, const config_setting_t *s,
			      const char *base, const struct svc_state *st,
			      struct nflb_backend *be)
{
	const config_setting_t *m = config_setting_get_member(s, "port");
	char key[HC_KEY_MAX];
	long long n;

	if (st->port > 0)
		be->port = st->port;
	if (!m)
		return 0;
	if (cfg_get_int(c, m, cfg_kpath(key, base, "port"), 0, 65535, &n) < 0)
		return -1;
	if (st->port == 0 && n) {
		cfg_report(c, m, key,
			   "a backend of an all-ports service (port 0) takes no port: it keeps the client's destination port");
		return -1;
	}
	if (st->port > 0 && !n) {
		cfg_report(c, m, key,
			   "port 0 is only for backends of an all-ports service (1-65535)");
		return -1;
	}
	be->port = n;
	return 0;
}

/*
 * A backend (REAL) or the sorry backend: group S with keys "address",
 * "port" and "weight" ("maintenance" too for a backend, read by the
 * caller).  The service's family and port, as far as they are right,
 * decide the rules.  0, or -1 (reported).
 */
static int parse_backend(struct hc_ctx *c, const config_setting_t *s,
			 const char *base, const struct svc_state *st,
			 struct nflb_backend *be, bool real)
{
	static const char *const known[] = { "address", "port", "weight",
					     "maintenance", "check",
					     "checks-required", NULL };
	static const char *const sorry_known[] = { "address", "port",
						   "weight", NULL };
	const config_setting_t *m;
	char key[HC_KEY_MAX];
	int ret = 0, dns = 0;
	long long n;

	memset(be, 0, sizeof(*be));
	be->weight = 1;
	be->state = NFLB_BACKEND_UP;
	NFLB_SET(be, NFLB_BE_A_PORT);
	NFLB_SET(be, NFLB_BE_A_WEIGHT);
	NFLB_SET(be, NFLB_BE_A_STATE);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_wrong_type(c, s, base, "a group { address = ...; }");
		return -1;
	}
	/* The sorry backend has no maintenance: leave it out instead. */
	cfg_check_keys(c, s, base, real ? known : sorry_known);

	m = config_setting_get_member(s, "address");
	if (!m) {
		cfg_report(c, s, base, "missing \"address\"");
		ret = -1;
	} else if (real && cfg_is_dns_name(m)) {
		/* A host name, resolved at run time (dns.c). */
		be->family = st->family;
		dns = 1;
	} else if (cfg_get_addr(c, m, cfg_kpath(key, base, "address"),
				&be->family, &be->addr) < 0) {
		ret = -1;
	} else if (st->family && be->family != st->family) {
		cfg_report(c, m, key, "%s address in an %s service",
			   nflb_enum_name(nflb_family_names, be->family),
			   nflb_enum_name(nflb_family_names, st->family));
		ret = -1;
	}
	if (parse_backend_port(c, s, base, st, be) < 0)
		ret = -1;
	m = config_setting_get_member(s, "weight");
	if (m && cfg_get_int(c, m, cfg_kpath(key, base, "weight"), 0, 65535,
			     &n) == 0)
		be->weight = n;
	else if (m)
		ret = -1;
	return ret < 0 ? ret : dns;
}

/*
 * The first of the first N backends of SC that parsed well and has the
 * key of BE: its index, or -1.
 */
static ssize_t find_backend(const struct hc_service_conf *sc,
			    const struct svc_state *st, size_t n,
			    const struct nflb_backend *be)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (st->be_ok[i] &&
		    nflb_backend_same_key(&sc->backends[i].be, be))
			return i;
	return -1;
}

/*
 * The backends seen so far, by key: an open-addressing hash table of
 * indices + 1 (0: empty), so that a duplicate is found in constant time
 * (a service may have tens of thousands of backends).
 */
struct be_index {
	size_t mask;
	size_t *slot;
};

static uint64_t backend_hash(const struct nflb_backend *be)
{
	uint64_t h = NFLB_FNV1A64_INIT;

	h = nflb_fnv1a64(h, &be->family, sizeof(be->family));
	h = nflb_fnv1a64(h, &be->addr, nflb_addr_len(be->family));
	return nflb_fnv1a64(h, &be->port, sizeof(be->port));
}

static int be_index_init(struct be_index *ix, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	ix->mask = size - 1;
	ix->slot = calloc(size, sizeof(*ix->slot));
	return ix->slot ? 0 : -1;
}

/*
 * The index of the first backend of SC with the key of SC->backends[I],
 * or I itself (then entered) if it is the first.
 */
static size_t be_index_first(struct be_index *ix,
			     const struct hc_service_conf *sc, size_t i)
{
	const struct nflb_backend *be = &sc->backends[i].be;
	size_t h = backend_hash(be) & ix->mask;

	for (; ix->slot[h]; h = (h + 1) & ix->mask)
		if (nflb_backend_same_key(&sc->backends[ix->slot[h] - 1].be,
					  be))
			return ix->slot[h] - 1;
	ix->slot[h] = i + 1;
	return i;
}

/* The list "backends" M of a service; -1 when out of memory. */
static int parse_backends(struct hc_ctx *c, const config_setting_t *m,
			  const char *base, struct hc_service_conf *sc,
			  struct svc_state *st)
{
	size_t i, j, n = config_setting_length(m);
	char key[HC_KEY_MAX], a[NFLB_ADDRSTRLEN];
	struct be_index ix = { 0 };
	int ret;

	sc->backends = calloc(n, sizeof(*sc->backends));
	st->be_ok = calloc(n, sizeof(bool));
	if (!sc->backends || !st->be_ok || be_index_init(&ix, n) < 0) {
		cfg_report(c, m, cfg_kpath(key, base, "backends"),
			   "out of memory");
		free(ix.slot);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *b = config_setting_get_elem(m, i), *mm;
		struct hc_backend_conf *bc = &sc->backends[i];
		char mkey[HC_KEY_MAX];

		if (snprintf(key, sizeof(key), "%s.backends.[%zu]", base,
			     i) >= (int)sizeof(key))
			continue;	/* base is short: cannot be */
		bc->line = config_setting_source_line(b);
		ret = parse_backend(c, b, key, st, &bc->be, true);
		st->be_ok[i] = ret == 0;
		if (ret == 1)
			cfg_dup_str(c, b, key, &bc->dns_name,
				    config_setting_get_string(
					config_setting_get_member(b, "address")));
		mm = config_setting_type(b) == CONFIG_TYPE_GROUP ?
		     config_setting_get_member(b, "maintenance") : NULL;
		if (mm)
			cfg_get_bool(c, mm, cfg_kpath(mkey, key, "maintenance"),
				     &bc->maintenance);
		cfg_parse_backend_check(c, config_setting_type(b) ==
					CONFIG_TYPE_GROUP ?
					config_setting_get_member(b, "check") :
					NULL, key, st->port == 0, bc);
		if (config_setting_type(b) == CONFIG_TYPE_GROUP &&
		    config_setting_get_member(b, "checks-required") &&
		    !bc->check)
			cfg_report(c, config_setting_get_member(b, "checks-required"),
				   cfg_kpath(mkey, key, "checks-required"),
				   "only with the backend's own \"check\"");
		else if (config_setting_type(b) == CONFIG_TYPE_GROUP)
			cfg_parse_required(c, b, key, 1 + bc->n_more,
					   &bc->checks_required);
		sc->n_backends++;
		if (!st->be_ok[i])
			continue;
		j = be_index_first(&ix, sc, i);
		if (j != i)
			cfg_report(c, b, key,
				   "duplicate backend %s (as backends.[%zu], line %u)",
				   nflb_addr_format(bc->be.family,
						    &bc->be.addr, true,
						    bc->be.port, a, sizeof(a)),
				   j, sc->backends[j].line);
	}
	free(ix.slot);
	return 0;
}

static void parse_sorry(struct hc_ctx *c, const config_setting_t *m,
			const char *base, struct hc_service_conf *sc,
			const struct svc_state *st)
{
	char key[HC_KEY_MAX];
	ssize_t i;

	if (parse_backend(c, m, cfg_kpath(key, base, "sorry"), st,
			  &sc->sorry, false) < 0)
		return;
	sc->has_sorry = true;
	i = find_backend(sc, st, sc->n_backends, &sc->sorry);
	if (i >= 0)
		cfg_report(c, m, key,
			   "the sorry backend is also backends.[%zd] (line %u)",
			   i, sc->backends[i].line);
}

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
	cfg_kpath(key, base, name);
	if (proto && proto != for_proto) {
		cfg_report(c, m, key, "only for a %s service",
			   nflb_proto_name(for_proto));
		return;
	}
	if (cfg_get_int(c, m, key, 0, NFLB_TIMEOUT_MAX, &n) == 0)
		*field = n;
}

/*
 * rate = N; (new flows a second, 0: none) and burst = M; (default N).
 * Always sent, so that a rate taken out of the file is lifted; the burst
 * only with a rate, as the kernel wants.
 */
static void parse_rate_opts(struct hc_ctx *c, const config_setting_t *g,
			    const char *base, struct nflb_service *svc)
{
	const config_setting_t *r = config_setting_get_member(g, "rate");
	const config_setting_t *b = config_setting_get_member(g, "burst");
	char key[HC_KEY_MAX];
	long long n;

	NFLB_SET(svc, NFLB_SVC_A_RATE);
	if (r && cfg_get_int(c, r, cfg_kpath(key, base, "rate"), 0,
			     NFLB_SVC_RATE_MAX, &n) == 0)
		svc->rate = n;
	svc->burst = svc->rate;
	if (b) {
		if (!svc->rate) {
			cfg_report(c, b, cfg_kpath(key, base, "burst"),
				   "burst needs a rate above 0");
			return;
		}
		if (cfg_get_int(c, b, cfg_kpath(key, base, "burst"), 1,
				NFLB_SVC_RATE_MAX, &n) == 0)
			svc->burst = n;
	}
	if (svc->rate)
		NFLB_SET(svc, NFLB_SVC_A_BURST);
}

uint32_t hc_table_size_for(size_t n)
{
	uint32_t size = HC_TABLE_DEFAULT;

	if (n > HC_TABLE_MAX / 100)
		return HC_TABLE_MAX;
	if (100 * n > size)
		size = 100 * n;
	while (!nflb_is_prime(size))
		size++;
	return size;
}

static void service_defaults(const config_setting_t *s,
			     struct hc_service_conf *sc, struct svc_state *st)
{
	struct nflb_service *svc = &sc->svc;

	sc->line = config_setting_source_line(s);
	sc->quorum = 1;
	sc->on_failure = HC_FAIL_DOWN;
	svc->table_size = HC_TABLE_DEFAULT;
	svc->hash = NFLB_HASH_5TUPLE;
	NFLB_SET(svc, NFLB_SVC_A_TABLE_SIZE);
	NFLB_SET(svc, NFLB_SVC_A_HASH);
	NFLB_SET(svc, NFLB_SVC_A_SEED);
	NFLB_SET(svc, NFLB_SVC_A_SNAT);
	NFLB_SET(svc, NFLB_SVC_A_FORWARD);	/* nat unless the file says */
	NFLB_SET(svc, NFLB_SVC_A_SYNPROXY);	/* off unless the file says */
	st->setting = s;
	st->port = -1;
}

/* The key: protocol, address (the VIP) and port. */
static void parse_service_key(struct hc_ctx *c, const config_setting_t *s,
			      const char *base, struct nflb_service *svc,
			      struct svc_state *st)
{
	const config_setting_t *m;
	char key[HC_KEY_MAX], choices[32];
	unsigned int proto;
	long long n;

	m = config_setting_get_member(s, "protocol");
	if (!m)
		cfg_report(c, s, base, "missing \"protocol\" (%s)",
			   nflb_enum_choices(nflb_proto_names, choices,
					     sizeof(choices)));
	else if (cfg_get_enum(c, m, cfg_kpath(key, base, "protocol"),
			      nflb_proto_names, &proto) == 0)
		st->proto = svc->proto = proto;
	m = config_setting_get_member(s, "address");
	if (!m)
		cfg_report(c, s, base, "missing \"address\" (the VIP)");
	else if (cfg_get_addr(c, m, cfg_kpath(key, base, "address"),
			      &svc->family, &svc->addr) == 0)
		st->family = svc->family;
	m = config_setting_get_member(s, "port");
	if (!m) {
		cfg_report(c, s, base,
			   "missing \"port\" (0-65535, 0: every port)");
	} else if (cfg_get_int(c, m, cfg_kpath(key, base, "port"), 0, 65535,
			       &n) == 0) {
		svc->port = n;
		st->port = n;
	}
	st->key_ok = st->proto && st->family && st->port >= 0;
}

/* The name, "PROTO VIP:PORT" by default. */
static void parse_service_name(struct hc_ctx *c, const config_setting_t *s,
			       const char *base, struct hc_service_conf *sc,
			       struct svc_state *st)
{
	const config_setting_t *m = config_setting_get_member(s, "name");
	char key[HC_KEY_MAX], addr[NFLB_ADDRSTRLEN], name[HC_NAME_MAX + 16];
	struct nflb_service *svc = &sc->svc;
	const char *v;

	if (m) {
		v = cfg_get_text(c, m, cfg_kpath(key, base, "name"), true);
		if (v && strlen(v) > HC_NAME_MAX)
			cfg_report(c, m, key, "longer than %d bytes",
				   HC_NAME_MAX);
		else if (v && cfg_dup_str(c, m, key, &sc->name, v) == 0)
			st->name_set = true;
	}
	if (!sc->name && st->key_ok) {
		nflb_addr_format(svc->family, &svc->addr, true, svc->port,
				 addr, sizeof(addr));
		snprintf(name, sizeof(name), "%s %s",
			 nflb_proto_name(svc->proto), addr);
		cfg_dup_str(c, s, base, &sc->name, name);
	}
}

/*
 * snat: true (masquerade to the outgoing interface's address), false, or
 * an address of the VIP's family (SNAT to it: an HA pair's floating one).
 */
static void parse_snat(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct nflb_service *svc,
		       const struct svc_state *st)
{
	union nflb_inaddr addr;
	uint16_t family;
	bool snat = false;

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
			cfg_wrong_type(c, m, key,
				       "true, false or an address");
			return;
		}
		cfg_get_bool(c, m, key, &snat);
		svc->snat = snat;
		return;
	}
	if (cfg_get_addr(c, m, key, &family, &addr) < 0)
		return;
	if (st->family && family != st->family) {
		cfg_report(c, m, key,
			   "snat address is %s, the VIP %s",
			   nflb_enum_name(nflb_family_names, family),
			   nflb_enum_name(nflb_family_names, st->family));
		return;
	}
	svc->snat = 1;
	svc->snat_addr = addr;
	NFLB_SET(svc, NFLB_SVC_A_SNAT_ADDR);
}

/* The service's options for the kernel (table, hash, snat, timeouts). */
static void parse_service_opts(struct hc_ctx *c, const config_setting_t *s,
			       const char *base, struct hc_service_conf *sc,
			       const struct svc_state *st)
{
	struct nflb_service *svc = &sc->svc;
	const config_setting_t *m;
	char key[HC_KEY_MAX];
	unsigned int hash, fwd;
	bool synproxy = false;

	m = config_setting_get_member(s, "table-size");
	if (m && cfg_get_table_size(c, m, cfg_kpath(key, base, "table-size"),
				    &svc->table_size) == 0)
		sc->table_size_set = true;
	m = config_setting_get_member(s, "hash");
	if (m && cfg_get_enum(c, m, cfg_kpath(key, base, "hash"),
			      nflb_hash_names, &hash) == 0)
		svc->hash = hash;
	m = config_setting_get_member(s, "seed");
	if (m)
		cfg_get_seed(c, m, cfg_kpath(key, base, "seed"), &svc->seed);
	m = config_setting_get_member(s, "snat");
	if (m)
		parse_snat(c, m, cfg_kpath(key, base, "snat"), svc, st);
	m = config_setting_get_member(s, "forward");
	if (m && cfg_get_enum(c, m, cfg_kpath(key, base, "forward"),
			      nflb_forward_names, &fwd) == 0) {
		svc->forward = fwd;
		if (svc->snat && fwd != NFLB_FORWARD_NAT)
			cfg_report(c, m, cfg_kpath(key, base, "forward"),
				   "snat is only valid with forward \"nat\", not \"%s\"",
				   nflb_forward_name(fwd));
	}
	m = config_setting_get_member(s, "synproxy");
	if (m && cfg_get_bool(c, m, cfg_kpath(key, base, "synproxy"),
			      &synproxy) == 0 && synproxy) {
		svc->synproxy = 1;
		if (st->proto != IPPROTO_TCP)
			cfg_report(c, m, cfg_kpath(key, base, "synproxy"),
				   "synproxy is only valid for tcp services");
		else if (svc->forward != NFLB_FORWARD_NAT)
			cfg_report(c, m, cfg_kpath(key, base, "synproxy"),
				   "synproxy is only valid with forward \"nat\", not \"%s\"",
				   nflb_forward_name(svc->forward));
	}
	/* The kernel takes each timeout for its own protocol only. */
	parse_timeout_opt(c, s, base, "timeout-tcp", st->proto, IPPROTO_TCP,
			  svc, NFLB_SVC_A_TIMEOUT_TCP, &svc->timeout_tcp);
	parse_timeout_opt(c, s, base, "timeout-tcp-fin", st->proto,
			  IPPROTO_TCP, svc, NFLB_SVC_A_TIMEOUT_TCP_FIN,
			  &svc->timeout_tcp_fin);
	parse_timeout_opt(c, s, base, "timeout-udp", st->proto, IPPROTO_UDP,
			  svc, NFLB_SVC_A_TIMEOUT_UDP, &svc->timeout_udp);
	parse_rate_opts(c, s, base, svc);
}

/*
 * What lbhealthd does with the service's health: on-failure, quorum,
 * flush-on-down.  Flushing by default only for udp: a UDP flow never ends
 * by itself, so one that stays on a dead backend is lost for as long as its
 * client keeps sending; a TCP flow to a dead backend ends by itself (reset
 * or timeout) and its client reconnects, to a backend that is up.
 */
static void parse_health_opts(struct hc_ctx *c, const config_setting_t *s,
			      const char *base, struct hc_service_conf *sc,
			      struct svc_state *st)
{
	static const struct nflb_name failures[] = {
		{ HC_FAIL_DOWN, "down" }, { HC_FAIL_DRAIN, "drain" },
		{ 0, NULL },
	};
	const config_setting_t *m;
	char key[HC_KEY_MAX];
	unsigned int fail;
	long long n;

	m = config_setting_get_member(s, "on-failure");
	if (m && cfg_get_enum(c, m, cfg_kpath(key, base, "on-failure"),
			      failures, &fail) == 0)
		sc->on_failure = fail;
	sc->flush_on_down = c->flush_set ? c->flush_on_down :
			    st->proto == IPPROTO_UDP;
	m = config_setting_get_member(s, "flush-on-down");
	if (m)
		cfg_get_bool(c, m, cfg_kpath(key, base, "flush-on-down"),
			     &sc->flush_on_down);
	m = config_setting_get_member(s, "quorum");
	if (m && cfg_get_int(c, m, cfg_kpath(key, base, "quorum"), 0, 65535,
			     &n) == 0) {
		sc->quorum = n;
		st->quorum = m;
	}
}

/* What depends on more than one key: quorum, the check's port. */
static void service_finish(struct hc_ctx *c, const config_setting_t *s,
			   const char *base, struct hc_service_conf *sc,
			   const struct svc_state *st)
{
	const config_setting_t *m = config_setting_get_member(s, "check");
	char key[HC_KEY_MAX];

	if (!sc->table_size_set)
		sc->svc.table_size = hc_table_size_for(sc->n_backends +
						       sc->has_sorry);
	/* A host name may stand for any number of backends. */
	if (st->quorum && sc->quorum > sc->n_backends && !cfg_has_dns(sc))
		cfg_report(c, st->quorum, cfg_kpath(key, base, "quorum"),
			   "%u exceeds the number of backends (%zu)",
			   sc->quorum, sc->n_backends);
	/*
	 * The backends of an all-ports service have no port of their own:
	 * a network check needs to be told which one to probe.
	 */
	if (st->port == 0 && sc->n_backends && m &&
	    config_setting_type(m) == CONFIG_TYPE_GROUP &&
	    config_setting_get_member(m, "type") &&
	    sc->check.type != HC_CHECK_EXEC && !sc->check.port &&
	    !config_setting_get_member(m, "port"))
		cfg_report(c, m, cfg_kpath(key, base, "check"),
			   "missing \"port\": the service takes every port (port 0), so its backends have none to probe");
}

static void parse_service(struct hc_ctx *c, const config_setting_t *s,
			  const char *base, struct hc_service_conf *sc,
			  struct svc_state *st)
{
	const config_setting_t *m;
	char key[HC_KEY_MAX];

	service_defaults(s, sc, st);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_wrong_type(c, s, base, "a group { protocol = ...; }");
		return;
	}
	cfg_check_keys(c, s, base, service_keys);
	parse_service_key(c, s, base, &sc->svc, st);
	parse_service_name(c, s, base, sc, st);
	parse_service_opts(c, s, base, sc, st);
	parse_health_opts(c, s, base, sc, st);
	cfg_parse_notify(c, s, base, &sc->notify);
	cfg_parse_service_announce(c, s, base, sc);

	m = config_setting_get_member(s, "check");
	if (!m)
		cfg_report(c, s, base,
			   "missing \"check\" (every service has one)");
	else
		cfg_parse_checks(c, m, cfg_kpath(key, base, "check"),
				 st->port == 0 && config_setting_get_member(s,
								"backends"),
				 &sc->check, &sc->more, &sc->n_more);
	cfg_parse_required(c, s, base, 1 + sc->n_more, &sc->checks_required);
	m = config_setting_get_member(s, "backends");
	if (m && config_setting_type(m) != CONFIG_TYPE_LIST)
		cfg_wrong_type(c, m, cfg_kpath(key, base, "backends"),
			       "a list ( { address = ...; }, ... )");
	else if (m && config_setting_length(m) > 0 &&
		 parse_backends(c, m, base, sc, st) < 0)
		return;
	m = config_setting_get_member(s, "sorry");
	if (m)
		parse_sorry(c, m, base, sc, st);
	service_finish(c, s, base, sc, st);
	cfg_dns_split(c, s, base, sc);
}

void cfg_parse_services(struct hc_ctx *c, const config_setting_t *list,
			struct hc_config *cfg)
{
	struct svc_state *st;
	char base[HC_KEY_MAX], a[NFLB_ADDRSTRLEN];
	size_t i, j, n;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		cfg_wrong_type(c, list, "services",
			       "a list ( { protocol = ...; }, ... )");
		return;
	}
	n = config_setting_length(list);
	if (!n)
		return;
	cfg->services = calloc(n, sizeof(*cfg->services));
	st = calloc(n, sizeof(*st));
	if (!cfg->services || !st) {
		cfg_report(c, list, "services", "out of memory");
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
			    nflb_service_same_key(&cfg->services[j].svc,
						  &sc->svc)) {
				cfg_report(c, st[i].setting, base,
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
				cfg_report(c, st[i].setting, base,
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
