/*
 * stage.c
 *	  TNM stage grouping from the declarative tables under data/tnm/: each
 *	  table lists, in order, the T, N and M categories of a stage group; the
 *	  first row that holds all three gives the stage.  Tables may add grade
 *	  and location columns (oesophagus, pathological): a row then also needs
 *	  the tumour's grade and location; "*" or an empty cell is any.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fangai/util.h"
#include "registry_int.h"

#define STAGE_CELL_MAX 160

/* The optional prognostic factors a table may group by, in column order. */
enum { FACTOR_GRADE, FACTOR_LOCATION, NFACTORS };
static const char *const factor_names[NFACTORS] = {"grade", "location"};

struct reg_stage_row {
	char t[STAGE_CELL_MAX], n[STAGE_CELL_MAX], m[STAGE_CELL_MAX];	/* " T1 T1a " or "*" */
	char factor[NFACTORS][STAGE_CELL_MAX];				/* " G1 GX " or "*" */
	char stage[16];
	long line;
};

struct reg_stage_table {
	char name[48], site[24], edition[8], context[16], file[64];
	bool uses[NFACTORS];		/* some row names a value of the factor */
	struct reg_stage_row *rows;
	size_t nrows, cap;
};

struct table_load {
	struct fg_registry *reg;
	size_t cap;
};

/* Store a cell as " A B C " so that " X " finds a whole category. */
static fg_rc
set_cell(char *dst, const char *src, const char *file, long line, struct fg_error *err)
{
	int n;

	if (strcmp(src, "*") == 0 || src[0] == '\0') {
		fg_strlcpy(dst, "*", STAGE_CELL_MAX);
		return FG_OK;
	}
	n = snprintf(dst, STAGE_CELL_MAX, " %s ", src);
	if (n < 0 || n >= STAGE_CELL_MAX)
		return fg_error_set(err, FG_INVALID, NULL, "cell too long in %s line %ld", file, line);
	return FG_OK;
}

static fg_rc
stage_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct reg_stage_table *t = ud;
	struct reg_stage_row *r;
	fg_rc rc;

	if (t->nrows == t->cap)
		return fg_error_set(err, FG_INVALID, NULL, "table %s has more than %zu rows", t->file, t->cap);
	r = &t->rows[t->nrows];
	if ((rc = set_cell(r->t, cells[0], t->file, line, err)) ||
	    (rc = set_cell(r->n, cells[1], t->file, line, err)) ||
	    (rc = set_cell(r->m, cells[2], t->file, line, err)))
		return rc;
	for (int f = 0; f < NFACTORS; f++) {
		if ((rc = set_cell(r->factor[f], cells[4 + f], t->file, line, err)) != FG_OK)
			return rc;
		t->uses[f] |= strcmp(r->factor[f], "*") != 0;
	}
	if (cells[3][0] == '\0' || !fg_strlcpy(r->stage, cells[3], sizeof(r->stage)))
		return fg_error_set(err, FG_INVALID, NULL, "invalid stage \"%s\" in %s line %ld",
				    cells[3], t->file, line);
	r->line = line;
	t->nrows++;
	return FG_OK;
}

#define STAGE_ROWS_MAX 96

