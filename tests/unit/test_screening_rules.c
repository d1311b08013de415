/*
 * test_screening_rules.c
 *	  The rule-file reader and evaluator: malformed files are refused with
 *	  the file and line, conditions and ranges mean what docs/screening.md
 *	  says, and programmes decide eligibility and early diagnosis by their
 *	  versioned definitions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fangai/screening.h"

static char dir[256];

/* Write a scheme file NAME.rules under the temporary data directory. */
static void
write_scheme(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/screening/schemes/%s.rules", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	char cmd[600];

	snprintf(dir, sizeof(dir), "%s", "/tmp/fangai-rules-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/screening/schemes", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

#define HEAD "scheme t\nsource a test\nfield size_mm number 0.0 50.0\nfield kind enum a b\n" \
	"outcome low category=L management=none recall=12\noutcome high category=H management=refer positive=1 referral=1\n"

static fg_rc
load(const char *text, const fg_ruleset **rs, struct fg_arena *arena, struct fg_error *err)
{
	write_scheme("t", text);
	return fg_ruleset_load(dir, "t", arena, rs, err);
}

static void
malformed_files_name_the_line(void **state)
{
	static const struct {
		const char *text, *message;
		int line;
	} cases[] = {
		{HEAD "rule high size_mm=abc\n", "invalid range \"abc\" for size_mm", 7},
		{HEAD "rule high colour=red\n", "field \"colour\" is not declared", 7},
		{HEAD "rule high kind=c\n", "value \"c\" is not declared for kind", 7},
		{HEAD "rule medium kind=a\n", "rule names no declared outcome", 7},
		{HEAD "rule high kind\n", "condition \"kind\" is not of the form field=value", 7},
		{HEAD "frobnicate\n", "unrecognised directive \"frobnicate\"", 7},
		{HEAD "field size_mm enum x\n", "field \"size_mm\" is declared twice or too long", 7},
		{HEAD "outcome odd category=O management=x recall=soon\n", "invalid outcome attribute recall=soon", 7},
		{HEAD "refuse size_mm size_mm=>10.0\n", "a refusal is written \"refuse FIELD CONDITIONS because SENTENCE\"", 7},
	};
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const fg_ruleset *rs;
		struct fg_error err;
		char detail[64];

		assert_int_equal(load(cases[i].text, &rs, &arena, &err), FG_INVALID);
		assert_string_equal(err.message, cases[i].message);
		snprintf(detail, sizeof(detail), "At line %d of ", cases[i].line);
		assert_memory_equal(err.detail, detail, strlen(detail));
	}
	fg_arena_free(&arena);
}

static void
missing_source_is_refused(void **state)
{
	struct fg_arena arena;
	const fg_ruleset *rs;
	struct fg_error err;

	fg_arena_init(&arena, 0);
	assert_int_equal(load("scheme t\nfield kind enum a\n", &rs, &arena, &err), FG_INVALID);
	assert_non_null(strstr(err.message, "names no scheme or source"));
	assert_int_equal(fg_ruleset_load(dir, "no-such", &arena, &rs, &err), FG_NOTFOUND);
	assert_int_equal(fg_ruleset_load(dir, "../etc/passwd", &arena, &rs, &err), FG_NOTFOUND);
	fg_arena_free(&arena);
}

/* Classify one size with rule text; the category or the error message into buf (320 bytes). */
static const char *
classify(const char *rules, const char *size, char *buf)
{
	struct fg_arena arena;
	const fg_ruleset *rs;
	struct fg_screen_result res;
	struct fg_error err;
	const char *values[2] = {size, "a"};
	char text[1024];

	snprintf(text, sizeof(text), HEAD "%s", rules);
	fg_arena_init(&arena, 0);
	assert_int_equal(load(text, &rs, &arena, &err), FG_OK);
	if (fg_ruleset_classify(rs, values, &res, &err) == FG_OK)
		snprintf(buf, 320, "%s", res.category);
	else
		snprintf(buf, 320, "%s", err.message);
	fg_arena_free(&arena);
	return buf;
}

static void
ranges_are_half_open_and_first_match_decides(void **state)
{
	char b[320];

	/* a..b includes a, excludes b */
	assert_string_equal(classify("rule high size_mm=6.0..8.0\nrule low size_mm=-\n", "6.0", b), "H");
	assert_string_equal(classify("rule high size_mm=6.0..8.0\nrule low size_mm=..50.1\n", "7.9", b), "H");
	assert_string_equal(classify("rule high size_mm=6.0..8.0\nrule low size_mm=..50.1\n", "8.0", b), "L");
	assert_string_equal(classify("rule high size_mm=6.0..8.0\nrule low size_mm=..50.1\n", "5.9", b), "L");
	/* > and >= at the precision of the field */
	assert_string_equal(classify("rule high size_mm=>1.5\ndefault low\n", "1.5", b), "L");
	assert_string_equal(classify("rule high size_mm=>1.5\ndefault low\n", "1.6", b), "H");
	assert_string_equal(classify("rule high size_mm=>=1.5\ndefault low\n", "1.5", b), "H");
	assert_string_equal(classify("rule high size_mm=<=1.5\ndefault low\n", "1.5", b), "H");
	/* the first matching rule wins even if a later one matches too */
	assert_string_equal(classify("rule low kind=a\nrule high size_mm=>0.0\n", "9.0", b), "L");
	/* no rule and no default: an error listing the values */
	assert_string_equal(classify("rule high size_mm=>40.0\n", "9.0", b), "no rule of t matches the finding");
	/* input validation */
	assert_string_equal(classify("default low\n", "50.1", b), "size_mm \"50.1\" is out of range");
	assert_string_equal(classify("default low\n", "5.55", b), "invalid size_mm \"5.55\": too many decimals");
	assert_string_equal(classify("default low\n", "1e3", b), "invalid size_mm \"1e3\": not a number");
}

static void
programmes_decide_eligibility_and_early_diagnosis(void **state)
{
	struct fg_arena arena;
	const fg_programme *lung, *colorectum, *breast, *lung1;
	struct fg_error err;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_programme_load(NULL, "lung", NULL, &arena, &lung, &err), FG_OK);
	assert_int_equal(fg_programme_load(NULL, "lung", "1", &arena, &lung1, &err), FG_OK);
	assert_int_equal(fg_programme_load(NULL, "colorectum", NULL, &arena, &colorectum, &err), FG_OK);
	assert_int_equal(fg_programme_load(NULL, "breast", NULL, &arena, &breast, &err), FG_OK);
	assert_int_equal(fg_programme_load(NULL, "lung", "9", &arena, &lung, &err), FG_NOTFOUND);
	assert_int_equal(fg_programme_load(NULL, "lung", NULL, &arena, &lung, &err), FG_OK);
	/* the newest lung version is 2; version 1 stays loadable */
	assert_string_equal(fg_programme_info(lung)->version, "2");
	assert_string_equal(fg_ruleset_name(fg_programme_info(lung1)->exams[0].scheme), "lung-rads-2022");
	/* ages are inclusive; breast is for women */
	assert_false(fg_programme_eligible(lung, '1', 49));
	assert_true(fg_programme_eligible(lung, '1', 50));
	assert_true(fg_programme_eligible(lung, '2', 74));
	assert_false(fg_programme_eligible(lung, '2', 75));
	assert_false(fg_programme_eligible(breast, '1', 50));
	assert_true(fg_programme_eligible(breast, '2', 50));
	/* early: stage group by its Roman numeral; precursors where the programme counts them */
	assert_true(fg_programme_is_early(lung, "cancer", "0"));
	assert_true(fg_programme_is_early(lung, "cancer", "IA2"));
	assert_true(fg_programme_is_early(lung, "cancer", "IB"));
	assert_false(fg_programme_is_early(lung, "cancer", "IIA"));
	assert_false(fg_programme_is_early(lung, "cancer", "IV"));
	assert_false(fg_programme_is_early(lung, "precursor", NULL));
	assert_true(fg_programme_is_early(colorectum, "precursor", NULL));
	assert_false(fg_programme_is_early(colorectum, "benign", NULL));
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_files_name_the_line),
		cmocka_unit_test(missing_source_is_refused),
		cmocka_unit_test(ranges_are_half_open_and_first_match_decides),
		cmocka_unit_test(programmes_decide_eligibility_and_early_diagnosis),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
