// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm service add|set|del|show|table.
 *
 * "service show" prints one block per service, fields in a fixed order:
 *
 *   tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 snat conns 300
 *     backend 10.0.1.1:80 weight 1 state up slots 21846 conns 100
 *
 * "snat" (followed by its address if fixed), "forward" (gre, ipip; nat is
 * not printed), "synproxy", the timeouts (timeout-tcp, timeout-tcp-fin,
 * timeout-udp) and the rate limit (rate, burst) only when set; with -s,
 * "flows" (conntrack's live flows) before "conns" and every counter after
 * it: pkts-in, pkts-out, bytes-in, bytes-out, drops, limit-drops.
 *
 * With -j, an array of service objects, every counter in a "stats" object
 * and the backends in a "backends" list:
 *
 *   [{"proto":"tcp","vip":"192.0.2.10","port":80,"table-size":65537,
 *     "hash":"5tuple","seed":0,"snat":true,"snat-addr":"203.0.113.1",
 *     "stats":{"conns":300,...},
 *     "backends":[{"addr":"10.0.1.1","port":80,"weight":1,"state":"up",
 *                  "slots":21846,"stats":{"conns":100,...}}]}]
 *
 * A field is one pr_*() call; text and JSON come from the same calls.
 * Rates per second (kernel estimator) follow the counters: rate-conns,
 * rate-pkts-in, rate-pkts-out, rate-bytes-in, rate-bytes-out.
 */

#include <errno.h>
#include <stdio.h>

#include "ctflows.h"
#include "lbadm.h"
#include "print.h"
#include "util.h"

/* -s: conntrack's flows, counted per service and backend. */
static struct lbadm_flowcount *flowcount;

/*
 * Counters: text, on the object's line ("conns" always, the others with
 * -s); JSON, in a "stats" object, all of them (DSR's drops by reason for
 * a DSR service only).
 */
static void print_stats(const struct nflb_stats *st, bool dsr)
{
	bool all = lbadm_stats || lbadm_json;

	pr_nest_begin("stats");
	if (NFLB_HAS(st, NFLB_STATS_A_CONNS))
		pr_u64("conns", st->conns);
	if (all && NFLB_HAS(st, NFLB_STATS_A_PKTS_IN))
		pr_u64("pkts-in", st->pkts_in);
	if (all && NFLB_HAS(st, NFLB_STATS_A_PKTS_OUT))
		pr_u64("pkts-out", st->pkts_out);
	if (all && NFLB_HAS(st, NFLB_STATS_A_BYTES_IN))
		pr_u64("bytes-in", st->bytes_in);
	if (all && NFLB_HAS(st, NFLB_STATS_A_BYTES_OUT))
		pr_u64("bytes-out", st->bytes_out);
	if (all && NFLB_HAS(st, NFLB_STATS_A_DROPS))
		pr_u64("drops", st->drops);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_DROPS))
		pr_u64("limit-drops", st->rate_drops);
	/* DSR's reasons: shown for DSR services (NAT's read 0 always). */
	if (all && dsr && NFLB_HAS(st, NFLB_STATS_A_TOO_BIG_DROPS))
		pr_u64("too-big-drops", st->too_big_drops);
	if (all && dsr && NFLB_HAS(st, NFLB_STATS_A_ENCAP_DROPS))
		pr_u64("encap-drops", st->encap_drops);
	if (all && dsr && NFLB_HAS(st, NFLB_STATS_A_UNPINNED))
		pr_u64("unpinned", st->unpinned);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_CONNS))
		pr_u64("rate-conns", st->rate_conns);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_PKTS_IN))
		pr_u64("rate-pkts-in", st->rate_pkts_in);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_PKTS_OUT))
		pr_u64("rate-pkts-out", st->rate_pkts_out);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_BYTES_IN))
		pr_u64("rate-bytes-in", st->rate_bytes_in);
	if (all && NFLB_HAS(st, NFLB_STATS_A_RATE_BYTES_OUT))
		pr_u64("rate-bytes-out", st->rate_bytes_out);
	pr_nest_end();
}

