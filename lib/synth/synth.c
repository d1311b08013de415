/*
 * synth.c
 *	  The synthetic city: institutions and residents.
 *
 * Residents follow the census age/sex pyramid (data/synth/pyramid.csv),
 * live in districts by share (districts.csv), were born there or elsewhere
 * (birthplaces.csv, for the first six digits of the ID number), and carry
 * names drawn from surname and given-name frequencies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/identity.h"
#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "synth_int.h"

#define BATCH 20000		/* persons per transaction, unless told */
#define BORN_ELSEWHERE 0.18	/* share of residents born outside the city */
#define SINGLE_GIVEN 0.22	/* share of one-character given names */
#define HAS_MOBILE 0.9
#define MAX_REDRAWS 50
#define MAX_AGE 120		/* oldest age a pyramid row may reach */

enum { D_CODE, D_NAME, D_SHARE };
enum { B_CODE, B_WEIGHT };
enum { P_FROM, P_TO, P_MALE, P_FEMALE };
enum { I_KEY, I_KIND, I_NAME, I_NAME_EN, I_DISTRICT, I_PARENT };

struct city {
	struct synth_table districts, birthplaces, pyramid, surnames, given, roads,
		institutions;
	double *pyramid_both;		/* cumulative over 2 x age groups */
	double *given_male, *given_female;
	int64_t *inst_ids;		/* stored id of each institution row */
	struct synth_rng rng;
};

/* Stored ids of the community centres of a district, for registration. */
static size_t
centres_of(const struct city *c, const char *district, int64_t *ids, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->institutions.nrows && n < max; i++)
		if (strcmp(synth_cell(&c->institutions, i, I_KIND), "community") == 0 &&
		    strcmp(synth_cell(&c->institutions, i, I_DISTRICT), district) == 0)
			ids[n++] = c->inst_ids[i];
	return n;
}

/*
 * Check the cells the generator builds ID numbers and birth dates from:
 * district and birthplace codes of six digits, age groups within a life
 * span.  FG_INVALID naming the file and the value.
 */
static fg_rc
check_tables(const struct city *c, struct fg_error *err)
{
	const struct {
		const struct synth_table *t;
		size_t col;
		const char *file;
	} codes[] = {{&c->districts, D_CODE, "districts.csv"}, {&c->birthplaces, B_CODE, "birthplaces.csv"}};
	int64_t from, to;

	for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
		for (size_t i = 0; i < codes[k].t->nrows; i++)
			if (fg_district_check(synth_cell(codes[k].t, i, codes[k].col), "file", err) != FG_OK) {
				fg_error_detail(err, "Row %zu of %s.", i + 1, codes[k].file);
				return FG_INVALID;
			}
	for (size_t i = 0; i < c->pyramid.nrows; i++)
		if (fg_parse_int64(synth_cell(&c->pyramid, i, P_FROM), "file", 0, MAX_AGE, &from, err) != FG_OK ||
		    fg_parse_int64(synth_cell(&c->pyramid, i, P_TO), "file", from, MAX_AGE, &to, err) != FG_OK) {
			fg_error_detail(err, "Row %zu of pyramid.csv: ages run from 0 to %d, from before to.",
					i + 1, MAX_AGE);
			return FG_INVALID;
		}
	return FG_OK;
}

static fg_rc
load_tables(struct city *c, const char *dir, struct fg_arena *a, struct fg_error *err)
{
	static const char *const dcols[] = {"code", "name", "share"};
	static const char *const bcols[] = {"code", "weight"};
	static const char *const pcols[] = {"age_from", "age_to", "male", "female"};
	static const char *const scols[] = {"surname", "share"};
	static const char *const gcols[] = {"char", "male", "female"};
	static const char *const rcols[] = {"word"};
	static const char *const icols[] = {"key", "kind", "name", "name_en", "district", "parent"};
	fg_rc rc;

	rc = synth_table_load(dir, "districts.csv", dcols, 3, "share", a, &c->districts, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "birthplaces.csv", bcols, 2, "weight", a, &c->birthplaces, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "pyramid.csv", pcols, 4, NULL, a, &c->pyramid, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "surnames.csv", scols, 2, "share", a, &c->surnames, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "given-chars.csv", gcols, 3, NULL, a, &c->given, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "roads.csv", rcols, 1, NULL, a, &c->roads, err);
	if (rc == FG_OK)
		rc = synth_table_load(dir, "institutions.csv", icols, 6, NULL, a, &c->institutions, err);
	if (rc == FG_OK)
		rc = check_tables(c, err);
	if (rc != FG_OK)
		return rc;
	c->given_male = synth_weights(&c->given, 1, a);
	c->given_female = synth_weights(&c->given, 2, a);
	c->inst_ids = fg_arena_alloc(a, c->institutions.nrows * sizeof(*c->inst_ids));
	c->pyramid_both = fg_arena_alloc(a, 2 * c->pyramid.nrows * sizeof(double));
	if (c->given_male == NULL || c->given_female == NULL)
		return fg_error_set(err, FG_INVALID, "file", "given-chars.csv has an invalid weight");
	if (c->inst_ids == NULL || c->pyramid_both == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading the city tables");
	/* Rows 0..n-1 men, n..2n-1 women. */
	double total = 0;
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < c->pyramid.nrows; i++) {
			total += atof(synth_cell(&c->pyramid, i, s == 0 ? P_MALE : P_FEMALE));
			c->pyramid_both[s * c->pyramid.nrows + i] = total;
		}
	return FG_OK;
}

