/*
 * cmd_registry_population.c
 *	  fangai registry population import: population denominators of the
 *	  cancer registry (district x year x sex x 19 age groups) from CSV,
 *	  all or nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_registry.h"
#include "fangai/population.h"

int
cmd_registry_population_run(struct cli_args *args)
{
	struct fg_population_import opts = {.replace = cli_has(args, "replace")};
	struct fg_population_report report;
	struct fg_findings problems;
	struct fg_arena arena;
	struct fg_error err;
	long long inst;
	fg_store *store;
	int status;

	if (strcmp(args->pos[0], "import") != 0)
		return cli_usage_error(args->path, "registry population has no command \"%s\"", args->pos[0]);
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst))
		return EXIT_USAGE;
	opts.institution_id = inst;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	if (fg_population_import(store, args->pos[1], &opts, &problems, &report, &err) != FG_OK) {
		for (size_t i = 0; i < problems.count; i++)
			fprintf(stderr, "fangai: error: %s\n  field: %s\n", problems.items[i].message,
				problems.items[i].field ? problems.items[i].field : "");
		status = cli_report(&err);
		fprintf(stderr, "nothing imported\n");
	} else
		printf("imported %lld rows (%lld sex, district and year cells, %lld persons) from %s\n",
		       (long long)report.rows, (long long)report.cells, (long long)report.persons,
		       args->pos[1]);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

const struct cli_option cmd_registry_population_options[] = {
	CLI_OPT_DB,
	{"institution", "ID", "institution owning the figures (default: the cancer centre)"},
	{"replace", NULL, "replace figures stored already instead of refusing them"},
	CLI_OPT_END,
};

const char cmd_registry_population_description[] =
	"Columns: district (GB/T 2260), year, sex (1/M, 2/F), age_group (0, 1-4, 5-9,\n"
	"... 80-84, 85+) and population (a whole number).  Each sex, district and year\n"
	"needs all 19 age groups.  Every row is checked before anything is stored; each\n"
	"bad row (up to 100) is reported with its line, field and value, and then nothing\n"
	"is imported.";
