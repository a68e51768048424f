/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * One rule set, every entry point: the packets of rule_cases.h through
 * net_buffer_check() and the resolver (a NET_BUFFER), the mbuf bridge
 * (nbshm_mbuf_build_resolve_burst() and _one(), on mbufs made by hand as
 * fuzz_bridge.c makes them, no EAL) and nbshm_chan_check_chain() (a channel's
 * descriptors). Each must give the case's verdict; test_client.c does the
 * same for libnbshm-client's rx path.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "net_buffer.h"
#include "nbshm_channel.h"
#include "nbshm_mbuf_bridge.h"
#include "nbshm_region_table.h"
#include "rule_cases.h"

#define AREA 8192u		/* one region of this many bytes, from offset 0 */
#define CAP 4u			/* segments per packet */
#define MTU 65535u

struct rules {
	struct nbshm_region_table *t;
	uint8_t *mem;
	uint64_t handle;
	struct rte_mbuf *m[RULE_MAX_SEGS];
};

static int
rules_setup(void **state)
{
	struct rules *r = calloc(1, sizeof(*r));
	unsigned int i;
	void *p = NULL;

	assert_non_null(r);
	r->mem = calloc(1, AREA);
	assert_non_null(r->mem);
	r->t = nbshm_region_table_create(4);
	assert_non_null(r->t);
	assert_int_equal(nbshm_region_table_add(r->t, r->mem, AREA, &r->handle), 0);
	for (i = 0; i < RULE_MAX_SEGS; i++) {
		assert_int_equal(posix_memalign(&p, RTE_CACHE_LINE_SIZE,
				sizeof(struct rte_mbuf) + sizeof(struct nbshm_mbuf_priv)), 0);
		r->m[i] = p;
	}
	*state = r;
	return 0;
}

static int
rules_teardown(void **state)
{
	struct rules *r = *state;
	unsigned int i;

	for (i = 0; i < RULE_MAX_SEGS; i++)
		free(r->m[i]);
	nbshm_region_table_free(r->t);
	free(r->mem);
	free(r);
	return 0;
}

/* A NET_BUFFER: net_buffer_check(), then every segment through the resolver. */
static enum net_buffer_reason
via_net_buffer(const struct rules *r, const struct rule_case *c)
{
	NET_BUFFER_SHARED_MEMORY seg[RULE_MAX_SEGS];
	enum net_buffer_reason why;
	NET_BUFFER nb;
	unsigned int i;

	memset(&nb, 0, sizeof(nb));
	memset(seg, 0, sizeof(seg));
	for (i = 0; i < c->n; i++) {
		NET_BUFFER_SHARED_MEM_HANDLE(&seg[i]) = r->handle;
		NET_BUFFER_SHARED_MEM_OFFSET(&seg[i]) = (uint32_t)rule_off(c, i, AREA);
		NET_BUFFER_SHARED_MEM_LENGTH(&seg[i]) = rule_len(c, i, AREA);
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&seg[i]) = i + 1 < c->n ? &seg[i + 1] : NULL;
	}
	NET_BUFFER_FIRST_SHARED_MEM_INFO(&nb) = &seg[0];
	NET_BUFFER_DATA_LENGTH(&nb) = rule_pkt_len(c, AREA);
	if (net_buffer_check(&nb, CAP, &why) == 0)
		return why;
	for (i = 0; i < c->n; i++) {
		void *p = nbshm_region_resolve_shm(r->t, &seg[i], &why);

		if (why != NET_BUFFER_OK)
			return why;
		assert_ptr_equal(p, r->mem + rule_off(c, i, AREA));
	}
	return NET_BUFFER_OK;
}

/* The packet as mbufs of a region pool: segment offset = buf_off + data_off. */
static struct rte_mbuf *
make_mbufs(const struct rules *r, const struct rule_case *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		struct rte_mbuf *m = r->m[i];
		struct nbshm_mbuf_priv *p;
		uint64_t off = rule_off(c, i, AREA);

		memset(m, 0, sizeof(*m) + sizeof(*p));
		m->priv_size = sizeof(*p);
		m->data_off = (uint16_t)(off < 64 ? off : 64);	/* headroom, as a pool's */
		m->data_len = (uint16_t)rule_len(c, i, AREA);
		m->nb_segs = (uint16_t)(i == 0 ? c->n : 1);
		m->pkt_len = i == 0 ? rule_pkt_len(c, AREA) : 0;
		m->next = i + 1 < c->n ? r->m[i + 1] : NULL;
		p = nbshm_mbuf_priv(m);
		NET_BUFFER_SHARED_MEM_HANDLE(&p->shm) = r->handle;
		p->buf_off = (uint32_t)(off - m->data_off);
		p->magic = NBSHM_MBUF_PRIV_MAGIC;
		m->buf_addr = r->mem + p->buf_off;	/* its own buffer, as a pool's */
	}
	return r->m[0];
}

