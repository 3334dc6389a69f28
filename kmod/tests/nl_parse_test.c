// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: request parsing (kmod/nl_parse.c).  Each case builds the
 * attributes of a request in an skb with nla_put*(), hands them to the
 * parser as genetlink would, and checks the result, or the error, the
 * extack message and the attribute blamed.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <uapi/linux/nflb.h>

#include "nl.h"
#include "validate.h"

/* A request being built, and what the parser is given of it. */
struct nflb_pt {
	struct sk_buff *skb;
	struct nlattr *attrs[NFLB_A_MAX + 1];
	struct nlattr *tb[NFLB_SVC_A_MAX + 1];
	struct netlink_ext_ack extack;
	struct genl_info info;
};

static int nflb_pt_skb_init(struct kunit_resource *res, void *context)
{
	res->data = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	return res->data ? 0 : -ENOMEM;
}

static void nflb_pt_skb_free(struct kunit_resource *res)
{
	kfree_skb(res->data);
}

static struct nflb_pt *nflb_pt_new(struct kunit *test)
{
	struct nflb_pt *pt;

	pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pt);
	pt->skb = kunit_alloc_resource(test, nflb_pt_skb_init,
				       nflb_pt_skb_free, GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, pt->skb);
	pt->info.attrs = pt->attrs;
	pt->info.extack = &pt->extack;
	return pt;
}

/* The attributes of a service key; SKIP (an NFLB_SVC_A_*, or 0) left out. */
struct nflb_pt_key {
	u16 family;
	u8 proto;
	const void *addr;
	int addr_len;
	u16 port;
	int skip;
};

static const u8 nflb_pt_v4[4] = { 192, 0, 2, 1 };
static const u8 nflb_pt_v4_be[4] = { 198, 51, 100, 7 };
static const struct in6_addr nflb_pt_v6 = {
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
};

static const struct nflb_pt_key nflb_pt_tcp80 = {
	.family = AF_INET, .proto = IPPROTO_TCP,
	.addr = nflb_pt_v4, .addr_len = 4, .port = 80,
};

static void nflb_pt_put_key(struct kunit *test, struct nflb_pt *pt,
			    const struct nflb_pt_key *k)
{
	struct sk_buff *skb = pt->skb;

	KUNIT_ASSERT_FALSE(test,
			   (k->skip != NFLB_SVC_A_FAMILY &&
			    nla_put_u16(skb, NFLB_SVC_A_FAMILY, k->family)) ||
			   (k->skip != NFLB_SVC_A_PROTO &&
			    nla_put_u8(skb, NFLB_SVC_A_PROTO, k->proto)) ||
			   (k->skip != NFLB_SVC_A_ADDR &&
			    nla_put(skb, NFLB_SVC_A_ADDR, k->addr_len, k->addr)) ||
			   (k->skip != NFLB_SVC_A_PORT &&
			    nla_put_u16(skb, NFLB_SVC_A_PORT, k->port)));
}

/* Open the request's NFLB_A_SERVICE nest, with the key K in it. */
static struct nlattr *nflb_pt_svc_begin(struct kunit *test, struct nflb_pt *pt,
					const struct nflb_pt_key *k)
{
	struct nlattr *nest = nla_nest_start(pt->skb, NFLB_A_SERVICE);

	KUNIT_ASSERT_NOT_NULL(test, nest);
	nflb_pt_put_key(test, pt, k);
	return nest;
}

static void nflb_pt_svc_end(struct nflb_pt *pt, struct nlattr *nest)
{
	nla_nest_end(pt->skb, nest);
	pt->attrs[NFLB_A_SERVICE] = nest;
}

/* nflb_parse_svc() of a request holding the service key K alone. */
static int nflb_pt_parse_key(struct kunit *test, struct nflb_pt *pt,
			     const struct nflb_pt_key *k,
			     struct nflb_svc_key *key)
{
	nflb_pt_svc_end(pt, nflb_pt_svc_begin(test, pt, k));
	return nflb_parse_svc(&pt->info, pt->tb, key);
}

/* A rejection: error ERR, a message, and (if ATTR) the attribute blamed. */
static void nflb_pt_expect_reject(struct kunit *test, struct nflb_pt *pt,
				  int ret, int err, const struct nlattr *attr)
{
	KUNIT_EXPECT_EQ(test, ret, err);
	KUNIT_EXPECT_NOT_NULL(test, pt->extack._msg);
	if (attr)
		KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr, attr);
}

