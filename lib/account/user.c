/*
 * user.c
 *	  Users of the platform: validation, storage with an argon2id password
 *	  hash, listing, password changes, and the login check with back-off.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/account.h"
#include "fangai/institution.h"
#include "fangai/util.h"

#define USER_COLUMNS "id, institution_id, username, display_name, role, active, created_at"

static const char *const roles[] = {
	"screening", "clinician", "followup", "registry",
	"institution_admin", "system_admin", "auditor", NULL,
};

bool
fg_role_valid(const char *role)
{
	for (int i = 0; role != NULL && roles[i]; i++)
		if (strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

const char *const *
fg_role_names(void)
{
	return roles;
}

static fg_rc
check_username(const char *name, struct fg_error *err)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return fg_error_set(err, FG_INVALID, "username", "username is missing");
	if (n < 3 || n >= FG_USERNAME_MAX)
		goto invalid;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			goto invalid;
	}
	return FG_OK;
invalid:
	fg_error_set(err, FG_INVALID, "username", "invalid username \"%s\"", name);
	fg_error_hint(err, "Use 3 to 63 characters from a-z, 0-9, \".\", \"_\" and \"-\".");
	return FG_INVALID;
}

static fg_rc
check_password(const char *password, struct fg_error *err)
{
	size_t n = password ? strlen(password) : 0;

	if (n == 0)
		return fg_error_set(err, FG_INVALID, "password", "password is missing");
	if (n < FG_PASSWORD_MIN || n > FG_PASSWORD_MAX) {
		fg_error_set(err, FG_INVALID, "password", "password of %zu characters is out of range", n);
		fg_error_hint(err, "Use %d to %d characters.", FG_PASSWORD_MIN, FG_PASSWORD_MAX);
		return FG_INVALID;
	}
	return FG_OK;
}

static void
read_user(fg_stmt *st, struct fg_user *u)
{
	u->id = fg_stmt_int64(st, 0);
	u->institution_id = fg_stmt_int64(st, 1);
	fg_strlcpy(u->username, fg_stmt_text(st, 2), sizeof(u->username));
	fg_strlcpy(u->display_name, fg_stmt_text(st, 3), sizeof(u->display_name));
	fg_strlcpy(u->role, fg_stmt_text(st, 4), sizeof(u->role));
	u->active = fg_stmt_int64(st, 5) != 0;
	fg_strlcpy(u->created_at, fg_stmt_text(st, 6), sizeof(u->created_at));
}

/* Run a bound one-row user query; FG_NOTFOUND (err names what) if no row. */
static fg_rc
fetch_user(fg_stmt *st, struct fg_user *out, const char *what, struct fg_error *err)
{
	bool row = false;
	fg_rc rc = fg_stmt_step(st, &row, err);

	if (rc == FG_OK && row)
		read_user(st, out);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "user", "user %s does not exist", what);
	return rc;
}

fg_rc
fg_user_get(fg_store *store, int64_t id, struct fg_user *out, struct fg_error *err)
{
	char what[24];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " USER_COLUMNS " FROM app_user WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return fetch_user(st, out, what, err);
}

fg_rc
fg_user_find(fg_store *store, const char *username, struct fg_user *out,
	     struct fg_error *err)
{
	char what[FG_USERNAME_MAX + 2];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " USER_COLUMNS " FROM app_user WHERE username = ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, username);
	snprintf(what, sizeof(what), "\"%.*s\"", FG_USERNAME_MAX - 1, username);
	return fetch_user(st, out, what, err);
}

