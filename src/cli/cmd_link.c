/*
 * cmd_link.c
 *	  fangai link dedup|match|synth: record linkage on CSV files, without a
 *	  database, writing scored pairs as CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/csv.h"
#include "fangai/linkage.h"
#include "fangai/util.h"
#include "output.h"

#define DEFAULT_THREADS 2

static const char *const decision_names[] = {
	[FG_LINK_NONMATCH] = "nonmatch", [FG_LINK_POSSIBLE] = "review", [FG_LINK_MATCH] = "match",
};

/* Apply each comma-separated item of list with fn. */
static fg_rc
each_item(struct fg_link_spec *spec, const char *list,
	  fg_rc (*fn)(struct fg_link_spec *, const char *, struct fg_error *),
	  struct fg_error *err)
{
	char item[256];

	while (*list) {
		size_t len = strcspn(list, ",");

		if (len >= sizeof(item))
			return fg_error_set(err, FG_INVALID, NULL, "linkage item \"%.40s...\" is too long", list);
		memcpy(item, list, len);
		item[len] = '\0';
		if (fn(spec, item, err) != FG_OK)
			return FG_INVALID;
		list += len + (list[len] == ',');
	}
	return FG_OK;
}

static fg_rc
parse_probability(const char *text, const char *name, bool zero_ok, double *out,
		  struct fg_error *err)
{
	char *end;
	double v = strtod(text, &end);

	if (*text == '\0' || *end != '\0' || !((zero_ok ? v >= 0 : v > 0) && v <= 1))
		return fg_error_set(err, FG_INVALID, name, "invalid probability \"%s\" for %s", text, name);
	*out = v;
	return FG_OK;
}

/* The spec from the defaults, --config, --fields, --blocks and the thresholds. */
static int
build_spec(const struct cli_args *args, struct fg_link_spec *spec)
{
	const char *fields = cli_get(args, "fields"), *blocks = cli_get(args, "blocks");
	long long max_block;
	struct fg_error err;
	fg_rc rc = FG_OK;

	fg_link_spec_default(spec);
	if (cli_has(args, "config"))
		rc = fg_link_spec_load(spec, cli_get(args, "config"), &err);
	if (rc == FG_OK && fields) {
		spec->nfields = spec->nblocks = 0;
		rc = each_item(spec, fields, fg_link_spec_field, &err);
	}
	if (rc == FG_OK && blocks) {
		spec->nblocks = 0;
		rc = each_item(spec, blocks, fg_link_spec_block, &err);
	}
	if (rc == FG_OK && cli_has(args, "key"))
		fg_strlcpy(spec->key_column, cli_get(args, "key"), sizeof(spec->key_column));
	if (rc == FG_OK && cli_has(args, "upper"))
		rc = parse_probability(cli_get(args, "upper"), "upper", false, &spec->upper, &err);
	if (rc == FG_OK && cli_has(args, "lower"))
		rc = parse_probability(cli_get(args, "lower"), "lower", false, &spec->lower, &err);
	if (rc != FG_OK)
		return cli_report(&err);
	if (spec->nblocks == 0)
		return cli_usage_error(args->path, "linkage needs at least one blocking rule (--blocks)");
	if (spec->lower > spec->upper)
		return cli_usage_error(args->path, "--lower %g is above --upper %g", spec->lower, spec->upper);
	if (!cli_int_option(args, "max-block", 2, 1000000, spec->max_block, &max_block))
		return EXIT_USAGE;
	spec->max_block = (int)max_block;
	return EXIT_OK;
}

struct pair_writer {
	const struct fg_link_spec *spec;
	const fg_link_data *a, *b;
	FILE *out;
	int64_t counts[3];
};

