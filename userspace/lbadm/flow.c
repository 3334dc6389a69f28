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

#include <stdlib.h>
#include <string.h>

#include "ctindex.h"
#include "lbadm.h"
#include "print.h"
#include "util.h"

struct svc_list {
	struct nflb_service *v;
	size_t n, cap;
	bool nomem;
};

static void svc_list_free(struct svc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].backends);
	free(l->v);
}

static int cmp_u(unsigned int a, unsigned int b)
{
	return (a > b) - (a < b);
}

static int cmp_backend(const void *pa, const void *pb)
{
	const struct nflb_backend *a = pa, *b = pb;
	int c = cmp_u(a->family, b->family);

	if (!c)
		c = memcmp(a->addr.raw, b->addr.raw, sizeof(a->addr.raw));
	return c ? c : cmp_u(a->port, b->port);
}

static int cmp_service(const void *pa, const void *pb)
{
	const struct nflb_service *a = pa, *b = pb;
	int c = cmp_u(a->family, b->family);

	if (!c)
		c = cmp_u(a->proto, b->proto);
	if (!c)
		c = memcmp(a->addr.raw, b->addr.raw, sizeof(a->addr.raw));
	return c ? c : cmp_u(a->port, b->port);
}

/* Keep a copy of every service (the dump's are valid during the call). */
static int collect(const struct nflb_service *svc, void *data)
{
	struct svc_list *l = data;
	struct nflb_service *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		s = reallocarray(l->v, cap, sizeof(*s));
		if (!s)
			goto nomem;
		l->v = s;
		l->cap = cap;
	}
	s = &l->v[l->n];
	*s = *svc;
	s->backends = NULL;
	if (svc->n_backends) {
		s->backends = calloc(svc->n_backends, sizeof(*s->backends));
		if (!s->backends)
			goto nomem;
		memcpy(s->backends, svc->backends,
		       svc->n_backends * sizeof(*s->backends));
		qsort(s->backends, s->n_backends, sizeof(*s->backends),
		      cmp_backend);
	}
	l->n++;
	return 0;
nomem:
	l->nomem = true;
	return -1;
}

static const struct nflb_service *find_service(const struct svc_list *l,
					       const struct nflb_service *key)
{
	return bsearch(key, l->v, l->n, sizeof(*l->v), cmp_service);
}

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

static void show_service(const struct svc_list *l,
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
				if (find_service(l, &other))
					continue;
			}
			print_flow(e);
		}
	}
}

int cmd_flow(int argc, char **argv)
{
	char vip[NFLB_ADDRSTRLEN];
	struct svc_list l = { 0 };
	struct lbadm_flowcount *fc;
	struct lbadm_flow_req req;
	const struct nflb_service *one = NULL;
	struct lbadm_perr e;
	struct nflb_nl *nl;
	int ret = 1;
	size_t i;

	if (lbadm_parse_flow_args(argc - 1, argv + 1, &req, &e) < 0) {
		lbadm_err("%s", e.msg);
		return 1;
	}
	nl = lbadm_open();
	if (!nl)
		return 1;
	if (nflb_service_dump(nl, collect, &l) < 0) {
		if (l.nomem)
			lbadm_err("flow show: out of memory");
		else
			lbadm_nl_err(nl, "flow show: listing the services");
		nflb_nl_close(nl);
		goto out;
	}
	nflb_nl_close(nl);
	qsort(l.v, l.n, sizeof(*l.v), cmp_service);
	if (req.has_svc) {
		one = find_service(&l, &req.svc);
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
		show_service(&l, fc, one, &req);
	else
		for (i = 0; i < l.n; i++)
			show_service(&l, fc, &l.v[i], &req);
	lbadm_flowcount_free(fc);
	ret = 0;
out:
	if (pr_flush() < 0 && ret == 0) {
		lbadm_err("flow show: cannot write the output");
		ret = 1;
	}
	svc_list_free(&l);
	return ret;
}
