/*
 * fangai/name.h
 *	  Personal names: Unicode normalisation and the matching key that makes
 *	  simplified and traditional spellings of a name equal.
 */
#ifndef FANGAI_NAME_H
#define FANGAI_NAME_H

#include <stddef.h>

#include "fangai/error.h"

#define FG_NAME_MAX 128		/* bytes, with the NUL */

/*
 * Normalise a name for storage: NFC (utf8proc), surrounding white space
 * removed, inner runs of white space folded to one space.  Refuses empty
 * names, invalid UTF-8, control characters and names that do not fit in
 * outsz bytes: FG_INVALID with field `field`.
 */
fg_rc fg_name_normalise(const char *text, const char *field, char *out,
			size_t outsz, struct fg_error *err);

/*
 * The matching key of a normalised name: converted to simplified
 * characters (OpenCC t2s), spaces and middle dots removed, Latin letters
 * case-folded.  陳美玲 and 陈美玲 give the same key.  FG_NOMEM or
 * FG_INTERNAL (OpenCC data missing) on failure.  Thread-safe.
 */
fg_rc fg_name_key(const char *normalised, char *out, size_t outsz,
		  struct fg_error *err);

#endif
