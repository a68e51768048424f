/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_FILTERS_H
#define NBFWD_FILTERS_H

/**
 * @file
 * What a port lets in: vmq consumers' MACs (and VLANs) programmed into the
 * device, promiscuous mode only where it is needed. An untrusted SR-IOV VF
 * refuses promiscuous mode: without its consumers' MACs in its table they
 * would receive nothing.
 */

#include <stdbool.h>

struct nbfwd_ctx;
struct nbfwd_port;

/**
 * Whether port @p port_index of @p ctx asks for the rx VLAN_FILTER offload: vmq
 * with `unmatched = drop` (no other VLAN is wanted) and every consumer of the
 * port with a VLAN (one without takes any tag).
 */
bool nbfwd_filters_want_vlan(const struct nbfwd_ctx *ctx, unsigned int port_index);

/**
 * After the port started: add its consumers' MACs and VLANs, turn on
 * promiscuous mode where the mode needs frames to other MACs (io, macswap,
 * l2fwd; vmq with `unmatched = forward`; a MAC table that is full or absent).
 * Logs what will not arrive when the device refuses. Never fails the start.
 */
void nbfwd_filters_apply(struct nbfwd_ctx *ctx, struct nbfwd_port *p);

/** Before the port stops: remove the MACs and VLANs nbfwd_filters_apply() added. */
void nbfwd_filters_remove(struct nbfwd_ctx *ctx, struct nbfwd_port *p);

#endif /* NBFWD_FILTERS_H */
