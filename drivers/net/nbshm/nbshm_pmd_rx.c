/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * net_nbshm receive: zero copy (mbuf headers with external buffers in the
 * region) or copy (pool mbufs), and the way lent packets go back to nbfwd.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "nbshm_pmd.h"

/* The application freed the last segment of a lent packet (any lcore). */
static void
nbshm_pmd_lent_free_cb(void *addr __rte_unused, void *opaque)
{
	struct nbshm_pmd_lent *l = opaque;

	/* the rx thread reads the flag with acquire before it reuses the record */
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
}

struct nbshm_pmd_lentpool *
nbshm_pmd_lentpool_create(uint32_t n_qp, uint32_t ring_size, int socket_id)
{
	struct nbshm_pmd_lentpool *lp;
	uint32_t i, n = n_qp * ring_size, cap;
	void **out;

	if (n == 0 || n > NBSHM_CHAN_MAX_QP * NBSHM_CHAN_RING_SIZE_MAX)
		return NULL;
	cap = rte_align32pow2(n);
	lp = rte_zmalloc_socket("nbshm_lentpool", sizeof(*lp), RTE_CACHE_LINE_SIZE, socket_id);
	if (lp == NULL)
		return NULL;
	out = rte_malloc_socket("nbshm_lent_out", (size_t)cap * sizeof(*out), RTE_CACHE_LINE_SIZE,
			socket_id);
	lp->free = rte_malloc_socket("nbshm_lent_free", (size_t)n * sizeof(*lp->free), 0,
			socket_id);
	lp->rec = rte_zmalloc_socket("nbshm_lent", (size_t)n * sizeof(*lp->rec),
			RTE_CACHE_LINE_SIZE, socket_id);
	if (out == NULL || lp->free == NULL || lp->rec == NULL) {
		rte_free(out);
		rte_free(lp->free);
		rte_free(lp->rec);
		rte_free(lp);
		return NULL;
	}
	lp->n = n;
	nbshm_pmd_outq_init(&lp->out, out, cap, offsetof(struct nbshm_pmd_lent, done));
	for (i = 0; i < n; i++) {
		lp->rec[i].shinfo.free_cb = nbshm_pmd_lent_free_cb;
		lp->rec[i].shinfo.fcb_opaque = &lp->rec[i];
		lp->free[i] = &lp->rec[n - 1 - i];
	}
	lp->n_free = n;
	return lp;
}

int
nbshm_pmd_lentpool_free(struct nbshm_pmd_lentpool *lp)
{
	if (lp == NULL)
		return 1;
	if (lp->n_free != lp->n)
		return 0;
	rte_free(lp->out.slot);
	rte_free(lp->free);
	rte_free(lp->rec);
	rte_free(lp);
	return 1;
}

uint32_t
nbshm_pmd_lentpool_drain(struct nbshm_pmd_lentpool *lp, struct nbshm_client *c,
		struct nbshm_pkt *scratch)
{
	unsigned int k;
	int r;

	for (;;) {
		lp->n_pend = nbshm_pmd_outq_collect(&lp->out, lp->pend, lp->n_pend,
			NBSHM_PMD_BURST, lp->n_free < NBSHM_PMD_BURST);
		if (lp->n_pend == 0)
			break;
		r = (int)lp->n_pend;
		if (c != NULL) {
			for (k = 0; k < lp->n_pend; k++) {
				const struct nbshm_pmd_lent *l = lp->pend[k];

				scratch[k].qp = l->qp;
				scratch[k].desc = l->desc;
			}
			r = nbshm_client_return(c, scratch, lp->n_pend);
			/* nbfwd gone (it reclaims everything) or not ours: recycle */
			if (r < 0)
				r = (int)lp->n_pend;
		}
		for (k = 0; k < (unsigned int)r; k++)
			lp->free[lp->n_free++] = (struct nbshm_pmd_lent *)lp->pend[k];
		lp->n_pend -= (uint32_t)r;
		if (lp->n_pend > 0) {
			/* a ret ring is full: keep the rest for the next burst */
			memmove(lp->pend, lp->pend + r, lp->n_pend * sizeof(lp->pend[0]));
			break;
		}
	}
	return lp->n - lp->n_free;
}

