/*
 * contact.c
 *	  Contacts that close follow-up visits, their effect on the person's
 *	  vital status, unsuccessful attempts, and passive follow-up from
 *	  linked death records.
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/followup.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "followup_int.h"

/* What each outcome does to the person: vital status, and whether follow-up ends. */
static const struct outcome_rule {
	const char *outcome;
	const char *vital_status;
	bool needs_death;
	bool needs_reason;
	bool ends_followup;
} outcome_rules[] = {
	{"alive", "alive", false, false, false},
	{"recurrence", "alive", false, false, false},
	{"metastasis", "alive", false, false, false},
	{"dead", "dead", true, false, true},
	{"lost", "unknown", false, true, true},
};

static const char *const contact_methods[] = {"phone", "visit", "message", "record_linkage"};

/* The visit being closed, with its person and plan. */
struct visit_row {
	int64_t id, person_id, institution_id;
	char district[8];
	bool open;
	fg_date plan_start;
	char vital_status[8];
	fg_date death_date;
};

static const struct outcome_rule *
find_rule(const char *outcome)
{
	for (size_t i = 0; outcome && i < sizeof(outcome_rules) / sizeof(outcome_rules[0]); i++)
		if (strcmp(outcome_rules[i].outcome, outcome) == 0)
			return &outcome_rules[i];
	return NULL;
}

static bool
valid_method(const char *method, bool linkage_allowed)
{
	size_t n = sizeof(contact_methods) / sizeof(contact_methods[0]) - (linkage_allowed ? 0 : 1);

	for (size_t i = 0; method && i < n; i++)
		if (strcmp(contact_methods[i], method) == 0)
			return true;
	return false;
}

static fg_rc
load_visit(fg_store *store, int64_t id, struct visit_row *v, struct fg_error *err)
{
	const char *death;
	fg_stmt *st;
	bool row = false;
	fg_rc rc = fg_store_prepare(store,
				    "SELECT f.id, f.person_id, f.institution_id, f.district, f.outcome IS NULL,"
				    " fp.started_on, p.vital_status, p.death_date"
				    " FROM followup f JOIN followup_plan fp ON fp.id = f.plan_id"
				    " JOIN person p ON p.id = f.person_id WHERE f.id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		v->id = fg_stmt_int64(st, 0);
		v->person_id = fg_stmt_int64(st, 1);
		v->institution_id = fg_stmt_int64(st, 2);
		fg_strlcpy(v->district, fg_stmt_text(st, 3), sizeof(v->district));
		v->open = fg_stmt_int64(st, 4) != 0;
		if (fg_date_parse(fg_stmt_text(st, 5), "started_on", &v->plan_start, NULL) != FG_OK)
			v->plan_start = FG_DATE_NONE;
		fg_strlcpy(v->vital_status, fg_stmt_text(st, 6), sizeof(v->vital_status));
		death = fg_stmt_text(st, 7);
		if (death == NULL || fg_date_parse(death, "death_date", &v->death_date, NULL) != FG_OK)
			v->death_date = FG_DATE_NONE;
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "visit", "follow-up visit %lld does not exist", (long long)id);
	return rc;
}

/* A contact or attempt date: a real day, not in the future, not before the plan. */
static fg_rc
check_day(fg_date on, const struct visit_row *v, const char *field, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];

	if (on == FG_DATE_NONE)
		return fg_error_set(err, FG_INVALID, field, "%s is missing", field);
	if (on > fg_date_today())
		return fg_error_set(err, FG_INVALID, field, "%s %s is in the future", field, fg_date_format(on, a));
	if (v->plan_start != FG_DATE_NONE && on < v->plan_start)
		return fg_error_set(err, FG_INVALID, field, "%s %s is before the plan started on %s", field,
				    fg_date_format(on, a), fg_date_format(v->plan_start, b));
	return FG_OK;
}

