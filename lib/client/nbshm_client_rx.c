/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * libnbshm-client: receive (rx rings, checked chains, the NET_BUFFER view)
 * and give back (ret rings).
 */

#include <errno.h>
#include <stdint.h>

#include "nbshm_client_priv.h"

/* Fill @p p from chain @p d (@p ns entries, checked) that came on rx[q]. */
static void
client_fill(const struct nbshm_client *c, struct nbshm_pkt *p, const struct nbshm_desc *d,
		uint32_t ns, uint16_t q)
{
	NET_BUFFER_SHARED_MEMORY *s;
	uint32_t j;

	p->len = d[0].pkt_len;
	p->n_segs = (uint16_t)ns;
	p->qp = q;
	p->desc = d[0];
	for (j = 0; j < ns; j++) {
		s = &p->shm[j];
		NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s) = j + 1 < ns ? &p->shm[j + 1] : NULL;
		NET_BUFFER_SHARED_MEM_FLAGS(s) = 0;
		s->Reserved = 0;
		NET_BUFFER_SHARED_MEM_HANDLE(s) = d[j].handle;
		NET_BUFFER_SHARED_MEM_OFFSET(s) = d[j].offset;
		NET_BUFFER_SHARED_MEM_LENGTH(s) = d[j].length;
		p->seg[j].data = c->base + d[j].offset;
		p->seg[j].len = d[j].length;
	}
	NET_BUFFER_NEXT_NB(&p->nb) = NULL;
	NET_BUFFER_FIRST_SHARED_MEM_INFO(&p->nb) = &p->shm[0];
	NET_BUFFER_DATA_OFFSET(&p->nb) = 0;
	NET_BUFFER_DATA_LENGTH(&p->nb) = d[0].pkt_len;
}

static void
client_rx_reject(struct nbshm_client *c, enum nbshm_chan_reason why)
{
	c->st.reject[(unsigned int)why < NBSHM_CHAN_REASON_MAX ? why : NBSHM_CHAN_BAD_FLAGS]++;
	c->st.rx_rejects++;
}

/*
 * Take up to @p n packets from rx[q]. Descriptors are copied out first; only
 * the copies are checked and used. A bad chain is consumed and counted, not
 * returned: nothing in it can be trusted to name the buffer.
 */
static unsigned int
client_rx_ring(struct nbshm_client *c, uint16_t q, struct nbshm_pkt *pkts, unsigned int n)
{
	const struct nbshm_chan_layout *l = &c->l;
	struct nbshm_ring *r = &c->rx[q];
	struct nbshm_desc d[NBSHM_CLIENT_COPY];
	enum nbshm_chan_reason why;
	uint32_t avail, w, pos, ns;
	unsigned int got = 0;

	while (got < n) {
		avail = nbshm_ring_avail(r);
		if (avail == 0)
			break;
		w = avail < NBSHM_CLIENT_COPY ? avail : NBSHM_CLIENT_COPY;
		nbshm_ring_copy_out(r, d, w);
		pos = 0;
		while (pos < w && got < n) {
			/* a chain cut by our copy window: copy again from its start */
			if (w < avail && pos > 0 && d[pos].n_segs > w - pos &&
					d[pos].n_segs <= l->max_segs)
				break;
			ns = 1;
			why = nbshm_chan_check_chain(&d[pos], w - pos, l->handle, l->rx_off,
					l->rx_len, l->max_segs, l->mtu, &ns);
			if (why == NBSHM_CHAN_TRUNCATED)
				ns = w - pos;	/* published without its end: drop what is there */
			if (ns == 0 || ns > w - pos)
				ns = 1;
			if (why == NBSHM_CHAN_OK) {
				client_fill(c, &pkts[got++], &d[pos], ns, q);
				c->st.rx_packets++;
				c->st.rx_bytes += d[pos].pkt_len;
			} else {
				client_rx_reject(c, why);
			}
			pos += ns;
		}
		if (pos == 0)
			break;
		nbshm_ring_consume(r, pos);
	}
	return got;
}

int
nbshm_client_rx_burst(struct nbshm_client *c, struct nbshm_pkt *pkts, unsigned int n)
{
	unsigned int got = 0, k;
	uint32_t q = c->rr;
	int rc;

	rc = nbshm_client_burst_usable(c, &n);
	if (rc != 0)
		return rc;
	for (k = 0; k < c->n_qp && got < n; k++) {
		got += client_rx_ring(c, (uint16_t)q, pkts + got, n - got);
		if (++q == c->n_qp)
			q = 0;
	}
	if (++c->rr == c->n_qp)
		c->rr = 0;
	/* the region shrank while we read it: what was copied out is zeros */
	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	if (got == 0 && ++c->idle_polls >= NBSHM_CLIENT_SOCK_CHECK_POLLS) {
		nbshm_client_check_sock(c);
		if (c->dead)
			return -ENOTCONN;
	}
	return (int)got;
}

int
nbshm_client_return(struct nbshm_client *c, const struct nbshm_pkt *pkts, unsigned int n)
{
	uint16_t touched[NBSHM_CHAN_MAX_QP];
	unsigned int i, k, n_touched = 0;
	struct nbshm_desc *s;
	struct nbshm_ring *r;
	uint32_t q, room;
	int rc;

	rc = nbshm_client_burst_usable(c, &n);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++) {
		q = pkts[i].qp;
		if (q >= c->n_qp)
			break;
		r = &c->ret[q];
		if (c->ret_room[q] == 0) {
			room = nbshm_ring_room(r, c->ret_pend[q] + (n - i));
			room = room > c->ret_pend[q] ? room - c->ret_pend[q] : 0;
			if (room == 0)
				break;
			c->ret_room[q] = room;
		}
		if (c->ret_pend[q] == 0)
			touched[n_touched++] = (uint16_t)q;
		s = nbshm_ring_slot(r, c->ret_pend[q]);
		s->handle = pkts[i].desc.handle;
		s->offset = pkts[i].desc.offset;
		s->length = pkts[i].desc.length;
		s->flags = pkts[i].desc.flags & ~NBSHM_DESC_F_NEXT;
		s->pkt_len = pkts[i].desc.pkt_len;
		s->n_segs = pkts[i].desc.n_segs;
		s->reserved0 = 0;
		s->reserved1 = 0;
		c->ret_pend[q]++;
		c->ret_room[q]--;
	}
	for (k = 0; k < n_touched; k++) {
		q = touched[k];
		nbshm_ring_produce(&c->ret[q], c->ret_pend[q]);
		c->ret_pend[q] = 0;
	}
	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	c->st.returned += i;
	if (i == 0 && n > 0 && pkts[0].qp >= c->n_qp)
		return -EINVAL;
	return (int)i;
}
