/*
 * api_followup.c
 *	  GET /api/followup/worklist: the follow-up visits due today (and in
 *	  the next ?window days) for the user's institution, oldest first,
 *	  paged with ?limit and ?offset; the region for the cancer centre.
 *	  Phone numbers are masked unless ?unmask=1 and the role may.
 */
#include "fangai/access.h"
#include "fangai/followup.h"
#include "fangai/util.h"
#include "server.h"

#define WORKLIST_MAX 10000

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
	json_object_object_add(o, "person_id", json_object_new_int64(v->person_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(v->institution_id));
	json_object_object_add(o, "person_name", json_object_new_string(v->person_name));
	json_object_object_add(o, "phone", json_object_new_string(phone));
	json_object_object_add(o, "plan", json_object_new_string(v->plan_code));
	json_object_object_add(o, "seq", json_object_new_int(v->seq));
	json_object_object_add(o, "due", json_object_new_string(fg_date_format(v->due, date)));
	json_object_object_add(o, "days_overdue", json_object_new_int(v->days_overdue));
	json_object_object_add(o, "attempts", json_object_new_int(v->attempts));
	return o;
}

void
api_followup_worklist(struct request *req)
{
	struct fg_worklist_query q = {.as_of = fg_date_today(), .limit = WORKLIST_MAX};
	struct fg_visit_list list;
	struct fg_error err;
	json_object *items;
	int64_t limit, offset, window;
	bool refused = false, unmask = req_unmask(req, &refused), bad = false;

	if (refused || !req_query_int(req, "limit", 1, 1000, 50, &limit) ||
	    !req_query_int(req, "offset", 0, WORKLIST_MAX, 0, &offset) ||
	    !req_query_int(req, "window", 0, 366, 0, &window))
		return;
	q.overdue_only = req_query_flag(req, "overdue", &bad);
	if (bad)
		return;
	q.window_days = (int)window;
	q.institution_id = fg_scope_visible_to(&req->scope);
	audit_note(req, "read", "ok", "followup/worklist?offset=%lld", (long long)offset);
	if (fg_followup_worklist(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = (size_t)offset; i < list.count && i < (size_t)(offset + limit); i++)
		json_object_array_add(items, json_visit(&list.items[i], unmask));
	reply_json(req, 200, json_page(items, (int64_t)list.count, limit, offset));
}
