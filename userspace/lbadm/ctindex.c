// SPDX-License-Identifier: GPL-2.0
/*
 * The index of conntrack's destination-NATed entries and nflb's matching
 * rules (ctindex.h): sorted arrays and binary searches, so that counting
 * the flows of 10,000 services over 100,000 entries stays O(n log n).
 */

#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ctindex.h"

struct lbadm_flowcount {
	struct lbadm_ct *ents;		/* n entries */
	size_t n;
	const struct lbadm_ct **by_port;	/* n */
	const struct lbadm_ct **by_addr;	/* n_addr */
	size_t n_addr;
};

bool lbadm_ct_keep(const struct lbadm_ct *e)
{
	return (e->family == AF_INET || e->family == AF_INET6) &&
	       (e->proto == IPPROTO_TCP || e->proto == IPPROTO_UDP) &&
	       (e->status & IPS_DST_NAT);
}

/* Three-way comparisons: <0, 0, >0. */
static int cmp_u(unsigned int a, unsigned int b)
{
	return (a > b) - (a < b);
}

static int cmp_addr(const union nflb_inaddr *a, const union nflb_inaddr *b)
{
	return memcmp(a->raw, b->raw, sizeof(a->raw));
}

/*
 * A search key: the fields of an entry the lookups compare, LEVEL saying
 * how many of them (the rest match anything).
 */
struct ct_key {
	uint16_t family;
	uint8_t proto;
	const union nflb_inaddr *vip;
	uint16_t vip_port;
	const union nflb_inaddr *backend;
	uint16_t backend_port;
};

enum {
	LVL_VIP,	/* family, proto, VIP */
	LVL_PORT,	/* by_port: and VIP port; by_addr: and backend */
	LVL_BACKEND,	/* by_port: and backend, backend port */
};

static int key_head(const struct lbadm_ct *e, const struct ct_key *k)
{
	int c;

	c = cmp_u(e->family, k->family);
	if (!c)
		c = cmp_u(e->proto, k->proto);
	if (!c)
		c = cmp_addr(&e->vip, k->vip);
	return c;
}

static int key_by_port(const struct lbadm_ct *e, const struct ct_key *k,
		       int level)
{
	int c = key_head(e, k);

	if (!c && level >= LVL_PORT)
		c = cmp_u(e->vip_port, k->vip_port);
	if (!c && level >= LVL_BACKEND)
		c = cmp_addr(&e->backend, k->backend);
	if (!c && level >= LVL_BACKEND)
		c = cmp_u(e->backend_port, k->backend_port);
	return c;
}

static int key_by_addr(const struct lbadm_ct *e, const struct ct_key *k,
		       int level)
{
	int c = key_head(e, k);

	if (!c && level >= LVL_PORT)
		c = cmp_addr(&e->backend, k->backend);
	return c;
}

static int cmp_client(const struct lbadm_ct *a, const struct lbadm_ct *b)
{
	int c = cmp_addr(&a->client, &b->client);

	return c ? c : cmp_u(a->client_port, b->client_port);
}

static int sort_by_port(const void *pa, const void *pb)
{
	const struct lbadm_ct *a = *(const struct lbadm_ct *const *)pa;
	const struct lbadm_ct *b = *(const struct lbadm_ct *const *)pb;
	struct ct_key k = {
		b->family, b->proto, &b->vip, b->vip_port, &b->backend,
		b->backend_port,
	};
	int c = key_by_port(a, &k, LVL_BACKEND);

	return c ? c : cmp_client(a, b);
}

static int sort_by_addr(const void *pa, const void *pb)
{
	const struct lbadm_ct *a = *(const struct lbadm_ct *const *)pa;
	const struct lbadm_ct *b = *(const struct lbadm_ct *const *)pb;
	struct ct_key k = {
		b->family, b->proto, &b->vip, 0, &b->backend, 0,
	};
	int c = key_by_addr(a, &k, LVL_PORT);

	if (!c)
		c = cmp_client(a, b);
	return c ? c : cmp_u(a->vip_port, b->vip_port);
}

void lbadm_flowcount_free(struct lbadm_flowcount *fc)
{
	if (!fc)
		return;
	free(fc->ents);
	free(fc->by_port);
	free(fc->by_addr);
	free(fc);
}

