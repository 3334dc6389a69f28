// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-server: the backend of the nflb selftests.  Listens on TCP and/or
 * UDP and answers every line received on a TCP connection, and every UDP
 * datagram, with its NAME and a newline ("NAME PEERADDR" with --show-peer,
 * PEERADDR being the source address the server saw).  A TCP connection
 * stays open for as many lines as the client sends.
 *
 * With -H PORT it also serves HTTP on TCP PORT, for health checks (only
 * HTTP when none of -t, -u, -p is given): each request, read up to its
 * blank line, gets one answer and the connection is closed.  The status
 * comes from the --status FILE, read at every request so that a test can
 * switch it at run time: "CODE [BODY]" (BODY to the end of the line,
 * default NAME); 200 if FILE is absent or empty.
 *
 * One thread, one epoll loop, non-blocking sockets: thousands of
 * concurrent connections are fine.  Runs in the foreground (tests start it
 * with &) and exits 0 on SIGTERM or SIGINT.
 *
 * Usage: nflb-server [-t] [-u] [-p PORT]... [-l ADDR]... [-P] [-r FILE]
 *                    [-H PORT]... [-s FILE] NAME
 *   -t, --tcp        serve TCP (default: TCP and UDP)
 *   -u, --udp        serve UDP
 *   -p, --port P     port to listen on (default 80; repeatable)
 *   -l, --listen A   address to listen on (default 0.0.0.0 and ::; repeatable)
 *   -P, --show-peer  answer "NAME PEERADDR"
 *   -r, --ready F    create the file F once every socket listens
 *   -H, --http P     serve HTTP on TCP port P too (repeatable)
 *   -s, --status F   HTTP: the file holding "CODE [BODY]" (default 200 NAME)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTEN	16
#define LINE_MAX_LEN	512

enum kind { K_SIGNAL, K_TCP_LISTEN, K_UDP, K_CONN, K_HTTP_LISTEN, K_HTTP_CONN };

struct ent {
	enum kind kind;
	int fd;
	size_t len;			/* K_CONN: bytes in buf */
	char peer[INET6_ADDRSTRLEN];	/* K_CONN */
	char buf[LINE_MAX_LEN];		/* K_CONN: partial line */
};

static const char *name;
static const char *status_file;
static bool show_peer;
static int epfd;

static void die(const char *what)
{
	fprintf(stderr, "nflb-server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: nflb-server [-t] [-u] [-p PORT]... [-l ADDR]... "
		"[-P] [-r FILE] [-H PORT]... [-s FILE] NAME\n");
	exit(2);
}

/* The peer's address as text; an IPv4-mapped IPv6 address as plain IPv4. */
static void addr_str(const struct sockaddr_storage *ss, char *out, size_t n)
{
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, n);
	} else {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, &a->s6_addr[12], out, n);
		else
			inet_ntop(AF_INET6, a, out, n);
	}
}

static int reply(char *out, size_t n, const char *peer)
{
	if (show_peer)
		return snprintf(out, n, "%s %s\n", name, peer);
	return snprintf(out, n, "%s\n", name);
}

static struct ent *ent_new(enum kind kind, int fd)
{
	struct ent *e = calloc(1, sizeof(*e));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!e)
		die("calloc");
	e->kind = kind;
	e->fd = fd;
	ev.data.ptr = e;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		die("epoll_ctl");
	return e;
}

static void ent_free(struct ent *e)
{
	close(e->fd);	/* also leaves the epoll set */
	free(e);
}

static void open_listener(int type, const char *addr, int port, bool http)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1;
	int family;

	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		family = AF_INET;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		family = AF_INET6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		fprintf(stderr, "nflb-server: bad address %s\n", addr);
		exit(2);
	}

	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Answer from the address the datagram was sent to. */
	if (type == SOCK_DGRAM && family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (type == SOCK_DGRAM && family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len)) {
		fprintf(stderr, "nflb-server: bind %s port %d: %s\n", addr, port,
			strerror(errno));
		exit(1);
	}
	if (type == SOCK_STREAM && listen(fd, 4096))
		die("listen");
	if (http)
		ent_new(K_HTTP_LISTEN, fd);
	else
		ent_new(type == SOCK_STREAM ? K_TCP_LISTEN : K_UDP, fd);
}

