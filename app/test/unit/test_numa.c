/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * NUMA checks (issue 15 item 5): the per-node hugepage check of regions placed
 * on a node, and which lcore/port/region combinations cross nodes.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbfwd_preflight.h"

static void
test_nodes_enough(void **state)
{
	const uint64_t need[2] = { 100, 50 };
	const long free_pages[2] = { 100, 4000 };
	char err[256] = "";

	(void)state;
	assert_int_equal(nbfwd_preflight_nodes(need, free_pages, 2, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

/* Plenty free system-wide, not on the node the region is bound to. */
static void
test_nodes_short(void **state)
{
	const uint64_t need[2] = { 10, 101 };
	const long free_pages[2] = { 4000, 100 };
	char err[256] = "";

	(void)state;
	assert_int_equal(nbfwd_preflight_nodes(need, free_pages, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "regions placed on NUMA node 1 need 101 hugepages of "
		"2048 kB there and 100 are free on that node"));
}

/* A node that needs nothing, or whose count is unknown, is not checked. */
static void
test_nodes_unchecked(void **state)
{
	const uint64_t need[3] = { 0, 10, 0 };
	const long free_pages[3] = { 0, -1, 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(nbfwd_preflight_nodes(need, free_pages, 3, err, sizeof(err)), 0);
}

static void
test_mismatch(void **state)
{
	(void)state;
	assert_int_equal(nbfwd_numa_mismatch(0, 0, 0), 0);
	assert_int_equal(nbfwd_numa_mismatch(1, 0, 1), NBFWD_NUMA_PORT);
	assert_int_equal(nbfwd_numa_mismatch(1, 1, 0), NBFWD_NUMA_REGION);
	assert_int_equal(nbfwd_numa_mismatch(0, 1, 1), NBFWD_NUMA_PORT | NBFWD_NUMA_REGION);
	/* vdevs (SOCKET_ID_ANY) and regions without a node match any lcore */
	assert_int_equal(nbfwd_numa_mismatch(1, -1, -1), 0);
	assert_int_equal(nbfwd_numa_mismatch(1, -1, 0), NBFWD_NUMA_REGION);
	/* an lcore of unknown socket is never warned about */
	assert_int_equal(nbfwd_numa_mismatch(-1, 0, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes_enough),
		cmocka_unit_test(test_nodes_short),
		cmocka_unit_test(test_nodes_unchecked),
		cmocka_unit_test(test_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
