// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-fuzz: a generic netlink fuzzer for the nflb family (libc only: raw
 * netlink sockets, no libmnl, so that it can build what libmnl would never
 * let through).
 *
 * Usage: nflb-fuzz [-s SEED] [-n COUNT] [-k LBNS] [-v] LBNS[,CLIENTNS]...
 *
 * One process per LBNS (a name under /run/netns, as ip netns makes) sends
 * its share of COUNT messages (default 100000, all processes together) to
 * the family in that netns: valid requests over a small pool of service
 * and backend keys (so that they meet), the same requests mutated (bits
 * flipped, attribute types and lengths changed, scalars of the wrong size,
 * nests truncated or overrunning their parent, garbage attributes, random
 * commands, flags and header fields, several messages in one send), huge
 * backend lists, dumps abandoned after their first message or left half
 * read while the configuration changes, and a multicast listener that
 * seldom reads.  With CLIENTNS, a second process sends UDP datagrams and
 * TCP connection attempts to the VIPs from that netns meanwhile.  With -k,
 * LBNS's fuzzer stops half-way and LBNS is deleted (unmounted, unlinked:
 * ip netns del) while the others go on.
 *
 * Everything sent is a function of SEED (printed; default: the time) and
 * the process's index, never of the kernel's answers: a failing run is
 * repeated with -s.  The kernel's answers are checked: every reply is well
 * formed (lengths in bounds, nests within their parents), a dump ends, and
 * a GET_INFO probe is answered every 200 messages.  Exit status: 0 if every
 * process finished with no such failure, 1 otherwise, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../../include/uapi/linux/nflb.h"

#define MAX_NS		16
#define BUF_SIZE	(4 << 20)	/* largest message built: 65536+ backends */
#define MAX_ATTRS	4096		/* attributes whose offsets are kept */
#define PROBE_EVERY	200

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, one stream per process. */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* True with probability PCT percent. */
static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ------------------------------------------------------------------ */
/* Output and failures. */

static const char *who = "nflb-fuzz";
static int verbose;
static int failures;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", who);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: FAIL: ", who);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* ------------------------------------------------------------------ */
/* Building messages.  Every attribute's offset is kept, so that the
 * mutations can find them afterwards. */

struct msg {
	uint8_t *buf;
	size_t len;		/* bytes used */
	size_t hdr;		/* offset of this message's nlmsghdr */
	size_t attrs[MAX_ATTRS];
	unsigned int nattrs;
	unsigned int wrong_size;	/* percent: a scalar of another size */
};

static uint16_t family_id;
static uint32_t events_group;
static uint32_t seq_next = 1;

static void *put_raw(struct msg *m, const void *data, size_t len)
{
	void *p = m->buf + m->len;

	if (m->len + NLA_ALIGN(len) > BUF_SIZE) {
		say("message buffer full");
		exit(2);
	}
	if (data)
		memcpy(p, data, len);
	else
		memset(p, 0, len);
	memset(m->buf + m->len + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(len);
	return p;
}

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	if (m->nattrs < MAX_ATTRS)
		m->attrs[m->nattrs++] = m->len;
	put_raw(m, &nla, NLA_HDRLEN);
	put_raw(m, data, len);
}

/* A scalar of SIZE bytes, or (m->wrong_size percent) of another size. */
static void put_scalar(struct msg *m, uint16_t type, uint64_t v, size_t size)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 8, 12, 16, 64 };
	uint8_t data[64];
	size_t i;

	if (m->wrong_size && chance(m->wrong_size)) {
		size = sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
		for (i = 0; i < size; i++)
			data[i] = rnd(256);
	}
	memcpy(data, &v, size < 8 ? size : 8);	/* little endian */
	put_attr(m, type, data, size);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	put_attr(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
}

