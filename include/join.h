/* join.h - netjail --join NAME COMMAND: one more program in a running jail. */
#ifndef NETJAIL_JOIN_H
#define NETJAIL_JOIN_H

#include "cli.h"
#include <stdbool.h>

/* Run @opts->command in the running jail named @name of the user it is to run as (the
 * caller; root: -u USER's or sudo's caller's), and return its exit status as run() does.
 * Dies (125) with one line if there is no such jail or it cannot be entered. */
int join_run(const struct cli_options *opts, const char *name);

/* --join-or-start: true if the jail @opts->name of the user COMMAND is to run as runs, on
 * @opts->uplink (dies if it runs on another: the launcher asked for that uplink). */
bool join_target_runs(const struct cli_options *opts);

/* --list-names: the caller's running jails' names, one a line (for shell completion). */
int join_print_names(void);

#endif
