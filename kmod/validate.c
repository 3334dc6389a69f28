// SPDX-License-Identifier: GPL-2.0
/*
 * Pure helpers behind request validation and GET_INFO; no state, no locks,
 * so that the KUnit module can test them exhaustively.
 */

#include <linux/errno.h>
#include <linux/kernel.h>

#include "kunit.h"
#include "validate.h"
#include "version.h"

bool nflb_is_prime(u32 n)
{
	u32 d;

	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	/* d * d cannot overflow: d <= 65537 whenever d * d <= U32_MAX. */
	for (d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return false;
	return true;
}
NFLB_EXPORT_FOR_KUNIT(nflb_is_prime);

/* 0, or -ERANGE or -EINVAL with the reason in *WHY (if WHY). */
int nflb_table_size_check(u32 size, const char **why)
{
	const char *msg;
	int ret;

	if (size < NFLB_TABLE_MIN || size > NFLB_TABLE_MAX) {
		msg = NFLB_TABLE_SIZE_RANGE_MSG;
		ret = -ERANGE;
	} else if (!nflb_is_prime(size)) {
		msg = NFLB_TABLE_SIZE_PRIME_MSG;
		ret = -EINVAL;
	} else {
		return 0;
	}
	if (why)
		*why = msg;
	return ret;
}
NFLB_EXPORT_FOR_KUNIT(nflb_table_size_check);

u32 nflb_version_code(void)
{
	return NFLB_VERSION_MAJOR << 16 | NFLB_VERSION_MINOR << 8 |
	       NFLB_VERSION_PATCH;
}
NFLB_EXPORT_FOR_KUNIT(nflb_version_code);
