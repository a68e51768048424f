/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd's rte_telemetry commands. They run on DPDK's telemetry thread and
 * only read: configuration fixed at start and the per-queue counters, which
 * are summed here (relaxed loads), never written.
 */

#include <stdbool.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "nbfwd.h"
#include "nbfwd_compat.h"
#include "nbfwd_consumer.h"
#include "nbfwd_stats.h"
#include "nbfwd_telemetry.h"

static const struct nbfwd_ctx *nbfwd_tel_ctx;
/* Cleared before teardown frees what the commands read. */
static volatile bool nbfwd_tel_live;

/* Per port (keyed by port id): the offloads requested and the burst modes got. */
static void
nbfwd_tel_info_ports(struct rte_tel_data *d, const struct nbfwd_ctx *ctx)
{
	struct rte_tel_data *pl = rte_tel_data_alloc();
	unsigned int i;

	if (pl == NULL)
		return;
	rte_tel_data_start_dict(pl);
	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];
		struct rte_tel_data *pd = rte_tel_data_alloc();
		char key[16];

		if (pd == NULL)
			break;
		rte_tel_data_start_dict(pd);
		rte_tel_data_add_dict_string(pd, "name", p->name);
		rte_tel_data_add_dict_u64(pd, "rx_offloads", p->rx_offloads);
		rte_tel_data_add_dict_u64(pd, "tx_offloads", p->tx_offloads);
		rte_tel_data_add_dict_string(pd, "rx_burst_mode", p->rx_burst);
		rte_tel_data_add_dict_string(pd, "tx_burst_mode", p->tx_burst);
		rte_tel_data_add_dict_int(pd, "promiscuous", p->promiscuous);
		rte_tel_data_add_dict_int(pd, "consumer_macs_added", p->n_mac_added);
		rte_tel_data_add_dict_int(pd, "consumer_macs_refused", p->n_mac_refused);
		snprintf(key, sizeof(key), "%u", p->port_id);
		rte_tel_data_add_dict_container(pl, key, pd, 0);
	}
	rte_tel_data_add_dict_container(d, "ports_info", pl, 0);
}

static int
nbfwd_tel_info(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	const struct nbfwd_ctx *ctx = nbfwd_tel_ctx;

	if (!nbfwd_tel_live)
		return -1;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", NBSHM_VERSION);
	rte_tel_data_add_dict_string(d, "mode", nbfwd_config_mode_name(ctx->cfg.mode));
	rte_tel_data_add_dict_int(d, "workers", (int)ctx->n_workers);
	rte_tel_data_add_dict_int(d, "ports", (int)ctx->n_ports);
	rte_tel_data_add_dict_int(d, "regions", (int)ctx->n_regions);
	rte_tel_data_add_dict_int(d, "burst", ctx->cfg.burst);
	rte_tel_data_add_dict_int(d, "max_segments", ctx->cfg.max_segments);
	rte_tel_data_add_dict_u64(d, "uptime_ms",
		ctx->start_tsc == 0 ? 0 : (uint64_t)(nbfwd_stats_duration(ctx) * 1000));
	nbfwd_tel_info_ports(d, ctx);
	return 0;
}

/* Keys allow only [A-Za-z0-9_/]: items are named by decimal numbers. */
#define NBFWD_TEL_KEY 16

/* Fill the dict of item @p i of a list and write its key. */
typedef void (*nbfwd_tel_item_fn)(struct rte_tel_data *id, const struct nbfwd_ctx *ctx,
		unsigned int i, char key[NBFWD_TEL_KEY]);

/* The reply: a dict of @p n dicts, one an item, each filled by @p fn. */
static int
nbfwd_tel_items(struct rte_tel_data *d, unsigned int n, nbfwd_tel_item_fn fn)
{
	const struct nbfwd_ctx *ctx = nbfwd_tel_ctx;
	unsigned int i;

	if (!nbfwd_tel_live)
		return -1;
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *id = rte_tel_data_alloc();
		char key[NBFWD_TEL_KEY];

		if (id == NULL)
			return -1;
		rte_tel_data_start_dict(id);
		fn(id, ctx, i, key);
		rte_tel_data_add_dict_container(d, key, id, 0);
	}
	return 0;
}

/* Command @p name: a dict of the ctx's @p count items, each filled by @p fn. */
#define NBFWD_TEL_LIST_CMD(name, count, fn) \
static int \
name(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d) \
{ \
	return nbfwd_tel_items(d, nbfwd_tel_ctx->count, fn); \
}

/* Add counters v[first..n-1] to dict @p d, each under name(index). */
static void
nbfwd_tel_add_named(struct rte_tel_data *d, const char *(*name)(unsigned int),
		const uint64_t *v, unsigned int first, unsigned int n)
{
	unsigned int r;

	for (r = first; r < n; r++)
		rte_tel_data_add_dict_u64(d, name(r), v[r]);
}

/* Every counter of table @p t in @p sum, under its name (as the exit JSON has them). */
static void
nbfwd_tel_add_counters(struct rte_tel_data *d, const struct nbfwd_counters *t, const void *sum)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		rte_tel_data_add_dict_u64(d, t->c[i].name, nbfwd_counter_value(&t->c[i], sum));
}

