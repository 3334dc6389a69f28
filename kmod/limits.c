// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns limits.  Any local user can own a netns (an unprivileged user
 * namespace) and so hold CAP_NET_ADMIN over nflb there: these bound what one
 * netns can create.  They do not bound a user with many netns; what does is
 * the memory cgroup, charged with every allocation a request makes
 * (GFP_KERNEL_ACCOUNT, accounted per-CPU counters).
 *
 * The values are global: /proc/sys/net/nflb/ of init_net changes them, the
 * same files in every other netns are read-only (conntrack does the same for
 * nf_conntrack_max).  Each netns is counted on its own, in struct nflb_net.
 */

#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"
#include "kunit.h"
#include "limits.h"
#include "netns.h"

unsigned int nflb_max_services __read_mostly = NFLB_MAX_SERVICES_DEFAULT;
NFLB_EXPORT_FOR_KUNIT(nflb_max_services);
unsigned int nflb_max_backends __read_mostly = NFLB_MAX_BACKENDS_DEFAULT;
NFLB_EXPORT_FOR_KUNIT(nflb_max_backends);
unsigned int nflb_max_table_slots __read_mostly = NFLB_MAX_TABLE_SLOTS_DEFAULT;
NFLB_EXPORT_FOR_KUNIT(nflb_max_table_slots);

/* Formatted extack messages came with 6.2; 6.1 names the limit only. */
#ifdef NL_SET_ERR_MSG_FMT
#define NFLB_LIMIT_MSG(extack, name, max) \
	NL_SET_ERR_MSG_FMT(extack, "net.nflb." name " (%u) reached", max)
#else
#define NFLB_LIMIT_MSG(extack, name, max) \
	NL_SET_ERR_MSG(extack, "net.nflb." name " reached")
#endif

int nflb_limits_check(const struct nflb_net *nn, u32 services, u32 backends,
		      u32 slots, struct netlink_ext_ack *extack)
{
	unsigned int max;

	lockdep_assert_held(&nn->lock);
	max = READ_ONCE(nflb_max_services);
	if (services && (u64)nn->n_services + services > max) {
		NFLB_LIMIT_MSG(extack, "max_services", max);
		return -ENOSPC;
	}
	max = READ_ONCE(nflb_max_backends);
	if (backends && (u64)nn->n_backends + backends > max) {
		NFLB_LIMIT_MSG(extack, "max_backends", max);
		return -ENOSPC;
	}
	max = READ_ONCE(nflb_max_table_slots);
	if (slots && nn->n_slots + slots > max) {
		NFLB_LIMIT_MSG(extack, "max_table_slots", max);
		return -ENOSPC;
	}
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_limits_check);

static const unsigned int nflb_dsr_flows_min = NFLB_DSR_FLOWS_MIN;
static const unsigned int nflb_dsr_flows_max = NFLB_DSR_FLOWS_MAX;
static const unsigned int nflb_dsr_flow_rate_max = NFLB_SVC_RATE_MAX;

static struct ctl_table nflb_limits_table[] = {
	{
		.procname	= "max_services",
		.data		= &nflb_max_services,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "max_backends",
		.data		= &nflb_max_backends,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "max_table_slots",
		.data		= &nflb_max_table_slots,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		/* Read when a netns gets its DSR flow table (dsr.h). */
		.procname	= "dsr_flows",
		.data		= &nflb_dsr_flows,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= (void *)&nflb_dsr_flows_min,
		.extra2		= (void *)&nflb_dsr_flows_max,
	},
	{
		/* Read by each new DSR flow (dsr.c); 0: no limit. */
		.procname	= "dsr_flow_rate",
		.data		= &nflb_dsr_flow_rate,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= (void *)&nflb_dsr_flow_rate_max,
	},
	{ }
};

/* Per netns: the header of its net.nflb table. */
static unsigned int nflb_limits_net_id __read_mostly;

static struct ctl_table_header **nflb_limits_hdr(struct net *net)
{
	return net_generic(net, nflb_limits_net_id);
}

static int __net_init nflb_limits_net_init(struct net *net)
{
	struct ctl_table *table = nflb_limits_table;
	struct ctl_table_header *hdr;
	int i;

	/* Another netns sees the global values, read-only. */
	if (!net_eq(net, &init_net)) {
		table = kmemdup(nflb_limits_table, sizeof(nflb_limits_table),
				GFP_KERNEL);
		if (!table)
			return -ENOMEM;
		for (i = 0; table[i].procname; i++)
			table[i].mode = 0444;
	}
	hdr = register_net_sysctl(net, "net/nflb", table);
	if (!hdr)
		goto err;
	*nflb_limits_hdr(net) = hdr;
	return 0;

err:
	if (table != nflb_limits_table)
		kfree(table);
	return -ENOMEM;
}

static void __net_exit nflb_limits_net_exit(struct net *net)
{
	struct ctl_table_header *hdr = *nflb_limits_hdr(net);
	struct ctl_table *table = hdr->ctl_table_arg;

	unregister_net_sysctl_table(hdr);
	if (table != nflb_limits_table)
		kfree(table);
}

static struct pernet_operations nflb_limits_net_ops = {
	.init = nflb_limits_net_init,
	.exit = nflb_limits_net_exit,
	.id = &nflb_limits_net_id,
	.size = sizeof(struct ctl_table_header *),
};

int __init nflb_limits_init(void)
{
	return register_pernet_subsys(&nflb_limits_net_ops);
}

void nflb_limits_uninit(void)
{
	unregister_pernet_subsys(&nflb_limits_net_ops);
}
