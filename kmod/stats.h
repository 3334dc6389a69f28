/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_STATS_H
#define _NFLB_STATS_H

#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/u64_stats_sync.h>

/* Per-CPU counters of a service or a backend: written lock-free. */
struct nflb_stats {
	u64_stats_t conns;
	u64_stats_t pkts_in;
	u64_stats_t pkts_out;
	u64_stats_t bytes_in;
	u64_stats_t bytes_out;
	u64_stats_t drops;
	u64_stats_t rate_drops;
	/* DSR services: drops by reason, new flows left without an entry. */
	u64_stats_t too_big;
	u64_stats_t encap_drops;
	u64_stats_t unpinned;
	struct u64_stats_sync syncp;
};

struct nflb_stats_sum {
	u64 conns, pkts_in, pkts_out, bytes_in, bytes_out, drops, rate_drops;
	u64 too_big, encap_drops, unpinned;
};

/* Rates kept by the estimator, in this order. */
enum nflb_rate {
	NFLB_RATE_CONNS,
	NFLB_RATE_PKTS_IN,
	NFLB_RATE_PKTS_OUT,
	NFLB_RATE_BYTES_IN,
	NFLB_RATE_BYTES_OUT,
	NFLB_RATE_N,
};

/*
 * What goes with the per-CPU counters of an object, under nflb_net::lock:
 * the sums at the last zeroing (reported counters are the sums minus
 * these; per-CPU counters cannot be reset under the writers' feet), and
 * the estimator's state, which works on the raw sums so that zeroing does
 * not disturb the rates.
 */
struct nflb_stats_est {
	struct nflb_stats_sum base;	/* raw sums at the last zeroing */
	struct nflb_stats_sum last;	/* raw sums at the last estimate */
	u64 avg[NFLB_RATE_N];		/* per second, << NFLB_RATE_SHIFT */
};

#define NFLB_RATE_SHIFT	10		/* fixed point: small rates survive */

/*
 * BHs off around an update: the same counters are updated from softirq
 * context.  Most packets arrive in softirq context, where BHs are off
 * already and enabling them again would run the pending-softirq check for
 * nothing: then nothing to do.
 */
static inline bool nflb_stats_bh_off(void)
{
	if (in_softirq())
		return false;
	local_bh_disable();
	return true;
}

static inline void nflb_stats_bh_on(bool off)
{
	if (off)
		local_bh_enable();
}

enum nflb_stat {
	NFLB_STAT_CONN,
	NFLB_STAT_DROP,
	NFLB_STAT_RATE_DROP,
	NFLB_STAT_TOO_BIG,
	NFLB_STAT_ENCAP_DROP,
	NFLB_STAT_UNPINNED,
};

static inline u64_stats_t *nflb_stats_counter(struct nflb_stats *s,
					      enum nflb_stat what)
{
	switch (what) {
	case NFLB_STAT_CONN:
		return &s->conns;
	case NFLB_STAT_DROP:
		return &s->drops;
	case NFLB_STAT_RATE_DROP:
		return &s->rate_drops;
	case NFLB_STAT_TOO_BIG:
		return &s->too_big;
	case NFLB_STAT_ENCAP_DROP:
		return &s->encap_drops;
	default:
		return &s->unpinned;
	}
}

static inline void nflb_stats_event(struct nflb_stats __percpu *pcpu,
				    enum nflb_stat what)
{
	bool bh = nflb_stats_bh_off();
	struct nflb_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(nflb_stats_counter(s, what));
	u64_stats_update_end(&s->syncp);
	nflb_stats_bh_on(bh);
}

/* BHs off (the caller's): one packet of LEN bytes, REPLY or original. */
static inline void __nflb_stats_packet(struct nflb_stats __percpu *pcpu,
				       bool reply, unsigned int len)
{
	struct nflb_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	if (reply) {
		u64_stats_inc(&s->pkts_out);
		u64_stats_add(&s->bytes_out, len);
	} else {
		u64_stats_inc(&s->pkts_in);
		u64_stats_add(&s->bytes_in, len);
	}
	u64_stats_update_end(&s->syncp);
}

/* BHs off (the caller's): PKTS packets of BYTES bytes in all. */
static inline void __nflb_stats_add(struct nflb_stats __percpu *pcpu,
				    bool reply, u64 pkts, u64 bytes)
{
	struct nflb_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	if (reply) {
		u64_stats_add(&s->pkts_out, pkts);
		u64_stats_add(&s->bytes_out, bytes);
	} else {
		u64_stats_add(&s->pkts_in, pkts);
		u64_stats_add(&s->bytes_in, bytes);
	}
	u64_stats_update_end(&s->syncp);
}

/* A packet of a service's flow, and of its backend's (BE may be NULL). */
static inline void nflb_stats_packet(struct nflb_stats __percpu *svc,
				     struct nflb_stats __percpu *be,
				     bool reply, unsigned int len)
{
	bool bh = nflb_stats_bh_off();

	__nflb_stats_packet(svc, reply, len);
	if (be)
		__nflb_stats_packet(be, reply, len);
	nflb_stats_bh_on(bh);
}

struct nflb_stats __percpu *nflb_stats_alloc(void);
struct nflb_stats __percpu *nflb_stats_alloc_n(unsigned int n);
/* The most sets nflb_stats_alloc_n() is asked for (a few KiB per CPU). */
#define NFLB_STATS_BLOCK	64
void nflb_stats_read(struct nflb_stats __percpu *pcpu,
		     struct nflb_stats_sum *sum);
void nflb_stats_get(const struct nflb_stats_est *est,
		    struct nflb_stats __percpu *pcpu,
		    struct nflb_stats_sum *sum, u64 *rates);
void nflb_stats_zero(struct nflb_stats_est *est,
		     struct nflb_stats __percpu *pcpu);
void nflb_stats_estimate(struct nflb_stats_est *est,
			 struct nflb_stats __percpu *pcpu,
			 unsigned int interval);

#endif /* _NFLB_STATS_H */
