// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of lbadm's argument parsing and of the requests built
 * from it (no kernel needed).  lbadm's parser is compiled into this test:
 * the build links tests against libnflbnl only, and the parser is pure.
 */

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nflbnl.h"
#include "../lbadm/parse.c"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Argument vectors from a literal list. */
#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define SERVICE(req, e, ...) \
	lbadm_parse_service_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), req, e)
#define BACKEND(req, e, ...) \
	lbadm_parse_backend_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), req, e)

static bool v4_is(const union nflb_inaddr *a, const char *s)
{
	struct in_addr x;

	return inet_pton(AF_INET, s, &x) == 1 &&
	       memcmp(&x, &a->v4, sizeof(x)) == 0;
}

static bool v6_is(const union nflb_inaddr *a, const char *s)
{
	struct in6_addr x;

	return inet_pton(AF_INET6, s, &x) == 1 &&
	       memcmp(&x, &a->v6, sizeof(x)) == 0;
}

static bool has(const char *msg, const char *part)
{
	if (strstr(msg, part))
		return true;
	printf("    # \"%s\" lacks \"%s\"\n", msg, part);
	return false;
}

static void vip_v4(void)
{
	struct nflb_service s = { 0 };
	struct lbadm_perr e;

	KTAP_EXPECT(lbadm_parse_vip("192.0.2.10:80", &s, &e) == 0);
	KTAP_EXPECT(s.family == AF_INET && s.port == 80);
	KTAP_EXPECT(v4_is(&s.addr, "192.0.2.10"));
	KTAP_EXPECT(lbadm_parse_vip("10.0.0.1:0", &s, &e) == 0);
	KTAP_EXPECT(s.port == 0 && v4_is(&s.addr, "10.0.0.1"));
	KTAP_EXPECT(lbadm_parse_vip("223.255.255.254:65535", &s, &e) == 0);
	KTAP_EXPECT(s.port == 65535);
	KTAP_EXPECT(lbadm_parse_vip("1.0.0.0:1", &s, &e) == 0);
	KTAP_EXPECT(lbadm_parse_vip("10.0.0.1:080", &s, &e) == 0);
	KTAP_EXPECT(s.port == 80);
}

static void vip_v6(void)
{
	struct nflb_service s = { 0 };
	struct lbadm_perr e;

	KTAP_EXPECT(lbadm_parse_vip("[2001:db8::10]:80", &s, &e) == 0);
	KTAP_EXPECT(s.family == AF_INET6 && s.port == 80);
	KTAP_EXPECT(v6_is(&s.addr, "2001:db8::10"));
	KTAP_EXPECT(lbadm_parse_vip("[::1]:0", &s, &e) == 0);
	KTAP_EXPECT(s.port == 0 && v6_is(&s.addr, "::1"));
	KTAP_EXPECT(lbadm_parse_vip("[::ffff:192.0.2.1]:65535", &s, &e) == 0);
	KTAP_EXPECT(s.family == AF_INET6 && s.port == 65535);
}

static void vip_bad(void)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "10.0.0.1:70000",
		  "invalid port \"70000\" in \"10.0.0.1:70000\" (0-65535)" },
		{ "10.0.0.1:65536", "invalid port \"65536\"" },
		{ "10.0.0.1:99999999999999999999999", "invalid port" },
		{ "10.0.0.1:-1", "invalid port \"-1\"" },
		{ "10.0.0.1:+80", "invalid port \"+80\"" },
		{ "10.0.0.1:80x", "invalid port \"80x\"" },
		{ "10.0.0.1:80 ", "invalid port \"80 \"" },
		{ "10.0.0.1: 80", "invalid port \" 80\"" },
		{ "10.0.0.1:", "invalid port \"\"" },
		{ "10.0.0.1:0x50", "invalid port \"0x50\"" },
		{ "abc:80", "invalid address \"abc\" in \"abc:80\"" },
		{ " 10.0.0.1:80", "invalid address \" 10.0.0.1\"" },
		{ "10.0.0:80", "invalid address \"10.0.0\"" },
		{ "10.0.0.256:80", "invalid address \"10.0.0.256\"" },
		{ ":80", "invalid address \"\" in \":80\"" },
		{ "", "empty VIP:PORT" },
		{ "abc", "invalid address \"abc\"" },
		{ "10.0.0.1", "missing port in \"10.0.0.1\"" },
		{ "2001:db8::1", "missing port in \"2001:db8::1\"" },
		{ "2001:db8::1:80", "missing port in \"2001:db8::1:80\"" },
		{ "[2001:db8::1]", "missing port in \"[2001:db8::1]\"" },
		{ "[2001:db8::1:80", "missing \"]\"" },
		{ "[2001:db8::1]80", "unexpected \"80\" after \"]\"" },
		{ "[2001:db8::1]:70000", "invalid port \"70000\"" },
		{ "[2001:db8::1]:", "invalid port \"\"" },
		{ "[10.0.0.1]:80", "invalid IPv6 address \"10.0.0.1\"" },
		{ "[]:80", "invalid IPv6 address \"\"" },
		{ "[2001:db8::g]:80", "invalid IPv6 address \"2001:db8::g\"" },
		{ "2001:db8::g", "invalid address \"2001:db8::g\"" },
		{ "[fe80::1%eth0]:80", "invalid IPv6 address" },
		{ "0.0.0.0:80", "invalid address in \"0.0.0.0:80\" (not a unicast address)" },
		{ "0.1.2.3:80", "not a unicast address" },
		{ "224.0.0.1:80", "not a unicast address" },
		{ "239.255.255.255:80", "not a unicast address" },
		{ "255.255.255.255:80", "not a unicast address" },
		{ "[::]:80", "not a unicast address" },
		{ "[ff02::1]:80", "not a unicast address" },
	};
	struct nflb_service s = { 0 };
	struct lbadm_perr e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		e.msg[0] = '\0';
		if (lbadm_parse_vip(bad[i].in, &s, &e) == 0) {
			printf("    # \"%s\" accepted\n", bad[i].in);
			KTAP_EXPECT(!"bad VIP accepted");
			continue;
		}
		KTAP_EXPECT(has(e.msg, bad[i].msg));
	}
}

