/*
 * registry.c
 *	  Record linkage inside the person registry: scanning for duplicate
 *	  persons, the review queue of uncertain pairs, merging with a full
 *	  record of what moved, and un-merging; the duplicate check of one
 *	  person being registered, and of the persons an import added.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fangai/audit.h"
#include "fangai/linkage.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "linkage_int.h"

/*
 * Tables whose rows belong to a person (schema 0001, 0004): re-pointed by a
 * merge, in this order.  Exams are not indexed by person (schema 0014):
 * they are found through their episodes, moved to the survivor (?1) first.
 */
static const struct {
	const char *table, *extra;
} person_tables[] = {
	{"person_identifier", ""}, {"screening_episode", ""}, {"screening_questionnaire", ""},
	{"screening_exam", " AND episode_id IN (SELECT id FROM screening_episode WHERE person_id = ?1)"},
	{"tumour", ""}, {"treatment", ""}, {"referral", ""}, {"consultation", ""}, {"appointment", ""},
	{"followup_plan", ""}, {"followup", ""}, {"followup_attempt", ""}, {"death_record", ""},
};
#define NTABLES (sizeof(person_tables) / sizeof(person_tables[0]))

/* The key, the default spec's fields in order, and the name's simplified key. */
#define PERSON_VALUES \
	"SELECT id, coalesce(id_number, ''), name, sex, birth_date, coalesce(phone, '')," \
	" coalesce(address, ''), name_key FROM person"

/* A record from a query row of PERSON_VALUES' columns (name key "": made here). */
static fg_rc
add_person_row(fg_link_data *data, fg_stmt *st, struct fg_error *err)
{
	const char *values[6];

	for (int c = 0; c < 6; c++)
		values[c] = fg_stmt_text(st, c + 1);
	return link_data_add_keyed(data, fg_stmt_text(st, 0), values, fg_stmt_text(st, 7), err);
}

/* Add the rows of a prepared (and bound) query of PERSON_VALUES' columns to data. */
static fg_rc
add_rows(fg_stmt *st, fg_link_data *data, struct fg_error *err)
{
	bool row = true;
	fg_rc rc = FG_OK;

	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		rc = add_person_row(data, st, err);
	fg_stmt_reset(st);
	return rc;
}

/* Add the rows of a query of PERSON_VALUES' columns to data. */
static fg_rc
load_query(fg_store *store, const char *sql, fg_link_data *data, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	return rc == FG_OK ? add_rows(st, data, err) : rc;
}

fg_rc
fg_link_registry_load(fg_store *store, fg_link_data *data, struct fg_error *err)
{
	return load_query(store, PERSON_VALUES " WHERE merged_into IS NULL ORDER BY id", data, err);
}

/* ---- merging ---- */

static fg_rc
active_person(fg_store *store, int64_t id, const char *field, struct fg_person *p,
	      struct fg_error *err)
{
	fg_stmt *st;
	int64_t into = 0;
	bool found = false;
	fg_rc rc;

	rc = fg_person_get(store, id, p, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "SELECT merged_into FROM person WHERE id = ? AND merged_into IS NOT NULL",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_scalar_int64(st, &into, &found, err);
	if (rc == FG_OK && found) {
		fg_error_set(err, FG_CONFLICT, field, "person %lld is merged into person %lld already",
			     (long long)id, (long long)into);
		return FG_CONFLICT;
	}
	return rc;
}

/* Re-point table's rows from person `from` to `to`; their ids go into moved. */
static fg_rc
move_rows(fg_store *store, const char *table, const char *column, const char *extra,
	  int64_t from, int64_t to, json_object *moved, struct fg_error *err)
{
	char sql[320];
	json_object *ids = json_object_new_array();
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?1 WHERE %s = ?2%s RETURNING id", table, column,
		 column, extra);
	rc = fg_store_prepare(store, sql, &st, err);
	if (rc != FG_OK) {
		json_object_put(ids);
		return rc;
	}
	fg_stmt_bind_int64(st, 1, to);
	fg_stmt_bind_int64(st, 2, from);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		json_object_array_add(ids, json_object_new_int64(fg_stmt_int64(st, 0)));
	fg_stmt_reset(st);
	if (json_object_array_length(ids) > 0)
		json_object_object_add(moved, table, ids);
	else
		json_object_put(ids);
	return rc;
}

