/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Consumers: their regions, pools and lent tables, and the worker side of the
 * channel: lend copies on rx, take back returns, serve the tx ring. Every
 * descriptor a consumer wrote is copied out of shared memory first, and only
 * the copy is checked and used.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "nbfwd_consumer.h"
#include "nbfwd_fwd.h"
#include "nbfwd_guard.h"
#include "nbfwd_log.h"
#include "nbfwd_setup.h"
#include "nbshm_mbuf_bridge.h"
#include "nbshm_region_dpdk.h"
#include "nbshm_sigbus.h"

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
 * Bytes of consumer tx a worker copies per poll, shared equally by the
 * consumers it is home for (each takes at least one chain per poll): 64 KiB
 * is ~10 us of copying, well inside what a 1024-descriptor rx ring buffers
 * at line rate, whatever the consumers post.
 */
#define NBFWD_CONS_TX_BUDGET 65536u

/*
 * A copy is made in a buffer taken from @p c's pool as a bare object
 * (rte_mempool_get_bulk(): its mbuf header is never written, so it stays a
 * free mbuf) and lent with this tag on its cookie; it goes back with
 * rte_mempool_put_bulk(). Untagged cookies are real packets (own queue).
 */
#define NBFWD_COOKIE_RAW ((uintptr_t)1)

static const char * const nbfwd_cons_drop_names[NBFWD_CONS_DROP_MAX] = {
	[NBFWD_CONS_DROP_DETACHED] = "detached",
	[NBFWD_CONS_DROP_RING_FULL] = "ring_full",
	[NBFWD_CONS_DROP_NO_BUFFER] = "no_buffer",
	[NBFWD_CONS_DROP_TOO_LONG] = "too_long",
	[NBFWD_CONS_DROP_TX_FULL] = "tx_full",
	[NBFWD_CONS_DROP_TX_RUNT] = "tx_runt",
	[NBFWD_CONS_DROP_TX_TOO_LONG] = "tx_too_long",
	[NBFWD_CONS_DROP_TX_TOO_MANY_SEGS] = "tx_too_many_segments",
	[NBFWD_CONS_DROP_TX_SPOOFED] = "tx_spoofed",
	[NBFWD_CONS_DROP_TX_PREPARE] = "tx_prepare",
};

static const char * const nbfwd_cons_state_names[] = {
	[NBFWD_CONS_DETACHED] = "detached",
	[NBFWD_CONS_ATTACHED] = "attached",
	[NBFWD_CONS_DETACHING] = "detaching",
};

const char *
nbfwd_cons_drop_name(unsigned int reason)
{
	return reason < NBFWD_CONS_DROP_MAX ? nbfwd_cons_drop_names[reason] : "unknown";
}

const char *
nbfwd_cons_state_name(unsigned int state)
{
	return state < RTE_DIM(nbfwd_cons_state_names) ? nbfwd_cons_state_names[state] :
		"unknown";
}

/* Pool buffer bytes (headroom included, cache-line rounded as the pool does). */
static uint16_t
nbfwd_cons_buf_size(const struct nbfwd_consumer_cfg *k)
{
	return (uint16_t)RTE_ALIGN_CEIL(k->buffer_size + RTE_PKTMBUF_HEADROOM,
		RTE_CACHE_LINE_SIZE);
}

static uint64_t
nbfwd_cons_ring_stride(const struct nbfwd_consumer_cfg *k)
{
	return RTE_ALIGN_CEIL(NBSHM_RING_BYTES(k->ring_size), NBSHM_CHAN_CACHE_LINE);
}

/*
 * The region of a consumer, front to back: header page, rings, tx buffers
 * (the control file, whole pages), then rx buffers (the rx file, from a page
 * boundary). Fills the offsets of @p l and returns the bytes needed.
 */
static uint64_t
nbfwd_cons_layout(const struct nbfwd_consumer_cfg *k, unsigned int n_qp, uint64_t page,
		struct nbshm_chan_layout *l)
{
	uint16_t buf_size = nbfwd_cons_buf_size(k);
	uint64_t off;

