// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's probes on an sd-event loop.
 *
 * tcp: a non-blocking connect(), writable with SO_ERROR 0 = up.
 * udp: a connected datagram socket, one datagram out, one expected back
 *      (an ICMP port unreachable shows as ECONNREFUSED on the socket).
 * http, https: one libcurl easy handle per run on the prober's curl multi
 *      handle, whose sockets and timer are driven by the loop
 *      (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION,
 *      curl_multi_socket_action()).
 * exec: /bin/sh -c COMMAND in its own process group, watched by an
 *      sd-event child source, the whole group SIGKILLed at the timeout.
 *
 * THE CALLER MUST BLOCK SIGCHLD (sigprocmask(), in every thread) BEFORE
 * CREATING THE LOOP: sd_event_add_child() requires it, and exec probes
 * fail to start (EBUSY) otherwise.  Children get an empty signal mask and
 * default dispositions before exec.
 *
 * Every run ends in finish(): its sockets, timers and curl handle are
 * released at once and the result is handed to DONE by a defer source, so
 * that DONE is never called from inside hc_probe_start() nor from inside
 * a libcurl callback.  An exec probe whose child is not reaped yet when
 * its result is delivered (a process that ignores SIGKILL for a while, in
 * uninterruptible sleep) or when it is cancelled stays in the prober's
 * list until the child source has reaped it.
 */

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* http: the part of the body kept for expect-body; more ends the run. */
#define HC_BODY_MAX		(64 * 1024)
/* exec: after the SIGKILL at the timeout, how long to wait for the reap. */
#define HC_EXEC_GRACE_US	(1000 * 1000ULL)
/* Timer slack: 1 ms (sd-event's default would be 250 ms). */
#define HC_TIMER_ACCURACY_US	1000

extern char **environ;

enum probe_state {
	PROBE_RUNNING,		/* waiting for I/O, the timeout or the child */
	PROBE_DONE,		/* result known, delivery pending (defer) */
	PROBE_REAPING,		/* delivered or cancelled; child not reaped */
};

struct hc_probe {
	struct hc_prober *p;
	struct hc_probe *prev, *next;
	enum probe_state state;
	const struct hc_check *check;
	const struct hc_target *t;
	hc_probe_done done;
	void *data;
	struct timespec start;
	struct hc_result res;
	sd_event_source *defer;		/* delivers the result, frees */
	sd_event_source *timer;		/* the run's timeout */
	/* tcp, udp */
	int fd;
	sd_event_source *io;
	/* exec */
	pid_t pid;			/* also the process group */
	sd_event_source *child;
	bool reaped;
	bool timed_out;
	/* http, https */
	CURL *easy;
	struct curl_slist *headers;
	char *body;			/* HC_BODY_MAX + 1, if expect_body */
	size_t body_len;		/* bytes of body seen, at most HC_BODY_MAX */
	bool body_full;			/* more than HC_BODY_MAX: run ended */
	char errbuf[CURL_ERROR_SIZE];
};

/* A socket libcurl asked us to watch. */
struct curl_sock {
	struct hc_prober *p;
	struct curl_sock *prev, *next;
	sd_event_source *io;
};

struct hc_prober {
	sd_event *ev;
	CURLM *multi;
	sd_event_source *curl_timer;
	struct hc_probe *probes;	/* every probe, in any state */
	struct curl_sock *socks;
	unsigned int running;		/* PROBE_RUNNING and PROBE_DONE */
};

static void probe_result(struct hc_probe *probe, bool ok, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));

static void probe_result(struct hc_probe *probe, bool ok, const char *fmt, ...)
{
	va_list ap;

	probe->res.ok = ok;
	va_start(ap, fmt);
	vsnprintf(probe->res.reason, sizeof(probe->res.reason), fmt, ap);
	va_end(ap);
}

static const char *errno_reason(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "connection refused";
	case ETIMEDOUT:
		return "connect timeout";
	default:
		return strerror(err);
	}
}

/* Release what the run holds but its child and its defer source. */
static void probe_release_io(struct hc_probe *probe)
{
	probe->io = sd_event_source_disable_unref(probe->io);
	probe->timer = sd_event_source_disable_unref(probe->timer);
	if (probe->fd >= 0) {
		close(probe->fd);
		probe->fd = -1;
	}
	if (probe->easy) {
		curl_multi_remove_handle(probe->p->multi, probe->easy);
		curl_easy_cleanup(probe->easy);
		probe->easy = NULL;
	}
	curl_slist_free_all(probe->headers);
	probe->headers = NULL;
	free(probe->body);
	probe->body = NULL;
}

