/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench/consumer/c2c.c: cache-line round trip between two CPUs, in TSC
 * cycles (median of 7 rounds of 20000 ping-pongs).
 *
 *   c2c CPU_A CPU_B
 *
 * On a VM the host may place the two vCPUs close (sharing a cache) or far
 * apart, and may move them; a producer and a consumer on those CPUs pass
 * every ring index and descriptor through such round trips, so their rates
 * follow it. bench/run-consumer runs this before and after each run to say
 * where the vCPUs were. Compiled and run by bench/run-consumer (not by
 * meson).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#define C2C_PINGS 20000
#define C2C_ROUNDS 7

static volatile uint64_t c2c_flag __attribute__((aligned(64)));
static volatile int c2c_failed __attribute__((aligned(64)));

static int
c2c_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
c2c_pong(void *arg)
{
	uint64_t i;

	if (c2c_pin(*(const int *)arg) != 0) {
		c2c_failed = 1;
		return NULL;
	}
	for (i = 0; i < (uint64_t)C2C_PINGS * C2C_ROUNDS; i++) {
		while (c2c_flag != 2 * i + 1)
			_mm_pause();
		c2c_flag = 2 * i + 2;
	}
	return NULL;
}

static int
c2c_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	double rt[C2C_ROUNDS];
	uint64_t i = 0, t0;
	int a, b, r;
	pthread_t t;

	if (argc != 3) {
		fprintf(stderr, "usage: c2c CPU_A CPU_B\n");
		return 2;
	}
	a = atoi(argv[1]);
	b = atoi(argv[2]);
	if (c2c_pin(a) != 0 || pthread_create(&t, NULL, c2c_pong, &b) != 0) {
		fprintf(stderr, "c2c: cannot pin to CPU %d or start a thread\n", a);
		return 1;
	}
	for (r = 0; r < C2C_ROUNDS; r++) {
		t0 = __rdtsc();
		for (uint64_t k = 0; k < C2C_PINGS; k++, i++) {
			c2c_flag = 2 * i + 1;
			while (c2c_flag != 2 * i + 2) {
				if (c2c_failed) {
					fprintf(stderr, "c2c: cannot pin to CPU %d\n", b);
					return 1;
				}
				_mm_pause();
			}
		}
		rt[r] = (double)(__rdtsc() - t0) / C2C_PINGS;
	}
	pthread_join(t, NULL);
	qsort(rt, C2C_ROUNDS, sizeof(rt[0]), c2c_cmp);
	printf("%.0f\n", rt[C2C_ROUNDS / 2]);
	return 0;
}
