/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure half of ctflows.h: conntrack entries as lbadm keeps them, their
 * index, and the rules that say which entries are a service's flows (see
 * ctflows.h).  No I/O here: ctflows.c fills the entries from ctnetlink,
 * the unit tests from literals.
 *
 * The index holds the destination-NATed TCP and UDP entries twice sorted:
 *   by_port: (family, proto, VIP, VIP port, backend, backend port, client,
 *            client port): a service with a port owns, per backend, one
 *            contiguous range, already in client order;
 *   by_addr: only the entries whose backend port is the VIP port (the only
 *            ones an all-ports service can own), by (family, proto, VIP,
 *            backend, client, client port, VIP port).
 * Every lookup is a binary search: O(log n) per backend.
 */
#ifndef LBADM_CTINDEX_H
#define LBADM_CTINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflows.h"
#include "nflbnl.h"

/* One conntrack entry; ports in host order, addresses in network order. */
struct lbadm_ct {
	uint16_t family;		/* AF_INET, AF_INET6 */
	uint8_t proto;			/* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t tcp_state;		/* TCP_CONNTRACK_* (TCP only) */
	union nflb_inaddr client;	/* original source */
	union nflb_inaddr vip;		/* original destination */
	union nflb_inaddr backend;	/* reply source */
	uint16_t client_port, vip_port, backend_port;
	uint32_t status;		/* IPS_* bits */
	uint32_t timeout;		/* seconds left */
};

/* Whether E can be a flow of nflb: TCP or UDP, IPv4 or IPv6, DNATed. */
bool lbadm_ct_keep(const struct lbadm_ct *e);

/*
 * Build the index of N entries (copied; those lbadm_ct_keep() rejects are
 * left out).  NULL when out of memory.
 */
struct lbadm_flowcount *lbadm_flowcount_build(const struct lbadm_ct *e,
					      size_t n);

/*
 * The flows of SVC going to BE, in client order: *FIRST is an array of
 * the count returned (pointers into the index, valid until it is freed).
 * A service with a port: the entries to the VIP and port whose reply comes
 * from BE's address and port (the service's port when BE has none).  An
 * all-ports service: the entries to any port of the VIP whose reply comes
 * from BE's address and that port.
 */
size_t lbadm_flows_of(const struct lbadm_flowcount *fc,
		      const struct nflb_service *svc,
		      const struct nflb_backend *be,
		      const struct lbadm_ct *const **first);

/*
 * The protocol state of a flow: conntrack's TCP state name (ESTABLISHED,
 * TIME_WAIT, ...); for UDP, ASSURED, REPLIED or UNREPLIED from the status
 * bits.  BUF (at least 16 bytes) holds the number of an unknown TCP state.
 */
const char *lbadm_ct_state(const struct lbadm_ct *e, char *buf, size_t len);

#endif /* LBADM_CTINDEX_H */
