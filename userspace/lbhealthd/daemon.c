// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's loop.
 *
 * Every backend has a one-shot timer that starts a probe; the probe's
 * result feeds the backend's rise/fall machine; a changed verdict
 * schedules a reconcile (checks.c).  A reconcile dumps the kernel's
 * services, computes for each service we own what it should be
 * (configuration + verdicts, want.c) and sends the difference (plan.c) in
 * one batch.  It also runs on a timer, so that a module reload or someone
 * else's change to a service we own is undone within one period
 * (reconcile.c).
 *
 * This file: setting up the loop and running it, signals, reload.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"

uint64_t hc_now_usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

uint64_t hc_random_usec(uint64_t max)
{
	return max ? ((uint64_t)random() << 16 ^ (uint64_t)random()) % max : 0;
}

static void reload_err(const char *msg, void *data)
{
	(void)data;
	hc_log(LOG_ERR, "%s", msg);
}

static void reload(struct hc_daemon *d)
{
	struct hc_config cfg = { 0 };
	struct nflb_service *gone;
	struct hc_dns *dns;
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
		goto failed;
	}
	dns = hc_dns_prepare(d, &cfg);
	if (!dns) {
		hc_config_free(&cfg);
		hc_log(LOG_ERR,
		       "reload failed: the running configuration stays");
		goto failed;
	}
	gone = calloc(d->n_svcs + 1, sizeof(*gone));
	if (!gone || hc_svcs_build(d, &cfg, d->svcs, d->n_svcs, &svcs) < 0) {
		free(gone);
		hc_dns_discard(dns);
		hc_config_free(&cfg);
		hc_log(LOG_ERR, "reload failed: out of memory");
		goto failed;
	}
	/*
	 * A new metrics address last of what can fail: if it cannot be had,
	 * nothing has changed yet.
	 */
	if (hc_metrics_start(d, &cfg.metrics) < 0) {
		hc_svcs_free(svcs, cfg.n_services);
		free(gone);
		hc_dns_discard(dns);
		hc_config_free(&cfg);
		hc_log(LOG_ERR,
		       "reload failed: the running configuration stays");
		goto failed;
	}
	for (i = 0; i < d->n_svcs; i++) {
		for (j = 0; j < cfg.n_services; j++)
			if (nflb_service_same_key(&d->svcs[i].conf->svc,
						  &cfg.services[j].svc))
				break;
		if (j == cfg.n_services) {
			gone[n_gone] = d->svcs[i].conf->svc;
			gone[n_gone].backends = NULL;
			gone[n_gone++].n_backends = 0;
		}
	}
	hc_svcs_free(d->svcs, d->n_svcs);
	hc_config_free(&d->cfg);
	d->cfg = cfg;
	/* Its entries point into CFG's services: where they now are. */
	hc_dns_commit(d, dns);
	d->svcs = svcs;
	d->n_svcs = cfg.n_services;
	d->reconcile_usec = hc_reconcile_period(&d->cfg);
	hc_reconcile(d, gone, n_gone);
	free(gone);
	hc_log(LOG_NOTICE, "reloaded: %zu service%s", d->n_svcs,
	       d->n_svcs == 1 ? "" : "s");
	d->ctr.reloads_ok++;
	d->ctr.last_reload_ok = true;
	d->ctr.last_reload_usec = hc_now_usec(CLOCK_REALTIME);
	goto out;
failed:
	d->ctr.reloads_failed++;
	d->ctr.last_reload_ok = false;
out:
	hc_notify_ready(d);
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
	if (d->ann.grace) {
		hc_log(LOG_NOTICE, "%s again: exiting now",
		       strsignal(si->ssi_signo));
		return sd_event_exit(d->ev, 0);
	}
	/* Routers stop sending first; the grace lets them (announce.c). */
	if (hc_announce_stop_begin(d, strsignal(si->ssi_signo)))
		return 0;
	hc_log(LOG_NOTICE, "%s: exiting", strsignal(si->ssi_signo));
	return sd_event_exit(d->ev, 0);
}

int hc_daemon_run(struct hc_daemon *d)
{
	sd_event_source *sig[3] = { 0 };
	static const int signals[] = { SIGHUP, SIGTERM, SIGINT };
	const char *sock;
	struct hc_dns *dns;
	sigset_t mask;
	int ret = -1;
	size_t i;

	struct rlimit rl;

	srandom(hc_now_usec(CLOCK_MONOTONIC) ^ getpid());
	d->ctr.start_usec = hc_now_usec(CLOCK_REALTIME);
	d->ctr.last_reload_usec = d->ctr.start_usec;
	d->ctr.last_reload_ok = true;
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
	if (hc_metrics_start(d, &d->cfg.metrics) < 0)
		goto out;
	hc_nl_reopen(d);
	dns = hc_dns_prepare(d, &d->cfg);
	if (!dns)
		goto out;
	hc_dns_commit(d, dns);
	if (hc_svcs_build(d, &d->cfg, NULL, 0, &d->svcs) < 0)
		goto out;
	d->n_svcs = d->cfg.n_services;
	if (hc_reconcile_start(d) < 0)
		goto out;
	hc_log(LOG_NOTICE, "running: %zu service%s from %s, status on %s",
	       d->n_svcs, d->n_svcs == 1 ? "" : "s", d->config_path, sock);
	if (hc_notify_start(d) < 0)
		goto out;
	hc_notify_ready(d);
	if (d->on_ready)
		d->on_ready();
	ret = sd_event_loop(d->ev);
	if (d->notify)
		sd_notify(0, "STOPPING=1");
	hc_announce_close(d);
	if (d->withdraw || d->cfg.withdraw_on_exit) {
		hc_log(LOG_NOTICE, "withdrawing %zu service%s", d->n_svcs,
		       d->n_svcs == 1 ? "" : "s");
		hc_withdraw(d);
	}
out:
	if (ret < 0 && !d->ev)
		hc_log(LOG_ERR, "cannot set up the event loop");
	hc_announce_close(d);
	hc_svcs_free(d->svcs, d->n_svcs);
	d->svcs = NULL;
	d->n_svcs = 0;
	hc_hooks_stop(d);
	hc_status_close(d);
	hc_metrics_stop(d);
	hc_dns_stop(d);
	hc_notify_stop(d);
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
