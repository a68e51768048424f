/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_OFFLOAD_H
#define NBFWD_OFFLOAD_H

/**
 * @file
 * Which rx/tx offloads nbfwd asks of each port: a pure function of the
 * devices' capabilities and the configuration, so that it can be tested
 * without a NIC. Offloads cost the fast paths: MULTI_SEGS turns off the
 * simple and vector tx paths of ice, i40e and ixgbe, so it is requested only
 * where chains can reach a tx queue; MBUF_FAST_FREE only where its rules
 * hold (every mbuf of a tx queue from one pool, reference count 1).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbfwd_config.h"

/** One port as the choice sees it. */
struct nbfwd_offload_port {
	uint64_t rx_capa;	/**< rte_eth_dev_info.rx_offload_capa */
	uint64_t tx_capa;	/**< rte_eth_dev_info.tx_offload_capa */
	uint32_t mtu;		/**< configured MTU, 0 = the device's */
	uint32_t dev_mtu;	/**< the device's MTU now (used when mtu is 0) */
	uint32_t min_mtu;	/**< rte_eth_dev_info.min_mtu */
	uint32_t max_mtu;	/**< rte_eth_dev_info.max_mtu */
	uint32_t max_frame;	/**< rte_eth_dev_info.max_rx_pktlen */
	uint32_t buf_room;	/**< data room of its rx buffers, headroom excluded */
	uint16_t peer;		/**< index of the port it transmits to */
	bool heap_pool;		/**< its mbufs and data in one heap pool (not extbuf) */
	bool vlan_filter;	/**< wants the device's VLAN filter (vmq consumers' VLANs) */
	uint64_t rx_offloads;	/**< out: to request */
	uint64_t tx_offloads;	/**< out: to request */
	bool scatter;		/**< out: received frames may be chains */
	bool chains_unsent;	/**< out: chains may reach its tx, which lacks MULTI_SEGS */
};

/** Longest frame a port receives at @p mtu (Ethernet header and CRC included). */
static inline uint32_t
nbfwd_offload_frame_len(uint32_t mtu)
{
	return mtu + 14 + 4;
}

/**
 * Choose the offloads of @p n ports forwarding in @p mode.
 *
 * @param ports
 *   The ports; their out fields are written.
 * @param n
 *   How many.
 * @param mode
 *   The forwarding mode: vmq consumers transmit chains of up to
 *   @p max_segments mbufs, on pools shared by queues (no fast free).
 * @param max_segments
 *   [nbfwd] max_segments.
 * @param err
 *   Why, on failure.
 * @param len
 *   Size of @p err.
 * @param bad
 *   On failure, the index of the port refused.
 * @return
 *   0, or -1 with @p err set: a port's MTU is outside the device's limits,
 *   or needs rx scatter the device does not offer.
 */
int nbfwd_offload_choose(struct nbfwd_offload_port *ports, unsigned int n,
		enum nbfwd_mode mode, unsigned int max_segments, char *err, size_t len,
		unsigned int *bad);

/** Names of the offload bits set in @p rx (SCATTER, VLAN_FILTER) and @p tx
 *  (MULTI_SEGS, MBUF_FAST_FREE), comma-separated, "none" when none; in @p buf of @p len bytes. */
const char *nbfwd_offload_names(uint64_t rx, uint64_t tx, char *buf, size_t len);

/**
 * Why a port needs promiscuous mode, or NULL when it does not.
 *
 * @param mode
 *   Forwarding mode: io, macswap and l2fwd forward frames to any MAC.
 * @param unmatched
 *   vmq: `forward` needs the frames no consumer's MAC matches.
 * @param refused
 *   vmq: consumer MACs the device did not take (table full, no MAC filter).
 * @return
 *   What would not arrive without it, or NULL.
 */
const char *nbfwd_offload_promisc_need(enum nbfwd_mode mode, enum nbfwd_unmatched unmatched,
		unsigned int refused);

#endif /* NBFWD_OFFLOAD_H */
