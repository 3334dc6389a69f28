// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: the check block of a service (which keys
 * each type of check takes, their values, the defaults), and what the
 * rest of lbhealthd asks of a check (its type's name, status match,
 * equality).
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* Check timing bounds, in milliseconds. */
#define HC_INTERVAL_MIN		100
#define HC_INTERVAL_MAX		3600000
#define HC_INTERVAL_DEFAULT	2000
#define HC_TIMEOUT_MIN		10
#define HC_TIMEOUT_DEFAULT	1000
#define HC_RISE_DEFAULT		2
#define HC_FALL_DEFAULT		3
#define HC_COUNT_MAX		100

/* In the order messages list them. */
const struct nflb_name hc_check_type_names[] = {
	{ HC_CHECK_TCP, "tcp" },
	{ HC_CHECK_HTTP, "http" },
	{ HC_CHECK_HTTPS, "https" },
	{ HC_CHECK_UDP, "udp" },
	{ HC_CHECK_EXEC, "exec" },
	{ HC_CHECK_DNS, "dns" },
	{ 0, NULL },
};

/* "200-299,301": codes and inclusive ranges within 100..599. */
static void parse_status(struct hc_ctx *c, const config_setting_t *s,
			 const char *key, struct hc_check *chk)
{
	const char *v, *p, *item;
	unsigned long lo, hi;
	size_t len;
	char *end;

	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long code;

		if (cfg_get_int(c, s, key, 100, 599, &code) < 0)
			return;
		chk->status[0].lo = chk->status[0].hi = code;
		chk->n_status = 1;
		return;
	}
	v = cfg_get_string(c, s, key);
	if (!v)
		return;
	chk->n_status = 0;
	for (p = v;; p++) {
		p += strspn(p, " \t");
		item = p;
		len = strcspn(p, ",");
		if (!(*p >= '0' && *p <= '9'))
			goto bad;
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (!(*p >= '0' && *p <= '9'))
				goto bad;
			hi = strtoul(p, &end, 10);
			p = end;
		}
		p += strspn(p, " \t");
		if (*p && *p != ',')
			goto bad;
		if (lo < 100 || hi > 599) {
			cfg_report(c, s, key,
				   "\"%.*s\" is out of range (HTTP codes 100-599)",
				   (int)len, item);
			return;
		}
		if (lo > hi) {
			cfg_report(c, s, key, "range \"%.*s\" is reversed",
				   (int)len, item);
			return;
		}
		if (chk->n_status == HC_MAX_STATUS_RANGES) {
			cfg_report(c, s, key, "more than %d codes or ranges",
				   HC_MAX_STATUS_RANGES);
			return;
		}
		chk->status[chk->n_status].lo = lo;
		chk->status[chk->n_status].hi = hi;
		chk->n_status++;
		if (!*p)
			return;
	}
bad:
	cfg_report(c, s, key,
		   "invalid \"%s\" (comma-separated codes and ranges such as \"200-299,301\")",
		   v);
}

/* One key of a check: its value read into CHK (errors reported). */
typedef void key_parser(struct hc_ctx *c, const config_setting_t *m,
			const char *key, struct hc_check *chk);

static void parse_interval(struct hc_ctx *c, const config_setting_t *m,
			   const char *key, struct hc_check *chk)
{
	cfg_get_seconds(c, m, key, HC_INTERVAL_MIN, HC_INTERVAL_MAX,
			&chk->interval_ms);
}

/* Left 0 (not a valid timeout) unless it is right. */
static void parse_timeout(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	cfg_get_seconds(c, m, key, HC_TIMEOUT_MIN, HC_INTERVAL_MAX,
			&chk->timeout_ms);
}

/* rise, fall: a count of consecutive results. */
static void get_count(struct hc_ctx *c, const config_setting_t *m,
		      const char *key, uint32_t *count)
{
	long long n;

	if (cfg_get_int(c, m, key, 1, HC_COUNT_MAX, &n) == 0)
		*count = n;
}

static void parse_rise(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	get_count(c, m, key, &chk->rise);
}

static void parse_fall(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	get_count(c, m, key, &chk->fall);
}

static void parse_initial(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	static const struct nflb_name states[] = {
		{ true, "up" }, { false, "down" }, { 0, NULL },
	};
	unsigned int up;

	if (cfg_get_enum(c, m, key, states, &up) == 0)
		chk->initial_up = up;
}

