/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * vmq's data plane, all of it: what a worker does in vmq mode. Per rx burst:
 * describe and resolve every packet like the other modes, classify it by
 * destination MAC (and VLAN), lend a copy in a buffer of the matching
 * consumer's own region (or, in a consumer's own queue, the frame as it is)
 * on the rx ring of this worker's queue pair; the rest follows [vmq]
 * unmatched / broadcast / multicast. Per poll: take back returns, serve the
 * tx rings this worker is home for, acknowledge detach requests. Every
 * descriptor a consumer wrote is copied out of shared memory first, and only
 * the copy is checked and used.
 */

#include <string.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "nbfwd.h"
#include "nbfwd_consumer.h"
#include "nbfwd_fwd.h"
#include "nbfwd_guard.h"
#include "nbshm_mbuf_bridge.h"

/* Descriptors taken from a consumer's ret or tx ring per poll. */
#define NBFWD_CONS_BATCH 64
/*
 * The return ring is looked at when this many packets are lent (a batch worth
 * fetching the consumer's line from its core for), or every
 * NBFWD_CONS_RET_EVERY polls when fewer are.
 */
#define NBFWD_CONS_RET_LAZY NBFWD_CONS_BATCH
#define NBFWD_CONS_RET_EVERY 4
/*
 * A copy is made in a buffer taken from @p c's pool as a bare object
 * (rte_mempool_get_bulk(): its mbuf header is never written, so it stays a
 * free mbuf) and lent with this tag on its cookie; it goes back with
 * rte_mempool_put_bulk(). Untagged cookies are real packets (own queue).
 */
#define NBFWD_COOKIE_RAW ((uintptr_t)1)

/* A lent packet taken back at detach or exit (a bare copy is a free mbuf). */
static void
nbfwd_cons_free(void *cookie)
{
	rte_pktmbuf_free((struct rte_mbuf *)((uintptr_t)cookie & ~NBFWD_COOKIE_RAW));
}

uint32_t
nbfwd_consumer_reclaim(struct nbfwd_consumer *c, unsigned int q)
{
	struct nbfwd_cons_qp *qp = &c->qp[q];
	uint32_t n = nbshm_lent_reclaim(&qp->lent, nbfwd_cons_free);

	qp->st.reclaimed += n;
	return n;
}

/*
 * Signal the consumer if it sleeps on ring @p r. After a publish: a plain load
 * of need_wakeup, which shares the line of our head (no fetch from the
 * consumer's core, no fence). Without a fence between our head store and that
 * load we can miss a consumer that arms at this very moment and then misses
 * our head: nbfwd_cons_kick_sleeper() on every poll catches it.
 */
static inline void
nbfwd_cons_notify(const struct nbfwd_consumer *c, struct nbshm_ring *r)
{
	uint64_t one = 1;

	if (likely(r->hdr->need_wakeup == 0))
		return;
	r->kicked = r->idx;
	if (write(c->evfd, &one, sizeof(one)) < 0)
		return;
}

/*
 * Every poll: a consumer that armed need_wakeup while entries we published
 * since our last signal wait on @p r gets its signal now. The load of
 * need_wakeup hits our own line unless the consumer just armed it.
 */
static inline void
nbfwd_cons_kick_sleeper(const struct nbfwd_consumer *c, struct nbshm_ring *r)
{
	if (likely(r->hdr->need_wakeup == 0) || r->kicked == r->idx)
		return;
	/* our head store before its tail load, as the consumer's arm-then-look */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (nbshm_load_acquire(&r->hdr->tail) == r->idx) {
		r->kicked = r->idx;	/* it took everything: nothing to wake it for */
		return;
	}
	nbfwd_cons_notify(c, r);
}

/*
 * Write one packet's descriptors at entry @p at after our head, with the
 * handle of the current attachment (@p handle).
 */
