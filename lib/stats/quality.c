/*
 * quality.c
 *	  Data-quality indicators of the registry (MV%, DCO%, M:I, unknown
 *	  basis, unknown site, unspecified morphology) by site, sex, district
 *	  and year, from tumour and death CSV files.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/date.h"
#include "fangai/quality.h"
#include "fangai/util.h"
#include "stats_int.h"

/* Counters of a stratum, in the cells' value slots. */
enum { Q_CASES, Q_MV, Q_DCO, Q_UNKNOWN_BASIS, Q_UNKNOWN_SITE, Q_MORPH_NOS, Q_DEATHS };

struct fg_quality {
	bool by[FG_NDIMS];
	const struct fg_site_groups *sites;
	const struct fg_quality_codes *codes;
	fg_incidence *values;		/* interns the dimension values */
	struct stats_cellmap cells;
	bool missing[FG_NDIMS];		/* a file lacked a column of the breakdown */
};

bool
fg_code_set_has(const struct fg_code_set *set, int value)
{
	for (size_t i = 0; i < set->count; i++)
		if (value >= set->lo[i] && value <= set->hi[i])
			return true;
	return false;
}

/* One code of a set: an ICD-10 code (as its slot) or a number. */
static bool
parse_code(const char *text, bool icd10, int *out)
{
	int64_t v;

	if (icd10) {
		*out = fg_icd10_slot(text);
		return *out >= 0;
	}
	if (fg_parse_int64(text, "code", 0, 99999, &v, NULL) != FG_OK)
		return false;
	*out = (int)v;
	return true;
}

static fg_rc
parse_set(const char *spec, bool icd10, struct fg_code_set *set, const char *path, long line,
	  struct fg_error *err)
{
	char buf[256], *save = NULL;

	set->count = 0;
	fg_strlcpy(buf, spec, sizeof(buf));
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *dash = strchr(tok, '-');
		int lo, hi;

		if (dash)
			*dash = '\0';
		if (set->count == FG_QUALITY_RANGES || !parse_code(tok, icd10, &lo) ||
		    !parse_code(dash ? dash + 1 : tok, icd10, &hi) || hi < lo) {
			fg_error_set(err, FG_INVALID, "codes", "invalid code \"%s\" at line %ld of \"%s\"",
				     tok, line, path);
			return FG_INVALID;
		}
		set->lo[set->count] = lo;
		set->hi[set->count++] = hi;
	}
	return FG_OK;
}

/* The code set an indicator's row fills (its index in *index), or NULL for an unknown indicator. */
static struct fg_code_set *
indicator_set(struct fg_quality_codes *c, const char *name, const char **field, int *index)
{
	static const struct {
		const char *name, *field;
		size_t offset;
	} table[] = {
		{"mv", "basis", offsetof(struct fg_quality_codes, mv)},
		{"dco", "basis", offsetof(struct fg_quality_codes, dco)},
		{"unknown_basis", "basis", offsetof(struct fg_quality_codes, unknown_basis)},
		{"unknown_site", "icd10", offsetof(struct fg_quality_codes, unknown_site)},
		{"morph_nos", "morphology", offsetof(struct fg_quality_codes, morph_nos)},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0) {
			*field = table[i].field;
			*index = (int)i;
			return (struct fg_code_set *)((char *)c + table[i].offset);
		}
	return NULL;
}

