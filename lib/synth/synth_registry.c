/*
 * synth_registry.c
 *	  The synthetic city's cancer registry: new cancers drawn for the
 *	  residents year by year at Chinese incidence by age, sex and site
 *	  (data/synth/cancer-age.csv, cancer-sites.csv), stored through the
 *	  tumour library with stage and basis; follow-up plans and contacts;
 *	  deaths drawn from site survival and reported as death records (some
 *	  cancers only there, becoming DCO cases); the population by
 *	  district, year, sex and age group counted from the residents; and
 *	  the Chinese population life table (data/survival/) for relative and
 *	  net survival.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/death.h"
#include "fangai/followup.h"
#include "fangai/registry.h"
#include "fangai/survival.h"
#include "fangai/synth.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "synth_int.h"

#define AGE_GROUPS 18			/* rows of cancer-age.csv */
#define POP_GROUPS 19			/* 0, 1-4, 5-9 ... 85+ */
#define DCO_ONLY_SHARE 0.015		/* cancers known only from the death certificate */
#define LOST_SHARE 0.05			/* patients lost to follow-up at some visit */
#define BATCH 400			/* cases per transaction */

enum { S_SITE, S_TOPO, S_MORPH, S_GRADE, S_ICD10, S_MALE, S_FEMALE, S_YOUNG, S_SURV5, S_MV, S_T, S_N, S_M,
       S_LOCAL, S_ADVANCED, S_NCOLS };

struct resident {
	int64_t id;
	char sex;
	fg_date birth, death;
	char district[7];
	char id_number[20], name[FG_NAME_MAX];
};

struct gen {
	fg_store *store;
	const struct fg_synth_registry_options *opts;
	struct fg_synth_registry_report *rep;
	struct synth_rng rng;
	struct fg_arena arena;
	fg_registry *reg;
	struct fg_plans plans;
	struct synth_table sites, ages;
	double rate[2][AGE_GROUPS];		/* per person-year, by sex (0 men) */
	int age_from[AGE_GROUPS];
	double *pick[2][2];			/* [sex][young] cumulative site weights */
	int64_t *hospitals;			/* reporting institutions */
	size_t nhospitals;
	struct resident *people;
	size_t npeople;
	int first_year, last_year;
};

static double
cell_number(const struct synth_table *t, size_t row, size_t col)
{
	return strtod(synth_cell(t, row, col), NULL);
}

/* ---- loading ---- */

static fg_rc
load_tables(struct gen *g, const char *datadir, struct fg_error *err)
{
	static const char *const age_cols[] = {"age_from", "male", "female"};
	static const char *const site_cols[] = {"site", "topography", "morphology", "grade", "icd10", "male",
						"female", "young", "surv5", "mv", "t", "n", "m", "local", "advanced"};
	fg_rc rc;

	if ((rc = synth_table_load(datadir, "cancer-age.csv", age_cols, 3, NULL, &g->arena, &g->ages, err)) ||
	    (rc = synth_table_load(datadir, "cancer-sites.csv", site_cols, S_NCOLS, NULL, &g->arena, &g->sites, err)))
		return rc;
	if (g->ages.nrows != AGE_GROUPS)
		return fg_error_set(err, FG_INVALID, NULL, "synth/cancer-age.csv has %zu age groups, not %d",
				    g->ages.nrows, AGE_GROUPS);
	for (size_t i = 0; i < AGE_GROUPS; i++) {
		g->age_from[i] = (int)cell_number(&g->ages, i, 0);
		g->rate[0][i] = cell_number(&g->ages, i, 1) / 1e5;
		g->rate[1][i] = cell_number(&g->ages, i, 2) / 1e5;
	}
	for (int s = 0; s < 2; s++)
		for (int y = 0; y < 2; y++) {
			double *cum = fg_arena_alloc(&g->arena, g->sites.nrows * sizeof(*cum)), total = 0;

			if (cum == NULL)
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading the cancer sites");
			for (size_t i = 0; i < g->sites.nrows; i++) {
				total += cell_number(&g->sites, i, s ? S_FEMALE : S_MALE) *
					 (y ? cell_number(&g->sites, i, S_YOUNG) : 1.0);
				cum[i] = total;
			}
			g->pick[s][y] = cum;
		}
	return FG_OK;
}

