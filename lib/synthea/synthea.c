/*
 * synthea.c
 *	  Import of Synthea's FHIR R4 patient bundles: Patients as persons,
 *	  their deaths, their cancer Conditions (SNOMED CT) as tumours through
 *	  data/fhir/synthea-cancer.csv, and a report of what was left out.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fangai/csv.h"
#include "fangai/person.h"
#include "fangai/synthea.h"
#include "fangai/tumour.h"
#include "fangai/util.h"

#define SYSTEM_SNOMED "http://snomed.info/sct"
#define SYSTEM_RESIDENT_ID "urn:oid:2.16.156.10011.1.3"
#define SYNTHEA_ID_TYPE "99"		/* WS 364 CV02.01.101: other identity document */
#define MAX_ROWS 512
#define MAX_ISSUES 200
#define MAX_TYPES 32

struct map_row {
	char snomed[24];
	char topography[8];
	char morphology[8];
	char behaviour[4];
	char icd10[8];
};

struct fg_synthea_map {
	struct map_row rows[MAX_ROWS];
	size_t n;
};

/*
 * Words of a Condition's display that make it a cancer the map should
 * know: an unmapped Condition whose display holds one is reported, the
 * others are counted as not cancers.
 */
static const char *const cancer_words[] = {
	"malignant", "cancer", "carcinoma", "neoplasm", "tumor", "tumour", "sarcoma", "leukemia",
	"lymphoma", "melanoma", "myeloma",
};

static fg_rc
map_row_read(fg_csv *csv, struct map_row *row, const char *path, struct fg_error *err)
{
	static const char *const columns[] = {"snomed", "topography", "morphology", "behaviour", "icd10"};
	char *fields[] = {row->snomed, row->topography, row->morphology, row->behaviour, row->icd10};
	size_t sizes[] = {sizeof(row->snomed), sizeof(row->topography), sizeof(row->morphology),
			  sizeof(row->behaviour), sizeof(row->icd10)};

	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		int col = fg_csv_column(csv, columns[i]);
		const char *v = col < 0 ? "" : fg_csv_field(csv, (size_t)col);

		if (*v == '\0' || strlen(v) >= sizes[i])
			return fg_error_set(err, FG_INVALID, columns[i], "%s:%ld: invalid %s \"%s\"", path,
					    fg_csv_line(csv), columns[i], v);
		fg_strlcpy(fields[i], v, sizes[i]);
	}
	return FG_OK;
}

fg_rc
fg_synthea_map_load(const char *path, fg_synthea_map **out, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char def[1024];
	fg_synthea_map *map;
	fg_csv *csv = NULL;
	bool row = true;
	fg_rc rc;

	*out = NULL;
	if (path == NULL) {
		snprintf(def, sizeof(def), "%s/fhir/synthea-cancer.csv", fg_datadir());
		path = def;
	}
	map = calloc(1, sizeof(*map));
	if (map == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading %s", path);
	rc = fg_csv_open(path, &opts, &csv, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		if (map->n == MAX_ROWS) {
			rc = fg_error_set(err, FG_INVALID, NULL, "%s: more than %d rows", path, MAX_ROWS);
			break;
		}
		rc = map_row_read(csv, &map->rows[map->n], path, err);
		map->n += rc == FG_OK;
	}
	fg_csv_close(csv);
	if (rc != FG_OK)
		free(map);
	else
		*out = map;
	return rc;
}

void
fg_synthea_map_free(fg_synthea_map *map)
{
	free(map);
}

static const struct map_row *
map_find(const fg_synthea_map *map, const char *snomed)
{
	for (size_t i = 0; snomed != NULL && i < map->n; i++)
		if (strcmp(map->rows[i].snomed, snomed) == 0)
			return &map->rows[i];
	return NULL;
}

/* --- JSON helpers --- */

static const char *
text_of(json_object *o, const char *name)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *
member(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (o != NULL)
		json_object_object_get_ex(o, name, &v);
	return v;
}

static size_t
length_of(json_object *array)
{
	return json_object_is_type(array, json_type_array) ? json_object_array_length(array) : 0;
}

/* --- Import state --- */

struct patient_slot {
	const char *full_url;		/* urn:uuid:... as in the bundle */
	const char *id;			/* Patient.id */
	int64_t person_id;
	bool known;			/* imported before: its Conditions are not imported again */
	bool matched;			/* registered before, matched on the resident ID number */
};

struct run {
	fg_store *store;
	const struct fg_synthea_options *opts;
	struct fg_arena *arena;
	struct fg_synthea_report *out;
	struct patient_slot *patients;
	size_t npatients;
	const char *types[MAX_TYPES];	/* other resource types and their counts */
	int64_t type_counts[MAX_TYPES];
	size_t ntypes;
	int64_t already;		/* Conditions of Patients imported before */
};

static void FG_PRINTF(4, 5)
issue(struct run *r, const char *severity, const char *where, const char *fmt, ...)
{
	struct fg_synthea_report *out = r->out;
	struct fg_synthea_issue *is;
	va_list ap;

	if (out->nissues == MAX_ISSUES)
		return;
	is = &out->issues[out->nissues++];
	fg_strlcpy(is->severity, severity, sizeof(is->severity));
	fg_strlcpy(is->where, where, sizeof(is->where));
	va_start(ap, fmt);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	va_end(ap);
}

static void
note_id(struct fg_arena *arena, int64_t **list, size_t *n, int64_t id)
{
	int64_t *grown = fg_arena_alloc(arena, (*n + 1) * sizeof(**list));

	if (grown == NULL)
		return;
	if (*n)
		memcpy(grown, *list, *n * sizeof(**list));
	grown[(*n)++] = id;
	*list = grown;
}

/* Synthea makes names unique with digits ("Jacinto644"): keep the letters. */
static void
name_part(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; in != NULL && *in && n + 1 < size; in++)
		if (!isdigit((unsigned char)*in))
			out[n++] = *in;
	out[n] = '\0';
}

