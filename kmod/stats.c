// SPDX-License-Identifier: GPL-2.0
/* Per-CPU counters: allocation and a consistent sum over CPUs. */

#include "stats.h"

struct nflb_stats __percpu *nflb_stats_alloc(void)
{
	struct nflb_stats __percpu *pcpu;
	int cpu;

	pcpu = alloc_percpu(struct nflb_stats);
	if (!pcpu)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->syncp);
	return pcpu;
}

void nflb_stats_read(struct nflb_stats __percpu *pcpu,
		     struct nflb_stats_sum *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct nflb_stats *s = per_cpu_ptr(pcpu, cpu);
		u64 conns, pin, pout, bin, bout, drops;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			conns = u64_stats_read(&s->conns);
			pin = u64_stats_read(&s->pkts_in);
			pout = u64_stats_read(&s->pkts_out);
			bin = u64_stats_read(&s->bytes_in);
			bout = u64_stats_read(&s->bytes_out);
			drops = u64_stats_read(&s->drops);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->conns += conns;
		sum->pkts_in += pin;
		sum->pkts_out += pout;
		sum->bytes_in += bin;
		sum->bytes_out += bout;
		sum->drops += drops;
	}
}
