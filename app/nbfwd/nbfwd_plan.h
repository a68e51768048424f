/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_PLAN_H
#define NBFWD_PLAN_H

/**
 * @file
 * The planner: from the configuration and what is known of the ports, how
 * many mbufs each port's pool gets, how many pages each region, and how each
 * consumer's region is laid out. A pure function (no EAL, no allocation, no
 * log): setup calls it with the ports as probed, pre-flight before EAL with
 * the ports as configured (or as the EAL options name them), so both size
 * the same way.
 */

#include <stdint.h>

#include <rte_mbuf_core.h>

#include "nbshm_channel.h"
#include "nbfwd_config.h"

#define NBFWD_PLAN_MAX_PORTS 32		/**< = NBFWD_MAX_RUN_PORTS */

/** Mbufs in each lcore's cache of every pool. */
#define NBFWD_MEMPOOL_CACHE 256

/** Data room of the ports' mbufs (headroom included). */
#define NBFWD_PLAN_BUF_SIZE RTE_MBUF_DEFAULT_BUF_SIZE

/** What the planner needs of one port. */
struct nbfwd_plan_port {
	uint16_t nb_rxq;	/**< rx queues the workers poll */
	uint16_t rx_desc;	/**< descriptors per rx queue */
	uint16_t tx_desc;	/**< descriptors per tx queue */
	uint16_t peer;		/**< index of its tx port */
	uint32_t pool_size;	/**< mbufs, 0 = sized by the planner */
	uint16_t region;	/**< index of the region of its pool */
};

/** A region the ports' pools go to. */
struct nbfwd_plan_region {
	uint64_t page_size;
	uint32_t pages;		/**< as configured, 0 = sized to its pools */
	enum nbfwd_pool_layout layout;
};

/** The planner's input: the configuration and the facts about the run. */
struct nbfwd_plan_in {
	const struct nbfwd_config *cfg;	/**< burst, mode, [consumer] sections */
	unsigned int n_workers;
	unsigned int n_ports;
	struct nbfwd_plan_port ports[NBFWD_PLAN_MAX_PORTS];
	unsigned int n_regions;
	struct nbfwd_plan_region regions[NBFWD_MAX_REGIONS];
};

/** One consumer's region (vmq). */
struct nbfwd_plan_consumer {
	struct nbshm_chan_layout layout;	/**< offsets and sizes (no handle yet) */
	uint16_t buf_size;	/**< its pool's buffer bytes, headroom included */
	uint64_t page_size;
	uint32_t pages;		/**< both files */
};

/** The plan. */
struct nbfwd_plan {
	uint32_t pool_size[NBFWD_PLAN_MAX_PORTS];	/**< mbufs per port's pool */
	uint32_t pages[NBFWD_MAX_REGIONS];		/**< per region of the input */
	unsigned int n_consumers;	/**< mode vmq: cfg->n_consumers, else 0 */
	struct nbfwd_plan_consumer consumers[NBFWD_MAX_CONSUMERS];
};

/**
 * Plan a run.
 * @return 0, or -1 when the input is out of range (a port's peer or region,
 *   more than NBFWD_PLAN_MAX_PORTS ports, no worker).
 */
int nbfwd_plan(const struct nbfwd_plan_in *in, struct nbfwd_plan *out);

/**
 * Buffers the pool of a consumer that owns port @p p (steering = port) needs
 * at least: the port's rx rings, its own rings (one per worker) and the
 * workers' caches and bursts.
 */
uint64_t nbfwd_plan_owned_buffers(const struct nbfwd_config *cfg, unsigned int n_workers,
		const struct nbfwd_plan_port *p, uint32_t ring_size);

#endif /* NBFWD_PLAN_H */
