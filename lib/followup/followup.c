/*
 * followup.c
 *	  Enrolment in follow-up plans, worklists, contacts and their effect on
 *	  vital status, passive follow-up from death records, and rates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/followup.h"
#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "followup_int.h"

#define DEFAULT_YEARS 10
#define MAX_VISITS 1200

fg_rc
followup_run(fg_stmt *st, struct fg_error *err)
{
	bool row;
	fg_rc rc = fg_stmt_step(st, &row, err);

	fg_stmt_reset(st);
	return rc;
}

static fg_rc
check_tumour(fg_store *store, int64_t tumour_id, int64_t person_id, struct fg_error *err)
{
	int64_t owner = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT person_id FROM tumour WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, tumour_id);
	rc = fg_stmt_scalar_int64(st, &owner, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, "tumour", "tumour %lld does not exist", (long long)tumour_id);
	else if (rc == FG_OK && owner != person_id)
		rc = fg_error_set(err, FG_INVALID, "tumour", "tumour %lld belongs to person %lld, not %lld",
				  (long long)tumour_id, (long long)owner, (long long)person_id);
	return rc;
}

/* The staff member visits are assigned to must be an active account. */
static fg_rc
check_user(fg_store *store, int64_t user, struct fg_error *err)
{
	int64_t n = 0;
	bool found;
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT count(*) FROM app_user WHERE id = ? AND active = 1", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, user);
	rc = fg_stmt_scalar_int64(st, &n, &found, err);
	if (rc == FG_OK && n == 0)
		rc = fg_error_set(err, FG_NOTFOUND, "user", "user %lld does not exist or is not active", (long long)user);
	return rc;
}

/* Check the enrolment and resolve its person and institution. */
static fg_rc
check_enrolment(fg_store *store, const struct fg_plans *plans, const struct fg_enrolment *in,
		struct fg_person *person, int64_t *institution_id, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	struct fg_institution inst;
	fg_rc rc;

	if (fg_plans_find(plans, in->plan) == NULL) {
		fg_error_set(err, FG_INVALID, "plan", "follow-up plan \"%s\" does not exist", in->plan ? in->plan : "");
		fg_error_hint(err, "Plans are declared in data/followup/plans.csv.");
		return FG_INVALID;
	}
	if (in->start == FG_DATE_NONE || in->start > fg_date_today())
		return fg_error_set(err, FG_INVALID, "start", "start date %s is in the future",
				    in->start == FG_DATE_NONE ? "(none)" : fg_date_format(in->start, day));
	if (in->years < 0 || in->years > 50)
		return fg_error_set(err, FG_INVALID, "years", "invalid horizon of %d years", in->years);
	rc = fg_person_get(store, in->person_id, person, err);
	if (rc != FG_OK)
		return rc;
	if (strcmp(person->vital_status, "dead") == 0)
		return fg_error_set(err, FG_CONFLICT, "person", "person %lld is recorded dead on %s",
				    (long long)person->id, fg_date_format(person->death_date, day));
	*institution_id = person->institution_id;
	if (in->institution != NULL && *in->institution != '\0') {
		rc = fg_institution_find(store, in->institution, "institution", &inst, err);
		if (rc != FG_OK)
			return rc;
		*institution_id = inst.id;
	}
	if (in->assigned_user_id > 0 && (rc = check_user(store, in->assigned_user_id, err)) != FG_OK)
		return rc;
	return in->tumour_id > 0 ? check_tumour(store, in->tumour_id, person->id, err) : FG_OK;
}

static fg_rc
insert_visits(fg_store *store, const struct fg_person *p, int64_t plan_id, int64_t institution_id,
	      int64_t user, const fg_date *due, size_t n, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "INSERT INTO followup (district, plan_id, person_id, institution_id,"
				    " assigned_user_id, due_date, seq) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err);

	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		fg_stmt_bind_text(st, 1, p->district);
		fg_stmt_bind_int64(st, 2, plan_id);
		fg_stmt_bind_int64(st, 3, p->id);
		fg_stmt_bind_int64(st, 4, institution_id);
		if (user > 0)
			fg_stmt_bind_int64(st, 5, user);
		else
			fg_stmt_bind_null(st, 5);
		fg_stmt_bind_text(st, 6, fg_date_format(due[i], day));
		fg_stmt_bind_int64(st, 7, (int64_t)i + 1);
		rc = followup_run(st, err);
	}
	return rc;
}

/* Keep the due dates on or after not_before (0: all); returns how many are left. */
static size_t
drop_before(fg_date *due, size_t n, fg_date not_before)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (not_before == 0 || due[i] >= not_before)
			due[k++] = due[i];
	return k;
}

