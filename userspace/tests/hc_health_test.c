// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's rise/fall state machine, and the wanted kernel state of a
 * service from its configuration and verdicts (failure mode, quorum,
 * sorry backend).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "health.h"
#include "want.h"

/* Feed a string of results ('+' ok, '-' failed); the transitions as 'U'/'D'. */
static void feed(struct hc_health *h, const char *results, uint32_t rise,
		 uint32_t fall, char *out)
{
	for (; *results; results++, out++)
		*out = hc_health_feed(h, *results == '+', rise, fall) ?
		       (h->up ? 'U' : 'D') : '.';
	*out = 0;
}

static void test_fall_after_consecutive_failures(void)
{
	struct hc_health h;
	char t[32];

	hc_health_init(&h, true);
	feed(&h, "--+---+", 2, 3, t);
	KTAP_EXPECT(!strcmp(t, ".....D."));
	KTAP_EXPECT(!h.up);
	KTAP_EXPECT(h.runs == 7);
}

static void test_rise_after_consecutive_successes(void)
{
	struct hc_health h;
	char t[32];

	hc_health_init(&h, false);
	feed(&h, "+-++", 2, 3, t);
	KTAP_EXPECT(!strcmp(t, "...U"));
	KTAP_EXPECT(h.up);
}

static void test_initial_state(void)
{
	struct hc_health h;
	char t[32];

	/* "alpha": up until proven down. */
	hc_health_init(&h, true);
	feed(&h, "+", 5, 1, t);
	KTAP_EXPECT(!strcmp(t, ".") && h.up);
	/* Down until RISE successes. */
	hc_health_init(&h, false);
	feed(&h, "+++", 3, 1, t);
	KTAP_EXPECT(!strcmp(t, "..U"));
}

static void test_rise_fall_one(void)
{
	struct hc_health h;
	char t[32];

	hc_health_init(&h, true);
	feed(&h, "-+-+", 1, 1, t);
	KTAP_EXPECT(!strcmp(t, "DUDU"));
	/* Zero is treated as one, never as "never". */
	hc_health_init(&h, true);
	feed(&h, "-", 0, 0, t);
	KTAP_EXPECT(!strcmp(t, "D"));
}

static void test_flapping_never_transitions(void)
{
	struct hc_health h;
	char t[64];

	hc_health_init(&h, true);
	feed(&h, "-+-+-+--+--+", 2, 3, t);
	KTAP_EXPECT(!strcmp(t, "............"));
	KTAP_EXPECT(h.up);
}

/* want */

static struct hc_service_conf conf3(struct hc_backend_conf *bes)
{
	struct hc_service_conf c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.svc.family = AF_INET;
	c.svc.proto = IPPROTO_TCP;
	c.svc.port = 80;
	inet_pton(AF_INET, "10.0.0.100", &c.svc.addr);
	for (i = 0; i < 3; i++) {
		memset(&bes[i], 0, sizeof(bes[i]));
		bes[i].be.family = AF_INET;
		bes[i].be.addr.v4.s_addr = htonl(0x0a000101 + i);
		bes[i].be.port = 80;
		bes[i].be.weight = i + 1;
		NFLB_SET(&bes[i].be, NFLB_BE_A_PORT);
		NFLB_SET(&bes[i].be, NFLB_BE_A_WEIGHT);
	}
	c.backends = bes;
	c.n_backends = 3;
	c.quorum = 1;
	c.sorry.family = AF_INET;
	c.sorry.addr.v4.s_addr = htonl(0x0a000909);
	c.sorry.port = 80;
	c.sorry.weight = 1;
	NFLB_SET(&c.sorry, NFLB_BE_A_PORT);
	return c;
}

static void test_want_down_and_drain(void)
{
	struct hc_backend_conf bes[3];
	struct hc_service_conf c = conf3(bes);
	bool up[3] = { true, false, true }, ok;
	struct nflb_service w;

	KTAP_EXPECT(hc_want_service(&c, up, NULL, &w, &ok) == 0);
	KTAP_EXPECT(ok && w.n_backends == 3);
	KTAP_EXPECT(w.backends[0].state == NFLB_BACKEND_UP &&
		    w.backends[0].weight == 1);
	KTAP_EXPECT(w.backends[1].state == NFLB_BACKEND_DOWN &&
		    w.backends[1].weight == 2);
	KTAP_EXPECT(NFLB_HAS(&w.backends[1], NFLB_BE_A_STATE) &&
		    NFLB_HAS(&w.backends[1], NFLB_BE_A_WEIGHT));
	nflb_service_free(&w);

	c.on_failure = HC_FAIL_DRAIN;
	KTAP_EXPECT(hc_want_service(&c, up, NULL, &w, &ok) == 0);
	KTAP_EXPECT(w.backends[1].state == NFLB_BACKEND_UP &&
		    w.backends[1].weight == 0);
	KTAP_EXPECT(w.backends[2].weight == 3);
	nflb_service_free(&w);
}

