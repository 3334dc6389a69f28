// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm service table: a service's Maglev table, one line per slot.
 *
 *   # table-size 251 backends 2
 *   0 10.0.0.1:80
 *   1 10.0.0.2:80
 *   ...
 *
 * The header counts every backend of the service, in every state (slots
 * refer to them by index); a table with no usable backend prints the
 * header alone ("# table-size 0 backends 1").  With "digest", a single line
 *
 *   table-size 251 digest 8c4a0e3f9f4d1b27
 *
 * where the digest is the 64-bit FNV-1a hash, in 16 lowercase hex digits,
 * of the exact text of the slot lines (each "SLOT ADDR:PORT\n"), i.e. of
 * the output without "digest" minus its header line.  Nodes with the same
 * seed, size and backends show the same digest.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbadm.h"

int lbadm_table(const struct lbadm_req *req)
{
	char what[256], line[32 + NFLB_ADDRSTRLEN];
	uint64_t digest = NFLB_FNV1A64_INIT;
	struct nflb_table t;
	struct nflb_nl *nl;
	char (*names)[NFLB_ADDRSTRLEN] = NULL;
	uint32_t i;
	int len, ret = 1;

	nl = lbadm_open();
	if (!nl)
		return 1;
	if (nflb_table_get(nl, &req->svc, &t) < 0) {
		lbadm_nl_err(nl, lbadm_describe(req, what, sizeof(what)));
		goto out;
	}
	if (t.n_backends) {
		names = calloc(t.n_backends, sizeof(*names));
		if (!names) {
			lbadm_err("out of memory");
			goto out_free;
		}
	}
	for (i = 0; i < t.n_backends; i++)
		nflb_addr_format(t.backends[i].family, &t.backends[i].addr,
				 NFLB_HAS(&t.backends[i], NFLB_BE_A_PORT),
				 t.backends[i].port, names[i],
				 sizeof(names[i]));
	if (!req->digest)
		printf("# table-size %" PRIu32 " backends %zu\n", t.size,
		       t.n_backends);
	for (i = 0; i < t.size; i++) {
		/* Indices were checked against n_backends by the library. */
		len = snprintf(line, sizeof(line), "%" PRIu32 " %s\n", i,
			       names[t.slots[i]]);
		if (req->digest)
			digest = nflb_fnv1a64(digest, line, len);
		else
			fputs(line, stdout);
	}
	if (req->digest)
		printf("table-size %" PRIu32 " digest %016" PRIx64 "\n", t.size,
		       digest);
	ret = 0;
	free(names);
out_free:
	nflb_table_free(&t);
out:
	nflb_nl_close(nl);
	return ret;
}
