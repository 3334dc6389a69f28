// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of libnflbnl's message handling (no kernel needed). */

#include <errno.h>
#include <string.h>

#include <linux/netlink.h>

#include "ktap.h"
#include "nflbnl.h"

/* Build an NLMSG_ERROR as the kernel does for a rejected request. */
static struct nlmsghdr *make_error(char *buf, int error, const char *msg,
				   uint32_t off, int capped)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsghdr *req;
	struct nlmsgerr *e;
	size_t echo = capped ? 0 : 8;	/* echoed request payload */

	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + echo);
	e->error = -error;
	req = &e->msg;
	req->nlmsg_len = sizeof(*req) + echo;
	req->nlmsg_type = 0x20;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (off)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, off);
	}
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	return nlh;
}

static void parse_ack(void)
{
	char buf[512] = { 0 };
	struct nflb_nl_err err;

	KTAP_EXPECT(nflb_nl_parse_error(make_error(buf, 0, NULL, 0, 1), &err) == 0);
	KTAP_EXPECT(err.error == 0);
}

static void parse_plain_error(void)
{
	char buf[512] = { 0 };
	struct nflb_nl_err err;

	nflb_nl_parse_error(make_error(buf, EPERM, NULL, 0, 1), &err);
	KTAP_EXPECT(err.error == EPERM);
	KTAP_EXPECT(strcmp(err.msg, strerror(EPERM)) == 0);
	KTAP_EXPECT(err.bad_attr_off == 0);
}

static void parse_extack_capped(void)
{
	char buf[512] = { 0 };
	struct nflb_nl_err err;

	nflb_nl_parse_error(make_error(buf, EINVAL, "Maglev table size must be a prime",
				       24, 1), &err);
	KTAP_EXPECT(err.error == EINVAL);
	KTAP_EXPECT(strcmp(err.msg, "Maglev table size must be a prime") == 0);
	KTAP_EXPECT(err.bad_attr_off == 24);
}

static void parse_extack_uncapped(void)
{
	char buf[512] = { 0 };
	struct nflb_nl_err err;

	nflb_nl_parse_error(make_error(buf, ERANGE, "port out of range", 0, 0),
			    &err);
	KTAP_EXPECT(err.error == ERANGE);
	KTAP_EXPECT(strcmp(err.msg, "port out of range") == 0);
}

static void parse_truncated(void)
{
	char buf[512] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nflb_nl_err err;

	nlh->nlmsg_type = NLMSG_ERROR;
	KTAP_EXPECT(nflb_nl_parse_error(nlh, &err) < 0);
	KTAP_EXPECT(err.error == EBADMSG);
}

/* NLMSG_DONE of a dump, as netlink_dump_done() builds it. */
static struct nlmsghdr *make_done(char *buf, int error, const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int *e;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	*e = error;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	return nlh;
}

static void parse_done(void)
{
	char buf[512] = { 0 };
	struct nflb_nl_err err;

	nflb_nl_parse_done(make_done(buf, 0, NULL), &err);
	KTAP_EXPECT(err.error == 0);
	nflb_nl_parse_done(make_done(buf, -ENOENT, NULL), &err);
	KTAP_EXPECT(err.error == ENOENT);
	KTAP_EXPECT(strcmp(err.msg, strerror(ENOENT)) == 0);
	nflb_nl_parse_done(make_done(buf, -ENOENT, "no such service"), &err);
	KTAP_EXPECT(err.error == ENOENT);
	KTAP_EXPECT(strcmp(err.msg, "no such service") == 0);
}

static void version_format(void)
{
	char buf[16];

	nflb_version_format(0x000100, buf, sizeof(buf));
	KTAP_EXPECT(strcmp(buf, "0.1.0") == 0);
	nflb_version_format(0x0a0b0c, buf, sizeof(buf));
	KTAP_EXPECT(strcmp(buf, "10.11.12") == 0);
	nflb_version_format(0xffffff, buf, sizeof(buf));
	KTAP_EXPECT(strcmp(buf, "255.255.255") == 0);
}

/* Names of network namespaces (lbadm -n): ip netns's rule, and errors. */
static void netns_names(void)
{
	char msg[512];

	KTAP_EXPECT(nflb_netns_check_name("lb") == 0);
	KTAP_EXPECT(nflb_netns_check_name("ns-1.a_b") == 0);
	KTAP_EXPECT(nflb_netns_check_name("") < 0);
	KTAP_EXPECT(nflb_netns_check_name(".") < 0);
	KTAP_EXPECT(nflb_netns_check_name("..") < 0);
	KTAP_EXPECT(nflb_netns_check_name("../../proc/1/ns/net") < 0);
	KTAP_EXPECT(nflb_netns_check_name("/proc/1/ns/net") < 0);
	errno = 0;
	KTAP_EXPECT(nflb_netns_enter("a/b", msg, sizeof(msg)) < 0 &&
		    errno == EINVAL);
	KTAP_EXPECT(!strcmp(msg, "invalid network namespace name \"a/b\" (a name in /run/netns, not a path)"));
	KTAP_EXPECT(nflb_netns_enter("nflb-unit-no-such-netns", msg,
				     sizeof(msg)) < 0 && errno == ENOENT);
	KTAP_EXPECT(!strcmp(msg, "cannot open network namespace \"nflb-unit-no-such-netns\": No such file or directory"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(parse_ack),
	KTAP_CASE(parse_plain_error),
	KTAP_CASE(parse_extack_capped),
	KTAP_CASE(parse_extack_uncapped),
	KTAP_CASE(parse_truncated),
	KTAP_CASE(parse_done),
	KTAP_CASE(version_format),
	KTAP_CASE(netns_names),
};

KTAP_MAIN("nflbnl", cases)
