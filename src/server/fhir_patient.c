/*
 * fhir_patient.c
 *	  FHIR R4 Patient over the person registry: read, search (sorted by
 *	  the registry, with its Organization and Conditions on request),
 *	  create and update (If-Match), within the caller's scope and masked
 *	  like the API; a read or a search shows the merges of duplicates as
 *	  Patient.link.  A create whose person may be a duplicate, queued for
 *	  review, warns so (code duplicate) when asked Prefer:
 *	  return=OperationOutcome, and in a Bundle entry's response.outcome.
 *	  Versions are read in fhir_history.c.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

/* GB/T 2261.1 sex codes and FHIR administrative gender. */
static const struct {
	char sex;
	const char *gender;
} genders[] = {
	{'1', "male"}, {'2', "female"}, {'0', "unknown"}, {'9', "other"},
};

/* Library field names and the FHIR element each comes from. */
static const char *const field_paths[][2] = {
	{"id_number", "Patient.identifier"}, {"id_type", "Patient.identifier"},
	{"name", "Patient.name"}, {"sex", "Patient.gender"}, {"birth_date", "Patient.birthDate"},
	{"phone", "Patient.telecom"}, {"address", "Patient.address"},
	{"district", "Patient.address.district"}, {"institution", "Patient.managingOrganization"},
	{"version", "If-Match"},
};

static const char *
gender_of(char sex)
{
	for (size_t i = 0; i < sizeof(genders) / sizeof(genders[0]); i++)
		if (genders[i].sex == sex)
			return genders[i].gender;
	return "unknown";
}

static char
sex_of(const char *gender)
{
	for (size_t i = 0; gender && i < sizeof(genders) / sizeof(genders[0]); i++)
		if (strcmp(genders[i].gender, gender) == 0)
			return genders[i].sex;
	return '\0';
}

static json_object *
one(json_object *item)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, item);
	return a;
}

json_object *
fhir_patient_json(const struct fg_person *p, bool unmask, const char *last_updated)
{
	json_object *o = json_object_new_object(), *meta = json_object_new_object();
	struct fg_person shown = *p;
	char buf[32], date[FG_DATE_TEXT_MAX];

	if (!unmask)
		fg_person_mask(&shown);
	json_object_object_add(o, "resourceType", json_object_new_string("Patient"));
	snprintf(buf, sizeof(buf), "%lld", (long long)p->id);
	json_object_object_add(o, "id", json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "%lld", (long long)p->version);
	json_object_object_add(meta, "versionId", json_object_new_string(buf));
	if (last_updated != NULL && strlen(last_updated) >= 19)
		json_object_object_add(meta, "lastUpdated", json_object_new_string(last_updated));
	json_object_object_add(o, "meta", meta);
	if (shown.id_number[0] && strcmp(p->id_type, FG_ID_TYPE_RESIDENT) == 0) {
		json_object *id = json_object_new_object();

		json_object_object_add(id, "system", json_object_new_string(FHIR_SYSTEM_RESIDENT_ID));
		json_object_object_add(id, "value", json_object_new_string(shown.id_number));
		json_object_object_add(o, "identifier", one(id));
	}
	json_object *name = json_object_new_object();
	json_object_object_add(name, "text", json_object_new_string(p->name));
	json_object_object_add(o, "name", one(name));
	if (shown.phone[0]) {
		json_object *t = json_object_new_object();

		json_object_object_add(t, "system", json_object_new_string("phone"));
		json_object_object_add(t, "value", json_object_new_string(shown.phone));
		json_object_object_add(o, "telecom", one(t));
	}
	json_object_object_add(o, "gender", json_object_new_string(gender_of(p->sex)));
	json_object_object_add(o, "birthDate", json_object_new_string(fg_date_format(p->birth_date, date)));
	if (p->death_date != FG_DATE_NONE)
		json_object_object_add(o, "deceasedDateTime",
				       json_object_new_string(fg_date_format(p->death_date, date)));
	else if (strcmp(p->vital_status, "dead") == 0)
		json_object_object_add(o, "deceasedBoolean", json_object_new_boolean(1));
	json_object *addr = json_object_new_object();
	if (p->address[0])
		json_object_object_add(addr, "text", json_object_new_string(p->address));
	json_object_object_add(addr, "district", json_object_new_string(p->district));
	json_object_object_add(o, "address", one(addr));
	json_object_object_add(o, "managingOrganization", fhir_reference("Organization", p->institution_id));
	return o;
}

