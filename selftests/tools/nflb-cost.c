// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-cost: the guest side of `make bench-cost` (scripts/bench-cost).
 * It runs a known amount of work between two markers that the host's
 * instruction-counting TCG plugin (build/insncount.so) recognises: the
 * instruction "mov $0x4e464c01, %eax; cpuid" opens a window, the same
 * with 0x4e464c02 closes it.  IPv4, x86-64 only.
 *
 *   nflb-cost mark start|stop
 *       Execute one marker (by hand, or around any command).
 *
 *   nflb-cost serve [-L] [-p PORT] [-r FILE]
 *       TCP and UDP on 0.0.0.0:PORT (default 80), one blocking loop: a TCP
 *       connection's first line is answered with "ok\n", then closed; a
 *       UDP datagram is echoed.  -r FILE is created once listening.  -L:
 *       the echo leaves from the address the datagram was sent to
 *       (IP_PKTINFO), as a direct server return backend must answer from
 *       the VIP it holds on lo; without it, from the route's source.
 *
 *   nflb-cost crr -n N [-w W] [-R R] -s SRC -p SPORT ADDR PORT
 *       W unmeasured TCP connections, then R windows of N, one at a time,
 *       from SRC:SPORT, SPORT+1, ...: connect, "R\n", the answer, the
 *       server's close, close.
 *
 *   nflb-cost udpflow -n N [-w W] [-R R] -s SRC -p SPORT ADDR PORT
 *       The same with UDP flows: a new socket per flow, one datagram, its
 *       echo, close.
 *
 *   nflb-cost udpest [-L] -n N [-w W] [-R R] -s SRC -p SPORT -b NETNS[,NETNS...] -P BPORT ADDR PORT
 *       One established UDP flow, SRC:SPORT to ADDR:PORT, received on port
 *       BPORT in whichever of the named namespaces (/run/netns/NAME) it
 *       reaches; after one exchange and W unmeasured datagrams each way,
 *       R pairs of windows: N datagrams forward, then N back.  Nobody waits on
 *       the receiving socket while a window is open (its buffer holds
 *       them all), so a window is the path of the packets and no wakeups.
 *       -L: the backend answers from the address the first datagram was
 *       sent to (as serve -L).
 *
 * Output: "window NAME OPS SECONDS" after each window closes (NAME: ops,
 * or forward and reply), then "KEY VALUE" lines: ops, failed (crr,
 * udpflow); forward, forward_lost, reply, reply_lost (udpest).  Exit status 0, 1 if anything failed or was
 * lost, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef __x86_64__
#error "nflb-cost's markers are x86-64 instructions"
#endif

/*
 * Aligned so that the two instructions share a translation block (a block
 * never crosses a page); the plugin matches the pair.
 */
#define MARK(imm) asm volatile(".p2align 4\n\tmovl $" #imm ", %%eax\n\tcpuid" \
			       ::: "eax", "ebx", "ecx", "edx", "memory")
static struct timespec t_start;

static void mark_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	MARK(0x4e464c01);
}

static void mark_stop(void)
{
	MARK(0x4e464c02);
}

/* After mark_stop(): the window's line, with its wall time. */
static void window(const char *name, int ops)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("window %s %d %.6f\n", name, ops, (double)(t.tv_sec - t_start.tv_sec) +
	       (t.tv_nsec - t_start.tv_nsec) / 1e9);
}

static int n_ops, n_warm, n_reps = 1, sport, bport = -1, from_dst;
static const char *src, *netns;

static void usage(void)
{
	fprintf(stderr,
		"usage: nflb-cost mark start|stop\n"
		"       nflb-cost serve [-L] [-p PORT] [-r FILE]\n"
		"       nflb-cost crr|udpflow -n N [-w W] [-R R] -s SRC -p SPORT ADDR PORT\n"
		"       nflb-cost udpest [-L] -n N [-w W] [-R R] -s SRC -p SPORT\n"
		"                        -b NETNS[,NETNS...] -P BPORT ADDR PORT\n");
	exit(2);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1 || port < 0 || port > 65535)
		usage();
	return a;
}

