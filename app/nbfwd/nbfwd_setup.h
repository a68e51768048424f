/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_SETUP_H
#define NBFWD_SETUP_H

/**
 * @file
 * Start-up and shut-down of ports, workers, regions and pools. Call in this
 * order: prefix, ports, workers, regions, pools, start; at exit stop_ports
 * then teardown. Each returns 0 or -1 after logging what failed. The mode's
 * steps (nbfwd_mode.h, ctx->mode) run inside: plan in regions, rxq_pool in
 * start_ports, teardown in teardown; main.c runs the others.
 */

#include "nbfwd.h"

int nbfwd_setup_prefix(struct nbfwd_ctx *ctx);

int nbfwd_setup_ports(struct nbfwd_ctx *ctx);
int nbfwd_setup_workers(struct nbfwd_ctx *ctx);

/**
 * Give worker @p w rx queue @p queue of port @p port_index (an index in
 * ctx->ports) to poll; @p cons: the consumer whose own queue it is, or
 * NBFWD_NO_CONSUMER. For the mode's plan step too.
 * @return 0, or -1 when @p w polls NBFWD_MAX_LCORE_RXQ queues already (logged).
 */
int nbfwd_worker_add_rxq(struct nbfwd_worker *w, unsigned int port_index, uint16_t queue,
		uint16_t cons);

/** Every rx queue of port @p port_index the workers poll so far that is no consumer's becomes @p cons's. */
void nbfwd_port_give_rxqs(struct nbfwd_ctx *ctx, unsigned int port_index, uint16_t cons);
int nbfwd_setup_regions(struct nbfwd_ctx *ctx);
int nbfwd_setup_pools(struct nbfwd_ctx *ctx);
int nbfwd_start_ports(struct nbfwd_ctx *ctx);

/** Stop and close every port: the PMDs return the mbufs in their rings. */
void nbfwd_stop_ports(struct nbfwd_ctx *ctx);

/**
 * Check that every pool is full again (after nbfwd_stop_ports()); sets
 * ctx->mbufs_in_use_at_exit.
 *
 * @return
 *   0, or -1 when mbufs leaked (each leaking pool is logged).
 */
int nbfwd_check_mbufs(struct nbfwd_ctx *ctx);

/** Free pools, DMA-unmap, unregister and remove regions (reverse of setup). */
void nbfwd_teardown(struct nbfwd_ctx *ctx);

#endif /* NBFWD_SETUP_H */
