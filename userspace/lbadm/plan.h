/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requests that carry out a restore file or re-create a configuration
 * (plan.c): a "service add" and the "backend add" lines of that service
 * right after it become one SERVICE_NEW, its table built once.  Pure
 * functions: the requests are sent by restore.c.
 */
#ifndef LBADM_PLAN_H
#define LBADM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "script.h"

/* A request: what a line (or several, coalesced) sends. */
struct lbadm_rop {
	uint8_t cmd;			/* NFLB_CMD_* */
	unsigned int lineno;		/* tag: the line it comes from */
	struct nflb_service svc;	/* SERVICE_NEW: backends owned */
	struct nflb_backend be;
	bool flush;			/* BACKEND_DEL ... flush */
	struct lbadm_offload *offload;	/* OFFLOAD_SET: owned */
};

struct lbadm_plan {
	struct lbadm_rop *rops;
	size_t n, cap;
};

void lbadm_plan_free(struct lbadm_plan *p);
/*
 * The requests of S, in order: a "service add" and the "backend add" lines
 * of that service right after it become one SERVICE_NEW (up to
 * MAX_PER_MSG backends, the rest BACKEND_NEW).  0 or -1.
 */
int lbadm_plan_script(const struct lbadm_script *s, size_t max_per_msg,
		      struct lbadm_plan *p);
/*
 * FLUSH, then the requests re-creating C (rollback), sorted, and
 * OFFLOAD_SET of C's devices last (FLUSH keeps them: a failed restore may
 * have changed them).  0 or -1.
 */
int lbadm_plan_conf(struct lbadm_conf *c, size_t max_per_msg,
		    struct lbadm_plan *p);
/*
 * The requests that turn HAVE (the kernel's configuration) into WANT, both
 * completed by lbadm_conf_fill_defaults() and compared by value; nothing
 * that already matches gets a request, so an unchanged service keeps its
 * table and its flows.  In order: OFFLOAD_SET when the offload devices
 * differ as sets (first: a flow of a new service is offloaded only when
 * the fast path was on as it began); SERVICE_DEL of the services WANT lacks
 * (their room freed first); for each service of both, SERVICE_SET of every
 * option when one differs, then BACKEND_DEL, BACKEND_SET (weight, state;
 * no flush) and BACKEND_NEW; last SERVICE_NEW of the new services with
 * their backends (MAX_PER_MSG a message).  Each request's tag is its index
 * in the plan plus one.  Sorts both models' backends.  0 or -1.
 */
int lbadm_plan_sync(struct lbadm_conf *have, struct lbadm_conf *want,
		    size_t max_per_msg, struct lbadm_plan *p);
/*
 * "service set tcp 192.0.2.10:80", "backend add tcp ... 10.0.0.1:80",
 * "offload dev eth0 dev eth1".
 */
char *lbadm_rop_describe(const struct lbadm_rop *rop, char *buf, size_t len);
/* Add ROP's attributes to NLH (started for ROP->cmd). */
void lbadm_rop_put(struct nlmsghdr *nlh, const struct lbadm_rop *rop);

#endif /* LBADM_PLAN_H */
