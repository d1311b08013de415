/*
 * api_institutions.c
 *	  /api/institutions: the member institutions of the network (no
 *	  personal data), listed and read.
 */
#include "fangai/institution.h"
#include "server.h"

json_object *
json_institution(const struct fg_institution *in)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(in->id));
	json_object_object_add(o, "uscc", json_object_new_string(in->uscc));
	json_object_object_add(o, "name", json_object_new_string(in->name));
	json_object_object_add(o, "name_en", in->name_en[0] ? json_object_new_string(in->name_en) : NULL);
	json_object_object_add(o, "kind", json_object_new_string(in->kind));
	json_object_object_add(o, "parent_id", in->parent_id ? json_object_new_int64(in->parent_id) : NULL);
	json_object_object_add(o, "district", json_object_new_string(in->district));
	return o;
}

void
api_institutions_list(struct request *req)
{
	struct fg_institution_list list;
	struct fg_error err;
	json_object *items;
	int64_t limit, offset;

	if (!req_query_int(req, "limit", 1, 1000, 100, &limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &offset))
		return;
	if (fg_institution_list(req->store, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = (size_t)offset; i < list.count && i < (size_t)(offset + limit); i++)
		json_object_array_add(items, json_institution(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, limit, offset));
}

void
api_institutions_get(struct request *req)
{
	struct fg_institution in;
	struct fg_error err;
	int64_t id;

	if (!req_param_id(req, 0, "institution", &id))
		return;
	if (fg_institution_get(req->store, id, &in, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_json(req, 200, json_institution(&in));
}
