/*
 * test_bloom.c
 *	  Unit tests of the Bloom filter (fangai/bloom.h): never a "never" for a
 *	  text added, few "perhaps" for texts not added, and an empty filter
 *	  that answers "perhaps".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "fangai/bloom.h"

#define ADDED 20000

static void
test_added_texts_are_found(void **state)
{
	struct fg_bloom b;
	char text[32];
	int perhaps = 0;

	assert_true(fg_bloom_init(&b, ADDED));
	for (int i = 0; i < ADDED; i++) {
		snprintf(text, sizeof(text), "01|4401031980%06d", i);
		fg_bloom_add(&b, text);
	}
	for (int i = 0; i < ADDED; i++) {
		snprintf(text, sizeof(text), "01|4401031980%06d", i);
		assert_true(fg_bloom_may_have(&b, text));
	}
	/* Texts never added, of the same shape: about 1% answer "perhaps". */
	for (int i = ADDED; i < 2 * ADDED; i++) {
		snprintf(text, sizeof(text), "01|4401031980%06d", i);
		perhaps += fg_bloom_may_have(&b, text);
	}
	assert_true(perhaps < 2 * ADDED / 100);
	assert_false(fg_bloom_may_have(&b, ""));
	fg_bloom_free(&b);
	fg_bloom_free(&b);
}

static void
test_empty_filter_answers_perhaps(void **state)
{
	struct fg_bloom b = {0};

	fg_bloom_add(&b, "P1");
	assert_true(fg_bloom_may_have(&b, "P1"));
	assert_true(fg_bloom_may_have(&b, "anything"));
	fg_bloom_free(&b);
}

static void
test_size_is_bounded(void **state)
{
	struct fg_bloom b;

	assert_true(fg_bloom_init(&b, 0));
	assert_int_equal(b.mask + 1, UINT64_C(1) << 16);
	fg_bloom_free(&b);
	assert_true(fg_bloom_init(&b, UINT64_C(1) << 40));
	assert_int_equal(b.mask + 1, UINT64_C(1) << 28);
	fg_bloom_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_texts_are_found),
		cmocka_unit_test(test_empty_filter_answers_perhaps),
		cmocka_unit_test(test_size_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
