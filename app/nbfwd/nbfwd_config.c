/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd's strict INI loader, one reader in two steps:
 *
 * 1. The reader checks every line of the file: bytes (no NUL, no control
 *    character, valid UTF-8), length, syntax, duplicates, name and value
 *    limits. It records every section and key = value with its line number:
 *    those are the values, and every error can name file:line, section, key.
 * 2. The schema (nbfwd_config_schema[]): known sections and keys, types,
 *    ranges, defaults, required keys, then the references between sections.
 *    A reference ([port] peer and region, an rx item's PORT) is stored as the
 *    index of the section it names in its list: the configuration is a plain
 *    value, copied with =.
 *
 * The limits (names of 63 bytes, values of 255, lines of 322) and the refusal
 * of inline comments are those of rte_cfgfile, which nbfwd once read its files
 * with: files that loaded then load now, the same way.
 *
 * The work is done on a copy of the configuration: on failure the caller's is
 * left as it was.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>

#include "nbfwd_config.h"

#define NBFWD_CONFIG_NAME_MAX 63		/* bytes of a section or key name */
#define NBFWD_CONFIG_VALUE_MAX 255	/* bytes of a value */
/* a name, " = ", a value and one more: without its end of line */
#define NBFWD_CONFIG_LINE_MAX (NBFWD_CONFIG_NAME_MAX + NBFWD_CONFIG_VALUE_MAX + 4)
#define NBFWD_CONFIG_FILE_MAX (1u << 20)	/* bytes */
#define NBFWD_CONFIG_SECTIONS_MAX 512
#define NBFWD_CONFIG_KEYS_MAX 4096		/* in the whole file */
#define NBFWD_CONFIG_QUEUES_MAX 64		/* queues = 1..64 */
#define NBFWD_CONFIG_REGION_NAME_MAX 31
#define NBFWD_CONFIG_LCORE_ID_MAX (NBFWD_MAX_LCORES - 1)
#define NBFWD_CONFIG_NUMA_MAX 63
#define NBFWD_CONFIG_MSG_MAX 1024

/* A [section] line, as the reader saw it. */
struct nbfwd_config_sec {
	unsigned int line;
	const char *name;	/* trimmed, in the file's text */
	int kind;		/* enum nbfwd_config_sec_kind of its first word, -1 if none */
	const char *arg;	/* what follows that word and blanks ("" if nothing) */
};

/* A key = value line, as the reader saw it. */
struct nbfwd_config_ent {
	unsigned int line;
	unsigned int sec;	/* index in nbfwd_config_ctx.secs */
	const char *key;	/* trimmed */
	const char *value;	/* trimmed */
};

/* One load, or one command-line option. */
struct nbfwd_config_ctx {
	const char *path;
	const char *opt;		/* the option being set, NULL when loading */
	char *err;
	size_t errlen;
	char *text;			/* the file, each line NUL-terminated */
	size_t len;
	unsigned int n_secs;
	struct nbfwd_config_sec secs[NBFWD_CONFIG_SECTIONS_MAX];
	unsigned int n_ents;
	unsigned int ents_cap;		/* entries allocated, grows up to KEYS_MAX */
	struct nbfwd_config_ent *ents;
	/* the section of each region, port, lcore, consumer of cfg */
	unsigned int region_sec[NBFWD_MAX_REGIONS];
	unsigned int consumer_sec[NBFWD_MAX_CONSUMERS];
	unsigned int port_sec[NBFWD_MAX_PORTS];
	unsigned int lcore_sec[NBFWD_MAX_LCORES];
	/* index in cfg.lcores of the lcore polling a port's queue, NBFWD_CONFIG_NONE if none */
	uint16_t owner[NBFWD_MAX_PORTS][NBFWD_CONFIG_QUEUES_MAX];
	struct nbfwd_config *cfg;	/* what is filled: &work, or the caller's for an option */
	struct nbfwd_config work;	/* a load fills a copy: the caller's is kept on error */
};

/* Types of values. */
enum nbfwd_config_type {
	NBFWD_CONFIG_UINT,	/* decimal integer in min..max */
	NBFWD_CONFIG_PATH,	/* a file name, stored as is */
	NBFWD_CONFIG_REF,	/* name of a section of .ref, stored as its index in its list */
	NBFWD_CONFIG_PAGE_SIZE,	/* 2M or 1G */
	NBFWD_CONFIG_NUMA,	/* -1 or min..max */
	NBFWD_CONFIG_RXQ,	/* PORT:QUEUE[, PORT:QUEUE ...] */
	NBFWD_CONFIG_MAC,	/* xx:xx:xx:xx:xx:xx, unicast, not zero */
	NBFWD_CONFIG_CHOICE,	/* one of .choices, stored as its index in an int */
	NBFWD_CONFIG_POW2,	/* a power of two in min..max */
	NBFWD_CONFIG_USERS,	/* user names or numbers, comma-separated: struct nbfwd_id_list */
	NBFWD_CONFIG_GROUPS,	/* group names or numbers, comma-separated: struct nbfwd_id_list */
	NBFWD_CONFIG_GROUP,	/* one group name or number, stored in an int64_t */
	NBFWD_CONFIG_OCTAL,	/* an octal number in min..max (file mode bits) */
};

/* Kinds of sections: indexes of nbfwd_config_kinds[]. */
enum nbfwd_config_sec_kind {
	NBFWD_SEC_NBFWD,
	NBFWD_SEC_STATS,
	NBFWD_SEC_REGION,
	NBFWD_SEC_PORT,
	NBFWD_SEC_LCORE,
	NBFWD_SEC_VMQ,
	NBFWD_SEC_CONSUMER,
};

/*
 * One key: everything the loader, the command line and README.md's tables
 * know of it.
 */
struct nbfwd_config_key {
	enum nbfwd_config_sec_kind sec;
	const char *name;
	enum nbfwd_config_type type;
	bool required;
	uint64_t min;
	uint64_t max;
	int64_t def;		/* default, stored as the value would be (strings: "") */
	const char *def_text;	/* README's default, when def alone would mislead */
	const char *what;	/* README's type / range, when the type's says too little */
	const char *help;	/* one line: README's meaning, --help's text */
	enum nbfwd_config_table table;	/* README table of the key */
	const char *opt;	/* command-line option that sets it, NULL = none */
	const char *opt_arg;	/* the option's argument in --help */
	enum nbfwd_config_sec_kind ref;	/* NBFWD_CONFIG_REF: kind of section named */
	const char * const *choices;	/* NBFWD_CONFIG_CHOICE: names, NULL-terminated */
	size_t offset;		/* of the field in the section's struct */
	size_t size;		/* of the field, 0 = none (rx) */
	uint32_t set;		/* NBFWD_SET_* bit */
};

/* Check the name of a section and give the struct its keys fill. */
typedef int (*nbfwd_config_open_t)(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);

/* One kind of section: [nbfwd], [region NAME], ... */
struct nbfwd_config_kind {
	const char *name;
	const char *arg;	/* NULL: no argument; else what it is, for messages */
	nbfwd_config_open_t open;
};

static const char * const nbfwd_config_mode_names[] = {
	[NBFWD_MODE_IO] = "io",
	[NBFWD_MODE_MACSWAP] = "macswap",
	[NBFWD_MODE_L2FWD] = "l2fwd",
	[NBFWD_MODE_VMQ] = "vmq",
	[NBFWD_MODE_MAX] = NULL,
};

static const char * const nbfwd_config_layout_names[] = {
	[NBFWD_POOL_HEAP] = "heap",
	[NBFWD_POOL_EXTBUF] = "extbuf",
	[NBFWD_POOL_MAX] = NULL,
};

static const char * const nbfwd_config_unmatched_names[] = {
	[NBFWD_UNMATCHED_FORWARD] = "forward",
	[NBFWD_UNMATCHED_DROP] = "drop",
	NULL,
};

static const char * const nbfwd_config_group_names[] = {
	[NBFWD_GROUP_DEFAULT] = "default",
	[NBFWD_GROUP_CONSUMERS] = "consumers",
	[NBFWD_GROUP_ALL] = "all",
	[NBFWD_GROUP_DROP] = "drop",
	NULL,
};

static const char * const nbfwd_config_steering_names[] = {
	[NBFWD_STEER_SOFTWARE] = "software",
	[NBFWD_STEER_FLOW] = "flow",
	[NBFWD_STEER_PORT] = "port",
	NULL,
};

static const char * const nbfwd_config_off_on_names[] = { "off", "on", NULL };

static const char * const nbfwd_config_foreign_names[] = {
	[NBFWD_FOREIGN_DROP] = "drop",
	[NBFWD_FOREIGN_FORWARD] = "forward",
	NULL,
};

/* Field of a key: the section's struct and the field's name. */
#define NBFWD_CONFIG_AT(type, field) \
	.offset = offsetof(type, field), .size = RTE_SIZEOF_FIELD(type, field)
#define NBFWD_CONFIG_MAIN(field) NBFWD_CONFIG_AT(struct nbfwd_config, field)
#define NBFWD_CONFIG_REGION(field) NBFWD_CONFIG_AT(struct nbfwd_region_cfg, field)
#define NBFWD_CONFIG_PORT(field) NBFWD_CONFIG_AT(struct nbfwd_port_cfg, field)
#define NBFWD_CONFIG_CONSUMER(field) NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, field)
#define NBFWD_CONFIG_IS(t, names) .type = NBFWD_CONFIG_CHOICE, .choices = (names), \
	.def = (t)

/*
 * The schema: every key of every section, in README.md's order (its tables are
 * printed from this one: nbfwd-config-tables, checked by unit/config-readme).
 */
static const struct nbfwd_config_key nbfwd_config_schema[] = {
	{ NBFWD_SEC_NBFWD, "mode", NBFWD_CONFIG_IS(NBFWD_MODE_IO, nbfwd_config_mode_names),
	  .help = "forwarding action (vmq: see Consumers)",
	  .opt = "mode", .opt_arg = "MODE", NBFWD_CONFIG_MAIN(mode), .set = NBFWD_SET_MODE },
	{ NBFWD_SEC_NBFWD, "burst", NBFWD_CONFIG_UINT, .min = 1, .max = NBFWD_BURST_MAX,
	  .def = 32, .help = "packets per rx burst",
	  .opt = "burst", .opt_arg = "N", NBFWD_CONFIG_MAIN(burst), .set = NBFWD_SET_BURST },
	{ NBFWD_SEC_NBFWD, "max_segments", NBFWD_CONFIG_UINT, .min = 1, .max = 64, .def = 8,
	  .help = "segments per packet; longer chains are dropped (`too_many_segments`)",
	  .opt = "max-segments", .opt_arg = "N", NBFWD_CONFIG_MAIN(max_segments),
	  .set = NBFWD_SET_MAX_SEGS },
	{ NBFWD_SEC_NBFWD, "time", NBFWD_CONFIG_UINT, .min = 0, .max = 31536000, .def = 0,
	  .help = "seconds to run, 0 = until a signal",
	  .opt = "time", .opt_arg = "SECONDS", NBFWD_CONFIG_MAIN(time_s), .set = NBFWD_SET_TIME },
	{ NBFWD_SEC_NBFWD, "max_regions", NBFWD_CONFIG_UINT, .min = 1, .max = 1024, .def = 16,
	  .help = "slots of the region table", NBFWD_CONFIG_MAIN(max_regions) },
	{ NBFWD_SEC_NBFWD, "pool_layout",
	  NBFWD_CONFIG_IS(NBFWD_POOL_HEAP, nbfwd_config_layout_names),
	  .help = "default pool layout of every region",
	  .opt = "pool-layout", .opt_arg = "L", NBFWD_CONFIG_MAIN(pool_layout),
	  .set = NBFWD_SET_LAYOUT },
	{ NBFWD_SEC_NBFWD, "mtu", NBFWD_CONFIG_UINT, .min = 68, .max = 9600,
	  .def_text = "device's", .help = "MTU of every port without its own `mtu`; "
		  "above the buffer size needs rx scatter",
	  .opt = "mtu", .opt_arg = "N", NBFWD_CONFIG_MAIN(mtu), .set = NBFWD_SET_MTU },
	{ NBFWD_SEC_STATS, "period", NBFWD_CONFIG_UINT, .min = 0, .max = 3600, .def = 1,
	  .help = "seconds between stats lines, 0 = off",
	  .opt = "stats-period", .opt_arg = "SECONDS", NBFWD_CONFIG_MAIN(stats_period_s),
	  .set = NBFWD_SET_STATS_PERIOD },
	{ NBFWD_SEC_STATS, "json", NBFWD_CONFIG_PATH, .def_text = "none",
	  .help = "JSON counters written at exit",
	  .opt = "stats-json", .opt_arg = "FILE", NBFWD_CONFIG_MAIN(stats_json),
	  .set = NBFWD_SET_STATS_JSON },
	{ NBFWD_SEC_REGION, "pages", NBFWD_CONFIG_UINT, .required = true,
	  .min = 1, .max = 65536, .help = "region size in pages", NBFWD_CONFIG_REGION(pages) },
	{ NBFWD_SEC_REGION, "page_size", NBFWD_CONFIG_PAGE_SIZE, .def = NBFWD_DEFAULT_PAGE_SIZE,
	  .help = "hugepage size (a hugetlbfs mount for it must exist)",
	  NBFWD_CONFIG_REGION(page_size) },
	{ NBFWD_SEC_REGION, "numa_node", NBFWD_CONFIG_NUMA, .min = 0,
	  .max = NBFWD_CONFIG_NUMA_MAX, .def = -1,
	  .help = "node for the pages, -1 = the first port's node",
	  NBFWD_CONFIG_REGION(numa_node) },
	{ NBFWD_SEC_REGION, "layout", NBFWD_CONFIG_IS(-1, nbfwd_config_layout_names),
	  .def_text = "`pool_layout`", .help = "pool layout of this region",
	  NBFWD_CONFIG_REGION(layout) },
	{ NBFWD_SEC_PORT, "region", NBFWD_CONFIG_REF, .ref = NBFWD_SEC_REGION,
	  .def = NBFWD_CONFIG_NONE, .def_text = "automatic",
	  .help = "region holding this port's pool", NBFWD_CONFIG_PORT(region) },
	{ NBFWD_SEC_PORT, "peer", NBFWD_CONFIG_REF, .ref = NBFWD_SEC_PORT,
	  .def = NBFWD_CONFIG_NONE, .def_text = "pairing",
	  .help = "port its packets go out of", NBFWD_CONFIG_PORT(peer) },
	{ NBFWD_SEC_PORT, "queues", NBFWD_CONFIG_UINT, .min = 1,
	  .max = NBFWD_CONFIG_QUEUES_MAX, .def_text = "one per worker",
	  .help = "rx queues", NBFWD_CONFIG_PORT(queues) },
	{ NBFWD_SEC_PORT, "rx_desc", NBFWD_CONFIG_UINT, .min = 64, .max = 32768,
	  .def = NBFWD_DEFAULT_RX_DESC, .help = "descriptors per rx queue",
	  NBFWD_CONFIG_PORT(rx_desc) },
	{ NBFWD_SEC_PORT, "tx_desc", NBFWD_CONFIG_UINT, .min = 64, .max = 32768,
	  .def = NBFWD_DEFAULT_TX_DESC, .help = "descriptors per tx queue",
	  NBFWD_CONFIG_PORT(tx_desc) },
	{ NBFWD_SEC_PORT, "pool_size", NBFWD_CONFIG_UINT, .min = 1023, .max = 4194304,
	  .def_text = "automatic", .help = "mbufs in the port's pool",
	  NBFWD_CONFIG_PORT(pool_size) },
	{ NBFWD_SEC_PORT, "mtu", NBFWD_CONFIG_UINT, .min = 68, .max = 9600,
	  .def_text = "device's", .help = "MTU; above the buffer size needs rx scatter",
	  NBFWD_CONFIG_PORT(mtu) },
	{ NBFWD_SEC_LCORE, "rx", NBFWD_CONFIG_RXQ, .required = true,
	  .def_text = "queue q → worker q", .help = "rx queues lcore N polls" },
	{ NBFWD_SEC_NBFWD, "socket", NBFWD_CONFIG_PATH,
	  .def_text = "`<runtime dir>/nbshm.sock`", .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "attach socket (a stale one is replaced; a live one is an error)",
	  NBFWD_CONFIG_MAIN(socket) },
	{ NBFWD_SEC_NBFWD, "socket_mode", NBFWD_CONFIG_OCTAL, .min = 0, .max = 0777,
	  .def = NBFWD_DEFAULT_SOCKET_MODE, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "mode of the socket file (connecting needs write permission)",
	  NBFWD_CONFIG_MAIN(socket_mode) },
	{ NBFWD_SEC_NBFWD, "socket_group", NBFWD_CONFIG_GROUP, .def = -1,
	  .def_text = "nbfwd's group", .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "group of the socket file", NBFWD_CONFIG_MAIN(socket_group) },
	{ NBFWD_SEC_VMQ, "unmatched",
	  NBFWD_CONFIG_IS(NBFWD_UNMATCHED_FORWARD, nbfwd_config_unmatched_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "frames no filter matches: out of the peer port, or dropped (`filtered`)",
	  NBFWD_CONFIG_MAIN(unmatched) },
	{ NBFWD_SEC_VMQ, "broadcast",
	  NBFWD_CONFIG_IS(NBFWD_GROUP_DEFAULT, nbfwd_config_group_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "broadcast frames: as unmatched, a copy to every consumer of the port, "
		  "both, or dropped", NBFWD_CONFIG_MAIN(broadcast) },
	{ NBFWD_SEC_VMQ, "multicast",
	  NBFWD_CONFIG_IS(NBFWD_GROUP_DEFAULT, nbfwd_config_group_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "multicast frames: as `broadcast`", NBFWD_CONFIG_MAIN(multicast) },
	{ NBFWD_SEC_CONSUMER, "port", NBFWD_CONFIG_PATH, .required = true,
	  .what = "ethdev name", .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "port whose frames it filters and out of which its tx goes",
	  NBFWD_CONFIG_CONSUMER(port) },
	{ NBFWD_SEC_CONSUMER, "mac", NBFWD_CONFIG_MAC, .required = true,
	  .table = NBFWD_CONFIG_TABLE_VMQ, .help = "destination MAC filter",
	  NBFWD_CONFIG_CONSUMER(mac) },
	{ NBFWD_SEC_CONSUMER, "vlan", NBFWD_CONFIG_UINT, .min = 0, .max = 4095, .def = -1,
	  .def_text = "any", .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "VLAN filter (untagged frames do not match when set)",
	  NBFWD_CONFIG_CONSUMER(vlan) },
	{ NBFWD_SEC_CONSUMER, "buffers", NBFWD_CONFIG_UINT, .min = 64, .max = 1048576,
	  .def = NBFWD_DEFAULT_CONSUMER_BUFFERS, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "rx buffers in its region", NBFWD_CONFIG_CONSUMER(buffers) },
	{ NBFWD_SEC_CONSUMER, "buffer_size", NBFWD_CONFIG_UINT, .min = 128, .max = 16384,
	  .def = NBFWD_DEFAULT_CONSUMER_BUF_SIZE, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "data bytes per rx buffer", NBFWD_CONFIG_CONSUMER(buffer_size) },
	{ NBFWD_SEC_CONSUMER, "ring_size", NBFWD_CONFIG_POW2, .min = 16, .max = 16384,
	  .def = NBFWD_DEFAULT_CONSUMER_RING, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "descriptors per ring", NBFWD_CONFIG_CONSUMER(ring_size) },
	{ NBFWD_SEC_CONSUMER, "tx_buffers", NBFWD_CONFIG_UINT, .min = 1, .max = 65536,
	  .def = NBFWD_DEFAULT_CONSUMER_TX_BUFFERS, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "tx buffers it owns", NBFWD_CONFIG_CONSUMER(tx_buffers) },
	{ NBFWD_SEC_CONSUMER, "tx_buffer_size", NBFWD_CONFIG_UINT, .min = 128, .max = 16384,
	  .def = NBFWD_DEFAULT_CONSUMER_TX_BUF_SIZE, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "bytes per tx buffer", NBFWD_CONFIG_CONSUMER(tx_buffer_size) },
	{ NBFWD_SEC_CONSUMER, "numa_node", NBFWD_CONFIG_NUMA, .min = 0,
	  .max = NBFWD_CONFIG_NUMA_MAX, .def = -1, .def_text = "port's",
	  .table = NBFWD_CONFIG_TABLE_VMQ, .help = "node of its region",
	  NBFWD_CONFIG_CONSUMER(numa_node) },
	{ NBFWD_SEC_CONSUMER, "steering",
	  NBFWD_CONFIG_IS(NBFWD_STEER_SOFTWARE, nbfwd_config_steering_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "software classifier (one copy), `rte_flow` to a queue of its own "
		  "(zero copy), or every rx queue of its port (zero copy)",
	  NBFWD_CONFIG_CONSUMER(steering) },
	{ NBFWD_SEC_CONSUMER, "uid", NBFWD_CONFIG_USERS, .def_text = "none",
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "who else may attach under this name (see below)",
	  NBFWD_CONFIG_CONSUMER(uids) },
	{ NBFWD_SEC_CONSUMER, "gid", NBFWD_CONFIG_GROUPS, .def_text = "none",
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "a peer whose gid or a supplementary group is listed may attach too",
	  NBFWD_CONFIG_CONSUMER(gids) },
	{ NBFWD_SEC_CONSUMER, "spoof_check", NBFWD_CONFIG_IS(1, nbfwd_config_off_on_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "its tx must come from its `mac` (and carry exactly its `vlan`, when set); "
		  "else dropped (`tx_spoofed`)", NBFWD_CONFIG_CONSUMER(spoof_check) },
	{ NBFWD_SEC_CONSUMER, "foreign",
	  NBFWD_CONFIG_IS(NBFWD_FOREIGN_DROP, nbfwd_config_foreign_names),
	  .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "`steering = port`: frames on its port that are not its, dropped "
		  "(`not_owner`) or copied out and steered", NBFWD_CONFIG_CONSUMER(foreign) },
	{ NBFWD_SEC_CONSUMER, "stall_ms", NBFWD_CONFIG_UINT, .min = 0, .max = 3600000,
	  .def = NBFWD_DEFAULT_CONSUMER_STALL_MS, .table = NBFWD_CONFIG_TABLE_VMQ,
	  .help = "detach it when it returns nothing this long, holding its buffers, since "
		  "it came under pressure (`stalled`), 0 = never",
	  NBFWD_CONFIG_CONSUMER(stall_ms) },
};

/* A section's keys are bits of a uint64_t while it is read. */
_Static_assert(RTE_DIM(nbfwd_config_schema) <= 64, "too many keys for a uint64_t mask");
/* mode and pool_layout are stored as the int of a choice */
_Static_assert(sizeof(enum nbfwd_mode) == sizeof(int), "enum nbfwd_mode is not an int");
_Static_assert(sizeof(enum nbfwd_pool_layout) == sizeof(int), "pool layout is not an int");
/* indexes of ports, regions and lcores fit a uint16_t, NBFWD_CONFIG_NONE apart */
_Static_assert(NBFWD_MAX_PORTS < NBFWD_CONFIG_NONE && NBFWD_MAX_REGIONS < NBFWD_CONFIG_NONE &&
		NBFWD_MAX_LCORES < NBFWD_CONFIG_NONE, "an index is NBFWD_CONFIG_NONE");
/* a plain value, copied whole by a load: keep it small (was 560 kB with names) */
_Static_assert(sizeof(struct nbfwd_config) < 128 * 1024, "struct nbfwd_config grew");

static int nbfwd_config_open_main(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);
static int nbfwd_config_open_region(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);
static int nbfwd_config_open_port(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);
static int nbfwd_config_open_lcore(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);
static int nbfwd_config_open_consumer(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);

static const struct nbfwd_config_kind nbfwd_config_kinds[] = {
	[NBFWD_SEC_NBFWD] = { "nbfwd", NULL, nbfwd_config_open_main },
	[NBFWD_SEC_STATS] = { "stats", NULL, nbfwd_config_open_main },
	[NBFWD_SEC_REGION] = { "region", "NAME", nbfwd_config_open_region },
	[NBFWD_SEC_PORT] = { "port", "NAME", nbfwd_config_open_port },
	[NBFWD_SEC_LCORE] = { "lcore", "N", nbfwd_config_open_lcore },
	[NBFWD_SEC_VMQ] = { "vmq", NULL, nbfwd_config_open_main },
	[NBFWD_SEC_CONSUMER] = { "consumer", "NAME", nbfwd_config_open_consumer },
};

/* Store v in a field of 1, 2, 4 or 8 bytes (an int field takes -1 as 4 bytes). */
static void
nbfwd_config_store(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case sizeof(uint8_t):
		*(uint8_t *)field = (uint8_t)v;
		break;
	case sizeof(uint16_t):
		*(uint16_t *)field = (uint16_t)v;
		break;
	case sizeof(uint32_t):
		*(uint32_t *)field = (uint32_t)v;
		break;
	default:
		*(uint64_t *)field = v;
		break;
	}
}

/*
 * The defaults of a section's keys into its struct, which the caller zeroed:
 * strings, lists and MACs have none but empty.
 */
static void
nbfwd_config_apply_defaults(enum nbfwd_config_sec_kind sec, void *base)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbfwd_config_schema); i++) {
		const struct nbfwd_config_key *k = &nbfwd_config_schema[i];

		if (k->sec != sec || k->size == 0)
			continue;
		switch (k->type) {
		case NBFWD_CONFIG_UINT:
		case NBFWD_CONFIG_POW2:
		case NBFWD_CONFIG_OCTAL:
		case NBFWD_CONFIG_NUMA:
		case NBFWD_CONFIG_CHOICE:
		case NBFWD_CONFIG_GROUP:
		case NBFWD_CONFIG_PAGE_SIZE:
		case NBFWD_CONFIG_REF:
			nbfwd_config_store((char *)base + k->offset, k->size, (uint64_t)k->def);
			break;
		default:
			break;
		}
	}
}

/* Public helpers. */

int
nbfwd_config_find(const char *first, size_t stride, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(first + i * stride, name) == 0)
			return (int)i;
	return -1;
}

void
nbfwd_config_defaults(struct nbfwd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	nbfwd_config_apply_defaults(NBFWD_SEC_NBFWD, cfg);
	nbfwd_config_apply_defaults(NBFWD_SEC_STATS, cfg);
	nbfwd_config_apply_defaults(NBFWD_SEC_VMQ, cfg);
}

int
nbfwd_config_parse_mode(const char *s, enum nbfwd_mode *mode)
{
	unsigned int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NBFWD_MODE_MAX; i++) {
		if (strcmp(s, nbfwd_config_mode_names[i]) == 0) {
			*mode = (enum nbfwd_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *
nbfwd_config_mode_name(enum nbfwd_mode mode)
{
	if ((unsigned int)mode >= NBFWD_MODE_MAX)
		return "unknown";
	return nbfwd_config_mode_names[mode];
}

/*
 * Strict unsigned decimal: digits only, no overflow.
 * Returns 0 if in [min, max], 1 if a number out of range (or too large for 64
 * bits), -1 if not a number.
 */
static int
nbfwd_config_parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;
	const char *p;

	if (s == NULL || *s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		unsigned int d;

		if (*p < '0' || *p > '9')
			return -1;
		d = (unsigned int)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow || v < min || v > max)
		return 1;
	*out = v;
	return 0;
}

int
nbfwd_config_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (out == NULL || nbfwd_config_parse_num(s, min, max, &v) != 0)
		return -1;
	*out = v;
	return 0;
}

int
nbfwd_config_parse_page_size(const char *s, uint64_t *out)
{
	char digits[32];
	uint64_t v, mult = 1;
	size_t len;

	if (s == NULL || out == NULL)
		return -1;
	len = strlen(s);
	if (len == 0 || len >= sizeof(digits))
		return -1;
	switch (s[len - 1]) {
	case 'K': case 'k':
		mult = 1ull << 10;
		break;
	case 'M': case 'm':
		mult = 1ull << 20;
		break;
	case 'G': case 'g':
		mult = 1ull << 30;
		break;
	default:
		break;
	}
	if (mult != 1)
		len--;
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (nbfwd_config_parse_num(digits, 1, UINT64_MAX / mult, &v) != 0)
		return -1;
	v *= mult;
	if (v != (2ull << 20) && v != (1ull << 30))
		return -1;
	*out = v;
	return 0;
}

/* Errors. */

/*
 * Write "PATH[:LINE]: [[SECTION][ KEY]: ]MESSAGE" into the caller's buffer, or
 * "option --OPT: MESSAGE" for an option. Everything printed has passed the
 * byte check (printable text): one line.
 */
static int
nbfwd_config_verr(struct nbfwd_config_ctx *c, unsigned int line, const char *sec,
		const char *key, const char *fmt, va_list ap)
{
	char msg[NBFWD_CONFIG_MSG_MAX];
	char where[16] = "";
	char ctx[2 * NBFWD_CONFIG_LINE_MAX + 8] = "";

	if (c->err == NULL || c->errlen == 0)
		return -1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->opt != NULL) {
		snprintf(c->err, c->errlen, "option --%s: %s", c->opt, msg);
		return -1;
	}
	if (line != 0)
		snprintf(where, sizeof(where), ":%u", line);
	if (sec != NULL)
		snprintf(ctx, sizeof(ctx), "[%s]%s%s: ", sec, key != NULL ? " " : "",
				key != NULL ? key : "");
	snprintf(c->err, c->errlen, "%s%s: %s%s", c->path, where, ctx, msg);
	return -1;
}

static int __rte_format_printf(5, 6)
nbfwd_config_err(struct nbfwd_config_ctx *c, unsigned int line, const char *sec,
		const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nbfwd_config_verr(c, line, sec, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error about a key = value line (or an option). */
static int __rte_format_printf(3, 4)
nbfwd_config_bad(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nbfwd_config_verr(c, e->line, c->opt != NULL ? NULL : c->secs[e->sec].name, e->key,
			fmt, ap);
	va_end(ap);
	return -1;
}

/* Reader: the file. */

static const char *
nbfwd_config_file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

static int
nbfwd_config_check_stat(struct nbfwd_config_ctx *c, const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return nbfwd_config_err(c, 0, NULL, NULL,
				"cannot load: %s (expected a regular file)", strerror(EISDIR));
	if (!S_ISREG(st->st_mode))
		return nbfwd_config_err(c, 0, NULL, NULL,
				"cannot load: %s (expected a regular file)",
				nbfwd_config_file_kind(st->st_mode));
	if (st->st_size > (off_t)NBFWD_CONFIG_FILE_MAX)
		return nbfwd_config_err(c, 0, NULL, NULL,
				"file too large: expected at most %u bytes, got %jd",
				NBFWD_CONFIG_FILE_MAX, (intmax_t)st->st_size);
	return 0;
}

/* Read the whole file into c->text (NUL-terminated). */
static int
nbfwd_config_read(struct nbfwd_config_ctx *c)
{
	struct stat st;
	size_t cap;
	ssize_t n;
	int fd;

	/* stat() first: open() would block on a FIFO */
	if (stat(c->path, &st) != 0)
		return nbfwd_config_err(c, 0, NULL, NULL, "cannot load: %s", strerror(errno));
	if (nbfwd_config_check_stat(c, &st) != 0)
		return -1;
	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return nbfwd_config_err(c, 0, NULL, NULL, "cannot load: %s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		nbfwd_config_err(c, 0, NULL, NULL, "cannot load: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* again: the path may name another file now */
	if (nbfwd_config_check_stat(c, &st) != 0) {
		close(fd);
		return -1;
	}
	/*
	 * Room for the size stat() gave, the byte that tells a file grown since
	 * and the NUL; a file that did grow gets the whole limit, so that what is
	 * read is the same as with one buffer of NBFWD_CONFIG_FILE_MAX + 2 bytes.
	 */
	cap = (size_t)st.st_size + 2;
	c->text = malloc(cap);
	if (c->text == NULL) {
		close(fd);
		return nbfwd_config_err(c, 0, NULL, NULL, "cannot load: %s", strerror(ENOMEM));
	}
	c->len = 0;
	do {
		if (c->len == cap - 1 && cap < NBFWD_CONFIG_FILE_MAX + 2) {
			char *t = realloc(c->text, NBFWD_CONFIG_FILE_MAX + 2);

			if (t == NULL) {
				close(fd);
				return nbfwd_config_err(c, 0, NULL, NULL, "cannot load: %s",
						strerror(ENOMEM));
			}
			c->text = t;
			cap = NBFWD_CONFIG_FILE_MAX + 2;
		}
		n = read(fd, c->text + c->len, cap - 1 - c->len);
		if (n > 0)
			c->len += (size_t)n;
	} while ((n > 0 || (n < 0 && errno == EINTR)) && c->len <= NBFWD_CONFIG_FILE_MAX);
	if (n < 0) {
		nbfwd_config_err(c, 0, NULL, NULL, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (c->len > NBFWD_CONFIG_FILE_MAX)
		return nbfwd_config_err(c, 0, NULL, NULL,
				"file too large: expected at most %u bytes", NBFWD_CONFIG_FILE_MAX);
	c->text[c->len] = '\0';
	return 0;
}

/* Reader: bytes. */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
nbfwd_config_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		v = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
			(v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Every byte of a line: printable UTF-8 or a tab. */
static int
nbfwd_config_check_bytes(struct nbfwd_config_ctx *c, unsigned int line, const char *s,
		size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = nbfwd_config_utf8_len(u + i, len - i, &cp);
		if (n == 0)
			return nbfwd_config_err(c, line, NULL, NULL,
					"invalid UTF-8 byte 0x%02x at column %zu: expected UTF-8 text",
					u[i], i + 1);
		if (cp == 0)
			return nbfwd_config_err(c, line, NULL, NULL,
					"NUL byte at column %zu: expected text", i + 1);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return nbfwd_config_err(c, line, NULL, NULL,
					"control character U+%04X at column %zu: expected printable text",
					(unsigned int)cp, i + 1);
		if (cp == 0xfeff && line == 1 && i == 0)
			return nbfwd_config_err(c, line, NULL, NULL,
					"byte order mark at column 1: expected UTF-8 without BOM");
		i += n;
	}
	return 0;
}

/* Reader: lines. */

static bool
nbfwd_config_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trim blanks in place; returns the new start. */
static char *
nbfwd_config_trim(char *s, char *end)
{
	while (s < end && nbfwd_config_blank(*s))
		s++;
	while (end > s && nbfwd_config_blank(end[-1]))
		end--;
	*end = '\0';
	return s;
}

static const struct nbfwd_config_kind *
nbfwd_config_find_kind(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbfwd_config_kinds); i++)
		if (strlen(nbfwd_config_kinds[i].name) == len &&
				strncmp(nbfwd_config_kinds[i].name, name, len) == 0)
			return &nbfwd_config_kinds[i];
	return NULL;
}

/* Kind and argument of a section ("port net_null0": port, "net_null0"). */
static void
nbfwd_config_split_section(struct nbfwd_config_sec *s)
{
	size_t len = strcspn(s->name, " \t");
	const struct nbfwd_config_kind *kind = nbfwd_config_find_kind(s->name, len);

	s->kind = kind != NULL ? (int)(kind - nbfwd_config_kinds) : -1;
	for (s->arg = s->name + len; nbfwd_config_blank(*s->arg); s->arg++)
		;
}

static int
nbfwd_config_add_section(struct nbfwd_config_ctx *c, unsigned int line, char *s)
{
	char *close = strchr(s, ']');
	char *after, *name, *bad;
	unsigned int i;

	if (close == NULL)
		return nbfwd_config_err(c, line, NULL, NULL,
				"section header has no ']': expected [NAME], got \"%s\"", s);
	for (after = close + 1; nbfwd_config_blank(*after); after++)
		;
	if (*after != '\0' && *after != ';' && *after != '#')
		return nbfwd_config_err(c, line, NULL, NULL,
				"text after ']': expected nothing or a comment, got \"%s\"", s);
	/* rte_cfgfile cut the line at a ';': refused, not read another way */
	bad = strpbrk(s + 1, ";[");
	if (bad != NULL && bad < close)
		return nbfwd_config_err(c, line, NULL, NULL,
				"bad section header: expected [NAME] without ';' or '[' in NAME, got \"%s\"",
				s);
	name = nbfwd_config_trim(s + 1, close);
	if (*name == '\0')
		return nbfwd_config_err(c, line, NULL, NULL,
				"empty section name: expected [NAME], got \"%s]\"", s);
	if (strlen(name) > NBFWD_CONFIG_NAME_MAX)
		return nbfwd_config_err(c, line, NULL, NULL,
				"section name too long: expected at most %d bytes, got %zu",
				NBFWD_CONFIG_NAME_MAX, strlen(name));
	for (i = 0; i < c->n_secs; i++)
		if (strcmp(c->secs[i].name, name) == 0)
			return nbfwd_config_err(c, line, name, NULL,
					"duplicate section (first at line %u)", c->secs[i].line);
	if (c->n_secs == NBFWD_CONFIG_SECTIONS_MAX)
		return nbfwd_config_err(c, line, name, NULL,
				"too many sections: expected at most %u",
				NBFWD_CONFIG_SECTIONS_MAX);
	c->secs[c->n_secs].line = line;
	c->secs[c->n_secs].name = name;
	nbfwd_config_split_section(&c->secs[c->n_secs]);
	c->n_secs++;
	return 0;
}

static int
nbfwd_config_check_key(struct nbfwd_config_ctx *c, unsigned int line, const char *sec,
		const char *key, const char *value)
{
	unsigned int i;

	if (strlen(key) > NBFWD_CONFIG_NAME_MAX)
		return nbfwd_config_err(c, line, sec, key,
				"key too long: expected at most %d bytes, got %zu",
				NBFWD_CONFIG_NAME_MAX, strlen(key));
	if (*value == '\0')
		return nbfwd_config_err(c, line, sec, key,
				"empty value: expected key = value");
	if (strlen(value) > NBFWD_CONFIG_VALUE_MAX)
		return nbfwd_config_err(c, line, sec, key,
				"value too long: expected at most %d bytes, got %zu",
				NBFWD_CONFIG_VALUE_MAX, strlen(value));
	if (strchr(value, ';') != NULL)
		return nbfwd_config_err(c, line, sec, key,
				"expected a value without ';' (inline comments are not supported), got \"%s\"",
				value);
	for (i = c->n_ents; i > 0 && c->ents[i - 1].sec == c->n_secs - 1; i--)
		if (strcmp(c->ents[i - 1].key, key) == 0)
			return nbfwd_config_err(c, line, sec, key,
					"duplicate key (first at line %u)", c->ents[i - 1].line);
	return 0;
}

static int
nbfwd_config_add_key(struct nbfwd_config_ctx *c, unsigned int line, char *s)
{
	char *eq = strchr(s, '=');
	const char *sec;
	char *key, *value;

	if (eq == NULL)
		return nbfwd_config_err(c, line, NULL, NULL,
				"line has no '=': expected key = value, got \"%s\"", s);
	if (c->n_secs == 0)
		return nbfwd_config_err(c, line, NULL, NULL,
				"key before any section: expected a [section] line first, got \"%s\"",
				s);
	sec = c->secs[c->n_secs - 1].name;
	if (memchr(s, ';', (size_t)(eq - s)) != NULL)
		return nbfwd_config_err(c, line, sec, NULL,
				"';' in a key: expected key = value, got \"%s\"", s);
	if (eq == s)
		return nbfwd_config_err(c, line, sec, NULL,
				"empty key: expected key = value, got \"%s\"", s);
	key = nbfwd_config_trim(s, eq);
	value = nbfwd_config_trim(eq + 1, eq + 1 + strlen(eq + 1));
	if (nbfwd_config_check_key(c, line, sec, key, value) != 0)
		return -1;
	if (c->n_ents == NBFWD_CONFIG_KEYS_MAX)
		return nbfwd_config_err(c, line, sec, key,
				"too many keys: expected at most %u in a file",
				NBFWD_CONFIG_KEYS_MAX);
	if (c->n_ents == c->ents_cap) {
		unsigned int cap = RTE_MIN(c->ents_cap * 4 + 64,
				(unsigned int)NBFWD_CONFIG_KEYS_MAX);
		struct nbfwd_config_ent *e = realloc(c->ents, cap * sizeof(*e));

		if (e == NULL)
			return nbfwd_config_err(c, line, sec, key, "cannot load: %s",
					strerror(ENOMEM));
		c->ents = e;
		c->ents_cap = cap;
	}
	c->ents[c->n_ents].line = line;
	c->ents[c->n_ents].sec = c->n_secs - 1;
	c->ents[c->n_ents].key = key;
	c->ents[c->n_ents].value = value;
	c->n_ents++;
	return 0;
}

/* One line, NUL-terminated, without its end of line. */
static int
nbfwd_config_check_line(struct nbfwd_config_ctx *c, unsigned int line, char *s)
{
	while (nbfwd_config_blank(*s))
		s++;
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	/* trailing blanks out, so that "got" shows the text */
	nbfwd_config_trim(s, s + strlen(s));
	if (*s == '[')
		return nbfwd_config_add_section(c, line, s);
	return nbfwd_config_add_key(c, line, s);
}

static bool nbfwd_config_name_ok(const char *s, size_t max, const char *extra);

/*
 * An over-long line: the error names the section it is in and, for a
 * key = value line, its key (when the key alone is a plausible name: what is
 * printed must be printable), so that the line can be found without a count.
 */
static int
nbfwd_config_line_too_long(struct nbfwd_config_ctx *c, unsigned int line, const char *s,
		size_t len)
{
	const char *end = s + len, *sec = NULL, *eq;
	char key[NBFWD_CONFIG_NAME_MAX + 1], *k = NULL;

	while (s < end && nbfwd_config_blank(*s))
		s++;
	if (s < end && *s != '[' && c->n_secs > 0)
		sec = c->secs[c->n_secs - 1].name;
	eq = memchr(s, '=', (size_t)(end - s));
	if (sec != NULL && *s != ';' && *s != '#' && eq != NULL &&
			(size_t)(eq - s) < sizeof(key)) {
		memcpy(key, s, (size_t)(eq - s));
		k = nbfwd_config_trim(key, key + (eq - s));
		if (!nbfwd_config_name_ok(k, NBFWD_CONFIG_NAME_MAX, ""))
			k = NULL;
	}
	return nbfwd_config_err(c, line, sec, k,
			"line too long: expected at most %d bytes, got %zu",
			NBFWD_CONFIG_LINE_MAX, len);
}

static int
nbfwd_config_read_lines(struct nbfwd_config_ctx *c)
{
	char *p = c->text, *end = c->text + c->len;
	unsigned int line = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl != NULL ? nl : end;
		size_t len = (size_t)(eol - p);

		line++;
		if (len > NBFWD_CONFIG_LINE_MAX)
			return nbfwd_config_line_too_long(c, line, p, len);
		/* a CRLF end of line is fine */
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (nbfwd_config_check_bytes(c, line, p, len) != 0)
			return -1;
		p[len] = '\0';
		if (nbfwd_config_check_line(c, line, p) != 0)
			return -1;
		p = eol + 1;
	}
	return 0;
}

/* Schema: names. */

static bool
nbfwd_config_name_ok(const char *s, size_t max, const char *extra)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				(ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-' ||
				(ch != '\0' && strchr(extra, ch) != NULL)))
			return false;
	}
	return true;
}

