// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's probes on an sd-event loop: the core, what every type of
 * probe shares.  The types: tcp and udp in probe_net.c, exec in
 * probe_exec.c, http and https (libcurl multi on the loop) in
 * probe_http.c, dns in probe_dns.c.
 *
 * Retries (the check's retry, keepalived's): a failed attempt releases
 * its sockets and handles and the same run starts again
 * delay-before-retry later, up to RETRY times; DONE sees the last
 * attempt's result (and which attempt it was), once.  An exec attempt
 * whose child is not reaped yet is not retried.
 *
 * THE CALLER MUST BLOCK SIGCHLD (sigprocmask(), in every thread) BEFORE
 * CREATING THE LOOP: sd_event_add_child() requires it, and exec probes
 * fail to start (EBUSY) otherwise.
 *
 * Every run ends in probe_finish(): its sockets, timers and curl handle
 * are released at once and the result is handed to DONE by a defer
 * source, so that DONE is never called from inside hc_probe_start() nor
 * from inside a libcurl callback.  An exec probe whose child is not
 * reaped yet when its result is delivered (a process that ignores SIGKILL
 * for a while, in uninterruptible sleep) or when it is cancelled stays in
 * the prober's list until the child source has reaped it.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "probe_int.h"

void probe_result(struct hc_probe *probe, bool ok, const char *fmt, ...)
{
	va_list ap;

	probe->res.ok = ok;
	va_start(ap, fmt);
	vsnprintf(probe->res.reason, sizeof(probe->res.reason), fmt, ap);
	va_end(ap);
}

const char *probe_errno_reason(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "connection refused";
	case ETIMEDOUT:
		return "connect timeout";
	default:
		return strerror(err);
	}
}

/* Release what the run holds but its child and its defer source. */
static void probe_release_io(struct hc_probe *probe)
{
	probe->io = sd_event_source_disable_unref(probe->io);
	probe->timer = sd_event_source_disable_unref(probe->timer);
	if (probe->fd >= 0) {
		close(probe->fd);
		probe->fd = -1;
	}
	probe_http_release(probe);
}

static void probe_free(struct hc_probe *probe)
{
	probe_release_io(probe);
	probe->retry = sd_event_source_disable_unref(probe->retry);
	probe->child = sd_event_source_disable_unref(probe->child);
	probe->defer = sd_event_source_disable_unref(probe->defer);
	LIST_REMOVE(probe, link);
	free(probe);
}

/* An exec probe's child still running: SIGKILL it, its group too. */
static void probe_kill_child(struct hc_probe *probe)
{
	if (probe->child && !probe->reaped)
		kill(-probe->pid, SIGKILL);
}

/*
 * The run is over for its owner (delivered or cancelled): free it, or keep
 * it until its child is reaped.
 */
static void probe_retire(struct hc_probe *probe)
{
	if (probe->state != PROBE_REAPING)
		probe->p->running--;
	if (probe->child && !probe->reaped) {
		probe_release_io(probe);
		sd_event_source_set_enabled(probe->defer, SD_EVENT_OFF);
		probe->state = PROBE_REAPING;
		return;
	}
	probe_free(probe);
}

static int probe_retry_cb(sd_event_source *s, uint64_t usec, void *data);

/* Another attempt of a failed run, if its check allows one: true. */
static bool probe_retry(struct hc_probe *probe)
{
	if (probe->res.ok || probe->attempt >= probe->check->retry ||
	    (probe->child && !probe->reaped))
		return false;
	probe_release_io(probe);
	if (sd_event_add_time_relative(probe->p->ev, &probe->retry,
				       CLOCK_MONOTONIC,
				       (uint64_t)probe->check->retry_delay_ms *
				       1000, HC_TIMER_ACCURACY_US,
				       probe_retry_cb, probe) < 0)
		return false;
	probe->attempt++;
	return true;
}

