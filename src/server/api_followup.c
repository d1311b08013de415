/*
 * api_followup.c
 *	  GET /api/followup/worklist: the follow-up visits of the caller's
 *	  institution due by a day (and a window ahead), oldest first, with the
 *	  person's name and phone (masked unless unmasking is asked for and
 *	  allowed), for the follow-up centre's staff.  The region's users may
 *	  name an institution.  Each list is audited.  Also the contacts and
 *	  attempts recorded on a visit, and follow-up performance figures.
 */
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"
#include "api_clinical.h"

static json_object *
json_visit(const struct fg_visit *v, bool unmask)
{
	json_object *o = json_object_new_object();
	char date[FG_DATE_TEXT_MAX], phone[sizeof(v->phone)];

	if (unmask)
		fg_strlcpy(phone, v->phone, sizeof(phone));
	else
		fg_mask_phone(v->phone, phone, sizeof(phone));
	json_object_object_add(o, "id", json_object_new_int64(v->id));
	json_object_object_add(o, "plan_id", json_object_new_int64(v->plan_id));
	json_object_object_add(o, "plan", json_object_new_string(v->plan_code));
	json_object_object_add(o, "person_id", json_object_new_int64(v->person_id));
	json_object_object_add(o, "person_name", json_object_new_string(v->person_name));
	json_object_object_add(o, "phone", v->phone[0] ? json_object_new_string(phone) : NULL);
	json_object_object_add(o, "institution_id", json_object_new_int64(v->institution_id));
	json_object_object_add(o, "assigned_user_id", v->assigned_user_id ? json_object_new_int64(v->assigned_user_id) : NULL);
	json_object_object_add(o, "seq", json_object_new_int(v->seq));
	json_object_object_add(o, "due", json_object_new_string(fg_date_format(v->due, date)));
	json_object_object_add(o, "days_overdue", json_object_new_int(v->days_overdue));
	json_object_object_add(o, "attempts", json_object_new_int(v->attempts));
	json_object_object_add(o, "masked", json_object_new_boolean(!unmask));
	return o;
}

/* Read the worklist's parameters into q; replies 400 naming one and returns false. */
static bool
worklist_query(struct request *req, struct fg_worklist_query *q, int64_t *limit, int64_t *offset)
{
	const char *as_of = req_query(req, "as_of");
	struct fg_error err;
	int64_t window;
	bool bad = false;

	q->as_of = fg_date_today();
	if (as_of != NULL && fg_date_parse(as_of, "as_of", &q->as_of, &err) != FG_OK) {
		reply_error(req, 400, "as_of", err.message, NULL, "Give a date as YYYY-MM-DD.");
		return false;
	}
	if (!req_query_int(req, "window", 0, 366, 0, &window) ||
	    !req_query_int(req, "limit", 1, 1000, 50, limit) ||
	    !req_query_int(req, "offset", 0, 9000, 0, offset) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &q->institution_id))
		return false;
	q->overdue_only = req_query_flag(req, "overdue", &bad);
	if (bad)
		return false;
	q->window_days = (int)window;
	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	q->limit = 10000;
	return true;
}

void
api_followup_worklist(struct request *req)
{
	struct fg_worklist_query q = {0};
	struct fg_visit_list list;
	struct fg_error err;
	int64_t limit, offset;
	json_object *items;
	bool unmask, refused;
	fg_rc rc;

	unmask = req_unmask(req, &refused);
	if (refused || !worklist_query(req, &q, &limit, &offset))
		return;
	rc = fg_followup_worklist(req->store, &q, req->arena, &list, &err);
	audit_note(req, unmask ? "search-unmasked" : "search", audit_result(rc),
		   "followup-worklist?institution=%lld&n=%zu", (long long)q.institution_id,
		   rc == FG_OK ? list.count : 0);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (int64_t i = offset; i < (int64_t)list.count && i < offset + limit; i++)
		json_object_array_add(items, json_visit(&list.items[i], unmask));
	reply_json(req, 200, json_page(items, (int64_t)list.count, limit, offset));
}

/* A date member of a contact: required when required, FG_DATE_NONE when absent. */
static fg_rc
contact_date(const char *text, const char *field, bool required, fg_date *out, struct fg_error *err)
{
	*out = FG_DATE_NONE;
	if (text == NULL)
		return required ? fg_error_set(err, FG_INVALID, field, "%s is required", field) : FG_OK;
	return fg_date_parse(text, field, out, err);
}

/*
 * Record the contact or attempt on visit id (inside a write); v holds the
 * body's members in the order of api_followup_contact()'s list: date,
 * method, outcome, death_date, cause_icd10, lost_reason, note.
 */
static fg_rc
record_contact(struct request *req, int64_t id, bool attempt, const char *const *v,
	       struct fg_contact_effect *effect, struct fg_error *err)
{
	struct fg_visit_record visit;
	struct fg_contact c = {.visit_id = id, .method = v[1], .outcome = v[2], .cause_icd10 = v[4],
			       .lost_reason = v[5], .note = v[6]};
	fg_rc rc = fg_followup_visit_get(req->store, id, &visit, err);

