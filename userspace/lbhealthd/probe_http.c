// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's http and https probes: one libcurl easy handle per run on
 * the prober's curl multi handle, whose sockets and timer are driven by
 * the loop (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION,
 * curl_multi_socket_action()).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_int.h"

/* The part of the body kept for expect-body; more ends the run. */
#define HC_BODY_MAX		(64 * 1024)

/*
 * A socket libcurl asked us to watch, through a duplicate of its
 * descriptor that the source owns.  libcurl 7.88 closes a socket it is
 * still connecting (a probe cancelled, or timed out, before the
 * connection is up) before it reports it gone (CURL_POLL_REMOVE): had we
 * watched its own descriptor, our EPOLL_CTL_DEL would come after the
 * close and find nothing, and the registration would stay in the epoll
 * set for as long as another process holds the socket (an exec probe's
 * child from fork() until it closes what it inherited), its data the
 * source freed at the REMOVE: sd-event aborts on its next event ("Code
 * should not be reached" in process_epoll()).  The duplicate is ours: it
 * leaves the set, then is closed, whatever curl did first.
 */
struct curl_sock {
	struct hc_prober *p;
	LIST_ENTRY(curl_sock) link;	/* in p->socks */
	sd_event_source *io;		/* on the duplicate */
	curl_socket_t fd;		/* curl's */
	dev_t dev;			/* the socket's identity */
	ino_t ino;
};

static size_t http_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct hc_probe *probe = userdata;
	size_t n = size * nmemb, room = HC_BODY_MAX - probe->body_len;
	size_t take = n < room ? n : room;

	if (probe->body)
		memcpy(probe->body + probe->body_len, ptr, take);
	probe->body_len += take;
	if (take < n) {
		/* Enough: judge on the first HC_BODY_MAX bytes. */
		probe->body_full = true;
		return 0;
	}
	return n;
}

static void http_transport_reason(struct hc_probe *probe, CURLcode code)
{
	curl_off_t conn = 0, app = 0;
	long oserr = 0;

	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(probe->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(probe->easy, CURLINFO_APPCONNECT_TIME_T, &app);
		if (!conn)
			probe_result(probe, false, "connect timeout");
		else if (probe->check->type == HC_CHECK_HTTPS && !app)
			probe_result(probe, false, "TLS handshake timeout");
		else
			probe_result(probe, false, "response timeout");
		return;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(probe->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr) {
			probe_result(probe, false, "%s", probe_errno_reason((int)oserr));
			return;
		}
		break;
	default:
		break;
	}
	probe_result(probe, false, "%s",
		     probe->errbuf[0] ? probe->errbuf : curl_easy_strerror(code));
}

static void http_done(struct hc_probe *probe, CURLcode code)
{
	const char *expect = probe->check->expect_body;
	const struct hc_check *c = probe->check;
	long status = 0;

	if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && probe->body_full)) {
		http_transport_reason(probe, code);
	} else {
		curl_easy_getinfo(probe->easy, CURLINFO_RESPONSE_CODE, &status);
		if (!hc_status_match(probe->check, status))
			probe_result(probe, false, "HTTP %ld", status);
		else if (expect && !memmem(probe->body, probe->body_len,
					   expect, strlen(expect)))
			probe_result(probe, false, "body mismatch (HTTP %ld)",
				     status);
		else if (c->has_body_re &&
			 (probe->body[probe->body_len] = '\0',
			  regexec(&c->body_re, probe->body, 0, NULL, 0)))
			probe_result(probe, false,
				     "body regex mismatch (HTTP %ld)", status);
		else
			probe_result(probe, true, "HTTP %ld", status);
	}
	probe_finish(probe);
}

/* Hand the finished transfers to their probes. */
static void curl_check_done(struct hc_prober *p)
{
	struct hc_probe *probe;
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(p->multi, &left))) {
		char *priv = NULL;
		CURLcode code;

		if (msg->msg != CURLMSG_DONE)
			continue;
		code = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		probe = (struct hc_probe *)priv;
		if (probe && probe->easy == msg->easy_handle)
			http_done(probe, code);
	}
}

static int curl_io(sd_event_source *s, int fd, uint32_t revents,
		   void *userdata)
{
	struct curl_sock *cs = userdata;
	struct hc_prober *p = cs->p;	/* CS may go during the action */
	curl_socket_t cfd = cs->fd;	/* FD is our duplicate */
	int mask = 0, running;

	(void)s;
	(void)fd;
	if (revents & EPOLLIN)
		mask |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		mask |= CURL_CSELECT_ERR;
	curl_multi_socket_action(p->multi, cfd, mask, &running);
	curl_check_done(p);
	return 0;
}

static int curl_timer_fire(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_prober *p = userdata;
	int running;

	(void)s;
	(void)usec;
	curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	curl_check_done(p);
	return 0;
}

