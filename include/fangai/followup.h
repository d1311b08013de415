/*
 * fangai/followup.h
 *	  The follow-up centre: plans declared as data (data/followup/plans.csv),
 *	  the visits they schedule, worklists of due and overdue visits,
 *	  contacts with their outcomes and each outcome's effect on the
 *	  person's vital status, and linkage with death records.
 *
 * Lists are allocated in the caller's arena.
 */
#ifndef FANGAI_FOLLOWUP_H
#define FANGAI_FOLLOWUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/store.h"

#define FG_PLAN_CODE_MAX 32
#define FG_PLAN_STRETCHES 8

/* A stretch of a plan: a visit every `every` months from month `from` to `to` (-1: open). */
struct fg_plan_stretch {
	int from, to, every;
};

struct fg_plan {
	char code[FG_PLAN_CODE_MAX];
	char name[128];
	struct fg_plan_stretch stretches[FG_PLAN_STRETCHES];
	int nstretches;
};

struct fg_plans {
	struct fg_plan *items;	/* in the arena */
	size_t count;
};

/*
 * Read the plans file (columns plan, name, from_month, to_month,
 * every_months; a plan's rows in order of from_month, each starting where
 * the previous one ended).  FG_IO, or FG_INVALID naming the line.
 */
fg_rc fg_plans_load(const char *path, struct fg_arena *arena,
		    struct fg_plans *out, struct fg_error *err);

/* The plan with this code, or NULL. */
const struct fg_plan *fg_plans_find(const struct fg_plans *plans, const char *code);

/*
 * The due dates of a plan started on `start`, up to `months` months after
 * it: start + m months for every scheduled month m, each counted from the
 * start itself (so 31 January gives 30 April, 31 July, ... never drifting
 * to the 28th).  Writes at most max dates into out; returns how many the
 * schedule has (which may exceed max).
 */
size_t fg_plan_schedule(const struct fg_plan *plan, fg_date start, int months,
			fg_date *out, size_t max);

struct fg_enrolment {
	int64_t person_id;
	const char *institution;	/* id or USCC; default: the person's */
	int64_t tumour_id;		/* 0: none */
	const char *plan;		/* plan code */
	fg_date start;			/* end of treatment or enrolment */
	int years;			/* horizon of the visits generated; 0: 10 */
	int64_t assigned_user_id;	/* 0: nobody */
	fg_date not_before;		/* no visits due before this day; 0: from the start */
};

/*
 * Enrol a person in a plan: a followup_plan row and one followup row per
 * due date, in one transaction.  FG_INVALID for an unknown plan or a start
 * in the future, FG_NOTFOUND for an unknown person, institution, tumour or
 * staff member, FG_CONFLICT if the person is recorded dead.
 */
fg_rc fg_followup_enrol(fg_store *store, const struct fg_plans *plans,
			const struct fg_enrolment *in, int64_t *plan_id,
			size_t *visits, struct fg_error *err);

/*
 * Change the plan of a patient: the active plan plan_id ends, its open
 * visits are cancelled, and the patient is enrolled in plan `code` from the
 * same start (or `start` when given), for the same tumour and institution,
 * with visits due from `today` on.  One transaction.  FG_NOTFOUND for an
 * unknown plan id, FG_CONFLICT if it has ended already, FG_INVALID for an
 * unknown plan code.
 */
fg_rc fg_followup_replan(fg_store *store, const struct fg_plans *plans,
			 int64_t plan_id, const char *code, fg_date start,
			 fg_date today, int64_t *new_plan_id, size_t *visits,
			 struct fg_error *err);

struct fg_visit {
	int64_t id, plan_id, person_id, institution_id, assigned_user_id;
	char person_name[128];
	char phone[24];
	char plan_code[FG_PLAN_CODE_MAX];
	int seq;
	fg_date due;
	int days_overdue;		/* as of the query date; negative when not yet due */
	int attempts;			/* unsuccessful contact attempts so far */
};

