// SPDX-License-Identifier: GPL-2.0
/*
 * Notify hooks: a service's notify-up/notify-down command when one of its
 * backends' verdict changes, notify-quorum-up/notify-quorum-down when it
 * regains or loses its quorum (keepalived's notify_up, notify_down,
 * quorum_up, quorum_down).  A hook is an exec run of the prober: a child
 * process watched by the event loop, killed (with its process group) after
 * HC_HOOK_TIMEOUT_MS, never waited for.  It owns copies of what it needs,
 * so that a reload while it runs frees nothing it uses.  At most
 * HC_HOOKS_MAX run at once; an event beyond that is logged, not run.
 *
 * Environment: NFLB_EVENT (up, down, quorum-up, quorum-down),
 * NFLB_SERVICE_NAME, NFLB_SERVICE_PROTO/ADDR/PORT, NFLB_BACKEND_ADDR/PORT
 * (the backend; for quorum events the service's address and port),
 * NFLB_REASON (the check's reason; quorum events: "N of M healthy,
 * quorum Q"), NFLB_HEALTHY and NFLB_QUORUM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

#define HC_HOOKS_MAX		32
#define HC_HOOK_TIMEOUT_MS	10000
#define HC_HOOK_ENV		7

struct hc_hook {
	struct hc_daemon *d;
	struct hc_hook *next;
	struct hc_check check;		/* exec: command, timeout, user */
	struct hc_target t;
	struct nflb_service svc;	/* key, for the environment */
	char *env[HC_HOOK_ENV + 1];
	char *what;			/* "web: notify-down 10.0.1.1:80" */
	struct hc_probe *probe;
};

static void hook_free(struct hc_hook *h)
{
	struct hc_hook **pp;
	size_t i;

	for (pp = &h->d->hooks; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			h->d->n_hooks--;
			break;
		}
	if (h->probe)
		hc_probe_cancel(h->probe);
	for (i = 0; i < HC_HOOK_ENV; i++)
		free(h->env[i]);
	free(h->check.command);
	free(h->check.user.name);
	free(h->check.user.groups);
	free(h->check.user.home);
	free(h->what);
	free(h);
}

static void hook_done(const struct hc_result *res, void *data)
{
	struct hc_hook *h = data;

	h->probe = NULL;
	if (res->ok)
		hc_log(LOG_INFO, "%s: %s", h->what, res->reason);
	else
		hc_log(LOG_WARNING, "%s: failed: %s", h->what, res->reason);
	hook_free(h);
}

static int user_copy(struct hc_user *dst, const struct hc_user *src)
{
	*dst = *src;
	dst->name = NULL;
	dst->groups = NULL;
	dst->home = NULL;
	if (!src->name)
		return 0;
	dst->name = strdup(src->name);
	dst->home = strdup(src->home ? src->home : "/");
	dst->groups = malloc((src->n_groups + 1) * sizeof(gid_t));
	if (!dst->name || !dst->home || !dst->groups)
		return -1;
	memcpy(dst->groups, src->groups, src->n_groups * sizeof(gid_t));
	return 0;
}

/* Run CMD of S's for EVENT on the backend B (NULL: the service). */
static void hook_run(struct hc_svc *s, const char *cmd, const char *event,
		     const struct nflb_backend *b, const char *reason)
{
	const struct hc_service_conf *sc = s->conf;
	struct hc_daemon *d = s->d;
	char name[NFLB_ADDRSTRLEN];
	struct hc_hook *h;
	int n = 0;

	if (!cmd)
		return;
	if (b)
		nflb_addr_format(b->family, &b->addr, sc->svc.port != 0,
				 b->port, name, sizeof(name));
	if (d->n_hooks >= HC_HOOKS_MAX) {
		hc_log(LOG_WARNING,
		       "%s: notify-%s%s%s: %d hooks running: not run",
		       sc->name, event, b ? " " : "", b ? name : "",
		       HC_HOOKS_MAX);
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		goto oom;
	h->d = d;
	h->next = d->hooks;
	d->hooks = h;
	d->n_hooks++;
	h->check.type = HC_CHECK_EXEC;
	h->check.timeout_ms = HC_HOOK_TIMEOUT_MS;
	h->check.interval_ms = HC_HOOK_TIMEOUT_MS + 1;
	h->check.command = strdup(cmd);
	h->svc = sc->svc;
	h->svc.backends = NULL;
	h->svc.n_backends = 0;
	h->t.svc = &h->svc;
	h->t.family = b ? b->family : sc->svc.family;
	h->t.addr = b ? b->addr : sc->svc.addr;
	h->t.port = b ? b->port : sc->svc.port;
	h->t.env = h->env;
	if (!h->check.command || user_copy(&h->check.user, &sc->notify.user) ||
	    asprintf(&h->what, "%s: notify-%s%s%s", sc->name, event,
		     b ? " " : "", b ? name : "") < 0)
		goto oom_free;
	n += asprintf(&h->env[0], "NFLB_EVENT=%s", event) < 0;
	n += asprintf(&h->env[1], "NFLB_SERVICE_NAME=%s", sc->name) < 0;
	n += asprintf(&h->env[2], "NFLB_REASON=%s", reason) < 0;
	n += asprintf(&h->env[3], "NFLB_HEALTHY=%zu", hc_svc_counted(s)) < 0;
	n += asprintf(&h->env[4], "NFLB_QUORUM=%u", sc->quorum) < 0;
	if (n)
		goto oom_free;
	h->probe = hc_probe_start(d->prober, &h->check, &h->t, hook_done, h);
	if (!h->probe) {
		hc_log(LOG_WARNING, "%s: cannot start: %s", h->what,
		       strerror(errno));
		hook_free(h);
		return;
	}
	hc_log(LOG_INFO, "%s: started", h->what);
	return;
oom_free:
	hook_free(h);
oom:
	hc_log(LOG_ERR, "%s: notify-%s: out of memory", sc->name, event);
}

void hc_hook_backend(struct hc_backend *be, const char *reason)
{
	const struct hc_notify_conf *n = &be->svc->conf->notify;
	bool up = be->health.up;

	hook_run(be->svc, up ? n->up : n->down, up ? "up" : "down",
		 &be->conf->be, reason);
}

void hc_hook_quorum(struct hc_svc *s)
{
	const struct hc_notify_conf *n = &s->conf->notify;
	char reason[64];

	snprintf(reason, sizeof(reason), "%zu of %zu healthy, quorum %u",
		 hc_svc_counted(s), s->n_backends, s->conf->quorum);
	hook_run(s, s->quorum_ok ? n->quorum_up : n->quorum_down,
		 s->quorum_ok ? "quorum-up" : "quorum-down", NULL, reason);
}

void hc_hooks_stop(struct hc_daemon *d)
{
	while (d->hooks)
		hook_free(d->hooks);
}
