// SPDX-License-Identifier: GPL-2.0
/*
 * NFLB_CMD_OFFLOAD_SET and NFLB_CMD_OFFLOAD_GET: the flowtable fast path,
 * and the rule of its devices lbadm checks before sending (offload, restore).
 */

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "internal.h"

void nflb_offload_msg(struct nlmsghdr *nlh, const uint32_t *ifindex,
		      size_t n)
{
	struct nlattr *nest;
	size_t i;

	nest = mnl_attr_nest_start(nlh, NFLB_A_OFFLOAD);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, NFLB_OFFLOAD_A_DEV, ifindex[i]);
	mnl_attr_nest_end(nlh, nest);
}

int nflb_offload_set(struct nflb_nl *nl, const uint32_t *ifindex, size_t n)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_OFFLOAD_SET, 0);

	nflb_offload_msg(nlh, ifindex, n);
	return nflb_nl_talk(nl, nlh, NULL, NULL);
}

int nflb_offload_dev(const char *name, uint32_t *ifindex, char *msg,
		     size_t len)
{
	struct ifreq ifr;
	int fd, ret = -1;

	*ifindex = if_nametoindex(name);
	if (!*ifindex || strlen(name) >= IF_NAMESIZE) {
		snprintf(msg, len, "no device \"%s\"", name);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(msg, len, "device \"%s\": %s", name, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (!(ifr.ifr_flags & IFF_LOOPBACK) &&
	     ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)) {
		snprintf(msg, len, "device \"%s\": %s", name, strerror(errno));
		goto out;
	}
	/* SIOCGIFHWADDR's family is the device's ARPHRD_ type. */
	if (ifr.ifr_flags & IFF_LOOPBACK ||
	    ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		snprintf(msg, len,
			 "\"%s\" is not an Ethernet device (offload devices must be Ethernet devices)",
			 name);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int offload_attr_cb(const struct nlattr *attr, void *data)
{
	struct nflb_offload *off = data;

	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	switch (mnl_attr_get_type(attr)) {
	case NFLB_OFFLOAD_A_DEV:
		if (off->n_devs == NFLB_OFFLOAD_DEV_MAX)
			return MNL_CB_ERROR;
		off->ifindex[off->n_devs++] = mnl_attr_get_u32(attr);
		break;
	case NFLB_OFFLOAD_A_FLOWS:
		off->flows = mnl_attr_get_u32(attr);
		break;
	case NFLB_OFFLOAD_A_COUNTED:
		off->counted = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int offload_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest = nflb_msg_find(nlh, NFLB_A_OFFLOAD);

	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(nest, offload_attr_cb, data);
}

int nflb_offload_get(struct nflb_nl *nl, struct nflb_offload *off)
{
	memset(off, 0, sizeof(*off));
	return nflb_nl_talk(nl, nflb_nl_msg(nl, NFLB_CMD_OFFLOAD_GET, 0),
			    offload_cb, off);
}
