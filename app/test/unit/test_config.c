/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Unit tests of nbfwd's strict INI loader (app/nbfwd/nbfwd_config.c).
 *
 * Environment: NBSHM_FIXTURES is app/test/fixtures (the files are in its
 * config/ directory); NBSHM_CONFIG_DIR is the sample directory config/ (when
 * unset: NBSHM_FIXTURES/../../../config). Files that need odd bytes or odd
 * kinds (NUL, FIFO, directory, symlink loop, unreadable) are made at run time
 * in a mkdtemp() directory under /tmp, removed at the end.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "nbfwd_config.h"

#define ERR_LEN 1024

static char fixtures_dir[PATH_MAX];	/* NBSHM_FIXTURES/config */
static char samples_dir[PATH_MAX];	/* NBSHM_CONFIG_DIR */
static char tmp_dir[PATH_MAX];		/* mkdtemp */

/* Helpers. */

static void
path_join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static struct nbfwd_config *
cfg_new(void)
{
	struct nbfwd_config *cfg = malloc(sizeof(*cfg));

	assert_non_null(cfg);
	nbfwd_config_defaults(cfg);
	return cfg;
}

/* Name of the port an index of cfg refers to: a [port] peer, an rx item. */
static const char *
port_of(const struct nbfwd_config *cfg, uint16_t i)
{
	assert_true(i < cfg->n_ports);
	return cfg->ports[i].name;
}

/* Name of the region a [port] region index refers to. */
static const char *
region_of(const struct nbfwd_config *cfg, uint16_t i)
{
	assert_true(i < cfg->n_regions);
	return cfg->regions[i].name;
}

/* Load path into a fresh default configuration; fail the test on error. */
static struct nbfwd_config *
load_ok(const char *path)
{
	struct nbfwd_config *cfg = cfg_new();
	char err[ERR_LEN] = "";

	if (nbfwd_config_load(path, cfg, err, sizeof(err)) != 0)
		fail_msg("%s: unexpected error: %s", path, err);
	assert_string_equal(cfg->path, path);
	return cfg;
}

static struct nbfwd_config *
load_fixture_ok(const char *name)
{
	char path[PATH_MAX];

	path_join(path, fixtures_dir, name);
	return load_ok(path);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A file of tmp_dir with text (a C string: no NUL inside). */
static void
write_tmp(char *path, const char *name, const char *text)
{
	path_join(path, tmp_dir, name);
	write_file(path, text, strlen(text));
}

/*
 * Load path, expect failure: the error is one line that starts with the path,
 * then ":LINE: " (or ": " when line is 0), holds "where" (section and key) and
 * every word; the configuration passed in is left as it was.
 */
static void
expect_error(const char *path, unsigned int line, const char *where,
		const char *const words[])
{
	struct nbfwd_config *cfg = cfg_new();
	struct nbfwd_config *before = malloc(sizeof(*before));
	char err[ERR_LEN] = "";
	char prefix[PATH_MAX + 32];
	unsigned int i;

	assert_non_null(before);
	cfg->burst = 77;	/* not a default: must survive the failure */
	memcpy(before, cfg, sizeof(*cfg));
	if (nbfwd_config_load(path, cfg, err, sizeof(err)) == 0)
		fail_msg("%s: loaded, expected an error", path);
	print_message("    %s\n", err);
	if (line != 0)
		snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error does not start with \"%s\": %s", prefix, err);
	if (strchr(err, '\n') != NULL)
		fail_msg("error is not one line: %s", err);
	if (where != NULL && strstr(err, where) == NULL)
		fail_msg("error does not name \"%s\": %s", where, err);
	for (i = 0; words[i] != NULL; i++)
		if (strstr(err, words[i]) == NULL)
			fail_msg("error does not say \"%s\": %s", words[i], err);
	assert_memory_equal(cfg, before, sizeof(*cfg));
	free(before);
	free(cfg);
}

/* Defaults and parsers. */

static void
test_defaults(void **state)
{
	struct nbfwd_config *cfg = cfg_new();

	(void)state;
	assert_int_equal(cfg->mode, NBFWD_MODE_IO);
	assert_int_equal(cfg->burst, 32);
	assert_int_equal(cfg->max_segments, 8);
	assert_int_equal(cfg->time_s, 0);
	assert_int_equal(cfg->max_regions, 16);
	assert_int_equal(cfg->stats_period_s, 1);
	assert_string_equal(cfg->stats_json, "");
	assert_int_equal(cfg->n_regions, 0);
	assert_int_equal(cfg->n_ports, 0);
	assert_int_equal(cfg->n_lcores, 0);
	assert_int_equal(cfg->set, 0);
	assert_string_equal(cfg->path, "");
	assert_int_equal(cfg->socket_mode, 0660);
	assert_int_equal(cfg->socket_group, -1);
	free(cfg);
}

static void
test_parse_u64(void **state)
{
	static const struct {
		const char *s;
		uint64_t min, max;
		int rc;
		uint64_t v;
	} t[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "11", 0, 10, -1, 0 },
		{ "4", 5, 10, -1, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -1, 0 },
		{ "99999999999999999999999", 0, UINT64_MAX, -1, 0 },
		{ "", 0, 10, -1, 0 },
		{ " 1", 0, 10, -1, 0 },
		{ "1 ", 0, 10, -1, 0 },
		{ "+1", 0, 10, -1, 0 },
		{ "-1", 0, 10, -1, 0 },
		{ "-0", 0, 10, -1, 0 },
		{ "0x1", 0, 10, -1, 0 },
		{ "1e3", 0, 10000, -1, 0 },
		{ "32abc", 0, 100, -1, 0 },
		{ "3.0", 0, 10, -1, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int rc = nbfwd_config_parse_u64(t[i].s, t[i].min, t[i].max, &v);

		if (rc != t[i].rc)
			fail_msg("parse_u64(\"%s\", %ju, %ju) = %d, expected %d", t[i].s,
					(uintmax_t)t[i].min, (uintmax_t)t[i].max, rc, t[i].rc);
		assert_true(rc == 0 ? v == t[i].v : v == 12345);
	}
	assert_int_equal(nbfwd_config_parse_u64(NULL, 0, 10, &(uint64_t){0}), -1);
}

static void
test_parse_page_size(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} t[] = {
		{ "2M", 0, 2ull << 20 },
		{ "2m", 0, 2ull << 20 },
		{ "2048K", 0, 2ull << 20 },
		{ "2097152", 0, 2ull << 20 },
		{ "1G", 0, 1ull << 30 },
		{ "1024M", 0, 1ull << 30 },
		{ "1048576K", 0, 1ull << 30 },
		{ "1073741824", 0, 1ull << 30 },
		{ "4M", -1, 0 },
		{ "4K", -1, 0 },
		{ "2G", -1, 0 },
		{ "0", -1, 0 },
		{ "0M", -1, 0 },
		{ "", -1, 0 },
		{ "M", -1, 0 },
		{ "2MB", -1, 0 },
		{ "2 M", -1, 0 },
		{ " 2M", -1, 0 },
		{ "-2M", -1, 0 },
		{ "2T", -1, 0 },
		{ "99999999999999999999G", -1, 0 },
		{ "17179869184G", -1, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 0;
		int rc = nbfwd_config_parse_page_size(t[i].s, &v);

		if (rc != t[i].rc)
			fail_msg("parse_page_size(\"%s\") = %d, expected %d", t[i].s, rc,
					t[i].rc);
		if (rc == 0)
			assert_int_equal(v, t[i].v);
	}
}

