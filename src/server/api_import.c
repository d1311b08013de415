/*
 * api_import.c
 *	  POST /api/import/persons: a CSV file of persons as the request body
 *	  (text/csv, UTF-8 or GB18030), imported for the user's institution
 *	  through the library's bulk import; outside the cancer centre a row
 *	  naming another institution is refused.  Without ?skip_bad_rows=1 a file
 *	  with any refused row stores nothing (422); either way the reply
 *	  lists every refused row: row, line, field, value, reason, detail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fangai/import.h"
#include "server.h"

#define IMPORT_PROBLEMS_MAX 1000

struct problems {
	json_object *items;
	int64_t count;			/* all problems, beyond those listed too */
};

static void
on_problem(const struct fg_import_problem *p, void *userdata)
{
	struct problems *ps = userdata;
	json_object *o;

	if (ps->count++ >= IMPORT_PROBLEMS_MAX)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "row", json_object_new_int64(p->row));
	json_object_object_add(o, "line", json_object_new_int64(p->line));
	json_object_object_add(o, "field", json_object_new_string(p->field));
	json_object_object_add(o, "value", json_object_new_string(p->value));
	json_object_object_add(o, "reason", json_object_new_string(p->reason));
	json_object_object_add(o, "detail", json_object_new_string(p->detail));
	json_object_array_add(ps->items, o);
}

/* Write the body to a private temporary file; its path goes into path. */
static bool
body_to_file(struct request *req, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/fangai-upload-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	f = fdopen(fd, "wb");
	if (f == NULL) {
		close(fd);
		unlink(path);
		return false;
	}
	if (fwrite(req->body, 1, req->body_len, f) != req->body_len) {
		fclose(f);
		unlink(path);
		return false;
	}
	if (fclose(f) != 0) {
		unlink(path);
		return false;
	}
	return true;
}

/* Name the upload instead of its temporary path in text (of capacity size), in place. */
static void
hide_path(char *text, size_t size, const char *path)
{
	static const char name[] = "the uploaded file";
	char *at = strstr(text, path);
	size_t plen = strlen(path), nlen = sizeof(name) - 1;

	if (at == NULL || strlen(text) - plen + nlen >= size)
		return;
	memmove(at + nlen, at + plen, strlen(at + plen) + 1);
	memcpy(at, name, nlen);
}

static json_object *
json_report(const struct fg_import_report *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "batch_id", json_object_new_int64(r->batch_id));
	json_object_object_add(o, "encoding", json_object_new_string(r->encoding));
	json_object_object_add(o, "ignored", json_object_new_string(r->ignored));
	json_object_object_add(o, "rows", json_object_new_int64(r->rows));
	json_object_object_add(o, "inserted", json_object_new_int64(r->inserted));
	json_object_object_add(o, "matched", json_object_new_int64(r->matched));
	json_object_object_add(o, "updated", json_object_new_int64(r->updated));
	json_object_object_add(o, "unchanged", json_object_new_int64(r->unchanged));
	json_object_object_add(o, "rejected", json_object_new_int64(r->rejected));
	json_object_object_add(o, "duplicates_checked", json_object_new_int64(r->duplicates_checked));
	json_object_object_add(o, "duplicates_found", json_object_new_int64(r->duplicates_found));
	return o;
}

void
api_import_persons(struct request *req)
{
	struct problems ps = {.items = json_object_new_array()};
	struct fg_import_options opts = {.kind = FG_IMPORT_PERSONS, .source = "web-upload",
					 .check_duplicates = true, .problem = on_problem, .userdata = &ps};
	struct fg_import_report report;
	struct fg_error err;
	json_object *o;
	char path[512], inst[32];
	bool bad = false;
	fg_rc rc;

	opts.skip_bad_rows = req_query_flag(req, "skip_bad_rows", &bad);
	if (bad)
		goto out;
	if (req->body == NULL || req->body_len == 0) {
		reply_error(req, 400, "body", "the CSV file is empty", NULL, "Send the file as the request body.");
		goto out;
	}
	if (!body_to_file(req, path, sizeof(path))) {
		reply_error(req, 500, NULL, "could not keep the uploaded file", NULL, NULL);
		goto out;
	}
	snprintf(inst, sizeof(inst), "%lld", (long long)req->scope.institution_id);
	opts.path = path;
	opts.institution = inst;
	opts.institution_only = !req->scope.region;	/* a centre imports its own persons only */
	rc = fg_import_run(req->store, &opts, &report, &err);
	unlink(path);
	if (rc == FG_IO && strcmp(err.field, "encoding") == 0)
		rc = err.code = FG_INVALID;	/* the upload's bytes are at fault, not the server */
	if (rc != FG_OK) {
		hide_path(err.message, sizeof(err.message), path);
		hide_path(err.detail, sizeof(err.detail), path);
	}
	audit_note(req, "import", audit_result(rc), "import/persons?rows=%lld&rejected=%lld",
		   rc == FG_OK ? (long long)report.rows : 0LL, (long long)ps.count);
	if (rc != FG_OK && !(rc == FG_INVALID && ps.count > 0)) {
		reply_fg_error(req, &err);
		goto out;
	}
	o = json_object_new_object();
	if (rc == FG_OK)
		json_object_object_add(o, "report", json_report(&report));
	else {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "message", json_object_new_string(err.message));
		json_object_object_add(o, "error", e);
	}
	json_object_object_add(o, "problem_count", json_object_new_int64(ps.count));
	json_object_object_add(o, "problems", ps.items);
	ps.items = NULL;
	reply_json(req, rc == FG_OK ? 200 : 422, o);
out:
	json_object_put(ps.items);
}
