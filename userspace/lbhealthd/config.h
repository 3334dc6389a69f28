/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lbhealthd's configuration: the file (libconfig syntax, documented in
 * lbhealthd.conf(5)) read into plain structures, every value checked.
 */
#ifndef LBHEALTHD_CONFIG_H
#define LBHEALTHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <regex.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "nflbnl.h"

#define HC_DEFAULT_CONFIG	"/etc/nflb/lbhealthd.conf"
#define HC_DEFAULT_SOCKET	"/run/nflb/lbhealthd.sock"
/* Who exec checks run as (when lbhealthd runs as root), unless told. */
#define HC_DEFAULT_EXEC_USER	"nobody"

/* A user as looked up when the file is read: an exec check runs as it. */
struct hc_user {
	char *name;			/* NULL: as lbhealthd itself */
	uid_t uid;
	gid_t gid;			/* the primary group */
	size_t n_groups;		/* its groups, the primary one too */
	gid_t *groups;
	char *home;
};

enum hc_check_type {
	HC_CHECK_TCP,
	HC_CHECK_HTTP,
	HC_CHECK_HTTPS,
	HC_CHECK_UDP,
	HC_CHECK_EXEC,
	HC_CHECK_DNS,
};

/* One accepted HTTP status range, inclusive ("200", "200-299"). */
struct hc_status_range {
	uint16_t lo, hi;
};

#define HC_MAX_STATUS_RANGES	16
#define HC_MAX_HEADERS		16
#define HC_MAX_CHECKS		16	/* checks-required's bound */
/* retry, delay-before-retry: bounds and default (keepalived's: 1 s). */
#define HC_RETRY_MAX		100
#define HC_RETRY_DELAY_MIN	10
#define HC_RETRY_DELAY_MAX	3600000
#define HC_RETRY_DELAY_DEFAULT	1000
#define HC_MAX_PAYLOAD		1024

struct hc_check {
	enum hc_check_type type;
	uint32_t interval_ms;		/* between the starts of two runs */
	uint32_t timeout_ms;		/* one run; < interval_ms */
	uint32_t rise;			/* consecutive successes to go up */
	uint32_t fall;			/* consecutive failures to go down */
	bool initial_up;		/* state before the first verdict */
	uint16_t port;			/* probe this port; 0: the backend's */
	/* http, https */
	char *path;			/* "/" by default */
	char *host;			/* Host header; NULL: the address */
	size_t n_status;		/* >= 1; default 200-299 */
	struct hc_status_range status[HC_MAX_STATUS_RANGES];
	char *expect_body;		/* substring of the body, or NULL */
	bool tls_verify;		/* https: verify the certificate */
	char *tls_ca;			/* https: CA file; NULL: the system's */
	/* udp */
	uint8_t payload[HC_MAX_PAYLOAD];
	size_t payload_len;		/* may be 0: an empty datagram */
	uint8_t expect[HC_MAX_PAYLOAD];
	size_t expect_len;
	bool has_expect;		/* reply must start with EXPECT */
	/* exec */
	char *command;			/* run with /bin/sh -c */
	struct hc_user user;		/* as whom, if lbhealthd is root */
	/*
	 * keepalived's checker options (config_checkopts.c).  Every type:
	 * a failed attempt is tried again up to RETRY times,
	 * RETRY_DELAY_MS after it ended; the run fails only when every
	 * attempt failed, and its result is what rise and fall count.
	 */
	uint32_t retry;
	uint32_t retry_delay_ms;
	/* http, https */
	char *method;			/* NULL: GET */
	size_t n_headers;
	char **headers;			/* "Name: value", sent as they are */
	char *body_regex;		/* POSIX extended, NULL: none */
	bool has_body_re;
	regex_t body_re;		/* body_regex compiled (REG_NOSUB) */
	char *tls_sni;			/* https: the TLS server name */
	/* dns */
	char *query;			/* the name asked for */
	uint16_t query_type;		/* ns_t_a, ns_t_aaaa, ... */
};

