// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lbhealthd's probes (probe.c): real servers on 127.0.0.1
 * and ::1 (ephemeral ports), most of them driven by the same sd-event
 * loop as the probes, openssl s_server as a child for https.
 */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "probe.h"

static sd_event *ev;
static struct hc_prober *prober;
static bool in_start;		/* inside hc_probe_start(): DONE must not run */
static char tmpdir[] = "/tmp/hc_probe_test.XXXXXX";

/* What DONE saw for one probe. */
struct rec {
	int calls;
	bool from_start;
	struct hc_result res;
};

static void on_done(const struct hc_result *res, void *data)
{
	struct rec *r = data;

	r->calls++;
	r->from_start |= in_start;
	r->res = *res;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the loop until *COUNTER reaches WANT or MAX_MS passed. */
static void run_until(const int *counter, int want, int max_ms)
{
	uint64_t end = now_ms() + max_ms;

	while ((!counter || *counter < want) && now_ms() < end)
		sd_event_run(ev, 10 * 1000);
}

static void run_for(int ms)
{
	run_until(NULL, 0, ms);
}

static struct hc_check check_of(enum hc_check_type type, uint32_t timeout_ms)
{
	struct hc_check c = {
		.type = type,
		.interval_ms = 2000,
		.timeout_ms = timeout_ms,
		.rise = 2,
		.fall = 3,
		.path = "/",
		.n_status = 1,
		.status = { { 200, 299 } },
	};
	return c;
}

static struct hc_target target_of(const char *addr, uint16_t port)
{
	struct hc_target t = { .port = port };

	t.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(t.family, addr, &t.addr);
	return t;
}

static struct hc_probe *start(const struct hc_check *c,
			      const struct hc_target *t, struct rec *r)
{
	struct hc_probe *probe;

	memset(r, 0, sizeof(*r));
	in_start = true;
	probe = hc_probe_start(prober, c, t, on_done, r);
	in_start = false;
	return probe;
}

/* One run, to its end; false if it did not start or never ended. */
static bool probe_once(const struct hc_check *c, const struct hc_target *t,
		       struct rec *r)
{
	if (!start(c, t, r))
		return false;
	run_until(&r->calls, 1, 3000);
	return r->calls == 1 && !r->from_start;
}

#define EXPECT_RESULT(r, want_ok, want_reason)				\
	do {								\
		KTAP_EXPECT((r).res.ok == (want_ok));			\
		KTAP_EXPECT(!strcmp((r).res.reason, (want_reason)));	\
		if (strcmp((r).res.reason, (want_reason)))		\
			printf("    # reason: \"%s\"\n", (r).res.reason); \
	} while (0)

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own */
}

