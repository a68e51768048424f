/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_REGION_DPDK_H
#define NBSHM_REGION_DPDK_H

/**
 * @file
 * The DPDK side of a region: external-memory registration (so the IOMMU and
 * PMDs know its pages), DMA mapping for each port's device, mbuf pools whose
 * data buffers live in the region, and the mbuf -> NET_BUFFER bridge.
 *
 * mbuf headers never live in a region: they stay in DPDK memory, which no
 * consumer maps. Each mbuf's private area holds a NET_BUFFER and the
 * NET_BUFFER_SHARED_MEMORY segment that describes that mbuf's data, so a
 * packet's descriptor chain is built without allocation: segment i sits in
 * the private area of mbuf segment i.
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net_buffer.h"
#include "nbshm_region.h"
#include "nbshm_region_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Private area of every mbuf of a region pool: one cache line. */
struct nbshm_mbuf_priv {
	NET_BUFFER nb;			/**< the packet (used in the first segment) */
	NET_BUFFER_SHARED_MEMORY shm;	/**< this segment */
	uint32_t buf_off;		/**< region offset of the mbuf's buf_addr */
	uint32_t magic;			/**< NBSHM_MBUF_PRIV_MAGIC */
} __rte_aligned(RTE_MBUF_PRIV_ALIGN);

#define NBSHM_MBUF_PRIV_MAGIC 0x6e627368u	/**< "nbsh" */

/** Private area of an mbuf. */
static inline struct nbshm_mbuf_priv *
nbshm_mbuf_priv(struct rte_mbuf *m)
{
	return (struct nbshm_mbuf_priv *)rte_mbuf_to_priv(m);
}

/**
 * Register a region's pages with DPDK as external memory, with each page's IOVA
 * (the VA in IOVA-as-VA mode, the physical address otherwise).
 *
 * @return
 *   0, or a negative errno.
 */
int nbshm_region_dpdk_register(struct nbshm_region *r);

/** Undo nbshm_region_dpdk_register(). */
int nbshm_region_dpdk_unregister(struct nbshm_region *r);

/**
 * Hand a region's pages, but the first (which keeps the header), to a new DPDK
 * malloc heap (rte_malloc_heap_memory_add), so that whole mempools (mbuf
 * headers and data) can live in it: the fast layout for a region that no
 * consumer maps. DPDK registers that memory itself (and maps it for VFIO).
 *
 * @param r
 *   Region of at least 2 pages; nothing may be carved from it afterwards.
 * @param heap
 *   Heap name (< RTE_HEAP_NAME_MAX_LEN).
 * @param socket
 *   Out: the heap's socket id, to pass to pool creation.
 * @return
 *   0, or a negative errno.
 */
int nbshm_region_dpdk_heap_add(struct nbshm_region *r, const char *heap, int *socket);

/** Undo nbshm_region_dpdk_heap_add() (every allocation from it freed first). */
int nbshm_region_dpdk_heap_remove(struct nbshm_region *r, const char *heap);

/**
 * Create an mbuf pool wholly inside a region given to a heap by
 * nbshm_region_dpdk_heap_add(), each mbuf's NET_BUFFER pre-filled.
 *
 * @return
 *   The pool, or NULL with @p err set.
 */
struct rte_mempool *nbshm_region_heap_pool_create(const char *name,
		struct nbshm_region *r, uint64_t handle, unsigned int n, unsigned int cache,
		uint16_t buf_size, int heap_socket, char *err, size_t errlen);

/** Upper bound of the heap bytes a pool of @p n buffers of @p buf_size takes. */
uint64_t nbshm_region_heap_pool_bytes(unsigned int n, uint16_t buf_size);

/**
 * DMA-map a region for a device (rte_dev_dma_map), so a NIC bound to vfio-pci
 * can write into it.
 *
 * @return
 *   1 when mapped, 0 when the device's bus has no DMA mapping (vdevs: ENOTSUP,
 *   not an error), a negative errno on failure.
 */
int nbshm_region_dpdk_dma_map(struct nbshm_region *r, struct rte_device *dev);

/** Undo a mapping that nbshm_region_dpdk_dma_map() made (returned 1). */
int nbshm_region_dpdk_dma_unmap(struct nbshm_region *r, struct rte_device *dev);

