/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A configuration as data (model.c): services with their backends, as the
 * kernel dumps them, and the model a restore file is checked against
 * (script.h), saved from (save.h) and re-created from (plan.h).
 *
 * Services are kept in one order, libnflbnl's nflb_service_cmp() (family,
 * protocol, address, port), and found by binary search: the order save and
 * flow show print in.  Backends are kept as the kernel names them, their
 * port always set (a backend without one takes the service's), in the
 * order they came until lbadm_conf_sort_backends().
 *
 * Pure functions but lbadm_conf_dump(), so that host unit tests cover them.
 */
#ifndef LBADM_MODEL_H
#define LBADM_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nflbnl.h"

/* A service's options: what "service add" and "service set" may carry. */
#define LBADM_SVC_OPTS \
	(NFLB_BIT(NFLB_SVC_A_TABLE_SIZE) | NFLB_BIT(NFLB_SVC_A_HASH) | \
	 NFLB_BIT(NFLB_SVC_A_SEED) | NFLB_BIT(NFLB_SVC_A_SNAT) | \
	 NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP) | \
	 NFLB_BIT(NFLB_SVC_A_TIMEOUT_TCP_FIN) | \
	 NFLB_BIT(NFLB_SVC_A_TIMEOUT_UDP) | \
	 NFLB_BIT(NFLB_SVC_A_RATE) | NFLB_BIT(NFLB_SVC_A_BURST) | \
	 NFLB_BIT(NFLB_SVC_A_SYNPROXY) | NFLB_BIT(NFLB_SVC_A_FORWARD))

/* The offload devices of the netns (lbadm offload): none, off. */
struct lbadm_offload {
	size_t n;
	uint32_t ifindex[NFLB_OFFLOAD_DEV_MAX];
	char name[NFLB_OFFLOAD_DEV_MAX][IF_NAMESIZE];	/* what save writes */
};

struct lbadm_conf {
	struct nflb_service **v;	/* sorted, keys unique */
	size_t n, cap;
	struct lbadm_offload offload;	/* not a service: flush keeps it */
};

/* Do A and B list the same devices (in any order)? */
bool lbadm_offload_same(const struct lbadm_offload *a,
			const struct lbadm_offload *b);

void lbadm_conf_init(struct lbadm_conf *c);
void lbadm_conf_free(struct lbadm_conf *c);
/*
 * Add a copy of SVC and of its backends (a dump's service), replacing the
 * service of the same key if there is one.  0, or -1 (out of memory).
 */
int lbadm_conf_add(struct lbadm_conf *c, const struct nflb_service *svc);
/* DST (initialised here) as a copy of SRC.  0, or -1 (out of memory). */
int lbadm_conf_copy(struct lbadm_conf *dst, const struct lbadm_conf *src);
/* The service with KEY's key, or NULL. */
struct nflb_service *lbadm_conf_find(const struct lbadm_conf *c,
				     const struct nflb_service *key);
/* Delete SVC, a service of C; every service. */
void lbadm_conf_del(struct lbadm_conf *c, struct nflb_service *svc);
void lbadm_conf_clear(struct lbadm_conf *c);

/* SVC's backend with BE's key (BE's port or else SVC's), or NULL. */
struct nflb_backend *lbadm_conf_backend(struct nflb_service *svc,
					const struct nflb_backend *be);
/* Append BE to SVC, a service of a model.  0, or -1 (out of memory). */
int lbadm_conf_add_backend(struct nflb_service *svc,
			   const struct nflb_backend *be);
/* Delete BE, one of SVC's backends (the last one takes its place). */
void lbadm_conf_del_backend(struct nflb_service *svc,
			    struct nflb_backend *be);
/* Sort every service's backends (nflb_backend_cmp()). */
void lbadm_conf_sort_backends(struct lbadm_conf *c);

/*
 * Every option of every service of C present, absent ones at the kernel's
 * defaults (table size TABLE_DEFAULT, hash 5tuple, seed 0, no snat,
 * timeouts 0: the kernel leaves those out of a dump), every backend's
 * weight (1) and state (up) too: what a restore of C into an empty kernel
 * makes, field for field, so that two models compare by value.
 */
void lbadm_conf_fill_defaults(struct lbadm_conf *c, uint32_t table_default);

/*
 * The kernel's configuration into C (initialised here; free it after):
 * its services and its offload devices (named as this netns names them).
 * 0; -1 with the request's error in nflb_nl_error(); or -ENOMEM when the
 * copy ran out of memory (nflb_nl_error() says ENOMEM too).
 */
int lbadm_conf_dump(struct nflb_nl *nl, struct lbadm_conf *c);

#endif /* LBADM_MODEL_H */