/* Port index @p i: its counters summed over its queues, its key (the port id). */
static const struct nbfwd_port *
nbfwd_tel_port(const struct nbfwd_ctx *ctx, unsigned int i, struct nbfwd_port_sum *s,
		char key[NBFWD_TEL_KEY])
{
	nbfwd_stats_port_sum(ctx, i, s);
	snprintf(key, NBFWD_TEL_KEY, "%u", ctx->ports[i].port_id);
	return &ctx->ports[i];
}

static void
nbfwd_tel_stats_port(struct rte_tel_data *pd, const struct nbfwd_ctx *ctx, unsigned int i,
		char key[NBFWD_TEL_KEY])
{
	struct rte_tel_data *ql = rte_tel_data_alloc();
	const struct nbfwd_port *p;
	struct nbfwd_port_sum s;
	unsigned int q;

	p = nbfwd_tel_port(ctx, i, &s, key);
	rte_tel_data_add_dict_string(pd, "name", p->name);
	nbfwd_tel_add_counters(pd, &nbfwd_port_counters, &s);
	/* telemetry carries integers: rates in packets per second */
	rte_tel_data_add_dict_u64(pd, "rx_pps", (uint64_t)(p->rx_mpps * 1e6));
	rte_tel_data_add_dict_u64(pd, "tx_pps", (uint64_t)(p->tx_mpps * 1e6));
	if (ql == NULL || p->qstats == NULL) {
		rte_tel_data_free(ql);
		return;
	}
	rte_tel_data_start_array(ql, RTE_TEL_U64_VAL);
	for (q = 0; q < p->nb_rxq; q++)
		rte_tel_data_add_array_u64(ql, __atomic_load_n(&p->qstats[q].rx,
			__ATOMIC_RELAXED));
	rte_tel_data_add_dict_container(pd, "queue_rx_packets", ql, 0);
}

static void
nbfwd_tel_drops_port(struct rte_tel_data *pd, const struct nbfwd_ctx *ctx, unsigned int i,
		char key[NBFWD_TEL_KEY])
{
	struct nbfwd_port_sum s;

	nbfwd_tel_port(ctx, i, &s, key);
	nbfwd_tel_add_named(pd, nbfwd_drop_name, s.drop, 1, NBFWD_DROP_MAX);
}

NBFWD_TEL_LIST_CMD(nbfwd_tel_stats, n_ports, nbfwd_tel_stats_port)

NBFWD_TEL_LIST_CMD(nbfwd_tel_drops, n_ports, nbfwd_tel_drops_port)

