// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state, through pernet_operations and net_generic:
 * an idle netns costs one small allocation and nothing else.
 */

#include <net/netns/generic.h>

#include "netns.h"

static unsigned int nflb_net_id __read_mostly;

struct nflb_net *nflb_net(const struct net *net)
{
	return net_generic(net, nflb_net_id);
}

static int __net_init nflb_net_init(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);

	nn->net = net;
	mutex_init(&nn->lock);
	nn->n_services = 0;
	return 0;
}

static void __net_exit nflb_net_exit(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);

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
}