/* The bridge, fused burst and one packet: both must say the same. */
static enum net_buffer_reason
via_bridge(const struct rules *r, const struct rule_case *c)
{
	const NET_BUFFER_SHARED_MEMORY *segs[CAP];
	struct rte_mbuf *m = make_mbufs(r, c);
	unsigned int n_segs = 0, k = 0;
	uint8_t status = 0xff;
	void *first = NULL, *one = NULL;
	enum net_buffer_reason why;

	if (nbshm_mbuf_build_resolve_burst(r->t, &m, 1, CAP, 0, &first, &status, &n_segs) == 0)
		status = NET_BUFFER_OK;
	why = nbshm_mbuf_build_resolve_one(r->t, make_mbufs(r, c), CAP, segs, &one, &k);
	assert_int_equal(why, status);
	if (why == NET_BUFFER_OK) {
		assert_int_equal(n_segs, c->n);
		assert_int_equal(k, c->n);
		assert_ptr_equal(first, r->mem + rule_off(c, 0, AREA));
	}
	return why;
}

/* The same packet as a channel's descriptors, checked over the area. */
static enum net_buffer_reason
via_channel(const struct rules *r, const struct rule_case *c)
{
	struct nbshm_desc d[RULE_MAX_SEGS];
	uint32_t ns = 0;
	unsigned int i;

	memset(d, 0, sizeof(d));
	for (i = 0; i < c->n; i++) {
		d[i].handle = r->handle;
		d[i].offset = (uint32_t)rule_off(c, i, AREA);
		d[i].length = rule_len(c, i, AREA);
		d[i].flags = NBSHM_DESC_F_SHM_VALID | (i + 1 < c->n ? NBSHM_DESC_F_NEXT : 0);
	}
	d[0].pkt_len = rule_pkt_len(c, AREA);
	d[0].n_segs = (uint16_t)c->n;
	return (enum net_buffer_reason)nbshm_chan_check_chain(d, c->n, r->handle, 0, AREA, CAP,
			MTU, &ns);
}

static void
test_same_verdict(void **state)
{
	const struct rules *r = *state;
	unsigned int i;

	for (i = 0; i < RULE_N_CASES; i++) {
		const struct rule_case *c = &rule_cases[i];
		enum net_buffer_reason nb = via_net_buffer(r, c);
		enum net_buffer_reason br = via_bridge(r, c);
		enum net_buffer_reason ch = via_channel(r, c);

		if (nb != c->want || br != c->want || ch != c->want)
			fail_msg("case \"%s\": want %s; NET_BUFFER %s, bridge %s, channel %s",
				c->what, net_buffer_reason_name(c->want),
				net_buffer_reason_name(nb), net_buffer_reason_name(br),
				net_buffer_reason_name(ch));
	}
}

/* The branch-free form agrees with the branching one, at the edges too. */
static void
test_seg_bad_is_seg_rule(void **state)
{
	static const uint64_t areas[] = { 0, 1, 4096, UINT32_MAX, (uint64_t)UINT32_MAX + 1 };
	static const uint32_t vals[] = { 0, 1, 2, 4095, 4096, 4097, UINT32_MAX - 1, UINT32_MAX };
	unsigned int a, o, l;

	(void)state;
	for (a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (o = 0; o < sizeof(vals) / sizeof(vals[0]); o++)
			for (l = 0; l < sizeof(vals) / sizeof(vals[0]); l++) {
				int rule = net_buffer_seg_rule(vals[o], vals[l], 0, areas[a]) !=
					NET_BUFFER_OK;
				int bad = net_buffer_seg_bad(vals[o], vals[l], areas[a]) != 0;

				if (rule != bad)
					fail_msg("area %" PRIu64 " off %u len %u: rule %d, bad %d",
						areas[a], vals[o], vals[l], rule, bad);
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_verdict, rules_setup, rules_teardown),
		cmocka_unit_test(test_seg_bad_is_seg_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
