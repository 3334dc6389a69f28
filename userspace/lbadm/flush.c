// SPDX-License-Identifier: GPL-2.0
/* lbadm flush: delete every service of the network namespace. */

#include "lbadm.h"
#include "util.h"

int cmd_flush(int argc, char **argv)
{
	struct nflb_nl *nl;
	int ret;

	if (argc > 1) {
		lbadm_err("flush: unexpected argument \"%s\"", argv[1]);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	ret = nflb_flush(nl);
	if (ret < 0)
		lbadm_nl_err(nl, "flush");
	nflb_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
