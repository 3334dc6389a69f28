// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state, through pernet_operations and net_generic,
 * and the one place that decides when a netns's netfilter hooks are
 * registered: the NAT path's from its first NAT service of a family on,
 * the DSR path's from its first DSR service, so that a netns that never
 * had one costs a small allocation and a DSR-only one no conntrack.
 *
 * Calls go one way.  main.c starts the netlink layer (netlink.c, nl_*.c)
 * and netns.c.  The netlink layer reads and changes services through
 * service.c, and adds them through netns.c.  netns.c alone calls hooks.c
 * (register, unregister) and tears services down at netns exit.  hooks.c,
 * the packet path, only looks services up (service.c, under RCU);
 * service.c builds tables with maglev.c and counts with stats.c.  All of
 * them share struct nflb_net (netns.h), changed under nflb_net::lock.
 */

#include <linux/netlink.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"
#include "hooks.h"
#include "netns.h"
#include "offload.h"
#include "service.h"
#include "synproxy.h"

unsigned int nflb_net_id __read_mostly;

static bool *nflb_net_hooked(struct nflb_net *nn, u8 family)
{
	return &nn->hooked[family == AF_INET ? 0 : 1];
}

/*
 * The NAT and counting hooks, with conntrack, are registered with the
 * first NAT service of a family in a netns (a DSR service needs none of
 * them: its packets leave before conntrack, and the encapsulated copies
 * would only pay for them) and stay until the netns goes (or the module is
 * unloaded), not only while services exist: nf_nat translates a flow's
 * later packets only while a NAT lookup function of the netns is
 * registered, so unregistering with the last service would cut the flows
 * it leaves in conntrack.  Returns 1 when this call registered them, 0
 * when they were, or an error.
 */
int nflb_net_hook(struct nflb_net *nn, u8 family,
		  struct netlink_ext_ack *extack)
{
	bool *hooked = nflb_net_hooked(nn, family);
	int ret;

	lockdep_assert_held(&nn->lock);
	if (*hooked)
		return 0;
	ret = nflb_hooks_register(nn->net, family);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hooks");
		return ret;
	}
	*hooked = true;
	return 1;
}

static void nflb_net_unhook(struct nflb_net *nn, u8 family)
{
	bool *hooked = nflb_net_hooked(nn, family);

	lockdep_assert_held(&nn->lock);
	if (!*hooked)
		return;
	nflb_hooks_unregister(nn->net, family);
	*hooked = false;
}

/*
 * A new service with the backends BES, its family hooked first if it is
 * the first NAT service of its family.  All or nothing: on error no
 * service exists and the hooks are as they were.
 */
int nflb_net_service_add(struct nflb_net *nn, const struct nflb_svc_key *key,
			 const struct nflb_svc_opts *opts,
			 const struct nflb_be_spec *bes, unsigned int n_bes,
			 struct netlink_ext_ack *extack)
{
	struct nflb_service *svc;
	int hooked, ret;

	lockdep_assert_held(&nn->lock);
	svc = nflb_service_create(nn, key, opts, bes, n_bes, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	hooked = opts->forward == NFLB_FORWARD_NAT ?
		 nflb_net_hook(nn, key->family, extack) : 0;
	if (hooked < 0) {
		ret = hooked;
		goto err_svc;
	}
	/* A DSR table and hook, once made, stay until the netns goes. */
	if (opts->forward != NFLB_FORWARD_NAT) {
		ret = nflb_dsr_prepare(nn, key->family, extack);
		if (ret)
			goto err_hook;
	}
	/* So are the synproxy hooks. */
	if (opts->synproxy) {
		ret = nflb_synproxy_prepare(nn, key->family, extack);
		if (ret)
			goto err_hook;
	}
	ret = nflb_service_insert(nn, svc, extack);
	if (ret)
		goto err_hook;
	return 0;

err_hook:
	if (hooked)
		nflb_net_unhook(nn, key->family);
err_svc:
	nflb_service_destroy(nn, svc);
	return ret;
}

/*
 * Every netns's configuration lock is of this one class, named so that
 * lockdep's reports, and selftests/genl_lock.sh reading /proc/lockdep, can
 * tell it from the kernel's other "&nn->lock"s.
 */
static struct lock_class_key nflb_net_lock_key;

static int __net_init nflb_net_init(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);
	int ret;

	nn->net = net;
	__mutex_init(&nn->lock, "nflb_net_lock", &nflb_net_lock_key);
	nflb_est_init(nn);
	nflb_unbound_init(nn);
	ret = nflb_service_table_init(nn);
	if (ret)
		mutex_destroy(&nn->lock);
	return ret;
}

/*
 * Teardown in two steps, as iptable_nat does.  Neither the hook nor the NAT
 * lookup unregistration waits for the packets inside our functions, which
 * read the service hash and this very struct (net_generic, freed after
 * .exit): unhook in .pre_exit, free in .exit.  The pernet core runs
 * synchronize_rcu() between the two, for a netns going away as for the
 * module being unloaded, so no packet is left in nflb_nat_dst() or
 * nflb_count() when .exit runs.
 */
static void __net_exit nflb_net_pre_exit(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);

	mutex_lock(&nn->lock);
	nflb_synproxy_unhook(nn);
	nflb_offload_unhook(nn);
	nflb_net_unhook(nn, AF_INET);
	nflb_net_unhook(nn, AF_INET6);
	nflb_dsr_unhook(nn);
	mutex_unlock(&nn->lock);
}

static void __net_exit nflb_net_exit(struct net *net)
{
	struct nflb_net *nn = nflb_net(net);

	/* The estimator and the unbound-flow walk read the services. */
	nflb_est_stop(nn);
	nflb_unbound_stop(nn);
	nflb_offload_free(nn);
	mutex_lock(&nn->lock);
	nflb_service_flush(nn);
	mutex_unlock(&nn->lock);
	nflb_dsr_free(nn);
	nflb_service_table_destroy(nn);
	mutex_destroy(&nn->lock);
}

static struct pernet_operations nflb_net_ops = {
	.init = nflb_net_init,
	.pre_exit = nflb_net_pre_exit,
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
