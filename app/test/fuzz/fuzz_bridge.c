/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Fuzz target: the mbuf -> NET_BUFFER bridge (lib/region/nbshm_mbuf_bridge.h):
 * nbshm_mbuf_to_net_buffer(), nbshm_mbuf_build_resolve_one() and
 * nbshm_mbuf_build_resolve_burst() on bursts of mbuf chains of any shape. No
 * EAL: the bridge reads only the mbuf header and the private area behind it,
 * so each mbuf is a malloc'd block of exactly sizeof(struct rte_mbuf) + its
 * priv_size, and each region a malloc'd block of exactly its length:
 * AddressSanitizer reports a read past either.
 *
 * What the bridge is promised (its header): the first segment of a packet
 * comes from a region pool (its private area holds the descriptor the pool
 * set up: handle, buf_off = region offset of buf_addr, magic), and the cap is
 * 1..NBSHM_MBUF_MAX_SEGS. The rest is arbitrary: chained segments from region
 * pools, from pools whose region was removed or replaced or is not in this
 * table, from foreign pools with no private area or someone else's; data_off,
 * data_len, pkt_len, nb_segs and next as any (buggy) driver might set them,
 * cycles and segments shared between packets included.
 *
 * Input, little-endian, missing bytes read as 0:
 *   u8  cap (1 + v % 64), u8 min_first_len
 *   u8  slots (1 + v % 4); per slot: u8 op, u16 region length - 1, u8 gen
 *       op bit 0: the region is in the table (else its pool's handle is one
 *       of another table); bit 1: removed after its pool was made; bit 2:
 *       then replaced by a new region (the pool's handle is stale)
 *   u8  mbufs (1 + v % 80), u8 packets (1 + v % 8), per packet: u8 head
 *   per mbuf: u8 kind, u8 slot, u16 buf_off, u16 buf_len, u16 data_off,
 *       u16 data_len, u32 pkt_len, u16 nb_segs, u8 next (>= mbufs: NULL),
 *       u8 flags, then for a foreign private area: u64 handle, u32 buf_off,
 *       u32 magic
 *     kind % 4: 0, 3 a region pool's mbuf (slot >= 0xf0: a handle index past
 *       the table), 1 a foreign pool's with priv_size v % 64 (too small for a
 *       descriptor), 2 a foreign pool's with a private area of descriptor
 *       size holding anything but the magic. A packet's head is always kind 0.
 *     flags bit 0: pkt_len = the sum of data_len along the chain; bit 1:
 *       nb_segs = the chain's length; bit 2: buf_off at the region's end.
 *
 * Checked, per packet, against a model written from the header's text:
 * nbshm_mbuf_to_net_buffer()'s reason and the descriptors it writes (offset
 * buf_off + data_off, length data_len, linked in chain order, DataLength
 * pkt_len, accepted by net_buffer_check() unless a length is 0);
 * nbshm_mbuf_build_resolve_one()'s reason, and every segment it accepts
 * resolving to buf_addr + data_off inside a registered region (its first and
 * last byte read); nbshm_mbuf_build_resolve_burst()'s count of bad packets,
 * statuses, first pointers (NULL unless every segment resolved) and segment
 * count, with and without a first[] array. A packet is accepted only when the
 * chain holds at most cap segments, every one from a region pool and inside a
 * registered region, and the data lengths sum to pkt_len.
 */

#include <stdbool.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fuzz_input.h"
#include "nbshm_mbuf_bridge.h"
#include "test_region_table.h"

#define FUZZ_BR_MAX_SLOTS 4u
#define FUZZ_BR_MAX_MBUFS 80u
#define FUZZ_BR_MAX_PKTS 8u
#define FUZZ_BR_FOREIGN_LEN 4096u
#define FUZZ_BR_PRIV sizeof(struct nbshm_mbuf_priv)