static void print_backend(const struct nflb_service *svc,
			  const struct nflb_backend *be)
{
	pr_begin(2);
	pr_label("backend");
	pr_endpoint("addr", "port", be->family, &be->addr,
		    NFLB_HAS(be, NFLB_BE_A_PORT), be->port);
	pr_backend_opts(be);
	if (NFLB_HAS(be, NFLB_BE_A_SLOTS))
		pr_u64("slots", be->slots);
	if (flowcount)
		pr_u64("flows", lbadm_flowcount_backend(flowcount, svc, be));
	print_stats(&be->stats, false);
	pr_end();
}

static int print_service(const struct nflb_service *svc, void *data)
{
	char num[16];
	size_t i;

	(void)data;
	pr_begin(0);
	pr_value("proto", nflb_enum_name_or_num(nflb_proto_names, svc->proto,
						num, sizeof(num)));
	pr_endpoint("vip", "port", svc->family, &svc->addr, true, svc->port);
	pr_service_table(svc);
	pr_flag("snat", svc->snat);
	pr_service_snat_addr(svc);
	if (svc->forward != NFLB_FORWARD_NAT)
		pr_str("forward", nflb_enum_name_or_num(nflb_forward_names,
							svc->forward, num,
							sizeof(num)));
	pr_flag("synproxy", svc->synproxy);
	pr_service_timeouts(svc, false);
	pr_service_rate(svc, false);
	if (flowcount)
		pr_u64("flows", lbadm_flowcount_service(flowcount, svc));
	print_stats(&svc->stats, svc->forward != NFLB_FORWARD_NAT);
	/* Text: the backends' lines follow the service's. */
	pr_list_begin("backends");
	for (i = 0; i < svc->n_backends; i++)
		print_backend(svc, &svc->backends[i]);
	pr_list_end();
	pr_end();
	return 0;
}

int cmd_service(int argc, char **argv)
{
	char what[256];
	struct lbadm_perr e;
	struct lbadm_req req;
	struct nflb_nl *nl;
	int ret, out = 0;

	/* "lbadm service" alone: show, as ip(8) does. */
	if (argc == 1) {
		static char *show[] = { "show", NULL };

		ret = lbadm_parse_service_args(1, show, &req, &e);
	} else {
		ret = lbadm_parse_service_args(argc - 1, argv + 1, &req, &e);
	}
	if (ret < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	if (req.op == LBADM_OP_TABLE)
		return lbadm_table(&req);

	/* A show prints a document (-j) whatever fails: [] if nothing. */
	nl = lbadm_open();
	if (!nl) {
		if (req.op == LBADM_OP_SHOW)
			pr_flush();
		return 1;
	}
	/* After the module's check: its absence is what to say first. */
	if (req.op == LBADM_OP_SHOW && lbadm_stats) {
		flowcount = lbadm_flowcount_load();
		if (!flowcount) {
			pr_flush();
			nflb_nl_close(nl);
			return 1;
		}
	}
	switch (req.op) {
	case LBADM_OP_ADD:
		ret = nflb_service_add(nl, &req.svc);
		break;
	case LBADM_OP_SET:
		ret = nflb_service_set(nl, &req.svc);
		break;
	case LBADM_OP_DEL:
		ret = nflb_service_del(nl, &req.svc);
		break;
	case LBADM_OP_SHOW:
		if (req.has_key)
			ret = nflb_service_get(nl, &req.svc, print_service,
					       NULL);
		else
			ret = nflb_service_dump(nl, print_service, NULL);
		break;
	default:
		ret = -1;
		nflb_nl_set_error(nl, EINVAL, "unsupported command");
		break;
	}
	/* What was shown before a failure, then why it failed. */
	if (req.op == LBADM_OP_SHOW)
		out = pr_flush();
	if (ret < 0)
		lbadm_nl_err(nl, lbadm_describe(&req, what, sizeof(what)));
	nflb_nl_close(nl);
	lbadm_flowcount_free(flowcount);
	return ret < 0 || out < 0 ? 1 : 0;
}
