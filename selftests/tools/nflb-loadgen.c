// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-loadgen: the load generator of `make bench` (scripts/bench), and its
 * server.  IPv4 only.  Every client mode runs for a fixed time and stops by
 * itself; results are printed as "KEY VALUE" lines on stdout.
 *
 *   nflb-loadgen serve [-p PORT] [-r FILE]
 *       TCP and UDP on 0.0.0.0:PORT (default 80), one epoll loop.  A TCP
 *       connection whose first byte is 'R' gets "ok\n" once its first line
 *       is complete, then the server closes it; any other connection is a
 *       sink, read and discarded until EOF.  UDP datagrams are discarded.
 *       -r FILE is created once the sockets listen.  Exits on SIGTERM.
 *
 *   nflb-loadgen crr -d SEC [-c CONC] [-t MS] [-s SRC] [-a COUNT] ADDR[,ADDR...] PORT
 *       Connect, request, response, close: CONC connections in flight (50)
 *       to ADDR (with a list: connection I to the (I mod count)-th one)
 *       for SEC seconds; each sends "R\n", reads the answer and the
 *       server's close.  Source addresses SRC, SRC+1, ... (COUNT of them,
 *       default 1) and ports 1024..65535 of each: every connection has its
 *       own 4-tuple, never reused within a run.  A connection failing
 *       (refused, reset, no answer within MS, default 2000) counts as
 *       failed.  Prints completed, failed, failed:REASON, seconds, rate
 *       (completed per second).  Connections still open at the end are
 *       abandoned, not counted.
 *
 *   nflb-loadgen udp -d SEC [-l LEN] [-s SRC] ADDR PORT
 *       One flow: datagrams of LEN bytes (default 18), sent in batches of
 *       64 (sendmmsg) for SEC seconds.  Prints sent, seconds, rate.
 *       The receiver's count is the caller's to read (/proc/net/snmp).
 *
 *   nflb-loadgen bulk -d SEC [-s SRC] ADDR PORT
 *       One TCP connection: writes 64 KiB blocks for SEC seconds, then
 *       shuts down its side and waits for the server's close, so that every
 *       byte counted has been received.  Prints bytes, seconds, rate
 *       (bytes per second).
 *
 *   nflb-loadgen hold -n N [-s SRC] [-d SEC] [-r FILE] [-f FILE] ADDR PORT
 *       Opens N TCP connections (sinks) and keeps them; writes "open N" to
 *       the -r FILE once all are established, then waits until the -f FILE
 *       exists (or SEC seconds, default 600), and closes them.
 *
 * Exit status: 0, 1 on a failure (crr: any failed connection), 2 on bad
 * usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define BULK_BLOCK	65536
#define MAX_EVENTS	256

static void die(const char *what)
{
	fprintf(stderr, "nflb-loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nflb-loadgen serve [-p PORT] [-r FILE]\n"
		"       nflb-loadgen crr -d SEC [-c CONC] [-t MS] [-s SRC] [-a COUNT] ADDR[,ADDR...] PORT\n"
		"       nflb-loadgen udp -d SEC [-l LEN] [-s SRC] ADDR PORT\n"
		"       nflb-loadgen bulk -d SEC [-s SRC] ADDR PORT\n"
		"       nflb-loadgen hold -n N [-s SRC] [-d SEC] [-r FILE] [-f FILE] ADDR PORT\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "nflb-loadgen: %s must be a number in [%ld, %ld], not \"%s\"\n",
			what, lo, hi, s);
		exit(2);
	}
	return v;
}

static struct in_addr addr4(const char *s, const char *what)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "nflb-loadgen: %s: not an IPv4 address: \"%s\"\n", what, s);
		exit(2);
	}
	return a;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void epoll_add(int epfd, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		die("epoll_ctl");
}

/* A non-blocking socket bound to src:sport (sport 0: any), connecting. */
static int tcp_start(struct in_addr src, int sport, struct sockaddr_in *dst)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = src,
				  .sin_port = htons(sport) };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (src.s_addr != htonl(INADDR_ANY) || sport) {
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)dst, sizeof(*dst)) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------------ serve */

enum { S_SIGNAL = 1, S_LISTEN, S_UDP };

struct sconn {
	int fd;
	int mode;	/* 0 unknown, 'R' request, 'S' sink */
};

