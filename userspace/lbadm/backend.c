// SPDX-License-Identifier: GPL-2.0
/* lbadm backend add|set|del. */

#include "lbadm.h"
#include "util.h"

int cmd_backend(int argc, char **argv)
{
	char what[256];
	struct lbadm_perr e;
	struct lbadm_req req;
	struct nflb_nl *nl;
	int ret;

	if (lbadm_parse_backend_args(argc - 1, argv + 1, &req, &e) < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	switch (req.op) {
	case LBADM_OP_ADD:
		ret = nflb_backend_add(nl, &req.svc, &req.be);
		break;
	case LBADM_OP_SET:
		ret = nflb_backend_set_flush(nl, &req.svc, &req.be, req.flush);
		break;
	default:
		ret = nflb_backend_del(nl, &req.svc, &req.be, req.flush);
		break;
	}
	if (ret < 0)
		lbadm_nl_err(nl, lbadm_describe(&req, what, sizeof(what)));
	nflb_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
