/*
 * test_synthea.c
 *	  Unit tests of the Synthea import: the SNOMED CT map file loads and
 *	  refuses a malformed row naming it, and a bundle imports its Patient,
 *	  death and mapped cancer, reports the unmapped one, and stores nothing
 *	  when a Patient is refused.
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

#include "fangai/synthea.h"
#include "store_fixture.h"

struct fixture {
	fg_store *store;
	fg_synthea_map *map;
	fg_registry *reg;
	struct fg_arena arena;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	setenv("FANGAI_TODAY", "2026-06-30", 1);
	if (f == NULL)
		return -1;
	f->store = fixture_store("INSERT INTO institution (id, uscc, name, kind, district, created_at)"
				 " VALUES (1, '91350100M000100Y43', '示范市癌症中心', 'cancer_centre', '440106',"
				 " '2026-01-01T00:00:00Z')");
	if (f->store == NULL || fg_synthea_map_load(NULL, &f->map, NULL) != FG_OK ||
	    fg_registry_open(NULL, &f->reg, NULL) != FG_OK)
		return -1;
	fg_arena_init(&f->arena, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_store_close(f->store);
	fg_synthea_map_free(f->map);
	fg_registry_free(f->reg);
	fg_arena_free(&f->arena);
	free(f);
	return 0;
}

static void
test_map_refuses_a_bad_row(void **state)
{
	char path[] = "/tmp/synthea-map-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	fg_synthea_map *map = NULL;
	struct fg_error err;

	(void)state;
	assert_non_null(fp);
	fputs("# a map\nsnomed,display,topography,morphology,behaviour,icd10\n"
	      "254837009,Breast,C50.9,8000,3,C50.9\n363406005,Colon,,8000,3,C18.9\n", fp);
	fclose(fp);
	assert_int_equal(fg_synthea_map_load(path, &map, &err), FG_INVALID);
	assert_null(map);
	assert_string_equal(err.field, "topography");
	assert_non_null(strstr(err.message, ":4:"));
	unlink(path);
}

static const char bundle[] =
	"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
	"{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
	"\"name\":[{\"use\":\"official\",\"family\":\"Lin7\",\"given\":[\"Wei12\"]}],\"gender\":\"male\","
	"\"birthDate\":\"1950-04-12\",\"deceasedDateTime\":\"2024-06-01T10:15:00+08:00\"}},"
	"{\"resource\":{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
	"\"code\":\"254632001\",\"display\":\"Small cell carcinoma of lung (disorder)\"}]},"
	"\"subject\":{\"reference\":\"urn:uuid:p1\"},\"onsetDateTime\":\"2023-02-10\"}},"
	"{\"resource\":{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
	"\"code\":\"94260004\",\"display\":\"Secondary malignant neoplasm of colon\"}]},"
	"\"subject\":{\"reference\":\"urn:uuid:p1\"},\"onsetDateTime\":\"2023-03-10\"}},"
	"{\"resource\":{\"resourceType\":\"Encounter\",\"status\":\"finished\"}}]}";

static void
test_import(void **state)
{
	struct fixture *f = *state;
	struct fg_synthea_options opts = {.institution = "1", .map = f->map, .reg = f->reg};
	struct fg_synthea_report rep;

	assert_int_equal(fg_synthea_import(f->store, bundle, strlen(bundle), &opts, &f->arena, &rep, NULL), FG_OK);
	assert_int_equal(rep.patients_added, 1);
	assert_int_equal(rep.deaths, 1);
	assert_int_equal(rep.cancers, 1);
	assert_int_equal(rep.not_mapped, 1);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(rep.ntumour_ids, 1);
	assert_string_equal(rep.issues[0].where, "Bundle.entry[2].resource");
	/* Again: the Patient is known, nothing is added. */
	assert_int_equal(fg_synthea_import(f->store, bundle, strlen(bundle), &opts, &f->arena, &rep, NULL), FG_OK);
	assert_int_equal(rep.patients_known, 1);
	assert_int_equal(rep.cancers, 0);
	assert_int_equal(rep.ntumour_ids, 0);
}

static void
test_refused_patient_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct fg_synthea_options opts = {.institution = "1", .map = f->map, .reg = f->reg};
	struct fg_synthea_report rep;
	struct fg_error err;
	char *bad = strdup(bundle);
	fg_stmt *st;
	int64_t n = -1;

	memcpy(strstr(bad, "1950-04-12"), "1950-02-30", 10);
	assert_int_equal(fg_synthea_import(f->store, bad, strlen(bad), &opts, &f->arena, &rep, &err), FG_INVALID);
	assert_string_equal(err.field, "Bundle.entry[0].resource.birthDate");
	assert_int_equal(fg_store_prepare(f->store, "SELECT count(*) FROM person", &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &n, NULL, NULL), FG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(fg_synthea_import(f->store, "[1]", 3, &opts, &f->arena, &rep, &err), FG_INVALID);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_refuses_a_bad_row),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_patient_stores_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
