/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "nbshm_region_dpdk.h"

/* IOVA of one page of a region, as the device will see it. */
static rte_iova_t
nbshm_region_page_iova(const void *va)
{
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		return (rte_iova_t)(uintptr_t)va;
	return rte_mem_virt2iova(va);
}

/*
 * Per-page IOVAs of [va, va + n_pages pages); free() the result. NULL with
 * errno ENOMEM, or EACCES when a page has none (IOVA as PA without pagemap
 * access): the device would DMA to an address that is not ours.
 */
static rte_iova_t *
nbshm_region_iovas(uint8_t *va, unsigned int n_pages, uint64_t page_size)
{
	rte_iova_t *iova = calloc(n_pages, sizeof(*iova));
	unsigned int i;

	if (iova == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n_pages; i++) {
		iova[i] = nbshm_region_page_iova(va + (uint64_t)i * page_size);
		if (iova[i] == RTE_BAD_IOVA) {
			free(iova);
			errno = EACCES;
			return NULL;
		}
	}
	return iova;
}

int
nbshm_region_dpdk_register(struct nbshm_region *r)
{
	unsigned int n_pages = r->size / r->page_size;
	rte_iova_t *iova = nbshm_region_iovas(r->base, n_pages, r->page_size);

	if (iova == NULL)
		return -errno;
	if (rte_extmem_register(r->base, r->size, iova, n_pages, r->page_size) != 0) {
		free(iova);
		return -rte_errno;
	}
	/* pools and DMA maps take their IOVAs from this table, nowhere else */
	r->iova = iova;
	return 0;
}

/* IOVA of region offset @p off, from the registered table. */
static rte_iova_t
nbshm_region_off_iova(const struct nbshm_region *r, uint64_t off)
{
	return r->iova[off / r->page_size] + off % r->page_size;
}

int
nbshm_region_dpdk_heap_add(struct nbshm_region *r, const char *heap, int *socket)
{
	unsigned int n_pages = r->size / r->page_size;
	rte_iova_t *iova;
	int ret;

	if (n_pages < 2)
		return -ENOSPC;
	/* page 0 keeps the region header; the rest becomes the heap */
	iova = nbshm_region_iovas(r->base + r->page_size, n_pages - 1, r->page_size);
	if (iova == NULL)
		return -errno;
	ret = rte_malloc_heap_create(heap);
	if (ret == 0)
		ret = rte_malloc_heap_memory_add(heap, r->base + r->page_size,
			r->size - r->page_size, iova, n_pages - 1, r->page_size);
	free(iova);
	if (ret != 0) {
		ret = -rte_errno;
		rte_malloc_heap_destroy(heap);
		return ret;
	}
	*socket = rte_malloc_heap_get_socket(heap);
	r->used = r->size;	/* nothing more to carve: the heap owns it */
	return 0;
}

int
nbshm_region_dpdk_heap_remove(struct nbshm_region *r, const char *heap)
{
	int ret = 0;

	if (rte_malloc_heap_memory_remove(heap, r->base + r->page_size,
			r->size - r->page_size) != 0)
		ret = -rte_errno;
	if (rte_malloc_heap_destroy(heap) != 0 && ret == 0)
		ret = -rte_errno;
	return ret;
}

uint64_t
nbshm_region_heap_pool_bytes(unsigned int n, uint16_t buf_size)
{
	uint64_t elt = RTE_CACHE_LINE_SIZE + sizeof(struct rte_mbuf) +
		sizeof(struct nbshm_mbuf_priv) + RTE_ALIGN_CEIL(buf_size, RTE_CACHE_LINE_SIZE);
	/* the mempool header holds a cache for every possible lcore */
	uint64_t hdr = sizeof(struct rte_mempool) +
		(uint64_t)RTE_MAX_LCORE * sizeof(struct rte_mempool_cache) +
		sizeof(struct rte_pktmbuf_pool_private);

	/* objects, the header, the ring, and malloc/memzone overhead */
	return (uint64_t)n * elt + RTE_ALIGN_CEIL(hdr, RTE_CACHE_LINE_SIZE) +
		(uint64_t)n * 2 * sizeof(void *) + (256u << 10);
}

int
nbshm_region_dpdk_unregister(struct nbshm_region *r)
{
	int ret = rte_extmem_unregister(r->base, r->size) == 0 ? 0 : -rte_errno;

	free(r->iova);
	r->iova = NULL;
	return ret;
}

/*
 * Physically contiguous runs of the pages a device may write (a split
 * region's rx file, else all): [*first, *end) from page *first on, or false
 * past the last. In IOVA-as-VA mode the whole range is one run.
 */
