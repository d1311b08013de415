/*
 * test_backup.c
 *	  Unit tests of backup, restore and check (fangai/backup.h), and of the
 *	  store's recovery from a transaction it did not know was open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "fangai/backup.h"
#include "fangai/store.h"

struct fixture {
	char dir[64];
	char db[96], bak[96], target[96];
	fg_store *store;
};

static int64_t
scalar(fg_store *store, const char *sql)
{
	fg_stmt *st;
	int64_t v = -1;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &v, NULL, NULL), FG_OK);
	return v;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fangai-backup-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/a.db", f->dir);
	snprintf(f->bak, sizeof(f->bak), "%s/a.bak", f->dir);
	snprintf(f->target, sizeof(f->target), "%s/b.db", f->dir);
	if (fg_store_open(f->db, NULL, &f->store, NULL) != FG_OK ||
	    fg_store_migrate(f->store, NULL, NULL) != FG_OK ||
	    fg_store_exec(f->store, "INSERT INTO institution (uscc, name, kind, district, created_at)"
			  " VALUES ('91350100M000100Y43', '示范市癌症中心', 'cancer_centre', '440103',"
			  " '2026-01-01T00:00:00Z')", NULL) != FG_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	fg_store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
test_backup_and_restore(void **state)
{
	struct fixture *f = *state;
	struct fg_backup_report report;
	struct fg_findings problems;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *target = NULL;
	int version = 0;

	assert_int_equal(fg_store_backup(f->store, f->bak, &report, &err), FG_OK);
	assert_true(report.bytes > 0);
	assert_int_equal(report.schema_version, fg_store_schema_latest(f->store));
	assert_int_equal(fg_store_backup(f->store, f->bak, NULL, &err), FG_CONFLICT);
	assert_string_equal(err.field, "file");

	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	assert_int_equal(fg_store_open(f->target, NULL, &target, NULL), FG_OK);
	assert_int_equal(fg_store_restore(target, f->bak, false, &version, &problems, &err), FG_OK);
	assert_int_equal(version, fg_store_schema_latest(target));
	assert_int_equal(scalar(target, "SELECT count(*) FROM institution"), 1);
	/* now the target holds data: refused unless forced */
	assert_int_equal(fg_store_restore(target, f->bak, false, NULL, &problems, &err), FG_CONFLICT);
	assert_int_equal(fg_store_restore(target, f->bak, true, NULL, &problems, &err), FG_OK);
	assert_int_equal(problems.count, 0);
	/* a missing file changes nothing */
	assert_int_equal(fg_store_restore(target, "/nonexistent/x.bak", true, NULL, &problems, &err),
			 FG_IO);
	assert_int_equal(scalar(target, "SELECT count(*) FROM institution"), 1);
	fg_store_close(target);
	fg_arena_free(&arena);
}

static void
test_check_finds_broken_references(void **state)
{
	struct fixture *f = *state;
	struct fg_findings problems;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	assert_int_equal(fg_store_check(f->store, &problems, NULL), FG_OK);
	assert_int_equal(problems.count, 0);
	assert_int_equal(fg_store_exec(f->store, "PRAGMA foreign_keys = OFF;"
				       " UPDATE institution SET parent_id = 99; PRAGMA foreign_keys = ON",
				       NULL), FG_OK);
	assert_int_equal(fg_store_check(f->store, &problems, NULL), FG_OK);
	assert_int_equal(problems.count, 1);
	assert_string_equal(problems.items[0].code, "store.foreign_key");
	assert_string_equal(problems.items[0].message,
			    "row 1 of table \"institution\" refers to a missing row of table \"institution\"");
	fg_arena_free(&arena);
}

static void
test_unknown_transaction_is_rolled_back(void **state)
{
	struct fixture *f = *state;

	/* a transaction the store does not know of, as a failed rollback leaves */
	assert_int_equal(fg_store_exec(f->store, "BEGIN; DELETE FROM institution", NULL), FG_OK);
	assert_int_equal(fg_store_begin(f->store, NULL), FG_OK);
	assert_int_equal(scalar(f->store, "SELECT count(*) FROM institution"), 1);
	assert_int_equal(fg_store_commit(f->store, NULL), FG_OK);
}

static void
test_failed_bind_stops_the_statement(void **state)
{
	struct fixture *f = *state;
	struct fg_error err;
	fg_stmt *st;
	bool row;

	assert_int_equal(fg_store_prepare(f->store, "UPDATE institution SET name_en = ?", &st, NULL),
			 FG_OK);
	assert_int_not_equal(fg_stmt_bind_text(st, 2, "out of range"), FG_OK);
	assert_int_not_equal(fg_stmt_step(st, &row, &err), FG_OK);
	assert_string_equal(err.message, "could not bind parameter 2 of a statement");
	fg_stmt_reset(st);
	assert_int_equal(fg_stmt_bind_text(st, 1, "Cancer Centre"), FG_OK);
	assert_int_equal(fg_stmt_step(st, &row, &err), FG_OK);
	fg_stmt_reset(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_broken_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_transaction_is_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_bind_stops_the_statement, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
