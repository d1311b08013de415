/*
 * fhir_servicerequest.c
 *	  FHIR R4 ServiceRequest over two-way referrals (双向转诊): intent
 *	  order, requester and performer the two institutions, the referral
 *	  type as code, the clinical question as reason; the referral's state
 *	  is mapped to the request's status.  Read and search by patient and
 *	  box, within the institutions of the referral, and its versions
 *	  (vread, _history: fhir_history.c); the read and search are shared
 *	  with the referral's Task (fhir_task.c).  Consultations
 *	  are ServiceRequests too (fhir_consultation.c): their ids begin
 *	  "consultation-" and ?category=consultation searches them.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_REFERRAL_TYPE "urn:fangai:referral-type"

/* Referral state -> ServiceRequest.status (R4 request-status). */
static const char *const status_map[][2] = {
	{"requested", "active"}, {"accepted", "active"}, {"scheduled", "active"},
	{"attended", "active"}, {"completed", "completed"}, {"rejected", "revoked"},
	{"cancelled", "revoked"},
};

static const char *
status_of(const char *state)
{
	return fhir_map(status_map, sizeof(status_map) / sizeof(status_map[0]), state, "unknown");
}

static json_object *
servicerequest_json(struct request *req, const struct fg_referral *r)
{
	json_object *o = json_object_new_object(), *performers = json_object_new_array();
	json_object *reasons = json_object_new_array(), *cats = json_object_new_array();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("ServiceRequest"));
	snprintf(buf, sizeof(buf), "%lld", (long long)r->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	fhir_set_version(o, r->version);
	json_object_object_add(o, "status", json_object_new_string(status_of(r->state)));
	json_object_object_add(o, "intent", json_object_new_string("order"));
	json_object_array_add(cats, fhir_codeable("http://snomed.info/sct", "3457005", "Patient referral", NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_REFERRAL_TYPE, r->kind, NULL,
							 strcmp(r->direction, "up") == 0 ? "upward referral"
											 : "downward referral"));
	json_object_object_add(o, "subject", fhir_reference("Patient", r->person_id));
	json_object_object_add(o, "authoredOn", fhir_net_time(req, r->requested_at));
	json_object_object_add(o, "requester", fhir_reference("Organization", r->from_institution_id));
	json_object_array_add(performers, fhir_reference("Organization", r->to_institution_id));
	json_object_object_add(o, "performer", performers);
	if (r->appointment_at[0])
		json_object_object_add(o, "occurrenceDateTime", fhir_net_time(req, r->appointment_at));
	if (r->reason != NULL && r->reason[0]) {
		json_object_array_add(reasons, fhir_codeable(NULL, NULL, NULL, r->reason));
		json_object_object_add(o, "reasonCode", reasons);
	} else
		json_object_put(reasons);
	if (r->tumour_id) {
		json_object *refs = json_object_new_array();

		json_object_array_add(refs, fhir_reference("Condition", r->tumour_id));
		json_object_object_add(o, "reasonReference", refs);
	}
	return o;
}

void
fhir_servicerequest_read(struct request *req)
{
	if (fhir_consultation_id(req))
		fhir_consultation_servicerequest_read(req);
	else
		fhir_referral_read(req, "ServiceRequest", servicerequest_json);
}

void
fhir_servicerequest_vread(struct request *req)
{
	fhir_referral_vread(req, "ServiceRequest", servicerequest_json);
}

void
fhir_servicerequest_history(struct request *req)
{
	fhir_referral_history(req, "ServiceRequest", servicerequest_json);
}

static const char *const search_params[] = {"patient", "box", "category", NULL};
static const struct fhir_include includes[] = {
	{"ServiceRequest:subject", "subject", "Patient"}, {"ServiceRequest:patient", "subject", "Patient"},
	{"ServiceRequest:requester", "requester", "Organization"},
	{"ServiceRequest:performer", "performer", "Organization"}, {NULL, NULL, NULL},
};
static const char *const revincludes[] = {"Task:focus", NULL};
const struct fhir_search_spec fhir_servicerequest_spec = {
	.type = "ServiceRequest", .params = search_params, .includes = includes,
	.revincludes = revincludes, .revinclude = fhir_task_revinclude,
};

void
fhir_servicerequest_search(struct request *req)
{
	if (fhir_consultation_category(req))
		fhir_consultation_servicerequest_search(req);
	else
		fhir_referral_search(req, &fhir_servicerequest_spec, servicerequest_json);
}

json_object *
fhir_servicerequest_lookup(struct request *req, int64_t id)
{
	struct fg_referral r;
	struct fg_error err;

	if (fg_referral_get(req->store, id, req->arena, &r, &err) != FG_OK || !referral_visible(req, &r))
		return NULL;
	return servicerequest_json(req, &r);
}

void
fhir_referral_read(struct request *req, const char *type,
		   json_object *(*build)(struct request *, const struct fg_referral *))
{
	struct fg_referral r;
	int64_t id;

	if (!req_param_id(req, 0, type, &id) || !referral_in_scope(req, type, id, &r))
		return;
	reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)r.version));
	reply_json(req, 200, build(req, &r));
}

void
fhir_referral_search(struct request *req, const struct fhir_search_spec *spec,
		     json_object *(*build)(struct request *, const struct fg_referral *))
{
	const char *type = spec->type;
	struct fg_referral_query q = {0};
	struct fg_referral_list list;
	struct fhir_paging paging;
	json_object *items;

	if (!fhir_search_read(req, spec, &paging) || !fhir_patient_param(req, &q.person_id))
		return;
	q.limit = paging.count;
	q.offset = paging.offset;
	if (!referral_search(req, type, req_query(req, "box"), &q, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, build(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, type, items, list.total, &paging, spec->params));
}
