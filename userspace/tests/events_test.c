// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libnflbnl's change events and rates: event messages
 * built here as the kernel sends them, parsed by nflb_event_dispatch(),
 * the function nflb_events_listen() hands every received message to.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nlbuild.h"
#include "nflbnl.h"
#include "internal.h"

static char buf[1 << 16];

static struct nlmsghdr *event(uint8_t cmd)
{
	memset(buf, 0, sizeof(buf));
	return nflb_msg_put_header(buf, 0x42, cmd, 0);
}

static void put_svc(struct nlmsghdr *nlh, uint8_t proto, const char *vip,
		    uint16_t port, bool opts)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	struct in_addr a;

	inet_pton(AF_INET, vip, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, proto);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, port);
	if (opts) {
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TABLE_SIZE, 251);
		mnl_attr_put_u8(nlh, NFLB_SVC_A_HASH, NFLB_HASH_SOURCE);
		put_u64_pad(nlh, NFLB_SVC_A_SEED, 0xfedcba9876543210ULL,
			    NFLB_SVC_A_PAD);
		mnl_attr_put_u8(nlh, NFLB_SVC_A_SNAT, 1);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_be(struct nlmsghdr *nlh, uint16_t family, const char *addr,
		   uint16_t port, bool opts)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFLB_A_BACKEND);
	uint8_t a[16];

	inet_pton(family, addr, a);
	mnl_attr_put_u16(nlh, NFLB_BE_A_FAMILY, family);
	mnl_attr_put(nlh, NFLB_BE_A_ADDR, family == AF_INET ? 4 : 16, a);
	mnl_attr_put_u16(nlh, NFLB_BE_A_PORT, port);
	if (opts) {
		mnl_attr_put_u32(nlh, NFLB_BE_A_WEIGHT, 3);
		mnl_attr_put_u8(nlh, NFLB_BE_A_STATE, NFLB_BACKEND_DRAIN);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* What the callback saw. */
static struct {
	int calls;
	uint8_t cmd;
	bool has_svc, has_be;
	struct nflb_service svc;
	struct nflb_backend be;
	int ret;			/* what it returns */
} seen;

static int record(uint8_t cmd, const struct nflb_service *svc,
		  const struct nflb_backend *be, void *data)
{
	(void)data;
	seen.calls++;
	seen.cmd = cmd;
	seen.has_svc = svc != NULL;
	seen.has_be = be != NULL;
	if (svc) {
		seen.svc = *svc;
		seen.svc.backends = NULL;	/* freed after the call */
	}
	if (be)
		seen.be = *be;
	return seen.ret;
}

static int dispatch(const struct nlmsghdr *nlh, const char **why)
{
	memset(&seen, 0, sizeof(seen));
	return nflb_event_dispatch(nlh, record, NULL, why);
}

static void service_new(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_SERVICE_NEW);
	const char *why;

	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, true);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 1);
	KTAP_EXPECT(seen.cmd == NFLB_CMD_SERVICE_NEW);
	KTAP_EXPECT(seen.has_svc && !seen.has_be);
	KTAP_EXPECT(seen.svc.family == AF_INET && seen.svc.proto == IPPROTO_TCP);
	KTAP_EXPECT(seen.svc.addr.v4.s_addr == inet_addr("192.0.2.10"));
	KTAP_EXPECT(seen.svc.port == 80);
	KTAP_EXPECT(NFLB_HAS(&seen.svc, NFLB_SVC_A_TABLE_SIZE) &&
		    seen.svc.table_size == 251);
	KTAP_EXPECT(seen.svc.hash == NFLB_HASH_SOURCE);
	KTAP_EXPECT(seen.svc.seed == 0xfedcba9876543210ULL);
	KTAP_EXPECT(NFLB_HAS(&seen.svc, NFLB_SVC_A_SNAT) && seen.svc.snat == 1);
}

static void service_del(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_SERVICE_DEL);
	const char *why;

	put_svc(nlh, IPPROTO_UDP, "192.0.2.11", 53, false);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 1 && seen.cmd == NFLB_CMD_SERVICE_DEL);
	KTAP_EXPECT(seen.svc.proto == IPPROTO_UDP && seen.svc.port == 53);
	KTAP_EXPECT(!NFLB_HAS(&seen.svc, NFLB_SVC_A_TABLE_SIZE));
	KTAP_EXPECT(!seen.has_be);
}

static void backend_set(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_BACKEND_SET);
	const char *why;

	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	put_be(nlh, AF_INET, "10.0.0.1", 8080, true);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 1 && seen.cmd == NFLB_CMD_BACKEND_SET);
	KTAP_EXPECT(seen.has_svc && seen.has_be);
	KTAP_EXPECT(seen.svc.port == 80);
	KTAP_EXPECT(seen.be.family == AF_INET);
	KTAP_EXPECT(seen.be.addr.v4.s_addr == inet_addr("10.0.0.1"));
	KTAP_EXPECT(NFLB_HAS(&seen.be, NFLB_BE_A_PORT) && seen.be.port == 8080);
	KTAP_EXPECT(NFLB_HAS(&seen.be, NFLB_BE_A_WEIGHT) && seen.be.weight == 3);
	KTAP_EXPECT(NFLB_HAS(&seen.be, NFLB_BE_A_STATE) &&
		    seen.be.state == NFLB_BACKEND_DRAIN);
}

