/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_MBUF_BRIDGE_H
#define NBSHM_MBUF_BRIDGE_H

/**
 * @file
 * The mbuf -> NET_BUFFER bridge.
 *
 * Each mbuf of a region pool carries, in its private area, a NET_BUFFER and
 * the NET_BUFFER_SHARED_MEMORY segment that describes that mbuf's data, so a
 * packet's descriptor chain is built without allocation: segment i sits in
 * the private area of mbuf segment i. The segment's handle (the region of the
 * mbuf's pool) and the region offset of its buffer are set once, when the pool
 * is made; per packet only the offset, length, link and DataLength change.
 *
 * The pool is trusted only while the mbuf still points at its own buffer: a
 * PMD may attach received data to another one (an external buffer: mlx5
 * multi-packet rx queues, LRO; or an indirect mbuf). Such a segment (buf_addr
 * not the region address of its own buffer) is found in the region table by
 * address and described there, or, when no region holds it, the packet is
 * refused (NBSHM_MBUF_STATUS_FOREIGN): no offset is ever computed from a
 * buffer the data is not in.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "net_buffer.h"
#include "nbshm_region_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest segment cap nbshm_mbuf_build_resolve_burst() takes. */
#define NBSHM_MBUF_MAX_SEGS 64

/** Private area of every mbuf of a region pool: one cache line. */
struct nbshm_mbuf_priv {
	NET_BUFFER nb;			/**< the packet (used in the first segment) */
	NET_BUFFER_SHARED_MEMORY shm;	/**< this segment */
	uint32_t buf_off;		/**< region offset of the mbuf's buf_addr */
	uint32_t magic;			/**< NBSHM_MBUF_PRIV_MAGIC */
} __rte_aligned(RTE_MBUF_PRIV_ALIGN);

#define NBSHM_MBUF_PRIV_MAGIC 0x6e627368u	/**< "nbsh" */

/** Private area of an mbuf. */
static inline struct nbshm_mbuf_priv *
nbshm_mbuf_priv(struct rte_mbuf *m)
{
	return (struct nbshm_mbuf_priv *)rte_mbuf_to_priv(m);
}

/**
 * Build the NET_BUFFER of a packet in its mbufs' private areas.
 *
 * One NET_BUFFER_SHARED_MEMORY per mbuf segment: handle = the region of that
 * segment's pool (set when the pool was made), offset = the region offset of
 * the segment's first data byte, length = its data length. No allocation.
 * A packet with nb_segs == 1 is built from its first cache line alone; a
 * chain is walked through m->next, at most @p max_segs links.
 *
 * @param m
 *   First segment of the packet (from a region pool).
 * @param max_segs
 *   Cap on segments.
 * @param segs
 *   Out: the packet's segments are stored here (room for @p max_segs).
 * @param n_segs
 *   Out: number of segments stored in @p segs (valid when NET_BUFFER_OK).
 * @return
 *   NET_BUFFER_OK, NET_BUFFER_TOO_MANY_SEGMENTS (nb_segs over the cap),
 *   NET_BUFFER_LENGTH_MISMATCH (data lengths do not sum to pkt_len) or
 *   NET_BUFFER_BAD_HANDLE (a chained segment from a pool that is not a
 *   region's: no private area, or not one this library initialised).
 *   Handles, bounds and zero lengths are the resolver's job. The first
 *   segment is trusted to come from a region pool (the rx queue's).
 */
static __rte_always_inline enum net_buffer_reason
nbshm_mbuf_to_net_buffer(struct rte_mbuf *m, unsigned int max_segs,
		const NET_BUFFER_SHARED_MEMORY **segs, unsigned int *n_segs)
{
	struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(m);
	NET_BUFFER_SHARED_MEMORY *prev;
	uint64_t total;
	unsigned int i;

	NET_BUFFER_DATA_LENGTH(&p->nb) = m->pkt_len;
	NET_BUFFER_SHARED_MEM_OFFSET(&p->shm) = p->buf_off + m->data_off;
	NET_BUFFER_SHARED_MEM_LENGTH(&p->shm) = m->data_len;
	segs[0] = &p->shm;
	if (likely(m->nb_segs == 1)) {
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&p->shm) = NULL;
		*n_segs = 1;
		return net_buffer_len_rule(m->data_len, m->pkt_len);
	}

	total = m->data_len;
	prev = &p->shm;
	for (i = 1, m = m->next; m != NULL; i++, m = m->next) {
		struct nbshm_mbuf_priv *q;

		if (unlikely(i >= max_segs))
			return NET_BUFFER_TOO_MANY_SEGMENTS;
		/* a segment from a pool that is not a region's has no descriptor */
		if (unlikely(m->priv_size < sizeof(struct nbshm_mbuf_priv)))
			return NET_BUFFER_BAD_HANDLE;
		q = nbshm_mbuf_priv(m);
		if (unlikely(q->magic != NBSHM_MBUF_PRIV_MAGIC))
			return NET_BUFFER_BAD_HANDLE;
		NET_BUFFER_SHARED_MEM_OFFSET(&q->shm) = q->buf_off + m->data_off;
		NET_BUFFER_SHARED_MEM_LENGTH(&q->shm) = m->data_len;
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(prev) = &q->shm;
		segs[i] = &q->shm;
		prev = &q->shm;
		total += m->data_len;
	}
	NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(prev) = NULL;
	*n_segs = i;
	return net_buffer_len_rule(total, NET_BUFFER_DATA_LENGTH(&p->nb));
}

