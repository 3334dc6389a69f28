/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the configuration reader (config*.c), not for the rest of
 * lbhealthd: the checking context, its diagnostics, the typed value
 * readers, and the parsers of each part of the file.
 *
 * Checking never stops at the first problem: each one is reported with
 * cfg_report() as "FILE:LINE: KEY: message", held, and passed on sorted by
 * file and line once the walk is over (cfg_flush_msgs()).  KEY is the
 * setting's path, built with cfg_kpath() (at most HC_KEY_MAX bytes).
 * The readers (cfg_get_*) report what is wrong and return -1 (or NULL);
 * they write their result only on success.
 */
#ifndef LBHEALTHD_CONFIG_INT_H
#define LBHEALTHD_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "config.h"

/* The module's Maglev table rule (kmod/validate.h). */
#define HC_TABLE_MIN		251U
#define HC_TABLE_MAX		131071U
#define HC_TABLE_DEFAULT	4093U

#define HC_NAME_MAX		64
#define HC_KEY_MAX		128

struct hc_lits;

/* A file read for the integer-literal check (included files too). */
struct hc_src {
	struct hc_src *next;
	char *file;			/* as libconfig names it */
	char *shown;			/* in messages: with the directory */
	bool read;
	char *text;			/* NULL: could not be read */
	struct hc_lits *lits;		/* its values (config_literal.c) */
};

/* An error held back to be reported in the order of the file. */
struct hc_msg {
	char *text;
	const char *file;		/* libconfig's, or the path */
	unsigned int file_rank;		/* order of the file's first error */
	unsigned int line;
	unsigned int seq;		/* order of discovery */
};

struct hc_ctx {
	const char *path;
	hc_errfn err;
	void *data;
	int n_err;
	size_t n_msgs, cap_msgs;
	struct hc_msg *msgs;
	const char *text;		/* the main file */
	const char *dir;		/* its directory, NULL: "." */
	struct hc_src *srcs;		/* included files */
	struct hc_lits *lits;		/* the main file's values */
	size_t n_bad, cap_bad;
	config_setting_t **bad;		/* integers that did not fit */
	/* "exec-user", read first: the default of the exec checks. */
	const config_setting_t *exec_user;
	const char *exec_user_name;	/* NULL: set but wrong (reported) */
	/* "flush-on-down", read first: the services' default if set. */
	bool flush_set;
	bool flush_on_down;
	/* "announce", read first: the services' default. */
	bool announce;
};

/* Diagnostics (config_diag.c) */

