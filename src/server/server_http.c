/*
 * server_http.c
 *	  Helpers for handlers: query arguments, headers and JSON bodies in,
 *	  JSON and errors out (API error objects or FHIR OperationOutcomes),
 *	  and audit entries.
 */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fangai/util.h"
#include "server.h"

const char *
req_query(const struct request *req, const char *name)
{
	return req->lookup(req, REQUEST_QUERY, name);
}

struct query_walk {
	void (*fn)(void *ctx, const char *name, const char *value);
	void *ctx;
};

static enum MHD_Result
query_walk_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_walk *w = cls;

	w->fn(w->ctx, key, value);
	return MHD_YES;
}

void
req_query_each(const struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
	       void *ctx)
{
	struct query_walk w = {fn, ctx};

	if (req->query_each != NULL) {
		req->query_each(req, fn, ctx);
		return;
	}
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_walk_one, &w);
}

const char *
req_header(const struct request *req, const char *name)
{
	return req->lookup(req, REQUEST_HEADER, name);
}

bool
req_query_int(struct request *req, const char *name, int64_t min, int64_t max,
	      int64_t def, int64_t *out)
{
	const char *text = req_query(req, name);
	struct fg_error err;

	if (text == NULL) {
		*out = def;
		return true;
	}
	if (fg_parse_int64(text, name, min, max, out, &err) != FG_OK) {
		reply_error(req, 400, name, err.message, err.detail[0] ? err.detail : NULL, err.hint[0] ? err.hint : NULL);
		return false;
	}
	return true;
}

bool
req_query_flag(struct request *req, const char *name, bool *bad)
{
	const char *text = req_query(req, name);
	char msg[160];

	*bad = false;
	if (text == NULL || strcmp(text, "0") == 0 || strcmp(text, "false") == 0)
		return false;
	if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0 || *text == '\0')
		return true;
	snprintf(msg, sizeof(msg), "invalid value \"%.64s\" for %s", text, name);
	reply_error(req, 400, name, msg, NULL, "Use 1 or 0.");
	*bad = true;
	return false;
}

