// SPDX-License-Identifier: GPL-2.0
/* NFLB_CMD_OFFLOAD_SET and NFLB_CMD_OFFLOAD_GET: the flowtable fast path. */

#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"

int nflb_offload_set(struct nflb_nl *nl, const uint32_t *ifindex, size_t n)
{
	struct nlmsghdr *nlh = nflb_nl_msg(nl, NFLB_CMD_OFFLOAD_SET, 0);
	struct nlattr *nest;
	size_t i;

	nest = mnl_attr_nest_start(nlh, NFLB_A_OFFLOAD);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, NFLB_OFFLOAD_A_DEV, ifindex[i]);
	mnl_attr_nest_end(nlh, nest);
	return nflb_nl_talk(nl, nlh, NULL, NULL);
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
