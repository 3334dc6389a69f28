// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's loop.
 *
 * Every backend has a one-shot timer that starts a probe; the probe's
 * result feeds the backend's rise/fall machine; a changed verdict
 * schedules a reconcile.  A reconcile dumps the kernel's services,
 * computes for each service we own what it should be (configuration +
 * verdicts, want.c) and sends the difference (plan.c) in one batch.  It
 * also runs on a timer, so that a module reload or someone else's change
 * to a service we own is undone within one period.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"
#include "plan.h"
#include "want.h"

#define USEC_PER_MSEC	1000ULL
#define USEC_PER_SEC	1000000ULL
#define RECONCILE_MAX	USEC_PER_SEC
#define RECONCILE_MIN	(100 * USEC_PER_MSEC)

static uint64_t now_usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* A random duration in [0, max). */
static uint64_t random_usec(uint64_t max)
{
	return max ? ((uint64_t)random() << 16 ^ (uint64_t)random()) % max : 0;
}

/*
 * A failure that repeats every reconcile (the module cannot be loaded, the
 * kernel keeps refusing a request) is logged when it starts or changes, not
 * every second; the next success is logged too.
 */
static char failing[512];

static void fail_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void fail_log(const char *fmt, ...)
{
	char msg[sizeof(failing)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(msg, failing)) {
		hc_log(LOG_DEBUG, "%s (again)", msg);
		return;
	}
	snprintf(failing, sizeof(failing), "%s", msg);
	hc_log(LOG_ERR, "%s", msg);
}

static void fail_clear(void)
{
	if (!failing[0])
		return;
	hc_log(LOG_NOTICE, "the kernel's services are in line again");
	failing[0] = 0;
}

/* Netlink */

static int nl_reopen(struct hc_daemon *d)
{
	struct nflb_nl_err err;

	if (d->nl)
		nflb_nl_close(d->nl);
	d->nl = nflb_nl_open(&err);
	if (!d->nl) {
		fail_log("cannot talk to the nflb module: %s", err.msg);
		return -1;
	}
	return 0;
}

/* Services as the kernel has them, for the keys we care about. */
struct have_list {
	struct hc_daemon *d;
	const struct nflb_service *extra;	/* also collected (reload) */
	size_t n_extra;
	size_t n;
	struct nflb_service *svcs;
};

static bool key_wanted(const struct have_list *h,
		       const struct nflb_service *svc)
{
	size_t i;

	for (i = 0; i < h->d->n_svcs; i++)
		if (hc_service_same_key(&h->d->svcs[i].conf->svc, svc))
			return true;
	for (i = 0; i < h->n_extra; i++)
		if (hc_service_same_key(&h->extra[i], svc))
			return true;
	return false;
}

static int have_cb(const struct nflb_service *svc, void *data)
{
	struct have_list *h = data;
	struct nflb_service *copy, *svcs;

	if (!key_wanted(h, svc))
		return 0;
	svcs = realloc(h->svcs, (h->n + 1) * sizeof(*svcs));
	if (!svcs)
		return -1;
	h->svcs = svcs;
	copy = &svcs[h->n];
	*copy = *svc;
	copy->backends = NULL;
	if (svc->n_backends) {
		copy->backends = malloc(svc->n_backends *
					sizeof(*svc->backends));
		if (!copy->backends)
			return -1;
		memcpy(copy->backends, svc->backends,
		       svc->n_backends * sizeof(*svc->backends));
	}
	h->n++;
	return 0;
}

static void have_free(struct have_list *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		nflb_service_free(&h->svcs[i]);
	free(h->svcs);
	h->svcs = NULL;
	h->n = 0;
}

static const struct nflb_service *have_find(const struct have_list *h,
					    const struct nflb_service *key)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (hc_service_same_key(&h->svcs[i], key))
			return &h->svcs[i];
	return NULL;
}

static int have_dump(struct hc_daemon *d, struct have_list *h)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (!d->nl && nl_reopen(d) < 0)
			return -1;
		if (nflb_service_dump(d->nl, have_cb, h) == 0)
			return 0;
		have_free(h);
		hc_log(LOG_DEBUG, "dump failed: %s", nflb_nl_error(d->nl)->msg);
		/*
		 * The family may be gone (module unloaded) or have a new id
		 * (reloaded): start over with a fresh socket.
		 */
		nflb_nl_close(d->nl);
		d->nl = NULL;
	}
	fail_log("cannot read the kernel's services");
	return -1;
}

