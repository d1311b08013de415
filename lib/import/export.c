/*
 * export.c
 *	  The registry's lists for export: persons, tumours, treatments, death
 *	  records, populations, and tumours in the layout of CanReg5.  Each
 *	  list is a row of a declarative table: its columns and the query that
 *	  gives them, row by row, so that an export streams in constant memory;
 *	  a filter keeps the rows of districts and of one institution, and
 *	  masks ID and phone numbers for a viewer who may not see them whole.
 *	  fg_export_write() writes a list, or the ncc workbook, to a CSV
 *	  stream or an Excel workbook as the rows come.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/access.h"
#include "fangai/csv.h"
#include "fangai/import.h"
#include "fangai/summary.h"
#include "fangai/util.h"
#include "fangai/xlsx.h"
#include "import_int.h"

#define MAX_COLUMNS 24
#define SHOWN_MAX 64		/* a cell written otherwise than stored, and its NUL */
#define MAX_SHEET_COLUMNS 32	/* of a list or a sheet of the ncc workbook */

struct export_list {
	const char *name;
	const struct fg_export_column *columns;	/* ended by a NULL name */
	const char *sql;	/* the columns in order; ?1 a district prefix ("" for all), ?2 an
				   owning institution (0 for all) */
};

static const struct fg_export_column person_columns[] = {
	{"id", true}, {"district", false}, {"institution_id", true}, {"id_type", false},
	{"id_number", false}, {"name", false}, {"sex", false}, {"birth_date", false},
	{"phone", false}, {"address", false}, {"vital_status", false}, {"death_date", false},
	{"institution_uscc", false}, {NULL, false},
};

static const struct fg_export_column tumour_columns[] = {
	{"id", true}, {"person_id", true}, {"district", false}, {"institution_id", true},
	{"incidence_date", false}, {"topography", false}, {"morphology", false},
	{"behaviour", false}, {"grade", false}, {"laterality", false}, {"basis", false},
	{"icd10", false}, {"tnm_edition", false}, {"t", false}, {"n", false}, {"m", false},
	{"stage", false}, {"detection", false}, {"primary_seq", true}, {"institution_uscc", false},
	{NULL, false},
};

static const struct fg_export_column treatment_columns[] = {
	{"id", true}, {"tumour_id", true}, {"person_id", true}, {"district", false},
	{"institution_id", true}, {"kind", false}, {"start_date", false}, {"end_date", false},
	{"institution_uscc", false}, {NULL, false},
};

static const struct fg_export_column death_columns[] = {
	{"id", true}, {"person_id", true}, {"district", false}, {"institution_id", true},
	{"id_number", false}, {"name", false}, {"sex", false}, {"birth_date", false},
	{"death_date", false}, {"cause_icd10", false}, {"institution_uscc", false}, {NULL, false},
};

static const struct fg_export_column population_columns[] = {
	{"district", false}, {"year", true}, {"sex", false}, {"age_group", false},
	{"population", true}, {NULL, false},
};

/*
 * CanReg5's standard variables (necessary, recommended and the system
 * variables of identity and sequence), as listed in the CanReg5
 * documentation (IARC-CSU/CanReg5, "Standard variables in CanReg5"): dates
 * yyyyMMdd, topography as its three digits, morphology as four, age at
 * incidence with 999 for unknown, vital status 1 alive, 2 dead, 9 unknown
 * (the CanReg5 TRN dictionary, /work/shared/reference/icdo3/canreg5).  The
 * whole name goes in Surname: a Chinese name is not split.
 */
static const struct fg_export_column canreg5_columns[] = {
	{"PatientID", false}, {"TumourID", false}, {"Surname", false}, {"FirstName", false},
	{"Sex", false}, {"BirthDate", false}, {"Age", true}, {"IncidenceDate", false},
	{"Topography", false}, {"Morphology", false}, {"Behaviour", false}, {"Grade", false},
	{"BasisDiagnosis", false}, {"ICD10", false}, {"Stage", false}, {"AddressCode", false},
	{"VitalStatus", false}, {"MultPrimSeq", true}, {"Source1", false}, {NULL, false},
};

#define IN_DISTRICT(col) " WHERE " col " LIKE ?1 || '%'"
#define OF_INSTITUTION(col) " AND (?2 = 0 OR " col " = ?2)"
/* The USCC of the owning institution: what names it in another database, where ids differ. */
#define USCC_OF(table) ", (SELECT uscc FROM institution i WHERE i.id = " table ".institution_id)"

