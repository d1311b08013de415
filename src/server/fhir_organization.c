/*
 * fhir_organization.c
 *	  FHIR R4 Organization over the member institutions: read and search
 *	  by name (contained text) or identifier (unified social credit code).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/util.h"
#include "fhir.h"

static json_object *
organization_json(const struct fg_institution *in)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_array();
	json_object *id = json_object_new_object(), *idtype = json_object_new_object();
	json_object *types = json_object_new_array(), *type = json_object_new_object();
	json_object *addrs = json_object_new_array(), *addr = json_object_new_object();
	char buf[24];

	json_object_object_add(o, "resourceType", json_object_new_string("Organization"));
	snprintf(buf, sizeof(buf), "%lld", (long long)in->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	json_object_object_add(o, "active", json_object_new_boolean(1));
	json_object_object_add(idtype, "text", json_object_new_string("统一社会信用代码 (GB 32100-2015)"));
	json_object_object_add(id, "type", idtype);
	json_object_object_add(id, "value", json_object_new_string(in->uscc));
	json_object_array_add(ids, id);
	json_object_object_add(o, "identifier", ids);
	json_object_object_add(type, "text", json_object_new_string(in->kind));
	json_object_array_add(types, type);
	json_object_object_add(o, "type", types);
	json_object_object_add(o, "name", json_object_new_string(in->name));
	if (in->name_en[0]) {
		json_object *alias = json_object_new_array();

		json_object_array_add(alias, json_object_new_string(in->name_en));
		json_object_object_add(o, "alias", alias);
	}
	json_object_object_add(addr, "district", json_object_new_string(in->district));
	json_object_array_add(addrs, addr);
	json_object_object_add(o, "address", addrs);
	if (in->parent_id)
		json_object_object_add(o, "partOf", fhir_reference("Organization", in->parent_id));
	return o;
}

void
fhir_organization_read(struct request *req)
{
	struct fg_institution in;
	struct fg_error err;
	int64_t id;

	if (!req_param_id(req, 0, "Organization", &id))
		return;
	if (fg_institution_get(req->store, id, &in, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_json(req, 200, organization_json(&in));
}

static bool
matches(const struct fg_institution *in, const char *name, const char *identifier)
{
	const char *bar = identifier ? strchr(identifier, '|') : NULL;

	if (bar != NULL)
		identifier = bar + 1;
	if (identifier != NULL && strcasecmp(identifier, in->uscc) != 0)
		return false;
	return name == NULL || strstr(in->name, name) != NULL || strcasestr(in->name_en, name) != NULL;
}

static const char *const search_params[] = {"name", "identifier", NULL};
static const struct fhir_sort_key sorts[] = {{"_id", "id"}, {"name", "name"}, {NULL, NULL}};
static const struct fhir_search_spec search_spec = {
	.type = "Organization", .params = search_params, .sorts = sorts,
};

void
fhir_organization_search(struct request *req)
{
	const char *name = req_query(req, "name"), *identifier = req_query(req, "identifier");
	struct fg_institution_list list;
	struct fhir_paging paging;
	struct fg_error err;
	json_object *all, *page;
	int64_t total;

	if (!fhir_search_read(req, &search_spec, &paging))
		return;
	if (fg_institution_list(req->store, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	all = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		if (matches(&list.items[i], name, identifier))
			json_object_array_add(all, organization_json(&list.items[i]));
	page = fhir_page_sorted(&paging, all, &total);
	reply_json(req, 200, fhir_searchset(req, "Organization", page, total, &paging, search_params));
}

json_object *
fhir_organization_lookup(struct request *req, int64_t id)
{
	struct fg_institution in;
	struct fg_error err;

	if (fg_institution_get(req->store, id, &in, &err) != FG_OK)
		return NULL;
	return organization_json(&in);
}
