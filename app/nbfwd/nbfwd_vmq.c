/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * vmq mode, the software classifier: every received packet is described and
 * resolved like in the other modes, then steered by its destination MAC (and
 * VLAN) to the consumer whose filter matches, as a copy in a buffer of that
 * consumer's own region; the original goes back to its pool. Broadcast and
 * multicast follow [vmq] broadcast / multicast; the rest follows
 * [vmq] unmatched (forwarded out of the peer port, untouched, or dropped).
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "nbfwd.h"
#include "nbfwd_consumer.h"
#include "nbfwd_fwd.h"
#include "nbfwd_guard.h"
#include "nbshm_mbuf_bridge.h"

/* Where one packet goes. Values below NBFWD_VMQ_DEFAULT are consumer indices. */
#define NBFWD_VMQ_DEFAULT 0xfffdu	/* the unmatched policy */
#define NBFWD_VMQ_GROUP 0xfffeu		/* every consumer of the port, maybe also default */
#define NBFWD_VMQ_DROP 0xffffu		/* dropped by policy */

#define NBFWD_MAC_MASK UINT64_C(0xffffffffffff)

/* VLAN id of a frame whose first segment holds at least the Ethernet header. */
static inline int
nbfwd_vmq_vlan(const struct rte_mbuf *m, const uint8_t *eth)
{
	uint16_t type;

	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		return m->vlan_tci & 0xfff;
	memcpy(&type, eth + 2 * RTE_ETHER_ADDR_LEN, sizeof(type));
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
			m->data_len >= RTE_ETHER_HDR_LEN + 2) {
		uint16_t tci;

		memcpy(&tci, eth + RTE_ETHER_HDR_LEN, sizeof(tci));
		return rte_be_to_cpu_16(tci) & 0xfff;
	}
	return -1;
}

static inline bool
nbfwd_vmq_vlan_ok(const struct nbfwd_consumer *c, int vlan)
{
	return c->vlan < 0 || c->vlan == vlan;
}

static inline uint16_t
nbfwd_vmq_group(enum nbfwd_group_policy p)
{
	switch (p) {
	case NBFWD_GROUP_CONSUMERS:
	case NBFWD_GROUP_ALL:
		return NBFWD_VMQ_GROUP;
	case NBFWD_GROUP_DROP:
		return NBFWD_VMQ_DROP;
	default:
		return NBFWD_VMQ_DEFAULT;
	}
}

static inline uint16_t
nbfwd_vmq_classify(const struct nbfwd_ctx *ctx, const struct nbfwd_port *p,
		const struct rte_mbuf *m, const uint8_t *eth)
{
	uint64_t dst;
	int vlan;
	uint16_t j;

	/*
	 * One 8-byte load, masked (the first segment holds an Ethernet header:
	 * checked): copying 6 bytes into a zeroed word made the load that
	 * followed wait for two narrower stores, ~20 cycles a frame.
	 */
	memcpy(&dst, eth, sizeof(dst));
	dst = rte_le_to_cpu_64(dst) & NBFWD_MAC_MASK;
	if (unlikely(dst & 1))	/* I/G bit: a group address */
		return nbfwd_vmq_group(dst == NBFWD_MAC_MASK ? ctx->cfg.broadcast :
			ctx->cfg.multicast);
	vlan = nbfwd_vmq_vlan(m, eth);
	for (j = 0; j < p->n_cons; j++) {
		const struct nbfwd_consumer *c = &ctx->consumers[p->cons[j]];

		if (c->mac == dst && nbfwd_vmq_vlan_ok(c, vlan))
			return p->cons[j];
	}
	return NBFWD_VMQ_DEFAULT;
}

/* Policy "all": a group frame also goes the unmatched way. */
static inline bool
nbfwd_vmq_also_default(const struct nbfwd_ctx *ctx, const uint8_t *eth)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return (memcmp(eth, bcast, RTE_ETHER_ADDR_LEN) == 0 ? ctx->cfg.broadcast :
		ctx->cfg.multicast) == NBFWD_GROUP_ALL;
}

/* Lend copies of the group packets to every consumer of the port. */
static uint16_t
nbfwd_vmq_to_all(const struct nbfwd_ctx *ctx, const struct nbfwd_port *p, unsigned int qp,
		struct rte_mbuf *m, const uint8_t *eth)
{
	int vlan = nbfwd_vmq_vlan(m, eth);
	uint16_t j, n = 0;

	for (j = 0; j < p->n_cons; j++) {
		struct nbfwd_consumer *c = &ctx->consumers[p->cons[j]];

		if (nbfwd_vmq_vlan_ok(c, vlan))
			n += nbfwd_consumer_deliver(ctx, c, qp, &m, (void * const *)&eth, 1);
	}
	return n;
}

