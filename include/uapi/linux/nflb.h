/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nflb: a layer-4 passthrough load balancer in netfilter.
 *
 * Control plane: generic netlink family "nflb" (NFLB_GENL_NAME), version
 * NFLB_GENL_VERSION.  Every request is validated strictly: unknown
 * attributes, attributes of the wrong type and reserved header fields that
 * are not zero are rejected with an extended ACK naming the attribute.
 * Every command needs CAP_NET_ADMIN in the user namespace that owns the
 * network namespace of the requesting socket (GENL_UNS_ADMIN_PERM); state is
 * kept per network namespace.  The family is registered by the nflb module,
 * which is loaded on demand by the first request naming the family.
 *
 * NFLB_CMD_GET_INFO
 *   Request:  no attributes.
 *   Reply:    NFLB_A_INFO (nested), holding
 *               NFLB_INFO_A_VERSION       NUL-terminated string, the module
 *                                         version ("MAJOR.MINOR.PATCH")
 *               NFLB_INFO_A_VERSION_CODE  u32, MAJOR << 16 | MINOR << 8 | PATCH
 *               NFLB_INFO_A_TABLE_MIN     u32, smallest Maglev table size
 *               NFLB_INFO_A_TABLE_MAX     u32, largest Maglev table size
 *               NFLB_INFO_A_TABLE_DEFAULT u32, default Maglev table size
 *             Maglev table sizes are primes within [TABLE_MIN, TABLE_MAX].
 */
#ifndef _UAPI_LINUX_NFLB_H
#define _UAPI_LINUX_NFLB_H

#define NFLB_GENL_NAME		"nflb"
#define NFLB_GENL_VERSION	1

enum nflb_cmd {
	NFLB_CMD_UNSPEC,
	NFLB_CMD_GET_INFO,

	__NFLB_CMD_MAX
};
#define NFLB_CMD_MAX (__NFLB_CMD_MAX - 1)

enum nflb_attr {
	NFLB_A_UNSPEC,
	NFLB_A_INFO,		/* nested, enum nflb_info_attr */

	__NFLB_A_MAX
};
#define NFLB_A_MAX (__NFLB_A_MAX - 1)

enum nflb_info_attr {
	NFLB_INFO_A_UNSPEC,
	NFLB_INFO_A_VERSION,		/* string */
	NFLB_INFO_A_VERSION_CODE,	/* u32 */
	NFLB_INFO_A_TABLE_MIN,		/* u32 */
	NFLB_INFO_A_TABLE_MAX,		/* u32 */
	NFLB_INFO_A_TABLE_DEFAULT,	/* u32 */

	__NFLB_INFO_A_MAX
};
#define NFLB_INFO_A_MAX (__NFLB_INFO_A_MAX - 1)

#endif /* _UAPI_LINUX_NFLB_H */
