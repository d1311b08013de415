/*
 * test_link_model.c
 *	  The registry's linkage model and the duplicate check at
 *	  registration, on SQLite or on PostgreSQL (store_fixture.h): a model
 *	  kept reads back exactly, only for the fields it was estimated on; a
 *	  scan of a registry without duplicates keeps none; a person
 *	  registered is checked only once a model is kept, and its possible
 *	  duplicates are queued for review, in its transaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/linkage.h"
#include "fangai/person.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "store_fixture.h"

static int
setup(void **state)
{
	struct fg_synth_options city = {.seed = 2, .persons = 300, .as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_synth_report rep;
	fg_store *store = fixture_store(NULL);

	if (store == NULL || fg_synth_city(store, &city, &rep, NULL) != FG_OK) {
		fg_store_close(store);
		return -1;
	}
	*state = store;
	return 0;
}

static int64_t
scalar(fg_store *store, const char *sql)
{
	fg_stmt *st;
	int64_t v = -1;

	assert_int_equal(fg_store_prepare(store, sql, &st, NULL), FG_OK);
	assert_int_equal(fg_stmt_scalar_int64(st, &v, NULL, NULL), FG_OK);
	return v;
}

static fg_rc
add_record(const struct fg_link_synth_record *r, void *userdata, struct fg_error *err)
{
	const char *values[] = {r->id_number, r->name, r->sex, r->birth_date, r->phone, r->address};

	return fg_link_data_add(userdata, r->key, values, err);
}

static fg_rc
ignore_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	(void)p;
	(void)userdata;
	(void)err;
	return FG_OK;
}

/* A model estimated on synthetic persons, a fifth of them recorded twice. */
static void
estimate(const struct fg_link_spec *spec, struct fg_link_model *model)
{
	struct fg_link_synth_options lso = {.seed = 3, .persons = 3000, .duplicates = 0.2,
					    .as_of = fg_date_from_ymd(2025, 12, 31)};
	fg_link_data *data = NULL;

	assert_int_equal(fg_link_data_new(spec, 0, &data, NULL), FG_OK);
	assert_int_equal(fg_link_synth(&lso, add_record, data, NULL), FG_OK);
	assert_int_equal(fg_link_run(spec, data, NULL, 1.0, 1, ignore_pair, NULL, model, NULL), FG_OK);
	fg_link_data_free(data);
	assert_true(model->converged);
}

/* Keep a model estimated on synthetic persons as the registry's. */
static void
keep_model(fg_store *store)
{
	struct fg_link_spec spec;
	struct fg_link_model model;

	fg_link_spec_default(&spec);
	estimate(&spec, &model);
	assert_int_equal(fg_link_model_save(store, &spec, &model, NULL), FG_OK);
}

static void
test_model_reads_back_exactly(void **state)
{
	fg_store *store = *state;
	struct fg_link_spec spec, other;
	struct fg_link_model model, back;
	struct fg_error err;
	bool found = true;

	fg_link_spec_default(&spec);
	assert_int_equal(fg_link_model_load(store, &spec, &back, &found, &err), FG_OK);
	assert_false(found);
	estimate(&spec, &model);
	model.m[1][0] = 1.0 / 3.0;	/* digits a short text would lose */
	model.u[1][0] = 1e-300;
	assert_int_equal(fg_link_model_save(store, &spec, &model, &err), FG_OK);
	assert_int_equal(fg_link_model_load(store, &spec, &back, &found, &err), FG_OK);
	assert_true(found);
	assert_true(back.p == model.p);
	assert_int_equal(back.pairs, model.pairs);
	for (int f = 0; f < spec.nfields; f++)
		for (int l = 0; l < fg_link_cmp_levels(spec.fields[f].cmp); l++) {
			assert_true(back.m[f][l] == model.m[f][l]);
			assert_true(back.u[f][l] == model.u[f][l]);
		}
	/* Fields compared otherwise: that model is not theirs. */
	fg_link_spec_default(&other);
	assert_int_equal(fg_link_spec_field(&other, "address:exact", &err), FG_OK);
	assert_int_equal(fg_link_model_load(store, &other, &back, &found, &err), FG_OK);
	assert_false(found);
}

/* The city has no duplicates: EM finds too few matches, and keeps no model. */
static void
test_scan_without_duplicates_keeps_no_model(void **state)
{
	fg_store *store = *state;
	struct fg_link_scan_report rep;
	struct fg_link_spec spec;
	struct fg_error err;

	fg_link_spec_default(&spec);
	assert_int_equal(fg_link_registry_scan(store, &spec, false, "test", 1, &rep, &err), FG_OK);
	assert_int_equal(rep.persons, 300);
	assert_false(rep.model_kept);
	assert_int_equal(scalar(store, "SELECT count(*) FROM link_model"), 0);
}

/* A registered person again, without ID number (texts in sex, birth). */
static struct fg_person_input
again(const struct fg_person *p, char sex[2], char *birth)
{
	sex[0] = p->sex;
	sex[1] = '\0';
	return (struct fg_person_input){
		.institution = "1", .name = p->name, .sex = sex,
		.birth_date = fg_date_format(p->birth_date, birth), .phone = p->phone,
	};
}

static void
test_registration_is_checked_once_a_model_is_kept(void **state)
{
	fg_store *store = *state;
	struct fg_link_candidate cands[8];
	struct fg_person reg, out;
	struct fg_person_input in;
	struct fg_error err;
	char birth[FG_DATE_TEXT_MAX], sex[2];
	bool matched, checked;
	size_t n = 99;

	assert_int_equal(fg_person_get(store, 7, &reg, &err), FG_OK);
	in = again(&reg, sex, birth);
	assert_int_equal(fg_link_register(store, &in, &out, &matched, NULL, cands, 8, &n, &checked, &err),
			 FG_OK);
	assert_false(matched);
	assert_false(checked);
	assert_int_equal(n, 0);

	keep_model(store);
	assert_int_equal(fg_link_register(store, &in, &out, &matched, NULL, cands, 8, &n, &checked, &err),
			 FG_OK);
	assert_true(checked);
	assert_true(n >= 1);
	assert_true(scalar(store, "SELECT count(*) FROM link_review WHERE person_a = 7 AND state = 'open'") == 1);
	assert_int_equal(scalar(store, "SELECT count(*) FROM link_review WHERE person_b <> "
				"(SELECT max(id) FROM person)"), 0);
}

/* A registration refused stores nothing, neither the person nor a review. */
static void
test_refused_registration_queues_nothing(void **state)
{
	fg_store *store = *state;
	struct fg_link_candidate cands[8];
	struct fg_person reg, out;
	struct fg_person_input in;
	struct fg_error err;
	char birth[FG_DATE_TEXT_MAX], sex[2];
	bool matched, checked;
	size_t n;

	keep_model(store);
	assert_int_equal(fg_person_get(store, 7, &reg, &err), FG_OK);
	in = again(&reg, sex, birth);
	in.sex = "5";
	assert_int_equal(fg_link_register(store, &in, &out, &matched, NULL, cands, 8, &n, &checked, &err),
			 FG_INVALID);
	assert_string_equal(err.field, "sex");
	assert_int_equal(scalar(store, "SELECT count(*) FROM person"), 300);
	assert_int_equal(scalar(store, "SELECT count(*) FROM link_review"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_reads_back_exactly, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_scan_without_duplicates_keeps_no_model, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_registration_is_checked_once_a_model_is_kept, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refused_registration_queues_nothing, setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
