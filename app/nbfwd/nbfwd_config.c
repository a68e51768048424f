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
};

/* A key = value line, as the reader saw it. */
struct nbfwd_config_ent {
	unsigned int line;
	unsigned int sec;	/* index in nbfwd_config_ctx.secs */
	const char *key;	/* trimmed */
	const char *value;	/* trimmed */
};

/* One load. */
struct nbfwd_config_ctx {
	const char *path;
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
	/* 1 + index in cfg.lcores of the lcore polling a port's queue, 0 if none */
	uint16_t owner[NBFWD_MAX_PORTS][NBFWD_CONFIG_QUEUES_MAX];
	struct nbfwd_config *cfg;	/* the work copy (only what is used is written) */
};

/* Types of values. */
enum nbfwd_config_type {
	NBFWD_CONFIG_UINT,	/* decimal integer in min..max */
	NBFWD_CONFIG_MODE,	/* io | macswap | l2fwd */
	NBFWD_CONFIG_PATH,	/* a file name, stored as is */
	NBFWD_CONFIG_REF,	/* name of another section, checked at the end */
	NBFWD_CONFIG_PAGE_SIZE,	/* 2M or 1G */
	NBFWD_CONFIG_NUMA,	/* -1 or min..max */
	NBFWD_CONFIG_RXQ,	/* PORT:QUEUE[, PORT:QUEUE ...] */
	NBFWD_CONFIG_LAYOUT,	/* heap or extbuf, stored in an int */
	NBFWD_CONFIG_MAC,	/* xx:xx:xx:xx:xx:xx, unicast, not zero */
	NBFWD_CONFIG_CHOICE,	/* one of .choices, stored as its index in an int */
	NBFWD_CONFIG_POW2,	/* a power of two in min..max */
	NBFWD_CONFIG_USERS,	/* user names or numbers, comma-separated: struct nbfwd_id_list */
	NBFWD_CONFIG_GROUPS,	/* group names or numbers, comma-separated: struct nbfwd_id_list */
	NBFWD_CONFIG_GROUP,	/* one group name or number, stored in an int64_t */
	NBFWD_CONFIG_OCTAL,	/* an octal number in min..max (file mode bits) */
};

/* One key of a section. */
struct nbfwd_config_key {
	const char *name;
	enum nbfwd_config_type type;
	bool required;
	uint64_t min;
	uint64_t max;
	const char *ref;	/* NBFWD_CONFIG_REF: kind of section named */
	size_t offset;		/* of the field in the section's struct */
	size_t size;		/* of the field */
	uint32_t set;		/* NBFWD_SET_* bit */
	const char * const *choices;	/* NBFWD_CONFIG_CHOICE: names, NULL-terminated */
};

/* Check the name of a section and give the struct its keys fill. */
typedef int (*nbfwd_config_open_t)(struct nbfwd_config_ctx *c, unsigned int sec,
		const char *arg, void **base);

/* One kind of section: [nbfwd], [region NAME], ... */
struct nbfwd_config_kind {
	const char *name;
	const char *arg;	/* NULL: no argument; else what it is, for messages */
	const struct nbfwd_config_key *keys;
	unsigned int n_keys;
	nbfwd_config_open_t open;
};

#define NBFWD_CONFIG_AT(type, field) \
	.offset = offsetof(type, field), .size = RTE_SIZEOF_FIELD(type, field)

