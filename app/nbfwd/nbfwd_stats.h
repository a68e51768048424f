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
#include "nbfwd_consumer.h"

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

/** A consumer's counters, summed over its ring pairs (one line of /nbfwd/consumers). */
struct nbfwd_cons_sum {
	uint64_t attaches;		/**< ATTACH_OKs it got */
	uint64_t faulted;		/**< detached by a SIGBUS in its control file */
	uint64_t delivered;		/**< packets lent */
	uint64_t delivered_bytes;
	uint64_t returned;		/**< packets given back */
	uint64_t lent_now;		/**< packets it holds now */
	uint64_t reclaimed;		/**< lent packets taken back at detach */
	uint64_t tx_packets;		/**< taken from its tx ring and sent */
	uint64_t tx_bytes;
	uint64_t stalled;		/**< detached for holding buffers under pressure */
	uint64_t drop[NBFWD_CONS_DROP_MAX];
	uint64_t reject[NBSHM_CHAN_REASON_MAX];
};

/** The attach socket's counters (/nbfwd/attach). */
struct nbfwd_attach_sum {
	uint64_t connections;
	uint64_t attached;
	uint64_t pending;		/**< connections waiting for their ATTACH now */
	uint64_t detached_closed;
	uint64_t detached_exited;
	uint64_t ack_timeouts;
};

/**
 * One counter as both the exit JSON and the telemetry commands name it: the
 * two outputs list the same table, so they cannot drift apart.
 */
struct nbfwd_counter {
	const char *name;
	size_t off;		/**< of its uint64_t in the summed struct */
};

/** A table of counters of one summed struct. */
struct nbfwd_counters {
	const struct nbfwd_counter *c;
	unsigned int n;
};

extern const struct nbfwd_counters nbfwd_port_counters;	/**< of struct nbfwd_port_sum */
extern const struct nbfwd_counters nbfwd_cons_counters;	/**< of struct nbfwd_cons_sum */
extern const struct nbfwd_counters nbfwd_attach_counters;	/**< of struct nbfwd_attach_sum */

/** Value of counter @p c in the summed struct @p sum. */
static inline uint64_t
nbfwd_counter_value(const struct nbfwd_counter *c, const void *sum)
{
	return *(const uint64_t *)((const char *)sum + c->off);
}

/** Sum the counters of consumer @p c. */
void nbfwd_stats_consumer_sum(const struct nbfwd_consumer *c, struct nbfwd_cons_sum *s);

/**
 * The attach socket's counters, in @p s, and its mode and group.
 * @return 0, or -1 when nothing listens (no consumers).
 */
int nbfwd_stats_attach_sum(const struct nbfwd_ctx *ctx, struct nbfwd_attach_sum *s,
		struct nbfwd_attach_stats *st);

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
