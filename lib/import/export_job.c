/*
 * export_job.c
 *	  The record of FHIR Bulk Data export jobs (tables export_job and
 *	  export_file of migration 0016), so that a server answers the status
 *	  of a job, serves its files and cancels it after a restart.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/exportjob.h"
#include "fangai/util.h"

#define JOB_COLUMNS "id, user_id, state, request, started_at, dir, coalesce(error, '')"

/* Step st to its end and reset it. */
static fg_rc
run(fg_stmt *st, struct fg_error *err)
{
	bool row = true;
	fg_rc rc = FG_OK;

	while (rc == FG_OK && row)
		rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

static void
read_job(fg_stmt *st, struct fg_export_job *out)
{
	memset(out, 0, sizeof(*out));
	fg_strlcpy(out->id, fg_stmt_text(st, 0), sizeof(out->id));
	out->user_id = fg_stmt_int64(st, 1);
	fg_strlcpy(out->state, fg_stmt_text(st, 2), sizeof(out->state));
	fg_strlcpy(out->request, fg_stmt_text(st, 3), sizeof(out->request));
	fg_strlcpy(out->started, fg_stmt_text(st, 4), sizeof(out->started));
	fg_strlcpy(out->dir, fg_stmt_text(st, 5), sizeof(out->dir));
	fg_strlcpy(out->error, fg_stmt_text(st, 6), sizeof(out->error));
}

static fg_rc
no_job(struct fg_error *err, const char *id)
{
	return fg_error_set(err, FG_NOTFOUND, "job", "export \"%.40s\" does not exist", id);
}

/* Run st, a statement on job id RETURNING a row when it found the job; FG_NOTFOUND when it did not. */
static fg_rc
on_job(fg_stmt *st, const char *id, struct fg_error *err)
{
	bool found = false;
	fg_rc rc = fg_stmt_scalar_int64(st, &(int64_t){0}, &found, err);

	return rc == FG_OK && !found ? no_job(err, id) : rc;
}

/* Commit the transaction the caller began if rc is FG_OK, else roll it back; returns the outcome. */
static fg_rc
end_transaction(fg_store *store, fg_rc rc, struct fg_error *err)
{
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

fg_rc
fg_export_job_add(fg_store *store, const struct fg_export_job *job, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO export_job (id, user_id, state, request, started_at, dir)"
			      " VALUES (?, ?, 'running', ?, ?, ?)", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, job->id);
	fg_stmt_bind_int64(st, 2, job->user_id);
	fg_stmt_bind_text(st, 3, job->request);
	fg_stmt_bind_text(st, 4, job->started);
	fg_stmt_bind_text(st, 5, job->dir);
	return run(st, err);
}

/* Record the n files of job id. */
static fg_rc
add_files(fg_store *store, const char *id, const struct fg_export_file *files, size_t n, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = FG_OK;

	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		rc = fg_store_prepare(store, "INSERT INTO export_file (job_id, seq, type, name, resources)"
				      " VALUES (?, ?, ?, ?, ?)", &st, err);
		if (rc != FG_OK)
			break;
		fg_stmt_bind_text(st, 1, id);
		fg_stmt_bind_int64(st, 2, (int64_t)i + 1);
		fg_stmt_bind_text(st, 3, files[i].type);
		fg_stmt_bind_text(st, 4, files[i].name);
		fg_stmt_bind_int64(st, 5, files[i].count);
		rc = run(st, err);
	}
	return rc;
}

fg_rc
fg_export_job_finish(fg_store *store, const char *id, const char *state, const char *error,
		     const struct fg_export_file *files, size_t n, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "UPDATE export_job SET state = ?, error = ? WHERE id = ? RETURNING 1", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, state);
		fg_stmt_bind_text(st, 2, error && *error ? error : NULL);
		fg_stmt_bind_text(st, 3, id);
		rc = on_job(st, id, err);
	}
	if (rc == FG_OK)
		rc = add_files(store, id, files, n, err);
	return end_transaction(store, rc, err);
}

/* The files of out (a job read) into the arena. */
static fg_rc
read_files(fg_store *store, struct fg_arena *arena, struct fg_export_job *out, struct fg_error *err)
{
	int64_t n = 0;
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT count(*) FROM export_file WHERE job_id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, out->id);
	rc = fg_stmt_scalar_int64(st, &n, NULL, err);
	if (rc != FG_OK || n == 0)
		return rc;
	out->files = fg_arena_alloc(arena, (size_t)n * sizeof(*out->files));
	if (out->files == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading export \"%s\"", out->id);
	rc = fg_store_prepare(store, "SELECT type, name, resources FROM export_file WHERE job_id = ? ORDER BY seq",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, out->id);
	while (out->nfiles < (size_t)n && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_export_file *f = &out->files[out->nfiles++];

		fg_strlcpy(f->type, fg_stmt_text(st, 0), sizeof(f->type));
		fg_strlcpy(f->name, fg_stmt_text(st, 1), sizeof(f->name));
		f->count = fg_stmt_int64(st, 2);
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_export_job_get(fg_store *store, const char *id, struct fg_arena *arena, struct fg_export_job *out,
		  struct fg_error *err)
{
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " JOB_COLUMNS " FROM export_job WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		read_job(st, out);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = no_job(err, id);
	return rc == FG_OK ? read_files(store, arena, out, err) : rc;
}

fg_rc
fg_export_job_remove(fg_store *store, const char *id, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "DELETE FROM export_file WHERE job_id = ?", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, id);
		rc = run(st, err);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "DELETE FROM export_job WHERE id = ? RETURNING 1", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, id);
		rc = on_job(st, id, err);
	}
	return end_transaction(store, rc, err);
}

fg_rc
fg_export_job_list(fg_store *store, struct fg_arena *arena, struct fg_export_job **out, size_t *n,
		   struct fg_error *err)
{
	int64_t total = 0;
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	*out = NULL;
	*n = 0;
	rc = fg_store_prepare(store, "SELECT count(*) FROM export_job", &st, err);
	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, &total, NULL, err);
	if (rc != FG_OK || total == 0)
		return rc;
	*out = fg_arena_alloc(arena, (size_t)total * sizeof(**out));
	if (*out == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing export jobs");
	rc = fg_store_prepare(store, "SELECT " JOB_COLUMNS " FROM export_job ORDER BY started_at, id", &st, err);
	if (rc != FG_OK)
		return rc;
	while (*n < (size_t)total && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		read_job(st, &(*out)[(*n)++]);
	fg_stmt_reset(st);
	return rc;
}
