// SPDX-License-Identifier: GPL-2.0
/*
 * The DSR flow table of a netns: which backend each client flow of a DSR
 * service goes to, so that table changes never move it (conntrack cannot
 * keep these flows: it sees one direction only).
 *
 * Set-associative, as a CPU cache is: a flow hashes (jhash, random seed
 * per table) to one bucket of NFLB_DSR_WAYS entries and lives in one of
 * them.  All entries are allocated with the table: a packet never
 * allocates, and nothing but the table's size bounds what it holds.  When
 * a new flow finds its bucket full it takes, in this order, a free entry,
 * an expired one, or the NFLB_FLOW_NEW entry (one packet seen) closest to
 * expiry; if every entry holds a flow that sent two packets or more it
 * gets none and is forwarded by the Maglev table alone, which is where
 * its entry would have sent it anyway unless the backends changed.  So a
 * flood of new flows (SYNs, spoofed ACKs, one-packet UDP) only ever
 * competes with itself: the established flows keep their entries.
 *
 * Readers take no lock.  An entry's seq is odd while a writer changes it
 * (between two smp_wmb()s); a reader copies what it needs and retries
 * when seq moved, as seqcount_t readers do (the type itself would grow
 * the entry by a lockdep map on debug kernels).  Writers hold the
 * bucket's spinlock with BHs off.  expires is also refreshed without the
 * lock, by the flow's own packets, at most once a second: a refresh that
 * lands on an entry just given to another flow only lengthens that
 * flow's life by the same order.
 */

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <uapi/linux/nflb.h>

#include "dsr.h"
#include "kunit.h"
#include "service.h"

static_assert(sizeof(struct nflb_dsr_flow) == 64);
static_assert(sizeof(struct nflb_dsr_key) % sizeof(u32) == 0);

unsigned int nflb_dsr_flows __read_mostly = NFLB_DSR_FLOWS_DEFAULT;
unsigned int nflb_dsr_flow_rate __read_mostly = NFLB_DSR_FLOW_RATE_DEFAULT;

u32 nflb_dsr_now(void)
{
	return (u32)ktime_get_seconds();
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_now);

static bool nflb_dsr_expired(u32 expires, u32 now)
{
	return (s32)(now - expires) >= 0;
}

struct nflb_dsr *nflb_dsr_alloc(unsigned int flows)
{
	struct nflb_dsr *dsr;
	unsigned int i;

	flows = clamp(flows, NFLB_DSR_FLOWS_MIN, NFLB_DSR_FLOWS_MAX);
	dsr = kzalloc(sizeof(*dsr), GFP_KERNEL_ACCOUNT);
	if (!dsr)
		return NULL;
	dsr->n_buckets = roundup_pow_of_two(flows) / NFLB_DSR_WAYS;
	dsr->flows = kvcalloc((size_t)dsr->n_buckets * NFLB_DSR_WAYS,
			      sizeof(*dsr->flows), GFP_KERNEL_ACCOUNT);
	if (!dsr->flows)
		goto err;
	dsr->stats = alloc_percpu_gfp(struct nflb_dsr_stats,
				      GFP_KERNEL_ACCOUNT);
	if (!dsr->stats)
		goto err;
	dsr->seed = get_random_u32();
	for (i = 0; i < NFLB_DSR_LOCKS; i++)
		spin_lock_init(&dsr->locks[i]);
	return dsr;
err:
	kvfree(dsr->flows);
	kfree(dsr);
	return NULL;
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_alloc);

void nflb_dsr_table_free(struct nflb_dsr *dsr)
{
	if (!dsr)
		return;
	free_percpu(dsr->stats);
	kvfree(dsr->flows);
	kfree(dsr);
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_table_free);

/*
 * An IPv4 key uses 4 of the key's 10 words: those alone are hashed, the
 * protocol folded into the seed (bench-cost's profile: jhash2 over all 10
 * cost more per packet than the lookup it feeds).  IPv6 keys, all of it.
 */
u32 nflb_dsr_hash(const struct nflb_dsr *dsr, const struct nflb_dsr_key *k)
{
	u32 ports = (__force u32)k->sport << 16 | (__force u32)k->dport;

	if (k->family == AF_INET)
		return jhash_3words((__force u32)k->saddr.ip,
				    (__force u32)k->daddr.ip, ports,
				    dsr->seed ^ k->proto);
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), dsr->seed);
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_hash);

static struct nflb_dsr_flow *nflb_dsr_bucket(struct nflb_dsr *dsr, u32 hash)
{
	return &dsr->flows[(hash & (dsr->n_buckets - 1)) * NFLB_DSR_WAYS];
}