static void
test_parse_mode(void **state)
{
	static const char *const bad[] = { "", "IO", "mac", "l2fwd ", "VMQ", "fast" };
	enum nbfwd_mode m;
	unsigned int i;

	(void)state;
	for (i = 0; i < NBFWD_MODE_MAX; i++) {
		const char *name = nbfwd_config_mode_name((enum nbfwd_mode)i);

		assert_int_equal(nbfwd_config_parse_mode(name, &m), 0);
		assert_int_equal(m, i);
	}
	assert_string_equal(nbfwd_config_mode_name(NBFWD_MODE_IO), "io");
	assert_string_equal(nbfwd_config_mode_name(NBFWD_MODE_MACSWAP), "macswap");
	assert_string_equal(nbfwd_config_mode_name(NBFWD_MODE_L2FWD), "l2fwd");
	assert_string_equal(nbfwd_config_mode_name(NBFWD_MODE_VMQ), "vmq");
	assert_string_equal(nbfwd_config_mode_name(NBFWD_MODE_MAX), "unknown");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nbfwd_config_parse_mode(bad[i], &m), -1);
}

/* Samples: every .ini file of config/ loads. */

static int
is_ini(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".ini") == 0;
}

static void
test_samples_load(void **state)
{
	static const char *const expected[] = {
		"null-io.ini", "null-macswap-2q.ini", "pcap-l2fwd.ini", "ring.ini",
	};
	unsigned int n = 0, found = 0, i;
	struct dirent *de;
	DIR *d = opendir(samples_dir);

	(void)state;
	if (d == NULL)
		fail_msg("%s: %s", samples_dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (!is_ini(de->d_name))
			continue;
		path_join(path, samples_dir, de->d_name);
		print_message("    sample %s\n", de->d_name);
		free(load_ok(path));
		n++;
		for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
			if (strcmp(de->d_name, expected[i]) == 0)
				found++;
	}
	closedir(d);
	assert_true(n >= 4);
	assert_int_equal(found, sizeof(expected) / sizeof(expected[0]));
}

static struct nbfwd_config *
load_sample_ok(const char *name)
{
	char path[PATH_MAX];

	path_join(path, samples_dir, name);
	return load_ok(path);
}

static void
test_sample_values(void **state)
{
	struct nbfwd_config *cfg;

	(void)state;
	cfg = load_sample_ok("null-io.ini");
	assert_int_equal(cfg->mode, NBFWD_MODE_IO);
	assert_int_equal(cfg->n_ports, 2);
	assert_string_equal(cfg->ports[0].name, "net_null0");
	assert_string_equal(port_of(cfg, cfg->ports[0].peer), "net_null1");
	assert_string_equal(region_of(cfg, cfg->ports[1].region), "r0");
	assert_int_equal(cfg->n_lcores, 0);
	free(cfg);

	cfg = load_sample_ok("null-macswap-2q.ini");
	assert_int_equal(cfg->mode, NBFWD_MODE_MACSWAP);
	assert_int_equal(cfg->n_regions, 2);
	assert_int_equal(cfg->regions[1].pages, 32);
	assert_int_equal(cfg->n_ports, 2);
	assert_int_equal(cfg->ports[0].queues, 2);
	assert_int_equal(cfg->ports[1].queues, 2);
	assert_int_equal(cfg->n_lcores, 2);
	assert_int_equal(cfg->lcores[0].lcore_id, 1);
	assert_int_equal(cfg->lcores[0].n_rxq, 2);
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[1].port), "net_null1");
	assert_int_equal(cfg->lcores[0].rxq[1].queue, 0);
	assert_int_equal(cfg->lcores[1].lcore_id, 2);
	assert_int_equal(cfg->lcores[1].rxq[0].queue, 1);
	free(cfg);

	cfg = load_sample_ok("pcap-l2fwd.ini");
	assert_int_equal(cfg->mode, NBFWD_MODE_L2FWD);
	assert_int_equal(cfg->n_ports, 1);
	assert_string_equal(cfg->ports[0].name, "net_pcap0");
	assert_string_equal(port_of(cfg, cfg->ports[0].peer), "net_pcap0");
	free(cfg);

	cfg = load_sample_ok("ring.ini");
	assert_int_equal(cfg->n_ports, 2);
	assert_string_equal(cfg->ports[1].name, "net_ring1");
	assert_int_equal(cfg->time_s, 5);
	free(cfg);
}

/* Good fixtures. */

static void
test_good_full(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_full.ini");
	const struct nbfwd_port_cfg *p;

	(void)state;
	assert_int_equal(cfg->mode, NBFWD_MODE_MACSWAP);
	assert_int_equal(cfg->burst, 64);
	assert_int_equal(cfg->max_segments, 4);
	assert_int_equal(cfg->time_s, 30);
	assert_int_equal(cfg->max_regions, 8);
	assert_int_equal(cfg->stats_period_s, 5);
	assert_string_equal(cfg->stats_json, "/tmp/nbfwd-stats.json");
	assert_int_equal(cfg->set, NBFWD_SET_MODE | NBFWD_SET_BURST | NBFWD_SET_MAX_SEGS |
			NBFWD_SET_TIME | NBFWD_SET_STATS_PERIOD | NBFWD_SET_STATS_JSON |
			NBFWD_SET_LAYOUT);
	assert_int_equal(cfg->pool_layout, NBFWD_POOL_EXTBUF);

	assert_int_equal(cfg->n_regions, 2);
	assert_string_equal(cfg->regions[0].name, "r0");
	assert_int_equal(cfg->regions[0].pages, 32);
	assert_int_equal(cfg->regions[0].page_size, 2ull << 20);
	assert_int_equal(cfg->regions[0].numa_node, 0);
	assert_int_equal(cfg->regions[0].layout, NBFWD_POOL_HEAP);
	assert_int_equal(cfg->regions[1].layout, -1);
	assert_string_equal(cfg->regions[1].name, "big.1-G_x");
	assert_int_equal(cfg->regions[1].pages, 2);
	assert_int_equal(cfg->regions[1].page_size, 1ull << 30);
	assert_int_equal(cfg->regions[1].numa_node, -1);

	assert_int_equal(cfg->n_ports, 2);
	p = &cfg->ports[0];
	assert_string_equal(p->name, "net_null0");
	assert_string_equal(region_of(cfg, p->region), "r0");
	assert_string_equal(port_of(cfg, p->peer), "net_null1");
	assert_int_equal(p->queues, 2);
	assert_int_equal(p->rx_desc, 512);
	assert_int_equal(p->tx_desc, 2048);
	assert_int_equal(p->pool_size, 8191);
	assert_int_equal(p->mtu, 9000);
	p = &cfg->ports[1];
	assert_string_equal(p->name, "net_null1");
	assert_string_equal(region_of(cfg, p->region), "big.1-G_x");
	assert_string_equal(port_of(cfg, p->peer), "net_null0");
	assert_int_equal(p->queues, 2);
	assert_int_equal(p->rx_desc, NBFWD_DEFAULT_RX_DESC);
	assert_int_equal(p->tx_desc, NBFWD_DEFAULT_TX_DESC);
	assert_int_equal(p->pool_size, 0);
	assert_int_equal(p->mtu, 0);

	assert_int_equal(cfg->n_lcores, 2);
	assert_int_equal(cfg->lcores[0].lcore_id, 1);
	assert_int_equal(cfg->lcores[0].n_rxq, 2);
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[0].port), "net_null0");
	assert_int_equal(cfg->lcores[0].rxq[0].queue, 0);
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[1].port), "net_null1");
	assert_int_equal(cfg->lcores[0].rxq[1].queue, 0);
	assert_int_equal(cfg->lcores[1].lcore_id, 2);
	assert_int_equal(cfg->lcores[1].n_rxq, 2);
	assert_string_equal(port_of(cfg, cfg->lcores[1].rxq[0].port), "net_null0");
	assert_int_equal(cfg->lcores[1].rxq[0].queue, 1);
	assert_string_equal(port_of(cfg, cfg->lcores[1].rxq[1].port), "net_null1");
	assert_int_equal(cfg->lcores[1].rxq[1].queue, 1);
	free(cfg);
}

