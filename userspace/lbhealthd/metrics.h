/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus metrics: what the daemon counts (check results, check
 * latency, transitions, reloads, reconciles), and /metrics served over
 * HTTP (libmicrohttpd) on the daemon's loop, in the text exposition
 * format, with the kernel's counters read at each scrape.
 */
#ifndef LBHEALTHD_METRICS_H
#define LBHEALTHD_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

struct hc_daemon;
struct hc_svc;
struct hc_backend;
struct hc_result;
struct hc_metrics_server;

/* How a check run ended: a success, a failure, or a failure at timeout. */
enum hc_outcome {
	HC_OUTCOME_SUCCESS,
	HC_OUTCOME_FAILURE,
	HC_OUTCOME_TIMEOUT,
	HC_OUTCOME_N,
};

/* A backend's counters, kept across reloads while it stays. */
struct hc_be_counters {
	uint64_t results[HC_OUTCOME_N];
	uint64_t transitions;		/* verdict changes */
};

/* Check latency of a service: runs per bucket (bounds in metrics_text.c). */
#define HC_LATENCY_BUCKETS	12

struct hc_latency {
	uint64_t bucket[HC_LATENCY_BUCKETS];	/* not cumulative */
	uint64_t count;
	uint64_t sum_ms;
};

/* The daemon's own counters. */
struct hc_daemon_counters {
	uint64_t start_usec;		/* CLOCK_REALTIME */
	uint64_t reloads_ok, reloads_failed;
	bool last_reload_ok;		/* true until a reload fails */
	uint64_t last_reload_usec;	/* CLOCK_REALTIME; the start at first */
	uint64_t reconciles_ok, reconciles_failed;
	bool kernel_ok;			/* the last reconcile succeeded */
	uint64_t scrapes;
	uint64_t announcements, withdrawals;	/* VIP routes (announce.c) */
};

/* The outcome of RES, a run of a check whose timeout is TIMEOUT_MS. */
enum hc_outcome hc_outcome_of(const struct hc_result *res,
			      uint32_t timeout_ms);
/* Count a result of BE's check. */
void hc_metrics_result(struct hc_backend *be, const struct hc_result *res);

/*
 * The exposition of D's state and the kernel's counters (a dump through
 * D's netlink socket), written to F.  0, or -1 (out of memory).
 */
int hc_metrics_write(struct hc_daemon *d, FILE *f);
/* VALUE as a label value: '\\', '"' and newlines escaped. */
void hc_metrics_label(FILE *f, const char *value);

/*
 * The HTTP server.  hc_metrics_start() listens on L for D (a server
 * already on the same address is kept); hc_metrics_stop() closes it.
 * 0, or -1 with the reason logged (nothing changed).
 */
int hc_metrics_start(struct hc_daemon *d, const struct hc_listen *l);
void hc_metrics_stop(struct hc_daemon *d);

#endif /* LBHEALTHD_METRICS_H */
