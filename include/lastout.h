/* lastout.h - the exit of a netjail that cannot get the state lock in time (lastout.c). */
#ifndef NETJAIL_LASTOUT_H
#define NETJAIL_LASTOUT_H

#include "hostnet.h"

/* Without the state lock: cut @jh off, give up its slot and its share of the uplink, and
 * leave a child that removes it (and restores its uplink if it was the last jail there)
 * once the lock is free.  Says in one line, after @why, what became of the jail. */
void jail_host_leave_later(struct jail_host *jh, struct nl *nl, struct state *st,
			   const struct pool_config *cfg, const char *why);

#endif
