/* check.h - netjail --check: would a jail on this uplink work, and if not, why not? */
#ifndef NETJAIL_CHECK_H
#define NETJAIL_CHECK_H

#include "cli.h"
#include "conf.h"

/* Exit status of --check: a jail would work, or would not (125 stays netjail's own
 * failure, e.g. a bad option). */
#define CHECK_WOULD_WORK 0
#define CHECK_WOULD_NOT_WORK 1

/* Print, one line per item, what a run with @opts would find, and a verdict; change
 * nothing.  @privilege_problem is why netjail could not set up (NULL if it could).
 * Returns CHECK_WOULD_WORK or CHECK_WOULD_NOT_WORK. */
int check_report(const struct cli_options *opts, const struct netjail_conf *conf,
		 const char *privilege_problem);

#endif
