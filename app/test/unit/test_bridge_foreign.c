/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The mbuf bridge when an mbuf's data is not in its own buffer (a PMD attached
 * it to an external buffer, or the mbuf is indirect): mbufs made by hand as a
 * region pool makes them (no EAL), two regions in the table and memory in
 * none. Data attached inside a region resolves to those very bytes, with that
 * region's handle; data outside every region is refused
 * (NBSHM_MBUF_STATUS_FOREIGN); no descriptor ever points into the mbuf's own,
 * unused buffer; a detached mbuf is described by its own buffer again.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "net_buffer.h"
#include "nbshm_mbuf_bridge.h"
#include "nbshm_region_table.h"

#define AREA 65536u		/* bytes of each region */
#define BUF 2048u		/* a pool buffer */
#define HEADROOM 128u
#define N 4			/* mbufs */
#define LEN 60u			/* frame bytes */

struct fx {
	struct nbshm_region_table *t;
	uint8_t *a, *b, *outside;	/* region A (the pool's), region B, no region */
	uint64_t ha, hb;
	struct rte_mbuf *m[N];
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	unsigned int i;
	void *p = NULL;

	assert_non_null(f);
	f->a = calloc(1, AREA);
	f->b = calloc(1, AREA);
	f->outside = calloc(1, AREA);
	assert_non_null(f->a);
	assert_non_null(f->b);
	assert_non_null(f->outside);
	f->t = nbshm_region_table_create(4);
	assert_non_null(f->t);
	assert_int_equal(nbshm_region_table_add(f->t, f->a, AREA, &f->ha), 0);
	assert_int_equal(nbshm_region_table_add(f->t, f->b, AREA, &f->hb), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(posix_memalign(&p, RTE_CACHE_LINE_SIZE,
				sizeof(struct rte_mbuf) + sizeof(struct nbshm_mbuf_priv)), 0);
		f->m[i] = p;
	}
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < N; i++)
		free(f->m[i]);
	nbshm_region_table_free(f->t);
	free(f->a);
	free(f->b);
	free(f->outside);
	free(f);
	return 0;
}

/* mbuf i of a pool in region A, its own buffer at i * BUF, one LEN-byte segment */
static struct rte_mbuf *
own(struct fx *f, unsigned int i)
{
	struct rte_mbuf *m = f->m[i];
	struct nbshm_mbuf_priv *p;

	memset(m, 0, sizeof(*m) + sizeof(*p));
	m->priv_size = sizeof(*p);
	p = nbshm_mbuf_priv(m);
	NET_BUFFER_SHARED_MEM_HANDLE(&p->shm) = f->ha;
	p->buf_off = i * BUF;
	p->magic = NBSHM_MBUF_PRIV_MAGIC;
	m->buf_addr = f->a + p->buf_off;
	m->buf_len = BUF;
	m->data_off = HEADROOM;
	m->data_len = LEN;
	m->pkt_len = LEN;
	m->nb_segs = 1;
	/* the own buffer holds stale bytes a wrong offset would hand out */
	memset(f->a + p->buf_off, 0xee, BUF);
	return m;
}

/* what a PMD does: the data now sits at buf (external buffer attached) */
static void
attach(struct rte_mbuf *m, uint8_t *buf, uint8_t fill)
{
	m->buf_addr = buf;
	m->ol_flags |= RTE_MBUF_F_EXTERNAL;
	memset(buf + m->data_off, fill, m->data_len);
}

/* undo attach() (rte_pktmbuf_detach_extbuf on free) */
static void
detach(struct fx *f, struct rte_mbuf *m)
{
	m->buf_addr = f->a + nbshm_mbuf_priv(m)->buf_off;
	m->ol_flags &= ~RTE_MBUF_F_EXTERNAL;
}

/* the burst of @p n mbufs from f->m[i0] */
static unsigned int
burst_at(struct fx *f, unsigned int i0, unsigned int n, void **first, uint8_t *status,
		unsigned int *segs)
{
	memset(status, 0, n);
	return nbshm_mbuf_build_resolve_burst(f->t, &f->m[i0], n, 4, 0, first, status, segs);
}

#define burst(f, n, first, status, segs) burst_at(f, 0, n, first, status, segs)

static void
expect_bytes(const void *p, uint8_t fill)
{
	const uint8_t *b = p;
	unsigned int i;

	assert_non_null(b);
	for (i = 0; i < LEN; i++)
		assert_int_equal(b[i], fill);
}

/* Data attached inside another region: those bytes, that region's handle. */
static void
test_attached_in_region(void **state)
{
	struct fx *f = *state;
	const NET_BUFFER_SHARED_MEMORY *s;
	void *first[N];
	uint8_t status[N];
	unsigned int segs;
	uint8_t *ext = f->b + 3 * BUF + 64;

	attach(own(f, 0), ext, 0x5a);
	assert_int_equal(burst(f, 1, first, status, &segs), 0);
	assert_int_equal(segs, 1);
	assert_ptr_equal(first[0], ext + HEADROOM);
	expect_bytes(first[0], 0x5a);
	s = &nbshm_mbuf_priv(f->m[0])->shm;
	assert_int_equal(NET_BUFFER_SHARED_MEM_HANDLE(s), f->hb);
	assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(s), ext + HEADROOM - f->b);
	assert_int_equal(NET_BUFFER_SHARED_MEM_LENGTH(s), LEN);

	/* in the pool's own region, elsewhere than its own buffer */
	attach(own(f, 1), f->a + 9 * BUF, 0x33);
	assert_int_equal(burst_at(f, 1, 1, first, status, &segs), 0);
	assert_ptr_equal(first[0], f->a + 9 * BUF + HEADROOM);
	expect_bytes(first[0], 0x33);
}

