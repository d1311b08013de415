/*
 * identity.c
 *	  Resident identity numbers (GB 11643-1999) and unified social credit
 *	  codes (GB 32100-2015): normalisation and check characters.
 *
 * Weights and check alphabets are those of the two standards; see
 * ../../data/README.md for the sources.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fangai/identity.h"
#include "fangai/util.h"

/* GB 11643-1999: Wi = 2^(18-i) mod 11; check = "10X98765432"[S mod 11]. */
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char id_check_chars[] = "10X98765432";

/* GB 32100-2015 alphabet (no I, O, S, V, Z) and weights 3^(i-1) mod 31. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

#define RAW_MAX 64	/* longest input considered, in bytes */

char
fg_resident_id_check_char(const char *digits17)
{
	int s = 0;

	for (int i = 0; i < 17; i++)
		s += (digits17[i] - '0') * id_weights[i];
	return id_check_chars[s % 11];
}

/*
 * Copy text into out, dropping ASCII and ideographic spaces and folding
 * full-width digits and X to ASCII.  Returns the length, or -1 if the text
 * is too long or holds a character that cannot be part of a number (its
 * position goes to *bad).
 */
static int
fold_id_text(const char *text, char *out, size_t outsz, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0;

	while (*p) {
		char c;

		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {	/* U+3000 */
			p += 3;
			continue;
		}
		if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
			c = (char)('0' + (p[2] - 0x90));		/* U+FF10-FF19 */
			p += 3;
		} else if (p[0] == 0xEF && ((p[1] == 0xBC && p[2] == 0xB8) ||
					    (p[1] == 0xBD && p[2] == 0x98))) {
			c = 'X';					/* U+FF38, U+FF58 */
			p += 3;
		} else if (isdigit(*p) || *p == 'x' || *p == 'X') {
			c = (char)toupper(*p);
			p++;
		} else {
			*bad = (size_t)((const char *)p - text);
			return -1;
		}
		if (n + 1 >= outsz) {
			*bad = (size_t)((const char *)p - text);
			return -1;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return (int)n;
}

static fg_rc FG_PRINTF(4, 5)
id_invalid(struct fg_error *err, const char *text, const char *hint,
	   const char *fmt, ...)
{
	va_list ap;

	fg_error_set(err, FG_INVALID, "id_number",
		     "invalid resident ID number \"%s\"", text);
	va_start(ap, fmt);
	fg_error_detailv(err, fmt, ap);
	va_end(ap);
	if (hint != NULL)
		fg_error_hint(err, "%s", hint);
	return FG_INVALID;
}

/* Turn a 15-digit legacy number into 17 digits (19 inserted before YY). */
static void
upgrade_legacy(const char *n15, char *n18)
{
	memcpy(n18, n15, 6);
	n18[6] = '1';
	n18[7] = '9';
	memcpy(n18 + 8, n15 + 6, 9);
	n18[17] = fg_resident_id_check_char(n18);
	n18[18] = '\0';
}

fg_rc
fg_resident_id_parse(const char *text, fg_date today,
		     struct fg_resident_id *out, struct fg_error *err)
{
	char raw[RAW_MAX], num[FG_RESIDENT_ID_LEN + 1];
	char shown[RAW_MAX + 8];
	size_t bad = 0;
	int len, y, m, d;
	char expected;

	if (text == NULL || *text == '\0')
		return id_invalid(err, "", NULL, "The number is empty.");
	snprintf(shown, sizeof(shown), "%.*s", RAW_MAX, text);
	len = fold_id_text(text, raw, sizeof(raw), &bad);
	if (len < 0)
		return id_invalid(err, shown, "A resident ID number has 18 characters: 17 digits and a digit or X.",
				  "It holds a character that is not a digit or X: \"%s\".", text + bad);
	if (len == 15) {
		if (!fg_digits_at(raw, 15))
			return id_invalid(err, shown, NULL, "A 15-digit legacy number holds digits only.");
		upgrade_legacy(raw, num);
	} else if (len == 18) {
		if (!fg_digits_at(raw, 17) || !(isdigit((unsigned char)raw[17]) || raw[17] == 'X'))
			return id_invalid(err, shown, NULL,
					  "Only the last character may be X; the others are digits.");
		memcpy(num, raw, 19);
	} else {
		return id_invalid(err, shown, "A resident ID number has 18 characters, or 15 digits for a number issued before 1999.",
				  "It has %d characters.", len);
	}

	y = fg_digits_value(num + 6, 4);
	m = fg_digits_value(num + 10, 2);
	d = fg_digits_value(num + 12, 2);
	if (!fg_date_valid_ymd(y, m, d))
		return id_invalid(err, shown, NULL, "Its birth date %.8s is not a calendar day.", num + 6);
	out->birth_date = fg_date_from_ymd(y, m, d);
	if (out->birth_date > today) {
		char date[FG_DATE_TEXT_MAX];

		return id_invalid(err, shown, NULL, "Its birth date %s is in the future.",
				  fg_date_format(out->birth_date, date));
	}
	expected = fg_resident_id_check_char(num);
	if (len == 18 && num[17] != expected)
		return id_invalid(err, shown, "Check the number for a mistyped or swapped digit.",
				  "Its check character is %c but the first 17 digits give %c.", num[17], expected);
	memcpy(out->number, num, sizeof(out->number));
	memcpy(out->district, num, 6);
	out->district[6] = '\0';
	out->sex = ((num[16] - '0') % 2 == 1) ? '1' : '2';
	out->upgraded = len == 15;
	return FG_OK;
}

static int
uscc_value(char c)
{
	const char *p = strchr(uscc_alphabet, c);

	return c != '\0' && p != NULL ? (int)(p - uscc_alphabet) : -1;
}

char
fg_uscc_check_char(const char *first17)
{
	int s = 0;

	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);

		if (v < 0)
			return '\0';
		s += v * uscc_weights[i];
	}
	return uscc_alphabet[(31 - s % 31) % 31];
}

