// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm's argument parsing.  Everything that can be checked without the
 * kernel is checked here, before any socket is opened, and every error
 * names the argument at fault.  The Maglev table size is only checked to be
 * a positive number: its bounds and primality are the kernel's to enforce
 * (they are reported by GET_INFO and may change), and it says why in the
 * extended ACK.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "parse.h"

static int perr(struct lbadm_perr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct lbadm_perr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int lbadm_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	int base = 10;
	char *end;

	if (!is_digit(s[0]))	/* no sign, no blank, not empty */
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -1;
	}
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || n > max)
		return -1;
	*v = n;
	return 0;
}

int lbadm_parse_port(const char *s, uint16_t *port)
{
	unsigned long n;
	char *end;

	if (!is_digit(s[0]))
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n > 65535)
		return -1;
	*port = n;
	return 0;
}

/* VAL, one of the names of TAB, as its value; WHAT names it in errors. */
static int parse_enum(const struct nflb_name *tab, const char *what,
		      const char *val, unsigned int *v, struct lbadm_perr *e)
{
	char names[64];

	if (nflb_enum_value(tab, val, v) < 0)
		return perr(e, "invalid %s \"%s\" (%s)", what, val,
			    nflb_enum_choices(tab, names, sizeof(names)));
	return 0;
}

int lbadm_parse_proto(const char *s, uint8_t *proto, struct lbadm_perr *e)
{
	unsigned int v;

	if (parse_enum(nflb_proto_names, "protocol", s, &v, e) < 0)
		return -1;
	*proto = v;
	return 0;
}

/*
 * The grammar shared by VIPs and backends: "[ADDR6]", "[ADDR6]:PORT",
 * "ADDR4", "ADDR4:PORT", or (two colons or more, no brackets) a bare ADDR6
 * without a port.  WHAT names the argument in messages.
 */
static int parse_endpoint(const char *s, const char *what, bool need_port,
			  uint16_t *family, union nflb_inaddr *addr,
			  bool *has_port, uint16_t *port,
			  struct lbadm_perr *e)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon, *end, *rest;
	size_t len;

	if (!*s)
		return perr(e, "empty %s", what);
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return perr(e, "missing \"]\" in \"%s\"", s);
		len = end - (s + 1);
		if (len >= sizeof(host))
			return perr(e, "invalid IPv6 address \"%.*s\" in \"%s\"",
				    (int)len, s + 1, s);
		memcpy(host, s + 1, len);
		host[len] = '\0';
		if (inet_pton(AF_INET6, host, addr) != 1)
			return perr(e, "invalid IPv6 address \"%s\" in \"%s\"",
				    host, s);
		*family = AF_INET6;
		rest = end + 1;
		if (!*rest) {
			if (need_port)
				return perr(e, "missing port in \"%s\" ([ADDR6]:PORT)",
					    s);
			*has_port = false;
			return 0;
		}
		if (*rest != ':')
			return perr(e, "unexpected \"%s\" after \"]\" in \"%s\"",
				    rest, s);
		if (lbadm_parse_port(rest + 1, port) < 0)
			return perr(e, "invalid port \"%s\" in \"%s\" (0-65535)",
				    rest + 1, s);
		*has_port = true;
		return 0;
	}

	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* Two colons or more: a bare IPv6 address, no port. */
		if (inet_pton(AF_INET6, s, addr) != 1)
			return perr(e, "invalid address \"%s\" (an IPv6 address with a port goes in brackets: [ADDR]:PORT)",
				    s);
		if (need_port)
			return perr(e, "missing port in \"%s\" (IPv6: [%s]:PORT)",
				    s, s);
		*family = AF_INET6;
		*has_port = false;
		return 0;
	}

	len = colon ? (size_t)(colon - s) : strlen(s);
	if (len < sizeof(host)) {
		memcpy(host, s, len);
		host[len] = '\0';
	}
	if (len >= sizeof(host) || inet_pton(AF_INET, host, addr) != 1) {
		if (colon)
			return perr(e, "invalid address \"%.*s\" in \"%s\"",
				    (int)len, s, s);
		return perr(e, "invalid address \"%s\"", s);
	}
	*family = AF_INET;
	if (!colon) {
		if (need_port)
			return perr(e, "missing port in \"%s\" (ADDR:PORT or [ADDR6]:PORT)",
				    s);
		*has_port = false;
		return 0;
	}
	if (lbadm_parse_port(colon + 1, port) < 0)
		return perr(e, "invalid port \"%s\" in \"%s\" (0-65535)",
			    colon + 1, s);
	*has_port = true;
	return 0;
}

