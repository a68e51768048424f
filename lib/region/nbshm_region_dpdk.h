/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_REGION_DPDK_H
#define NBSHM_REGION_DPDK_H

/**
 * @file
 * The DPDK side of a region: external-memory registration (so the IOMMU and
 * PMDs know its pages), DMA mapping for each port's device, and mbuf pools
 * whose data buffers live in the region, in one of two layouts: extbuf (only
 * data buffers in the region, mbuf headers in DPDK memory, which no consumer
 * maps) or heap (whole mempools in a region given to a DPDK malloc heap: the
 * fast layout for regions no consumer maps). Every mbuf's private area is a
 * struct nbshm_mbuf_priv (see nbshm_mbuf_bridge.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net_buffer.h"
#include "nbshm_region.h"
#include "nbshm_region_table.h"
#include "nbshm_mbuf_bridge.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Register a region's pages with DPDK as external memory, with each page's IOVA
 * (the VA in IOVA-as-VA mode, the physical address otherwise). The table is
 * kept in the region (r->iova): extbuf pools and DMA maps take their IOVAs
 * from it, so the device sees the addresses DPDK was told.
 *
 * @return
 *   0, or a negative errno: -EACCES when a page has no IOVA (RTE_BAD_IOVA:
 *   IOVA as PA without access to physical addresses in /proc/self/pagemap,
 *   i.e. not root).
 */
int nbshm_region_dpdk_register(struct nbshm_region *r);

/** Undo nbshm_region_dpdk_register() (frees the IOVA table). */
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
 * DMA-map a registered region for a device (rte_dev_dma_map), so a NIC bound
 * to vfio-pci can write into it: one mapping per physically contiguous run of
 * pages, each with the IOVA registered for its first page (in IOVA-as-PA mode
 * hugepages are rarely contiguous; in VA mode the region is one run). Of a
 * split region (a consumer's) only the rx file is mapped: its control file
 * (rings, tx buffers) is renewed on every attach and no device needs it.
 * On failure the runs already mapped are unmapped.
 *
 * @return
 *   1 when mapped, 0 when the device's bus has no DMA mapping (ENOTSUP:
 *   not needed, not an error), a negative errno on failure.
 */
int nbshm_region_dpdk_dma_map(struct nbshm_region *r, struct rte_device *dev);

/** Undo a mapping that nbshm_region_dpdk_dma_map() made (returned 1), run by run. */
/**
 * Whether a device's DMA maps go to the one VFIO container that every
 * vfio-pci device shares (DPDK 22.11's PCI bus maps there for drivers without
 * a dma_map op of their own, which vfio-pci devices are): a region is mapped
 * once for all of them, since a second map of the same range in one container
 * and a second unmap are errors (and each map takes one of the container's
 * few user-map slots). False for other devices: mapped per device.
 */
bool nbshm_region_dpdk_dma_shared(const struct rte_device *dev);
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

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_REGION_DPDK_H */
