/*
 * records.c
 *	  The kinds of record an import holds: persons (through the person
 *	  registry) and death records (cause-of-death registration), each with
 *	  its fields, validation and storage.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/bloom.h"
#include "fangai/identity.h"
#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "import_int.h"

/* ---- persons ---- */

enum { P_KEY, P_INSTITUTION, P_ID_TYPE, P_ID_NUMBER, P_NAME, P_SEX, P_BIRTH, P_PHONE,
       P_ADDRESS, P_DISTRICT };

static const char *const person_fields[] = {
	"source_key", "institution", "id_type", "id_number", "name", "sex", "birth_date",
	"phone", "address", "district", NULL,
};
static const char *const person_required[] = {"name", NULL};

static struct fg_person_input
person_input(const struct import_row *row)
{
	return (struct fg_person_input){
		.institution = row->institution, .id_type = row->value[P_ID_TYPE],
		.id_number = row->value[P_ID_NUMBER], .name = row->value[P_NAME],
		.sex = row->value[P_SEX], .birth_date = row->value[P_BIRTH],
		.phone = row->value[P_PHONE], .address = row->value[P_ADDRESS],
		.district = row->value[P_DISTRICT],
	};
}

/*
 * The institution a file's rows name, found once rather than per row; in a
 * first load, the identities its batches wrote (perhaps).
 */
struct person_ctx {
	char ref[64];
	struct fg_institution inst;
	bool first_load;
	struct fg_bloom written;
};

static fg_rc
open_persons(fg_store *store, void **ctx, struct fg_error *err)
{
	*ctx = calloc(1, sizeof(struct person_ctx));
	return *ctx ? FG_OK : fg_error_set(err, FG_NOMEM, NULL, "out of memory opening an import");
}

static void
close_persons(void *ctx)
{
	struct person_ctx *c = ctx;

	if (c != NULL)
		fg_bloom_free(&c->written);
	free(c);
}

/* Without memory for the filter every identity is looked up, as in any import. */
static fg_rc
first_load_persons(void *ctx, uint64_t expected_rows, struct fg_error *err)
{
	struct person_ctx *c = ctx;

	c->first_load = fg_bloom_init(&c->written, expected_rows);
	return FG_OK;
}

/*
 * Check a row into *p, its institution found through the context (a row
 * whose institution is not found is checked as usual, to report it).
 */
static fg_rc
check_person(fg_store *store, struct person_ctx *c, const struct import_row *row,
	     struct fg_person *p, struct fg_error *err)
{
	struct fg_person_input in = person_input(row);

	if (import_need_institution(row, err) != FG_OK)
		return FG_INVALID;
	if (strcmp(c->ref, row->institution) != 0) {
		c->ref[0] = '\0';
		if (strlen(row->institution) >= sizeof(c->ref) ||
		    fg_institution_find(store, row->institution, "institution", &c->inst, NULL) != FG_OK)
			return fg_person_validate(store, &in, p, err);
		fg_strlcpy(c->ref, row->institution, sizeof(c->ref));
	}
	return fg_person_check(&in, &c->inst, p, err);
}

static fg_rc
validate_person(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		struct fg_error *err)
{
	struct fg_person p;

	return check_person(store, ctx, row, &p, err);
}

static fg_rc
prepare_person(fg_store *store, void *ctx, const struct import_row *row, void *prep,
	       struct fg_error *err)
{
	return check_person(store, ctx, row, prep, err);
}

