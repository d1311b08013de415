/*
 * fhir_export.c
 *	  FHIR Bulk Data export (Bulk Data Access IG 1.0 / 2.0, "$export"):
 *	  GET /fhir/$export and /fhir/Patient/$export with Prefer:
 *	  respond-async start a job and answer 202 with its status URL in
 *	  Content-Location.  A thread of its own, with a store of its own,
 *	  writes the Patients (and their Conditions) the caller may see as
 *	  NDJSON files of at most FILE_RESOURCES resources, masked like every
 *	  read unless the role may unmask and asked to, then the resources of
 *	  the other types of the patient compartment (export_searched), each
 *	  read through its own FHIR search with the session of the job, so
 *	  that it is scoped like the same search sent directly (_type picks
 *	  the types, _since the Patients changed since an instant).  Polling the status
 *	  URL answers 202 with X-Progress while it runs, then 200 with the
 *	  manifest; the files are served under /fhir/$export-file/; DELETE on
 *	  the status URL cancels the job and removes its files.  Only the user
 *	  who started a job sees it (404 for anyone else).  The start, the end
 *	  (with its counts) and each download are audited.
 *
 * A job is recorded in the database when it starts and when it ends
 * (fangai/exportjob.h, migration 0016), its files staying on disk: a
 * restarted server answers the status of a finished job, serves its files
 * and cancels it.  A job still running when the server stopped is
 * reported failed ("interrupted").  Memory holds only the running jobs
 * (their progress and cancel flag); the database keeps the last MAX_KEPT
 * jobs, the oldest finished one going with its files when a new one
 * starts.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fangai/exportjob.h"
#include "fangai/log.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "fhir.h"

#define MAX_JOBS 16			/* running at once */
#define MAX_KEPT 16			/* recorded: running and finished */
#define MAX_FILES 512
#define FILE_RESOURCES 10000
#define MAX_FILE_BYTES (64u << 20)	/* a file larger than this is not served */
#define PAGE 500

enum job_state { JOB_FREE, JOB_RUNNING };

/* A running job: what its writer and the status of its progress need. */
struct export_job {
	enum job_state state;
	atomic_bool cancel;
	char id[33];			/* random hex: the job's name in URLs */
	int64_t user_id;
	struct fg_scope scope;
	bool unmask;
	bool patients, conditions;	/* the types asked for */
	unsigned searched;		/* bit i: export_searched[i] asked for */
	int64_t written;		/* resources written */
	struct fg_session session;	/* of the user who started the job */
	const struct server_config *config;
	char since[32];			/* Patients changed since (UTC); "" for all */
	char request[512];		/* the kick-off URL, for the manifest */
	char started[32];		/* transactionTime */
	char dir[64];
	char error[256];
	const char *db;
	atomic_llong done, total;	/* Patients written of those in scope */
	struct fg_export_file files[MAX_FILES];
	size_t nfiles;
	int64_t audit_user, audit_institution;
	char client[64];
};

/*
 * The types exported through their FHIR search, after Patient and
 * Condition: the rest of the patient compartment the server holds.
 */
static const char *const export_searched[] = {
	"Observation", "DiagnosticReport", "EpisodeOfCare", "CarePlan", "Encounter",
	"ServiceRequest", "Task",
};
#define NSEARCHED (sizeof(export_searched) / sizeof(export_searched[0]))

static struct export_job jobs[MAX_JOBS];
static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- The job's writer --- */

struct ndjson_out {
	struct export_job *job;
	const char *type;
	FILE *fp;
	struct fg_export_file *file;
};

/* Close the open file of out, if any. */
static bool
out_close(struct ndjson_out *out)
{
	bool ok = true;

	if (out->fp != NULL)
		ok = fclose(out->fp) == 0;
	out->fp = NULL;
	out->file = NULL;
	return ok;
}

