/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_SETUP_H
#define NBFWD_SETUP_H

/**
 * @file
 * Start-up and shut-down of ports, workers, regions and pools. Call in this
 * order: prefix, ports, workers, regions, pools, start; at exit stop_ports
 * then teardown. Each returns 0 or -1 after logging what failed.
 */

#include "nbfwd.h"

int nbfwd_setup_prefix(struct nbfwd_ctx *ctx);

/** Index in ctx->ports of the port with ethdev name @p name, -1 if not in use. */
int nbfwd_find_port(const struct nbfwd_ctx *ctx, const char *name);
int nbfwd_setup_ports(struct nbfwd_ctx *ctx);
int nbfwd_setup_workers(struct nbfwd_ctx *ctx);
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
