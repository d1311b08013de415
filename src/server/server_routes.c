/*
 * server_routes.c
 *	  Every route of the server: method, path pattern, handler, whether a
 *	  login is needed and the capabilities the role must hold.  A path not
 *	  in this table does not exist; a route without ROUTE_PUBLIC needs a
 *	  live session.
 */
#include "api_clinical.h"
#include "fhir.h"
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
	{"POST", "/api/import/persons", api_import_persons, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/audit", api_audit_list, ROUTE_USER, FG_CAN_READ_AUDIT, false},
	{"POST", "/api/tumours", api_tumours_create, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/referrals", api_referrals_list, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/referrals", api_referrals_create, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/referrals/{id}", api_referrals_get, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/referrals/{id}/{action}", api_referrals_action, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/screening/programmes", api_screening_programmes, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/screening/schemes/{scheme}", api_screening_scheme, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/screening/classify/{scheme}", api_screening_classify, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/screening/questionnaires", api_screening_questionnaire, ROUTE_USER, PERSONS_W, false},
	{"POST", "/api/screening/exams", api_screening_exam, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/screening/worklist", api_screening_worklist, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/slots", api_slots_find, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/appointments", api_appointments_create, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/appointments/{id}", api_appointments_get, ROUTE_USER, PERSONS_R, false},
	{"POST", "/api/appointments/{id}/{action}", api_appointments_action, ROUTE_USER, PERSONS_W, false},
	{"GET", "/api/followup/worklist", api_followup_worklist, ROUTE_USER, PERSONS_R, false},
	{"GET", "/api/stats/rates", api_stats_rates, ROUTE_USER, FG_CAN_READ_STATS, false},
	{"GET", "/api/stats/quality", api_stats_quality, ROUTE_USER, FG_CAN_READ_STATS, false},
	{"GET", "/api/stats/survival", api_stats_survival, ROUTE_USER, FG_CAN_READ_STATS, false},
	{"GET", "/fhir/metadata", fhir_metadata, ROUTE_PUBLIC, 0, true},
	{"POST", "/fhir", fhir_transaction, ROUTE_USER, PERSONS_W, true},
	{"POST", "/fhir/", fhir_transaction, ROUTE_USER, PERSONS_W, true},
	{"GET", "/fhir/Patient", fhir_patient_search, ROUTE_USER, PERSONS_R, true},
	{"POST", "/fhir/Patient", fhir_patient_create, ROUTE_USER, PERSONS_W, true},
	{"GET", "/fhir/$export", fhir_export_system, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/$export-status/{job}", fhir_export_status, ROUTE_USER, PERSONS_R, true},
	{"DELETE", "/fhir/$export-status/{job}", fhir_export_cancel, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/$export-file/{job}/{file}", fhir_export_file, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Patient/$export", fhir_export_patient, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Patient/_history", fhir_patient_type_history, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Patient/{id}", fhir_patient_read, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Patient/{id}/_history", fhir_patient_history, ROUTE_USER, PERSONS_R, true},
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
	{"GET", "/fhir/ServiceRequest", fhir_servicerequest_search, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/ServiceRequest/{id}", fhir_servicerequest_read, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Task", fhir_task_search, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Task/{id}", fhir_task_read, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Appointment/{id}", fhir_appointment_read, ROUTE_USER, PERSONS_R, true},
	{"GET", "/fhir/Slot", fhir_slot_search, ROUTE_USER, PERSONS_R, true},
	{NULL, NULL, NULL, ROUTE_PUBLIC, 0, false},
};
