// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of lbadm's flow index (ctindex.c): which conntrack
 * entries are a service's flows and a backend's (the rules of ctflows.h),
 * on synthetic entries; and of flow show's argument parsing.  Both are
 * compiled into this test (#include), as parse_test does.
 */

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ktap.h"
#include "nflbnl.h"
#include "../lbadm/parse.c"
#include "../lbadm/ctindex.c"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define FLOW(req, e, ...) \
	lbadm_parse_flow_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), req, e)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DNAT (IPS_DST_NAT | IPS_CONFIRMED)

static void addr(uint16_t family, const char *s, union nflb_inaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(family, s, a) != 1) {
		printf("    # bad test address %s\n", s);
		exit(1);
	}
}

/* A conntrack entry: CLIENT:CPORT -> VIP:VPORT, answered by BE:BPORT. */
static struct lbadm_ct ct(uint16_t family, uint8_t proto, const char *client,
			  uint16_t cport, const char *vip, uint16_t vport,
			  const char *be, uint16_t bport, uint32_t status)
{
	struct lbadm_ct e = {
		.family = family, .proto = proto, .status = status,
		.client_port = cport, .vip_port = vport, .backend_port = bport,
		.tcp_state = TCP_CONNTRACK_ESTABLISHED, .timeout = 100,
	};

	addr(family, client, &e.client);
	addr(family, vip, &e.vip);
	addr(family, be, &e.backend);
	return e;
}

static struct nflb_service svc(uint16_t family, uint8_t proto,
			       const char *vip, uint16_t port,
			       struct nflb_backend *be, size_t n)
{
	struct nflb_service s = {
		.family = family, .proto = proto, .port = port,
		.backends = be, .n_backends = n,
	};

	addr(family, vip, &s.addr);
	return s;
}

/* A backend with a port (PORT > 0), or without one (PORT < 0). */
static struct nflb_backend be(uint16_t family, const char *a, int port)
{
	struct nflb_backend b = { .family = family };

	addr(family, a, &b.addr);
	if (port >= 0) {
		b.port = port;
		NFLB_SET(&b, NFLB_BE_A_PORT);
	}
	return b;
}

#define A4 AF_INET
#define A6 AF_INET6
#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP

static void port_service(void)
{
	struct lbadm_ct e[] = {
		ct(A4, TCP, "192.0.2.1", 1001, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.2", 1002, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.3", 1003, "203.0.113.10", 80, "10.0.0.2", 80, DNAT),
		/* DNATed to an address that is not a backend. */
		ct(A4, TCP, "192.0.2.4", 1004, "203.0.113.10", 80, "10.0.0.9", 80, DNAT),
		/* A backend's address, another port. */
		ct(A4, TCP, "192.0.2.5", 1005, "203.0.113.10", 80, "10.0.0.1", 8080, DNAT),
		/* Another VIP port, another protocol, another VIP. */
		ct(A4, TCP, "192.0.2.6", 1006, "203.0.113.10", 443, "10.0.0.1", 80, DNAT),
		ct(A4, UDP, "192.0.2.7", 1007, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.8", 1008, "203.0.113.11", 80, "10.0.0.1", 80, DNAT),
		/* Not destination-NATed. */
		ct(A4, TCP, "192.0.2.9", 1009, "203.0.113.10", 80, "10.0.0.1", 80,
		   IPS_CONFIRMED | IPS_SRC_NAT),
	};
	struct nflb_backend b[] = {
		be(A4, "10.0.0.1", 80), be(A4, "10.0.0.2", -1), be(A4, "10.0.0.3", 80),
	};
	struct nflb_service s = svc(A4, TCP, "203.0.113.10", 80, b, 3);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(e, ARRAY_SIZE(e));

	KTAP_EXPECT(fc);
	if (!fc)
		return;
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[0]) == 2);
	/* A backend without a port takes the service's. */
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[1]) == 1);
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[2]) == 0);
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 3);
	/* The same backend under the UDP service. */
	s.proto = UDP;
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[0]) == 1);
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 1);
	lbadm_flowcount_free(fc);
}

