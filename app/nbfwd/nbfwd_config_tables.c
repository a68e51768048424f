/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd-config-tables: print README.md's tables of INI keys from nbfwd's
 * schema (app/nbfwd/nbfwd_config.c). scripts/config-tables.sh splices them
 * into README.md (--update) or checks that it holds them (the unit test
 * config-readme). Built, never installed.
 */

#include <stdio.h>
#include <string.h>

#include "nbfwd_config.h"

static const char *const tables_names[NBFWD_CONFIG_TABLE_MAX] = {
	[NBFWD_CONFIG_TABLE_MAIN] = "main",
	[NBFWD_CONFIG_TABLE_VMQ] = "vmq",
};

int
main(int argc, char **argv)
{
	unsigned int t;

	for (t = 0; argc == 2 && t < NBFWD_CONFIG_TABLE_MAX; t++) {
		if (strcmp(argv[1], tables_names[t]) == 0) {
			nbfwd_config_print_table(stdout, (enum nbfwd_config_table)t);
			return fflush(stdout) == 0 ? 0 : 1;
		}
	}
	fprintf(stderr, "usage: %s main|vmq\n", argv[0]);
	return 2;
}