static uint16_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A socket bound to ADDR:0 (a fresh port), listening if BACKLOG >= 0. */
static int bound_socket(const char *addr, int type, int backlog)
{
	struct hc_target t = target_of(addr, 0);
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd;

	if (t.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = t.addr.v4;
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = t.addr.v6;
		len = sizeof(*sin6);
	}
	fd = socket(t.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (backlog >= 0 && listen(fd, backlog) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A UDP port nobody listens on (bound, then closed: ICMP unreachable). */
static uint16_t closed_udp_port(const char *addr)
{
	int fd = bound_socket(addr, SOCK_DGRAM, -1);
	uint16_t port = sock_port(fd);

	close(fd);
	return port;
}

/* A tiny HTTP server on the loop. */

struct http_conn {
	struct http_srv *srv;
	int fd;
	sd_event_source *src;
	char in[4096];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	struct http_conn *next;
};

struct http_srv {
	int fd;
	uint16_t port;
	sd_event_source *src;
	int status;
	const char *body;
	size_t body_len;
	bool silent;			/* never answers */
	int requests;
	char host[256];			/* Host header of the last request */
	char line[256];			/* request line of the last request */
	char req[4096];			/* the last request's head */
	struct http_conn *conns;
};

static int http_conn_io(sd_event_source *s, int fd, uint32_t revents,
			void *userdata);

static void http_conn_close(struct http_conn *c)
{
	struct http_conn **pp;

	for (pp = &c->srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	sd_event_source_disable_unref(c->src);
	close(c->fd);
	free(c->out);
	free(c);
}

static void http_answer(struct http_conn *c)
{
	struct http_srv *srv = c->srv;
	const char *h = strcasestr(c->in, "\r\nHost: ");
	size_t hlen;
	FILE *f;

	srv->requests++;
	snprintf(srv->req, sizeof(srv->req), "%s", c->in);
	snprintf(srv->line, sizeof(srv->line), "%.*s",
		 (int)strcspn(c->in, "\r\n"), c->in);
	srv->host[0] = '\0';
	if (h) {
		h += strlen("\r\nHost: ");
		hlen = strcspn(h, "\r\n");
		snprintf(srv->host, sizeof(srv->host), "%.*s", (int)hlen, h);
	}
	if (srv->silent)
		return;
	f = open_memstream(&c->out, &c->out_len);
	fprintf(f, "HTTP/1.1 %d Whatever\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", srv->status, srv->body_len);
	/* A HEAD's answer says the length of a body it does not carry. */
	if (strncmp(c->in, "HEAD ", 5) != 0)
		fwrite(srv->body, 1, srv->body_len, f);
	fclose(f);
	sd_event_source_set_io_events(c->src, EPOLLOUT);
}

static int http_conn_io(sd_event_source *s, int fd, uint32_t revents,
			void *userdata)
{
	struct http_conn *c = userdata;
	ssize_t n;

	(void)s;
	(void)revents;
	if (c->out) {
		n = send(fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n > 0)
			c->out_off += n;
		if ((n < 0 && errno != EAGAIN) || c->out_off == c->out_len)
			http_conn_close(c);
		return 0;
	}
	n = read(fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			http_conn_close(c);
		return 0;
	}
	c->in_len += n;
	c->in[c->in_len] = '\0';
	if (strstr(c->in, "\r\n\r\n"))
		http_answer(c);
	return 0;
}

static int http_accept(sd_event_source *s, int fd, uint32_t revents,
		       void *userdata)
{
	struct http_srv *srv = userdata;
	struct http_conn *c;
	int cfd;

	(void)s;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	c = calloc(1, sizeof(*c));
	c->srv = srv;
	c->fd = cfd;
	sd_event_add_io(ev, &c->src, cfd, EPOLLIN, http_conn_io, c);
	c->next = srv->conns;
	srv->conns = c;
	return 0;
}

static void http_srv_start(struct http_srv *srv, const char *addr, int status,
			   const char *body)
{
	memset(srv, 0, sizeof(*srv));
	srv->status = status;
	srv->body = body;
	srv->body_len = strlen(body);
	srv->fd = bound_socket(addr, SOCK_STREAM, 64);
	srv->port = sock_port(srv->fd);
	sd_event_add_io(ev, &srv->src, srv->fd, EPOLLIN, http_accept, srv);
}

static void http_srv_stop(struct http_srv *srv)
{
	while (srv->conns)
		http_conn_close(srv->conns);
	sd_event_source_disable_unref(srv->src);
	close(srv->fd);
}

/* A UDP server on the loop: answers REPLY to every datagram (if set). */

struct udp_srv {
	int fd;
	uint16_t port;
	sd_event_source *src;
	const char *reply;
	char got[64];
	int datagrams;
};

static int udp_srv_io(sd_event_source *s, int fd, uint32_t revents,
		      void *userdata)
{
	struct udp_srv *srv = userdata;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	ssize_t n;

	(void)s;
	(void)revents;
	n = recvfrom(fd, srv->got, sizeof(srv->got) - 1, 0,
		     (struct sockaddr *)&from, &len);
	if (n < 0)
		return 0;
	srv->got[n] = '\0';
	srv->datagrams++;
	if (srv->reply)
		sendto(fd, srv->reply, strlen(srv->reply), 0,
		       (struct sockaddr *)&from, len);
	return 0;
}

static void udp_srv_start(struct udp_srv *srv, const char *addr,
			  const char *reply)
{
	memset(srv, 0, sizeof(*srv));
	srv->reply = reply;
	srv->fd = bound_socket(addr, SOCK_DGRAM, -1);
	srv->port = sock_port(srv->fd);
	sd_event_add_io(ev, &srv->src, srv->fd, EPOLLIN, udp_srv_io, srv);
}

static void udp_srv_stop(struct udp_srv *srv)
{
	sd_event_source_disable_unref(srv->src);
	close(srv->fd);
}

/*
 * A TCP listener whose accept queue is full: new SYNs are dropped, a
 * connect() to it hangs (the retransmission comes after 1 s).
 */
struct full_listener {
	int fd, filler[2];
	uint16_t port;
};

static bool full_listener_start(struct full_listener *fl)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pollfd pfd;
	int i;

	fl->fd = bound_socket("127.0.0.1", SOCK_STREAM, 0);
	fl->port = sock_port(fl->fd);
	sin.sin_port = htons(fl->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 2; i++) {
		fl->filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
				       SOCK_CLOEXEC, 0);
		connect(fl->filler[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	/* The first one is established (it fills the queue of 1). */
	pfd.fd = fl->filler[0];
	pfd.events = POLLOUT;
	return poll(&pfd, 1, 1000) == 1;
}

static void full_listener_stop(struct full_listener *fl)
{
	close(fl->filler[0]);
	close(fl->filler[1]);
	close(fl->fd);
}

/*
 * The IPv6 loopback, for the IPv6 cases; a machine without one (IPv6
 * disabled in a container) runs them over IPv4 rather than fail.
 */
static const char *lo6 = "::1";

static void pick_lo6(void)
{
	int fd = bound_socket(lo6, SOCK_STREAM, -1);

	if (fd >= 0) {
		close(fd);
		return;
	}
	printf("# no IPv6 loopback (%s): the IPv6 cases run over IPv4\n",
	       strerror(errno));
	lo6 = "127.0.0.1";
}

/* The tests */

static void tcp_up_refused(void)
{
	struct hc_check c = check_of(HC_CHECK_TCP, 1000);
	int lfd = bound_socket("127.0.0.1", SOCK_STREAM, 16);
	int lfd6 = bound_socket(lo6, SOCK_STREAM, 16);
	int nolisten = bound_socket("127.0.0.1", SOCK_STREAM, -1);
	struct hc_target t = target_of("127.0.0.1", sock_port(lfd));
	struct hc_target t6 = target_of(lo6, sock_port(lfd6));
	struct hc_target tr = target_of("127.0.0.1", sock_port(nolisten));
	struct rec r;

	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "connected");
	KTAP_EXPECT(r.res.duration_ms < 1000);
	KTAP_EXPECT(probe_once(&c, &t6, &r));
	EXPECT_RESULT(r, true, "connected");
	KTAP_EXPECT(probe_once(&c, &tr, &r));
	EXPECT_RESULT(r, false, "connection refused");

	/* check.port overrides the target's port. */
	c.port = sock_port(lfd);
	KTAP_EXPECT(probe_once(&c, &tr, &r));
	EXPECT_RESULT(r, true, "connected");
	KTAP_EXPECT(hc_prober_running(prober) == 0);
	close(lfd);
	close(lfd6);
	close(nolisten);
}

static void tcp_timeout(void)
{
	struct hc_check c = check_of(HC_CHECK_TCP, 300);
	struct full_listener fl;
	struct hc_target t;
	struct rec r;

	KTAP_EXPECT(full_listener_start(&fl));
	t = target_of("127.0.0.1", fl.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "connect timeout");
	KTAP_EXPECT(r.res.duration_ms >= 290 && r.res.duration_ms < 1000);
	full_listener_stop(&fl);
}

/* A failure known inside connect() is still delivered from the loop. */
static void never_from_start(void)
{
	struct hc_check c = check_of(HC_CHECK_TCP, 300);
	struct hc_check u = check_of(HC_CHECK_UDP, 300);
	struct hc_target t = target_of("255.255.255.255", 80);
	struct hc_probe *probe;
	sigset_t chld;
	struct rec r;

	probe = start(&c, &t, &r);
	KTAP_EXPECT(probe && r.calls == 0);
	KTAP_EXPECT(hc_prober_running(prober) == 1);
	run_until(&r.calls, 1, 1000);
	KTAP_EXPECT(r.calls == 1 && !r.from_start);
	KTAP_EXPECT(!r.res.ok && r.res.reason[0]);
	/* udp to the broadcast address without SO_BROADCAST: EACCES */
	probe = start(&u, &t, &r);
	KTAP_EXPECT(probe && r.calls == 0);
	run_until(&r.calls, 1, 1000);
	KTAP_EXPECT(r.calls == 1 && !r.from_start);
	EXPECT_RESULT(r, false, strerror(EACCES));
	/* Nothing can start: NULL and errno, DONE never called. */
	t.family = AF_UNIX;
	KTAP_EXPECT(!start(&c, &t, &r) && errno == EAFNOSUPPORT);
	c.type = HC_CHECK_EXEC;
	c.command = NULL;
	t = target_of("127.0.0.1", 80);
	KTAP_EXPECT(!start(&c, &t, &r) && errno == EINVAL);
	/* exec needs SIGCHLD blocked (sd_event_add_child()) */
	c.command = "true";
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	KTAP_EXPECT(!start(&c, &t, &r) && errno == EBUSY);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	run_for(20);
	KTAP_EXPECT(r.calls == 0);
	KTAP_EXPECT(hc_prober_running(prober) == 0);
}

static void http_status(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTP, 1000);
	struct http_srv ok, bad, redirect;
	struct hc_target t;
	struct rec r;
	char want_host[64];

	http_srv_start(&ok, "127.0.0.1", 200, "fine\n");
	http_srv_start(&bad, "127.0.0.1", 503, "busy\n");
	http_srv_start(&redirect, "127.0.0.1", 302, "");

	t = target_of("127.0.0.1", ok.port);
	c.path = "/health?x=1";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(ok.requests == 1);
	KTAP_EXPECT(!strcmp(ok.line, "GET /health?x=1 HTTP/1.1"));
	/* Default Host: the address (and port). */
	snprintf(want_host, sizeof(want_host), "127.0.0.1:%u", ok.port);
	KTAP_EXPECT(!strcmp(ok.host, want_host));

	t = target_of("127.0.0.1", bad.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "HTTP 503");

	/* A redirect is not followed, its status is judged. */
	t = target_of("127.0.0.1", redirect.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "HTTP 302");
	c.n_status = 2;
	c.status[0] = (struct hc_status_range){ 200, 204 };
	c.status[1] = (struct hc_status_range){ 301, 302 };
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 302");
	/* 503 accepted when listed */
	c.status[1] = (struct hc_status_range){ 503, 503 };
	t = target_of("127.0.0.1", bad.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 503");
	c.n_status = 1;
	c.status[0] = (struct hc_status_range){ 200, 200 };
	t = target_of("127.0.0.1", ok.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(ok.requests == 2);
	KTAP_EXPECT(redirect.requests == 2);

	http_srv_stop(&ok);
	http_srv_stop(&bad);
	http_srv_stop(&redirect);
}

static void http_body_host_v6(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTP, 1000);
	struct http_srv srv, big;
	struct hc_target t;
	struct rec r;
	size_t big_len = 200 * 1024;
	char *body = malloc(big_len + 1);

	http_srv_start(&srv, lo6, 200, "status: all systems OK\n");
	t = target_of(lo6, srv.port);
	c.expect_body = "systems OK";
	c.host = "www.example.com";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(!strcmp(srv.host, "www.example.com"));
	c.expect_body = "READY";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "body mismatch (HTTP 200)");
	/* A status mismatch is reported first. */
	srv.status = 500;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "HTTP 500");
	KTAP_EXPECT(srv.requests == 3);
	http_srv_stop(&srv);

	/* Only the first 64 KiB of a body count; more ends the transfer. */
	memset(body, 'x', big_len);
	memcpy(body + 100, "EARLY", 5);
	memcpy(body + 100 * 1024, "LATE", 4);
	body[big_len] = '\0';
	http_srv_start(&big, "127.0.0.1", 200, body);
	t = target_of("127.0.0.1", big.port);
	c.host = NULL;
	c.expect_body = "EARLY";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	c.expect_body = "LATE";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "body mismatch (HTTP 200)");
	/* Without expect-body, a big body is fine too. */
	c.expect_body = NULL;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	http_srv_stop(&big);
	free(body);
}

static void http_transport_errors(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTP, 300);
	int nolisten = bound_socket("127.0.0.1", SOCK_STREAM, -1);
	struct http_srv silent;
	struct full_listener fl;
	struct hc_target t;
	struct rec r;

	t = target_of("127.0.0.1", sock_port(nolisten));
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "connection refused");
	close(nolisten);

	/* Accepts, reads the request, never answers. */
	http_srv_start(&silent, "127.0.0.1", 200, "");
	silent.silent = true;
	t = target_of("127.0.0.1", silent.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "response timeout");
	KTAP_EXPECT(r.res.duration_ms >= 290 && r.res.duration_ms < 1000);
	KTAP_EXPECT(silent.requests == 1);
	http_srv_stop(&silent);

	KTAP_EXPECT(full_listener_start(&fl));
	t = target_of("127.0.0.1", fl.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "connect timeout");
	full_listener_stop(&fl);
}