/* A socket of TYPE bound to SRC:PORT (SO_REUSEADDR), connected to DST if given. */
static int sock_at(int type, const char *addr, int port, const struct sockaddr_in *dst)
{
	struct sockaddr_in a = sin_of(addr, port);
	int fd, one = 1;

	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (dst && connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void timeout_of(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* One connection or flow I: 0 if it completed. */
static int one_op(int type, int i, const struct sockaddr_in *dst)
{
	char buf[64];
	ssize_t r;
	int fd, got = 0;

	fd = sock_at(type, src, sport + i, dst);
	if (fd < 0)
		return -1;
	timeout_of(fd, 2000);
	if (send(fd, "R\n", 2, 0) != 2)
		goto out;
	if (type == SOCK_DGRAM) {
		got = recv(fd, buf, sizeof(buf), 0) == 2;
		goto out;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += r;
	got = got == 3 && r == 0;
out:
	close(fd);
	return got ? 0 : -1;
}

static int cmd_ops(int type, const struct sockaddr_in *dst)
{
	int i, r, next = n_warm, failed = 0;

	for (i = 0; i < n_warm; i++)
		one_op(type, i, dst);
	for (r = 0; r < n_reps; r++) {
		mark_start();
		for (i = 0; i < n_ops; i++)
			failed += one_op(type, next++, dst) != 0;
		mark_stop();
		window("ops", n_ops);
	}
	printf("ops %d\nfailed %d\n", n_ops * n_reps, failed);
	return failed ? 1 : 0;
}

static int drain(int fd)
{
	char buf[64];
	int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

static void big_buffer(int fd)
{
	int sz = 64 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

/*
 * -L: a datagram's destination address (IP_PKTINFO on FD) into *TO, then
 * its payload into BUF; -1 on error.
 */
static ssize_t recv_to(int fd, char *buf, size_t len, struct sockaddr_in *peer,
		       socklen_t *plen, struct in_addr *to)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_name = peer, .msg_namelen = *plen, .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t r;

	r = recvmsg(fd, &m, MSG_DONTWAIT);
	if (r < 0)
		return r;
	*plen = m.msg_namelen;
	to->s_addr = INADDR_ANY;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*to = pi.ipi_addr;
		}
	return r;
}

/* LEN bytes of BUF to PEER from the address FROM (IP_PKTINFO). */
static ssize_t send_from(int fd, const char *buf, size_t len,
			 const struct sockaddr_in *peer, socklen_t plen,
			 struct in_addr from)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {
		.msg_name = (void *)peer, .msg_namelen = plen, .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	struct in_pktinfo pi = { .ipi_spec_dst = from };

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(fd, &m, 0);
}

static void pktinfo(int fd, int on)
{
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0)
		die("IP_PKTINFO");
}

/* The echo of udpest's backend: from FROM if -L, else as routed. */
static ssize_t reply(int fd, const char *buf, size_t len,
		     const struct sockaddr_in *peer, socklen_t plen,
		     struct in_addr from)
{
	if (from_dst)
		return send_from(fd, buf, len, peer, plen, from);
	return sendto(fd, buf, len, 0, (const struct sockaddr *)peer, plen);
}

static int cmd_udpest(const struct sockaddr_in *dst)
{
	static const char msg[18] = "nflb-cost payload";
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	struct in_addr to = { INADDR_ANY };
	struct pollfd pfd[8];
	int self, cfd, sfd = -1, nb = 0, i, r, fwd = 0, rep = 0;
	char *list, *name, path[256];

	self = open("/proc/self/ns/net", O_RDONLY);
	if (self < 0 || bport < 0 || !netns)
		usage();
	list = strdup(netns);
	for (name = strtok(list, ","); name && nb < 8; name = strtok(NULL, ",")) {
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s", name);
		fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			die(path);
		close(fd);
		pfd[nb].fd = sock_at(SOCK_DGRAM, "0.0.0.0", bport, NULL);
		pfd[nb++].events = POLLIN;
		big_buffer(pfd[nb - 1].fd);
		if (from_dst)
			pktinfo(pfd[nb - 1].fd, 1);
	}
	if (setns(self, CLONE_NEWNET) < 0)
		die("setns back");
	cfd = sock_at(SOCK_DGRAM, src, sport, dst);
	if (cfd < 0)
		die("connect");
	big_buffer(cfd);
	timeout_of(cfd, 2000);
	/* The first exchange: which backend, and conntrack sees a reply. */
	if (send(cfd, msg, sizeof(msg), 0) != sizeof(msg) || poll(pfd, nb, 2000) <= 0)
		die("no backend received the first datagram");
	for (i = 0; i < nb; i++)
		if (pfd[i].revents & POLLIN)
			sfd = pfd[i].fd;
	if (recv_to(sfd, path, sizeof(path), &peer, &plen, &to) < 0 ||
	    reply(sfd, msg, sizeof(msg), &peer, plen, to) < 0 ||
	    recv(cfd, path, sizeof(path), 0) < 0)
		die("first exchange");
	/* The address is known: the windows' datagrams carry no cmsg. */
	if (from_dst)
		pktinfo(sfd, 0);
	for (i = 0; i < n_warm; i++) {
		send(cfd, msg, sizeof(msg), 0);
		reply(sfd, msg, sizeof(msg), &peer, plen, to);
	}
	drain(sfd);
	drain(cfd);

	for (r = 0; r < n_reps; r++) {
		mark_start();
		for (i = 0; i < n_ops; i++)
			send(cfd, msg, sizeof(msg), 0);
		mark_stop();
		window("forward", n_ops);
		fwd += drain(sfd);
		mark_start();
		for (i = 0; i < n_ops; i++)
			reply(sfd, msg, sizeof(msg), &peer, plen, to);
		mark_stop();
		window("reply", n_ops);
		rep += drain(cfd);
	}
	printf("forward %d\nforward_lost %d\nreply %d\nreply_lost %d\n",
	       n_ops * n_reps, n_ops * n_reps - fwd, n_ops * n_reps,
	       n_ops * n_reps - rep);
	free(list);
	return fwd == n_ops * n_reps && rep == n_ops * n_reps ? 0 : 1;
}

static __attribute__((noreturn)) void cmd_serve(int port, const char *ready)
{
	struct sockaddr_in a = sin_of("0.0.0.0", port), peer;
	struct pollfd pfd[2];
	char buf[256];
	int one = 1;
	ssize_t r;

	pfd[0].fd = socket(AF_INET, SOCK_STREAM, 0);
	pfd[1].fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (pfd[0].fd < 0 || pfd[1].fd < 0)
		die("socket");
	setsockopt(pfd[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(pfd[0].fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    bind(pfd[1].fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(pfd[0].fd, 512) < 0)
		die("serve");
	pfd[0].events = pfd[1].events = POLLIN;
	if (from_dst)
		pktinfo(pfd[1].fd, 1);
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT, 0644));
	for (;;) {
		socklen_t plen = sizeof(peer);
		struct in_addr to;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			die("poll");
		if (pfd[1].revents & POLLIN && from_dst) {
			r = recv_to(pfd[1].fd, buf, sizeof(buf), &peer, &plen, &to);
			if (r >= 0)
				send_from(pfd[1].fd, buf, r, &peer, plen, to);
		} else if (pfd[1].revents & POLLIN) {
			r = recvfrom(pfd[1].fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&peer, &plen);
			if (r >= 0)
				sendto(pfd[1].fd, buf, r, 0, (struct sockaddr *)&peer, plen);
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept(pfd[0].fd, NULL, NULL);
			int got = 0;

			if (fd < 0)
				continue;
			timeout_of(fd, 2000);
			while (got < (int)sizeof(buf) &&
			       (r = read(fd, buf + got, sizeof(buf) - got)) > 0) {
				got += r;
				if (memchr(buf, '\n', got)) {
					r = write(fd, "ok\n", 3);
					break;
				}
			}
			close(fd);
		}
	}
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *ready = NULL;
	struct sockaddr_in dst;
	int c, port = 80;

	if (!strcmp(cmd, "mark") && argc == 3) {
		if (!strcmp(argv[2], "start"))
			MARK(0x4e464c01);
		else if (!strcmp(argv[2], "stop"))
			MARK(0x4e464c02);
		else
			usage();
		return 0;
	}
	argv++;
	argc--;
	while ((c = getopt(argc, argv, "Ln:w:R:s:p:b:P:r:")) != -1) {
		switch (c) {
		case 'L': from_dst = 1; break;
		case 'n': n_ops = atoi(optarg); break;
		case 'w': n_warm = atoi(optarg); break;
		case 'R': n_reps = atoi(optarg); break;
		case 's': src = optarg; break;
		case 'p': port = sport = atoi(optarg); break;
		case 'b': netns = optarg; break;
		case 'P': bport = atoi(optarg); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	if (!strcmp(cmd, "serve") && optind == argc)
		cmd_serve(port, ready);
	if (optind + 2 != argc || n_ops <= 0 || n_warm < 0 || n_reps <= 0 ||
	    !src || sport <= 0 || sport + n_warm + n_ops * n_reps > 65536)
		usage();
	dst = sin_of(argv[optind], atoi(argv[optind + 1]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "crr"))
		return cmd_ops(SOCK_STREAM, &dst);
	if (!strcmp(cmd, "udpflow"))
		return cmd_ops(SOCK_DGRAM, &dst);
	if (!strcmp(cmd, "udpest"))
		return cmd_udpest(&dst);
	usage();
	return 2;
}