/*
 * A unified social credit code for a public institution (registration
 * authority 1, kind 2), with an organisation code whose own check digit
 * follows GB 11714-1997.
 */
static void
make_uscc(const char *district, unsigned serial, char out[FG_USCC_LEN + 1])
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	char org[9];
	int s = 0, check;

	snprintf(org, sizeof(org), "%08u", 45000000u + serial * 7919u % 9999999u);
	for (int i = 0; i < 8; i++)
		s += (org[i] - '0') * w[i];
	check = 11 - s % 11;
	snprintf(out, FG_USCC_LEN + 1, "12%.6s%.8s%c", district, org,
		 check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check));
	out[17] = fg_uscc_check_char(out);
	out[18] = '\0';
}

static fg_rc
add_institutions(fg_store *store, struct city *c, struct fg_error *err)
{
	for (size_t i = 0; i < c->institutions.nrows; i++) {
		const char *parent_key = synth_cell(&c->institutions, i, I_PARENT);
		char uscc[FG_USCC_LEN + 1], parent[24] = "";
		struct fg_institution_input in;
		struct fg_institution out;
		fg_rc rc;

		for (size_t j = 0; *parent_key && j < i; j++)
			if (strcmp(synth_cell(&c->institutions, j, I_KEY), parent_key) == 0)
				snprintf(parent, sizeof(parent), "%lld", (long long)c->inst_ids[j]);
		make_uscc(synth_cell(&c->institutions, i, I_DISTRICT), (unsigned)i + 1, uscc);
		in = (struct fg_institution_input){
			.uscc = uscc,
			.name = synth_cell(&c->institutions, i, I_NAME),
			.name_en = synth_cell(&c->institutions, i, I_NAME_EN),
			.kind = synth_cell(&c->institutions, i, I_KIND),
			.parent = parent,
			.district = synth_cell(&c->institutions, i, I_DISTRICT),
		};
		rc = fg_institution_add(store, &in, &out, err);
		if (rc != FG_OK) {
			fg_error_detail(err, "Institution \"%s\" of institutions.csv.",
					synth_cell(&c->institutions, i, I_KEY));
			return rc;
		}
		c->inst_ids[i] = out.id;
	}
	return FG_OK;
}

struct resident {
	char id_number[FG_RESIDENT_ID_LEN + 1];
	char name[FG_NAME_MAX];
	char sex[2];
	char birth[FG_DATE_TEXT_MAX];
	char phone[16];
	char address[192];
	char institution[24];
	const char *district;
	fg_date birth_date;
	char born_in[7];
	bool male;
};

static void
draw_name(struct city *c, struct resident *r)
{
	const double *w = r->male ? c->given_male : c->given_female;
	size_t n = c->given.nrows;
	const char *surname = synth_cell(&c->surnames, synth_pick(&c->surnames, &c->rng), 0);
	const char *g1 = synth_cell(&c->given, synth_pick_cumulative(w, n, &c->rng), 0);

	if (synth_rng_unit(&c->rng) < SINGLE_GIVEN)
		snprintf(r->name, sizeof(r->name), "%s%s", surname, g1);
	else
		snprintf(r->name, sizeof(r->name), "%s%s%s", surname, g1,
			 synth_cell(&c->given, synth_pick_cumulative(w, n, &c->rng), 0));
}