static fg_rc
load_hospitals(struct gen *g, struct fg_error *err)
{
	size_t cap = 16;
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(g->store, "SELECT id FROM institution WHERE kind IN ('cancer_centre', 'hospital')"
				    " ORDER BY id", &st, err);

	if (rc != FG_OK)
		return rc;
	g->hospitals = fg_arena_alloc(&g->arena, cap * sizeof(*g->hospitals));
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && g->hospitals && g->nhospitals < cap)
		g->hospitals[g->nhospitals++] = fg_stmt_int64(st, 0);
	fg_stmt_reset(st);
	if (rc == FG_OK && g->nhospitals == 0)
		rc = fg_error_set(err, FG_NOTFOUND, NULL, "the synthetic city has no hospitals");
	return rc;
}

static fg_rc
load_people(struct gen *g, struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(g->store, "SELECT id, sex, birth_date, district, coalesce(id_number, ''), name,"
				    " death_date FROM person WHERE merged_into IS NULL ORDER BY id", &st, err);

	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct resident *r;

		if (g->npeople == cap) {
			struct resident *t = realloc(g->people, (cap = cap ? cap * 2 : 4096) * sizeof(*t));

			if (t == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading the residents");
				break;
			}
			g->people = t;
		}
		r = &g->people[g->npeople++];
		r->id = fg_stmt_int64(st, 0);
		r->sex = fg_stmt_text(st, 1)[0];
		if (fg_date_parse(fg_stmt_text(st, 2), "birth_date", &r->birth, NULL) != FG_OK)
			r->birth = FG_DATE_NONE;
		if (fg_stmt_is_null(st, 6) || fg_date_parse(fg_stmt_text(st, 6), "death_date", &r->death, NULL) != FG_OK)
			r->death = FG_DATE_NONE;
		fg_strlcpy(r->district, fg_stmt_text(st, 3), sizeof(r->district));
		fg_strlcpy(r->id_number, fg_stmt_text(st, 4), sizeof(r->id_number));
		fg_strlcpy(r->name, fg_stmt_text(st, 5), sizeof(r->name));
	}
	fg_stmt_reset(st);
	return rc;
}

/* ---- one case ---- */

static int
age_group(const struct gen *g, int age)
{
	int k = AGE_GROUPS - 1;

	while (k > 0 && age < g->age_from[k])
		k--;
	return k;
}

/* A word drawn uniformly from a space-separated list into buf ("" for an empty list). */
static const char *
pick_word(struct synth_rng *rng, const char *list, char *buf, size_t bufsz)
{
	size_t n = 0, k;
	const char *p = list;

	buf[0] = '\0';
	for (const char *q = list; *q; q++)
		n += (q == list || q[-1] == ' ') && *q != ' ';
	if (n == 0)
		return buf;
	k = (size_t)synth_rng_below(rng, n);
	for (size_t i = 0; i < k; i++)
		p = strchr(p, ' ') + 1;
	snprintf(buf, bufsz, "%.*s", (int)strcspn(p, " "), p);
	return buf;
}

struct drawn {
	size_t site;
	fg_date incidence, death;		/* death FG_DATE_NONE: alive at as_of */
	int64_t institution;
	bool dco_only;
};

static fg_rc
store_tumour(struct gen *g, const struct resident *r, const struct drawn *d, int64_t *tumour_id,
	     bool *metastatic, struct fg_error *err)
{
	const struct synth_table *s = &g->sites;
	char person[24], inst[24], day[FG_DATE_TEXT_MAX], t[8], n[8], m[8];
	bool mv = synth_rng_unit(&g->rng) < cell_number(s, d->site, S_MV);
	struct fg_tumour out;
	fg_rc rc;

	snprintf(person, sizeof(person), "%lld", (long long)r->id);
	snprintf(inst, sizeof(inst), "%lld", (long long)d->institution);
	pick_word(&g->rng, synth_cell(s, d->site, S_T), t, sizeof(t));
	pick_word(&g->rng, synth_cell(s, d->site, S_N), n, sizeof(n));
	pick_word(&g->rng, synth_cell(s, d->site, S_M), m, sizeof(m));
	rc = fg_tumour_add(g->store, g->reg, &(struct fg_tumour_input){
		.person = person, .institution = inst, .incidence_date = fg_date_format(d->incidence, day),
		.topography = synth_cell(s, d->site, S_TOPO), .morphology = synth_cell(s, d->site, S_MORPH),
		.grade = mv ? synth_cell(s, d->site, S_GRADE) : NULL, .basis = mv ? "7" : "2",
		.t = t, .n = n, .m = m, .source = "synth"}, &out, NULL, err);
	*tumour_id = rc == FG_OK ? out.id : 0;
	*metastatic = strncmp(m, "M1", 2) == 0;
	return rc;
}

