/*
 * test_person.c
 *	  Unit tests of the person registry: deterministic matching on the ID
 *	  number, conflict reports, refusals that store nothing, search by
 *	  traditional or simplified names, sort orders, and the prior versions
 *	  kept for history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/institution.h"
#include "fangai/person.h"
#include "store_fixture.h"

struct fixture {
	fg_store *store;
	struct fg_arena arena;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fg_institution_input in = {
		.uscc = "91350100M000100Y43", .name = "示范市癌症中心", .kind = "cancer_centre",
		.district = "440106",
	};
	struct fg_institution out;

	setenv("FANGAI_TODAY", "2026-06-30", 1);
	if (f == NULL || fixture_open(&f->store) != FG_OK ||
	    fg_store_migrate(f->store, NULL, NULL) != FG_OK ||
	    fg_institution_add(f->store, &in, &out, NULL) != FG_OK)
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
	fg_arena_free(&f->arena);
	free(f);
	return 0;
}

static int64_t
count_persons(fg_store *store)
{
	fg_stmt *st;
	int64_t n = -1;

	assert_int_equal(fg_store_prepare(store, "SELECT count(*) FROM person", &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &n, NULL, NULL), FG_OK);
	return n;
}

static const struct fg_person_input chen = {
	.institution = "1", .id_number = "11010519491231002x", .name = "陳美玲",
	.phone = "138 1234 5678",
};

static void
test_add_derives_sex_and_birth(void **state)
{
	struct fixture *f = *state;
	struct fg_person p;
	bool matched = true;

	assert_int_equal(fg_person_add(f->store, &chen, &p, &matched, NULL, NULL), FG_OK);
	assert_false(matched);
	assert_true(p.id > 0);
	assert_string_equal(p.id_number, "11010519491231002X");
	assert_int_equal(p.sex, '2');
	assert_int_equal(p.birth_date, fg_date_from_ymd(1949, 12, 31));
	assert_string_equal(p.name_key, "陈美玲");
	assert_string_equal(p.phone, "13812345678");
	assert_string_equal(p.district, "440106");	/* the institution's */
}

static void
test_same_id_number_matches_and_reports_conflicts(void **state)
{
	struct fixture *f = *state;
	struct fg_person_input again = chen;
	struct fg_findings conflicts;
	struct fg_person first, second;
	bool matched;

	assert_int_equal(fg_person_add(f->store, &chen, &first, &matched, NULL, NULL), FG_OK);
	again.name = "陈美玲";		/* same name in simplified: no conflict */
	again.phone = "13900001111";
	again.id_number = "110105 19491231 002X";
	fg_findings_init(&conflicts, &f->arena);
	assert_int_equal(fg_person_add(f->store, &again, &second, &matched, &conflicts, NULL), FG_OK);
	assert_true(matched);
	assert_int_equal(second.id, first.id);
	assert_int_equal(conflicts.count, 1);
	assert_string_equal(conflicts.items[0].code, "conflict.phone");
	assert_string_equal(conflicts.items[0].field, "phone");
	assert_int_equal(count_persons(f->store), 1);
}

static void
test_refusals_store_nothing(void **state)
{
	struct fixture *f = *state;
	static const struct {
		struct fg_person_input in;
		const char *field;
	} cases[] = {
		{{.institution = "1", .id_number = "110105194912310021", .name = "陈美玲"}, "id_number"},
		{{.institution = "1", .id_number = "11010519491231002X", .name = "陈美玲", .sex = "1"}, "sex"},
		{{.institution = "1", .id_number = "11010519491231002X", .name = "陈美玲",
		  .birth_date = "1949-12-30"}, "birth_date"},
		{{.institution = "1", .name = "李雷", .sex = "1", .birth_date = "2027-01-01"}, "birth_date"},
		{{.institution = "1", .name = "李雷", .sex = "1", .birth_date = "1890-01-01"}, "birth_date"},
		{{.institution = "1", .name = "李雷", .sex = "1"}, "birth_date"},
		{{.institution = "1", .name = "李雷", .birth_date = "1990-01-01"}, "sex"},
		{{.institution = "1", .name = "李雷", .sex = "x", .birth_date = "1990-01-01"}, "sex"},
		{{.institution = "1", .name = "", .sex = "1", .birth_date = "1990-01-01"}, "name"},
		{{.institution = "99", .name = "李雷", .sex = "1", .birth_date = "1990-01-01"}, "institution"},
		{{.institution = "1", .name = "李雷", .sex = "1", .birth_date = "1990-01-01",
		  .phone = "12345"}, "phone"},
		{{.institution = "1", .name = "李雷", .sex = "1", .birth_date = "1990-01-01",
		  .district = "990101"}, "district"},
		{{.institution = "1", .name = "李雷", .sex = "1", .birth_date = "1990-01-01",
		  .id_type = "passport"}, "id_type"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fg_person p;
		struct fg_error err;
		bool matched;

		fg_error_clear(&err);
		assert_int_equal(fg_person_add(f->store, &cases[i].in, &p, &matched, NULL, &err),
				 FG_INVALID);
		assert_string_equal(err.field, cases[i].field);
		assert_true(err.message[0] != '\0');
	}
	assert_int_equal(count_persons(f->store), 0);
}

static void
test_find_by_name_id_and_phone(void **state)
{
	struct fixture *f = *state;
	struct fg_person_query q = {.limit = 10};
	struct fg_person_list list;
	struct fg_person p;
	bool matched;
	struct fg_person_input other = {.institution = "1", .name = "陈志强", .sex = "M",
					.birth_date = "1960-05-01"};

	assert_int_equal(fg_person_add(f->store, &chen, &p, &matched, NULL, NULL), FG_OK);
	assert_int_equal(fg_person_add(f->store, &other, &p, &matched, NULL, NULL), FG_OK);

	q.text = "陳美玲";
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 1);
	assert_string_equal(list.items[0].name, "陳美玲");
	q.text = "陳";		/* prefix, in traditional: both */
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 2);
	q.limit = 1;
	q.offset = 1;
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 2);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].name, "陈志强");
	q.limit = 10;
	q.offset = 0;
	q.text = "110105491231002";	/* the legacy 15-digit form */
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 1);
	q.text = "138-1234-5678";
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 1);
	q.text = NULL;
	q.district = "440106";
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 2);
	q.district = "440103";
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.total, 0);
	q.limit = 0;
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_INVALID);
}