int lbadm_parse_vip(const char *s, struct nflb_service *svc,
		    struct lbadm_perr *e)
{
	bool has_port;

	if (parse_endpoint(s, "VIP:PORT", true, &svc->family, &svc->addr,
			   &has_port, &svc->port, e) < 0)
		return -1;
	if (!nflb_addr_is_unicast(svc->family, &svc->addr))
		return perr(e, "invalid address in \"%s\" (not a unicast address)",
			    s);
	return 0;
}

int lbadm_parse_backend_addr(const char *s, struct nflb_backend *be,
			     struct lbadm_perr *e)
{
	bool has_port = false;

	if (parse_endpoint(s, "backend address", false, &be->family,
			   &be->addr, &has_port, &be->port, e) < 0)
		return -1;
	if (!nflb_addr_is_unicast(be->family, &be->addr))
		return perr(e, "invalid address in \"%s\" (not a unicast address)",
			    s);
	if (has_port)
		NFLB_SET(be, NFLB_BE_A_PORT);
	else
		be->present &= ~NFLB_BIT(NFLB_BE_A_PORT);
	return 0;
}

/* Options: a table per command, one handler per option. */

struct lbadm_opt {
	const char *name;
	int slot;		/* options sharing a slot exclude each other */
	int has_value;		/* false, true, or OPT_VALUE */
	int (*apply)(struct lbadm_req *req, const char *name, const char *val,
		     struct lbadm_perr *e);
};

/* A value may follow: the next word, unless it is an option name. */
#define OPT_VALUE 2

#define MAX_SLOTS 11

static int opt_table_size(struct lbadm_req *req, const char *name,
			  const char *val, struct lbadm_perr *e)
{
	uint64_t v;

	if (lbadm_parse_u64(val, UINT32_MAX, &v) < 0 || v == 0)
		return perr(e, "invalid %s \"%s\" (a positive integer, a prime such as 65537)",
			    name, val);
	req->svc.table_size = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_TABLE_SIZE);
	return 0;
}

static int opt_hash(struct lbadm_req *req, const char *name,
		    const char *val, struct lbadm_perr *e)
{
	unsigned int v;

	if (parse_enum(nflb_hash_names, name, val, &v, e) < 0)
		return -1;
	req->svc.hash = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_HASH);
	return 0;
}

static int opt_seed(struct lbadm_req *req, const char *name,
		    const char *val, struct lbadm_perr *e)
{
	uint64_t v;

	if (lbadm_parse_u64(val, UINT64_MAX, &v) < 0)
		return perr(e, "invalid %s \"%s\" (0-18446744073709551615, decimal or 0x hex)",
			    name, val);
	req->svc.seed = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_SEED);
	return 0;
}

/* snat [ADDRESS] | no-snat; the address of the VIP's family, unicast. */
static int opt_snat(struct lbadm_req *req, const char *name,
		    const char *val, struct lbadm_perr *e)
{
	struct nflb_service *svc = &req->svc;

	svc->snat = strcmp(name, "snat") == 0;
	NFLB_SET(svc, NFLB_SVC_A_SNAT);
	svc->present &= ~NFLB_BIT(NFLB_SVC_A_SNAT_ADDR);
	if (!val)
		return 0;
	if (inet_pton(svc->family, val, &svc->snat_addr) != 1)
		return perr(e, "invalid snat address \"%s\" (an %s address, as the VIP)",
			    val, svc->family == AF_INET ? "IPv4" : "IPv6");
	if (!nflb_addr_is_unicast(svc->family, &svc->snat_addr))
		return perr(e, "invalid snat address \"%s\" (not a unicast address)",
			    val);
	NFLB_SET(svc, NFLB_SVC_A_SNAT_ADDR);
	return 0;
}