static void backend_addr(void)
{
	struct nflb_backend be = { 0 };
	struct lbadm_perr e;

	KTAP_EXPECT(lbadm_parse_backend_addr("192.0.2.1", &be, &e) == 0);
	KTAP_EXPECT(be.family == AF_INET && v4_is(&be.addr, "192.0.2.1"));
	KTAP_EXPECT(!NFLB_HAS(&be, NFLB_BE_A_PORT));

	KTAP_EXPECT(lbadm_parse_backend_addr("192.0.2.1:8080", &be, &e) == 0);
	KTAP_EXPECT(NFLB_HAS(&be, NFLB_BE_A_PORT) && be.port == 8080);

	KTAP_EXPECT(lbadm_parse_backend_addr("[2001:db8::1]", &be, &e) == 0);
	KTAP_EXPECT(be.family == AF_INET6 && v6_is(&be.addr, "2001:db8::1"));
	KTAP_EXPECT(!NFLB_HAS(&be, NFLB_BE_A_PORT));

	KTAP_EXPECT(lbadm_parse_backend_addr("[2001:db8::1]:0", &be, &e) == 0);
	KTAP_EXPECT(NFLB_HAS(&be, NFLB_BE_A_PORT) && be.port == 0);

	KTAP_EXPECT(lbadm_parse_backend_addr("2001:db8::1", &be, &e) == 0);
	KTAP_EXPECT(be.family == AF_INET6 && v6_is(&be.addr, "2001:db8::1"));
	KTAP_EXPECT(!NFLB_HAS(&be, NFLB_BE_A_PORT));

	/* Bare IPv6: everything is the address, never a port. */
	KTAP_EXPECT(lbadm_parse_backend_addr("2001:db8::1:80", &be, &e) == 0);
	KTAP_EXPECT(v6_is(&be.addr, "2001:db8::1:80"));
	KTAP_EXPECT(!NFLB_HAS(&be, NFLB_BE_A_PORT));

	KTAP_EXPECT(lbadm_parse_backend_addr("::1", &be, &e) == 0);
	KTAP_EXPECT(v6_is(&be.addr, "::1"));
}

static void backend_addr_bad(void)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "empty backend address" },
		{ "abc", "invalid address \"abc\"" },
		{ "192.0.2.1:70000", "invalid port \"70000\" in \"192.0.2.1:70000\"" },
		{ "192.0.2.1:", "invalid port \"\"" },
		{ "2001:db8::1]:80", "goes in brackets" },
		{ "[2001:db8::1]:65536", "invalid port \"65536\"" },
		{ "[2001:db8::1", "missing \"]\"" },
		{ "[2001:db8::1]x", "unexpected \"x\"" },
		{ "[192.0.2.1]", "invalid IPv6 address" },
		{ "0.0.0.0", "not a unicast address" },
		{ "ff02::1", "not a unicast address" },
		{ "::", "not a unicast address" },
	};
	struct nflb_backend be = { 0 };
	struct lbadm_perr e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		e.msg[0] = '\0';
		if (lbadm_parse_backend_addr(bad[i].in, &be, &e) == 0) {
			printf("    # \"%s\" accepted\n", bad[i].in);
			KTAP_EXPECT(!"bad backend accepted");
			continue;
		}
		KTAP_EXPECT(has(e.msg, bad[i].msg));
	}
}