static uint8_t op_cmd(enum hc_op_kind kind)
{
	static const uint8_t cmd[] = {
		[HC_OP_SVC_ADD] = NFLB_CMD_SERVICE_NEW,
		[HC_OP_SVC_SET] = NFLB_CMD_SERVICE_SET,
		[HC_OP_SVC_DEL] = NFLB_CMD_SERVICE_DEL,
		[HC_OP_BE_ADD] = NFLB_CMD_BACKEND_NEW,
		[HC_OP_BE_SET] = NFLB_CMD_BACKEND_SET,
		[HC_OP_BE_DEL] = NFLB_CMD_BACKEND_DEL,
	};

	return cmd[kind];
}

static void put_op(struct nlmsghdr *nlh, const struct hc_op *op)
{
	if (op->kind < HC_OP_BE_ADD)
		nflb_service_msg(nlh, op_cmd(op->kind), &op->svc);
	else
		nflb_backend_msg(nlh, op_cmd(op->kind), &op->svc, &op->be,
				 false);
}

/* Send PLAN in one batch; log every change and every refusal. */
static int plan_send(struct hc_daemon *d, struct hc_plan *plan)
{
	struct nflb_batch *b;
	struct nlmsghdr *nlh;
	uint32_t failed;
	char what[256];
	size_t i;
	int ret;

	if (!plan->n)
		return 0;
	if (hc_plan_split(plan, NFLB_BACKENDS_PER_MSG) < 0)
		return -1;
	b = nflb_batch_begin(d->nl);
	if (!b)
		return -1;
	for (i = 0; i < plan->n; i++) {
		nlh = nflb_batch_msg(b, op_cmd(plan->ops[i].kind), i);
		if (!nlh) {
			nflb_batch_end(b, &failed);
			return -1;
		}
		put_op(nlh, &plan->ops[i]);
		hc_op_describe(&plan->ops[i], what, sizeof(what));
		hc_log(LOG_INFO, "%s", what);
	}
	ret = nflb_batch_end(b, &failed);
	if (ret < 0) {
		if (failed < plan->n)
			hc_op_describe(&plan->ops[failed], what, sizeof(what));
		else
			snprintf(what, sizeof(what), "a request");
		fail_log("kernel refused %s: %s", what,
			 nflb_nl_error(d->nl)->msg);
	}
	return ret;
}

static bool *verdicts(const struct hc_svc *s)
{
	bool *up = calloc(s->n_backends + 1, sizeof(*up));
	size_t i;

	if (!up)
		return NULL;
	for (i = 0; i < s->n_backends; i++)
		up[i] = s->backends[i].health.up;
	return up;
}

static void log_quorum(struct hc_svc *s, bool ok)
{
	size_t i, up = 0;
	char sorry[NFLB_ADDRSTRLEN];

	if (ok == s->quorum_ok)
		return;
	s->quorum_ok = ok;
	for (i = 0; i < s->n_backends; i++)
		up += s->backends[i].health.up;
	if (!s->conf->has_sorry)
		return;
	nflb_addr_format(s->conf->sorry.family, &s->conf->sorry.addr,
			 NFLB_HAS(&s->conf->sorry, NFLB_BE_A_PORT),
			 s->conf->sorry.port, sorry, sizeof(sorry));
	if (ok)
		hc_log(LOG_NOTICE,
		       "%s: quorum regained (%zu of %zu healthy, quorum %u): sorry backend %s withdrawn",
		       s->conf->name, up, s->n_backends, s->conf->quorum,
		       sorry);
	else
		hc_log(LOG_WARNING,
		       "%s: quorum lost (%zu of %zu healthy, quorum %u): sorry backend %s serves",
		       s->conf->name, up, s->n_backends, s->conf->quorum,
		       sorry);
}

/*
 * Bring the kernel in line with every service we own, and delete the
 * services of GONE (no longer in the file).
 */
