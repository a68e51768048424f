/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_FWD_H
#define NBFWD_FWD_H

/**
 * @file
 * The forwarding loop of one worker lcore.
 */

#include "nbfwd.h"

/** Called every 1024 polls by a loop that also has control work (main lcore). */
typedef void (*nbfwd_tick_fn)(void *arg);

/**
 * Poll the worker's rx queues until nbfwd_force_quit is set.
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
