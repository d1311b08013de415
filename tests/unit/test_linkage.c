/*
 * test_linkage.c
 *	  Record linkage: comparators, configuration, and the acceptance
 *	  measure -- precision and recall of deduplication on synthetic
 *	  duplicates with known truth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/linkage.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "store_fixture.h"

/* Reference values of Winkler (1990), as listed in the record linkage literature. */
static void
test_jaro_winkler(void **state)
{
	(void)state;
	assert_float_equal(fg_jaro_winkler("MARTHA", "MARHTA"), 0.9611, 0.0001);
	assert_float_equal(fg_jaro_winkler("DWAYNE", "DUANE"), 0.84, 0.0001);
	assert_float_equal(fg_jaro_winkler("DIXON", "DICKSONX"), 0.8133, 0.0001);
	assert_float_equal(fg_jaro_winkler("", ""), 1.0, 0.0);
	assert_float_equal(fg_jaro_winkler("abc", ""), 0.0, 0.0);
	/* On code points, not bytes: one of three characters differs. */
	assert_float_equal(fg_jaro_winkler("张伟明", "张伟华"), 0.8222, 0.0001);
}

static void
test_pinyin(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(fg_pinyin("张伟", out, sizeof(out), NULL), FG_OK);
	assert_string_equal(out, "zhangwei");
	assert_int_equal(fg_pinyin("吕A", out, sizeof(out), NULL), FG_OK);
	assert_string_equal(out, "lva");
	/* Truncation keeps whole syllables. */
	assert_int_equal(fg_pinyin("张伟", out, 8, NULL), FG_OK);
	assert_string_equal(out, "zhang");
}

/* Compare two records on one field with a neutral model and return the level name. */
static const char *
level_of(const char *field_spec, const char *x, const char *y)
{
	static char name[32];
	struct fg_link_spec spec;
	struct fg_link_model model = {.p = 0.5};
	struct fg_link_pair pair;
	fg_link_data *a, *b;
	const char *va[1] = {x}, *vb[1] = {y};

	fg_link_spec_empty(&spec);
	assert_int_equal(fg_link_spec_field(&spec, field_spec, NULL), FG_OK);
	for (int l = 0; l < FG_LINK_MAX_LEVELS; l++)
		model.m[0][l] = model.u[0][l] = 0.2;
	assert_int_equal(fg_link_data_new(&spec, 0, &a, NULL), FG_OK);
	assert_int_equal(fg_link_data_new(&spec, 1, &b, NULL), FG_OK);
	assert_int_equal(fg_link_data_add(a, "a", va, NULL), FG_OK);
	assert_int_equal(fg_link_data_add(b, "b", vb, NULL), FG_OK);
	fg_link_score(&spec, &model, a, 0, b, 0, &pair);
	snprintf(name, sizeof(name), "%s%s", fg_link_level_name(spec.fields[0].cmp, pair.levels[0]),
		 pair.deterministic ? "+id" : "");
	fg_link_data_free(a);
	fg_link_data_free(b);
	return name;
}

static void
test_levels(void **state)
{
	(void)state;
	assert_string_equal(level_of("d:date", "1980-03-04", "19800304"), "equal");
	assert_string_equal(level_of("d:date", "1980-03-04", "1980-04-03"), "near");
	assert_string_equal(level_of("d:date", "1980/3/4", "1980-03-05"), "near");
	assert_string_equal(level_of("d:date", "1980-03-04", "1908-03-04"), "near");
	assert_string_equal(level_of("d:date", "1980-03-04", "1981-04-04"), "differ");
	assert_string_equal(level_of("d:date", "1980-03-04", ""), "missing");
	assert_string_equal(level_of("n:name", "陈美玲", "陈美玲"), "equal");
	assert_string_equal(level_of("n:name", "陳美玲", "陈美玲"), "simplified");
	assert_string_equal(level_of("n:name", "陈美玲", "陈美铃"), "pinyin");
	assert_string_equal(level_of("n:name", "陈美玲", "陈玲美"), "similar");
	assert_string_equal(level_of("n:name", "陈美玲", "陈美华"), "similar");
	assert_string_equal(level_of("n:name", "陈玲", "陈华"), "differ");
	assert_string_equal(level_of("p:digits", "138 0013 8000", "13800138000"), "equal");
	assert_string_equal(level_of("p:digits", "13800138000", "13800183000"), "near");
	assert_string_equal(level_of("s:exact", " M", "m"), "equal");
	assert_string_equal(level_of("i:id", "11010519491231002x", "11010519491231002X"), "equal+id");
	assert_string_equal(level_of("i:id", "110105194912310021", "110105194912310021"), "equal");
	assert_string_equal(level_of("i:id", "11010519491231002X", "11010519491231003X"), "near");
	assert_string_equal(level_of("a:jw", "海珠区江南路12号", "海珠区江南路112号"), "close");
}

