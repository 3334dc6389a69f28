// SPDX-License-Identifier: GPL-2.0
/*
 * Used only by scripts/vm-selftest: loading this module prints a kernel
 * WARNING, which scripts/vm must turn into a failed run.
 */

#include <linux/bug.h>
#include <linux/module.h>

static int __init nflb_warn_init(void)
{
	WARN(1, "nflb_warn: deliberate warning for the VM runner's self-test\n");
	return 0;
}

static void __exit nflb_warn_exit(void)
{
}

module_init(nflb_warn_init);
module_exit(nflb_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberate WARN for the nflb VM runner self-test");
