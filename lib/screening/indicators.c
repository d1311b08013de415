/*
 * indicators.c
 *	  Screening indicators: the episodes reduced to facts, then counted by
 *	  programme, institution, year, sex and age group, with rates, the
 *	  early-diagnosis rate and the time from a positive result to diagnosis.
 *
 * Counting is one pass over the facts into a hash table of groups; the
 * quantiles sort only the diagnosed positives.  Nothing here touches the
 * store except fg_screen_facts_load().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/summary.h"
#include "fangai/util.h"
#include "screening_episode_int.h"

/* ---- facts ---- */

fg_rc
fg_screen_facts_add(struct fg_screen_facts *facts, const struct fg_screen_fact *fact,
		    struct fg_error *err)
{
	if (facts->count == facts->cap) {
		size_t cap = facts->cap ? facts->cap * 2 : 4096;
		struct fg_screen_fact *grown = realloc(facts->items, cap * sizeof(*grown));

		if (grown == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading episodes");
		facts->items = grown;
		facts->cap = cap;
	}
	facts->items[facts->count] = *fact;
	if (facts->items[facts->count].weight <= 0)
		facts->items[facts->count].weight = 1;
	facts->count++;
	return FG_OK;
}

void
fg_screen_facts_free(struct fg_screen_facts *facts)
{
	free(facts->items);
	facts->items = NULL;
	facts->count = facts->cap = 0;
}

/* Index of the programme of row id in facts, adding its code on first sight. */
static fg_rc
programme_index(fg_screening *s, struct fg_screen_facts *facts, int64_t id, const char *code,
		struct fg_arena *arena, int *index, bool *offer_all, struct fg_error *err)
{
	const fg_programme *p;
	fg_rc rc = screening_programme_by_id(s, id, &p, err);

	if (rc != FG_OK)
		return rc;
	*offer_all = fg_programme_info(p)->offer_all;
	for (size_t i = 0; i < facts->nprogrammes; i++)
		if (strcmp(facts->programmes[i], code) == 0) {
			*index = (int)i;
			return FG_OK;
		}
	if (facts->nprogrammes == sizeof(facts->programmes) / sizeof(facts->programmes[0]))
		return fg_error_set(err, FG_INTERNAL, NULL, "too many programmes");
	facts->programmes[facts->nprogrammes] = fg_arena_strdup(arena, code);
	facts->precursors_count[facts->nprogrammes] = fg_programme_is_early(p, "precursor", NULL);
	*index = (int)facts->nprogrammes++;
	return FG_OK;
}

static int8_t
diagnosis_code(const char *text)
{
	static const char *const names[] = {"negative", "benign", "precursor", "cancer"};

	for (int i = 0; text && i < 4; i++)
		if (strcmp(text, names[i]) == 0)
			return (int8_t)(FG_DX_NEGATIVE + i);
	return FG_DX_NONE;
}

/* Programme row ids seen so far, with their index and offer. */
struct seen_programme {
	int64_t id;
	int index;
	bool offer_all;
};

struct facts_reader {
	fg_screening *s;
	struct fg_screen_facts *out;
	struct fg_arena *arena;
	struct seen_programme seen[64];
	int nseen;
	int year_from, year_to;
	struct tally_batch index;	/* tally key -> 1 + index of its fact */
};

/* The programme index and offer of programme row id with code, remembered. */
static fg_rc
seen_programme(struct facts_reader *r, int64_t id, const char *code, const struct seen_programme **out,
	       struct fg_error *err)
{
	int k = 0;
	fg_rc rc;

