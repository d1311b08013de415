/*
 * api_auth.c
 *	  POST /api/login, POST /api/logout, GET /api/me.
 *
 * A login opens a cookie session for the web UI (HttpOnly, SameSite=Strict,
 * with a CSRF token to echo in X-CSRF-Token) or, with "client": "api", a
 * bearer token for scripts.  Every login, failed or not, is audited.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "server_session.h"

static json_object *
json_user(const struct fg_user *u)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(u->id));
	json_object_object_add(o, "username", json_object_new_string(u->username));
	json_object_object_add(o, "display_name", json_object_new_string(u->display_name));
	json_object_object_add(o, "role", json_object_new_string(u->role));
	json_object_object_add(o, "institution_id", json_object_new_int64(u->institution_id));
	return o;
}

static void
reply_session(struct request *req, const struct fg_session *s, const char *token)
{
	json_object *o = json_object_new_object();
	bool cookie = strcmp(s->kind, "cookie") == 0;

	json_object_object_add(o, "user", json_user(&s->user));
	json_object_object_add(o, "idle_timeout", json_object_new_int64(req->config->policy.idle_seconds));
	json_object_object_add(o, "absolute_timeout",
			       json_object_new_int64(req->config->policy.absolute_seconds));
	if (cookie) {
		json_object_object_add(o, "csrf_token", json_object_new_string(s->csrf));
		reply_header(req, "Set-Cookie",
			     fg_arena_printf(req->arena, "fg_session=%s; Path=/; HttpOnly; SameSite=Strict;"
					     " Max-Age=%lld", token,
					     (long long)req->config->policy.absolute_seconds));
	} else {
		json_object_object_add(o, "token", json_object_new_string(token));
		json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	}
	reply_json(req, 200, o);
}

static const char *const login_members[] = {"username", "password", "client", NULL};

/*
 * Password checks at once.  Each argon2id check takes 64 MiB and tens of
 * milliseconds: more logins than this at one time are answered 503, so
 * that a flood of logins cannot take the workers or the memory.
 */
#define LOGINS_AT_ONCE 2
static atomic_int logins_running;

/* Take one of the password-check slots; false when all are busy. */
static bool
login_slot_take(void)
{
	if (atomic_fetch_add(&logins_running, 1) < LOGINS_AT_ONCE)
		return true;
	atomic_fetch_sub(&logins_running, 1);
	return false;
}

void
api_login(struct request *req)
{
	const char *username, *password, *client;
	char token[FG_SECRET_TEXT];
	json_object *body = req_json_body(req);
	struct fg_session session;
	struct fg_user user;
	struct fg_error err;
	int64_t retry = 0, now = (int64_t)time(NULL);
	fg_rc rc;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, login_members) ||
	    !json_get_string(req, body, "username", &username) ||
	    !json_get_string(req, body, "password", &password) ||
	    !json_get_string(req, body, "client", &client))
		goto out;
	if (client != NULL && strcmp(client, "api") != 0 && strcmp(client, "browser") != 0) {
		reply_error(req, 400, "client", "invalid client kind", NULL, "Use \"browser\" or \"api\".");
		goto out;
	}
	if (!login_slot_take()) {
		audit_note(req, "login", "busy", "user/%.100s", username ? username : "");
		reply_error(req, 503, NULL, "too many logins at once", NULL, "Retry after a second.");
		reply_header(req, "Retry-After", "1");
		goto out;
	}
	rc = fg_login_check(req->store, username, password, now, &user, &retry, &err);
	atomic_fetch_sub(&logins_running, 1);
	if (rc == FG_OK)
		rc = fg_session_open(req->store, &user, client && strcmp(client, "api") == 0 ? "bearer" : "cookie",
				     req->client, now, token, &session, &err);
	req->authenticated = rc == FG_OK;
	if (rc == FG_OK)
		req->session = session;
	audit_note(req, "login", rc == FG_OK ? "ok" : rc == FG_CONFLICT ? "throttled" : audit_result(rc),
		   "user/%.100s", username ? username : "");
	if (rc == FG_OK)
		reply_session(req, &session, token);
	else if (rc == FG_CONFLICT) {
		reply_error(req, 429, err.field, err.message, NULL, err.hint);
		reply_header(req, "Retry-After", fg_arena_printf(req->arena, "%lld", (long long)retry));
	} else if (rc == FG_INVALID)
		reply_error(req, 401, err.field, err.message, NULL, NULL);
	else
		reply_fg_error(req, &err);
out:
	json_object_put(body);
}

void
api_logout(struct request *req)
{
	bool cookie;
	const char *token = req_session_token(req, &cookie);
	struct fg_error err;
	fg_rc rc;

	rc = fg_session_close(req->store, token, (int64_t)time(NULL), &err);
	session_cache_forget_all();
	audit_note(req, "logout", audit_result(rc), "session/%lld", (long long)req->session.id);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_header(req, "Set-Cookie", "fg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	req->status = 204;
	req->reply = NULL;
	req->reply_len = 0;
	req->content_type = "application/json";
}

void
api_me(struct request *req)
{
	json_object *o = json_object_new_object();
	char today[FG_DATE_TEXT_MAX];

	json_object_object_add(o, "user", json_user(&req->session.user));
	json_object_object_add(o, "today", json_object_new_string(fg_date_format(fg_date_today(), today)));
	json_object_object_add(o, "region", json_object_new_boolean(req->scope.region));
	json_object_object_add(o, "may_unmask", json_object_new_boolean(fg_scope_can(&req->scope, FG_CAN_UNMASK)));
	json_object_object_add(o, "may_merge", json_object_new_boolean(req->scope.region &&
								       fg_scope_can(&req->scope, FG_CAN_WRITE_PERSONS)));
	reply_json(req, 200, o);
}
