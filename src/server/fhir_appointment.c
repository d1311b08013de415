/*
 * fhir_appointment.c
 *	  FHIR R4 Appointment and Slot over the network's bookings.  An
 *	  Appointment (read) is one booking: its slot, the person as patient
 *	  participant and the institution holding the slot as location-like
 *	  actor, based on the referral it serves; it is visible as
 *	  /api/appointments is.  Create (POST /fhir/Appointment) books the
 *	  Patient participant into the one Slot, basedOn a referral's
 *	  ServiceRequest if given, with the same guarantee as
 *	  /api/appointments: never past the slot's capacity, never twice.
 *	  Appointment search lists a Patient's appointments (?patient= or
 *	  ?actor=Patient/ID), with their actors on _include=Appointment:actor.
 *	  Slot search lists the published slots of a service or schedule from
 *	  a start date (?service-type=ldct&schedule=Schedule/N&start=ge2027-03-01),
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

/* Library fields -> the Appointment's elements, for OperationOutcome.expression. */
static const char *const field_paths[][2] = {
	{"slot", "Appointment.slot"}, {"person", "Appointment.participant"},
	{"institution", "Appointment.participant"}, {"referral", "Appointment.basedOn"},
};

/*
 * The id of the reference "Type/N" in member name of obj (an array's
 * first element when array), as text into *out (NULL when absent).
 * Replies 400 naming the element for another shape and returns false.
 */
static bool
reference_id(struct request *req, json_object *obj, const char *name, bool array, const char *type,
	     const char **out)
{
	json_object *v, *ref;
	const char *text;
	size_t n = strlen(type);

	*out = NULL;
	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return true;
	if (array && json_object_is_type(v, json_type_array) && json_object_array_length(v) == 1)
		v = json_object_array_get_idx(v, 0);
	else if (array)
		v = NULL;
	text = v != NULL && json_object_object_get_ex(v, "reference", &ref) && json_object_is_type(ref, json_type_string)
		       ? json_object_get_string(ref) : NULL;
	if (text != NULL && strncmp(text, type, n) == 0 && text[n] == '/' && text[n + 1]) {
		*out = text + n + 1;
		return true;
	}
	reply_error(req, 400, fg_arena_printf(req->arena, "Appointment.%s", name),
		    fg_arena_printf(req->arena, "Appointment.%s must be %sa reference to a %s", name,
				    array ? "one " : "", type),
		    NULL, NULL);
	return false;
}

/* The Patient among the participants (its id as text, NULL when none); 400 for a malformed one. */
static bool
patient_participant(struct request *req, json_object *body, const char **out)
{
	json_object *parts;

	*out = NULL;
	if (!json_object_object_get_ex(body, "participant", &parts) || !json_object_is_type(parts, json_type_array)) {
		reply_error(req, 400, "Appointment.participant", "Appointment.participant must list the Patient",
			    NULL, NULL);
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(parts); i++) {
		json_object *actor, *ref;

		if (json_object_object_get_ex(json_object_array_get_idx(parts, i), "actor", &actor) &&
		    json_object_object_get_ex(actor, "reference", &ref) && json_object_is_type(ref, json_type_string) &&
		    strncmp(json_object_get_string(ref), "Patient/", 8) == 0)
			return reference_id(req, json_object_array_get_idx(parts, i), "actor", false, "Patient", out);
	}
	return true;
}

/* Map an Appointment to a booking: status booked, one slot, the Patient, basedOn a referral. */
static bool
appointment_input(struct request *req, json_object *body, struct fg_booking_input *in, const char **referral)
{
	json_object *v;

	if (!json_object_object_get_ex(body, "resourceType", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "Appointment") != 0) {
		reply_error(req, 400, "resourceType", "resourceType must be Appointment", NULL, NULL);
		return false;
	}
	if (json_object_object_get_ex(body, "status", &v) &&
	    (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), "booked") != 0)) {
		reply_error(req, 422, "Appointment.status", "an appointment is created booked", NULL,
			    "Send status booked: proposed and pending appointments are not kept.");
		return false;
	}
	return reference_id(req, body, "slot", true, "Slot", &in->slot) && patient_participant(req, body, &in->person) &&
	       reference_id(req, body, "basedOn", true, "ServiceRequest", referral);
}

void
fhir_appointment_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_booking_input in = {0};
	struct fg_appointment a = {0};
	const char *referral = NULL;
	struct fg_error err;
	fg_rc rc = FG_OK;

	if (body == NULL || !appointment_input(req, body, &in, &referral))
		goto out;
	fg_error_clear(&err);
	if (in.person == NULL)
		rc = fg_error_set(&err, FG_INVALID, "person", "the appointment has no Patient participant");
	if (rc == FG_OK && referral != NULL)
		rc = fg_parse_int64(referral, "referral", 1, INT64_MAX, &in.referral_id, &err);
	if (rc == FG_OK)
		rc = appointment_book(req, &in, &a, &err);
	else
		audit_note(req, "create", audit_result(rc), "appointment");
	if (rc != FG_OK) {
		for (size_t i = 0; i < sizeof(field_paths) / sizeof(field_paths[0]); i++)
			if (strcmp(err.field, field_paths[i][0]) == 0)
				fg_strlcpy(err.field, field_paths[i][1], sizeof(err.field));
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "%s/Appointment/%lld", fhir_base(req), (long long)a.id));
	reply_json(req, 201, appointment_json(req, &a));
out:
	json_object_put(body);
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

static const char *const slot_params[] = {"service-type", "start", "schedule", NULL};
static const struct fhir_sort_key slot_sorts[] = {{"_id", "id"}, {"start", "start"}, {NULL, NULL}};
static const struct fhir_search_spec slot_spec = {
	.type = "Slot", .params = slot_params, .sorts = slot_sorts,
};

void
fhir_slot_search(struct request *req)
{
	const char *service = req_query(req, "service-type"), *start = req_query(req, "start");
	const char *schedule = req_query(req, "schedule");
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
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(all, slot_json(req, &list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, "Slot", page, total, &paging, slot_params));
}
