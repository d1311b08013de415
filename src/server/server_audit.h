/*
 * server_audit.h
 *	  The audit writer of the server: requests hand in their audit entries
 *	  and wait (suspended, not blocking a worker) until a background thread
 *	  has committed them, many requests to one transaction.
 */
#ifndef FANGAI_SERVER_AUDIT_H
#define FANGAI_SERVER_AUDIT_H

#include <stdbool.h>

#include "fangai/error.h"
#include "server.h"

/*
 * Open the writer's and the checkpointer's own stores on db and start
 * their threads.  sync_os: release requests once their entries reach the
 * operating system rather than the disk (see server_audit.c).
 */
fg_rc audit_queue_start(const char *db, bool sync_os, struct fg_error *err);

/* Leave checkpoints of store to the checkpointer (SQLite; no-op otherwise). */
fg_rc audit_no_autocheckpoint(fg_store *store, struct fg_error *err);

/*
 * Queue the audit entries of req; done(req, ok) is called from the writer
 * thread once they are committed (ok) or could not be (not ok).
 */
void audit_queue_submit(struct request *req, void (*done)(struct request *req, bool ok));

/* Write what is queued, checkpoint, stop the threads and close their stores. */
void audit_queue_stop(void);

#endif
