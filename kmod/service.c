// SPDX-License-Identifier: GPL-2.0
/*
 * Services and their backends: the per-netns table the packet path reads,
 * and the Maglev table of each service, rebuilt whole on every change and
 * published with RCU.  A change that fails changes nothing.
 *
 * Every allocation a request makes, scratch included, is charged to the
 * requester's memory cgroup (GFP_KERNEL_ACCOUNT): any user may own a netns.
 * Only the service hash is not (rhashtable allocates with GFP_KERNEL); its
 * size follows the number of services, which limits.c bounds.
 */

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_timeout.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <uapi/linux/nflb.h>

#include "kunit.h"
#include "limits.h"
#include "maglev.h"
#include "service.h"
#include "slots.h"

unsigned int nflb_addr_len(u16 family)
{
	return family == AF_INET ? sizeof(__be32) : sizeof(struct in6_addr);
}
NFLB_EXPORT_FOR_KUNIT(nflb_addr_len);

int nflb_service_table_init(struct nflb_net *nn)
{
	int ret;

	/* Its nodes are charged like the services (see the top). */
	xa_init_flags(&nn->service_ids, XA_FLAGS_ACCOUNT);
	nn->next_id = 0;
	ret = nflb_slots_init(nn);
	if (ret)
		return ret;
	ret = rhashtable_init(&nn->services, &nflb_svc_params);
	if (ret)
		nflb_slots_destroy(nn);
	return ret;
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_table_init);

void nflb_service_table_destroy(struct nflb_net *nn)
{
	/* Empty by now: nflb_service_flush() ran. */
	rhashtable_destroy(&nn->services);
	nflb_slots_destroy(nn);
	xa_destroy(&nn->service_ids);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_table_destroy);

struct nflb_service *nflb_service_lookup_rcu(struct nflb_net *nn, u8 family,
					     u8 proto,
					     const union nf_inet_addr *addr,
					     __be16 port)
{
	return __nflb_service_lookup_rcu(nn, family, proto, addr, port);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_lookup_rcu);

struct nflb_service *nflb_service_find(struct nflb_net *nn,
				       const struct nflb_svc_key *key)
{
	lockdep_assert_held(&nn->lock);
	return rhashtable_lookup_fast(&nn->services, key, nflb_svc_params);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_find);

static int nflb_mbe_cmp(const void *a, const void *b)
{
	const struct nflb_maglev_backend *x = a, *y = b;

	return memcmp(x->key, y->key, NFLB_MAGLEV_KEY_LEN);
}

/*
 * A new table for SVC's current backends with OPTS.  Backends that are up
 * with a non-zero weight share the slots; every backend is listed in be[]
 * (sorted by identity) so that counters of draining flows still find it.
 */
static struct nflb_table *nflb_table_build(struct nflb_net *nn,
					   struct nflb_service *svc,
					   const struct nflb_svc_opts *opts,
					   struct netlink_ext_ack *extack)
{
	unsigned int alen = nflb_addr_len(svc->key.family);
	u32 n = svc->n_backends, i = 0, size = 0;
	struct nflb_maglev_backend *in = NULL;
	struct nflb_backend *be;
	struct nflb_table *t;
	bool up = false;
	int ret;

	lockdep_assert_held(&nn->lock);
	if (n) {
		in = kvmalloc_array(n, sizeof(*in), GFP_KERNEL_ACCOUNT);
		if (!in)
			return ERR_PTR(-ENOMEM);
	}
	list_for_each_entry(be, &svc->backends, node) {
		nflb_maglev_key(in[i].key, svc->key.family, &be->addr, alen,
				be->port);
		in[i].weight = be->state == NFLB_BACKEND_UP ? be->weight : 0;
		in[i].priv = be;
		up |= in[i].weight > 0;
		i++;
	}
	if (n)
		sort(in, n, sizeof(*in), nflb_mbe_cmp, NULL);
	if (up)
		size = opts->table_size;

