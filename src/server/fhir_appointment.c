/*
 * fhir_appointment.c
 *	  FHIR R4 Appointment and Slot over the network's bookings.  An
 *	  Appointment (read) is one booking: its slot, the person as patient
 *	  participant and the institution holding the slot as location-like
 *	  actor, based on the referral it serves; it is visible as
 *	  /api/appointments is.  Appointment search lists a Patient's
 *	  appointments (?patient= or ?actor=Patient/ID), with their actors on
 *	  _include=Appointment:actor.  Slot search lists the published slots of a
 *	  service from a start date (?service-type=ldct&start=ge2027-03-01),
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

static const char *const appointment_params[] = {"patient", "actor", NULL};
static const struct fhir_sort_key appointment_sorts[] = {{"_id", "id"}, {"date", "start"}, {NULL, NULL}};
static const struct fhir_include appointment_includes[] = {
	{"Appointment:actor", "participant.actor", NULL}, {"Appointment:patient", "participant.actor", "Patient"},
	{"Appointment:based-on", "basedOn", "ServiceRequest"}, {NULL, NULL, NULL},
};
static const struct fhir_search_spec appointment_spec = {
	.type = "Appointment", .params = appointment_params, .sorts = appointment_sorts,
	.includes = appointment_includes,
};

/* The Patient id of ?patient= or ?actor=Patient/ID; replies 400 and returns false otherwise. */
static bool
appointment_patient(struct request *req, int64_t *person)
{
	const char *patient = req_query(req, "patient"), *actor = req_query(req, "actor");

	if (patient == NULL && actor != NULL && strncmp(actor, "Patient/", 8) == 0)
		patient = actor;
	if (patient != NULL && strncmp(patient, "Patient/", 8) == 0)
		patient += 8;
	if (patient == NULL || fg_parse_int64(patient, "patient", 1, INT64_MAX, person, NULL) != FG_OK) {
		reply_error(req, 400, "patient", "an Appointment search needs patient", NULL,
			    "Use patient=Patient/ID or actor=Patient/ID.");
		return false;
	}
	return true;
}

void
fhir_appointment_search(struct request *req)
{
	struct fg_appointment_query q = {.limit = 1000};
	struct fg_appointment_list list = {0};
	struct fhir_paging paging;
	struct fg_person p;
	struct fg_error err;
	json_object *all, *page;
	int64_t total;
	fg_rc rc;

	if (!fhir_search_read(req, &appointment_spec, &paging) || !appointment_patient(req, &q.person_id))
		return;
	rc = fg_scope_person_get(req->store, &req->scope, q.person_id, &p, &err);
	if (rc == FG_OK)
		rc = fg_appointment_find(req->store, &q, req->arena, &list, &err);
	else if (rc == FG_NOTFOUND)
		rc = FG_OK;		/* a Patient out of scope has no Appointments to show */
	audit_note(req, "search", audit_result(rc), "Appointment?patient=%lld&n=%zu", (long long)q.person_id,
		   list.count);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		if (appointment_scope(req, &list.items[i], &err) == FG_OK)
			json_object_array_add(all, appointment_json(req, &list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, "Appointment", page, total, &paging, appointment_params));
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

static const char *const slot_params[] = {"service-type", "start", NULL};
static const struct fhir_sort_key slot_sorts[] = {{"_id", "id"}, {"start", "start"}, {NULL, NULL}};
static const struct fhir_search_spec slot_spec = {
	.type = "Slot", .params = slot_params, .sorts = slot_sorts,
};

void
fhir_slot_search(struct request *req)
{
	const char *service = req_query(req, "service-type"), *start = req_query(req, "start");
	struct fg_slot_query q = {0};
	struct fg_slot_list list;
	struct fhir_paging paging;
	struct fg_error err;
	json_object *all, *page;
	int64_t total;

	if (!fhir_search_read(req, &slot_spec, &paging))
		return;
	if (service != NULL && strchr(service, '|') != NULL)
		service = strchr(service, '|') + 1;
	if (service != NULL && !fg_service_valid(service)) {
		reply_error(req, 400, "service-type", fg_arena_printf(req->arena, "invalid service \"%.32s\"", service),
			    NULL, fg_arena_printf(req->arena, "Use one of %s.", fg_service_names()));
		return;
	}
	if (start != NULL && strncmp(start, "ge", 2) == 0)
		start += 2;
	if (start != NULL && fg_net_time_parse(start, "start", &q.from, &err) != FG_OK) {
		reply_error(req, 400, "start", err.message, NULL, "Give start=geYYYY-MM-DD.");
		return;
	}
	q.service = service;
	q.limit = 1000;		/* the first 1000 slots from start: the total counts those */
	if (fg_slot_find(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(all, slot_json(req, &list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, "Slot", page, total, &paging, slot_params));
}
