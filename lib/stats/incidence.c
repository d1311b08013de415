/*
 * incidence.c
 *	  The incidence table: interned dimension values, hashed cells of
 *	  counts by age group, and the collapse to a breakdown.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/incidence.h"
#include "fangai/util.h"
#include "stats_int.h"

#define VALUE_MAX 64
#define MAX_IDS 65534		/* ids are packed in 16 bits, plus one */

struct dict {
	char (*text)[VALUE_MAX];
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
};

/*
 * The bulk path (fg_incidence_add_case_sites) finds the stratum of a sex,
 * district and year with one look-up in a map of its own, whose cell i
 * has the case cells of its sites in site_cells[i] (index + 1, 0 if none
 * yet; sites past FG_SITE_GROUPS_MAX go through the case map) and marks
 * in `given` that its population was found.
 */
typedef uint32_t site_cells_t[FG_SITE_GROUPS_MAX];

struct fg_incidence {
	struct dict dims[FG_NDIMS];
	struct stats_cellmap cases, pop;
	bool have_pop;
	bool pop_given[FG_NDIMS];	/* the population is broken down by it */
	bool case_missing[FG_NDIMS];	/* some case is not broken down by it */
	uint64_t last_pop;		/* the last population key a case was checked against */
	bool last_pop_valid;
	struct stats_cellmap strata;	/* the strata of the bulk path */
	site_cells_t *site_cells;	/* by stratum: case cells by site */
	size_t site_cells_cap;
};

static uint64_t
dict_hash(const void *ctx, size_t i)
{
	return stats_hash_text(((const struct dict *)ctx)->text[i]);
}

static const char *const dim_names[FG_NDIMS] = {"site", "sex", "district", "year"};

const char *
fg_dim_name(enum fg_dim dim)
{
	return dim < FG_NDIMS ? dim_names[dim] : "?";
}

fg_rc
fg_dims_parse(const char *list, bool by[FG_NDIMS], struct fg_error *err)
{
	char buf[256], *save = NULL;

	memset(by, 0, FG_NDIMS * sizeof(bool));
	if (list == NULL || *list == '\0')
		return FG_OK;
	if (!fg_strlcpy(buf, list, sizeof(buf)))
		return fg_error_set(err, FG_INVALID, "by", "breakdown \"%s\" is too long", list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int d = 0;

		while (d < FG_NDIMS && strcmp(w, dim_names[d]) != 0)
			d++;
		if (d == FG_NDIMS) {
			fg_error_set(err, FG_INVALID, "by", "invalid breakdown \"%s\"", w);
			fg_error_hint(err, "Break down by site, sex, district and year, separated by commas.");
			return FG_INVALID;
		}
		by[d] = true;
	}
	return FG_OK;
}

fg_rc
fg_incidence_new(fg_incidence **out, struct fg_error *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? FG_OK : fg_error_set(err, FG_NOMEM, NULL, "out of memory");
}

void
fg_incidence_free(fg_incidence *inc)
{
	if (inc == NULL)
		return;
	for (int d = 0; d < FG_NDIMS; d++) {
		free(inc->dims[d].text);
		free(inc->dims[d].slots);
	}
	stats_cellmap_free(&inc->cases);
	stats_cellmap_free(&inc->pop);
	stats_cellmap_free(&inc->strata);
	free(inc->site_cells);
	free(inc);
}

fg_rc
fg_incidence_value(fg_incidence *inc, enum fg_dim dim, const char *text, int *id,
		   struct fg_error *err)
{
	struct dict *dt = &inc->dims[dim];
	size_t j, len = strlen(text);

