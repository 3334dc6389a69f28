// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm save: the whole configuration as lbadm commands, for restore: the
 * offload devices first (when offload is on), then the services.
 * Services sorted by family, protocol, address and port, their backends by
 * address and port; every option explicit, so that a restore on another
 * node builds the same Maglev tables.
 */

#include <stdio.h>

#include "lbadm.h"
#include "model.h"
#include "print.h"
#include "save.h"
#include "util.h"

int lbadm_save_write(FILE *f, struct lbadm_conf *c)
{
	char vip[NFLB_ADDRSTRLEN], addr[NFLB_ADDRSTRLEN], pnum[16], num[16];
	const struct nflb_backend *be;
	const struct nflb_service *s;
	const char *proto;
	size_t i, j;

	lbadm_conf_sort_backends(c);
	/* First: a restored service's flows are offloaded from the start. */
	if (c->offload.n) {
		fputs("offload", f);
		for (i = 0; i < c->offload.n; i++)
			fprintf(f, " dev %s", c->offload.name[i]);
		fputc('\n', f);
	}
	for (i = 0; i < c->n; i++) {
		s = c->v[i];
		proto = nflb_enum_name_or_num(nflb_proto_names, s->proto, pnum,
					      sizeof(pnum));
		nflb_addr_format(s->family, &s->addr, true, s->port, vip,
				 sizeof(vip));
		fprintf(f, "service add %s %s", proto, vip);
		/* Every option, so that another node builds the same table. */
		if (NFLB_HAS(s, NFLB_SVC_A_TABLE_SIZE))
			fprintf(f, " table-size %u", s->table_size);
		if (NFLB_HAS(s, NFLB_SVC_A_HASH))
			fprintf(f, " hash %s",
				nflb_enum_name_or_num(nflb_hash_names, s->hash,
						      num, sizeof(num)));
		if (NFLB_HAS(s, NFLB_SVC_A_SEED))
			fprintf(f, " seed %llu", (unsigned long long)s->seed);
		if (NFLB_HAS(s, NFLB_SVC_A_SNAT) && s->snat)
			fputs(" snat", f);
		if (NFLB_HAS(s, NFLB_SVC_A_SNAT) && s->snat &&
		    NFLB_HAS(s, NFLB_SVC_A_SNAT_ADDR))
			fprintf(f, " %s", nflb_addr_format(s->family,
							   &s->snat_addr, false,
							   0, addr,
							   sizeof(addr)));
		if (NFLB_HAS(s, NFLB_SVC_A_FORWARD) &&
		    s->forward != NFLB_FORWARD_NAT)
			fprintf(f, " forward %s",
				nflb_enum_name_or_num(nflb_forward_names,
						      s->forward, num,
						      sizeof(num)));
		if (NFLB_HAS(s, NFLB_SVC_A_SYNPROXY) && s->synproxy)
			fputs(" synproxy", f);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP))
			fprintf(f, " timeout-tcp %u", s->timeout_tcp);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_TCP_FIN))
			fprintf(f, " timeout-tcp-fin %u", s->timeout_tcp_fin);
		if (NFLB_HAS(s, NFLB_SVC_A_TIMEOUT_UDP))
			fprintf(f, " timeout-udp %u", s->timeout_udp);
		if (NFLB_HAS(s, NFLB_SVC_A_RATE) && s->rate)
			fprintf(f, " rate %u burst %u", s->rate, s->burst);
		fputc('\n', f);
		for (j = 0; j < s->n_backends; j++) {
			be = &s->backends[j];
			/* An all-ports service's backends take no port. */
			nflb_addr_format(be->family, &be->addr, s->port != 0,
					 be->port, addr, sizeof(addr));
			fprintf(f, "backend add %s %s %s", proto, vip, addr);
			if (NFLB_HAS(be, NFLB_BE_A_WEIGHT))
				fprintf(f, " weight %u", be->weight);
			if (NFLB_HAS(be, NFLB_BE_A_STATE))
				fprintf(f, " state %s",
					nflb_enum_name_or_num(nflb_state_names,
							      be->state, num,
							      sizeof(num)));
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

int cmd_save(int argc, char **argv)
{
	struct lbadm_conf c;
	struct nflb_nl *nl;
	int ret = 1;

	if (argc > 1) {
		lbadm_err("save: unexpected argument \"%s\"", argv[1]);
		return 1;
	}
	/* Its output is commands: text, never the JSON -j promises. */
	if (lbadm_json) {
		lbadm_err("save: no JSON output (save writes lbadm commands; \"lbadm -j service show\" lists the configuration in JSON)");
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (lbadm_conf_dump(nl, &c) < 0) {
		lbadm_nl_err(nl, "save");
		goto out;
	}
	if (lbadm_save_write(stdout, &c) < 0 || fflush(stdout) == EOF)
		lbadm_err("save: cannot write: %m");
	else
		ret = 0;
	lbadm_conf_free(&c);
out:
	nflb_nl_close(nl);
	return ret;
}
