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
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "nbfwd.h"
#include "nbfwd_cycles.h"
#include "nbfwd_fwd.h"
#include "nbfwd_guard.h"
#include "nbfwd_mode.h"
#include "nbfwd_quiesce.h"
#include "nbshm_region_dpdk.h"

/* Bytes the MAC-rewriting actions read and write: dst and src addresses. */
#define NBFWD_MAC_BYTES (2 * RTE_ETHER_ADDR_LEN)

/*
 * Swap the 6-byte destination and source MACs (bytes 0-5 and 6-11) with one
 * 8-byte and one 4-byte load and store (little-endian): the frame's first
 * 12 bytes are inside the first resolved segment (checked before).
 */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
static inline void
nbfwd_macswap(uint8_t *eth)
{
	uint64_t lo, hi, out_lo;
	uint32_t w2, out_hi;

	memcpy(&lo, eth, sizeof(lo));		/* bytes 0-7 */
	memcpy(&w2, eth + 8, sizeof(w2));	/* bytes 8-11 */
	hi = (lo >> 48) | ((uint64_t)w2 << 16);	/* old src: bytes 6-11 */
	lo &= UINT64_C(0xffffffffffff);		/* old dst: bytes 0-5 */
	out_lo = hi | (lo << 48);		/* new bytes 0-7 */
	out_hi = (uint32_t)(lo >> 16);		/* new bytes 8-11 */
	memcpy(eth, &out_lo, sizeof(out_lo));
	memcpy(eth + 8, &out_hi, sizeof(out_hi));
}
#else
static inline void
nbfwd_macswap(uint8_t *eth)
{
	uint8_t tmp[RTE_ETHER_ADDR_LEN];

	memcpy(tmp, eth, RTE_ETHER_ADDR_LEN);
	memcpy(eth, eth + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	memcpy(eth + RTE_ETHER_ADDR_LEN, tmp, RTE_ETHER_ADDR_LEN);
}
#endif

static inline void
nbfwd_l2fwd(uint8_t *eth, const struct nbfwd_rxq *q)
{
	memcpy(eth, &q->tx_dst, RTE_ETHER_ADDR_LEN);
	memcpy(eth + RTE_ETHER_ADDR_LEN, &q->tx_src, RTE_ETHER_ADDR_LEN);
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
 * One burst of one rx queue. Always inlined with a constant mode, so each
 * mode gets its own loop without a per-packet switch.
 */
static __rte_always_inline void
nbfwd_fwd_rxq(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		const struct nbfwd_rxq *q, const enum nbfwd_mode mode)
{
	struct rte_mbuf *pkts[NBFWD_MAX_BURST];
	void *data[NBFWD_MAX_BURST];
	uint8_t status[NBFWD_MAX_BURST];
	struct nbfwd_qstats *st = q->st;
	void **first = mode == NBFWD_MODE_IO ? NULL : data;
	unsigned int n_segs, n_bad;
	uint16_t n, n_rx, sent;
	/* -Dcycle_stats=true: one poll in NBFWD_CYCLE_SAMPLE timed per stage */
	const bool sample = nbfwd_cycles_sample(w->index);
	uint64_t t[NBFWD_STAGE_MAX + 1];

	t[0] = nbfwd_cycles_mark(sample);
	n = nbfwd_rx_burst(q->port, q->queue, pkts, ctx->cfg.burst);
	if (n == 0)
		return;
	st->rx += n;
	n_rx = n;
	t[1] = nbfwd_cycles_mark(sample);

	/* every segment described as a NET_BUFFER and resolved, or dropped */
	n_bad = nbshm_mbuf_build_resolve_burst(ctx->table, pkts, n, ctx->cfg.max_segments,
		mode == NBFWD_MODE_IO ? 0 : NBFWD_MAC_BYTES, first, status, &n_segs);
	st->segs += n_segs;
	if (unlikely(n_bad != 0))
		n = nbfwd_keep_valid(pkts, data, n, status, st);
	t[2] = nbfwd_cycles_mark(sample);
	nbfwd_action(mode, data, n, q);
	t[3] = nbfwd_cycles_mark(sample);

	sent = nbfwd_tx_burst(q->tx_port, q->tx_queue, pkts, n);
	st->tx += sent;
	if (unlikely(sent < n)) {
		st->drop[NBFWD_DROP_TX_FULL] += n - sent;
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
	if (sample) {
		t[4] = nbfwd_cycles_mark(sample);
		nbfwd_cycles_add(w->index, t, n_rx);
	}
}

#define NBFWD_POLL_FN(name, mode) \
static void \
name(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w) \
{ \
	unsigned int i; \
	for (i = 0; i < w->n_rxq; i++) \
		nbfwd_fwd_rxq(ctx, w, &w->rxq[i], mode); \
}

NBFWD_POLL_FN(nbfwd_poll_io, NBFWD_MODE_IO)
NBFWD_POLL_FN(nbfwd_poll_macswap, NBFWD_MODE_MACSWAP)
NBFWD_POLL_FN(nbfwd_poll_l2fwd, NBFWD_MODE_L2FWD)

/* io, macswap and l2fwd only poll; vmq's steps are in nbfwd_vmq_ctl.c */
static const struct nbfwd_mode_ops nbfwd_io_ops = { .poll = nbfwd_poll_io };
static const struct nbfwd_mode_ops nbfwd_macswap_ops = { .poll = nbfwd_poll_macswap };
static const struct nbfwd_mode_ops nbfwd_l2fwd_ops = { .poll = nbfwd_poll_l2fwd };

const struct nbfwd_mode_ops *
nbfwd_mode_ops_get(enum nbfwd_mode mode)
{
	static const struct nbfwd_mode_ops * const ops[NBFWD_MODE_MAX] = {
		[NBFWD_MODE_IO] = &nbfwd_io_ops,
		[NBFWD_MODE_MACSWAP] = &nbfwd_macswap_ops,
		[NBFWD_MODE_L2FWD] = &nbfwd_l2fwd_ops,
		[NBFWD_MODE_VMQ] = &nbfwd_vmq_ops,
	};

	return (unsigned int)mode < NBFWD_MODE_MAX ? ops[mode] : NULL;
}

int
nbfwd_worker_loop(struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		nbfwd_tick_fn tick, void *tick_arg)
{
	void (* const poll)(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w) =
		ctx->mode->poll;
	uint64_t polls = 0;

	nbfwd_quiesce_online(w->index);
	while (!nbfwd_force_quit) {
		poll(ctx, w);
		/* between polls: no capture callback or port state held */
		nbfwd_quiesce_report(w->index);
		if (tick != NULL && (++polls & 0x3ff) == 0)
			tick(tick_arg);
	}
	nbfwd_quiesce_offline(w->index);
	return 0;
}

struct nbfwd_cycles nbfwd_cycles[NBFWD_MAX_WORKERS];

static const char * const nbfwd_stage_names[NBFWD_STAGE_MAX] = {
	[NBFWD_STAGE_RX] = "rx",
	[NBFWD_STAGE_NETBUF] = "netbuf",
	[NBFWD_STAGE_ACTION] = "action",
	[NBFWD_STAGE_TX] = "tx",
};

const char *
nbfwd_stage_name(unsigned int stage)
{
	return stage < NBFWD_STAGE_MAX ? nbfwd_stage_names[stage] : "unknown";
}

uint64_t
nbfwd_cycles_per_packet(unsigned int n_workers, double per_pkt[NBFWD_STAGE_MAX])
{
	uint64_t pkts = 0, cyc[NBFWD_STAGE_MAX] = { 0 };
	unsigned int w, s;

	for (w = 0; w < n_workers && w < NBFWD_MAX_WORKERS; w++) {
		pkts += nbfwd_cycles[w].pkts;
		for (s = 0; s < NBFWD_STAGE_MAX; s++)
			cyc[s] += nbfwd_cycles[w].cyc[s];
	}
	for (s = 0; s < NBFWD_STAGE_MAX; s++)
		per_pkt[s] = pkts != 0 ? (double)cyc[s] / (double)pkts : 0.0;
	return pkts;
}
