/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building netlink messages as the kernel sends them, for the unit tests
 * of the library's parsers.
 */
#ifndef NFLB_TESTS_NLBUILD_H
#define NFLB_TESTS_NLBUILD_H

#include <stdint.h>

#include <libmnl/libmnl.h>

/* A u64 as the kernel puts it: nla_put_u64_64bit, a PAD first if needed. */
static inline void put_u64_pad(struct nlmsghdr *nlh, uint16_t type,
			       uint64_t v, uint16_t pad)
{
	if ((nlh->nlmsg_len + MNL_ATTR_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

#endif /* NFLB_TESTS_NLBUILD_H */