static void nflb_parse_svc_key_v4(struct kunit *test)
{
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_svc_key key, want = {};

	KUNIT_ASSERT_EQ(test, nflb_pt_parse_key(test, pt, &nflb_pt_tcp80, &key),
			0);
	want.family = AF_INET;
	want.proto = IPPROTO_TCP;
	want.port = htons(80);
	memcpy(&want.addr, nflb_pt_v4, 4);
	/* Compared with memcmp by the hash table: every byte counts. */
	KUNIT_EXPECT_EQ(test, memcmp(&key, &want, sizeof(key)), 0);
	KUNIT_EXPECT_NULL(test, pt->extack._msg);
}

static void nflb_parse_svc_key_v6(struct kunit *test)
{
	const struct nflb_pt_key k = {
		.family = AF_INET6, .proto = IPPROTO_UDP,
		.addr = &nflb_pt_v6, .addr_len = 16, .port = 0,
	};
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_svc_key key;

	KUNIT_ASSERT_EQ(test, nflb_pt_parse_key(test, pt, &k, &key), 0);
	KUNIT_EXPECT_EQ(test, key.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, key.port, 0);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&key.addr.in6, &nflb_pt_v6));
}

static void nflb_parse_svc_missing(struct kunit *test)
{
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_svc_key key;

	/* No NFLB_A_SERVICE at all. */
	nflb_pt_expect_reject(test, pt, nflb_parse_svc(&pt->info, pt->tb, &key),
			      -EINVAL, NULL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg, "service missing");
	KUNIT_EXPECT_EQ(test, pt->extack.miss_type, (u32)NFLB_A_SERVICE);
}

/* Each of the four key attributes is required, and reported missing. */
static void nflb_parse_svc_key_incomplete(struct kunit *test)
{
	static const int required[] = {
		NFLB_SVC_A_FAMILY, NFLB_SVC_A_PROTO, NFLB_SVC_A_ADDR,
		NFLB_SVC_A_PORT,
	};
	struct nflb_svc_key key;
	int i;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		struct nflb_pt_key k = nflb_pt_tcp80;
		struct nflb_pt *pt = nflb_pt_new(test);

		k.skip = required[i];
		nflb_pt_expect_reject(test, pt,
				      nflb_pt_parse_key(test, pt, &k, &key),
				      -EINVAL, NULL);
		KUNIT_EXPECT_EQ(test, pt->extack.miss_type, (u32)required[i]);
		KUNIT_EXPECT_PTR_EQ(test, pt->extack.miss_nest,
				    pt->attrs[NFLB_A_SERVICE]);
	}
}

struct nflb_pt_bad_key {
	const char *desc;
	struct nflb_pt_key k;
	int err;
	int blamed;		/* NFLB_SVC_A_* */
};

static const u8 nflb_pt_v4_zero[4];
static const u8 nflb_pt_v4_mcast[4] = { 224, 0, 0, 1 };
static const u8 nflb_pt_v4_bcast[4] = { 255, 255, 255, 255 };
static const struct in6_addr nflb_pt_v6_any;
static const struct in6_addr nflb_pt_v6_mcast = {
	.s6_addr = { 0xff, 0x02, [15] = 1 },
};

