/*
 * test_account.c
 *	  Accounts: validation of new users, argon2id hashes, the login
 *	  back-off, session timeouts, logout, and password changes ending
 *	  sessions.  Times are passed in, so nothing here waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/account.h"
#include "store_fixture.h"

#define PASSWORD "correct horse battery"

static const struct fg_session_policy policy = {.idle_seconds = 1800, .absolute_seconds = 43200};

static int
setup(void **state)
{
	struct fg_user_input in = {.institution = "1", .username = "reg.one", .role = "registry",
				   .password = PASSWORD};
	struct fg_user user;
	fg_store *store = fixture_store("INSERT INTO institution (id, uscc, name, kind, district, created_at)"
					" VALUES (1, 'X', 'Centre', 'cancer_centre', '440106', '2026-01-01')");

	*state = store;
	return store != NULL && fg_user_add(store, &in, &user, NULL) == FG_OK ? 0 : -1;
}

static void
user_add_refuses_bad_fields(void **state)
{
	static const struct {
		struct fg_user_input in;
		fg_rc rc;
		const char *field;
	} cases[] = {
		{{"1", "ab", NULL, "registry", PASSWORD}, FG_INVALID, "username"},
		{{"1", "Upper.Case", NULL, "registry", PASSWORD}, FG_INVALID, "username"},
		{{"1", "ok.name", NULL, "boss", PASSWORD}, FG_INVALID, "role"},
		{{"1", "ok.name", NULL, "registry", "short"}, FG_INVALID, "password"},
		{{"1", "ok.name", NULL, "registry", NULL}, FG_INVALID, "password"},
		{{"99", "ok.name", NULL, "registry", PASSWORD}, FG_INVALID, "institution"},
		{{"1", "reg.one", NULL, "registry", PASSWORD}, FG_CONFLICT, "username"},
	};
	struct fg_user user;
	struct fg_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fg_user_add(*state, &cases[i].in, &user, &err), cases[i].rc);
		assert_string_equal(err.field, cases[i].field);
	}
}

static void
password_is_stored_as_argon2id(void **state)
{
	fg_stmt *st;
	bool row;

	assert_int_equal(fg_store_prepare(*state, "SELECT password_hash FROM app_user", &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_step(st, &row, NULL), FG_OK);
	assert_true(row);
	assert_int_equal(strncmp(fg_stmt_text(st, 0), "$argon2id$", 10), 0);
	assert_null(strstr(fg_stmt_text(st, 0), PASSWORD));
	fg_stmt_reset(st);
}

static void
login_backs_off_after_failures(void **state)
{
	struct fg_user user;
	struct fg_error err;
	int64_t retry, now = 1000000;

	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, now, &user, &retry, &err), FG_OK);
	for (int i = 0; i < FG_LOGIN_FREE_FAILURES; i++)
		assert_int_equal(fg_login_check(*state, "reg.one", "wrong password!", now, &user, &retry, &err),
				 FG_INVALID);
	/* In back-off even the right password waits, 4 s after the third failure. */
	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, now + 1, &user, &retry, &err), FG_CONFLICT);
	assert_int_equal(retry, FG_LOGIN_FIRST_DELAY - 1);
	/* A failure after the wait doubles it. */
	assert_int_equal(fg_login_check(*state, "reg.one", "wrong password!", now + 4, &user, &retry, &err),
			 FG_INVALID);
	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, now + 5, &user, &retry, &err), FG_CONFLICT);
	assert_int_equal(retry, 2 * FG_LOGIN_FIRST_DELAY - 1);
	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, now + 12, &user, &retry, &err), FG_OK);
	/* The success cleared the count. */
	assert_int_equal(fg_login_check(*state, "reg.one", "wrong password!", now + 13, &user, &retry, &err),
			 FG_INVALID);
	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, now + 13, &user, &retry, &err), FG_OK);
}

static void
unknown_user_is_refused_like_a_wrong_password(void **state)
{
	struct fg_user user;
	struct fg_error a, b;
	int64_t retry;

	assert_int_equal(fg_login_check(*state, "nobody", PASSWORD, 1, &user, &retry, &a), FG_INVALID);
	assert_int_equal(fg_login_check(*state, "reg.one", "wrong password!", 1, &user, &retry, &b), FG_INVALID);
	assert_string_equal(a.message, b.message);
}

static void
sessions_time_out_and_close(void **state)
{
	char token[FG_SECRET_TEXT], cookie[FG_SECRET_TEXT];
	struct fg_session s, c;
	struct fg_user user;
	struct fg_error err;
	int64_t retry, t0 = 2000000;

	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, t0, &user, &retry, &err), FG_OK);
	assert_int_equal(fg_session_open(*state, &user, "bearer", "127.0.0.1", t0, token, &s, &err), FG_OK);
	assert_int_equal(strlen(token), FG_SECRET_TEXT - 1);
	assert_int_equal(fg_session_open(*state, &user, "cookie", NULL, t0, cookie, &c, &err), FG_OK);
	assert_int_equal(strlen(c.csrf), FG_SECRET_TEXT - 1);
	/* Used within the idle limit, again and again, up to the absolute limit. */
	for (int64_t t = t0; t < t0 + policy.absolute_seconds; t += 1700)
		assert_int_equal(fg_session_check(*state, token, &policy, t, &s, &err), FG_OK);
	assert_int_equal(fg_session_check(*state, token, &policy, t0 + policy.absolute_seconds + 1, &s, &err),
			 FG_NOTFOUND);
	/* The cookie session, unused, is idle past its limit. */
	assert_int_equal(fg_session_check(*state, cookie, &policy, t0 + 1801, &c, &err), FG_NOTFOUND);
	/* Logout ends a live session at once. */
	assert_int_equal(fg_session_open(*state, &user, "bearer", NULL, t0, token, &s, &err), FG_OK);
	assert_int_equal(fg_session_close(*state, token, t0 + 1, &err), FG_OK);
	assert_int_equal(fg_session_check(*state, token, &policy, t0 + 2, &s, &err), FG_NOTFOUND);
	assert_int_equal(fg_session_check(*state, "not-a-token", &policy, t0, &s, &err), FG_NOTFOUND);
}

static void
new_password_ends_sessions(void **state)
{
	char token[FG_SECRET_TEXT];
	struct fg_session s;
	struct fg_user user;
	struct fg_error err;
	int64_t retry, t0 = 3000000;

	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, t0, &user, &retry, &err), FG_OK);
	assert_int_equal(fg_session_open(*state, &user, "bearer", NULL, t0, token, &s, &err), FG_OK);
	assert_int_equal(fg_user_set_password(*state, "reg.one", "another long password", t0, &err), FG_OK);
	assert_int_equal(fg_session_check(*state, token, &policy, t0 + 1, &s, &err), FG_NOTFOUND);
	assert_int_equal(fg_login_check(*state, "reg.one", PASSWORD, t0 + 1, &user, &retry, &err), FG_INVALID);
	assert_int_equal(fg_login_check(*state, "reg.one", "another long password", t0 + 1, &user, &retry, &err),
			 FG_OK);
	assert_int_equal(fg_user_set_password(*state, "reg.one", "short", t0, &err), FG_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_add_refuses_bad_fields, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(password_is_stored_as_argon2id, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(login_backs_off_after_failures, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(unknown_user_is_refused_like_a_wrong_password, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(sessions_time_out_and_close, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(new_password_ends_sessions, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
