/*
 * cohort.c
 *	  The registry's tumours as survival subjects: follow-up from the
 *	  incidence date to death, the last contact of a patient lost to
 *	  follow-up, or the closing date.
 */
#include <string.h>

#include "fangai/util.h"
#include "survival_int.h"

/* Fill the end of follow-up of row r from the person's vital status. */
static void
end_of_followup(struct fg_cohort_row *r, const char *vital, const char *death, const char *last,
		fg_date closing)
{
	fg_date d;

	r->event = 0;
	r->end = closing;
	fg_strlcpy(r->end_reason, "closing", sizeof(r->end_reason));
	if (strcmp(vital, "dead") == 0 && death && fg_date_parse(death, "death_date", &d, NULL) == FG_OK &&
	    d <= closing) {
		r->event = 1;
		r->end = d;
		fg_strlcpy(r->end_reason, "dead", sizeof(r->end_reason));
	} else if (strcmp(vital, "unknown") == 0) {
		r->end = r->diagnosed;
		if (last && fg_date_parse(last, "contact_date", &d, NULL) == FG_OK && d > r->diagnosed)
			r->end = d < closing ? d : closing;
		fg_strlcpy(r->end_reason, "last_contact", sizeof(r->end_reason));
	}
}

static void
read_row(fg_stmt *st, fg_date closing, struct fg_cohort_row *r)
{
	fg_date birth;

	memset(r, 0, sizeof(*r));
	r->tumour_id = fg_stmt_int64(st, 0);
	r->person_id = fg_stmt_int64(st, 1);
	r->institution_id = fg_stmt_int64(st, 2);
	r->sex = fg_stmt_text(st, 3)[0];
	if (fg_date_parse(fg_stmt_text(st, 5), "incidence_date", &r->diagnosed, NULL) != FG_OK)
		r->diagnosed = closing;
	if (fg_date_parse(fg_stmt_text(st, 4), "birth_date", &birth, NULL) == FG_OK)
		r->age = fg_date_age(birth, r->diagnosed);
	fg_strlcpy(r->site, fg_stmt_text(st, 6), sizeof(r->site));
	fg_strlcpy(r->stage, fg_stmt_text(st, 7), sizeof(r->stage));
	fg_strlcpy(r->detection, fg_stmt_text(st, 8), sizeof(r->detection));
	fg_strlcpy(r->district, fg_stmt_text(st, 9), sizeof(r->district));
	end_of_followup(r, fg_stmt_text(st, 10), fg_stmt_text(st, 11), fg_stmt_text(st, 12), closing);
}

fg_rc
fg_survival_cohort(fg_store *store, fg_date closing, const char *site, fg_cohort_fn fn,
		   void *userdata, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(store,
			      "SELECT t.id, t.person_id, t.institution_id, p.sex, p.birth_date, t.incidence_date,"
			      " substr(t.topography, 1, 3), coalesce(t.stage, ''), coalesce(t.detection, 'unknown'),"
			      " p.district, p.vital_status, p.death_date,"
			      " (SELECT max(f.contact_date) FROM followup f WHERE f.person_id = t.person_id"
			      "   AND f.outcome IN ('alive', 'recurrence', 'metastasis'))"
			      " FROM tumour t JOIN person p ON p.id = t.person_id"
			      " WHERE t.behaviour = '3' AND t.incidence_date <= ?1"
			      " AND (?2 IS NULL OR substr(t.topography, 1, 3) = ?2)"
			      " ORDER BY t.id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_date_format(closing, day));
	fg_stmt_bind_text(st, 2, site);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_cohort_row r;

		read_row(st, closing, &r);
		rc = fn(&r, userdata, err);
		if (rc != FG_OK)
			break;
	}
	fg_stmt_reset(st);
	return rc;
}
