/*
 * bench_rates.c
 *	  The full incidence table of a registry over BENCH_TUMOURS (default
 *	  10,000,000) tumours held in memory: each ICD-10 code classified into
 *	  the registry's site groups and totals, counted by site x sex x
 *	  district x year x 19 age groups, then collapsed to site x sex with
 *	  crude, 19 age-specific and three standardised rates (China 2000, Segi,
 *	  WHO 2000) with Fay-Feuer intervals, cumulative and truncated rates.
 *	  Target: at most 1 s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/incidence.h"
#include "fangai/rates.h"
#include "fangai/sitegroup.h"

#define DISTRICTS 11
#define YEARS 10
#define FIRST_YEAR 2015

/* Sites of a Chinese registry with a rough share of all cases (per mille). */
static const struct {
	const char *icd10;
	int per_mille;
	char sex;	/* '1' or '2' for sex-specific sites, 0 for both */
} case_mix[] = {
	{"C34.1", 200, 0}, {"C18.7", 60, 0}, {"C20", 40, 0}, {"C16.2", 100, 0}, {"C22.0", 90, 0},
	{"C50.9", 80, '2'}, {"C15.4", 60, 0}, {"C73", 50, 0}, {"C53.9", 30, '2'}, {"C61", 30, '1'},
	{"C25.9", 25, 0}, {"C67.9", 20, 0}, {"C71.9", 20, 0}, {"C91.0", 20, 0}, {"C83.3", 20, 0},
	{"C54.1", 15, '2'}, {"C56", 15, '2'}, {"C64", 15, 0}, {"C23", 15, 0}, {"C11.9", 15, 0},
	{"C44.3", 15, 0}, {"C80.9", 15, 0}, {"C32.0", 10, 0}, {"D33.2", 10, 0}, {"C43.5", 5, 0},
	{"C40.2", 5, 0}, {"C62.9", 5, '1'}, {"C38.4", 5, 0},
};

struct tumour {
	char icd10[8];
	char sex;
	uint8_t age;
	uint8_t district;
	uint8_t year;
};

/* Seconds on clock (CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID for CPU time). */
static double
seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
generate(struct tumour *t, size_t n)
{
	uint64_t s = 20260630;

	for (size_t i = 0; i < n; i++) {
		int r = (int)(next(&s) % 1000), k = 0, acc = case_mix[0].per_mille;
		int age = 20 + (int)(next(&s) % 40) + (int)(next(&s) % 40);

		while (acc <= r && k + 1 < (int)(sizeof(case_mix) / sizeof(case_mix[0])))
			acc += case_mix[++k].per_mille;
		memcpy(t[i].icd10, case_mix[k].icd10, sizeof(t[i].icd10));
		t[i].sex = case_mix[k].sex ? case_mix[k].sex : (next(&s) & 1) ? '1' : '2';
		t[i].age = (uint8_t)(age > 100 ? 100 : age);
		t[i].district = (uint8_t)(next(&s) % DISTRICTS);
		t[i].year = (uint8_t)(next(&s) % YEARS);
	}
}

static int
fail(const struct fg_error *err)
{
	fprintf(stderr, "bench_rates: %s\n", err->message);
	return 1;
}

/* Population of every district, year and sex: about 700,000 persons each. */
static fg_rc
add_population(fg_incidence *inc, int ids[][3], struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (int d = 0; rc == FG_OK && d < DISTRICTS; d++)
		for (int y = 0; rc == FG_OK && y < YEARS; y++)
			for (int x = 0; rc == FG_OK && x < 2; x++) {
				int key[FG_NDIMS] = {-1, ids[x][0], ids[d][1], ids[y][2]};

				for (int g = 0; rc == FG_OK && g < FG_AGE_GROUPS; g++)
					rc = fg_incidence_add_population(inc, key, g, 30000.0 + 500 * g, err);
			}
	return rc;
}