/* Bytes of a region handed out: the heap's allocations, or what pools carved. */
static uint64_t
nbfwd_tel_region_used(const struct nbfwd_region *rg)
{
	struct rte_malloc_socket_stats st;

	if (rg->layout != NBFWD_POOL_HEAP)
		return rg->r.used;
	if (rte_malloc_get_socket_stats(rg->heap_socket, &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

/* mbufs of the pools in region index ri: total and in use now. */
static void
nbfwd_tel_region_pools(struct rte_tel_data *rd, const struct nbfwd_ctx *ctx,
		unsigned int ri)
{
	uint64_t size = 0, in_use = 0;
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];

		if (p->region != (int)ri || p->pool == NULL)
			continue;
		size += p->pool->size;
		in_use += rte_mempool_in_use_count(p->pool);
	}
	rte_tel_data_add_dict_u64(rd, "pool_mbufs", size);
	rte_tel_data_add_dict_u64(rd, "pool_mbufs_in_use", in_use);
}

static void
nbfwd_tel_region(struct rte_tel_data *rd, const struct nbfwd_ctx *ctx, unsigned int i,
		char key[NBFWD_TEL_KEY])
{
	const struct nbfwd_region *rg = &ctx->regions[i];

	rte_tel_data_add_dict_string(rd, "name", rg->r.name);
	rte_tel_data_add_dict_u64(rd, "handle", rg->handle);
	rte_tel_data_add_dict_u64(rd, "generation", NET_BUFFER_SHM_HANDLE_GEN(rg->handle));
	rte_tel_data_add_dict_u64(rd, "size", rg->r.size);
	rte_tel_data_add_dict_u64(rd, "page_size", rg->page_size);
	rte_tel_data_add_dict_int(rd, "pages", (int)rg->pages);
	rte_tel_data_add_dict_int(rd, "numa_node", rg->numa_node);
	rte_tel_data_add_dict_string(rd, "layout",
		rg->layout == NBFWD_POOL_HEAP ? "heap" : "extbuf");
	rte_tel_data_add_dict_string(rd, "file", rg->r.path);
	rte_tel_data_add_dict_u64(rd, "bytes_in_use", nbfwd_tel_region_used(rg));
	nbfwd_tel_region_pools(rd, ctx, i);
	/* the slot index names the region */
	snprintf(key, NBFWD_TEL_KEY, "%u", NET_BUFFER_SHM_HANDLE_INDEX(rg->handle));
}

NBFWD_TEL_LIST_CMD(nbfwd_tel_regions, n_regions, nbfwd_tel_region)

/* A dict @p key in @p rd of counters v[first..n-1], each under name(index). */
static void
nbfwd_tel_counters(struct rte_tel_data *rd, const char *key, const char *(*name)(unsigned int),
		const uint64_t *v, unsigned int first, unsigned int n)
{
	struct rte_tel_data *sub = rte_tel_data_alloc();

	if (sub == NULL)
		return;
	rte_tel_data_start_dict(sub);
	nbfwd_tel_add_named(sub, name, v, first, n);
	rte_tel_data_add_dict_container(rd, key, sub, 0);
}

static void
nbfwd_tel_consumer(struct rte_tel_data *rd, const struct nbfwd_ctx *ctx, unsigned int i,
		char key[NBFWD_TEL_KEY])
{
	const struct nbfwd_consumer *c = &ctx->consumers[i];
	struct nbfwd_cons_sum st;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	nbfwd_stats_consumer_sum(c, &st);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->cfg->mac[0],
		c->cfg->mac[1], c->cfg->mac[2], c->cfg->mac[3], c->cfg->mac[4],
		c->cfg->mac[5]);
	rte_tel_data_add_dict_string(rd, "name", c->name);
	rte_tel_data_add_dict_int(rd, "queue", 0);
	rte_tel_data_add_dict_string(rd, "port", ctx->ports[c->port].name);
	rte_tel_data_add_dict_string(rd, "mac", mac);
	rte_tel_data_add_dict_int(rd, "vlan", c->vlan);
	rte_tel_data_add_dict_string(rd, "state", nbfwd_cons_state_name(c->state));
	rte_tel_data_add_dict_string(rd, "steering", nbfwd_consumer_steering(c));
	rte_tel_data_add_dict_int(rd, "rx_queue", c->hw_queue);
	rte_tel_data_add_dict_int(rd, "pid", c->pid);
	rte_tel_data_add_dict_u64(rd, "uid", c->uid);
	rte_tel_data_add_dict_u64(rd, "handle", c->layout.handle);
	nbfwd_tel_add_counters(rd, &nbfwd_cons_counters, &st);
	nbfwd_tel_counters(rd, "drops", nbfwd_cons_drop_name, st.drop, 0,
		NBFWD_CONS_DROP_MAX);
	nbfwd_tel_counters(rd, "rejects", nbshm_chan_reason_name, st.reject, 1,
		NBSHM_CHAN_REASON_MAX);
	snprintf(key, NBFWD_TEL_KEY, "%u", i);	/* names may hold '.' or '-' */
}

NBFWD_TEL_LIST_CMD(nbfwd_tel_consumers, n_consumers, nbfwd_tel_consumer)

/* The attach socket: connections, attaches, refusals by reason, detaches. */
static int
nbfwd_tel_attach(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct nbfwd_attach_stats st;
	struct nbfwd_attach_sum sum;
	char mode[8];

	if (!nbfwd_tel_live)
		return -1;
	rte_tel_data_start_dict(d);
	if (nbfwd_stats_attach_sum(nbfwd_tel_ctx, &sum, &st) != 0)
		return 0;	/* no consumers: nothing listens */
	snprintf(mode, sizeof(mode), "0%o", (unsigned int)st.mode);
	rte_tel_data_add_dict_string(d, "socket", nbfwd_consumers_socket(nbfwd_tel_ctx));
	rte_tel_data_add_dict_string(d, "mode", mode);
	rte_tel_data_add_dict_u64(d, "group", (uint64_t)st.group);
	nbfwd_tel_add_counters(d, &nbfwd_attach_counters, &sum);
	nbfwd_tel_counters(d, "refused", nbfwd_attach_refusal_name, st.refused, 0,
		NBFWD_REFUSE_MAX);
	return 0;
}

void
nbfwd_telemetry_stop(void)
{
	nbfwd_tel_live = false;
	rte_delay_ms(10);	/* let a command already running finish */
}

int
nbfwd_telemetry_register(const struct nbfwd_ctx *ctx)
{
	nbfwd_tel_ctx = ctx;
	nbfwd_tel_live = true;
	if (rte_telemetry_register_cmd("/nbfwd/info", nbfwd_tel_info,
			"nbfwd version, mode, workers, ports, regions, uptime") != 0 ||
			rte_telemetry_register_cmd("/nbfwd/stats", nbfwd_tel_stats,
				"Per port rx/tx/dropped packets and segments") != 0 ||
			rte_telemetry_register_cmd("/nbfwd/drops", nbfwd_tel_drops,
				"Per port drops by reason") != 0 ||
			rte_telemetry_register_cmd("/nbfwd/regions", nbfwd_tel_regions,
				"Regions: handle, generation, size, pages, node, layout, file") != 0 ||
			rte_telemetry_register_cmd("/nbfwd/consumers", nbfwd_tel_consumers,
				"Consumers: filter, state, delivered, returned, lent, rejects") != 0 ||
			rte_telemetry_register_cmd("/nbfwd/attach", nbfwd_tel_attach,
				"Attach socket: connections, attaches, refusals by reason, detaches") != 0)
		return -1;
	return 0;
}