static const struct nflb_pt_bad_key nflb_pt_bad_keys[] = {
	{ "family AF_UNIX", { AF_UNIX, IPPROTO_TCP, nflb_pt_v4, 4, 80 },
	  -EAFNOSUPPORT, NFLB_SVC_A_FAMILY },
	{ "protocol ICMP", { AF_INET, IPPROTO_ICMP, nflb_pt_v4, 4, 80 },
	  -EPROTONOSUPPORT, NFLB_SVC_A_PROTO },
	{ "IPv6 address, IPv4 family", { AF_INET, IPPROTO_TCP, &nflb_pt_v6, 16, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "IPv4 address, IPv6 family", { AF_INET6, IPPROTO_TCP, nflb_pt_v4, 4, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "0.0.0.0", { AF_INET, IPPROTO_TCP, nflb_pt_v4_zero, 4, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "224.0.0.1", { AF_INET, IPPROTO_UDP, nflb_pt_v4_mcast, 4, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "255.255.255.255", { AF_INET, IPPROTO_UDP, nflb_pt_v4_bcast, 4, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "::", { AF_INET6, IPPROTO_TCP, &nflb_pt_v6_any, 16, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	{ "ff02::1", { AF_INET6, IPPROTO_TCP, &nflb_pt_v6_mcast, 16, 80 },
	  -EINVAL, NFLB_SVC_A_ADDR },
	/* Shorter than any address: the policy's minimum length. */
	{ "3-byte address", { AF_INET, IPPROTO_TCP, nflb_pt_v4, 3, 80 },
	  -ERANGE, NFLB_SVC_A_ADDR },
};

static void nflb_pt_bad_key_desc(const struct nflb_pt_bad_key *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nflb_pt_bad_key, nflb_pt_bad_keys, nflb_pt_bad_key_desc);

static void nflb_parse_svc_key_rejected(struct kunit *test)
{
	const struct nflb_pt_bad_key *c = test->param_value;
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_svc_key key;
	struct nlattr *blamed;
	int ret;

	ret = nflb_pt_parse_key(test, pt, &c->k, &key);
	blamed = nla_find_nested(pt->attrs[NFLB_A_SERVICE], c->blamed);
	KUNIT_ASSERT_NOT_NULL(test, blamed);
	nflb_pt_expect_reject(test, pt, ret, c->err, blamed);
}

/* What the policy refuses: fields of replies, unknown or malformed ones. */
static void nflb_parse_svc_policy(struct kunit *test)
{
	static const struct {
		int type, len;
	} bad[] = {
		{ NFLB_SVC_A_STATS, 0 },		/* reply only */
		{ NFLB_SVC_A_CONT, 0 },			/* reply only */
		{ NFLB_SVC_A_MAX + 1, 4 },		/* unknown */
		{ NFLB_SVC_A_TABLE_SIZE, 2 },		/* u32 as u16 */
		{ NFLB_SVC_A_HASH, 1 },			/* value 0xff */
	};
	struct nflb_svc_key key;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct nflb_pt *pt = nflb_pt_new(test);
		struct nlattr *nest, *attr;
		u8 junk[4];
		int ret;

		memset(junk, 0xff, sizeof(junk));
		nest = nflb_pt_svc_begin(test, pt, &nflb_pt_tcp80);
		attr = (struct nlattr *)skb_tail_pointer(pt->skb);
		KUNIT_ASSERT_EQ(test, nla_put(pt->skb, bad[i].type, bad[i].len,
					      junk), 0);
		nflb_pt_svc_end(pt, nest);
		ret = nflb_parse_svc(&pt->info, pt->tb, &key);
		KUNIT_EXPECT_LT_MSG(test, ret, 0, "attribute %d", bad[i].type);
		KUNIT_EXPECT_NOT_NULL_MSG(test, pt->extack._msg, "attribute %d",
					  bad[i].type);
		KUNIT_EXPECT_PTR_EQ_MSG(test, pt->extack.bad_attr, attr,
					"attribute %d", bad[i].type);
	}
}

/* The key, then the options of the same nest through nflb_parse_svc_opts(). */
static int nflb_pt_parse_opts(struct kunit *test, struct nflb_pt *pt,
			      struct nlattr *nest, u8 proto,
			      struct nflb_svc_opts *opts)
{
	struct nflb_svc_key key;

	nflb_pt_svc_end(pt, nest);
	KUNIT_ASSERT_EQ(test, nflb_parse_svc(&pt->info, pt->tb, &key), 0);
	KUNIT_ASSERT_EQ(test, key.proto, proto);
	return nflb_parse_svc_opts(pt->tb, key.proto, opts, &pt->extack);
}

static void nflb_parse_svc_opts_valid(struct kunit *test)
{
	struct nflb_svc_opts opts = { .table_size = NFLB_TABLE_DEFAULT };
	struct nflb_pt *pt = nflb_pt_new(test);
	u64 seed = 0x0123456789abcdefULL;
	struct nlattr *nest;
	int ret;

	nest = nflb_pt_svc_begin(test, pt, &nflb_pt_tcp80);
	KUNIT_ASSERT_FALSE(test,
			   nla_put_u32(pt->skb, NFLB_SVC_A_TABLE_SIZE, 251) ||
			   nla_put_u8(pt->skb, NFLB_SVC_A_HASH,
				      NFLB_HASH_SOURCE) ||
			   /* As userspace puts it: no padding attribute. */
			   nla_put(pt->skb, NFLB_SVC_A_SEED, sizeof(seed),
				   &seed) ||
			   nla_put_u8(pt->skb, NFLB_SVC_A_SNAT, 1) ||
			   nla_put_u32(pt->skb, NFLB_SVC_A_TIMEOUT_TCP, 600) ||
			   nla_put_u32(pt->skb, NFLB_SVC_A_TIMEOUT_TCP_FIN, 30));
	ret = nflb_pt_parse_opts(test, pt, nest, IPPROTO_TCP, &opts);
	if (!IS_ENABLED(CONFIG_NF_CONNTRACK_TIMEOUT)) {
		KUNIT_EXPECT_EQ(test, ret, -EOPNOTSUPP);
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, opts.table_size, 251U);
	KUNIT_EXPECT_EQ(test, opts.hash, NFLB_HASH_SOURCE);
	KUNIT_EXPECT_EQ(test, opts.seed, 0x0123456789abcdefULL);
	KUNIT_EXPECT_TRUE(test, opts.snat);
	KUNIT_EXPECT_EQ(test, opts.timeout_tcp, 600U);
	KUNIT_EXPECT_EQ(test, opts.timeout_tcp_fin, 30U);
	KUNIT_EXPECT_EQ(test, opts.timeout_udp, 0U);
	KUNIT_EXPECT_NULL(test, pt->extack._msg);
}

/* Options absent: what the caller had stays. */
static void nflb_parse_svc_opts_absent(struct kunit *test)
{
	struct nflb_svc_opts opts = {
		.table_size = 257, .seed = 7, .hash = NFLB_HASH_SOURCE,
		.timeout_tcp = 9,
	};
	struct nflb_svc_opts before = opts;
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nlattr *nest;

	nest = nflb_pt_svc_begin(test, pt, &nflb_pt_tcp80);
	KUNIT_ASSERT_EQ(test, nflb_pt_parse_opts(test, pt, nest, IPPROTO_TCP,
						 &opts), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&opts, &before, sizeof(opts)), 0);
}

/* snat ADDRESS: one of the service's family, unicast, not with snat 0. */
static int nflb_pt_parse_snat(struct kunit *test, const void *addr, int len,
			      int snat, struct nflb_svc_opts *opts,
			      struct nflb_pt **ptp)
{
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_svc_key key;
	struct nlattr *nest;

	*ptp = pt;
	nest = nflb_pt_svc_begin(test, pt, &nflb_pt_tcp80);
	KUNIT_ASSERT_FALSE(test, nla_put(pt->skb, NFLB_SVC_A_SNAT_ADDR, len,
					 addr));
	if (snat >= 0)
		KUNIT_ASSERT_FALSE(test, nla_put_u8(pt->skb, NFLB_SVC_A_SNAT,
						    snat));
	nflb_pt_svc_end(pt, nest);
	KUNIT_ASSERT_EQ(test, nflb_parse_svc(&pt->info, pt->tb, &key), 0);
	KUNIT_ASSERT_EQ(test, nflb_parse_svc_opts(pt->tb, key.proto, opts,
						  &pt->extack), 0);
	return nflb_parse_svc_snat(pt->tb, &key, opts, &pt->extack);
}

static void nflb_parse_svc_snat_addr(struct kunit *test)
{
	static const u8 mcast[4] = { 224, 0, 0, 1 };
	static const u8 bcast[4] = { 255, 255, 255, 255 };
	struct nflb_svc_opts opts = {};
	struct nflb_pt *pt;

	KUNIT_EXPECT_EQ(test, nflb_pt_parse_snat(test, nflb_pt_v4_be, 4, -1,
						 &opts, &pt), 0);
	KUNIT_EXPECT_TRUE(test, opts.snat && opts.snat_fixed);
	KUNIT_EXPECT_EQ(test, memcmp(&opts.snat_addr, nflb_pt_v4_be, 4), 0);
	KUNIT_EXPECT_NULL(test, pt->extack._msg);

	/* Rejected: nothing taken, the attribute named. */
	opts = (struct nflb_svc_opts){};
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_snat(test, &nflb_pt_v6, 16, -1,
						 &opts, &pt), -EAFNOSUPPORT);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "snat address family differs from the service's");
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    pt->tb[NFLB_SVC_A_SNAT_ADDR]);
	KUNIT_EXPECT_FALSE(test, opts.snat || opts.snat_fixed);
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_snat(test, mcast, 4, -1, &opts,
						 &pt), -EINVAL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "snat address must be a unicast address");
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_snat(test, bcast, 4, 1, &opts,
						 &pt), -EINVAL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "snat address must be a unicast address");
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_snat(test, nflb_pt_v4_be, 4, 0,
						 &opts, &pt), -EINVAL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "snat address given with snat off");
	KUNIT_EXPECT_FALSE(test, opts.snat || opts.snat_fixed);
}

