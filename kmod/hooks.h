/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_HOOKS_H
#define _NFLB_HOOKS_H

#include <linux/netlink.h>

#include "netns.h"

/*
 * Hooks of a netns for one family, registered while it has services of
 * that family: reference counted under nflb_net::lock.
 */
int nflb_hooks_get(struct nflb_net *nn, u8 family,
		   struct netlink_ext_ack *extack);
void nflb_hooks_put(struct nflb_net *nn, u8 family);

#endif /* _NFLB_HOOKS_H */
