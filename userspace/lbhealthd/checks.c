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

/* Up while at least be->required of its checks are. */
static bool runs_up(const struct hc_backend *be)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < be->n_runs; i++)
		n += be->runs[i].health.up;
	return n >= be->required;
}

void hc_backend_adopt(struct hc_backend *be, bool up)
{
	size_t i;

	be->health.up = up;
	be->health.streak = 0;
	be->adopted = true;
	for (i = 0; i < be->n_runs; i++) {
		be->runs[i].health.up = up;
		be->runs[i].health.streak = 0;
	}
}

/*
 * Timers of checks may fire up to interval / 20 late: the loop then wakes
 * once for many checks instead of once per check (with a thousand
 * backends, most of the daemon's cost is wake-ups).  Runs are spread by a
 * jitter of up to interval / 10, always early, so that the time between
 * two runs never exceeds the interval and the fall x interval + timeout
 * bound holds.
 */
static uint64_t check_slack(const struct hc_check *check)
{
	return check->interval_ms * USEC_PER_MSEC / 20;
}

static void arm_next(struct hc_run *run)
{
	uint64_t interval = run->check->interval_ms * USEC_PER_MSEC;
	uint64_t next = run->started + interval - check_slack(run->check) -
			hc_random_usec(interval / 10);

	sd_event_source_set_time(run->timer, next);
	sd_event_source_set_enabled(run->timer, SD_EVENT_ONESHOT);
}

static void probe_done(const struct hc_result *res, void *data)
{
	struct hc_run *run = data;
	struct hc_backend *be = run->be;
	const struct hc_check *check = run->check;
	char name[NFLB_ADDRSTRLEN];
	bool up;

	run->probe = NULL;
	be->last = *res;
	be->has_last = true;
	be->last_at = hc_now_usec(CLOCK_REALTIME);
	be->health.runs++;
	hc_metrics_result(be, res);
	hc_backend_name(be, name, sizeof(name));
	hc_log(LOG_DEBUG, "%s: %s %s check: %s (%s, %u ms)",
	       be->svc->conf->name, name,
	       nflb_enum_name(hc_check_type_names, check->type), res->ok ? "ok" : "failed", res->reason, res->duration_ms);
	if (!hc_health_feed(&run->health, res->ok, check->rise, check->fall))
		return;
	up = runs_up(be);
	if (be->n_runs > 1)
		hc_log(LOG_INFO, "%s: backend %s: %s check %zu of %zu %s (%s)",
		       be->svc->conf->name, name,
		       nflb_enum_name(hc_check_type_names, check->type),
		       (size_t)(run - be->runs) + 1, be->n_runs,
		       run->health.up ? "up" : "down", res->reason);
	if (up == be->health.up)
		return;
	be->health.up = up;
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
	struct hc_run *run = data;
	struct hc_backend *be = run->be;
	char name[NFLB_ADDRSTRLEN];

	(void)src;
	run->started = usec;
	if (!run->probe) {
		run->probe = hc_probe_start(be->svc->d->prober, run->check,
					    &be->target, probe_done, run);
		if (!run->probe) {
			struct hc_result res = { .ok = false };

			hc_backend_name(be, name, sizeof(name));
			snprintf(res.reason, sizeof(res.reason),
				 "cannot start: %s", strerror(errno));
			hc_log(LOG_ERR, "%s: %s: %s", be->svc->conf->name,
			       name, res.reason);
			probe_done(&res, run);
		}
	}
	arm_next(run);
	return 0;
}

static void backend_stop(struct hc_backend *be)
{
	size_t i;

	for (i = 0; i < be->n_runs; i++) {
		if (be->runs[i].probe)
			hc_probe_cancel(be->runs[i].probe);
		be->runs[i].probe = NULL;
		be->runs[i].timer =
			sd_event_source_disable_unref(be->runs[i].timer);
	}
	free(be->runs);
	be->runs = NULL;
	be->n_runs = 0;
}

