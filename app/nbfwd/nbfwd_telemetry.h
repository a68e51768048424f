/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_TELEMETRY_H
#define NBFWD_TELEMETRY_H

/**
 * @file
 * rte_telemetry commands /nbfwd/info, /nbfwd/stats, /nbfwd/drops and
 * /nbfwd/regions (read with usertools' dpdk-telemetry.py -f FILE_PREFIX).
 */

#include "nbfwd.h"

/**
 * Register the commands; call once the ports, regions and counters exist.
 *
 * @return
 *   0, or -1 when telemetry refused a command.
 */
int nbfwd_telemetry_register(const struct nbfwd_ctx *ctx);

/** Make the commands answer with an error from now on (before teardown). */
void nbfwd_telemetry_stop(void);

#endif /* NBFWD_TELEMETRY_H */
