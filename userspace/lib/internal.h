/* SPDX-License-Identifier: GPL-2.0 */
/* libnflbnl internals shared between its files; not for the tools. */
#ifndef NFLBNL_INTERNAL_H
#define NFLBNL_INTERNAL_H

#include "nflbnl.h"

/* The first top-level attribute TYPE of a genl message, or NULL. */
const struct nlattr *nflb_msg_find(const struct nlmsghdr *nlh, uint16_t type);

/*
 * Parse a nest of NFLB_A_BACKEND into a new array *BES of *N entries
 * (the old *BES is freed).  -1 with errno (EPROTO, *WHY set; or ENOMEM).
 */
int nflb_backend_list_parse(const struct nlattr *list,
			    struct nflb_backend **bes, size_t *n,
			    const char **why);

/* The same, appending to the *N backends already in *BES (kept on error). */
int nflb_backend_list_append(const struct nlattr *list,
			     struct nflb_backend **bes, size_t *n,
			     const char **why);

/* After a failed talk: turn EPROTO plus WHY into a readable error; -1. */
int nflb_reply_error(struct nflb_nl *nl, const char *why);

#endif /* NFLBNL_INTERNAL_H */
