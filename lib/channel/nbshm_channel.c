/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Channel layout checks, ring binding and descriptor chain validation.
 * Plain C: the consumer side links this without DPDK.
 */

#include <stddef.h>
#include <stdint.h>

#include "nbshm_channel.h"

/* The reasons past those a NET_BUFFER shares (net_buffer_reason_name() names those). */
static const char * const nbshm_chan_reason_names[NBSHM_CHAN_REASON_MAX] = {
	[NBSHM_CHAN_TRUNCATED] = "truncated",
	[NBSHM_CHAN_NOT_LENT] = "not_lent",
	[NBSHM_CHAN_MISALIGNED] = "misaligned",
	[NBSHM_CHAN_INDEX_JUMP] = "index_jump",
};

const char *
nbshm_chan_reason_name(unsigned int reason)
{
	if (reason < NET_BUFFER_REASON_MAX)
		return net_buffer_reason_name((enum net_buffer_reason)reason);
	return reason < NBSHM_CHAN_REASON_MAX ? nbshm_chan_reason_names[reason] : "unknown";
}

static int
nbshm_chan_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* [off, off + len) inside [0, size), no overflow. */
static int
nbshm_chan_inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* [a, a + alen) and [b, b + blen) overlap (both already inside a region). */
static int
nbshm_chan_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

const char *
nbshm_chan_layout_check(const struct nbshm_chan_layout *l)
{
	uint64_t rings_len, tx_len;

	if (l == NULL)
		return "no layout";
	if (l->region_size == 0 || l->region_size % NBSHM_CHAN_PAGE != 0)
		return "region_size is 0 or not a multiple of 4096";
	if (NET_BUFFER_SHM_HANDLE_GEN(l->handle) == 0)
		return "handle has generation 0";
	if (!nbshm_chan_pow2(l->ring_size) || l->ring_size < NBSHM_CHAN_RING_SIZE_MIN ||
			l->ring_size > NBSHM_CHAN_RING_SIZE_MAX)
		return "ring_size is not a power of two in 16..16384";
	if (l->n_qp == 0 || l->n_qp > NBSHM_CHAN_MAX_QP)
		return "n_qp is not in 1..64";
	if (l->max_segs == 0 || l->max_segs > NBSHM_CHAN_MAX_SEGS)
		return "max_segs is not in 1..32";
	if (l->mtu < NBSHM_CHAN_MTU_MIN || l->mtu > NBSHM_CHAN_MTU_MAX)
		return "mtu is not in 64..65535";
	if (l->rings_off < NBSHM_REGION_DATA_OFFSET || l->rings_off % NBSHM_CHAN_CACHE_LINE != 0)
		return "rings_off is inside the region header or not 64-byte aligned";
	if (l->ring_stride < NBSHM_RING_BYTES(l->ring_size) ||
			l->ring_stride % NBSHM_CHAN_CACHE_LINE != 0 ||
			l->ring_stride > l->region_size)
		return "ring_stride is smaller than a ring or not 64-byte aligned";
	/* the division keeps ring_stride * rings from wrapping 64 bits */
	if (l->ring_stride > l->region_size / NBSHM_CHAN_N_RINGS(l->n_qp))
		return "rings do not fit in the region";
	rings_len = l->ring_stride * NBSHM_CHAN_N_RINGS(l->n_qp);
	if (!nbshm_chan_inside(l->rings_off, rings_len, l->region_size))
		return "rings do not fit in the region";
	if (l->rx_off % NBSHM_CHAN_PAGE != 0 || l->rx_len == 0 ||
			!nbshm_chan_inside(l->rx_off, l->rx_len, l->region_size))
		return "rx area is empty, not 4096-aligned or outside the region";
	if (l->tx_buf_size < NBSHM_CHAN_TX_BUF_MIN || l->n_tx_bufs == 0)
		return "tx_buf_size below 64 or no tx buffers";
	tx_len = (uint64_t)l->tx_buf_size * l->n_tx_bufs;
	if (l->tx_off % NBSHM_CHAN_PAGE != 0 ||
			!nbshm_chan_inside(l->tx_off, tx_len, l->region_size))
		return "tx area is not 4096-aligned or outside the region";
	if (l->rx_off > UINT32_MAX || l->rx_len > UINT32_MAX - l->rx_off ||
			l->tx_off > UINT32_MAX || tx_len > UINT32_MAX - l->tx_off)
		return "an area ends beyond the 32-bit offsets of descriptors";
	if (nbshm_chan_overlap(l->rings_off, rings_len, l->tx_off, tx_len))
		return "rings and tx area overlap";
	/* version 3: [0, rx_off) is the control file, [rx_off, region_size) the rx file */
	if (l->rings_off + rings_len > l->rx_off || l->tx_off + tx_len > l->rx_off)
		return "rings or tx area overlap the rx area or lie after it (the control file "
			"is [0, rx_off))";
	return NULL;
}

void
nbshm_ring_init(struct nbshm_ring *r, uint8_t *base, const struct nbshm_chan_layout *l,
		unsigned int idx, bool writer)
{
	r->hdr = nbshm_chan_ring(base, l, idx);
	r->desc = nbshm_ring_descs(r->hdr);
	r->size = l->ring_size;
	r->mask = l->ring_size - 1;
	r->idx = writer ? nbshm_load_acquire(&r->hdr->head) :
		nbshm_load_acquire(&r->hdr->tail);
	r->jumps = 0;
	r->bad = 0;
	r->peer = r->idx - r->size;	/* "full": the first nbshm_ring_room() reads tail */
	r->kicked = r->idx;
}

enum nbshm_chan_reason
nbshm_chan_check_chain(const struct nbshm_desc *d, uint32_t avail, uint64_t handle,
		uint64_t area_off, uint64_t area_len, uint32_t max_segs, uint32_t mtu,
		uint32_t *n_segs_out)
{
	enum nbshm_chan_reason why;
	uint32_t n = d[0].n_segs, i;
	uint64_t sum = 0;

	*n_segs_out = 1;
	if (n == 0 || n > max_segs)
		return NBSHM_CHAN_TOO_MANY_SEGMENTS;
	if (n > avail)
		return NBSHM_CHAN_TRUNCATED;
	*n_segs_out = n;
	for (i = 0; i < n; i++) {
		const struct nbshm_desc *s = &d[i];
		uint32_t want_next = i + 1 < n ? NBSHM_DESC_F_NEXT : 0;

		if ((s->flags & ~NBSHM_DESC_F_ALL) != 0 ||
				(s->flags & NBSHM_DESC_F_NEXT) != want_next ||
				s->reserved0 != 0 || s->reserved1 != 0 ||
				(i > 0 && (s->n_segs != 0 || s->pkt_len != 0)))
			return NBSHM_CHAN_BAD_FLAGS;
		why = nbshm_chan_handle_rule(s->handle, handle);
		if (why != NBSHM_CHAN_OK)
			return why;
		why = (enum nbshm_chan_reason)net_buffer_seg_rule(s->offset, s->length,
				area_off, area_len);
		if (why != NBSHM_CHAN_OK)
			return why;
		sum += s->length;
	}
	if (net_buffer_len_rule(sum, d[0].pkt_len) != NET_BUFFER_OK || d[0].pkt_len > mtu)
		return NBSHM_CHAN_LENGTH_MISMATCH;
	return NBSHM_CHAN_OK;
}
