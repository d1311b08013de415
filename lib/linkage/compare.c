/*
 * compare.c
 *	  Field comparators of record linkage: exact, Jaro-Winkler, dates with
 *	  swapped day and month or a wrong digit, digit strings, and names on
 *	  their characters, simplified form and pinyin.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "fangai/csv.h"
#include "fangai/linkage.h"
#include "fangai/util.h"
#include "linkage_int.h"

#define MAX_CODEPOINTS 64	/* longer texts are compared on their start */

/* ---- Jaro-Winkler ---- */

static size_t
decode(const char *s, int32_t *out, size_t max)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = 0;

	while (*p && n < max) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);

		if (len <= 0) {
			c = *p;
			len = 1;
		}
		out[n++] = c;
		p += len;
	}
	return n;
}

static double
jaro(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
	bool ma[MAX_CODEPOINTS] = {false}, mb[MAX_CODEPOINTS] = {false};
	size_t window, matches = 0, t = 0, k = 0;

	if (na == 0 && nb == 0)
		return 1.0;
	if (na == 0 || nb == 0)
		return 0.0;
	window = (na > nb ? na : nb) / 2;
	window = window > 0 ? window - 1 : 0;
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < nb ? i + window + 1 : nb;

		for (size_t j = lo; j < hi; j++) {
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = true;
				matches++;
				break;
			}
		}
	}
	if (matches == 0)
		return 0.0;
	for (size_t i = 0; i < na; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	return ((double)matches / (double)na + (double)matches / (double)nb +
		((double)matches - (double)t / 2.0) / (double)matches) / 3.0;
}

double
fg_jaro_winkler(const char *a, const char *b)
{
	int32_t ca[MAX_CODEPOINTS], cb[MAX_CODEPOINTS];
	size_t na = decode(a, ca, MAX_CODEPOINTS), nb = decode(b, cb, MAX_CODEPOINTS);
	double j = jaro(ca, na, cb, nb);
	size_t prefix = 0;

	while (prefix < 4 && prefix < na && prefix < nb && ca[prefix] == cb[prefix])
		prefix++;
	return j + (double)prefix * 0.1 * (1.0 - j);
}

/* ---- pinyin ---- */

struct pinyin_entry {
	uint32_t cp;
	char reading[8];
};

static pthread_once_t pinyin_once = PTHREAD_ONCE_INIT;
static struct pinyin_entry *pinyin_table;
static size_t pinyin_count;
static struct fg_error pinyin_error;

static fg_rc
read_pinyin_row(fg_csv *csv, size_t *cap)
{
	int64_t cp;
	char hex[16];

	snprintf(hex, sizeof(hex), "0x%s", fg_csv_field(csv, 0));
	cp = strtoll(hex, NULL, 16);
	if (cp <= 0 || strlen(fg_csv_field(csv, 1)) >= sizeof(pinyin_table->reading))
		return fg_error_set(&pinyin_error, FG_INVALID, "pinyin",
				    "invalid pinyin row %ld: \"%s\"", fg_csv_line(csv),
				    fg_csv_field(csv, 0));
	if (pinyin_count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;
		struct pinyin_entry *t = realloc(pinyin_table, ncap * sizeof(*t));

		if (t == NULL)
			return fg_error_set(&pinyin_error, FG_NOMEM, NULL,
					    "out of memory loading the pinyin table");
		pinyin_table = t;
		*cap = ncap;
	}
	if (pinyin_count > 0 && (uint32_t)cp <= pinyin_table[pinyin_count - 1].cp)
		return fg_error_set(&pinyin_error, FG_INVALID, "pinyin",
				    "pinyin table is not sorted at line %ld", fg_csv_line(csv));
	pinyin_table[pinyin_count].cp = (uint32_t)cp;
	fg_strlcpy(pinyin_table[pinyin_count].reading, fg_csv_field(csv, 1),
		   sizeof(pinyin_table->reading));
	pinyin_count++;
	return FG_OK;
}

static void
load_pinyin(void)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char path[1024];
	fg_csv *csv = NULL;
	size_t cap = 0;
	bool row = true;
	fg_rc rc;

	snprintf(path, sizeof(path), "%s/linkage/pinyin.csv", fg_datadir());
	rc = fg_csv_open(path, &opts, &csv, &pinyin_error);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, &pinyin_error)) == FG_OK && row)
		rc = read_pinyin_row(csv, &cap);
	fg_csv_close(csv);
	if (rc == FG_OK && pinyin_count == 0)
		fg_error_set(&pinyin_error, FG_INVALID, "pinyin", "pinyin table \"%s\" is empty", path);
	if (pinyin_error.code != FG_OK) {
		free(pinyin_table);
		pinyin_table = NULL;
		pinyin_count = 0;
	}
}

static const char *
reading_of(uint32_t cp)
{
	size_t lo = 0, hi = pinyin_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pinyin_table[mid].cp == cp)
			return pinyin_table[mid].reading;
		if (pinyin_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

fg_rc
fg_pinyin(const char *text, char *out, size_t outsz, struct fg_error *err)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t n = 0;

	pthread_once(&pinyin_once, load_pinyin);
	if (pinyin_error.code != FG_OK) {
		if (err)
			*err = pinyin_error;
		return pinyin_error.code;
	}
	out[0] = '\0';
	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);
		utf8proc_uint8_t buf[8];
		const char *r;
		size_t rlen;

		if (len <= 0)
			return fg_error_set(err, FG_INVALID, "name", "invalid UTF-8 in \"%s\"", text);
		p += len;
		r = reading_of((uint32_t)c);
		if (r == NULL) {
			rlen = (size_t)utf8proc_encode_char(utf8proc_tolower(c), buf);
			buf[rlen] = '\0';
			r = (const char *)buf;
		} else
			rlen = strlen(r);
		if (n + rlen + 1 > outsz)
			break;
		memcpy(out + n, r, rlen);
		n += rlen;
		out[n] = '\0';
	}
	return FG_OK;
}