static void
draw_birth(struct city *c, fg_date as_of, struct resident *r)
{
	size_t groups = c->pyramid.nrows;
	size_t k = synth_pick_cumulative(c->pyramid_both, 2 * groups, &c->rng);
	size_t g = k % groups;
	int from = atoi(synth_cell(&c->pyramid, g, P_FROM));
	int to = atoi(synth_cell(&c->pyramid, g, P_TO));
	int age = from + (int)synth_rng_below(&c->rng, (uint64_t)(to - from + 1));

	r->male = k < groups;
	/* Born between age+1 years and age years before as_of. */
	r->birth_date = fg_date_add_months(as_of, -12 * (age + 1)) + 1 +
			(fg_date)synth_rng_below(&c->rng, 365);
	if (r->birth_date > as_of)
		r->birth_date = as_of;
	fg_date_format(r->birth_date, r->birth);
	snprintf(r->sex, sizeof(r->sex), "%c", r->male ? '1' : '2');
}

static void
draw_id_number(struct city *c, struct resident *r)
{
	char d17[18];
	int y, m, d;
	unsigned seq = (unsigned)synth_rng_below(&c->rng, 500) * 2 + (r->male ? 1 : 0);

	fg_date_to_ymd(r->birth_date, &y, &m, &d);
	snprintf(d17, sizeof(d17), "%.6s%04d%02d%02d%03u", r->born_in, y, m, d, seq);
	snprintf(r->id_number, sizeof(r->id_number), "%s%c", d17, fg_resident_id_check_char(d17));
}

static void
draw_contact(struct city *c, struct resident *r, const char *district_name)
{
	static const char prefixes[] = "35789";

	if (synth_rng_unit(&c->rng) < HAS_MOBILE)
		snprintf(r->phone, sizeof(r->phone), "1%c%09llu",
			 prefixes[synth_rng_below(&c->rng, 5)],
			 (unsigned long long)synth_rng_below(&c->rng, 1000000000ULL));
	else
		r->phone[0] = '\0';
	snprintf(r->address, sizeof(r->address), "%s%s路%u号", district_name,
		 synth_cell(&c->roads, synth_rng_below(&c->rng, c->roads.nrows), 0),
		 (unsigned)synth_rng_below(&c->rng, 300) + 1);
}

static void
draw_resident(struct city *c, fg_date as_of, struct resident *r)
{
	size_t d = synth_pick(&c->districts, &c->rng);
	int64_t centres[8];
	size_t n;

	r->district = synth_cell(&c->districts, d, D_CODE);
	draw_birth(c, as_of, r);
	if (synth_rng_unit(&c->rng) < BORN_ELSEWHERE)
		snprintf(r->born_in, sizeof(r->born_in), "%s",
			 synth_cell(&c->birthplaces, synth_pick(&c->birthplaces, &c->rng), B_CODE));
	else
		snprintf(r->born_in, sizeof(r->born_in), "%s", r->district);
	draw_id_number(c, r);
	draw_name(c, r);
	draw_contact(c, r, synth_cell(&c->districts, d, D_NAME));
	n = centres_of(c, r->district, centres, 8);
	snprintf(r->institution, sizeof(r->institution), "%lld",
		 (long long)(n ? centres[synth_rng_below(&c->rng, n)] : c->inst_ids[0]));
}

/* Register one resident, drawing a new sequence number while the ID is taken. */
static fg_rc
add_resident(fg_store *store, struct city *c, struct resident *r,
	     int64_t *collisions, struct fg_error *err)
{
	for (int tries = 0; tries < MAX_REDRAWS; tries++) {
		struct fg_person_input in = {
			.institution = r->institution,
			.id_number = r->id_number,
			.name = r->name,
			.sex = r->sex,
			.birth_date = r->birth,
			.phone = r->phone,
			.address = r->address,
			.district = r->district,
		};
		struct fg_person out;
		bool matched;
		fg_rc rc = fg_person_add(store, &in, &out, &matched, NULL, err);

		if (rc != FG_OK || !matched)
			return rc;
		(*collisions)++;
		draw_id_number(c, r);
	}
	return fg_error_set(err, FG_INTERNAL, NULL, "could not draw a free ID number for %s", r->name);
}

static fg_rc
check_empty(fg_store *store, struct fg_error *err)
{
	fg_stmt *st;
	int64_t n = 0;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT count(*) FROM institution", &st, err);
	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, &n, NULL, err);
	if (rc == FG_OK && n > 0) {
		fg_error_set(err, FG_CONFLICT, "db", "database already holds %lld institutions",
			     (long long)n);
		fg_error_hint(err, "Generate the synthetic city into a new database.");
		return FG_CONFLICT;
	}
	return rc;
}

