/*
 * api_clinical.h
 *	  Handlers and shared helpers of the clinical resources of the server:
 *	  registering tumours (api_tumour_create.c), referrals
 *	  (api_referrals.c, fhir_servicerequest.c), screening classifiers and
 *	  records (api_screening*.c), booking (api_booking.c), the follow-up
 *	  worklist (api_followup.c),
 *	  the registry's statistics (api_rates.c, api_survival.c), what their
 *	  writes share (api_write.c) and the FHIR codings (fhir_coding.c).
 */
#ifndef FANGAI_API_CLINICAL_H
#define FANGAI_API_CLINICAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "fangai/booking.h"
#include "fangai/consult.h"
#include "fangai/followup.h"
#include "fangai/incidence.h"
#include "fangai/referral.h"
#include "fangai/screening.h"
#include "fangai/tumour.h"
#include "server.h"

/*
 * Read referral id if the request's institution is one of its two (or the
 * scope is the region), with the audit entry; replies 404 and returns
 * false otherwise.  Free text in the request's arena.
 */
bool referral_in_scope(struct request *req, const char *kind, int64_t id, struct fg_referral *out);

/* True if the request may see referral r: one of its two institutions, or the region. */
bool referral_visible(const struct request *req, const struct fg_referral *r);

/*
 * List the referrals of q that the request may see: box "incoming" (the
 * default outside the region) lists those received, "outgoing" those
 * sent.  Replies 400 for a bad box or state and returns false.
 */
bool referral_search(struct request *req, const char *kind, const char *box,
		     struct fg_referral_query *q, struct fg_referral_list *out);

/*
 * FG_OK if the request may see appointment a: the region, the institution
 * that booked it or holds its slot, or one that may see its person;
 * FG_NOTFOUND otherwise (api_booking.c).
 */
fg_rc appointment_scope(struct request *req, const struct fg_appointment *a, struct fg_error *err);

/*
 * Book in->person (a record id in the request's scope) into in->slot for
 * the caller's institution (in->institution NULL) or the one named, if
 * the caller may act for it: the write and its audit entry commit
 * together, a refusal is audited.  *out receives the appointment.
 */
fg_rc appointment_book(struct request *req, struct fg_booking_input *in, struct fg_appointment *out,
		       struct fg_error *err);

/* Read appointment id within scope with its audit entry; replies 404 and returns false. */
bool appointment_in_scope(struct request *req, const char *kind, int64_t id, struct fg_appointment *out);

/* A published slot as API JSON (api_booking.c). */
json_object *json_slot(const struct fg_slot *s);

/*
 * True if service is NULL or a service of the platform; otherwise replies
 * 400 naming field and returns false (api_schedules.c).
 */
bool schedule_service_arg(struct request *req, const char *field, const char *service);

/* Read schedule id (any institution's): FG_NOTFOUND when absent (api_schedules.c). */
fg_rc schedule_find(struct request *req, int64_t id, struct fg_schedule *out, struct fg_error *err);

/*
 * Read consultation id with its participants (in the request's arena) if
 * the request's institution requested it or takes part (or the scope is
 * the region), with the audit entry; replies 404 and returns false
 * otherwise (api_consultations.c).
 */
bool consultation_in_scope(struct request *req, const char *kind, int64_t id, struct fg_consultation *out,
			   struct fg_consult_participant **parts, size_t *nparts);

/*
 * List the consultations of q the request may see (those its institution
 * requested or takes part in, outside the region), audited as a search of
 * kind.  Replies 400 for a bad state and returns false.
 */
bool consultation_search(struct request *req, const char *kind, struct fg_consult_query *q,
			 struct fg_consult_list *out);

/* --- Writes (api_write.c) --- */

/*
 * Check a write's person (text: a record id) is within the request's scope
 * (FG_INVALID naming "person" otherwise, out of scope alike) and that
 * *institution is the caller's own unless the scope is the region
 * (FG_INVALID naming field).  An absent *institution is set to own, which
 * receives the caller's institution id.
 */
fg_rc write_scope_check(struct request *req, const char *person, const char *field,
			const char **institution, char *own, size_t ownsz, struct fg_error *err);

/*
 * Create a record of kind (its id into *id) about person for *institution
 * as write_scope_check() allows: inside one write, create(req, ctx, id,
 * err) stores it, and "create" of kind/id is audited with it; a refusal
 * is rolled back and audited on kind.  Returns create's code or the
 * check's, err filled.
 */
typedef fg_rc (*write_create_fn)(struct request *req, void *ctx, int64_t *id, struct fg_error *err);
fg_rc write_create(struct request *req, const char *person, const char *field, const char **institution,
		   const char *kind, write_create_fn create, void *ctx, int64_t *id, struct fg_error *err);

