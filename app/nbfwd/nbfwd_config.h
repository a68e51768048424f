/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_CONFIG_H
#define NBFWD_CONFIG_H

/**
 * @file
 * nbfwd configuration: built-in defaults, the strict INI loader (one line-by-line
 * reader and a schema), and the values the command line may override. Nothing
 * here touches EAL: the loader runs before rte_eal_init().
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NBFWD_NAME_MAX 64		/**< region / port name, incl. NUL */
#define NBFWD_MAX_REGIONS 64		/**< regions in one file */
#define NBFWD_MAX_PORTS 32		/**< [port] sections in one file */
#define NBFWD_MAX_LCORES 128		/**< [lcore N] sections in one file */
#define NBFWD_MAX_LCORE_RXQ 64		/**< rx queues one lcore may poll */
#define NBFWD_MAX_CONSUMERS 32		/**< [consumer] sections in one file */
#define NBFWD_CONSUMER_NAME_MAX 32	/**< consumer name incl. NUL (wire limit) */
#define NBFWD_SOCKET_PATH_MAX 108	/**< sun_path */
#define NBFWD_MAX_IDS 16		/**< users or groups in one uid / gid list */
#define NBFWD_BURST_MAX 512		/**< [nbfwd] burst = 1..NBFWD_BURST_MAX */
#define NBFWD_CONFIG_NONE UINT16_MAX	/**< NONE: no index ([port] peer, region unset) */

/** A list of user or group ids ([consumer NAME] uid, gid). */
struct nbfwd_id_list {
	uint32_t n;
	uint32_t id[NBFWD_MAX_IDS];
};

/** Forwarding action. */
enum nbfwd_mode {
	NBFWD_MODE_IO = 0,	/**< forward untouched */
	NBFWD_MODE_MACSWAP,	/**< swap destination and source MAC */
	NBFWD_MODE_L2FWD,	/**< dst = 02:00:00:00:00:<dst port>, src = tx port MAC */
	NBFWD_MODE_VMQ,		/**< steer by destination MAC/VLAN to consumer queues */
	NBFWD_MODE_MAX,
};

/** Where a region's mbuf pools put things. */
enum nbfwd_pool_layout {
	NBFWD_POOL_HEAP = 0,	/**< whole mempools in the region (a DPDK heap): fast */
	NBFWD_POOL_EXTBUF,	/**< only data buffers in the region, headers outside */
	NBFWD_POOL_MAX,
};

/** [region NAME] */
struct nbfwd_region_cfg {
	char name[NBFWD_NAME_MAX];
	uint32_t pages;		/**< size in pages (required, >= 1) */
	uint64_t page_size;	/**< bytes: 2M (default) or 1G */
	int numa_node;		/**< NUMA node, -1 = node of the first port using it */
	int layout;		/**< enum nbfwd_pool_layout, -1 = [nbfwd] pool_layout */
};

/** [port NAME]: NAME is an ethdev name (net_null0) or a PCI address. */
struct nbfwd_port_cfg {
	char name[NBFWD_NAME_MAX];
	/** Region holding its pool: index in nbfwd_config.regions, NONE = automatic. */
	uint16_t region;
	/** Its tx port: index in nbfwd_config.ports, NONE = default pairing. */
	uint16_t peer;
	uint16_t queues;		/**< rx/tx queue pairs, 0 = one per worker */
	uint16_t rx_desc;		/**< rx descriptors per queue */
	uint16_t tx_desc;		/**< tx descriptors per queue */
	uint32_t pool_size;		/**< mbufs in this port's pool, 0 = automatic */
	uint16_t mtu;			/**< 0 = leave the device's MTU */
};

/** What vmq mode does with broadcast or multicast frames. */
enum nbfwd_group_policy {
	NBFWD_GROUP_DEFAULT = 0,	/**< as unmatched traffic */
	NBFWD_GROUP_CONSUMERS,		/**< a copy to every attached consumer of the port */
	NBFWD_GROUP_ALL,		/**< both */
	NBFWD_GROUP_DROP,		/**< drop (counted) */
};

/** How frames reach a consumer's buffers. */
enum nbfwd_steering {
	NBFWD_STEER_SOFTWARE = 0,	/**< the software classifier: one copy into its region */
	NBFWD_STEER_FLOW,		/**< rte_flow to an rx queue of its own: zero copy */
	NBFWD_STEER_PORT,		/**< every rx queue of its port is its own: zero copy */
};

/** What vmq mode does with frames no consumer's filter matches. */
enum nbfwd_unmatched {
	NBFWD_UNMATCHED_FORWARD = 0,	/**< out of the port's peer, untouched */
	NBFWD_UNMATCHED_DROP,		/**< drop (counted) */
};

/** What a consumer's owned port (steering = port) does with frames not for it. */
enum nbfwd_foreign {
	NBFWD_FOREIGN_DROP = 0,		/**< dropped, counted as not_owner */
	NBFWD_FOREIGN_FORWARD,		/**< copied out and steered like any other port's */
};

