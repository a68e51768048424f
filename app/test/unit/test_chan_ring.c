/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/channel rings: index arithmetic across the 32-bit wrap, full and empty,
 * what shared memory holds, clamping of a peer's index, descriptor chain
 * checks (every reason), layout checks, reason names, and a two-thread
 * single-producer/single-consumer stress.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "nbshm_channel.h"
#include "test_chan_layout.h"

#define T_PAGE 4096u
#define T_RING 16u		/* entries of the rings of the ring tests */
#define T_NQP 2u
#define T_GEN 7u
#define T_INDEX 3u
#define T_HANDLE NET_BUFFER_SHM_HANDLE(T_INDEX, T_GEN)

/* chain checks: an area that is not at offset 0 */
#define A_OFF 0x10000u
#define A_LEN 0x8000u
#define A_SEGS 4u
#define A_MTU 9000u

/* A layout like nbfwd's (test_chan_layout.h): 8 tx buffers, 8 pages of rx area. */
static void
make_layout(struct nbshm_chan_layout *l, uint32_t ring_size, uint32_t n_qp)
{
	test_chan_layout(l, T_HANDLE, ring_size, n_qp, 8, 2048, 8 * T_PAGE, T_PAGE);
	l->max_segs = A_SEGS;
	l->mtu = A_MTU;
}

/* Region memory for @p l (zeroed, page aligned). */
static uint8_t *
make_region(const struct nbshm_chan_layout *l)
{
	uint8_t *base = aligned_alloc(T_PAGE, l->region_size);

	assert_non_null(base);
	memset(base, 0, l->region_size);
	return base;
}

/* Descriptor number @p seq as a test writes it. */
static struct nbshm_desc
seq_desc(uint32_t seq)
{
	struct nbshm_desc d = {
		.handle = T_HANDLE,
		.offset = seq,
		.length = seq * 7u + 1u,
		.flags = NBSHM_DESC_F_SHM_VALID,
		.pkt_len = seq * 7u + 1u,
		.n_segs = 1,
	};

	return d;
}

static void
assert_seq_desc(const struct nbshm_desc *d, uint32_t seq)
{
	struct nbshm_desc want = seq_desc(seq);

	assert_memory_equal(d, &want, sizeof(want));
}

/* A writer and a reader view of ring 0 of a region whose indices start at @p start. */
struct pair {
	struct nbshm_chan_layout l;
	uint8_t *base;
	struct nbshm_ring_hdr *hdr;
	struct nbshm_ring w;
	struct nbshm_ring r;
};

static void
pair_open(struct pair *p, uint32_t start)
{
	make_layout(&p->l, T_RING, T_NQP);
	assert_null(nbshm_chan_layout_check(&p->l));
	p->base = make_region(&p->l);
	p->hdr = nbshm_chan_ring(p->base, &p->l, 0);
	p->hdr->head = start;
	p->hdr->tail = start;
	nbshm_ring_init(&p->w, p->base, &p->l, 0, true);
	nbshm_ring_init(&p->r, p->base, &p->l, 0, false);
}

static void
pair_close(struct pair *p)
{
	free(p->base);
	p->base = NULL;
}

static void
test_struct_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct nbshm_desc), 32);
	assert_int_equal(sizeof(struct nbshm_ring_hdr), 2 * NBSHM_CHAN_CACHE_LINE);
	assert_int_equal(offsetof(struct nbshm_ring_hdr, tail), NBSHM_CHAN_CACHE_LINE);
	assert_int_equal(offsetof(struct nbshm_ring_hdr, need_wakeup), 4);
	assert_int_equal(NBSHM_RING_BYTES(16), 128 + 16 * 32);
}

static void
test_ring_init_binds(void **state)
{
	struct pair p;
	unsigned int i;

	(void)state;
	pair_open(&p, 0);
	assert_int_equal(p.w.idx, 0);
	assert_int_equal(p.w.size, T_RING);
	assert_int_equal(p.w.mask, T_RING - 1);
	assert_int_equal(p.w.jumps, 0);
	/* every ring sits at rings_off + idx * stride, descriptors right after it */
	for (i = 0; i < NBSHM_CHAN_N_RINGS(T_NQP); i++) {
		struct nbshm_ring v;

		nbshm_ring_init(&v, p.base, &p.l, i, i % 2 == 0);
		assert_ptr_equal(v.hdr, p.base + p.l.rings_off + i * p.l.ring_stride);
		assert_ptr_equal(v.desc, (uint8_t *)v.hdr + sizeof(struct nbshm_ring_hdr));
	}
	assert_int_equal(NBSHM_CHAN_RING_RX(1), 2);
	assert_int_equal(NBSHM_CHAN_RING_RET(1), 3);
	assert_int_equal(NBSHM_CHAN_RING_TX(T_NQP), 4);
	assert_int_equal(NBSHM_CHAN_RING_TXDONE(T_NQP), 5);
	/* the owned index is taken from shared memory at bind time */
	p.hdr->head = 1234;
	p.hdr->tail = 1224;
	nbshm_ring_init(&p.w, p.base, &p.l, 0, true);
	nbshm_ring_init(&p.r, p.base, &p.l, 0, false);
	assert_int_equal(p.w.idx, 1234);
	assert_int_equal(p.r.idx, 1224);
	assert_int_equal(nbshm_ring_avail(&p.r), 10);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING - 10);
	pair_close(&p);
}

static void
test_ring_empty_full(void **state)
{
	struct pair p;
	uint32_t i;

	(void)state;
	pair_open(&p, 100);
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING);
	for (i = 0; i < T_RING; i++) {
		*nbshm_ring_slot(&p.w, 0) = seq_desc(i);
		nbshm_ring_produce(&p.w, 1);
		assert_int_equal(nbshm_ring_free(&p.w), T_RING - i - 1);
		assert_int_equal(nbshm_ring_avail(&p.r), i + 1);
	}
	/* full: no room, everything readable, nothing counted as a jump */
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING);
	for (i = 0; i < T_RING; i++)
		assert_seq_desc(nbshm_ring_peek(&p.r, i), i);
	nbshm_ring_consume(&p.r, 3);
	assert_int_equal(nbshm_ring_free(&p.w), 3);
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING - 3);
	nbshm_ring_consume(&p.r, T_RING - 3);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING);
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(p.w.jumps, 0);
	assert_int_equal(p.r.jumps, 0);
	pair_close(&p);
}

