/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_COMPAT_H
#define NBFWD_COMPAT_H

/**
 * @file
 * What differs between the DPDK releases nbfwd builds against (22.11 and
 * 24.11 LTS), by version check: the code is written once, against 22.11's
 * names, and this header maps them where a later release renamed them.
 * Include it after the DPDK headers it refers to.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_version.h>

#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0) && defined(_RTE_TELEMETRY_H_)
/* 23.03 renamed the unsigned telemetry values (the old names are deprecated) */
#define rte_tel_data_add_dict_u64 rte_tel_data_add_dict_uint
#define rte_tel_data_add_array_u64 rte_tel_data_add_array_uint
#endif

#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)

#include <rte_thread.h>

/* the thread function and its argument, handed to the new thread */
struct nbfwd_ctrl_thread_start {
	void *(*fn)(void *);
	void *arg;
};

static inline uint32_t
nbfwd_ctrl_thread_run(void *arg)
{
	struct nbfwd_ctrl_thread_start s = *(struct nbfwd_ctrl_thread_start *)arg;

	free(arg);
	s.fn(s.arg);
	return 0;
}

#endif

/**
 * Start a control thread (on the cores no lcore runs on), joined with
 * pthread_join(): rte_ctrl_thread_create() up to 23.07, then
 * rte_thread_create_control(), whose thread is a pthread on Linux
 * (an rte_thread_t holds its pthread_t).
 *
 * @return 0 or a negative errno.
 */
static inline int
nbfwd_ctrl_thread_create(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg)
{
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
	struct nbfwd_ctrl_thread_start *s = malloc(sizeof(*s));
	rte_thread_t id;
	int rc;

	if (s == NULL)
		return -ENOMEM;
	s->fn = fn;
	s->arg = arg;
	rc = rte_thread_create_control(&id, name, nbfwd_ctrl_thread_run, s);
	if (rc != 0) {
		free(s);
		return -rc;	/* a positive errno */
	}
	*thread = (pthread_t)id.opaque_id;
	return 0;
#else
	return rte_ctrl_thread_create(thread, name, NULL, fn, arg);
#endif
}

#endif /* NBFWD_COMPAT_H */
