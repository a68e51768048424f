/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Bringing nbfwd up and down: pick ports and pair them, give each worker lcore
 * its rx queues, create the regions (hugetlbfs files on the ports' NUMA nodes),
 * register them with DPDK and DMA-map them for every device, make one mbuf pool
 * per port whose data buffers live in a region, configure and start the ports;
 * and undo all of it in reverse order, checking that every mbuf came back.
 */

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "nbfwd.h"
#include "nbfwd_log.h"
#include "nbfwd_filters.h"
#include "nbfwd_guard.h"
#include "nbfwd_mode.h"
#include "nbfwd_offload.h"
#include "nbfwd_preflight.h"
#include "nbfwd_setup.h"
#include "nbshm_region_dpdk.h"

#define NBFWD_BUF_SIZE NBFWD_PLAN_BUF_SIZE

static int
nbfwd_port_info(struct nbfwd_port *p, uint16_t port_id)
{
	struct rte_eth_dev_info info;
	int ret;

	memset(p, 0, sizeof(*p));
	p->port_id = port_id;
	p->region = -1;
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		APP_LOG(ERR, "port %u: cannot read device info: %s", port_id, strerror(-ret));
		return -1;
	}
	rte_eth_dev_get_name_by_port(port_id, p->name);
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	p->dev = info.device;
	p->socket = rte_eth_dev_socket_id(port_id);
	if (p->socket < 0)
		p->socket = (int)rte_socket_id();
	rte_eth_macaddr_get(port_id, &p->mac);
	p->rx_desc = NBFWD_DEFAULT_RX_DESC;
	p->tx_desc = NBFWD_DEFAULT_TX_DESC;
	p->max_mac_addrs = info.max_mac_addrs;
	if (strcmp(info.driver_name, "net_virtio_user") == 0) {
		APP_LOG(ERR, "port %u (%s, %s): vhost-user ports need a file descriptor for "
			"every memory segment, and DPDK 22.11 refuses that for external "
			"memory, so this port cannot receive into a shared region; use "
			"net_memif, net_af_packet, net_tap or a PCI NIC",
			port_id, p->name, info.driver_name);
		return -1;
	}
	return 0;
}

/* Ports named in the INI file, with their settings. */
static int
nbfwd_ports_from_config(struct nbfwd_ctx *ctx)
{
	const struct nbfwd_config *cfg = &ctx->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_ports; i++) {
		const struct nbfwd_port_cfg *pc = &cfg->ports[i];
		struct nbfwd_port *p = &ctx->ports[i];
		uint16_t port_id;

		if (rte_eth_dev_get_port_by_name(pc->name, &port_id) != 0) {
			APP_LOG(ERR, "%s: [port %s]: no such port; EAL probed %u port(s): "
				"add it with --vdev or -a", cfg->path, pc->name,
				rte_eth_dev_count_avail());
			return -1;
		}
		if (nbfwd_port_info(p, port_id) != 0)
			return -1;
		p->nb_rxq = pc->queues;
		p->rx_desc = pc->rx_desc;
		p->tx_desc = pc->tx_desc;
		p->mtu = pc->mtu;
		ctx->n_ports++;
	}
	return 0;
}

/*
 * The [port] peer, else the default pairing, as testpmd: 0<->1, 2<->3, an odd
 * last port to itself (ctx->ports are cfg.ports, when the file has some).
 */
static void
nbfwd_pair_ports(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++) {
		if (ctx->cfg.n_ports > 0 && ctx->cfg.ports[i].peer != NBFWD_CONFIG_NONE)
			ctx->ports[i].peer = ctx->cfg.ports[i].peer;
		else if (i % 2 == 0)
			ctx->ports[i].peer = i + 1 < ctx->n_ports ? i + 1 : i;
		else
			ctx->ports[i].peer = i - 1;
	}
}

int
nbfwd_setup_ports(struct nbfwd_ctx *ctx)
{
	uint16_t port_id;
	unsigned int i;

	if (ctx->cfg.n_ports > 0) {
		if (nbfwd_ports_from_config(ctx) != 0)
			return -1;
	} else {
		RTE_ETH_FOREACH_DEV(port_id) {
			if (ctx->n_ports == NBFWD_MAX_RUN_PORTS) {
				APP_LOG(WARNING, "using the first %u ports only",
					NBFWD_MAX_RUN_PORTS);
				break;
			}
			if (nbfwd_port_info(&ctx->ports[ctx->n_ports], port_id) != 0)
				return -1;
			ctx->n_ports++;
		}
	}
	if (ctx->n_ports == 0) {
		APP_LOG(ERR, "no ports: EAL probed none; name some with --vdev "
			"(e.g. --vdev net_null0 --vdev net_null1) or -a PCI_ADDRESS");
		return -1;
	}
	/* --mtu / [nbfwd] mtu: every port without a [port] mtu of its own */
	for (i = 0; i < ctx->n_ports; i++)
		if (ctx->ports[i].mtu == 0)
			ctx->ports[i].mtu = ctx->cfg.mtu;
	nbfwd_pair_ports(ctx);
	return 0;
}