/* Indices cross 2^32: counts, slots and order stay right. */
static void
test_ring_wrap_u32(void **state)
{
	static const uint32_t starts[] = {
		UINT32_MAX - 20, UINT32_MAX - T_RING, UINT32_MAX - 1, UINT32_MAX, 0,
	};
	unsigned int s;

	(void)state;
	for (s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		struct pair p;
		uint32_t seq = 0, got = 0, burst, i, n;
		unsigned int round;

		pair_open(&p, starts[s]);
		for (round = 0; round < 40; round++) {
			burst = 1 + round % 7;
			n = nbshm_ring_free(&p.w);
			if (burst > n)
				burst = n;
			for (i = 0; i < burst; i++) {
				struct nbshm_desc *slot = nbshm_ring_slot(&p.w, i);

				/* the slot is entry (index & mask) of the shared array */
				assert_ptr_equal(slot, &p.w.desc[(p.w.idx + i) & p.w.mask]);
				*slot = seq_desc(seq++);
			}
			nbshm_ring_produce(&p.w, burst);
			assert_int_equal(p.hdr->head, p.w.idx);
			n = nbshm_ring_avail(&p.r);
			assert_int_equal(n, seq - got);
			/* take a little less than all, so the ring is rarely empty */
			if (n > 2 && round % 3 != 0)
				n -= 2;
			for (i = 0; i < n; i++)
				assert_seq_desc(nbshm_ring_peek(&p.r, i), got + i);
			nbshm_ring_consume(&p.r, n);
			got += n;
			assert_int_equal(p.hdr->tail, p.r.idx);
			assert_int_equal(nbshm_ring_free(&p.w), T_RING - (seq - got));
		}
		/* the indices went past UINT32_MAX and came back small */
		assert_int_equal(p.w.idx, (uint32_t)(starts[s] + seq));
		if (starts[s] != 0)
			assert_true(p.w.idx < starts[s]);
		assert_true(seq > 20);
		assert_int_equal(p.w.jumps, 0);
		assert_int_equal(p.r.jumps, 0);
		pair_close(&p);
	}
}

/* Produce and consume are what the other side sees in shared memory. */
static void
test_ring_shared_memory(void **state)
{
	struct pair p;
	struct nbshm_desc copy[3];
	struct nbshm_desc *raw;

	(void)state;
	pair_open(&p, UINT32_MAX - 1);
	raw = nbshm_ring_descs(p.hdr);
	*nbshm_ring_slot(&p.w, 0) = seq_desc(10);
	*nbshm_ring_slot(&p.w, 1) = seq_desc(11);
	*nbshm_ring_slot(&p.w, 2) = seq_desc(12);
	/* written but not published: the reader sees nothing */
	assert_int_equal(p.hdr->head, UINT32_MAX - 1);
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	nbshm_ring_produce(&p.w, 3);
	assert_int_equal(p.hdr->head, 1);
	/* entries UINT32_MAX-1, UINT32_MAX, 0 sit in slots 14, 15, 0 */
	assert_seq_desc(&raw[T_RING - 2], 10);
	assert_seq_desc(&raw[T_RING - 1], 11);
	assert_seq_desc(&raw[0], 12);
	assert_int_equal(nbshm_ring_avail(&p.r), 3);
	nbshm_ring_copy_out(&p.r, copy, 3);
	/* the copy is private: a later write to shared memory does not reach it */
	raw[T_RING - 2].length = 0;
	raw[0].handle = 0;
	assert_seq_desc(&copy[0], 10);
	assert_seq_desc(&copy[1], 11);
	assert_seq_desc(&copy[2], 12);
	/* copy_out does not consume */
	assert_int_equal(p.hdr->tail, UINT32_MAX - 1);
	assert_int_equal(nbshm_ring_avail(&p.r), 3);
	nbshm_ring_consume(&p.r, 2);
	assert_int_equal(p.hdr->tail, 0);	/* UINT32_MAX - 1 + 2 */
	assert_int_equal(nbshm_ring_free(&p.w), T_RING - 1);
	nbshm_ring_consume(&p.r, 1);
	assert_int_equal(p.hdr->tail, 1);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING);
	/* need_wakeup is a plain word beside head, left alone by the index code */
	assert_int_equal(p.hdr->need_wakeup, 0);
	p.hdr->need_wakeup = 1;
	nbshm_ring_consume(&p.r, 0);
	assert_int_equal(p.hdr->need_wakeup, 1);
	pair_close(&p);
}

/* A reader facing a writer whose head jumps. */
static void
test_ring_avail_clamp(void **state)
{
	struct pair p;
	uint32_t base = UINT32_MAX - 5;

	(void)state;
	pair_open(&p, base);
	p.hdr->head = base + T_RING;		/* exactly full: sane */
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING);
	assert_int_equal(p.r.jumps, 0);
	p.hdr->head = base + T_RING + 1;	/* one past: clamped, counted */
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING);
	assert_int_equal(p.r.jumps, 1);
	assert_int_equal(p.r.bad, 1);
	p.hdr->head = base + 0x7fffffffu;	/* still bad: same episode */
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING);
	assert_int_equal(p.r.jumps, 1);
	p.hdr->head = base - 1;			/* behind our tail: nothing, same episode */
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(p.r.jumps, 1);
	p.hdr->head = base - 0x80000000u;	/* far behind (exactly half the space) */
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(p.r.jumps, 1);
	p.hdr->head = base + 4;			/* sane again: episode over */
	assert_int_equal(nbshm_ring_avail(&p.r), 4);
	assert_int_equal(p.r.bad, 0);
	assert_int_equal(p.r.jumps, 1);
	assert_int_equal(nbshm_ring_avail(&p.r), 4);
	assert_int_equal(p.r.jumps, 1);
	p.hdr->head = base - 3;			/* a new episode */
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(p.r.jumps, 2);
	p.hdr->head = base;			/* empty is sane */
	assert_int_equal(nbshm_ring_avail(&p.r), 0);
	assert_int_equal(p.r.bad, 0);
	p.hdr->head = base + 1000;		/* a jump right after: counted */
	assert_int_equal(nbshm_ring_avail(&p.r), T_RING);
	assert_int_equal(p.r.jumps, 3);
	/* our own tail never moved */
	assert_int_equal(p.r.idx, base);
	assert_int_equal(p.hdr->tail, base);
	pair_close(&p);
}

