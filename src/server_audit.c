/*
 * server_audit.c
 *	  Group commit of audit entries: a ring of waiting requests, drained
 *	  by one writer thread that appends the entries of many requests in one
 *	  durable transaction and then releases them.
 */
#include <pthread.h>
#include <stdlib.h>

#include "fangai/log.h"
#include "server_audit.h"

#define RING 16384
#define BATCH 1024

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

static void *
writer(void *arg)
{
	static struct job jobs[BATCH];
	size_t n;

	for (;;) {
		n = take_batch(jobs);
		if (n == 0)
			break;
		write_batch(jobs, n);
	}
	return NULL;
}

fg_rc
audit_queue_start(const char *db, struct fg_error *err)
{
	struct fg_store_options opts = {.durable = true};
	fg_rc rc;

	rc = fg_store_open(db, &opts, &q.store, err);
	if (rc != FG_OK)
		return rc;
	q.stopping = false;
	if (pthread_create(&q.thread, NULL, writer, NULL) != 0) {
		fg_store_close(q.store);
		q.store = NULL;
		return fg_error_set(err, FG_INTERNAL, NULL, "could not start the audit writer");
	}
	return FG_OK;
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
}