static void parse_port(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	long long n;

	if (cfg_get_int(c, m, key, 1, 65535, &n) == 0)
		chk->port = n;
}

static void parse_path(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, false);

	if (v && v[0] != '/')
		cfg_report(c, m, key, "\"%s\" does not start with \"/\"", v);
	else if (v)
		cfg_dup_str(c, m, key, &chk->path, v);
}

static void parse_host(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, false);

	if (v)
		cfg_dup_str(c, m, key, &chk->host, v);
}

static void parse_body(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_string(c, m, key);

	if (v && !*v)
		cfg_report(c, m, key,
			   "empty (leave it out to accept any body)");
	else if (v)
		cfg_dup_str(c, m, key, &chk->expect_body, v);
}

static void parse_tls_verify(struct hc_ctx *c, const config_setting_t *m,
			     const char *key, struct hc_check *chk)
{
	cfg_get_bool(c, m, key, &chk->tls_verify);
}

static void parse_tls_ca(struct hc_ctx *c, const config_setting_t *m,
			 const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, true);

	if (v && v[0] != '/')
		cfg_report(c, m, key, "\"%s\" is not an absolute path", v);
	else if (v)
		cfg_dup_str(c, m, key, &chk->tls_ca, v);
}

static void parse_payload(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	cfg_get_bytes(c, m, key, chk->payload, &chk->payload_len);
}

static void parse_expect(struct hc_ctx *c, const config_setting_t *m,
			 const char *key, struct hc_check *chk)
{
	if (cfg_get_bytes(c, m, key, chk->expect, &chk->expect_len) < 0)
		return;
	if (!chk->expect_len)
		cfg_report(c, m, key,
			   "empty (leave it out to accept any reply)");
	else
		chk->has_expect = true;
}

static void parse_command(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_string(c, m, key);

	if (v && !v[strspn(v, " \t")])
		cfg_report(c, m, key, "empty");
	else if (v)
		cfg_dup_str(c, m, key, &chk->command, v);
}

void cfg_user_free(struct hc_user *u)
{
	free(u->name);
	free(u->groups);
	free(u->home);
	memset(u, 0, sizeof(*u));
}

int cfg_get_user(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, const char *name, struct hc_user *u)
{
	struct passwd *pw;
	int n = 16, want;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		cfg_report(c, s, key, "unknown user \"%s\"%s%s", name,
			   errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	memset(u, 0, sizeof(*u));
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(name);
	u->home = strdup(pw->pw_dir ? pw->pw_dir : "/");
	/* Its groups now: the child between fork and exec cannot look. */
	for (;;) {
		u->groups = calloc(n, sizeof(gid_t));
		if (!u->groups)
			break;
		want = n;
		if (getgrouplist(name, u->gid, u->groups, &want) >= 0) {
			u->n_groups = want;
			break;
		}
		free(u->groups);
		u->groups = NULL;
		if (want <= n)
			break;
		n = want;
	}
	if (!u->name || !u->home || !u->groups) {
		cfg_report(c, s, key, "out of memory");
		cfg_user_free(u);
		return -1;
	}
	return 0;
}

static void parse_user(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk)
{
	const char *v = cfg_get_text(c, m, key, false);

	if (v)
		cfg_get_user(c, m, key, v, &chk->user);
}

/* The keys of a check, the types of check each is valid for (a mask). */
#define T(type)		(1U << (type))
#define T_ALL		(T(HC_CHECK_TCP) | T(HC_CHECK_HTTP) | T(HC_CHECK_HTTPS) | \
			 T(HC_CHECK_UDP) | T(HC_CHECK_EXEC) | T(HC_CHECK_DNS))
#define T_NET		(T_ALL & ~T(HC_CHECK_EXEC))
#define T_WEB		(T(HC_CHECK_HTTP) | T(HC_CHECK_HTTPS))

