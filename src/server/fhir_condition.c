/*
 * fhir_condition.c
 *	  FHIR R4 Condition over the registry's tumours, shaped after mCODE
 *	  PrimaryCancerCondition without claiming conformance: ICD-10 code,
 *	  ICD-O-3 topography as bodySite and morphology/behaviour in the
 *	  histology extension, the incidence date as onset, and the TNM stage
 *	  group as Condition.stage whose assessment points at contained T, N
 *	  and M Observations (LOINC codes per TNM context).  Read and search by
 *	  patient within the caller's scope (tumour_read, tumours_of).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_ICD10 "http://hl7.org/fhir/sid/icd-10"
#define SYSTEM_ICDO3 "http://terminology.hl7.org/CodeSystem/icd-o-3"
#define SYSTEM_LOINC "http://loinc.org"
#define EXT_HISTOLOGY "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"

/* LOINC codes of the stage group and its categories, clinical and pathological (mCODE STU4). */
static const struct {
	const char *context;
	const char *group, *t, *n, *m;
} stage_loinc[] = {
	{"clinical", "21908-9", "21905-5", "21906-3", "21907-1"},
	{"pathological", "21902-2", "21899-0", "21900-6", "21901-4"},
};

static json_object *
category_observation(const struct fg_tumour *t, const char *id, const char *loinc, const char *name,
		     const char *value)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "resourceType", json_object_new_string("Observation"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string("final"));
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_LOINC, loinc, name, NULL));
	json_object_object_add(o, "subject", fhir_reference("Patient", t->person_id));
	json_object_object_add(o, "valueCodeableConcept", fhir_codeable(NULL, NULL, NULL, value));
	return o;
}

/* Condition.stage and the contained T, N and M Observations, when the tumour is staged. */
static void
add_stage(json_object *c, const struct fg_tumour *t)
{
	static const char *const ids[] = {"t", "n", "m"};
	json_object *stages, *stage, *contained, *assessment;
	const char *values[3] = {t->t, t->n, t->m};
	const char *codes[3];
	size_t k = 0;

	if (t->stage[0] == '\0')
		return;
	while (k + 1 < sizeof(stage_loinc) / sizeof(stage_loinc[0]) &&
	       strcmp(stage_loinc[k].context, t->tnm_context) != 0)
		k++;
	codes[0] = stage_loinc[k].t;
	codes[1] = stage_loinc[k].n;
	codes[2] = stage_loinc[k].m;
	stages = json_object_new_array();
	stage = json_object_new_object();
	contained = json_object_new_array();
	assessment = json_object_new_array();
	for (int i = 0; i < 3; i++) {
		json_object *ref = json_object_new_object();
		char name[40], text[48];

		if (values[i][0] == '\0')
			continue;
		snprintf(name, sizeof(name), "TNM %c category (%s)", "TNM"[i], t->tnm_context);
		snprintf(text, sizeof(text), "%s (TNM %s)", values[i], t->tnm_edition);
		json_object_array_add(contained, category_observation(t, ids[i], codes[i], name, text));
		json_object_object_add(ref, "reference", json_object_new_string(i == 0 ? "#t" : i == 1 ? "#n" : "#m"));
		json_object_array_add(assessment, ref);
	}
	json_object_object_add(stage, "summary", fhir_codeable(NULL, NULL, NULL, t->stage));
	json_object_object_add(stage, "assessment", assessment);
	json_object_object_add(stage, "type", fhir_codeable(SYSTEM_LOINC, stage_loinc[k].group, NULL, NULL));
	json_object_array_add(stages, stage);
	json_object_object_add(c, "contained", contained);
	json_object_object_add(c, "stage", stages);
}

/* The registry's ICD-10 code ("C341") as WHO writes it ("C34.1"). */
static void
icd10_dotted(const char *code, char *out, size_t outsz)
{
	if (strlen(code) > 3 && strchr(code, '.') == NULL)
		snprintf(out, outsz, "%.3s.%s", code, code + 3);
	else
		snprintf(out, outsz, "%s", code);
}