static void
test_spec(void **state)
{
	struct fg_link_spec spec;
	struct fg_error err;

	(void)state;
	fg_link_spec_default(&spec);
	assert_int_equal(spec.nfields, 6);
	assert_int_equal(spec.nblocks, 6);
	assert_int_equal(fg_link_spec_field(&spec, "name:name:姓名:NAME", &err), FG_OK);
	assert_int_equal(spec.nfields, 6);
	assert_string_equal(spec.fields[1].column[0], "姓名");
	assert_string_equal(spec.fields[1].column[1], "NAME");
	assert_int_equal(fg_link_spec_field(&spec, "x:soundex", &err), FG_INVALID);
	assert_string_equal(err.message, "invalid linkage field \"x:soundex\"");
	assert_int_equal(fg_link_spec_block(&spec, "nosuch+sex", &err), FG_INVALID);
	assert_string_equal(err.message, "blocking rule \"nosuch+sex\" names no defined field");
	assert_int_equal(fg_link_spec_block(&spec, "name:initials", &err), FG_INVALID);
	assert_string_equal(err.message, "invalid blocking transform \"initials\" in \"name:initials\"");
}

struct collect {
	fg_link_data *data;
	const struct fg_link_spec *spec;
	int64_t *truth;
	size_t n, cap;
	int64_t duplicates;
	int64_t tp, fp;
};

static fg_rc
add_record(const struct fg_link_synth_record *r, void *userdata, struct fg_error *err)
{
	struct collect *c = userdata;
	const char *values[] = {r->id_number, r->name, r->sex, r->birth_date, r->phone, r->address};

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->truth = realloc(c->truth, c->cap * sizeof(*c->truth));
		assert_non_null(c->truth);
	}
	c->truth[c->n++] = r->truth;
	c->duplicates += r->perturbations[0] != '\0';
	return fg_link_data_add(c->data, r->key, values, err);
}

static fg_rc
count_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	struct collect *c = userdata;

	(void)err;
	if (p->decision != FG_LINK_MATCH)
		return FG_OK;
	if (c->truth[p->a] == c->truth[p->b])
		c->tp++;
	else
		c->fp++;
	return FG_OK;
}

/*
 * Acceptance: precision and recall of at least 0.98 on persons of the
 * synthetic city, a fifth of whom are recorded twice with typing errors,
 * swapped characters, traditional characters, a missing or mistyped ID
 * number, swapped day and month and other errors (fg_link_synth).
 */
static void
test_precision_recall(void **state)
{
	struct fg_link_synth_options opts = {.seed = 42, .persons = 8000, .duplicates = 0.2,
					     .as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_link_spec spec;
	struct fg_link_model model;
	struct collect c = {0};
	struct fg_error err;
	double precision, recall;

	(void)state;
	fg_link_spec_default(&spec);
	assert_int_equal(fg_link_data_new(&spec, 0, &c.data, &err), FG_OK);
	assert_int_equal(fg_link_synth(&opts, add_record, &c, &err), FG_OK);
	assert_true(c.duplicates > 1400);
	assert_int_equal(fg_link_run(&spec, c.data, NULL, spec.lower, 2, count_pair, &c, &model, &err),
			 FG_OK);
	precision = (double)c.tp / (double)(c.tp + c.fp);
	recall = (double)c.tp / (double)c.duplicates;
	print_message("# %lld duplicates, %lld found, %lld false: precision %.4f, recall %.4f\n",
		      (long long)c.duplicates, (long long)c.tp, (long long)c.fp, precision, recall);
	assert_true(precision >= 0.98);
	assert_true(recall >= 0.98);
	assert_true(model.converged);
	fg_link_data_free(c.data);
	free(c.truth);
}

static fg_rc
ignore_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	(void)p;
	(void)userdata;
	(void)err;
	return FG_OK;
}

/* The default spec, its model estimated on synthetic records, a city of 300 registered. */
struct check_env {
	struct fg_link_spec spec;
	struct fg_link_model model;
	fg_store *store;
};

