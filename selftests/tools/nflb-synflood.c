// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-synflood: a bounded SYN flood for nflb's tests and benchmarks.
 *
 *   nflb-synflood -n COUNT -d SEC [-r PPS] VIP PORT
 *
 * Sends TCP SYNs to VIP:PORT from spoofed sources, random addresses of a
 * documentation range (IPv4 198.18.0.0/15, RFC 2544's benchmarking range;
 * IPv6 2001:db8:f100::/40, inside RFC 3849's 2001:db8::/32) and random
 * ports, each with the options a Linux client sends (MSS 1460, SACK
 * permitted, timestamps, window scale 7) and a correct checksum, through a
 * raw socket.  It stops by itself after COUNT packets or SEC seconds,
 * whichever comes first (both required, at most 100,000,000 and 600), or
 * on SIGINT/SIGTERM; -r caps the rate at PPS packets per second (default:
 * as fast as it can).  It refuses to run in the initial network namespace:
 * its traffic stays inside the test's namespaces.
 *
 * Prints "sent N", "errors N", "seconds S" and "rate R" (packets per
 * second) lines on stdout.  Exit status 0, 1 on a failure to start, 2 on
 * bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT	100000000ULL
#define MAX_SECONDS	600
#define BATCH		64
#define OPTLEN		20	/* MSS 4, SACK_PERM 2, TS 10, NOP 1, WS 3 */
#define TCPLEN		(20 + OPTLEN)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: nflb-synflood -n COUNT -d SEC [-r PPS] VIP PORT\n");
	exit(2);
}

static uint64_t rng_state;

/* xorshift64*: fast, and good enough for addresses and ports. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/*
 * The TCP header and options of a SYN at T, with its checksum over the
 * pseudo-header: ADDRS, the source and destination addresses (ALEN bytes
 * together), as they stand in the IP header.
 */
static void build_tcp(uint8_t *t, uint16_t sport, uint16_t dport,
		      uint32_t seq, uint32_t tsval,
		      const uint8_t *addrs, size_t alen)
{
	static const uint8_t opts[OPTLEN] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0, 0,	/* timestamps */
		1,				/* NOP */
		3, 3, 7,			/* window scale 7 */
	};
	uint32_t v, sum;

	memset(t, 0, 20);
	sport = htons(sport);
	dport = htons(dport);
	memcpy(t, &sport, 2);
	memcpy(t + 2, &dport, 2);
	v = htonl(seq);
	memcpy(t + 4, &v, 4);
	t[12] = (TCPLEN / 4) << 4;
	t[13] = 0x02;			/* SYN */
	t[14] = 0xfa;			/* window 64240 */
	t[15] = 0xf0;
	memcpy(t + 20, opts, OPTLEN);
	v = htonl(tsval);
	memcpy(t + 28, &v, 4);
	sum = sum16(addrs, alen, IPPROTO_TCP + TCPLEN);
	sum = sum16(t, TCPLEN, sum);
	memcpy(t + 16, &(uint16_t){ fold(sum) }, 2);
}

/* The initial netns is pid 1's (we run as root in the tests' VM). */
static bool in_initial_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0 ||
	    stat("/proc/1/ns/net", &init) < 0)
		return true;	/* cannot tell: refuse */
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

struct target {
	int family;
	struct in_addr v4;
	struct in6_addr v6;
	uint16_t port;
};

/* One packet of the flood into BUF; returns its length. */
static size_t build_packet(uint8_t *buf, const struct target *tg,
			   struct sockaddr_storage *to)
{
	uint16_t sport = 1024 + rnd() % 64512;
	uint32_t seq = rnd(), ts = rnd();
	uint8_t *t;
	uint64_t r;

	if (tg->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)to;
		/* 198.18.0.0/15 */
		uint32_t src = htonl(0xc6120000 | (rnd() & 0x1ffff));
		uint16_t len = htons(20 + TCPLEN);

