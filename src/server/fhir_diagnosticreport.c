/*
 * fhir_diagnosticreport.c
 *	  FHIR R4 DiagnosticReport of a screening exam: the report of one
 *	  stored exam, whose result is the exam's Observation (the same id),
 *	  with the classification as conclusionCode (the scheme as the
 *	  system: "urn:fangai:screening-scheme:lung-rads-2022", code "4A"),
 *	  the management and recall as conclusion, the exam's service as
 *	  category (HL7 v2 table 0074) and the episode as the
 *	  workflow-episodeOfCare extension.  Read and search by patient or
 *	  subject, date, code (the exam type) and status with paging and
 *	  _include; users outside the cancer centre see the exams of their
 *	  own institution.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_EXAM "urn:fangai:screening-exam"
#define SYSTEM_SCHEME "urn:fangai:screening-scheme:"
#define SYSTEM_SECTION "http://terminology.hl7.org/CodeSystem/v2-0074"
#define EXT_EPISODE "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"

/* Exam type -> diagnostic service section (HL7 v2 table 0074). */
static const char *const section_map[][2] = {
	{"ldct", "CT"}, {"mammography", "RAD"}, {"breast_ultrasound", "RUS"}, {"ultrasound_afp", "RUS"},
	{"fit", "LAB"}, {"hpv_cytology", "CP"}, {"endoscopy", "OTH"}, {"colonoscopy", "OTH"},
};

/* DiagnosticReport.status (R4 diagnostic-report-status): a stored exam is final. */
static const char *const statuses[] = {
	"final", "registered", "partial", "preliminary", "amended", "corrected", "appended", "cancelled",
	"entered-in-error", "unknown", NULL,
};

static json_object *
report_json(struct request *req, const struct fg_screen_exam *x)
{
	json_object *o = json_object_new_object(), *cats = json_object_new_array();
	json_object *exts = json_object_new_array(), *ext = json_object_new_object();
	json_object *perf = json_object_new_array(), *results = json_object_new_array();
	json_object *codes = json_object_new_array();
	const fg_ruleset *rs = NULL;
	char id[24], date[FG_DATE_TEXT_MAX];

	fg_ruleset_load(NULL, x->scheme, req->arena, &rs, NULL);
	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	json_object_object_add(o, "resourceType", json_object_new_string("DiagnosticReport"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(ext, "url", json_object_new_string(EXT_EPISODE));
	json_object_object_add(ext, "valueReference", fhir_reference("EpisodeOfCare", x->episode_id));
	json_object_array_add(exts, ext);
	json_object_object_add(o, "extension", exts);
	json_object_object_add(o, "status", json_object_new_string(statuses[0]));
	json_object_array_add(cats, fhir_codeable(SYSTEM_SECTION, fhir_map(section_map, sizeof(section_map) /
						  sizeof(section_map[0]), x->exam_type, "OTH"), NULL, NULL));
	json_object_object_add(o, "category", cats);
	json_object_object_add(o, "code", fhir_codeable(SYSTEM_EXAM, x->exam_type, NULL,
							fg_arena_printf(req->arena, "%s screening report (%s programme)",
									x->exam_type, x->programme)));
	json_object_object_add(o, "subject", fhir_reference("Patient", x->person_id));
	json_object_object_add(o, "effectiveDateTime", json_object_new_string(fg_date_format(x->exam_date, date)));
	json_object_array_add(perf, fhir_reference("Organization", x->institution_id));
	json_object_object_add(o, "performer", perf);
	json_object_array_add(results, fhir_reference("Observation", x->id));
	json_object_object_add(o, "result", results);
	json_object_object_add(o, "conclusion", json_object_new_string(fg_arena_printf(req->arena,
		"%s category %s; %s", rs ? fg_ruleset_title(rs) : x->scheme, x->category, fhir_exam_summary(req, x))));
	json_object_array_add(codes, fhir_codeable(fg_arena_printf(req->arena, SYSTEM_SCHEME "%s", x->scheme),
						   x->category, NULL, rs ? fg_ruleset_title(rs) : NULL));
	json_object_object_add(o, "conclusionCode", codes);
	return o;
}

void
fhir_diagnosticreport_read(struct request *req)
{
	struct fg_screen_exam_query q = {.from = FG_DATE_NONE, .to = FG_DATE_NONE};
	struct fg_screen_exam_list list;
	struct fg_error err;
	fg_rc rc;

	if (!req_param_id(req, 0, "DiagnosticReport", &q.id) || !fhir_exams_in_scope(req, &q, &list))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "DiagnosticReport %lld does not exist",
					       (long long)q.id);
	if (read_finish(req, rc, "DiagnosticReport", q.id, &err))
		reply_json(req, 200, report_json(req, &list.items[0]));
}

static const char *const search_params[] = {"patient", "subject", "date", "code", "status", NULL};
static const struct fhir_include includes[] = {
	{"DiagnosticReport:subject", "subject", "Patient"}, {"DiagnosticReport:patient", "subject", "Patient"},
	{"DiagnosticReport:performer", "performer", "Organization"},
	{"DiagnosticReport:result", "result", "Observation"}, {NULL, NULL, NULL},
};
static const struct fhir_search_spec search_spec = {
	.type = "DiagnosticReport", .params = search_params, .includes = includes,
};

void
fhir_diagnosticreport_search(struct request *req)
{
	struct fg_screen_exam_query q = {0};
	struct fg_screen_exam_list list = {0};
	struct fhir_paging paging;
	const char *code = req_query(req, "code"), *status;
	json_object *items;

	if (!fhir_search_read(req, &search_spec, &paging) || !fhir_subject_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", &q.from, &q.to) || !fhir_code_param(req, "status", statuses, &status))
		return;
	if (code != NULL && strncmp(code, SYSTEM_EXAM "|", strlen(SYSTEM_EXAM) + 1) == 0)
		code += strlen(SYSTEM_EXAM) + 1;
	q.exam_type = code;
	q.limit = paging.count;
	q.offset = paging.offset;
	/* Every report is final: another status matches none. */
	if ((status == NULL || strcmp(status, statuses[0]) == 0) && !fhir_exams_in_scope(req, &q, &list))
		return;
	audit_note(req, "search", "ok", "DiagnosticReport?patient=%lld&n=%zu", (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, report_json(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "DiagnosticReport", items, list.total, &paging, search_params));
}