static int
nbfwd_add_worker(struct nbfwd_ctx *ctx, unsigned int lcore_id)
{
	struct nbfwd_worker *w;

	if (ctx->n_workers == NBFWD_MAX_WORKERS) {
		APP_LOG(ERR, "more than %u worker lcores", NBFWD_MAX_WORKERS);
		return -1;
	}
	w = &ctx->workers[ctx->n_workers];
	w->lcore_id = lcore_id;
	w->index = ctx->n_workers++;
	return 0;
}

int
nbfwd_worker_add_rxq(struct nbfwd_worker *w, unsigned int port_index, uint16_t queue,
		uint16_t cons)
{
	struct nbfwd_rxq *q;

	if (w->n_rxq == NBFWD_MAX_LCORE_RXQ) {
		APP_LOG(ERR, "lcore %u polls more than %u queues", w->lcore_id,
			NBFWD_MAX_LCORE_RXQ);
		return -1;
	}
	q = &w->rxq[w->n_rxq++];
	q->port_index = (uint16_t)port_index;	/* q->port: when the ports start */
	q->queue = queue;
	q->cons = cons;
	return 0;
}

void
nbfwd_port_give_rxqs(struct nbfwd_ctx *ctx, unsigned int port_index, uint16_t cons)
{
	unsigned int w, i;

	for (w = 0; w < ctx->n_workers; w++) {
		struct nbfwd_worker *wk = &ctx->workers[w];

		for (i = 0; i < wk->n_rxq; i++)
			if (wk->rxq[i].port_index == port_index &&
					wk->rxq[i].cons == NBFWD_NO_CONSUMER)
				wk->rxq[i].cons = cons;
	}
}

/* [lcore N] rx = PORT:Q ... from the INI file. */
static int
nbfwd_workers_from_config(struct nbfwd_ctx *ctx)
{
	const struct nbfwd_config *cfg = &ctx->cfg;
	unsigned int i, j;

	for (i = 0; i < cfg->n_lcores; i++) {
		const struct nbfwd_lcore_cfg *lc = &cfg->lcores[i];
		struct nbfwd_worker *w;

		if (!rte_lcore_is_enabled(lc->lcore_id)) {
			APP_LOG(ERR, "%s: [lcore %u]: lcore %u is not in EAL's lcore list "
				"(-l/--lcores)", cfg->path, lc->lcore_id, lc->lcore_id);
			return -1;
		}
		if (nbfwd_add_worker(ctx, lc->lcore_id) != 0)
			return -1;
		w = &ctx->workers[ctx->n_workers - 1];
		for (j = 0; j < lc->n_rxq; j++) {
			/* an index in cfg->ports: ctx->ports are those (rx needs a [port]) */
			unsigned int pi = lc->rxq[j].port;
			struct nbfwd_port *p = &ctx->ports[pi];

			if (p->nb_rxq <= lc->rxq[j].queue)
				p->nb_rxq = lc->rxq[j].queue + 1;
			if (nbfwd_worker_add_rxq(w, pi, lc->rxq[j].queue,
					NBFWD_NO_CONSUMER) != 0)
				return -1;
		}
	}
	for (i = 0; i < ctx->n_ports; i++) {
		if (ctx->ports[i].nb_rxq == 0) {
			APP_LOG(ERR, "%s: port %s: no [lcore N] rx list polls it; add "
				"%s:0 to one", cfg->path, ctx->ports[i].name,
				ctx->ports[i].name);
			return -1;
		}
	}
	return 0;
}

static uint16_t
nbfwd_max_queues(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) != 0)
		return 1;
	return RTE_MIN(info.max_rx_queues, info.max_tx_queues);
}