static void
test_good_empty(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_empty.ini");
	struct nbfwd_config *def = cfg_new();

	(void)state;
	/* an empty file changes nothing but the path */
	memcpy(def->path, cfg->path, sizeof(def->path));
	assert_memory_equal(cfg, def, sizeof(*cfg));
	free(def);
	free(cfg);
}

static void
test_good_comments(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_comments.ini");

	(void)state;
	assert_int_equal(cfg->burst, 16);
	assert_int_equal(cfg->mode, NBFWD_MODE_L2FWD);
	assert_int_equal(cfg->time_s, 0);	/* "# time = 99" is a comment */
	assert_int_equal(cfg->max_segments, 8);	/* "; max_segments = 2" too */
	assert_string_equal(cfg->stats_json, "a = b.json");	/* the first '=' splits */
	assert_int_equal(cfg->set, NBFWD_SET_BURST | NBFWD_SET_MODE | NBFWD_SET_STATS_JSON);
	assert_int_equal(cfg->n_ports, 1);
	assert_int_equal(cfg->n_lcores, 1);
	assert_int_equal(cfg->lcores[0].lcore_id, 0);
	assert_int_equal(cfg->lcores[0].rxq[0].port, 0);
	/* no peer, no region: none, not index 0 */
	assert_int_equal(cfg->ports[0].peer, NBFWD_CONFIG_NONE);
	assert_int_equal(cfg->ports[0].region, NBFWD_CONFIG_NONE);
	free(cfg);
}

static void
test_good_forward_refs(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_forward_refs.ini");

	(void)state;
	assert_int_equal(cfg->n_lcores, 1);
	assert_int_equal(cfg->lcores[0].lcore_id, 3);
	assert_int_equal(cfg->n_ports, 2);
	/* each reference names a section further down: resolved all the same */
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[0].port), "net_ring0");
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[1].port), "net_ring1");
	assert_string_equal(port_of(cfg, cfg->ports[0].peer), "net_ring1");
	assert_string_equal(port_of(cfg, cfg->ports[1].peer), "net_ring0");
	assert_string_equal(region_of(cfg, cfg->ports[0].region), "late");
	assert_string_equal(region_of(cfg, cfg->ports[1].region), "late");
	assert_int_equal(cfg->n_regions, 1);
	assert_int_equal(cfg->regions[0].pages, 1);
	assert_int_equal(cfg->regions[0].page_size, NBFWD_DEFAULT_PAGE_SIZE);
	assert_int_equal(cfg->regions[0].numa_node, -1);
	free(cfg);
}

static void
test_good_pci(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_pci.ini");

	(void)state;
	assert_int_equal(cfg->n_ports, 1);
	assert_string_equal(cfg->ports[0].name, "0000:01:00.0");
	assert_string_equal(port_of(cfg, cfg->ports[0].peer), "0000:01:00.0");
	assert_int_equal(cfg->ports[0].queues, 4);
	assert_int_equal(cfg->n_lcores, 2);
	assert_int_equal(cfg->lcores[0].lcore_id, 5);
	assert_string_equal(port_of(cfg, cfg->lcores[0].rxq[0].port), "0000:01:00.0");
	assert_int_equal(cfg->lcores[0].rxq[0].queue, 3);
	assert_int_equal(cfg->lcores[0].rxq[1].queue, 0);
	assert_int_equal(cfg->lcores[1].lcore_id, 7);
	assert_int_equal(cfg->lcores[1].rxq[0].queue, 1);
	free(cfg);
}

/* Limits and line endings, exactly at the boundary: made at run time. */
static void
test_good_vmq(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_vmq.ini");
	const struct nbfwd_consumer_cfg *a = &cfg->consumers[0], *b = &cfg->consumers[1];
	static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac_b[6] = { 0x02, 0xaa, 0xbb, 0, 0, 0x02 };

	(void)state;
	assert_int_equal(cfg->mode, NBFWD_MODE_VMQ);
	assert_string_equal(cfg->socket, "/tmp/nbt.sock");
	assert_int_equal(cfg->unmatched, NBFWD_UNMATCHED_DROP);
	assert_int_equal(cfg->broadcast, NBFWD_GROUP_ALL);
	assert_int_equal(cfg->multicast, NBFWD_GROUP_CONSUMERS);
	assert_int_equal(cfg->n_consumers, 2);
	assert_string_equal(a->name, "vm-1");
	assert_string_equal(a->port, "net_null0");
	assert_memory_equal(a->mac, mac_a, 6);
	assert_int_equal(a->vlan, 100);
	assert_int_equal(a->buffers, 2048);
	assert_int_equal(a->buffer_size, 4096);
	assert_int_equal(a->ring_size, 512);
	assert_int_equal(a->tx_buffers, 256);
	assert_int_equal(a->tx_buffer_size, 1024);
	assert_int_equal(a->numa_node, 0);
	/* defaults */
	assert_string_equal(b->name, "vm.2");
	assert_memory_equal(b->mac, mac_b, 6);
	assert_int_equal(b->vlan, -1);
	assert_int_equal(b->buffers, NBFWD_DEFAULT_CONSUMER_BUFFERS);
	assert_int_equal(b->buffer_size, NBFWD_DEFAULT_CONSUMER_BUF_SIZE);
	assert_int_equal(b->ring_size, NBFWD_DEFAULT_CONSUMER_RING);
	assert_int_equal(b->tx_buffers, NBFWD_DEFAULT_CONSUMER_TX_BUFFERS);
	assert_int_equal(b->numa_node, -1);
	free(cfg);
}