static void non_backend_not_counted(void)
{
	struct lbadm_ct e[] = {
		ct(A4, TCP, "192.0.2.1", 1001, "203.0.113.10", 80, "10.0.0.9", 80, DNAT),
		ct(A4, TCP, "192.0.2.2", 1002, "203.0.113.10", 80, "10.0.0.9", 80, DNAT),
	};
	struct nflb_backend b[] = { be(A4, "10.0.0.1", 80) };
	struct nflb_service s = svc(A4, TCP, "203.0.113.10", 80, b, 1);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(e, ARRAY_SIZE(e));
	const struct lbadm_ct *const *first;

	KTAP_EXPECT(fc && lbadm_flowcount_service(fc, &s) == 0);
	KTAP_EXPECT(lbadm_flows_of(fc, &s, &b[0], &first) == 0);
	lbadm_flowcount_free(fc);
}

static void all_ports_service(void)
{
	struct lbadm_ct e[] = {
		ct(A4, UDP, "192.0.2.1", 1001, "203.0.113.10", 53, "10.0.0.1", 53, DNAT),
		ct(A4, UDP, "192.0.2.1", 1002, "203.0.113.10", 5000, "10.0.0.1", 5000, DNAT),
		ct(A4, UDP, "192.0.2.2", 1003, "203.0.113.10", 7, "10.0.0.2", 7, DNAT),
		/* The backend's address, but not the client's port. */
		ct(A4, UDP, "192.0.2.3", 1004, "203.0.113.10", 53, "10.0.0.2", 54, DNAT),
		/* Not a backend. */
		ct(A4, UDP, "192.0.2.4", 1005, "203.0.113.10", 53, "10.0.0.3", 53, DNAT),
	};
	struct nflb_backend b[] = { be(A4, "10.0.0.1", 0), be(A4, "10.0.0.2", -1) };
	struct nflb_service s = svc(A4, UDP, "203.0.113.10", 0, b, 2);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(e, ARRAY_SIZE(e));
	const struct lbadm_ct *const *f;

	KTAP_EXPECT(fc);
	if (!fc)
		return;
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[0]) == 2);
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[1]) == 1);
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 3);
	KTAP_EXPECT(lbadm_flows_of(fc, &s, &b[0], &f) == 2);
	KTAP_EXPECT(f[0]->vip_port == 53 && f[1]->vip_port == 5000);
	/* A service on one port of the same VIP sees only its port. */
	s.port = 53;
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 1);
	lbadm_flowcount_free(fc);
}

static void ipv6(void)
{
	struct lbadm_ct e[] = {
		ct(A6, TCP, "2001:db8:1::1", 40000, "2001:db8:ff::10", 80,
		   "2001:db8:2::1", 80, DNAT),
		ct(A6, TCP, "2001:db8:1::2", 40001, "2001:db8:ff::10", 80,
		   "2001:db8:2::2", 8080, DNAT),
		/* The same addresses' IPv4 look-alike must not match. */
		ct(A4, TCP, "192.0.2.1", 40002, "32.1.13.184", 80, "32.1.13.184", 80, DNAT),
	};
	struct nflb_backend b[] = {
		be(A6, "2001:db8:2::1", 80), be(A6, "2001:db8:2::2", 8080),
	};
	struct nflb_service s = svc(A6, TCP, "2001:db8:ff::10", 80, b, 2);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(e, ARRAY_SIZE(e));
	struct nflb_backend v4 = be(A4, "10.0.0.1", 80);

	KTAP_EXPECT(fc);
	if (!fc)
		return;
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[0]) == 1);
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &b[1]) == 1);
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 2);
	/* A backend of the other family never matches. */
	KTAP_EXPECT(lbadm_flowcount_backend(fc, &s, &v4) == 0);
	lbadm_flowcount_free(fc);
}

