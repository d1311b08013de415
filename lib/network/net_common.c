/*
 * net_common.c
 *	  Helpers shared by the referral network: references given as text,
 *	  times, free text, lists growing in an arena, medians.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/audit.h"
#include "fangai/util.h"
#include "network_int.h"

fg_rc
net_person_find(fg_store *store, const char *ref, const char *field,
		struct fg_person *out, struct fg_error *err)
{
	int64_t id;
	fg_rc rc;

	if (ref == NULL || *ref == '\0')
		return fg_error_set(err, FG_INVALID, field, "%s is missing", field);
	if (strlen(ref) >= 15)
		rc = fg_person_get_by_id_number(store, ref, out, err);
	else {
		rc = fg_parse_int64(ref, field, 1, INT64_MAX, &id, err);
		if (rc == FG_OK)
			rc = fg_person_get(store, id, out, err);
	}
	if (rc != FG_OK && err != NULL)
		fg_strlcpy(err->field, field, sizeof(err->field));
	return rc;
}

fg_rc
net_id_parse(const char *text, const char *field, bool optional, int64_t *out,
	     struct fg_error *err)
{
	*out = 0;
	if (text == NULL || *text == '\0') {
		if (optional)
			return FG_OK;
		return fg_error_set(err, FG_INVALID, field, "%s is missing", field);
	}
	return fg_parse_int64(text, field, 1, INT64_MAX, out, err);
}

fg_rc
net_time_or_now(const char *text, const char *field, int64_t now, int64_t *out,
		struct fg_error *err)
{
	if (text == NULL || *text == '\0') {
		*out = now;
		return FG_OK;
	}
	return fg_net_time_parse(text, field, out, err);
}

fg_rc
net_text_check(const char *text, const char *field, bool required, size_t max,
	       struct fg_error *err)
{
	bool blank = true;

	for (const char *p = text; p != NULL && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			blank = false;
	if (required && blank)
		return fg_error_set(err, FG_INVALID, field, "%s is missing", field);
	if (text != NULL && strlen(text) > max) {
		fg_error_set(err, FG_INVALID, field, "%s is too long: %zu bytes", field, strlen(text));
		fg_error_detail(err, "At most %zu bytes are kept.", max);
		return FG_INVALID;
	}
	return FG_OK;
}

const char *
net_column_text(fg_stmt *st, int col, struct fg_arena *arena)
{
	const char *s = fg_stmt_text(st, col);

	return fg_arena_strdup(arena, s ? s : "");
}

bool
net_grow(struct fg_arena *arena, void **items, size_t *cap, size_t count, size_t size)
{
	size_t ncap;
	void *bigger;

	if (*items != NULL && count < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 16;
	bigger = fg_arena_alloc(arena, ncap * size);
	if (bigger == NULL)
		return false;
	if (*items != NULL)
		memcpy(bigger, *items, count * size);
	*items = bigger;
	*cap = ncap;
	return true;
}

fg_rc
net_exec(fg_stmt *st, struct fg_error *err)
{
	bool row;
	fg_rc rc = fg_stmt_step(st, &row, err);

	fg_stmt_reset(st);
	return rc;
}

/* Column 0 of row `id` of sql into *value; FG_NOTFOUND naming field when absent. */
static fg_rc
scalar_of(fg_store *store, const char *sql, int64_t id, const char *field, const char *what,
	  int64_t *value, struct fg_error *err)
{
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_scalar_int64(st, value, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, field, "%s %lld does not exist", what, (long long)id);
	return rc;
}

fg_rc
net_require_row(fg_store *store, const char *sql, int64_t id, const char *field,
		const char *what, struct fg_error *err)
{
	int64_t one = 0;

	return scalar_of(store, sql, id, field, what, &one, err);
}

fg_rc
net_check_owner(fg_store *store, const char *sql, int64_t id, int64_t person_id,
		const char *field, struct fg_error *err)
{
	int64_t owner = 0;
	fg_rc rc;

	if (id == 0)
		return FG_OK;
	rc = scalar_of(store, sql, id, field, field, &owner, err);
	if (rc == FG_OK && owner != person_id)
		return fg_error_set(err, FG_INVALID, field, "%s %lld is of person %lld, not of person %lld",
				    field, (long long)id, (long long)owner, (long long)person_id);
	return rc;
}

fg_rc
net_fetch_one(fg_store *store, const char *sql, int64_t id, const char *what,
	      net_row_reader read, struct fg_arena *arena, void *out, struct fg_error *err)
{
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		rc = read(st, arena, out, err);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, what, "%s %lld does not exist", what, (long long)id);
	return rc;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
net_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

fg_rc
net_audit_access(fg_store *store, int64_t institution_id, int64_t person_id, const char *source,
		 int64_t source_id, const char *action, int64_t user_id, struct fg_error *err)
{
	struct fg_audit_entry e = {.user_id = user_id, .institution_id = institution_id};

	fg_strlcpy(e.action, action, sizeof(e.action));
	snprintf(e.resource, sizeof(e.resource), "Patient/%lld via %s %lld", (long long)person_id, source,
		 (long long)source_id);
	fg_strlcpy(e.result, "ok", sizeof(e.result));
	return fg_audit_append(store, &e, 1, err);
}

fg_rc
net_in_transaction(fg_store *store, fg_rc (*fn)(fg_store *, void *, struct fg_error *), void *ctx,
		   struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = fn(store, ctx, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	return rc;
}
