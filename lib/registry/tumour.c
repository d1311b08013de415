/*
 * tumour.c
 *	  Tumour records: validation by the IARC/IACR checks, derivation of the
 *	  ICD-10 code and stage group, the multiple-primary rule against the
 *	  person's other tumours, storage of the tumour with its warnings, and
 *	  the confirmation of warnings.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "registry_int.h"

#define TUMOUR_COLUMNS \
	"id, person_id, institution_id, district, incidence_date, topography, morphology," \
	" behaviour, coalesce(grade, ''), coalesce(laterality, ''), basis, coalesce(icd10, '')," \
	" coalesce(tnm_edition, ''), coalesce(tnm_context, ''), coalesce(tnm_t, '')," \
	" coalesce(tnm_n, ''), coalesce(tnm_m, ''), coalesce(stage, figo, ''), primary_seq," \
	" coalesce(source, ''), coalesce(detection, 'unknown')"

static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Turn the error findings of a record into one refusal naming the first. */
static fg_rc
refuse(const struct fg_findings *found, struct fg_error *err)
{
	char detail[FG_ERROR_DETAIL_MAX] = "";
	const struct fg_finding *first = NULL;
	size_t used = 0, n = 0;

	for (size_t i = 0; i < found->count; i++) {
		const struct fg_finding *f = &found->items[i];

		if (f->level != FG_FINDING_ERROR)
			continue;
		if (first == NULL)
			first = f;
		n++;
		if (used < sizeof(detail))
			used += (size_t)snprintf(detail + used, sizeof(detail) - used, "%s%s (%s)",
						 used ? "; " : "", f->message, f->code);
	}
	fg_error_set(err, FG_INVALID, first->field, "%s", first->message);
	fg_error_detail(err, "The tumour fails %zu IARC/IACR check%s: %s.", n, n == 1 ? "" : "s", detail);
	fg_error_hint(err, "Correct the codes; nothing was stored.");
	return FG_INVALID;
}

static fg_rc
check_detection(const char *text, struct fg_error *err)
{
	static const char *const modes[] = {"screen", "interval", "non_participant", "unknown"};

	for (size_t i = 0; given(text) && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(text, modes[i]) == 0)
			return FG_OK;
	if (!given(text))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "detection", "invalid mode of detection \"%s\"", text);
	fg_error_hint(err, "Use screen, interval, non_participant or unknown.");
	return FG_INVALID;
}

static fg_rc
check_laterality(const char *text, struct fg_error *err)
{
	if (!given(text) || (text[1] == '\0' && strchr("012349", text[0]) != NULL))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "laterality", "invalid laterality \"%s\"", text);
	fg_error_hint(err, "Use 0 not a paired organ, 1 right, 2 left, 3 one side unspecified, 4 both sides, 9 unknown.");
	return FG_INVALID;
}

/* Parse and check the codes with the person's sex and dates. */
static fg_rc
check_codes(const fg_registry *reg, const struct fg_tumour_input *in, const struct fg_person *p,
	    struct fg_tumour_codes *codes, struct fg_findings *found, struct fg_error *err)
{
	struct fg_tumour_text text = {
		.topography = in->topography, .morphology = in->morphology,
		.behaviour = in->behaviour, .grade = in->grade, .basis = in->basis,
		.incidence_date = in->incidence_date};
	fg_rc rc;

	fg_tumour_codes_init(codes, fg_date_today());
	rc = fg_tumour_parse(reg, &text, codes, found);
	codes->sex = p->sex;
	codes->birth = p->birth_date;
	codes->death = strcmp(p->vital_status, "dead") == 0 ? p->death_date : FG_DATE_NONE;
	if (rc == FG_OK)
		rc = fg_registry_check(reg, codes, found);
	if (rc != FG_OK)
		return fg_error_set(err, rc, NULL, "out of memory checking the tumour");
	if (fg_findings_errors(found) > 0)
		return refuse(found, err);
	rc = check_laterality(in->laterality, err);
	return rc == FG_OK ? check_detection(in->detection, err) : rc;
}

/*
 * AJCC 8th ed. location of an oesophageal tumour (chapter 16: upper = cervical
 * oesophagus to the lower border of the azygos vein, middle, lower = to the
 * stomach) from its ICD-O-3 subsite; thoracic NOS (C15.1), overlapping and NOS
 * subsites are X.
 */
