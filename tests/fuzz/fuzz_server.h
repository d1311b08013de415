/*
 * fuzz_server.h
 *	  What the server's fuzz harnesses share: a small in-memory database
 *	  (three institutions, a few persons, a user of the cancer centre and
 *	  one of a community centre, each with a bearer session), and a way
 *	  to run one request through the server's own routing
 *	  (server_dispatch) as libmicrohttpd would hand it over: the path and
 *	  query arguments decoded, headers looked up without case.
 *
 * Every request runs inside a transaction that is rolled back, so inputs
 * do not pile up in the database.  After each request the harness checks
 * what every reply must be: a status from 200 to 599, never 500 (bad
 * input is the client's error), and a JSON body that parses.
 */
#ifndef FANGAI_FUZZ_SERVER_H
#define FANGAI_FUZZ_SERVER_H

#include <json-c/json.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fangai/account.h"
#include "fangai/crypto.h"
#include "fangai/store.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_ARGS 64

static const char fz_fixture[] =
	"INSERT INTO institution (id, uscc, name, kind, district, created_at) VALUES"
	" (1, '12440000455858888X', 'Centre', 'cancer_centre', '440106', '2026-01-01'),"
	" (2, '12440000455858889X', 'Hospital', 'hospital', '440104', '2026-01-01'),"
	" (3, '12440000455858880X', 'Community', 'community', '440103', '2026-01-01');"
	"INSERT INTO person (id, district, institution_id, id_type, id_number, name, name_key, sex,"
	" birth_date, phone, created_at, updated_at) VALUES"
	" (1, '440103', 3, 'resident', '440103196001010014', '张三', '张三', '1', '1960-01-01',"
	"  '13800001234', 'x', 'x'),"
	" (2, '440104', 2, 'resident', '440104196102020028', '李四', '李四', '2', '1961-02-02',"
	"  NULL, 'x', 'x');"
	"INSERT INTO app_user (id, institution_id, username, display_name, role, created_at) VALUES"
	" (1, 1, 'centre.registry', 'Registry', 'registry', 'x'),"
	" (2, 3, 'community.screening', 'Screening', 'screening', 'x');";

static struct {
	fg_store *store;
	struct server_config config;
	char bearer[2][FG_SECRET_TEXT + 8];	/* "Bearer " + token, of user 1 and 2 */
	/* The request being run. */
	const char *content_type, *if_match;
	int user;
	size_t nargs;
	const char *arg_name[FZ_MAX_ARGS], *arg_value[FZ_MAX_ARGS];
} fz;

static void
fz_die(const char *what, const struct fg_error *err)
{
	fprintf(stderr, "fuzz harness setup: %s: %s\n", what, err ? err->message : "");
	abort();
}

static void
fz_session(int64_t user_id, char *out)
{
	char token[FG_SECRET_TEXT];
	struct fg_session session;
	struct fg_user user;
	struct fg_error err;

	if (fg_user_get(fz.store, user_id, &user, &err) != FG_OK ||
	    fg_session_open(fz.store, &user, "bearer", "fuzz", (int64_t)time(NULL), token, &session,
			    &err) != FG_OK)
		fz_die("session", &err);
	snprintf(out, FG_SECRET_TEXT + 8, "Bearer %s", token);
}

/* Open the database and the sessions, once. */
static void
fz_setup(void)
{
	struct fg_store_options opts = {.create = true};
	struct fg_error err;

	if (fz.store != NULL)
		return;
	if (fg_crypto_init(&err) != FG_OK || fg_store_open(":memory:", &opts, &fz.store, &err) != FG_OK ||
	    fg_store_migrate(fz.store, NULL, &err) != FG_OK ||
	    fg_store_exec(fz.store, fz_fixture, &err) != FG_OK)
		fz_die("database", &err);
	fz_session(1, fz.bearer[0]);
	fz_session(2, fz.bearer[1]);
	fz.config = (struct server_config){
		.db = ":memory:", .address = "127.0.0.1", .threads = 1, .max_body = 1 << 20,
		.max_head = 16384, .policy = {.idle_seconds = 1800, .absolute_seconds = 43200},
		.web_dir = FANGAI_DATADIR "/../web", .vendor_dir = FANGAI_DATADIR "/../node_modules",
	};
}