static void client_order(void)
{
	struct lbadm_ct e[] = {
		ct(A4, TCP, "192.0.2.20", 5, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.3", 9, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.3", 2, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
		ct(A4, TCP, "192.0.2.100", 1, "203.0.113.10", 80, "10.0.0.1", 80, DNAT),
	};
	struct nflb_backend b[] = { be(A4, "10.0.0.1", 80) };
	struct nflb_service s = svc(A4, TCP, "203.0.113.10", 80, b, 1);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(e, ARRAY_SIZE(e));
	const struct lbadm_ct *const *f;
	union nflb_inaddr a3, a20, a100;

	addr(A4, "192.0.2.3", &a3);
	addr(A4, "192.0.2.20", &a20);
	addr(A4, "192.0.2.100", &a100);
	KTAP_EXPECT(fc && lbadm_flows_of(fc, &s, &b[0], &f) == 4);
	if (!fc)
		return;
	KTAP_EXPECT(!memcmp(&f[0]->client, &a3, sizeof(a3)) && f[0]->client_port == 2);
	KTAP_EXPECT(!memcmp(&f[1]->client, &a3, sizeof(a3)) && f[1]->client_port == 9);
	KTAP_EXPECT(!memcmp(&f[2]->client, &a20, sizeof(a20)));
	KTAP_EXPECT(!memcmp(&f[3]->client, &a100, sizeof(a100)));
	lbadm_flowcount_free(fc);
}

static void empty(void)
{
	struct nflb_backend b[] = { be(A4, "10.0.0.1", 80) };
	struct nflb_service s = svc(A4, TCP, "203.0.113.10", 80, b, 1);
	struct lbadm_flowcount *fc = lbadm_flowcount_build(NULL, 0);
	const struct lbadm_ct *const *f;

	KTAP_EXPECT(fc);
	KTAP_EXPECT(lbadm_flowcount_service(fc, &s) == 0);
	KTAP_EXPECT(lbadm_flows_of(fc, &s, &b[0], &f) == 0);
	lbadm_flowcount_free(fc);
	lbadm_flowcount_free(NULL);
}

static void states(void)
{
	struct lbadm_ct e = ct(A4, TCP, "192.0.2.1", 1, "203.0.113.10", 80,
			       "10.0.0.1", 80, DNAT);
	char buf[16];

	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "ESTABLISHED"));
	e.tcp_state = TCP_CONNTRACK_TIME_WAIT;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "TIME_WAIT"));
	e.tcp_state = TCP_CONNTRACK_SYN_SENT;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "SYN_SENT"));
	e.tcp_state = 200;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "200"));
	e.proto = UDP;
	e.status = DNAT;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "UNREPLIED"));
	e.status |= IPS_SEEN_REPLY;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "REPLIED"));
	e.status |= IPS_ASSURED;
	KTAP_EXPECT(!strcmp(lbadm_ct_state(&e, buf, sizeof(buf)), "ASSURED"));
}

/*
 * 10,000 services of 10 backends, 100,000 flows (one per backend, so
 * every count is 1, plus 10 per service to non-backends): every count
 * right, in well under a second (a scan per backend would take minutes).
 */
