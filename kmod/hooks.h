/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_HOOKS_H
#define _NFLB_HOOKS_H

#include <linux/types.h>

struct net;

/*
 * The packet path's hooks of one family (AF_INET or AF_INET6) in NET, with
 * the conntrack reference they need.  Only netns.c calls these: it decides
 * when a netns is hooked (nflb_net_hook(), for the first NAT service of
 * the family) and unhooked (at exit).
 * All or nothing: on error nothing is left registered.
 */
int nflb_hooks_register(struct net *net, u8 family);
void nflb_hooks_unregister(struct net *net, u8 family);

/*
 * The masquerade notifiers, for one-arm services: nflb_masq_get() before
 * the first one is created (no lock held: it takes rtnl and
 * pernet_ops_rwsem), nflb_masq_put() once at module exit.
 */
int nflb_masq_get(void);
void nflb_masq_put(void);

#endif /* _NFLB_HOOKS_H */