/* The person's name: HumanName.text, else given and family of the official (or first) name. */
static const char *
patient_name(struct run *r, json_object *patient)
{
	json_object *names = member(patient, "name"), *name = NULL;
	char given[64] = "", family[64] = "";

	for (size_t i = 0; i < length_of(names); i++) {
		json_object *n = json_object_array_get_idx(names, i);

		if (name == NULL || (text_of(n, "use") && strcmp(text_of(n, "use"), "official") == 0))
			name = n;
	}
	if (name == NULL)
		return NULL;
	if (text_of(name, "text") != NULL)
		return text_of(name, "text");
	if (length_of(member(name, "given")) > 0)
		name_part(json_object_get_string(json_object_array_get_idx(member(name, "given"), 0)), given,
			  sizeof(given));
	name_part(text_of(name, "family"), family, sizeof(family));
	return fg_arena_printf(r->arena, "%s%s%s", given, given[0] && family[0] ? " " : "", family);
}

/* The first element of array member name of o whose system is system, or NULL. */
static json_object *
with_system(json_object *o, const char *name, const char *system)
{
	json_object *list = member(o, name);

	for (size_t i = 0; i < length_of(list); i++) {
		json_object *x = json_object_array_get_idx(list, i);
		const char *s = text_of(x, "system");

		if (s != NULL && strcmp(s, system) == 0)
			return x;
	}
	return NULL;
}

static const char *
sex_code(const char *gender)
{
	static const char *const map[][2] = {{"male", "1"}, {"female", "2"}, {"other", "9"}, {"unknown", "0"}};

	for (size_t i = 0; gender != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], gender) == 0)
			return map[i][1];
	return gender;		/* refused by the registry, naming it */
}