#define EC_KEY	"-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

/* A self-signed certificate for localhost in TMPDIR/cert.pem, key.pem. */
static bool self_signed_cert(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req -x509 " EC_KEY " -subj /CN=localhost "
		 "-days 1 -keyout key.pem -out cert.pem >/dev/null 2>&1",
		 tmpdir);
	return system(cmd) == 0;
}

/*
 * A test CA (TMPDIR/ca.pem) and a certificate it signed for the name
 * web.test (TMPDIR/web.pem, web.key): what a backend serving
 * https://web.test has.
 */
static bool ca_signed_cert(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "(cd %s && "
		 "openssl req -x509 " EC_KEY " -subj /CN=lbhealthd-test-ca "
		 "-days 1 -keyout ca.key -out ca.pem && "
		 "openssl req " EC_KEY " -subj /CN=web.test -keyout web.key "
		 "-out web.csr && "
		 "echo subjectAltName=DNS:web.test > web.ext && "
		 "openssl x509 -req -in web.csr -CA ca.pem -CAkey ca.key "
		 "-set_serial 1 -days 1 -extfile web.ext -out web.pem"
		 ") >/dev/null 2>&1", tmpdir);
	return system(cmd) == 0;
}

/*
 * openssl s_server -www with CERT and KEY (in TMPDIR) on a fresh port, or
 * 0 if not available.
 */
static pid_t s_server(const char *cert_name, const char *key_name,
		      uint16_t *port)
{
	char cert[128], key[128], line[256];
	int pipefd[2];
	FILE *f;
	pid_t pid;

	snprintf(cert, sizeof(cert), "%s/%s", tmpdir, cert_name);
	snprintf(key, sizeof(key), "%s/%s", tmpdir, key_name);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(null, 2);
		execlp("openssl", "openssl", "s_server", "-www", "-accept",
		       "127.0.0.1:0", "-cert", cert, "-key", key, NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	*port = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int p;

		if (sscanf(line, "ACCEPT 127.0.0.1:%u", &p) == 1) {
			*port = p;
			break;
		}
	}
	fclose(f);
	return pid;
}

static void https(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTPS, 2000);
	struct hc_target t;
	struct rec r;
	uint16_t port;
	pid_t pid;

	if (access("/usr/bin/openssl", X_OK)) {
		ktap_case_skip = "no openssl binary";
		return;
	}
	KTAP_EXPECT(self_signed_cert());
	pid = s_server("cert.pem", "key.pem", &port);
	KTAP_EXPECT(pid > 0 && port);
	if (pid <= 0 || !port)
		goto out;
	t = target_of("127.0.0.1", port);
	c.expect_body = "s_server";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	c.expect_body = "not in the page";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "body mismatch (HTTP 200)");
	/* A self-signed certificate does not pass verification. */
	c.expect_body = NULL;
	c.tls_verify = true;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	KTAP_EXPECT(!r.res.ok && r.res.reason[0]);
	KTAP_EXPECT(strncmp(r.res.reason, "HTTP", 4));
	printf("    # verification failure: %s\n", r.res.reason);
	/* Plain http to a TLS server: not an HTTP answer. */
	c.type = HC_CHECK_HTTP;
	c.tls_verify = false;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	KTAP_EXPECT(!r.res.ok);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * tls-verify with a host: the certificate is for the host's name, the
 * backend is reached by its address.  The server name sent and the name
 * verified are the host's; the connection goes to the backend.
 */