/* A slot of the table, and the pool made from it. */
struct fuzz_br_slot {
	uint8_t *pool_mem;	/* the region the pool's buffers are in */
	uint64_t pool_len;
	uint64_t pool_handle;	/* handle the pool's descriptors carry */
	uint8_t *cur_base;	/* what the table holds now, NULL: empty */
	uint64_t cur_len;
	uint64_t cur_handle;
	uint8_t *other;		/* the region that replaced the pool's, if any */
};

/* One fake mbuf and what the model needs of it. */
struct fuzz_br_mbuf {
	struct rte_mbuf *m;
	bool ours;		/* priv_size and magic say: a region pool's */
	uint64_t handle;	/* ours: descriptor handle */
	uint32_t buf_off;	/* ours: descriptor buf_off */
	uint8_t next;
};

struct fuzz_br {
	struct nbshm_region_table *t;
	uint32_t n_slots;
	struct fuzz_br_slot slot[FUZZ_BR_MAX_SLOTS];
	uint8_t *foreign;	/* buffers of foreign pools */
	unsigned int n_mbufs;
	struct fuzz_br_mbuf mb[FUZZ_BR_MAX_MBUFS];
};

static uint8_t *
fuzz_br_block(size_t len, int fill)
{
	uint8_t *p = malloc(len);

	FUZZ_CHECK(p != NULL);
	memset(p, fill, len);
	return p;
}

static void
fuzz_br_table(struct fuzz_br *b, struct fuzz_input *in)
{
	uint32_t i;

	b->n_slots = 1 + fuzz_input_u8(in) % FUZZ_BR_MAX_SLOTS;
	b->t = nbshm_region_table_create(b->n_slots);
	FUZZ_CHECK(b->t != NULL);
	for (i = 0; i < b->n_slots; i++) {
		struct fuzz_br_slot *s = &b->slot[i];
		uint8_t op = fuzz_input_u8(in);
		uint64_t len = (uint64_t)fuzz_input_u16(in) + 1;
		uint32_t gen = 1 + fuzz_input_u8(in);

		s->pool_mem = fuzz_br_block(len, (int)i);
		s->pool_len = len;
		s->pool_handle = NET_BUFFER_SHM_HANDLE(i, gen);
		if (!(op & 1))
			continue;	/* a pool of another table's region */
		FUZZ_CHECK(test_region_table_set(b->t, i, gen, s->pool_mem, len) == 0);
		s->cur_base = s->pool_mem;
		s->cur_len = len;
		s->cur_handle = s->pool_handle;
		if (!(op & 2))
			continue;
		FUZZ_CHECK(test_region_table_remove(b->t, s->cur_handle) == 0);
		s->cur_base = NULL;
		s->cur_len = 0;
		s->cur_handle = 0;
		if (!(op & 4))
			continue;
		/* a new region in the slot: half the length, the next generation */
		s->other = fuzz_br_block(len / 2 + 1, 0x40 + (int)i);
		FUZZ_CHECK(test_region_table_set(b->t, i, gen + 1, s->other, len / 2 + 1) == 0);
		s->cur_base = s->other;
		s->cur_len = len / 2 + 1;
		s->cur_handle = NET_BUFFER_SHM_HANDLE(i, gen + 1);
	}
}

/* Allocate a fake mbuf: the header, then exactly priv_size bytes. */
static struct rte_mbuf *
fuzz_br_mbuf_alloc(uint16_t priv_size)
{
	struct rte_mbuf *m;
	void *p;

	/* struct rte_mbuf is cache-line aligned; the size stays exact */
	FUZZ_CHECK(posix_memalign(&p, RTE_CACHE_LINE_SIZE, sizeof(*m) + priv_size) == 0);
	m = p;
	memset(m, 0, sizeof(*m) + priv_size);
	m->priv_size = priv_size;
	m->refcnt = 1;
	return m;
}