int
nbfwd_setup_workers(struct nbfwd_ctx *ctx)
{
	unsigned int lcore_id, i, w;

	if (ctx->cfg.n_lcores > 0)
		return nbfwd_workers_from_config(ctx);

	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		if (nbfwd_add_worker(ctx, lcore_id) != 0)
			return -1;
	}
	if (ctx->n_workers == 0 && nbfwd_add_worker(ctx, rte_get_main_lcore()) != 0)
		return -1;

	/* queue q of every port goes to worker q */
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];
		uint16_t maxq = nbfwd_max_queues(p->port_id);

		if (p->nb_rxq == 0)
			p->nb_rxq = RTE_MIN(ctx->n_workers, maxq);
		if (p->nb_rxq < ctx->n_workers)
			APP_LOG(NOTICE, "port %u (%s): %u rx queue(s) for %u workers",
				p->port_id, p->name, p->nb_rxq, ctx->n_workers);
		for (w = 0; w < p->nb_rxq; w++) {
			if (nbfwd_worker_add_rxq(&ctx->workers[w % ctx->n_workers], i, w,
					NBFWD_NO_CONSUMER) != 0)
				return -1;
		}
	}
	return 0;
}

/*
 * The region a port's pool goes to: named in [port] (ctx->regions begin with
 * cfg.regions), else its node's own.
 */
static int
nbfwd_port_region(struct nbfwd_ctx *ctx, unsigned int pi)
{
	const struct nbfwd_port *p = &ctx->ports[pi];
	char want[NBSHM_REGION_NAME_MAX];
	struct nbfwd_region *rg;
	int ri;

	if (ctx->cfg.n_ports > 0 && ctx->cfg.ports[pi].region != NBFWD_CONFIG_NONE)
		return ctx->cfg.ports[pi].region;
	snprintf(want, sizeof(want), "%.31s.node%d", ctx->file_prefix, p->socket);
	ri = nbfwd_config_find(ctx->regions[0].r.name, sizeof(ctx->regions[0]),
		ctx->n_regions, want);
	if (ri >= 0)
		return ri;
	if (ctx->n_regions == NBFWD_MAX_REGIONS) {
		APP_LOG(ERR, "more than %u regions", NBFWD_MAX_REGIONS);
		return -1;
	}
	rg = &ctx->regions[ctx->n_regions];
	snprintf(rg->r.name, sizeof(rg->r.name), "%s", want);
	rg->page_size = NBFWD_DEFAULT_PAGE_SIZE;
	rg->numa_node = p->socket;
	rg->layout = ctx->cfg.pool_layout;
	return (int)ctx->n_regions++;
}

/* What the planner needs of the ports and regions, as set up so far. */
static void
nbfwd_plan_facts(const struct nbfwd_ctx *ctx, struct nbfwd_plan_in *in)
{
	unsigned int i;

	memset(in, 0, sizeof(*in));
	in->cfg = &ctx->cfg;
	in->n_workers = ctx->n_workers;
	in->n_ports = ctx->n_ports;
	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];

		in->ports[i] = (struct nbfwd_plan_port){
			.nb_rxq = p->nb_rxq,
			.rx_desc = p->rx_desc,
			.tx_desc = p->tx_desc,
			.peer = p->peer,
			/* configured, 0 = automatic */
			.pool_size = ctx->cfg.n_ports > 0 ? ctx->cfg.ports[i].pool_size : 0,
			.region = (uint16_t)p->region,
		};
	}
	in->n_regions = ctx->n_regions;
	for (i = 0; i < ctx->n_regions; i++) {
		const struct nbfwd_region *rg = &ctx->regions[i];

		in->regions[i] = (struct nbfwd_plan_region){
			.page_size = rg->page_size,
			/* configured (the first cfg.n_regions), 0 = automatic */
			.pages = i < ctx->cfg.n_regions ? ctx->cfg.regions[i].pages : 0,
			.layout = rg->layout,
		};
	}
}

/*
 * Regions named in the INI file, then one automatic region per NUMA node,
 * sized by the planner with the pools; then the mode's regions.
 */