/*
 * First-course treatments of the site's local or advanced list, three weeks
 * apart from two weeks after incidence; those that would start after death
 * or as_of are left out, and an end after either is left open.
 */
static fg_rc
treat(struct gen *g, const struct drawn *d, int64_t tumour, bool metastatic, struct fg_error *err)
{
	const char *list = synth_cell(&g->sites, d->site, metastatic ? S_ADVANCED : S_LOCAL);
	fg_date limit = d->death != FG_DATE_NONE && d->death <= g->opts->as_of ? d->death : g->opts->as_of + 1;
	char id[24], inst[24], kind[16], start[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX];
	struct fg_treatment out;
	fg_rc rc = FG_OK;
	int k = 0;

	snprintf(id, sizeof(id), "%lld", (long long)tumour);
	snprintf(inst, sizeof(inst), "%lld", (long long)d->institution);
	for (const char *p = list; rc == FG_OK && *p; k++) {
		size_t len = strcspn(p, " ");
		fg_date from = d->incidence + 14 + 21 * k;
		fg_date to = from + (strncmp(p, "surgery", len) == 0 ? 1 : 90);

		snprintf(kind, sizeof(kind), "%.*s", (int)len, p);
		p += len + (p[len] == ' ');
		if (from >= limit)
			break;
		rc = fg_treatment_add(g->store, &(struct fg_treatment_input){
			.tumour = id, .institution = inst, .kind = kind, .start_date = fg_date_format(from, start),
			.end_date = to < limit ? fg_date_format(to, end) : NULL}, &out, err);
		g->rep->treatments += rc == FG_OK;
	}
	return rc;
}

/* Alive contacts at each visit due before death and as_of; one patient in twenty is lost. */
static fg_rc
follow_up(struct gen *g, const struct drawn *d, int64_t plan_id, struct fg_error *err)
{
	fg_date end = d->death != FG_DATE_NONE ? d->death : g->opts->as_of + 1;
	int lost_at = synth_rng_unit(&g->rng) < LOST_SHARE ? (int)synth_rng_below(&g->rng, 12) : -1;
	int64_t visits[64];
	fg_date due[64];
	size_t n = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(g->store, "SELECT id, due_date FROM followup WHERE plan_id = ? ORDER BY due_date",
				    &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, plan_id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && n < 64) {
		visits[n] = fg_stmt_int64(st, 0);
		if (fg_date_parse(fg_stmt_text(st, 1), "due_date", &due[n], err) != FG_OK)
			due[n] = end;
		n++;
	}
	fg_stmt_reset(st);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		fg_date on = due[i] + (fg_date)synth_rng_below(&g->rng, 15);
		struct fg_contact c = {.visit_id = visits[i], .on = on, .method = "phone", .outcome = "alive"};
		struct fg_contact_effect effect;

		if (on >= end || on > g->opts->as_of)
			break;
		if ((int)i == lost_at) {
			c.outcome = "lost";
			c.lost_reason = "phone number no longer in use";
		}
		rc = fg_followup_record(g->store, &c, &effect, err);
		g->rep->contacts += rc == FG_OK;
		if ((int)i == lost_at)
			break;
	}
	return rc;
}

static fg_rc
report_death(struct gen *g, const struct resident *r, const struct drawn *d, struct fg_error *err)
{
	char inst[24], day[FG_DATE_TEXT_MAX], birth[FG_DATE_TEXT_MAX];
	fg_rc rc;

	snprintf(inst, sizeof(inst), "%lld", (long long)d->institution);
	rc = fg_death_add(g->store, &(struct fg_death_input){
		.institution = inst, .district = r->district, .id_number = r->id_number, .name = r->name,
		.sex = (char[]){r->sex, '\0'}, .birth_date = fg_date_format(r->birth, birth),
		.death_date = fg_date_format(d->death, day),
		.cause_icd10 = synth_cell(&g->sites, d->site, S_ICD10), .source = "synth"}, g->opts->as_of, NULL, err);
	g->rep->deaths += rc == FG_OK;
	return rc;
}

