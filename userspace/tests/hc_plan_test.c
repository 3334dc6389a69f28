// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's plans: the requests that take the kernel from what it has to
 * what is wanted, which is also what a reload sends.  Unchanged objects
 * must get no request at all.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "plan.h"
#include "want.h"

static struct nflb_backend be(unsigned int host, uint32_t weight,
			      uint8_t state)
{
	struct nflb_backend b;

	memset(&b, 0, sizeof(b));
	b.family = AF_INET;
	b.addr.v4.s_addr = htonl(0x0a000100 + host);
	b.port = 80;
	b.weight = weight;
	b.state = state;
	b.present = NFLB_BIT(NFLB_BE_A_PORT) | NFLB_BIT(NFLB_BE_A_WEIGHT) |
		    NFLB_BIT(NFLB_BE_A_STATE);
	return b;
}

static struct nflb_service svc(struct nflb_backend *bes, size_t n)
{
	struct nflb_service s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.proto = IPPROTO_TCP;
	s.port = 80;
	inet_pton(AF_INET, "10.0.0.100", &s.addr);
	s.table_size = 65537;
	s.hash = NFLB_HASH_5TUPLE;
	s.present = NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
		    NFLB_BIT(NFLB_SVC_A_HASH) | NFLB_BIT(NFLB_SVC_A_SEED) |
		    NFLB_BIT(NFLB_SVC_A_SNAT);
	s.backends = bes;
	s.n_backends = n;
	return s;
}

/* The plan as one string: "+S -S ~S +B1 ~B2 -B3" (B: backend host). */
static void plan_str(const struct hc_plan *p, char *buf, size_t len)
{
	static const char *const k[] = { "+S", "~S", "-S", "+B", "~B", "-B" };
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < p->n && off < len; i++) {
		const struct hc_op *op = &p->ops[i];

		if (op->kind >= HC_OP_BE_ADD)
			off += snprintf(buf + off, len - off, "%s%s%u",
					i ? " " : "", k[op->kind],
					ntohl(op->be.addr.v4.s_addr) & 0xff);
		else
			off += snprintf(buf + off, len - off, "%s%s",
					i ? " " : "", k[op->kind]);
	}
}

static void test_create_and_delete(void)
{
	struct nflb_backend b[2] = { be(1, 1, 0), be(2, 1, 0) };
	struct nflb_service s = svc(b, 2);
	struct hc_plan p = { 0 };
	char str[128];

	KTAP_EXPECT(hc_plan_service(&p, &s, NULL, 0) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "+S"));
	KTAP_EXPECT(p.ops[0].svc.n_backends == 2);
	/* The plan owns a copy of the backends. */
	KTAP_EXPECT(p.ops[0].svc.backends != b);
	hc_plan_free(&p);

	KTAP_EXPECT(hc_plan_service(&p, NULL, &s, 0) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "-S"));
	KTAP_EXPECT(p.ops[0].svc.n_backends == 0);
	hc_plan_free(&p);

	KTAP_EXPECT(hc_plan_service(&p, NULL, NULL, 0) == 0 && p.n == 0);
}

static void test_unchanged_sends_nothing(void)
{
	struct nflb_backend w[3] = { be(1, 1, 0), be(2, 2, 0), be(3, 3, 2) };
	/* The kernel lists them in another order, with replies' extras. */
	struct nflb_backend h[3] = { be(3, 3, 2), be(1, 1, 0), be(2, 2, 0) };
	struct nflb_service want = svc(w, 3), have = svc(h, 3);
	struct hc_plan p = { 0 };

	h[0].slots = 7;
	NFLB_SET(&h[0], NFLB_BE_A_SLOTS);
	have.stats.conns = 99;
	NFLB_SET(&have, NFLB_SVC_A_STATS);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	KTAP_EXPECT(p.n == 0);
	hc_plan_free(&p);
}

/* A reload adding one backend and changing one weight: two requests. */
static void test_reload_diff(void)
{
	struct nflb_backend h[3] = { be(1, 1, 0), be(2, 1, 0), be(3, 1, 0) };
	struct nflb_backend w[4] = { be(1, 1, 0), be(2, 5, 0), be(3, 1, 0),
				     be(4, 1, 0) };
	struct nflb_service want = svc(w, 4), have = svc(h, 3);
	struct hc_plan p = { 0 };
	char str[128];

	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "~B2 +B4"));
	KTAP_EXPECT(p.ops[0].be.weight == 5);
	hc_plan_free(&p);
}