static bool
nbfwd_config_region_name_ok(const char *s)
{
	return nbfwd_config_name_ok(s, NBFWD_CONFIG_REGION_NAME_MAX, "");
}

static bool
nbfwd_config_port_name_ok(const char *s)
{
	return nbfwd_config_name_ok(s, NBFWD_NAME_MAX - 1, ":");
}

/*
 * Index that section [KIND NAME] has in its list of cfg (regions, ports) once
 * the file is loaded, -1 if the file has no such section. Sections are opened
 * in the file's order, each taking the next slot of its list, or failing the
 * load: the index is the section's rank among those of its kind, known as
 * soon as the reader is done, so a section may name one further down.
 */
static int
nbfwd_config_ref(const struct nbfwd_config_ctx *c, enum nbfwd_config_sec_kind kind,
		const char *name)
{
	unsigned int sec;
	int rank = 0;

	for (sec = 0; sec < c->n_secs; sec++) {
		if (c->secs[sec].kind != (int)kind)
			continue;
		if (strcmp(c->secs[sec].arg, name) == 0)
			return rank;
		rank++;
	}
	return -1;
}

/* Line of a key in a section, 0 if absent. */
static unsigned int
nbfwd_config_key_line(const struct nbfwd_config_ctx *c, unsigned int sec, const char *key)
{
	unsigned int i;

	for (i = 0; i < c->n_ents; i++)
		if (c->ents[i].sec == sec && strcmp(c->ents[i].key, key) == 0)
			return c->ents[i].line;
	return 0;
}

