/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The guard of net_memif ports (nbfwd_guard.h, doc/port-peers.md). Built
 * with net_memif's private header of the DPDK release nbfwd is built against
 * (Debian's source package, drivers/net/nbshm/dpdk-driver-sdk.sh), so the
 * lock and flag it names are the driver's own; refused on any other release.
 *
 * DPDK 22.11 facts this relies on (drivers/net/memif/memif_socket.c), the
 * same in 24.11: only memif_disconnect() takes pmd->cc_lock, after it cleared
 * ETH_MEMIF_FLAG_CONNECTED and before memif_free_regions() unmaps the rings;
 * memif_connect() sets the flag once the rings are mapped; the rx/tx paths
 * never take the lock. (24.11's struct pmd_internals has two more fields
 * before cc_lock: hence the header of the release built against.)
 */

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>		/* syscall(), used by rte_eth_memif.h */

#include <ethdev_driver.h>
#include <rte_version.h>

#include "rte_eth_memif.h"

#include "nbfwd.h"
#include "nbfwd_guard.h"
#include "nbfwd_log.h"

#define NBFWD_MEMIF_DRIVER "net_memif"

const struct nbfwd_port_guard *nbfwd_guards[RTE_MAX_ETHPORTS];
static struct nbfwd_port_guard nbfwd_guard_store[RTE_MAX_ETHPORTS];

static int
nbfwd_guard_memif(const struct nbfwd_port *p)
{
	const char *built = "DPDK " NBFWD_MEMIF_SRC_VERSION;
	struct nbfwd_port_guard *g = &nbfwd_guard_store[p->port_id];
	struct pmd_internals *pmd;

	/* first: on another release even rte_eth_devices may be laid out otherwise */
	if (strcmp(rte_version(), built) != 0) {
		APP_LOG(ERR, "port %u (%s): nbfwd is built against the net_memif of %s and "
			"runs on %s, whose memif it cannot guard against a peer leaving; "
			"rebuild nbfwd", p->port_id, p->name, built, rte_version());
		return -1;
	}
	pmd = rte_eth_devices[p->port_id].data->dev_private;
	if (pmd == NULL || (pmd->role != MEMIF_ROLE_SERVER && pmd->role != MEMIF_ROLE_CLIENT)) {
		APP_LOG(ERR, "port %u (%s): net_memif state not as expected; not polling it",
			p->port_id, p->name);
		return -1;
	}
	g->lock = &pmd->cc_lock;
	g->state = &pmd->flags;
	g->live = ETH_MEMIF_FLAG_CONNECTED;
	nbfwd_guards[p->port_id] = g;
	APP_LOG(INFO, "port %u (%s): memif %s, polled under its teardown lock (its peer "
		"may leave at any moment)", p->port_id, p->name,
		pmd->role == MEMIF_ROLE_SERVER ? "server" : "client");
	return 0;
}

int
nbfwd_guard_ports(const struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];

		if (strcmp(p->driver, NBFWD_MEMIF_DRIVER) == 0 && nbfwd_guard_memif(p) != 0)
			return -1;
	}
	return 0;
}
