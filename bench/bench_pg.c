/*
 * bench_pg.c
 *	  Bulk append of person rows into PostgreSQL through fg_store_copy()
 *	  (COPY FROM STDIN), the path of bulk loads; bench/pg.sh runs it beside
 *	  psql's \copy of the same rows.  Run alone (without FANGAI_BENCH_PG, the
 *	  URI of a database holding the institutions of the rows) it says so and
 *	  does nothing.
 *
 *	  usage: FANGAI_BENCH_PG=URI bench_pg FILE
 *	  FILE: person rows in COPY's text format, the columns of COLUMNS below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "fangai/store.h"

#define BATCH 10000		/* rows per fg_store_copy() call */
#define NCOL 13

static const char *const columns[NCOL] = {
	"district", "institution_id", "id_type", "id_number", "name", "name_key", "sex",
	"birth_date", "phone", "address", "vital_status", "created_at", "updated_at",
};

/* Split a line of COPY text (no escapes but \N) into NCOL fields in place. */
static int
split(char *line, const char **out)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *p = line; n < NCOL; n++) {
		char *tab = strchr(p, '\t');

		if (tab != NULL)
			*tab = '\0';
		out[n] = strcmp(p, "\\N") == 0 ? NULL : p;
		if (tab == NULL)
			return n + 1;
		p = tab + 1;
	}
	return n;
}

int
main(int argc, char **argv)
{
	const char *uri = getenv("FANGAI_BENCH_PG");
	static char lines[BATCH][512];
	static const char *values[BATCH * NCOL];
	struct fg_error err;
	fg_store *store = NULL;
	size_t total = 0, n = 0;
	double t0, t1;
	FILE *f;
	fg_rc rc = FG_OK;

	if (uri == NULL || argc != 2) {
		puts("(PostgreSQL bulk append: run through bench/pg.sh, which starts a server)");
		return 0;
	}
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	if (fg_store_open(uri, NULL, &store, &err) != FG_OK) {
		bench_fail("open", &err);
		fclose(f);
		return 2;
	}
	t0 = now();
	rc = fg_store_begin(store, &err);
	while (rc == FG_OK) {
		bool more = fgets(lines[n], sizeof(lines[n]), f) != NULL;

		if (more && split(lines[n], values + n * NCOL) == NCOL)
			n++;
		if (n == BATCH || (!more && n > 0)) {
			rc = fg_store_copy(store, "person", columns, NCOL, values, n, &err);
			total += n;
			n = 0;
		}
		if (!more)
			break;
	}
	if (rc == FG_OK)
		rc = fg_store_commit(store, &err);
	t1 = now();
	if (rc != FG_OK)
		bench_fail("copy", &err);
	else
		printf("fg_store_copy (COPY) of %zu persons:      %.2f s, %.0f rows/s\n", total, t1 - t0,
		       (double)total / (t1 - t0));
	fg_store_close(store);
	fclose(f);
	return rc == FG_OK ? 0 : 1;
}