static __rte_always_inline void
nbfwd_cons_put_chain(struct nbshm_ring *r, uint32_t at, const NET_BUFFER_SHARED_MEMORY **segs,
		unsigned int k, uint32_t pkt_len, uint64_t handle)
{
	unsigned int j;

	for (j = 0; j < k; j++) {
		struct nbshm_desc d = {
			.handle = handle,
			.offset = segs[j]->SharedMemoryOffset,
			.length = segs[j]->SharedMemoryLength,
			.flags = NBSHM_DESC_F_SHM_VALID | (j + 1 < k ? NBSHM_DESC_F_NEXT : 0),
			.pkt_len = j == 0 ? pkt_len : 0,
			.n_segs = (uint16_t)(j == 0 ? k : 0),
		};

		*nbshm_ring_slot(r, at + j) = d;
	}
}

/*
 * Put one packet of @p c's pool, whose NET_BUFFER (@p segs, @p k segments)
 * was built and resolved, on the rx ring at @p *used entries after our head
 * and remember it as lent. Every segment must be in the consumer's region.
 * @return true when lent; false when it does not fit (the caller frees it).
 */
static __rte_always_inline bool
nbfwd_cons_lend_segs(struct nbfwd_consumer *c, struct nbfwd_cons_qp *qp, struct rte_mbuf *m,
		const NET_BUFFER_SHARED_MEMORY **segs, unsigned int k, uint32_t room,
		uint32_t *used)
{
	unsigned int j;

	for (j = 0; j < k; j++)
		if (unlikely(segs[j]->SharedMemoryHandle != c->rg_handle)) {
			qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;	/* not its memory */
			return false;
		}
	if (unlikely(k > room - *used)) {
		qp->st.drop[NBFWD_CONS_DROP_RING_FULL]++;
		return false;
	}
	if (unlikely(nbshm_lent_put(&qp->lent, segs[0]->SharedMemoryOffset, m) != 0)) {
		qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;	/* not one of its rx buffers */
		return false;
	}
	nbfwd_cons_put_chain(&qp->rx, *used, segs, k, m->pkt_len, c->layout.handle);
	*used += k;
	qp->st.delivered++;
	qp->st.delivered_bytes += m->pkt_len;
	return true;
}

/* Lend a packet of @p c's pool after building and resolving its NET_BUFFER. */
static inline bool
nbfwd_cons_lend_one(const struct nbfwd_ctx *ctx, struct nbfwd_consumer *c,
		struct nbfwd_cons_qp *qp, struct rte_mbuf *m, uint32_t room, uint32_t *used)
{
	const NET_BUFFER_SHARED_MEMORY *segs[NBSHM_MBUF_MAX_SEGS];
	unsigned int k;
	void *first;

	if (unlikely(m->nb_segs > c->layout.max_segs ||
			nbshm_mbuf_build_resolve_one(ctx->table, m, c->layout.max_segs, segs,
				&first, &k) != NET_BUFFER_OK)) {
		qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;
		return false;
	}
	return nbfwd_cons_lend_segs(c, qp, m, segs, k, room, used);
}

/*
 * Lend a packet whose NET_BUFFER the caller built and resolved in this burst
 * (nbshm_mbuf_build_resolve_burst() said OK): its segments are read from the
 * private areas as they are, not built again.
 */
static inline bool
nbfwd_cons_lend_built(struct nbfwd_consumer *c, struct nbfwd_cons_qp *qp, struct rte_mbuf *m,
		uint32_t room, uint32_t *used)
{
	const NET_BUFFER_SHARED_MEMORY *segs[NBSHM_MBUF_MAX_SEGS];
	const NET_BUFFER_SHARED_MEMORY *s = &nbshm_mbuf_priv(m)->shm;
	unsigned int k = 0;

	if (likely(m->nb_segs == 1))
		return nbfwd_cons_lend_segs(c, qp, m, &s, 1, room, used);
	if (unlikely(m->nb_segs > c->layout.max_segs)) {
		qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;
		return false;
	}
	for (; s != NULL && k < m->nb_segs; s = NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s))
		segs[k++] = s;
	return nbfwd_cons_lend_segs(c, qp, m, segs, k, room, used);
}

