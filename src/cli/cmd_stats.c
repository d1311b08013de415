/*
 * cmd_stats.c
 *	  fangai stats summary: what a database holds; the table of the stats
 *	  subcommands (rates: cmd_rates.c, quality: cmd_quality.c).
 */
#include <stdio.h>

#include "cli.h"
#include "cmd_registry_stats.h"
#include "fangai/summary.h"
#include "output.h"

static void
print_text(const struct fg_summary *s)
{
	char day[FG_DATE_TEXT_MAX];

	printf("fangai database summary as of %s (schema version %d)\n\n",
	       fg_date_format(s->as_of, day), s->schema_version);
	printf("institutions: %lld cancer centre(s), %lld hospital(s), %lld community centre(s)\n",
	       (long long)s->cancer_centres, (long long)s->hospitals, (long long)s->community_centres);
	printf("persons:      %lld (male %lld, female %lld, dead %lld)\n\n", (long long)s->persons,
	       (long long)s->male, (long long)s->female, (long long)s->dead);
	printf("%-8s %10s %10s\n", "age", "male", "female");
	for (int g = 0; g < FG_AGE_GROUPS; g++)
		printf("%-8s %10lld %10lld\n", fg_age_group_label(g), (long long)s->by_age[0][g],
		       (long long)s->by_age[1][g]);
	printf("\n%-8s %10s %10s %10s\n", "district", "persons", "male", "female");
	for (size_t i = 0; i < s->ndistricts; i++)
		printf("%-8s %10lld %10lld %10lld\n", s->districts[i].code,
		       (long long)s->districts[i].persons, (long long)s->districts[i].male,
		       (long long)s->districts[i].female);
	printf("\n");
	for (size_t i = 0; i < s->nregisters; i++)
		printf("%-20s %10lld\n", s->registers[i].name, (long long)s->registers[i].rows);
}

static void
print_json(const struct fg_summary *s)
{
	char day[FG_DATE_TEXT_MAX];

	printf("{\n  \"as_of\": \"%s\",\n  \"schema_version\": %d,\n", fg_date_format(s->as_of, day),
	       s->schema_version);
	printf("  \"institutions\": {\"cancer_centre\": %lld, \"hospital\": %lld, \"community\": %lld},\n",
	       (long long)s->cancer_centres, (long long)s->hospitals, (long long)s->community_centres);
	printf("  \"persons\": %lld, \"male\": %lld, \"female\": %lld, \"dead\": %lld,\n",
	       (long long)s->persons, (long long)s->male, (long long)s->female, (long long)s->dead);
	printf("  \"age_groups\": [");
	for (int g = 0; g < FG_AGE_GROUPS; g++)
		printf("%s\n    {\"group\": \"%s\", \"male\": %lld, \"female\": %lld}", g ? "," : "",
		       fg_age_group_label(g), (long long)s->by_age[0][g], (long long)s->by_age[1][g]);
	printf("\n  ],\n  \"districts\": [");
	for (size_t i = 0; i < s->ndistricts; i++)
		printf("%s\n    {\"code\": \"%s\", \"persons\": %lld, \"male\": %lld, \"female\": %lld}",
		       i ? "," : "", s->districts[i].code, (long long)s->districts[i].persons,
		       (long long)s->districts[i].male, (long long)s->districts[i].female);
	printf("\n  ],\n  \"registers\": {");
	for (size_t i = 0; i < s->nregisters; i++)
		printf("%s\"%s\": %lld", i ? ", " : "", s->registers[i].name,
		       (long long)s->registers[i].rows);
	printf("}\n}\n");
}

static int
run_summary(struct cli_args *args)
{
	struct fg_summary summary;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	fg_date as_of = fg_date_today();
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt) || fmt == OUT_CSV)
		return cli_usage_error(args->path, "invalid output format \"%s\" for a summary",
				       cli_get(args, "format"));
	if (cli_has(args, "as-of") &&
	    fg_date_parse(cli_get(args, "as-of"), "as-of", &as_of, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_summary_build(store, as_of, &arena, &summary, &err) != FG_OK)
		status = cli_report(&err);
	else if (fmt == OUT_JSON)
		print_json(&summary);
	else
		print_text(&summary);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option summary_options[] = {
	CLI_OPT_DB,
	{"format", "FMT", "output as table (default) or json"},
	{"as-of", "DATE", "compute ages on this day (default today)"},
	CLI_OPT_END,
};

static const struct command stats_commands[] = {
	{.name = "summary", .usage = "[--db PATH] [--format FMT]",
	 .summary = "institutions, population by age, sex and district, and register sizes",
	 .options = summary_options, .run = run_summary},
	{.name = "rates", .usage = "[--cases FILE --population FILE | --db PATH] [--standard STD] [--by DIMS] [OPTIONS]",
	 .summary = "incidence: crude, age-specific and standardised rates, cumulative, truncated, EAPC",
	 .description = stats_rates_description, .options = stats_rates_options,
	 .run = stats_run_rates},
	{.name = "quality", .usage = "[--tumours FILE [--deaths FILE] | --db PATH] [--by DIMS] [OPTIONS]",
	 .summary = "registry data quality: MV%, DCO%, M:I, unknown basis and site, morphology NOS",
	 .description = stats_quality_description, .options = stats_quality_options,
	 .run = stats_run_quality},
	{0},
};

const struct command cmd_stats_entry = {
	.name = "stats",
	.usage = "summary|rates|quality ...",
	.summary = "statistics over the database",
	.subcommands = stats_commands,
};
