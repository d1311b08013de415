/*
 * test_history.c
 *	  Unit tests of the readers behind a person's timeline: a person's
 *	  follow-up visits (all, or those closed or due by a day, in due order,
 *	  at most max), one visit with the contact that closed it, and a
 *	  person's screening history (every episode, questionnaire and exam the
 *	  database holds for the person, in date order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/followup.h"
#include "fangai/screening.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "store_fixture.h"

struct fixture {
	fg_store *store;
	struct fg_arena arena;
	struct fg_plans plans;
};

static int
setup(void **state)
{
	struct fg_synth_options o = {.seed = 5, .persons = 200};
	struct fg_synth_screening_options so = {.seed = 5};
	struct fg_synth_screening_report sr;
	struct fg_synth_report r;
	struct fixture *f = calloc(1, sizeof(*f));
	char path[1024];

	setenv("FANGAI_TODAY", "2026-06-30", 1);
	o.as_of = so.as_of = fg_date_from_ymd(2025, 12, 31);
	snprintf(path, sizeof(path), "%s/followup/plans.csv", fg_datadir());
	if (f == NULL)
		return -1;
	fg_arena_init(&f->arena, 0);
	f->store = fixture_store(NULL);
	if (f->store == NULL ||
	    fg_synth_city(f->store, &o, &r, NULL) != FG_OK || fg_synth_screening(f->store, &so, &sr, NULL) != FG_OK ||
	    fg_plans_load(path, &f->arena, &f->plans, NULL) != FG_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_store_close(f->store);
	fg_arena_free(&f->arena);
	free(f);
	return 0;
}

/* An integer from a one-value query. */
static int64_t
count(fg_store *store, const char *sql, int64_t id)
{
	fg_stmt *st;
	bool row = false;
	int64_t n = -1;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	fg_stmt_bind_int64(st, 1, id);
	if (fg_stmt_step(st, &row, NULL) == FG_OK && row)
		n = fg_stmt_int64(st, 0);
	fg_stmt_reset(st);
	return n;
}

static void
test_visits_of_a_person(void **state)
{
	struct fixture *f = *state;
	struct fg_enrolment in = {.person_id = 1, .plan = "cancer-standard", .start = fg_date_from_ymd(2025, 1, 10)};
	struct fg_visit_records all, due, two;
	struct fg_contact c = {.method = "phone", .outcome = "alive", .on = fg_date_from_ymd(2025, 5, 2)};
	struct fg_contact_effect effect;
	struct fg_visit_record v;
	struct fg_error err;
	int64_t plan;
	size_t n;

	assert_int_equal(fg_followup_enrol(f->store, &f->plans, &in, &plan, &n, NULL), FG_OK);
	assert_int_equal(fg_followup_visits_of(f->store, 1, FG_DATE_NONE, 100, &f->arena, &all, NULL), FG_OK);
	assert_int_equal(all.count, n);
	for (size_t i = 1; i < all.count; i++)
		assert_true(all.items[i - 1].due <= all.items[i].due);
	assert_int_equal(all.items[0].contacted, FG_DATE_NONE);
	assert_string_equal(all.items[0].outcome, "");
	assert_string_equal(all.items[0].plan_code, "cancer-standard");

	/* Due by 2026-06-30: only the visits due by then, as the database counts them. */
	assert_int_equal(fg_followup_visits_of(f->store, 1, fg_date_from_ymd(2026, 6, 30), 100, &f->arena, &due, NULL), FG_OK);
	assert_true(due.count > 0 && due.count < all.count);
	for (size_t i = 0; i < due.count; i++)
		assert_true(due.items[i].due <= fg_date_from_ymd(2026, 6, 30));
	assert_int_equal(count(f->store, "SELECT count(*) FROM followup WHERE person_id = ?1 AND due_date <= '2026-06-30'", 1),
			 (int64_t)due.count);
	assert_int_equal(fg_followup_visits_of(f->store, 1, FG_DATE_NONE, 2, &f->arena, &two, NULL), FG_OK);
	assert_int_equal(two.count, 2);

	/* The contact closing the first visit is read back with it. */
	c.visit_id = all.items[0].id;
	assert_int_equal(fg_followup_attempt(f->store, c.visit_id, fg_date_from_ymd(2025, 5, 1), "phone", NULL, NULL), FG_OK);
	assert_int_equal(fg_followup_record(f->store, &c, &effect, NULL), FG_OK);
	assert_int_equal(fg_followup_visit_get(f->store, c.visit_id, &v, NULL), FG_OK);
	assert_int_equal(v.person_id, 1);
	assert_int_equal(v.contacted, fg_date_from_ymd(2025, 5, 2));
	assert_string_equal(v.outcome, "alive");
	assert_string_equal(v.method, "phone");
	assert_int_equal(v.attempts, 1);
	assert_int_equal(v.institution_id, count(f->store, "SELECT institution_id FROM person WHERE id = ?1", 1));

	assert_int_equal(fg_followup_visit_get(f->store, 999999, &v, &err), FG_NOTFOUND);
	assert_string_equal(err.field, "visit");
}

static void
test_screening_history(void **state)
{
	struct fixture *f = *state;
	int64_t person = count(f->store, "SELECT min(person_id) FROM screening_exam WHERE ?1 = ?1", 0);
	struct fg_screen_events ev, one;
	size_t episodes = 0, exams = 0, questionnaires = 0;

	assert_true(person > 0);
	assert_int_equal(fg_screen_history(f->store, person, 200, &f->arena, &ev, NULL), FG_OK);
	for (size_t i = 0; i < ev.count; i++) {
		const struct fg_screen_event *e = &ev.items[i];

		if (i > 0)
			assert_true(ev.items[i - 1].on <= e->on);
		assert_true(e->on != FG_DATE_NONE);
		assert_true(e->programme[0] != '\0');
		if (strcmp(e->kind, "episode") == 0) {
			episodes++;
			assert_int_equal(e->episode_id, e->id);
			assert_true(e->state[0] != '\0');
		} else if (strcmp(e->kind, "exam") == 0) {
			exams++;
			assert_true(e->exam_type[0] != '\0' && e->flag >= -1 && e->flag <= 1);
		} else {
			assert_string_equal(e->kind, "questionnaire");
			questionnaires++;
			assert_true(e->flag == 0 || e->flag == 1);
		}
	}
	assert_int_equal(episodes, count(f->store, "SELECT count(*) FROM screening_episode WHERE person_id = ?1", person));
	assert_int_equal(exams, count(f->store, "SELECT count(*) FROM screening_exam WHERE person_id = ?1", person));
	assert_int_equal(questionnaires,
			 count(f->store, "SELECT count(*) FROM screening_questionnaire WHERE person_id = ?1", person));
	assert_true(exams > 0);
	assert_int_equal(fg_screen_history(f->store, person, 1, &f->arena, &one, NULL), FG_OK);
	assert_int_equal(one.count, 1);
	assert_int_equal(fg_screen_history(f->store, 999999, 10, &f->arena, &one, NULL), FG_OK);
	assert_int_equal(one.count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visits_of_a_person),
		cmocka_unit_test(test_screening_history),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