/* Schema: sections. */

static int
nbfwd_config_open_main(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	RTE_SET_USED(sec);
	RTE_SET_USED(arg);
	*base = c->cfg;
	return 0;
}

/*
 * One more section of a list ([region], [port], [lcore], [consumer]): @p dup
 * is the index of the one of the same name (-1 if none), @p n of @p max are
 * taken, @p sec_of holds the sections of those.
 */
static int
nbfwd_config_check_slot(struct nbfwd_config_ctx *c, unsigned int sec,
		enum nbfwd_config_sec_kind kind, int dup, const unsigned int *sec_of,
		unsigned int n, unsigned int max)
{
	const struct nbfwd_config_sec *s = &c->secs[sec];

	if (dup >= 0)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"duplicate section (first at line %u)", c->secs[sec_of[dup]].line);
	if (n == max)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"too many [%s] sections: expected at most %u",
				nbfwd_config_kinds[kind].name, max);
	return 0;
}

/*
 * Fill the next slot of a list of named sections: zeroed, the defaults of its
 * kind, NAME (the first field of each such struct).
 */
static void *
nbfwd_config_new_slot(unsigned int sec, const char *name, void *slot, size_t size,
		enum nbfwd_config_sec_kind kind, unsigned int *sec_of, unsigned int *n)
{
	memset(slot, 0, size);
	nbfwd_config_apply_defaults(kind, slot);
	strcpy(slot, name);
	sec_of[(*n)++] = sec;
	return slot;
}

