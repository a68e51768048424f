/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_GUARD_H
#define NBFWD_GUARD_H

/**
 * @file
 * Polling a port whose peer may leave at any moment (doc/port-peers.md).
 *
 * DPDK 22.11's net_memif tears a connection down from the EAL interrupt
 * thread when its peer leaves: memif_disconnect() clears the port's
 * CONNECTED flag, takes and releases the port's control-channel lock, then
 * unmaps the shared regions, while a worker may be inside rx/tx burst on
 * them. nbfwd calls every burst of such a port with that same lock held and
 * only while the flag is set: a teardown that starts during a burst waits at
 * the lock until the burst is over, and a burst after it sees the flag clear
 * and does not touch the port. Every burst nbfwd makes goes through
 * nbfwd_rx_burst() / nbfwd_tx_burst(); a port without a guard costs one
 * load and one branch per burst.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_spinlock.h>

struct nbfwd_ctx;

/** What guards one port's bursts: a driver's own lock and flag. */
struct nbfwd_port_guard {
	rte_spinlock_t *lock;		/**< the lock the driver's teardown takes */
	const uint32_t *state;		/**< the driver's connection flags */
	uint32_t live;			/**< the flag set while the rings are mapped */
};

/** Per ethdev port id: its guard, NULL when its bursts need none. */
extern const struct nbfwd_port_guard *nbfwd_guards[RTE_MAX_ETHPORTS];

/**
 * Give each port whose driver needs one its guard (net_memif), after the
 * ports are set up and before any burst.
 *
 * @return
 *   0, or -1 (logged) when a port needs a guard this nbfwd cannot give it:
 *   built against another DPDK's net_memif than the one running.
 */
int nbfwd_guard_ports(const struct nbfwd_ctx *ctx);

/* rte_eth_tx_burst() (@p tx) or rte_eth_rx_burst(), never under a driver's teardown. */
static __rte_always_inline uint16_t
nbfwd_guarded_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		bool tx)
{
	const struct nbfwd_port_guard *g = nbfwd_guards[port];
	uint16_t done = 0;

	if (likely(g == NULL))
		return tx ? rte_eth_tx_burst(port, queue, pkts, n) :
			rte_eth_rx_burst(port, queue, pkts, n);
	rte_spinlock_lock(g->lock);
	if ((__atomic_load_n(g->state, __ATOMIC_RELAXED) & g->live) != 0)
		done = tx ? rte_eth_tx_burst(port, queue, pkts, n) :
			rte_eth_rx_burst(port, queue, pkts, n);
	rte_spinlock_unlock(g->lock);
	return done;
}

/** rte_eth_rx_burst() that never runs under a driver's teardown. */
static inline uint16_t
nbfwd_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	return nbfwd_guarded_burst(port, queue, pkts, n, false);
}

/** rte_eth_tx_burst() that never runs under a driver's teardown. */
static inline uint16_t
nbfwd_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	return nbfwd_guarded_burst(port, queue, pkts, n, true);
}

#endif /* NBFWD_GUARD_H */