/* Queue packet @p p to be given back by the next drain (no mbuf holds it). */
static void
nbshm_pmd_give_back_later(struct nbshm_pmd_lentpool *lp, const struct nbshm_pkt *p)
{
	struct nbshm_pmd_lent *l = lp->free[--lp->n_free];

	l->desc = p->desc;
	l->qp = p->qp;
	l->done = 1;
	nbshm_pmd_outq_push(&lp->out, l);
}

/* Zero copy: the mbufs of a burst's segments, taken in one go when the pool has them all. */
struct nbshm_pmd_zc_mbufs {
	struct rte_mbuf *mb[NBSHM_PMD_BURST * NBSHM_CLIENT_MAX_SEGS];
	unsigned int pos;	/**< next unused in mb when bulk */
	int bulk;		/**< 1: mb holds every segment of the burst */
};

static __rte_always_inline void
nbshm_pmd_zc_prealloc(struct nbshm_pmd_rxq *rxq, const struct nbshm_pkt *pkts, unsigned int n,
		struct nbshm_pmd_zc_mbufs *z)
{
	unsigned int i, total = 0;

	for (i = 0; i < n; i++)
		total += pkts[i].n_segs;
	z->bulk = rte_pktmbuf_alloc_bulk(rxq->mp, z->mb, total) == 0;
	z->pos = 0;
}

/*
 * Zero copy: an mbuf chain of packet @p p, its segments attached as external
 * buffers sharing one lent record. NULL when the pool ran dry.
 */
static __rte_always_inline struct rte_mbuf *
nbshm_pmd_attach_pkt(struct nbshm_pmd_rxq *rxq, struct nbshm_pmd_zc_mbufs *z,
		const struct nbshm_pkt *p)
{
	struct nbshm_pmd_lentpool *lp = rxq->lp;
	struct rte_mbuf **segs, *m;
	struct nbshm_pmd_lent *l;
	unsigned int s;

	if (z->bulk) {
		segs = &z->mb[z->pos];
		z->pos += p->n_segs;
	} else if (rte_pktmbuf_alloc_bulk(rxq->mp, z->mb, p->n_segs) == 0) {
		segs = z->mb;
	} else {
		return NULL;
	}
	l = lp->free[--lp->n_free];
	l->desc = p->desc;
	l->qp = p->qp;
	l->done = 0;
	nbshm_pmd_outq_push(&lp->out, l);
	rte_mbuf_ext_refcnt_set(&l->shinfo, p->n_segs);
	for (s = 0; s < p->n_segs; s++) {
		m = segs[s];
		/* segment lengths fit 16 bits: checked against the mtu at attach */
		rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)p->seg[s].data,
				RTE_BAD_IOVA, (uint16_t)p->seg[s].len, &l->shinfo);
		m->data_len = (uint16_t)p->seg[s].len;
		m->next = s + 1 < p->n_segs ? segs[s + 1] : NULL;
	}
	m = segs[0];
	m->pkt_len = p->len;
	m->nb_segs = p->n_segs;
	return m;
}

/* Copy: a pool mbuf chain holding a copy of @p p; NULL when the pool ran dry. */
static struct rte_mbuf *
nbshm_pmd_copy_pkt(struct rte_mempool *mp, const struct nbshm_pkt *p)
{
	struct rte_mbuf *head, *m, *nm;
	const uint8_t *src;
	uint32_t left, k, room;
	unsigned int s;

	head = rte_pktmbuf_alloc(mp);
	if (head == NULL)
		return NULL;
	m = head;
	room = rte_pktmbuf_tailroom(m);
	for (s = 0; s < p->n_segs; s++) {
		src = p->seg[s].data;
		left = p->seg[s].len;
		while (left > 0) {
			if (room == 0) {
				nm = rte_pktmbuf_alloc(mp);
				if (nm == NULL || rte_pktmbuf_tailroom(nm) == 0) {
					rte_pktmbuf_free(nm);
					rte_pktmbuf_free(head);
					return NULL;
				}
				m->next = nm;
				m = nm;
				head->nb_segs++;
				room = rte_pktmbuf_tailroom(m);
			}
			k = RTE_MIN(left, room);
			rte_memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), src, k);
			m->data_len = (uint16_t)(m->data_len + k);
			room -= k;
			src += k;
			left -= k;
		}
	}
	head->pkt_len = p->len;
	return head;
}