	/* Counts of their own only while no slot is held: all zero. */
	t = kvzalloc(sizeof(*t) + n * sizeof(*t->be) +
		     (size ? 0 : n * sizeof(u32)), GFP_KERNEL_ACCOUNT);
	if (!t) {
		ret = -ENOMEM;
		goto err;
	}
	t->be = (struct nflb_backend **)(t + 1);
	t->n = n;
	t->seed = opts->seed;
	t->hash = opts->hash;
	t->generation = nn->generation;
	if (size) {
		t->shared = nflb_slots_get(nn, in, n, size, opts->seed);
		if (IS_ERR(t->shared)) {
			ret = PTR_ERR(t->shared);
			NL_SET_ERR_MSG(extack, "cannot build the Maglev table");
			kvfree(t);
			goto err;
		}
		t->slots = t->shared->slots;
		t->slots_held = t->shared->held;
		t->size = size;
	} else {
		t->slots_held = (u32 *)(t->be + n);
	}
	for (i = 0; i < n; i++)
		t->be[i] = in[i].priv;
	kvfree(in);
	return t;

err:
	kvfree(in);
	return ERR_PTR(ret);
}

static void nflb_table_publish(struct nflb_net *nn, struct nflb_service *svc,
			       struct nflb_table *t)
{
	struct nflb_table *old;

	old = rcu_replace_pointer(svc->table, t, lockdep_is_held(&nn->lock));
	if (old) {
		nflb_slots_put(nn, old->shared);
		kvfree_rcu(old, rcu);
	}
	nn->generation++;
}

/*
 * SVC's table leaves the netns (the service is deleted or never was
 * inserted): its slots lose a user now, under the lock; readers of the
 * table still find them until a grace period has passed.
 */
static void nflb_table_unpublish(struct nflb_net *nn, struct nflb_service *svc)
{
	struct nflb_table *t;

	t = rcu_dereference_protected(svc->table, lockdep_is_held(&nn->lock));
	if (t) {
		nflb_slots_put(nn, t->shared);
		t->shared = NULL;
	}
}

/*
 * Per-service idle timeouts, as conntrack's timeout policy extension (what
 * nft "ct timeout" objects use): an array of per-state timeouts in
 * jiffies, the layout of the protocol's own defaults.  Entries the service
 * does not override hold the netns's defaults as they were when the
 * service's timeouts were last set.
 */
static bool nflb_opts_have_timeouts(const struct nflb_svc_opts *opts)
{
	return opts->timeout_tcp || opts->timeout_tcp_fin || opts->timeout_udp;
}

/* The service's override of TCP state STATE, in seconds; 0: none. */
static u32 nflb_tcp_override(const struct nflb_svc_opts *opts,
			     unsigned int state)
{
	switch (state) {
	case TCP_CONNTRACK_ESTABLISHED:
		return opts->timeout_tcp;
	case TCP_CONNTRACK_FIN_WAIT:
	case TCP_CONNTRACK_CLOSE_WAIT:
	case TCP_CONNTRACK_LAST_ACK:
	case TCP_CONNTRACK_TIME_WAIT:
		return opts->timeout_tcp_fin;
	}
	return 0;
}

/*
 * SECS seconds in jiffies at HZ, as conntrack times a flow: at most
 * INT_MAX, since conntrack compares its deadline with the clock as a
 * signed 32-bit difference (nf_ct_is_expired()); a longer one wraps and
 * expires at once (__nf_ct_set_timeout() clamps the same way).
 * NFLB_TIMEOUT_MAX seconds are above that on HZ=1000 kernels.
 */
unsigned int nflb_timeout_jiffies(u32 secs, unsigned int hz)
{
	return min_t(u64, (u64)secs * hz, INT_MAX);
}
NFLB_EXPORT_FOR_KUNIT(nflb_timeout_jiffies);

/* Fill T's values; on a published T, flows follow at once. */
static void nflb_ct_timeout_fill(struct net *net, u8 proto,
				 const struct nflb_svc_opts *opts,
				 struct nf_ct_timeout *t)
{
	unsigned int *v = (unsigned int *)t->data;
	const unsigned int *def;
	unsigned int i, n;
	u32 secs;