static void https_host(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTPS, 2000);
	char ca[128];
	struct hc_target t;
	struct rec r;
	uint16_t port;
	pid_t pid;

	if (access("/usr/bin/openssl", X_OK)) {
		ktap_case_skip = "no openssl binary";
		return;
	}
	KTAP_EXPECT(ca_signed_cert());
	pid = s_server("web.pem", "web.key", &port);
	KTAP_EXPECT(pid > 0 && port);
	if (pid <= 0 || !port)
		goto out;
	snprintf(ca, sizeof(ca), "%s/ca.pem", tmpdir);
	t = target_of("127.0.0.1", port);
	c.tls_verify = true;
	c.tls_ca = ca;
	c.host = "web.test";
	c.expect_body = "s_server";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	if (!r.res.ok)
		printf("    # web.test: %s\n", r.res.reason);
	/* A port in the Host value is not part of the name. */
	c.host = "web.test:8443";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	/* Another name: the certificate does not match. */
	c.host = "other.test";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	KTAP_EXPECT(!r.res.ok && strncmp(r.res.reason, "HTTP", 4));
	/* No host: verified against the address, which it does not name. */
	c.host = NULL;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	KTAP_EXPECT(!r.res.ok && strncmp(r.res.reason, "HTTP", 4));
	/* Verification off: any name will do. */
	c.host = "other.test";
	c.tls_verify = false;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* tls-sni: the server name (verified) apart from the Host header. */
static void https_sni(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTPS, 2000);
	char ca[128];
	struct hc_target t;
	struct rec r;
	uint16_t port;
	pid_t pid;

	if (access("/usr/bin/openssl", X_OK)) {
		ktap_case_skip = "no openssl binary";
		return;
	}
	KTAP_EXPECT(ca_signed_cert());
	pid = s_server("web.pem", "web.key", &port);
	KTAP_EXPECT(pid > 0 && port);
	if (pid <= 0 || !port)
		goto out;
	snprintf(ca, sizeof(ca), "%s/ca.pem", tmpdir);
	t = target_of("127.0.0.1", port);
	c.tls_verify = true;
	c.tls_ca = ca;
	c.expect_body = "s_server";
	/* Host names another site: verified against the SNI name. */
	c.host = "other.test";
	c.tls_sni = "web.test";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	/* An SNI name the certificate does not carry fails, whatever Host. */
	c.host = "web.test";
	c.tls_sni = "other.test";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	KTAP_EXPECT(!r.res.ok && strncmp(r.res.reason, "HTTP", 4));
	/* SNI alone, no Host: fine too. */
	c.host = NULL;
	c.tls_sni = "web.test";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void udp(void)
{
	struct hc_check c = check_of(HC_CHECK_UDP, 300);
	struct udp_srv pong, pang, mute, pong6;
	struct hc_target t;
	struct rec r;

	udp_srv_start(&pong, "127.0.0.1", "pong\n");
	udp_srv_start(&pang, "127.0.0.1", "pang\n");
	udp_srv_start(&mute, "127.0.0.1", NULL);
	udp_srv_start(&pong6, lo6, "pong\n");
	memcpy(c.payload, "ping\n", 5);
	c.payload_len = 5;
	memcpy(c.expect, "pong", 4);
	c.expect_len = 4;
	c.has_expect = true;

	t = target_of("127.0.0.1", pong.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "reply");
	KTAP_EXPECT(!strcmp(pong.got, "ping\n"));
	t = target_of(lo6, pong6.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "reply");
	t = target_of("127.0.0.1", pang.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "reply mismatch");
	/* Any reply does without expect; an empty payload is a datagram. */
	c.has_expect = false;
	c.payload_len = 0;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "reply");
	KTAP_EXPECT(pang.datagrams == 2 && !strcmp(pang.got, ""));
	t = target_of("127.0.0.1", mute.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "no reply");
	KTAP_EXPECT(r.res.duration_ms >= 290 && r.res.duration_ms < 1000);
	KTAP_EXPECT(mute.datagrams == 1);
	t = target_of("127.0.0.1", closed_udp_port("127.0.0.1"));
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "port unreachable");
	t = target_of(lo6, closed_udp_port(lo6));
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "port unreachable");

	udp_srv_stop(&pong);
	udp_srv_stop(&pang);
	udp_srv_stop(&mute);
	udp_srv_stop(&pong6);
}

static char *slurp(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Gone: no such process, or a zombie left to init. */
static bool process_gone(pid_t pid)
{
	char path[64], *s;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	s = slurp(path);
	if (!s[0])
		return true;
	s = strrchr(s, ')');
	return s && s[1] == ' ' && s[2] == 'Z';
}

static pid_t read_pid(const char *path, int line)
{
	char *s = slurp(path);

	while (line-- > 0 && s)
		s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL;
	return s ? atoi(s) : 0;
}

static void exec_status(void)
{
	struct hc_check c = check_of(HC_CHECK_EXEC, 1000);
	struct hc_target t = target_of("127.0.0.1", 80);
	struct rec r;

	c.command = "true";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	c.command = "echo noise; echo more noise >&2; exit 3";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "exit 3");
	c.command = "kill -TERM $$";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "signal 15");
	c.command = "/nonexistent/check";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "exit 127");
	/* stdin is /dev/null: read gets EOF at once */
	c.command = "read x; test $? -ne 0";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
}

static void exec_timeout(void)
{
	struct hc_check c = check_of(HC_CHECK_EXEC, 300);
	struct hc_target t = target_of("127.0.0.1", 80);
	char path[64], cmd[512];
	pid_t sh, bg;
	int i;
	struct rec r;

	snprintf(path, sizeof(path), "%s/pids", tmpdir);
	/* The shell and a background child: the whole group dies. */
	snprintf(cmd, sizeof(cmd),
		 "sleep 10 & echo $$ $! > %s.tmp; mv %s.tmp %s; wait",
		 path, path, path);
	c.command = cmd;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "killed at timeout");
	KTAP_EXPECT(r.res.duration_ms >= 290 && r.res.duration_ms < 1000);
	sh = read_pid(path, 0);
	bg = atoi(strchr(slurp(path), ' ') ? strchr(slurp(path), ' ') : "0");
	KTAP_EXPECT(sh > 0 && bg > 0);
	/* Our child is reaped, not a zombie. */
	KTAP_EXPECT(sh > 0 && kill(sh, 0) < 0 && errno == ESRCH);
	/* SIGKILL is delivered at once, but a loaded host may be slow. */
	for (i = 0; i < 100 && bg > 0 && !process_gone(bg); i++)
		run_for(20);
	KTAP_EXPECT(bg > 0 && process_gone(bg));
}