/* FG_CONFLICT if another person than `id` holds the ID number of p. */
static fg_rc
check_id_free(fg_store *store, const struct fg_person *p, int64_t id, struct fg_error *err)
{
	fg_stmt *st;
	int64_t other = 0;
	bool found = false;
	fg_rc rc;

	if (p->id_number[0] == '\0')
		return FG_OK;
	rc = fg_store_prepare(store, "SELECT id FROM person WHERE id_type = ? AND id_number = ? AND id <> ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, p->id_type);
	fg_stmt_bind_text(st, 2, p->id_number);
	fg_stmt_bind_int64(st, 3, id);
	rc = fg_stmt_scalar_int64(st, &other, &found, err);
	if (rc == FG_OK && found) {
		fg_error_set(err, FG_CONFLICT, "id_number", "resident ID number %s is registered to person %lld",
			     p->id_number, (long long)other);
		fg_error_detail(err, "The record imported before as person %lld now carries it.", (long long)id);
		return FG_CONFLICT;
	}
	return rc;
}

static fg_rc
store_person(fg_store *store, void *ctx, const struct import_row *row, int64_t existing, int64_t *target,
	     char *district, int64_t *institution, enum import_outcome *outcome, struct fg_error *err)
{
	struct fg_person_input in = person_input(row);
	struct fg_person p;
	bool matched;
	fg_rc rc;

	if (import_need_institution(row, err) != FG_OK)
		return FG_INVALID;
	if (existing) {
		rc = fg_person_validate(store, &in, &p, err);
		if (rc == FG_OK)
			rc = check_id_free(store, &p, existing, err);
		if (rc == FG_OK)
			rc = fg_person_replace(store, existing, &p, err);
		*target = existing;
		*outcome = OUT_UPDATED;
	} else {
		rc = fg_person_add(store, &in, &p, &matched, NULL, err);
		*target = p.id;
		*outcome = matched ? OUT_MATCHED : OUT_INSERTED;
	}
	fg_strlcpy(district, p.district, 8);
	*institution = p.institution_id;
	return rc;
}

/* ---- persons in bulk ---- */

/* New persons of a bulk write: the rows checked, and what each became. */
struct person_batch {
	const struct fg_person *p;
	struct import_written *out;
	size_t n;
	const struct fg_person **order;	/* rows with an ID number, by type and number */
	size_t nordered;
	const char *type;		/* the type being looked up */
	struct fg_bloom *written;	/* a first load: the identities written before; else NULL */
};

static int
compare_identity(const struct fg_person *a, const struct fg_person *b)
{
	int c = strcmp(a->id_type, b->id_type);

	return c ? c : strcmp(a->id_number, b->id_number);
}

/* By identity, then in the order of the file. */
static int
by_identity(const void *a, const void *b)
{
	const struct fg_person *x = *(const struct fg_person *const *)a;
	const struct fg_person *y = *(const struct fg_person *const *)b;
	int c = compare_identity(x, y);

	return c ? c : (x > y) - (x < y);
}

/* The row of b->order[at]: its index in the batch. */
static size_t
row_at(const struct person_batch *b, size_t at)
{
	return (size_t)(b->order[at] - b->p);
}

static void
sort_identities(struct person_batch *b)
{
	b->nordered = 0;
	for (size_t k = 0; k < b->n; k++)
		if (b->p[k].id_number[0])
			b->order[b->nordered++] = &b->p[k];
	qsort(b->order, b->nordered, sizeof(*b->order), by_identity);
}

/* The first place in b->order of a row with this identity, or nordered. */
static size_t
first_with(const struct person_batch *b, const char *type, const char *number)
{
	size_t lo = 0, hi = b->nordered;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->order[mid]->id_type, type);

		if ((c ? c : strcmp(b->order[mid]->id_number, number)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A registered person (id_number, id, district, institution_id, merged_into):
 * the rows with its number match it.
 */
static void
registered(void *userdata, fg_stmt *st)
{
	struct person_batch *b = userdata;
	const char *number = fg_stmt_text(st, 0);

	for (size_t at = first_with(b, b->type, number); at < b->nordered; at++) {
		struct import_written *w = &b->out[row_at(b, at)];

		if (strcmp(b->order[at]->id_type, b->type) != 0 ||
		    strcmp(b->order[at]->id_number, number) != 0)
			break;
		w->outcome = OUT_MATCHED;
		w->target = fg_stmt_int64(st, 1);
		fg_strlcpy(w->district, fg_stmt_text(st, 2), sizeof(w->district));
		w->institution = fg_stmt_int64(st, 3);
		w->merged = !fg_stmt_is_null(st, 4);
	}
}

/* The text a first load remembers an identity by: its type and number. */
static const char *
identity_text(const struct fg_person *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s|%s", p->id_type, p->id_number);
	return buf;
}

/* Could an earlier batch of the load have written this identity?  Always, outside a first load. */
static bool
perhaps_written(const struct person_batch *b, const struct fg_person *p)
{
	char text[sizeof(p->id_type) + sizeof(p->id_number) + 2];

	return b->written == NULL || fg_bloom_may_have(b->written, identity_text(p, text, sizeof(text)));
}

/*
 * Match the rows to the persons registered with their ID numbers, a type
 * at a time; in a first load only the numbers perhaps written by its
 * earlier batches are looked up (the registry held no one before).
 */
static fg_rc
match_registered(fg_store *store, struct person_batch *b, struct fg_error *err)
{
	const char **keys = malloc((b->nordered + 1) * sizeof(*keys));
	fg_rc rc = keys ? FG_OK : fg_error_set(err, FG_NOMEM, NULL, "out of memory matching persons");

	for (size_t at = 0; rc == FG_OK && at < b->nordered;) {
		size_t nkeys = 0;

		b->type = b->order[at]->id_type;
		for (; at < b->nordered && strcmp(b->order[at]->id_type, b->type) == 0; at++)
			if (perhaps_written(b, b->order[at]))
				keys[nkeys++] = b->order[at]->id_number;
		if (nkeys == 0)
			continue;
		rc = fg_store_for_keys(store, "SELECT id_number, id, district, institution_id, merged_into FROM person"
				       " WHERE id_type = ? AND id_number", &b->type, 1, keys, nkeys,
				       registered, b, err);
	}
	free(keys);
	return rc;
}

/* Rows matched to a person merged into another: the survivor is theirs. */
static fg_rc
match_survivors(fg_store *store, struct person_batch *b, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t k = 0; rc == FG_OK && k < b->n; k++) {
		struct import_written *w = &b->out[k];
		struct fg_person p;

		if (!w->merged)
			continue;
		rc = fg_person_survivor(store, w->target, &p, err);
		if (rc == FG_OK) {
			w->target = p.id;
			fg_strlcpy(w->district, p.district, sizeof(w->district));
			w->institution = p.institution_id;
			w->merged = false;
		}
	}
	return rc;
}

/*
 * Give new ids to the rows to insert: those not registered, the first of
 * its ID number in the batch.  A later row with that number matches the
 * first.
 */
static fg_rc
number_new_persons(fg_store *store, struct person_batch *b, struct fg_error *err)
{
	int64_t *ids = malloc((b->n + 1) * sizeof(*ids));
	size_t ninsert = 0, k, at;
	fg_rc rc;

	if (ids == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory numbering persons");
	for (at = 1; at < b->nordered; at++)
		if (b->out[row_at(b, at)].outcome == OUT_INSERTED &&
		    compare_identity(b->order[at - 1], b->order[at]) == 0)
			b->out[row_at(b, at)].outcome = OUT_MATCHED;	/* target: below */
	for (k = 0; k < b->n; k++)
		ninsert += b->out[k].outcome == OUT_INSERTED;
	rc = fg_store_new_ids(store, "person", ninsert, ids, err);
	for (k = 0, ninsert = 0; rc == FG_OK && k < b->n; k++)
		if (b->out[k].outcome == OUT_INSERTED)
			b->out[k].target = ids[ninsert++];
	for (at = 1; rc == FG_OK && at < b->nordered; at++) {
		struct import_written *w = &b->out[row_at(b, at)];

		if (w->target == 0) {
			*w = b->out[row_at(b, at - 1)];
			w->outcome = OUT_MATCHED;
		}
	}
	free(ids);
	return rc;
}

#define PERSON_COPY_COLUMNS 13

/* The texts of the numbers of a row to copy. */
struct person_text {
	char id[24], institution[24], sex[2], birth[FG_DATE_TEXT_MAX];
};

static void
person_values(const struct fg_person *p, int64_t id, const char *now, struct person_text *t,
	      const char **v)
{
	snprintf(t->id, sizeof(t->id), "%lld", (long long)id);
	snprintf(t->institution, sizeof(t->institution), "%lld", (long long)p->institution_id);
	t->sex[0] = p->sex;
	t->sex[1] = '\0';
	v[0] = t->id;
	v[1] = p->district;
	v[2] = t->institution;
	v[3] = p->id_type;
	v[4] = p->id_number[0] ? p->id_number : NULL;
	v[5] = p->name;
	v[6] = p->name_key;
	v[7] = t->sex;
	v[8] = fg_date_format(p->birth_date, t->birth);
	v[9] = p->phone[0] ? p->phone : NULL;
	v[10] = p->address[0] ? p->address : NULL;
	v[11] = now;
	v[12] = now;
}

/* Append the rows to insert to person in one copy. */
static fg_rc
copy_new_persons(fg_store *store, const struct person_batch *b, struct fg_error *err)
{
	static const char *const columns[PERSON_COPY_COLUMNS] = {
		"id", "district", "institution_id", "id_type", "id_number", "name", "name_key", "sex",
		"birth_date", "phone", "address", "created_at", "updated_at",
	};
	struct person_text *text = malloc((b->n + 1) * sizeof(*text));
	const char **values = malloc((b->n + 1) * PERSON_COPY_COLUMNS * sizeof(*values));
	char now[32];
	size_t nrows = 0;
	fg_rc rc = FG_NOMEM;

	if (text == NULL || values == NULL) {
		fg_error_set(err, FG_NOMEM, NULL, "out of memory copying persons");
		goto out;
	}
	fg_utc_now(now);
	for (size_t k = 0; k < b->n; k++) {
		if (b->out[k].outcome != OUT_INSERTED)
			continue;
		person_values(&b->p[k], b->out[k].target, now, &text[nrows],
			      &values[nrows * PERSON_COPY_COLUMNS]);
		nrows++;
	}
	rc = fg_store_copy(store, "person", columns, PERSON_COPY_COLUMNS, values, nrows, err);
out:
	free(text);
	free(values);
	return rc;
}

/* In a first load, remember the identities of the batch as written. */
static void
remember_written(struct person_batch *b)
{
	char text[sizeof(b->p->id_type) + sizeof(b->p->id_number) + 2];

	for (size_t at = 0; b->written != NULL && at < b->nordered; at++)
		fg_bloom_add(b->written, identity_text(b->order[at], text, sizeof(text)));
}

static fg_rc
write_new_persons(fg_store *store, void *ctx, const void *preps, size_t n,
		  struct import_written *out, struct fg_error *err)
{
	struct person_ctx *c = ctx;
	struct person_batch b = {.p = preps, .out = out, .n = n, .written = c->first_load ? &c->written : NULL};
	fg_rc rc;

	b.order = malloc((n + 1) * sizeof(*b.order));
	if (b.order == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory writing persons");
	for (size_t k = 0; k < n; k++) {
		out[k] = (struct import_written){.outcome = OUT_INSERTED,
						  .institution = b.p[k].institution_id};
		fg_strlcpy(out[k].district, b.p[k].district, sizeof(out[k].district));
	}
	sort_identities(&b);
	rc = match_registered(store, &b, err);
	if (rc == FG_OK)
		rc = match_survivors(store, &b, err);
	if (rc == FG_OK)
		rc = number_new_persons(store, &b, err);
	if (rc == FG_OK)
		rc = copy_new_persons(store, &b, err);
	if (rc == FG_OK)
		remember_written(&b);
	free(b.order);
	return rc;
}

const struct import_kind import_persons = {
	.name = "persons",
	.fields = person_fields,
	.required = person_required,
	.key_field = "id_number",
	.open = open_persons,
	.close = close_persons,
	.validate = validate_person,
	.store = store_person,
	.load_tables = (const char *const[]){"person", "source_record", NULL},
	.first_load = first_load_persons,
	.analyse = "ANALYZE person (id_type, id_number)",
	.prep_size = sizeof(struct fg_person),
	.prepare = prepare_person,
	.write_new = write_new_persons,
};

/* ---- death records ---- */

enum { D_KEY, D_INSTITUTION, D_ID_NUMBER, D_NAME, D_SEX, D_BIRTH, D_DEATH, D_CAUSE, D_DISTRICT };

static const char *const death_fields[] = {
	"source_key", "institution", "id_number", "name", "sex", "birth_date", "death_date",
	"cause_icd10", "district", NULL,
};
static const char *const death_required[] = {"name", "death_date", "cause_icd10", NULL};

struct death {
	char id_number[FG_RESIDENT_ID_LEN + 1];
	char name[FG_NAME_MAX], name_key[FG_NAME_MAX];
	char sex;
	fg_date birth, death;
	char cause[8];
	char district[7];
	int64_t institution_id;
};

/* ICD-10 code of the underlying cause: a letter, two digits, optionally .digit(s). */
static fg_rc
parse_icd10(const char *text, char *out, size_t outsz, struct fg_error *err)
{
	size_t n = strlen(text);
	bool ok = n >= 3 && isupper((unsigned char)text[0]) && isdigit((unsigned char)text[1]) &&
		  isdigit((unsigned char)text[2]) && (n == 3 || (text[3] == '.' && n >= 5 && n <= 6));

	for (size_t i = 4; ok && i < n; i++)
		ok = isdigit((unsigned char)text[i]) || (text[i] == 'X' && i == n - 1);
	if (!ok) {
		fg_error_set(err, FG_INVALID, "cause_icd10", "invalid ICD-10 code \"%s\"", text);
		fg_error_hint(err, "Give the underlying cause as an ICD-10 code such as C34.1 or I21.");
		return FG_INVALID;
	}
	fg_strlcpy(out, text, outsz);
	return FG_OK;
}

static fg_rc
death_dates(const struct import_row *row, struct death *d, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX];

	if (fg_date_parse(row->value[D_DEATH], "death_date", &d->death, err) != FG_OK)
		return FG_INVALID;
	if (d->death > fg_date_today())
		return fg_error_set(err, FG_INVALID, "death_date", "death date %s is in the future",
				    fg_date_format(d->death, a));
	d->birth = FG_DATE_NONE;
	if (*row->value[D_BIRTH] == '\0')
		return FG_OK;
	if (fg_date_parse(row->value[D_BIRTH], "birth_date", &d->birth, err) != FG_OK)
		return FG_INVALID;
	if (d->birth > d->death)
		return fg_error_set(err, FG_INVALID, "birth_date", "birth date %s is after the death date",
				    fg_date_format(d->birth, a));
	return FG_OK;
}

static fg_rc
death_identity(const struct import_row *row, struct death *d, struct fg_error *err)
{
	struct fg_resident_id rid;

	d->id_number[0] = '\0';
	if (*row->value[D_ID_NUMBER] != '\0') {
		if (fg_resident_id_parse(row->value[D_ID_NUMBER], fg_date_today(), &rid, err) != FG_OK)
			return FG_INVALID;
		fg_strlcpy(d->id_number, rid.number, sizeof(d->id_number));
	}
	if (fg_name_normalise(row->value[D_NAME], "name", d->name, sizeof(d->name), err) != FG_OK)
		return FG_INVALID;
	if (fg_name_key(d->name, d->name_key, sizeof(d->name_key), err) != FG_OK)
		return err->code;
	if (*row->value[D_SEX] == '\0')
		return fg_error_set(err, FG_INVALID, "sex", "sex is missing");
	return fg_sex_parse(row->value[D_SEX], &d->sex, err);
}

static fg_rc
check_death(fg_store *store, const struct import_row *row, struct death *d, struct fg_error *err)
{
	struct fg_institution inst;
	fg_rc rc;

	if (import_need_institution(row, err) != FG_OK || death_identity(row, d, err) != FG_OK ||
	    death_dates(row, d, err) != FG_OK ||
	    parse_icd10(row->value[D_CAUSE], d->cause, sizeof(d->cause), err) != FG_OK)
		return err->code ? err->code : FG_INVALID;
	rc = fg_institution_find(store, row->institution, "institution", &inst, err);
	if (rc != FG_OK)
		return rc == FG_NOTFOUND ? FG_INVALID : rc;
	d->institution_id = inst.id;
	if (*row->value[D_DISTRICT] == '\0') {
		fg_strlcpy(d->district, inst.district, sizeof(d->district));
		return FG_OK;
	}
	if (fg_district_check(row->value[D_DISTRICT], "district", err) != FG_OK)
		return FG_INVALID;
	fg_strlcpy(d->district, row->value[D_DISTRICT], sizeof(d->district));
	return FG_OK;
}

static fg_rc
validate_death(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
	       struct fg_error *err)
{
	struct death d;

	return check_death(store, row, &d, err);
}

static fg_rc
store_death(fg_store *store, void *ctx, const struct import_row *row, int64_t existing, int64_t *target,
	    char *district, int64_t *institution, enum import_outcome *outcome, struct fg_error *err)
{
	char birth[FG_DATE_TEXT_MAX], death[FG_DATE_TEXT_MAX];
	struct death d;
	fg_stmt *st;
	fg_rc rc;

	rc = check_death(store, row, &d, err);
	if (rc != FG_OK)
		return rc;
	/* The person is linked at once when the ID number is registered. */
	rc = fg_store_prepare(store, existing
			      ? "UPDATE death_record SET district = ?1, institution_id = ?2, id_number = ?3,"
				" name = ?4, name_key = ?5, sex = ?6, birth_date = ?7, death_date = ?8,"
				" cause_icd10 = ?9, source = ?10, person_id = coalesce(person_id,"
				" (SELECT id FROM person WHERE id_type = '01' AND id_number = ?3))"
				" WHERE id = ?11 RETURNING id"
			      : "INSERT INTO death_record (district, institution_id, id_number, name, name_key,"
				" sex, birth_date, death_date, cause_icd10, source, person_id) VALUES (?1, ?2,"
				" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT id FROM person WHERE id_type = '01'"
				" AND id_number = ?3)) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, d.district);
	fg_stmt_bind_int64(st, 2, d.institution_id);
	fg_stmt_bind_text(st, 3, d.id_number[0] ? d.id_number : NULL);
	fg_stmt_bind_text(st, 4, d.name);
	fg_stmt_bind_text(st, 5, d.name_key);
	fg_stmt_bind_text(st, 6, (char[]){d.sex, '\0'});
	fg_stmt_bind_text(st, 7, d.birth == FG_DATE_NONE ? NULL : fg_date_format(d.birth, birth));
	fg_stmt_bind_text(st, 8, fg_date_format(d.death, death));
	fg_stmt_bind_text(st, 9, d.cause);
	fg_stmt_bind_text(st, 10, "import");
	if (existing)
		fg_stmt_bind_int64(st, 11, existing);
	rc = fg_stmt_scalar_int64(st, target, NULL, err);
	fg_strlcpy(district, d.district, 8);
	*institution = d.institution_id;
	*outcome = existing ? OUT_UPDATED : OUT_INSERTED;
	return rc;
}

const struct import_kind import_deaths = {
	.name = "deaths",
	.fields = death_fields,
	.required = death_required,
	.key_field = "id_number",
	.validate = validate_death,
	.store = store_death,
};
