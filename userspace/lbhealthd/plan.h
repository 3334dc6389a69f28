/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plans: the requests that turn the kernel's view of one service into the
 * one wanted.  Pure: no I/O, so reconcile, health pushes and reloads are
 * all the same computation, and unit-testable.
 */
#ifndef LBHEALTHD_PLAN_H
#define LBHEALTHD_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "nflbnl.h"

enum hc_op_kind {
	HC_OP_SVC_ADD,		/* svc with its backends (svc.backends) */
	HC_OP_SVC_SET,		/* svc's options */
	HC_OP_SVC_DEL,
	HC_OP_BE_ADD,
	HC_OP_BE_SET,		/* be's weight and state; flows too if flush */
	HC_OP_BE_DEL,		/* without flushing its flows */
};

struct hc_op {
	enum hc_op_kind kind;
	struct nflb_service svc;	/* key and options; backends only for SVC_ADD */
	struct nflb_backend be;
	bool flush;			/* BE_SET: expire be's flows too */
};

struct hc_plan {
	size_t n, cap;
	struct hc_op *ops;
};

/* Flags of hc_plan_service() */
#define HC_PLAN_FLUSH_DOWN	0x1	/* a backend set down: flush its flows */
#define HC_PLAN_KEEP_SIZE	0x2	/* WANT's table size only to create */

/*
 * Append to PLAN what turns HAVE (NULL: the service does not exist) into
 * WANT (NULL: it must not exist).  WANT has every option present and its
 * backends in WANT->backends.  Options are compared field by field (only
 * those present in both); backends by key, then weight and state.
 * Unchanged backends get no request at all.  With HC_PLAN_FLUSH_DOWN in
 * FLAGS, the BE_SET of a backend that the kernel has in another state
 * than down and that WANT has down carries flush (nothing else does: not a
 * drain, not a weight 0, not a backend that was down already).  With
 * HC_PLAN_KEEP_SIZE, a service that exists keeps its table size (a new
 * size would move its flows) and WANT's is only for creating one.
 * Returns 0, or -1 (ENOMEM).
 */
int hc_plan_service(struct hc_plan *plan, const struct nflb_service *want,
		    const struct nflb_service *have, unsigned int flags);
/* The flags for a service of configuration CONF (config.h). */
struct hc_service_conf;
unsigned int hc_plan_flags(const struct hc_service_conf *conf);

/*
 * Requests have a size limit: a SVC_ADD with more than MAX backends keeps
 * the first MAX, the others follow as BE_ADD at the end of the plan.
 */
int hc_plan_split(struct hc_plan *plan, size_t max);
void hc_plan_free(struct hc_plan *plan);	/* frees SVC_ADD backends too */

/* "service add tcp 10.0.0.1:80" style description of OP, for logs. */
void hc_op_describe(const struct hc_op *op, char *buf, size_t len);

#endif /* LBHEALTHD_PLAN_H */