	while (k < r->nseen && r->seen[k].id != id)
		k++;
	if (k == r->nseen) {
		if (r->nseen == 64)
			return fg_error_set(err, FG_INTERNAL, NULL, "too many programme versions");
		r->seen[k].id = id;
		rc = programme_index(r->s, r->out, id, code, r->arena, &r->seen[k].index, &r->seen[k].offer_all, err);
		if (rc != FG_OK)
			return rc;
		r->nseen++;
	}
	*out = &r->seen[k];
	return FG_OK;
}

/* The fact of tally key k standing for n episodes. */
static void
key_fact(const struct tally_key *k, const struct seen_programme *p, int64_t n, struct fg_screen_fact *f)
{
	memset(f, 0, sizeof(*f));
	f->institution_id = k->institution_id;
	f->programme = p->index;
	f->year = (int16_t)k->year;
	f->sex = k->sex;
	f->age = (uint8_t)k->age;
	f->invited = k->flags & TALLY_INVITED;
	f->assessed = k->flags & TALLY_ASSESSED;
	f->high_risk = k->flags & TALLY_HIGH_RISK;
	f->booked = k->flags & TALLY_BOOKED;
	f->screened = k->flags & TALLY_SCREENED;
	f->positive = k->flags & TALLY_POSITIVE;
	f->recalled = k->flags & TALLY_RECALLED;
	f->referred = k->flags & TALLY_REFERRED;
	f->diagnosis = diagnosis_code(k->diagnosis);
	f->early = k->early == 1;
	f->offered = p->offer_all ? (f->invited || f->assessed || f->screened) : f->high_risk;
	f->days_to_diagnosis = -1;
	f->weight = n;
}

static bool
year_in(const struct facts_reader *r, int year)
{
	return (r->year_from <= 0 || year >= r->year_from) && (r->year_to <= 0 || year <= r->year_to);
}

/* The tally rows: one fact per key, weighted by its count. */
static fg_rc
read_tally(struct facts_reader *r, const char *programme, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(screening_store(r->s), "SELECT t.programme_id, t.institution_id, t.year, t.sex, t.age,"
			      " t.flags, t.diagnosis, t.early, t.n, p.code FROM screening_tally t"
			      " JOIN screening_programme p ON p.id = t.programme_id"
			      " WHERE t.n > 0 AND (?1 IS NULL OR p.code = ?1)", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, programme);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		const struct seen_programme *p;
		struct fg_screen_fact f;
		struct tally_key k = {.programme_id = fg_stmt_int64(st, 0), .institution_id = fg_stmt_int64(st, 1),
				      .year = (int)fg_stmt_int64(st, 2), .age = (int)fg_stmt_int64(st, 4),
				      .flags = (int)fg_stmt_int64(st, 5), .early = (int)fg_stmt_int64(st, 7),
				      .sex = fg_stmt_text(st, 3)[0]};

		if (!year_in(r, k.year))
			continue;
		fg_strlcpy(k.diagnosis, fg_stmt_text(st, 6), sizeof(k.diagnosis));
		if ((rc = seen_programme(r, k.programme_id, fg_stmt_text(st, 9), &p, err)) != FG_OK)
			break;
		key_fact(&k, p, fg_stmt_int64(st, 8), &f);
		if ((rc = fg_screen_facts_add(r->out, &f, err)) != FG_OK ||
		    (rc = screening_tally_note(&r->index, &k, (int64_t)r->out->count, err)) != FG_OK)
			break;
	}
	fg_stmt_reset(st);
	return rc;
}

/* The columns the episodes read one by one select: the key, then the dates and the interval flag. */
#define EPISODE_FACT_SQL \
	"SELECT e.programme_id, e.institution_id, e.started_on, e.tally_sex, e.tally_age, e.tally_flags," \
	" e.tally_diagnosis, e.tally_early, p.code, e.positive_on, e.diagnosed_on," \
	" CASE WHEN e.end_code = 'normal' THEN EXISTS (SELECT 1 FROM tumour t WHERE t.person_id = e.person_id" \
	" AND t.detection = 'interval' AND t.incidence_date > e.closed_on AND t.incidence_date <= e.next_due" \
	" AND substr(t.topography, 1, 3) >= substr(p.site, 1, 3)" \
	" AND substr(t.topography, 1, 3) <= substr(p.site, length(p.site) - 2, 3)) END" \
	" FROM (" TALLY_KEY_SQL ", id, person_id, positive_on, diagnosed_on, end_code, closed_on, next_due" \
	" FROM screening_episode) e JOIN screening_programme p ON p.id = e.programme_id"

/*
 * Take one episode of the statement out of its tally fact into a fact of
 * its own, with its time to diagnosis and interval flag.
 */
