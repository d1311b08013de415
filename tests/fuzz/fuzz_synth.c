/*
 * fuzz_synth.c
 *	  libFuzzer harness for the synthetic city's reference tables: the first
 *	  byte chooses one of the files of data/synth/, the rest replaces its
 *	  contents; the tables are loaded through the table loader and a small
 *	  city is generated from them into an in-memory store (inside a
 *	  transaction that is rolled back).  Any file must be refused with an
 *	  error or give a city whose counts agree with the report.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fangai/store.h"
#include "fangai/synth.h"
#include "fangai/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"districts.csv", "birthplaces.csv", "pyramid.csv", "surnames.csv",
	"given-chars.csv", "roads.csv", "institutions.csv",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char datadir[64];
static fg_store *store;

/* Copy data/synth/NAME (or the given bytes) to datadir/synth/NAME. */
static void
put_file(const char *name, const uint8_t *bytes, size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/synth/%s", datadir, name);
	f = fopen(path, "wb");
	if (f == NULL || (size > 0 && fwrite(bytes, 1, size, f) != size))
		abort();
	fclose(f);
}

static void
restore_file(const char *name)
{
	char path[PATH_MAX];
	static uint8_t buf[1 << 16];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/synth/%s", fg_datadir(), name);
	f = fopen(path, "rb");
	if (f == NULL)
		abort();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	put_file(name, buf, n);
}

static void
setup(void)
{
	char sub[96];

	snprintf(datadir, sizeof(datadir), "/tmp/fangai-fuzz-synth-XXXXXX");
	if (mkdtemp(datadir) == NULL)
		abort();
	snprintf(sub, sizeof(sub), "%s/synth", datadir);
	if (mkdir(sub, 0700) != 0)
		abort();
	for (size_t i = 0; i < NFILES; i++)
		restore_file(files[i]);
	if (fg_store_open(":memory:", NULL, &store, NULL) != FG_OK ||
	    fg_store_migrate(store, NULL, NULL) != FG_OK)
		abort();
}

static int64_t
count(const char *sql)
{
	fg_stmt *st;
	int64_t n = -1;

	if (fg_store_prepare(store, sql, &st, NULL) != FG_OK ||
	    fg_stmt_scalar_int64(st, &n, NULL, NULL) != FG_OK)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_synth_options opts = {.seed = 1, .persons = 6, .batch = 4,
					.as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_synth_report report;
	const char *name;
	fg_rc rc;

	if (store == NULL)
		setup();
	if (size < 1 || size > 8192)
		return 0;
	name = files[data[0] % NFILES];
	put_file(name, data + 1, size - 1);
	opts.datadir = datadir;
	if (fg_store_begin(store, NULL) != FG_OK)
		abort();
	rc = fg_synth_city(store, &opts, &report, NULL);
	if (rc == FG_OK && report.persons != opts.persons)
		abort();
	if (count("SELECT count(*) FROM person") != report.persons)
		abort();
	fg_store_rollback(store);
	restore_file(name);
	return 0;
}
