/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel should hold for one service, given its configuration and
 * the health of its backends: pure, so that the rules (failure mode,
 * quorum, sorry backend) are unit-tested apart from any I/O.
 */
#ifndef LBHEALTHD_WANT_H
#define LBHEALTHD_WANT_H

#include <stdbool.h>

#include "config.h"

/*
 * How many backends count toward CONF's quorum: the healthy ones not in
 * maintenance (MAINT[i]: backends[i] is; MAINT may be NULL: none is).
 */
size_t hc_want_counted(const struct hc_service_conf *conf,
		       const bool *healthy, const bool *maint);

/*
 * Fill *WANT (free it with nflb_service_free()) for CONF with HEALTHY[i]
 * the verdict of CONF->backends[i] and MAINT[i] (MAINT may be NULL)
 * whether it is in maintenance:
 * - a backend in maintenance is drained at its weight (its flows go on,
 *   it takes no new ones) whatever its verdict, and does not count toward
 *   the quorum (as a backend in maintenance in keepalived);
 * - quorum met (healthy backends >= quorum, or no sorry backend): healthy
 *   backends up at their weight; failed ones down (on-failure down) or up
 *   at weight 0 (on-failure drain);
 * - quorum lost and a sorry backend configured: the sorry backend up, the
 *   healthy backends drained (their flows continue), the failed ones as
 *   above.
 * *QUORUM_OK tells which case it was.  Returns 0, or -1 (ENOMEM).
 */
int hc_want_service(const struct hc_service_conf *conf, const bool *healthy,
		    const bool *maint, struct nflb_service *want,
		    bool *quorum_ok);

/*
 * Whether CONF's VIP should be announced to the routers for this service,
 * COUNTED of its backends counting toward the quorum (hc_want_counted()):
 * only if the file announces it, and while it has a usable backend and its
 * quorum.  A sorry backend does not count: in a cluster, a node whose
 * service lost its quorum leaves the VIP to the others.
 */
bool hc_want_announce(const struct hc_service_conf *conf, size_t counted);

#endif /* LBHEALTHD_WANT_H */
