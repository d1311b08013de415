/*
 * ncc.c
 *	  The registry workbook a population-based cancer registry reports to
 *	  the National Cancer Center: new cases and cancer deaths by registry
 *	  site group, sex and the 19 age groups, and the population by sex and
 *	  age group, of one year and district.  The counts are the stats
 *	  library's incidence table (fg_incidence_read_store_cases), the site
 *	  groups those of Chinese registry reports (data/registry/site-groups.csv:
 *	  National Cancer Center, Guidelines for Cancer Registration in China,
 *	  2016).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/arena.h"
#include "fangai/import.h"
#include "fangai/incidence.h"
#include "fangai/population.h"
#include "fangai/summary.h"
#include "fangai/util.h"
#include "import_int.h"

#define AGE_COLUMNS \
	{"0", true}, {"1-4", true}, {"5-9", true}, {"10-14", true}, {"15-19", true}, {"20-24", true}, \
	{"25-29", true}, {"30-34", true}, {"35-39", true}, {"40-44", true}, {"45-49", true}, \
	{"50-54", true}, {"55-59", true}, {"60-64", true}, {"65-69", true}, {"70-74", true}, \
	{"75-79", true}, {"80-84", true}, {"85+", true}

static const struct fg_export_column case_columns[] = {
	{"code", false}, {"site", false}, {"site_zh", false}, {"sex", false}, {"total", true}, AGE_COLUMNS,
	{"population", true}, {"crude_rate", true},
};
#define NCASE_COLUMNS ((int)(sizeof(case_columns) / sizeof(case_columns[0])))

static const struct fg_export_column population_columns[] = {
	{"sex", false}, {"total", true}, AGE_COLUMNS,
};
#define NPOP_COLUMNS ((int)(sizeof(population_columns) / sizeof(population_columns[0])))

/* Sexes of the rows: male, female, and both (index 2, written "0"). */
#define NSEXES 3
static const char *const sex_codes[NSEXES] = {"1", "2", "0"};

/* Counts of one sheet, by site group, sex and age group, and the population. */
struct counts {
	double cases[FG_SITE_GROUPS_MAX][NSEXES][FG_AGE_GROUPS];
	double pop[NSEXES][FG_AGE_GROUPS];
};

struct ncc {
	fg_store *store;
	int year;
	const char *district;
	struct fg_site_groups sites;
	fg_export_sheet_fn sheet;
	fg_export_row_fn row;
	void *userdata;
};

/* Index 0 or 1 of sex text "1" or "2". */
static int
sex_index(const char *text)
{
	return strcmp(text, "2") == 0;
}

/* The population of the table by sex (both last) and age group. */
static fg_rc
sum_population(const fg_incidence *inc, struct counts *c, struct fg_error *err)
{
	struct fg_incidence_row *rows;
	struct fg_arena arena;
	size_t n;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = fg_incidence_population(inc, false, &arena, &rows, &n, err);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		int s = sex_index(fg_incidence_value_text(inc, FG_DIM_SEX, rows[i].key[FG_DIM_SEX]));

		for (int g = 0; g < FG_AGE_GROUPS; g++) {
			c->pop[s][g] += rows[i].pop[g];
			c->pop[2][g] += rows[i].pop[g];
		}
	}
	fg_arena_free(&arena);
	return rc;
}

/* Read the records of source into c, by site group, sex and age group. */
static fg_rc
count_cases(const struct ncc *x, enum fg_case_source source, struct counts *c, struct fg_error *err)
{
	static const bool by[FG_NDIMS] = {[FG_DIM_SITE] = true, [FG_DIM_SEX] = true};
	struct fg_incidence_row *rows = NULL;
	fg_incidence *inc = NULL;
	struct fg_arena arena;
	size_t n = 0;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = fg_incidence_new(&inc, err);
	if (rc == FG_OK)
		rc = fg_incidence_read_store_cases(inc, x->store, &x->sites, true, source, x->year, x->district, err);
	if (rc == FG_OK)
		rc = sum_population(inc, c, err);
	if (rc == FG_OK)
		rc = fg_incidence_collapse(inc, by, &arena, &rows, &n, err);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		int site = rows[i].key[FG_DIM_SITE];
		int s = sex_index(fg_incidence_value_text(inc, FG_DIM_SEX, rows[i].key[FG_DIM_SEX]));

		for (int g = 0; site >= 0 && g < FG_AGE_GROUPS; g++) {
			c->cases[site][s][g] += rows[i].count[g];
			c->cases[site][2][g] += rows[i].count[g];
		}
	}
	fg_incidence_free(inc);
	fg_arena_free(&arena);
	return rc;
}

