/*
 * icdo3.c
 *	  The ICD-O-3 code tables of data/icdo3/: loading them, code labels and
 *	  the conversion of ICD-O-3 to ICD-10.
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/util.h"
#include "registry_int.h"

enum { SLOT_AGE_FROM, SLOT_AGE_TO, SLOT_TOPO_FROM, SLOT_TOPO_TO, SLOT_MORPH_FROM,
       SLOT_MORPH_TO, SLOT_VALUE, SLOT_ICD10, SLOT_WHAT, NSLOTS };

/* How the value column of a range table is read. */
enum value_kind { VALUE_INT, VALUE_DIGITS };

struct range_load {
	struct fg_registry *reg;
	struct reg_ranges *out;
	const char *file;
	int slot_col[NSLOTS];		/* index into cells, -1 */
	enum value_kind kind;
	size_t cap;
};

fg_rc
reg_read(const char *datadir, const char *name, const char *const *columns,
	 int ncols, reg_row_fn fn, void *ud, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	const char *cells[16];
	int idx[16];
	char path[600];
	fg_csv *csv = NULL;
	bool row;
	fg_rc rc;

	if (ncols > 16)
		return fg_error_set(err, FG_MISUSE, NULL, "too many columns for \"%s\"", name);
	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		goto out;
	for (int i = 0; i < ncols; i++) {
		bool optional = columns[i][0] == '?';

		idx[i] = fg_csv_column(csv, columns[i] + optional);
		if (idx[i] < 0 && !optional) {
			rc = fg_error_set(err, FG_INVALID, NULL, "data file \"%s\" has no column \"%s\"",
					  path, columns[i]);
			goto out;
		}
	}
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		for (int i = 0; i < ncols; i++)
			cells[i] = idx[i] < 0 ? "" : fg_csv_field(csv, (size_t)idx[i]);
		rc = fn(ud, cells, fg_csv_line(csv), err);
		if (rc != FG_OK) {
			fg_error_detail(err, "The line is in data file \"%s\".", path);
			goto out;
		}
	}
out:
	fg_csv_close(csv);
	return rc;
}

fg_rc
reg_int(const char *text, const char *file, long line, int min, int max,
	int *out, struct fg_error *err)
{
	int64_t v;

	*out = min;
	if (fg_parse_int64(text, file, min, max, &v, NULL) != FG_OK)
		return fg_error_set(err, FG_INVALID, NULL, "invalid value \"%s\" in %s line %ld",
				    text, file, line);
	*out = (int)v;
	return FG_OK;
}

static fg_rc
topo_cell(const char *text, const char *file, long line, int *out,
	  struct fg_error *err)
{
	if (text[0] == '\0') {
		*out = -1;
		return FG_OK;
	}
	*out = fg_topography_parse(text);
	if (*out < 0)
		return fg_error_set(err, FG_INVALID, NULL, "invalid topography \"%s\" in %s line %ld",
				    text, file, line);
	return FG_OK;
}

int
fg_topography_parse(const char *text)
{
	char digits[4];
	size_t n = 0;
	int t;
	const char *p = text;

	if (text == NULL)
		return -1;
	if (*p == 'C' || *p == 'c')
		p++;
	for (; *p && n < 4; p++) {
		if (*p == '.' && n == 2)
			continue;
		if (*p < '0' || *p > '9')
			return -1;
		digits[n++] = *p;
	}
	if (*p != '\0' || n != 3)
		return -1;
	t = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
	return t < FG_TOPO_MAX ? t : -1;
}

char *
fg_topography_format(int topography, char *buf)
{
	if (topography < 0 || topography >= FG_TOPO_MAX)
		buf[0] = '\0';
	else
		snprintf(buf, 6, "C%02d.%d", topography / 10, topography % 10);
	return buf;
}

static char *
dup_cell(struct fg_registry *reg, const char *s)
{
	return fg_arena_strdup(&reg->arena, s);
}

static fg_rc
nomem(struct fg_error *err)
{
	return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading the registry tables");
}

/* topography.csv: code, label. */
static fg_rc
topography_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	const char *code = cells[0];
	char *label = dup_cell(reg, cells[1]);
	int t;

	if (label == NULL)
		return nomem(err);
	if (strlen(code) == 3 && code[0] == 'C' && fg_is_digits(code + 1, 2)) {
		reg->site_label[(code[1] - '0') * 10 + code[2] - '0'] = label;
		return FG_OK;
	}
	t = fg_topography_parse(code);
	if (t < 0)
		return fg_error_set(err, FG_INVALID, NULL, "invalid topography \"%s\" in topography.csv line %ld",
				    code, line);
	reg->topo_label[t] = label;
	return FG_OK;
}

