// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libnflbnl's service and backend keys (key.c): the
 * one order of services and backends, key equality, deep copies.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nflbnl.h"

static struct nflb_service svc(uint16_t family, uint8_t proto,
			       const char *addr, uint16_t port)
{
	struct nflb_service s;

	memset(&s, 0, sizeof(s));
	s.family = family;
	s.proto = proto;
	s.port = port;
	inet_pton(family, addr, &s.addr);
	return s;
}

static struct nflb_backend be(uint16_t family, const char *addr,
			      uint16_t port)
{
	struct nflb_backend b;

	memset(&b, 0, sizeof(b));
	b.family = family;
	b.port = port;
	inet_pton(family, addr, &b.addr);
	return b;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A < B, B > A, and each equal to itself. */
static bool svc_before(struct nflb_service a, struct nflb_service b)
{
	return nflb_service_cmp(&a, &b) < 0 && nflb_service_cmp(&b, &a) > 0 &&
	       nflb_service_cmp(&a, &a) == 0 && nflb_service_cmp(&b, &b) == 0;
}

static void service_order(void)
{
	/* Family first (IPv4 before IPv6), whatever the rest. */
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_UDP, "255.0.0.1", 65535),
			       svc(AF_INET6, IPPROTO_TCP, "::1", 1)));
	/* Then protocol (tcp before udp), whatever the address. */
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_TCP, "192.0.2.200", 80),
			       svc(AF_INET, IPPROTO_UDP, "192.0.2.1", 53)));
	/* Then address, in network byte order (10.0.0.2 < 10.0.1.1). */
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_TCP, "10.0.0.2", 443),
			       svc(AF_INET, IPPROTO_TCP, "10.0.1.1", 80)));
	KTAP_EXPECT(svc_before(svc(AF_INET6, IPPROTO_TCP, "2001:db8::9", 80),
			       svc(AF_INET6, IPPROTO_TCP, "2001:db8::10", 80)));
	/* Then port, as numbers (80 < 443 < 8080). */
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 80),
			       svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 443)));
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 443),
			       svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 8080)));
	KTAP_EXPECT(svc_before(svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 0),
			       svc(AF_INET, IPPROTO_TCP, "10.0.0.1", 1)));
}

static void service_key(void)
{
	struct nflb_service a = svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80);
	struct nflb_service b = a;

	/* Options, counters and backends are not the key. */
	b.seed = 7;
	b.table_size = 251;
	b.present = ~0U;
	b.n_backends = 3;
	KTAP_EXPECT(nflb_service_same_key(&a, &b));
	KTAP_EXPECT(nflb_service_cmp(&a, &b) == 0);
	/* An IPv4 address is its first 4 bytes: the rest is not compared. */
	b.addr.raw[15] = 0xff;
	KTAP_EXPECT(nflb_service_same_key(&a, &b));
	b = a;
	b.port = 81;
	KTAP_EXPECT(!nflb_service_same_key(&a, &b));
	b = a;
	b.proto = IPPROTO_UDP;
	KTAP_EXPECT(!nflb_service_same_key(&a, &b));
	b = svc(AF_INET6, IPPROTO_TCP, "::ffff:192.0.2.1", 80);
	KTAP_EXPECT(!nflb_service_same_key(&a, &b));
	KTAP_EXPECT(sign(nflb_service_cmp(&a, &b)) ==
		    -sign(nflb_service_cmp(&b, &a)));
}

static void backend_order(void)
{
	struct nflb_backend v[] = {
		be(AF_INET6, "2001:db8::1", 80),
		be(AF_INET, "10.0.0.9", 80),
		be(AF_INET, "10.0.0.1", 81),
		be(AF_INET, "10.0.0.1", 80),
		be(AF_INET, "9.0.0.1", 8080),
	};
	struct nflb_backend a = be(AF_INET, "10.0.0.1", 80), b = a;
	char s[NFLB_ADDRSTRLEN];

	nflb_backends_sort(v, sizeof(v) / sizeof(v[0]));
	nflb_addr_format(v[0].family, &v[0].addr, true, v[0].port, s, sizeof(s));
	KTAP_EXPECT(!strcmp(s, "9.0.0.1:8080"));
	KTAP_EXPECT(v[1].port == 80 && v[2].port == 81 &&
		    nflb_backend_same_key(&v[1], &a));
	nflb_addr_format(v[3].family, &v[3].addr, true, v[3].port, s, sizeof(s));
	KTAP_EXPECT(!strcmp(s, "10.0.0.9:80"));
	KTAP_EXPECT(v[4].family == AF_INET6);
	/* The key: family, address, port; weight and state are not. */
	b.weight = 5;
	b.state = NFLB_BACKEND_DOWN;
	b.present = NFLB_BIT(NFLB_BE_A_WEIGHT);
	KTAP_EXPECT(nflb_backend_same_key(&a, &b));
	b.port = 8080;
	KTAP_EXPECT(!nflb_backend_same_key(&a, &b));
	KTAP_EXPECT(nflb_backend_cmp(&a, &b) < 0);
	/* Sorting nothing or one is fine. */
	nflb_backends_sort(NULL, 0);
	nflb_backends_sort(&a, 1);
	KTAP_EXPECT(a.port == 80);
}

static void service_copy(void)
{
	struct nflb_backend bes[2] = {
		be(AF_INET, "10.0.0.1", 80), be(AF_INET, "10.0.0.2", 80),
	};
	struct nflb_service src = svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80);
	struct nflb_service dst;

	src.seed = 42;
	src.backends = bes;
	src.n_backends = 2;
	KTAP_EXPECT(nflb_service_copy(&dst, &src) == 0);
	KTAP_EXPECT(dst.seed == 42 && dst.n_backends == 2);
	KTAP_EXPECT(dst.backends && dst.backends != bes);
	if (dst.backends) {
		KTAP_EXPECT(nflb_backend_same_key(&dst.backends[1], &bes[1]));
		bes[1].port = 1;	/* a copy, not the same array */
		KTAP_EXPECT(dst.backends[1].port == 80);
	}
	nflb_service_free(&dst);
	/* No backends: none allocated. */
	src.backends = NULL;
	src.n_backends = 0;
	KTAP_EXPECT(nflb_service_copy(&dst, &src) == 0);
	KTAP_EXPECT(dst.backends == NULL && dst.n_backends == 0);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(service_order),
	KTAP_CASE(service_key),
	KTAP_CASE(backend_order),
	KTAP_CASE(service_copy),
};

KTAP_MAIN("nflbnl_key", cases)
