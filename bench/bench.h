/*
 * bench.h
 *	  Helpers shared by the benchmarks under bench/: a monotonic clock,
 *	  sorting latencies, removing a database with its WAL files, and
 *	  reporting a failed library call.
 */
#ifndef FANGAI_BENCH_H
#define FANGAI_BENCH_H

#include <stdio.h>
#include <time.h>

#include "fangai/error.h"

/* Seconds on the monotonic clock. */
static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort comparison of doubles, ascending. */
static inline int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Remove an SQLite database and its -wal and -shm files. */
static inline void
remove_db(const char *path)
{
	char aux[600];

	remove(path);
	snprintf(aux, sizeof(aux), "%s-wal", path);
	remove(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	remove(aux);
}

/* Report a failed call of benchmark `name`; returns the exit status 1. */
static inline int
bench_fail(const char *name, const struct fg_error *err)
{
	fprintf(stderr, "%s: %s (%s)\n", name, err->message, err->detail);
	return 1;
}

#endif
