/*
 * synth_screening.c
 *	  Screening histories of the synthetic city: every district enrolled in
 *	  each programme, questionnaires answered from item frequencies, first
 *	  exams with findings drawn by weight, and diagnoses of the referred,
 *	  all written through the screening library so that every record is
 *	  validated and classified as real data would be.
 *
 * The levels come from data/synth/screening.csv.  The same seed and city
 * give the same histories.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/screening.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "synth_int.h"

enum { S_PROGRAMME, S_KIND, S_KEY, S_VALUE, S_WEIGHT };

#define MAX_GROUPS 160
#define MAX_ITEMS 24
#define ENROL_MONTHS_BEFORE 18	/* enrolment this long before the as-of day */

/* Contiguous rows of one programme, kind and key. */
struct group {
	const char *programme, *kind, *key;
	size_t first, n;
	double total;
};

struct plan {
	struct synth_table t;
	struct group groups[MAX_GROUPS];
	size_t ngroups;
	struct synth_rng rng;
	fg_screening *s;
	fg_store *store;
	const char *datadir;		/* NULL: fg_datadir() */
	fg_date as_of;
	struct fg_synth_screening_report *report;
};

/* The parameters of one programme's simulation. */
struct levels {
	const char *programme, *version;
	double questionnaire_rate, uptake, diagnosis_rate, cancer, precursor, days_mean;
};

static fg_rc
group_rows(struct plan *pl, struct fg_error *err)
{
	for (size_t r = 0; r < pl->t.nrows; r++) {
		struct group *g = pl->ngroups ? &pl->groups[pl->ngroups - 1] : NULL;
		const char *p = synth_cell(&pl->t, r, S_PROGRAMME), *k = synth_cell(&pl->t, r, S_KIND);
		const char *key = synth_cell(&pl->t, r, S_KEY);

		if (g == NULL || strcmp(g->programme, p) || strcmp(g->kind, k) || strcmp(g->key, key)) {
			if (pl->ngroups == MAX_GROUPS)
				return fg_error_set(err, FG_INVALID, NULL, "too many groups in screening.csv");
			g = &pl->groups[pl->ngroups++];
			*g = (struct group){p, k, key, r, 0, 0};
		}
		g->n++;
		g->total += atof(synth_cell(&pl->t, r, S_WEIGHT));
	}
	return FG_OK;
}

static const struct group *
find_group(const struct plan *pl, const char *programme, const char *kind, const char *key)
{
	for (size_t i = 0; i < pl->ngroups; i++)
		if (strcmp(pl->groups[i].programme, programme) == 0 && strcmp(pl->groups[i].kind, kind) == 0 &&
		    (key == NULL || strcmp(pl->groups[i].key, key) == 0))
			return &pl->groups[i];
	return NULL;
}

/* The value of a row drawn by weight from group g. */
static const char *
draw(struct plan *pl, const struct group *g)
{
	double u = synth_rng_unit(&pl->rng) * g->total;

	for (size_t r = g->first; r < g->first + g->n; r++) {
		u -= atof(synth_cell(&pl->t, r, S_WEIGHT));
		if (u < 0)
			return synth_cell(&pl->t, r, S_VALUE);
	}
	return synth_cell(&pl->t, g->first + g->n - 1, S_VALUE);
}

static fg_rc
read_levels(const struct plan *pl, const char *programme, struct levels *lv, struct fg_error *err)
{
	static const char *const names[] = {"questionnaire_rate", "uptake", "diagnosis_rate",
					    "cancer_given_referral", "precursor_given_referral", "days_mean"};
	double *const slots[] = {&lv->questionnaire_rate, &lv->uptake, &lv->diagnosis_rate, &lv->cancer,
				 &lv->precursor, &lv->days_mean};
	const struct group *g = find_group(pl, programme, "param", "version");

	lv->programme = programme;
	lv->version = g ? synth_cell(&pl->t, g->first, S_VALUE) : NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		g = find_group(pl, programme, "param", names[i]);
		if (g == NULL)
			return fg_error_set(err, FG_INVALID, NULL, "screening.csv gives no %s for %s", names[i], programme);
		*slots[i] = atof(synth_cell(&pl->t, g->first, S_VALUE));
	}
	return FG_OK;
}

/* The hospital of a district, else the cancer centre. */
static fg_rc
district_institution(fg_store *store, const char *district, int64_t *id, struct fg_error *err)
{
	fg_stmt *st;
	bool found;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT id FROM institution WHERE district = ? OR kind = 'cancer_centre'"
			      " ORDER BY kind = 'hospital' AND district = ? DESC, id LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, district);
	fg_stmt_bind_text(st, 2, district);
	rc = fg_stmt_scalar_int64(st, id, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, NULL, "the synthetic city has no institutions");
	return rc;
}