fg_rc
fg_quality_codes_load(const char *path, struct fg_quality_codes *out, struct fg_error *err)
{
	static const char *const names[] = {"indicator", "field", "codes"};
	unsigned seen = 0;
	char def[4096];
	struct stats_file f;
	int col[3];
	bool row = true;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (path == NULL) {
		snprintf(def, sizeof(def), "%s/registry/quality-codes.csv", fg_datadir());
		path = def;
	}
	rc = stats_file_open(&f, path, err);
	for (int i = 0; rc == FG_OK && i < 3; i++) {
		const char *list[] = {names[i], NULL};

		rc = stats_column_required(&f, list, &col[i], err);
	}
	while (rc == FG_OK && (rc = fg_csv_read(f.csv, &row, err)) == FG_OK && row) {
		const char *field = NULL;
		int index = 0;
		struct fg_code_set *set = indicator_set(out, stats_text(&f, col[0]), &field, &index);

		if (set == NULL || strcmp(field, stats_text(&f, col[1])) != 0)
			rc = stats_field_error(&f, set == NULL ? "indicator" : "field",
					       stats_text(&f, set == NULL ? col[0] : col[1]), err);
		else {
			seen |= 1u << index;
			rc = parse_set(stats_text(&f, col[2]), strcmp(field, "icd10") == 0, set, path,
				       fg_csv_line(f.csv), err);
		}
	}
	if (rc == FG_OK && seen != 31)
		rc = fg_error_set(err, FG_INVALID, "indicator",
				  "file \"%s\" does not give the codes of every indicator", path);
	fg_csv_close(f.csv);
	return rc;
}

fg_rc
fg_quality_new(const bool by[FG_NDIMS], const struct fg_site_groups *sites,
	       const struct fg_quality_codes *codes, fg_quality **out, struct fg_error *err)
{
	fg_quality *q = calloc(1, sizeof(*q));
	fg_rc rc;

	*out = NULL;
	if (q == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	memcpy(q->by, by, sizeof(q->by));
	q->sites = sites;
	q->codes = codes;
	rc = fg_incidence_new(&q->values, err);
	for (size_t i = 0; rc == FG_OK && by[FG_DIM_SITE] && i < sites->count; i++) {
		int id;

		rc = fg_incidence_value(q->values, FG_DIM_SITE, sites->groups[i].code, &id, err);
	}
	if (rc != FG_OK) {
		fg_quality_free(q);
		return rc;
	}
	*out = q;
	return FG_OK;
}

void
fg_quality_free(fg_quality *q)
{
	if (q == NULL)
		return;
	fg_incidence_free(q->values);
	stats_cellmap_free(&q->cells);
	free(q);
}

const char *
fg_quality_value_text(const fg_quality *q, enum fg_dim dim, int id)
{
	return fg_incidence_value_text(q->values, dim, id);
}

/* Add v[] to the stratum of key under each site of mask (or once, without a site breakdown). */
static fg_rc
add_counts(fg_quality *q, int key[FG_NDIMS], uint64_t mask, const double v[Q_DEATHS + 1],
	   struct fg_error *err)
{
	for (int d = FG_DIM_SEX; d < FG_NDIMS; d++)
		if (!q->by[d])
			key[d] = -1;
	key[FG_DIM_SITE] = -1;
	if (!q->by[FG_DIM_SITE])
		mask = 1;
	for (int s = 0; mask; s++, mask >>= 1) {
		struct stats_cell *c;

		if (!(mask & 1))
			continue;
		if (q->by[FG_DIM_SITE])
			key[FG_DIM_SITE] = s;
		c = stats_cellmap_get(&q->cells, stats_key_pack(key), true);
		if (c == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		for (int i = 0; i <= Q_DEATHS; i++)
			c->v[i] += v[i];
	}
	return FG_OK;
}

/* Note the dimensions of the breakdown that a file does not give. */
static void
note_missing(fg_quality *q, const struct stats_key_columns *kc)
{
	if (kc->district < 0)
		q->missing[FG_DIM_DISTRICT] = true;
	if (kc->year < 0 && kc->date < 0)
		q->missing[FG_DIM_YEAR] = true;
}

/* Morphology as its first four digits ("8140", "8140/3", "81403"), or -1. */
static int
morphology_code(const char *text)
{
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)text[i]))
			return -1;
	if (text[4] != '\0' && text[4] != '/' && !isdigit((unsigned char)text[4]))
		return -1;
	return (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
}

/* The indicators a tumour counts in (v[Q_CASES] .. v[Q_MORPH_NOS]); deaths 0. */
static void
tumour_counts(const struct fg_quality_codes *codes, int slot, int basis, int morph,
	      double v[Q_DEATHS + 1])
{
	v[Q_CASES] = 1;
	v[Q_MV] = fg_code_set_has(&codes->mv, basis);
	v[Q_DCO] = fg_code_set_has(&codes->dco, basis);
	v[Q_UNKNOWN_BASIS] = fg_code_set_has(&codes->unknown_basis, basis);
	v[Q_UNKNOWN_SITE] = fg_code_set_has(&codes->unknown_site, slot);
	v[Q_MORPH_NOS] = v[Q_MV] && fg_code_set_has(&codes->morph_nos, morph);
	v[Q_DEATHS] = 0;
}

