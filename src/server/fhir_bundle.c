/*
 * fhir_bundle.c
 *	  FHIR R4 base URL and references, and the CapabilityStatement at
 *	  /fhir/metadata.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

const char *
fhir_base(struct request *req)
{
	const char *host = req_header(req, "Host");

	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		host = "localhost";
	return fg_arena_printf(req->arena, "http://%s/fhir", host);
}

json_object *
fhir_reference(const char *type, int64_t id)
{
	json_object *o = json_object_new_object();
	char ref[64];

	snprintf(ref, sizeof(ref), "%s/%lld", type, (long long)id);
	json_object_object_add(o, "reference", json_object_new_string(ref));
	return o;
}

static json_object *
strings(const char *const *list)
{
	json_object *a = json_object_new_array();

	for (int i = 0; list[i]; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

/* A CapabilityStatement rest.resource entry. */
static json_object *
capability_resource(const char *type, const char *const *interactions,
		    const char *const (*params)[2], bool versioned)
{
	json_object *r = json_object_new_object(), *ia = json_object_new_array();
	json_object *sp = json_object_new_array();

	json_object_object_add(r, "type", json_object_new_string(type));
	for (int i = 0; interactions[i]; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "code", json_object_new_string(interactions[i]));
		json_object_array_add(ia, x);
	}
	json_object_object_add(r, "interaction", ia);
	json_object_object_add(r, "versioning", json_object_new_string(versioned ? "versioned-update" : "no-version"));
	for (int i = 0; params[i][0]; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "name", json_object_new_string(params[i][0]));
		json_object_object_add(x, "type", json_object_new_string(params[i][1]));
		json_object_array_add(sp, x);
	}
	json_object_object_add(r, "searchParam", sp);
	return r;
}

/* rest.interaction: the whole-system interactions. */
static json_object *
system_interactions(void)
{
	static const char *const codes[] = {"transaction", "batch", NULL};
	json_object *a = json_object_new_array();

	for (int i = 0; codes[i]; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "code", json_object_new_string(codes[i]));
		json_object_array_add(a, x);
	}
	return a;
}

/* rest.operation: Bulk Data export and the Synthea import. */
static json_object *
operations(void)
{
	static const char *const ops[][2] = {
		{"export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"},
		{"patient-export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"},
		{"import-synthea", "urn:fangai:operation:import-synthea"},
	};
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "name", json_object_new_string(ops[i][0]));
		json_object_object_add(x, "definition", json_object_new_string(ops[i][1]));
		json_object_array_add(a, x);
	}
	return a;
}