/* Start a request: nlmsghdr + genlmsghdr for CMD. */
static void msg_start(struct msg *m, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	m->hdr = m->len;
	nlh = put_raw(m, NULL, NLMSG_HDRLEN);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq_next++;
	g = put_raw(m, NULL, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = NFLB_GENL_VERSION;
}

static void msg_end(struct msg *m)
{
	((struct nlmsghdr *)(m->buf + m->hdr))->nlmsg_len = m->len - m->hdr;
}

static void msg_reset(struct msg *m)
{
	m->len = 0;
	m->nattrs = 0;
	m->wrong_size = 0;
}

/* ------------------------------------------------------------------ */
/* Valid requests over a small key space, so that they meet: 3 VIPs, 3
 * ports, 2 protocols; 8 backends a family. */

static const uint32_t primes[] = { 251, 257, 509, 1021, 2039, 4093 };
static uint32_t table_max_seen = 131071;

/* An address: its family's size, or (wrong sizes, 3% of the time) the
 * other family's, or (m->wrong_size percent) any size to 64 bytes. */
static void put_addr(struct msg *m, uint16_t type, int family, const char *s)
{
	static const size_t sizes[] = { 0, 1, 3, 4, 5, 8, 15, 16, 17, 20, 32, 64 };
	uint8_t a[64];
	size_t len = family == AF_INET ? 4 : 16, i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = rnd(256);
	inet_pton(family, s, a);
	if (chance(3))
		len = len == 4 ? 16 : 4;
	if (m->wrong_size && chance(m->wrong_size))
		len = sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
	put_attr(m, type, a, len);
}

struct svc_key {
	int family;
	uint8_t proto;
	uint16_t port;
	const char *addr;
};

static void pick_svc(struct svc_key *k)
{
	static const char *const vip4[] = { "203.0.113.10", "203.0.113.11" };
	static const uint16_t ports[] = { 80, 81, 0 };

	k->family = chance(70) ? AF_INET : AF_INET6;
	k->addr = k->family == AF_INET ? vip4[rnd(2)] : "2001:db8:ff::10";
	k->proto = chance(50) ? IPPROTO_TCP : IPPROTO_UDP;
	k->port = ports[rnd(3)];
}

static void put_svc_key(struct msg *m, const struct svc_key *k)
{
	if (!chance(2))
		put_scalar(m, NFLB_SVC_A_FAMILY, k->family, 2);
	if (!chance(2))
		put_scalar(m, NFLB_SVC_A_PROTO, k->proto, 1);
	if (!chance(2))
		put_addr(m, NFLB_SVC_A_ADDR, k->family, k->addr);
	if (!chance(2))
		put_scalar(m, NFLB_SVC_A_PORT, k->port, 2);
}

static uint32_t pick_timeout(void)
{
	switch (rnd(6)) {
	case 0: return 0;
	case 1: return NFLB_TIMEOUT_MAX;
	case 2: return NFLB_TIMEOUT_MAX + 1;
	case 3: return UINT32_MAX;
	default: return 1 + rnd(1000);
	}
}

static void put_svc_opts(struct msg *m, const struct svc_key *k)
{
	if (chance(60)) {
		uint32_t size;

		switch (rnd(12)) {
		case 0: size = 250; break;		/* too small */
		case 1: size = table_max_seen + 2; break;
		case 2: size = 1024; break;		/* not prime */
		case 3: size = UINT32_MAX; break;
		case 4: size = 65537; break;		/* the default */
		default: size = primes[rnd(sizeof(primes) / sizeof(primes[0]))];
		}
		put_scalar(m, NFLB_SVC_A_TABLE_SIZE, size, 4);
	}
	if (chance(30))
		put_scalar(m, NFLB_SVC_A_HASH, rnd(3), 1);
	if (chance(20))
		put_scalar(m, NFLB_SVC_A_SEED, rnd64(), 8);
	if (chance(20))
		put_scalar(m, NFLB_SVC_A_SNAT, rnd(3), 1);
	/* Timeouts mostly of the service's protocol. */
	if (chance(15))
		put_scalar(m, k->proto == IPPROTO_TCP || chance(10) ?
			   NFLB_SVC_A_TIMEOUT_TCP : NFLB_SVC_A_TIMEOUT_UDP,
			   pick_timeout(), 4);
	if (chance(10))
		put_scalar(m, NFLB_SVC_A_TIMEOUT_TCP_FIN, pick_timeout(), 4);
	if (chance(1))		/* reply-only attributes */
		put_scalar(m, chance(50) ? NFLB_SVC_A_PAD : NFLB_SVC_A_CONT, 0, 0);
}

/* Backend I (0..7 from the pool; beyond, distinct addresses for long
 * lists: 10.x.y.z, fd00::x:y). */
static void put_be(struct msg *m, int family, uint32_t i, bool opts)
{
	static const uint16_t ports[] = { 80, 8080, 0 };
	char a[64];
	size_t nest = nest_start(m, NFLB_A_BACKEND);

	if (chance(97))
		put_scalar(m, NFLB_BE_A_FAMILY, chance(97) ? (uint32_t)family :
			   (family == AF_INET ? AF_INET6 : rnd(64)), 2);
	if (family == AF_INET) {
		if (i < 8)
			snprintf(a, sizeof(a), "198.51.100.%u", i + 1);
		else
			snprintf(a, sizeof(a), "10.%u.%u.%u", (i >> 16) & 255,
				 (i >> 8) & 255, (i & 255) | 1);
	} else {
		if (i < 8)
			snprintf(a, sizeof(a), "2001:db8:2::%u", i + 1);
		else
			snprintf(a, sizeof(a), "fd00::%x:%x", i >> 16, (i & 0xffff) | 1);
	}
	if (chance(98))
		put_addr(m, NFLB_BE_A_ADDR, family, a);
	if (chance(40))
		put_scalar(m, NFLB_BE_A_PORT, ports[rnd(3)], 2);
	if (opts) {
		if (chance(40)) {
			uint32_t w = rnd(8);

			if (chance(5))
				w = chance(50) ? 65535 : 65536 + rnd(1000);
			put_scalar(m, NFLB_BE_A_WEIGHT, w, 4);
		}
		if (chance(30))
			put_scalar(m, NFLB_BE_A_STATE, rnd(4), 1);
		if (chance(1))
			put_scalar(m, chance(50) ? NFLB_BE_A_SLOTS : NFLB_BE_A_STATS, 0, 4);
	}
	nest_end(m, nest);
}

/* How many backends in a SERVICE_NEW: mostly a few, sometimes a lot.  An
 * attribute holds at most 64 KiB (nla_len is 16 bits), some 2,700
 * backends: longer lists (*oversized) wrap their nest's length, and the
 * kernel sees a list cut short with the rest of it as attributes of the
 * service or the message. */
static uint32_t pick_backend_count(unsigned int *huge, bool *oversized)
{
	uint32_t r = rnd(1000);

	*oversized = false;
	if (r < 2) {
		(*huge)++;
		*oversized = true;
		return 65536 + rnd(16);
	}
	if (r < 8) {
		(*huge)++;
		return 1000 + rnd(3000);	/* up to what fits */
	}
	if (r < 40)
		return 50 + rnd(200);
	return rnd(6);
}

struct stats {
	uint64_t sent, sends, ok, err, dumps, dump_msgs, abandoned, huge;
	uint64_t mutated, garbage, probes, batches, events, send_errors;
	uint64_t errno_count[140];
};

static struct stats st;
static bool only_new;

/* One valid request (in the sense of well formed: the state decides whether
 * it succeeds) of a random command, appended to M.  Sets *dump. */
static void gen_valid(struct msg *m, bool *dump)
{
	struct svc_key k;
	uint32_t r = rnd(100), n, i, base;
	size_t svc, list;
	unsigned int huge = 0;

	*dump = false;
	pick_svc(&k);
	if (only_new)		/* SERVICE_NEW or BACKEND_NEW */
		r = chance(30) ? rnd(22) : 38 + rnd(8);
	if (r < 22) {
		msg_start(m, NFLB_CMD_SERVICE_NEW, NLM_F_ACK);
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		put_svc_opts(m, &k);
		if (chance(60)) {
			bool oversized;

			n = pick_backend_count(&huge, &oversized);
			st.huge += huge;
			base = n > 8 ? rnd(1 << 20) : 0;
			list = nest_start(m, NFLB_SVC_A_BACKENDS);
			for (i = 0; i < n; i++) {
				/* A few duplicates in the short lists. */
				uint32_t be = n <= 8 ? rnd(8) : base + i;

				if (!oversized && m->len - svc > 65535 - 128)
					break;
				put_be(m, k.family, be, n <= 8 || chance(1));
			}
			nest_end(m, list);
		}
		nest_end(m, svc);
	} else if (r < 32) {
		msg_start(m, NFLB_CMD_SERVICE_SET, NLM_F_ACK);
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		put_svc_opts(m, &k);
		nest_end(m, svc);
	} else if (r < 38) {
		msg_start(m, NFLB_CMD_SERVICE_DEL, NLM_F_ACK);
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		nest_end(m, svc);
	} else if (r < 60) {
		uint8_t cmd = r < 46 ? NFLB_CMD_BACKEND_NEW :
			      r < 54 ? NFLB_CMD_BACKEND_SET : NFLB_CMD_BACKEND_DEL;

		msg_start(m, cmd, NLM_F_ACK);
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		nest_end(m, svc);
		put_be(m, k.family, rnd(8), cmd != NFLB_CMD_BACKEND_DEL);
		if (cmd == NFLB_CMD_BACKEND_DEL ? chance(40) : chance(3))
			put_attr(m, NFLB_A_FLUSH, NULL, 0);
	} else if (r < 68) {
		msg_start(m, NFLB_CMD_SERVICE_GET, NLM_F_ACK);
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		nest_end(m, svc);
	} else if (r < 80) {
		*dump = true;
		msg_start(m, NFLB_CMD_SERVICE_GET, NLM_F_DUMP);
		if (chance(30)) {
			svc = nest_start(m, NFLB_A_SERVICE);
			put_svc_key(m, &k);
			nest_end(m, svc);
		}
	} else if (r < 88) {
		*dump = true;
		msg_start(m, NFLB_CMD_TABLE_GET, NLM_F_DUMP);
		if (chance(95)) {
			svc = nest_start(m, NFLB_A_SERVICE);
			put_svc_key(m, &k);
			nest_end(m, svc);
		}
	} else if (r < 93) {
		msg_start(m, NFLB_CMD_STATS_ZERO, NLM_F_ACK);
		if (chance(60)) {
			svc = nest_start(m, NFLB_A_SERVICE);
			put_svc_key(m, &k);
			nest_end(m, svc);
		}
	} else if (r < 94) {
		msg_start(m, NFLB_CMD_FLUSH, NLM_F_ACK);
	} else {
		msg_start(m, NFLB_CMD_GET_INFO, NLM_F_ACK);
	}
	msg_end(m);
}

/* Garbage: a random command and a stream of random attributes, nested at
 * random. */
static void gen_garbage(struct msg *m)
{
	unsigned int n = rnd(12), i, j, len;
	uint8_t data[96];
	size_t nest = 0;

	msg_start(m, rnd(8) ? rnd(NFLB_CMD_MAX + 3) : rnd(256),
		  chance(50) ? NLM_F_ACK : rnd(0x1000));
	for (i = 0; i < n; i++) {
		if (!nest && chance(30)) {
			nest = nest_start(m, rnd(NFLB_A_MAX + 3));
			continue;
		}
		len = chance(50) ? rnd(9) : rnd(sizeof(data));
		for (j = 0; j < len; j++)
			data[j] = rnd(256);
		put_attr(m, rnd(20) | (chance(10) ? NLA_F_NESTED : 0), data, len);
		if (nest && chance(30)) {
			nest_end(m, nest);
			nest = 0;
		}
	}
	if (nest)
		nest_end(m, nest);
	msg_end(m);
}

/* Mutate the message that starts at M->hdr (the last one built). */
static void mutate(struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(m->buf + m->hdr);
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	unsigned int n = 1 + rnd(3), i;
	size_t body = m->hdr + NLMSG_HDRLEN + GENL_HDRLEN;

	for (i = 0; i < n; i++) {
		struct nlattr *a = NULL;
		size_t off;

		if (m->nattrs) {
			off = m->attrs[rnd(m->nattrs)];
			if (off + NLA_HDRLEN <= m->len)
				a = (struct nlattr *)(m->buf + off);
		}
		switch (rnd(14)) {
		case 0:		/* flip bits in the attributes */
		case 1:
			if (m->len > body)
				m->buf[body + rnd(m->len - body)] ^= 1 << rnd(8);
			break;
		case 2:		/* another type, maybe another nesting flag */
			if (a)
				a->nla_type = chance(50) ? rnd(20) :
					      a->nla_type ^ NLA_F_NESTED;
			break;
		case 3:		/* another length: short, long, odd */
			if (a) {
				switch (rnd(4)) {
				case 0: a->nla_len = rnd(NLA_HDRLEN + 1); break;
				case 1: a->nla_len += 1 + rnd(64); break;
				case 2: a->nla_len = a->nla_len > NLA_HDRLEN ?
					NLA_HDRLEN + rnd(a->nla_len - NLA_HDRLEN) : 0;
					break;
				default: a->nla_len = rnd(65536);
				}
			}
			break;
		case 4:		/* truncate: nests end before their contents */
			if (m->len > body) {
				m->len = body + NLA_ALIGN(rnd(m->len - body));
				msg_end(m);
			}
			break;
		case 5:		/* a garbage attribute at the end */
		case 6: {
			uint8_t data[40];
			unsigned int len = rnd(sizeof(data)), j;

			for (j = 0; j < len; j++)
				data[j] = rnd(256);
			put_attr(m, rnd(20) | (chance(20) ? NLA_F_NESTED : 0),
				 data, len);
			msg_end(m);
			break;
		}
		case 7:		/* an attribute given twice */
			if (a && a->nla_len >= NLA_HDRLEN &&
			    (uint8_t *)a + NLA_ALIGN(a->nla_len) <= m->buf + m->len &&
			    a->nla_len < 4096) {
				uint8_t copy[4096];
				size_t len = a->nla_len;

				memcpy(copy, a, len);
				put_raw(m, copy, len);
				msg_end(m);
			}
			break;
		case 8:		/* another command */
			g->cmd = chance(80) ? rnd(NFLB_CMD_MAX + 2) : rnd(256);
			break;
		case 9:		/* version, reserved */
			if (chance(50))
				g->version = rnd(256);
			else
				g->reserved = rnd(65536);
			break;
		case 10:	/* flags */
			nlh->nlmsg_flags ^= 1 << rnd(12);
			break;
		case 11:	/* the header's length wrong (the kernel drops) */
			if (chance(20))
				nlh->nlmsg_len = chance(50) ? rnd(NLMSG_HDRLEN + 8) :
						 nlh->nlmsg_len + 4 + rnd(64);
			break;
		case 12:	/* a nest that overruns its parent */
			if (a && (a->nla_type & NLA_F_NESTED))
				a->nla_len += NLA_HDRLEN * (1 + rnd(8));
			break;
		default:	/* a scalar's payload, random bytes */
			if (a && a->nla_len > NLA_HDRLEN &&
			    (uint8_t *)a + a->nla_len <= m->buf + m->len &&
			    !(a->nla_type & NLA_F_NESTED)) {
				uint8_t *p = (uint8_t *)a + NLA_HDRLEN;
				unsigned int j;

				for (j = 0; j + NLA_HDRLEN < a->nla_len; j++)
					p[j] = chance(30) ? 0xff : rnd(256);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* Sockets, replies. */

static int nl_open(int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, big = BUF_SIZE + 65536;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0) {
		say("socket: %s", strerror(errno));
		exit(1);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		say("bind: %s", strerror(errno));
		exit(1);
	}
	/* Root may go over wmem_max: the huge requests need it. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static bool nl_send(int fd, const struct msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	st.sends++;
	if (sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		st.send_errors++;
		/* EMSGSIZE etc.: the kernel saw nothing; counted as sent. */
		if (errno != EMSGSIZE && errno != ENOBUFS && errno != ECONNREFUSED)
			say("send: %s", strerror(errno));
		return false;
	}
	return true;
}

/* Step over attribute A, LEFT bytes from it to the end of its container. */
static void *nla_step(const void *a, size_t *left)
{
	size_t step = NLA_ALIGN((size_t)((const struct nlattr *)a)->nla_len);

	if (step > *left)
		step = *left;
	*left -= step;
	return (uint8_t *)a + step;
}

/* The attributes in [P, P+LEN) are well formed: each within the bounds. */
static bool attrs_ok(const uint8_t *p, size_t len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len, step = NLA_ALIGN(alen);

		if (alen < NLA_HDRLEN || alen > len)
			return false;
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return len == 0;
}

/* A reply's attributes, and those of every nest it may hold, well formed.
 * The kernel does not mark its nests (NLA_F_NESTED), so they are known by
 * type at each LEVEL: 0 the top, 1 a service, 2 a backend, 3 a backend
 * list, 4 a table, 10 anything without nests (info, stats). */
static bool reply_ok(const uint8_t *p, size_t len, int level)
{
	if (!attrs_ok(p, len))
		return false;
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		uint16_t t = a->nla_type & NLA_TYPE_MASK;
		int sub = -1;

		switch (level) {
		case 0:		/* top */
			if (t == NFLB_A_INFO || t == NFLB_A_SERVICE ||
			    t == NFLB_A_BACKEND || t == NFLB_A_TABLE)
				sub = t == NFLB_A_SERVICE ? 1 :
				      t == NFLB_A_BACKEND ? 2 :
				      t == NFLB_A_TABLE ? 4 : 9;
			break;
		case 1:		/* service */
			if (t == NFLB_SVC_A_STATS)
				sub = 9;
			else if (t == NFLB_SVC_A_BACKENDS)
				sub = 3;
			break;
		case 3:		/* backend list */
			sub = 2;
			break;
		case 2:		/* backend */
			if (t == NFLB_BE_A_STATS)
				sub = 9;
			break;
		case 4:		/* table */
			if (t == NFLB_TABLE_A_BACKENDS)
				sub = 3;
			break;
		}
		if (sub >= 0 && !reply_ok(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					  sub == 9 ? 10 : sub))
			return false;
		p = nla_step(a, &len);
	}
	return true;
}

static uint8_t rbuf[1 << 20];

/* Read what is queued on FD without waiting (the kernel answers a doit
 * within the send, and makes each next part of a dump within the recv
 * that takes the previous one).  At most MAX messages (0: all).  Returns
 * the number of messages, sets *done when a dump ended or an ack came. */
static int drain(int fd, int max, bool *done)
{
	int count = 0;

	if (done)
		*done = false;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* replies dropped: fine */
				continue;
			if (errno != EAGAIN)
				fail("recv: %s", strerror(errno));
			return count;
		}
		left = n;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			count++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);
				int err = -e->error;

				if (err == 0) {
					st.ok++;
				} else {
					st.err++;
					if (err > 0 && err < 140)
						st.errno_count[err]++;
				}
				if (done)
					*done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				if (done)
					*done = true;
				st.ok++;
			} else if (nlh->nlmsg_type == family_id) {
				size_t alen = nlh->nlmsg_len - NLMSG_HDRLEN;

				st.dump_msgs++;
				if (alen < GENL_HDRLEN ||
				    !reply_ok((uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN,
					      alen - GENL_HDRLEN, 0))
					fail("malformed reply (cmd %u, %zu bytes)",
					     ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd,
					     (size_t)nlh->nlmsg_len);
			}
		}
		if (left)
			fail("reply with %zu stray bytes", left);
		if (max && count >= max)
			return count;
	}
}

