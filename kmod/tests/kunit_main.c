// SPDX-License-Identifier: GPL-2.0
/*
 * nflb_kunit.ko: KUnit suites for nflb's internals.  Each suite lives in its
 * own file; loading this module (after nflb.ko, on a kernel with KUnit) runs
 * them all and prints KTAP on the kernel log.
 */

#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for nflb");
MODULE_IMPORT_NS(NFLB_KUNIT);