	if (len == 0 || len >= VALUE_MAX)
		return fg_error_set(err, FG_INVALID, fg_dim_name(dim), "invalid %s \"%s\"",
				    fg_dim_name(dim), text);
	if (dt->nslots) {
		for (j = stats_hash_text(text) & (dt->nslots - 1); dt->slots[j]; j = (j + 1) & (dt->nslots - 1))
			if (strcmp(dt->text[dt->slots[j] - 1], text) == 0) {
				*id = (int)dt->slots[j] - 1;
				return FG_OK;
			}
	}
	if (dt->n == MAX_IDS)
		return fg_error_set(err, FG_INVALID, fg_dim_name(dim), "more than %d values of %s",
				    MAX_IDS, fg_dim_name(dim));
	if (dt->n == dt->cap) {
		size_t cap = dt->cap ? dt->cap * 2 : 16;
		char(*t)[VALUE_MAX] = realloc(dt->text, cap * sizeof(*t));

		if (t == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		dt->text = t;
		dt->cap = cap;
	}
	if (2 * (dt->n + 1) > dt->nslots && !stats_rehash(&dt->slots, &dt->nslots, dt->n, dict_hash, dt))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	memcpy(dt->text[dt->n], text, len + 1);
	for (j = stats_hash_text(text) & (dt->nslots - 1); dt->slots[j]; j = (j + 1) & (dt->nslots - 1))
		;
	dt->slots[j] = (uint32_t)(dt->n + 1);
	*id = (int)dt->n++;
	return FG_OK;
}

size_t
fg_incidence_nvalues(const fg_incidence *inc, enum fg_dim dim)
{
	return dim < FG_NDIMS ? inc->dims[dim].n : 0;
}

const char *
fg_incidence_value_text(const fg_incidence *inc, enum fg_dim dim, int id)
{
	if (id < 0 || (size_t)id >= inc->dims[dim].n)
		return "";
	return inc->dims[dim].text[id];
}

const char *
fg_incidence_describe(const fg_incidence *inc, const int key[FG_NDIMS], char *buf, size_t bufsz)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int d = 0; d < FG_NDIMS && len < bufsz; d++)
		if (key[d] >= 0)
			len += (size_t)snprintf(buf + len, bufsz - len, "%s%s \"%s\"", len ? ", " : "",
						fg_dim_name(d), fg_incidence_value_text(inc, d, key[d]));
	if (len == 0)
		fg_strlcpy(buf, "the whole population", bufsz);
	return buf;
}

static fg_rc
check_group(int g, double n, struct fg_error *err)
{
	if (g < 0 || g >= FG_AGE_GROUPS)
		return fg_error_set(err, FG_MISUSE, "age_group", "invalid age group index %d", g);
	if (!(n >= 0) || n > 1e15)
		return fg_error_set(err, FG_INVALID, "count", "invalid count %g", n);
	return FG_OK;
}

fg_rc
fg_incidence_add_population(fg_incidence *inc, const int key[FG_NDIMS], int g, double n,
			    struct fg_error *err)
{
	int k[FG_NDIMS] = {-1, key[1], key[2], key[3]};
	struct stats_cell *c;
	fg_rc rc = check_group(g, n, err);

