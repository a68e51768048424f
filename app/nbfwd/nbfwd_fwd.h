/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_FWD_H
#define NBFWD_FWD_H

/**
 * @file
 * The forwarding loop of one worker lcore.
 */

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "nbfwd.h"

/*
 * Free a burst of received mbufs. When all are one-segment, direct, referenced
 * once and from one pool (a burst of one rx queue, as it came), they go back
 * with one rte_mempool_put_bulk(), which is what rte_pktmbuf_free_bulk() ends
 * in after checking each mbuf the same way; anything else takes that way.
 */
static inline void
nbfwd_free_burst(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mempool *mp;
	uint16_t i;

	if (n == 0)
		return;
	mp = pkts[0]->pool;
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (unlikely(m->pool != mp || m->nb_segs != 1 || m->next != NULL ||
				!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1))
			break;
	}
	if (likely(i == n))
		rte_mempool_put_bulk(mp, (void **)pkts, n);
	else
		rte_pktmbuf_free_bulk(pkts, n);
}

/* Drop one packet for a reason (counted on its rx queue). */
static inline void
nbfwd_drop(struct rte_mbuf *m, struct nbfwd_qstats *st, unsigned int reason)
{
	st->drop[reason]++;
	rte_pktmbuf_free(m);
}

/* Drop the packets that failed a check (or are runts); compact the rest. */
static inline uint16_t
nbfwd_keep_valid(struct rte_mbuf **pkts, void **data, uint16_t n, const uint8_t *status,
		struct nbfwd_qstats *st)
{
	uint16_t i, kept = 0;

	for (i = 0; i < n; i++) {
		if (unlikely(status[i] != NET_BUFFER_OK)) {
			nbfwd_drop(pkts[i], st, status[i]);
			continue;
		}
		data[kept] = data[i];
		pkts[kept++] = pkts[i];
	}
	return kept;
}

/**
 * vmq mode: one poll of the worker's rx queues (steer to consumers, forward
 * or drop the rest) and of its consumers' return and tx rings.
 */
void nbfwd_vmq_poll(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w);

/** Called every 1024 polls by a loop that also has control work (main lcore). */
typedef void (*nbfwd_tick_fn)(void *arg);

/**
 * Poll the worker's rx queues until nbfwd_force_quit is set.
 *
 * @param ctx
 *   Run-time state (read-only here).
 * @param w
 *   The worker's queues.
 * @param tick
 *   NULL, or a function called every 1024 polls.
 * @param tick_arg
 *   Its argument.
 * @return
 *   0.
 */
int nbfwd_worker_loop(struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		nbfwd_tick_fn tick, void *tick_arg);

#endif /* NBFWD_FWD_H */
