// SPDX-License-Identifier: GPL-2.0
/* KUnit: the netns state the service and timeout suites share. */

#include <linux/rcupdate.h>
#include <net/net_namespace.h>

#include "fixture.h"
#include "service.h"

int nflb_test_net_init(struct kunit *test)
{
	struct nflb_net *nn;

	nn = kunit_kzalloc(test, sizeof(*nn), GFP_KERNEL);
	if (!nn)
		return -ENOMEM;
	nn->net = &init_net;
	mutex_init(&nn->lock);
	nflb_est_init(nn);
	if (nflb_service_table_init(nn))
		return -ENOMEM;
	test->priv = nn;
	return 0;
}

void nflb_test_net_exit(struct kunit *test)
{
	struct nflb_net *nn = test->priv;

	if (!nn)	/* nflb_test_net_init() failed */
		return;
	nflb_est_stop(nn);
	mutex_lock(&nn->lock);
	nflb_service_flush(nn);
	mutex_unlock(&nn->lock);
	nflb_service_table_destroy(nn);
	mutex_destroy(&nn->lock);
	/* Deleted services are freed after a grace period. */
	rcu_barrier();
}
