/*
 * api_followup.c
 *	  GET /api/followup/worklist: the follow-up visits of the caller's
 *	  institution due by a day (and a window ahead), oldest first, with the
 *	  person's name and phone (masked unless unmasking is asked for and
 *	  allowed), for the follow-up centre's staff.  The region's users may
 *	  name an institution.  Each list is audited.
 */
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