/**
 * Create an mbuf pool whose data buffers are carved out of a region (pinned
 * external buffers, rte_pktmbuf_pool_create_extbuf), with a
 * struct nbshm_mbuf_priv per mbuf pre-filled with the region's handle.
 *
 * @param name
 *   Pool name.
 * @param r
 *   Region (registered with nbshm_region_dpdk_register()).
 * @param handle
 *   The region's handle in the region table.
 * @param n
 *   mbufs.
 * @param cache
 *   Per-lcore cache size.
 * @param buf_size
 *   Bytes per data buffer, headroom included (e.g. RTE_MBUF_DEFAULT_BUF_SIZE).
 * @param socket
 *   NUMA socket for the mbuf headers.
 * @param err
 *   One line on failure.
 * @param errlen
 *   Size of @p err.
 * @return
 *   The pool, or NULL.
 */
struct rte_mempool *nbshm_region_pool_create(const char *name, struct nbshm_region *r,
		uint64_t handle, unsigned int n, unsigned int cache, uint16_t buf_size,
		int socket, char *err, size_t errlen);

/**
 * Bytes of a region a pool of @p n buffers of @p buf_size takes, when carved
 * from offset @p start with pages of @p page_size (no buffer crosses a page).
 */
uint64_t nbshm_region_pool_bytes(uint64_t start, uint64_t page_size, unsigned int n,
		uint16_t buf_size);

/**
 * Build the NET_BUFFER of a packet in its mbufs' private areas.
 *
 * One NET_BUFFER_SHARED_MEMORY per mbuf segment: handle = the region of that
 * segment's pool (set when the pool was made), offset = the region offset of
 * the segment's first data byte, length = its data length. No allocation.
 * A packet with nb_segs == 1 is built from its first cache line alone; a
 * chain is walked through m->next, at most @p max_segs links.
 *
 * @param m
 *   First segment of the packet (from a region pool).
 * @param max_segs
 *   Cap on segments.
 * @param segs
 *   Out: the packet's segments are stored here (room for @p max_segs).
 * @param n_segs
 *   Out: number of segments stored in @p segs (valid when NET_BUFFER_OK).
 * @return
 *   NET_BUFFER_OK, NET_BUFFER_TOO_MANY_SEGMENTS (nb_segs over the cap) or
 *   NET_BUFFER_LENGTH_MISMATCH (data lengths do not sum to pkt_len).
 *   Handles, bounds and zero lengths are the resolver's job.
 */
static __rte_always_inline enum net_buffer_reason
nbshm_mbuf_to_net_buffer(struct rte_mbuf *m, unsigned int max_segs,
		const NET_BUFFER_SHARED_MEMORY **segs, unsigned int *n_segs)
{
	struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(m);
	NET_BUFFER_SHARED_MEMORY *prev;
	uint64_t total;
	unsigned int i;

	NET_BUFFER_DATA_LENGTH(&p->nb) = m->pkt_len;
	NET_BUFFER_SHARED_MEM_OFFSET(&p->shm) = p->buf_off + m->data_off;
	NET_BUFFER_SHARED_MEM_LENGTH(&p->shm) = m->data_len;
	segs[0] = &p->shm;
	if (likely(m->nb_segs == 1)) {
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&p->shm) = NULL;
		*n_segs = 1;
		return likely(m->data_len == m->pkt_len) ?
			NET_BUFFER_OK : NET_BUFFER_LENGTH_MISMATCH;
	}

	total = m->data_len;
	prev = &p->shm;
	for (i = 1, m = m->next; m != NULL; i++, m = m->next) {
		struct nbshm_mbuf_priv *q;

		if (unlikely(i >= max_segs))
			return NET_BUFFER_TOO_MANY_SEGMENTS;
		q = nbshm_mbuf_priv(m);
		NET_BUFFER_SHARED_MEM_OFFSET(&q->shm) = q->buf_off + m->data_off;
		NET_BUFFER_SHARED_MEM_LENGTH(&q->shm) = m->data_len;
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(prev) = &q->shm;
		segs[i] = &q->shm;
		prev = &q->shm;
		total += m->data_len;
	}
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(prev) = NULL;
	*n_segs = i;
	return total == NET_BUFFER_DATA_LENGTH(&p->nb) ?
		NET_BUFFER_OK : NET_BUFFER_LENGTH_MISMATCH;
}

/** The NET_BUFFER of a packet built by nbshm_mbuf_to_net_buffer(). */
static inline NET_BUFFER *
nbshm_mbuf_net_buffer(struct rte_mbuf *m)
{
	return &nbshm_mbuf_priv(m)->nb;
}

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_REGION_DPDK_H */