/* Write resource (put) as one line, opening the next file when the current one is full. */
static bool
out_write(struct ndjson_out *out, json_object *resource)
{
	struct export_job *job = out->job;
	bool ok;

	if (out->file != NULL && out->file->count >= FILE_RESOURCES && !out_close(out))
		return false;
	if (out->fp == NULL) {
		char path[160];

		pthread_mutex_lock(&jobs_lock);
		if (job->nfiles < MAX_FILES) {
			out->file = &job->files[job->nfiles];
			snprintf(out->file->type, sizeof(out->file->type), "%s", out->type);
			snprintf(out->file->name, sizeof(out->file->name), "%s-%zu.ndjson", out->type, job->nfiles + 1);
			out->file->count = 0;
		}
		pthread_mutex_unlock(&jobs_lock);
		if (out->file == NULL) {
			snprintf(job->error, sizeof(job->error), "the export needs more than %d files", MAX_FILES);
			return false;
		}
		snprintf(path, sizeof(path), "%s/%s", job->dir, out->file->name);
		if ((out->fp = fopen(path, "w")) == NULL) {
			snprintf(job->error, sizeof(job->error), "could not create %s: %s", path, strerror(errno));
			out->file = NULL;
			return false;
		}
		pthread_mutex_lock(&jobs_lock);
		job->nfiles++;
		pthread_mutex_unlock(&jobs_lock);
	}
	ok = fprintf(out->fp, "%s\n", json_object_to_json_string_ext(resource, JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE)) > 0;
	json_object_put(resource);
	if (ok) {
		out->file->count++;
		job->written++;
	}
	else
		snprintf(job->error, sizeof(job->error), "could not write %s", out->file->name);
	return ok;
}

/* Write the Conditions of person p. */
static bool
write_conditions(fg_store *store, struct ndjson_out *out, int64_t person, struct fg_arena *arena)
{
	struct fg_tumour_list list;
	struct fg_error err;

	if (fg_tumour_list(store, person, 1000, arena, &list, &err) != FG_OK) {
		snprintf(out->job->error, sizeof(out->job->error), "%s", err.message);
		return false;
	}
	for (size_t i = 0; i < list.count; i++) {
		if (!out_write(out, fhir_condition_json(&list.items[i])))
			return false;
	}
	return true;
}

/* Write every page of Patients in the job's scope, and their Conditions; false on failure or cancel. */
static bool
write_patients(struct export_job *job, fg_store *store)
{
	struct ndjson_out pout = {job, "Patient", NULL, NULL}, cout = {job, "Condition", NULL, NULL};
	struct fg_person_query q = {.visible_to = fg_scope_visible_to(&job->scope), .limit = PAGE,
				    .updated_since = job->since[0] ? job->since : NULL};
	struct fg_person_list list;
	struct fg_arena arena;
	struct fg_error err;
	bool ok = true;

	fg_arena_init(&arena, 0);
	for (q.offset = 0; ok && !atomic_load(&job->cancel); q.offset += PAGE) {
		fg_arena_reset(&arena);
		if (fg_person_find(store, &q, &arena, &list, &err) != FG_OK) {
			snprintf(job->error, sizeof(job->error), "%s", err.message);
			ok = false;
			break;
		}
		atomic_store(&job->total, list.total);
		if (list.count == 0)
			break;
		for (size_t i = 0; ok && i < list.count; i++) {
			const struct fg_person *p = &list.items[i];

			if (job->patients)
				ok = out_write(&pout, fhir_patient_json(p, job->unmask, NULL));
			if (ok && job->conditions)
				ok = write_conditions(store, &cout, p->id, &arena);
			atomic_fetch_add(&job->done, 1);
		}
	}
	ok = out_close(&pout) && ok;
	ok = out_close(&cout) && ok;
	fg_arena_free(&arena);
	return ok && !atomic_load(&job->cancel);
}

/* No header, cookie or argument: the outer request of the job's searches. */
static const char *
no_value(const struct request *req, enum request_value kind, const char *name)
{
	return NULL;
}

/*
 * Run the search url (a page) with the job's session and scope and the
 * thread's store; its reply (a searchset Bundle) into *bundle (the caller
 * puts it).  False, with the job's error set, when it is not answered 200.
 */
static bool
search_page(struct export_job *job, fg_store *store, struct fg_arena *arena, const char *url,
	    json_object **bundle)
{
	struct request outer = {.config = job->config, .lookup = no_value, .fhir = true, .store = store,
				.arena = arena, .authenticated = true, .session = job->session,
				.scope = job->scope};
	struct inner_request in;

	*bundle = NULL;
	snprintf(outer.client, sizeof(outer.client), "%s", job->client);
	if (!inner_request_init(&in, &outer, "GET", "/fhir/", url, NULL)) {
		snprintf(job->error, sizeof(job->error), "out of memory searching %s", url);
		return false;
	}
	server_dispatch(&in.req);
	if (in.req.status == 200 && in.req.reply != NULL)
		*bundle = json_tokener_parse(in.req.reply);
	if (*bundle == NULL)
		snprintf(job->error, sizeof(job->error), "could not search %s: status %u", url, in.req.status);
	return *bundle != NULL;
}

