// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libnflbnl's service, backend and table replies: the
 * messages are built here as the kernel would send them (with 64-bit
 * padding attributes and attributes from a newer kernel) and parsed back.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nlbuild.h"
#include "nflbnl.h"

static char buf[1 << 16];

static struct nlmsghdr *reply(uint8_t cmd)
{
	memset(buf, 0, sizeof(buf));
	return nflb_msg_put_header(buf, 0x42, cmd, 0);
}

static void put_stats(struct nlmsghdr *nlh, uint16_t type, uint64_t base)
{
	struct nlattr *st = mnl_attr_nest_start(nlh, type);
	uint16_t t;

	for (t = NFLB_STATS_A_CONNS; t <= NFLB_STATS_A_DROPS; t++)
		put_u64_pad(nlh, t, base + t, NFLB_STATS_A_PAD);
	mnl_attr_put_u32(nlh, 100, 7);	/* a newer kernel's counter */
	mnl_attr_nest_end(nlh, st);
}

static void put_backend(struct nlmsghdr *nlh, const char *addr, uint16_t port,
			uint32_t weight, uint8_t state, uint32_t slots)
{
	struct nlattr *be = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, NFLB_BE_A_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, NFLB_BE_A_PORT, port);
	mnl_attr_put_u32(nlh, NFLB_BE_A_WEIGHT, weight);
	mnl_attr_put_u8(nlh, NFLB_BE_A_STATE, state);
	mnl_attr_put_u32(nlh, NFLB_BE_A_SLOTS, slots);
	put_stats(nlh, NFLB_BE_A_STATS, 100);
	mnl_attr_put_strz(nlh, 99, "future");
	mnl_attr_nest_end(nlh, be);
}

static struct nlmsghdr *service_reply(void)
{
	struct nlmsghdr *nlh = reply(NFLB_CMD_SERVICE_GET);
	struct nlattr *svc, *list;
	struct in_addr vip;

	inet_pton(AF_INET, "192.0.2.10", &vip);
	svc = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_TCP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, &vip);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	mnl_attr_put_u32(nlh, NFLB_SVC_A_TABLE_SIZE, 65537);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_HASH, NFLB_HASH_5TUPLE);
	put_u64_pad(nlh, NFLB_SVC_A_SEED, 0xfedcba9876543210ULL,
		    NFLB_SVC_A_PAD);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_SNAT, 1);
	put_stats(nlh, NFLB_SVC_A_STATS, 1000);
	list = mnl_attr_nest_start(nlh, NFLB_SVC_A_BACKENDS);
	put_backend(nlh, "10.0.1.1", 80, 1, NFLB_BACKEND_UP, 21846);
	put_backend(nlh, "10.0.1.2", 8080, 65535, NFLB_BACKEND_DRAIN, 0);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_put_u32(nlh, 200, 1);	/* unknown service attribute */
	mnl_attr_nest_end(nlh, svc);
	mnl_attr_put_u32(nlh, 77, 1);	/* unknown top-level attribute */
	return nlh;
}

static void parse_service(void)
{
	struct nflb_service s;
	const char *why = "x";
	struct in_addr a;

	KTAP_EXPECT(nflb_service_parse(service_reply(), &s, &why) == 1);
	KTAP_EXPECT(why == NULL);
	KTAP_EXPECT(s.family == AF_INET && s.proto == IPPROTO_TCP);
	inet_pton(AF_INET, "192.0.2.10", &a);
	KTAP_EXPECT(memcmp(&s.addr.v4, &a, 4) == 0 && s.port == 80);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_TABLE_SIZE) && s.table_size == 65537);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_HASH) && s.hash == NFLB_HASH_5TUPLE);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_SEED) &&
		    s.seed == 0xfedcba9876543210ULL);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_SNAT) && s.snat == 1);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_STATS));
	KTAP_EXPECT(NFLB_HAS(&s.stats, NFLB_STATS_A_CONNS));
	KTAP_EXPECT(s.stats.conns == 1001 && s.stats.pkts_in == 1002 &&
		    s.stats.pkts_out == 1003 && s.stats.bytes_in == 1004 &&
		    s.stats.bytes_out == 1005 && s.stats.drops == 1006);
	KTAP_EXPECT(s.n_backends == 2);
	if (s.n_backends == 2) {
		inet_pton(AF_INET, "10.0.1.2", &a);
		KTAP_EXPECT(s.backends[0].port == 80 &&
			    s.backends[0].slots == 21846 &&
			    s.backends[0].weight == 1 &&
			    s.backends[0].state == NFLB_BACKEND_UP);
		KTAP_EXPECT(memcmp(&s.backends[1].addr.v4, &a, 4) == 0);
		KTAP_EXPECT(s.backends[1].port == 8080 &&
			    s.backends[1].weight == 65535 &&
			    s.backends[1].state == NFLB_BACKEND_DRAIN);
		KTAP_EXPECT(NFLB_HAS(&s.backends[1], NFLB_BE_A_SLOTS) &&
			    s.backends[1].slots == 0);
		KTAP_EXPECT(s.backends[1].stats.conns == 101 &&
			    s.backends[1].stats.drops == 106);
	}
	nflb_service_free(&s);
	KTAP_EXPECT(s.backends == NULL && s.n_backends == 0);
}