/*
 * A port that strips VLAN tags and could not put one back: net_af_packet
 * reinserts the tag the kernel took only into direct mbufs, and a consumer's
 * pool has external buffers. Put it back in place, in the headroom (the
 * buffer is this packet's alone), so that the consumer gets the frame as it
 * was on the wire. Without headroom it stays stripped (classified by vlan_tci).
 */
static inline void
nbfwd_vmq_vlan_restore(struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t tag[2];
		char *eth;

		if (likely(!(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) ||
				m->data_len < 2 * RTE_ETHER_ADDR_LEN)
			continue;
		eth = rte_pktmbuf_prepend(m, sizeof(tag));
		if (eth == NULL)
			continue;
		memmove(eth, eth + sizeof(tag), 2 * RTE_ETHER_ADDR_LEN);
		tag[0] = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		tag[1] = rte_cpu_to_be_16(m->vlan_tci);
		memcpy(eth + 2 * RTE_ETHER_ADDR_LEN, tag, sizeof(tag));
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN);
	}
}

/*
 * Describe and resolve a burst like every mode does (a frame must hold an
 * Ethernet header); drop what fails. @return packets kept, data[] = first bytes.
 */
static inline uint16_t
nbfwd_vmq_check(const struct nbfwd_ctx *ctx, struct nbfwd_qstats *st, struct rte_mbuf **pkts,
		void **data, uint16_t n)
{
	uint8_t status[NBFWD_MAX_BURST];
	unsigned int n_segs, n_bad;

	n_bad = nbshm_mbuf_build_resolve_burst(ctx->table, pkts, n, ctx->cfg.max_segments,
		RTE_ETHER_HDR_LEN, data, status, &n_segs);
	st->segs += n_segs;
	if (unlikely(n_bad != 0))
		n = nbfwd_keep_valid(pkts, data, n, status, st);
	return n;
}

/* Lend copies of @p k frames to consumer @p t, count them, free the originals. */
static inline void
nbfwd_vmq_hand_over(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		struct nbfwd_qstats *st, uint16_t t, struct rte_mbuf **pkts, void **data,
		uint16_t k)
{
	uint16_t got = nbfwd_consumer_deliver(ctx, &ctx->consumers[t], w->index, pkts, data,
		k);

	st->delivered += got;
	st->drop[NBFWD_DROP_CONSUMER] += k - got;
	nbfwd_free_burst(pkts, k);
}

/* Steer checked frames: copies to consumers, the rest forwarded or dropped. */
static void
nbfwd_vmq_steer(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		const struct nbfwd_rxq *q, const struct nbfwd_port *p, struct rte_mbuf **pkts,
		void **data, uint16_t n)
{
	struct rte_mbuf *fwd[NBFWD_MAX_BURST], *batch[NBFWD_MAX_BURST];
	void *batch_data[NBFWD_MAX_BURST];
	uint16_t target[NBFWD_MAX_BURST];
	struct nbfwd_qstats *st = q->st;
	uint16_t i, j, n_fwd = 0, sent, same = 0;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		target[i] = nbfwd_vmq_classify(ctx, p, pkts[i], data[i]);
		same += target[i] == target[0];
	}
	/* the whole burst for one consumer (a port that carries one guest's traffic) */
	if (same == n && target[0] < NBFWD_VMQ_DEFAULT) {
		nbfwd_vmq_hand_over(ctx, w, st, target[0], pkts, data, n);
		return;
	}

	/* unicast: one batch per consumer that has packets in this burst */
	for (i = 0; i < n; i++) {
		uint16_t t = target[i], k = 0;

		if (t >= NBFWD_VMQ_DEFAULT)
			continue;
		for (j = i; j < n; j++) {
			if (target[j] != t)
				continue;
			batch_data[k] = data[j];
			batch[k++] = pkts[j];
			target[j] = NBFWD_VMQ_DROP;	/* taken: pkts[j] is NULL now */
			pkts[j] = NULL;
		}
		nbfwd_vmq_hand_over(ctx, w, st, t, batch, batch_data, k);
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (m == NULL)
			continue;	/* delivered (a copy) or refused, counted above */
		switch (target[i]) {
		case NBFWD_VMQ_GROUP:
			if (nbfwd_vmq_to_all(ctx, p, w->index, m, data[i]) != 0)
				st->delivered++;
			else if (!nbfwd_vmq_also_default(ctx, data[i]))
				st->drop[NBFWD_DROP_CONSUMER]++;
			if (!nbfwd_vmq_also_default(ctx, data[i])) {
				rte_pktmbuf_free(m);
				break;
			}
			/* policy "all": the original also goes the unmatched way */
			/* fall through */
		case NBFWD_VMQ_DEFAULT:
			if (ctx->cfg.unmatched == NBFWD_UNMATCHED_FORWARD) {
				fwd[n_fwd++] = m;
				break;
			}
			/* fall through */
		default:
			nbfwd_drop(m, st, NBFWD_DROP_FILTERED);
			break;
		}
	}
	if (n_fwd == 0)
		return;
	sent = nbfwd_tx_burst(q->tx_port, q->tx_queue, fwd, n_fwd);
	st->tx += sent;
	if (unlikely(sent < n_fwd)) {
		st->drop[NBFWD_DROP_TX_FULL] += n_fwd - sent;
		rte_pktmbuf_free_bulk(&fwd[sent], n_fwd - sent);
	}
}