fg_rc
fg_followup_enrol(fg_store *store, const struct fg_plans *plans, const struct fg_enrolment *in,
		  int64_t *plan_id, size_t *visits, struct fg_error *err)
{
	fg_date due[MAX_VISITS];
	char day[FG_DATE_TEXT_MAX];
	struct fg_person p;
	int64_t inst = 0;
	bool found = false;
	size_t n;
	fg_stmt *st;
	fg_rc rc;

	rc = check_enrolment(store, plans, in, &p, &inst, err);
	if (rc != FG_OK)
		return rc;
	n = fg_plan_schedule(fg_plans_find(plans, in->plan), in->start, 12 * (in->years ? in->years : DEFAULT_YEARS),
			     due, MAX_VISITS);
	if (n > MAX_VISITS)
		return fg_error_set(err, FG_INVALID, "years", "plan \"%s\" gives more than %d visits", in->plan, MAX_VISITS);
	n = drop_before(due, n, in->not_before);
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "INSERT INTO followup_plan (district, person_id, institution_id, tumour_id,"
			      " plan_code, started_on, active) VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, p.district);
		fg_stmt_bind_int64(st, 2, p.id);
		fg_stmt_bind_int64(st, 3, inst);
		if (in->tumour_id > 0)
			fg_stmt_bind_int64(st, 4, in->tumour_id);
		else
			fg_stmt_bind_null(st, 4);
		fg_stmt_bind_text(st, 5, in->plan);
		fg_stmt_bind_text(st, 6, fg_date_format(in->start, day));
		rc = fg_stmt_scalar_int64(st, plan_id, &found, err);
	}
	if (rc == FG_OK)
		rc = insert_visits(store, &p, *plan_id, inst, in->assigned_user_id, due, n, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	*visits = rc == FG_OK ? n : 0;
	return rc;
}

static void
read_visit(fg_stmt *st, fg_date as_of, struct fg_visit *v)
{
	v->id = fg_stmt_int64(st, 0);
	v->plan_id = fg_stmt_int64(st, 1);
	v->person_id = fg_stmt_int64(st, 2);
	v->institution_id = fg_stmt_int64(st, 3);
	v->assigned_user_id = fg_stmt_int64(st, 4);
	fg_strlcpy(v->person_name, fg_stmt_text(st, 5), sizeof(v->person_name));
	fg_strlcpy(v->phone, fg_stmt_text(st, 6), sizeof(v->phone));
	fg_strlcpy(v->plan_code, fg_stmt_text(st, 7), sizeof(v->plan_code));
	v->seq = (int)fg_stmt_int64(st, 8);
	if (fg_date_parse(fg_stmt_text(st, 9), "due_date", &v->due, NULL) != FG_OK)
		v->due = as_of;
	v->days_overdue = as_of - v->due;
	v->attempts = (int)fg_stmt_int64(st, 10);
}