	if (proto == IPPROTO_TCP) {
		def = nf_tcp_pernet(net)->timeouts;
		n = TCP_CONNTRACK_TIMEOUT_MAX;
	} else {
		def = nf_udp_pernet(net)->timeouts;
		n = UDP_CT_MAX;
	}
	for (i = 0; i < n; i++) {
		secs = proto == IPPROTO_TCP ? nflb_tcp_override(opts, i) :
					      opts->timeout_udp;
		WRITE_ONCE(v[i], secs ? nflb_timeout_jiffies(secs, HZ) :
					READ_ONCE(def[i]));
	}
}

static struct nf_ct_timeout *nflb_ct_timeout_new(struct net *net,
						 const struct nflb_svc_key *key,
						 const struct nflb_svc_opts *opts)
{
	size_t n = key->proto == IPPROTO_TCP ? TCP_CONNTRACK_TIMEOUT_MAX :
					       UDP_CT_MAX;
	struct nf_ct_timeout *t;

	t = kzalloc(sizeof(*t) + n * sizeof(unsigned int),
		    GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	refcount_set(&t->refcnt, 1);
	t->l3num = key->family;
	t->l4proto = nf_ct_l4proto_find(key->proto);
	nflb_ct_timeout_fill(net, key->proto, opts, t);
	return t;
}

/* Drop a reference: the service's, or a never published object's. */
static void nflb_ct_timeout_put(struct nf_ct_timeout *t)
{
	if (t && refcount_dec_and_test(&t->refcnt))
		kfree_rcu(t, rcu);
}

static void nflb_svc_timeouts_set(struct nflb_service *svc,
				  const struct nflb_svc_opts *opts)
{
	/* The packet path reads these (nflb_ct_timeout_adopt()). */
	WRITE_ONCE(svc->timeout_tcp, opts->timeout_tcp);
	WRITE_ONCE(svc->timeout_tcp_fin, opts->timeout_tcp_fin);
	WRITE_ONCE(svc->timeout_udp, opts->timeout_udp);
}

/* The rate limit of OPTS; a change refills the bucket. */
static void nflb_svc_limit_set(struct nflb_service *svc,
			       const struct nflb_svc_opts *opts)
{
	u64 limit = opts->rate ? (u64)opts->rate << 32 | opts->burst : 0;

	if (limit == svc->limit)
		return;
	nflb_bucket_refill(&svc->bucket);
	WRITE_ONCE(svc->limit, limit);
}

/* A backend whose counters are in its service's block goes before it. */
static void nflb_backend_free(struct nflb_backend *be)
{
	if (be->own_stats)
		free_percpu(be->stats);
	kfree(be);
}

static void nflb_backend_free_rcu(struct rcu_head *head)
{
	nflb_backend_free(container_of(head, struct nflb_backend, rcu));
}

static void nflb_service_free(struct nflb_service *svc)
{
	struct nflb_backend *be, *tmp;

	list_for_each_entry_safe(be, tmp, &svc->backends, node)
		nflb_backend_free(be);
	kvfree(rcu_dereference_protected(svc->table, 1));
	/* Flows carrying the policy keep it alive as long as they need. */
	nflb_ct_timeout_put(rcu_dereference_protected(svc->ct_timeout, 1));
	nflb_snat_free(svc);
	free_percpu(svc->stats);
	kfree(svc);
}

/* Readers may still use the service, its table and backends until now. */
static void nflb_service_free_rcu(struct rcu_head *head)
{
	nflb_service_free(container_of(head, struct nflb_service, rcu));
}

/* STATS: counters in the service's block, or NULL for its own. */
static struct nflb_backend *nflb_backend_alloc(const union nf_inet_addr *addr,
					       __be16 port, u16 weight,
					       u8 state,
					       struct nflb_stats __percpu *stats)
{
	struct nflb_backend *be;

	be = kzalloc(sizeof(*be), GFP_KERNEL_ACCOUNT);
	if (!be)
		return NULL;
	be->own_stats = !stats;
	be->stats = stats ?: nflb_stats_alloc();
	if (!be->stats) {
		kfree(be);
		return NULL;
	}
	be->addr = *addr;
	be->port = port;
	be->weight = weight;
	be->state = state;
	return be;
}

/*
 * A new service with the backends BES (distinct, checked by the caller),
 * its table built once, not yet visible: nflb_service_insert() publishes
 * it, nflb_service_destroy() frees it instead.
 */
struct nflb_service *nflb_service_create(struct nflb_net *nn,
					 const struct nflb_svc_key *key,
					 const struct nflb_svc_opts *opts,
					 const struct nflb_be_spec *bes,
					 unsigned int n_bes,
					 struct netlink_ext_ack *extack)
{
	struct nflb_snat *snat = NULL;
	struct nflb_service *svc;
	struct nflb_backend *be;
	struct nflb_table *t;
	unsigned int i, n_block;
	int ret;

	lockdep_assert_held(&nn->lock);
	if (nflb_service_find(nn, key)) {
		NL_SET_ERR_MSG(extack, "service already exists");
		return ERR_PTR(-EEXIST);
	}
	if (n_bes > NFLB_MAGLEV_MAX_BACKENDS) {
		NL_SET_ERR_MSG(extack, "too many backends for one service");
		return ERR_PTR(-ENOSPC);
	}
	ret = nflb_limits_check(nn, 1, n_bes, opts->table_size, extack);
	if (ret)
		return ERR_PTR(ret);
	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->key = *key;
	svc->table_size = opts->table_size;
	svc->seed = opts->seed;
	svc->hash = opts->hash;
	svc->forward = opts->forward;
	svc->synproxy = opts->synproxy;
	nflb_svc_timeouts_set(svc, opts);
	nflb_svc_limit_set(svc, opts);
	INIT_LIST_HEAD(&svc->backends);
	/*
	 * The counters of the service and of its first backends in one
	 * block, freed with the service: a backend deleted before leaves its
	 * set unused until then.
	 */
	n_block = min_t(unsigned int, n_bes + 1, NFLB_STATS_BLOCK);
	svc->stats = nflb_stats_alloc_n(n_block);
	ret = svc->stats ? nflb_snat_prepare_addr(nn, svc, opts, &snat) :
			   -ENOMEM;
	if (ret)
		goto err_free;
	nflb_snat_commit(nn, svc, opts, snat);
	if (nflb_opts_have_timeouts(opts)) {
		struct nf_ct_timeout *to;

		to = nflb_ct_timeout_new(nn->net, key, opts);
		if (!to) {
			ret = -ENOMEM;
			goto err_free;
		}
		RCU_INIT_POINTER(svc->ct_timeout, to);
	}
	for (i = 0; i < n_bes; i++) {
		be = nflb_backend_alloc(&bes[i].addr, bes[i].port,
					bes[i].weight, bes[i].state,
					i + 1 < n_block ? svc->stats + i + 1 :
							  NULL);
		if (!be) {
			ret = -ENOMEM;
			goto err_free;
		}
		list_add_tail(&be->node, &svc->backends);
		svc->n_backends++;
	}
	t = nflb_table_build(nn, svc, opts, extack);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto err_free;
	}
	RCU_INIT_POINTER(svc->table, t);
	return svc;

err_free:
	nflb_service_free(svc);
	return ERR_PTR(ret);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_create);