/* A writer facing a reader whose tail jumps. */
/*
 * nbshm_ring_room(): room from the tail as last read while it covers what the
 * writer wants, never more than nbshm_ring_free() would say for a sane
 * reader; a short answer or a misbehaving reader reads the tail again.
 */
static void
test_ring_room_cached(void **state)
{
	struct pair p;
	uint32_t head;

	(void)state;
	pair_open(&p, UINT32_MAX - 5);
	/* bound, never read: the first call reads the tail */
	assert_int_equal(nbshm_ring_room(&p.w, 1), T_RING);
	nbshm_ring_produce(&p.w, 10);
	head = p.w.idx;
	/* the reader takes 8; the cached tail still covers 4: not read again */
	p.hdr->tail = head - 2;
	assert_int_equal(nbshm_ring_room(&p.w, 4), T_RING - 10);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING - 2);
	/* now cached = the real tail */
	assert_int_equal(nbshm_ring_room(&p.w, 4), T_RING - 2);
	/* fill to 3 short of full: wanting 4 reads the tail, which says 3 */
	nbshm_ring_produce(&p.w, T_RING - 5);
	assert_int_equal(nbshm_ring_room(&p.w, 3), 3);
	assert_int_equal(nbshm_ring_room(&p.w, 4), 3);
	/* a hostile tail (ahead of our head) is seen at the next read: 0 from then
	 * on, even for what the old tail covered, until it behaves; counted once */
	p.hdr->tail = p.w.idx + 7;
	assert_int_equal(nbshm_ring_room(&p.w, 3), 3);
	assert_int_equal(nbshm_ring_room(&p.w, 4), 0);
	assert_int_equal(nbshm_ring_room(&p.w, 1), 0);
	assert_int_equal(nbshm_ring_room(&p.w, 0), 0);
	assert_int_equal(p.w.jumps, 1);
	p.hdr->tail = p.w.idx;			/* behaves, took everything */
	assert_int_equal(nbshm_ring_room(&p.w, 1), T_RING);
	assert_int_equal(p.w.bad, 0);
	pair_close(&p);
}

static void
test_ring_free_clamp(void **state)
{
	struct pair p;
	uint32_t base = UINT32_MAX - 2;
	uint32_t head;

	(void)state;
	pair_open(&p, base);
	nbshm_ring_produce(&p.w, 10);		/* head = base + 10, wrapped */
	head = p.w.idx;
	assert_int_equal(head, 7);
	assert_int_equal(nbshm_ring_free(&p.w), T_RING - 10);
	p.hdr->tail = head;			/* reader took everything: sane */
	assert_int_equal(nbshm_ring_free(&p.w), T_RING);
	assert_int_equal(p.w.jumps, 0);
	p.hdr->tail = head + 1;			/* ahead of our head: full, counted */
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.jumps, 1);
	p.hdr->tail = head - T_RING - 1;	/* more than size behind: same episode */
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.jumps, 1);
	p.hdr->tail = head + 0x40000000u;
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.jumps, 1);
	p.hdr->tail = head - T_RING;		/* exactly size behind: sane, full */
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.bad, 0);
	assert_int_equal(p.w.jumps, 1);
	p.hdr->tail = head - 3;
	assert_int_equal(nbshm_ring_free(&p.w), T_RING - 3);
	p.hdr->tail = head + 5;			/* second episode */
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.jumps, 2);
	assert_int_equal(nbshm_ring_free(&p.w), 0);
	assert_int_equal(p.w.jumps, 2);
	assert_int_equal(p.w.idx, head);
	assert_int_equal(p.hdr->head, head);
	pair_close(&p);
}

/* ---- nbshm_chan_check_chain ---- */

/* A good chain of @p n segments (lengths 100, 200, ...) inside the area. */
static void
good_chain(struct nbshm_desc *d, uint32_t n)
{
	uint32_t i, sum = 0;

	memset(d, 0, sizeof(*d) * n);
	for (i = 0; i < n; i++) {
		d[i].handle = T_HANDLE;
		d[i].offset = A_OFF + 0x1000 * i;
		d[i].length = 100 * (i + 1);
		d[i].flags = NBSHM_DESC_F_SHM_VALID | (i + 1 < n ? NBSHM_DESC_F_NEXT : 0);
		sum += d[i].length;
	}
	d[0].pkt_len = sum;
	d[0].n_segs = (uint16_t)n;
}

static enum nbshm_chan_reason
chk(const struct nbshm_desc *d, uint32_t avail, uint32_t *n_out)
{
	*n_out = 0xdead;
	return nbshm_chan_check_chain(d, avail, T_HANDLE, A_OFF, A_LEN, A_SEGS, A_MTU, n_out);
}

