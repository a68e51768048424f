/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/netbuf: NDIS layout, accessor macros, handle encoding, chain checks.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "net_buffer.h"

#define CAP 4u

/* Link @p n segments of the given lengths into @p nb. */
static void
build_chain(NET_BUFFER *nb, NET_BUFFER_SHARED_MEMORY *seg, unsigned int n,
		const uint32_t *lens, uint32_t data_length)
{
	unsigned int i;

	memset(nb, 0, sizeof(*nb));
	memset(seg, 0, sizeof(*seg) * n);
	for (i = 0; i < n; i++) {
		NET_BUFFER_SHARED_MEM_HANDLE(&seg[i]) = NET_BUFFER_SHM_HANDLE(i, 1);
		NET_BUFFER_SHARED_MEM_OFFSET(&seg[i]) = 64 * i;
		NET_BUFFER_SHARED_MEM_LENGTH(&seg[i]) = lens[i];
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[i]) = i + 1 < n ? &seg[i + 1] : NULL;
	}
	NET_BUFFER_FIRST_SHARED_MEM_INFO(nb) = n > 0 ? &seg[0] : NULL;
	NET_BUFFER_DATA_LENGTH(nb) = data_length;
}

/* Run net_buffer_check and return the reason (count in *count). */
static enum net_buffer_reason
check(const NET_BUFFER *nb, unsigned int cap, unsigned int *count)
{
	enum net_buffer_reason why = NET_BUFFER_REASON_MAX;

	*count = net_buffer_check(nb, cap, &why);
	return why;
}

/* net_buffer_check() of @p nb (cap CAP) gives reason @p want and count @p want_n. */
static void
expect(const NET_BUFFER *nb, enum net_buffer_reason want, unsigned int want_n)
{
	unsigned int n;

	assert_int_equal(check(nb, CAP, &n), want);
	assert_int_equal(n, want_n);
}

static void
test_layout_shared_memory(void **state)
{
	(void)state;
	/* NDIS x64: NET_BUFFER_SHARED_MEMORY is 32 bytes. */
	assert_int_equal(sizeof(NET_BUFFER_SHARED_MEMORY), 32);
	assert_int_equal(offsetof(NET_BUFFER_SHARED_MEMORY, NextSharedMemorySegment), 0x00);
	assert_int_equal(offsetof(NET_BUFFER_SHARED_MEMORY, SharedMemoryFlags), 0x08);
	assert_int_equal(offsetof(NET_BUFFER_SHARED_MEMORY, SharedMemoryHandle), 0x10);
	assert_int_equal(offsetof(NET_BUFFER_SHARED_MEMORY, SharedMemoryOffset), 0x18);
	assert_int_equal(offsetof(NET_BUFFER_SHARED_MEMORY, SharedMemoryLength), 0x1c);
	assert_int_equal(sizeof(((NET_BUFFER_SHARED_MEMORY *)0)->SharedMemoryFlags), 4);
	assert_int_equal(sizeof(((NET_BUFFER_SHARED_MEMORY *)0)->SharedMemoryHandle), 8);
	assert_int_equal(sizeof(((NET_BUFFER_SHARED_MEMORY *)0)->SharedMemoryOffset), 4);
	assert_int_equal(sizeof(((NET_BUFFER_SHARED_MEMORY *)0)->SharedMemoryLength), 4);
	assert_int_equal(sizeof(PNET_BUFFER_SHARED_MEMORY), sizeof(void *));
}

static void
test_layout_net_buffer(void **state)
{
	(void)state;
	/* ULONG fields are 32-bit, as in NDIS. */
	assert_int_equal(sizeof(((NET_BUFFER *)0)->DataOffset), 4);
	assert_int_equal(sizeof(((NET_BUFFER *)0)->DataLength), 4);
	assert_int_equal(offsetof(NET_BUFFER, Next), 0);
	assert_true(offsetof(NET_BUFFER, SharedMemoryInfo) >= sizeof(void *));
	assert_int_equal(offsetof(NET_BUFFER_LIST, Next), 0);
	assert_int_equal(NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID, 0x1000);
}