static void tcp_accept(struct ent *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct ent *e;
	int fd;

	for (;;) {
		len = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			if (errno == EMFILE || errno == ENFILE) {
				perror("nflb-server: accept");
				return;
			}
			die("accept");
		}
		e = ent_new(l->kind == K_HTTP_LISTEN ? K_HTTP_CONN : K_CONN, fd);
		addr_str(&ss, e->peer, sizeof(e->peer));
	}
}

/*
 * Append what the connection has (up to ROOM bytes) to its buffer: 1 when
 * something came, 0 when nothing more for now, -1 when it closed or failed
 * (E is freed then).
 */
static int ent_fill(struct ent *e, size_t room)
{
	ssize_t n;

	do
		n = read(e->fd, e->buf + e->len, room);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {
		ent_free(e);
		return -1;
	}
	e->len += n;
	return 1;
}

/* Answer each complete line; close on EOF, error or a client that does
 * not read its answers.
 */
static void tcp_read(struct ent *e)
{
	char out[LINE_MAX_LEN];
	char *nl;
	int olen;

	for (;;) {
		if (ent_fill(e, sizeof(e->buf) - e->len) <= 0)
			return;
		while ((nl = memchr(e->buf, '\n', e->len))) {
			size_t used = nl - e->buf + 1;

			olen = reply(out, sizeof(out), e->peer);
			if (send(e->fd, out, olen, MSG_NOSIGNAL) != olen) {
				ent_free(e);
				return;
			}
			memmove(e->buf, e->buf + used, e->len - used);
			e->len -= used;
		}
		if (e->len == sizeof(e->buf)) {	/* a line too long */
			ent_free(e);
			return;
		}
	}
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 404: return "Not Found";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* The answer to an HTTP request, from the status file. */
static int http_answer(char *out, size_t n)
{
	char line[LINE_MAX_LEN] = "", body[LINE_MAX_LEN];
	int code = 200, off = 0;
	FILE *f = status_file ? fopen(status_file, "re") : NULL;

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	line[strcspn(line, "\r\n")] = 0;
	if (sscanf(line, "%d %n", &code, &off) < 1 || code < 100 || code > 599)
		code = 200, off = 0;
	snprintf(body, sizeof(body), "%s\n", off && line[off] ? line + off : name);
	return snprintf(out, n, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
			"Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			code, reason(code), strlen(body), body);
}

/* Read a request up to its blank line, answer it and close. */
static void http_read(struct ent *e)
{
	char out[3 * LINE_MAX_LEN];
	int olen;

	for (;;) {
		if (ent_fill(e, sizeof(e->buf) - 1 - e->len) <= 0)
			return;
		e->buf[e->len] = 0;
		if (strstr(e->buf, "\r\n\r\n") || strstr(e->buf, "\n\n"))
			break;
		if (e->len == sizeof(e->buf) - 1) {	/* a request too long */
			ent_free(e);
			return;
		}
	}
	olen = http_answer(out, sizeof(out));
	send(e->fd, out, olen, MSG_NOSIGNAL);
	ent_free(e);
}

static void udp_read(struct ent *e)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cin, cout;
	struct sockaddr_storage ss;
	char in[2048], out[LINE_MAX_LEN], peer[INET6_ADDRSTRLEN];
	struct iovec iov;
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;
	int olen;

	for (;;) {
		iov.iov_base = in;
		iov.iov_len = sizeof(in);
		memset(&m, 0, sizeof(m));
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cin.buf;
		m.msg_controllen = sizeof(cin.buf);
		n = recvmsg(e->fd, &m, 0);
		if (n < 0) {
			if (errno == EAGAIN)
				return;
			/* ICMP errors from earlier answers: not ours to judge. */
			continue;
		}
		addr_str(&ss, peer, sizeof(peer));
		olen = reply(out, sizeof(out), peer);

		/* Send the answer from the address the request was sent to. */
		memset(cout.buf, 0, sizeof(cout.buf));
		iov.iov_base = out;
		iov.iov_len = olen;
		m.msg_control = NULL;
		m.msg_controllen = 0;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct cmsghdr *o = (struct cmsghdr *)cout.buf;

			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				pi.ipi_spec_dst = pi.ipi_addr;
				pi.ipi_ifindex = 0;
				o->cmsg_level = IPPROTO_IP;
				o->cmsg_type = IP_PKTINFO;
				o->cmsg_len = CMSG_LEN(sizeof(pi));
				memcpy(CMSG_DATA(o), &pi, sizeof(pi));
				m.msg_control = cout.buf;
				m.msg_controllen = CMSG_SPACE(sizeof(pi));
			} else if (c->cmsg_level == IPPROTO_IPV6 &&
				   c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				pi.ipi6_ifindex = 0;
				o->cmsg_level = IPPROTO_IPV6;
				o->cmsg_type = IPV6_PKTINFO;
				o->cmsg_len = CMSG_LEN(sizeof(pi));
				memcpy(CMSG_DATA(o), &pi, sizeof(pi));
				m.msg_control = cout.buf;
				m.msg_controllen = CMSG_SPACE(sizeof(pi));
			}
		}
		sendmsg(e->fd, &m, MSG_DONTWAIT);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "show-peer", no_argument, NULL, 'P' },
		{ "ready", required_argument, NULL, 'r' },
		{ "http", required_argument, NULL, 'H' },
		{ "status", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *addrs[MAX_LISTEN];
	int ports[MAX_LISTEN], hports[MAX_LISTEN];
	int naddrs = 0, nports = 0, nhports = 0, i, j, c, n, fd;
	bool tcp = false, udp = false, lines;
	const char *ready = NULL;
	struct epoll_event evs[64];
	struct rlimit rl;
	sigset_t mask;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "tup:l:Pr:H:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tcp = true;
			break;
		case 'u':
			udp = true;
			break;
		case 'p':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535 || nports == MAX_LISTEN)
				usage();
			ports[nports++] = v;
			break;
		case 'l':
			if (naddrs == MAX_LISTEN)
				usage();
			addrs[naddrs++] = optarg;
			break;
		case 'P':
			show_peer = true;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'H':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535 || nhports == MAX_LISTEN)
				usage();
			hports[nhports++] = v;
			break;
		case 's':
			status_file = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	name = argv[optind];
	/* -H alone: HTTP only, no line-protocol listener. */
	lines = !(nhports && !tcp && !udp && !nports);
	if (!tcp && !udp)
		tcp = udp = true;
	if (!nports)
		ports[nports++] = 80;
	if (!naddrs) {
		addrs[naddrs++] = "0.0.0.0";
		addrs[naddrs++] = "::";
	}

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1");
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		die("signalfd");
	ent_new(K_SIGNAL, fd);

	for (i = 0; i < naddrs; i++) {
		for (j = 0; lines && j < nports; j++) {
			if (tcp)
				open_listener(SOCK_STREAM, addrs[i], ports[j], false);
			if (udp)
				open_listener(SOCK_DGRAM, addrs[i], ports[j], false);
		}
		for (j = 0; j < nhports; j++)
			open_listener(SOCK_STREAM, addrs[i], hports[j], true);
	}
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die(ready);
		close(fd);
	}

	for (;;) {
		n = epoll_wait(epfd, evs, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			struct ent *e = evs[i].data.ptr;

			switch (e->kind) {
			case K_SIGNAL:
				return 0;
			case K_TCP_LISTEN:
			case K_HTTP_LISTEN:
				tcp_accept(e);
				break;
			case K_UDP:
				udp_read(e);
				break;
			case K_CONN:
				tcp_read(e);
				break;
			case K_HTTP_CONN:
				http_read(e);
				break;
			}
		}
	}
}