/* Read a dump to its end (a bounded number of rounds). */
static void drain_dump(int fd)
{
	bool done = false;
	int rounds = 0;

	while (!done && rounds++ < 100000)
		if (drain(fd, 0, &done) == 0 && !done)
			break;
	if (!done)
		fail("a dump did not end");
}

/* The family's id and event group, from nlctrl. */
static int resolve_family(int fd)
{
	struct msg m = { .buf = malloc(65536) };
	ssize_t n;

	msg_start(&m, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct nlmsghdr *)m.buf)->nlmsg_type = GENL_ID_CTRL;
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, NFLB_GENL_NAME, sizeof(NFLB_GENL_NAME));
	msg_end(&m);
	family_id = 0;
	if (!nl_send(fd, &m))
		goto out;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	if (n > 0) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf;
		struct nlattr *a;
		size_t left;

		if (nlh->nlmsg_type == NLMSG_ERROR) {
			say("family %s: %s", NFLB_GENL_NAME,
			    strerror(-((struct nlmsgerr *)NLMSG_DATA(nlh))->error));
			goto out;
		}
		a = (struct nlattr *)((uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		left = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				family_id = *(uint16_t *)((uint8_t *)a + NLA_HDRLEN);
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS) {
				/* [ { ID, NAME }, ... ] */
				struct nlattr *g = (void *)((uint8_t *)a + NLA_HDRLEN);
				size_t gl = a->nla_len - NLA_HDRLEN;

				while (gl >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= gl) {
					struct nlattr *x = (void *)((uint8_t *)g + NLA_HDRLEN);
					size_t xl = g->nla_len - NLA_HDRLEN;
					uint32_t id = 0;
					bool events = false;

					while (xl >= NLA_HDRLEN && x->nla_len >= NLA_HDRLEN &&
					       x->nla_len <= xl) {
						if (x->nla_type == CTRL_ATTR_MCAST_GRP_ID)
							id = *(uint32_t *)((uint8_t *)x + NLA_HDRLEN);
						if (x->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
						    !strcmp((char *)x + NLA_HDRLEN, NFLB_MCGRP_EVENTS))
							events = true;
						x = nla_step(x, &xl);
					}
					if (events)
						events_group = id;
					g = nla_step(g, &gl);
				}
			}
			a = nla_step(a, &left);
		}
	}
	drain(fd, 0, NULL);
