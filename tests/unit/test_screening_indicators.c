/*
 * test_screening_indicators.c
 *	  Screening indicators on a small hand-built population whose figures
 *	  are worked out below, and the positive-to-diagnosis quantiles against
 *	  R (tests/unit/data/screening_quantiles.csv, from screening_quantiles.R).
 *
 * The population (programme 0 lung: precursors not counted as detections;
 * programme 1 colorectum: precursors counted):
 *
 *   group L3: lung, institution 3, 2025, men aged 52 (10 episodes)
 *     10 invited, 8 assessed, 4 high risk, 3 screened;
 *     s1 positive, referred, cancer stage I (early), 30 days to diagnosis
 *     s2 positive, recalled, no diagnosis yet
 *     s3 negative, then an interval cancer within the programme's interval
 *   group L4: lung, institution 4, 2025, women aged 60 (5 episodes)
 *     5 invited, 5 assessed, 2 high risk, 2 screened, both positive and referred:
 *     cancer stage III (not early) after 50 days; benign after 10 days
 *   group L5: lung, institution 5, 2025, men aged 70: 2 eligible, not invited
 *   group C3: colorectum, institution 3, 2026, men aged 52 (4 episodes)
 *     4 invited, 4 assessed, 4 high risk, 4 screened, 3 positive (all referred):
 *     cancer stage I (early) after 20 days; precursor (early) after 40 days;
 *     one positive without a diagnosis; one negative screen
 *
 * Lung overall: eligible 17, invited 15, assessed 13, high risk 6, screened
 * 5, positive 4, recalled 1, referred 3, cancers 2, detected 2, early 1.
 *   questionnaire rate 13/15 = 0.8667; high-risk rate 6/13 = 0.4615;
 *   uptake 5/6 = 0.8333; positivity 4/5 = 0.8; recall rate 1/5 = 0.2;
 *   detection 2/5 x 1000 = 400; PPV 2/4 = 0.5; early 1/2 = 0.5;
 *   days 10, 30, 50: median 30, p90 (type 7) 30 + 0.8 x 20 = 46.
 *   negative screens 1 (s3), interval cancers 1: 1,000 per 1,000 negative screens.
 * Colorectum: uptake 4/4 = 1, positivity 3/4, detection 1/4 x 1000 = 250,
 *   PPV 1/3, detected 2 (cancer + precursor), early 2/2 = 1,
 *   days 20, 40: median 30, p90 20 + 0.9 x 20 = 38; one negative screen, no
 *   interval cancer: 0 per 1,000.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/screening.h"
#include "fangai/summary.h"

#define EPS 1e-9

struct spec {
	int n, programme;
	int64_t institution;
	int year;
	char sex;
	int age;
	bool invited, assessed, high_risk, screened, positive, recalled, referred;
	int diagnosis;
	bool early;
	int days;
	bool interval_cancer;
};

static void
add(struct fg_screen_facts *facts, struct spec s)
{
	for (int i = 0; i < s.n; i++) {
		struct fg_screen_fact f = {
			.institution_id = s.institution, .programme = s.programme, .year = (int16_t)s.year,
			.sex = s.sex, .age = (uint8_t)s.age, .invited = s.invited, .assessed = s.assessed,
			.high_risk = s.high_risk, .offered = s.high_risk, .screened = s.screened,
			.positive = s.positive, .recalled = s.recalled, .referred = s.referred,
			.diagnosis = (int8_t)s.diagnosis, .early = s.early, .days_to_diagnosis = s.days,
			.interval_cancer = s.interval_cancer,
		};

		assert_int_equal(fg_screen_facts_add(facts, &f, NULL), FG_OK);
	}
}

static void
build(struct fg_screen_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->programmes[0] = "lung";
	facts->programmes[1] = "colorectum";
	facts->precursors_count[1] = true;
	facts->nprogrammes = 2;
	/* L3: 2 not assessed, 4 assessed not high risk, s1, s2, s3, 1 high risk not screened */
	add(facts, (struct spec){2, 0, 3, 2025, '1', 52, true, false, .days = -1});
	add(facts, (struct spec){4, 0, 3, 2025, '1', 52, true, true, false, .days = -1});
	add(facts, (struct spec){1, 0, 3, 2025, '1', 52, true, true, true, true, true, false, true,
				 FG_DX_CANCER, true, 30, false});
	add(facts, (struct spec){1, 0, 3, 2025, '1', 52, true, true, true, true, true, true, false, .days = -1});
	add(facts, (struct spec){1, 0, 3, 2025, '1', 52, true, true, true, true, .days = -1,
				 .interval_cancer = true});
	add(facts, (struct spec){1, 0, 3, 2025, '1', 52, true, true, true, .days = -1});
	/* L4 */
	add(facts, (struct spec){3, 0, 4, 2025, '2', 60, true, true, false, .days = -1});
	add(facts, (struct spec){1, 0, 4, 2025, '2', 60, true, true, true, true, true, false, true,
				 FG_DX_CANCER, false, 50, false});
	add(facts, (struct spec){1, 0, 4, 2025, '2', 60, true, true, true, true, true, false, true,
				 FG_DX_BENIGN, false, 10, false});
	/* L5 */
	add(facts, (struct spec){2, 0, 5, 2025, '1', 70, .days = -1});
	/* C3 */
	add(facts, (struct spec){1, 1, 3, 2026, '1', 52, true, true, true, true, true, false, true,
				 FG_DX_CANCER, true, 20, false});
	add(facts, (struct spec){1, 1, 3, 2026, '1', 52, true, true, true, true, true, false, true,
				 FG_DX_PRECURSOR, true, 40, false});
	add(facts, (struct spec){1, 1, 3, 2026, '1', 52, true, true, true, true, true, false, true, .days = -1});
	add(facts, (struct spec){1, 1, 3, 2026, '1', 52, true, true, true, true, .diagnosis = FG_DX_NEGATIVE,
				 .days = -1});
}