static const struct export_list lists[] = {
	{"persons", person_columns,
	 "SELECT id, district, institution_id, id_type, id_number, name, sex, birth_date, phone,"
	 " address, vital_status, death_date" USCC_OF("person") " FROM person" IN_DISTRICT("district")
	 OF_INSTITUTION("institution_id") " AND merged_into IS NULL ORDER BY id"},
	{"tumours", tumour_columns,
	 "SELECT id, person_id, district, institution_id, incidence_date, topography, morphology,"
	 " behaviour, grade, laterality, basis, icd10, tnm_edition, tnm_t, tnm_n, tnm_m, stage,"
	 " detection, primary_seq" USCC_OF("tumour") " FROM tumour" IN_DISTRICT("district")
	 OF_INSTITUTION("institution_id")
	 " ORDER BY id"},
	{"treatments", treatment_columns,
	 "SELECT id, tumour_id, person_id, district, institution_id, kind, start_date, end_date"
	 USCC_OF("treatment") " FROM treatment" IN_DISTRICT("district") OF_INSTITUTION("institution_id") " ORDER BY id"},
	{"deaths", death_columns,
	 "SELECT id, person_id, district, institution_id, id_number, name, sex, birth_date,"
	 " death_date, cause_icd10" USCC_OF("death_record") " FROM death_record" IN_DISTRICT("district")
	 OF_INSTITUTION("institution_id") " ORDER BY id"},
	{"populations", population_columns,	/* no owner: ?2 is bound and has no effect */
	 "SELECT district, year, sex, age_group, count FROM population" IN_DISTRICT("district")
	 " AND ?2 = ?2 ORDER BY district, year, sex, age_group"},
	{"canreg5", canreg5_columns,
	 "SELECT p.id, p.id * 10000 + t.primary_seq, p.name, '', p.sex, replace(p.birth_date, '-', ''),"
	 " CASE WHEN p.birth_date IS NULL THEN 999 ELSE"
	 " CAST(substr(t.incidence_date, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER)"
	 " - CASE WHEN substr(t.incidence_date, 6, 5) < substr(p.birth_date, 6, 5) THEN 1 ELSE 0 END END,"
	 " replace(t.incidence_date, '-', ''), replace(substr(t.topography, 2), '.', ''), t.morphology,"
	 " t.behaviour, coalesce(t.grade, '9'), t.basis, t.icd10, t.stage, t.district,"
	 " CASE p.vital_status WHEN 'alive' THEN '1' WHEN 'dead' THEN '2' ELSE '9' END,"
	 " t.primary_seq, t.institution_id"
	 " FROM tumour t JOIN person p ON p.id = t.person_id" IN_DISTRICT("t.district")
	 OF_INSTITUTION("t.institution_id") " ORDER BY p.id, t.primary_seq"},
};

static const struct export_list *
find_list(const char *name)
{
	for (size_t i = 0; name && i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(lists[i].name, name) == 0)
			return &lists[i];
	return NULL;
}

const char *
fg_export_list_name(size_t i)
{
	return i < sizeof(lists) / sizeof(lists[0]) ? lists[i].name : NULL;
}

const struct fg_export_column *
fg_export_columns(const char *name, int *ncolumns)
{
	const struct export_list *l = find_list(name);
	int n = 0;

	while (l && l->columns[n].name)
		n++;
	*ncolumns = n;
	return l ? l->columns : NULL;
}

fg_rc
export_district_check(const char *district, struct fg_error *err)
{
	size_t n = district ? strspn(district, "0123456789") : 0;

	if (district == NULL || (district[n] == '\0' && (n == 0 || n == 2 || n == 4 || n == 6)))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "district", "invalid district code prefix \"%s\"", district);
	fg_error_hint(err, "Give the first 2, 4 or 6 digits of a GB/T 2260 code (44, 4401, 440106).");
	return FG_INVALID;
}

/* An age group stored as its number (0-18) written as its label ("1-4"), as imports read it. */
static void
age_group_label(const char *in, char *out, size_t outsz)
{
	fg_strlcpy(out, fg_age_group_label(atoi(in)), outsz);
}

/*
 * Columns of any list written otherwise than stored: age groups by their
 * label; ID and phone numbers masked for a viewer who may not see them whole.
 */
static const struct {
	const char *column;
	bool masking;		/* only when the filter masks */
	void (*show)(const char *in, char *out, size_t outsz);
} shown_columns[] = {
	{"age_group", false, age_group_label},
	{"id_number", true, fg_mask_id_number},
	{"phone", true, fg_mask_phone},
};

/* Cell i of the row at st, as shown_columns says. */
static const char *
cell(fg_stmt *st, int i, const struct fg_export_column *col, bool mask, char *buf, size_t bufsz)
{
	const char *v = fg_stmt_is_null(st, i) ? "" : fg_stmt_text(st, i);

	for (size_t k = 0; *v && k < sizeof(shown_columns) / sizeof(shown_columns[0]); k++) {
		if (strcmp(col->name, shown_columns[k].column) != 0 || (shown_columns[k].masking && !mask))
			continue;
		if (strlen(v) >= bufsz)
			return "***";	/* no such value: hide it whole */
		shown_columns[k].show(v, buf, bufsz);
		return buf;
	}
	return v;
}