static void ports(void)
{
	uint16_t p = 1;

	KTAP_EXPECT(lbadm_parse_port("0", &p) == 0 && p == 0);
	KTAP_EXPECT(lbadm_parse_port("65535", &p) == 0 && p == 65535);
	KTAP_EXPECT(lbadm_parse_port("65536", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("70000", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("4294967376", &p) < 0);	/* 2^32 + 80 */
	KTAP_EXPECT(lbadm_parse_port("", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("abc", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("-1", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("0x50", &p) < 0);
	KTAP_EXPECT(lbadm_parse_port("80 ", &p) < 0);
	KTAP_EXPECT(p == 65535);	/* untouched by failures */
}

static void numbers(void)
{
	uint64_t v = 0;

	KTAP_EXPECT(lbadm_parse_u64("65535", 65535, &v) == 0 && v == 65535);
	KTAP_EXPECT(lbadm_parse_u64("65536", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("-1", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("0", 65535, &v) == 0 && v == 0);
	KTAP_EXPECT(lbadm_parse_u64("18446744073709551615", UINT64_MAX,
				    &v) == 0 && v == UINT64_MAX);
	KTAP_EXPECT(lbadm_parse_u64("18446744073709551616", UINT64_MAX,
				    &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("0xffffffffffffffff", UINT64_MAX,
				    &v) == 0 && v == UINT64_MAX);
	KTAP_EXPECT(lbadm_parse_u64("0x10000000000000000", UINT64_MAX,
				    &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("0X1f", 65535, &v) == 0 && v == 31);
	KTAP_EXPECT(lbadm_parse_u64("010", 65535, &v) == 0 && v == 10);
	KTAP_EXPECT(lbadm_parse_u64("0x", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("0x-1", UINT64_MAX, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("0x1g", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64(" 1", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("+1", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("1 ", 65535, &v) < 0);
	KTAP_EXPECT(lbadm_parse_u64("1e3", 65535, &v) < 0);
	KTAP_EXPECT(v == 10);	/* untouched by failures */
}

static void protocols(void)
{
	struct lbadm_perr e;
	uint8_t p = 0;

	KTAP_EXPECT(lbadm_parse_proto("tcp", &p, &e) == 0 && p == IPPROTO_TCP);
	KTAP_EXPECT(lbadm_parse_proto("udp", &p, &e) == 0 && p == IPPROTO_UDP);
	KTAP_EXPECT(lbadm_parse_proto("TCP", &p, &e) < 0);
	KTAP_EXPECT(has(e.msg, "invalid protocol \"TCP\" (tcp or udp)"));
	KTAP_EXPECT(lbadm_parse_proto("sctp", &p, &e) < 0);
	KTAP_EXPECT(lbadm_parse_proto("", &p, &e) < 0);
}

static void service_options(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;

	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_ADD && r.has_key);
	KTAP_EXPECT(r.svc.proto == IPPROTO_TCP && r.svc.port == 80);
	KTAP_EXPECT(r.svc.present == 0);

	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "[2001:db8::10]:53",
			    "table-size", "251", "hash", "source",
			    "seed", "0xdeadbeefcafe", "snat") == 0);
	KTAP_EXPECT(r.svc.proto == IPPROTO_UDP && r.svc.family == AF_INET6);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_TABLE_SIZE) &&
		    r.svc.table_size == 251);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_HASH) &&
		    r.svc.hash == NFLB_HASH_SOURCE);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_SEED) &&
		    r.svc.seed == 0xdeadbeefcafeULL);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_SNAT) && r.svc.snat == 1);

	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "no-snat") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_SET);
	KTAP_EXPECT(r.svc.present == NFLB_BIT(NFLB_SVC_A_SNAT) &&
		    r.svc.snat == 0);

	/* synproxy, no-synproxy: TCP only, not with a DSR method. */
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "synproxy") == 0);
	KTAP_EXPECT(r.svc.present == NFLB_BIT(NFLB_SVC_A_SYNPROXY) &&
		    r.svc.synproxy == 1);
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "no-synproxy") == 0);
	KTAP_EXPECT(r.svc.present == NFLB_BIT(NFLB_SVC_A_SYNPROXY) &&
		    r.svc.synproxy == 0);
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "192.0.2.10:53",
			    "no-synproxy") == 0);
	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "192.0.2.10:53",
			    "synproxy") < 0);
	KTAP_EXPECT(has(e.msg, "synproxy is only valid for tcp services, not udp"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "synproxy", "forward", "gre") < 0);
	KTAP_EXPECT(has(e.msg, "synproxy is only valid with forward nat, not with forward gre"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "synproxy", "forward", "nat") == 0);
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "synproxy", "no-synproxy") < 0);

	/* snat ADDRESS: the next word unless it is an option. */
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "snat", "203.0.113.1", "timeout-tcp", "5") == 0);
	KTAP_EXPECT(r.svc.snat == 1 &&
		    NFLB_HAS(&r.svc, NFLB_SVC_A_SNAT_ADDR) &&
		    r.svc.snat_addr.v4.s_addr == htonl(0xcb007101) &&
		    r.svc.timeout_tcp == 5);
	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "[2001:db8::10]:53",
			    "snat", "2001:db8::1") == 0);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_SNAT_ADDR) &&
		    r.svc.snat_addr.v6.s6_addr[15] == 1);
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "snat", "timeout-tcp", "5") == 0);
	KTAP_EXPECT(r.svc.snat == 1 &&
		    !NFLB_HAS(&r.svc, NFLB_SVC_A_SNAT_ADDR));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "snat", "2001:db8::1") < 0);
	KTAP_EXPECT(has(e.msg, "invalid snat address \"2001:db8::1\" (an IPv4 address, as the VIP)"));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "snat", "224.0.0.1") < 0);
	KTAP_EXPECT(has(e.msg, "invalid snat address \"224.0.0.1\" (not a unicast address)"));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "no-snat", "203.0.113.1") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"203.0.113.1\""));

	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "hash", "5tuple", "seed", "18446744073709551615") == 0);
	KTAP_EXPECT(r.svc.hash == NFLB_HASH_5TUPLE && r.svc.seed == UINT64_MAX);

	/* Bounds and primality are the kernel's: 1000 goes through. */
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "table-size", "1000") == 0);
	KTAP_EXPECT(r.svc.table_size == 1000);

	KTAP_EXPECT(SERVICE(&r, &e, "del", "tcp", "192.0.2.10:0") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_DEL && r.svc.port == 0);

	KTAP_EXPECT(SERVICE(&r, &e, "show") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_SHOW && !r.has_key);
	KTAP_EXPECT(SERVICE(&r, &e, "show", "udp", "[::1]:53") == 0);
	KTAP_EXPECT(r.has_key && r.svc.proto == IPPROTO_UDP);

	KTAP_EXPECT(SERVICE(&r, &e, "table", "tcp", "192.0.2.10:80") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_TABLE && !r.digest);
	KTAP_EXPECT(SERVICE(&r, &e, "table", "tcp", "192.0.2.10:80",
			    "digest") == 0);
	KTAP_EXPECT(r.digest);
}