struct fg_worklist_query {
	int64_t institution_id;		/* 0: all */
	int64_t assigned_user_id;	/* 0: any */
	fg_date as_of;
	int window_days;		/* also list visits due this many days ahead */
	bool overdue_only;		/* only visits past their due date */
	int64_t limit;			/* 1..10000 */
};

struct fg_visit_list {
	struct fg_visit *items;
	size_t count;
};

/* Open visits (no contact yet) due by as_of + window, oldest first. */
fg_rc fg_followup_worklist(fg_store *store, const struct fg_worklist_query *q,
			   struct fg_arena *arena, struct fg_visit_list *out,
			   struct fg_error *err);

/* An attempt that did not reach the patient. */
fg_rc fg_followup_attempt(fg_store *store, int64_t visit_id, fg_date on,
			  const char *method, const char *note,
			  struct fg_error *err);

struct fg_contact {
	int64_t visit_id;
	fg_date on;			/* date of the contact */
	const char *method;		/* phone, visit, message, record_linkage */
	const char *outcome;		/* alive, recurrence, metastasis, dead, lost */
	fg_date death_date;		/* dead: required */
	const char *cause_icd10;	/* dead: required, e.g. C34.9 */
	const char *lost_reason;	/* lost: required */
	const char *note;
};

/* What a contact did to the person. */
struct fg_contact_effect {
	char vital_status[8];		/* the person's status afterwards */
	bool plan_closed;		/* the person's plans were ended */
	size_t visits_cancelled;	/* open visits removed with them */
};

/*
 * Record the contact that closes a visit, and apply its outcome in the
 * same transaction:
 *   alive, recurrence, metastasis - the person is alive;
 *   dead  - vital status dead with the date of death; every open visit of
 *           the person is cancelled and the plans end;
 *   lost  - vital status unknown (unless dead); open visits are cancelled
 *           and the plans end.
 * FG_INVALID for a missing death date, cause or reason, a bad ICD-10 code,
 * a date in the future or before the plan's start; FG_NOTFOUND for an
 * unknown visit; FG_CONFLICT if the visit is closed already or the person
 * is recorded dead on an earlier date than an "alive" contact.
 */
fg_rc fg_followup_record(fg_store *store, const struct fg_contact *in,
			 struct fg_contact_effect *effect, struct fg_error *err);

/*
 * Passive follow-up: for every death record linked to a person who is not
 * yet recorded dead and has an open visit, record a "dead" contact by
 * record linkage on that visit (date and cause from the death record).
 * *linked receives how many persons were updated.
 */
fg_rc fg_followup_link_deaths(fg_store *store, fg_date as_of, int64_t *linked,
			      struct fg_error *err);

struct fg_followup_rates {
	int64_t institution_id;
	int64_t persons;		/* enrolled in a plan */
	int64_t due;			/* visits due by as_of */
	int64_t done;			/* of those, closed by a contact */
	int64_t overdue;		/* open and due more than grace days ago */
	int64_t lost;			/* persons lost to follow-up */
	int64_t dead;
};

struct fg_followup_rates_list {
	struct fg_followup_rates *items;
	size_t count;
};

/* Overdue and lost-to-follow-up counts per institution as of a day. */
fg_rc fg_followup_rates(fg_store *store, fg_date as_of, int grace_days,
			struct fg_arena *arena, struct fg_followup_rates_list *out,
			struct fg_error *err);

/* One visit of a plan as stored: due, and the contact that closed it if any. */
struct fg_visit_record {
	int64_t id, plan_id, person_id, institution_id;
	int64_t tumour_id;		/* the plan's tumour; 0: none */
	char plan_code[FG_PLAN_CODE_MAX];
	int seq;
	fg_date due;
	fg_date contacted;		/* FG_DATE_NONE while open */
	char method[16];		/* "" while open */
	char outcome[16];		/* alive, recurrence, metastasis, dead, lost, cancelled; "" while open */
	char cause_icd10[8];		/* dead: the cause */
	int attempts;			/* unsuccessful contact attempts */
};

