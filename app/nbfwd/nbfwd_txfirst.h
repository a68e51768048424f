/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_TXFIRST_H
#define NBFWD_TXFIRST_H

/**
 * @file
 * --tx-first: seed loopback setups with one burst per rx queue.
 */

#include "nbfwd.h"

/**
 * Send one burst of 64-byte UDP frames on each rx queue's tx path (called
 * before the workers start).
 *
 * @return
 *   0, or -1 when a pool had no mbufs (logged).
 */
int nbfwd_tx_first(struct nbfwd_ctx *ctx);

#endif /* NBFWD_TXFIRST_H */