/* Write every resource of type that the job's user may see, a page at a time; false on failure or cancel. */
static bool
write_searched(struct export_job *job, fg_store *store, const char *type)
{
	struct ndjson_out out = {job, type, NULL, NULL};
	struct fg_arena arena;
	size_t n = PAGE;
	bool ok = true;

	fg_arena_init(&arena, 0);
	for (int64_t offset = 0; ok && n == PAGE && !atomic_load(&job->cancel); offset += PAGE) {
		json_object *bundle, *entries;

		fg_arena_reset(&arena);
		ok = search_page(job, store, &arena, fg_arena_printf(&arena, "%s?_count=%d&_offset=%lld&_total=none",
								     type, PAGE, (long long)offset), &bundle);
		if (!ok)
			break;
		entries = json_object_object_get(bundle, "entry");
		n = entries != NULL ? json_object_array_length(entries) : 0;
		for (size_t i = 0; ok && i < n; i++) {
			json_object *resource = json_object_object_get(json_object_array_get_idx(entries, i), "resource");

			ok = out_write(&out, json_object_get(resource));
		}
		json_object_put(bundle);
	}
	ok = out_close(&out) && ok;
	fg_arena_free(&arena);
	return ok && !atomic_load(&job->cancel);
}

/* Write the types the job asked for; false on failure or cancel. */
static bool
write_all(struct export_job *job, fg_store *store)
{
	bool ok = !(job->patients || job->conditions) || write_patients(job, store);

	for (size_t t = 0; ok && t < NSEARCHED; t++)
		if (job->searched & 1u << t)
			ok = write_searched(job, store, export_searched[t]);
	return ok;
}

/* Remove the files of an export's directory, and the directory. */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/* Append the job's end to the audit log with the store of its thread. */
static void
audit_end(struct export_job *job, fg_store *store, const char *result)
{
	struct fg_audit_entry e = {.user_id = job->audit_user, .institution_id = job->audit_institution};
	struct fg_error err;

	snprintf(e.action, sizeof(e.action), "export");
	snprintf(e.result, sizeof(e.result), "%s", result);
	snprintf(e.client, sizeof(e.client), "%s", job->client);
	snprintf(e.resource, sizeof(e.resource), "$export/%s?resources=%lld", job->id, (long long)job->written);
	server_write_lock();
	if (fg_audit_append(store, &e, 1, &err) != FG_OK)
		fg_log(FG_LOG_ERROR, "could not audit export %s: %s", job->id, err.message);
	server_write_unlock();
}

/*
 * Record the end of job with the store of its thread: done or failed with
 * its files, or forgotten with its files when cancelled; and audit it.
 * Called with jobs_lock held, so that a cancel is seen or comes after.
 */
static void
record_end(struct export_job *job, fg_store *store, bool ok)
{
	bool cancelled = atomic_load(&job->cancel);
	struct fg_error err;
	fg_rc rc;

	server_write_lock();
	if (cancelled)
		rc = fg_export_job_remove(store, job->id, &err);
	else
		rc = fg_export_job_finish(store, job->id, ok ? "done" : "failed", job->error, job->files, job->nfiles,
					  &err);
	if (rc != FG_OK)
		fg_log(FG_LOG_ERROR, "could not record the end of export %s: %s", job->id, err.message);
	audit_end(job, store, cancelled ? "cancelled" : ok ? "ok" : "error");
	server_write_unlock();
	if (cancelled)
		remove_dir(job->dir);
}

static void *
export_thread(void *arg)
{
	struct export_job *job = arg;
	struct fg_store_options opts = {.durable = true};
	struct fg_error err;
	fg_store *store = NULL;
	bool ok;

	ok = fg_store_open(job->db, &opts, &store, &err) == FG_OK;
	if (!ok)
		snprintf(job->error, sizeof(job->error), "%s", err.message);
	ok = ok && write_all(job, store);
	pthread_mutex_lock(&jobs_lock);
	if (store != NULL)
		record_end(job, store, ok);
	else
		fg_log(FG_LOG_ERROR, "export %s ended unrecorded: %s", job->id, job->error);
	job->state = JOB_FREE;
	pthread_mutex_unlock(&jobs_lock);
	fg_store_close(store);
	return NULL;
}

/* --- Kick-off --- */

