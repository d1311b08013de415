/*
 * cmd_import.c
 *	  fangai import KIND FILE.csv (persons, deaths, tumours, treatments, questionnaires,
 *	  exams, followups, populations, life-tables): bulk import with a report of refused
 *	  rows and a progress bar on a terminal.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fangai/csv.h"
#include "fangai/import.h"
#include "output.h"

#define BAR_WIDTH 24

struct ui {
	FILE *report;		/* refused rows as CSV */
	bool header_done;
	bool shown;		/* a progress line is on the terminal */
	enum fg_import_phase phase;	/* of that line */
	double start;		/* of the phase */
};

/* Each phase's label and what it counts (enum fg_import_phase). */
static const struct {
	const char *label, *unit;
} phases[] = {
	[FG_IMPORT_CHECKING] = {"check     ", "rows"},
	[FG_IMPORT_WRITING] = {"import    ", "rows"},
	[FG_IMPORT_DUPLICATES] = {"duplicates", "persons"},
};

static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
show_problem(const struct fg_import_problem *p, void *userdata)
{
	static const char *const header[] = {"row", "line", "field", "value", "reason", "detail"};
	struct ui *ui = userdata;
	char row[24], line[24];
	const char *cells[] = {row, line, p->field, p->value, p->reason, p->detail};

	if (!ui->header_done)
		fg_csv_write_row(ui->report, header, 6);
	ui->header_done = true;
	snprintf(row, sizeof(row), "%ld", p->row);
	snprintf(line, sizeof(line), "%ld", p->line);
	fg_csv_write_row(ui->report, cells, 6);
}

static void
show_progress(const struct fg_import_progress *p, void *userdata)
{
	struct ui *ui = userdata;
	double elapsed;
	double share = p->total_bytes > 0 ? (double)p->bytes / (double)p->total_bytes : 1.0;
	char bar[BAR_WIDTH + 1];
	int filled = (int)(share * BAR_WIDTH + 0.5);
	double rate;

	if (!ui->shown || p->phase != ui->phase) {
		if (ui->shown)
			fputc('\n', stderr);
		ui->shown = true;
		ui->phase = p->phase;
		ui->start = seconds_now();
	}
	elapsed = seconds_now() - ui->start;
	rate = elapsed > 0 ? (double)p->rows / elapsed : 0;
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s: [%s] %3.0f%%", phases[p->phase].label, bar, 100 * share);
	fprintf(stderr, "  %lld %s  %.0f/s  %.0f s left   ", (long long)p->rows, phases[p->phase].unit,
		rate, share > 0 && share < 1 && p->rows > 0 ? elapsed * (1 - share) / share : 0.0);
	fflush(stderr);
}

static int
run_import(struct cli_args *args)
{
	struct fg_import_options opts = {
		.path = args->pos[1], .encoding = cli_get(args, "encoding"),
		.mapping = cli_get(args, "mapping"), .source = cli_get(args, "source"),
		.institution = cli_get(args, "institution"), .programme = cli_get(args, "programme"),
		.exam_type = cli_get(args, "exam-type"), .skip_bad_rows = cli_has(args, "skip-bad-rows"),
		.problem = show_problem,
	};
	struct ui ui = {.report = stdout, .start = seconds_now()};
	struct fg_import_report rep;
	const char *report_path = cli_get(args, "report");
	struct fg_error err;
	long long batch;
	fg_store *store;
	int status;
	fg_rc rc;

	if (!fg_import_kind_parse(args->pos[0], &opts.kind)) {
		char kinds[256] = "";

		for (size_t k = 0; fg_import_kind_name(k); k++)
			snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "%s%s", k ? ", " : "",
				 fg_import_kind_name(k));
		return cli_usage_error(args->path, "cannot import \"%s\": use one of %s", args->pos[0], kinds);
	}
	if (!cli_int_option(args, "batch-rows", 1, 1000000, 50000, &batch))
		return EXIT_USAGE;
	opts.batch_rows = (int)batch;
	opts.first_load = !cli_has(args, "batch-rows");
	opts.check_duplicates = !cli_has(args, "no-duplicate-check");
	if (report_path && (ui.report = fopen(report_path, "w")) == NULL)
		return cli_usage_error(args->path, "could not open \"%s\" for writing", report_path);
	opts.userdata = &ui;
	if (isatty(STDERR_FILENO) && !cli_has(args, "quiet"))
		opts.progress = show_progress;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		goto out;
	rc = fg_import_run(store, &opts, &rep, &err);
	if (opts.progress)
		fputc('\n', stderr);
	if (rc != FG_OK)
		status = cli_report(&err);
	else if (rep.batch_id == 0)
		printf("imported %s (%s) whole: %lld rows, %lld stored\n", opts.path, rep.encoding,
		       (long long)rep.rows, (long long)rep.inserted);
	else
		printf("imported %s (%s) into batch %lld%s: %lld rows, %lld inserted, %lld matched by ID"
		       " number, %lld updated, %lld unchanged, %lld refused\n", opts.path, rep.encoding,
		       (long long)rep.batch_id, rep.resumed ? " (resumed)" : "", (long long)rep.rows,
		       (long long)rep.inserted, (long long)rep.matched, (long long)rep.updated,
		       (long long)rep.unchanged, (long long)rep.rejected);
	if (rc == FG_OK && rep.duplicates_checked > 0)
		printf("checked %lld new persons for duplicates: %lld possible duplicates queued for review\n",
		       (long long)rep.duplicates_checked, (long long)rep.duplicates_found);
	if (rep.ignored[0])
		fprintf(stderr, "fangai: warning: columns not imported: %s\n", rep.ignored);
	fg_store_close(store);
