// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-client: the client of the nflb selftests, the peer of nflb-server.
 *
 * One-shot mode (default): N flows to ADDR PORT, each its own 5-tuple (TCP:
 * a new connection; UDP: a new connected socket, never reusing a source
 * port of this run).  Each flow sends one line and waits for the answer
 * line (the backend's name).  Flows run concurrently, C at a time, in one
 * poll loop.  A UDP request is sent again every timeout/4 until answered,
 * on the same socket (the same 5-tuple).
 *
 * Long-lived mode (-L): open N connections (N=1 by default) and keep them:
 * every -i ms send a line on each and check that the answer is the same as
 * the first one.  Ends when the --until file exists (or after -d seconds).
 *
 * Output on stdout, at the end:
 *   flow I SRC SPORT RESULT      with -v, one line per flow (RESULT: the
 *                                answer, or failed:REASON; long-lived: a
 *                                lost connection reads failed:REASON ANSWER)
 *   ANSWER COUNT                 per distinct answer: flows answered
 *                                (long-lived: connections alive at the end)
 *   lost:ANSWER COUNT            long-lived: connections that answered
 *                                ANSWER first and failed later
 *   failed COUNT                 flows that failed (always printed)
 *   failed:REASON COUNT          per reason: refused, reset, timeout,
 *                                unreachable, closed, changed, other
 *   rounds N                     long-lived: rounds completed
 * Exit status: 0 if no flow failed, 1 if any did, 2 on bad usage, 3 if the
 * long-lived mode reached -d before the --until file appeared.
 *
 * Usage: nflb-client [options] ADDR PORT
 *   -u, --udp              UDP (default TCP)
 *   -n, --flows N          flows or connections (default 1)
 *   -c, --concurrency C    flows in flight at once (default 50)
 *   -t, --timeout MS       per flow, per answer in long-lived mode (default 3000)
 *   -s, --source ADDR      bind to ADDR; repeated: flow I uses source I mod count
 *   -b, --sport-base B     flow I (1..N) uses source port B+I
 *   -m, --message TEXT     the line to send (default "hello")
 *   -v, --verbose          print a line per flow
 *   -L, --long             long-lived mode
 *   -i, --interval MS      long-lived: time between rounds (default 100)
 *   -d, --duration S       long-lived: stop after S seconds (default 10,
 *                          or 600 with --until)
 *   -f, --until FILE       long-lived: stop once FILE exists
 *   -r, --ready FILE       long-lived: once every connection answered,
 *                          write the flow lines and counts to FILE
 *   -S, --status FILE      long-lived: write "rounds N" to FILE after each round,
 *                          then the counts so far (as at the end)
 *   -R, --rounds N         long-lived: stop after N rounds (the first exchange,
 *                          before round 1, not counted): each connection
 *                          then sent exactly N + 1 lines
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES	256
#define ANSWER_MAX	128

enum state { F_IDLE, F_CONNECTING, F_WAITING, F_ANSWERED, F_FAILED };

struct flow {
	int idx;			/* 1..N */
	int fd;
	enum state state;
	int sport;
	char src[INET6_ADDRSTRLEN];
	char answer[ANSWER_MAX];	/* the first answer */
	char buf[ANSWER_MAX];		/* the answer being read */
	size_t len;
	int64_t deadline;
	int64_t resend;			/* UDP: when to send again */
	const char *reason;		/* F_FAILED */
	bool lost;			/* failed after a first answer */
};

struct sockaddr_any {
	union {
		struct sockaddr sa;
		struct sockaddr_in s4;
		struct sockaddr_in6 s6;
	};
	socklen_t len;
};

static struct sockaddr_any dst;
static struct sockaddr_any sources[MAX_SOURCES];
static int nsources;
static bool udp, verbose, longlived;
static int nflows = 1, concurrency = 50, timeout_ms = 3000, interval_ms = 100;
static int sport_base = -1;
static int max_rounds = -1;
static const char *message = "hello";
static char msgline[256];
static size_t msglen;
static uint8_t udp_ports_used[65536 / 8];

static void usage(void)
{
	fprintf(stderr, "usage: nflb-client [-u] [-n N] [-c C] [-t MS] [-s ADDR]... "
		"[-b BASE] [-m TEXT] [-v]\n"
		"                   [-L [-i MS] [-d S] [-f FILE] [-r FILE] [-S FILE] [-R N]] "
		"ADDR PORT\n");
	exit(2);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "nflb-client: bad number %s\n", s);
		exit(2);
	}
	return v;
}