/* Who may attach: [nbfwd] socket_mode, socket_group; [consumer] uid, gid. */
static void
test_access_keys(void **state)
{
	static const char nbfwd[] = "[nbfwd]\nmode = vmq\n";
	static const char cons[] = "[consumer a]\nport = net_null0\nmac = 02:00:00:00:00:01\n";
	static const struct {
		bool consumer;		/* the line goes into [consumer a] (line 6), else [nbfwd] (3) */
		const char *line;
		const char *words[3];
	} bad[] = {
		{ false, "socket_mode = 0999", { "expected an octal mode in 00..0777", "\"0999\"" } },
		{ false, "socket_mode = 1777", { "0777", "\"1777\"" } },
		{ false, "socket_mode = rw", { "octal" } },
		{ false, "socket_group = no_such_group_nbt",
			{ "expected a group name or number", "(no such group)" } },
		{ false, "socket_group = 0, 1", { "expected a group name or number", "\"0, 1\"" } },
		{ true, "uid = root, no_such_user_nbt",
			{ "list of user names or numbers", "\"no_such_user_nbt\" (no such user)" } },
		{ true, "uid = -1", { "user", "\"-1\"" } },
		{ true, "uid = 4294967295", { "0..4294967294", "\"4294967295\"" } },
		{ true, "uid = 1,,2", { "user", "got \"\"" } },
		{ true, "gid = no_such_group_nbt", { "list of group names", "(no such group)" } },
		{ true, "gid = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
			{ "too many groups", "at most 16" } },
	};
	char path[PATH_MAX], text[512], where[64];
	struct nbfwd_config *cfg;
	unsigned int i;

	(void)state;
	snprintf(text, sizeof(text), "%ssocket_mode = 0600\nsocket_group = root\n%s"
		"uid = root, 1234\ngid = 0,77\n", nbfwd, cons);
	write_tmp(path, "access.ini", text);
	cfg = load_ok(path);
	assert_int_equal(cfg->socket_mode, 0600);
	assert_int_equal(cfg->socket_group, 0);
	assert_int_equal(cfg->consumers[0].uids.n, 2);
	assert_int_equal(cfg->consumers[0].uids.id[0], 0);
	assert_int_equal(cfg->consumers[0].uids.id[1], 1234);
	assert_int_equal(cfg->consumers[0].gids.n, 2);
	assert_int_equal(cfg->consumers[0].gids.id[1], 77);
	free(cfg);

	/* absent: mode 0660, nbfwd's group, nobody but root and nbfwd's uid */
	snprintf(text, sizeof(text), "%s%s", nbfwd, cons);
	write_tmp(path, "access-default.ini", text);
	cfg = load_ok(path);
	assert_int_equal(cfg->socket_mode, 0660);
	assert_int_equal(cfg->socket_group, -1);
	assert_int_equal(cfg->consumers[0].uids.n, 0);
	assert_int_equal(cfg->consumers[0].gids.n, 0);
	free(cfg);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].consumer)
			snprintf(text, sizeof(text), "%s%s%s\n", nbfwd, cons, bad[i].line);
		else
			snprintf(text, sizeof(text), "%s%s\n%s", nbfwd, bad[i].line, cons);
		snprintf(where, sizeof(where), "%s %.*s", bad[i].consumer ? "[consumer a]" :
			"[nbfwd]", (int)strcspn(bad[i].line, " "), bad[i].line);
		write_tmp(path, "access-bad.ini", text);
		expect_error(path, bad[i].consumer ? 6 : 3, where, bad[i].words);
	}
}

/* [consumer] spoof_check, foreign, stall_ms: defaults, values, refusals. */
static void
test_consumer_trust_keys(void **state)
{
	static const char *const spoof_words[] = { "expected one of off, on", "\"yes\"", NULL };
	static const char *const foreign_words[] = { "expected one of drop, forward",
		"\"copy\"", NULL };
	static const char *const stall_words[] = { "0..3600000", NULL };
	static const char *const neg_words[] = { "0..3600000", NULL };
	struct nbfwd_config *cfg;
	char path[PATH_MAX];

	(void)state;
	write_tmp(path, "trust.ini", "[consumer a]\nport = p0\nmac = 02:00:00:00:00:01\n"
		"[consumer b]\nport = p0\nmac = 02:00:00:00:00:02\nspoof_check = off\n"
		"foreign = forward\nstall_ms = 0\n"
		"[consumer c]\nport = p0\nmac = 02:00:00:00:00:03\nspoof_check = on\n"
		"foreign = drop\nstall_ms = 3600000\n");
	cfg = load_ok(path);
	assert_int_equal(cfg->n_consumers, 3);
	/* defaults: spoof check on, foreign frames dropped, 2 s lease */
	assert_int_equal(cfg->consumers[0].spoof_check, 1);
	assert_int_equal(cfg->consumers[0].foreign, NBFWD_FOREIGN_DROP);
	assert_int_equal(cfg->consumers[0].stall_ms, NBFWD_DEFAULT_CONSUMER_STALL_MS);
	assert_int_equal(NBFWD_DEFAULT_CONSUMER_STALL_MS, 2000);
	assert_int_equal(cfg->consumers[1].spoof_check, 0);
	assert_int_equal(cfg->consumers[1].foreign, NBFWD_FOREIGN_FORWARD);
	assert_int_equal(cfg->consumers[1].stall_ms, 0);
	assert_int_equal(cfg->consumers[2].spoof_check, 1);
	assert_int_equal(cfg->consumers[2].foreign, NBFWD_FOREIGN_DROP);
	assert_int_equal(cfg->consumers[2].stall_ms, 3600000);
	free(cfg);

	write_tmp(path, "spoof.ini", "[consumer a]\nport = p0\nmac = 02:00:00:00:00:01\n"
		"spoof_check = yes\n");
	expect_error(path, 4, "[consumer a] spoof_check", spoof_words);
	write_tmp(path, "foreign.ini", "[consumer a]\nport = p0\nmac = 02:00:00:00:00:01\n"
		"foreign = copy\n");
	expect_error(path, 4, "[consumer a] foreign", foreign_words);
	write_tmp(path, "stall.ini", "[consumer a]\nport = p0\nmac = 02:00:00:00:00:01\n"
		"stall_ms = 3600001\n");
	expect_error(path, 4, "[consumer a] stall_ms", stall_words);
	write_tmp(path, "stallneg.ini", "[consumer a]\nport = p0\nmac = 02:00:00:00:00:01\n"
		"stall_ms = -1\n");
	expect_error(path, 4, "[consumer a] stall_ms", neg_words);
}

static void
test_good_runtime(void **state)
{
	char path[PATH_MAX], text[1024], link[PATH_MAX];
	struct nbfwd_config *cfg;

	(void)state;
	write_tmp(path, "crlf.ini", "; CRLF\r\n[nbfwd]\r\nburst = 48\r\nmode = macswap\r\n");
	cfg = load_ok(path);
	assert_int_equal(cfg->burst, 48);
	assert_int_equal(cfg->mode, NBFWD_MODE_MACSWAP);
	free(cfg);

	write_tmp(path, "noeol.ini", "[nbfwd]\nburst = 7");
	cfg = load_ok(path);
	assert_int_equal(cfg->burst, 7);
	free(cfg);

	/* a line of 322 bytes, the most a line may hold */
	snprintf(text, sizeof(text), ";%0321d\n[nbfwd]\nburst = 5\n", 0);
	write_tmp(path, "line322.ini", text);
	cfg = load_ok(path);
	assert_int_equal(cfg->burst, 5);
	free(cfg);

	/* a value of 255 bytes and a section name of 63 */
	snprintf(text, sizeof(text), "[stats]\njson = /tmp/%0250d\n[port p%057d]\n", 0, 0);
	write_tmp(path, "max.ini", text);
	cfg = load_ok(path);
	assert_int_equal(strlen(cfg->stats_json), 255);
	assert_int_equal(strlen(cfg->ports[0].name), 58);
	free(cfg);

	/* UTF-8 text in a value */
	write_tmp(path, "utf8.ini", "[stats]\njson = /tmp/stats-\xc3\xbc.json\n");
	cfg = load_ok(path);
	assert_string_equal(cfg->stats_json, "/tmp/stats-\xc3\xbc.json");
	free(cfg);

	/* a symlink to a regular file */
	write_tmp(path, "target.ini", "[nbfwd]\nburst = 9\n");
	path_join(link, tmp_dir, "link.ini");
	assert_int_equal(symlink(path, link), 0);
	cfg = load_ok(link);
	assert_int_equal(cfg->burst, 9);
	free(cfg);
}

/*
 * A reference is the index of the section it names among those of its kind
 * (other sections between them do not count), and names only that kind.
 */
