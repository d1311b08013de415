/*
 * test_sitegroup.c
 *	  Registry site groups (data/registry/site-groups.csv): ICD-10 codes in
 *	  their forms, the groups and totals they count in, and the scope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/sitegroup.h"

static struct fg_site_groups table;

static int
setup(void **state)
{
	struct fg_error err;

	(void)state;
	return fg_site_groups_load(NULL, &table, &err) == FG_OK ? 0 : -1;
}

/* Index of the group with code, or -1. */
static int
group(const char *code)
{
	for (size_t i = 0; i < table.count; i++)
		if (strcmp(table.groups[i].code, code) == 0)
			return (int)i;
	return -1;
}

static void
assert_classified(const char *icd10, const char *want, bool in_all_but_c44)
{
	struct fg_error err;
	uint64_t mask = 0;
	int g = -1;

	assert_int_equal(fg_site_group_classify(&table, icd10, "icd10", &g, &mask, &err), FG_OK);
	assert_string_equal(table.groups[g].code, want);
	assert_true(mask & (UINT64_C(1) << g));
	assert_true(mask & (UINT64_C(1) << group("ALL")));
	assert_int_equal(!!(mask & (UINT64_C(1) << group("ALLbC44"))), in_all_but_c44);
}

static void
test_table(void **state)
{
	(void)state;
	assert_int_equal(table.count, 28);	/* 26 groups and 2 totals */
	assert_string_equal(table.groups[0].code, "01");
	assert_string_equal(table.groups[9].label_en, "Trachea, bronchus and lung");
	assert_string_equal(table.groups[9].label_zh, "气管、支气管、肺");
	assert_true(table.groups[26].total && table.groups[27].total && !table.groups[25].total);
	assert_string_equal(fg_site_group_label(&table, "14"), "Breast");
	assert_string_equal(fg_site_group_label(&table, "99"), "");
}

static void
test_classify(void **state)
{
	(void)state;
	assert_classified("C16.2", "04", true);
	assert_classified("c162", "04", true);
	assert_classified("C34.900x001", "10", true);	/* national clinical version extension */
	assert_classified("C11", "02", true);
	assert_classified("C10.9", "01", true);
	assert_classified("C12", "01", true);
	assert_classified("C68.0", "20", true);
	assert_classified("D33.1", "22", true);
	assert_classified("D46.9", "25", true);
	assert_classified("C96.0", "24", true);
	assert_classified("C44.3", "26", false);	/* other skin: not in ALLbC44 */
	assert_classified("C80.9", "26", true);
}

static void
test_refused(void **state)
{
	struct fg_error err;
	uint64_t mask;
	int g;

	(void)state;
	assert_int_equal(fg_site_group_classify(&table, "D05.1", "icd10", &g, &mask, &err), FG_INVALID);
	assert_string_equal(err.message, "ICD-10 code \"D05.1\" is outside the registry's scope");
	assert_int_equal(fg_site_group_classify(&table, "C35", "icd10", &g, &mask, &err), FG_INVALID);
	assert_int_equal(fg_site_group_classify(&table, "X16", "icd10", &g, &mask, &err), FG_INVALID);
	assert_string_equal(err.message, "invalid ICD-10 code \"X16\"");
	assert_string_equal(err.field, "icd10");
	assert_int_equal(fg_icd10_slot("C1"), -1);
	assert_int_equal(fg_icd10_slot("C16-2"), -1);
	assert_int_equal(fg_icd10_slot("D00"), 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