static const char *
oesophagus_location(int topography)
{
	static const struct { int topography; const char *location; } map[] = {
		{150, "upper"},		/* C15.0 cervical oesophagus */
		{153, "upper"},		/* C15.3 upper third */
		{154, "middle"},	/* C15.4 middle third */
		{155, "lower"},		/* C15.5 lower third */
		{152, "lower"},		/* C15.2 abdominal oesophagus */
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].topography == topography)
			return map[i].location;
	return "X";
}

/* Stage group from T, N and M when given; "" when no table applies or no row matches. */
static fg_rc
derive_stage(const fg_registry *reg, const struct fg_tumour_input *in,
	     const struct fg_tumour_codes *codes, struct fg_tumour *out, struct fg_error *err)
{
	const char *edition = NULL, *site;
	struct fg_stage_result res;
	struct fg_stage_input st;
	char grade[2] = "";
	fg_rc rc;

	if (!given(in->t) && !given(in->n) && !given(in->m))
		return FG_OK;
	site = fg_registry_stage_site(reg, codes->topography, codes->morphology, &edition);
	fg_strlcpy(out->tnm_edition, given(in->tnm_edition) ? in->tnm_edition : edition ? edition : "8",
		   sizeof(out->tnm_edition));
	fg_strlcpy(out->tnm_context, given(in->tnm_context) ? in->tnm_context : "clinical",
		   sizeof(out->tnm_context));
	if (!fg_strlcpy(out->t, in->t, sizeof(out->t)) || !fg_strlcpy(out->n, in->n, sizeof(out->n)) ||
	    !fg_strlcpy(out->m, in->m, sizeof(out->m)))
		return fg_error_set(err, FG_INVALID, "t", "TNM category too long");
	if (strcmp(out->tnm_context, "clinical") != 0 && strcmp(out->tnm_context, "pathological") != 0)
		return fg_error_set(err, FG_INVALID, "tnm_context", "invalid staging context \"%s\"", out->tnm_context);
	if (site == NULL)
		return FG_OK;
	grade[0] = codes->grade >= 1 && codes->grade <= 4 ? (char)('0' + codes->grade) : 'X';
	st = (struct fg_stage_input){.site = site, .edition = out->tnm_edition, .context = out->tnm_context,
				     .t = in->t, .n = in->n, .m = in->m, .grade = grade,
				     .location = oesophagus_location(codes->topography)};
	rc = fg_registry_stage(reg, &st, &res, err);
	if (rc == FG_OK)
		fg_strlcpy(out->stage, res.stage, sizeof(out->stage));
	else if (rc == FG_NOTFOUND && strcmp(err->field, "stage") == 0)
		rc = FG_OK;	/* a valid combination the table does not group: stage unknown */
	else if (rc == FG_NOTFOUND)
		rc = fg_error_set(err, FG_INVALID, "tnm_edition", "no TNM edition \"%s\" for %s",
				  out->tnm_edition, site);
	return rc;
}

static fg_rc
stored_codes(const struct fg_tumour *t, struct fg_tumour_codes *c)
{
	fg_tumour_codes_init(c, FG_DATE_NONE);
	c->topography = fg_topography_parse(t->topography);
	c->morphology = t->morphology;
	c->behaviour = t->behaviour;
	c->grade = t->grade;
	c->basis = t->basis;
	c->incidence = t->incidence;
	return c->topography < 0 ? FG_INTERNAL : FG_OK;
}

fg_rc
fg_tumour_recheck(fg_store *store, const fg_registry *reg, const struct fg_tumour *t,
		  struct fg_findings *findings, struct fg_error *err)
{
	struct fg_tumour_codes c;
	struct fg_person p;
	fg_rc rc = fg_person_get(store, t->person_id, &p, err);

	if (rc != FG_OK)
		return rc;
	if (stored_codes(t, &c) != FG_OK)
		return fg_error_set(err, FG_INTERNAL, "topography", "tumour %lld has topography \"%s\"",
				    (long long)t->id, t->topography);
	c.today = fg_date_today();
	c.sex = p.sex;
	c.birth = p.birth_date;
	c.death = strcmp(p.vital_status, "dead") == 0 ? p.death_date : FG_DATE_NONE;
	rc = fg_registry_check(reg, &c, findings);
	return rc == FG_OK ? FG_OK : fg_error_set(err, rc, NULL, "out of memory checking tumour %lld",
						   (long long)t->id);
}