		memset(buf, 0, 20);
		buf[0] = 0x45;
		memcpy(buf + 2, &len, 2);
		buf[6] = 0x40;		/* DF */
		buf[8] = 64;
		buf[9] = IPPROTO_TCP;
		memcpy(buf + 12, &src, 4);
		memcpy(buf + 16, &tg->v4, 4);
		t = buf + 20;
		build_tcp(t, sport, tg->port, seq, ts, buf + 12, 8);
		/* The kernel fills the IP checksum (and the id if 0). */
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr = tg->v4;
		return 20 + TCPLEN;
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;
		uint16_t plen = htons(TCPLEN);
		struct in6_addr src = {
			.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xf1 },
		};

		r = rnd();
		memcpy(src.s6_addr + 5, &r, 8);
		r = rnd();
		memcpy(src.s6_addr + 13, &r, 3);
		memset(buf, 0, 40);
		buf[0] = 0x60;
		memcpy(buf + 4, &plen, 2);
		buf[6] = IPPROTO_TCP;
		buf[7] = 64;
		memcpy(buf + 8, &src, 16);
		memcpy(buf + 24, &tg->v6, 16);
		t = buf + 40;
		build_tcp(t, sport, tg->port, seq, ts, buf + 8, 32);
		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = tg->v6;
		return 40 + TCPLEN;
	}
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *v > max || *s == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t count = 0, secs = 0, pps = 0, sent = 0, errors = 0, port;
	static uint8_t bufs[BATCH][40 + TCPLEN];
	struct sockaddr_storage to[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct target tg = { 0 };
	double start, end, t;
	int c, fd, i, n;

	while ((c = getopt(argc, argv, "n:d:r:")) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, MAX_COUNT, &count) < 0 || !count)
				usage();
			break;
		case 'd':
			if (parse_u64(optarg, MAX_SECONDS, &secs) < 0 || !secs)
				usage();
			break;
		case 'r':
			if (parse_u64(optarg, 100000000, &pps) < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!count || !secs || argc - optind != 2)
		usage();
	if (inet_pton(AF_INET, argv[optind], &tg.v4) == 1)
		tg.family = AF_INET;
	else if (inet_pton(AF_INET6, argv[optind], &tg.v6) == 1)
		tg.family = AF_INET6;
	else
		usage();
	if (parse_u64(argv[optind + 1], 65535, &port) < 0 || !port)
		usage();
	tg.port = port;
	if (in_initial_netns()) {
		fprintf(stderr, "nflb-synflood: refusing to flood from the initial network namespace\n");
		return 1;
	}
	fd = socket(tg.family, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "nflb-synflood: raw socket: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rng_state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
	memset(msgs, 0, sizeof(msgs));
	start = now();
	end = start + secs;
	while (!stop && sent + errors < count) {
		t = now();
		if (t >= end)
			break;
		n = BATCH;
		if (count - sent - errors < (uint64_t)n)
			n = count - sent - errors;
		if (pps) {
			/* Packets due by now, at most a batch. */
			uint64_t due = (uint64_t)((t - start) * pps) + 1;

			if (due <= sent + errors) {
				struct timespec ts = { 0, 200000 };

				nanosleep(&ts, NULL);
				continue;
			}
			if (due - sent - errors < (uint64_t)n)
				n = due - sent - errors;
		}
		for (i = 0; i < n; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = build_packet(bufs[i], &tg, &to[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &to[i];
			msgs[i].msg_hdr.msg_namelen = tg.family == AF_INET ?
				sizeof(struct sockaddr_in) :
				sizeof(struct sockaddr_in6);
		}
		c = sendmmsg(fd, msgs, n, 0);
		if (c < 0) {
			/* ENOBUFS and the like: count one, go on. */
			errors++;
			continue;
		}
		sent += c;
	}
	t = now() - start;
	printf("sent %llu\nerrors %llu\nseconds %.3f\nrate %.0f\n",
	       (unsigned long long)sent, (unsigned long long)errors, t,
	       t > 0 ? sent / t : 0.0);
	close(fd);
	return 0;
}