static void
fuzz_br_mbufs(struct fuzz_br *b, struct fuzz_input *in, const bool *is_head)
{
	unsigned int i;
	uint8_t flags[FUZZ_BR_MAX_MBUFS];

	for (i = 0; i < b->n_mbufs; i++) {
		struct fuzz_br_mbuf *x = &b->mb[i];
		uint8_t kind = fuzz_input_u8(in) % 4;
		uint8_t slot = fuzz_input_u8(in);
		uint16_t buf_off = fuzz_input_u16(in), buf_len = fuzz_input_u16(in);
		struct rte_mbuf *m;

		if (is_head[i])
			kind = 0;
		if (kind == 0 || kind == 3) {
			/* a region pool's mbuf, its descriptor as the pool set it */
			const struct fuzz_br_slot *s;
			struct nbshm_mbuf_priv *p;
			uint8_t *mem;
			uint64_t len;

			m = fuzz_br_mbuf_alloc(FUZZ_BR_PRIV);
			p = nbshm_mbuf_priv(m);
			if (slot >= 0xf0) {
				/* a pool of a table with more slots than this one */
				mem = b->foreign;
				len = FUZZ_BR_FOREIGN_LEN;
				x->handle = NET_BUFFER_SHM_HANDLE(b->n_slots + (slot & 0xf), 1);
			} else {
				s = &b->slot[slot % b->n_slots];
				mem = s->pool_mem;
				len = s->pool_len;
				x->handle = s->pool_handle;
			}
			buf_off %= len;
			buf_len %= len - buf_off + 1;
			x->buf_off = buf_off;
			m->buf_addr = mem + buf_off;
			m->buf_len = buf_len;
			x->ours = true;
			NET_BUFFER_FIRST_SHARED_MEM_INFO(&p->nb) = &p->shm;
			NET_BUFFER_SHARED_MEM_HANDLE(&p->shm) = x->handle;
			p->buf_off = x->buf_off;
			p->magic = NBSHM_MBUF_PRIV_MAGIC;
		} else {
			uint16_t priv = kind == 1 ? slot % FUZZ_BR_PRIV : FUZZ_BR_PRIV;

			m = fuzz_br_mbuf_alloc(priv);
			m->buf_addr = b->foreign + buf_off % FUZZ_BR_FOREIGN_LEN;
			m->buf_len = buf_len;
			x->ours = false;
		}
		m->data_off = fuzz_input_u16(in);
		m->data_len = fuzz_input_u16(in);
		m->pkt_len = fuzz_input_u32(in);
		m->nb_segs = fuzz_input_u16(in);
		x->next = fuzz_input_u8(in);
		flags[i] = fuzz_input_u8(in);
		if (kind == 2) {
			/* someone else's private area of the same size */
			struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(m);

			NET_BUFFER_SHARED_MEM_HANDLE(&p->shm) = fuzz_input_u64(in);
			p->buf_off = fuzz_input_u32(in);
			p->magic = fuzz_input_u32(in);
			if (p->magic == NBSHM_MBUF_PRIV_MAGIC)
				p->magic ^= 1;
		}
		if (kind == 3 && (flags[i] & 4)) {
			/* the buffer at the very end of the region */
			const struct fuzz_br_slot *s = &b->slot[slot % b->n_slots];

			if (slot < 0xf0) {
				x->buf_off = (uint32_t)(s->pool_len - m->buf_len);
				m->buf_addr = s->pool_mem + x->buf_off;
				nbshm_mbuf_priv(m)->buf_off = x->buf_off;
			}
		}
		x->m = m;
	}
	for (i = 0; i < b->n_mbufs; i++)
		b->mb[i].m->next = b->mb[i].next < b->n_mbufs ? b->mb[b->mb[i].next].m : NULL;
	/* lengths that add up, nb_segs that does not lie, when the flags say so */
	for (i = 0; i < b->n_mbufs; i++) {
		struct rte_mbuf *m = b->mb[i].m, *s;
		uint64_t sum = 0;
		unsigned int n = 0;

		for (s = m; s != NULL && n <= NBSHM_MBUF_MAX_SEGS; s = s->next, n++)
			sum += s->data_len;
		if (flags[i] & 1)
			m->pkt_len = (uint32_t)sum;
		if (flags[i] & 2)
			m->nb_segs = (uint16_t)n;
	}
}

