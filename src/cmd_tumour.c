/*
 * cmd_tumour.c
 *	  fangai tumour add|show|list|check|treat|confirm: tumour records of the
 *	  cancer registry, checked by the IARC/IACR rules when saved, and their
 *	  first-course treatment.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "output.h"

static const struct out_column tumour_columns[] = {
	{"id", true}, {"person_id", true}, {"incidence_date", false}, {"topography", false},
	{"morphology", false}, {"grade", false}, {"laterality", false}, {"basis", false},
	{"icd10", false}, {"tnm", false}, {"stage", false}, {"primary_seq", true},
	{"detection", false}, {"institution_id", true},
};
#define NTUMOUR ((int)(sizeof(tumour_columns) / sizeof(tumour_columns[0])))

static const struct out_column finding_columns[] = {
	{"finding", true}, {"check", false}, {"field", false}, {"message", false},
	{"confirmed_by", false}, {"confirmed_at", false}, {"reason", false},
};

static const struct out_column treatment_columns[] = {
	{"treatment", true}, {"kind", false}, {"start_date", false}, {"end_date", false},
	{"institution_id", true},
};

static void
add_treatment_row(struct out_table *t, const struct fg_treatment *x)
{
	char id[24], inst[24], start[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX] = "";

	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	snprintf(inst, sizeof(inst), "%lld", (long long)x->institution_id);
	if (x->end != FG_DATE_NONE)
		fg_date_format(x->end, end);
	out_table_add(t, (const char *[]){id, x->kind, fg_date_format(x->start, start), end, inst});
}

static void
add_tumour_row(struct out_table *t, const struct fg_tumour *x)
{
	char id[24], person[24], inst[24], seq[12], date[FG_DATE_TEXT_MAX], morph[12], grade[4] = "",
	     basis[4], tnm[128] = "";

	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	snprintf(person, sizeof(person), "%lld", (long long)x->person_id);
	snprintf(inst, sizeof(inst), "%lld", (long long)x->institution_id);
	snprintf(seq, sizeof(seq), "%d", x->primary_seq);
	snprintf(morph, sizeof(morph), "%04d/%d", x->morphology, x->behaviour % 10);
	if (x->grade > 0)
		snprintf(grade, sizeof(grade), "%d", x->grade % 10);
	snprintf(basis, sizeof(basis), "%d", x->basis % 10);
	if (x->t[0] || x->n[0] || x->m[0])
		snprintf(tnm, sizeof(tnm), "%s %s %s (%s, %s)", x->t, x->n, x->m, x->tnm_edition, x->tnm_context);
	out_table_add(t, (const char *[]){id, person, fg_date_format(x->incidence, date), x->topography,
					  morph, grade, x->laterality, basis, x->icd10, tnm, x->stage, seq,
					  x->detection, inst});
}

static bool
format_option(const struct cli_args *args, enum out_format *fmt)
{
	if (out_format_parse(cli_get(args, "format"), fmt))
		return true;
	cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	return false;
}

static int
run_add(struct cli_args *args)
{
	struct fg_tumour_input in = {
		.person = cli_get(args, "person"), .institution = cli_get(args, "institution"),
		.incidence_date = cli_get(args, "incidence-date"), .topography = cli_get(args, "topography"),
		.morphology = cli_get(args, "morphology"), .behaviour = cli_get(args, "behaviour"),
		.grade = cli_get(args, "grade"), .laterality = cli_get(args, "laterality"),
		.basis = cli_get(args, "basis"), .tnm_edition = cli_get(args, "tnm-edition"),
		.tnm_context = cli_get(args, "tnm-context"), .t = cli_get(args, "t"), .n = cli_get(args, "n"),
		.m = cli_get(args, "m"), .source = cli_get(args, "source"),
		.detection = cli_get(args, "detection")};
	struct fg_findings warnings;
	struct fg_arena arena;
	struct fg_tumour out;
	struct fg_error err;
	fg_registry *reg = NULL;
	fg_store *store;
	int status;

	if (in.person == NULL || in.institution == NULL)
		return cli_usage_error(args->path, "tumour add needs --person and --institution");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&warnings, &arena);
	if ((reg = cli_open_registry(&status)) == NULL)
		goto out;
	fg_error_clear(&err);
	if (fg_tumour_add(store, reg, &in, &out, &warnings, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	printf("tumour %lld registered: %s %04d/%d, ICD-10 %s%s%s\n", (long long)out.id, out.topography,
	       out.morphology, out.behaviour, out.icd10[0] ? out.icd10 : "none",
	       out.stage[0] ? ", stage " : "", out.stage);
	for (size_t i = 0; i < warnings.count; i++)
		fprintf(stderr, "fangai: warning: %s\n  check: %s\n", warnings.items[i].message,
			warnings.items[i].code);
	if (warnings.count)
		fprintf(stderr, "  hint: Confirm each warning with \"fangai tumour confirm\" once verified; "
			"see \"fangai tumour show %lld\".\n", (long long)out.id);
out:
	fg_registry_free(reg);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static void
add_finding_row(struct out_table *t, const struct fg_tumour_finding *f)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)f->id);
	out_table_add(t, (const char *[]){id, f->code, f->field, f->message, f->confirmed_by,
					  f->confirmed_at, f->reason});
}

static int
run_show(struct cli_args *args)
{
	struct fg_tumour_finding_list findings;
	struct fg_treatment_list treatments;
	struct out_table table, ftable, ttable;
	struct fg_arena arena;
	struct fg_tumour t;
	struct fg_error err;
	enum out_format fmt;
	fg_store *store;
	int64_t id;
	int status;

	if (!format_option(args, &fmt))
		return EXIT_USAGE;
	if (fg_parse_int64(args->pos[0], "tumour", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_tumour_get(store, id, &t, &err) != FG_OK ||
	    fg_tumour_findings(store, id, &arena, &findings, &err) != FG_OK ||
	    fg_treatment_list(store, id, &arena, &treatments, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	out_table_init(&table, &arena, tumour_columns, NTUMOUR);
	add_tumour_row(&table, &t);
	out_table_print(&table, fmt, stdout);
	if (findings.count > 0) {
		if (fmt == OUT_TABLE)
			printf("\nwarnings:\n");
		out_table_init(&ftable, &arena, finding_columns, 7);
		for (size_t i = 0; i < findings.count; i++)
			add_finding_row(&ftable, &findings.items[i]);
		out_table_print(&ftable, fmt, stdout);
	}
	if (treatments.count > 0) {
		if (fmt == OUT_TABLE)
			printf("\nfirst-course treatment:\n");
		out_table_init(&ttable, &arena, treatment_columns, 5);
		for (size_t i = 0; i < treatments.count; i++)
			add_treatment_row(&ttable, &treatments.items[i]);
		out_table_print(&ttable, fmt, stdout);
	}
out:
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_list(struct cli_args *args)
{
	struct fg_tumour_list list;
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long person, limit;
	fg_store *store;
	int status;

	if (!format_option(args, &fmt) || !cli_int_option(args, "person", 1, INT64_MAX, 0, &person) ||
	    !cli_int_option(args, "limit", 1, 100000, 100, &limit))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_tumour_list(store, person, limit, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&table, &arena, tumour_columns, NTUMOUR);
		for (size_t i = 0; i < list.count; i++)
			add_tumour_row(&table, &list.items[i]);
		out_table_print(&table, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_confirm(struct cli_args *args)
{
	struct fg_error err;
	fg_store *store;
	int64_t id;
	int status;

	if (fg_parse_int64(args->pos[0], "finding", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_tumour_confirm(store, id, cli_get(args, "user"), cli_get(args, "reason"), &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("finding %lld confirmed by %s\n", (long long)id, cli_get(args, "user"));
	fg_store_close(store);
	return status;
}

static int
run_treat(struct cli_args *args)
{
	struct fg_treatment_input in = {
		.tumour = args->pos[0], .institution = cli_get(args, "institution"),
		.kind = cli_get(args, "kind"), .start_date = cli_get(args, "start"),
		.end_date = cli_get(args, "end")};
	struct fg_treatment out;
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_error_clear(&err);
	if (fg_treatment_add(store, &in, &out, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("treatment %lld recorded: %s of tumour %lld\n", (long long)out.id, out.kind,
		       (long long)out.tumour_id);
	fg_store_close(store);
	return status;
}

static const struct out_column recheck_columns[] = {
	{"tumour", true}, {"check", false}, {"level", false}, {"field", false}, {"message", false},
};

/* Add the findings of one stored tumour to the table; counts errors. */
static fg_rc
recheck_one(fg_store *store, const fg_registry *reg, const struct fg_tumour *t,
	    struct out_table *table, long *errors, struct fg_error *err)
{
	struct fg_findings found;
	struct fg_arena scratch;
	char id[24];
	fg_rc rc;