struct tumour_columns {
	struct stats_key_columns key;
	int icd10, basis, morphology;
};

static fg_rc
tumour_row(fg_quality *q, const struct stats_file *f, const struct tumour_columns *c,
	   struct fg_error *err)
{
	double v[Q_DEATHS + 1];
	int key[FG_NDIMS], group, morph;
	int64_t basis;
	uint64_t mask;
	fg_rc rc = stats_read_key(f, &c->key, q->values, key, err);

	if (rc != FG_OK)
		return rc;
	rc = fg_site_group_classify(q->sites, stats_text(f, c->icd10), "icd10", &group, &mask, err);
	if (rc != FG_OK)
		return stats_locate(f, rc, err);
	if (fg_parse_int64(stats_text(f, c->basis), "basis", 0, 9, &basis, NULL) != FG_OK) {
		stats_field_error(f, "basis", stats_text(f, c->basis), err);
		fg_error_hint(err, "The basis of diagnosis is a code from 0 (death certificate only) to 9 (unknown).");
		return FG_INVALID;
	}
	morph = morphology_code(stats_text(f, c->morphology));
	if (morph < 0) {
		stats_field_error(f, "morphology", stats_text(f, c->morphology), err);
		fg_error_hint(err, "Give the ICD-O-3 morphology as four digits, e.g. 8140 or 8140/3.");
		return FG_INVALID;
	}
	tumour_counts(q->codes, fg_icd10_slot(stats_text(f, c->icd10)), (int)basis, morph, v);
	return add_counts(q, key, mask, v, err);
}

fg_rc
fg_quality_read_tumours(fg_quality *q, const char *path, struct fg_error *err)
{
	static const char *const icd10[] = {"icd10", "ICD10", NULL}, *const basis[] = {"basis", NULL},
			  *const morph[] = {"morphology", "morph", NULL};
	struct tumour_columns c;
	struct stats_file f;
	bool row = true;
	fg_rc rc = stats_file_open(&f, path, err);

	if (rc == FG_OK)
		rc = stats_key_columns(&f, &c.key, err);
	c.key.any_sex = true;
	if (rc == FG_OK)
		rc = stats_column_required(&f, icd10, &c.icd10, err);
	if (rc == FG_OK)
		rc = stats_column_required(&f, basis, &c.basis, err);
	if (rc == FG_OK)
		rc = stats_column_required(&f, morph, &c.morphology, err);
	if (rc == FG_OK)
		note_missing(q, &c.key);
	while (rc == FG_OK && (rc = fg_csv_read(f.csv, &row, err)) == FG_OK && row)
		rc = tumour_row(q, &f, &c, err);
	fg_csv_close(f.csv);
	return rc;
}

/*
 * The slot of a death's underlying cause, or -1 for a death that is not
 * from a registered cancer (another chapter of ICD-10, or outside the
 * registry's scope).  FG_INVALID for text that is not an ICD-10 code.
 */
static fg_rc
death_slot(const fg_quality *q, const char *code, int *slot)
{
	*slot = fg_icd10_slot(code);
	if (*slot >= 0) {
		if (q->sites->detail[*slot] < 0)
			*slot = -1;
		return FG_OK;
	}
	if (isalpha((unsigned char)code[0]) && isdigit((unsigned char)code[1]) &&
	    isdigit((unsigned char)code[2]))
		return FG_OK;
	return FG_INVALID;
}

