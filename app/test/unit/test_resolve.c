/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/region: region table and (handle, offset, length) resolution. Region
 * memory is plain malloc'd memory; the large-region cases use a
 * fake base pointer (resolution never dereferences it).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nbshm_region_table.h"
#include "test_region_table.h"

#define N_SLOTS 4u
#define REGION_LEN UINT64_C(0x100000)

/* Never dereferenced: resolve only adds offsets to it. */
#define FAKE_BASE ((uint8_t *)(uintptr_t)UINT64_C(0x100000000000))

struct fixture {
	struct nbshm_region_table *t;
	uint8_t *mem[N_SLOTS];
	uint64_t h[N_SLOTS];
};

static int
setup_full(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	if (f == NULL)
		return -1;
	f->t = nbshm_region_table_create(N_SLOTS);
	if (f->t == NULL)
		return -1;
	for (i = 0; i < N_SLOTS; i++) {
		f->mem[i] = malloc(REGION_LEN);
		if (f->mem[i] == NULL)
			return -1;
		memset(f->mem[i], (int)i, REGION_LEN);
		if (nbshm_region_table_add(f->t, f->mem[i], REGION_LEN, &f->h[i]) != 0)
			return -1;
	}
	*state = f;
	return 0;
}

static int
teardown_full(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	if (f == NULL)
		return 0;
	for (i = 0; i < N_SLOTS; i++)
		free(f->mem[i]);
	nbshm_region_table_free(f->t);
	free(f);
	return 0;
}

/* resolve and return the reason; *p gets the pointer */
static enum net_buffer_reason
res(const struct nbshm_region_table *t, uint64_t h, uint32_t off, uint32_t len, void **p)
{
	enum net_buffer_reason why = NET_BUFFER_REASON_MAX;
	void *ptr;

	ptr = nbshm_region_resolve(t, h, off, len, &why);
	if (p != NULL)
		*p = ptr;
	if (why != NET_BUFFER_OK)
		assert_null(ptr);
	else
		assert_non_null(ptr);
	return why;
}

static void
test_create_sizes(void **state)
{
	struct nbshm_region_table *t;

	(void)state;
	assert_null(nbshm_region_table_create(0));
	assert_null(nbshm_region_table_create(65537));
	assert_null(nbshm_region_table_create(UINT32_MAX));
	t = nbshm_region_table_create(1);
	assert_non_null(t);
	assert_int_equal(t->n_slots, 1);
	assert_int_equal(t->n_used, 0);
	assert_int_equal((uintptr_t)t->entries % NBSHM_CACHE_LINE, 0);
	nbshm_region_table_free(t);
	t = nbshm_region_table_create(65536);
	assert_non_null(t);
	assert_int_equal(t->n_slots, 65536);
	assert_int_equal(t->entries[65535].gen, 0);
	nbshm_region_table_free(t);
	nbshm_region_table_free(NULL);
	assert_int_equal(sizeof(struct nbshm_region_entry), NBSHM_CACHE_LINE);
}