out:
	if (ui.report != stdout)
		fclose(ui.report);
	return status;
}

static const struct cli_option options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "institution owning the records (id or USCC), unless a column names it"},
	{"programme", "CODE", "questionnaires, exams: the screening programme, unless a column names it"},
	{"exam-type", "TYPE", "exams: the exam type (ldct, fit...), unless a column names it"},
	{"encoding", "ENC", "UTF-8, GB18030 or GBK (default: detected)"},
	{"mapping", "FILE", "heading mapping, field,heading rows (default data/import/KIND.csv)"},
	{"source", "NAME", "source system, for recognising records again (default: file name)"},
	{"skip-bad-rows", NULL, "import the good rows and report the others (default: all or nothing)"},
	{"batch-rows", "N", "rows per transaction (default 50000); given, a first load commits in batches too"},
	{"no-duplicate-check", NULL, "persons: do not check the new persons for duplicates"},
	{"report", "FILE", "write the refused rows there instead of standard output"},
	{"quiet", NULL, "no progress bar"},
	CLI_OPT_END,
};

const struct command cmd_import_entry = {
	.name = "import",
	.usage = "persons|deaths|tumours|treatments|questionnaires|exams|followups|populations|life-tables"
		 " FILE.csv [OPTIONS]",
	.summary = "import persons, deaths, tumours, treatments, screening questionnaires and exams,"
		   " follow-up contacts, populations or life tables from CSV",
	.description =
		"Reads UTF-8 or GB18030/GBK (detected), with or without a byte-order mark; column\n"
		"headings in Chinese or English are mapped to fields by data/import/KIND.csv.\n"
		"Every row is validated; refused rows are reported as CSV (row, line, field,\n"
		"value, reason, detail). Without --skip-bad-rows a file with any refused row\n"
		"stores nothing. Each record is remembered by its key in the source system (the\n"
		"source_key column, else the resident ID number), so importing it again updates\n"
		"it instead of adding a duplicate. An interrupted import resumes where its last\n"
		"batch was committed when run again on the same file. Persons imported into a\n"
		"registry that holds none (a first load) are loaded in one transaction, their\n"
		"indexes built after the rows: an interrupted first load leaves nothing and starts\n"
		"over; --batch-rows commits in batches instead. Once imported, the new persons are\n"
		"checked for duplicates as at registration, with the model of the last \"fangai\n"
		"link scan\" (none before the first scan): possible duplicates go to the review queue.\n"
		"Tumours name their person by id, resident ID number or person_key (the source key\n"
		"of a person imported from the same --source); treatments their tumour by id or\n"
		"tumour_key. Questionnaires and exams (person, person_key, date, programme,\n"
		"exam_type; their other columns are the answers or findings) are recorded in the\n"
		"person's open episode as \"fangai screen questionnaire/exam\" does; a follow-up\n"
		"contact closes the visit named, or the next open visit of its person. A stored\n"
		"tumour, treatment, questionnaire, exam or contact is not rewritten by a changed\n"
		"row: the row is refused. A key repeated in one file with other values is\n"
		"refused. Populations and life tables are checked and stored whole (all or\n"
		"nothing): populations replace the cells given; a life table is stored under the\n"
		"name --source (default: the file name without .csv), replacing one of that name.",
	.options = options,
	.min_pos = 2,
	.max_pos = 2,
	.run = run_import,
};