static int
nbfwd_plan_regions(struct nbfwd_ctx *ctx)
{
	struct nbfwd_plan_in in;
	unsigned int i;

	for (i = 0; i < ctx->cfg.n_regions; i++) {
		const struct nbfwd_region_cfg *rc = &ctx->cfg.regions[i];
		struct nbfwd_region *rg = &ctx->regions[ctx->n_regions++];

		snprintf(rg->r.name, sizeof(rg->r.name), "%.31s.%.31s", ctx->file_prefix, rc->name);
		rg->page_size = rc->page_size;
		rg->numa_node = rc->numa_node;
		rg->layout = rc->layout >= 0 ? (enum nbfwd_pool_layout)rc->layout :
			ctx->cfg.pool_layout;
	}
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];
		int ri = nbfwd_port_region(ctx, i);

		if (ri < 0)
			return -1;
		if (ctx->regions[ri].numa_node < 0)
			ctx->regions[ri].numa_node = p->socket;
		p->region = ri;
	}
	nbfwd_plan_facts(ctx, &in);
	if (nbfwd_plan(&in, &ctx->plan) != 0) {
		APP_LOG(ERR, "cannot plan pools and regions for %u ports and %u regions",
			ctx->n_ports, ctx->n_regions);
		return -1;
	}
	for (i = 0; i < ctx->n_ports; i++)
		ctx->ports[i].pool_size = ctx->plan.pool_size[i];
	for (i = 0; i < ctx->n_regions; i++)
		ctx->regions[i].pages = ctx->plan.pages[i];
	/* the mode's regions (vmq: one per consumer) after the ports' */
	if (ctx->mode->plan != NULL)
		return ctx->mode->plan(ctx);
	if (ctx->cfg.n_consumers != 0)
		APP_LOG(NOTICE, "mode %s: the %u [consumer] section(s) are not used "
			"(they take effect with --mode vmq)",
			nbfwd_config_mode_name(ctx->cfg.mode), ctx->cfg.n_consumers);
	return 0;
}

/* Make a region known to DPDK: a malloc heap, or registered external memory. */
static int
nbfwd_region_register(struct nbfwd_region *rg)
{
	int ret;

	if (rg->layout == NBFWD_POOL_HEAP) {
		snprintf(rg->heap, sizeof(rg->heap), "nbshm_r%u",
			NET_BUFFER_SHM_HANDLE_INDEX(rg->handle));
		ret = nbshm_region_dpdk_heap_add(&rg->r, rg->heap, &rg->heap_socket);
		if (ret != 0) {
			APP_LOG(ERR, "region %s: cannot make it a DPDK heap "
				"(rte_malloc_heap_memory_add): %s", rg->r.name, strerror(-ret));
			return -1;
		}
	} else {
		ret = nbshm_region_dpdk_register(&rg->r);
		if (ret != 0) {
			APP_LOG(ERR, "region %s: rte_extmem_register: %s", rg->r.name,
				strerror(-ret));
			return -1;
		}
	}
	rg->registered = true;
	return 0;
}

int
nbfwd_setup_regions(struct nbfwd_ctx *ctx)
{
	char err[512];
	unsigned int i, j;
	int ret;

	ctx->table = nbshm_region_table_create(ctx->cfg.max_regions);
	if (ctx->table == NULL) {
		APP_LOG(ERR, "cannot create a region table of %u slots", ctx->cfg.max_regions);
		return -1;
	}
	if (nbfwd_plan_regions(ctx) != 0)
		return -1;
	if (ctx->n_regions > ctx->cfg.max_regions) {
		APP_LOG(ERR, "%u regions needed, max_regions is %u", ctx->n_regions,
			ctx->cfg.max_regions);
		return -1;
	}
	for (i = 0; i < ctx->n_regions; i++) {
		struct nbfwd_region *rg = &ctx->regions[i];
		char name[NBSHM_REGION_NAME_MAX];

		snprintf(name, sizeof(name), "%s", rg->r.name);
		/* a consumer's region goes to it by descriptor: two sealed files */
		if ((rg->split != 0 ? nbshm_region_create_split(&rg->r, name, rg->page_size,
				rg->pages, rg->numa_node, rg->split, err, sizeof(err)) :
				nbshm_region_create(&rg->r, name, rg->page_size, rg->pages,
				rg->numa_node, err, sizeof(err))) != 0) {
			APP_LOG(ERR, "%s", err);
			return -1;
		}
		if (nbshm_region_table_add(ctx->table, rg->r.base, rg->r.size,
				&rg->handle) != 0) {
			APP_LOG(ERR, "region %s: region table full", name);
			return -1;
		}
		nbshm_region_header(&rg->r)->generation =
			NET_BUFFER_SHM_HANDLE_GEN(rg->handle);
		if (nbfwd_region_register(rg) != 0)
			return -1;
		REGION_LOG(INFO, "region %s: %u x %" PRIu64 " kB pages on node %d, "
			"handle 0x%016" PRIx64 ", %s layout, file %s", name, rg->pages,
			rg->page_size >> 10, rg->numa_node, rg->handle,
			rg->layout == NBFWD_POOL_HEAP ? "heap" : "extbuf", rg->r.path);
	}
	/*
	 * Every device may DMA into every region (mbufs cross ports). Heap
	 * regions are DPDK memory: EAL maps them for VFIO itself. A consumer
	 * with steering = software gets copies only: no device writes its
	 * region, which is not mapped (its pages change on every attach).
	 */
	for (j = 0; j < ctx->n_ports; j++) {
		for (i = 0; i < ctx->n_regions; i++) {
			if (ctx->regions[i].layout == NBFWD_POOL_HEAP || ctx->regions[i].no_dma)
				continue;
			ret = nbshm_region_dpdk_dma_map(&ctx->regions[i].r, ctx->ports[j].dev);
			if (ret < 0) {
				APP_LOG(ERR, "region %s: DMA map for port %u: %s",
					ctx->regions[i].r.name, ctx->ports[j].port_id,
					strerror(-ret));
				return -1;
			}
			ctx->ports[j].dma_mapped |= ret == 1;
		}
	}
	return 0;
}

