/*
 * cmd_serve.c
 *	  fangai serve: the platform server (HTTP JSON API and HL7 FHIR R4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/util.h"
#include "server.h"

static const struct cli_option serve_options[] = {
	CLI_OPT_DB,
	{"listen", "ADDR", "IPv4 address to listen on (default 127.0.0.1)"},
	{"port", "N", "TCP port (default 8080; 0 picks a free one)"},
	{"port-file", "PATH", "write the port to PATH once listening"},
	{"threads", "N", "worker threads, each with its own database connection (default 4)"},
	{"max-connections", "N", "connections at once (default 1024)"},
	{"per-address", "N", "connections from one client address (default 256)"},
	{"max-inflight", "N", "requests in progress before answering 503 (default 512)"},
	{"timeout", "SECONDS", "close connections idle this long (default 30)"},
	{"max-body", "BYTES", "largest request body (default 1048576)"},
	{"max-head", "BYTES", "room for the request line and headers (default 16384)"},
	{"idle-timeout", "SECONDS", "end sessions unused this long (default 1800)"},
	{"session-lifetime", "SECONDS", "end sessions this long after login (default 43200)"},
	{"audit-sync", "disk|os", "answer a read once its audit entry is on disk (default) or handed to the\n"
	 "operating system (synced within a quarter of a second)"},
	{"web", "DIR", "serve the web UI from DIR (default: web/ beside data/; \"none\" for no UI)"},
	{"vendor", "DIR", "npm modules for /vendor/ (default: node_modules/ beside web/)"},
	CLI_OPT_END,
};

struct numeric_option {
	const char *name;
	long long min, max, def;
};

static const struct numeric_option numeric[] = {
	{"port", 0, 65535, 8080},
	{"threads", 1, 64, 4},
	{"max-connections", 1, 65536, 1024},
	{"per-address", 1, 65536, 256},
	{"max-inflight", 1, 16384, 512},
	{"timeout", 1, 3600, 30},
	{"max-body", 1024, 64LL << 20, 1 << 20},
	{"max-head", 4096, 1 << 20, 16384},
	{"idle-timeout", 60, 86400 * 30, 1800},
	{"session-lifetime", 60, 86400 * 365, 43200},
};
#define NNUMERIC (sizeof(numeric) / sizeof(numeric[0]))

/*
 * The web UI's directories: --web (or $FANGAI_WEB, or web/ beside the data
 * directory) and --vendor (or node_modules/ beside the web directory).
 */
static void
web_dirs(struct cli_args *args, struct server_config *cfg)
{
	static char web[4096], vendor[4096 + 32];
	const char *w = cli_get(args, "web"), *env = getenv("FANGAI_WEB");

	if (w == NULL && env != NULL && env[0] != '\0')
		w = env;
	if (w == NULL) {
		snprintf(web, sizeof(web), "%s/../web", fg_datadir());
		w = web;
	}
	if (strcmp(w, "none") == 0)
		return;
	cfg->web_dir = w;
	cfg->vendor_dir = cli_get(args, "vendor");
	if (cfg->vendor_dir == NULL) {
		snprintf(vendor, sizeof(vendor), "%s/../node_modules", w);
		cfg->vendor_dir = vendor;
	}
}

/* --audit-sync disk (the default) or os. */
static bool
audit_sync_option(struct cli_args *args, struct server_config *cfg)
{
	const char *v = cli_get(args, "audit-sync");

	cfg->audit_sync_os = v != NULL && strcmp(v, "os") == 0;
	if (v == NULL || strcmp(v, "disk") == 0 || cfg->audit_sync_os)
		return true;
	cli_usage_error("serve", "invalid value \"%s\" for --audit-sync: use disk or os", v);
	return false;
}

static int
run_serve(struct cli_args *args)
{
	struct server_config cfg = {.address = "127.0.0.1"};
	long long v[NNUMERIC];
	fg_store *store;
	int status;

	for (size_t i = 0; i < NNUMERIC; i++)
		if (!cli_int_option(args, numeric[i].name, numeric[i].min, numeric[i].max,
				    numeric[i].def, &v[i]))
			return EXIT_USAGE;
	cfg.port = (unsigned)v[0];
	cfg.threads = (unsigned)v[1];
	cfg.max_connections = (unsigned)v[2];
	cfg.per_address = (unsigned)v[3];
	cfg.max_inflight = (unsigned)v[4];
	cfg.timeout = (unsigned)v[5];
	cfg.max_body = (size_t)v[6];
	cfg.max_head = (size_t)v[7];
	cfg.policy.idle_seconds = v[8];
	cfg.policy.absolute_seconds = v[9];
	if (cli_has(args, "listen"))
		cfg.address = cli_get(args, "listen");
	cfg.port_file = cli_get(args, "port-file");
	if (!audit_sync_option(args, &cfg))
		return EXIT_USAGE;
	web_dirs(args, &cfg);
	/* Open once to check the database and bring its schema up to date. */
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_store_close(store);
	cfg.db = cli_db_path(args);
	return server_run(&cfg);
}

const struct command cmd_serve_entry = {
	.name = "serve",
	.usage = "[OPTIONS]",
	.summary = "run the platform server: JSON API and HL7 FHIR R4",
	.description = "Serves /api (JSON) and /fhir (HL7 FHIR R4) until SIGINT or SIGTERM, then\n"
		       "finishes the requests in progress and stops.  Create accounts first with\n"
		       "\"fangai user add\"; there are no default passwords.",
	.options = serve_options,
	.max_pos = 0,
	.run = run_serve,
};