/* The bit of export_searched for type, or 0 when it is not one of them. */
static unsigned
searched_bit(const char *type)
{
	for (size_t t = 0; t < NSEARCHED; t++)
		if (strcmp(export_searched[t], type) == 0)
			return 1u << t;
	return 0;
}

/* _type: which types to export (all when absent); replies 400 for a type not exported. */
static bool
read_types(struct request *req, struct export_job *job)
{
	const char *types = req_query(req, "_type");
	char list[256];

	job->patients = job->conditions = types == NULL;
	job->searched = types == NULL ? (1u << NSEARCHED) - 1 : 0;
	if (types == NULL)
		return true;
	snprintf(list, sizeof(list), "%s", types);
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "Patient") == 0)
			job->patients = true;
		else if (strcmp(t, "Condition") == 0)
			job->conditions = true;
		else if (searched_bit(t) != 0)
			job->searched |= searched_bit(t);
		else {
			reply_error(req, 400, "_type", fg_arena_printf(req->arena, "cannot export resources of type \"%.32s\"", t),
				    NULL, "Export Patient, Condition, Observation, DiagnosticReport, EpisodeOfCare, "
				    "CarePlan, Encounter, ServiceRequest or Task.");
			return false;
		}
	}
	return true;
}

/* The kick-off parameters and headers; replies 400 and returns false on a bad one. */
static bool
read_kickoff(struct request *req, struct export_job *job)
{
	const char *prefer = req_header(req, "Prefer"), *format = req_query(req, "_outputFormat");
	const char *since = req_query(req, "_since");
	bool refused;

	if (prefer == NULL || strstr(prefer, "respond-async") == NULL) {
		reply_error(req, 400, "Prefer", "an export needs Prefer: respond-async", NULL,
			    "Send Prefer: respond-async and poll the Content-Location of the answer.");
		return false;
	}
	if (format != NULL && strcmp(format, "application/fhir+ndjson") != 0 &&
	    strcmp(format, "application/ndjson") != 0 && strcmp(format, "ndjson") != 0) {
		reply_error(req, 400, "_outputFormat", fg_arena_printf(req->arena, "cannot export as \"%.64s\"", format),
			    NULL, "Use application/fhir+ndjson.");
		return false;
	}
	if (since != NULL && (strlen(since) != 20 || since[10] != 'T' || since[19] != 'Z' ||
			      strspn(since, "0123456789-:TZ") != 20)) {
		reply_error(req, 400, "_since", fg_arena_printf(req->arena, "invalid _since \"%.40s\"", since), NULL,
			    "Give an instant in UTC: YYYY-MM-DDThh:mm:ssZ.");
		return false;
	}
	snprintf(job->since, sizeof(job->since), "%s", since ? since : "");
	job->unmask = req_unmask(req, &refused);
	return !refused && read_types(req, job);
}

/* A free slot for a new job, or NULL when MAX_JOBS run.  Call locked. */
static struct export_job *
take_slot(void)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (jobs[i].state == JOB_FREE)
			return &jobs[i];
	return NULL;
}

/* Whether job id runs in this process.  Call locked. */
static bool
is_running(const char *id)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (jobs[i].state == JOB_RUNNING && strcmp(jobs[i].id, id) == 0)
			return true;
	return false;
}

/* Forget the oldest jobs that do not run, with their files, until a new one fits in MAX_KEPT.  Call locked. */
static fg_rc
expire_jobs(struct request *req, struct fg_error *err)
{
	struct fg_export_job *kept;
	size_t n;
	fg_rc rc = fg_export_job_list(req->store, req->arena, &kept, &n, err);

	for (size_t i = 0; rc == FG_OK && n >= MAX_KEPT && i < n; i++) {
		if (is_running(kept[i].id))
			continue;
		remove_dir(kept[i].dir);
		rc = fg_export_job_remove(req->store, kept[i].id, err);
		n--;
	}
	return rc;
}

/* Record job as started, after the oldest ones are forgotten.  Call locked. */
static bool
record_start(struct request *req, const struct export_job *job)
{
	struct fg_export_job rec = {.user_id = job->user_id};
	struct fg_error err;
	fg_rc rc;

	fg_strlcpy(rec.id, job->id, sizeof(rec.id));
	fg_strlcpy(rec.request, job->request, sizeof(rec.request));
	fg_strlcpy(rec.started, job->started, sizeof(rec.started));
	fg_strlcpy(rec.dir, job->dir, sizeof(rec.dir));
	server_write_lock();
	rc = expire_jobs(req, &err);
	if (rc == FG_OK)
		rc = fg_export_job_add(req->store, &rec, &err);
	server_write_unlock();
	if (rc != FG_OK)
		fg_log(FG_LOG_ERROR, "could not record export %s: %s", job->id, err.message);
	return rc == FG_OK;
}

