// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: services and backends (kmod/service.c) in a netns state of the
 * test's own, never hooked: creation, lookup, deletion, backend changes,
 * and the table each change publishes, compared with a fresh Maglev build.
 *
 * The test is the only writer of its state.  It calls service.c under
 * nflb_net::lock as netlink does, and checks results after unlocking, so
 * that a failed assertion never leaves the lock held.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <uapi/linux/nflb.h>

#include "fixture.h"
#include "limits.h"
#include "maglev.h"
#include "service.h"
#include "slots.h"

#define NFLB_ST_SIZE	251U	/* small prime: the tables stay cheap */

static struct nflb_net *nflb_st_nn(struct kunit *test)
{
	return test->priv;
}

static struct nflb_svc_key nflb_st_key(u8 proto, u8 last, u16 port)
{
	struct nflb_svc_key key;

	memset(&key, 0, sizeof(key));
	key.family = AF_INET;
	key.proto = proto;
	key.addr.ip = htonl(0xc0000200 | last);	/* 192.0.2.LAST */
	key.port = htons(port);
	return key;
}

static union nf_inet_addr nflb_st_be_addr(u8 last)
{
	union nf_inet_addr addr = {};

	addr.ip = htonl(0xc6336400 | last);	/* 198.51.100.LAST */
	return addr;
}

static struct nflb_svc_opts nflb_st_opts(void)
{
	struct nflb_svc_opts opts = {
		.table_size = NFLB_ST_SIZE,
		.seed = 0x5eed,
		.hash = NFLB_HASH_5TUPLE,
	};

	return opts;
}

/* create + insert, as nflb_net_service_add() does minus the hooks. */
static int nflb_st_add(struct nflb_net *nn, const struct nflb_svc_key *key,
		       const struct nflb_be_spec *bes, unsigned int n,
		       struct netlink_ext_ack *extack)
{
	struct nflb_svc_opts opts = nflb_st_opts();
	struct nflb_service *svc;
	int ret;

	mutex_lock(&nn->lock);
	svc = nflb_service_create(nn, key, &opts, bes, n, extack);
	if (IS_ERR(svc)) {
		ret = PTR_ERR(svc);
	} else {
		ret = nflb_service_insert(nn, svc, extack);
		if (ret)
			nflb_service_destroy(nn, svc);
	}
	mutex_unlock(&nn->lock);
	return ret;
}

static struct nflb_service *nflb_st_find(struct nflb_net *nn,
					 const struct nflb_svc_key *key)
{
	struct nflb_service *svc;

	mutex_lock(&nn->lock);
	svc = nflb_service_find(nn, key);
	mutex_unlock(&nn->lock);
	return svc;
}

/* The published table; the test is its only writer. */
static const struct nflb_table *nflb_st_table(const struct nflb_service *svc)
{
	return rcu_dereference_protected(svc->table, 1);
}

/*
 * The published table of SVC is what a fresh Maglev build of its backends
 * gives: same backends in key order, same slots, slots_held counting them.
 * Backends that are not up are listed but take no slot.
 */
static void nflb_st_expect_table(struct kunit *test,
				 const struct nflb_service *svc)
{
	const struct nflb_table *t = nflb_st_table(svc);
	unsigned int alen = nflb_addr_len(svc->key.family);
	struct nflb_maglev_backend *in;
	const struct nflb_backend *be;
	u32 n = 0, i, *held;
	bool up = false;
	u16 *slots;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, t->n, svc->n_backends);
	KUNIT_EXPECT_EQ(test, t->seed, svc->seed);
	KUNIT_EXPECT_EQ(test, t->hash, svc->hash);
	in = kunit_kcalloc(test, svc->n_backends + 1, sizeof(*in), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	list_for_each_entry(be, &svc->backends, node) {
		nflb_maglev_key(in[n].key, svc->key.family, &be->addr, alen,
				be->port);
		in[n].weight = be->state == NFLB_BACKEND_UP ? be->weight : 0;
		in[n].priv = (void *)be;
		up |= in[n].weight > 0;
		n++;
	}
	/* Every backend is listed, and found by its key. */
	list_for_each_entry(be, &svc->backends, node) {
		int idx = nflb_table_index(t, svc->key.family, &be->addr,
					   be->port);

		KUNIT_ASSERT_GE(test, idx, 0);
		KUNIT_EXPECT_PTR_EQ(test, t->be[idx], be);
	}
	if (!up) {
		KUNIT_EXPECT_EQ(test, t->size, 0U);
		for (i = 0; i < t->n; i++)
			KUNIT_EXPECT_EQ(test, t->slots_held[i], 0U);
		return;
	}
	KUNIT_ASSERT_EQ(test, t->size, svc->table_size);
	slots = kunit_kcalloc(test, t->size, sizeof(*slots), GFP_KERNEL);
	held = kunit_kcalloc(test, n, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_EQ(test, nflb_maglev_build(slots, t->size, in, n,
						svc->seed), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, (void *)t->be[i], in[i].priv);
	/* One message for the first slot that differs, not one per slot. */
	for (i = 0; i < t->size && t->slots[i] == slots[i]; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, i, t->size, "slots differ from slot %u on",
			    i);
	for (i = 0; i < t->size; i++) {
		KUNIT_ASSERT_LT(test, (u32)slots[i], n);
		held[slots[i]]++;
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, t->slots_held[i], held[i]);
		if (!in[i].weight)
			KUNIT_EXPECT_EQ(test, held[i], 0U);
	}
}

