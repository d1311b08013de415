/*
 * session.c
 *	  Logins with exponential back-off after failures, and sessions:
 *	  opened on login, resolved on every request under idle and absolute
 *	  timeouts, closed on logout.  Secrets are stored as their SHA-256.
 */
#include <string.h>

#include "fangai/account.h"
#include "fangai/util.h"

/* Checked when the name is unknown, so that both answers take as long. */
static const char dummy_hash[] =
	"$argon2id$v=19$m=65536,t=2,p=1$xTm+pIfxJdBrHSq5WVUzng$PSZ10d/pEIdWQASba+UxdOl04VE/U2RXvY1v4yJgyXw";

/* Failed logins are forgotten this long after the last one (seconds). */
#define FORGET_FAILURES_AFTER 86400

/* A session is marked used at most this often (seconds). */
#define TOUCH_INTERVAL 60

static int64_t
backoff_delay(int64_t failures)
{
	int64_t delay = FG_LOGIN_FIRST_DELAY;

	if (failures < FG_LOGIN_FREE_FAILURES)
		return 0;
	for (int64_t i = FG_LOGIN_FREE_FAILURES; i < failures && delay < FG_LOGIN_MAX_DELAY; i++)
		delay *= 2;
	return delay < FG_LOGIN_MAX_DELAY ? delay : FG_LOGIN_MAX_DELAY;
}

