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
 * Fill *WANT (free it with nflb_service_free()) for CONF with HEALTHY[i]
 * the verdict of CONF->backends[i]:
 * - quorum met (healthy backends >= quorum, or no sorry backend): healthy
 *   backends up at their weight; failed ones down (on-failure down) or up
 *   at weight 0 (on-failure drain);
 * - quorum lost and a sorry backend configured: the sorry backend up, the
 *   healthy backends drained (their flows continue), the failed ones as
 *   above.
 * *QUORUM_OK tells which case it was.  Returns 0, or -1 (ENOMEM).
 */
int hc_want_service(const struct hc_service_conf *conf, const bool *healthy,
		    struct nflb_service *want, bool *quorum_ok);

#endif /* LBHEALTHD_WANT_H */