static void
test_chain_good(void **state)
{
	struct nbshm_desc d[A_SEGS + 2];
	uint32_t n, k;

	(void)state;
	for (k = 1; k <= A_SEGS; k++) {
		good_chain(d, k);
		assert_int_equal(chk(d, k, &n), NBSHM_CHAN_OK);
		assert_int_equal(n, k);
		/* more entries behind the chain do not matter */
		assert_int_equal(chk(d, k + 2, &n), NBSHM_CHAN_OK);
		assert_int_equal(n, k);
	}
	/* the SHM_VALID flag is allowed, not required */
	good_chain(d, 3);
	d[0].flags = NBSHM_DESC_F_NEXT;
	d[1].flags = NBSHM_DESC_F_NEXT;
	d[2].flags = 0;
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_OK);
	assert_int_equal(n, 3);
	/* pkt_len == mtu is fine */
	good_chain(d, 1);
	d[0].offset = A_OFF;
	d[0].length = A_MTU;
	d[0].pkt_len = A_MTU;
	assert_int_equal(nbshm_chan_check_chain(d, 1, T_HANDLE, A_OFF, 0x10000, A_SEGS, A_MTU,
		&n), NBSHM_CHAN_OK);
}

static void
test_chain_handle(void **state)
{
	struct nbshm_desc d[3];
	uint32_t n, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		good_chain(d, 3);
		d[i].handle = NET_BUFFER_SHM_HANDLE(T_INDEX + 1, T_GEN);
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_BAD_HANDLE);
		assert_int_equal(n, 3);
		d[i].handle = NET_BUFFER_SHM_HANDLE(T_INDEX, T_GEN - 1);
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_STALE_GENERATION);
		assert_int_equal(n, 3);
		d[i].handle = NET_BUFFER_SHM_HANDLE(T_INDEX, T_GEN + 1);
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_STALE_GENERATION);
		d[i].handle = NET_BUFFER_SHM_HANDLE(T_INDEX, 0);
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_STALE_GENERATION);
		d[i].handle = 0;
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_BAD_HANDLE);
		d[i].handle = NET_BUFFER_SHM_HANDLE(T_INDEX + 1, T_GEN + 1);
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_BAD_HANDLE);
	}
}

struct bounds_case {
	uint64_t area_off;
	uint64_t area_len;
	uint32_t offset;
	uint32_t length;
	enum nbshm_chan_reason want;
	const char *what;
};

static void
test_chain_bounds(void **state)
{
	static const struct bounds_case cases[] = {
		{ A_OFF, A_LEN, A_OFF, A_LEN, NBSHM_CHAN_OK, "whole area" },
		{ A_OFF, A_LEN, A_OFF, 1, NBSHM_CHAN_OK, "first byte" },
		{ A_OFF, A_LEN, A_OFF + A_LEN - 1, 1, NBSHM_CHAN_OK, "last byte in" },
		{ A_OFF, A_LEN, A_OFF + A_LEN - 10, 10, NBSHM_CHAN_OK, "ends on the edge" },
		{ A_OFF, A_LEN, A_OFF + A_LEN, 1, NBSHM_CHAN_OUT_OF_BOUNDS, "one past" },
		{ A_OFF, A_LEN, A_OFF + A_LEN - 10, 11, NBSHM_CHAN_OUT_OF_BOUNDS,
			"ends one past" },
		{ A_OFF, A_LEN, A_OFF, A_LEN + 1, NBSHM_CHAN_OUT_OF_BOUNDS, "longer than area" },
		{ A_OFF, A_LEN, A_OFF - 1, 1, NBSHM_CHAN_OUT_OF_BOUNDS, "one before" },
		{ A_OFF, A_LEN, A_OFF - 1, 2, NBSHM_CHAN_OUT_OF_BOUNDS, "straddles the start" },
		{ A_OFF, A_LEN, 0, 1, NBSHM_CHAN_OUT_OF_BOUNDS, "offset 0" },
		{ A_OFF, A_LEN, UINT32_MAX, 1, NBSHM_CHAN_OUT_OF_BOUNDS, "offset max" },
		{ A_OFF, A_LEN, A_OFF + 16, UINT32_MAX, NBSHM_CHAN_OUT_OF_BOUNDS,
			"length max" },
		/* offset + length wraps in 32 bits to a value inside the area */
		{ A_OFF, A_LEN, UINT32_MAX - 0xff, A_OFF + 0x200, NBSHM_CHAN_OUT_OF_BOUNDS,
			"offset+length overflows 32 bits" },
		/* an area that ends at 2^32 */
		{ 0xffff0000u, 0x10000u, 0xffffff00u, 0x100u, NBSHM_CHAN_OK,
			"last bytes below 2^32" },
		{ 0xffff0000u, 0x10000u, 0xffffffffu, 1, NBSHM_CHAN_OK, "byte 2^32-1" },
		{ 0xffff0000u, 0x10000u, 0xffffff00u, 0x101u, NBSHM_CHAN_OUT_OF_BOUNDS,
			"one past 2^32" },
		{ 0xffff0000u, 0x10000u, 0xffffff00u, 0xffffff00u, NBSHM_CHAN_OUT_OF_BOUNDS,
			"wraps around 2^32" },
		/* an empty area holds nothing */
		{ A_OFF, 0, A_OFF, 1, NBSHM_CHAN_OUT_OF_BOUNDS, "empty area" },
	};
	struct nbshm_desc d[2];
	uint32_t n;
	unsigned int i, seg;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bounds_case *c = &cases[i];

		/* as the only segment, and as the second of two */
		for (seg = 0; seg < 2; seg++) {
			enum nbshm_chan_reason got;

			good_chain(d, seg + 1);
			d[0].offset = (uint32_t)c->area_off;
			d[0].length = 1;
			d[seg].offset = c->offset;
			d[seg].length = c->length;
			d[0].pkt_len = seg == 0 ? c->length : 1 + c->length;
			got = nbshm_chan_check_chain(d, 2, T_HANDLE, c->area_off, c->area_len,
				A_SEGS, UINT32_MAX, &n);
			if (got != c->want)
				fail_msg("case %u (%s), segment %u: got %s, want %s", i, c->what,
					seg, nbshm_chan_reason_name(got),
					nbshm_chan_reason_name(c->want));
			assert_int_equal(n, seg + 1);
		}
	}
}