static const struct nbfwd_config_key nbfwd_config_keys_main[] = {
	{ .name = "mode", .type = NBFWD_CONFIG_MODE,
	  NBFWD_CONFIG_AT(struct nbfwd_config, mode), .set = NBFWD_SET_MODE },
	{ .name = "burst", .type = NBFWD_CONFIG_UINT, .min = 1, .max = 512,
	  NBFWD_CONFIG_AT(struct nbfwd_config, burst), .set = NBFWD_SET_BURST },
	{ .name = "max_segments", .type = NBFWD_CONFIG_UINT, .min = 1, .max = 64,
	  NBFWD_CONFIG_AT(struct nbfwd_config, max_segments), .set = NBFWD_SET_MAX_SEGS },
	{ .name = "time", .type = NBFWD_CONFIG_UINT, .min = 0, .max = 31536000,
	  NBFWD_CONFIG_AT(struct nbfwd_config, time_s), .set = NBFWD_SET_TIME },
	{ .name = "max_regions", .type = NBFWD_CONFIG_UINT, .min = 1, .max = 1024,
	  NBFWD_CONFIG_AT(struct nbfwd_config, max_regions) },
	{ .name = "pool_layout", .type = NBFWD_CONFIG_LAYOUT,
	  NBFWD_CONFIG_AT(struct nbfwd_config, pool_layout), .set = NBFWD_SET_LAYOUT },
	{ .name = "socket", .type = NBFWD_CONFIG_PATH,
	  NBFWD_CONFIG_AT(struct nbfwd_config, socket) },
	{ .name = "socket_mode", .type = NBFWD_CONFIG_OCTAL, .min = 0, .max = 0777,
	  NBFWD_CONFIG_AT(struct nbfwd_config, socket_mode) },
	{ .name = "socket_group", .type = NBFWD_CONFIG_GROUP,
	  NBFWD_CONFIG_AT(struct nbfwd_config, socket_group) },
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

static const struct nbfwd_config_key nbfwd_config_keys_vmq[] = {
	{ .name = "unmatched", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_unmatched_names,
	  NBFWD_CONFIG_AT(struct nbfwd_config, unmatched) },
	{ .name = "broadcast", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_group_names,
	  NBFWD_CONFIG_AT(struct nbfwd_config, broadcast) },
	{ .name = "multicast", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_group_names,
	  NBFWD_CONFIG_AT(struct nbfwd_config, multicast) },
};

static const struct nbfwd_config_key nbfwd_config_keys_consumer[] = {
	{ .name = "port", .type = NBFWD_CONFIG_PATH, .required = true,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, port) },
	{ .name = "mac", .type = NBFWD_CONFIG_MAC, .required = true,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, mac) },
	{ .name = "vlan", .type = NBFWD_CONFIG_UINT, .min = 0, .max = 4095,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, vlan) },
	{ .name = "buffers", .type = NBFWD_CONFIG_UINT, .min = 64, .max = 1048576,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, buffers) },
	{ .name = "buffer_size", .type = NBFWD_CONFIG_UINT, .min = 128, .max = 16384,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, buffer_size) },
	{ .name = "ring_size", .type = NBFWD_CONFIG_POW2, .min = 16, .max = 16384,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, ring_size) },
	{ .name = "tx_buffers", .type = NBFWD_CONFIG_UINT, .min = 1, .max = 65536,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, tx_buffers) },
	{ .name = "tx_buffer_size", .type = NBFWD_CONFIG_UINT, .min = 128, .max = 16384,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, tx_buffer_size) },
	{ .name = "numa_node", .type = NBFWD_CONFIG_NUMA, .min = 0,
	  .max = NBFWD_CONFIG_NUMA_MAX, NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, numa_node) },
	{ .name = "steering", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_steering_names,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, steering) },
	{ .name = "uid", .type = NBFWD_CONFIG_USERS,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, uids) },
	{ .name = "gid", .type = NBFWD_CONFIG_GROUPS,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, gids) },
	{ .name = "spoof_check", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_off_on_names,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, spoof_check) },
	{ .name = "foreign", .type = NBFWD_CONFIG_CHOICE,
	  .choices = nbfwd_config_foreign_names,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, foreign) },
	{ .name = "stall_ms", .type = NBFWD_CONFIG_UINT, .min = 0, .max = 3600000,
	  NBFWD_CONFIG_AT(struct nbfwd_consumer_cfg, stall_ms) },
};

static const struct nbfwd_config_key nbfwd_config_keys_stats[] = {
	{ .name = "period", .type = NBFWD_CONFIG_UINT, .min = 0, .max = 3600,
	  NBFWD_CONFIG_AT(struct nbfwd_config, stats_period_s),
	  .set = NBFWD_SET_STATS_PERIOD },
	{ .name = "json", .type = NBFWD_CONFIG_PATH,
	  NBFWD_CONFIG_AT(struct nbfwd_config, stats_json), .set = NBFWD_SET_STATS_JSON },
};