static const struct {
	const char *name;
	unsigned int types;
	const char *which;		/* for "not valid for a X check" */
	key_parser *parse;		/* NULL: "type", read first */
} check_keys_tab[] = {
	{ "type", T_ALL, NULL, NULL },
	{ "interval", T_ALL, NULL, parse_interval },
	{ "timeout", T_ALL, NULL, parse_timeout },
	{ "rise", T_ALL, NULL, parse_rise },
	{ "fall", T_ALL, NULL, parse_fall },
	{ "initial", T_ALL, NULL, parse_initial },
	{ "port", T_NET, "tcp, http, https, udp and dns checks", parse_port },
	{ "path", T_WEB, "http and https checks", parse_path },
	{ "host", T_WEB, "http and https checks", parse_host },
	{ "expect-status", T_WEB, "http and https checks", parse_status },
	{ "expect-body", T_WEB, "http and https checks", parse_body },
	{ "tls-verify", T(HC_CHECK_HTTPS), "https checks", parse_tls_verify },
	{ "tls-ca", T(HC_CHECK_HTTPS), "https checks", parse_tls_ca },
	{ "payload", T(HC_CHECK_UDP), "udp checks", parse_payload },
	{ "expect", T(HC_CHECK_UDP), "udp checks", parse_expect },
	{ "command", T(HC_CHECK_EXEC), "exec checks", parse_command },
	{ "user", T(HC_CHECK_EXEC), "exec checks", parse_user },
	/* config_checkopts.c */
	{ "retry", T_ALL, NULL, cfg_parse_retry },
	{ "delay-before-retry", T_ALL, NULL, cfg_parse_retry_delay },
	{ "method", T_WEB, "http and https checks", cfg_parse_method },
	{ "headers", T_WEB, "http and https checks", cfg_parse_headers },
	{ "expect-body-regex", T_WEB, "http and https checks",
	  cfg_parse_body_regex },
	{ "tls-sni", T(HC_CHECK_HTTPS), "https checks", cfg_parse_tls_sni },
	{ "query", T(HC_CHECK_DNS), "dns checks", cfg_parse_query },
	{ "query-type", T(HC_CHECK_DNS), "dns checks", cfg_parse_query_type },
};

#define N_CHECK_KEYS	(sizeof(check_keys_tab) / sizeof(check_keys_tab[0]))

static void check_defaults(struct hc_check *chk)
{
	chk->interval_ms = HC_INTERVAL_DEFAULT;
	chk->timeout_ms = 0;		/* from the interval, if not set */
	chk->rise = HC_RISE_DEFAULT;
	chk->fall = HC_FALL_DEFAULT;
	chk->n_status = 1;
	chk->status[0].lo = 200;
	chk->status[0].hi = 299;
	cfg_checkopts_defaults(chk);
}

/* The type of check S, first: it decides which keys are valid. */
static bool parse_type(struct hc_ctx *c, const config_setting_t *s,
		       const char *base, struct hc_check *chk)
{
	const config_setting_t *m = config_setting_get_member(s, "type");
	char key[HC_KEY_MAX], choices[64];
	unsigned int t;

	if (!m) {
		cfg_report(c, s, base, "missing \"type\" (%s)",
			   nflb_enum_choices(hc_check_type_names, choices,
					     sizeof(choices)));
		return false;
	}
	if (cfg_get_enum(c, m, cfg_kpath(key, base, "type"),
			 hc_check_type_names, &t) < 0)
		return false;
	chk->type = t;
	return true;
}

/* Member M of the check: known, valid for its type (if known), read. */
static void parse_check_key(struct hc_ctx *c, const config_setting_t *m,
			    const char *base, bool has_type,
			    struct hc_check *chk)
{
	const char *known[N_CHECK_KEYS + 1], *name = config_setting_name(m);
	char key[HC_KEY_MAX];
	size_t i;

	cfg_kpath(key, base, name);
	for (i = 0; i < N_CHECK_KEYS; i++)
		if (strcmp(check_keys_tab[i].name, name) == 0)
			break;
	if (i == N_CHECK_KEYS) {
		for (i = 0; i < N_CHECK_KEYS; i++)
			known[i] = check_keys_tab[i].name;
		known[i] = NULL;
		cfg_unknown_key(c, m, key, known);
		return;
	}
	if (has_type && !(check_keys_tab[i].types & T(chk->type))) {
		cfg_report(c, m, key, "not valid for %s %s check (only for %s)",
			   chk->type == HC_CHECK_TCP ||
			   chk->type == HC_CHECK_UDP ||
			   chk->type == HC_CHECK_DNS ? "a" : "an",
			   nflb_enum_name(hc_check_type_names, chk->type),
			   check_keys_tab[i].which);
		return;
	}
	if (check_keys_tab[i].parse)
		check_keys_tab[i].parse(c, m, key, chk);
}

