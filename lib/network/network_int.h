/*
 * network_int.h
 *	  Helpers shared by the files of the referral network: references to
 *	  persons and records, times given as text, free text, growing lists,
 *	  and the steps one subsystem takes inside another's transaction.
 */
#ifndef FANGAI_NETWORK_INT_H
#define FANGAI_NETWORK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/booking.h"
#include "fangai/error.h"
#include "fangai/person.h"
#include "fangai/referral.h"
#include "fangai/store.h"

/* Find a person by record id or resident ID number; FG_NOTFOUND naming field. */
fg_rc net_person_find(fg_store *store, const char *ref, const char *field,
		      struct fg_person *out, struct fg_error *err);

/* Parse a record id given as text (NULL or "" gives 0 when optional). */
fg_rc net_id_parse(const char *text, const char *field, bool optional, int64_t *out,
		   struct fg_error *err);

/* A time given as text, or `now` when text is NULL or "". */
fg_rc net_time_or_now(const char *text, const char *field, int64_t now, int64_t *out,
		      struct fg_error *err);

/*
 * Check free text: required means it must be non-blank; at most max
 * bytes.  FG_INVALID naming field.
 */
fg_rc net_text_check(const char *text, const char *field, bool required, size_t max,
		     struct fg_error *err);

/* Copy column col (NULL: "") into the arena; NULL when out of memory. */
const char *net_column_text(fg_stmt *st, int col, struct fg_arena *arena);

/*
 * Make room for one more item of size `size` in a list growing in the
 * arena; false when out of memory.
 */
bool net_grow(struct fg_arena *arena, void **items, size_t *cap, size_t count, size_t size);

/* Step a bound write statement to completion and reset it. */
fg_rc net_exec(fg_stmt *st, struct fg_error *err);

/* Whether record `id` of table (a trusted constant) exists; FG_NOTFOUND naming field. */
fg_rc net_require_row(fg_store *store, const char *sql, int64_t id, const char *field,
		      const char *what, struct fg_error *err);

/*
 * A record linked to a person's record (tumour, referral, episode) must be
 * that person's: sql (a trusted constant) reads the owner of row `id`.
 * id 0 passes.  FG_NOTFOUND or FG_INVALID naming field.
 */
fg_rc net_check_owner(fg_store *store, const char *sql, int64_t id, int64_t person_id,
		      const char *field, struct fg_error *err);

/* Reads the current row of st into out (text that outlives the row into arena). */
typedef fg_rc (*net_row_reader)(fg_stmt *st, struct fg_arena *arena, void *out,
				struct fg_error *err);

/*
 * Run sql (a trusted constant, one parameter: the id) and read its single
 * row with read; FG_NOTFOUND "WHAT ID does not exist" (field what) when
 * there is none.
 */
fg_rc net_fetch_one(fg_store *store, const char *sql, int64_t id, const char *what,
		    net_row_reader read, struct fg_arena *arena, void *out, struct fg_error *err);

/*
 * Record in the audit trail that institution_id's access to person_id's
 * records begins (grant_access) or ends (end_access, revoke_access) with
 * its source ("referral" or "consultation" source_id), in the caller's
 * transaction: the entry reads "Patient/P via SOURCE N".
 */
fg_rc net_audit_access(fg_store *store, int64_t institution_id, int64_t person_id, const char *source,
		       int64_t source_id, const char *action, int64_t user_id, struct fg_error *err);

/*
 * Run fn(store, ctx, err) in a transaction (nested in the caller's if one
 * is open): committed when it returns FG_OK, rolled back otherwise.
 */
fg_rc net_in_transaction(fg_store *store, fg_rc (*fn)(fg_store *, void *, struct fg_error *), void *ctx,
			 struct fg_error *err);

/* Book inside the caller's transaction (see fg_booking_book). */
fg_rc net_booking_book_tx(fg_store *store, const struct fg_booking_input *in, int64_t now,
			  struct fg_appointment *out, struct fg_error *err);

/* Cancel the live appointment of a referral, if any, inside the caller's transaction. */
fg_rc net_booking_cancel_referral_tx(fg_store *store, int64_t referral_id, int64_t now,
				     struct fg_error *err);

/* Record the attendance of a scheduled referral inside the caller's transaction. */
fg_rc net_referral_attend_tx(fg_store *store, int64_t referral_id, int64_t now,
			     struct fg_error *err);

/* Every referral type of referral-types.csv, in the arena. */
fg_rc net_referral_types(const char *datadir, struct fg_arena *arena,
			 struct fg_referral_type **types, size_t *count, struct fg_error *err);

/* Median of n doubles (sorts them in place); NAN when n == 0. */
double net_median(double *v, size_t n);

#endif