static void parse_service_minimal(void)
{
	struct nlmsghdr *nlh = reply(NFLB_CMD_SERVICE_GET);
	struct nflb_service s;
	struct in6_addr a;
	const char *why;
	struct nlattr *n;

	inet_pton(AF_INET6, "2001:db8::10", &a);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 16, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 0);
	mnl_attr_nest_end(nlh, n);
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) == 1);
	KTAP_EXPECT(s.family == AF_INET6 && s.proto == IPPROTO_UDP);
	KTAP_EXPECT(memcmp(&s.addr.v6, &a, 16) == 0);
	KTAP_EXPECT(s.n_backends == 0 && s.backends == NULL);
	KTAP_EXPECT(!NFLB_HAS(&s, NFLB_SVC_A_SEED));
	KTAP_EXPECT(!NFLB_HAS(&s.stats, NFLB_STATS_A_CONNS));
	nflb_service_free(&s);

	/* A message without a service is skipped. */
	KTAP_EXPECT(nflb_service_parse(reply(NFLB_CMD_SERVICE_GET), &s,
				       &why) == 0);
}

static void parse_service_malformed(void)
{
	struct nflb_service s;
	struct nlmsghdr *nlh;
	struct nlattr *n, *l, *b;
	const char *why;
	struct in_addr a = { 0 };

	/* Address length disagrees with the family. */
	nlh = reply(NFLB_CMD_SERVICE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_TCP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	mnl_attr_nest_end(nlh, n);
	errno = 0;
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) < 0);
	KTAP_EXPECT(errno == EPROTO && why && strstr(why, "family"));

	/* A u32 where a u16 belongs. */
	nlh = reply(NFLB_CMD_SERVICE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u32(nlh, NFLB_SVC_A_PORT, 80);
	mnl_attr_nest_end(nlh, n);
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) < 0);
	KTAP_EXPECT(why && strcmp(why, "bad service port") == 0);

	/* Key missing. */
	nlh = reply(NFLB_CMD_SERVICE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	mnl_attr_nest_end(nlh, n);
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) < 0);

	/* A backend without an address: the whole reply is refused. */
	nlh = reply(NFLB_CMD_SERVICE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_TCP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	l = mnl_attr_nest_start(nlh, NFLB_SVC_A_BACKENDS);
	b = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);
	mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, AF_INET);
	mnl_attr_nest_end(nlh, b);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	errno = 0;
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) < 0);
	KTAP_EXPECT(errno == EPROTO && why && strstr(why, "backend"));
	KTAP_EXPECT(s.backends == NULL);

	/* A short counter. */
	nlh = reply(NFLB_CMD_SERVICE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	l = mnl_attr_nest_start(nlh, NFLB_SVC_A_STATS);
	mnl_attr_put_u32(nlh, NFLB_STATS_A_CONNS, 1);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) < 0);
	KTAP_EXPECT(why && strstr(why, "statistics"));
}

/* Dumps: a large service in a head and continuations. */

static char dump_buf[1 << 14];

/*
 * Append to dump_buf at *LEN a SERVICE_GET message for tcp 192.0.2.VIP:80:
 * a head (table size 251, timeouts) or, if CONT, a continuation; with the
 * backends 10.0.1.FIRST to 10.0.1.(FIRST + N - 1).
 */