static const struct nbfwd_config_key nbfwd_config_keys_region[] = {
	{ .name = "pages", .type = NBFWD_CONFIG_UINT, .required = true,
	  .min = 1, .max = 65536, NBFWD_CONFIG_AT(struct nbfwd_region_cfg, pages) },
	{ .name = "page_size", .type = NBFWD_CONFIG_PAGE_SIZE,
	  NBFWD_CONFIG_AT(struct nbfwd_region_cfg, page_size) },
	{ .name = "numa_node", .type = NBFWD_CONFIG_NUMA, .min = 0,
	  .max = NBFWD_CONFIG_NUMA_MAX, NBFWD_CONFIG_AT(struct nbfwd_region_cfg, numa_node) },
	{ .name = "layout", .type = NBFWD_CONFIG_LAYOUT,
	  NBFWD_CONFIG_AT(struct nbfwd_region_cfg, layout) },
};

static const struct nbfwd_config_key nbfwd_config_keys_port[] = {
	{ .name = "region", .type = NBFWD_CONFIG_REF, .ref = "region",
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, region) },
	{ .name = "peer", .type = NBFWD_CONFIG_REF, .ref = "port",
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, peer) },
	{ .name = "queues", .type = NBFWD_CONFIG_UINT, .min = 1,
	  .max = NBFWD_CONFIG_QUEUES_MAX, NBFWD_CONFIG_AT(struct nbfwd_port_cfg, queues) },
	{ .name = "rx_desc", .type = NBFWD_CONFIG_UINT, .min = 64, .max = 32768,
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, rx_desc) },
	{ .name = "tx_desc", .type = NBFWD_CONFIG_UINT, .min = 64, .max = 32768,
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, tx_desc) },
	{ .name = "pool_size", .type = NBFWD_CONFIG_UINT, .min = 1023, .max = 4194304,
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, pool_size) },
	{ .name = "mtu", .type = NBFWD_CONFIG_UINT, .min = 68, .max = 9600,
	  NBFWD_CONFIG_AT(struct nbfwd_port_cfg, mtu) },
};

static const struct nbfwd_config_key nbfwd_config_keys_lcore[] = {
	{ .name = "rx", .type = NBFWD_CONFIG_RXQ, .required = true },
};

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
	{ "nbfwd", NULL, nbfwd_config_keys_main,
	  RTE_DIM(nbfwd_config_keys_main), nbfwd_config_open_main },
	{ "stats", NULL, nbfwd_config_keys_stats,
	  RTE_DIM(nbfwd_config_keys_stats), nbfwd_config_open_main },
	{ "region", "NAME", nbfwd_config_keys_region,
	  RTE_DIM(nbfwd_config_keys_region), nbfwd_config_open_region },
	{ "port", "NAME", nbfwd_config_keys_port,
	  RTE_DIM(nbfwd_config_keys_port), nbfwd_config_open_port },
	{ "lcore", "N", nbfwd_config_keys_lcore,
	  RTE_DIM(nbfwd_config_keys_lcore), nbfwd_config_open_lcore },
	{ "vmq", NULL, nbfwd_config_keys_vmq,
	  RTE_DIM(nbfwd_config_keys_vmq), nbfwd_config_open_main },
	{ "consumer", "NAME", nbfwd_config_keys_consumer,
	  RTE_DIM(nbfwd_config_keys_consumer), nbfwd_config_open_consumer },
};

static const char * const nbfwd_config_mode_names[NBFWD_MODE_MAX] = {
	[NBFWD_MODE_IO] = "io",
	[NBFWD_MODE_MACSWAP] = "macswap",
	[NBFWD_MODE_L2FWD] = "l2fwd",
	[NBFWD_MODE_VMQ] = "vmq",
};

/* Public helpers. */

