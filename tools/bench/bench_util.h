/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared by the benchmarks: a monotonic clock in ns and the median of
 * the rounds (every benchmark quotes medians). */
#ifndef TDM_BENCH_UTIL_H
#define TDM_BENCH_UTIL_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) in place (v[0] is then the minimum) and returns its
 * median. */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

#endif
