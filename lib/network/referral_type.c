/*
 * referral_type.c
 *	  The types of referral and their time targets, read from
 *	  data/network/referral-types.csv.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/util.h"
#include "network_int.h"

#define TYPES_FILE "network/referral-types.csv"
#define MAX_TARGET_DAYS 3650

static const char *const day_columns[] = {
	"accept_days", "schedule_days", "attend_grace_days", "complete_days",
	"total_days", "access_days",
};
#define NDAYS (sizeof(day_columns) / sizeof(day_columns[0]))

static int *
day_field(struct fg_referral_type *t, size_t i)
{
	int *const fields[NDAYS] = {
		&t->accept_days, &t->schedule_days, &t->attend_grace_days,
		&t->complete_days, &t->total_days, &t->access_days,
	};

	return fields[i];
}

static fg_rc
read_type(fg_csv *csv, const char *path, struct fg_referral_type *t, struct fg_error *err)
{
	const char *dir = fg_csv_field(csv, (size_t)fg_csv_column(csv, "direction"));
	int64_t v;
	fg_rc rc;

	memset(t, 0, sizeof(*t));
	fg_strlcpy(t->kind, fg_csv_field(csv, (size_t)fg_csv_column(csv, "type")), sizeof(t->kind));
	fg_strlcpy(t->name, fg_csv_field(csv, (size_t)fg_csv_column(csv, "name")), sizeof(t->name));
	if (strcmp(dir, "up") != 0 && strcmp(dir, "down") != 0) {
		fg_error_set(err, FG_INVALID, "direction", "invalid direction \"%s\" in %s", dir, path);
		fg_error_detail(err, "Line %ld: a referral type goes up or down.", fg_csv_line(csv));
		return FG_INVALID;
	}
	fg_strlcpy(t->direction, dir, sizeof(t->direction));
	for (size_t i = 0; i < NDAYS; i++) {
		rc = fg_parse_int64(fg_csv_field(csv, (size_t)fg_csv_column(csv, day_columns[i])),
				    day_columns[i], 0, MAX_TARGET_DAYS, &v, err);
		if (rc != FG_OK) {
			fg_error_detail(err, "Line %ld of %s.", fg_csv_line(csv), path);
			return rc;
		}
		*day_field(t, i) = (int)v;
	}
	return FG_OK;
}

static fg_rc
check_columns(fg_csv *csv, const char *path, struct fg_error *err)
{
	static const char *const text_columns[] = {"type", "direction", "name"};

	for (size_t i = 0; i < 3 + NDAYS; i++) {
		const char *col = i < 3 ? text_columns[i] : day_columns[i - 3];

		if (fg_csv_column(csv, col) < 0)
			return fg_error_set(err, FG_INVALID, "file", "%s has no column \"%s\"", path, col);
	}
	return FG_OK;
}

fg_rc
net_referral_types(const char *datadir, struct fg_arena *arena,
		   struct fg_referral_type **types, size_t *count, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char path[1024];
	fg_csv *csv = NULL;
	size_t cap = 0;
	bool row = true;
	fg_rc rc;

	*types = NULL;
	*count = 0;
	snprintf(path, sizeof(path), "%s/%s", datadir ? datadir : fg_datadir(), TYPES_FILE);
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc == FG_OK)
		rc = check_columns(csv, path, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)types, &cap, *count, sizeof(**types))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading %s", path);
			break;
		}
		rc = read_type(csv, path, &(*types)[*count], err);
		if (rc == FG_OK)
			(*count)++;
	}
	fg_csv_close(csv);
	return rc;
}

fg_rc
fg_referral_type_get(const char *datadir, const char *kind, struct fg_referral_type *out,
		     struct fg_error *err)
{
	struct fg_referral_type *types;
	struct fg_arena arena;
	char known[256] = "";
	size_t n, used = 0;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = net_referral_types(datadir, &arena, &types, &n, err);
	if (rc != FG_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (kind != NULL && strcmp(types[i].kind, kind) == 0) {
			*out = types[i];
			goto out;
		}
		if (used < sizeof(known))
			used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
						 i ? ", " : "", types[i].kind);
	}
	fg_error_set(err, FG_INVALID, "type", "referral type \"%s\" does not exist", kind ? kind : "");
	fg_error_hint(err, "Use one of %s.", known);
	rc = FG_INVALID;
out:
	fg_arena_free(&arena);
	return rc;
}