void
nbfwd_config_defaults(struct nbfwd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = NBFWD_MODE_IO;
	cfg->burst = 32;
	cfg->max_segments = 8;
	cfg->time_s = 0;
	cfg->max_regions = 16;
	cfg->stats_period_s = 1;
	cfg->socket_mode = NBFWD_DEFAULT_SOCKET_MODE;
	cfg->socket_group = -1;
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
 * Write "PATH[:LINE]: [[SECTION][ KEY]: ]MESSAGE" into the caller's buffer.
 * Everything printed has passed the byte check (printable text): one line.
 */
static int __rte_format_printf(5, 6)
nbfwd_config_err(struct nbfwd_config_ctx *c, unsigned int line, const char *sec,
		const char *key, const char *fmt, ...)
{
	char msg[NBFWD_CONFIG_MSG_MAX];
	char where[16] = "";
	char ctx[2 * NBFWD_CONFIG_LINE_MAX + 8] = "";
	va_list ap;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line != 0)
		snprintf(where, sizeof(where), ":%u", line);
	if (sec != NULL)
		snprintf(ctx, sizeof(ctx), "[%s]%s%s: ", sec, key != NULL ? " " : "",
				key != NULL ? key : "");
	snprintf(c->err, c->errlen, "%s%s: %s%s", c->path, where, ctx, msg);
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

static int
nbfwd_config_find_region(const struct nbfwd_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_regions; i++)
		if (strcmp(cfg->regions[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
nbfwd_config_find_port(const struct nbfwd_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
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

static int
nbfwd_config_open_region(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];
	struct nbfwd_region_cfg *r;
	int i;

	if (!nbfwd_config_region_name_ok(arg))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad region name: expected 1..%d characters from A-Z a-z 0-9 _ . -, "
				"got \"%s\"", NBFWD_CONFIG_REGION_NAME_MAX, arg);
	i = nbfwd_config_find_region(cfg, arg);
	if (i >= 0)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"duplicate section (first at line %u)",
				c->secs[c->region_sec[i]].line);
	if (cfg->n_regions == NBFWD_MAX_REGIONS)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"too many [region] sections: expected at most %d",
				NBFWD_MAX_REGIONS);
	r = &cfg->regions[cfg->n_regions];
	memset(r, 0, sizeof(*r));
	strcpy(r->name, arg);
	r->page_size = NBFWD_DEFAULT_PAGE_SIZE;
	r->numa_node = -1;
	r->layout = -1;
	c->region_sec[cfg->n_regions++] = sec;
	*base = r;
	return 0;
}

static int
nbfwd_config_open_port(struct nbfwd_config_ctx *c, unsigned int sec, const char *arg,
		void **base)
{
	struct nbfwd_config *cfg = c->cfg;
	const struct nbfwd_config_sec *s = &c->secs[sec];
	struct nbfwd_port_cfg *p;
	int i;

	if (!nbfwd_config_port_name_ok(arg))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad port name: expected an ethdev name or PCI address "
				"(A-Z a-z 0-9 _ . : -), got \"%s\"", arg);
	i = nbfwd_config_find_port(cfg, arg);
	if (i >= 0)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"duplicate section (first at line %u)",
				c->secs[c->port_sec[i]].line);
	if (cfg->n_ports == NBFWD_MAX_PORTS)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"too many [port] sections: expected at most %d", NBFWD_MAX_PORTS);
	p = &cfg->ports[cfg->n_ports];
	memset(p, 0, sizeof(*p));
	strcpy(p->name, arg);
	p->rx_desc = NBFWD_DEFAULT_RX_DESC;
	p->tx_desc = NBFWD_DEFAULT_TX_DESC;
	c->port_sec[cfg->n_ports++] = sec;
	*base = p;
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
	for (i = 0; i < cfg->n_lcores; i++)
		if (cfg->lcores[i].lcore_id == id)
			return nbfwd_config_err(c, s->line, s->name, NULL,
					"duplicate section (first at line %u)",
					c->secs[c->lcore_sec[i]].line);
	/* ids are unique and below NBFWD_MAX_LCORES: there is room */
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
	struct nbfwd_consumer_cfg *k;
	unsigned int i;

	if (!nbfwd_config_name_ok(arg, NBFWD_CONSUMER_NAME_MAX - 1, ""))
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"bad consumer name: expected 1..%d characters from A-Z a-z 0-9 _ . -, "
				"got \"%s\"", NBFWD_CONSUMER_NAME_MAX - 1, arg);
	for (i = 0; i < cfg->n_consumers; i++)
		if (strcmp(cfg->consumers[i].name, arg) == 0)
			return nbfwd_config_err(c, s->line, s->name, NULL,
					"duplicate section (first at line %u)",
					c->secs[c->consumer_sec[i]].line);
	if (cfg->n_consumers == NBFWD_MAX_CONSUMERS)
		return nbfwd_config_err(c, s->line, s->name, NULL,
				"too many [consumer] sections: expected at most %d",
				NBFWD_MAX_CONSUMERS);
	k = &cfg->consumers[cfg->n_consumers];
	memset(k, 0, sizeof(*k));
	strcpy(k->name, arg);
	k->vlan = -1;
	k->buffers = NBFWD_DEFAULT_CONSUMER_BUFFERS;
	k->buffer_size = NBFWD_DEFAULT_CONSUMER_BUF_SIZE;
	k->ring_size = NBFWD_DEFAULT_CONSUMER_RING;
	k->tx_buffers = NBFWD_DEFAULT_CONSUMER_TX_BUFFERS;
	k->tx_buffer_size = NBFWD_DEFAULT_CONSUMER_TX_BUF_SIZE;
	k->numa_node = -1;
	k->spoof_check = 1;
	k->foreign = NBFWD_FOREIGN_DROP;
	k->stall_ms = NBFWD_DEFAULT_CONSUMER_STALL_MS;
	c->consumer_sec[cfg->n_consumers++] = sec;
	*base = k;
	return 0;
}

