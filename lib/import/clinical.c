/*
 * clinical.c
 *	  Import kinds of the cancer registry: tumours (through fg_tumour_add,
 *	  with every IARC/IACR check of lib/registry) and their first-course
 *	  treatments (fg_treatment_add).  A tumour names its person by record id
 *	  or resident ID number, or by the key of a person imported from the
 *	  same source (person_key); a treatment names its tumour by id or by the
 *	  key of a tumour imported from the same source (tumour_key).
 *
 *	  A record is checked by storing it inside the check's transaction,
 *	  which is rolled back, so that the check is exactly the library's.  A stored tumour or
 *	  treatment is not rewritten by a changed row: such rows are refused, and
 *	  the correction is made in the registry, where its findings and
 *	  confirmations live.
 *
 *	  Also the helpers of every kind checked by storing and naming other
 *	  records (import_int.h): the check itself, references by id or key,
 *	  and the refusal of a changed row.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/person.h"
#include "fangai/registry.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "import_int.h"

fg_rc
import_check_by_storing(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
			import_store_fn fn, struct fg_error *err)
{
	enum import_outcome outcome;
	char district[8];
	int64_t target, institution;
	fg_rc rc;

	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = fn(store, ctx, row, existing, &target, district, &institution, &outcome, err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

fg_rc
import_refusal(fg_rc rc)
{
	return rc == FG_NOTFOUND ? FG_INVALID : rc;
}

fg_rc
import_resolve(fg_store *store, const struct import_row *row, const struct import_reference *ref,
	       char *out, struct fg_error *err)
{
	const char *key = row->value[ref->key_column];
	int64_t id;
	fg_rc rc;

	if (*key == '\0') {
		if (*row->value[ref->column] == '\0')
			return fg_error_set(err, FG_INVALID, ref->what, "%s is missing", ref->what);
		fg_strlcpy(out, row->value[ref->column], 32);
		return FG_OK;
	}
	rc = import_source_target(store, row->source, ref->kind, key, &id, err);
	if (rc == FG_OK && id == 0) {
		fg_error_set(err, FG_INVALID, ref->key_field, "no %s was imported from source \"%s\" with key \"%s\"",
			     ref->what, row->source, key);
		fg_error_hint(err, "Import the %s with the same --source first.", ref->kind);
		return FG_INVALID;
	}
	if (rc == FG_OK)
		snprintf(out, 32, "%lld", (long long)id);
	return rc;
}

fg_rc
import_reference_refused(const struct import_row *row, const struct import_reference *ref, fg_rc rc,
			 struct fg_error *err)
{
	if ((rc == FG_INVALID || rc == FG_CONFLICT) && err != NULL)
		fg_strlcpy(err->field, *row->value[ref->key_column] ? ref->key_field : ref->what,
			   sizeof(err->field));
	return rc;
}

fg_rc
import_person(fg_store *store, const struct import_row *row, const struct import_reference *ref,
	      char *ref_out, struct fg_person *person, struct fg_error *err)
{
	fg_rc rc = import_resolve(store, row, ref, ref_out, err);

	if (rc != FG_OK)
		return rc;
	rc = import_refusal(fg_person_get_by_ref(store, ref_out, person, err));
	return import_reference_refused(row, ref, rc, err);
}

fg_rc
import_refuse_change(const struct import_row *row, const char *what, int64_t existing,
		     struct fg_error *err)
{
	fg_error_set(err, FG_CONFLICT, "source_key", "%s %lld imported from record \"%s\" has changed since",
		     what, (long long)existing, row->key);
	fg_error_detail(err, "A stored %s is not rewritten by an import.", what);
	fg_error_hint(err, "Correct %s %lld in the registry.", what, (long long)existing);
	return FG_CONFLICT;
}

/* ---- tumours ---- */

enum { T_KEY, T_INSTITUTION, T_PERSON, T_PERSON_KEY, T_INCIDENCE, T_TOPOGRAPHY, T_MORPHOLOGY,
       T_BEHAVIOUR, T_GRADE, T_LATERALITY, T_BASIS, T_TNM_EDITION, T_TNM_CONTEXT, T_T, T_N, T_M,
       T_DETECTION };

static const char *const tumour_fields[] = {
	"source_key", "institution", "person", "person_key", "incidence_date", "topography",
	"morphology", "behaviour", "grade", "laterality", "basis", "tnm_edition", "tnm_context",
	"t", "n", "m", "detection", NULL,
};
static const char *const tumour_required[] = {"incidence_date", "topography", "morphology", NULL};
static const struct import_reference person_ref = {T_PERSON, T_PERSON_KEY, "person", "person_key", "persons"};