static json_object *
patient_json(const struct fg_person *p, bool unmask)
{
	return fhir_patient_json(p, unmask, NULL);
}

json_object *
fhir_patient_lookup(struct request *req, int64_t id)
{
	struct fg_person p;
	struct fg_error err;

	if (fg_scope_person_get(req->store, &req->scope, id, &p, &err) != FG_OK)
		return NULL;
	return patient_json(&p, false);
}

void
fhir_patient_error(struct request *req, const struct fg_error *err)
{
	struct fg_error e = *err;

	for (size_t i = 0; i < sizeof(field_paths) / sizeof(field_paths[0]); i++)
		if (strcmp(e.field, field_paths[i][0]) == 0)
			fg_strlcpy(e.field, field_paths[i][1], sizeof(e.field));
	reply_fg_error(req, &e);
}

static json_object *
patient_link(int64_t other, const char *type)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "other", fhir_reference("Patient", other));
	json_object_object_add(o, "type", json_object_new_string(type));
	return o;
}

/*
 * Patient.link from the person's merges: a merged person is replaced-by
 * its survivor and no longer active; a survivor replaces each person
 * merged into it.
 */
static bool
add_links(struct request *req, int64_t id, json_object *patient)
{
	struct person_links l;
	struct fg_error err;
	json_object *links;

	if (person_merge_links(req, id, &l, &err) != FG_OK) {
		json_object_put(patient);
		reply_fg_error(req, &err);
		return false;
	}
	if (l.merged_into == 0 && l.nreplaces == 0)
		return true;
	links = json_object_new_array();
	if (l.merged_into) {
		json_object_object_add(patient, "active", json_object_new_boolean(0));
		json_object_array_add(links, patient_link(l.merged_into, "replaced-by"));
	}
	for (size_t i = 0; i < l.nreplaces; i++)
		json_object_array_add(links, patient_link(l.replaces[i], "replaces"));
	json_object_object_add(patient, "link", links);
	return true;
}

void
fhir_patient_read(struct request *req)
{
	struct fg_person p;
	json_object *o;
	bool unmask;

	if (!person_read(req, "Patient", &p, &unmask))
		return;
	o = patient_json(&p, unmask);
	if (add_links(req, p.id, o))
		reply_json(req, 200, o);
}

static const char *const search_params[] = {
	"identifier", "name", "birthdate", "gender", "address-district", "unmask", NULL,
};

/* _sort keys; the element is unused: the registry sorts (fg_person_sort, same order). */
static const struct fhir_sort_key sorts[] = {
	{"_id", "id"}, {"name", "name"}, {"birthdate", "birthDate"}, {"_lastUpdated", "meta"}, {NULL, NULL},
};
static const enum fg_person_sort sort_orders[] = {
	FG_PERSON_SORT_ID, FG_PERSON_SORT_NAME, FG_PERSON_SORT_BIRTH_DATE, FG_PERSON_SORT_UPDATED,
};
static const struct fhir_include includes[] = {
	{"Patient:organization", "managingOrganization", "Organization"}, {NULL, NULL, NULL},
};
static const char *const revincludes[] = {"Condition:subject", "Condition:patient", NULL};
const struct fhir_search_spec fhir_patient_spec = {
	.type = "Patient", .params = search_params, .sorts = sorts, .includes = includes,
	.revincludes = revincludes, .revinclude = fhir_condition_revinclude,
};