static void test_extra_and_state(void)
{
	struct nflb_backend h[3] = { be(1, 1, 0), be(2, 1, 0), be(9, 1, 0) };
	struct nflb_backend w[2] = { be(1, 1, NFLB_BACKEND_DOWN), be(2, 1, 0) };
	struct nflb_service want = svc(w, 2), have = svc(h, 3);
	struct hc_plan p = { 0 };
	char str[128];

	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	plan_str(&p, str, sizeof(str));
	/* Deletions before additions and changes. */
	KTAP_EXPECT(!strcmp(str, "-B9 ~B1"));
	KTAP_EXPECT(p.ops[1].be.state == NFLB_BACKEND_DOWN);
	hc_plan_free(&p);
}

static void test_options(void)
{
	struct nflb_backend b[1] = { be(1, 1, 0) };
	struct nflb_service want = svc(b, 1), have = svc(b, 1);
	struct hc_plan p = { 0 };
	char str[128];

	want.seed = 42;
	want.timeout_udp = 30;
	NFLB_SET(&want, NFLB_SVC_A_TIMEOUT_UDP);
	NFLB_SET(&have, NFLB_SVC_A_TIMEOUT_UDP);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "~S"));
	KTAP_EXPECT(p.ops[0].svc.seed == 42 && p.ops[0].svc.timeout_udp == 30);
	hc_plan_free(&p);

	/*
	 * The kernel leaves out timeouts that are 0: absent is 0, so a
	 * timeout removed from the file is reset, and an unset one is not.
	 */
	want.seed = 0;
	have.present &= ~NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP);
	want.timeout_udp = 0;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 0);
	hc_plan_free(&p);
	want.timeout_udp = 7;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 1);
	hc_plan_free(&p);
	have.timeout_udp = 30;
	NFLB_SET(&have, NFLB_SVC_A_TIMEOUT_UDP);
	want.timeout_udp = 0;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 1 &&
		    p.ops[0].kind == HC_OP_SVC_SET &&
		    NFLB_HAS(&p.ops[0].svc, NFLB_SVC_A_TIMEOUT_UDP));
	hc_plan_free(&p);
	/* Options the kernel does report: absent is not a difference. */
	have.present &= ~NFLB_BIT(NFLB_SVC_A_SEED);
	want.timeout_udp = 30;
	want.seed = 9;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 0);
	hc_plan_free(&p);
}

/* snat ADDRESS: a changed, added or removed address is a change. */
static void test_snat_addr(void)
{
	struct nflb_backend b[1] = { be(1, 1, 0) };
	struct nflb_service want = svc(b, 1), have = svc(b, 1);
	struct hc_plan p = { 0 };

	want.snat = have.snat = 1;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 0);
	hc_plan_free(&p);
	/* Masquerading in the kernel, an address in the file. */
	inet_pton(AF_INET, "198.51.100.100", &want.snat_addr);
	NFLB_SET(&want, NFLB_SVC_A_SNAT_ADDR);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 1 &&
		    NFLB_HAS(&p.ops[0].svc, NFLB_SVC_A_SNAT_ADDR));
	hc_plan_free(&p);
	have.snat_addr = want.snat_addr;
	NFLB_SET(&have, NFLB_SVC_A_SNAT_ADDR);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 0);
	hc_plan_free(&p);
	inet_pton(AF_INET, "198.51.100.101", &want.snat_addr);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 1);
	hc_plan_free(&p);
	/* Plain snat = true in the file: back to masquerade. */
	want.present &= ~NFLB_BIT(NFLB_SVC_A_SNAT_ADDR);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 1 &&
		    !NFLB_HAS(&p.ops[0].svc, NFLB_SVC_A_SNAT_ADDR) &&
		    p.ops[0].svc.snat == 1);
	hc_plan_free(&p);
}

/* All-ports services: backends without a port match the kernel's. */
static void test_all_ports(void)
{
	struct nflb_backend w[1] = { be(1, 1, 0) }, h[1] = { be(1, 1, 0) };
	struct nflb_service want = svc(w, 1), have = svc(h, 1);
	struct hc_plan p = { 0 };

	want.port = have.port = 0;
	w[0].port = 0;
	w[0].present &= ~NFLB_BIT(NFLB_BE_A_PORT);
	h[0].port = 0;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0 && p.n == 0);
	hc_plan_free(&p);
}