static void exec_env(void)
{
	struct hc_check c = check_of(HC_CHECK_EXEC, 1500);
	struct nflb_service svc = { .family = AF_INET6, .proto = IPPROTO_UDP,
				    .port = 53 };
	struct hc_target t = target_of("10.0.1.1", 80);
	char path[64], cmd[512], fddir[64], *env;
	struct hc_probe *probe;
	struct dirent *de;
	int i, nfd = 0;
	struct rec r;
	pid_t pid;
	DIR *d;

	inet_pton(AF_INET6, "2001:db8::100", &svc.addr);
	t.svc = &svc;
	snprintf(path, sizeof(path), "%s/env", tmpdir);
	snprintf(cmd, sizeof(cmd), "env > %s", path);
	c.command = cmd;
	c.port = 8080;
	setenv("HC_PROBE_TEST_INHERITED", "yes", 1);
	setenv("NFLB_BACKEND_ADDR", "stale", 1);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	unsetenv("NFLB_BACKEND_ADDR");
	env = slurp(path);
	KTAP_EXPECT(strstr(env, "\nNFLB_BACKEND_ADDR=10.0.1.1\n") ||
		    !strncmp(env, "NFLB_BACKEND_ADDR=10.0.1.1\n", 27));
	KTAP_EXPECT(!strstr(env, "stale"));
	KTAP_EXPECT(strstr(env, "NFLB_BACKEND_PORT=8080\n"));
	KTAP_EXPECT(strstr(env, "NFLB_SERVICE_PROTO=udp\n"));
	KTAP_EXPECT(strstr(env, "NFLB_SERVICE_ADDR=2001:db8::100\n"));
	KTAP_EXPECT(strstr(env, "NFLB_SERVICE_PORT=53\n"));
	KTAP_EXPECT(strstr(env, "NFLB_CHECK_TIMEOUT=1.5\n"));
	KTAP_EXPECT(strstr(env, "HC_PROBE_TEST_INHERITED=yes\n"));

	/*
	 * The command's descriptors: 0, 1, 2, all /dev/null, nothing else.
	 * The shell waits rather than exec a sleep, whose start-up (the
	 * dynamic loader, locale files) would briefly hold a descriptor 3.
	 */
	snprintf(path, sizeof(path), "%s/fdpid", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "echo $$ > %s.tmp; mv %s.tmp %s; sleep 10 & wait",
		 path, path, path);
	probe = start(&c, &t, &r);
	KTAP_EXPECT(probe);
	for (i = 0; i < 100 && access(path, F_OK); i++)
		run_for(10);
	pid = read_pid(path, 0);
	KTAP_EXPECT(pid > 0);
	snprintf(fddir, sizeof(fddir), "/proc/%d/fd", pid);
	d = opendir(fddir);
	KTAP_EXPECT(d);
	while (d && (de = readdir(d))) {
		char link[320], target[64] = "";

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", fddir, de->d_name);
		KTAP_EXPECT(readlink(link, target, sizeof(target) - 1) > 0);
		KTAP_EXPECT(!strcmp(target, "/dev/null"));
		KTAP_EXPECT(atoi(de->d_name) <= 2);
		nfd++;
	}
	if (d)
		closedir(d);
	KTAP_EXPECT(nfd == 3);
	hc_probe_cancel(probe);
	run_for(50);
	KTAP_EXPECT(r.calls == 0);
	KTAP_EXPECT(pid > 0 && kill(pid, 0) < 0 && errno == ESRCH);

	/* No service: its variables are not set; whole seconds print so. */
	t.svc = NULL;
	c.port = 0;
	c.timeout_ms = 2000;
	snprintf(cmd, sizeof(cmd),
		 "test \"$NFLB_BACKEND_PORT\" = 80 -a "
		 "\"$NFLB_CHECK_TIMEOUT\" = 2 -a -z \"${NFLB_SERVICE_ADDR+x}\"");
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	t = target_of("::1", 443);
	snprintf(cmd, sizeof(cmd), "test \"$NFLB_BACKEND_ADDR\" = ::1");
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	unsetenv("HC_PROBE_TEST_INHERITED");
}

/*
 * The command runs as the check's user when the daemon is root (the tests
 * run as root in CI), with that user's groups only, and as the daemon
 * otherwise; systemd's variables for the daemon are never passed on.
 */
static void exec_user(void)
{
	struct hc_check c = check_of(HC_CHECK_EXEC, 1500);
	struct hc_target t = target_of("127.0.0.1", 80);
	struct passwd *pw = getpwnam("nobody");
	bool root = geteuid() == 0;
	gid_t gid = root ? (pw ? pw->pw_gid : 0) : getegid();
	uid_t uid = root ? (pw ? pw->pw_uid : 0) : geteuid();
	char cmd[512];
	struct rec r;

	KTAP_EXPECT(pw);
	if (!pw)
		return;
	c.user.name = "nobody";
	c.user.uid = pw->pw_uid;
	c.user.gid = pw->pw_gid;
	c.user.groups = &c.user.gid;
	c.user.n_groups = 1;
	c.user.home = pw->pw_dir;
	if (!root)
		printf("    # not root: the command runs as uid %u\n", uid);
	c.command = cmd;
	snprintf(cmd, sizeof(cmd),
		 "test \"$(id -u)\" = %u -a \"$(id -g)\" = %u || exit 3",
		 uid, gid);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	/* Root's other groups are gone. */
	if (root) {
		snprintf(cmd, sizeof(cmd), "test \"$(id -G)\" = %u", gid);
		KTAP_EXPECT(probe_once(&c, &t, &r));
		EXPECT_RESULT(r, true, "exit 0");
		snprintf(cmd, sizeof(cmd),
			 "test \"$HOME\" = '%s' -a \"$USER\" = nobody -a \"$LOGNAME\" = nobody",
			 pw->pw_dir);
		KTAP_EXPECT(probe_once(&c, &t, &r));
		EXPECT_RESULT(r, true, "exit 0");
	}
	/* Without a user (not from a file): as the daemon. */
	c.user.name = NULL;
	snprintf(cmd, sizeof(cmd), "test \"$(id -u)\" = %u", geteuid());
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");

	/* sd_notify() and socket activation are the daemon's alone. */
	setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDNAMES", "x", 1);
	setenv("WATCHDOG_USEC", "1000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	snprintf(cmd, sizeof(cmd),
		 "test -z \"${NOTIFY_SOCKET+x}${LISTEN_FDS+x}${LISTEN_PID+x}"
		 "${LISTEN_FDNAMES+x}${WATCHDOG_USEC+x}${WATCHDOG_PID+x}\"");
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	c.user.name = "nobody";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "exit 0");
	unsetenv("NOTIFY_SOCKET");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* One round of every kind, so that the loop's own descriptors exist. */
static void warm_up(void)
{
	struct hc_check tc = check_of(HC_CHECK_TCP, 300);
	struct hc_check ec = check_of(HC_CHECK_EXEC, 300);
	struct hc_check hc = check_of(HC_CHECK_HTTP, 300);
	struct hc_target t = target_of("127.0.0.1", 1);
	struct rec r;

	ec.command = "true";
	probe_once(&tc, &t, &r);
	probe_once(&ec, &t, &r);
	probe_once(&hc, &t, &r);
}

/*
 * Servers that never answer, for probes to be cancelled while they wait:
 * a listener whose backlog is full (tcp), an HTTP server that reads and
 * never replies, a UDP server that never replies.
 */