/* Data outside every region: refused, counted as foreign, never resolved. */
static void
test_attached_outside(void **state)
{
	struct fx *f = *state;
	void *first[N];
	uint8_t status[N];
	unsigned int segs;

	attach(own(f, 0), f->outside + 256, 0x77);
	assert_int_equal(burst(f, 1, first, status, &segs), 1);
	assert_int_equal(status[0], NBSHM_MBUF_STATUS_FOREIGN);
	assert_null(first[0]);
	assert_int_equal(segs, 0);

	/* indirect: the data of another mbuf's buffer, in no region */
	own(f, 0);
	f->m[0]->buf_addr = f->outside + 1024;
	f->m[0]->ol_flags |= RTE_MBUF_F_INDIRECT;
	assert_int_equal(burst(f, 1, first, status, &segs), 1);
	assert_int_equal(status[0], NBSHM_MBUF_STATUS_FOREIGN);
	assert_null(first[0]);
}

/* A mixed burst: each packet its own verdict, the good ones their own bytes. */
static void
test_mixed_burst(void **state)
{
	struct fx *f = *state;
	void *first[N];
	uint8_t status[N];
	unsigned int segs, i;

	for (i = 0; i < N; i++)
		own(f, i);
	memset(f->a + 0 * BUF + HEADROOM, 0x01, LEN);
	memset(f->a + 3 * BUF + HEADROOM, 0x04, LEN);
	attach(f->m[1], f->b + 5 * BUF, 0x02);
	attach(f->m[2], f->outside, 0x03);
	assert_int_equal(burst(f, N, first, status, &segs), 1);
	assert_int_equal(segs, 3);
	assert_int_equal(status[0], NET_BUFFER_OK);
	assert_int_equal(status[1], NET_BUFFER_OK);
	assert_int_equal(status[2], NBSHM_MBUF_STATUS_FOREIGN);
	assert_int_equal(status[3], NET_BUFFER_OK);
	expect_bytes(first[0], 0x01);
	expect_bytes(first[1], 0x02);
	assert_null(first[2]);
	expect_bytes(first[3], 0x04);
}

/* Detached again, the mbuf is described by its own buffer in its own region. */
static void
test_detached_again(void **state)
{
	struct fx *f = *state;
	const NET_BUFFER_SHARED_MEMORY *s;
	void *first[N];
	uint8_t status[N];
	unsigned int segs;

	attach(own(f, 2), f->b + BUF, 0x11);
	assert_int_equal(burst_at(f, 2, 1, first, status, &segs), 0);
	detach(f, f->m[2]);
	memset(f->a + 2 * BUF + HEADROOM, 0x22, LEN);
	assert_int_equal(burst_at(f, 2, 1, first, status, &segs), 0);
	assert_ptr_equal(first[0], f->a + 2 * BUF + HEADROOM);
	expect_bytes(first[0], 0x22);
	s = &nbshm_mbuf_priv(f->m[2])->shm;
	assert_int_equal(NET_BUFFER_SHARED_MEM_HANDLE(s), f->ha);
	assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(s), 2 * BUF + HEADROOM);
	/* fast path again: a second burst takes no detour and says the same */
	assert_int_equal(burst_at(f, 2, 1, first, status, &segs), 0);
	assert_ptr_equal(first[0], f->a + 2 * BUF + HEADROOM);
}

/* A chain whose second segment is attached: in a region it resolves, else refused. */
static void
test_chain_segment(void **state)
{
	struct fx *f = *state;
	const NET_BUFFER_SHARED_MEMORY *segs[4];
	struct rte_mbuf *m0 = own(f, 0), *m1 = own(f, 1);
	void *head = NULL;
	unsigned int k = 0;
	enum net_buffer_reason r;

	m0->next = m1;
	m0->nb_segs = 2;
	m0->pkt_len = 2 * LEN;
	m1->pkt_len = 0;
	attach(m1, f->b + 7 * BUF, 0x66);
	r = nbshm_mbuf_build_resolve_one(f->t, m0, 4, segs, &head, &k);
	assert_int_equal(r, NET_BUFFER_OK);
	assert_int_equal(k, 2);
	assert_ptr_equal(head, f->a + HEADROOM);
	assert_int_equal(NET_BUFFER_SHARED_MEM_HANDLE(segs[1]), f->hb);
	assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(segs[1]), 7 * BUF + HEADROOM);

	m1->buf_addr = f->outside + 4096;
	head = NULL;
	r = nbshm_mbuf_build_resolve_one(f->t, m0, 4, segs, &head, &k);
	assert_int_equal(r, NBSHM_MBUF_STATUS_FOREIGN);
	assert_null(head);
}

/* A region's end: attached data that runs past it is no region's. */
static void
test_attached_across_end(void **state)
{
	struct fx *f = *state;
	void *first[N];
	uint8_t status[N];
	unsigned int segs;

	own(f, 0);
	f->m[0]->buf_addr = f->b + AREA - HEADROOM - LEN / 2;
	f->m[0]->ol_flags |= RTE_MBUF_F_EXTERNAL;
	assert_int_equal(burst(f, 1, first, status, &segs), 1);
	assert_int_equal(status[0], NBSHM_MBUF_STATUS_FOREIGN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attached_in_region, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_attached_outside, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_mixed_burst, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_detached_again, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_chain_segment, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_attached_across_end, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
