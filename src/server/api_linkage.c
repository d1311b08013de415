/*
 * api_linkage.c
 *	  Duplicate persons through the JSON API: the review queue of the
 *	  registry (GET /api/link/reviews), a decision on one pair (POST
 *	  /api/link/reviews/{id}), merge and un-merge (POST
 *	  /api/persons/{id}/merge, /unmerge), and what a person's merges are
 *	  (person_merge_links, for GET /api/persons/{id} and FHIR Patient.link).
 *
 * Duplicates cross institutions: only the cancer centre's staff (a scope
 * of the region) work on them; everyone else gets 403.  Every call is
 * audited; a write commits with its audit entry or is rolled back.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/linkage.h"
#include "fangai/util.h"
#include "api_clinical.h"


/* The decisions on a pair of the queue, and whether each says "the same person". */
static const struct {
	const char *name;
	bool same;
} decisions[] = {
	{"same", true}, {"distinct", false},
};

/* True if the request's scope is the region; otherwise replies 403, audited, and returns false. */
static bool
region_only(struct request *req)
{
	if (req->scope.region)
		return true;
	reply_error(req, 403, NULL,
		    fg_arena_printf(req->arena, "institution \"%lld\" cannot resolve duplicate persons",
				    (long long)req->scope.institution_id),
		    "Duplicates are resolved across institutions, by the cancer centre.",
		    "Ask the cancer centre's registry to review the pair.");
	audit_note(req, "access", "denied", "%s %s", req->method, req->path);
	return false;
}

/* One side of a pair: the person as the API shows it (masked) with its institution's name. */
static json_object *
json_side(struct request *req, int64_t id)
{
	struct fg_institution in;
	struct fg_person p;
	struct fg_error err;
	json_object *o;

	if (fg_person_get(req->store, id, &p, &err) != FG_OK)
		return NULL;
	o = json_person(&p, false);
	json_object_object_add(o, "institution", fg_institution_get(req->store, p.institution_id, &in, &err) == FG_OK
				? json_object_new_string(in.name) : NULL);
	return o;
}

/* The agreement levels "field=level;..." of a review as an object {field: level}. */
static json_object *
json_levels(const char *text)
{
	json_object *o = json_object_new_object();
	char buf[sizeof(((struct fg_link_review *)0)->levels)], *save = NULL;

	fg_strlcpy(buf, text, sizeof(buf));
	for (char *part = strtok_r(buf, ";", &save); part != NULL; part = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(part, '=');

		if (eq != NULL) {
			*eq = '\0';
			json_object_object_add(o, part, json_object_new_string(eq + 1));
		}
	}
	return o;
}

static json_object *
json_review(struct request *req, const struct fg_link_review *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "probability", json_object_new_double(r->probability));
	json_object_object_add(o, "levels", json_levels(r->levels));
	json_object_object_add(o, "person_a", json_side(req, r->person_a));
	json_object_object_add(o, "person_b", json_side(req, r->person_b));
	return o;
}

/* The number of open reviews. */
static fg_rc
open_reviews(struct request *req, int64_t *total, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(req->store, "SELECT count(*) FROM link_review WHERE state = 'open'", &st, err);

	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, total, NULL, err);
	return rc;
}

void
api_link_reviews_list(struct request *req)
{
	struct fg_link_review *items;
	struct fg_error err;
	json_object *list;
	int64_t limit, total = 0;
	size_t n = 0;
	fg_rc rc;

	if (!region_only(req) || !req_query_int(req, "limit", 1, 1000, 50, &limit))
		return;
	rc = fg_link_review_list(req->store, limit, req->arena, &items, &n, &err);
	if (rc == FG_OK)
		rc = open_reviews(req, &total, &err);
	audit_note(req, "read", audit_result(rc), "link_review?limit=%lld&n=%zu", (long long)limit, n);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(list, json_review(req, &items[i]));
	reply_json(req, 200, json_page(list, total, limit, 0));
}

/* The merge merge_id as JSON: who survived, who was merged, how, by whom and when. */
static json_object *
json_merge(struct request *req, int64_t merge_id)
{
	json_object *o = json_object_new_object();
	struct fg_error err;
	fg_stmt *st;
	bool row = false;

	json_object_object_add(o, "id", json_object_new_int64(merge_id));
	if (fg_store_prepare(req->store, "SELECT survivor_id, merged_id, method, merged_by, merged_at,"
			     " unmerged_by, unmerged_at FROM person_merge WHERE id = ?", &st, &err) != FG_OK)
		return o;
	fg_stmt_bind_int64(st, 1, merge_id);
	if (fg_stmt_step(st, &row, &err) == FG_OK && row) {
		json_object_object_add(o, "survivor", json_object_new_int64(fg_stmt_int64(st, 0)));
		json_object_object_add(o, "merged", json_object_new_int64(fg_stmt_int64(st, 1)));
		json_object_object_add(o, "method", json_object_new_string(fg_stmt_text(st, 2)));
		json_object_object_add(o, "merged_by", json_object_new_string(fg_stmt_text(st, 3)));
		json_object_object_add(o, "merged_at", json_object_new_string(fg_stmt_text(st, 4)));
		json_object_object_add(o, "unmerged_by", fg_stmt_is_null(st, 5) ? NULL
					: json_object_new_string(fg_stmt_text(st, 5)));
		json_object_object_add(o, "unmerged_at", fg_stmt_is_null(st, 6) ? NULL
					: json_object_new_string(fg_stmt_text(st, 6)));
	}
	fg_stmt_reset(st);
	return o;
}