static fg_rc
enrol_city(struct plan *pl, const struct levels *lv, fg_date on, struct fg_error *err)
{
	char districts[32][7], inst[24];
	size_t nd = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(pl->store, "SELECT DISTINCT district FROM person ORDER BY district", &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && nd < 32)
		fg_strlcpy(districts[nd++], fg_stmt_text(st, 0), 7);
	fg_stmt_reset(st);
	for (size_t i = 0; i < nd && rc == FG_OK; i++) {
		struct fg_screen_enrol_options o = {lv->programme, lv->version, districts[i], inst, on, true};
		struct fg_screen_enrol_report rep;
		int64_t id;

		rc = district_institution(pl->store, districts[i], &id, err);
		snprintf(inst, sizeof(inst), "%lld", (long long)id);
		if (rc == FG_OK)
			rc = fg_screen_enrol(pl->s, &o, &rep, err);
		pl->report->episodes += rep.enrolled;
	}
	return rc;
}

/* Items of one programme and kind drawn by weight: answers of every item. */
static size_t
draw_answers(struct plan *pl, const char *programme, struct fg_screen_item *items)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->ngroups && n < MAX_ITEMS; i++)
		if (strcmp(pl->groups[i].programme, programme) == 0 && strcmp(pl->groups[i].kind, "answer") == 0)
			items[n++] = (struct fg_screen_item){pl->groups[i].key, draw(pl, &pl->groups[i])};
	return n;
}