struct quiet_servers {
	struct full_listener fl;
	struct http_srv silent;
	struct udp_srv mute;
};

static void quiet_start(struct quiet_servers *q)
{
	warm_up();
	KTAP_EXPECT(full_listener_start(&q->fl));
	http_srv_start(&q->silent, "127.0.0.1", 200, "");
	q->silent.silent = true;
	udp_srv_start(&q->mute, "127.0.0.1", NULL);
}

/* Stop them; FDS descriptors were open once they ran: none leaked since. */
static void quiet_stop(struct quiet_servers *q, int fds)
{
	http_srv_stop(&q->silent);
	q->silent.fd = bound_socket("127.0.0.1", SOCK_STREAM, 0);	/* same count */
	KTAP_EXPECT(count_fds() == fds);
	if (count_fds() != fds)
		printf("    # fds: %d, before: %d\n", count_fds(), fds);
	close(q->silent.fd);
	udp_srv_stop(&q->mute);
	full_listener_stop(&q->fl);
}

static void cancel(void)
{
	struct hc_check tc = check_of(HC_CHECK_TCP, 2000);
	struct hc_check hc = check_of(HC_CHECK_HTTP, 2000);
	struct hc_check uc = check_of(HC_CHECK_UDP, 2000);
	struct hc_check ec = check_of(HC_CHECK_EXEC, 2000);
	struct hc_check rc = check_of(HC_CHECK_TCP, 2000);
	struct hc_target tt, ht, ut, et = target_of("127.0.0.1", 80);
	struct hc_target rt = target_of("255.255.255.255", 80);
	struct hc_probe *probes[5];
	struct rec r[5];
	struct quiet_servers q;
	char path[64], cmd[512];
	int fds, i;
	pid_t sh;

	quiet_start(&q);
	tt = target_of("127.0.0.1", q.fl.port);
	ht = target_of("127.0.0.1", q.silent.port);
	ut = target_of("127.0.0.1", q.mute.port);
	snprintf(path, sizeof(path), "%s/cancelpid", tmpdir);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s.tmp; mv %s.tmp %s; exec sleep 10",
		 path, path, path);
	ec.command = cmd;
	fds = count_fds();

	probes[0] = start(&tc, &tt, &r[0]);
	probes[1] = start(&hc, &ht, &r[1]);
	probes[2] = start(&uc, &ut, &r[2]);
	probes[3] = start(&ec, &et, &r[3]);
	for (i = 0; i < 4; i++)
		KTAP_EXPECT(probes[i]);
	/* Until the http request is in and the command has started. */
	for (i = 0; i < 100 && (!q.silent.requests || access(path, F_OK)); i++)
		run_for(10);
	KTAP_EXPECT(q.silent.requests == 1);
	sh = read_pid(path, 0);
	KTAP_EXPECT(sh > 0 && kill(sh, 0) == 0);
	KTAP_EXPECT(count_fds() > fds);
	KTAP_EXPECT(hc_prober_running(prober) == 4);
	/* Failed inside connect(): the result is pending when cancelled. */
	probes[4] = start(&rc, &rt, &r[4]);
	KTAP_EXPECT(probes[4]);
	KTAP_EXPECT(hc_prober_running(prober) == 5);
	for (i = 0; i < 5; i++)
		hc_probe_cancel(probes[i]);
	KTAP_EXPECT(hc_prober_running(prober) == 0);
	run_for(200);
	for (i = 0; i < 5; i++)
		KTAP_EXPECT(r[i].calls == 0);
	/* The command is killed and reaped from the loop. */
	KTAP_EXPECT(sh > 0 && kill(sh, 0) < 0 && errno == ESRCH);
	quiet_stop(&q, fds);
}

/*
 * The loop's epoll set must not keep a descriptor that is closed, or one
 * whose number now names another file: that registration's data is an
 * event source that was freed, and the next event on it aborts sd-event
 * ("Code should not be reached" in process_epoll()).  It happens when a
 * watched socket is closed before its source is disabled, and another
 * process holds the socket (an exec probe's child between fork() and
 * close_range()): closing does not take it out of the set then, and the
 * EPOLL_CTL_DEL that comes after finds no such descriptor.  The stale
 * registrations of the set, from its fdinfo: 0 if none, -1 if unreadable.
 */
static int epoll_stale(void)
{
	char path[64], line[256];
	unsigned long ino;
	struct stat st;
	int fd, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d",
		 sd_event_get_fd(ev));
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *i = strstr(line, " ino:");

		if (sscanf(line, "tfd: %d", &fd) != 1 || !i ||
		    sscanf(i, " ino:%lx", &ino) != 1)
			continue;
		if (fstat(fd, &st) < 0 || st.st_ino != ino) {
			printf("    # stale: tfd %d ino %lx\n", fd, ino);
			n++;
		}
	}
	fclose(f);
	return n;
}

/*
 * Probes of every kind cancelled at every stage of their run, over and
 * over, each time while a forked process holds every descriptor (as an
 * exec probe's child does before it closes them): the epoll set never
 * keeps a registration of a closed socket, and nothing leaks.
 */
static void cancel_churn(void)
{
	enum { ROUNDS = 60, KINDS = 4 };
	struct hc_check c[KINDS] = {
		check_of(HC_CHECK_TCP, 2000), check_of(HC_CHECK_HTTP, 2000),
		check_of(HC_CHECK_UDP, 2000), check_of(HC_CHECK_EXEC, 2000),
	};
	struct hc_target t[KINDS];
	struct hc_probe *probes[KINDS];
	struct quiet_servers q;
	struct rec r[KINDS];
	int fds, i, k, stale = 0, started = 0;
	pid_t holder;

	quiet_start(&q);
	t[0] = target_of("127.0.0.1", q.fl.port);
	t[1] = target_of("127.0.0.1", q.silent.port);
	t[2] = target_of("127.0.0.1", q.mute.port);
	t[3] = target_of("127.0.0.1", 80);
	c[3].command = "exec sleep 10";
	fds = count_fds();
	KTAP_EXPECT(epoll_stale() == 0);
	for (i = 0; i < ROUNDS; i++) {
		for (k = 0; k < KINDS; k++) {
			probes[k] = start(&c[k], &t[k], &r[k]);
			started += !!probes[k];
		}
		/* From right after the start to well into the run. */
		run_for(i % 10 * 3);
		holder = fork();
		if (holder == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		for (k = 0; k < KINDS; k++)
			if (probes[k] && !r[k].calls)
				hc_probe_cancel(probes[k]);
		run_for(2);
		k = epoll_stale();
		stale += k ? 1 : 0;
		if (holder > 0) {
			kill(holder, SIGKILL);
			waitpid(holder, NULL, 0);
		}
	}
	KTAP_EXPECT(started == ROUNDS * KINDS);
	KTAP_EXPECT(stale == 0);
	if (stale)
		printf("    # rounds with stale registrations: %d of %d\n",
		       stale, ROUNDS);
	/* The killed commands reaped, every socket closed. */
	for (i = 0; i < 100 && hc_prober_running(prober); i++)
		run_for(10);
	run_for(300);
	quiet_stop(&q, fds);
}

/* hc_prober_free() cancels what runs: children killed, DONE never called. */
static void prober_free_cancels(void)
{
	struct hc_check ec = check_of(HC_CHECK_EXEC, 2000);
	struct hc_check hc = check_of(HC_CHECK_HTTP, 2000);
	struct hc_target et = target_of("127.0.0.1", 80), ht;
	struct http_srv silent;
	char path[64], cmd[512];
	struct rec r[2];
	pid_t sh;
	int i;

	http_srv_start(&silent, "127.0.0.1", 200, "");
	silent.silent = true;
	ht = target_of("127.0.0.1", silent.port);
	snprintf(path, sizeof(path), "%s/freepid", tmpdir);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s.tmp; mv %s.tmp %s; exec sleep 10",
		 path, path, path);
	ec.command = cmd;
	KTAP_EXPECT(start(&ec, &et, &r[0]));
	KTAP_EXPECT(start(&hc, &ht, &r[1]));
	for (i = 0; i < 100 && (!silent.requests || access(path, F_OK)); i++)
		run_for(10);
	sh = read_pid(path, 0);
	KTAP_EXPECT(sh > 0 && kill(sh, 0) == 0);
	hc_prober_free(prober);
	KTAP_EXPECT(sh > 0 && kill(sh, 0) < 0 && errno == ESRCH);
	prober = hc_prober_new(ev);
	KTAP_EXPECT(prober);
	run_for(50);
	KTAP_EXPECT(r[0].calls == 0 && r[1].calls == 0);
	http_srv_stop(&silent);
}