/*
 * Fill buffer @p cp of @p c's pool with @p len bytes from @p src (resolved,
 * one segment, fits the buffer after the headroom) and lend it at entry
 * @p at after our head. Its descriptor comes from what was just written: the
 * buffer is ours and its region offset was set when the pool was made, so
 * nothing is built or resolved.
 */
static inline bool
nbfwd_cons_lend_copy(struct nbfwd_consumer *c, struct nbfwd_cons_qp *qp, struct rte_mbuf *cp,
		const void *src, uint32_t len, uint32_t at)
{
	uint32_t off = nbshm_mbuf_priv(cp)->buf_off + RTE_PKTMBUF_HEADROOM;
	struct nbshm_desc d = {
		.handle = c->layout.handle,
		.offset = off,
		.length = len,
		.flags = NBSHM_DESC_F_SHM_VALID,
		.pkt_len = len,
		.n_segs = 1,
	};

	if (unlikely(nbshm_lent_put(&qp->lent, off, (void *)((uintptr_t)cp | NBFWD_COOKIE_RAW))
			!= 0))
		return false;
	rte_memcpy(c->base + off, src, len);
	*nbshm_ring_slot(&qp->rx, at) = d;
	qp->st.delivered++;
	qp->st.delivered_bytes += len;
	return true;
}

static inline void
nbfwd_cons_publish(struct nbfwd_consumer *c, struct nbfwd_cons_qp *qp, uint32_t used)
{
	if (used != 0) {
		nbshm_ring_produce(&qp->rx, used);
		nbfwd_cons_notify(c, &qp->rx);
	}
}

/* A copy of a chain, or of a frame longer than one buffer: the general way. */
static inline bool
nbfwd_cons_deliver_chain(const struct nbfwd_ctx *ctx, struct nbfwd_consumer *c,
		struct nbfwd_cons_qp *qp, struct rte_mbuf *m, uint32_t room, uint32_t *used)
{
	uint32_t room_per_buf = c->buf_size - RTE_PKTMBUF_HEADROOM;
	uint32_t need = (m->pkt_len + room_per_buf - 1) / room_per_buf;
	struct rte_mbuf *copy;

	if (unlikely(need > c->layout.max_segs || m->pkt_len == 0)) {
		qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;
		return false;
	}
	if (unlikely(need > room - *used)) {
		qp->st.drop[NBFWD_CONS_DROP_RING_FULL]++;
		return false;
	}
	copy = rte_pktmbuf_copy(m, c->pool, 0, UINT32_MAX);
	if (unlikely(copy == NULL)) {
		qp->st.drop[NBFWD_CONS_DROP_NO_BUFFER]++;
		return false;
	}
	if (nbfwd_cons_lend_one(ctx, c, qp, copy, room, used))
		return true;
	rte_pktmbuf_free(copy);
	return false;
}

/*
 * Lend copies of @p n packets to consumer @p c on this worker's queue pair
 * @p q. @p data holds each packet's resolved first segment (its NET_BUFFER
 * built and resolved in this burst). The originals are left to the caller.
 * Copies that cannot be lent are counted on the consumer.
 * @return number delivered.
 */
static uint16_t
nbfwd_consumer_deliver(const struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, unsigned int q,
		struct rte_mbuf **pkts, void * const *data, uint16_t n)
{
	struct nbfwd_cons_qp *qp = &c->qp[q];
	struct rte_mbuf *copies[NBFWD_MAX_BURST];
	uint32_t room, used = 0, room_per_buf = c->buf_size - RTE_PKTMBUF_HEADROOM;
	uint16_t i, done = 0, n_copies = 0, next = 0;