static int reconcile_have(struct hc_daemon *d, const struct have_list *have)
{
	struct hc_plan plan = { 0 };
	struct nflb_service want;
	bool *up, ok;
	int ret = -1;
	size_t i;

	for (i = 0; i < have->n_extra; i++)
		if (hc_plan_service(&plan, NULL,
				    have_find(have, &have->extra[i])) < 0)
			goto out;
	for (i = 0; i < d->n_svcs; i++) {
		struct hc_svc *s = &d->svcs[i];

		up = verdicts(s);
		if (!up || hc_want_service(s->conf, up, &want, &ok) < 0) {
			free(up);
			goto out;
		}
		free(up);
		log_quorum(s, ok);
		ret = hc_plan_service(&plan, &want,
				      have_find(have, &s->conf->svc));
		nflb_service_free(&want);
		if (ret < 0)
			goto out;
	}
	ret = plan_send(d, &plan);
	if (ret == 0)
		fail_clear();
out:
	if (ret < 0 && errno == ENOMEM)
		hc_log(LOG_ERR, "out of memory");
	hc_plan_free(&plan);
	return ret;
}

/* The same, from a fresh dump of the kernel's services. */
static int reconcile(struct hc_daemon *d, const struct nflb_service *gone,
		     size_t n_gone)
{
	struct have_list have = { .d = d, .extra = gone, .n_extra = n_gone };
	int ret;

	if (have_dump(d, &have) < 0)
		return -1;
	ret = reconcile_have(d, &have);
	have_free(&have);
	return ret;
}

static int reconcile_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_daemon *d = data;

	reconcile(d, NULL, 0);
	sd_event_source_set_time(src, usec + d->reconcile_usec);
	return sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
}

/* Reconcile now (at the next loop iteration), not a period from now. */
static void reconcile_soon(struct hc_daemon *d)
{
	sd_event_source_set_time(d->reconcile_timer, 0);
	sd_event_source_set_enabled(d->reconcile_timer, SD_EVENT_ONESHOT);
}

/* Checks */

static void backend_name(const struct hc_backend *be, char *buf, size_t len)
{
	const struct nflb_backend *b = &be->conf->be;

	nflb_addr_format(b->family, &b->addr, NFLB_HAS(b, NFLB_BE_A_PORT),
			 b->port, buf, len);
}

static int check_timer_cb(sd_event_source *src, uint64_t usec, void *data);

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
			random_usec(interval / 10);

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
	be->last_at = now_usec(CLOCK_REALTIME);
	backend_name(be, name, sizeof(name));
	hc_log(LOG_DEBUG, "%s: %s %s check: %s (%s, %u ms)",
	       be->svc->conf->name, name, hc_check_type_name(check->type),
	       res->ok ? "ok" : "failed", res->reason, res->duration_ms);
	if (!hc_health_feed(&be->health, res->ok, check->rise, check->fall))
		return;
	be->since = be->last_at;
	if (be->health.up)
		hc_log(LOG_NOTICE, "%s: backend %s up (%s) after %u success%s",
		       be->svc->conf->name, name, res->reason, check->rise,
		       check->rise == 1 ? "" : "es");
	else
		hc_log(LOG_WARNING,
		       "%s: backend %s down (%s) after %u failure%s",
		       be->svc->conf->name, name, res->reason, check->fall,
		       check->fall == 1 ? "" : "s");
	reconcile_soon(be->svc->d);
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

			backend_name(be, name, sizeof(name));
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
	uint64_t now = now_usec(CLOCK_MONOTONIC), first;
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
		be->since = now_usec(CLOCK_REALTIME);
		/* Spread the first runs over one interval. */
		first = now + random_usec(interval);
	}
	return sd_event_add_time(d->ev, &be->timer, CLOCK_MONOTONIC, first,
				 check_slack(be->svc), check_timer_cb, be);
}

static void svcs_free(struct hc_svc *svcs, size_t n)
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

		if (!hc_service_same_key(&o->conf->svc, &sc->svc) ||
		    !hc_check_equal(&o->conf->check, &sc->check))
			continue;
		for (j = 0; j < o->n_backends; j++)
			if (hc_backend_same_key(&o->backends[j].conf->be,
						&bc->be))
				return &o->backends[j];
	}
	return NULL;
}

