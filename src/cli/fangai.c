/*
 * fangai.c
 *	  main() of the fangai command: the command table, dispatch to
 *	  subcommands, option parsing and help.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/log.h"

/* Every cmd_*.c entry, listed at build time by tools/gen-commands.sh. */
#define FG_COMMAND(entry) extern const struct command entry;
#include "commands.def"
#undef FG_COMMAND

static const struct command *const top[] = {
#define FG_COMMAND(entry) &entry,
#include "commands.def"
#undef FG_COMMAND
	NULL,
};

static void
print_main_help(FILE *f)
{
	fputs("usage: fangai COMMAND [OPTIONS] [ARGS]\n\n"
	      "fangai (防癌) runs cancer prevention and control for a region: the person\n"
	      "registry, screening, the cancer registry, follow-up and the referral network.\n\n"
	      "commands:\n", f);
	fprintf(f, "  %-12s %s\n", "help", "show help for fangai or a command");
	for (int i = 0; top[i]; i++)
		fprintf(f, "  %-12s %s\n", top[i]->name, top[i]->summary);
	fputs("\nRun \"fangai help COMMAND\" or \"fangai COMMAND --help\" for details.\n"
	      "Exit status: 0 ok, 1 the data was refused, 2 usage or system error.\n", f);
}

static const struct command *
lookup(const struct command *const *list, const struct command *array,
       const char *name)
{
	if (list != NULL) {
		for (int i = 0; list[i]; i++)
			if (strcmp(list[i]->name, name) == 0)
				return list[i];
	} else {
		for (int i = 0; array[i].name; i++)
			if (strcmp(array[i].name, name) == 0)
				return &array[i];
	}
	return NULL;
}

static int
parse_args(const struct command *cmd, const char *path, int argc, char **argv,
	   struct cli_args *args)
{
	memset(args, 0, sizeof(*args));
	args->cmd = cmd;
	args->path = path;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) == 0 && a[2] != '\0') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int k = -1;

			for (int j = 0; cmd->options && cmd->options[j].name; j++)
				if (strlen(cmd->options[j].name) == len &&
				    strncmp(cmd->options[j].name, name, len) == 0)
					k = j;
			if (k < 0)
				return cli_usage_error(path, "unrecognised option \"--%.*s\" for %s",
						       (int)len, name, path);
			if (cmd->options[k].metavar == NULL) {
				if (eq)
					return cli_usage_error(path, "option \"--%.*s\" takes no value",
							       (int)len, name);
				args->values[k] = "";
			} else if (eq)
				args->values[k] = eq + 1;
			else if (i + 1 < argc)
				args->values[k] = argv[++i];
			else
				return cli_usage_error(path, "option \"--%s\" needs a value %s", name,
						       cmd->options[k].metavar);
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (args->npos == CLI_MAX_POSITIONAL)
					return cli_usage_error(path, "too many arguments");
				args->pos[args->npos++] = argv[i];
			}
		} else {
			if (args->npos == CLI_MAX_POSITIONAL)
				return cli_usage_error(path, "too many arguments");
			args->pos[args->npos++] = argv[i];
		}
	}
	if (args->npos < cmd->min_pos)
		return cli_usage_error(path, "%s needs %s", path, cmd->usage);
	if (cmd->max_pos >= 0 && args->npos > cmd->max_pos)
		return cli_usage_error(path, "unexpected argument \"%s\" for %s",
				       args->pos[cmd->max_pos], path);
	return EXIT_OK;
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static int
run_help(int argc, char **argv)
{
	const struct command *cmd, *sub;
	char path[128];

	if (argc == 0) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	cmd = lookup(top, NULL, argv[0]);
	if (cmd == NULL)
		return cli_usage_error(NULL, "no command named \"%s\"; see \"fangai help\"", argv[0]);
	if (argc > 1 && cmd->subcommands) {
		sub = lookup(NULL, cmd->subcommands, argv[1]);
		if (sub == NULL)
			return cli_usage_error(path, "%s has no command \"%s\"", cmd->name, argv[1]);
		snprintf(path, sizeof(path), "%s %s", cmd->name, sub->name);
		cli_print_help(stdout, path, sub);
		return EXIT_OK;
	}
	cli_print_help(stdout, cmd->name, cmd);
	return EXIT_OK;
}

static void
log_to_stderr(enum fg_log_level level, const char *message, void *userdata)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};

	if (level >= FG_LOG_WARNING)
		fprintf(stderr, "fangai: %s: %s\n", names[level], message);
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	struct cli_args args;
	char path[128];
	int status;

	fg_log_set_handler(log_to_stderr, NULL, FG_LOG_WARNING);
	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return run_help(argc - 2, argv + 2);
	cmd = lookup(top, NULL, argv[1]);
	if (cmd == NULL)
		return cli_usage_error(NULL, "no command named \"%s\"; see \"fangai help\"", argv[1]);
	snprintf(path, sizeof(path), "%s", cmd->name);
	argc -= 2;
	argv += 2;
	if (cmd->subcommands) {
		const struct command *parent = cmd;

		if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
			cli_print_help(argc == 0 ? stderr : stdout, path, cmd);
			return argc == 0 ? EXIT_USAGE : EXIT_OK;
		}
		cmd = lookup(NULL, parent->subcommands, argv[0]);
		if (cmd == NULL)
			return cli_usage_error(parent->name, "%s has no command \"%s\"", parent->name, argv[0]);
		snprintf(path, sizeof(path), "%s %s", parent->name, cmd->name);
		argc--;
		argv++;
	}
	if (wants_help(argc, argv)) {
		cli_print_help(stdout, path, cmd);
		return EXIT_OK;
	}
	status = parse_args(cmd, path, argc, argv, &args);
	if (status != EXIT_OK)
		return status;
	return cmd->run(&args);
}
