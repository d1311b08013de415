/*
 * server_audit.c
 *	  Group commit of audit entries: a ring of waiting requests, drained
 *	  by one writer thread that appends the entries of many requests in one
 *	  transaction and then releases them; and the checkpointer, which moves
 *	  the write-ahead log into the database in the background.
 *
 * With audit_sync_os false (the default) the writer's store is durable:
 * a batch's commit returns once the write-ahead log is synced, so an entry
 * is on disk before its reply goes.  With it true the commit returns once
 * the log is written to the operating system: a crash of the server loses
 * nothing, and the checkpointer syncs the log every CHECKPOINT_MS, so that
 * a power cut may lose the entries of that last interval at most (SQLite
 * never keeps part of a transaction).
 *
 * The server's stores do not checkpoint when they commit: the
 * checkpointer does, off the path of any request.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fangai/log.h"
#include "server_audit.h"

#define RING 16384
#define BATCH 1024
#define CHECKPOINT_MS 250
#define GROUP_US 1000		/* at most one commit a millisecond */

struct job {
	struct request *req;
	void (*done)(struct request *req, bool ok);
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct job ring[RING];
	size_t head, count;
	bool stopping;
	pthread_t thread;
	fg_store *store;
	struct fg_audit_entry entries[BATCH * REQUEST_MAX_AUDIT];
} q = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER,
       .room = PTHREAD_COND_INITIALIZER};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, running;
	pthread_t thread;
	fg_store *store;
} ckpt = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static size_t
take_batch(struct job *jobs)
{
	size_t n = 0;

	pthread_mutex_lock(&q.lock);
	while (q.count == 0 && !q.stopping)
		pthread_cond_wait(&q.more, &q.lock);
	while (q.count > 0 && n < BATCH) {
		jobs[n++] = q.ring[q.head];
		q.head = (q.head + 1) % RING;
		q.count--;
	}
	pthread_cond_broadcast(&q.room);
	pthread_mutex_unlock(&q.lock);
	return n;
}

static void
write_batch(const struct job *jobs, size_t n)
{
	struct fg_error err;
	size_t total = 0;
	bool ok;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < jobs[i].req->naudit; j++)
			q.entries[total++] = jobs[i].req->audit[j];
	server_write_lock();
	ok = fg_audit_append(q.store, q.entries, total, &err) == FG_OK;
	server_write_unlock();
	if (!ok)
		fg_log(FG_LOG_ERROR, "could not write the audit log: %s %s", err.message, err.detail);
	for (size_t i = 0; i < n; i++)
		jobs[i].done(jobs[i].req, ok);
}

static int64_t
monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Commit at most once every GROUP_US: when a commit was quicker (entries
 * handed to the operating system, or a fast disk), the requests arriving
 * meanwhile join the next one.  Fewer commits write fewer pages, and make
 * the workers' connections drop their page caches less often.
 */
static void *
writer(void *arg)
{
	static struct job jobs[BATCH];
	int64_t began, spent;
	size_t n;

	for (;;) {
		n = take_batch(jobs);
		if (n == 0)
			break;
		began = monotonic_us();
		write_batch(jobs, n);
		spent = monotonic_us() - began;
		if (spent < GROUP_US)
			usleep((useconds_t)(GROUP_US - spent));
	}
	return NULL;
}

fg_rc
audit_no_autocheckpoint(fg_store *store, struct fg_error *err)
{
	if (strcmp(fg_store_backend(store), "sqlite") != 0)
		return FG_OK;
	return fg_store_exec(store, "PRAGMA wal_autocheckpoint = 0", err);
}

/* Checkpoint now: sync the write-ahead log and copy what no reader needs into the database. */
static void
checkpoint(void)
{
	struct fg_error err;

	if (fg_store_exec(ckpt.store, "PRAGMA wal_checkpoint(PASSIVE)", &err) != FG_OK)
		fg_log(FG_LOG_ERROR, "could not checkpoint the database: %s", err.message);
}

static void *
checkpointer(void *arg)
{
	struct timespec at;
	bool stopping = false;

	while (!stopping) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += CHECKPOINT_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&ckpt.lock);
		while (!ckpt.stopping &&
		       pthread_cond_timedwait(&ckpt.wake, &ckpt.lock, &at) != ETIMEDOUT)
			;
		stopping = ckpt.stopping;
		pthread_mutex_unlock(&ckpt.lock);
		checkpoint();
	}
	return NULL;
}

static fg_rc
checkpointer_start(const char *db, struct fg_error *err)
{
	struct fg_store_options opts = {.durable = true};
	fg_rc rc;

	rc = fg_store_open(db, &opts, &ckpt.store, err);
	if (rc != FG_OK)
		return rc;
	ckpt.stopping = false;
	if (strcmp(fg_store_backend(ckpt.store), "sqlite") != 0)
		return FG_OK;
	if (pthread_create(&ckpt.thread, NULL, checkpointer, NULL) != 0) {
		fg_store_close(ckpt.store);
		ckpt.store = NULL;
		return fg_error_set(err, FG_INTERNAL, NULL, "could not start the checkpointer");
	}
	ckpt.running = true;
	return FG_OK;
}

static void
checkpointer_stop(void)
{
	if (ckpt.running) {
		pthread_mutex_lock(&ckpt.lock);
		ckpt.stopping = true;
		pthread_cond_signal(&ckpt.wake);
		pthread_mutex_unlock(&ckpt.lock);
		pthread_join(ckpt.thread, NULL);
		ckpt.running = false;
	}
	fg_store_close(ckpt.store);
	ckpt.store = NULL;
}

fg_rc
audit_queue_start(const char *db, bool sync_os, struct fg_error *err)
{
	struct fg_store_options opts = {.durable = !sync_os};
	fg_rc rc;

	rc = checkpointer_start(db, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_open(db, &opts, &q.store, err);
	if (rc == FG_OK)
		rc = audit_no_autocheckpoint(q.store, err);
	if (rc != FG_OK)
		goto fail;
	q.stopping = false;
	if (pthread_create(&q.thread, NULL, writer, NULL) != 0) {
		rc = fg_error_set(err, FG_INTERNAL, NULL, "could not start the audit writer");
		goto fail;
	}
	return FG_OK;
fail:
	fg_store_close(q.store);
	q.store = NULL;
	checkpointer_stop();
	return rc;
}

void
audit_queue_submit(struct request *req, void (*done)(struct request *req, bool ok))
{
	pthread_mutex_lock(&q.lock);
	while (q.count == RING)
		pthread_cond_wait(&q.room, &q.lock);
	q.ring[(q.head + q.count) % RING] = (struct job){req, done};
	q.count++;
	pthread_cond_signal(&q.more);
	pthread_mutex_unlock(&q.lock);
}

void
audit_queue_stop(void)
{
	if (q.store == NULL)
		return;
	pthread_mutex_lock(&q.lock);
	q.stopping = true;
	pthread_cond_signal(&q.more);
	pthread_mutex_unlock(&q.lock);
	pthread_join(q.thread, NULL);
	fg_store_close(q.store);
	q.store = NULL;
	checkpointer_stop();
}
