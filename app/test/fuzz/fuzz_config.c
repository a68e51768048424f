/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Fuzz target: the nbfwd INI loader. The input is the file's bytes, written to
 * a memfd and loaded through its /proc/self/fd path (the loader takes a path
 * and insists on a regular file; a memfd is one, and costs no disk). Every
 * load starts from the built-in defaults (made once, copied back after a
 * load that changed them).
 *
 * Promises checked beyond "no crash, no sanitizer report":
 * - the result is 0 or -1;
 * - on failure: one non-empty line that starts with the path, and the
 *   configuration passed in is left byte for byte as it was;
 * - on success: every count and value within the limits nbfwd_config.h states,
 *   every name NUL-terminated inside its array, every reference between
 *   sections (rx ports, peers, regions) an index in its list.
 */

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "nbfwd_config.h"

static int fuzz_config_fd = -1;
static int fuzz_config_verbose;
static char fuzz_config_path[64];
static struct nbfwd_config fuzz_config_cfg;
static struct nbfwd_config fuzz_config_before;

static void
fuzz_config_open(void)
{
	if (fuzz_config_fd >= 0)
		return;
	/* the configuration each load starts from; a load that fails leaves it so */
	nbfwd_config_defaults(&fuzz_config_before);
	memcpy(&fuzz_config_cfg, &fuzz_config_before, sizeof(fuzz_config_cfg));
	/* FUZZ_VERBOSE=1: print each result (for triage, with the replay driver) */
	fuzz_config_verbose = getenv("FUZZ_VERBOSE") != NULL;
	fuzz_config_fd = memfd_create("fuzz_config.ini", MFD_CLOEXEC);
	FUZZ_CHECK(fuzz_config_fd >= 0);
	snprintf(fuzz_config_path, sizeof(fuzz_config_path), "/proc/self/fd/%d",
			fuzz_config_fd);
}

static void
fuzz_config_write(const uint8_t *data, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = pwrite(fuzz_config_fd, data + done, size - done, (off_t)done);

		FUZZ_CHECK(n > 0);
		done += (size_t)n;
	}
	/* after the write: only what the last input had beyond this one is freed */
	FUZZ_CHECK(ftruncate(fuzz_config_fd, (off_t)size) == 0);
}

/* A name field is NUL-terminated inside its array. */
#define FUZZ_CONFIG_NAME_OK(a) FUZZ_CHECK(memchr((a), '\0', sizeof(a)) != NULL)

