/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "nbfwd.h"
#include "nbfwd_consumer.h"
#include "nbfwd_filters.h"
#include "nbfwd_log.h"
#include "nbfwd_offload.h"

/* Consumer @p c's filter MAC as ethdev wants it. */
static void
nbfwd_filters_mac(const struct nbfwd_consumer *c, struct rte_ether_addr *a)
{
	memcpy(a->addr_bytes, c->cfg->mac, RTE_ETHER_ADDR_LEN);
}

bool
nbfwd_filters_want_vlan(const struct nbfwd_ctx *ctx, unsigned int port_index)
{
	unsigned int i, n = 0;

	if (ctx->cfg.mode != NBFWD_MODE_VMQ || ctx->cfg.unmatched != NBFWD_UNMATCHED_DROP)
		return false;
	/* a consumer without a VLAN takes any tag: the filter would starve it */
	for (i = 0; i < ctx->n_consumers; i++) {
		if (ctx->consumers[i].port != port_index)
			continue;
		if (ctx->consumers[i].vlan < 0)
			return false;
		n++;
	}
	return n > 0;
}

/* Program the consumers' MACs (and VLANs) of @p p, counting refusals. */
static void
nbfwd_filters_add(struct nbfwd_ctx *ctx, struct nbfwd_port *p, unsigned int pi)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *c = &ctx->consumers[i];
		struct rte_ether_addr a;
		int ret;

		if (c->port != pi)
			continue;
		nbfwd_filters_mac(c, &a);
		ret = rte_eth_dev_mac_addr_add(p->port_id, &a, 0);
		if (ret == 0) {
			p->mac_added[i] = true;
			p->n_mac_added++;
		} else {
			p->n_mac_refused++;
			p->n_mac_full += ret == -ENOSPC;
			APP_LOG(WARNING, "port %u (%s): consumer %s's MAC "
				RTE_ETHER_ADDR_PRT_FMT " not added to the device: %s%s",
				p->port_id, p->name, c->name, RTE_ETHER_ADDR_BYTES(&a),
				strerror(-ret), ret == -ENOSPC ? " (its MAC table is full)" : "");
		}
		if (c->vlan < 0 || !(p->rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
			continue;
		ret = rte_eth_dev_vlan_filter(p->port_id, (uint16_t)c->vlan, 1);
		if (ret == 0)
			p->vlan_added[i] = true;
		else
			APP_LOG(WARNING, "port %u (%s): consumer %s's VLAN %d not added to "
				"the device's filter: %s; frames of that VLAN may not arrive",
				p->port_id, p->name, c->name, c->vlan, strerror(-ret));
	}
}

/* Without promiscuous mode, multicast for the consumers needs all-multicast. */
static void
nbfwd_filters_allmulti(const struct nbfwd_ctx *ctx, const struct nbfwd_port *p)
{
	int ret;

	if (ctx->cfg.multicast != NBFWD_GROUP_CONSUMERS && ctx->cfg.multicast != NBFWD_GROUP_ALL)
		return;
	ret = rte_eth_allmulticast_enable(p->port_id);
	if (ret != 0 && ret != -ENOTSUP)
		APP_LOG(WARNING, "port %u (%s): all-multicast mode refused (%s): multicast "
			"frames for the consumers (multicast = consumers/all) will not "
			"arrive, except groups the device joins", p->port_id, p->name,
			strerror(-ret));
}

void
nbfwd_filters_apply(struct nbfwd_ctx *ctx, struct nbfwd_port *p)
{
	unsigned int pi = (unsigned int)(p - ctx->ports);
	bool vmq = ctx->cfg.mode == NBFWD_MODE_VMQ;
	char added[48] = "";
	const char *why;
	int ret;

	if (vmq && rte_is_zero_ether_addr(&p->mac))
		/* ethdev takes an all-zero slot 0 for free: a MAC added there replaces the
		 * device's own and can never be removed (net_ring) */
		APP_LOG(INFO, "port %u (%s): the device has no MAC address of its own, "
			"so no MAC filter: consumer MACs not added", p->port_id, p->name);
	else if (vmq)
		nbfwd_filters_add(ctx, p, pi);
	if (p->n_mac_full > 0)
		APP_LOG(WARNING, "port %u (%s): the device's MAC table is full (it holds %u "
			"addresses): %u consumer MAC(s) not in it, falling back to "
			"promiscuous mode", p->port_id, p->name, p->max_mac_addrs,
			p->n_mac_full);
	why = nbfwd_offload_promisc_need(ctx->cfg.mode, ctx->cfg.unmatched,
		p->n_mac_refused);
	if (why == NULL) {
		APP_LOG(INFO, "port %u (%s): %u consumer MAC(s) added, promiscuous mode off "
			"(unmatched = drop)", p->port_id, p->name, p->n_mac_added);
		nbfwd_filters_allmulti(ctx, p);
		return;
	}
	if (vmq)
		snprintf(added, sizeof(added), "%u consumer MAC(s) added, ", p->n_mac_added);
	ret = rte_eth_promiscuous_enable(p->port_id);
	p->promiscuous = ret == 0;
	if (ret == -ENOTSUP)
		/* no such switch: a vdev receives what its backend gives it */
		APP_LOG(INFO, "port %u (%s): %spromiscuous mode not offered by the device",
			p->port_id, p->name, added);
	else if (ret != 0)
		APP_LOG(WARNING, "port %u (%s): promiscuous mode refused (%s): %s will not "
			"arrive, only frames to the port's MAC%s, broadcast and multicast",
			p->port_id, p->name, strerror(-ret), why,
			vmq && p->n_mac_added > 0 ? " and to the consumers' MACs added" : "");
	else
		APP_LOG(INFO, "port %u (%s): %spromiscuous mode on for %s", p->port_id,
			p->name, added, why);
}

void
nbfwd_filters_remove(struct nbfwd_ctx *ctx, struct nbfwd_port *p)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *c = &ctx->consumers[i];
		struct rte_ether_addr a;
		int ret;

		if (p->vlan_added[i]) {
			rte_eth_dev_vlan_filter(p->port_id, (uint16_t)c->vlan, 0);
			p->vlan_added[i] = false;
		}
		if (!p->mac_added[i])
			continue;
		nbfwd_filters_mac(c, &a);
		ret = rte_eth_dev_mac_addr_remove(p->port_id, &a);
		if (ret != 0)
			APP_LOG(NOTICE, "port %u (%s): removing consumer %s's MAC: %s",
				p->port_id, p->name, c->name, strerror(-ret));
		p->mac_added[i] = false;
	}
}
