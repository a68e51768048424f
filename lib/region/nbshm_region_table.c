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
		t->entries[i].base = base;
		t->entries[i].len = len;
		t->entries[i].gen = gen;
		t->last_gen[i] = gen;
		t->n_used++;
		*handle = NET_BUFFER_SHM_HANDLE(i, gen);
		return 0;
	}
	return -1;
}
