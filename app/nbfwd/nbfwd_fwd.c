/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The fast path: rx burst -> NET_BUFFER per packet (in the mbuf private area)
 * -> resolve every segment through the region table -> the mode's action,
 * touching bytes only through resolved pointers -> tx burst. Per burst: no
 * allocation, no lock, no syscall, no log line.
 */

#include <stdbool.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "nbfwd.h"
#include "nbfwd_fwd.h"
#include "nbshm_region_dpdk.h"

/* Bytes the MAC-rewriting actions read and write: dst and src addresses. */
#define NBFWD_MAC_BYTES (2 * RTE_ETHER_ADDR_LEN)
/* Packets ahead whose private area is prefetched while building. */
#define NBFWD_PREFETCH_AHEAD 4

/* Scratch of one burst: the segments of all its packets, resolved. */
struct nbfwd_burst {
	const NET_BUFFER_SHARED_MEMORY *segs[NBFWD_BURST_SEGS_MAX];
	void *ptrs[NBFWD_BURST_SEGS_MAX];
	uint8_t status[NBFWD_BURST_SEGS_MAX];
	uint16_t first_seg[NBFWD_MAX_BURST];	/* index in segs of each packet's first */
	uint8_t n_segs[NBFWD_MAX_BURST];
};

static RTE_DEFINE_PER_LCORE(struct nbfwd_burst, nbfwd_burst);

static inline void
nbfwd_drop(struct rte_mbuf *m, struct nbfwd_qstats *st, unsigned int reason)
{
	st->drop[reason]++;
	rte_pktmbuf_free(m);
}

