/* desktop.h - netjail --desktop-entry: a launcher that runs its program in a jail. */
#ifndef NETJAIL_DESKTOP_H
#define NETJAIL_DESKTOP_H

#include "cli.h"

/* Write a wrapped copy of launcher @opts->desktop_entry into the user's applications
 * directory, with no privilege left.  Prints the path written.  Returns netjail's exit
 * status: 0, or 125 after a one-line error. */
int desktop_entry_install(const struct cli_options *opts);

#endif