fg_rc
fg_uscc_parse(const char *text, const char *field, char *out,
	      struct fg_error *err)
{
	char code[FG_USCC_LEN + 1];
	size_t len = text ? strlen(text) : 0;
	char expected;

	if (len != FG_USCC_LEN) {
		fg_error_set(err, FG_INVALID, field,
			     "invalid unified social credit code \"%s\"", text ? text : "");
		fg_error_detail(err, "It has %zu characters; a code has 18.", len);
		return FG_INVALID;
	}
	for (size_t i = 0; i < len; i++) {
		code[i] = (char)toupper((unsigned char)text[i]);
		if (uscc_value(code[i]) < 0) {
			fg_error_set(err, FG_INVALID, field,
				     "invalid unified social credit code \"%s\"", text);
			fg_error_detail(err, "Character %zu, \"%c\", is outside the code's alphabet.",
					i + 1, text[i]);
			fg_error_hint(err, "Codes use digits and capital letters except I, O, S, V and Z.");
			return FG_INVALID;
		}
	}
	code[len] = '\0';
	if (!fg_digits_at(code + 2, 6)) {
		fg_error_set(err, FG_INVALID, field,
			     "invalid unified social credit code \"%s\"", text);
		fg_error_detail(err, "Characters 3 to 8 must be a district code of six digits.");
		return FG_INVALID;
	}
	expected = fg_uscc_check_char(code);
	if (code[17] != expected) {
		fg_error_set(err, FG_INVALID, field,
			     "invalid unified social credit code \"%s\"", text);
		fg_error_detail(err, "Its check character is %c but the first 17 characters give %c.",
				code[17], expected);
		return FG_INVALID;
	}
	memcpy(out, code, sizeof(code));
	return FG_OK;
}
