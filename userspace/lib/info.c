// SPDX-License-Identifier: GPL-2.0
/* NFLB_CMD_GET_INFO: the module's version and limits. */

#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "nflbnl.h"

static int info_attr_cb(const struct nlattr *attr, void *data)
{
	struct nflb_info *info = data;
	uint32_t *u32 = NULL;

	switch (mnl_attr_get_type(attr)) {
	case NFLB_INFO_A_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(info->version, sizeof(info->version), "%s",
			 mnl_attr_get_str(attr));
		return MNL_CB_OK;
	case NFLB_INFO_A_VERSION_CODE:
		u32 = &info->version_code;
		break;
	case NFLB_INFO_A_TABLE_MIN:
		u32 = &info->table_min;
		break;
	case NFLB_INFO_A_TABLE_MAX:
		u32 = &info->table_max;
		break;
	case NFLB_INFO_A_TABLE_DEFAULT:
		u32 = &info->table_default;
		break;
	default:
		return MNL_CB_OK;	/* newer kernel: ignore */
	}
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	*u32 = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) != NFLB_A_INFO)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(attr, info_attr_cb, data);
}

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), top_attr_cb,
			      data);
}

int nflb_get_info(struct nflb_nl *nl, struct nflb_info *info)
{
	memset(info, 0, sizeof(*info));
	return nflb_nl_talk(nl, nflb_nl_msg(nl, NFLB_CMD_GET_INFO, 0),
			    info_cb, info);
}