static void
fuzz_br_free(struct fuzz_br *b)
{
	unsigned int i;

	for (i = 0; i < b->n_mbufs; i++)
		free(b->mb[i].m);
	for (i = 0; i < b->n_slots; i++) {
		free(b->slot[i].pool_mem);
		free(b->slot[i].other);
	}
	free(b->foreign);
	nbshm_region_table_free(b->t);
}

static const struct fuzz_br_mbuf *
fuzz_br_of(const struct fuzz_br *b, const struct rte_mbuf *m)
{
	unsigned int i;

	for (i = 0; i < b->n_mbufs; i++)
		if (b->mb[i].m == m)
			return &b->mb[i];
	FUZZ_CHECK(false);
	return NULL;
}

/* The model: what a packet's segments are and what the bridge must say. */
struct fuzz_br_model {
	enum net_buffer_reason shape;	/* nbshm_mbuf_to_net_buffer() */
	enum net_buffer_reason full;	/* nbshm_mbuf_build_resolve_one() */
	unsigned int n;			/* segments (shape OK) */
	const struct fuzz_br_mbuf *seg[NBSHM_MBUF_MAX_SEGS];
};

/* The region table's rules, in its order, for one segment of ours. */
static enum net_buffer_reason
fuzz_br_model_resolve(const struct fuzz_br *b, const struct fuzz_br_mbuf *x,
		const uint8_t **ptr)
{
	uint64_t h = x->handle;
	uint32_t idx = NET_BUFFER_SHM_HANDLE_INDEX(h);
	uint64_t off = (uint64_t)x->buf_off + x->m->data_off;
	uint64_t len = x->m->data_len;
	const struct fuzz_br_slot *s;

	*ptr = NULL;
	if (idx >= b->n_slots || NET_BUFFER_SHM_HANDLE_GEN(h) == 0)
		return NET_BUFFER_BAD_HANDLE;
	s = &b->slot[idx];
	if (s->cur_base == NULL)
		return NET_BUFFER_BAD_HANDLE;
	if (s->cur_handle != h)
		return NET_BUFFER_STALE_GENERATION;
	if (len == 0)
		return NET_BUFFER_ZERO_LENGTH;
	if (off + len > s->cur_len)
		return NET_BUFFER_OUT_OF_BOUNDS;
	/* the region now in the slot is the one the pool's buffers are in */
	FUZZ_CHECK(s->cur_base == s->pool_mem);
	*ptr = s->cur_base + off;
	FUZZ_CHECK(*ptr == (const uint8_t *)x->m->buf_addr + x->m->data_off);
	return NET_BUFFER_OK;
}

static void
fuzz_br_model(const struct fuzz_br *b, struct rte_mbuf *head, unsigned int cap,
		struct fuzz_br_model *md)
{
	const struct fuzz_br_mbuf *x = fuzz_br_of(b, head);
	uint64_t total = head->data_len;
	struct rte_mbuf *m;
	unsigned int i;

	memset(md, 0, sizeof(*md));
	FUZZ_CHECK(x->ours);
	md->seg[0] = x;
	md->n = 1;
	/* one segment: the first cache line alone, m->next not looked at */
	md->shape = NET_BUFFER_OK;
	for (m = head->nb_segs != 1 ? head->next : NULL; m != NULL; m = m->next) {
		x = fuzz_br_of(b, m);
		if (md->n >= cap) {
			md->shape = NET_BUFFER_TOO_MANY_SEGMENTS;
			break;
		}
		if (!x->ours) {
			md->shape = NET_BUFFER_BAD_HANDLE;
			break;
		}
		md->seg[md->n++] = x;
		total += m->data_len;
	}
	if (md->shape == NET_BUFFER_OK && total != head->pkt_len)
		md->shape = NET_BUFFER_LENGTH_MISMATCH;
	md->full = md->shape;
	for (i = 0; i < md->n && md->full == NET_BUFFER_OK; i++) {
		const uint8_t *p;

		md->full = fuzz_br_model_resolve(b, md->seg[i], &p);
	}
}

