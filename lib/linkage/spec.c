/*
 * spec.c
 *	  What record linkage compares: fields and their comparators, blocking
 *	  rules and thresholds, from defaults, options or a configuration file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/linkage.h"
#include "fangai/util.h"

static const char *const cmp_names[] = {
	[FG_LINK_EXACT] = "exact", [FG_LINK_JW] = "jw", [FG_LINK_DATE] = "date",
	[FG_LINK_NAME] = "name", [FG_LINK_DIGITS] = "digits", [FG_LINK_ID] = "id",
};
#define NCMP ((int)(sizeof(cmp_names) / sizeof(cmp_names[0])))

static const char *const transform_names[] = {
	[FG_LINK_T_VALUE] = "value", [FG_LINK_T_KEY] = "key",
	[FG_LINK_T_PINYIN] = "pinyin", [FG_LINK_T_YEAR] = "year", [FG_LINK_T_SORTED] = "sorted",
};
#define NTRANSFORM ((int)(sizeof(transform_names) / sizeof(transform_names[0])))

/* The person linkage of fg_link_spec_default(), as directives. */
static const char *const default_fields[] = {
	"id_number:id", "name:name", "sex:exact", "birth_date:date", "phone:digits",
	"address:jw",
};
static const char *const default_blocks[] = {
	"id_number", "birth_date+sex", "name:pinyin+birth_date:year", "name:sorted+birth_date:year",
	"phone", "address+sex",
};

const char *
fg_link_cmp_name(enum fg_link_cmp cmp)
{
	return cmp_names[cmp];
}

void
fg_link_spec_empty(struct fg_link_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	fg_strlcpy(spec->key_column, "key", sizeof(spec->key_column));
	spec->upper = 0.9;
	spec->lower = 0.3;
	spec->max_block = 1000;
	spec->max_iterations = 500;
}

void
fg_link_spec_default(struct fg_link_spec *spec)
{
	fg_link_spec_empty(spec);
	for (size_t i = 0; i < sizeof(default_fields) / sizeof(default_fields[0]); i++)
		fg_link_spec_field(spec, default_fields[i], NULL);
	for (size_t i = 0; i < sizeof(default_blocks) / sizeof(default_blocks[0]); i++)
		fg_link_spec_block(spec, default_blocks[i], NULL);
}

int
fg_link_spec_find(const struct fg_link_spec *spec, const char *name)
{
	for (int i = 0; i < spec->nfields; i++)
		if (strcmp(spec->fields[i].name, name) == 0)
			return i;
	return -1;
}

/* Split text at `sep` into at most max parts copied into parts[][FG_LINK_NAME_MAX]. */
static int
split(const char *text, char sep, char parts[][FG_LINK_NAME_MAX], int max)
{
	int n = 0;
	const char *p = text;

	while (n < max) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len >= FG_LINK_NAME_MAX)
			return -1;
		memcpy(parts[n], p, len);
		parts[n++][len] = '\0';
		if (e == NULL)
			return n;
		p = e + 1;
	}
	return -1;
}

fg_rc
fg_link_spec_field(struct fg_link_spec *spec, const char *text,
		   struct fg_error *err)
{
	char parts[4][FG_LINK_NAME_MAX];
	int n = split(text, ':', parts, 4), cmp = -1, f;
	struct fg_link_field *field;

	for (int i = 0; n >= 2 && i < NCMP; i++)
		if (strcmp(parts[1], cmp_names[i]) == 0)
			cmp = i;
	if (n < 2 || parts[0][0] == '\0' || cmp < 0) {
		fg_error_set(err, FG_INVALID, "field", "invalid linkage field \"%s\"", text);
		fg_error_hint(err, "Write NAME:COMPARATOR[:COLUMN-A[:COLUMN-B]] with a comparator "
			      "among exact, jw, date, name, digits and id.");
		return FG_INVALID;
	}
	f = fg_link_spec_find(spec, parts[0]);
	if (f < 0) {
		if (spec->nfields == FG_LINK_MAX_FIELDS)
			return fg_error_set(err, FG_INVALID, "field", "too many linkage fields at \"%s\"",
					    text);
		f = spec->nfields++;
	}
	field = &spec->fields[f];
	fg_strlcpy(field->name, parts[0], sizeof(field->name));
	field->cmp = (enum fg_link_cmp)cmp;
	fg_strlcpy(field->column[0], n >= 3 && parts[2][0] ? parts[2] : parts[0],
		   sizeof(field->column[0]));
	fg_strlcpy(field->column[1], n >= 4 && parts[3][0] ? parts[3] : field->column[0],
		   sizeof(field->column[1]));
	return FG_OK;
}

static fg_rc
block_part(const struct fg_link_spec *spec, const char *text, const char *rule,
	   struct fg_link_block *b, struct fg_error *err)
{
	char parts[2][FG_LINK_NAME_MAX];
	int n = split(text, ':', parts, 2), f, t = FG_LINK_T_VALUE;

