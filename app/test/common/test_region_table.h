/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef TEST_REGION_TABLE_H
#define TEST_REGION_TABLE_H

/*
 * Region-table moves that only tests make: put a region in a chosen slot with
 * a chosen generation, and empty a slot, so that a handle goes stale or bad.
 * nbfwd only adds regions (nbshm_region_table_add()) and frees the table.
 */

#include <stdint.h>

#include "nbshm_region_table.h"

/* Put a region in slot @p index with generation @p gen. 0, or -1 on bad arguments. */
static inline int
test_region_table_set(struct nbshm_region_table *t, uint32_t index, uint32_t gen,
		uint8_t *base, uint64_t len)
{
	struct nbshm_region_entry *e;

	if (t == NULL || index >= t->n_slots || gen == 0 || base == NULL || len == 0)
		return -1;
	e = &t->entries[index];
	t->n_used += e->gen == 0;
	e->base = base;
	e->len = len;
	e->gen = gen;
	if (gen > t->last_gen[index])
		t->last_gen[index] = gen;	/* the next add uses a newer one */
	return 0;
}

/* Empty the slot a current handle names. 0, or -1 when the handle is not current. */
static inline int
test_region_table_remove(struct nbshm_region_table *t, uint64_t handle)
{
	const struct nbshm_region_entry *e = nbshm_region_table_entry(t, handle);
	struct nbshm_region_entry *w;

	if (e == NULL)
		return -1;
	w = &t->entries[NET_BUFFER_SHM_HANDLE_INDEX(handle)];
	w->base = NULL;
	w->len = 0;
	w->gen = 0;
	t->n_used--;
	return 0;
}

#endif /* TEST_REGION_TABLE_H */