static void service_errors(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;

	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "tablesize",
			    "251") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"tablesize\" for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "seed") < 0);
	KTAP_EXPECT(has(e.msg, "missing value after \"seed\" for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "seed", "1",
			    "seed", "2") < 0);
	KTAP_EXPECT(has(e.msg, "option \"seed\" given twice for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80", "snat",
			    "no-snat") < 0);
	KTAP_EXPECT(has(e.msg, "\"no-snat\" conflicts with \"snat\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "snat",
			    "snat") < 0);
	KTAP_EXPECT(has(e.msg, "option \"snat\" given twice"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "table-size",
			    "0") < 0);
	KTAP_EXPECT(has(e.msg, "invalid table-size \"0\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "table-size",
			    "4294967296") < 0);
	KTAP_EXPECT(has(e.msg, "invalid table-size \"4294967296\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "hash",
			    "crc") < 0);
	KTAP_EXPECT(has(e.msg, "invalid hash \"crc\" (5tuple or source)"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "seed",
			    "-1") < 0);
	KTAP_EXPECT(has(e.msg, "invalid seed \"-1\""));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80") < 0);
	KTAP_EXPECT(has(e.msg, "nothing to change for service set"));
	/* DSR: the methods, snat only with nat, never on a backend. */
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "forward",
			    "ipip") == 0);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_FORWARD) &&
		    r.svc.forward == NFLB_FORWARD_IPIP);
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "[2001:db8::1]:53", "forward",
			    "nat", "snat") == 0);
	KTAP_EXPECT(r.svc.forward == NFLB_FORWARD_NAT && r.svc.snat == 1);
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "forward",
			    "vxlan") < 0);
	KTAP_EXPECT(has(e.msg, "invalid forward \"vxlan\" (nat, gre or ipip)"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "snat",
			    "forward", "gre") < 0);
	KTAP_EXPECT(has(e.msg, "snat is only valid with forward nat, not with forward gre"));
	{
		char *be_argv[] = { "add", "tcp", "192.0.2.10:80", "10.0.0.1",
				    "forward", "gre", NULL };

		KTAP_EXPECT(lbadm_parse_backend_args(6, be_argv, &r, &e) < 0);
		KTAP_EXPECT(has(e.msg, "\"forward\" is an option of the service, not of a backend"));
	}
	KTAP_EXPECT(SERVICE(&r, &e, "del", "tcp", "192.0.2.10:80", "snat") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"snat\" for service del"));
	KTAP_EXPECT(SERVICE(&r, &e, "show", "tcp") < 0);
	KTAP_EXPECT(has(e.msg, "missing VIP:PORT for service show"));
	KTAP_EXPECT(SERVICE(&r, &e, "show", "tcp", "192.0.2.10:80", "x") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"x\" for service show"));
	KTAP_EXPECT(SERVICE(&r, &e, "add") < 0);
	KTAP_EXPECT(has(e.msg, "missing protocol for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp") < 0);
	KTAP_EXPECT(has(e.msg, "missing VIP:PORT for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "icmp", "192.0.2.10:80") < 0);
	KTAP_EXPECT(has(e.msg, "invalid protocol \"icmp\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:70000") < 0);
	KTAP_EXPECT(has(e.msg, "invalid port \"70000\" in \"192.0.2.10:70000\""));
	KTAP_EXPECT(SERVICE(&r, &e, "ad", "tcp", "192.0.2.10:80") < 0);
	KTAP_EXPECT(has(e.msg, "unknown service command \"ad\" (add, set, del, show, table)"));
	KTAP_EXPECT(lbadm_parse_service_args(0, ARGV(NULL), &r, &e) < 0);
	KTAP_EXPECT(has(e.msg, "missing command"));
	KTAP_EXPECT(SERVICE(&r, &e, "table", "tcp", "192.0.2.10:80", "digest",
			    "digest") < 0);
	KTAP_EXPECT(has(e.msg, "option \"digest\" given twice"));
}

static void backend_options(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;

	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "10.0.0.1") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_ADD && r.be.family == AF_INET);
	KTAP_EXPECT(r.be.present == 0);

	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "10.0.0.1:8080", "weight", "65535",
			    "state", "drain") == 0);
	KTAP_EXPECT(NFLB_HAS(&r.be, NFLB_BE_A_PORT) && r.be.port == 8080);
	KTAP_EXPECT(NFLB_HAS(&r.be, NFLB_BE_A_WEIGHT) && r.be.weight == 65535);
	KTAP_EXPECT(NFLB_HAS(&r.be, NFLB_BE_A_STATE) &&
		    r.be.state == NFLB_BACKEND_DRAIN);

	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "[2001:db8::10]:53",
			    "2001:db8::1", "weight", "0") == 0);
	KTAP_EXPECT(r.be.family == AF_INET6 && r.be.weight == 0);
	KTAP_EXPECT(r.be.present == NFLB_BIT(NFLB_BE_A_WEIGHT));
	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "[2001:db8::10]:53",
			    "[2001:db8::1]:53", "state", "down") == 0);
	KTAP_EXPECT(r.be.state == NFLB_BACKEND_DOWN);
	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "[2001:db8::10]:53",
			    "[2001:db8::1]:53", "state", "up") == 0);
	KTAP_EXPECT(r.be.state == NFLB_BACKEND_UP);

	KTAP_EXPECT(BACKEND(&r, &e, "del", "tcp", "192.0.2.10:80",
			    "10.0.0.1") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_DEL && !r.flush);
	KTAP_EXPECT(BACKEND(&r, &e, "del", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "flush") == 0);
	KTAP_EXPECT(r.flush);

	/* An all-ports service: backends without a port, or port 0. */
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:0",
			    "10.0.0.1") == 0);
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:0",
			    "10.0.0.1:0") == 0);
}

