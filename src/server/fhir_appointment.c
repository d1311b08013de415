/*
 * fhir_appointment.c
 *	  FHIR R4 Appointment and Slot over the network's bookings.  An
 *	  Appointment (read) is one booking: its slot, the person as patient
 *	  participant and the institution holding the slot as location-like
 *	  actor, based on the referral it serves; it is visible as
 *	  /api/appointments is.  Slot search lists the published slots of a
 *	  service or schedule from a start date
 *	  (?service-type=ldct&schedule=Schedule/N&start=ge2027-03-01),
 *	  free or busy by their bookings (the first 1000 from the start).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/nettime.h"
#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_SERVICE "urn:fangai:service"

/* Appointment state -> Appointment.status (R4 appointmentstatus). */
static const char *const status_map[][2] = {
	{"booked", "booked"}, {"attended", "fulfilled"}, {"no_show", "noshow"}, {"cancelled", "cancelled"},
};

static json_object *
participant(const char *type, int64_t id)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "actor", fhir_reference(type, id));
	json_object_object_add(p, "status", json_object_new_string("accepted"));
	return p;
}

static json_object *
appointment_json(struct request *req, const struct fg_appointment *a)
{
	json_object *o = json_object_new_object(), *slots = json_object_new_array();
	json_object *parts = json_object_new_array(), *types = json_object_new_array();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("Appointment"));
	snprintf(buf, sizeof(buf), "%lld", (long long)a->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	json_object_object_add(o, "status", json_object_new_string(
		fhir_map(status_map, sizeof(status_map) / sizeof(status_map[0]), a->state, "booked")));
	json_object_array_add(types, fhir_codeable(SYSTEM_SERVICE, a->service, NULL, NULL));
	json_object_object_add(o, "serviceType", types);
	json_object_object_add(o, "start", fhir_net_time(req, a->starts_at));
	json_object_array_add(slots, fhir_reference("Slot", a->slot_id));
	json_object_object_add(o, "slot", slots);
	json_object_object_add(o, "created", json_object_new_string(fg_arena_printf(req->arena, "%.10s", a->booked_at)));
	if (a->referral_id) {
		json_object *based = json_object_new_array();

		json_object_array_add(based, fhir_reference("ServiceRequest", a->referral_id));
		json_object_object_add(o, "basedOn", based);
	}
	json_object_array_add(parts, participant("Patient", a->person_id));
	json_object_array_add(parts, participant("Organization", a->slot_institution_id));
	json_object_object_add(o, "participant", parts);
	return o;
}

void
fhir_appointment_read(struct request *req)
{
	struct fg_appointment a;
	int64_t id;

	if (req_param_id(req, 0, "Appointment", &id) && appointment_in_scope(req, "Appointment", id, &a))
		reply_json(req, 200, appointment_json(req, &a));
}

static json_object *
slot_json(struct request *req, const struct fg_slot *s)
{
	json_object *o = json_object_new_object(), *types = json_object_new_array();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("Slot"));
	snprintf(buf, sizeof(buf), "%lld", (long long)s->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	json_object_array_add(types, fhir_codeable(SYSTEM_SERVICE, s->service, NULL, NULL));
	json_object_object_add(o, "serviceType", types);
	json_object_object_add(o, "schedule", fhir_reference("Schedule", s->schedule_id));
	json_object_object_add(o, "status", json_object_new_string(s->booked < s->capacity ? "free" : "busy"));
	json_object_object_add(o, "start", fhir_net_time(req, s->starts_at));
	json_object_object_add(o, "end", fhir_net_time(req, s->ends_at));
	json_object_object_add(o, "overbooked", json_object_new_boolean(s->booked > s->capacity));
	return o;
}

void
fhir_slot_search(struct request *req)
{
	static const char *const params[] = {"service-type", "start", "schedule", NULL};
	const char *service = req_query(req, "service-type"), *start = req_query(req, "start");
	const char *schedule = req_query(req, "schedule");
	struct fg_slot_query q = {0};
	struct fg_slot_list list;
	struct fhir_paging paging;
	struct fg_error err;
	json_object *items;

	if (!fhir_paging_read(req, &paging))
		return;
	if (service != NULL && strchr(service, '|') != NULL)
		service = strchr(service, '|') + 1;
	if (!schedule_service_arg(req, "service-type", service))
		return;
	if (start != NULL && strncmp(start, "ge", 2) == 0)
		start += 2;
	if (start != NULL && fg_net_time_parse(start, "start", &q.from, &err) != FG_OK) {
		reply_error(req, 400, "start", err.message, NULL, "Give start=geYYYY-MM-DD.");
		return;
	}
	if (schedule != NULL && strncmp(schedule, "Schedule/", 9) == 0)
		schedule += 9;
	if (schedule != NULL && fg_parse_int64(schedule, "schedule", 1, INT64_MAX, &q.schedule_id, &err) != FG_OK) {
		reply_error(req, 400, "schedule", err.message, NULL, "Give schedule=Schedule/ID.");
		return;
	}
	q.service = service;
	q.limit = 1000;		/* the first 1000 slots from start: the total counts those */
	if (fg_slot_find(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (int64_t i = paging.offset; i < (int64_t)list.count && i < paging.offset + paging.count; i++)
		json_object_array_add(items, slot_json(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "Slot", items, (int64_t)list.count, &paging, params));
}
