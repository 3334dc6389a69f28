// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm offload: the flowtable fast path of the network namespace.
 *   offload [show]              the devices and the flows offloaded
 *   offload dev NAME [dev NAME]...  established NAT flows between these
 *                               devices skip the netfilter hooks
 *   offload off                 every flow back through conntrack
 */

#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "lbadm.h"
#include "print.h"
#include "util.h"

static int offload_show(struct nflb_nl *nl)
{
	struct nflb_offload off;
	char name[IF_NAMESIZE];
	size_t i;

	if (nflb_offload_get(nl, &off) < 0) {
		lbadm_nl_err(nl, "offload show");
		return 1;
	}
	pr_begin(0);
	pr_label("offload");
	if (!off.n_devs)
		pr_label("off");
	/* Text: "dev A dev B" on the line; JSON: "devs": [ names ]. */
	if (lbadm_json)
		pr_list_begin("devs");
	for (i = 0; i < off.n_devs; i++) {
		if (!if_indextoname(off.ifindex[i], name))
			snprintf(name, sizeof(name), "%u", off.ifindex[i]);
		if (lbadm_json)
			pr_begin(0);
		pr_str("dev", name);
		if (lbadm_json)
			pr_end();
	}
	if (lbadm_json)
		pr_list_end();
	pr_u64("flows", off.flows);
	pr_u64("counted", off.counted);
	pr_end();
	return 0;
}

int cmd_offload(int argc, char **argv)
{
	uint32_t ifindex[NFLB_OFFLOAD_DEV_MAX];
	struct nflb_nl *nl;
	size_t n = 0;
	int i, ret;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "show"))) {
		nl = lbadm_open();
		if (!nl)
			return 1;
		ret = offload_show(nl);
		pr_flush();
		nflb_nl_close(nl);
		return ret;
	}
	if (argc == 2 && !strcmp(argv[1], "off")) {
		n = 0;
	} else {
		for (i = 1; i < argc; i += 2) {
			if (strcmp(argv[i], "dev") != 0) {
				lbadm_err("offload: unexpected \"%s\", want \"dev NAME\", \"off\" or \"show\"",
					  argv[i]);
				return 1;
			}
			if (i + 1 >= argc) {
				lbadm_err("offload: \"dev\" needs a device name");
				return 1;
			}
			if (n == NFLB_OFFLOAD_DEV_MAX) {
				lbadm_err("offload: at most %d devices",
					  NFLB_OFFLOAD_DEV_MAX);
				return 1;
			}
			ifindex[n] = if_nametoindex(argv[i + 1]);
			if (!ifindex[n]) {
				lbadm_err("offload: no device \"%s\"",
					  argv[i + 1]);
				return 1;
			}
			n++;
		}
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	ret = nflb_offload_set(nl, ifindex, n);
	if (ret < 0)
		lbadm_nl_err(nl, "offload");
	nflb_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