static void serve_read(int epfd, struct sconn *c)
{
	static char buf[BULK_BLOCK];
	ssize_t n;

	for (;;) {
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		if (!c->mode)
			c->mode = buf[0] == 'R' ? 'R' : 'S';
		if (c->mode == 'R' && memchr(buf, '\n', n)) {
			if (write(c->fd, "ok\n", 3) != 3)
				break;
			break;
		}
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static int cmd_serve(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev[MAX_EVENTS];
	const char *ready = NULL;
	int port = 80, opt, tfd, ufd, sfd, epfd, one = 1, i, n;
	static char buf[2048];
	sigset_t mask;

	while ((opt = getopt(argc, argv, "p:r:")) != -1) {
		switch (opt) {
		case 'p': port = num(optarg, 1, 65535, "port"); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	raise_nofile();
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || epfd < 0)
		die("signalfd/epoll");
	sa.sin_port = htons(port);
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (tfd < 0 || ufd < 0)
		die("socket");
	setsockopt(tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(tfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    bind(ufd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	if (listen(tfd, 4096))
		die("listen");
	epoll_add(epfd, sfd, EPOLLIN, S_SIGNAL);
	epoll_add(epfd, tfd, EPOLLIN, S_LISTEN);
	epoll_add(epfd, ufd, EPOLLIN, S_UDP);
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			die(ready);
		close(fd);
	}
	for (;;) {
		n = epoll_wait(epfd, ev, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			uint64_t d = ev[i].data.u64;

			if (d == S_SIGNAL)
				return 0;
			if (d == S_UDP) {
				while (recv(ufd, buf, sizeof(buf), 0) >= 0)
					;
			} else if (d == S_LISTEN) {
				int fd;

				while ((fd = accept4(tfd, NULL, NULL,
						     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct sconn *c = calloc(1, sizeof(*c));

					if (!c)
						die("calloc");
					c->fd = fd;
					epoll_add(epfd, fd, EPOLLIN, (uintptr_t)c);
				}
			} else {
				serve_read(epfd, (struct sconn *)(uintptr_t)d);
			}
		}
	}
}

/* -------------------------------------------------------------------- crr */

enum { R_REFUSED, R_RESET, R_TIMEOUT, R_UNREACH, R_CLOSED, R_BIND, R_OTHER, R_MAX };
static const char *const reasons[R_MAX] = {
	"refused", "reset", "timeout", "unreachable", "closed", "bind", "other",
};

static int reason_of(int err)
{
	switch (err) {
	case ECONNREFUSED: return R_REFUSED;
	case ECONNRESET: return R_RESET;
	case ETIMEDOUT: return R_TIMEOUT;
	case EHOSTUNREACH: case ENETUNREACH: return R_UNREACH;
	default: return R_OTHER;
	}
}

struct slot {
	int fd;
	bool sent, answered;
	double start;
};

#define MAX_DST		16

struct crr {
	struct sockaddr_in dst[MAX_DST];
	int ndst;
	uint32_t src;		/* host order: first source address */
	long srcs;		/* how many */
	long next;		/* next (address, port) pair */
	int epfd;
	long completed, failed;
	long why[R_MAX];
};

#define PORTS_PER_ADDR	(65536 - 1024)

/* Start slot i's next connection; false when the 4-tuples ran out. */
static bool crr_open(struct crr *r, struct slot *s, long i)
{
	struct in_addr src;
	int sport;

	for (;;) {
		if (r->next >= r->srcs * PORTS_PER_ADDR)
			return false;
		src.s_addr = htonl(r->src + r->next / PORTS_PER_ADDR);
		sport = 1024 + r->next % PORTS_PER_ADDR;
		r->next++;
		s->fd = tcp_start(src, sport, &r->dst[r->next % r->ndst]);
		if (s->fd >= 0)
			break;
		if (errno != EADDRINUSE) {
			r->failed++;
			r->why[errno == EADDRNOTAVAIL ? R_BIND : reason_of(errno)]++;
		}
	}
	s->sent = s->answered = false;
	s->start = now();
	epoll_add(r->epfd, s->fd, EPOLLOUT | EPOLLIN, i);
	return true;
}

static void crr_end(struct crr *r, struct slot *s, int reason)
{
	close(s->fd);
	s->fd = -1;
	if (reason < 0) {
		r->completed++;
	} else {
		r->failed++;
		r->why[reason]++;
	}
}

static void crr_event(struct crr *r, struct slot *s, long i, uint32_t events)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[64];
	ssize_t n;
	int err = 0;
	socklen_t len = sizeof(err);

	if (events & EPOLLERR) {
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		crr_end(r, s, reason_of(err));
		return;
	}
	if (!s->sent && (events & EPOLLOUT)) {
		if (write(s->fd, "R\n", 2) != 2) {
			crr_end(r, s, reason_of(errno));
			return;
		}
		s->sent = true;
		ev.data.u64 = i;
		epoll_ctl(r->epfd, EPOLL_CTL_MOD, s->fd, &ev);
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)))
		return;
	for (;;) {
		n = read(s->fd, buf, sizeof(buf));
		if (n > 0) {
			s->answered = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			crr_end(r, s, reason_of(errno));
			return;
		}
		/* EOF: the server answered and closed. */
		crr_end(r, s, s->answered ? -1 : R_CLOSED);
		return;
	}
}

static int cmd_crr(int argc, char **argv)
{
	struct crr r = { .srcs = 1 };
	char *list, *tok, *save = NULL;
	struct epoll_event ev[MAX_EVENTS];
	long conc = 50, timeout_ms = 2000, i, live;
	double dur = 0, t0, end, t;
	struct in_addr src = { htonl(INADDR_ANY) };
	struct slot *slots;
	bool more = true;
	int opt, n, k;

	while ((opt = getopt(argc, argv, "d:c:t:s:a:")) != -1) {
		switch (opt) {
		case 'd': dur = num(optarg, 1, 86400, "duration"); break;
		case 'c': conc = num(optarg, 1, 100000, "concurrency"); break;
		case 't': timeout_ms = num(optarg, 1, 600000, "timeout"); break;
		case 's': src = addr4(optarg, "source"); break;
		case 'a': r.srcs = num(optarg, 1, 65536, "address count"); break;
		default: usage();
		}
	}
	if (!dur || argc - optind != 2)
		usage();
	list = argv[optind];
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (r.ndst == MAX_DST) {
			fprintf(stderr, "nflb-loadgen: at most %d destinations\n", MAX_DST);
			exit(2);
		}
		r.dst[r.ndst].sin_family = AF_INET;
		r.dst[r.ndst].sin_addr = addr4(tok, "destination");
		r.dst[r.ndst].sin_port = htons(num(argv[optind + 1], 1, 65535, "port"));
		r.ndst++;
	}
	if (!r.ndst)
		usage();
	r.src = ntohl(src.s_addr);
	if (!r.src)	/* no source given: one address, the kernel's choice */
		r.srcs = 1;
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	slots = calloc(conc, sizeof(*slots));
	if (r.epfd < 0 || !slots)
		die("epoll/calloc");
	t0 = now();
	end = t0 + dur;
	for (i = 0; i < conc; i++) {
		slots[i].fd = -1;
		if (more && !crr_open(&r, &slots[i], i))
			more = false;
	}
	for (;;) {
		t = now();
		if (t >= end)
			break;
		n = epoll_wait(r.epfd, ev, MAX_EVENTS, 50);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (k = 0; k < n; k++) {
			struct slot *s = &slots[ev[k].data.u64];

			if (s->fd >= 0)
				crr_event(&r, s, ev[k].data.u64, ev[k].events);
		}
		t = now();
		live = 0;
		for (i = 0; i < conc; i++) {
			struct slot *s = &slots[i];

			if (s->fd >= 0 && (t - s->start) * 1000 > timeout_ms)
				crr_end(&r, s, R_TIMEOUT);
			if (s->fd < 0 && more && t < end && !crr_open(&r, s, i))
				more = false;
			live += s->fd >= 0;
		}
		if (!live)
			break;
	}
	t = now();
	for (i = 0; i < conc; i++)
		if (slots[i].fd >= 0)
			close(slots[i].fd);
	if (!more)
		fprintf(stderr, "nflb-loadgen: ran out of source ports: give more addresses (-a)\n");
	printf("completed %ld\nfailed %ld\n", r.completed, r.failed);
	for (k = 0; k < R_MAX; k++)
		if (r.why[k])
			printf("failed:%s %ld\n", reasons[k], r.why[k]);
	printf("seconds %.3f\nrate %.1f\n", t - t0, r.completed / (t - t0));
	free(slots);
	return r.failed || !more ? 1 : 0;
}

/* -------------------------------------------------------------------- udp */

static int cmd_udp(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	static char payload[1472];
	long len = 18, sent = 0;
	double dur = 0, t0, end, t;
	int opt, fd, i, n;

	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	while ((opt = getopt(argc, argv, "d:l:s:")) != -1) {
		switch (opt) {
		case 'd': dur = num(optarg, 1, 86400, "duration"); break;
		case 'l': len = num(optarg, 1, sizeof(payload), "length"); break;
		case 's': sa.sin_addr = addr4(optarg, "source"); break;
		default: usage();
		}
	}
	if (!dur || argc - optind != 2)
		usage();
	dst.sin_addr = addr4(argv[optind], "destination");
	dst.sin_port = htons(num(argv[optind + 1], 1, 65535, "port"));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
		die("connect");
	memset(payload, 'u', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = len;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	end = t0 + dur;
	do {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n < 0 && errno != EINTR && errno != ENOBUFS &&
		    errno != ECONNREFUSED && errno != EAGAIN)
			die("sendmmsg");
		if (n > 0)
			sent += n;
		t = now();
	} while (t < end);
	printf("sent %ld\nseconds %.3f\nrate %.1f\n", sent, t - t0, sent / (t - t0));
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------- bulk */

static int wait_fd(int fd, short events, int ms)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC), n;
	struct epoll_event ev;

	if (epfd < 0)
		die("epoll_create1");
	epoll_add(epfd, fd, events, 0);
	n = epoll_wait(epfd, &ev, 1, ms);
	close(epfd);
	return n;
}

static int cmd_bulk(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr src = { htonl(INADDR_ANY) };
	static char block[BULK_BLOCK];
	double dur = 0, t0, end, t;
	long long bytes = 0;
	int opt, fd, err = 0;
	socklen_t len = sizeof(err);
	ssize_t n;

	while ((opt = getopt(argc, argv, "d:s:")) != -1) {
		switch (opt) {
		case 'd': dur = num(optarg, 1, 86400, "duration"); break;
		case 's': src = addr4(optarg, "source"); break;
		default: usage();
		}
	}
	if (!dur || argc - optind != 2)
		usage();
	dst.sin_addr = addr4(argv[optind], "destination");
	dst.sin_port = htons(num(argv[optind + 1], 1, 65535, "port"));
	signal(SIGPIPE, SIG_IGN);
	fd = tcp_start(src, 0, &dst);
	if (fd < 0)
		die("connect");
	if (wait_fd(fd, EPOLLOUT, 5000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		errno = err ? err : ETIMEDOUT;
		die("connect");
	}
	memset(block, 'B', sizeof(block));
	t0 = now();
	end = t0 + dur;
	for (t = t0; t < end; t = now()) {
		if (wait_fd(fd, EPOLLOUT, 100) != 1)
			continue;
		n = write(fd, block, sizeof(block));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			die("write");
		bytes += n;
	}
	/* Every byte written is counted once the server has read it all. */
	shutdown(fd, SHUT_WR);
	for (;;) {
		if (wait_fd(fd, EPOLLIN, 30000) != 1) {
			fprintf(stderr, "nflb-loadgen: no close from the server\n");
			return 1;
		}
		n = read(fd, block, sizeof(block));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
	}
	t = now();
	close(fd);
	printf("bytes %lld\nseconds %.3f\nrate %.1f\n", bytes, t - t0, bytes / (t - t0));
	return 0;
}

/* ------------------------------------------------------------------- hold */

static int cmd_hold(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr src = { htonl(INADDR_ANY) };
	const char *ready = NULL, *until = NULL;
	long n = 0, i, open_n = 0;
	double dur = 600, end;
	int opt, *fds, err = 0;
	socklen_t len;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:s:d:r:f:")) != -1) {
		switch (opt) {
		case 'n': n = num(optarg, 1, 1000000, "connections"); break;
		case 's': src = addr4(optarg, "source"); break;
		case 'd': dur = num(optarg, 1, 86400, "duration"); break;
		case 'r': ready = optarg; break;
		case 'f': until = optarg; break;
		default: usage();
		}
	}
	if (!n || argc - optind != 2)
		usage();
	dst.sin_addr = addr4(argv[optind], "destination");
	dst.sin_port = htons(num(argv[optind + 1], 1, 65535, "port"));
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		die("calloc");
	end = now() + dur;
	for (i = 0; i < n; i++) {
		fds[i] = tcp_start(src, 0, &dst);
		if (fds[i] < 0)
			die("connect");
		if (wait_fd(fds[i], EPOLLOUT, 5000) != 1)
			break;
		len = sizeof(err);
		if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len) || err)
			break;
		if (write(fds[i], "H", 1) != 1)
			break;
		open_n++;
	}
	if (open_n != n) {
		fprintf(stderr, "nflb-loadgen: opened %ld of %ld connections\n", open_n, n);
		return 1;
	}
	if (ready) {
		f = fopen(ready, "w");
		if (!f)
			die(ready);
		fprintf(f, "open %ld\n", open_n);
		fclose(f);
	}
	while (now() < end && !(until && access(until, F_OK) == 0))
		usleep(100000);
	for (i = 0; i < n; i++)
		close(fds[i]);
	printf("open %ld\n", open_n);
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	argv++;
	argc--;
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(cmd, "crr"))
		return cmd_crr(argc, argv);
	if (!strcmp(cmd, "udp"))
		return cmd_udp(argc, argv);
	if (!strcmp(cmd, "bulk"))
		return cmd_bulk(argc, argv);
	if (!strcmp(cmd, "hold"))
		return cmd_hold(argc, argv);
	usage();
	return 2;
}
