// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's reconcile: the kernel's services we own (a dump) made what
 * the configuration and the verdicts want (want.c), by the difference
 * (plan.c) sent in one batch.  At start, after a changed verdict, after a
 * reload, and every period.  Also: the verdicts adopted from the kernel at
 * start, and withdrawing our services at exit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "plan.h"
#include "want.h"

#define RECONCILE_MAX	USEC_PER_SEC
#define RECONCILE_MIN	(100 * USEC_PER_MSEC)

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

int hc_nl_reopen(struct hc_daemon *d)
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
	size_t n, cap;
	struct nflb_service *svcs;
};

static bool key_wanted(const struct have_list *h,
		       const struct nflb_service *svc)
{
	size_t i;

	for (i = 0; i < h->d->n_svcs; i++)
		if (nflb_service_same_key(&h->d->svcs[i].conf->svc, svc))
			return true;
	for (i = 0; i < h->n_extra; i++)
		if (nflb_service_same_key(&h->extra[i], svc))
			return true;
	return false;
}

static int have_cb(const struct nflb_service *svc, void *data)
{
	struct have_list *h = data;
	struct nflb_service *copy;

	if (!key_wanted(h, svc))
		return 0;
	copy = NFLB_ARRAY_PUSH(h->svcs, h->n, h->cap);
	if (!copy)
		return -1;
	if (nflb_service_copy(copy, svc) < 0) {
		h->n--;
		return -1;
	}
	return 0;
}

static void have_free(struct have_list *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		nflb_service_free(&h->svcs[i]);
	free(h->svcs);
	h->svcs = NULL;
	h->n = h->cap = 0;
}

static const struct nflb_service *have_find(const struct have_list *h,
					    const struct nflb_service *key)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (nflb_service_same_key(&h->svcs[i], key))
			return &h->svcs[i];
	return NULL;
}

static int have_dump(struct hc_daemon *d, struct have_list *h)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (!d->nl && hc_nl_reopen(d) < 0)
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
				 op->flush);
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

/* S's verdicts (UP[i]) and maintenance (UP[n + i]), or NULL. */
static bool *verdicts(const struct hc_svc *s)
{
	bool *up = calloc(2 * s->n_backends + 1, sizeof(*up));
	size_t i;

	if (!up)
		return NULL;
	for (i = 0; i < s->n_backends; i++) {
		up[i] = s->backends[i].health.up;
		up[s->n_backends + i] = hc_backend_maint(&s->backends[i]);
	}
	return up;
}

size_t hc_svc_counted(const struct hc_svc *s)
{
	size_t i, up = 0;

	for (i = 0; i < s->n_backends; i++)
		up += s->backends[i].health.up &&
		      !hc_backend_maint(&s->backends[i]);
	return up;
}

void hc_quorum_update(struct hc_svc *s)
{
	size_t up = hc_svc_counted(s);
	char sorry[NFLB_ADDRSTRLEN];
	bool ok;

	ok = up >= s->conf->quorum;
	if (ok == s->quorum_ok)
		return;
	s->quorum_ok = ok;
	hc_hook_quorum(s);
	if (!s->conf->has_sorry) {
		hc_log(ok ? LOG_NOTICE : LOG_WARNING,
		       "%s: quorum %s (%zu of %zu healthy, quorum %u)",
		       s->conf->name, ok ? "regained" : "lost", up,
		       s->n_backends, s->conf->quorum);
		return;
	}
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
 * The digest of S's table, read after a change was sent for it (or the
 * first time), logged when it differs from the last one: what operators
 * compare between the nodes of a cluster (`lbadm service table ...
 * digest` prints the same).
 */
static void digest_update(struct hc_daemon *d, struct hc_svc *s)
{
	struct nflb_table t;
	uint64_t digest;

	if (s->has_digest && !s->digest_stale)
		return;
	if (nflb_table_get(d->nl, &s->conf->svc, &t) < 0) {
		hc_log(LOG_DEBUG, "%s: cannot read its table: %s",
		       s->conf->name, nflb_nl_error(d->nl)->msg);
		return;
	}
	if (nflb_table_digest(&t, &digest) == 0) {
		if (!s->has_digest || s->digest != digest ||
		    s->table_size != t.size)
			hc_log(LOG_INFO, "%s: table-size %u digest %016llx",
			       s->conf->name, t.size,
			       (unsigned long long)digest);
		s->digest = digest;
		s->table_size = t.size;
		s->has_digest = true;
		s->digest_stale = false;
	}
	nflb_table_free(&t);
}

/*
 * Bring the kernel in line with every service we own, and delete the
 * services of GONE (no longer in the file).  The VIPs' routes follow:
 * those no longer wanted are withdrawn before the requests go out (a
 * service removed from the file stops receiving flows before it is
 * deleted), those newly wanted announced once the kernel has taken them.
 */
