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
 * the output without "digest" minus its header line (nflb_table_digest(),
 * which lbhealthd logs too).  Nodes with the same seed, size and backends
 * show the same digest.
 *
 * With -j: [{"table-size": M, "backends": [{"index", "addr", "port"}...],
 * "slots": [backend index of each slot...]}], or with "digest"
 * [{"table-size": M, "digest": "HHHHHHHHHHHHHHHH"}].
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbadm.h"
#include "print.h"
#include "util.h"

/* JSON: the table as backend objects and a list of slot indices. */
static void print_table_json(const struct nflb_table *t)
{
	const struct nflb_backend *be;
	uint32_t i;

	pr_begin(0);
	pr_u64("table-size", t->size);
	pr_list_begin("backends");
	for (i = 0; i < t->n_backends; i++) {
		be = &t->backends[i];
		pr_begin(0);
		pr_u64("index", i);
		pr_endpoint("addr", "port", be->family, &be->addr,
			    NFLB_HAS(be, NFLB_BE_A_PORT), be->port);
		pr_end();
	}
	pr_list_end();
	pr_list_begin("slots");
	for (i = 0; i < t->size; i++)
		pr_u64("slot", t->slots[i]);
	pr_list_end();
	pr_end();
}

/* Print T (whole, or its digest); 0, or -1 when out of memory. */
static int print_table(const struct nflb_table *t, bool digest)
{
	nflb_backend_name_t *names;
	uint64_t hash;
	char hex[17];
	uint32_t i;

	if (digest) {
		if (nflb_table_digest(t, &hash) < 0) {
			lbadm_err("out of memory");
			return -1;
		}
		snprintf(hex, sizeof(hex), "%016" PRIx64, hash);
		pr_begin(0);
		pr_u64("table-size", t->size);
		pr_str("digest", hex);
		pr_end();
		return 0;
	}
	if (lbadm_json) {
		print_table_json(t);
		return 0;
	}
	names = nflb_table_names(t);
	if (!names) {
		lbadm_err("out of memory");
		return -1;
	}
	pr_text("# table-size %" PRIu32 " backends %zu", t->size,
		t->n_backends);
	/* Indices were checked against n_backends by the library. */
	for (i = 0; i < t->size; i++)
		pr_text("%" PRIu32 " %s\n", i, names[t->slots[i]]);
	free(names);
	return 0;
}

int lbadm_table(const struct lbadm_req *req)
{
	char what[256];
	struct nflb_table t;
	struct nflb_nl *nl;
	int ret = 1;

	nl = lbadm_open();
	if (!nl)
		goto out_flush;
	if (nflb_table_get(nl, &req->svc, &t) < 0) {
		lbadm_nl_err(nl, lbadm_describe(req, what, sizeof(what)));
		goto out;
	}
	if (print_table(&t, req->digest) == 0)
		ret = 0;
	nflb_table_free(&t);
out:
	nflb_nl_close(nl);
out_flush:
	if (pr_flush() < 0)
		ret = 1;
	return ret;
}
