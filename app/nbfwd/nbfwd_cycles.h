/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_CYCLES_H
#define NBFWD_CYCLES_H

/**
 * @file
 * Cycle accounting of the forwarding loop (build with -Dcycle_stats=true):
 * one poll in NBFWD_CYCLE_SAMPLE is timed with the TSC at each stage (rx
 * burst, NET_BUFFER build + resolve, the mode's action, tx burst), so that
 * measuring costs a few cycles per burst on average and the other polls run
 * untouched. Without the option the code is compiled out.
 * NET_BUFFER build and resolve are one fused pass in the fast path, so they
 * are one stage here.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "nbfwd.h"

#ifdef NBFWD_CYCLE_STATS
#define NBFWD_CYCLE_ON 1
#else
#define NBFWD_CYCLE_ON 0
#endif

#define NBFWD_CYCLE_SAMPLE 16u	/**< one poll timed in this many */

/** Stages of one burst. */
enum nbfwd_stage {
	NBFWD_STAGE_RX = 0,	/**< rte_eth_rx_burst */
	NBFWD_STAGE_NETBUF,	/**< NET_BUFFER build + resolve (fused) */
	NBFWD_STAGE_ACTION,	/**< io / macswap / l2fwd through the resolved pointers */
	NBFWD_STAGE_TX,		/**< rte_eth_tx_burst (and freeing what it refused) */
	NBFWD_STAGE_MAX,
};

/** One worker's samples (written by that worker only). */
struct nbfwd_cycles {
	uint64_t polls;				/**< polls seen, sampled or not */
	uint64_t bursts;			/**< sampled non-empty bursts */
	uint64_t pkts;				/**< packets in them */
	uint64_t cyc[NBFWD_STAGE_MAX];		/**< TSC cycles per stage */
} __rte_cache_aligned;

/** Per worker index. */
extern struct nbfwd_cycles nbfwd_cycles[NBFWD_MAX_WORKERS];

/** Name of a stage ("rx", "netbuf", "action", "tx"). */
const char *nbfwd_stage_name(unsigned int stage);

/** Whether this poll of worker @p wi is timed. */
static __rte_always_inline bool
nbfwd_cycles_sample(unsigned int wi)
{
	return NBFWD_CYCLE_ON &&
		(++nbfwd_cycles[wi].polls & (NBFWD_CYCLE_SAMPLE - 1)) == 0;
}

/** TSC now when sampling, else 0 (and no read). */
static __rte_always_inline uint64_t
nbfwd_cycles_mark(bool sample)
{
	return sample ? rte_rdtsc() : 0;
}

/** Account a sampled burst of @p n packets: t[0..NBFWD_STAGE_MAX] are the marks. */
static __rte_always_inline void
nbfwd_cycles_add(unsigned int wi, const uint64_t *t, uint16_t n)
{
	struct nbfwd_cycles *c = &nbfwd_cycles[wi];
	unsigned int s;

	c->bursts++;
	c->pkts += n;
	for (s = 0; s < NBFWD_STAGE_MAX; s++)
		c->cyc[s] += t[s + 1] - t[s];
}

/**
 * Sum of all workers: cycles per packet of each stage into @p per_pkt.
 * @return packets sampled (0: none, or compiled out).
 */
uint64_t nbfwd_cycles_per_packet(unsigned int n_workers, double per_pkt[NBFWD_STAGE_MAX]);

#endif /* NBFWD_CYCLES_H */