static void backend_errors(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;

	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "wieght", "3") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"wieght\" for backend add"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "weight") < 0);
	KTAP_EXPECT(has(e.msg, "missing value after \"weight\" for backend add"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "weight", "65536") < 0);
	KTAP_EXPECT(has(e.msg, "invalid weight \"65536\" (0-65535)"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "weight", "-1") < 0);
	KTAP_EXPECT(has(e.msg, "invalid weight \"-1\""));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "weight", "1", "weight", "2") < 0);
	KTAP_EXPECT(has(e.msg, "option \"weight\" given twice for backend add"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "state", "sleeping") < 0);
	KTAP_EXPECT(has(e.msg, "invalid state \"sleeping\" (up, drain or down)"));
	KTAP_EXPECT(BACKEND(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "10.0.0.1") < 0);
	KTAP_EXPECT(has(e.msg, "nothing to change for backend set"));
	KTAP_EXPECT(BACKEND(&r, &e, "del", "tcp", "192.0.2.10:80", "10.0.0.1",
			    "weight", "1") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"weight\" for backend del"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "flush") < 0);
	KTAP_EXPECT(has(e.msg, "invalid address \"flush\""));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80") < 0);
	KTAP_EXPECT(has(e.msg, "missing backend address for backend add"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "2001:db8::1") < 0);
	KTAP_EXPECT(has(e.msg, "backend address family differs from the service's"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "[2001:db8::10]:80",
			    "10.0.0.1") < 0);
	KTAP_EXPECT(has(e.msg, "\"10.0.0.1\" is IPv4"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:0",
			    "10.0.0.1:80") < 0);
	KTAP_EXPECT(has(e.msg, "backend port 80 in \"10.0.0.1:80\""));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "10.0.0.1:0") < 0);
	KTAP_EXPECT(has(e.msg, "backend port 0 in \"10.0.0.1:0\""));
	KTAP_EXPECT(BACKEND(&r, &e, "show", "tcp", "192.0.2.10:80") < 0);
	KTAP_EXPECT(has(e.msg, "unknown backend command \"show\" (add, set, del)"));
}

static void describe(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	char buf[256];

	SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80", "table-size", "1000");
	KTAP_EXPECT(strcmp(lbadm_describe(&r, buf, sizeof(buf)),
			   "service add tcp 192.0.2.10:80") == 0);
	SERVICE(&r, &e, "del", "udp", "[2001:db8:0::10]:53");
	KTAP_EXPECT(strcmp(lbadm_describe(&r, buf, sizeof(buf)),
			   "service del udp [2001:db8::10]:53") == 0);
	SERVICE(&r, &e, "show");
	KTAP_EXPECT(strcmp(lbadm_describe(&r, buf, sizeof(buf)),
			   "service show") == 0);
	BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80", "10.0.0.1");
	KTAP_EXPECT(strcmp(lbadm_describe(&r, buf, sizeof(buf)),
			   "backend add tcp 192.0.2.10:80 10.0.0.1") == 0);
	BACKEND(&r, &e, "del", "tcp", "[2001:db8::10]:80", "[2001:db8::1]:8080");
	KTAP_EXPECT(strcmp(lbadm_describe(&r, buf, sizeof(buf)),
			   "backend del tcp [2001:db8::10]:80 [2001:db8::1]:8080") == 0);
}

/* Requests: parse a command line, build the message, read it back. */