/* The person remembered for Synthea id key, or 0. */
static fg_rc
known_person(struct run *r, const char *key, int64_t *person_id, struct fg_error *err)
{
	fg_stmt *st;
	bool found = false;
	fg_rc rc;

	*person_id = 0;
	rc = fg_store_prepare(r->store, "SELECT person_id FROM person_identifier WHERE id_type = ? AND value = ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, SYNTHEA_ID_TYPE);
	fg_stmt_bind_text(st, 2, fg_arena_printf(r->arena, "synthea:%s", key));
	return fg_stmt_scalar_int64(st, person_id, &found, err);
}

static fg_rc
remember_person(struct run *r, const struct fg_person *p, const char *key, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(r->store, "INSERT INTO person_identifier (district, person_id, institution_id,"
			      " id_type, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, p->district);
	fg_stmt_bind_int64(st, 2, p->id);
	fg_stmt_bind_int64(st, 3, p->institution_id);
	fg_stmt_bind_text(st, 4, SYNTHEA_ID_TYPE);
	fg_stmt_bind_text(st, 5, fg_arena_printf(r->arena, "synthea:%s", key));
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/* Record the death of person p on date (YYYY-MM-DD) unless it is recorded already. */
static fg_rc
record_death(struct run *r, const struct fg_person *p, const char *date, const char *where,
	     struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX], now[32];
	fg_date d;
	fg_stmt *st;
	bool done = false;
	fg_rc rc;

	fg_strlcpy(day, date, sizeof(day) < 11 ? sizeof(day) : 11);
	if (fg_date_parse(day, "deceasedDateTime", &d, err) != FG_OK) {
		fg_strlcpy(err->field, where, sizeof(err->field));
		return FG_INVALID;
	}
	if (strcmp(p->vital_status, "dead") == 0)
		return FG_OK;
	rc = fg_person_keep_version(r->store, p->id, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(r->store, "UPDATE person SET vital_status = 'dead', death_date = ?,"
				      " updated_at = ?, version = version + 1 WHERE id = ? RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_date_format(d, day));
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	fg_stmt_bind_int64(st, 3, p->id);
	rc = fg_stmt_scalar_int64(st, &(int64_t){0}, &done, err);
	r->out->deaths += rc == FG_OK && done;
	return rc;
}

/* Library field names and the Patient element each comes from. */
static const char *const patient_fields[][2] = {
	{"name", "name"}, {"sex", "gender"}, {"birth_date", "birthDate"}, {"id_number", "identifier"},
	{"district", "address"}, {"institution", "managingOrganization"},
};

/* Name the element of entry i at fault in err. */
static void
patient_error_where(struct fg_error *err, size_t i)
{
	char element[24];

	fg_strlcpy(element, err->field, sizeof(element));
	for (size_t k = 0; k < sizeof(patient_fields) / sizeof(patient_fields[0]); k++)
		if (strcmp(err->field, patient_fields[k][0]) == 0)
			fg_strlcpy(element, patient_fields[k][1], sizeof(element));
	snprintf(err->field, sizeof(err->field), "Bundle.entry[%zu].resource.%.20s", i % 100000, element);
}

static fg_rc
import_patient(struct run *r, size_t i, json_object *entry, json_object *patient, struct fg_error *err)
{
	struct patient_slot *slot = &r->patients[r->npatients];
	struct fg_person_input in = {0};
	struct fg_findings conflicts;
	struct fg_person p;
	const char *key = text_of(patient, "id"), *death = text_of(patient, "deceasedDateTime");
	bool matched = false;
	fg_rc rc;

	slot->full_url = text_of(entry, "fullUrl");
	slot->id = key;
	if (key == NULL && slot->full_url != NULL && strncmp(slot->full_url, "urn:uuid:", 9) == 0)
		key = slot->full_url + 9;
	if (key == NULL)
		return fg_error_set(err, FG_INVALID, fg_arena_printf(r->arena, "Bundle.entry[%zu].resource.id", i),
				    "Patient of entry %zu has neither an id nor a urn:uuid fullUrl", i);
	r->out->patients++;
	rc = known_person(r, key, &slot->person_id, err);
	if (rc != FG_OK)
		return rc;
	slot->known = slot->person_id != 0;
	if (slot->known)
		rc = fg_person_get(r->store, slot->person_id, &p, err);
	else {
		in.institution = r->opts->institution;
		in.district = r->opts->district;
		in.id_number = text_of(with_system(patient, "identifier", SYSTEM_RESIDENT_ID), "value");
		in.name = patient_name(r, patient);
		in.sex = sex_code(text_of(patient, "gender"));
		in.birth_date = text_of(patient, "birthDate");
		fg_findings_init(&conflicts, r->arena);
		rc = fg_person_add(r->store, &in, &p, &matched, &conflicts, err);
		if (rc == FG_INVALID)
			patient_error_where(err, i);
		if (rc == FG_OK)
			rc = remember_person(r, &p, key, err);
		slot->person_id = p.id;
		slot->matched = matched;
	}
	if (rc != FG_OK)
		return rc;
	r->npatients++;
	r->out->patients_known += slot->known || slot->matched;
	r->out->patients_added += !slot->known && !slot->matched;
	if (death != NULL)
		rc = record_death(r, &p, death, fg_arena_printf(r->arena, "Bundle.entry[%zu].resource.deceasedDateTime", i),
				  err);
	else if (json_object_get_boolean(member(patient, "deceasedBoolean")))
		issue(r, "warning", fg_arena_printf(r->arena, "Bundle.entry[%zu].resource", i),
		      "Patient %s is dead without a date of death: the death is not recorded", key);
	if (!slot->known || death != NULL)
		note_id(r->arena, &r->out->person_ids, &r->out->nperson_ids, p.id);
	return rc;
}

static const struct patient_slot *
subject_of(struct run *r, json_object *condition)
{
	const char *ref = text_of(member(condition, "subject"), "reference");

	for (size_t i = 0; ref != NULL && i < r->npatients; i++) {
		const struct patient_slot *s = &r->patients[i];

		if ((s->full_url != NULL && strcmp(ref, s->full_url) == 0) ||
		    (s->id != NULL && strncmp(ref, "Patient/", 8) == 0 && strcmp(ref + 8, s->id) == 0))
			return s;
	}
	return NULL;
}

static bool
looks_like_cancer(const char *display)
{
	char lower[256];
	size_t n = 0;

	for (; display != NULL && display[n] && n + 1 < sizeof(lower); n++)
		lower[n] = (char)tolower((unsigned char)display[n]);
	lower[n] = '\0';
	for (size_t i = 0; i < sizeof(cancer_words) / sizeof(cancer_words[0]); i++)
		if (strstr(lower, cancer_words[i]) != NULL)
			return true;
	return false;
}

/* A Condition the bundle says is not (or no longer) true. */
static bool
refuted(json_object *condition)
{
	json_object *codings = member(member(condition, "verificationStatus"), "coding");
	const char *code = length_of(codings) ? text_of(json_object_array_get_idx(codings, 0), "code") : NULL;

	return code != NULL && (strcmp(code, "refuted") == 0 || strcmp(code, "entered-in-error") == 0);
}

/* ICD-10 codes compared without their dot (the registry keeps C349, WHO writes C34.9). */
static bool
same_icd10(const char *a, const char *b)
{
	for (;; a++, b++) {
		a += *a == '.';
		b += *b == '.';
		if (*a != *b)
			return false;
		if (*a == '\0')
			return true;
	}
}

/* Register the tumour of a mapped Condition; a refusal is reported, not returned. */
static fg_rc
register_tumour(struct run *r, const char *where, const struct patient_slot *s, const struct map_row *m,
		const char *onset, const char *snomed, struct fg_error *err)
{
	struct fg_tumour_input in = {0};
	struct fg_tumour t;
	struct fg_error refusal;
	char day[11];
	fg_rc rc;

	fg_strlcpy(day, onset, sizeof(day));
	in.person = fg_arena_printf(r->arena, "%lld", (long long)s->person_id);
	in.institution = r->opts->institution;
	in.incidence_date = day;
	in.topography = m->topography;
	in.morphology = m->morphology;
	in.behaviour = m->behaviour;
	in.basis = "9";			/* Synthea gives no basis of diagnosis */
	in.source = fg_arena_printf(r->arena, "Synthea SNOMED CT %s", snomed);
	rc = fg_tumour_add(r->store, r->opts->reg, &in, &t, NULL, &refusal);
	if (rc == FG_INVALID || rc == FG_CONFLICT) {
		r->out->not_mapped++;
		issue(r, "warning", where, "SNOMED CT %s mapped to %s %s/%s was refused by the registry: %s", snomed,
		      m->topography, m->morphology, m->behaviour, refusal.message);
		return FG_OK;
	}
	if (rc != FG_OK) {
		*err = refusal;
		return rc;
	}
	r->out->cancers++;
	note_id(r->arena, &r->out->tumour_ids, &r->out->ntumour_ids, t.id);
	if (!same_icd10(t.icd10, m->icd10))
		issue(r, "information", where, "the registry derived ICD-10 %s where the map gives %s", t.icd10, m->icd10);
	return FG_OK;
}

static fg_rc
import_condition(struct run *r, size_t i, json_object *condition, struct fg_error *err)
{
	json_object *coding = with_system(member(condition, "code"), "coding", SYSTEM_SNOMED);
	const char *snomed = text_of(coding, "code"), *display = text_of(coding, "display");
	const char *onset = text_of(condition, "onsetDateTime");
	const char *where = fg_arena_printf(r->arena, "Bundle.entry[%zu].resource", i);
	const struct map_row *m = map_find(r->opts->map, snomed);
	const struct patient_slot *s = subject_of(r, condition);

	r->out->conditions++;
	if (refuted(condition) || (m == NULL && !looks_like_cancer(display))) {
		r->out->other_conditions++;
		return FG_OK;
	}
	if (s != NULL && s->known && m != NULL) {
		r->already++;
		return FG_OK;
	}
	if (m == NULL || s == NULL || onset == NULL || strlen(onset) < 10) {
		r->out->not_mapped++;
		if (m == NULL)
			issue(r, "warning", where, "cancer Condition SNOMED CT %s \"%.120s\" is not in the map",
			      snomed ? snomed : "(none)", display ? display : "");
		else
			issue(r, "warning", where, "Condition SNOMED CT %s has %s", snomed,
			      s == NULL ? "a subject that is not a Patient of the bundle" : "no onsetDateTime");
		return FG_OK;
	}
	return register_tumour(r, fg_arena_printf(r->arena, "%s.code", where), s, m, onset, snomed, err);
}

static void
count_type(struct run *r, const char *type)
{
	size_t k;

	r->out->skipped++;
	for (k = 0; k < r->ntypes; k++)
		if (strcmp(r->types[k], type) == 0)
			break;
	if (k == r->ntypes && r->ntypes < MAX_TYPES)
		r->types[r->ntypes++] = type;
	if (k < r->ntypes)
		r->type_counts[k]++;
}

/* Patients first (Conditions refer to them), then the Conditions; the rest is counted. */
static fg_rc
import_entries(struct run *r, json_object *entries, struct fg_error *err)
{
	size_t n = length_of(entries);
	fg_rc rc = FG_OK;

	for (int pass = 0; pass < 2 && rc == FG_OK; pass++)
		for (size_t i = 0; i < n && rc == FG_OK; i++) {
			json_object *entry = json_object_array_get_idx(entries, i);
			json_object *res = member(entry, "resource");
			const char *type = text_of(res, "resourceType");

			if (type == NULL)
				rc = fg_error_set(err, FG_INVALID, fg_arena_printf(r->arena, "Bundle.entry[%zu].resource", i),
						  "entry %zu has no resource with a resourceType", i);
			else if (strcmp(type, "Patient") == 0)
				rc = pass == 0 ? import_patient(r, i, entry, res, err) : FG_OK;
			else if (pass == 0)
				continue;
			else if (strcmp(type, "Condition") == 0)
				rc = import_condition(r, i, res, err);
			else
				count_type(r, type);
		}
	return rc;
}

static void
summarise(struct run *r)
{
	for (size_t k = 0; k < r->ntypes; k++)
		issue(r, "information", "Bundle.entry", "%lld %s resource%s not imported", (long long)r->type_counts[k],
		      r->types[k], r->type_counts[k] == 1 ? "" : "s");
	if (r->already > 0)
		issue(r, "information", "Bundle.entry", "%lld cancer Condition%s of Patients imported before not imported again",
		      (long long)r->already, r->already == 1 ? "" : "s");
}

static fg_rc
parse_bundle(const char *json, size_t len, json_object **out, json_object **entries, struct fg_error *err)
{
	json_tokener *tok = json_tokener_new();
	const char *type;

	*out = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	if (tok != NULL && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(*out);
		*out = NULL;
	}
	json_tokener_free(tok);
	if (*out == NULL || !json_object_is_type(*out, json_type_object))
		return fg_error_set(err, FG_INVALID, "Bundle", "the bundle is not a JSON object");
	type = text_of(*out, "resourceType");
	if (type == NULL || strcmp(type, "Bundle") != 0)
		return fg_error_set(err, FG_INVALID, "resourceType", "resource \"%.32s\" is not a Bundle",
				    type ? type : "");
	*entries = member(*out, "entry");
	if (*entries != NULL && !json_object_is_type(*entries, json_type_array))
		return fg_error_set(err, FG_INVALID, "Bundle.entry", "Bundle.entry must be an array");
	return FG_OK;
}

fg_rc
fg_synthea_import(fg_store *store, const char *json, size_t len, const struct fg_synthea_options *opts,
		  struct fg_arena *arena, struct fg_synthea_report *out, struct fg_error *err)
{
	struct run r = {store, opts, arena, out, NULL, 0, {0}, {0}, 0, 0};
	json_object *bundle = NULL, *entries = NULL;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (len > INT32_MAX)
		return fg_error_set(err, FG_INVALID, "Bundle", "the bundle is too large");
	rc = parse_bundle(json, len, &bundle, &entries, err);
	if (rc != FG_OK)
		goto out;
	out->issues = fg_arena_alloc(arena, MAX_ISSUES * sizeof(*out->issues));
	r.patients = fg_arena_alloc(arena, (length_of(entries) + 1) * sizeof(*r.patients));
	if (out->issues == NULL || r.patients == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory importing a bundle");
		goto out;
	}
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	rc = import_entries(&r, entries, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	if (rc == FG_OK)
		summarise(&r);
out:
	json_object_put(bundle);
	return rc;
}