static void
test_handles_and_index_range(void **state)
{
	struct fixture *f = *state;
	enum net_buffer_reason why;
	unsigned int i;
	void *p;

	for (i = 0; i < N_SLOTS; i++) {
		assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(f->h[i]), i);
		assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(f->h[i]), 1);
		assert_int_equal(res(f->t, f->h[i], 10, 1, &p), NET_BUFFER_OK);
		assert_ptr_equal(p, f->mem[i] + 10);
	}
	assert_int_equal(f->t->n_used, N_SLOTS);
	/* index n-1 valid, n, n+1, 0xffff, 0xffffffff bad */
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(N_SLOTS - 1, 1), 0, 1, NULL),
		NET_BUFFER_OK);
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(N_SLOTS, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(N_SLOTS + 1, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(0xffff, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(0xffffffffu, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(f->t, UINT64_MAX, 0, 1, NULL), NET_BUFFER_BAD_HANDLE);
	/* generation 0 is never valid, a zeroed descriptor is a bad handle */
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(0, 0), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(f->t, 0, 0, 1, NULL), NET_BUFFER_BAD_HANDLE);
	/* a generation the slot never had */
	assert_int_equal(res(f->t, NET_BUFFER_SHM_HANDLE(1, 2), 0, 1, NULL),
		NET_BUFFER_STALE_GENERATION);
	/* the reason is written on success too */
	why = NET_BUFFER_REASON_MAX;
	assert_non_null(nbshm_region_resolve(f->t, f->h[0], 0, 1, &why));
	assert_int_equal(why, NET_BUFFER_OK);
}

static void
test_empty_slot_and_generations(void **state)
{
	struct nbshm_region_table *t = nbshm_region_table_create(N_SLOTS);
	static uint8_t mem[2][256];
	uint64_t h0, h1, h0b, h0c;
	void *p;

	(void)state;
	assert_non_null(t);
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(0, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(nbshm_region_table_add(t, mem[0], sizeof(mem[0]), &h0), 0);
	/* slot 1 is empty */
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(1, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(N_SLOTS - 1, 1), 0, 1, NULL),
		NET_BUFFER_BAD_HANDLE);
	assert_int_equal(nbshm_region_table_add(t, mem[1], sizeof(mem[1]), &h1), 0);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h1), 1);
	assert_int_equal(t->n_used, 2);

	/* removed: the slot is empty, the old handle is a bad handle */
	assert_int_equal(test_region_table_remove(t, h0), 0);
	assert_int_equal(t->n_used, 1);
	assert_int_equal(res(t, h0, 0, 1, NULL), NET_BUFFER_BAD_HANDLE);
	assert_int_equal(test_region_table_remove(t, h0), -1);	/* twice */
	/* re-added into the same slot with a new generation */
	assert_int_equal(nbshm_region_table_add(t, mem[1], sizeof(mem[1]), &h0b), 0);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h0b), 0);
	assert_int_not_equal(NET_BUFFER_SHM_HANDLE_GEN(h0b), NET_BUFFER_SHM_HANDLE_GEN(h0));
	assert_int_equal(res(t, h0, 0, 1, NULL), NET_BUFFER_STALE_GENERATION);
	assert_int_equal(res(t, h0b, 5, 1, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, mem[1] + 5);
	/* a stale handle cannot remove the new region */
	assert_int_equal(test_region_table_remove(t, h0), -1);
	assert_int_equal(res(t, h0b, 0, 1, NULL), NET_BUFFER_OK);
	/* and once more: every earlier handle stays stale */
	assert_int_equal(test_region_table_remove(t, h0b), 0);
	assert_int_equal(nbshm_region_table_add(t, mem[0], sizeof(mem[0]), &h0c), 0);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h0c), 0);
	assert_int_equal(res(t, h0, 0, 1, NULL), NET_BUFFER_STALE_GENERATION);
	assert_int_equal(res(t, h0b, 0, 1, NULL), NET_BUFFER_STALE_GENERATION);
	assert_int_equal(res(t, h0c, 0, 1, NULL), NET_BUFFER_OK);
	assert_int_equal(t->n_used, 2);
	nbshm_region_table_free(t);
}

static void
test_generation_wrap_skips_zero(void **state)
{
	struct nbshm_region_table *t = nbshm_region_table_create(1);
	static uint8_t mem[64];
	uint64_t h;

	(void)state;
	assert_non_null(t);
	assert_int_equal(test_region_table_set(t, 0, 0xffffffffu, mem, sizeof(mem)), 0);
	h = NET_BUFFER_SHM_HANDLE(0, 0xffffffffu);
	assert_int_equal(res(t, h, 0, 1, NULL), NET_BUFFER_OK);
	assert_int_equal(test_region_table_remove(t, h), 0);
	assert_int_equal(nbshm_region_table_add(t, mem, sizeof(mem), &h), 0);
	assert_int_not_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 0);
	assert_int_equal(res(t, h, 0, 1, NULL), NET_BUFFER_OK);
	nbshm_region_table_free(t);
}

static void
test_table_full_and_bad_args(void **state)
{
	struct nbshm_region_table *t = nbshm_region_table_create(3);
	static uint8_t mem[64];
	uint64_t h;
	unsigned int i;

	(void)state;
	assert_non_null(t);
	assert_int_equal(nbshm_region_table_add(t, NULL, 64, &h), -1);
	assert_int_equal(nbshm_region_table_add(t, mem, 0, &h), -1);
	assert_int_equal(nbshm_region_table_add(t, mem, 64, NULL), -1);
	assert_int_equal(nbshm_region_table_add(NULL, mem, 64, &h), -1);
	assert_int_equal(t->n_used, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(nbshm_region_table_add(t, mem, sizeof(mem), &h), 0);
		assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), i);
	}
	assert_int_equal(t->n_used, 3);
	assert_int_equal(nbshm_region_table_add(t, mem, sizeof(mem), &h), -1);
	assert_int_equal(t->n_used, 3);

	/* set: index in range, gen != 0, base and len given */
	assert_int_equal(test_region_table_set(t, 3, 1, mem, 64), -1);
	assert_int_equal(test_region_table_set(t, 0, 0, mem, 64), -1);
	assert_int_equal(test_region_table_set(t, 0, 1, NULL, 64), -1);
	assert_int_equal(test_region_table_set(t, 0, 1, mem, 0), -1);
	/* set replaces: the old handle goes stale, the count stays */
	assert_int_equal(test_region_table_set(t, 2, 9, mem + 1, 32), 0);
	assert_int_equal(t->n_used, 3);
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(2, 1), 0, 1, NULL),
		NET_BUFFER_STALE_GENERATION);
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(2, 9), 31, 1, NULL), NET_BUFFER_OK);
	assert_int_equal(res(t, NET_BUFFER_SHM_HANDLE(2, 9), 32, 1, NULL),
		NET_BUFFER_OUT_OF_BOUNDS);
	/* remove with an out-of-range or zero handle */
	assert_int_equal(test_region_table_remove(t, NET_BUFFER_SHM_HANDLE(3, 1)), -1);
	assert_int_equal(test_region_table_remove(t, 0), -1);
	assert_int_equal(t->n_used, 3);
	nbshm_region_table_free(t);
}