#define MAXT 16
struct attrs {
	const struct nlattr *tb[MAXT];
	unsigned int n;		/* attributes seen */
};

static int collect_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	a->n++;
	if (type < MAXT)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static void collect_msg(const struct nlmsghdr *nlh, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	mnl_attr_parse(nlh, GENL_HDRLEN, collect_cb, a);
}

static void collect_nest(const struct nlattr *nest, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (nest)
		mnl_attr_parse_nested(nest, collect_cb, a);
}

static char buf[1 << 16];

static struct nlmsghdr *build_service(uint8_t cmd, struct lbadm_req *r)
{
	struct nlmsghdr *nlh = nflb_msg_put_header(buf, 0x42, cmd, 0);

	nflb_service_msg(nlh, cmd, &r->svc);
	return nlh;
}

static struct nlmsghdr *build_backend(uint8_t cmd, struct lbadm_req *r)
{
	struct nlmsghdr *nlh = nflb_msg_put_header(buf, 0x42, cmd, 0);

	nflb_backend_msg(nlh, cmd, &r->svc, &r->be, r->flush);
	return nlh;
}

static void msg_service_new(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, svc;
	struct in_addr vip;

	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "table-size", "251", "hash", "source",
			    "seed", "0x0123456789abcdef", "snat") == 0);
	nlh = build_service(NFLB_CMD_SERVICE_NEW, &r);
	KTAP_EXPECT(nlh->nlmsg_type == 0x42);
	KTAP_EXPECT(nlh->nlmsg_flags & NLM_F_REQUEST);
	g = mnl_nlmsg_get_payload(nlh);
	KTAP_EXPECT(g->cmd == NFLB_CMD_SERVICE_NEW);
	KTAP_EXPECT(g->version == NFLB_GENL_VERSION && g->reserved == 0);
	collect_msg(nlh, &top);
	KTAP_EXPECT(top.n == 1 && top.tb[NFLB_A_SERVICE]);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 8);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_FAMILY], MNL_TYPE_U16) == 0);
	KTAP_EXPECT(mnl_attr_get_u16(svc.tb[NFLB_SVC_A_FAMILY]) == AF_INET);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_PROTO], MNL_TYPE_U8) == 0);
	KTAP_EXPECT(mnl_attr_get_u8(svc.tb[NFLB_SVC_A_PROTO]) == IPPROTO_TCP);
	KTAP_EXPECT(mnl_attr_get_payload_len(svc.tb[NFLB_SVC_A_ADDR]) == 4);
	inet_pton(AF_INET, "192.0.2.10", &vip);
	KTAP_EXPECT(memcmp(mnl_attr_get_payload(svc.tb[NFLB_SVC_A_ADDR]), &vip,
			   4) == 0);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_PORT], MNL_TYPE_U16) == 0);
	KTAP_EXPECT(mnl_attr_get_u16(svc.tb[NFLB_SVC_A_PORT]) == 80);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_TABLE_SIZE], MNL_TYPE_U32) == 0);
	KTAP_EXPECT(mnl_attr_get_u32(svc.tb[NFLB_SVC_A_TABLE_SIZE]) == 251);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_HASH], MNL_TYPE_U8) == 0);
	KTAP_EXPECT(mnl_attr_get_u8(svc.tb[NFLB_SVC_A_HASH]) == NFLB_HASH_SOURCE);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_SEED], MNL_TYPE_U64) == 0);
	KTAP_EXPECT(mnl_attr_get_u64(svc.tb[NFLB_SVC_A_SEED]) ==
		    0x0123456789abcdefULL);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_SNAT], MNL_TYPE_U8) == 0);
	KTAP_EXPECT(mnl_attr_get_u8(svc.tb[NFLB_SVC_A_SNAT]) == 1);
}

