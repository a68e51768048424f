/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd's own command line (after EAL's "--"): parsed before rte_eal_init() so
 * that bad options and the hugepage check fail before EAL touches anything.
 * -f FILE is loaded first; every other option then overrides the file.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "nbfwd_args.h"
#include "nbfwd.h"

/* Ids of long options: those past NBFWD_OPT_KEY set keys of the schema. */
enum {
	NBFWD_OPT_TX_FIRST = 256,
	NBFWD_OPT_KEY,
};

/* -f, --tx-first, --help, the schema's options, the end */
#define NBFWD_ARGS_OPTS_MAX 32

_Static_assert(NBFWD_MAX_BURST == NBFWD_BURST_MAX, "rx arrays sized for another burst");

/* getopt's table: the fixed options, then one per option of the schema. */
static void
nbfwd_args_options(struct option *o)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "tx-first", no_argument, NULL, NBFWD_OPT_TX_FIRST },
		{ "help", no_argument, NULL, 'h' },
	};
	unsigned int n = RTE_DIM(fixed), i;
	const char *name;

	memcpy(o, fixed, sizeof(fixed));
	for (i = 0; (name = nbfwd_config_option(i)) != NULL &&
			n < NBFWD_ARGS_OPTS_MAX - 1; i++)
		o[n++] = (struct option){ name, required_argument, NULL, NBFWD_OPT_KEY + (int)i };
	o[n] = (struct option){ NULL, 0, NULL, 0 };
}

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
		"  -f, --config FILE      INI configuration (see config/); options below override it\n",
		prog);
	nbfwd_config_print_options(f);
	fprintf(f,
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
		prog);
}

/* Apply one option to cfg; -f was handled before. */
static int
nbfwd_args_apply(struct nbfwd_config *cfg, int opt, const char *val, char *err,
		size_t errlen)
{
	const char *name = NULL;

	if (opt == NBFWD_OPT_TX_FIRST) {
		cfg->tx_first = true;
		return 0;
	}
	if (opt >= NBFWD_OPT_KEY)
		name = nbfwd_config_option((unsigned int)(opt - NBFWD_OPT_KEY));
	if (name != NULL)
		return nbfwd_config_set_option(cfg, name, val, err, errlen);
	snprintf(err, errlen, "internal: unhandled option %d", opt);
	return -1;
}

int
nbfwd_args_parse(int argc, char **argv, struct nbfwd_config *cfg, char *err,
		size_t errlen)
{
	struct option opts[NBFWD_ARGS_OPTS_MAX];
	const char *file = NULL;
	int opt, idx, pass;

	nbfwd_args_options(opts);
	nbfwd_config_defaults(cfg);
	/* pass 0: -f and --help; pass 1: overrides, after the file is loaded */
	for (pass = 0; pass < 2; pass++) {
		optind = 1;
		opterr = 0;
		while ((opt = getopt_long(argc, argv, ":f:h", opts, &idx)) != -1) {
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
