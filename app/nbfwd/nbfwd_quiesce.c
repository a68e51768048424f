/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * One rte_rcu_qsbr variable for every thread that polls ports: the workers
 * (ids 0..n_workers-1) and the main lcore outside the loop
 * (NBFWD_QS_CONTROL).
 */

#include <errno.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "nbfwd_log.h"
#include "nbfwd_quiesce.h"

struct rte_rcu_qsbr *nbfwd_qsv;

int
nbfwd_quiesce_init(void)
{
	const uint32_t n = NBFWD_QS_CONTROL + 1;
	size_t sz = rte_rcu_qsbr_get_memsize(n);
	unsigned int id;

	nbfwd_qsv = rte_zmalloc("nbfwd_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (nbfwd_qsv == NULL || rte_rcu_qsbr_init(nbfwd_qsv, n) != 0) {
		APP_LOG(ERR, "cannot set up the workers' quiescent points (rte_rcu_qsbr)");
		rte_free(nbfwd_qsv);
		nbfwd_qsv = NULL;
		return -1;
	}
	for (id = 0; id < n; id++)
		rte_rcu_qsbr_thread_register(nbfwd_qsv, id);
	return 0;
}

void
nbfwd_quiesce_free(void)
{
	rte_free(nbfwd_qsv);
	nbfwd_qsv = NULL;
}

void
nbfwd_quiesce_online(unsigned int id)
{
	rte_rcu_qsbr_thread_online(nbfwd_qsv, id);
}

void
nbfwd_quiesce_offline(unsigned int id)
{
	rte_rcu_qsbr_thread_offline(nbfwd_qsv, id);
}

int
nbfwd_quiesce_wait(unsigned int timeout_ms)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = 20000 };
	uint64_t token, deadline;

	token = rte_rcu_qsbr_start(nbfwd_qsv);
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * timeout_ms;
	while (rte_rcu_qsbr_check(nbfwd_qsv, token, false) != 1) {
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	return 0;
}