	if (rc == FG_OK && !req->scope.region && visit.institution_id != req->scope.institution_id)
		rc = fg_error_set(err, FG_NOTFOUND, "visit", "follow-up visit %lld does not exist", (long long)id);
	if (rc == FG_OK)
		rc = contact_date(v[0], "date", true, &c.on, err);
	if (rc == FG_OK)
		rc = contact_date(v[3], "death_date", false, &c.death_date, err);
	if (rc != FG_OK)
		return rc;
	if (attempt)
		rc = fg_followup_attempt(req->store, id, c.on, c.method, c.note, err);
	else if (c.outcome == NULL)
		rc = fg_error_set(err, FG_INVALID, "outcome", "outcome is required");
	else
		rc = fg_followup_record(req->store, &c, effect, err);
	/* The library names the day after its columns; the body calls it "date". */
	if (rc != FG_OK && (strcmp(err->field, "contact_date") == 0 || strcmp(err->field, "attempted_on") == 0))
		fg_strlcpy(err->field, "date", sizeof(err->field));
	return rc;
}

/*
 * POST /api/followup/visits/{id}/contact: the contact that closes a visit
 * ({date, method, outcome, death_date, cause_icd10, lost_reason, note})
 * with its effect on the person's vital status; .../attempt: an attempt
 * that did not reach the person ({date, method, note}).  The visit must
 * be the caller's institution's (404 otherwise, as for a missing one).
 */
void
api_followup_contact(struct request *req)
{
	static const char *const members[] = {"date", "method", "outcome", "death_date", "cause_icd10",
					      "lost_reason", "note", NULL};
	const char *action = req->params[1], *v[7] = {0}, *resource;
	struct fg_contact_effect effect = {0};
	json_object *body = NULL, *o;
	struct fg_error err;
	bool attempt = strcmp(action, "attempt") == 0;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, "visit", &id))
		return;
	if (!attempt && strcmp(action, "contact") != 0) {
		reply_error(req, 404, "action",
			    fg_arena_printf(req->arena, "follow-up action \"%.32s\" does not exist", action), NULL,
			    "Use contact or attempt.");
		return;
	}
	if ((body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, members))
		goto out;
	for (size_t i = 0; i < 7; i++)
		if (!json_get_string(req, body, members[i], &v[i]))
			goto out;
	fg_error_clear(&err);
	resource = fg_arena_printf(req->arena, "followup/%lld", (long long)id);
	rc = write_begin(req, &err);
	if (rc == FG_OK) {
		rc = record_contact(req, id, attempt, v, &effect, &err);
		rc = write_finish(req, rc, action, resource, resource, &err);
	}
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "visit_id", json_object_new_int64(id));
	json_object_object_add(o, "recorded", json_object_new_string(action));
	if (!attempt) {
		json_object_object_add(o, "vital_status", json_object_new_string(effect.vital_status));
		json_object_object_add(o, "plan_closed", json_object_new_boolean(effect.plan_closed));
		json_object_object_add(o, "visits_cancelled", json_object_new_int64((int64_t)effect.visits_cancelled));
	}
	reply_json(req, 200, o);
out:
	json_object_put(body);
}

/*
 * GET /api/stats/followup?as_of=DATE&grace=DAYS: follow-up performance per
 * institution (persons followed, visits due and done, overdue beyond the
 * grace days, lost, dead); the caller's institution only outside the region.
 */
void
api_stats_followup(struct request *req)
{
	struct fg_followup_rates_list list;
	const char *as_of = req_query(req, "as_of");
	struct fg_error err;
	json_object *items;
	fg_date day = fg_date_today();
	int64_t grace;
	fg_rc rc;

	if (as_of != NULL && fg_date_parse(as_of, "as_of", &day, &err) != FG_OK) {
		reply_error(req, 400, "as_of", err.message, NULL, "Give a date as YYYY-MM-DD.");
		return;
	}
	if (!req_query_int(req, "grace", 0, 366, 30, &grace))
		return;
	rc = fg_followup_rates(req->store, day, (int)grace, req->arena, &list, &err);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++) {
		const struct fg_followup_rates *r = &list.items[i];
		json_object *o;

		if (!req->scope.region && r->institution_id != req->scope.institution_id)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "institution_id", json_object_new_int64(r->institution_id));
		json_object_object_add(o, "persons", json_object_new_int64(r->persons));
		json_object_object_add(o, "due", json_object_new_int64(r->due));
		json_object_object_add(o, "done", json_object_new_int64(r->done));
		json_object_object_add(o, "overdue", json_object_new_int64(r->overdue));
		json_object_object_add(o, "lost", json_object_new_int64(r->lost));
		json_object_object_add(o, "dead", json_object_new_int64(r->dead));
		json_object_object_add(o, "done_rate", r->due ? json_object_new_double((double)r->done / (double)r->due)
							      : NULL);
		json_object_array_add(items, o);
	}
	reply_json(req, 200, json_page(items, (int64_t)json_object_array_length(items),
				       (int64_t)json_object_array_length(items), 0));
}