static fg_rc
morph_key(const char *m, const char *b, const char *file, long line, int *mi,
	  int *bi, struct fg_error *err)
{
	fg_rc rc = reg_int(m, file, line, REG_MORPH_FIRST, REG_MORPH_FIRST + REG_MORPH_COUNT - 1, mi, err);

	if (rc == FG_OK && b != NULL)
		rc = reg_int(b, file, line, 0, 9, bi, err);
	*mi -= REG_MORPH_FIRST;
	return rc;
}

/* morphology.csv: morphology, behaviour, label. */
static fg_rc
morphology_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	int m, b;
	fg_rc rc = morph_key(cells[0], cells[1], "morphology.csv", line, &m, &b, err);

	if (rc != FG_OK)
		return rc;
	reg->morph_label[m][b] = dup_cell(reg, cells[2]);
	return reg->morph_label[m][b] ? FG_OK : nomem(err);
}

static fg_rc
site_list_ref(struct fg_registry *reg, const char *text, long line, int16_t *out,
	      struct fg_error *err)
{
	int n;

	if ((text[0] != 'a' && text[0] != 'b') ||
	    reg_int(text + 1, "icd10-morphology.csv", line, 1, text[0] == 'a' ? 1023 : 63, &n, err) != FG_OK)
		return fg_error_set(err, FG_INVALID, NULL, "invalid site list \"%s\" in icd10-morphology.csv line %ld",
				    text, line);
	*out = (int16_t)(text[0] == 'a' ? n : -n);	/* resolved once icd10-site.csv is read */
	return FG_OK;
}

/* icd10-morphology.csv: morphology, behaviour, rare, rule, icd10, list, sex. */
static fg_rc
icd10_morph_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	struct reg_morph *e;
	const char *rule = cells[3];
	int m, b;
	fg_rc rc = morph_key(cells[0], cells[1], "icd10-morphology.csv", line, &m, &b, err);

	if (rc != FG_OK)
		return rc;
	e = &reg->morph[m][b];
	e->valid = 1;
	e->rare = cells[2][0] == '1';
	e->sex = cells[6][0] == 'F' || cells[6][0] == 'M' ? cells[6][0] : 0;
	fg_strlcpy(e->icd10, cells[4], sizeof(e->icd10));
	if (rule[0] == 'T' && rule[1] >= '1' && rule[1] <= '5' && rule[2] == '\0')
		e->rule = rule[1];
	else if (strcmp(rule, "M") == 0)
		e->rule = 'M';
	else if (strcmp(rule, "S") == 0) {
		e->rule = 'S';
		return site_list_ref(reg, cells[5], line, &e->list, err);
	} else
		return fg_error_set(err, FG_INVALID, NULL, "invalid rule \"%s\" in icd10-morphology.csv line %ld",
				    rule, line);
	return FG_OK;
}

/* icd10-topography.csv: topography and the five behaviour classes. */
static fg_rc
icd10_topo_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	int t = fg_topography_parse(cells[0]);

	if (t < 0)
		return fg_error_set(err, FG_INVALID, NULL, "invalid topography \"%s\" in icd10-topography.csv line %ld",
				    cells[0], line);
	for (int i = 0; i < 5; i++)
		fg_strlcpy(reg->icd10_topo[t][i], cells[1 + i], FG_ICD10_MAX);
	return FG_OK;
}

/* Topography pattern of the site lists: C809, C25 (any subsite) or *. */
static fg_rc
site_pattern(const char *text, long line, struct reg_site_row *row, struct fg_error *err)
{
	if (strcmp(text, "*") == 0) {
		row->topo_from = 0;
		row->topo_to = FG_TOPO_MAX - 1;
		row->last = 1;
		return FG_OK;
	}
	if (strlen(text) == 3 && text[0] == 'C' && fg_is_digits(text + 1, 2)) {
		row->topo_from = (int16_t)(((text[1] - '0') * 10 + text[2] - '0') * 10);
		row->topo_to = (int16_t)(row->topo_from + 9);
		return FG_OK;
	}
	row->topo_from = row->topo_to = (int16_t)fg_topography_parse(text);
	if (row->topo_from < 0)
		return fg_error_set(err, FG_INVALID, NULL, "invalid topography \"%s\" in icd10-site.csv line %ld",
				    text, line);
	return FG_OK;
}