/* synproxy: TCP and forward nat only; the attribute blamed is the cause. */
static int nflb_pt_parse_synproxy(struct kunit *test,
				  const struct nflb_pt_key *k, int forward,
				  struct nflb_svc_opts *opts,
				  struct nflb_pt **ptp)
{
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nlattr *nest;

	*ptp = pt;
	nest = nflb_pt_svc_begin(test, pt, k);
	KUNIT_ASSERT_FALSE(test, nla_put_u8(pt->skb, NFLB_SVC_A_SYNPROXY, 1));
	if (forward >= 0)
		KUNIT_ASSERT_FALSE(test, nla_put_u8(pt->skb, NFLB_SVC_A_FORWARD,
						    forward));
	return nflb_pt_parse_opts(test, pt, nest, k->proto, opts);
}

static void nflb_parse_svc_synproxy(struct kunit *test)
{
	static const struct nflb_pt_key udp53 = {
		.family = AF_INET, .proto = IPPROTO_UDP,
		.addr = nflb_pt_v4, .addr_len = 4, .port = 53,
	};
	struct nflb_svc_opts opts = {};
	struct nflb_pt *pt;

	KUNIT_EXPECT_EQ(test, nflb_pt_parse_synproxy(test, &nflb_pt_tcp80, -1,
						     &opts, &pt), 0);
	KUNIT_EXPECT_TRUE(test, opts.synproxy);
	KUNIT_EXPECT_NULL(test, pt->extack._msg);
	opts = (struct nflb_svc_opts){};
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_synproxy(test, &nflb_pt_tcp80,
						     NFLB_FORWARD_NAT, &opts,
						     &pt), 0);
	KUNIT_EXPECT_TRUE(test, opts.synproxy);

	opts = (struct nflb_svc_opts){};
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_synproxy(test, &udp53, -1, &opts,
						     &pt), -EINVAL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "synproxy is only valid for TCP services");
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    pt->tb[NFLB_SVC_A_SYNPROXY]);
	opts = (struct nflb_svc_opts){};
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_synproxy(test, &nflb_pt_tcp80,
						     NFLB_FORWARD_GRE, &opts,
						     &pt), -EINVAL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "synproxy is only valid with forward nat");
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    pt->tb[NFLB_SVC_A_FORWARD]);

	/* A DSR service given synproxy alone: the synproxy attribute. */
	opts = (struct nflb_svc_opts){ .forward = NFLB_FORWARD_IPIP };
	KUNIT_EXPECT_EQ(test, nflb_pt_parse_synproxy(test, &nflb_pt_tcp80, -1,
						     &opts, &pt), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    pt->tb[NFLB_SVC_A_SYNPROXY]);
}