/*
 * Runtime state for CFG, carrying over the verdicts of backends that keep
 * the same check from OLDS.
 */
static int svcs_build(struct hc_daemon *d, const struct hc_config *cfg,
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

			be->svc = s;
			be->conf = &sc->backends[j];
			if (backend_start(d, be, find_old(olds, n_old, sc,
							   be->conf)) < 0)
				goto fail;
		}
		for (j = 0; j < n_old; j++)
			if (hc_service_same_key(&olds[j].conf->svc, &sc->svc))
				s->quorum_ok = olds[j].quorum_ok;
	}
	*out = svcs;
	return 0;
fail:
	svcs_free(svcs, cfg->n_services);
	return -1;
}

static uint64_t reconcile_period(const struct hc_config *cfg)
{
	uint64_t p = RECONCILE_MAX;
	size_t i;

	for (i = 0; i < cfg->n_services; i++) {
		uint64_t iv = cfg->services[i].check.interval_ms *
			      USEC_PER_MSEC;

		if (iv < p)
			p = iv;
	}
	return p < RECONCILE_MIN ? RECONCILE_MIN : p;
}

/* Reload */

static void reload_err(const char *msg, void *data)
{
	(void)data;
	hc_log(LOG_ERR, "%s", msg);
}

static void reload(struct hc_daemon *d)
{
	struct hc_config cfg = { 0 };
	struct nflb_service *gone;
	struct hc_svc *svcs;
	size_t i, j, n_gone = 0;
	int errors;

	if (d->notify)
		sd_notify(0, "RELOADING=1");
	hc_log(LOG_NOTICE, "reloading %s", d->config_path);
	errors = hc_config_load(d->config_path, &cfg, reload_err, NULL);
	if (errors) {
		hc_log(LOG_ERR,
		       "reload failed (%d error%s): the running configuration stays",
		       errors, errors == 1 ? "" : "s");
		goto out;
	}
	gone = calloc(d->n_svcs + 1, sizeof(*gone));
	if (!gone || svcs_build(d, &cfg, d->svcs, d->n_svcs, &svcs) < 0) {
		free(gone);
		hc_config_free(&cfg);
		hc_log(LOG_ERR, "reload failed: out of memory");
		goto out;
	}
	for (i = 0; i < d->n_svcs; i++) {
		for (j = 0; j < cfg.n_services; j++)
			if (hc_service_same_key(&d->svcs[i].conf->svc,
						&cfg.services[j].svc))
				break;
		if (j == cfg.n_services) {
			gone[n_gone] = d->svcs[i].conf->svc;
			gone[n_gone].backends = NULL;
			gone[n_gone++].n_backends = 0;
		}
	}
	svcs_free(d->svcs, d->n_svcs);
	hc_config_free(&d->cfg);
	d->cfg = cfg;
	d->svcs = svcs;
	d->n_svcs = cfg.n_services;
	d->reconcile_usec = reconcile_period(&d->cfg);
	reconcile(d, gone, n_gone);
	free(gone);
	hc_log(LOG_NOTICE, "reloaded: %zu service%s", d->n_svcs,
	       d->n_svcs == 1 ? "" : "s");
out:
	if (d->notify)
		sd_notify(0, "READY=1");
}

static int signal_cb(sd_event_source *src, const struct signalfd_siginfo *si,
		     void *data)
{
	struct hc_daemon *d = data;

	(void)src;
	if (si->ssi_signo == SIGHUP) {
		reload(d);
		return 0;
	}
	hc_log(LOG_NOTICE, "%s: exiting", strsignal(si->ssi_signo));
	return sd_event_exit(d->ev, 0);
}

/*
 * A daemon started over services that already exist (a restart, a crash,
 * an upgrade) takes the verdicts the kernel holds rather than the checks'
 * initial state: restarting lbhealthd must not take healthy backends out
 * for rise x interval.  Up in the kernel (at a non-zero weight, for
 * on-failure drain) is up, down is down; a drained backend (an operator's,
 * or quorum's) starts from the initial state.
 */
