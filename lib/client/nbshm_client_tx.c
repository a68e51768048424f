/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * libnbshm-client: transmit. The client owns its tx buffers: all free at
 * attach, taken by the application, posted on the tx ring (then nbfwd's),
 * given back on txdone, where each descriptor is checked before the buffer
 * it names is trusted to be free again.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "nbshm_client_priv.h"

int
nbshm_client_tx_setup(struct nbshm_client *c)
{
	uint32_t i, n = c->l.n_tx_bufs;

	c->txb_state = calloc(n, sizeof(*c->txb_state));
	c->txb_free = malloc((size_t)n * sizeof(*c->txb_free));
	if (c->txb_state == NULL || c->txb_free == NULL)
		return -ENOMEM;
	/* popped from the end: buffer 0 is handed out first */
	for (i = 0; i < n; i++)
		c->txb_free[i] = n - 1 - i;
	c->n_free = n;
	c->n_inflight = 0;
	return 0;
}

void
nbshm_client_tx_teardown(struct nbshm_client *c)
{
	free(c->txb_state);
	free(c->txb_free);
	c->txb_state = NULL;
	c->txb_free = NULL;
}

static uint8_t *
client_txb_addr(const struct nbshm_client *c, uint32_t b)
{
	return c->base + c->l.tx_off + (uint64_t)b * c->l.tx_buf_size;
}

/* Index of the tx buffer starting at @p buf; -1 if none does. */
static int64_t
client_txb_index(const struct nbshm_client *c, const void *buf)
{
	uintptr_t a = (uintptr_t)buf, lo = (uintptr_t)client_txb_addr(c, 0);
	uint64_t off;

	if (a < lo)
		return -1;
	off = (uint64_t)(a - lo);
	if (off % c->l.tx_buf_size != 0 || off / c->l.tx_buf_size >= c->l.n_tx_bufs)
		return -1;
	return (int64_t)(off / c->l.tx_buf_size);
}

static void
client_txb_push(struct nbshm_client *c, uint32_t b)
{
	c->txb_state[b] = NBSHM_CLIENT_TXB_FREE;
	c->txb_free[c->n_free++] = b;
}

/* Check a txdone descriptor (a private copy); @p b set to its buffer. */
static enum nbshm_chan_reason
client_txdone_check(const struct nbshm_client *c, const struct nbshm_desc *d, uint32_t *b)
{
	const struct nbshm_chan_layout *l = &c->l;
	enum nbshm_chan_reason why = nbshm_chan_handle_rule(d->handle, l->handle);
	uint64_t off = d->offset;

	if (why != NBSHM_CHAN_OK)
		return why;
	if (off < l->tx_off || off - l->tx_off >= (uint64_t)l->tx_buf_size * l->n_tx_bufs)
		return NBSHM_CHAN_OUT_OF_BOUNDS;
	if ((off - l->tx_off) % l->tx_buf_size != 0)
		return NBSHM_CHAN_MISALIGNED;
	*b = (uint32_t)((off - l->tx_off) / l->tx_buf_size);
	if (c->txb_state[*b] != NBSHM_CLIENT_TXB_INFLIGHT)
		return NBSHM_CHAN_NOT_LENT;
	return NBSHM_CHAN_OK;
}

void
nbshm_client_tx_reclaim(struct nbshm_client *c)
{
	struct nbshm_desc d[NBSHM_CLIENT_COPY];
	enum nbshm_chan_reason why;
	uint32_t avail, w, i, b = 0;

	avail = nbshm_ring_avail(&c->txdone);
	while (avail > 0) {
		w = avail < NBSHM_CLIENT_COPY ? avail : NBSHM_CLIENT_COPY;
		nbshm_ring_copy_out(&c->txdone, d, w);
		for (i = 0; i < w; i++) {
			why = client_txdone_check(c, &d[i], &b);
			if (why != NBSHM_CHAN_OK) {
				c->st.reject[why]++;
				c->st.txdone_rejects++;
				continue;
			}
			client_txb_push(c, b);
			c->n_inflight--;
			c->st.txdone++;
		}
		nbshm_ring_consume(&c->txdone, w);
		avail -= w;
	}
}

int
nbshm_client_tx_alloc(struct nbshm_client *c, void **bufs, unsigned int n)
{
	unsigned int i;
	uint32_t b;
	int rc;

	rc = nbshm_client_usable(c);
	if (rc != 0)
		return rc;
	nbshm_client_tx_reclaim(c);
	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	if (n > c->n_free)
		n = c->n_free;
	for (i = 0; i < n; i++) {
		b = c->txb_free[--c->n_free];
		c->txb_state[b] = NBSHM_CLIENT_TXB_TAKEN;
		bufs[i] = client_txb_addr(c, b);
	}
	return (int)n;
}

int
nbshm_client_tx_free(struct nbshm_client *c, void *const *bufs, unsigned int n)
{
	unsigned int i;
	int64_t b;

	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	if (n > INT32_MAX)
		n = INT32_MAX;
	for (i = 0; i < n; i++) {
		b = client_txb_index(c, bufs[i]);
		if (b < 0 || c->txb_state[b] != NBSHM_CLIENT_TXB_TAKEN)
			break;
		client_txb_push(c, (uint32_t)b);
	}
	return i == 0 && n > 0 ? -EINVAL : (int)i;
}

int
nbshm_client_tx_send(struct nbshm_client *c, void *const *bufs, const uint32_t *lens,
		unsigned int n)
{
	struct nbshm_desc *s;
	uint32_t room, i;
	int64_t b;
	int rc;

	rc = nbshm_client_burst_usable(c, &n);
	if (rc != 0)
		return rc;
	room = nbshm_ring_room(&c->tx, n);
	for (i = 0; i < n && i < room; i++) {
		b = client_txb_index(c, bufs[i]);
		if (b < 0 || c->txb_state[b] != NBSHM_CLIENT_TXB_TAKEN || lens[i] == 0 ||
				lens[i] > c->tx_max_len)
			break;
		s = nbshm_ring_slot(&c->tx, i);
		s->handle = c->l.handle;
		s->offset = (uint32_t)(c->l.tx_off + (uint64_t)b * c->l.tx_buf_size);
		s->length = lens[i];
		s->flags = NBSHM_DESC_F_SHM_VALID;
		s->pkt_len = lens[i];
		s->n_segs = 1;
		s->reserved0 = 0;
		s->reserved1 = 0;
		c->txb_state[b] = NBSHM_CLIENT_TXB_INFLIGHT;
		c->n_inflight++;
		c->st.tx_bytes += lens[i];
	}
	if (i > 0)
		nbshm_ring_produce(&c->tx, i);
	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	c->st.tx_packets += i;
	if (i == 0 && n > 0 && room > 0)
		return -EINVAL;
	return (int)i;
}
