/*
 * test_audit.c
 *	  The hash-chained audit log: appending chains each row to the one
 *	  before; verify finds a changed, removed or re-hashed row; search
 *	  pages newest first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/audit.h"
#include "fangai/util.h"
#include "store_fixture.h"

#define ROWS 10

/* Drop trigger name of audit_log, in the backend's syntax, then run sql. */
static fg_rc
drop_trigger_then(fg_store *store, const char *name, const char *sql)
{
	char drop[128];
	fg_rc rc;

	snprintf(drop, sizeof(drop), fixture_pg_uri() ? "DROP TRIGGER %s ON audit_log" : "DROP TRIGGER %s",
		 name);
	rc = fg_store_exec(store, drop, NULL);
	return rc == FG_OK ? fg_store_exec(store, sql, NULL) : rc;
}

static int
setup(void **state)
{
	struct fg_audit_entry e[ROWS];
	fg_store *store = fixture_store("INSERT INTO institution (id, uscc, name, kind, district, created_at)"
					" VALUES (1, 'X', 'Centre', 'cancer_centre', '440106', '2026-01-01');"
					"INSERT INTO app_user (id, institution_id, username, display_name, role,"
					" created_at) VALUES (1, 1, 'a.b', 'A', 'registry', '2026-01-01')");

	if (store == NULL)
		return -1;
	memset(e, 0, sizeof(e));
	for (int i = 0; i < ROWS; i++) {
		e[i].user_id = 1;
		e[i].institution_id = 1;
		fg_strlcpy(e[i].action, i % 2 ? "read" : "search", sizeof(e[i].action));
		snprintf(e[i].resource, sizeof(e[i].resource), "person/%d", i + 1);
		fg_strlcpy(e[i].result, "ok", sizeof(e[i].result));
		fg_strlcpy(e[i].client, "127.0.0.1", sizeof(e[i].client));
	}
	/* In two appends, so that the second chains to the first's last row. */
	*state = store;
	return fg_audit_append(store, e, 4, NULL) == FG_OK && fg_audit_append(store, e + 4, ROWS - 4, NULL) == FG_OK
		       ? 0 : -1;
}

static int64_t
verify(fg_store *store)
{
	struct fg_audit_report report;

	assert_int_equal(fg_audit_verify(store, NULL, &report, NULL), FG_OK);
	return report.first_bad;
}

static void
intact_log_verifies(void **state)
{
	struct fg_audit_report report;

	assert_int_equal(fg_audit_verify(*state, NULL, &report, NULL), FG_OK);
	assert_int_equal(report.rows, ROWS);
	assert_int_equal(report.first_bad, 0);
	assert_int_equal(report.head_id, ROWS);
	assert_int_equal(strlen(report.head_hash), 64);
}

static void
anchor_finds_a_cut_log(void **state)
{
	struct fg_audit_report report;
	struct fg_audit_anchor anchor;

	assert_int_equal(fg_audit_verify(*state, NULL, &report, NULL), FG_OK);
	anchor.id = report.head_id;
	strcpy(anchor.hash, report.head_hash);
	assert_int_equal(fg_audit_verify(*state, &anchor, &report, NULL), FG_OK);
	assert_int_equal(report.first_bad, 0);
	/* Cutting the tail leaves a valid chain, but not the anchor's row. */
	assert_int_equal(drop_trigger_then(*state, "audit_log_no_delete",
					   "DELETE FROM audit_log WHERE id >= 9"), FG_OK);
	assert_int_equal(fg_audit_verify(*state, NULL, &report, NULL), FG_OK);
	assert_int_equal(report.first_bad, 0);
	assert_int_equal(fg_audit_verify(*state, &anchor, &report, NULL), FG_OK);
	assert_int_equal(report.first_bad, ROWS);
	anchor.hash[0] = anchor.hash[0] == 'a' ? 'b' : 'a';
	anchor.id = 8;
	assert_int_equal(fg_audit_verify(*state, &anchor, &report, NULL), FG_OK);
	assert_int_equal(report.first_bad, 8);
}

static void
database_refuses_update_and_delete(void **state)
{
	assert_int_not_equal(fg_store_exec(*state, "UPDATE audit_log SET result = 'x' WHERE id = 2", NULL), FG_OK);
	assert_int_not_equal(fg_store_exec(*state, "DELETE FROM audit_log WHERE id = 2", NULL), FG_OK);
	assert_int_equal(verify(*state), 0);
}

static void
changed_row_is_found(void **state)
{
	assert_int_equal(drop_trigger_then(*state, "audit_log_no_update",
					   "UPDATE audit_log SET resource = 'person/99' WHERE id = 6"), FG_OK);
	assert_int_equal(verify(*state), 6);
}

static void
removed_row_is_found(void **state)
{
	assert_int_equal(drop_trigger_then(*state, "audit_log_no_delete",
					   "DELETE FROM audit_log WHERE id = 3"), FG_OK);
	assert_int_equal(verify(*state), 4);
}

static void
rehashed_row_is_found(void **state)
{
	/* Recomputing a changed row's own hash still breaks the next row's link. */
	assert_int_equal(drop_trigger_then(*state, "audit_log_no_update",
					   "UPDATE audit_log SET hash = (SELECT hash FROM audit_log"
					   " WHERE id = 1) WHERE id = 5"), FG_OK);
	assert_int_equal(verify(*state), 5);
}

static void
search_pages_newest_first(void **state)
{
	struct fg_audit_query q = {.action = "read", .limit = 2, .offset = 1};
	struct fg_audit_list list;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_audit_find(*state, &q, &arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, ROWS / 2);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].resource, "person/8");
	assert_string_equal(list.items[1].resource, "person/6");
	q.limit = 0;
	assert_int_equal(fg_audit_find(*state, &q, &arena, &list, NULL), FG_INVALID);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intact_log_verifies, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(database_refuses_update_and_delete, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(anchor_finds_a_cut_log, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(changed_row_is_found, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(removed_row_is_found, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(rehashed_row_is_found, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(search_pages_newest_first, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