static void nflb_parse_svc_table_size(struct kunit *test)
{
	static const struct {
		u32 size;
		int err;
		const char *msg;
	} cases[] = {
		{ 250, -ERANGE, NFLB_TABLE_SIZE_RANGE_MSG },
		{ 131073, -ERANGE, NFLB_TABLE_SIZE_RANGE_MSG },
		{ 253, -EINVAL, NFLB_TABLE_SIZE_PRIME_MSG },
		{ 65536, -EINVAL, NFLB_TABLE_SIZE_PRIME_MSG },
		{ 65537, 0, NULL },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nflb_svc_opts opts = { .table_size = 251 };
		struct nflb_pt *pt = nflb_pt_new(test);
		struct nlattr *nest;
		int ret;

		nest = nflb_pt_svc_begin(test, pt, &nflb_pt_tcp80);
		KUNIT_ASSERT_EQ(test, nla_put_u32(pt->skb, NFLB_SVC_A_TABLE_SIZE,
						  cases[i].size), 0);
		ret = nflb_pt_parse_opts(test, pt, nest, IPPROTO_TCP, &opts);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].err, "size %u",
				    cases[i].size);
		if (!cases[i].err) {
			KUNIT_EXPECT_EQ(test, opts.table_size, cases[i].size);
			continue;
		}
		KUNIT_EXPECT_EQ(test, opts.table_size, 251U);
		KUNIT_ASSERT_NOT_NULL(test, pt->extack._msg);
		KUNIT_EXPECT_STREQ(test, pt->extack._msg, cases[i].msg);
		KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
				    (const struct nlattr *)pt->tb[NFLB_SVC_A_TABLE_SIZE]);
	}
}

