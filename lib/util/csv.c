/*
 * csv.c
 *	  A streaming RFC 4180 reader with a bounded record buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"

#define DEFAULT_MAX_RECORD (1u << 20)

struct record {
	char *buf;		/* field texts, each NUL-terminated */
	size_t len, cap;
	size_t *starts;		/* offset of each field in buf */
	size_t count, fcap;
};

struct fg_csv {
	FILE *f;
	bool own;
	char name[256];
	struct fg_csv_options opts;
	long line;		/* current physical line */
	long record_line;
	long records;
	struct record rec;
	struct record header;
	bool at_start;
	int pending[3];		/* bytes read ahead, returned first */
	int npending;
};

static int
next_char(fg_csv *csv)
{
	if (csv->npending > 0)
		return csv->pending[--csv->npending];
	return getc_unlocked(csv->f);
}

static void
push_back(fg_csv *csv, int c)
{
	if (c != EOF)
		csv->pending[csv->npending++] = c;
}

static bool
rec_putc(struct record *r, char c, size_t max)
{
	if (r->len + 1 >= r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *buf;

		if (r->len + 1 >= max)
			return false;
		if (cap > max)
			cap = max;
		buf = realloc(r->buf, cap);
		if (buf == NULL)
			return false;
		r->buf = buf;
		r->cap = cap;
	}
	r->buf[r->len++] = c;
	return true;
}

static bool
rec_start_field(struct record *r)
{
	if (r->count == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 32;
		size_t *starts = realloc(r->starts, cap * sizeof(*starts));

		if (starts == NULL)
			return false;
		r->starts = starts;
		r->fcap = cap;
	}
	r->starts[r->count++] = r->len;
	return true;
}

static void
rec_free(struct record *r)
{
	free(r->buf);
	free(r->starts);
}

fg_rc
fg_csv_open_stream(FILE *f, const char *name, const struct fg_csv_options *opts,
		   fg_csv **out, struct fg_error *err)
{
	fg_csv *csv = calloc(1, sizeof(*csv));
	bool row;
	fg_rc rc;

	*out = NULL;
	if (csv == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory opening \"%s\"", name);
	csv->f = f;
	snprintf(csv->name, sizeof(csv->name), "%s", name);
	if (opts != NULL)
		csv->opts = *opts;
	if (csv->opts.delimiter == '\0')
		csv->opts.delimiter = ',';
	if (csv->opts.max_record == 0)
		csv->opts.max_record = DEFAULT_MAX_RECORD;
	csv->line = 1;
	csv->at_start = true;
	if (csv->opts.header) {
		rc = fg_csv_read(csv, &row, err);
		if (rc == FG_OK && !row)
			rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" is empty", name);
		if (rc != FG_OK) {
			fg_csv_close(csv);
			return rc;
		}
		csv->header = csv->rec;
		memset(&csv->rec, 0, sizeof(csv->rec));
		csv->records = 0;
	}
	*out = csv;
	return FG_OK;
}

fg_rc
fg_csv_open(const char *path, const struct fg_csv_options *opts, fg_csv **out,
	    struct fg_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	fg_rc rc;

	*out = NULL;
	if (f == NULL) {
		fg_error_set(err, FG_IO, "file", "could not open file \"%s\"", path);
		fg_error_detail(err, "%s.", strerror(errno));
		return FG_IO;
	}
	rc = fg_csv_open_stream(f, path, opts, out, err);
	if (rc != FG_OK) {
		if (f != stdin)
			fclose(f);
		return rc;
	}
	(*out)->own = f != stdin;
	return FG_OK;
}

static void
skip_bom(fg_csv *csv)
{
	int c1 = next_char(csv), c2, c3;

	if (c1 != 0xEF) {
		push_back(csv, c1);
		return;
	}
	c2 = next_char(csv);
	c3 = c2 == 0xBB ? next_char(csv) : EOF;
	if (c2 == 0xBB && c3 == 0xBF)
		return;
	push_back(csv, c3);	/* not a BOM: the bytes are data, in order */
	push_back(csv, c2);
	push_back(csv, c1);
}

static fg_rc
too_long(fg_csv *csv, struct fg_error *err)
{
	fg_error_set(err, FG_INVALID, "file", "record at line %ld of \"%s\" is too long",
		     csv->record_line, csv->name);
	fg_error_detail(err, "A record may hold at most %zu bytes.", csv->opts.max_record);
	fg_error_hint(err, "Check for an unbalanced quote before this line.");
	return FG_INVALID;
}