static void
check_env_open(struct check_env *e)
{
	struct fg_synth_options city = {.seed = 2, .persons = 300, .as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_link_synth_options lso = {.seed = 3, .persons = 3000, .duplicates = 0.2,
					    .as_of = city.as_of};
	struct fg_synth_report rep;
	struct collect c = {0};
	struct fg_error err;

	fg_link_spec_default(&e->spec);
	assert_int_equal(fg_link_data_new(&e->spec, 0, &c.data, &err), FG_OK);
	assert_int_equal(fg_link_synth(&lso, add_record, &c, &err), FG_OK);
	assert_int_equal(fg_link_run(&e->spec, c.data, NULL, 1.0, 1, ignore_pair, NULL, &e->model, &err),
			 FG_OK);
	fg_link_data_free(c.data);
	free(c.truth);
	assert_int_equal(fixture_open(&e->store), FG_OK);
	assert_int_equal(fg_store_migrate(e->store, NULL, &err), FG_OK);
	assert_int_equal(fg_synth_city(e->store, &city, &rep, &err), FG_OK);
}

/* A registered person as a new record without ID number. */
static struct fg_person
unregistered(const struct fg_person *reg)
{
	struct fg_person p = *reg;

	p.id = 0;
	p.id_number[0] = '\0';
	return p;
}

/*
 * The duplicate check at registration finds a registered person from a
 * record without ID number and with day and month of birth swapped --
 * through the name and year of birth, and the phone -- and links it.
 */
static void
test_registry_check(void **state)
{
	struct fg_link_candidate cands[8];
	struct check_env e;
	struct fg_person reg, probe;
	struct fg_error err;
	size_t n = 0;
	int y, m, d;

	(void)state;
	check_env_open(&e);
	for (int64_t id = 1; ; id++) {
		assert_int_equal(fg_person_get(e.store, id, &reg, &err), FG_OK);
		fg_date_to_ymd(reg.birth_date, &y, &m, &d);
		if (reg.phone[0] && d <= 12 && d != m)
			break;
	}
	probe = unregistered(&reg);
	probe.birth_date = fg_date_from_ymd(y, d, m);
	assert_int_equal(fg_link_registry_check(e.store, &e.spec, &e.model, &probe, cands, 8, &n, &err),
			 FG_OK);
	assert_true(n >= 1);
	assert_int_equal(cands[0].person_id, reg.id);
	assert_int_equal(cands[0].pair.decision, FG_LINK_MATCH);
	fg_store_close(e.store);
}

/* A registered person whose simplified name has three characters of three bytes. */
static void
three_characters(fg_store *store, struct fg_person *reg)
{
	struct fg_error err;

	for (int64_t id = 1; ; id++) {
		assert_int_equal(fg_person_get(store, id, reg, &err), FG_OK);
		if (strlen(reg->name) == 9 && strcmp(reg->name, reg->name_key) == 0)
			return;
	}
}

/* Whether the duplicate check of probe returns person `id` (its pair into *pair). */
static bool
check_finds(struct check_env *e, const struct fg_person *probe, int64_t id,
	    struct fg_link_pair *pair)
{
	struct fg_link_candidate cands[8];
	struct fg_error err;
	size_t n = 0;

	assert_int_equal(fg_link_registry_check(e->store, &e->spec, &e->model, probe, cands, 8, &n,
						&err), FG_OK);
	for (size_t k = 0; k < n; k++) {
		if (cands[k].person_id != id)
			continue;
		if (pair)
			*pair = cands[k].pair;
		return true;
	}
	return false;
}

/* Replace the 3-byte character at byte offset at of s with another. */
static void
replace_char(char *s, size_t at)
{
	const char *other = memcmp(s + at, "乙", 3) == 0 ? "丙" : "乙";

	memcpy(s + at, other, 3);
}

/*
 * Without ID number and phone, with one character of the name mistyped, a
 * registered person is found among those of the same birth date and sex
 * through the other end of the name: the surname when the given name is
 * mistyped, the given name's last character when the surname is.
 */
static void
test_registry_check_name_typo(void **state)
{
	struct check_env e;
	struct fg_person reg, probe;

	(void)state;
	check_env_open(&e);
	three_characters(e.store, &reg);
	for (size_t at = 0; at <= 6; at += 6) {
		probe = unregistered(&reg);
		probe.phone[0] = '\0';
		replace_char(probe.name, at);
		replace_char(probe.name_key, at);
		assert_true(check_finds(&e, &probe, reg.id, NULL));
	}
	fg_store_close(e.store);
}

/*
 * A registered ID number is found whatever the name: here a name differing
 * at both ends, without phone; the pair links deterministically.
 */
static void
test_registry_check_id_number(void **state)
{
	struct check_env e;
	struct fg_person reg, probe;
	struct fg_link_pair pair;

	(void)state;
	check_env_open(&e);
	three_characters(e.store, &reg);
	probe = reg;
	probe.id = 0;
	probe.phone[0] = '\0';
	replace_char(probe.name, 0);
	replace_char(probe.name, 6);
	fg_strlcpy(probe.name_key, probe.name, sizeof(probe.name_key));
	assert_true(check_finds(&e, &probe, reg.id, &pair));
	assert_true(pair.deterministic);
	assert_int_equal(pair.decision, FG_LINK_MATCH);
	fg_store_close(e.store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jaro_winkler),
		cmocka_unit_test(test_pinyin),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_precision_recall),
		cmocka_unit_test(test_registry_check),
		cmocka_unit_test(test_registry_check_name_typo),
		cmocka_unit_test(test_registry_check_id_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
