/*
 * test_followup_query.c
 *	  Reading follow-up plans and contacts back (fg_followup_plans_find,
 *	  fg_followup_contacts_find): each criterion, the four orders, paging
 *	  with the total of the matches, the end of a plan's period, and which
 *	  visits count as a contact with the patient.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/followup.h"
#include "store_fixture.h"

/*
 * Person 1 (institution 2) has an active plan 1 with two contacts (phone,
 * visit) and an open visit, and an ended plan 2 with a cancelled visit and
 * a death found by record linkage; person 3 (institution 1) has plan 3
 * with a message.
 */
static const char fixture[] =
	"INSERT INTO institution (id, uscc, name, kind, district, created_at) VALUES"
	" (1, 'A', 'Centre', 'cancer_centre', '440106', '2026-01-01'),"
	" (2, 'B', 'Community', 'community', '440103', '2026-01-01');"
	"INSERT INTO person (id, district, institution_id, name, name_key, sex, birth_date, created_at, updated_at)"
	" VALUES (1, '440103', 2, '甲', '甲', '1', '1960-01-01', 'x', 'x'),"
	" (3, '440106', 1, '丙', '丙', '2', '1962-01-01', 'x', 'x');"
	"INSERT INTO followup_plan (id, district, person_id, institution_id, plan_code, started_on, active) VALUES"
	" (1, '440103', 1, 2, 'cancer-standard', '2025-01-15', 1),"
	" (2, '440103', 1, 2, 'diabetes-t2', '2024-03-01', 0),"
	" (3, '440106', 3, 1, 'cancer-standard', '2025-06-01', 1);"
	"INSERT INTO followup (id, district, plan_id, person_id, institution_id, seq, due_date, contact_date, method,"
	" outcome) VALUES"
	" (1, '440103', 1, 1, 2, 1, '2025-04-15', '2025-04-16', 'phone', 'alive'),"
	" (2, '440103', 1, 1, 2, 2, '2025-07-15', '2025-07-20', 'visit', 'recurrence'),"
	" (3, '440103', 1, 1, 2, 3, '2025-10-15', NULL, NULL, NULL),"
	" (4, '440103', 2, 1, 2, 2, '2024-09-01', NULL, NULL, 'cancelled'),"
	" (5, '440103', 2, 1, 2, 1, '2024-06-01', '2024-05-02', 'record_linkage', 'dead'),"
	" (6, '440106', 3, 3, 1, 1, '2025-09-01', '2025-09-01', 'message', 'alive');";

static int
setup(void **state)
{
	*state = fixture_store(fixture);
	return *state != NULL ? 0 : -1;
}

static fg_date
day(const char *text)
{
	fg_date d = FG_DATE_NONE;

	fg_date_parse(text, "date", &d, NULL);
	return d;
}

/* The ids of the plans q finds, "2,1", and the total as "(n)". */
static const char *
plans(fg_store *store, struct fg_plan_query q, char *buf, size_t size)
{
	struct fg_plan_records out;
	struct fg_arena arena;
	size_t n = 0;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_followup_plans_find(store, &q, &arena, &out, NULL), FG_OK);
	buf[0] = '\0';
	for (size_t i = 0; i < out.count; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? "," : "", (long long)out.items[i].id);
	snprintf(buf + n, size - n, " (%lld)", (long long)out.total);
	fg_arena_free(&arena);
	return buf;
}

/* The ids of the contacts q finds, "1,2", and the total as "(n)". */
static const char *
contacts(fg_store *store, struct fg_contact_query q, char *buf, size_t size)
{
	struct fg_visit_records out;
	struct fg_arena arena;
	int64_t total = -1;
	size_t n = 0;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_followup_contacts_find(store, &q, &arena, &out, &total, NULL), FG_OK);
	buf[0] = '\0';
	for (size_t i = 0; i < out.count; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? "," : "", (long long)out.items[i].id);
	snprintf(buf + n, size - n, " (%lld)", (long long)total);
	fg_arena_free(&arena);
	return buf;
}

