/*
 * fhir_encounter.c
 *	  FHIR R4 Encounter of a follow-up contact: a visit of a follow-up
 *	  plan closed by a contact with the patient (by phone, visit or
 *	  message; a death found by record linkage is no encounter).  The
 *	  method as class (HL7 v3 ActCode, by a table) and as type, the
 *	  person as subject, the contact day as period, the tumour the plan
 *	  follows as reasonReference, the institution as serviceProvider, the
 *	  outcome in an extension, and the CarePlan in the extension that
 *	  carries R5's Encounter.basedOn (R4 allows only ServiceRequest
 *	  there).  Read and search by patient or subject, date, class, status
 *	  and _sort with paging; users outside the cancer centre see their
 *	  own institution's contacts.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_ACT_CODE "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define SYSTEM_METHOD "urn:fangai:followup-contact-method"
#define EXT_OUTCOME "urn:fangai:extension:followup-outcome"
#define EXT_BASED_ON "http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.basedOn"

/* Contact method -> Encounter.class (v3 ActCode): a visit is ambulatory, a call or message virtual. */
static const struct {
	const char *method, *code, *display;
} classes[] = {
	{"visit", "AMB", "ambulatory"},
	{"phone", "VR", "virtual"},
	{"message", "VR", "virtual"},
};

/* Encounter.status (R4 encounter-status): a recorded contact is finished. */
static const char *const statuses[] = {
	"finished", "planned", "arrived", "triaged", "in-progress", "onleave", "cancelled", "entered-in-error",
	"unknown", NULL,
};

/* The class codes a search may name. */
static const char *const class_codes[] = {"AMB", "VR", NULL};

static size_t
class_of(const char *method)
{
	size_t i = 0;

	while (i + 1 < sizeof(classes) / sizeof(classes[0]) && strcmp(classes[i].method, method) != 0)
		i++;
	return i;
}

static void
add_extension(json_object *exts, const char *url, const char *member, json_object *value)
{
	json_object *x = json_object_new_object();

	json_object_object_add(x, "url", json_object_new_string(url));
	json_object_object_add(x, member, value);
	json_object_array_add(exts, x);
}

static json_object *
encounter_json(struct request *req, const struct fg_visit_record *v)
{
	json_object *o = json_object_new_object(), *exts = json_object_new_array(), *cls = json_object_new_object();
	json_object *types = json_object_new_array(), *period = json_object_new_object();
	size_t k = class_of(v->method);
	char id[24], day[FG_DATE_TEXT_MAX];

	snprintf(id, sizeof(id), "%lld", (long long)v->id);
	json_object_object_add(o, "resourceType", json_object_new_string("Encounter"));
	json_object_object_add(o, "id", json_object_new_string(id));
	add_extension(exts, EXT_OUTCOME, "valueCode", json_object_new_string(v->outcome));
	add_extension(exts, EXT_BASED_ON, "valueReference", fhir_reference("CarePlan", v->plan_id));
	json_object_object_add(o, "extension", exts);
	json_object_object_add(o, "status", json_object_new_string(statuses[0]));
	json_object_object_add(cls, "system", json_object_new_string(SYSTEM_ACT_CODE));
	json_object_object_add(cls, "code", json_object_new_string(classes[k].code));
	json_object_object_add(cls, "display", json_object_new_string(classes[k].display));
	json_object_object_add(o, "class", cls);
	json_object_array_add(types, fhir_codeable(SYSTEM_METHOD, v->method, NULL,
						   fg_arena_printf(req->arena, "follow-up contact by %s (visit %d of plan %s)",
								   v->method, v->seq, v->plan_code)));
	json_object_object_add(o, "type", types);
	json_object_object_add(o, "subject", fhir_reference("Patient", v->person_id));
	fg_date_format(v->contacted, day);
	json_object_object_add(period, "start", json_object_new_string(day));
	json_object_object_add(period, "end", json_object_new_string(day));
	json_object_object_add(o, "period", period);
	if (v->tumour_id) {
		json_object *reasons = json_object_new_array();

		json_object_array_add(reasons, fhir_reference("Condition", v->tumour_id));
		json_object_object_add(o, "reasonReference", reasons);
	}
	json_object_object_add(o, "serviceProvider", fhir_reference("Organization", v->institution_id));
	return o;
}

/* Run the contact query q for the request within its scope; replies with the error and returns false. */
static bool
contacts_in_scope(struct request *req, struct fg_contact_query *q, struct fg_visit_records *out, int64_t *total)
{
	struct fg_error err;

	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	if (fg_followup_contacts_find(req->store, q, req->arena, out, total, &err) == FG_OK)
		return true;
	reply_fg_error(req, &err);
	return false;
}

void
fhir_encounter_read(struct request *req)
{
	struct fg_contact_query q = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_visit_records list;
	struct fg_error err;
	int64_t total;
	fg_rc rc;

	if (!req_param_id(req, 0, "Encounter", &q.id) || !contacts_in_scope(req, &q, &list, &total))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "Encounter %lld does not exist",
					       (long long)q.id);
	if (read_finish(req, rc, "Encounter", q.id, &err))
		reply_json(req, 200, encounter_json(req, &list.items[0]));
}

static const char *const search_params[] = {"patient", "subject", "date", "class", "status", NULL};
static const struct fhir_sort_key sorts[] = {{"_id", "id"}, {"date", "period"}, {NULL, NULL}};
static const struct fhir_include includes[] = {
	{"Encounter:subject", "subject", "Patient"}, {"Encounter:patient", "subject", "Patient"},
	{"Encounter:service-provider", "serviceProvider", "Organization"},
	{"Encounter:reason-reference", "reasonReference", "Condition"}, {NULL, NULL, NULL},
};
static const struct fhir_search_spec search_spec = {
	.type = "Encounter", .params = search_params, .sorts = sorts, .includes = includes,
};

void
fhir_encounter_search(struct request *req)
{
	struct fg_contact_query q = {0};
	struct fg_visit_records list = {0};
	struct fhir_dates dates;
	struct fhir_paging paging;
	const char *status, *cls;
	int64_t total = 0;
	json_object *items;
	bool any;

	if (!fhir_search_read(req, &search_spec, &paging) || !fhir_subject_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", false, &dates) || !fhir_code_param(req, "status", statuses, &status) ||
	    !fhir_code_param(req, "class", class_codes, &cls))
		return;
	for (size_t i = 0, n = 0; cls != NULL && i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(classes[i].code, cls) == 0 && n < FG_CONTACT_METHODS)
			q.methods[n++] = classes[i].method;
	q.from = dates.from;
	q.to = dates.to;
	q.order = fhir_followup_order(&paging);
	q.limit = paging.count;
	q.offset = paging.offset;
	/* Every contact is finished: another status matches none. */
	any = status == NULL || strcmp(status, statuses[0]) == 0;
	if (any && !contacts_in_scope(req, &q, &list, &total))
		return;
	audit_note(req, "search", "ok", "Encounter?patient=%lld&n=%zu", (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, encounter_json(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "Encounter", items, total, &paging, search_params));
}
