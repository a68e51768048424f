/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_LENT_H
#define NBSHM_LENT_H

/**
 * @file
 * The producer's record of what it lent on one rx ring, and the check of a
 * returned descriptor against it. Plain C, header only.
 *
 * Rx buffers sit in the consumer's rx area page by page: each page (of
 * @c page_size bytes, from the area's start) holds @c per_page buffers of
 * @c buf_size bytes from its first byte, so a region offset names one slot.
 * A packet is lent by its first segment: the slot of that segment's buffer
 * remembers the caller's cookie (an mbuf) and the exact offset lent. A
 * returned descriptor, copied out of shared memory first, gives its packet
 * back only if it names this channel's region (index and generation), lies in
 * the rx area, names a slot lent now, at the offset it was lent at.
 */

#include <stdint.h>
#include <string.h>

#include "nbshm_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One slot: NULL cookie = not lent. */
struct nbshm_lent_slot {
	void *cookie;		/**< the caller's (an mbuf), NULL when not lent */
	uint32_t offset;	/**< region offset of the first segment, as lent */
};

/** What one ring lent. The slots array is the caller's (n_slots entries). */
struct nbshm_lent_table {
	uint64_t handle;		/**< the region's handle (index | generation << 32) */
	uint64_t area_off;		/**< rx area start (region offset) */
	uint64_t area_len;		/**< rx area bytes */
	uint64_t page_size;		/**< bytes per page of the area's layout */
	uint64_t buf_mul;		/**< reciprocal of buf_size (nbshm_lent_div()) */
	uint32_t buf_shift;		/**< its shift */
	uint32_t page_shift;		/**< log2(page_size) */
	uint32_t buf_size;		/**< bytes per buffer */
	uint32_t per_page;		/**< buffers per page */
	uint32_t n_slots;		/**< slots (whole pages of buffers) */
	uint32_t n_lent;		/**< slots lent now */
	struct nbshm_lent_slot *slot;	/**< n_slots entries */
};

/** Slots an area of @p area_len bytes needs (0 when the geometry is bad). */
static inline uint32_t
nbshm_lent_slots(uint64_t area_len, uint64_t page_size, uint32_t buf_size)
{
	uint64_t pages, n;

	if (buf_size == 0 || page_size < buf_size)
		return 0;
	pages = (area_len + page_size - 1) / page_size;
	n = pages * (page_size / buf_size);
	return n > UINT32_MAX ? 0 : (uint32_t)n;
}

/** Largest page size the lent table takes (offsets in a page use 31 bits). */
#define NBSHM_LENT_MAX_PAGE (UINT64_C(1) << 31)

/*
 * Division by buf_size without a divide instruction (tens of cycles, twice
 * per packet otherwise): for x < 2^31 and l = ceil(log2(d)),
 * m = ceil(2^(31 + l) / d) gives x / d = (x * m) >> (31 + l) exactly
 * (Granlund and Montgomery, 1994, theorem 4.2), and x * m fits in 64 bits.
 */
static inline void
nbshm_lent_recip(uint32_t d, uint64_t *mul, uint32_t *shift)
{
	uint32_t l = 0;

	while (l < 32 && (UINT64_C(1) << l) < d)
		l++;
	*shift = 31 + l;
	*mul = ((UINT64_C(1) << *shift) + d - 1) / d;
}

/** @p x / buf_size for @p x < 2^31. */
static inline uint32_t
nbshm_lent_div(const struct nbshm_lent_table *t, uint64_t x)
{
	return (uint32_t)((x * t->buf_mul) >> t->buf_shift);
}

/**
 * Set up @p t over @p slots (nbshm_lent_slots() entries, zeroed here).
 * @return 0, or -1 when the geometry is bad (page size not a power of two
 *   up to NBSHM_LENT_MAX_PAGE, or smaller than a buffer).
 */
