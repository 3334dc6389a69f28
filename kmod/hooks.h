/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_HOOKS_H
#define _NFLB_HOOKS_H

#include <linux/netlink.h>

#include "netns.h"

/*
 * Hooks of a netns for one family, under nflb_net::lock.  nflb_hooks_get()
 * registers them if they are not yet (returns 1 then, 0 if they were, or
 * an error); they stay until nflb_hooks_put(): at netns exit, or to undo
 * a get that returned 1 for a request that then failed.
 */
int nflb_hooks_get(struct nflb_net *nn, u8 family,
		   struct netlink_ext_ack *extack);
void nflb_hooks_put(struct nflb_net *nn, u8 family);

#endif /* _NFLB_HOOKS_H */