static struct nlmsghdr *dump_msg(size_t *len, int vip, bool cont, int first,
				 int n)
{
	struct nlmsghdr *nlh = nflb_msg_put_header(dump_buf + *len, 0x42,
						   NFLB_CMD_SERVICE_GET,
						   NLM_F_MULTI);
	struct nlattr *svc, *list;
	char addr[16];
	struct in_addr a;
	int i;

	snprintf(addr, sizeof(addr), "192.0.2.%d", vip);
	inet_pton(AF_INET, addr, &a);
	svc = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_TCP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	if (cont) {
		mnl_attr_put(nlh, NFLB_SVC_A_CONT, 0, NULL);
	} else {
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TABLE_SIZE, 251);
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP, 7200);
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP_FIN, 60);
		put_stats(nlh, NFLB_SVC_A_STATS, 1000);
	}
	list = mnl_attr_nest_start(nlh, NFLB_SVC_A_BACKENDS);
	for (i = first; i < first + n; i++) {
		snprintf(addr, sizeof(addr), "10.0.1.%d", i);
		put_backend(nlh, addr, 80, i, NFLB_BACKEND_UP, 10 * i);
	}
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, svc);
	*len += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

/* What the collector's callback saw. */
struct seen {
	int calls;
	int vip[4];
	size_t n_backends[4];
	bool in_order[4];
	uint32_t table_size[4], timeout_tcp[4];
};

static int seen_cb(const struct nflb_service *svc, void *data)
{
	struct seen *s = data;
	size_t i;

	if (s->calls >= 4)
		return -1;
	s->vip[s->calls] = ((const uint8_t *)&svc->addr.v4)[3];
	s->n_backends[s->calls] = svc->n_backends;
	s->table_size[s->calls] = svc->table_size;
	s->timeout_tcp[s->calls] = svc->timeout_tcp;
	s->in_order[s->calls] = true;
	for (i = 0; i < svc->n_backends; i++)
		if (((const uint8_t *)&svc->backends[i].addr.v4)[3] != i + 1 ||
		    svc->backends[i].weight != i + 1 ||
		    svc->backends[i].slots != 10 * (i + 1))
			s->in_order[s->calls] = false;
	s->calls++;
	return 0;
}

static int feed_cb(const struct nlmsghdr *nlh, void *data)
{
	return nflb_service_collect(data, nlh) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Run the messages of dump_buf through a collector as a dump would. */
static int feed(size_t len, struct nflb_service_collector *c)
{
	int ret = mnl_cb_run(dump_buf, len, 0, 0, feed_cb, c);

	if (ret < 0)
		return -1;
	return nflb_service_collect_end(c);
}

static void parse_timeouts(void)
{
	struct nflb_service s;
	const char *why;
	size_t len = 0;
	struct nlmsghdr *nlh = dump_msg(&len, 10, false, 1, 1);

	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) == 1);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_TIMEOUT_TCP) &&
		    s.timeout_tcp == 7200);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_TIMEOUT_TCP_FIN) &&
		    s.timeout_tcp_fin == 60);
	KTAP_EXPECT(!NFLB_HAS(&s, NFLB_SVC_A_TIMEOUT_UDP) &&
		    s.timeout_udp == 0);
	KTAP_EXPECT(!NFLB_HAS(&s, NFLB_SVC_A_CONT));
	nflb_service_free(&s);
	len = 0;
	nlh = dump_msg(&len, 10, true, 2, 2);
	KTAP_EXPECT(nflb_service_parse(nlh, &s, &why) == 1);
	KTAP_EXPECT(NFLB_HAS(&s, NFLB_SVC_A_CONT) && s.n_backends == 2);
	KTAP_EXPECT(!NFLB_HAS(&s, NFLB_SVC_A_TIMEOUT_TCP));
	nflb_service_free(&s);
}