static u32 nflb_st_slots_of(const struct nflb_service *svc,
			    const struct nflb_backend *be)
{
	const struct nflb_table *t = nflb_st_table(svc);
	int i = nflb_table_index(t, svc->key.family, &be->addr, be->port);

	return i < 0 ? 0 : t->slots_held[i];
}

static struct nflb_service *nflb_st_lookup(struct nflb_net *nn, u8 proto,
					   const struct nflb_svc_key *key,
					   u16 port)
{
	struct nflb_service *svc;

	rcu_read_lock();
	svc = nflb_service_lookup_rcu(nn, key->family, proto, &key->addr,
				      htons(port));
	rcu_read_unlock();
	return svc;
}

static void nflb_svc_create_lookup_delete(struct kunit *test)
{
	struct nflb_svc_key key = nflb_st_key(IPPROTO_TCP, 1, 80);
	struct nflb_net *nn = nflb_st_nn(test);
	struct netlink_ext_ack extack = {};
	struct nflb_service *svc;
	u64 gen = nn->generation;

	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &key, NULL, 0, &extack), 0);
	svc = nflb_st_find(nn, &key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_GT(test, nn->generation, gen);
	KUNIT_EXPECT_EQ(test, svc->table_size, NFLB_ST_SIZE);
	KUNIT_EXPECT_EQ(test, svc->n_backends, 0U);
	KUNIT_EXPECT_EQ(test, nn->n_services, 1U);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&nn->service_ids, svc->id), svc);
	/* No backend: an empty table, which the packet path rejects on. */
	KUNIT_EXPECT_EQ(test, nflb_st_table(svc)->size, 0U);

	KUNIT_EXPECT_PTR_EQ(test, nflb_st_lookup(nn, IPPROTO_TCP, &key, 80), svc);
	KUNIT_EXPECT_NULL(test, nflb_st_lookup(nn, IPPROTO_TCP, &key, 81));
	KUNIT_EXPECT_NULL(test, nflb_st_lookup(nn, IPPROTO_UDP, &key, 80));

	/* The same key again: refused, with a reason. */
	KUNIT_EXPECT_EQ(test, nflb_st_add(nn, &key, NULL, 0, &extack), -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_find(nn, &key), svc);

	gen = nn->generation;
	mutex_lock(&nn->lock);
	nflb_service_del(nn, svc);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_GT(test, nn->generation, gen);
	KUNIT_EXPECT_NULL(test, nflb_st_find(nn, &key));
	KUNIT_EXPECT_NULL(test, nflb_st_lookup(nn, IPPROTO_TCP, &key, 80));
	KUNIT_EXPECT_TRUE(test, xa_empty(&nn->service_ids));
}

/* A port-0 service takes every port of its VIP a specific one does not. */
static void nflb_svc_all_ports_fallback(struct kunit *test)
{
	struct nflb_svc_key any = nflb_st_key(IPPROTO_UDP, 2, 0);
	struct nflb_svc_key dns = nflb_st_key(IPPROTO_UDP, 2, 53);
	struct nflb_net *nn = nflb_st_nn(test);
	struct nflb_service *svc_any, *svc_dns;

	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &any, NULL, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &dns, NULL, 0, NULL), 0);
	svc_any = nflb_st_find(nn, &any);
	svc_dns = nflb_st_find(nn, &dns);
	KUNIT_ASSERT_NOT_NULL(test, svc_any);
	KUNIT_ASSERT_NOT_NULL(test, svc_dns);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_lookup(nn, IPPROTO_UDP, &any, 53),
			    svc_dns);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_lookup(nn, IPPROTO_UDP, &any, 5353),
			    svc_any);
	KUNIT_EXPECT_NULL(test, nflb_st_lookup(nn, IPPROTO_TCP, &any, 5353));
}