static __rte_always_inline void
nbfwd_vmq_rxq(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		const struct nbfwd_rxq *q, const struct nbfwd_port *p)
{
	struct rte_mbuf *pkts[NBFWD_MAX_BURST];
	void *data[NBFWD_MAX_BURST];
	uint16_t n;

	n = nbfwd_rx_burst(q->port, q->queue, pkts, ctx->cfg.burst);
	if (n == 0)
		return;
	q->st->rx += n;
	nbfwd_vmq_vlan_restore(pkts, n);
	n = nbfwd_vmq_check(ctx, q->st, pkts, data, n);
	nbfwd_vmq_steer(ctx, w, q, p, pkts, data, n);
}

/*
 * On a port a consumer owns (steering = port) with foreign = drop: is this
 * frame its? Its unicast frames are; group frames are when [vmq]
 * broadcast / multicast gives them to consumers and its VLAN filter takes
 * them (lent as they are: only it is on the port). Nothing else leaves its
 * memory: the owner could have rewritten it.
 */
static inline bool
nbfwd_vmq_owners(const struct nbfwd_consumer *c, uint16_t t,
		const struct rte_mbuf *m, const uint8_t *eth)
{
	if (likely(t == c->index))
		return true;
	return t == NBFWD_VMQ_GROUP && nbfwd_vmq_vlan_ok(c, nbfwd_vmq_vlan(m, eth));
}

/*
 * A consumer's own queue (rte_flow steers its MAC here, or it owns the
 * port): frames already sit in its region and are lent as they are. A frame
 * that does not match its filter (a device that spreads traffic anyway, or
 * another station's frame on its port with foreign = forward) must not stay
 * in memory the consumer maps: it is copied into the port's pool and steered
 * like the rest. On an owned port with foreign = drop it is dropped instead
 * (not_owner).
 */
static void
nbfwd_vmq_rxq_own(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w,
		const struct nbfwd_rxq *q, const struct nbfwd_port *p)
{
	struct nbfwd_consumer *c = &ctx->consumers[q->cons1 - 1];
	struct rte_mbuf *pkts[NBFWD_MAX_BURST], *other[NBFWD_MAX_BURST];
	void *data[NBFWD_MAX_BURST];
	struct nbfwd_qstats *st = q->st;
	uint16_t n, i, n_own = 0, n_other = 0, got;

	n = nbfwd_rx_burst(q->port, q->queue, pkts, ctx->cfg.burst);
	if (n == 0)
		return;
	st->rx += n;
	nbfwd_vmq_vlan_restore(pkts, n);
	n = nbfwd_vmq_check(ctx, st, pkts, data, n);
	for (i = 0; i < n; i++) {
		uint16_t t = nbfwd_vmq_classify(ctx, p, pkts[i], data[i]);

		if (likely(t == c->index)) {
			pkts[n_own++] = pkts[i];
			continue;
		}
		if (c->owns_port && c->cfg->foreign == NBFWD_FOREIGN_DROP) {
			if (nbfwd_vmq_owners(c, t, pkts[i], data[i]))
				pkts[n_own++] = pkts[i];
			else
				nbfwd_drop(pkts[i], st, NBFWD_DROP_NOT_OWNER);
			continue;
		}
		other[n_other] = rte_pktmbuf_copy(pkts[i], p->pool, 0, UINT32_MAX);
		rte_pktmbuf_free(pkts[i]);
		if (unlikely(other[n_other] == NULL))
			st->drop[NBFWD_DROP_CONSUMER]++;
		else
			n_other++;
	}
	if (n_own != 0) {
		got = nbfwd_consumer_lend(c, w->index, pkts, n_own);
		st->delivered += got;
		st->drop[NBFWD_DROP_CONSUMER] += n_own - got;
	}
	if (n_other != 0) {
		n_other = nbfwd_vmq_check(ctx, st, other, data, n_other);
		nbfwd_vmq_steer(ctx, w, q, p, other, data, n_other);
	}
}

void
nbfwd_vmq_poll(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->n_rxq; i++) {
		const struct nbfwd_rxq *q = &w->rxq[i];

		if (q->cons1 != 0)
			nbfwd_vmq_rxq_own(ctx, w, q, &ctx->ports[q->port_index]);
		else
			nbfwd_vmq_rxq(ctx, w, q, &ctx->ports[q->port_index]);
	}
	nbfwd_consumers_poll(ctx, w);
}
