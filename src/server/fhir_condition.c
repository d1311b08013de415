/*
 * fhir_condition.c
 *	  FHIR R4 Condition over the registry's tumours, shaped after mCODE
 *	  PrimaryCancerCondition without claiming conformance: ICD-10 code,
 *	  ICD-O-3 topography as bodySite and morphology/behaviour in the
 *	  histology extension, the incidence date as onset, and the TNM stage
 *	  group as Condition.stage whose assessment points at contained T, N
 *	  and M Observations (LOINC codes per TNM context).  Read and search by
 *	  patient within the caller's scope (tumour_read, tumours_of).  Create
 *	  (POST /fhir/Condition) registers the tumour of such a Condition as
 *	  POST /api/tumours does (tumour_register): the registry's checks, the
 *	  person in scope, the basis of diagnosis 9 (unknown) unless an
 *	  extension gives it; refused fields are named as Condition elements.
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

json_object *
fhir_condition_lookup(struct request *req, int64_t id)
{
	struct fg_tumour t;
	struct fg_person p;

	if (fg_tumour_get(req->store, id, &t, NULL) != FG_OK ||
	    fg_scope_person_get(req->store, &req->scope, t.person_id, &p, NULL) != FG_OK)
		return NULL;
	return fhir_condition_json(&t);
}

void
fhir_condition_read(struct request *req)
{
	struct fg_tumour t;

	if (tumour_read(req, "Condition", &t))
		reply_json(req, 200, fhir_condition_json(&t));
}

/* --- Create --- */

#define EXT_BASIS "urn:fangai:basis-of-diagnosis"	/* valueCode: IACR basis of diagnosis 0-9 */

/* The tumour's fields as the elements of a Condition, for errors. */
static const char *const field_paths[][2] = {
	{"person", "Condition.subject"}, {"institution", "Condition.asserter"},
	{"incidence_date", "Condition.onsetDateTime"}, {"topography", "Condition.bodySite"},
	{"morphology", "Condition.extension"}, {"behaviour", "Condition.extension"},
	{"basis", "Condition.extension"}, {"grade", "Condition.extension"},
};

static const char *const condition_members[] = {
	"resourceType", "meta", "extension", "clinicalStatus", "verificationStatus", "category", "code",
	"bodySite", "subject", "onsetDateTime", "asserter", NULL,
};

/* Reply 400: element of a Condition is not what it must be. */
static bool
malformed(struct request *req, const char *element, const char *what)
{
	reply_error(req, 400, fg_arena_printf(req->arena, "Condition.%s", element),
		    fg_arena_printf(req->arena, "Condition.%s must be %s", element, what), NULL, NULL);
	return false;
}

/* The code of the first coding of system in the CodeableConcept cc, or NULL. */
static const char *
coding_code(json_object *cc, const char *system)
{
	json_object *codings, *c, *v;

	if (!json_object_object_get_ex(cc, "coding", &codings) || !json_object_is_type(codings, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(codings); i++) {
		c = json_object_array_get_idx(codings, i);
		if (json_object_object_get_ex(c, "system", &v) && json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), system) == 0 && json_object_object_get_ex(c, "code", &v) &&
		    json_object_is_type(v, json_type_string))
			return json_object_get_string(v);
	}
	return NULL;
}

/* The id of the Reference element ("Type/ID") into *id; NULL when absent.  Replies 400 on another shape. */
static bool
reference_id(struct request *req, json_object *body, const char *element, const char *type, const char **id)
{
	json_object *v, *ref;
	size_t tl = strlen(type);
	const char *text;

	*id = NULL;
	if (!json_object_object_get_ex(body, element, &v))
		return true;
	if (!json_object_object_get_ex(v, "reference", &ref) || !json_object_is_type(ref, json_type_string) ||
	    strncmp(text = json_object_get_string(ref), type, tl) != 0 || text[tl] != '/')
		return malformed(req, element, fg_arena_printf(req->arena, "a reference to a %s", type));
	*id = text + tl + 1;
	return true;
}

/* The ICD-O-3 morphology and the basis of diagnosis of the extensions; replies 400 on a malformed one. */
static bool
read_extensions(struct request *req, json_object *body, struct fg_tumour_input *in)
{
	json_object *exts, *e, *v;

	if (!json_object_object_get_ex(body, "extension", &exts))
		return true;
	if (!json_object_is_type(exts, json_type_array))
		return malformed(req, "extension", "an array");
	for (size_t i = 0; i < json_object_array_length(exts); i++) {
		const char *url = NULL;

		e = json_object_array_get_idx(exts, i);
		if (json_object_object_get_ex(e, "url", &v) && json_object_is_type(v, json_type_string))
			url = json_object_get_string(v);
		if (url != NULL && strcmp(url, EXT_HISTOLOGY) == 0 && json_object_object_get_ex(e, "valueCodeableConcept", &v))
			in->morphology = coding_code(v, SYSTEM_ICDO3);
		else if (url != NULL && strcmp(url, EXT_BASIS) == 0 && json_object_object_get_ex(e, "valueCode", &v) &&
			 json_object_is_type(v, json_type_string))
			in->basis = json_object_get_string(v);
		else if (url == NULL)
			return malformed(req, "extension", "a list of extensions with a url");
	}
	return true;
}

/*
 * Map a Condition to a tumour input (strings point into body): subject,
 * asserter, onsetDateTime, bodySite (ICD-O-3 topography), the histology
 * extension (ICD-O-3 morphology/behaviour) and the basis of diagnosis
 * (9, unknown, unless given).  Replies 400 naming the element on a
 * structural error.
 */
static bool
condition_input(struct request *req, json_object *body, struct fg_tumour_input *in)
{
	json_object *v;
	const char *type = NULL;

	memset(in, 0, sizeof(*in));
	in->basis = "9";
	if (!json_get_string(req, body, "resourceType", &type))
		return false;
	if (type == NULL || strcmp(type, "Condition") != 0) {
		reply_error(req, 400, "resourceType", "resource is not a Condition", NULL, NULL);
		return false;
	}
	if (!json_only_members(req, body, condition_members) ||
	    !reference_id(req, body, "subject", "Patient", &in->person) ||
	    !reference_id(req, body, "asserter", "Organization", &in->institution) ||
	    !json_get_string(req, body, "onsetDateTime", &in->incidence_date) || !read_extensions(req, body, in))
		return false;
	if (json_object_object_get_ex(body, "bodySite", &v)) {
		if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
			return malformed(req, "bodySite", "an array of CodeableConcepts");
		in->topography = coding_code(json_object_array_get_idx(v, 0), SYSTEM_ICDO3);
	}
	return true;
}

void
fhir_condition_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_tumour_input in;
	struct fg_tumour t;
	struct fg_error err;

	if (body == NULL || !condition_input(req, body, &in))
		goto out;
	if (tumour_register(req, &in, &t, &err) != FG_OK) {
		const char *element = fhir_map(field_paths, sizeof(field_paths) / sizeof(field_paths[0]), err.field, NULL);

		if (element != NULL)
			fg_strlcpy(err.field, element, sizeof(err.field));
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "%s/Condition/%lld", fhir_base(req), (long long)t.id));
	reply_json(req, 201, fhir_condition_json(&t));
out:
	json_object_put(body);
}

/* --- Search --- */

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