/* Each timeout belongs to one protocol; on the other it is refused. */
static void nflb_parse_svc_timeout_protocol(struct kunit *test)
{
	static const struct {
		u8 proto;
		int type;
		const char *msg;
	} cases[] = {
		{ IPPROTO_UDP, NFLB_SVC_A_TIMEOUT_TCP,
		  "TCP timeout on a UDP service" },
		{ IPPROTO_UDP, NFLB_SVC_A_TIMEOUT_TCP_FIN,
		  "TCP FIN timeout on a UDP service" },
		{ IPPROTO_TCP, NFLB_SVC_A_TIMEOUT_UDP,
		  "UDP timeout on a TCP service" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nflb_pt_key k = nflb_pt_tcp80;
		struct nflb_svc_opts opts = {};
		struct nflb_pt *pt = nflb_pt_new(test);
		struct nlattr *nest;
		int ret;

		k.proto = cases[i].proto;
		nest = nflb_pt_svc_begin(test, pt, &k);
		KUNIT_ASSERT_EQ(test, nla_put_u32(pt->skb, cases[i].type, 60), 0);
		ret = nflb_pt_parse_opts(test, pt, nest, k.proto, &opts);
		nflb_pt_expect_reject(test, pt, ret, -EINVAL,
				      pt->tb[cases[i].type]);
		KUNIT_EXPECT_STREQ(test, pt->extack._msg, cases[i].msg);
	}
}

/* A backend nest of service KEY, parsed by nflb_parse_be_nest(). */
static int nflb_pt_parse_be(struct kunit *test, struct nflb_pt *pt,
			    const struct nflb_svc_key *key, u16 family,
			    const void *addr, int addr_len, int port,
			    struct nlattr **tb, struct nflb_be_spec *spec)
{
	struct nlattr *nest = nla_nest_start(pt->skb, NFLB_A_BACKEND);

	KUNIT_ASSERT_NOT_NULL(test, nest);
	KUNIT_ASSERT_EQ(test, nla_put_u16(pt->skb, NFLB_BE_A_FAMILY, family), 0);
	if (addr)
		KUNIT_ASSERT_EQ(test, nla_put(pt->skb, NFLB_BE_A_ADDR, addr_len,
					      addr), 0);
	if (port >= 0)
		KUNIT_ASSERT_EQ(test, nla_put_u16(pt->skb, NFLB_BE_A_PORT, port),
				0);
	nla_nest_end(pt->skb, nest);
	memset(spec, 0, sizeof(*spec));
	return nflb_parse_be_nest(nest, key, tb, spec, &pt->extack);
}

static struct nflb_svc_key nflb_pt_svc_key(u16 port)
{
	struct nflb_svc_key key = {
		.family = AF_INET, .proto = IPPROTO_TCP, .port = htons(port),
	};

	memcpy(&key.addr, nflb_pt_v4, 4);
	return key;
}

static void nflb_parse_be_valid(struct kunit *test)
{
	struct nflb_svc_key key = nflb_pt_svc_key(80);
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_be_spec spec;

	/* Its own port... */
	KUNIT_ASSERT_EQ(test, nflb_pt_parse_be(test, pt, &key, AF_INET,
					       nflb_pt_v4_be, 4, 8080, tb,
					       &spec), 0);
	KUNIT_EXPECT_EQ(test, spec.port, htons(8080));
	KUNIT_EXPECT_EQ(test, memcmp(&spec.addr, nflb_pt_v4_be, 4), 0);
	KUNIT_EXPECT_EQ(test, spec.addr.all[1], 0U);
	/* ...or the service's. */
	KUNIT_ASSERT_EQ(test, nflb_pt_parse_be(test, pt, &key, AF_INET,
					       nflb_pt_v4_be, 4, -1, tb,
					       &spec), 0);
	KUNIT_EXPECT_EQ(test, spec.port, htons(80));
	KUNIT_EXPECT_NULL(test, pt->extack._msg);
}

static void nflb_parse_be_rejected(struct kunit *test)
{
	struct nflb_svc_key key = nflb_pt_svc_key(80), any = nflb_pt_svc_key(0);
	struct nlattr *tb[NFLB_BE_A_MAX + 1];
	struct nflb_be_spec spec;
	struct nflb_pt *pt;

	pt = nflb_pt_new(test);
	nflb_pt_expect_reject(test, pt,
			      nflb_pt_parse_be(test, pt, &key, AF_INET6,
					       &nflb_pt_v6, 16, 80, tb, &spec),
			      -EAFNOSUPPORT, NULL);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "backend address family differs from the service's");

	pt = nflb_pt_new(test);
	nflb_pt_expect_reject(test, pt,
			      nflb_pt_parse_be(test, pt, &key, AF_INET, NULL, 0,
					       80, tb, &spec),
			      -EINVAL, NULL);
	KUNIT_EXPECT_EQ(test, pt->extack.miss_type, (u32)NFLB_BE_A_ADDR);

	pt = nflb_pt_new(test);
	nflb_pt_expect_reject(test, pt,
			      nflb_pt_parse_be(test, pt, &key, AF_INET,
					       nflb_pt_v4_mcast, 4, 80, tb,
					       &spec),
			      -EINVAL, NULL);

	pt = nflb_pt_new(test);
	nflb_pt_expect_reject(test, pt,
			      nflb_pt_parse_be(test, pt, &any, AF_INET,
					       nflb_pt_v4_be, 4, 8080, tb,
					       &spec),
			      -EINVAL, NULL);
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    (const struct nlattr *)tb[NFLB_BE_A_PORT]);

	pt = nflb_pt_new(test);
	nflb_pt_expect_reject(test, pt,
			      nflb_pt_parse_be(test, pt, &key, AF_INET,
					       nflb_pt_v4_be, 4, 0, tb, &spec),
			      -EINVAL, NULL);
	KUNIT_EXPECT_PTR_EQ(test, pt->extack.bad_attr,
			    (const struct nlattr *)tb[NFLB_BE_A_PORT]);
}