static void probe_free(struct hc_probe *probe)
{
	struct hc_prober *p = probe->p;

	probe_release_io(probe);
	probe->child = sd_event_source_disable_unref(probe->child);
	probe->defer = sd_event_source_disable_unref(probe->defer);
	if (probe->prev)
		probe->prev->next = probe->next;
	else
		p->probes = probe->next;
	if (probe->next)
		probe->next->prev = probe->prev;
	free(probe);
}

/*
 * The run is over for its owner (delivered or cancelled): free it, or keep
 * it until its child is reaped.
 */
static void probe_retire(struct hc_probe *probe)
{
	if (probe->state != PROBE_REAPING)
		probe->p->running--;
	if (probe->child && !probe->reaped) {
		probe_release_io(probe);
		sd_event_source_set_enabled(probe->defer, SD_EVENT_OFF);
		probe->state = PROBE_REAPING;
		return;
	}
	probe_free(probe);
}

/* The result is in RES: stop everything and deliver it from the loop. */
static void finish(struct hc_probe *probe)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ((int64_t)(now.tv_sec - probe->start.tv_sec) * 1000000000 +
	      (now.tv_nsec - probe->start.tv_nsec)) / 1000000;
	probe->res.duration_ms = ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : ms;
	probe_release_io(probe);
	probe->state = PROBE_DONE;
	sd_event_source_set_enabled(probe->defer, SD_EVENT_ONESHOT);
}

static int probe_defer(sd_event_source *s, void *userdata)
{
	struct hc_probe *probe = userdata;
	struct hc_result res;
	hc_probe_done done;
	void *data;

	(void)s;
	if (probe->state == PROBE_REAPING) {
		if (probe->reaped)
			probe_free(probe);
		return 0;
	}
	/* Retire first: DONE may start, cancel, even free the prober. */
	res = probe->res;
	done = probe->done;
	data = probe->data;
	probe_retire(probe);
	done(&res, data);
	return 0;
}

static int add_timeout(struct hc_probe *probe, uint64_t usec,
		       sd_event_time_handler_t cb)
{
	return sd_event_add_time_relative(probe->p->ev, &probe->timer,
					  CLOCK_MONOTONIC, usec,
					  HC_TIMER_ACCURACY_US, cb, probe);
}

static uint64_t timeout_usec(const struct hc_probe *probe)
{
	return (uint64_t)probe->check->timeout_ms * 1000;
}

static uint16_t probe_port(const struct hc_probe *probe)
{
	return probe->check->port ? probe->check->port : probe->t->port;
}

static socklen_t target_sockaddr(const struct hc_probe *probe,
				 struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (probe->t->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(probe_port(probe));
		sin->sin_addr = probe->t->addr.v4;
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(probe_port(probe));
		sin6->sin6_addr = probe->t->addr.v6;
		return sizeof(*sin6);
	}
}

/* tcp */

static int tcp_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)s;
	(void)usec;
	probe_result(probe, false, "connect timeout");
	finish(probe);
	return 0;
}

static int tcp_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *probe = userdata;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)s;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		probe_result(probe, false, "%s", errno_reason(err));
	else if (revents & EPOLLOUT)
		probe_result(probe, true, "connected");
	else
		probe_result(probe, false, "connection closed");
	finish(probe);
	return 0;
}

static int tcp_start(struct hc_probe *probe)
{
	struct sockaddr_storage ss;
	socklen_t len = target_sockaddr(probe, &ss);
	int r;

	probe->fd = socket(ss.ss_family,
			   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe->fd < 0)
		return -errno;
	if (connect(probe->fd, (struct sockaddr *)&ss, len) == 0) {
		probe_result(probe, true, "connected");
		finish(probe);
		return 0;
	}
	if (errno != EINPROGRESS) {
		probe_result(probe, false, "%s", errno_reason(errno));
		finish(probe);
		return 0;
	}
	r = sd_event_add_io(probe->p->ev, &probe->io, probe->fd, EPOLLOUT,
			    tcp_io, probe);
	if (r < 0)
		return r;
	return add_timeout(probe, timeout_usec(probe), tcp_timeout);
}

/* udp */

static const char *udp_errno_reason(int err)
{
	return err == ECONNREFUSED ? "port unreachable" : strerror(err);
}

static int udp_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)s;
	(void)usec;
	probe_result(probe, false, "no reply");
	finish(probe);
	return 0;
}