static int run_start(struct hc_daemon *d, struct hc_run *run,
		     const struct hc_run *old)
{
	uint64_t interval = run->check->interval_ms * USEC_PER_MSEC;
	uint64_t now = hc_now_usec(CLOCK_MONOTONIC), first;

	if (old) {
		/* Same backend, same check: its verdict and history go on. */
		run->health = old->health;
		run->started = old->started;
		first = old->started + interval - check_slack(run->check);
		if (first < now)
			first = now;
	} else {
		hc_health_init(&run->health, run->check->initial_up);
		/* Spread the first runs over one interval. */
		first = now + hc_random_usec(interval);
	}
	return sd_event_add_time(d->ev, &run->timer, CLOCK_MONOTONIC, first,
				 check_slack(run->check), check_timer_cb, run);
}

static int backend_start(struct hc_daemon *d, struct hc_backend *be,
			 const struct hc_backend *old)
{
	const struct hc_service_conf *sc = be->svc->conf;
	const struct nflb_backend *b = &be->conf->be;
	size_t i, n = hc_backend_n_checks(sc, be->conf);

	be->target.family = b->family;
	be->target.addr = b->addr;
	be->target.port = b->port;
	be->target.svc = &sc->svc;
	be->required = hc_backend_required(sc, be->conf);
	be->runs = calloc(n, sizeof(*be->runs));
	if (!be->runs)
		return -ENOMEM;
	be->n_runs = n;
	for (i = 0; i < n; i++) {
		be->runs[i].be = be;
		be->runs[i].check = hc_backend_check_i(sc, be->conf, i);
		if (run_start(d, &be->runs[i], old ? &old->runs[i] : NULL) < 0)
			return -ENOMEM;
	}
	if (old) {
		be->health = old->health;
		be->adopted = old->adopted;
		be->since = old->since;
		be->has_last = old->has_last;
		be->last = old->last;
		be->last_at = old->last_at;
	} else {
		hc_health_init(&be->health, runs_up(be));
		be->since = hc_now_usec(CLOCK_REALTIME);
	}
	return 0;
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

/* Whether backend OB of service OS is checked as BC of SC is. */
static bool same_checks(const struct hc_service_conf *os,
			const struct hc_backend_conf *ob,
			const struct hc_service_conf *sc,
			const struct hc_backend_conf *bc)
{
	size_t i, n = hc_backend_n_checks(sc, bc);

	if (hc_backend_n_checks(os, ob) != n ||
	    hc_backend_required(os, ob) != hc_backend_required(sc, bc))
		return false;
	for (i = 0; i < n; i++)
		if (!hc_check_equal(hc_backend_check_i(os, ob, i),
				    hc_backend_check_i(sc, bc, i)))
			return false;
	return true;
}

static const struct hc_backend *find_old(const struct hc_svc *olds,
					 size_t n_old,
					 const struct hc_service_conf *sc,
					 const struct hc_backend_conf *bc)
{
	size_t i, j;

	for (i = 0; i < n_old; i++) {
		const struct hc_svc *o = &olds[i];

		if (!nflb_service_same_key(&o->conf->svc, &sc->svc))
			continue;
		/* The same checks: the backend's own, or its service's. */
		for (j = 0; j < o->n_backends; j++)
			if (nflb_backend_same_key(&o->backends[j].conf->be,
						&bc->be) &&
			    same_checks(o->conf, o->backends[j].conf, sc, bc))
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
		s->ready_by = hc_now_usec(CLOCK_MONOTONIC) +
			      hc_svc_ready_bound(s);
		for (j = 0; j < n_old; j++)
			if (nflb_service_same_key(&olds[j].conf->svc,
						  &sc->svc)) {
				s->quorum_ok = olds[j].quorum_ok;
				s->latency = olds[j].latency;
				s->ready = olds[j].ready;
				s->has_digest = olds[j].has_digest;
				s->digest = olds[j].digest;
				s->table_size = olds[j].table_size;
			}
	}
	*out = svcs;
	return 0;
fail:
	hc_svcs_free(svcs, cfg->n_services);
	return -1;
}
