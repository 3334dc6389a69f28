// SPDX-License-Identifier: GPL-2.0
/* lbadm version: this tool's version and the kernel module's. */

#include <stdio.h>

#include "lbadm.h"

int cmd_version(int argc, char **argv)
{
	struct nflb_info info;
	struct nflb_nl *nl;
	int ret = 1;

	(void)argv;
	if (argc > 1) {
		lbadm_err("version: unexpected argument \"%s\"", argv[1]);
		return 1;
	}
	printf("lbadm %s\n", LBADM_VERSION);
	fflush(stdout);
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (nflb_get_info(nl, &info) < 0) {
		lbadm_nl_err(nl, "cannot query the nflb module");
		goto out;
	}
	if (!info.version[0])	/* only the numeric code was sent */
		nflb_version_format(info.version_code, info.version,
				    sizeof(info.version));
	printf("nflb module %s (genl family %s version %u)\n", info.version,
	       NFLB_GENL_NAME, nflb_nl_family_version(nl));
	ret = 0;
out:
	nflb_nl_close(nl);
	return ret;
}
