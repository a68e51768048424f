/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef TEST_CHAN_LAYOUT_H
#define TEST_CHAN_LAYOUT_H

/*
 * A channel layout placed as nbfwd places one (version 3): a header page,
 * the rings, the tx area (the control file ends there), then the rx area.
 */

#include <stdint.h>
#include <string.h>

#include "nbshm_channel.h"

static inline uint64_t
test_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * A layout of @p n_qp queue pairs with rings of @p ring_size, @p n_tx_bufs tx
 * buffers of @p tx_buf_size and an rx area of @p rx_len, on pages of @p page
 * bytes; the caller sets max_segs and mtu.
 */
static inline void
test_chan_layout(struct nbshm_chan_layout *l, uint64_t handle, uint32_t ring_size,
		uint32_t n_qp, uint32_t n_tx_bufs, uint32_t tx_buf_size, uint64_t rx_len,
		uint64_t page)
{
	memset(l, 0, sizeof(*l));
	l->handle = handle;
	l->ring_size = ring_size;
	l->n_qp = n_qp;
	l->tx_buf_size = tx_buf_size;
	l->n_tx_bufs = n_tx_bufs;
	l->rx_len = rx_len;
	l->rings_off = page;
	l->ring_stride = test_align_up(NBSHM_RING_BYTES(ring_size), NBSHM_CHAN_CACHE_LINE);
	l->tx_off = test_align_up(l->rings_off + l->ring_stride * NBSHM_CHAN_N_RINGS(n_qp), page);
	l->rx_off = test_align_up(l->tx_off + (uint64_t)tx_buf_size * n_tx_bufs, page);
	l->region_size = test_align_up(l->rx_off + rx_len, page);
}

#endif /* TEST_CHAN_LAYOUT_H */
