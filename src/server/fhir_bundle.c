/*
 * fhir_bundle.c
 *	  FHIR R4 searchset Bundles with paging links, references, and the
 *	  CapabilityStatement at /fhir/metadata.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

bool
fhir_paging_read(struct request *req, struct fhir_paging *out)
{
	const char *total = req_query(req, "_total");

	out->total = true;
	if (total != NULL && strcmp(total, "none") == 0)
		out->total = false;
	else if (total != NULL && strcmp(total, "accurate") != 0 && strcmp(total, "estimate") != 0) {
		reply_error(req, 400, "_total", "invalid _total", NULL, "Use none, estimate or accurate.");
		return false;
	}
	return req_query_int(req, "_count", 1, 1000, 20, &out->count) &&
	       req_query_int(req, "_offset", 0, INT64_MAX / 2, 0, &out->offset);
}

bool
fhir_page_take(const struct fhir_paging *paging, int64_t *total)
{
	int64_t n = (*total)++;

	return n >= paging->offset && n < paging->offset + paging->count;
}

/* Append "&name=value" to buf, percent-encoding the value. */
static void
append_param(char *buf, size_t size, const char *name, const char *value)
{
	size_t n = strlen(buf);

	n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s=", n ? "&" : "", name);
	for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~')
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, size - n, "%%%02X", *p);
	}
	buf[n < size ? n : size - 1] = '\0';
}

const char *
fhir_base(struct request *req)
{
	const char *host = req_header(req, "Host");

	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		host = "localhost";
	return fg_arena_printf(req->arena, "http://%s/fhir", host);
}

static json_object *
link(struct request *req, const char *relation, const char *type, const char *params,
     int64_t count, int64_t offset)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "relation", json_object_new_string(relation));
	json_object_object_add(o, "url", json_object_new_string(fg_arena_printf(
		req->arena, "%s/%s?%s%s_count=%lld&_offset=%lld", fhir_base(req), type, params,
		*params ? "&" : "", (long long)count, (long long)offset)));
	return o;
}

json_object *
fhir_searchset(struct request *req, const char *type, json_object *resources, int64_t total,
	       const struct fhir_paging *paging, const char *const *params)
{
	json_object *b = json_object_new_object(), *links = json_object_new_array();
	json_object *entries = json_object_new_array();
	char query[1024] = "";
	size_t n = json_object_array_length(resources);

	for (int i = 0; params[i]; i++) {
		const char *v = req_query(req, params[i]);

		if (v != NULL)
			append_param(query, sizeof(query), params[i], v);
	}
	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string("searchset"));
	if (paging->total)
		json_object_object_add(b, "total", json_object_new_int64(total));
	json_object_array_add(links, link(req, "self", type, query, paging->count, paging->offset));
	if (paging->offset + (int64_t)n < total)
		json_object_array_add(links, link(req, "next", type, query, paging->count,
						  paging->offset + paging->count));
	if (paging->offset > 0)
		json_object_array_add(links, link(req, "previous", type, query, paging->count,
						  paging->offset > paging->count ? paging->offset - paging->count : 0));
	json_object_object_add(b, "link", links);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_new_object(), *search = json_object_new_object();
		json_object *r = json_object_get(json_object_array_get_idx(resources, i));
		json_object *id;

		json_object_object_get_ex(r, "id", &id);
		json_object_object_add(e, "fullUrl", json_object_new_string(fg_arena_printf(
			req->arena, "%s/%s/%s", fhir_base(req), type, json_object_get_string(id))));
		json_object_object_add(e, "resource", r);
		json_object_object_add(search, "mode", json_object_new_string("match"));
		json_object_object_add(e, "search", search);
		json_object_array_add(entries, e);
	}
	json_object_put(resources);
	json_object_object_add(b, "entry", entries);
	return b;
}

json_object *
fhir_reference(const char *type, int64_t id)
{
	json_object *o = json_object_new_object();
	char ref[64];

	snprintf(ref, sizeof(ref), "%s/%lld", type, (long long)id);
	json_object_object_add(o, "reference", json_object_new_string(ref));
	return o;
}

