/*
 * api_schedules.c
 *	  Publishing on the shared appointment platform (集中预约): GET
 *	  /api/schedules lists the schedules of the network (no personal data),
 *	  POST /api/schedules publishes one of the caller's institution for a
 *	  service, and POST /api/schedules/{id}/slots publishes consecutive
 *	  slots with a capacity on it.  Only the institution that owns a
 *	  schedule (or the region) publishes on it.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/booking.h"
#include "fangai/util.h"
#include "api_clinical.h"

static json_object *
json_schedule(const struct fg_schedule *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	json_object_object_add(o, "institution_id", json_object_new_int64(s->institution_id));
	json_object_object_add(o, "service", json_object_new_string(s->service));
	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "active", json_object_new_boolean(s->active));
	return o;
}

bool
schedule_service_arg(struct request *req, const char *field, const char *service)
{
	if (service == NULL || fg_service_valid(service))
		return true;
	reply_error(req, 400, field, fg_arena_printf(req->arena, "invalid service \"%.32s\"", service), NULL,
		    fg_arena_printf(req->arena, "Use one of %s.", fg_service_names()));
	return false;
}

void
api_schedules_list(struct request *req)
{
	const char *service = req_query(req, "service");
	struct fg_schedule_list list;
	struct fg_error err;
	json_object *items;
	int64_t institution;

	if (!req_query_int(req, "institution", 0, INT64_MAX, 0, &institution) ||
	    !schedule_service_arg(req, "service", service))
		return;
	if (fg_schedule_list(req->store, institution, service, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_schedule(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, (int64_t)list.count, 0));
}

fg_rc
schedule_find(struct request *req, int64_t id, struct fg_schedule *out, struct fg_error *err)
{
	struct fg_schedule_list list;
	fg_rc rc = fg_schedule_list(req->store, 0, NULL, req->arena, &list, err);

	for (size_t i = 0; rc == FG_OK && i < list.count; i++)
		if (list.items[i].id == id) {
			*out = list.items[i];
			return FG_OK;
		}
	return rc != FG_OK ? rc : fg_error_set(err, FG_NOTFOUND, NULL, "schedule \"%lld\" does not exist",
					       (long long)id);
}

static const char *const schedule_members[] = {"institution", "service", "name", NULL};

void
api_schedules_create(struct request *req)
{
	json_object *body = req_json_body(req);
	const char *institution = NULL, *service = NULL, *name = NULL;
	struct fg_schedule s = {0};
	struct fg_error err;
	char own[24];
	fg_rc rc = FG_OK;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, schedule_members) ||
	    !json_get_string(req, body, "institution", &institution) ||
	    !json_get_string(req, body, "service", &service) || !json_get_string(req, body, "name", &name))
		goto out;
	fg_error_clear(&err);
	snprintf(own, sizeof(own), "%lld", (long long)req->scope.institution_id);
	if (institution == NULL || *institution == '\0')
		institution = own;
	else if (!req->scope.region && strcmp(institution, own) != 0)
		rc = fg_error_set(&err, FG_INVALID, "institution", "cannot act for institution \"%s\"", institution);
	if (rc == FG_OK && (rc = write_begin(req, &err)) == FG_OK) {
		rc = fg_schedule_add(req->store, institution, service, name, &s, &err);
		rc = write_finish(req, rc, "create", fg_arena_printf(req->arena, "schedule/%lld", (long long)s.id),
				  "schedule", &err);
	} else
		audit_note(req, "create", audit_result(rc), "schedule");
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/schedules/%lld", (long long)s.id));
	reply_json(req, 201, json_schedule(&s));
out:
	json_object_put(body);
}

/*
 * An integer member of obj in [min, max], def when absent.  Replies 400
 * naming it for another type and returns false.  The range is the
 * library's to check, so that its message names the value.
 */
static bool
json_get_int(struct request *req, json_object *obj, const char *name, int64_t def, int64_t *out)
{
	json_object *v;

	*out = def;
	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_int)) {
		reply_error(req, 400, name, fg_arena_printf(req->arena, "%s must be an integer", name), NULL, NULL);
		return false;
	}
	*out = json_object_get_int64(v);
	return true;
}

static const char *const slot_members[] = {"starts_at", "minutes", "count", "capacity", NULL};

/* Reply 201 with the count slots published from first. */
static void
reply_slots(struct request *req, const struct fg_slot_input *in, int64_t first)
{
	json_object *items = json_object_new_array();
	struct fg_error err;
	struct fg_slot s;

	for (int64_t id = first; id < first + in->count; id++) {
		if (fg_slot_get(req->store, id, &s, &err) != FG_OK) {
			json_object_put(items);
			reply_fg_error(req, &err);
			return;
		}
		json_object_array_add(items, json_slot(&s));
	}
	reply_json(req, 201, json_page(items, in->count, in->count, 0));
}

void
api_schedules_slots_create(struct request *req)
{
	struct fg_slot_input in = {0};
	json_object *body = NULL;
	struct fg_schedule s;
	struct fg_error err;
	int64_t first = 0;
	fg_rc rc;

	if (!req_param_id(req, 0, "schedule", &in.schedule_id) || (body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, slot_members) ||
	    !json_get_string(req, body, "starts_at", &in.starts_at) ||
	    !json_get_int(req, body, "minutes", 30, &in.minutes) || !json_get_int(req, body, "count", 1, &in.count) ||
	    !json_get_int(req, body, "capacity", 1, &in.capacity))
		goto out;
	fg_error_clear(&err);
	rc = write_begin(req, &err);
	if (rc == FG_OK) {
		rc = schedule_find(req, in.schedule_id, &s, &err);
		if (rc == FG_OK && !req->scope.region && s.institution_id != req->scope.institution_id)
			rc = fg_error_set(&err, FG_NOTFOUND, NULL, "schedule \"%lld\" does not exist",
					  (long long)in.schedule_id);
		if (rc == FG_OK)
			rc = fg_slot_add(req->store, &in, &first, &err);
		rc = write_finish(req, rc, "create", fg_arena_printf(req->arena, "schedule/%lld/slots/%lld",
								     (long long)in.schedule_id, (long long)first),
				  fg_arena_printf(req->arena, "schedule/%lld/slots", (long long)in.schedule_id), &err);
	}
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_slots(req, &in, first);
out:
	json_object_put(body);
}