/* Schema: values. */

static void
nbfwd_config_store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
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

static int
nbfwd_config_set_uint(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v;
	int rc = nbfwd_config_parse_num(value, k->min, k->max, &v);

	if (rc != 0)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected an integer in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	nbfwd_config_store_uint(field, k->size, v);
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
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected -1 or an integer in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	*(int *)field = (int)v;
	return 0;
}

static int
nbfwd_config_set_mode(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	enum nbfwd_mode mode;

	if (nbfwd_config_parse_mode(value, &mode) != 0)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected one of io, macswap, l2fwd, vmq, got \"%s\"", value);
	*(enum nbfwd_mode *)field = mode;
	return 0;
}

static int
nbfwd_config_set_layout(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	int layout;

	if (strcmp(value, "heap") == 0)
		layout = NBFWD_POOL_HEAP;
	else if (strcmp(value, "extbuf") == 0)
		layout = NBFWD_POOL_EXTBUF;
	else
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected heap or extbuf, got \"%s\"", value);
	*(int *)field = layout;
	return 0;
}

static int
nbfwd_config_set_page_size(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		void *field, const char *value)
{
	uint64_t v;

	if (nbfwd_config_parse_page_size(value, &v) != 0)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected 2M or 1G (or 2048K, 1024M, a byte count), got \"%s\"",
				value);
	*(uint64_t *)field = v;
	return 0;
}

static int
nbfwd_config_set_string(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	bool ok;

	if (k->type == NBFWD_CONFIG_PATH)
		ok = strlen(value) < k->size;
	else if (strcmp(k->ref, "region") == 0)
		ok = nbfwd_config_region_name_ok(value);
	else
		ok = nbfwd_config_port_name_ok(value);
	if (!ok && k->type == NBFWD_CONFIG_PATH)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected a path shorter than %zu bytes, got \"%s\"",
				k->size, value);
	if (!ok)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected the name of a [%s] section, got \"%s\"", k->ref, value);
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

