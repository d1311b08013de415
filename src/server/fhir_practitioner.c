/*
 * fhir_practitioner.c
 *	  FHIR R4 Practitioner and PractitionerRole over the accounts of the
 *	  platform: a user is a Practitioner, and its one role at its one
 *	  institution a PractitionerRole with the same id.  Users of other
 *	  institutions are out of scope (404) except for the cancer centre.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

static json_object *
id_text(int64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return json_object_new_string(buf);
}

static json_object *
one_text(const char *member, const char *text)
{
	json_object *a = json_object_new_array(), *o = json_object_new_object();

	json_object_object_add(o, member, json_object_new_string(text));
	json_object_array_add(a, o);
	return a;
}

static json_object *
practitioner_json(const struct fg_user *u)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_array();
	json_object *id = json_object_new_object(), *type = json_object_new_object();

	json_object_object_add(o, "resourceType", json_object_new_string("Practitioner"));
	json_object_object_add(o, "id", id_text(u->id));
	json_object_object_add(type, "text", json_object_new_string("fangai username"));
	json_object_object_add(id, "type", type);
	json_object_object_add(id, "value", json_object_new_string(u->username));
	json_object_array_add(ids, id);
	json_object_object_add(o, "identifier", ids);
	json_object_object_add(o, "active", json_object_new_boolean(u->active));
	json_object_object_add(o, "name", one_text("text", u->display_name));
	return o;
}

static json_object *
role_json(const struct fg_user *u)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "resourceType", json_object_new_string("PractitionerRole"));
	json_object_object_add(o, "id", id_text(u->id));
	json_object_object_add(o, "active", json_object_new_boolean(u->active));
	json_object_object_add(o, "practitioner", fhir_reference("Practitioner", u->id));
	json_object_object_add(o, "organization", fhir_reference("Organization", u->institution_id));
	json_object_object_add(o, "code", one_text("text", u->role));
	return o;
}

static bool
in_scope(const struct request *req, const struct fg_user *u)
{
	return req->scope.region || u->institution_id == req->scope.institution_id;
}

/* Read the user of the route's {id} within scope; replies 404 and returns false otherwise. */
static bool
read_user(struct request *req, const char *kind, struct fg_user *out)
{
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, kind, &id))
		return false;
	rc = fg_user_get(req->store, id, out, &err);
	if (rc == FG_OK && !in_scope(req, out))
		rc = fg_error_set(&err, FG_NOTFOUND, "user", "user %lld does not exist", (long long)id);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	return true;
}

void
fhir_practitioner_read(struct request *req)
{
	struct fg_user u;

	if (read_user(req, "Practitioner", &u))
		reply_json(req, 200, practitioner_json(&u));
}

void
fhir_practitioner_role_read(struct request *req)
{
	struct fg_user u;

	if (read_user(req, "PractitionerRole", &u))
		reply_json(req, 200, role_json(&u));
}

/* What a search asks: name (contained in the display name), organization, role. */
struct user_filter {
	const char *name;
	int64_t organization;		/* 0: any */
	const char *role;
};

static bool
matches(const struct request *req, const struct fg_user *u, const struct user_filter *f)
{
	return in_scope(req, u) && (f->name == NULL || strstr(u->display_name, f->name) != NULL ||
				    strstr(u->username, f->name) != NULL) &&
	       (f->organization == 0 || u->institution_id == f->organization) &&
	       (f->role == NULL || strcmp(u->role, f->role) == 0);
}

static const struct fhir_sort_key sorts[] = {{"_id", "id"}, {NULL, NULL}};

static void
search_users(struct request *req, const char *type, json_object *(*as_json)(const struct fg_user *),
	     const struct user_filter *f, const char *const *params)
{
	struct fg_user_list list;
	struct fhir_paging paging;
	struct fg_error err;
	struct fhir_search_spec spec = {.type = type, .params = params, .sorts = sorts};
	json_object *all, *page;
	int64_t total;

	if (!fhir_search_read(req, &spec, &paging))
		return;
	if (fg_user_list(req->store, req->scope.region ? 0 : req->scope.institution_id, req->arena, &list,
			 &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		if (matches(req, &list.items[i], f))
			json_object_array_add(all, as_json(&list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, type, page, total, &paging, params));
}

void
fhir_practitioner_search(struct request *req)
{
	static const char *const params[] = {"name", NULL};
	struct user_filter f = {.name = req_query(req, "name")};

	search_users(req, "Practitioner", practitioner_json, &f, params);
}

void
fhir_practitioner_role_search(struct request *req)
{
	static const char *const params[] = {"organization", "role", NULL};
	const char *org = req_query(req, "organization");
	struct user_filter f = {.role = req_query(req, "role")};

	if (org != NULL) {
		if (strncmp(org, "Organization/", 13) == 0)
			org += 13;
		if (fg_parse_int64(org, "organization", 1, INT64_MAX, &f.organization, NULL) != FG_OK) {
			reply_error(req, 400, "organization", "invalid organization", NULL,
				    "Use Organization/ID or ID.");
			return;
		}
	}
	if (f.role != NULL && !fg_role_valid(f.role)) {
		reply_error(req, 400, "role", "invalid role", NULL, NULL);
		return;
	}
	search_users(req, "PractitionerRole", role_json, &f, params);
}
