/*
 * sitegroup.c
 *	  Registry site groups from data/registry/site-groups.csv, and the
 *	  classification of ICD-10 codes into them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/sitegroup.h"
#include "fangai/util.h"

int
fg_icd10_slot(const char *text)
{
	int letter, d1, d2;

	if (text == NULL)
		return -1;
	letter = toupper((unsigned char)text[0]);
	if ((letter != 'C' && letter != 'D') || !isdigit((unsigned char)text[1]) ||
	    !isdigit((unsigned char)text[2]))
		return -1;
	d1 = text[1] - '0';
	d2 = text[2] - '0';
	/* sub-codes, with the local extensions of the national clinical version */
	for (text += 3; *text; text++)
		if (!isalnum((unsigned char)*text) && *text != '.')
			return -1;
	return (letter - 'C') * 100 + d1 * 10 + d2;
}

/* Parse "C00-C10" or "C11" into a slot range. */
static bool
parse_range(const char *token, int *lo, int *hi)
{
	char a[8] = "", b[8] = "";
	const char *dash = strchr(token, '-');

	if (dash == NULL) {
		*lo = *hi = fg_icd10_slot(token);
		return *lo >= 0;
	}
	if (dash - token >= (long)sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return false;
	memcpy(a, token, (size_t)(dash - token));
	fg_strlcpy(b, dash + 1, sizeof(b));
	*lo = fg_icd10_slot(a);
	*hi = fg_icd10_slot(b);
	return *lo >= 0 && *hi >= *lo;
}

static fg_rc
add_codes(struct fg_site_groups *t, size_t g, const char *spec, const char *path,
	  long line, struct fg_error *err)
{
	char buf[512], *save = NULL;

	if (!fg_strlcpy(buf, spec, sizeof(buf)))
		return fg_error_set(err, FG_INVALID, "icd10", "code list at line %ld of \"%s\" is too long",
				    line, path);
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int lo, hi;

		if (!parse_range(tok, &lo, &hi)) {
			fg_error_set(err, FG_INVALID, "icd10", "invalid ICD-10 range \"%s\" at line %ld of \"%s\"",
				     tok, line, path);
			return FG_INVALID;
		}
		for (int s = lo; s <= hi; s++) {
			t->members[s] |= UINT64_C(1) << g;
			if (t->groups[g].total)
				continue;
			if (t->detail[s] >= 0) {
				fg_error_set(err, FG_INVALID, "icd10",
					     "ICD-10 range \"%s\" at line %ld of \"%s\" overlaps group \"%s\"",
					     tok, line, path, t->groups[t->detail[s]].code);
				fg_error_detail(err, "Only the totals (codes starting with ALL) may overlap other groups.");
				return FG_INVALID;
			}
			t->detail[s] = (signed char)g;
		}
	}
	return FG_OK;
}

fg_rc
fg_site_groups_load(const char *path, struct fg_site_groups *out, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	const char *cols[] = {"code", "label_en", "label_zh", "icd10"};
	char def[4096];
	int idx[4];
	fg_csv *csv = NULL;
	bool row = true;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	memset(out->detail, -1, sizeof(out->detail));
	if (path == NULL) {
		snprintf(def, sizeof(def), "%s/registry/site-groups.csv", fg_datadir());
		path = def;
	}
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		goto out;
	for (int i = 0; i < 4; i++)
		if ((idx[i] = fg_csv_column(csv, cols[i])) < 0) {
			rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" has no column \"%s\"", path,
					  cols[i]);
			goto out;
		}
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct fg_site_group *g = &out->groups[out->count];

		if (out->count == FG_SITE_GROUPS_MAX) {
			rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" has more than %d groups",
					  path, FG_SITE_GROUPS_MAX);
			break;
		}
		fg_strlcpy(g->code, fg_csv_field(csv, (size_t)idx[0]), sizeof(g->code));
		fg_strlcpy(g->label_en, fg_csv_field(csv, (size_t)idx[1]), sizeof(g->label_en));
		fg_strlcpy(g->label_zh, fg_csv_field(csv, (size_t)idx[2]), sizeof(g->label_zh));
		g->total = strncmp(g->code, "ALL", 3) == 0;
		rc = add_codes(out, out->count, fg_csv_field(csv, (size_t)idx[3]), path,
			       fg_csv_line(csv), err);
		out->count++;
	}
out:
	fg_csv_close(csv);
	return rc;
}

fg_rc
fg_site_group_classify(const struct fg_site_groups *table, const char *icd10,
		       const char *field, int *group, uint64_t *mask, struct fg_error *err)
{
	int slot = fg_icd10_slot(icd10);

	if (slot < 0) {
		fg_error_set(err, FG_INVALID, field, "invalid ICD-10 code \"%s\"", icd10);
		fg_error_hint(err, "Give a code such as C16, C16.2 or C162.");
		return FG_INVALID;
	}
	if (table->detail[slot] < 0) {
		fg_error_set(err, FG_INVALID, field, "ICD-10 code \"%s\" is outside the registry's scope",
			     icd10);
		fg_error_detail(err, "Registry reports count C00-C97, D32-D33, D42-D43 and D45-D47.");
		return FG_INVALID;
	}
	*group = table->detail[slot];
	*mask = table->members[slot];
	return FG_OK;
}

const char *
fg_site_group_label(const struct fg_site_groups *table, const char *code)
{
	for (size_t i = 0; i < table->count; i++)
		if (strcmp(table->groups[i].code, code) == 0)
			return table->groups[i].label_en;
	return "";
}
