/*
 * fhir_careplan.c
 *	  FHIR R4 CarePlan of a follow-up plan: the plan (data/followup/
 *	  plans.csv) as category, the person as subject, the owning
 *	  institution as author, the start to the last visit as period, the
 *	  tumour the plan follows as addresses, and each scheduled visit as an
 *	  activity (due day, status from a table, the contact that closed it
 *	  as outcomeReference to its Encounter and its outcome as
 *	  outcomeCodeableConcept).  Active plans are active, ended ones
 *	  revoked.  Read and search by patient or subject, date (the start),
 *	  status and _sort with paging and _include (the Patient, the
 *	  Condition); users outside the cancer centre see their own
 *	  institution's plans.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_PLAN "urn:fangai:followup-plan"
#define SYSTEM_OUTCOME "urn:fangai:followup-outcome"
#define MAX_VISITS 2000

/* CarePlan.status (R4 request-status): an active plan, or one ended before its course. */
static const char *const statuses[] = {
	"active", "revoked", "draft", "on-hold", "completed", "entered-in-error", "unknown", NULL,
};

/*
 * Visit outcome -> CarePlan.activity.detail.status (R4
 * care-plan-activity-status): open visits are scheduled (in-progress once
 * an attempt failed to reach the patient), cancelled ones cancelled, and
 * those closed by a contact completed.
 */
static const char *const activity_map[][2] = {
	{"", "scheduled"}, {"cancelled", "cancelled"},
};

static const char *
activity_status(const struct fg_visit_record *v)
{
	if (v->outcome[0] == '\0' && v->attempts > 0)
		return "in-progress";
	return fhir_map(activity_map, sizeof(activity_map) / sizeof(activity_map[0]), v->outcome, "completed");
}

static json_object *
activity_json(struct request *req, const struct fg_visit_record *v)
{
	json_object *a = json_object_new_object(), *d = json_object_new_object(), *when = json_object_new_object();
	char due[FG_DATE_TEXT_MAX];

	if (v->contacted != FG_DATE_NONE && strcmp(v->method, "record_linkage") != 0) {
		json_object *refs = json_object_new_array();

		json_object_array_add(refs, fhir_reference("Encounter", v->id));
		json_object_object_add(a, "outcomeReference", refs);
	}
	if (v->outcome[0] && strcmp(v->outcome, "cancelled") != 0) {
		json_object *outcomes = json_object_new_array();

		json_object_array_add(outcomes, fhir_codeable(SYSTEM_OUTCOME, v->outcome, NULL, NULL));
		json_object_object_add(a, "outcomeCodeableConcept", outcomes);
	}
	json_object_object_add(d, "kind", json_object_new_string("Appointment"));
	json_object_object_add(d, "code", fhir_codeable(SYSTEM_PLAN, v->plan_code, NULL,
							fg_arena_printf(req->arena, "follow-up visit %d", v->seq)));
	json_object_object_add(d, "status", json_object_new_string(activity_status(v)));
	json_object_object_add(when, "start", json_object_new_string(fg_date_format(v->due, due)));
	json_object_object_add(d, "scheduledPeriod", when);
	json_object_object_add(a, "detail", d);
	return a;
}

