// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm_flowcount_load(): one dump of the conntrack table over ctnetlink
 * (libnetfilter_conntrack), both address families at once, keeping the
 * destination-NATed TCP and UDP entries; ctindex.c indexes them and
 * answers the queries of ctflows.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ctindex.h"
#include "util.h"

struct ct_dump {
	struct lbadm_ct *ents;
	size_t n, cap;
	bool nomem;
};

static void get_addr(const struct nf_conntrack *ct, uint16_t family,
		     enum nf_conntrack_attr a4, enum nf_conntrack_attr a6,
		     union nflb_inaddr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET)
		addr->v4.s_addr = nfct_get_attr_u32(ct, a4);
	else
		memcpy(&addr->v6, nfct_get_attr(ct, a6), sizeof(addr->v6));
}

static int ct_entry(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	struct ct_dump *d = data;
	struct lbadm_ct e = { 0 }, *p;

	(void)type;
	if (!nfct_attr_is_set(ct, ATTR_ORIG_L3PROTO) ||
	    !nfct_attr_is_set(ct, ATTR_ORIG_L4PROTO) ||
	    !nfct_attr_is_set(ct, ATTR_STATUS))
		return NFCT_CB_CONTINUE;
	e.family = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	e.proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	e.status = nfct_get_attr_u32(ct, ATTR_STATUS);
	if (!lbadm_ct_keep(&e))
		return NFCT_CB_CONTINUE;
	get_addr(ct, e.family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC,
		 &e.client);
	get_addr(ct, e.family, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, &e.vip);
	get_addr(ct, e.family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC,
		 &e.backend);
	e.client_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
	e.vip_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
	e.backend_port = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
	if (e.proto == IPPROTO_TCP && nfct_attr_is_set(ct, ATTR_TCP_STATE))
		e.tcp_state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
	if (nfct_attr_is_set(ct, ATTR_TIMEOUT))
		e.timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);

	p = NFLB_ARRAY_PUSH(d->ents, d->n, d->cap);
	if (!p) {
		d->nomem = true;
		return NFCT_CB_FAILURE;
	}
	*p = e;
	return NFCT_CB_CONTINUE;
}

struct lbadm_flowcount *lbadm_flowcount_load(void)
{
	struct lbadm_flowcount *fc = NULL;
	struct ct_dump d = { 0 };
	uint32_t family = AF_UNSPEC;	/* IPv4 and IPv6 */
	struct nfct_handle *h;
	int ret, err;

	h = nfct_open(CONNTRACK, 0);
	if (!h) {
		lbadm_err("cannot open ctnetlink to read the conntrack table: %s",
			  strerror(errno));
		return NULL;
	}
	nfct_callback_register(h, NFCT_T_ALL, ct_entry, &d);
	ret = nfct_query(h, NFCT_Q_DUMP, &family);
	err = errno;
	nfct_close(h);
	if (d.nomem) {
		lbadm_err("cannot read the conntrack table: out of memory");
		goto out;
	}
	if (ret < 0) {
		if (err == EPERM)
			lbadm_err("cannot read the conntrack table: %s (CAP_NET_ADMIN is needed)",
				  strerror(err));
		else
			lbadm_err("cannot read the conntrack table: %s",
				  strerror(err));
		goto out;
	}
	fc = lbadm_flowcount_build(d.ents, d.n);
	if (!fc)
		lbadm_err("cannot index the conntrack table: out of memory");
out:
	free(d.ents);
	return fc;
}
