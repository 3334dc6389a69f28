// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters: allocation, a consistent sum over CPUs, zeroing by a
 * baseline, and the rate estimator's arithmetic.
 */

#include <linux/math64.h>

#include "stats.h"

/*
 * N sets of counters in one per-CPU allocation (free_percpu() of the first
 * frees them all).  The per-CPU allocator scans its chunks' bitmaps for
 * every allocation: one allocation for a service and its backends instead
 * of one each was half the instructions of creating a service of 10.
 */
struct nflb_stats __percpu *nflb_stats_alloc_n(unsigned int n)
{
	struct nflb_stats __percpu *pcpu;
	unsigned int i;
	int cpu;

	pcpu = __alloc_percpu_gfp(n * sizeof(struct nflb_stats),
				  __alignof__(struct nflb_stats),
				  GFP_KERNEL_ACCOUNT);
	if (!pcpu)
		return NULL;
	for_each_possible_cpu(cpu)
		for (i = 0; i < n; i++)
			u64_stats_init(&per_cpu_ptr(pcpu + i, cpu)->syncp);
	return pcpu;
}

struct nflb_stats __percpu *nflb_stats_alloc(void)
{
	return nflb_stats_alloc_n(1);
}

void nflb_stats_read(struct nflb_stats __percpu *pcpu,
		     struct nflb_stats_sum *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct nflb_stats *s = per_cpu_ptr(pcpu, cpu);
		u64 conns, pin, pout, bin, bout, drops, rdrops, big, encap, unp;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			conns = u64_stats_read(&s->conns);
			pin = u64_stats_read(&s->pkts_in);
			pout = u64_stats_read(&s->pkts_out);
			bin = u64_stats_read(&s->bytes_in);
			bout = u64_stats_read(&s->bytes_out);
			drops = u64_stats_read(&s->drops);
			rdrops = u64_stats_read(&s->rate_drops);
			big = u64_stats_read(&s->too_big);
			encap = u64_stats_read(&s->encap_drops);
			unp = u64_stats_read(&s->unpinned);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->conns += conns;
		sum->pkts_in += pin;
		sum->pkts_out += pout;
		sum->bytes_in += bin;
		sum->bytes_out += bout;
		sum->drops += drops;
		sum->rate_drops += rdrops;
		sum->too_big += big;
		sum->encap_drops += encap;
		sum->unpinned += unp;
	}
}

/* Counters since the last zeroing, and the rates per second (RATES[]). */
void nflb_stats_get(const struct nflb_stats_est *est,
		    struct nflb_stats __percpu *pcpu,
		    struct nflb_stats_sum *sum, u64 *rates)
{
	int i;

	nflb_stats_read(pcpu, sum);
	sum->conns -= est->base.conns;
	sum->pkts_in -= est->base.pkts_in;
	sum->pkts_out -= est->base.pkts_out;
	sum->bytes_in -= est->base.bytes_in;
	sum->bytes_out -= est->base.bytes_out;
	sum->drops -= est->base.drops;
	sum->rate_drops -= est->base.rate_drops;
	sum->too_big -= est->base.too_big;
	sum->encap_drops -= est->base.encap_drops;
	sum->unpinned -= est->base.unpinned;
	/* Rounded to the nearest integer. */
	for (i = 0; i < NFLB_RATE_N; i++)
		rates[i] = (est->avg[i] + (1 << (NFLB_RATE_SHIFT - 1))) >>
			   NFLB_RATE_SHIFT;
}

void nflb_stats_zero(struct nflb_stats_est *est,
		     struct nflb_stats __percpu *pcpu)
{
	nflb_stats_read(pcpu, &est->base);
}

/* avg += (cur - avg) / 4, in fixed point; CUR is already scaled. */
static u64 nflb_ewma(u64 avg, u64 cur)
{
	if (cur >= avg)
		return avg + ((cur - avg) >> 2);
	return avg - ((avg - cur) >> 2);
}

/*
 * One estimator step, INTERVAL seconds after the previous one: the
 * counters' growth per second, folded into the moving averages.  Raw sums
 * only (zeroing moves the baseline, not these); u64 differences are right
 * across a wrap.
 */
void nflb_stats_estimate(struct nflb_stats_est *est,
			 struct nflb_stats __percpu *pcpu,
			 unsigned int interval)
{
	u64 diff[NFLB_RATE_N];
	struct nflb_stats_sum now;
	int i;

	nflb_stats_read(pcpu, &now);
	diff[NFLB_RATE_CONNS] = now.conns - est->last.conns;
	diff[NFLB_RATE_PKTS_IN] = now.pkts_in - est->last.pkts_in;
	diff[NFLB_RATE_PKTS_OUT] = now.pkts_out - est->last.pkts_out;
	diff[NFLB_RATE_BYTES_IN] = now.bytes_in - est->last.bytes_in;
	diff[NFLB_RATE_BYTES_OUT] = now.bytes_out - est->last.bytes_out;
	est->last = now;
	for (i = 0; i < NFLB_RATE_N; i++)
		est->avg[i] = nflb_ewma(est->avg[i],
					div_u64(diff[i] << NFLB_RATE_SHIFT,
						interval));
}