/* Publish a created service; on error the caller still owns (destroys) it. */
int nflb_service_insert(struct nflb_net *nn, struct nflb_service *svc,
			struct netlink_ext_ack *extack)
{
	bool first;
	int ret;

	lockdep_assert_held(&nn->lock);
	first = xa_empty(&nn->service_ids);
	svc->id = nn->next_id;
	ret = xa_insert(&nn->service_ids, svc->id, svc, GFP_KERNEL_ACCOUNT);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot insert the service");
		return ret;
	}
	ret = rhashtable_insert_fast(&nn->services, &svc->rhnode,
				     nflb_svc_params);
	if (ret) {
		xa_erase(&nn->service_ids, svc->id);
		NL_SET_ERR_MSG(extack, "cannot insert the service");
		return ret;
	}
	nn->next_id++;
	/* The first service starts the estimator. */
	if (first)
		schedule_delayed_work(&nn->est_work, NFLB_RATE_INTERVAL * HZ);
	nn->n_services++;
	nn->n_backends += svc->n_backends;
	nn->n_slots += svc->table_size;
	nn->generation++;
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_insert);

/* A service never inserted: no reader can see it, free it now. */
void nflb_service_destroy(struct nflb_net *nn, struct nflb_service *svc)
{
	nflb_table_unpublish(nn, svc);
	nflb_service_free(svc);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_destroy);