static int opt_forward(struct lbadm_req *req, const char *name,
		       const char *val, struct lbadm_perr *e)
{
	unsigned int v;

	if (parse_enum(nflb_forward_names, name, val, &v, e) < 0)
		return -1;
	req->svc.forward = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_FORWARD);
	return 0;
}

/* synproxy | no-synproxy: SYN cookies first (TCP, forward nat). */
static int opt_synproxy(struct lbadm_req *req, const char *name,
			const char *val, struct lbadm_perr *e)
{
	(void)val;
	req->svc.synproxy = strcmp(name, "synproxy") == 0;
	if (req->svc.synproxy && req->svc.proto != IPPROTO_TCP)
		return perr(e, "synproxy is only valid for tcp services, not %s",
			    nflb_proto_name(req->svc.proto));
	NFLB_SET(&req->svc, NFLB_SVC_A_SYNPROXY);
	return 0;
}

/* A backend has no method of its own: say where it belongs. */
static int opt_be_forward(struct lbadm_req *req, const char *name,
			  const char *val, struct lbadm_perr *e)
{
	(void)val;
	return perr(e, "\"%s\" is an option of the service, not of a backend (lbadm service set %s VIP:PORT forward %s)",
		    name, nflb_proto_name(req->svc.proto),
		    val ? val : "nat|gre|ipip");
}

static int opt_timeout(struct lbadm_req *req, const char *name,
		       const char *val, struct lbadm_perr *e)
{
	uint64_t v;

	if (lbadm_parse_u64(val, NFLB_TIMEOUT_MAX, &v) < 0)
		return perr(e, "invalid %s \"%s\" (seconds, 0-%u; 0: conntrack's default)",
			    name, val, NFLB_TIMEOUT_MAX);
	if (strcmp(name, "timeout-tcp") == 0) {
		req->svc.timeout_tcp = v;
		NFLB_SET(&req->svc, NFLB_SVC_A_TIMEOUT_TCP);
	} else if (strcmp(name, "timeout-tcp-fin") == 0) {
		req->svc.timeout_tcp_fin = v;
		NFLB_SET(&req->svc, NFLB_SVC_A_TIMEOUT_TCP_FIN);
	} else {
		req->svc.timeout_udp = v;
		NFLB_SET(&req->svc, NFLB_SVC_A_TIMEOUT_UDP);
	}
	return 0;
}

/* rate N (0: no limit), no-rate, burst M: new flows a second. */
static int opt_rate(struct lbadm_req *req, const char *name,
		    const char *val, struct lbadm_perr *e)
{
	uint64_t v = 0;

	if (val && lbadm_parse_u64(val, NFLB_SVC_RATE_MAX, &v) < 0)
		return perr(e, "invalid rate \"%s\" (new flows a second, 0-%u; 0: no limit)",
			    val, NFLB_SVC_RATE_MAX);
	req->svc.rate = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_RATE);
	(void)name;
	return 0;
}

static int opt_burst(struct lbadm_req *req, const char *name,
		     const char *val, struct lbadm_perr *e)
{
	uint64_t v;

	(void)name;
	if (lbadm_parse_u64(val, NFLB_SVC_RATE_MAX, &v) < 0 || v == 0)
		return perr(e, "invalid burst \"%s\" (new flows at once above the rate, 1-%u)",
			    val, NFLB_SVC_RATE_MAX);
	req->svc.burst = v;
	NFLB_SET(&req->svc, NFLB_SVC_A_BURST);
	return 0;
}