/* Skip a comment line whose '#' was just read. */
static void
skip_line(fg_csv *csv)
{
	int c;

	while ((c = next_char(csv)) != EOF && c != '\n')
		;
	csv->line++;
}

fg_rc
fg_csv_read(fg_csv *csv, bool *row, struct fg_error *err)
{
	struct record *r = &csv->rec;
	size_t max = csv->opts.max_record;
	bool quoted = false, after_quote = false, any = false;
	int c;

	*row = false;
	if (csv->at_start) {
		skip_bom(csv);
		csv->at_start = false;
	}
	r->len = 0;
	r->count = 0;
	for (;;) {
		c = next_char(csv);
		if (!any && !quoted && csv->opts.comments && c == '#') {
			skip_line(csv);
			continue;
		}
		if (!any && (c == '\n' || c == '\r')) {	/* blank line */
			if (c == '\n')
				csv->line++;
			continue;
		}
		break;
	}
	if (c == EOF)
		return FG_OK;
	csv->record_line = csv->line;
	if (!rec_start_field(r))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading \"%s\"", csv->name);
	any = true;
	for (;; c = next_char(csv)) {
		if (quoted) {
			if (c == EOF) {
				fg_error_set(err, FG_INVALID, "file",
					     "unterminated quoted field at line %ld of \"%s\"",
					     csv->record_line, csv->name);
				return FG_INVALID;
			}
			if (c == '"') {
				int next = next_char(csv);

				if (next == '"') {
					if (!rec_putc(r, '"', max))
						return too_long(csv, err);
					continue;
				}
				quoted = false;
				after_quote = true;
				c = next;
			} else {
				if (c == '\n')
					csv->line++;
				if (!rec_putc(r, (char)c, max))
					return too_long(csv, err);
				continue;
			}
		}
		if (c == EOF || c == '\n' || c == '\r') {
			if (c == '\r') {
				int next = next_char(csv);

				if (next != '\n')
					push_back(csv, next);
			}
			if (c != EOF)
				csv->line++;
			break;
		}
		if (c == csv->opts.delimiter) {
			if (!rec_putc(r, '\0', max))
				return too_long(csv, err);
			if (!rec_start_field(r))
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading \"%s\"", csv->name);
			after_quote = false;
			continue;
		}
		if (c == '"' && r->len == r->starts[r->count - 1] && !after_quote) {
			quoted = true;
			continue;
		}
		if (!rec_putc(r, (char)c, max))
			return too_long(csv, err);
	}
	if (!rec_putc(r, '\0', max))
		return too_long(csv, err);
	csv->records++;
	*row = true;
	return FG_OK;
}

size_t
fg_csv_count(const fg_csv *csv)
{
	return csv->rec.count;
}

static const char *
record_field(const struct record *r, size_t i)
{
	return i < r->count ? r->buf + r->starts[i] : "";
}

const char *
fg_csv_field(const fg_csv *csv, size_t i)
{
	return record_field(&csv->rec, i);
}

int
fg_csv_column(const fg_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->header.count; i++)
		if (strcmp(record_field(&csv->header, i), name) == 0)
			return (int)i;
	return -1;
}

size_t
fg_csv_header_count(const fg_csv *csv)
{
	return csv->header.count;
}

const char *
fg_csv_header_name(const fg_csv *csv, size_t i)
{
	return record_field(&csv->header, i);
}

long
fg_csv_line(const fg_csv *csv)
{
	return csv->record_line;
}

long
fg_csv_record(const fg_csv *csv)
{
	return csv->records;
}

void
fg_csv_close(fg_csv *csv)
{
	if (csv == NULL)
		return;
	if (csv->own)
		fclose(csv->f);
	rec_free(&csv->rec);
	rec_free(&csv->header);
	free(csv);
}

/* ---- writing ---- */

long
fg_csv_write_cell(FILE *f, const char *cell, bool first)
{
	long breaks = 0;

	if (!first)
		fputc(',', f);
	if (strpbrk(cell, ",\"\r\n") == NULL) {
		fputs(cell, f);
		return 0;
	}
	fputc('"', f);
	for (; *cell; cell++) {
		if (*cell == '"')
			fputc('"', f);
		breaks += *cell == '\n';
		fputc(*cell, f);
	}
	fputc('"', f);
	return breaks;
}

void
fg_csv_write_row(FILE *f, const char *const *cells, int n)
{
	for (int j = 0; j < n; j++)
		fg_csv_write_cell(f, cells[j] ? cells[j] : "", j == 0);
	fputc('\n', f);
}
