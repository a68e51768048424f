/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The planner (nbfwd_plan.h): pool and region sizes from the configuration
 * and the ports' facts, for setup and for pre-flight alike. Arithmetic only.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_mbuf_core.h>

#include "nbfwd_plan.h"
#include "nbshm_region.h"
#include "nbshm_region_dpdk.h"

/* Mbufs beyond the rings and caches: what is in flight between them. */
#define NBFWD_PLAN_SPARE 1024u

static uint64_t
nbfwd_plan_in_caches(const struct nbfwd_config *cfg, unsigned int n_workers)
{
	return (uint64_t)n_workers * (NBFWD_MEMPOOL_CACHE + 2 * cfg->burst);
}

/*
 * A port's pool fills its rx rings, what its peer's tx rings hold (one tx
 * queue per worker) and the workers' caches and bursts, plus spare:
 * rounded up to 2^n - 1, the size a mempool's ring holds best.
 */
static uint32_t
nbfwd_plan_pool_size(const struct nbfwd_plan_in *in, const struct nbfwd_plan_port *p)
{
	const struct nbfwd_plan_port *peer = &in->ports[p->peer];
	uint64_t n = (uint64_t)p->nb_rxq * p->rx_desc +
		(uint64_t)in->n_workers * peer->tx_desc +
		nbfwd_plan_in_caches(in->cfg, in->n_workers) +
		NBFWD_PLAN_SPARE;
	uint64_t pow = 1;

	while (pow - 1 < n)
		pow <<= 1;
	return (uint32_t)(pow - 1);
}

uint64_t
nbfwd_plan_owned_buffers(const struct nbfwd_config *cfg, unsigned int n_workers,
		const struct nbfwd_plan_port *p, uint32_t ring_size)
{
	return (uint64_t)p->nb_rxq * p->rx_desc + (uint64_t)n_workers * ring_size +
		nbfwd_plan_in_caches(cfg, n_workers);
}

/* Regions sized to their pools: the header (or, heap, its first page), then each pool. */
static void
nbfwd_plan_regions(const struct nbfwd_plan_in *in, struct nbfwd_plan *out)
{
	uint64_t used[NBFWD_MAX_REGIONS];
	unsigned int i;

	for (i = 0; i < in->n_regions; i++)
		used[i] = in->regions[i].layout == NBFWD_POOL_HEAP ?
			in->regions[i].page_size : NBSHM_REGION_DATA_OFFSET;
	for (i = 0; i < in->n_ports; i++) {
		const struct nbfwd_plan_region *rg = &in->regions[in->ports[i].region];
		uint64_t *u = &used[in->ports[i].region];

		if (rg->layout == NBFWD_POOL_HEAP)
			*u += nbshm_region_heap_pool_bytes(out->pool_size[i], NBFWD_PLAN_BUF_SIZE);
		else
			*u += nbshm_region_pool_bytes(*u, rg->page_size, out->pool_size[i],
				NBFWD_PLAN_BUF_SIZE);
	}
	for (i = 0; i < in->n_regions; i++) {
		const struct nbfwd_plan_region *rg = &in->regions[i];

		out->pages[i] = rg->pages;
		if (rg->pages != 0)
			continue;
		out->pages[i] = (uint32_t)((used[i] + rg->page_size - 1) / rg->page_size);
		if (rg->layout == NBFWD_POOL_HEAP)
			out->pages[i]++;	/* the heap loses some to page boundaries */
	}
}

/*
 * The region of a consumer, front to back: header page, rings, tx buffers
 * (the control file, whole pages), then rx buffers (the rx file, from a page
 * boundary). One ring pair per worker.
 */
static void
nbfwd_plan_consumer(const struct nbfwd_plan_in *in, const struct nbfwd_consumer_cfg *k,
		struct nbfwd_plan_consumer *pc)
{
	struct nbshm_chan_layout *l = &pc->layout;
	uint64_t off, page = NBFWD_DEFAULT_PAGE_SIZE;

	memset(pc, 0, sizeof(*pc));
	pc->buf_size = (uint16_t)RTE_ALIGN_CEIL(k->buffer_size + RTE_PKTMBUF_HEADROOM,
		RTE_CACHE_LINE_SIZE);
	pc->page_size = page;
	l->rings_off = NBSHM_REGION_DATA_OFFSET;
	l->ring_stride = RTE_ALIGN_CEIL(NBSHM_RING_BYTES(k->ring_size), NBSHM_CHAN_CACHE_LINE);
	l->ring_size = k->ring_size;
	l->n_qp = in->n_workers;
	off = l->rings_off + l->ring_stride * NBSHM_CHAN_N_RINGS(l->n_qp);
	l->tx_off = RTE_ALIGN_CEIL(off, NBSHM_REGION_DATA_OFFSET);
	l->tx_buf_size = k->tx_buffer_size;
	l->n_tx_bufs = k->tx_buffers;
	l->rx_off = RTE_ALIGN_CEIL(l->tx_off + (uint64_t)l->n_tx_bufs * l->tx_buf_size, page);
	l->rx_len = nbshm_region_pool_bytes(l->rx_off, page, k->buffers, pc->buf_size);
	pc->pages = (uint32_t)(RTE_ALIGN_CEIL(l->rx_off + l->rx_len, page) / page);
}

int
nbfwd_plan(const struct nbfwd_plan_in *in, struct nbfwd_plan *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (in->n_workers == 0 || in->n_ports > NBFWD_PLAN_MAX_PORTS ||
			in->n_regions > NBFWD_MAX_REGIONS)
		return -1;
	for (i = 0; i < in->n_ports; i++)
		if (in->ports[i].peer >= in->n_ports || in->ports[i].region >= in->n_regions)
			return -1;
	for (i = 0; i < in->n_ports; i++)
		out->pool_size[i] = in->ports[i].pool_size != 0 ? in->ports[i].pool_size :
			nbfwd_plan_pool_size(in, &in->ports[i]);
	nbfwd_plan_regions(in, out);
	if (in->cfg->mode == NBFWD_MODE_VMQ)
		out->n_consumers = in->cfg->n_consumers;
	for (i = 0; i < out->n_consumers; i++)
		nbfwd_plan_consumer(in, &in->cfg->consumers[i], &out->consumers[i]);
	return 0;
}
