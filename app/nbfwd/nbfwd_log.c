/* SPDX-License-Identifier: BSD-3-Clause */

#include "nbfwd_log.h"

RTE_LOG_REGISTER(nbfwd_logtype_app, nbfwd.app, INFO);
RTE_LOG_REGISTER(nbfwd_logtype_region, nbfwd.region, NOTICE);
RTE_LOG_REGISTER(nbfwd_logtype_config, nbfwd.config, NOTICE);
RTE_LOG_REGISTER(nbfwd_logtype_channel, nbfwd.channel, INFO);
