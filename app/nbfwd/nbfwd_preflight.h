/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_PREFLIGHT_H
#define NBFWD_PREFLIGHT_H

/**
 * @file
 * Checks run before rte_eal_init(): what the EAL options say, and whether the
 * hugepages this run needs are free.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbfwd_config.h"
#include "nbfwd_plan.h"

/** What nbfwd needs to know of the EAL options. */
struct nbfwd_eal_args {
	bool no_huge;			/**< --no-huge */
	bool in_memory;			/**< --in-memory */
	bool huge_unlink;		/**< --huge-unlink */
	bool no_shconf;			/**< --no-shconf */
	char file_prefix[64];		/**< --file-prefix, "rte" by default */
	unsigned int n_ports;		/**< --vdev and -a options */
};

/** Scan EAL options (argv[0] is the program). */
void nbfwd_preflight_scan(int eal_argc, char **eal_argv, struct nbfwd_eal_args *ea);

/**
 * The planner's input as the configuration and the EAL options tell it,
 * before EAL probes the ports (nbfwd_plan.h).
 */
void nbfwd_preflight_plan_in(const struct nbfwd_config *cfg, const struct nbfwd_eal_args *ea,
		struct nbfwd_plan_in *in);

/**
 * Compare the hugepages the configuration needs (the regions as planned by
 * nbfwd_plan(), plus DPDK's own unless --no-huge) with the free 2 MB pages.
 *
 * @return
 *   0, or -1 with one sentence in @p err: what is needed, what is free, what to run.
 */
int nbfwd_preflight_hugepages(const struct nbfwd_config *cfg,
		const struct nbfwd_eal_args *ea, char *err, size_t errlen);

/** Largest NUMA node the per-node hugepage check looks at. */
#define NBFWD_PREFLIGHT_MAX_NODES 64

/**
 * Per-node check of the regions placed on a node (`[region] numa_node`):
 * @p need[n] pages of 2 MB on node n against @p free_pages[n] free there
 * (-1: unknown, not checked).
 *
 * @return
 *   0, or -1 with one sentence in @p err naming the first node short of pages.
 */
int nbfwd_preflight_nodes(const uint64_t *need, const long *free_pages,
		unsigned int n_nodes, char *err, size_t errlen);

/** What a forwarding lcore does not share with what it polls (bits). */
#define NBFWD_NUMA_PORT		(1u << 0)	/**< the port's device is on another node */
#define NBFWD_NUMA_REGION	(1u << 1)	/**< the pool's region is on another node */

/**
 * Where an lcore on socket @p lcore_socket polling a port on @p port_socket
 * whose pool lives on node @p region_node crosses NUMA nodes. A negative
 * socket or node (a vdev, a region with no node) matches anything.
 *
 * @return
 *   0, or NBFWD_NUMA_PORT and/or NBFWD_NUMA_REGION.
 */
unsigned int nbfwd_numa_mismatch(int lcore_socket, int port_socket, int region_node);

#endif /* NBFWD_PREFLIGHT_H */
