/*
 * cmd_id.c
 *	  fangai id check: validate resident identity numbers (GB 11643-1999).
 */
#include <string.h>

#include "cli.h"
#include "fangai/identity.h"
#include "output.h"

static const struct out_column columns[] = {
	{"input", false}, {"status", false}, {"number", false}, {"birth_date", false},
	{"sex", false}, {"district", false}, {"reason", false},
};

static int
run_check(struct cli_args *args)
{
	enum out_format fmt;
	struct fg_arena arena;
	struct out_table table;
	fg_date today = fg_date_today();
	int status = EXIT_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, columns, 7);
	for (int i = 0; i < args->npos; i++) {
		struct fg_resident_id rid;
		struct fg_error err;
		char birth[FG_DATE_TEXT_MAX];

		if (fg_resident_id_parse(args->pos[i], today, &rid, &err) == FG_OK) {
			const char *cells[] = {args->pos[i], rid.upgraded ? "valid, upgraded" : "valid",
					       rid.number, fg_date_format(rid.birth_date, birth),
					       rid.sex == '1' ? "male" : "female", rid.district, ""};

			out_table_add(&table, cells);
		} else {
			const char *cells[] = {args->pos[i], "invalid", "", "", "", "", err.detail};

			out_table_add(&table, cells);
			status = EXIT_REFUSED;
		}
	}
	out_table_print(&table, fmt, stdout);
	fg_arena_free(&arena);
	return status;
}

static const struct cli_option check_options[] = {CLI_OPT_FORMAT, CLI_OPT_END};

static const struct command id_commands[] = {
	{
		.name = "check",
		.usage = "ID...",
		.summary = "validate resident ID numbers",
		.description =
			"Prints, for each number, the normalised 18-character form, the birth date\n"
			"and sex it encodes, or the reason it is invalid. Full-width digits, spaces\n"
			"and a lower-case x are accepted; 15-digit numbers issued before 1999 are\n"
			"upgraded. Exit status 1 if any number is invalid.",
		.options = check_options,
		.min_pos = 1,
		.max_pos = -1,
		.run = run_check,
	},
	{0},
};

const struct command cmd_id_entry = {
	.name = "id",
	.usage = "check ID...",
	.summary = "validate identity numbers",
	.subcommands = id_commands,
};
