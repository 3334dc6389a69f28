// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of lbadm save and restore without a kernel: the restore
 * file's parser and its check against a model (errors with line numbers),
 * the requests planned from it (coalesced SERVICE_NEW, built into a buffer
 * and parsed back), and the save format of a synthetic configuration.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nflbnl.h"
#include "../lbadm/model.h"
#include "../lbadm/plan.h"
#include "../lbadm/save.h"
#include "../lbadm/script.h"

/*
 * The devices of a pretend netns: eth0 (2), eth1 (3), br0 (4) and its
 * altname br-alt (4); lo is not Ethernet; nothing else exists.
 */
static int fake_dev(const char *name, uint32_t *ifindex, char *msg,
		    size_t len)
{
	static const struct {
		const char *name;
		uint32_t ifindex;
	} devs[] = {
		{ "eth0", 2 }, { "eth1", 3 }, { "br0", 4 }, { "br-alt", 4 },
	};
	size_t i;

	*ifindex = 0;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (strcmp(devs[i].name, name) == 0) {
			*ifindex = devs[i].ifindex;
			return 0;
		}
	}
	if (strcmp(name, "lo") == 0)
		snprintf(msg, len, "\"lo\" is not an Ethernet device");
	else
		snprintf(msg, len, "no device \"%s\"", name);
	return -1;
}

static const struct lbadm_limits lim = { 251, 131071, fake_dev };

static struct nflb_service svc4(const char *addr, uint8_t proto,
				uint16_t port)
{
	struct nflb_service s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.proto = proto;
	s.port = port;
	inet_pton(AF_INET, addr, &s.addr);
	return s;
}

static struct nflb_backend be4(const char *addr, uint16_t port,
			       uint32_t weight, uint8_t state)
{
	struct nflb_backend b;

	memset(&b, 0, sizeof(b));
	b.family = AF_INET;
	inet_pton(AF_INET, addr, &b.addr);
	b.port = port;
	b.weight = weight;
	b.state = state;
	b.present = NFLB_BIT(NFLB_BE_A_PORT) | NFLB_BIT(NFLB_BE_A_WEIGHT) |
		    NFLB_BIT(NFLB_BE_A_STATE) | NFLB_BIT(NFLB_BE_A_SLOTS);
	return b;
}

/* Is MSG among the errors, exactly? */
static bool has_error(const struct lbadm_errors *e, const char *msg)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->v[i].msg, msg) == 0)
			return true;
	for (i = 0; i < e->n; i++)
		printf("    # error: %s\n", e->v[i].msg);
	return false;
}

/* Parse and check TEXT against MODEL; the number of errors. */
static int run(const char *text, struct lbadm_conf *model,
	       struct lbadm_script *s, struct lbadm_errors *e)
{
	int n, m;

	memset(e, 0, sizeof(*e));
	n = lbadm_script_parse("f", text, s, e);
	if (n < 0)
		return -1;
	m = lbadm_script_check("f", s, model, &lim, e);
	if (m < 0)
		return -1;
	lbadm_errors_sort(e);
	return n + m;
}