/*
 * Register tumour in for the request (api_tumour_create.c): the person in
 * scope, for the caller's own institution unless the scope is the region,
 * the registry's checks, stored with its audit entry in a write of its own
 * (write_create()).  *out receives it; on failure nothing is stored and
 * err names the field.
 */
fg_rc tumour_register(struct request *req, struct fg_tumour_input *in, struct fg_tumour *out,
		      struct fg_error *err);

/*
 * Begin a write of the request: take the server's write lock and open a
 * transaction; on failure the lock is released.  End it with write_finish().
 */
fg_rc write_begin(struct request *req, struct fg_error *err);

/*
 * End a write begun with write_begin() whose result is rc: when FG_OK,
 * audit action on resource and commit with it; otherwise (or if that
 * fails) roll back and audit the refusal on refused.  Releases the lock.  Returns the final
 * code, err filled on failure.
 */
fg_rc write_finish(struct request *req, fg_rc rc, const char *action, const char *resource,
		   const char *refused, struct fg_error *err);

/*
 * End a read of kind/id whose result is rc (FG_NOTFOUND also for an
 * object out of scope): audit it, reply 404 with the same message for
 * both, or the error of err.  Returns rc == FG_OK.
 */
bool read_finish(struct request *req, fg_rc rc, const char *kind, int64_t id, const struct fg_error *err);

/* A classification result as API JSON (api_screening.c). */
json_object *json_screen_result(const struct fg_screen_result *r);

/* --- Registry statistics (api_rates.c) --- */

/*
 * Check that the request may read region-wide figures (what names them,
 * plural) and parse its breakdown by_text (NULL: none) into by.  Replies
 * 403 or 400 naming "by" and returns false.
 */
bool stats_region_by(struct request *req, const char *what, const char *by_text, bool by[FG_NDIMS]);

/* --- FHIR codings (fhir_coding.c) --- */

/* {"coding": [{system, code, display}]} (display may be NULL), with text when not NULL. */
json_object *fhir_codeable(const char *system, const char *code, const char *display, const char *text);

/*
 * A network time "YYYY-MM-DDTHH:MM" (local time of the region, UTC+8) as a
 * FHIR dateTime in the arena; NULL for "".
 */
json_object *fhir_net_time(struct request *req, const char *at);

/*
 * FHIR read and search of a resource of type built from a referral by
 * build (ServiceRequest, Task), within the referral's institutions:
 * /fhir/TYPE/{id}, and /fhir/TYPE?patient=&box= with paging.
 */
void fhir_referral_read(struct request *req, const char *type,
			json_object *(*build)(struct request *, const struct fg_referral *));
struct fhir_search_spec;
void fhir_referral_search(struct request *req, const struct fhir_search_spec *spec,
			  json_object *(*build)(struct request *, const struct fg_referral *));

/*
 * FHIR vread (/fhir/TYPE/{id}/_history/{vid}) and instance history
 * (/fhir/TYPE/{id}/_history, _count, _offset, _since) of a resource built
 * from a referral by build, within the referral's institutions, audited
 * (fhir_history.c).
 */
void fhir_referral_vread(struct request *req, const char *type,
			 json_object *(*build)(struct request *, const struct fg_referral *));
void fhir_referral_history(struct request *req, const char *type,
			   json_object *(*build)(struct request *, const struct fg_referral *));

/*
 * FHIR for consultations (fhir_consultation.c): whether the path's id is
 * "consultation-N", whether ?category= asks for consultations, and the
 * read and search of their ServiceRequest and Task.
 */
bool fhir_consultation_id(const struct request *req);
bool fhir_consultation_category(const struct request *req);
void fhir_consultation_servicerequest_read(struct request *req);
void fhir_consultation_task_read(struct request *req);
void fhir_consultation_servicerequest_search(struct request *req);
void fhir_consultation_task_search(struct request *req);


/* The second of the pair of map (n rows) whose first is key, or def. */
const char *fhir_map(const char *const (*map)[2], size_t n, const char *key, const char *def);

/* Handlers. */
void api_tumours_create(struct request *req);
void api_referrals_list(struct request *req);
void api_referrals_get(struct request *req);
void api_referrals_create(struct request *req);
void api_referrals_action(struct request *req);
void api_screening_classify(struct request *req);
void api_screening_scheme(struct request *req);
void api_screening_programmes(struct request *req);
void api_screening_questionnaire(struct request *req);
void api_screening_exam(struct request *req);
void api_screening_worklist(struct request *req);
void api_screening_enrol(struct request *req);
void api_screening_invite(struct request *req);
void api_screening_episodes(struct request *req);
void api_screening_episode_get(struct request *req);