static void collect_continued(void)
{
	struct seen seen = { 0 };
	struct nflb_service_collector c = { .cb = seen_cb, .data = &seen };
	size_t len = 0;

	/* One service in three messages, then a small one. */
	dump_msg(&len, 10, false, 1, 2);
	dump_msg(&len, 10, true, 3, 3);
	dump_msg(&len, 10, true, 6, 1);
	dump_msg(&len, 11, false, 1, 1);
	KTAP_EXPECT(feed(len, &c) == 0);
	nflb_service_collect_free(&c);
	KTAP_EXPECT(seen.calls == 2 && c.n == 2);
	KTAP_EXPECT(seen.vip[0] == 10 && seen.n_backends[0] == 6 &&
		    seen.in_order[0]);
	/* The head's options stay; continuations only add backends. */
	KTAP_EXPECT(seen.table_size[0] == 251 && seen.timeout_tcp[0] == 7200);
	KTAP_EXPECT(seen.vip[1] == 11 && seen.n_backends[1] == 1 &&
		    seen.in_order[1]);

	/* Nothing is passed on before the service is known to be whole. */
	memset(&seen, 0, sizeof(seen));
	memset(&c, 0, sizeof(c));
	c.cb = seen_cb;
	c.data = &seen;
	len = 0;
	KTAP_EXPECT(nflb_service_collect(&c, dump_msg(&len, 10, false, 1, 2)) == 0);
	KTAP_EXPECT(nflb_service_collect(&c, dump_msg(&len, 10, true, 3, 1)) == 0);
	KTAP_EXPECT(seen.calls == 0 && c.holding);
	KTAP_EXPECT(nflb_service_collect_end(&c) == 0);
	KTAP_EXPECT(seen.calls == 1 && seen.n_backends[0] == 3 && !c.holding);
	nflb_service_collect_free(&c);
}

static void collect_bad_continuation(void)
{
	struct seen seen = { 0 };
	struct nflb_service_collector c = { .cb = seen_cb, .data = &seen };
	size_t len = 0;

	/* A continuation of another service than the one held. */
	dump_msg(&len, 10, false, 1, 2);
	dump_msg(&len, 11, true, 3, 1);
	errno = 0;
	KTAP_EXPECT(feed(len, &c) < 0);
	KTAP_EXPECT(errno == EPROTO);
	KTAP_EXPECT(c.why && strstr(c.why, "continuation"));
	nflb_service_collect_free(&c);
	KTAP_EXPECT(seen.calls == 0 && !c.holding);

	/* A continuation first. */
	memset(&c, 0, sizeof(c));
	c.cb = seen_cb;
	c.data = &seen;
	len = 0;
	errno = 0;
	KTAP_EXPECT(nflb_service_collect(&c, dump_msg(&len, 10, true, 1, 1)) < 0);
	KTAP_EXPECT(errno == EPROTO && seen.calls == 0);
	nflb_service_collect_free(&c);
}

static void collect_restart(void)
{
	struct seen seen = { 0 };
	struct nflb_service_collector c = { .cb = seen_cb, .data = &seen };
	size_t len = 0;

	/* A service started over replaces its first part. */
	dump_msg(&len, 10, false, 1, 2);
	dump_msg(&len, 10, false, 1, 4);
	dump_msg(&len, 10, true, 5, 1);
	KTAP_EXPECT(feed(len, &c) == 0);
	nflb_service_collect_free(&c);
	KTAP_EXPECT(seen.calls == 1 && seen.n_backends[0] == 5 &&
		    seen.in_order[0]);
}

static int stop_cb(const struct nflb_service *svc, void *data)
{
	(void)svc;
	(void)data;
	return -1;
}

static void collect_cancel(void)
{
	struct nflb_service_collector c = { .cb = stop_cb };
	size_t len = 0;

	dump_msg(&len, 10, false, 1, 2);
	dump_msg(&len, 11, false, 1, 2);
	errno = 0;
	KTAP_EXPECT(feed(len, &c) < 0 && errno == ECANCELED);
	nflb_service_collect_free(&c);
	KTAP_EXPECT(!c.holding);
}

/* Table dumps: a first message with size and backends, then slot runs. */

