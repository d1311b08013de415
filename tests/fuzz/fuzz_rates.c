/*
 * fuzz_rates.c
 *	  libFuzzer harness for the registry statistics: the first byte chooses
 *	  the target -- an ICD-10 code classified into the site groups, an age
 *	  group label, or a cases CSV (the rest of the input) read against a
 *	  fixed population, collapsed by site and sex and turned into rates.
 *	  Checks that accepted codes and labels are consistent and that every
 *	  rate computed is finite with lci <= rate <= uci.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fangai/incidence.h"
#include "fangai/rates.h"
#include "fangai/sitegroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fg_site_groups sites;
static struct fg_stdpop segi;
static char population[64];
static int ready;

static void
remove_population(void)
{
	remove(population);
}

/* The site groups, the Segi standard and a population file of two sexes, one district, one year. */
static int
setup(void)
{
	FILE *f;

	if (ready)
		return ready > 0;
	ready = -1;
	if (fg_site_groups_load(NULL, &sites, NULL) != FG_OK || fg_stdpop_load("segi", &segi, NULL) != FG_OK)
		return 0;
	snprintf(population, sizeof(population), "/tmp/fuzz_rates_pop_%d.csv", (int)getpid());
	f = fopen(population, "w");
	if (f == NULL)
		return 0;
	fputs("district,year,sex,age_group,population\n", f);
	for (int s = 1; s <= 2; s++)
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			fprintf(f, "110101,2020,%d,%s,%d\n", s, fg_age_group_label(g), 1000 + 37 * g);
	fclose(f);
	atexit(remove_population);
	ready = 1;
	return 1;
}

static void
check_code(const char *text)
{
	uint64_t mask;
	int group, slot = fg_icd10_slot(text);

	if (fg_site_group_classify(&sites, text, "icd10", &group, &mask, NULL) != FG_OK)
		return;
	if (slot < 0 || group < 0 || (size_t)group >= sites.count || sites.groups[group].total ||
	    !(mask & (UINT64_C(1) << group)))
		abort();
}

static void
check_age_group(const char *text)
{
	int g = fg_age_group_parse(text);

	if (g >= 0 && fg_age_group_parse(fg_age_group_label(g)) != g)
		abort();
}

static void
check_rates(fg_incidence *inc)
{
	const bool by[FG_NDIMS] = {true, true, false, false};
	struct fg_rate_options opts = {.standards = &segi, .nstandards = 1, .truncation = &segi,
				       .conf = 0.95};
	struct fg_incidence_row *rows;
	struct fg_arena arena;
	size_t n;

	fg_arena_init(&arena, 0);
	if (fg_incidence_collapse(inc, by, &arena, &rows, &n, NULL) == FG_OK)
		for (size_t i = 0; i < n; i++) {
			struct fg_rate_row r;
			const struct fg_dsr *d = &r.asr[0];

			if (fg_rates_compute(rows[i].count, rows[i].pop, &opts, &r, NULL) != FG_OK)
				continue;
			if (!isfinite(d->rate) || !isfinite(d->lci) || !isfinite(d->uci) ||
			    d->lci > d->rate * (1 + 1e-12) || d->uci < d->rate)
				abort();
		}
	fg_arena_free(&arena);
}

static void
check_cases(const uint8_t *data, size_t size)
{
	char path[64];
	fg_incidence *inc = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/fuzz_rates_cases_%d.csv", (int)getpid());
	f = fopen(path, "wb");
	if (f == NULL)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	if (fg_incidence_new(&inc, NULL) == FG_OK &&
	    fg_incidence_read_population(inc, population, NULL, NULL) == FG_OK &&
	    fg_incidence_read_cases(inc, path, &sites, true, NULL) == FG_OK)
		check_rates(inc);
	fg_incidence_free(inc);
	remove(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[128];		/* codes and labels are short: longer inputs are cut */

	if (size < 1 || !setup())
		return 0;
	if (data[0] % 3 == 2) {
		check_cases(data + 1, size - 1);
		return 0;
	}
	snprintf(text, sizeof(text), "%.*s", (int)(size - 1 < sizeof(text) ? size - 1 : sizeof(text) - 1),
		 (const char *)data + 1);
	if (data[0] % 3 == 0)
		check_code(text);
	else
		check_age_group(text);
	return 0;
}
