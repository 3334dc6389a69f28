/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_NETNS_H
#define _NFLB_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>

/* Per network namespace state; see nflb_net(). */
struct nflb_net {
	struct net *net;
	/* Serialises every configuration change in this netns. */
	struct mutex lock;
	unsigned int n_services;
};

struct nflb_net *nflb_net(const struct net *net);
int nflb_netns_init(void);
void nflb_netns_uninit(void);

#endif /* _NFLB_NETNS_H */
