// SPDX-License-Identifier: GPL-2.0
/*
 * The fixed source address of a one-arm service (NFLB_SVC_A_SNAT_ADDR):
 * the packet path reads it under RCU, so it lives in a small object that
 * is replaced whole, never written in place (16 bytes cannot be written
 * atomically).
 */

#include <linux/slab.h>

#include "netns.h"
#include "service.h"

/* Does SVC already SNAT to what OPTS asks for (or to nothing fixed)? */
static bool nflb_snat_same(const struct nflb_svc_opts *opts,
			   const struct nflb_snat *cur)
{
	if (!opts->snat_fixed)
		return !cur;
	return cur && !memcmp(&cur->addr, &opts->snat_addr,
			      sizeof(cur->addr));
}

/*
 * The object OPTS needs for SVC (NEW stays NULL when the current one, or
 * none, will do).  SVC may be a service not yet published.
 */
int nflb_snat_prepare_addr(struct nflb_net *nn,
			   const struct nflb_service *svc,
			   const struct nflb_svc_opts *opts,
			   struct nflb_snat **new)
{
	const struct nflb_snat *cur;
	struct nflb_snat *s;

	cur = rcu_dereference_protected(svc->snat_addr,
					lockdep_is_held(&nn->lock));
	*new = NULL;
	if (!opts->snat_fixed || nflb_snat_same(opts, cur))
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->addr = opts->snat_addr;
	*new = s;
	return 0;
}

/*
 * Publish what OPTS says, with NEW from nflb_snat_prepare_addr().  Flows
 * already bound keep their binding: conntrack holds it, not us.
 */
void nflb_snat_commit(struct nflb_net *nn, struct nflb_service *svc,
		      const struct nflb_svc_opts *opts, struct nflb_snat *new)
{
	struct nflb_snat *cur;

	cur = rcu_dereference_protected(svc->snat_addr,
					lockdep_is_held(&nn->lock));

	WRITE_ONCE(svc->snat, opts->snat);
	if (nflb_snat_same(opts, cur))
		return;
	rcu_assign_pointer(svc->snat_addr, new);
	if (cur)
		kfree_rcu(cur, rcu);
}

/* At the service's end, once no reader can see it. */
void nflb_snat_free(struct nflb_service *svc)
{
	kfree(rcu_dereference_protected(svc->snat_addr, true));
}
