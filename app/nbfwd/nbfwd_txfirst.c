/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * --tx-first: before forwarding starts, send one burst of 64-byte UDP frames on
 * every rx queue's tx path, as testpmd's --tx-first does, so that loopback
 * setups (net_ring, a memif pair) have traffic without a generator.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "nbfwd.h"
#include "nbfwd_guard.h"
#include "nbfwd_log.h"
#include "nbfwd_txfirst.h"

#define NBFWD_TXFIRST_LEN 60	/* 64 on the wire with the CRC */

static void
nbfwd_txfirst_fill(struct rte_mbuf *m, const struct nbfwd_rxq *q)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t l3_len = NBFWD_TXFIRST_LEN - sizeof(*eth);

	memset(eth, 0, NBFWD_TXFIRST_LEN);
	eth->dst_addr = q->tx_dst;
	eth->src_addr = q->tx_src;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(l3_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	/* 198.18.0.1 -> 198.19.0.1 (RFC 2544 benchmark range); not RTE_IPV4(): in
	 * 22.11 it shifts an int, undefined for a first byte above 127 (UBSan) */
	ip->src_addr = rte_cpu_to_be_32(UINT32_C(0xc6120001));
	ip->dst_addr = rte_cpu_to_be_32(UINT32_C(0xc6130001));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(9);
	udp->dst_port = rte_cpu_to_be_16(9);
	udp->dgram_len = rte_cpu_to_be_16(l3_len - sizeof(*ip));
	m->data_len = NBFWD_TXFIRST_LEN;
	m->pkt_len = NBFWD_TXFIRST_LEN;
}

int
nbfwd_tx_first(struct nbfwd_ctx *ctx)
{
	struct rte_mbuf *pkts[NBFWD_MAX_BURST];
	unsigned int w, i;
	uint64_t total = 0;

	for (w = 0; w < ctx->n_workers; w++) {
		const struct nbfwd_worker *wk = &ctx->workers[w];

		for (i = 0; i < wk->n_rxq; i++) {
			const struct nbfwd_rxq *q = &wk->rxq[i];
			struct rte_mempool *mp = NULL;
			uint16_t n = ctx->cfg.burst, k, sent;
			unsigned int p;

			for (p = 0; p < ctx->n_ports; p++)
				if (ctx->ports[p].port_id == q->port)
					mp = ctx->ports[p].pool;
			if (mp == NULL || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0) {
				APP_LOG(ERR, "--tx-first: no mbufs for port %u", q->port);
				return -1;
			}
			for (k = 0; k < n; k++)
				nbfwd_txfirst_fill(pkts[k], q);
			sent = nbfwd_tx_burst(q->tx_port, q->tx_queue, pkts, n);
			if (sent < n)
				rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
			total += sent;
		}
	}
	APP_LOG(INFO, "--tx-first: sent %" PRIu64 " packets", total);
	return 0;
}