static json_object *
strings(const char *const *list)
{
	json_object *a = json_object_new_array();

	for (int i = 0; list[i]; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

/* A CapabilityStatement rest.resource entry. */
static json_object *
capability_resource(const char *type, const char *const *interactions,
		    const char *const (*params)[2], bool versioned)
{
	json_object *r = json_object_new_object(), *ia = json_object_new_array();
	json_object *sp = json_object_new_array();

	json_object_object_add(r, "type", json_object_new_string(type));
	for (int i = 0; interactions[i]; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "code", json_object_new_string(interactions[i]));
		json_object_array_add(ia, x);
	}
	json_object_object_add(r, "interaction", ia);
	json_object_object_add(r, "versioning", json_object_new_string(versioned ? "versioned-update" : "no-version"));
	for (int i = 0; params[i][0]; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "name", json_object_new_string(params[i][0]));
		json_object_object_add(x, "type", json_object_new_string(params[i][1]));
		json_object_array_add(sp, x);
	}
	json_object_object_add(r, "searchParam", sp);
	return r;
}

void
fhir_metadata(struct request *req)
{
	static const char *const patient_ia[] = {"read", "vread", "search-type", "create", "update", NULL};
	static const char *const org_ia[] = {"read", "search-type", NULL};
	static const char *const patient_sp[][2] = {
		{"identifier", "token"}, {"name", "string"}, {"birthdate", "date"},
		{"gender", "token"}, {"address-district", "string"}, {NULL, NULL},
	};
	static const char *const org_sp[][2] = {{"identifier", "token"}, {"name", "string"}, {NULL, NULL}};
	static const char *const pract_sp[][2] = {{"name", "string"}, {NULL, NULL}};
	static const char *const role_sp[][2] = {{"organization", "reference"}, {"role", "token"}, {NULL, NULL}};
	static const char *const condition_sp[][2] = {{"patient", "reference"}, {NULL, NULL}};
	static const char *const read_ia[] = {"read", NULL}, *const search_ia[] = {"search-type", NULL};
	static const char *const no_sp[][2] = {{NULL, NULL}};
	static const char *const slot_sp[][2] = {{"service-type", "token"}, {"start", "date"}, {NULL, NULL}};
	static const char *const observation_sp[][2] = {
		{"patient", "reference"}, {"date", "date"}, {"code", "token"}, {NULL, NULL},
	};
	static const char *const episode_sp[][2] = {
		{"patient", "reference"}, {"date", "date"}, {"type", "token"}, {"organization", "reference"}, {NULL, NULL},
	};
	static const char *const formats[] = {"application/fhir+json", "json", NULL};
	json_object *cs = json_object_new_object(), *rest = json_object_new_object();
	json_object *rests = json_object_new_array(), *res = json_object_new_array();
	json_object *sw = json_object_new_object(), *sec = json_object_new_object();
	char date[FG_DATE_TEXT_MAX];

	json_object_object_add(cs, "resourceType", json_object_new_string("CapabilityStatement"));
	json_object_object_add(cs, "status", json_object_new_string("active"));
	json_object_object_add(cs, "date", json_object_new_string(fg_date_format(fg_date_today(), date)));
	json_object_object_add(cs, "kind", json_object_new_string("instance"));
	json_object_object_add(sw, "name", json_object_new_string("fangai"));
	json_object_object_add(cs, "software", sw);
	json_object_object_add(cs, "fhirVersion", json_object_new_string("4.0.1"));
	json_object_object_add(cs, "format", strings(formats));
	json_object_object_add(rest, "mode", json_object_new_string("server"));
	json_object_object_add(sec, "description", json_object_new_string(
		"Log in with POST /api/login ({\"client\": \"api\"}) and send the token as"
		" Authorization: Bearer. Each institution sees only its own persons."));
	json_object_object_add(rest, "security", sec);
	json_object_array_add(res, capability_resource("Patient", patient_ia, patient_sp, true));
	json_object_array_add(res, capability_resource("Organization", org_ia, org_sp, false));
	json_object_array_add(res, capability_resource("Condition", org_ia, condition_sp, false));
	json_object_array_add(res, capability_resource("Practitioner", org_ia, pract_sp, false));
	json_object_array_add(res, capability_resource("PractitionerRole", org_ia, role_sp, false));
	json_object_array_add(res, capability_resource("ServiceRequest", org_ia, condition_sp, false));
	json_object_array_add(res, capability_resource("Task", org_ia, condition_sp, false));
	json_object_array_add(res, capability_resource("Appointment", read_ia, no_sp, false));
	json_object_array_add(res, capability_resource("Slot", search_ia, slot_sp, false));
	json_object_array_add(res, capability_resource("Observation", org_ia, observation_sp, false));
	json_object_array_add(res, capability_resource("EpisodeOfCare", org_ia, episode_sp, false));
	json_object_object_add(rest, "resource", res);
	json_object_array_add(rests, rest);
	json_object_object_add(cs, "rest", rests);
	reply_json(req, 200, cs);
}