/* An episode as API JSON (api_screening_episodes.c). */
json_object *json_screen_episode(const struct fg_screen_episode *e);

/*
 * Limit an episode query to what the request may see: outside the region,
 * its own institution's episodes (none when q names another institution).
 */
void screening_episode_scope(struct request *req, struct fg_screen_episode_query *q);

/* FHIR Observation of screening results and EpisodeOfCare of episodes. */
void fhir_observation_read(struct request *req);
void fhir_observation_search(struct request *req);
void fhir_episodeofcare_read(struct request *req);
void fhir_episodeofcare_search(struct request *req);

/* The patient search parameter (Patient/ID or ID) into *person, 0 if absent; replies 400 and returns false. */
bool fhir_patient_param(struct request *req, int64_t *person);

/* The same from patient, or else from subject (DiagnosticReport, CarePlan, Encounter). */
bool fhir_subject_param(struct request *req, int64_t *person);

/*
 * The token search parameter name into *out (NULL if absent) when it is
 * one of codes (NULL-terminated); replies 400 naming it and returns false
 * otherwise.
 */
bool fhir_code_param(struct request *req, const char *name, const char *const *codes, const char **out);

/*
 * FHIR read and search of a resource built from a screening exam by build
 * (Observation, DiagnosticReport), the exams of the request's own
 * institution outside the region (fhir_observation.c): /fhir/TYPE/{id},
 * and a search of spec by patient or subject, date, code (the exam type)
 * and status (one of statuses, the first being that of every exam) with
 * paging and spec's _include.
 */
typedef json_object *(*fhir_exam_build)(struct request *req, const struct fg_screen_exam *x);
void fhir_exam_read(struct request *req, const char *type, fhir_exam_build build);
void fhir_exam_search(struct request *req, const struct fhir_search_spec *spec, const char *const *statuses,
		      fhir_exam_build build);

/*
 * A new resource of type (Observation, DiagnosticReport) about exam x: its
 * id, the episode as the workflow-episodeOfCare extension, status final,
 * category (system and code), the exam type as code, subject, the exam
 * day and the institution as performer; *rs receives the exam's rule set,
 * or NULL if it cannot be loaded.
 */
json_object *fhir_exam_resource(struct request *req, const char *type, const struct fg_screen_exam *x,
				const char *category_system, const char *category, const fg_ruleset **rs);

/* The management and recall of exam x as one line, in the arena. */
const char *fhir_exam_summary(struct request *req, const struct fg_screen_exam *x);

/* FHIR DiagnosticReport of screening exams, CarePlan of follow-up plans, Encounter of follow-up contacts. */
void fhir_diagnosticreport_read(struct request *req);
void fhir_diagnosticreport_search(struct request *req);
void fhir_careplan_read(struct request *req);
void fhir_careplan_search(struct request *req);
void fhir_encounter_read(struct request *req);
void fhir_encounter_search(struct request *req);

/* The order of a follow-up search for its _sort (_id or date, by default date) (fhir_careplan.c). */
struct fhir_paging;
enum fg_followup_order fhir_followup_order(const struct fhir_paging *paging);
void api_followup_worklist(struct request *req);
void api_followup_contact(struct request *req);
void api_stats_followup(struct request *req);
void api_tables_xlsx(struct request *req);
void api_stats_rates(struct request *req);
void api_stats_quality(struct request *req);
void api_slots_find(struct request *req);
void api_appointments_get(struct request *req);
void api_appointments_create(struct request *req);
void api_appointments_action(struct request *req);
void api_appointments_list(struct request *req);
void api_appointments_reminders(struct request *req);
void api_schedules_list(struct request *req);
void api_schedules_create(struct request *req);
void api_schedules_slots_create(struct request *req);
void api_consultations_list(struct request *req);
void api_consultations_create(struct request *req);
void api_consultations_get(struct request *req);
void api_consultations_action(struct request *req);
void api_stats_network(struct request *req);
void api_stats_survival(struct request *req);
void fhir_servicerequest_read(struct request *req);
void fhir_servicerequest_search(struct request *req);
void fhir_servicerequest_vread(struct request *req);
void fhir_servicerequest_history(struct request *req);
void fhir_task_vread(struct request *req);
void fhir_task_history(struct request *req);
void fhir_task_read(struct request *req);
void fhir_task_search(struct request *req);
void fhir_appointment_read(struct request *req);
void fhir_appointment_create(struct request *req);
void fhir_appointment_search(struct request *req);
void fhir_slot_search(struct request *req);
void fhir_schedule_read(struct request *req);
void fhir_schedule_search(struct request *req);

#endif