static inline int
nbshm_lent_init(struct nbshm_lent_table *t, struct nbshm_lent_slot *slots, uint64_t handle,
		uint64_t area_off, uint64_t area_len, uint64_t page_size, uint32_t buf_size)
{
	uint32_t n = nbshm_lent_slots(area_len, page_size, buf_size);

	if (n == 0 || slots == NULL || (page_size & (page_size - 1)) != 0 ||
			page_size > NBSHM_LENT_MAX_PAGE)
		return -1;
	t->handle = handle;
	t->area_off = area_off;
	t->area_len = area_len;
	t->page_size = page_size;
	t->page_shift = 0;
	while ((UINT64_C(1) << t->page_shift) < page_size)
		t->page_shift++;
	nbshm_lent_recip(buf_size, &t->buf_mul, &t->buf_shift);
	t->buf_size = buf_size;
	t->per_page = (uint32_t)(page_size / buf_size);
	t->n_slots = n;
	t->n_lent = 0;
	t->slot = slots;
	memset(slots, 0, sizeof(*slots) * n);
	return 0;
}

/** Slot of region offset @p off, UINT32_MAX when outside the rx area. */
static inline uint32_t
nbshm_lent_slot_of(const struct nbshm_lent_table *t, uint64_t off)
{
	uint64_t rel, s;

	if (off < t->area_off || off - t->area_off >= t->area_len)
		return UINT32_MAX;
	rel = off - t->area_off;
	s = nbshm_lent_div(t, rel & (t->page_size - 1));
	if (s >= t->per_page)
		return UINT32_MAX;	/* the unused tail of a page */
	s += (rel >> t->page_shift) * t->per_page;
	return s < t->n_slots ? (uint32_t)s : UINT32_MAX;
}

/**
 * Record that the packet whose first segment starts at region offset @p off
 * is lent, with @p cookie. @return 0, or -1 (outside the area, or the slot
 * is lent already: a caller bug).
 */
static inline int
nbshm_lent_put(struct nbshm_lent_table *t, uint32_t off, void *cookie)
{
	uint32_t s = nbshm_lent_slot_of(t, off);

	if (s == UINT32_MAX || t->slot[s].cookie != NULL || cookie == NULL)
		return -1;
	t->slot[s].cookie = cookie;
	t->slot[s].offset = off;
	t->n_lent++;
	return 0;
}

/**
 * Check a returned descriptor (a private copy) and, when it is good, take
 * its packet back: the slot is emptied and its cookie stored in @p cookie.
 * @return NBSHM_CHAN_OK, or bad_handle (another region), stale_generation
 *   (this region's index, another generation), out_of_bounds (outside the rx
 *   area), not_lent (nothing lent in that slot: a double or forged return),
 *   misaligned (lent, but at another offset).
 */
static inline enum nbshm_chan_reason
nbshm_lent_take(struct nbshm_lent_table *t, const struct nbshm_desc *d, void **cookie)
{
	enum nbshm_chan_reason why = nbshm_chan_handle_rule(d->handle, t->handle);
	uint32_t s;

	if (why != NBSHM_CHAN_OK)
		return why;
	s = nbshm_lent_slot_of(t, d->offset);
	if (s == UINT32_MAX)
		return NBSHM_CHAN_OUT_OF_BOUNDS;
	if (t->slot[s].cookie == NULL)
		return NBSHM_CHAN_NOT_LENT;
	if (t->slot[s].offset != d->offset)
		return NBSHM_CHAN_MISALIGNED;
	*cookie = t->slot[s].cookie;
	t->slot[s].cookie = NULL;
	t->n_lent--;
	return NBSHM_CHAN_OK;
}

/**
 * Take back everything still lent (detach, shutdown): @p fn is called with
 * each cookie. @return the number taken back.
 */
static inline uint32_t
nbshm_lent_reclaim(struct nbshm_lent_table *t, void (*fn)(void *cookie))
{
	uint32_t s, n = 0;

	for (s = 0; s < t->n_slots && t->n_lent != 0; s++) {
		if (t->slot[s].cookie == NULL)
			continue;
		fn(t->slot[s].cookie);
		t->slot[s].cookie = NULL;
		t->n_lent--;
		n++;
	}
	return n;
}

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_LENT_H */
