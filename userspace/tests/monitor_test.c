// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of `lbadm monitor`'s lines: lbadm_print_event() through
 * lbadm's output API (monitor.c and print.c linked in), in text and in
 * JSON lines, on stdout captured in a temporary file.  The events are
 * given as parsed structures, or as netlink messages built as the kernel
 * sends them and parsed by libnflbnl's nflb_event_dispatch(), the path of
 * `lbadm monitor` from the socket to the line.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"
#include "ktap.h"
#include "monitor.h"
#include "nlbuild.h"
#include "print.h"
#include "util.h"

/* What util.c provides to the files linked in. */
bool lbadm_stats;

void lbadm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

struct nflb_nl *lbadm_open(void)
{
	return NULL;
}

void lbadm_nl_err(struct nflb_nl *nl, const char *what)
{
	(void)nl;
	(void)what;
}

static char out[4096];

/* The event lbadm_print_event() is given: structures or a message. */
static struct {
	uint8_t cmd;
	const struct nflb_service *svc;
	const struct nflb_backend *be;
	const struct nlmsghdr *nlh;
	int ret;		/* nflb_event_dispatch()'s */
} ev;

/* What `lbadm monitor` does with each message received. */
static int print_cb(uint8_t cmd, const struct nflb_service *svc,
		    const struct nflb_backend *be, void *data)
{
	(void)data;
	lbadm_print_event(cmd, svc, be);
	return 0;
}

/* monitor -t's stamp for the events printed from structures, or NULL. */
static const struct timespec *stamp_ts;

static void print_ev(void)
{
	const char *why;

	if (ev.nlh)
		ev.ret = nflb_event_dispatch(ev.nlh, print_cb, NULL, &why);
	else if (stamp_ts)
		lbadm_print_event_at(ev.cmd, ev.svc, ev.be, stamp_ts);
	else
		lbadm_print_event(ev.cmd, ev.svc, ev.be);
}

/* Print EV with stdout in a file; its output in OUT. */
static const char *capture_ev(void)
{
	FILE *tmp = tmpfile();
	size_t n;
	int saved;

	out[0] = '\0';
	if (!tmp)
		return out;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	print_ev();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static const char *capture(uint8_t cmd, const struct nflb_service *svc,
			   const struct nflb_backend *be)
{
	ev.cmd = cmd;
	ev.svc = svc;
	ev.be = be;
	ev.nlh = NULL;
	return capture_ev();
}

/* A message's event printed: its output, or "" if it did not parse. */
static const char *capture_msg(const struct nlmsghdr *nlh)
{
	ev.nlh = nlh;
	capture_ev();
	ev.nlh = NULL;
	if (ev.ret != 0)
		out[0] = '\0';
	return out;
}

static struct nflb_service svc4(uint8_t proto, const char *vip, uint16_t port)
{
	struct nflb_service s = { .family = AF_INET, .proto = proto, .port = port };

	inet_pton(AF_INET, vip, &s.addr);
	s.table_size = 65537;
	s.present = NFLB_BIT(NFLB_SVC_A_FAMILY) | NFLB_BIT(NFLB_SVC_A_PROTO) |
		    NFLB_BIT(NFLB_SVC_A_ADDR) | NFLB_BIT(NFLB_SVC_A_PORT) |
		    NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) | NFLB_BIT(NFLB_SVC_A_HASH) |
		    NFLB_BIT(NFLB_SVC_A_SEED) | NFLB_BIT(NFLB_SVC_A_SNAT);
	return s;
}

static struct nflb_backend be_of(uint16_t family, const char *addr,
				 uint16_t port, uint32_t weight, uint8_t state)
{
	struct nflb_backend b = { .family = family, .port = port,
				  .weight = weight, .state = state };

	inet_pton(family, addr, &b.addr);
	b.present = NFLB_BIT(NFLB_BE_A_FAMILY) | NFLB_BIT(NFLB_BE_A_ADDR) |
		    NFLB_BIT(NFLB_BE_A_PORT) | NFLB_BIT(NFLB_BE_A_WEIGHT) |
		    NFLB_BIT(NFLB_BE_A_STATE);
	return b;
}