struct lbadm_flowcount *lbadm_flowcount_build(const struct lbadm_ct *e,
					      size_t n)
{
	struct lbadm_flowcount *fc;
	size_t i;

	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return NULL;
	/* calloc(0) may return NULL: allocate at least one element. */
	fc->ents = calloc(n ? n : 1, sizeof(*fc->ents));
	fc->by_port = calloc(n ? n : 1, sizeof(*fc->by_port));
	fc->by_addr = calloc(n ? n : 1, sizeof(*fc->by_addr));
	if (!fc->ents || !fc->by_port || !fc->by_addr) {
		lbadm_flowcount_free(fc);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (lbadm_ct_keep(&e[i]))
			fc->ents[fc->n++] = e[i];
	for (i = 0; i < fc->n; i++) {
		const struct lbadm_ct *x = &fc->ents[i];

		fc->by_port[i] = x;
		if (x->backend_port == x->vip_port)
			fc->by_addr[fc->n_addr++] = x;
	}
	qsort(fc->by_port, fc->n, sizeof(*fc->by_port), sort_by_port);
	qsort(fc->by_addr, fc->n_addr, sizeof(*fc->by_addr), sort_by_addr);
	return fc;
}

/* The first index in V[0..N) whose entry is not below K (UPPER: above K). */
static size_t bound(const struct lbadm_ct *const *v, size_t n,
		    int (*cmp)(const struct lbadm_ct *, const struct ct_key *,
			       int),
		    const struct ct_key *k, int level, bool upper)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp(v[mid], k, level);
		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t lbadm_flows_of(const struct lbadm_flowcount *fc,
		      const struct nflb_service *svc,
		      const struct nflb_backend *be,
		      const struct lbadm_ct *const **first)
{
	struct ct_key k = {
		.family = svc->family,
		.proto = svc->proto,
		.vip = &svc->addr,
		.vip_port = svc->port,
		.backend = &be->addr,
	};
	const struct lbadm_ct *const *v;
	size_t n, lo, hi;
	int (*cmp)(const struct lbadm_ct *, const struct ct_key *, int);
	int level;

	*first = NULL;
	if (!fc || be->family != svc->family)
		return 0;
	if (svc->port) {
		k.backend_port = NFLB_HAS(be, NFLB_BE_A_PORT) && be->port ?
				 be->port : svc->port;
		v = fc->by_port;
		n = fc->n;
		cmp = key_by_port;
		level = LVL_BACKEND;
	} else {
		v = fc->by_addr;
		n = fc->n_addr;
		cmp = key_by_addr;
		level = LVL_PORT;
	}
	lo = bound(v, n, cmp, &k, level, false);
	hi = bound(v + lo, n - lo, cmp, &k, level, true) + lo;
	*first = v + lo;
	return hi - lo;
}

uint64_t lbadm_flowcount_backend(const struct lbadm_flowcount *fc,
				 const struct nflb_service *svc,
				 const struct nflb_backend *be)
{
	const struct lbadm_ct *const *first;

	return lbadm_flows_of(fc, svc, be, &first);
}

uint64_t lbadm_flowcount_service(const struct lbadm_flowcount *fc,
				 const struct nflb_service *svc)
{
	uint64_t sum = 0;
	size_t i;

	/* Backends are distinct (address, port): no flow counts twice. */
	for (i = 0; i < svc->n_backends; i++)
		sum += lbadm_flowcount_backend(fc, svc, &svc->backends[i]);
	return sum;
}

static const struct nflb_name tcp_states[] = {
	{ TCP_CONNTRACK_NONE, "NONE" },
	{ TCP_CONNTRACK_SYN_SENT, "SYN_SENT" },
	{ TCP_CONNTRACK_SYN_RECV, "SYN_RECV" },
	{ TCP_CONNTRACK_ESTABLISHED, "ESTABLISHED" },
	{ TCP_CONNTRACK_FIN_WAIT, "FIN_WAIT" },
	{ TCP_CONNTRACK_CLOSE_WAIT, "CLOSE_WAIT" },
	{ TCP_CONNTRACK_LAST_ACK, "LAST_ACK" },
	{ TCP_CONNTRACK_TIME_WAIT, "TIME_WAIT" },
	{ TCP_CONNTRACK_CLOSE, "CLOSE" },
	{ TCP_CONNTRACK_SYN_SENT2, "SYN_SENT2" },
	{ 0, NULL },
};

const char *lbadm_ct_state(const struct lbadm_ct *e, char *buf, size_t len)
{
	if (e->proto == IPPROTO_TCP)
		return nflb_enum_name_or_num(tcp_states, e->tcp_state, buf,
					     len);
	if (e->status & IPS_ASSURED)
		return "ASSURED";
	if (e->status & IPS_SEEN_REPLY)
		return "REPLIED";
	return "UNREPLIED";
}
