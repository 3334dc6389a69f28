// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's checks: the runtime state of every service and backend of
 * the configuration, each backend's timer starting a probe, its result
 * fed to the backend's rise/fall machine, a changed verdict logged and
 * reconciled.  A reload builds the state again, carrying over the verdict
 * of each backend that keeps the same check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "log.h"

void hc_backend_name(const struct hc_backend *be, char *buf, size_t len)
{
	const struct nflb_backend *b = &be->conf->be;

	nflb_addr_format(b->family, &b->addr, NFLB_HAS(b, NFLB_BE_A_PORT),
			 b->port, buf, len);
}

static int check_timer_cb(sd_event_source *src, uint64_t usec, void *data);

bool hc_backend_maint(const struct hc_backend *be)
{
	return be->maint_req >= 0 ? be->maint_req : be->conf->maintenance;
}

static void log_maint(const struct hc_backend *be, bool on, const char *why)
{
	char name[NFLB_ADDRSTRLEN];

	hc_backend_name(be, name, sizeof(name));
	hc_log(LOG_NOTICE, "%s: backend %s %s maintenance (%s)%s",
	       be->svc->conf->name, name, on ? "in" : "out of", why,
	       on ? ": drained" : "");
}

bool hc_backend_set_maint(struct hc_backend *be, bool on)
{
	bool was = hc_backend_maint(be);

	be->maint_req = on;
	if (was == on)
		return false;
	log_maint(be, on, "by request");
	hc_quorum_update(be->svc);
	hc_reconcile_soon(be->svc->d);
	return true;
}

/*
 * Timers of checks may fire up to interval / 20 late: the loop then wakes
 * once for many checks instead of once per check (with a thousand
 * backends, most of the daemon's cost is wake-ups).  Runs are spread by a
 * jitter of up to interval / 10, always early, so that the time between
 * two runs never exceeds the interval and the fall x interval + timeout
 * bound holds.
 */
static uint64_t check_slack(const struct hc_svc *s)
{
	return s->conf->check.interval_ms * USEC_PER_MSEC / 20;
}

static void arm_next(struct hc_backend *be)
{
	uint64_t interval = be->svc->conf->check.interval_ms * USEC_PER_MSEC;
	uint64_t next = be->started + interval - check_slack(be->svc) -
			hc_random_usec(interval / 10);

	sd_event_source_set_time(be->timer, next);
	sd_event_source_set_enabled(be->timer, SD_EVENT_ONESHOT);
}

static void probe_done(const struct hc_result *res, void *data)
{
	struct hc_backend *be = data;
	const struct hc_check *check = &be->svc->conf->check;
	char name[NFLB_ADDRSTRLEN];

	be->probe = NULL;
	be->last = *res;
	be->has_last = true;
	be->last_at = hc_now_usec(CLOCK_REALTIME);
	hc_metrics_result(be, res);
	hc_backend_name(be, name, sizeof(name));
	hc_log(LOG_DEBUG, "%s: %s %s check: %s (%s, %u ms)",
	       be->svc->conf->name, name,
	       nflb_enum_name(hc_check_type_names, check->type), res->ok ? "ok" : "failed", res->reason, res->duration_ms);
	if (!hc_health_feed(&be->health, res->ok, check->rise, check->fall))
		return;
	be->since = be->last_at;
	be->ctr.transitions++;
	if (be->health.up)
		hc_log_verdict(LOG_NOTICE, be->svc->conf->name, name,
			       nflb_enum_name(hc_check_type_names, check->type),
			       "up", res->reason,
			       "%s: backend %s up (%s) after %u success%s",
			       be->svc->conf->name, name, res->reason,
			       check->rise, check->rise == 1 ? "" : "es");
	else
		hc_log_verdict(LOG_WARNING, be->svc->conf->name, name,
			       nflb_enum_name(hc_check_type_names, check->type),
			       "down", res->reason,
			       "%s: backend %s down (%s) after %u failure%s",
			       be->svc->conf->name, name, res->reason,
			       check->fall, check->fall == 1 ? "" : "s");
	hc_hook_backend(be, res->reason);
	hc_quorum_update(be->svc);
	hc_reconcile_soon(be->svc->d);
}

static int check_timer_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_backend *be = data;
	char name[NFLB_ADDRSTRLEN];

	(void)src;
	be->started = usec;
	if (!be->probe) {
		be->probe = hc_probe_start(be->svc->d->prober,
					   &be->svc->conf->check, &be->target,
					   probe_done, be);
		if (!be->probe) {
			struct hc_result res = { .ok = false };

			hc_backend_name(be, name, sizeof(name));
			snprintf(res.reason, sizeof(res.reason),
				 "cannot start: %s", strerror(errno));
			hc_log(LOG_ERR, "%s: %s: %s", be->svc->conf->name,
			       name, res.reason);
			probe_done(&res, be);
		}
	}
	arm_next(be);
	return 0;
}

static void backend_stop(struct hc_backend *be)
{
	if (be->probe)
		hc_probe_cancel(be->probe);
	be->probe = NULL;
	be->timer = sd_event_source_disable_unref(be->timer);
}