static fg_rc
single_fact(struct facts_reader *r, fg_stmt *st, struct fg_error *err)
{
	const struct seen_programme *p;
	struct fg_screen_fact f;
	struct tally_key k;
	fg_date positive = screening_date_at(st, 9), diagnosed = screening_date_at(st, 10);
	int64_t at;
	fg_rc rc;

	screening_tally_key_read(st, 0, &k);
	if (!year_in(r, k.year))
		return FG_OK;
	at = screening_tally_find(&r->index, &k);
	if (at <= 0 || r->out->items[at - 1].weight <= 0) {
		fg_error_set(err, FG_INTERNAL, NULL, "the screening tally is out of step with the episodes");
		fg_error_hint(err, "Recount it with fg_screen_tally_rebuild().");
		return FG_INTERNAL;
	}
	if ((rc = seen_programme(r, k.programme_id, fg_stmt_text(st, 8), &p, err)) != FG_OK)
		return rc;
	r->out->items[at - 1].weight--;
	key_fact(&k, p, 1, &f);
	f.interval_cancer = fg_stmt_int64(st, 11) == 1;
	f.days_to_diagnosis = positive != FG_DATE_NONE && diagnosed != FG_DATE_NONE ? diagnosed - positive : -1;
	return fg_screen_facts_add(r->out, &f, err);
}

