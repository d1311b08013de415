/*
 * plan_query.c
 *	  Reading stored follow-up plans back by id, person, institution,
 *	  state and start day, with paging (for the FHIR CarePlan): each with
 *	  the day of its last visit not cancelled, the end of its period.
 */
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"
#include "followup_int.h"

/* The last visit not cancelled, through the index of the person's visits. */
#define PLAN_COLUMNS \
	"SELECT fp.id, fp.person_id, fp.institution_id, coalesce(fp.tumour_id, 0), fp.plan_code, fp.started_on," \
	" fp.active, (SELECT max(coalesce(f.contact_date, f.due_date)) FROM followup f" \
	" WHERE f.person_id = fp.person_id AND f.plan_id = fp.id AND coalesce(f.outcome, '') <> 'cancelled')"

#define PLAN_FROM "FROM followup_plan fp"

/* The plans matching ?1..?6 (struct fg_plan_query), led by lead. */
#define PLAN_WHERE(lead) \
	" WHERE " lead " AND (?1 = 0 OR fp.id = ?1) AND (?2 = 0 OR fp.person_id = ?2)" \
	" AND (?3 = 0 OR fp.institution_id = ?3) AND (?4 < 0 OR fp.active = ?4)" \
	" AND (?5 IS NULL OR fp.started_on >= ?5) AND (?6 IS NULL OR fp.started_on <= ?6)"

#define PLAN_PATH(lead) FOLLOWUP_PATH(PLAN_COLUMNS, PLAN_FROM, PLAN_WHERE(lead), "fp.started_on", "fp.id", \
				      " LIMIT ?7 OFFSET ?8")

static const struct followup_path plan_paths[FOLLOWUP_PATHS] = {
	[FOLLOWUP_PATH_ID] = PLAN_PATH("fp.id = ?1"),
	[FOLLOWUP_PATH_PERSON] = PLAN_PATH("fp.person_id = ?2"),
	[FOLLOWUP_PATH_INSTITUTION] = PLAN_PATH("fp.institution_id = ?3"),
	[FOLLOWUP_PATH_SCAN] = PLAN_PATH("1 = 1"),
};

static void
bind_plan_query(fg_stmt *st, const void *query)
{
	const struct fg_plan_query *q = query;
	char from[FG_DATE_TEXT_MAX], to[FG_DATE_TEXT_MAX];

	fg_stmt_bind_int64(st, 1, q->id);
	fg_stmt_bind_int64(st, 2, q->person_id);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_int64(st, 4, q->active);
	fg_stmt_bind_text(st, 5, q->from != FG_DATE_NONE ? fg_date_format(q->from, from) : NULL);
	fg_stmt_bind_text(st, 6, q->to != FG_DATE_NONE ? fg_date_format(q->to, to) : NULL);
}

static fg_rc
read_plan(fg_stmt *st, struct fg_arena *arena, void *item, struct fg_error *err)
{
	struct fg_plan_record *p = item;

	(void)arena;
	memset(p, 0, sizeof(*p));
	p->id = fg_stmt_int64(st, 0);
	p->person_id = fg_stmt_int64(st, 1);
	p->institution_id = fg_stmt_int64(st, 2);
	p->tumour_id = fg_stmt_int64(st, 3);
	fg_strlcpy(p->plan_code, fg_stmt_text(st, 4), sizeof(p->plan_code));
	if ((p->started = followup_date_at(st, 5)) == FG_DATE_NONE)
		return fg_error_set(err, FG_INTERNAL, "started_on", "follow-up plan %lld has no valid start",
				    (long long)p->id);
	p->active = fg_stmt_int64(st, 6) == 1;
	p->last = followup_date_at(st, 7);
	return FG_OK;
}

fg_rc
fg_followup_plans_find(fg_store *store, const struct fg_plan_query *q, struct fg_arena *arena,
		       struct fg_plan_records *out, struct fg_error *err)
{
	const struct fg_store_page pg = {
		.what = "follow-up plans", .limit_param = 7, .query = q, .bind = bind_plan_query, .read = read_plan,
		.item_size = sizeof(*out->items), .limit = q->limit, .offset = q->offset,
	};
	void *items;
	fg_rc rc = followup_page(store, pg, plan_paths, q->id, q->person_id, q->institution_id, q->order, arena,
				 &items, &out->count, &out->total, err);

	out->items = items;
	return rc;
}