int nflb_service_set(struct nflb_net *nn, struct nflb_service *svc,
		     const struct nflb_svc_opts *opts,
		     struct netlink_ext_ack *extack)
{
	struct nf_ct_timeout *cur, *to = NULL;
	struct nflb_snat *snat;
	struct nflb_table *t;
	int ret;

	lockdep_assert_held(&nn->lock);
	cur = rcu_dereference_protected(svc->ct_timeout,
					lockdep_is_held(&nn->lock));
	/* Everything that can fail first: a failed set changes nothing. */
	if (opts->table_size > svc->table_size) {
		ret = nflb_limits_check(nn, 0, 0,
					opts->table_size - svc->table_size,
					extack);
		if (ret)
			return ret;
	}
	ret = nflb_snat_prepare_addr(nn, svc, opts, &snat);
	if (ret)
		return ret;
	if (!cur && nflb_opts_have_timeouts(opts)) {
		to = nflb_ct_timeout_new(nn->net, &svc->key, opts);
		if (!to) {
			ret = -ENOMEM;
			goto err_snat;
		}
	}
	t = nflb_table_build(nn, svc, opts, extack);
	if (IS_ERR(t)) {
		nflb_ct_timeout_put(to);
		ret = PTR_ERR(t);
		goto err_snat;
	}
	nn->n_slots += opts->table_size;
	nn->n_slots -= svc->table_size;
	svc->table_size = opts->table_size;
	svc->seed = opts->seed;
	svc->hash = opts->hash;
	nflb_snat_commit(nn, svc, opts, snat);
	WRITE_ONCE(svc->forward, opts->forward);
	WRITE_ONCE(svc->synproxy, opts->synproxy);
	nflb_svc_timeouts_set(svc, opts);
	nflb_svc_limit_set(svc, opts);
	if (to) {
		rcu_assign_pointer(svc->ct_timeout, to);
	} else if (cur) {
		/* Flows carrying the policy follow, to the defaults if 0. */
		nflb_ct_timeout_fill(nn->net, svc->key.proto, opts, cur);
		/*
		 * Every timeout 0: new flows carry no policy, and so follow
		 * the sysctls as they change, as the UAPI says.  Readers
		 * take their own reference with refcount_inc_not_zero()
		 * under RCU; the object is freed after a grace period.
		 */
		if (!nflb_opts_have_timeouts(opts)) {
			RCU_INIT_POINTER(svc->ct_timeout, NULL);
			nflb_ct_timeout_put(cur);
		}
	}
	nflb_table_publish(nn, svc, t);
	return 0;

err_snat:
	kfree(snat);		/* never published */
	return ret;
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_set);

void nflb_service_del(struct nflb_net *nn, struct nflb_service *svc)
{
	lockdep_assert_held(&nn->lock);
	rhashtable_remove_fast(&nn->services, &svc->rhnode, nflb_svc_params);
	xa_erase(&nn->service_ids, svc->id);
	nn->n_services--;
	nn->n_backends -= svc->n_backends;
	nn->n_slots -= svc->table_size;
	nn->generation++;
	nflb_table_unpublish(nn, svc);
	call_rcu(&svc->rcu, nflb_service_free_rcu);
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_del);

