/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd's own command line (after EAL's "--"): parsed before rte_eal_init() so
 * that bad options and the hugepage check fail before EAL touches anything.
 * -f FILE is loaded first; every other option then overrides the file.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "nbfwd_args.h"
#include "nbfwd.h"

enum {
	NBFWD_OPT_MODE = 256,
	NBFWD_OPT_TIME,
	NBFWD_OPT_STATS_PERIOD,
	NBFWD_OPT_STATS_JSON,
	NBFWD_OPT_BURST,
	NBFWD_OPT_MAX_SEGS,
	NBFWD_OPT_TX_FIRST,
	NBFWD_OPT_POOL_LAYOUT,
};

static const struct option nbfwd_long_opts[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "mode", required_argument, NULL, NBFWD_OPT_MODE },
	{ "time", required_argument, NULL, NBFWD_OPT_TIME },
	{ "stats-period", required_argument, NULL, NBFWD_OPT_STATS_PERIOD },
	{ "stats-json", required_argument, NULL, NBFWD_OPT_STATS_JSON },
	{ "burst", required_argument, NULL, NBFWD_OPT_BURST },
	{ "max-segments", required_argument, NULL, NBFWD_OPT_MAX_SEGS },
	{ "tx-first", no_argument, NULL, NBFWD_OPT_TX_FIRST },
	{ "pool-layout", required_argument, NULL, NBFWD_OPT_POOL_LAYOUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void
nbfwd_usage(const char *prog, FILE *f)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"Forwards packets between DPDK ports; packet data lives in hugepage-backed\n"
		"shared regions and every packet is a NET_BUFFER of (handle, offset, length)\n"
		"segments, resolved and bounds-checked before its bytes are touched.\n"
		"\n"
		"Options:\n"
		"  -f, --config FILE      INI configuration (see config/); options below override it\n"
		"  --mode MODE            io (untouched), macswap (swap MACs), l2fwd (dst MAC\n"
		"                         02:00:00:00:00:<tx port>, src MAC = tx port's) or vmq\n"
		"                         (steer by dst MAC/VLAN to the [consumer] queues of -f);\n"
		"                         default io\n"
		"  --time SECONDS         stop after SECONDS (default 0: until SIGINT/SIGTERM)\n"
		"  --stats-period SECONDS print per-port rates every SECONDS (default 1, 0 = off)\n"
		"  --stats-json FILE      write counters as JSON to FILE at exit\n"
		"  --burst N              packets per rx burst, 1..%u (default 32)\n"
		"  --max-segments N       segments per packet before it is dropped, 1..64 (default 8)\n"
		"  --pool-layout L        heap: whole mempools live in the region (default,\n"
		"                         fastest; for regions no consumer maps); extbuf: only\n"
		"                         data buffers do, mbuf headers stay in DPDK memory\n"
		"  --tx-first             send one burst of 64-byte frames per rx queue at start\n"
		"                         (seeds loopback setups such as net_ring, as testpmd's)\n"
		"  -h, --help             this text\n"
		"\n"
		"Without -f: every port EAL probed, paired 0<->1, 2<->3 (an odd last port\n"
		"forwards to itself), one rx/tx queue pair per port per worker lcore, RSS.\n"
		"\n"
		"Example (no NIC; on a machine whose own NIC is a DPDK-capable device, always\n"
		"pass --no-pci):\n"
		"  %s -l 0,1 --no-pci --file-prefix nbfwd --vdev net_null0,copy=1 \\\n"
		"      --vdev net_null1,copy=1 -- --mode macswap --time 10\n"
		"\n"
		"Exit status: 0 ok, 1 configuration or start-up error, 2 bad option,\n"
		"3 mbufs leaked at exit.\n",
		prog, NBFWD_MAX_BURST, prog);
}

static int
nbfwd_args_u32(const char *opt, const char *val, uint64_t min, uint64_t max,
		uint64_t *out, char *err, size_t errlen)
{
	if (nbfwd_config_parse_u64(val, min, max, out) == 0)
		return 0;
	snprintf(err, errlen, "option --%s: expected an integer in %lu..%lu, got \"%s\"",
		opt, (unsigned long)min, (unsigned long)max, val);
	return -1;
}