static struct nlmsghdr *table_msg(int size, int n_backends, uint32_t off,
				  const uint16_t *slots, size_t n)
{
	struct nlmsghdr *nlh = reply(NFLB_CMD_TABLE_GET);
	struct nlattr *t, *l, *b;
	struct in_addr a;
	char addr[16];
	int i;

	t = mnl_attr_nest_start(nlh, NFLB_A_TABLE);
	if (size >= 0) {
		mnl_attr_put_u32(nlh, NFLB_TABLE_A_SIZE, size);
		l = mnl_attr_nest_start(nlh, NFLB_TABLE_A_BACKENDS);
		for (i = 0; i < n_backends; i++) {
			snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
			inet_pton(AF_INET, addr, &a);
			b = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);
			mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, AF_INET);
			mnl_attr_put(nlh, NFLB_BE_A_ADDR, 4, &a);
			mnl_attr_put_u16(nlh, NFLB_BE_A_PORT, 80);
			mnl_attr_nest_end(nlh, b);
		}
		mnl_attr_nest_end(nlh, l);
	}
	mnl_attr_put_u32(nlh, NFLB_TABLE_A_OFFSET, off);
	mnl_attr_put(nlh, NFLB_TABLE_A_SLOTS, n * sizeof(*slots), slots);
	mnl_attr_nest_end(nlh, t);
	return nlh;
}

static void table_assemble(void)
{
	static const uint16_t a[] = { 0, 1, 2, 0, 1 }, b[] = { 2, 2 };
	struct nflb_table t = { 0 };
	const char *why;
	struct in_addr x;

	KTAP_EXPECT(nflb_table_parse(table_msg(7, 3, 0, a, 5), &t, &why) == 0);
	KTAP_EXPECT(t.size == 7 && t.n_backends == 3 && t.filled == 5);
	KTAP_EXPECT(nflb_table_complete(&t, &why) < 0);
	KTAP_EXPECT(nflb_table_parse(table_msg(-1, 0, 5, b, 2), &t, &why) == 0);
	KTAP_EXPECT(nflb_table_complete(&t, &why) == 0);
	KTAP_EXPECT(t.slots[0] == 0 && t.slots[4] == 1 && t.slots[6] == 2);
	inet_pton(AF_INET, "10.0.0.3", &x);
	KTAP_EXPECT(memcmp(&t.backends[2].addr.v4, &x, 4) == 0);
	KTAP_EXPECT(NFLB_HAS(&t.backends[2], NFLB_BE_A_PORT) &&
		    t.backends[2].port == 80);
	nflb_table_free(&t);
	KTAP_EXPECT(t.slots == NULL && t.backends == NULL && t.size == 0);
}

/* The kernel packs several runs (SLOTS attributes) in one message. */
/* A table message holding the backend 10.0.0.3:80 only. */
static struct nlmsghdr *table_backend_msg(void)
{
	struct nlmsghdr *nlh = reply(NFLB_CMD_TABLE_GET);
	struct nlattr *n, *l;

