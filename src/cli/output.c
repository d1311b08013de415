/*
 * output.c
 *	  Text tables aligned by display width, CSV and JSON output.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <utf8proc.h>

#include "fangai/csv.h"
#include "output.h"

bool
out_format_parse(const char *text, enum out_format *out)
{
	if (text == NULL || strcmp(text, "table") == 0)
		*out = OUT_TABLE;
	else if (strcmp(text, "csv") == 0)
		*out = OUT_CSV;
	else if (strcmp(text, "json") == 0)
		*out = OUT_JSON;
	else
		return false;
	return true;
}

void
out_table_init(struct out_table *t, struct fg_arena *arena,
	       const struct out_column *columns, int ncols)
{
	memset(t, 0, sizeof(*t));
	t->arena = arena;
	t->columns = columns;
	t->ncols = ncols;
}

bool
out_table_add(struct out_table *t, const char *const *cells)
{
	const char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		const char ***rows = fg_arena_alloc(t->arena, cap * sizeof(*rows));

		if (rows == NULL)
			return false;
		if (t->nrows)
			memcpy(rows, t->rows, t->nrows * sizeof(*rows));
		t->rows = rows;
		t->cap = cap;
	}
	row = fg_arena_alloc(t->arena, (size_t)t->ncols * sizeof(*row));
	if (row == NULL)
		return false;
	for (int j = 0; j < t->ncols; j++) {
		row[j] = fg_arena_strdup(t->arena, cells[j] ? cells[j] : "");
		if (row[j] == NULL)
			return false;
	}
	t->rows[t->nrows++] = row;
	return true;
}

int
out_text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int width = 0;

	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);

		if (n <= 0) {
			p++;
			width++;
			continue;
		}
		width += utf8proc_charwidth(c);
		p += n;
	}
	return width;
}

/*
 * Write one line of cells padded to the column widths; numeric columns are
 * right-aligned.  Padding is only written before a later non-empty cell,
 * so lines carry no trailing blanks.
 */
static void
print_line(FILE *f, const char *const *cells, const struct out_column *cols,
	   const int *w, int ncols)
{
	int owed = 0;	/* spaces to write before the next text */

	for (int j = 0; j < ncols; j++) {
		int gap = w[j] - out_text_width(cells[j]);

		if (j > 0)
			owed += 2;
		if (cols[j].numeric)
			owed += gap;
		if (*cells[j] != '\0') {
			fprintf(f, "%*s%s", owed, "", cells[j]);
			owed = 0;
		}
		if (!cols[j].numeric)
			owed += gap;
	}
	fputc('\n', f);
}

static void
print_text(const struct out_table *t, FILE *f)
{
	const char **names = calloc((size_t)t->ncols, sizeof(*names));
	char **rules = calloc((size_t)t->ncols, sizeof(*rules));
	int *w = calloc((size_t)t->ncols, sizeof(*w));

	if (w == NULL || names == NULL || rules == NULL)
		goto out;
	for (int j = 0; j < t->ncols; j++) {
		names[j] = t->columns[j].name;
		w[j] = out_text_width(names[j]);
		for (size_t i = 0; i < t->nrows; i++) {
			int cw = out_text_width(t->rows[i][j]);

			if (cw > w[j])
				w[j] = cw;
		}
		rules[j] = malloc((size_t)w[j] + 1);
		if (rules[j] == NULL)
			goto out;
		memset(rules[j], '-', (size_t)w[j]);
		rules[j][w[j]] = '\0';
	}
	print_line(f, names, t->columns, w, t->ncols);
	print_line(f, (const char *const *)rules, t->columns, w, t->ncols);
	for (size_t i = 0; i < t->nrows; i++)
		print_line(f, t->rows[i], t->columns, w, t->ncols);
out:
	for (int j = 0; rules != NULL && j < t->ncols; j++)
		free(rules[j]);
	free(rules);
	free(names);
	free(w);
}

static void
print_csv(const struct out_table *t, FILE *f)
{
	for (int j = 0; j < t->ncols; j++)
		fg_csv_write_cell(f, t->columns[j].name, j == 0);
	fputc('\n', f);
	for (size_t i = 0; i < t->nrows; i++)
		fg_csv_write_row(f, t->rows[i], t->ncols);
}

/* A numeric cell becomes a JSON number only if it is one, exactly as written. */
static json_object *
json_cell(const char *s, bool numeric)
{
	char *end = NULL;

	if (numeric && *s) {
		strtod(s, &end);
		if (*end == '\0') {
			json_object *n = json_object_new_double_s(strtod(s, NULL), s);

			if (n != NULL)
				return n;
		}
	}
	if (numeric && *s == '\0')
		return NULL;
	return json_object_new_string(s);
}

static void
print_json(const struct out_table *t, FILE *f)
{
	json_object *array = json_object_new_array();

	if (array == NULL)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		json_object *obj = json_object_new_object();

		for (int j = 0; obj != NULL && j < t->ncols; j++)
			json_object_object_add(obj, t->columns[j].name,
					       json_cell(t->rows[i][j], t->columns[j].numeric));
		json_object_array_add(array, obj);
	}
	fputs(json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE |
						     JSON_C_TO_STRING_SPACED),
	      f);
	fputc('\n', f);
	json_object_put(array);
}

void
out_table_print(const struct out_table *t, enum out_format fmt, FILE *f)
{
	switch (fmt) {
	case OUT_TABLE:
		print_text(t, f);
		break;
	case OUT_CSV:
		print_csv(t, f);
		break;
	case OUT_JSON:
		print_json(t, f);
		break;
	}
}