static void many_tcp(void)
{
	enum { N = 100 };
	struct hc_check c = check_of(HC_CHECK_TCP, 2000);
	int lfd = bound_socket("127.0.0.1", SOCK_STREAM, 256);
	struct hc_target t = target_of("127.0.0.1", sock_port(lfd));
	static struct rec r[N];
	int i, ok = 0, calls = 0;
	uint64_t t0 = now_ms();

	for (i = 0; i < N; i++)
		KTAP_EXPECT(start(&c, &t, &r[i]));
	KTAP_EXPECT(hc_prober_running(prober) == N);
	while (hc_prober_running(prober) && now_ms() < t0 + 3000)
		sd_event_run(ev, 10 * 1000);
	for (i = 0; i < N; i++) {
		calls += r[i].calls;
		ok += r[i].res.ok && !strcmp(r[i].res.reason, "connected") &&
		      !r[i].from_start;
	}
	KTAP_EXPECT(calls == N);
	KTAP_EXPECT(ok == N);
	printf("    # %d tcp probes in %llu ms\n", N,
	       (unsigned long long)(now_ms() - t0));
	close(lfd);
}

/* keepalived-grade checks: method, headers, body regex */
static void http_method_headers_regex(void)
{
	struct hc_check c = check_of(HC_CHECK_HTTP, 1000);
	char *headers[] = { "X-Probe: lbhealthd", "Accept: text/plain" };
	struct http_srv srv;
	struct hc_target t;
	struct rec r;

	http_srv_start(&srv, "127.0.0.1", 200, "status: all systems OK\n");
	t = target_of("127.0.0.1", srv.port);
	c.path = "/health";
	c.method = "HEAD";
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(!strcmp(srv.line, "HEAD /health HTTP/1.1"));
	c.method = "POST";
	c.headers = headers;
	c.n_headers = 2;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(!strcmp(srv.line, "POST /health HTTP/1.1"));
	KTAP_EXPECT(strstr(srv.req, "\r\nX-Probe: lbhealthd\r\n") &&
		    strstr(srv.req, "\r\nAccept: text/plain\r\n"));
	if (!strstr(srv.req, "\r\nX-Probe: lbhealthd\r\n"))
		printf("    # request: %s\n", srv.req);
	c.method = NULL;
	c.n_headers = 0;
	KTAP_EXPECT(regcomp(&c.body_re, "systems (OK|DEGRADED)$",
			    REG_EXTENDED | REG_NOSUB | REG_NEWLINE) == 0);
	c.has_body_re = true;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "HTTP 200");
	KTAP_EXPECT(!strcmp(srv.line, "GET /health HTTP/1.1"));
	regfree(&c.body_re);
	KTAP_EXPECT(regcomp(&c.body_re, "^READY", REG_EXTENDED | REG_NOSUB) == 0);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "body regex mismatch (HTTP 200)");
	/* The status is judged first. */
	srv.status = 503;
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "HTTP 503");
	regfree(&c.body_re);
	KTAP_EXPECT(srv.requests == 5);
	http_srv_stop(&srv);
}

/* A tiny DNS server on the loop: how it answers. */
enum dns_mode { DNS_A, DNS_NXDOMAIN, DNS_EMPTY, DNS_OTHER_ID, DNS_MUTE };

struct dns_srv {
	int fd;
	uint16_t port;
	sd_event_source *src;
	enum dns_mode mode;
	int queries;
	uint16_t qtype;			/* of the last query */
	char qname[256];
};

static int dns_srv_io(sd_event_source *s, int fd, uint32_t revents,
		      void *userdata)
{
	static const uint8_t rr[] = {
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
		0x00, 0x04, 192, 0, 2, 53,
	};
	struct dns_srv *srv = userdata;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	uint8_t buf[512 + sizeof(rr)];
	ns_msg m;
	ns_rr q;
	ssize_t n;

	(void)s;
	(void)revents;
	n = recvfrom(fd, buf, 512, 0, (struct sockaddr *)&from, &len);
	if (n < NS_HFIXEDSZ)
		return 0;
	srv->queries++;
	if (ns_initparse(buf, n, &m) == 0 && ns_parserr(&m, ns_s_qd, 0, &q) == 0) {
		srv->qtype = ns_rr_type(q);
		snprintf(srv->qname, sizeof(srv->qname), "%.255s",
			 ns_rr_name(q));
	}
	if (srv->mode == DNS_MUTE)
		return 0;
	buf[2] |= 0x80;				/* QR */
	buf[3] = 0x80;				/* RA, rcode 0 */
	if (srv->mode == DNS_NXDOMAIN)
		buf[3] |= ns_r_nxdomain;
	if (srv->mode == DNS_OTHER_ID)
		buf[0] ^= 0xff;
	if (srv->mode == DNS_A) {
		memcpy(buf + n, rr, sizeof(rr));
		n += sizeof(rr);
		buf[7] = 1;			/* ANCOUNT */
	}
	sendto(fd, buf, n, 0, (struct sockaddr *)&from, len);
	return 0;
}

static void dns_srv_start(struct dns_srv *srv, const char *addr,
			  enum dns_mode mode)
{
	memset(srv, 0, sizeof(*srv));
	srv->mode = mode;
	srv->fd = bound_socket(addr, SOCK_DGRAM, -1);
	srv->port = sock_port(srv->fd);
	sd_event_add_io(ev, &srv->src, srv->fd, EPOLLIN, dns_srv_io, srv);
}

