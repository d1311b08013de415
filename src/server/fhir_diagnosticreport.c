/*
 * fhir_diagnosticreport.c
 *	  FHIR R4 DiagnosticReport of a screening exam: the report of one
 *	  stored exam, whose result is the exam's Observation (the same id),
 *	  with the classification as conclusionCode (the scheme as the
 *	  system: "urn:fangai:screening-scheme:lung-rads-2022", code "4A"),
 *	  the management and recall as conclusion, the exam's service as
 *	  category (HL7 v2 table 0074) and the episode as the
 *	  workflow-episodeOfCare extension, as for the Observation.  Read
 *	  and search by patient or subject, date, code (the exam type) and
 *	  status with paging and _include; users outside the cancer centre
 *	  see the exams of their own institution.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_SCHEME "urn:fangai:screening-scheme:"
#define SYSTEM_SECTION "http://terminology.hl7.org/CodeSystem/v2-0074"

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
	const fg_ruleset *rs;
	json_object *o = fhir_exam_resource(req, "DiagnosticReport", x, SYSTEM_SECTION,
					    fhir_map(section_map, sizeof(section_map) / sizeof(section_map[0]),
						     x->exam_type, "OTH"), &rs);
	json_object *results = json_object_new_array(), *codes = json_object_new_array();

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
	fhir_exam_read(req, "DiagnosticReport", report_json);
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
	fhir_exam_search(req, &search_spec, statuses, report_json);
}