static void test_syntax_errors(void)
{
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	const char *text =
		"# a comment\n"
		"\n"
		"service add tcp 192.0.2.10:80 table-size x\n"
		"frobnicate all\n"
		"service show\n"
		"flush now\n"
		"   service add udp 192.0.2.10:53   # trailing comment\n"
		"backend add udp 192.0.2.10:53 10.0.0.1 weight 70000\n"
		"backend add udp 192.0.2.10:53 10.0.0.2:53 weight 2";

	lbadm_conf_init(&model);
	KTAP_EXPECT(run(text, &model, &s, &e) == 5);
	KTAP_EXPECT(e.n == 5);
	KTAP_EXPECT(has_error(&e, "f:3: invalid table-size \"x\" (a positive integer, a prime such as 65537)"));
	KTAP_EXPECT(has_error(&e, "f:4: unknown command \"frobnicate\" (service, backend, offload or flush)"));
	KTAP_EXPECT(has_error(&e, "f:5: \"service show\" does not change the configuration: only add, set and del in a restore file"));
	KTAP_EXPECT(has_error(&e, "f:6: flush: unexpected argument \"now\""));
	KTAP_EXPECT(has_error(&e, "f:8: invalid weight \"70000\" (0-65535)"));
	/* In line order. */
	KTAP_EXPECT(e.n == 5 && e.v[0].line == 3 && e.v[4].line == 8);
	/* The good lines were kept, with their numbers. */
	KTAP_EXPECT(s.n == 2 && s.lines[0].lineno == 7 &&
		    s.lines[1].lineno == 9);
	KTAP_EXPECT(s.lines[1].req.be.weight == 2);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

static void test_model_errors(void)
{
	struct nflb_service k = svc4("192.0.2.10", IPPROTO_TCP, 80);
	struct nflb_backend b = be4("10.0.0.1", 80, 1, NFLB_BACKEND_UP);
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	const char *text =
		"service add tcp 192.0.2.10:80\n"			/* 1: exists */
		"backend add tcp 192.0.2.99:80 10.0.0.1\n"		/* 2: no svc */
		"backend del tcp 192.0.2.10:80 10.0.0.2\n"		/* 3: no be */
		"backend add tcp 192.0.2.10:80 10.0.0.1:80\n"		/* 4: exists */
		"service add tcp 192.0.2.20:80\n"			/* 5 */
		"service del tcp 192.0.2.20:80\n"			/* 6 */
		"service add tcp 192.0.2.20:80 table-size 251\n"	/* 7: fine */
		"service set tcp 192.0.2.30:80 seed 1\n"		/* 8: no svc */
		"service add tcp 192.0.2.40:80 table-size 65536\n"	/* 9: prime */
		"backend set tcp 192.0.2.10:80 10.0.0.1 weight 5\n";	/* 10 */

	lbadm_conf_init(&model);
	k.n_backends = 1;
	k.backends = &b;
	KTAP_EXPECT(lbadm_conf_add(&model, &k) == 0);
	KTAP_EXPECT(run(text, &model, &s, &e) == 6);
	KTAP_EXPECT(has_error(&e, "f:1: service add tcp 192.0.2.10:80: service already exists"));
	KTAP_EXPECT(has_error(&e, "f:2: backend add tcp 192.0.2.99:80 10.0.0.1: no such service"));
	KTAP_EXPECT(has_error(&e, "f:3: backend del tcp 192.0.2.10:80 10.0.0.2: no such backend"));
	KTAP_EXPECT(has_error(&e, "f:4: backend add tcp 192.0.2.10:80 10.0.0.1:80: backend already exists"));
	KTAP_EXPECT(has_error(&e, "f:8: service set tcp 192.0.2.30:80: no such service"));
	KTAP_EXPECT(has_error(&e, "f:9: service add tcp 192.0.2.40:80: table-size 65536 is not a prime in 251..131071"));
	/* The model is what the script leaves. */
	k = svc4("192.0.2.20", IPPROTO_TCP, 80);
	KTAP_EXPECT(lbadm_conf_find(&model, &k) &&
		    lbadm_conf_find(&model, &k)->table_size == 251);
	k = svc4("192.0.2.10", IPPROTO_TCP, 80);
	KTAP_EXPECT(lbadm_conf_find(&model, &k) &&
		    lbadm_conf_find(&model, &k)->backends[0].weight == 5);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

static void test_flush_in_the_middle(void)
{
	struct nflb_service k = svc4("192.0.2.10", IPPROTO_TCP, 80);
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	const char *text =
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"
		"flush\n"
		"backend add tcp 192.0.2.10:80 10.0.0.2\n"	/* 3: gone */
		"service add tcp 192.0.2.10:80\n"		/* fine again */
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"	/* fine again */
		"backend del tcp 192.0.2.10:80 10.0.0.1\n"
		"backend del tcp 192.0.2.10:80 10.0.0.1\n";	/* 7: gone */

	lbadm_conf_init(&model);
	KTAP_EXPECT(lbadm_conf_add(&model, &k) == 0);
	KTAP_EXPECT(run(text, &model, &s, &e) == 2);
	KTAP_EXPECT(has_error(&e, "f:3: backend add tcp 192.0.2.10:80 10.0.0.2: no such service"));
	KTAP_EXPECT(has_error(&e, "f:7: backend del tcp 192.0.2.10:80 10.0.0.1: no such backend"));
	KTAP_EXPECT(lbadm_conf_find(&model, &k) &&
		    lbadm_conf_find(&model, &k)->n_backends == 0);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

/* Build ROP into a buffer, as a batch would send it. */
static struct nlmsghdr *build(char *buf, const struct lbadm_rop *rop)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, 1 << 16);
	nlh = nflb_msg_put_header(buf, 0x42, rop->cmd, 0);
	lbadm_rop_put(nlh, rop);
	return nlh;
}

static void test_coalescing(void)
{
	static char buf[1 << 16];
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	struct lbadm_plan p;
	struct nflb_service got;
	const struct genlmsghdr *g;
	const char *why;
	const char *text =
		"service add tcp 192.0.2.10:80 seed 7\n"
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"
		"backend add tcp 192.0.2.10:80 10.0.0.2:8080 weight 3\n"
		"backend add tcp 192.0.2.10:80 10.0.0.3 state drain\n"
		"service set tcp 192.0.2.10:80 hash source\n"
		"backend add tcp 192.0.2.10:80 10.0.0.4\n";

	lbadm_conf_init(&model);
	KTAP_EXPECT(run(text, &model, &s, &e) == 0);
	KTAP_EXPECT(lbadm_plan_script(&s, NFLB_BACKENDS_PER_MSG, &p) == 0);
	/* SERVICE_NEW with 3 backends, SERVICE_SET, BACKEND_NEW. */
	KTAP_EXPECT(p.n == 3);
	KTAP_EXPECT(p.rops[0].cmd == NFLB_CMD_SERVICE_NEW &&
		    p.rops[0].lineno == 1 && p.rops[0].svc.n_backends == 3);
	KTAP_EXPECT(p.rops[1].cmd == NFLB_CMD_SERVICE_SET &&
		    p.rops[1].lineno == 5);
	KTAP_EXPECT(p.rops[2].cmd == NFLB_CMD_BACKEND_NEW &&
		    p.rops[2].lineno == 6);

	/* The SERVICE_NEW as built, parsed back. */
	g = mnl_nlmsg_get_payload(build(buf, &p.rops[0]));
	KTAP_EXPECT(g->cmd == NFLB_CMD_SERVICE_NEW);
	KTAP_EXPECT(nflb_service_parse((struct nlmsghdr *)buf, &got, &why) == 1);
	KTAP_EXPECT(got.seed == 7 && NFLB_HAS(&got, NFLB_SVC_A_SEED));
	KTAP_EXPECT(got.port == 80 && got.proto == IPPROTO_TCP);
	KTAP_EXPECT(got.n_backends == 3);
	if (got.n_backends == 3) {
		struct nflb_backend b1 = be4("10.0.0.1", 0, 0, 0);
		struct nflb_backend b2 = be4("10.0.0.2", 0, 0, 0);

		KTAP_EXPECT(!memcmp(&got.backends[0].addr, &b1.addr, 4));
		KTAP_EXPECT(!NFLB_HAS(&got.backends[0], NFLB_BE_A_PORT));
		KTAP_EXPECT(!memcmp(&got.backends[1].addr, &b2.addr, 4));
		KTAP_EXPECT(got.backends[1].port == 8080 &&
			    got.backends[1].weight == 3);
		KTAP_EXPECT(got.backends[2].state == NFLB_BACKEND_DRAIN &&
			    NFLB_HAS(&got.backends[2], NFLB_BE_A_STATE) &&
			    !NFLB_HAS(&got.backends[2], NFLB_BE_A_WEIGHT));
	}
	nflb_service_free(&got);
	lbadm_plan_free(&p);

	/* At most 2 per SERVICE_NEW: the third goes alone, its line kept. */
	KTAP_EXPECT(lbadm_plan_script(&s, 2, &p) == 0);
	KTAP_EXPECT(p.n == 4);
	KTAP_EXPECT(p.rops[0].svc.n_backends == 2);
	KTAP_EXPECT(p.rops[1].cmd == NFLB_CMD_BACKEND_NEW &&
		    p.rops[1].lineno == 4 &&
		    p.rops[1].be.state == NFLB_BACKEND_DRAIN);
	build(buf, &p.rops[1]);
	KTAP_EXPECT(nflb_service_parse((struct nlmsghdr *)buf, &got, &why) == 1);
	KTAP_EXPECT(got.n_backends == 0);	/* the backend is NFLB_A_BACKEND */
	nflb_service_free(&got);
	lbadm_plan_free(&p);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

/* A request fits NFLB_BATCH_MSG_MAX even with IPv6 backends. */
static void test_largest_request(void)
{
	static char buf[1 << 17];
	struct nflb_service svc;
	struct nflb_backend *bes;
	struct nlmsghdr *nlh;
	size_t i;

	memset(&svc, 0, sizeof(svc));
	svc.family = AF_INET6;
	svc.proto = IPPROTO_TCP;
	svc.port = 80;
	memset(&svc.addr, 0x20, 16);
	svc.present = 0xffff & ~NFLB_BIT(NFLB_SVC_A_BACKENDS);
	bes = calloc(NFLB_BACKENDS_PER_MSG, sizeof(*bes));
	for (i = 0; bes && i < NFLB_BACKENDS_PER_MSG; i++) {
		bes[i].family = AF_INET6;
		memset(&bes[i].addr, 0xff, 16);
		bes[i].present = NFLB_BIT(NFLB_BE_A_PORT) |
				 NFLB_BIT(NFLB_BE_A_WEIGHT) |
				 NFLB_BIT(NFLB_BE_A_STATE);
	}
	svc.backends = bes;
	svc.n_backends = bes ? NFLB_BACKENDS_PER_MSG : 0;
	nlh = nflb_msg_put_header(buf, 0x42, NFLB_CMD_SERVICE_NEW, 0);
	nflb_service_msg(nlh, NFLB_CMD_SERVICE_NEW, &svc);
	KTAP_EXPECT(bes != NULL);
	KTAP_EXPECT(nlh->nlmsg_len <= NFLB_BATCH_MSG_MAX);
	free(bes);
}

static const char *saved =
	"service add tcp 192.0.2.10:80 table-size 251 hash source seed 42 snat\n"
	"backend add tcp 192.0.2.10:80 10.0.0.1:80 weight 2 state drain\n"
	"backend add tcp 192.0.2.10:80 10.0.0.1:81 weight 1 state up\n"
	"backend add tcp 192.0.2.10:80 10.0.0.9:80 weight 0 state down\n"
	"service add tcp 192.0.2.10:443 table-size 65537 hash 5tuple seed 0\n"
	"service add tcp 192.0.2.11:0 table-size 65537 hash 5tuple seed 0\n"
	"backend add tcp 192.0.2.11:0 10.0.0.5 weight 1 state up\n"
	"service add udp 192.0.2.9:53 table-size 65537 hash 5tuple seed 0\n"
	"service add tcp [2001:db8::1]:80 table-size 65537 hash 5tuple seed 18446744073709551615\n"
	"backend add tcp [2001:db8::1]:80 [2001:db8:2::1]:80 weight 1 state up\n";

static void opts(struct nflb_service *s, uint32_t size, uint8_t hash,
		 uint64_t seed, uint8_t snat)
{
	s->table_size = size;
	s->hash = hash;
	s->seed = seed;
	s->snat = snat;
	s->present |= NFLB_BIT(NFLB_SVC_A_FAMILY) | NFLB_BIT(NFLB_SVC_A_PROTO) |
		      NFLB_BIT(NFLB_SVC_A_ADDR) | NFLB_BIT(NFLB_SVC_A_PORT) |
		      NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
		      NFLB_BIT(NFLB_SVC_A_HASH) | NFLB_BIT(NFLB_SVC_A_SEED) |
		      NFLB_BIT(NFLB_SVC_A_SNAT) | NFLB_BIT(NFLB_SVC_A_STATS);
}

/* A configuration in scrambled order, as a dump could list it. */
static void synthetic(struct lbadm_conf *c)
{
	struct nflb_backend bes[3];
	struct nflb_service s;

	lbadm_conf_init(c);
	memset(&s, 0, sizeof(s));
	s.family = AF_INET6;
	s.proto = IPPROTO_TCP;
	s.port = 80;
	inet_pton(AF_INET6, "2001:db8::1", &s.addr);
	opts(&s, 65537, 0, UINT64_MAX, 0);
	bes[0] = be4("0.0.0.0", 80, 1, NFLB_BACKEND_UP);
	bes[0].family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:2::1", &bes[0].addr);
	s.backends = bes;
	s.n_backends = 1;
	lbadm_conf_add(c, &s);

	s = svc4("192.0.2.9", IPPROTO_UDP, 53);
	opts(&s, 65537, 0, 0, 0);
	lbadm_conf_add(c, &s);

	s = svc4("192.0.2.10", IPPROTO_TCP, 80);
	opts(&s, 251, NFLB_HASH_SOURCE, 42, 1);
	bes[0] = be4("10.0.0.9", 80, 0, NFLB_BACKEND_DOWN);
	bes[1] = be4("10.0.0.1", 81, 1, NFLB_BACKEND_UP);
	bes[2] = be4("10.0.0.1", 80, 2, NFLB_BACKEND_DRAIN);
	s.backends = bes;
	s.n_backends = 3;
	lbadm_conf_add(c, &s);

	s = svc4("192.0.2.11", IPPROTO_TCP, 0);
	opts(&s, 65537, 0, 0, 0);
	bes[0] = be4("10.0.0.5", 0, 1, NFLB_BACKEND_UP);
	s.backends = bes;
	s.n_backends = 1;
	lbadm_conf_add(c, &s);

	s = svc4("192.0.2.10", IPPROTO_TCP, 443);
	opts(&s, 65537, 0, 0, 0);
	lbadm_conf_add(c, &s);
}

static char *save_text(struct lbadm_conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	if (lbadm_save_write(f, c) < 0)
		printf("    # lbadm_save_write failed\n");
	fclose(f);
	return text;
}

static void test_save_format(void)
{
	struct lbadm_conf c, model;
	struct lbadm_script s;
	struct lbadm_errors e;
	char *text, *again;

	synthetic(&c);
	text = save_text(&c);
	KTAP_EXPECT(text && strcmp(text, saved) == 0);
	if (text && strcmp(text, saved))
		printf("    # got:\n%s", text);

	/* What save writes, restore takes: into an empty model, the same. */
	lbadm_conf_init(&model);
	KTAP_EXPECT(text && run(text, &model, &s, &e) == 0);
	again = save_text(&model);
	KTAP_EXPECT(again && text && strcmp(again, text) == 0);
	free(again);
	free(text);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
	lbadm_conf_free(&c);
}

static void test_rollback_plan(void)
{
	struct lbadm_conf c;
	struct lbadm_plan p;

	synthetic(&c);
	KTAP_EXPECT(lbadm_plan_conf(&c, 2, &p) == 0);
	/*
	 * FLUSH, 5 services sorted, the third backend of one alone, the
	 * offload devices (none: off).
	 */
	KTAP_EXPECT(p.n == 8);
	KTAP_EXPECT(p.n == 8 && p.rops[0].cmd == NFLB_CMD_FLUSH);
	KTAP_EXPECT(p.n == 8 && p.rops[1].cmd == NFLB_CMD_SERVICE_NEW &&
		    p.rops[1].svc.port == 80 &&
		    p.rops[1].svc.n_backends == 2 &&
		    p.rops[1].svc.backends[0].port == 80 &&
		    p.rops[1].svc.backends[1].port == 81);
	KTAP_EXPECT(p.n == 8 && p.rops[2].cmd == NFLB_CMD_BACKEND_NEW &&
		    p.rops[2].be.state == NFLB_BACKEND_DOWN);
	KTAP_EXPECT(p.n == 8 && p.rops[6].svc.family == AF_INET6);
	KTAP_EXPECT(p.n == 8 && p.rops[7].cmd == NFLB_CMD_OFFLOAD_SET &&
		    p.rops[7].offload->n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&c);
}

/* Many services: the index finds each one, deleted ones are gone. */
static void test_many_services(void)
{
	struct nflb_service s;
	struct lbadm_conf c;
	char addr[32];
	bool ok = true;
	int i;

	lbadm_conf_init(&c);
	for (i = 0; i < 20000; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 256, i % 256);
		s = svc4(addr, IPPROTO_TCP, 80);
		ok &= lbadm_conf_add(&c, &s) == 0;
	}
	KTAP_EXPECT(ok);
	for (i = 0; i < 20000; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 256, i % 256);
		s = svc4(addr, IPPROTO_TCP, 80);
		ok &= lbadm_conf_find(&c, &s) != NULL;
		s.port = 81;
		ok &= lbadm_conf_find(&c, &s) == NULL;
	}
	KTAP_EXPECT(ok);
	lbadm_conf_free(&c);
}

