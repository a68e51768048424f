/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench/lib/tsc.c: prints the TSC frequency in Hz, measured over 0.4 s
 * against CLOCK_MONOTONIC_RAW. Built and run by bench/run and bench/run-consumer
 * (not by meson).
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int
main(void)
{
	struct timespec d = { 0, 400000000 };
	unsigned long long c0, c1;
	double t0, t1;

	t0 = now();
	c0 = __rdtsc();
	nanosleep(&d, NULL);
	c1 = __rdtsc();
	t1 = now();
	printf("%.0f\n", (c1 - c0) / (t1 - t0));
	return 0;
}