json_object *
req_json_body(struct request *req)
{
	const char *type = req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	struct json_tokener *tok;
	json_object *obj = NULL;
	char detail[160];

	if (req->body_json != NULL)
		return json_object_get(req->body_json);
	if (type == NULL || (strncasecmp(type, "application/json", 16) != 0 &&
			     strncasecmp(type, "application/fhir+json", 21) != 0)) {
		reply_error(req, 415, "Content-Type", "request body must be JSON", NULL,
			    "Send Content-Type: application/json.");
		return NULL;
	}
	if (req->body == NULL || req->body_len == 0) {
		reply_error(req, 400, "body", "request body is missing", NULL, NULL);
		return NULL;
	}
	if (strlen(req->body) != req->body_len) {
		reply_error(req, 400, "body", "request body contains a NUL byte", NULL, NULL);
		return NULL;
	}
	tok = json_tokener_new_ex(32);
	if (tok == NULL) {
		reply_error(req, 503, NULL, "out of memory", NULL, NULL);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, req->body, (int)req->body_len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)req->body_len) {
		snprintf(detail, sizeof(detail), "Parsing stopped at byte %d: %s.", tok->char_offset,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		reply_error(req, 400, "body", "request body is not valid JSON", detail, NULL);
		json_object_put(obj);
		obj = NULL;
	} else if (!json_object_is_type(obj, json_type_object)) {
		reply_error(req, 400, "body", "request body must be a JSON object", NULL, NULL);
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

bool
json_get_string(struct request *req, json_object *obj, const char *name, const char **out)
{
	json_object *v;
	char msg[128];

	*out = NULL;
	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(msg, sizeof(msg), "%s must be a string", name);
		reply_error(req, 400, name, msg, NULL, NULL);
		return false;
	}
	*out = json_object_get_string(v);
	return true;
}

bool
json_only_members(struct request *req, json_object *obj, const char *const *allowed)
{
	char msg[160];

	json_object_object_foreach(obj, key, val) {
		bool ok = false;

		(void)val;
		for (int i = 0; allowed[i] && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			snprintf(msg, sizeof(msg), "unexpected member \"%.64s\"", key);
			reply_error(req, 400, fg_arena_strndup(req->arena, key, strnlen(key, 63)), msg, NULL, NULL);
			return false;
		}
	}
	return true;
}

bool
req_param_id(struct request *req, int index, const char *what, int64_t *out)
{
	char msg[160];

	if (req->params[index] != NULL &&
	    fg_parse_int64(req->params[index], what, 1, INT64_MAX, out, NULL) == FG_OK)
		return true;
	snprintf(msg, sizeof(msg), "%s \"%.32s\" does not exist", what,
		 req->params[index] ? req->params[index] : "");
	reply_error(req, 404, what, msg, NULL, NULL);
	return false;
}

static void
set_reply(struct request *req, unsigned status, const char *text)
{
	request_release(req);
	req->status = status;
	req->reply = fg_arena_strdup(req->arena, text);
	req->reply_len = req->reply ? strlen(req->reply) : 0;
	if (req->content_type == NULL)
		req->content_type = req->fhir ? "application/fhir+json" : "application/json";
}

/* What a successful FHIR write answers with (Prefer: return=...). */
enum write_return { RETURN_REPRESENTATION, RETURN_MINIMAL, RETURN_OUTCOME };

static enum write_return
write_return(const struct request *req, unsigned status)
{
	const char *prefer;

	if (!req->fhir || status >= 300 || strcmp(req->method, "GET") == 0 ||
	    (prefer = req_header(req, "Prefer")) == NULL)
		return RETURN_REPRESENTATION;
	if (strstr(prefer, "return=minimal") != NULL)
		return RETURN_MINIMAL;
	return strstr(prefer, "return=OperationOutcome") != NULL ? RETURN_OUTCOME : RETURN_REPRESENTATION;
}

static void
set_reply_json(struct request *req, unsigned status, json_object *obj)
{
	set_reply(req, status, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

void
reply_json(struct request *req, unsigned status, json_object *obj)
{
	switch (write_return(req, status)) {
	case RETURN_MINIMAL:
		set_reply(req, status, "");
		json_object_put(obj);
		break;
	case RETURN_OUTCOME:
		json_object_put(obj);
		set_reply_json(req, status, reply_write_outcome(req, status));
		break;
	case RETURN_REPRESENTATION:
		set_reply_json(req, status, obj);
		break;
	}
}

void
reply_file(struct request *req, unsigned status, const char *type, FILE *f)
{
	request_release(req);
	req->status = status;
	req->content_type = type;
	req->reply = NULL;
	req->reply_len = 0;
	req->reply_file = f;
}

FILE *
server_temp_file(const char *prefix, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/%s-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp", prefix);
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w+b");
	if (f == NULL) {
		close(fd);
		unlink(path);
	}
	return f;
}

void
request_release(struct request *req)
{
	if (req->reply_file != NULL)
		fclose(req->reply_file);
	req->reply_file = NULL;
}

void
reply_header(struct request *req, const char *name, const char *value)
{
	if (req->nheaders < REQUEST_MAX_HEADERS) {
		req->headers[req->nheaders][0] = name;
		req->headers[req->nheaders][1] = value;
		req->nheaders++;
	}
}

static void
add_text(json_object *obj, const char *name, const char *text)
{
	if (text != NULL && *text != '\0')
		json_object_object_add(obj, name, json_object_new_string(text));
}

/* FHIR R4 issue-type code for an HTTP status. */
static const char *
issue_code(unsigned status)
{
	static const struct {
		unsigned status;
		const char *code;
	} codes[] = {
		{400, "structure"}, {401, "login"}, {403, "forbidden"}, {404, "not-found"},
		{405, "not-supported"}, {409, "conflict"}, {412, "conflict"}, {413, "too-long"},
		{415, "not-supported"}, {422, "invalid"}, {429, "throttled"}, {503, "transient"},
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].status == status)
			return codes[i].code;
	return status >= 500 ? "exception" : "processing";
}

/* An OperationOutcome of one issue; field, detail and hint may be NULL. */
static json_object *
outcome_of(const char *severity, const char *code, const char *field, const char *message,
	   const char *detail, const char *hint)
{
	json_object *oo = json_object_new_object(), *issues = json_object_new_array();
	json_object *issue = json_object_new_object(), *details = json_object_new_object();
	char diag[1024];

	json_object_object_add(oo, "resourceType", json_object_new_string("OperationOutcome"));
	json_object_object_add(issue, "severity", json_object_new_string(severity));
	json_object_object_add(issue, "code", json_object_new_string(code));
	json_object_object_add(details, "text", json_object_new_string(message));
	json_object_object_add(issue, "details", details);
	snprintf(diag, sizeof(diag), "%s%s%s", detail ? detail : "", detail && hint ? " " : "",
		 hint ? hint : "");
	add_text(issue, "diagnostics", diag);
	if (field != NULL && *field != '\0') {
		json_object *expr = json_object_new_array();

		json_object_array_add(expr, json_object_new_string(field));
		json_object_object_add(issue, "expression", expr);
	}
	json_object_array_add(issues, issue);
	json_object_object_add(oo, "issue", issues);
	return oo;
}

static json_object *
operation_outcome(unsigned status, const char *field, const char *message,
		  const char *detail, const char *hint)
{
	return outcome_of(status >= 500 ? "fatal" : "error", issue_code(status), field, message, detail, hint);
}

json_object *
reply_write_outcome(const struct request *req, unsigned status)
{
	if (req->warning.text != NULL)
		return outcome_of("warning", req->warning.code, NULL, req->warning.text, NULL, NULL);
	return outcome_of("information", "informational", NULL,
			  status == 201 ? "the resource was created" : "the resource was written", NULL, NULL);
}

void
reply_error(struct request *req, unsigned status, const char *field, const char *message,
	    const char *detail, const char *hint)
{
	json_object *body, *error;

	req->content_type = NULL;
	if (req->fhir) {
		reply_json(req, status, operation_outcome(status, field, message, detail, hint));
		return;
	}
	body = json_object_new_object();
	error = json_object_new_object();
	json_object_object_add(error, "message", json_object_new_string(message));
	add_text(error, "detail", detail);
	add_text(error, "hint", hint);
	add_text(error, "field", field);
	json_object_object_add(body, "error", error);
	reply_json(req, status, body);
}

void
reply_fg_error(struct request *req, const struct fg_error *err)
{
	static const struct {
		fg_rc rc;
		unsigned status;
	} map[] = {
		{FG_INVALID, 422}, {FG_NOTFOUND, 404}, {FG_CONFLICT, 409}, {FG_NOMEM, 503},
	};
	unsigned status = 500;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].rc == err->code)
			status = map[i].status;
	reply_error(req, status, err->field, err->message[0] ? err->message : fg_rc_name(err->code),
		    err->detail[0] ? err->detail : NULL, err->hint[0] ? err->hint : NULL);
	if (status == 503)
		reply_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
}