static int udp_io(sd_event_source *s, int fd, uint32_t revents,
		  void *userdata)
{
	struct hc_probe *probe = userdata;
	const struct hc_check *c = probe->check;
	uint8_t buf[HC_MAX_PAYLOAD];
	ssize_t n;

	(void)s;
	(void)revents;
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		probe_result(probe, false, "%s", udp_errno_reason(errno));
	} else if (c->has_expect &&
		   ((size_t)n < c->expect_len ||
		    memcmp(buf, c->expect, c->expect_len))) {
		probe_result(probe, false, "reply mismatch");
	} else {
		probe_result(probe, true, "reply");
	}
	finish(probe);
	return 0;
}

static int udp_start(struct hc_probe *probe)
{
	const struct hc_check *c = probe->check;
	struct sockaddr_storage ss;
	socklen_t len = target_sockaddr(probe, &ss);
	size_t plen = c->payload_len < HC_MAX_PAYLOAD ? c->payload_len :
			HC_MAX_PAYLOAD;
	int r;

	probe->fd = socket(ss.ss_family,
			   SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe->fd < 0)
		return -errno;
	if (connect(probe->fd, (struct sockaddr *)&ss, len) < 0 ||
	    send(probe->fd, c->payload, plen, 0) < 0) {
		probe_result(probe, false, "%s", udp_errno_reason(errno));
		finish(probe);
		return 0;
	}
	r = sd_event_add_io(probe->p->ev, &probe->io, probe->fd, EPOLLIN,
			    udp_io, probe);
	if (r < 0)
		return r;
	return add_timeout(probe, timeout_usec(probe), udp_timeout);
}

/* exec */

static int exec_child(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)s;
	probe->reaped = true;	/* by sd-event, when this returns */
	if (probe->state == PROBE_REAPING) {
		/* Free it from the loop, not from inside this source. */
		sd_event_source_set_enabled(probe->defer, SD_EVENT_ONESHOT);
		return 0;
	}
	if (probe->state != PROBE_RUNNING)
		return 0;	/* grace expired: result already out */
	if (probe->timed_out)
		probe_result(probe, false, "killed at timeout");
	else if (si->si_code == CLD_EXITED)
		probe_result(probe, si->si_status == 0, "exit %d",
			     si->si_status);
	else
		probe_result(probe, false, "signal %d", si->si_status);
	finish(probe);
	return 0;
}

static int exec_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)usec;
	if (!probe->timed_out) {
		/* Kill the group, give the kernel a moment to let it die. */
		probe->timed_out = true;
		kill(-probe->pid, SIGKILL);
		if (sd_event_source_set_time_relative(s, HC_EXEC_GRACE_US) >= 0 &&
		    sd_event_source_set_enabled(s, SD_EVENT_ONESHOT) >= 0)
			return 0;
	}
	/* Not dead yet (uninterruptible sleep): report, reap later. */
	probe_result(probe, false, "killed at timeout");
	finish(probe);
	return 0;
}