static void adopt_kernel_state(struct hc_daemon *d,
			       const struct have_list *have)
{
	const struct nflb_service *k;
	const struct nflb_backend *kb;
	size_t i, j, l;

	for (i = 0; i < d->n_svcs; i++) {
		struct hc_svc *s = &d->svcs[i];

		k = have_find(have, &s->conf->svc);
		for (j = 0; k && j < s->n_backends; j++) {
			struct hc_backend *be = &s->backends[j];

			for (l = 0; l < k->n_backends; l++) {
				kb = &k->backends[l];
				if (!hc_backend_same_key(kb, &be->conf->be))
					continue;
				if (kb->state == NFLB_BACKEND_DOWN)
					be->health.up = false;
				else if (kb->state == NFLB_BACKEND_UP)
					be->health.up =
						s->conf->on_failure != HC_FAIL_DRAIN ||
						kb->weight > 0;
				break;
			}
		}
	}
}

static void withdraw(struct hc_daemon *d)
{
	struct hc_plan plan = { 0 };
	struct have_list have = { .d = d };
	size_t i;

	if (have_dump(d, &have) < 0)
		return;
	for (i = 0; i < d->n_svcs; i++)
		hc_plan_service(&plan, NULL, have_find(&have, &d->svcs[i].conf->svc));
	plan_send(d, &plan);
	hc_plan_free(&plan);
	have_free(&have);
}

int hc_daemon_run(struct hc_daemon *d)
{
	struct have_list first = { .d = d };
	sd_event_source *sig[3] = { 0 };
	static const int signals[] = { SIGHUP, SIGTERM, SIGINT };
	const char *sock;
	sigset_t mask;
	int ret = -1;
	size_t i;

	struct rlimit rl;

	srandom(now_usec(CLOCK_MONOTONIC) ^ getpid());
	/* A probe in flight holds a descriptor: a thousand backends need more. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigemptyset(&mask);
	for (i = 0; i < 3; i++)
		sigaddset(&mask, signals[i]);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (sd_event_default(&d->ev) < 0)
		goto out;
	for (i = 0; i < 3; i++)
		if (sd_event_add_signal(d->ev, &sig[i], signals[i], signal_cb,
					d) < 0)
			goto out;
	d->prober = hc_prober_new(d->ev);
	if (!d->prober)
		goto out;
	sock = d->socket_opt ? d->socket_opt : d->cfg.socket_path;
	if (hc_status_listen(d, sock) < 0)
		goto out;
	nl_reopen(d);
	if (svcs_build(d, &d->cfg, NULL, 0, &d->svcs) < 0)
		goto out;
	d->n_svcs = d->cfg.n_services;
	d->reconcile_usec = reconcile_period(&d->cfg);
	if (sd_event_add_time(d->ev, &d->reconcile_timer, CLOCK_MONOTONIC,
			      now_usec(CLOCK_MONOTONIC) + d->reconcile_usec,
			      USEC_PER_MSEC, reconcile_cb, d) < 0)
		goto out;
	/* One dump: the verdicts to adopt, then what to change. */
	if (have_dump(d, &first) == 0) {
		adopt_kernel_state(d, &first);
		reconcile_have(d, &first);
		have_free(&first);
	}
	hc_log(LOG_NOTICE, "running: %zu service%s from %s, status on %s",
	       d->n_svcs, d->n_svcs == 1 ? "" : "s", d->config_path, sock);
	if (d->notify)
		sd_notify(0, "READY=1");
	ret = sd_event_loop(d->ev);
	if (d->notify)
		sd_notify(0, "STOPPING=1");
	if (d->withdraw || d->cfg.withdraw_on_exit) {
		hc_log(LOG_NOTICE, "withdrawing %zu service%s", d->n_svcs,
		       d->n_svcs == 1 ? "" : "s");
		withdraw(d);
	}
out:
	if (ret < 0 && !d->ev)
		hc_log(LOG_ERR, "cannot set up the event loop");
	svcs_free(d->svcs, d->n_svcs);
	d->svcs = NULL;
	d->n_svcs = 0;
	hc_status_close(d);
	if (d->prober)
		hc_prober_free(d->prober);
	sd_event_source_disable_unref(d->reconcile_timer);
	for (i = 0; i < 3; i++)
		sd_event_source_disable_unref(sig[i]);
	sd_event_unref(d->ev);
	if (d->nl)
		nflb_nl_close(d->nl);
	return ret < 0 ? -1 : 0;
}
