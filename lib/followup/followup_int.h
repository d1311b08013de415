/*
 * followup_int.h
 *	  Helpers shared by the files of lib/followup.
 */
#ifndef FANGAI_FOLLOWUP_INT_H
#define FANGAI_FOLLOWUP_INT_H

#include "fangai/store.h"

/* Step a statement that returns no rows wanted (INSERT, UPDATE) and reset it. */
fg_rc followup_run(fg_stmt *st, struct fg_error *err);

#endif
