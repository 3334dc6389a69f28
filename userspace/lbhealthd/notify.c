// SPDX-License-Identifier: GPL-2.0
/*
 * systemd's side of the daemon beyond READY/RELOADING/STOPPING: the
 * watchdog (WatchdogSec= in the unit: WATCHDOG=1 every half period, from
 * a timer of the event loop, so that a loop that stalls stops the pings
 * and systemd restarts the daemon) and STATUS= (what `systemctl status`
 * shows: services, healthy backends, whether the kernel is in line, the
 * services below quorum), sent when it changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"

static int watchdog_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_daemon *d = data;

	sd_notify(0, "WATCHDOG=1");
	sd_event_source_set_time(src, usec + d->watchdog_usec / 2);
	return sd_event_source_set_enabled(src, SD_EVENT_ON);
}

int hc_notify_start(struct hc_daemon *d)
{
	uint64_t usec;

	if (!d->notify || sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	d->watchdog_usec = usec;
	if (sd_event_add_time(d->ev, &d->watchdog, CLOCK_MONOTONIC,
			      hc_now_usec(CLOCK_MONOTONIC) + usec / 2,
			      usec / 20, watchdog_cb, d) < 0) {
		hc_log(LOG_ERR, "cannot set up the watchdog");
		return -1;
	}
	hc_log(LOG_INFO, "watchdog: WATCHDOG=1 every %.1f s", usec / 2e6);
	return 0;
}

void hc_notify_stop(struct hc_daemon *d)
{
	d->watchdog = sd_event_source_disable_unref(d->watchdog);
	free(d->status_line);
	d->status_line = NULL;
}

/*
 * "2 services, 5/6 backends healthy, kernel in sync; below quorum: web;
 * 1 VIP announced"
 */
static char *status_line(const struct hc_daemon *d)
{
	size_t i, up = 0, n = 0, len = 0;
	char *s = NULL;
	bool below = false;
	FILE *f;

	f = open_memstream(&s, &len);
	if (!f)
		return NULL;
	for (i = 0; i < d->n_svcs; i++) {
		up += hc_svc_counted(&d->svcs[i]);
		n += d->svcs[i].n_backends;
	}
	fprintf(f, "%zu service%s, %zu/%zu backends healthy, kernel %s",
		d->n_svcs, d->n_svcs == 1 ? "" : "s", up, n,
		d->ctr.kernel_ok ? "in sync" : "not in sync");
	for (i = 0; i < d->n_svcs; i++) {
		if (d->svcs[i].quorum_ok)
			continue;
		fprintf(f, "%s%s", below ? ", " : "; below quorum: ",
			d->svcs[i].conf->name);
		below = true;
	}
	if (d->ann.stopping)
		fprintf(f, "; stopping: VIPs withdrawn");
	else if (d->ann.drained)
		fprintf(f, "; node drained: VIPs withdrawn");
	else if (d->cfg.n_announced)
		fprintf(f, "; %zu VIP%s announced", d->ann.n_vips,
			d->ann.n_vips == 1 ? "" : "s");
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

void hc_notify_ready(struct hc_daemon *d)
{
	char *s;

	if (!d->notify)
		return;
	s = status_line(d);
	sd_notifyf(0, "READY=1\nSTATUS=%s", s ? s : "");
	free(d->status_line);
	d->status_line = s;
	d->ready = true;
}

void hc_notify_status(struct hc_daemon *d)
{
	char *s;

	if (!d->notify || !d->ready)
		return;
	s = status_line(d);
	if (!s || (d->status_line && !strcmp(s, d->status_line))) {
		free(s);
		return;
	}
	sd_notifyf(0, "STATUS=%s", s);
	free(d->status_line);
	d->status_line = s;
}
