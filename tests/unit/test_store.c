/*
 * test_store.c
 *	  Unit tests of the storage interface, on SQLite or on PostgreSQL
 *	  (store_fixture.h): migrations, the statement cache, nested
 *	  transactions, constraint mapping, bulk copies, look-ups by keys and
 *	  indexes deferred for a bulk load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/store.h"
#include "store_fixture.h"

static int
setup(void **state)
{
	fg_store *store = NULL;

	if (fixture_open(&store) != FG_OK) {
		fg_store_close(store);
		return -1;
	}
	*state = store;
	return 0;
}

static int
teardown(void **state)
{
	fg_store_close(*state);
	return 0;
}

static int64_t
scalar(fg_store *store, const char *sql)
{
	fg_stmt *st;
	int64_t v = -1;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &v, NULL, NULL), FG_OK);
	return v;
}

static void
test_migrate_is_idempotent(void **state)
{
	fg_store *store = *state;
	int applied = -1, version = -1;

	assert_int_equal(fg_store_migrate(store, &applied, NULL), FG_OK);
	assert_true(applied >= 1 && applied <= fg_store_schema_latest(store));	/* numbers may skip */
	assert_int_equal(fg_store_migrate(store, &applied, NULL), FG_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(fg_store_schema_version(store, &version, NULL), FG_OK);
	assert_int_equal(version, fg_store_schema_latest(store));
	if (fixture_pg_uri() == NULL) {
		assert_int_equal(scalar(store, "PRAGMA foreign_keys"), 1);
		assert_string_equal(fg_store_backend(store), "sqlite");
	} else
		assert_string_equal(fg_store_backend(store), "postgresql");
}

static void
test_nested_transactions(void **state)
{
	fg_store *store = *state;

	assert_int_equal(fg_store_exec(store, "CREATE TABLE t (x INTEGER UNIQUE)", NULL), FG_OK);
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO t VALUES (1)", NULL), FG_OK);
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO t VALUES (2)", NULL), FG_OK);
	fg_store_rollback(store);	/* undoes 2 only */
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO t VALUES (3)", NULL), FG_OK);
	assert_int_equal(fg_store_commit(store, NULL), FG_OK);
	assert_int_equal(fg_store_commit(store, NULL), FG_OK);
	assert_int_equal(scalar(store, "SELECT sum(x) FROM t"), 4);

	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO t VALUES (10)", NULL), FG_OK);
	fg_store_rollback(store);
	assert_int_equal(scalar(store, "SELECT sum(x) FROM t"), 4);
	assert_int_equal(fg_store_commit(store, NULL), FG_MISUSE);
}

static void
test_constraint_is_conflict(void **state)
{
	fg_store *store = *state;
	struct fg_error err;
	fg_stmt *st;
	bool row;

	assert_int_equal(fg_store_exec(store, "CREATE TABLE u (x INTEGER UNIQUE)", NULL), FG_OK);
	assert_int_equal(fg_store_prepare(store, "INSERT INTO u VALUES (?)", &st, NULL), FG_OK);
	fg_stmt_bind_int64(st, 1, 7);
	assert_int_equal(fg_stmt_step(st, &row, &err), FG_OK);
	fg_stmt_reset(st);
	assert_int_equal(fg_store_prepare(store, "INSERT INTO u VALUES (?)", &st, NULL), FG_OK);
	fg_stmt_bind_int64(st, 1, 7);
	assert_int_equal(fg_stmt_step(st, &row, &err), FG_CONFLICT);
	fg_stmt_reset(st);
	assert_int_equal(err.code, FG_CONFLICT);
}

static void
test_statement_cache_and_columns(void **state)
{
	fg_store *store = *state;
	fg_stmt *a, *b;
	bool row;

	assert_int_equal(fg_store_prepare(store, "SELECT ?1, ?2, ?3, ?4", &a, NULL), FG_OK);
	assert_int_equal(fg_store_prepare(store, "SELECT ?1, ?2, ?3, ?4", &b, NULL), FG_OK);
	assert_ptr_equal(a, b);
	fg_stmt_bind_text(a, 1, "陈");
	fg_stmt_bind_int64(a, 2, INT64_MAX);
	fg_stmt_bind_double(a, 3, 0.125);
	fg_stmt_bind_text(a, 4, NULL);
	assert_int_equal(fg_stmt_step(a, &row, NULL), FG_OK);
	assert_true(row);
	assert_string_equal(fg_stmt_text(a, 0), "陈");
	assert_true(fg_stmt_int64(a, 1) == INT64_MAX);
	assert_true(fg_stmt_double(a, 2) == 0.125);
	assert_true(fg_stmt_is_null(a, 3));
	assert_null(fg_stmt_text(a, 3));
	fg_stmt_reset(a);
	/* Many distinct statements grow the cache. */
	for (int i = 0; i < 300; i++) {
		char sql[64];
		int64_t v;

		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(fg_store_prepare(store, sql, &a, NULL), FG_OK);
		assert_int_equal(fg_stmt_scalar_int64(a, &v, NULL, NULL), FG_OK);
		assert_int_equal(v, i);
	}
}