static void backend_del(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_BACKEND_DEL);
	const char *why;

	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	put_be(nlh, AF_INET, "10.0.0.2", 80, false);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 1 && seen.cmd == NFLB_CMD_BACKEND_DEL);
	KTAP_EXPECT(seen.be.addr.v4.s_addr == inet_addr("10.0.0.2"));
	KTAP_EXPECT(!NFLB_HAS(&seen.be, NFLB_BE_A_WEIGHT));
}

static void flush(void)
{
	const char *why;

	KTAP_EXPECT(dispatch(event(NFLB_CMD_FLUSH), &why) == 0);
	KTAP_EXPECT(seen.calls == 1 && seen.cmd == NFLB_CMD_FLUSH);
	KTAP_EXPECT(!seen.has_svc && !seen.has_be);
}

/* The callback's non-zero value is returned (it stops the listener). */
static void callback_value(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_FLUSH);
	const char *why;

	memset(&seen, 0, sizeof(seen));
	seen.ret = 7;
	KTAP_EXPECT(nflb_event_dispatch(nlh, record, NULL, &why) == 7);
}

/* Commands that are not events (a newer kernel's) are skipped. */
static void unknown_event(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_MAX + 1);
	const char *why;

	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 0);
	nlh = event(NFLB_CMD_GET_INFO);
	KTAP_EXPECT(dispatch(nlh, &why) == 0);
	KTAP_EXPECT(seen.calls == 0);
}

static void malformed(void)
{
	struct nlmsghdr *nlh;
	const char *why;

	/* A backend event without its backend. */
	nlh = event(NFLB_CMD_BACKEND_NEW);
	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	errno = 0;
	KTAP_EXPECT(dispatch(nlh, &why) == -1);
	KTAP_EXPECT(errno == EPROTO && why && strstr(why, "without a backend"));
	KTAP_EXPECT(seen.calls == 0);

	/* A service event without a service. */
	nlh = event(NFLB_CMD_SERVICE_SET);
	KTAP_EXPECT(dispatch(nlh, &why) == -1);
	KTAP_EXPECT(errno == EPROTO && why && strstr(why, "without a service"));

	/* A backend of another family than its service. */
	nlh = event(NFLB_CMD_BACKEND_NEW);
	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	put_be(nlh, AF_INET6, "2001:db8::1", 80, true);
	KTAP_EXPECT(dispatch(nlh, &why) == -1);
	KTAP_EXPECT(errno == EPROTO && why && strstr(why, "families differ"));
	KTAP_EXPECT(seen.calls == 0);

	/* A truncated address. */
	nlh = event(NFLB_CMD_SERVICE_NEW);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);

		mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
		mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_TCP);
		mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 3, "abc");
		mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
		mnl_attr_nest_end(nlh, nest);
	}
	KTAP_EXPECT(dispatch(nlh, &why) == -1);
	KTAP_EXPECT(errno == EPROTO && why);
	KTAP_EXPECT(seen.calls == 0);
}

/* Rates in a stats nest, between counters and padding. */
static void rates(void)
{
	struct nlmsghdr *nlh = event(NFLB_CMD_SERVICE_GET);
	struct nflb_service svc;
	struct nlattr *nest, *st;
	const char *why;
	uint16_t t;

	nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, 4, "\xc0\x00\x02\x0a");
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	st = mnl_attr_nest_start(nlh, NFLB_SVC_A_STATS);
	for (t = NFLB_STATS_A_CONNS; t <= NFLB_STATS_A_RATE_BYTES_OUT; t++)
		if (t != NFLB_STATS_A_PAD)
			put_u64_pad(nlh, t, 1000 * t + (1ULL << 40),
				    NFLB_STATS_A_PAD);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, nest);

	KTAP_EXPECT(nflb_service_parse(nlh, &svc, &why) == 1);
	KTAP_EXPECT(svc.stats.drops == 6000 + (1ULL << 40));
	KTAP_EXPECT(svc.stats.rate_conns == 8000 + (1ULL << 40));
	KTAP_EXPECT(svc.stats.rate_pkts_in == 9000 + (1ULL << 40));
	KTAP_EXPECT(svc.stats.rate_pkts_out == 10000 + (1ULL << 40));
	KTAP_EXPECT(svc.stats.rate_bytes_in == 11000 + (1ULL << 40));
	KTAP_EXPECT(svc.stats.rate_bytes_out == 12000 + (1ULL << 40));
	for (t = NFLB_STATS_A_RATE_CONNS; t <= NFLB_STATS_A_RATE_BYTES_OUT; t++)
		KTAP_EXPECT(NFLB_HAS(&svc.stats, t));
	nflb_service_free(&svc);

	/* An older kernel: no rates, none present. */
	nlh = event(NFLB_CMD_SERVICE_GET);
	put_svc(nlh, IPPROTO_TCP, "192.0.2.10", 80, false);
	KTAP_EXPECT(nflb_service_parse(nlh, &svc, &why) == 1);
	KTAP_EXPECT(!NFLB_HAS(&svc.stats, NFLB_STATS_A_RATE_CONNS));
	nflb_service_free(&svc);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(service_new),
	KTAP_CASE(service_del),
	KTAP_CASE(backend_set),
	KTAP_CASE(backend_del),
	KTAP_CASE(flush),
	KTAP_CASE(callback_value),
	KTAP_CASE(unknown_event),
	KTAP_CASE(malformed),
	KTAP_CASE(rates),
};

KTAP_MAIN("nflbnl_events", cases)