/* FG_CONFLICT if the person has a tumour that is the same primary; else the next sequence number. */
static fg_rc
check_primary(fg_store *store, int64_t person_id, const struct fg_tumour_codes *codes,
	      int *seq, struct fg_error *err)
{
	struct fg_tumour_list list;
	struct fg_arena arena;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = fg_tumour_list(store, person_id, 1000, &arena, &list, err);
	for (size_t i = 0; rc == FG_OK && i < list.count; i++) {
		struct fg_tumour_codes other;
		const char *why;

		if (stored_codes(&list.items[i], &other) != FG_OK)
			continue;
		if (fg_mp_same_primary(codes, &other, &why)) {
			rc = fg_error_set(err, FG_CONFLICT, "morphology",
					  "tumour is the same primary as tumour %lld (%s, %04d/%d)",
					  (long long)list.items[i].id, list.items[i].topography,
					  list.items[i].morphology, list.items[i].behaviour);
			fg_error_detail(err, "By the IARC/IACR 2004 multiple-primary rules: %s.", why);
			fg_error_hint(err, "Update the existing tumour instead of adding a second one.");
		}
	}
	*seq = (int)list.count + 1;
	fg_arena_free(&arena);
	return rc;
}

void
reg_bind_text_or_null(fg_stmt *st, int idx, const char *text)
{
	if (given(text))
		fg_stmt_bind_text(st, idx, text);
	else
		fg_stmt_bind_null(st, idx);
}