_Static_assert(offsetof(struct nbfwd_region_cfg, name) == 0, "region name not first");
_Static_assert(offsetof(struct nbfwd_port_cfg, name) == 0, "port name not first");
_Static_assert(offsetof(struct nbfwd_consumer_cfg, name) == 0, "consumer name not first");

static int
nbfwd_config_open_region(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];

	if (!nbfwd_config_region_name_ok(arg))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad region name: expected 1..%d characters from A-Z a-z 0-9 _ . -, "
				"got \"%s\"", NBFWD_CONFIG_REGION_NAME_MAX, arg);
	if (nbfwd_config_check_slot(c, sec, NBFWD_SEC_REGION,
			NBFWD_CONFIG_FIND(cfg->regions, cfg->n_regions, arg),
			c->region_sec, cfg->n_regions, NBFWD_MAX_REGIONS) != 0)
		return -1;
	*base = nbfwd_config_new_slot(sec, arg, &cfg->regions[cfg->n_regions],
			sizeof(cfg->regions[0]), NBFWD_SEC_REGION, c->region_sec, &cfg->n_regions);
	return 0;
}

static int
nbfwd_config_open_port(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];

	if (!nbfwd_config_port_name_ok(arg))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad port name: expected an ethdev name or PCI address "
				"(A-Z a-z 0-9 _ . : -), got \"%s\"", arg);
	if (nbfwd_config_check_slot(c, sec, NBFWD_SEC_PORT,
			NBFWD_CONFIG_FIND(cfg->ports, cfg->n_ports, arg),
			c->port_sec, cfg->n_ports, NBFWD_MAX_PORTS) != 0)
		return -1;
	*base = nbfwd_config_new_slot(sec, arg, &cfg->ports[cfg->n_ports],
			sizeof(cfg->ports[0]), NBFWD_SEC_PORT, c->port_sec, &cfg->n_ports);
	return 0;
}

