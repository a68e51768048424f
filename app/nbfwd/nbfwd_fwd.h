/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_FWD_H
#define NBFWD_FWD_H

/**
 * @file
 * The forwarding loop of one worker lcore.
 */

#include <stdbool.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "nbfwd.h"
#include "nbshm_mbuf_bridge.h"

/*
 * Can @p m go straight back to pool @p mp, which is what rte_pktmbuf_free()
 * ends in after its checks: from @p mp, one segment, referenced once, and its
 * buffer its own. @p pinned_ok: @p mp is a pool of pinned external buffers
 * that nbfwd never attaches another mbuf to (a consumer's pool), so such a
 * buffer counts as the mbuf's own; otherwise the mbuf must be direct.
 */
static inline bool
nbfwd_mbuf_raw_freeable(const struct rte_mbuf *m, const struct rte_mempool *mp, bool pinned_ok)
{
	uint64_t not_own = pinned_ok ? RTE_MBUF_F_INDIRECT :
		RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;

	return m->pool == mp && m->nb_segs == 1 && m->next == NULL &&
		(m->ol_flags & not_own) == 0 && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Free a burst of received mbufs: when all can go straight back to the pool
 * of the first (a burst of one rx queue, as it came), with one
 * rte_mempool_put_bulk(); anything else takes rte_pktmbuf_free_bulk().
 */
static inline void
nbfwd_free_burst(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mempool *mp;
	uint16_t i;

	if (n == 0)
		return;
	mp = pkts[0]->pool;
	for (i = 0; i < n; i++)
		if (unlikely(!nbfwd_mbuf_raw_freeable(pkts[i], mp, false)))
			break;
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

	/* a bridge status is its drop reason */
	RTE_BUILD_BUG_ON((int)NBFWD_DROP_RUNT != (int)NBSHM_MBUF_STATUS_SHORT);
	RTE_BUILD_BUG_ON((int)NBFWD_DROP_FOREIGN_BUFFER != (int)NBSHM_MBUF_STATUS_FOREIGN);
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

/** Called every 1024 polls by a loop that also has control work (main lcore). */
typedef void (*nbfwd_tick_fn)(void *arg);

/**
 * Poll the worker's rx queues with its mode's poll (ctx->mode) until
 * nbfwd_force_quit is set.
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