static fg_rc
insert_tumour(fg_store *store, struct fg_tumour *t, bool figo, struct fg_error *err)
{
	char date[FG_DATE_TEXT_MAX], morph[12], beh[12], grade[12] = "", basis[12], now[24];
	fg_stmt *st;
	bool found;
	fg_rc rc;

	rc = fg_store_prepare(store,
			      "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography,"
			      " morphology, behaviour, grade, laterality, basis, icd10, tnm_edition, tnm_context,"
			      " tnm_t, tnm_n, tnm_m, stage, figo, primary_seq, source, created_at, detection)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	snprintf(morph, sizeof(morph), "%04d", t->morphology);
	snprintf(beh, sizeof(beh), "%d", t->behaviour);
	if (t->grade > 0)
		snprintf(grade, sizeof(grade), "%d", t->grade);
	snprintf(basis, sizeof(basis), "%d", t->basis);
	fg_stmt_bind_text(st, 1, t->district);
	fg_stmt_bind_int64(st, 2, t->person_id);
	fg_stmt_bind_int64(st, 3, t->institution_id);
	fg_stmt_bind_text(st, 4, fg_date_format(t->incidence, date));
	fg_stmt_bind_text(st, 5, t->topography);
	fg_stmt_bind_text(st, 6, morph);
	fg_stmt_bind_text(st, 7, beh);
	reg_bind_text_or_null(st, 8, grade);
	reg_bind_text_or_null(st, 9, t->laterality);
	fg_stmt_bind_text(st, 10, basis);
	reg_bind_text_or_null(st, 11, t->icd10);
	reg_bind_text_or_null(st, 12, t->tnm_edition);
	reg_bind_text_or_null(st, 13, t->tnm_context);
	reg_bind_text_or_null(st, 14, t->t);
	reg_bind_text_or_null(st, 15, t->n);
	reg_bind_text_or_null(st, 16, t->m);
	reg_bind_text_or_null(st, 17, t->stage);
	reg_bind_text_or_null(st, 18, figo ? t->stage : NULL);
	fg_stmt_bind_int64(st, 19, t->primary_seq);
	reg_bind_text_or_null(st, 20, t->source);
	fg_stmt_bind_text(st, 21, fg_utc_now(now));
	fg_stmt_bind_text(st, 22, t->detection[0] ? t->detection : "unknown");
	return fg_stmt_scalar_int64(st, &t->id, &found, err);
}

static fg_rc
insert_warnings(fg_store *store, const struct fg_tumour *t, const struct fg_findings *found,
		struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t i = 0; rc == FG_OK && i < found->count; i++) {
		const struct fg_finding *f = &found->items[i];
		fg_stmt *st;
		bool row;

		if (f->level != FG_FINDING_WARNING)
			continue;
		rc = fg_store_prepare(store,
				      "INSERT INTO tumour_finding (district, tumour_id, institution_id, code, level,"
				      " field, message) VALUES (?, ?, ?, ?, 'warning', ?, ?)", &st, err);
		if (rc != FG_OK)
			break;
		fg_stmt_bind_text(st, 1, t->district);
		fg_stmt_bind_int64(st, 2, t->id);
		fg_stmt_bind_int64(st, 3, t->institution_id);
		fg_stmt_bind_text(st, 4, f->code);
		reg_bind_text_or_null(st, 5, f->field);
		fg_stmt_bind_text(st, 6, f->message);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	return rc;
}

/* Fill the record's fields from the validated parts. */
static void
fill_record(const struct fg_tumour_input *in, const struct fg_person *p,
	    const struct fg_institution *inst, const struct fg_tumour_codes *c,
	    struct fg_tumour *out)
{
	out->person_id = p->id;
	out->institution_id = inst->id;
	fg_strlcpy(out->district, p->district, sizeof(out->district));
	out->incidence = c->incidence;
	fg_topography_format(c->topography, out->topography);
	out->morphology = c->morphology;
	out->behaviour = c->behaviour;
	out->grade = c->grade;
	out->basis = c->basis;
	fg_strlcpy(out->laterality, in->laterality, sizeof(out->laterality));
	fg_strlcpy(out->source, in->source, sizeof(out->source));
	fg_strlcpy(out->detection, given(in->detection) ? in->detection : "unknown", sizeof(out->detection));
}

fg_rc
fg_tumour_add(fg_store *store, const fg_registry *reg, const struct fg_tumour_input *in,
	      struct fg_tumour *out, struct fg_findings *warnings, struct fg_error *err)
{
	struct fg_institution inst;
	struct fg_tumour_codes codes;
	struct fg_findings found;
	struct fg_arena arena;
	struct fg_person p;
	const char *site;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	fg_arena_init(&arena, 0);
	fg_findings_init(&found, warnings ? warnings->arena : &arena);
	if ((rc = fg_person_get_by_ref(store, in->person, &p, err)) ||
	    (rc = fg_institution_find(store, given(in->institution) ? in->institution : "", "institution",
				      &inst, err)) ||
	    (rc = check_codes(reg, in, &p, &codes, &found, err)) ||
	    (rc = derive_stage(reg, in, &codes, out, err)))
		goto out;
	fill_record(in, &p, &inst, &codes, out);
	site = fg_registry_stage_site(reg, codes.topography, codes.morphology, NULL);
	fg_registry_icd10(reg, &codes, out->icd10);
	if ((rc = fg_store_begin(store, err)) != FG_OK)
		goto out;
	rc = check_primary(store, p.id, &codes, &out->primary_seq, err);
	if (rc == FG_OK)
		rc = insert_tumour(store, out, site != NULL && strcmp(site, "cervix") == 0, err);
	if (rc == FG_OK)
		rc = insert_warnings(store, out, &found, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	if (rc == FG_OK && warnings != NULL)
		*warnings = found;
out:
	fg_arena_free(&arena);
	return rc;
}

static void
read_tumour(fg_stmt *st, void *item)
{
	struct fg_tumour *t = item;
	struct fg_error ignore;
	int64_t v;

	memset(t, 0, sizeof(*t));
	t->id = fg_stmt_int64(st, 0);
	t->person_id = fg_stmt_int64(st, 1);
	t->institution_id = fg_stmt_int64(st, 2);
	fg_strlcpy(t->district, fg_stmt_text(st, 3), sizeof(t->district));
	if (fg_date_parse(fg_stmt_text(st, 4), "incidence_date", &t->incidence, &ignore) != FG_OK)
		t->incidence = FG_DATE_NONE;
	fg_strlcpy(t->topography, fg_stmt_text(st, 5), sizeof(t->topography));
	t->morphology = (int)fg_stmt_int64(st, 6);
	t->behaviour = (int)fg_stmt_int64(st, 7);
	t->grade = fg_parse_int64(fg_stmt_text(st, 8), "grade", 1, 9, &v, NULL) == FG_OK ? (int)v : -1;
	fg_strlcpy(t->laterality, fg_stmt_text(st, 9), sizeof(t->laterality));
	t->basis = (int)fg_stmt_int64(st, 10);
	fg_strlcpy(t->icd10, fg_stmt_text(st, 11), sizeof(t->icd10));
	fg_strlcpy(t->tnm_edition, fg_stmt_text(st, 12), sizeof(t->tnm_edition));
	fg_strlcpy(t->tnm_context, fg_stmt_text(st, 13), sizeof(t->tnm_context));
	fg_strlcpy(t->t, fg_stmt_text(st, 14), sizeof(t->t));
	fg_strlcpy(t->n, fg_stmt_text(st, 15), sizeof(t->n));
	fg_strlcpy(t->m, fg_stmt_text(st, 16), sizeof(t->m));
	fg_strlcpy(t->stage, fg_stmt_text(st, 17), sizeof(t->stage));
	t->primary_seq = (int)fg_stmt_int64(st, 18);
	fg_strlcpy(t->source, fg_stmt_text(st, 19), sizeof(t->source));
	fg_strlcpy(t->detection, fg_stmt_text(st, 20), sizeof(t->detection));
}

fg_rc
fg_tumour_get(fg_store *store, int64_t id, struct fg_tumour *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, "SELECT " TUMOUR_COLUMNS " FROM tumour WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		read_tumour(st, out);
	else if (rc == FG_OK)
		rc = fg_error_set(err, FG_NOTFOUND, "tumour", "tumour %lld does not exist", (long long)id);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_tumour_list(fg_store *store, int64_t person_id, int64_t limit, struct fg_arena *arena,
	       struct fg_tumour_list *out, struct fg_error *err)
{
	const int64_t params[] = {person_id, limit};

	return reg_select(store, "SELECT " TUMOUR_COLUMNS " FROM tumour WHERE (?1 = 0 OR person_id = ?1)"
			  " ORDER BY id LIMIT ?2", params, 2, arena, sizeof(*out->items), read_tumour,
			  (void **)&out->items, &out->count, err);
}

static void
read_finding(fg_stmt *st, void *item)
{
	struct fg_tumour_finding *f = item;

	f->id = fg_stmt_int64(st, 0);
	f->tumour_id = fg_stmt_int64(st, 1);
	fg_strlcpy(f->code, fg_stmt_text(st, 2), sizeof(f->code));
	fg_strlcpy(f->field, fg_stmt_text(st, 3), sizeof(f->field));
	fg_strlcpy(f->message, fg_stmt_text(st, 4), sizeof(f->message));
	fg_strlcpy(f->confirmed_by, fg_stmt_text(st, 5), sizeof(f->confirmed_by));
	fg_strlcpy(f->confirmed_at, fg_stmt_text(st, 6), sizeof(f->confirmed_at));
	fg_strlcpy(f->reason, fg_stmt_text(st, 7), sizeof(f->reason));
}

fg_rc
fg_tumour_findings(fg_store *store, int64_t tumour_id, struct fg_arena *arena,
		   struct fg_tumour_finding_list *out, struct fg_error *err)
{
	return reg_select(store,
			  "SELECT id, tumour_id, code, coalesce(field, ''), message, coalesce(confirmed_by, ''),"
			  " coalesce(confirmed_at, ''), coalesce(reason, '') FROM tumour_finding"
			  " WHERE tumour_id = ? ORDER BY id", &tumour_id, 1, arena, sizeof(*out->items),
			  read_finding, (void **)&out->items, &out->count, err);
}

fg_rc
reg_select(fg_store *store, const char *sql, const int64_t *params, int nparams,
	   struct fg_arena *arena, size_t size, reg_row_reader read, void **items,
	   size_t *count, struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	*items = NULL;
	*count = 0;
	if (rc != FG_OK)
		return rc;
	for (int i = 0; i < nparams; i++)
		fg_stmt_bind_int64(st, i + 1, params[i]);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		*items = reg_grow(arena, *items, *count, &cap, size);
		if (*items == NULL) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading query results");
			break;
		}
		read(st, (char *)*items + *count * size);
		(*count)++;
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_tumour_confirm(fg_store *store, int64_t finding_id, const char *user, const char *reason,
		  struct fg_error *err)
{
	char now[24];
	int64_t open;
	fg_stmt *st;
	bool found;
	fg_rc rc;

	if (!given(user))
		return fg_error_set(err, FG_INVALID, "user", "the confirming user is missing");
	if (!given(reason))
		return fg_error_set(err, FG_INVALID, "reason", "a reason is needed to confirm finding %lld",
				    (long long)finding_id);
	rc = fg_store_prepare(store, "SELECT confirmed_at IS NULL FROM tumour_finding WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, finding_id);
	rc = fg_stmt_scalar_int64(st, &open, &found, err);
	if (rc == FG_OK && !found)
		return fg_error_set(err, FG_NOTFOUND, "finding", "finding %lld does not exist", (long long)finding_id);
	if (rc == FG_OK && !open)
		return fg_error_set(err, FG_CONFLICT, "finding", "finding %lld is confirmed already",
				    (long long)finding_id);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE tumour_finding SET confirmed_by = ?, confirmed_at = ?, reason = ?"
				      " WHERE id = ? AND confirmed_at IS NULL", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, user);
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	fg_stmt_bind_text(st, 3, reason);
	fg_stmt_bind_int64(st, 4, finding_id);
	rc = fg_stmt_step(st, &found, err);
	fg_stmt_reset(st);
	return rc;
}
