/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon: one sd-event loop running every backend's checks, feeding
 * the rise/fall machines, and keeping the kernel's services in line with
 * the file and the verdicts.
 */
#ifndef LBHEALTHD_DAEMON_H
#define LBHEALTHD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "config.h"
#include "dns.h"
#include "health.h"
#include "metrics.h"
#include "probe.h"

struct hc_daemon;
struct hc_svc;
struct mnl_socket;
struct hc_status_client;
struct hc_hook;

struct hc_backend;

/* One check of a backend: its own timer, probe and rise/fall state. */
struct hc_run {
	struct hc_backend *be;
	const struct hc_check *check;
	struct hc_health health;
	sd_event_source *timer;
	struct hc_probe *probe;
	uint64_t started;		/* CLOCK_MONOTONIC usec of the last run */
};

struct hc_backend {
	struct hc_svc *svc;
	const struct hc_backend_conf *conf;
	struct hc_target target;
	/*
	 * The verdict: up while at least REQUIRED of its checks (RUNS) are;
	 * health.runs counts the results of all of them.
	 */
	struct hc_health health;
	size_t n_runs;
	struct hc_run *runs;
	uint32_t required;
	uint64_t since;			/* CLOCK_REALTIME usec of the verdict */
	bool has_last;
	struct hc_result last;
	uint64_t last_at;		/* CLOCK_REALTIME usec */
	/*
	 * Maintenance asked at run time (drain 1, undrain 0), over the file's
	 * "maintenance"; -1: none, the file's.  Kept across reloads while the
	 * backend stays and the file's value does not change.
	 */
	int maint_req;
	bool adopted;			/* its verdict taken from the kernel */
	struct hc_be_counters ctr;	/* for /metrics */
};

/* Start BE (and each of its checks) from verdict UP (the kernel's). */
void hc_backend_adopt(struct hc_backend *be, bool up);
/* Whether BE is in maintenance (drained whatever its verdict). */
bool hc_backend_maint(const struct hc_backend *be);
/* "ADDR:PORT" of BE, for messages. */
void hc_backend_name(const struct hc_backend *be, char *buf, size_t len);
/* Set BE's maintenance at run time (logged); whether it changed. */
bool hc_backend_set_maint(struct hc_backend *be, bool on);

struct hc_svc {
	struct hc_daemon *d;
	const struct hc_service_conf *conf;
	size_t n_backends;
	struct hc_backend *backends;
	bool quorum_ok;
	/*
	 * Its Maglev table's digest as last read (nflb_table_digest()),
	 * logged when it changes; DIGEST_STALE: read it again after the next
	 * reconcile that succeeds (a request for it was sent).
	 */
	bool has_digest, digest_stale;
	uint32_t table_size;
	uint64_t digest;
	/*
	 * Ready to be announced (announce.c): every backend has its first
	 * verdict (or READY_BY, CLOCK_MONOTONIC usec, has passed), so that
	 * a node that starts does not take flows with a table its peers do
	 * not have.  Once ready, always (kept across reloads).
	 */
	bool ready;
	uint64_t ready_by;
	struct hc_latency latency;	/* of its checks, for /metrics */
};

/* A VIP as announced to the routers (announce.c). */
struct hc_vip {
	uint16_t family;
	union nflb_inaddr addr;
};

/* Announcing VIPs (announce.c). */
struct hc_announce {
	struct mnl_socket *nl;		/* rtnetlink; NULL until needed */
	uint32_t portid, seq;
	uint32_t table;			/* where our routes are; 0: none yet */
	uint32_t checked_table;		/* read at least once */
	bool drained;			/* drain-node */
	bool stopping;			/* SIGTERM: withdrawn, grace running */
	bool kernel_gone;		/* the kernel's services cannot be read */
	bool failing;			/* a route request failed (logged) */
	size_t n_vips, cap_vips;
	struct hc_vip *vips;		/* announced, as of the last sync */
	sd_event_source *grace;		/* stop: exit when it fires */
};

struct hc_daemon {
	sd_event *ev;
	struct hc_prober *prober;
	struct nflb_nl *nl;
	struct hc_config cfg;
	const char *config_path;
	const char *socket_opt;		/* -s, overrides the file */
	bool withdraw;			/* -w */
	bool notify;			/* under systemd */
	void (*on_ready)(void);		/* once running (a forked start) */
	size_t n_svcs;
	struct hc_svc *svcs;
	sd_event_source *reconcile_timer;
	sd_event_source *status_src;
	struct hc_status_client *status_clients;	/* newest first */
	size_t n_status_clients;
	char *status_path;
	uint64_t reconcile_usec;
	struct hc_daemon_counters ctr;	/* for /metrics */
	struct hc_metrics_server *metrics;	/* NULL: not served */
	struct hc_dns *dns;		/* host names of backends (dns.c) */
	/* systemd (notify.c) */
	bool ready;			/* READY=1 sent */
	sd_event_source *watchdog;
	uint64_t watchdog_usec;
	char *status_line;		/* the last STATUS= sent */
	struct hc_hook *hooks;		/* notify hooks running (hooks.c) */
	int n_hooks;
	struct hc_announce ann;		/* VIPs announced (announce.c) */
};

/* Set up from the loaded CFG (taken over) and run until SIGTERM/SIGINT. */
int hc_daemon_run(struct hc_daemon *d);

/* Inside the daemon (daemon.c, checks.c, reconcile.c) */

#define USEC_PER_MSEC	1000ULL
#define USEC_PER_SEC	1000000ULL