int
nbfwd_setup_pools(struct nbfwd_ctx *ctx)
{
	char name[RTE_MEMPOOL_NAMESIZE], err[512];
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];
		struct nbfwd_region *rg = &ctx->regions[p->region];
		unsigned int cache = RTE_MIN((uint32_t)NBFWD_MEMPOOL_CACHE, p->pool_size / 2);

		snprintf(name, sizeof(name), "nbfwd_p%u", p->port_id);
		if (rg->layout == NBFWD_POOL_HEAP)
			p->pool = nbshm_region_heap_pool_create(name, &rg->r, rg->handle,
				p->pool_size, cache, NBFWD_BUF_SIZE, rg->heap_socket,
				err, sizeof(err));
		else
			p->pool = nbshm_region_pool_create(name, &rg->r, rg->handle,
				p->pool_size, cache, NBFWD_BUF_SIZE, p->socket,
				err, sizeof(err));
		if (p->pool == NULL) {
			APP_LOG(ERR, "port %u (%s): %s", p->port_id, p->name, err);
			return -1;
		}
		REGION_LOG(INFO, "pool %s: %u mbufs, %s in region %s", name, p->pool_size,
			rg->layout == NBFWD_POOL_HEAP ? "mbufs and data" : "data buffers",
			rg->r.name);
	}
	return 0;
}

static void
nbfwd_port_rss(struct rte_eth_conf *conf, const struct rte_eth_dev_info *info,
		const struct nbfwd_port *p)
{
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
		info->flow_type_rss_offloads;

	if (p->nb_rxq - p->nb_hwq < 2)
		return;		/* consumers' own queues get traffic by rte_flow only */
	if (hf == 0) {
		APP_LOG(WARNING, "port %u (%s): no RSS hash types offered; %u rx queues "
			"will not share the load", p->port_id, p->name, p->nb_rxq);
		return;
	}
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
}

