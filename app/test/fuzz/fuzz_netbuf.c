/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Fuzz target: net_buffer_check() on arbitrary segment lists (cycles,
 * self-links, NULL heads, any lengths and flags) and the region resolver
 * (nbshm_region_resolve_shm) on a region table
 * whose regions are malloc'd blocks of exactly their length, so that a byte
 * read past a region is an AddressSanitizer report.
 *
 * Input, little-endian, missing bytes read as 0:
 *   u8  max_segments (0..255; 0 is outside the contract and must still fail)
 *   u8  slots (1 + v % 8)
 *   per slot: u8 op (bit 0: a region, bit 1: in its slot with the gen below,
 *             bit 2: add then remove), u16 length - 1, u32 generation
 *   u8  segments (v % 65), u8 head (v % (segments + 1); == segments: no head)
 *   u32 DataOffset, u32 DataLength
 *   per segment: u8 next (>= segments: end), u32 flags, u8 slot index,
 *                u32 generation, u32 offset, u32 length
 *
 * Checked: net_buffer_check() agrees with the rules its header states, in its
 * order; a resolved pointer is base + offset and [ptr, ptr + length) lies
 * inside the region (its first and last byte are read); NULL comes with a
 * reason and never for a good segment.
 */

#include <stdbool.h>
#include <string.h>

#include "fuzz_input.h"
#include "net_buffer.h"
#include "nbshm_region_table.h"
#include "test_region_table.h"

#define FUZZ_NB_MAX_SLOTS 8u
#define FUZZ_NB_MAX_SEGS 64u

struct fuzz_nb_region {
	uint8_t *base;		/* malloc'd block, NULL for none */
	uint64_t len;
	uint64_t handle;	/* current handle, 0 when the slot is empty */
};

static struct fuzz_nb_region fuzz_nb_regions[FUZZ_NB_MAX_SLOTS];

/* Build the table the input describes; the model of what it holds goes to fuzz_nb_regions. */
static struct nbshm_region_table *
fuzz_nb_table(struct fuzz_input *in, uint32_t *n_slots)
{
	struct nbshm_region_table *t;
	uint32_t i;

	*n_slots = 1 + fuzz_input_u8(in) % FUZZ_NB_MAX_SLOTS;
	t = nbshm_region_table_create(*n_slots);
	FUZZ_CHECK(t != NULL);
	memset(fuzz_nb_regions, 0, sizeof(fuzz_nb_regions));
	for (i = 0; i < *n_slots; i++) {
		uint8_t op = fuzz_input_u8(in);
		uint64_t len = (uint64_t)fuzz_input_u16(in) + 1;
		uint32_t gen = fuzz_input_u32(in);
		struct fuzz_nb_region *r;
		uint8_t *base;
		uint64_t h;

		if (!(op & 1))
			continue;
		base = malloc(len);
		FUZZ_CHECK(base != NULL);
		memset(base, (int)i, len);
		if ((op & 2) && gen != 0) {
			/* ops before this one filled only slots below i */
			FUZZ_CHECK(test_region_table_set(t, i, gen, base, len) == 0);
			h = NET_BUFFER_SHM_HANDLE(i, gen);
		} else {
			/* the first empty slot, never above i */
			FUZZ_CHECK(nbshm_region_table_add(t, base, len, &h) == 0);
			FUZZ_CHECK(NET_BUFFER_SHM_HANDLE_INDEX(h) <= i);
			FUZZ_CHECK(NET_BUFFER_SHM_HANDLE_GEN(h) != 0);
		}
		r = &fuzz_nb_regions[NET_BUFFER_SHM_HANDLE_INDEX(h)];
		FUZZ_CHECK(r->base == NULL);
		r->base = base;
		r->len = len;
		r->handle = h;
		if (op & 4) {
			FUZZ_CHECK(test_region_table_remove(t, r->handle) == 0);
			FUZZ_CHECK(test_region_table_remove(t, r->handle) == -1);
			free(r->base);
			memset(r, 0, sizeof(*r));
		}
	}
	return t;
}