void
fhir_metadata(struct request *req)
{
	static const char *const patient_ia[] = {"read", "vread", "search-type", "create", "update",
						 "history-instance", "history-type", NULL};
	static const char *const org_ia[] = {"read", "search-type", NULL};
	/* versions made by the referral's actions, which take If-Match (/api/referrals/{id}/{action}) */
	static const char *const referral_ia[] = {"read", "vread", "search-type", "history-instance", NULL};
	static const char *const booking_ia[] = {"read", "search-type", "create", NULL};
	static const char *const patient_sp[][2] = {
		{"identifier", "token"}, {"name", "string"}, {"birthdate", "date"},
		{"gender", "token"}, {"address-district", "string"}, {"_sort", "special"},
		{"_include", "special"}, {"_revinclude", "special"}, {"_total", "special"},
		{"_summary", "special"}, {"_elements", "special"}, {NULL, NULL},
	};
	static const char *const org_sp[][2] = {{"identifier", "token"}, {"name", "string"}, {NULL, NULL}};
	static const char *const pract_sp[][2] = {{"name", "string"}, {NULL, NULL}};
	static const char *const role_sp[][2] = {{"organization", "reference"}, {"role", "token"}, {NULL, NULL}};
	static const char *const condition_sp[][2] = {
		{"patient", "reference"}, {"_sort", "special"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const request_sp[][2] = {
		{"patient", "reference"}, {"category", "token"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const search_ia[] = {"search-type", NULL};
	static const char *const appointment_sp[][2] = {
		{"patient", "reference"}, {"actor", "reference"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const slot_sp[][2] = {
		{"service-type", "token"}, {"start", "date"}, {"schedule", "reference"}, {NULL, NULL},
	};
	static const char *const schedule_sp[][2] = {
		{"actor", "reference"}, {"service-type", "token"}, {"date", "date"}, {NULL, NULL},
	};
	static const char *const observation_sp[][2] = {
		{"patient", "reference"}, {"subject", "reference"}, {"date", "date"}, {"code", "token"},
		{"status", "token"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const episode_sp[][2] = {
		{"patient", "reference"}, {"date", "date"}, {"type", "token"}, {"organization", "reference"}, {NULL, NULL},
	};
	static const char *const careplan_sp[][2] = {
		{"patient", "reference"}, {"subject", "reference"}, {"date", "date"}, {"status", "token"},
		{"_sort", "special"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const encounter_sp[][2] = {
		{"patient", "reference"}, {"subject", "reference"}, {"date", "date"}, {"class", "token"},
		{"status", "token"}, {"_sort", "special"}, {"_include", "special"}, {NULL, NULL},
	};
	static const char *const formats[] = {"application/fhir+json", "json", NULL};
	json_object *cs = json_object_new_object(), *rest = json_object_new_object();
	json_object *rests = json_object_new_array(), *res = json_object_new_array();
	json_object *sw = json_object_new_object(), *sec = json_object_new_object();
	char date[FG_DATE_TEXT_MAX];

	json_object_object_add(cs, "resourceType", json_object_new_string("CapabilityStatement"));
	json_object_object_add(cs, "status", json_object_new_string("active"));
	json_object_object_add(cs, "date", json_object_new_string(fg_date_format(fg_date_today(), date)));
	json_object_object_add(cs, "kind", json_object_new_string("instance"));
	json_object_object_add(sw, "name", json_object_new_string("fangai"));
	json_object_object_add(cs, "software", sw);
	json_object_object_add(cs, "fhirVersion", json_object_new_string("4.0.1"));
	json_object_object_add(cs, "format", strings(formats));
	json_object_object_add(rest, "mode", json_object_new_string("server"));
	json_object_object_add(sec, "description", json_object_new_string(
		"Log in with POST /api/login ({\"client\": \"api\"}) and send the token as"
		" Authorization: Bearer. Each institution sees only its own persons."));
	json_object_object_add(rest, "security", sec);
	json_object_array_add(res, capability_resource("Patient", patient_ia, patient_sp, true));
	json_object_array_add(res, capability_resource("Organization", org_ia, org_sp, false));
	json_object_array_add(res, capability_resource("Condition", booking_ia, condition_sp, false));
	json_object_array_add(res, capability_resource("Practitioner", org_ia, pract_sp, false));
	json_object_array_add(res, capability_resource("PractitionerRole", org_ia, role_sp, false));
	json_object_array_add(res, capability_resource("ServiceRequest", referral_ia, request_sp, true));
	json_object_array_add(res, capability_resource("Task", referral_ia, request_sp, true));
	json_object_array_add(res, capability_resource("Appointment", booking_ia, appointment_sp, false));
	json_object_array_add(res, capability_resource("Schedule", org_ia, schedule_sp, false));
	json_object_array_add(res, capability_resource("Slot", search_ia, slot_sp, false));
	json_object_array_add(res, capability_resource("Observation", org_ia, observation_sp, false));
	json_object_array_add(res, capability_resource("EpisodeOfCare", org_ia, episode_sp, false));
	json_object_array_add(res, capability_resource("DiagnosticReport", org_ia, observation_sp, false));
	json_object_array_add(res, capability_resource("CarePlan", org_ia, careplan_sp, false));
	json_object_array_add(res, capability_resource("Encounter", org_ia, encounter_sp, false));
	json_object_object_add(rest, "resource", res);
	json_object_object_add(rest, "interaction", system_interactions());
	json_object_object_add(rest, "operation", operations());
	json_object_array_add(rests, rest);
	json_object_object_add(cs, "rest", rests);
	reply_json(req, 200, cs);
}