void nflb_service_flush(struct nflb_net *nn)
{
	struct nflb_service *svc;
	unsigned long id;

	lockdep_assert_held(&nn->lock);
	/* Erasing the entry at the cursor is safe: the walk looks it up. */
	xa_for_each(&nn->service_ids, id, svc) {
		nflb_service_del(nn, svc);
		cond_resched();
	}
}
NFLB_EXPORT_FOR_KUNIT(nflb_service_flush);

struct nflb_backend *nflb_backend_find(struct nflb_service *svc,
				       const union nf_inet_addr *addr,
				       __be16 port)
{
	unsigned int alen = nflb_addr_len(svc->key.family);
	struct nflb_backend *be;

	list_for_each_entry(be, &svc->backends, node)
		if (be->port == port && !memcmp(&be->addr, addr, alen))
			return be;
	return NULL;
}
NFLB_EXPORT_FOR_KUNIT(nflb_backend_find);

void nflb_svc_opts_get(const struct nflb_service *svc,
		       struct nflb_svc_opts *opts)
{
	const struct nflb_snat *snat;

	opts->table_size = svc->table_size;
	opts->seed = svc->seed;
	opts->hash = svc->hash;
	opts->snat = svc->snat;
	opts->forward = svc->forward;
	opts->synproxy = svc->synproxy;
	snat = rcu_dereference_protected(svc->snat_addr, true);
	opts->snat_fixed = snat;
	if (snat)
		opts->snat_addr = snat->addr;
	opts->timeout_tcp = svc->timeout_tcp;
	opts->timeout_tcp_fin = svc->timeout_tcp_fin;
	opts->timeout_udp = svc->timeout_udp;
	opts->rate = svc->limit >> 32;
	opts->burst = (u32)svc->limit;
}

int nflb_backend_add(struct nflb_net *nn, struct nflb_service *svc,
		     const union nf_inet_addr *addr, __be16 port, u16 weight,
		     u8 state, struct netlink_ext_ack *extack)
{
	struct nflb_svc_opts opts;
	struct nflb_backend *be;
	struct nflb_table *t;
	int ret;

	lockdep_assert_held(&nn->lock);
	if (nflb_backend_find(svc, addr, port)) {
		NL_SET_ERR_MSG(extack, "backend already exists");
		return -EEXIST;
	}
	if (svc->n_backends >= NFLB_MAGLEV_MAX_BACKENDS) {
		NL_SET_ERR_MSG(extack, "too many backends for one service");
		return -ENOSPC;
	}
	ret = nflb_limits_check(nn, 0, 1, 0, extack);
	if (ret)
		return ret;
	be = nflb_backend_alloc(addr, port, weight, state, NULL);
	if (!be)
		return -ENOMEM;
	list_add_tail(&be->node, &svc->backends);
	svc->n_backends++;

	nflb_svc_opts_get(svc, &opts);
	t = nflb_table_build(nn, svc, &opts, extack);
	if (IS_ERR(t)) {
		list_del(&be->node);
		svc->n_backends--;
		nflb_backend_free(be);
		return PTR_ERR(t);
	}
	nflb_table_publish(nn, svc, t);
	nn->n_backends++;
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_backend_add);

int nflb_backend_set(struct nflb_net *nn, struct nflb_service *svc,
		     struct nflb_backend *be, u16 weight, u8 state,
		     struct netlink_ext_ack *extack)
{
	u16 old_weight = be->weight;
	u8 old_state = be->state;
	struct nflb_svc_opts opts;
	struct nflb_table *t;

	lockdep_assert_held(&nn->lock);
	/* Only the packet path's table reads these, and it is rebuilt. */
	be->weight = weight;
	be->state = state;
	nflb_svc_opts_get(svc, &opts);
	t = nflb_table_build(nn, svc, &opts, extack);
	if (IS_ERR(t)) {
		be->weight = old_weight;
		be->state = old_state;
		return PTR_ERR(t);
	}
	nflb_table_publish(nn, svc, t);
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_backend_set);

