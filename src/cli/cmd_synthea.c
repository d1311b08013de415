/*
 * cmd_synthea.c
 *	  fangai synthea import: import the patient bundles Synthea writes
 *	  (one FHIR JSON file per patient) into the registry, and report what
 *	  was not imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/synthea.h"
#include "fangai/util.h"

#define MAX_BUNDLE_BYTES (256L << 20)

/* Read the whole file at path into a malloc'd buffer (NUL-terminated); NULL with err set. */
static char *
read_file(const char *path, size_t *len, struct fg_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long size = -1;

	if (fp == NULL) {
		fg_error_set(err, FG_IO, "file", "could not open \"%s\"", path);
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == 0)
		size = ftell(fp);
	if (size < 0 || size > MAX_BUNDLE_BYTES || fseek(fp, 0, SEEK_SET) != 0)
		fg_error_set(err, size > MAX_BUNDLE_BYTES ? FG_INVALID : FG_IO, "file",
			     "could not read \"%s\": not a regular file of at most 256 MiB", path);
	else if ((buf = malloc((size_t)size + 1)) == NULL)
		fg_error_set(err, FG_NOMEM, "file", "out of memory reading \"%s\"", path);
	else if ((*len = fread(buf, 1, (size_t)size, fp)) != (size_t)size) {
		fg_error_set(err, FG_IO, "file", "could not read \"%s\"", path);
		free(buf);
		buf = NULL;
	} else
		buf[size] = '\0';
	fclose(fp);
	return buf;
}

static void
print_report(const char *path, const struct fg_synthea_report *r)
{
	printf("%s: %lld patients (%lld new, %lld known), %lld deaths, %lld cancers registered,"
	       " %lld cancer conditions not registered, %lld other conditions, %lld other resources\n",
	       path, (long long)r->patients, (long long)r->patients_added, (long long)r->patients_known,
	       (long long)r->deaths, (long long)r->cancers, (long long)r->not_mapped,
	       (long long)r->other_conditions, (long long)r->skipped);
	for (size_t i = 0; i < r->nissues; i++)
		printf("  %s: %s: %s\n", r->issues[i].severity, r->issues[i].where, r->issues[i].message);
}

/* Import one file; the exit status of its result. */
static int
import_file(fg_store *store, const struct fg_synthea_options *opts, const char *path)
{
	struct fg_synthea_report report;
	struct fg_arena arena;
	struct fg_error err;
	size_t len = 0;
	char *json;
	fg_rc rc;

	fg_error_clear(&err);
	fg_arena_init(&arena, 0);
	json = read_file(path, &len, &err);
	rc = json ? fg_synthea_import(store, json, len, opts, &arena, &report, &err) : err.code;
	if (rc == FG_OK)
		print_report(path, &report);
	else {
		fprintf(stderr, "fangai: %s:\n", path);
		cli_report(&err);
	}
	free(json);
	fg_arena_free(&arena);
	return cli_exit_status(rc);
}

static int
run_import(struct cli_args *args)
{
	struct fg_synthea_options opts = {.institution = cli_get(args, "institution"),
					  .district = cli_get(args, "district")};
	fg_synthea_map *map = NULL;
	fg_registry *reg = NULL;
	struct fg_error err;
	fg_store *store;
	int status = EXIT_OK;

	if (opts.institution == NULL)
		return cli_usage_error(args->path, "--institution is required");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_error_clear(&err);
	if ((reg = cli_open_registry(&status)) == NULL)
		goto out;
	if (fg_synthea_map_load(cli_get(args, "map"), &map, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	opts.reg = reg;
	opts.map = map;
	for (int i = 0; i < args->npos; i++) {
		int s = import_file(store, &opts, args->pos[i]);

		if (s > status)
			status = s;
	}
out:
	fg_synthea_map_free(map);
	fg_registry_free(reg);
	fg_store_close(store);
	return status;
}

static const struct cli_option import_options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "institution that registers the persons and reports the tumours"},
	{"district", "CODE", "GB/T 2260 district of the persons (default: the institution's)"},
	{"map", "PATH", "SNOMED CT map (default data/fhir/synthea-cancer.csv)"},
	CLI_OPT_END,
};

static const struct command synthea_commands[] = {
	{.name = "import", .usage = "--institution REF FILE...",
	 .summary = "import Synthea patient bundles: persons, deaths and cancers",
	 .description = "Each FILE is one FHIR R4 Bundle as Synthea writes it (output/fhir/*.json).\n"
			"Its Patients become persons, Patient.deceasedDateTime their death, and its\n"
			"Conditions whose SNOMED CT code the map knows tumours of the registry; each\n"
			"bundle is stored in one transaction.  Cancer Conditions that are not mapped\n"
			"or that the registry refuses are listed, other resources counted.  Importing\n"
			"a bundle again adds nothing.",
	 .options = import_options, .min_pos = 1, .max_pos = CLI_MAX_POSITIONAL, .run = run_import},
	{0},
};

const struct command cmd_synthea_entry = {
	.name = "synthea",
	.usage = "import ...",
	.summary = "import Synthea's synthetic patient bundles",
	.subcommands = synthea_commands,
};
