/*
 * cmd_user.c
 *	  fangai user add|list|passwd: accounts of the platform.  There are no
 *	  default passwords: a password is read from standard input or
 *	  generated and shown once.  Each change is written to the audit log.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fangai/account.h"
#include "fangai/audit.h"
#include "fangai/util.h"
#include "output.h"

#define GENERATED_LENGTH 16

/* The password from standard input (one line) or a generated one; NULL on a read failure. */
static const char *
obtain_password(const struct cli_args *args, char *buf, size_t size, bool *generated)
{
	*generated = !cli_has(args, "password-stdin");
	if (*generated) {
		fg_password_generate(buf, GENERATED_LENGTH);
		return buf;
	}
	if (fgets(buf, (int)size, stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static void
audit_admin(fg_store *store, const char *action, const char *result, int64_t institution,
	    const char *username)
{
	struct fg_audit_entry e = {.institution_id = institution};
	struct fg_error err;

	fg_strlcpy(e.action, action, sizeof(e.action));
	fg_strlcpy(e.result, result, sizeof(e.result));
	fg_strlcpy(e.client, "cli", sizeof(e.client));
	snprintf(e.resource, sizeof(e.resource), "user/%s", username);
	if (fg_audit_append(store, &e, 1, &err) != FG_OK)
		cli_report(&err);
}

static int
run_add(struct cli_args *args)
{
	struct fg_user_input in = {
		.institution = cli_get(args, "institution"),
		.username = cli_get(args, "username"),
		.display_name = cli_get(args, "display-name"),
		.role = cli_get(args, "role"),
	};
	char password[FG_PASSWORD_MAX + 2];
	struct fg_user user;
	struct fg_error err;
	fg_store *store;
	bool generated;
	int status;

	if (in.institution == NULL || in.username == NULL || in.role == NULL)
		return cli_usage_error(args->path, "user add needs --institution, --username and --role");
	in.password = obtain_password(args, password, sizeof(password), &generated);
	if (in.password == NULL)
		return cli_usage_error(args->path, "no password on standard input");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_user_add(store, &in, &user, &err) != FG_OK) {
		status = cli_report(&err);
		audit_admin(store, "user-add", "invalid", 0, in.username);
	} else {
		audit_admin(store, "user-add", "ok", user.institution_id, user.username);
		printf("user %lld added: %s (%s) of institution %lld\n", (long long)user.id, user.username,
		       user.role, (long long)user.institution_id);
		if (generated)
			printf("password: %s\n", password);
	}
	fg_store_close(store);
	return status;
}

static int
run_passwd(struct cli_args *args)
{
	char password[FG_PASSWORD_MAX + 2];
	struct fg_error err;
	fg_store *store;
	bool generated;
	int status;
	const char *pw = obtain_password(args, password, sizeof(password), &generated);

	if (pw == NULL)
		return cli_usage_error(args->path, "no password on standard input");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_user_set_password(store, args->pos[0], pw, (int64_t)time(NULL), &err) != FG_OK) {
		status = cli_report(&err);
	} else {
		audit_admin(store, "user-passwd", "ok", 0, args->pos[0]);
		printf("password of %s changed; its sessions are ended\n", args->pos[0]);
		if (generated)
			printf("password: %s\n", password);
	}
	fg_store_close(store);
	return status;
}

static const struct out_column columns[] = {
	{"id", true}, {"username", false}, {"display_name", false}, {"role", false},
	{"institution_id", true}, {"active", false}, {"created_at", false},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static int
run_list(struct cli_args *args)
{
	struct fg_user_list list;
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long inst;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_user_list(store, inst, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&table, &arena, columns, NCOLUMNS);
		for (size_t i = 0; i < list.count; i++) {
			const struct fg_user *u = &list.items[i];
			char id[24], in[24];
			const char *cells[NCOLUMNS] = {id, u->username, u->display_name, u->role, in,
						       u->active ? "yes" : "no", u->created_at};

			snprintf(id, sizeof(id), "%lld", (long long)u->id);
			snprintf(in, sizeof(in), "%lld", (long long)u->institution_id);
			out_table_add(&table, cells);
		}
		out_table_print(&table, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "the user's institution (id or unified social credit code)"},
	{"username", "NAME", "login name: 3-63 of a-z 0-9 . _ -"},
	{"display-name", "TEXT", "name shown (default: the login name)"},
	{"role", "ROLE", "screening, clinician, followup, registry, institution_admin, system_admin or auditor"},
	{"password-stdin", NULL, "read the password from standard input (default: generate and print one)"},
	CLI_OPT_END,
};

static const struct cli_option passwd_options[] = {
	CLI_OPT_DB,
	{"password-stdin", NULL, "read the password from standard input (default: generate and print one)"},
	CLI_OPT_END,
};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "only users of this institution"},
	CLI_OPT_END,
};

static const struct command user_commands[] = {
	{.name = "add", .usage = "--institution REF --username NAME --role ROLE [OPTIONS]",
	 .summary = "create an account; the password is generated and shown once unless given",
	 .options = add_options, .run = run_add},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list accounts",
	 .options = list_options, .run = run_list},
	{.name = "passwd", .usage = "USERNAME [--password-stdin]",
	 .summary = "set a new password and end the user's sessions",
	 .options = passwd_options, .min_pos = 1, .max_pos = 1, .run = run_passwd},
	{0},
};

const struct command cmd_user_entry = {
	.name = "user",
	.usage = "add|list|passwd ...",
	.summary = "accounts of the platform server",
	.subcommands = user_commands,
};
