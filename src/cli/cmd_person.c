/*
 * cmd_person.c
 *	  fangai person add|find|show|list: the master person index.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/linkage.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "output.h"

#define DEFAULT_PAGE 50

static const struct out_column columns[] = {
	{"id", true}, {"id_number", false}, {"name", false}, {"sex", false},
	{"birth_date", false}, {"phone", false}, {"district", false},
	{"institution_id", true}, {"vital_status", false},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static void
add_row(struct out_table *t, const struct fg_person *p)
{
	char id[24], inst[24], birth[FG_DATE_TEXT_MAX], sex[2] = {p->sex, '\0'};
	const char *cells[NCOLUMNS];

	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	snprintf(inst, sizeof(inst), "%lld", (long long)p->institution_id);
	cells[0] = id;
	cells[1] = p->id_number;
	cells[2] = p->name;
	cells[3] = sex;
	cells[4] = fg_date_format(p->birth_date, birth);
	cells[5] = p->phone;
	cells[6] = p->district;
	cells[7] = inst;
	cells[8] = p->vital_status;
	out_table_add(t, cells);
}

static int
print_persons(const struct cli_args *args, const struct fg_person *items, size_t n,
	      long long total, long long offset)
{
	struct fg_arena arena;
	struct out_table table;
	enum out_format fmt;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, columns, NCOLUMNS);
	for (size_t i = 0; i < n; i++)
		add_row(&table, &items[i]);
	out_table_print(&table, fmt, stdout);
	if (fmt == OUT_TABLE && total >= 0)
		printf("(%zu of %lld, from %lld)\n", n, total, n ? offset + 1 : 0);
	fg_arena_free(&arena);
	return EXIT_OK;
}

static void
print_conflicts(const struct fg_findings *conflicts)
{
	for (size_t i = 0; i < conflicts->count; i++)
		fprintf(stderr, "fangai: %s: %s\n  field: %s\n",
			fg_finding_level_name(conflicts->items[i].level),
			conflicts->items[i].message, conflicts->items[i].field);
}

/* The possible duplicates the registration queued for review. */
static void
print_duplicates(fg_store *store, const struct fg_link_candidate *cands, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct fg_person p;

		if (fg_person_get(store, cands[k].person_id, &p, NULL) == FG_OK)
			printf("possible duplicate: person %lld %s, born %s (probability %.3f):"
			       " queued for review (fangai link review)\n", (long long)p.id, p.name,
			       fg_date_format(p.birth_date, (char[FG_DATE_TEXT_MAX]){0}),
			       cands[k].pair.probability);
	}
}

