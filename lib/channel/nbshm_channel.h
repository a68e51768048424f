/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_CHANNEL_H
#define NBSHM_CHANNEL_H

/**
 * @file
 * The channel between nbfwd (the producer) and one consumer queue: single-
 * producer/single-consumer descriptor rings that live in the consumer's own
 * shared region. Plain C11, no DPDK dependency: the consumer side builds with
 * this header, net_buffer.h and libc alone.
 *
 * A consumer queue has its own region: one offset space made of two files
 * (protocol version 3). Its layout, every offset chosen by the producer and
 * sent in the attach reply (struct nbshm_chan_layout), is:
 *
 *     control file [0, rx_off)             rx file [rx_off, region_size)
 *     [header page][rings][tx buffers]     [rx buffers: lent by the producer]
 *
 * The consumer maps the control file read-write and the rx file read-only
 * (sealed against writes, shrinking and growing before it is handed out).
 *
 * Rings, in ring-index order (each ring a header of two cache lines, then
 * ring_size descriptors of 32 bytes):
 *
 *     2*i     rx[i]     producer -> consumer  packets received for it (chains)
 *     2*i+1   ret[i]    consumer -> producer  rx packets it is done with
 *     2*n_qp  tx        consumer -> producer  packets to send, in tx buffers
 *     2*n_qp+1 txdone   producer -> consumer  tx buffers given back
 *
 * for i in 0..n_qp-1 (one rx/ret pair per producer lcore, so every ring has
 * exactly one writer). A packet lent on rx[i] is returned on ret[i].
 *
 * Rings use free-running 32-bit indices: the writer owns @c head, the reader
 * owns @c tail; entries are published with release stores and taken with
 * acquire loads. Each side keeps its own copy of the index it owns and of the
 * ring size (from the handshake, never re-read from shared memory); the peer's
 * index is untrusted: nbshm_ring_avail() and nbshm_ring_free() clamp a peer
 * that jumps by more than the ring size, and report it. A writer asks
 * nbshm_ring_room() for the room it needs: answered from the reader's index
 * as last read while that covers it, so most bursts leave the reader's cache
 * line where it is. The reader's need_wakeup word sits in the writer's line
 * for the same reason (see struct nbshm_ring_hdr).
 *
 * Buffer ownership: an rx buffer belongs to the producer until it is lent on
 * rx[i], to the consumer until it comes back on ret[i], and is reused only
 * after that. A tx buffer belongs to the consumer until it posts it on tx, to
 * the producer until the producer gives it back on txdone.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_buffer.h"
#include "nbshm_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the NDIS flag, as the wire header spells it */
NBSHM_WIRE_ASSERT(NBSHM_DESC_F_SHM_VALID == NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID,
	"SHM_VALID is the NDIS receive flag");

/**
 * Check a layout against the region size it describes: ring size a power of
 * two within limits, n_qp within limits, areas inside the region and not
 * overlapping, the rings and the tx area before rx_off (in the control file),
 * alignments, tx buffers non-zero, max_segs within limits.
 *
 * @return
 *   NULL when it is sound, else a static sentence naming the bad field.
 */
const char *nbshm_chan_layout_check(const struct nbshm_chan_layout *l);

/** Address of ring @p idx's header in a region mapped at @p base. */
static inline struct nbshm_ring_hdr *
nbshm_chan_ring(uint8_t *base, const struct nbshm_chan_layout *l, unsigned int idx)
{
	return (struct nbshm_ring_hdr *)(base + l->rings_off + (uint64_t)idx * l->ring_stride);
}

/** Descriptors of a ring. */
static inline struct nbshm_desc *
nbshm_ring_descs(struct nbshm_ring_hdr *r)
{
	return (struct nbshm_desc *)(r + 1);
}