enum hc_on_failure {
	HC_FAIL_DOWN,			/* state down */
	HC_FAIL_DRAIN,			/* weight 0, state up */
};

struct hc_backend_conf {
	struct nflb_backend be;		/* family, addr, port, weight (all set) */
	bool maintenance;		/* drained whatever its health */
	unsigned int line;		/* where it was declared */
	/* Its own check (keepalived's per real_server checker), or NULL. */
	struct hc_check *check;
	/* Its own checks after the first, and how many must pass (0: all). */
	size_t n_more;
	struct hc_check *more;
	uint32_t checks_required;
	/*
	 * A host name: in a service's "dns" (owned), the name its backends
	 * are resolved from (be.addr unset); in "backends", the name it was
	 * resolved from (the template's), or NULL for a literal address.
	 */
	char *dns_name;
};

/* Commands run on a service's events (notify.c), as USER. */
struct hc_notify_conf {
	char *up;			/* a backend's verdict: up */
	char *down;			/* a backend's verdict: down */
	char *quorum_up;		/* the service regains its quorum */
	char *quorum_down;		/* the service loses it */
	struct hc_user user;		/* exec-user, default nobody */
};

struct hc_service_conf {
	char *name;			/* label for logs; default "tcp VIP:PORT" */
	/*
	 * Key and options as sent to the kernel (present bits set for every
	 * option: unset options carry the kernel's defaults, so that the
	 * configuration is complete and comparable).  svc.n_backends is 0.
	 */
	struct nflb_service svc;
	/*
	 * svc.table_size came from the file.  If not, it is computed from
	 * the file's backends (hc_table_size_for()) for a service lbhealthd
	 * creates, and a service that exists keeps the size it has.
	 */
	bool table_size_set;
	struct hc_check check;
	/*
	 * Checks after the first ("check" a list of them), and how many of
	 * a backend's checks must pass for it to be healthy (0: all).
	 */
	size_t n_more;
	struct hc_check *more;
	uint32_t checks_required;
	struct hc_notify_conf notify;
	/*
	 * Announce the VIP to the routers while the service can serve
	 * (announce.c): "announce" of the service, else the file's; a NAT
	 * service only with "announce-nat" (its moved flows break).
	 */
	bool announce;
	bool announce_nat;
	enum hc_on_failure on_failure;
	/*
	 * Ask the kernel to expire a backend's flows when lbhealthd sets it
	 * down: "flush-on-down" of the service, else the file's, else true
	 * for udp (its flows never end by themselves) and false for tcp.
	 */
	bool flush_on_down;
	uint32_t quorum;		/* default 1 */
	bool has_sorry;
	struct nflb_backend sorry;	/* family, addr, port, weight */
	/*
	 * The backends: the file's literal ones first (n_file_backends), then
	 * those resolved from the names of "dns" (dns.c keeps them current).
	 */
	size_t n_backends;
	struct hc_backend_conf *backends;
	size_t n_file_backends;
	size_t n_dns;			/* backends given as a host name */
	struct hc_backend_conf *dns;
	unsigned int line;
};

/* Resolving backends' host names ("dns" at the top level, dns.c). */
#define HC_DNS_TTL_MIN_MS	5000
#define HC_DNS_TTL_MAX_MS	300000
struct hc_dns_conf {
	char *servers;			/* c-ares CSV; NULL: /etc/resolv.conf */
	uint32_t ttl_min_ms;		/* re-resolve no sooner than this */
	uint32_t ttl_max_ms;		/* and no later */
	uint32_t timeout_ms;		/* one query, all tries */
};

/* A TCP listening address from the file ("ADDR:PORT", "[ADDR6]:PORT"). */
struct hc_listen {
	char *text;			/* as written; NULL: not set */
	struct sockaddr_storage sa;	/* address and port */
	socklen_t sa_len;
};