static int
run_add(struct cli_args *args)
{
	struct fg_person_input in = {
		.institution = cli_get(args, "institution"),
		.id_type = cli_get(args, "id-type"),
		.id_number = cli_get(args, "id-number"),
		.name = cli_get(args, "name"),
		.sex = cli_get(args, "sex"),
		.birth_date = cli_get(args, "birth-date"),
		.phone = cli_get(args, "phone"),
		.address = cli_get(args, "address"),
		.district = cli_get(args, "district"),
	};
	struct fg_link_candidate cands[FG_LINK_REGISTER_MAX];
	struct fg_findings conflicts;
	struct fg_person out;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	bool matched, checked;
	size_t ncands;
	int status;

	if (in.institution == NULL || in.name == NULL)
		return cli_usage_error(args->path, "person add needs --institution and --name");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&conflicts, &arena);
	if (fg_link_register(store, &in, &out, &matched, &conflicts, cands, FG_LINK_REGISTER_MAX, &ncands,
			     &checked, &err) != FG_OK)
		status = cli_report(&err);
	else if (matched) {
		printf("person %lld matched by ID number %s: nothing stored\n", (long long)out.id,
		       out.id_number);
		print_conflicts(&conflicts);
	} else {
		printf("person %lld registered: %s\n", (long long)out.id, out.name);
		print_duplicates(store, cands, ncands);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_query(struct cli_args *args, const char *text)
{
	struct fg_person_query q = {.text = text};
	const char *by = cli_get(args, "by");
	struct fg_person_list list;
	struct fg_arena arena;
	struct fg_error err;
	long long limit, offset, inst;
	fg_store *store;
	int status;

	if (by == NULL || strcmp(by, "auto") == 0)
		q.by = FG_MATCH_AUTO;
	else if (strcmp(by, "id") == 0)
		q.by = FG_MATCH_ID_NUMBER;
	else if (strcmp(by, "name") == 0)
		q.by = FG_MATCH_NAME;
	else if (strcmp(by, "phone") == 0)
		q.by = FG_MATCH_PHONE;
	else
		return cli_usage_error(args->path, "invalid search key \"%s\"", by);
	if (!cli_int_option(args, "limit", 1, 1000, DEFAULT_PAGE, &limit) ||
	    !cli_int_option(args, "offset", 0, INT64_MAX, 0, &offset) ||
	    !cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst))
		return EXIT_USAGE;
	q.limit = limit;
	q.offset = offset;
	q.institution_id = inst;
	q.district = cli_get(args, "district");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_person_find(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else
		status = print_persons(args, list.items, list.count, list.total, offset);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_find(struct cli_args *args)
{
	return run_query(args, args->pos[0]);
}

static int
run_list(struct cli_args *args)
{
	return run_query(args, NULL);
}

static int
run_show(struct cli_args *args)
{
	struct fg_person p;
	struct fg_error err;
	fg_store *store;
	int64_t id;
	int status;
	fg_rc rc;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (strlen(args->pos[0]) >= 15)
		rc = fg_person_get_by_id_number(store, args->pos[0], &p, &err);
	else if (fg_parse_int64(args->pos[0], "person", 1, INT64_MAX, &id, &err) == FG_OK)
		rc = fg_person_get(store, id, &p, &err);
	else
		rc = FG_INVALID;
	if (rc != FG_OK)
		status = cli_report(&err);
	else
		status = print_persons(args, &p, 1, -1, 0);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "registering institution (id or unified social credit code)"},
	{"id-number", "ID", "resident ID number (GB 11643-1999), or another document's number"},
	{"id-type", "CODE", "WS 364 identity document type (default 01, resident identity card)"},
	{"name", "NAME", "name, in simplified or traditional characters"},
	{"sex", "SEX", "1/M male, 2/F female (default: from the ID number)"},
	{"birth-date", "DATE", "YYYY-MM-DD (default: from the ID number)"},
	{"phone", "PHONE", "mobile or landline number"},
	{"address", "TEXT", "residential address"},
	{"district", "CODE", "GB/T 2260 district of residence (default: the institution's)"},
	CLI_OPT_END,
};

static const struct cli_option find_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"by", "KEY", "search by id, name or phone (default: guessed from the text)"},
	{"institution", "ID", "only persons registered by this institution"},
	{"district", "CODE", "only persons living in this district"},
	{"limit", "N", "page size, 1-1000 (default 50)"},
	{"offset", "N", "skip the first N matches"},
	CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct command person_commands[] = {
	{.name = "add", .usage = "--institution REF --name NAME [--id-number ID] [OPTIONS]",
	 .summary = "register a person, or match the one with the same ID number",
	 .description = "A person whose resident ID number is registered already is not added again:\n"
			"the existing record is returned and each differing field is reported.\n"
			"Sex and birth date default to those the ID number encodes, and must agree\n"
			"with it when given. A new person is checked for duplicates with the\n"
			"registry's linkage model (kept by \"fangai link scan\"): the persons of the\n"
			"same name and year of birth, birth date and sex, or phone, scored; the\n"
			"possible duplicates are printed and queued for review (fangai link review).",
	 .options = add_options, .run = run_add},
	{.name = "find", .usage = "TEXT [OPTIONS]",
	 .summary = "search by ID number, name (simplified or traditional) or phone",
	 .description = "A name matches as a prefix of the name's simplified form, so 陳 finds 陈美玲.",
	 .options = find_options, .min_pos = 1, .max_pos = 1, .run = run_find},
	{.name = "show", .usage = "ID|ID-NUMBER", .summary = "show one person by record id or ID number",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list persons, paged",
	 .options = find_options, .run = run_list},
	{0},
};

const struct command cmd_person_entry = {
	.name = "person",
	.usage = "add|find|show|list ...",
	.summary = "the person registry (master person index)",
	.subcommands = person_commands,
};
