/*
 * bench_linkage.c
 *	  Registering one new person against a large registry with its
 *	  duplicate check: a registry of BENCH_LINK_REGISTRY persons (default
 *	  1,000,000) is written straight into SQLite, a linkage model is
 *	  estimated on 100,000 synthetic records and kept as the registry's,
 *	  then BENCH_LINK_NEW persons (default 2,000) are each registered as
 *	  the platform registers them (fg_link_register: validated, stored,
 *	  checked against the registry and their candidates queued, in their
 *	  own transaction); p50 and p99 of that, and of the check alone
 *	  (fg_link_registry_check).
 *	  BENCH_LINK_DB names a database to keep: its registry is written on the
 *	  first run and used as it is by the next ones (with the persons the
 *	  earlier runs registered: copy it aside to start each run afresh;
 *	  BENCH_LINK_NEW=0 only writes it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fangai/linkage.h"
#include "fangai/person.h"
#include "fangai/synth.h"
#include "bench.h"

#define BATCH 50000

/* CPU time of this thread: the check's own work, without waiting for a core. */
static double
thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The 1-minute load average, to read the latencies against. */
static double
load_average(void)
{
	double load = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fscanf(f, "%lf", &load) != 1)
			load = 0;
		fclose(f);
	}
	return load;
}

struct loader {
	fg_store *store;
	int64_t n;
	struct fg_error *err;
};

/* Write a resident as a person row, as the registry would store it. */
static fg_rc
store_resident(const struct fg_synth_resident *r, void *userdata, struct fg_error *err)
{
	struct loader *l = userdata;
	char key[FG_NAME_MAX];
	fg_stmt *st;
	fg_rc rc;

	if (l->n % BATCH == 0 && (rc = fg_store_begin(l->store, err)) != FG_OK)
		return rc;
	rc = fg_name_key(r->name, key, sizeof(key), err);
	if (rc == FG_OK)
		rc = fg_store_prepare(l->store, "INSERT INTO person (district, institution_id, id_number,"
				      " name, name_key, sex, birth_date, phone, address, created_at, updated_at)"
				      " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, r->district);
	fg_stmt_bind_text(st, 2, r->id_number);
	fg_stmt_bind_text(st, 3, r->name);
	fg_stmt_bind_text(st, 4, key);
	fg_stmt_bind_text(st, 5, r->sex);
	fg_stmt_bind_text(st, 6, r->birth_date);
	fg_stmt_bind_text(st, 7, r->phone[0] ? r->phone : NULL);
	fg_stmt_bind_text(st, 8, r->address);
	rc = fg_stmt_scalar_int64(st, NULL, NULL, err);
	if (rc == FG_OK && ++l->n % BATCH == 0)
		rc = fg_store_commit(l->store, err);
	return rc;
}

static fg_rc
add_record(const struct fg_link_synth_record *r, void *userdata, struct fg_error *err)
{
	const char *values[] = {r->id_number, r->name, r->sex, r->birth_date, r->phone, r->address};

	return fg_link_data_add(userdata, r->key, values, err);
}

static fg_rc
ignore_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	return FG_OK;
}

struct newcomer {
	fg_store *store;
	const struct fg_link_spec *spec;
	const struct fg_link_model *model;
	double *total, *check, *check_cpu;
	int64_t n, max, linked, queued;
};

/*
 * Register one person as the platform does (fg_link_register: validation,
 * registration, the duplicate check with the registry's model and the
 * queueing of its candidates, in one transaction) and time it; time the
 * check alone too, on the person validated, before.
 */
static fg_rc
register_one(const struct fg_synth_resident *r, void *userdata, struct fg_error *err)
{
	struct newcomer *c = userdata;
	struct fg_person_input in = {
		.institution = "1", .id_number = r->id_number, .name = r->name, .sex = r->sex,
		.birth_date = r->birth_date, .phone = r->phone, .address = r->address,
		.district = r->district,
	};
	struct fg_link_candidate cands[16];
	struct fg_person p, out;
	size_t n = 0, queued = 0;
	bool matched, checked;
	double t0, cpu0;
	fg_rc rc;

	rc = fg_person_validate(c->store, &in, &p, err);
	t0 = now();
	cpu0 = thread_cpu();
	if (rc == FG_OK)
		rc = fg_link_registry_check(c->store, c->spec, c->model, &p, cands, 16, &n, err);
	c->check[c->n] = now() - t0;
	c->check_cpu[c->n] = thread_cpu() - cpu0;
	t0 = now();
	if (rc == FG_OK)
		rc = fg_link_register(c->store, &in, &out, &matched, NULL, cands, 16, &queued, &checked, err);
	if (rc == FG_OK && !matched && !checked)
		rc = fg_error_set(err, FG_INTERNAL, NULL, "the registry's model was not found");
	c->total[c->n++] = now() - t0;
	c->linked += n > 0;
	c->queued += (int64_t)queued;
	return rc;
}

