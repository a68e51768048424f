/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_REGION_TABLE_H
#define NBSHM_REGION_TABLE_H

/**
 * @file
 * The region table and handle + offset resolution: the fast path's only way
 * from a NET_BUFFER_SHARED_MEMORY segment to packet bytes.
 *
 * A handle is a dense slot index (low 32 bits) and the slot's generation (high
 * 32 bits). Each slot is one cache line holding {base, len, gen}; a slot's
 * generation grows every time a region is put in it, so a handle to a region
 * that was removed or replaced is "stale", never silently valid. Generation 0
 * is never valid: a zeroed descriptor is a bad handle.
 *
 * Checks: index < slots, generation current, then the segment rules of
 * net_buffer.h over the region [0, len) (length != 0, offset + length <= len
 * in 64-bit arithmetic, end-exclusive). Plain C: no
 * DPDK dependency, usable by consumers.
 */

#include <stdint.h>
#include <stddef.h>

#include "net_buffer.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NBSHM_CACHE_LINE
#define NBSHM_CACHE_LINE 64
#endif

#define nbshm_likely(x) __builtin_expect(!!(x), 1)
#define nbshm_unlikely(x) __builtin_expect(!!(x), 0)

/** One slot: a region as this process maps it. */
struct nbshm_region_entry {
	uint8_t *base;		/**< mapping base, NULL when the slot is empty */
	uint64_t len;		/**< bytes resolvable from base */
	uint32_t gen;		/**< current generation, 0 when empty */
} __attribute__((aligned(NBSHM_CACHE_LINE)));

/** The table: a fixed number of slots, chosen at creation. */
struct nbshm_region_table {
	uint32_t n_slots;			/**< slots (max regions) */
	uint32_t n_used;			/**< slots holding a region */
	struct nbshm_region_entry *entries;	/**< n_slots cache-aligned slots */
	uint32_t *last_gen;			/**< per slot: last generation used */
};

/**
 * Create a table of @p n_slots empty slots (1..65536).
 *
 * @return
 *   The table, or NULL (bad size or out of memory).
 */
struct nbshm_region_table *nbshm_region_table_create(uint32_t n_slots);

/** Free a table (the regions it names are not touched). NULL is fine. */
void nbshm_region_table_free(struct nbshm_region_table *t);

/**
 * Put a region in the first empty slot with the next generation for that slot.
 *
 * @param t
 *   Table.
 * @param base
 *   Mapping base (not NULL).
 * @param len
 *   Bytes resolvable from base (> 0).
 * @param handle
 *   Set to the region's handle.
 * @return
 *   0, or -1 when the table is full or the arguments are bad.
 */
int nbshm_region_table_add(struct nbshm_region_table *t, uint8_t *base, uint64_t len,
		uint64_t *handle);

/**
 * The slot a handle names, when the handle is current: index in range,
 * generation equal to the slot's and not 0. No reason is given: callers that
 * need one re-check with nbshm_region_resolve().
 *
 * @return
 *   The slot, or NULL.
 */
static inline const struct nbshm_region_entry *
nbshm_region_table_entry(const struct nbshm_region_table *t, uint64_t handle)
{
	uint32_t idx = NET_BUFFER_SHM_HANDLE_INDEX(handle);
	const struct nbshm_region_entry *e;

	if (nbshm_unlikely(idx >= t->n_slots))
		return NULL;
	e = &t->entries[idx];
	if (nbshm_unlikely(e->gen != NET_BUFFER_SHM_HANDLE_GEN(handle) || e->gen == 0))
		return NULL;
	return e;
}

/**
 * Resolve one (handle, offset, length) to a pointer.
 *
 * @param t
 *   Table.
 * @param handle
 *   Region handle.
 * @param offset
 *   Byte offset from the region's base.
 * @param length
 *   Bytes the caller will touch from there.
 * @param reason
 *   Set to NET_BUFFER_OK or the failed check. Not NULL.
 * @return
 *   base + offset, or NULL.
 */
static inline void *
nbshm_region_resolve(const struct nbshm_region_table *t, uint64_t handle,
		uint32_t offset, uint32_t length, enum net_buffer_reason *reason)
{
	uint32_t idx = NET_BUFFER_SHM_HANDLE_INDEX(handle);
	const struct nbshm_region_entry *e;

	if (nbshm_unlikely(idx >= t->n_slots)) {
		*reason = NET_BUFFER_BAD_HANDLE;
		return NULL;
	}
	e = &t->entries[idx];
	if (nbshm_unlikely(e->gen != NET_BUFFER_SHM_HANDLE_GEN(handle) || e->gen == 0)) {
		/* an empty slot (generation 0) is no region, whatever the handle says */
		*reason = e->gen == 0 || NET_BUFFER_SHM_HANDLE_GEN(handle) == 0 ?
			NET_BUFFER_BAD_HANDLE : NET_BUFFER_STALE_GENERATION;
		return NULL;
	}
	*reason = net_buffer_seg_rule(offset, length, 0, e->len);
	if (nbshm_unlikely(*reason != NET_BUFFER_OK))
		return NULL;
	return e->base + offset;
}

/**
 * Find the region that holds [addr, addr + len) by address: a slow scan of
 * the slots, for buffers an mbuf does not name by handle (a PMD attached its
 * data to another buffer).
 *
 * @return
 *   The region's handle (offset = addr - its base in @p off), or 0 when no
 *   region holds the whole range.
 */
static inline uint64_t
nbshm_region_table_find(const struct nbshm_region_table *t, const void *addr, uint64_t len,
		uint32_t *off)
{
	uintptr_t a = (uintptr_t)addr;
	uint32_t i;

	for (i = 0; i < t->n_slots; i++) {
		const struct nbshm_region_entry *e = &t->entries[i];
		uintptr_t b = (uintptr_t)e->base;

		if (e->gen == 0 || a < b || a - b > e->len || len > e->len - (a - b) ||
				a - b > UINT32_MAX)
			continue;
		*off = (uint32_t)(a - b);
		return NET_BUFFER_SHM_HANDLE(i, e->gen);
	}
	return 0;
}

/**
 * Resolve one segment descriptor.
 */
static inline void *
nbshm_region_resolve_shm(const struct nbshm_region_table *t,
		const NET_BUFFER_SHARED_MEMORY *shm, enum net_buffer_reason *reason)
{
	return nbshm_region_resolve(t, NET_BUFFER_SHARED_MEM_HANDLE(shm),
			NET_BUFFER_SHARED_MEM_OFFSET(shm),
			NET_BUFFER_SHARED_MEM_LENGTH(shm), reason);
}

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_REGION_TABLE_H */