static void
test_ref_indexes(void **state)
{
	static const char *const no_port[] = { "[port] section of this file",
		"got \"b:0\"", "(no [port b])", NULL };
	static const char *const no_region[] = { "[region] section of this file",
		"got \"p0\"", "(no [region p0])", NULL };
	char path[PATH_MAX];
	struct nbfwd_config *cfg;

	(void)state;
	write_tmp(path, "ref-rank.ini", "[region a]\npages = 1\n[lcore 2]\nrx = p1:0, p0:0\n"
		"[port p0]\nregion = b\n[region b]\npages = 1\n[port p1]\npeer = p0\n");
	cfg = load_ok(path);
	assert_int_equal(cfg->lcores[0].rxq[0].port, 1);
	assert_int_equal(cfg->lcores[0].rxq[1].port, 0);
	assert_int_equal(cfg->ports[0].region, 1);
	assert_int_equal(cfg->ports[0].peer, NBFWD_CONFIG_NONE);
	assert_int_equal(cfg->ports[1].peer, 0);
	assert_int_equal(cfg->ports[1].region, NBFWD_CONFIG_NONE);
	free(cfg);

	/* a [region b] is no [port b], a [port p0] no [region p0] */
	write_tmp(path, "ref-kind-rx.ini", "[region b]\npages = 1\n[lcore 1]\nrx = b:0\n"
		"[port p0]\n");
	expect_error(path, 4, "[lcore 1] rx", no_port);
	write_tmp(path, "ref-kind-region.ini", "[port p0]\nregion = p0\n");
	expect_error(path, 2, "[port p0] region", no_region);
}