struct site_load {
	struct fg_registry *reg;
	size_t cap;
};

/* icd10-site.csv: list, topography, male, female, sex. */
static fg_rc
icd10_site_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct site_load *sl = ud;
	struct fg_registry *reg = sl->reg;
	struct reg_site_row *row;
	int n;

	reg->sites = reg_grow(&reg->arena, reg->sites, reg->nsites, &sl->cap, sizeof(*reg->sites));
	if (reg->sites == NULL)
		return nomem(err);
	row = &reg->sites[reg->nsites];
	if ((cells[0][0] != 'a' && cells[0][0] != 'b') ||
	    reg_int(cells[0] + 1, "icd10-site.csv", line, 1, cells[0][0] == 'a' ? 1023 : 63, &n, err) != FG_OK)
		return fg_error_set(err, FG_INVALID, NULL, "invalid list \"%s\" in icd10-site.csv line %ld",
				    cells[0], line);
	if (cells[0][0] == 'a')
		reg->site_list_a[n] = (int16_t)reg->nsites;
	else
		reg->site_list_b[n] = (int16_t)reg->nsites;
	if (site_pattern(cells[1], line, row, err) != FG_OK)
		return FG_INVALID;
	fg_strlcpy(row->male, cells[2], sizeof(row->male));
	fg_strlcpy(row->female, cells[3], sizeof(row->female));
	row->sex = cells[4][0] == 'F' || cells[4][0] == 'M' ? cells[4][0] : 0;
	reg->nsites++;
	return FG_OK;
}

/* Point every rule-S morphology at the first row of its list. */
static fg_rc
resolve_site_lists(struct fg_registry *reg, struct fg_error *err)
{
	for (int m = 0; m < REG_MORPH_COUNT; m++)
		for (int b = 0; b < 10; b++) {
			struct reg_morph *e = &reg->morph[m][b];
			int16_t row;

			if (!e->valid || e->rule != 'S')
				continue;
			row = e->list > 0 ? reg->site_list_a[e->list] : reg->site_list_b[-e->list];
			if (row < 0)
				return fg_error_set(err, FG_INVALID, NULL,
						    "morphology %d/%d names site list %d that icd10-site.csv lacks",
						    m + REG_MORPH_FIRST, b, e->list);
			e->list = row;
		}
	return FG_OK;
}

/* morph-family.csv: morphology, kind, family. */
static fg_rc
family_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	int m, f = 0;
	fg_rc rc = morph_key(cells[0], NULL, "morph-family.csv", line, &m, NULL, err);

	if (rc != FG_OK)
		return rc;
	if (strcmp(cells[1], "any") == 0) {
		reg->family_kind[m] = REG_FAMILY_ANY;
		return FG_OK;
	}
	rc = reg_int(cells[2], "morph-family.csv", line, 1, REG_FAMILIES - 1, &f, err);
	if (rc != FG_OK)
		return rc;
	if (strcmp(cells[1], "must") == 0)
		reg->family_kind[m] = REG_FAMILY_MUST;
	else if (strcmp(cells[1], "mustnot") == 0)
		reg->family_kind[m] = REG_FAMILY_MUSTNOT;
	else
		return fg_error_set(err, FG_INVALID, NULL, "invalid kind \"%s\" in morph-family.csv line %ld",
				    cells[1], line);
	reg->family[m] = (uint8_t)f;
	return FG_OK;
}

/* family.csv: family, label. */
static fg_rc
family_label_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	int f;
	fg_rc rc = reg_int(cells[0], "family.csv", line, 1, REG_FAMILIES - 1, &f, err);

	if (rc != FG_OK)
		return rc;
	reg->family_label[f] = dup_cell(reg, cells[1]);
	return reg->family_label[f] ? FG_OK : nomem(err);
}

/* site-family.csv: family, kind, topography (a site or a subsite). */
static fg_rc
site_family_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct fg_registry *reg = ud;
	struct reg_site_row span = {0};
	int f;
	fg_rc rc = reg_int(cells[0], "site-family.csv", line, 1, REG_FAMILIES - 1, &f, err);

	if (rc != FG_OK || (rc = site_pattern(cells[2], line, &span, err)) != FG_OK)
		return rc;
	for (int t = span.topo_from; t <= span.topo_to; t++)
		reg->family_site[f][t] = 1;
	return FG_OK;
}