static fg_rc
intern(fg_incidence *inc, const struct fg_site_groups *sites, int ids[][3], struct fg_error *err)
{
	char text[16];
	int id;
	fg_rc rc = FG_OK;

	for (size_t i = 0; rc == FG_OK && i < sites->count; i++)
		rc = fg_incidence_value(inc, FG_DIM_SITE, sites->groups[i].code, &id, err);
	for (int x = 0; rc == FG_OK && x < 2; x++)
		rc = fg_incidence_value(inc, FG_DIM_SEX, x ? "2" : "1", &ids[x][0], err);
	for (int d = 0; rc == FG_OK && d < DISTRICTS; d++) {
		snprintf(text, sizeof(text), "4401%02d", d + 3);
		rc = fg_incidence_value(inc, FG_DIM_DISTRICT, text, &ids[d][1], err);
	}
	for (int y = 0; rc == FG_OK && y < YEARS; y++) {
		snprintf(text, sizeof(text), "%d", FIRST_YEAR + y);
		rc = fg_incidence_value(inc, FG_DIM_YEAR, text, &ids[y][2], err);
	}
	return rc;
}

int
main(void)
{
	const char *env = getenv("BENCH_TUMOURS");
	size_t n = env ? strtoul(env, NULL, 10) : 10000000;
	struct fg_stdpop std[3];
	struct fg_rate_options opts = {.standards = std, .nstandards = 3, .truncation = &std[1],
				       .conf = 0.95};
	struct fg_site_groups sites;
	struct fg_incidence_row *rows;
	struct fg_arena arena;
	struct fg_error err;
	struct tumour *t = malloc(n * sizeof(*t));
	int ids[DISTRICTS > YEARS ? DISTRICTS : YEARS][3];
	bool by[FG_NDIMS] = {true, true, false, false};
	fg_incidence *inc = NULL;
	double t0, t1, t2, t3, cpu0, cpu, check = 0;
	size_t nrows;

	if (t == NULL || fg_stdpop_load("china2000", &std[0], &err) != FG_OK ||
	    fg_stdpop_load("segi", &std[1], &err) != FG_OK ||
	    fg_stdpop_load("who2000", &std[2], &err) != FG_OK ||
	    fg_site_groups_load(NULL, &sites, &err) != FG_OK || fg_incidence_new(&inc, &err) != FG_OK ||
	    intern(inc, &sites, ids, &err) != FG_OK || add_population(inc, ids, &err) != FG_OK)
		return fail(&err);
	generate(t, n);
	fg_arena_init(&arena, 0);
	t0 = seconds(CLOCK_MONOTONIC);
	cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (size_t i = 0; i < n; i++) {
		int key[FG_NDIMS] = {-1, ids[t[i].sex - '1'][0], ids[t[i].district][1], ids[t[i].year][2]};
		uint64_t mask;
		int group;

		if (fg_site_group_classify(&sites, t[i].icd10, "icd10", &group, &mask, &err) != FG_OK ||
		    fg_incidence_add_case_sites(inc, key, mask, fg_age_group(t[i].age), 1, &err) != FG_OK)
			return fail(&err);
	}
	t1 = seconds(CLOCK_MONOTONIC);
	if (fg_incidence_collapse(inc, by, &arena, &rows, &nrows, &err) != FG_OK)
		return fail(&err);
	t2 = seconds(CLOCK_MONOTONIC);
	for (size_t i = 0; i < nrows; i++) {
		struct fg_rate_row r;

		if (fg_rates_compute(rows[i].count, rows[i].pop, &opts, &r, &err) != FG_OK)
			return fail(&err);
		check += r.asr[0].uci;
	}
	t3 = seconds(CLOCK_MONOTONIC);
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	printf("incidence table: %zu tumours, %zu site x sex rows x 19 age groups x 3 standards\n",
	       n, nrows);
	printf("  classify and count   %8.3f s  (%.1f M tumours/s)\n", t1 - t0, (double)n / (t1 - t0) / 1e6);
	printf("  collapse             %8.3f s\n", t2 - t1);
	printf("  rates and intervals  %8.3f s\n", t3 - t2);
	printf("  total                %8.3f s  (target <= 1 s)  [checksum %.6g]\n", t3 - t0, check);
	printf("  CPU time             %8.3f s  (wall time exceeds it on a busy machine)\n", cpu);
	fg_incidence_free(inc);
	fg_arena_free(&arena);
	free(t);
	return 0;
}