/* Validate a contact against its visit and the outcome's rule. */
static fg_rc
check_contact(const struct fg_contact *in, const struct visit_row *v, const struct outcome_rule *r,
	      struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX];
	fg_rc rc;

	if (r == NULL) {
		fg_error_set(err, FG_INVALID, "outcome", "invalid outcome \"%s\"", in->outcome ? in->outcome : "");
		fg_error_hint(err, "Use alive, recurrence, metastasis, dead or lost.");
		return FG_INVALID;
	}
	if (!valid_method(in->method, true))
		return fg_error_set(err, FG_INVALID, "method", "invalid contact method \"%s\"",
				    in->method ? in->method : "");
	if (!v->open)
		return fg_error_set(err, FG_CONFLICT, "visit", "follow-up visit %lld is closed already",
				    (long long)v->id);
	rc = check_day(in->on, v, "contact_date", err);
	if (rc != FG_OK)
		return rc;
	if (strcmp(v->vital_status, "dead") == 0)
		return fg_error_set(err, FG_CONFLICT, "outcome", "person %lld is recorded dead on %s",
				    (long long)v->person_id, fg_date_format(v->death_date, a));
	if (r->needs_death) {
		rc = check_day(in->death_date, v, "death_date", err);
		if (rc == FG_OK && in->death_date > in->on)
			rc = fg_error_set(err, FG_INVALID, "death_date", "death date %s is after the contact",
					  fg_date_format(in->death_date, a));
		if (rc == FG_OK)
			rc = fg_icd10_check(in->cause_icd10, "cause_icd10", err);
		if (rc != FG_OK)
			return rc;
	}
	if (r->needs_reason && (in->lost_reason == NULL || *in->lost_reason == '\0'))
		return fg_error_set(err, FG_INVALID, "lost_reason", "a lost patient needs the reason");
	return FG_OK;
}

static fg_rc
close_visit(fg_store *store, const struct fg_contact *in, const struct outcome_rule *r, struct fg_error *err)
{
	char on[FG_DATE_TEXT_MAX], death[FG_DATE_TEXT_MAX], now[32];
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "UPDATE followup SET contact_date = ?, method = ?, outcome = ?,"
				    " death_date = ?, cause_icd10 = ?, lost_reason = ?, note = ?, recorded_at = ?"
				    " WHERE id = ? AND outcome IS NULL", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_date_format(in->on, on));
	fg_stmt_bind_text(st, 2, in->method);
	fg_stmt_bind_text(st, 3, in->outcome);
	fg_stmt_bind_text(st, 4, r->needs_death ? fg_date_format(in->death_date, death) : NULL);
	fg_stmt_bind_text(st, 5, r->needs_death ? in->cause_icd10 : NULL);
	fg_stmt_bind_text(st, 6, r->needs_reason ? in->lost_reason : NULL);
	fg_stmt_bind_text(st, 7, in->note);
	fg_stmt_bind_text(st, 8, fg_utc_now(now));
	fg_stmt_bind_int64(st, 9, in->visit_id);
	return followup_run(st, err);
}

static fg_rc
set_vital_status(fg_store *store, const struct visit_row *v, const struct fg_contact *in,
		 const struct outcome_rule *r, struct fg_error *err)
{
	char death[FG_DATE_TEXT_MAX], now[32];
	fg_stmt *st;
	fg_rc rc = fg_person_keep_version(store, v->person_id, err);

	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE person SET vital_status = ?, death_date = ?, updated_at = ?,"
				      " version = version + 1 WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, r->vital_status);
	fg_stmt_bind_text(st, 2, r->needs_death ? fg_date_format(in->death_date, death) : NULL);
	fg_stmt_bind_text(st, 3, fg_utc_now(now));
	fg_stmt_bind_int64(st, 4, v->person_id);
	return followup_run(st, err);
}

/* End follow-up of the person: cancel its open visits and deactivate its plans. */
static fg_rc
end_followup(fg_store *store, int64_t person_id, const char *why, size_t *cancelled, struct fg_error *err)
{
	int64_t n = 0;
	bool found;
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT count(*) FROM followup WHERE person_id = ? AND outcome IS NULL",
				    &st, err);

	if (rc == FG_OK) {
		fg_stmt_bind_int64(st, 1, person_id);
		rc = fg_stmt_scalar_int64(st, &n, &found, err);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE followup SET outcome = 'cancelled', note = ?"
				      " WHERE person_id = ? AND outcome IS NULL", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, why);
		fg_stmt_bind_int64(st, 2, person_id);
		rc = followup_run(st, err);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE followup_plan SET active = 0 WHERE person_id = ?", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_int64(st, 1, person_id);
		rc = followup_run(st, err);
	}
	*cancelled = (size_t)n;
	return rc;
}

