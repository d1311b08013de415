/*
 * api_screening_record.c
 *	  POST /api/screening/questionnaires and /api/screening/exams: record a
 *	  risk questionnaire or an exam in the open screening episode of a
 *	  person in the caller's scope, as "fangai screen questionnaire" and
 *	  "fangai screen exam" do, with the decision or the classified result
 *	  in the answer; GET /api/screening/worklist: the recalls and failsafe
 *	  lists of the caller's institution.  Every call is audited.
 */
#include <string.h>

#include "fangai/screening.h"
#include "fangai/util.h"
#include "api_clinical.h"

static const char *const record_members[] = {
	"programme", "person", "date", "institution", "exam_type", "answers", "findings", NULL,
};

/*
 * Read a record from body: its text members and the items of the object
 * member items_name (values strings or numbers).  Replies 400 naming the
 * member at fault and returns false.
 */
static bool
record_input(struct request *req, json_object *body, const char *items_name, struct fg_screen_record *r)
{
	json_object *items;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (!json_only_members(req, body, record_members) ||
	    !json_get_string(req, body, "programme", &r->programme) ||
	    !json_get_string(req, body, "person", &r->person) ||
	    !json_get_string(req, body, "date", &r->date) ||
	    !json_get_string(req, body, "institution", &r->institution) ||
	    !json_get_string(req, body, "exam_type", &r->exam_type))
		return false;
	if (!json_object_object_get_ex(body, items_name, &items) || !json_object_is_type(items, json_type_object)) {
		reply_error(req, 400, items_name, fg_arena_printf(req->arena, "%s must be an object", items_name),
			    NULL, "Name each item and its value.");
		return false;
	}
	struct fg_screen_item *it = fg_arena_alloc(req->arena, (json_object_object_length(items) + 1) * sizeof(*it));
	if (it == NULL) {
		reply_error(req, 503, NULL, "out of memory", NULL, NULL);
		return false;
	}
	json_object_object_foreach(items, key, val) {
		enum json_type type = json_object_get_type(val);

		if (type != json_type_string && type != json_type_int && type != json_type_double &&
		    type != json_type_null) {
			reply_error(req, 400, key, fg_arena_printf(req->arena, "%.64s must be a string or a number", key),
				    NULL, NULL);
			return false;
		}
		it[n].name = fg_arena_strdup(req->arena, key);
		it[n++].value = type == json_type_null ? NULL : fg_arena_strdup(req->arena, json_object_get_string(val));
	}
	r->items = it;
	r->nitems = n;
	return true;
}

/* Open the screening context of the request; replies and returns NULL on failure. */
static fg_screening *
screening_open(struct request *req)
{
	fg_screening *s = NULL;
	struct fg_error err;

	if (fg_screening_open(req->store, NULL, &s, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return NULL;
	}
	return s;
}

/*
 * Record the questionnaire or exam of the body (exam when is_exam), in one
 * transaction with its audit entry, and reply with what was decided.
 */
static void
record(struct request *req, bool is_exam)
{
	json_object *body = req_json_body(req), *o;
	struct fg_screen_record r;
	struct fg_screen_result result;
	struct fg_error err;
	fg_screening *s = NULL;
	bool high_risk = false;
	const char *resource;
	char own[24];
	int64_t person = 0;
	fg_rc rc;

	if (body == NULL)
		return;
	if (!record_input(req, body, is_exam ? "findings" : "answers", &r) || (s = screening_open(req)) == NULL)
		goto out;
	fg_error_clear(&err);
	rc = write_scope_check(req, r.person, "institution", &r.institution, own, sizeof(own), &err);
	if (rc == FG_OK)
		fg_parse_int64(r.person, "person", 1, INT64_MAX, &person, NULL);
	resource = fg_arena_printf(req->arena, "%s?person=%lld", is_exam ? "screening-exam" : "screening-questionnaire",
				   (long long)person);
	if (rc == FG_OK && (rc = write_begin(req, &err)) == FG_OK) {
		rc = is_exam ? fg_screen_exam_record(s, &r, &result, &err)
			     : fg_screen_questionnaire_record(s, &r, &high_risk, &err);
		rc = write_finish(req, rc, "create", resource, resource, &err);
	} else
		audit_note(req, "create", audit_result(rc), "%s", resource);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	o = is_exam ? json_screen_result(&result) : json_object_new_object();
	json_object_object_add(o, "person_id", json_object_new_int64(person));
	json_object_object_add(o, "programme", json_object_new_string(r.programme ? r.programme : ""));
	if (!is_exam)
		json_object_object_add(o, "high_risk", json_object_new_boolean(high_risk));
	reply_json(req, 201, o);
out:
	fg_screening_close(s);
	json_object_put(body);
}

void
api_screening_questionnaire(struct request *req)
{
	record(req, false);
}

void
api_screening_exam(struct request *req)
{
	record(req, true);
}

static json_object *
json_work_item(const struct fg_screen_work_item *w)
{
	json_object *o = json_object_new_object();
	char date[FG_DATE_TEXT_MAX];

	json_object_object_add(o, "episode_id", json_object_new_int64(w->episode_id));
	json_object_object_add(o, "person_id", json_object_new_int64(w->person_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(w->institution_id));
	json_object_object_add(o, "programme", json_object_new_string(w->programme));
	json_object_object_add(o, "name", json_object_new_string(w->name));
	json_object_object_add(o, "category", json_object_new_string(w->category));
	json_object_object_add(o, "since", json_object_new_string(fg_date_format(w->since, date)));
	json_object_object_add(o, "days", json_object_new_int(w->days));
	json_object_object_add(o, "overdue", json_object_new_boolean(w->overdue));
	return o;
}

void
api_screening_worklist(struct request *req)
{
	const char *kind = req_query(req, "kind"), *as_of = req_query(req, "as_of");
	struct fg_screen_worklist list;
	int64_t institution = 0, within, limit, offset;
	fg_date day = fg_date_today();
	struct fg_error err;
	fg_screening *s;
	json_object *items;
	fg_rc rc;

	if (kind == NULL || (strcmp(kind, "recalls") != 0 && strcmp(kind, "failsafe") != 0)) {
		reply_error(req, 400, "kind", fg_arena_printf(req->arena, "invalid worklist \"%.32s\"", kind ? kind : ""),
			    NULL, "Use recalls or failsafe.");
		return;
	}
	if (as_of != NULL && fg_date_parse(as_of, "as_of", &day, &err) != FG_OK) {
		reply_error(req, 400, "as_of", err.message, NULL, "Give a date as YYYY-MM-DD.");
		return;
	}
	if (!req_query_int(req, "within", 0, 366, 30, &within) ||
	    !req_query_int(req, "limit", 1, 1000, 50, &limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &offset) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &institution) || (s = screening_open(req)) == NULL)
		return;
	if (!req->scope.region)
		institution = req->scope.institution_id;
	rc = fg_screen_worklist(s, strcmp(kind, "recalls") == 0 ? FG_WORKLIST_RECALLS : FG_WORKLIST_FAILSAFE,
				institution, day, (int)within, req->arena, &list, &err);
	fg_screening_close(s);
	audit_note(req, "search", audit_result(rc), "screening-worklist?kind=%s&institution=%lld&n=%zu", kind,
		   (long long)institution, rc == FG_OK ? list.count : 0);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (int64_t i = offset; i < (int64_t)list.count && i < offset + limit; i++)
		json_object_array_add(items, json_work_item(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, limit, offset));
}