/* The result is in RES: stop everything and deliver it from the loop. */
void probe_finish(struct hc_probe *probe)
{
	struct timespec now;
	size_t len;
	int64_t ms;

	if (probe_retry(probe))
		return;
	if (probe->attempt) {
		len = strlen(probe->res.reason);
		snprintf(probe->res.reason + len,
			 sizeof(probe->res.reason) - len,
			 " (attempt %u of %u)", probe->attempt + 1,
			 probe->check->retry + 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ((int64_t)(now.tv_sec - probe->start.tv_sec) * 1000000000 +
	      (now.tv_nsec - probe->start.tv_nsec)) / 1000000;
	probe->res.duration_ms = ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : ms;
	probe_release_io(probe);
	probe->state = PROBE_DONE;
	sd_event_source_set_enabled(probe->defer, SD_EVENT_ONESHOT);
}

static int probe_defer(sd_event_source *s, void *userdata)
{
	struct hc_probe *probe = userdata;
	struct hc_result res;
	hc_probe_done done;
	void *data;

	(void)s;
	if (probe->state == PROBE_REAPING) {
		if (probe->reaped)
			probe_free(probe);
		return 0;
	}
	/* Retire first: DONE may start, cancel, even free the prober. */
	res = probe->res;
	done = probe->done;
	data = probe->data;
	probe_retire(probe);
	done(&res, data);
	return 0;
}

int probe_add_timeout(struct hc_probe *probe, uint64_t usec,
		      sd_event_time_handler_t cb)
{
	return sd_event_add_time_relative(probe->p->ev, &probe->timer,
					  CLOCK_MONOTONIC, usec,
					  HC_TIMER_ACCURACY_US, cb, probe);
}

uint64_t probe_timeout_usec(const struct hc_probe *probe)
{
	return (uint64_t)probe->check->timeout_ms * 1000;
}

uint16_t probe_port(const struct hc_probe *probe)
{
	return probe->check->port ? probe->check->port : probe->t->port;
}

/* Start an attempt of PROBE's type: 0 or a negative errno. */
static int probe_type_start(struct hc_probe *probe)
{
	switch (probe->check->type) {
	case HC_CHECK_TCP:
		return probe_tcp_start(probe);
	case HC_CHECK_UDP:
		return probe_udp_start(probe);
	case HC_CHECK_HTTP:
	case HC_CHECK_HTTPS:
		return probe_http_start(probe);
	case HC_CHECK_EXEC:
		return probe_exec_start(probe);
	case HC_CHECK_DNS:
		return probe_dns_start(probe);
	default:
		return -EINVAL;
	}
}

static int probe_retry_cb(sd_event_source *s, uint64_t usec, void *data)
{
	struct hc_probe *probe = data;
	int r;

	(void)s;
	(void)usec;
	probe->retry = sd_event_source_disable_unref(probe->retry);
	/* The last attempt's child is reaped (probe_retry()): let it go. */
	probe->child = sd_event_source_disable_unref(probe->child);
	probe->reaped = false;
	probe->timed_out = false;
	probe->pid = 0;
	probe->body_len = 0;
	probe->body_full = false;
	probe->errbuf[0] = '\0';
	memset(&probe->res, 0, sizeof(probe->res));
	r = probe_type_start(probe);
	if (r < 0) {
		probe_result(probe, false, "cannot start: %s", strerror(-r));
		probe->attempt = probe->check->retry;
		probe_finish(probe);
	}
	return 0;
}

/* The API */

struct hc_prober *hc_prober_new(sd_event *ev)
{
	struct hc_prober *p;
	int r;

	if (!ev) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ev = sd_event_ref(ev);
	r = probe_http_init(p);
	if (r < 0) {
		sd_event_unref(p->ev);
		free(p);
		errno = -r;
		return NULL;
	}
	return p;
}

void hc_prober_free(struct hc_prober *p)
{
	struct hc_probe *probe;

	if (!p)
		return;
	/* A child still running is SIGKILLed (its group too) and reaped. */
	while ((probe = LIST_FIRST(&p->probes))) {
		probe_kill_child(probe);
		probe_free(probe);
	}
	probe_http_fini(p);
	sd_event_unref(p->ev);
	free(p);
}

struct hc_probe *hc_probe_start(struct hc_prober *p,
				const struct hc_check *check,
				const struct hc_target *t,
				hc_probe_done done, void *data)
{
	struct hc_probe *probe;
	int r;

	if (!p || !check || !t || !done) {
		errno = EINVAL;
		return NULL;
	}
	if (t->family != AF_INET && t->family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	probe = calloc(1, sizeof(*probe));
	if (!probe)
		return NULL;
	probe->p = p;
	probe->check = check;
	probe->t = t;
	probe->done = done;
	probe->data = data;
	probe->fd = -1;
	probe->state = PROBE_RUNNING;
	clock_gettime(CLOCK_MONOTONIC, &probe->start);
	LIST_INSERT_HEAD(&p->probes, probe, link);

	r = sd_event_add_defer(p->ev, &probe->defer, probe_defer, probe);
	if (r >= 0)
		r = sd_event_source_set_enabled(probe->defer, SD_EVENT_OFF);
	if (r < 0)
		goto fail;
	r = probe_type_start(probe);
	if (r < 0)
		goto fail;
	p->running++;
	return probe;
fail:
	probe_kill_child(probe);
	probe_free(probe);
	errno = -r;
	return NULL;
}

void hc_probe_cancel(struct hc_probe *probe)
{
	if (!probe || probe->state == PROBE_REAPING)
		return;
	probe_kill_child(probe);
	probe_retire(probe);
}

unsigned int hc_prober_running(const struct hc_prober *p)
{
	return p ? p->running : 0;
}
