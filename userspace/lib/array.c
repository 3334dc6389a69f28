// SPDX-License-Identifier: GPL-2.0
/* Growable arrays (nflbnl.h): one way to grow them, for every tool. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nflbnl.h"

#define ARRAY_MIN	16

int nflb_array_reserve(void *arrayp, size_t *cap, size_t want, size_t size)
{
	size_t n;
	void *v;

	if (want <= *cap)
		return 0;
	n = *cap <= SIZE_MAX / 2 ? 2 * *cap : SIZE_MAX;
	if (n < want)
		n = want;
	if (n < ARRAY_MIN)
		n = ARRAY_MIN;
	/* The caller's pointer, whatever its type: copied, not aliased. */
	memcpy(&v, arrayp, sizeof(v));
	v = reallocarray(v, n, size);
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(arrayp, &v, sizeof(v));
	*cap = n;
	return 0;
}

void *nflb_array_push(void *arrayp, size_t *n, size_t *cap, size_t size)
{
	char *v;

	if (*n == SIZE_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	if (nflb_array_reserve(arrayp, cap, *n + 1, size) < 0)
		return NULL;
	memcpy(&v, arrayp, sizeof(v));
	v += *n * size;
	memset(v, 0, size);
	(*n)++;
	return v;
}