static int opt_weight(struct lbadm_req *req, const char *name,
		      const char *val, struct lbadm_perr *e)
{
	uint64_t v;

	if (lbadm_parse_u64(val, 65535, &v) < 0)
		return perr(e, "invalid %s \"%s\" (0-65535)", name, val);
	req->be.weight = v;
	NFLB_SET(&req->be, NFLB_BE_A_WEIGHT);
	return 0;
}

static int opt_state(struct lbadm_req *req, const char *name,
		     const char *val, struct lbadm_perr *e)
{
	unsigned int v;

	if (parse_enum(nflb_state_names, name, val, &v, e) < 0)
		return -1;
	req->be.state = v;
	NFLB_SET(&req->be, NFLB_BE_A_STATE);
	return 0;
}

static int opt_flush(struct lbadm_req *req, const char *name,
		     const char *val, struct lbadm_perr *e)
{
	(void)name;
	(void)val;
	(void)e;
	req->flush = true;
	return 0;
}

static int opt_digest(struct lbadm_req *req, const char *name,
		      const char *val, struct lbadm_perr *e)
{
	(void)name;
	(void)val;
	(void)e;
	req->digest = true;
	return 0;
}

static const struct lbadm_opt service_opts[] = {
	{ "table-size", 0, true, opt_table_size },
	{ "hash", 1, true, opt_hash },
	{ "seed", 2, true, opt_seed },
	{ "snat", 3, OPT_VALUE, opt_snat },
	{ "no-snat", 3, false, opt_snat },
	{ "timeout-tcp", 4, true, opt_timeout },
	{ "timeout-tcp-fin", 5, true, opt_timeout },
	{ "timeout-udp", 6, true, opt_timeout },
	{ "forward", 7, true, opt_forward },
	{ "rate", 8, true, opt_rate },
	{ "no-rate", 8, false, opt_rate },
	{ "burst", 9, true, opt_burst },
	{ "synproxy", 10, false, opt_synproxy },
	{ "no-synproxy", 10, false, opt_synproxy },
	{ NULL, 0, false, NULL },
};

static const struct lbadm_opt backend_opts[] = {
	{ "weight", 0, true, opt_weight },
	{ "state", 1, true, opt_state },
	{ "forward", 2, true, opt_be_forward },
	{ NULL, 0, false, NULL },
};

/* flush: also expire the backend's flows (after the change). */
static const struct lbadm_opt backend_set_opts[] = {
	{ "weight", 0, true, opt_weight },
	{ "state", 1, true, opt_state },
	{ "flush", 2, false, opt_flush },
	{ "forward", 3, true, opt_be_forward },
	{ NULL, 0, false, NULL },
};

static const struct lbadm_opt backend_del_opts[] = {
	{ "flush", 0, false, opt_flush },
	{ NULL, 0, false, NULL },
};

static const struct lbadm_opt table_opts[] = {
	{ "digest", 0, false, opt_digest },
	{ NULL, 0, false, NULL },
};

static const struct lbadm_opt no_opts[] = {
	{ NULL, 0, false, NULL },
};

static bool is_opt(const struct lbadm_opt *opts, const char *s)
{
	for (; opts->name; opts++)
		if (strcmp(s, opts->name) == 0)
			return true;
	return false;
}

/* Parse ARGV (all options) against OPTS; returns how many were given. */
static int parse_opts(int argc, char **argv, const struct lbadm_opt *opts,
		      struct lbadm_req *req, struct lbadm_perr *e)
{
	const char *seen[MAX_SLOTS] = { NULL };
	const struct lbadm_opt *o;
	const char *val;
	int i, n = 0;