	n = mnl_attr_nest_start(nlh, NFLB_A_TABLE);
	l = mnl_attr_nest_start(nlh, NFLB_TABLE_A_BACKENDS);
	put_backend(nlh, "10.0.0.3", 80, 1, NFLB_BACKEND_UP, 0);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

/* Backends over several messages, concatenated in order. */
static void table_backends_split(void)
{
	static const uint16_t slots[] = { 0, 2, 1, 2, 0 };
	struct nflb_table t = { 0 };
	struct nlmsghdr *nlh;
	const char *why;
	struct in_addr a;

	/* SIZE and backends 10.0.0.1, .2 (table_msg), no slots yet. */
	nlh = table_msg(5, 2, 0, slots, 0);
	KTAP_EXPECT(nflb_table_parse(nlh, &t, &why) == 0);
	KTAP_EXPECT(t.n_backends == 2 && t.filled == 0);
	/* The third backend alone, then the slots naming it. */
	KTAP_EXPECT(nflb_table_parse(table_backend_msg(), &t, &why) == 0);
	KTAP_EXPECT(t.n_backends == 3);
	KTAP_EXPECT(nflb_table_parse(table_msg(-1, 0, 0, slots, 5), &t,
				     &why) == 0);
	KTAP_EXPECT(nflb_table_complete(&t, &why) == 0);
	inet_pton(AF_INET, "10.0.0.3", &a);
	KTAP_EXPECT(t.n_backends == 3 &&
		    memcmp(&t.backends[2].addr.v4, &a, 4) == 0);
	inet_pton(AF_INET, "10.0.0.1", &a);
	KTAP_EXPECT(memcmp(&t.backends[0].addr.v4, &a, 4) == 0);
	KTAP_EXPECT(t.slots[1] == 2 && t.slots[2] == 1);
	/* Backends after the slots are out of order. */
	KTAP_EXPECT(nflb_table_parse(table_backend_msg(), &t, &why) < 0);
	KTAP_EXPECT(why && strstr(why, "after"));
	nflb_table_free(&t);
	/* And before the size. */
	KTAP_EXPECT(nflb_table_parse(table_backend_msg(), &t, &why) < 0);
	KTAP_EXPECT(why && strstr(why, "before the table size"));
	nflb_table_free(&t);
}

static void table_runs(void)
{
	static const uint16_t a[] = { 0, 1, 1 }, b[] = { 0, 0 }, c[] = { 1 };
	struct nflb_table t = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *n;
	const char *why;

	KTAP_EXPECT(nflb_table_parse(table_msg(11, 2, 0, a, 3), &t, &why) == 0);
	nlh = reply(NFLB_CMD_TABLE_GET);
	n = mnl_attr_nest_start(nlh, NFLB_A_TABLE);
	mnl_attr_put_u32(nlh, NFLB_TABLE_A_OFFSET, 3);
	mnl_attr_put(nlh, NFLB_TABLE_A_SLOTS, sizeof(b), b);
	mnl_attr_put(nlh, NFLB_TABLE_A_SLOTS, sizeof(c), c);
	mnl_attr_put(nlh, NFLB_TABLE_A_SLOTS, sizeof(a), a);
	mnl_attr_put_u32(nlh, 50, 0);	/* unknown: ignored */
	mnl_attr_put(nlh, NFLB_TABLE_A_SLOTS, sizeof(b), b);
	mnl_attr_nest_end(nlh, n);
	KTAP_EXPECT(nflb_table_parse(nlh, &t, &why) == 0);
	KTAP_EXPECT(t.filled == 11 && nflb_table_complete(&t, &why) == 0);
	KTAP_EXPECT(t.slots[3] == 0 && t.slots[5] == 1 && t.slots[6] == 0 &&
		    t.slots[8] == 1 && t.slots[10] == 0);
	nflb_table_free(&t);
}

static void table_empty(void)
{
	struct nflb_table t = { 0 };
	const char *why;

	KTAP_EXPECT(nflb_table_parse(table_msg(0, 0, 0, NULL, 0), &t,
				     &why) == 0);
	KTAP_EXPECT(t.size == 0 && t.has_size);
	KTAP_EXPECT(nflb_table_complete(&t, &why) == 0);
	nflb_table_free(&t);
	/* No size at all is not a table. */
	KTAP_EXPECT(nflb_table_complete(&t, &why) < 0);
}

static void table_malformed(void)
{
	static const uint16_t s[] = { 0, 1, 5 };
	struct nflb_table t = { 0 };
	const char *why;

	/* Index 5 names no backend. */
	KTAP_EXPECT(nflb_table_parse(table_msg(3, 2, 0, s, 3), &t, &why) < 0);
	KTAP_EXPECT(why && strstr(why, "no backend"));
	nflb_table_free(&t);
	/* Out of order. */
	KTAP_EXPECT(nflb_table_parse(table_msg(7, 2, 0, s, 2), &t, &why) == 0);
	KTAP_EXPECT(nflb_table_parse(table_msg(-1, 0, 3, s, 2), &t, &why) < 0);
	KTAP_EXPECT(why && strstr(why, "order"));
	nflb_table_free(&t);
	/* More slots than the size. */
	KTAP_EXPECT(nflb_table_parse(table_msg(2, 2, 0, s, 2), &t, &why) == 0);
	KTAP_EXPECT(nflb_table_parse(table_msg(-1, 0, 2, s, 1), &t, &why) < 0);
	nflb_table_free(&t);
	/* Slots before the size. */
	KTAP_EXPECT(nflb_table_parse(table_msg(-1, 0, 0, s, 1), &t, &why) < 0);
	nflb_table_free(&t);
	/* Size twice. */
	KTAP_EXPECT(nflb_table_parse(table_msg(2, 2, 0, s, 2), &t, &why) == 0);
	KTAP_EXPECT(nflb_table_parse(table_msg(2, 2, 2, s, 0), &t, &why) < 0);
	nflb_table_free(&t);
}

static void addr_format(void)
{
	union nflb_inaddr a;
	char b[NFLB_ADDRSTRLEN];

	inet_pton(AF_INET, "192.0.2.1", &a);
	KTAP_EXPECT(strcmp(nflb_addr_format(AF_INET, &a, true, 80, b, sizeof(b)),
			   "192.0.2.1:80") == 0);
	KTAP_EXPECT(strcmp(nflb_addr_format(AF_INET, &a, false, 80, b, sizeof(b)),
			   "192.0.2.1") == 0);
	inet_pton(AF_INET6, "2001:db8:0:0::1", &a);
	KTAP_EXPECT(strcmp(nflb_addr_format(AF_INET6, &a, true, 0, b, sizeof(b)),
			   "[2001:db8::1]:0") == 0);
	KTAP_EXPECT(strcmp(nflb_addr_format(AF_INET6, &a, false, 0, b, sizeof(b)),
			   "2001:db8::1") == 0);
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &a);
	nflb_addr_format(AF_INET6, &a, true, 65535, b, sizeof(b));
	KTAP_EXPECT(strcmp(b, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535") == 0);
	KTAP_EXPECT(nflb_addr_len(AF_INET) == 4 && nflb_addr_len(AF_INET6) == 16);
	KTAP_EXPECT(nflb_addr_len(AF_UNIX) == 0);
}

static void names(void)
{
	KTAP_EXPECT(strcmp(nflb_proto_name(IPPROTO_TCP), "tcp") == 0);
	KTAP_EXPECT(strcmp(nflb_proto_name(IPPROTO_UDP), "udp") == 0);
	KTAP_EXPECT(nflb_proto_name(IPPROTO_SCTP) == NULL);
	KTAP_EXPECT(strcmp(nflb_hash_name(NFLB_HASH_5TUPLE), "5tuple") == 0);
	KTAP_EXPECT(strcmp(nflb_hash_name(NFLB_HASH_SOURCE), "source") == 0);
	KTAP_EXPECT(nflb_hash_name(NFLB_HASH_MAX + 1) == NULL);
	KTAP_EXPECT(strcmp(nflb_state_name(NFLB_BACKEND_UP), "up") == 0);
	KTAP_EXPECT(strcmp(nflb_state_name(NFLB_BACKEND_DRAIN), "drain") == 0);
	KTAP_EXPECT(strcmp(nflb_state_name(NFLB_BACKEND_DOWN), "down") == 0);
	KTAP_EXPECT(nflb_state_name(NFLB_BACKEND_STATE_MAX + 1) == NULL);
}

static void fnv1a64(void)
{
	uint64_t h;

	/* Reference vectors of the FNV specification. */
	KTAP_EXPECT(nflb_fnv1a64(NFLB_FNV1A64_INIT, "", 0) ==
		    0xcbf29ce484222325ULL);
	KTAP_EXPECT(nflb_fnv1a64(NFLB_FNV1A64_INIT, "a", 1) ==
		    0xaf63dc4c8601ec8cULL);
	KTAP_EXPECT(nflb_fnv1a64(NFLB_FNV1A64_INIT, "foobar", 6) ==
		    0x85944171f73967e8ULL);
	/* Fed in pieces, the same. */
	h = nflb_fnv1a64(NFLB_FNV1A64_INIT, "foo", 3);
	KTAP_EXPECT(nflb_fnv1a64(h, "bar", 3) == 0x85944171f73967e8ULL);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(parse_service),
	KTAP_CASE(parse_service_minimal),
	KTAP_CASE(parse_service_malformed),
	KTAP_CASE(parse_timeouts),
	KTAP_CASE(collect_continued),
	KTAP_CASE(collect_bad_continuation),
	KTAP_CASE(collect_restart),
	KTAP_CASE(collect_cancel),
	KTAP_CASE(table_assemble),
	KTAP_CASE(table_backends_split),
	KTAP_CASE(table_runs),
	KTAP_CASE(table_empty),
	KTAP_CASE(table_malformed),
	KTAP_CASE(addr_format),
	KTAP_CASE(names),
	KTAP_CASE(fnv1a64),
};

KTAP_MAIN("nflbnl_service", cases)