/* Split "a=1;b=2" (copied into buf) into items. */
static size_t
split_findings(const char *text, char *buf, size_t bufsz, struct fg_screen_item *items)
{
	char *save = NULL;
	size_t n = 0;

	fg_strlcpy(buf, text, bufsz);
	for (char *w = strtok_r(buf, ";", &save); w && n < MAX_ITEMS; w = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(w, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		items[n++] = (struct fg_screen_item){w, eq + 1};
	}
	return n;
}

static fg_date
later(struct plan *pl, fg_date from, int min_days, int spread)
{
	return from + min_days + (int)synth_rng_below(&pl->rng, (uint64_t)spread);
}

static fg_rc
diagnose(struct plan *pl, const struct levels *lv, const char *person, fg_date exam, struct fg_error *err)
{
	double u = synth_rng_unit(&pl->rng);
	fg_date on = exam + 7 + (int)(-lv->days_mean * log(1.0 - synth_rng_unit(&pl->rng)));
	struct fg_screen_outcome o = {lv->programme, person, NULL, "benign", NULL};
	char day[FG_DATE_TEXT_MAX];
	bool early;

	if (synth_rng_unit(&pl->rng) >= lv->diagnosis_rate || on > pl->as_of)
		return FG_OK;	/* still waiting: the failsafe list shows them */
	if (u < lv->cancer) {
		const struct group *g = find_group(pl, lv->programme, "stage", "stage");

		o.diagnosis = "cancer";
		o.stage = g ? draw(pl, g) : "I";
	} else if (u < lv->cancer + lv->precursor)
		o.diagnosis = "precursor";
	o.date = fg_date_format(on, day);
	pl->report->outcomes++;
	return fg_screen_outcome_record(pl->s, &o, &early, err);
}

/*
 * One enrolled person: questionnaire, first exam (of the type the data
 * gives findings for), diagnosis if referred.
 */
static fg_rc
follow_person(struct plan *pl, const struct levels *lv, const fg_programme *p, int64_t id,
	      fg_date start, struct fg_error *err)
{
	const struct fg_programme_info *pi = fg_programme_info(p);
	const struct group *fg = find_group(pl, lv->programme, "finding", NULL);
	struct fg_screen_item items[MAX_ITEMS];
	struct fg_screen_record r = {lv->programme, NULL, NULL, NULL, NULL, items, 0};
	struct fg_screen_result res;
	char person[24], day[FG_DATE_TEXT_MAX], buf[512];
	fg_date on = later(pl, start, 1, 60);
	bool high = false;
	fg_rc rc;

	snprintf(person, sizeof(person), "%lld", (long long)id);
	r.person = person;
	if (synth_rng_unit(&pl->rng) < lv->questionnaire_rate) {
		r.date = fg_date_format(on, day);
		r.nitems = draw_answers(pl, lv->programme, items);
		rc = fg_screen_questionnaire_record(pl->s, &r, &high, err);
		if (rc != FG_OK)
			return rc;
		pl->report->questionnaires++;
	} else if (!pi->offer_all)
		return FG_OK;
	if ((!high && !pi->offer_all) || fg == NULL || synth_rng_unit(&pl->rng) >= lv->uptake)
		return FG_OK;
	on = later(pl, on, 7, 90);
	if (on > pl->as_of)
		return FG_OK;
	r.date = fg_date_format(on, day);
	r.exam_type = fg->key;
	r.nitems = split_findings(draw(pl, fg), buf, sizeof(buf), items);
	rc = fg_screen_exam_record(pl->s, &r, &res, err);
	if (rc != FG_OK)
		return rc;
	pl->report->exams++;
	return res.referral ? diagnose(pl, lv, person, on, err) : FG_OK;
}

/* The open episodes of a programme: person ids and start days. */
static fg_rc
open_episodes(struct plan *pl, const char *programme, int64_t **ids, fg_date **starts, size_t *n,
	      struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*n = 0;
	rc = fg_store_prepare(pl->store, "SELECT e.person_id, e.started_on FROM screening_episode e"
			      " JOIN screening_programme p ON p.id = e.programme_id"
			      " WHERE p.code = ? AND e.closed_on IS NULL ORDER BY e.id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, programme);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (*n == cap) {
			int64_t *gi = realloc(*ids, (cap ? cap * 2 : 1024) * sizeof(**ids));
			fg_date *gs = gi ? realloc(*starts, (cap ? cap * 2 : 1024) * sizeof(**starts)) : NULL;

			if (gi)
				*ids = gi;
			if (gs == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory");
				break;
			}
			*starts = gs;
			cap = cap ? cap * 2 : 1024;
		}
		(*ids)[*n] = fg_stmt_int64(st, 0);
		if (fg_date_parse(fg_stmt_text(st, 1), "started_on", &(*starts)[*n], err) != FG_OK) {
			rc = FG_INTERNAL;
			break;
		}
		(*n)++;
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
simulate_programme(struct plan *pl, const char *programme, struct fg_arena *arena,
		   struct fg_error *err)
{
	fg_date start = fg_date_add_months(pl->as_of, -ENROL_MONTHS_BEFORE);
	const fg_programme *p;
	int64_t *ids = NULL;
	fg_date *starts = NULL;
	struct levels lv;
	size_t n = 0;
	fg_rc rc;

	rc = read_levels(pl, programme, &lv, err);
	if (rc == FG_OK)
		rc = fg_programme_load(pl->datadir, programme, lv.version, arena, &p, err);
	if (rc == FG_OK)
		rc = fg_store_begin(pl->store, err);
	if (rc != FG_OK)
		return rc;
	rc = enrol_city(pl, &lv, start, err);
	if (rc == FG_OK)
		rc = open_episodes(pl, programme, &ids, &starts, &n, err);
	for (size_t i = 0; i < n && rc == FG_OK; i++)
		rc = follow_person(pl, &lv, p, ids[i], starts[i], err);
	free(ids);
	free(starts);
	if (rc == FG_OK)
		return fg_store_commit(pl->store, err);
	fg_store_rollback(pl->store);
	return rc;
}

fg_rc
fg_synth_screening(fg_store *store, const struct fg_synth_screening_options *opts,
		   struct fg_synth_screening_report *report, struct fg_error *err)
{
	static const char *const cols[] = {"programme", "kind", "key", "value", "weight"};
	const char *dir = opts->datadir ? opts->datadir : fg_datadir();
	struct plan pl = {.store = store, .datadir = opts->datadir, .as_of = opts->as_of, .report = report};
	struct fg_arena arena;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	fg_arena_init(&arena, 0);
	synth_rng_seed(&pl.rng, opts->seed ^ UINT64_C(0x5c7ee71a6));
	rc = synth_table_load(dir, "screening.csv", cols, 5, NULL, &arena, &pl.t, err);
	if (rc == FG_OK)
		rc = group_rows(&pl, err);
	if (rc == FG_OK)
		rc = fg_screening_open(store, opts->datadir, &pl.s, err);
	for (size_t i = 0; i < pl.ngroups && rc == FG_OK; i++)
		if (strcmp(pl.groups[i].kind, "param") == 0 && strcmp(pl.groups[i].key, "version") == 0)
			rc = simulate_programme(&pl, pl.groups[i].programme, &arena, err);
	fg_screening_close(pl.s);
	fg_arena_free(&arena);
	return rc;
}