/* One item of rx: PORT:QUEUE (a PCI address holds ':' too: the last one counts). */
static int
nbfwd_config_parse_rxq_item(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		char *item, struct nbfwd_rxq_cfg *q)
{
	const char *sec = c->secs[e->sec].name;
	char *colon = strrchr(item, ':');
	uint64_t v;
	int rc;

	if (*item == '\0')
		return nbfwd_config_err(c, e->line, sec, e->key,
				"expected PORT:QUEUE[, PORT:QUEUE ...], got an empty item in \"%s\"",
				e->value);
	if (colon == NULL)
		return nbfwd_config_err(c, e->line, sec, e->key,
				"expected PORT:QUEUE[, PORT:QUEUE ...], got \"%s\"", item);
	*colon = '\0';
	if (!nbfwd_config_port_name_ok(item)) {
		*colon = ':';
		return nbfwd_config_err(c, e->line, sec, e->key,
				"expected PORT:QUEUE with PORT a port name, got \"%s\"", item);
	}
	rc = nbfwd_config_parse_num(colon + 1, 0, NBFWD_CONFIG_QUEUES_MAX - 1, &v);
	if (rc != 0) {
		*colon = ':';
		return nbfwd_config_err(c, e->line, sec, e->key,
				"expected PORT:QUEUE with QUEUE an integer in 0..%d, got \"%s\"%s",
				NBFWD_CONFIG_QUEUES_MAX - 1, item, rc > 0 ? " (out of range)" : "");
	}
	strcpy(q->port, item);
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
			return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
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
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected a MAC address xx:xx:xx:xx:xx:xx, got \"%s\"", value);
	if (b[0] & 1)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected a unicast MAC address, got the group address \"%s\"",
				value);
	if ((b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) == 0)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected a MAC address other than 00:00:00:00:00:00");
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int
nbfwd_config_set_choice(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	char known[128] = "";
	size_t off = 0;
	int i;

	for (i = 0; k->choices[i] != NULL; i++) {
		if (strcmp(value, k->choices[i]) == 0) {
			*(int *)field = i;
			return 0;
		}
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s",
				i > 0 ? ", " : "", k->choices[i]);
	}
	return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
			"expected one of %s, got \"%s\"", known, value);
}

static int
nbfwd_config_set_pow2(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_key *k, void *field, const char *value)
{
	uint64_t v;
	int rc = nbfwd_config_parse_num(value, k->min, k->max, &v);

	if (rc != 0 || (v & (v - 1)) != 0)
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected a power of two in %" PRIu64 "..%" PRIu64 ", got \"%s\"%s",
				k->min, k->max, value, rc > 0 ? " (out of range)" : "");
	nbfwd_config_store_uint(field, k->size, v);
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
		return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
				"expected an octal mode in 0%" PRIo64 "..0%" PRIo64 " (like 0660), "
				"got \"%s\"", k->min, k->max, value);
	nbfwd_config_store_uint(field, k->size, v);
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

	return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
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
			return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
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
	case NBFWD_CONFIG_MODE:
		return nbfwd_config_set_mode(c, e, field, value);
	case NBFWD_CONFIG_PAGE_SIZE:
		return nbfwd_config_set_page_size(c, e, field, value);
	case NBFWD_CONFIG_PATH:
	case NBFWD_CONFIG_REF:
		return nbfwd_config_set_string(c, e, k, field, value);
	case NBFWD_CONFIG_RXQ:
		return nbfwd_config_set_rxq(c, e, base, value);
	case NBFWD_CONFIG_LAYOUT:
		return nbfwd_config_set_layout(c, e, field, value);
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

static const struct nbfwd_config_key *
nbfwd_config_find_key(const struct nbfwd_config_kind *kind, const char *name)
{
	unsigned int i;

	for (i = 0; i < kind->n_keys; i++)
		if (strcmp(kind->keys[i].name, name) == 0)
			return &kind->keys[i];
	return NULL;
}