static void test_want_quorum_sorry(void)
{
	struct hc_backend_conf bes[3];
	struct hc_service_conf c = conf3(bes);
	bool none[3] = { false, false, false }, one[3] = { false, true, false };
	struct nflb_service w;
	bool ok;

	/* No sorry backend: losing quorum changes nothing else. */
	KTAP_EXPECT(hc_want_service(&c, none, NULL, &w, &ok) == 0);
	KTAP_EXPECT(!ok && w.n_backends == 3);
	nflb_service_free(&w);

	c.has_sorry = true;
	KTAP_EXPECT(hc_want_service(&c, none, NULL, &w, &ok) == 0);
	KTAP_EXPECT(!ok && w.n_backends == 4);
	KTAP_EXPECT(w.backends[3].addr.v4.s_addr == htonl(0x0a000909) &&
		    w.backends[3].state == NFLB_BACKEND_UP);
	nflb_service_free(&w);

	/* Quorum 2 with one healthy: it drains, the sorry backend serves. */
	c.quorum = 2;
	KTAP_EXPECT(hc_want_service(&c, one, NULL, &w, &ok) == 0);
	KTAP_EXPECT(!ok && w.n_backends == 4);
	KTAP_EXPECT(w.backends[1].state == NFLB_BACKEND_DRAIN);
	KTAP_EXPECT(w.backends[0].state == NFLB_BACKEND_DOWN);
	nflb_service_free(&w);

	/* Back at quorum: the sorry backend is not wanted any more. */
	c.quorum = 1;
	KTAP_EXPECT(hc_want_service(&c, one, NULL, &w, &ok) == 0);
	KTAP_EXPECT(ok && w.n_backends == 3 &&
		    w.backends[1].state == NFLB_BACKEND_UP);
	nflb_service_free(&w);
}

/*
 * Maintenance: drained at its weight whatever its verdict, and not counted
 * toward the quorum (as keepalived does not count a backend in
 * maintenance); with the quorum lost, the sorry backend serves and the
 * maintenance backend stays drained.
 */
static void test_want_maintenance(void)
{
	struct hc_backend_conf bes[3];
	struct hc_service_conf c = conf3(bes);
	bool up[3] = { true, false, true }, maint[3] = { true, true, false };
	bool none[3] = { false, false, false };
	struct nflb_service w;
	bool ok;

	KTAP_EXPECT(hc_want_counted(&c, up, NULL) == 2);
	KTAP_EXPECT(hc_want_counted(&c, up, none) == 2);
	KTAP_EXPECT(hc_want_counted(&c, up, maint) == 1);
	KTAP_EXPECT(hc_want_service(&c, up, maint, &w, &ok) == 0);
	KTAP_EXPECT(ok && w.n_backends == 3);
	/* Healthy or failed: drained, at its weight. */
	KTAP_EXPECT(w.backends[0].state == NFLB_BACKEND_DRAIN &&
		    w.backends[0].weight == 1);
	KTAP_EXPECT(w.backends[1].state == NFLB_BACKEND_DRAIN &&
		    w.backends[1].weight == 2);
	KTAP_EXPECT(NFLB_HAS(&w.backends[1], NFLB_BE_A_STATE) &&
		    NFLB_HAS(&w.backends[1], NFLB_BE_A_WEIGHT));
	KTAP_EXPECT(w.backends[2].state == NFLB_BACKEND_UP &&
		    w.backends[2].weight == 3);
	nflb_service_free(&w);
	/* on-failure drain makes no difference to it. */
	c.on_failure = HC_FAIL_DRAIN;
	KTAP_EXPECT(hc_want_service(&c, up, maint, &w, &ok) == 0);
	KTAP_EXPECT(w.backends[1].state == NFLB_BACKEND_DRAIN &&
		    w.backends[1].weight == 2);
	nflb_service_free(&w);
	c.on_failure = HC_FAIL_DOWN;

	/* Quorum 2: two healthy, one in maintenance: lost. */
	c.quorum = 2;
	KTAP_EXPECT(hc_want_service(&c, up, maint, &w, &ok) == 0);
	KTAP_EXPECT(!ok && w.n_backends == 3);
	nflb_service_free(&w);
	KTAP_EXPECT(hc_want_service(&c, up, none, &w, &ok) == 0);
	KTAP_EXPECT(ok);
	nflb_service_free(&w);
	c.has_sorry = true;
	KTAP_EXPECT(hc_want_service(&c, up, maint, &w, &ok) == 0);
	KTAP_EXPECT(!ok && w.n_backends == 4);
	KTAP_EXPECT(w.backends[0].state == NFLB_BACKEND_DRAIN &&
		    w.backends[2].state == NFLB_BACKEND_DRAIN &&
		    w.backends[3].state == NFLB_BACKEND_UP);
	nflb_service_free(&w);
}

/*
 * A VIP is announced for a service that the file announces, while it has a
 * usable backend and its quorum (the sorry backend does not count).
 */
static void test_want_announce(void)
{
	struct hc_backend_conf bes[3];
	struct hc_service_conf c = conf3(bes);

	KTAP_EXPECT(!hc_want_announce(&c, 3));		/* not announced */
	c.announce = true;
	KTAP_EXPECT(hc_want_announce(&c, 3) && hc_want_announce(&c, 1));
	KTAP_EXPECT(!hc_want_announce(&c, 0));
	c.quorum = 2;
	KTAP_EXPECT(hc_want_announce(&c, 2) && !hc_want_announce(&c, 1));
	c.has_sorry = true;			/* serves, but not announced */
	KTAP_EXPECT(!hc_want_announce(&c, 1));
	c.quorum = 0;				/* still needs one backend */
	KTAP_EXPECT(!hc_want_announce(&c, 0) && hc_want_announce(&c, 1));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_fall_after_consecutive_failures),
	KTAP_CASE(test_rise_after_consecutive_successes),
	KTAP_CASE(test_initial_state),
	KTAP_CASE(test_rise_fall_one),
	KTAP_CASE(test_flapping_never_transitions),
	KTAP_CASE(test_want_down_and_drain),
	KTAP_CASE(test_want_quorum_sorry),
	KTAP_CASE(test_want_maintenance),
	KTAP_CASE(test_want_announce),
};

KTAP_MAIN("hc_health", cases)