static spinlock_t *nflb_dsr_lock(struct nflb_dsr *dsr, u32 bucket)
{
	return &dsr->locks[bucket % NFLB_DSR_LOCKS];
}

static bool nflb_dsr_match(const struct nflb_dsr_flow *e,
			   const struct nflb_dsr_key *k)
{
	return e->family == k->family && e->proto == k->proto &&
	       e->sport == k->sport && e->dport == k->dport &&
	       !memcmp(&e->saddr, &k->saddr, sizeof(k->saddr)) &&
	       !memcmp(&e->daddr, &k->daddr, sizeof(k->daddr));
}

static void nflb_dsr_write_begin(struct nflb_dsr_flow *e)
{
	WRITE_ONCE(e->seq, e->seq + 1);
	smp_wmb();	/* seq odd before the fields change: nflb_dsr_read() */
}

static void nflb_dsr_write_end(struct nflb_dsr_flow *e)
{
	smp_wmb();	/* fields written before seq is even: nflb_dsr_read() */
	WRITE_ONCE(e->seq, e->seq + 1);
}

/* A consistent copy of E (false: a free entry). */
bool nflb_dsr_read(const struct nflb_dsr_flow *e, struct nflb_dsr_flow *copy)
{
	u32 s;

	for (;;) {
		s = READ_ONCE(e->seq);
		if (s & 1) {
			cpu_relax();
			continue;
		}
		smp_rmb();	/* pairs with nflb_dsr_write_begin() */
		*copy = *e;
		smp_rmb();	/* pairs with nflb_dsr_write_end() */
		if (READ_ONCE(e->seq) == s)
			break;
	}
	copy->seq = s;
	return copy->family;
}

/* The live entry of flow K, without a lock. */
bool nflb_dsr_lookup(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		     u32 hash, struct nflb_dsr_hit *hit)
{
	struct nflb_dsr_flow *b = nflb_dsr_bucket(dsr, hash);
	struct nflb_dsr_flow e;
	int i;

	for (i = 0; i < NFLB_DSR_WAYS; i++) {
		if (!nflb_dsr_read(&b[i], &e) || !nflb_dsr_match(&e, k))
			continue;
		if (nflb_dsr_expired(e.expires, nflb_dsr_now()))
			return false;
		hit->backend = e.backend;
		hit->state = e.state;
		hit->expires = e.expires;
		hit->flow = &b[i];
		hit->seq = e.seq;
		return true;
	}
	return false;
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_lookup);

static void nflb_dsr_fill(struct nflb_dsr_flow *e, const struct nflb_dsr_key *k,
			  const union nf_inet_addr *backend, u8 state,
			  u32 expires)
{
	nflb_dsr_write_begin(e);
	e->saddr = k->saddr;
	e->daddr = k->daddr;
	e->sport = k->sport;
	e->dport = k->dport;
	e->proto = k->proto;
	e->backend = *backend;
	e->state = state;
	e->expires = expires;
	e->family = k->family;
	nflb_dsr_write_end(e);
}

/*
 * An entry for flow K to BACKEND: 1 when made, HIT its content.  Without
 * REPLACE, a live entry another CPU gave the flow meanwhile wins: 0, HIT
 * says which backend it holds.  -1 when the bucket has no entry to give
 * (counted).
 */
int nflb_dsr_insert(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		    u32 hash, const union nf_inet_addr *backend, u8 state,
		    u32 expires, bool replace, struct nflb_dsr_hit *hit)
{
	u32 bucket = hash & (dsr->n_buckets - 1);
	struct nflb_dsr_flow *b = &dsr->flows[bucket * NFLB_DSR_WAYS];
	struct nflb_dsr_flow *victim = NULL, *e;
	spinlock_t *lock = nflb_dsr_lock(dsr, bucket);
	u32 now = nflb_dsr_now();
	int rank = 0, r, i;

	spin_lock_bh(lock);
	for (i = 0; i < NFLB_DSR_WAYS; i++) {
		e = &b[i];
		if (e->family && nflb_dsr_match(e, k)) {
			if (!replace && !nflb_dsr_expired(e->expires, now)) {
				hit->backend = e->backend;
				hit->state = e->state;
				hit->expires = e->expires;
				spin_unlock_bh(lock);
				return 0;
			}
			victim = e;	/* its own entry */
			rank = 4;
			continue;
		}
		/* Free 3, expired 2, NEW 1 (the sooner to expire the better). */
		if (!e->family)
			r = 3;
		else if (nflb_dsr_expired(e->expires, now))
			r = 2;
		else if (e->state == NFLB_FLOW_NEW)
			r = 1;
		else
			r = 0;
		if (r > rank || (r == 1 && rank == 1 &&
				 (s32)(e->expires - victim->expires) < 0)) {
			victim = e;
			rank = r;
		}
	}
	if (!victim) {
		spin_unlock_bh(lock);
		nflb_dsr_count(dsr, NFLB_DSR_STAT_FULL);
		hit->backend = *backend;
		return -1;
	}
	nflb_dsr_fill(victim, k, backend, state, expires);
	spin_unlock_bh(lock);
	nflb_dsr_count(dsr, NFLB_DSR_STAT_INSERTS);
	if (rank == 1)
		nflb_dsr_count(dsr, NFLB_DSR_STAT_EVICTS);
	hit->backend = *backend;
	hit->state = state;
	hit->expires = expires;
	return 1;
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_insert);