static fg_rc
table_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	static const char *const cols[] = {"t", "n", "m", "stage", "?grade", "?location"};
	struct table_load *tl = ud;
	struct fg_registry *reg = tl->reg;
	struct reg_stage_table *t;
	char path[80];

	reg->stages = reg_grow(&reg->arena, reg->stages, reg->nstages, &tl->cap, sizeof(*reg->stages));
	if (reg->stages == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading the stage tables");
	t = &reg->stages[reg->nstages];
	if (!fg_strlcpy(t->name, cells[0], sizeof(t->name)) || !fg_strlcpy(t->site, cells[1], sizeof(t->site)) ||
	    !fg_strlcpy(t->edition, cells[2], sizeof(t->edition)) ||
	    !fg_strlcpy(t->context, cells[3], sizeof(t->context)) || !fg_strlcpy(t->file, cells[4], sizeof(t->file)))
		return fg_error_set(err, FG_INVALID, NULL, "value too long in tnm/tables.csv line %ld", line);
	t->cap = STAGE_ROWS_MAX;
	t->rows = fg_arena_alloc(&reg->arena, t->cap * sizeof(*t->rows));
	if (t->rows == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading the stage tables");
	snprintf(path, sizeof(path), "tnm/%s", t->file);
	reg->nstages++;
	return reg_read(reg->datadir, path, cols, 4 + NFACTORS, stage_row, t, err);
}

fg_rc
reg_stage_load(struct fg_registry *reg, struct fg_error *err)
{
	static const char *const cols[] = {"table", "site", "edition", "context", "file"};
	struct table_load tl = {.reg = reg};

	return reg_read(reg->datadir, "tnm/tables.csv", cols, 5, table_row, &tl, err);
}

static const struct reg_stage_table *
find_table(const fg_registry *reg, const struct fg_stage_input *in, const char *context,
	   bool *site_known)
{
	*site_known = false;
	for (size_t i = 0; i < reg->nstages; i++) {
		const struct reg_stage_table *t = &reg->stages[i];

		if (strcmp(t->site, in->site) != 0)
			continue;
		*site_known = true;
		if (strcmp(t->edition, in->edition) == 0 &&
		    (t->context[0] == '\0' || strcmp(t->context, context) == 0))
			return t;
	}
	return NULL;
}

/*
 * Normalise a category as written ("cT2a", "pN1", "2a", "m0") into
 * "T2a" style text: the clinical/pathological prefix dropped, the axis
 * letter upper-case.  False if it does not fit.
 */
static bool
norm_category(const char *text, char axis, char *out, size_t outsz)
{
	const char *p = text;

	while (*p == ' ')
		p++;
	if (strncmp(p, "yp", 2) == 0 || strncmp(p, "yc", 2) == 0)
		p += 2;
	else if ((*p == 'c' || *p == 'p') && toupper((unsigned char)p[1]) == axis)
		p++;
	if (toupper((unsigned char)*p) == axis)
		p++;
	return (size_t)snprintf(out, outsz, "%c%s", axis, p) < outsz;
}

/* True if the category (whole word, any case) is in the cell. */
static bool
cell_has(const char *cell, const char *cat)
{
	size_t n = strlen(cat);

	if (strcmp(cell, "*") == 0)
		return true;
	for (const char *p = cell; (p = strchr(p, ' ')) != NULL && p[1] != '\0'; p++)
		if (strncasecmp(p + 1, cat, n) == 0 && p[1 + n] == ' ')
			return true;
	return false;
}

/* Which column of a row holds an axis: 0-2 T, N, M, then the factors. */
static const char *
row_cell(const struct reg_stage_row *r, int axis)
{
	return axis == 0 ? r->t : axis == 1 ? r->n : axis == 2 ? r->m : r->factor[axis - 3];
}

static bool
table_knows(const struct reg_stage_table *t, int axis, const char *cat)
{
	for (size_t i = 0; i < t->nrows; i++) {
		const char *cell = row_cell(&t->rows[i], axis);

		if (strcmp(cell, "*") != 0 && cell_has(cell, cat))
			return true;
	}
	return false;
}

/*
 * Normalise a grade as written ("2", "G2", "g2", "X", "9", "") into G1, G2,
 * G3 or GX (AJCC 8th ed.: G4 no longer used; undifferentiated counts as G3).
 * False if it is none of these.
 */
static bool
norm_grade(const char *text, char *out, size_t outsz)
{
	const char *p = text ? text : "";

	if (*p == 'G' || *p == 'g')
		p++;
	if (*p == '\0' || strcasecmp(p, "X") == 0 || strcmp(p, "9") == 0)
		return fg_strlcpy(out, "GX", outsz);
	if (p[1] != '\0' || *p < '1' || *p > '4')
		return false;
	return snprintf(out, outsz, "G%c", *p == '4' ? '3' : *p) > 0;
}

/* Normalise a location (upper, middle, lower, X; "" = X) into lower case. */
static bool
norm_location(const char *text, char *out, size_t outsz)
{
	static const char *const known[] = {"upper", "middle", "lower", "X"};
	const char *p = text && text[0] ? text : "X";

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcasecmp(p, known[i]) == 0)
			return fg_strlcpy(out, known[i], outsz);
	return false;
}

/* Normalise and check the factors the table uses; "" for the others. */
static fg_rc
parse_factors(const struct reg_stage_table *t, const struct fg_stage_input *in,
	      char cats[NFACTORS][32], struct fg_error *err)
{
	const char *texts[NFACTORS] = {in->grade, in->location};
	bool (*const norm[NFACTORS])(const char *, char *, size_t) = {norm_grade, norm_location};

	for (int f = 0; f < NFACTORS; f++) {
		cats[f][0] = '\0';
		if (!t->uses[f])
			continue;
		if (!norm[f](texts[f], cats[f], sizeof(cats[f])) || !table_knows(t, 3 + f, cats[f])) {
			fg_error_set(err, FG_INVALID, factor_names[f], "invalid %s \"%s\" for stage table %s",
				     factor_names[f], texts[f] ? texts[f] : "", t->name);
			fg_error_hint(err, "The values the table uses are listed in data/tnm/%s.", t->file);
			return FG_INVALID;
		}
	}
	return FG_OK;
}