out:
	free(m.buf);
	return family_id ? 0 : -1;
}

/* The liveness probe: GET_INFO answered, with a version. */
static void probe(int fd, struct msg *m)
{
	ssize_t n;
	struct nlmsghdr *nlh;

	st.probes++;
	drain(fd, 0, NULL);
	msg_reset(m);
	msg_start(m, NFLB_CMD_GET_INFO, 0);
	msg_end(m);
	if (!nl_send(fd, m)) {
		fail("probe not sent");
		return;
	}
	n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	nlh = (struct nlmsghdr *)rbuf;
	if (n <= 0 || !NLMSG_OK(nlh, (size_t)n) || nlh->nlmsg_type != family_id ||
	    ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd != NFLB_CMD_GET_INFO)
		fail("GET_INFO probe not answered (%zd bytes, %s)", n,
		     n < 0 ? strerror(errno) : "wrong reply");
	drain(fd, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* Traffic: from CLIENTNS, UDP datagrams and TCP connection attempts to
 * the VIPs and ports of the key pool, until killed. */

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		say("netns %s: %s", name, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static void traffic(uint64_t seed)
{
	static const char *const vips[] = { "203.0.113.10", "203.0.113.11", "2001:db8:ff::10" };
	static const uint16_t ports[] = { 80, 81, 82 };
	int tcp[16] = { 0 }, slot = 0, u4, u6, i;
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	char payload[64];

	rng_state = seed;
	memset(payload, 'x', sizeof(payload));
	u4 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	for (i = 0; i < 16; i++)
		tcp[i] = -1;
	for (;;) {
		const char *vip = vips[rnd(3)];
		uint16_t port = ports[rnd(3)];
		struct sockaddr_storage ss = { 0 };
		socklen_t sl;
		int fam = strchr(vip, ':') ? AF_INET6 : AF_INET;

		if (fam == AF_INET) {
			struct sockaddr_in *s = (void *)&ss;

			s->sin_family = AF_INET;
			s->sin_port = htons(port);
			inet_pton(AF_INET, vip, &s->sin_addr);
			sl = sizeof(*s);
		} else {
			struct sockaddr_in6 *s = (void *)&ss;

			s->sin6_family = AF_INET6;
			s->sin6_port = htons(port);
			inet_pton(AF_INET6, vip, &s->sin6_addr);
			sl = sizeof(*s);
		}
		if (chance(60)) {
			int u = fam == AF_INET ? u4 : u6;

			/* A new source port now and then: new flows. */
			if (chance(10)) {
				close(u);
				u = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
				if (fam == AF_INET)
					u4 = u;
				else
					u6 = u;
			}
			sendto(u, payload, 1 + rnd(sizeof(payload)), 0,
			       (struct sockaddr *)&ss, sl);
			while (recv(u, payload, sizeof(payload), MSG_DONTWAIT) > 0)
				;
		} else {
			if (tcp[slot] >= 0)
				close(tcp[slot]);
			tcp[slot] = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
			connect(tcp[slot], (struct sockaddr *)&ss, sl);
			slot = (slot + 1) % 16;
		}
		nanosleep(&ts, NULL);
	}
}

/* ------------------------------------------------------------------ */
/* One fuzzer process in one netns. */

struct job {
	char lbns[128];
	char clientns[128];
	uint64_t count;
	bool doomed;		/* -k: stop half-way; the netns is deleted */
	pid_t pid, traffic;
};

/* An abandoned dump: start it on a socket of its own, take at most one
 * message, close. */
static void abandoned_dump(struct msg *m)
{
	int fd = nl_open(chance(50) ? 4096 : 0);
	struct svc_key k;
	size_t svc;

	msg_reset(m);
	pick_svc(&k);
	msg_start(m, chance(60) ? NFLB_CMD_SERVICE_GET : NFLB_CMD_TABLE_GET, NLM_F_DUMP);
	if (chance(50)) {
		svc = nest_start(m, NFLB_A_SERVICE);
		put_svc_key(m, &k);
		nest_end(m, svc);
	}
	msg_end(m);
	nl_send(fd, m);
	if (chance(70))
		recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	close(fd);
	st.abandoned++;
}

static int fuzz(struct job *j, uint64_t seed)
{
	struct msg m = { .buf = malloc(BUF_SIZE) };
	int fd, mon = -1, slow = -1;
	uint64_t sent_at_slow = 0;
	struct sigaction sa = { .sa_handler = SIG_IGN };

	sigaction(SIGPIPE, &sa, NULL);
	if (!m.buf) {
		say("out of memory");
		return 1;
	}
	if (enter_netns(j->lbns))
		return 1;
	rng_state = seed;
	fd = nl_open(1 << 20);
	if (resolve_family(fd)) {
		say("no generic netlink family %s in %s", NFLB_GENL_NAME, j->lbns);
		return 1;
	}
	say("netns %s: family %u, events group %u, %" PRIu64 " messages, seed %" PRIu64,
	    j->lbns, family_id, events_group, j->count, seed);

	while (st.sent < j->count) {
		uint32_t r = rnd(1000);
		bool dump = false, mutated = false;

		if (st.sent / PROBE_EVERY != (st.sent + 1) / PROBE_EVERY)
			probe(fd, &m);

		/* Now and then: a listener to the events, read seldom; a
		 * dump left half read while the others change things; a
		 * fresh socket. */
		if (chance(1)) {
			if (mon >= 0) {
				st.events += drain(mon, 50, NULL);
				if (chance(30)) {
					close(mon);
					mon = -1;
				}
			} else if (events_group) {
				mon = nl_open(chance(50) ? 2048 : 0);
				setsockopt(mon, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					   &events_group, sizeof(events_group));
			}
		}
		if (slow >= 0 && (chance(2) || st.sent - sent_at_slow > 500)) {
			bool done;

			drain(slow, 1, &done);
			if (done || chance(20)) {
				close(slow);
				slow = -1;
			}
		}
		if (r < 15) {
			abandoned_dump(&m);
			st.sent++;
			continue;
		}
		if (r < 20 && slow < 0) {
			struct svc_key k;
			size_t svc;

			slow = nl_open(8192);
			msg_reset(&m);
			pick_svc(&k);
			msg_start(&m, chance(60) ? NFLB_CMD_SERVICE_GET : NFLB_CMD_TABLE_GET,
				  NLM_F_DUMP);
			if (chance(40)) {
				svc = nest_start(&m, NFLB_A_SERVICE);
				put_svc_key(&m, &k);
				nest_end(&m, svc);
			}
			msg_end(&m);
			nl_send(slow, &m);
			sent_at_slow = st.sent;
			st.sent++;
			continue;
		}
		if (chance(1)) {	/* a new main socket */
			close(fd);
			fd = nl_open(1 << 20);
		}

		msg_reset(&m);
		if (r < 450) {			/* valid */
			gen_valid(&m, &dump);
		} else if (r < 870) {		/* mutated */
			if (chance(30))
				m.wrong_size = 5 + rnd(40);
			gen_valid(&m, &dump);
			if (!m.wrong_size || chance(50))
				mutate(&m);
			st.mutated++;
			mutated = true;
		} else if (r < 950) {		/* garbage */
			gen_garbage(&m);
			st.garbage++;
		} else {			/* several in one send */
			unsigned int n = 2 + rnd(6), i;

			for (i = 0; i < n && st.sent + i + 1 < j->count; i++) {
				bool d;

				gen_valid(&m, &d);
				if (chance(40))
					mutate(&m);
				dump |= d;
				mutated = true;	/* read, not checked */
				st.sent++;
			}
			st.batches++;
		}
		st.sent++;
		nl_send(fd, &m);
		if (dump)
			st.dumps++;
		/* Doits are answered within the send; a dump is read to its
		 * end, which must come unless the request was mutated (its
		 * flags, length or command may no longer ask for one). */
		if (dump && !mutated && chance(90))
			drain_dump(fd);
		else
			drain(fd, 0, NULL);
		if (verbose && st.sent % 1000 == 0)
			say("%" PRIu64 " sent", st.sent);
		if (j->doomed && st.sent >= j->count / 2) {
			say("stopping half-way: %s is deleted now", j->lbns);
			break;
		}
	}
	probe(fd, &m);

	/* Valid additions to end with, so that the consistency check after
	 * the run (lbadm save, restore elsewhere, save) has a configuration
	 * to work on; counted as sent. */
	only_new = true;
	for (int i = 0; i < 60 && !j->doomed; i++) {
		bool dump;

		msg_reset(&m);
		gen_valid(&m, &dump);
		nl_send(fd, &m);
		drain(fd, 0, NULL);
		st.sent++;
	}

	/* The last word: a full dump, read and checked. */
	msg_reset(&m);
	msg_start(&m, NFLB_CMD_SERVICE_GET, NLM_F_DUMP);
	msg_end(&m);
	if (nl_send(fd, &m))
		drain_dump(fd);
	say("netns %s: %" PRIu64 " messages in %" PRIu64 " sends (%" PRIu64
	    " mutated, %" PRIu64 " garbage, %" PRIu64 " in batches, %" PRIu64
	    " huge, %" PRIu64 " refused by send): %" PRIu64 " acks, %" PRIu64
	    " errors; %" PRIu64 " dumps, %"
	    PRIu64 " abandoned, %" PRIu64 " reply messages, %" PRIu64 " events, %"
	    PRIu64 " probes", j->lbns, st.sent, st.sends, st.mutated, st.garbage,
	    st.batches, st.huge, st.send_errors, st.ok, st.err, st.dumps, st.abandoned,
	    st.dump_msgs, st.events, st.probes);
	{
		char line[1024];
		size_t o = 0;
		int e;

		for (e = 1; e < 140; e++)
			if (st.errno_count[e] && o < sizeof(line) - 64)
				o += snprintf(line + o, sizeof(line) - o, " %s:%" PRIu64,
					      strerrorname_np(e) ? strerrorname_np(e) : "?",
					      st.errno_count[e]);
		say("netns %s: errors by errno:%s", j->lbns, o ? line : " none");
	}
	return failures ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: nflb-fuzz [-s SEED] [-n COUNT] [-k LBNS] [-v] LBNS[,CLIENTNS]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct job jobs[MAX_NS];
	unsigned int njobs = 0, i, left;
	uint64_t seed = 0, count = 100000, total = 0, *sent;
	char name[300];
	bool seeded = false;
	const char *doomed = NULL;
	int opt, rc = 0;
	struct timespec t0, t1;

	setvbuf(stderr, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:n:k:v")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 'k': doomed = optarg; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (optind >= argc || argc - optind > MAX_NS)
		usage();
	if (!seeded)
		seed = (uint64_t)time(NULL);
	printf("nflb-fuzz: seed %" PRIu64 " (repeat with -s %" PRIu64 "), %" PRIu64
	       " messages over %d netns\n", seed, seed, count, argc - optind);
	fflush(stdout);
	for (i = optind; i < (unsigned int)argc; i++) {
		struct job *j = &jobs[njobs++];
		char *comma;

		memset(j, 0, sizeof(*j));
		snprintf(j->lbns, sizeof(j->lbns), "%s", argv[i]);
		comma = strchr(j->lbns, ',');
		if (comma) {
			*comma = 0;
			snprintf(j->clientns, sizeof(j->clientns), "%s", comma + 1);
		}
		j->doomed = doomed && !strcmp(doomed, j->lbns);
	}
	if (doomed) {
		for (i = 0; i < njobs && !jobs[i].doomed; i++)
			;
		if (i == njobs) {
			say("-k %s: not one of the namespaces", doomed);
			return 2;
		}
	}
	/* Shares of COUNT: with -k, the doomed one stops at half its share,
	 * and the first of the others takes what is left over. */
	{
		uint64_t w = doomed ? 2 * njobs - 1 : njobs, unit = count / w, used = 0;
		unsigned int first = jobs[0].doomed ? 1 : 0;

		for (i = 0; i < njobs; i++) {
			jobs[i].count = doomed ? 2 * unit : unit;
			used += jobs[i].doomed ? unit : jobs[i].count;
		}
		if (first < njobs)
			jobs[first].count += count - used;
	}
	sent = mmap(NULL, sizeof(*sent) * MAX_NS, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sent == MAP_FAILED) {
		say("mmap: %s", strerror(errno));
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		uint64_t s = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));

		if (j->clientns[0]) {
			j->traffic = fork();
			if (j->traffic == 0) {
				snprintf(name, sizeof(name), "nflb-fuzz[%s traffic]", j->clientns);
				who = name;
				if (enter_netns(j->clientns))
					_exit(1);
				traffic(s ^ 0x5555);
				_exit(0);
			}
		}
		j->pid = fork();
		if (j->pid == 0) {
			snprintf(name, sizeof(name), "nflb-fuzz[%s]", j->lbns);
			who = name;
			rc = fuzz(j, s);
			sent[i] = st.sent;
			_exit(rc);
		}
	}
	for (left = njobs; left > 0; left--) {
		int status;
		pid_t pid = wait(&status);

		for (i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];
			char path[300];

			if (j->pid != pid)
				continue;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				say("netns %s: fuzzer failed (status 0x%x)", j->lbns, status);
				rc = 1;
			}
			if (j->traffic > 0) {
				kill(j->traffic, SIGKILL);
				waitpid(j->traffic, NULL, 0);
			}
			if (j->doomed) {
				/* ip netns del: the netns goes once its last
				 * user (this fuzzer's process) has gone. */
				snprintf(path, sizeof(path), "/run/netns/%.200s", j->lbns);
				if (umount2(path, MNT_DETACH) < 0 || unlink(path) < 0) {
					say("deleting netns %s: %s", j->lbns, strerror(errno));
					rc = 1;
				} else {
					say("netns %s deleted", j->lbns);
				}
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < njobs; i++)
		total += sent[i];
	if (total < count && !rc) {
		say("only %" PRIu64 " of %" PRIu64 " messages sent", total, count);
		rc = 1;
	}
	printf("nflb-fuzz: %" PRIu64 " messages, seed %" PRIu64 ", %.1f s: %s\n",
	       total, seed, (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9, rc ? "FAILED" : "ok");
	return rc;
}
