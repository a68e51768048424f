/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * net_nbshm counters: ethdev stats from the queues, xstats from the queues
 * and the client (descriptors it rejected, by reason). The client's counters
 * restart at every attach; what earlier attachments counted is kept in
 * pmd->acc, and a reset records the current values in pmd->base.
 */

#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>

#include "nbshm_pmd.h"

/* The xstats after the rejects, in this order. */
enum nbshm_pmd_xs {
	NBSHM_PMD_XS_INDEX_JUMPS,
	NBSHM_PMD_XS_TX_NO_BUFFER,
	NBSHM_PMD_XS_TX_TOO_LONG,
	NBSHM_PMD_XS_RETURNS_PENDING,
	NBSHM_PMD_XS_TAIL,
};

static const char *const nbshm_pmd_xs_names[NBSHM_PMD_XS_TAIL] = {
	[NBSHM_PMD_XS_INDEX_JUMPS] = "index_jumps",
	[NBSHM_PMD_XS_TX_NO_BUFFER] = "tx_no_buffer",
	[NBSHM_PMD_XS_TX_TOO_LONG] = "tx_too_long",
	[NBSHM_PMD_XS_RETURNS_PENDING] = "returns_pending",
};

/* rx_rejected_<reason>: every reason but ok and index_jump (its own xstat). */
static int
nbshm_pmd_xs_reason(unsigned int r)
{
	return r != NBSHM_CHAN_OK && r != NBSHM_CHAN_INDEX_JUMP;
}

static unsigned int
nbshm_pmd_xs_count(void)
{
	unsigned int r, n = 0;

	for (r = 0; r < NBSHM_CHAN_REASON_MAX; r++)
		n += nbshm_pmd_xs_reason(r);
	return n + NBSHM_PMD_XS_TAIL;
}

/* Client counters since the last reset, all attachments together. */
static void
nbshm_pmd_xbase_now(const struct nbshm_pmd_internals *pmd, struct nbshm_pmd_xbase *x)
{
	struct nbshm_client_stats st;
	unsigned int r;

	*x = pmd->acc;
	if (pmd->client == NULL)
		return;
	nbshm_client_stats(pmd->client, &st);
	for (r = 0; r < NBSHM_CHAN_REASON_MAX; r++)
		x->reject[r] += st.reject[r] - pmd->base.reject[r];
	x->rx_rejects += st.rx_rejects - pmd->base.rx_rejects;
	x->index_jumps += st.index_jumps - pmd->base.index_jumps;
}

/* This client's counters as they are now. */
static void
nbshm_pmd_xbase_client(const struct nbshm_pmd_internals *pmd, struct nbshm_pmd_xbase *x)
{
	struct nbshm_client_stats st;

	memset(x, 0, sizeof(*x));
	if (pmd->client == NULL)
		return;
	nbshm_client_stats(pmd->client, &st);
	memcpy(x->reject, st.reject, sizeof(x->reject));
	x->rx_rejects = st.rx_rejects;
	x->index_jumps = st.index_jumps;
}

void
nbshm_pmd_stats_detach(struct nbshm_pmd_internals *pmd)
{
	nbshm_pmd_xbase_now(pmd, &pmd->acc);
	memset(&pmd->base, 0, sizeof(pmd->base));
}

int
nbshm_pmd_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	const struct nbshm_pmd_rxq *rxq = &pmd->rxq;
	const struct nbshm_pmd_txq *txq = &pmd->txq;
	struct nbshm_pmd_xbase x;

	nbshm_pmd_xbase_now(pmd, &x);
	st->ipackets = rxq->packets;
	st->ibytes = rxq->bytes;
	st->imissed = rxq->missed;
	st->ierrors = x.rx_rejects;
	st->rx_nombuf += rxq->nombuf;
	st->opackets = txq->packets;
	st->obytes = txq->bytes;
	st->oerrors = txq->errors;
	st->q_ipackets[0] = rxq->packets;
	st->q_ibytes[0] = rxq->bytes;
	st->q_errors[0] = x.rx_rejects;
	st->q_opackets[0] = txq->packets;
	st->q_obytes[0] = txq->bytes;
	return 0;
}

int
nbshm_pmd_stats_reset(struct rte_eth_dev *dev)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	struct nbshm_pmd_rxq *rxq = &pmd->rxq;
	struct nbshm_pmd_txq *txq = &pmd->txq;

	rxq->packets = 0;
	rxq->bytes = 0;
	rxq->missed = 0;
	rxq->nombuf = 0;
	txq->packets = 0;
	txq->bytes = 0;
	txq->errors = 0;
	txq->too_long = 0;
	txq->no_buffer = 0;
	memset(&pmd->acc, 0, sizeof(pmd->acc));
	nbshm_pmd_xbase_client(pmd, &pmd->base);
	return 0;
}

int
nbshm_pmd_xstats_reset(struct rte_eth_dev *dev)
{
	return nbshm_pmd_stats_reset(dev);
}

int
nbshm_pmd_xstats_get_names(struct rte_eth_dev *dev __rte_unused,
		struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int r, i = 0, n = nbshm_pmd_xs_count();

	if (names == NULL || size < n)
		return (int)n;
	for (r = 0; r < NBSHM_CHAN_REASON_MAX; r++)
		if (nbshm_pmd_xs_reason(r))
			snprintf(names[i++].name, sizeof(names[0].name), "rx_rejected_%s",
					nbshm_chan_reason_name(r));
	for (r = 0; r < NBSHM_PMD_XS_TAIL; r++)
		snprintf(names[i++].name, sizeof(names[0].name), "%s", nbshm_pmd_xs_names[r]);
	return (int)n;
}

int
nbshm_pmd_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int size)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	const struct nbshm_pmd_lentpool *lp = pmd->rxq.lp;
	uint64_t tail[NBSHM_PMD_XS_TAIL];
	unsigned int r, i = 0, n = nbshm_pmd_xs_count();
	struct nbshm_pmd_xbase x;

	if (xs == NULL || size < n)
		return (int)n;
	nbshm_pmd_xbase_now(pmd, &x);
	tail[NBSHM_PMD_XS_INDEX_JUMPS] = x.index_jumps;
	tail[NBSHM_PMD_XS_TX_NO_BUFFER] = pmd->txq.no_buffer;
	tail[NBSHM_PMD_XS_TX_TOO_LONG] = pmd->txq.too_long;
	tail[NBSHM_PMD_XS_RETURNS_PENDING] = lp != NULL ? lp->n - lp->n_free : 0;
	for (r = 0; r < NBSHM_CHAN_REASON_MAX; r++) {
		if (!nbshm_pmd_xs_reason(r))
			continue;
		xs[i].id = i;
		xs[i].value = x.reject[r];
		i++;
	}
	for (r = 0; r < NBSHM_PMD_XS_TAIL; r++) {
		xs[i].id = i;
		xs[i].value = tail[r];
		i++;
	}
	return (int)n;
}