	if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != NBFWD_CONS_ATTACHED) {
		qp->st.drop[NBFWD_CONS_DROP_DETACHED] += n;
		return 0;
	}
	room = nbshm_ring_room(&qp->rx, n);
	/* one buffer per frame, taken at once; if the pool runs short, one by one */
	n = RTE_MIN(n, (uint16_t)NBFWD_MAX_BURST);
	if (likely(rte_mempool_get_bulk(c->pool, (void **)copies, n) == 0))
		n_copies = n;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = m->pkt_len;

		if (likely(m->nb_segs == 1 && len - 1 < room_per_buf && next < n_copies &&
				used < room)) {
			if (likely(nbfwd_cons_lend_copy(c, qp, copies[next], data[i], len,
					used))) {
				next++;
				used++;
				done++;
			} else {
				qp->st.drop[NBFWD_CONS_DROP_TOO_LONG]++;
			}
			continue;
		}
		if (nbfwd_cons_deliver_chain(ctx, c, qp, m, room, &used))
			done++;
	}
	if (next < n_copies)
		rte_mempool_put_bulk(c->pool, (void **)&copies[next], n_copies - next);
	nbfwd_cons_publish(c, qp, used);
	return done;
}

/*
 * Lend packets that arrived in @p c's own queue (their data already in its
 * region) without a copy. Their NET_BUFFERs must have been built and resolved
 * in this burst (nbshm_mbuf_build_resolve_burst() said OK); a segment outside
 * @p c's region is refused. Packets that cannot be lent are freed and counted.
 * @return number lent.
 */
static uint16_t
nbfwd_consumer_lend(struct nbfwd_consumer *c, unsigned int q, struct rte_mbuf **pkts,
		uint16_t n)
{
	struct nbfwd_cons_qp *qp = &c->qp[q];
	struct rte_mbuf *refused[NBFWD_MAX_BURST];
	uint32_t room, used = 0;
	uint16_t i, done = 0, n_refused = 0;

	if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != NBFWD_CONS_ATTACHED) {
		qp->st.drop[NBFWD_CONS_DROP_DETACHED] += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return 0;
	}
	room = nbshm_ring_room(&qp->rx, n);
	for (i = 0; i < n; i++) {
		if (nbfwd_cons_lend_built(c, qp, pkts[i], room, &used))
			done++;
		else if (n_refused < RTE_DIM(refused))
			refused[n_refused++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
	nbfwd_cons_publish(c, qp, used);
	rte_pktmbuf_free_bulk(refused, n_refused);
	return done;
}

static void
nbfwd_cons_take_returns(struct nbfwd_consumer *c, struct nbfwd_cons_qp *qp)
{
	struct nbshm_desc d[NBFWD_CONS_BATCH];
	struct rte_mbuf *back[NBFWD_CONS_BATCH];
	void *raw[NBFWD_CONS_BATCH];
	uint32_t n = nbshm_ring_avail(&qp->ret), i, n_back = 0, n_raw = 0;
	void *m;

	if (n == 0)
		return;
	n = RTE_MIN(n, (uint32_t)NBFWD_CONS_BATCH);
	nbshm_ring_copy_out(&qp->ret, d, n);
	for (i = 0; i < n; i++) {
		enum nbshm_chan_reason r = nbshm_lent_take(&qp->lent, &d[i], &m);

		if (unlikely(r != NBSHM_CHAN_OK)) {
			qp->st.reject[r]++;
			continue;
		}
		if (likely((uintptr_t)m & NBFWD_COOKIE_RAW))
			raw[n_raw++] = (void *)((uintptr_t)m & ~NBFWD_COOKIE_RAW);
		else if (nbfwd_mbuf_raw_freeable(m, c->pool, true))
			raw[n_raw++] = m;	/* received by its port (steering = port, flow) */
		else
			back[n_back++] = m;
	}
	nbshm_ring_consume(&qp->ret, n);
	qp->st.returned += n_back + n_raw;
	if (n_raw != 0)
		rte_mempool_put_bulk(c->pool, raw, n_raw);
	rte_pktmbuf_free_bulk(back, n_back);
}

/*
 * Copy a checked tx chain (private descriptors) out of the consumer's tx
 * buffers into mbufs of @p mp. NULL when the pool is empty.
 */
static struct rte_mbuf *
nbfwd_cons_copy_in(const uint8_t *base,
		const struct nbshm_desc *d, uint32_t n_segs, struct rte_mempool *mp)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(mp), *cur = head;
	uint32_t j;

	if (head == NULL)
		return NULL;
	for (j = 0; j < n_segs; j++) {
		const uint8_t *src = base + d[j].offset;
		uint32_t left = d[j].length;

		while (left != 0) {
			uint32_t chunk = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(cur));
			char *dst;

			if (chunk == 0) {
				struct rte_mbuf *next = rte_pktmbuf_alloc(mp);

				if (next == NULL || rte_pktmbuf_chain(head, next) != 0) {
					rte_pktmbuf_free(next);
					rte_pktmbuf_free(head);
					return NULL;
				}
				cur = next;
				continue;
			}
			dst = rte_pktmbuf_mtod_offset(cur, char *, cur->data_len);
			memcpy(dst, src, chunk);
			cur->data_len += chunk;
			head->pkt_len += chunk;
			src += chunk;
			left -= chunk;
		}
	}
	return head;
}

