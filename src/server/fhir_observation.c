/*
 * fhir_observation.c
 *	  FHIR R4 Observation of a screening result: one stored exam, its
 *	  category as valueCodeableConcept with the classification scheme as
 *	  the system ("urn:fangai:screening-scheme:lung-rads-2022", code "4AS"),
 *	  positive or negative as interpretation, the management and recall as
 *	  a note, the episode as the workflow-episodeOfCare extension, and each
 *	  finding as a component: measurements as valueQuantity with the
 *	  decimals as entered (8.0 stays 8.0) and their UCUM unit, enumerated
 *	  findings as codes of the scheme's field.  Read and search by
 *	  patient or subject, date, code (the exam type) and status with
 *	  paging and _include, the read and search that DiagnosticReport
 *	  shares; users outside the cancer centre see the exams of their own
 *	  institution.  Also the FHIR search parameters patient, subject,
 *	  date and a code of a fixed list, which other resources share.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_EXAM "urn:fangai:screening-exam"
#define SYSTEM_SCHEME "urn:fangai:screening-scheme:"
#define SYSTEM_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define SYSTEM_INTERPRETATION "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
#define SYSTEM_UCUM "http://unitsofmeasure.org"
#define EXT_EPISODE "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"

/* Exam type -> observation category (R4 observation-category). */
static const char *const category_map[][2] = {
	{"ldct", "imaging"}, {"mammography", "imaging"}, {"breast_ultrasound", "imaging"},
	{"ultrasound_afp", "imaging"}, {"fit", "laboratory"}, {"hpv_cytology", "laboratory"},
	{"endoscopy", "procedure"}, {"colonoscopy", "procedure"},
};

/* Name suffix of a measured finding -> UCUM unit (the rule files name their units so). */
static const struct {
	const char *suffix, *unit, *ucum;
} units[] = {
	{"_mm", "mm", "mm"},
	{"_ng_ml", "ng/mL", "ng/mL"},
	{"_ug_g", "\xc2\xb5g/g", "ug/g"},
};

static json_object *
quantity(const char *text, const char *field)
{
	json_object *q = json_object_new_object();
	size_t n = strlen(field);
	double v = 0;

	sscanf(text, "%lf", &v);
	json_object_object_add(q, "value", json_object_new_double_s(v, text));
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t k = strlen(units[i].suffix);

		if (n > k && strcmp(field + n - k, units[i].suffix) == 0) {
			json_object_object_add(q, "unit", json_object_new_string(units[i].unit));
			json_object_object_add(q, "system", json_object_new_string(SYSTEM_UCUM));
			json_object_object_add(q, "code", json_object_new_string(units[i].ucum));
		}
	}
	return q;
}

/* Whether field is a number of the rule set (its description says so). */
static bool
numeric_field(const fg_ruleset *rs, const char *field)
{
	char desc[512];
	int i = rs ? fg_ruleset_field_index(rs, field) : -1;

	return i >= 0 && strncmp(fg_ruleset_field_describe(rs, (size_t)i, desc, sizeof(desc)), "number", 6) == 0;
}

/* One component per finding as entered; numbers keep their decimals. */
static json_object *
components(struct request *req, const struct fg_screen_exam *x, const fg_ruleset *rs)
{
	json_object *findings = json_tokener_parse(x->findings), *out = json_object_new_array();
	const char *scheme = fg_arena_printf(req->arena, SYSTEM_SCHEME "%s", x->scheme);

	if (findings == NULL || !json_object_is_type(findings, json_type_object)) {
		json_object_put(findings);
		return out;
	}
	json_object_object_foreach(findings, key, val) {
		json_object *c = json_object_new_object();
		const char *text = json_object_get_string(val);

		json_object_object_add(c, "code", fhir_codeable(scheme, key, NULL, NULL));
		if (numeric_field(rs, key))
			json_object_object_add(c, "valueQuantity", quantity(text, key));
		else
			json_object_object_add(c, "valueCodeableConcept", fhir_codeable(
				fg_arena_printf(req->arena, "%s:%s", scheme, key), text, NULL, NULL));
		json_object_array_add(out, c);
	}
	json_object_put(findings);
	return out;
}