/* What depends on more than one key: timeout, path, command. */
static void check_finish(struct hc_ctx *c, const config_setting_t *s,
			 const char *base, bool has_type, struct hc_check *chk)
{
	char key[HC_KEY_MAX];

	/* The default timeout fits short intervals: at most half of one. */
	if (!chk->timeout_ms)
		chk->timeout_ms = chk->interval_ms / 2 < HC_TIMEOUT_DEFAULT ?
				  chk->interval_ms / 2 : HC_TIMEOUT_DEFAULT;
	else if (chk->timeout_ms >= chk->interval_ms)
		cfg_report(c, config_setting_get_member(s, "timeout"),
			   cfg_kpath(key, base, "timeout"),
			   "%g s is not less than the interval (%g s)",
			   chk->timeout_ms / 1000.0, chk->interval_ms / 1000.0);
	if (has_type && (chk->type == HC_CHECK_HTTP ||
			 chk->type == HC_CHECK_HTTPS) && !chk->path &&
	    cfg_dup_str(c, s, base, &chk->path, "/") < 0)
		return;
	cfg_checkopts_finish(c, s, base, has_type, chk);
	if (has_type && chk->type == HC_CHECK_EXEC && !chk->command &&
	    !config_setting_get_member(s, "command"))
		cfg_report(c, s, base,
			   "missing \"command\" (required for exec checks)");
	/* Not as root: as "user", else "exec-user", else nobody. */
	if (!has_type || chk->type != HC_CHECK_EXEC ||
	    config_setting_get_member(s, "user"))
		return;
	if (c->exec_user) {
		if (c->exec_user_name)	/* else wrong, reported */
			cfg_get_user(c, c->exec_user, "exec-user",
				     c->exec_user_name, &chk->user);
	} else if (!getpwnam(HC_DEFAULT_EXEC_USER)) {
		cfg_report(c, s, base,
			   "no user \"%s\" to run the command as: set \"user\" (or \"exec-user\")",
			   HC_DEFAULT_EXEC_USER);
	} else {
		cfg_get_user(c, s, cfg_kpath(key, base, "user"),
			     HC_DEFAULT_EXEC_USER, &chk->user);
	}
}

void cfg_parse_check(struct hc_ctx *c, const config_setting_t *s,
		     const char *base, struct hc_check *chk)
{
	const config_setting_t *m;
	bool has_type;
	int i;

	check_defaults(chk);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_wrong_type(c, s, base, "a group { type = ...; }");
		return;
	}
	has_type = parse_type(c, s, base, chk);
	for (i = 0; (m = config_setting_get_elem(s, i)); i++)
		parse_check_key(c, m, base, has_type, chk);
	check_finish(c, s, base, has_type, chk);
}

void cfg_check_free(struct hc_check *chk)
{
	free(chk->path);
	free(chk->host);
	free(chk->expect_body);
	free(chk->tls_ca);
	free(chk->command);
	cfg_user_free(&chk->user);
	cfg_checkopts_free(chk);
}

bool hc_status_match(const struct hc_check *check, long code)
{
	size_t i;

	for (i = 0; i < check->n_status; i++)
		if (code >= check->status[i].lo && code <= check->status[i].hi)
			return true;
	return false;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool hc_check_equal(const struct hc_check *a, const struct hc_check *b)
{
	return a->type == b->type && a->interval_ms == b->interval_ms &&
	       a->timeout_ms == b->timeout_ms && a->rise == b->rise &&
	       a->fall == b->fall && a->initial_up == b->initial_up &&
	       a->port == b->port && str_equal(a->path, b->path) &&
	       str_equal(a->host, b->host) && a->n_status == b->n_status &&
	       memcmp(a->status, b->status,
		      a->n_status * sizeof(a->status[0])) == 0 &&
	       str_equal(a->expect_body, b->expect_body) &&
	       a->tls_verify == b->tls_verify &&
	       str_equal(a->tls_ca, b->tls_ca) &&
	       a->payload_len == b->payload_len &&
	       memcmp(a->payload, b->payload, a->payload_len) == 0 &&
	       a->has_expect == b->has_expect &&
	       a->expect_len == b->expect_len &&
	       memcmp(a->expect, b->expect, a->expect_len) == 0 &&
	       str_equal(a->command, b->command) &&
	       cfg_checkopts_equal(a, b) &&
	       str_equal(a->user.name, b->user.name) &&
	       (!a->user.name || (a->user.uid == b->user.uid &&
				  a->user.gid == b->user.gid));
}
