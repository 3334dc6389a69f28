// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm stats zero [tcp|udp VIP:PORT]: zero the counters of one service
 * and its backends, or of every service.  Rates are not reset.
 */

#include <stdio.h>
#include <string.h>

#include "lbadm.h"
#include "util.h"

/* ARGV: "zero" [PROTO VIP:PORT]; *HAS_KEY tells whether one was given. */
static int parse_zero(int argc, char **argv, struct nflb_service *svc,
		      bool *has_key, struct lbadm_perr *e)
{
	memset(svc, 0, sizeof(*svc));
	*has_key = false;
	if (argc == 1)
		return 0;
	if (lbadm_parse_proto(argv[1], &svc->proto, e) < 0)
		return -1;
	if (argc < 3) {
		snprintf(e->msg, sizeof(e->msg),
			 "missing VIP:PORT for stats zero");
		return -1;
	}
	if (lbadm_parse_vip(argv[2], svc, e) < 0)
		return -1;
	if (argc > 3) {
		snprintf(e->msg, sizeof(e->msg),
			 "unexpected argument \"%s\" for stats zero", argv[3]);
		return -1;
	}
	*has_key = true;
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	struct nflb_service svc;
	struct lbadm_perr e;
	struct nflb_nl *nl;
	char what[128], addr[NFLB_ADDRSTRLEN];
	bool has_key;
	int ret;

	if (argc < 2) {
		lbadm_err("stats: missing command (zero)");
		return 1;
	}
	if (strcmp(argv[1], "zero") != 0) {
		lbadm_err("unknown stats command \"%s\" (zero)", argv[1]);
		return 1;
	}
	if (parse_zero(argc - 1, argv + 1, &svc, &has_key, &e) < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	ret = nflb_stats_zero(nl, has_key ? &svc : NULL);
	if (ret < 0) {
		if (has_key)
			snprintf(what, sizeof(what), "stats zero %s %s",
				 nflb_proto_name(svc.proto),
				 nflb_addr_format(svc.family, &svc.addr, true,
						  svc.port, addr,
						  sizeof(addr)));
		else
			snprintf(what, sizeof(what), "stats zero");
		lbadm_nl_err(nl, what);
	}
	nflb_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