/* A backend of a list: 198.51.100.LAST, WEIGHT (< 0: none), nest TYPE. */
static void nflb_pt_put_list_be(struct kunit *test, struct nflb_pt *pt,
				int type, u8 last, int weight)
{
	u8 addr[4] = { 198, 51, 100, last };
	struct nlattr *be = nla_nest_start(pt->skb, type);

	KUNIT_ASSERT_NOT_NULL(test, be);
	KUNIT_ASSERT_FALSE(test,
			   nla_put_u16(pt->skb, NFLB_BE_A_FAMILY, AF_INET) ||
			   nla_put(pt->skb, NFLB_BE_A_ADDR, 4, addr) ||
			   (weight >= 0 &&
			    nla_put_u32(pt->skb, NFLB_BE_A_WEIGHT, weight)));
	nla_nest_end(pt->skb, be);
}

static void nflb_parse_backend_list(struct kunit *test)
{
	struct nflb_svc_key key = nflb_pt_svc_key(80);
	struct nflb_pt *pt = nflb_pt_new(test);
	struct nflb_be_spec *specs;
	struct nlattr *list;
	int n, i;

	list = nla_nest_start(pt->skb, NFLB_SVC_A_BACKENDS);
	KUNIT_ASSERT_NOT_NULL(test, list);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 9, 3);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 2, -1);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 5, 65535);
	nla_nest_end(pt->skb, list);

	n = nflb_parse_svc_backends(list, &key, &specs, &pt->extack);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_ASSERT_NOT_NULL(test, specs);
	/* Sorted by identity; defaults: weight 1, up. */
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, specs[i].port, htons(80));
		KUNIT_EXPECT_EQ(test, specs[i].state, NFLB_BACKEND_UP);
	}
	KUNIT_EXPECT_EQ(test, ((u8 *)&specs[0].addr)[3], 2);
	KUNIT_EXPECT_EQ(test, specs[0].weight, 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)&specs[1].addr)[3], 5);
	KUNIT_EXPECT_EQ(test, specs[1].weight, 65535);
	KUNIT_EXPECT_EQ(test, ((u8 *)&specs[2].addr)[3], 9);
	KUNIT_EXPECT_EQ(test, specs[2].weight, 3);
	kvfree(specs);

	/* An empty list: no backend, nothing to free. */
	list = nla_nest_start(pt->skb, NFLB_SVC_A_BACKENDS);
	KUNIT_ASSERT_NOT_NULL(test, list);
	nla_nest_end(pt->skb, list);
	specs = (void *)1;
	KUNIT_EXPECT_EQ(test, nflb_parse_svc_backends(list, &key, &specs,
						      &pt->extack), 0);
	KUNIT_EXPECT_NULL(test, specs);
}