	if (rc != FG_OK)
		return rc;
	for (int d = FG_DIM_SEX; d < FG_NDIMS; d++) {
		if (!inc->have_pop)
			inc->pop_given[d] = k[d] >= 0;
		else if (inc->pop_given[d] != (k[d] >= 0))
			return fg_error_set(err, FG_INVALID, fg_dim_name(d),
					    "population %s by %s in some rows only",
					    inc->pop_given[d] ? "broken down" : "not broken down",
					    fg_dim_name(d));
	}
	inc->have_pop = true;
	c = stats_cellmap_get(&inc->pop, stats_key_pack(k), true);
	if (c == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (c->given & (UINT32_C(1) << g)) {
		fg_error_set(err, FG_CONFLICT, "age_group", "population of age group %s given twice",
			     fg_age_group_label(g));
		return FG_CONFLICT;
	}
	c->given |= UINT32_C(1) << g;
	c->v[g] = n;
	return FG_OK;
}

/* FG_OK if key's sex, district and year have a population; remembers the last one found. */
static fg_rc
check_population(fg_incidence *inc, const int key[FG_NDIMS], struct fg_error *err)
{
	int k[FG_NDIMS] = {-1, -1, -1, -1};
	uint64_t packed;

	if (!inc->have_pop)
		return fg_error_set(err, FG_NOTFOUND, "population", "no population to count cases against");
	for (int d = FG_DIM_SEX; d < FG_NDIMS; d++)
		if (inc->pop_given[d]) {
			if (key[d] < 0)
				return fg_error_set(err, FG_INVALID, fg_dim_name(d),
						    "case has no %s, but the population is by %s",
						    fg_dim_name(d), fg_dim_name(d));
			k[d] = key[d];
		}
	packed = stats_key_pack(k);
	if (inc->last_pop_valid && packed == inc->last_pop)
		return FG_OK;
	if (stats_cellmap_get(&inc->pop, packed, false) == NULL) {
		char what[256];

		fg_error_set(err, FG_NOTFOUND, "population", "no population for %s",
			     fg_incidence_describe(inc, k, what, sizeof(what)));
		fg_error_detail(err, "Every case needs the population of its sex, and of its district and year where the population gives them.");
		return FG_NOTFOUND;
	}
	inc->last_pop = packed;
	inc->last_pop_valid = true;
	return FG_OK;
}

static fg_rc
add_to_cell(fg_incidence *inc, const int key[FG_NDIMS], int g, double n, struct fg_error *err)
{
	struct stats_cell *c = stats_cellmap_get(&inc->cases, stats_key_pack(key), true);

	if (c == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	c->v[g] += n;
	return FG_OK;
}

fg_rc
fg_incidence_add_cases(fg_incidence *inc, const int key[FG_NDIMS], int g, double n,
		       struct fg_error *err)
{
	fg_rc rc = check_group(g, n, err);

	if (rc == FG_OK)
		rc = check_population(inc, key, err);
	if (rc != FG_OK)
		return rc;
	for (int d = 0; d < FG_NDIMS; d++)
		if (key[d] < 0)
			inc->case_missing[d] = true;
	return add_to_cell(inc, key, g, n, err);
}

/* The stratum of a packed key (site -1), created if absent, and its index; NULL when out of memory. */
static struct stats_cell *
stratum_get(fg_incidence *inc, uint64_t key, size_t *index)
{
	struct stats_cell *st = stats_cellmap_get(&inc->strata, key, true);

	if (st == NULL)
		return NULL;
	*index = (size_t)(st - inc->strata.cells);
	if (inc->site_cells_cap < inc->strata.cap) {
		site_cells_t *sc = realloc(inc->site_cells, inc->strata.cap * sizeof(*sc));

		if (sc == NULL)
			return NULL;
		memset(sc + inc->site_cells_cap, 0,
		       (inc->strata.cap - inc->site_cells_cap) * sizeof(*sc));
		inc->site_cells = sc;
		inc->site_cells_cap = inc->strata.cap;
	}
	return st;
}

/* Add n cases in age group g to site `site` of a stratum. */
static fg_rc
add_to_stratum(fg_incidence *inc, size_t stratum, int k[FG_NDIMS], int site, int g,
	       double n, struct fg_error *err)
{
	uint32_t *cells = inc->site_cells[stratum];
	struct stats_cell *c;

	if (site < FG_SITE_GROUPS_MAX && cells[site]) {
		inc->cases.cells[cells[site] - 1].v[g] += n;
		return FG_OK;
	}
	k[FG_DIM_SITE] = site;
	c = stats_cellmap_get(&inc->cases, stats_key_pack(k), true);
	if (c == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	c->v[g] += n;
	if (site < FG_SITE_GROUPS_MAX)
		cells[site] = (uint32_t)(c - inc->cases.cells) + 1;
	return FG_OK;
}

fg_rc
fg_incidence_add_case_sites(fg_incidence *inc, const int key[FG_NDIMS], uint64_t sites, int g,
			    double n, struct fg_error *err)
{
	int k[FG_NDIMS] = {-1, key[1], key[2], key[3]};
	struct stats_cell *st;
	size_t index;
	fg_rc rc;

	if (sites == 0)
		return fg_incidence_add_cases(inc, key, g, n, err);
	rc = check_group(g, n, err);
	if (rc != FG_OK)
		return rc;
	st = stratum_get(inc, stats_key_pack(k), &index);
	if (st == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (!st->given) {
		rc = check_population(inc, key, err);
		if (rc != FG_OK)
			return rc;
		st->given = 1;
	}
	for (int d = FG_DIM_SEX; d < FG_NDIMS; d++)
		if (k[d] < 0)
			inc->case_missing[d] = true;
	for (int site = 0; rc == FG_OK && sites; site++, sites >>= 1)
		if (sites & 1)
			rc = add_to_stratum(inc, index, k, site, g, n, err);
	return rc;
}

/* Key k projected on the dimensions of by (others -1); site dropped unless keep_site. */
static void
project(const int k[FG_NDIMS], const bool by[FG_NDIMS], bool keep_site, int out[FG_NDIMS])
{
	for (int d = 0; d < FG_NDIMS; d++)
		out[d] = by[d] && (d != FG_DIM_SITE || keep_site) ? k[d] : -1;
}

/* Sum the cells of src into dst, projected on by. */
static bool
collapse_map(const struct stats_cellmap *src, const bool by[FG_NDIMS], bool keep_site,
	     struct stats_cellmap *dst)
{
	for (size_t i = 0; i < src->n; i++) {
		int k[FG_NDIMS], p[FG_NDIMS];
		struct stats_cell *c;

		stats_key_unpack(src->cells[i].key, k);
		project(k, by, keep_site, p);
		c = stats_cellmap_get(dst, stats_key_pack(p), true);
		if (c == NULL)
			return false;
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			c->v[g] += src->cells[i].v[g];
	}
	return true;
}

int
fg_incidence_key_compare(const fg_incidence *inc, const int a[FG_NDIMS], const int b[FG_NDIMS])
{
	for (int d = 0; d < FG_NDIMS; d++) {
		int c;

		if (a[d] == b[d])
			continue;
		if (d == FG_DIM_SITE || a[d] < 0 || b[d] < 0)
			return a[d] < b[d] ? -1 : 1;
		c = strcmp(fg_incidence_value_text(inc, d, a[d]), fg_incidence_value_text(inc, d, b[d]));
		if (c != 0)
			return c;
	}
	return 0;
}

static int
compare_rows(const void *pa, const void *pb, void *ctx)
{
	const struct fg_incidence_row *a = pa, *b = pb;

	return fg_incidence_key_compare(ctx, a->key, b->key);
}

static fg_rc
check_breakdown(const fg_incidence *inc, const bool by[FG_NDIMS], struct fg_error *err)
{
	for (int d = 0; d < FG_NDIMS; d++) {
		if (!by[d])
			continue;
		if (d != FG_DIM_SITE && !inc->pop_given[d]) {
			fg_error_set(err, FG_INVALID, "by", "population is not broken down by %s",
				     fg_dim_name(d));
			fg_error_hint(err, "Give the population a column %s, or leave %s out of the breakdown.",
				      fg_dim_name(d), fg_dim_name(d));
			return FG_INVALID;
		}
		if (inc->case_missing[d]) {
			fg_error_set(err, FG_INVALID, "by", "cases are not broken down by %s",
				     fg_dim_name(d));
			fg_error_hint(err, "Give the cases a column %s, or leave %s out of the breakdown.",
				      d == FG_DIM_SITE ? "icd10 or site" : fg_dim_name(d), fg_dim_name(d));
			return FG_INVALID;
		}
	}
	return FG_OK;
}

fg_rc
fg_incidence_collapse(const fg_incidence *inc, const bool by[FG_NDIMS], struct fg_arena *arena,
		      struct fg_incidence_row **rows, size_t *nrows, struct fg_error *err)
{
	struct stats_cellmap cases = {0}, pop = {0};
	fg_rc rc;

	*rows = NULL;
	*nrows = 0;
	rc = check_breakdown(inc, by, err);
	if (rc != FG_OK)
		goto out;
	if (!collapse_map(&inc->cases, by, true, &cases) || !collapse_map(&inc->pop, by, false, &pop) ||
	    (*rows = fg_arena_alloc(arena, (cases.n ? cases.n : 1) * sizeof(**rows))) == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cases.n; i++) {
		struct fg_incidence_row *r = &(*rows)[i];
		int p[FG_NDIMS];
		const struct stats_cell *c;

		stats_key_unpack(cases.cells[i].key, r->key);
		memcpy(r->count, cases.cells[i].v, sizeof(r->count));
		project(r->key, by, false, p);
		c = stats_cellmap_get(&pop, stats_key_pack(p), false);
		if (c == NULL) {
			char what[256];

			rc = fg_error_set(err, FG_INVALID, "population", "no population for %s",
					  fg_incidence_describe(inc, p, what, sizeof(what)));
			goto out;
		}
		memcpy(r->pop, c->v, sizeof(r->pop));
	}
	*nrows = cases.n;
	qsort_r(*rows, *nrows, sizeof(**rows), compare_rows, (void *)inc);
out:
	stats_cellmap_free(&cases);
	stats_cellmap_free(&pop);
	return rc;
}

bool
fg_incidence_population_by(const fg_incidence *inc, enum fg_dim dim)
{
	return dim < FG_NDIMS && inc->pop_given[dim];
}

fg_rc
fg_incidence_population(const fg_incidence *inc, bool complete, struct fg_arena *arena,
			struct fg_incidence_row **rows, size_t *nrows, struct fg_error *err)
{
	const uint32_t all = (UINT32_C(1) << FG_AGE_GROUPS) - 1;

	*nrows = 0;
	*rows = fg_arena_alloc(arena, (inc->pop.n ? inc->pop.n : 1) * sizeof(**rows));
	if (*rows == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < inc->pop.n; i++) {
		const struct stats_cell *c = &inc->pop.cells[i];
		struct fg_incidence_row *r = &(*rows)[i];

		stats_key_unpack(c->key, r->key);
		memcpy(r->pop, c->v, sizeof(r->pop));
		if (complete && c->given != all) {
			char what[256];
			int g = 0;

			while (c->given & (UINT32_C(1) << g))
				g++;
			fg_error_set(err, FG_INVALID, "age_group", "population of %s has no age group \"%s\"",
				     fg_incidence_describe(inc, r->key, what, sizeof(what)), fg_age_group_label(g));
			fg_error_detail(err, "Each sex, district and year needs all 19 age groups.");
			return FG_INVALID;
		}
	}
	*nrows = inc->pop.n;
	qsort_r(*rows, *nrows, sizeof(**rows), compare_rows, (void *)inc);
	return FG_OK;
}