static fg_rc
death_row(fg_quality *q, const struct stats_file *f, const struct stats_key_columns *kc,
	  int col_icd10, int col_count, struct fg_error *err)
{
	const char *code = stats_text(f, col_icd10);
	double v[Q_DEATHS + 1] = {0};
	int key[FG_NDIMS], slot;
	fg_rc rc = death_slot(q, code, &slot);

	if (rc != FG_OK) {
		stats_field_error(f, "icd10", code, err);
		fg_error_hint(err, "Give a code such as C16, C16.2 or C162.");
		return FG_INVALID;
	}
	if (slot < 0)
		return FG_OK;
	rc = stats_read_key(f, kc, q->values, key, err);
	v[Q_DEATHS] = 1;
	if (rc == FG_OK && col_count >= 0)
		rc = stats_read_count(f, col_count, "count", &v[Q_DEATHS], err);
	if (rc == FG_OK)
		rc = add_counts(q, key, q->sites->members[slot], v, err);
	return rc;
}

fg_rc
fg_quality_read_deaths(fg_quality *q, const char *path, struct fg_error *err)
{
	static const char *const icd10[] = {"icd10", "cause_icd10", "ICD10", NULL},
			  *const count[] = {"count", "deaths", NULL};
	struct stats_key_columns kc;
	struct stats_file f;
	int ci, cc;
	bool row = true;
	fg_rc rc = stats_file_open(&f, path, err);

	if (rc == FG_OK)
		rc = stats_key_columns(&f, &kc, err);
	kc.any_sex = true;
	if (rc == FG_OK && kc.date < 0)
		kc.date = fg_csv_column(f.csv, "death_date");
	if (rc == FG_OK)
		rc = stats_column_required(&f, icd10, &ci, err);
	cc = rc == FG_OK ? stats_column(&f, count) : -1;
	if (rc == FG_OK)
		note_missing(q, &kc);
	while (rc == FG_OK && (rc = fg_csv_read(f.csv, &row, err)) == FG_OK && row)
		rc = death_row(q, &f, &kc, ci, cc, err);
	fg_csv_close(f.csv);
	return rc;
}

static int
compare_rows(const void *pa, const void *pb, void *ctx)
{
	const struct fg_quality_row *a = pa, *b = pb;

	return fg_incidence_key_compare(ctx, a->key, b->key);
}

fg_rc
fg_quality_rows(const fg_quality *q, struct fg_arena *arena, struct fg_quality_row **rows,
		size_t *nrows, struct fg_error *err)
{
	*rows = NULL;
	*nrows = 0;
	for (int d = FG_DIM_DISTRICT; d < FG_NDIMS; d++)
		if (q->by[d] && q->missing[d]) {
			fg_error_set(err, FG_INVALID, "by", "a file has no column %s for the breakdown",
				     fg_dim_name(d));
			fg_error_hint(err, "Give the tumours and deaths a column %s, or leave %s out of the breakdown.",
				      fg_dim_name(d), fg_dim_name(d));
			return FG_INVALID;
		}
	*rows = fg_arena_alloc(arena, (q->cells.n ? q->cells.n : 1) * sizeof(**rows));
	if (*rows == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < q->cells.n; i++) {
		struct fg_quality_row *r = &(*rows)[i];
		const double *v = q->cells.cells[i].v;

		stats_key_unpack(q->cells.cells[i].key, r->key);
		r->cases = v[Q_CASES];
		r->mv = v[Q_MV];
		r->dco = v[Q_DCO];
		r->unknown_basis = v[Q_UNKNOWN_BASIS];
		r->unknown_site = v[Q_UNKNOWN_SITE];
		r->morph_nos = v[Q_MORPH_NOS];
		r->deaths = v[Q_DEATHS];
	}
	*nrows = q->cells.n;
	qsort_r(*rows, *nrows, sizeof(**rows), compare_rows, q->values);
	return FG_OK;
}

/* Intern the sex, district and year of a database row into key. */
static fg_rc
store_key(fg_quality *q, const char *sex, const char *district, const char *date,
	  int key[FG_NDIMS], struct fg_error *err)
{
	char year[8];
	fg_date day;
	int y, m, d;
	fg_rc rc = fg_date_parse(date, "date", &day, err);

	key[FG_DIM_SITE] = -1;
	if (rc != FG_OK)
		return rc;
	fg_date_to_ymd(day, &y, &m, &d);
	snprintf(year, sizeof(year), "%d", y);
	rc = fg_incidence_value(q->values, FG_DIM_SEX, sex ? sex : "9", &key[FG_DIM_SEX], err);
	if (rc == FG_OK)
		rc = fg_incidence_value(q->values, FG_DIM_DISTRICT, district, &key[FG_DIM_DISTRICT], err);
	if (rc == FG_OK)
		rc = fg_incidence_value(q->values, FG_DIM_YEAR, year, &key[FG_DIM_YEAR], err);
	return rc;
}