static void
test_bounds_small(void **state)
{
	struct fixture *f = *state;
	const uint32_t len = (uint32_t)REGION_LEN;
	uint64_t h = f->h[2];
	void *p;

	/* offset = len, length 1: one past the end */
	assert_int_equal(res(f->t, h, len, 1, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	/* the last byte */
	assert_int_equal(res(f->t, h, len - 1, 1, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, f->mem[2] + len - 1);
	assert_int_equal(*(uint8_t *)p, 2);
	/* offset + length == len is valid, len + 1 is not */
	assert_int_equal(res(f->t, h, 100, len - 100, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, f->mem[2] + 100);
	assert_int_equal(res(f->t, h, 100, len - 99, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 0, len, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, f->mem[2]);
	assert_int_equal(res(f->t, h, 0, len + 1, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 1, len, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, len + 1, 1, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	/* near 2^32: a 32-bit sum would wrap to a small, in-range value */
	assert_int_equal(res(f->t, h, 0xffffffffu, 1, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 0, 0xffffffffu, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 0xffffffffu, 0xffffffffu, NULL),
		NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 0xfffffff0u, 0x20, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(f->t, h, 0x20, 0xfffffff0u, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	/* zero length, anywhere */
	assert_int_equal(res(f->t, h, 0, 0, NULL), NET_BUFFER_ZERO_LENGTH);
	assert_int_equal(res(f->t, h, len, 0, NULL), NET_BUFFER_ZERO_LENGTH);
	assert_int_equal(res(f->t, h, 0xffffffffu, 0, NULL), NET_BUFFER_ZERO_LENGTH);
}

static void
test_bounds_large_fake(void **state)
{
	struct nbshm_region_table *t = nbshm_region_table_create(2);
	const uint64_t h32 = NET_BUFFER_SHM_HANDLE(0, 5);
	const uint64_t h33 = NET_BUFFER_SHM_HANDLE(1, 6);
	void *p;

	(void)state;
	assert_non_null(t);
	/* len UINT32_MAX: bytes 0 .. 0xfffffffe */
	assert_int_equal(test_region_table_set(t, 0, 5, FAKE_BASE, UINT32_MAX), 0);
	/* len 2^32 + 16: every 32-bit offset and length fit in some combination */
	assert_int_equal(test_region_table_set(t, 1, 6, FAKE_BASE,
		(UINT64_C(1) << 32) + 16), 0);

	assert_int_equal(res(t, h32, 0, 0xffffffffu, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE);
	assert_int_equal(res(t, h32, 0xfffffffeu, 1, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE + 0xfffffffeu);
	assert_int_equal(res(t, h32, 0xffffffffu, 1, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(t, h32, 1, 0xffffffffu, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(t, h32, 0xfffffff0u, 0x20, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(t, h32, 0xffffffffu, 0xffffffffu, NULL),
		NET_BUFFER_OUT_OF_BOUNDS);

	/* end exactly at 2^32 + 16, and one more */
	assert_int_equal(res(t, h33, 0xffffffffu, 0x11, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE + 0xffffffffu);
	assert_int_equal(res(t, h33, 0xffffffffu, 0x12, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(t, h33, 0xfffffff0u, 0x20, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE + 0xfffffff0u);
	assert_int_equal(res(t, h33, 0xffffffffu, 0xffffffffu, NULL),
		NET_BUFFER_OUT_OF_BOUNDS);
	assert_int_equal(res(t, h33, 0, 0xffffffffu, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE);
	/* 0x11 + 0xffffffff == 2^32 + 16: ends exactly at the end */
	assert_int_equal(res(t, h33, 0x11, 0xffffffffu, &p), NET_BUFFER_OK);
	assert_ptr_equal(p, FAKE_BASE + 0x11);
	assert_int_equal(res(t, h33, 0x12, 0xffffffffu, NULL), NET_BUFFER_OUT_OF_BOUNDS);
	nbshm_region_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_sizes),
		cmocka_unit_test_setup_teardown(test_handles_and_index_range,
			setup_full, teardown_full),
		cmocka_unit_test(test_empty_slot_and_generations),
		cmocka_unit_test(test_generation_wrap_skips_zero),
		cmocka_unit_test(test_table_full_and_bad_args),
		cmocka_unit_test_setup_teardown(test_bounds_small, setup_full, teardown_full),
		cmocka_unit_test(test_bounds_large_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