static void nflb_svc_create_with_backends(struct kunit *test)
{
	struct nflb_svc_key key = nflb_st_key(IPPROTO_TCP, 3, 443);
	struct nflb_net *nn = nflb_st_nn(test);
	struct nflb_be_spec bes[3] = {};
	struct nflb_service *svc;
	int i;

	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		/* Listed out of key order: the table must not care. */
		bes[i].addr = nflb_st_be_addr(30 - i);
		bes[i].port = htons(8443);
		bes[i].weight = i + 1;
		bes[i].state = NFLB_BACKEND_UP;
	}
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &key, bes, ARRAY_SIZE(bes), NULL),
			0);
	svc = nflb_st_find(nn, &key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_EQ(test, svc->n_backends, 3U);
	for (i = 0; i < ARRAY_SIZE(bes); i++)
		KUNIT_EXPECT_NOT_NULL(test, nflb_backend_find(svc, &bes[i].addr,
							      bes[i].port));
	nflb_st_expect_table(test, svc);
}

/* Each change publishes a new table, equal to a fresh build. */
static void nflb_backend_add_set_del(struct kunit *test)
{
	struct nflb_svc_key key = nflb_st_key(IPPROTO_TCP, 4, 80);
	struct nflb_net *nn = nflb_st_nn(test);
	struct netlink_ext_ack extack = {};
	const struct nflb_table *t;
	union nf_inet_addr addr;
	struct nflb_service *svc;
	struct nflb_backend *be;
	int i, ret;

	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &key, NULL, 0, NULL), 0);
	svc = nflb_st_find(nn, &key);
	KUNIT_ASSERT_NOT_NULL(test, svc);

	for (i = 1; i <= 4; i++) {
		t = nflb_st_table(svc);
		addr = nflb_st_be_addr(i);
		mutex_lock(&nn->lock);
		ret = nflb_backend_add(nn, svc, &addr, htons(8080), i,
				       NFLB_BACKEND_UP, &extack);
		mutex_unlock(&nn->lock);
		KUNIT_ASSERT_EQ(test, ret, 0);
		KUNIT_EXPECT_PTR_NE(test, nflb_st_table(svc), t);
		KUNIT_EXPECT_EQ(test, svc->n_backends, (unsigned int)i);
		nflb_st_expect_table(test, svc);
	}

	/* A backend twice: refused, nothing published. */
	t = nflb_st_table(svc);
	mutex_lock(&nn->lock);
	ret = nflb_backend_add(nn, svc, &addr, htons(8080), 1,
			       NFLB_BACKEND_UP, &extack);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_table(svc), t);
	KUNIT_EXPECT_EQ(test, svc->n_backends, 4U);

	/* The same address on another port is another backend. */
	be = nflb_backend_find(svc, &addr, htons(8081));
	KUNIT_EXPECT_NULL(test, be);

	addr = nflb_st_be_addr(2);
	be = nflb_backend_find(svc, &addr, htons(8080));
	KUNIT_ASSERT_NOT_NULL(test, be);
	t = nflb_st_table(svc);
	mutex_lock(&nn->lock);
	ret = nflb_backend_set(nn, svc, be, 100, NFLB_BACKEND_UP, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, nflb_st_table(svc), t);
	KUNIT_EXPECT_EQ(test, be->weight, 100);
	nflb_st_expect_table(test, svc);
	/* Weight 100 of 108: the lion's share. */
	KUNIT_EXPECT_GT(test, nflb_st_slots_of(svc, be), NFLB_ST_SIZE * 9 / 10);

	t = nflb_st_table(svc);
	mutex_lock(&nn->lock);
	ret = nflb_backend_del(nn, svc, be, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, nflb_st_table(svc), t);
	KUNIT_EXPECT_EQ(test, svc->n_backends, 3U);
	KUNIT_EXPECT_NULL(test, nflb_backend_find(svc, &addr, htons(8080)));
	KUNIT_EXPECT_LT(test, nflb_table_index(nflb_st_table(svc), AF_INET,
					       &addr, htons(8080)), 0);
	nflb_st_expect_table(test, svc);
}