static bool
nbshm_region_dma_run(const struct nbshm_region *r, unsigned int *first, unsigned int *end)
{
	unsigned int n_pages = r->size / r->page_size;
	unsigned int i = *end;

	if (i >= n_pages)
		return false;
	*first = i;
	for (i++; i < n_pages; i++)
		if (r->iova[i] != r->iova[i - 1] + r->page_size)
			break;
	*end = i;
	return true;
}

/* Unmap the runs of pages [split page, @p stop): errors counted, the first kept. */
static int
nbshm_region_dma_unmap_to(struct nbshm_region *r, struct rte_device *dev, unsigned int stop)
{
	unsigned int first, end = r->split / r->page_size;
	int ret = 0;

	while (end < stop && nbshm_region_dma_run(r, &first, &end)) {
		uint64_t off = (uint64_t)first * r->page_size;

		if (rte_dev_dma_unmap(dev, r->base + off, r->iova[first],
				(uint64_t)(end - first) * r->page_size) != 0 && ret == 0)
			ret = -rte_errno;
	}
	return ret;
}

int
nbshm_region_dpdk_dma_map(struct nbshm_region *r, struct rte_device *dev)
{
	unsigned int first, end = r->split / r->page_size;

	if (dev == NULL)
		return -ENODEV;
	if (r->iova == NULL)
		return -EINVAL;
	/* one mapping per physically contiguous run: with IOVA as PA, pages apart */
	while (nbshm_region_dma_run(r, &first, &end)) {
		uint64_t off = (uint64_t)first * r->page_size;
		int err;

		if (rte_dev_dma_map(dev, r->base + off, r->iova[first],
				(uint64_t)(end - first) * r->page_size) == 0)
			continue;
		err = rte_errno;
		nbshm_region_dma_unmap_to(r, dev, first);
		/* the device's bus has no DMA mapping: not needed */
		if (err == ENOTSUP)
			return 0;
		return -err;
	}
	return 1;
}

int
nbshm_region_dpdk_dma_unmap(struct nbshm_region *r, struct rte_device *dev)
{
	if (dev == NULL)
		return -ENODEV;
	if (r->iova == NULL)
		return -EINVAL;
	return nbshm_region_dma_unmap_to(r, dev, r->size / r->page_size);
}

bool
nbshm_region_dpdk_dma_shared(const struct rte_device *dev)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *drv;
	ssize_t n;

	if (dev == NULL || strcmp(rte_bus_name(rte_dev_bus(dev)), "pci") != 0)
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", rte_dev_name(dev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	drv = strrchr(link, '/');
	return strcmp(drv != NULL ? drv + 1 : link, "vfio-pci") == 0;
}

/*
 * Walk the chunks a pool takes from [start, ...): buffers never cross a page
 * boundary, so every chunk lies inside one page and has one IOVA. Calls fn for
 * each chunk (when fn is not NULL) and returns the end offset.
 */
typedef void (*nbshm_chunk_fn)(void *arg, uint64_t off, uint64_t len);

static uint64_t
nbshm_region_pool_walk(uint64_t start, uint64_t page_size, unsigned int n,
		uint16_t buf_size, nbshm_chunk_fn fn, void *arg)
{
	uint64_t pos = RTE_ALIGN_CEIL(start, RTE_CACHE_LINE_SIZE);
	unsigned int left = n;

	while (left > 0) {
		uint64_t page_end = RTE_ALIGN_FLOOR(pos, page_size) + page_size;
		uint64_t fit = (page_end - pos) / buf_size;

		if (fit == 0) {
			pos = page_end;
			continue;
		}
		if (fit > left)
			fit = left;
		if (fn != NULL)
			fn(arg, pos, fit * buf_size);
		pos += fit * buf_size;
		left -= fit;
	}
	return pos;
}

uint64_t
nbshm_region_pool_bytes(uint64_t start, uint64_t page_size, unsigned int n,
		uint16_t buf_size)
{
	return nbshm_region_pool_walk(start, page_size, n, buf_size, NULL, NULL) - start;
}

struct nbshm_extmem_ctx {
	struct nbshm_region *r;
	struct rte_pktmbuf_extmem *ext;
	unsigned int n_ext;
	uint16_t buf_size;
};

static void
nbshm_extmem_add(void *arg, uint64_t off, uint64_t len)
{
	struct nbshm_extmem_ctx *ctx = arg;
	struct rte_pktmbuf_extmem *e = &ctx->ext[ctx->n_ext++];

	e->buf_ptr = ctx->r->base + off;
	e->buf_iova = nbshm_region_off_iova(ctx->r, off);
	e->buf_len = len;
	e->elt_size = ctx->buf_size;
}

struct nbshm_priv_ctx {
	struct nbshm_region *r;
	uint64_t handle;
	unsigned int bad;
};