/* "192.0.2.1", "2001:db8::1" or "[2001:db8::1]" */
static bool parse_addr(const char *s, int port, struct sockaddr_any *a)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	memset(a, 0, sizeof(*a));
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = 0;
		s = buf;
	}
	if (inet_pton(AF_INET, s, &a->s4.sin_addr) == 1) {
		a->s4.sin_family = AF_INET;
		a->s4.sin_port = htons(port);
		a->len = sizeof(a->s4);
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->s6.sin6_addr) == 1) {
		a->s6.sin6_family = AF_INET6;
		a->s6.sin6_port = htons(port);
		a->len = sizeof(a->s6);
		return true;
	}
	return false;
}

static const char *reason_of(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "refused";
	case ECONNRESET:
	case EPIPE:
		return "reset";
	case ETIMEDOUT:
		return "timeout";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return "other";
	}
}

static void flow_fail(struct flow *f, const char *reason, int err)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->state == F_ANSWERED || (f->state == F_WAITING && f->answer[0]))
		f->lost = true;
	f->state = F_FAILED;
	f->reason = reason;
	if (verbose && !strcmp(reason, "other"))
		fprintf(stderr, "nflb-client: flow %d: %s\n", f->idx, strerror(err));
}

static void local_name(struct flow *f)
{
	struct sockaddr_any a;

	a.len = sizeof(a.s6);
	if (getsockname(f->fd, &a.sa, &a.len))
		return;
	if (a.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a.s4.sin_addr, f->src, sizeof(f->src));
		f->sport = ntohs(a.s4.sin_port);
	} else {
		inet_ntop(AF_INET6, &a.s6.sin6_addr, f->src, sizeof(f->src));
		f->sport = ntohs(a.s6.sin6_port);
	}
}

static void flow_send(struct flow *f, int64_t now)
{
	ssize_t n = send(f->fd, msgline, msglen, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0 && !(udp && (errno == EAGAIN || errno == ENOBUFS))) {
		flow_fail(f, reason_of(errno), errno);
		return;
	}
	if (n >= 0 && (size_t)n != msglen) {
		flow_fail(f, "other", EMSGSIZE);
		return;
	}
	f->state = F_WAITING;
	f->len = 0;
	f->deadline = now + timeout_ms;
	f->resend = now + (timeout_ms / 4 > 0 ? timeout_ms / 4 : 1);
}

/* Open the flow's socket and start connecting (TCP) or send (UDP). */
static void flow_start(struct flow *f, int64_t now)
{
	int spare[64], nspare = 0, one = 1, fd, i;
	const struct sockaddr_any *src = NULL;
	struct sockaddr_any b;

	f->deadline = now + timeout_ms;
	if (nsources)
		src = &sources[(f->idx - 1) % nsources];
	for (;;) {
		fd = socket(dst.sa.sa_family,
			    (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			flow_fail(f, "other", errno);
			goto out;
		}
		f->fd = fd;
		if (src || sport_base >= 0) {
			if (src) {
				b = *src;
			} else {
				memset(&b, 0, sizeof(b));
				b.sa.sa_family = dst.sa.sa_family;
				b.len = dst.len;
			}
			if (sport_base >= 0) {
				int port = sport_base + f->idx;

				if (b.sa.sa_family == AF_INET)
					b.s4.sin_port = htons(port);
				else
					b.s6.sin6_port = htons(port);
				setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			} else if (!udp) {
				/* Let connect() pick a port unique for the 4-tuple. */
				setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
					   &one, sizeof(one));
			}
			if (bind(fd, &b.sa, b.len)) {
				flow_fail(f, "other", errno);
				goto out;
			}
		}
		if (connect(fd, &dst.sa, dst.len)) {
			if (errno == EINPROGRESS) {
				local_name(f);
				f->state = F_CONNECTING;
				goto out;
			}
			flow_fail(f, reason_of(errno), errno);
			goto out;
		}
		local_name(f);
		/* A UDP source port used before in this run would be an old
		 * 5-tuple: keep that socket open while asking for another.
		 */
		if (udp && sport_base < 0 &&
		    udp_ports_used[f->sport / 8] & (1 << (f->sport % 8)) &&
		    nspare < (int)(sizeof(spare) / sizeof(spare[0]))) {
			spare[nspare++] = fd;
			f->fd = -1;
			continue;
		}
		break;
	}
	if (udp)
		udp_ports_used[f->sport / 8] |= 1 << (f->sport % 8);
	flow_send(f, now);
out:
	for (i = 0; i < nspare; i++)
		close(spare[i]);
}

