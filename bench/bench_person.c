/*
 * bench_person.c
 *	  The person registry at scale: persons registered per second while
 *	  generating a synthetic city of BENCH_PERSONS (default 1,000,000), then
 *	  look-up by resident ID number at that size (p50 and p99).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/person.h"
#include "fangai/synth.h"
#include "bench.h"

#define LOOKUPS 20000

int
main(void)
{
	const char *work = getenv("BENCH_WORK");
	const char *n_env = getenv("BENCH_PERSONS");
	int64_t persons = n_env ? atoll(n_env) : 1000000;
	struct fg_store_options opts = {.create = true};
	struct fg_synth_options sopts = {.seed = 7, .persons = persons};
	struct fg_synth_report report;
	struct fg_error err;
	char path[512], (*ids)[33] = NULL;
	double t0, t1, *lat = NULL;
	fg_store *store = NULL;
	fg_stmt *st;
	int n = 0, status = 1;
	bool row;

	snprintf(path, sizeof(path), "%s/bench_person.db", work ? work : "/tmp");
	remove_db(path);
	sopts.as_of = fg_date_from_ymd(2025, 12, 31);
	if (fg_store_open(path, &opts, &store, &err) != FG_OK || fg_store_migrate(store, NULL, &err) != FG_OK)
		return bench_fail("bench_person", &err);
	t0 = now();
	if (fg_synth_city(store, &sopts, &report, &err) != FG_OK) {
		status = bench_fail("bench_person", &err);
		goto out;
	}
	t1 = now();
	printf("person registry: %lld persons registered in %.2f s: %.0f persons/s"
	       " (validation, ID-number match, name key, insert; %lld ID redraws)\n",
	       (long long)report.persons, t1 - t0, (double)report.persons / (t1 - t0),
	       (long long)report.id_collisions);

	ids = calloc(LOOKUPS, sizeof(*ids));
	lat = calloc(LOOKUPS, sizeof(*lat));
	if (ids == NULL || lat == NULL)
		goto out;
	if (fg_store_prepare(store, "SELECT id_number FROM person ORDER BY random() LIMIT ?", &st, &err) != FG_OK)
		return bench_fail("bench_person", &err);
	fg_stmt_bind_int64(st, 1, LOOKUPS);
	while (n < LOOKUPS && fg_stmt_step(st, &row, &err) == FG_OK && row)
		snprintf(ids[n++], sizeof(ids[0]), "%s", fg_stmt_text(st, 0));
	fg_stmt_reset(st);
	for (int i = 0; i < n; i++) {
		struct fg_person p;
		double a = now();

		if (fg_person_get_by_id_number(store, ids[i], &p, &err) != FG_OK) {
			status = bench_fail("bench_person", &err);
			goto out;
		}
		lat[i] = (now() - a) * 1e6;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("look-up by ID number at %lld persons: %d look-ups, p50 %.1f us, p99 %.1f us\n",
	       (long long)report.persons, n, lat[n / 2], lat[(n * 99) / 100]);
	status = 0;
out:
	free(ids);
	free(lat);
	fg_store_close(store);
	remove_db(path);
	return status;
}
