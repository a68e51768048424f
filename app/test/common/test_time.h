/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef TEST_TIME_H
#define TEST_TIME_H

#include <time.h>

/* Seconds on the monotonic clock. */
static inline double
test_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* TEST_TIME_H */