static void
test_copy_rows(void **state)
{
	fg_store *store = *state;
	const char *cols[] = {"x", "t"};
	const char *rows[] = {"1", "陈\tA\\b\nc", "2", NULL, "3", ""};
	const char *dup[] = {"4", "d", "1", "again"};
	struct fg_error err;
	fg_stmt *st;
	bool row;

	assert_int_equal(fg_store_exec(store, "CREATE TABLE c (x INTEGER UNIQUE, t TEXT)", NULL), FG_OK);
	assert_int_equal(fg_store_copy(store, "c", cols, 2, rows, 3, &err), FG_OK);
	assert_int_equal(scalar(store, "SELECT count(*) FROM c WHERE t IS NULL"), 1);
	assert_int_equal(fg_store_prepare(store, "SELECT t FROM c WHERE x = ?", &st, NULL), FG_OK);
	fg_stmt_bind_int64(st, 1, 1);
	assert_int_equal(fg_stmt_step(st, &row, NULL), FG_OK);
	assert_true(row);
	assert_string_equal(fg_stmt_text(st, 0), "陈\tA\\b\nc");
	fg_stmt_reset(st);
	/* A refused copy keeps none of its rows, and the transaction goes on. */
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_copy(store, "c", cols, 2, dup, 2, &err), FG_CONFLICT);
	assert_int_equal(scalar(store, "SELECT count(*) FROM c"), 3);
	assert_int_equal(fg_store_copy(store, "c", cols, 2, dup, 1, &err), FG_OK);
	assert_int_equal(fg_store_commit(store, NULL), FG_OK);
	assert_int_equal(scalar(store, "SELECT sum(x) FROM c"), 10);
	assert_int_equal(fg_store_copy(store, "c; DROP TABLE c", cols, 2, dup, 1, &err), FG_INVALID);
	assert_string_equal(err.field, "table");
}

/* Sum the x of each row found by fg_store_for_keys(). */
static void
add_x(void *userdata, fg_stmt *st)
{
	*(int64_t *)userdata += fg_stmt_int64(st, 0);
}

static void
test_for_keys(void **state)
{
	fg_store *store = *state;
	const char *const cols[] = {"x", "t", "g"};
	/* Texts that an array literal or a list of parameters must keep whole. */
	const char *const rows[] = {
		"1", "a\"b", "g", "2", "c,d", "g", "4", "e\\f", "g", "8", "{h}", "g", "16", "i", "other",
	};
	const char *keys[600];
	const char *const group[] = {"g"};
	char spare[600][16];
	int64_t sum = 0;

	assert_int_equal(fg_store_exec(store, "CREATE TABLE k (x INTEGER, t TEXT, g TEXT)", NULL), FG_OK);
	assert_int_equal(fg_store_copy(store, "k", cols, 3, rows, 5, NULL), FG_OK);
	/* More keys than one list of parameters holds, the wanted ones last, one twice. */
	for (int i = 0; i < 595; i++) {
		snprintf(spare[i], sizeof(spare[i]), "n%d", i);
		keys[i] = spare[i];
	}
	keys[595] = "a\"b";
	keys[596] = "c,d";
	keys[597] = "e\\f";
	keys[598] = "{h}";
	keys[599] = "c,d";
	assert_int_equal(fg_store_for_keys(store, "SELECT x FROM k WHERE g = ? AND t", group, 1, keys,
					   600, add_x, &sum, NULL), FG_OK);
	assert_int_equal(sum, 15);
	/* The key of another group is not found; a statement without rows runs. */
	keys[0] = "i";
	sum = 0;
	assert_int_equal(fg_store_for_keys(store, "SELECT x FROM k WHERE g = ? AND t", group, 1, keys,
					   1, add_x, &sum, NULL), FG_OK);
	assert_int_equal(sum, 0);
	assert_int_equal(fg_store_for_keys(store, "UPDATE k SET x = 0 WHERE g = ? AND t", group, 1,
					   &keys[595], 2, NULL, NULL, NULL), FG_OK);
	assert_int_equal(scalar(store, "SELECT sum(x) FROM k"), 28);
}