static const char *
fz_lookup(const struct request *req, enum request_value kind, const char *name)
{
	switch (kind) {
	case REQUEST_HEADER:
		if (strcasecmp(name, "Authorization") == 0)
			return fz.user >= 0 ? fz.bearer[fz.user] : NULL;
		if (strcasecmp(name, "Content-Type") == 0)
			return fz.content_type;
		if (strcasecmp(name, "If-Match") == 0)
			return fz.if_match;
		if (strcasecmp(name, "Host") == 0)
			return "localhost:8080";
		return NULL;
	case REQUEST_QUERY:
		for (size_t i = 0; i < fz.nargs; i++)
			if (strcmp(fz.arg_name[i], name) == 0)
				return fz.arg_value[i];
		return NULL;
	default:
		return NULL;
	}
}

/* Split a query string into decoded arguments, as libmicrohttpd does. */
static void
fz_parse_query(struct fg_arena *arena, const char *query)
{
	char *copy = fg_arena_strdup(arena, query ? query : ""), *save = NULL;

	fz.nargs = 0;
	if (copy == NULL)
		return;
	for (char *part = strtok_r(copy, "&", &save); part && fz.nargs < FZ_MAX_ARGS;
	     part = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(part, '=');

		if (eq != NULL) {
			*eq = '\0';
			MHD_http_unescape(eq + 1);
		}
		MHD_http_unescape(part);
		fz.arg_name[fz.nargs] = part;
		fz.arg_value[fz.nargs] = eq ? eq + 1 : NULL;
		fz.nargs++;
	}
}

/* Check what every reply must be. */
static void
fz_check_reply(const struct request *req)
{
	json_object *obj;

	if (req->status < 200 || req->status > 599 || req->status == 500) {
		fprintf(stderr, "%s %s answered %u: %.*s\n", req->method, req->path, req->status,
			(int)req->reply_len, req->reply ? req->reply : "");
		abort();
	}
	if (req->content_type == NULL || strstr(req->content_type, "json") == NULL ||
	    req->reply == NULL || req->reply_len == 0)
		return;
	obj = json_tokener_parse(req->reply);
	if (obj == NULL) {
		fprintf(stderr, "%s %s answered JSON that does not parse: %.*s\n", req->method,
			req->path, (int)req->reply_len, req->reply);
		abort();
	}
	json_object_put(obj);
}

/*
 * Run one request as user 0 (the cancer centre), 1 (a community centre)
 * or -1 (no session).  path may carry "?query"; body may be NULL.
 */
static void
fz_request(int user, const char *method, const char *path_query, const char *content_type,
	   const char *body, size_t body_len)
{
	struct fg_arena arena;
	struct request req = {0};
	char *path, *q;

	fg_arena_init(&arena, 64u << 20);
	path = fg_arena_strdup(&arena, path_query);
	if (path == NULL)
		goto out;
	q = strchr(path, '?');
	if (q != NULL)
		*q++ = '\0';
	MHD_http_unescape(path);
	fz_parse_query(&arena, q);
	fz.user = user;
	fz.content_type = content_type;
	req.config = &fz.config;
	req.lookup = fz_lookup;
	req.method = method;
	req.path = path;
	req.fhir = strncmp(path, "/fhir", 5) == 0;
	snprintf(req.client, sizeof(req.client), "127.0.0.1");
	req.store = fz.store;
	req.arena = &arena;
	if (body != NULL) {
		req.body = fg_arena_strndup(&arena, body, body_len);
		req.body_len = body_len;
	}
	if (fg_store_begin(fz.store, NULL) != FG_OK)
		abort();
	server_dispatch(&req);
	fg_store_rollback(fz.store);
	fz_check_reply(&req);
	request_release(&req);
out:
	fg_arena_free(&arena);
}

/* A NUL-terminated copy of the input (the caller frees it), or NULL. */
static inline char *
fz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