static void msg_service_options_only_when_given(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, svc;

	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "[2001:db8::10]:0") == 0);
	collect_msg(build_service(NFLB_CMD_SERVICE_NEW, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 4);	/* the key alone */
	KTAP_EXPECT(mnl_attr_get_u16(svc.tb[NFLB_SVC_A_FAMILY]) == AF_INET6);
	KTAP_EXPECT(mnl_attr_get_payload_len(svc.tb[NFLB_SVC_A_ADDR]) == 16);
	KTAP_EXPECT(mnl_attr_get_u16(svc.tb[NFLB_SVC_A_PORT]) == 0);

	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "[2001:db8::10]:0",
			    "no-snat") == 0);
	collect_msg(build_service(NFLB_CMD_SERVICE_SET, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 5 && svc.tb[NFLB_SVC_A_SNAT]);
	KTAP_EXPECT(mnl_attr_get_u8(svc.tb[NFLB_SVC_A_SNAT]) == 0);

	/* Options never go with a delete, a get or a table dump. */
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "[2001:db8::10]:0",
			    "seed", "7") == 0);
	collect_msg(build_service(NFLB_CMD_SERVICE_DEL, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 4 && !svc.tb[NFLB_SVC_A_SEED]);
	collect_msg(build_service(NFLB_CMD_TABLE_GET, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 4 && !svc.tb[NFLB_SVC_A_SEED]);
}

static void service_timeouts(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, svc;

	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "timeout-tcp", "7200", "timeout-tcp-fin", "0x3c") == 0);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_TIMEOUT_TCP) &&
		    r.svc.timeout_tcp == 7200);
	KTAP_EXPECT(NFLB_HAS(&r.svc, NFLB_SVC_A_TIMEOUT_TCP_FIN) &&
		    r.svc.timeout_tcp_fin == 60);
	KTAP_EXPECT(!NFLB_HAS(&r.svc, NFLB_SVC_A_TIMEOUT_UDP));
	collect_msg(build_service(NFLB_CMD_SERVICE_NEW, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 6 && !svc.tb[NFLB_SVC_A_TIMEOUT_UDP]);
	KTAP_EXPECT(mnl_attr_validate(svc.tb[NFLB_SVC_A_TIMEOUT_TCP],
				      MNL_TYPE_U32) == 0 &&
		    mnl_attr_get_u32(svc.tb[NFLB_SVC_A_TIMEOUT_TCP]) == 7200);
	KTAP_EXPECT(mnl_attr_get_u32(svc.tb[NFLB_SVC_A_TIMEOUT_TCP_FIN]) == 60);

	/* 0 (back to conntrack's default) and the maximum are sent. */
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "192.0.2.10:53",
			    "timeout-udp", "0") == 0);
	collect_msg(build_service(NFLB_CMD_SERVICE_SET, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 5 && svc.tb[NFLB_SVC_A_TIMEOUT_UDP] &&
		    mnl_attr_get_u32(svc.tb[NFLB_SVC_A_TIMEOUT_UDP]) == 0);
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "192.0.2.10:53",
			    "timeout-udp", "4000000") == 0);
	KTAP_EXPECT(r.svc.timeout_udp == NFLB_TIMEOUT_MAX);
	/* Never with a get. */
	collect_msg(build_service(NFLB_CMD_SERVICE_GET, &r), &top);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 4 && !svc.tb[NFLB_SVC_A_TIMEOUT_UDP]);

	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "timeout-tcp", "4000001") < 0);
	KTAP_EXPECT(has(e.msg, "invalid timeout-tcp \"4000001\" (seconds, 0-4000000"));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "timeout-tcp-fin", "1m") < 0);
	KTAP_EXPECT(has(e.msg, "invalid timeout-tcp-fin \"1m\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "192.0.2.10:53",
			    "timeout-udp", "-3") < 0);
	KTAP_EXPECT(has(e.msg, "invalid timeout-udp \"-3\""));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "udp", "192.0.2.10:53",
			    "timeout-udp", "") < 0);
	KTAP_EXPECT(has(e.msg, "invalid timeout-udp \"\""));
	KTAP_EXPECT(SERVICE(&r, &e, "add", "udp", "192.0.2.10:53",
			    "timeout-udp", "3", "timeout-udp", "4") < 0);
	KTAP_EXPECT(has(e.msg, "option \"timeout-udp\" given twice for service add"));
	KTAP_EXPECT(SERVICE(&r, &e, "set", "tcp", "192.0.2.10:80",
			    "timeout-tcp") < 0);
	KTAP_EXPECT(has(e.msg, "missing value after \"timeout-tcp\""));
	KTAP_EXPECT(SERVICE(&r, &e, "del", "tcp", "192.0.2.10:80",
			    "timeout-tcp", "5") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"timeout-tcp\" for service del"));
}

static void msg_backend(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, svc, be;
	struct in6_addr a6;

	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "[2001:db8::10]:80",
			    "[2001:db8::1]:8080", "weight", "7",
			    "state", "drain") == 0);
	collect_msg(build_backend(NFLB_CMD_BACKEND_NEW, &r), &top);
	KTAP_EXPECT(top.n == 2 && top.tb[NFLB_A_SERVICE] && top.tb[NFLB_A_BACKEND]);
	collect_nest(top.tb[NFLB_A_SERVICE], &svc);
	KTAP_EXPECT(svc.n == 4);
	collect_nest(top.tb[NFLB_A_BACKEND], &be);
	KTAP_EXPECT(be.n == 5);
	KTAP_EXPECT(mnl_attr_get_u16(be.tb[NFLB_BE_A_FAMILY]) == AF_INET6);
	inet_pton(AF_INET6, "2001:db8::1", &a6);
	KTAP_EXPECT(mnl_attr_get_payload_len(be.tb[NFLB_BE_A_ADDR]) == 16);
	KTAP_EXPECT(memcmp(mnl_attr_get_payload(be.tb[NFLB_BE_A_ADDR]), &a6,
			   16) == 0);
	KTAP_EXPECT(mnl_attr_validate(be.tb[NFLB_BE_A_PORT], MNL_TYPE_U16) == 0);
	KTAP_EXPECT(mnl_attr_get_u16(be.tb[NFLB_BE_A_PORT]) == 8080);
	KTAP_EXPECT(mnl_attr_validate(be.tb[NFLB_BE_A_WEIGHT], MNL_TYPE_U32) == 0);
	KTAP_EXPECT(mnl_attr_get_u32(be.tb[NFLB_BE_A_WEIGHT]) == 7);
	KTAP_EXPECT(mnl_attr_validate(be.tb[NFLB_BE_A_STATE], MNL_TYPE_U8) == 0);
	KTAP_EXPECT(mnl_attr_get_u8(be.tb[NFLB_BE_A_STATE]) == NFLB_BACKEND_DRAIN);
}