/*
 * Announcing VIPs (announce.c): a blackhole route per VIP in a kernel
 * routing table of lbhealthd's own, with protocol number
 * HC_ANNOUNCE_PROTO, which the node's BIRD learns and exports over BGP.
 */
#define HC_ANNOUNCE_TABLE	4242
#define HC_ANNOUNCE_PROTO	249
#define HC_ANNOUNCE_GRACE_MS	5000
#define HC_ANNOUNCE_GRACE_MAX	3600000

struct hc_config {
	char *path;
	char *socket_path;		/* HC_DEFAULT_SOCKET unless set */
	uint32_t announce_table;	/* "announce-table" */
	uint32_t announce_grace_ms;	/* "announce-grace": stop's wait */
	size_t n_announced;		/* services that announce their VIP */
	bool withdraw_on_exit;		/* delete our services at exit */
	char *exec_user;		/* exec checks' default user, or NULL */
	struct hc_listen metrics;	/* /metrics over HTTP (metrics.c) */
	struct hc_dns_conf dns;
	size_t n_services;
	struct hc_service_conf *services;
};

/*
 * Errors are reported one per call of an hc_errfn, already formatted as
 * "FILE:LINE: KEY: what is wrong" (KEY the setting's path, as
 * "services.[0].check.interval"; LINE 0 when the file cannot be read).
 */
typedef void (*hc_errfn)(const char *msg, void *data);

/*
 * Read and check PATH.  Returns 0 with *CFG filled (free it with
 * hc_config_free()), or the number of errors (> 0) with each reported
 * through ERR and *CFG left empty.  Every error of the file is reported,
 * not only the first (a syntax error stops parsing: it is the only one).
 */
int hc_config_load(const char *path, struct hc_config *cfg, hc_errfn err,
		   void *data);
void hc_config_free(struct hc_config *cfg);

/*
 * The table size for a service of N backends (the sorry one included)
 * whose file sets none: the smallest prime >= 100 x N (1% balance), at
 * least the kernel's default, at most its largest size.
 */
uint32_t hc_table_size_for(size_t n);

/* The names of check types ("tcp", "http", ...): nflb_enum_name() etc. */
extern const struct nflb_name hc_check_type_names[];
/* The record types of dns checks ("A", "AAAA", ...). */
extern const struct nflb_name hc_query_type_names[];

/* The check BC is probed with: its own, else its service SC's. */
const struct hc_check *hc_backend_check(const struct hc_service_conf *sc,
					const struct hc_backend_conf *bc);
/*
 * All the checks BC is probed with (its own, else its service's): how
 * many, the I-th (0: hc_backend_check()), and how many of them must pass
 * for BC to be healthy (1..n).
 */
size_t hc_backend_n_checks(const struct hc_service_conf *sc,
			   const struct hc_backend_conf *bc);
const struct hc_check *hc_backend_check_i(const struct hc_service_conf *sc,
					  const struct hc_backend_conf *bc,
					  size_t i);
uint32_t hc_backend_required(const struct hc_service_conf *sc,
			     const struct hc_backend_conf *bc);

/* True if CODE is within one of CHECK's status ranges. */
bool hc_status_match(const struct hc_check *check, long code);

/*
 * Parse TEXT as "IPV4:PORT" or "[IPV6]:PORT" (a literal address, a port
 * 1-65535) into L's address (L->text untouched).  0, or -1 with WHY.
 */
int hc_listen_parse(const char *text, struct hc_listen *l, const char **why);
/* Two listening addresses that are the same (both unset too). */
bool hc_listen_equal(const struct hc_listen *a, const struct hc_listen *b);

/* Two checks that would probe the same way (every field equal). */
bool hc_check_equal(const struct hc_check *a, const struct hc_check *b);

#endif /* LBHEALTHD_CONFIG_H */
