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
 *	  patient, date and code (the exam type) with paging.  Users outside
 *	  the cancer centre see the exams of their own institution.
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

static json_object *
observation_json(struct request *req, const struct fg_screen_exam *x)
{
	json_object *o = json_object_new_object(), *cats = json_object_new_array();
	json_object *interp = json_object_new_array(), *notes = json_object_new_array(), *note = json_object_new_object();
	json_object *exts = json_object_new_array(), *ext = json_object_new_object(), *perf = json_object_new_array();
	const fg_ruleset *rs = NULL;
	char id[24], date[FG_DATE_TEXT_MAX], recall[32] = "no timed recall";

	fg_ruleset_load(NULL, x->scheme, req->arena, &rs, NULL);
	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	json_object_object_add(o, "resourceType", json_object_new_string("Observation"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(ext, "url", json_object_new_string(EXT_EPISODE));
	json_object_object_add(ext, "valueReference", fhir_reference("EpisodeOfCare", x->episode_id));
	json_object_array_add(exts, ext);
	json_object_object_add(o, "extension", exts);
	json_object_object_add(o, "status", json_object_new_string("final"));
	json_object_array_add(cats, fhir_codeable(SYSTEM_CATEGORY, fhir_map(category_map, sizeof(category_map) /
						  sizeof(category_map[0]), x->exam_type, "exam"), NULL, NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_EXAM, x->exam_type, NULL,
							fg_arena_printf(req->arena, "%s screening exam (%s programme)",
									x->exam_type, x->programme)));
	json_object_object_add(o, "subject", fhir_reference("Patient", x->person_id));
	json_object_object_add(o, "effectiveDateTime", json_object_new_string(fg_date_format(x->exam_date, date)));
	json_object_array_add(perf, fhir_reference("Organization", x->institution_id));
	json_object_object_add(o, "performer", perf);
	json_object_object_add(o, "valueCodeableConcept", fhir_codeable(fg_arena_printf(req->arena, SYSTEM_SCHEME "%s",
											x->scheme), x->category,
									  NULL, rs ? fg_ruleset_title(rs) : NULL));
	json_object_array_add(interp, fhir_codeable(SYSTEM_INTERPRETATION, x->positive ? "POS" : "NEG", NULL, NULL));
	json_object_object_add(o, "interpretation", interp);
	if (x->recall_months != FG_SCREEN_RECALL_NONE)
		snprintf(recall, sizeof(recall), "recall in %d months", x->recall_months);
	json_object_object_add(note, "text", json_object_new_string(fg_arena_printf(req->arena,
		"management %s; %s%s", x->management, recall, x->referral ? "; referred for diagnosis" : "")));
	json_object_array_add(notes, note);
	json_object_object_add(o, "note", notes);
	json_object_object_add(o, "component", components(req, x, rs));
	return o;
}

bool
fhir_patient_param(struct request *req, int64_t *person)
{
	const char *v = req_query(req, "patient");
	struct fg_error err;

	*person = 0;
	if (v == NULL)
		return true;
	if (strncmp(v, "Patient/", 8) == 0)
		v += 8;
	if (fg_parse_int64(v, "patient", 1, INT64_MAX, person, &err) == FG_OK)
		return true;
	reply_error(req, 400, "patient", err.message, NULL, "Use patient=Patient/ID or patient=ID.");
	return false;
}

/* Run the exam query q for the request within its scope; replies with the error and returns false. */
static bool
exams_in_scope(struct request *req, struct fg_screen_exam_query *q, struct fg_screen_exam_list *out)
{
	struct fg_error err;
	fg_rc rc;

	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	rc = fg_screen_exams_find(req->store, q, req->arena, out, &err);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

void
fhir_observation_read(struct request *req)
{
	struct fg_screen_exam_query q = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_screen_exam_list list;
	struct fg_error err;
	fg_rc rc;

	if (!req_param_id(req, 0, "Observation", &q.id) || !exams_in_scope(req, &q, &list))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "Observation %lld does not exist",
					       (long long)q.id);
	if (read_finish(req, rc, "Observation", q.id, &err))
		reply_json(req, 200, observation_json(req, &list.items[0]));
}

void
fhir_observation_search(struct request *req)
{
	static const char *const params[] = {"patient", "date", "code", NULL};
	struct fg_screen_exam_query q = {0};
	struct fg_screen_exam_list list;
	struct fhir_dates dates;
	struct fhir_paging paging;
	const char *code = req_query(req, "code");
	json_object *items;

	if (!fhir_paging_read(req, &paging) || !fhir_patient_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", true, &dates))
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
	if (!exams_in_scope(req, &q, &list))
		return;
	audit_note(req, "search", "ok", "Observation?patient=%lld&n=%zu", (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, observation_json(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "Observation", items, list.total, &paging, params));
}
