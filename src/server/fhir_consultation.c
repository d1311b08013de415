/*
 * fhir_consultation.c
 *	  FHIR R4 for remote consultations and MDT meetings, beside the
 *	  referrals: a consultation is a ServiceRequest of category
 *	  Consultation (SNOMED CT 11429006) with the id "consultation-N",
 *	  requested by the asking institution of the experts' institutions
 *	  (performers, each with the expert's name), its question as reason and
 *	  its session as occurrence; and a Task "consultation-N" owned by the
 *	  requester whose outputs are the experts' opinions and the
 *	  conclusion.  Read /fhir/ServiceRequest/consultation-N and
 *	  /fhir/Task/consultation-N; search with ?category=consultation
 *	  [&patient=].  Visible as /api/consultations is, and audited as its
 *	  reads and searches are (consultation/N), not to be taken for the
 *	  referral of the same number.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define ID_PREFIX "consultation-"
#define SYSTEM_CONSULT_KIND "urn:fangai:consultation-kind"

/* A consultation with its participants, as the builders take it. */
struct consult_view {
	struct fg_consultation c;
	struct fg_consult_participant *parts;
	size_t nparts;
};

/* Consultation state -> ServiceRequest.status (R4 request-status) and Task.status (task-status). */
static const char *const request_status[][2] = {
	{"requested", "active"}, {"scheduled", "active"}, {"concluded", "completed"}, {"cancelled", "revoked"},
};
static const char *const task_status[][2] = {
	{"requested", "requested"}, {"scheduled", "accepted"}, {"concluded", "completed"}, {"cancelled", "cancelled"},
};
#define NSTATUS (sizeof(request_status) / sizeof(request_status[0]))

static const char *
resource_id(struct request *req, int64_t id)
{
	return fg_arena_printf(req->arena, ID_PREFIX "%lld", (long long)id);
}

static json_object *
reference_to(struct request *req, const char *type, int64_t id)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "reference", json_object_new_string(
		fg_arena_printf(req->arena, "%s/" ID_PREFIX "%lld", type, (long long)id)));
	return o;
}

/* "Dr Wang (thoracic surgery)", or the name alone. */
static const char *
expert_label(struct request *req, const struct fg_consult_participant *p)
{
	return p->specialty[0] ? fg_arena_printf(req->arena, "%s (%s)", p->expert, p->specialty)
			       : fg_arena_strdup(req->arena, p->expert);
}

static json_object *
servicerequest_json(struct request *req, const struct consult_view *v)
{
	const struct fg_consultation *c = &v->c;
	json_object *o = json_object_new_object(), *cats = json_object_new_array();
	json_object *performers = json_object_new_array(), *reasons = json_object_new_array();

	json_object_object_add(o, "resourceType", json_object_new_string("ServiceRequest"));
	json_object_object_add(o, "id", json_object_new_string(resource_id(req, c->id)));
	json_object_object_add(o, "status", json_object_new_string(fhir_map(request_status, NSTATUS, c->state,
									    "unknown")));
	json_object_object_add(o, "intent", json_object_new_string("order"));
	json_object_array_add(cats, fhir_codeable("http://snomed.info/sct", "11429006", "Consultation", NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_CONSULT_KIND, c->kind, NULL,
							 strcmp(c->kind, "mdt") == 0 ? "multidisciplinary team meeting"
										     : "remote consultation"));
	if (c->referral_id) {
		json_object *based = json_object_new_array();

		json_object_array_add(based, fhir_reference("ServiceRequest", c->referral_id));
		json_object_object_add(o, "basedOn", based);
	}
	json_object_object_add(o, "subject", fhir_reference("Patient", c->person_id));
	if (c->session_at[0])
		json_object_object_add(o, "occurrenceDateTime", fhir_net_time(req, c->session_at));
	json_object_object_add(o, "authoredOn", fhir_net_time(req, c->requested_at));
	json_object_object_add(o, "requester", fhir_reference("Organization", c->institution_id));
	for (size_t i = 0; i < v->nparts; i++) {
		json_object *p = fhir_reference("Organization", v->parts[i].institution_id);

		json_object_object_add(p, "display", json_object_new_string(expert_label(req, &v->parts[i])));
		json_object_array_add(performers, p);
	}
	if (v->nparts)
		json_object_object_add(o, "performer", performers);
	else
		json_object_put(performers);
	json_object_array_add(reasons, fhir_codeable(NULL, NULL, NULL, c->question));
	json_object_object_add(o, "reasonCode", reasons);
	if (c->tumour_id) {
		json_object *refs = json_object_new_array();

		json_object_array_add(refs, fhir_reference("Condition", c->tumour_id));
		json_object_object_add(o, "reasonReference", refs);
	}
	return o;
}

