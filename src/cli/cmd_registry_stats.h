/*
 * cmd_registry_stats.h
 *	  The registry statistics subcommands of `fangai stats`: rates and
 *	  quality (cmd_rates.c, cmd_quality.c; listed in the table of
 *	  cmd_stats.c).
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

#endif