static void text_service(void)
{
	struct nflb_service s = svc4(IPPROTO_TCP, "192.0.2.10", 80);

	lbadm_json = false;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_SERVICE_NEW, &s, NULL),
			    "service add tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0\n"));
	s.snat = 1;
	s.seed = 18446744073709551615ULL;
	s.hash = NFLB_HASH_SOURCE;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_SERVICE_NEW, &s, NULL),
			    "service add tcp 192.0.2.10:80 table-size 65537 hash source seed 18446744073709551615 snat\n"));
	s.snat = 0;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_SERVICE_SET, &s, NULL),
			    "service set tcp 192.0.2.10:80 table-size 65537 hash source seed 18446744073709551615 no-snat timeout-tcp 0 timeout-tcp-fin 0 no-rate\n"));
	s.present = NFLB_BIT(NFLB_SVC_A_PORT);	/* a deletion: key only */
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_SERVICE_DEL, &s, NULL),
			    "service del tcp 192.0.2.10:80\n"));
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_FLUSH, NULL, NULL), "flush\n"));
}

static void text_backend(void)
{
	struct nflb_service s = svc4(IPPROTO_TCP, "192.0.2.10", 80);
	struct nflb_backend b = be_of(AF_INET, "10.0.0.1", 80, 1, NFLB_BACKEND_UP);
	struct nflb_service s6 = s;
	struct nflb_backend b6;

	lbadm_json = false;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_BACKEND_NEW, &s, &b),
			    "backend add tcp 192.0.2.10:80 10.0.0.1:80 weight 1 state up\n"));
	b.weight = 3;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_BACKEND_SET, &s, &b),
			    "backend set tcp 192.0.2.10:80 10.0.0.1:80 weight 3 state up\n"));
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_BACKEND_DEL, &s, &b),
			    "backend del tcp 192.0.2.10:80 10.0.0.1:80\n"));
	/* All-ports service: backends without a port. */
	s.port = 0;
	b.port = 0;
	b.state = NFLB_BACKEND_DOWN;
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_BACKEND_NEW, &s, &b),
			    "backend add tcp 192.0.2.10:0 10.0.0.1 weight 3 state down\n"));
	/* IPv6, in brackets. */
	s6.family = AF_INET6;
	s6.proto = IPPROTO_UDP;
	s6.port = 53;
	inet_pton(AF_INET6, "2001:db8::10", &s6.addr);
	b6 = be_of(AF_INET6, "2001:db8:1::1", 5353, 2, NFLB_BACKEND_DRAIN);
	KTAP_EXPECT(!strcmp(capture(NFLB_CMD_BACKEND_NEW, &s6, &b6),
			    "backend add udp [2001:db8::10]:53 [2001:db8:1::1]:5353 weight 2 state drain\n"));
}

/* OUT as one JSON object on one line. */
static json_t *json_line(void)
{
	size_t n = strlen(out);

	if (!n || out[n - 1] != '\n' || strchr(out, '\n') != out + n - 1)
		return NULL;
	return json_loads(out, 0, NULL);
}

static void json_events(void)
{
	struct nflb_service s = svc4(IPPROTO_TCP, "192.0.2.10", 80);
	struct nflb_backend b = be_of(AF_INET, "10.0.0.1", 80, 3, NFLB_BACKEND_UP);
	json_t *j, *want;

	lbadm_json = true;
	pr_stream();
	capture(NFLB_CMD_BACKEND_SET, &s, &b);
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:i, s:i, s:s}}",
			 "event", "backend-set", "proto", "tcp",
			 "vip", "192.0.2.10", "port", 80, "backend",
			 "addr", "10.0.0.1", "port", 80, "weight", 3,
			 "state", "up");
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);

	s.snat = 1;
	capture(NFLB_CMD_SERVICE_NEW, &s, NULL);
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:b}",
			 "event", "service-add", "proto", "tcp",
			 "vip", "192.0.2.10", "port", 80, "table-size", 65537,
			 "hash", "5tuple", "seed", 0, "snat", 1);
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);

	capture(NFLB_CMD_FLUSH, NULL, NULL);
	j = json_line();
	want = json_pack("{s:s}", "event", "flush");
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);
	lbadm_json = false;
}

