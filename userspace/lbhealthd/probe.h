/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probes: one run of a check against one backend, asynchronous, on an
 * sd-event loop.  Network probes (tcp, udp, http, https) are non-blocking
 * sockets or libcurl multi transfers driven by the loop; exec probes are
 * child processes watched by the loop and killed (SIGKILL, whole process
 * group) at the timeout.  No thread, no blocking call.
 */
#ifndef LBHEALTHD_PROBE_H
#define LBHEALTHD_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "config.h"

struct hc_prober;
struct hc_probe;

/* What a probe run found. */
struct hc_result {
	bool ok;
	/*
	 * Why, short, for logs and status: "connected", "connect timeout",
	 * "connection refused", "HTTP 200", "HTTP 503", "body mismatch",
	 * "reply", "no reply", "reply mismatch", "exit 0", "exit 3",
	 * "killed at timeout", "signal 9"...
	 */
	char reason[128];
	uint32_t duration_ms;
};

typedef void (*hc_probe_done)(const struct hc_result *res, void *data);

/* The target of a probe: where, and what to put in an exec's environment. */
struct hc_target {
	uint16_t family;		/* AF_INET, AF_INET6 */
	union nflb_inaddr addr;
	uint16_t port;			/* host order; check.port overrides */
	/* exec environment */
	const struct nflb_service *svc;
	/* more "NAME=VALUE" for an exec run (NULL-terminated), or NULL */
	char *const *env;
};

/*
 * One prober per loop: owns the curl multi handle and its loop hooks.
 * The caller must block SIGCHLD (sigprocmask(), before creating the loop
 * and any thread): exec probes watch their child with an sd-event child
 * source, which requires it (hc_probe_start() fails with EBUSY otherwise).
 */
struct hc_prober *hc_prober_new(sd_event *ev);
void hc_prober_free(struct hc_prober *p);	/* cancels running probes */

/*
 * Start a run of CHECK against T.  DONE is called exactly once, from the
 * loop (never from inside hc_probe_start()), unless the probe is
 * cancelled first.  CHECK and T must stay valid until then.  Returns the
 * probe, or NULL with errno set when it could not even start (DONE is not
 * called).
 */
struct hc_probe *hc_probe_start(struct hc_prober *p,
				const struct hc_check *check,
				const struct hc_target *t,
				hc_probe_done done, void *data);
/* Stop a running probe; DONE is not called. */
void hc_probe_cancel(struct hc_probe *probe);

/* Number of probes running (tests, status). */
unsigned int hc_prober_running(const struct hc_prober *p);

#endif /* LBHEALTHD_PROBE_H */
