/*
 * institution.c
 *	  Registering and reading member institutions.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/name.h"
#include "fangai/util.h"

#define INSTITUTION_COLUMNS \
	"id, uscc, name, coalesce(name_en, ''), kind, coalesce(parent_id, 0), district"

static const char *const kinds[] = {"cancer_centre", "hospital", "community"};

int
fg_institution_kind_valid(const char *kind)
{
	for (size_t i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

static void
read_row(fg_stmt *st, struct fg_institution *out)
{
	out->id = fg_stmt_int64(st, 0);
	fg_strlcpy(out->uscc, fg_stmt_text(st, 1), sizeof(out->uscc));
	fg_strlcpy(out->name, fg_stmt_text(st, 2), sizeof(out->name));
	fg_strlcpy(out->name_en, fg_stmt_text(st, 3), sizeof(out->name_en));
	fg_strlcpy(out->kind, fg_stmt_text(st, 4), sizeof(out->kind));
	out->parent_id = fg_stmt_int64(st, 5);
	fg_strlcpy(out->district, fg_stmt_text(st, 6), sizeof(out->district));
}

/* Run a one-row query already bound; FG_NOTFOUND with `what` if no row. */
static fg_rc
fetch_one(fg_stmt *st, struct fg_institution *out, const char *field,
	  const char *what, struct fg_error *err)
{
	bool row = false;
	fg_rc rc = fg_stmt_step(st, &row, err);

	if (rc == FG_OK && row)
		read_row(st, out);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, field, "institution \"%s\" does not exist", what);
	return rc;
}

fg_rc
fg_institution_get(fg_store *store, int64_t id, struct fg_institution *out,
		   struct fg_error *err)
{
	char what[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " INSTITUTION_COLUMNS " FROM institution WHERE id = ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return fetch_one(st, out, "institution", what, err);
}

fg_rc
fg_institution_find(fg_store *store, const char *ref, const char *field,
		    struct fg_institution *out, struct fg_error *err)
{
	int64_t id;
	fg_stmt *st;
	fg_rc rc;

	if (ref == NULL || *ref == '\0')
		return fg_error_set(err, FG_INVALID, field, "%s is empty", field);
	if (strlen(ref) < 18 && fg_parse_int64(ref, field, 1, INT64_MAX, &id, NULL) == FG_OK) {
		rc = fg_institution_get(store, id, out, err);
		if (rc == FG_NOTFOUND && err != NULL)
			fg_strlcpy(err->field, field, sizeof(err->field));
		return rc;
	}
	rc = fg_store_prepare(store, "SELECT " INSTITUTION_COLUMNS " FROM institution WHERE uscc = upper(?)",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, ref);
	rc = fetch_one(st, out, field, ref, err);
	if (rc == FG_NOTFOUND)
		fg_error_hint(err, "Refer to an institution by its id or its unified social credit code; \"fangai institution list\" shows them.");
	return rc;
}

static fg_rc
validate_input(fg_store *store, const struct fg_institution_input *in,
	       struct fg_institution *row, struct fg_error *err)
{
	fg_rc rc;

	memset(row, 0, sizeof(*row));
	rc = fg_uscc_parse(in->uscc, "uscc", row->uscc, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_name_normalise(in->name, "name", row->name, sizeof(row->name), err);
	if (rc != FG_OK)
		return rc;
	if (in->name_en != NULL && *in->name_en != '\0') {
		rc = fg_name_normalise(in->name_en, "name_en", row->name_en, sizeof(row->name_en), err);
		if (rc != FG_OK)
			return rc;
	}
	if (!fg_institution_kind_valid(in->kind)) {
		fg_error_set(err, FG_INVALID, "kind", "invalid institution kind \"%s\"",
			     in->kind ? in->kind : "");
		fg_error_hint(err, "Use cancer_centre, hospital or community.");
		return FG_INVALID;
	}
	fg_strlcpy(row->kind, in->kind, sizeof(row->kind));
	if (in->district != NULL && *in->district != '\0') {
		rc = fg_district_check(in->district, "district", err);
		if (rc != FG_OK)
			return rc;
		fg_strlcpy(row->district, in->district, sizeof(row->district));
	} else {
		snprintf(row->district, sizeof(row->district), "%.6s", row->uscc + 2);
		rc = fg_district_check(row->district, "district", err);
		if (rc != FG_OK) {
			fg_error_hint(err, "Give the district explicitly; it could not be taken from the code.");
			return rc;
		}
	}
	if (in->parent != NULL && *in->parent != '\0') {
		struct fg_institution parent;

		rc = fg_institution_find(store, in->parent, "parent", &parent, err);
		if (rc != FG_OK)
			return rc;
		row->parent_id = parent.id;
	}
	return FG_OK;
}

fg_rc
fg_institution_add(fg_store *store, const struct fg_institution_input *in,
		   struct fg_institution *out, struct fg_error *err)
{
	struct fg_institution row;
	char now[32];
	fg_stmt *st;
	bool got = false;
	fg_rc rc;

	rc = validate_input(store, in, &row, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store,
			      "INSERT INTO institution (uscc, name, name_en, kind, parent_id, district, created_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, row.uscc);
	fg_stmt_bind_text(st, 2, row.name);
	fg_stmt_bind_text(st, 3, row.name_en[0] ? row.name_en : NULL);
	fg_stmt_bind_text(st, 4, row.kind);
	if (row.parent_id)
		fg_stmt_bind_int64(st, 5, row.parent_id);
	fg_stmt_bind_text(st, 6, row.district);
	fg_stmt_bind_text(st, 7, fg_utc_now(now));
	rc = fg_stmt_scalar_int64(st, &row.id, &got, err);
	if (rc == FG_CONFLICT) {
		fg_error_set(err, FG_CONFLICT, "uscc",
			     "institution with unified social credit code \"%s\" already exists", row.uscc);
		return FG_CONFLICT;
	}
	if (rc != FG_OK)
		return rc;
	*out = row;
	return FG_OK;
}

fg_rc
fg_institution_list(fg_store *store, struct fg_arena *arena,
		    struct fg_institution_list *out, struct fg_error *err)
{
	size_t cap = 16;
	fg_stmt *st = NULL;
	bool row = true;
	fg_rc rc;

	out->count = 0;
	out->items = fg_arena_alloc(arena, cap * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing institutions");
	rc = fg_store_prepare(store, "SELECT " INSTITUTION_COLUMNS " FROM institution ORDER BY id",
			      &st, err);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (out->count == cap) {
			struct fg_institution *items = fg_arena_alloc(arena, 2 * cap * sizeof(*items));

			if (items == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing institutions");
				break;
			}
			memcpy(items, out->items, cap * sizeof(*items));
			out->items = items;
			cap *= 2;
		}
		read_row(st, &out->items[out->count++]);
	}
	if (st != NULL)
		fg_stmt_reset(st);
	return rc;
}
