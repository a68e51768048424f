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

#endif /* NBFWD_PREFLIGHT_H */