/** The NET_BUFFER of a packet built by nbshm_mbuf_to_net_buffer(). */
static inline NET_BUFFER *
nbshm_mbuf_net_buffer(struct rte_mbuf *m)
{
	return &nbshm_mbuf_priv(m)->nb;
}

/**
 * Status of a packet with a segment whose data is in a buffer that is neither
 * its mbuf's own nor in any region (see the file comment).
 */
#define NBSHM_MBUF_STATUS_FOREIGN (NET_BUFFER_REASON_MAX + 1)

/*
 * Describe segment @p m by the address of its data when the mbuf no longer
 * points at its own buffer. Returns false when no region holds that data.
 * The descriptor's handle then names the region found; the next packet in
 * the mbuf's own buffer is found here again (its handle no longer matches).
 * A handle that names no region is left to the resolver (bad_handle or
 * stale_generation: the pool's region is gone).
 */
static inline bool
nbshm_mbuf_seg_rebase(const struct nbshm_region_table *t, struct rte_mbuf *m,
		NET_BUFFER_SHARED_MEMORY *shm, uint32_t buf_off)
{
	const struct nbshm_region_entry *e =
		nbshm_region_table_entry(t, NET_BUFFER_SHARED_MEM_HANDLE(shm));
	uint64_t h;
	uint32_t off;

	if (e == NULL || likely((uint8_t *)m->buf_addr == e->base + buf_off))
		return true;
	h = nbshm_region_table_find(t, rte_pktmbuf_mtod(m, const void *), m->data_len, &off);
	if (h == 0)
		return false;
	NET_BUFFER_SHARED_MEM_HANDLE(shm) = h;
	NET_BUFFER_SHARED_MEM_OFFSET(shm) = off;
	return true;
}

/*
 * Full checks of one packet: build its chain, resolve every segment. Used for
 * chains and for bursts where the one-pass check saw something wrong.
 * *first and *n_segs are written only when every check passed. Returns an
 * enum net_buffer_reason, or NBSHM_MBUF_STATUS_FOREIGN.
 */
static inline enum net_buffer_reason
nbshm_mbuf_build_resolve_one(const struct nbshm_region_table *t, struct rte_mbuf *m,
		unsigned int max_segs, const NET_BUFFER_SHARED_MEMORY **segs, void **first,
		unsigned int *n_segs)
{
	enum net_buffer_reason r;
	unsigned int k, i;
	void *ptr, *head = NULL;

	r = nbshm_mbuf_to_net_buffer(m, max_segs, segs, &k);
	if (r != NET_BUFFER_OK)
		return r;
	/* segments whose data is not in their own buffer: described by address */
	for (i = 0; i < k; i++, m = m->next) {
		struct nbshm_mbuf_priv *q = nbshm_mbuf_priv(m);

		if (!nbshm_mbuf_seg_rebase(t, m, &q->shm, q->buf_off))
			return (enum net_buffer_reason)NBSHM_MBUF_STATUS_FOREIGN;
	}
	for (i = 0; i < k; i++) {
		ptr = nbshm_region_resolve_shm(t, segs[i], &r);
		if (r != NET_BUFFER_OK)
			return r;
		if (i == 0)
			head = ptr;
	}
	*first = head;
	*n_segs = k;
	return NET_BUFFER_OK;
}

/**
 * Status of a packet whose segments are all good but whose first segment is
 * shorter than the caller's minimum (see nbshm_mbuf_build_resolve_burst()).
 */
#define NBSHM_MBUF_STATUS_SHORT NET_BUFFER_REASON_MAX