static fg_rc
read_singles(struct facts_reader *r, const char *sql, const char *programme, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(screening_store(r->s), sql, &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, programme);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		if ((rc = single_fact(r, st, err)) != FG_OK)
			break;
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_screen_facts_load(fg_screening *s, const char *programme, int year_from, int year_to,
		     struct fg_arena *arena, struct fg_screen_facts *out, struct fg_error *err)
{
	struct facts_reader r = {.s = s, .out = out, .arena = arena, .year_from = year_from, .year_to = year_to};
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = read_tally(&r, programme, err);
	/* the diagnosed positives, for the time to diagnosis */
	if (rc == FG_OK)
		rc = read_singles(&r, EPISODE_FACT_SQL " WHERE e.positive_on IS NOT NULL AND e.diagnosed_on IS NOT NULL"
				  " AND (?1 IS NULL OR p.code = ?1)", programme, err);
	/* the other episodes followed by an interval cancer, found from the tumours */
	if (rc == FG_OK)
		rc = read_singles(&r, EPISODE_FACT_SQL " WHERE e.id IN (SELECT x.id FROM tumour t"
				  " JOIN screening_episode x ON x.person_id = t.person_id WHERE t.detection = 'interval'"
				  " AND x.end_code = 'normal') AND NOT (e.positive_on IS NOT NULL AND e.diagnosed_on IS NOT NULL)"
				  " AND (?1 IS NULL OR p.code = ?1)", programme, err);
	screening_tally_batch_free(&r.index);
	if (rc != FG_OK)
		fg_screen_facts_free(out);
	return rc;
}

/* ---- grouping ---- */

struct group_table {
	uint64_t *keys;		/* 0: empty slot; stored key + 1 */
	int32_t *rows;
	size_t cap;
	struct fg_screen_indicators *out;
	size_t n, outcap;
};

static uint64_t
group_key(const struct fg_screen_fact *f, unsigned by)
{
	uint64_t k = 0;

	k |= by & FG_BY_PROGRAMME ? (uint64_t)(f->programme & 31) : 31;
	k |= (uint64_t)(by & FG_BY_SEX ? (f->sex & 3) : 0) << 5;
	k |= (uint64_t)(by & FG_BY_AGE ? fg_age_group(f->age) & 31 : 31) << 7;
	k |= (uint64_t)(by & FG_BY_YEAR ? (f->year - 1900) & 255 : 255) << 12;
	k |= (uint64_t)(by & FG_BY_INSTITUTION ? f->institution_id & ((1LL << 43) - 1) : 0) << 20;
	return k;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static fg_rc
new_group(struct group_table *g, const struct fg_screen_fact *f, unsigned by, struct fg_error *err)
{
	struct fg_screen_indicators *r;

	if (g->n == g->outcap) {
		size_t cap = g->outcap ? g->outcap * 2 : 256;
		struct fg_screen_indicators *grown = realloc(g->out, cap * sizeof(*grown));

		if (grown == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing indicators");
		g->out = grown;
		g->outcap = cap;
	}
	r = &g->out[g->n++];
	memset(r, 0, sizeof(*r));
	r->programme = by & FG_BY_PROGRAMME ? f->programme : -1;
	r->institution_id = by & FG_BY_INSTITUTION ? f->institution_id : 0;
	r->year = by & FG_BY_YEAR ? f->year : 0;
	r->sex = by & FG_BY_SEX ? f->sex : '\0';
	r->age_group = by & FG_BY_AGE ? fg_age_group(f->age) : -1;
	return FG_OK;
}

static fg_rc
grow_table(struct group_table *g, struct fg_error *err);

/* The row of a fact's group, created on first sight. */
static fg_rc
find_group(struct group_table *g, const struct fg_screen_fact *f, unsigned by, int32_t *row,
	   struct fg_error *err)
{
	uint64_t key = group_key(f, by) + 1;
	size_t i = mix(key) & (g->cap - 1);
	fg_rc rc;

	while (g->keys[i] != 0 && g->keys[i] != key)
		i = (i + 1) & (g->cap - 1);
	if (g->keys[i] == key) {
		*row = g->rows[i];
		return FG_OK;
	}
	if ((rc = new_group(g, f, by, err)) != FG_OK)
		return rc;
	g->keys[i] = key;
	g->rows[i] = *row = (int32_t)(g->n - 1);
	return g->n * 2 > g->cap ? grow_table(g, err) : FG_OK;
}

static fg_rc
grow_table(struct group_table *g, struct fg_error *err)
{
	size_t cap = g->cap * 2;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	int32_t *rows = calloc(cap, sizeof(*rows));

	if (keys == NULL || rows == NULL) {
		free(keys);
		free(rows);
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing indicators");
	}
	for (size_t i = 0; i < g->cap; i++) {
		size_t j;

		if (g->keys[i] == 0)
			continue;
		for (j = mix(g->keys[i]) & (cap - 1); keys[j] != 0; j = (j + 1) & (cap - 1))
			;
		keys[j] = g->keys[i];
		rows[j] = g->rows[i];
	}
	free(g->keys);
	free(g->rows);
	g->keys = keys;
	g->rows = rows;
	g->cap = cap;
	return FG_OK;
}

/* ---- counting ---- */

struct delay {
	int32_t row, days;
};

static void
count_fact(struct fg_screen_indicators *r, const struct fg_screen_fact *f, bool precursors)
{
	int64_t w = f->weight;
	bool cancer = f->screened && f->diagnosis == FG_DX_CANCER;
	bool precursor = f->screened && f->diagnosis == FG_DX_PRECURSOR;

	r->eligible += w;
	r->invited += w * (f->invited);
	r->assessed += w * (f->assessed);
	r->high_risk += w * (f->high_risk);
	r->offered += w * (f->offered);
	r->screened += w * (f->screened);
	r->positive += w * (f->positive);
	r->recalled += w * (f->recalled);
	r->referred += w * (f->referred);
	r->referred_diagnosed += w * (f->referred && f->diagnosis != FG_DX_NONE);
	r->booked += w * (f->booked);
	r->cancers += w * (cancer);
	r->precursors += w * (precursor);
	r->detected += w * (cancer || (precursors && precursor));
	r->early += w * (f->early && (cancer || (precursors && precursor)));
	r->positive_cancers += w * (f->positive && cancer);
	r->negative_screens += w * (f->screened && !f->positive);
	r->interval_cancers += w * (f->screened && !f->positive && f->interval_cancer);
}

static double
ratio(int64_t num, int64_t den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

static void
finish_rates(struct fg_screen_indicators *r)
{
	r->questionnaire_rate = ratio(r->assessed, r->invited);
	r->high_risk_rate = ratio(r->high_risk, r->assessed);
	r->uptake = ratio(r->screened, r->offered);
	r->diagnostic_compliance = ratio(r->referred_diagnosed, r->referred);
	r->positivity = ratio(r->positive, r->screened);
	r->recall_rate = ratio(r->recalled, r->screened);
	r->detection_per_1000 = r->screened > 0 ? 1000.0 * (double)r->cancers / (double)r->screened : NAN;
	r->ppv = ratio(r->positive_cancers, r->positive);
	r->early_rate = ratio(r->early, r->detected);
	r->interval_per_1000 = r->negative_screens > 0
		? 1000.0 * (double)r->interval_cancers / (double)r->negative_screens : NAN;
	r->days_median = r->days_p90 = NAN;
}

static int
cmp_delay(const void *a, const void *b)
{
	const struct delay *x = a, *y = b;

	if (x->row != y->row)
		return (x->row > y->row) - (x->row < y->row);
	return (x->days > y->days) - (x->days < y->days);
}

/* Quantile p of sorted v[0..n), R's type 7 (linear interpolation). */
static double
quantile7(const struct delay *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return v[n - 1].days;
	return v[lo].days + (h - (double)lo) * (v[lo + 1].days - v[lo].days);
}

static void
set_quantiles(struct group_table *g, struct delay *d, size_t nd)
{
	if (nd == 0)		/* no positive with a diagnosis: d may be NULL */
		return;
	qsort(d, nd, sizeof(*d), cmp_delay);
	for (size_t i = 0; i < nd;) {
		size_t j = i;

		while (j < nd && d[j].row == d[i].row)
			j++;
		g->out[d[i].row].days_median = quantile7(d + i, j - i, 0.5);
		g->out[d[i].row].days_p90 = quantile7(d + i, j - i, 0.9);
		i = j;
	}
}

static int
cmp_rows(const void *a, const void *b)
{
	const struct fg_screen_indicators *x = a, *y = b;

	if (x->programme != y->programme)
		return x->programme - y->programme;
	if (x->institution_id != y->institution_id)
		return (x->institution_id > y->institution_id) - (x->institution_id < y->institution_id);
	if (x->year != y->year)
		return x->year - y->year;
	if (x->sex != y->sex)
		return x->sex - y->sex;
	return x->age_group - y->age_group;
}

static fg_rc
count_all(const struct fg_screen_facts *facts, unsigned by, struct group_table *g,
	  struct delay **delays, size_t *nd, struct fg_error *err)
{
	size_t dcap = 0;
	fg_rc rc = FG_OK;

	for (size_t i = 0; i < facts->count && rc == FG_OK; i++) {
		const struct fg_screen_fact *f = &facts->items[i];
		int32_t row;

		rc = find_group(g, f, by, &row, err);
		if (rc != FG_OK)
			break;
		count_fact(&g->out[row], f, f->programme >= 0 && (size_t)f->programme < facts->nprogrammes &&
			   facts->precursors_count[f->programme]);
		if (f->days_to_diagnosis < 0 || !f->positive)
			continue;
		if (*nd == dcap) {
			struct delay *grown = realloc(*delays, (dcap ? dcap * 2 : 1024) * sizeof(**delays));

			if (grown == NULL)
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing indicators");
			*delays = grown;
			dcap = dcap ? dcap * 2 : 1024;
		}
		(*delays)[(*nd)++] = (struct delay){row, f->days_to_diagnosis};
	}
	return rc;
}

fg_rc
fg_screen_indicators_compute(const struct fg_screen_facts *facts, unsigned by,
			     struct fg_arena *arena, struct fg_screen_indicators **rows,
			     size_t *count, struct fg_error *err)
{
	struct group_table g = {.cap = 1024};
	struct delay *delays = NULL;
	size_t nd = 0;
	fg_rc rc = FG_OK;

	g.keys = calloc(g.cap, sizeof(*g.keys));
	g.rows = calloc(g.cap, sizeof(*g.rows));
	if (g.keys == NULL || g.rows == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing indicators");
		goto out;
	}
	rc = count_all(facts, by, &g, &delays, &nd, err);
	if (rc != FG_OK)
		goto out;
	for (size_t i = 0; i < g.n; i++)
		finish_rates(&g.out[i]);
	set_quantiles(&g, delays, nd);
	if (g.n > 0)		/* g.out is NULL without groups */
		qsort(g.out, g.n, sizeof(*g.out), cmp_rows);
	*count = g.n;
	*rows = fg_arena_alloc(arena, (g.n ? g.n : 1) * sizeof(**rows));
	if (*rows == NULL)
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing indicators");
	else if (g.n)
		memcpy(*rows, g.out, g.n * sizeof(**rows));
out:
	free(g.keys);
	free(g.rows);
	free(g.out);
	free(delays);
	return rc;
}