static void dns_srv_stop(struct dns_srv *srv)
{
	sd_event_source_disable_unref(srv->src);
	close(srv->fd);
}

static void dns(void)
{
	struct hc_check c = check_of(HC_CHECK_DNS, 300);
	struct dns_srv a, a6, nx, empty, other, mute;
	struct hc_target t;
	struct rec r;

	dns_srv_start(&a, "127.0.0.1", DNS_A);
	dns_srv_start(&a6, lo6, DNS_A);
	dns_srv_start(&nx, "127.0.0.1", DNS_NXDOMAIN);
	dns_srv_start(&empty, "127.0.0.1", DNS_EMPTY);
	dns_srv_start(&other, "127.0.0.1", DNS_OTHER_ID);
	dns_srv_start(&mute, "127.0.0.1", DNS_MUTE);
	c.query = "www.example.com";
	c.query_type = ns_t_a;

	t = target_of("127.0.0.1", a.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "NOERROR, 1 A record");
	KTAP_EXPECT(a.queries == 1 && a.qtype == ns_t_a &&
		    !strcmp(a.qname, "www.example.com"));
	t = target_of(lo6, a6.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "NOERROR, 1 A record");
	/* An answer of another type than asked for is no answer. */
	c.query_type = ns_t_aaaa;
	t = target_of("127.0.0.1", a.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "no AAAA record");
	KTAP_EXPECT(a.queries == 2 && a.qtype == ns_t_aaaa);
	c.query_type = ns_t_a;
	t = target_of("127.0.0.1", nx.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "NXDOMAIN");
	t = target_of("127.0.0.1", empty.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "no A record");
	t = target_of("127.0.0.1", other.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "reply to another query");
	t = target_of("127.0.0.1", mute.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "no reply");
	t = target_of("127.0.0.1", closed_udp_port("127.0.0.1"));
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "port unreachable");
	/* The check's port wins over the backend's. */
	c.port = a.port;
	t = target_of("127.0.0.1", mute.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "NOERROR, 1 A record");

	dns_srv_stop(&a);
	dns_srv_stop(&a6);
	dns_srv_stop(&nx);
	dns_srv_stop(&empty);
	dns_srv_stop(&other);
	dns_srv_stop(&mute);
}

/*
 * retry / delay-before-retry: a failed attempt is tried again after the
 * delay, and the run fails only when every attempt failed; one result
 * reaches DONE, saying which attempt it came from.
 */
static void retries(void)
{
	struct hc_check c = check_of(HC_CHECK_UDP, 200);
	struct hc_check x = check_of(HC_CHECK_EXEC, 1000);
	struct hc_check tcp = check_of(HC_CHECK_TCP, 1000);
	int nolisten = bound_socket("127.0.0.1", SOCK_STREAM, -1);
	struct hc_target t;
	struct udp_srv mute, pong;
	struct rec r;
	char cmd[256];

	udp_srv_start(&mute, "127.0.0.1", NULL);
	udp_srv_start(&pong, "127.0.0.1", "pong");
	c.retry = 2;
	c.retry_delay_ms = 100;
	/* Every attempt fails: 3 datagrams, 3 timeouts and 2 delays. */
	t = target_of("127.0.0.1", mute.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, false, "no reply (attempt 3 of 3)");
	KTAP_EXPECT(mute.datagrams == 3);
	KTAP_EXPECT(r.res.duration_ms >= 3 * 200 + 2 * 100);
	/* The first attempt succeeds: no retry, the reason as without. */
	t = target_of("127.0.0.1", pong.port);
	KTAP_EXPECT(probe_once(&c, &t, &r));
	EXPECT_RESULT(r, true, "reply");
	KTAP_EXPECT(pong.datagrams == 1);
	/* Refused at once, retried. */
	tcp.retry = 1;
	tcp.retry_delay_ms = 50;
	t = target_of("127.0.0.1", sock_port(nolisten));
	KTAP_EXPECT(probe_once(&tcp, &t, &r));
	EXPECT_RESULT(r, false, "connection refused (attempt 2 of 2)");
	KTAP_EXPECT(r.res.duration_ms >= 50);
	/* An exec check: a command that fails once, then succeeds. */
	snprintf(cmd, sizeof(cmd),
		 "test -e %s/tried && exit 0; touch %s/tried; exit 3",
		 tmpdir, tmpdir);
	x.command = cmd;
	x.retry = 2;
	x.retry_delay_ms = 50;
	t = target_of("127.0.0.1", 80);
	KTAP_EXPECT(probe_once(&x, &t, &r));
	EXPECT_RESULT(r, true, "exit 0 (attempt 2 of 3)");
	/* Cancelled while waiting to retry: DONE never comes. */
	t = target_of("127.0.0.1", mute.port);
	c.retry_delay_ms = 1000;
	{
		struct hc_probe *p = start(&c, &t, &r);

		run_for(400);
		KTAP_EXPECT(p && r.calls == 0 && mute.datagrams == 4);
		if (r.calls == 0)	/* else it is gone: no cancel */
			hc_probe_cancel(p);
		run_for(1300);
		KTAP_EXPECT(r.calls == 0 && mute.datagrams == 4);
		KTAP_EXPECT(hc_prober_running(prober) == 0);
	}
	close(nolisten);
	udp_srv_stop(&mute);
	udp_srv_stop(&pong);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(tcp_up_refused),
	KTAP_CASE(tcp_timeout),
	KTAP_CASE(never_from_start),
	KTAP_CASE(http_status),
	KTAP_CASE(http_body_host_v6),
	KTAP_CASE(http_transport_errors),
	KTAP_CASE(https),
	KTAP_CASE(https_host),
	KTAP_CASE(udp),
	KTAP_CASE(exec_status),
	KTAP_CASE(exec_timeout),
	KTAP_CASE(exec_env),
	KTAP_CASE(exec_user),
	KTAP_CASE(cancel),
	KTAP_CASE(cancel_churn),
	KTAP_CASE(prober_free_cancels),
	KTAP_CASE(many_tcp),
	KTAP_CASE(http_method_headers_regex),
	KTAP_CASE(dns),
	KTAP_CASE(retries),
	KTAP_CASE(https_sni),
};

int main(void)
{
	sigset_t chld;
	char cmd[128];
	int ret;

	/* As the daemon must: SIGCHLD blocked before the loop exists. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(tmpdir) || sd_event_new(&ev) < 0 ||
	    !(prober = hc_prober_new(ev))) {
		printf("KTAP version 1\n1..0 # SKIP cannot set up: %s\n",
		       strerror(errno));
		return EXIT_FAILURE;
	}
	pick_lo6();
	ret = ktap_run("hc_probe", cases, sizeof(cases) / sizeof(cases[0]));
	hc_prober_free(prober);
	sd_event_unref(ev);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		ret = EXIT_FAILURE;
	return ret;
}