static fg_rc
open_registry(fg_store *store, void **ctx, struct fg_error *err)
{
	fg_registry *reg = NULL;
	fg_rc rc = fg_registry_open(NULL, &reg, err);

	*ctx = reg;
	return rc;
}

static void
close_registry(void *ctx)
{
	fg_registry_free(ctx);
}

static fg_rc
store_tumour(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
	     int64_t *target, char *district, int64_t *institution, enum import_outcome *outcome,
	     struct fg_error *err)
{
	const char *const *v = row->value;
	char person[32];
	struct fg_tumour t;
	fg_rc rc;

	if (existing)
		return import_refuse_change(row, "tumour", existing, err);
	if (import_need_institution(row, err) != FG_OK)
		return FG_INVALID;
	rc = import_resolve(store, row, &person_ref, person, err);
	if (rc != FG_OK)
		return rc;
	struct fg_tumour_input in = {
		.person = person, .institution = row->institution, .incidence_date = v[T_INCIDENCE],
		.topography = v[T_TOPOGRAPHY], .morphology = v[T_MORPHOLOGY], .behaviour = v[T_BEHAVIOUR],
		.grade = v[T_GRADE], .laterality = v[T_LATERALITY], .basis = v[T_BASIS],
		.tnm_edition = v[T_TNM_EDITION], .tnm_context = v[T_TNM_CONTEXT], .t = v[T_T],
		.n = v[T_N], .m = v[T_M], .source = row->source, .detection = v[T_DETECTION],
	};
	rc = import_refusal(fg_tumour_add(store, ctx, &in, &t, NULL, err));
	*target = t.id;
	fg_strlcpy(district, t.district, 8);
	*institution = t.institution_id;
	*outcome = OUT_INSERTED;
	return rc;
}

static fg_rc
validate_tumour(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		struct fg_error *err)
{
	return import_check_by_storing(store, ctx, row, existing, store_tumour, err);
}

const struct import_kind import_tumours = {
	.name = "tumours",
	.fields = tumour_fields,
	.required = tumour_required,
	.key_field = "source_key",
	.open = open_registry,
	.close = close_registry,
	.validate = validate_tumour,
	.store = store_tumour,
};

/* ---- first-course treatments ---- */

enum { R_KEY, R_INSTITUTION, R_TUMOUR, R_TUMOUR_KEY, R_TREATMENT, R_START, R_END };

static const char *const treatment_fields[] = {
	"source_key", "institution", "tumour", "tumour_key", "kind", "start_date", "end_date",
	NULL,
};
static const char *const treatment_required[] = {"kind", "start_date", NULL};
static const struct import_reference tumour_ref = {R_TUMOUR, R_TUMOUR_KEY, "tumour", "tumour_key", "tumours"};

static fg_rc
store_treatment(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		int64_t *target, char *district, int64_t *institution, enum import_outcome *outcome,
		struct fg_error *err)
{
	const char *const *v = row->value;
	char tumour[32];
	struct fg_treatment tr;
	struct fg_tumour t;
	fg_rc rc;

	if (existing)
		return import_refuse_change(row, "treatment", existing, err);
	rc = import_resolve(store, row, &tumour_ref, tumour, err);
	if (rc != FG_OK)
		return rc;
	struct fg_treatment_input in = {
		.tumour = tumour, .institution = row->institution, .kind = v[R_TREATMENT],
		.start_date = v[R_START], .end_date = v[R_END],
	};
	rc = import_refusal(fg_treatment_add(store, &in, &tr, err));
	if (rc == FG_OK)
		rc = fg_tumour_get(store, tr.tumour_id, &t, err);
	if (rc != FG_OK)
		return rc;
	*target = tr.id;
	fg_strlcpy(district, t.district, 8);
	*institution = tr.institution_id;
	*outcome = OUT_INSERTED;
	return FG_OK;
}

static fg_rc
validate_treatment(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		   struct fg_error *err)
{
	return import_check_by_storing(store, ctx, row, existing, store_treatment, err);
}

const struct import_kind import_treatments = {
	.name = "treatments",
	.fields = treatment_fields,
	.required = treatment_required,
	.key_field = "source_key",
	.validate = validate_treatment,
	.store = store_treatment,
};