static void
test_segment_macros_lvalue(void **state)
{
	NET_BUFFER_SHARED_MEMORY a, b;

	(void)state;
	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0, sizeof(b));
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&a) = &b;
	NET_BUFFER_SHARED_MEM_FLAGS(&a) = 0x12345678u;
	NET_BUFFER_SHARED_MEM_HANDLE(&a) = UINT64_C(0xfedcba9876543210);
	NET_BUFFER_SHARED_MEM_OFFSET(&a) = 0xffffffffu;
	NET_BUFFER_SHARED_MEM_LENGTH(&a) = 0x80000001u;

	assert_ptr_equal(NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&a), &b);
	assert_ptr_equal(a.NextSharedMemorySegment, &b);
	assert_int_equal(NET_BUFFER_SHARED_MEM_FLAGS(&a), 0x12345678u);
	assert_int_equal(a.SharedMemoryFlags, 0x12345678u);
	assert_true(NET_BUFFER_SHARED_MEM_HANDLE(&a) == UINT64_C(0xfedcba9876543210));
	assert_true(a.SharedMemoryHandle == UINT64_C(0xfedcba9876543210));
	assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(&a), 0xffffffffu);
	assert_int_equal(a.SharedMemoryOffset, 0xffffffffu);
	assert_int_equal(NET_BUFFER_SHARED_MEM_LENGTH(&a), 0x80000001u);
	assert_int_equal(a.SharedMemoryLength, 0x80000001u);

	/* Compound assignment works on every macro too. */
	NET_BUFFER_SHARED_MEM_OFFSET(&a) += 2;	/* wraps as ULONG */
	assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(&a), 1);
	NET_BUFFER_SHARED_MEM_LENGTH(&a) -= 1;
	assert_int_equal(NET_BUFFER_SHARED_MEM_LENGTH(&a), 0x80000000u);
	NET_BUFFER_SHARED_MEM_FLAGS(&a) |= 1;
	assert_int_equal(NET_BUFFER_SHARED_MEM_FLAGS(&a), 0x12345679u);
	NET_BUFFER_SHARED_MEM_HANDLE(&a) ^= UINT64_C(0xfedcba9876543210);
	assert_true(NET_BUFFER_SHARED_MEM_HANDLE(&a) == 0);
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&a) = NULL;
	assert_null(NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&a));
	/* The macros did not touch the neighbour. */
	assert_null(b.NextSharedMemorySegment);
	assert_int_equal(b.SharedMemoryLength, 0);
}

static void
test_nb_nbl_accessors(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[2];
	NET_BUFFER nb[3];
	NET_BUFFER_LIST nbl[2];
	const NET_BUFFER_LIST *l;
	const NET_BUFFER *b;
	unsigned int n_nbl = 0, n_nb = 0;

	(void)state;
	memset(seg, 0, sizeof(seg));
	memset(nb, 0, sizeof(nb));
	memset(nbl, 0, sizeof(nbl));

	NET_BUFFER_FIRST_SHARED_MEM_INFO(&nb[0]) = &seg[0];
	NET_BUFFER_DATA_LENGTH(&nb[0]) = 1514;
	NET_BUFFER_DATA_OFFSET(&nb[0]) = 7;
	NET_BUFFER_NEXT_NB(&nb[0]) = &nb[1];
	NET_BUFFER_FIRST_SHARED_MEM_INFO(&nb[1]) = &seg[1];
	NET_BUFFER_LIST_FIRST_NB(&nbl[0]) = &nb[0];
	NET_BUFFER_LIST_NEXT_NBL(&nbl[0]) = &nbl[1];
	NET_BUFFER_LIST_FIRST_NB(&nbl[1]) = &nb[2];

	assert_ptr_equal(nb[0].SharedMemoryInfo, &seg[0]);
	assert_int_equal(nb[0].DataLength, 1514);
	assert_int_equal(nb[0].DataOffset, 7);
	assert_ptr_equal(nb[0].Next, &nb[1]);
	assert_ptr_equal(nbl[0].FirstNetBuffer, &nb[0]);
	assert_ptr_equal(nbl[0].Next, &nbl[1]);
	assert_null(NET_BUFFER_LIST_NEXT_NBL(&nbl[1]));
	assert_null(NET_BUFFER_NEXT_NB(&nb[2]));

	/* Walk lists and buffers the NDIS way. */
	for (l = &nbl[0]; l != NULL; l = NET_BUFFER_LIST_NEXT_NBL(l)) {
		n_nbl++;
		for (b = NET_BUFFER_LIST_FIRST_NB(l); b != NULL; b = NET_BUFFER_NEXT_NB(b))
			n_nb++;
	}
	assert_int_equal(n_nbl, 2);
	assert_int_equal(n_nb, 3);

	NET_BUFFER_DATA_LENGTH(&nb[0]) += 4;
	assert_int_equal(nb[0].DataLength, 1518);
}

