/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_STATS_H
#define _NFLB_STATS_H

#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/* Per-CPU counters of a service or a backend: written lock-free. */
struct nflb_stats {
	u64_stats_t conns;
	u64_stats_t pkts_in;
	u64_stats_t pkts_out;
	u64_stats_t bytes_in;
	u64_stats_t bytes_out;
	u64_stats_t drops;
	struct u64_stats_sync syncp;
};

struct nflb_stats_sum {
	u64 conns, pkts_in, pkts_out, bytes_in, bytes_out, drops;
};

enum nflb_stat {
	NFLB_STAT_CONN,
	NFLB_STAT_DROP,
};

static inline void nflb_stats_event(struct nflb_stats __percpu *pcpu,
				    enum nflb_stat what)
{
	struct nflb_stats *s;

	/* BHs off: the same counters are updated from softirq context. */
	local_bh_disable();
	s = this_cpu_ptr(pcpu);
	u64_stats_update_begin(&s->syncp);
	if (what == NFLB_STAT_CONN)
		u64_stats_inc(&s->conns);
	else
		u64_stats_inc(&s->drops);
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

static inline void nflb_stats_packet(struct nflb_stats __percpu *pcpu,
				     bool reply, unsigned int len)
{
	struct nflb_stats *s;

	local_bh_disable();
	s = this_cpu_ptr(pcpu);
	u64_stats_update_begin(&s->syncp);
	if (reply) {
		u64_stats_inc(&s->pkts_out);
		u64_stats_add(&s->bytes_out, len);
	} else {
		u64_stats_inc(&s->pkts_in);
		u64_stats_add(&s->bytes_in, len);
	}
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

struct nflb_stats __percpu *nflb_stats_alloc(void);
void nflb_stats_read(struct nflb_stats __percpu *pcpu,
		     struct nflb_stats_sum *sum);

#endif /* _NFLB_STATS_H */