/*
 * Each segment inside one tx buffer not already taken in this batch (nor
 * earlier in the same chain): the buffers are marked taken on success.
 */
static inline enum nbshm_chan_reason
nbfwd_cons_check_tx_bufs(const struct nbfwd_consumer *c, const struct nbshm_desc *d,
		uint32_t n_segs, uint32_t *bufs)
{
	const struct nbshm_chan_layout *l = &c->layout;
	enum nbshm_chan_reason r = NBSHM_CHAN_OK;
	uint32_t j;

	for (j = 0; j < n_segs; j++) {
		uint64_t rel = (uint64_t)d[j].offset - l->tx_off;
		uint32_t b = (uint32_t)(rel / l->tx_buf_size);

		if ((rel + d[j].length - 1) / l->tx_buf_size != b) {
			r = NBSHM_CHAN_MISALIGNED;
			break;
		}
		if (c->tx_busy[b] != 0) {
			r = NBSHM_CHAN_NOT_LENT;
			break;
		}
		c->tx_busy[b] = 1;
		bufs[j] = b;
	}
	if (r != NBSHM_CHAN_OK)
		while (j-- > 0)
			c->tx_busy[bufs[j]] = 0;
	return r;
}

/* A refused tx frame: counted, its copy freed (its tx buffers still go back). */
static const uint8_t nbfwd_cons_tx_drop[] = {
	[NBFWD_TX_RUNT] = NBFWD_CONS_DROP_TX_RUNT,
	[NBFWD_TX_TOO_LONG] = NBFWD_CONS_DROP_TX_TOO_LONG,
	[NBFWD_TX_TOO_MANY_SEGS] = NBFWD_CONS_DROP_TX_TOO_MANY_SEGS,
	[NBFWD_TX_SPOOFED] = NBFWD_CONS_DROP_TX_SPOOFED,
};

/*
 * Copy a chain whose buffers were taken and judge the frame: the length
 * first (nothing copied for a frame refused on its length), then its first
 * bytes in our copy (the consumer may rewrite its buffers at any time).
 * @return the copy to send; NULL when refused (counted, *no_mbuf false) or
 * when the port's pool is empty (*no_mbuf true).
 */
static struct rte_mbuf *
nbfwd_cons_tx_frame(const struct nbfwd_consumer *c, const uint8_t *base,
		const struct nbshm_desc *d, uint32_t segs, struct rte_mempool *mp,
		struct nbfwd_cons_qstats *st, bool *no_mbuf)
{
	enum nbfwd_tx_verdict v = nbfwd_tx_check_len(&c->txl, d[0].pkt_len);
	struct rte_mbuf *m;