static int reconcile_have(struct hc_daemon *d, const struct have_list *have)
{
	struct hc_plan plan = { 0 };
	struct nflb_service want;
	bool *up, ok;
	int ret = -1;
	size_t i, n;

	for (i = 0; i < have->n_extra; i++)
		if (hc_plan_service(&plan, NULL,
				    have_find(have, &have->extra[i]), 0) < 0)
			goto out;
	for (i = 0; i < d->n_svcs; i++) {
		struct hc_svc *s = &d->svcs[i];

		up = verdicts(s);
		if (!up || hc_want_service(s->conf, up, up + s->n_backends,
					   &want, &ok) < 0) {
			free(up);
			goto out;
		}
		free(up);
		hc_quorum_update(s);
		if (s->conf->announce)
			hc_svc_ready(s);
		n = plan.n;
		ret = hc_plan_service(&plan, &want,
				      have_find(have, &s->conf->svc),
				      hc_plan_flags(s->conf));
		nflb_service_free(&want);
		if (ret < 0)
			goto out;
		if (plan.n != n)
			s->digest_stale = true;
	}
	d->ann.kernel_gone = false;
	hc_announce_sync(d, false);
	ret = plan_send(d, &plan);
	if (ret == 0) {
		fail_clear();
		for (i = 0; i < d->n_svcs; i++)
			digest_update(d, &d->svcs[i]);
	}
	d->ctr.kernel_ok = ret == 0;
	hc_announce_sync(d, ret == 0);
out:
	if (ret == 0)
		d->ctr.reconciles_ok++;
	else
		d->ctr.reconciles_failed++;
	d->ctr.kernel_ok = ret == 0;
	hc_notify_status(d);
	if (ret < 0 && errno == ENOMEM)
		hc_log(LOG_ERR, "out of memory");
	hc_plan_free(&plan);
	return ret;
}

/* The same, from a fresh dump of the kernel's services. */
int hc_reconcile(struct hc_daemon *d, const struct nflb_service *gone,
		 size_t n_gone)
{
	struct have_list have = { .d = d, .extra = gone, .n_extra = n_gone };
	int ret;

	if (have_dump(d, &have) < 0) {
		d->ctr.reconciles_failed++;
		d->ctr.kernel_ok = false;
		/* No services to send flows to: no VIP. */
		d->ann.kernel_gone = true;
		hc_announce_sync(d, false);
		hc_notify_status(d);
		return -1;
	}
	ret = reconcile_have(d, &have);
	have_free(&have);
	return ret;
}

static int reconcile_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_daemon *d = data;

	hc_reconcile(d, NULL, 0);
	sd_event_source_set_time(src, usec + d->reconcile_usec);
	return sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
}

/* Reconcile now (at the next loop iteration), not a period from now. */
void hc_reconcile_soon(struct hc_daemon *d)
{
	sd_event_source_set_time(d->reconcile_timer, 0);
	sd_event_source_set_enabled(d->reconcile_timer, SD_EVENT_ONESHOT);
}

uint64_t hc_reconcile_period(const struct hc_config *cfg)
{
	const struct hc_service_conf *sc;
	uint64_t p = RECONCILE_MAX, iv;
	size_t i, j;

	for (i = 0; i < cfg->n_services; i++) {
		sc = &cfg->services[i];
		iv = sc->check.interval_ms * USEC_PER_MSEC;
		if (iv < p)
			p = iv;
		/* Backends with checks of their own, shorter maybe. */
		for (j = 0; j < sc->n_backends; j++) {
			iv = hc_backend_check(sc, &sc->backends[j])->interval_ms *
			     USEC_PER_MSEC;
			if (iv < p)
				p = iv;
		}
	}
	return p < RECONCILE_MIN ? RECONCILE_MIN : p;
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
				if (!nflb_backend_same_key(kb,
							   &be->conf->be))
					continue;
				if (kb->state == NFLB_BACKEND_DOWN)
					hc_backend_adopt(be, false);
				else if (kb->state == NFLB_BACKEND_UP)
					hc_backend_adopt(be,
						s->conf->on_failure != HC_FAIL_DRAIN ||
						kb->weight > 0);
				break;
			}
		}
	}
}

void hc_withdraw(struct hc_daemon *d)
{
	struct hc_plan plan = { 0 };
	struct have_list have = { .d = d };
	size_t i;

	if (have_dump(d, &have) < 0)
		return;
	for (i = 0; i < d->n_svcs; i++)
		hc_plan_service(&plan, NULL,
				have_find(&have, &d->svcs[i].conf->svc), 0);
	plan_send(d, &plan);
	hc_plan_free(&plan);
	have_free(&have);
}

int hc_reconcile_start(struct hc_daemon *d)
{
	struct have_list first = { .d = d };

	d->reconcile_usec = hc_reconcile_period(&d->cfg);
	if (sd_event_add_time(d->ev, &d->reconcile_timer, CLOCK_MONOTONIC,
			      hc_now_usec(CLOCK_MONOTONIC) + d->reconcile_usec,
			      USEC_PER_MSEC, reconcile_cb, d) < 0)
		return -1;
	/* One dump: the verdicts to adopt, then what to change. */
	if (have_dump(d, &first) == 0) {
		adopt_kernel_state(d, &first);
		reconcile_have(d, &first);
		have_free(&first);
	}
	return 0;
}