/*
 * Service events as the kernel sends them (nl_event.c): the key, then for
 * SERVICE_NEW and SERVICE_SET every option, the timeouts only when not 0.
 */
static char msgbuf[4096];

static struct nlmsghdr *svc_event(uint8_t cmd, uint8_t proto,
				  uint32_t t_tcp, uint32_t t_fin,
				  uint32_t t_udp)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct in_addr a;

	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = nflb_msg_put_header(msgbuf, 0x42, cmd, 0);
	inet_pton(AF_INET, "192.0.2.10", &a);
	nest = mnl_attr_nest_start(nlh, NFLB_A_SERVICE);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, NFLB_SVC_A_PROTO, proto);
	mnl_attr_put(nlh, NFLB_SVC_A_ADDR, sizeof(a), &a);
	mnl_attr_put_u16(nlh, NFLB_SVC_A_PORT, 80);
	if (cmd != NFLB_CMD_SERVICE_DEL) {
		mnl_attr_put_u32(nlh, NFLB_SVC_A_TABLE_SIZE, 251);
		mnl_attr_put_u8(nlh, NFLB_SVC_A_HASH, NFLB_HASH_5TUPLE);
		put_u64_pad(nlh, NFLB_SVC_A_SEED, 7, NFLB_SVC_A_PAD);
		mnl_attr_put_u8(nlh, NFLB_SVC_A_SNAT, 0);
		if (t_tcp)
			mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP, t_tcp);
		if (t_fin)
			mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_TCP_FIN,
					 t_fin);
		if (t_udp)
			mnl_attr_put_u32(nlh, NFLB_SVC_A_TIMEOUT_UDP, t_udp);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* Text: the timeouts as `service show` prints them, after the options. */
static void text_timeouts(void)
{
	lbadm_json = false;
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_NEW,
						  IPPROTO_TCP, 600, 30, 0)),
			    "service add tcp 192.0.2.10:80 table-size 251 hash 5tuple seed 7 timeout-tcp 600 timeout-tcp-fin 30\n"));
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_NEW,
						  IPPROTO_UDP, 0, 0, 45)),
			    "service add udp 192.0.2.10:80 table-size 251 hash 5tuple seed 7 timeout-udp 45\n"));
	/* No timeout: none printed, conntrack's defaults. */
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_NEW,
						  IPPROTO_TCP, 0, 0, 0)),
			    "service add tcp 192.0.2.10:80 table-size 251 hash 5tuple seed 7\n"));
	/*
	 * A set's event is the service's whole state: a timeout of its
	 * protocol that is absent was set back to 0, and says so.
	 */
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_SET,
						  IPPROTO_TCP, 600, 0, 0)),
			    "service set tcp 192.0.2.10:80 table-size 251 hash 5tuple seed 7 no-snat timeout-tcp 600 timeout-tcp-fin 0 no-rate\n"));
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_SET,
						  IPPROTO_UDP, 0, 0, 0)),
			    "service set udp 192.0.2.10:80 table-size 251 hash 5tuple seed 7 no-snat timeout-udp 0 no-rate\n"));
	KTAP_EXPECT(!strcmp(capture_msg(svc_event(NFLB_CMD_SERVICE_DEL,
						  IPPROTO_TCP, 0, 0, 0)),
			    "service del tcp 192.0.2.10:80\n"));
}

