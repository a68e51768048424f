/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_CAPTURE_H
#define NBFWD_CAPTURE_H

/**
 * @file
 * nbfwd's own server for dpdk-dumpcap and dpdk-pdump (doc/capture.md). It
 * answers DPDK 22.11's "mp_pdump" requests in place of rte_pdump's server:
 * the same wire format and copies (rte_pcapng_copy, or rte_pktmbuf_copy for
 * a plain pcap request) into the requester's ring and mempool, the same
 * per-queue statistics memzone, but a disable is acknowledged only once
 * every worker has passed a quiescent point, so no worker still copies into
 * the ring and mempool the requester frees right after the reply.
 */

#include <stdint.h>
#include <stdio.h>

#include "nbfwd_preflight.h"

/** Why a request was refused, counted. */
enum nbfwd_cap_refusal {
	NBFWD_CAP_BAD_REQUEST,	/**< size, version, operation, flags, ring or pool */
	NBFWD_CAP_NO_PORT,	/**< device name not a port, or queue out of range */
	NBFWD_CAP_BUSY,		/**< enable: a queue is already captured */
	NBFWD_CAP_NOT_ENABLED,	/**< disable: no queue was captured */
	NBFWD_CAP_FILTER,	/**< the BPF filter does not load */
	NBFWD_CAP_CALLBACK,	/**< ethdev refused the rx/tx callback */
	NBFWD_CAP_QUIESCE_TIMEOUT, /**< disable: a worker did not pass a quiescent point */
	NBFWD_CAP_REFUSAL_MAX
};

/** Capture counters (stats JSON "capture"). */
struct nbfwd_cap_counters {
	uint64_t requests;	/**< enable and disable requests answered */
	uint64_t enabled;	/**< queues (per direction) whose capture started */
	uint64_t disabled;	/**< queues (per direction) whose capture ended */
	uint64_t stale;		/**< of those: ended because their tool had died */
	uint64_t refused[NBFWD_CAP_REFUSAL_MAX];
};

/**
 * Start the capture server, unless an EAL option keeps secondaries out or
 * the DPDK is not 22.11 (a notice says why capture is off). After the
 * quiescent points (nbfwd_quiesce_init()).
 */
void nbfwd_capture_init(const struct nbfwd_eal_args *ea);

/** End every capture and stop answering (the workers have stopped). */
void nbfwd_capture_uninit(void);

/** The counters so far. */
void nbfwd_capture_counters(struct nbfwd_cap_counters *c);

/** Name of a refusal reason (JSON key). */
const char *nbfwd_capture_refusal_name(unsigned int r);

#endif /* NBFWD_CAPTURE_H */