static void
write_header(const struct pair_writer *w)
{
	const char *cells[6 + FG_LINK_MAX_FIELDS] = {
		"key_a", "key_b", "decision", "method", "probability", "weight",
	};

	for (int f = 0; f < w->spec->nfields; f++)
		cells[6 + f] = w->spec->fields[f].name;
	fg_csv_write_row(w->out, cells, 6 + w->spec->nfields);
}

static fg_rc
write_keyed(const char *key_a, const char *key_b, const struct fg_link_pair *p, void *userdata,
	    struct fg_error *err)
{
	struct pair_writer *w = userdata;
	const char *cells[6 + FG_LINK_MAX_FIELDS];
	char prob[32], weight[32];

	snprintf(prob, sizeof(prob), "%.6f", p->probability);
	snprintf(weight, sizeof(weight), "%.3f", p->weight);
	cells[0] = key_a;
	cells[1] = key_b;
	cells[2] = decision_names[p->decision];
	cells[3] = p->deterministic ? "id_number" : "probabilistic";
	cells[4] = prob;
	cells[5] = weight;
	for (int f = 0; f < w->spec->nfields; f++)
		cells[6 + f] = fg_link_level_name(w->spec->fields[f].cmp, p->levels[f]);
	fg_csv_write_row(w->out, cells, 6 + w->spec->nfields);
	w->counts[p->decision]++;
	return ferror(w->out) ? fg_error_set(err, FG_IO, "output", "could not write pairs") : FG_OK;
}

static fg_rc
write_pair(const struct fg_link_pair *p, void *userdata, struct fg_error *err)
{
	struct pair_writer *w = userdata;

	return write_keyed(fg_link_data_key(w->a, p->a), fg_link_data_key(w->b, p->b), p, w, err);
}

static void
print_model(const struct fg_link_spec *spec, const struct fg_link_model *m)
{
	fprintf(stderr, "model: p = %.6f, %s after %d EM iterations\n", m->p,
		m->converged ? "converged" : "not converged", m->iterations);
	for (int f = 0; f < spec->nfields; f++) {
		fprintf(stderr, "  %-14s", spec->fields[f].name);
		for (int l = 0; l < fg_link_cmp_levels(spec->fields[f].cmp); l++)
			fprintf(stderr, " %s m=%.4f u=%.4f;", fg_link_level_name(spec->fields[f].cmp, l),
				m->m[f][l], m->u[f][l]);
		fputc('\n', stderr);
	}
}

static int
load(const struct fg_link_spec *spec, int side, const char *path, const char *encoding,
     fg_link_data **out)
{
	struct fg_error err;

	if (fg_link_data_new(spec, side, out, &err) != FG_OK ||
	    fg_link_data_load_csv(*out, path, encoding, &err) != FG_OK)
		return cli_report(&err);
	return EXIT_OK;
}