static void
test_chain_zero_length(void **state)
{
	struct nbshm_desc d[3];
	uint32_t n, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		good_chain(d, 3);
		d[0].pkt_len -= d[i].length;
		d[i].length = 0;
		assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_ZERO_LENGTH);
		assert_int_equal(n, 3);
	}
	/* a zero-length packet */
	good_chain(d, 1);
	d[0].length = 0;
	d[0].pkt_len = 0;
	assert_int_equal(chk(d, 1, &n), NBSHM_CHAN_ZERO_LENGTH);
}

static void
test_chain_segments(void **state)
{
	struct nbshm_desc d[A_SEGS + 2];
	uint32_t n;

	(void)state;
	good_chain(d, 2);
	d[0].n_segs = 0;
	assert_int_equal(chk(d, 2, &n), NBSHM_CHAN_TOO_MANY_SEGMENTS);
	assert_int_equal(n, 1);
	good_chain(d, A_SEGS + 1);
	assert_int_equal(chk(d, A_SEGS + 1, &n), NBSHM_CHAN_TOO_MANY_SEGMENTS);
	assert_int_equal(n, 1);
	d[0].n_segs = UINT16_MAX;
	assert_int_equal(chk(d, A_SEGS + 1, &n), NBSHM_CHAN_TOO_MANY_SEGMENTS);
	assert_int_equal(n, 1);
	/* the cap is the caller's max_segs */
	good_chain(d, A_SEGS);
	assert_int_equal(chk(d, A_SEGS, &n), NBSHM_CHAN_OK);
	assert_int_equal(nbshm_chan_check_chain(d, A_SEGS, T_HANDLE, A_OFF, A_LEN, A_SEGS - 1,
		A_MTU, &n), NBSHM_CHAN_TOO_MANY_SEGMENTS);
	assert_int_equal(n, 1);
	/* more entries claimed than there are after the tail */
	good_chain(d, 3);
	assert_int_equal(chk(d, 2, &n), NBSHM_CHAN_TRUNCATED);
	assert_int_equal(n, 1);
	assert_int_equal(chk(d, 1, &n), NBSHM_CHAN_TRUNCATED);
	assert_int_equal(n, 1);
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_OK);
	assert_int_equal(n, 3);
	/* the cap is checked before what is available */
	good_chain(d, A_SEGS + 1);
	assert_int_equal(chk(d, 1, &n), NBSHM_CHAN_TOO_MANY_SEGMENTS);
}

struct flags_case {
	unsigned int seg;	/* which of 3 segments is spoiled */
	unsigned int field;	/* 0 flags ^=, 1 flags |=, 2 reserved0, 3 reserved1, 4 pkt_len,
				 * 5 n_segs */
	uint32_t value;
	const char *what;
};

static void
test_chain_flags(void **state)
{
	static const struct flags_case cases[] = {
		{ 0, 0, NBSHM_DESC_F_NEXT, "NEXT missing on the first" },
		{ 1, 0, NBSHM_DESC_F_NEXT, "NEXT missing in the middle" },
		{ 2, 1, NBSHM_DESC_F_NEXT, "NEXT on the last" },
		{ 0, 1, 0x0002, "unknown flag 0x2" },
		{ 1, 1, 0x0100, "unknown flag 0x100" },
		{ 2, 1, 0x80000000u, "unknown flag 0x80000000" },
		{ 0, 1, 0x2000, "flag next to SHM_VALID" },
		{ 0, 2, 1, "reserved0 on the first" },
		{ 2, 2, 0x8000, "reserved0 on the last" },
		{ 0, 3, 1, "reserved1 on the first" },
		{ 1, 3, 0xffffffffu, "reserved1 in the middle" },
		{ 1, 4, 1, "pkt_len on the second" },
		{ 2, 4, 600, "pkt_len on the last" },
		{ 1, 5, 1, "n_segs on the second" },
		{ 2, 5, 3, "n_segs on the last" },
	};
	struct nbshm_desc d[3];
	unsigned int i;
	uint32_t n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct flags_case *c = &cases[i];
		struct nbshm_desc *s = &d[c->seg];
		enum nbshm_chan_reason got;

		good_chain(d, 3);
		switch (c->field) {
		case 0: s->flags ^= c->value; break;
		case 1: s->flags |= c->value; break;
		case 2: s->reserved0 = (uint16_t)c->value; break;
		case 3: s->reserved1 = c->value; break;
		case 4: s->pkt_len = c->value; break;
		default: s->n_segs = (uint16_t)c->value; break;
		}
		got = chk(d, 3, &n);
		if (got != NBSHM_CHAN_BAD_FLAGS)
			fail_msg("case %u (%s): got %s", i, c->what, nbshm_chan_reason_name(got));
		assert_int_equal(n, 3);
	}
	/* a single segment with NEXT claims a segment it does not have */
	good_chain(d, 1);
	d[0].flags |= NBSHM_DESC_F_NEXT;
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_BAD_FLAGS);
	assert_int_equal(n, 1);
}

static void
test_chain_length_mismatch(void **state)
{
	struct nbshm_desc d[3];
	uint32_t n;

	(void)state;
	good_chain(d, 3);		/* 100 + 200 + 300 */
	assert_int_equal(d[0].pkt_len, 600);
	d[0].pkt_len = 601;
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_LENGTH_MISMATCH);
	assert_int_equal(n, 3);
	d[0].pkt_len = 599;
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_LENGTH_MISMATCH);
	d[0].pkt_len = 0;
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_LENGTH_MISMATCH);
	d[0].pkt_len = 100;		/* only the first segment's */
	assert_int_equal(chk(d, 3, &n), NBSHM_CHAN_LENGTH_MISMATCH);
	/* lengths sum right, but over the mtu */
	good_chain(d, 3);
	assert_int_equal(nbshm_chan_check_chain(d, 3, T_HANDLE, A_OFF, A_LEN, A_SEGS, 600, &n),
		NBSHM_CHAN_OK);
	assert_int_equal(nbshm_chan_check_chain(d, 3, T_HANDLE, A_OFF, A_LEN, A_SEGS, 599, &n),
		NBSHM_CHAN_LENGTH_MISMATCH);
	assert_int_equal(n, 3);
	/* segment lengths whose 32-bit sum would wrap to pkt_len */
	good_chain(d, 2);
	d[0].offset = 0;
	d[1].offset = 0;
	d[0].length = 0x80000000u;
	d[1].length = 0x80000064u;
	d[0].pkt_len = 100;		/* (2^31 + 2^31 + 100) mod 2^32 */
	assert_int_equal(nbshm_chan_check_chain(d, 2, T_HANDLE, 0, UINT32_MAX + 1ull, A_SEGS,
		UINT32_MAX, &n), NBSHM_CHAN_LENGTH_MISMATCH);
}