static json_object *
task_output(const char *type, const char *value)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", fhir_codeable(NULL, NULL, NULL, type));
	json_object_object_add(o, "valueString", json_object_new_string(value));
	return o;
}

static json_object *
task_json(struct request *req, const struct consult_view *v)
{
	const struct fg_consultation *c = &v->c;
	json_object *o = json_object_new_object(), *out = json_object_new_array();

	json_object_object_add(o, "resourceType", json_object_new_string("Task"));
	json_object_object_add(o, "id", json_object_new_string(resource_id(req, c->id)));
	json_object_object_add(o, "status", json_object_new_string(fhir_map(task_status, NSTATUS, c->state,
									    "requested")));
	json_object_object_add(o, "businessStatus", fhir_codeable(NULL, NULL, NULL, c->state));
	json_object_object_add(o, "intent", json_object_new_string("order"));
	json_object_object_add(o, "focus", reference_to(req, "ServiceRequest", c->id));
	json_object_object_add(o, "for", fhir_reference("Patient", c->person_id));
	json_object_object_add(o, "authoredOn", fhir_net_time(req, c->requested_at));
	if (c->concluded_at[0])
		json_object_object_add(o, "lastModified", fhir_net_time(req, c->concluded_at));
	json_object_object_add(o, "requester", fhir_reference("Organization", c->institution_id));
	json_object_object_add(o, "owner", fhir_reference("Organization", c->institution_id));
	for (size_t i = 0; i < v->nparts; i++)
		if (v->parts[i].opinion != NULL && v->parts[i].opinion[0])
			json_object_array_add(out, task_output(
				fg_arena_printf(req->arena, "opinion of %s", expert_label(req, &v->parts[i])),
				v->parts[i].opinion));
	if (c->conclusion != NULL && c->conclusion[0])
		json_object_array_add(out, task_output("conclusion", c->conclusion));
	if (json_object_array_length(out))
		json_object_object_add(o, "output", out);
	else
		json_object_put(out);
	return o;
}

bool
fhir_consultation_id(const struct request *req)
{
	return strncmp(req->params[0], ID_PREFIX, strlen(ID_PREFIX)) == 0;
}

/* Read consultation-N of the path as type with build. */
static void
consultation_read(struct request *req, const char *type,
		  json_object *(*build)(struct request *, const struct consult_view *))
{
	const char *text = req->params[0] + strlen(ID_PREFIX);
	struct consult_view v;
	struct fg_error err;
	int64_t id;

	if (fg_parse_int64(text, "id", 1, INT64_MAX, &id, &err) != FG_OK) {
		reply_error(req, 404, NULL, fg_arena_printf(req->arena, "%s \"%.40s\" does not exist", type,
							    req->params[0]), NULL, NULL);
		return;
	}
	if (consultation_in_scope(req, "consultation", id, &v.c, &v.parts, &v.nparts))
		reply_json(req, 200, build(req, &v));
}

/* True if ?category= asks for consultations (SNOMED CT 11429006, or the word). */
bool
fhir_consultation_category(const struct request *req)
{
	const char *cat = req_query(req, "category");

	if (cat != NULL && strchr(cat, '|') != NULL)
		cat = strchr(cat, '|') + 1;
	return cat != NULL && (strcmp(cat, "consultation") == 0 || strcmp(cat, "11429006") == 0);
}

/* Search the consultations the request may see as type, by ?patient=. */
static void
consultation_search_as(struct request *req, const char *type,
		       json_object *(*build)(struct request *, const struct consult_view *))
{
	static const char *const params[] = {"patient", "category", NULL};
	struct fg_consult_query q = {.limit = 1000};
	struct fg_consult_list list;
	struct fhir_paging paging;
	struct fg_error err;
	json_object *items;
	int64_t total = 0;

	if (!fhir_paging_read(req, &paging) || !fhir_patient_param(req, &q.person_id) ||
	    !consultation_search(req, "consultation", &q, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++) {
		struct consult_view v;

		if (!fhir_page_take(&paging, &total))
			continue;
		if (fg_consult_get(req->store, list.items[i].id, req->arena, &v.c, &v.parts, &v.nparts, &err) != FG_OK) {
			json_object_put(items);
			reply_fg_error(req, &err);
			return;
		}
		json_object_array_add(items, build(req, &v));
	}
	reply_json(req, 200, fhir_searchset(req, type, items, total, &paging, params));
}

void
fhir_consultation_servicerequest_read(struct request *req)
{
	consultation_read(req, "ServiceRequest", servicerequest_json);
}

void
fhir_consultation_task_read(struct request *req)
{
	consultation_read(req, "Task", task_json);
}

void
fhir_consultation_servicerequest_search(struct request *req)
{
	consultation_search_as(req, "ServiceRequest", servicerequest_json);
}

void
fhir_consultation_task_search(struct request *req)
{
	consultation_search_as(req, "Task", task_json);
}