static fg_rc
range_value(struct range_load *rl, const char *text, long line, struct reg_range *r,
	    struct fg_error *err)
{
	if (rl->kind == VALUE_INT)
		return reg_int(text, rl->file, line, 0, 9, &r->value, err);
	r->value = 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return fg_error_set(err, FG_INVALID, NULL, "invalid digits \"%s\" in %s line %ld",
					    text, rl->file, line);
		r->value |= 1 << (*p - '0');
	}
	return FG_OK;
}

static fg_rc
range_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct range_load *rl = ud;
	struct reg_ranges *out = rl->out;
	const char *cell[NSLOTS];
	struct reg_range *r;
	fg_rc rc = FG_OK;

	out->rows = reg_grow(&rl->reg->arena, out->rows, out->count, &rl->cap, sizeof(*out->rows));
	if (out->rows == NULL)
		return nomem(err);
	for (int s = 0; s < NSLOTS; s++)
		cell[s] = rl->slot_col[s] >= 0 ? cells[rl->slot_col[s]] : "";
	r = &out->rows[out->count];
	r->age_from = 0;
	r->age_to = 999;
	if (cell[SLOT_AGE_FROM][0])
		rc = reg_int(cell[SLOT_AGE_FROM], rl->file, line, 0, 999, &r->age_from, err);
	if (rc == FG_OK && cell[SLOT_AGE_TO][0])
		rc = reg_int(cell[SLOT_AGE_TO], rl->file, line, 0, 999, &r->age_to, err);
	if (rc == FG_OK)
		rc = topo_cell(cell[SLOT_TOPO_FROM], rl->file, line, &r->topo_from, err);
	if (rc == FG_OK)
		rc = topo_cell(cell[SLOT_TOPO_TO], rl->file, line, &r->topo_to, err);
	r->morph_from = REG_MORPH_FIRST;
	r->morph_to = REG_MORPH_FIRST + REG_MORPH_COUNT - 1;
	if (rc == FG_OK && cell[SLOT_MORPH_FROM][0])
		rc = reg_int(cell[SLOT_MORPH_FROM], rl->file, line, 8000, 9999, &r->morph_from, err);
	if (rc == FG_OK && cell[SLOT_MORPH_TO][0])
		rc = reg_int(cell[SLOT_MORPH_TO], rl->file, line, 8000, 9999, &r->morph_to, err);
	if (rc == FG_OK && rl->slot_col[SLOT_VALUE] >= 0)
		rc = range_value(rl, cell[SLOT_VALUE], line, r, err);
	if (rc != FG_OK)
		return rc;
	fg_strlcpy(r->icd10, cell[SLOT_ICD10], sizeof(r->icd10));
	r->what = dup_cell(rl->reg, cell[SLOT_WHAT]);
	if (r->what == NULL)
		return nomem(err);
	out->count++;
	return FG_OK;
}

static fg_rc
load_ranges(struct fg_registry *reg, const char *file, const char *const *slots,
	    enum value_kind kind, struct reg_ranges *out, struct fg_error *err)
{
	struct range_load rl = {.reg = reg, .out = out, .file = file, .kind = kind};
	const char *cols[NSLOTS];
	int n = 0;

	for (int s = 0; s < NSLOTS; s++) {
		rl.slot_col[s] = slots[s] ? n : -1;
		if (slots[s])
			cols[n++] = slots[s];
	}
	return reg_read(reg->datadir, file, cols, n, range_row, &rl, err);
}

const struct reg_range *
reg_range_find(const struct reg_ranges *r, int age, int topo, int morph)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct reg_range *x = &r->rows[i];

		if (age < x->age_from || age > x->age_to)
			continue;
		if (x->topo_from >= 0 && (topo < x->topo_from || topo > x->topo_to))
			continue;
		if (morph >= 0 && (morph < x->morph_from || morph > x->morph_to))
			continue;
		return x;
	}
	return NULL;
}