/**
 * [consumer NAME]: one VMQ queue. Frames arriving on @c port whose destination
 * MAC (and VLAN, when set) match go to the consumer attached under NAME, in
 * buffers of its own region; what it sends leaves through @c port.
 */
struct nbfwd_consumer_cfg {
	char name[NBFWD_CONSUMER_NAME_MAX];
	/**
	 * Ethdev name of its port (required): a name, not an index, since a file
	 * without [port] sections uses every port EAL probed.
	 */
	char port[NBFWD_NAME_MAX];
	uint8_t mac[6];			/**< destination MAC filter (required, unicast) */
	int vlan;			/**< VLAN filter 0..4095, -1 = any */
	uint32_t buffers;		/**< rx buffers in its region */
	uint16_t buffer_size;		/**< bytes of data per rx buffer */
	uint32_t ring_size;		/**< descriptors per ring (power of two) */
	uint32_t tx_buffers;		/**< tx buffers it owns */
	uint16_t tx_buffer_size;	/**< bytes per tx buffer */
	int numa_node;			/**< -1 = its port's node */
	int steering;			/**< enum nbfwd_steering */
	/**
	 * Who may attach besides root and nbfwd's own uid: a peer whose uid
	 * (SO_PEERCRED) is in @c uids, or whose gid or a supplementary group
	 * (SO_PEERGROUPS) is in @c gids. Both empty: nobody else.
	 */
	struct nbfwd_id_list uids;
	struct nbfwd_id_list gids;
	int spoof_check;		/**< 1: its tx must come from its MAC (and VLAN) */
	int foreign;			/**< enum nbfwd_foreign (steering = port) */
	uint32_t stall_ms;		/**< detach after holding buffers this long, 0 = never */
};

/** One rx queue an lcore polls: PORT:QUEUE. */
struct nbfwd_rxq_cfg {
	uint16_t port;		/**< index in nbfwd_config.ports (rx names a [port]) */
	uint16_t queue;
};

/** [lcore N] rx = PORT:QUEUE[, PORT:QUEUE...] */
struct nbfwd_lcore_cfg {
	unsigned int lcore_id;
	unsigned int n_rxq;
	struct nbfwd_rxq_cfg rxq[NBFWD_MAX_LCORE_RXQ];
};

/** Bits of nbfwd_config.set: which scalar values a file or option gave. */
#define NBFWD_SET_MODE		(1u << 0)
#define NBFWD_SET_BURST		(1u << 1)
#define NBFWD_SET_MAX_SEGS	(1u << 2)
#define NBFWD_SET_TIME		(1u << 3)
#define NBFWD_SET_STATS_PERIOD	(1u << 4)
#define NBFWD_SET_STATS_JSON	(1u << 5)
#define NBFWD_SET_LAYOUT	(1u << 6)
#define NBFWD_SET_MTU		(1u << 7)

/**
 * The whole configuration: a plain value (references between sections are
 * indexes), copied with =.
 */
struct nbfwd_config {
	/* [nbfwd]: ranges and defaults in nbfwd_config.c's schema (README.md) */
	enum nbfwd_mode mode;		/**< mode */
	uint16_t burst;			/**< burst: packets per rx burst */
	uint16_t max_segments;		/**< max_segments: longer chains are dropped */
	uint32_t time_s;		/**< time: seconds, 0 = until a signal */
	uint32_t max_regions;		/**< max_regions */
	uint16_t mtu;			/**< mtu: of ports without [port] mtu, 0 = device's */
	/* pool_layout: see below */
	/* [stats] */
	uint32_t stats_period_s;	/**< period: seconds, 0 = off */
	char stats_json[PATH_MAX];	/**< json: file written at exit, "" = none */

	unsigned int n_regions;
	struct nbfwd_region_cfg regions[NBFWD_MAX_REGIONS];
	unsigned int n_ports;
	struct nbfwd_port_cfg ports[NBFWD_MAX_PORTS];
	unsigned int n_lcores;
	struct nbfwd_lcore_cfg lcores[NBFWD_MAX_LCORES];

	/* vmq: [nbfwd] socket, [vmq], [consumer NAME] */
	char socket[NBFWD_SOCKET_PATH_MAX];	/**< attach socket, "" = runtime dir */
	uint32_t socket_mode;			/**< [nbfwd] socket_mode */
	int64_t socket_group;			/**< [nbfwd] socket_group, -1 = nbfwd's gid */
	enum nbfwd_unmatched unmatched;		/**< [vmq] unmatched = forward|drop */
	enum nbfwd_group_policy broadcast;	/**< [vmq] broadcast = ... */
	enum nbfwd_group_policy multicast;	/**< [vmq] multicast = ... */
	unsigned int n_consumers;
	struct nbfwd_consumer_cfg consumers[NBFWD_MAX_CONSUMERS];

