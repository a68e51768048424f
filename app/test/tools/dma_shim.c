/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Test-only LD_PRELOAD shim: records the external memory nbfwd registers and
 * the DMA maps and unmaps it asks for, and checks every mapped page against
 * the IOVA the device would really need (the VA in IOVA-as-VA mode, the
 * physical address from /proc/self/pagemap otherwise) and against the IOVA
 * registered for it. One line per call to $NBT_DMA_LOG:
 *   register VA LEN PAGE_SIZE N_PAGES ok|BAD ...
 *   map DEV VA IOVA LEN ok|BAD ...
 *   unmap DEV VA IOVA LEN
 * The calls go on to the real functions. With NBT_DMA_NO_IOVA=1 set,
 * rte_mem_virt2iova answers RTE_BAD_IOVA for memory that is not DPDK's (as
 * IOVA-as-PA mode does without pagemap access), to check the refusal.
 */

#include <dlfcn.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_memory.h>

#define SHIM_MAX_REGS 64

/* what rte_extmem_register was told */
static struct {
	uintptr_t va;
	size_t len;
	size_t page_size;
	rte_iova_t *iova;
} shim_regs[SHIM_MAX_REGS];
static unsigned int shim_n_regs;

static void
shim_log(const char *fmt, ...)
{
	const char *path = getenv("NBT_DMA_LOG");
	va_list ap;
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void *
shim_next(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		abort();
	return fn;
}

/* The IOVA a device needs for the page at va, found without the registered table. */
static rte_iova_t
shim_true_iova(const void *va)
{
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		return (rte_iova_t)(uintptr_t)va;
	return rte_mem_virt2phy(va);
}

int
rte_extmem_register(void *va_addr, size_t len, rte_iova_t iova_addrs[],
		unsigned int n_pages, size_t page_sz)
{
	int (*real)(void *, size_t, rte_iova_t[], unsigned int, size_t) =
		shim_next("rte_extmem_register");
	unsigned int i, bad = 0;
	char why[160] = "";

	for (i = 0; iova_addrs != NULL && i < n_pages; i++) {
		rte_iova_t want = shim_true_iova((uint8_t *)va_addr + (size_t)i * page_sz);

		if (iova_addrs[i] != want && bad++ == 0)
			snprintf(why, sizeof(why), " page %u iova 0x%" PRIx64 " want 0x%" PRIx64,
				i, iova_addrs[i], want);
	}
	if (shim_n_regs < SHIM_MAX_REGS && iova_addrs != NULL) {
		shim_regs[shim_n_regs].va = (uintptr_t)va_addr;
		shim_regs[shim_n_regs].len = len;
		shim_regs[shim_n_regs].page_size = page_sz;
		shim_regs[shim_n_regs].iova = malloc(n_pages * sizeof(rte_iova_t));
		if (shim_regs[shim_n_regs].iova != NULL)
			memcpy(shim_regs[shim_n_regs].iova, iova_addrs,
				n_pages * sizeof(rte_iova_t));
		shim_n_regs++;
	}
	shim_log("register %p %zu %zu %u %s%s\n", va_addr, len, page_sz, n_pages,
		bad == 0 ? "ok" : "BAD", why);
	return real(va_addr, len, iova_addrs, n_pages, page_sz);
}

int
rte_dev_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	int (*real)(struct rte_device *, void *, uint64_t, size_t) =
		shim_next("rte_dev_dma_map");
	uintptr_t va = (uintptr_t)addr;
	unsigned int i, bad = 0;
	char why[200] = "no registered region holds it";
	size_t pg, off;
	int ret;

	for (i = 0; i < shim_n_regs; i++)
		if (va >= shim_regs[i].va && va + len <= shim_regs[i].va + shim_regs[i].len)
			break;
	if (i == shim_n_regs) {
		bad = 1;
	} else {
		pg = shim_regs[i].page_size;
		/* every page the range covers: device IOVA = the page's true one = registered */
		for (off = 0; off < len; off += pg) {
			uintptr_t page = RTE_ALIGN_FLOOR(va + off, pg);
			rte_iova_t got = iova + (page - va);
			rte_iova_t want = shim_true_iova((void *)page);
			rte_iova_t reg = shim_regs[i].iova[(page - shim_regs[i].va) / pg];

			if ((got != want || got != reg) && bad++ == 0)
				snprintf(why, sizeof(why), "page +%zu iova 0x%" PRIx64
					" true 0x%" PRIx64 " registered 0x%" PRIx64,
					page - va, got, want, reg);
		}
	}
	ret = real(dev, addr, iova, len);
	shim_log("map %s %p 0x%" PRIx64 " %zu %s%s%s rc %d\n", rte_dev_name(dev), addr, iova,
		len, bad == 0 ? "ok" : "BAD", bad == 0 ? "" : " ", bad == 0 ? "" : why, ret);
	return ret;
}

int
rte_dev_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	int (*real)(struct rte_device *, void *, uint64_t, size_t) =
		shim_next("rte_dev_dma_unmap");
	int ret = real(dev, addr, iova, len);

	shim_log("unmap %s %p 0x%" PRIx64 " %zu rc %d\n", rte_dev_name(dev), addr, iova,
		len, ret);
	return ret;
}

rte_iova_t
rte_mem_virt2iova(const void *virtaddr)
{
	rte_iova_t (*real)(const void *) = shim_next("rte_mem_virt2iova");
	const char *no = getenv("NBT_DMA_NO_IOVA");

	if (no != NULL && strcmp(no, "1") == 0 && rte_mem_virt2memseg_list(virtaddr) == NULL)
		return RTE_BAD_IOVA;
	return real(virtaddr);
}
