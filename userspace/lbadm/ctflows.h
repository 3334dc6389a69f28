/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nflb's flows as conntrack tracks them, read over ctnetlink with
 * libnetfilter_conntrack: "flow show" and the flow counts of "service show
 * -s".  A flow is nflb's when its original destination is a service's VIP
 * and port (any port for an all-ports service), its protocol the
 * service's, it is destination-NATed, and its reply source is one of the
 * service's backends (with the backend's port, or the original destination
 * port for an all-ports service).
 */
#ifndef LBADM_CTFLOWS_H
#define LBADM_CTFLOWS_H

#include <stdint.h>

#include "nflbnl.h"

/* Flow counts from one conntrack dump. */
struct lbadm_flowcount;

/*
 * Dump the conntrack table once and index its destination-NATed flows.
 * NULL on failure, with the reason printed (lbadm_err).
 */
struct lbadm_flowcount *lbadm_flowcount_load(void);
void lbadm_flowcount_free(struct lbadm_flowcount *fc);
/* Tracked flows of SVC going to BE; of SVC (all its backends). */
uint64_t lbadm_flowcount_backend(const struct lbadm_flowcount *fc,
				 const struct nflb_service *svc,
				 const struct nflb_backend *be);
uint64_t lbadm_flowcount_service(const struct lbadm_flowcount *fc,
				 const struct nflb_service *svc);

#endif /* LBADM_CTFLOWS_H */
