/*
 * test_export_job.c
 *	  Unit tests of the record of FHIR Bulk Data export jobs: a job is
 *	  recorded running, then done with its files in order (or failed with
 *	  its error), listed oldest first, and forgotten with its files; an
 *	  unknown or repeated id is refused and changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/exportjob.h"
#include "store_fixture.h"

static int
setup(void **state)
{
	*state = fixture_store("INSERT INTO institution (id, uscc, name, kind, district, created_at)"
			       " VALUES (1, 'X', 'Centre', 'cancer_centre', '440106', '2026-01-01');"
			       "INSERT INTO app_user (id, institution_id, username, display_name, role, created_at)"
			       " VALUES (7, 1, 'reg', 'Reg', 'registry', '2026-01-01')");
	return *state != NULL ? 0 : -1;
}

static struct fg_export_job
job_named(const char *id, const char *started)
{
	struct fg_export_job job = {.user_id = 7};

	strcpy(job.id, id);
	strcpy(job.request, "http://localhost/fhir/$export");
	strcpy(job.started, started);
	strcpy(job.dir, "/tmp/fangai-export-x");
	return job;
}

static void
test_running_then_done(void **state)
{
	static const struct fg_export_file files[] = {
		{"Patient", "Patient-1.ndjson", 10000}, {"Patient", "Patient-2.ndjson", 5}, {"Condition", "Condition-3.ndjson", 2},
	};
	struct fg_export_job job = job_named("aa01", "2026-03-01T10:00:00Z"), got;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_export_job_add(*state, &job, NULL), FG_OK);
	assert_int_equal(fg_export_job_get(*state, "aa01", &arena, &got, NULL), FG_OK);
	assert_string_equal(got.state, "running");
	assert_int_equal(got.user_id, 7);
	assert_int_equal(got.nfiles, 0);
	assert_int_equal(fg_export_job_finish(*state, "aa01", "done", NULL, files, 3, NULL), FG_OK);
	assert_int_equal(fg_export_job_get(*state, "aa01", &arena, &got, NULL), FG_OK);
	assert_string_equal(got.state, "done");
	assert_string_equal(got.request, job.request);
	assert_string_equal(got.started, job.started);
	assert_string_equal(got.dir, job.dir);
	assert_string_equal(got.error, "");
	assert_int_equal(got.nfiles, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(got.files[i].type, files[i].type);
		assert_string_equal(got.files[i].name, files[i].name);
		assert_int_equal(got.files[i].count, files[i].count);
	}
	fg_arena_free(&arena);
}

static void
test_failed_listed_removed(void **state)
{
	struct fg_export_job a = job_named("bb02", "2026-03-02T10:00:00Z"), b = job_named("bb01", "2026-03-01T10:00:00Z");
	struct fg_export_job got, *list;
	struct fg_arena arena;
	struct fg_error err;
	size_t n;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_export_job_add(*state, &a, NULL), FG_OK);
	assert_int_equal(fg_export_job_add(*state, &b, NULL), FG_OK);
	assert_int_equal(fg_export_job_add(*state, &b, &err), FG_CONFLICT);
	assert_int_equal(fg_export_job_finish(*state, "bb02", "failed", "disk full", NULL, 0, NULL), FG_OK);
	assert_int_equal(fg_export_job_get(*state, "bb02", &arena, &got, NULL), FG_OK);
	assert_string_equal(got.state, "failed");
	assert_string_equal(got.error, "disk full");
	assert_int_equal(fg_export_job_list(*state, &arena, &list, &n, NULL), FG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "bb01");
	assert_string_equal(list[1].id, "bb02");
	assert_int_equal(fg_export_job_remove(*state, "bb01", NULL), FG_OK);
	assert_int_equal(fg_export_job_get(*state, "bb01", &arena, &got, &err), FG_NOTFOUND);
	assert_string_equal(err.field, "job");
	assert_int_equal(fg_export_job_remove(*state, "bb01", NULL), FG_NOTFOUND);
	assert_int_equal(fg_export_job_finish(*state, "zz99", "done", NULL, NULL, 0, NULL), FG_NOTFOUND);
	assert_int_equal(fg_export_job_list(*state, &arena, &list, &n, NULL), FG_OK);
	assert_int_equal(n, 1);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_running_then_done, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_failed_listed_removed, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