static fg_rc
unknown_list(const char *name, struct fg_error *err)
{
	fg_error_set(err, FG_INVALID, "list", "list \"%s\" does not exist", name ? name : "");
	fg_error_hint(err, "Export persons, tumours, treatments, deaths, populations, canreg5 or ncc.");
	return FG_INVALID;
}

fg_rc
fg_export_run(fg_store *store, const char *name, const struct fg_export_filter *filter,
	      fg_export_row_fn fn, void *userdata, struct fg_error *err)
{
	static const struct fg_export_filter all = {0};
	const struct export_list *l = find_list(name);
	const char *cells[MAX_COLUMNS];
	char shown[MAX_COLUMNS][SHOWN_MAX];
	int n = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	if (l == NULL)
		return unknown_list(name, err);
	if (filter == NULL)
		filter = &all;
	fg_export_columns(name, &n);
	rc = export_district_check(filter->district, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, l->sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, filter->district ? filter->district : "");
	fg_stmt_bind_int64(st, 2, filter->institution_id);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		for (int i = 0; i < n; i++)
			cells[i] = cell(st, i, &l->columns[i], filter->mask, shown[i], sizeof(shown[i]));
		rc = fn(cells, n, userdata, err);
	}
	fg_stmt_reset(st);
	return rc;
}

/* ---- writing a list to a file ---- */

/* Where the rows of fg_export_write() go: a CSV stream or a workbook. */
struct sink {
	FILE *csv;
	fg_xlsx *book;
	int64_t rows;
};

static fg_rc
sink_row(const char *const *cells, int ncells, void *userdata, struct fg_error *err)
{
	struct sink *s = userdata;

	s->rows++;
	if (s->book != NULL)
		return fg_xlsx_row(s->book, cells, ncells, err);
	fg_csv_write_row(s->csv, cells, ncells);
	return ferror(s->csv) ? fg_error_set(err, FG_IO, "output", "could not write the export") : FG_OK;
}

/* The header row of columns, to the CSV or as a new sheet `name` of the workbook. */
static fg_rc
sink_sheet(const char *name, const struct fg_export_column *columns, int ncolumns, void *userdata,
	   struct fg_error *err)
{
	struct sink *s = userdata;
	const char *names[MAX_SHEET_COLUMNS];
	bool numeric[MAX_SHEET_COLUMNS];

	if (ncolumns > MAX_SHEET_COLUMNS)
		return fg_error_set(err, FG_INVALID, "list", "sheet \"%s\" has too many columns", name);
	for (int i = 0; i < ncolumns; i++) {
		names[i] = columns[i].name;
		numeric[i] = columns[i].numeric;
	}
	if (s->book == NULL) {
		fg_csv_write_row(s->csv, names, ncolumns);
		return FG_OK;
	}
	return fg_xlsx_sheet(s->book, name, names, numeric, ncolumns, err);
}

/* The rows of rq's list (after its header) to s. */
static fg_rc
sink_list(fg_store *store, const struct fg_export_request *rq, struct sink *s, struct fg_error *err)
{
	int n;
	const struct fg_export_column *columns = fg_export_columns(rq->list, &n);
	fg_rc rc;

	if (columns == NULL)
		return unknown_list(rq->list, err);
	rc = sink_sheet(rq->list, columns, n, s, err);
	return rc == FG_OK ? fg_export_run(store, rq->list, &rq->filter, sink_row, s, err) : rc;
}

fg_rc
fg_export_write(fg_store *store, const struct fg_export_request *rq, int64_t *rows, struct fg_error *err)
{
	struct sink s = {.csv = rq->out};
	bool ncc = strcmp(rq->list, "ncc") == 0;
	fg_rc rc = FG_OK, closed;

	*rows = 0;
	if (ncc && !rq->xlsx)
		return fg_error_set(err, FG_INVALID, "format", "the ncc workbook is written as xlsx only");
	if (rq->xlsx ? rq->path == NULL : rq->out == NULL)
		return fg_error_set(err, FG_INVALID, "output", "the export has nowhere to go");
	rc = export_district_check(rq->filter.district, err);	/* before the header is written */
	if (rc == FG_OK && rq->xlsx)
		rc = fg_xlsx_open(rq->path, &s.book, err);
	if (rc == FG_OK && ncc)
		rc = fg_export_ncc(store, rq->year, rq->filter.district, sink_sheet, sink_row, &s, err);
	else if (rc == FG_OK)
		rc = sink_list(store, rq, &s, err);
	closed = fg_xlsx_close(s.book, rc == FG_OK ? err : NULL);
	if (rc == FG_OK)
		rc = closed;
	if (rc == FG_OK && s.csv != NULL && fflush(s.csv) != 0)
		rc = fg_error_set(err, FG_IO, "output", "could not write the export");
	*rows = s.rows;
	return rc;
}