/* The descriptors nbshm_mbuf_to_net_buffer() wrote for an accepted packet. */
static void
fuzz_br_check_descs(const struct fuzz_br_model *md, struct rte_mbuf *head,
		const NET_BUFFER_SHARED_MEMORY **segs, unsigned int cap)
{
	NET_BUFFER *nb = nbshm_mbuf_net_buffer(head);
	enum net_buffer_reason why;
	bool zero = false;
	unsigned int i, n;

	FUZZ_CHECK(NET_BUFFER_DATA_LENGTH(nb) == head->pkt_len);
	FUZZ_CHECK(NET_BUFFER_FIRST_SHARED_MEM_INFO(nb) == segs[0]);
	for (i = 0; i < md->n; i++) {
		const struct fuzz_br_mbuf *x = md->seg[i];
		const NET_BUFFER_SHARED_MEMORY *s = segs[i];

		FUZZ_CHECK(s == &nbshm_mbuf_priv(x->m)->shm);
		FUZZ_CHECK(NET_BUFFER_SHARED_MEM_HANDLE(s) == x->handle);
		FUZZ_CHECK(NET_BUFFER_SHARED_MEM_OFFSET(s) == x->buf_off + x->m->data_off);
		FUZZ_CHECK(NET_BUFFER_SHARED_MEM_LENGTH(s) == x->m->data_len);
		FUZZ_CHECK(NET_BUFFER_SHARED_MEM_FLAGS(s) == 0);
		FUZZ_CHECK(NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s) ==
				(i + 1 < md->n ? segs[i + 1] : NULL));
		zero |= x->m->data_len == 0;
	}
	/* the NET_BUFFER as a consumer would check it */
	n = net_buffer_check(nb, cap, &why);
	if (zero)
		FUZZ_CHECK(n == 0 && why == NET_BUFFER_ZERO_LENGTH);
	else
		FUZZ_CHECK(n == md->n && why == NET_BUFFER_OK);
}