/* ---- nbshm_chan_layout_check ---- */

struct layout_case {
	const char *what;
	void (*spoil)(struct nbshm_chan_layout *l);
	const char *field;	/* expected in the sentence */
};

#define SPOIL(name, body) \
	static void spoil_##name(struct nbshm_chan_layout *l) { body; }

SPOIL(size_zero, l->region_size = 0)
SPOIL(size_unaligned, l->region_size += 100)
SPOIL(size_small, l->region_size -= T_PAGE)
SPOIL(gen_zero, l->handle = NET_BUFFER_SHM_HANDLE(T_INDEX, 0))
SPOIL(ring_zero, l->ring_size = 0)
SPOIL(ring_npow2, l->ring_size = 24)
SPOIL(ring_small, l->ring_size = 8)
SPOIL(ring_big, l->ring_size = 32768)
SPOIL(nqp_zero, l->n_qp = 0)
SPOIL(nqp_big, l->n_qp = 65)
SPOIL(segs_zero, l->max_segs = 0)
SPOIL(segs_big, l->max_segs = 33)
SPOIL(mtu_small, l->mtu = 63)
SPOIL(mtu_big, l->mtu = 65536)
SPOIL(rings_off_zero, l->rings_off = 0)
SPOIL(rings_off_header, l->rings_off = T_PAGE - 64)
SPOIL(rings_off_unaligned, l->rings_off = T_PAGE + 32)
SPOIL(stride_small, l->ring_stride = NBSHM_RING_BYTES(l->ring_size) - 64)
SPOIL(stride_unaligned, l->ring_stride += 32)
SPOIL(stride_huge, l->ring_stride = l->region_size + 64)
SPOIL(rings_outside, l->rings_off = l->region_size - l->ring_stride)
SPOIL(rx_unaligned, l->rx_off += 64)
SPOIL(rx_empty, l->rx_len = 0)
SPOIL(rx_outside, l->rx_len = l->region_size)
SPOIL(rx_off_outside, l->rx_off = l->region_size + T_PAGE)
SPOIL(tx_buf_small, l->tx_buf_size = 63)
SPOIL(tx_bufs_zero, l->n_tx_bufs = 0)
SPOIL(tx_unaligned, l->tx_off += 64)
SPOIL(tx_outside, l->n_tx_bufs += 1)
SPOIL(tx_off_outside, l->tx_off = l->region_size)
SPOIL(rx_over_rings, l->rx_off = T_PAGE)
SPOIL(tx_over_rings, l->tx_off = T_PAGE)
SPOIL(rx_over_tx, l->rx_off -= T_PAGE)
SPOIL(tx_over_rx, l->tx_off = l->rx_off)
/* areas inside a region of 2^33 bytes but beyond what a 32-bit offset reaches */
SPOIL(rx_end_beyond_32, l->region_size = UINT64_C(1) << 33;
	l->rx_off = (UINT64_C(1) << 32) - T_PAGE; l->rx_len = 2 * T_PAGE;
	l->tx_off = T_PAGE * 16)
SPOIL(rx_off_beyond_32, l->region_size = UINT64_C(1) << 33;
	l->rx_off = (UINT64_C(1) << 32) + T_PAGE; l->rx_len = T_PAGE;
	l->tx_off = T_PAGE * 16)
SPOIL(tx_end_beyond_32, l->region_size = UINT64_C(1) << 33;
	l->tx_off = (UINT64_C(1) << 32) - T_PAGE; l->n_tx_bufs = 4)
SPOIL(tx_off_beyond_32, l->region_size = UINT64_C(1) << 33;
	l->tx_off = (UINT64_C(1) << 32) + T_PAGE)
/* ring_stride * rings would wrap 64 bits to 0 */
SPOIL(rings_wrap_64, l->region_size = UINT64_C(1) << 58; l->n_qp = 63;
	l->ring_stride = UINT64_C(1) << 57)

