/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Before EAL starts: how many hugepages will this run need, and are they
 * there? A short machine gets one sentence saying so, not an EAL trace.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "nbfwd_preflight.h"
#include "nbshm_region.h"

/* 2 MB pages DPDK itself takes beyond the mbuf headers (measured: about 6). */
#define NBFWD_EAL_BASE_PAGES 8
/* What one mbuf header costs in DPDK memory. */
#define NBFWD_EST_MBUF_HDR 320

static bool
nbfwd_arg_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static unsigned int
nbfwd_count_ports(int argc, char **argv)
{
	unsigned int n = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (nbfwd_arg_is(argv[i], "--vdev") || strcmp(argv[i], "-a") == 0 ||
				nbfwd_arg_is(argv[i], "--allow"))
			n++;
	}
	return n;
}

void
nbfwd_preflight_scan(int eal_argc, char **eal_argv, struct nbfwd_eal_args *ea)
{
	int i;

	memset(ea, 0, sizeof(*ea));
	snprintf(ea->file_prefix, sizeof(ea->file_prefix), "rte");
	for (i = 1; i < eal_argc; i++) {
		const char *a = eal_argv[i];

		if (strcmp(a, "--no-huge") == 0)
			ea->no_huge = true;
		else if (strcmp(a, "--in-memory") == 0)
			ea->in_memory = true;
		else if (nbfwd_arg_is(a, "--huge-unlink"))
			ea->huge_unlink = true;
		else if (strcmp(a, "--no-shconf") == 0)
			ea->no_shconf = true;
		else if (nbfwd_arg_is(a, "--file-prefix")) {
			const char *v = strchr(a, '=') ? strchr(a, '=') + 1 :
				(i + 1 < eal_argc ? eal_argv[i + 1] : "");

			snprintf(ea->file_prefix, sizeof(ea->file_prefix), "%s", v);
		}
	}
	ea->n_ports = nbfwd_count_ports(eal_argc, eal_argv);
}

/*
 * The planner's input as the configuration alone tells it: ports as
 * configured (or as many as the EAL options name, at least 2, with the
 * defaults), one worker per [lcore] section (at least one), the regions
 * configured and one automatic region (the NUMA nodes are not known yet).
 */
void
nbfwd_preflight_plan_in(const struct nbfwd_config *cfg, const struct nbfwd_eal_args *ea,
		struct nbfwd_plan_in *in)
{
	unsigned int i, auto_rg;

	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	in->n_workers = RTE_MAX(cfg->n_lcores, 1u);
	in->n_ports = cfg->n_ports ? cfg->n_ports : ea->n_ports;
	if (in->n_ports == 0)
		in->n_ports = 2;
	in->n_ports = RTE_MIN(in->n_ports, (unsigned int)NBFWD_PLAN_MAX_PORTS);
	for (i = 0; i < cfg->n_regions; i++) {
		in->regions[i].page_size = cfg->regions[i].page_size;
		in->regions[i].pages = cfg->regions[i].pages;
		in->regions[i].layout = cfg->regions[i].layout >= 0 ?
			(enum nbfwd_pool_layout)cfg->regions[i].layout : cfg->pool_layout;
	}
	auto_rg = cfg->n_regions;
	in->n_regions = auto_rg + 1;
	in->regions[auto_rg].page_size = NBFWD_DEFAULT_PAGE_SIZE;
	in->regions[auto_rg].layout = cfg->pool_layout;
	for (i = 0; i < in->n_ports; i++) {
		struct nbfwd_plan_port *p = &in->ports[i];
		const struct nbfwd_port_cfg *pc = i < cfg->n_ports ? &cfg->ports[i] : NULL;

		p->peer = (uint16_t)(i % 2 == 0 ? (i + 1 < in->n_ports ? i + 1 : i) : i - 1);
		p->nb_rxq = 1;
		p->rx_desc = NBFWD_DEFAULT_RX_DESC;
		p->tx_desc = NBFWD_DEFAULT_TX_DESC;
		p->region = (uint16_t)auto_rg;
		if (pc == NULL)
			continue;
		p->nb_rxq = pc->queues != 0 ? pc->queues : (uint16_t)in->n_workers;
		p->rx_desc = pc->rx_desc;
		p->tx_desc = pc->tx_desc;
		p->pool_size = pc->pool_size;
		if (pc->peer != NBFWD_CONFIG_NONE)
			p->peer = pc->peer;
		if (pc->region != NBFWD_CONFIG_NONE)
			p->region = pc->region;
	}
}