	memset(l, 0, sizeof(*l));
	l->rings_off = NBSHM_REGION_DATA_OFFSET;
	l->ring_stride = nbfwd_cons_ring_stride(k);
	l->ring_size = k->ring_size;
	l->n_qp = n_qp;
	off = l->rings_off + l->ring_stride * NBSHM_CHAN_N_RINGS(n_qp);
	l->tx_off = RTE_ALIGN_CEIL(off, NBSHM_REGION_DATA_OFFSET);
	l->tx_buf_size = k->tx_buffer_size;
	l->n_tx_bufs = k->tx_buffers;
	l->rx_off = RTE_ALIGN_CEIL(l->tx_off + (uint64_t)l->n_tx_bufs * l->tx_buf_size, page);
	l->rx_len = nbshm_region_pool_bytes(l->rx_off, page, k->buffers, buf_size);
	return RTE_ALIGN_CEIL(l->rx_off + l->rx_len, page);
}

/*
 * steering = flow: a queue of its own on its port, polled by its home worker
 * (the device must have one to spare and, with RSS across several worker
 * queues, a redirection table to keep RSS off it). Whether rte_flow takes
 * the rule is known once the port runs (nbfwd_consumers_steer()).
 */
static int
nbfwd_cons_plan_queue(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, struct nbfwd_port *p)
{
	struct nbfwd_worker *w = &ctx->workers[c->home];
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(p->port_id, &info) != 0 ||
			p->nb_rxq + 1u > info.max_rx_queues || w->n_rxq == NBFWD_MAX_LCORE_RXQ) {
		APP_LOG(ERR, "[consumer %s] steering = flow: port %s has no rx queue to spare "
			"(%u in use, the device has %u): use steering = software", c->name,
			p->name, p->nb_rxq, info.max_rx_queues);
		return -1;
	}
	if (p->nb_rxq - p->nb_hwq > 1 && info.reta_size == 0) {
		APP_LOG(ERR, "[consumer %s] steering = flow: port %s spreads %u worker queues "
			"with RSS and has no redirection table to keep RSS off the consumer's "
			"queue: use steering = software or one worker lcore", c->name, p->name,
			p->nb_rxq - p->nb_hwq);
		return -1;
	}
	c->hw_queue = p->nb_rxq++;
	p->nb_hwq++;
	w->rxq[w->n_rxq].port = (uint16_t)c->port;	/* index until the ports start */
	w->rxq[w->n_rxq].queue = (uint16_t)c->hw_queue;
	w->rxq[w->n_rxq].cons1 = (uint16_t)(c->index + 1);
	w->n_rxq++;
	return 0;
}

/*
 * steering = port: every worker rx queue of its port takes buffers from the
 * consumer's pool (as a VF given to one guest): whatever the port receives
 * is written into the consumer's region and its frames are lent as they are.
 * Its pool also has to fill those queues' rx rings.
 */
static int
nbfwd_cons_plan_port(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, struct nbfwd_port *p)
{
	uint64_t need = (uint64_t)p->nb_rxq * p->rx_desc +
		(uint64_t)c->n_qp * c->cfg->ring_size +
		(uint64_t)ctx->n_workers * (NBFWD_MEMPOOL_CACHE + 2 * ctx->cfg.burst);
	unsigned int i, w;

	for (i = 0; i < ctx->n_consumers; i++)
		if (&ctx->consumers[i] != c && ctx->consumers[i].owns_port &&
				ctx->consumers[i].port == c->port) {
			APP_LOG(ERR, "[consumer %s] steering = port: port %s is consumer %s's "
				"already: one consumer per port", c->name, p->name,
				ctx->consumers[i].name);
			return -1;
		}
	if (c->cfg->buffers < need) {
		APP_LOG(ERR, "[consumer %s] steering = port: buffers = %u is too few: its "
			"pool also fills the rx rings of port %s (%u queue(s) of %u "
			"descriptors) besides what its %u ring(s) of %u hold; set buffers "
			">= %" PRIu64, c->name, c->cfg->buffers, p->name, p->nb_rxq, p->rx_desc,
			c->n_qp, c->cfg->ring_size, need);
		return -1;
	}
	for (w = 0; w < ctx->n_workers; w++) {
		struct nbfwd_worker *wk = &ctx->workers[w];

		for (i = 0; i < wk->n_rxq; i++)
			if (wk->rxq[i].port == c->port && wk->rxq[i].cons1 == 0)
				wk->rxq[i].cons1 = (uint16_t)(c->index + 1);
	}
	c->owns_port = true;
	return 0;
}