static void
test_handle_encoding(void **state)
{
	uint64_t h;

	(void)state;
	h = NET_BUFFER_SHM_HANDLE(0, 0);
	assert_true(h == 0);
	h = NET_BUFFER_SHM_HANDLE(5, 7);
	assert_true(h == UINT64_C(0x0000000700000005));
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 5);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 7);

	h = NET_BUFFER_SHM_HANDLE(0xffffffffu, 0xffffffffu);
	assert_true(h == UINT64_MAX);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 0xffffffffu);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 0xffffffffu);

	h = NET_BUFFER_SHM_HANDLE(0xffffffffu, 1);
	assert_true(h == UINT64_C(0x00000001ffffffff));
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 0xffffffffu);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 1);

	h = NET_BUFFER_SHM_HANDLE(0, 0xffffffffu);
	assert_true(h == UINT64_C(0xffffffff00000000));
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 0);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 0xffffffffu);

	/* Wider arguments are cut to 32 bits, they never spill into the other half. */
	h = NET_BUFFER_SHM_HANDLE(UINT64_C(0x1ffffffff), UINT64_C(0x300000002));
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 0xffffffffu);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 2);
	/* Negative int index: its 32-bit pattern, not sign-extended into gen. */
	h = NET_BUFFER_SHM_HANDLE(-1, 3);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_GEN(h), 3);
	assert_int_equal(NET_BUFFER_SHM_HANDLE_INDEX(h), 0xffffffffu);
}

static void
test_check_single(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[1];
	const uint32_t lens[] = { 60 };
	enum net_buffer_reason why;
	unsigned int n;
	NET_BUFFER nb;

	(void)state;
	build_chain(&nb, seg, 1, lens, 60);
	why = check(&nb, CAP, &n);
	assert_int_equal(why, NET_BUFFER_OK);
	assert_int_equal(n, 1);
	/* reason may be NULL */
	assert_int_equal(net_buffer_check(&nb, CAP, NULL), 1);
	/* cap 1 is enough for one segment */
	assert_int_equal(net_buffer_check(&nb, 1, NULL), 1);
	/* one segment of the largest ULONG length */
	NET_BUFFER_SHARED_MEM_LENGTH(&seg[0]) = 0xffffffffu;
	NET_BUFFER_DATA_LENGTH(&nb) = 0xffffffffu;
	expect(&nb, NET_BUFFER_OK, 1);
}

static void
test_check_chain_counts(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[CAP + 1];
	uint32_t lens[CAP + 1];
	unsigned int k, n, sum;
	NET_BUFFER nb;

	(void)state;
	for (k = 0; k < CAP + 1; k++)
		lens[k] = 100 + k;
	for (k = 1; k <= CAP; k++) {
		for (sum = 0, n = 0; n < k; n++)
			sum += lens[n];
		build_chain(&nb, seg, k, lens, sum);
		assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_OK);
		assert_int_equal(n, k);
	}
	/* exactly at the cap was fine above; one more is too many */
	for (sum = 0, n = 0; n < CAP + 1; n++)
		sum += lens[n];
	build_chain(&nb, seg, CAP + 1, lens, sum);
	expect(&nb, NET_BUFFER_TOO_MANY_SEGMENTS, 0);
	/* the same chain passes with a cap one larger */
	assert_int_equal(check(&nb, CAP + 1, &n), NET_BUFFER_OK);
	assert_int_equal(n, CAP + 1);
}

static void
test_check_cycles(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[3];
	const uint32_t lens[] = { 10, 20, 30 };
	unsigned int n;
	NET_BUFFER nb;

	(void)state;
	/* a segment that points at itself */
	build_chain(&nb, seg, 1, lens, 10);
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[0]) = &seg[0];
	expect(&nb, NET_BUFFER_TOO_MANY_SEGMENTS, 0);
	/* even with a huge cap the walk ends (lengths sum past any ULONG) */
	assert_int_equal(check(&nb, 1000000, &n), NET_BUFFER_TOO_MANY_SEGMENTS);

	/* a two-segment loop */
	build_chain(&nb, seg, 2, lens, 30);
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[1]) = &seg[0];
	expect(&nb, NET_BUFFER_TOO_MANY_SEGMENTS, 0);

	/* a loop back into the middle */
	build_chain(&nb, seg, 3, lens, 60);
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[2]) = &seg[1];
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_TOO_MANY_SEGMENTS);
}

static void
test_check_zero_length(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[3];
	const uint32_t lens[] = { 10, 0, 30 };
	const uint32_t first0[] = { 0 };
	unsigned int n;
	NET_BUFFER nb;

	(void)state;
	build_chain(&nb, seg, 3, lens, 40);
	expect(&nb, NET_BUFFER_ZERO_LENGTH, 0);

	/* a single empty segment, even when DataLength agrees (0) */
	build_chain(&nb, seg, 1, first0, 0);
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_ZERO_LENGTH);

	/* NULL packet */
	expect(NULL, NET_BUFFER_ZERO_LENGTH, 0);
	assert_int_equal(net_buffer_check(NULL, CAP, NULL), 0);

	/* no segments */
	build_chain(&nb, seg, 0, lens, 0);
	expect(&nb, NET_BUFFER_ZERO_LENGTH, 0);
	NET_BUFFER_DATA_LENGTH(&nb) = 60;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_ZERO_LENGTH);
}

