// SPDX-License-Identifier: GPL-2.0
/*
 * nflb: a layer-4 passthrough load balancer in netfilter.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/nflb.h>

#include "hooks.h"
#include "limits.h"
#include "netlink.h"
#include "netns.h"
#include "offload.h"
#include "version.h"

static int __init nflb_mod_init(void)
{
	int ret;

	ret = nflb_limits_init();
	if (ret)
		goto err_limits;
	ret = nflb_netns_init();
	if (ret)
		goto err_netns;
	ret = nflb_offload_init();
	if (ret)
		goto err_offload;
	ret = nflb_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version " NFLB_VERSION " loaded\n");
	return 0;

err_genl:
	nflb_offload_uninit();
err_offload:
	nflb_netns_uninit();
err_netns:
	nflb_limits_uninit();
err_limits:
	return ret;
}

static void __exit nflb_mod_exit(void)
{
	nflb_genl_uninit();
	nflb_offload_uninit();
	nflb_netns_uninit();
	nflb_masq_put();
	nflb_limits_uninit();
}

module_init(nflb_mod_init);
module_exit(nflb_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Layer-4 passthrough load balancer with Maglev hashing");
MODULE_VERSION(NFLB_VERSION);
MODULE_ALIAS_GENL_FAMILY(NFLB_GENL_NAME);