fg_rc
fg_followup_worklist(fg_store *store, const struct fg_worklist_query *q, struct fg_arena *arena,
		     struct fg_visit_list *out, struct fg_error *err)
{
	char until[FG_DATE_TEXT_MAX], today[FG_DATE_TEXT_MAX];
	size_t cap = (size_t)(q->limit > 0 && q->limit <= 10000 ? q->limit : 100);
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->items = fg_arena_alloc(arena, cap * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for a worklist of %zu", cap);
	rc = fg_store_prepare(store,
			      "SELECT f.id, f.plan_id, f.person_id, f.institution_id, coalesce(f.assigned_user_id, 0),"
			      " p.name, coalesce(p.phone, ''), fp.plan_code, coalesce(f.seq, 0), f.due_date,"
			      " (SELECT count(*) FROM followup_attempt a WHERE a.followup_id = f.id)"
			      " FROM followup f JOIN person p ON p.id = f.person_id"
			      " JOIN followup_plan fp ON fp.id = f.plan_id"
			      " WHERE f.outcome IS NULL AND fp.active = 1 AND f.due_date <= ?1"
			      " AND (?2 = 0 OR f.institution_id = ?2) AND (?3 = 0 OR f.assigned_user_id = ?3)"
			      " AND (?4 = 0 OR f.due_date < ?5)"
			      " ORDER BY f.due_date, f.id LIMIT ?6", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_date_format(q->as_of + (q->overdue_only ? 0 : q->window_days), until));
	fg_stmt_bind_int64(st, 2, q->institution_id);
	fg_stmt_bind_int64(st, 3, q->assigned_user_id);
	fg_stmt_bind_int64(st, 4, q->overdue_only);
	fg_stmt_bind_text(st, 5, fg_date_format(q->as_of, today));
	fg_stmt_bind_int64(st, 6, (int64_t)cap);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		read_visit(st, q->as_of, &out->items[out->count++]);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_followup_rates(fg_store *store, fg_date as_of, int grace_days, struct fg_arena *arena,
		  struct fg_followup_rates_list *out, struct fg_error *err)
{
	char today[FG_DATE_TEXT_MAX], late[FG_DATE_TEXT_MAX];
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store,
			      "SELECT f.institution_id, count(DISTINCT f.person_id),"
			      " sum(CASE WHEN f.due_date <= ?1 AND coalesce(f.outcome, '') <> 'cancelled' THEN 1 ELSE 0 END),"
			      " sum(CASE WHEN f.due_date <= ?1 AND f.outcome IS NOT NULL AND f.outcome <> 'cancelled'"
			      "     THEN 1 ELSE 0 END),"
			      " sum(CASE WHEN f.outcome IS NULL AND fp.active = 1 AND f.due_date < ?2 THEN 1 ELSE 0 END),"
			      " count(DISTINCT CASE WHEN f.outcome = 'lost' THEN f.person_id END),"
			      " count(DISTINCT CASE WHEN f.outcome = 'dead' THEN f.person_id END)"
			      " FROM followup f JOIN followup_plan fp ON fp.id = f.plan_id"
			      " GROUP BY f.institution_id ORDER BY f.institution_id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_date_format(as_of, today));
	fg_stmt_bind_text(st, 2, fg_date_format(as_of - grace_days, late));
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct fg_followup_rates *items = fg_arena_alloc(arena, ncap * sizeof(*items));

			if (items == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for follow-up rates");
				break;
			}
			if (out->count)
				memcpy(items, out->items, out->count * sizeof(*items));
			out->items = items;
			cap = ncap;
		}
		out->items[out->count++] = (struct fg_followup_rates){
			fg_stmt_int64(st, 0), fg_stmt_int64(st, 1), fg_stmt_int64(st, 2), fg_stmt_int64(st, 3),
			fg_stmt_int64(st, 4), fg_stmt_int64(st, 5), fg_stmt_int64(st, 6),
		};
	}
	fg_stmt_reset(st);
	return rc;
}

/* The enrolment behind plan_id, to be repeated with another plan. */
static fg_rc
load_plan(fg_store *store, int64_t plan_id, struct fg_enrolment *in, char *inst, size_t instsz,
	  struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc = fg_store_prepare(store, "SELECT person_id, institution_id, coalesce(tumour_id, 0), started_on, active"
				    " FROM followup_plan WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, plan_id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		in->person_id = fg_stmt_int64(st, 0);
		snprintf(inst, instsz, "%lld", (long long)fg_stmt_int64(st, 1));
		in->institution = inst;
		in->tumour_id = fg_stmt_int64(st, 2);
		if (fg_date_parse(fg_stmt_text(st, 3), "started_on", &in->start, NULL) != FG_OK)
			in->start = FG_DATE_NONE;
		if (fg_stmt_int64(st, 4) == 0)
			rc = fg_error_set(err, FG_CONFLICT, "plan", "follow-up plan %lld has ended", (long long)plan_id);
	} else if (rc == FG_OK)
		rc = fg_error_set(err, FG_NOTFOUND, "plan", "follow-up plan %lld does not exist", (long long)plan_id);
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
end_plan(fg_store *store, int64_t plan_id, const char *code, struct fg_error *err)
{
	char note[96];
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "UPDATE followup SET outcome = 'cancelled', note = ?"
				    " WHERE plan_id = ? AND outcome IS NULL", &st, err);

	snprintf(note, sizeof(note), "cancelled: plan changed to %s", code);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, note);
		fg_stmt_bind_int64(st, 2, plan_id);
		rc = followup_run(st, err);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE followup_plan SET active = 0 WHERE id = ?", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_int64(st, 1, plan_id);
		rc = followup_run(st, err);
	}
	return rc;
}

fg_rc
fg_followup_replan(fg_store *store, const struct fg_plans *plans, int64_t plan_id, const char *code,
		   fg_date start, fg_date today, int64_t *new_plan_id, size_t *visits, struct fg_error *err)
{
	struct fg_enrolment in = {.plan = code, .not_before = today};
	char inst[24];
	fg_rc rc;

	*visits = 0;
	rc = load_plan(store, plan_id, &in, inst, sizeof(inst), err);
	if (rc != FG_OK)
		return rc;
	if (start != FG_DATE_NONE)
		in.start = start;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = end_plan(store, plan_id, code ? code : "", err);
	if (rc == FG_OK)
		rc = fg_followup_enrol(store, plans, &in, new_plan_id, visits, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	return rc;
}
