/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * net_nbshm transmit: each mbuf (chain) is copied into a tx buffer of the
 * client (memory of this consumer's region that nbfwd reads) and posted on
 * the tx ring; the mbuf is freed once the packet is posted.
 */

#include <errno.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "nbshm_pmd.h"

/* Copy the first @p len bytes of chain @p m to @p dst. */
static void
nbshm_pmd_tx_copy(uint8_t *dst, const struct rte_mbuf *m, uint32_t len)
{
	uint32_t k;

	for (; m != NULL && len > 0; m = m->next) {
		k = RTE_MIN((uint32_t)m->data_len, len);
		rte_memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t *), k);
		dst += k;
		len -= k;
	}
}

/*
 * Send up to NBSHM_PMD_BURST packets of @p pkts. Packets too long (or empty)
 * are dropped and counted; the others take one tx buffer each, in order.
 * @p stop is set to 1 when the tx ring is full or nbfwd is gone, 2 when no
 * tx buffer is free.
 * @return packets consumed from the front of @p pkts (sent or dropped).
 */
static uint16_t
nbshm_pmd_tx_chunk(struct nbshm_pmd_txq *txq, struct nbshm_client *c, struct rte_mbuf **pkts,
		uint16_t nb, int *stop)
{
	struct nbshm_pmd_internals *pmd = txq->pmd;
	void *bufs[NBSHM_PMD_BURST];
	uint32_t lens[NBSHM_PMD_BURST];
	uint16_t idx[NBSHM_PMD_BURST];
	unsigned int used = 0, i, done;
	int got, sent;

	got = nbshm_client_tx_alloc(c, bufs, nb);
	if (unlikely(got < 0)) {
		pmd->dead = 1;
		*stop = 1;
		return 0;
	}
	for (i = 0; i < nb; i++) {
		uint32_t len = pkts[i]->pkt_len;

		if (unlikely(len == 0 || len > pmd->tx_max_len))
			continue;	/* dropped below */
		if (used == (unsigned int)got)
			break;
		nbshm_pmd_tx_copy(bufs[used], pkts[i], len);
		lens[used] = len;
		idx[used] = (uint16_t)i;
		used++;
	}
	done = i;
	sent = used > 0 ? nbshm_client_tx_send(c, bufs, lens, used) : 0;
	if (unlikely(sent < 0)) {
		if (sent == -ENOTCONN)
			pmd->dead = 1;
		sent = 0;
	}
	if ((unsigned int)sent < used) {
		/* the tx ring is full: packets from the first unsent one stay the caller's */
		done = idx[sent];
		*stop = 1;
	} else if (done < nb) {
		*stop = 2;	/* no free tx buffer */
	}
	if ((unsigned int)got > (unsigned int)sent)
		nbshm_client_tx_free(c, bufs + sent, (unsigned int)got - (unsigned int)sent);
	for (i = 0; i < done; i++) {
		uint32_t len = pkts[i]->pkt_len;

		if (unlikely(len == 0 || len > pmd->tx_max_len)) {
			txq->errors++;
			if (len != 0)
				txq->too_long++;
		} else {
			txq->packets++;
			txq->bytes += len;
		}
		rte_pktmbuf_free(pkts[i]);
	}
	return (uint16_t)done;
}

uint16_t
nbshm_pmd_tx(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	struct nbshm_pmd_txq *txq = queue;
	struct nbshm_pmd_internals *pmd = txq->pmd;
	uint16_t sent = 0, n;
	int stop = 0;

	rte_spinlock_lock(&pmd->lock);
	if (unlikely(pmd->client == NULL || pmd->dead)) {
		rte_spinlock_unlock(&pmd->lock);
		return 0;
	}
	while (sent < nb && !stop) {
		n = (uint16_t)RTE_MIN((unsigned int)(nb - sent), NBSHM_PMD_BURST);
		sent += nbshm_pmd_tx_chunk(txq, pmd->client, bufs + sent, n, &stop);
	}
	if (stop == 2)
		txq->no_buffer += (uint64_t)(nb - sent);
	rte_spinlock_unlock(&pmd->lock);
	return sent;
}
