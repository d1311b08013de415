/*
 * cmd_registry.c
 *	  fangai registry: the commands of the cancer registry (population
 *	  denominators: cmd_population.c).
 */
#include "cli.h"
#include "cmd_registry_stats.h"

static const struct command registry_commands[] = {
	{.name = "population", .usage = "import FILE.csv [--institution ID] [--replace]",
	 .summary = "import population denominators, all or nothing",
	 .description = registry_population_description, .options = registry_population_options,
	 .min_pos = 2, .max_pos = 2, .run = registry_run_population},
	{0},
};

const struct command cmd_registry_entry = {
	.name = "registry",
	.usage = "population ...",
	.summary = "the cancer registry",
	.subcommands = registry_commands,
};