static void flow_connected(struct flow *f, int64_t now)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		flow_fail(f, reason_of(err), err);
		return;
	}
	local_name(f);
	flow_send(f, now);
}

/* Read the answer; returns true once a full line came. */
static void flow_read(struct flow *f)
{
	ssize_t n;
	char *nl;

	for (;;) {
		n = recv(f->fd, f->buf + f->len, sizeof(f->buf) - 1 - f->len,
			 MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			flow_fail(f, reason_of(errno), errno);
			return;
		}
		if (n == 0 && !udp) {
			flow_fail(f, "closed", 0);
			return;
		}
		f->len += n;
		f->buf[f->len] = 0;
		nl = strchr(f->buf, '\n');
		if (nl || udp || f->len == sizeof(f->buf) - 1) {
			if (nl)
				*nl = 0;
			if (!f->answer[0]) {
				snprintf(f->answer, sizeof(f->answer), "%s", f->buf);
			} else if (strcmp(f->answer, f->buf)) {
				flow_fail(f, "changed", 0);
				return;
			}
			f->state = F_ANSWERED;
			return;
		}
	}
}

/* Drive the flows in [0, n) until each is answered or failed, at most
 * concurrency at a time.  Starts the idle ones; with close_done, closes
 * the sockets of the answered ones.
 */
static void run_flows(struct flow *flows, int n, bool close_done)
{
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	struct flow **act = calloc(n, sizeof(*act));
	int next = 0, nact = 0, i, j;

	if (!pfd || !act) {
		perror("nflb-client: calloc");
		exit(1);
	}
	for (;;) {
		int64_t now = now_ms(), wake = now + 1000;

		/* Keep the in-flight set full. */
		for (i = 0, j = 0; i < nact; i++) {
			if (act[i]->state == F_CONNECTING || act[i]->state == F_WAITING)
				act[j++] = act[i];
			else if (close_done && act[i]->state == F_ANSWERED) {
				close(act[i]->fd);
				act[i]->fd = -1;
			}
		}
		nact = j;
		while (nact < concurrency && next < n) {
			struct flow *f = &flows[next++];

			if (f->state == F_IDLE)
				flow_start(f, now);
			else if (f->state == F_ANSWERED)	/* long-lived round */
				flow_send(f, now);
			if (f->state == F_CONNECTING || f->state == F_WAITING)
				act[nact++] = f;
			else if (close_done && f->state == F_ANSWERED) {
				close(f->fd);
				f->fd = -1;
			}
		}
		if (!nact)
			break;

		for (i = 0; i < nact; i++) {
			struct flow *f = act[i];

			if (now >= f->deadline) {
				flow_fail(f, "timeout", ETIMEDOUT);
				continue;
			}
			if (udp && f->state == F_WAITING && now >= f->resend) {
				send(f->fd, msgline, msglen, MSG_NOSIGNAL | MSG_DONTWAIT);
				f->resend = now + (timeout_ms / 4 > 0 ? timeout_ms / 4 : 1);
			}
			if (f->deadline < wake)
				wake = f->deadline;
			if (udp && f->resend < wake)
				wake = f->resend;
		}
		for (i = 0; i < nact; i++) {
			pfd[i].fd = act[i]->fd;	/* -1 if failed above: ignored */
			pfd[i].events = act[i]->state == F_CONNECTING ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, nact, wake > now ? wake - now : 0) < 0 && errno != EINTR) {
			perror("nflb-client: poll");
			exit(1);
		}
		now = now_ms();
		for (i = 0; i < nact; i++) {
			struct flow *f = act[i];

			if (!pfd[i].revents || f->fd < 0)
				continue;
			if (f->state == F_CONNECTING)
				flow_connected(f, now);
			else if (f->state == F_WAITING)
				flow_read(f);
		}
	}
	free(pfd);
	free(act);
}