/* One error at setting S (NULL: no line), KEY its path. */
void cfg_report(struct hc_ctx *c, const config_setting_t *s, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Pass the errors held, by file and line, and forget them. */
void cfg_flush_msgs(struct hc_ctx *c);
/* "BASE.NAME", or NAME at the top (a very long unknown key is cut). */
const char *cfg_kpath(char *buf, const char *base, const char *name);
/* "an integer", "a string"... for a libconfig CONFIG_TYPE_*. */
const char *cfg_type_name(int type);
/* "expected WANT, not <the type of S>" */
void cfg_wrong_type(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, const char *want);
/* Report every member of group G that is not in KNOWN (did you mean...). */
void cfg_check_keys(struct hc_ctx *c, const config_setting_t *g,
		    const char *base, const char *const *known);
/* "unknown key" at S, with a near name of KNOWN if there is one. */
void cfg_unknown_key(struct hc_ctx *c, const config_setting_t *s,
		     const char *key, const char *const *known);
/* FILE as libconfig names it (NULL: the main file) as messages name it. */
const char *cfg_shown_name(struct hc_ctx *c, const char *file);
/* The text of FILE (NULL: the main file); NULL if it cannot be read. */
const char *cfg_source_text(struct hc_ctx *c, const char *file);
/* Where the values of FILE (NULL: the main file) are kept; NULL: ENOMEM. */
struct hc_lits **cfg_source_lits(struct hc_ctx *c, const char *file);
/* Forget the included files, and the values of every file. */
void cfg_srcs_free(struct hc_ctx *c);

/*
 * Integer literals libconfig cannot hold (config_literal.c): it wraps a
 * plain one past 32 bits (4294967376 reads as 80) and clamps an L one past
 * 64.  cfg_mark_bad_ints() marks the settings written so, wherever they
 * are, in one pass over each file; the readers test cfg_int_bad() and
 * report them with their own range (cfg_report() on a setting, or
 * cfg_int_reported() for an array element, counts as reported);
 * cfg_report_bad_ints() then reports the others ("integer too large").
 */
void cfg_mark_bad_ints(struct hc_ctx *c, config_setting_t *root);
bool cfg_int_bad(const config_setting_t *s);
void cfg_int_reported(const config_setting_t *s);
void cfg_report_bad_ints(struct hc_ctx *c);
void cfg_lits_free(struct hc_lits *l);

/* Typed value readers (config_value.c): 0, or -1 (reported) */

/* An integer in [MIN, MAX]. */
int cfg_get_int(struct hc_ctx *c, const config_setting_t *s, const char *key,
		long long min, long long max, long long *v);
int cfg_get_bool(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, bool *v);
/* A string, or NULL (reported). */
const char *cfg_get_string(struct hc_ctx *c, const config_setting_t *s,
			   const char *key);
/* A non-empty string with no control character (and no blank if !BLANKS). */
const char *cfg_get_text(struct hc_ctx *c, const config_setting_t *s,
			 const char *key, bool blanks);
/*
 * A string, one of the names of TAB: its value in *V, 0; or -1 (reported,
 * with the choices in the order of TAB).
 */
int cfg_get_enum(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, const struct nflb_name *tab,
		 unsigned int *v);
/* Seconds as an integer or a float, in milliseconds within [MIN, MAX]. */
int cfg_get_seconds(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, uint32_t min, uint32_t max, uint32_t *ms);
/* A 64-bit hash seed: an integer, or a string (decimal or 0x hex). */
int cfg_get_seed(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, uint64_t *seed);
/* An IPv4 or IPv6 unicast address. */
int cfg_get_addr(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, uint16_t *family, union nflb_inaddr *addr);
/* A Maglev table size: a prime in the kernel's range. */
int cfg_get_table_size(struct hc_ctx *c, const config_setting_t *s,
		       const char *key, uint32_t *size);
/* At most HC_MAX_PAYLOAD bytes: a string or an array of byte values. */
int cfg_get_bytes(struct hc_ctx *c, const config_setting_t *s,
		  const char *key, uint8_t *buf, size_t *len);
/* *DST = a copy of V ("out of memory" reported at S). */
int cfg_dup_str(struct hc_ctx *c, const config_setting_t *s, const char *key,
		char **dst, const char *v);

/* A service's check block (config_check.c) */

/* The check group S of a service (BASE "services.[i].check") into CHK. */
void cfg_parse_check(struct hc_ctx *c, const config_setting_t *s,
		     const char *base, struct hc_check *chk);
void cfg_check_free(struct hc_check *chk);

/*
 * The keepalived-style keys of a check (config_checkopts.c), parsers of
 * config_check.c's key table, and their part of a check's defaults,
 * cross-key checks, release and equality.
 */
void cfg_parse_method(struct hc_ctx *c, const config_setting_t *m,
		      const char *key, struct hc_check *chk);
void cfg_parse_headers(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk);
void cfg_parse_body_regex(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk);
void cfg_parse_tls_sni(struct hc_ctx *c, const config_setting_t *m,
		       const char *key, struct hc_check *chk);
void cfg_parse_query(struct hc_ctx *c, const config_setting_t *m,
		     const char *key, struct hc_check *chk);
void cfg_parse_query_type(struct hc_ctx *c, const config_setting_t *m,
			  const char *key, struct hc_check *chk);
void cfg_parse_retry(struct hc_ctx *c, const config_setting_t *m,
		     const char *key, struct hc_check *chk);
void cfg_parse_retry_delay(struct hc_ctx *c, const config_setting_t *m,
			   const char *key, struct hc_check *chk);
void cfg_checkopts_defaults(struct hc_check *chk);
void cfg_checkopts_finish(struct hc_ctx *c, const config_setting_t *s,
			  const char *base, bool has_type,
			  struct hc_check *chk);
void cfg_checkopts_free(struct hc_check *chk);
bool cfg_checkopts_equal(const struct hc_check *a, const struct hc_check *b);
/*
 * A backend's own "check" (member M of backend group KEY, or NULL: none)
 * into BC->check; ALL_PORTS: its service takes every port, so a network
 * check needs a "port".  Its release.
 */
void cfg_parse_backend_check(struct hc_ctx *c, const config_setting_t *m,
			     const char *key, bool all_ports,
			     struct hc_backend_conf *bc);
void cfg_backend_check_free(struct hc_backend_conf *bc);
/*
 * The "check" member M of a service (KEY its path): one group into
 * *FIRST, or a list of groups, the first into *FIRST and the others into
 * *MORE (*N_MORE of them); ALL_PORTS as above (for the list's checks).
 * Then "checks-required" of group G (BASE its path) into *REQUIRED.
 */
void cfg_parse_checks(struct hc_ctx *c, const config_setting_t *m,
		      const char *key, bool all_ports, struct hc_check *first,
		      struct hc_check **more, size_t *n_more);
void cfg_parse_required(struct hc_ctx *c, const config_setting_t *g,
			const char *base, size_t n_checks,
			uint32_t *required);
void cfg_checks_free(struct hc_check *more, size_t n_more);
/*
 * Look up user NAME into *U (a copy: free it with cfg_user_free()): 0, or
 * -1, reported at S as KEY ("unknown user").
 */
int cfg_get_user(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, const char *name, struct hc_user *u);
void cfg_user_free(struct hc_user *u);

/* Top-level "metrics" (config_metrics.c) into CFG->metrics. */
void cfg_parse_metrics(struct hc_ctx *c, const config_setting_t *s,
		       struct hc_config *cfg);

/* Host names of backends (config_dns.c) */

/* Top-level "dns" into CFG->dns (defaults set when absent too). */
void cfg_parse_dns(struct hc_ctx *c, const config_setting_t *s,
		   struct hc_config *cfg);
/* S, a backend's "address", is a host name rather than an IP address. */
bool cfg_is_dns_name(const config_setting_t *s);
/* SC has backends given as host names (before or after the split). */
bool cfg_has_dns(const struct hc_service_conf *sc);
/* Move SC's host-name backends from "backends" to "dns". */
void cfg_dns_split(struct hc_ctx *c, const config_setting_t *s,
		   const char *base, struct hc_service_conf *sc);
void cfg_dns_free(struct hc_config *cfg);

/* A service's notify-* commands (config_notify.c). */
void cfg_parse_notify(struct hc_ctx *c, const config_setting_t *s,
		      const char *base, struct hc_notify_conf *n);
void cfg_notify_free(struct hc_notify_conf *n);

/* Announcing VIPs (config_announce.c) */

/* The top-level "announce", "announce-table", "announce-grace" of ROOT. */
void cfg_parse_announce(struct hc_ctx *c, const config_setting_t *root,
			struct hc_config *cfg);
/* A service's "announce" and "announce-nat" (after its "forward"). */
void cfg_parse_service_announce(struct hc_ctx *c, const config_setting_t *s,
				const char *base, struct hc_service_conf *sc);

/* The services (config_service.c) */

/* The list "services" into CFG. */
void cfg_parse_services(struct hc_ctx *c, const config_setting_t *list,
			struct hc_config *cfg);

#endif /* LBHEALTHD_CONFIG_INT_H */