static void
test_check_length_mismatch(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[3];
	const uint32_t lens[] = { 100, 200, 300 };
	const uint32_t big[] = { 0x80000000u, 0x80000000u };
	const uint32_t max[] = { 0x80000000u, 0x7fffffffu };
	const uint32_t huge3[] = { 0xffffffffu, 0xffffffffu, 2 };
	unsigned int n;
	NET_BUFFER nb;

	(void)state;
	build_chain(&nb, seg, 3, lens, 600);
	expect(&nb, NET_BUFFER_OK, 3);
	NET_BUFFER_DATA_LENGTH(&nb) = 599;	/* less than the sum */
	expect(&nb, NET_BUFFER_LENGTH_MISMATCH, 0);
	NET_BUFFER_DATA_LENGTH(&nb) = 601;	/* more than the sum */
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_LENGTH_MISMATCH);
	NET_BUFFER_DATA_LENGTH(&nb) = 0;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_LENGTH_MISMATCH);

	/* 0x80000000 * 2 wraps to 0 in 32 bits: must not match DataLength 0 */
	build_chain(&nb, seg, 2, big, 0);
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_LENGTH_MISMATCH);
	NET_BUFFER_DATA_LENGTH(&nb) = 0xffffffffu;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_LENGTH_MISMATCH);

	/* sum exactly 0xffffffff is fine */
	build_chain(&nb, seg, 2, max, 0xffffffffu);
	expect(&nb, NET_BUFFER_OK, 2);

	/* 0xffffffff + 0xffffffff + 2 == 2^33 wraps to 0 in 32 bits */
	build_chain(&nb, seg, 3, huge3, 0);
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_LENGTH_MISMATCH);
}

static void
test_check_bad_flags(void **state)
{
	NET_BUFFER_SHARED_MEMORY seg[2];
	const uint32_t lens[] = { 10, 20 };
	unsigned int n;
	NET_BUFFER nb;

	(void)state;
	build_chain(&nb, seg, 2, lens, 30);
	NET_BUFFER_SHARED_MEM_FLAGS(&seg[1]) = 1;
	expect(&nb, NET_BUFFER_BAD_FLAGS, 0);
	NET_BUFFER_SHARED_MEM_FLAGS(&seg[1]) = 0;
	NET_BUFFER_SHARED_MEM_FLAGS(&seg[0]) = 0x80000000u;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_BAD_FLAGS);
	NET_BUFFER_SHARED_MEM_FLAGS(&seg[0]) = 0;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_OK);

	NET_BUFFER_DATA_OFFSET(&nb) = 1;
	expect(&nb, NET_BUFFER_BAD_FLAGS, 0);
	NET_BUFFER_DATA_OFFSET(&nb) = 0xffffffffu;
	assert_int_equal(check(&nb, CAP, &n), NET_BUFFER_BAD_FLAGS);
	NET_BUFFER_DATA_OFFSET(&nb) = 0;
	expect(&nb, NET_BUFFER_OK, 2);
}

static void
test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_OK), "ok");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_BAD_HANDLE), "bad_handle");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_STALE_GENERATION),
		"stale_generation");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_OUT_OF_BOUNDS),
		"out_of_bounds");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_ZERO_LENGTH), "zero_length");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_TOO_MANY_SEGMENTS),
		"too_many_segments");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_LENGTH_MISMATCH),
		"length_mismatch");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_BAD_FLAGS), "bad_flags");
	assert_string_equal(net_buffer_reason_name(NET_BUFFER_REASON_MAX), "unknown");
	assert_string_equal(net_buffer_reason_name((enum net_buffer_reason)1000), "unknown");
	assert_string_equal(net_buffer_reason_name((enum net_buffer_reason)-1), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_shared_memory),
		cmocka_unit_test(test_layout_net_buffer),
		cmocka_unit_test(test_segment_macros_lvalue),
		cmocka_unit_test(test_nb_nbl_accessors),
		cmocka_unit_test(test_handle_encoding),
		cmocka_unit_test(test_check_single),
		cmocka_unit_test(test_check_chain_counts),
		cmocka_unit_test(test_check_cycles),
		cmocka_unit_test(test_check_zero_length),
		cmocka_unit_test(test_check_length_mismatch),
		cmocka_unit_test(test_check_bad_flags),
		cmocka_unit_test(test_reason_names),
	};

	/* A cycle that is not caught would hang: fail instead. */
	alarm(30);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