/* True if the row holds the input's T, N and M and the factors its table uses. */
static bool
row_matches(const struct reg_stage_table *t, const struct reg_stage_row *r, char cats[3][32],
	    char factors[NFACTORS][32])
{
	if (!cell_has(r->t, cats[0]) || !cell_has(r->n, cats[1]) || !cell_has(r->m, cats[2]))
		return false;
	for (int f = 0; f < NFACTORS; f++)
		if (t->uses[f] && !cell_has(r->factor[f], factors[f]))
			return false;
	return true;
}

static fg_rc
parse_axes(const struct reg_stage_table *t, const struct fg_stage_input *in,
	   char cats[3][32], struct fg_error *err)
{
	static const char axes[] = "TNM";
	static const char *const fields[] = {"t", "n", "m"};
	const char *texts[3] = {in->t, in->n, in->m};

	for (int a = 0; a < 3; a++) {
		if (texts[a] == NULL || texts[a][0] == '\0')
			return fg_error_set(err, FG_INVALID, fields[a], "%c category is missing", axes[a]);
		if (strchr(texts[a], ' ') != NULL && texts[a][0] != ' ')
			return fg_error_set(err, FG_INVALID, fields[a], "invalid %c category \"%s\"", axes[a], texts[a]);
		if (strncmp(t->site, "cervix", 6) == 0)
			fg_strlcpy(cats[a], texts[a], sizeof(cats[a]));
		else if (!norm_category(texts[a], axes[a], cats[a], sizeof(cats[a])))
			return fg_error_set(err, FG_INVALID, fields[a], "invalid %c category \"%s\"", axes[a], texts[a]);
		if (!table_knows(t, a, cats[a])) {
			fg_error_set(err, FG_INVALID, fields[a], "%c category \"%s\" is not used by stage table %s",
				     axes[a], texts[a], t->name);
			fg_error_hint(err, "The categories the table uses are listed in data/tnm/%s.", t->file);
			return FG_INVALID;
		}
	}
	return FG_OK;
}

fg_rc
fg_registry_stage(const fg_registry *reg, const struct fg_stage_input *in,
		  struct fg_stage_result *out, struct fg_error *err)
{
	const char *context = in->context && in->context[0] ? in->context : "clinical";
	const struct reg_stage_table *t;
	char cats[3][32], factors[NFACTORS][32];
	bool site_known;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (in->site == NULL || in->edition == NULL)
		return fg_error_set(err, FG_MISUSE, NULL, "stage needs a site and an edition");
	if (strcmp(context, "clinical") != 0 && strcmp(context, "pathological") != 0)
		return fg_error_set(err, FG_INVALID, "context", "invalid staging context \"%s\"", context);
	t = find_table(reg, in, context, &site_known);
	if (t == NULL && !site_known)
		return fg_error_set(err, FG_NOTFOUND, "site", "no stage table for site \"%s\"", in->site);
	if (t == NULL)
		return fg_error_set(err, FG_NOTFOUND, "edition", "no %s stage table for %s, edition \"%s\"",
				    context, in->site, in->edition);
	if ((rc = parse_axes(t, in, cats, err)) != FG_OK || (rc = parse_factors(t, in, factors, err)) != FG_OK)
		return rc;
	fg_strlcpy(out->grade, factors[FACTOR_GRADE], sizeof(out->grade));
	fg_strlcpy(out->location, factors[FACTOR_LOCATION], sizeof(out->location));
	for (size_t i = 0; i < t->nrows; i++) {
		const struct reg_stage_row *r = &t->rows[i];

		if (row_matches(t, r, cats, factors)) {
			fg_strlcpy(out->stage, r->stage, sizeof(out->stage));
			fg_strlcpy(out->table, t->name, sizeof(out->table));
			out->row = (int)r->line;
			return FG_OK;
		}
	}
	return fg_error_set(err, FG_NOTFOUND, "stage", "no stage group for %s %s %s in stage table %s",
			    cats[0], cats[1], cats[2], t->name);
}