static void curl_sock_free(struct curl_sock *cs)
{
	/* Out of the epoll set, then the duplicate closed (it owns it). */
	sd_event_source_disable_unref(cs->io);
	LIST_REMOVE(cs, link);
	free(cs);
}

/* Watch curl's FD (through a duplicate) for EVENTS with CS: 0 or -1. */
static int curl_sock_watch(struct curl_sock *cs, curl_socket_t fd,
			   uint32_t events)
{
	struct stat st;
	int dup;

	if (fstat(fd, &st) < 0)
		return -1;
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return -1;
	if (sd_event_add_io(cs->p->ev, &cs->io, dup, events, curl_io, cs) < 0) {
		close(dup);
		return -1;
	}
	sd_event_source_set_io_fd_own(cs->io, 1);
	cs->fd = fd;
	cs->dev = st.st_dev;
	cs->ino = st.st_ino;
	return 0;
}

/* CS still watches the socket curl now has at FD (not one it closed). */
static bool curl_sock_same(const struct curl_sock *cs, curl_socket_t fd)
{
	struct stat st;

	return cs->io && cs->fd == fd && fstat(fd, &st) == 0 &&
	       st.st_dev == cs->dev && st.st_ino == cs->ino;
}

static int curl_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
			  void *socketp)
{
	struct hc_prober *p = userp;
	struct curl_sock *cs = socketp;
	uint32_t events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (cs) {
			curl_multi_assign(p->multi, fd, NULL);
			curl_sock_free(cs);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (cs && curl_sock_same(cs, fd))
		return sd_event_source_set_io_events(cs->io, events) < 0 ? -1 : 0;
	if (cs) {
		/* Its number now names another socket: watch that one. */
		cs->io = sd_event_source_disable_unref(cs->io);
		return curl_sock_watch(cs, fd, events);
	}
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -1;
	cs->p = p;
	if (curl_sock_watch(cs, fd, events) < 0) {
		free(cs);
		return -1;
	}
	LIST_INSERT_HEAD(&p->socks, cs, link);
	curl_multi_assign(p->multi, fd, cs);
	return 0;
}

static int curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct hc_prober *p = userp;

	(void)multi;
	if (timeout_ms < 0)
		return sd_event_source_set_enabled(p->curl_timer,
						   SD_EVENT_OFF) < 0 ? -1 : 0;
	/* 0: as soon as possible, from the loop (never from here). */
	if (sd_event_source_set_time_relative(p->curl_timer,
					      (uint64_t)timeout_ms * 1000) < 0 ||
	    sd_event_source_set_enabled(p->curl_timer, SD_EVENT_ONESHOT) < 0)
		return -1;
	return 0;
}

#define SETOPT(opt, val)						\
	do {								\
		if (curl_easy_setopt(easy, opt, val) != CURLE_OK)	\
			return -EINVAL;					\
	} while (0)

/*
 * The host name of a Host value ("www.example.com:8443" without its port,
 * "[2001:db8::1]" whole): its length.
 */
static size_t host_name_len(const char *host)
{
	const char *end;

	if (host[0] == '[') {
		end = strchr(host, ']');
		return end ? (size_t)(end - host + 1) : strlen(host);
	}
	return strcspn(host, ":");
}

/*
 * An https check with a tls-sni, or else a host, names it in its URL (the
 * TLS server name, and the name its certificate is verified against) and
 * connects to the backend all the same: CURLOPT_CONNECT_TO
 * "NAME:PORT:ADDR:PORT".  Otherwise the URL holds the backend's address.
 * (The Host header is the host's, if any, whatever the server name.)
 */
static int http_url(struct hc_probe *probe, char **full)
{
	const struct hc_check *c = probe->check;
	bool https = c->type == HC_CHECK_HTTPS;
	const char *path = c->path ? c->path : "/";
	bool v6 = probe->t->family == AF_INET6;
	const char *name = c->tls_sni ? c->tls_sni : c->host;
	char addr[INET6_ADDRSTRLEN], *to;
	unsigned int port = probe_port(probe);
	int name_len;

	inet_ntop(probe->t->family, &probe->t->addr, addr, sizeof(addr));
	if (!https || !name)
		return asprintf(full, "%s://%s%s%s:%u%s",
				https ? "https" : "http", v6 ? "[" : "", addr,
				v6 ? "]" : "", port, path) < 0 ? -ENOMEM : 0;
	name_len = host_name_len(name);
	if (asprintf(&to, "%.*s:%u:%s%s%s:%u", name_len, name, port,
		     v6 ? "[" : "", addr, v6 ? "]" : "", port) < 0)
		return -ENOMEM;
	probe->connect_to = curl_slist_append(NULL, to);
	free(to);
	if (!probe->connect_to)
		return -ENOMEM;
	return asprintf(full, "https://%.*s:%u%s", name_len, name, port,
			path) < 0 ? -ENOMEM : 0;
}

