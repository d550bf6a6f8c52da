/* stop.h - netjail --stop: end every program of one jail. */
#ifndef NETJAIL_STOP_H
#define NETJAIL_STOP_H

#include <stddef.h>

#include "nl.h"
#include "pool.h"

/* Stop the jail named @jail (its host veth's name, its netjail's pid as --list shows, or
 * the name the caller gave it with --name)
 * and wait for its reaper's end.  Run with the caller's own rights: the kernel decides
 * whose reaper may be signalled.  0, or -errno with a one-line reason in @why. */
int stop_jail(struct nl *nl, const struct pool_config *cfg, const char *jail, char *why,
	      size_t why_len);

#endif
