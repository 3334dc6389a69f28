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
 * the one named.  The flows of a DSR service (forward gre or ipip) come
 * from nflb's own flow table instead, in the same format and order (the
 * backend's port is the VIP's; states NEW, ESTABLISHED, FIN, CLOSE and,
 * for UDP, ACTIVE).
 *
 * lbadm flow flush [tcp|udp VIP:PORT [backend ADDR]]: forget DSR flows
 * (all, a service's, a backend's); their next packets are scheduled again.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctindex.h"
#include "lbadm.h"
#include "model.h"
#include "print.h"
#include "util.h"

static void print_flow(const struct lbadm_ct *e, const char *state)
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
	pr_str("state", state ? state : lbadm_ct_state(e, num, sizeof(num)));
	pr_u64("timeout", e->timeout);
	pr_end();
}

struct dsr_flows {
	struct nflb_flow *v;
	size_t n, cap;
};

static int dsr_collect(const struct nflb_flow *f, void *data)
{
	struct dsr_flows *d = data;
	struct nflb_flow *v;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		v = realloc(d->v, d->cap * sizeof(*v));
		if (!v)
			return -1;
		d->v = v;
	}
	d->v[d->n++] = *f;
	return 0;
}

static int dsr_cmp(const void *a, const void *b)
{
	const struct nflb_flow *x = a, *y = b;
	size_t len = nflb_addr_len(x->family);
	int d;

	d = memcmp(&x->backend, &y->backend, len);
	if (!d)
		d = memcmp(&x->client, &y->client, len);
	if (!d)
		d = (int)x->client_port - (int)y->client_port;
	if (!d)
		d = (int)x->vip_port - (int)y->vip_port;
	return d;
}

/* A DSR service's flows, from nflb's flow table. */
static int show_dsr_service(struct nflb_nl *nl, const struct lbadm_conf *c,
			    const struct nflb_service *svc,
			    const struct lbadm_flow_req *req)
{
	struct dsr_flows d = { 0 };
	struct nflb_service other;
	struct lbadm_ct e;
	size_t i;

	if (nflb_flow_dump(nl, svc, dsr_collect, &d) < 0) {
		if (nflb_nl_error(nl)->error == ECANCELED)
			lbadm_err("flow show: out of memory");
		else
			lbadm_nl_err(nl, "flow show: listing the DSR flows");
		free(d.v);
		return -1;
	}
	if (d.n)
		qsort(d.v, d.n, sizeof(*d.v), dsr_cmp);
	for (i = 0; i < d.n; i++) {
		const struct nflb_flow *f = &d.v[i];

		if (req->has_be &&
		    (f->family != req->be.family ||
		     memcmp(&f->backend, &req->be.addr,
			    nflb_addr_len(f->family)) ||
		     (NFLB_HAS(&req->be, NFLB_BE_A_PORT) &&
		      f->vip_port != req->be.port)))
			continue;
		if (!svc->port) {
			other = *svc;
			other.port = f->vip_port;
			if (lbadm_conf_find(c, &other))
				continue;
		}
		memset(&e, 0, sizeof(e));
		e.family = f->family;
		e.proto = f->proto;
		e.client = f->client;
		e.vip = f->vip;
		e.backend = f->backend;
		e.client_port = f->client_port;
		e.vip_port = f->vip_port;
		e.backend_port = f->vip_port;
		e.timeout = f->timeout;
		print_flow(&e, nflb_enum_name(nflb_flow_state_names,
					      f->state));
	}
	free(d.v);
	return 0;
}

static int cmd_flow_flush(const struct lbadm_flow_req *req)
{
	struct nflb_nl *nl = lbadm_open();
	int ret = 0;

	if (!nl)
		return 1;
	if (nflb_flow_flush(nl, req->has_svc ? &req->svc : NULL,
			    req->has_be ? &req->be : NULL) < 0) {
		lbadm_nl_err(nl, "flow flush");
		ret = 1;
	}
	nflb_nl_close(nl);
	return ret;
}

/*
 * lbadm flow stats: the DSR flow table of the netns, one line:
 *   size 65536 used 300 inserts 2400 evicts 0 full 0 too-big 3 no-route 0 errors 0 icmp 0
 *   guard 0 guard-rate 100000
 * (guard: new flows left without an entry above guard-rate a second,
 * net.nflb.dsr_flow_rate)
 */
static int cmd_flow_stats(void)
{
	struct nflb_flowtable ft;
	struct nflb_nl *nl = lbadm_open();
	int ret = 0;

	if (!nl)
		return 1;
	if (nflb_flowtable_get(nl, &ft) < 0) {
		lbadm_nl_err(nl, "flow stats");
		ret = 1;
	} else {
		pr_begin(0);
		pr_u64("size", ft.size);
		pr_u64("used", ft.used);
		pr_u64("inserts", ft.inserts);
		pr_u64("evicts", ft.evicts);
		pr_u64("full", ft.full);
		pr_u64("too-big", ft.too_big);
		pr_u64("no-route", ft.no_route);
		pr_u64("errors", ft.errors);
		pr_u64("icmp", ft.icmp);
		pr_u64("guard", ft.guard);
		pr_u64("guard-rate", ft.rate);
		pr_end();
	}
	nflb_nl_close(nl);
	if (pr_flush() < 0)
		ret = 1;
	return ret;
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
			print_flow(e, NULL);
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
	if (req.flush)
		return cmd_flow_flush(&req);
	if (req.stats)
		return cmd_flow_stats();
	lbadm_conf_init(&c);
	nl = lbadm_open();
	if (!nl)
		goto out;	/* -j: still a document, [] */
	err = lbadm_conf_dump(nl, &c);
	if (err == -ENOMEM)
		lbadm_err("flow show: out of memory");
	else if (err < 0)
		lbadm_nl_err(nl, "flow show: listing the services");
	if (err < 0)
		goto out_nl;
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
			goto out_nl;
		}
	}
	fc = lbadm_flowcount_load();
	if (!fc)
		goto out_nl;
	ret = 0;
	for (i = 0; i < (one ? 1 : c.n); i++) {
		const struct nflb_service *s = one ? one : c.v[i];

		if (s->forward == NFLB_FORWARD_NAT)
			show_service(&c, fc, s, &req);
		else if (show_dsr_service(nl, &c, s, &req) < 0)
			ret = 1;
	}
	lbadm_flowcount_free(fc);
out_nl:
	nflb_nl_close(nl);
out:
	/* pr_flush() says why it failed. */
	if (pr_flush() < 0)
		ret = 1;
	lbadm_conf_free(&c);
	return ret;
}
