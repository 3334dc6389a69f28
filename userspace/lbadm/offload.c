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
#include "parse.h"
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
	struct lbadm_offload_req req;
	struct lbadm_perr e;
	struct nflb_nl *nl;
	char msg[256];
	size_t i;
	int ret;

	if (lbadm_parse_offload_args(argc - 1, argv + 1, &req, &e) < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	/* The devices' rules, as a restore file's offload line has them. */
	for (i = 0; i < req.n; i++) {
		if (nflb_offload_dev(req.dev[i], &ifindex[i], msg,
				     sizeof(msg)) < 0) {
			lbadm_err("offload: %s", msg);
			return 1;
		}
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (req.show) {
		ret = offload_show(nl);
		pr_flush();
	} else {
		ret = nflb_offload_set(nl, ifindex, req.n) < 0;
		if (ret)
			lbadm_nl_err(nl, "offload");
	}
	nflb_nl_close(nl);
	return ret;
}
