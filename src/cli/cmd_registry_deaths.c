/*
 * cmd_registry_deaths.c
 *	  fangai registry deaths [FILE.csv]: import death records (all or
 *	  nothing), link them to persons, record the persons dead and create
 *	  death-certificate-only tumours for untraced cancer deaths.
 */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "cmd_registry.h"
#include "fangai/death.h"
#include "output.h"

static const struct out_column report_columns[] = {{"step", false}, {"count", true}};

static void
print_report(const struct fg_death_report *r, int64_t imported, enum out_format fmt)
{
	const struct { const char *what; int64_t n; } rows[] = {
		{"imported", imported},
		{"unlinked before", r->unlinked},
		{"linked by ID number", r->linked_id},
		{"linked by probabilistic linkage", r->linked_prob},
		{"left for review", r->review},
		{"persons recorded dead", r->persons_dead},
		{"cancer deaths without a registered tumour", r->cancer_deaths},
		{"DCO tumours created", r->dco},
		{"DCO tumours refused by the checks", r->dco_refused},
	};
	struct out_table table;
	struct fg_arena arena;

	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, report_columns, 2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char n[24];

		snprintf(n, sizeof(n), "%lld", (long long)rows[i].n);
		out_table_add(&table, (const char *[]){rows[i].what, n});
	}
	out_table_print(&table, fmt, stdout);
	fg_arena_free(&arena);
}

int
cmd_registry_deaths_run(struct cli_args *args)
{
	const char *institution = cli_get(args, "institution");
	struct fg_death_report report;
	fg_date today = fg_date_today();
	struct fg_error err;
	enum out_format fmt;
	int64_t imported = 0;
	fg_registry *reg = NULL;
	fg_store *store;
	int status = EXIT_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (args->npos > 0 && fg_death_import(store, args->pos[0], institution ? institution : "1", today,
					      &imported, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	if ((reg = cli_open_registry(&status)) == NULL)
		goto out;
	if (fg_death_process(store, reg, today, &report, &err) != FG_OK)
		status = cli_report(&err);
	else
		print_report(&report, imported, fmt);
out:
	fg_registry_free(reg);
	fg_store_close(store);
	return status;
}

const struct cli_option cmd_registry_deaths_options[] = {
	CLI_OPT_DB,
	CLI_OPT_FORMAT,
	{"institution", "REF", "reporting institution of rows without one: id or USCC (default 1)"},
	CLI_OPT_END,
};

const char cmd_registry_deaths_description[] =
	"Imports FILE (when given) into the death records, all or nothing: columns name,\n"
	"sex, death_date and cause (ICD-10 underlying cause) are required; id_number,\n"
	"birth_date, district, source and institution are optional (CanReg5 and common\n"
	"variants of the names are accepted, e.g. IDNumber, DateOfDeath, CauseOfDeath).\n"
	"Then every unlinked death record is linked to a person, by resident ID number\n"
	"first and by probabilistic linkage on name, sex and birth date otherwise; the\n"
	"linked persons are recorded dead (closing their follow-up by record linkage);\n"
	"and each linked cancer death whose person has no tumour of that site becomes a\n"
	"death-certificate-only (DCO) tumour: basis 0, incidence on the date of death,\n"
	"codes from data/registry/dco-icd10.csv, checked like any tumour.  Running it\n"
	"again creates nothing twice.";
