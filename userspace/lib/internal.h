/* SPDX-License-Identifier: GPL-2.0 */
/* libnflbnl internals shared between its files; not for the tools. */
#ifndef NFLBNL_INTERNAL_H
#define NFLBNL_INTERNAL_H

#include "nflbnl.h"

/* An open channel: the socket, its sequence numbers, the last error. */
struct nflb_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	unsigned int family_version;
	uint32_t events_group;		/* 0: the kernel has no such group */
	struct nflb_nl_err err;
	char buf[1 << 16];
};

/*
 * Largest NFLB_A_BACKEND nest a request carries (IPv6 key, port, weight,
 * state), and room for everything else of a SERVICE_NEW.
 */
#define NFLB_BE_NEST_MAX	64
#define NFLB_SVC_MSG_BASE	512

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
/* Parse one NFLB_A_BACKEND nest into *BE.  -1 (*WHY set) if malformed. */
int nflb_backend_parse(const struct nlattr *attr, struct nflb_backend *be,
		       const char **why);

/* After a failed talk: turn EPROTO plus WHY into a readable error; -1. */
int nflb_reply_error(struct nflb_nl *nl, const char *why);

/* The socket's parts, for the files that talk to it in their own way. */
uint32_t nflb_nl_events_group(const struct nflb_nl *nl);	/* 0: none */
struct mnl_socket *nflb_nl_socket(const struct nflb_nl *nl);
uint16_t nflb_nl_family_id(const struct nflb_nl *nl);
char *nflb_nl_buf(struct nflb_nl *nl, size_t *len);

/*
 * An event message (genl command CMD) handed to CB, as
 * nflb_events_listen() does: 0 if not an event of the family or if CB
 * returned 0, CB's non-zero value, or -1 with errno (EPROTO, *WHY set) if
 * malformed.
 */
int nflb_event_dispatch(const struct nlmsghdr *nlh, nflb_event_cb cb,
			void *data, const char **why);

#endif /* NFLBNL_INTERNAL_H */