/*
 * The model keeps its services in libnflbnl's order whatever the order
 * they come in; a deleted one is gone, one added again replaces it.
 */
static void test_model_order(void)
{
	struct nflb_backend b = be4("10.0.0.1", 0, 1, NFLB_BACKEND_UP);
	struct lbadm_conf c, copy;
	struct nflb_service s, *f;
	char addr[32];
	bool ok = true;
	int i;

	lbadm_conf_init(&c);
	/* Backwards, then the odd ones again (replacing them). */
	for (i = 2000; i >= 0; i--) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		s = svc4(addr, i % 3 ? IPPROTO_TCP : IPPROTO_UDP, 80);
		ok &= lbadm_conf_add(&c, &s) == 0;
	}
	for (i = 1; i <= 2000; i += 2) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		s = svc4(addr, i % 3 ? IPPROTO_TCP : IPPROTO_UDP, 80);
		s.seed = i;
		ok &= lbadm_conf_add(&c, &s) == 0;
	}
	KTAP_EXPECT(ok && c.n == 2001);
	for (i = 1; i < (int)c.n; i++)
		ok &= nflb_service_cmp(c.v[i - 1], c.v[i]) < 0;
	KTAP_EXPECT(ok);
	s = svc4("10.0.0.7", IPPROTO_TCP, 80);
	f = lbadm_conf_find(&c, &s);
	KTAP_EXPECT(f && f->seed == 7);
	lbadm_conf_del(&c, f);
	KTAP_EXPECT(c.n == 2000 && !lbadm_conf_find(&c, &s));
	/* A backend without a port takes the service's, found either way. */
	b.present &= ~NFLB_BIT(NFLB_BE_A_PORT);
	KTAP_EXPECT(lbadm_conf_add(&c, &s) == 0);
	f = lbadm_conf_find(&c, &s);
	KTAP_EXPECT(f && lbadm_conf_add_backend(f, &b) == 0);
	KTAP_EXPECT(f && f->n_backends == 1 && f->backends[0].port == 80 &&
		    NFLB_HAS(&f->backends[0], NFLB_BE_A_PORT));
	b.port = 80;
	KTAP_EXPECT(f && lbadm_conf_backend(f, &b) == &f->backends[0]);
	KTAP_EXPECT(lbadm_conf_copy(&copy, &c) == 0 && copy.n == c.n);
	f = lbadm_conf_find(&copy, &s);
	KTAP_EXPECT(f && f != lbadm_conf_find(&c, &s) && f->n_backends == 1);
	lbadm_conf_clear(&c);
	KTAP_EXPECT(c.n == 0 && !lbadm_conf_find(&c, &s) && copy.n == 2001);
	lbadm_conf_free(&copy);
	lbadm_conf_free(&c);
}