fg_rc
fg_user_add(fg_store *store, const struct fg_user_input *in, struct fg_user *out,
	    struct fg_error *err)
{
	char hash[FG_PWHASH_MAX], now[32];
	struct fg_institution inst;
	const char *display;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = check_username(in->username, err);
	if (rc == FG_OK && !fg_role_valid(in->role)) {
		rc = fg_error_set(err, FG_INVALID, "role", "invalid role \"%s\"", in->role ? in->role : "");
		fg_error_hint(err, "Use screening, clinician, followup, registry, institution_admin,"
			      " system_admin or auditor.");
	}
	if (rc == FG_OK)
		rc = check_password(in->password, err);
	if (rc == FG_OK && in->institution == NULL)
		rc = fg_error_set(err, FG_INVALID, "institution", "institution is missing");
	if (rc == FG_OK) {
		rc = fg_institution_find(store, in->institution, "institution", &inst, err);
		if (rc == FG_NOTFOUND)
			rc = FG_INVALID;
	}
	display = in->display_name && *in->display_name ? in->display_name : in->username;
	if (rc == FG_OK && strlen(display) >= sizeof(out->display_name))
		rc = fg_error_set(err, FG_INVALID, "display_name", "display name is too long");
	if (rc == FG_OK)
		rc = fg_crypto_init(err);
	if (rc == FG_OK)
		rc = fg_password_hash(in->password, hash, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store,
				      "INSERT INTO app_user (institution_id, username, display_name, role,"
				      " password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)"
				      " RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, inst.id);
	fg_stmt_bind_text(st, 2, in->username);
	fg_stmt_bind_text(st, 3, display);
	fg_stmt_bind_text(st, 4, in->role);
	fg_stmt_bind_text(st, 5, hash);
	fg_stmt_bind_text(st, 6, fg_utc_now(now));
	rc = fg_stmt_scalar_int64(st, &out->id, NULL, err);
	if (rc == FG_CONFLICT) {
		fg_error_set(err, FG_CONFLICT, "username", "username \"%s\" is taken", in->username);
		return FG_CONFLICT;
	}
	if (rc != FG_OK)
		return rc;
	out->institution_id = inst.id;
	fg_strlcpy(out->username, in->username, sizeof(out->username));
	fg_strlcpy(out->display_name, display, sizeof(out->display_name));
	fg_strlcpy(out->role, in->role, sizeof(out->role));
	fg_strlcpy(out->created_at, now, sizeof(out->created_at));
	out->active = true;
	return FG_OK;
}

fg_rc
fg_user_list(fg_store *store, int64_t institution_id, struct fg_arena *arena,
	     struct fg_user_list *out, struct fg_error *err)
{
	size_t cap = 16;
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	out->count = 0;
	out->items = fg_arena_alloc(arena, cap * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing users");
	rc = fg_store_prepare(store, "SELECT " USER_COLUMNS " FROM app_user"
			      " WHERE ?1 = 0 OR institution_id = ?1 ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, institution_id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (out->count == cap) {
			struct fg_user *grown = fg_arena_alloc(arena, 2 * cap * sizeof(*grown));

			if (grown == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing users");
				break;
			}
			memcpy(grown, out->items, cap * sizeof(*grown));
			out->items = grown;
			cap *= 2;
		}
		read_user(st, &out->items[out->count++]);
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_user_set_password(fg_store *store, const char *username, const char *password,
		     int64_t now, struct fg_error *err)
{
	char hash[FG_PWHASH_MAX];
	struct fg_user user;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = check_password(password, err);
	if (rc == FG_OK)
		rc = fg_user_find(store, username, &user, err);
	if (rc == FG_OK)
		rc = fg_crypto_init(err);
	if (rc == FG_OK)
		rc = fg_password_hash(password, hash, err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "UPDATE app_user SET password_hash = ? WHERE id = ?", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, hash);
		fg_stmt_bind_int64(st, 2, user.id);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE app_session SET ended_at = ?"
				      " WHERE user_id = ? AND ended_at IS NULL", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_int64(st, 1, now);
		fg_stmt_bind_int64(st, 2, user.id);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	if (rc != FG_OK) {
		fg_store_rollback(store);
		return rc;
	}
	return fg_store_commit(store, err);
}