/* Fill q from identifier, name, birthdate, gender and address-district; replies 400 on a bad one. */
static bool
search_query(struct request *req, struct fg_person_query *q)
{
	const char *identifier = req_query(req, "identifier"), *name = req_query(req, "name");
	const char *gender = req_query(req, "gender");
	char day[FG_DATE_TEXT_MAX];
	struct fhir_dates born;
	struct fg_error err;

	q->district = req_query(req, "address-district");
	if (identifier != NULL && name != NULL) {
		reply_error(req, 400, "name", "search by identifier or by name, not both", NULL, NULL);
		return false;
	}
	if (identifier != NULL) {
		const char *bar = strchr(identifier, '|');

		if (bar != NULL && strncmp(identifier, FHIR_SYSTEM_RESIDENT_ID "|", (size_t)(bar - identifier + 1)) != 0) {
			reply_error(req, 400, "identifier", "identifier system is not supported", NULL,
				    "Use " FHIR_SYSTEM_RESIDENT_ID "|NUMBER.");
			return false;
		}
		q->text = bar ? bar + 1 : identifier;
		q->by = FG_MATCH_ID_NUMBER;
	} else if (name != NULL) {
		q->text = name;
		q->by = FG_MATCH_NAME;
	}
	if (!fhir_date_param(req, "birthdate", false, &born))
		return false;
	if (born.from != FG_DATE_NONE)
		q->birth_from = fg_arena_strdup(req->arena, fg_date_format(born.from, day));
	if (born.to != FG_DATE_NONE)
		q->birth_to = fg_arena_strdup(req->arena, fg_date_format(born.to, day));
	if (gender != NULL && (q->sex = sex_of(gender)) == '\0') {
		reply_error(req, 400, "gender", "invalid gender", NULL, "Use male, female, other or unknown.");
		return false;
	}
	if (q->district != NULL && fg_district_check(q->district, "address-district", &err) != FG_OK) {
		reply_error(req, 400, "address-district", err.message, NULL, NULL);
		return false;
	}
	return true;
}

void
fhir_patient_search(struct request *req)
{
	struct fg_person_query q = {0};
	struct fg_person_list list;
	struct fhir_paging paging;
	json_object *items;
	bool unmask, refused;

	unmask = req_unmask(req, &refused);
	if (refused || !fhir_search_read(req, &fhir_patient_spec, &paging) || !search_query(req, &q))
		return;
	q.limit = paging.count;
	q.offset = paging.offset;
	if (paging.sort != NULL)
		q.sort = sort_orders[paging.sort - sorts];
	q.descending = paging.descending;
	if (!person_search(req, &q, "Patient", q.by == FG_MATCH_NAME ? "name" : "identifier", unmask, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++) {
		json_object *o = patient_json(&list.items[i], unmask);

		if (!add_links(req, list.items[i].id, o)) {
			json_object_put(items);
			return;
		}
		json_object_array_add(items, o);
	}
	reply_json(req, 200, fhir_searchset(req, "Patient", items, list.total, &paging, search_params));
}

/* Member name of obj as a string (NULL when absent); 400 naming path on another type. */
static bool
string_member(struct request *req, json_object *obj, const char *name, const char *path,
	      const char **out)
{
	json_object *v;

	*out = NULL;
	if (obj == NULL || !json_object_object_get_ex(obj, name, &v) || v == NULL)
		return true;
	if (json_object_is_type(v, json_type_string)) {
		*out = json_object_get_string(v);
		return true;
	}
	reply_error(req, 400, path, fg_arena_printf(req->arena, "%s must be a string", path), NULL, NULL);
	return false;
}

/* The first element of array member name, or NULL; 400 if it is not an array of objects. */
static bool
first_object(struct request *req, json_object *obj, const char *name, const char *path,
	     json_object **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_array) ||
	    (json_object_array_length(v) > 0 &&
	     !json_object_is_type(json_object_array_get_idx(v, 0), json_type_object))) {
		reply_error(req, 400, path, fg_arena_printf(req->arena, "%s must be an array of objects", path),
			    NULL, NULL);
		return false;
	}
	if (json_object_array_length(v) > 0)
		*out = json_object_array_get_idx(v, 0);
	return true;
}