static fg_rc
store_tumour(fg_quality *q, fg_stmt *st, struct fg_error *err)
{
	const char *icd10 = fg_stmt_text(st, 3), *basis = fg_stmt_text(st, 4);
	double v[Q_DEATHS + 1];
	int key[FG_NDIMS], slot, morph;
	fg_rc rc;

	if (icd10 == NULL)
		return fg_error_set(err, FG_INVALID, "icd10", "has no ICD-10 code");
	slot = fg_icd10_slot(icd10);
	if (slot < 0 || q->sites->detail[slot] < 0)
		return FG_OK;	/* in situ, benign or not a cancer: not a case */
	morph = morphology_code(fg_stmt_text(st, 5) ? fg_stmt_text(st, 5) : "");
	if (basis == NULL || !isdigit((unsigned char)basis[0]) || basis[1] != '\0')
		return fg_error_set(err, FG_INVALID, "basis", "invalid basis \"%s\"", basis ? basis : "");
	if (morph < 0)
		return fg_error_set(err, FG_INVALID, "morphology", "invalid morphology \"%s\"",
				    fg_stmt_text(st, 5) ? fg_stmt_text(st, 5) : "");
	tumour_counts(q->codes, slot, basis[0] - '0', morph, v);
	rc = store_key(q, fg_stmt_text(st, 6), fg_stmt_text(st, 1), fg_stmt_text(st, 2), key, err);
	return rc == FG_OK ? add_counts(q, key, q->sites->members[slot], v, err) : rc;
}

static fg_rc
store_death(fg_quality *q, fg_stmt *st, struct fg_error *err)
{
	double v[Q_DEATHS + 1] = {0};
	int key[FG_NDIMS], slot;
	const char *cause = fg_stmt_text(st, 3) ? fg_stmt_text(st, 3) : "";
	fg_rc rc;

	if (death_slot(q, cause, &slot) != FG_OK)
		return fg_error_set(err, FG_INVALID, "cause_icd10", "invalid ICD-10 code \"%s\"", cause);
	if (slot < 0)
		return FG_OK;
	v[Q_DEATHS] = 1;
	rc = store_key(q, fg_stmt_text(st, 4), fg_stmt_text(st, 1), fg_stmt_text(st, 2), key, err);
	return rc == FG_OK ? add_counts(q, key, q->sites->members[slot], v, err) : rc;
}

/* Run sql (id first) and pass each row to fn; an error names the table and the row's id. */
static fg_rc
store_rows(fg_quality *q, fg_store *store, const char *sql, const char *what,
	   fg_rc (*fn)(fg_quality *, fg_stmt *, struct fg_error *), struct fg_error *err)
{
	char msg[FG_ERROR_MESSAGE_MAX + 64];
	fg_stmt *st = NULL;
	bool row = true;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		rc = fn(q, st, err);
		if (rc != FG_OK && err != NULL) {
			snprintf(msg, sizeof(msg), "%s %lld: %s", what, (long long)fg_stmt_int64(st, 0),
				 err->message);
			fg_strlcpy(err->message, msg, sizeof(err->message));
		}
	}
	if (st != NULL)
		fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_quality_read_store(fg_quality *q, fg_store *store, struct fg_error *err)
{
	fg_rc rc = store_rows(q, store,
			      "SELECT t.id, t.district, t.incidence_date, t.icd10, t.basis, t.morphology, "
			      "p.sex FROM tumour t JOIN person p ON p.id = t.person_id ORDER BY t.id",
			      "tumour", store_tumour, err);

	if (rc == FG_OK)
		rc = store_rows(q, store,
				"SELECT id, district, death_date, cause_icd10, sex FROM death_record ORDER BY id",
				"death record", store_death, err);
	return rc;
}
