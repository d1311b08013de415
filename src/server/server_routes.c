/*
 * server_routes.c
 *	  Every route of the server: method, path pattern, handler, whether a
 *	  login is needed and the capabilities the role must hold.  A path not
 *	  in this table does not exist; a route without ROUTE_PUBLIC needs a
 *	  live session.
 */
#include "server.h"

#define PERSONS_R FG_CAN_READ_PERSONS
#define PERSONS_W (FG_CAN_READ_PERSONS | FG_CAN_WRITE_PERSONS)

const struct route server_routes[] = {
	{"GET", "/health", api_health, ROUTE_PUBLIC, 0, false},
	{"GET", "/ready", api_ready, ROUTE_PUBLIC, 0, false},
	{"POST", "/api/login", api_login, ROUTE_PUBLIC, 0, false},
	{"POST", "/api/logout", api_logout, ROUTE_USER, 0, false},
	{"GET", "/api/me", api_me, ROUTE_USER, 0, false},
	{"GET", "/api/persons", api_persons_search, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/persons", api_persons_create, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/persons/{id}", api_persons_get, ROUTE_USER, PERSONS_R, false},
	{"PUT", "/api/persons/{id}", api_persons_update, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/persons/{id}/timeline", api_persons_timeline, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/persons/{id}/tumours", api_person_tumours, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/tumours/{id}", api_tumours_get, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/institutions", api_institutions_list, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, false},
	{"GET", "/api/institutions/{id}", api_institutions_get, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, false},
	{"GET", "/api/stats/summary", api_stats_summary, ROUTE_USER, FG_CAN_READ_STATS, false},
	{"GET", "/api/stats/screening", api_stats_screening, ROUTE_USER, FG_CAN_READ_STATS, false},
	{"GET", "/api/followup/worklist", api_followup_worklist, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/screening/schemes/{name}", api_screening_scheme_get, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/screening/schemes/{name}/classify", api_screening_classify, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/import/persons", api_import_persons, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/audit", api_audit_list, ROUTE_USER, FG_CAN_READ_AUDIT, false},
	{"GET", "/fhir/metadata", fhir_metadata, ROUTE_PUBLIC, 0, true},
	{"POST", "/fhir", fhir_transaction, ROUTE_USER, PERSONS_W, true},
	{"POST", "/fhir/", fhir_transaction, ROUTE_USER, PERSONS_W, true},
	{"GET", "/fhir/Patient", fhir_patient_search, ROUTE_USER, PERSONS_R, true},
	{"POST", "/fhir/Patient", fhir_patient_create, ROUTE_USER, PERSONS_W, true},
	{"GET", "/fhir/Patient/{id}", fhir_patient_read, ROUTE_USER, PERSONS_R, true},
	{"PUT", "/fhir/Patient/{id}", fhir_patient_update, ROUTE_USER, PERSONS_W, true},
	{"GET", "/fhir/Patient/{id}/_history/{vid}", fhir_patient_vread, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Condition", fhir_condition_search, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Condition/{id}", fhir_condition_read, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Organization", fhir_organization_search, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, true},
	{"GET", "/fhir/Organization/{id}", fhir_organization_read, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, true},
	{"GET", "/fhir/Practitioner", fhir_practitioner_search, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, true},
	{"GET", "/fhir/Practitioner/{id}", fhir_practitioner_read, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, true},
	{"GET", "/fhir/PractitionerRole", fhir_practitioner_role_search, ROUTE_USER, FG_CAN_READ_INSTITUTIONS, true},
	{"GET", "/fhir/PractitionerRole/{id}", fhir_practitioner_role_read, ROUTE_USER, FG_CAN_READ_INSTITUTIONS,
	 true},
	{NULL, NULL, NULL, ROUTE_PUBLIC, 0, false},
};
