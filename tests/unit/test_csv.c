/*
 * test_csv.c
 *	  Unit tests of the streaming CSV reader: quoting, line endings, the
 *	  byte-order mark, comments, headers and the record-size cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/csv.h"

static fg_csv *
open_text(const char *text, const struct fg_csv_options *opts, FILE **f)
{
	fg_csv *csv = NULL;

	*f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(*f);
	assert_int_equal(fg_csv_open_stream(*f, "test.csv", opts, &csv, NULL), FG_OK);
	return csv;
}

static void
expect_row(fg_csv *csv, size_t n, const char *const *fields)
{
	bool row = false;

	assert_int_equal(fg_csv_read(csv, &row, NULL), FG_OK);
	assert_true(row);
	assert_int_equal(fg_csv_count(csv), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fg_csv_field(csv, i), fields[i]);
}

static void
test_quotes_and_line_endings(void **state)
{
	FILE *f;
	fg_csv *csv = open_text("a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",,x\n\nlast", NULL, &f);
	bool row = true;

	expect_row(csv, 3, (const char *const[]){"a", "b,c", "d\"e"});
	expect_row(csv, 3, (const char *const[]){"multi\nline", "", "x"});
	assert_int_equal(fg_csv_line(csv), 2);
	expect_row(csv, 1, (const char *const[]){"last"});
	assert_int_equal(fg_csv_line(csv), 5);
	assert_int_equal(fg_csv_read(csv, &row, NULL), FG_OK);
	assert_false(row);
	assert_string_equal(fg_csv_field(csv, 7), "");
	fg_csv_close(csv);
	fclose(f);
}

static void
test_bom_header_and_comments(void **state)
{
	struct fg_csv_options opts = {.header = true, .comments = true};
	FILE *f;
	fg_csv *csv = open_text("\xEF\xBB\xBFname,sex\n# a comment\n陈美玲,2\n", &opts, &f);

	assert_int_equal(fg_csv_column(csv, "name"), 0);
	assert_int_equal(fg_csv_column(csv, "sex"), 1);
	assert_int_equal(fg_csv_column(csv, "age"), -1);
	assert_int_equal(fg_csv_header_count(csv), 2);
	expect_row(csv, 2, (const char *const[]){"陈美玲", "2"});
	assert_int_equal(fg_csv_record(csv), 1);
	fg_csv_close(csv);
	fclose(f);
}

static void
test_not_a_bom_is_data(void **state)
{
	FILE *f;
	fg_csv *csv = open_text("\xEF\xBC\x91,b\n", NULL, &f);	/* full-width 1 */

	expect_row(csv, 2, (const char *const[]){"\xEF\xBC\x91", "b"});
	fg_csv_close(csv);
	fclose(f);
}

static void
test_errors(void **state)
{
	struct fg_csv_options small = {.max_record = 16};
	struct fg_error err;
	FILE *f;
	fg_csv *csv = open_text("ok\n\"never closed\n", NULL, &f);
	bool row;

	expect_row(csv, 1, (const char *const[]){"ok"});
	assert_int_equal(fg_csv_read(csv, &row, &err), FG_INVALID);
	assert_string_equal(err.message, "unterminated quoted field at line 2 of \"test.csv\"");
	fg_csv_close(csv);
	fclose(f);

	csv = open_text("short\nthis record is longer than sixteen bytes\n", &small, &f);
	expect_row(csv, 1, (const char *const[]){"short"});
	assert_int_equal(fg_csv_read(csv, &row, &err), FG_INVALID);
	assert_string_equal(err.message, "record at line 2 of \"test.csv\" is too long");
	fg_csv_close(csv);
	fclose(f);

	assert_int_equal(fg_csv_open("/nonexistent.csv", NULL, &csv, &err), FG_IO);
	assert_null(csv);
	assert_string_equal(err.field, "file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes_and_line_endings),
		cmocka_unit_test(test_bom_header_and_comments),
		cmocka_unit_test(test_not_a_bom_is_data),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