static int
nbfwd_config_open_lcore(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];
	struct nbfwd_lcore_cfg *l;
	uint64_t id;
	unsigned int i;
	int rc;

	rc = nbfwd_config_parse_num(arg, 0, NBFWD_CONFIG_LCORE_ID_MAX, &id);
	if (rc != 0)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad lcore id: expected an integer in 0..%d, got \"%s\"%s",
				NBFWD_CONFIG_LCORE_ID_MAX, arg, rc > 0 ? " (out of range)" : "");
	for (i = 0; i < cfg->n_lcores && cfg->lcores[i].lcore_id != id; i++)
		;
	/* ids are unique and below NBFWD_MAX_LCORES: there is room */
	if (nbfwd_config_check_slot(c, sec, NBFWD_SEC_LCORE, i < cfg->n_lcores ? (int)i : -1,
			c->lcore_sec, cfg->n_lcores, NBFWD_MAX_LCORES) != 0)
		return -1;
	l = &cfg->lcores[cfg->n_lcores];
	memset(l, 0, sizeof(*l));
	l->lcore_id = (unsigned int)id;
	c->lcore_sec[cfg->n_lcores++] = sec;
	*base = l;
	return 0;
}

static int
nbfwd_config_open_consumer(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];

	if (!nbfwd_config_name_ok(arg, NBFWD_CONSUMER_NAME_MAX - 1, ""))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad consumer name: expected 1..%d characters from A-Z a-z 0-9 _ . -, "
				"got \"%s\"", NBFWD_CONSUMER_NAME_MAX - 1, arg);
	if (nbfwd_config_check_slot(c, sec, NBFWD_SEC_CONSUMER,
			NBFWD_CONFIG_FIND(cfg->consumers, cfg->n_consumers, arg),
			c->consumer_sec, cfg->n_consumers, NBFWD_MAX_CONSUMERS) != 0)
		return -1;
	*base = nbfwd_config_new_slot(sec, arg, &cfg->consumers[cfg->n_consumers],
			sizeof(cfg->consumers[0]), NBFWD_SEC_CONSUMER, c->consumer_sec,
			&cfg->n_consumers);
	return 0;
}

