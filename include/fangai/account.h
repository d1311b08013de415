/*
 * fangai/account.h
 *	  Users of the platform, their roles, logins with back-off, and
 *	  sessions (browser cookies and API bearer tokens).
 *
 * A user belongs to one institution and has one role.  Passwords are kept
 * only as argon2id hashes; sessions only as the SHA-256 of their secret.
 * Times are Unix seconds passed in by the caller, so that policies can be
 * tested without waiting.
 */
#ifndef FANGAI_ACCOUNT_H
#define FANGAI_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/crypto.h"
#include "fangai/error.h"
#include "fangai/store.h"

#define FG_USERNAME_MAX 64
#define FG_PASSWORD_MIN 12
#define FG_PASSWORD_MAX 256

struct fg_user {
	int64_t id;
	int64_t institution_id;
	char username[FG_USERNAME_MAX];
	char display_name[128];
	char role[24];
	bool active;
	char created_at[24];
};

struct fg_user_input {
	const char *institution;	/* id or USCC */
	const char *username;		/* 3-63 of a-z 0-9 . _ - */
	const char *display_name;	/* default: the username */
	const char *role;
	const char *password;		/* FG_PASSWORD_MIN..FG_PASSWORD_MAX bytes */
};

/* True if role names one of the roles (screening ... auditor). */
bool fg_role_valid(const char *role);

/* The role names, NULL-terminated.  Static. */
const char *const *fg_role_names(void);

/*
 * Validate and store a new user with the hash of the given password.
 * FG_INVALID naming the field; FG_CONFLICT if the username is taken.
 */
fg_rc fg_user_add(fg_store *store, const struct fg_user_input *in,
		  struct fg_user *out, struct fg_error *err);

/* Read user `id`; FG_NOTFOUND if absent. */
fg_rc fg_user_get(fg_store *store, int64_t id, struct fg_user *out,
		  struct fg_error *err);

/* Read the user named username; FG_NOTFOUND if absent. */
fg_rc fg_user_find(fg_store *store, const char *username, struct fg_user *out,
		   struct fg_error *err);

struct fg_user_list {
	struct fg_user *items;	/* in the arena */
	size_t count;
};

/* Users of institution_id (0: all), ordered by id, in arena. */
fg_rc fg_user_list(fg_store *store, int64_t institution_id, struct fg_arena *arena,
		   struct fg_user_list *out, struct fg_error *err);

/*
 * Replace the password of username and end every session of the user.
 * FG_INVALID for a password outside the length limits; FG_NOTFOUND.
 */
fg_rc fg_user_set_password(fg_store *store, const char *username,
			   const char *password, int64_t now, struct fg_error *err);

/* Failed logins allowed before back-off starts; then waits of 4, 8, 16 ... 900 s. */
#define FG_LOGIN_FREE_FAILURES 3
#define FG_LOGIN_FIRST_DELAY 4
#define FG_LOGIN_MAX_DELAY 900

/*
 * Check a username and password at time now.  On success *out holds the
 * user and the failure count is cleared.  A wrong or unknown name or
 * password gives FG_INVALID (the same message for both) and counts a
 * failure.  While the name is in back-off, FG_CONFLICT without checking
 * the password, and *retry_after holds the seconds to wait.
 */
fg_rc fg_login_check(fg_store *store, const char *username, const char *password,
		     int64_t now, struct fg_user *out, int64_t *retry_after,
		     struct fg_error *err);

struct fg_session_policy {
	int64_t idle_seconds;		/* ends after this long unused */
	int64_t absolute_seconds;	/* ends this long after login, used or not */
};

struct fg_session {
	int64_t id;
	struct fg_user user;
	char kind[8];			/* cookie or bearer */
	char csrf[FG_SECRET_TEXT];	/* cookie sessions */
	int64_t created_at, last_seen;
};

/*
 * Open a session of kind "cookie" (with a CSRF token) or "bearer" for
 * user at time now, from client (may be NULL).  The secret to hand to the
 * client is written to token (never stored).  *out receives the session.
 */
fg_rc fg_session_open(fg_store *store, const struct fg_user *user, const char *kind,
		      const char *client, int64_t now, char token[FG_SECRET_TEXT],
		      struct fg_session *out, struct fg_error *err);

/*
 * Resolve a session secret at time now under policy: FG_NOTFOUND if it is
 * unknown, ended, idle too long, past its absolute lifetime, or its user is
 * inactive.  Marks the session used (at most once a minute, to spare the
 * disk).
 */
fg_rc fg_session_check(fg_store *store, const char *token,
		       const struct fg_session_policy *policy, int64_t now,
		       struct fg_session *out, struct fg_error *err);

/* End the session with this secret (logout); FG_NOTFOUND if not live. */
fg_rc fg_session_close(fg_store *store, const char *token, int64_t now,
		       struct fg_error *err);

#endif