int
nbfwd_preflight_nodes(const uint64_t *need, const long *free_pages, unsigned int n_nodes,
		char *err, size_t errlen)
{
	unsigned int n;

	for (n = 0; n < n_nodes; n++) {
		if (need[n] == 0 || free_pages[n] < 0 || (uint64_t)free_pages[n] >= need[n])
			continue;
		snprintf(err, errlen, "the regions placed on NUMA node %u need %" PRIu64
			" hugepages of 2048 kB there and %ld are free on that node "
			"(/sys/devices/system/node/node%u/hugepages/hugepages-2048kB): "
			"reserve pages on node %u or move the regions (numa_node)",
			n, need[n], free_pages[n], n, n);
		return -1;
	}
	return 0;
}

unsigned int
nbfwd_numa_mismatch(int lcore_socket, int port_socket, int region_node)
{
	unsigned int m = 0;

	if (lcore_socket < 0)
		return 0;
	if (port_socket >= 0 && port_socket != lcore_socket)
		m |= NBFWD_NUMA_PORT;
	if (region_node >= 0 && region_node != lcore_socket)
		m |= NBFWD_NUMA_REGION;
	return m;
}

/*
 * Regions with a numa_node: their pages must be free on that node (the pages
 * are bound there), not merely somewhere on the machine.
 */
static int
nbfwd_preflight_node_pages(const struct nbfwd_config *cfg, const struct nbfwd_plan *plan,
		uint64_t page, char *err, size_t errlen)
{
	uint64_t need[NBFWD_PREFLIGHT_MAX_NODES] = { 0 };
	long free_pages[NBFWD_PREFLIGHT_MAX_NODES];
	unsigned int i, n_nodes = 0;

	for (i = 0; i < cfg->n_regions; i++) {
		int node = cfg->regions[i].numa_node;

		if (node < 0 || node >= NBFWD_PREFLIGHT_MAX_NODES ||
				cfg->regions[i].page_size != page)
			continue;
		need[node] += plan->pages[i];
		n_nodes = RTE_MAX(n_nodes, (unsigned int)node + 1);
	}
	for (i = 0; i < n_nodes; i++)
		free_pages[i] = need[i] != 0 ? nbshm_hugepages_node_free(page, (int)i) : -1;
	return nbfwd_preflight_nodes(need, free_pages, n_nodes, err, errlen);
}

int
nbfwd_preflight_hugepages(const struct nbfwd_config *cfg, const struct nbfwd_eal_args *ea,
		char *err, size_t errlen)
{
	const uint64_t page = 2ull << 20;
	struct nbfwd_plan_in in;
	struct nbfwd_plan plan;
	uint64_t region_pages = 0, eal_pages = 0;
	char dir[PATH_MAX];
	unsigned int i;
	long free_pages;

	nbfwd_preflight_plan_in(cfg, ea, &in);
	if (nbfwd_plan(&in, &plan) != 0) {
		snprintf(err, errlen, "cannot size this configuration (a port's peer is "
			"not one of its ports)");
		return -1;
	}
	/*
	 * Regions of 2 MB pages: the configured ones, or, when there are none,
	 * the automatic one (with [region] sections, ports that name none are
	 * not counted: the estimate has always been the sections' pages)
	 */
	for (i = 0; i < in.n_regions; i++)
		if (in.regions[i].page_size == page &&
				(cfg->n_regions == 0 || i < cfg->n_regions))
			region_pages += plan.pages[i];
	for (i = 0; i < plan.n_consumers; i++)
		region_pages += plan.consumers[i].pages;
	/* DPDK's own memory: its base, and the mbuf headers of every pool */
	if (!ea->no_huge) {
		eal_pages = NBFWD_EAL_BASE_PAGES;
		for (i = 0; i < in.n_ports; i++)
			eal_pages += ((uint64_t)plan.pool_size[i] * NBFWD_EST_MBUF_HDR + page - 1) /
				page;
		for (i = 0; i < plan.n_consumers; i++)
			eal_pages += ((uint64_t)cfg->consumers[i].buffers * NBFWD_EST_MBUF_HDR +
				page - 1) / page;
	}

	if (nbshm_hugetlbfs_dir(page, dir, sizeof(dir)) != 0) {
		snprintf(err, errlen, "no hugetlbfs mount for 2048 kB pages: nbfwd keeps "
			"packet data in hugepage files; run scripts/setup-hugepages.sh "
			"(as root) first");
		return -1;
	}
	free_pages = nbshm_hugepages_free(page);
	if (nbfwd_preflight_node_pages(cfg, &plan, page, err, errlen) != 0)
		return -1;
	if (free_pages < 0 || (uint64_t)free_pages < region_pages + eal_pages) {
		snprintf(err, errlen, "this configuration needs about %" PRIu64
			" hugepages of 2048 kB (regions %" PRIu64 ", DPDK about %" PRIu64
			") and %ld are free: run scripts/setup-hugepages.sh %" PRIu64
			" (as root), or use fewer/smaller ports and regions",
			region_pages + eal_pages, region_pages, eal_pages,
			free_pages < 0 ? 0 : free_pages,
			region_pages + eal_pages + 64);
		return -1;
	}
	return 0;
}