static int backend_start(struct hc_daemon *d, struct hc_backend *be,
			 const struct hc_backend *old)
{
	uint64_t interval = be->svc->conf->check.interval_ms * USEC_PER_MSEC;
	uint64_t now = hc_now_usec(CLOCK_MONOTONIC), first;
	const struct nflb_backend *b = &be->conf->be;

	be->target.family = b->family;
	be->target.addr = b->addr;
	be->target.port = b->port;
	be->target.svc = &be->svc->conf->svc;
	if (old) {
		/* Same backend, same check: its verdict and history go on. */
		be->health = old->health;
		be->since = old->since;
		be->has_last = old->has_last;
		be->last = old->last;
		be->last_at = old->last_at;
		be->started = old->started;
		first = old->started + interval - check_slack(be->svc);
		if (first < now)
			first = now;
	} else {
		hc_health_init(&be->health, be->svc->conf->check.initial_up);
		be->since = hc_now_usec(CLOCK_REALTIME);
		/* Spread the first runs over one interval. */
		first = now + hc_random_usec(interval);
	}
	return sd_event_add_time(d->ev, &be->timer, CLOCK_MONOTONIC, first,
				 check_slack(be->svc), check_timer_cb, be);
}

void hc_svcs_free(struct hc_svc *svcs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < svcs[i].n_backends; j++)
			backend_stop(&svcs[i].backends[j]);
		free(svcs[i].backends);
	}
	free(svcs);
}

static const struct hc_backend *find_old(const struct hc_svc *olds,
					 size_t n_old,
					 const struct hc_service_conf *sc,
					 const struct hc_backend_conf *bc)
{
	size_t i, j;

	for (i = 0; i < n_old; i++) {
		const struct hc_svc *o = &olds[i];

		if (!nflb_service_same_key(&o->conf->svc, &sc->svc) ||
		    !hc_check_equal(&o->conf->check, &sc->check))
			continue;
		for (j = 0; j < o->n_backends; j++)
			if (nflb_backend_same_key(&o->backends[j].conf->be,
						&bc->be))
				return &o->backends[j];
	}
	return NULL;
}

/* The backend of OLDS with the key of SC's BC, whatever its check. */
static const struct hc_backend *find_same(const struct hc_svc *olds,
					  size_t n_old,
					  const struct hc_service_conf *sc,
					  const struct hc_backend_conf *bc)
{
	size_t i, j;

	for (i = 0; i < n_old; i++) {
		if (!nflb_service_same_key(&olds[i].conf->svc, &sc->svc))
			continue;
		for (j = 0; j < olds[i].n_backends; j++)
			if (nflb_backend_same_key(&olds[i].backends[j].conf->be,
						  &bc->be))
				return &olds[i].backends[j];
	}
	return NULL;
}

/*
 * A backend's maintenance from the one it replaces (OLD, or none): a
 * drain or undrain asked at run time stays, unless the file's value
 * changed (the file, edited since, says what is wanted now).  Changes
 * are logged.
 */
static void maint_carry(struct hc_backend *be, const struct hc_backend *old)
{
	bool was = old && hc_backend_maint(old);

	be->maint_req = -1;
	if (old && old->maint_req >= 0 &&
	    old->conf->maintenance == be->conf->maintenance)
		be->maint_req = old->maint_req;
	if (hc_backend_maint(be) != was)
		log_maint(be, !was, old ? "file changed" : "file");
}

/*
 * Runtime state for CFG, carrying over the verdicts of backends that keep
 * the same check from OLDS, and the maintenance of those that stay.
 */
int hc_svcs_build(struct hc_daemon *d, const struct hc_config *cfg,
		  const struct hc_svc *olds, size_t n_old,
		  struct hc_svc **out)
{
	struct hc_svc *svcs = calloc(cfg->n_services + 1, sizeof(*svcs));
	size_t i, j;

	if (!svcs)
		return -1;
	for (i = 0; i < cfg->n_services; i++) {
		const struct hc_service_conf *sc = &cfg->services[i];
		struct hc_svc *s = &svcs[i];

		s->d = d;
		s->conf = sc;
		s->quorum_ok = true;
		s->backends = calloc(sc->n_backends + 1,
				     sizeof(*s->backends));
		if (!s->backends)
			goto fail;
		s->n_backends = sc->n_backends;
		for (j = 0; j < sc->n_backends; j++) {
			struct hc_backend *be = &s->backends[j];
			const struct hc_backend *same;

			be->svc = s;
			be->conf = &sc->backends[j];
			if (backend_start(d, be, find_old(olds, n_old, sc,
							   be->conf)) < 0)
				goto fail;
			same = find_same(olds, n_old, sc, be->conf);
			maint_carry(be, same);
			/* Counters only grow while the backend stays. */
			if (same)
				be->ctr = same->ctr;
		}
		for (j = 0; j < n_old; j++)
			if (nflb_service_same_key(&olds[j].conf->svc,
						  &sc->svc)) {
				s->quorum_ok = olds[j].quorum_ok;
				s->latency = olds[j].latency;
			}
	}
	*out = svcs;
	return 0;
fail:
	hc_svcs_free(svcs, cfg->n_services);
	return -1;
}