/* Sync (restore --sync) */

/* C: the configuration TEXT describes (a file restored into nothing). */
static bool conf_of(const char *text, struct lbadm_conf *c)
{
	struct lbadm_script s;
	struct lbadm_errors e;
	int n;

	lbadm_conf_init(c);
	n = run(text, c, &s, &e);
	if (n)
		has_error(&e, "");	/* print them */
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_fill_defaults(c, 4093);
	return n == 0;
}

/* P's requests, described one a line ("service set tcp ...\n"...). */
static char *plan_text(const struct lbadm_plan *p)
{
	char *text = NULL, what[256];
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (i = 0; i < p->n; i++)
		fprintf(f, "%s\n", lbadm_rop_describe(&p->rops[i], what,
						      sizeof(what)));
	fclose(f);
	return text;
}

/*
 * Carry out P on C as the kernel would: each request as the restore line
 * that sends it, checked against C (an error fails).  0 or -1.
 */
static int apply_plan(struct lbadm_conf *c, const struct lbadm_plan *p)
{
	static const enum lbadm_op ops[] = {
		[NFLB_CMD_SERVICE_NEW] = LBADM_OP_ADD,
		[NFLB_CMD_SERVICE_SET] = LBADM_OP_SET,
		[NFLB_CMD_SERVICE_DEL] = LBADM_OP_DEL,
		[NFLB_CMD_BACKEND_NEW] = LBADM_OP_ADD,
		[NFLB_CMD_BACKEND_SET] = LBADM_OP_SET,
		[NFLB_CMD_BACKEND_DEL] = LBADM_OP_DEL,
	};
	struct lbadm_script s = { 0 };
	struct lbadm_errors e = { 0 };
	const struct lbadm_rop *r;
	struct lbadm_line *l;
	size_t i, j;
	int n;

	for (i = 0; i < p->n; i++) {
		r = &p->rops[i];
		l = NFLB_ARRAY_PUSH(s.lines, s.n, s.cap);
		if (!l)
			return -1;
		if (r->cmd == NFLB_CMD_OFFLOAD_SET) {
			c->offload = *r->offload;
			s.n--;
			continue;
		}
		l->lineno = i + 1;
		l->kind = r->cmd <= NFLB_CMD_SERVICE_DEL &&
			  r->cmd >= NFLB_CMD_SERVICE_NEW ?
			  LBADM_LINE_SERVICE : LBADM_LINE_BACKEND;
		l->req.op = ops[r->cmd];
		l->req.group = l->kind == LBADM_LINE_SERVICE ? "service" :
							      "backend";
		l->req.op_name = "?";
		l->req.has_key = true;
		l->req.svc = r->svc;
		l->req.svc.backends = NULL;
		l->req.svc.n_backends = 0;
		l->req.be = r->be;
		for (j = 0; j < r->svc.n_backends; j++) {
			l = NFLB_ARRAY_PUSH(s.lines, s.n, s.cap);
			if (!l)
				return -1;
			l->lineno = i + 1;
			l->kind = LBADM_LINE_BACKEND;
			l->req.op = LBADM_OP_ADD;
			l->req.group = "backend";
			l->req.op_name = "add";
			l->req.has_key = true;
			l->req.svc = r->svc;
			l->req.svc.backends = NULL;
			l->req.svc.n_backends = 0;
			l->req.be = r->svc.backends[j];
		}
	}
	n = lbadm_script_check("plan", &s, c, &lim, &e);
	if (n)
		has_error(&e, "");
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	return n ? -1 : 0;
}

