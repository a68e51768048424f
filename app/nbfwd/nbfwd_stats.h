/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_STATS_H
#define NBFWD_STATS_H

/**
 * @file
 * Summing, printing and writing nbfwd's counters (main lcore only).
 */

#include <stdbool.h>
#include <stdio.h>

#include "nbfwd.h"

/** A port's counters summed over its queues. */
struct nbfwd_port_sum {
	uint64_t rx;			/**< received on the port */
	uint64_t fwd;			/**< received here and sent on the peer */
	uint64_t tx;			/**< sent out of the port */
	uint64_t segs;			/**< segments resolved */
	uint64_t delivered;		/**< vmq: received here and lent to a consumer */
	uint64_t dropped;		/**< received here and dropped */
	uint64_t drop[NBFWD_DROP_MAX];
};

/** What the last periodic line saw. */
struct nbfwd_stats_prev {
	bool tty;		/**< stdout is a terminal: redraw a table in place */
	unsigned int lines;	/**< lines of the table drawn last */
	uint64_t tsc;
	uint64_t rx[NBFWD_MAX_RUN_PORTS];
	uint64_t tx[NBFWD_MAX_RUN_PORTS];
};

/** What the rate sampler saw last. */
struct nbfwd_rate_prev {
	uint64_t tsc;
	uint64_t rx[NBFWD_MAX_RUN_PORTS];
	uint64_t tx[NBFWD_MAX_RUN_PORTS];
};

/**
 * Store each port's rx/tx Mpps since the previous call in ctx->ports[].rx_mpps
 * and tx_mpps (main lcore; read by telemetry).
 */
void nbfwd_stats_sample_rates(struct nbfwd_ctx *ctx, struct nbfwd_rate_prev *prev);

/** Sum the counters of port index @p pi. */
void nbfwd_stats_port_sum(const struct nbfwd_ctx *ctx, unsigned int pi,
		struct nbfwd_port_sum *s);

/** Seconds from start to stop (or to now while running). */
double nbfwd_stats_duration(const struct nbfwd_ctx *ctx);

/**
 * Print per-port rates since the previous call: a table redrawn in place when
 * stdout is a terminal (prev->tty), one plain line otherwise.
 */
void nbfwd_stats_periodic(struct nbfwd_ctx *ctx, struct nbfwd_stats_prev *prev);

/** Print the exit table. */
void nbfwd_stats_print_table(const struct nbfwd_ctx *ctx, FILE *f);

/** Write the exit JSON. @return 0 or -1 (logged). */
int nbfwd_stats_write_json(const struct nbfwd_ctx *ctx, const char *path);

#endif /* NBFWD_STATS_H */