/* Now on CLOCK, in microseconds. */
uint64_t hc_now_usec(clockid_t clock);
/* A random duration in [0, max). */
uint64_t hc_random_usec(uint64_t max);

/*
 * The runtime state of CFG's services (checks.c), their checks started,
 * carrying over the verdicts of backends that keep the same check from
 * OLDS.  0, or -1 (out of memory, nothing started).
 */
int hc_svcs_build(struct hc_daemon *d, const struct hc_config *cfg,
		  const struct hc_svc *olds, size_t n_old,
		  struct hc_svc **out);
/* Stop their checks and free them. */
void hc_svcs_free(struct hc_svc *svcs, size_t n);

/* Reconcile (reconcile.c) */

/*
 * Whether S's healthy backends meet its quorum, logged when it changes
 * (with the sorry backend's part, if it has one).
 */
void hc_quorum_update(struct hc_svc *s);
/* S's backends that count toward its quorum: healthy, not in maintenance. */
size_t hc_svc_counted(const struct hc_svc *s);

/* A new netlink socket (the family may have come back); 0 or -1. */
int hc_nl_reopen(struct hc_daemon *d);
/*
 * At start: the periodic reconcile's timer, the verdicts the kernel holds
 * adopted, a first reconcile.  -1 if the timer cannot be set up.
 */
int hc_reconcile_start(struct hc_daemon *d);
/* The period for CFG: its shortest check interval, within bounds. */
uint64_t hc_reconcile_period(const struct hc_config *cfg);
/*
 * Bring the kernel in line with every service we own, and delete the
 * services of GONE (no longer in the file).
 */
int hc_reconcile(struct hc_daemon *d, const struct nflb_service *gone,
		 size_t n_gone);
/* Reconcile now (at the next loop iteration), not a period from now. */
void hc_reconcile_soon(struct hc_daemon *d);
/* At exit: delete the services we own. */
void hc_withdraw(struct hc_daemon *d);

/*
 * systemd (notify.c), all no-ops without NOTIFY_SOCKET: the watchdog's
 * timer (if WatchdogSec= is set), READY=1 with the first STATUS=, and
 * STATUS= again whenever it changes.
 */
int hc_notify_start(struct hc_daemon *d);
void hc_notify_stop(struct hc_daemon *d);
void hc_notify_ready(struct hc_daemon *d);
void hc_notify_status(struct hc_daemon *d);

/*
 * Notify hooks (hooks.c): BE's verdict changed (REASON: the check's);
 * S's quorum changed.  Run without waiting; stopped (killed) at exit.
 */
void hc_hook_backend(struct hc_backend *be, const char *reason);
void hc_hook_quorum(struct hc_svc *s);
void hc_hooks_stop(struct hc_daemon *d);

/*
 * Announcing VIPs to the routers (announce.c).  hc_announce_sync(): the
 * routes in line with the services' state (withdraw what should not be
 * announced; with ADD, announce what should: only once the kernel's
 * services are in line).  hc_announce_drain(): drain-node (ON) or
 * undrain-node; whether it changed.  hc_announce_stop_begin(): SIGTERM or
 * SIGINT (WHY names it): withdraw everything and, if something was
 * announced and announce-grace is not 0, exit when the grace is over
 * (true) rather than now (false).  hc_announce_close(): at exit, withdraw
 * what is left.  hc_vip_of(): SC's VIP; hc_vip_eq(): the same VIP.
 */
void hc_announce_sync(struct hc_daemon *d, bool add);
/* S is ready to be announced (latched; see struct hc_svc). */
bool hc_svc_ready(struct hc_svc *s);
/* The time a new service S has to become ready (usec). */
uint64_t hc_svc_ready_bound(const struct hc_svc *s);
bool hc_announce_drain(struct hc_daemon *d, bool on);
bool hc_announce_stop_begin(struct hc_daemon *d, const char *why);
void hc_announce_close(struct hc_daemon *d);
/*
 * `lbhealthd flush-routes`: delete every route of lbhealthd's in TABLE
 * (after a daemon that died without withdrawing them: systemd's
 * ExecStopPost=).  Each said on stdout, errors on stderr; the exit status.
 */
int hc_announce_flush(uint32_t table);
void hc_vip_of(const struct hc_service_conf *sc, struct hc_vip *v);
bool hc_vip_eq(const struct hc_vip *a, const struct hc_vip *b);
/* Whether V is announced (as of the last sync). */
bool hc_vip_announced(const struct hc_daemon *d, const struct hc_vip *v);
/*
 * CB for each VIP of a service that announces, once, with whether it is
 * announced.  0, or -1 (out of memory).
 */
int hc_announce_each(const struct hc_daemon *d,
		     void (*cb)(const struct hc_vip *v, bool announced,
				void *data), void *data);

/* Status socket (status.c). */
int hc_status_listen(struct hc_daemon *d, const char *path);
void hc_status_close(struct hc_daemon *d);
/* The client side: `lbhealthd status [-j]`.  Returns the exit status. */
int hc_status_query(const char *path, bool json);
/*
 * `lbhealthd drain|undrain SERVICE BACKEND`: ON, put BACKEND of SERVICE
 * (its name, or "PROTO VIP:PORT") in maintenance, else out of it.
 */
int hc_maint_query(const char *path, bool on, const char *service,
		   const char *backend);
/* `lbhealthd drain-node|undrain-node`: withdraw the node's VIPs (ON). */
int hc_node_query(const char *path, bool on);

#endif /* LBHEALTHD_DAEMON_H */