static int
nbfwd_port_configure(struct nbfwd_ctx *ctx, struct nbfwd_port *p)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret != 0)
		return ret;
	p->nb_txq = ctx->n_workers;
	/* some devices (net_tap) want as many tx queues as rx: the extra ones idle */
	if (p->nb_hwq != 0 && p->nb_rxq > p->nb_txq && p->nb_rxq <= info.max_tx_queues)
		p->nb_txq = p->nb_rxq;
	if (p->nb_rxq > info.max_rx_queues || p->nb_txq > info.max_tx_queues) {
		APP_LOG(ERR, "port %u (%s): needs %u rx / %u tx queues (one tx queue per "
			"worker lcore), the device has %u / %u: use fewer lcores or queues",
			p->port_id, p->name, p->nb_rxq, p->nb_txq, info.max_rx_queues,
			info.max_tx_queues);
		return -EINVAL;
	}
	nbfwd_port_rss(&conf, &info, p);
	conf.rxmode.mtu = p->mtu;
	conf.rxmode.offloads = p->rx_offloads;
	conf.txmode.offloads = p->tx_offloads;
	ret = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &conf);
	if (ret != 0) {
		APP_LOG(ERR, "port %u (%s): rte_eth_dev_configure: %s", p->port_id,
			p->name, strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &p->rx_desc, &p->tx_desc);
	if (ret != 0)
		return ret;
	for (q = 0; q < p->nb_rxq; q++) {
		struct rte_mempool *mp = ctx->mode->rxq_pool != NULL ?
			ctx->mode->rxq_pool(ctx, p, q) : p->pool;
		struct rte_eth_rxconf rxconf = info.default_rxconf;

		/*
		 * A queue filled from a consumer's pool runs dry when the consumer
		 * holds its buffers: drop there rather than back up the port.
		 */
		rxconf.rx_drop_en = mp != p->pool;
		ret = rte_eth_rx_queue_setup(p->port_id, q, p->rx_desc, p->socket,
			mp != p->pool ? &rxconf : NULL, mp);
		if (ret != 0) {
			APP_LOG(ERR, "port %u (%s): rx queue %u: %s", p->port_id, p->name, q,
				strerror(-ret));
			return ret;
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->port_id, q, p->tx_desc, p->socket, NULL);
		if (ret != 0) {
			APP_LOG(ERR, "port %u (%s): tx queue %u: %s", p->port_id, p->name, q,
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Fill in each worker's rx queues now that ports, peers and stats exist. */
static int
nbfwd_bind_workers(struct nbfwd_ctx *ctx)
{
	unsigned int w, i;

	for (w = 0; w < ctx->n_workers; w++) {
		struct nbfwd_worker *wk = &ctx->workers[w];

		for (i = 0; i < wk->n_rxq; i++) {
			struct nbfwd_rxq *q = &wk->rxq[i];
			struct nbfwd_port *p = &ctx->ports[q->port_index];
			struct nbfwd_port *peer = &ctx->ports[p->peer];

			if (q->queue >= p->nb_rxq) {
				APP_LOG(ERR, "lcore %u: port %s has no rx queue %u",
					wk->lcore_id, p->name, q->queue);
				return -1;
			}
			q->st = &p->qstats[q->queue];
			q->port = p->port_id;
			q->tx_port = peer->port_id;
			q->tx_queue = wk->index;
			q->tx_src = peer->mac;
			memset(&q->tx_dst, 0, sizeof(q->tx_dst));
			q->tx_dst.addr_bytes[0] = 0x02;
			q->tx_dst.addr_bytes[5] = (uint8_t)peer->port_id;
		}
	}
	return 0;
}

/*
 * What each port's queues run: the driver's burst function names its path
 * (scalar, vector, which ISA), the figure that decides the rate on a NIC.
 * One name when all queues agree, else one per queue; "n/a" where the driver
 * does not say (most vdevs).
 */
static void
nbfwd_burst_summary(struct nbfwd_port *p, bool rx, char *out, size_t len)
{
	uint16_t q, n = rx ? p->nb_rxq : p->nb_txq;
	char first[RTE_ETH_BURST_MODE_INFO_SIZE] = "";
	size_t off = 0;
	bool same = true;

	out[0] = '\0';
	for (q = 0; q < n; q++) {
		struct rte_eth_burst_mode bm;
		const char *m;
		int ret;

		memset(&bm, 0, sizeof(bm));
		ret = rx ? rte_eth_rx_burst_mode_get(p->port_id, q, &bm) :
			rte_eth_tx_burst_mode_get(p->port_id, q, &bm);
		m = ret == 0 && bm.info[0] != '\0' ? bm.info : "n/a";
		if (q == 0)
			snprintf(first, sizeof(first), "%s", m);
		else if (strcmp(first, m) != 0)
			same = false;
		if (off < len)
			off += snprintf(out + off, len - off, "%sq%u %s", q == 0 ? "" : ", ",
				q, m);
	}
	if (same)
		snprintf(out, len, "%s", n == 0 ? "n/a" : first);
}

static void
nbfwd_port_burst_modes(struct nbfwd_port *p)
{
	nbfwd_burst_summary(p, true, p->rx_burst, sizeof(p->rx_burst));
	nbfwd_burst_summary(p, false, p->tx_burst, sizeof(p->tx_burst));
}

/*
 * An lcore polling a port on another node reads descriptors and packets over
 * the interconnect: say so once per lcore and port (the rate halves, or worse).
 */
static void
nbfwd_numa_warn(const struct nbfwd_ctx *ctx)
{
	unsigned int w, i;

	for (w = 0; w < ctx->n_workers; w++) {
		const struct nbfwd_worker *wk = &ctx->workers[w];
		int ls = (int)rte_lcore_to_socket_id(wk->lcore_id);

		for (i = 0; i < wk->n_rxq; i++) {
			const struct nbfwd_port *p = &ctx->ports[wk->rxq[i].port_index];
			int ps = rte_eth_dev_socket_id(p->port_id);
			int rn = p->region >= 0 ? ctx->regions[p->region].numa_node : -1;
			unsigned int m = nbfwd_numa_mismatch(ls, ps, rn);

			if (i > 0 && wk->rxq[i - 1].port_index == wk->rxq[i].port_index)
				continue;
			if (m & NBFWD_NUMA_PORT)
				APP_LOG(WARNING, "lcore %u (socket %d) polls port %u (%s) on NUMA "
					"node %d: pick lcores on the port's node", wk->lcore_id,
					ls, p->port_id, p->name, ps);
			if (m & NBFWD_NUMA_REGION)
				APP_LOG(WARNING, "lcore %u (socket %d) forwards port %u (%s), "
					"whose pool's region %s is on NUMA node %d",
					wk->lcore_id, ls, p->port_id, p->name,
					ctx->regions[p->region].r.name, rn);
		}
	}
}

/* Every port's offloads at once: a port's tx carries chains its sources receive. */
static int
nbfwd_choose_offloads(struct nbfwd_ctx *ctx)
{
	struct nbfwd_offload_port op[NBFWD_MAX_RUN_PORTS];
	unsigned int i, bad = 0;
	char err[160];

	memset(op, 0, sizeof(op));
	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];
		struct rte_eth_dev_info info;
		int ret = rte_eth_dev_info_get(p->port_id, &info);

		if (ret != 0) {
			APP_LOG(ERR, "port %u (%s): device info: %s", p->port_id, p->name,
				strerror(-ret));
			return -1;
		}
		op[i].rx_capa = info.rx_offload_capa;
		op[i].tx_capa = info.tx_offload_capa;
		op[i].mtu = p->mtu;
		/* what rte_eth_dev_configure() applies when no MTU is given */
		op[i].dev_mtu = RTE_ETHER_MTU;
		op[i].min_mtu = info.min_mtu;
		op[i].max_mtu = info.max_mtu;
		op[i].max_frame = info.max_rx_pktlen;
		op[i].buf_room = rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM;
		op[i].peer = p->peer;
		op[i].vlan_filter = nbfwd_filters_want_vlan(ctx, i);
		op[i].heap_pool = p->region >= 0 &&
			ctx->regions[p->region].layout == NBFWD_POOL_HEAP;
	}
	if (nbfwd_offload_choose(op, ctx->n_ports, ctx->cfg.mode, ctx->cfg.max_segments,
			err, sizeof(err), &bad) != 0) {
		APP_LOG(ERR, "port %u (%s): %s", ctx->ports[bad].port_id,
			ctx->ports[bad].name, err);
		return -1;
	}
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];

		p->rx_offloads = op[i].rx_offloads;
		p->tx_offloads = op[i].tx_offloads;
		if (op[i].chains_unsent)
			APP_LOG(WARNING, "port %u (%s): chained frames may reach it and the "
				"device does not offer tx MULTI_SEGS: its driver may send "
				"them wrong or drop them", p->port_id, p->name);
	}
	return 0;
}