/*
 * A port a consumer owns (steering = port) carries its traffic only: no
 * other consumer may filter on it (its frames would sit in the owner's
 * memory before they reached the other one).
 */
static int
nbfwd_cons_check_owned(const struct nbfwd_ctx *ctx)
{
	unsigned int i, j;

	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *o = &ctx->consumers[i];

		if (!o->owns_port)
			continue;
		for (j = 0; j < ctx->n_consumers; j++)
			if (j != i && ctx->consumers[j].port == o->port) {
				APP_LOG(ERR, "[consumer %s] steering = port: port %s is consumer "
					"%s's alone, but [consumer %s] also uses it: give it "
					"another port", o->name, ctx->ports[o->port].name, o->name,
					ctx->consumers[j].name);
				return -1;
			}
	}
	return 0;
}

int
nbfwd_consumers_plan(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	ctx->n_consumers = ctx->cfg.n_consumers;
	if (ctx->cfg.mode != NBFWD_MODE_VMQ) {
		if (ctx->n_consumers != 0)
			APP_LOG(NOTICE, "mode %s: the %u [consumer] section(s) are not used "
				"(they take effect with --mode vmq)",
				nbfwd_config_mode_name(ctx->cfg.mode), ctx->n_consumers);
		ctx->n_consumers = 0;
		return 0;
	}
	if (ctx->n_consumers == 0) {
		APP_LOG(ERR, "mode vmq needs at least one [consumer NAME] section in the "
			"INI file (-f): nothing to steer to");
		return -1;
	}
	ctx->consumers = rte_zmalloc("nbfwd_consumers",
		sizeof(*ctx->consumers) * ctx->n_consumers, RTE_CACHE_LINE_SIZE);
	if (ctx->consumers == NULL) {
		APP_LOG(ERR, "out of memory for %u consumers", ctx->n_consumers);
		return -1;
	}
	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer_cfg *k = &ctx->cfg.consumers[i];
		struct nbfwd_consumer *c = &ctx->consumers[i];
		struct nbfwd_region *rg;
		uint64_t bytes;
		int pi = nbfwd_find_port(ctx, k->port);
		unsigned int b;

		c->cfg = k;
		c->index = i;
		snprintf(c->name, sizeof(c->name), "%s", k->name);
		c->evfd = -1;
		c->sock = -1;
		c->region = -1;
		if (pi < 0) {
			char names[256] = "";
			size_t off = 0;
			unsigned int j;

			for (j = 0; j < ctx->n_ports && off < sizeof(names); j++)
				off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
					j > 0 ? ", " : "", ctx->ports[j].name);
			APP_LOG(ERR, "[consumer %s] port = %s: no such port in use (ports: %s)",
				k->name, k->port, names);
			return -1;
		}
		c->port = (unsigned int)pi;
		ctx->ports[pi].cons[ctx->ports[pi].n_cons++] = (uint16_t)i;
		c->home = i % ctx->n_workers;
		c->vlan = k->vlan;
		c->mac = 0;
		for (b = 0; b < 6; b++)
			c->mac |= (uint64_t)k->mac[b] << (8 * b);
		c->n_qp = ctx->n_workers;
		c->hw_queue = -1;
		if (k->steering == NBFWD_STEER_FLOW &&
				nbfwd_cons_plan_queue(ctx, c, &ctx->ports[pi]) != 0)
			return -1;
		if (k->steering == NBFWD_STEER_PORT &&
				nbfwd_cons_plan_port(ctx, c, &ctx->ports[pi]) != 0)
			return -1;
		if (ctx->n_regions == NBFWD_MAX_REGIONS) {
			APP_LOG(ERR, "[consumer %s]: more than %u regions", k->name,
				NBFWD_MAX_REGIONS);
			return -1;
		}
		rg = &ctx->regions[ctx->n_regions];
		memset(rg, 0, sizeof(*rg));
		snprintf(rg->r.name, sizeof(rg->r.name), "%.28s.c.%.31s", ctx->file_prefix,
			k->name);
		rg->page_size = NBFWD_DEFAULT_PAGE_SIZE;
		rg->numa_node = k->numa_node >= 0 ? k->numa_node : ctx->ports[pi].socket;
		rg->layout = NBFWD_POOL_EXTBUF;
		rg->consumer = (int)i + 1;
		bytes = nbfwd_cons_layout(k, c->n_qp, rg->page_size, &c->layout);
		rg->pages = (uint32_t)(bytes / rg->page_size);
		rg->split = c->layout.rx_off;
		rg->no_dma = !nbfwd_consumer_device_writes(c);
		c->region = (int)ctx->n_regions++;
	}
	return nbfwd_cons_check_owned(ctx);
}