static void
print_percentiles(const char *what, double *v, int64_t n)
{
	if (n == 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%-44s p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", what, v[n / 2] * 1e3,
	       v[n * 99 / 100] * 1e3, v[n - 1] * 1e3);
}

/* Number of persons in the registry of a kept database. */
static fg_rc
count_persons(fg_store *store, int64_t *n, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT count(*) FROM person", &st, err);

	return rc == FG_OK ? fg_stmt_scalar_int64(st, n, NULL, err) : rc;
}

/* Write the registry of city->persons residents into a new database. */
static fg_rc
write_registry(struct loader *l, struct fg_synth_options *city, int64_t registry,
	       struct fg_error *err)
{
	struct fg_synth_report rep;
	double t = now();
	fg_rc rc;

	rc = fg_synth_city(l->store, city, &rep, err);
	city->persons = registry;
	if (rc == FG_OK)
		rc = fg_synth_residents(city, store_resident, l, err);
	if (rc == FG_OK && l->n % BATCH != 0)
		rc = fg_store_commit(l->store, err);
	if (rc == FG_OK)
		printf("registry of %lld persons written in %.1f s (%.0f rows/s, with name keys and indexes)\n",
		       (long long)l->n, now() - t, (double)l->n / (now() - t));
	return rc;
}

int
main(void)
{
	const char *work = getenv("BENCH_WORK"), *reg_env = getenv("BENCH_LINK_REGISTRY");
	const char *new_env = getenv("BENCH_LINK_NEW"), *keep = getenv("BENCH_LINK_DB");
	int64_t registry = reg_env ? atoll(reg_env) : 1000000, fresh = new_env ? atoll(new_env) : 2000;
	struct fg_store_options sopts = {.create = true};
	struct fg_synth_options city = {.seed = 3, .persons = 0, .as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_link_synth_options lso = {.seed = 5, .persons = 100000, .duplicates = 0.1,
					    .as_of = city.as_of};
	struct fg_link_spec spec;
	struct fg_link_model model;
	struct fg_error err;
	struct loader l = {0};
	struct newcomer c = {0};
	fg_link_data *sample = NULL;
	char path[512];
	bool kept = keep != NULL && access(keep, F_OK) == 0;
	double t;

	snprintf(path, sizeof(path), "%s", keep ? keep : work ? work : "/tmp");
	if (keep == NULL)
		strncat(path, "/linkage.db", sizeof(path) - strlen(path) - 1);
	if (!kept)
		remove_db(path);
	if (fg_store_open(path, &sopts, &l.store, &err) != FG_OK ||
	    fg_store_migrate(l.store, NULL, &err) != FG_OK ||
	    fg_store_exec(l.store, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", &err) != FG_OK ||
	    (kept ? count_persons(l.store, &l.n, &err) : write_registry(&l, &city, registry, &err)) != FG_OK)
		return bench_fail("bench_linkage", &err);
	if (kept)
		printf("registry of %lld persons kept in %s\n", (long long)l.n, path);

	fg_link_spec_default(&spec);
	t = now();
	if (fg_link_data_new(&spec, 0, &sample, &err) != FG_OK ||
	    fg_link_synth(&lso, add_record, sample, &err) != FG_OK ||
	    fg_link_run(&spec, sample, NULL, 1.0, 2, ignore_pair, NULL, &model, &err) != FG_OK)
		return bench_fail("bench_linkage", &err);
	printf("linkage model estimated on %zu records in %.1f s\n", fg_link_data_count(sample), now() - t);
	fg_link_data_free(sample);
	if (fg_link_model_save(l.store, &spec, &model, &err) != FG_OK)
		return bench_fail("bench_linkage", &err);

	c = (struct newcomer){.store = l.store, .spec = &spec, .model = &model, .max = fresh};
	c.total = calloc((size_t)fresh, sizeof(double));
	c.check = calloc((size_t)fresh, sizeof(double));
	c.check_cpu = calloc((size_t)fresh, sizeof(double));
	city.seed = 99;
	city.persons = fresh;
	if (c.total == NULL || c.check == NULL || c.check_cpu == NULL ||
	    fg_synth_residents(&city, register_one, &c, &err) != FG_OK)
		return bench_fail("bench_linkage", &err);
	printf("registering %lld new persons against %lld, each in its own transaction"
	       " (load average %.1f):\n", (long long)c.n, (long long)l.n, load_average());
	print_percentiles("  registration (fg_link_register: validate, register, check, queue):", c.total, c.n);
	print_percentiles("  duplicate check alone:", c.check, c.n);
	print_percentiles("  duplicate check alone, CPU time:", c.check_cpu, c.n);
	printf("  %lld of them had a candidate to link or review; their registrations queued %lld pairs\n",
	       (long long)c.linked, (long long)c.queued);
	free(c.total);
	free(c.check);
	free(c.check_cpu);
	fg_store_close(l.store);
	if (keep == NULL)
		remove_db(path);
	return 0;
}
