/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The producer's lent table (lib/channel/nbshm_lent.h): what a consumer gives
 * back is checked against what was lent to it. Bad returns: foreign buffer,
 * double return, wrong generation, out of bounds, misaligned, forged.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "nbshm_lent.h"

#define PAGE (1u << 21)
#define BUF 2176u		/* 2048 + 128 headroom: 963 per page, a gap at the end */
#define AREA_OFF (4u * PAGE)
#define AREA_LEN (3u * PAGE)
#define IDX 5u
#define GEN 9u

static struct nbshm_lent_slot slots[3 * (PAGE / BUF)];
static struct nbshm_lent_table t;
static int cookies[8];

static int
setup(void **state)
{
	(void)state;
	return nbshm_lent_init(&t, slots, NET_BUFFER_SHM_HANDLE(IDX, GEN), AREA_OFF, AREA_LEN,
		PAGE, BUF);
}

static struct nbshm_desc
desc(uint64_t handle, uint32_t off)
{
	struct nbshm_desc d = {
		.handle = handle, .offset = off, .length = 60, .pkt_len = 60, .n_segs = 1,
		.flags = NBSHM_DESC_F_SHM_VALID,
	};

	return d;
}

/* Region offset of slot s's buffer, plus a headroom-like shift. */
static uint32_t
buf_off(uint32_t s, uint32_t shift)
{
	return AREA_OFF + (s / (PAGE / BUF)) * PAGE + (s % (PAGE / BUF)) * BUF + shift;
}

static void
test_geometry(void **state)
{
	struct nbshm_lent_table x;

	(void)state;
	assert_int_equal(t.per_page, PAGE / BUF);
	assert_int_equal(t.n_slots, 3 * (PAGE / BUF));
	assert_int_equal(nbshm_lent_slots(AREA_LEN, PAGE, 0), 0);
	assert_int_equal(nbshm_lent_slots(AREA_LEN, 1024, BUF), 0);	/* page < buffer */
	assert_int_equal(nbshm_lent_init(&x, NULL, 1, 0, PAGE, PAGE, BUF), -1);
	/* edges of the area, and the unused tail of a page */
	assert_int_equal(nbshm_lent_slot_of(&t, AREA_OFF), 0);
	assert_int_equal(nbshm_lent_slot_of(&t, AREA_OFF - 1), UINT32_MAX);
	assert_int_equal(nbshm_lent_slot_of(&t, AREA_OFF + AREA_LEN), UINT32_MAX);
	assert_int_equal(nbshm_lent_slot_of(&t, AREA_OFF + PAGE - 1), UINT32_MAX);
	assert_int_equal(nbshm_lent_slot_of(&t, AREA_OFF + PAGE), PAGE / BUF);
	assert_int_equal(nbshm_lent_slot_of(&t, buf_off(t.n_slots - 1, BUF - 1)),
		t.n_slots - 1);
	assert_int_equal(nbshm_lent_slot_of(&t, UINT64_MAX), UINT32_MAX);
}

/* The reciprocal division equals the divide instruction's answer. */
static void
test_division(void **state)
{
	static const uint32_t divisors[] = { 1, 2, 3, 7, 64, 1000, 2176, 2240, 9344, 65535,
		65536, 1000003, UINT32_MAX / 3, UINT32_MAX };
	struct nbshm_lent_table x;
	unsigned int i, k;
	uint64_t v;

	(void)state;
	for (i = 0; i < sizeof(divisors) / sizeof(divisors[0]); i++) {
		uint32_t d = divisors[i];

		nbshm_lent_recip(d, &x.buf_mul, &x.buf_shift);
		for (k = 0; k < 4096; k++) {
			/* multiples and their neighbours, then a sweep across 2^31 */
			uint64_t m = (uint64_t)d * k;

			for (v = m ? m - 1 : 0; v <= m + 1 && v < NBSHM_LENT_MAX_PAGE; v++)
				assert_int_equal(nbshm_lent_div(&x, v), v / d);
			v = (NBSHM_LENT_MAX_PAGE - 1) / 4096 * k + k * 7919u % 4096;
			assert_int_equal(nbshm_lent_div(&x, v), v / d);
		}
		v = NBSHM_LENT_MAX_PAGE - 1;
		assert_int_equal(nbshm_lent_div(&x, v), v / d);
	}
	/* a page size that is not a power of two, or too large, is refused */
	assert_int_equal(nbshm_lent_init(&x, slots, 1, 0, PAGE, 3u << 20, BUF), -1);
	assert_int_equal(nbshm_lent_init(&x, slots, 1, 0, PAGE, NBSHM_LENT_MAX_PAGE << 1, BUF),
		-1);
	/* every offset of the area against the plain formula */
	for (v = AREA_OFF - 1; v <= AREA_OFF + AREA_LEN; v += 61) {
		uint64_t rel = v - AREA_OFF, s = (rel % PAGE) / BUF;
		uint32_t want = v < AREA_OFF || s >= PAGE / BUF ? UINT32_MAX :
			(uint32_t)(s + rel / PAGE * (PAGE / BUF));

		assert_int_equal(nbshm_lent_slot_of(&t, v), want);
	}
}

