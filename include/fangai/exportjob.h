/*
 * exportjob.h
 *	  The record of FHIR Bulk Data export jobs (migration 0016): what a
 *	  server needs to answer a job's status, serve its files and cancel it,
 *	  across restarts.  The files live on disk in the job's directory; this
 *	  records where and what they are.
 */
#ifndef FANGAI_EXPORTJOB_H
#define FANGAI_EXPORTJOB_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/store.h"

struct fg_export_file {
	char type[24];			/* resource type */
	char name[48];			/* file name in the job's directory: Patient-1.ndjson */
	int64_t count;			/* resources in it */
};

struct fg_export_job {
	char id[33];			/* random hex */
	int64_t user_id;		/* who started it */
	char state[8];			/* running, done, failed */
	char request[512];		/* the kick-off URL */
	char started[32];		/* transactionTime, UTC */
	char dir[64];			/* directory of the files */
	char error[256];		/* why it failed; "" otherwise */
	struct fg_export_file *files;	/* done: in the caller's arena; NULL otherwise */
	size_t nfiles;
};

/* Record job as running (its files are not read).  FG_CONFLICT if its id is taken. */
fg_rc fg_export_job_add(fg_store *store, const struct fg_export_job *job, struct fg_error *err);

/*
 * Record the end of job id: state "done" with its n files, or "failed"
 * with error; in one transaction.  FG_NOTFOUND if no such job.
 */
fg_rc fg_export_job_finish(fg_store *store, const char *id, const char *state, const char *error,
			   const struct fg_export_file *files, size_t n, struct fg_error *err);

/* Read job id and its files (in arena).  FG_NOTFOUND if there is none. */
fg_rc fg_export_job_get(fg_store *store, const char *id, struct fg_arena *arena, struct fg_export_job *out,
			struct fg_error *err);

/* Forget job id and its files' record (not the files).  FG_NOTFOUND if there is none. */
fg_rc fg_export_job_remove(fg_store *store, const char *id, struct fg_error *err);

/*
 * Every job recorded, oldest first, without their files, in *out (an array
 * in arena, *n long).
 */
fg_rc fg_export_job_list(fg_store *store, struct fg_arena *arena, struct fg_export_job **out, size_t *n,
			 struct fg_error *err);

#endif