static inline uint32_t
nbshm_load_acquire(const volatile uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
nbshm_store_release(volatile uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/**
 * One side's private view of a ring: the pointers and the index it owns.
 * Lives in private memory; size and mask come from the handshake.
 */
struct nbshm_ring {
	struct nbshm_ring_hdr *hdr;	/**< in shared memory */
	struct nbshm_desc *desc;	/**< in shared memory */
	uint32_t size;			/**< entries (power of two) */
	uint32_t mask;			/**< size - 1 */
	uint32_t idx;			/**< writer: our head; reader: our tail */
	uint32_t jumps;			/**< times the peer's index went out of range */
	uint32_t bad;			/**< the peer's index is out of range now */
	uint32_t peer;			/**< writer: the reader's tail as last read */
	uint32_t kicked;		/**< writer: our head when we last signalled */
};

/**
 * Bind a private view to ring @p idx of a mapped channel. @p writer selects
 * which index this side owns; the owned index starts from what shared memory
 * holds now (0 on a fresh channel).
 */
void nbshm_ring_init(struct nbshm_ring *r, uint8_t *base, const struct nbshm_chan_layout *l,
		unsigned int idx, bool writer);

/**
 * Entries a reader may take now. The writer's head is untrusted: if it is
 * more than size entries ahead of our tail (or behind it), the count is
 * clamped to size (or 0) and r->jumps is bumped, once per episode (until the
 * peer's index is in range again).
 */
static inline uint32_t
nbshm_ring_avail(struct nbshm_ring *r)
{
	uint32_t n = nbshm_load_acquire(&r->hdr->head) - r->idx;

	if (__builtin_expect(n <= r->size, 1)) {
		if (__builtin_expect(r->bad != 0, 0))
			r->bad = 0;
		return n;
	}
	if (r->bad == 0) {
		r->jumps++;
		r->bad = 1;
	}
	/* "behind" (negative as int32) is nothing to read; far ahead is clamped */
	return (int32_t)n < 0 ? 0 : r->size;
}

/**
 * Entries a writer may fill now. The reader's tail is untrusted: a tail ahead
 * of our head, or more than size behind it, is treated as a full ring and
 * counted once per episode.
 */
static inline uint32_t
nbshm_ring_free(struct nbshm_ring *r)
{
	uint32_t tail = nbshm_load_acquire(&r->hdr->tail);
	uint32_t used = r->idx - tail;

	if (__builtin_expect(used <= r->size, 1)) {
		if (__builtin_expect(r->bad != 0, 0))
			r->bad = 0;
		r->peer = tail;
		return r->size - used;
	}
	if (r->bad == 0) {
		r->jumps++;
		r->bad = 1;
	}
	r->peer = r->idx - r->size;
	return 0;	/* full until the reader behaves */
}

/**
 * Entries a writer may fill now, for a writer that needs @p want of them:
 * answered from the reader's tail as last read (nbshm_ring_free()) while that
 * leaves at least @p want, else from the tail read again. A well-behaved
 * tail only moves forward, so the answer never exceeds nbshm_ring_free()'s;
 * most bursts then do not fetch the reader's cache line from its core.
 */
static inline uint32_t
nbshm_ring_room(struct nbshm_ring *r, uint32_t want)
{
	uint32_t room = r->size - (r->idx - r->peer);

	if (__builtin_expect(room >= want && r->bad == 0, 1))
		return room;
	return nbshm_ring_free(r);
}

/** Reader: entry @p i (0-based) after our tail, in shared memory. */
static inline const struct nbshm_desc *
nbshm_ring_peek(const struct nbshm_ring *r, uint32_t i)
{
	return &r->desc[(r->idx + i) & r->mask];
}

/** Writer: entry @p i after our head, in shared memory. */
static inline struct nbshm_desc *
nbshm_ring_slot(const struct nbshm_ring *r, uint32_t i)
{
	return &r->desc[(r->idx + i) & r->mask];
}

/** Reader: release @p n entries (publish the new tail). */
static inline void
nbshm_ring_consume(struct nbshm_ring *r, uint32_t n)
{
	r->idx += n;
	nbshm_store_release(&r->hdr->tail, r->idx);
}

/** Writer: publish @p n filled entries (release: descriptors before head). */
static inline void
nbshm_ring_produce(struct nbshm_ring *r, uint32_t n)
{
	r->idx += n;
	nbshm_store_release(&r->hdr->head, r->idx);
}

/**
 * Copy @p n descriptors after our tail out of shared memory into @p out
 * (private), so that only the copy is validated and used. Does not consume.
 * @p n must be <= nbshm_ring_avail().
 */
static inline void
nbshm_ring_copy_out(const struct nbshm_ring *r, struct nbshm_desc *out, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		out[i] = *nbshm_ring_peek(r, i);
}

/** Why a descriptor chain read from a ring was rejected. */
enum nbshm_chan_reason {
	NBSHM_CHAN_OK = 0,
	NBSHM_CHAN_BAD_HANDLE,		/**< handle is not this channel's region */
	NBSHM_CHAN_STALE_GENERATION,	/**< right region, old generation */
	NBSHM_CHAN_OUT_OF_BOUNDS,	/**< offset/length outside the allowed area */
	NBSHM_CHAN_ZERO_LENGTH,		/**< a segment of length 0 */
	NBSHM_CHAN_TOO_MANY_SEGMENTS,	/**< n_segs 0 or over the cap */
	NBSHM_CHAN_LENGTH_MISMATCH,	/**< lengths do not sum to pkt_len, or pkt_len > mtu */
	NBSHM_CHAN_BAD_FLAGS,		/**< unknown flag bits, NEXT wrong, reserved != 0 */
	NBSHM_CHAN_TRUNCATED,		/**< chain runs past the entries available */
	NBSHM_CHAN_NOT_LENT,		/**< returned buffer is not lent to this consumer */
	NBSHM_CHAN_MISALIGNED,		/**< offset is not where a buffer starts its data */
	NBSHM_CHAN_INDEX_JUMP,		/**< peer moved a ring index by more than its size */
	NBSHM_CHAN_REASON_MAX,
};

/* the reasons a segment shares with a NET_BUFFER come from net_buffer.h's rules */
NBSHM_WIRE_ASSERT(NBSHM_CHAN_BAD_HANDLE == (int)NET_BUFFER_BAD_HANDLE &&
	NBSHM_CHAN_STALE_GENERATION == (int)NET_BUFFER_STALE_GENERATION &&
	NBSHM_CHAN_OUT_OF_BOUNDS == (int)NET_BUFFER_OUT_OF_BOUNDS &&
	NBSHM_CHAN_ZERO_LENGTH == (int)NET_BUFFER_ZERO_LENGTH &&
	NBSHM_CHAN_TOO_MANY_SEGMENTS == (int)NET_BUFFER_TOO_MANY_SEGMENTS &&
	NBSHM_CHAN_LENGTH_MISMATCH == (int)NET_BUFFER_LENGTH_MISMATCH &&
	NBSHM_CHAN_BAD_FLAGS == (int)NET_BUFFER_BAD_FLAGS &&
	NBSHM_CHAN_TRUNCATED == (int)NET_BUFFER_REASON_MAX, "channel reasons = NET_BUFFER reasons");

/**
 * The handle rule of a channel: a descriptor names the channel's region with
 * its current generation (@p want, layout.handle).
 *
 * @return
 *   NBSHM_CHAN_OK, NBSHM_CHAN_STALE_GENERATION (right region index, another
 *   generation) or NBSHM_CHAN_BAD_HANDLE.
 */
static inline enum nbshm_chan_reason
nbshm_chan_handle_rule(uint64_t handle, uint64_t want)
{
	if (__builtin_expect(handle == want, 1))
		return NBSHM_CHAN_OK;
	return NET_BUFFER_SHM_HANDLE_INDEX(handle) == NET_BUFFER_SHM_HANDLE_INDEX(want) ?
		NBSHM_CHAN_STALE_GENERATION : NBSHM_CHAN_BAD_HANDLE;
}

/** Short name of a reason ("bad_handle", ..., "index_jump"); "unknown" if out of range. */
const char *nbshm_chan_reason_name(unsigned int reason);

/**
 * Validate one packet's chain of descriptors, already copied out of shared
 * memory: @p d[0] is its first segment, @p avail entries are readable.
 * Checks: flags (only NBSHM_DESC_F_ALL, NEXT on all but the last, reserved 0),
 * 1 <= n_segs <= max_segs and <= avail, every handle by
 * nbshm_chan_handle_rule(), every segment by net_buffer_seg_rule() over
 * [area_off, area_off+area_len), the lengths by net_buffer_len_rule()
 * against pkt_len, and pkt_len <= @p mtu.
 *
 * @param n_segs_out
 *   Set to the chain's entry count when it could be read (even when the chain
 *   is rejected for another reason), so the caller can skip it; 1 otherwise.
 * @return
 *   NBSHM_CHAN_OK or the first reason found.
 */
enum nbshm_chan_reason nbshm_chan_check_chain(const struct nbshm_desc *d, uint32_t avail,
		uint64_t handle, uint64_t area_off, uint64_t area_len, uint32_t max_segs,
		uint32_t mtu, uint32_t *n_segs_out);

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_CHANNEL_H */