/* Only the keys given change; the rest keep what the caller had. */
static void
test_keeps_unset_fields(void **state)
{
	struct nbfwd_config *cfg = cfg_new();
	char path[PATH_MAX], err[ERR_LEN];

	(void)state;
	write_tmp(path, "burst-only.ini", "[nbfwd]\nburst = 100\n");
	cfg->time_s = 99;
	cfg->set = NBFWD_SET_TIME;
	assert_int_equal(nbfwd_config_load(path, cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->burst, 100);
	assert_int_equal(cfg->time_s, 99);
	assert_int_equal(cfg->set, NBFWD_SET_TIME | NBFWD_SET_BURST);
	free(cfg);
}

/* Set option opt to value: expect an error holding every word, cfg unchanged. */
static void
expect_option_error(struct nbfwd_config *cfg, const char *opt, const char *value,
		const char *const words[])
{
	struct nbfwd_config *before = malloc(sizeof(*before));
	char err[ERR_LEN] = "";
	unsigned int i;

	assert_non_null(before);
	memcpy(before, cfg, sizeof(*cfg));
	assert_int_equal(nbfwd_config_set_option(cfg, opt, value, err, sizeof(err)), -1);
	print_message("    %s\n", err);
	for (i = 0; words[i] != NULL; i++)
		if (strstr(err, words[i]) == NULL)
			fail_msg("error does not say \"%s\": %s", words[i], err);
	assert_memory_equal(cfg, before, sizeof(*cfg));
	free(before);
}

/*
 * Command-line options set their keys through the schema: the same ranges and
 * words as the INI file, "option --OPT: " in front, the configuration left as
 * it was on error.
 */
static void
test_options(void **state)
{
	static const char *const burst[] = { "option --burst: ",
		"expected an integer in 1..512, got \"513\" (out of range)", NULL };
	static const char *const hex[] = { "option --burst: ",
		"expected an integer in 1..512, got \"0x10\"", NULL };
	static const char *const mode[] = { "option --mode: ",
		"expected one of io, macswap, l2fwd, vmq, got \"IO\"", NULL };
	static const char *const layout[] = { "option --pool-layout: ",
		"expected one of heap, extbuf", NULL };
	static const char *const period[] = { "option --stats-period: ",
		"expected an integer in 0..3600, got \"-1\"", NULL };
	static const char *const json[] = { "option --stats-json: ", "expected a file name",
		NULL };
	static const char *const unknown[] = { "unknown option --socket", NULL };
	static const char *const mtu[] = { "option --mtu: ",
		"expected an integer in 68..9600, got \"9601\" (out of range)", NULL };
	static const char *const expected[] = {
		"mode", "burst", "max-segments", "time", "pool-layout", "mtu", "stats-period",
		"stats-json",
	};
	struct nbfwd_config *cfg = cfg_new();
	char err[ERR_LEN] = "";
	unsigned int i;

	(void)state;
	for (i = 0; nbfwd_config_option(i) != NULL; i++) {
		assert_true(i < sizeof(expected) / sizeof(expected[0]));
		assert_string_equal(nbfwd_config_option(i), expected[i]);
	}
	assert_int_equal(i, sizeof(expected) / sizeof(expected[0]));
	expect_option_error(cfg, "burst", "513", burst);
	expect_option_error(cfg, "burst", "0x10", hex);
	expect_option_error(cfg, "mode", "IO", mode);
	expect_option_error(cfg, "pool-layout", "pinned", layout);
	expect_option_error(cfg, "stats-period", "-1", period);
	expect_option_error(cfg, "stats-json", "", json);
	expect_option_error(cfg, "socket", "/tmp/x", unknown);
	expect_option_error(cfg, "mtu", "9601", mtu);
	assert_int_equal(cfg->set, 0);

	assert_int_equal(nbfwd_config_set_option(cfg, "mtu", "9000", err, sizeof(err)), 0);
	assert_int_equal(cfg->mtu, 9000);
	assert_int_equal(cfg->set, NBFWD_SET_MTU);
	cfg->set = 0;

	assert_int_equal(nbfwd_config_set_option(cfg, "burst", "512", err, sizeof(err)), 0);
	assert_int_equal(cfg->burst, 512);
	assert_int_equal(nbfwd_config_set_option(cfg, "mode", "vmq", err, sizeof(err)), 0);
	assert_int_equal(cfg->mode, NBFWD_MODE_VMQ);
	assert_int_equal(nbfwd_config_set_option(cfg, "pool-layout", "extbuf", err,
			sizeof(err)), 0);
	assert_int_equal(cfg->pool_layout, NBFWD_POOL_EXTBUF);
	assert_int_equal(nbfwd_config_set_option(cfg, "max-segments", "1", err, sizeof(err)), 0);
	assert_int_equal(cfg->max_segments, 1);
	assert_int_equal(nbfwd_config_set_option(cfg, "time", "31536000", err, sizeof(err)), 0);
	assert_int_equal(cfg->time_s, 31536000);
	assert_int_equal(nbfwd_config_set_option(cfg, "stats-period", "0", err, sizeof(err)), 0);
	assert_int_equal(cfg->stats_period_s, 0);
	assert_int_equal(nbfwd_config_set_option(cfg, "stats-json", "/tmp/s.json", err,
			sizeof(err)), 0);
	assert_string_equal(cfg->stats_json, "/tmp/s.json");
	assert_int_equal(cfg->set, NBFWD_SET_MODE | NBFWD_SET_BURST | NBFWD_SET_MAX_SEGS |
			NBFWD_SET_TIME | NBFWD_SET_STATS_PERIOD | NBFWD_SET_STATS_JSON |
			NBFWD_SET_LAYOUT);
	free(cfg);
}

/* One of README.md's tables as nbfwd_config_print_table() prints it (free it). */
static char *
table_text(enum nbfwd_config_table table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	nbfwd_config_print_table(f, table);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* README.md's tables come from the schema: a row of each, as printed. */
static void
test_print_table(void **state)
{
	char *text;

	(void)state;
	text = table_text(NBFWD_CONFIG_TABLE_MAIN);
	assert_non_null(strstr(text, "| section | key | type / range | default | meaning |\n"));
	assert_non_null(strstr(text, "\n| `[nbfwd]` | `mode` | io, macswap, l2fwd, vmq | io | "));
	assert_non_null(strstr(text, "\n| | `burst` | 1..512 | 32 | "));
	assert_non_null(strstr(text, "\n| `[region NAME]` | `pages` | 1..65536 (required) | | "));
	assert_null(strstr(text, "`stall_ms`"));
	free(text);
	text = table_text(NBFWD_CONFIG_TABLE_VMQ);
	assert_non_null(strstr(text, "\n| | `socket_mode` | octal 0..0777 | 0660 | "));
	assert_non_null(strstr(text, "\n| | `ring_size` | power of two 16..16384 | 1024 | "));
	assert_non_null(strstr(text, "\n| | `stall_ms` | 0..3600000 | 2000 | "));
	assert_null(strstr(text, "`burst`"));
	free(text);
}

/* A file describes all regions, ports and lcores: a second load replaces them. */
static void
test_lists_replaced(void **state)
{
	struct nbfwd_config *cfg = load_fixture_ok("good_full.ini");
	char path[PATH_MAX], err[ERR_LEN];

	(void)state;
	path_join(path, fixtures_dir, "good_pci.ini");
	assert_int_equal(nbfwd_config_load(path, cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_regions, 0);
	assert_int_equal(cfg->n_ports, 1);
	assert_int_equal(cfg->n_lcores, 2);
	assert_int_equal(cfg->burst, 64);	/* scalars from the first file stay */
	free(cfg);
}

static void
test_bad_arguments(void **state)
{
	struct nbfwd_config *cfg = cfg_new();
	char err[ERR_LEN], small[16], path[PATH_MAX];

	(void)state;
	assert_int_equal(nbfwd_config_load(NULL, cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty path"));
	assert_int_equal(nbfwd_config_load("", cfg, err, sizeof(err)), -1);
	assert_int_equal(nbfwd_config_load("x.ini", NULL, err, sizeof(err)), -1);
	/* no error buffer, or a small one: no overflow, still NUL-terminated */
	path_join(path, fixtures_dir, "bad_mode.ini");
	assert_int_equal(nbfwd_config_load(path, cfg, NULL, 0), -1);
	memset(small, 'x', sizeof(small));
	assert_int_equal(nbfwd_config_load(path, cfg, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	free(cfg);
}

/* Broken fixtures: file, line (0: none), where, words the error must hold. */

struct bad_case {
	const char *file;
	unsigned int line;
	const char *where;
	const char *words[4];
};

static const struct bad_case bad_cases[] = {
	{ "bad_unknown_section.ini", 5, "[colour]", { "unknown section",
		"known: [nbfwd], [stats], [region NAME], [port NAME], [lcore N]" } },
	{ "bad_global.ini", 2, "[GLOBAL]", { "unknown section" } },
	{ "bad_unknown_key.ini", 4, "[nbfwd] colour", { "unknown key",
		"known: mode, burst, max_segments, time, max_regions" } },
	{ "bad_number.ini", 3, "[port net_null0] rx_desc",
		{ "expected an integer in 64..32768", "got \"abc\"" } },
	{ "bad_range_low.ini", 3, "[nbfwd] burst", { "1..512", "\"0\"", "out of range" } },
	{ "bad_range_high.ini", 4, "[port net_null0] rx_desc",
		{ "64..32768", "\"32769\"", "out of range" } },
	{ "bad_overflow.ini", 3, "[nbfwd] time", { "0..31536000", "out of range" } },
	{ "bad_negative.ini", 3, "[stats] period", { "expected an integer", "\"-1\"" } },
	{ "bad_hex.ini", 3, "[nbfwd] max_regions", { "expected an integer", "\"0x10\"" } },
	{ "bad_trailing_garbage.ini", 3, "[nbfwd] burst",
		{ "expected an integer", "got \"32abc\"" } },
	{ "bad_inline_comment.ini", 4, "[nbfwd] burst",
		{ "inline comments are not supported", "got \"32 ; the burst\"" } },
	{ "bad_hash_inline.ini", 3, "[nbfwd] burst",
		{ "expected an integer", "got \"32 # the burst\"" } },
	{ "bad_duplicate_key.ini", 5, "[nbfwd] burst", { "duplicate key", "first at line 3" } },
	{ "bad_duplicate_section.ini", 8, "[nbfwd]",
		{ "duplicate section", "first at line 2" } },
	{ "bad_duplicate_port.ini", 5, "[port  net_null0]",
		{ "duplicate section", "first at line 2" } },
	{ "bad_duplicate_lcore.ini", 8, "[lcore 03]",
		{ "duplicate section", "first at line 5" } },
	{ "bad_no_equals.ini", 4, NULL, { "line has no '='", "key = value", "got \"foo\"" } },
	{ "bad_empty_key.ini", 3, "[nbfwd]", { "empty key" } },
	{ "bad_semicolon_key.ini", 3, "[nbfwd]", { "';' in a key", "bu;rst" } },
	{ "bad_empty_value.ini", 4, "[nbfwd] burst", { "empty value" } },
	{ "bad_key_before_section.ini", 2, NULL,
		{ "key before any section", "got \"burst = 32\"" } },
	{ "bad_section_unclosed.ini", 2, NULL, { "no ']'", "got \"[nbfwd\"" } },
	{ "bad_section_trailing.ini", 2, NULL, { "text after ']'" } },
	{ "bad_section_empty.ini", 2, NULL, { "empty section name" } },
	{ "bad_section_semicolon.ini", 2, NULL, { "without ';'", "[port a;b]" } },
	{ "bad_section_name_long.ini", 2, NULL,
		{ "section name too long", "at most 63", "got 64" } },
	{ "bad_key_long.ini", 3, "[nbfwd] kkkkkkkk", { "key too long", "at most 63", "got 64" } },
	{ "bad_value_long.ini", 3, "[stats] json",
		{ "value too long", "at most 255", "got 256" } },
	{ "bad_line_long.ini", 3, "[nbfwd]: line too long", { "at most 322", "got 323" } },
	{ "bad_missing_pages.ini", 0, "[region r0] pages", { "required key missing" } },
	{ "bad_missing_rx.ini", 0, "[lcore 1] rx", { "required key missing" } },
	{ "bad_page_size.ini", 4, "[region r0] page_size", { "expected 2M or 1G", "\"4M\"" } },
	{ "bad_layout.ini", 4, "[region r0] layout", { "expected one of heap, extbuf", "\"pinned\"" } },
	{ "bad_pool_layout.ini", 3, "[nbfwd] pool_layout", { "expected one of heap, extbuf", "\"1\"" } },
	{ "bad_mode.ini", 3, "[nbfwd] mode",
		{ "expected one of io, macswap, l2fwd", "got \"fast\"" } },
	{ "bad_numa.ini", 4, "[region r0] numa_node",
		{ "expected -1 or an integer in 0..63", "\"-2\"" } },
	{ "bad_ref_region.ini", 7, "[port net_null0] region",
		{ "[region] section", "got \"r9\"" } },
	{ "bad_ref_peer.ini", 3, "[port net_null0] peer",
		{ "[port] section", "got \"net_null9\"" } },
	{ "bad_ref_lcore_port.ini", 5, "[lcore 1] rx",
		{ "[port] section", "got \"net_null9:0\"" } },
	{ "bad_rx_syntax.ini", 5, "[lcore 1] rx", { "PORT:QUEUE", "got \"net_null0\"" } },
	{ "bad_rx_empty_item.ini", 6, "[lcore 1] rx", { "PORT:QUEUE", "empty item" } },
	{ "bad_rx_queue.ini", 5, "[lcore 1] rx",
		{ "QUEUE an integer in 0..63", "got \"net_null0:x\"" } },
	{ "bad_rx_queue_range.ini", 9, "[lcore 2] rx",
		{ "0..1 (queues = 2)", "\"net_null0:2\"", "out of range" } },
	{ "bad_polled_twice.ini", 9, "[lcore 2] rx",
		{ "net_null0:1 polled twice", "[lcore 1] (line 6)" } },
	{ "bad_polled_twice_same_lcore.ini", 5, "[lcore 1] rx",
		{ "net_null0:0 polled twice", "[lcore 1] (line 5)" } },
	{ "bad_region_name.ini", 2, "[region r/0]", { "bad region name", "\"r/0\"" } },
	{ "bad_region_name_long.ini", 2, "[region r0123456789abcdef0123456789abcde]",
		{ "bad region name", "1..31" } },
	{ "bad_port_name.ini", 2, "[port net null0]", { "bad port name", "\"net null0\"" } },
	{ "bad_lcore_id.ini", 4, "[lcore 128]", { "bad lcore id", "0..127", "out of range" } },
	{ "bad_section_arg_missing.ini", 2, "[region]", { "expected [region NAME]" } },
	{ "bad_section_arg_extra.ini", 2, "[nbfwd main]", { "expected [nbfwd]" } },
	{ "bad_max_regions.ini", 3, "[nbfwd] max_regions",
		{ "expected at least 2", "got 1" } },
	{ "bad_too_many_ports.ini", 34, "[port p32]",
		{ "too many [port] sections", "at most 32" } },
	{ "bad_consumer_mac.ini", 4, "[consumer vm1] mac",
		{ "expected a MAC address xx:xx:xx:xx:xx:xx", "\"02:00:00:00:01\"" } },
	{ "bad_consumer_mac_group.ini", 4, "[consumer vm1] mac",
		{ "expected a unicast MAC address", "01:00:5e:00:00:01" } },
	{ "bad_consumer_ring.ini", 5, "[consumer vm1] ring_size",
		{ "expected a power of two in 16..16384", "\"1000\"" } },
	{ "bad_consumer_dup_filter.ini", 8, "[consumer vm2] mac",
		{ "same port, MAC and VLAN filter as [consumer vm1] (line 2)" } },
	{ "bad_consumer_missing_mac.ini", 0, "[consumer vm1] mac", { "required key missing" } },
	{ "bad_vmq_policy.ini", 3, "[vmq] broadcast",
		{ "expected one of default, consumers, all, drop", "\"flood\"" } },
	{ "bad_consumer_name.ini", 2, "[consumer c0123456789abcdef0123456789abcde]",
		{ "bad consumer name", "1..31" } },
	{ "bad_consumer_port_ref.ini", 5, "[consumer vm1] port",
		{ "[port] section", "got \"net_null1\"" } },
	{ "bad_consumer_vlan.ini", 5, "[consumer vm1] vlan", { "0..4095", "out of range" } },
};

static void
test_bad_fixtures(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		char path[PATH_MAX];

		path_join(path, fixtures_dir, b->file);
		expect_error(path, b->line, b->where, b->words);
	}
}

/* Every bad_*.ini of the fixtures is in the table above, and fails. */
static void
test_bad_fixtures_all_listed(void **state)
{
	DIR *d = opendir(fixtures_dir);
	struct dirent *de;
	unsigned int n = 0, i;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		bool listed = false;

		if (strncmp(de->d_name, "bad_", 4) != 0 || !is_ini(de->d_name))
			continue;
		for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
			if (strcmp(bad_cases[i].file, de->d_name) == 0)
				listed = true;
		if (!listed)
			fail_msg("%s is not in bad_cases", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* Odd bytes and odd files, made at run time. */

struct bad_bytes {
	const char *name;
	const char *data;
	size_t len;		/* with NULs inside */
	unsigned int line;
	const char *words[3];
};

#define BYTES(s) s, sizeof(s) - 1

static const struct bad_bytes bad_bytes[] = {
	{ "nul.ini", BYTES("[nbfwd]\nburst = 3\0002\n"), 2, { "NUL byte", "column 10" } },
	{ "nul-comment.ini", BYTES("; \000\n"), 1, { "NUL byte", "column 3" } },
	{ "bel.ini", BYTES("[nbfwd]\nmode = i\ao\n"), 2,
		{ "control character U+0007", "column 9" } },
	{ "esc.ini", BYTES("; \x1b[31m red\n"), 1, { "control character U+001B" } },
	{ "del.ini", BYTES("[nbfwd]\n\x7f\n"), 2, { "control character U+007F" } },
	{ "c1.ini", BYTES("; \xc2\x85\n"), 1, { "control character U+0085" } },
	{ "vt.ini", BYTES("[nbfwd]\nburst =\v32\n"), 2, { "control character U+000B" } },
	{ "lone-cr.ini", BYTES("[nbfwd]\r\nburst = 3\r2\r\n"), 2,
		{ "control character U+000D", "column 10" } },
	{ "cr-cr.ini", BYTES("[nbfwd]\r\r\n"), 1, { "control character U+000D" } },
	{ "ff.ini", BYTES("[nbfwd]\n; \xff\n"), 2, { "invalid UTF-8 byte 0xff", "column 3" } },
	{ "latin1.ini", BYTES("[stats]\njson = caf\xe9.json\n"), 2, { "invalid UTF-8" } },
	{ "overlong.ini", BYTES("; \xc0\xaf\n"), 1, { "invalid UTF-8" } },
	{ "overlong3.ini", BYTES("; \xe0\x80\xaf\n"), 1, { "invalid UTF-8" } },
	{ "surrogate.ini", BYTES("; \xed\xa0\x80\n"), 1, { "invalid UTF-8" } },
	{ "too-big.ini", BYTES("; \xf4\x90\x80\x80\n"), 1, { "invalid UTF-8" } },
	{ "cut.ini", BYTES("; \xe2\x82"), 1, { "invalid UTF-8" } },
	{ "bom.ini", BYTES("\xef\xbb\xbf[nbfwd]\nburst = 32\n"), 1, { "byte order mark" } },
};

static void
test_bad_bytes(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_bytes) / sizeof(bad_bytes[0]); i++) {
		const struct bad_bytes *b = &bad_bytes[i];
		char path[PATH_MAX];

		path_join(path, tmp_dir, b->name);
		write_file(path, b->data, b->len);
		expect_error(path, b->line, NULL, b->words);
	}
}

/* sscanf's %x takes these; a MAC field is exactly two hex digits */
static void
test_bad_mac_forms(void **state)
{
	static const char *const macs[] = {
		"-1:00:00:00:00:01", " 2:00:00:00:00:01", "+2:00:00:00:00:01",
		"02:00:00:00:00: 1", "0x:02:00:00:00:01", "02:00:00:00:00:1g",
		"02:00:00:00:00:010", "02-00-00-00-00-01", "2:0:0:0:0:1",
	};
	static const char *const words[] = { "expected a MAC address xx:xx:xx:xx:xx:xx", NULL };
	char path[PATH_MAX], text[256];
	struct nbfwd_config *cfg;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		snprintf(text, sizeof(text), "[consumer vm1]\nport = net_null0\nmac = %s\n",
			macs[i]);
		write_tmp(path, "mac.ini", text);
		expect_error(path, 3, "[consumer vm1] mac", words);
	}
	write_tmp(path, "mac-ok.ini", "[port net_null0]\n[consumer vm1]\nport = net_null0\n"
		"mac = 0A:bC:00:fF:09:10\n");
	cfg = load_ok(path);
	assert_int_equal(cfg->consumers[0].mac[0], 0x0a);
	assert_int_equal(cfg->consumers[0].mac[1], 0xbc);
	assert_int_equal(cfg->consumers[0].mac[3], 0xff);
	assert_int_equal(cfg->consumers[0].mac[5], 0x10);
	free(cfg);
}

static void
test_bad_line_323(void **state)
{
	static const char *const words[] = { "line too long", "got 323", NULL };
	char path[PATH_MAX], text[1024];

	(void)state;
	snprintf(text, sizeof(text), "[nbfwd]\n;%0322d\n", 0);
	write_tmp(path, "line323.ini", text);
	expect_error(path, 2, NULL, words);
	/* the last line, without '\n' */
	snprintf(text, sizeof(text), "[nbfwd]\n;%0322d", 0);
	write_tmp(path, "line323-noeol.ini", text);
	expect_error(path, 2, NULL, words);
}

/* An over-long line names its section, and its key when it is a key line. */
static void
test_bad_line_names_key(void **state)
{
	static const char *const words[] = { "line too long", "got 323", NULL };
	/* text before and after 323 - (its length) zeros, the line, what it names */
	static const struct {
		const char *before, *line, *where;
		unsigned int n;
	} cases[] = {
		{ "[nbfwd]\nmode = io\n[stats]\n", "  json =", ": [stats] json: line too", 4 },
		/* a comment line: its section only */
		{ "[port net_null0]\n", "#", ": [port net_null0]: line too", 2 },
		/* a key that is no name (a blank inside): the section only */
		{ "[nbfwd]\n", "bu rst = ", ": [nbfwd]: line too", 2 },
		/* before any section, a section line: the file and line only */
		{ "", "burst = ", ":1: line too", 1 },
		{ "[nbfwd]\n", "[", ":2: line too", 2 },
	};
	char path[PATH_MAX], text[1024];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s%0*d\n", cases[i].before, cases[i].line,
				(int)(323 - strlen(cases[i].line)), 0);
		write_tmp(path, "long.ini", text);
		expect_error(path, cases[i].n, cases[i].where, words);
	}
}

static void
test_bad_files(void **state)
{
	static const char *const dir_words[] = { "cannot load", "Is a directory", NULL };
	static const char *const missing_words[] = { "cannot load",
		"No such file or directory", NULL };
	static const char *const fifo_words[] = { "cannot load", "a FIFO",
		"expected a regular file", NULL };
	static const char *const loop_words[] = { "cannot load",
		"Too many levels of symbolic links", NULL };
	static const char *const dev_words[] = { "cannot load", "a character device", NULL };
	char path[PATH_MAX], other[PATH_MAX];

	(void)state;
	path_join(path, tmp_dir, "dir.ini");
	assert_int_equal(mkdir(path, 0700), 0);
	expect_error(path, 0, NULL, dir_words);

	path_join(path, tmp_dir, "missing.ini");
	expect_error(path, 0, NULL, missing_words);

	path_join(path, tmp_dir, "missing-dir/x.ini");
	expect_error(path, 0, NULL, missing_words);

	/* a FIFO: the loader must not block on it */
	path_join(path, tmp_dir, "fifo.ini");
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_error(path, 0, NULL, fifo_words);

	path_join(path, tmp_dir, "loop-a.ini");
	path_join(other, tmp_dir, "loop-b.ini");
	assert_int_equal(symlink(other, path), 0);
	assert_int_equal(symlink(path, other), 0);
	expect_error(path, 0, NULL, loop_words);

	expect_error("/dev/null", 0, NULL, dev_words);
}

/* The reader's own limits: file size, sections, keys. */
static void
test_bad_limits(void **state)
{
	static const char *const big_words[] = { "file too large", "at most 1048576 bytes",
		NULL };
	static const char *const sec_words[] = { "too many sections", "at most 512", NULL };
	static const char *const key_words[] = { "too many keys", "at most 4096", NULL };
	char path[PATH_MAX];
	unsigned int i;
	FILE *f;

	(void)state;
	path_join(path, tmp_dir, "big.ini");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (1 << 20) + 1), 0);
	assert_int_equal(fclose(f), 0);
	expect_error(path, 0, NULL, big_words);

	path_join(path, tmp_dir, "sections.ini");
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i <= 512; i++)
		fprintf(f, "[s%u]\n", i);
	assert_int_equal(fclose(f), 0);
	expect_error(path, 513, "[s512]", sec_words);

	path_join(path, tmp_dir, "keys.ini");
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[nbfwd]\n");
	for (i = 0; i <= 4096; i++)
		fprintf(f, "k%u = 1\n", i);
	assert_int_equal(fclose(f), 0);
	expect_error(path, 4098, "[nbfwd] k4096", key_words);
}

