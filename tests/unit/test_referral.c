/*
 * test_referral.c
 *	  Unit tests of the referral state machine: the table in the library
 *	  and the table the database enforces are the same; every (state,
 *	  action) pair is legal exactly when the table says so; refusals change
 *	  nothing; the access a referral grants follows its state; every change
 *	  keeps the version it replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/network.h"
#include "fangai/synth.h"
#include "store_fixture.h"

static const char *const actions[] = {"accept", "reject", "schedule", "attend", "complete", "cancel"};
static const char *const states[] = {"requested", "accepted", "rejected", "scheduled",
				     "attended", "completed", "cancelled"};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))
#define NSTATES (sizeof(states) / sizeof(states[0]))

/* The actions leading from a new referral to each state, in order. */
static const char *const paths[NSTATES][5] = {
	{NULL},
	{"accept", NULL},
	{"reject", NULL},
	{"accept", "schedule", NULL},
	{"accept", "schedule", "attend", NULL},
	{"accept", "schedule", "attend", "complete", NULL},
	{"cancel", NULL},
};

static int
setup(void **state)
{
	struct fg_synth_options o = {.seed = 3, .persons = 30};
	struct fg_synth_report r;
	fg_store *store = NULL;

	setenv("FANGAI_TODAY", "2026-06-30", 1);
	o.as_of = fg_date_from_ymd(2025, 12, 31);
	if (fixture_open(&store) != FG_OK ||
	    fg_store_migrate(store, NULL, NULL) != FG_OK)
		return -1;
	if (fg_synth_city(store, &o, &r, NULL) != FG_OK)
		return -1;
	*state = store;
	return 0;
}

static int
teardown(void **state)
{
	fg_store_close(*state);
	return 0;
}

static const struct fg_referral_transition *
legal(const char *from, const char *action)
{
	for (const struct fg_referral_transition *t = fg_referral_transitions(); t->action; t++)
		if (strcmp(t->from, from) == 0 && strcmp(t->action, action) == 0)
			return t;
	return NULL;
}

static void
fill_action(struct fg_referral_action *a, const char *action)
{
	memset(a, 0, sizeof(*a));
	a->action = action;
	a->reason = "a reason";
	a->report = "a report";
	a->appointment_at = "2026-07-02T09:00";
}

static int64_t
new_referral(fg_store *store, struct fg_arena *arena, const char *const *path)
{
	struct fg_referral_input in = {.person = "1", .from = "12", .to = "2",
				       .kind = "suspected_cancer", .reason = "LDCT 4B"};
	struct fg_referral_action a;
	struct fg_referral r;
	struct fg_error err;

	assert_int_equal(fg_referral_request(store, &in, arena, &r, &err), FG_OK);
	for (int i = 0; path[i]; i++) {
		fill_action(&a, path[i]);
		assert_int_equal(fg_referral_apply(store, r.id, &a, arena, NULL, &err), FG_OK);
	}
	return r.id;
}

static int64_t
count(fg_store *store, const char *sql)
{
	fg_stmt *st;
	int64_t n = -1;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &n, NULL, NULL), FG_OK);
	return n;
}

/* The library's table and the database's referral_transition hold the same rows. */
static void
test_tables_agree(void **state)
{
	fg_store *store = *state;
	int64_t n = 0, one = 0;
	fg_stmt *st;
	bool found;

	for (const struct fg_referral_transition *t = fg_referral_transitions(); t->action; t++) {
		assert_int_equal(fg_store_prepare(store, "SELECT count(*) FROM referral_transition"
						  " WHERE action = ? AND from_state = ? AND to_state = ?",
						  &st, NULL), FG_OK);
		fg_stmt_bind_text(st, 1, t->action);
		fg_stmt_bind_text(st, 2, t->from);
		fg_stmt_bind_text(st, 3, t->to);
		assert_int_equal(fg_stmt_scalar_int64(st, &one, &found, NULL), FG_OK);
		assert_int_equal(one, 1);
		n++;
	}
	assert_int_equal(count(store, "SELECT count(*) FROM referral_transition"), n);
}