static fg_rc
add_residents(fg_store *store, struct city *c, const struct fg_synth_options *opts,
	      struct fg_synth_report *report, struct fg_error *err)
{
	int64_t batch = opts->batch > 0 ? opts->batch : BATCH;
	int64_t done = 0;
	fg_rc rc = FG_OK;

	while (rc == FG_OK && done < opts->persons) {
		int64_t end = done + batch < opts->persons ? done + batch : opts->persons;

		rc = fg_store_begin(store, err);
		for (; rc == FG_OK && done < end; done++) {
			struct resident r;

			draw_resident(c, opts->as_of, &r);
			rc = add_resident(store, c, &r, &report->id_collisions, err);
		}
		if (rc != FG_OK) {
			fg_store_rollback(store);
			break;
		}
		rc = fg_store_commit(store, err);
		if (rc == FG_OK) {
			report->persons = done;
			if (opts->progress)
				opts->progress(done, opts->persons, opts->userdata);
		}
	}
	return rc;
}

fg_rc
fg_synth_city(fg_store *store, const struct fg_synth_options *opts,
	      struct fg_synth_report *report, struct fg_error *err)
{
	const char *dir = opts->datadir ? opts->datadir : fg_datadir();
	struct fg_arena arena;
	struct city c;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	memset(&c, 0, sizeof(c));
	fg_arena_init(&arena, 0);
	synth_rng_seed(&c.rng, opts->seed);
	rc = check_empty(store, err);
	if (rc == FG_OK)
		rc = load_tables(&c, dir, &arena, err);
	if (rc != FG_OK)
		goto out;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	rc = add_institutions(store, &c, err);
	if (rc != FG_OK) {
		fg_store_rollback(store);
		goto out;
	}
	rc = fg_store_commit(store, err);
	if (rc != FG_OK)
		goto out;
	report->institutions = (int64_t)c.institutions.nrows;
	rc = add_residents(store, &c, opts, report, err);
out:
	fg_arena_free(&arena);
	return rc;
}

/* Open-addressing set of the 17-digit bodies of ID numbers drawn so far. */
struct id_set {
	uint64_t *slots;	/* 0 for empty; values are stored plus one */
	size_t mask;
};

/* Add the number in r; false if it was drawn before. */
static bool
id_set_add(struct id_set *set, const char *id_number)
{
	uint64_t v = 0, h;
	size_t i;

	for (int k = 0; k < 17; k++)
		v = v * 10 + (uint64_t)(id_number[k] - '0');
	v++;
	h = v * 0x9E3779B97F4A7C15ULL;
	for (i = (size_t)(h >> 20) & set->mask; set->slots[i] != 0; i = (i + 1) & set->mask)
		if (set->slots[i] == v)
			return false;
	set->slots[i] = v;
	return true;
}

fg_rc
fg_synth_residents(const struct fg_synth_options *opts, fg_synth_resident_fn fn,
		   void *userdata, struct fg_error *err)
{
	const char *dir = opts->datadir ? opts->datadir : fg_datadir();
	struct fg_arena arena;
	struct id_set ids = {0};
	size_t size = 1024;
	struct city c;
	fg_rc rc;

	memset(&c, 0, sizeof(c));
	fg_arena_init(&arena, 0);
	synth_rng_seed(&c.rng, opts->seed);
	rc = load_tables(&c, dir, &arena, err);
	if (rc != FG_OK)
		goto out;
	while (size < (size_t)opts->persons * 2)
		size *= 2;
	ids.mask = size - 1;
	ids.slots = calloc(size, sizeof(*ids.slots));
	if (ids.slots == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for %lld residents",
				  (long long)opts->persons);
		goto out;
	}
	for (int64_t i = 0; rc == FG_OK && i < opts->persons; i++) {
		struct fg_synth_resident out;
		struct resident r;

		draw_resident(&c, opts->as_of, &r);
		while (!id_set_add(&ids, r.id_number))
			draw_id_number(&c, &r);
		memcpy(out.id_number, r.id_number, sizeof(out.id_number));
		memcpy(out.name, r.name, sizeof(out.name));
		memcpy(out.sex, r.sex, sizeof(out.sex));
		memcpy(out.birth_date, r.birth, sizeof(out.birth_date));
		memcpy(out.phone, r.phone, sizeof(out.phone));
		memcpy(out.address, r.address, sizeof(out.address));
		fg_strlcpy(out.district, r.district, sizeof(out.district));
		rc = fn(&out, userdata, err);
	}
out:
	free(ids.slots);
	fg_arena_free(&arena);
	return rc;
}