	for (i = 0; i < argc; i++, n++) {
		for (o = opts; o->name; o++)
			if (strcmp(argv[i], o->name) == 0)
				break;
		if (!o->name)
			return perr(e, "unknown option \"%s\" for %s %s",
				    argv[i], req->group, req->op_name);
		if (seen[o->slot] && strcmp(seen[o->slot], o->name) == 0)
			return perr(e, "option \"%s\" given twice for %s %s",
				    o->name, req->group, req->op_name);
		if (seen[o->slot])
			return perr(e, "option \"%s\" conflicts with \"%s\" for %s %s",
				    o->name, seen[o->slot], req->group,
				    req->op_name);
		seen[o->slot] = o->name;
		if (o->has_value == OPT_VALUE)
			val = i + 1 < argc && !is_opt(opts, argv[i + 1]) ?
			      argv[i + 1] : NULL;
		else if (o->has_value && i + 1 >= argc)
			return perr(e, "missing value after \"%s\" for %s %s",
				    o->name, req->group, req->op_name);
		else
			val = o->has_value ? argv[i + 1] : NULL;
		if (o->apply(req, o->name, val, e) < 0)
			return -1;
		if (val)
			i++;
	}
	return n;
}

struct lbadm_op_def {
	const char *name;
	enum lbadm_op op;
	const struct lbadm_opt *opts;
};

static const struct lbadm_op_def service_ops[] = {
	{ "add", LBADM_OP_ADD, service_opts },
	{ "set", LBADM_OP_SET, service_opts },
	{ "del", LBADM_OP_DEL, no_opts },
	{ "show", LBADM_OP_SHOW, no_opts },
	{ "table", LBADM_OP_TABLE, table_opts },
	{ NULL, 0, NULL },
};

static const struct lbadm_op_def backend_ops[] = {
	{ "add", LBADM_OP_ADD, backend_opts },
	{ "set", LBADM_OP_SET, backend_set_opts },
	{ "del", LBADM_OP_DEL, backend_del_opts },
	{ NULL, 0, NULL },
};

static const struct lbadm_op_def *find_op(const struct lbadm_op_def *ops,
					  const char *group, int argc,
					  char **argv, struct lbadm_perr *e)
{
	const struct lbadm_op_def *d;

	if (argc < 1) {
		perr(e, "%s: missing command (", group);
		goto list;
	}
	for (d = ops; d->name; d++)
		if (strcmp(argv[0], d->name) == 0)
			return d;
	perr(e, "unknown %s command \"%s\" (", group, argv[0]);
list:
	for (d = ops; d->name; d++) {
		size_t len = strlen(e->msg);

		snprintf(e->msg + len, sizeof(e->msg) - len, "%s%s", d->name,
			 d[1].name ? ", " : ")");
	}
	return NULL;
}

static void req_init(struct lbadm_req *req, const char *group,
		     const struct lbadm_op_def *d)
{
	memset(req, 0, sizeof(*req));
	req->group = group;
	req->op_name = d->name;
	req->op = d->op;
}

/* ARGV[0] is the protocol, ARGV[1] VIP:PORT. */
static int parse_service_key(int argc, char **argv, struct lbadm_req *req,
			     struct lbadm_perr *e)
{
	char names[64];

	if (argc < 1)
		return perr(e, "missing protocol for %s %s (%s)", req->group,
			    req->op_name,
			    nflb_enum_choices(nflb_proto_names, names,
					      sizeof(names)));
	if (lbadm_parse_proto(argv[0], &req->svc.proto, e) < 0)
		return -1;
	if (argc < 2)
		return perr(e, "missing VIP:PORT for %s %s", req->group,
			    req->op_name);
	if (lbadm_parse_vip(argv[1], &req->svc, e) < 0)
		return -1;
	req->has_key = true;
	return 0;
}

int lbadm_parse_service_args(int argc, char **argv, struct lbadm_req *req,
			     struct lbadm_perr *e)
{
	const struct lbadm_op_def *d;
	int n;

