/*
 * test_access.c
 *	  Masking of ID and phone numbers, the capabilities of each role, and
 *	  the scope of an institution: its own persons, plus those an active
 *	  referral, screening episode or follow-up plan links it to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/access.h"
#include "store_fixture.h"

static void
masks_numbers(void **state)
{
	static const char *const ids[][2] = {
		{"11010519491231002X", "110***********002X"},
		{"110105491231002", "110********1002"},
		{"AB12", "***2"},
		{"", ""},
	};
	static const char *const phones[][2] = {
		{"13812341234", "138****1234"},
		{"02087654321", "020****4321"},
		{"1234", "****"},
	};
	char out[40];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		fg_mask_id_number(ids[i][0], out, sizeof(out));
		assert_string_equal(out, ids[i][1]);
	}
	for (size_t i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		fg_mask_phone(phones[i][0], out, sizeof(out));
		assert_string_equal(out, phones[i][1]);
	}
}

static void
roles_have_only_their_capabilities(void **state)
{
	assert_true(fg_role_capabilities("clinician") & FG_CAN_UNMASK);
	assert_false(fg_role_capabilities("screening") & FG_CAN_UNMASK);
	assert_false(fg_role_capabilities("system_admin") & FG_CAN_READ_PERSONS);
	assert_false(fg_role_capabilities("auditor") & FG_CAN_READ_PERSONS);
	assert_true(fg_role_capabilities("auditor") & FG_CAN_READ_AUDIT);
	assert_false(fg_role_capabilities("registry") & FG_CAN_READ_AUDIT);
	assert_false(fg_role_capabilities("institution_admin") & FG_CAN_WRITE_PERSONS);
	assert_int_equal(fg_role_capabilities("boss"), 0);
	assert_int_equal(fg_role_capabilities(NULL), 0);
	for (const char *const *r = fg_role_names(); *r; r++)
		assert_int_not_equal(fg_role_capabilities(*r), 0);
}

static const char fixture[] =
	"INSERT INTO institution (id, uscc, name, kind, district, created_at) VALUES"
	" (1, 'A', 'Centre', 'cancer_centre', '440106', '2026-01-01'),"
	" (2, 'B', 'Hospital', 'hospital', '440104', '2026-01-01'),"
	" (3, 'C', 'Community', 'community', '440103', '2026-01-01');"
	"INSERT INTO person (id, district, institution_id, name, name_key, sex, birth_date, created_at, updated_at)"
	" VALUES (1, '440103', 3, '甲', '甲', '1', '1960-01-01', 'x', 'x'),"
	" (2, '440103', 3, '乙', '乙', '2', '1961-01-01', 'x', 'x'),"
	" (3, '440103', 3, '丙', '丙', '2', '1962-01-01', 'x', 'x'),"
	" (4, '440104', 2, '丁', '丁', '1', '1963-01-01', 'x', 'x');"
	"INSERT INTO referral (id, district, person_id, institution_id, to_institution_id, direction, kind,"
	" state, requested_at) VALUES (1, '440103', 1, 3, 2, 'up', 'diagnosis', 'requested', '2026-01-01'),"
	" (2, '440103', 2, 3, 2, 'up', 'diagnosis', 'requested', '2026-01-01');"
	"UPDATE referral SET state = 'accepted', accepted_at = '2026-01-02T09:00' WHERE id IN (1, 2);"
	"UPDATE referral SET state = 'scheduled' WHERE id = 2;"
	"UPDATE referral SET state = 'attended' WHERE id = 2;"
	"UPDATE referral SET state = 'completed' WHERE id = 2;"
	"INSERT INTO followup_plan (district, person_id, institution_id, plan_code, started_on)"
	" VALUES ('440103', 3, 2, 'lung', '2026-01-01');";

static int
setup(void **state)
{
	*state = fixture_store(fixture);
	return *state != NULL ? 0 : -1;
}

static bool
sees(fg_store *store, int64_t institution, const char *role, int64_t person)
{
	struct fg_user user = {.id = 1, .institution_id = institution, .active = true};
	struct fg_scope scope;
	struct fg_person p;
	fg_rc rc;

	strcpy(user.role, role);
	assert_int_equal(fg_scope_for(store, &user, &scope, NULL), FG_OK);
	rc = fg_scope_person_get(store, &scope, person, &p, NULL);
	assert_true(rc == FG_OK || rc == FG_NOTFOUND);
	return rc == FG_OK;
}

static void
institutions_see_their_persons(void **state)
{
	/* The community centre registered 1-3; the hospital registered 4. */
	for (int64_t id = 1; id <= 3; id++)
		assert_true(sees(*state, 3, "clinician", id));
	assert_false(sees(*state, 3, "clinician", 4));
	assert_true(sees(*state, 2, "clinician", 4));
	/* An accepted referral and an active follow-up plan open a person to the hospital; a completed referral not. */
	assert_true(sees(*state, 2, "clinician", 1));
	assert_false(sees(*state, 2, "clinician", 2));
	assert_true(sees(*state, 2, "followup", 3));
	/* The cancer centre sees the region; its administrators and auditors see no person. */
	for (int64_t id = 1; id <= 4; id++)
		assert_true(sees(*state, 1, "registry", id));
	assert_false(sees(*state, 1, "system_admin", 1));
	assert_false(sees(*state, 1, "auditor", 1));
	assert_false(sees(*state, 3, "clinician", 99));
}

static void
searches_leave_out_what_is_out_of_scope(void **state)
{
	struct fg_person_query q = {.limit = 10, .visible_to = 2};
	struct fg_person_list list;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_person_find(*state, &q, &arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 3);	/* 4 own, 1 referred, 3 followed up */
	assert_int_equal(list.items[0].id, 1);
	assert_int_equal(list.items[1].id, 3);
	assert_int_equal(list.items[2].id, 4);
	q.visible_to = 0;
	assert_int_equal(fg_person_find(*state, &q, &arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 4);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masks_numbers),
		cmocka_unit_test(roles_have_only_their_capabilities),
		cmocka_unit_test_setup_teardown(institutions_see_their_persons, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(searches_leave_out_what_is_out_of_scope, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