static int
nbfwd_config_unknown_key(struct nbfwd_config_ctx *c, const struct nbfwd_config_ent *e,
		const struct nbfwd_config_kind *kind)
{
	char known[256] = "";
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < kind->n_keys && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s",
				i > 0 ? ", " : "", kind->keys[i].name);
	return nbfwd_config_err(c, e->line, c->secs[e->sec].name, e->key,
			"unknown key (known: %s)", known);
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
	size_t len = strcspn(s->name, " \t");
	const struct nbfwd_config_kind *kind = nbfwd_config_find_kind(s->name, len);
	const char *a = s->name + len;

	while (nbfwd_config_blank(*a))
		a++;
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
	const char *arg = NULL;
	uint64_t seen = 0;
	void *base;
	unsigned int i;

	kind = nbfwd_config_section_kind(c, sec, &arg);
	if (kind == NULL || kind->open(c, sec, arg, &base) != 0)
		return -1;
	for (i = 0; i < c->n_ents; i++) {
		const struct nbfwd_config_ent *e = &c->ents[i];

		if (e->sec != sec)
			continue;
		k = nbfwd_config_find_key(kind, e->key);
		if (k == NULL)
			return nbfwd_config_unknown_key(c, e, kind);
		if (nbfwd_config_set(c, e, k, base, e->value) != 0)
			return -1;
		c->cfg->set |= k->set;
		seen |= 1ull << (k - kind->keys);
	}
	for (i = 0; i < kind->n_keys; i++)
		if (kind->keys[i].required && (seen & (1ull << i)) == 0)
			return nbfwd_config_err(c, 0, c->secs[sec].name, kind->keys[i].name,
					"required key missing");
	return 0;
}

/* Schema: references between sections. */

static int
nbfwd_config_check_port_refs(struct nbfwd_config_ctx *c, unsigned int i)
{
	const struct nbfwd_port_cfg *p = &c->cfg->ports[i];
	unsigned int sec = c->port_sec[i];
	const char *name = c->secs[sec].name;

	if (p->region[0] != '\0' && nbfwd_config_find_region(c->cfg, p->region) < 0)
		return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "region"), name,
				"region", "expected the name of a [region] section of this file, "
				"got \"%s\" (no [region %s])", p->region, p->region);
	if (p->peer[0] != '\0' && nbfwd_config_find_port(c->cfg, p->peer) < 0)
		return nbfwd_config_err(c, nbfwd_config_key_line(c, sec, "peer"), name,
				"peer", "expected the name of a [port] section of this file, "
				"got \"%s\" (no [port %s])", p->peer, p->peer);
	return 0;
}