	d = find_op(service_ops, "service", argc, argv, e);
	if (!d)
		return -1;
	req_init(req, "service", d);
	argc--;
	argv++;
	/* "service show" alone lists every service. */
	if (d->op == LBADM_OP_SHOW && argc == 0)
		return 0;
	if (parse_service_key(argc, argv, req, e) < 0)
		return -1;
	n = parse_opts(argc - 2, argv + 2, d->opts, req, e);
	if (n < 0)
		return -1;
	if (d->op == LBADM_OP_SET && n == 0)
		return perr(e, "nothing to change for service set (table-size, hash, seed, snat, no-snat, timeout-tcp, timeout-tcp-fin, timeout-udp, forward, rate, no-rate, burst, synproxy or no-synproxy)");
	if (NFLB_HAS(&req->svc, NFLB_SVC_A_BURST) &&
	    ((NFLB_HAS(&req->svc, NFLB_SVC_A_RATE) && !req->svc.rate) ||
	     (d->op == LBADM_OP_ADD && !NFLB_HAS(&req->svc, NFLB_SVC_A_RATE))))
		return perr(e, "burst needs a rate above 0 (rate N burst M)");
	if (NFLB_HAS(&req->svc, NFLB_SVC_A_SNAT) && req->svc.snat &&
	    NFLB_HAS(&req->svc, NFLB_SVC_A_FORWARD) &&
	    req->svc.forward != NFLB_FORWARD_NAT)
		return perr(e, "snat is only valid with forward nat, not with forward %s",
			    nflb_forward_name(req->svc.forward));
	if (NFLB_HAS(&req->svc, NFLB_SVC_A_SYNPROXY) && req->svc.synproxy &&
	    NFLB_HAS(&req->svc, NFLB_SVC_A_FORWARD) &&
	    req->svc.forward != NFLB_FORWARD_NAT)
		return perr(e, "synproxy is only valid with forward nat, not with forward %s",
			    nflb_forward_name(req->svc.forward));
	return 0;
}

static const char *family_name(uint16_t family)
{
	return nflb_enum_name(nflb_family_names, family);
}

int lbadm_parse_backend_args(int argc, char **argv, struct lbadm_req *req,
			     struct lbadm_perr *e)
{
	const struct lbadm_op_def *d;
	int n;

	d = find_op(backend_ops, "backend", argc, argv, e);
	if (!d)
		return -1;
	req_init(req, "backend", d);
	argc--;
	argv++;
	if (parse_service_key(argc, argv, req, e) < 0)
		return -1;
	if (argc < 3)
		return perr(e, "missing backend address for backend %s",
			    req->op_name);
	if (lbadm_parse_backend_addr(argv[2], &req->be, e) < 0)
		return -1;
	if (req->be.family != req->svc.family)
		return perr(e, "backend address family differs from the service's: \"%s\" is %s, \"%s\" is %s",
			    argv[2], family_name(req->be.family), argv[1],
			    family_name(req->svc.family));
	if (req->svc.port == 0 && NFLB_HAS(&req->be, NFLB_BE_A_PORT) &&
	    req->be.port != 0)
		return perr(e, "backend port %u in \"%s\": a service on every port (port 0) takes backends without a port",
			    req->be.port, argv[2]);
	if (req->svc.port != 0 && NFLB_HAS(&req->be, NFLB_BE_A_PORT) &&
	    req->be.port == 0)
		return perr(e, "backend port 0 in \"%s\": only for a service on every port (port 0)",
			    argv[2]);
	n = parse_opts(argc - 3, argv + 3, d->opts, req, e);
	if (n < 0)
		return -1;
	if (d->op == LBADM_OP_SET && n == 0)
		return perr(e, "nothing to change for backend set (weight, state or flush)");
	return 0;
}

/*
 * flow show [tcp|udp VIP:PORT] [backend ADDR[:PORT]]: both filters are
 * optional and may come in either order, each at most once.
 */
int lbadm_parse_flow_args(int argc, char **argv, struct lbadm_flow_req *req,
			  struct lbadm_perr *e)
{
	const char *svc_arg = NULL, *be_arg = NULL;
	int i;

