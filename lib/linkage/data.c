/*
 * data.c
 *	  The records of a linkage: values prepared once for comparison (names
 *	  normalised, keyed and converted to pinyin, dates and digit strings
 *	  normalised, ID numbers checked), from CSV files or any other source.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/identity.h"
#include "fangai/import.h"
#include "fangai/linkage.h"
#include "fangai/name.h"
#include "fangai/util.h"
#include "linkage_int.h"

#define PINYIN_MAX 256

fg_rc
fg_link_data_new(const struct fg_link_spec *spec, int side, fg_link_data **out,
		 struct fg_error *err)
{
	fg_link_data *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (d == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for a linkage data set");
	d->spec = spec;
	d->side = side ? 1 : 0;
	fg_arena_init(&d->arena, 0);
	*out = d;
	return FG_OK;
}

void
fg_link_data_free(fg_link_data *d)
{
	if (d == NULL)
		return;
	free(d->keys);
	for (int f = 0; f < FG_LINK_MAX_FIELDS; f++) {
		free(d->val[f]);
		free(d->key[f]);
		free(d->pinyin[f]);
		free(d->valid[f]);
		free(d->memo[f]);
	}
	fg_arena_free(&d->arena);
	free(d);
}

size_t
fg_link_data_count(const fg_link_data *d)
{
	return d->n;
}

const char *
fg_link_data_key(const fg_link_data *d, size_t i)
{
	return d->keys[i];
}

const char *
fg_link_data_value(const fg_link_data *d, size_t i, int f)
{
	return d->val[f][i] ? d->val[f][i] : "";
}

static bool
grow_array(void *arrayp, size_t elem, size_t cap)
{
	void **array = arrayp;
	void *p = realloc(*array, cap * elem);

	if (p == NULL)
		return false;
	*array = p;
	return true;
}

static fg_rc
reserve(fg_link_data *d, struct fg_error *err)
{
	size_t cap = d->cap ? d->cap * 2 : 1024;
	bool ok = grow_array(&d->keys, sizeof(*d->keys), cap);

	for (int f = 0; ok && f < d->spec->nfields; f++) {
		ok = grow_array(&d->val[f], sizeof(char *), cap) &&
		     grow_array(&d->key[f], sizeof(char *), cap) &&
		     grow_array(&d->pinyin[f], sizeof(char *), cap) &&
		     grow_array(&d->valid[f], 1, cap);
	}
	if (!ok)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu linkage records", cap);
	d->cap = cap;
	return FG_OK;
}

/* Copy text without surrounding white space; ASCII folded to lower case if fold. */
static char *
trimmed(struct fg_arena *a, const char *text, bool fold)
{
	size_t len;
	char *s;

	while (*text == ' ' || *text == '\t')
		text++;
	len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0)
		return NULL;
	s = fg_arena_strndup(a, text, len);
	for (char *p = s; fold && p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Digits (and X) only, upper-cased; NULL when none. */
static char *
digits_of(struct fg_arena *a, const char *text)
{
	char buf[64];
	size_t n = 0;

	for (; *text && n + 1 < sizeof(buf); text++)
		if (isdigit((unsigned char)*text) || *text == 'x' || *text == 'X')
			buf[n++] = (char)toupper((unsigned char)*text);
	buf[n] = '\0';
	return n ? fg_arena_strdup(a, buf) : NULL;
}

/*
 * A date as YYYYMMDD: from YYYY-MM-DD, YYYY/M/D, YYYY.M.D or 8 digits.  The
 * day need not exist: a swapped day and month must survive to be compared.
 */
static char *
date_of(struct fg_arena *a, const char *text)
{
	unsigned y, m, d;
	char buf[40], sep1, sep2, extra;

	while (*text == ' ')
		text++;
	if (fg_is_digits(text, 8))
		return fg_arena_strdup(a, text);
	if (sscanf(text, "%4u%c%2u%c%2u%c", &y, &sep1, &m, &sep2, &d, &extra) == 5 &&
	    sep1 == sep2 && (sep1 == '-' || sep1 == '/' || sep1 == '.')) {
		snprintf(buf, sizeof(buf), "%04u%02u%02u", y, m, d);
		return fg_arena_strdup(a, buf);
	}
	return NULL;
}

/* FNV-1a of a name, never 0 (the mark of a free memo slot). */
static uint64_t
name_hash(const char *s)
{
	uint64_t h = link_fnv(LINK_FNV_BASIS, s, strlen(s));

	return h ? h : 1;
}

/* Room for one more name in the memo of field f; false if there is none. */
static bool
memo_reserve(fg_link_data *d, int f)
{
	size_t cap = d->capmemo[f] ? d->capmemo[f] * 2 : 1024;
	struct name_memo *t;

	if ((d->nmemo[f] + 1) * 2 <= d->capmemo[f])
		return true;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return false;
	for (size_t k = 0; k < d->capmemo[f]; k++) {
		size_t at = d->memo[f][k].h & (cap - 1);

		while (d->memo[f][k].h != 0 && t[at].h != 0)
			at = (at + 1) & (cap - 1);
		t[at] = d->memo[f][k];
	}
	free(d->memo[f]);
	d->memo[f] = t;
	d->capmemo[f] = cap;
	return true;
}

/* The memo slot of name (hash h) in field f: its entry, or the free slot for it; NULL if none. */
static struct name_memo *
memo_slot(fg_link_data *d, int f, const char *name, uint64_t h)
{
	size_t at;

	if (!memo_reserve(d, f))
		return NULL;
	for (at = h & (d->capmemo[f] - 1); d->memo[f][at].h != 0; at = (at + 1) & (d->capmemo[f] - 1)) {
		const struct name_memo *m = &d->memo[f][at];

		if (m->h == h && strcmp(d->val[f][m->record], name) == 0)
			break;
	}
	return &d->memo[f][at];
}

/*
 * The name, its simplified key (name_key if given, else made here) and
 * pinyin; a name prepared before with the same key shares them.
 */
static fg_rc
prepare_name(fg_link_data *d, int f, const char *text, const char *name_key,
	     struct fg_error *err)
{
	char name[FG_NAME_MAX], key[FG_NAME_MAX], py[PINYIN_MAX];
	size_t i = d->n;
	bool given = name_key != NULL && *name_key != '\0';
	struct name_memo *m;
	uint64_t h;
	fg_rc rc = FG_OK;

	if (fg_name_normalise(text, "name", name, sizeof(name), NULL) != FG_OK)
		return FG_OK;	/* unusable as a name: compared as missing */
	h = name_hash(name);
	m = memo_slot(d, f, name, h);
	if (m != NULL && m->h != 0 &&
	    (given ? strcmp(d->key[f][m->record], name_key) == 0 : m->made)) {
		d->val[f][i] = d->val[f][m->record];
		d->key[f][i] = d->key[f][m->record];
		d->pinyin[f][i] = d->pinyin[f][m->record];
		return FG_OK;
	}
	if (given)
		fg_strlcpy(key, name_key, sizeof(key));
	else
		rc = fg_name_key(name, key, sizeof(key), err);
	if (rc == FG_OK)
		rc = fg_pinyin(key, py, sizeof(py), err);
	if (rc != FG_OK)
		return rc;
	d->val[f][i] = fg_arena_strdup(&d->arena, name);
	d->key[f][i] = fg_arena_strdup(&d->arena, key);
	d->pinyin[f][i] = fg_arena_strdup(&d->arena, py);
	if (m != NULL && m->h == 0 && d->val[f][i] && d->key[f][i] && d->pinyin[f][i]) {
		*m = (struct name_memo){h, (uint32_t)i, !given};
		d->nmemo[f]++;
	}
	return FG_OK;
}

static void
prepare_id(fg_link_data *d, int f, const char *text)
{
	struct fg_resident_id rid;

	if (fg_resident_id_parse(text, fg_date_today(), &rid, NULL) == FG_OK) {
		d->val[f][d->n] = fg_arena_strdup(&d->arena, rid.number);
		d->valid[f][d->n] = 1;
	} else
		d->val[f][d->n] = digits_of(&d->arena, text);
}

static fg_rc
prepare(fg_link_data *d, int f, const char *text, const char *name_key, struct fg_error *err)
{
	size_t i = d->n;

	d->val[f][i] = d->key[f][i] = d->pinyin[f][i] = NULL;
	d->valid[f][i] = 0;
	if (text == NULL || text[strspn(text, " \t")] == '\0')
		return FG_OK;
	switch (d->spec->fields[f].cmp) {
	case FG_LINK_EXACT:
		d->val[f][i] = trimmed(&d->arena, text, true);
		break;
	case FG_LINK_JW:
		d->val[f][i] = trimmed(&d->arena, text, false);
		break;
	case FG_LINK_DATE:
		d->val[f][i] = date_of(&d->arena, text);
		break;
	case FG_LINK_NAME:
		return prepare_name(d, f, text, name_key, err);
	case FG_LINK_DIGITS:
		d->val[f][i] = digits_of(&d->arena, text);
		break;
	case FG_LINK_ID:
		prepare_id(d, f, text);
		break;
	}
	return FG_OK;
}

fg_rc
fg_link_data_add(fg_link_data *d, const char *key, const char *const *values,
		 struct fg_error *err)
{
	return link_data_add_keyed(d, key, values, NULL, err);
}

fg_rc
link_data_add_keyed(fg_link_data *d, const char *key, const char *const *values,
		    const char *name_key, struct fg_error *err)
{
	char row[24];
	fg_rc rc;

	if (d->n == d->cap && (rc = reserve(d, err)) != FG_OK)
		return rc;
	if (key == NULL || *key == '\0') {
		snprintf(row, sizeof(row), "%zu", d->n + 1);
		key = row;
	}
	d->keys[d->n] = fg_arena_strdup(&d->arena, key);
	if (d->keys[d->n] == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for linkage records");
	for (int f = 0; f < d->spec->nfields; f++)
		if ((rc = prepare(d, f, values[f], name_key, err)) != FG_OK)
			return rc;
	d->n++;
	return FG_OK;
}

/* Map the spec's columns for this side to CSV column indexes. */
static fg_rc
map_columns(const fg_link_data *d, fg_csv *csv, const char *path, int *cols, int *keycol,
	    struct fg_error *err)
{
	const struct fg_link_spec *spec = d->spec;

	*keycol = spec->key_column[0] ? fg_csv_column(csv, spec->key_column) : -1;
	for (int f = 0; f < spec->nfields; f++) {
		const char *name = spec->fields[f].column[d->side];

		cols[f] = fg_csv_column(csv, name);
		if (cols[f] < 0) {
			fg_error_set(err, FG_INVALID, spec->fields[f].name,
				     "column \"%s\" does not exist in \"%s\"", name, path);
			fg_error_hint(err, "Name the column of each field with --field NAME:COMPARATOR:COLUMN.");
			return FG_INVALID;
		}
	}
	return FG_OK;
}

fg_rc
fg_link_data_load_csv(fg_link_data *d, const char *path, const char *encoding,
		      struct fg_error *err)
{
	struct fg_csv_options opts = {.header = true};
	int cols[FG_LINK_MAX_FIELDS], keycol;
	const char *values[FG_LINK_MAX_FIELDS];
	fg_text *text = NULL;
	fg_csv *csv = NULL;
	bool row = true;
	fg_rc rc;

	rc = fg_text_open(path, encoding, &text, err);
	if (rc == FG_OK)
		rc = fg_csv_open_stream(fg_text_stream(text), path, &opts, &csv, err);
	if (rc == FG_OK)
		rc = map_columns(d, csv, path, cols, &keycol, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		for (int f = 0; f < d->spec->nfields; f++)
			values[f] = fg_csv_field(csv, (size_t)cols[f]);
		rc = fg_link_data_add(d, keycol >= 0 ? fg_csv_field(csv, (size_t)keycol) : NULL,
				      values, err);
	}
	if (rc == FG_OK)
		rc = fg_text_check(text, err);
	fg_csv_close(csv);
	fg_text_close(text);
	return rc;
}
