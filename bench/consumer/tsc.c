/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench/consumer/tsc.c: print the TSC frequency in Hz, counted over half a
 * second of CLOCK_MONOTONIC_RAW. Compiled and run by bench/run-consumer
 * (not by meson); cycles per packet there are TSC Hz / packets per second.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double
mono_raw(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(void)
{
	const struct timespec half = { .tv_sec = 0, .tv_nsec = 500000000 };
	unsigned long long c0, c1;
	double t0, t1;

	t0 = mono_raw();
	c0 = __rdtsc();
	nanosleep(&half, NULL);
	c1 = __rdtsc();
	t1 = mono_raw();
	printf("%.0f\n", (double)(c1 - c0) / (t1 - t0));
	return 0;
}