struct count {
	char key[ANSWER_MAX + 16];
	int n;
};

static int count_cmp(const void *a, const void *b)
{
	return strcmp(((const struct count *)a)->key, ((const struct count *)b)->key);
}

static void count_add(struct count *c, int *nc, const char *key)
{
	int i;

	for (i = 0; i < *nc; i++) {
		if (!strcmp(c[i].key, key)) {
			c[i].n++;
			return;
		}
	}
	snprintf(c[*nc].key, sizeof(c[*nc].key), "%s", key);
	c[(*nc)++].n = 1;
}

/* The flow lines (if flow_lines) and the counts. */
static int report(FILE *out, struct flow *flows, int n, bool flow_lines, int rounds)
{
	static const char * const reasons[] = {
		"refused", "reset", "timeout", "unreachable", "closed", "changed", "other",
	};
	struct count *answers = calloc(n + 1, sizeof(*answers));
	struct count *lost = calloc(n + 1, sizeof(*lost));
	int nanswers = 0, nlost = 0, failed = 0, i, r, k;
	char key[ANSWER_MAX + 16];

	if (!answers || !lost) {
		perror("nflb-client: calloc");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		struct flow *f = &flows[i];

		if (flow_lines) {
			fprintf(out, "flow %d %s %d ", f->idx, f->src[0] ? f->src : "-", f->sport);
			if (f->state == F_FAILED && f->lost)
				fprintf(out, "failed:%s %s\n", f->reason, f->answer);
			else if (f->state == F_FAILED)
				fprintf(out, "failed:%s\n", f->reason);
			else
				fprintf(out, "%s\n", f->answer);
		}
		if (f->state == F_FAILED) {
			failed++;
			if (f->lost) {
				snprintf(key, sizeof(key), "lost:%s", f->answer);
				count_add(lost, &nlost, key);
			}
		} else if (f->state == F_ANSWERED) {
			count_add(answers, &nanswers, f->answer);
		}
	}
	qsort(answers, nanswers, sizeof(*answers), count_cmp);
	qsort(lost, nlost, sizeof(*lost), count_cmp);
	for (i = 0; i < nanswers; i++)
		fprintf(out, "%s %d\n", answers[i].key, answers[i].n);
	for (i = 0; i < nlost; i++)
		fprintf(out, "%s %d\n", lost[i].key, lost[i].n);
	fprintf(out, "failed %d\n", failed);
	for (r = 0; r < (int)(sizeof(reasons) / sizeof(reasons[0])); r++) {
		for (i = 0, k = 0; i < n; i++)
			if (flows[i].state == F_FAILED && !strcmp(flows[i].reason, reasons[r]))
				k++;
		if (k)
			fprintf(out, "failed:%s %d\n", reasons[r], k);
	}
	if (rounds >= 0)
		fprintf(out, "rounds %d\n", rounds);
	free(answers);
	free(lost);
	return failed;
}

/* Write FILE atomically (FILE.tmp, then rename). */
static FILE *file_begin(const char *path, char *tmp, size_t n)
{
	FILE *f;

	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "nflb-client: %s: %s\n", tmp, strerror(errno));
		exit(1);
	}
	return f;
}