int probe_http_start(struct hc_probe *probe)
{
	const struct hc_check *c = probe->check;
	CURL *easy;
	char *full, *hdr;
	size_t i;
	int r;

	r = http_url(probe, &full);
	if (r < 0)
		return r;
	if (c->expect_body || c->has_body_re) {
		probe->body = malloc(HC_BODY_MAX + 1);
		if (!probe->body) {
			free(full);
			return -ENOMEM;
		}
	}
	if (c->host) {
		if (asprintf(&hdr, "Host: %s", c->host) < 0) {
			free(full);
			return -ENOMEM;
		}
		probe->headers = curl_slist_append(NULL, hdr);
		free(hdr);
		if (!probe->headers) {
			free(full);
			return -ENOMEM;
		}
	}
	for (i = 0; i < c->n_headers; i++) {
		struct curl_slist *l = curl_slist_append(probe->headers,
							 c->headers[i]);

		if (!l) {
			free(full);
			return -ENOMEM;
		}
		probe->headers = l;
	}
	easy = probe->easy = curl_easy_init();
	if (!easy) {
		free(full);
		return -ENOMEM;
	}
	r = curl_easy_setopt(easy, CURLOPT_URL, full);
	free(full);
	if (r != CURLE_OK)
		return -EINVAL;
	SETOPT(CURLOPT_PRIVATE, (char *)probe);
	SETOPT(CURLOPT_ERRORBUFFER, probe->errbuf);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_NOPROXY, "*");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_PATH_AS_IS, 1L);
	/* Every run its own connection: what is probed is a fresh one. */
	SETOPT(CURLOPT_FRESH_CONNECT, 1L);
	SETOPT(CURLOPT_FORBID_REUSE, 1L);
	/* (0 would be "no timeout" to curl) */
	SETOPT(CURLOPT_TIMEOUT_MS, c->timeout_ms ? (long)c->timeout_ms : 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
	       c->timeout_ms ? (long)c->timeout_ms : 1L);
	SETOPT(CURLOPT_USERAGENT, "lbhealthd");
	SETOPT(CURLOPT_WRITEFUNCTION, http_write);
	SETOPT(CURLOPT_WRITEDATA, probe);
	SETOPT(CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	if (c->tls_ca)
		SETOPT(CURLOPT_CAINFO, c->tls_ca);
	if (probe->connect_to)
		SETOPT(CURLOPT_CONNECT_TO, probe->connect_to);
	if (probe->headers)
		SETOPT(CURLOPT_HTTPHEADER, probe->headers);
	/* HEAD: no body (curl would wait for one); others as they are. */
	if (c->method && strcmp(c->method, "HEAD") == 0)
		SETOPT(CURLOPT_NOBODY, 1L);
	else if (c->method && strcmp(c->method, "GET") != 0)
		SETOPT(CURLOPT_CUSTOMREQUEST, c->method);
	if (curl_multi_add_handle(probe->p->multi, easy) != CURLM_OK)
		return -ENOMEM;
	return 0;
}

/* The prober's multi handle */

int probe_http_init(struct hc_prober *p)
{
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	p->multi = curl_multi_init();
	if (!p->multi) {
		r = -ENOMEM;
		goto fail;
	}
	r = sd_event_add_time(p->ev, &p->curl_timer, CLOCK_MONOTONIC, 0,
			      HC_TIMER_ACCURACY_US, curl_timer_fire, p);
	if (r < 0)
		goto fail;
	r = sd_event_source_set_enabled(p->curl_timer, SD_EVENT_OFF);
	if (r < 0)
		goto fail;
	if (curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION,
			      curl_socket_cb) != CURLM_OK ||
	    curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p) != CURLM_OK ||
	    curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION,
			      curl_timer_cb) != CURLM_OK ||
	    curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p) != CURLM_OK) {
		r = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	if (p->multi)
		curl_multi_cleanup(p->multi);
	p->multi = NULL;
	p->curl_timer = sd_event_source_disable_unref(p->curl_timer);
	curl_global_cleanup();
	return r;
}

void probe_http_fini(struct hc_prober *p)
{
	curl_multi_cleanup(p->multi);
	while (!LIST_EMPTY(&p->socks))
		curl_sock_free(LIST_FIRST(&p->socks));
	sd_event_source_disable_unref(p->curl_timer);
	curl_global_cleanup();
}

void probe_http_release(struct hc_probe *probe)
{
	if (probe->easy) {
		curl_multi_remove_handle(probe->p->multi, probe->easy);
		curl_easy_cleanup(probe->easy);
		probe->easy = NULL;
	}
	curl_slist_free_all(probe->headers);
	probe->headers = NULL;
	curl_slist_free_all(probe->connect_to);
	probe->connect_to = NULL;
	free(probe->body);
	probe->body = NULL;
}