/* The backend's flows are the caller's: nflb_flush_backend_flows(). */
int nflb_backend_del(struct nflb_net *nn, struct nflb_service *svc,
		     struct nflb_backend *be, struct netlink_ext_ack *extack)
{
	struct list_head *prev = be->node.prev;
	struct nflb_svc_opts opts;
	struct nflb_table *t;

	lockdep_assert_held(&nn->lock);
	list_del(&be->node);
	svc->n_backends--;
	nflb_svc_opts_get(svc, &opts);
	t = nflb_table_build(nn, svc, &opts, extack);
	if (IS_ERR(t)) {
		list_add(&be->node, prev);
		svc->n_backends++;
		return PTR_ERR(t);
	}
	nflb_table_publish(nn, svc, t);
	nn->n_backends--;
	call_rcu(&be->rcu, nflb_backend_free_rcu);
	return 0;
}
NFLB_EXPORT_FOR_KUNIT(nflb_backend_del);

void nflb_service_stats_zero(struct nflb_net *nn, struct nflb_service *svc)
{
	struct nflb_backend *be;

	lockdep_assert_held(&nn->lock);
	nflb_stats_zero(&svc->est, svc->stats);
	list_for_each_entry(be, &svc->backends, node)
		nflb_stats_zero(&be->est, be->stats);
}

/*
 * Objects (a service or a backend: a read of every CPU's counters each)
 * the estimator handles per hold of nflb_net::lock.
 */
#define NFLB_EST_BATCH	256

/*
 * One estimator round, in batches: nflb_net::lock is held for at most
 * NFLB_EST_BATCH objects (or one service, if it has more backends) and
 * dropped in between, so that requests get through and the walk can be
 * preempted; the cost is linear in services and backends.  The walk
 * resumes at the creation number of the next service to visit: services
 * deleted meanwhile are just not found, those created meanwhile (at the
 * end) are visited too.  The state it changes stays under the lock.
 */
static void nflb_est_work(struct work_struct *work)
{
	struct nflb_net *nn = container_of(to_delayed_work(work),
					   struct nflb_net, est_work);
	struct nflb_service *svc;
	struct nflb_backend *be;
	unsigned long id = 0;
	unsigned int done;
	bool more;

	do {
		more = false;
		done = 0;
		mutex_lock(&nn->lock);
		xa_for_each_start(&nn->service_ids, id, svc, id) {
			if (done >= NFLB_EST_BATCH) {
				more = true;	/* ID: the next one to visit */
				break;
			}
			nflb_stats_estimate(&svc->est, svc->stats,
					    NFLB_RATE_INTERVAL);
			done++;
			list_for_each_entry(be, &svc->backends, node) {
				nflb_stats_estimate(&be->est, be->stats,
						    NFLB_RATE_INTERVAL);
				if (!(++done % NFLB_EST_BATCH))
					cond_resched();
			}
		}
		/* Idle without services; nflb_service_insert() starts it again. */
		if (!more && !xa_empty(&nn->service_ids))
			schedule_delayed_work(&nn->est_work,
					      NFLB_RATE_INTERVAL * HZ);
		mutex_unlock(&nn->lock);
		cond_resched();
	} while (more);
}

void nflb_est_init(struct nflb_net *nn)
{
	INIT_DELAYED_WORK(&nn->est_work, nflb_est_work);
}
NFLB_EXPORT_FOR_KUNIT(nflb_est_init);

void nflb_est_stop(struct nflb_net *nn)
{
	cancel_delayed_work_sync(&nn->est_work);
}
NFLB_EXPORT_FOR_KUNIT(nflb_est_stop);

int nflb_table_index(const struct nflb_table *t, u8 family,
		     const union nf_inet_addr *addr, __be16 port)
{
	return __nflb_table_index(t, family, addr, port);
}
NFLB_EXPORT_FOR_KUNIT(nflb_table_index);