/* Format v into cell (24 bytes), with `decimals` digits. */
static const char *
number(char *cell, double v, int decimals)
{
	snprintf(cell, 24, "%.*f", decimals, v);
	return cell;
}

static double
sum_ages(const double *v)
{
	double total = 0;

	for (int g = 0; g < FG_AGE_GROUPS; g++)
		total += v[g];
	return total;
}

/* Write a row of cases: site group i, sex s. */
static fg_rc
case_row(const struct ncc *x, const struct counts *c, size_t i, int s, struct fg_error *err)
{
	char buf[NCASE_COLUMNS][24];
	const char *cells[NCASE_COLUMNS];
	double cases = sum_ages(c->cases[i][s]), pop = sum_ages(c->pop[s]);
	int k = 0;

	cells[k++] = x->sites.groups[i].code;
	cells[k++] = x->sites.groups[i].label_en;
	cells[k++] = x->sites.groups[i].label_zh;
	cells[k++] = sex_codes[s];
	cells[k] = number(buf[k], cases, 0);
	k++;
	for (int g = 0; g < FG_AGE_GROUPS; g++, k++)
		cells[k] = number(buf[k], c->cases[i][s][g], 0);
	cells[k] = number(buf[k], pop, 0);
	k++;
	cells[k] = pop > 0 ? number(buf[k], cases / pop * 100000.0, 2) : "";
	k++;
	return x->row(cells, k, x->userdata, err);
}

static fg_rc
case_sheet(const struct ncc *x, const char *name, const struct counts *c, struct fg_error *err)
{
	fg_rc rc = x->sheet(name, case_columns, NCASE_COLUMNS, x->userdata, err);

	for (size_t i = 0; rc == FG_OK && i < x->sites.count; i++)
		for (int s = 0; rc == FG_OK && s < NSEXES; s++)
			rc = case_row(x, c, i, s, err);
	return rc;
}

static fg_rc
population_sheet(const struct ncc *x, const struct counts *c, struct fg_error *err)
{
	fg_rc rc = x->sheet("population", population_columns, NPOP_COLUMNS, x->userdata, err);

	for (int s = 0; rc == FG_OK && s < NSEXES; s++) {
		char buf[NPOP_COLUMNS][24];
		const char *cells[NPOP_COLUMNS] = {sex_codes[s], number(buf[1], sum_ages(c->pop[s]), 0)};

		for (int g = 0; g < FG_AGE_GROUPS; g++)
			cells[2 + g] = number(buf[2 + g], c->pop[s][g], 0);
		rc = x->row(cells, NPOP_COLUMNS, x->userdata, err);
	}
	return rc;
}

fg_rc
fg_export_ncc(fg_store *store, int year, const char *district, fg_export_sheet_fn sheet,
	      fg_export_row_fn row, void *userdata, struct fg_error *err)
{
	struct ncc x = {.store = store, .year = year, .district = district, .sheet = sheet, .row = row,
			.userdata = userdata};
	struct counts *incidence = calloc(1, sizeof(*incidence)), *deaths = calloc(1, sizeof(*deaths));
	fg_rc rc = FG_OK;

	if (incidence == NULL || deaths == NULL)
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory counting the registry workbook");
	else if (year < 1900 || year > 2200)
		rc = fg_error_set(err, FG_INVALID, "year", "invalid year %d", year);
	else
		rc = export_district_check(district, err);
	if (rc == FG_OK)
		rc = fg_site_groups_load(NULL, &x.sites, err);
	if (rc == FG_OK)
		rc = count_cases(&x, FG_CASES_TUMOURS, incidence, err);
	if (rc == FG_OK)
		rc = count_cases(&x, FG_CASES_DEATHS, deaths, err);
	if (rc == FG_OK)
		rc = case_sheet(&x, "incidence", incidence, err);
	if (rc == FG_OK)
		rc = case_sheet(&x, "deaths", deaths, err);
	if (rc == FG_OK)
		rc = population_sheet(&x, incidence, err);
	free(incidence);
	free(deaths);
	return rc;
}