static void test_split(void)
{
	struct nflb_backend b[5] = { be(1, 1, 0), be(2, 1, 0), be(3, 1, 0),
				     be(4, 1, 0), be(5, 1, 0) };
	struct nflb_service s = svc(b, 5), other = svc(b, 1);
	struct hc_plan p = { 0 };
	char str[128];

	other.port = 443;
	KTAP_EXPECT(hc_plan_service(&p, &s, NULL, 0) == 0);
	KTAP_EXPECT(hc_plan_service(&p, NULL, &other, 0) == 0);
	KTAP_EXPECT(hc_plan_split(&p, 2) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "+S -S +B3 +B4 +B5"));
	KTAP_EXPECT(p.ops[0].svc.n_backends == 2);
	KTAP_EXPECT(p.ops[2].svc.port == 80 && p.ops[2].svc.backends == NULL);
	hc_plan_free(&p);
}

static void test_describe(void)
{
	struct nflb_backend b[1] = { be(1, 2, NFLB_BACKEND_DOWN) };
	struct nflb_service s = svc(b, 1), have = svc(NULL, 0);
	struct hc_plan p = { 0 };
	char buf[256];

	KTAP_EXPECT(hc_plan_service(&p, &s, &have, 0) == 0 && p.n == 1);
	hc_op_describe(&p.ops[0], buf, sizeof(buf));
	KTAP_EXPECT(!strcmp(buf, "backend add tcp 10.0.0.100:80 10.0.1.1:80 weight 2 state down"));
	hc_plan_free(&p);
	KTAP_EXPECT(hc_plan_service(&p, NULL, &s, 0) == 0);
	hc_op_describe(&p.ops[0], buf, sizeof(buf));
	KTAP_EXPECT(!strcmp(buf, "service del tcp 10.0.0.100:80"));
	hc_plan_free(&p);
}

/* A backend set down carries a flush when asked, nothing else does. */
static void test_flush_on_down(void)
{
	struct nflb_backend h[3] = { be(1, 1, NFLB_BACKEND_UP),
				     be(2, 1, NFLB_BACKEND_DOWN),
				     be(3, 1, NFLB_BACKEND_UP) };
	struct nflb_backend w[3] = { be(1, 1, NFLB_BACKEND_DOWN),
				     be(2, 1, NFLB_BACKEND_UP),
				     be(3, 0, NFLB_BACKEND_UP) };
	struct nflb_backend d[1] = { be(1, 1, NFLB_BACKEND_DRAIN) };
	struct nflb_service want = svc(w, 3), have = svc(h, 3);
	struct hc_plan p = { 0 };
	char buf[256];

	/* Down, up, weight 0: only the first flushes. */
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_FLUSH_DOWN) == 0);
	KTAP_EXPECT(p.n == 3 && p.ops[0].kind == HC_OP_BE_SET &&
		    p.ops[0].flush && !p.ops[1].flush && !p.ops[2].flush);
	hc_op_describe(&p.ops[0], buf, sizeof(buf));
	KTAP_EXPECT(!strcmp(buf, "backend set tcp 10.0.0.100:80 10.0.1.1:80 weight 1 state down flush"));
	hc_plan_free(&p);
	/* Not asked: no flush. */
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	KTAP_EXPECT(p.n == 3 && !p.ops[0].flush);
	hc_plan_free(&p);
	/* Down already (a weight change): no flush. */
	h[0].state = NFLB_BACKEND_DOWN;
	h[0].weight = 5;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_FLUSH_DOWN) == 0);
	KTAP_EXPECT(p.n == 3 && !p.ops[0].flush);
	hc_plan_free(&p);
	/* A drain (maintenance, quorum) keeps the flows. */
	want = svc(d, 1);
	h[0].state = NFLB_BACKEND_UP;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_FLUSH_DOWN) == 0);
	KTAP_EXPECT(p.n == 3 && p.ops[2].kind == HC_OP_BE_SET &&
		    !p.ops[0].flush && !p.ops[1].flush && !p.ops[2].flush);
	hc_plan_free(&p);
	/* A new backend added down has no flows. */
	want = svc(w, 1);
	have = svc(NULL, 0);
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_FLUSH_DOWN) == 0);
	KTAP_EXPECT(p.n == 1 && p.ops[0].kind == HC_OP_BE_ADD &&
		    !p.ops[0].flush);
	hc_plan_free(&p);
}

static void noerr(const char *msg, void *data)
{
	(void)data;
	printf("    # %s\n", msg);
}

/*
 * As the daemon plans a failed check, from a file: a udp service's backend
 * goes down with a flush, a tcp one's without (the defaults), and coming
 * back up flushes nothing.
 */
