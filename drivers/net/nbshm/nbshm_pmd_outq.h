/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_PMD_OUTQ_H
#define NBSHM_PMD_OUTQ_H

/**
 * @file
 * The records of packets the PMD handed to the application, in the order it
 * handed them out, each with a done flag that the mbuf free callback sets
 * (a plain release store, from any lcore: no lock, no atomic read-modify-
 * write). Only the rx thread pushes and collects. No DPDK dependency (unit
 * tested on its own).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A FIFO of record pointers; the caller owns the slot array. */
struct nbshm_pmd_outq {
	void **slot;		/**< mask + 1 entries */
	uint32_t mask;		/**< entries - 1, entries a power of two */
	uint32_t head;		/**< next slot to fill (free running) */
	uint32_t tail;		/**< oldest record out (free running) */
	size_t done_off;	/**< offset of the uint32_t done flag in a record */
};

/** Bind @p q to @p slot (@p n_pow2 entries, a power of two). */
static inline void
nbshm_pmd_outq_init(struct nbshm_pmd_outq *q, void **slot, uint32_t n_pow2, size_t done_off)
{
	q->slot = slot;
	q->mask = n_pow2 - 1;
	q->head = 0;
	q->tail = 0;
	q->done_off = done_off;
}

/** Records out now. */
static inline uint32_t
nbshm_pmd_outq_count(const struct nbshm_pmd_outq *q)
{
	return q->head - q->tail;
}

/** Record @p rec goes out last (its done flag is the caller's to set). */
static inline void
nbshm_pmd_outq_push(struct nbshm_pmd_outq *q, void *rec)
{
	q->slot[q->head++ & q->mask] = rec;
}

static inline bool
nbshm_pmd_outq_done(const struct nbshm_pmd_outq *q, const void *rec)
{
	return __atomic_load_n((const uint32_t *)((const char *)rec + q->done_off),
		__ATOMIC_ACQUIRE) != 0;
}

/**
 * Move done records to @p pend (which holds @p n_pend already) until it holds
 * @p max: oldest first, stopping at the first record still held, which is
 * what an application that frees in the order it received leaves. When that
 * gives nothing and @p sweep is set (the caller is short of records), look at
 * every record out instead, keeping the order of those that stay.
 * @return the new count in @p pend.
 */
static inline uint32_t
nbshm_pmd_outq_collect(struct nbshm_pmd_outq *q, void **pend, uint32_t n_pend, uint32_t max,
		bool sweep)
{
	uint32_t first = n_pend, r, w;
	void *rec;

	while (n_pend < max && q->tail != q->head) {
		rec = q->slot[q->tail & q->mask];
		if (!nbshm_pmd_outq_done(q, rec))
			break;
		pend[n_pend++] = rec;
		q->tail++;
	}
	if (n_pend != first || !sweep || q->tail == q->head)
		return n_pend;
	for (r = w = q->tail; r != q->head; r++) {
		rec = q->slot[r & q->mask];
		if (n_pend < max && nbshm_pmd_outq_done(q, rec))
			pend[n_pend++] = rec;
		else
			q->slot[w++ & q->mask] = rec;
	}
	q->head = w;
	return n_pend;
}

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_PMD_OUTQ_H */