static void
by_programme(void **state)
{
	struct fg_screen_facts facts;
	struct fg_screen_indicators *rows;
	struct fg_arena arena;
	size_t n;

	build(&facts);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_screen_indicators_compute(&facts, FG_BY_PROGRAMME, &arena, &rows, &n, NULL), FG_OK);
	assert_int_equal(n, 2);
	/* lung */
	assert_int_equal(rows[0].programme, 0);
	assert_int_equal(rows[0].eligible, 17);
	assert_int_equal(rows[0].invited, 15);
	assert_int_equal(rows[0].assessed, 13);
	assert_int_equal(rows[0].high_risk, 6);
	assert_int_equal(rows[0].screened, 5);
	assert_int_equal(rows[0].positive, 4);
	assert_int_equal(rows[0].recalled, 1);
	assert_int_equal(rows[0].referred, 3);
	assert_int_equal(rows[0].cancers, 2);
	assert_int_equal(rows[0].detected, 2);
	assert_int_equal(rows[0].early, 1);
	assert_true(fabs(rows[0].questionnaire_rate - 13.0 / 15) < EPS);
	assert_true(fabs(rows[0].high_risk_rate - 6.0 / 13) < EPS);
	assert_true(fabs(rows[0].uptake - 5.0 / 6) < EPS);
	assert_true(fabs(rows[0].positivity - 0.8) < EPS);
	assert_true(fabs(rows[0].recall_rate - 0.2) < EPS);
	assert_true(fabs(rows[0].detection_per_1000 - 400.0) < EPS);
	assert_true(fabs(rows[0].ppv - 0.5) < EPS);
	assert_true(fabs(rows[0].early_rate - 0.5) < EPS);
	assert_true(fabs(rows[0].days_median - 30.0) < EPS);
	assert_true(fabs(rows[0].days_p90 - 46.0) < EPS);
	assert_int_equal(rows[0].negative_screens, 1);
	assert_int_equal(rows[0].interval_cancers, 1);
	assert_true(fabs(rows[0].interval_per_1000 - 1000.0) < EPS);
	/* colorectum: the precursor counts as an early detection, not as a cancer */
	assert_int_equal(rows[1].programme, 1);
	assert_int_equal(rows[1].screened, 4);
	assert_int_equal(rows[1].cancers, 1);
	assert_int_equal(rows[1].precursors, 1);
	assert_int_equal(rows[1].detected, 2);
	assert_true(fabs(rows[1].uptake - 1.0) < EPS);
	assert_true(fabs(rows[1].positivity - 0.75) < EPS);
	assert_true(fabs(rows[1].detection_per_1000 - 250.0) < EPS);
	assert_true(fabs(rows[1].ppv - 1.0 / 3) < EPS);
	assert_true(fabs(rows[1].early_rate - 1.0) < EPS);
	assert_true(fabs(rows[1].days_median - 30.0) < EPS);
	assert_true(fabs(rows[1].days_p90 - 38.0) < EPS);
	assert_int_equal(rows[1].negative_screens, 1);
	assert_true(fabs(rows[1].interval_per_1000 - 0.0) < EPS);
	fg_arena_free(&arena);
	fg_screen_facts_free(&facts);
}