static bool
start_job(struct request *req, struct export_job *job)
{
	unsigned char raw[16];
	const char *tmp;
	pthread_t thread;
	pthread_attr_t attr;
	bool ok;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(job->id, sizeof(job->id), raw, sizeof(raw));
	job->user_id = req->session.user.id;
	job->session = req->session;
	job->scope = req->scope;
	job->config = req->config;
	job->written = 0;
	job->db = req->config->db;
	job->audit_user = req->session.user.id;
	job->audit_institution = req->session.user.institution_id;
	snprintf(job->client, sizeof(job->client), "%s", req->client);
	snprintf(job->request, sizeof(job->request), "%s%s", fhir_base(req), req->path + strlen("/fhir"));
	fg_utc_now(job->started);
	tmp = getenv("TMPDIR");
	snprintf(job->dir, sizeof(job->dir), "%s/fangai-export-XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(job->dir) == NULL)
		return false;
	if (!record_start(req, job)) {
		rmdir(job->dir);
		return false;
	}
	atomic_store(&job->cancel, false);
	atomic_store(&job->done, 0);
	atomic_store(&job->total, 0);
	job->nfiles = 0;
	job->error[0] = '\0';
	job->state = JOB_RUNNING;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&thread, &attr, export_thread, job) == 0;
	pthread_attr_destroy(&attr);
	if (!ok) {
		snprintf(job->error, sizeof(job->error), "could not start a thread");
		record_end(job, req->store, false);
		job->state = JOB_FREE;
	}
	return ok;
}

static void
kickoff(struct request *req, bool patient_level)
{
	struct export_job job = {0}, *slot;
	bool started = false;

	if (!read_kickoff(req, &job))
		return;
	pthread_mutex_lock(&jobs_lock);
	slot = take_slot();
	if (slot != NULL) {
		memcpy(slot->since, job.since, sizeof(job.since));
		slot->unmask = job.unmask;
		slot->patients = job.patients;
		slot->conditions = job.conditions;
		slot->searched = job.searched;
		started = start_job(req, slot);
	}
	pthread_mutex_unlock(&jobs_lock);
	audit_note(req, "export", started ? "accepted" : "error", "%s$export?job=%s&_type=%.40s",
		   patient_level ? "Patient/" : "", started ? slot->id : "", req_query(req, "_type") ? req_query(req, "_type") : "");
	if (!started) {
		reply_error(req, 503, NULL, "could not start the export", NULL, "Try again once a running export ends.");
		reply_header(req, "Retry-After", "30");
		return;
	}
	reply_header(req, "Content-Location", fg_arena_printf(req->arena, "%s/$export-status/%s", fhir_base(req), slot->id));
	reply_json(req, 202, fhir_outcome("information", "informational", "the export has started", NULL));
}

void
fhir_export_system(struct request *req)
{
	kickoff(req, false);
}

void
fhir_export_patient(struct request *req)
{
	kickoff(req, true);
}

/* --- Status, files, cancel --- */

/* The running job named by the route's {job}, started by this user, or NULL.  Call locked. */
static struct export_job *
running_job(struct request *req)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (jobs[i].state == JOB_RUNNING && strcmp(jobs[i].id, req->params[0]) == 0 &&
		    jobs[i].user_id == req->session.user.id)
			return &jobs[i];
	return NULL;
}

/* The recorded job named by the route's {job}, started by this user; replies 404 (or the error) otherwise. */
static bool
recorded_job(struct request *req, struct fg_export_job *out)
{
	struct fg_error err;
	fg_rc rc = fg_export_job_get(req->store, req->params[0], req->arena, out, &err);

	if (rc == FG_OK && out->user_id == req->session.user.id)
		return true;
	if (rc == FG_OK || rc == FG_NOTFOUND)
		reply_error(req, 404, NULL, fg_arena_printf(req->arena, "export \"%.40s\" does not exist", req->params[0]),
			    "It never existed, was cancelled, or belongs to another user.", NULL);
	else
		reply_fg_error(req, &err);
	return false;
}