/* New options: a new table built with them. */
static void nflb_svc_set_rebuilds(struct kunit *test)
{
	struct nflb_svc_key key = nflb_st_key(IPPROTO_UDP, 5, 53);
	struct nflb_net *nn = nflb_st_nn(test);
	struct nflb_svc_opts opts = nflb_st_opts();
	struct nflb_be_spec bes[2] = {};
	const struct nflb_table *t;
	struct nflb_service *svc;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		bes[i].addr = nflb_st_be_addr(50 + i);
		bes[i].port = htons(53);
		bes[i].weight = 1;
	}
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &key, bes, 2, NULL), 0);
	svc = nflb_st_find(nn, &key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	nflb_st_expect_table(test, svc);

	t = nflb_st_table(svc);
	opts.table_size = 257;
	opts.seed = 42;
	opts.hash = NFLB_HASH_SOURCE;
	mutex_lock(&nn->lock);
	ret = nflb_service_set(nn, svc, &opts, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, nflb_st_table(svc), t);
	KUNIT_EXPECT_EQ(test, svc->table_size, 257U);
	KUNIT_EXPECT_EQ(test, svc->seed, 42ULL);
	KUNIT_EXPECT_EQ(test, nflb_st_table(svc)->size, 257U);
	nflb_st_expect_table(test, svc);
}