struct fg_visit_records {
	struct fg_visit_record *items;	/* in the arena */
	size_t count;
};

/*
 * Read visit id.  FG_NOTFOUND naming "visit" when it does not exist.
 */
fg_rc fg_followup_visit_get(fg_store *store, int64_t id, struct fg_visit_record *out,
			    struct fg_error *err);

/*
 * The open visit of a person that a contact closes next: the one due
 * first (then the lowest id), whatever its due date.  FG_NOTFOUND naming
 * "visit" when the person has no open visit.
 */
fg_rc fg_followup_next_visit(fg_store *store, int64_t person_id, int64_t *visit_id,
			     struct fg_error *err);

/*
 * The visits of a person, oldest due first: those closed by a contact or
 * due by `until` (FG_DATE_NONE: every one), at most max.  The list is in
 * the caller's arena; FG_NOMEM or a store error otherwise.
 */
fg_rc fg_followup_visits_of(fg_store *store, int64_t person_id, fg_date until, size_t max,
			    struct fg_arena *arena, struct fg_visit_records *out,
			    struct fg_error *err);

/* Order of the plans and contacts found: by date (start, contact) or by id. */
enum fg_followup_order {
	FG_FOLLOWUP_BY_DATE,		/* the default: oldest first */
	FG_FOLLOWUP_BY_DATE_DESC,
	FG_FOLLOWUP_BY_ID,
	FG_FOLLOWUP_BY_ID_DESC,
};

/* A follow-up plan as stored. */
struct fg_plan_record {
	int64_t id, person_id, institution_id;
	int64_t tumour_id;		/* 0: none */
	char plan_code[FG_PLAN_CODE_MAX];
	fg_date started;
	fg_date last;			/* the last visit not cancelled: its contact, else its due day */
	bool active;
};

/* Which plans to list: 0 / FG_DATE_NONE for a criterion not used. */
struct fg_plan_query {
	int64_t id, person_id, institution_id;
	int active;			/* 1: active, 0: ended, -1: either */
	fg_date from, to;		/* start day, inclusive */
	enum fg_followup_order order;
	int64_t limit, offset;		/* limit 0: all */
};

struct fg_plan_records {
	struct fg_plan_record *items;	/* in the arena */
	size_t count;
	int64_t total;			/* matches before limit and offset */
};

/*
 * The plans matching q in q->order, a page of them in out (in arena) with
 * the total count.  FG_NOMEM or a store error on failure.
 */
fg_rc fg_followup_plans_find(fg_store *store, const struct fg_plan_query *q, struct fg_arena *arena,
			     struct fg_plan_records *out, struct fg_error *err);

#define FG_CONTACT_METHODS 3

/* Which contacts to list: 0 / NULL / FG_DATE_NONE for a criterion not used. */
struct fg_contact_query {
	int64_t id, person_id, institution_id, plan_id;
	const char *methods[FG_CONTACT_METHODS];	/* any of phone, visit, message; methods[0] NULL: any */
	fg_date from, to;		/* contact day, inclusive */
	enum fg_followup_order order;
	int64_t limit, offset;		/* limit 0: all */
};

/*
 * The visits closed by a contact with the patient (by phone, visit or
 * message: not by record linkage, not cancelled) matching q in q->order,
 * a page of them in out (in arena); out->count is the page's size and
 * *total the matches.  FG_NOMEM or a store error on failure.
 */
fg_rc fg_followup_contacts_find(fg_store *store, const struct fg_contact_query *q, struct fg_arena *arena,
				struct fg_visit_records *out, int64_t *total, struct fg_error *err);

/* Validate an ICD-10 code such as C34, C34.9 or I21.0; FG_INVALID naming field. */
fg_rc fg_icd10_check(const char *code, const char *field, struct fg_error *err);

#endif