static void nflb_parse_backend_list_rejected(struct kunit *test)
{
	struct nflb_svc_key key = nflb_pt_svc_key(80);
	struct nflb_be_spec *specs = NULL;
	struct nlattr *list, *dup;
	struct nflb_pt *pt;
	int n;

	/* The same backend twice: the later one is blamed. */
	pt = nflb_pt_new(test);
	list = nla_nest_start(pt->skb, NFLB_SVC_A_BACKENDS);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 4, -1);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 6, -1);
	dup = (struct nlattr *)skb_tail_pointer(pt->skb);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 4, 2);
	nla_nest_end(pt->skb, list);
	n = nflb_parse_svc_backends(list, &key, &specs, &pt->extack);
	nflb_pt_expect_reject(test, pt, n, -EEXIST, dup);
	KUNIT_EXPECT_STREQ(test, pt->extack._msg,
			   "backend given twice in the service's backend list");

	/* Something else than a backend in the list. */
	pt = nflb_pt_new(test);
	list = nla_nest_start(pt->skb, NFLB_SVC_A_BACKENDS);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 4, -1);
	dup = (struct nlattr *)skb_tail_pointer(pt->skb);
	nflb_pt_put_list_be(test, pt, NFLB_A_SERVICE, 5, -1);
	nla_nest_end(pt->skb, list);
	n = nflb_parse_svc_backends(list, &key, &specs, &pt->extack);
	nflb_pt_expect_reject(test, pt, n, -EINVAL, dup);

	/* A bad backend in the list: its own reason (weight over 65535). */
	pt = nflb_pt_new(test);
	list = nla_nest_start(pt->skb, NFLB_SVC_A_BACKENDS);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 4, -1);
	nflb_pt_put_list_be(test, pt, NFLB_A_BACKEND, 5, 65536);
	nla_nest_end(pt->skb, list);
	n = nflb_parse_svc_backends(list, &key, &specs, &pt->extack);
	nflb_pt_expect_reject(test, pt, n, -ERANGE, NULL);
}

static struct kunit_case nflb_nl_parse_cases[] = {
	KUNIT_CASE(nflb_parse_svc_key_v4),
	KUNIT_CASE(nflb_parse_svc_key_v6),
	KUNIT_CASE(nflb_parse_svc_missing),
	KUNIT_CASE(nflb_parse_svc_key_incomplete),
	KUNIT_CASE_PARAM(nflb_parse_svc_key_rejected, nflb_pt_bad_key_gen_params),
	KUNIT_CASE(nflb_parse_svc_policy),
	KUNIT_CASE(nflb_parse_svc_opts_valid),
	KUNIT_CASE(nflb_parse_svc_opts_absent),
	KUNIT_CASE(nflb_parse_svc_snat_addr),
	KUNIT_CASE(nflb_parse_svc_synproxy),
	KUNIT_CASE(nflb_parse_svc_table_size),
	KUNIT_CASE(nflb_parse_svc_timeout_protocol),
	KUNIT_CASE(nflb_parse_be_valid),
	KUNIT_CASE(nflb_parse_be_rejected),
	KUNIT_CASE(nflb_parse_backend_list),
	KUNIT_CASE(nflb_parse_backend_list_rejected),
	{}
};

static struct kunit_suite nflb_nl_parse_suite = {
	.name = "nflb_nl_parse",
	.test_cases = nflb_nl_parse_cases,
};

kunit_test_suite(nflb_nl_parse_suite);