struct nbfwd_cons_slot_check {
	const struct nbshm_lent_table *t;
	uint8_t *seen;
	unsigned int bad;
};

static void
nbfwd_cons_check_slot(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
		unsigned int idx __rte_unused)
{
	struct nbfwd_cons_slot_check *sc = arg;
	const struct nbshm_mbuf_priv *p = nbshm_mbuf_priv(obj);
	uint32_t s;

	s = nbshm_lent_slot_of(sc->t, p->buf_off);
	if (s == UINT32_MAX || sc->seen[s]++ != 0)
		sc->bad++;
}

/*
 * Whether an attach can get a new rx file. Software steering: yes, nothing
 * but our copies writes it. steering = port|flow: the device writes it
 * through the mbufs of the consumer's pool, whose buf_iova and the rx
 * descriptors already posted name the pages the pool was made in. In IOVA-VA
 * mode without a DMA mapping (vdevs) the same virtual address is all a
 * device uses, so new pages under it are fine; in IOVA-PA mode, or with an
 * IOMMU mapping that pinned the old pages, the device would go on writing
 * the old pages (only an rx queue restart re-posts them): the rx file is then
 * kept for the life of nbfwd and an earlier attachment's read-only mapping
 * of it sees later frames. Said once at start.
 */
static void
nbfwd_cons_plan_renew(const struct nbfwd_ctx *ctx, struct nbfwd_consumer *c)
{
	const struct nbfwd_port *p = &ctx->ports[c->port];

	c->rx_renew = !nbfwd_consumer_device_writes(c) ||
		(rte_eal_iova_mode() == RTE_IOVA_VA && !p->dma_mapped);
	if (!c->rx_renew)
		APP_LOG(WARNING, "[consumer %s] steering = %s on port %s in IOVA-%s mode%s: "
			"the device writes its rx buffers by address, so its rx file is kept "
			"across attachments: a process that attached before can still read "
			"the frames lent later (not their rings, tx buffers or handle); use "
			"steering = software where that matters", c->name,
			nbfwd_consumer_steering(c), p->name,
			rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA",
			p->dma_mapped ? " with an IOMMU mapping" : "");
}

