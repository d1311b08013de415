/*
 * api_import.c
 *	  POST /api/import/{kind}: a CSV file as the request body (text/csv,
 *	  UTF-8 or GB18030), imported as "fangai import KIND" does, for the
 *	  user's institution: persons by anyone who registers persons (outside
 *	  the cancer centre a row naming another institution is refused; the
 *	  persons added are checked for duplicates), the other kinds (death
 *	  records, tumours, treatments, screening questionnaires and exams,
 *	  follow-up contacts, populations, life tables) by the cancer centre.
 *	  ?source= names the source system (default web-upload), ?programme= and
 *	  ?exam_type= as the command's options.  Without ?skip_bad_rows=1 a file
 *	  with any refused row stores nothing (422); either way the reply lists
 *	  every refused row: row, line, field, value, reason, detail.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fangai/import.h"
#include "fangai/util.h"
#include "server.h"

#define IMPORT_PROBLEMS_MAX 1000

struct problems {
	json_object *items;
	int64_t count;			/* all problems, beyond those listed too */
	const char *path;		/* the upload's temporary file, never shown */
};

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

/* A text of the library with the upload named instead of its temporary path. */
static json_object *
hidden_path_string(const char *text, const char *path)
{
	char buf[FG_ERROR_MESSAGE_MAX * 2];

	fg_strlcpy(buf, text, sizeof(buf));
	if (path != NULL)
		hide_path(buf, sizeof(buf), path);
	return json_object_new_string(buf);
}

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
	json_object_object_add(o, "reason", hidden_path_string(p->reason, ps->path));
	json_object_object_add(o, "detail", hidden_path_string(p->detail, ps->path));
	json_object_array_add(ps->items, o);
}

/* Write the body to a private temporary file; its path goes into path. */
static bool
body_to_file(struct request *req, char *path, size_t size)
{
	FILE *f = server_temp_file("fangai-upload", path, size);

	if (f == NULL)
		return false;
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

/* The text of query argument name, at most 64 bytes of printable text; replies 400 and returns false otherwise. */
static bool
short_text(struct request *req, const char *name, const char **out)
{
	const char *v = req_query(req, name);

	*out = v;
	if (v == NULL || (strlen(v) <= 64 && strcspn(v, "\r\n\t") == strlen(v)))
		return true;
	reply_error(req, 400, name, fg_arena_printf(req->arena, "%s must be at most 64 characters on one line", name),
		    NULL, NULL);
	return false;
}

/*
 * The options of the upload of kind from the query; replies 400 or 403 and
 * returns false when they are wrong.  Outside the cancer centre only persons,
 * of the user's own institution.
 */
static bool
read_options(struct request *req, struct fg_import_options *opts, char *inst, size_t instsz)
{
	bool bad = false;

	if (!fg_import_kind_parse(req->params[0], &opts->kind)) {
		reply_error(req, 404, "kind", fg_arena_printf(req->arena, "cannot import \"%.32s\"", req->params[0]),
			    NULL, "Import persons, deaths, tumours, treatments, questionnaires, exams, followups,"
			    " populations or life-tables.");
		return false;
	}
	if (opts->kind != FG_IMPORT_PERSONS && !req->scope.region) {
		reply_error(req, 403, "kind", fg_arena_printf(req->arena, "only the cancer centre imports %s",
							      req->params[0]),
			    NULL, "Register them one by one, or send them as a FHIR Bundle.");
		audit_note(req, "import", "denied", "import/%.32s", req->params[0]);
		return false;
	}
	opts->skip_bad_rows = req_query_flag(req, "skip_bad_rows", &bad);
	if (bad || !short_text(req, "source", &opts->source) || !short_text(req, "programme", &opts->programme) ||
	    !short_text(req, "exam_type", &opts->exam_type))
		return false;
	if ((opts->source == NULL || opts->source[0] == '\0') && opts->kind == FG_IMPORT_LIFE_TABLES) {
		reply_error(req, 400, "source", "a life table needs its name as ?source=", NULL, NULL);
		return false;
	}
	if (opts->source == NULL || opts->source[0] == '\0')
		opts->source = "web-upload";
	snprintf(inst, instsz, "%lld", (long long)req->scope.institution_id);
	opts->institution = inst;
	opts->institution_only = !req->scope.region;	/* a centre imports its own persons only */
	opts->check_duplicates = opts->kind == FG_IMPORT_PERSONS;
	return true;
}

void
api_import(struct request *req)
{
	struct problems ps = {.items = json_object_new_array()};
	struct fg_import_options opts = {.problem = on_problem, .userdata = &ps};
	struct fg_import_report report;
	struct fg_error err;
	json_object *o;
	char path[512], inst[32];
	fg_rc rc;

	if (!read_options(req, &opts, inst, sizeof(inst)))
		goto out;
	if (req->body == NULL || req->body_len == 0) {
		reply_error(req, 400, "body", "the CSV file is empty", NULL, "Send the file as the request body.");
		goto out;
	}
	if (!body_to_file(req, path, sizeof(path))) {
		reply_error(req, 500, NULL, "could not keep the uploaded file", NULL, NULL);
		goto out;
	}
	opts.path = ps.path = path;
	rc = fg_import_run(req->store, &opts, &report, &err);
	unlink(path);
	if (rc == FG_IO && strcmp(err.field, "encoding") == 0)
		rc = err.code = FG_INVALID;	/* the upload's bytes are at fault, not the server */
	if (rc != FG_OK) {
		hide_path(err.message, sizeof(err.message), path);
		hide_path(err.detail, sizeof(err.detail), path);
	}
	audit_note(req, "import", audit_result(rc), "import/%s?rows=%lld&rejected=%lld", req->params[0],
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
