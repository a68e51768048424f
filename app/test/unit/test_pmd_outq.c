/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The net_nbshm PMD's queue of records out (drivers/net/nbshm/nbshm_pmd_outq.h):
 * records freed in order come back in order; one held record stops the
 * in-order walk; a sweep, when asked for, takes every done record and keeps
 * the order of the rest; indices wrap at 2^32.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nbshm_pmd_outq.h"

#define N 8u

struct rec {
	int id;
	uint32_t done;
};

static struct rec recs[N];
static void *slots[N];

static void
setup_q(struct nbshm_pmd_outq *q, uint32_t start)
{
	uint32_t i;

	nbshm_pmd_outq_init(q, slots, N, offsetof(struct rec, done));
	q->head = q->tail = start;
	for (i = 0; i < N; i++) {
		recs[i].id = (int)i;
		recs[i].done = 0;
	}
}

static void
assert_ids(void **pend, uint32_t n, const int *want)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(((struct rec *)pend[i])->id, want[i]);
}

static void
test_in_order(void **state)
{
	struct nbshm_pmd_outq q;
	void *pend[N];
	uint32_t i, n;
	static const int want[] = { 0, 1, 2 };

	(void)state;
	setup_q(&q, UINT32_MAX - 2);	/* head and tail wrap during the test */
	for (i = 0; i < 5; i++)
		nbshm_pmd_outq_push(&q, &recs[i]);
	assert_int_equal(nbshm_pmd_outq_count(&q), 5);
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, false), 0);
	recs[0].done = recs[1].done = recs[2].done = 1;
	n = nbshm_pmd_outq_collect(&q, pend, 0, N, false);
	assert_int_equal(n, 3);
	assert_ids(pend, n, want);
	assert_int_equal(nbshm_pmd_outq_count(&q), 2);
	/* up to max only: the rest stays for the next call */
	recs[3].done = recs[4].done = 1;
	n = nbshm_pmd_outq_collect(&q, pend, 3, 4, false);
	assert_int_equal(n, 4);
	assert_int_equal(((struct rec *)pend[3])->id, 3);
	assert_int_equal(nbshm_pmd_outq_count(&q), 1);
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, false), 1);
	assert_int_equal(((struct rec *)pend[0])->id, 4);
	assert_int_equal(nbshm_pmd_outq_count(&q), 0);
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, true), 0);
}

static void
test_held_and_sweep(void **state)
{
	struct nbshm_pmd_outq q;
	void *pend[N];
	uint32_t i, n;
	static const int freed[] = { 1, 3, 4, 6 };
	static const int kept[] = { 0, 2, 5 };

	(void)state;
	setup_q(&q, UINT32_MAX - 4);
	for (i = 0; i < 7; i++)
		nbshm_pmd_outq_push(&q, &recs[i]);
	recs[1].done = recs[3].done = recs[4].done = recs[6].done = 1;
	/* record 0 is held: the in-order walk gives nothing, with or without room */
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, false), 0);
	assert_int_equal(nbshm_pmd_outq_count(&q), 7);
	/* a sweep takes the four freed ones, oldest first, and keeps 0, 2, 5 in order */
	n = nbshm_pmd_outq_collect(&q, pend, 0, N, true);
	assert_int_equal(n, 4);
	assert_ids(pend, n, freed);
	assert_int_equal(nbshm_pmd_outq_count(&q), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(((struct rec *)q.slot[(q.tail + i) & q.mask])->id, kept[i]);
	/* what is pushed after the sweep lands behind the kept ones */
	nbshm_pmd_outq_push(&q, &recs[7]);
	recs[0].done = recs[2].done = 1;
	n = nbshm_pmd_outq_collect(&q, pend, 0, N, false);
	assert_int_equal(n, 2);
	assert_int_equal(((struct rec *)pend[0])->id, 0);
	assert_int_equal(((struct rec *)pend[1])->id, 2);
	recs[5].done = recs[7].done = 1;
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, false), 2);
	assert_int_equal(nbshm_pmd_outq_count(&q), 0);
}

static void
test_sweep_bounded(void **state)
{
	struct nbshm_pmd_outq q;
	void *pend[N];
	uint32_t i, n;

	(void)state;
	setup_q(&q, 0);
	for (i = 0; i < N; i++) {
		nbshm_pmd_outq_push(&q, &recs[i]);
		recs[i].done = i != 0;
	}
	/* room for 3: the sweep takes 1, 2, 3 and keeps 0 and 4..7 in order */
	n = nbshm_pmd_outq_collect(&q, pend, 0, 3, true);
	assert_int_equal(n, 3);
	assert_int_equal(nbshm_pmd_outq_count(&q), 5);
	assert_int_equal(((struct rec *)q.slot[q.tail & q.mask])->id, 0);
	assert_int_equal(((struct rec *)q.slot[(q.tail + 1) & q.mask])->id, 4);
	/* the in-order walk gives something (0), then stops at 4: no sweep */
	recs[0].done = 1;
	recs[4].done = 0;
	n = nbshm_pmd_outq_collect(&q, pend, 0, N, true);
	assert_int_equal(n, 1);
	assert_int_equal(((struct rec *)pend[0])->id, 0);
	assert_int_equal(nbshm_pmd_outq_count(&q), 4);
	/* nothing in order now: the sweep takes 5, 6, 7 behind the held 4 */
	assert_int_equal(nbshm_pmd_outq_collect(&q, pend, 0, N, true), 3);
	assert_int_equal(nbshm_pmd_outq_count(&q), 1);
	assert_int_equal(((struct rec *)q.slot[q.tail & q.mask])->id, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_held_and_sweep),
		cmocka_unit_test(test_sweep_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
