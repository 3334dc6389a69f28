// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm flow show [tcp|udp VIP:PORT] [backend ADDR[:PORT]]: nflb's flows as
 * conntrack tracks them, one line each:
 *
 *   tcp client 192.0.2.1:40312 vip 203.0.113.10:80 backend 10.0.0.2:80 state ESTABLISHED timeout 431998
 *
 * in the order of services (family, protocol, VIP, port), then backends
 * (family, address, port), then clients (address, port).  The backend
 * filter selects the flows whose backend address (and port, if given) is
 * the one named.
 */

#include <errno.h>
#include <string.h>

#include "ctindex.h"
#include "lbadm.h"
#include "model.h"
#include "print.h"
#include "util.h"

static void print_flow(const struct lbadm_ct *e)
{
	char num[16];

	pr_begin(0);
	pr_value("proto", nflb_proto_name(e->proto));
	pr_label("client");
	pr_endpoint("client", "client-port", e->family, &e->client, true,
		    e->client_port);
	pr_label("vip");
	pr_endpoint("vip", "vip-port", e->family, &e->vip, true, e->vip_port);
	pr_label("backend");
	pr_endpoint("backend", "backend-port", e->family, &e->backend, true,
		    e->backend_port);
	pr_str("state", lbadm_ct_state(e, num, sizeof(num)));
	pr_u64("timeout", e->timeout);
	pr_end();
}

static void show_service(const struct lbadm_conf *c,
			 const struct lbadm_flowcount *fc,
			 const struct nflb_service *svc,
			 const struct lbadm_flow_req *req)
{
	const struct lbadm_ct *const *flows;
	struct nflb_service other;
	size_t i, j, n;

	for (i = 0; i < svc->n_backends; i++) {
		const struct nflb_backend *be = &svc->backends[i];

		if (req->has_be &&
		    (be->family != req->be.family ||
		     memcmp(&be->addr, &req->be.addr, sizeof(be->addr))))
			continue;
		n = lbadm_flows_of(fc, svc, be, &flows);
		for (j = 0; j < n; j++) {
			const struct lbadm_ct *e = flows[j];

			if (req->has_be && NFLB_HAS(&req->be, NFLB_BE_A_PORT) &&
			    e->backend_port != req->be.port)
				continue;
			/* A service on the flow's port takes precedence. */
			if (!svc->port) {
				other = *svc;
				other.port = e->vip_port;
				if (lbadm_conf_find(c, &other))
					continue;
			}
			print_flow(e);
		}
	}
}

int cmd_flow(int argc, char **argv)
{
	char vip[NFLB_ADDRSTRLEN];
	struct lbadm_flowcount *fc;
	struct lbadm_flow_req req;
	const struct nflb_service *one = NULL;
	struct lbadm_conf c;
	struct lbadm_perr e;
	struct nflb_nl *nl;
	int ret = 1, err;
	size_t i;

	if (lbadm_parse_flow_args(argc - 1, argv + 1, &req, &e) < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	lbadm_conf_init(&c);
	nl = lbadm_open();
	if (!nl)
		goto out;	/* -j: still a document, [] */
	err = lbadm_conf_dump(nl, &c);
	if (err == -ENOMEM)
		lbadm_err("flow show: out of memory");
	else if (err < 0)
		lbadm_nl_err(nl, "flow show: listing the services");
	nflb_nl_close(nl);
	if (err < 0)
		goto out;
	lbadm_conf_sort_backends(&c);
	if (req.has_svc) {
		one = lbadm_conf_find(&c, &req.svc);
		if (!one) {
			lbadm_err("flow show: no service %s %s",
				  nflb_proto_name(req.svc.proto),
				  nflb_addr_format(req.svc.family,
						   &req.svc.addr, true,
						   req.svc.port, vip,
						   sizeof(vip)));
			goto out;
		}
	}
	fc = lbadm_flowcount_load();
	if (!fc)
		goto out;
	if (one)
		show_service(&c, fc, one, &req);
	else
		for (i = 0; i < c.n; i++)
			show_service(&c, fc, c.v[i], &req);
	lbadm_flowcount_free(fc);
	ret = 0;
out:
	/* pr_flush() says why it failed. */
	if (pr_flush() < 0)
		ret = 1;
	lbadm_conf_free(&c);
	return ret;
}
