// SPDX-License-Identifier: GPL-2.0
/*
 * Service and backend keys: one comparison, hence one order, for every
 * tool (see nflbnl.h), and deep copies of services.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nflbnl.h"

static int cmp_u(unsigned int a, unsigned int b)
{
	return (a > b) - (a < b);
}

int nflb_service_cmp(const struct nflb_service *a,
		     const struct nflb_service *b)
{
	int c = cmp_u(a->family, b->family);

	if (!c)
		c = cmp_u(a->proto, b->proto);
	if (!c)
		c = memcmp(&a->addr, &b->addr, nflb_addr_len(a->family));
	return c ? c : cmp_u(a->port, b->port);
}

int nflb_backend_cmp(const struct nflb_backend *a,
		     const struct nflb_backend *b)
{
	int c = cmp_u(a->family, b->family);

	if (!c)
		c = memcmp(&a->addr, &b->addr, nflb_addr_len(a->family));
	return c ? c : cmp_u(a->port, b->port);
}

bool nflb_service_same_key(const struct nflb_service *a,
			   const struct nflb_service *b)
{
	return nflb_service_cmp(a, b) == 0;
}

bool nflb_backend_same_key(const struct nflb_backend *a,
			   const struct nflb_backend *b)
{
	return nflb_backend_cmp(a, b) == 0;
}

static int backend_qsort_cmp(const void *a, const void *b)
{
	return nflb_backend_cmp(a, b);
}

void nflb_backends_sort(struct nflb_backend *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), backend_qsort_cmp);
}

int nflb_service_copy(struct nflb_service *dst,
		      const struct nflb_service *src)
{
	*dst = *src;
	dst->backends = NULL;
	if (!src->n_backends)
		return 0;
	dst->backends = malloc(src->n_backends * sizeof(*src->backends));
	if (!dst->backends) {
		dst->n_backends = 0;
		errno = ENOMEM;
		return -1;
	}
	memcpy(dst->backends, src->backends,
	       src->n_backends * sizeof(*src->backends));
	return 0;
}
