/*
 * fhir_schedule.c
 *	  FHIR R4 Schedule over the network's published schedules: one
 *	  schedule of an institution (the actor, an Organization) for one
 *	  service (serviceType, system urn:fangai:service).  Read
 *	  /fhir/Schedule/{id}; search /fhir/Schedule?actor=Organization/N
 *	  &service-type=ldct&date=YYYY-MM-DD (schedules with a slot starting on
 *	  the days the date values keep: fhir_date.c, without ne).  Schedules
 *	  carry no personal data.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/booking.h"
#include "fangai/nettime.h"
#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_SERVICE "urn:fangai:service"

static json_object *
schedule_json(const struct fg_schedule *s)
{
	json_object *o = json_object_new_object(), *types = json_object_new_array();
	json_object *actors = json_object_new_array();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("Schedule"));
	snprintf(buf, sizeof(buf), "%lld", (long long)s->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	json_object_object_add(o, "active", json_object_new_boolean(s->active));
	json_object_array_add(types, fhir_codeable(SYSTEM_SERVICE, s->service, NULL, NULL));
	json_object_object_add(o, "serviceType", types);
	json_object_array_add(actors, fhir_reference("Organization", s->institution_id));
	json_object_object_add(o, "actor", actors);
	if (s->name[0])
		json_object_object_add(o, "comment", json_object_new_string(s->name));
	return o;
}

void
fhir_schedule_read(struct request *req)
{
	struct fg_schedule s;
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, "Schedule", &id))
		return;
	rc = schedule_find(req, id, &s, &err);
	if (rc == FG_NOTFOUND)
		reply_error(req, 404, NULL, fg_arena_printf(req->arena, "Schedule \"%lld\" does not exist", (long long)id),
			    NULL, NULL);
	else if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_json(req, 200, schedule_json(&s));
}

/* ?actor=Organization/N or N as an institution id (0 when absent); replies 400 and returns false. */
static bool
actor_arg(struct request *req, int64_t *out)
{
	const char *actor = req_query(req, "actor");
	struct fg_error err;

	*out = 0;
	if (actor == NULL)
		return true;
	if (strncmp(actor, "Organization/", 13) == 0)
		actor += 13;
	if (fg_parse_int64(actor, "actor", 1, INT64_MAX, out, &err) == FG_OK)
		return true;
	reply_error(req, 400, "actor", fg_arena_printf(req->arena, "invalid actor \"%.40s\"", req_query(req, "actor")),
		    NULL, "Give actor=Organization/ID.");
	return false;
}

/*
 * ?date as [from, to) minutes, the days its values keep (no ne); both 0
 * when absent, one 0 for an open end.  Replies 400 and returns false.
 */
static bool
date_arg(struct request *req, int64_t *from, int64_t *to)
{
	struct fhir_dates dates;

	*from = *to = 0;
	if (!fhir_date_param(req, "date", false, &dates))
		return false;
	if (dates.from != FG_DATE_NONE)
		*from = (int64_t)dates.from * FG_MINUTES_PER_DAY;
	if (dates.to != FG_DATE_NONE)
		*to = ((int64_t)dates.to + 1) * FG_MINUTES_PER_DAY;
	return true;
}

/* True if schedule s has a slot starting in [from, to); *ok false on a store failure. */
static bool
has_slot(struct request *req, const struct fg_schedule *s, int64_t from, int64_t to, bool *ok)
{
	struct fg_slot_query q = {.schedule_id = s->id, .from = from, .to = to, .limit = 1};
	struct fg_slot_list list;
	struct fg_error err;

	*ok = fg_slot_find(req->store, &q, req->arena, &list, &err) == FG_OK;
	return *ok && list.count > 0;
}

void
fhir_schedule_search(struct request *req)
{
	static const char *const params[] = {"actor", "service-type", "date", NULL};
	const char *service = req_query(req, "service-type");
	struct fg_schedule_list list;
	struct fhir_paging paging;
	struct fg_error err;
	json_object *items;
	int64_t actor, from, to, total = 0;
	bool ok = true;

	if (!fhir_paging_read(req, &paging) || !actor_arg(req, &actor) || !date_arg(req, &from, &to))
		return;
	if (service != NULL && strchr(service, '|') != NULL)
		service = strchr(service, '|') + 1;
	if (!schedule_service_arg(req, "service-type", service))
		return;
	if (fg_schedule_list(req->store, actor, service, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count && ok; i++)
		if ((from == 0 || has_slot(req, &list.items[i], from, to, &ok)) && fhir_page_take(&paging, &total))
			json_object_array_add(items, schedule_json(&list.items[i]));
	if (!ok) {
		json_object_put(items);
		reply_error(req, 500, NULL, "could not search the slots of the schedules", NULL, NULL);
		return;
	}
	reply_json(req, 200, fhir_searchset(req, "Schedule", items, total, &paging, params));
}