static void scale(void)
{
	enum { NSVC = 10000, NBE = 10 };
	static struct lbadm_ct e[NSVC * NBE * 2];
	static struct nflb_backend b[NBE];
	struct lbadm_flowcount *fc;
	struct timespec t0, t1;
	struct nflb_service s;
	uint64_t total = 0;
	size_t n = 0, i, j;
	bool all_one = true;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NSVC; i++) {
		for (j = 0; j < NBE; j++) {
			struct lbadm_ct *x = &e[n++];

			x->family = A4;
			x->proto = TCP;
			x->status = DNAT;
			x->client.v4.s_addr = htonl(0xc0000200 + j);
			x->client_port = 1000 + i;
			x->vip.v4.s_addr = htonl(0xcb007100 + i / 1000);
			x->vip_port = 1 + i % 1000;
			x->backend.v4.s_addr = htonl(0x0a000000 + j);
			x->backend_port = 80;
			e[n] = *x;
			e[n++].backend.v4.s_addr = htonl(0x0b000000 + j);
		}
	}
	fc = lbadm_flowcount_build(e, n);
	KTAP_EXPECT(fc);
	if (!fc)
		return;
	for (j = 0; j < NBE; j++)
		b[j] = be(A4, "10.0.0.0", 80);
	for (j = 0; j < NBE; j++)
		b[j].addr.v4.s_addr = htonl(0x0a000000 + j);
	for (i = 0; i < NSVC; i++) {
		s = svc(A4, TCP, "203.0.113.0", 1 + i % 1000, b, NBE);
		s.addr.v4.s_addr = htonl(0xcb007100 + i / 1000);
		for (j = 0; j < NBE; j++)
			all_one &= lbadm_flowcount_backend(fc, &s, &b[j]) == 1;
		total += lbadm_flowcount_service(fc, &s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("    # %zu entries, %d services: %.3f s\n", n, NSVC, secs);
	KTAP_EXPECT(all_one);
	KTAP_EXPECT(total == NSVC * NBE);
	KTAP_EXPECT(secs < 5);
	lbadm_flowcount_free(fc);
}

static bool has(const char *msg, const char *part)
{
	if (strstr(msg, part))
		return true;
	printf("    # \"%s\" lacks \"%s\"\n", msg, part);
	return false;
}

static void args_good(void)
{
	struct lbadm_flow_req r;
	struct lbadm_perr e;
	union nflb_inaddr a;

	KTAP_EXPECT(lbadm_parse_flow_args(0, NULL, &r, &e) == 0);
	KTAP_EXPECT(!r.has_svc && !r.has_be);
	KTAP_EXPECT(FLOW(&r, &e, "show") == 0 && !r.has_svc && !r.has_be);
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.10:80") == 0);
	addr(A4, "203.0.113.10", &a);
	KTAP_EXPECT(r.has_svc && !r.has_be && r.svc.proto == TCP &&
		    r.svc.family == A4 && r.svc.port == 80 &&
		    !memcmp(&r.svc.addr, &a, sizeof(a)));
	KTAP_EXPECT(FLOW(&r, &e, "show", "udp", "[2001:db8:ff::10]:53",
			 "backend", "2001:db8:2::1") == 0);
	addr(A6, "2001:db8:2::1", &a);
	KTAP_EXPECT(r.has_svc && r.has_be && r.svc.proto == UDP &&
		    r.svc.family == A6 && r.svc.port == 53 &&
		    r.be.family == A6 && !memcmp(&r.be.addr, &a, sizeof(a)) &&
		    !NFLB_HAS(&r.be, NFLB_BE_A_PORT));
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend", "10.0.0.2:8080") == 0);
	KTAP_EXPECT(!r.has_svc && r.has_be && r.be.family == A4 &&
		    NFLB_HAS(&r.be, NFLB_BE_A_PORT) && r.be.port == 8080);
	/* Either order. */
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend", "10.0.0.2",
			 "tcp", "203.0.113.10:0") == 0);
	KTAP_EXPECT(r.has_svc && r.has_be && r.svc.port == 0);
}

static void args_bad(void)
{
	struct lbadm_flow_req r;
	struct lbadm_perr e;

	KTAP_EXPECT(FLOW(&r, &e, "list") < 0 &&
		    has(e.msg, "unknown flow command \"list\" (show, flush, stats)"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "sctp", "203.0.113.10:80") < 0 &&
		    has(e.msg, "invalid protocol \"sctp\""));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp") < 0 &&
		    has(e.msg, "missing VIP:PORT for flow show"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.10") < 0 &&
		    has(e.msg, "missing port in \"203.0.113.10\""));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.300:80") < 0 &&
		    has(e.msg, "invalid address"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend") < 0 &&
		    has(e.msg, "missing address after \"backend\" for flow show"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend", "10.0.0.x") < 0 &&
		    has(e.msg, "invalid address \"10.0.0.x\""));
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend", "10.0.0.1:99999") < 0 &&
		    has(e.msg, "invalid port \"99999\""));
	KTAP_EXPECT(FLOW(&r, &e, "show", "backend", "10.0.0.1", "backend",
			 "10.0.0.2") < 0 &&
		    has(e.msg, "option \"backend\" given twice for flow show"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.10:80", "udp",
			 "203.0.113.10:80") < 0 &&
		    has(e.msg, "unexpected argument \"udp\" for flow show"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.10:80", "extra") < 0 &&
		    has(e.msg, "unexpected argument \"extra\" for flow show"));
	KTAP_EXPECT(FLOW(&r, &e, "show", "tcp", "203.0.113.10:80", "backend",
			 "2001:db8::1") < 0 &&
		    has(e.msg, "backend address family differs from the service's"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(port_service),
	KTAP_CASE(non_backend_not_counted),
	KTAP_CASE(all_ports_service),
	KTAP_CASE(ipv6),
	KTAP_CASE(client_order),
	KTAP_CASE(empty),
	KTAP_CASE(states),
	KTAP_CASE(scale),
	KTAP_CASE(args_good),
	KTAP_CASE(args_bad),
};

KTAP_MAIN("lbadm-flows", cases)