/**
 * Build the NET_BUFFERs of a burst and resolve every segment, in one pass.
 *
 * The same descriptors and checks as nbshm_mbuf_to_net_buffer() followed by
 * nbshm_region_resolve() on each segment, fused so that the common case (one
 * segment per packet, all in one region) writes each NET_BUFFER and checks it
 * from registers: the region slot is looked up only when the handle changes.
 * The segment check is net_buffer_seg_bad(), the branch-free form of the
 * resolver's net_buffer_seg_rule(); one more compare (buf_addr against the
 * region address of the mbuf's own buffer) sends a packet whose data a PMD
 * attached elsewhere to the slow pass. Chains, and bursts in which any check
 * failed, take a second, per-packet pass that runs the full checks and says why.
 *
 * @param t
 *   Region table.
 * @param pkts
 *   @p n packets from region pools.
 * @param n
 *   Packets.
 * @param max_segs
 *   Cap on segments per packet (1..NBSHM_MBUF_MAX_SEGS).
 * @param min_first_len
 *   Bytes the first segment must hold (e.g. an Ethernet header the caller
 *   rewrites), 0 for none.
 * @param first
 *   Out: per packet, the resolved pointer of its first segment, NULL unless
 *   every segment of the packet resolved (a short packet's is set).
 *   May be NULL when the caller touches no bytes (the check still runs).
 * @param status
 *   Out: per packet, an enum net_buffer_reason, NBSHM_MBUF_STATUS_SHORT or
 *   NBSHM_MBUF_STATUS_FOREIGN.
 *   Meaningful only when the return value is not 0 (may be written anyway).
 * @param n_segs
 *   Out: segments built and resolved in the burst: those of the packets all
 *   of whose segments resolved (short ones included).
 * @return
 *   Number of packets whose status is not NET_BUFFER_OK.
 */
static __rte_always_inline unsigned int
nbshm_mbuf_build_resolve_burst(const struct nbshm_region_table *t, struct rte_mbuf **pkts,
		unsigned int n, unsigned int max_segs, uint32_t min_first_len, void **first,
		uint8_t *status, unsigned int *n_segs)
{
	uint64_t last_h = 0, rlen = 0;
	uintptr_t base = 0;
	unsigned int i, n_bad = 0, total = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(m);
		uint64_t h = NET_BUFFER_SHARED_MEM_HANDLE(&p->shm);
		uint64_t off = (uint64_t)p->buf_off + m->data_off;
		uint32_t len = m->data_len;

		NET_BUFFER_DATA_LENGTH(&p->nb) = m->pkt_len;
		NET_BUFFER_SHARED_MEM_OFFSET(&p->shm) = (uint32_t)off;
		NET_BUFFER_SHARED_MEM_LENGTH(&p->shm) = len;
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(&p->shm) = NULL;
		if (unlikely(h != last_h)) {
			const struct nbshm_region_entry *e = nbshm_region_table_entry(t, h);

			if (e == NULL)
				goto slow;
			base = (uintptr_t)e->base;
			rlen = e->len;
			last_h = h;
		}
		/*
		 * predictable branches: a chain, data not in the mbuf's own buffer
		 * (attached by the PMD elsewhere) or any failure goes the slow way
		 */
		if (unlikely(m->nb_segs != 1) ||
				unlikely((uintptr_t)m->buf_addr != base + p->buf_off) ||
				unlikely(len != m->pkt_len) ||
				unlikely(len < min_first_len) ||
				unlikely(net_buffer_seg_bad(off, len, rlen)))
			goto slow;
		if (first != NULL)
			first[i] = (void *)(base + off);
	}
	*n_segs = n;
	return 0;

slow:
	for (i = 0; i < n; i++) {
		const NET_BUFFER_SHARED_MEMORY *segs[NBSHM_MBUF_MAX_SEGS];
		unsigned int k = 0;
		enum net_buffer_reason r;
		void *ptr = NULL;

		r = nbshm_mbuf_build_resolve_one(t, pkts[i], RTE_MIN(max_segs,
			(unsigned int)NBSHM_MBUF_MAX_SEGS), segs, &ptr, &k);
		if (first != NULL)
			first[i] = ptr;
		status[i] = (uint8_t)r;
		if (r == NET_BUFFER_OK &&
				NET_BUFFER_SHARED_MEM_LENGTH(segs[0]) < min_first_len)
			status[i] = NBSHM_MBUF_STATUS_SHORT;
		n_bad += status[i] != NET_BUFFER_OK;
		total += r == NET_BUFFER_OK ? k : 0;
	}
	*n_segs = total;
	return n_bad;
}

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_MBUF_BRIDGE_H */
