/*
 * record.c
 *	  Recording the steps of a screening episode: the risk questionnaire,
 *	  exams with their classified results, the diagnostic outcome and
 *	  closing an episode.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/util.h"
#include "screening_episode_int.h"


/* Append s to a JSON string literal in buf (bounded). */
static void
json_string(char *buf, size_t bufsz, const char *s)
{
	size_t n = strlen(buf);

	if (n + 2 >= bufsz)
		return;
	buf[n++] = '"';
	for (; *s && n + 8 < bufsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c < 0x20)
			n += (size_t)snprintf(buf + n, bufsz - n, "\\u%04x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

/* The items as a JSON object {"name": "value", ...}, blanks left out. */
static void
items_json(const struct fg_screen_item *items, size_t n, char *buf, size_t bufsz)
{
	bool first = true;

	fg_strlcpy(buf, "{", bufsz);
	for (size_t i = 0; i < n; i++) {
		if (items[i].value == NULL || items[i].value[0] == '\0')
			continue;
		if (!first)
			strncat(buf, ", ", bufsz - strlen(buf) - 1);
		first = false;
		json_string(buf, bufsz, items[i].name);
		strncat(buf, ": ", bufsz - strlen(buf) - 1);
		json_string(buf, bufsz, items[i].value);
	}
	strncat(buf, "}", bufsz - strlen(buf) - 1);
}

/* Put the items' values at their field index of rs; refuse unknown names. */
static fg_rc
map_items(const fg_ruleset *rs, const struct fg_screen_item *items, size_t n,
	  const char **values, struct fg_error *err)
{
	memset(values, 0, RS_MAX_FIELDS * sizeof(*values));
	for (size_t i = 0; i < n; i++) {
		int k = fg_ruleset_field_index(rs, items[i].name);

		if (k < 0) {
			fg_error_set(err, FG_INVALID, items[i].name, "\"%s\" is not a field of %s",
				     items[i].name, fg_ruleset_name(rs));
			fg_error_hint(err, "Run \"fangai screen scheme %s\" or read the programme file for its fields.",
				      fg_ruleset_name(rs));
			return FG_INVALID;
		}
		values[k] = items[i].value;
	}
	return FG_OK;
}


static fg_rc
begin_step(fg_screening *s, const char *programme, const char *person, const char *date,
	   const char *institution, struct step *st, struct fg_error *err)
{
	fg_rc rc;

	if (programme == NULL || programme[0] == '\0')
		return fg_error_set(err, FG_INVALID, "programme", "missing value for programme");
	rc = screening_find_person(s, person, &st->person, err);
	if (rc == FG_OK)
		rc = screening_open_episode(s, programme, &st->person, &st->ep, err);
	if (rc == FG_OK)
		rc = screening_check_date(date, "date", &st->person, st->ep.started_on, "enrolment",
					  &st->date, err);
	if (rc != FG_OK)
		return rc;
	st->pi = fg_programme_info(st->ep.programme);
	st->institution_id = st->ep.institution_id;
	if (institution != NULL && institution[0] != '\0') {
		struct fg_institution inst;

		rc = fg_institution_find(screening_store(s), institution, "institution", &inst, err);
		st->institution_id = inst.id;
	}
	return rc;
}

/* Run the writes of a step in one transaction. */
static fg_rc
commit_step(fg_screening *s, fg_rc (*write)(fg_screening *, void *, struct fg_error *), void *ctx,
	    struct fg_error *err)
{
	fg_store *store = screening_store(s);
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = write(s, ctx, err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

/* ---- questionnaire ---- */

struct questionnaire_write {
	struct step *st;
	const char *answers;
	bool high_risk;
	const char *state;		/* where the answer takes the episode */
};

static fg_rc
write_questionnaire(fg_screening *s, void *ctx, struct fg_error *err)
{
	struct questionnaire_write *w = ctx;
	struct step *st = w->st;
	struct episode_change c;
	char day[FG_DATE_TEXT_MAX];
	fg_stmt *stmt;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(screening_store(s), "INSERT INTO screening_questionnaire (district, episode_id,"
			      " person_id, institution_id, answered_on, answers, high_risk)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?)", &stmt, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(stmt, 1, st->ep.district);
	fg_stmt_bind_int64(stmt, 2, st->ep.id);
	fg_stmt_bind_int64(stmt, 3, st->person.id);
	fg_stmt_bind_int64(stmt, 4, st->institution_id);
	fg_stmt_bind_text(stmt, 5, fg_date_format(st->date, day));
	fg_stmt_bind_text(stmt, 6, w->answers);
	fg_stmt_bind_int64(stmt, 7, w->high_risk);
	rc = fg_stmt_step(stmt, &row, err);
	fg_stmt_reset(stmt);
	if (rc != FG_OK)
		return rc;
	screening_change_init(&c, w->state);
	c.assessed_on = st->date;
	c.high_risk = w->high_risk;
	if (strcmp(w->state, "closed") == 0) {
		c.closed_on = st->date;
		c.end_code = "low_risk";
		c.next_due = fg_date_add_months(st->date, st->pi->interval_months);
	}
	return screening_change_episode(s, st->ep.id, &c, err);
}

fg_rc
fg_screen_questionnaire_record(fg_screening *s, const struct fg_screen_record *r,
			       bool *high_risk, struct fg_error *err)
{
	const char *values[RS_MAX_FIELDS];
	char answers[SCREENING_JSON_MAX];
	struct questionnaire_write w;
	struct step st;
	fg_rc rc;

	rc = begin_step(s, r->programme, r->person, r->date, r->institution, &st, err);
	if (rc != FG_OK)
		return rc;
	if (st.ep.high_risk >= 0)
		return fg_error_set(err, FG_CONFLICT, "person", "person %lld has answered the questionnaire of programme %s already",
				    (long long)st.person.id, st.pi->code);
	rc = map_items(st.pi->questionnaire, r->items, r->nitems, values, err);
	if (rc == FG_OK)
		rc = fg_programme_assess(st.ep.programme, values, fg_date_age(st.person.birth_date, st.date),
					 st.person.sex, high_risk, err);
	if (rc != FG_OK)
		return rc;
	items_json(r->items, r->nitems, answers, sizeof(answers));
	w = (struct questionnaire_write){&st, answers, *high_risk, NULL};
	rc = screening_transition(st.ep.id, *high_risk ? "questionnaire_high_risk" : st.pi->offer_all
				  ? "questionnaire_low_risk" : "questionnaire_low_risk_close", st.ep.state, &w.state, err);
	return rc == FG_OK ? commit_step(s, write_questionnaire, &w, err) : rc;
}

/* ---- exams ---- */

struct exam_write {
	struct step *st;
	const char *exam_type, *findings, *scheme;
	const struct fg_screen_result *res;
};

fg_rc
screening_exam_stmt(fg_screening *s, fg_stmt **stmt, struct fg_error *err)
{
	return fg_store_prepare(screening_store(s), "INSERT INTO screening_exam (district, episode_id, person_id,"
				" institution_id, exam_type, exam_date, findings, scheme, category, management,"
				" recall_months, positive, referral) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				stmt, err);
}

fg_rc
screening_insert_exam(fg_stmt *stmt, const struct step *st, const char *exam_type,
		      const char *findings, const char *scheme, const struct fg_screen_result *res,
		      struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	bool row;
	fg_rc rc;

	fg_stmt_bind_text(stmt, 1, st->ep.district);
	fg_stmt_bind_int64(stmt, 2, st->ep.id);
	fg_stmt_bind_int64(stmt, 3, st->person.id);
	fg_stmt_bind_int64(stmt, 4, st->institution_id);
	fg_stmt_bind_text(stmt, 5, exam_type);
	fg_stmt_bind_text(stmt, 6, fg_date_format(st->date, day));
	fg_stmt_bind_text(stmt, 7, findings);
	fg_stmt_bind_text(stmt, 8, scheme);
	fg_stmt_bind_text(stmt, 9, res->category);
	fg_stmt_bind_text(stmt, 10, res->management);
	if (res->recall_months != FG_SCREEN_RECALL_NONE)
		fg_stmt_bind_int64(stmt, 11, res->recall_months);
	fg_stmt_bind_int64(stmt, 12, res->positive);
	fg_stmt_bind_int64(stmt, 13, res->referral);
	rc = fg_stmt_step(stmt, &row, err);
	fg_stmt_reset(stmt);
	return rc;
}

/*
 * Where a result takes the episode: referred for diagnosis, back to
 * routine screening (closed "normal", the next round due after the
 * programme's interval), or recalled early (due after the result's recall,
 * at once when it has none).
 */
fg_rc
screening_exam_change(const struct step *st, const struct fg_screen_result *res, struct episode_change *c,
		      struct fg_error *err)
{
	const char *event = res->referral ? "exam_referral" : res->routine ? "exam_routine" : "exam_recall";
	const char *to;
	fg_rc rc = screening_transition(st->ep.id, event, st->ep.state, &to, err);

	if (rc != FG_OK)
		return rc;
	screening_change_init(c, to);
	c->screened_on = st->date;
	if (res->positive)
		c->positive_on = st->date;
	if (res->referral)
		c->referred_on = st->date;
	else if (res->routine) {
		c->closed_on = st->date;
		c->end_code = "normal";
		c->next_due = fg_date_add_months(st->date, st->pi->interval_months);
	} else {
		c->recalled_on = st->date;
		c->next_due = res->recall_months != FG_SCREEN_RECALL_NONE
			? fg_date_add_months(st->date, res->recall_months) : st->date;
	}
	return FG_OK;
}

static fg_rc
write_exam(fg_screening *s, void *ctx, struct fg_error *err)
{
	struct exam_write *w = ctx;
	struct episode_change c;
	fg_stmt *insert;
	fg_rc rc = screening_exam_stmt(s, &insert, err);

	if (rc == FG_OK)
		rc = screening_insert_exam(insert, w->st, w->exam_type, w->findings, w->scheme, w->res, err);
	if (rc == FG_OK)
		rc = screening_exam_change(w->st, w->res, &c, err);
	return rc == FG_OK ? screening_change_episode(s, w->st->ep.id, &c, err) : rc;
}

static fg_rc
exam_type_error(const struct step *st, const char *type, struct fg_error *err)
{
	char types[256] = "";

	for (size_t i = 0; i < st->pi->nexams; i++)
		snprintf(types + strlen(types), sizeof(types) - strlen(types), "%s%s", i ? ", " : "",
			 st->pi->exams[i].type);
	fg_error_set(err, FG_INVALID, "exam_type", "exam type \"%s\" is not part of programme %s version %s",
		     type ? type : "", st->pi->code, st->pi->version);
	fg_error_detail(err, "Its exam types are: %s.", types);
	return FG_INVALID;
}

fg_rc
screening_check_exam(const struct step *st, const struct fg_screen_record *r,
		     const struct fg_programme_exam **exam, struct fg_screen_result *out,
		     char *findings, size_t findingssz, struct fg_error *err)
{
	const char *values[RS_MAX_FIELDS];
	fg_rc rc;

	*exam = r->exam_type ? fg_programme_exam(st->ep.programme, r->exam_type) : NULL;
	if (*exam == NULL)
		return exam_type_error(st, r->exam_type, err);
	if (!st->pi->offer_all && st->ep.high_risk != 1) {
		fg_error_set(err, FG_INVALID, "person", "person %lld is not offered exams in programme %s",
			     (long long)st->person.id, st->pi->code);
		fg_error_detail(err, "Programme %s offers exams to people found at high risk by its questionnaire; %s.",
				st->pi->code, st->ep.high_risk < 0 ? "none has been recorded" : "this person was not");
		return FG_INVALID;
	}
	rc = map_items((*exam)->scheme, r->items, r->nitems, values, err);
	if (rc == FG_OK)
		rc = fg_ruleset_classify((*exam)->scheme, values, out, err);
	if (rc == FG_OK)
		items_json(r->items, r->nitems, findings, findingssz);
	return rc;
}

fg_rc
fg_screen_exam_record(fg_screening *s, const struct fg_screen_record *r,
		      struct fg_screen_result *out, struct fg_error *err)
{
	const struct fg_programme_exam *exam;
	char findings[SCREENING_JSON_MAX];
	struct exam_write w;
	struct step st;
	fg_rc rc;

	rc = begin_step(s, r->programme, r->person, r->date, r->institution, &st, err);
	if (rc == FG_OK)
		rc = screening_check_exam(&st, r, &exam, out, findings, sizeof(findings), err);
	if (rc != FG_OK)
		return rc;
	w = (struct exam_write){&st, exam->type, findings, fg_ruleset_name(exam->scheme), out};
	return commit_step(s, write_exam, &w, err);
}

/* ---- outcome and closing ---- */

static const char *const diagnoses[] = {"negative", "benign", "precursor", "cancer", NULL};

/* A stage group: 0 or 0is, or I to IV with an optional letter and digit. */
static bool
stage_valid(const char *st)
{
	static const char *const groups[] = {"IV", "III", "II", "I", NULL};
	size_t n = 0;

	if (strcmp(st, "0") == 0 || strcmp(st, "0is") == 0)
		return true;
	for (int i = 0; groups[i] && n == 0; i++)
		if (strncmp(st, groups[i], strlen(groups[i])) == 0)
			n = strlen(groups[i]);
	if (n == 0)
		return false;
	if (st[n] >= 'A' && st[n] <= 'C')
		n++;
	if (st[n] >= '1' && st[n] <= '3')
		n++;
	return st[n] == '\0';
}

static fg_rc
check_diagnosis(const struct fg_screen_outcome *o, struct fg_error *err)
{
	bool known = false;

	for (int i = 0; diagnoses[i]; i++)
		known |= o->diagnosis != NULL && strcmp(o->diagnosis, diagnoses[i]) == 0;
	if (!known) {
		fg_error_set(err, FG_INVALID, "diagnosis", "invalid diagnosis \"%s\"", o->diagnosis ? o->diagnosis : "");
		fg_error_detail(err, "diagnosis must be one of: negative benign precursor cancer.");
		return FG_INVALID;
	}
	if (strcmp(o->diagnosis, "cancer") == 0 && (o->stage == NULL || o->stage[0] == '\0'))
		return fg_error_set(err, FG_INVALID, "stage", "missing value for stage of a cancer");
	if (o->stage != NULL && o->stage[0] != '\0' && !stage_valid(o->stage)) {
		fg_error_set(err, FG_INVALID, "stage", "invalid stage \"%s\"", o->stage);
		fg_error_detail(err, "A stage group is 0, 0is, or I to IV with an optional letter A-C and digit 1-3.");
		return FG_INVALID;
	}
	return FG_OK;
}

struct change_write {
	int64_t episode;
	struct episode_change c;
};

static fg_rc
write_change(fg_screening *s, void *ctx, struct fg_error *err)
{
	struct change_write *w = ctx;

	return screening_change_episode(s, w->episode, &w->c, err);
}

fg_rc
fg_screen_outcome_record(fg_screening *s, const struct fg_screen_outcome *o, bool *early,
			 struct fg_error *err)
{
	struct change_write w;
	struct step st;
	bool cancer;
	fg_rc rc;

	rc = check_diagnosis(o, err);
	if (rc == FG_OK)
		rc = begin_step(s, o->programme, o->person, o->date, NULL, &st, err);
	if (rc != FG_OK)
		return rc;
	if (st.ep.screened_on == FG_DATE_NONE)
		return fg_error_set(err, FG_INVALID, "person", "person %lld has not been screened in programme %s",
				    (long long)st.person.id, st.pi->code);
	if (st.date < st.ep.screened_on)
		return screening_check_date(o->date, "date", &st.person, st.ep.screened_on, "screening exam",
					    &st.date, err);
	cancer = strcmp(o->diagnosis, "cancer") == 0;
	*early = fg_programme_is_early(st.ep.programme, o->diagnosis, o->stage);
	w.episode = st.ep.id;
	screening_change_init(&w.c, NULL);
	if ((rc = screening_transition(st.ep.id, "outcome", st.ep.state, &w.c.state, err)) != FG_OK)
		return rc;
	w.c.closed_on = w.c.diagnosed_on = st.date;
	w.c.diagnosis = o->diagnosis;
	w.c.stage = o->stage && o->stage[0] ? o->stage : NULL;
	w.c.early = *early;
	w.c.end_code = cancer ? "cancer" : strcmp(o->diagnosis, "precursor") == 0 ? "precursor" : "normal";
	if (!cancer)
		w.c.next_due = fg_date_add_months(st.date, st.pi->interval_months);
	return commit_step(s, write_change, &w, err);
}

fg_rc
fg_screen_close(fg_screening *s, const char *programme, const char *person, const char *date,
		const char *end_code, struct fg_error *err)
{
	static const char *const codes[] = {"lost", "declined", "moved", "died", NULL};
	struct change_write w;
	struct step st;
	bool known = false;
	fg_rc rc;

	for (int i = 0; codes[i]; i++)
		known |= end_code != NULL && strcmp(end_code, codes[i]) == 0;
	if (!known) {
		fg_error_set(err, FG_INVALID, "end_code", "invalid end code \"%s\"", end_code ? end_code : "");
		fg_error_detail(err, "An episode is closed by hand as lost, declined, moved or died; "
				"the other end codes follow from its results.");
		return FG_INVALID;
	}
	rc = begin_step(s, programme, person, date, NULL, &st, err);
	if (rc != FG_OK)
		return rc;
	w.episode = st.ep.id;
	screening_change_init(&w.c, NULL);
	if ((rc = screening_transition(st.ep.id, "close", st.ep.state, &w.c.state, err)) != FG_OK)
		return rc;
	w.c.closed_on = st.date;
	w.c.end_code = end_code;
	if (strcmp(end_code, "lost") == 0 || strcmp(end_code, "declined") == 0)
		w.c.next_due = fg_date_add_months(st.date, st.pi->interval_months);
	return commit_step(s, write_change, &w, err);
}