static void
nbshm_mbuf_priv_init(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
		unsigned int idx __rte_unused)
{
	struct nbshm_priv_ctx *ctx = arg;
	struct rte_mbuf *m = obj;
	struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(m);
	uint64_t off = (uint64_t)((uint8_t *)m->buf_addr - ctx->r->base);

	memset(p, 0, sizeof(*p));
	if ((uint8_t *)m->buf_addr < ctx->r->base || off + m->buf_len > ctx->r->size ||
			off > UINT32_MAX - UINT16_MAX) {
		ctx->bad++;
		return;
	}
	NET_BUFFER_FIRST_SHARED_MEM_INFO(&p->nb) = &p->shm;
	NET_BUFFER_SHARED_MEM_HANDLE(&p->shm) = ctx->handle;
	NET_BUFFER_SHARED_MEM_FLAGS(&p->shm) = 0;
	p->buf_off = (uint32_t)off;
	p->magic = NBSHM_MBUF_PRIV_MAGIC;
}

/* Fill every mbuf's NET_BUFFER; refuse a pool with a buffer outside the region. */
static struct rte_mempool *
nbshm_region_pool_finish(struct rte_mempool *mp, struct nbshm_priv_ctx *pctx,
		char *err, size_t errlen)
{
	rte_mempool_obj_iter(mp, nbshm_mbuf_priv_init, pctx);
	if (pctx->bad != 0) {
		snprintf(err, errlen, "pool %s: %u buffers outside region %s",
			mp->name, pctx->bad, pctx->r->name);
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

struct rte_mempool *
nbshm_region_pool_create(const char *name, struct nbshm_region *r, uint64_t handle,
		unsigned int n, unsigned int cache, uint16_t buf_size, int socket,
		char *err, size_t errlen)
{
	struct nbshm_extmem_ctx ectx = { .r = r, .buf_size = buf_size };
	struct nbshm_priv_ctx pctx = { .r = r, .handle = handle };
	struct rte_mempool *mp;
	uint64_t start, end, off;
	unsigned int max_ext;

	buf_size = RTE_ALIGN_CEIL(buf_size, RTE_CACHE_LINE_SIZE);
	ectx.buf_size = buf_size;
	if (buf_size <= RTE_PKTMBUF_HEADROOM || buf_size > r->page_size) {
		snprintf(err, errlen, "pool %s: buffer size %u must be in %u..%" PRIu64,
			name, buf_size, RTE_PKTMBUF_HEADROOM + 1, r->page_size);
		return NULL;
	}
	if (r->iova == NULL) {
		snprintf(err, errlen, "pool %s: region %s is not registered", name, r->name);
		return NULL;
	}
	start = r->used;
	end = nbshm_region_pool_walk(start, r->page_size, n, buf_size, NULL, NULL);
	if (end > r->size) {
		snprintf(err, errlen,
			"region %s too small for pool %s: %u buffers of %u bytes need %" PRIu64
			" bytes from offset %" PRIu64 ", the region has %" PRIu64
			": raise its pages",
			r->name, name, n, buf_size, end - start, start, r->size);
		return NULL;
	}
	max_ext = (end - start) / r->page_size + 2;
	ectx.ext = calloc(max_ext, sizeof(*ectx.ext));
	if (ectx.ext == NULL) {
		snprintf(err, errlen, "pool %s: out of memory", name);
		return NULL;
	}
	nbshm_region_pool_walk(start, r->page_size, n, buf_size, nbshm_extmem_add, &ectx);
	off = nbshm_region_carve(r, end - start, 1);
	if (off != start) {
		free(ectx.ext);
		snprintf(err, errlen, "region %s: cannot reserve %" PRIu64 " bytes",
			r->name, end - start);
		return NULL;
	}

	mp = rte_pktmbuf_pool_create_extbuf(name, n, cache,
			sizeof(struct nbshm_mbuf_priv), buf_size, socket,
			ectx.ext, ectx.n_ext);
	free(ectx.ext);
	if (mp == NULL) {
		snprintf(err, errlen, "pool %s: rte_pktmbuf_pool_create_extbuf failed: %s",
			name, rte_strerror(rte_errno));
		return NULL;
	}
	return nbshm_region_pool_finish(mp, &pctx, err, errlen);
}

struct rte_mempool *
nbshm_region_heap_pool_create(const char *name, struct nbshm_region *r, uint64_t handle,
		unsigned int n, unsigned int cache, uint16_t buf_size, int heap_socket,
		char *err, size_t errlen)
{
	struct nbshm_priv_ctx pctx = { .r = r, .handle = handle };
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, cache, sizeof(struct nbshm_mbuf_priv),
		buf_size, heap_socket);
	if (mp == NULL) {
		snprintf(err, errlen, "pool %s: cannot place %u mbufs in region %s (%s): "
			"raise its pages", name, n, r->name, rte_strerror(rte_errno));
		return NULL;
	}
	return nbshm_region_pool_finish(mp, &pctx, err, errlen);
}