static void
fuzz_nb_table_free(struct nbshm_region_table *t, uint32_t n_slots)
{
	uint32_t i;

	for (i = 0; i < n_slots; i++) {
		free(fuzz_nb_regions[i].base);
		fuzz_nb_regions[i].base = NULL;
	}
	nbshm_region_table_free(t);
}

/* What the resolver must say about one segment (the header's rules, in order). */
static enum net_buffer_reason
fuzz_nb_model_resolve(uint32_t n_slots, const NET_BUFFER_SHARED_MEMORY *s)
{
	uint64_t h = NET_BUFFER_SHARED_MEM_HANDLE(s);
	uint32_t idx = NET_BUFFER_SHM_HANDLE_INDEX(h);
	uint64_t off = NET_BUFFER_SHARED_MEM_OFFSET(s);
	uint64_t len = NET_BUFFER_SHARED_MEM_LENGTH(s);
	const struct fuzz_nb_region *r;

	if (idx >= n_slots || NET_BUFFER_SHM_HANDLE_GEN(h) == 0)
		return NET_BUFFER_BAD_HANDLE;
	r = &fuzz_nb_regions[idx];
	if (r->handle == 0)
		return NET_BUFFER_BAD_HANDLE;
	if (r->handle != h)
		return NET_BUFFER_STALE_GENERATION;
	if (len == 0)
		return NET_BUFFER_ZERO_LENGTH;
	if (off + len > r->len)
		return NET_BUFFER_OUT_OF_BOUNDS;
	return NET_BUFFER_OK;
}

/* A resolved pointer: inside its region, where the model says, readable. */
static void
fuzz_nb_check_ptr(const NET_BUFFER_SHARED_MEMORY *s, const uint8_t *p)
{
	const struct fuzz_nb_region *r =
		&fuzz_nb_regions[NET_BUFFER_SHM_HANDLE_INDEX(NET_BUFFER_SHARED_MEM_HANDLE(s))];
	uint32_t len = NET_BUFFER_SHARED_MEM_LENGTH(s);
	volatile const uint8_t *v = p;

	FUZZ_CHECK(r->base != NULL);
	FUZZ_CHECK(p == r->base + NET_BUFFER_SHARED_MEM_OFFSET(s));
	FUZZ_CHECK(p >= r->base && len <= r->len &&
			(uint64_t)(p - r->base) <= r->len - len);
	(void)v[0];
	(void)v[len - 1];
}

/* Resolve one segment; check against the model. */
static void
fuzz_nb_resolve_one(const struct nbshm_region_table *t, uint32_t n_slots,
		const NET_BUFFER_SHARED_MEMORY *s, void **ptr, enum net_buffer_reason *why)
{
	enum net_buffer_reason model = fuzz_nb_model_resolve(n_slots, s);

	*why = NET_BUFFER_REASON_MAX;
	*ptr = nbshm_region_resolve_shm(t, s, why);
	FUZZ_CHECK(*why < NET_BUFFER_REASON_MAX);
	FUZZ_CHECK((*ptr != NULL) == (*why == NET_BUFFER_OK));
	FUZZ_CHECK((*ptr != NULL) == (model == NET_BUFFER_OK));
	if (*ptr != NULL) {
		fuzz_nb_check_ptr(s, *ptr);
		return;
	}
	FUZZ_CHECK(*why == model);
}