static int
nbfwd_consumer_setup(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c)
{
	struct nbfwd_region *rg = &ctx->regions[c->region];
	struct nbshm_chan_layout *l = &c->layout;
	struct nbfwd_cons_slot_check sc = { .bad = 0 };
	uint32_t n_slots;
	char name[RTE_MEMPOOL_NAMESIZE], err[512];
	const char *why;
	unsigned int q;
	int socket = ctx->ports[c->port].socket;

	/* the layout planned before the region existed */
	l->region_size = rg->r.size;
	l->handle = rg->handle;
	l->max_segs = RTE_MIN(ctx->cfg.max_segments, NBSHM_CHAN_MAX_SEGS);
	l->mtu = RTE_MIN(65535u, RTE_MAX((uint32_t)c->cfg->buffer_size, l->tx_buf_size) *
		l->max_segs);
	why = nbshm_chan_layout_check(l);
	if (why != NULL) {
		APP_LOG(ERR, "[consumer %s]: bad channel layout: %s", c->name, why);
		return -1;
	}
	/* rings: zeroed; then the rx pool from the page the layout says */
	memset(rg->r.base + l->rings_off, 0, l->rx_off - l->rings_off);
	rg->r.used = l->rx_off;
	c->rg_handle = rg->handle;
	c->gen = NET_BUFFER_SHM_HANDLE_GEN(rg->handle);
	c->buf_size = nbfwd_cons_buf_size(c->cfg);
	c->base = rg->r.base;
	n_slots = nbshm_lent_slots(l->rx_len, rg->page_size, c->buf_size);
	snprintf(name, sizeof(name), "nbfwd_c%u", c->index);
	c->pool = nbshm_region_pool_create(name, &rg->r, rg->handle, c->cfg->buffers,
		RTE_MIN((uint32_t)NBFWD_MEMPOOL_CACHE, c->cfg->buffers / 8), c->buf_size, socket,
		err, sizeof(err));
	if (c->pool == NULL) {
		APP_LOG(ERR, "[consumer %s]: %s", c->name, err);
		return -1;
	}
	c->qp = rte_zmalloc_socket("nbfwd_cons_qp", sizeof(*c->qp) * c->n_qp,
		RTE_CACHE_LINE_SIZE, socket);
	if (c->qp == NULL)
		return -1;
	for (q = 0; q < c->n_qp; q++) {
		struct nbshm_lent_slot *slots = rte_zmalloc_socket("nbfwd_cons_lent",
			sizeof(*slots) * n_slots, RTE_CACHE_LINE_SIZE, socket);

		if (slots == NULL || nbshm_lent_init(&c->qp[q].lent, slots, l->handle,
				l->rx_off, l->rx_len, rg->page_size, c->buf_size) != 0) {
			rte_free(slots);
			APP_LOG(ERR, "[consumer %s]: no memory for its lent table", c->name);
			return -1;
		}
	}
	/* every buffer must map to its own lent-table slot */
	sc.t = &c->qp[0].lent;
	sc.seen = rte_zmalloc("nbfwd_slots", n_slots, 0);
	if (sc.seen == NULL)
		return -1;
	rte_mempool_obj_iter(c->pool, nbfwd_cons_check_slot, &sc);
	rte_free(sc.seen);
	if (sc.bad != 0) {
		APP_LOG(ERR, "[consumer %s]: %u rx buffers outside the lent table", c->name,
			sc.bad);
		return -1;
	}
	c->tx_busy = rte_zmalloc_socket("nbfwd_cons_txbusy", l->n_tx_bufs, 0, socket);
	if (c->tx_busy == NULL) {
		APP_LOG(ERR, "[consumer %s]: out of memory", c->name);
		return -1;
	}
	/* a consumer's punched hole in its control file must not kill us */
	c->guard = nbshm_sigbus_guard(rg->r.base, rg->r.split, 0, 0);
	if (c->guard < 0) {
		APP_LOG(ERR, "[consumer %s]: SIGBUS guard: %s", c->name, strerror(-c->guard));
		return -1;
	}
	c->broken = nbshm_sigbus_broken(c->guard);
	nbfwd_cons_plan_renew(ctx, c);
	REGION_LOG(INFO, "consumer %s: region %s, %u rx buffers of %u bytes, %u tx buffers "
		"of %u bytes, %u ring pair(s) of %u, port %s, MAC %02x:%02x:%02x:%02x:%02x:%02x"
		" VLAN %d", c->name, rg->r.name, c->cfg->buffers, c->cfg->buffer_size,
		l->n_tx_bufs, l->tx_buf_size, c->n_qp, l->ring_size, ctx->ports[c->port].name,
		c->cfg->mac[0], c->cfg->mac[1], c->cfg->mac[2], c->cfg->mac[3], c->cfg->mac[4],
		c->cfg->mac[5], c->vlan);
	return 0;
}

