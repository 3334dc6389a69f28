// SPDX-License-Identifier: GPL-2.0
/*
 * Plans: compare what the kernel has with what lbhealthd wants, service by
 * service, and list the fewest requests that close the gap.  Nothing that
 * already matches gets a request, which is what keeps a reload or a
 * reconcile from disturbing anything (a request for an unchanged backend
 * would be harmless to its flows, but it would still rebuild the table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "plan.h"

static struct hc_op *plan_push(struct hc_plan *plan, enum hc_op_kind kind,
			       const struct nflb_service *svc)
{
	struct hc_op *op = NFLB_ARRAY_PUSH(plan->ops, plan->n, plan->cap);

	if (!op)
		return NULL;
	op->kind = kind;
	op->flush = false;
	op->svc = *svc;
	op->svc.backends = NULL;
	op->svc.n_backends = 0;
	memset(&op->svc.stats, 0, sizeof(op->svc.stats));
	op->svc.present &= ~NFLB_BIT(NFLB_SVC_A_STATS);
	return op;
}

static const struct nflb_backend *
find_backend(const struct nflb_service *svc, const struct nflb_backend *be)
{
	size_t i;

	for (i = 0; i < svc->n_backends; i++)
		if (nflb_backend_same_key(&svc->backends[i], be))
			return &svc->backends[i];
	return NULL;
}

/* The fixed snat address: wanted (or masquerade wanted) and not so. */
static bool snat_addr_differs(const struct nflb_service *want,
			      const struct nflb_service *have)
{
	bool w = NFLB_HAS(want, NFLB_SVC_A_SNAT_ADDR);
	bool h = NFLB_HAS(have, NFLB_SVC_A_SNAT_ADDR);

	if (!NFLB_HAS(want, NFLB_SVC_A_SNAT) || !want->snat)
		return false;	/* snat off: DIFF(snat) says it */
	if (w != h)
		return true;
	return w && memcmp(&want->snat_addr, &have->snat_addr,
			   nflb_addr_len(want->family)) != 0;
}

/*
 * Options wanted and different from the kernel's.  The kernel reports
 * every option but timeouts, which it leaves out when they are 0 (the
 * conntrack default), and the rate and burst, left out when the rate is
 * 0: there, absent means 0.
 */
static bool options_differ(const struct nflb_service *want,
			   const struct nflb_service *have)
{
#define DIFF(attr, field) \
	(NFLB_HAS(want, attr) && NFLB_HAS(have, attr) && \
	 want->field != have->field)
#define DIFF_TIMEOUT(attr, field) \
	(NFLB_HAS(want, attr) && \
	 want->field != (NFLB_HAS(have, attr) ? have->field : 0))
	return DIFF(NFLB_SVC_A_TABLE_SIZE, table_size) ||
	       DIFF(NFLB_SVC_A_HASH, hash) ||
	       DIFF(NFLB_SVC_A_SEED, seed) ||
	       DIFF(NFLB_SVC_A_SNAT, snat) ||
	       DIFF(NFLB_SVC_A_FORWARD, forward) ||
	       DIFF(NFLB_SVC_A_SYNPROXY, synproxy) ||
	       snat_addr_differs(want, have) ||
	       DIFF_TIMEOUT(NFLB_SVC_A_TIMEOUT_TCP, timeout_tcp) ||
	       DIFF_TIMEOUT(NFLB_SVC_A_TIMEOUT_TCP_FIN, timeout_tcp_fin) ||
	       DIFF_TIMEOUT(NFLB_SVC_A_TIMEOUT_UDP, timeout_udp) ||
	       DIFF_TIMEOUT(NFLB_SVC_A_RATE, rate) ||
	       (want->rate && DIFF_TIMEOUT(NFLB_SVC_A_BURST, burst));
#undef DIFF_TIMEOUT
#undef DIFF
}

static bool backend_differs(const struct nflb_backend *want,
			    const struct nflb_backend *have)
{
	return (NFLB_HAS(want, NFLB_BE_A_WEIGHT) &&
		want->weight != have->weight) ||
	       (NFLB_HAS(want, NFLB_BE_A_STATE) &&
		want->state != have->state);
}

static int plan_add(struct hc_plan *plan, const struct nflb_service *want)
{
	struct hc_op *op = plan_push(plan, HC_OP_SVC_ADD, want);
	struct nflb_service svc;

	if (!op)
		return -1;
	/* The request's key and options, with WANT's backends. */
	svc = op->svc;
	svc.backends = want->backends;
	svc.n_backends = want->n_backends;
	if (nflb_service_copy(&op->svc, &svc) < 0) {
		plan->n--;
		return -1;
	}
	return 0;
}