static void
by_every_dimension(void **state)
{
	unsigned all = FG_BY_PROGRAMME | FG_BY_INSTITUTION | FG_BY_YEAR | FG_BY_SEX | FG_BY_AGE;
	struct fg_screen_facts facts;
	struct fg_screen_indicators *rows;
	struct fg_arena arena;
	size_t n;

	build(&facts);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_screen_indicators_compute(&facts, all, &arena, &rows, &n, NULL), FG_OK);
	/* ordered by programme, institution, year, sex, age: L3, L4, L5, C3 */
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].institution_id, 3);
	assert_int_equal(rows[0].year, 2025);
	assert_int_equal(rows[0].sex, '1');
	assert_string_equal(fg_age_group_label(rows[0].age_group), "50-54");
	assert_int_equal(rows[0].eligible, 10);
	assert_true(fabs(rows[0].questionnaire_rate - 0.8) < EPS);	/* 8/10 */
	assert_true(fabs(rows[0].high_risk_rate - 0.5) < EPS);		/* 4/8 */
	assert_true(fabs(rows[0].uptake - 0.75) < EPS);			/* 3/4 */
	assert_true(fabs(rows[0].positivity - 2.0 / 3) < EPS);
	assert_true(fabs(rows[0].ppv - 0.5) < EPS);			/* 1 cancer / 2 positive */
	assert_true(fabs(rows[0].early_rate - 1.0) < EPS);
	assert_true(fabs(rows[0].days_median - 30.0) < EPS);		/* one delay */
	/* L4: 2 positives, 1 cancer stage III: early rate 0; days 10, 50 */
	assert_int_equal(rows[1].institution_id, 4);
	assert_string_equal(fg_age_group_label(rows[1].age_group), "60-64");
	assert_true(fabs(rows[1].positivity - 1.0) < EPS);
	assert_true(fabs(rows[1].early_rate - 0.0) < EPS);
	assert_true(fabs(rows[1].days_median - 30.0) < EPS);
	assert_true(fabs(rows[1].days_p90 - 46.0) < EPS);		/* 10 + 0.9 x 40 */
	assert_true(isnan(rows[1].interval_per_1000));			/* no negative screen */
	/* L5: nobody invited, so every rate is undefined, not 0 */
	assert_int_equal(rows[2].eligible, 2);
	assert_true(isnan(rows[2].questionnaire_rate));
	assert_true(isnan(rows[2].uptake));
	assert_true(isnan(rows[2].positivity));
	assert_true(isnan(rows[2].days_median));
	assert_int_equal(rows[3].programme, 1);
	assert_int_equal(rows[3].year, 2026);
	fg_arena_free(&arena);
	fg_screen_facts_free(&facts);
}

static void
no_grouping(void **state)
{
	struct fg_screen_facts facts;
	struct fg_screen_indicators *rows;
	struct fg_arena arena;
	size_t n;

	build(&facts);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_screen_indicators_compute(&facts, 0, &arena, &rows, &n, NULL), FG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].programme, -1);
	assert_int_equal(rows[0].eligible, 21);
	assert_int_equal(rows[0].cancers, 3);
	assert_int_equal(rows[0].detected, 4);	/* 3 cancers and the colorectal precursor */
	/* days 10, 20, 30, 40, 50: median 30, p90 40 + 0.6 x 10 = 46 */
	assert_true(fabs(rows[0].days_median - 30.0) < EPS);
	assert_true(fabs(rows[0].days_p90 - 46.0) < EPS);
	fg_arena_free(&arena);
	fg_screen_facts_free(&facts);
}

/* One group whose positives waited the given days; its median and p90. */
static void
quantiles_of(const char *days, double *median, double *p90)
{
	struct fg_screen_facts facts = {.nprogrammes = 1, .programmes = {"lung"}};
	struct fg_screen_indicators *rows;
	struct fg_arena arena;
	char buf[256], *save = NULL;
	size_t n;

	snprintf(buf, sizeof(buf), "%s", days);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		add(&facts, (struct spec){1, 0, 3, 2025, '1', 60, true, true, true, true, true, false, true,
					  FG_DX_BENIGN, false, atoi(w), false});
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_screen_indicators_compute(&facts, FG_BY_PROGRAMME, &arena, &rows, &n, NULL), FG_OK);
	assert_int_equal(n, 1);
	*median = rows[0].days_median;
	*p90 = rows[0].days_p90;
	fg_arena_free(&arena);
	fg_screen_facts_free(&facts);
}

static void
quantiles_match_r(void **state)
{
	FILE *f = fopen("tests/unit/data/screening_quantiles.csv", "r");
	char line[512];
	int checked = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char set[16], days[256];
		double want_median, want_p90, median, p90;

		if (line[0] == '#' || strncmp(line, "set,", 4) == 0)
			continue;
		assert_int_equal(sscanf(line, "%15[^,],%255[^,],%lf,%lf", set, days, &want_median, &want_p90), 4);
		quantiles_of(days, &median, &p90);
		assert_true(fabs(median - want_median) < 1e-6);
		assert_true(fabs(p90 - want_p90) < 1e-6);
		checked++;
	}
	fclose(f);
	assert_int_equal(checked, 6);
}

/* No episodes (an institution that has screened nobody yet): no rows, no failure. */
static void
no_facts(void **state)
{
	struct fg_screen_facts facts = {0};
	struct fg_screen_indicators *rows = NULL;
	struct fg_arena arena;
	size_t n = 99;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_screen_indicators_compute(&facts, FG_BY_PROGRAMME | FG_BY_INSTITUTION, &arena,
						      &rows, &n, NULL), FG_OK);
	assert_int_equal(n, 0);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_programme),
		cmocka_unit_test(by_every_dimension),
		cmocka_unit_test(no_grouping),
		cmocka_unit_test(quantiles_match_r),
		cmocka_unit_test(no_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