static void file_end(FILE *f, const char *tmp, const char *path)
{
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "nflb-client: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int run_long(struct flow *flows, const char *until, int duration,
		    const char *ready, const char *status)
{
	int64_t end = now_ms() + (int64_t)duration * 1000, next;
	char tmp[4096];
	int rounds = 0, i;
	struct stat st;
	FILE *f;

	run_flows(flows, nflows, false);
	if (ready) {
		f = file_begin(ready, tmp, sizeof(tmp));
		report(f, flows, nflows, true, -1);
		file_end(f, tmp, ready);
	}
	for (;;) {
		next = now_ms() + interval_ms;
		if (until && !stat(until, &st))
			break;
		if (max_rounds >= 0 && rounds >= max_rounds)
			break;
		if (duration && now_ms() >= end) {
			if (until) {
				fprintf(stderr, "nflb-client: %d s passed before %s appeared\n",
					duration, until);
				report(stdout, flows, nflows, verbose, rounds);
				return 3;
			}
			break;
		}
		run_flows(flows, nflows, false);
		rounds++;
		if (status) {
			f = file_begin(status, tmp, sizeof(tmp));
			fprintf(f, "rounds %d\n", rounds);
			report(f, flows, nflows, false, -1);
			file_end(f, tmp, status);
		}
		while (now_ms() < next) {
			int64_t left = next - now_ms();
			struct timespec ts = { left / 1000, (left % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	for (i = 0; i < nflows; i++)
		if (flows[i].fd >= 0)
			close(flows[i].fd);
	return report(stdout, flows, nflows, verbose, rounds) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "udp", no_argument, NULL, 'u' },
		{ "flows", required_argument, NULL, 'n' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' },
		{ "sport-base", required_argument, NULL, 'b' },
		{ "message", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "long", no_argument, NULL, 'L' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "until", required_argument, NULL, 'f' },
		{ "ready", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 'S' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *until = NULL, *ready = NULL, *status = NULL;
	const char *srcs[MAX_SOURCES];
	int duration = -1, c, i, port;
	struct flow *flows;
	struct rlimit rl;

	while ((c = getopt_long(argc, argv, "un:c:t:s:b:m:vLi:d:f:r:S:R:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			udp = true;
			break;
		case 'n':
			nflows = number(optarg, 1, 1000000);
			break;
		case 'c':
			concurrency = number(optarg, 1, 100000);
			break;
		case 't':
			timeout_ms = number(optarg, 1, 3600000);
			break;
		case 's':
			if (nsources == MAX_SOURCES)
				usage();
			srcs[nsources++] = optarg;
			break;
		case 'b':
			sport_base = number(optarg, 0, 65534);
			break;
		case 'm':
			message = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'L':
			longlived = true;
			break;
		case 'i':
			interval_ms = number(optarg, 1, 3600000);
			break;
		case 'd':
			duration = number(optarg, 0, 86400);
			break;
		case 'f':
			until = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'S':
			status = optarg;
			break;
		case 'R':
			max_rounds = number(optarg, 0, 100000000);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 2)
		usage();
	port = number(argv[optind + 1], 1, 65535);
	if (!parse_addr(argv[optind], port, &dst)) {
		fprintf(stderr, "nflb-client: bad address %s\n", argv[optind]);
		return 2;
	}
	for (i = 0; i < nsources; i++) {
		if (!parse_addr(srcs[i], 0, &sources[i]) ||
		    sources[i].sa.sa_family != dst.sa.sa_family) {
			fprintf(stderr, "nflb-client: bad source address %s\n", srcs[i]);
			return 2;
		}
	}
	if (sport_base >= 0 && sport_base + nflows > 65535) {
		fprintf(stderr, "nflb-client: source ports beyond 65535\n");
		return 2;
	}
	if (strlen(message) + 2 > sizeof(msgline) || strchr(message, '\n'))
		usage();
	msglen = snprintf(msgline, sizeof(msgline), "%s\n", message);
	if (duration < 0)
		duration = until ? 600 : 10;
	if (!longlived && (until || ready || status || max_rounds >= 0))
		usage();

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	flows = calloc(nflows, sizeof(*flows));
	if (!flows) {
		perror("nflb-client: calloc");
		return 1;
	}
	for (i = 0; i < nflows; i++) {
		flows[i].idx = i + 1;
		flows[i].fd = -1;
	}

	if (longlived)
		return run_long(flows, until, duration, ready, status);
	run_flows(flows, nflows, true);
	return report(stdout, flows, nflows, verbose, -1) ? 1 : 0;
}
