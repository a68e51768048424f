/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * vmq's control plane: the mode's start-up and shut-down (nbfwd_vmq_ops).
 * Plans each consumer's region and queues, lays out its rings, pool and lent
 * tables, renews its memory on every attach, sets what its tx frames may be,
 * watches for stalls and frees it all at exit. The attach server is
 * nbfwd_chansrv.c, hardware steering nbfwd_vmq_steer.c, the workers' side
 * nbfwd_vmq_fwd.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "nbfwd_consumer.h"
#include "nbfwd_log.h"
#include "nbfwd_mode.h"
#include "nbfwd_setup.h"
#include "nbshm_mbuf_bridge.h"
#include "nbshm_region_dpdk.h"
#include "nbshm_sigbus.h"

/*
 * Bytes of consumer tx a worker copies per poll, shared equally by the
 * consumers it is home for (each takes at least one chain per poll): 64 KiB
 * is ~10 us of copying, well inside what a 1024-descriptor rx ring buffers
 * at line rate, whatever the consumers post.
 */
#define NBFWD_CONS_TX_BUDGET 65536u

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
	return nbfwd_worker_add_rxq(w, c->port, (uint16_t)c->hw_queue, (uint16_t)c->index);
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
	const struct nbfwd_plan_port facts = { .nb_rxq = p->nb_rxq, .rx_desc = p->rx_desc };
	uint64_t need = nbfwd_plan_owned_buffers(&ctx->cfg, ctx->n_workers, &facts,
		c->cfg->ring_size);
	unsigned int i;

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
	nbfwd_port_give_rxqs(ctx, c->port, (uint16_t)c->index);
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

/* Plan step: each consumer's region, queues and port (after the ports' regions). */
static int
nbfwd_vmq_plan(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	ctx->n_consumers = ctx->cfg.n_consumers;
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
		const struct nbfwd_plan_consumer *pc = &ctx->plan.consumers[i];
		int pi = NBFWD_CONFIG_FIND(ctx->ports, ctx->n_ports, k->port);
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
		rg->numa_node = k->numa_node >= 0 ? k->numa_node : ctx->ports[pi].socket;
		rg->layout = NBFWD_POOL_EXTBUF;
		/* as planned with the ports' (nbfwd_plan()) */
		c->layout = pc->layout;
		c->buf_size = pc->buf_size;
		rg->page_size = pc->page_size;
		rg->pages = pc->pages;
		rg->split = pc->layout.rx_off;
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

/* Setup step: each consumer's pool (counted at exit like the ports'), rings, tables. */
static int
nbfwd_vmq_setup(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		int ret = nbfwd_consumer_setup(ctx, c);

		if (c->pool != NULL) {
			struct nbfwd_mode_pool *mp = &ctx->mode_pools[ctx->n_mode_pools++];

			mp->mp = c->pool;
			snprintf(mp->owner, sizeof(mp->owner), "consumer %s", c->name);
		}
		if (ret != 0)
			return -1;
	}
	return 0;
}

static int
nbfwd_vmq_tx_init(struct nbfwd_ctx *ctx)
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
		if (p->tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
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

/* Teardown step: free pools and tables (the mbufs were counted, the regions still exist). */
static void
nbfwd_vmq_teardown(struct nbfwd_ctx *ctx)
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

/* Start step, once the ports run: tx limits, rte_flow rules, the attach server. */
static int
nbfwd_vmq_start(struct nbfwd_ctx *ctx)
{
	if (nbfwd_vmq_tx_init(ctx) != 0 || nbfwd_consumers_steer(ctx) != 0)
		return -1;
	return nbfwd_chansrv_start(ctx);
}

/* Stop step, the workers gone: the attach server (lent buffers back), the rules. */
static void
nbfwd_vmq_stop(struct nbfwd_ctx *ctx)
{
	nbfwd_chansrv_stop(ctx);
	nbfwd_consumers_unsteer(ctx);
}

const struct nbfwd_mode_ops nbfwd_vmq_ops = {
	.plan = nbfwd_vmq_plan,
	.rxq_pool = nbfwd_consumer_queue_pool,
	.setup = nbfwd_vmq_setup,
	.start = nbfwd_vmq_start,
	.stop = nbfwd_vmq_stop,
	.teardown = nbfwd_vmq_teardown,
	.poll = nbfwd_vmq_poll,
};

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
