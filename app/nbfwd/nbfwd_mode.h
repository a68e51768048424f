/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_MODE_H
#define NBFWD_MODE_H

/**
 * @file
 * What a forwarding mode adds to nbfwd's start-up, run and shut-down, chosen
 * once at start (after DPDK's examples/l3fwd and its lookup methods). io,
 * macswap and l2fwd only poll; vmq also has consumers with regions, pools,
 * queues, rte_flow rules and an attach server. A NULL step is skipped.
 *
 * Order (main.c, nbfwd_setup.c): ports and workers, the ports' regions,
 * plan, regions created, the ports' pools, setup, ports configured (their
 * rx queues filled from rxq_pool) and started, start; the workers poll;
 * at exit: stop, ports stopped and closed, mbufs counted, teardown, regions
 * removed.
 */

#include <rte_mempool.h>

#include "nbfwd.h"

struct nbfwd_mode_ops {
	/**
	 * After the ports' regions are planned, before any region exists: add
	 * the mode's regions (to ctx->regions) and rx queues.
	 */
	int (*plan)(struct nbfwd_ctx *ctx);
	/** The pool that fills rx queue @p q of @p p; NULL = the port's own. */
	struct rte_mempool *(*rxq_pool)(const struct nbfwd_ctx *ctx,
		const struct nbfwd_port *p, uint16_t q);
	/** Once the regions and the ports' pools exist: the mode's own pools and tables. */
	int (*setup)(struct nbfwd_ctx *ctx);
	/** Once the ports run, before the workers: rules, limits, threads. */
	int (*start)(struct nbfwd_ctx *ctx);
	/** After the workers stopped, before the ports stop (also after a failed start). */
	void (*stop)(struct nbfwd_ctx *ctx);
	/** After the mbufs are counted, before the regions go. */
	void (*teardown)(struct nbfwd_ctx *ctx);
	/** Worker: one poll of its rx queues (and whatever else it serves). */
	void (*poll)(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w);
};

/** vmq: consumers (nbfwd_vmq_ctl.c, nbfwd_vmq_fwd.c). */
extern const struct nbfwd_mode_ops nbfwd_vmq_ops;

/** The steps of @p mode (every mode has a poll). */
const struct nbfwd_mode_ops *nbfwd_mode_ops_get(enum nbfwd_mode mode);

/** Run an optional step: 0 when the mode has none. */
static inline int
nbfwd_mode_step(struct nbfwd_ctx *ctx, int (*step)(struct nbfwd_ctx *ctx))
{
	return step != NULL ? step(ctx) : 0;
}

#endif /* NBFWD_MODE_H */