int
nbfwd_start_ports(struct nbfwd_ctx *ctx)
{
	char names[96];
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];

		p->qstats = rte_zmalloc_socket("nbfwd_qstats", sizeof(*p->qstats) * p->nb_rxq,
			RTE_CACHE_LINE_SIZE, p->socket);
		if (p->qstats == NULL) {
			APP_LOG(ERR, "port %u: out of memory for counters", p->port_id);
			return -1;
		}
	}
	if (nbfwd_choose_offloads(ctx) != 0)
		return -1;
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];

		if (nbfwd_port_configure(ctx, p) != 0)
			return -1;
	}
	if (nbfwd_bind_workers(ctx) != 0)
		return -1;
	nbfwd_numa_warn(ctx);
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];

		ret = rte_eth_dev_start(p->port_id);
		if (ret != 0) {
			APP_LOG(ERR, "port %u (%s): start: %s", p->port_id, p->name,
				strerror(-ret));
			return -1;
		}
		p->started = true;
		nbfwd_filters_apply(ctx, p);
		APP_LOG(INFO, "port %u (%s, %s): %u rxq / %u txq, %u/%u desc, "
			"MAC " RTE_ETHER_ADDR_PRT_FMT ", forwards to port %u, pool %u mbufs",
			p->port_id, p->name, p->driver, p->nb_rxq, p->nb_txq, p->rx_desc,
			p->tx_desc, RTE_ETHER_ADDR_BYTES(&p->mac),
			ctx->ports[p->peer].port_id, p->pool_size);
		nbfwd_port_burst_modes(p);
		APP_LOG(INFO, "port %u (%s): offloads %s; rx burst mode %s; tx burst mode %s",
			p->port_id, p->name,
			nbfwd_offload_names(p->rx_offloads, p->tx_offloads, names, sizeof(names)),
			p->rx_burst, p->tx_burst);
	}
	return 0;
}