static fg_rc
register_case(struct gen *g, const struct resident *r, const struct drawn *d, struct fg_error *err)
{
	int64_t tumour = 0, plan = 0;
	size_t visits;
	fg_date start = d->incidence + 30;
	bool metastatic = false;
	fg_rc rc = FG_OK;

	if (!d->dco_only) {
		rc = store_tumour(g, r, d, &tumour, &metastatic, err);
		if (rc == FG_INVALID || rc == FG_CONFLICT) {
			g->rep->refused++;
			return FG_OK;
		}
		g->rep->tumours += rc == FG_OK;
		if (rc == FG_OK)
			rc = treat(g, d, tumour, metastatic, err);
	}
	if (rc == FG_OK && tumour && start <= g->opts->as_of && (d->death == FG_DATE_NONE || start < d->death)) {
		rc = fg_followup_enrol(g->store, &g->plans, &(struct fg_enrolment){
			.person_id = r->id, .tumour_id = tumour, .plan = "cancer-standard", .start = start,
			.years = 10}, &plan, &visits, err);
		if (rc == FG_OK)
			rc = follow_up(g, d, plan, err);
	}
	if (rc == FG_OK && d->death != FG_DATE_NONE)
		rc = report_death(g, r, d, err);
	return rc;
}

/* Draw at most one new cancer for a resident over the years; false if none. */
static bool
draw_case(struct gen *g, const struct resident *r, struct drawn *d)
{
	int female = r->sex == '2';

	if (r->birth == FG_DATE_NONE || (r->sex != '1' && r->sex != '2'))
		return false;
	for (int y = g->first_year; y <= g->last_year; y++) {
		fg_date mid = fg_date_from_ymd(y, 7, 1), jan = fg_date_from_ymd(y, 1, 1);
		int age = fg_date_age(r->birth, mid);
		double surv5, lambda;

		if (age < 0 || synth_rng_unit(&g->rng) >= g->rate[female][age_group(g, age)])
			continue;
		d->incidence = jan + (fg_date)synth_rng_below(&g->rng, 365);
		if (d->incidence > g->opts->as_of || d->incidence < r->birth)
			return false;
		d->site = synth_pick_cumulative(g->pick[female][age < 50], g->sites.nrows, &g->rng);
		surv5 = cell_number(&g->sites, d->site, S_SURV5) / 100.0;
		lambda = -log(surv5 > 0 && surv5 < 1 ? surv5 : 0.5) / 5.0;
		d->death = d->incidence + 1 + (fg_date)(-log(1.0 - synth_rng_unit(&g->rng)) / lambda * 365.25);
		if (d->death > g->opts->as_of)
			d->death = FG_DATE_NONE;
		d->institution = g->hospitals[synth_rng_below(&g->rng, g->nhospitals)];
		d->dco_only = d->death != FG_DATE_NONE && synth_rng_unit(&g->rng) < DCO_ONLY_SHARE;
		return true;
	}
	return false;
}

static fg_rc
draw_cases(struct gen *g, struct fg_error *err)
{
	int in_batch = 0;
	fg_rc rc = fg_store_begin(g->store, err);

	for (size_t i = 0; rc == FG_OK && i < g->npeople; i++) {
		struct drawn d;

		if (!draw_case(g, &g->people[i], &d))
			continue;
		rc = register_case(g, &g->people[i], &d, err);
		if (rc == FG_OK && ++in_batch == BATCH) {
			in_batch = 0;
			if ((rc = fg_store_commit(g->store, err)) == FG_OK)
				rc = fg_store_begin(g->store, err);
		}
	}
	if (rc == FG_OK)
		return fg_store_commit(g->store, err);
	fg_store_rollback(g->store);
	return rc;
}

/* ---- population ---- */

static int
pop_group(int age)
{
	return age < 1 ? 0 : age < 5 ? 1 : age >= 85 ? 18 : age / 5 + 1;
}

struct pop_cell {
	char district[7];
	int64_t n[2][POP_GROUPS];
};

static struct pop_cell *
district_cell(struct pop_cell *cells, size_t *ncells, size_t max, const char *district)
{
	for (size_t i = 0; i < *ncells; i++)
		if (strcmp(cells[i].district, district) == 0)
			return &cells[i];
	if (*ncells == max)
		return NULL;
	memset(&cells[*ncells], 0, sizeof(cells[0]));
	fg_strlcpy(cells[*ncells].district, district, sizeof(cells[0].district));
	return &cells[(*ncells)++];
}