fg_rc
fg_followup_record(fg_store *store, const struct fg_contact *in, struct fg_contact_effect *effect,
		   struct fg_error *err)
{
	const struct outcome_rule *r = find_rule(in->outcome);
	struct visit_row v;
	fg_rc rc;

	memset(effect, 0, sizeof(*effect));
	rc = load_visit(store, in->visit_id, &v, err);
	if (rc == FG_OK)
		rc = check_contact(in, &v, r, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = close_visit(store, in, r, err);
	if (rc == FG_OK)
		rc = set_vital_status(store, &v, in, r, err);
	if (rc == FG_OK && r->ends_followup)
		rc = end_followup(store, v.person_id, r->needs_death ? "cancelled: the patient died" :
				  "cancelled: lost to follow-up", &effect->visits_cancelled, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	if (rc == FG_OK) {
		fg_strlcpy(effect->vital_status, r->vital_status, sizeof(effect->vital_status));
		effect->plan_closed = r->ends_followup;
	}
	return rc;
}

fg_rc
fg_followup_attempt(fg_store *store, int64_t visit_id, fg_date on, const char *method,
		    const char *note, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	struct visit_row v;
	fg_stmt *st;
	fg_rc rc;

	if (!valid_method(method, false))
		return fg_error_set(err, FG_INVALID, "method", "invalid contact method \"%s\"", method ? method : "");
	rc = load_visit(store, visit_id, &v, err);
	if (rc == FG_OK && !v.open)
		rc = fg_error_set(err, FG_CONFLICT, "visit", "follow-up visit %lld is closed already",
				  (long long)visit_id);
	if (rc == FG_OK)
		rc = check_day(on, &v, "attempted_on", err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "INSERT INTO followup_attempt (district, followup_id, person_id,"
				      " institution_id, attempted_on, method, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
				      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, v.district);
	fg_stmt_bind_int64(st, 2, v.id);
	fg_stmt_bind_int64(st, 3, v.person_id);
	fg_stmt_bind_int64(st, 4, v.institution_id);
	fg_stmt_bind_text(st, 5, fg_date_format(on, day));
	fg_stmt_bind_text(st, 6, method);
	fg_stmt_bind_text(st, 7, note);
	return followup_run(st, err);
}

/* A death record waiting to be applied. */
struct linked_death {
	int64_t visit_id;
	fg_date death_date;
	char cause[8];
};

fg_rc
fg_followup_link_deaths(fg_store *store, fg_date as_of, int64_t *linked, struct fg_error *err)
{
	struct linked_death *todo = NULL;
	size_t n = 0, cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*linked = 0;
	rc = fg_store_prepare(store, "SELECT min(f.id), min(d.death_date), min(d.cause_icd10)"
			      " FROM death_record d JOIN person p ON p.id = d.person_id"
			      " JOIN followup f ON f.person_id = d.person_id AND f.outcome IS NULL"
			      " WHERE p.vital_status <> 'dead' GROUP BY d.person_id ORDER BY d.person_id", &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (n == cap) {
			struct linked_death *t = realloc(todo, (cap = cap ? cap * 2 : 64) * sizeof(*t));

			if (t == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory linking deaths");
				break;
			}
			todo = t;
		}
		todo[n].visit_id = fg_stmt_int64(st, 0);
		if (fg_date_parse(fg_stmt_text(st, 1), "death_date", &todo[n].death_date, NULL) != FG_OK)
			todo[n].death_date = FG_DATE_NONE;
		fg_strlcpy(todo[n++].cause, fg_stmt_text(st, 2), sizeof(todo[0].cause));
	}
	fg_stmt_reset(st);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		struct fg_contact c = {
			.visit_id = todo[i].visit_id, .on = as_of, .method = "record_linkage", .outcome = "dead",
			.death_date = todo[i].death_date, .cause_icd10 = todo[i].cause,
			.note = "death record linkage",
		};
		struct fg_contact_effect effect;

		rc = fg_followup_record(store, &c, &effect, err);
		if (rc == FG_OK)
			(*linked)++;
	}
	free(todo);
	return rc;
}