/*
 * Make mbufs of the @p n packets the client just gave (rxq->pkts), zero copy
 * or copy as @p copy says (a constant: each caller gets its own loop), and
 * count them. A packet without mbufs is counted as missed and given back:
 * zero copy gives it back with the next drain; copy gives every packet of
 * the burst back now (what a full ret ring refuses, with the next drain).
 * @return mbufs stored in @p out.
 */
static __rte_always_inline uint16_t
nbshm_pmd_rx_mbufs(struct nbshm_pmd_rxq *rxq, unsigned int n, struct rte_mbuf **out,
		const int copy)
{
	struct nbshm_pmd_zc_mbufs z;
	const struct nbshm_pkt *p;
	struct rte_mbuf *m;
	unsigned int i;
	uint16_t k = 0;
	int r;

	if (!copy)
		nbshm_pmd_zc_prealloc(rxq, rxq->pkts, n, &z);
	for (i = 0; i < n; i++) {
		p = &rxq->pkts[i];
		m = copy ? nbshm_pmd_copy_pkt(rxq->mp, p) : nbshm_pmd_attach_pkt(rxq, &z, p);
		if (unlikely(m == NULL)) {
			rxq->nombuf++;
			rxq->missed++;
			if (!copy)
				nbshm_pmd_give_back_later(rxq->lp, p);
			continue;
		}
		m->port = rxq->port_id;
		out[k++] = m;
		rxq->bytes += p->len;
	}
	rxq->packets += k;
	if (copy) {
		r = n > 0 ? nbshm_client_return(rxq->pmd->client, rxq->pkts, n) : 0;
		if (r < 0)
			r = (int)n;	/* nbfwd gone: it takes everything back itself */
		/* a full ret ring: give the rest back from the next burst */
		for (i = (unsigned int)r; i < n; i++)
			nbshm_pmd_give_back_later(rxq->lp, &rxq->pkts[i]);
	}
	return k;
}

/*
 * One rx burst: give back what the application freed, then take packets from
 * the client in steps of NBSHM_PMD_BURST (no more than there are free lent
 * records) until @p nb, a short step or nbfwd gone.
 */
static __rte_always_inline uint16_t
nbshm_pmd_rx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb, const int copy)
{
	struct nbshm_pmd_rxq *rxq = queue;
	struct nbshm_pmd_internals *pmd = rxq->pmd;
	struct nbshm_pmd_lentpool *lp = rxq->lp;
	unsigned int want;
	uint16_t got = 0;
	int n;

	if (unlikely(lp == NULL))
		return 0;
	rte_spinlock_lock(&pmd->lock);
	nbshm_pmd_lentpool_drain(lp, pmd->client, rxq->pkts);
	while (got < nb && !pmd->dead) {
		want = RTE_MIN(RTE_MIN((unsigned int)(nb - got), NBSHM_PMD_BURST), lp->n_free);
		if (want == 0)
			break;
		n = nbshm_client_rx_burst(pmd->client, rxq->pkts, want);
		if (unlikely(n < 0)) {
			pmd->dead = 1;
			break;
		}
		got += nbshm_pmd_rx_mbufs(rxq, (unsigned int)n, bufs + got, copy);
		if ((unsigned int)n < want)
			break;
	}
	rte_spinlock_unlock(&pmd->lock);
	return got;
}

uint16_t
nbshm_pmd_rx_zc(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	return nbshm_pmd_rx_burst(queue, bufs, nb, 0);
}

uint16_t
nbshm_pmd_rx_copy(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	return nbshm_pmd_rx_burst(queue, bufs, nb, 1);
}