static inline void
nbfwd_macswap(uint8_t *eth)
{
	uint8_t tmp[RTE_ETHER_ADDR_LEN];

	memcpy(tmp, eth, RTE_ETHER_ADDR_LEN);
	memcpy(eth, eth + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	memcpy(eth + RTE_ETHER_ADDR_LEN, tmp, RTE_ETHER_ADDR_LEN);
}

static inline void
nbfwd_l2fwd(uint8_t *eth, const struct nbfwd_rxq *q)
{
	memcpy(eth, &q->tx_dst, RTE_ETHER_ADDR_LEN);
	memcpy(eth + RTE_ETHER_ADDR_LEN, &q->tx_src, RTE_ETHER_ADDR_LEN);
}

/*
 * Validate the resolved burst: a packet with a bad segment, or whose first
 * segment is too short for a MAC-rewriting action, is dropped. Packets kept
 * are compacted in pkts[] with their first data pointer in data[].
 */
static inline uint16_t
nbfwd_keep_valid(struct rte_mbuf **pkts, uint16_t n, struct nbfwd_burst *b,
		unsigned int n_bad, enum nbfwd_mode mode, void **data, struct nbfwd_qstats *st)
{
	uint16_t i, kept = 0;
	unsigned int s;

	for (i = 0; i < n; i++) {
		unsigned int first = b->first_seg[i];
		unsigned int reason = NET_BUFFER_OK;

		if (unlikely(n_bad != 0)) {
			for (s = first; s < first + b->n_segs[i]; s++) {
				if (b->status[s] != NET_BUFFER_OK) {
					reason = b->status[s];
					break;
				}
			}
		}
		if (reason == NET_BUFFER_OK && mode != NBFWD_MODE_IO &&
				unlikely(NET_BUFFER_SHARED_MEM_LENGTH(b->segs[first]) <
					NBFWD_MAC_BYTES))
			reason = NBFWD_DROP_RUNT;
		if (unlikely(reason != NET_BUFFER_OK)) {
			nbfwd_drop(pkts[i], st, reason);
			continue;
		}
		data[kept] = b->ptrs[first];
		pkts[kept++] = pkts[i];
	}
	return kept;
}

static inline void
nbfwd_action(enum nbfwd_mode mode, void **data, uint16_t n, const struct nbfwd_rxq *q)
{
	uint16_t i;

	switch (mode) {
	case NBFWD_MODE_MACSWAP:
		for (i = 0; i < n; i++) {
			if (likely(i + 1 < n))
				rte_prefetch0(data[i + 1]);
			nbfwd_macswap(data[i]);
		}
		break;
	case NBFWD_MODE_L2FWD:
		for (i = 0; i < n; i++)
			nbfwd_l2fwd(data[i], q);
		break;
	default:
		break;
	}
}

/*
 * The common case: every segment resolved and every packet has one segment,
 * so segment i is packet i. True when no packet is too short for the action.
 */
static inline bool
nbfwd_straight(const struct nbfwd_burst *b, uint16_t n, enum nbfwd_mode mode)
{
	uint32_t runt = 0;
	uint16_t i;

	if (mode == NBFWD_MODE_IO)
		return true;
	for (i = 0; i < n; i++)
		runt |= NET_BUFFER_SHARED_MEM_LENGTH(b->segs[i]) < NBFWD_MAC_BYTES;
	return runt == 0;
}

/* Build the NET_BUFFERs of a burst; bad chains are dropped right here. */
static inline uint16_t
nbfwd_build(struct rte_mbuf **pkts, uint16_t n, unsigned int max_segs,
		struct nbfwd_burst *b, unsigned int *n_segs_out, struct nbfwd_qstats *st)
{
	unsigned int n_segs = 0;
	uint16_t i, kept = 0;

	for (i = 0; i < n; i++) {
		enum net_buffer_reason r;
		unsigned int k;

		if (likely(i + NBFWD_PREFETCH_AHEAD < n))
			rte_prefetch0(nbshm_mbuf_priv(pkts[i + NBFWD_PREFETCH_AHEAD]));
		r = nbshm_mbuf_to_net_buffer(pkts[i], max_segs, &b->segs[n_segs], &k);
		if (unlikely(r != NET_BUFFER_OK)) {
			nbfwd_drop(pkts[i], st, r);
			continue;
		}
		b->first_seg[kept] = n_segs;
		b->n_segs[kept] = k;
		pkts[kept++] = pkts[i];
		n_segs += k;
	}
	*n_segs_out = n_segs;
	return kept;
}

static inline void
nbfwd_fwd_rxq(const struct nbfwd_ctx *ctx, const struct nbfwd_rxq *q, struct nbfwd_burst *b)
{
	struct rte_mbuf *pkts[NBFWD_MAX_BURST];
	void *data[NBFWD_MAX_BURST];
	struct nbfwd_qstats *st = q->st;
	const enum nbfwd_mode mode = ctx->cfg.mode;
	unsigned int n_segs, n_bad;
	uint16_t n, sent;

	n = rte_eth_rx_burst(q->port, q->queue, pkts, ctx->cfg.burst);
	if (n == 0)
		return;
	st->rx += n;

#ifdef NBFWD_EXP_NOBUILD
	goto tx;
#endif
	n = nbfwd_build(pkts, n, ctx->cfg.max_segments, b, &n_segs, st);
	n_bad = nbshm_region_resolve_burst(ctx->table, b->segs, n_segs, b->ptrs, b->status);
	st->segs += n_segs;
	if (likely(n_bad == 0 && n_segs == n && nbfwd_straight(b, n, mode))) {
		nbfwd_action(mode, b->ptrs, n, q);
	} else {
		n = nbfwd_keep_valid(pkts, n, b, n_bad, mode, data, st);
		nbfwd_action(mode, data, n, q);
	}

#ifdef NBFWD_EXP_NOBUILD
tx:
#endif
	sent = rte_eth_tx_burst(q->tx_port, q->tx_queue, pkts, n);
	st->tx += sent;
	if (unlikely(sent < n)) {
		st->drop[NBFWD_DROP_TX_FULL] += n - sent;
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
}

int
nbfwd_worker_loop(struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		nbfwd_tick_fn tick, void *tick_arg)
{
	struct nbfwd_burst *b = &RTE_PER_LCORE(nbfwd_burst);
	unsigned int i, n = w->n_rxq;
	uint64_t polls = 0;

	while (!nbfwd_force_quit) {
		for (i = 0; i < n; i++)
			nbfwd_fwd_rxq(ctx, &w->rxq[i], b);
		if (tick != NULL && (++polls & 0x3ff) == 0)
			tick(tick_arg);
	}
	return 0;
}