/* ---- levels ---- */

static const char *const level_names[][FG_LINK_MAX_LEVELS] = {
	[FG_LINK_EXACT] = {"differ", "equal"},
	[FG_LINK_JW] = {"differ", "similar", "close", "equal"},
	[FG_LINK_DATE] = {"differ", "near", "equal"},
	[FG_LINK_NAME] = {"differ", "similar", "pinyin", "simplified", "equal"},
	[FG_LINK_DIGITS] = {"differ", "near", "equal"},
	[FG_LINK_ID] = {"differ", "near", "equal"},
};

int
fg_link_cmp_levels(enum fg_link_cmp cmp)
{
	int n = 0;

	while (n < FG_LINK_MAX_LEVELS && level_names[cmp][n] != NULL)
		n++;
	return n;
}

const char *
fg_link_level_name(enum fg_link_cmp cmp, int level)
{
	if (level == FG_LINK_MISSING || level < 0 || level >= fg_link_cmp_levels(cmp))
		return "missing";
	return level_names[cmp][level];
}

/* One character differs, or two adjacent ones are swapped; same length. */
static bool
near_digits(const char *a, const char *b)
{
	size_t i = 0, diff = 0, first = 0;

	for (; a[i] != '\0' && b[i] != '\0'; i++) {
		if (a[i] == b[i])
			continue;
		if (++diff > 2)
			return false;	/* neither one wrong nor two swapped */
		if (diff == 1)
			first = i;
	}
	if (a[i] != '\0' || b[i] != '\0')
		return false;	/* lengths differ */
	if (diff == 1)
		return true;
	return diff == 2 && first + 1 < i && a[first] == b[first + 1] &&
	       a[first + 1] == b[first];
}

/* Dates are prepared as YYYYMMDD. */
static int
date_level(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return 2;
	if (memcmp(a, b, 4) == 0 && memcmp(a + 4, b + 6, 2) == 0 && memcmp(a + 6, b + 4, 2) == 0)
		return 1;
	return near_digits(a, b) ? 1 : 0;
}

size_t
link_sorted_chars(const char *s, int32_t *out, size_t max)
{
	size_t n = decode(s, out, max);

	for (size_t i = 1; i < n; i++) {
		int32_t c = out[i];
		size_t j = i;

		for (; j > 0 && out[j - 1] > c; j--)
			out[j] = out[j - 1];
		out[j] = c;
	}
	return n;
}

/* The same characters in another order, or one of three or more replaced. */
static bool
names_similar(const char *a, const char *b)
{
	int32_t ca[MAX_CODEPOINTS], cb[MAX_CODEPOINTS];
	size_t na = decode(a, ca, MAX_CODEPOINTS), nb = decode(b, cb, MAX_CODEPOINTS);
	size_t diff = 0;

	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		diff += ca[i] != cb[i];
	if (diff == 1 && na >= 3)
		return true;
	na = link_sorted_chars(a, ca, MAX_CODEPOINTS);
	nb = link_sorted_chars(b, cb, MAX_CODEPOINTS);
	return na == nb && memcmp(ca, cb, na * sizeof(*ca)) == 0;
}

static int
name_level(const fg_link_data *a, size_t i, const fg_link_data *b, size_t j, int f)
{
	if (strcmp(a->val[f][i], b->val[f][j]) == 0)
		return 4;
	if (strcmp(a->key[f][i], b->key[f][j]) == 0)
		return 3;
	if (strcmp(a->pinyin[f][i], b->pinyin[f][j]) == 0)
		return 2;
	return names_similar(a->key[f][i], b->key[f][j]) ? 1 : 0;
}

static int
jw_level(const char *x, const char *y)
{
	double s;

	if (strcmp(x, y) == 0)
		return 3;
	s = fg_jaro_winkler(x, y);
	return s >= 0.92 ? 2 : s >= 0.80 ? 1 : 0;
}

int
link_compare(const struct fg_link_spec *spec, int f, const fg_link_data *a,
	     size_t i, const fg_link_data *b, size_t j)
{
	const char *x = a->val[f][i], *y = b->val[f][j];

	if (x == NULL || y == NULL)
		return FG_LINK_MISSING;
	switch (spec->fields[f].cmp) {
	case FG_LINK_EXACT:
		return strcmp(x, y) == 0;
	case FG_LINK_JW:
		return jw_level(x, y);
	case FG_LINK_DATE:
		return date_level(x, y);
	case FG_LINK_NAME:
		return name_level(a, i, b, j, f);
	case FG_LINK_DIGITS:
	case FG_LINK_ID:
		return strcmp(x, y) == 0 ? 2 : near_digits(x, y) ? 1 : 0;
	}
	return 0;
}

const char *
link_block_value(const fg_link_data *d, size_t i, int f, enum fg_link_transform t)
{
	const char *v = d->val[f][i];
	enum fg_link_cmp cmp = d->spec->fields[f].cmp;

	if (v == NULL)
		return NULL;
	if ((t == FG_LINK_T_KEY || t == FG_LINK_T_SORTED) && cmp == FG_LINK_NAME)
		return d->key[f][i];
	if (t == FG_LINK_T_PINYIN && cmp == FG_LINK_NAME)
		return d->pinyin[f][i];
	return v;
}