/* The definitions of table d's indexes (and on PostgreSQL its foreign keys), one text. */
static void
structures_of_d(fg_store *store, char *out, size_t outsz)
{
	const char *sql = strcmp(fg_store_backend(store), "sqlite") == 0
		? "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master"
		  " WHERE tbl_name = 'd' AND type = 'index' ORDER BY name)"
		: "SELECT string_agg(def, ';' ORDER BY def) FROM (SELECT indexdef AS def FROM pg_indexes"
		  " WHERE tablename = 'd' UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint"
		  " WHERE conrelid = CAST('d' AS regclass) AND contype = 'f') AS s";
	fg_stmt *st;
	bool row;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_step(st, &row, NULL), FG_OK);
	snprintf(out, outsz, "%s", fg_stmt_text(st, 0) ? fg_stmt_text(st, 0) : "");
	fg_stmt_reset(st);
}

static void
test_defer_indexes(void **state)
{
	fg_store *store = *state;
	const char *const tables[] = {"d", NULL}, *const bad[] = {"d; DROP TABLE d", NULL};
	bool pg = strcmp(fg_store_backend(store), "postgresql") == 0;
	char before[1024], during[1024], after[1024];
	fg_store_deferred *d = (fg_store_deferred *)1;
	struct fg_error err;

	assert_int_equal(fg_store_exec(store, "CREATE TABLE d (id INTEGER PRIMARY KEY, u TEXT, t TEXT,"
				       " up INTEGER REFERENCES d(id));"
				       " CREATE UNIQUE INDEX d_u ON d(u); CREATE INDEX d_t ON d(t, u);"
				       " CREATE INDEX d_some ON d(t) WHERE t IS NOT NULL", NULL), FG_OK);
	structures_of_d(store, before, sizeof(before));
	assert_non_null(strstr(before, "d_some"));
	assert_int_equal(fg_store_defer_indexes(store, tables, &d, &err), FG_MISUSE);
	assert_null(d);
	/* Rolled back, nothing was dropped. */
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_defer_indexes(store, bad, &d, &err), FG_INVALID);
	assert_string_equal(err.field, "table");
	assert_int_equal(fg_store_defer_indexes(store, tables, &d, &err), FG_OK);
	structures_of_d(store, during, sizeof(during));
	assert_null(strstr(during, "d_t"));
	assert_null(strstr(during, "d_some"));
	assert_non_null(strstr(during, "d_u"));	/* unique: kept */
	fg_store_rollback(store);
	fg_store_deferred_free(d);
	structures_of_d(store, after, sizeof(after));
	assert_string_equal(after, before);
	/* Made again after rows, the same as before. */
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_defer_indexes(store, tables, &d, &err), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO d VALUES (1, 'a', 'x', NULL), (2, 'b', NULL, 1)",
				       NULL), FG_OK);
	assert_int_equal(fg_store_restore_indexes(store, d, &err), FG_OK);
	assert_int_equal(fg_store_commit(store, NULL), FG_OK);
	structures_of_d(store, after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(scalar(store, "SELECT count(*) FROM d WHERE t = 'x'"), 1);
	if (!pg)
		return;
	/* PostgreSQL checks its foreign keys when they are made again. */
	assert_int_equal(fg_store_begin(store, NULL), FG_OK);
	assert_int_equal(fg_store_defer_indexes(store, tables, &d, &err), FG_OK);
	assert_int_equal(fg_store_exec(store, "INSERT INTO d VALUES (3, 'c', NULL, 99)", NULL), FG_OK);
	assert_int_equal(fg_store_restore_indexes(store, d, &err), FG_CONFLICT);
	fg_store_rollback(store);
	assert_int_equal(scalar(store, "SELECT count(*) FROM d"), 2);
	structures_of_d(store, after, sizeof(after));
	assert_string_equal(after, before);
}

static void
test_open_errors(void **state)
{
	struct fg_store_options no_create = {.create = false};
	struct fg_error err;
	fg_store *store = (fg_store *)1;

	assert_int_equal(fg_store_open("mysql://localhost/x", NULL, &store, &err), FG_INVALID);
	assert_null(store);
	assert_string_equal(err.field, "db");
	assert_int_equal(fg_store_open("/nonexistent/dir/x.db", &no_create, &store, &err), FG_IO);
	assert_string_equal(err.message, "could not open database \"/nonexistent/dir/x.db\"");
	assert_int_equal(fg_store_open("", NULL, &store, &err), FG_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint_is_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_for_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_indexes, setup, teardown),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
