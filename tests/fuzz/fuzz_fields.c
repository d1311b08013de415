/*
 * fuzz_fields.c
 *	  libFuzzer harness for the field parsers of the person registry: the
 *	  first byte chooses the parser (resident ID number, unified social
 *	  credit code, date, phone, name and name key, integer, sex), the rest is
 *	  its input.  Checks that accepted values are normalised fixed points.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/identity.h"
#include "fangai/name.h"
#include "fangai/person.h"
#include "fangai/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_id(const char *text)
{
	struct fg_resident_id a, b;
	struct fg_error err;

	if (fg_resident_id_parse(text, fg_date_from_ymd(2026, 6, 30), &a, &err) != FG_OK)
		return;
	if (strlen(a.number) != 18 ||
	    fg_resident_id_parse(a.number, fg_date_from_ymd(2026, 6, 30), &b, NULL) != FG_OK ||
	    strcmp(a.number, b.number) != 0 || a.birth_date != b.birth_date || a.sex != b.sex)
		abort();
}

static void
check_name(const char *text)
{
	char norm[FG_NAME_MAX], again[FG_NAME_MAX], key[FG_NAME_MAX];

	if (fg_name_normalise(text, "name", norm, sizeof(norm), NULL) != FG_OK)
		return;
	if (fg_name_normalise(norm, "name", again, sizeof(again), NULL) != FG_OK ||
	    strcmp(norm, again) != 0)
		abort();
	fg_name_key(norm, key, sizeof(key), NULL);
}

static void
check_misc(uint8_t which, const char *text)
{
	char out[64];
	fg_date d;
	int64_t v;

	switch (which % 5) {
	case 0:
		fg_uscc_parse(text, "uscc", out, NULL);
		break;
	case 1:
		if (fg_date_parse(text, "date", &d, NULL) == FG_OK) {
			char buf[FG_DATE_TEXT_MAX];
			fg_date e;

			if (fg_date_parse(fg_date_format(d, buf), "date", &e, NULL) != FG_OK || d != e)
				abort();
		}
		break;
	case 2:
		fg_phone_normalise(text, out, sizeof(out), NULL);
		break;
	case 3:
		fg_parse_int64(text, "n", INT64_MIN, INT64_MAX, &v, NULL);
		break;
	default:
		fg_sex_parse(text, out, NULL);
		fg_district_check(text, "district", NULL);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		check_id(text);
		break;
	case 1:
		check_name(text);
		break;
	default:
		check_misc(data[0] / 3, text);
		break;
	}
	free(text);
	return 0;
}