/* Schema: values. */

/* "a, b, c": the names a choice takes. */
static void
nbfwd_config_choices(const struct nbfwd_config_key *k, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; k->choices[i] != NULL && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "",
				k->choices[i]);
}

static int
nbfwd_config_set_uint(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v;
	int rc = nbfwd_config_parse_num(value, k->min, k->max, &v);

	if (rc != 0)
		return nbfwd_config_bad(c, e,
				"expected an integer in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	nbfwd_config_store(field, k->size, v);
	return 0;
}

static int
nbfwd_config_set_numa(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v;
	int rc;

	if (strcmp(value, "-1") == 0) {
		*(int *)field = -1;
		return 0;
	}
	rc = nbfwd_config_parse_num(value, k->min, k->max, &v);
	if (rc != 0)
		return nbfwd_config_bad(c, e,
				"expected -1 or an integer in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	*(int *)field = (int)v;
	return 0;
}

static int
nbfwd_config_set_page_size(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	uint64_t v;

	if (nbfwd_config_parse_page_size(value, &v) != 0)
		return nbfwd_config_bad(c, e,
				"expected 2M or 1G (or 2048K, 1024M, a byte count), got \"%s\"",
				value);
	*(uint64_t *)field = v;
	return 0;
}

static int
nbfwd_config_set_path(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	/* only an option can be empty: the reader refuses empty values */
	if (value[0] == '\0')
		return nbfwd_config_bad(c, e, "expected a file name, got \"\"");
	if (strlen(value) >= k->size)
		return nbfwd_config_bad(c, e,
				"expected a path shorter than %zu bytes, got \"%s\"",
				k->size, value);
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

/* A [region] or [port] section's name, stored as its index. */
static int
nbfwd_config_set_ref(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	const char *kind = nbfwd_config_kinds[k->ref].name;
	int i = nbfwd_config_ref(c, k->ref, value);

	if (i < 0)
		return nbfwd_config_bad(c, e, "expected the name of a [%s] section of this "
				"file, got \"%s\" (no [%s %s])", kind, value, kind, value);
	nbfwd_config_store(field, k->size, (uint64_t)i);
	return 0;
}

/* One item of rx: PORT:QUEUE (a PCI address holds ':' too: the last one counts). */
static int
nbfwd_config_parse_rxq_item(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		char *item, struct nbfwd_rxq_cfg *q)
{
	char *colon = strrchr(item, ':');
	uint64_t v;
	int rc, port;

	if (*item == '\0')
		return nbfwd_config_bad(c, e,
				"expected PORT:QUEUE[, PORT:QUEUE ...], got an empty item in \"%s\"",
				e->value);
	if (colon == NULL)
		return nbfwd_config_bad(c, e,
				"expected PORT:QUEUE[, PORT:QUEUE ...], got \"%s\"", item);
	*colon = '\0';
	if (!nbfwd_config_port_name_ok(item)) {
		*colon = ':';
		return nbfwd_config_bad(c, e,
				"expected PORT:QUEUE with PORT a port name, got \"%s\"", item);
	}
	rc = nbfwd_config_parse_num(colon + 1, 0, NBFWD_CONFIG_QUEUES_MAX - 1, &v);
	if (rc != 0) {
		*colon = ':';
		return nbfwd_config_bad(c, e,
				"expected PORT:QUEUE with QUEUE an integer in 0..%d, got \"%s\"%s",
				NBFWD_CONFIG_QUEUES_MAX - 1, item, rc > 0 ? " (out of range)" : "");
	}
	port = nbfwd_config_ref(c, NBFWD_SEC_PORT, item);
	if (port < 0)
		return nbfwd_config_bad(c, e,
				"expected PORT to name a [port] section of this file, got \"%s:%s\" "
				"(no [port %s])", item, colon + 1, item);
	q->port = (uint16_t)port;
	q->queue = (uint16_t)v;
	return 0;
}

static int
nbfwd_config_set_rxq(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		struct nbfwd_lcore_cfg *l, const char *value)
{
	const char *p = value;

	l->n_rxq = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		char buf[NBFWD_CONFIG_VALUE_MAX + 1];
		char *item;

		if (l->n_rxq == NBFWD_MAX_LCORE_RXQ)
			return nbfwd_config_bad(c, e,
					"too many rx queues: expected at most %d",
					NBFWD_MAX_LCORE_RXQ);
		memcpy(buf, p, len);
		item = nbfwd_config_trim(buf, buf + len);
		if (nbfwd_config_parse_rxq_item(c, e, item, &l->rxq[l->n_rxq]) != 0)
			return -1;
		l->n_rxq++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static unsigned int
nbfwd_config_hex(char ch)
{
	return isdigit((unsigned char)ch) ? (unsigned int)(ch - '0') :
		(unsigned int)(tolower((unsigned char)ch) - 'a' + 10);
}

/*
 * Exactly six fields of two hex digits separated by ':' (sscanf's %x would
 * also take signs, blanks and "0x").
 */
static int
nbfwd_config_parse_mac(const char *value, unsigned int b[6])
{
	unsigned int i;

	if (strlen(value) != 17)
		return -1;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? value[i] != ':' : !isxdigit((unsigned char)value[i]))
			return -1;
	}
	for (i = 0; i < 6; i++)
		b[i] = nbfwd_config_hex(value[3 * i]) << 4 | nbfwd_config_hex(value[3 * i + 1]);
	return 0;
}

static int
nbfwd_config_set_mac(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	unsigned int b[6], i;
	uint8_t *mac = field;

	if (nbfwd_config_parse_mac(value, b) != 0)
		return nbfwd_config_bad(c, e,
				"expected a MAC address xx:xx:xx:xx:xx:xx, got \"%s\"", value);
	if (b[0] & 1)
		return nbfwd_config_bad(c, e,
				"expected a unicast MAC address, got the group address \"%s\"",
				value);
	if ((b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) == 0)
		return nbfwd_config_bad(c, e,
				"expected a MAC address other than 00:00:00:00:00:00");
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int
nbfwd_config_set_choice(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	char known[128];
	int i;

	for (i = 0; k->choices[i] != NULL; i++) {
		if (strcmp(value, k->choices[i]) == 0) {
			*(int *)field = i;
			return 0;
		}
	}
	nbfwd_config_choices(k, known, sizeof(known));
	return nbfwd_config_bad(c, e, "expected one of %s, got \"%s\"", known, value);
}

static int
nbfwd_config_set_pow2(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v;
	int rc = nbfwd_config_parse_num(value, k->min, k->max, &v);

	if (rc != 0 || (v & (v - 1)) != 0)
		return nbfwd_config_bad(c, e,
				"expected a power of two in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	nbfwd_config_store(field, k->size, v);
	return 0;
}

/* Octal digits only (a leading 0 is allowed, not required): file mode bits. */
static int
nbfwd_config_set_octal(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v = 0;
	const char *p;

	for (p = value; *p >= '0' && *p <= '7' && v <= k->max; p++)
		v = v * 8 + (uint64_t)(*p - '0');
	if (*p != '\0' || p == value || v < k->min || v > k->max)
		return nbfwd_config_bad(c, e,
				"expected an octal mode in 0%" PRIo64 "..0%" PRIo64 " (like 0660), "
				"got \"%s\"", k->min, k->max, value);
	nbfwd_config_store(field, k->size, v);
	return 0;
}

/*
 * A user (@p group false) or group: a number (0..4294967294), or a name the
 * system knows (getpwnam_r / getgrnam_r, when the file is loaded).
 * @return 0, -1 when not a number or a name, 1 when a name nobody knows.
 */
static int
nbfwd_config_parse_id(const char *s, bool group, uint32_t *out)
{
	char buf[16384];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	uint64_t v;

	if (nbfwd_config_parse_num(s, 0, UINT32_MAX - 1, &v) == 0) {
		*out = (uint32_t)v;
		return 0;
	}
	if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9') || !nbfwd_config_name_ok(s, 32, ""))
		return -1;
	if (group) {
		if (getgrnam_r(s, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL)
			return 1;
		*out = (uint32_t)grp->gr_gid;
	} else {
		if (getpwnam_r(s, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL)
			return 1;
		*out = (uint32_t)pwp->pw_uid;
	}
	return 0;
}

static int
nbfwd_config_bad_id(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		bool group, bool list, const char *item, int rc)
{
	const char *what = group ? "group" : "user";

	return nbfwd_config_bad(c, e,
			"expected %s%s name%s or number%s (0..4294967294), got \"%s\"%s",
			list ? "a comma-separated list of " : "a ", what, list ? "s" : "",
			list ? "s" : "", item, rc > 0 ? group ? " (no such group)" :
			" (no such user)" : "");
}

static int
nbfwd_config_set_group(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	uint32_t id;
	int rc = nbfwd_config_parse_id(value, true, &id);

	if (rc != 0)
		return nbfwd_config_bad_id(c, e, true, false, value, rc);
	*(int64_t *)field = id;
	return 0;
}

static int
nbfwd_config_set_ids(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	struct nbfwd_id_list *l = field;
	bool group = k->type == NBFWD_CONFIG_GROUPS;
	const char *p = value;
	char buf[NBFWD_CONFIG_VALUE_MAX + 1];
	char *item;
	int rc;

	l->n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (l->n == NBFWD_MAX_IDS)
			return nbfwd_config_bad(c, e,
					"too many %ss: expected at most %d", group ? "group" : "user",
					NBFWD_MAX_IDS);
		memcpy(buf, p, len);
		buf[len] = '\0';
		item = nbfwd_config_trim(buf, buf + len);
		rc = nbfwd_config_parse_id(item, group, &l->id[l->n]);
		if (rc != 0)
			return nbfwd_config_bad_id(c, e, group, true, item, rc);
		l->n++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
nbfwd_config_set(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *base, const char *value)
{
	void *field = (char *)base + k->offset;

	switch (k->type) {
	case NBFWD_CONFIG_UINT:
		return nbfwd_config_set_uint(c, e, k, field, value);
	case NBFWD_CONFIG_NUMA:
		return nbfwd_config_set_numa(c, e, k, field, value);
	case NBFWD_CONFIG_PAGE_SIZE:
		return nbfwd_config_set_page_size(c, e, field, value);
	case NBFWD_CONFIG_PATH:
		return nbfwd_config_set_path(c, e, k, field, value);
	case NBFWD_CONFIG_REF:
		return nbfwd_config_set_ref(c, e, k, field, value);
	case NBFWD_CONFIG_RXQ:
		return nbfwd_config_set_rxq(c, e, base, value);
	case NBFWD_CONFIG_MAC:
		return nbfwd_config_set_mac(c, e, field, value);
	case NBFWD_CONFIG_CHOICE:
		return nbfwd_config_set_choice(c, e, k, field, value);
	case NBFWD_CONFIG_POW2:
		return nbfwd_config_set_pow2(c, e, k, field, value);
	case NBFWD_CONFIG_USERS:
	case NBFWD_CONFIG_GROUPS:
		return nbfwd_config_set_ids(c, e, k, field, value);
	case NBFWD_CONFIG_GROUP:
		return nbfwd_config_set_group(c, e, field, value);
	case NBFWD_CONFIG_OCTAL:
		return nbfwd_config_set_octal(c, e, k, field, value);
	}
	return -1;
}

/* Schema: one section and its keys. */

static const struct nbfwd_config_key *
nbfwd_config_find_key(enum nbfwd_config_sec_kind sec, const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbfwd_config_schema); i++)
		if (nbfwd_config_schema[i].sec == sec &&
				strcmp(nbfwd_config_schema[i].name, name) == 0)
			return &nbfwd_config_schema[i];
	return NULL;
}

static int
nbfwd_config_unknown_key(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		enum nbfwd_config_sec_kind sec)
{
	char known[512] = "";
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbfwd_config_schema) && off < sizeof(known); i++)
		if (nbfwd_config_schema[i].sec == sec)
			off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s",
					off > 0 ? ", " : "", nbfwd_config_schema[i].name);
	return nbfwd_config_bad(c, e, "unknown key (known: %s)", known);
}

static int
nbfwd_config_unknown_section(struct nbfwd_config_ctx *c, const struct nbfwd_config_sec *s)
{
	char known[256] = "";
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(nbfwd_config_kinds) && off < sizeof(known); i++) {
		const struct nbfwd_config_kind *k = &nbfwd_config_kinds[i];

		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s[%s%s%s]",
				i > 0 ? ", " : "", k->name, k->arg != NULL ? " " : "",
				k->arg != NULL ? k->arg : "");
	}
	return nbfwd_config_err(c, s->line, s->name, NULL, "unknown section (known: %s)",
			known);
}

