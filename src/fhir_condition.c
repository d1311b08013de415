/*
 * fhir_condition.c
 *	  FHIR R4 Condition over the cancer registry's tumours: ICD-10 and
 *	  ICD-O-3 morphology as the code, ICD-O-3 topography as the body site,
 *	  the incidence date as onset and the TNM stage group; read and search
 *	  by patient, within the caller's scope.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

#define SYSTEM_ICD10 "http://hl7.org/fhir/sid/icd-10"
#define SYSTEM_ICDO3 "http://terminology.hl7.org/CodeSystem/icd-o-3"

static json_object *
coding(const char *system, const char *code)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "system", json_object_new_string(system));
	json_object_object_add(c, "code", json_object_new_string(code));
	return c;
}

static json_object *
condition_json(const struct fg_tumour *t)
{
	json_object *o = json_object_new_object(), *code = json_object_new_object();
	json_object *codings = json_object_new_array(), *site = json_object_new_object();
	json_object *sites = json_object_new_array(), *site_codings = json_object_new_array();
	char buf[24], date[FG_DATE_TEXT_MAX];

	json_object_object_add(o, "resourceType", json_object_new_string("Condition"));
	snprintf(buf, sizeof(buf), "%lld", (long long)t->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	if (t->icd10[0])
		json_object_array_add(codings, coding(SYSTEM_ICD10, t->icd10));
	snprintf(buf, sizeof(buf), "%04d/%d", t->morphology, t->behaviour);
	json_object_array_add(codings, coding(SYSTEM_ICDO3, buf));
	json_object_object_add(code, "coding", codings);
	json_object_object_add(o, "code", code);
	json_object_array_add(site_codings, coding(SYSTEM_ICDO3, t->topography));
	json_object_object_add(site, "coding", site_codings);
	json_object_array_add(sites, site);
	json_object_object_add(o, "bodySite", sites);
	json_object_object_add(o, "subject", fhir_reference("Patient", t->person_id));
	json_object_object_add(o, "onsetDateTime", json_object_new_string(fg_date_format(t->incidence, date)));
	if (t->stage[0]) {
		json_object *stages = json_object_new_array(), *stage = json_object_new_object();
		json_object *summary = json_object_new_object(), *type = json_object_new_object();

		json_object_object_add(summary, "text", json_object_new_string(t->stage));
		json_object_object_add(stage, "summary", summary);
		json_object_object_add(type, "text", json_object_new_string(
			t->tnm_edition[0] ? t->tnm_edition : "stage group"));
		json_object_object_add(stage, "type", type);
		json_object_array_add(stages, stage);
		json_object_object_add(o, "stage", stages);
	}
	return o;
}

void
fhir_condition_read(struct request *req)
{
	struct fg_tumour t;

	if (tumour_read(req, "Condition", &t))
		reply_json(req, 200, condition_json(&t));
}

void
fhir_condition_search(struct request *req)
{
	static const char *const params[] = {"patient", NULL};
	const char *patient = req_query(req, "patient");
	struct fg_tumour_list list;
	struct fhir_paging paging;
	json_object *items;
	int64_t person, total = 0;

	if (!fhir_paging_read(req, &paging))
		return;
	if (patient != NULL && strncmp(patient, "Patient/", 8) == 0)
		patient += 8;
	if (patient == NULL || fg_parse_int64(patient, "patient", 1, INT64_MAX, &person, NULL) != FG_OK) {
		reply_error(req, 400, "patient", "a Condition search needs patient", NULL,
			    "Use patient=Patient/ID or patient=ID.");
		return;
	}
	if (!tumours_of(req, person, "Condition", true, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		if (fhir_page_take(&paging, &total))
			json_object_array_add(items, condition_json(&list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "Condition", items, total, &paging, params));
}