static void msg_backend_no_port(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, be;

	KTAP_EXPECT(BACKEND(&r, &e, "add", "tcp", "192.0.2.10:80",
			    "10.0.0.1") == 0);
	collect_msg(build_backend(NFLB_CMD_BACKEND_NEW, &r), &top);
	collect_nest(top.tb[NFLB_A_BACKEND], &be);
	KTAP_EXPECT(be.n == 2);		/* family and address only */
	KTAP_EXPECT(!be.tb[NFLB_BE_A_PORT] && !be.tb[NFLB_BE_A_WEIGHT]);
	KTAP_EXPECT(mnl_attr_get_payload_len(be.tb[NFLB_BE_A_ADDR]) == 4);
}

static void msg_backend_del_flush(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, be;

	KTAP_EXPECT(BACKEND(&r, &e, "del", "tcp", "192.0.2.10:80",
			    "10.0.0.1:80", "flush") == 0);
	r.be.weight = 5;	/* never sent with a delete */
	NFLB_SET(&r.be, NFLB_BE_A_WEIGHT);
	collect_msg(build_backend(NFLB_CMD_BACKEND_DEL, &r), &top);
	KTAP_EXPECT(top.n == 3 && top.tb[NFLB_A_FLUSH]);
	KTAP_EXPECT(mnl_attr_validate(top.tb[NFLB_A_FLUSH], MNL_TYPE_FLAG) == 0);
	collect_nest(top.tb[NFLB_A_BACKEND], &be);
	KTAP_EXPECT(be.n == 3 && be.tb[NFLB_BE_A_PORT] && !be.tb[NFLB_BE_A_WEIGHT]);

	KTAP_EXPECT(BACKEND(&r, &e, "del", "tcp", "192.0.2.10:80",
			    "10.0.0.1:80") == 0);
	collect_msg(build_backend(NFLB_CMD_BACKEND_DEL, &r), &top);
	KTAP_EXPECT(top.n == 2 && !top.tb[NFLB_A_FLUSH]);
}

/* backend set ... flush: NFLB_A_FLUSH beside the options, or alone. */
static void msg_backend_set_flush(void)
{
	struct lbadm_req r;
	struct lbadm_perr e;
	struct attrs top, be;

	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "192.0.2.10:53",
			    "10.0.0.1", "state", "down", "flush") == 0);
	KTAP_EXPECT(r.op == LBADM_OP_SET && r.flush &&
		    r.be.state == NFLB_BACKEND_DOWN);
	collect_msg(build_backend(NFLB_CMD_BACKEND_SET, &r), &top);
	KTAP_EXPECT(top.n == 3 && top.tb[NFLB_A_FLUSH]);
	collect_nest(top.tb[NFLB_A_BACKEND], &be);
	KTAP_EXPECT(be.tb[NFLB_BE_A_STATE] && !be.tb[NFLB_BE_A_WEIGHT]);

	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "192.0.2.10:53",
			    "10.0.0.1", "flush") == 0);
	collect_msg(build_backend(NFLB_CMD_BACKEND_SET, &r), &top);
	KTAP_EXPECT(top.n == 3 && top.tb[NFLB_A_FLUSH]);

	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "192.0.2.10:53",
			    "10.0.0.1", "weight", "0") == 0);
	KTAP_EXPECT(!r.flush);
	collect_msg(build_backend(NFLB_CMD_BACKEND_SET, &r), &top);
	KTAP_EXPECT(top.n == 2 && !top.tb[NFLB_A_FLUSH]);

	KTAP_EXPECT(BACKEND(&r, &e, "set", "udp", "192.0.2.10:53",
			    "10.0.0.1", "flush", "flush") < 0);
	KTAP_EXPECT(has(e.msg, "option \"flush\" given twice for backend set"));
	KTAP_EXPECT(BACKEND(&r, &e, "add", "udp", "192.0.2.10:53",
			    "10.0.0.1", "flush") < 0);
	KTAP_EXPECT(has(e.msg, "unknown option \"flush\" for backend add"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(vip_v4),
	KTAP_CASE(vip_v6),
	KTAP_CASE(vip_bad),
	KTAP_CASE(backend_addr),
	KTAP_CASE(backend_addr_bad),
	KTAP_CASE(ports),
	KTAP_CASE(numbers),
	KTAP_CASE(protocols),
	KTAP_CASE(service_options),
	KTAP_CASE(service_errors),
	KTAP_CASE(backend_options),
	KTAP_CASE(backend_errors),
	KTAP_CASE(describe),
	KTAP_CASE(msg_service_new),
	KTAP_CASE(msg_service_options_only_when_given),
	KTAP_CASE(service_timeouts),
	KTAP_CASE(msg_backend),
	KTAP_CASE(msg_backend_no_port),
	KTAP_CASE(msg_backend_del_flush),
	KTAP_CASE(msg_backend_set_flush),
};

KTAP_MAIN("lbadm_parse", cases)
