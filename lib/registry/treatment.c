/*
 * treatment.c
 *	  First-course treatment of a tumour: surgery, radiotherapy,
 *	  chemotherapy, targeted therapy, immunotherapy, endocrine therapy, with
 *	  their dates, checked against the tumour and the person.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "registry_int.h"

static const char *const kinds[] = {
	"surgery", "radiotherapy", "chemotherapy", "targeted", "immunotherapy", "endocrine", "other",
};

static fg_rc
check_kind(const char *kind, struct fg_error *err)
{
	for (size_t i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return FG_OK;
	fg_error_set(err, FG_INVALID, "kind", "invalid treatment kind \"%s\"", kind ? kind : "");
	fg_error_hint(err, "Use surgery, radiotherapy, chemotherapy, targeted, immunotherapy, endocrine or other.");
	return FG_INVALID;
}

/* Dates: start on or after incidence, not after death or today; end not before start. */
static fg_rc
check_dates(const struct fg_treatment_input *in, const struct fg_tumour *t,
	    const struct fg_person *p, struct fg_treatment *out, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];
	fg_rc rc;

	out->end = FG_DATE_NONE;
	if (in->start_date == NULL || in->start_date[0] == '\0')
		return fg_error_set(err, FG_INVALID, "start_date", "treatment start date is missing");
	if ((rc = fg_date_parse(in->start_date, "start_date", &out->start, err)) != FG_OK)
		return rc;
	if (in->end_date != NULL && in->end_date[0] != '\0' &&
	    (rc = fg_date_parse(in->end_date, "end_date", &out->end, err)) != FG_OK)
		return rc;
	if (out->start < t->incidence) {
		fg_error_set(err, FG_INVALID, "start_date", "treatment start %s is before the incidence date %s",
			     fg_date_format(out->start, a), fg_date_format(t->incidence, b));
		fg_error_hint(err, "When treatment came first, the incidence date is the date treatment began.");
		return FG_INVALID;
	}
	if (strcmp(p->vital_status, "dead") == 0 && p->death_date != FG_DATE_NONE && out->start > p->death_date)
		return fg_error_set(err, FG_INVALID, "start_date", "treatment start %s is after the death on %s",
				    fg_date_format(out->start, a), fg_date_format(p->death_date, b));
	if (out->start > fg_date_today())
		return fg_error_set(err, FG_INVALID, "start_date", "treatment start %s is in the future",
				    fg_date_format(out->start, a));
	if (out->end != FG_DATE_NONE && out->end < out->start)
		return fg_error_set(err, FG_INVALID, "end_date", "treatment end %s is before its start %s",
				    fg_date_format(out->end, a), fg_date_format(out->start, b));
	return FG_OK;
}

static fg_rc
insert_treatment(fg_store *store, const struct fg_tumour *t, struct fg_treatment *out,
		 struct fg_error *err)
{
	char start[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX];
	fg_stmt *st;
	bool found;
	fg_rc rc = fg_store_prepare(store,
				    "INSERT INTO treatment (district, tumour_id, person_id, institution_id, kind,"
				    " start_date, end_date) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, t->district);
	fg_stmt_bind_int64(st, 2, t->id);
	fg_stmt_bind_int64(st, 3, t->person_id);
	fg_stmt_bind_int64(st, 4, out->institution_id);
	fg_stmt_bind_text(st, 5, out->kind);
	fg_stmt_bind_text(st, 6, fg_date_format(out->start, start));
	if (out->end != FG_DATE_NONE)
		fg_stmt_bind_text(st, 7, fg_date_format(out->end, end));
	else
		fg_stmt_bind_null(st, 7);
	return fg_stmt_scalar_int64(st, &out->id, &found, err);
}

fg_rc
fg_treatment_add(fg_store *store, const struct fg_treatment_input *in,
		 struct fg_treatment *out, struct fg_error *err)
{
	struct fg_institution inst;
	struct fg_tumour t;
	struct fg_person p;
	int64_t id;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = fg_parse_int64(in->tumour ? in->tumour : "", "tumour", 1, INT64_MAX, &id, err)) ||
	    (rc = fg_tumour_get(store, id, &t, err)) ||
	    (rc = fg_person_get(store, t.person_id, &p, err)) ||
	    (rc = check_kind(in->kind, err)) ||
	    (rc = check_dates(in, &t, &p, out, err)))
		return rc;
	if (in->institution != NULL && in->institution[0] != '\0') {
		if ((rc = fg_institution_find(store, in->institution, "institution", &inst, err)) != FG_OK)
			return rc;
		out->institution_id = inst.id;
	} else
		out->institution_id = t.institution_id;
	out->tumour_id = t.id;
	fg_strlcpy(out->kind, in->kind, sizeof(out->kind));
	return insert_treatment(store, &t, out, err);
}

static void
read_treatment(fg_stmt *st, void *item)
{
	struct fg_treatment *x = item;
	struct fg_error ignore;

	x->id = fg_stmt_int64(st, 0);
	x->tumour_id = fg_stmt_int64(st, 1);
	x->institution_id = fg_stmt_int64(st, 2);
	fg_strlcpy(x->kind, fg_stmt_text(st, 3), sizeof(x->kind));
	if (fg_date_parse(fg_stmt_text(st, 4), "start_date", &x->start, &ignore) != FG_OK)
		x->start = FG_DATE_NONE;
	if (fg_date_parse(fg_stmt_text(st, 5), "end_date", &x->end, &ignore) != FG_OK)
		x->end = FG_DATE_NONE;
}

fg_rc
fg_treatment_list(fg_store *store, int64_t tumour_id, struct fg_arena *arena,
		  struct fg_treatment_list *out, struct fg_error *err)
{
	return reg_select(store,
			  "SELECT id, tumour_id, institution_id, kind, start_date, coalesce(end_date, '')"
			  " FROM treatment WHERE tumour_id = ? ORDER BY start_date, id", &tumour_id, 1, arena,
			  sizeof(*out->items), read_treatment, (void **)&out->items, &out->count, err);
}