static int env_add(char **envp, size_t *n, const char *name, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static int env_add(char **envp, size_t *n, const char *name, const char *fmt,
		   ...)
{
	char value[INET6_ADDRSTRLEN + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (asprintf(&envp[*n], "%s=%s", name, value) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static const char *const exec_vars[] = {
	"NFLB_BACKEND_ADDR", "NFLB_BACKEND_PORT", "NFLB_SERVICE_PROTO",
	"NFLB_SERVICE_ADDR", "NFLB_SERVICE_PORT", "NFLB_CHECK_TIMEOUT",
};
#define N_EXEC_VARS	(sizeof(exec_vars) / sizeof(exec_vars[0]))

static bool is_exec_var(const char *entry)
{
	size_t i, len = strcspn(entry, "=");

	for (i = 0; i < N_EXEC_VARS; i++)
		if (strlen(exec_vars[i]) == len &&
		    !strncmp(entry, exec_vars[i], len))
			return true;
	return false;
}

/*
 * The child's environment: ours first (allocated, N_OURS of them), then
 * the daemon's but for the names we set.  Built before fork() so that the
 * child only makes async-signal-safe calls.
 */
static char **exec_env(const struct hc_probe *probe, size_t *n_ours)
{
	const struct hc_target *t = probe->t;
	const struct nflb_service *svc = t->svc;
	char addr[INET6_ADDRSTRLEN], tmo[32];
	size_t n_env = 0, n = 0, i;
	uint32_t ms = probe->check->timeout_ms;
	char **envp;
	int len;

	while (environ && environ[n_env])
		n_env++;
	envp = calloc(n_env + N_EXEC_VARS + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	/* Seconds, decimal: 1, 0.3, 1.25. */
	len = snprintf(tmo, sizeof(tmo), "%u.%03u", ms / 1000, ms % 1000);
	while (len > 0 && tmo[len - 1] == '0')
		tmo[--len] = '\0';
	if (len > 0 && tmo[len - 1] == '.')
		tmo[--len] = '\0';
	inet_ntop(t->family, &t->addr, addr, sizeof(addr));
	if (env_add(envp, &n, "NFLB_BACKEND_ADDR", "%s", addr) ||
	    env_add(envp, &n, "NFLB_BACKEND_PORT", "%u", probe_port(probe)) ||
	    env_add(envp, &n, "NFLB_CHECK_TIMEOUT", "%s", tmo))
		goto fail;
	if (svc) {
		inet_ntop(svc->family, &svc->addr, addr, sizeof(addr));
		if (env_add(envp, &n, "NFLB_SERVICE_PROTO", "%s",
			    svc->proto == IPPROTO_UDP ? "udp" : "tcp") ||
		    env_add(envp, &n, "NFLB_SERVICE_ADDR", "%s", addr) ||
		    env_add(envp, &n, "NFLB_SERVICE_PORT", "%u", svc->port))
			goto fail;
	}
	*n_ours = n;
	for (i = 0; i < n_env; i++)
		if (!is_exec_var(environ[i]))
			envp[n++] = environ[i];
	return envp;
fail:
	for (i = 0; i < n; i++)
		free(envp[i]);
	free(envp);
	return NULL;
}

/* In the child, between fork() and exec: async-signal-safe calls only. */
static void __attribute__((noreturn))
exec_child_run(const char *command, char **envp)
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	struct sigaction sa;
	struct rlimit rl;
	sigset_t none;
	int sig, fd;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		_exit(127);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	/* Nothing of the daemon's but 0, 1, 2 (close_range: Linux 5.9). */
	if (close_range(3, ~0U, 0) < 0 && !getrlimit(RLIMIT_NOFILE, &rl))
		for (fd = 3; (rlim_t)fd < rl.rlim_cur; fd++)
			close(fd);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

static int exec_start(struct hc_probe *probe)
{
	size_t n_ours = 0, i;
	char **envp;
	int r;

	if (!probe->check->command)
		return -EINVAL;
	envp = exec_env(probe, &n_ours);
	if (!envp)
		return -ENOMEM;
	probe->pid = fork();
	if (probe->pid == 0)
		exec_child_run(probe->check->command, envp);
	r = probe->pid < 0 ? -errno : 0;
	for (i = 0; i < n_ours; i++)
		free(envp[i]);
	free(envp);
	if (r < 0) {
		probe->pid = 0;
		return r;
	}
	/* Both sides set the group: kill(-pid) works from now on. */
	setpgid(probe->pid, probe->pid);
	r = sd_event_add_child(probe->p->ev, &probe->child, probe->pid,
			       WEXITED, exec_child, probe);
	if (r < 0) {
		kill(-probe->pid, SIGKILL);
		kill(probe->pid, SIGKILL);
		waitpid(probe->pid, NULL, 0);
		probe->pid = 0;
		return r;
	}
	/* Killed and reaped if the probe is freed before the child ends. */
	sd_event_source_set_child_process_own(probe->child, 1);
	return add_timeout(probe, timeout_usec(probe), exec_timeout);
}

/* http, https */

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
			probe_result(probe, false, "%s", errno_reason((int)oserr));
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
		else
			probe_result(probe, true, "HTTP %ld", status);
	}
	finish(probe);
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
	int mask = 0, running;

	(void)s;
	if (revents & EPOLLIN)
		mask |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		mask |= CURL_CSELECT_ERR;
	curl_multi_socket_action(p->multi, fd, mask, &running);
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
	struct hc_prober *p = cs->p;

	sd_event_source_disable_unref(cs->io);
	if (cs->prev)
		cs->prev->next = cs->next;
	else
		p->socks = cs->next;
	if (cs->next)
		cs->next->prev = cs->prev;
	free(cs);
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
	if (cs)
		return sd_event_source_set_io_events(cs->io, events) < 0 ? -1 : 0;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -1;
	cs->p = p;
	if (sd_event_add_io(p->ev, &cs->io, fd, events, curl_io, cs) < 0) {
		free(cs);
		return -1;
	}
	cs->next = p->socks;
	if (p->socks)
		p->socks->prev = cs;
	p->socks = cs;
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

static int http_start(struct hc_probe *probe)
{
	const struct hc_check *c = probe->check;
	bool https = c->type == HC_CHECK_HTTPS;
	char addr[INET6_ADDRSTRLEN], url[INET6_ADDRSTRLEN + 32], *hdr;
	const char *path = c->path ? c->path : "/";
	CURL *easy;
	char *full;
	int r;

	inet_ntop(probe->t->family, &probe->t->addr, addr, sizeof(addr));
	snprintf(url, sizeof(url), "%s://%s%s%s:%u", https ? "https" : "http",
		 probe->t->family == AF_INET6 ? "[" : "", addr,
		 probe->t->family == AF_INET6 ? "]" : "", probe_port(probe));
	if (asprintf(&full, "%s%s", url, path) < 0)
		return -ENOMEM;
	if (c->expect_body) {
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
	if (probe->headers)
		SETOPT(CURLOPT_HTTPHEADER, probe->headers);
	if (curl_multi_add_handle(probe->p->multi, easy) != CURLM_OK)
		return -ENOMEM;
	return 0;
}

/* The API */

struct hc_prober *hc_prober_new(sd_event *ev)
{
	struct hc_prober *p;
	int r;

	if (!ev) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->ev = sd_event_ref(ev);
	p->multi = curl_multi_init();
	if (!p->multi) {
		r = -ENOMEM;
		goto fail;
	}
	r = sd_event_add_time(ev, &p->curl_timer, CLOCK_MONOTONIC, 0,
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
	return p;
fail:
	if (p->multi)
		curl_multi_cleanup(p->multi);
	sd_event_source_disable_unref(p->curl_timer);
	sd_event_unref(p->ev);
	curl_global_cleanup();
	free(p);
	errno = -r;
	return NULL;
}

void hc_prober_free(struct hc_prober *p)
{
	if (!p)
		return;
	/* A child still running is SIGKILLed (its group too) and reaped. */
	while (p->probes) {
		struct hc_probe *probe = p->probes;

		if (probe->child && !probe->reaped)
			kill(-probe->pid, SIGKILL);
		probe_free(probe);
	}
	curl_multi_cleanup(p->multi);
	while (p->socks)
		curl_sock_free(p->socks);
	sd_event_source_disable_unref(p->curl_timer);
	sd_event_unref(p->ev);
	curl_global_cleanup();
	free(p);
}

struct hc_probe *hc_probe_start(struct hc_prober *p,
				const struct hc_check *check,
				const struct hc_target *t,
				hc_probe_done done, void *data)
{
	struct hc_probe *probe;
	int r;

	if (!p || !check || !t || !done) {
		errno = EINVAL;
		return NULL;
	}
	if (t->family != AF_INET && t->family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	probe = calloc(1, sizeof(*probe));
	if (!probe)
		return NULL;
	probe->p = p;
	probe->check = check;
	probe->t = t;
	probe->done = done;
	probe->data = data;
	probe->fd = -1;
	probe->state = PROBE_RUNNING;
	clock_gettime(CLOCK_MONOTONIC, &probe->start);
	probe->next = p->probes;
	if (p->probes)
		p->probes->prev = probe;
	p->probes = probe;

	r = sd_event_add_defer(p->ev, &probe->defer, probe_defer, probe);
	if (r >= 0)
		r = sd_event_source_set_enabled(probe->defer, SD_EVENT_OFF);
	if (r < 0)
		goto fail;
	switch (check->type) {
	case HC_CHECK_TCP:
		r = tcp_start(probe);
		break;
	case HC_CHECK_UDP:
		r = udp_start(probe);
		break;
	case HC_CHECK_HTTP:
	case HC_CHECK_HTTPS:
		r = http_start(probe);
		break;
	case HC_CHECK_EXEC:
		r = exec_start(probe);
		break;
	default:
		r = -EINVAL;
		break;
	}
	if (r < 0)
		goto fail;
	p->running++;
	return probe;
fail:
	if (probe->child && !probe->reaped)
		kill(-probe->pid, SIGKILL);
	probe_free(probe);
	errno = -r;
	return NULL;
}

void hc_probe_cancel(struct hc_probe *probe)
{
	if (!probe || probe->state == PROBE_REAPING)
		return;
	if (probe->child && !probe->reaped)
		kill(-probe->pid, SIGKILL);
	probe_retire(probe);
}

unsigned int hc_prober_running(const struct hc_prober *p)
{
	return p ? p->running : 0;
}