/*
 * A new state and expiry for the entry HIT found, if it still holds flow
 * K (it may have been taken over since the lookup: then nothing).
 */
void nflb_dsr_update(struct nflb_dsr *dsr, const struct nflb_dsr_key *k,
		     u32 hash, const struct nflb_dsr_hit *hit, u8 state,
		     u32 expires)
{
	u32 bucket = hash & (dsr->n_buckets - 1);
	struct nflb_dsr_flow *e = hit->flow;
	spinlock_t *lock = nflb_dsr_lock(dsr, bucket);

	spin_lock_bh(lock);
	if (e->family && nflb_dsr_match(e, k)) {
		nflb_dsr_write_begin(e);
		e->state = state;
		e->expires = expires;
		nflb_dsr_write_end(e);
	}
	spin_unlock_bh(lock);
}

bool nflb_dsr_filter_match(const struct nflb_dsr_filter *f,
			   const struct nflb_dsr_flow *e)
{
	const struct nflb_svc_key *s = f->svc;

	if (s) {
		if (e->family != s->family || e->proto != s->proto ||
		    memcmp(&e->daddr, &s->addr, sizeof(s->addr)) ||
		    (s->port && e->dport != s->port))
			return false;
		/* A service on the flow's own port owns it. */
		if (!s->port && f->nn) {
			const struct nflb_service *o;

			o = nflb_service_lookup_rcu(f->nn, e->family, e->proto,
						    &e->daddr, e->dport);
			if (o && o->key.port)
				return false;
		}
	}
	if (f->backend &&
	    memcmp(&e->backend, f->backend, sizeof(*f->backend)))
		return false;
	return true;
}

/* Forget the flows F matches; process context.  Returns how many. */
unsigned int nflb_dsr_flush(struct nflb_dsr *dsr,
			    const struct nflb_dsr_filter *f)
{
	unsigned int n = 0;
	u32 bucket;
	int i;

	for (bucket = 0; bucket < dsr->n_buckets; bucket++) {
		struct nflb_dsr_flow *b = &dsr->flows[bucket * NFLB_DSR_WAYS];
		spinlock_t *lock = nflb_dsr_lock(dsr, bucket);

		rcu_read_lock();	/* nflb_dsr_filter_match() */
		spin_lock_bh(lock);
		for (i = 0; i < NFLB_DSR_WAYS; i++) {
			struct nflb_dsr_flow *e = &b[i];

			if (!e->family || !nflb_dsr_filter_match(f, e))
				continue;
			nflb_dsr_write_begin(e);
			e->family = 0;
			nflb_dsr_write_end(e);
			n++;
		}
		spin_unlock_bh(lock);
		rcu_read_unlock();
		if (!(bucket % 256))
			cond_resched();
	}
	return n;
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_flush);

/* Live entries, counted without a lock (a snapshot that may be off). */
u32 nflb_dsr_used(struct nflb_dsr *dsr)
{
	u32 now = nflb_dsr_now(), n = 0;
	size_t i, total = (size_t)dsr->n_buckets * NFLB_DSR_WAYS;

	for (i = 0; i < total; i++) {
		const struct nflb_dsr_flow *e = &dsr->flows[i];

		if (READ_ONCE(e->family) &&
		    !nflb_dsr_expired(READ_ONCE(e->expires), now))
			n++;
		if (!(i % 4096))
			cond_resched();
	}
	return n;
}
NFLB_EXPORT_FOR_KUNIT(nflb_dsr_used);

void nflb_dsr_stats_read(struct nflb_dsr *dsr, u64 *v)
{
	unsigned int start;
	int cpu, i;

	memset(v, 0, sizeof(u64) * NFLB_DSR_STAT_N);
	for_each_possible_cpu(cpu) {
		const struct nflb_dsr_stats *s = per_cpu_ptr(dsr->stats, cpu);
		u64 t[NFLB_DSR_STAT_N];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < NFLB_DSR_STAT_N; i++)
				t[i] = u64_stats_read(&s->v[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < NFLB_DSR_STAT_N; i++)
			v[i] += t[i];
	}
}