/* Every action from every state: legal exactly when the table says, nothing changed otherwise. */
static void
test_every_pair(void **state)
{
	fg_store *store = *state;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	for (size_t s = 0; s < NSTATES; s++)
		for (size_t k = 0; k < NACTIONS; k++) {
			int64_t id = new_referral(store, &arena, paths[s]);
			const struct fg_referral_transition *t = legal(states[s], actions[k]);
			struct fg_referral before, after;
			struct fg_referral_action a;
			struct fg_error err;
			fg_rc rc;

			assert_int_equal(fg_referral_get(store, id, &arena, &before, NULL), FG_OK);
			assert_string_equal(before.state, states[s]);
			fill_action(&a, actions[k]);
			rc = fg_referral_apply(store, id, &a, &arena, &after, &err);
			if (t != NULL) {
				assert_int_equal(rc, FG_OK);
				assert_string_equal(after.state, t->to);
				assert_int_equal(after.version, before.version + 1);
			} else {
				assert_int_equal(rc, FG_CONFLICT);
				assert_non_null(strstr(err.message, actions[k]));
				assert_non_null(strstr(err.message, states[s]));
				assert_string_equal(err.field, "state");
				assert_int_equal(fg_referral_get(store, id, &arena, &after, NULL), FG_OK);
				assert_string_equal(after.state, states[s]);
				assert_int_equal(after.version, before.version);
			}
		}
	fg_arena_free(&arena);
}

static void
test_invalid_action(void **state)
{
	fg_store *store = *state;
	struct fg_referral_action a;
	struct fg_arena arena;
	struct fg_error err;
	int64_t id;

	fg_arena_init(&arena, 0);
	id = new_referral(store, &arena, paths[0]);
	fill_action(&a, "approve");
	assert_int_equal(fg_referral_apply(store, id, &a, &arena, NULL, &err), FG_INVALID);
	assert_string_equal(err.field, "action");
	fg_arena_free(&arena);
}

/* Access follows the state: none when requested, granted when accepted, gone when ended. */
static void
test_access_follows_state(void **state)
{
	fg_store *store = *state;
	struct fg_referral_action a;
	struct fg_access_grant g;
	struct fg_arena arena;
	int64_t now = fg_net_now(), id;
	bool granted = true;

	fg_arena_init(&arena, 0);
	id = new_referral(store, &arena, paths[0]);
	assert_int_equal(fg_access_check(store, 2, 1, now, &granted, &g, NULL), FG_OK);
	assert_false(granted);
	fill_action(&a, "accept");
	assert_int_equal(fg_referral_apply(store, id, &a, &arena, NULL, NULL), FG_OK);
	assert_int_equal(fg_access_check(store, 2, 1, now, &granted, &g, NULL), FG_OK);
	assert_true(granted);
	assert_string_equal(g.source, "referral");
	assert_int_equal(g.source_id, id);
	fill_action(&a, "cancel");
	assert_int_equal(fg_referral_apply(store, id, &a, &arena, NULL, NULL), FG_OK);
	assert_int_equal(fg_access_check(store, 2, 1, now, &granted, &g, NULL), FG_OK);
	assert_false(granted);
	fg_arena_free(&arena);
}

/* The database refuses a change of state outside the table, whoever writes it. */
static void
test_database_refuses(void **state)
{
	fg_store *store = *state;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	new_referral(store, &arena, paths[0]);
	assert_int_equal(fg_store_exec(store, "UPDATE referral SET state = 'completed'", NULL),
			 FG_CONFLICT);
	assert_int_equal(fg_store_exec(store, "UPDATE referral SET state = 'accepted'", NULL), FG_OK);
	assert_int_equal(count(store, "SELECT count(*) FROM referral WHERE state = 'accepted'"), 1);
	fg_arena_free(&arena);
}

/*
 * Every change keeps the version it replaces: transitions and a revoked
 * access alike; a refused action keeps nothing.
 */
static void
test_versions_kept(void **state)
{
	static const char *const want[] = {"scheduled", "accepted", "accepted", "requested"};
	fg_store *store = *state;
	struct fg_referral_list list;
	struct fg_referral_action a;
	struct fg_arena arena;
	int64_t id;

	fg_arena_init(&arena, 0);
	id = new_referral(store, &arena, paths[1]);
	assert_int_equal(fg_referral_revoke_access(store, id, "no longer needed", NULL, 0, NULL, NULL), FG_OK);
	fill_action(&a, "schedule");
	assert_int_equal(fg_referral_apply(store, id, &a, &arena, NULL, NULL), FG_OK);
	fill_action(&a, "complete");
	assert_int_equal(fg_referral_apply(store, id, &a, &arena, NULL, NULL), FG_CONFLICT);
	assert_int_equal(fg_referral_versions(store, id, &arena, &list, NULL), FG_OK);
	assert_int_equal(list.count, 4);
	for (size_t i = 0; i < list.count; i++) {
		assert_int_equal(list.items[i].version, 4 - (int64_t)i);
		assert_string_equal(list.items[i].state, want[i]);
		assert_true(list.items[i].updated_at[0] != '\0');
	}
	assert_string_equal(list.items[2].access_revoked_at, "");
	assert_string_not_equal(list.items[1].access_revoked_at, "");
	assert_int_equal(fg_referral_versions(store, 999999, &arena, &list, NULL), FG_NOTFOUND);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tables_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_follows_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
