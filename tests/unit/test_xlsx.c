/*
 * test_xlsx.c
 *	  Unit tests of the workbook writer (fangai/xlsx.h): a workbook of two
 *	  sheets is a zip archive holding both; a sheet name Excel refuses and a
 *	  row before any sheet are errors naming "sheet"; a path that cannot be
 *	  written is an error naming "output".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fangai/xlsx.h"

static const char *const columns[] = {"district", "count", "rate"};
static const bool numeric[] = {false, true, true};

/* A temporary path for a workbook, removed by the caller. */
static void
temporary_path(char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/fangai-xlsx-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static void
test_two_sheets_make_a_zip_archive(void **state)
{
	const char *row[] = {"440106", "12", "3.25"}, *text[] = {"440103", "n/a", "1e300"};
	struct fg_error err;
	char path[256], magic[2];
	fg_xlsx *x;
	FILE *f;

	(void)state;
	temporary_path(path, sizeof(path));
	assert_int_equal(fg_xlsx_open(path, &x, &err), FG_OK);
	assert_int_equal(fg_xlsx_sheet(x, "发病", columns, numeric, 3, &err), FG_OK);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(fg_xlsx_row(x, row, 3, &err), FG_OK);
	assert_int_equal(fg_xlsx_row(x, text, 3, &err), FG_OK);	/* "n/a" as text; 1e300 a number */
	assert_int_equal(fg_xlsx_sheet(x, "population", columns, NULL, 3, &err), FG_OK);
	assert_int_equal(fg_xlsx_row(x, text, 3, &err), FG_OK);
	assert_int_equal(fg_xlsx_close(x, &err), FG_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 2, f), 2);
	assert_memory_equal(magic, "PK", 2);
	fclose(f);
	unlink(path);
}

static void
test_bad_sheet_name_and_early_row(void **state)
{
	const char *row[] = {"440106", "1", "1"};
	struct fg_error err;
	char path[256];
	fg_xlsx *x;

	(void)state;
	temporary_path(path, sizeof(path));
	assert_int_equal(fg_xlsx_open(path, &x, &err), FG_OK);
	assert_int_equal(fg_xlsx_row(x, row, 3, &err), FG_INVALID);
	assert_string_equal(err.field, "sheet");
	assert_int_equal(fg_xlsx_sheet(x, "a/b", columns, numeric, 3, &err), FG_INVALID);
	assert_string_equal(err.field, "sheet");
	assert_non_null(strstr(err.message, "a/b"));
	assert_int_equal(fg_xlsx_sheet(x, "rates", columns, numeric, 3, &err), FG_OK);
	assert_int_equal(fg_xlsx_close(x, &err), FG_OK);
	unlink(path);
}

static void
test_unwritable_path(void **state)
{
	const char *row[] = {"440106", "1", "1"};
	struct fg_error err;
	fg_xlsx *x = NULL;
	fg_rc rc;

	(void)state;
	rc = fg_xlsx_open("/nonexistent-directory/book.xlsx", &x, &err);
	if (rc == FG_OK) {	/* libxlsxwriter opens the file only at the end */
		assert_int_equal(fg_xlsx_sheet(x, "s", columns, numeric, 3, &err), FG_OK);
		assert_int_equal(fg_xlsx_row(x, row, 3, &err), FG_OK);
		rc = fg_xlsx_close(x, &err);
	}
	assert_int_equal(rc, FG_IO);
	assert_string_equal(err.field, "output");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_sheets_make_a_zip_archive),
		cmocka_unit_test(test_bad_sheet_name_and_early_row),
		cmocka_unit_test(test_unwritable_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
