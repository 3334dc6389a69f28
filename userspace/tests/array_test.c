// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of libnflbnl's growable arrays (array.c). */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "nflbnl.h"

struct item {
	int a;
	char name[24];
};

static void reserve(void)
{
	uint32_t *v = NULL;
	size_t cap = 0, i;

	/* Nothing wanted: nothing allocated. */
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 0) == 0 && !v && cap == 0);
	/* A first allocation holds 16 at least. */
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 1) == 0 && v && cap == 16);
	for (i = 0; i < cap; i++)
		v[i] = i;
	/* Room enough: unchanged. */
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 16) == 0 && cap == 16);
	/* Doubling, or what is wanted if more; the contents kept. */
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 17) == 0 && cap == 32);
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 1000) == 0 && cap == 1000);
	KTAP_EXPECT(v[0] == 0 && v[15] == 15);
	free(v);
}

static void reserve_too_much(void)
{
	uint64_t *v = NULL, *before;
	size_t cap = 0;

	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, 4) == 0);
	before = v;
	/* More than memory can hold: ENOMEM, the array as it was. */
	errno = 0;
	KTAP_EXPECT(NFLB_ARRAY_RESERVE(v, cap, SIZE_MAX / 4) == -1);
	KTAP_EXPECT(errno == ENOMEM);
	KTAP_EXPECT(v == before && cap == 16);
	free(v);
}

static void push(void)
{
	struct item *v = NULL, *it;
	size_t n = 0, cap = 0, i;
	bool ok = true;

	for (i = 0; i < 1000; i++) {
		it = NFLB_ARRAY_PUSH(v, n, cap);
		if (!it) {
			ok = false;
			break;
		}
		/* A new element is zeroed. */
		ok &= it->a == 0 && it->name[0] == '\0';
		it->a = i;
		snprintf(it->name, sizeof(it->name), "n%zu", i);
	}
	KTAP_EXPECT(ok);
	KTAP_EXPECT(n == 1000 && cap >= 1000);
	for (i = 0; ok && i < n; i++) {
		char want[24];

		snprintf(want, sizeof(want), "n%zu", i);
		ok &= v[i].a == (int)i && !strcmp(v[i].name, want);
	}
	KTAP_EXPECT(ok);
	free(v);
}

static void push_full(void)
{
	char *v = NULL;
	size_t n = SIZE_MAX, cap = SIZE_MAX;

	/* No index after SIZE_MAX: refused, nothing counted. */
	errno = 0;
	KTAP_EXPECT(nflb_array_push(&v, &n, &cap, 1) == NULL);
	KTAP_EXPECT(errno == ENOMEM && n == SIZE_MAX && v == NULL);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(reserve),
	KTAP_CASE(reserve_too_much),
	KTAP_CASE(push),
	KTAP_CASE(push_full),
};

KTAP_MAIN("nflbnl_array", cases)