static const char *const patient_members[] = {
	"resourceType", "id", "meta", "identifier", "name", "telecom", "gender", "birthDate",
	"address", "managingOrganization", "deceasedBoolean", "deceasedDateTime", "active", "text", "link", NULL,
};

/* The resident ID number among identifier[]; 400 on a malformed identifier. */
static bool
patient_identifier(struct request *req, json_object *body, const char **out)
{
	json_object *ids, *id;
	const char *system;

	*out = NULL;
	if (!json_object_object_get_ex(body, "identifier", &ids))
		return true;
	if (!json_object_is_type(ids, json_type_array)) {
		reply_error(req, 400, "Patient.identifier", "Patient.identifier must be an array", NULL, NULL);
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		id = json_object_array_get_idx(ids, i);
		if (!json_object_is_type(id, json_type_object)) {
			reply_error(req, 400, "Patient.identifier", "Patient.identifier must hold objects", NULL, NULL);
			return false;
		}
		if (!string_member(req, id, "system", "Patient.identifier.system", &system))
			return false;
		if (system != NULL && strcmp(system, FHIR_SYSTEM_RESIDENT_ID) == 0)
			return string_member(req, id, "value", "Patient.identifier.value", out);
	}
	return true;
}

bool
fhir_patient_input(struct request *req, json_object *body, struct fg_person_input *in)
{
	json_object *name, *telecom, *address, *org;
	const char *type, *gender, *ref;

	memset(in, 0, sizeof(*in));
	if (!string_member(req, body, "resourceType", "resourceType", &type))
		return false;
	if (type == NULL || strcmp(type, "Patient") != 0) {
		reply_error(req, 400, "resourceType", "resource is not a Patient", NULL, NULL);
		return false;
	}
	if (!json_only_members(req, body, patient_members) || !patient_identifier(req, body, &in->id_number) ||
	    !first_object(req, body, "name", "Patient.name", &name) ||
	    !string_member(req, name, "text", "Patient.name.text", &in->name) ||
	    !string_member(req, body, "gender", "Patient.gender", &gender) ||
	    !string_member(req, body, "birthDate", "Patient.birthDate", &in->birth_date) ||
	    !first_object(req, body, "telecom", "Patient.telecom", &telecom) ||
	    !string_member(req, telecom, "value", "Patient.telecom.value", &in->phone) ||
	    !first_object(req, body, "address", "Patient.address", &address) ||
	    !string_member(req, address, "text", "Patient.address.text", &in->address) ||
	    !string_member(req, address, "district", "Patient.address.district", &in->district))
		return false;
	if (gender != NULL) {
		char sex = sex_of(gender);

		if (sex == '\0') {
			reply_error(req, 400, "Patient.gender", fg_arena_printf(req->arena, "invalid gender \"%.32s\"", gender),
				    NULL, "Use male, female, other or unknown.");
			return false;
		}
		in->sex = fg_arena_strndup(req->arena, &sex, 1);
	}
	if (json_object_object_get_ex(body, "managingOrganization", &org)) {
		if (!json_object_is_type(org, json_type_object)) {
			reply_error(req, 400, "Patient.managingOrganization",
				    "Patient.managingOrganization must be an object", NULL, NULL);
			return false;
		}
		if (!string_member(req, org, "reference", "Patient.managingOrganization.reference", &ref))
			return false;
		if (ref == NULL || strncmp(ref, "Organization/", 13) != 0) {
			reply_error(req, 400, "Patient.managingOrganization",
				    "managingOrganization must reference an Organization", NULL, NULL);
			return false;
		}
		in->institution = ref + 13;
	}
	return true;
}

static const struct person_format fhir_format = {
	.kind = "Patient", .collection = "/fhir/Patient", .history = true, .id_member = "id",
	.input = fhir_patient_input, .error = fhir_patient_error, .json = patient_json,
};

void
fhir_patient_create(struct request *req)
{
	person_create_as(req, &fhir_format);
}

void
fhir_patient_update(struct request *req)
{
	person_update_as(req, &fhir_format);
}
