/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_ARGS_H
#define NBFWD_ARGS_H

/**
 * @file
 * nbfwd's command line (the part after EAL's "--").
 */

#include <stdio.h>

#include "nbfwd_config.h"

/** Results of nbfwd_args_parse(). */
enum nbfwd_args_result {
	NBFWD_ARGS_OK = 0,	/**< cfg filled */
	NBFWD_ARGS_HELP,	/**< --help given */
	NBFWD_ARGS_ERROR,	/**< bad option, err says which */
	NBFWD_ARGS_CONFIG,	/**< the -f file is bad, err says where */
};

/**
 * Parse options: defaults, then the -f file, then the other options on top.
 *
 * @param argc
 *   Count, argv[0] included.
 * @param argv
 *   argv[0] is the program name; the rest are nbfwd's options.
 * @param cfg
 *   Filled.
 * @param err
 *   One line on error.
 * @param errlen
 *   Size of @p err.
 * @return
 *   An enum nbfwd_args_result.
 */
int nbfwd_args_parse(int argc, char **argv, struct nbfwd_config *cfg, char *err,
		size_t errlen);

/** Print --help. */
void nbfwd_usage(const char *prog, FILE *f);

#endif /* NBFWD_ARGS_H */
