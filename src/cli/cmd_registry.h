/*
 * cmd_registry.h
 *	  Subcommands of fangai registry defined in their own files.
 */
#ifndef FANGAI_CMD_REGISTRY_H
#define FANGAI_CMD_REGISTRY_H

#include "cli.h"

/* fangai registry population import FILE.csv (cmd_registry_population.c). */
int cmd_registry_population_run(struct cli_args *args);
extern const struct cli_option cmd_registry_population_options[];
extern const char cmd_registry_population_description[];

/* fangai registry deaths [FILE.csv] (cmd_registry_deaths.c). */
int cmd_registry_deaths_run(struct cli_args *args);
extern const struct cli_option cmd_registry_deaths_options[];
extern const char cmd_registry_deaths_description[];

#endif
