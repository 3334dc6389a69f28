// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm save: the whole configuration as lbadm commands, for restore.
 * Services sorted by family, protocol, address and port, their backends by
 * address and port; every option explicit, so that a restore on another
 * node builds the same Maglev tables.
 */

#include <errno.h>
#include <stdio.h>

#include "conf.h"
#include "lbadm.h"
#include "util.h"

static int collect(const struct nflb_service *svc, void *data)
{
	return lbadm_conf_add(data, svc);
}

int lbadm_conf_dump(struct nflb_nl *nl, struct lbadm_conf *c)
{
	lbadm_conf_init(c);
	if (nflb_service_dump(nl, collect, c) < 0) {
		if (nflb_nl_error(nl)->error == ECANCELED)
			nflb_nl_set_error(nl, ENOMEM, NULL);
		lbadm_conf_free(c);
		return -1;
	}
	return 0;
}

int cmd_save(int argc, char **argv)
{
	struct lbadm_conf c;
	struct nflb_nl *nl;
	int ret = 1;

	if (argc > 1) {
		lbadm_err("save: unexpected argument \"%s\"", argv[1]);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (lbadm_conf_dump(nl, &c) < 0) {
		lbadm_nl_err(nl, "save");
		goto out;
	}
	if (lbadm_save_write(stdout, &c) < 0 || fflush(stdout) == EOF)
		lbadm_err("save: cannot write: %m");
	else
		ret = 0;
	lbadm_conf_free(&c);
out:
	nflb_nl_close(nl);
	return ret;
}
