/*
 * api_audit.c
 *	  GET /api/audit: the audit log for auditors, newest first; an
 *	  auditor outside the cancer centre sees its own institution's entries.
 */
#include "server.h"

static json_object *
json_entry(const struct fg_audit_entry *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(e->id));
	json_object_object_add(o, "at", json_object_new_string(e->at));
	json_object_object_add(o, "user_id", e->user_id ? json_object_new_int64(e->user_id) : NULL);
	json_object_object_add(o, "institution_id",
			       e->institution_id ? json_object_new_int64(e->institution_id) : NULL);
	json_object_object_add(o, "action", json_object_new_string(e->action));
	json_object_object_add(o, "resource", json_object_new_string(e->resource));
	json_object_object_add(o, "result", json_object_new_string(e->result));
	json_object_object_add(o, "client", json_object_new_string(e->client));
	json_object_object_add(o, "hash", json_object_new_string(e->hash));
	return o;
}

void
api_audit_list(struct request *req)
{
	struct fg_audit_query q = {.action = req_query(req, "action"),
				   .resource = req_query(req, "resource")};
	struct fg_audit_list list;
	struct fg_error err;
	json_object *items;

	if (!req_query_int(req, "limit", 1, 1000, 100, &q.limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &q.offset) ||
	    !req_query_int(req, "user", 0, INT64_MAX, 0, &q.user_id) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &q.institution_id))
		return;
	if (!req->scope.region)
		q.institution_id = req->scope.institution_id;
	audit_note(req, "read", "ok", "audit?offset=%lld", (long long)q.offset);
	if (fg_audit_find(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_entry(&list.items[i]));
	reply_json(req, 200, json_page(items, list.total, q.limit, q.offset));
}