static fg_rc
load_code_tables(struct fg_registry *reg, struct fg_error *err)
{
	static const char *const topo_cols[] = {"code", "label"};
	static const char *const morph_cols[] = {"morphology", "behaviour", "label"};
	static const char *const conv_cols[] = {"morphology", "behaviour", "rare", "rule", "icd10", "list", "sex"};
	static const char *const ct_cols[] = {"topography", "malignant", "benign", "in_situ", "uncertain", "secondary"};
	static const char *const site_cols[] = {"list", "topography", "male", "female", "sex"};
	static const char *const fam_cols[] = {"morphology", "kind", "family"};
	static const char *const famlabel_cols[] = {"family", "label"};
	static const char *const sitefam_cols[] = {"family", "kind", "topography"};
	struct site_load sl = {.reg = reg};
	fg_rc rc;

	if ((rc = reg_read(reg->datadir, "icdo3/topography.csv", topo_cols, 2, topography_row, reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/morphology.csv", morph_cols, 3, morphology_row, reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/icd10-morphology.csv", conv_cols, 7, icd10_morph_row, reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/icd10-topography.csv", ct_cols, 6, icd10_topo_row, reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/icd10-site.csv", site_cols, 5, icd10_site_row, &sl, err)) ||
	    (rc = resolve_site_lists(reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/morph-family.csv", fam_cols, 3, family_row, reg, err)) ||
	    (rc = reg_read(reg->datadir, "icdo3/family.csv", famlabel_cols, 2, family_label_row, reg, err)))
		return rc;
	return reg_read(reg->datadir, "icdo3/site-family.csv", sitefam_cols, 3, site_family_row, reg, err);
}

static fg_rc
load_check_tables(struct fg_registry *reg, struct fg_error *err)
{
	static const char *const sex_site[NSLOTS] = {
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_VALUE] = "sex", [SLOT_WHAT] = "sites"};
	static const char *const age[NSLOTS] = {
		[SLOT_AGE_FROM] = "age_from", [SLOT_AGE_TO] = "age_to",
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_MORPH_FROM] = "morphology_from", [SLOT_MORPH_TO] = "morphology_to",
		[SLOT_VALUE] = NULL, [SLOT_WHAT] = "what"};
	static const char *const beh_site[NSLOTS] = {
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_VALUE] = "behaviour", [SLOT_WHAT] = "sites"};
	static const char *const grade[NSLOTS] = {
		[SLOT_MORPH_FROM] = "morphology_from", [SLOT_MORPH_TO] = "morphology_to",
		[SLOT_VALUE] = "grades", [SLOT_WHAT] = "what"};
	static const char *const basis[NSLOTS] = {
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_MORPH_FROM] = "morphology_from", [SLOT_MORPH_TO] = "morphology_to",
		[SLOT_WHAT] = "term"};
	static const char *const override[NSLOTS] = {
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_MORPH_FROM] = "morphology_from", [SLOT_MORPH_TO] = "morphology_to",
		[SLOT_VALUE] = "behaviour", [SLOT_ICD10] = "icd10", [SLOT_WHAT] = "what"};
	fg_rc rc;

	if ((rc = load_ranges(reg, "icdo3/check-sex-site.csv", sex_site, VALUE_INT, &reg->sex_site, err)) ||
	    (rc = load_ranges(reg, "icdo3/check-age.csv", age, VALUE_INT, &reg->age, err)) ||
	    (rc = load_ranges(reg, "icdo3/check-behaviour-site.csv", beh_site, VALUE_INT, &reg->behaviour_site, err)) ||
	    (rc = load_ranges(reg, "icdo3/check-grade.csv", grade, VALUE_DIGITS, &reg->grade, err)) ||
	    (rc = load_ranges(reg, "icdo3/check-basis.csv", basis, VALUE_INT, &reg->basis, err)))
		return rc;
	return load_ranges(reg, "icdo3/icd10-override.csv", override, VALUE_INT, &reg->override, err);
}

static fg_rc
load_stage_sites(struct fg_registry *reg, struct fg_error *err)
{
	static const char *const sites[NSLOTS] = {
		[SLOT_TOPO_FROM] = "topography_from", [SLOT_TOPO_TO] = "topography_to",
		[SLOT_MORPH_FROM] = "morphology_from", [SLOT_MORPH_TO] = "morphology_to",
		[SLOT_ICD10] = "edition", [SLOT_WHAT] = "site"};

	return load_ranges(reg, "tnm/sites.csv", sites, VALUE_INT, &reg->stage_sites, err);
}

const char *
fg_registry_stage_site(const fg_registry *reg, int topography, int morphology,
		       const char **edition)
{
	const struct reg_range *r = reg_range_find(&reg->stage_sites, 0, topography, morphology);

	if (edition != NULL)
		*edition = r ? r->icd10 : NULL;
	return r ? r->what : NULL;
}

