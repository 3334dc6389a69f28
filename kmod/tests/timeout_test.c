// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: per-service conntrack timeouts (kmod/service.c).  Seconds become
 * jiffies as conntrack can hold them (a deadline more than 2^31 jiffies
 * ahead expires at once), and a service whose timeouts are all set back
 * to 0 attaches no policy to new flows any more.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/limits.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <uapi/linux/nflb.h>

#include "fixture.h"
#include "service.h"

/* The largest timeout fits conntrack's signed 32-bit deadline at any HZ. */
static void nflb_tt_jiffies_clamped(struct kunit *test)
{
	static const unsigned int hzs[] = { 100, 250, 300, 1000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hzs); i++) {
		unsigned int j = nflb_timeout_jiffies(NFLB_TIMEOUT_MAX, hzs[i]);

		KUNIT_EXPECT_LE_MSG(test, j, (unsigned int)INT_MAX, "HZ=%u", hzs[i]);
		/* Large, not wrapped to a few jiffies: over 24 days. */
		KUNIT_EXPECT_GE_MSG(test, j / hzs[i], 24U * 86400, "HZ=%u", hzs[i]);
	}
	/* Below the bound, exact. */
	KUNIT_EXPECT_EQ(test, nflb_timeout_jiffies(600, 1000), 600000U);
	KUNIT_EXPECT_EQ(test, nflb_timeout_jiffies(2147483, 1000), 2147483000U);
	KUNIT_EXPECT_EQ(test, nflb_timeout_jiffies(2147484, 1000),
			(unsigned int)INT_MAX);
	KUNIT_EXPECT_EQ(test, nflb_timeout_jiffies(0, 1000), 0U);
}

static bool nflb_tt_has_policy(struct nflb_net *nn, struct nflb_service *svc)
{
	bool ret;

	mutex_lock(&nn->lock);
	ret = rcu_access_pointer(svc->ct_timeout) != NULL;
	mutex_unlock(&nn->lock);
	return ret;
}

/* timeout-udp 5, then 0: the service stops attaching a policy. */
static void nflb_tt_reset_drops_policy(struct kunit *test)
{
	struct nflb_svc_opts opts = {
		.table_size = 251,
		.hash = NFLB_HASH_5TUPLE,
		.timeout_udp = 5,
	};
	struct nflb_net *nn = test->priv;
	struct nflb_service *svc;
	struct nflb_svc_key key;
	int ret;

	if (!IS_ENABLED(CONFIG_NF_CONNTRACK_TIMEOUT))
		kunit_skip(test, "no CONFIG_NF_CONNTRACK_TIMEOUT");
	memset(&key, 0, sizeof(key));
	key.family = AF_INET;
	key.proto = IPPROTO_UDP;
	key.addr.ip = htonl(0xc0000201);	/* 192.0.2.1 */
	key.port = htons(53);

	mutex_lock(&nn->lock);
	svc = nflb_service_create(nn, &key, &opts, NULL, 0, NULL);
	ret = IS_ERR(svc) ? PTR_ERR(svc) : nflb_service_insert(nn, svc, NULL);
	if (ret && !IS_ERR(svc))
		nflb_service_destroy(nn, svc);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, nflb_tt_has_policy(nn, svc));

	opts.timeout_udp = 0;
	mutex_lock(&nn->lock);
	ret = nflb_service_set(nn, svc, &opts, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_FALSE_MSG(test, nflb_tt_has_policy(nn, svc),
			       "all timeouts 0, a policy is still attached");

	/* And a timeout again: a policy again. */
	opts.timeout_udp = 7;
	mutex_lock(&nn->lock);
	ret = nflb_service_set(nn, svc, &opts, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, nflb_tt_has_policy(nn, svc));
}

static struct kunit_case nflb_timeout_cases[] = {
	KUNIT_CASE(nflb_tt_jiffies_clamped),
	KUNIT_CASE(nflb_tt_reset_drops_policy),
	{}
};

static struct kunit_suite nflb_timeout_suite = {
	.name = "nflb_timeout",
	.init = nflb_test_net_init,
	.exit = nflb_test_net_exit,
	.test_cases = nflb_timeout_cases,
};

kunit_test_suite(nflb_timeout_suite);
