/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_H
#define NBFWD_H

/**
 * @file
 * nbfwd's run-time state: ports, regions, pools, per-lcore work and counters.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "net_buffer.h"
#include "nbshm_region.h"
#include "nbshm_region_table.h"
#include "nbfwd_config.h"
#include "nbfwd_plan.h"

#define NBFWD_MAX_BURST 512
#define NBFWD_MAX_RUN_PORTS NBFWD_PLAN_MAX_PORTS
#define NBFWD_MAX_WORKERS 64

/** Drop reasons: the NET_BUFFER reasons, then nbfwd's own. */
enum nbfwd_drop {
	/** too short for the action (NBSHM_MBUF_STATUS_SHORT) */
	NBFWD_DROP_RUNT = NET_BUFFER_REASON_MAX,
	NBFWD_DROP_TX_FULL,				/**< tx queue did not take it */
	NBFWD_DROP_FILTERED,	/**< vmq: dropped by the unmatched/broadcast/multicast policy */
	NBFWD_DROP_CONSUMER,	/**< vmq: its consumer could not take it (see its counters) */
	NBFWD_DROP_NOT_OWNER,	/**< vmq: on a consumer's own port, not for that consumer */
	NBFWD_DROP_MAX,
};

/** Counters of one rx queue, written only by the lcore that polls it. */
struct nbfwd_qstats {
	uint64_t rx;			/**< packets received */
	uint64_t tx;			/**< packets transmitted (on the peer port) */
	uint64_t segs;			/**< segments resolved */
	uint64_t delivered;		/**< vmq: copies lent to consumers */
	uint64_t drop[NBFWD_DROP_MAX];	/**< packets dropped, per reason */
} __rte_cache_aligned;

/** nbfwd_rxq.cons of a queue that is no consumer's own. */
#define NBFWD_NO_CONSUMER UINT16_MAX

/** One rx queue as an lcore polls it. */
struct nbfwd_rxq {
	uint16_t port;		/**< rx port id (set when the ports start) */
	uint16_t port_index;	/**< its index in nbfwd_ctx.ports */
	uint16_t cons;		/**< vmq: consumer whose own queue this is, or NBFWD_NO_CONSUMER */
	uint16_t queue;		/**< rx queue */
	uint16_t tx_port;	/**< where packets go */
	uint16_t tx_queue;	/**< the polling lcore's tx queue on tx_port */
	struct rte_ether_addr tx_src;	/**< l2fwd: tx port's MAC */
	struct rte_ether_addr tx_dst;	/**< l2fwd: 02:00:00:00:00:<tx port> */
	struct nbfwd_qstats *st;	/**< its counters */
};

/** Work of one worker lcore. */
struct nbfwd_worker {
	unsigned int lcore_id;
	unsigned int index;		/**< 0..n_workers-1: its tx queue on every port */
	unsigned int n_rxq;
	struct nbfwd_rxq rxq[NBFWD_MAX_LCORE_RXQ];
} __rte_cache_aligned;

/** One port in use. */
struct nbfwd_port {
	uint16_t port_id;
	uint16_t peer;			/**< index in nbfwd_ctx.ports of the tx port */
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[64];
	struct rte_device *dev;		/**< for DMA mapping */
	int socket;			/**< NUMA node of the device (or the main lcore's) */
	uint16_t nb_rxq;		/**< rx queues, the nb_hwq consumer queues included */
	uint16_t nb_hwq;		/**< vmq: the last rx queues, one per steered consumer */
	uint16_t nb_txq;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t pool_size;		/**< mbufs in its pool (as planned) */
	uint16_t mtu;
	int region;			/**< index in nbfwd_ctx.regions */
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
	bool started;
	bool dma_mapped;		/**< its region is DMA-mapped for the device */
	struct nbfwd_qstats *qstats;	/**< nb_rxq counters */
	uint16_t n_cons;		/**< vmq: consumers whose filters apply here */
	uint16_t cons[NBFWD_MAX_CONSUMERS];	/**< their indices, in INI order */
	double rx_mpps;			/**< over the last second (main lcore writes) */
	double tx_mpps;
	uint64_t rx_nombuf;		/**< from ethdev at exit */
	uint64_t imissed;
	uint64_t rx_offloads;		/**< requested (nbfwd_offload_choose()) */
	uint64_t tx_offloads;
	char rx_burst[96];		/**< burst mode the queues got, "n/a" if not told */
	char tx_burst[96];
	uint32_t max_mac_addrs;		/**< the device's MAC table (rte_eth_dev_info) */
	uint16_t n_mac_added;		/**< vmq: consumer MACs in the device's table */
	uint16_t n_mac_refused;		/**< vmq: consumer MACs the device refused */
	uint16_t n_mac_full;		/**< of them: refused as its table was full */
	bool promiscuous;		/**< promiscuous mode on */
	bool mac_added[NBFWD_MAX_CONSUMERS];	/**< by consumer index: to remove */
	bool vlan_added[NBFWD_MAX_CONSUMERS];
};

/** One region in use. */
struct nbfwd_region {
	struct nbshm_region r;
	uint64_t handle;
	uint32_t pages;			/**< as planned (or configured) */
	uint64_t page_size;
	int numa_node;
	enum nbfwd_pool_layout layout;
	char heap[32];			/**< heap name (heap layout) */
	int heap_socket;		/**< its socket id */
	bool registered;		/**< extmem registered or heap added */
	uint64_t split;			/**< two files, this many bytes in the first (a
					 *   consumer's control file), 0 = one file */
	bool no_dma;			/**< never DMA-mapped (no device writes it) */
};

/** A pool of the mode's own (vmq: a consumer's), counted at exit like the ports'. */
struct nbfwd_mode_pool {
	struct rte_mempool *mp;
	char owner[48];			/**< what it is for ("consumer NAME") */
};

struct nbfwd_consumer;
struct nbfwd_chansrv;
struct nbfwd_mode_ops;

/** Everything. */
struct nbfwd_ctx {
	struct nbfwd_config cfg;
	const struct nbfwd_mode_ops *mode;	/**< the steps of cfg.mode */
	struct nbfwd_plan plan;		/**< pool and region sizes (nbfwd_setup_regions()) */
	char file_prefix[64];
	unsigned int n_ports;
	struct nbfwd_port ports[NBFWD_MAX_RUN_PORTS];
	unsigned int n_regions;
	struct nbfwd_region regions[NBFWD_MAX_REGIONS];
	struct nbshm_region_table *table;
	unsigned int n_workers;
	struct nbfwd_worker workers[NBFWD_MAX_WORKERS];
	uint64_t start_tsc;
	uint64_t stop_tsc;
	uint64_t mbufs_in_use_at_exit;
	unsigned int n_mode_pools;
	struct nbfwd_mode_pool mode_pools[NBFWD_MAX_CONSUMERS];
	unsigned int n_consumers;
	struct nbfwd_consumer *consumers;	/**< n_consumers (vmq) */
	struct nbfwd_chansrv *chansrv;		/**< the attach socket's thread */
};

/** Set by SIGINT/SIGTERM or --time: workers leave their loop. */
extern volatile bool nbfwd_force_quit;

/** Name of a drop reason ("bad_handle", ..., "runt", "tx_full"). */
const char *nbfwd_drop_name(unsigned int reason);

#endif /* NBFWD_H */