	memset(req, 0, sizeof(*req));
	if (argc >= 1 && strcmp(argv[0], "stats") == 0) {
		req->stats = true;
		if (argc > 1)
			return perr(e, "unexpected argument \"%s\" for flow stats",
				    argv[1]);
		return 0;
	}
	if (argc >= 1 && strcmp(argv[0], "flush") == 0)
		req->flush = true;
	else if (argc >= 1 && strcmp(argv[0], "show") != 0)
		return perr(e, "unknown flow command \"%s\" (show, flush, stats)",
			    argv[0]);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "backend") == 0) {
			if (be_arg)
				return perr(e, "option \"backend\" given twice for flow show");
			if (i + 1 >= argc)
				return perr(e, "missing address after \"backend\" for flow show");
			be_arg = argv[++i];
			if (lbadm_parse_backend_addr(be_arg, &req->be, e) < 0)
				return -1;
			req->has_be = true;
			continue;
		}
		if (svc_arg)
			return perr(e, "unexpected argument \"%s\" for flow show",
				    argv[i]);
		if (lbadm_parse_proto(argv[i], &req->svc.proto, e) < 0)
			return -1;
		if (i + 1 >= argc)
			return perr(e, "missing VIP:PORT for flow show");
		svc_arg = argv[++i];
		if (lbadm_parse_vip(svc_arg, &req->svc, e) < 0)
			return -1;
		req->has_svc = true;
	}
	if (req->flush && be_arg && !svc_arg)
		return perr(e, "flow flush: a backend is only given with its service");
	if (req->flush && be_arg && NFLB_HAS(&req->be, NFLB_BE_A_PORT))
		return perr(e, "flow flush: DSR flows are forgotten by backend address: \"%s\" takes no port",
			    be_arg);
	if (svc_arg && be_arg && req->be.family != req->svc.family)
		return perr(e, "backend address family differs from the service's: \"%s\" is %s, \"%s\" is %s",
			    be_arg, family_name(req->be.family), svc_arg,
			    family_name(req->svc.family));
	return 0;
}

char *lbadm_describe(const struct lbadm_req *req, char *buf, size_t len)
{
	char vip[NFLB_ADDRSTRLEN], be[NFLB_ADDRSTRLEN];
	const struct nflb_service *s = &req->svc;

	if (!req->has_key) {
		snprintf(buf, len, "%s %s", req->group, req->op_name);
		return buf;
	}
	nflb_addr_format(s->family, &s->addr, true, s->port, vip, sizeof(vip));
	if (strcmp(req->group, "backend") != 0) {
		snprintf(buf, len, "%s %s %s %s", req->group, req->op_name,
			 nflb_proto_name(s->proto), vip);
		return buf;
	}
	nflb_addr_format(req->be.family, &req->be.addr,
			 NFLB_HAS(&req->be, NFLB_BE_A_PORT), req->be.port, be,
			 sizeof(be));
	snprintf(buf, len, "%s %s %s %s %s", req->group, req->op_name,
		 nflb_proto_name(s->proto), vip, be);
	return buf;
}

int lbadm_parse_offload_args(int argc, char **argv,
			     struct lbadm_offload_req *req,
			     struct lbadm_perr *e)
{
	size_t j;
	int i;

	memset(req, 0, sizeof(*req));
	if (argc == 0 || (argc == 1 && strcmp(argv[0], "show") == 0)) {
		req->show = true;
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "off") == 0)
		return 0;
	for (i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "dev") != 0)
			return perr(e, "offload: unexpected \"%s\", want \"dev NAME\", \"off\" or \"show\"",
				    argv[i]);
		if (i + 1 >= argc)
			return perr(e, "offload: \"dev\" needs a device name");
		if (req->n == NFLB_OFFLOAD_DEV_MAX)
			return perr(e, "offload: at most %d devices",
				    NFLB_OFFLOAD_DEV_MAX);
		if (!argv[i + 1][0] || strlen(argv[i + 1]) >= IF_NAMESIZE)
			return perr(e, "offload: no device \"%s\" (a name of 1 to %d characters)",
				    argv[i + 1], IF_NAMESIZE - 1);
		for (j = 0; j < req->n; j++)
			if (strcmp(req->dev[j], argv[i + 1]) == 0)
				return perr(e, "offload: device \"%s\" listed twice",
					    argv[i + 1]);
		strcpy(req->dev[req->n++], argv[i + 1]);
	}
	return 0;
}