/* net_buffer_check() as its header states it. */
static unsigned int
fuzz_nb_model_check(const NET_BUFFER *nb, unsigned int max, enum net_buffer_reason *why)
{
	const NET_BUFFER_SHARED_MEMORY *s;
	uint64_t total = 0;
	unsigned int n = 0;

	*why = NET_BUFFER_ZERO_LENGTH;
	if (NET_BUFFER_FIRST_SHARED_MEM_INFO(nb) == NULL)
		return 0;
	*why = NET_BUFFER_BAD_FLAGS;
	if (NET_BUFFER_DATA_OFFSET(nb) != 0)
		return 0;
	for (s = NET_BUFFER_FIRST_SHARED_MEM_INFO(nb); s != NULL;
			s = NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s)) {
		*why = NET_BUFFER_TOO_MANY_SEGMENTS;
		if (n == max)
			return 0;
		n++;
		*why = NET_BUFFER_ZERO_LENGTH;
		if (NET_BUFFER_SHARED_MEM_LENGTH(s) == 0)
			return 0;
		*why = NET_BUFFER_BAD_FLAGS;
		if (NET_BUFFER_SHARED_MEM_FLAGS(s) != 0)
			return 0;
		total += NET_BUFFER_SHARED_MEM_LENGTH(s);
	}
	*why = NET_BUFFER_LENGTH_MISMATCH;
	if (total != NET_BUFFER_DATA_LENGTH(nb))
		return 0;
	*why = NET_BUFFER_OK;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NET_BUFFER_SHARED_MEMORY seg[FUZZ_NB_MAX_SEGS];
	enum net_buffer_reason why, model_why;
	const NET_BUFFER_SHARED_MEMORY *s;
	struct nbshm_region_table *t;
	unsigned int max, n_segs, head, i, n, model_n;
	void *p;
	struct fuzz_input in;
	uint32_t n_slots;
	NET_BUFFER nb;

	fuzz_input_init(&in, data, size);
	max = fuzz_input_u8(&in);
	t = fuzz_nb_table(&in, &n_slots);
	n_segs = fuzz_input_u8(&in) % (FUZZ_NB_MAX_SEGS + 1);
	head = fuzz_input_u8(&in) % (n_segs + 1);
	memset(&nb, 0, sizeof(nb));
	memset(seg, 0, sizeof(seg));
	NET_BUFFER_DATA_OFFSET(&nb) = fuzz_input_u32(&in);
	NET_BUFFER_DATA_LENGTH(&nb) = fuzz_input_u32(&in);
	NET_BUFFER_FIRST_SHARED_MEM_INFO(&nb) = head < n_segs ? &seg[head] : NULL;
	for (i = 0; i < n_segs; i++) {
		uint8_t next = fuzz_input_u8(&in);
		uint32_t idx, gen;

		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[i]) = next < n_segs ? &seg[next] : NULL;
		NET_BUFFER_SHARED_MEM_FLAGS(&seg[i]) = fuzz_input_u32(&in);
		idx = fuzz_input_u8(&in);
		gen = fuzz_input_u32(&in);
		NET_BUFFER_SHARED_MEM_HANDLE(&seg[i]) = NET_BUFFER_SHM_HANDLE(idx, gen);
		NET_BUFFER_SHARED_MEM_OFFSET(&seg[i]) = fuzz_input_u32(&in);
		NET_BUFFER_SHARED_MEM_LENGTH(&seg[i]) = fuzz_input_u32(&in);
	}

	/* the chain's shape */
	why = NET_BUFFER_REASON_MAX;
	n = net_buffer_check(&nb, max, &why);
	model_n = fuzz_nb_model_check(&nb, max, &model_why);
	FUZZ_CHECK(n == model_n);
	FUZZ_CHECK(why == model_why);
	FUZZ_CHECK((n != 0) == (why == NET_BUFFER_OK));
	FUZZ_CHECK(n <= max && n <= n_segs);
	FUZZ_CHECK(net_buffer_check(&nb, max, NULL) == n);
	FUZZ_CHECK(net_buffer_check(NULL, max, &why) == 0 && why == NET_BUFFER_ZERO_LENGTH);

	/* every segment alone */
	for (i = 0; i < n_segs; i++)
		fuzz_nb_resolve_one(t, n_slots, &seg[i], &p, &why);

	/* a packet the shape check accepted: each of its segments, in chain order */
	if (n != 0)
		for (s = NET_BUFFER_FIRST_SHARED_MEM_INFO(&nb), i = 0; s != NULL;
				s = NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s), i++) {
			FUZZ_CHECK(i < n);
			fuzz_nb_resolve_one(t, n_slots, s, &p, &why);
		}

	fuzz_nb_table_free(t, n_slots);
	return 0;
}