/* DRAIN and DOWN keep a backend listed, with no slot; none up: no table. */
static void nflb_backend_state_takes_no_slots(struct kunit *test)
{
	static const u8 states[] = { NFLB_BACKEND_DRAIN, NFLB_BACKEND_DOWN };
	struct nflb_svc_key key = nflb_st_key(IPPROTO_TCP, 6, 80);
	struct nflb_net *nn = nflb_st_nn(test);
	struct nflb_be_spec bes[3] = {};
	struct nflb_backend *be, *other;
	struct nflb_service *svc;
	int i, s, ret;

	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		bes[i].addr = nflb_st_be_addr(60 + i);
		bes[i].port = htons(80);
		bes[i].weight = 1;
	}
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &key, bes, 3, NULL), 0);
	svc = nflb_st_find(nn, &key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	be = nflb_backend_find(svc, &bes[0].addr, bes[0].port);
	KUNIT_ASSERT_NOT_NULL(test, be);
	KUNIT_EXPECT_GT(test, nflb_st_slots_of(svc, be), 0U);

	for (s = 0; s < ARRAY_SIZE(states); s++) {
		mutex_lock(&nn->lock);
		ret = nflb_backend_set(nn, svc, be, 1, states[s], NULL);
		mutex_unlock(&nn->lock);
		KUNIT_ASSERT_EQ(test, ret, 0);
		KUNIT_EXPECT_EQ(test, nflb_st_slots_of(svc, be), 0U);
		KUNIT_EXPECT_GE(test, nflb_table_index(nflb_st_table(svc),
						       AF_INET, &be->addr,
						       be->port), 0);
		KUNIT_EXPECT_EQ(test, nflb_st_table(svc)->size, NFLB_ST_SIZE);
		nflb_st_expect_table(test, svc);
	}
	/* Weight 0 while up: no slot either. */
	mutex_lock(&nn->lock);
	ret = nflb_backend_set(nn, svc, be, 0, NFLB_BACKEND_UP, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, nflb_st_slots_of(svc, be), 0U);
	nflb_st_expect_table(test, svc);

	/* Everyone down: an empty table, every backend still listed. */
	list_for_each_entry(other, &svc->backends, node) {
		mutex_lock(&nn->lock);
		ret = nflb_backend_set(nn, svc, other, 1, NFLB_BACKEND_DOWN,
				       NULL);
		mutex_unlock(&nn->lock);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_EQ(test, nflb_st_table(svc)->size, 0U);
	KUNIT_EXPECT_EQ(test, nflb_st_table(svc)->n, 3U);
	nflb_st_expect_table(test, svc);
}

/* A failed request's extack names WORD (the limit). */
static bool nflb_st_msg_names(const struct netlink_ext_ack *extack,
			      const char *word)
{
	return extack->_msg && strstr(extack->_msg, word);
}

/* What the netns holds, as nflb_net counts it. */
static void nflb_st_expect_held(struct kunit *test, struct nflb_net *nn,
				u32 services, u32 backends, u64 slots)
{
	KUNIT_EXPECT_EQ(test, nn->n_services, services);
	KUNIT_EXPECT_EQ(test, nn->n_backends, backends);
	KUNIT_EXPECT_EQ(test, nn->n_slots, slots);
}

/*
 * Over a limit, a change fails with -ENOSPC and a message naming the limit,
 * and changes nothing; the counts follow every change.  The limits are set
 * low for the test and put back at its end (EXPECTs only until then).
 */
static void nflb_limits_enforced(struct kunit *test)
{
	unsigned int max_svc = nflb_max_services, max_be = nflb_max_backends;
	struct nflb_svc_key k1 = nflb_st_key(IPPROTO_TCP, 6, 80);
	struct nflb_svc_key k2 = nflb_st_key(IPPROTO_TCP, 7, 80);
	unsigned int max_slots = nflb_max_table_slots;
	struct nflb_net *nn = nflb_st_nn(test);
	struct netlink_ext_ack extack = {};
	struct nflb_svc_opts opts;
	struct nflb_be_spec bes[3] = {};
	struct nflb_service *svc;
	struct nflb_backend *be;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		bes[i].addr = nflb_st_be_addr(60 + i);
		bes[i].port = htons(80);
		bes[i].weight = 1;
		bes[i].state = NFLB_BACKEND_UP;
	}
	nflb_max_services = 1;
	nflb_max_backends = 2;
	nflb_max_table_slots = 2 * NFLB_ST_SIZE;

	/* Three backends in the request: neither service nor backends. */
	ret = nflb_st_add(nn, &k1, bes, 3, &extack);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, nflb_st_msg_names(&extack, "net.nflb.max_backends"));
	KUNIT_EXPECT_NULL(test, nflb_st_find(nn, &k1));
	nflb_st_expect_held(test, nn, 0, 0, 0);

	ret = nflb_st_add(nn, &k1, bes, 2, NULL);
	KUNIT_EXPECT_EQ(test, ret, 0);
	nflb_st_expect_held(test, nn, 1, 2, NFLB_ST_SIZE);
	svc = nflb_st_find(nn, &k1);
	if (!svc)
		goto out;

	extack._msg = NULL;
	ret = nflb_st_add(nn, &k2, NULL, 0, &extack);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, nflb_st_msg_names(&extack, "net.nflb.max_services"));
	KUNIT_EXPECT_NULL(test, nflb_st_find(nn, &k2));

	extack._msg = NULL;
	mutex_lock(&nn->lock);
	ret = nflb_backend_add(nn, svc, &bes[2].addr, bes[2].port, 1,
			       NFLB_BACKEND_UP, &extack);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, nflb_st_msg_names(&extack, "net.nflb.max_backends"));
	KUNIT_EXPECT_EQ(test, svc->n_backends, 2U);

	/* A larger table over the slot limit; a smaller growth fits. */
	extack._msg = NULL;
	opts = nflb_st_opts();	/* the service's */
	opts.table_size = 509;
	mutex_lock(&nn->lock);
	ret = nflb_service_set(nn, svc, &opts, &extack);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, nflb_st_msg_names(&extack, "net.nflb.max_table_slots"));
	KUNIT_EXPECT_EQ(test, svc->table_size, NFLB_ST_SIZE);
	opts.table_size = 257;
	mutex_lock(&nn->lock);
	ret = nflb_service_set(nn, svc, &opts, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	nflb_st_expect_held(test, nn, 1, 2, 257);

	/* A deleted backend makes room for another. */
	be = nflb_backend_find(svc, &bes[0].addr, bes[0].port);
	mutex_lock(&nn->lock);
	ret = be ? nflb_backend_del(nn, svc, be, NULL) : -ENOENT;
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	nflb_st_expect_held(test, nn, 1, 1, 257);
	mutex_lock(&nn->lock);
	ret = nflb_backend_add(nn, svc, &bes[2].addr, bes[2].port, 1,
			       NFLB_BACKEND_UP, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	nflb_st_expect_held(test, nn, 1, 2, 257);

	mutex_lock(&nn->lock);
	nflb_service_del(nn, svc);
	mutex_unlock(&nn->lock);
	nflb_st_expect_held(test, nn, 0, 0, 0);
out:
	nflb_max_services = max_svc;
	nflb_max_backends = max_be;
	nflb_max_table_slots = max_slots;
}

/*
 * Services built from the same input (seed, size, backends and weights,
 * in any order) share one slot array; a change to one gives it its own,
 * and every table stays what a fresh build gives.
 */
static void nflb_svc_tables_shared(struct kunit *test)
{
	struct nflb_svc_key tcp = nflb_st_key(IPPROTO_TCP, 7, 53);
	struct nflb_svc_key udp = nflb_st_key(IPPROTO_UDP, 7, 53);
	struct nflb_svc_key other = nflb_st_key(IPPROTO_UDP, 8, 53);
	struct nflb_net *nn = nflb_st_nn(test);
	struct nflb_service *a, *b, *c;
	struct nflb_be_spec bes[4] = {}, rev[4] = {};
	struct nflb_slots *shared;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		bes[i].addr = nflb_st_be_addr(40 + i);
		bes[i].port = htons(53);
		bes[i].weight = 1;
		bes[i].state = NFLB_BACKEND_UP;
		rev[ARRAY_SIZE(rev) - 1 - i] = bes[i];
	}
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &tcp, bes, 4, NULL), 0);
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &udp, rev, 4, NULL), 0);
	a = nflb_st_find(nn, &tcp);
	b = nflb_st_find(nn, &udp);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	shared = nflb_st_table(a)->shared;
	KUNIT_ASSERT_NOT_NULL(test, shared);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_table(b)->shared, shared);
	KUNIT_EXPECT_EQ(test, shared->users, 2U);
	nflb_st_expect_table(test, a);
	nflb_st_expect_table(test, b);

	/* Another VIP, the same input: shared; one weight changed: not. */
	KUNIT_ASSERT_EQ(test, nflb_st_add(nn, &other, bes, 4, NULL), 0);
	c = nflb_st_find(nn, &other);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_table(c)->shared, shared);
	mutex_lock(&nn->lock);
	ret = nflb_backend_set(nn, c, nflb_backend_find(c, &bes[1].addr,
							 bes[1].port),
			       3, NFLB_BACKEND_UP, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, nflb_st_table(c)->shared, shared);
	KUNIT_EXPECT_EQ(test, shared->users, 2U);
	nflb_st_expect_table(test, c);

	/* A backend down in one: its own array; the other keeps the old. */
	mutex_lock(&nn->lock);
	ret = nflb_backend_set(nn, a, nflb_backend_find(a, &bes[0].addr,
							 bes[0].port),
			       1, NFLB_BACKEND_DOWN, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_NE(test, nflb_st_table(a)->shared, shared);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_table(b)->shared, shared);
	KUNIT_EXPECT_EQ(test, shared->users, 1U);
	nflb_st_expect_table(test, a);
	nflb_st_expect_table(test, b);

	/* Back up: the same input as B's again, so B's array. */
	mutex_lock(&nn->lock);
	ret = nflb_backend_set(nn, a, nflb_backend_find(a, &bes[0].addr,
							 bes[0].port),
			       1, NFLB_BACKEND_UP, NULL);
	mutex_unlock(&nn->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, nflb_st_table(a)->shared, shared);
	KUNIT_EXPECT_EQ(test, shared->users, 2U);

	/* Deleting one leaves the other's table whole. */
	mutex_lock(&nn->lock);
	nflb_service_del(nn, b);
	mutex_unlock(&nn->lock);
	KUNIT_EXPECT_EQ(test, shared->users, 1U);
	nflb_st_expect_table(test, a);
}

static struct kunit_case nflb_service_cases[] = {
	KUNIT_CASE(nflb_svc_create_lookup_delete),
	KUNIT_CASE(nflb_svc_all_ports_fallback),
	KUNIT_CASE(nflb_svc_create_with_backends),
	KUNIT_CASE(nflb_backend_add_set_del),
	KUNIT_CASE(nflb_svc_set_rebuilds),
	KUNIT_CASE(nflb_backend_state_takes_no_slots),
	KUNIT_CASE(nflb_limits_enforced),
	KUNIT_CASE(nflb_svc_tables_shared),
	{}
};

static struct kunit_suite nflb_service_suite = {
	.name = "nflb_service",
	.init = nflb_test_net_init,
	.exit = nflb_test_net_exit,
	.test_cases = nflb_service_cases,
};

kunit_test_suite(nflb_service_suite);