int
nbfwd_consumer_renew(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, char *err,
		size_t errlen)
{
	struct nbfwd_region *rg = &ctx->regions[c->region];
	struct nbshm_chan_layout *l = &c->layout;
	unsigned int q;

	/* the files set up at start were never handed out */
	if (c->attaches != 0 || nbfwd_consumer_broken(c)) {
		if (nbshm_region_renew(&rg->r, c->rx_renew, err, errlen) != 0)
			return -1;
		/* a new slot: the broken flag of the old mapping goes with it */
		nbshm_sigbus_unguard(c->guard);
		c->broken = NULL;
		c->guard = nbshm_sigbus_guard(rg->r.base, rg->r.split, 0, 0);
		if (c->guard < 0) {
			snprintf(err, errlen, "SIGBUS guard: %s", strerror(-c->guard));
			return -1;
		}
		c->broken = nbshm_sigbus_broken(c->guard);
	}
	/* descriptors naming an earlier attachment are stale_generation from now on */
	if (++c->gen == 0)
		c->gen = 1;
	l->handle = (c->rg_handle & UINT32_MAX) | (uint64_t)c->gen << 32;
	nbshm_region_header(&rg->r)->generation = c->gen;
	memset(rg->r.base + l->rings_off, 0, l->ring_stride * NBSHM_CHAN_N_RINGS(l->n_qp));
	/* the ring views start over: what they counted (index_jump) is kept */
	c->qp[c->home].st.reject[NBSHM_CHAN_INDEX_JUMP] += c->tx.jumps + c->txdone.jumps;
	for (q = 0; q < c->n_qp; q++) {
		struct nbfwd_cons_qp *qp = &c->qp[q];

		qp->st.reject[NBSHM_CHAN_INDEX_JUMP] += qp->rx.jumps + qp->ret.jumps;
		nbshm_ring_init(&qp->rx, rg->r.base, l, NBSHM_CHAN_RING_RX(q), true);
		nbshm_ring_init(&qp->ret, rg->r.base, l, NBSHM_CHAN_RING_RET(q), false);
		qp->lent.handle = l->handle;
		qp->ack = 0;
	}
	nbshm_ring_init(&c->tx, rg->r.base, l, NBSHM_CHAN_RING_TX(l->n_qp), false);
	nbshm_ring_init(&c->txdone, rg->r.base, l, NBSHM_CHAN_RING_TXDONE(l->n_qp), true);
	memset(c->tx_busy, 0, l->n_tx_bufs);
	return 0;
}

int
nbfwd_consumers_setup(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++)
		if (nbfwd_consumer_setup(ctx, &ctx->consumers[i]) != 0)
			return -1;
	return 0;
}

int
nbfwd_consumers_tx_init(struct nbfwd_ctx *ctx)
{
	unsigned int i, j, n_home;

	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		const struct nbfwd_port *p = &ctx->ports[c->port];
		struct nbfwd_tx_limits *t = &c->txl;
		struct rte_eth_dev_info info;
		uint16_t mtu;

		if (rte_eth_dev_info_get(p->port_id, &info) != 0 ||
				rte_eth_dev_get_mtu(p->port_id, &mtu) != 0) {
			APP_LOG(ERR, "[consumer %s]: cannot read the MTU of port %s", c->name,
				p->name);
			return -1;
		}
		t->frame_max = (uint32_t)mtu + NBFWD_TX_ETH_HDR;
		t->seg_room = rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM;
		/* chains only where nbfwd_port_configure() asked for MULTI_SEGS */
		t->segs_max = 1;
		if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
			t->segs_max = ctx->cfg.max_segments;
			if (info.tx_desc_lim.nb_seg_max != 0)
				t->segs_max = RTE_MIN(t->segs_max, info.tx_desc_lim.nb_seg_max);
			if (info.tx_desc_lim.nb_mtu_seg_max != 0)
				t->segs_max = RTE_MIN(t->segs_max,
					info.tx_desc_lim.nb_mtu_seg_max);
		}
		t->spoof_check = c->cfg->spoof_check != 0;
		t->vlan = c->vlan;
		memcpy(t->mac, c->cfg->mac, sizeof(t->mac));
		for (j = 0, n_home = 0; j < ctx->n_consumers; j++)
			n_home += ctx->consumers[j].home == c->home;
		c->tx_budget = NBFWD_CONS_TX_BUDGET / n_home;
		CHAN_LOG(INFO, "consumer %s: tx up to %u bytes a frame (+4 per VLAN tag) in at "
			"most %u mbuf(s) of %u bytes, spoof check %s, %u bytes per poll",
			c->name, t->frame_max, t->segs_max, t->seg_room,
			t->spoof_check ? "on" : "off", c->tx_budget);
	}
	return 0;
}

