/*
 * fhir_task.c
 *	  FHIR R4 Task over two-way referrals: the workflow of the referral
 *	  whose ServiceRequest is its focus, owned by the receiving
 *	  institution, its status following the referral's state
 *	  (requested, accepted, in-progress, completed, rejected, cancelled)
 *	  and the state itself as businessStatus.  Read, search, vread and
 *	  history as for ServiceRequest; the Tasks of consultations are fhir_consultation.c's.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

/* Referral state -> Task.status (R4 task-status). */
static const char *const status_map[][2] = {
	{"requested", "requested"}, {"accepted", "accepted"}, {"scheduled", "in-progress"},
	{"attended", "in-progress"}, {"completed", "completed"}, {"rejected", "rejected"},
	{"cancelled", "cancelled"},
};

static const char *
task_status(const char *state)
{
	return fhir_map(status_map, sizeof(status_map) / sizeof(status_map[0]), state, "requested");
}

static json_object *
task_json(struct request *req, const struct fg_referral *r)
{
	json_object *o = json_object_new_object();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("Task"));
	snprintf(buf, sizeof(buf), "%lld", (long long)r->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	fhir_set_version(o, r->version);
	json_object_object_add(o, "status", json_object_new_string(task_status(r->state)));
	json_object_object_add(o, "businessStatus", fhir_codeable(NULL, NULL, NULL, r->state));
	json_object_object_add(o, "intent", json_object_new_string("order"));
	json_object_object_add(o, "focus", fhir_reference("ServiceRequest", r->id));
	json_object_object_add(o, "for", fhir_reference("Patient", r->person_id));
	json_object_object_add(o, "authoredOn", fhir_net_time(req, r->requested_at));
	json_object_object_add(o, "lastModified", fhir_net_time(req, r->state_at));
	json_object_object_add(o, "requester", fhir_reference("Organization", r->from_institution_id));
	json_object_object_add(o, "owner", fhir_reference("Organization", r->to_institution_id));
	return o;
}

void
fhir_task_read(struct request *req)
{
	if (fhir_consultation_id(req))
		fhir_consultation_task_read(req);
	else
		fhir_referral_read(req, "Task", task_json);
}

void
fhir_task_vread(struct request *req)
{
	fhir_referral_vread(req, "Task", task_json);
}

void
fhir_task_history(struct request *req)
{
	fhir_referral_history(req, "Task", task_json);
}

static const char *const search_params[] = {"patient", "box", "category", NULL};
static const struct fhir_include includes[] = {
	{"Task:focus", "focus", "ServiceRequest"}, {"Task:patient", "for", "Patient"},
	{"Task:owner", "owner", "Organization"}, {"Task:requester", "requester", "Organization"},
	{NULL, NULL, NULL},
};
const struct fhir_search_spec fhir_task_spec = {
	.type = "Task", .params = search_params, .includes = includes,
};

void
fhir_task_search(struct request *req)
{
	if (fhir_consultation_category(req))
		fhir_consultation_task_search(req);
	else
		fhir_referral_search(req, &fhir_task_spec, task_json);
}

void
fhir_task_revinclude(struct request *req, const char *name, json_object *matches, json_object *out)
{
	for (size_t i = 0; i < json_object_array_length(matches); i++) {
		json_object *id;
		struct fg_referral r;
		struct fg_error err;
		int64_t rid;

		/* The matches are ServiceRequests of the search, within scope: a Task each. */
		if (json_object_object_get_ex(json_object_array_get_idx(matches, i), "id", &id) &&
		    fg_parse_int64(json_object_get_string(id), "id", 1, INT64_MAX, &rid, NULL) == FG_OK &&
		    fg_referral_get(req->store, rid, req->arena, &r, &err) == FG_OK)
			json_object_array_add(out, task_json(req, &r));
	}
}