/* The kind of a section and its argument ("region r0" -> region, "r0"). */
static const struct nbfwd_config_kind *
nbfwd_config_section_kind(struct nbfwd_config_ctx *c, unsigned int sec, const char **arg)
{
	const struct nbfwd_config_sec *s = &c->secs[sec];
	const struct nbfwd_config_kind *kind = s->kind >= 0 ? &nbfwd_config_kinds[s->kind] : NULL;
	const char *a = s->arg;

	if (kind == NULL) {
		nbfwd_config_unknown_section(c, s);
		return NULL;
	}
	if (kind->arg == NULL && *a != '\0') {
		nbfwd_config_err(c, s->line, s->name, NULL,
				"expected [%s] with nothing after the name, got [%s]",
				kind->name, s->name);
		return NULL;
	}
	if (kind->arg != NULL && *a == '\0') {
		nbfwd_config_err(c, s->line, s->name, NULL,
				"missing %s: expected [%s %s], got [%s]",
				kind->arg, kind->name, kind->arg, s->name);
		return NULL;
	}
	*arg = a;
	return kind;
}

static int
nbfwd_config_section(struct nbfwd_config_ctx *c, unsigned int sec)
{
	const struct nbfwd_config_kind *kind;
	const struct nbfwd_config_key *k;
	enum nbfwd_config_sec_kind id;
	const char *arg = NULL;
	uint64_t seen = 0;
	void *base;
	unsigned int i;

	kind = nbfwd_config_section_kind(c, sec, &arg);
	if (kind == NULL || kind->open(c, sec, arg, &base) != 0)
		return -1;
	id = (enum nbfwd_config_sec_kind)(kind - nbfwd_config_kinds);
	for (i = 0; i < c->n_ents; i++) {
		const struct nbfwd_config_ent *e = &c->ents[i];

		if (e->sec != sec)
			continue;
		k = nbfwd_config_find_key(id, e->key);
		if (k == NULL)
			return nbfwd_config_unknown_key(c, e, id);
		if (nbfwd_config_set(c, e, k, base, e->value) != 0)
			return -1;
		c->cfg->set |= k->set;
		seen |= 1ull << (k - nbfwd_config_schema);
	}
	for (i = 0; i < RTE_DIM(nbfwd_config_schema); i++) {
		k = &nbfwd_config_schema[i];
		if (k->sec == id && k->required && (seen & (1ull << i)) == 0)
			return nbfwd_config_err(c, 0, c->secs[sec].name, k->name,
					"required key missing");
	}
	return 0;
}

/* Schema: references between sections. */

static int
nbfwd_config_check_rxq(struct nbfwd_config_ctx *c, unsigned int li, unsigned int qi)
{
	const struct nbfwd_rxq_cfg *q = &c->cfg->lcores[li].rxq[qi];
	unsigned int sec = c->lcore_sec[li];
	unsigned int line = nbfwd_config_key_line(c, sec, "rx");
	const char *name = c->secs[sec].name;
	const struct nbfwd_port_cfg *p = &c->cfg->ports[q->port];
	unsigned int prev;

	if (p->queues != 0 && q->queue >= p->queues)
		return nbfwd_config_err(c, line, name, "rx",
				"expected a queue of %s in 0..%u (queues = %u), got \"%s:%u\" "
				"(out of range)", p->name, p->queues - 1u, p->queues, p->name,
				q->queue);
	prev = c->owner[q->port][q->queue];
	if (prev != NBFWD_CONFIG_NONE)
		return nbfwd_config_err(c, line, name, "rx",
				"%s:%u polled twice: expected each rx queue polled by one lcore, "
				"already polled by [%s] (line %u)", p->name, q->queue,
				c->secs[c->lcore_sec[prev]].name,
				nbfwd_config_key_line(c, c->lcore_sec[prev], "rx"));
	c->owner[q->port][q->queue] = (uint16_t)li;
	return 0;
}

static int
nbfwd_config_check_consumer(struct nbfwd_config_ctx *c, unsigned int i)
{
	const struct nbfwd_consumer_cfg *k = &c->cfg->consumers[i];
	unsigned int sec = c->consumer_sec[i];
	const char *name = c->secs[sec].name;
	unsigned int j;

	if (!nbfwd_config_port_name_ok(k->port))
		return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "port"), name, "port",
				"expected an ethdev name or PCI address (A-Z a-z 0-9 _ . : -), "
				"got \"%s\"", k->port);
	if (c->cfg->n_ports != 0 &&
			NBFWD_CONFIG_FIND(c->cfg->ports, c->cfg->n_ports, k->port) < 0)
		return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "port"), name, "port",
				"expected the name of a [port] section of this file, got \"%s\" "
				"(no [port %s])", k->port, k->port);
	if ((uint32_t)k->buffer_size + 128u > UINT16_MAX)
		return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "buffer_size"), name,
				"buffer_size", "too large");
	for (j = 0; j < i; j++) {
		const struct nbfwd_consumer_cfg *o = &c->cfg->consumers[j];

		if (strcmp(o->port, k->port) == 0 && memcmp(o->mac, k->mac, 6) == 0 &&
				o->vlan == k->vlan)
			return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "mac"), name,
					"mac", "same port, MAC and VLAN filter as [%s] (line %u): "
					"expected each filter to name one consumer",
					c->secs[c->consumer_sec[j]].name,
					c->secs[c->consumer_sec[j]].line);
	}
	return 0;
}