const char *
fhir_exam_summary(struct request *req, const struct fg_screen_exam *x)
{
	char recall[32] = "no timed recall";

	if (x->recall_months != FG_SCREEN_RECALL_NONE)
		snprintf(recall, sizeof(recall), "recall in %d months", x->recall_months);
	return fg_arena_printf(req->arena, "management %s; %s%s", x->management, recall,
			       x->referral ? "; referred for diagnosis" : "");
}

json_object *
fhir_exam_resource(struct request *req, const char *type, const struct fg_screen_exam *x,
		   const char *category_system, const char *category, const fg_ruleset **rs)
{
	json_object *o = json_object_new_object(), *exts = json_object_new_array(), *ext = json_object_new_object();
	json_object *cats = json_object_new_array(), *perf = json_object_new_array();
	char id[24], date[FG_DATE_TEXT_MAX];

	*rs = NULL;
	fg_ruleset_load(NULL, x->scheme, req->arena, rs, NULL);
	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	json_object_object_add(o, "resourceType", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(ext, "url", json_object_new_string(EXT_EPISODE));
	json_object_object_add(ext, "valueReference", fhir_reference("EpisodeOfCare", x->episode_id));
	json_object_array_add(exts, ext);
	json_object_object_add(o, "extension", exts);
	json_object_object_add(o, "status", json_object_new_string("final"));
	json_object_array_add(cats, fhir_codeable(category_system, category, NULL, NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_EXAM, x->exam_type, NULL,
							fg_arena_printf(req->arena, "%s screening exam (%s programme)",
									x->exam_type, x->programme)));
	json_object_object_add(o, "subject", fhir_reference("Patient", x->person_id));
	json_object_object_add(o, "effectiveDateTime", json_object_new_string(fg_date_format(x->exam_date, date)));
	json_object_array_add(perf, fhir_reference("Organization", x->institution_id));
	json_object_object_add(o, "performer", perf);
	return o;
}

static json_object *
observation_json(struct request *req, const struct fg_screen_exam *x)
{
	const fg_ruleset *rs;
	json_object *o = fhir_exam_resource(req, "Observation", x, SYSTEM_CATEGORY,
					    fhir_map(category_map, sizeof(category_map) / sizeof(category_map[0]),
						     x->exam_type, "exam"), &rs);
	json_object *interp = json_object_new_array(), *notes = json_object_new_array(), *note = json_object_new_object();

	json_object_object_add(o, "valueCodeableConcept", fhir_codeable(fg_arena_printf(req->arena, SYSTEM_SCHEME "%s",
											x->scheme), x->category,
									  NULL, rs ? fg_ruleset_title(rs) : NULL));
	json_object_array_add(interp, fhir_codeable(SYSTEM_INTERPRETATION, x->positive ? "POS" : "NEG", NULL, NULL));
	json_object_object_add(o, "interpretation", interp);
	json_object_object_add(note, "text", json_object_new_string(fhir_exam_summary(req, x)));
	json_object_array_add(notes, note);
	json_object_object_add(o, "note", notes);
	json_object_object_add(o, "component", components(req, x, rs));
	return o;
}

/* The Patient reference of search parameter name into *person, 0 if absent; replies 400 and returns false. */
static bool
patient_reference_param(struct request *req, const char *name, int64_t *person)
{
	const char *v = req_query(req, name);
	struct fg_error err;

	*person = 0;
	if (v == NULL)
		return true;
	if (strncmp(v, "Patient/", 8) == 0)
		v += 8;
	if (fg_parse_int64(v, name, 1, INT64_MAX, person, &err) == FG_OK)
		return true;
	reply_error(req, 400, name, err.message, NULL,
		    fg_arena_printf(req->arena, "Use %s=Patient/ID or %s=ID.", name, name));
	return false;
}

bool
fhir_patient_param(struct request *req, int64_t *person)
{
	return patient_reference_param(req, "patient", person);
}

bool
fhir_subject_param(struct request *req, int64_t *person)
{
	return patient_reference_param(req, "patient", person) &&
	       (*person != 0 || patient_reference_param(req, "subject", person));
}

bool
fhir_code_param(struct request *req, const char *name, const char *const *codes, const char **out)
{
	const char *v = req_query(req, name);

	*out = v;
	for (size_t i = 0; v != NULL && codes[i]; i++)
		if (strcmp(codes[i], v) == 0)
			return true;
	if (v == NULL)
		return true;
	reply_error(req, 400, name, fg_arena_printf(req->arena, "invalid %s \"%.32s\"", name, v), NULL,
		    fg_arena_printf(req->arena, "Use one of the codes of the element (%s, ...).", codes[0]));
	return false;
}

/* Run the exam query q within the request's scope. */
static fg_rc
exams_scoped(struct request *req, struct fg_screen_exam_query *q, struct fg_screen_exam_list *out,
	     struct fg_error *err)
{
	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	return fg_screen_exams_find(req->store, q, req->arena, out, err);
}

/* Run the exam query q for the request within its scope; replies with the error and returns false. */
static bool
exams_in_scope(struct request *req, struct fg_screen_exam_query *q, struct fg_screen_exam_list *out)
{
	struct fg_error err;

	if (exams_scoped(req, q, out, &err) == FG_OK)
		return true;
	reply_fg_error(req, &err);
	return false;
}

json_object *
fhir_observation_lookup(struct request *req, int64_t id)
{
	struct fg_screen_exam_query q = {.id = id, .from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_screen_exam_list list;
	struct fg_error err;

	if (exams_scoped(req, &q, &list, &err) != FG_OK || list.count == 0)
		return NULL;
	return observation_json(req, &list.items[0]);
}

void
fhir_exam_read(struct request *req, const char *type, fhir_exam_build build)
{
	struct fg_screen_exam_query q = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_screen_exam_list list;
	struct fg_error err;
	fg_rc rc;

	if (!req_param_id(req, 0, type, &q.id) || !exams_in_scope(req, &q, &list))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "%s %lld does not exist", type,
					       (long long)q.id);
	if (read_finish(req, rc, type, q.id, &err))
		reply_json(req, 200, build(req, &list.items[0]));
}

void
fhir_exam_search(struct request *req, const struct fhir_search_spec *spec, const char *const *statuses,
		 fhir_exam_build build)
{
	struct fg_screen_exam_query q = {0};
	struct fg_screen_exam_list list = {0};
	struct fhir_dates dates;
	struct fhir_paging paging;
	const char *code = req_query(req, "code"), *status;
	json_object *items;

	if (!fhir_search_read(req, spec, &paging) || !fhir_subject_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", true, &dates) || !fhir_code_param(req, "status", statuses, &status))
		return;
	q.from = dates.from;
	q.to = dates.to;
	q.exclude = dates.exclude;
	q.exclude_from = dates.exclude_from;
	q.exclude_to = dates.exclude_to;
	if (code != NULL && strncmp(code, SYSTEM_EXAM "|", strlen(SYSTEM_EXAM) + 1) == 0)
		code += strlen(SYSTEM_EXAM) + 1;
	q.exam_type = code;
	q.limit = paging.count;
	q.offset = paging.offset;
	/* A stored exam is final (statuses[0]): another status matches none. */
	if ((status == NULL || strcmp(status, statuses[0]) == 0) && !exams_in_scope(req, &q, &list))
		return;
	audit_note(req, "search", "ok", "%s?patient=%lld&n=%zu", spec->type, (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, build(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, spec->type, items, list.total, &paging, spec->params));
}

void
fhir_observation_read(struct request *req)
{
	fhir_exam_read(req, "Observation", observation_json);
}

/* Observation.status (R4 observation-status): a stored exam is final. */
static const char *const statuses[] = {
	"final", "registered", "preliminary", "amended", "corrected", "cancelled", "entered-in-error", "unknown", NULL,
};
static const char *const search_params[] = {"patient", "subject", "date", "code", "status", NULL};
static const struct fhir_include includes[] = {
	{"Observation:subject", "subject", "Patient"}, {"Observation:patient", "subject", "Patient"},
	{"Observation:performer", "performer", "Organization"}, {NULL, NULL, NULL},
};
static const struct fhir_search_spec search_spec = {
	.type = "Observation", .params = search_params, .includes = includes,
};

void
fhir_observation_search(struct request *req)
{
	fhir_exam_search(req, &search_spec, statuses, observation_json);
}
