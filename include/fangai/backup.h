/*
 * fangai/backup.h
 *	  Backup, restore and consistency checks of a store.
 *
 * A backup is a consistent snapshot of the whole database taken while
 * other connections (the server, an import) go on writing; restore puts
 * one back, all or nothing; check runs the backend's own consistency
 * checks.  Each works through the store's backend (SQLite: the online
 * backup API and PRAGMA integrity_check / foreign_key_check).
 */
#ifndef FANGAI_BACKUP_H
#define FANGAI_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/store.h"

struct fg_backup_report {
	int64_t bytes;			/* size of the backup file */
	int schema_version;		/* schema version of the snapshot */
};

/*
 * Write a snapshot of store to the new file dest.  The snapshot is written
 * beside dest first and renamed into place once complete and synced, so
 * dest either does not exist or holds a whole, checked backup.  Must be
 * called outside a transaction.  FG_CONFLICT if dest exists; FG_IO or
 * FG_STORE if it cannot be written.  report may be NULL.
 */
fg_rc fg_store_backup(fg_store *store, const char *dest,
		      struct fg_backup_report *report, struct fg_error *err);

/*
 * Replace the contents of store with the backup in the file source, then
 * check the result.  Unless force is true, a store that holds data (any
 * row outside schema_migration) is refused with FG_CONFLICT and left as it
 * was.  A damaged file or one that is not a fangai backup is refused with
 * FG_INVALID before anything changes.  If the restored database fails its
 * checks, the problems are appended to problems and FG_STORE is returned.
 * *schema_version (may be NULL) receives the restored schema version.
 */
fg_rc fg_store_restore(fg_store *store, const char *source, bool force,
		       int *schema_version, struct fg_findings *problems,
		       struct fg_error *err);

/*
 * Check the consistency of store (SQLite: integrity_check and
 * foreign_key_check), appending one FG_FINDING_ERROR per problem to
 * problems.  Returns FG_OK when the checks ran, whatever they found;
 * FG_STORE or FG_NOMEM when they could not run.
 */
fg_rc fg_store_check(fg_store *store, struct fg_findings *problems,
		     struct fg_error *err);

#endif
