/* SPDX-License-Identifier: BSD-3-Clause */

#include <stdlib.h>
#include <string.h>

#include "nbshm_region_table.h"

#define NBSHM_REGION_TABLE_MAX_SLOTS 65536u

struct nbshm_region_table *
nbshm_region_table_create(uint32_t n_slots)
{
	struct nbshm_region_table *t;
	size_t sz;

	if (n_slots == 0 || n_slots > NBSHM_REGION_TABLE_MAX_SLOTS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	sz = sizeof(struct nbshm_region_entry) * n_slots;
	t->entries = aligned_alloc(NBSHM_CACHE_LINE, sz);
	t->last_gen = calloc(n_slots, sizeof(*t->last_gen));
	if (t->entries == NULL || t->last_gen == NULL) {
		nbshm_region_table_free(t);
		return NULL;
	}
	memset(t->entries, 0, sz);
	t->n_slots = n_slots;
	return t;
}

void
nbshm_region_table_free(struct nbshm_region_table *t)
{
	if (t == NULL)
		return;
	free(t->entries);
	free(t->last_gen);
	free(t);
}

static uint32_t
nbshm_region_table_next_gen(const struct nbshm_region_table *t, uint32_t index)
{
	uint32_t gen = t->last_gen[index] + 1;

	return gen == 0 ? 1 : gen;
}

static void
nbshm_region_table_fill(struct nbshm_region_table *t, uint32_t index, uint32_t gen,
		uint8_t *base, uint64_t len)
{
	struct nbshm_region_entry *e = &t->entries[index];

	if (e->gen == 0)
		t->n_used++;
	e->base = base;
	e->len = len;
	e->gen = gen;
	if (gen > t->last_gen[index])
		t->last_gen[index] = gen;
}

int
nbshm_region_table_add(struct nbshm_region_table *t, uint8_t *base, uint64_t len,
		uint64_t *handle)
{
	uint32_t i, gen;

	if (t == NULL || base == NULL || len == 0 || handle == NULL)
		return -1;
	for (i = 0; i < t->n_slots; i++) {
		if (t->entries[i].gen != 0)
			continue;
		gen = nbshm_region_table_next_gen(t, i);
		nbshm_region_table_fill(t, i, gen, base, len);
		*handle = NET_BUFFER_SHM_HANDLE(i, gen);
		return 0;
	}
	return -1;
}

int
nbshm_region_table_set(struct nbshm_region_table *t, uint32_t index, uint32_t gen,
		uint8_t *base, uint64_t len)
{
	if (t == NULL || index >= t->n_slots || gen == 0 || base == NULL || len == 0)
		return -1;
	nbshm_region_table_fill(t, index, gen, base, len);
	return 0;
}

int
nbshm_region_table_remove(struct nbshm_region_table *t, uint64_t handle)
{
	uint32_t idx = NET_BUFFER_SHM_HANDLE_INDEX(handle);
	struct nbshm_region_entry *e;

	if (t == NULL || idx >= t->n_slots)
		return -1;
	e = &t->entries[idx];
	if (e->gen == 0 || e->gen != NET_BUFFER_SHM_HANDLE_GEN(handle))
		return -1;
	e->base = NULL;
	e->len = 0;
	e->gen = 0;
	t->n_used--;
	return 0;
}

int
nbshm_region_table_find(const struct nbshm_region_table *t, const void *va,
		uint64_t len, uint64_t *handle, uint64_t *offset)
{
	uintptr_t a = (uintptr_t)va;
	uint32_t i;

	if (t == NULL)
		return -1;
	for (i = 0; i < t->n_slots; i++) {
		const struct nbshm_region_entry *e = &t->entries[i];
		uintptr_t b = (uintptr_t)e->base;

		if (e->gen == 0 || a < b || a - b >= e->len || len > e->len - (a - b))
			continue;
		*handle = NET_BUFFER_SHM_HANDLE(i, e->gen);
		*offset = a - b;
		return 0;
	}
	return -1;
}
