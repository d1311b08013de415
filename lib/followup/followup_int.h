/*
 * followup_int.h
 *	  Helpers shared by the files of lib/followup.
 */
#ifndef FANGAI_FOLLOWUP_INT_H
#define FANGAI_FOLLOWUP_INT_H

#include "fangai/date.h"
#include "fangai/store.h"

/* Step a statement that returns no rows wanted (INSERT, UPDATE) and reset it. */
fg_rc followup_run(fg_stmt *st, struct fg_error *err);

/* A date column (FG_DATE_NONE when NULL or not a date). */
fg_date followup_date_at(fg_stmt *st, int col);

#endif