static const char sync_have[] =
	"service add tcp 192.0.2.10:80 table-size 4093 hash 5tuple seed 0\n"
	"backend add tcp 192.0.2.10:80 10.0.0.1:80 weight 1 state up\n"
	"backend add tcp 192.0.2.10:80 10.0.0.2:80 weight 1 state up\n"
	"service add tcp 192.0.2.20:80 table-size 251 seed 9 timeout-tcp 600\n"
	"backend add tcp 192.0.2.20:80 10.0.0.1:80 weight 1 state up\n"
	"backend add tcp 192.0.2.20:80 10.0.0.3:80 weight 2 state drain\n"
	"service add udp 192.0.2.30:53 table-size 251\n"
	"backend add udp 192.0.2.30:53 10.0.0.1:53\n";

/* The same configuration, written otherwise: nothing to do. */
static void test_sync_unchanged(void)
{
	const char *same =
		"service add udp 192.0.2.30:53 table-size 251 timeout-udp 0 no-snat\n"
		"backend add udp 192.0.2.30:53 10.0.0.1 weight 1\n"
		"service add tcp 192.0.2.20:80 timeout-tcp 600 table-size 251 seed 9 hash 5tuple\n"
		"backend add tcp 192.0.2.20:80 10.0.0.3 weight 2 state drain\n"
		"backend add tcp 192.0.2.20:80 10.0.0.1\n"
		"service add tcp 192.0.2.10:80\n"
		"backend add tcp 192.0.2.10:80 10.0.0.2 state up\n"
		"backend add tcp 192.0.2.10:80 10.0.0.1\n";
	struct lbadm_conf have, want;
	struct lbadm_plan p;

	KTAP_EXPECT(conf_of(sync_have, &have));
	KTAP_EXPECT(conf_of(same, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	KTAP_EXPECT(p.n == 0);
	lbadm_plan_free(&p);
	/* After a flush, a file describes nothing: every service goes. */
	lbadm_conf_free(&want);
	KTAP_EXPECT(conf_of("service add tcp 192.0.2.99:80\nflush\n", &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	KTAP_EXPECT(p.n == 3 && p.rops[0].cmd == NFLB_CMD_SERVICE_DEL &&
		    p.rops[2].cmd == NFLB_CMD_SERVICE_DEL);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

/*
 * One service unchanged, one changed, one gone, one new: requests for the
 * differences only, in order, and the result is what the file says.
 */
static void test_sync_changes(void)
{
	const char *file =
		"service add tcp 192.0.2.10:80\n"		/* unchanged */
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"
		"backend add tcp 192.0.2.10:80 10.0.0.2\n"
		"service add tcp 192.0.2.20:80 table-size 251 seed 5 timeout-tcp 600\n"
		"backend add tcp 192.0.2.20:80 10.0.0.1 weight 3\n"
		"backend add tcp 192.0.2.20:80 10.0.0.4\n"
		"service add tcp 192.0.2.40:80 table-size 251 snat timeout-tcp-fin 30\n"
		"backend add tcp 192.0.2.40:80 10.0.0.5 state down\n"
		"backend add tcp 192.0.2.40:80 10.0.0.6\n";
	const char *want_plan =
		"service del udp 192.0.2.30:53\n"
		"service set tcp 192.0.2.20:80\n"
		"backend del tcp 192.0.2.20:80 10.0.0.3:80\n"
		"backend set tcp 192.0.2.20:80 10.0.0.1:80\n"
		"backend add tcp 192.0.2.20:80 10.0.0.4:80\n"
		"service add tcp 192.0.2.40:80\n";
	struct lbadm_conf have, want;
	char *text, *a, *b;
	struct lbadm_plan p;
	size_t i;

	KTAP_EXPECT(conf_of(sync_have, &have));
	KTAP_EXPECT(conf_of(file, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	text = plan_text(&p);
	KTAP_EXPECT(text && strcmp(text, want_plan) == 0);
	if (text && strcmp(text, want_plan))
		printf("    # got:\n%s", text);
	free(text);
	if (p.n == 6) {
		/* The set carries the one option that changed. */
		KTAP_EXPECT(p.rops[1].svc.present ==
			    NFLB_BIT(NFLB_SVC_A_SEED) &&
			    p.rops[1].svc.seed == 5);
		KTAP_EXPECT(p.rops[3].be.weight == 3 &&
			    p.rops[3].be.state == NFLB_BACKEND_UP);
		/* A new service: its options but zero timeouts, backends. */
		KTAP_EXPECT(p.rops[5].svc.n_backends == 2 &&
			    p.rops[5].svc.snat == 1 &&
			    p.rops[5].svc.timeout_tcp_fin == 30 &&
			    NFLB_HAS(&p.rops[5].svc, NFLB_SVC_A_TABLE_SIZE) &&
			    NFLB_HAS(&p.rops[5].svc, NFLB_SVC_A_SEED) &&
			    !NFLB_HAS(&p.rops[5].svc, NFLB_SVC_A_TIMEOUT_TCP));
		KTAP_EXPECT(p.rops[5].svc.n_backends == 2 &&
			    p.rops[5].svc.backends[0].state ==
			    NFLB_BACKEND_DOWN);
	}
	/* Tags: each request's index, plus one. */
	for (i = 0; i < p.n; i++)
		KTAP_EXPECT(p.rops[i].lineno == i + 1);
	/* Carried out, the kernel saves what the file describes. */
	KTAP_EXPECT(apply_plan(&have, &p) == 0);
	lbadm_conf_fill_defaults(&have, 4093);
	a = save_text(&have);
	b = save_text(&want);
	KTAP_EXPECT(a && b && strcmp(a, b) == 0);
	if (a && b && strcmp(a, b))
		printf("    # have:\n%s    # want:\n%s", a, b);
	free(a);
	free(b);
	lbadm_plan_free(&p);
	/* And a second sync has nothing left to do. */
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0 && p.n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

/*
 * An option the file leaves out is the default, whatever the kernel has:
 * table size (the default's, 4093 here), timeouts back to 0 (sent as 0,
 * and only those of the service's protocol).
 */
static void test_sync_defaults(void)
{
	const char *have_text =
		"service add tcp 192.0.2.10:80 table-size 65537 hash source\n"
		"service add udp 192.0.2.30:53 table-size 251 timeout-udp 30\n";
	const char *file =
		"service add tcp 192.0.2.10:80\n"
		"service add udp 192.0.2.30:53 table-size 251\n";
	struct lbadm_conf have, want;
	struct lbadm_plan p;

	KTAP_EXPECT(conf_of(have_text, &have));
	KTAP_EXPECT(conf_of(file, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	KTAP_EXPECT(p.n == 2);
	if (p.n == 2) {
		KTAP_EXPECT(p.rops[0].cmd == NFLB_CMD_SERVICE_SET &&
			    p.rops[0].svc.present ==
			    (NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) |
			     NFLB_BIT(NFLB_SVC_A_HASH)) &&
			    p.rops[0].svc.table_size == 4093 &&
			    p.rops[0].svc.hash == NFLB_HASH_5TUPLE);
		KTAP_EXPECT(p.rops[1].cmd == NFLB_CMD_SERVICE_SET &&
			    p.rops[1].svc.present ==
			    NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP) &&
			    p.rops[1].svc.timeout_udp == 0);
	}
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

/* A new service's backends beyond one message follow as BACKEND_NEW. */
static void test_sync_split(void)
{
	const char *file =
		"service add tcp 192.0.2.50:80\n"
		"backend add tcp 192.0.2.50:80 10.0.0.3\n"
		"backend add tcp 192.0.2.50:80 10.0.0.1\n"
		"backend add tcp 192.0.2.50:80 10.0.0.2\n";
	struct lbadm_conf have, want;
	struct lbadm_plan p;

	lbadm_conf_init(&have);
	KTAP_EXPECT(conf_of(file, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 2, &p) == 0);
	KTAP_EXPECT(p.n == 2);
	if (p.n == 2) {
		KTAP_EXPECT(p.rops[0].cmd == NFLB_CMD_SERVICE_NEW &&
			    p.rops[0].svc.n_backends == 2 &&
			    p.rops[0].lineno == 1);
		KTAP_EXPECT(p.rops[1].cmd == NFLB_CMD_BACKEND_NEW &&
			    p.rops[1].be.addr.raw[3] == 3 &&
			    p.rops[1].lineno == 2);
	}
	KTAP_EXPECT(apply_plan(&have, &p) == 0 && have.n == 1 &&
		    have.v[0]->n_backends == 3);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

/*
 * The forwarding method is an option like the others: a service whose
 * method differs is set (with snat off in the same request, which a DSR
 * method needs), and a new service keeps its own.
 */
static void test_sync_forward(void)
{
	const char *have_text =
		"service add tcp 192.0.2.10:80 table-size 251 snat\n"
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"
		"service add udp 192.0.2.30:53 table-size 251 forward gre\n"
		"backend add udp 192.0.2.30:53 10.0.0.1\n";
	const char *file =
		"service add tcp 192.0.2.10:80 table-size 251 forward ipip\n"
		"backend add tcp 192.0.2.10:80 10.0.0.1\n"
		"service add udp 192.0.2.30:53 table-size 251\n"
		"backend add udp 192.0.2.30:53 10.0.0.1\n"
		"service add tcp 192.0.2.60:80 table-size 251 forward gre\n"
		"backend add tcp 192.0.2.60:80 10.0.0.2\n";
	struct lbadm_conf have, want;
	struct lbadm_plan p;
	char *a, *b;

	KTAP_EXPECT(conf_of(have_text, &have));
	KTAP_EXPECT(conf_of(file, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	KTAP_EXPECT(p.n == 3);
	if (p.n == 3) {
		KTAP_EXPECT(p.rops[0].cmd == NFLB_CMD_SERVICE_SET &&
			    p.rops[0].svc.proto == IPPROTO_TCP &&
			    p.rops[0].svc.present ==
			    (NFLB_BIT(NFLB_SVC_A_SNAT) |
			     NFLB_BIT(NFLB_SVC_A_FORWARD)) &&
			    p.rops[0].svc.forward == NFLB_FORWARD_IPIP &&
			    p.rops[0].svc.snat == 0);
		KTAP_EXPECT(p.rops[1].cmd == NFLB_CMD_SERVICE_SET &&
			    p.rops[1].svc.present ==
			    NFLB_BIT(NFLB_SVC_A_FORWARD) &&
			    p.rops[1].svc.forward == NFLB_FORWARD_NAT);
		KTAP_EXPECT(p.rops[2].cmd == NFLB_CMD_SERVICE_NEW &&
			    NFLB_HAS(&p.rops[2].svc, NFLB_SVC_A_FORWARD) &&
			    p.rops[2].svc.forward == NFLB_FORWARD_GRE);
	}
	KTAP_EXPECT(apply_plan(&have, &p) == 0);
	lbadm_conf_fill_defaults(&have, 4093);
	a = save_text(&have);
	b = save_text(&want);
	KTAP_EXPECT(a && b && strcmp(a, b) == 0);
	if (a && b && strcmp(a, b))
		printf("    # have:\n%s    # want:\n%s", a, b);
	free(a);
	free(b);
	lbadm_plan_free(&p);
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0 && p.n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

/* The top-level attribute TYPE of a request, or NULL. */
static const struct nlattr *top_attr(const struct nlmsghdr *nlh,
				     uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

/* Offload lines: parsed, their devices checked, errors by line. */
static void test_offload_parse(void)
{
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	const char *text =
		"offload dev eth0 dev br0\n"
		"offload show\n"
		"offload\n"
		"offload dev\n"
		"offload dev eth0 frob\n"
		"offload dev eth0 dev eth0\n"
		"offload dev nosuch\n"
		"offload dev lo\n"
		"offload dev br0 dev br-alt\n"
		"offload dev a dev b dev c dev d dev e dev f dev g dev h "
		"dev i dev j dev k dev l dev m dev n dev o dev p dev q\n"
		"offload dev eth1\n";

	lbadm_conf_init(&model);
	KTAP_EXPECT(run(text, &model, &s, &e) == 9);
	KTAP_EXPECT(has_error(&e, "f:2: \"offload show\" does not change the configuration: only \"offload dev NAME...\" and \"offload off\" in a restore file"));
	KTAP_EXPECT(has_error(&e, "f:3: \"offload\" does not change the configuration: only \"offload dev NAME...\" and \"offload off\" in a restore file"));
	KTAP_EXPECT(has_error(&e, "f:4: offload: \"dev\" needs a device name"));
	KTAP_EXPECT(has_error(&e, "f:5: offload: unexpected \"frob\", want \"dev NAME\", \"off\" or \"show\""));
	KTAP_EXPECT(has_error(&e, "f:6: offload: device \"eth0\" listed twice"));
	KTAP_EXPECT(has_error(&e, "f:7: offload: no device \"nosuch\""));
	KTAP_EXPECT(has_error(&e, "f:8: offload: \"lo\" is not an Ethernet device"));
	KTAP_EXPECT(has_error(&e, "f:9: offload: \"br0\" and \"br-alt\" are the same device"));
	KTAP_EXPECT(has_error(&e, "f:10: offload: at most 16 devices"));
	/* The good lines: the model ends with the last one's devices. */
	KTAP_EXPECT(s.n == 5 && s.lines[0].kind == LBADM_LINE_OFFLOAD &&
		    s.lines[4].lineno == 11);
	KTAP_EXPECT(model.offload.n == 1 && model.offload.ifindex[0] == 3 &&
		    strcmp(model.offload.name[0], "eth1") == 0);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

/*
 * A plain restore sends each offload line where it is, as OFFLOAD_SET with
 * the devices' ifindexes; "offload off" sends none; flush keeps them.
 */
static void test_offload_plan(void)
{
	static char buf[1 << 16];
	struct lbadm_conf model;
	struct lbadm_script s;
	struct lbadm_errors e;
	struct lbadm_plan p;
	const struct nlattr *nest, *a;
	uint32_t got[4];
	size_t n = 0;
	char what[128];
	const char *text =
		"service add tcp 192.0.2.10:80\n"
		"offload dev eth1 dev eth0\n"
		"flush\n"
		"offload off\n";

	lbadm_conf_init(&model);
	KTAP_EXPECT(run(text, &model, &s, &e) == 0);
	KTAP_EXPECT(model.offload.n == 0 && model.n == 0);
	KTAP_EXPECT(lbadm_plan_script(&s, NFLB_BACKENDS_PER_MSG, &p) == 0);
	KTAP_EXPECT(p.n == 4 && p.rops[1].cmd == NFLB_CMD_OFFLOAD_SET &&
		    p.rops[1].lineno == 2 &&
		    p.rops[3].cmd == NFLB_CMD_OFFLOAD_SET &&
		    p.rops[3].offload->n == 0);
	if (p.n == 4) {
		KTAP_EXPECT(strcmp(lbadm_rop_describe(&p.rops[1], what,
						      sizeof(what)),
				   "offload dev eth1 dev eth0") == 0);
		KTAP_EXPECT(strcmp(lbadm_rop_describe(&p.rops[3], what,
						      sizeof(what)),
				   "offload off") == 0);
		/* The request as built: NFLB_A_OFFLOAD with 3 then 2. */
		build(buf, &p.rops[1]);
		nest = top_attr((struct nlmsghdr *)buf, NFLB_A_OFFLOAD);
		KTAP_EXPECT(nest != NULL);
		if (nest)
			mnl_attr_for_each_nested(a, nest)
				if (mnl_attr_get_type(a) == NFLB_OFFLOAD_A_DEV &&
				    n < 4)
					got[n++] = mnl_attr_get_u32(a);
		KTAP_EXPECT(n == 2 && got[0] == 3 && got[1] == 2);
		/* Off: the nest, empty. */
		build(buf, &p.rops[3]);
		nest = top_attr((struct nlmsghdr *)buf, NFLB_A_OFFLOAD);
		KTAP_EXPECT(nest && mnl_attr_get_payload_len(nest) == 0);
	}
	lbadm_plan_free(&p);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);
}

/* save writes the devices first; restore reads them back the same. */
static void test_offload_save(void)
{
	struct lbadm_conf c, model;
	struct lbadm_script s;
	struct lbadm_errors e;
	struct lbadm_plan p;
	char *text, *again;

	synthetic(&c);
	c.offload.n = 2;
	c.offload.ifindex[0] = 4;
	c.offload.ifindex[1] = 2;
	strcpy(c.offload.name[0], "br0");
	strcpy(c.offload.name[1], "eth0");
	text = save_text(&c);
	KTAP_EXPECT(text && strncmp(text, "offload dev br0 dev eth0\n", 25) == 0 &&
		    strcmp(text + 25, saved) == 0);
	lbadm_conf_init(&model);
	KTAP_EXPECT(text && run(text, &model, &s, &e) == 0);
	KTAP_EXPECT(lbadm_offload_same(&model.offload, &c.offload));
	again = save_text(&model);
	KTAP_EXPECT(again && text && strcmp(again, text) == 0);
	free(again);
	free(text);
	lbadm_script_free(&s);
	lbadm_errors_free(&e);
	lbadm_conf_free(&model);

	/* The rollback puts the devices back after the services. */
	KTAP_EXPECT(lbadm_plan_conf(&c, 2, &p) == 0);
	KTAP_EXPECT(p.n == 8 && p.rops[7].cmd == NFLB_CMD_OFFLOAD_SET &&
		    lbadm_offload_same(p.rops[7].offload, &c.offload));
	lbadm_plan_free(&p);
	/* Off: no offload line. */
	c.offload.n = 0;
	text = save_text(&c);
	KTAP_EXPECT(text && strcmp(text, saved) == 0);
	free(text);
	lbadm_conf_free(&c);
}

/*
 * --sync: OFFLOAD_SET first, only when the devices differ as sets; a file
 * without an offload line turns offload off.
 */
static void test_offload_sync(void)
{
	const char *on = "offload dev eth0 dev br0\n"
			 "service add tcp 192.0.2.10:80\n";
	const char *reordered = "service add tcp 192.0.2.10:80\n"
				"offload dev br-alt dev eth0\n";
	const char *none = "service add tcp 192.0.2.10:80\n";
	const char *other = "offload dev eth1\n"
			    "service add tcp 192.0.2.20:80\n";
	struct lbadm_conf have, want;
	struct lbadm_plan p;
	char *plan;

	KTAP_EXPECT(conf_of(on, &have));
	KTAP_EXPECT(conf_of(reordered, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0 && p.n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);

	KTAP_EXPECT(conf_of(none, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	plan = plan_text(&p);
	KTAP_EXPECT(plan && strcmp(plan, "offload off\n") == 0);
	free(plan);
	KTAP_EXPECT(apply_plan(&have, &p) == 0 && have.offload.n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);

	/* From off: on, first, before the services' changes. */
	KTAP_EXPECT(conf_of(other, &want));
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0);
	plan = plan_text(&p);
	KTAP_EXPECT(plan && strcmp(plan, "offload dev eth1\n"
				   "service del tcp 192.0.2.10:80\n"
				   "service add tcp 192.0.2.20:80\n") == 0);
	free(plan);
	KTAP_EXPECT(apply_plan(&have, &p) == 0 &&
		    lbadm_offload_same(&have.offload, &want.offload));
	lbadm_plan_free(&p);
	KTAP_EXPECT(lbadm_plan_sync(&have, &want, 100, &p) == 0 && p.n == 0);
	lbadm_plan_free(&p);
	lbadm_conf_free(&want);
	lbadm_conf_free(&have);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_syntax_errors),
	KTAP_CASE(test_model_errors),
	KTAP_CASE(test_flush_in_the_middle),
	KTAP_CASE(test_coalescing),
	KTAP_CASE(test_largest_request),
	KTAP_CASE(test_save_format),
	KTAP_CASE(test_rollback_plan),
	KTAP_CASE(test_many_services),
	KTAP_CASE(test_model_order),
	KTAP_CASE(test_sync_unchanged),
	KTAP_CASE(test_sync_changes),
	KTAP_CASE(test_sync_defaults),
	KTAP_CASE(test_sync_split),
	KTAP_CASE(test_sync_forward),
	KTAP_CASE(test_offload_parse),
	KTAP_CASE(test_offload_plan),
	KTAP_CASE(test_offload_save),
	KTAP_CASE(test_offload_sync),
};

KTAP_MAIN("restore", cases)
