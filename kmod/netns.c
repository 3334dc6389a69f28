// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state, through pernet_operations and net_generic.
 * Netfilter hooks are registered from the first service of a family on
 * (see hooks.c), so a netns that never had one costs a small allocation.
 */

#include <net/netns/generic.h>

#include "hooks.h"
#include "netns.h"
#include "service.h"

static unsigned int nflb_net_id __read_mostly;

struct nflb_net *nflb_net(const struct net *net)
{
	return net_generic(net, nflb_net_id);
}

static int __net_init nflb_net_init(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);
	int ret;

	nn->net = net;
	mutex_init(&nn->lock);
	INIT_LIST_HEAD(&nn->service_list);
	nflb_est_init(nn);
	ret = nflb_service_table_init(nn);
	if (ret)
		mutex_destroy(&nn->lock);
	return ret;
}

static void __net_exit nflb_net_exit(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);

	/* The estimator walks the services: stop it before they go. */
	nflb_est_stop(nn);
	mutex_lock(&nn->lock);
	nflb_service_flush(nn);
	nflb_hooks_put(nn, AF_INET);
	nflb_hooks_put(nn, AF_INET6);
	mutex_unlock(&nn->lock);
	nflb_service_table_destroy(nn);
	mutex_destroy(&nn->lock);
}

static struct pernet_operations nflb_net_ops = {
	.init = nflb_net_init,
	.exit = nflb_net_exit,
	.id = &nflb_net_id,
	.size = sizeof(struct nflb_net),
};

int __init nflb_netns_init(void)
{
	return register_pernet_subsys(&nflb_net_ops);
}

void nflb_netns_uninit(void)
{
	unregister_pernet_subsys(&nflb_net_ops);
	/* Objects freed by call_rcu() must be gone before the module is. */
	rcu_barrier();
}
