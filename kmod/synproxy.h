/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_SYNPROXY_H
#define _NFLB_SYNPROXY_H

#include <linux/types.h>

struct netlink_ext_ack;
struct nflb_net;

/*
 * SYN proxy of services with NFLB_SVC_A_SYNPROXY (synproxy.c), built on
 * the kernel's nf_synproxy_core.  The hooks of a family are registered
 * with the first such service of the netns and stay until the netns goes
 * (as the DSR hook does); both return at once for packets of other
 * services.
 */
int nflb_synproxy_prepare(struct nflb_net *nn, u8 family,
			  struct netlink_ext_ack *extack);
void nflb_synproxy_unhook(struct nflb_net *nn);

#endif /* _NFLB_SYNPROXY_H */