static void
test_good_return(void **state)
{
	struct nbshm_desc d = desc(t.handle, buf_off(7, 128));
	void *c = NULL;

	(void)state;
	assert_int_equal(nbshm_lent_put(&t, d.offset, &cookies[0]), 0);
	assert_int_equal(t.n_lent, 1);
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OK);
	assert_ptr_equal(c, &cookies[0]);
	assert_int_equal(t.n_lent, 0);
}

static void
test_bad_returns(void **state)
{
	uint32_t off = buf_off(1000, 128);	/* second page */
	struct nbshm_desc d;
	void *c = NULL;

	(void)state;
	assert_int_equal(nbshm_lent_put(&t, off, &cookies[1]), 0);
	/* lent twice: a caller bug, refused */
	assert_int_equal(nbshm_lent_put(&t, off, &cookies[2]), -1);
	assert_int_equal(nbshm_lent_put(&t, AREA_OFF + AREA_LEN, &cookies[2]), -1);

	d = desc(NET_BUFFER_SHM_HANDLE(IDX + 1, GEN), off);	/* foreign region */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_BAD_HANDLE);
	d = desc(NET_BUFFER_SHM_HANDLE(IDX, GEN + 1), off);	/* other generation */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_STALE_GENERATION);
	d = desc(t.handle, AREA_OFF - 64);			/* before the area */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OUT_OF_BOUNDS);
	d = desc(t.handle, AREA_OFF + AREA_LEN);		/* after it */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OUT_OF_BOUNDS);
	d = desc(t.handle, AREA_OFF + 2 * PAGE - 8);		/* a page's unused tail */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OUT_OF_BOUNDS);
	d = desc(t.handle, buf_off(1001, 128));			/* a buffer never lent */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_NOT_LENT);
	d = desc(t.handle, off + 1);				/* inside it, not its start */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_MISALIGNED);
	d = desc(t.handle, off - 128);				/* the buffer, not the data */
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_MISALIGNED);
	assert_int_equal(t.n_lent, 1);				/* none of these took it */
	assert_null(c);

	d = desc(t.handle, off);
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OK);
	assert_ptr_equal(c, &cookies[1]);
	c = NULL;
	assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_NOT_LENT);	/* double */
	assert_null(c);
	assert_int_equal(t.n_lent, 0);
}

static unsigned int freed;

static void
count_free(void *cookie)
{
	assert_non_null(cookie);
	freed++;
}

static void
test_reclaim(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(nbshm_lent_put(&t, buf_off(i * 400, 128), &cookies[i]), 0);
	freed = 0;
	assert_int_equal(nbshm_lent_reclaim(&t, count_free), 5);
	assert_int_equal(freed, 5);
	assert_int_equal(t.n_lent, 0);
	assert_int_equal(nbshm_lent_reclaim(&t, count_free), 0);
}

/* Random descriptors never take back what is lent unless exactly right. */
static void
test_random_returns(void **state)
{
	uint32_t off = buf_off(42, 128), i;
	uint64_t x = 88172645463325252ull;
	void *c;

	(void)state;
	assert_int_equal(nbshm_lent_put(&t, off, &cookies[3]), 0);
	for (i = 0; i < 200000; i++) {
		struct nbshm_desc d;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d = desc(i & 1 ? t.handle : x, (uint32_t)(x >> 32));
		if (d.handle == t.handle && d.offset == off)
			continue;
		c = NULL;
		assert_int_not_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OK);
		assert_null(c);
	}
	assert_int_equal(t.n_lent, 1);
	c = NULL;
	{
		struct nbshm_desc d = desc(t.handle, off);

		assert_int_equal(nbshm_lent_take(&t, &d, &c), NBSHM_CHAN_OK);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_geometry, setup),
		cmocka_unit_test_setup(test_division, setup),
		cmocka_unit_test_setup(test_good_return, setup),
		cmocka_unit_test_setup(test_bad_returns, setup),
		cmocka_unit_test_setup(test_reclaim, setup),
		cmocka_unit_test_setup(test_random_returns, setup),
	};

	return cmocka_run_group_tests_name("lent", tests, NULL, NULL);
}