/* The CarePlan of plan p, its visits as activities (oldest due first); NULL with err filled if they cannot be read. */
static json_object *
careplan_json(struct request *req, const struct fg_plan_record *p, struct fg_error *err)
{
	struct fg_visit_records visits;
	json_object *o, *cats, *period, *acts;
	char id[24], start[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX];

	if (fg_followup_visits_of(req->store, p->person_id, FG_DATE_NONE, MAX_VISITS, req->arena, &visits, err) != FG_OK)
		return NULL;
	o = json_object_new_object();
	cats = json_object_new_array();
	period = json_object_new_object();
	acts = json_object_new_array();
	for (size_t i = 0; i < visits.count; i++)
		if (visits.items[i].plan_id == p->id)
			json_object_array_add(acts, activity_json(req, &visits.items[i]));

	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	json_object_object_add(o, "resourceType", json_object_new_string("CarePlan"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string(statuses[p->active ? 0 : 1]));
	json_object_object_add(o, "intent", json_object_new_string("plan"));
	json_object_array_add(cats, fhir_codeable(SYSTEM_PLAN, p->plan_code, NULL, NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "title", json_object_new_string(fg_arena_printf(req->arena, "follow-up plan %s",
										  p->plan_code)));
	json_object_object_add(o, "subject", fhir_reference("Patient", p->person_id));
	json_object_object_add(period, "start", json_object_new_string(fg_date_format(p->started, start)));
	if (p->last != FG_DATE_NONE && p->last >= p->started)
		json_object_object_add(period, "end", json_object_new_string(fg_date_format(p->last, end)));
	json_object_object_add(o, "period", period);
	json_object_object_add(o, "author", fhir_reference("Organization", p->institution_id));
	if (p->tumour_id) {
		json_object *addresses = json_object_new_array();

		json_object_array_add(addresses, fhir_reference("Condition", p->tumour_id));
		json_object_object_add(o, "addresses", addresses);
	}
	json_object_object_add(o, "activity", acts);
	return o;
}

/* Run the plan query q for the request within its scope; replies with the error and returns false. */
static bool
plans_in_scope(struct request *req, struct fg_plan_query *q, struct fg_plan_records *out)
{
	struct fg_error err;

	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	if (fg_followup_plans_find(req->store, q, req->arena, out, &err) == FG_OK)
		return true;
	reply_fg_error(req, &err);
	return false;
}

void
fhir_careplan_read(struct request *req)
{
	struct fg_plan_query q = {.active = -1, .from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_plan_records list;
	struct fg_error err;
	json_object *plan;
	fg_rc rc;

	if (!req_param_id(req, 0, "CarePlan", &q.id) || !plans_in_scope(req, &q, &list))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "CarePlan %lld does not exist",
					       (long long)q.id);
	if (!read_finish(req, rc, "CarePlan", q.id, &err))
		return;
	if ((plan = careplan_json(req, &list.items[0], &err)) != NULL)
		reply_json(req, 200, plan);
	else
		reply_fg_error(req, &err);
}

enum fg_followup_order
fhir_followup_order(const struct fhir_paging *paging)
{
	if (paging->sort == NULL)
		return FG_FOLLOWUP_BY_DATE;
	if (strcmp(paging->sort->param, "_id") == 0)
		return paging->descending ? FG_FOLLOWUP_BY_ID_DESC : FG_FOLLOWUP_BY_ID;
	return paging->descending ? FG_FOLLOWUP_BY_DATE_DESC : FG_FOLLOWUP_BY_DATE;
}

static const char *const search_params[] = {"patient", "subject", "date", "status", NULL};
static const struct fhir_sort_key sorts[] = {{"_id", "id"}, {"date", "period"}, {NULL, NULL}};
static const struct fhir_include includes[] = {
	{"CarePlan:subject", "subject", "Patient"}, {"CarePlan:patient", "subject", "Patient"},
	{"CarePlan:condition", "addresses", "Condition"}, {NULL, NULL, NULL},
};
static const struct fhir_search_spec search_spec = {
	.type = "CarePlan", .params = search_params, .sorts = sorts, .includes = includes,
};

void
fhir_careplan_search(struct request *req)
{
	struct fg_plan_query q = {.active = -1};
	struct fg_plan_records list = {0};
	struct fhir_dates dates;
	struct fhir_paging paging;
	const char *status;
	struct fg_error err;
	json_object *items, *plan;

	if (!fhir_search_read(req, &search_spec, &paging) || !fhir_subject_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", false, &dates) || !fhir_code_param(req, "status", statuses, &status))
		return;
	if (status != NULL)
		q.active = strcmp(status, statuses[0]) == 0;
	q.from = dates.from;
	q.to = dates.to;
	q.order = fhir_followup_order(&paging);
	q.limit = paging.count;
	q.offset = paging.offset;
	/* Plans are active or revoked: another status matches none. */
	if ((status == NULL || strcmp(status, statuses[0]) == 0 || strcmp(status, statuses[1]) == 0) &&
	    !plans_in_scope(req, &q, &list))
		return;
	audit_note(req, "search", "ok", "CarePlan?patient=%lld&n=%zu", (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++) {
		if ((plan = careplan_json(req, &list.items[i], &err)) == NULL) {
			json_object_put(items);
			reply_fg_error(req, &err);
			return;
		}
		json_object_array_add(items, plan);
	}
	reply_json(req, 200, fhir_searchset(req, "CarePlan", items, list.total, &paging, search_params));
}
