/*
 * backup.c
 *	  Backup, restore and checks of a store (fangai/backup.h): the parts
 *	  common to every backend, around the backend's own operations.
 *
 * A backup file appears under its final name only once it is complete:
 * the backend writes DEST.partial, which is synced and renamed over, and
 * the directory synced, so that a crash during a backup never leaves a
 * truncated file that looks like a backup.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fangai/backup.h"
#include "store_int.h"

#define PARTIAL_SUFFIX ".partial"

/* fsync the file or directory at path. */
static fg_rc
sync_path(const char *path, int flags, struct fg_error *err)
{
	int fd = open(path, flags | O_CLOEXEC);
	fg_rc rc = FG_OK;

	if (fd < 0 || fsync(fd) != 0) {
		fg_error_set(err, FG_IO, "file", "could not sync \"%s\"", path);
		fg_error_detail(err, "%s.", strerror(errno));
		rc = FG_IO;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Sync the written file at partial, rename it to dest, sync dest's directory. */
static fg_rc
publish(const char *partial, const char *dest, struct fg_error *err)
{
	char dir[PATH_MAX];
	fg_rc rc;

	rc = sync_path(partial, O_RDONLY, err);
	if (rc != FG_OK)
		return rc;
	if (rename(partial, dest) != 0) {
		fg_error_set(err, FG_IO, "file", "could not rename \"%s\" to \"%s\"", partial, dest);
		fg_error_detail(err, "%s.", strerror(errno));
		return FG_IO;
	}
	snprintf(dir, sizeof(dir), "%s", dest);
	return sync_path(dirname(dir), O_RDONLY | O_DIRECTORY, err);
}

fg_rc
fg_store_backup(fg_store *store, const char *dest, struct fg_backup_report *report,
		struct fg_error *err)
{
	const struct fg_store_backend *be;
	char partial[PATH_MAX];
	struct stat sb;
	void *handle;
	int version = 0;
	fg_rc rc;

	be = store_backend_of(store, &handle);
	if (dest == NULL || *dest == '\0')
		return fg_error_set(err, FG_INVALID, "file", "backup file name is empty");
	if (stat(dest, &sb) == 0) {
		fg_error_set(err, FG_CONFLICT, "file", "backup file \"%s\" already exists", dest);
		fg_error_hint(err, "Give a new file name; a backup never overwrites a file.");
		return FG_CONFLICT;
	}
	if (snprintf(partial, sizeof(partial), "%s%s", dest, PARTIAL_SUFFIX) >= (int)sizeof(partial))
		return fg_error_set(err, FG_INVALID, "file", "backup file name \"%s\" is too long", dest);
	unlink(partial);	/* left by an interrupted backup */
	rc = fg_store_schema_version(store, &version, err);
	if (rc == FG_OK)
		rc = be->backup(handle, partial, err);
	if (rc == FG_OK)
		rc = publish(partial, dest, err);
	if (rc != FG_OK) {
		unlink(partial);
		return rc;
	}
	if (report != NULL) {
		report->bytes = stat(dest, &sb) == 0 ? (int64_t)sb.st_size : -1;
		report->schema_version = version;
	}
	return FG_OK;
}

fg_rc
fg_store_restore(fg_store *store, const char *source, bool force, int *schema_version,
		 struct fg_findings *problems, struct fg_error *err)
{
	const struct fg_store_backend *be;
	char table[128];
	void *handle;
	size_t before = problems->count;
	fg_rc rc;

	be = store_backend_of(store, &handle);
	if (!force) {
		rc = be->holds_data(handle, table, sizeof(table), err);
		if (rc != FG_OK)
			return rc;
		if (table[0] != '\0') {
			fg_error_set(err, FG_CONFLICT, "db", "database holds rows in table \"%s\"",
				     table);
			fg_error_detail(err, "A restore replaces the whole database.");
			fg_error_hint(err, "Restore into a new database, or give --force to replace "
					   "the contents of this one.");
			return FG_CONFLICT;
		}
	}
	rc = be->restore(handle, source, err);
	if (rc == FG_OK)
		rc = be->check(handle, problems, err);
	if (rc == FG_OK && problems->count > before) {
		fg_error_set(err, FG_STORE, "db", "restored database failed its consistency check");
		fg_error_detail(err, "%zu problem(s) found after restoring \"%s\".",
				problems->count - before, source);
		return FG_STORE;
	}
	if (rc == FG_OK && schema_version != NULL)
		rc = fg_store_schema_version(store, schema_version, err);
	return rc;
}

fg_rc
fg_store_check(fg_store *store, struct fg_findings *problems, struct fg_error *err)
{
	const struct fg_store_backend *be;
	void *handle;

	be = store_backend_of(store, &handle);
	return be->check(handle, problems, err);
}
