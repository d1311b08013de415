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

/* Open the writer's own store on db and start its thread. */
fg_rc audit_queue_start(const char *db, struct fg_error *err);

/*
 * Queue the audit entries of req; done(req, ok) is called from the writer
 * thread once they are committed (ok) or could not be (not ok).
 */
void audit_queue_submit(struct request *req, void (*done)(struct request *req, bool ok));

/* Write what is queued, stop the thread and close its store. */
void audit_queue_stop(void);

#endif
