/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Before EAL starts: how many hugepages will this run need, and are they
 * there? A short machine gets one sentence saying so, not an EAL trace.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nbfwd_preflight.h"
#include "nbshm_region.h"

/* 2 MB pages DPDK itself takes beyond the mbuf headers (measured: about 6). */
#define NBFWD_EAL_BASE_PAGES 8
/* Default pool per port and what one mbuf costs in DPDK memory and a region. */
#define NBFWD_EST_POOL 4095
#define NBFWD_EST_MBUF_HDR 320
#define NBFWD_EST_MBUF_BUF 2176

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

int
nbfwd_preflight_hugepages(const struct nbfwd_config *cfg, const struct nbfwd_eal_args *ea,
		char *err, size_t errlen)
{
	const uint64_t page = 2ull << 20;
	unsigned int n_ports = cfg->n_ports ? cfg->n_ports : ea->n_ports;
	uint64_t region_pages = 0, eal_pages = 0, pool;
	char dir[PATH_MAX];
	unsigned int i;
	long free_pages;

	if (n_ports == 0)
		n_ports = 2;
	if (cfg->n_regions > 0) {
		for (i = 0; i < cfg->n_regions; i++)
			if (cfg->regions[i].page_size == page)
				region_pages += cfg->regions[i].pages;
	} else {
		for (i = 0; i < n_ports; i++) {
			pool = i < cfg->n_ports && cfg->ports[i].pool_size ?
				cfg->ports[i].pool_size : NBFWD_EST_POOL;
			region_pages += (pool * NBFWD_EST_MBUF_BUF + page - 1) / page;
		}
		region_pages += 1;
	}
	if (!ea->no_huge) {
		eal_pages = NBFWD_EAL_BASE_PAGES;
		for (i = 0; i < n_ports; i++)
			eal_pages += (NBFWD_EST_POOL * NBFWD_EST_MBUF_HDR + page - 1) / page;
	}
	/* vmq: a region per consumer (rings, rx and tx buffers) and its mbuf headers */
	for (i = 0; cfg->mode == NBFWD_MODE_VMQ && i < cfg->n_consumers; i++) {
		const struct nbfwd_consumer_cfg *k = &cfg->consumers[i];

		region_pages += 2 + ((uint64_t)k->buffers * (k->buffer_size + 256) +
			(uint64_t)k->tx_buffers * k->tx_buffer_size + page - 1) / page;
		if (!ea->no_huge)
			eal_pages += ((uint64_t)k->buffers * NBFWD_EST_MBUF_HDR + page - 1) / page;
	}

	if (nbshm_hugetlbfs_dir(page, dir, sizeof(dir)) != 0) {
		snprintf(err, errlen, "no hugetlbfs mount for 2048 kB pages: nbfwd keeps "
			"packet data in hugepage files; run scripts/setup-hugepages.sh "
			"(as root) first");
		return -1;
	}
	free_pages = nbshm_hugepages_free(page);
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