static void
plans_by_each_criterion(void **state)
{
	const struct fg_plan_query all = {.active = -1, .from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_plan_query q;
	char buf[64];

	assert_string_equal(plans(*state, all, buf, sizeof(buf)), "2,1,3 (3)");
	q = all;
	q.person_id = 1;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "2,1 (2)");
	q.active = 1;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "1 (1)");
	q.active = 0;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "2 (1)");
	q = all;
	q.institution_id = 1;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "3 (1)");
	q = all;
	q.from = day("2025-01-15");
	q.to = day("2025-05-31");
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "1 (1)");
	q = all;
	q.id = 3;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "3 (1)");
}

static void
plans_in_each_order_with_paging(void **state)
{
	struct fg_plan_query q = {.active = -1, .from = FG_DATE_NONE, .to = FG_DATE_NONE};
	char buf[64];

	q.order = FG_FOLLOWUP_BY_DATE_DESC;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "3,1,2 (3)");
	q.order = FG_FOLLOWUP_BY_ID;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "1,2,3 (3)");
	q.order = FG_FOLLOWUP_BY_ID_DESC;
	q.limit = 1;
	q.offset = 1;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), "2 (3)");
	q.offset = 3;
	assert_string_equal(plans(*state, q, buf, sizeof(buf)), " (3)");
}

static void
plan_record_and_period_end(void **state)
{
	struct fg_plan_query q = {.person_id = 1, .active = -1, .from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_plan_records out;
	struct fg_arena arena;
	char d[FG_DATE_TEXT_MAX];

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_followup_plans_find(*state, &q, &arena, &out, NULL), FG_OK);
	assert_int_equal(out.count, 2);
	/* Ended plan 2: its last visit not cancelled is the death found on 2024-05-02. */
	assert_false(out.items[0].active);
	assert_string_equal(out.items[0].plan_code, "diabetes-t2");
	assert_string_equal(fg_date_format(out.items[0].last, d), "2024-05-02");
	/* Active plan 1: its open visit due on 2025-10-15. */
	assert_true(out.items[1].active);
	assert_int_equal(out.items[1].person_id, 1);
	assert_int_equal(out.items[1].institution_id, 2);
	assert_int_equal(out.items[1].tumour_id, 0);
	assert_string_equal(fg_date_format(out.items[1].started, d), "2025-01-15");
	assert_string_equal(fg_date_format(out.items[1].last, d), "2025-10-15");
	fg_arena_free(&arena);
}

static void
contacts_are_calls_visits_and_messages(void **state)
{
	const struct fg_contact_query all = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_contact_query q;
	char buf[64];

	/* Not the open visit 3, the cancelled visit 4, nor the record linkage of 5. */
	assert_string_equal(contacts(*state, all, buf, sizeof(buf)), "1,2,6 (3)");
	q = all;
	q.person_id = 1;
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "1,2 (2)");
	q = all;
	q.methods[0] = "phone";
	q.methods[1] = "message";
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "1,6 (2)");
	q = all;
	q.institution_id = 1;
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "6 (1)");
	q = all;
	q.plan_id = 1;
	q.from = day("2025-05-01");
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "2 (1)");
	q = all;
	q.to = day("2025-07-20");
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "1,2 (2)");
	q = all;
	q.id = 3;
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), " (0)");
}

static void
contacts_in_each_order_with_paging(void **state)
{
	struct fg_contact_query q = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_visit_records out;
	struct fg_arena arena;
	int64_t total;
	char buf[64], d[FG_DATE_TEXT_MAX];

	q.order = FG_FOLLOWUP_BY_DATE_DESC;
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "6,2,1 (3)");
	q.order = FG_FOLLOWUP_BY_ID_DESC;
	q.limit = 2;
	assert_string_equal(contacts(*state, q, buf, sizeof(buf)), "6,2 (3)");
	q.order = FG_FOLLOWUP_BY_ID;
	q.offset = 2;
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_followup_contacts_find(*state, &q, &arena, &out, &total, NULL), FG_OK);
	assert_int_equal(total, 3);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.items[0].plan_id, 3);
	assert_string_equal(out.items[0].method, "message");
	assert_string_equal(out.items[0].outcome, "alive");
	assert_string_equal(out.items[0].plan_code, "cancer-standard");
	assert_string_equal(fg_date_format(out.items[0].contacted, d), "2025-09-01");
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plans_by_each_criterion, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(plans_in_each_order_with_paging, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(plan_record_and_period_end, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(contacts_are_calls_visits_and_messages, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(contacts_in_each_order_with_paging, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
