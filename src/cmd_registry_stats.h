/*
 * cmd_registry_stats.h
 *	  The registry statistics subcommands: `fangai stats rates` and
 *	  `fangai stats quality` (cmd_rates.c, cmd_quality.c; listed in the
 *	  table of cmd_stats.c) and `fangai registry population`
 *	  (cmd_population.c; listed in the table of cmd_registry.c).
 */
#ifndef FANGAI_CMD_REGISTRY_STATS_H
#define FANGAI_CMD_REGISTRY_STATS_H

#include "cli.h"

extern const struct cli_option stats_rates_options[];
extern const char stats_rates_description[];
int stats_run_rates(struct cli_args *args);

extern const struct cli_option stats_quality_options[];
extern const char stats_quality_description[];
int stats_run_quality(struct cli_args *args);

extern const struct cli_option registry_population_options[];
extern const char registry_population_description[];
int registry_run_population(struct cli_args *args);

#endif