static void
test_bad_unreadable(void **state)
{
	static const char *const words[] = { "cannot load", "Permission denied", NULL };
	char path[PATH_MAX];

	(void)state;
	if (geteuid() == 0) {
		/* root reads a mode 000 file: the directory and FIFO cases stand in */
		skip();
	}
	write_tmp(path, "unreadable.ini", "[nbfwd]\nburst = 32\n");
	assert_int_equal(chmod(path, 0), 0);
	expect_error(path, 0, NULL, words);
}

/* Setup: directories and the scratch directory. */

static int
setup(void **state)
{
	const char *fx = getenv("NBSHM_FIXTURES");
	const char *cd = getenv("NBSHM_CONFIG_DIR");

	(void)state;
	if (fx == NULL || fx[0] == '\0') {
		fprintf(stderr, "NBSHM_FIXTURES is not set (app/test/fixtures)\n");
		return -1;
	}
	snprintf(fixtures_dir, sizeof(fixtures_dir), "%s/config", fx);
	if (cd != NULL && cd[0] != '\0')
		snprintf(samples_dir, sizeof(samples_dir), "%s", cd);
	else
		snprintf(samples_dir, sizeof(samples_dir), "%s/../../../config", fx);
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/nbfwd-test-config-XXXXXX");
	if (mkdtemp(tmp_dir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* tmp_dir holds files, FIFOs, symlinks and empty directories only. */
static int
teardown(void **state)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *de;

	(void)state;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path_join(path, tmp_dir, de->d_name);
		remove(path);	/* unlink, or rmdir for a directory */
	}
	closedir(d);
	return rmdir(tmp_dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_page_size),
		cmocka_unit_test(test_parse_mode),
		cmocka_unit_test(test_samples_load),
		cmocka_unit_test(test_sample_values),
		cmocka_unit_test(test_good_full),
		cmocka_unit_test(test_good_empty),
		cmocka_unit_test(test_good_comments),
		cmocka_unit_test(test_good_forward_refs),
		cmocka_unit_test(test_good_pci),
		cmocka_unit_test(test_good_runtime),
		cmocka_unit_test(test_good_vmq),
		cmocka_unit_test(test_access_keys),
		cmocka_unit_test(test_consumer_trust_keys),
		cmocka_unit_test(test_ref_indexes),
		cmocka_unit_test(test_keeps_unset_fields),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_print_table),
		cmocka_unit_test(test_lists_replaced),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_bad_fixtures_all_listed),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_bad_line_323),
		cmocka_unit_test(test_bad_line_names_key),
		cmocka_unit_test(test_bad_mac_forms),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_bad_limits),
		cmocka_unit_test(test_bad_unreadable),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