/* Whether a BE_SET from HAVE to WANT takes the backend down. */
static bool goes_down(const struct nflb_backend *want,
		      const struct nflb_backend *have)
{
	return NFLB_HAS(want, NFLB_BE_A_STATE) &&
	       want->state == NFLB_BACKEND_DOWN &&
	       have->state != NFLB_BACKEND_DOWN;
}

int hc_plan_service(struct hc_plan *plan, const struct nflb_service *want,
		    const struct nflb_service *have, unsigned int flags)
{
	const struct nflb_backend *be, *other;
	struct nflb_service keep;
	struct hc_op *op;
	size_t i;

	if (!want && !have)
		return 0;
	if (!want)
		return plan_push(plan, HC_OP_SVC_DEL, have) ? 0 : -1;
	if (!have)
		return plan_add(plan, want);
	if ((flags & HC_PLAN_KEEP_SIZE) &&
	    NFLB_HAS(have, NFLB_SVC_A_TABLE_SIZE)) {
		keep = *want;
		keep.table_size = have->table_size;
		want = &keep;
	}

	if (options_differ(want, have) &&
	    !plan_push(plan, HC_OP_SVC_SET, want))
		return -1;
	/* Deletions first: a table never holds both the old and new set. */
	for (i = 0; i < have->n_backends; i++) {
		be = &have->backends[i];
		if (find_backend(want, be))
			continue;
		op = plan_push(plan, HC_OP_BE_DEL, want);
		if (!op)
			return -1;
		op->be = *be;
	}
	for (i = 0; i < want->n_backends; i++) {
		be = &want->backends[i];
		other = find_backend(have, be);
		if (other && !backend_differs(be, other))
			continue;
		op = plan_push(plan, other ? HC_OP_BE_SET : HC_OP_BE_ADD,
			       want);
		if (!op)
			return -1;
		op->be = *be;
		op->flush = other && (flags & HC_PLAN_FLUSH_DOWN) &&
			    goes_down(be, other);
	}
	return 0;
}

unsigned int hc_plan_flags(const struct hc_service_conf *conf)
{
	return (conf->flush_on_down ? HC_PLAN_FLUSH_DOWN : 0) |
	       (conf->table_size_set ? 0 : HC_PLAN_KEEP_SIZE);
}

int hc_plan_split(struct hc_plan *plan, size_t max)
{
	size_t i, j, n = plan->n;
	struct nflb_service svc;
	struct hc_op *op;

	for (i = 0; i < n; i++) {
		/* plan_push() may move plan->ops: work on a copy. */
		svc = plan->ops[i].svc;
		if (plan->ops[i].kind != HC_OP_SVC_ADD || svc.n_backends <= max)
			continue;
		for (j = max; j < svc.n_backends; j++) {
			op = plan_push(plan, HC_OP_BE_ADD, &svc);
			if (!op)
				return -1;
			op->be = svc.backends[j];
		}
		plan->ops[i].svc.n_backends = max;
	}
	return 0;
}

void hc_plan_free(struct hc_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++)
		free(plan->ops[i].svc.backends);
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}

void hc_op_describe(const struct hc_op *op, char *buf, size_t len)
{
	static const char *const what[] = {
		[HC_OP_SVC_ADD] = "service add",
		[HC_OP_SVC_SET] = "service set",
		[HC_OP_SVC_DEL] = "service del",
		[HC_OP_BE_ADD] = "backend add",
		[HC_OP_BE_SET] = "backend set",
		[HC_OP_BE_DEL] = "backend del",
	};
	char svc[NFLB_ADDRSTRLEN], be[NFLB_ADDRSTRLEN];
	const char *state;

	nflb_addr_format(op->svc.family, &op->svc.addr, true, op->svc.port,
			 svc, sizeof(svc));
	if (op->kind < HC_OP_BE_ADD) {
		snprintf(buf, len, "%s %s %s", what[op->kind],
			 nflb_proto_name(op->svc.proto), svc);
		return;
	}
	nflb_addr_format(op->be.family, &op->be.addr,
			 NFLB_HAS(&op->be, NFLB_BE_A_PORT), op->be.port, be,
			 sizeof(be));
	if (op->kind == HC_OP_BE_DEL) {
		snprintf(buf, len, "%s %s %s %s", what[op->kind],
			 nflb_proto_name(op->svc.proto), svc, be);
		return;
	}
	state = nflb_state_name(op->be.state);
	snprintf(buf, len, "%s %s %s %s weight %u state %s%s", what[op->kind],
		 nflb_proto_name(op->svc.proto), svc, be, op->be.weight,
		 state ? state : "?", op->flush ? " flush" : "");
}