static void test_flush_defaults(void)
{
	static const char text[] =
		"services = (\n"
		"  { protocol = \"tcp\"; address = \"10.0.0.100\"; port = 80;\n"
		"    check = { type = \"tcp\"; };\n"
		"    backends = ( { address = \"10.0.1.1\"; } ); },\n"
		"  { protocol = \"udp\"; address = \"10.0.0.100\"; port = 53;\n"
		"    check = { type = \"exec\"; command = \"true\"; };\n"
		"    backends = ( { address = \"10.0.1.1\"; } ); }\n"
		");\n";
	char path[] = "/tmp/hc_plan_test.XXXXXX";
	struct hc_config cfg;
	struct nflb_service want, up;
	struct hc_plan p = { 0 };
	bool down = false, yes = true, ok;
	size_t i;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	KTAP_EXPECT(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	KTAP_EXPECT(hc_config_load(path, &cfg, noerr, NULL) == 0);
	unlink(path);
	if (cfg.n_services != 2) {
		KTAP_EXPECT(cfg.n_services == 2);
		return;
	}
	for (i = 0; i < 2; i++) {
		const struct hc_service_conf *conf = &cfg.services[i];
		bool udp = conf->svc.proto == IPPROTO_UDP;

		/* The kernel has it up; its check failed. */
		KTAP_EXPECT(hc_want_service(conf, &yes, NULL, &up, &ok) == 0);
		KTAP_EXPECT(hc_want_service(conf, &down, NULL, &want, &ok) == 0);
		KTAP_EXPECT(hc_plan_service(&p, &want, &up,
					    hc_plan_flags(conf)) == 0);
		KTAP_EXPECT(p.n == 1 && p.ops[0].kind == HC_OP_BE_SET &&
			    p.ops[0].be.state == NFLB_BACKEND_DOWN &&
			    p.ops[0].flush == udp);
		hc_plan_free(&p);
		/* Back up: no flush. */
		KTAP_EXPECT(hc_plan_service(&p, &up, &want,
					    hc_plan_flags(conf)) == 0);
		KTAP_EXPECT(p.n == 1 && p.ops[0].kind == HC_OP_BE_SET &&
			    p.ops[0].be.state == NFLB_BACKEND_UP &&
			    !p.ops[0].flush);
		hc_plan_free(&p);
		nflb_service_free(&want);
		nflb_service_free(&up);
	}
	hc_config_free(&cfg);
}

/*
 * A table size the file does not set is only for creating the service:
 * one that exists keeps its own (a new size would move its flows).
 */
static void test_keep_size(void)
{
	struct nflb_backend w[2] = { be(1, 1, 0), be(2, 1, 0) };
	struct nflb_backend h[1] = { be(1, 1, 0) };
	struct nflb_service want = svc(w, 2), have = svc(h, 1);
	struct hc_plan p = { 0 };
	char str[128];

	want.table_size = 4093;
	KTAP_EXPECT(hc_plan_service(&p, &want, NULL, HC_PLAN_KEEP_SIZE) == 0);
	KTAP_EXPECT(p.n == 1 && p.ops[0].kind == HC_OP_SVC_ADD &&
		    p.ops[0].svc.table_size == 4093);
	hc_plan_free(&p);
	/* The running service's 65537 stays, the new backend is added. */
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_KEEP_SIZE) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "+B2"));
	hc_plan_free(&p);
	/* Another option changed: set, with the size it has. */
	want.seed = 5;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, HC_PLAN_KEEP_SIZE) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "~S +B2"));
	KTAP_EXPECT(p.n == 2 && p.ops[0].svc.table_size == 65537 &&
		    p.ops[0].svc.seed == 5);
	hc_plan_free(&p);
	/* A size the file sets is applied. */
	want.seed = 0;
	KTAP_EXPECT(hc_plan_service(&p, &want, &have, 0) == 0);
	plan_str(&p, str, sizeof(str));
	KTAP_EXPECT(!strcmp(str, "~S +B2"));
	KTAP_EXPECT(p.n == 2 && p.ops[0].svc.table_size == 4093);
	hc_plan_free(&p);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_create_and_delete),
	KTAP_CASE(test_unchanged_sends_nothing),
	KTAP_CASE(test_reload_diff),
	KTAP_CASE(test_extra_and_state),
	KTAP_CASE(test_options),
	KTAP_CASE(test_snat_addr),
	KTAP_CASE(test_all_ports),
	KTAP_CASE(test_split),
	KTAP_CASE(test_describe),
	KTAP_CASE(test_flush_on_down),
	KTAP_CASE(test_flush_defaults),
	KTAP_CASE(test_keep_size),
};

KTAP_MAIN("hc_plan", cases)
