/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the probes (probe*.c), not for the rest of lbhealthd: a probe
 * run and the prober, the core's life cycle helpers, and what each type
 * of probe provides.
 *
 * A type's start function (probe_*_start()) sets up the run (sockets,
 * child, curl handle, the timeout with probe_add_timeout()) and returns 0,
 * or a negative errno when the run could not even start (the core then
 * frees it; DONE is not called).  The run ends with probe_result() and
 * probe_finish(), from the loop or from the start function itself: the
 * core delivers the result to DONE from a defer source.
 */
#ifndef LBHEALTHD_PROBE_INT_H
#define LBHEALTHD_PROBE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <curl/curl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "probe.h"

/* Timer slack: 1 ms (sd-event's default would be 250 ms). */
#define HC_TIMER_ACCURACY_US	1000

enum probe_state {
	PROBE_RUNNING,		/* waiting for I/O, the timeout or the child */
	PROBE_DONE,		/* result known, delivery pending (defer) */
	PROBE_REAPING,		/* delivered or cancelled; child not reaped */
};

struct hc_probe {
	struct hc_prober *p;
	LIST_ENTRY(hc_probe) link;	/* in p->probes */
	enum probe_state state;
	const struct hc_check *check;
	const struct hc_target *t;
	hc_probe_done done;
	void *data;
	struct timespec start;
	struct hc_result res;
	unsigned int attempt;		/* 0, then 1.. for the retries */
	sd_event_source *retry;		/* the next attempt's start */
	sd_event_source *defer;		/* delivers the result, frees */
	sd_event_source *timer;		/* the run's timeout */
	/* tcp, udp, dns */
	int fd;
	uint16_t dns_id;		/* dns: the query's id */
	sd_event_source *io;
	/* exec */
	pid_t pid;			/* also the process group */
	sd_event_source *child;
	bool reaped;
	bool timed_out;
	/* http, https */
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *connect_to;	/* https with host: to the backend */
	char *body;			/* HC_BODY_MAX + 1, if expect_body */
	size_t body_len;		/* bytes of body seen, at most HC_BODY_MAX */
	bool body_full;			/* more than HC_BODY_MAX: run ended */
	char errbuf[CURL_ERROR_SIZE];
};

struct curl_sock;

struct hc_prober {
	sd_event *ev;
	CURLM *multi;
	sd_event_source *curl_timer;
	LIST_HEAD(, hc_probe) probes;	/* every probe, in any state */
	LIST_HEAD(, curl_sock) socks;	/* the sockets libcurl watches */
	unsigned int running;		/* PROBE_RUNNING and PROBE_DONE */
};

/* The core (probe.c) */

/* The verdict and its reason (printf FMT). */
void probe_result(struct hc_probe *probe, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A connect()'s errno as a reason: "connection refused"... */
const char *probe_errno_reason(int err);
/* The result is in: stop everything and deliver it from the loop. */
void probe_finish(struct hc_probe *probe);
/* Start the run's timer (probe->timer): CB in USEC. */
int probe_add_timeout(struct hc_probe *probe, uint64_t usec,
		      sd_event_time_handler_t cb);
/* The check's timeout in microseconds. */
uint64_t probe_timeout_usec(const struct hc_probe *probe);
/* The port to probe: the check's, or the target's. */
uint16_t probe_port(const struct hc_probe *probe);

/* The types of probe */

int probe_tcp_start(struct hc_probe *probe);	/* probe_net.c */
int probe_udp_start(struct hc_probe *probe);	/* probe_net.c */
int probe_exec_start(struct hc_probe *probe);	/* probe_exec.c */
int probe_http_start(struct hc_probe *probe);	/* probe_http.c */
int probe_dns_start(struct hc_probe *probe);	/* probe_dns.c */

/* The network probes' sockets (probe_net.c) */

/*
 * A non-blocking socket of TYPE to the target, connect() called on it:
 * 0 with *ERR its errno (0: connected), or a negative errno when there is
 * no socket.
 */
int probe_net_connect(struct hc_probe *probe, int type, int *err);
/* Wait for EVENTS on the socket (IO then called), up to the timeout. */
int probe_net_wait(struct hc_probe *probe, uint32_t events,
		   sd_event_io_handler_t io);

/* The prober's libcurl multi handle on its loop (probe_http.c) */

/* Set up P->multi and its loop hooks; 0 or a negative errno. */
int probe_http_init(struct hc_prober *p);
void probe_http_fini(struct hc_prober *p);
/* Release the run's curl handle, headers and body. */
void probe_http_release(struct hc_probe *probe);

#endif /* LBHEALTHD_PROBE_INT_H */