static fg_rc
insert_year(struct gen *g, int year, const struct pop_cell *cells, size_t ncells, int64_t owner,
	    struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(g->store, "INSERT INTO population (district, institution_id, year, sex, age_group,"
				    " count) VALUES (?, ?, ?, ?, ?, ?)", &st, err);

	for (size_t c = 0; rc == FG_OK && c < ncells; c++)
		for (int s = 0; rc == FG_OK && s < 2; s++)
			for (int a = 0; rc == FG_OK && a < POP_GROUPS; a++) {
				fg_stmt_bind_text(st, 1, cells[c].district);
				fg_stmt_bind_int64(st, 2, owner);
				fg_stmt_bind_int64(st, 3, year);
				fg_stmt_bind_text(st, 4, s ? "2" : "1");
				fg_stmt_bind_int64(st, 5, a);
				fg_stmt_bind_int64(st, 6, cells[c].n[s][a]);
				rc = fg_stmt_scalar_int64(st, NULL, NULL, err);
				g->rep->population_rows += rc == FG_OK;
			}
	return rc;
}

/* Residents alive on 1 July of each year, by district, sex and age group. */
static fg_rc
count_population(struct gen *g, struct fg_error *err)
{
	struct pop_cell cells[64];
	fg_rc rc;

	g->npeople = 0;
	if ((rc = load_people(g, err)) != FG_OK || (rc = fg_store_begin(g->store, err)) != FG_OK)
		return rc;
	for (int y = g->first_year; rc == FG_OK && y <= g->last_year; y++) {
		fg_date mid = fg_date_from_ymd(y, 7, 1);
		size_t ncells = 0;

		for (size_t i = 0; rc == FG_OK && i < g->npeople; i++) {
			const struct resident *r = &g->people[i];
			struct pop_cell *c;

			if (r->birth == FG_DATE_NONE || r->birth > mid || (r->death != FG_DATE_NONE && r->death <= mid) ||
			    (r->sex != '1' && r->sex != '2'))
				continue;
			c = district_cell(cells, &ncells, sizeof(cells) / sizeof(cells[0]), r->district);
			if (c == NULL)
				rc = fg_error_set(err, FG_INVALID, NULL, "the synthetic city has more than 64 districts");
			else
				c->n[r->sex == '2'][pop_group(fg_date_age(r->birth, mid))]++;
		}
		if (rc == FG_OK)
			rc = insert_year(g, y, cells, ncells, g->hospitals[0], err);
	}
	if (rc == FG_OK)
		return fg_store_commit(g->store, err);
	fg_store_rollback(g->store);
	return rc;
}

fg_rc
fg_synth_registry(fg_store *store, const struct fg_synth_registry_options *opts,
		  struct fg_synth_registry_report *report, struct fg_error *err)
{
	const char *datadir = opts->datadir ? opts->datadir : fg_datadir();
	struct gen g = {.store = store, .opts = opts, .rep = report};
	struct fg_death_report deaths;
	char path[600];
	int y, m, d;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	fg_arena_init(&g.arena, 0);
	synth_rng_seed(&g.rng, opts->seed ^ 0x7265676973747279ULL);	/* "registry" */
	fg_date_to_ymd(opts->as_of, &y, &m, &d);
	g.last_year = y;
	g.first_year = y - (opts->years > 0 ? opts->years : 10) + 1;
	snprintf(path, sizeof(path), "%s/followup/plans.csv", datadir);
	if ((rc = fg_registry_open(datadir, &g.reg, err)) || (rc = fg_plans_load(path, &g.arena, &g.plans, err)) ||
	    (rc = load_tables(&g, datadir, err)) || (rc = load_hospitals(&g, err)) || (rc = load_people(&g, err)) ||
	    (rc = draw_cases(&g, err)))
		goto out;
	if ((rc = fg_death_process(store, g.reg, opts->as_of, &deaths, err)) != FG_OK)
		goto out;
	report->dco = deaths.dco;
	if ((rc = count_population(&g, err)) != FG_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/survival/%s", datadir, FG_SYNTH_LIFE_TABLE_FILE);
	rc = fg_ratetable_save(store, FG_SYNTH_LIFE_TABLE, path, &report->life_table_cells, err);
out:
	free(g.people);
	fg_registry_free(g.reg);
	fg_arena_free(&g.arena);
	return rc;
}
