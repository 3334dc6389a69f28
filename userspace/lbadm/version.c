// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm version: this tool's version and the kernel module's.
 *
 *   lbadm 0.1.0
 *   nflb module 0.1.0 (genl family nflb version 1)
 *
 * With -j: [{"lbadm": "0.1.0", "module": "0.1.0", "genl-family": "nflb",
 * "genl-version": 1}], only "lbadm" if the module cannot be asked.
 */

#include <stdio.h>

#include "lbadm.h"
#include "print.h"
#include "util.h"

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
	/* JSON: one object, ended below; text: a line now, then one more. */
	pr_begin(0);
	pr_str("lbadm", LBADM_VERSION);
	if (!lbadm_json)
		pr_end();
	pr_sync();
	nl = lbadm_open();
	if (!nl)
		goto out_flush;
	if (nflb_get_info(nl, &info) < 0) {
		lbadm_nl_err(nl, "cannot query the nflb module");
		goto out;
	}
	if (!info.version[0])	/* only the numeric code was sent */
		nflb_version_format(info.version_code, info.version,
				    sizeof(info.version));
	if (lbadm_json) {
		pr_str("module", info.version);
		pr_str("genl-family", NFLB_GENL_NAME);
		pr_u64("genl-version", nflb_nl_family_version(nl));
	} else {
		pr_text("nflb module %s (genl family %s version %u)",
			info.version, NFLB_GENL_NAME,
			nflb_nl_family_version(nl));
	}
	ret = 0;
out:
	nflb_nl_close(nl);
out_flush:
	if (lbadm_json)
		pr_end();
	if (pr_flush() < 0)
		ret = 1;
	return ret;
}