static int
run_link(struct cli_args *args, bool dedup)
{
	struct pair_writer w = {.out = stdout};
	struct fg_link_spec spec;
	struct fg_link_model model;
	fg_link_data *a = NULL, *b = NULL;
	const char *output = cli_get(args, "output");
	struct fg_error err;
	long long threads;
	int status;

	status = build_spec(args, &spec);
	if (status == EXIT_OK && !cli_int_option(args, "threads", 1, 16, DEFAULT_THREADS, &threads))
		status = EXIT_USAGE;
	if (status == EXIT_OK)
		status = load(&spec, 0, args->pos[0], cli_get(args, "encoding"), &a);
	if (status == EXIT_OK && !dedup)
		status = load(&spec, 1, args->pos[1], cli_get(args, "encoding"), &b);
	if (status == EXIT_OK && output && (w.out = fopen(output, "w")) == NULL) {
		fg_error_set(&err, FG_IO, "output", "could not open \"%s\" for writing", output);
		status = cli_report(&err);
	}
	if (status != EXIT_OK)
		goto out;
	w.spec = &spec;
	w.a = a;
	w.b = dedup ? a : b;
	write_header(&w);
	if (fg_link_run(&spec, a, b, cli_has(args, "all") ? 0.0 : spec.lower, (int)threads,
			write_pair, &w, &model, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	fprintf(stderr, "link: %zu%s%.0zu records, %lld candidate pairs, %lld linked, %lld for review",
		fg_link_data_count(a), dedup ? "" : " + ", dedup ? (size_t)0 : fg_link_data_count(b),
		(long long)model.pairs, (long long)w.counts[FG_LINK_MATCH],
		(long long)w.counts[FG_LINK_POSSIBLE]);
	if (model.skipped_blocks)
		fprintf(stderr, "; %lld blocks of %lld records skipped as over --max-block",
			(long long)model.skipped_blocks, (long long)model.skipped_records);
	fputc('\n', stderr);
	if (cli_has(args, "model"))
		print_model(&spec, &model);
out:
	if (w.out && w.out != stdout && fclose(w.out) != 0 && status == EXIT_OK) {
		fg_error_set(&err, FG_IO, "output", "could not write \"%s\"", output);
		status = cli_report(&err);
	}
	fg_link_data_free(a);
	fg_link_data_free(b);
	return status;
}

static int
run_dedup(struct cli_args *args)
{
	return run_link(args, true);
}

static int
run_match(struct cli_args *args)
{
	return run_link(args, false);
}

static fg_rc
write_synth(const struct fg_link_synth_record *r, void *userdata, struct fg_error *err)
{
	char truth[24];
	const char *cells[] = {r->key, truth, r->id_number, r->name, r->sex, r->birth_date,
			       r->phone, r->address, r->perturbations};

	snprintf(truth, sizeof(truth), "%lld", (long long)r->truth);
	fg_csv_write_row(stdout, cells, (int)(sizeof(cells) / sizeof(cells[0])));
	return ferror(stdout) ? fg_error_set(err, FG_IO, "output", "could not write records") : FG_OK;
}

static int
run_synth(struct cli_args *args)
{
	static const char *const header[] = {"key", "truth", "id_number", "name", "sex",
					     "birth_date", "phone", "address", "perturbations"};
	struct fg_link_synth_options opts = {0};
	long long persons, seed;
	struct fg_error err;

	if (!cli_int_option(args, "persons", 1, 100000000, 10000, &persons) ||
	    !cli_int_option(args, "seed", 0, INT64_MAX, 1, &seed))
		return EXIT_USAGE;
	opts.persons = persons;
	opts.seed = (uint64_t)seed;
	opts.duplicates = 0.1;
	opts.as_of = fg_date_from_ymd(2025, 12, 31);
	if (cli_has(args, "duplicates") &&
	    parse_probability(cli_get(args, "duplicates"), "duplicates", true, &opts.duplicates, &err) != FG_OK)
		return cli_report(&err);
	fg_csv_write_row(stdout, header, (int)(sizeof(header) / sizeof(header[0])));
	if (fg_link_synth(&opts, write_synth, NULL, &err) != FG_OK)
		return cli_report(&err);
	return EXIT_OK;
}

/* ---- the registry ---- */

static const char *
who(const struct cli_args *args)
{
	const char *by = cli_get(args, "by");

	if (by == NULL)
		by = getenv("USER");
	return by && *by ? by : "fangai";
}

/* The default spec, --threads and the store, for the commands on the registry. */
static fg_store *
open_registry(const struct cli_args *args, struct fg_link_spec *spec, int *threads, int *status)
{
	long long n;

	fg_link_spec_default(spec);
	if (!cli_int_option(args, "threads", 1, 16, DEFAULT_THREADS, &n)) {
		*status = EXIT_USAGE;
		return NULL;
	}
	*threads = (int)n;
	return cli_open_store(args, false, status);
}

static int
run_scan(struct cli_args *args)
{
	struct fg_link_scan_report rep;
	struct fg_link_spec spec;
	struct fg_error err;
	fg_store *store;
	int status, threads;

	store = open_registry(args, &spec, &threads, &status);
	if (store == NULL)
		return status;
	if (fg_link_registry_scan(store, &spec, cli_has(args, "merge"), who(args), threads, &rep,
				  &err) != FG_OK)
		status = cli_report(&err);
	else {
		printf("scanned %lld persons: %lld candidate pairs, %lld merged, %lld queued for review\n",
		       (long long)rep.persons, (long long)rep.model.pairs, (long long)rep.merged,
		       (long long)rep.queued);
		printf(rep.model_kept ? "linkage model kept for the duplicate check at registration\n"
				      : "too few duplicates to estimate a linkage model: the one kept before stays\n");
		if (cli_has(args, "model"))
			print_model(&spec, &rep.model);
	}
	fg_store_close(store);
	return status;
}

static int
run_deaths(struct cli_args *args)
{
	struct pair_writer w = {.out = stdout};
	struct fg_link_death_report rep;
	struct fg_link_spec spec;
	struct fg_error err;
	fg_store *store;
	int status, threads;

	store = open_registry(args, &spec, &threads, &status);
	if (store == NULL)
		return status;
	w.spec = &spec;
	write_header(&w);
	if (fg_link_registry_deaths(store, &spec, threads, write_keyed, &w, &rep, &err) != FG_OK)
		status = cli_report(&err);
	else
		fprintf(stderr, "link: %lld death records without a person: %lld linked, %lld pairs for review\n",
			(long long)rep.deaths, (long long)rep.linked, (long long)rep.review);
	fg_store_close(store);
	return status;
}

static const struct out_column review_columns[] = {
	{"review", true}, {"person_a", true}, {"name_a", false}, {"person_b", true},
	{"name_b", false}, {"probability", true}, {"levels", false},
};

static int
list_reviews(struct cli_args *args, fg_store *store)
{
	struct fg_link_review *items;
	struct out_table table;
	struct fg_arena arena;
	enum out_format fmt;
	struct fg_error err;
	int status = EXIT_OK;
	size_t n;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, review_columns, 7);
	if (fg_link_review_list(store, 1000, &arena, &items, &n, &err) != FG_OK)
		status = cli_report(&err);
	for (size_t i = 0; status == EXIT_OK && i < n; i++) {
		char id[24], a[24], b[24], prob[24];
		const char *cells[7] = {id, a, items[i].name_a, b, items[i].name_b, prob, items[i].levels};

		snprintf(id, sizeof(id), "%lld", (long long)items[i].id);
		snprintf(a, sizeof(a), "%lld", (long long)items[i].person_a);
		snprintf(b, sizeof(b), "%lld", (long long)items[i].person_b);
		snprintf(prob, sizeof(prob), "%.4f", items[i].probability);
		out_table_add(&table, cells);
	}
	if (status == EXIT_OK)
		out_table_print(&table, fmt, stdout);
	fg_arena_free(&arena);
	return status;
}

static int
run_review(struct cli_args *args)
{
	bool same = cli_has(args, "same"), distinct = cli_has(args, "distinct");
	struct fg_error err;
	int64_t review, merge_id;
	fg_store *store;
	int status;

	if (args->npos == 0 && (same || distinct))
		return cli_usage_error(args->path, "--same and --distinct need the review number");
	if (args->npos == 1 && same == distinct)
		return cli_usage_error(args->path, "decide review %s with --same or --distinct", args->pos[0]);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (args->npos == 0)
		status = list_reviews(args, store);
	else if (fg_parse_int64(args->pos[0], "review", 1, INT64_MAX, &review, &err) != FG_OK ||
		 fg_link_review_decide(store, review, same, who(args), &merge_id, &err) != FG_OK)
		status = cli_report(&err);
	else if (same)
		printf("review %lld: the same person; merge %lld\n", (long long)review, (long long)merge_id);
	else
		printf("review %lld: two different persons\n", (long long)review);
	fg_store_close(store);
	return status;
}

static int
run_merge(struct cli_args *args)
{
	struct fg_error err;
	int64_t survivor, merged, merge_id;
	fg_store *store;
	int status;

	if (fg_parse_int64(args->pos[0], "survivor", 1, INT64_MAX, &survivor, &err) != FG_OK ||
	    fg_parse_int64(args->pos[1], "merged", 1, INT64_MAX, &merged, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_link_merge(store, survivor, merged, "manual", -1, who(args), &merge_id, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("person %lld merged into person %lld (merge %lld)\n", (long long)merged,
		       (long long)survivor, (long long)merge_id);
	fg_store_close(store);
	return status;
}

static int
run_unmerge(struct cli_args *args)
{
	struct fg_error err;
	int64_t merged, merge_id;
	fg_store *store;
	int status;

	if (fg_parse_int64(args->pos[0], "person", 1, INT64_MAX, &merged, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_link_unmerge(store, merged, who(args), &merge_id, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("person %lld separated again (merge %lld undone)\n", (long long)merged,
		       (long long)merge_id);
	fg_store_close(store);
	return status;
}

#define LINK_OPTIONS \
	{"config", "FILE", "linkage configuration: field, block, key, threshold lines"}, \
	{"fields", "LIST", "fields as NAME:COMPARATOR[:COLUMN-A[:COLUMN-B]],... (replaces the defaults)"}, \
	{"blocks", "LIST", "blocking rules as FIELD[:TRANSFORM]+FIELD...,... (replaces the defaults)"}, \
	{"key", "COLUMN", "column identifying each record (default key; else row numbers)"}, \
	{"upper", "P", "probability from which pairs link (default 0.9)"}, \
	{"lower", "P", "probability from which pairs go to review (default 0.3)"}, \
	{"max-block", "N", "skip blocks of more records (default 1000)"}, \
	{"threads", "N", "threads comparing pairs (default 2)"}, \
	{"all", NULL, "write every candidate pair, not only those linked or for review"}, \
	{"model", NULL, "print the estimated m and u probabilities"}, \
	{"output", "FILE", "write the pairs to FILE instead of standard output"}, \
	{"encoding", "ENC", "UTF-8, GB18030 or GBK (default: detected for each file)"}

static const struct cli_option link_options[] = {LINK_OPTIONS, CLI_OPT_END};

static const struct cli_option scan_options[] = {
	CLI_OPT_DB,
	{"merge", NULL, "merge linked pairs at once (default: queue them for review too)"},
	{"threads", "N", "threads comparing pairs (default 2)"},
	{"by", "USER", "who merges, for the record (default $USER)"},
	{"model", NULL, "print the estimated m and u probabilities"},
	CLI_OPT_END,
};

static const struct cli_option deaths_options[] = {
	CLI_OPT_DB,
	{"threads", "N", "threads comparing pairs (default 2)"},
	CLI_OPT_END,
};

static const struct cli_option review_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"same", NULL, "the pair is one person: merge them"},
	{"distinct", NULL, "the pair is two persons"},
	{"by", "USER", "who decides (default $USER)"},
	CLI_OPT_END,
};

static const struct cli_option merge_options[] = {
	CLI_OPT_DB, {"by", "USER", "who merges (default $USER)"}, CLI_OPT_END,
};

static const struct cli_option synth_options[] = {
	{"persons", "N", "persons to generate (default 10000)"},
	{"duplicates", "SHARE", "share of persons recorded twice (default 0.1)"},
	{"seed", "N", "random seed (default 1)"},
	CLI_OPT_END,
};

#define LINK_DESCRIPTION \
	"Records are compared on the fields of the person linkage unless --fields or\n" \
	"--config say otherwise: id_number (id), name (name), sex (exact), birth_date\n" \
	"(date), phone (digits) and address (jw), blocked on id_number, birth_date+sex,\n" \
	"name:pinyin+birth_date:year, name:sorted+birth_date:year, phone and address+sex.\n" \
	"Equal valid resident ID numbers link outright; other pairs are scored by\n" \
	"Fellegi-Sunter weights: u from random pairs, m by EM over each blocking rule's\n" \
	"pairs. Pairs are written as CSV: the two keys, the decision (match, review),\n" \
	"the method, the posterior probability, the weight (log2 likelihood ratio) and\n" \
	"the agreement level of each field."

static const struct command link_commands[] = {
	{.name = "dedup", .usage = "FILE.csv [OPTIONS]",
	 .summary = "find records of the same person inside one CSV file",
	 .description = LINK_DESCRIPTION, .options = link_options, .min_pos = 1, .max_pos = 1,
	 .run = run_dedup},
	{.name = "match", .usage = "A.csv B.csv [OPTIONS]",
	 .summary = "find the records of one CSV file in another",
	 .description = LINK_DESCRIPTION "\nColumns may differ between the files: NAME:COMPARATOR:COLUMN-A:COLUMN-B.",
	 .options = link_options, .min_pos = 2, .max_pos = 2, .run = run_match},
	{.name = "scan", .usage = "[--merge] [--db PATH]",
	 .summary = "look for duplicate persons in the registry",
	 .description = "Compares the persons of the registry as link dedup does. Uncertain pairs go\n"
			"to the review queue; linked pairs too, unless --merge merges them at once.\n"
			"The model estimated (m and u by EM) is kept for the duplicate check of each\n"
			"person registered afterwards (fangai person add, the API, FHIR), unless the\n"
			"registry holds too few duplicates to estimate it (fewer than 20 expected).",
	 .options = scan_options, .run = run_scan},
	{.name = "deaths", .usage = "[--db PATH]",
	 .summary = "link death records without a person to the persons of the registry",
	 .description = "Death records are compared with the persons on ID number, name, sex and\n"
			"birth date; each is linked to the person of its most probable linked pair.\n"
			"The linked and uncertain pairs are written as CSV (key_a the person, key_b\n"
			"the death record).",
	 .options = deaths_options, .run = run_deaths},
	{.name = "review", .usage = "[REVIEW --same|--distinct]",
	 .summary = "list the review queue, or decide one pair",
	 .options = review_options, .max_pos = 1, .run = run_review},
	{.name = "merge", .usage = "SURVIVOR MERGED",
	 .summary = "merge a duplicate person into another, recording what moved",
	 .description = "Tumours, screening, follow-up, referrals, death records and imported source\n"
			"records of MERGED move to SURVIVOR; MERGED stays, marked merged_into, so that\n"
			"the merge can be undone with link unmerge.",
	 .options = merge_options, .min_pos = 2, .max_pos = 2, .run = run_merge},
	{.name = "unmerge", .usage = "PERSON",
	 .summary = "undo the latest merge of a person",
	 .options = merge_options, .min_pos = 1, .max_pos = 1, .run = run_unmerge},
	{.name = "synth", .usage = "[--persons N] [--duplicates SHARE] [--seed N]",
	 .summary = "write synthetic persons with perturbed duplicates and their truth as CSV",
	 .description = "Residents of the synthetic city; a share of them recorded a second time\n"
			"with a missing or mistyped ID number and one or two of: a name typo (often\n"
			"a homophone), swapped given-name characters, traditional characters, day\n"
			"and month of birth swapped, a wrong digit of the birth date, a missing or\n"
			"mistyped phone. Records of one person share the truth column.",
	 .options = synth_options, .run = run_synth},
	{0},
};

const struct command cmd_link_entry = {
	.name = "link",
	.usage = "dedup|match|scan|deaths|review|merge|unmerge|synth ...",
	.summary = "record linkage: find the same person twice",
	.subcommands = link_commands,
};