static void
fuzz_config_check_good(const struct nbfwd_config *c)
{
	unsigned int i, j;

	FUZZ_CHECK(c->mode < NBFWD_MODE_MAX);
	FUZZ_CHECK(c->pool_layout < NBFWD_POOL_MAX);
	FUZZ_CHECK(c->burst >= 1 && c->burst <= 512);
	FUZZ_CHECK(c->max_segments >= 1 && c->max_segments <= 64);
	FUZZ_CHECK(c->max_regions >= 1 && c->max_regions <= 1024);
	FUZZ_CHECK(c->n_regions <= NBFWD_MAX_REGIONS);
	FUZZ_CHECK(c->n_regions <= c->max_regions);
	FUZZ_CHECK(c->n_ports <= NBFWD_MAX_PORTS);
	FUZZ_CHECK(c->n_lcores <= NBFWD_MAX_LCORES);
	FUZZ_CHECK(c->time_s <= 31536000);
	FUZZ_CHECK(c->stats_period_s <= 3600);
	FUZZ_CONFIG_NAME_OK(c->stats_json);
	FUZZ_CHECK(strcmp(c->path, fuzz_config_path) == 0);
	for (i = 0; i < c->n_regions; i++) {
		FUZZ_CONFIG_NAME_OK(c->regions[i].name);
		FUZZ_CHECK(c->regions[i].name[0] != '\0');
		FUZZ_CHECK(c->regions[i].pages >= 1);
		FUZZ_CHECK(c->regions[i].page_size == (2ull << 20) ||
				c->regions[i].page_size == (1ull << 30));
		FUZZ_CHECK(c->regions[i].numa_node >= -1 && c->regions[i].numa_node <= 63);
		FUZZ_CHECK(c->regions[i].layout >= -1 && c->regions[i].layout < NBFWD_POOL_MAX);
	}
	for (i = 0; i < c->n_ports; i++) {
		FUZZ_CONFIG_NAME_OK(c->ports[i].name);
		FUZZ_CHECK(c->ports[i].region == NBFWD_CONFIG_NONE ||
				c->ports[i].region < c->n_regions);
		FUZZ_CHECK(c->ports[i].peer == NBFWD_CONFIG_NONE ||
				c->ports[i].peer < c->n_ports);
		FUZZ_CHECK(c->ports[i].name[0] != '\0');
		FUZZ_CHECK(c->ports[i].queues <= 64);
		FUZZ_CHECK(c->ports[i].rx_desc >= 64 && c->ports[i].rx_desc <= 32768);
		FUZZ_CHECK(c->ports[i].tx_desc >= 64 && c->ports[i].tx_desc <= 32768);
		FUZZ_CHECK(c->ports[i].pool_size == 0 ||
				(c->ports[i].pool_size >= 1023 && c->ports[i].pool_size <= 4194304));
		FUZZ_CHECK(c->ports[i].mtu == 0 ||
				(c->ports[i].mtu >= 68 && c->ports[i].mtu <= 9600));
	}
	for (i = 0; i < c->n_lcores; i++) {
		FUZZ_CHECK(c->lcores[i].lcore_id < NBFWD_MAX_LCORES);
		FUZZ_CHECK(c->lcores[i].n_rxq >= 1 && c->lcores[i].n_rxq <= NBFWD_MAX_LCORE_RXQ);
		for (j = 0; j < c->lcores[i].n_rxq; j++) {
			FUZZ_CHECK(c->lcores[i].rxq[j].port < c->n_ports);
			FUZZ_CHECK(c->lcores[i].rxq[j].queue < 64);
			FUZZ_CHECK(c->ports[c->lcores[i].rxq[j].port].queues == 0 ||
					c->lcores[i].rxq[j].queue <
					c->ports[c->lcores[i].rxq[j].port].queues);
		}
	}
#ifdef NBFWD_MAX_CONSUMERS
	/* vmq consumers (present once nbfwd_config.h has them) */
	FUZZ_CONFIG_NAME_OK(c->socket);
	FUZZ_CHECK(c->n_consumers <= NBFWD_MAX_CONSUMERS);
	for (i = 0; i < c->n_consumers; i++) {
		const struct nbfwd_consumer_cfg *q = &c->consumers[i];

		FUZZ_CONFIG_NAME_OK(q->name);
		FUZZ_CONFIG_NAME_OK(q->port);
		FUZZ_CHECK(q->name[0] != '\0' && q->port[0] != '\0');
		FUZZ_CHECK(q->vlan >= -1 && q->vlan <= 4095);
		FUZZ_CHECK(q->buffers >= 64 && q->buffers <= 1048576);
		FUZZ_CHECK(q->buffer_size >= 128 && q->buffer_size <= 16384);
		FUZZ_CHECK(q->ring_size >= 16 && q->ring_size <= 16384 &&
				(q->ring_size & (q->ring_size - 1)) == 0);
		FUZZ_CHECK(q->tx_buffers >= 1 && q->tx_buffers <= 65536);
		FUZZ_CHECK(q->tx_buffer_size >= 128 && q->tx_buffer_size <= 16384);
		FUZZ_CHECK(q->numa_node >= -1 && q->numa_node <= 63);
		FUZZ_CHECK(q->uids.n <= NBFWD_MAX_IDS && q->gids.n <= NBFWD_MAX_IDS);
	}
	FUZZ_CHECK(c->socket_mode <= 0777);
	FUZZ_CHECK(c->socket_group >= -1 && c->socket_group < (int64_t)UINT32_MAX);
#endif
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[2048];
	size_t len;
	int rc;

	fuzz_config_open();
	fuzz_config_write(data, size);
	memset(err, 0x5a, sizeof(err));
	rc = nbfwd_config_load(fuzz_config_path, &fuzz_config_cfg, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	len = strnlen(err, sizeof(err));
	FUZZ_CHECK(len < sizeof(err));
	if (fuzz_config_verbose)
		printf("fuzz_config: %s\n", rc == 0 ? "loaded" : err);
	if (rc == 0) {
		fuzz_config_check_good(&fuzz_config_cfg);
		/* back to the defaults for the next input */
		memcpy(&fuzz_config_cfg, &fuzz_config_before, sizeof(fuzz_config_cfg));
		return 0;
	}
	FUZZ_CHECK(len > strlen(fuzz_config_path) + 2);
	FUZZ_CHECK(strncmp(err, fuzz_config_path, strlen(fuzz_config_path)) == 0);
	FUZZ_CHECK(err[strlen(fuzz_config_path)] == ':');
	FUZZ_CHECK(strchr(err, '\n') == NULL);
	FUZZ_CHECK(memcmp(&fuzz_config_before, &fuzz_config_cfg,
			sizeof(fuzz_config_before)) == 0);
	return 0;
}
