/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_VALIDATE_H
#define _NFLB_VALIDATE_H

#include <linux/types.h>

/* Maglev table sizes: primes in [NFLB_TABLE_MIN, NFLB_TABLE_MAX]. */
#define NFLB_TABLE_MIN		251U
#define NFLB_TABLE_MAX		131071U
/*
 * The size of a service created without one: 1% balance (max/mean slots)
 * for up to 40 backends (M > 100 N), 8 KiB a table.  See docs/limits.md.
 */
#define NFLB_TABLE_DEFAULT	4093U

/* Why nflb_table_size_check() rejects a size: -ERANGE, -EINVAL. */
#define NFLB_TABLE_SIZE_RANGE_MSG \
	"Maglev table size out of range (251 to 131071)"
#define NFLB_TABLE_SIZE_PRIME_MSG "Maglev table size must be a prime"

bool nflb_is_prime(u32 n);
int nflb_table_size_check(u32 size, const char **why);
u32 nflb_version_code(void);

#endif /* _NFLB_VALIDATE_H */