static int
nbfwd_config_check_refs(struct nbfwd_config_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < c->cfg->n_lcores; i++)
		for (j = 0; j < c->cfg->lcores[i].n_rxq; j++)
			if (nbfwd_config_check_rxq(c, i, j) != 0)
				return -1;
	for (i = 0; i < c->cfg->n_consumers; i++)
		if (nbfwd_config_check_consumer(c, i) != 0)
			return -1;
	if (c->cfg->n_regions > c->cfg->max_regions) {
		unsigned int sec;

		for (sec = 0; sec < c->n_secs; sec++)
			if (strcmp(c->secs[sec].name, "nbfwd") == 0)
				break;
		return nbfwd_config_err(c, sec < c->n_secs ?
				nbfwd_config_key_line(c, sec, "max_regions") : 0, "nbfwd",
				"max_regions", "expected at least %u (one per [region] section), "
				"got %u", c->cfg->n_regions, c->cfg->max_regions);
	}
	return 0;
}

/* The loader. */

static int
nbfwd_config_load_ctx(struct nbfwd_config_ctx *c)
{
	unsigned int sec;

	if (nbfwd_config_read(c) != 0 || nbfwd_config_read_lines(c) != 0)
		return -1;
	for (sec = 0; sec < c->n_secs; sec++)
		if (nbfwd_config_section(c, sec) != 0)
			return -1;
	return nbfwd_config_check_refs(c);
}

int
nbfwd_config_load(const char *path, struct nbfwd_config *cfg, char *err, size_t errlen)
{
	struct nbfwd_config_ctx *c;
	int rc;

	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if (path == NULL || cfg == NULL || path[0] == '\0' || strlen(path) >= PATH_MAX) {
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "%s: cannot load: %s", path != NULL ? path : "(null)",
					cfg == NULL ? "no configuration to fill" :
					path == NULL || path[0] == '\0' ? "empty path" :
					strerror(ENAMETOOLONG));
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "%s: cannot load: %s", path, strerror(ENOMEM));
		return -1;
	}
	c->path = path;
	c->err = err;
	c->errlen = errlen;
	memset(c->owner, 0xff, sizeof(c->owner));	/* NBFWD_CONFIG_NONE */
	c->work = *cfg;
	c->cfg = &c->work;
	/* the file describes all regions, ports and lcores */
	c->cfg->n_regions = 0;
	c->cfg->n_ports = 0;
	c->cfg->n_lcores = 0;
	strcpy(c->cfg->path, path);
	rc = nbfwd_config_load_ctx(c);
	if (rc == 0)
		*cfg = c->work;
	free(c->text);
	free(c->ents);
	free(c);
	return rc;
}

/* The command line: options that set keys of [nbfwd], [stats] (cfg itself). */

static const struct nbfwd_config_key *
nbfwd_config_option_key(unsigned int i)
{
	unsigned int k;

	for (k = 0; k < RTE_DIM(nbfwd_config_schema); k++)
		if (nbfwd_config_schema[k].opt != NULL && i-- == 0)
			return &nbfwd_config_schema[k];
	return NULL;
}

const char *
nbfwd_config_option(unsigned int i)
{
	const struct nbfwd_config_key *k = nbfwd_config_option_key(i);

	return k != NULL ? k->opt : NULL;
}

int
nbfwd_config_set_option(struct nbfwd_config *cfg, const char *opt, const char *value,
		char *err, size_t errlen)
{
	const struct nbfwd_config_key *k;
	struct nbfwd_config_ent e = { .key = opt, .value = value };
	struct nbfwd_config_ctx *c;
	unsigned int i;
	int rc;

	for (i = 0; (k = nbfwd_config_option_key(i)) != NULL; i++)
		if (strcmp(k->opt, opt) == 0)
			break;
	if (k == NULL) {
		snprintf(err, errlen, "unknown option --%s", opt);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "option --%s: %s", opt, strerror(ENOMEM));
		return -1;
	}
	c->opt = opt;
	c->err = err;
	c->errlen = errlen;
	c->cfg = cfg;
	rc = nbfwd_config_set(c, &e, k, cfg, value);
	if (rc == 0)
		cfg->set |= k->set;
	free(c);
	return rc;
}

/* README's tables and --help: the schema in words. */

/* What a key takes: "1..512", "io, macswap, l2fwd, vmq", "path". */
static void
nbfwd_config_key_what(const struct nbfwd_config_key *k, char *buf, size_t len)
{
	char names[128];
	int n;

	switch (k->type) {
	case NBFWD_CONFIG_UINT:
		n = snprintf(buf, len, "%" PRIu64 "..%" PRIu64, k->min, k->max);
		break;
	case NBFWD_CONFIG_POW2:
		n = snprintf(buf, len, "power of two %" PRIu64 "..%" PRIu64, k->min, k->max);
		break;
	case NBFWD_CONFIG_NUMA:
		n = snprintf(buf, len, "-1..%" PRIu64, k->max);
		break;
	case NBFWD_CONFIG_OCTAL:
		n = snprintf(buf, len, "octal %" PRIo64 "..0%" PRIo64, k->min, k->max);
		break;
	case NBFWD_CONFIG_CHOICE:
		nbfwd_config_choices(k, names, sizeof(names));
		n = snprintf(buf, len, "%s", names);
		break;
	case NBFWD_CONFIG_PAGE_SIZE:
		n = snprintf(buf, len, "2M or 1G");
		break;
	case NBFWD_CONFIG_REF:
		n = snprintf(buf, len, "a `[%s]` name", nbfwd_config_kinds[k->ref].name);
		break;
	case NBFWD_CONFIG_RXQ:
		n = snprintf(buf, len, "`PORT:QUEUE[, PORT:QUEUE…]`");
		break;
	case NBFWD_CONFIG_MAC:
		n = snprintf(buf, len, "unicast MAC");
		break;
	case NBFWD_CONFIG_USERS:
	case NBFWD_CONFIG_GROUPS:
		n = snprintf(buf, len, "%s names or numbers, comma-separated (≤ %d)",
				k->type == NBFWD_CONFIG_USERS ? "user" : "group", NBFWD_MAX_IDS);
		break;
	case NBFWD_CONFIG_GROUP:
		n = snprintf(buf, len, "group name or number");
		break;
	default:
		n = snprintf(buf, len, "path");
		break;
	}
	if (k->what != NULL)
		n = snprintf(buf, len, "%s", k->what);
	if (k->required && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (required)");
}

/* A key's default in words: "32", "io", "2M", "automatic"; "" if required. */
static void
nbfwd_config_key_default(const struct nbfwd_config_key *k, char *buf, size_t len)
{
	if (k->def_text != NULL)
		snprintf(buf, len, "%s", k->def_text);
	else if (k->required)
		snprintf(buf, len, "%s", "");
	else if (k->type == NBFWD_CONFIG_CHOICE && k->def >= 0)
		snprintf(buf, len, "%s", k->choices[k->def]);
	else if (k->type == NBFWD_CONFIG_OCTAL)
		snprintf(buf, len, "0%" PRIo64, (uint64_t)k->def);
	else if (k->type == NBFWD_CONFIG_PAGE_SIZE)
		snprintf(buf, len, "%s", k->def == (1ll << 30) ? "1G" : "2M");
	else
		snprintf(buf, len, "%" PRId64, k->def);
}

/* One markdown table row: empty cells as "| |". */
static void
nbfwd_config_row(FILE *f, const char *const cells[], unsigned int n)
{
	unsigned int i;

	fputc('|', f);
	for (i = 0; i < n; i++)
		fprintf(f, cells[i][0] != '\0' ? " %s |" : "%s |", cells[i]);
	fputc('\n', f);
}

void
nbfwd_config_print_table(FILE *f, enum nbfwd_config_table table)
{
	static const char *const head[] = {
		"section", "key", "type / range", "default", "meaning",
	};
	char sec[NBFWD_CONFIG_NAME_MAX + 8], key[NBFWD_CONFIG_NAME_MAX + 8];
	char what[128], def[128];
	const char *cells[] = { sec, key, what, def, NULL };
	int last = -1;
	unsigned int i;

	nbfwd_config_row(f, head, RTE_DIM(head));
	fprintf(f, "|---|---|---|---|---|\n");
	for (i = 0; i < RTE_DIM(nbfwd_config_schema); i++) {
		const struct nbfwd_config_key *k = &nbfwd_config_schema[i];
		const struct nbfwd_config_kind *kind = &nbfwd_config_kinds[k->sec];

		if (k->table != table)
			continue;
		sec[0] = '\0';
		if ((int)k->sec != last)
			snprintf(sec, sizeof(sec), "`[%s%s%s]`", kind->name,
					kind->arg != NULL ? " " : "",
					kind->arg != NULL ? kind->arg : "");
		last = (int)k->sec;
		snprintf(key, sizeof(key), "`%s`", k->name);
		nbfwd_config_key_what(k, what, sizeof(what));
		nbfwd_config_key_default(k, def, sizeof(def));
		cells[4] = k->help;
		nbfwd_config_row(f, cells, RTE_DIM(cells));
	}
}

/* "  --burst N   TEXT", TEXT wrapped at 79 columns under itself. */
static void
nbfwd_config_wrap(FILE *f, const char *left, const char *text)
{
	int col = fprintf(f, "  %-22s", left);
	const char *p = text;

	while (*p != '\0') {
		int w = (int)strcspn(p, " ");

		if (col + 1 + w > 79 && col > 24) {
			fprintf(f, "\n%24s", "");
			col = 24;
		}
		col += fprintf(f, " %.*s", w, p);
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void
nbfwd_config_print_options(FILE *f)
{
	const struct nbfwd_config_key *k;
	char left[64], what[128], def[128], text[512];
	unsigned int i;

	for (i = 0; (k = nbfwd_config_option_key(i)) != NULL; i++) {
		snprintf(left, sizeof(left), "--%s %s", k->opt, k->opt_arg);
		nbfwd_config_key_what(k, what, sizeof(what));
		nbfwd_config_key_default(k, def, sizeof(def));
		if (k->type == NBFWD_CONFIG_PATH)
			snprintf(text, sizeof(text), "%s (default %s)", k->help, def);
		else
			snprintf(text, sizeof(text), "%s: %s (default %s)", k->help, what, def);
		nbfwd_config_wrap(f, left, text);
	}
}