fg_rc
fg_registry_open(const char *datadir, fg_registry **out, struct fg_error *err)
{
	struct fg_registry *reg;
	fg_rc rc;

	*out = NULL;
	reg = calloc(1, sizeof(*reg));
	if (reg == NULL)
		return nomem(err);
	fg_arena_init(&reg->arena, 0);
	fg_strlcpy(reg->datadir, datadir ? datadir : fg_datadir(), sizeof(reg->datadir));
	memset(reg->site_list_a, 0xff, sizeof(reg->site_list_a));
	memset(reg->site_list_b, 0xff, sizeof(reg->site_list_b));
	rc = load_code_tables(reg, err);
	if (rc == FG_OK)
		rc = load_check_tables(reg, err);
	if (rc == FG_OK)
		rc = reg_stage_load(reg, err);
	if (rc == FG_OK)
		rc = load_stage_sites(reg, err);
	if (rc != FG_OK) {
		fg_registry_free(reg);
		return rc;
	}
	*out = reg;
	return FG_OK;
}

void
fg_registry_free(fg_registry *reg)
{
	if (reg == NULL)
		return;
	fg_arena_free(&reg->arena);
	free(reg);
}

const char *
fg_registry_topography_label(const fg_registry *reg, int topography)
{
	if (topography < 0 || topography >= FG_TOPO_MAX)
		return NULL;
	return reg->topo_label[topography];
}

const char *
fg_registry_morphology_label(const fg_registry *reg, int morphology, int behaviour)
{
	if (morphology < REG_MORPH_FIRST || morphology >= REG_MORPH_FIRST + REG_MORPH_COUNT ||
	    behaviour < 0 || behaviour > 9)
		return NULL;
	return reg->morph_label[morphology - REG_MORPH_FIRST][behaviour];
}

/* Resolve a table cell: a code (a trailing * takes the subsite digit) or =Tn. */
static void
icd10_cell(const fg_registry *reg, const char *cell, int topo, char *out)
{
	size_t n;

	if (cell[0] == '=' && cell[1] == 'T' && cell[2] >= '1' && cell[2] <= '5') {
		fg_strlcpy(out, reg->icd10_topo[topo][cell[2] - '1'], FG_ICD10_MAX);
		return;
	}
	fg_strlcpy(out, cell, FG_ICD10_MAX);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '*')
		out[n - 1] = (char)('0' + topo % 10);
}

static void
icd10_by_site(const fg_registry *reg, const struct reg_morph *e, const struct fg_tumour_codes *c,
	      char *out)
{
	for (size_t i = (size_t)e->list; i < reg->nsites; i++) {
		const struct reg_site_row *r = &reg->sites[i];

		if (c->topography >= r->topo_from && c->topography <= r->topo_to) {
			icd10_cell(reg, c->sex == '2' ? r->female : r->male, c->topography, out);
			return;
		}
		if (r->last)
			break;
	}
	out[0] = '\0';
}

fg_rc
fg_registry_icd10(const fg_registry *reg, const struct fg_tumour_codes *c, char *out)
{
	const struct reg_morph *e;
	const struct reg_range *o;
	int m = c->morphology - REG_MORPH_FIRST;

	out[0] = '\0';
	if (c->topography < 0 || m < 0 || m >= REG_MORPH_COUNT || c->behaviour < 0)
		return FG_OK;
	e = &reg->morph[m][c->behaviour];
	if (!e->valid)
		return FG_OK;
	if (e->rule >= '1' && e->rule <= '5')
		fg_strlcpy(out, reg->icd10_topo[c->topography][e->rule - '1'], FG_ICD10_MAX);
	else if (e->rule == 'M')
		icd10_cell(reg, e->icd10, c->topography, out);
	else
		icd10_by_site(reg, e, c, out);
	o = reg_range_find(&reg->override, 0, c->topography, c->morphology);
	if (o != NULL && o->value == c->behaviour)
		fg_strlcpy(out, o->icd10, FG_ICD10_MAX);
	if (strcmp(out, "D218") == 0)	/* ICD-10 has no D21.8: connective tissue NOS */
		out[3] = '9';
	return FG_OK;
}

bool
reg_morphology_known(const struct fg_registry *reg, int morphology)
{
	int m = morphology - REG_MORPH_FIRST;

	if (m < 0 || m >= REG_MORPH_COUNT)
		return false;
	for (int b = 0; b < 10; b++)
		if (reg->morph[m][b].valid)
			return true;
	return false;
}

void *
reg_grow(struct fg_arena *arena, void *items, size_t count, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *grown;

	if (count < *cap)
		return items;
	grown = fg_arena_alloc(arena, n * size);
	if (grown == NULL)
		return NULL;
	if (count)
		memcpy(grown, items, count * size);
	*cap = n;
	return grown;
}