static int
nbfwd_config_check_rxq(struct nbfwd_config_ctx *c, unsigned int li, unsigned int qi)
{
	const struct nbfwd_rxq_cfg *q = &c->cfg->lcores[li].rxq[qi];
	unsigned int sec = c->lcore_sec[li];
	unsigned int line = nbfwd_config_key_line(c, sec, "rx");
	const char *name = c->secs[sec].name;
	int p = nbfwd_config_find_port(c->cfg, q->port);
	unsigned int prev;

	if (p < 0)
		return nbfwd_config_err(c, line, name, "rx",
				"expected PORT to name a [port] section of this file, got \"%s:%u\" "
				"(no [port %s])", q->port, q->queue, q->port);
	if (c->cfg->ports[p].queues != 0 && q->queue >= c->cfg->ports[p].queues)
		return nbfwd_config_err(c, line, name, "rx",
				"expected a queue of %s in 0..%u (queues = %u), got \"%s:%u\" "
				"(out of range)", q->port, c->cfg->ports[p].queues - 1u,
				c->cfg->ports[p].queues, q->port, q->queue);
	prev = c->owner[p][q->queue];
	if (prev != 0)
		return nbfwd_config_err(c, line, name, "rx",
				"%s:%u polled twice: expected each rx queue polled by one lcore, "
				"already polled by [%s] (line %u)", q->port, q->queue,
				c->secs[c->lcore_sec[prev - 1]].name,
				nbfwd_config_key_line(c, c->lcore_sec[prev - 1], "rx"));
	c->owner[p][q->queue] = (uint16_t)(li + 1);
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
	if (c->cfg->n_ports != 0 && nbfwd_config_find_port(c->cfg, k->port) < 0)
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

	for (i = 0; i < c->cfg->n_ports; i++)
		if (nbfwd_config_check_port_refs(c, i) != 0)
			return -1;
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

/*
 * Copy a configuration but for the slots of its lists past their counts
 * (regions, ports, lcores, consumers): those are never read, and a load that
 * succeeds leaves the caller's as they were, as a copy of the whole would (the
 * loader writes a slot only when it counts it). Most of the struct is the
 * lcores' rx queue lists: this keeps a load from touching some 600 kB.
 */
#define NBFWD_CONFIG_OFF(f) offsetof(struct nbfwd_config, f)
#define NBFWD_CONFIG_SPAN(d, s, from, to) \
	memcpy((char *)(d) + NBFWD_CONFIG_OFF(from), \
			(const char *)(s) + NBFWD_CONFIG_OFF(from), \
			NBFWD_CONFIG_OFF(to) - NBFWD_CONFIG_OFF(from))

static void
nbfwd_config_copy(struct nbfwd_config *dst, const struct nbfwd_config *src)
{
	NBFWD_CONFIG_SPAN(dst, src, mode, regions);
	memcpy(dst->regions, src->regions,
			RTE_MIN(src->n_regions, (unsigned int)NBFWD_MAX_REGIONS) * sizeof(src->regions[0]));
	NBFWD_CONFIG_SPAN(dst, src, n_ports, ports);
	memcpy(dst->ports, src->ports,
			RTE_MIN(src->n_ports, (unsigned int)NBFWD_MAX_PORTS) * sizeof(src->ports[0]));
	NBFWD_CONFIG_SPAN(dst, src, n_lcores, lcores);
	memcpy(dst->lcores, src->lcores,
			RTE_MIN(src->n_lcores, (unsigned int)NBFWD_MAX_LCORES) * sizeof(src->lcores[0]));
	NBFWD_CONFIG_SPAN(dst, src, socket, consumers);
	memcpy(dst->consumers, src->consumers,
			RTE_MIN(src->n_consumers, (unsigned int)NBFWD_MAX_CONSUMERS) * sizeof(src->consumers[0]));
	memcpy((char *)dst + NBFWD_CONFIG_OFF(tx_first),
			(const char *)src + NBFWD_CONFIG_OFF(tx_first),
			sizeof(*dst) - NBFWD_CONFIG_OFF(tx_first));
}

/*
 * The work copy: a whole struct nbfwd_config, of which a load touches a few
 * pages (what nbfwd_config_copy() copies and the sections it opens). One is
 * kept for the next load, so that loads in a row (the fuzz target, tests) do
 * not map and unmap 600 kB each; taken and given back atomically, so that
 * loads in parallel each get their own.
 */
static struct nbfwd_config *nbfwd_config_spare;

static struct nbfwd_config *
nbfwd_config_work_get(void)
{
	struct nbfwd_config *w = __atomic_exchange_n(&nbfwd_config_spare, NULL,
			__ATOMIC_ACQUIRE);

	return w != NULL ? w : malloc(sizeof(*w));
}

static void
nbfwd_config_work_put(struct nbfwd_config *w)
{
	struct nbfwd_config *none = NULL;

	if (!__atomic_compare_exchange_n(&nbfwd_config_spare, &none, w, false,
			__ATOMIC_RELEASE, __ATOMIC_RELAXED))
		free(w);
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
	if (c != NULL)
		c->cfg = nbfwd_config_work_get();
	if (c == NULL || c->cfg == NULL) {
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "%s: cannot load: %s", path, strerror(ENOMEM));
		free(c);
		return -1;
	}
	c->path = path;
	c->err = err;
	c->errlen = errlen;
	nbfwd_config_copy(c->cfg, cfg);
	/* the file describes all regions, ports and lcores */
	c->cfg->n_regions = 0;
	c->cfg->n_ports = 0;
	c->cfg->n_lcores = 0;
	strcpy(c->cfg->path, path);
	rc = nbfwd_config_load_ctx(c);
	if (rc == 0)
		nbfwd_config_copy(cfg, c->cfg);
	free(c->text);
	free(c->ents);
	nbfwd_config_work_put(c->cfg);
	free(c);
	return rc;
}
