/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_QUIESCE_H
#define NBFWD_QUIESCE_H

/**
 * @file
 * Quiescent points of the threads that call rte_eth_rx_burst() and
 * rte_eth_tx_burst(), on one rte_rcu_qsbr variable: each worker reports once
 * per loop iteration, between polls, where it holds no pointer it loaded
 * from a shared list. A control thread that unlinks something a worker may
 * be using (a capture callback, a port it stops polling) waits with
 * nbfwd_quiesce_wait() until every online thread has passed such a point;
 * only then can the thing be freed or torn down.
 */

#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "nbfwd.h"

/** Thread id of the main lcore's bursts outside the worker loop (--tx-first). */
#define NBFWD_QS_CONTROL NBFWD_MAX_WORKERS
/** How long a control thread waits for the workers (nbfwd_quiesce_wait()). */
#define NBFWD_QS_WAIT_MS 3000

extern struct rte_rcu_qsbr *nbfwd_qsv;

/** Allocate the variable (before any worker starts). @return 0 or -1. */
int nbfwd_quiesce_init(void);

/** Free it (after every worker stopped). */
void nbfwd_quiesce_free(void);

/** Thread @p id starts calling bursts: the waiters now wait for it too. */
void nbfwd_quiesce_online(unsigned int id);

/** Thread @p id stops calling bursts: no waiter waits for it any more. */
void nbfwd_quiesce_offline(unsigned int id);

/**
 * Wait until every online thread has passed a quiescent point after the
 * call, at most @p timeout_ms. Never called by a worker.
 *
 * @return
 *   0, or -ETIMEDOUT: a thread did not pass one in time (it is stuck
 *   inside one poll); what it may hold must not be freed.
 */
int nbfwd_quiesce_wait(unsigned int timeout_ms);

/** A worker's quiescent point: one load and, when a waiter waits, one store. */
static inline void
nbfwd_quiesce_report(unsigned int id)
{
	rte_rcu_qsbr_quiescent(nbfwd_qsv, id);
}

#endif /* NBFWD_QUIESCE_H */