	bool tx_first;			/**< --tx-first (command line only) */
	enum nbfwd_pool_layout pool_layout;	/**< [nbfwd] pool_layout */
	uint32_t set;			/**< NBFWD_SET_* */
	char path[PATH_MAX];		/**< file loaded, "" = built-in defaults */
};

/** Defaults of some keys (the schema's), also for what nbfwd makes without a file. */
#define NBFWD_DEFAULT_RX_DESC 1024
#define NBFWD_DEFAULT_TX_DESC 1024
#define NBFWD_DEFAULT_PAGE_SIZE (2ull << 20)
#define NBFWD_DEFAULT_CONSUMER_BUFFERS 4096
#define NBFWD_DEFAULT_CONSUMER_BUF_SIZE 2048
#define NBFWD_DEFAULT_CONSUMER_RING 1024
#define NBFWD_DEFAULT_CONSUMER_TX_BUFFERS 1024
#define NBFWD_DEFAULT_CONSUMER_TX_BUF_SIZE 2048
#define NBFWD_DEFAULT_SOCKET_MODE 0660
#define NBFWD_DEFAULT_CONSUMER_STALL_MS 2000

/**
 * Fill @p cfg with the built-in defaults (no regions, no ports: everything
 * automatic).
 */
void nbfwd_config_defaults(struct nbfwd_config *cfg);

/**
 * Load and check an INI file into @p cfg (which holds defaults on entry).
 *
 * Strict: the file is read line by line (every line is blank, a comment
 * starting with ';' or '#', a [section] or a key = value; no duplicate section or
 * key; names of at most 63 bytes, values of 255, lines of 322; a regular
 * readable file), then every section and key is checked against the schema
 * (known names, types, ranges, required keys, references between sections).
 *
 * @param path
 *   File to load.
 * @param cfg
 *   Configuration to fill; unchanged fields keep their values.
 * @param err
 *   On failure, one line naming file, line (when known), section and key, what
 *   was expected and what was found.
 * @param errlen
 *   Size of @p err.
 * @return
 *   0 on success, -1 on failure.
 */
int nbfwd_config_load(const char *path, struct nbfwd_config *cfg, char *err,
		size_t errlen);

/**
 * One lookup by name for the configuration's lists and nbfwd's own: the
 * entry named @p name of a table of @p n, the first name at @p first and
 * each @p stride bytes after the one before (NBFWD_CONFIG_FIND() gives them
 * for an array of structs with a name field).
 *
 * @return
 *   Its index, or -1 if none.
 */
int nbfwd_config_find(const char *first, size_t stride, unsigned int n, const char *name);

/** nbfwd_config_find() in the first @p n entries of array @p a (field name). */
#define NBFWD_CONFIG_FIND(a, n, s) \
	nbfwd_config_find((a)[0].name, sizeof((a)[0]), (n), (s))

/**
 * Parse a mode name.
 *
 * @return
 *   0 and *mode set, or -1 for an unknown name.
 */
int nbfwd_config_parse_mode(const char *s, enum nbfwd_mode *mode);

/** Name of a mode ("io", "macswap", "l2fwd", "vmq"). */
const char *nbfwd_config_mode_name(enum nbfwd_mode mode);

/**
 * Parse an unsigned decimal integer in [min, max]: no sign, no trailing garbage,
 * no overflow. Used by the INI loader and the command line alike.
 *
 * @return
 *   0 on success, -1 otherwise.
 */
int nbfwd_config_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/**
 * Parse a page size: "2M", "2048K", "1G" or a byte count; only 2 MB and 1 GB are
 * accepted.
 *
 * @return
 *   0 on success, -1 otherwise.
 */
int nbfwd_config_parse_page_size(const char *s, uint64_t *out);

/** README.md's tables of keys (each key is in one). */
enum nbfwd_config_table {
	NBFWD_CONFIG_TABLE_MAIN = 0,	/**< "Configuration (INI)" */
	NBFWD_CONFIG_TABLE_VMQ,		/**< "Consumers: vmq mode" */
	NBFWD_CONFIG_TABLE_MAX,
};

/**
 * Print one of README.md's tables of keys (markdown, a header row and one row
 * per key: section, key, type / range, default, meaning) from the schema.
 */
void nbfwd_config_print_table(FILE *f, enum nbfwd_config_table table);

/**
 * Name of the i-th command-line option that sets a key of the schema ("burst"
 * for --burst), NULL past the last.
 */
const char *nbfwd_config_option(unsigned int i);

/** Print --help's lines for the options nbfwd_config_option() lists. */
void nbfwd_config_print_options(FILE *f);

/**
 * Set the key that option @p opt (a name nbfwd_config_option() gives) sets,
 * from @p value, checked as the INI file's value would be.
 *
 * @return
 *   0, or -1 with @p err "option --OPT: what was expected, what was found"
 *   (@p cfg unchanged).
 */
int nbfwd_config_set_option(struct nbfwd_config *cfg, const char *opt, const char *value,
		char *err, size_t errlen);

#endif /* NBFWD_CONFIG_H */
