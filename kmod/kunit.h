/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_KUNIT_H
#define _NFLB_KUNIT_H

#include <linux/export.h>

/*
 * Internal helpers that the separate KUnit module (kmod/tests) exercises are
 * exported, in their own namespace, only from kernels built with KUnit.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#define NFLB_EXPORT_FOR_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, NFLB_KUNIT)
#else
#define NFLB_EXPORT_FOR_KUNIT(sym)
#endif

#endif /* _NFLB_KUNIT_H */