static fg_rc
backoff_wait(fg_store *store, const char *username, int64_t now, int64_t *wait,
	     struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	*wait = 0;
	rc = fg_store_prepare(store, "SELECT failures, last_failure FROM login_failure"
			      " WHERE username = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, username);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		int64_t until = fg_stmt_int64(st, 1) + backoff_delay(fg_stmt_int64(st, 0));

		*wait = until > now ? until - now : 0;
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
record_login(fg_store *store, const char *username, bool success, int64_t now,
	     struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(store, success
			      ? "DELETE FROM login_failure WHERE username = ?1 AND ?2 IS NOT NULL"
			      : "INSERT INTO login_failure (username, failures, last_failure)"
				" VALUES (?1, 1, ?2) ON CONFLICT (username) DO UPDATE"
				" SET failures = login_failure.failures + 1, last_failure = ?2",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, username);
	fg_stmt_bind_int64(st, 2, now);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	if (rc != FG_OK || success)
		return rc;
	/* Failures long past their back-off are forgotten, so that guessed names do not pile up. */
	rc = fg_store_prepare(store, "DELETE FROM login_failure WHERE last_failure < ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, now - FORGET_FAILURES_AFTER);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

/* The stored hash of an active user named username into hash ("" if none). */
static fg_rc
password_hash_of(fg_store *store, const char *username, char hash[FG_PWHASH_MAX],
		 struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	hash[0] = '\0';
	rc = fg_store_prepare(store, "SELECT password_hash FROM app_user"
			      " WHERE username = ? AND active = 1 AND password_hash IS NOT NULL",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, username);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		fg_strlcpy(hash, fg_stmt_text(st, 0), FG_PWHASH_MAX);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_login_check(fg_store *store, const char *username, const char *password,
	       int64_t now, struct fg_user *out, int64_t *retry_after,
	       struct fg_error *err)
{
	char hash[FG_PWHASH_MAX];
	bool good;
	fg_rc rc;

	*retry_after = 0;
	if (username == NULL || *username == '\0')
		return fg_error_set(err, FG_INVALID, "username", "username is missing");
	if (password == NULL || *password == '\0')
		return fg_error_set(err, FG_INVALID, "password", "password is missing");
	if (strlen(username) >= FG_USERNAME_MAX || strlen(password) > FG_PASSWORD_MAX)
		return fg_error_set(err, FG_INVALID, "username", "invalid username or password");
	rc = fg_crypto_init(err);
	if (rc == FG_OK)
		rc = backoff_wait(store, username, now, retry_after, err);
	if (rc != FG_OK)
		return rc;
	if (*retry_after > 0) {
		fg_error_set(err, FG_CONFLICT, "username", "too many failed logins for \"%s\"", username);
		fg_error_hint(err, "Try again in %lld seconds.", (long long)*retry_after);
		return FG_CONFLICT;
	}
	rc = password_hash_of(store, username, hash, err);
	if (rc != FG_OK)
		return rc;
	good = fg_password_verify(hash[0] ? hash : dummy_hash, password) && hash[0];
	if (good)
		rc = fg_user_find(store, username, out, err);
	if (rc == FG_OK)
		rc = record_login(store, username, good, now, err);
	if (rc == FG_OK && !good) {
		fg_error_set(err, FG_INVALID, "password", "invalid username or password");
		rc = FG_INVALID;
	}
	return rc;
}

fg_rc
fg_session_open(fg_store *store, const struct fg_user *user, const char *kind,
		const char *client, int64_t now, char token[FG_SECRET_TEXT],
		struct fg_session *out, struct fg_error *err)
{
	char hash[FG_SHA256_HEX];
	bool cookie = strcmp(kind, "cookie") == 0;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (!cookie && strcmp(kind, "bearer") != 0)
		return fg_error_set(err, FG_MISUSE, "kind", "invalid session kind \"%s\"", kind);
	rc = fg_crypto_init(err);
	if (rc != FG_OK)
		return rc;
	fg_secret_new(token);
	fg_sha256_hex(token, strlen(token), hash);
	if (cookie)
		fg_secret_new(out->csrf);
	rc = fg_store_prepare(store, "INSERT INTO app_session (token_hash, user_id, kind, csrf_token,"
			      " client, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, hash);
	fg_stmt_bind_int64(st, 2, user->id);
	fg_stmt_bind_text(st, 3, kind);
	fg_stmt_bind_text(st, 4, cookie ? out->csrf : NULL);
	fg_stmt_bind_text(st, 5, client);
	fg_stmt_bind_int64(st, 6, now);
	fg_stmt_bind_int64(st, 7, now);
	rc = fg_stmt_scalar_int64(st, &out->id, NULL, err);
	out->user = *user;
	fg_strlcpy(out->kind, kind, sizeof(out->kind));
	out->created_at = out->last_seen = now;
	return rc;
}

static fg_rc
touch_session(fg_store *store, int64_t id, int64_t now, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE app_session SET last_seen = ? WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, now);
	fg_stmt_bind_int64(st, 2, id);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_session_check(fg_store *store, const char *token,
		 const struct fg_session_policy *policy, int64_t now,
		 struct fg_session *out, struct fg_error *err)
{
	char hash[FG_SHA256_HEX];
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (token == NULL || strlen(token) != FG_SECRET_TEXT - 1)
		return fg_error_set(err, FG_NOTFOUND, "session", "session is not valid");
	fg_sha256_hex(token, strlen(token), hash);
	rc = fg_store_prepare(store, "SELECT s.id, s.kind, coalesce(s.csrf_token, ''), s.created_at,"
			      " s.last_seen, u.id, u.institution_id, u.username, u.display_name, u.role,"
			      " u.active FROM app_session s JOIN app_user u ON u.id = s.user_id"
			      " WHERE s.token_hash = ? AND s.ended_at IS NULL", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, hash);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		out->id = fg_stmt_int64(st, 0);
		fg_strlcpy(out->kind, fg_stmt_text(st, 1), sizeof(out->kind));
		fg_strlcpy(out->csrf, fg_stmt_text(st, 2), sizeof(out->csrf));
		out->created_at = fg_stmt_int64(st, 3);
		out->last_seen = fg_stmt_int64(st, 4);
		out->user.id = fg_stmt_int64(st, 5);
		out->user.institution_id = fg_stmt_int64(st, 6);
		fg_strlcpy(out->user.username, fg_stmt_text(st, 7), sizeof(out->user.username));
		fg_strlcpy(out->user.display_name, fg_stmt_text(st, 8), sizeof(out->user.display_name));
		fg_strlcpy(out->user.role, fg_stmt_text(st, 9), sizeof(out->user.role));
		out->user.active = fg_stmt_int64(st, 10) != 0;
	}
	fg_stmt_reset(st);
	if (rc != FG_OK)
		return rc;
	if (!row || !out->user.active || now - out->last_seen > policy->idle_seconds ||
	    now - out->created_at > policy->absolute_seconds)
		return fg_error_set(err, FG_NOTFOUND, "session", "session is not valid");
	if (now - out->last_seen >= TOUCH_INTERVAL) {
		out->last_seen = now;
		return touch_session(store, out->id, now, err);
	}
	return FG_OK;
}

fg_rc
fg_session_close(fg_store *store, const char *token, int64_t now, struct fg_error *err)
{
	char hash[FG_SHA256_HEX];
	int64_t id = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	if (token == NULL)
		return fg_error_set(err, FG_NOTFOUND, "session", "session is not valid");
	fg_sha256_hex(token, strlen(token), hash);
	rc = fg_store_prepare(store, "UPDATE app_session SET ended_at = ?"
			      " WHERE token_hash = ? AND ended_at IS NULL RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, now);
	fg_stmt_bind_text(st, 2, hash);
	rc = fg_stmt_scalar_int64(st, &id, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, "session", "session is not valid");
	return rc;
}