static json_object *
manifest(struct request *req, const struct fg_export_job *job)
{
	json_object *m = json_object_new_object(), *output = json_object_new_array();

	json_object_object_add(m, "transactionTime", json_object_new_string(job->started));
	json_object_object_add(m, "request", json_object_new_string(job->request));
	json_object_object_add(m, "requiresAccessToken", json_object_new_boolean(1));
	for (size_t i = 0; i < job->nfiles; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "type", json_object_new_string(job->files[i].type));
		json_object_object_add(f, "url", json_object_new_string(fg_arena_printf(
			req->arena, "%s/$export-file/%s/%s", fhir_base(req), job->id, job->files[i].name)));
		json_object_object_add(f, "count", json_object_new_int64(job->files[i].count));
		json_object_array_add(output, f);
	}
	json_object_object_add(m, "output", output);
	json_object_object_add(m, "error", json_object_new_array());
	return m;
}

/* 202 with the progress of a running job. */
static void
reply_progress(struct request *req, const struct export_job *job)
{
	reply_header(req, "X-Progress", fg_arena_printf(req->arena, "%lld of %lld patients",
							(long long)atomic_load(&job->done),
							(long long)atomic_load(&job->total)));
	reply_header(req, "Retry-After", "1");
	reply_json(req, 202, fhir_outcome("information", "informational", "the export is running", NULL));
}

void
fhir_export_status(struct request *req)
{
	struct fg_export_job rec;
	struct export_job *job;

	pthread_mutex_lock(&jobs_lock);
	job = running_job(req);
	if (job != NULL)
		reply_progress(req, job);
	pthread_mutex_unlock(&jobs_lock);
	if (job != NULL || !recorded_job(req, &rec))
		return;
	if (strcmp(rec.state, "done") == 0) {
		req->content_type = "application/json";
		reply_json(req, 200, manifest(req, &rec));
	} else
		reply_error(req, 500, NULL, fg_arena_printf(req->arena, "export failed: %s", strcmp(rec.state, "failed") == 0
							    ? rec.error : "interrupted when the server stopped"),
			    NULL, "Start the export again.");
}

void
fhir_export_cancel(struct request *req)
{
	struct fg_export_job rec;
	struct export_job *job;
	struct fg_error err;
	fg_rc rc = FG_OK;

	pthread_mutex_lock(&jobs_lock);
	job = running_job(req);
	if (job != NULL)
		atomic_store(&job->cancel, true);	/* the thread removes the files and the record */
	else if (recorded_job(req, &rec)) {
		remove_dir(rec.dir);
		server_write_lock();
		rc = fg_export_job_remove(req->store, rec.id, &err);
		server_write_unlock();
	} else
		rc = FG_NOTFOUND;	/* replied */
	pthread_mutex_unlock(&jobs_lock);
	audit_note(req, "export-cancel", audit_result(rc), "$export/%.40s", req->params[0]);
	if (rc == FG_OK)
		reply_json(req, 202, fhir_outcome("information", "informational", "the export is cancelled", NULL));
	else if (rc != FG_NOTFOUND)
		reply_fg_error(req, &err);
}

/* Read the whole file at path into the arena; NULL if it cannot be read or is too large. */
static char *
slurp(struct fg_arena *arena, const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	struct stat st;
	char *buf = NULL;

	if (fp == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) == 0 && (size_t)st.st_size <= MAX_FILE_BYTES &&
	    (buf = fg_arena_alloc(arena, (size_t)st.st_size + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)st.st_size, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

void
fhir_export_file(struct request *req)
{
	struct fg_export_job rec;
	char path[160] = "";
	int64_t count = 0;
	char *body;
	size_t len = 0;

	if (!recorded_job(req, &rec))
		return;
	for (size_t i = 0; strcmp(rec.state, "done") == 0 && i < rec.nfiles; i++)
		if (strcmp(rec.files[i].name, req->params[1]) == 0) {
			snprintf(path, sizeof(path), "%s/%s", rec.dir, rec.files[i].name);
			count = rec.files[i].count;
		}
	body = path[0] ? slurp(req->arena, path, &len) : NULL;
	audit_note(req, "export-download", body ? "ok" : "notfound", "$export/%.40s/%.40s?n=%lld", req->params[0],
		   req->params[1], (long long)count);
	if (body == NULL) {
		reply_error(req, 404, NULL, fg_arena_printf(req->arena, "export file \"%.40s\" does not exist", req->params[1]),
			    NULL, NULL);
		return;
	}
	req->status = 200;
	req->content_type = "application/fhir+ndjson";
	req->reply = body;
	req->reply_len = len;
}