bool
nbfwd_consumer_stalled(struct nbfwd_consumer *c, unsigned int burst, uint64_t now)
{
	struct nbfwd_cons_qstats st;
	uint64_t lent, refused;
	bool pressed;

	if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != NBFWD_CONS_ATTACHED ||
			c->cfg->stall_ms == 0) {
		c->stall_since = 0;
		c->stall_pressed = false;
		return false;
	}
	/* a look every 100 ms: "grew since the last look" needs time to grow */
	if (c->stall_since != 0 && now - c->stall_seen < rte_get_tsc_hz() / 10)
		return false;
	c->stall_seen = now;
	nbfwd_consumer_stats(c, &st, &lent);
	refused = st.drop[NBFWD_CONS_DROP_RING_FULL] + st.drop[NBFWD_CONS_DROP_NO_BUFFER];
	/*
	 * Under pressure: packets for it found its ring full or its pool empty
	 * since the last look; or its pool feeds rx queues (steering = port,
	 * flow) and has less than a burst left: those queues stop receiving
	 * then, and nothing of ours counts it.
	 */
	pressed = refused != c->stall_refused || ((c->owns_port || c->hw_queue >= 0) &&
		rte_mempool_avail_count(c->pool) < burst);
	/*
	 * The lease runs from the first look that found it under pressure; only
	 * a return (or nothing lent) ends it. Pressure need not last: packets
	 * come in bursts, and a pause between two is no return.
	 */
	if (c->stall_since == 0 || lent == 0 || st.returned != c->stall_returned) {
		c->stall_since = now;
		c->stall_pressed = false;
	} else if (!c->stall_pressed) {
		c->stall_since = now;
		c->stall_pressed = pressed;
	}
	c->stall_returned = st.returned;
	c->stall_refused = refused;
	return c->stall_pressed &&
		now - c->stall_since >= rte_get_tsc_hz() / 1000 * c->cfg->stall_ms;
}

void
nbfwd_consumers_teardown(struct nbfwd_ctx *ctx)
{
	unsigned int i, q;

	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];

		if (c->qp != NULL)
			for (q = 0; q < c->n_qp; q++)
				rte_free(c->qp[q].lent.slot);
		rte_free(c->qp);
		rte_free(c->tx_busy);
		rte_mempool_free(c->pool);
		if (c->broken != NULL)
			nbshm_sigbus_unguard(c->guard);
		c->broken = NULL;
		c->qp = NULL;
		c->tx_busy = NULL;
		c->pool = NULL;
	}
	rte_free(ctx->consumers);
	ctx->consumers = NULL;
	ctx->n_consumers = 0;
	free(ctx->chansrv);	/* its counters, kept for the exit report */
	ctx->chansrv = NULL;
}

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

uint16_t
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

uint16_t
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

void
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

void
nbfwd_consumer_stats(const struct nbfwd_consumer *c, struct nbfwd_cons_qstats *out,
		uint64_t *lent_now)
{
	unsigned int q, r;

	memset(out, 0, sizeof(*out));
	*lent_now = 0;
	if (c->qp == NULL)
		return;
	for (q = 0; q < c->n_qp; q++) {
		const struct nbfwd_cons_qp *qp = &c->qp[q];

		out->delivered += qp->st.delivered;
		out->delivered_bytes += qp->st.delivered_bytes;
		out->returned += qp->st.returned;
		out->tx += qp->st.tx;
		out->tx_bytes += qp->st.tx_bytes;
		out->reclaimed += qp->st.reclaimed;
		for (r = 0; r < NBFWD_CONS_DROP_MAX; r++)
			out->drop[r] += qp->st.drop[r];
		for (r = 0; r < NBSHM_CHAN_REASON_MAX; r++)
			out->reject[r] += qp->st.reject[r];
		out->reject[NBSHM_CHAN_INDEX_JUMP] += qp->rx.jumps + qp->ret.jumps;
		*lent_now += qp->lent.n_lent;
	}
	out->reject[NBSHM_CHAN_INDEX_JUMP] += c->tx.jumps + c->txdone.jumps;
}
