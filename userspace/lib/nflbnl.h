/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnflbnl: the userspace side of the "nflb" generic netlink family, shared
 * by lbadm and lbhealthd.  Built on libmnl.
 */
#ifndef NFLBNL_H
#define NFLBNL_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/nflb.h>

struct nflb_nl;

/* Why the last request failed: an errno and the kernel's extack message. */
struct nflb_nl_err {
	int error;		/* positive errno, 0 if none */
	char msg[256];		/* extack message, or strerror(error) */
	uint32_t bad_attr_off;	/* extack attribute offset, 0 if none */
};

/*
 * Open a socket and resolve the family (loading the module on demand).
 * Returns NULL with *err filled on failure.
 */
struct nflb_nl *nflb_nl_open(struct nflb_nl_err *err);
void nflb_nl_close(struct nflb_nl *nl);

/* Genl family version the kernel reported. */
unsigned int nflb_nl_family_version(const struct nflb_nl *nl);

/*
 * Start a request for CMD in the socket's buffer; add attributes with
 * mnl_attr_put*() and send it with nflb_nl_talk().
 */
struct nlmsghdr *nflb_nl_msg(struct nflb_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send NLH and process replies until the ACK (or end of dump) with CB on
 * every data message.  Returns 0, or -1 with the error in nflb_nl_error().
 */
int nflb_nl_talk(struct nflb_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data);
const struct nflb_nl_err *nflb_nl_error(const struct nflb_nl *nl);

/* Parse an NLMSG_ERROR message (with extack TLVs) into ERR. */
int nflb_nl_parse_error(const struct nlmsghdr *nlh, struct nflb_nl_err *err);

/* Module information (NFLB_CMD_GET_INFO). */
struct nflb_info {
	char version[32];
	uint32_t version_code;
	uint32_t table_min, table_max, table_default;
};

int nflb_get_info(struct nflb_nl *nl, struct nflb_info *info);

/* "MAJOR.MINOR.PATCH" of a version code. */
void nflb_version_format(uint32_t code, char *buf, size_t len);

#endif /* NFLBNL_H */