static void FG_PRINTF(5, 0)
audit_fillv(const struct request *req, struct fg_audit_entry *e, const char *action,
	    const char *result, const char *fmt, va_list ap)
{
	memset(e, 0, sizeof(*e));
	e->user_id = req->authenticated ? req->session.user.id : 0;
	e->institution_id = req->authenticated ? req->session.user.institution_id : 0;
	fg_strlcpy(e->action, action, sizeof(e->action));
	fg_strlcpy(e->result, result, sizeof(e->result));
	fg_strlcpy(e->client, req->client, sizeof(e->client));
	vsnprintf(e->resource, sizeof(e->resource), fmt, ap);
}

void
audit_fill(const struct request *req, struct fg_audit_entry *e, const char *action,
	   const char *result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	audit_fillv(req, e, action, result, fmt, ap);
	va_end(ap);
}

void
audit_note(struct request *req, const char *action, const char *result, const char *fmt, ...)
{
	va_list ap;

	if (req->naudit == REQUEST_MAX_AUDIT)
		return;
	va_start(ap, fmt);
	audit_fillv(req, &req->audit[req->naudit++], action, result, fmt, ap);
	va_end(ap);
}

fg_rc
audit_write_now(struct request *req, struct fg_error *err)
{
	fg_rc rc;

	if (req->audit_deferred)
		return FG_OK;
	rc = fg_audit_append(req->store, req->audit, req->naudit, err);
	if (rc == FG_OK)
		req->audit_written = true;
	return rc;
}

const char *
audit_result(fg_rc rc)
{
	switch (rc) {
	case FG_OK:
		return "ok";
	case FG_INVALID:
		return "invalid";
	case FG_NOTFOUND:
		return "notfound";
	case FG_CONFLICT:
		return "conflict";
	default:
		return "error";
	}
}

json_object *
json_page(json_object *items, int64_t total, int64_t limit, int64_t offset)
{
	json_object *page = json_object_new_object();

	json_object_object_add(page, "items", items);
	json_object_object_add(page, "total", json_object_new_int64(total));
	json_object_object_add(page, "limit", json_object_new_int64(limit));
	json_object_object_add(page, "offset", json_object_new_int64(offset));
	return page;
}

bool
req_unmask(struct request *req, bool *refused)
{
	bool bad, want = req_query_flag(req, "unmask", &bad);

	*refused = bad;
	if (bad || !want)
		return false;
	if (!fg_scope_can(&req->scope, FG_CAN_UNMASK)) {
		reply_error(req, 403, "unmask", "role may not see unmasked numbers", NULL, NULL);
		audit_note(req, "unmask", "denied", "%s", req->path);
		*refused = true;
		return false;
	}
	return true;
}
