/*
 * plan.c
 *	  Follow-up plans read from data/followup/plans.csv, and the due dates
 *	  they give from a start date.
 */
#include <ctype.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/followup.h"
#include "fangai/util.h"

#define MAX_PLANS 64
#define MAX_MONTHS 1200

/* Parse one stretch of a record, checking it continues the plan. */
static fg_rc
parse_stretch(const fg_csv *csv, const struct fg_plan *plan, struct fg_plan_stretch *s,
	      struct fg_error *err)
{
	const char *to = fg_csv_field(csv, 3);
	int64_t from, until = -1, every;

	if (fg_parse_int64(fg_csv_field(csv, 2), "from_month", 0, MAX_MONTHS, &from, err) != FG_OK ||
	    (*to && fg_parse_int64(to, "to_month", 1, MAX_MONTHS, &until, err) != FG_OK) ||
	    fg_parse_int64(fg_csv_field(csv, 4), "every_months", 1, 120, &every, err) != FG_OK)
		return FG_INVALID;
	if (plan->nstretches > 0) {
		const struct fg_plan_stretch *prev = &plan->stretches[plan->nstretches - 1];

		if (prev->to < 0 || prev->to != from)
			return fg_error_set(err, FG_INVALID, "from_month",
					    "plan \"%s\" stretch from month %lld does not start where the previous one ends",
					    plan->code, (long long)from);
	}
	if (until >= 0 && until <= from)
		return fg_error_set(err, FG_INVALID, "to_month", "plan \"%s\" stretch ends at month %lld, before it starts",
				    plan->code, (long long)until);
	if (plan->nstretches == FG_PLAN_STRETCHES)
		return fg_error_set(err, FG_INVALID, "plan", "plan \"%s\" has more than %d stretches",
				    plan->code, FG_PLAN_STRETCHES);
	*s = (struct fg_plan_stretch){(int)from, (int)until, (int)every};
	return FG_OK;
}

/* The plan a record belongs to: the last one if the code continues it, else a new one. */
static fg_rc
plan_for(struct fg_plans *plans, const fg_csv *csv, struct fg_plan **out, struct fg_error *err)
{
	const char *code = fg_csv_field(csv, 0);
	struct fg_plan *p;

	if (plans->count > 0 && strcmp(plans->items[plans->count - 1].code, code) == 0) {
		*out = &plans->items[plans->count - 1];
		return FG_OK;
	}
	if (*code == '\0' || strlen(code) >= FG_PLAN_CODE_MAX)
		return fg_error_set(err, FG_INVALID, "plan", "invalid plan code \"%s\"", code);
	if (fg_plans_find(plans, code) != NULL)
		return fg_error_set(err, FG_INVALID, "plan", "plan \"%s\" is given in two places", code);
	if (plans->count == MAX_PLANS)
		return fg_error_set(err, FG_INVALID, "plan", "more than %d plans", MAX_PLANS);
	p = &plans->items[plans->count++];
	fg_strlcpy(p->code, code, sizeof(p->code));
	fg_strlcpy(p->name, fg_csv_field(csv, 1), sizeof(p->name));
	*out = p;
	return FG_OK;
}

fg_rc
fg_plans_load(const char *path, struct fg_arena *arena, struct fg_plans *out,
	      struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	fg_csv *csv = NULL;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->items = fg_arena_alloc(arena, MAX_PLANS * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for follow-up plans");
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct fg_plan *p = NULL;

		rc = plan_for(out, csv, &p, err);
		if (rc == FG_OK)
			rc = parse_stretch(csv, p, &p->stretches[p->nstretches], err);
		if (rc != FG_OK) {
			rc = fg_error_at_line(err, path, fg_csv_line(csv));
			break;
		}
		p->nstretches++;
	}
	fg_csv_close(csv);
	return rc;
}

const struct fg_plan *
fg_plans_find(const struct fg_plans *plans, const char *code)
{
	for (size_t i = 0; code != NULL && i < plans->count; i++)
		if (strcmp(plans->items[i].code, code) == 0)
			return &plans->items[i];
	return NULL;
}

size_t
fg_plan_schedule(const struct fg_plan *plan, fg_date start, int months, fg_date *out, size_t max)
{
	size_t n = 0;

	for (int k = 0; k < plan->nstretches; k++) {
		const struct fg_plan_stretch *s = &plan->stretches[k];
		int end = s->to < 0 || s->to > months ? months : s->to;

		for (int m = s->from + s->every; m <= end; m += s->every) {
			if (n < max)
				out[n] = fg_date_add_months(start, m);
			n++;
		}
	}
	return n;
}

fg_rc
fg_icd10_check(const char *code, const char *field, struct fg_error *err)
{
	size_t len = code ? strlen(code) : 0;
	bool ok = len >= 3 && isupper((unsigned char)code[0]) && isdigit((unsigned char)code[1]) &&
		  isdigit((unsigned char)code[2]);

	if (ok && len > 3)
		ok = code[3] == '.' && len >= 5 && len <= 6 && isdigit((unsigned char)code[4]) &&
		     (len == 5 || isdigit((unsigned char)code[5]));
	if (!ok) {
		fg_error_set(err, FG_INVALID, field, "invalid ICD-10 code \"%s\"", code ? code : "");
		fg_error_hint(err, "Give a category such as C34 or a subcategory such as C34.9.");
		return FG_INVALID;
	}
	return FG_OK;
}