static fg_rc
record_merge(fg_store *store, const struct fg_person *survivor, int64_t merged,
	     const char *method, double probability, const char *by, json_object *moved,
	     int64_t *merge_id, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO person_merge (district, institution_id, survivor_id,"
			      " merged_id, method, probability, moved, merged_by, merged_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, survivor->district);
	fg_stmt_bind_int64(st, 2, survivor->institution_id);
	fg_stmt_bind_int64(st, 3, survivor->id);
	fg_stmt_bind_int64(st, 4, merged);
	fg_stmt_bind_text(st, 5, method);
	if (probability >= 0)
		fg_stmt_bind_double(st, 6, probability);
	fg_stmt_bind_text(st, 7, json_object_to_json_string_ext(moved, JSON_C_TO_STRING_PLAIN));
	fg_stmt_bind_text(st, 8, by);
	fg_stmt_bind_text(st, 9, fg_utc_now(now));
	return fg_stmt_scalar_int64(st, merge_id, NULL, err);
}

static fg_rc
set_merged_into(fg_store *store, int64_t id, int64_t into, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_person_keep_version(store, id, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE person SET merged_into = ?, updated_at = ?,"
				      " version = version + 1 WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	if (into)
		fg_stmt_bind_int64(st, 1, into);
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	fg_stmt_bind_int64(st, 3, id);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

static fg_rc
close_reviews(fg_store *store, int64_t a, int64_t b, const char *state, const char *by,
	      struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE link_review SET state = ?, decided_at = ?, decided_by = ?"
			      " WHERE person_a = ? AND person_b = ? AND state = 'open'", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, state);
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	fg_stmt_bind_text(st, 3, by);
	fg_stmt_bind_int64(st, 4, a < b ? a : b);
	fg_stmt_bind_int64(st, 5, a < b ? b : a);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/* Append the change to the hash-chained audit log, in the caller's transaction. */
static fg_rc
audit(fg_store *store, const char *action, int64_t institution, struct fg_error *err,
      const char *fmt, ...) FG_PRINTF(5, 6);

static fg_rc
audit(fg_store *store, const char *action, int64_t institution, struct fg_error *err,
      const char *fmt, ...)
{
	struct fg_audit_entry e = {.institution_id = institution};
	va_list ap;

	fg_strlcpy(e.action, action, sizeof(e.action));
	fg_strlcpy(e.result, "ok", sizeof(e.result));
	fg_strlcpy(e.client, "fangai link", sizeof(e.client));
	va_start(ap, fmt);
	vsnprintf(e.resource, sizeof(e.resource), fmt, ap);
	va_end(ap);
	return fg_audit_append(store, &e, 1, err);
}

static fg_rc
merge_inside(fg_store *store, const struct fg_person *survivor, int64_t merged,
	     const char *method, double probability, const char *by, int64_t *merge_id,
	     struct fg_error *err)
{
	json_object *moved = json_object_new_object();
	fg_rc rc = FG_OK;

	for (size_t t = 0; rc == FG_OK && t < NTABLES; t++)
		rc = move_rows(store, person_tables[t].table, "person_id", person_tables[t].extra, merged,
			       survivor->id, moved, err);
	if (rc == FG_OK)
		rc = move_rows(store, "source_record", "target_id", " AND kind = 'persons'", merged,
			       survivor->id, moved, err);
	if (rc == FG_OK)
		rc = set_merged_into(store, merged, survivor->id, err);
	if (rc == FG_OK)
		rc = record_merge(store, survivor, merged, method, probability, by, moved, merge_id, err);
	if (rc == FG_OK)
		rc = close_reviews(store, survivor->id, merged, "merged", by, err);
	if (rc == FG_OK)
		rc = audit(store, "merge", survivor->institution_id, err,
			   "Patient/%lld into Patient/%lld (merge %lld, %s, by %s)", (long long)merged,
			   (long long)survivor->id, (long long)*merge_id, method, by);
	json_object_put(moved);
	return rc;
}

fg_rc
fg_link_merge(fg_store *store, int64_t survivor, int64_t merged, const char *method,
	      double probability, const char *by, int64_t *merge_id, struct fg_error *err)
{
	struct fg_person s, m;
	fg_rc rc;

	if (survivor == merged)
		return fg_error_set(err, FG_INVALID, "person", "cannot merge person %lld into itself",
				    (long long)merged);
	rc = active_person(store, survivor, "survivor", &s, err);
	if (rc == FG_OK)
		rc = active_person(store, merged, "merged", &m, err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = merge_inside(store, &s, merged, method, probability, by, merge_id, err);
	if (rc != FG_OK) {
		fg_store_rollback(store);
		return rc;
	}
	return fg_store_commit(store, err);
}

/* ---- un-merging ---- */

static fg_rc
move_back(fg_store *store, json_object *moved, int64_t merged, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	json_object_object_foreach(moved, table, ids) {
		bool known = strcmp(table, "source_record") == 0;
		char sql[160];
		fg_stmt *st;

		for (size_t t = 0; !known && t < NTABLES; t++)
			known = strcmp(table, person_tables[t].table) == 0;
		if (!known)
			return fg_error_set(err, FG_INTERNAL, NULL, "merge record names table \"%s\"", table);
		snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE id = ?", table,
			 strcmp(table, "source_record") == 0 ? "target_id" : "person_id");
		for (size_t k = 0; rc == FG_OK && k < json_object_array_length(ids); k++) {
			rc = fg_store_prepare(store, sql, &st, err);
			if (rc != FG_OK)
				return rc;
			fg_stmt_bind_int64(st, 1, merged);
			fg_stmt_bind_int64(st, 2, json_object_get_int64(json_object_array_get_idx(ids, k)));
			rc = fg_stmt_scalar_int64(st, NULL, NULL, err);
		}
	}
	return rc;
}

/* The latest merge of person `merged` not yet undone. */
static fg_rc
find_merge(fg_store *store, int64_t merged, int64_t *merge_id, char **moved, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	*moved = NULL;
	rc = fg_store_prepare(store, "SELECT id, moved FROM person_merge WHERE merged_id = ?"
			      " AND unmerged_at IS NULL ORDER BY id DESC LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, merged);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		*merge_id = fg_stmt_int64(st, 0);
		*moved = strdup(fg_stmt_text(st, 1));
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "person", "person %lld is not merged into another",
				  (long long)merged);
	else if (rc == FG_OK && *moved == NULL)
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading a merge");
	return rc;
}

static fg_rc
finish_unmerge(fg_store *store, int64_t merge_id, const char *by, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE person_merge SET unmerged_by = ?, unmerged_at = ? WHERE id = ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, by);
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	fg_stmt_bind_int64(st, 3, merge_id);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

fg_rc
fg_link_unmerge(fg_store *store, int64_t merged, const char *by, int64_t *merge_id,
		struct fg_error *err)
{
	json_object *moved = NULL;
	char *text = NULL;
	fg_rc rc;

	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = find_merge(store, merged, merge_id, &text, err);
	if (rc == FG_OK && (moved = json_tokener_parse(text)) == NULL)
		rc = fg_error_set(err, FG_INTERNAL, NULL, "merge %lld holds invalid JSON", (long long)*merge_id);
	if (rc == FG_OK)
		rc = move_back(store, moved, merged, err);
	if (rc == FG_OK)
		rc = set_merged_into(store, merged, 0, err);
	if (rc == FG_OK)
		rc = finish_unmerge(store, *merge_id, by, err);
	if (rc == FG_OK)
		rc = audit(store, "unmerge", 0, err, "Patient/%lld (merge %lld undone by %s)",
			   (long long)merged, (long long)*merge_id, by);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	json_object_put(moved);
	free(text);
	return rc;
}

/* ---- the review queue ---- */

static void
levels_text(const struct fg_link_spec *spec, const struct fg_link_pair *p, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	for (int f = 0; f < spec->nfields && n < outsz; f++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s=%s", f ? ";" : "", spec->fields[f].name,
				      fg_link_level_name(spec->fields[f].cmp, p->levels[f]));
}

static fg_rc
queue_pair(fg_store *store, const struct fg_link_spec *spec, const struct fg_link_pair *p,
	   int64_t a, int64_t b, struct fg_error *err)
{
	char levels[512], now[32];
	struct fg_person pa;
	fg_stmt *st;
	fg_rc rc;

	levels_text(spec, p, levels, sizeof(levels));
	rc = fg_person_get(store, a, &pa, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "INSERT INTO link_review (district, institution_id, person_a,"
				      " person_b, probability, weight, levels, created_at)"
				      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
				      " ON CONFLICT DO NOTHING", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, pa.district);
	fg_stmt_bind_int64(st, 2, pa.institution_id);
	fg_stmt_bind_int64(st, 3, a);
	fg_stmt_bind_int64(st, 4, b);
	fg_stmt_bind_double(st, 5, p->probability);
	fg_stmt_bind_double(st, 6, p->weight);
	fg_stmt_bind_text(st, 7, levels);
	fg_stmt_bind_text(st, 8, fg_utc_now(now));
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

struct scan {
	fg_store *store;
	const struct fg_link_spec *spec;
	const fg_link_data *data;
	bool merge;
	const char *by;
	struct fg_link_scan_report *report;
};

static fg_rc
scan_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	struct scan *s = userdata;
	int64_t a, b, merge_id;
	struct fg_person pa, pb;
	fg_rc rc;

	if (fg_parse_int64(fg_link_data_key(s->data, p->a), "person", 1, INT64_MAX, &a, err) != FG_OK ||
	    fg_parse_int64(fg_link_data_key(s->data, p->b), "person", 1, INT64_MAX, &b, err) != FG_OK)
		return FG_INTERNAL;
	if (p->decision == FG_LINK_MATCH && s->merge) {
		/* An earlier merge of this scan may have taken one of them. */
		if (active_person(s->store, a, "survivor", &pa, NULL) != FG_OK ||
		    active_person(s->store, b, "merged", &pb, NULL) != FG_OK)
			return FG_OK;
		rc = fg_link_merge(s->store, a, b, p->deterministic ? "id_number" : "probabilistic",
				   p->probability, s->by, &merge_id, err);
		s->report->merged += rc == FG_OK;
		return rc;
	}
	rc = queue_pair(s->store, s->spec, p, a, b, err);
	s->report->queued += rc == FG_OK;
	return rc;
}

fg_rc
fg_link_registry_scan(fg_store *store, const struct fg_link_spec *spec, bool merge,
		      const char *by, int threads, struct fg_link_scan_report *report,
		      struct fg_error *err)
{
	struct scan s = {.store = store, .spec = spec, .merge = merge, .by = by, .report = report};
	fg_link_data *data = NULL;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	rc = fg_link_data_new(spec, 0, &data, err);
	if (rc == FG_OK)
		rc = fg_link_registry_load(store, data, err);
	if (rc == FG_OK) {
		s.data = data;
		report->persons = (int64_t)fg_link_data_count(data);
		rc = fg_link_run(spec, data, NULL, spec->lower, threads, scan_pair, &s, &report->model, err);
	}
	/* p is the share of matches among all pairs of persons. */
	report->model_kept = rc == FG_OK && report->model.converged &&
			     report->model.p * (double)report->persons * (double)(report->persons - 1) / 2 >=
				     FG_LINK_MODEL_MIN_MATCHES;
	if (report->model_kept)
		rc = fg_link_model_save(store, spec, &report->model, err);
	fg_link_data_free(data);
	return rc;
}

fg_rc
fg_link_review_decide(fg_store *store, int64_t review, bool same, const char *by,
		      int64_t *merge_id, struct fg_error *err)
{
	fg_stmt *st;
	int64_t a = 0, b = 0;
	double probability = -1;
	bool row = false;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT person_a, person_b, probability FROM link_review"
			      " WHERE id = ? AND state = 'open'", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, review);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		a = fg_stmt_int64(st, 0);
		b = fg_stmt_int64(st, 1);
		probability = fg_stmt_double(st, 2);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		return fg_error_set(err, FG_NOTFOUND, "review", "review %lld does not exist or is decided",
				    (long long)review);
	if (rc != FG_OK)
		return rc;
	if (same)
		return fg_link_merge(store, a, b, "review", probability, by, merge_id, err);
	*merge_id = 0;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = close_reviews(store, a, b, "distinct", by, err);
	if (rc == FG_OK)
		rc = audit(store, "review", 0, err, "Patient/%lld and Patient/%lld distinct (review %lld, by %s)",
			   (long long)a, (long long)b, (long long)review, by);
	if (rc != FG_OK) {
		fg_store_rollback(store);
		return rc;
	}
	return fg_store_commit(store, err);
}

fg_rc
fg_link_review_list(fg_store *store, int64_t limit, struct fg_arena *arena,
		    struct fg_link_review **items, size_t *n, struct fg_error *err)
{
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	*n = 0;
	*items = fg_arena_alloc(arena, (size_t)(limit > 0 ? limit : 1) * sizeof(**items));
	if (*items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing reviews");
	rc = fg_store_prepare(store, "SELECT r.id, r.person_a, a.name, r.person_b, b.name, r.probability,"
			      " r.levels FROM link_review r JOIN person a ON a.id = r.person_a"
			      " JOIN person b ON b.id = r.person_b WHERE r.state = 'open'"
			      " ORDER BY r.probability DESC, r.id LIMIT ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, limit);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && *n < (size_t)limit) {
		struct fg_link_review *r = &(*items)[(*n)++];

		r->id = fg_stmt_int64(st, 0);
		r->person_a = fg_stmt_int64(st, 1);
		fg_strlcpy(r->name_a, fg_stmt_text(st, 2), sizeof(r->name_a));
		r->person_b = fg_stmt_int64(st, 3);
		fg_strlcpy(r->name_b, fg_stmt_text(st, 4), sizeof(r->name_b));
		r->probability = fg_stmt_double(st, 5);
		fg_strlcpy(r->levels, fg_stmt_text(st, 6), sizeof(r->levels));
	}
	fg_stmt_reset(st);
	return rc;
}

/* ---- death records against persons ---- */

/* Death records not linked to a person, as records of the default fields. */
#define UNLINKED_DEATHS \
	"SELECT id, coalesce(id_number, ''), name, sex, coalesce(birth_date, ''), '', '', ''" \
	" FROM death_record WHERE person_id IS NULL ORDER BY id"

struct death_links {
	const fg_link_data *persons, *deaths;
	struct fg_link_pair *best;	/* per death record; probability < 0: none */
	fg_link_keyed_fn fn;
	void *userdata;
	int64_t review;
};

static fg_rc
note_death_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	struct death_links *d = userdata;
	struct fg_link_pair *best = &d->best[p->b];

	if (p->decision == FG_LINK_MATCH && (best->probability < 0 || p->probability > best->probability))
		*best = *p;
	d->review += p->decision == FG_LINK_POSSIBLE;
	return d->fn ? d->fn(fg_link_data_key(d->persons, p->a), fg_link_data_key(d->deaths, p->b), p,
			     d->userdata, err)
		     : FG_OK;
}

static fg_rc
link_death(fg_store *store, const struct death_links *d, size_t k, struct fg_error *err)
{
	const struct fg_link_pair *p = &d->best[k];
	int64_t death, person;
	fg_stmt *st;
	fg_rc rc;

	if (fg_parse_int64(fg_link_data_key(d->deaths, p->b), "death_record", 1, INT64_MAX, &death, err) != FG_OK ||
	    fg_parse_int64(fg_link_data_key(d->persons, p->a), "person", 1, INT64_MAX, &person, err) != FG_OK)
		return FG_INTERNAL;
	rc = fg_store_prepare(store, "UPDATE death_record SET person_id = ? WHERE id = ? AND person_id IS NULL",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person);
	fg_stmt_bind_int64(st, 2, death);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/* Store the best link of each death record, in one transaction. */
static fg_rc
link_deaths(fg_store *store, const struct death_links *d, struct fg_link_death_report *report,
	    struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	for (int64_t k = 0; rc == FG_OK && k < report->deaths; k++) {
		if (d->best[k].probability < 0)
			continue;
		rc = link_death(store, d, (size_t)k, err);
		report->linked += rc == FG_OK;
	}
	if (rc != FG_OK) {
		fg_store_rollback(store);
		report->linked = 0;
		return rc;
	}
	return fg_store_commit(store, err);
}

fg_rc
fg_link_registry_deaths(fg_store *store, const struct fg_link_spec *spec, int threads,
			fg_link_keyed_fn fn, void *userdata, struct fg_link_death_report *report,
			struct fg_error *err)
{
	struct death_links d = {.fn = fn, .userdata = userdata};
	fg_link_data *persons = NULL, *deaths = NULL;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	rc = fg_link_data_new(spec, 0, &persons, err);
	if (rc == FG_OK)
		rc = fg_link_data_new(spec, 1, &deaths, err);
	if (rc == FG_OK)
		rc = fg_link_registry_load(store, persons, err);
	if (rc == FG_OK)
		rc = load_query(store, UNLINKED_DEATHS, deaths, err);
	report->deaths = deaths ? (int64_t)fg_link_data_count(deaths) : 0;
	if (rc == FG_OK && report->deaths > 0) {
		d.persons = persons;
		d.deaths = deaths;
		d.best = malloc((size_t)report->deaths * sizeof(*d.best));
		if (d.best == NULL)
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory linking death records");
		for (int64_t k = 0; rc == FG_OK && k < report->deaths; k++)
			d.best[k].probability = -1;
		if (rc == FG_OK)
			rc = fg_link_run(spec, persons, deaths, spec->lower, threads, note_death_pair, &d,
					 &report->model, err);
		if (rc == FG_OK)
			rc = link_deaths(store, &d, report, err);
		report->review = d.review;
	}
	free(d.best);
	fg_link_data_free(persons);
	fg_link_data_free(deaths);
	return rc;
}

/* ---- the duplicate check of one person ---- */

/*
 * Blocking through the indexes: the same identity document; the same name
 * key and year of birth; the same birth date and sex with the first
 * (surname) or the last character of the name key in common, tested on the
 * entries of person_birth_sex_name (migration 0017) before any row is read;
 * or the same phone.  A typing error, a homophone or two swapped characters
 * in the name keep the one or the other character; traditional characters
 * keep the key.
 */
#define CHECK_CANDIDATES \
	PERSON_VALUES " WHERE merged_into IS NULL AND id <> ?4 AND" \
	" ((id_type = ?10 AND id_number = ?11)" \
	" OR (name_key = ?1 AND birth_date >= ?6 AND birth_date < ?7)" \
	" OR (birth_date = ?2 AND sex = ?3 AND (substr(name_key, 1, 1) = ?8" \
	" OR substr(name_key, length(name_key), 1) = ?9)) OR phone = ?5) LIMIT 2000"

/* The first and the last character of a UTF-8 text (up to 4 bytes each); "" for "". */
static void
end_chars(const char *s, char first[8], char last[8])
{
	size_t n = strlen(s), a = n > 0, b = n > 0 ? n - 1 : 0;

	while (a < n && a < 4 && ((unsigned char)s[a] & 0xC0) == 0x80)
		a++;
	while (b > 0 && n - b < 4 && ((unsigned char)s[b] & 0xC0) == 0x80)
		b--;
	memcpy(first, s, a);
	first[a] = '\0';
	memcpy(last, s + b, n - b);
	last[n - b] = '\0';
}

/* Add the registered persons blocked with p (birth its birth date as text) to cands. */
static fg_rc
load_candidates(fg_store *store, const struct fg_person *p, const char *birth,
		const char *sex, fg_link_data *cands, struct fg_error *err)
{
	char from[16], to[16], first[8], last[8];
	int y, m, d;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, CHECK_CANDIDATES, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_date_to_ymd(p->birth_date, &y, &m, &d);
	snprintf(from, sizeof(from), "%04d", y);
	snprintf(to, sizeof(to), "%04d", y + 1);
	end_chars(p->name_key, first, last);
	fg_stmt_bind_text(st, 1, p->name_key);
	fg_stmt_bind_text(st, 2, birth);
	fg_stmt_bind_text(st, 3, sex);
	fg_stmt_bind_int64(st, 4, p->id);
	fg_stmt_bind_text(st, 5, p->phone[0] ? p->phone : NULL);
	fg_stmt_bind_text(st, 6, from);
	fg_stmt_bind_text(st, 7, to);
	fg_stmt_bind_text(st, 8, first);
	fg_stmt_bind_text(st, 9, last);
	fg_stmt_bind_text(st, 10, p->id_type);
	fg_stmt_bind_text(st, 11, p->id_number[0] ? p->id_number : NULL);
	return add_rows(st, cands, err);
}

fg_rc
fg_link_registry_check(fg_store *store, const struct fg_link_spec *spec,
		       const struct fg_link_model *model, const struct fg_person *p,
		       struct fg_link_candidate *out, size_t max, size_t *n,
		       struct fg_error *err)
{
	char birth[FG_DATE_TEXT_MAX];
	const char *values[6] = {p->id_number, p->name, (char[]){p->sex, '\0'},
				 fg_date_format(p->birth_date, birth), p->phone, p->address};
	fg_link_data *one = NULL, *cands = NULL;
	fg_rc rc;

	*n = 0;
	rc = fg_link_data_new(spec, 0, &one, err);
	if (rc == FG_OK)
		rc = fg_link_data_new(spec, 1, &cands, err);
	if (rc == FG_OK)
		rc = link_data_add_keyed(one, "new", values, p->name_key, err);
	if (rc == FG_OK)
		rc = load_candidates(store, p, birth, values[2], cands, err);
	for (size_t j = 0; rc == FG_OK && j < fg_link_data_count(cands); j++) {
		struct fg_link_pair pair;

		fg_link_score(spec, model, one, 0, cands, j, &pair);
		if (pair.decision == FG_LINK_NONMATCH || *n == max)
			continue;
		out[*n].person_id = strtoll(fg_link_data_key(cands, j), NULL, 10);
		out[*n].pair = pair;
		(*n)++;
	}
	fg_link_data_free(one);
	fg_link_data_free(cands);
	return rc;
}

fg_rc
fg_link_register_check(fg_store *store, const struct fg_person *p, struct fg_link_candidate *out,
		       size_t max, size_t *n, bool *checked, struct fg_error *err)
{
	struct fg_link_spec spec;
	struct fg_link_model model;
	fg_rc rc;

	*n = 0;
	fg_link_spec_default(&spec);
	rc = fg_link_model_load(store, &spec, &model, checked, err);
	if (rc == FG_OK && *checked)
		rc = fg_link_registry_check(store, &spec, &model, p, out, max, n, err);
	for (size_t k = 0; rc == FG_OK && k < *n; k++)
		rc = queue_pair(store, &spec, &out[k].pair, out[k].person_id, p->id, err);
	return rc;
}

fg_rc
fg_link_register(fg_store *store, const struct fg_person_input *in, struct fg_person *out,
		 bool *matched, struct fg_findings *conflicts, struct fg_link_candidate *cands,
		 size_t max, size_t *n, bool *checked, struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	*n = 0;
	*checked = false;
	if (rc != FG_OK)
		return rc;
	rc = fg_person_add(store, in, out, matched, conflicts, err);
	if (rc == FG_OK && !*matched)
		rc = fg_link_register_check(store, out, cands, max, n, checked, err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

/* Persons checked a transaction at a time after an import. */
#define IMPORT_CHECK_CHUNK 1000

/*
 * The next step of the persons import batch `batch` wrote (up to
 * IMPORT_CHECK_CHUNK of them, ids above *after): those it created, not
 * matched nor merged since, into ids (their number into *n); *after moves
 * to the last one read, and *more says whether there was any.
 */
static fg_rc
import_created(fg_store *store, int64_t batch, int64_t *after, int64_t *ids, size_t *n, bool *more,
	       struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	*n = 0;
	*more = false;
	/*
	 * The step is read from source_record_batch (migration 0019) before the
	 * persons are joined, so that each step reads its own rows only.
	 */
	rc = fg_store_prepare(store, "SELECT t.target_id, CASE WHEN p.created_at >= b.started_at"
			      " AND p.merged_into IS NULL THEN 1 ELSE 0 END FROM (SELECT DISTINCT target_id"
			      " FROM source_record WHERE batch_id = ?1 AND target_id > ?2 AND kind = 'persons'"
			      " ORDER BY target_id LIMIT ?3) AS t JOIN person AS p ON p.id = t.target_id"
			      " JOIN import_batch AS b ON b.id = ?1 ORDER BY t.target_id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, batch);
	fg_stmt_bind_int64(st, 2, *after);
	fg_stmt_bind_int64(st, 3, IMPORT_CHECK_CHUNK);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		*after = fg_stmt_int64(st, 0);
		*more = true;
		if (fg_stmt_int64(st, 1))
			ids[(*n)++] = *after;
	}
	fg_stmt_reset(st);
	return rc;
}

/* Check person id as at registration; queue the pairs with the persons before it (*found). */
static fg_rc
check_created(fg_store *store, const struct fg_link_spec *spec, const struct fg_link_model *model,
	      int64_t id, int64_t *found, struct fg_error *err)
{
	struct fg_link_candidate cands[FG_LINK_REGISTER_MAX];
	struct fg_person p;
	size_t n = 0;
	fg_rc rc = fg_person_get(store, id, &p, err);

	if (rc == FG_OK)
		rc = fg_link_registry_check(store, spec, model, &p, cands, FG_LINK_REGISTER_MAX, &n, err);
	for (size_t k = 0; rc == FG_OK && k < n; k++)
		if (cands[k].person_id < id) {	/* a later person of the batch queues the pair */
			rc = queue_pair(store, spec, &cands[k].pair, cands[k].person_id, id, err);
			*found += rc == FG_OK;
		}
	return rc;
}

fg_rc
fg_link_check_import(fg_store *store, int64_t batch, int64_t *checked, int64_t *found,
		     void (*progress)(int64_t checked, void *userdata), void *userdata,
		     struct fg_error *err)
{
	int64_t ids[IMPORT_CHECK_CHUNK], after = 0;
	struct fg_link_spec spec;
	struct fg_link_model model;
	bool kept = false, more = true;
	size_t n = 0;
	fg_rc rc;

	*checked = *found = 0;
	fg_link_spec_default(&spec);
	rc = fg_link_model_load(store, &spec, &model, &kept, err);
	while (rc == FG_OK && kept && more) {
		rc = import_created(store, batch, &after, ids, &n, &more, err);
		if (rc != FG_OK || n == 0)
			continue;
		rc = fg_store_begin(store, err);
		for (size_t k = 0; rc == FG_OK && k < n; k++)
			rc = check_created(store, &spec, &model, ids[k], found, err);
		if (rc == FG_OK)
			rc = fg_store_commit(store, err);
		else
			fg_store_rollback(store);
		*checked += rc == FG_OK ? (int64_t)n : 0;
		if (rc == FG_OK && progress != NULL)
			progress(*checked, userdata);
	}
	return rc;
}