	fg_arena_init(&scratch, 0);
	fg_findings_init(&found, &scratch);
	snprintf(id, sizeof(id), "%lld", (long long)t->id);
	rc = fg_tumour_recheck(store, reg, t, &found, err);
	for (size_t i = 0; rc == FG_OK && i < found.count; i++) {
		const struct fg_finding *f = &found.items[i];

		out_table_add(table, (const char *[]){id, f->code, fg_finding_level_name(f->level),
						      f->field, f->message});
		*errors += f->level == FG_FINDING_ERROR;
	}
	fg_arena_free(&scratch);
	return rc;
}

static int
run_check(struct cli_args *args)
{
	struct fg_tumour_list list;
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long person;
	long errors = 0;
	fg_registry *reg = NULL;
	fg_store *store;
	int status;
	fg_rc rc;

	if (!format_option(args, &fmt) || !cli_int_option(args, "person", 1, INT64_MAX, 0, &person))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if ((reg = cli_open_registry(&status)) == NULL)
		goto out;
	rc = fg_tumour_list(store, person, INT64_MAX, &arena, &list, &err);
	out_table_init(&table, &arena, recheck_columns, 5);
	for (size_t i = 0; rc == FG_OK && i < list.count; i++)
		rc = recheck_one(store, reg, &list.items[i], &table, &errors, &err);
	if (rc != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	out_table_print(&table, fmt, stdout);
	fprintf(stderr, "tumours checked: %zu; errors: %ld; findings: %zu\n", list.count, errors, table.nrows);
	status = errors ? EXIT_REFUSED : EXIT_OK;
out:
	fg_registry_free(reg);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"person", "REF", "the person: record id or resident ID number"},
	{"institution", "REF", "reporting institution: id or unified social credit code"},
	{"incidence-date", "DATE", "date of incidence, YYYY-MM-DD"},
	{"topography", "CODE", "ICD-O-3 topography, e.g. C34.1"},
	{"morphology", "CODE", "ICD-O-3 morphology with behaviour, e.g. 8070/3"},
	{"behaviour", "B", "behaviour, if not given in the morphology"},
	{"grade", "G", "ICD-O-3 grade or cell line, 1-9"},
	{"laterality", "L", "0 not paired, 1 right, 2 left, 3 one side, 4 both, 9 unknown"},
	{"basis", "B", "basis of diagnosis: 0 DCO, 1 clinical, 2 investigation, 4 marker, 5 cytology, 6-7 histology, 9 unknown"},
	{"t", "T", "TNM T category (cervix: FIGO finding, see data/tnm/cervix-figo2018.csv)"},
	{"n", "N", "TNM N category"},
	{"m", "M", "TNM M category"},
	{"tnm-edition", "ED", "TNM edition (default 8; 9 for lung; 2018 FIGO for cervix)"},
	{"tnm-context", "CTX", "clinical (default) or pathological"},
	{"source", "TEXT", "source document, e.g. a pathology report number"},
	{"detection", "MODE", "screen, interval, non_participant or unknown (default)"},
	CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"person", "ID", "only the tumours of this person"},
	{"limit", "N", "at most N tumours (default 100)"},
	CLI_OPT_END,
};