	*no_mbuf = false;
	if (unlikely(v != NBFWD_TX_OK)) {
		st->drop[nbfwd_cons_tx_drop[v]]++;
		return NULL;
	}
	m = nbfwd_cons_copy_in(base, d, segs, mp);
	if (unlikely(m == NULL)) {
		*no_mbuf = true;
		return NULL;
	}
	v = nbfwd_tx_check_frame(&c->txl, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
		m->pkt_len);
	if (unlikely(v != NBFWD_TX_OK)) {
		st->drop[nbfwd_cons_tx_drop[v]]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

/*
 * rte_eth_tx_prepare() where the PMD has one: a packet it refuses is dropped
 * and counted, the rest is checked on. @return packets left in @p out.
 */
static uint16_t
nbfwd_cons_tx_prepare(uint16_t port, uint16_t txq, struct rte_mbuf **out, uint16_t n,
		struct nbfwd_cons_qstats *st)
{
	uint16_t ok = 0, k;

	while (ok < n) {
		k = rte_eth_tx_prepare(port, txq, out + ok, n - ok);
		ok += k;
		if (likely(ok == n))
			break;
		st->drop[NBFWD_CONS_DROP_TX_PREPARE]++;
		rte_pktmbuf_free(out[ok]);
		memmove(&out[ok], &out[ok + 1], sizeof(*out) * (n - ok - 1));
		n--;
	}
	return n;
}

/*
 * Serve @p c's tx ring: at most NBFWD_CONS_BATCH entries and, past the first
 * chain, c->tx_budget bytes per poll, so that a consumer flooding with
 * maximum-size frames costs its worker's other duties (rx of its ports,
 * other consumers) a bounded time per poll.
 */
static void
nbfwd_cons_serve_tx(const struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, unsigned int txq)
{
	const struct nbshm_chan_layout *l = &c->layout;
	struct nbfwd_cons_qstats *st = &c->qp[c->home].st;
	const struct nbfwd_port *p = &ctx->ports[c->port];
	uint8_t *base = ctx->regions[c->region].r.base;
	struct nbshm_desc d[NBFWD_CONS_BATCH];
	struct rte_mbuf *out[NBFWD_CONS_BATCH];
	uint32_t done[NBFWD_CONS_BATCH];
	uint32_t avail, room, i = 0, n_done = 0, j, bytes = 0;
	uint16_t n_out = 0, sent;

	avail = nbshm_ring_avail(&c->tx);
	if (avail == 0)
		return;
	avail = RTE_MIN(avail, (uint32_t)NBFWD_CONS_BATCH);
	room = RTE_MIN(nbshm_ring_room(&c->txdone, avail), (uint32_t)NBFWD_CONS_BATCH);
	nbshm_ring_copy_out(&c->tx, d, avail);
	while (i < avail) {
		uint32_t segs = 1;
		enum nbshm_chan_reason r = nbshm_chan_check_chain(&d[i], avail - i, l->handle,
			l->tx_off, (uint64_t)l->n_tx_bufs * l->tx_buf_size, l->max_segs, l->mtu,
			&segs);
		struct rte_mbuf *m;
		bool no_mbuf;

		if (r == NBSHM_CHAN_TRUNCATED && avail == NBFWD_CONS_BATCH && i > 0)
			break;		/* the rest of the chain comes with the next batch */
		if (r == NBSHM_CHAN_OK && segs > room - n_done)
			break;		/* no room to give its buffers back yet */
		if (r == NBSHM_CHAN_OK && bytes != 0 && bytes + d[i].pkt_len > c->tx_budget)
			break;		/* its share of this poll is spent */
		if (r == NBSHM_CHAN_OK)
			r = nbfwd_cons_check_tx_bufs(c, &d[i], segs, &done[n_done]);
		if (unlikely(r != NBSHM_CHAN_OK)) {
			/* a refused chain's buffers are not given back: they are unknown */
			st->reject[r]++;
			i += segs;
			continue;
		}
		m = nbfwd_cons_tx_frame(c, base, &d[i], segs, p->pool, st, &no_mbuf);
		if (unlikely(no_mbuf)) {
			for (j = 0; j < segs; j++)
				c->tx_busy[done[n_done + j]] = 0;
			st->drop[NBFWD_CONS_DROP_NO_BUFFER]++;
			break;		/* retried on the next poll */
		}
		/* well-formed buffers go back whether or not the frame may go out */
		n_done += segs;
		bytes += d[i].pkt_len;
		i += segs;
		if (m == NULL)
			continue;
		st->tx_bytes += m->pkt_len;
		out[n_out++] = m;
	}
	nbshm_ring_consume(&c->tx, i);
	/* copied: every buffer goes back to the consumer at once */
	for (j = 0; j < n_done; j++) {
		struct nbshm_desc g = {
			.handle = l->handle,
			.offset = (uint32_t)(l->tx_off + (uint64_t)done[j] * l->tx_buf_size),
			.length = l->tx_buf_size,
			.flags = NBSHM_DESC_F_SHM_VALID,
			.pkt_len = l->tx_buf_size,
			.n_segs = 1,
		};

		*nbshm_ring_slot(&c->txdone, j) = g;
		c->tx_busy[done[j]] = 0;
	}
	if (n_done != 0) {
		nbshm_ring_produce(&c->txdone, n_done);
		nbfwd_cons_notify(c, &c->txdone);
	}
	if (n_out == 0)
		return;
	n_out = nbfwd_cons_tx_prepare(p->port_id, (uint16_t)txq, out, n_out, st);
	sent = nbfwd_tx_burst(p->port_id, (uint16_t)txq, out, n_out);
	st->tx += sent;
	if (unlikely(sent < n_out)) {
		st->drop[NBFWD_CONS_DROP_TX_FULL] += n_out - sent;
		rte_pktmbuf_free_bulk(&out[sent], n_out - sent);
	}
}

/*
 * Take back returns on every attached consumer's ret ring of this worker's
 * queue pair, serve the tx ring of consumers it is home for, and acknowledge
 * detach requests.
 */
static void
nbfwd_consumers_poll(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		struct nbfwd_cons_qp *qp = &c->qp[w->index];
		uint32_t state = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);

		if (likely(state == NBFWD_CONS_ATTACHED)) {
			if (qp->lent.n_lent >= NBFWD_CONS_RET_LAZY ||
					++qp->ret_skip >= NBFWD_CONS_RET_EVERY) {
				qp->ret_skip = 0;
				nbfwd_cons_take_returns(c, qp);
			}
			nbfwd_cons_kick_sleeper(c, &qp->rx);
			if (c->home == w->index) {
				nbfwd_cons_serve_tx(ctx, c, w->index);
				nbfwd_cons_kick_sleeper(c, &c->txdone);
			}
		} else if (state == NBFWD_CONS_DETACHING && qp->ack == 0) {
			/* what it gave back before it went counts as returned */
			nbfwd_cons_take_returns(c, qp);
			nbfwd_consumer_reclaim(c, w->index);
			__atomic_store_n(&qp->ack, 1, __ATOMIC_RELEASE);
		} else if (state == NBFWD_CONS_DETACHED && qp->ack == 0) {
			/* its memory was renewed: our bursts into the old pages are over */
			__atomic_store_n(&qp->ack, 1, __ATOMIC_RELEASE);
		}
	}
}

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
	struct nbfwd_consumer *c = &ctx->consumers[q->cons];
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

		if (q->cons != NBFWD_NO_CONSUMER)
			nbfwd_vmq_rxq_own(ctx, w, q, &ctx->ports[q->port_index]);
		else
			nbfwd_vmq_rxq(ctx, w, q, &ctx->ports[q->port_index]);
	}
	nbfwd_consumers_poll(ctx, w);
}
