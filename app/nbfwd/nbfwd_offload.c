/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdio.h>

#include <rte_common.h>
#include <rte_ethdev.h>

#include "nbfwd_offload.h"

int
nbfwd_offload_choose(struct nbfwd_offload_port *ports, unsigned int n,
		enum nbfwd_mode mode, unsigned int max_segments, char *err, size_t len,
		unsigned int *bad)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct nbfwd_offload_port *p = &ports[i];
		uint32_t mtu = p->mtu != 0 ? p->mtu : p->dev_mtu;

		p->rx_offloads = 0;
		p->tx_offloads = 0;
		p->chains_unsent = false;
		if (p->vlan_filter && (p->rx_capa & RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
			p->rx_offloads |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
		if (p->mtu != 0 && (p->mtu < p->min_mtu || p->mtu > p->max_mtu)) {
			snprintf(err, len, "MTU %u is outside what the device takes: "
				"%u to %u", p->mtu, p->min_mtu, p->max_mtu);
			*bad = i;
			return -1;
		}
		if (p->mtu != 0 && nbfwd_offload_frame_len(p->mtu) > p->max_frame) {
			snprintf(err, len, "MTU %u makes frames of %u bytes, the device "
				"receives at most %u (max_rx_pktlen)", p->mtu,
				nbfwd_offload_frame_len(p->mtu), p->max_frame);
			*bad = i;
			return -1;
		}
		p->scatter = nbfwd_offload_frame_len(mtu) > p->buf_room;
		if (!p->scatter)
			continue;
		if (!(p->rx_capa & RTE_ETH_RX_OFFLOAD_SCATTER)) {
			snprintf(err, len, "MTU %u needs rx scatter (frames of %u bytes in "
				"buffers of %u), which the device does not offer", mtu,
				nbfwd_offload_frame_len(mtu), p->buf_room);
			*bad = i;
			return -1;
		}
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	}
	for (i = 0; i < n; i++) {
		struct nbfwd_offload_port *p = &ports[i];
		/* vmq consumers send chains when a frame outgrows one tx buffer */
		bool chains = mode == NBFWD_MODE_VMQ && max_segments > 1;
		/* io, macswap and l2fwd free on tx what one source port's pool lent */
		bool one_pool = mode != NBFWD_MODE_VMQ;
		unsigned int sources = 0;

		for (j = 0; j < n; j++) {
			if (ports[j].peer != i)
				continue;
			sources++;
			chains |= ports[j].scatter;
			one_pool &= ports[j].heap_pool;
		}
		if (chains) {
			if (p->tx_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
				p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
			else
				p->chains_unsent = true;
		}
		if (one_pool && sources <= 1 && (p->tx_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE))
			p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	}
	return 0;
}

const char *
nbfwd_offload_names(uint64_t rx, uint64_t tx, char *buf, size_t len)
{
	static const struct {
		bool rx;
		uint64_t bit;
		const char *name;
	} names[] = {
		{ true, RTE_ETH_RX_OFFLOAD_SCATTER, "rx SCATTER" },
		{ true, RTE_ETH_RX_OFFLOAD_VLAN_FILTER, "rx VLAN_FILTER" },
		{ false, RTE_ETH_TX_OFFLOAD_MULTI_SEGS, "tx MULTI_SEGS" },
		{ false, RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, "tx MBUF_FAST_FREE" },
	};
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(names); i++) {
		if (!((names[i].rx ? rx : tx) & names[i].bit) || off >= len)
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off == 0 ? "" : ", ",
			names[i].name);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
	return buf;
}

const char *
nbfwd_offload_promisc_need(enum nbfwd_mode mode, enum nbfwd_unmatched unmatched,
		unsigned int refused)
{
	if (mode != NBFWD_MODE_VMQ)
		return "frames to other MACs (what a forwarder forwards)";
	if (unmatched == NBFWD_UNMATCHED_FORWARD)
		return "frames no consumer's MAC matches (unmatched = forward)";
	if (refused > 0)
		return "frames to the consumers whose MAC the device refused";
	return NULL;
}
