/*
 * fangai/identity.h
 *	  National identifiers: the resident identity number (GB 11643-1999)
 *	  and the unified social credit code of organisations (GB 32100-2015).
 *
 * Everything here is pure: fixed-size outputs, no allocation, no storage.
 */
#ifndef FANGAI_IDENTITY_H
#define FANGAI_IDENTITY_H

#include <stdbool.h>

#include "fangai/date.h"
#include "fangai/error.h"

#define FG_RESIDENT_ID_LEN 18
#define FG_USCC_LEN 18

struct fg_resident_id {
	char number[FG_RESIDENT_ID_LEN + 1];	/* normalised: 18 chars, X upper-case */
	char district[7];			/* address code, positions 1-6 */
	fg_date birth_date;
	char sex;				/* GB/T 2261.1: '1' male, '2' female */
	bool upgraded;				/* given as a 15-digit legacy number */
};

/*
 * Normalise and validate a resident identity number.  Accepts ASCII or
 * full-width digits, spaces anywhere, lower-case x, and 15-digit legacy
 * numbers (upgraded to 18).  Checks the characters, that the embedded birth
 * date is a real day not after `today`, and the ISO 7064 MOD 11-2 check
 * character.  Address codes are not checked against today's GB/T 2260,
 * since retired codes stay valid in old numbers.
 *
 * On success fills *out and returns FG_OK.  Otherwise returns FG_INVALID
 * with field "id_number", a message naming the number and a detail giving
 * the reason; *out is unspecified.
 */
fg_rc fg_resident_id_parse(const char *text, fg_date today,
			   struct fg_resident_id *out, struct fg_error *err);

/*
 * The check character ('0'-'9' or 'X') for the first 17 digits of
 * `digits17`, which must all be ASCII digits.
 */
char fg_resident_id_check_char(const char *digits17);

/*
 * Validate a unified social credit code (统一社会信用代码): 18 characters
 * from 0-9 and A-Z without I, O, S, V and Z; characters 3-8 a district
 * code; the last one the check character.  Lower case is accepted and
 * upper-cased into out (FG_USCC_LEN + 1 bytes).  Failure: FG_INVALID with
 * field `field`.
 */
fg_rc fg_uscc_parse(const char *text, const char *field, char *out,
		    struct fg_error *err);

/*
 * The check character of the first 17 characters of a unified social
 * credit code, or '\0' if one of them is outside the alphabet.
 */
char fg_uscc_check_char(const char *first17);

#endif