json_object *
fhir_condition_json(const struct fg_tumour *t)
{
	json_object *c = json_object_new_object(), *exts = json_object_new_array();
	json_object *ext = json_object_new_object(), *sites = json_object_new_array();
	json_object *cats = json_object_new_array();
	char buf[24], morph[16], icd10[FG_ICD10_MAX + 2], date[FG_DATE_TEXT_MAX];

	json_object_object_add(c, "resourceType", json_object_new_string("Condition"));
	snprintf(buf, sizeof(buf), "%lld", (long long)t->id);
	json_object_object_add(c, "id", json_object_new_string(buf));
	snprintf(morph, sizeof(morph), "%04d/%d", t->morphology, t->behaviour);
	json_object_object_add(ext, "url", json_object_new_string(EXT_HISTOLOGY));
	json_object_object_add(ext, "valueCodeableConcept", fhir_codeable(SYSTEM_ICDO3, morph, NULL, NULL));
	json_object_array_add(exts, ext);
	json_object_object_add(c, "extension", exts);
	json_object_object_add(c, "clinicalStatus", fhir_codeable(
		"http://terminology.hl7.org/CodeSystem/condition-clinical", "active", NULL, NULL));
	json_object_object_add(c, "verificationStatus", fhir_codeable(
		"http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", NULL, NULL));
	json_object_array_add(cats, fhir_codeable("http://terminology.hl7.org/CodeSystem/condition-category",
						  "problem-list-item", NULL, NULL));
	json_object_object_add(c, "category", cats);
	icd10_dotted(t->icd10, icd10, sizeof(icd10));
	json_object_object_add(c, "code", t->icd10[0] ? fhir_codeable(SYSTEM_ICD10, icd10, NULL, NULL)
						       : fhir_codeable(NULL, NULL, NULL, morph));
	json_object_array_add(sites, fhir_codeable(SYSTEM_ICDO3, t->topography, NULL, NULL));
	json_object_object_add(c, "bodySite", sites);
	json_object_object_add(c, "subject", fhir_reference("Patient", t->person_id));
	json_object_object_add(c, "onsetDateTime", json_object_new_string(fg_date_format(t->incidence, date)));
	add_stage(c, t);
	json_object_object_add(c, "asserter", fhir_reference("Organization", t->institution_id));
	return c;
}

void
fhir_condition_read(struct request *req)
{
	struct fg_tumour t;

	if (tumour_read(req, "Condition", &t))
		reply_json(req, 200, fhir_condition_json(&t));
}

static const char *const search_params[] = {"patient", "subject", NULL};
static const struct fhir_sort_key sorts[] = {
	{"_id", "id"}, {"onset-date", "onsetDateTime"}, {NULL, NULL},
};
static const struct fhir_include includes[] = {
	{"Condition:subject", "subject", "Patient"}, {"Condition:patient", "subject", "Patient"},
	{"Condition:asserter", "asserter", "Organization"}, {NULL, NULL, NULL},
};
const struct fhir_search_spec fhir_condition_spec = {
	.type = "Condition", .params = search_params, .sorts = sorts, .includes = includes,
};

void
fhir_condition_search(struct request *req)
{
	const char *patient = req_query(req, "patient");
	struct fg_tumour_list list;
	struct fhir_paging paging;
	json_object *all, *page;
	int64_t person, total;

	if (!fhir_search_read(req, &fhir_condition_spec, &paging))
		return;
	if (patient == NULL)
		patient = req_query(req, "subject");
	if (patient != NULL && strncmp(patient, "Patient/", 8) == 0)
		patient += 8;
	if (patient == NULL || fg_parse_int64(patient, "patient", 1, INT64_MAX, &person, NULL) != FG_OK) {
		reply_error(req, 400, "patient", "a Condition search needs patient", NULL,
			    "Use patient=Patient/ID or patient=ID.");
		return;
	}
	if (!tumours_of(req, person, "Condition", true, &list))
		return;
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(all, fhir_condition_json(&list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, "Condition", page, total, &paging, search_params));
}

void
fhir_condition_revinclude(struct request *req, const char *name, json_object *matches, json_object *out)
{
	char ids[96] = "";
	size_t n = 0;

	for (size_t i = 0; i < json_object_array_length(matches); i++) {
		json_object *id;
		struct fg_tumour_list list;
		struct fg_error err;
		int64_t person;

		/* The matches are Patients of the search, within scope. */
		if (!json_object_object_get_ex(json_object_array_get_idx(matches, i), "id", &id) ||
		    fg_parse_int64(json_object_get_string(id), "id", 1, INT64_MAX, &person, NULL) != FG_OK ||
		    fg_tumour_list(req->store, person, 100, req->arena, &list, &err) != FG_OK)
			continue;
		for (size_t k = 0; k < list.count; k++) {
			json_object_array_add(out, fhir_condition_json(&list.items[k]));
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%lld", n++ ? "," : "",
				 (long long)list.items[k].id);
		}
	}
	audit_note(req, "search", "ok", "Condition?_revinclude=%s&n=%zu&id=%s", name, n, ids);
}