/* JSON: the timeouts as fields of `service show -j`, integers. */
static void json_timeouts(void)
{
	json_t *j, *want;

	lbadm_json = true;
	pr_stream();
	capture_msg(svc_event(NFLB_CMD_SERVICE_NEW, IPPROTO_TCP, 600, 30, 0));
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:b, s:i, s:i}",
			 "event", "service-add", "proto", "tcp",
			 "vip", "192.0.2.10", "port", 80, "table-size", 251,
			 "hash", "5tuple", "seed", 7, "snat", 0,
			 "timeout-tcp", 600, "timeout-tcp-fin", 30);
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);

	capture_msg(svc_event(NFLB_CMD_SERVICE_SET, IPPROTO_UDP, 0, 0, 4000000));
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:b, s:i}",
			 "event", "service-set", "proto", "udp",
			 "vip", "192.0.2.10", "port", 80, "table-size", 251,
			 "hash", "5tuple", "seed", 7, "snat", 0,
			 "timeout-udp", 4000000);
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);

	/* A set back to conntrack's defaults: 0, not absent. */
	capture_msg(svc_event(NFLB_CMD_SERVICE_SET, IPPROTO_TCP, 0, 0, 0));
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:b, s:i, s:i}",
			 "event", "service-set", "proto", "tcp",
			 "vip", "192.0.2.10", "port", 80, "table-size", 251,
			 "hash", "5tuple", "seed", 7, "snat", 0,
			 "timeout-tcp", 0, "timeout-tcp-fin", 0);
	KTAP_EXPECT(j && json_equal(j, want));
	json_decref(j);
	json_decref(want);
	lbadm_json = false;
}

/* monitor -t: the time each event was read, RFC 3339 with microseconds. */
static void timestamps(void)
{
	struct nflb_service s = svc4(IPPROTO_TCP, "192.0.2.10", 80);
	struct nflb_backend b = be_of(AF_INET, "10.0.0.1", 80, 1, NFLB_BACKEND_UP);
	/* 2026-12-05T07:01:05 UTC, and 7 us */
	struct timespec ts = { .tv_sec = 1796454065, .tv_nsec = 7999 };
	char buf[64];
	json_t *j, *want;

	setenv("TZ", "UTC", 1);
	tzset();
	KTAP_EXPECT(!strcmp(lbadm_format_time(&ts, buf, sizeof(buf)),
			    "2026-12-05T07:01:05.000007+00:00"));
	lbadm_json = false;
	ev.nlh = NULL;
	ev.cmd = NFLB_CMD_BACKEND_DEL;
	ev.svc = &s;
	ev.be = &b;
	stamp_ts = &ts;
	KTAP_EXPECT(!strcmp(capture_ev(),
			    "[2026-12-05T07:01:05.000007+00:00] backend del tcp 192.0.2.10:80 10.0.0.1:80\n"));
	ev.cmd = NFLB_CMD_FLUSH;
	ev.svc = NULL;
	ev.be = NULL;
	KTAP_EXPECT(!strcmp(capture_ev(),
			    "[2026-12-05T07:01:05.000007+00:00] flush\n"));
	/* Local time says its offset from UTC. */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	KTAP_EXPECT(!strcmp(capture_ev(),
			    "[2026-12-05T12:31:05.000007+05:30] flush\n"));
	setenv("TZ", "UTC", 1);
	tzset();

	lbadm_json = true;
	pr_stream();
	ev.cmd = NFLB_CMD_BACKEND_DEL;
	ev.svc = &s;
	ev.be = &b;
	capture_ev();
	j = json_line();
	want = json_pack("{s:s, s:s, s:s, s:s, s:i, s:{s:s, s:i}}",
			 "time", "2026-12-05T07:01:05.000007+00:00",
			 "event", "backend-del", "proto", "tcp",
			 "vip", "192.0.2.10", "port", 80, "backend",
			 "addr", "10.0.0.1", "port", 80);
	KTAP_EXPECT(j && json_equal(j, want));
	/* The time comes first, as in the text. */
	KTAP_EXPECT(!strncmp(out, "{\"time\":", 8));
	json_decref(j);
	json_decref(want);
	lbadm_json = false;
	stamp_ts = NULL;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(text_service),
	KTAP_CASE(text_backend),
	KTAP_CASE(json_events),
	KTAP_CASE(text_timeouts),
	KTAP_CASE(json_timeouts),
	KTAP_CASE(timestamps),
};

KTAP_MAIN("lbadm_monitor", cases)
