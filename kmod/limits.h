/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_LIMITS_H
#define _NFLB_LIMITS_H

#include <linux/types.h>

struct netlink_ext_ack;
struct nflb_net;

/*
 * What one netns may hold, whoever owns it: the sysctls net.nflb.*, one
 * value for every netns (as nf_conntrack_max), writable in init_net only.
 * Defaults: room for make bench (10,001 services, 100,000 backends, 41
 * million slots) and for a 65535-backend service.
 */
#define NFLB_MAX_SERVICES_DEFAULT	65536U
#define NFLB_MAX_BACKENDS_DEFAULT	262144U
#define NFLB_MAX_TABLE_SLOTS_DEFAULT	134217728U	/* 256 MiB of slots */

extern unsigned int nflb_max_services;
extern unsigned int nflb_max_backends;
extern unsigned int nflb_max_table_slots;

/*
 * May NN get SERVICES more services, BACKENDS more backends and SLOTS more
 * table slots (the sum of its services' table sizes)?  0, or -ENOSPC with
 * an extack message naming the limit.  Under nflb_net::lock.
 */
int nflb_limits_check(const struct nflb_net *nn, u32 services, u32 backends,
		      u32 slots, struct netlink_ext_ack *extack);

int nflb_limits_init(void);
void nflb_limits_uninit(void);

#endif /* _NFLB_LIMITS_H */
