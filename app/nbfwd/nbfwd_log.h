/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_LOG_H
#define NBFWD_LOG_H

/**
 * @file
 * nbfwd's registered log types: nbfwd.app, nbfwd.region, nbfwd.config,
 * nbfwd.channel (consumers attaching and detaching). `--log-level=nbfwd.*:debug`
 * turns all of them up. Nothing is logged per packet above debug level.
 */

#include <rte_log.h>

extern int nbfwd_logtype_app;
extern int nbfwd_logtype_region;
extern int nbfwd_logtype_config;
extern int nbfwd_logtype_channel;

#define NBFWD_LOG(level, type, fmt, ...) \
	rte_log(RTE_LOG_ ## level, nbfwd_logtype_ ## type, \
		"nbfwd: " fmt "\n", ##__VA_ARGS__)

#define APP_LOG(level, fmt, ...) NBFWD_LOG(level, app, fmt, ##__VA_ARGS__)
#define REGION_LOG(level, fmt, ...) NBFWD_LOG(level, region, fmt, ##__VA_ARGS__)
#define CONFIG_LOG(level, fmt, ...) NBFWD_LOG(level, config, fmt, ##__VA_ARGS__)
#define CHAN_LOG(level, fmt, ...) NBFWD_LOG(level, channel, fmt, ##__VA_ARGS__)

#endif /* NBFWD_LOG_H */