/* Every segment of an accepted packet: where the model says, readable. */
static void
fuzz_br_check_resolved(const struct fuzz_br *b, const struct fuzz_br_model *md,
		const NET_BUFFER_SHARED_MEMORY **segs, const void *first)
{
	unsigned int i;

	for (i = 0; i < md->n; i++) {
		const struct fuzz_br_mbuf *x = md->seg[i];
		enum net_buffer_reason why;
		const uint8_t *want;
		volatile const uint8_t *p;

		FUZZ_CHECK(fuzz_br_model_resolve(b, x, &want) == NET_BUFFER_OK);
		p = nbshm_region_resolve_shm(b->t, segs[i], &why);
		FUZZ_CHECK(why == NET_BUFFER_OK && p == want);
		if (i == 0)
			FUZZ_CHECK(first == want);
		(void)p[0];
		(void)p[x->m->data_len - 1];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const NET_BUFFER_SHARED_MEMORY *segs[NBSHM_MBUF_MAX_SEGS];
	struct fuzz_br_model model[FUZZ_BR_MAX_PKTS];
	struct rte_mbuf *pkts[FUZZ_BR_MAX_PKTS];
	void *first[FUZZ_BR_MAX_PKTS];
	uint8_t status[FUZZ_BR_MAX_PKTS], want_status[FUZZ_BR_MAX_PKTS];
	bool is_head[FUZZ_BR_MAX_MBUFS] = { false };
	uint8_t heads[FUZZ_BR_MAX_PKTS];
	unsigned int cap, n_pkts, i, k, n_bad, want_bad = 0, n_segs, want_segs = 0;
	uint32_t min_first;
	struct fuzz_input in;
	struct fuzz_br b;

	memset(&b, 0, sizeof(b));
	fuzz_input_init(&in, data, size);
	cap = 1 + fuzz_input_u8(&in) % NBSHM_MBUF_MAX_SEGS;
	min_first = fuzz_input_u8(&in);
	fuzz_br_table(&b, &in);
	b.foreign = fuzz_br_block(FUZZ_BR_FOREIGN_LEN, 0xf0);
	b.n_mbufs = 1 + fuzz_input_u8(&in) % FUZZ_BR_MAX_MBUFS;
	n_pkts = 1 + fuzz_input_u8(&in) % FUZZ_BR_MAX_PKTS;
	for (i = 0; i < n_pkts; i++) {
		heads[i] = fuzz_input_u8(&in) % b.n_mbufs;
		is_head[heads[i]] = true;
	}
	fuzz_br_mbufs(&b, &in, is_head);

	/* per packet: the shape, then the full check */
	for (i = 0; i < n_pkts; i++) {
		struct fuzz_br_model *md = &model[i];
		enum net_buffer_reason r;
		void *p = (void *)&b;

		pkts[i] = b.mb[heads[i]].m;
		fuzz_br_model(&b, pkts[i], cap, md);

		k = 0;
		r = nbshm_mbuf_to_net_buffer(pkts[i], cap, segs, &k);
		FUZZ_CHECK(r == md->shape);
		if (r == NET_BUFFER_OK) {
			FUZZ_CHECK(k == md->n);
			fuzz_br_check_descs(md, pkts[i], segs, cap);
		}

		k = 0;
		r = nbshm_mbuf_build_resolve_one(b.t, pkts[i], cap, segs, &p, &k);
		FUZZ_CHECK(r == md->full);
		if (r == NET_BUFFER_OK) {
			FUZZ_CHECK(k == md->n && k <= cap);
			fuzz_br_check_descs(md, pkts[i], segs, cap);
			fuzz_br_check_resolved(&b, md, segs, p);
		}

		want_status[i] = (uint8_t)md->full;
		if (md->full == NET_BUFFER_OK && pkts[i]->data_len < min_first)
			want_status[i] = NBSHM_MBUF_STATUS_SHORT;
		want_bad += want_status[i] != NET_BUFFER_OK;
		want_segs += md->full == NET_BUFFER_OK ? md->n : 0;
	}

	/* the burst, with and without first pointers */
	memset(status, 0xee, sizeof(status));
	memset(first, 0xee, sizeof(first));
	n_segs = ~0u;
	n_bad = nbshm_mbuf_build_resolve_burst(b.t, pkts, n_pkts, cap, min_first, first,
			status, &n_segs);
	FUZZ_CHECK(n_bad == want_bad);
	FUZZ_CHECK(n_segs == want_segs);
	for (i = 0; i < n_pkts; i++) {
		const uint8_t *want = NULL;

		if (n_bad != 0)
			FUZZ_CHECK(status[i] == want_status[i]);
		if (model[i].full == NET_BUFFER_OK)
			FUZZ_CHECK(fuzz_br_model_resolve(&b, model[i].seg[0], &want) ==
					NET_BUFFER_OK);
		FUZZ_CHECK(first[i] == want);
	}
	memset(status, 0xee, sizeof(status));
	n_segs = ~0u;
	FUZZ_CHECK(nbshm_mbuf_build_resolve_burst(b.t, pkts, n_pkts, cap, min_first, NULL,
			status, &n_segs) == want_bad);
	FUZZ_CHECK(n_segs == want_segs);
	for (i = 0; i < n_pkts && want_bad != 0; i++)
		FUZZ_CHECK(status[i] == want_status[i]);

	fuzz_br_free(&b);
	return 0;
}