/*
 * Take back what is still queued in the rx rings: PMDs whose queues are plain
 * rings (net_ring) keep in-flight mbufs across stop and close.
 */
static void
nbfwd_drain_rx(const struct nbfwd_port *p)
{
	struct rte_mbuf *pkts[NBFWD_MAX_BURST];
	unsigned int round;
	uint16_t q, n;

	for (q = 0; q < p->nb_rxq; q++) {
		for (round = 0; round < 1024; round++) {
			n = nbfwd_rx_burst(p->port_id, q, pkts, NBFWD_MAX_BURST);
			if (n == 0)
				break;
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
}

void
nbfwd_stop_ports(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++)
		if (ctx->ports[i].started)
			nbfwd_drain_rx(&ctx->ports[i]);

	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];
		struct rte_eth_stats es;

		if (!p->started)
			continue;
		if (rte_eth_stats_get(p->port_id, &es) == 0) {
			p->rx_nombuf = es.rx_nombuf;
			p->imissed = es.imissed;
		}
		nbfwd_filters_remove(ctx, p);
		rte_eth_dev_stop(p->port_id);
		p->started = false;
	}
	/* closing releases the queues: every mbuf in a ring goes back to its pool */
	for (i = 0; i < ctx->n_ports; i++)
		rte_eth_dev_close(ctx->ports[i].port_id);
}

/* Count @p mp's mbufs still in use (owner: NULL for a port's pool). @return 1 on a leak. */
static int
nbfwd_check_pool(struct nbfwd_ctx *ctx, const struct rte_mempool *mp, const char *owner)
{
	unsigned int in_use = rte_mempool_in_use_count(mp);
	char what[64] = "";

	if (owner != NULL)
		snprintf(what, sizeof(what), " (%s)", owner);
	ctx->mbufs_in_use_at_exit += in_use;
	if (in_use != 0) {
		APP_LOG(ERR, "leak: pool %s%s has %u of %u mbufs in use at exit", mp->name,
			what, in_use, mp->size);
		return 1;
	}
	APP_LOG(INFO, "pool %s%s: all %u mbufs returned", mp->name, what, mp->size);
	return 0;
}

int
nbfwd_check_mbufs(struct nbfwd_ctx *ctx)
{
	unsigned int i;
	int leaked = 0;

	ctx->mbufs_in_use_at_exit = 0;
	for (i = 0; i < ctx->n_ports; i++)
		if (ctx->ports[i].pool != NULL)
			leaked |= nbfwd_check_pool(ctx, ctx->ports[i].pool, NULL);
	for (i = 0; i < ctx->n_mode_pools; i++)
		leaked |= nbfwd_check_pool(ctx, ctx->mode_pools[i].mp, ctx->mode_pools[i].owner);
	return leaked ? -1 : 0;
}

void
nbfwd_teardown(struct nbfwd_ctx *ctx)
{
	unsigned int i, j;

	for (i = 0; i < ctx->n_ports; i++) {
		rte_mempool_free(ctx->ports[i].pool);
		ctx->ports[i].pool = NULL;
		rte_free(ctx->ports[i].qstats);
		ctx->ports[i].qstats = NULL;
	}
	if (ctx->mode->teardown != NULL)
		ctx->mode->teardown(ctx);
	for (i = ctx->n_regions; i-- > 0;) {
		struct nbfwd_region *rg = &ctx->regions[i];

		if (rg->r.base == NULL)
			continue;
		for (j = 0; j < ctx->n_ports; j++)
			if (ctx->ports[j].dma_mapped && rg->layout != NBFWD_POOL_HEAP &&
					!rg->no_dma)
				nbshm_region_dpdk_dma_unmap(&rg->r, ctx->ports[j].dev);
		if (rg->registered && rg->layout == NBFWD_POOL_HEAP)
			nbshm_region_dpdk_heap_remove(&rg->r, rg->heap);
		else if (rg->registered)
			nbshm_region_dpdk_unregister(&rg->r);
		rg->registered = false;
		REGION_LOG(INFO, "region %s: unregistered, file %s removed", rg->r.name,
			rg->r.path);
		nbshm_region_close(&rg->r);
	}
	nbshm_region_table_free(ctx->table);
	ctx->table = NULL;
}

int
nbfwd_setup_prefix(struct nbfwd_ctx *ctx)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	snprintf(ctx->file_prefix, sizeof(ctx->file_prefix), "%s", basename(dir));
	return 0;
}