static const struct cli_option confirm_options[] = {
	CLI_OPT_DB,
	{"user", "NAME", "the registrar who verified the record"},
	{"reason", "TEXT", "why the unusual combination is right"},
	CLI_OPT_END,
};

static const struct cli_option treat_options[] = {
	CLI_OPT_DB,
	{"kind", "KIND", "surgery, radiotherapy, chemotherapy, targeted, immunotherapy, endocrine or other"},
	{"start", "DATE", "first day of the treatment"},
	{"end", "DATE", "last day (optional)"},
	{"institution", "REF", "treating institution (default: the reporting institution)"},
	CLI_OPT_END,
};

static const struct cli_option check_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"person", "ID", "only the tumours of this person"},
	CLI_OPT_END,
};

static const struct command tumour_commands[] = {
	{.name = "add", .usage = "--person REF --institution REF --incidence-date D --topography C --morphology M --basis B [OPTIONS]",
	 .summary = "register a tumour; the IARC/IACR checks run before it is stored",
	 .description = "An error (an invalid code, an impossible date or combination) refuses the\n"
			"tumour and names the field; nothing is stored.  Warnings (unlikely\n"
			"combinations) are stored with the tumour, to be confirmed with \"fangai tumour\n"
			"confirm\".  The ICD-10 code and the TNM stage group are derived.  A tumour that\n"
			"is the same primary as one the person has (IARC/IACR 2004) is refused.",
	 .options = add_options, .run = run_add},
	{.name = "show", .usage = "ID", .summary = "show a tumour and its warnings",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "list", .usage = "[--person ID]", .summary = "list tumours",
	 .options = list_options, .run = run_list},
	{.name = "check", .usage = "[--person ID]",
	 .summary = "run the IARC/IACR checks again on stored tumours",
	 .description = "Checks each stored tumour with its person's current sex, birth date and date\n"
			"of death, which may have changed since the tumour was saved (a death recorded\n"
			"before the incidence date, for instance).  Nothing is changed.  Exit status 1\n"
			"when any error is found.",
	 .options = check_options, .run = run_check},
	{.name = "treat", .usage = "TUMOUR --kind KIND --start DATE [--end DATE]",
	 .summary = "record a first-course treatment of a tumour",
	 .options = treat_options, .min_pos = 1, .max_pos = 1, .run = run_treat},
	{.name = "confirm", .usage = "FINDING --user NAME --reason TEXT",
	 .summary = "confirm a warning of a tumour, with the reason and the user",
	 .options = confirm_options, .min_pos = 1, .max_pos = 1, .run = run_confirm},
	{0},
};

const struct command cmd_tumour_entry = {
	.name = "tumour",
	.usage = "add|show|list|check|treat|confirm ...",
	.summary = "tumour records of the cancer registry",
	.subcommands = tumour_commands,
};