static void
test_get(void **state)
{
	struct fixture *f = *state;
	struct fg_person p, g;
	struct fg_error err;
	bool matched;

	assert_int_equal(fg_person_add(f->store, &chen, &p, &matched, NULL, NULL), FG_OK);
	assert_int_equal(fg_person_get(f->store, p.id, &g, NULL), FG_OK);
	assert_string_equal(g.name, "陳美玲");
	assert_int_equal(g.version, 1);
	assert_int_equal(g.death_date, FG_DATE_NONE);
	assert_int_equal(fg_person_get_by_id_number(f->store, "11010519491231002X", &g, NULL), FG_OK);
	assert_int_equal(g.id, p.id);
	assert_int_equal(fg_person_get(f->store, 999, &g, &err), FG_NOTFOUND);
	assert_string_equal(err.message, "person 999 does not exist");
	assert_int_equal(fg_person_get_by_id_number(f->store, "440524188001010014", &g, &err), FG_NOTFOUND);
}

static void
test_sort_orders(void **state)
{
	struct fixture *f = *state;
	struct fg_person_input a = {.institution = "1", .name = "李四", .sex = "1", .birth_date = "1970-05-01"};
	struct fg_person_input b = {.institution = "1", .name = "王五", .sex = "2", .birth_date = "1960-05-01"};
	struct fg_person_query q = {.limit = 10, .sort = FG_PERSON_SORT_BIRTH_DATE};
	struct fg_person_list list;
	struct fg_person pa, pb;
	bool matched;

	assert_int_equal(fg_person_add(f->store, &a, &pa, &matched, NULL, NULL), FG_OK);
	assert_int_equal(fg_person_add(f->store, &b, &pb, &matched, NULL, NULL), FG_OK);
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.items[0].id, pb.id);	/* born first */
	q.descending = true;
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.items[0].id, pa.id);
	q.sort = FG_PERSON_SORT_ID;
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_OK);
	assert_int_equal(list.items[0].id, pb.id);	/* the higher id first */
	q.sort = (enum fg_person_sort)99;
	assert_int_equal(fg_person_find(f->store, &q, &f->arena, &list, NULL), FG_INVALID);
}

static void
test_history_keeps_prior_versions(void **state)
{
	struct fixture *f = *state;
	struct fg_person_input moved = chen;
	struct fg_person_history_query q = {.limit = 10};
	struct fg_person_history h;
	struct fg_person_version v;
	struct fg_person p, p2;
	struct fg_error err;
	bool matched;

	assert_int_equal(fg_person_add(f->store, &chen, &p, &matched, NULL, NULL), FG_OK);
	moved.phone = "13900001111";
	assert_int_equal(fg_person_update(f->store, p.id, 1, &moved, &p2, NULL), FG_OK);
	assert_int_equal(p2.version, 2);
	/* A stale update keeps nothing twice and changes nothing. */
	assert_int_equal(fg_person_update(f->store, p.id, 1, &moved, &p2, &err), FG_CONFLICT);
	assert_int_equal(fg_person_get_version(f->store, p.id, 1, &v, NULL), FG_OK);
	assert_string_equal(v.person.phone, "13812345678");
	assert_int_equal(v.person.version, 1);
	assert_int_equal(fg_person_get_version(f->store, p.id, 2, &v, NULL), FG_OK);
	assert_string_equal(v.person.phone, "13900001111");
	assert_int_equal(fg_person_get_version(f->store, p.id, 3, &v, &err), FG_NOTFOUND);
	assert_string_equal(err.field, "version");
	q.person_id = p.id;
	assert_int_equal(fg_person_history(f->store, &q, &f->arena, &h, NULL), FG_OK);
	assert_int_equal(h.total, 2);
	assert_int_equal(h.items[0].person.version, 2);	/* newest first */
	assert_int_equal(h.items[1].person.version, 1);
	q.person_id = 0;
	q.visible_to = 2;	/* an institution that does not see the person */
	assert_int_equal(fg_person_history(f->store, &q, &f->arena, &h, NULL), FG_OK);
	assert_int_equal(h.total, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_derives_sex_and_birth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_id_number_matches_and_reports_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_by_name_id_and_phone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_keeps_prior_versions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
