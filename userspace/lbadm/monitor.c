// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm monitor: one line per change event, written as the lbadm command
 * that would make the change:
 *
 *   service add tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 timeout-tcp 600
 *   backend set tcp 192.0.2.10:80 10.0.0.1:80 weight 3 state up
 *   backend del tcp 192.0.2.10:80 10.0.0.1:80
 *   flush
 *
 * With -j, one JSON object per line: "event" ("service-add", ...) and the
 * fields of `service show -j`.  With -t (ip monitor's -ts), each line
 * starts with the time the event was read, in brackets, and each JSON
 * object has it as "time".
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lbadm.h"
#include "monitor.h"
#include "print.h"
#include "util.h"

/* Text words and JSON "event" value of an event's command. */
static const struct {
	const char *group, *op, *event;
} event_names[] = {
	[NFLB_CMD_SERVICE_NEW] = { "service", "add", "service-add" },
	[NFLB_CMD_SERVICE_SET] = { "service", "set", "service-set" },
	[NFLB_CMD_SERVICE_DEL] = { "service", "del", "service-del" },
	[NFLB_CMD_BACKEND_NEW] = { "backend", "add", "backend-add" },
	[NFLB_CMD_BACKEND_SET] = { "backend", "set", "backend-set" },
	[NFLB_CMD_BACKEND_DEL] = { "backend", "del", "backend-del" },
	[NFLB_CMD_FLUSH] = { "flush", NULL, "flush" },
};

static void print_service_opts(uint8_t cmd, const struct nflb_service *svc)
{
	pr_service_table(svc);
	if (NFLB_HAS(svc, NFLB_SVC_A_SNAT)) {
		pr_flag("snat", svc->snat);
		pr_service_snat_addr(svc);
		/* A set that turns snat off says so, as the command would. */
		if (!svc->snat && cmd == NFLB_CMD_SERVICE_SET)
			pr_label("no-snat");
	}
	/*
	 * forward as show prints it; a set's event also says "forward nat":
	 * it may be the change (a DSR service back to NAT).
	 */
	if (NFLB_HAS(svc, NFLB_SVC_A_FORWARD) &&
	    (svc->forward != NFLB_FORWARD_NAT ||
	     cmd == NFLB_CMD_SERVICE_SET)) {
		char num[16];

		pr_str("forward", nflb_enum_name_or_num(nflb_forward_names,
							svc->forward, num,
							sizeof(num)));
	}
	if (NFLB_HAS(svc, NFLB_SVC_A_SYNPROXY)) {
		pr_flag("synproxy", svc->synproxy);
		if (!svc->synproxy && cmd == NFLB_CMD_SERVICE_SET)
			pr_label("no-synproxy");
	}
	/*
	 * The kernel sends the timeouts that are not 0.  A set's event holds
	 * the service's whole state, so an absent timeout of its protocol is
	 * one back to conntrack's default: printed as 0, as the command
	 * that made the change would say it.
	 */
	pr_service_timeouts(svc, cmd == NFLB_CMD_SERVICE_SET);
	pr_service_rate(svc, cmd == NFLB_CMD_SERVICE_SET);
}

static void print_backend(uint8_t cmd, const struct nflb_service *svc,
			  const struct nflb_backend *be)
{
	pr_nest_begin("backend");
	/* Backends of an all-ports service have no port of their own. */
	pr_endpoint("addr", "port", be->family, &be->addr,
		    NFLB_HAS(be, NFLB_BE_A_PORT) && svc->port, be->port);
	if (cmd != NFLB_CMD_BACKEND_DEL)
		pr_backend_opts(be);
	pr_nest_end();
}

char *lbadm_format_time(const struct timespec *ts, char *buf, size_t len)
{
	char date[32], zone[8];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	/* strftime's %z is +hhmm; RFC 3339 wants +hh:mm. */
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%06ld%.3s:%.2s", date, ts->tv_nsec / 1000,
		 zone, zone + 3);
	return buf;
}

/* One event: one line of text, or one JSON object. */
void lbadm_print_event(uint8_t cmd, const struct nflb_service *svc,
		       const struct nflb_backend *be)
{
	lbadm_print_event_at(cmd, svc, be, NULL);
}

void lbadm_print_event_at(uint8_t cmd, const struct nflb_service *svc,
			  const struct nflb_backend *be,
			  const struct timespec *ts)
{
	char num[16], when[48], stamp[52];

	if (cmd >= sizeof(event_names) / sizeof(event_names[0]) ||
	    !event_names[cmd].event)
		return;
	pr_begin(0);
	if (ts) {
		lbadm_format_time(ts, when, sizeof(when));
		if (lbadm_json) {
			pr_str("time", when);
		} else {
			snprintf(stamp, sizeof(stamp), "[%s]", when);
			pr_label(stamp);
		}
	}
	if (lbadm_json) {
		pr_str("event", event_names[cmd].event);
	} else {
		pr_label(event_names[cmd].group);
		if (event_names[cmd].op)
			pr_label(event_names[cmd].op);
	}
	if (svc) {
		pr_value("proto", nflb_enum_name_or_num(nflb_proto_names,
							svc->proto, num,
							sizeof(num)));
		pr_endpoint("vip", "port", svc->family, &svc->addr, true,
			    svc->port);
		if (cmd == NFLB_CMD_SERVICE_NEW || cmd == NFLB_CMD_SERVICE_SET)
			print_service_opts(cmd, svc);
		if (be)
			print_backend(cmd, svc, be);
	}
	pr_end();
}

static int print_event(uint8_t cmd, const struct nflb_service *svc,
		       const struct nflb_backend *be, void *data)
{
	const bool *stamp = data;
	struct timespec ts;

	if (*stamp) {
		clock_gettime(CLOCK_REALTIME, &ts);
		lbadm_print_event_at(cmd, svc, be, &ts);
	} else {
		lbadm_print_event(cmd, svc, be);
	}
	/* Nobody reads any more (a closed pipe): stop. */
	return ferror(stdout) ? 1 : 0;
}

int cmd_monitor(int argc, char **argv)
{
	bool stamp = false;
	struct nflb_nl *nl;
	int ret, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 ||
		    strcmp(argv[i], "--timestamp") == 0) {
			stamp = true;
			continue;
		}
		lbadm_err("monitor: unexpected argument \"%s\"", argv[i]);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (nflb_events_subscribe(nl) < 0) {
		lbadm_nl_err(nl, "monitor");
		nflb_nl_close(nl);
		return 1;
	}
	pr_stream();
	for (;;) {
		ret = nflb_events_listen(nl, print_event, &stamp);
		if (ret < 0 && nflb_nl_error(nl)->error == ENOBUFS) {
			/* The socket's buffer overflowed: go on. */
			fflush(stdout);
			lbadm_err("events lost");
			continue;
		}
		break;
	}
	if (ret < 0)
		lbadm_nl_err(nl, "monitor");
	/* A write error (ret > 0): pr_flush() says which, once. */
	pr_flush();
	nflb_nl_close(nl);
	return ret != 0 ? 1 : 0;
}