/* Apply one option to cfg; -f was handled before. */
static int
nbfwd_args_apply(struct nbfwd_config *cfg, int opt, const char *val, char *err,
		size_t errlen)
{
	uint64_t v;

	switch (opt) {
	case NBFWD_OPT_MODE:
		if (nbfwd_config_parse_mode(val, &cfg->mode) != 0) {
			snprintf(err, errlen, "option --mode: expected io, macswap, l2fwd or vmq, "
				"got \"%s\"", val);
			return -1;
		}
		cfg->set |= NBFWD_SET_MODE;
		return 0;
	case NBFWD_OPT_TIME:
		if (nbfwd_args_u32("time", val, 0, 31536000, &v, err, errlen) != 0)
			return -1;
		cfg->time_s = v;
		return 0;
	case NBFWD_OPT_STATS_PERIOD:
		if (nbfwd_args_u32("stats-period", val, 0, 3600, &v, err, errlen) != 0)
			return -1;
		cfg->stats_period_s = v;
		return 0;
	case NBFWD_OPT_STATS_JSON:
		if (val[0] == '\0' || strlen(val) >= sizeof(cfg->stats_json)) {
			snprintf(err, errlen, "option --stats-json: expected a file name");
			return -1;
		}
		snprintf(cfg->stats_json, sizeof(cfg->stats_json), "%s", val);
		return 0;
	case NBFWD_OPT_BURST:
		if (nbfwd_args_u32("burst", val, 1, NBFWD_MAX_BURST, &v, err, errlen) != 0)
			return -1;
		cfg->burst = v;
		return 0;
	case NBFWD_OPT_POOL_LAYOUT:
		if (strcmp(val, "heap") == 0) {
			cfg->pool_layout = NBFWD_POOL_HEAP;
		} else if (strcmp(val, "extbuf") == 0) {
			cfg->pool_layout = NBFWD_POOL_EXTBUF;
		} else {
			snprintf(err, errlen, "option --pool-layout: expected heap or extbuf, "
				"got \"%s\"", val);
			return -1;
		}
		return 0;
	case NBFWD_OPT_TX_FIRST:
		cfg->tx_first = true;
		return 0;
	case NBFWD_OPT_MAX_SEGS:
		if (nbfwd_args_u32("max-segments", val, 1, 64, &v, err, errlen) != 0)
			return -1;
		cfg->max_segments = v;
		return 0;
	default:
		snprintf(err, errlen, "internal: unhandled option %d", opt);
		return -1;
	}
}

int
nbfwd_args_parse(int argc, char **argv, struct nbfwd_config *cfg, char *err,
		size_t errlen)
{
	const char *file = NULL;
	int opt, idx, pass;

	nbfwd_config_defaults(cfg);
	/* pass 0: -f and --help; pass 1: overrides, after the file is loaded */
	for (pass = 0; pass < 2; pass++) {
		optind = 1;
		opterr = 0;
		while ((opt = getopt_long(argc, argv, ":f:h", nbfwd_long_opts, &idx)) != -1) {
			if (opt == '?') {
				snprintf(err, errlen, "unknown option \"%s\" (see --help)",
					argv[optind - 1]);
				return NBFWD_ARGS_ERROR;
			}
			if (opt == ':') {
				snprintf(err, errlen, "option \"%s\" needs a value",
					argv[optind - 1]);
				return NBFWD_ARGS_ERROR;
			}
			if (opt == 'h')
				return NBFWD_ARGS_HELP;
			if (opt == 'f') {
				if (pass == 0 && file != NULL) {
					snprintf(err, errlen, "option -f given twice");
					return NBFWD_ARGS_ERROR;
				}
				file = optarg;
				continue;
			}
			if (pass == 1 && nbfwd_args_apply(cfg, opt, optarg, err, errlen) != 0)
				return NBFWD_ARGS_ERROR;
		}
		if (optind < argc) {
			snprintf(err, errlen, "unexpected argument \"%s\" (see --help)",
				argv[optind]);
			return NBFWD_ARGS_ERROR;
		}
		if (pass == 0 && file != NULL &&
				nbfwd_config_load(file, cfg, err, errlen) != 0)
			return NBFWD_ARGS_CONFIG;
	}
	return NBFWD_ARGS_OK;
}