/* Reply to a write: its audit word and resource were noted by write_finish. */
static void
reply_write(struct request *req, fg_rc rc, const struct fg_error *err, const char *decision,
	    int64_t merge_id)
{
	json_object *o;

	if (rc != FG_OK) {
		reply_fg_error(req, err);
		return;
	}
	o = json_object_new_object();
	if (decision != NULL)
		json_object_object_add(o, "decision", json_object_new_string(decision));
	json_object_object_add(o, "merge_id", merge_id ? json_object_new_int64(merge_id) : NULL);
	json_object_object_add(o, "merge", merge_id ? json_merge(req, merge_id) : NULL);
	reply_json(req, 200, o);
}

static const char *const decide_members[] = {"decision", NULL};

/* The decision member of body into *same; FG_INVALID naming it and its value otherwise. */
static fg_rc
read_decision(const char *text, bool *same, struct fg_error *err)
{
	if (text == NULL)
		return fg_error_set(err, FG_INVALID, "decision", "decision is missing");
	for (size_t i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++) {
		if (strcmp(text, decisions[i].name) == 0) {
			*same = decisions[i].same;
			return FG_OK;
		}
	}
	fg_error_set(err, FG_INVALID, "decision", "invalid decision \"%.32s\"", text);
	fg_error_hint(err, "Use same (one person: merge) or distinct (two persons).");
	return FG_INVALID;
}

void
api_link_review_decide(struct request *req)
{
	json_object *body = NULL;
	const char *decision, *resource;
	struct fg_error err;
	int64_t review, merge_id = 0;
	bool same = false;
	fg_rc rc;

	if (!region_only(req) || !req_param_id(req, 0, "review", &review) || (body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, decide_members) || !json_get_string(req, body, "decision", &decision))
		goto out;
	resource = fg_arena_printf(req->arena, "link_review/%lld", (long long)review);
	rc = read_decision(decision, &same, &err);
	if (rc == FG_OK && (rc = write_begin(req, &err)) == FG_OK) {
		rc = fg_link_review_decide(req->store, review, same, req->session.user.username, &merge_id, &err);
		rc = write_finish(req, rc, same ? "merge" : "distinct", resource, resource, &err);
	} else
		audit_note(req, "review", audit_result(rc), "%s", resource);
	reply_write(req, rc, &err, decision, merge_id);
out:
	json_object_put(body);
}

static const char *const merge_members[] = {"into", NULL};

/* The survivor named by body's "into": a positive id, as a number or digits. */
static fg_rc
read_into(json_object *body, int64_t *into, struct fg_error *err)
{
	json_object *v;

	if (!json_object_object_get_ex(body, "into", &v) || v == NULL)
		return fg_error_set(err, FG_INVALID, "into", "into is missing");
	if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) {
		*into = json_object_get_int64(v);
		return FG_OK;
	}
	return fg_parse_int64(json_object_get_string(v), "into", 1, INT64_MAX, into, err);
}

void
api_persons_merge(struct request *req)
{
	json_object *body = NULL;
	const char *resource;
	struct fg_error err;
	int64_t merged, into = 0, merge_id = 0;
	fg_rc rc;

	if (!region_only(req) || !req_param_id(req, 0, "person", &merged) || (body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, merge_members))
		goto out;
	rc = read_into(body, &into, &err);
	resource = fg_arena_printf(req->arena, "person/%lld", (long long)merged);
	if (rc == FG_OK && (rc = write_begin(req, &err)) == FG_OK) {
		rc = fg_link_merge(req->store, into, merged, "manual", -1, req->session.user.username, &merge_id, &err);
		rc = write_finish(req, rc, "merge", fg_arena_printf(req->arena, "%s into person/%lld", resource,
								  (long long)into), resource, &err);
	} else
		audit_note(req, "merge", audit_result(rc), "%s", resource);
	reply_write(req, rc, &err, NULL, merge_id);
out:
	json_object_put(body);
}

void
api_persons_unmerge(struct request *req)
{
	const char *resource;
	struct fg_error err;
	int64_t merged, merge_id = 0;
	fg_rc rc;

	if (!region_only(req) || !req_param_id(req, 0, "person", &merged))
		return;
	resource = fg_arena_printf(req->arena, "person/%lld", (long long)merged);
	rc = write_begin(req, &err);
	if (rc == FG_OK) {
		rc = fg_link_unmerge(req->store, merged, req->session.user.username, &merge_id, &err);
		rc = write_finish(req, rc, "unmerge", resource, resource, &err);
	} else
		audit_note(req, "unmerge", audit_result(rc), "%s", resource);
	reply_write(req, rc, &err, NULL, merge_id);
}

fg_rc
person_merge_links(struct request *req, int64_t id, struct person_links *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(req->store, "SELECT merged_into FROM person WHERE id = ? AND merged_into IS NOT NULL",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_scalar_int64(st, &out->merged_into, NULL, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(req->store, "SELECT merged_id FROM person_merge WHERE survivor_id = ?"
				      " AND unmerged_at IS NULL ORDER BY merged_id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->nreplaces < PERSON_LINKS_MAX)
		out->replaces[out->nreplaces++] = fg_stmt_int64(st, 0);
	fg_stmt_reset(st);
	return rc;
}