static void
test_layout_check(void **state)
{
	static const struct layout_case cases[] = {
		{ "region_size 0", spoil_size_zero, "region_size" },
		{ "region_size not a page multiple", spoil_size_unaligned, "region_size" },
		{ "region_size too small for the rx area", spoil_size_small, "rx area" },
		{ "generation 0", spoil_gen_zero, "generation" },
		{ "ring_size 0", spoil_ring_zero, "ring_size" },
		{ "ring_size 24", spoil_ring_npow2, "ring_size" },
		{ "ring_size 8", spoil_ring_small, "ring_size" },
		{ "ring_size 32768", spoil_ring_big, "ring_size" },
		{ "n_qp 0", spoil_nqp_zero, "n_qp" },
		{ "n_qp 65", spoil_nqp_big, "n_qp" },
		{ "max_segs 0", spoil_segs_zero, "max_segs" },
		{ "max_segs 33", spoil_segs_big, "max_segs" },
		{ "mtu 63", spoil_mtu_small, "mtu" },
		{ "mtu 65536", spoil_mtu_big, "mtu" },
		{ "rings_off 0", spoil_rings_off_zero, "rings_off" },
		{ "rings_off in the header page", spoil_rings_off_header, "rings_off" },
		{ "rings_off not 64-aligned", spoil_rings_off_unaligned, "rings_off" },
		{ "ring_stride below a ring", spoil_stride_small, "ring_stride" },
		{ "ring_stride not 64-aligned", spoil_stride_unaligned, "ring_stride" },
		{ "ring_stride beyond the region", spoil_stride_huge, "ring_stride" },
		{ "rings past the region end", spoil_rings_outside, "rings" },
		{ "rx_off not page aligned", spoil_rx_unaligned, "rx area" },
		{ "rx_len 0", spoil_rx_empty, "rx area" },
		{ "rx area past the region end", spoil_rx_outside, "rx area" },
		{ "rx_off past the region end", spoil_rx_off_outside, "rx area" },
		{ "tx_buf_size 63", spoil_tx_buf_small, "tx_buf_size" },
		{ "n_tx_bufs 0", spoil_tx_bufs_zero, "tx buffers" },
		{ "tx_off not page aligned", spoil_tx_unaligned, "tx area" },
		{ "tx area past the region end", spoil_tx_outside, "tx area" },
		{ "tx_off at the region end", spoil_tx_off_outside, "tx area" },
		{ "rx area over the rings", spoil_rx_over_rings, "overlap" },
		{ "tx area over the rings", spoil_tx_over_rings, "overlap" },
		{ "rx area into the tx area", spoil_rx_over_tx, "overlap" },
		{ "tx area on the rx area", spoil_tx_over_rx, "overlap" },
		{ "rx area ends beyond 2^32", spoil_rx_end_beyond_32, "32-bit" },
		{ "rx area starts beyond 2^32", spoil_rx_off_beyond_32, "32-bit" },
		{ "tx area ends beyond 2^32", spoil_tx_end_beyond_32, "32-bit" },
		{ "tx area starts beyond 2^32", spoil_tx_off_beyond_32, "32-bit" },
		{ "ring_stride * rings wraps 64 bits", spoil_rings_wrap_64, "rings" },
	};
	struct nbshm_chan_layout good, l;
	unsigned int i, bad = 0;

	(void)state;
	make_layout(&good, T_RING, T_NQP);
	assert_null(nbshm_chan_layout_check(&good));
	/* other sound layouts: the limits themselves */
	make_layout(&l, NBSHM_CHAN_RING_SIZE_MAX, NBSHM_CHAN_MAX_QP);
	l.max_segs = NBSHM_CHAN_MAX_SEGS;
	l.mtu = 65535;
	assert_null(nbshm_chan_layout_check(&l));
	make_layout(&l, NBSHM_CHAN_RING_SIZE_MIN, 1);
	l.max_segs = 1;
	l.mtu = 64;
	l.tx_buf_size = 64;
	l.n_tx_bufs = 1;
	l.rx_off = test_align_up(l.tx_off + 64, T_PAGE);
	l.rx_len = 1;
	l.region_size = l.rx_off + T_PAGE;
	assert_null(nbshm_chan_layout_check(&l));
	/* version 3: the rings and the tx area lie before the rx area (control file) */
	make_layout(&l, T_RING, T_NQP);
	l.tx_off = l.rx_off + l.rx_len;
	l.region_size = test_align_up(l.tx_off + (uint64_t)l.tx_buf_size * l.n_tx_bufs, T_PAGE);
	assert_non_null(strstr(nbshm_chan_layout_check(&l), "rx_off"));
	assert_non_null(nbshm_chan_layout_check(NULL));
	/* the spoiled variants of the good layout are sound apart from one field */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why;

		l = good;
		cases[i].spoil(&l);
		why = nbshm_chan_layout_check(&l);
		if (why == NULL) {
			print_error("case %u (%s): accepted\n", i, cases[i].what);
			bad++;
		} else if (strstr(why, cases[i].field) == NULL) {
			print_error("case %u (%s): \"%s\" does not name %s\n", i,
				cases[i].what, why, cases[i].field);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The rule for areas is offset + length <= 2^32 - 1 (end-exclusive). */
static void
test_layout_32bit_edge(void **state)
{
	struct nbshm_chan_layout l;

	(void)state;
	make_layout(&l, T_RING, T_NQP);
	l.region_size = UINT64_C(1) << 33;
	l.tx_off = (UINT64_C(1) << 32) - 2 * T_PAGE;
	l.tx_buf_size = 2 * T_PAGE - 1;
	l.n_tx_bufs = 1;			/* ends at 2^32 - 1: no room for rx after it */
	l.rx_off = UINT64_C(1) << 32;
	assert_non_null(strstr(nbshm_chan_layout_check(&l), "32-bit"));
	l.tx_buf_size = 2 * T_PAGE;		/* ends at 2^32 */
	assert_non_null(nbshm_chan_layout_check(&l));
	l.tx_off = (UINT64_C(1) << 32) - 4 * T_PAGE;
	l.tx_buf_size = 64;
	l.rx_off = (UINT64_C(1) << 32) - T_PAGE;
	l.rx_len = T_PAGE - 1;			/* ends at 2^32 - 1 */
	assert_null(nbshm_chan_layout_check(&l));
	l.rx_len = T_PAGE;
	assert_non_null(nbshm_chan_layout_check(&l));
}

static void
test_reason_names(void **state)
{
	static const char * const names[NBSHM_CHAN_REASON_MAX] = {
		[NBSHM_CHAN_OK] = "ok",
		[NBSHM_CHAN_BAD_HANDLE] = "bad_handle",
		[NBSHM_CHAN_STALE_GENERATION] = "stale_generation",
		[NBSHM_CHAN_OUT_OF_BOUNDS] = "out_of_bounds",
		[NBSHM_CHAN_ZERO_LENGTH] = "zero_length",
		[NBSHM_CHAN_TOO_MANY_SEGMENTS] = "too_many_segments",
		[NBSHM_CHAN_LENGTH_MISMATCH] = "length_mismatch",
		[NBSHM_CHAN_BAD_FLAGS] = "bad_flags",
		[NBSHM_CHAN_TRUNCATED] = "truncated",
		[NBSHM_CHAN_NOT_LENT] = "not_lent",
		[NBSHM_CHAN_MISALIGNED] = "misaligned",
		[NBSHM_CHAN_INDEX_JUMP] = "index_jump",
	};
	unsigned int i;

	(void)state;
	assert_int_equal(NBSHM_CHAN_REASON_MAX, 12);
	for (i = 0; i < NBSHM_CHAN_REASON_MAX; i++) {
		assert_non_null(names[i]);
		assert_string_equal(nbshm_chan_reason_name(i), names[i]);
	}
	assert_string_equal(nbshm_chan_reason_name(NBSHM_CHAN_REASON_MAX), "unknown");
	assert_string_equal(nbshm_chan_reason_name(NBSHM_CHAN_REASON_MAX + 1), "unknown");
	assert_string_equal(nbshm_chan_reason_name(UINT32_MAX), "unknown");
}

/* ---- two threads, one ring ---- */

#define S_RING 64u
#define S_COUNT 2000000u
#define S_START (UINT32_MAX - 1000000u)	/* the indices wrap half way */

struct stress {
	struct nbshm_chan_layout l;
	uint8_t *base;
	uint32_t produced;
	uint32_t consumed;
	uint32_t bad;		/* first wrong sequence number + 1 */
	uint32_t prod_jumps;
	uint32_t cons_jumps;
	uint64_t full_spins;
	uint64_t empty_spins;
};

static void *
stress_producer(void *arg)
{
	struct stress *s = arg;
	struct nbshm_ring w;
	uint32_t seq = 0, burst = 1, i, room;

	nbshm_ring_init(&w, s->base, &s->l, NBSHM_CHAN_RING_RX(0), true);
	while (seq < S_COUNT) {
		room = nbshm_ring_free(&w);
		if (room == 0) {
			s->full_spins++;
			sched_yield();
			continue;
		}
		/* bursts of 1..37, cut to the room left */
		burst = burst % 37 + 1;
		if (room > burst)
			room = burst;
		if (room > S_COUNT - seq)
			room = S_COUNT - seq;
		for (i = 0; i < room; i++)
			*nbshm_ring_slot(&w, i) = seq_desc(seq + i);
		nbshm_ring_produce(&w, room);
		seq += room;
	}
	s->produced = seq;
	s->prod_jumps = w.jumps;
	return NULL;
}

static void *
stress_consumer(void *arg)
{
	struct stress *s = arg;
	struct nbshm_desc copy[S_RING];
	struct nbshm_ring r;
	uint32_t seq = 0, n, i;

	nbshm_ring_init(&r, s->base, &s->l, NBSHM_CHAN_RING_RX(0), false);
	while (seq < S_COUNT) {
		n = nbshm_ring_avail(&r);
		if (n == 0) {
			s->empty_spins++;
			sched_yield();
			continue;
		}
		nbshm_ring_copy_out(&r, copy, n);
		for (i = 0; i < n; i++) {
			struct nbshm_desc want = seq_desc(seq + i);

			if (s->bad == 0 && memcmp(&copy[i], &want, sizeof(want)) != 0)
				s->bad = seq + i + 1;
		}
		nbshm_ring_consume(&r, n);
		seq += n;
	}
	s->consumed = seq;
	s->cons_jumps = r.jumps;
	return NULL;
}

static void
test_spsc_stress(void **state)
{
	struct stress s;
	struct nbshm_ring_hdr *hdr;
	struct timespec t0, t1;
	pthread_t prod, cons;
	double secs;

	(void)state;
	memset(&s, 0, sizeof(s));
	make_layout(&s.l, S_RING, 1);
	assert_null(nbshm_chan_layout_check(&s.l));
	s.base = make_region(&s.l);
	hdr = nbshm_chan_ring(s.base, &s.l, NBSHM_CHAN_RING_RX(0));
	hdr->head = S_START;
	hdr->tail = S_START;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&cons, NULL, stress_consumer, &s), 0);
	assert_int_equal(pthread_create(&prod, NULL, stress_producer, &s), 0);
	assert_int_equal(pthread_join(prod, NULL), 0);
	assert_int_equal(pthread_join(cons, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("spsc: %u descriptors through a %u-entry ring in %.3f s "
		"(producer found it full %llu times, consumer empty %llu times)\n", S_COUNT,
		S_RING, secs, (unsigned long long)s.full_spins,
		(unsigned long long)s.empty_spins);
	if (s.bad != 0)
		fail_msg("descriptor %u arrived wrong or out of order", s.bad - 1);
	assert_int_equal(s.produced, S_COUNT);
	assert_int_equal(s.consumed, S_COUNT);
	assert_int_equal(s.prod_jumps, 0);
	assert_int_equal(s.cons_jumps, 0);
	assert_int_equal(hdr->head, (uint32_t)(S_START + S_COUNT));
	assert_int_equal(hdr->tail, (uint32_t)(S_START + S_COUNT));
	/* the other rings and the areas around the ring were not touched */
	hdr = nbshm_chan_ring(s.base, &s.l, NBSHM_CHAN_RING_RET(0));
	assert_int_equal(hdr->head, 0);
	assert_int_equal(hdr->tail, 0);
	free(s.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_sizes),
		cmocka_unit_test(test_ring_init_binds),
		cmocka_unit_test(test_ring_empty_full),
		cmocka_unit_test(test_ring_wrap_u32),
		cmocka_unit_test(test_ring_shared_memory),
		cmocka_unit_test(test_ring_avail_clamp),
		cmocka_unit_test(test_ring_free_clamp),
		cmocka_unit_test(test_ring_room_cached),
		cmocka_unit_test(test_chain_good),
		cmocka_unit_test(test_chain_handle),
		cmocka_unit_test(test_chain_bounds),
		cmocka_unit_test(test_chain_zero_length),
		cmocka_unit_test(test_chain_segments),
		cmocka_unit_test(test_chain_flags),
		cmocka_unit_test(test_chain_length_mismatch),
		cmocka_unit_test(test_layout_check),
		cmocka_unit_test(test_layout_32bit_edge),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_spsc_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