	f = n >= 1 ? fg_link_spec_find(spec, parts[0]) : -1;
	if (f < 0) {
		fg_error_set(err, FG_INVALID, "block", "blocking rule \"%s\" names no defined field",
			     rule);
		fg_error_detail(err, "\"%s\" is not a linkage field.", n >= 1 ? parts[0] : text);
		return FG_INVALID;
	}
	if (n == 2) {
		for (t = 0; t < NTRANSFORM && strcmp(parts[1], transform_names[t]) != 0; t++)
			;
		if (t == NTRANSFORM) {
			fg_error_set(err, FG_INVALID, "block", "invalid blocking transform \"%s\" in \"%s\"",
				     parts[1], rule);
			fg_error_hint(err, "Use value, key, pinyin, year or sorted.");
			return FG_INVALID;
		}
	}
	b->field[b->nparts] = f;
	b->transform[b->nparts++] = (enum fg_link_transform)t;
	return FG_OK;
}

fg_rc
fg_link_spec_block(struct fg_link_spec *spec, const char *text,
		   struct fg_error *err)
{
	char parts[FG_LINK_MAX_BLOCK_PARTS][FG_LINK_NAME_MAX];
	int n = split(text, '+', parts, FG_LINK_MAX_BLOCK_PARTS);
	struct fg_link_block b = {0};

	if (n < 1 || spec->nblocks == FG_LINK_MAX_BLOCKS) {
		fg_error_set(err, FG_INVALID, "block", "invalid blocking rule \"%s\"", text);
		fg_error_detail(err, "A rule joins up to %d fields with \"+\"; up to %d rules.",
				FG_LINK_MAX_BLOCK_PARTS, FG_LINK_MAX_BLOCKS);
		return FG_INVALID;
	}
	for (int i = 0; i < n; i++)
		if (block_part(spec, parts[i], text, &b, err) != FG_OK)
			return FG_INVALID;
	spec->blocks[spec->nblocks++] = b;
	return FG_OK;
}

static fg_rc
apply_threshold(struct fg_link_spec *spec, const char *args, struct fg_error *err)
{
	double upper, lower;
	char extra;

	if (sscanf(args, "%lf %lf %c", &upper, &lower, &extra) != 2 || !(upper > 0 && upper <= 1) ||
	    !(lower > 0 && lower <= upper)) {
		fg_error_set(err, FG_INVALID, "threshold", "invalid thresholds \"%s\"", args);
		fg_error_hint(err, "Give the upper and the lower probability, 0 < lower <= upper <= 1.");
		return FG_INVALID;
	}
	spec->upper = upper;
	spec->lower = lower;
	return FG_OK;
}

static fg_rc
apply_directive(struct fg_link_spec *spec, char *line, struct fg_error *err)
{
	char *word = line + strspn(line, " \t"), *args;
	int64_t n;

	args = word + strcspn(word, " \t");
	if (*args)
		*args++ = '\0';
	args += strspn(args, " \t");
	for (size_t len = strlen(args); len > 0 && (args[len - 1] == ' ' || args[len - 1] == '\t');)
		args[--len] = '\0';
	if (strcmp(word, "field") == 0)
		return fg_link_spec_field(spec, args, err);
	if (strcmp(word, "block") == 0)
		return fg_link_spec_block(spec, args, err);
	if (strcmp(word, "key") == 0) {
		fg_strlcpy(spec->key_column, args, sizeof(spec->key_column));
		return FG_OK;
	}
	if (strcmp(word, "threshold") == 0)
		return apply_threshold(spec, args, err);
	if (strcmp(word, "max-block") == 0) {
		if (fg_parse_int64(args, "max-block", 2, 1000000, &n, err) != FG_OK)
			return FG_INVALID;
		spec->max_block = (int)n;
		return FG_OK;
	}
	if (strcmp(word, "reset") == 0) {
		spec->nfields = 0;
		spec->nblocks = 0;
		return FG_OK;
	}
	fg_error_set(err, FG_INVALID, "config", "invalid linkage directive \"%s\"", word);
	fg_error_hint(err, "Use field, block, key, threshold, max-block or reset.");
	return FG_INVALID;
}

fg_rc
fg_link_spec_load(struct fg_link_spec *spec, const char *path,
		  struct fg_error *err)
{
	char line[512];
	long lineno = 0;
	fg_rc rc = FG_OK;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fg_error_set(err, FG_IO, "config", "could not open linkage configuration \"%s\"", path);
		return FG_IO;
	}
	while (rc == FG_OK && fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#');

		lineno++;
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '\0')
			continue;
		rc = apply_directive(spec, line, err);
		if (rc != FG_OK)
			fg_error_detail(err, "In \"%s\", line %ld.", path, lineno);
	}
	fclose(f);
	return rc;
}
