// SPDX-License-Identifier: GPL-2.0
/*
 * /metrics over HTTP, served by libmicrohttpd on the daemon's own sd-event
 * loop: MHD runs with no thread of its own (external polling, epoll mode),
 * its epoll descriptor is one I/O source of the loop and its timeout one
 * timer.  So a scrape reads the daemon's state (verdicts, counters) from
 * the same thread that changes it, with no lock and no copy; what a scrape
 * costs the loop is writing the text and one dump of the kernel's services,
 * the same dump every reconcile makes.  A server thread would need every
 * piece of state the exposition reads to be locked or copied.
 *
 * Only GET (and HEAD) of /metrics; a bounded number of clients, each with
 * a timeout, so a slow or idle scraper never holds more than its socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>

#include <microhttpd.h>

#include "daemon.h"
#include "log.h"

#define METRICS_CLIENTS_MAX	16
#define METRICS_CLIENT_TIMEOUT	10	/* seconds */
#define METRICS_PATH		"/metrics"
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct hc_metrics_server {
	struct hc_daemon *d;
	struct MHD_Daemon *mhd;
	struct hc_listen listen;	/* a copy, text included */
	sd_event_source *io;
	sd_event_source *timer;
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	hc_log(LOG_DEBUG, "metrics: %s", msg);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
			     char *body, size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error_reply(struct MHD_Connection *conn,
				   unsigned int code, const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, code, body, strlen(body),
			    "text/plain; charset=utf-8") : MHD_NO;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
			       const char *url, const char *method,
			       const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct hc_metrics_server *m = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	(void)version;
	(void)upload;
	/* The first call of a request is for its headers: answer at once. */
	(void)con_cls;
	if (*upload_size)
		return error_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "GET " METRICS_PATH " only\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return error_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "GET " METRICS_PATH " only\n");
	if (strcmp(url, METRICS_PATH))
		return error_reply(conn, MHD_HTTP_NOT_FOUND,
				   "not found: lbhealthd serves " METRICS_PATH "\n");
	f = open_memstream(&body, &len);
	if (!f)
		return error_reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "out of memory\n");
	m->d->ctr.scrapes++;
	ret = hc_metrics_write(m->d, f);
	if (fclose(f) || ret < 0) {
		free(body);
		return error_reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "out of memory\n");
	}
	return reply(conn, MHD_HTTP_OK, body, len, METRICS_CONTENT_TYPE);
}

/* After every run: MHD's next deadline (0: more work now) as our timer. */
static void arm(struct hc_metrics_server *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(m->mhd, &ms) != MHD_YES) {
		sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(m->timer, hc_now_usec(CLOCK_MONOTONIC) +
				 ms * USEC_PER_MSEC);
	sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static int io_cb(sd_event_source *src, int fd, uint32_t revents, void *data)
{
	struct hc_metrics_server *m = data;

	(void)src;
	(void)fd;
	(void)revents;
	MHD_run(m->mhd);
	arm(m);
	return 0;
}

static int timer_cb(sd_event_source *src, uint64_t usec, void *data)
{
	(void)usec;
	return io_cb(src, -1, 0, data);
}

static void server_free(struct hc_metrics_server *m)
{
	if (!m)
		return;
	sd_event_source_disable_unref(m->io);
	sd_event_source_disable_unref(m->timer);
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	free(m->listen.text);
	free(m);
}

int hc_metrics_start(struct hc_daemon *d, const struct hc_listen *l)
{
	const union MHD_DaemonInfo *info;
	struct hc_metrics_server *m;
	unsigned int flags = MHD_USE_EPOLL;
	int err;

	if (d->metrics && hc_listen_equal(&d->metrics->listen, l))
		return 0;
	if (!l->text) {
		hc_metrics_stop(d);
		return 0;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->listen.text = strdup(l->text))) {
		free(m);
		hc_log(LOG_ERR, "metrics on %s: out of memory", l->text);
		return -1;
	}
	m->d = d;
	m->listen.sa = l->sa;
	m->listen.sa_len = l->sa_len;
	if (l->sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handler, m,
				  MHD_OPTION_SOCK_ADDR, &m->listen.sa,
				  MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned int)METRICS_CLIENTS_MAX,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)METRICS_CLIENT_TIMEOUT,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_END);
	err = errno;
	if (!m->mhd) {
		hc_log(LOG_ERR, "metrics on %s: cannot listen: %s", l->text,
		       err ? strerror(err) : "libmicrohttpd failed");
		goto fail;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info ||
	    sd_event_add_io(d->ev, &m->io, info->epoll_fd, EPOLLIN, io_cb,
			    m) < 0 ||
	    sd_event_add_time(d->ev, &m->timer, CLOCK_MONOTONIC, 0, 0,
			      timer_cb, m) < 0) {
		hc_log(LOG_ERR, "metrics on %s: cannot add to the event loop",
		       l->text);
		goto fail;
	}
	arm(m);
	hc_metrics_stop(d);
	d->metrics = m;
	hc_log(LOG_NOTICE, "metrics on http://%s" METRICS_PATH, l->text);
	return 0;
fail:
	server_free(m);
	return -1;
}

void hc_metrics_stop(struct hc_daemon *d)
{
	server_free(d->metrics);
	d->metrics = NULL;
}
